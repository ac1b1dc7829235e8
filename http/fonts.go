package http

import (
	"embed"
	"net/http"
	"path"
	"strings"
)

// fontFS holds the Chinese web font: Noto Sans SC, regular weight, split
// by unicode-range into woff2 pieces, with its licence (OFL.txt).
// static/fonts.css declares the pieces.
//
//go:embed fonts
var fontFS embed.FS

// handleFont serves one piece of the web font. The names carry the font
// package's version, so they may be cached for long.
func (s *Server) handleFont(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("file")
	if strings.Contains(name, "/") || (path.Ext(name) != ".woff2" && name != "OFL.txt") {
		return errNotFound
	}
	b, err := fontFS.ReadFile("fonts/" + name)
	if err != nil {
		return errNotFound
	}
	if path.Ext(name) == ".woff2" {
		w.Header().Set("Content-Type", "font/woff2")
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	}
	_, err = w.Write(b)
	return err
}
