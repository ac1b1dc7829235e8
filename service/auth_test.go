package service_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/innobridge/innobridge"
	"github.com/innobridge/innobridge/service"
)

func TestLogin(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	disabled := true
	if _, err := f.svc.UpdateUser(as(f.admin), f.expert.ID, innobridge.UserUpdate{Disabled: &disabled}); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, username, password, code string
	}{
		{"OK", "uni1", password, ""},
		{"OKTrimsUsername", " uni1 ", password, ""},
		{"ErrWrongPassword", "uni1", password + "x", innobridge.EUNAUTHORIZED},
		{"ErrEmptyPassword", "uni1", "", innobridge.EUNAUTHORIZED},
		{"ErrUnknownUser", "nobody", password, innobridge.EUNAUTHORIZED},
		{"ErrDisabled", "expert1", password, innobridge.EUNAUTHORIZED},
	} {
		t.Run(tt.name, func(t *testing.T) {
			sess, u, err := f.svc.Login(ctx, tt.username, tt.password)
			wantCode(t, err, tt.code)
			if tt.code != "" {
				if sess != nil || u != nil {
					t.Fatal("a failed login returned a session or user")
				}
				// Wrong password, unknown user and disabled account read
				// the same, so that accounts cannot be enumerated.
				if got, want := innobridge.ErrorMessage(err), "用户名或密码错误 (wrong username or password)"; got != want {
					t.Errorf("message = %q, want %q", got, want)
				}
				return
			}
			if u.ID != f.uniMember.ID || sess.UserID != u.ID {
				t.Fatalf("logged in as %d (session user %d), want %d", u.ID, sess.UserID, f.uniMember.ID)
			}
			if len(sess.ID) < 32 || len(sess.CSRFToken) < 32 || sess.ID == sess.CSRFToken {
				t.Errorf("weak session id %q or CSRF token %q", sess.ID, sess.CSRFToken)
			}
			if want := f.clock.Now().Add(30 * time.Minute); !sess.ExpiresAt.Equal(want) {
				t.Errorf("ExpiresAt = %v, want %v", sess.ExpiresAt, want)
			}
			got, gu, err := f.svc.Authenticate(ctx, sess.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.CSRFToken != sess.CSRFToken || gu.Username != "uni1" {
				t.Errorf("Authenticate = %+v, %s", got, gu.Username)
			}
		})
	}
	if n := f.auditCount(t, "login_failed", "nobody"); n != 1 {
		t.Errorf("%d login_failed entries for an unknown user, want 1", n)
	}
	if n := f.auditCount(t, "login", "uni1"); n != 2 {
		t.Errorf("%d login entries, want 2", n)
	}
}

func TestLoginLockout(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	fail := func(t *testing.T, want string) {
		t.Helper()
		_, _, err := f.svc.Login(ctx, "ent1", "wrong-Password1")
		wantCode(t, err, want)
	}

	// A success resets the count: 4 + success + 4 failures do not lock.
	for range 4 {
		fail(t, innobridge.EUNAUTHORIZED)
	}
	if _, _, err := f.svc.Login(ctx, "ent1", password); err != nil {
		t.Fatalf("login after 4 failures: %v", err)
	}
	for range 4 {
		fail(t, innobridge.EUNAUTHORIZED)
	}
	// The fifth failure in a row locks the account.
	fail(t, innobridge.ELOCKED)

	// While locked even the right password is refused.
	_, _, err := f.svc.Login(ctx, "ent1", password)
	wantCode(t, err, innobridge.ELOCKED)
	f.clock.Add(15*time.Minute - time.Second)
	_, _, err = f.svc.Login(ctx, "ent1", password)
	wantCode(t, err, innobridge.ELOCKED)

	// Other accounts are unaffected.
	if _, _, err := f.svc.Login(ctx, "uni1", password); err != nil {
		t.Fatalf("another user: %v", err)
	}

	// After the window the account opens again, with a fresh count.
	f.clock.Add(2 * time.Second)
	if _, _, err := f.svc.Login(ctx, "ent1", password); err != nil {
		t.Fatalf("login after the lockout window: %v", err)
	}
	for range 4 {
		fail(t, innobridge.EUNAUTHORIZED)
	}
	fail(t, innobridge.ELOCKED)

	// The failures and the lock are in the audit log.
	if n := f.auditCount(t, "login_failed", "ent1"); n != 4+4+1+2+4+1 {
		t.Errorf("%d login_failed entries, want 16", n)
	}
}

func TestSessionExpiry(t *testing.T) {
	ctx := context.Background()
	t.Run("Idle", func(t *testing.T) {
		f := newFixture(t)
		sess, _, err := f.svc.Login(ctx, "uni1", password)
		if err != nil {
			t.Fatal(err)
		}
		// Use within the idle limit keeps the session alive well past it.
		for range 4 {
			f.clock.Add(25 * time.Minute)
			if _, _, err := f.svc.Authenticate(ctx, sess.ID); err != nil {
				t.Fatalf("after 25 minutes idle: %v", err)
			}
		}
		f.clock.Add(31 * time.Minute)
		_, _, err = f.svc.Authenticate(ctx, sess.ID)
		wantCode(t, err, innobridge.EUNAUTHORIZED)
	})
	t.Run("Absolute", func(t *testing.T) {
		f := newFixture(t)
		sess, _, err := f.svc.Login(ctx, "uni1", password)
		if err != nil {
			t.Fatal(err)
		}
		// Active all day: every 20 minutes for 12 hours.
		for i := 1; i <= 36; i++ {
			f.clock.Add(20 * time.Minute)
			if _, _, err := f.svc.Authenticate(ctx, sess.ID); err != nil {
				t.Fatalf("after %v: %v", time.Duration(i)*20*time.Minute, err)
			}
		}
		f.clock.Add(time.Minute)
		_, _, err = f.svc.Authenticate(ctx, sess.ID)
		wantCode(t, err, innobridge.EUNAUTHORIZED)
		// And it stays dead.
		_, _, err = f.svc.Authenticate(ctx, sess.ID)
		wantCode(t, err, innobridge.EUNAUTHORIZED)
	})
	t.Run("Logout", func(t *testing.T) {
		f := newFixture(t)
		sess, _, err := f.svc.Login(ctx, "uni1", password)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Logout(ctx, sess.ID); err != nil {
			t.Fatal(err)
		}
		_, _, err = f.svc.Authenticate(ctx, sess.ID)
		wantCode(t, err, innobridge.EUNAUTHORIZED)
	})
	t.Run("UnknownID", func(t *testing.T) {
		f := newFixture(t)
		_, _, err := f.svc.Authenticate(ctx, "not-a-session")
		wantCode(t, err, innobridge.EUNAUTHORIZED)
	})
	t.Run("DisabledUser", func(t *testing.T) {
		f := newFixture(t)
		sess, _, err := f.svc.Login(ctx, "uni1", password)
		if err != nil {
			t.Fatal(err)
		}
		yes := true
		if _, err := f.svc.UpdateUser(as(f.admin), f.uniMember.ID, innobridge.UserUpdate{Disabled: &yes}); err != nil {
			t.Fatal(err)
		}
		_, _, err = f.svc.Authenticate(ctx, sess.ID)
		wantCode(t, err, innobridge.EUNAUTHORIZED)
	})
	t.Run("PasswordChangeEndsSessions", func(t *testing.T) {
		f := newFixture(t)
		sess, u, err := f.svc.Login(ctx, "uni1", password)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.svc.ChangePassword(as(u), password, "N3w-Passw0rd!"); err != nil {
			t.Fatal(err)
		}
		_, _, err = f.svc.Authenticate(ctx, sess.ID)
		wantCode(t, err, innobridge.EUNAUTHORIZED)
		_, _, err = f.svc.Login(ctx, "uni1", password)
		wantCode(t, err, innobridge.EUNAUTHORIZED)
		if _, _, err := f.svc.Login(ctx, "uni1", "N3w-Passw0rd!"); err != nil {
			t.Fatalf("login with the new password: %v", err)
		}
	})
}

func TestCreateUser(t *testing.T) {
	f := newFixture(t)
	ok := service.NewUser{Username: "newbie", Name: "新人", Role: innobridge.RoleMember, OrgID: f.ent.ID, Password: "Good#Passw0rd"}
	for _, tt := range []struct {
		name  string
		actor *innobridge.User
		edit  func(*service.NewUser)
		code  string
		field string // the field the error names
	}{
		{name: "OK", actor: f.admin},
		{name: "ErrAnonymous", code: innobridge.EUNAUTHORIZED},
		{name: "ErrStaffIsNotAdmin", actor: f.staff, code: innobridge.EFORBIDDEN},
		{name: "ErrMember", actor: f.entMember, code: innobridge.EFORBIDDEN},
		{name: "ErrPasswordTooShort", actor: f.admin, edit: func(u *service.NewUser) { u.Password = "Ab1#xyz" }, code: innobridge.EINVALID, field: "password"},
		{name: "ErrPasswordOneClass", actor: f.admin, edit: func(u *service.NewUser) { u.Password = "abcdefghijklmn" }, code: innobridge.EINVALID, field: "password"},
		{name: "ErrPasswordTwoClasses", actor: f.admin, edit: func(u *service.NewUser) { u.Password = "abcdefgh12345" }, code: innobridge.EINVALID, field: "password"},
		{name: "ErrPasswordHasUsername", actor: f.admin, edit: func(u *service.NewUser) { u.Password = "X1-" + u.Username + "-Pw" }, code: innobridge.EINVALID, field: "password"},
		{name: "ErrUsernameRequired", actor: f.admin, edit: func(u *service.NewUser) { u.Username = " " }, code: innobridge.EINVALID, field: "username"},
		{name: "ErrUsernameSpace", actor: f.admin, edit: func(u *service.NewUser) { u.Username = "new bie" }, code: innobridge.EINVALID, field: "username"},
		{name: "ErrRoleUnknown", actor: f.admin, edit: func(u *service.NewUser) { u.Role = "boss" }, code: innobridge.EINVALID, field: "role"},
		{name: "ErrMemberWithoutOrg", actor: f.admin, edit: func(u *service.NewUser) { u.OrgID = 0 }, code: innobridge.EINVALID, field: "org_id"},
		{name: "ErrOrgUnknown", actor: f.admin, edit: func(u *service.NewUser) { u.OrgID = 999 }, code: innobridge.EINVALID, field: "org_id"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			nu := ok
			nu.Username = "u-" + tt.name
			nu.Password = "Good#Passw0rd"
			if tt.edit != nil {
				tt.edit(&nu)
			}
			u, err := f.svc.CreateUser(as(tt.actor), nu)
			wantCode(t, err, tt.code)
			if tt.field != "" {
				e := err.(*innobridge.Error)
				if _, ok := e.Fields[tt.field]; !ok || len(e.Fields) != 1 {
					t.Errorf("fields = %v, want only %s", e.Fields, tt.field)
				}
				if e.Fields[tt.field].Message == "" {
					t.Error("field error without a message")
				}
				if e.Record != nu.Username {
					t.Errorf("record = %q, want %q", e.Record, nu.Username)
				}
			}
			if tt.code != "" {
				if _, err := f.db.FindUserByUsername(context.Background(), nu.Username); innobridge.ErrorCode(err) != innobridge.ENOTFOUND {
					t.Errorf("rejected user %q was stored (%v)", nu.Username, err)
				}
				return
			}
			if u.PasswordHash == nu.Password || len(u.PasswordHash) < 40 {
				t.Errorf("password stored as %q", u.PasswordHash)
			}
			if _, _, err := f.svc.Login(context.Background(), nu.Username, nu.Password); err != nil {
				t.Errorf("new user cannot log in: %v", err)
			}
		})
	}
	t.Run("ErrDuplicate", func(t *testing.T) {
		nu := ok
		nu.Username = "uni1"
		_, err := f.svc.CreateUser(as(f.admin), nu)
		wantCode(t, err, innobridge.ECONFLICT)
	})
}

// TestLoginLockoutConcurrent checks that failures sent in parallel are all
// counted: otherwise an attacker who guesses concurrently is never locked out.
func TestLoginLockoutConcurrent(t *testing.T) {
	f := newFixture(t)
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() {
			_, _, _ = f.svc.Login(context.Background(), "ent1", "Wrong#Passw0rd")
		})
	}
	wg.Wait()
	_, _, err := f.svc.Login(context.Background(), "ent1", password)
	wantCode(t, err, innobridge.ELOCKED)
}
