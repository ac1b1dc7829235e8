package service

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/innobridge/innobridge"
	"github.com/innobridge/innobridge/policy"
	"github.com/innobridge/innobridge/tier"
)

// The policy calculator's use cases: enterprises (members of their own
// organisation) and staff keep an enterprise's yearly indicators and
// profile; members and staff evaluate it against every rule set and local
// policy in force; staff see each policy's 免申即享 list and the tier
// pipeline. Indicators are commercial data: nobody else reads them.

// ExpiryWindow is how many days before its last day a recognition is
// flagged as expiring.
const ExpiryWindow = 90

// catalog returns the rule sets and local policies.
func (s *Service) catalog() (*policy.Catalog, error) {
	s.catalogOnce.Do(func() {
		if s.Catalog == nil {
			s.Catalog, s.catalogErr = policy.Default()
		}
	})
	return s.Catalog, s.catalogErr
}

// enterpriseFor returns the organisation orgID when u may read (write
// false) or change (write true) its indicators: staff, or a member of it
// (changing needs the member role). The organisation must be an
// enterprise.
func (s *Service) enterpriseFor(ctx context.Context, orgID int64, write bool) (*innobridge.User, *innobridge.Organization, error) {
	u, err := requireUser(ctx)
	if err != nil {
		return nil, nil, err
	}
	if !u.IsStaff() {
		if !ownsOrg(u, orgID) {
			return nil, nil, innobridge.Errorf(innobridge.EFORBIDDEN, "只能查看本企业的指标 (you may see your own enterprise's indicators only)")
		}
		if write && u.Role != innobridge.RoleMember {
			return nil, nil, innobridge.Errorf(innobridge.EFORBIDDEN, "只能修改本企业的指标 (you may edit your own enterprise's indicators only)")
		}
	}
	o, err := s.Store.FindOrganizationByID(ctx, orgID)
	if err != nil {
		return nil, nil, err
	}
	if o.Kind != innobridge.OrgEnterprise {
		return nil, nil, innobridge.Errorf(innobridge.EINVALID, "%s 不是企业，没有企业指标 (only enterprises have indicators)", o.Name)
	}
	return u, o, nil
}

// FindEnterpriseIndicators returns what is stored for enterprise orgID
// (empty indicators when nothing is). Members of it and staff only:
// EFORBIDDEN otherwise, ENOTFOUND, EINVALID for a non-enterprise.
func (s *Service) FindEnterpriseIndicators(ctx context.Context, orgID int64) (*innobridge.EnterpriseIndicators, error) {
	if _, _, err := s.enterpriseFor(ctx, orgID, false); err != nil {
		return nil, err
	}
	return s.storedIndicators(ctx, orgID)
}

func (s *Service) storedIndicators(ctx context.Context, orgID int64) (*innobridge.EnterpriseIndicators, error) {
	list, err := s.Store.FindEnterpriseIndicators(ctx, []int64{orgID})
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return &innobridge.EnterpriseIndicators{OrgID: orgID}, nil
	}
	return list[0], nil
}

// ValidateYear checks one year's figures and returns an EINVALID *Error
// naming each bad field by its JSON name ("st_staff"), with record as the
// error's Record.
func ValidateYear(y *innobridge.YearFigures, record string) error {
	in := innobridge.Indicators{ID: "x", Region: "110101", Years: []innobridge.YearFigures{*y}}
	err := in.Validate(record)
	var e *innobridge.Error
	if !errors.As(err, &e) {
		return err
	}
	fields := map[string]innobridge.FieldError{}
	for k, v := range e.Fields {
		fields[strings.TrimPrefix(k, "years[0].")] = v
	}
	e.Fields = fields
	return e
}

// validateProfile checks a profile as the calculator would read it.
func validateProfile(p *innobridge.EnterpriseProfile, record string) error {
	e := &innobridge.EnterpriseIndicators{Profile: *p}
	in := e.Indicators(&innobridge.Organization{ExternalID: "x", Region: "110101"})
	return in.Validate(record)
}

// PutEnterpriseYear stores one fiscal year's figures of enterprise orgID
// and returns the fields that changed. Staff, or a member of the
// enterprise: EFORBIDDEN otherwise; EINVALID names bad fields. Audited.
func (s *Service) PutEnterpriseYear(ctx context.Context, orgID int64, y innobridge.YearFigures) ([]*innobridge.IndicatorChange, error) {
	u, o, err := s.enterpriseFor(ctx, orgID, true)
	if err != nil {
		return nil, err
	}
	if err := ValidateYear(&y, fmt.Sprintf("%s %d", o.ExternalID, y.Year)); err != nil {
		return nil, err
	}
	changes, err := s.Store.PutEnterpriseYears(ctx, u.ID, []innobridge.EnterpriseYear{{OrgID: orgID, Figures: y}})
	if err != nil {
		return nil, fmt.Errorf("PutEnterpriseYear(%d, %d): %w", orgID, y.Year, err)
	}
	if len(changes) == 0 {
		return nil, nil
	}
	if err := s.audit(ctx, "update", "indicators", o.ExternalID, map[string]any{"year": y.Year, "fields": changeFields(changes)}); err != nil {
		return changes, err
	}
	s.notifyOrgs(ctx, orgID)
	return changes, nil
}

// DeleteEnterpriseYear removes one fiscal year's figures; as
// PutEnterpriseYear, and ENOTFOUND when there are none.
func (s *Service) DeleteEnterpriseYear(ctx context.Context, orgID int64, year int) error {
	u, o, err := s.enterpriseFor(ctx, orgID, true)
	if err != nil {
		return err
	}
	if _, err := s.Store.DeleteEnterpriseYear(ctx, u.ID, orgID, year); err != nil {
		return fmt.Errorf("DeleteEnterpriseYear(%d, %d): %w", orgID, year, err)
	}
	return s.audit(ctx, "delete", "indicators", o.ExternalID, map[string]any{"year": year})
}

// PutEnterpriseProfile replaces the profile of enterprise orgID: IP,
// recognitions, awards and the other facts that are not yearly figures.
// As PutEnterpriseYear.
func (s *Service) PutEnterpriseProfile(ctx context.Context, orgID int64, p *innobridge.EnterpriseProfile) ([]*innobridge.IndicatorChange, error) {
	u, o, err := s.enterpriseFor(ctx, orgID, true)
	if err != nil {
		return nil, err
	}
	if err := validateProfile(p, o.ExternalID); err != nil {
		return nil, err
	}
	changes, err := s.Store.PutEnterpriseProfile(ctx, u.ID, orgID, p)
	if err != nil {
		return nil, fmt.Errorf("PutEnterpriseProfile(%d): %w", orgID, err)
	}
	if len(changes) == 0 {
		return nil, nil
	}
	if err := s.audit(ctx, "update", "indicators", o.ExternalID, map[string]any{"profile": true, "fields": changeFields(changes)}); err != nil {
		return changes, err
	}
	s.notifyOrgs(ctx, orgID)
	return changes, nil
}

// AddRecognition adds a recognition (a tier or honour with its number and
// dates) to enterprise orgID's profile. As PutEnterpriseProfile.
func (s *Service) AddRecognition(ctx context.Context, orgID int64, r innobridge.Recognition) ([]*innobridge.IndicatorChange, error) {
	if _, _, err := s.enterpriseFor(ctx, orgID, true); err != nil {
		return nil, err
	}
	stored, err := s.storedIndicators(ctx, orgID)
	if err != nil {
		return nil, err
	}
	p := stored.Profile
	p.Recognitions = append(append([]innobridge.Recognition(nil), p.Recognitions...), r)
	return s.PutEnterpriseProfile(ctx, orgID, &p)
}

func changeFields(list []*innobridge.IndicatorChange) []string {
	out := make([]string, len(list))
	for i, c := range list {
		out[i] = c.Field
	}
	return out
}

// FindIndicatorChanges returns the history of enterprise orgID's
// indicators, newest first. Members of it and staff only.
func (s *Service) FindIndicatorChanges(ctx context.Context, orgID int64, offset, limit int) ([]*innobridge.IndicatorChange, int, error) {
	if _, _, err := s.enterpriseFor(ctx, orgID, false); err != nil {
		return nil, 0, err
	}
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	return s.Store.FindIndicatorChanges(ctx, innobridge.IndicatorChangeFilter{OrgID: &orgID, Offset: offset, Limit: limit})
}

// ImportIndicators stores many enterprises' yearly figures at once, all or
// nothing (staff only). Each row is validated again; EINVALID names the
// first bad row. Audited as one import.
func (s *Service) ImportIndicators(ctx context.Context, name string, rows []innobridge.EnterpriseYear) (int, error) {
	u, err := requireStaff(ctx)
	if err != nil {
		return 0, err
	}
	for i := range rows {
		if err := ValidateYear(&rows[i].Figures, fmt.Sprintf("row %d", i+2)); err != nil {
			return 0, err
		}
	}
	changes, err := s.Store.PutEnterpriseYears(ctx, u.ID, rows)
	if err != nil {
		return 0, fmt.Errorf("ImportIndicators(%q): %w", name, err)
	}
	if err := s.audit(ctx, "import", "indicators", name, map[string]any{"rows": len(rows), "changes": len(changes)}); err != nil {
		return len(rows), err
	}
	seen := map[int64]bool{}
	var ids []int64
	for _, r := range rows {
		if !seen[r.OrgID] {
			seen[r.OrgID] = true
			ids = append(ids, r.OrgID)
		}
	}
	s.notifyOrgs(ctx, ids...)
	return len(rows), nil
}

// TierStatus is one rung of the cultivation ladder for one enterprise.
type TierStatus struct {
	Tier tier.Tier `json:"tier"`
	// Held is the recognition of the tier in force on the date, if any.
	Held *innobridge.Recognition `json:"held,omitempty"`
	// LastDay is Held's last valid day; Expiring is set when it falls
	// within ExpiryWindow days.
	LastDay  *innobridge.Date `json:"last_day,omitempty"`
	Expiring bool             `json:"expiring,omitempty"`
	// Result is the evaluation under the rule set in force; nil when no
	// version is in force on the date (Missing says why).
	Result  *policy.Result `json:"result,omitempty"`
	Missing string         `json:"missing,omitempty"`
}

// Evaluation is an enterprise evaluated on one date: each tier of the
// ladder with pass/fail, score, trace and gaps, the next tier to aim for,
// every local policy in force with its estimated amount, and its
// recognitions.
type Evaluation struct {
	Org        *innobridge.Organization         `json:"organization"`
	AsOf       innobridge.Date                  `json:"as_of"`
	FiscalYear int                              `json:"fiscal_year"` // the latest fiscal year the rules read
	Stored     *innobridge.EnterpriseIndicators `json:"indicators"`
	Tiers      []TierStatus                     `json:"tiers"`
	// Next is the index in Tiers of the lowest tier neither held nor
	// passed, -1 when there is none.
	Next         int             `json:"next"`
	Policies     []policy.Result `json:"policies"`
	Recognitions []tier.Entry    `json:"recognitions"`
}

// Evaluate evaluates enterprise orgID on asOf (today when zero) against
// every tier's rule set in force and every local policy active then.
// Members of it and staff only.
func (s *Service) Evaluate(ctx context.Context, orgID int64, asOf innobridge.Date) (*Evaluation, error) {
	return s.EvaluateRecorded(ctx, orgID, asOf, nil)
}

// EvaluateRecorded is Evaluate on the indicators as they were recorded
// just before the time recorded (nil: as they are now), rebuilt from the
// history of changes, so that an earlier evaluation can be reproduced.
func (s *Service) EvaluateRecorded(ctx context.Context, orgID int64, asOf innobridge.Date, recorded *time.Time) (*Evaluation, error) {
	_, o, err := s.enterpriseFor(ctx, orgID, false)
	if err != nil {
		return nil, err
	}
	cat, err := s.catalog()
	if err != nil {
		return nil, err
	}
	if asOf.IsZero() {
		asOf = s.today()
	}
	stored, err := s.storedIndicators(ctx, orgID)
	if err != nil {
		return nil, err
	}
	if recorded != nil {
		changes, _, err := s.Store.FindIndicatorChanges(ctx, innobridge.IndicatorChangeFilter{OrgID: &orgID, Since: recorded})
		if err != nil {
			return nil, err
		}
		if stored, err = stored.AsRecorded(changes); err != nil {
			return nil, fmt.Errorf("EvaluateRecorded(%d, %v): %w", orgID, recorded, err)
		}
	}
	in := stored.Indicators(o)
	ev := &Evaluation{Org: o, AsOf: asOf, FiscalYear: asOf.Year() - 1, Stored: stored, Next: -1,
		Recognitions: tier.Registry([]*innobridge.Indicators{in}, asOf, ExpiryWindow)}
	for _, t := range tier.Ladder {
		st := TierStatus{Tier: t}
		for i := range in.Recognitions {
			r := &in.Recognitions[i]
			if oneOfKinds(r.Kind, t.Kinds) && r.ValidOn(asOf) {
				st.Held = r
				if d, ok := r.LastDay(); ok {
					st.LastDay = &d
					st.Expiring = d.Sub(asOf.Time).Hours()/24 <= ExpiryWindow
				}
			}
		}
		rs, err := cat.RuleSet(t.Rule, asOf)
		if err != nil {
			if innobridge.ErrorCode(err) != innobridge.ENOTFOUND {
				return nil, err
			}
			st.Missing = fmt.Sprintf("%s 在 %s 没有有效的评价办法 (no rule set in force)", t.Title, asOf)
		} else {
			r := policy.Evaluate(in, rs, asOf)
			st.Result = &r
			if ev.Next < 0 && st.Held == nil && !r.Eligible {
				ev.Next = len(ev.Tiers)
			}
		}
		ev.Tiers = append(ev.Tiers, st)
	}
	for _, p := range cat.Policies() {
		if p.ActiveOn(asOf) {
			ev.Policies = append(ev.Policies, policy.EvaluatePolicy(in, p, asOf))
		}
	}
	return ev, nil
}

func oneOfKinds(k string, kinds []string) bool {
	for _, x := range kinds {
		if x == k {
			return true
		}
	}
	return false
}

// enterprises loads every enterprise with stored indicators as the
// calculator's input, in organisation id order, and the organisations by
// external id.
func (s *Service) enterprises(ctx context.Context) ([]*innobridge.Indicators, map[string]*innobridge.Organization, error) {
	kind := innobridge.OrgEnterprise
	orgs, _, err := s.Store.FindOrganizations(ctx, innobridge.OrganizationFilter{Kind: &kind})
	if err != nil {
		return nil, nil, err
	}
	byID := make(map[int64]*innobridge.Organization, len(orgs))
	for _, o := range orgs {
		byID[o.ID] = o
	}
	stored, err := s.Store.FindEnterpriseIndicators(ctx, nil)
	if err != nil {
		return nil, nil, err
	}
	ents := make([]*innobridge.Indicators, 0, len(stored))
	byExt := make(map[string]*innobridge.Organization, len(stored))
	for _, e := range stored {
		o := byID[e.OrgID]
		if o == nil {
			continue
		}
		ents = append(ents, e.Indicators(o))
		byExt[o.ExternalID] = o
	}
	return ents, byExt, nil
}

// PolicyList is every local policy's 免申即享 list on one date.
type PolicyList struct {
	AsOf innobridge.Date    `json:"as_of"`
	Runs []PolicyRunSummary `json:"policies"`
	// Orgs are the qualifying organisations by external id (Payee.ID).
	Orgs map[string]*innobridge.Organization `json:"-"`
}

// PolicyRunSummary is one policy's list with its period and whether it is
// active on the date.
type PolicyRunSummary struct {
	policy.PolicyRun
	From   innobridge.Date `json:"from"`
	Until  innobridge.Date `json:"until"`
	Active bool            `json:"active"`
}

// PolicyRuns evaluates every enterprise with indicators against every local
// policy on asOf (today when zero): per policy, the qualifying enterprises
// with estimated amounts and the total against the budget. Staff only.
func (s *Service) PolicyRuns(ctx context.Context, asOf innobridge.Date, traces bool) (*PolicyList, error) {
	if _, err := requireStaff(ctx); err != nil {
		return nil, err
	}
	cat, err := s.catalog()
	if err != nil {
		return nil, err
	}
	if asOf.IsZero() {
		asOf = s.today()
	}
	ents, orgs, err := s.enterprises(ctx)
	if err != nil {
		return nil, err
	}
	pols := cat.Policies()
	runs := policy.RunPolicies(ents, pols, asOf, policy.RunOptions{Traces: traces})
	out := &PolicyList{AsOf: asOf, Orgs: orgs}
	for i, r := range runs {
		p := pols[i]
		out.Runs = append(out.Runs, PolicyRunSummary{PolicyRun: r, From: p.From, Until: p.Until, Active: p.ActiveOn(asOf)})
	}
	return out, nil
}

// PipelineTier is one tier's candidates.
type PipelineTier struct {
	Tier       tier.Tier        `json:"tier"`
	Holders    int              `json:"holders"`
	Candidates []tier.Candidate `json:"candidates"`
	Missing    string           `json:"missing,omitempty"` // no rule set in force
}

// Pipeline is the cultivation pipeline on one date.
type Pipeline struct {
	AsOf     innobridge.Date `json:"as_of"`
	Tiers    []PipelineTier  `json:"tiers"`
	Expiring []tier.Entry    `json:"expiring"`
	Counts   []tier.Count    `json:"counts"` // by tier and county
	// Over counts holders of each tier at the end of each of the last
	// three years and on the date itself.
	Over []tier.Snapshot                     `json:"over"`
	Orgs map[string]*innobridge.Organization `json:"-"`
}

// Pipeline returns, for asOf (today when zero), each tier's candidates
// closest first (at most limit each; 0 means 50), including holders whose
// title expires within ExpiryWindow days, the recognitions expiring within
// ExpiryWindow days, and counts by tier and county. Staff only.
func (s *Service) Pipeline(ctx context.Context, asOf innobridge.Date, limit int) (*Pipeline, error) {
	if _, err := requireStaff(ctx); err != nil {
		return nil, err
	}
	cat, err := s.catalog()
	if err != nil {
		return nil, err
	}
	if asOf.IsZero() {
		asOf = s.today()
	}
	if limit <= 0 {
		limit = 50
	}
	ents, orgs, err := s.enterprises(ctx)
	if err != nil {
		return nil, err
	}
	p := &Pipeline{AsOf: asOf, Orgs: orgs, Expiring: tier.ExpiringSoon(ents, asOf, ExpiryWindow),
		Counts: tier.Counts(ents, asOf, tier.Grouping{RegionDigits: 6})}
	p.Over = tier.CountsOver(ents, append(tier.YearEnds(asOf.Year()-3, asOf.Year()-1), asOf), tier.Grouping{})
	held := map[string]int{}
	for _, c := range tier.Counts(ents, asOf, tier.Grouping{}) {
		held[c.Tier] = c.N
	}
	for _, t := range tier.Ladder {
		pt := PipelineTier{Tier: t, Holders: held[t.Rule]}
		cands, err := tier.Candidates(cat, ents, t.Rule, asOf, tier.CandidateOptions{RenewWithin: ExpiryWindow, Limit: limit})
		if err != nil {
			if innobridge.ErrorCode(err) != innobridge.ENOTFOUND {
				return nil, err
			}
			pt.Missing = fmt.Sprintf("%s 在 %s 没有有效的评价办法 (no rule set in force)", t.Title, asOf)
		}
		pt.Candidates = cands
		p.Tiers = append(p.Tiers, pt)
	}
	return p, nil
}

// EvaluateAll evaluates every enterprise with indicators on asOf (today
// when zero) against every tier's rule set in force and every local policy
// active then, one policy.Line per enterprise in organisation order, for
// the evaluation workbook. Staff only.
func (s *Service) EvaluateAll(ctx context.Context, asOf innobridge.Date) ([]policy.Line, map[string]*innobridge.Organization, error) {
	if _, err := requireStaff(ctx); err != nil {
		return nil, nil, err
	}
	cat, err := s.catalog()
	if err != nil {
		return nil, nil, err
	}
	if asOf.IsZero() {
		asOf = s.today()
	}
	var names []string
	for _, t := range tier.Ladder {
		if _, err := cat.RuleSet(t.Rule, asOf); err == nil {
			names = append(names, t.Rule)
		}
	}
	for _, p := range cat.Policies() {
		if p.ActiveOn(asOf) {
			names = append(names, p.Name)
		}
	}
	ev, err := cat.Evaluator(names, asOf)
	if err != nil {
		return nil, nil, err
	}
	ents, orgs, err := s.enterprises(ctx)
	if err != nil {
		return nil, nil, err
	}
	lines := make([]policy.Line, len(ents))
	for i, e := range ents {
		lines[i] = policy.Line{ID: e.ID, Results: ev.Evaluate(e)}
	}
	return lines, orgs, nil
}
