package innobridge

import (
	"context"
	"time"
)

// Role is what a user may do on the platform.
type Role string

// The roles.
const (
	RoleAdmin    Role = "admin"    // 系统管理员: users, organisations, everything
	RoleStaff    Role = "staff"    // 科技局工作人员: moderates listings, reads the audit log
	RoleDept     Role = "dept"     // 部门工作人员: other government departments
	RoleMember   Role = "member"   // 机构用户: publishes for their organisation
	RoleExpert   Role = "expert"   // 专家
	RoleInvestor Role = "investor" // 投资人
)

// Roles lists every role in display order.
var Roles = []Role{RoleAdmin, RoleStaff, RoleDept, RoleMember, RoleExpert, RoleInvestor}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if x == r {
			return true
		}
	}
	return false
}

// User is an account. OrgID is the organisation the user acts for (0 if
// none).
type User struct {
	ID           int64      `json:"id"`
	Username     string     `json:"username"`
	Name         string     `json:"name"`
	Email        string     `json:"email,omitempty"`
	Role         Role       `json:"role"`
	OrgID        int64      `json:"org_id,omitempty"`
	PasswordHash string     `json:"-"`
	Disabled     bool       `json:"disabled"`
	FailedLogins int        `json:"-"`
	LockedUntil  *time.Time `json:"-"`
	PasswordSet  time.Time  `json:"-"` // when the password was last changed
	LastLogin    *time.Time `json:"last_login,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
}

// IsStaff reports whether u is bureau staff or an administrator: the people
// who moderate listings and see confidential demands in full.
func (u *User) IsStaff() bool { return u != nil && (u.Role == RoleAdmin || u.Role == RoleStaff) }

// IsAdmin reports whether u is an administrator.
func (u *User) IsAdmin() bool { return u != nil && u.Role == RoleAdmin }

// UserFilter selects users.
type UserFilter struct {
	ID       *int64
	Username *string
	OrgID    *int64
	Role     *Role
	Offset   int
	Limit    int
}

// UserUpdate changes a user. Nil fields are left alone.
type UserUpdate struct {
	Name         *string
	Email        *string
	Role         *Role
	OrgID        *int64
	Disabled     *bool
	PasswordHash *string
	PasswordSet  *time.Time
	FailedLogins *int
	LockedUntil  **time.Time
	LastLogin    *time.Time
}

// Session is a logged-in browser or API client. The ID is a random secret
// sent in a cookie; CSRFToken guards the session's form posts.
type Session struct {
	ID        string
	UserID    int64
	CSRFToken string
	CreatedAt time.Time
	LastSeen  time.Time
	ExpiresAt time.Time
}

// UserStore persists users and their sessions.
type UserStore interface {
	// FindUserByID returns ENOTFOUND if there is none.
	FindUserByID(ctx context.Context, id int64) (*User, error)
	// FindUserByUsername returns ENOTFOUND if there is none.
	FindUserByUsername(ctx context.Context, username string) (*User, error)
	FindUsers(ctx context.Context, f UserFilter) ([]*User, int, error)
	// CreateUser sets u.ID and times; ECONFLICT on a duplicate username.
	CreateUser(ctx context.Context, u *User) error
	UpdateUser(ctx context.Context, id int64, upd UserUpdate) (*User, error)
	// RecordLoginFailure counts a failed login of user id in one atomic
	// step, so that guesses sent in parallel to several instances are all
	// counted: the count rises by one, and when it reaches max the account
	// is locked until lockUntil and the count starts again. It returns the
	// count including this failure and whether this failure locked the
	// account. ENOTFOUND if there is no such user.
	RecordLoginFailure(ctx context.Context, id int64, max int, lockUntil time.Time) (failed int, locked bool, err error)

	CreateSession(ctx context.Context, s *Session) error
	// FindSession returns ENOTFOUND for an unknown or expired session.
	FindSession(ctx context.Context, id string, now time.Time) (*Session, error)
	// TouchSession moves LastSeen and ExpiresAt forward.
	TouchSession(ctx context.Context, id string, lastSeen, expires time.Time) error
	DeleteSession(ctx context.Context, id string) error
	// DeleteUserSessions ends every session of a user (password change, disable).
	DeleteUserSessions(ctx context.Context, userID int64) error
	// DeleteExpiredSessions removes sessions that expired before now.
	DeleteExpiredSessions(ctx context.Context, now time.Time) (int, error)
}
