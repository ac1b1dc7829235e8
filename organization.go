package innobridge

import (
	"context"
	"time"
)

// OrgKind is the kind of an innovation entity.
type OrgKind string

// The kinds of organisation.
const (
	OrgEnterprise OrgKind = "enterprise" // 企业
	OrgUniversity OrgKind = "university" // 高校
	OrgInstitute  OrgKind = "institute"  // 科研院所
	OrgAgency     OrgKind = "agency"     // 技术转移机构
	OrgInvestor   OrgKind = "investor"   // 投资机构
	OrgPark       OrgKind = "park"       // 园区
	OrgLab        OrgKind = "lab"        // 实验室/新型研发机构
	OrgGovernment OrgKind = "government" // 政府部门
)

// OrgKinds lists every kind, in display order.
var OrgKinds = []OrgKind{OrgEnterprise, OrgUniversity, OrgInstitute, OrgAgency, OrgInvestor, OrgPark, OrgLab, OrgGovernment}

// Valid reports whether k is a known kind.
func (k OrgKind) Valid() bool {
	for _, x := range OrgKinds {
		if x == k {
			return true
		}
	}
	return false
}

// Organization is an innovation entity: enterprise, university, institute,
// agency, investor, park, lab or government department.
type Organization struct {
	ID         int64     `json:"-"`
	ExternalID string    `json:"id"`             // stable id, kept from imports
	Name       string    `json:"name"`           // registered name
	Kind       OrgKind   `json:"kind"`           // see OrgKinds
	USCC       string    `json:"uscc,omitempty"` // 统一社会信用代码, GB 32100-2015
	Region     string    `json:"region"`         // GB/T 2260 code
	Industry   string    `json:"industry,omitempty"`
	Address    string    `json:"address,omitempty"`
	Contact    string    `json:"contact,omitempty"`
	Phone      string    `json:"phone,omitempty"`
	Email      string    `json:"email,omitempty"`
	Website    string    `json:"website,omitempty"`
	Intro      string    `json:"intro,omitempty"`
	Founded    *Date     `json:"founded,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// Validate checks o's fields and normalises codes in place. It returns an
// EINVALID *Error naming each bad field.
func (o *Organization) Validate() error {
	v := Validation{Record: o.ExternalID}
	if o.Name == "" {
		v.Add("name", "required", "名称必填 (name is required)")
	}
	if !o.Kind.Valid() {
		v.Add("kind", "unknown", "未知机构类型 %q (unknown kind)", o.Kind)
	}
	if o.USCC != "" {
		o.USCC = NormalizeUSCC(o.USCC)
		if msg := ValidateUSCC(o.USCC); msg != "" {
			v.Add("uscc", "format", "%s", msg)
		}
	} else if o.Kind == OrgEnterprise {
		v.Add("uscc", "required", "企业须填写统一社会信用代码 (enterprises need a USCC)")
	}
	if msg := ValidateRegionCode(o.Region); msg != "" {
		v.Add("region", "format", "%s", msg)
	}
	if o.Industry != "" {
		c, msg := NormalizeIndustryCode(o.Industry)
		if msg != "" {
			v.Add("industry", "format", "%s", msg)
		} else {
			o.Industry = c
		}
	}
	return v.Err()
}

// OrganizationFilter selects organisations. Nil fields are unset.
type OrganizationFilter struct {
	ID         *int64
	ExternalID *string
	USCC       *string
	Kind       *OrgKind
	Region     *string // prefix match on the region code
	Query      *string // substring of the name
	Offset     int
	Limit      int // 0 means no limit
}

// OrganizationUpdate changes an organisation. Nil fields are left alone.
type OrganizationUpdate struct {
	Name     *string
	Region   *string
	Industry *string
	Address  *string
	Contact  *string
	Phone    *string
	Email    *string
	Website  *string
	Intro    *string
}

// OrganizationStore persists organisations.
type OrganizationStore interface {
	// FindOrganizationByID returns ENOTFOUND if there is none.
	FindOrganizationByID(ctx context.Context, id int64) (*Organization, error)
	// FindOrganizations returns a page of matches and the total count.
	FindOrganizations(ctx context.Context, f OrganizationFilter) ([]*Organization, int, error)
	// CreateOrganization stores o and sets its ID and times; ECONFLICT on a
	// duplicate external id or USCC. An empty ExternalID is set to "org-<ID>".
	CreateOrganization(ctx context.Context, o *Organization) error
	// UpdateOrganization applies upd; ENOTFOUND if missing.
	UpdateOrganization(ctx context.Context, id int64, upd OrganizationUpdate) (*Organization, error)
}
