package sqldb

import (
	"context"
	"fmt"
	"strings"

	"github.com/innobridge/innobridge"
)

// listingCols are the columns achievements and demands share, in the
// order of listingValues.
var listingCols = []string{"external_id", "title", "description", "keywords", "field", "region", "owner_org_id",
	"status", "expires_at", "created_by", "created_at", "updated_at", "search_text"}

// listingKeep are the columns an update or an upsert of a listing keeps.
var listingKeep = []string{"external_id", "created_by", "created_at"}

var achievements = table{
	name: "achievements",
	cols: append(append([]string(nil), listingCols...), "trl", "ip_type", "ip_numbers", "transfer_modes", "price_yuan", "negotiable"),
	keep: listingKeep,
}

var demands = table{
	name: "demands",
	cols: append(append([]string(nil), listingCols...), "teaser", "budget_min_yuan", "budget_max_yuan", "deadline",
		"coop_modes", "trl_min", "confidentiality"),
	keep: listingKeep,
}

func listingValues(l *innobridge.Listing) []any {
	return []any{nullString(l.ExternalID), l.Title, l.Description, jsonValue(l.Keywords), l.Field, l.Region, idValue(l.OwnerOrgID),
		string(l.Status), dateValue(l.ExpiresAt), l.CreatedBy, timeValue(l.CreatedAt), timeValue(l.UpdatedAt), l.SearchText}
}

func listingDest(l *innobridge.Listing) []any {
	return []any{&l.ExternalID, &l.Title, &l.Description, jsonScan[string]{&l.Keywords}, &l.Field, &l.Region, idScan{&l.OwnerOrgID},
		&l.Status, dateScan{&l.ExpiresAt}, &l.CreatedBy, timeScan{&l.CreatedAt}, timeScan{&l.UpdatedAt}, &l.SearchText}
}

func listingFacts(l *innobridge.Listing) map[string]any {
	return map[string]any{"external_id": l.ExternalID, "owner_org_id": l.OwnerOrgID, "status": l.Status, "title": l.Title}
}

func achievementValues(a *innobridge.Achievement) []any {
	return append(listingValues(&a.Listing), a.TRL, string(a.IPType), jsonValue(a.IPNumbers), jsonValue(a.TransferModes),
		int64PtrValue(a.PriceYuan), a.Negotiable)
}

func achievementFacts(a *innobridge.Achievement) map[string]any {
	m := listingFacts(&a.Listing)
	m["trl"] = a.TRL
	return m
}

func demandValues(d *innobridge.Demand) []any {
	return append(listingValues(&d.Listing), d.Teaser, int64PtrValue(d.BudgetMinYuan), int64PtrValue(d.BudgetMaxYuan),
		dateValue(d.Deadline), jsonValue(d.CoopModes), d.TRLMin, string(d.Confidentiality))
}

func demandFacts(d *innobridge.Demand) map[string]any {
	m := listingFacts(&d.Listing)
	m["trl_min"], m["confidentiality"] = d.TRLMin, d.Confidentiality
	return m
}

// listingSelect is the select list of t: "t.id", its columns, then the
// owner's external id and name.
func listingSelect(t table) string {
	var b strings.Builder
	b.WriteString("t.id")
	for _, c := range t.cols {
		b.WriteString(", t.")
		b.WriteString(c)
	}
	b.WriteString(", COALESCE(o.external_id, ''), COALESCE(o.name, '')")
	return b.String()
}

var (
	achievementSelect = listingSelect(achievements)
	demandSelect      = listingSelect(demands)
)

func achievementDest() (*innobridge.Achievement, []any) {
	a := &innobridge.Achievement{}
	ptrs := append([]any{&a.ID}, listingDest(&a.Listing)...)
	return a, append(ptrs, &a.TRL, &a.IPType, jsonScan[string]{&a.IPNumbers}, jsonScan[innobridge.Mode]{&a.TransferModes},
		int64PtrScan{&a.PriceYuan}, &a.Negotiable, &a.OwnerOrg, &a.OwnerName)
}

func demandDest() (*innobridge.Demand, []any) {
	d := &innobridge.Demand{}
	ptrs := append([]any{&d.ID}, listingDest(&d.Listing)...)
	return d, append(ptrs, &d.Teaser, int64PtrScan{&d.BudgetMinYuan}, int64PtrScan{&d.BudgetMaxYuan}, dateScan{&d.Deadline},
		jsonScan[innobridge.Mode]{&d.CoopModes}, &d.TRLMin, &d.Confidentiality, &d.OwnerOrg, &d.OwnerName)
}

// listingQuery builds the query for f over t, whose modes are in the JSON
// column modeCol.
func (s *Store) listingQuery(t table, sel, modeCol string, f innobridge.ListingFilter) (*selectQuery, error) {
	q := &selectQuery{cols: sel, from: t.name + " t", colJoins: "LEFT JOIN organizations o ON o.id = t.owner_org_id",
		offset: f.Offset, limit: f.Limit}
	if len(f.IDs) > 0 {
		cond, args := inList("t.id", f.IDs)
		q.and(cond, args...)
	}
	if f.ExternalID != nil {
		q.and("t.external_id = ?", *f.ExternalID)
	}
	if f.OwnerOrgID != nil {
		q.and("t.owner_org_id = ?", *f.OwnerOrgID)
	}
	if f.Field != nil {
		q.and("t.field = ?", *f.Field)
	}
	if f.Region != nil {
		q.and(`t.region LIKE ? ESCAPE '\'`, likeEscape(*f.Region)+"%")
	}
	if f.Mode != nil {
		q.and(s.d.JSONContains("t."+modeCol), string(*f.Mode))
	}
	if t.name == achievements.name {
		if f.TRLMin != nil {
			q.and("t.trl >= ?", *f.TRLMin)
		}
		if f.TRLMax != nil {
			q.and("t.trl <= ?", *f.TRLMax)
		}
	}
	if len(f.Statuses) > 0 {
		cond, args := inList("t.status", strs(f.Statuses))
		q.and(cond, args...)
	}
	if f.ActiveOn != nil {
		q.and("(t.expires_at IS NULL OR t.expires_at >= ?)", f.ActiveOn.String())
	}
	if f.UpdatedSince != nil {
		q.and("t.updated_at >= ?", timeValue(*f.UpdatedSince))
	}
	if f.After != nil {
		at := timeValue(f.After.UpdatedAt)
		q.and("(t.updated_at > ? OR t.updated_at = ? AND t.id > ?)", at, at, f.After.ID)
	}
	q.noTotal = f.NoTotal
	if t.name == demands.name && len(f.Confidentialities) > 0 {
		cond, args := inList("t.confidentiality", strs(f.Confidentialities))
		if f.VisibleToOrgID != nil {
			cond = "(" + cond + " OR t.owner_org_id = ?)"
			args = append(args, *f.VisibleToOrgID)
		}
		q.and(cond, args...)
	}
	var terms []string
	for _, term := range f.SearchTerms {
		if term = strings.TrimSpace(term); term != "" {
			terms = append(terms, term)
		}
	}
	recent := "t.created_at DESC, t.id DESC"
	q.order = recent
	if len(terms) > 0 {
		fts := s.d.Search(t.name, terms)
		if fts.From != "" {
			q.from = fts.From
		}
		if fts.Join != "" {
			q.from += " " + fts.Join
		}
		q.and(fts.Where, fts.WhereArgs...)
		if f.Sort == "" || f.Sort == "relevance" {
			q.order, q.orderArgs = fts.Rank+", "+recent, fts.RankArgs
		}
	}
	switch f.Sort {
	case "", "recent", "relevance":
	case "title":
		q.order = "t.title" + s.d.CodePoint + ", t.id"
	case "expires":
		q.order = "t.expires_at ASC NULLS LAST, t.id"
	case "updated":
		q.order = "t.updated_at, t.id"
	default:
		return nil, innobridge.Errorf(innobridge.EINVALID, "unknown sort %q (recent, relevance, title, expires or updated)", f.Sort)
	}
	return q, nil
}

func strs[T ~string](list []T) []string {
	out := make([]string, len(list))
	for i, v := range list {
		out[i] = string(v)
	}
	return out
}

// FindAchievementByID returns ENOTFOUND if there is none.
func (s *Store) FindAchievementByID(ctx context.Context, id int64) (_ *innobridge.Achievement, err error) {
	defer wrap(&err, "FindAchievementByID(%d)", id)
	return s.findAchievementByID(ctx, s.reader(), id)
}

func (s *Store) findAchievementByID(ctx context.Context, db dbq, id int64) (*innobridge.Achievement, error) {
	q, err := s.listingQuery(achievements, achievementSelect, "transfer_modes", innobridge.ListingFilter{IDs: []int64{id}})
	if err != nil {
		return nil, err
	}
	a, ok, err := findOne(ctx, db, q, achievementDest)
	if err == nil && !ok {
		err = notFound("achievement %d", id)
	}
	return a, err
}

// FindAchievements returns a page and the total count of matches, newest
// first, or best match first when searching, unless f.Sort says
// otherwise. Demand-only fields of f are ignored.
func (s *Store) FindAchievements(ctx context.Context, f innobridge.ListingFilter) (_ []*innobridge.Achievement, _ int, err error) {
	defer wrap(&err, "FindAchievements(%+v)", f)
	q, err := s.listingQuery(achievements, achievementSelect, "transfer_modes", f)
	if err != nil {
		return nil, 0, err
	}
	return findPage(ctx, s.reader(), q, achievementDest)
}

// CreateAchievement sets a.ID and times; ECONFLICT on a duplicate external
// id. An empty ExternalID is set to "ach-<ID>".
func (s *Store) CreateAchievement(ctx context.Context, a *innobridge.Achievement) (err error) {
	defer wrap(&err, "CreateAchievement(%q)", a.ExternalID)
	now := s.Now()
	a.CreatedAt, a.UpdatedAt = now, now
	return s.transact(ctx, func(tx dbq) error {
		id, ext, err := insertReturningID(ctx, tx, achievements, achievementValues(a), "ach", a.ExternalID)
		if err != nil {
			return s.conflict(err, a.ExternalID, achievementFacts(a))
		}
		a.ID, a.ExternalID = id, ext
		return s.fillOwner(ctx, tx, &a.Listing)
	})
}

// fillOwner sets the read-only owner fields of l.
func (s *Store) fillOwner(ctx context.Context, tx dbq, l *innobridge.Listing) error {
	l.OwnerOrg, l.OwnerName = "", ""
	if l.OwnerOrgID == 0 {
		return nil
	}
	err := tx.queryRow(ctx, "SELECT external_id, name FROM organizations WHERE id = ?", l.OwnerOrgID).Scan(&l.OwnerOrg, &l.OwnerName)
	if err != nil {
		return fmt.Errorf("reading owner %d: %w", l.OwnerOrgID, err)
	}
	return nil
}

// UpdateAchievement applies upd; ENOTFOUND if missing.
func (s *Store) UpdateAchievement(ctx context.Context, id int64, upd innobridge.AchievementUpdate) (_ *innobridge.Achievement, err error) {
	defer wrap(&err, "UpdateAchievement(%d)", id)
	var a *innobridge.Achievement
	err = s.transact(ctx, func(tx dbq) error {
		var err error
		if a, err = s.findAchievementByID(ctx, tx, id); err != nil {
			return err
		}
		a.Apply(upd)
		a.UpdatedAt = s.Now()
		_, err = tx.exec(ctx, achievements.updateSQL(), achievements.updateArgs(achievementValues(a), id)...)
		return s.conflict(err, a.ExternalID, achievementFacts(a))
	})
	return a, err
}

// FindDemandByID returns ENOTFOUND if there is none.
func (s *Store) FindDemandByID(ctx context.Context, id int64) (_ *innobridge.Demand, err error) {
	defer wrap(&err, "FindDemandByID(%d)", id)
	return s.findDemandByID(ctx, s.reader(), id)
}

func (s *Store) findDemandByID(ctx context.Context, db dbq, id int64) (*innobridge.Demand, error) {
	q, err := s.listingQuery(demands, demandSelect, "coop_modes", innobridge.ListingFilter{IDs: []int64{id}})
	if err != nil {
		return nil, err
	}
	d, ok, err := findOne(ctx, db, q, demandDest)
	if err == nil && !ok {
		err = notFound("demand %d", id)
	}
	return d, err
}

// FindDemands returns a page and the total count of matches, ordered as
// FindAchievements. Confidentialities with VisibleToOrgID select demands
// whose level is listed or that the organisation owns. TRLMin and TRLMax
// are ignored.
func (s *Store) FindDemands(ctx context.Context, f innobridge.ListingFilter) (_ []*innobridge.Demand, _ int, err error) {
	defer wrap(&err, "FindDemands(%+v)", f)
	q, err := s.listingQuery(demands, demandSelect, "coop_modes", f)
	if err != nil {
		return nil, 0, err
	}
	return findPage(ctx, s.reader(), q, demandDest)
}

// CreateDemand sets d.ID and times; ECONFLICT on a duplicate external id.
// An empty ExternalID is set to "dem-<ID>".
func (s *Store) CreateDemand(ctx context.Context, d *innobridge.Demand) (err error) {
	defer wrap(&err, "CreateDemand(%q)", d.ExternalID)
	now := s.Now()
	d.CreatedAt, d.UpdatedAt = now, now
	return s.transact(ctx, func(tx dbq) error {
		id, ext, err := insertReturningID(ctx, tx, demands, demandValues(d), "dem", d.ExternalID)
		if err != nil {
			return s.conflict(err, d.ExternalID, demandFacts(d))
		}
		d.ID, d.ExternalID = id, ext
		return s.fillOwner(ctx, tx, &d.Listing)
	})
}

// UpdateDemand applies upd; ENOTFOUND if missing.
func (s *Store) UpdateDemand(ctx context.Context, id int64, upd innobridge.DemandUpdate) (_ *innobridge.Demand, err error) {
	defer wrap(&err, "UpdateDemand(%d)", id)
	var d *innobridge.Demand
	err = s.transact(ctx, func(tx dbq) error {
		var err error
		if d, err = s.findDemandByID(ctx, tx, id); err != nil {
			return err
		}
		d.Apply(upd)
		d.UpdatedAt = s.Now()
		_, err = tx.exec(ctx, demands.updateSQL(), demands.updateArgs(demandValues(d), id)...)
		return s.conflict(err, d.ExternalID, demandFacts(d))
	})
	return d, err
}
