package innobridge

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// EventKind is the kind of an event staff organise to bring the two sides
// of the marketplace together.
type EventKind string

// The event kinds.
const (
	EventRoadshow EventKind = "roadshow"        // 路演: projects presented to enterprises
	EventDocking  EventKind = "docking_meeting" // 对接会: enterprises and suppliers meet
)

// EventKinds lists every kind in display order.
var EventKinds = []EventKind{EventRoadshow, EventDocking}

var eventKindNames = map[EventKind]string{EventRoadshow: "路演", EventDocking: "对接会"}

// Name returns the Chinese name of k.
func (k EventKind) Name() string { return eventKindNames[k] }

// Valid reports whether k is a known kind.
func (k EventKind) Valid() bool { _, ok := eventKindNames[k]; return ok }

// EventStatus says whether an event is still to be held as planned.
type EventStatus string

// The event statuses. An event is not deleted: audit entries and docking
// lists may point at it, so staff cancel it instead, for good.
const (
	EventScheduled EventStatus = "scheduled" // 正常: to be held (or held) as planned
	EventCancelled EventStatus = "cancelled" // 已取消: called off, kept as a record
)

// Valid reports whether s is a known status.
func (s EventStatus) Valid() bool { return s == EventScheduled || s == EventCancelled }

// ListingKind says which side of the marketplace a listing is on.
type ListingKind string

// The listing kinds.
const (
	KindAchievement ListingKind = "achievement"
	KindDemand      ListingKind = "demand"
)

// Event is a roadshow (路演) or docking meeting (对接会): a time and place
// with the achievements presented (路演项目) and the demands of the
// enterprises taking part (参会企业需求). A listing is on an event at most
// once.
type Event struct {
	ID          int64     `json:"id"`
	Name        string    `json:"name"`
	Kind        EventKind `json:"kind"`
	StartsAt    time.Time `json:"starts_at"`
	Venue       string    `json:"venue"`
	Field       string    `json:"field,omitempty"`  // TechField code, or ""
	Region      string    `json:"region,omitempty"` // GB/T 2260 code, or ""
	Description string    `json:"description,omitempty"`
	// Status is scheduled or cancelled; CancelReason and CancelledAt say
	// why and when it was cancelled (CancelEvent sets all three).
	Status       EventStatus `json:"status"`
	CancelReason string      `json:"cancel_reason,omitempty"`
	CancelledAt  *time.Time  `json:"cancelled_at,omitempty"`
	CreatedBy    int64       `json:"-"`
	CreatedAt    time.Time   `json:"created_at"`
	UpdatedAt    time.Time   `json:"updated_at"`
	// Listings are the event's achievements and demands in the order they
	// were added (read only; FindEventByID fills it, FindEvents does not).
	Listings []*EventListing `json:"-"`
}

// EventListing is one listing on an event, as the store knows it. What a
// reader sees of it is the service's business: a confidential demand's
// title is not for everyone.
type EventListing struct {
	Kind       ListingKind `json:"kind"`
	ListingID  int64       `json:"-"`
	ExternalID string      `json:"id"`
	Title      string      `json:"title"`
}

// Cancelled reports whether e has been cancelled.
func (e *Event) Cancelled() bool { return e.Status == EventCancelled }

// Lapse says why a listing put on an event is no longer on the market: it
// has since been taken down (withdrawn by its owner, suspended by staff,
// or back to draft) or its expiry date has passed.
type Lapse string

// The lapses; "" means the listing is still current.
const (
	LapseWithdrawn Lapse = "withdrawn" // 已下架
	LapseExpired   Lapse = "expired"   // 已过期
)

// Lapse returns how l has lapsed as of today, or "" if it is published
// and unexpired.
func (l *Listing) Lapse(today Date) Lapse {
	switch {
	case l.Status != StatusPublished:
		return LapseWithdrawn
	case l.Expired(today):
		return LapseExpired
	}
	return ""
}

// IDs returns the listing ids of e's listings of kind k.
func (e *Event) IDs(k ListingKind) []int64 {
	var out []int64
	for _, l := range e.Listings {
		if l.Kind == k {
			out = append(out, l.ListingID)
		}
	}
	return out
}

// Validate checks e's fields and normalises them in place.
func (e *Event) Validate() error {
	v := Validation{Record: e.Name}
	e.Name = strings.TrimSpace(e.Name)
	e.Venue = strings.TrimSpace(e.Venue)
	if e.Name == "" {
		v.Add("name", "required", "活动名称必填 (name is required)")
	} else if utf8.RuneCountInString(e.Name) > 200 {
		v.Add("name", "too_long", "活动名称不超过200字 (at most 200 characters)")
	}
	if e.Kind == "" {
		v.Add("kind", "required", "请选择活动类型 (choose roadshow or docking meeting)")
	} else if !e.Kind.Valid() {
		v.Add("kind", "unknown", "未知活动类型 %q (roadshow or docking_meeting)", e.Kind)
	}
	if e.StartsAt.IsZero() {
		v.Add("starts_at", "required", "请填写开始时间 (start time is required)")
	}
	if utf8.RuneCountInString(e.Venue) > 200 {
		v.Add("venue", "too_long", "地点不超过200字 (at most 200 characters)")
	}
	v.fieldAndRegion(&e.Field, e.Region)
	if utf8.RuneCountInString(e.Description) > 5000 {
		v.Add("description", "too_long", "介绍不超过5000字 (at most 5000 characters)")
	}
	if e.Status == "" {
		e.Status = EventScheduled
	} else if !e.Status.Valid() {
		v.Add("status", "unknown", "未知活动状态 %q (scheduled or cancelled)", e.Status)
	}
	return v.Err()
}

// ValidateCancelReason trims reason, the reason an event is cancelled, and
// checks it: required, at most 500 characters.
func ValidateCancelReason(record string, reason *string) error {
	v := Validation{Record: record}
	*reason = strings.TrimSpace(*reason)
	if *reason == "" {
		v.Add("reason", "required", "请填写取消原因 (give the reason for cancelling)")
	} else if utf8.RuneCountInString(*reason) > 500 {
		v.Add("reason", "too_long", "取消原因不超过500字 (at most 500 characters)")
	}
	return v.Err()
}

// EventUpdate changes an event. Nil fields are left alone.
type EventUpdate struct {
	Name        *string
	Kind        *EventKind
	StartsAt    *time.Time
	Venue       *string
	Field       *string
	Region      *string
	Description *string
}

// Apply sets the fields upd changes on e.
func (e *Event) Apply(upd EventUpdate) {
	setStr(&e.Name, upd.Name)
	setStr(&e.Venue, upd.Venue)
	setStr(&e.Field, upd.Field)
	setStr(&e.Region, upd.Region)
	setStr(&e.Description, upd.Description)
	if upd.Kind != nil {
		e.Kind = *upd.Kind
	}
	if upd.StartsAt != nil {
		e.StartsAt = *upd.StartsAt
	}
}

// EventFilter selects events. With From set the events starting at or after
// it come soonest first (the upcoming ones); otherwise, or with Before set,
// the latest start comes first (the past ones, most recent first).
type EventFilter struct {
	From   *time.Time // starts at or after
	Before *time.Time // starts before
	Offset int
	Limit  int // 0 means no limit
}

// EventStore persists events and their listings. Stores do not authorise:
// the service layer does.
type EventStore interface {
	// FindEvents returns a page of events, without listings, in the order
	// EventFilter describes, and the total count.
	FindEvents(ctx context.Context, f EventFilter) ([]*Event, int, error)
	// FindEventByID returns an event with its listings; ENOTFOUND if there
	// is none.
	FindEventByID(ctx context.Context, id int64) (*Event, error)
	// CreateEvent stores e and sets its ID and times.
	CreateEvent(ctx context.Context, e *Event) error
	// UpdateEvent applies upd; ENOTFOUND if missing.
	UpdateEvent(ctx context.Context, id int64, upd EventUpdate) (*Event, error)
	// CancelEvent marks event id cancelled for reason, at the store's
	// clock; ENOTFOUND if missing, ECONFLICT if it is cancelled already:
	// of several cancels at once, one succeeds.
	CancelEvent(ctx context.Context, id int64, reason string) (*Event, error)
	// AddEventListings puts the achievements and demands with these ids on
	// event id, all or none: ENOTFOUND if there is no such event,
	// ECONFLICT if it is cancelled (a cancel at the same moment is waited
	// for) or one is on it already, EINVALID if a listing does not exist;
	// the error names the listing.
	AddEventListings(ctx context.Context, id int64, achievementIDs, demandIDs []int64) error
	// RemoveEventListing takes one listing off event id; ENOTFOUND if there
	// is no event or the listing is not on it, ECONFLICT if it is
	// cancelled.
	RemoveEventListing(ctx context.Context, id int64, kind ListingKind, listingID int64) error
}
