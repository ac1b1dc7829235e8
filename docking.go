package innobridge

import (
	"context"
	"slices"
	"time"
)

// MatchStatus is where a recommended pair of a demand and an achievement
// stands in the docking (对接) process.
type MatchStatus string

// The statuses of a tracked pair, in the order a successful docking passes
// through them. Declined ends the pair: it is not recommended again.
const (
	MatchRecommended MatchStatus = "recommended" // 已推荐
	MatchContacted   MatchStatus = "contacted"   // 已联系
	MatchNegotiating MatchStatus = "negotiating" // 洽谈中
	MatchSigned      MatchStatus = "signed"      // 已签约
	MatchDeclined    MatchStatus = "declined"    // 已放弃
)

// MatchStatuses lists every status in display order.
var MatchStatuses = []MatchStatus{MatchRecommended, MatchContacted, MatchNegotiating, MatchSigned, MatchDeclined}

var matchStatusNames = map[MatchStatus]string{MatchRecommended: "已推荐", MatchContacted: "已联系",
	MatchNegotiating: "洽谈中", MatchSigned: "已签约", MatchDeclined: "已放弃"}

// Name returns the Chinese name of s.
func (s MatchStatus) Name() string { return matchStatusNames[s] }

// Valid reports whether s is a known status.
func (s MatchStatus) Valid() bool { _, ok := matchStatusNames[s]; return ok }

// DeclineReason is the coded reason a pair was declined.
type DeclineReason string

// The decline reasons.
const (
	DeclineTRL    DeclineReason = "trl_too_early" // 技术成熟度不够
	DeclinePrice  DeclineReason = "price"         // 价格不合适
	DeclineScope  DeclineReason = "scope"         // 技术范围不符
	DeclineIP     DeclineReason = "ip"            // 知识产权问题
	DeclineTiming DeclineReason = "timing"        // 时间不合适
	DeclineOther  DeclineReason = "other"         // 其他
)

// DeclineReasons lists every reason in display order.
var DeclineReasons = []DeclineReason{DeclineTRL, DeclinePrice, DeclineScope, DeclineIP, DeclineTiming, DeclineOther}

var declineNames = map[DeclineReason]string{DeclineTRL: "技术成熟度不够", DeclinePrice: "价格不合适",
	DeclineScope: "技术范围不符", DeclineIP: "知识产权问题", DeclineTiming: "时间不合适", DeclineOther: "其他"}

// Name returns the Chinese name of r.
func (r DeclineReason) Name() string { return declineNames[r] }

// Valid reports whether r is a known reason.
func (r DeclineReason) Valid() bool { _, ok := declineNames[r]; return ok }

// Match is one tracked pair of a demand and an achievement.
type Match struct {
	ID             int64  `json:"id"`
	DemandID       int64  `json:"-"`
	AchievementID  int64  `json:"-"`
	DemandExt      string `json:"demand"`      // demand's external id (read only)
	AchievementExt string `json:"achievement"` // achievement's external id (read only)
	// The listings' titles, their owners and the demand's confidentiality
	// (read only). A party other than the demand's owner reads them as
	// PartyView leaves them.
	DemandTitle      string          `json:"demand_title"`
	AchievementTitle string          `json:"achievement_title"`
	DemandOwner      string          `json:"demand_owner,omitempty"`
	AchievementOwner string          `json:"achievement_owner,omitempty"`
	DemandOrgID      int64           `json:"-"`
	AchievementOrgID int64           `json:"-"`
	DemandConf       Confidentiality `json:"demand_confidentiality"`
	// DemandHidden: the demand is private and not yet disclosed to the
	// reader, whose copy carries no title, owner, id or note (read only).
	DemandHidden bool          `json:"demand_hidden,omitempty"`
	Status       MatchStatus   `json:"status"`
	Reason       DeclineReason `json:"reason,omitempty"` // set when Status is declined
	Note         string        `json:"note,omitempty"`
	Score        float64       `json:"score"` // the engine's score when first recommended
	CreatedBy    int64         `json:"-"`
	CreatedAt    time.Time     `json:"created_at"`
	UpdatedAt    time.Time     `json:"updated_at"`
}

// MatchQuiet is how long an open pair may go unchanged before staff are
// shown it as gone quiet (停滞).
const MatchQuiet = 30 * 24 * time.Hour

// MatchOpenStatuses are the statuses of pairs still in progress: neither
// signed nor declined.
var MatchOpenStatuses = []MatchStatus{MatchRecommended, MatchContacted, MatchNegotiating}

// Open reports whether a pair of status st is still in progress.
func (st MatchStatus) Open() bool { return slices.Contains(MatchOpenStatuses, st) }

// MatchDisclosingStatuses are the statuses of a pair in which the
// achievement's organisation reads a confidential demand in full: the
// demand's owner (or staff) has taken the pair into negotiation.
var MatchDisclosingStatuses = []MatchStatus{MatchNegotiating, MatchSigned}

// Discloses reports whether a pair of status st discloses a confidential
// demand to the achievement's side.
func (st MatchStatus) Discloses() bool { return slices.Contains(MatchDisclosingStatuses, st) }

// QuietFilter selects the open pairs unchanged, at now, for longer than
// MatchQuiet: those QuietAt reports.
func QuietFilter(now time.Time) MatchFilter {
	return MatchFilter{Statuses: MatchOpenStatuses, UpdatedBefore: now.Add(-MatchQuiet)}
}

// QuietAt reports whether m is open and, at now, unchanged for longer than
// MatchQuiet: whether QuietFilter(now) selects it.
func (m *Match) QuietAt(now time.Time) bool {
	return m.Status.Open() && m.UpdatedAt.Before(now.Add(-MatchQuiet))
}

// HeldFrom reports whether the pair's demand is confidential and not yet
// disclosed to the organisation orgID: whether orgID is only the
// achievement's side and the pair has not reached a status that Discloses.
// Such a party reads the pair as PartyView leaves it, and may neither take
// it into negotiation nor write its note.
func (m *Match) HeldFrom(orgID int64) bool {
	return m.DemandConf != ConfPublic && !m.Status.Discloses() && (orgID == 0 || orgID != m.DemandOrgID)
}

// PartyView returns m as a member of the organisation orgID reads it. The
// demand's owner reads it as it is (as staff do). A party the demand is
// HeldFrom reads no note, which may quote the demand, and, if the demand is
// private, no title, owner or id of it: DemandHidden says so.
func (m *Match) PartyView(orgID int64) *Match {
	if !m.HeldFrom(orgID) {
		return m
	}
	v := *m
	v.Note = ""
	if m.DemandConf == ConfPrivate {
		v.DemandHidden = true
		v.DemandTitle, v.DemandOwner, v.DemandExt, v.DemandOrgID = "", "", "", 0
	}
	return &v
}

// Validate checks m's status and reason.
func (m *Match) Validate() error {
	v := Validation{Record: m.DemandExt + "×" + m.AchievementExt}
	if m.Status == "" {
		m.Status = MatchRecommended
	}
	if !m.Status.Valid() {
		v.Add("status", "unknown", "未知对接状态 %q (unknown match status)", m.Status)
	}
	switch {
	case m.Status == MatchDeclined && m.Reason == "":
		v.Add("reason", "required", "请选择放弃原因 (a declined match needs a reason)")
	case m.Status == MatchDeclined && !m.Reason.Valid():
		v.Add("reason", "unknown", "未知放弃原因 %q (unknown reason)", m.Reason)
	case m.Status != MatchDeclined:
		m.Reason = ""
	}
	if len([]rune(m.Note)) > 2000 {
		v.Add("note", "too_long", "备注不超过2000字 (at most 2000 characters)")
	}
	return v.Err()
}

// MatchFilter selects tracked pairs, newest change first. Nil fields are
// unset.
type MatchFilter struct {
	IDs            []int64
	DemandIDs      []int64
	AchievementIDs []int64
	Statuses       []MatchStatus
	Reasons        []DeclineReason
	// PartyOrgID, if set, keeps pairs whose demand or achievement the
	// organisation owns: one party's own pairs.
	PartyOrgID int64
	// UpdatedBefore, if set, keeps pairs last changed before it: the
	// ones gone quiet.
	UpdatedBefore time.Time
	// LiveOn, if set, keeps pairs whose demand and achievement are both
	// published and not expired on that day: those still to follow up.
	LiveOn *Date
	Offset int
	Limit  int // 0 means no limit
}

// MatchUpdate changes a tracked pair. Nil fields are left alone.
type MatchUpdate struct {
	Status *MatchStatus
	Reason *DeclineReason
	Note   *string
}

// MatchCounts are the numbers of tracked pairs by status, and of declined
// pairs by reason.
type MatchCounts struct {
	ByStatus map[MatchStatus]int   `json:"by_status"`
	ByReason map[DeclineReason]int `json:"by_reason"`
}

// DockingList (对接清单) is a set of demands chosen by staff, each with its
// top matches, reviewed before the list goes out to the parties.
type DockingList struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	Field     string `json:"field,omitempty"`      // TechField code the demands were chosen by, or ""
	Region    string `json:"region,omitempty"`     // region code prefix, or ""
	EventID   int64  `json:"event_id,omitempty"`   // the event whose demands the list covers, or 0
	EventName string `json:"event_name,omitempty"` // the event's name (read only)
	// EventCancelled: the event was cancelled after the list was made
	// (read only).
	EventCancelled bool           `json:"event_cancelled,omitempty"`
	TopN           int            `json:"top_n"` // matches per demand
	CreatedBy      int64          `json:"-"`
	CreatedAt      time.Time      `json:"created_at"`
	Items          []*DockingItem `json:"items,omitempty"`
	Pairs          int            `json:"pairs"` // number of items (read only)
}

// DockingItemState is a reviewer's decision on one pair of a list.
type DockingItemState string

// The states of a docking list item.
const (
	DockingProposed DockingItemState = "proposed" // as the engine proposed it
	DockingAccepted DockingItemState = "accepted" // kept by a reviewer
	DockingRemoved  DockingItemState = "removed"  // dropped by a reviewer; not exported
)

// Valid reports whether s is a known state.
func (s DockingItemState) Valid() bool {
	return s == DockingProposed || s == DockingAccepted || s == DockingRemoved
}

// DockingItem is one proposed pair of a docking list.
type DockingItem struct {
	ID               int64            `json:"id"`
	ListID           int64            `json:"-"`
	DemandID         int64            `json:"-"`
	AchievementID    int64            `json:"-"`
	DemandExt        string           `json:"demand"`            // read only
	AchievementExt   string           `json:"achievement"`       // read only
	DemandTitle      string           `json:"demand_title"`      // read only
	AchievementTitle string           `json:"achievement_title"` // read only
	Rank             int              `json:"rank"`              // 1 = the demand's best match
	Score            float64          `json:"score"`
	Why              string           `json:"why"` // the explanation as shown to staff, one line
	State            DockingItemState `json:"state"`
}

// MatchStore persists tracked pairs and docking lists. Stores do not
// authorise: the service layer does.
type MatchStore interface {
	// FindMatches returns a page of tracked pairs and the total count.
	FindMatches(ctx context.Context, f MatchFilter) ([]*Match, int, error)
	// CreateMatch stores m and sets its ID and times; ECONFLICT if the pair
	// is tracked already.
	CreateMatch(ctx context.Context, m *Match) error
	// UpdateMatch applies upd; ENOTFOUND if missing.
	UpdateMatch(ctx context.Context, id int64, upd MatchUpdate) (*Match, error)
	// CountMatches counts the pairs f selects (its Statuses, Reasons,
	// Offset and Limit aside) by status, and the declined ones by reason.
	CountMatches(ctx context.Context, f MatchFilter) (*MatchCounts, error)

	// FindDockingLists returns a page of lists, newest first, without
	// items, and the total count.
	FindDockingLists(ctx context.Context, offset, limit int) ([]*DockingList, int, error)
	// FindDockingListByID returns a list with its items; ENOTFOUND if
	// there is none.
	FindDockingListByID(ctx context.Context, id int64) (*DockingList, error)
	// CreateDockingList stores l and its items in one transaction, setting
	// their IDs.
	CreateDockingList(ctx context.Context, l *DockingList) error
	// SetDockingItemState changes one item of list listID; ENOTFOUND if
	// the item is not on that list.
	SetDockingItemState(ctx context.Context, listID, itemID int64, st DockingItemState) (*DockingItem, error)
}
