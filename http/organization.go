package http

import (
	"net/http"
	"strings"

	"github.com/innobridge/innobridge"
)

func (s *Server) organizationFilter(p listParams) (innobridge.OrganizationFilter, error) {
	f := innobridge.OrganizationFilter{Offset: (p.Page - 1) * p.PerPage, Limit: p.PerPage}
	v := innobridge.Validation{}
	if p.Kind != "" {
		k := innobridge.OrgKind(p.Kind)
		if !k.Valid() {
			v.Add("kind", "unknown", "未知机构类型 (unknown kind)")
		}
		f.Kind = &k
	}
	if p.Region != "" {
		if innobridge.ValidateRegionCode(p.Region) != "" {
			v.Add("region", "format", "行政区划代码应为6位数字 (region must be a 6-digit GB/T 2260 code)")
		}
		prefix := regionPrefix(p.Region)
		f.Region = &prefix
	}
	if p.Q != "" {
		q := p.Q
		f.Query = &q
	}
	return f, v.Err()
}

// handleOrganizationList serves GET /organizations in every format and GET
// /api/v1/organizations.
func (s *Server) handleOrganizationList(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := s.parseListParams(r)
	f, err := s.organizationFilter(p)
	return serveList(s, w, r, "organizations", p, err, func(offset, limit int) ([]*innobridge.Organization, int, error) {
		f.Offset, f.Limit = offset, limit
		return s.svc.FindOrganizations(ctx, f)
	}, s.organizationTable)
}

// organizationPage is /organizations/{id}: the organisation and its
// listings.
type organizationPage struct {
	Base
	O                 *innobridge.Organization
	Achievements      []*innobridge.Achievement
	AchievementsTotal int
	Demands           []*innobridge.Demand
	DemandsTotal      int
	Own               bool // the user acts for this organisation
	// Calc is the 政策计算器 / 培育梯度 section, for staff and the
	// enterprise's own members; nil otherwise.
	Calc *calcView
}

// organizationJSON is an organisation with its listing counts, for the API.
type organizationJSON struct {
	*innobridge.Organization
	Achievements int `json:"achievements"`
	Demands      int `json:"demands"`
}

func (s *Server) handleOrganization(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	o, err := s.orgByExternalID(ctx, strings.TrimSuffix(r.PathValue("id"), ".json"))
	if err != nil {
		return err
	}
	f := innobridge.ListingFilter{OwnerOrgID: &o.ID, Limit: 50}
	achs, na, err := s.svc.FindAchievements(ctx, f)
	if err != nil {
		return err
	}
	dems, nd, err := s.svc.FindDemands(ctx, f)
	if err != nil {
		return err
	}
	if formatOf(r) == "json" {
		writeJSON(w, http.StatusOK, organizationJSON{Organization: o, Achievements: na, Demands: nd})
		return nil
	}
	u := state(r).user
	page := &organizationPage{O: o, Achievements: achs, AchievementsTotal: na, Demands: dems, DemandsTotal: nd,
		Own: u != nil && u.OrgID == o.ID}
	if page.Calc, err = s.calcFor(r, o); err != nil {
		return err
	}
	page.Nav = "organizations"
	s.render(w, r, http.StatusOK, "organization", page)
	return nil
}
