package sqldb

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/innobridge/innobridge"
)

// Enterprise indicators: one enterprise_years row per organisation and
// fiscal year, one enterprise_profiles row (a JSON document) per
// organisation, and indicator_changes, one row per changed field.

var enterpriseYears = table{
	name: "enterprise_years",
	cols: []string{"org_id", "year", "staff", "st_staff", "rd_staff", "revenue", "main_revenue", "total_income",
		"hightech_income", "total_costs", "total_assets", "total_liabilities", "net_profit", "rd_expense",
		"rd_expense_domestic", "equity_financing", "conversions", "updated_by", "updated_at"},
}

func enterpriseYearValues(orgID int64, y *innobridge.YearFigures, by int64, at string) []any {
	return []any{orgID, y.Year, y.Staff, y.STStaff, y.RDStaff, y.Revenue, y.MainRevenue, y.TotalIncome,
		y.HighTechIncome, y.TotalCosts, y.TotalAssets, y.TotalLiabilities, y.NetProfit, y.RDExpense,
		int64PtrValue(y.RDExpenseDomestic), y.EquityFinancing, y.Conversions, by, at}
}

const enterpriseYearCols = `y.org_id, y.year, y.staff, y.st_staff, y.rd_staff, y.revenue, y.main_revenue, y.total_income,
	y.hightech_income, y.total_costs, y.total_assets, y.total_liabilities, y.net_profit, y.rd_expense,
	y.rd_expense_domestic, y.equity_financing, y.conversions, y.updated_at`

// yearRow is a scanned enterprise_years row.
type yearRow struct {
	orgID int64
	fig   innobridge.YearFigures
	at    time.Time
}

func enterpriseYearDest() (*yearRow, []any) {
	r := &yearRow{}
	y := &r.fig
	return r, []any{&r.orgID, &y.Year, &y.Staff, &y.STStaff, &y.RDStaff, &y.Revenue, &y.MainRevenue, &y.TotalIncome,
		&y.HighTechIncome, &y.TotalCosts, &y.TotalAssets, &y.TotalLiabilities, &y.NetProfit, &y.RDExpense,
		int64PtrScan{&y.RDExpenseDomestic}, &y.EquityFinancing, &y.Conversions, timeScan{&r.at}}
}

// FindEnterpriseIndicators returns the indicators stored for orgIDs (all
// organisations with any when empty), in organisation id order.
func (s *Store) FindEnterpriseIndicators(ctx context.Context, orgIDs []int64) (_ []*innobridge.EnterpriseIndicators, err error) {
	defer wrap(&err, "FindEnterpriseIndicators(%v)", orgIDs)
	db := s.reader()
	byOrg := map[int64]*innobridge.EnterpriseIndicators{}
	get := func(id int64) *innobridge.EnterpriseIndicators {
		e := byOrg[id]
		if e == nil {
			e = &innobridge.EnterpriseIndicators{OrgID: id}
			byOrg[id] = e
		}
		return e
	}
	yq := &selectQuery{cols: enterpriseYearCols, from: "enterprise_years y", order: "y.org_id, y.year"}
	pq := &selectQuery{cols: "p.org_id, p.facts, p.updated_at", from: "enterprise_profiles p", order: "p.org_id"}
	if len(orgIDs) > 0 {
		c, args := inList("y.org_id", orgIDs)
		yq.and(c, args...)
		c, args = inList("p.org_id", orgIDs)
		pq.and(c, args...)
	}
	rows, err := findRows(ctx, db, yq, enterpriseYearDest)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		e := get(r.orgID)
		e.Years = append(e.Years, r.fig)
		if r.at.After(e.UpdatedAt) {
			e.UpdatedAt = r.at
		}
	}
	type profileRow struct {
		orgID int64
		facts string
		e     innobridge.EnterpriseIndicators
	}
	profiles, err := findRows(ctx, db, pq, func() (*profileRow, []any) {
		r := &profileRow{}
		return r, []any{&r.orgID, &r.facts, timeScan{&r.e.UpdatedAt}}
	})
	if err != nil {
		return nil, err
	}
	for _, r := range profiles {
		e := get(r.orgID)
		if err := json.Unmarshal([]byte(r.facts), &e.Profile); err != nil {
			return nil, fmt.Errorf("bad stored profile of organization %d: %w", r.orgID, err)
		}
		if r.e.UpdatedAt.After(e.UpdatedAt) {
			e.UpdatedAt = r.e.UpdatedAt
		}
	}
	out := make([]*innobridge.EnterpriseIndicators, 0, len(byOrg))
	for _, e := range byOrg {
		out = append(out, e)
	}
	sortByOrg(out)
	return out, nil
}

func sortByOrg(list []*innobridge.EnterpriseIndicators) {
	for i := 1; i < len(list); i++ { // insertion sort: lists are short or nearly sorted
		for j := i; j > 0 && list[j].OrgID < list[j-1].OrgID; j-- {
			list[j], list[j-1] = list[j-1], list[j]
		}
	}
}

// lockOrganization takes the organisation's row lock for the rest of tx,
// so that concurrent writers of its indicators see each other's changes
// in order; ENOTFOUND when it does not exist.
func lockOrganization(ctx context.Context, tx dbq, orgID int64) error {
	res, err := tx.exec(ctx, "UPDATE organizations SET updated_at = updated_at WHERE id = ?", orgID)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return notFound("organization %d", orgID)
	}
	return nil
}

func findYear(ctx context.Context, tx dbq, orgID int64, year int) (*innobridge.YearFigures, error) {
	q := &selectQuery{cols: enterpriseYearCols, from: "enterprise_years y"}
	q.and("y.org_id = ?", orgID)
	q.and("y.year = ?", year)
	r, ok, err := findOne(ctx, tx, q, enterpriseYearDest)
	if err != nil || !ok {
		return nil, err
	}
	return &r.fig, nil
}

// PutEnterpriseYears inserts or replaces each year's figures, all or none,
// and records every changed field.
func (s *Store) PutEnterpriseYears(ctx context.Context, userID int64, years []innobridge.EnterpriseYear) (_ []*innobridge.IndicatorChange, err error) {
	defer wrap(&err, "PutEnterpriseYears(%d rows)", len(years))
	now := s.Now()
	at := timeValue(now)
	var all []*innobridge.IndicatorChange
	err = s.transact(ctx, func(tx dbq) error {
		all = nil
		locked := map[int64]bool{}
		for i := range years {
			y := &years[i]
			if !locked[y.OrgID] {
				if err := lockOrganization(ctx, tx, y.OrgID); err != nil {
					return err
				}
				locked[y.OrgID] = true
			}
			old, err := findYear(ctx, tx, y.OrgID, y.Figures.Year)
			if err != nil {
				return err
			}
			var oldV any
			if old != nil {
				oldV = old
			}
			changes, err := innobridge.DiffFields(oldV, &y.Figures)
			if err != nil {
				return err
			}
			if old != nil && len(changes) == 0 {
				continue
			}
			if _, err := tx.exec(ctx, "DELETE FROM enterprise_years WHERE org_id = ? AND year = ?", y.OrgID, y.Figures.Year); err != nil {
				return err
			}
			if _, err := tx.exec(ctx, enterpriseYears.insertSQL(1), enterpriseYearValues(y.OrgID, &y.Figures, userID, at)...); err != nil {
				return s.conflict(err, fmt.Sprintf("organization %d year %d", y.OrgID, y.Figures.Year), nil)
			}
			if err := insertChanges(ctx, tx, y.OrgID, y.Figures.Year, userID, now, changes); err != nil {
				return err
			}
			all = append(all, changes...)
		}
		return nil
	})
	return all, err
}

// DeleteEnterpriseYear removes one year's figures and records the removal.
func (s *Store) DeleteEnterpriseYear(ctx context.Context, userID, orgID int64, year int) (_ []*innobridge.IndicatorChange, err error) {
	defer wrap(&err, "DeleteEnterpriseYear(%d, %d)", orgID, year)
	now := s.Now()
	var changes []*innobridge.IndicatorChange
	err = s.transact(ctx, func(tx dbq) error {
		if err := lockOrganization(ctx, tx, orgID); err != nil {
			return err
		}
		old, err := findYear(ctx, tx, orgID, year)
		if err != nil {
			return err
		}
		if old == nil {
			return notFound("figures of organization %d for %d", orgID, year)
		}
		if changes, err = innobridge.DiffFields(old, &innobridge.YearFigures{}); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, "DELETE FROM enterprise_years WHERE org_id = ? AND year = ?", orgID, year); err != nil {
			return err
		}
		return insertChanges(ctx, tx, orgID, year, userID, now, changes)
	})
	return changes, err
}

// PutEnterpriseProfile replaces the organisation's profile and records
// every changed field.
func (s *Store) PutEnterpriseProfile(ctx context.Context, userID, orgID int64, p *innobridge.EnterpriseProfile) (_ []*innobridge.IndicatorChange, err error) {
	defer wrap(&err, "PutEnterpriseProfile(%d)", orgID)
	now := s.Now()
	facts, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	var changes []*innobridge.IndicatorChange
	err = s.transact(ctx, func(tx dbq) error {
		if err := lockOrganization(ctx, tx, orgID); err != nil {
			return err
		}
		var oldFacts string
		err := tx.queryRow(ctx, "SELECT facts FROM enterprise_profiles WHERE org_id = ?", orgID).Scan(&oldFacts)
		var oldV any
		switch {
		case isNoRows(err):
		case err != nil:
			return err
		default:
			old := &innobridge.EnterpriseProfile{}
			if err := json.Unmarshal([]byte(oldFacts), old); err != nil {
				return fmt.Errorf("bad stored profile: %w", err)
			}
			oldV = old
		}
		if changes, err = innobridge.DiffFields(oldV, p); err != nil {
			return err
		}
		if oldV != nil && len(changes) == 0 {
			return nil
		}
		if _, err := tx.exec(ctx, "DELETE FROM enterprise_profiles WHERE org_id = ?", orgID); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, "INSERT INTO enterprise_profiles (org_id, facts, updated_by, updated_at) VALUES (?, ?, ?, ?)",
			orgID, string(facts), userID, timeValue(now)); err != nil {
			return err
		}
		return insertChanges(ctx, tx, orgID, 0, userID, now, changes)
	})
	return changes, err
}

var indicatorChanges = table{
	name: "indicator_changes",
	cols: []string{"org_id", "year", "field", "old_value", "new_value", "changed_by", "changed_at"},
}

// insertChanges appends changes to the history, setting their ids aside:
// they are read back through FindIndicatorChanges.
func insertChanges(ctx context.Context, tx dbq, orgID int64, year int, userID int64, now time.Time, changes []*innobridge.IndicatorChange) error {
	const batch = 500
	for len(changes) > 0 {
		n := min(batch, len(changes))
		args := make([]any, 0, n*len(indicatorChanges.cols))
		for _, c := range changes[:n] {
			c.OrgID, c.Year, c.UserID, c.At = orgID, year, userID, now
			args = append(args, orgID, year, c.Field, c.Old, c.New, userID, timeValue(now))
		}
		if _, err := tx.exec(ctx, indicatorChanges.insertSQL(n), args...); err != nil {
			return fmt.Errorf("record changes: %w", err)
		}
		changes = changes[n:]
	}
	return nil
}

// FindIndicatorChanges returns a page of changes, newest first, and the
// total count.
func (s *Store) FindIndicatorChanges(ctx context.Context, f innobridge.IndicatorChangeFilter) (_ []*innobridge.IndicatorChange, _ int, err error) {
	defer wrap(&err, "FindIndicatorChanges(%+v)", f)
	q := &selectQuery{cols: "c.id, c.org_id, c.year, c.field, c.old_value, c.new_value, c.changed_by, COALESCE(u.username, ''), c.changed_at",
		from: "indicator_changes c", colJoins: "LEFT JOIN users u ON u.id = c.changed_by",
		order: "c.id DESC", offset: f.Offset, limit: f.Limit}
	if f.OrgID != nil {
		q.and("c.org_id = ?", *f.OrgID)
	}
	if f.Year != nil {
		q.and("c.year = ?", *f.Year)
	}
	if f.Since != nil {
		q.and("c.changed_at >= ?", timeValue(*f.Since))
	}
	return findPage(ctx, s.reader(), q, func() (*innobridge.IndicatorChange, []any) {
		c := &innobridge.IndicatorChange{}
		return c, []any{&c.ID, &c.OrgID, &c.Year, &c.Field, &c.Old, &c.New, &c.UserID, &c.Username, timeScan{&c.At}}
	})
}
