package http

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"

	"github.com/innobridge/innobridge"
)

// ebadRequest is the HTTP layer's own code for a request it cannot decode
// (malformed JSON, a bad form); the domain's EINVALID is for well-formed
// input that breaks a rule.
const ebadRequest = "bad_request"

// codes maps every error code to its HTTP status: the one table.
var codes = map[string]int{
	ebadRequest:              http.StatusBadRequest,
	emethod:                  http.StatusMethodNotAllowed,
	innobridge.EINVALID:      http.StatusUnprocessableEntity,
	innobridge.EUNAUTHORIZED: http.StatusUnauthorized,
	innobridge.EFORBIDDEN:    http.StatusForbidden,
	innobridge.ENOTFOUND:     http.StatusNotFound,
	innobridge.ECONFLICT:     http.StatusConflict,
	innobridge.ELOCKED:       http.StatusLocked,
	innobridge.ESTALE:        http.StatusServiceUnavailable,
	innobridge.EINTERNAL:     http.StatusInternalServerError,
}

// statusOf returns the HTTP status of err's code.
func statusOf(err error) int {
	if st, ok := codes[innobridge.ErrorCode(err)]; ok {
		return st
	}
	return http.StatusInternalServerError
}

// errorBody is the JSON form of an error.
type errorBody struct {
	Error publicError `json:"error"`
}

type publicError struct {
	Code    string                           `json:"code"`
	Message string                           `json:"message"`
	Record  string                           `json:"record,omitempty"`
	Fields  map[string]innobridge.FieldError `json:"fields,omitempty"`
}

// publicErr returns what a client may see of err: internal errors become a
// generic message.
func publicErr(err error) publicError {
	code := innobridge.ErrorCode(err)
	if e := appError(err); e != nil && code != innobridge.EINTERNAL {
		return publicError{Code: e.Code, Message: e.Message, Record: e.Record, Fields: e.Fields}
	}
	return publicError{Code: innobridge.EINTERNAL, Message: "服务器内部错误，请稍后再试 (internal error)"}
}

// serveError renders err: JSON for the API and for clients that ask for it,
// an HTML page otherwise. Internal errors are logged with their detail and
// shown with a generic message; an anonymous visitor who needs to log in is
// sent to the login page.
func (s *Server) serveError(w http.ResponseWriter, r *http.Request, err error) {
	status := statusOf(err)
	if status >= 500 {
		s.logger.ErrorContext(r.Context(), "internal error", slog.String("method", r.Method),
			slog.String("path", r.URL.Path), slog.Any("err", err))
	}
	if isAPI(r) || wantsJSON(r) {
		writeJSON(w, status, errorBody{Error: publicErr(err)})
		return
	}
	st := state(r)
	if status == http.StatusUnauthorized && st.user == nil && r.Method == http.MethodGet {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	page := &errorPage{Status: status, Err: publicErr(err)}
	s.render(w, r, status, "error", page)
}

// wantsJSON reports whether the client asked for JSON by Accept or suffix.
func wantsJSON(r *http.Request) bool {
	return formatOf(r) == "json"
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// badRequest returns an ebadRequest error.
func badRequest(format string, args ...any) error {
	return innobridge.Errorf(ebadRequest, format, args...)
}
