package innobridge

import (
	"context"
	"time"
)

// AchievementUpdate changes an achievement. Nil fields are left alone.
type AchievementUpdate struct {
	Title         *string
	Description   *string
	Keywords      *[]string
	Field         *string
	Region        *string
	Status        *Status
	ExpiresAt     **Date
	TRL           *int
	IPType        *IPType
	IPNumbers     *[]string
	TransferModes *[]Mode
	PriceYuan     **int64
	Negotiable    *bool
	SearchText    *string
}

// DemandUpdate changes a demand. Nil fields are left alone.
type DemandUpdate struct {
	Title           *string
	Description     *string
	Teaser          *string
	Keywords        *[]string
	Field           *string
	Region          *string
	Status          *Status
	ExpiresAt       **Date
	BudgetMinYuan   **int64
	BudgetMaxYuan   **int64
	Deadline        **Date
	CoopModes       *[]Mode
	TRLMin          *int
	Confidentiality *Confidentiality
	SearchText      *string
}

// AchievementStore persists achievements. Stores do not authorise: the
// service layer does.
type AchievementStore interface {
	// FindAchievementByID returns ENOTFOUND if there is none.
	FindAchievementByID(ctx context.Context, id int64) (*Achievement, error)
	// FindAchievements returns a page and the total count of matches,
	// newest first unless f.Sort says otherwise.
	FindAchievements(ctx context.Context, f ListingFilter) ([]*Achievement, int, error)
	// CreateAchievement sets a.ID and times; ECONFLICT on a duplicate
	// external id. An empty ExternalID is set to "ach-<ID>".
	CreateAchievement(ctx context.Context, a *Achievement) error
	// UpdateAchievement applies upd; ENOTFOUND if missing.
	UpdateAchievement(ctx context.Context, id int64, upd AchievementUpdate) (*Achievement, error)
}

// DemandStore persists demands.
type DemandStore interface {
	// FindDemandByID returns ENOTFOUND if there is none.
	FindDemandByID(ctx context.Context, id int64) (*Demand, error)
	FindDemands(ctx context.Context, f ListingFilter) ([]*Demand, int, error)
	// CreateDemand sets d.ID and times; ECONFLICT on a duplicate external
	// id. An empty ExternalID is set to "dem-<ID>".
	CreateDemand(ctx context.Context, d *Demand) error
	UpdateDemand(ctx context.Context, id int64, upd DemandUpdate) (*Demand, error)
}

// AuditEntry records one change, one view of a confidential record, or one
// security event.
type AuditEntry struct {
	ID       int64     `json:"id"`
	At       time.Time `json:"at"`
	UserID   int64     `json:"user_id,omitempty"`
	Username string    `json:"username,omitempty"`
	Action   string    `json:"action"` // create, update, withdraw, view_confidential, login, login_failed, import, …
	Entity   string    `json:"entity"` // achievement, demand, organization, user, session, import
	EntityID string    `json:"entity_id,omitempty"`
	Detail   string    `json:"detail,omitempty"`
	IP       string    `json:"ip,omitempty"`
}

// AuditFilter selects audit entries, newest first.
type AuditFilter struct {
	UserID   *int64
	Action   *string
	Entity   *string
	EntityID *string
	Since    *time.Time
	Offset   int
	Limit    int
}

// AuditStore is an append-only log.
type AuditStore interface {
	AppendAudit(ctx context.Context, e *AuditEntry) error
	FindAudit(ctx context.Context, f AuditFilter) ([]*AuditEntry, int, error)
}

// ImportBatch is the validated content of one import file. Exactly one of
// the slices is set. Listings carry OwnerOrgID already resolved.
type ImportBatch struct {
	Organizations []*Organization
	Achievements  []*Achievement
	Demands       []*Demand
}

// ImportStore writes a whole import file.
type ImportStore interface {
	// Import upserts every record of b by external id in one transaction:
	// either all are stored or none. progress, if not nil, is called with
	// the number of records written so far, at least every 1,000 records.
	Import(ctx context.Context, b ImportBatch, progress func(done int)) error
}

// Store is everything a storage backend provides. sqlite.DB and postgres.DB
// implement it and pass the same storetest suite.
type Store interface {
	OrganizationStore
	UserStore
	AchievementStore
	DemandStore
	AuditStore
	ImportStore
	MatchStore
	EventStore
	IndicatorStore
	NotificationStore
	// Ping reports whether the database answers.
	Ping(ctx context.Context) error
	// Close releases the database.
	Close() error
}
