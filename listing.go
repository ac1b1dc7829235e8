package innobridge

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Status is the life-cycle state of an achievement or demand. An expired
// listing is a published one whose ExpiresAt has passed; it is not a stored
// status.
type Status string

// The statuses of a listing.
const (
	StatusDraft     Status = "draft"     // only the owner and staff see it
	StatusPublished Status = "published" // listed publicly (subject to confidentiality)
	StatusWithdrawn Status = "withdrawn" // taken down by its owner
	StatusSuspended Status = "suspended" // taken down by staff (moderation)
)

// Statuses lists every status.
var Statuses = []Status{StatusDraft, StatusPublished, StatusWithdrawn, StatusSuspended}

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	for _, x := range Statuses {
		if x == s {
			return true
		}
	}
	return false
}

// Mode is a way technology changes hands: a transfer mode of an achievement
// or a desired cooperation mode of a demand.
type Mode string

// The modes.
const (
	ModeTransfer  Mode = "transfer"   // 转让
	ModeLicense   Mode = "license"    // 许可
	ModeEquity    Mode = "equity"     // 作价入股
	ModeCoDevelop Mode = "co_develop" // 合作开发
	ModeService   Mode = "service"    // 技术服务
)

// Modes lists every mode in display order.
var Modes = []Mode{ModeTransfer, ModeLicense, ModeEquity, ModeCoDevelop, ModeService}

var modeNames = map[Mode]string{ModeTransfer: "转让", ModeLicense: "许可", ModeEquity: "作价入股", ModeCoDevelop: "合作开发", ModeService: "技术服务"}

var modeNamesEn = map[Mode]string{ModeTransfer: "assignment", ModeLicense: "licence", ModeEquity: "equity contribution",
	ModeCoDevelop: "joint development", ModeService: "technical service"}

// Name returns the Chinese name of m.
func (m Mode) Name() string { return modeNames[m] }

// NameEn returns the English name of m, in lower case.
func (m Mode) NameEn() string { return modeNamesEn[m] }

// ParseMode accepts a mode's code or its Chinese name.
func ParseMode(s string) (Mode, bool) {
	s = strings.TrimSpace(s)
	for _, m := range Modes {
		if string(m) == s || modeNames[m] == s {
			return m, true
		}
	}
	return "", false
}

// IPType is the kind of intellectual property behind an achievement.
type IPType string

// The IP types. The first six are 科技型中小企业 Class I IP; utility models,
// designs and software copyrights are Class II.
const (
	IPInventionPatent IPType = "invention_patent"   // 发明专利
	IPUtilityModel    IPType = "utility_model"      // 实用新型专利
	IPDesign          IPType = "design_patent"      // 外观设计专利
	IPSoftware        IPType = "software_copyright" // 软件著作权
	IPICLayout        IPType = "ic_layout"          // 集成电路布图设计
	IPPlantVariety    IPType = "plant_variety"      // 植物新品种
	IPNewDrug         IPType = "new_drug"           // 新药
	IPTechSecret      IPType = "technical_secret"   // 技术秘密
	IPOther           IPType = "other"              // 其他
)

// IPTypes lists every IP type in display order.
var IPTypes = []IPType{IPInventionPatent, IPUtilityModel, IPDesign, IPSoftware, IPICLayout, IPPlantVariety, IPNewDrug, IPTechSecret, IPOther}

var ipNames = map[IPType]string{IPInventionPatent: "发明专利", IPUtilityModel: "实用新型专利", IPDesign: "外观设计专利",
	IPSoftware: "软件著作权", IPICLayout: "集成电路布图设计", IPPlantVariety: "植物新品种", IPNewDrug: "新药", IPTechSecret: "技术秘密", IPOther: "其他"}

// Name returns the Chinese name of t.
func (t IPType) Name() string { return ipNames[t] }

// ParseIPType accepts an IP type's code or its Chinese name.
func ParseIPType(s string) (IPType, bool) {
	s = strings.TrimSpace(s)
	for _, t := range IPTypes {
		if string(t) == s || ipNames[t] == s {
			return t, true
		}
	}
	return "", false
}

// Confidentiality says who may read a demand in full.
type Confidentiality string

// The confidentiality levels of a demand.
const (
	ConfPublic  Confidentiality = "public"  // everyone reads everything
	ConfTeaser  Confidentiality = "teaser"  // others read the title and teaser only
	ConfPrivate Confidentiality = "private" // only the owner, staff and matched parties see it at all
)

// Confidentialities lists every level.
var Confidentialities = []Confidentiality{ConfPublic, ConfTeaser, ConfPrivate}

// Valid reports whether c is a known level.
func (c Confidentiality) Valid() bool {
	return c == ConfPublic || c == ConfTeaser || c == ConfPrivate
}

// Listing fields common to achievements and demands.
type Listing struct {
	ID          int64     `json:"-"`
	ExternalID  string    `json:"id"`
	Title       string    `json:"title"`
	Description string    `json:"description"`
	Keywords    []string  `json:"keywords"`
	Field       string    `json:"field"`  // TechField code "1"…"8", or ""
	Region      string    `json:"region"` // GB/T 2260 code
	OwnerOrgID  int64     `json:"-"`
	OwnerOrg    string    `json:"owner_org"`  // owner's external id (read only)
	OwnerName   string    `json:"owner_name"` // owner's name (read only)
	Status      Status    `json:"status"`     //
	ExpiresAt   *Date     `json:"expires_at"` // nil: no expiry
	CreatedBy   int64     `json:"-"`          // user id, 0 for imports
	CreatedAt   time.Time `json:"created_at"` //
	UpdatedAt   time.Time `json:"updated_at"` //
	SearchText  string    `json:"-"`          // analysed text for full-text search, set by the service
	Hidden      bool      `json:"redacted"`   // true when the description was withheld from this reader
	Teaser      string    `json:"teaser"`     // public summary of a confidential demand
	// Lapsed is set on a listing read as part of an event (EventDetail):
	// how it has lapsed since it was put on the event, or "".
	Lapsed Lapse `json:"lapsed,omitempty"`
}

// Expired reports whether the listing's expiry date is before today.
func (l *Listing) Expired(today Date) bool {
	return l.ExpiresAt != nil && l.ExpiresAt.Before(today.Time)
}

func (l *Listing) validate(v *Validation) {
	if strings.TrimSpace(l.Title) == "" {
		v.Add("title", "required", "标题必填 (title is required)")
	} else if utf8.RuneCountInString(l.Title) > 200 {
		v.Add("title", "too_long", "标题不超过200字 (at most 200 characters)")
	}
	if utf8.RuneCountInString(l.Description) > 20000 {
		v.Add("description", "too_long", "描述不超过20000字 (at most 20000 characters)")
	}
	v.fieldAndRegion(&l.Field, l.Region)
	if l.Status == "" {
		l.Status = StatusPublished
	} else if !l.Status.Valid() {
		v.Add("status", "unknown", "未知状态 %q (unknown status)", l.Status)
	}
	kw := l.Keywords[:0:0]
	for _, k := range l.Keywords {
		if k = strings.TrimSpace(FoldWidth(k)); k != "" {
			kw = append(kw, k)
		}
	}
	l.Keywords = kw
	if len(l.Keywords) > 20 {
		v.Add("keywords", "too_many", "关键词不超过20个 (at most 20 keywords)")
	}
}

// Achievement is a 科技成果 offered for transfer: a patent, a research result,
// a technique.
type Achievement struct {
	Listing
	TRL           int      `json:"trl"` // 1–9, 0 if unknown
	IPType        IPType   `json:"ip_type"`
	IPNumbers     []string `json:"ip_numbers"`
	TransferModes []Mode   `json:"transfer_modes"`
	PriceYuan     *int64   `json:"price_yuan"` // nil with Negotiable: 面议
	Negotiable    bool     `json:"negotiable"`
}

// Validate checks a's fields and normalises them in place.
func (a *Achievement) Validate() error {
	v := Validation{Record: a.ExternalID}
	a.validate(&v)
	if a.TRL < 0 || a.TRL > 9 {
		v.Add("trl", "range", "技术成熟度应为1-9 (TRL must be 1–9)")
	}
	if a.IPType != "" {
		if t, ok := ParseIPType(string(a.IPType)); ok {
			a.IPType = t
		} else {
			v.Add("ip_type", "unknown", "未知知识产权类型 %q (unknown IP type)", a.IPType)
		}
	}
	for i, m := range a.TransferModes {
		if p, ok := ParseMode(string(m)); ok {
			a.TransferModes[i] = p
		} else {
			v.Add("transfer_modes", "unknown", "未知转化方式 %q (unknown transfer mode)", m)
		}
	}
	if a.PriceYuan != nil && *a.PriceYuan < 0 {
		v.Add("price_yuan", "range", "价格不能为负 (price cannot be negative)")
	}
	if a.PriceYuan == nil {
		a.Negotiable = true
	}
	return v.Err()
}

// Demand is an enterprise's 技术需求: a problem it wants solved.
type Demand struct {
	Listing
	BudgetMinYuan   *int64          `json:"budget_min_yuan"`
	BudgetMaxYuan   *int64          `json:"budget_max_yuan"`
	Deadline        *Date           `json:"deadline"`
	CoopModes       []Mode          `json:"coop_modes"`
	TRLMin          int             `json:"trl_min"` // lowest acceptable TRL, 0 if any
	Confidentiality Confidentiality `json:"confidentiality"`
}

// Validate checks d's fields and normalises them in place.
func (d *Demand) Validate() error {
	v := Validation{Record: d.ExternalID}
	d.validate(&v)
	if d.Confidentiality == "" {
		d.Confidentiality = ConfPublic
	} else if !d.Confidentiality.Valid() {
		v.Add("confidentiality", "unknown", "未知保密级别 %q (public, teaser or private)", d.Confidentiality)
	}
	if d.Confidentiality != ConfPublic && strings.TrimSpace(d.Teaser) == "" {
		v.Add("teaser", "required", "保密需求须填写公开摘要 (a confidential demand needs a public teaser)")
	}
	for i, m := range d.CoopModes {
		if p, ok := ParseMode(string(m)); ok {
			d.CoopModes[i] = p
		} else {
			v.Add("coop_modes", "unknown", "未知合作方式 %q (unknown cooperation mode)", m)
		}
	}
	if d.BudgetMinYuan != nil && *d.BudgetMinYuan < 0 {
		v.Add("budget_min_yuan", "range", "预算不能为负 (budget cannot be negative)")
	}
	if d.BudgetMinYuan != nil && d.BudgetMaxYuan != nil && *d.BudgetMaxYuan < *d.BudgetMinYuan {
		v.Add("budget_max_yuan", "range", "预算上限低于下限 (maximum below minimum)")
	}
	if d.TRLMin < 0 || d.TRLMin > 9 {
		v.Add("trl_min", "range", "技术成熟度应为1-9 (TRL must be 1–9)")
	}
	return v.Err()
}

// Redact removes what a reader without full rights may not see of a teaser
// demand: the description and keywords. Title, field, region, budget and
// teaser stay.
func (d *Demand) Redact() {
	d.Description = ""
	d.Keywords = nil
	d.Hidden = true
}

// ListingKey is a listing's place in the order of its last change: see
// ListingFilter.After.
type ListingKey struct {
	UpdatedAt time.Time
	ID        int64
}

// Key returns l's ListingKey.
func (l *Listing) Key() ListingKey { return ListingKey{l.UpdatedAt, l.ID} }

// ListingFilter selects achievements or demands. Nil fields are unset.
type ListingFilter struct {
	IDs          []int64
	ExternalID   *string
	OwnerOrgID   *int64
	Field        *string
	Region       *string // prefix of the GB/T 2260 code ("3205" = Suzhou)
	Mode         *Mode   // a transfer mode (achievements) or cooperation mode (demands)
	TRLMin       *int    // achievements: TRL at least
	TRLMax       *int    // achievements: TRL at most
	Statuses     []Status
	Query        string     // free text typed by a user; the service turns it into SearchTerms
	SearchTerms  []string   // analysed query terms, all must match; stores read only this
	ActiveOn     *Date      // exclude listings that expired before this date
	UpdatedSince *time.Time // changed at or after, for index refresh
	// After keeps the listings that come after it in the order of Sort
	// "updated" (last change, then id), to page through a long read by
	// key: a listing others change meanwhile moves to the end, where it
	// is read again, and makes no other be skipped, as with OFFSET.
	After *ListingKey
	// Demands only: which confidentiality levels to return, and which
	// organisation may additionally see its own private demands.
	Confidentialities []Confidentiality
	VisibleToOrgID    *int64
	Sort              string // "recent" (default), "title", "expires", "updated" (see After)
	Offset            int
	Limit             int // 0 means no limit
	// NoTotal spares the store counting every match for a long read: the
	// total returned is then Offset plus the number of listings returned.
	NoTotal bool
}
