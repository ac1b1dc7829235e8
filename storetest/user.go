package storetest

import (
	"sync"
	"testing"
	"time"

	"github.com/innobridge/innobridge"
)

var userTests = []test{
	{"CreateOK", testCreateUser},
	{"ErrConflict", testUserConflict},
	{"ErrInvalid", testUserInvalid},
	{"ErrNotFound", testUserNotFound},
	{"Find", testFindUsers},
	{"Update", testUpdateUser},
	{"LoginFailures", testRecordLoginFailure},
}

var sessionTests = []test{
	{"Lifecycle", testSessionLifecycle},
	{"ErrConflict", testSessionConflict},
	{"DeleteUserSessions", testDeleteUserSessions},
	{"DeleteExpired", testDeleteExpiredSessions},
}

// MustCreateUser stores u or fails tb.
func MustCreateUser(tb testing.TB, s innobridge.Store, u *innobridge.User) *innobridge.User {
	tb.Helper()
	if err := s.CreateUser(tb.Context(), u); err != nil {
		tb.Fatalf("CreateUser(%q): %v", u.Username, err)
	}
	return u
}

func testCreateUser(t *testing.T, b Backend) {
	s, clock := MustOpen(t, b)
	org := MustCreateOrganization(t, s, NewOrganization("o1", "苏州大学", innobridge.OrgUniversity, "", "320508"))
	u := &innobridge.User{Username: "wang", Name: "王小明", Email: "wang@example.cn", Role: innobridge.RoleMember,
		OrgID: org.ID, PasswordHash: "$argon2id$v=19$m=65536,t=3,p=2$c2FsdA$aGFzaA"}
	must(t, s.CreateUser(t.Context(), u), "CreateUser")
	if u.ID == 0 {
		t.Fatal("CreateUser did not set ID")
	}
	if now := clock.Peek(); !u.CreatedAt.Equal(now) || !u.PasswordSet.Equal(now) {
		t.Errorf("CreatedAt %v, PasswordSet %v, want the clock's %v", u.CreatedAt, u.PasswordSet, now)
	}
	byID, err := s.FindUserByID(t.Context(), u.ID)
	must(t, err, "FindUserByID")
	same(t, "user by id", byID, u)
	byName, err := s.FindUserByUsername(t.Context(), "wang")
	must(t, err, "FindUserByUsername")
	same(t, "user by name", byName, u)

	// A user without an organisation, with a password set in the past.
	set := Epoch.Add(-48 * time.Hour)
	admin := MustCreateUser(t, s, &innobridge.User{Username: "admin", Role: innobridge.RoleAdmin, PasswordSet: set})
	got, err := s.FindUserByID(t.Context(), admin.ID)
	must(t, err, "FindUserByID")
	same(t, "admin", got, admin)
	if !got.PasswordSet.Equal(set) {
		t.Errorf("PasswordSet %v, want %v", got.PasswordSet, set)
	}
}

func testUserConflict(t *testing.T, b Backend) {
	s, _ := MustOpen(t, b)
	MustCreateUser(t, s, &innobridge.User{Username: "li", Role: innobridge.RoleStaff})
	err := s.CreateUser(t.Context(), &innobridge.User{Username: "li", Role: innobridge.RoleExpert})
	wantCode(t, err, innobridge.ECONFLICT, "username", "li")
}

func testUserInvalid(t *testing.T, b Backend) {
	s, _ := MustOpen(t, b)
	tests := []struct {
		name  string
		user  *innobridge.User
		field string
	}{
		{"ErrRole", &innobridge.User{Username: "x", Role: "emperor"}, "role"},
		{"ErrUnknownOrg", &innobridge.User{Username: "y", Role: innobridge.RoleMember, OrgID: 999}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantCode(t, s.CreateUser(t.Context(), tc.user), innobridge.EINVALID, tc.field, tc.user.Username)
		})
	}
	_, n, err := s.FindUsers(t.Context(), innobridge.UserFilter{})
	must(t, err, "FindUsers")
	if n != 0 {
		t.Errorf("%d users stored by failed creates", n)
	}
}

func testUserNotFound(t *testing.T, b Backend) {
	s, _ := MustOpen(t, b)
	_, err := s.FindUserByID(t.Context(), 77)
	wantCode(t, err, innobridge.ENOTFOUND, "", "77")
	_, err = s.FindUserByUsername(t.Context(), "nobody")
	wantCode(t, err, innobridge.ENOTFOUND, "", "nobody")
	_, err = s.UpdateUser(t.Context(), 77, innobridge.UserUpdate{Name: ptr("x")})
	wantCode(t, err, innobridge.ENOTFOUND, "", "77")
}

func testFindUsers(t *testing.T, b Backend) {
	s, _ := MustOpen(t, b)
	o1 := MustCreateOrganization(t, s, NewOrganization("o1", "甲", innobridge.OrgInstitute, "", "320500"))
	o2 := MustCreateOrganization(t, s, NewOrganization("o2", "乙", innobridge.OrgInstitute, "", "320500"))
	for _, u := range []*innobridge.User{
		{Username: "admin", Role: innobridge.RoleAdmin},
		{Username: "m1", Role: innobridge.RoleMember, OrgID: o1.ID},
		{Username: "m2", Role: innobridge.RoleMember, OrgID: o2.ID},
		{Username: "e1", Role: innobridge.RoleExpert, OrgID: o1.ID},
	} {
		MustCreateUser(t, s, u)
	}
	role := func(r innobridge.Role) *innobridge.Role { return &r }
	tests := []struct {
		name  string
		f     innobridge.UserFilter
		want  []string
		total int
	}{
		{"All", innobridge.UserFilter{}, []string{"admin", "m1", "m2", "e1"}, 4},
		{"Username", innobridge.UserFilter{Username: ptr("m2")}, []string{"m2"}, 1},
		{"Org", innobridge.UserFilter{OrgID: &o1.ID}, []string{"m1", "e1"}, 2},
		{"Role", innobridge.UserFilter{Role: role(innobridge.RoleMember)}, []string{"m1", "m2"}, 2},
		{"OrgAndRole", innobridge.UserFilter{OrgID: &o1.ID, Role: role(innobridge.RoleMember)}, []string{"m1"}, 1},
		{"Page", innobridge.UserFilter{Offset: 1, Limit: 2}, []string{"m1", "m2"}, 4},
		{"None", innobridge.UserFilter{Username: ptr("ghost")}, nil, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			list, total, err := s.FindUsers(t.Context(), tc.f)
			must(t, err, "FindUsers")
			var got []string
			for _, u := range list {
				got = append(got, u.Username)
			}
			same(t, "usernames", got, tc.want)
			if total != tc.total {
				t.Errorf("total %d, want %d", total, tc.total)
			}
		})
	}
}

func testUpdateUser(t *testing.T, b Backend) {
	s, clock := MustOpen(t, b)
	org := MustCreateOrganization(t, s, NewOrganization("o1", "甲", innobridge.OrgInstitute, "", "320500"))
	u := MustCreateUser(t, s, &innobridge.User{Username: "zhao", Role: innobridge.RoleMember, PasswordHash: "old"})

	locked := Epoch.Add(15 * time.Minute)
	login := Epoch.Add(time.Hour + 500*time.Microsecond)
	got, err := s.UpdateUser(t.Context(), u.ID, innobridge.UserUpdate{
		Name: ptr("赵六"), Email: ptr("zhao@example.cn"), Role: ptr(innobridge.RoleExpert), OrgID: &org.ID,
		Disabled: ptr(true), PasswordHash: ptr("new"), PasswordSet: &login, FailedLogins: ptr(5),
		LockedUntil: ptr(&locked), LastLogin: &login,
	})
	must(t, err, "UpdateUser")
	want := *u
	want.Name, want.Email, want.Role, want.OrgID = "赵六", "zhao@example.cn", innobridge.RoleExpert, org.ID
	want.Disabled, want.PasswordHash, want.PasswordSet, want.FailedLogins = true, "new", login, 5
	want.LockedUntil, want.LastLogin, want.UpdatedAt = &locked, &login, clock.Peek()
	same(t, "updated user", got, &want)
	stored, err := s.FindUserByID(t.Context(), u.ID)
	must(t, err, "FindUserByID")
	same(t, "stored user", stored, &want)

	// Clearing the lock: a pointer to a nil time.
	got, err = s.UpdateUser(t.Context(), u.ID, innobridge.UserUpdate{LockedUntil: ptr((*time.Time)(nil)), FailedLogins: ptr(0)})
	must(t, err, "UpdateUser(unlock)")
	if got.LockedUntil != nil || got.FailedLogins != 0 {
		t.Errorf("after unlock LockedUntil %v, FailedLogins %d", got.LockedUntil, got.FailedLogins)
	}
	stored, err = s.FindUserByID(t.Context(), u.ID)
	must(t, err, "FindUserByID")
	if stored.LockedUntil != nil || stored.LastLogin == nil || !stored.Disabled || stored.Name != "赵六" {
		t.Errorf("after unlock stored %+v: want no lock, the last login kept, disabled, name kept", stored)
	}

	_, err = s.UpdateUser(t.Context(), u.ID, innobridge.UserUpdate{OrgID: ptr(int64(9999))})
	wantCode(t, err, innobridge.EINVALID, "", "zhao")
}

func testSessionLifecycle(t *testing.T, b Backend) {
	s, _ := MustOpen(t, b)
	u := MustCreateUser(t, s, &innobridge.User{Username: "qian", Role: innobridge.RoleMember})
	sess := &innobridge.Session{ID: "s3cr3t-1", UserID: u.ID, CSRFToken: "csrf-1",
		CreatedAt: Epoch, LastSeen: Epoch, ExpiresAt: Epoch.Add(time.Hour)}
	must(t, s.CreateSession(t.Context(), sess), "CreateSession")

	got, err := s.FindSession(t.Context(), sess.ID, Epoch.Add(time.Minute))
	must(t, err, "FindSession")
	same(t, "session", got, sess)

	for _, tc := range []struct {
		name string
		id   string
		at   time.Time
	}{
		{"ErrUnknown", "no-such-session", Epoch},
		{"ErrAtExpiry", sess.ID, sess.ExpiresAt},
		{"ErrAfterExpiry", sess.ID, sess.ExpiresAt.Add(time.Second)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.FindSession(t.Context(), tc.id, tc.at)
			wantCode(t, err, innobridge.ENOTFOUND, "")
		})
	}

	seen, until := Epoch.Add(50*time.Minute), Epoch.Add(2*time.Hour)
	must(t, s.TouchSession(t.Context(), sess.ID, seen, until), "TouchSession")
	got, err = s.FindSession(t.Context(), sess.ID, Epoch.Add(90*time.Minute))
	must(t, err, "FindSession after TouchSession")
	want := *sess
	want.LastSeen, want.ExpiresAt = seen, until
	same(t, "touched session", got, &want)
	wantCode(t, s.TouchSession(t.Context(), "no-such-session", seen, until), innobridge.ENOTFOUND, "")

	must(t, s.DeleteSession(t.Context(), sess.ID), "DeleteSession")
	_, err = s.FindSession(t.Context(), sess.ID, Epoch)
	wantCode(t, err, innobridge.ENOTFOUND, "")
	wantCode(t, s.DeleteSession(t.Context(), sess.ID), innobridge.ENOTFOUND, "")
}

func testSessionConflict(t *testing.T, b Backend) {
	s, _ := MustOpen(t, b)
	u := MustCreateUser(t, s, &innobridge.User{Username: "sun", Role: innobridge.RoleMember})
	sess := &innobridge.Session{ID: "dup", UserID: u.ID, CSRFToken: "c", CreatedAt: Epoch, LastSeen: Epoch, ExpiresAt: Epoch.Add(time.Hour)}
	must(t, s.CreateSession(t.Context(), sess), "CreateSession")
	wantCode(t, s.CreateSession(t.Context(), sess), innobridge.ECONFLICT, "")
	orphan := &innobridge.Session{ID: "orphan", UserID: 12345, CSRFToken: "c", CreatedAt: Epoch, LastSeen: Epoch, ExpiresAt: Epoch.Add(time.Hour)}
	wantCode(t, s.CreateSession(t.Context(), orphan), innobridge.EINVALID, "")
}

func testDeleteUserSessions(t *testing.T, b Backend) {
	s, _ := MustOpen(t, b)
	u1 := MustCreateUser(t, s, &innobridge.User{Username: "u1", Role: innobridge.RoleMember})
	u2 := MustCreateUser(t, s, &innobridge.User{Username: "u2", Role: innobridge.RoleMember})
	for _, x := range []struct {
		id   string
		user int64
	}{{"a", u1.ID}, {"b", u1.ID}, {"c", u2.ID}} {
		must(t, s.CreateSession(t.Context(), &innobridge.Session{ID: x.id, UserID: x.user, CSRFToken: "t",
			CreatedAt: Epoch, LastSeen: Epoch, ExpiresAt: Epoch.Add(time.Hour)}), "CreateSession")
	}
	must(t, s.DeleteUserSessions(t.Context(), u1.ID), "DeleteUserSessions")
	for id, alive := range map[string]bool{"a": false, "b": false, "c": true} {
		_, err := s.FindSession(t.Context(), id, Epoch)
		if alive && err != nil || !alive && innobridge.ErrorCode(err) != innobridge.ENOTFOUND {
			t.Errorf("session %q after DeleteUserSessions(u1): err = %v, want alive = %v", id, err, alive)
		}
	}
	must(t, s.DeleteUserSessions(t.Context(), u1.ID), "DeleteUserSessions again")
}

func testDeleteExpiredSessions(t *testing.T, b Backend) {
	s, _ := MustOpen(t, b)
	u := MustCreateUser(t, s, &innobridge.User{Username: "zhou", Role: innobridge.RoleMember})
	for i, exp := range []time.Duration{-time.Hour, -time.Second, 0, time.Second, time.Hour} {
		must(t, s.CreateSession(t.Context(), &innobridge.Session{ID: string(rune('a' + i)), UserID: u.ID, CSRFToken: "t",
			CreatedAt: Epoch.Add(-2 * time.Hour), LastSeen: Epoch.Add(-2 * time.Hour), ExpiresAt: Epoch.Add(exp)}), "CreateSession")
	}
	n, err := s.DeleteExpiredSessions(t.Context(), Epoch)
	must(t, err, "DeleteExpiredSessions")
	if n != 3 {
		t.Errorf("DeleteExpiredSessions removed %d, want 3 (two before now, one at now)", n)
	}
	for id, alive := range map[string]bool{"a": false, "b": false, "c": false, "d": true, "e": true} {
		_, err := s.FindSession(t.Context(), id, Epoch.Add(-3*time.Hour))
		if alive && err != nil || !alive && innobridge.ErrorCode(err) != innobridge.ENOTFOUND {
			t.Errorf("session %q: err = %v, want alive = %v", id, err, alive)
		}
	}
	n, err = s.DeleteExpiredSessions(t.Context(), Epoch)
	must(t, err, "DeleteExpiredSessions again")
	if n != 0 {
		t.Errorf("second DeleteExpiredSessions removed %d, want 0", n)
	}
}

func testRecordLoginFailure(t *testing.T, b Backend) {
	s, _ := MustOpen(t, b)
	u := MustCreateUser(t, s, &innobridge.User{Username: "guess", Role: innobridge.RoleMember})
	until := Epoch.Add(15 * time.Minute)
	for i := 1; i <= 3; i++ {
		n, locked, err := s.RecordLoginFailure(t.Context(), u.ID, 3, until)
		must(t, err, "RecordLoginFailure")
		if n != i || locked != (i == 3) {
			t.Fatalf("failure %d: count %d, locked %v", i, n, locked)
		}
	}
	got, err := s.FindUserByID(t.Context(), u.ID)
	must(t, err, "FindUserByID")
	if got.FailedLogins != 0 || got.LockedUntil == nil || !got.LockedUntil.Equal(until) {
		t.Errorf("after the third failure: count %d, locked until %v; want 0 and %v", got.FailedLogins, got.LockedUntil, until)
	}

	// Parallel failures, as from guesses sent to several instances at
	// once: every one is counted.
	v := MustCreateUser(t, s, &innobridge.User{Username: "parallel", Role: innobridge.RoleMember})
	const n = 20
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Go(func() {
			if _, _, err := s.RecordLoginFailure(t.Context(), v.ID, 1000, until); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	got, err = s.FindUserByID(t.Context(), v.ID)
	must(t, err, "FindUserByID")
	if got.FailedLogins != n || got.LockedUntil != nil {
		t.Errorf("after %d parallel failures: count %d, locked until %v", n, got.FailedLogins, got.LockedUntil)
	}
	_, _, err = s.RecordLoginFailure(t.Context(), 99999, 3, until)
	wantCode(t, err, innobridge.ENOTFOUND, "", "")
}
