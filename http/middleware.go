package http

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/innobridge/innobridge"
	"github.com/innobridge/innobridge/service"
)

// Cookie names.
const (
	sessionCookie = "ib_session" // the session id (HttpOnly)
	csrfCookie    = "ib_csrf"    // pre-session CSRF token for the login form (double submit)
	langCookie    = "ib_lang"    // "zh" or "en"
	csrfField     = "csrf_token" // hidden form field
	csrfHeader    = "X-CSRF-Token"
)

// reqState is what the middleware learns about a request.
type reqState struct {
	lang     string // "zh" or "en"
	session  *innobridge.Session
	user     *innobridge.User
	bearer   bool   // authenticated by Authorization: Bearer (no CSRF)
	preCSRF  string // the login form's double-submit token
	clientIP string
}

type stateKey struct{}

func state(r *http.Request) *reqState {
	if st, ok := r.Context().Value(stateKey{}).(*reqState); ok {
		return st
	}
	return &reqState{lang: "zh"}
}

// statusWriter records the status and size of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
	size   int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.size += n
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logRequests writes one record per request: a constant message with the
// request and response as attribute groups.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		st := &reqState{lang: "zh", clientIP: s.clientIP(r)}
		ctx := context.WithValue(r.Context(), stateKey{}, st)
		ctx = service.WithClientIP(ctx, st.clientIP)
		next.ServeHTTP(sw, r.WithContext(ctx))
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		var uid int64
		if st.user != nil {
			uid = st.user.ID
		}
		level := slog.LevelInfo
		if sw.status >= 500 {
			level = slog.LevelError
		}
		s.logger.LogAttrs(r.Context(), level, "http request",
			slog.Group("request", slog.String("method", r.Method), slog.String("path", r.URL.Path),
				slog.String("ip", st.clientIP), slog.Int64("user_id", uid)),
			slog.Group("response", slog.Int("status", sw.status), slog.Int("size", sw.size),
				slog.Duration("duration", time.Since(start))))
	})
}

// recoverPanics turns a panic in a handler into a logged 500.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.serveError(w, r, fmt.Errorf("panic: %v\n%s", v, debug.Stack()))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// contentSecurityPolicy allows only our own files: no inline script or
// style, no frames, forms post only to us.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

// securityHeaders sets the headers every response carries.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if s.isTLS(r) {
			h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		next.ServeHTTP(w, r)
	})
}

// language chooses the interface language: ?lang= (remembered in a
// cookie), then the cookie, then Accept-Language; Chinese by default.
func (s *Server) language(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := state(r)
		if q := r.URL.Query().Get("lang"); q != "" {
			st.lang = normLang(q)
			http.SetCookie(w, &http.Cookie{Name: langCookie, Value: st.lang, Path: "/", MaxAge: 365 * 24 * 3600,
				HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.isTLS(r)})
		} else if c, err := r.Cookie(langCookie); err == nil {
			st.lang = normLang(c.Value)
		} else {
			st.lang = acceptLanguage(r.Header.Get("Accept-Language"))
		}
		w.Header().Add("Vary", "Accept-Language, Cookie")
		next.ServeHTTP(w, r)
	})
}

func normLang(s string) string {
	if strings.HasPrefix(strings.ToLower(strings.TrimSpace(s)), "en") {
		return "en"
	}
	return "zh"
}

// acceptLanguage picks zh or en from an Accept-Language header by quality;
// zh wins ties and is the default.
func acceptLanguage(h string) string {
	best, bestQ := "zh", -1.0
	for _, part := range strings.Split(h, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		tag = strings.ToLower(strings.TrimSpace(tag))
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		var l string
		switch {
		case strings.HasPrefix(tag, "zh"):
			l = "zh"
		case strings.HasPrefix(tag, "en"):
			l = "en"
		default:
			continue
		}
		if q > bestQ || (q == bestQ && l == "zh") {
			best, bestQ = l, q
		}
	}
	return best
}

// authenticate puts the user of the session cookie or bearer token into the
// context and checks the CSRF token of every state-changing request that a
// browser could forge: cookie sessions compare the form field (or the
// X-CSRF-Token header) with the session's token; anonymous form posts (the
// login form) compare it with the pre-session cookie. Bearer requests carry
// no ambient credential and need no token.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := state(r)
		ctx := r.Context()
		if id, ok := bearerToken(r); ok {
			sess, u, err := s.svc.Authenticate(ctx, id)
			if err != nil {
				s.serveError(w, r, err)
				return
			}
			st.session, st.user, st.bearer = sess, u, true
		} else if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
			sess, u, err := s.svc.Authenticate(ctx, c.Value)
			switch innobridge.ErrorCode(err) {
			case "":
				st.session, st.user = sess, u
			case innobridge.EUNAUTHORIZED:
				s.clearSessionCookie(w, r) // expired: carry on anonymously
			default:
				s.serveError(w, r, err)
				return
			}
		}
		if st.session == nil {
			if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) >= 20 {
				st.preCSRF = c.Value
			} else if !isAPI(r) {
				st.preCSRF = randomToken()
				http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: st.preCSRF, Path: "/", HttpOnly: true,
					SameSite: http.SameSiteLaxMode, Secure: s.isTLS(r)})
			}
		}
		if st.user != nil {
			ctx = innobridge.NewContextWithUser(ctx, st.user)
		}
		r = r.WithContext(ctx)
		if changesState(r.Method) && !st.bearer {
			limit := int64(1 << 20)
			if strings.HasPrefix(r.URL.Path, "/staff/import") {
				limit = 256 << 20
			}
			r.Body = http.MaxBytesReader(w, r.Body, limit)
			if !s.csrfOK(r, st) {
				s.serveError(w, r, errCSRF)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

var errCSRF = innobridge.Errorf(innobridge.EFORBIDDEN, "表单已失效，请刷新页面后重试 (the form has expired or the request is forged; reload the page and try again)")

func changesState(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return false
	}
	return true
}

// csrfOK checks a state-changing request that is not bearer-authenticated.
func (s *Server) csrfOK(r *http.Request, st *reqState) bool {
	var want string
	switch {
	case st.session != nil:
		want = st.session.CSRFToken
	case isAPI(r):
		// An anonymous API call carries no credential a forger could
		// borrow; the only anonymous write is POST /api/v1/session,
		// which sets no cookie.
		return true
	default:
		want = st.preCSRF
	}
	got := r.Header.Get(csrfHeader)
	if got == "" {
		ct := r.Header.Get("Content-Type")
		if strings.HasPrefix(ct, "multipart/form-data") {
			if err := r.ParseMultipartForm(32 << 20); err != nil {
				return false
			}
		}
		got = r.PostFormValue(csrfField)
	}
	return want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

func bearerToken(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:]), true
	}
	return "", false
}

func (s *Server) setSessionCookie(w http.ResponseWriter, r *http.Request, sess *innobridge.Session) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: sess.ID, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.isTLS(r)})
}

func (s *Server) clearSessionCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.isTLS(r)})
}

func randomToken() string {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		panic("http: crypto/rand failed: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}
