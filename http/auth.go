package http

import (
	"net/http"
	"time"

	"github.com/innobridge/innobridge"
)

// loginPage is /login.
type loginPage struct {
	Base
	Username string
	Next     string
	Err      string // already a service message; the template localises it
	Locked   bool
}

func (s *Server) handleLoginForm(w http.ResponseWriter, r *http.Request) error {
	if state(r).user != nil {
		http.Redirect(w, r, localPath(r.URL.Query().Get("next")), http.StatusSeeOther)
		return nil
	}
	p := &loginPage{Next: localPath(r.URL.Query().Get("next"))}
	p.Nav = "login"
	s.render(w, r, http.StatusOK, "login", p)
	return nil
}

// handleLogin checks the login form (its CSRF token is the pre-session
// cookie, checked by the middleware), opens a session and sets its cookie.
func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) error {
	username, password := r.PostFormValue("username"), r.PostFormValue("password")
	next := localPath(r.PostFormValue("next"))
	sess, _, err := s.svc.Login(r.Context(), username, password)
	if err != nil {
		switch innobridge.ErrorCode(err) {
		case innobridge.EUNAUTHORIZED, innobridge.ELOCKED:
			p := &loginPage{Username: username, Next: next, Err: innobridge.ErrorMessage(err),
				Locked: innobridge.ErrorCode(err) == innobridge.ELOCKED}
			p.Nav = "login"
			s.render(w, r, statusOf(err), "login", p)
			return nil
		}
		return err
	}
	s.setSessionCookie(w, r, sess)
	// The pre-session token has served its purpose.
	http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.isTLS(r)})
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) error {
	if st := state(r); st.session != nil {
		if err := s.svc.Logout(r.Context(), st.session.ID); err != nil {
			return err
		}
	}
	s.clearSessionCookie(w, r)
	http.Redirect(w, r, "/?done=logout", http.StatusSeeOther)
	return nil
}

// passwordPage is /account/password.
type passwordPage struct {
	Base
	Errs map[string]innobridge.FieldError
}

func (s *Server) handlePasswordForm(w http.ResponseWriter, r *http.Request) error {
	if err := requireLogin(r); err != nil {
		return err
	}
	p := &passwordPage{}
	p.Nav = "account"
	s.render(w, r, http.StatusOK, "password", p)
	return nil
}

// handlePassword changes the user's password. The service ends every
// session of the user, so a fresh one is opened for this browser.
func (s *Server) handlePassword(w http.ResponseWriter, r *http.Request) error {
	if err := requireLogin(r); err != nil {
		return err
	}
	oldPw, newPw, again := r.PostFormValue("old_password"), r.PostFormValue("password"), r.PostFormValue("password_again")
	var err error
	if newPw != again {
		err = fieldError("password_again", "mismatch", "两次输入的新密码不一致 (the new passwords differ)")
	} else {
		err = s.svc.ChangePassword(r.Context(), oldPw, newPw)
	}
	if err != nil {
		return s.formError(w, r, err, func() (page, string, error) {
			p := &passwordPage{Errs: fieldsOf(err)}
			p.Nav = "account"
			return p, "password", nil
		})
	}
	u := state(r).user
	sess, _, err := s.svc.Login(r.Context(), u.Username, newPw)
	if err != nil {
		s.clearSessionCookie(w, r)
		http.Redirect(w, r, "/login?done=password", http.StatusSeeOther)
		return nil
	}
	s.setSessionCookie(w, r, sess)
	http.Redirect(w, r, "/?done=password", http.StatusSeeOther)
	return nil
}

// sessionResponse is the body of POST /api/v1/session.
type sessionResponse struct {
	Token     string           `json:"token,omitempty"`
	ExpiresAt time.Time        `json:"expires_at"`
	User      *innobridge.User `json:"user"`
}

// handleAPILogin serves POST /api/v1/session: the returned token is the
// session id, sent back as Authorization: Bearer.
func (s *Server) handleAPILogin(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Username string `json:"username"`
		Password string `json:"password"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	sess, u, err := s.svc.Login(r.Context(), in.Username, in.Password)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, sessionResponse{Token: sess.ID, ExpiresAt: sess.ExpiresAt, User: u})
	return nil
}

// handleAPILogout serves DELETE /api/v1/session.
func (s *Server) handleAPILogout(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	if st.session == nil {
		return innobridge.Errorf(innobridge.EUNAUTHORIZED, "请先登录 (please log in)")
	}
	if err := s.svc.Logout(r.Context(), st.session.ID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// handleAPIMe serves GET /api/v1/session: the user behind the token.
func (s *Server) handleAPIMe(w http.ResponseWriter, r *http.Request) error {
	st := state(r)
	if st.session == nil {
		return innobridge.Errorf(innobridge.EUNAUTHORIZED, "请先登录 (please log in)")
	}
	writeJSON(w, http.StatusOK, sessionResponse{ExpiresAt: st.session.ExpiresAt, User: st.user})
	return nil
}
