// Package http is innobridge's web surface: the server-rendered pages, the
// JSON API under /api/v1 and the CSV/XLSX exports, all over one
// *service.Service. Every handler returns an error that one adapter renders
// as an HTML page or a JSON body, and one handler serves each list in every
// format, so the pages, the API and the exports cannot drift apart.
//
// Pages are html/template files embedded in the binary and parsed at
// startup, once per language; static files are served under content-hash
// URLs. The package is named http after the dependency it wraps, as in
// wtf's standard package layout.
package http

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/innobridge/innobridge"
	"github.com/innobridge/innobridge/match"
	"github.com/innobridge/innobridge/service"
)

// Options configure a Server. The zero value serves plain HTTP with the
// default logger and the demo city.
type Options struct {
	// Logger receives one record per request and every internal error.
	Logger *slog.Logger
	// TLS says the platform is reached over HTTPS (directly or behind a
	// proxy that terminates TLS): cookies get the Secure flag and responses
	// carry Strict-Transport-Security. A request that arrives over TLS is
	// treated so even when TLS is false.
	TLS bool
	// TrustProxy takes the client address for the audit log from
	// X-Forwarded-For / X-Real-IP. Set it only behind a reverse proxy.
	TrustProxy bool
	// City is the GB/T 2260 code of the city the platform serves; its
	// districts make the region pick lists. Default innobridge.DemoCityCode.
	City string
	// Import, if set, imports an uploaded file for the staff upload page.
	// cmd wires it to the importer package; nil hides the upload form.
	Import ImportFunc
	// PageSize is the number of rows per page of a list. Default 20.
	PageSize int
	// Matching serves recommendations, match tracking and docking lists.
	// Nil means a new one over the service, built on first use.
	Matching *service.Matching
}

// ImportFunc imports one uploaded file of the given kind ("organizations",
// "achievements" or "demands") as the user in ctx, all or nothing, and
// returns the number of records stored. A rejected file comes back as an
// error; an *innobridge.Error's Fields and Record, or errors joined with
// errors.Join, are listed to the user.
type ImportFunc func(ctx context.Context, kind, filename string, data []byte) (int, error)

// Server serves the platform's pages and API over a Service.
type Server struct {
	svc      *service.Service
	matching *service.Matching
	opts     Options
	logger   *slog.Logger
	mux      *http.ServeMux
	views    *views
	static   *staticFiles
	handler  http.Handler
	// apiRoutes records every "METHOD /api/v1/…" pattern registered, for
	// the OpenAPI check.
	apiRoutes []string
}

// NewServer returns a Server over svc. It parses every template and hashes
// every static file, and panics if an embedded file is broken: that is a
// build error, which the package's tests catch first.
func NewServer(svc *service.Service, opts Options) *Server {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.City == "" {
		opts.City = innobridge.DemoCityCode
	}
	if opts.PageSize <= 0 {
		opts.PageSize = 20
	}
	if opts.Matching == nil {
		opts.Matching = service.NewMatching(svc, match.Options{})
	}
	s := &Server{svc: svc, matching: opts.Matching, opts: opts, logger: opts.Logger, mux: http.NewServeMux()}
	var err error
	if s.static, err = loadStatic(); err != nil {
		panic(fmt.Sprintf("http: static files: %v", err))
	}
	if s.views, err = loadViews(s.static); err != nil {
		panic(fmt.Sprintf("http: templates: %v", err))
	}
	s.routes()
	var h http.Handler = http.HandlerFunc(s.dispatch)
	h = s.authenticate(h)
	h = s.language(h)
	h = s.securityHeaders(h)
	h = s.recoverPanics(h)
	h = s.logRequests(h)
	s.handler = h
	return s
}

// Handler returns the server's root handler, middleware included.
func (s *Server) Handler() http.Handler { return s.handler }

// handlerFunc is a handler that returns its error for s.handle to render.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// handle registers fn under pattern with the error adapter.
func (s *Server) handle(pattern string, fn handlerFunc) {
	if _, path, ok := strings.Cut(pattern, " "); ok && strings.HasPrefix(path, "/api/v1/") {
		s.apiRoutes = append(s.apiRoutes, pattern)
	}
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		if err := fn(w, r); err != nil {
			s.serveError(w, r, err)
		}
	})
}

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	if err := s.svc.Store.Ping(ctx); err != nil {
		s.logger.ErrorContext(ctx, "health check failed", slog.Any("err", err))
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintln(w, "database unavailable")
		return nil
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	fmt.Fprintln(w, "ok")
	return nil
}

// clientIP returns the address the request came from, for the audit log.
func (s *Server) clientIP(r *http.Request) string {
	if s.opts.TrustProxy {
		if v := r.Header.Get("X-Forwarded-For"); v != "" {
			first, _, _ := strings.Cut(v, ",")
			if ip := net.ParseIP(strings.TrimSpace(first)); ip != nil {
				return ip.String()
			}
		}
		if ip := net.ParseIP(strings.TrimSpace(r.Header.Get("X-Real-IP"))); ip != nil {
			return ip.String()
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// isTLS reports whether the client reached us over HTTPS.
func (s *Server) isTLS(r *http.Request) bool { return s.opts.TLS || r.TLS != nil }

var errNotFound = innobridge.Errorf(innobridge.ENOTFOUND, "页面不存在 (page not found)")

func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

// errorsAs is errors.As for *innobridge.Error.
func appError(err error) *innobridge.Error {
	var e *innobridge.Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}

// emethod is the HTTP layer's code for a method a route does not allow.
const emethod = "method_not_allowed"

// dispatch routes a request through the mux, rendering the mux's own "not
// found" and "method not allowed" answers as our error pages and JSON.
func (s *Server) dispatch(w http.ResponseWriter, r *http.Request) {
	h, pattern := s.mux.Handler(r)
	if pattern != "" {
		// Handler does not set the path values ({id}); ServeHTTP does.
		s.mux.ServeHTTP(w, r)
		return
	}
	rec := &headerOnly{header: http.Header{}}
	h.ServeHTTP(rec, r)
	if rec.status == http.StatusMethodNotAllowed {
		w.Header().Set("Allow", rec.header.Get("Allow"))
		s.serveError(w, r, innobridge.Errorf(emethod, "不支持该请求方法 (method not allowed)"))
		return
	}
	s.serveError(w, r, errNotFound)
}

// headerOnly records what the mux's fallback handlers answer.
type headerOnly struct {
	header http.Header
	status int
}

func (h *headerOnly) Header() http.Header         { return h.header }
func (h *headerOnly) Write(b []byte) (int, error) { return len(b), nil }
func (h *headerOnly) WriteHeader(code int)        { h.status = code }
