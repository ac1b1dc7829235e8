package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/innobridge/innobridge"
)

var users = table{
	name: "users",
	cols: []string{"username", "name", "email", "role", "org_id", "password_hash", "disabled", "failed_logins",
		"locked_until", "password_set", "last_login", "created_at", "updated_at"},
	keep: []string{"username", "created_at"},
}

func userValues(u *innobridge.User) []any {
	return []any{u.Username, u.Name, u.Email, string(u.Role), idValue(u.OrgID), u.PasswordHash, u.Disabled, u.FailedLogins,
		timePtrValue(u.LockedUntil), timeValue(u.PasswordSet), timePtrValue(u.LastLogin), timeValue(u.CreatedAt), timeValue(u.UpdatedAt)}
}

func userFacts(u *innobridge.User) map[string]any {
	return map[string]any{"username": u.Username, "org_id": u.OrgID, "role": u.Role}
}

const userCols = `u.id, u.username, u.name, u.email, u.role, u.org_id, u.password_hash, u.disabled, u.failed_logins,
	u.locked_until, u.password_set, u.last_login, u.created_at, u.updated_at`

func userDest() (*innobridge.User, []any) {
	u := &innobridge.User{}
	return u, []any{&u.ID, &u.Username, &u.Name, &u.Email, &u.Role, idScan{&u.OrgID}, &u.PasswordHash, &u.Disabled, &u.FailedLogins,
		timePtrScan{&u.LockedUntil}, timeScan{&u.PasswordSet}, timePtrScan{&u.LastLogin}, timeScan{&u.CreatedAt}, timeScan{&u.UpdatedAt}}
}

// FindUserByID returns ENOTFOUND if there is none.
func (s *Store) FindUserByID(ctx context.Context, id int64) (_ *innobridge.User, err error) {
	defer wrap(&err, "FindUserByID(%d)", id)
	return findUser(ctx, s.reader(), innobridge.UserFilter{ID: &id}, "user %d", id)
}

// FindUserByUsername returns ENOTFOUND if there is none.
func (s *Store) FindUserByUsername(ctx context.Context, username string) (_ *innobridge.User, err error) {
	defer wrap(&err, "FindUserByUsername(%q)", username)
	return findUser(ctx, s.reader(), innobridge.UserFilter{Username: &username}, "user %q", username)
}

func findUser(ctx context.Context, db dbq, f innobridge.UserFilter, what string, key any) (*innobridge.User, error) {
	list, _, err := findUsers(ctx, db, f)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, notFound(what, key)
	}
	return list[0], nil
}

// FindUsers returns a page of users in id order and the total count.
func (s *Store) FindUsers(ctx context.Context, f innobridge.UserFilter) (_ []*innobridge.User, _ int, err error) {
	defer wrap(&err, "FindUsers(%+v)", f)
	return findUsers(ctx, s.reader(), f)
}

func findUsers(ctx context.Context, db dbq, f innobridge.UserFilter) ([]*innobridge.User, int, error) {
	q := &selectQuery{cols: userCols, from: "users u", order: "u.id", offset: f.Offset, limit: f.Limit}
	if f.ID != nil {
		q.and("u.id = ?", *f.ID)
	}
	if f.Username != nil {
		q.and("u.username = ?", *f.Username)
	}
	if f.OrgID != nil {
		q.and("u.org_id = ?", *f.OrgID)
	}
	if f.Role != nil {
		q.and("u.role = ?", string(*f.Role))
	}
	return findPage(ctx, db, q, userDest)
}

// CreateUser sets u.ID and times; ECONFLICT on a duplicate username. A
// zero PasswordSet is taken to be now.
func (s *Store) CreateUser(ctx context.Context, u *innobridge.User) (err error) {
	defer wrap(&err, "CreateUser(%q)", u.Username)
	now := s.Now()
	u.CreatedAt, u.UpdatedAt = now, now
	if u.PasswordSet.IsZero() {
		u.PasswordSet = now
	}
	return s.transact(ctx, func(tx dbq) error {
		err := tx.queryRow(ctx, users.insertSQL(1)+" RETURNING id", userValues(u)...).Scan(&u.ID)
		return s.conflict(err, u.Username, userFacts(u))
	})
}

// UpdateUser applies upd; ENOTFOUND if missing.
func (s *Store) UpdateUser(ctx context.Context, id int64, upd innobridge.UserUpdate) (_ *innobridge.User, err error) {
	defer wrap(&err, "UpdateUser(%d)", id)
	var u *innobridge.User
	err = s.transact(ctx, func(tx dbq) error {
		var err error
		if u, err = findUser(ctx, tx, innobridge.UserFilter{ID: &id}, "user %d", id); err != nil {
			return err
		}
		applyUser(u, upd)
		u.UpdatedAt = s.Now()
		_, err = tx.exec(ctx, users.updateSQL(), users.updateArgs(userValues(u), id)...)
		return s.conflict(err, u.Username, userFacts(u))
	})
	return u, err
}

// RecordLoginFailure counts a failure with one UPDATE … RETURNING, which
// both databases run atomically on the row.
func (s *Store) RecordLoginFailure(ctx context.Context, id int64, max int, lockUntil time.Time) (failed int, locked bool, err error) {
	defer wrap(&err, "RecordLoginFailure(%d)", id)
	var after int
	err = s.transact(ctx, func(tx dbq) error {
		return tx.queryRow(ctx, `UPDATE users SET
	failed_logins = CASE WHEN failed_logins + 1 >= ? THEN 0 ELSE failed_logins + 1 END,
	locked_until = CASE WHEN failed_logins + 1 >= ? THEN ? ELSE locked_until END,
	updated_at = ?
WHERE id = ? RETURNING failed_logins`, max, max, timeValue(lockUntil), timeValue(s.Now()), id).Scan(&after)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, notFound("user %d", id)
	}
	if err != nil {
		return 0, false, err
	}
	if after == 0 {
		return max, true, nil
	}
	return after, false, nil
}

func applyUser(u *innobridge.User, upd innobridge.UserUpdate) {
	if upd.Name != nil {
		u.Name = *upd.Name
	}
	if upd.Email != nil {
		u.Email = *upd.Email
	}
	if upd.Role != nil {
		u.Role = *upd.Role
	}
	if upd.OrgID != nil {
		u.OrgID = *upd.OrgID
	}
	if upd.Disabled != nil {
		u.Disabled = *upd.Disabled
	}
	if upd.PasswordHash != nil {
		u.PasswordHash = *upd.PasswordHash
	}
	if upd.PasswordSet != nil {
		u.PasswordSet = upd.PasswordSet.UTC().Truncate(time.Microsecond)
	}
	if upd.FailedLogins != nil {
		u.FailedLogins = *upd.FailedLogins
	}
	if upd.LockedUntil != nil {
		u.LockedUntil = *upd.LockedUntil
	}
	if upd.LastLogin != nil {
		t := upd.LastLogin.UTC().Truncate(time.Microsecond)
		u.LastLogin = &t
	}
}

// CreateSession stores s; ECONFLICT if its id is taken.
func (s *Store) CreateSession(ctx context.Context, sess *innobridge.Session) (err error) {
	defer wrap(&err, "CreateSession(user %d)", sess.UserID)
	return s.transact(ctx, func(tx dbq) error {
		_, err := tx.exec(ctx, `INSERT INTO sessions (id, user_id, csrf_token, created_at, last_seen, expires_at)
			VALUES (?, ?, ?, ?, ?, ?)`, sess.ID, sess.UserID, sess.CSRFToken,
			timeValue(sess.CreatedAt), timeValue(sess.LastSeen), timeValue(sess.ExpiresAt))
		return s.conflict(err, "session", map[string]any{"user_id": sess.UserID})
	})
}

// FindSession returns ENOTFOUND for an unknown or expired session: one
// whose ExpiresAt is not after now.
func (s *Store) FindSession(ctx context.Context, id string, now time.Time) (_ *innobridge.Session, err error) {
	defer wrap(&err, "FindSession(at %s)", now.Format(time.RFC3339))
	sess := &innobridge.Session{}
	err = s.reader().queryRow(ctx, `SELECT id, user_id, csrf_token, created_at, last_seen, expires_at
		FROM sessions WHERE id = ? AND expires_at > ?`, id, timeValue(now)).
		Scan(&sess.ID, &sess.UserID, &sess.CSRFToken, timeScan{&sess.CreatedAt}, timeScan{&sess.LastSeen}, timeScan{&sess.ExpiresAt})
	if isNoRows(err) {
		return nil, notFound("session")
	}
	return sess, err
}

// TouchSession moves LastSeen and ExpiresAt forward; ENOTFOUND if the
// session is gone.
func (s *Store) TouchSession(ctx context.Context, id string, lastSeen, expires time.Time) (err error) {
	defer wrap(&err, "TouchSession(until %s)", expires.Format(time.RFC3339))
	return s.execOne(ctx, "session", "UPDATE sessions SET last_seen = ?, expires_at = ? WHERE id = ?",
		timeValue(lastSeen), timeValue(expires), id)
}

// DeleteSession ends a session; ENOTFOUND if there is none.
func (s *Store) DeleteSession(ctx context.Context, id string) (err error) {
	defer wrap(&err, "DeleteSession")
	return s.execOne(ctx, "session", "DELETE FROM sessions WHERE id = ?", id)
}

// DeleteUserSessions ends every session of a user.
func (s *Store) DeleteUserSessions(ctx context.Context, userID int64) (err error) {
	defer wrap(&err, "DeleteUserSessions(%d)", userID)
	return s.transact(ctx, func(tx dbq) error {
		_, err := tx.exec(ctx, "DELETE FROM sessions WHERE user_id = ?", userID)
		return err
	})
}

// DeleteExpiredSessions removes sessions that expired at or before now
// and returns how many.
func (s *Store) DeleteExpiredSessions(ctx context.Context, now time.Time) (n int, err error) {
	defer wrap(&err, "DeleteExpiredSessions(%s)", now.Format(time.RFC3339))
	err = s.transact(ctx, func(tx dbq) error {
		res, err := tx.exec(ctx, "DELETE FROM sessions WHERE expires_at <= ?", timeValue(now))
		if err != nil {
			return err
		}
		k, err := res.RowsAffected()
		n = int(k)
		return err
	})
	return n, err
}

// execOne runs a statement that must change exactly one row of what;
// ENOTFOUND if it changes none.
func (s *Store) execOne(ctx context.Context, what, query string, args ...any) error {
	return s.transact(ctx, func(tx dbq) error {
		res, err := tx.exec(ctx, query, args...)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if n == 0 {
			return notFound("%s", what)
		}
		return nil
	})
}
