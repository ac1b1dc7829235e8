package innobridge

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"time"
)

// EnterpriseProfile is what the policy calculator reads about an enterprise
// beyond its Organization record and its yearly figures: IP held, the
// recognitions with their numbers and dates, awards, R&D institutions,
// standards, incidents and the 专精特新 facts. It is kept as one document
// per organisation.
type EnterpriseProfile struct {
	LargeEnterprise     bool            `json:"large_enterprise,omitempty"`
	ProhibitedCatalogue bool            `json:"prohibited_catalogue,omitempty"`
	HighTechField       string          `json:"hightech_field,omitempty"`
	IP                  IPHoldings      `json:"ip"`
	Recognitions        []Recognition   `json:"recognitions,omitempty"`
	Awards              []Award         `json:"awards,omitempty"`
	RDInstitutions      []RDInstitution `json:"rd_institutions,omitempty"`
	Standards           []Standard      `json:"standards,omitempty"`
	Incidents           []Incident      `json:"incidents,omitempty"`
	Cultivation
}

// EnterpriseIndicators are the indicators stored for one organisation.
type EnterpriseIndicators struct {
	OrgID   int64             `json:"-"`
	Years   []YearFigures     `json:"years"` // ascending by year
	Profile EnterpriseProfile `json:"profile"`
	// UpdatedAt is the time of the latest write, zero when nothing is stored.
	UpdatedAt time.Time `json:"updated_at"`
}

// Indicators assembles the calculator's input from the organisation o and
// its stored indicators: id, name, USCC, region, industry and registration
// date come from o.
func (e *EnterpriseIndicators) Indicators(o *Organization) *Indicators {
	p := e.Profile
	return &Indicators{
		ID: o.ExternalID, Name: o.Name, USCC: o.USCC, Region: o.Region, Industry: o.Industry, Registered: o.Founded,
		LargeEnterprise: p.LargeEnterprise, ProhibitedCatalogue: p.ProhibitedCatalogue, HighTechField: p.HighTechField,
		Years: append([]YearFigures(nil), e.Years...), IP: p.IP,
		Recognitions: p.Recognitions, Awards: p.Awards, RDInstitutions: p.RDInstitutions, Standards: p.Standards,
		Incidents: p.Incidents, Cultivation: p.Cultivation,
	}
}

// EnterpriseYear is one organisation's figures for one fiscal year.
type EnterpriseYear struct {
	OrgID   int64
	Figures YearFigures
}

// IndicatorChange records one indicator field changed: who, when, old and
// new value. Values are JSON text ("12", "\"C3911\"", "null").
type IndicatorChange struct {
	ID     int64  `json:"id"`
	OrgID  int64  `json:"-"`
	Year   int    `json:"year,omitempty"` // 0 for the profile
	Field  string `json:"field"`          // "rd_expense", "ip.invention_patents", "recognitions[0].expires"
	Old    string `json:"old"`
	New    string `json:"new"`
	UserID int64  `json:"user_id,omitempty"`
	// Username is the user's login name when read back, "" for changes
	// made without a user (the demo loader, imports by the system).
	Username string    `json:"username,omitempty"`
	At       time.Time `json:"at"`
}

// IndicatorChangeFilter selects changes, newest first.
type IndicatorChangeFilter struct {
	OrgID *int64
	Year  *int
	// Since keeps the changes made at or after this time.
	Since  *time.Time
	Offset int
	Limit  int // 0: all
}

// IndicatorStore persists enterprise indicators and the history of every
// change to them. Stores do not authorise or validate: the service does.
type IndicatorStore interface {
	// FindEnterpriseIndicators returns the indicators stored for the
	// organisations orgIDs, or for every organisation with any when orgIDs
	// is empty, in organisation id order. Organisations with nothing
	// stored are left out.
	FindEnterpriseIndicators(ctx context.Context, orgIDs []int64) ([]*EnterpriseIndicators, error)
	// PutEnterpriseYears inserts or replaces each year's figures in one
	// transaction, all or none, and records every changed field as made
	// by userID. It returns the changes; ENOTFOUND names a missing
	// organisation.
	PutEnterpriseYears(ctx context.Context, userID int64, years []EnterpriseYear) ([]*IndicatorChange, error)
	// DeleteEnterpriseYear removes one year's figures, recording each
	// field's removal; ENOTFOUND when there are none.
	DeleteEnterpriseYear(ctx context.Context, userID, orgID int64, year int) ([]*IndicatorChange, error)
	// PutEnterpriseProfile replaces the organisation's profile and records
	// every changed field; ENOTFOUND for a missing organisation.
	PutEnterpriseProfile(ctx context.Context, userID, orgID int64, p *EnterpriseProfile) ([]*IndicatorChange, error)
	// FindIndicatorChanges returns a page of changes, newest first, and
	// the total count.
	FindIndicatorChanges(ctx context.Context, f IndicatorChangeFilter) ([]*IndicatorChange, int, error)
}

// DiffFields compares two values field by field through their JSON form
// and returns one change per leaf that differs, in field order, with
// dotted names ("ip.invention_patents", "recognitions[1].number"). A nil
// old or new stands for the zero value of the other's type, so a value
// stored for the first time lists only its non-zero fields.
func DiffFields(old, new any) ([]*IndicatorChange, error) {
	a, err := flattenJSON(old)
	if err != nil {
		return nil, err
	}
	b, err := flattenJSON(new)
	if err != nil {
		return nil, err
	}
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	names := make([]string, 0, len(keys))
	for k := range keys {
		names = append(names, k)
	}
	sort.Strings(names)
	var out []*IndicatorChange
	for _, k := range names {
		o, ok1 := a[k]
		n, ok2 := b[k]
		if !ok1 {
			o = zeroJSON(n)
		}
		if !ok2 {
			n = zeroJSON(o)
		}
		if o != n {
			out = append(out, &IndicatorChange{Field: k, Old: o, New: n})
		}
	}
	return out, nil
}

// zeroJSON is the JSON zero value of the kind of v: what an omitted field
// means.
func zeroJSON(v string) string {
	switch {
	case v == "":
		return "null"
	case v[0] == '"':
		return `""`
	case v == "true" || v == "false":
		return "false"
	case v[0] == '-' || (v[0] >= '0' && v[0] <= '9'):
		return "0"
	}
	return "null"
}

func flattenJSON(v any) (map[string]string, error) {
	out := map[string]string{}
	if v == nil {
		return out, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("DiffFields: %w", err)
	}
	var tree any
	if err := json.Unmarshal(b, &tree); err != nil {
		return nil, fmt.Errorf("DiffFields: %w", err)
	}
	var walk func(prefix string, t any)
	walk = func(prefix string, t any) {
		switch t := t.(type) {
		case map[string]any:
			for k, x := range t {
				name := k
				if prefix != "" {
					name = prefix + "." + k
				}
				walk(name, x)
			}
		case []any:
			for i, x := range t {
				walk(fmt.Sprintf("%s[%d]", prefix, i), x)
			}
		default:
			if t == nil {
				return // null and absent are the same
			}
			b, _ := json.Marshal(t)
			out[prefix] = string(b)
		}
	}
	walk("", tree)
	return out, nil
}

// recognitionTitles name the recognition kinds in Chinese.
var recognitionTitles = map[string]string{
	RecTechSME: "科技型中小企业", RecHighTech: "高新技术企业", RecInnovativeSME: "创新型中小企业",
	RecTechInnovativeSME: "科技和创新型中小企业", RecZJTXSME: "专精特新中小企业",
	RecLittleGiant: "专精特新“小巨人”企业", RecInnovationDemo: "国家技术创新示范企业",
	RecIPAdvantage: "知识产权优势企业", RecIPDemo: "知识产权示范企业", RecOther: "其他",
}

// RecognitionTitle is the Chinese name of a recognition kind, or the kind
// itself when it is unknown.
func RecognitionTitle(kind string) string {
	if t, ok := recognitionTitles[kind]; ok {
		return t
	}
	return kind
}
