// Package service is the application layer of innobridge: every surface (web
// pages, JSON API, CLI) goes through it. It authorises each call against the
// acting user in the context, validates input, keeps confidential demands
// confidential, computes search text, and writes the audit log. Storage is an
// innobridge.Store; the service holds no SQL.
package service

import (
	"context"
	"encoding/json"
	"log/slog"
	"sync"
	"time"

	"github.com/innobridge/innobridge"
	"github.com/innobridge/innobridge/passwd"
	"github.com/innobridge/innobridge/policy"
)

// Analyzer turns text into search terms; zh.Analyzer implements it.
type Analyzer interface {
	// SearchText returns the space-joined index terms of parts.
	SearchText(parts ...string) string
	// QueryTerms returns the terms a query must match.
	QueryTerms(q string) []string
}

// Config holds the security settings. DefaultConfig gives the values used in
// production.
type Config struct {
	SessionIdle     time.Duration // a session ends after this long without use
	SessionAbsolute time.Duration // and in any case this long after login
	MaxFailedLogins int           // failed logins in a row before the account locks
	LockoutDuration time.Duration
	PasswordParams  passwd.Params
}

// DefaultConfig returns 30 minutes idle, 12 hours absolute, lock for 15
// minutes after 5 failed logins.
func DefaultConfig() Config {
	return Config{
		SessionIdle:     30 * time.Minute,
		SessionAbsolute: 12 * time.Hour,
		MaxFailedLogins: 5,
		LockoutDuration: 15 * time.Minute,
		PasswordParams:  passwd.Default,
	}
}

// Service implements the platform's use cases over a Store.
type Service struct {
	Store    innobridge.Store
	Analyzer Analyzer
	Config   Config
	Logger   *slog.Logger
	// Now returns the current time; tests replace it.
	Now func() time.Time
	// OnListingChange, if set, is called after a listing is created or
	// changed, so that in-process indexes stay current.
	OnListingChange func(kind string, id int64)
	// Catalog holds the rule sets and local policies; nil means
	// policy.Default(), loaded on first use.
	Catalog *policy.Catalog
	// Mailer sends notification e-mails; nil sends none.
	Mailer Mailer

	catalogOnce sync.Once
	catalogErr  error

	dummyOnce sync.Once
	dummy     string // see dummyHash

	dups dupCache // see FindDuplicates
}

// New returns a Service with DefaultConfig and the real clock.
func New(store innobridge.Store, a Analyzer, logger *slog.Logger) *Service {
	if logger == nil {
		logger = slog.Default()
	}
	return &Service{Store: store, Analyzer: a, Config: DefaultConfig(), Logger: logger, Now: time.Now}
}

func (s *Service) today() innobridge.Date { return innobridge.NewDate(s.Now()) }

// ipKey carries the client address for audit entries.
type ipKey struct{}

// WithClientIP returns a context whose audit entries record ip.
func WithClientIP(ctx context.Context, ip string) context.Context {
	return context.WithValue(ctx, ipKey{}, ip)
}

// audit appends an entry for the acting user. A failure to audit is logged
// and returned: an unaudited change must not pass silently.
func (s *Service) audit(ctx context.Context, action, entity, entityID string, detail any) error {
	e := &innobridge.AuditEntry{At: s.Now().UTC(), Action: action, Entity: entity, EntityID: entityID}
	if u := innobridge.UserFromContext(ctx); u != nil {
		e.UserID, e.Username = u.ID, u.Username
	}
	if ip, ok := ctx.Value(ipKey{}).(string); ok {
		e.IP = ip
	}
	if detail != nil {
		if s, ok := detail.(string); ok {
			e.Detail = s
		} else if b, err := json.Marshal(detail); err == nil {
			e.Detail = string(b)
		}
	}
	if err := s.Store.AppendAudit(ctx, e); err != nil {
		s.Logger.ErrorContext(ctx, "audit append failed", slog.String("action", action), slog.String("entity", entity), slog.Any("err", err))
		return err
	}
	return nil
}

func (s *Service) changed(kind string, id int64) {
	if s.OnListingChange != nil {
		s.OnListingChange(kind, id)
	}
}

func requireUser(ctx context.Context) (*innobridge.User, error) {
	u := innobridge.UserFromContext(ctx)
	if u == nil {
		return nil, innobridge.Errorf(innobridge.EUNAUTHORIZED, "请先登录 (please log in)")
	}
	return u, nil
}

func requireStaff(ctx context.Context) (*innobridge.User, error) {
	u, err := requireUser(ctx)
	if err != nil {
		return nil, err
	}
	if !u.IsStaff() {
		return nil, innobridge.Errorf(innobridge.EFORBIDDEN, "仅限科技局工作人员 (staff only)")
	}
	return u, nil
}

func requireAdmin(ctx context.Context) (*innobridge.User, error) {
	u, err := requireUser(ctx)
	if err != nil {
		return nil, err
	}
	if !u.IsAdmin() {
		return nil, innobridge.Errorf(innobridge.EFORBIDDEN, "仅限系统管理员 (administrators only)")
	}
	return u, nil
}

// ownsOrg reports whether u acts for organisation orgID.
func ownsOrg(u *innobridge.User, orgID int64) bool {
	return u != nil && u.OrgID != 0 && u.OrgID == orgID
}
