package service

import (
	"context"
	"fmt"
	"slices"

	"github.com/innobridge/innobridge"
)

// prepareFilter applies what the caller may see to f: anonymous callers and
// other organisations see published, unexpired listings; the owner's members
// and staff may ask for any status and see expired ones. It also turns the
// free-text query into search terms. It reports false when the query has no
// searchable term, so the result is empty.
func (s *Service) prepareFilter(ctx context.Context, f *innobridge.ListingFilter) bool {
	u := innobridge.UserFromContext(ctx)
	privileged := u.IsStaff() || (f.OwnerOrgID != nil && ownsOrg(u, *f.OwnerOrgID))
	if len(f.Statuses) == 0 {
		f.Statuses = []innobridge.Status{innobridge.StatusPublished}
	} else if !privileged {
		f.Statuses = []innobridge.Status{innobridge.StatusPublished}
	}
	if !privileged && f.ActiveOn == nil {
		today := s.today()
		f.ActiveOn = &today
	}
	if f.Query != "" {
		f.SearchTerms = s.Analyzer.QueryTerms(f.Query)
		if len(f.SearchTerms) == 0 {
			return false
		}
	}
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 1000
	}
	return true
}

// canSeeListing reports whether the caller may open a listing with this
// owner and status.
func (s *Service) canSeeListing(u *innobridge.User, l *innobridge.Listing) bool {
	if u.IsStaff() || ownsOrg(u, l.OwnerOrgID) {
		return true
	}
	return l.Status == innobridge.StatusPublished && !l.Expired(s.today())
}

func (s *Service) canEditListing(u *innobridge.User, l *innobridge.Listing) error {
	if u == nil {
		return innobridge.Errorf(innobridge.EUNAUTHORIZED, "请先登录 (please log in)")
	}
	if u.IsStaff() || (ownsOrg(u, l.OwnerOrgID) && u.Role == innobridge.RoleMember) {
		return nil
	}
	return innobridge.Errorf(innobridge.EFORBIDDEN, "只有发布机构或工作人员可以修改 (only the owner or staff may change this)")
}

// checkStatusChange allows owners to move between draft, published and
// withdrawn, and reserves suspension (and lifting it) to staff.
func checkStatusChange(u *innobridge.User, from, to innobridge.Status) error {
	if from == to {
		return nil
	}
	if (to == innobridge.StatusSuspended || from == innobridge.StatusSuspended) && !u.IsStaff() {
		return innobridge.Errorf(innobridge.EFORBIDDEN, "下架/恢复由工作人员处理 (only staff suspend or reinstate)")
	}
	if !to.Valid() {
		return innobridge.Errorf(innobridge.EINVALID, "未知状态 %q (unknown status)", to)
	}
	return nil
}

// ownerForCreate decides the owner of a new listing: members publish for
// their own organisation; staff may publish for any. Only staff may create
// a listing already suspended.
func (s *Service) ownerForCreate(ctx context.Context, l *innobridge.Listing) error {
	u, err := requireUser(ctx)
	if err != nil {
		return err
	}
	switch {
	case u.IsStaff():
		if l.OwnerOrgID == 0 {
			return &innobridge.Error{Code: innobridge.EINVALID, Message: "invalid input",
				Fields: map[string]innobridge.FieldError{"owner_org": {Code: "required", Message: "请选择发布机构 (choose the owner organisation)"}}}
		}
	case u.Role == innobridge.RoleMember && u.OrgID != 0:
		if l.OwnerOrgID != 0 && l.OwnerOrgID != u.OrgID {
			return innobridge.Errorf(innobridge.EFORBIDDEN, "只能为本机构发布 (you publish for your own organisation only)")
		}
		l.OwnerOrgID = u.OrgID
	default:
		return innobridge.Errorf(innobridge.EFORBIDDEN, "只有机构用户或工作人员可以发布 (only organisation members or staff publish)")
	}
	if l.Status == innobridge.StatusSuspended && !u.IsStaff() {
		return innobridge.Errorf(innobridge.EFORBIDDEN, "下架/恢复由工作人员处理 (only staff suspend or reinstate)")
	}
	org, err := s.Store.FindOrganizationByID(ctx, l.OwnerOrgID)
	if err != nil {
		return fmt.Errorf("owner organisation %d: %w", l.OwnerOrgID, err)
	}
	if l.Region == "" {
		l.Region = org.Region
	}
	l.CreatedBy = u.ID
	return nil
}

// FindAchievements lists the achievements the caller may see.
func (s *Service) FindAchievements(ctx context.Context, f innobridge.ListingFilter) ([]*innobridge.Achievement, int, error) {
	if !s.prepareFilter(ctx, &f) {
		return nil, 0, nil
	}
	return s.Store.FindAchievements(ctx, f)
}

// FindAchievementByID returns an achievement if the caller may see it, else
// ENOTFOUND.
func (s *Service) FindAchievementByID(ctx context.Context, id int64) (*innobridge.Achievement, error) {
	a, err := s.Store.FindAchievementByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if !s.canSeeListing(innobridge.UserFromContext(ctx), &a.Listing) {
		return nil, innobridge.Errorf(innobridge.ENOTFOUND, "成果不存在或未公开 (achievement not found)")
	}
	return a, nil
}

// FindAchievementByExternalID is FindAchievementByID by external id.
func (s *Service) FindAchievementByExternalID(ctx context.Context, ext string) (*innobridge.Achievement, error) {
	list, _, err := s.Store.FindAchievements(ctx, innobridge.ListingFilter{ExternalID: &ext, Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, innobridge.Errorf(innobridge.ENOTFOUND, "成果不存在 (achievement %q not found)", ext)
	}
	return s.FindAchievementByID(ctx, list[0].ID)
}

// CreateAchievement publishes an achievement for the caller's organisation
// (or, for staff, for a.OwnerOrgID).
func (s *Service) CreateAchievement(ctx context.Context, a *innobridge.Achievement) error {
	if err := s.ownerForCreate(ctx, &a.Listing); err != nil {
		return err
	}
	if err := a.Validate(); err != nil {
		return err
	}
	a.SearchText = s.Analyzer.SearchText(a.SearchParts()...)
	if err := s.Store.CreateAchievement(ctx, a); err != nil {
		return fmt.Errorf("CreateAchievement(%q): %w", a.Title, err)
	}
	s.changed("achievement", a.ID)
	return s.audit(ctx, "create", "achievement", a.ExternalID, map[string]any{"title": a.Title, "status": a.Status})
}

// UpdateAchievement changes an achievement (owner's members or staff).
// Others get EFORBIDDEN, or ENOTFOUND if they may not see it at all.
func (s *Service) UpdateAchievement(ctx context.Context, id int64, upd innobridge.AchievementUpdate) (*innobridge.Achievement, error) {
	u := innobridge.UserFromContext(ctx)
	a, err := s.Store.FindAchievementByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := s.canEditListing(u, &a.Listing); err != nil {
		if !s.canSeeListing(u, &a.Listing) {
			return nil, innobridge.Errorf(innobridge.ENOTFOUND, "成果不存在 (achievement not found)")
		}
		return nil, err
	}
	if upd.Status != nil {
		if err := checkStatusChange(u, a.Status, *upd.Status); err != nil {
			return nil, err
		}
	}
	next := *a
	next.Apply(upd)
	if err := next.Validate(); err != nil {
		return nil, err
	}
	st := s.Analyzer.SearchText(next.SearchParts()...)
	upd.SearchText = &st
	upd.Keywords, upd.TransferModes = &next.Keywords, &next.TransferModes
	upd.Field, upd.IPType, upd.Negotiable = &next.Field, &next.IPType, &next.Negotiable
	out, err := s.Store.UpdateAchievement(ctx, id, upd)
	if err != nil {
		return nil, fmt.Errorf("UpdateAchievement(%d): %w", id, err)
	}
	s.changed("achievement", id)
	return out, s.audit(ctx, auditAction(upd.Status), "achievement", a.ExternalID, changedFields(upd))
}

// FindDemands lists the demands the caller may see. Teaser demands come
// redacted unless the caller owns them or is staff; private demands are
// listed only to their owner and staff.
func (s *Service) FindDemands(ctx context.Context, f innobridge.ListingFilter) ([]*innobridge.Demand, int, error) {
	u := innobridge.UserFromContext(ctx)
	if !s.prepareFilter(ctx, &f) {
		return nil, 0, nil
	}
	if !u.IsStaff() {
		allowed := []innobridge.Confidentiality{innobridge.ConfPublic, innobridge.ConfTeaser}
		if len(f.Confidentialities) == 0 {
			f.Confidentialities = allowed
		} else {
			f.Confidentialities = slices.DeleteFunc(slices.Clone(f.Confidentialities), func(c innobridge.Confidentiality) bool {
				return !slices.Contains(allowed, c)
			})
			if len(f.Confidentialities) == 0 {
				f.Confidentialities = []innobridge.Confidentiality{"-"}
			}
		}
		if u != nil && u.OrgID != 0 {
			org := u.OrgID
			f.VisibleToOrgID = &org
		}
	}
	list, n, err := s.Store.FindDemands(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	for _, d := range list {
		// Lists never carry confidential text, not even to staff: reading it
		// means opening the demand, which is audited.
		if d.Confidentiality != innobridge.ConfPublic && !ownsOrg(u, d.OwnerOrgID) {
			d.Redact()
		}
	}
	return list, n, nil
}

// FindDemandByID returns a demand if the caller may see it. Others get a
// teaser demand redacted and a private one not at all (ENOTFOUND). Every
// view of a confidential demand, in full or redacted, is audited.
func (s *Service) FindDemandByID(ctx context.Context, id int64) (*innobridge.Demand, error) {
	u := innobridge.UserFromContext(ctx)
	d, err := s.Store.FindDemandByID(ctx, id)
	if err != nil {
		return nil, err
	}
	notFound := innobridge.Errorf(innobridge.ENOTFOUND, "需求不存在或未公开 (demand not found)")
	if !s.canSeeListing(u, &d.Listing) {
		return nil, notFound
	}
	full := u.IsStaff() || ownsOrg(u, d.OwnerOrgID)
	party := false
	if !full && d.Confidentiality != innobridge.ConfPublic {
		if party, err = s.matchedParty(ctx, u, d); err != nil {
			return nil, err
		}
	}
	switch {
	case d.Confidentiality == innobridge.ConfPublic:
	case full:
		if err := s.audit(ctx, "view_confidential", "demand", d.ExternalID, string(d.Confidentiality)); err != nil {
			return nil, err
		}
	case party:
		if err := s.audit(ctx, "view_confidential", "demand", d.ExternalID, string(d.Confidentiality)+", matched party"); err != nil {
			return nil, err
		}
	case d.Confidentiality == innobridge.ConfTeaser:
		// Seeing the teaser is a view of a confidential demand too.
		d.Redact()
		if err := s.audit(ctx, "view_confidential", "demand", d.ExternalID, string(d.Confidentiality)+", redacted"); err != nil {
			return nil, err
		}
	default:
		return nil, notFound
	}
	return d, nil
}

// matchedParty reports whether u belongs to the organisation of an
// achievement paired with d in a disclosing state.
func (s *Service) matchedParty(ctx context.Context, u *innobridge.User, d *innobridge.Demand) (bool, error) {
	if u == nil || u.OrgID == 0 {
		return false, nil
	}
	pairs, _, err := s.Store.FindMatches(ctx, innobridge.MatchFilter{DemandIDs: []int64{d.ID}, Statuses: innobridge.MatchDisclosingStatuses})
	if err != nil {
		return false, err
	}
	for _, m := range pairs {
		a, err := s.Store.FindAchievementByID(ctx, m.AchievementID)
		if innobridge.ErrorCode(err) == innobridge.ENOTFOUND {
			continue
		}
		if err != nil {
			return false, err
		}
		if a.OwnerOrgID == u.OrgID {
			return true, nil
		}
	}
	return false, nil
}

// FindDemandByExternalID is FindDemandByID by external id.
func (s *Service) FindDemandByExternalID(ctx context.Context, ext string) (*innobridge.Demand, error) {
	list, _, err := s.Store.FindDemands(ctx, innobridge.ListingFilter{ExternalID: &ext, Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, innobridge.Errorf(innobridge.ENOTFOUND, "需求不存在 (demand %q not found)", ext)
	}
	return s.FindDemandByID(ctx, list[0].ID)
}

// CreateDemand publishes a demand for the caller's organisation (or, for
// staff, for d.OwnerOrgID).
func (s *Service) CreateDemand(ctx context.Context, d *innobridge.Demand) error {
	if err := s.ownerForCreate(ctx, &d.Listing); err != nil {
		return err
	}
	if err := d.Validate(); err != nil {
		return err
	}
	d.SearchText = s.Analyzer.SearchText(d.SearchParts()...)
	if err := s.Store.CreateDemand(ctx, d); err != nil {
		return fmt.Errorf("CreateDemand(%q): %w", d.Title, err)
	}
	s.changed("demand", d.ID)
	return s.audit(ctx, "create", "demand", d.ExternalID, map[string]any{"title": d.Title, "confidentiality": d.Confidentiality})
}

// UpdateDemand changes a demand (owner's members or staff).
func (s *Service) UpdateDemand(ctx context.Context, id int64, upd innobridge.DemandUpdate) (*innobridge.Demand, error) {
	u := innobridge.UserFromContext(ctx)
	d, err := s.Store.FindDemandByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := s.canEditListing(u, &d.Listing); err != nil {
		if !s.canSeeListing(u, &d.Listing) || d.Confidentiality == innobridge.ConfPrivate {
			return nil, innobridge.Errorf(innobridge.ENOTFOUND, "需求不存在 (demand not found)")
		}
		return nil, err
	}
	if upd.Status != nil {
		if err := checkStatusChange(u, d.Status, *upd.Status); err != nil {
			return nil, err
		}
	}
	next := *d
	next.Apply(upd)
	if err := next.Validate(); err != nil {
		return nil, err
	}
	st := s.Analyzer.SearchText(next.SearchParts()...)
	upd.SearchText = &st
	upd.Keywords, upd.CoopModes, upd.Field, upd.Confidentiality = &next.Keywords, &next.CoopModes, &next.Field, &next.Confidentiality
	out, err := s.Store.UpdateDemand(ctx, id, upd)
	if err != nil {
		return nil, fmt.Errorf("UpdateDemand(%d): %w", id, err)
	}
	s.changed("demand", id)
	return out, s.audit(ctx, auditAction(upd.Status), "demand", d.ExternalID, changedFields(upd))
}

func auditAction(st *innobridge.Status) string {
	if st == nil {
		return "update"
	}
	switch *st {
	case innobridge.StatusWithdrawn:
		return "withdraw"
	case innobridge.StatusSuspended:
		return "suspend"
	case innobridge.StatusPublished:
		return "publish"
	}
	return "update"
}
