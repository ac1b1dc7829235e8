package service

import (
	"context"
	"fmt"

	"github.com/innobridge/innobridge"
)

// FindOrganizations lists organisations; anyone may read them.
func (s *Service) FindOrganizations(ctx context.Context, f innobridge.OrganizationFilter) ([]*innobridge.Organization, int, error) {
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 1000
	}
	return s.Store.FindOrganizations(ctx, f)
}

// FindOrganizationByID returns one organisation.
func (s *Service) FindOrganizationByID(ctx context.Context, id int64) (*innobridge.Organization, error) {
	return s.Store.FindOrganizationByID(ctx, id)
}

// CreateOrganization registers an organisation (staff only).
func (s *Service) CreateOrganization(ctx context.Context, o *innobridge.Organization) error {
	if _, err := requireStaff(ctx); err != nil {
		return err
	}
	if err := o.Validate(); err != nil {
		return err
	}
	if err := s.Store.CreateOrganization(ctx, o); err != nil {
		return fmt.Errorf("CreateOrganization(%q): %w", o.Name, err)
	}
	return s.audit(ctx, "create", "organization", o.ExternalID, map[string]any{"name": o.Name, "uscc": o.USCC})
}

// UpdateOrganization changes an organisation: staff, or a member of it.
func (s *Service) UpdateOrganization(ctx context.Context, id int64, upd innobridge.OrganizationUpdate) (*innobridge.Organization, error) {
	u, err := requireUser(ctx)
	if err != nil {
		return nil, err
	}
	if !u.IsStaff() && !(ownsOrg(u, id) && u.Role == innobridge.RoleMember) {
		return nil, innobridge.Errorf(innobridge.EFORBIDDEN, "只能修改本机构信息 (you may edit your own organisation only)")
	}
	o, err := s.Store.FindOrganizationByID(ctx, id)
	if err != nil {
		return nil, err
	}
	next := *o
	next.Apply(upd)
	if err := next.Validate(); err != nil {
		return nil, err
	}
	upd.Industry = &next.Industry
	out, err := s.Store.UpdateOrganization(ctx, id, upd)
	if err != nil {
		return nil, fmt.Errorf("UpdateOrganization(%d): %w", id, err)
	}
	return out, s.audit(ctx, "update", "organization", o.ExternalID, changedFields(upd))
}

// CreateOrganizationUnchecked registers an organisation without an acting
// user, for trusted callers only: the demo loader and tests.
func (s *Service) CreateOrganizationUnchecked(ctx context.Context, o *innobridge.Organization) error {
	if err := o.Validate(); err != nil {
		return err
	}
	return s.Store.CreateOrganization(ctx, o)
}

// Counts are the home page's figures.
type Counts struct {
	Achievements  int `json:"achievements"`
	Demands       int `json:"demands"`
	Organizations int `json:"organizations"`
	Enterprises   int `json:"enterprises"`
}

// Counts returns what an anonymous visitor may count.
func (s *Service) Counts(ctx context.Context) (Counts, error) {
	var c Counts
	var err error
	anon := innobridge.NewContextWithUser(ctx, nil)
	if _, c.Achievements, err = s.FindAchievements(anon, innobridge.ListingFilter{Limit: 1}); err != nil {
		return c, err
	}
	if _, c.Demands, err = s.FindDemands(anon, innobridge.ListingFilter{Limit: 1}); err != nil {
		return c, err
	}
	if _, c.Organizations, err = s.Store.FindOrganizations(ctx, innobridge.OrganizationFilter{Limit: 1}); err != nil {
		return c, err
	}
	k := innobridge.OrgEnterprise
	_, c.Enterprises, err = s.Store.FindOrganizations(ctx, innobridge.OrganizationFilter{Kind: &k, Limit: 1})
	return c, err
}
