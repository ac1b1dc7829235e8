package service

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"github.com/innobridge/innobridge"
	"github.com/innobridge/innobridge/passwd"
)

// errBadLogin is the one answer for a wrong username or password, so that
// the response does not reveal which accounts exist.
var errBadLogin = innobridge.Errorf(innobridge.EUNAUTHORIZED, "用户名或密码错误 (wrong username or password)")

// Login checks a username and password and opens a session. After
// Config.MaxFailedLogins failures in a row the account is locked for
// Config.LockoutDuration (ELOCKED). Every attempt is audited.
func (s *Service) Login(ctx context.Context, username, password string) (*innobridge.Session, *innobridge.User, error) {
	now := s.Now().UTC()
	u, err := s.Store.FindUserByUsername(ctx, strings.TrimSpace(username))
	if innobridge.ErrorCode(err) == innobridge.ENOTFOUND {
		// Spend the same time as a real check: a hash of the configured
		// cost, or the response time would tell which accounts exist.
		_, _ = passwd.Check(s.dummyHash(), password)
		_ = s.audit(ctx, "login_failed", "user", username, "unknown user")
		return nil, nil, errBadLogin
	} else if err != nil {
		return nil, nil, fmt.Errorf("Login(%q): %w", username, err)
	}
	uctx := innobridge.NewContextWithUser(ctx, u)
	if u.Disabled {
		_ = s.audit(uctx, "login_failed", "user", u.Username, "disabled")
		return nil, nil, errBadLogin
	}
	if u.LockedUntil != nil && now.Before(*u.LockedUntil) {
		_ = s.audit(uctx, "login_failed", "user", u.Username, "locked")
		return nil, nil, innobridge.Errorf(innobridge.ELOCKED, "账户已锁定，请于 %s 后再试 (account locked until then)", u.LockedUntil.Local().Format("15:04"))
	}
	ok, err := passwd.Check(u.PasswordHash, password)
	if err != nil {
		return nil, nil, fmt.Errorf("Login(%q): %w", username, err)
	}
	if !ok {
		// One atomic step in the store, so that guesses sent in parallel,
		// to this instance or to others on the same database, all count.
		failed, locked, err := s.Store.RecordLoginFailure(ctx, u.ID, s.Config.MaxFailedLogins, now.Add(s.Config.LockoutDuration))
		if err != nil {
			return nil, nil, fmt.Errorf("Login(%q): recording failure: %w", username, err)
		}
		detail := fmt.Sprintf("failed %d", failed)
		if locked {
			detail += ", locked"
		}
		_ = s.audit(uctx, "login_failed", "user", u.Username, detail)
		if locked {
			return nil, nil, innobridge.Errorf(innobridge.ELOCKED, "连续%d次密码错误，账户锁定%d分钟 (account locked)", s.Config.MaxFailedLogins, int(s.Config.LockoutDuration.Minutes()))
		}
		return nil, nil, errBadLogin
	}
	zero := 0
	var nilTime *time.Time
	if _, err := s.Store.UpdateUser(ctx, u.ID, innobridge.UserUpdate{FailedLogins: &zero, LockedUntil: &nilTime, LastLogin: &now}); err != nil {
		return nil, nil, fmt.Errorf("Login(%q): %w", username, err)
	}
	sess := &innobridge.Session{ID: randomToken(), UserID: u.ID, CSRFToken: randomToken(), CreatedAt: now, LastSeen: now,
		ExpiresAt: now.Add(s.Config.SessionIdle)}
	if err := s.Store.CreateSession(ctx, sess); err != nil {
		return nil, nil, fmt.Errorf("Login(%q): creating session: %w", username, err)
	}
	_ = s.audit(uctx, "login", "user", u.Username, nil)
	return sess, u, nil
}

// dummyHash returns a hash of a random password at the configured cost,
// made once, for checking passwords of unknown users.
func (s *Service) dummyHash() string {
	s.dummyOnce.Do(func() {
		s.dummy, _ = passwd.Hash(randomToken(), s.Config.PasswordParams)
	})
	return s.dummy
}

// Authenticate returns the session and user for a session id, extending the
// idle expiry. An unknown, expired or over-age session, or a disabled user,
// gives EUNAUTHORIZED.
func (s *Service) Authenticate(ctx context.Context, sessionID string) (*innobridge.Session, *innobridge.User, error) {
	now := s.Now().UTC()
	expired := innobridge.Errorf(innobridge.EUNAUTHORIZED, "会话已过期，请重新登录 (session expired)")
	sess, err := s.Store.FindSession(ctx, sessionID, now)
	if innobridge.ErrorCode(err) == innobridge.ENOTFOUND {
		return nil, nil, expired
	} else if err != nil {
		return nil, nil, fmt.Errorf("Authenticate: %w", err)
	}
	if now.Sub(sess.CreatedAt) > s.Config.SessionAbsolute {
		_ = s.Store.DeleteSession(ctx, sessionID)
		return nil, nil, expired
	}
	u, err := s.Store.FindUserByID(ctx, sess.UserID)
	if err != nil || u.Disabled {
		_ = s.Store.DeleteSession(ctx, sessionID)
		return nil, nil, expired
	}
	if now.Sub(sess.LastSeen) > time.Minute {
		exp := now.Add(s.Config.SessionIdle)
		if err := s.Store.TouchSession(ctx, sessionID, now, exp); err != nil {
			return nil, nil, fmt.Errorf("Authenticate: %w", err)
		}
		sess.LastSeen, sess.ExpiresAt = now, exp
	}
	return sess, u, nil
}

// Logout ends a session.
func (s *Service) Logout(ctx context.Context, sessionID string) error {
	if err := s.Store.DeleteSession(ctx, sessionID); err != nil && innobridge.ErrorCode(err) != innobridge.ENOTFOUND {
		return fmt.Errorf("Logout: %w", err)
	}
	_ = s.audit(ctx, "logout", "session", "", nil)
	return nil
}

// NewUser is what an administrator enters to create an account.
type NewUser struct {
	Username string
	Name     string
	Email    string
	Role     innobridge.Role
	OrgID    int64
	Password string
}

// CreateUser creates an account (administrators only). The password must
// pass the policy.
func (s *Service) CreateUser(ctx context.Context, nu NewUser) (*innobridge.User, error) {
	if _, err := requireAdmin(ctx); err != nil {
		return nil, err
	}
	return s.createUser(ctx, nu)
}

func (s *Service) createUser(ctx context.Context, nu NewUser) (*innobridge.User, error) {
	v := innobridge.Validation{Record: nu.Username}
	nu.Username = strings.TrimSpace(nu.Username)
	if nu.Username == "" || strings.ContainsAny(nu.Username, " \t/") {
		v.Add("username", "format", "用户名必填且不含空格 (username required, no spaces)")
	}
	if !nu.Role.Valid() {
		v.Add("role", "unknown", "未知角色 %q (unknown role)", nu.Role)
	}
	if nu.Role == innobridge.RoleMember && nu.OrgID == 0 {
		v.Add("org_id", "required", "机构用户须指定所属机构 (members belong to an organisation)")
	}
	if msg := passwd.Policy(nu.Password, nu.Username); msg != "" {
		v.Add("password", "policy", "%s", msg)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if nu.OrgID != 0 {
		if _, err := s.Store.FindOrganizationByID(ctx, nu.OrgID); err != nil {
			return nil, &innobridge.Error{Code: innobridge.EINVALID, Message: "invalid input", Record: nu.Username,
				Fields: map[string]innobridge.FieldError{"org_id": {Code: "unknown", Message: "机构不存在 (no such organisation)"}}}
		}
	}
	hash, err := passwd.Hash(nu.Password, s.Config.PasswordParams)
	if err != nil {
		return nil, err
	}
	u := &innobridge.User{Username: nu.Username, Name: nu.Name, Email: nu.Email, Role: nu.Role, OrgID: nu.OrgID,
		PasswordHash: hash, PasswordSet: s.Now().UTC()}
	if err := s.Store.CreateUser(ctx, u); err != nil {
		return nil, fmt.Errorf("CreateUser(%q): %w", nu.Username, err)
	}
	if err := s.audit(ctx, "create", "user", u.Username, map[string]any{"role": u.Role, "org_id": u.OrgID}); err != nil {
		return nil, err
	}
	return u, nil
}

// ChangePassword changes the acting user's password after checking the old
// one, and ends the user's other sessions.
func (s *Service) ChangePassword(ctx context.Context, oldPassword, newPassword string) error {
	u, err := requireUser(ctx)
	if err != nil {
		return err
	}
	ok, err := passwd.Check(u.PasswordHash, oldPassword)
	if err != nil {
		return err
	}
	if !ok {
		return &innobridge.Error{Code: innobridge.EINVALID, Message: "invalid input",
			Fields: map[string]innobridge.FieldError{"old_password": {Code: "wrong", Message: "原密码错误 (wrong current password)"}}}
	}
	return s.setPassword(ctx, u, newPassword)
}

// ResetPassword sets another user's password (administrators only).
func (s *Service) ResetPassword(ctx context.Context, userID int64, newPassword string) error {
	if _, err := requireAdmin(ctx); err != nil {
		return err
	}
	u, err := s.Store.FindUserByID(ctx, userID)
	if err != nil {
		return err
	}
	return s.setPassword(ctx, u, newPassword)
}

func (s *Service) setPassword(ctx context.Context, u *innobridge.User, pw string) error {
	if msg := passwd.Policy(pw, u.Username); msg != "" {
		return &innobridge.Error{Code: innobridge.EINVALID, Message: "invalid input",
			Fields: map[string]innobridge.FieldError{"password": {Code: "policy", Message: msg}}}
	}
	hash, err := passwd.Hash(pw, s.Config.PasswordParams)
	if err != nil {
		return err
	}
	now := s.Now().UTC()
	if _, err := s.Store.UpdateUser(ctx, u.ID, innobridge.UserUpdate{PasswordHash: &hash, PasswordSet: &now}); err != nil {
		return fmt.Errorf("setPassword(%q): %w", u.Username, err)
	}
	if err := s.Store.DeleteUserSessions(ctx, u.ID); err != nil {
		return fmt.Errorf("setPassword(%q): ending sessions: %w", u.Username, err)
	}
	return s.audit(ctx, "password_change", "user", u.Username, nil)
}

// UpdateUser changes role, organisation, name, e-mail or the disabled flag
// (administrators only). Disabling ends the user's sessions.
func (s *Service) UpdateUser(ctx context.Context, id int64, upd innobridge.UserUpdate) (*innobridge.User, error) {
	admin, err := requireAdmin(ctx)
	if err != nil {
		return nil, err
	}
	if upd.PasswordHash != nil || upd.FailedLogins != nil || upd.LockedUntil != nil || upd.LastLogin != nil {
		return nil, innobridge.Errorf(innobridge.EINVALID, "这些字段不能直接修改 (these fields are not editable)")
	}
	if upd.Role != nil && !upd.Role.Valid() {
		return nil, innobridge.Errorf(innobridge.EINVALID, "未知角色 %q (unknown role)", *upd.Role)
	}
	if admin.ID == id && ((upd.Disabled != nil && *upd.Disabled) || (upd.Role != nil && *upd.Role != innobridge.RoleAdmin)) {
		return nil, innobridge.Errorf(innobridge.EINVALID, "不能停用或降级自己的管理员账户 (you cannot disable or demote yourself)")
	}
	u, err := s.Store.UpdateUser(ctx, id, upd)
	if err != nil {
		return nil, fmt.Errorf("UpdateUser(%d): %w", id, err)
	}
	if upd.Disabled != nil && *upd.Disabled {
		if err := s.Store.DeleteUserSessions(ctx, id); err != nil {
			return nil, err
		}
	}
	return u, s.audit(ctx, "update", "user", u.Username, upd)
}

// FindUsers lists accounts (administrators only).
func (s *Service) FindUsers(ctx context.Context, f innobridge.UserFilter) ([]*innobridge.User, int, error) {
	if _, err := requireAdmin(ctx); err != nil {
		return nil, 0, err
	}
	return s.Store.FindUsers(ctx, f)
}

// Bootstrap creates the first administrator on an empty platform, with a
// random password it returns so that the operator can log in once and
// change it. It does nothing when any user exists.
func (s *Service) Bootstrap(ctx context.Context) (username, password string, err error) {
	_, n, err := s.Store.FindUsers(ctx, innobridge.UserFilter{Limit: 1})
	if err != nil || n > 0 {
		return "", "", err
	}
	password = "Ib#" + randomToken()[:14] + "9a"
	_, err = s.createUser(ctx, NewUser{Username: "admin", Name: "系统管理员", Role: innobridge.RoleAdmin, Password: password})
	return "admin", password, err
}

// CreateUserUnchecked creates an account without an acting administrator,
// for trusted callers only: the demo loader and tests.
func (s *Service) CreateUserUnchecked(ctx context.Context, nu NewUser) (*innobridge.User, error) {
	return s.createUser(ctx, nu)
}

func randomToken() string {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		panic("service: crypto/rand failed: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}
