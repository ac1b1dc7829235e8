package innobridge

import (
	"context"
	"time"
)

// Notification kinds.
const (
	NoteEligible = "policy_eligible"      // the enterprise now qualifies for a local policy
	NoteExpiring = "recognition_expiring" // a recognition it holds ends within 90 days
	NoteQuiet    = "match_quiet"          // a tracked pair it is party to has gone quiet (MatchQuiet)
)

// Notification is a message to the members of an organisation, shown in
// the application and, when a mail server is configured, e-mailed to them.
type Notification struct {
	ID    int64  `json:"id"`
	OrgID int64  `json:"-"`
	Kind  string `json:"kind"` // NoteEligible, NoteExpiring, NoteQuiet
	// Key identifies the event, so that it is announced once per
	// organisation: "policy:NAME@FROM", "expiring:KIND:NUMBER:LASTDAY",
	// "quiet:MATCHID@UPDATEDAT".
	Key       string     `json:"key"`
	Title     string     `json:"title"`
	Body      string     `json:"body"`
	Link      string     `json:"link,omitempty"` // a path in the application
	CreatedAt time.Time  `json:"created_at"`
	ReadAt    *time.Time `json:"read_at,omitempty"`
	EmailedAt *time.Time `json:"emailed_at,omitempty"`
}

// NotificationFilter selects notifications, newest first.
type NotificationFilter struct {
	OrgID      *int64
	Unread     bool       // only those not yet read
	NotEmailed bool       // only those not yet e-mailed
	Since      *time.Time // only those created at or after
	Offset     int
	Limit      int // 0: all
}

// NotificationStore persists notifications.
type NotificationStore interface {
	// CreateNotification stores n and sets its ID and CreatedAt, unless
	// the organisation already has one with n's Key: then it returns
	// false and leaves n as it is.
	CreateNotification(ctx context.Context, n *Notification) (created bool, err error)
	// FindNotifications returns a page of notifications, newest first,
	// and the total count.
	FindNotifications(ctx context.Context, f NotificationFilter) ([]*Notification, int, error)
	// MarkNotificationsRead marks the organisation's unread notifications
	// read (only those in ids when ids is not empty) and returns how many.
	MarkNotificationsRead(ctx context.Context, orgID int64, ids []int64) (int, error)
	// MarkNotificationEmailed records that notification id was e-mailed.
	MarkNotificationEmailed(ctx context.Context, id int64) error
}
