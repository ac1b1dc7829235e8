package sqldb

import (
	"context"
	"fmt"

	"github.com/innobridge/innobridge"
)

// matchCols is the select list of a tracked pair joined with both listings
// (aliases m, d, a), in the order of matchDest.
const matchCols = "m.id, m.demand_id, m.achievement_id, COALESCE(d.external_id, ''), COALESCE(a.external_id, ''), " +
	"d.title, a.title, COALESCE(od.name, ''), COALESCE(oa.name, ''), " +
	"COALESCE(d.owner_org_id, 0), COALESCE(a.owner_org_id, 0), d.confidentiality, " +
	"m.status, m.reason, m.note, m.score, m.created_by, m.created_at, m.updated_at"

// matchFrom joins a pair with both listings, which filters read;
// matchOrgJoins adds their owners, which only the select list reads.
const (
	matchFrom     = "matches m JOIN demands d ON d.id = m.demand_id JOIN achievements a ON a.id = m.achievement_id"
	matchOrgJoins = "LEFT JOIN organizations od ON od.id = d.owner_org_id LEFT JOIN organizations oa ON oa.id = a.owner_org_id"
)

func matchDest() (*innobridge.Match, []any) {
	m := &innobridge.Match{}
	return m, []any{&m.ID, &m.DemandID, &m.AchievementID, &m.DemandExt, &m.AchievementExt,
		&m.DemandTitle, &m.AchievementTitle, &m.DemandOwner, &m.AchievementOwner,
		&m.DemandOrgID, &m.AchievementOrgID, &m.DemandConf, &m.Status, &m.Reason,
		&m.Note, &m.Score, &m.CreatedBy, timeScan{&m.CreatedAt}, timeScan{&m.UpdatedAt}}
}

// FindMatches returns a page of tracked pairs, most recently changed
// first, and the total count.
func (s *Store) FindMatches(ctx context.Context, f innobridge.MatchFilter) (_ []*innobridge.Match, _ int, err error) {
	defer wrap(&err, "FindMatches(%+v)", f)
	q := matchQuery(f, true)
	q.order, q.offset, q.limit = "m.updated_at DESC, m.id DESC", f.Offset, f.Limit
	return findPage(ctx, s.reader(), q, matchDest)
}

// matchQuery selects the pairs f selects, by status and reason too if
// byStatus, with the columns of matchDest.
func matchQuery(f innobridge.MatchFilter, byStatus bool) *selectQuery {
	q := &selectQuery{cols: matchCols, from: matchFrom, colJoins: matchOrgJoins}
	if len(f.IDs) > 0 {
		cond, args := inList("m.id", f.IDs)
		q.and(cond, args...)
	}
	if len(f.DemandIDs) > 0 {
		cond, args := inList("m.demand_id", f.DemandIDs)
		q.and(cond, args...)
	}
	if len(f.AchievementIDs) > 0 {
		cond, args := inList("m.achievement_id", f.AchievementIDs)
		q.and(cond, args...)
	}
	if f.PartyOrgID != 0 {
		q.and("(d.owner_org_id = ? OR a.owner_org_id = ?)", f.PartyOrgID, f.PartyOrgID)
	}
	if byStatus && len(f.Statuses) > 0 {
		cond, args := inList("m.status", strs(f.Statuses))
		q.and(cond, args...)
	}
	if byStatus && len(f.Reasons) > 0 {
		cond, args := inList("m.reason", strs(f.Reasons))
		q.and(cond, args...)
	}
	if !f.UpdatedBefore.IsZero() {
		q.and("m.updated_at < ?", timeValue(f.UpdatedBefore))
	}
	if f.LiveOn != nil {
		day := f.LiveOn.String()
		q.and("d.status = ? AND a.status = ? AND (d.expires_at IS NULL OR d.expires_at >= ?) AND (a.expires_at IS NULL OR a.expires_at >= ?)",
			string(innobridge.StatusPublished), string(innobridge.StatusPublished), day, day)
	}
	return q
}

// CreateMatch stores m, setting its ID and times; ECONFLICT if the pair is
// tracked already, EINVALID if either listing does not exist.
func (s *Store) CreateMatch(ctx context.Context, m *innobridge.Match) (err error) {
	defer wrap(&err, "CreateMatch(%d, %d)", m.DemandID, m.AchievementID)
	now := s.Now()
	m.CreatedAt, m.UpdatedAt = now, now
	return s.transact(ctx, func(tx dbq) error {
		err := tx.queryRow(ctx, `INSERT INTO matches (demand_id, achievement_id, status, reason, note, score, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			m.DemandID, m.AchievementID, string(m.Status), string(m.Reason), m.Note, m.Score, m.CreatedBy,
			timeValue(now), timeValue(now)).Scan(&m.ID)
		return s.conflict(err, fmt.Sprintf("match %d×%d", m.DemandID, m.AchievementID),
			map[string]any{"demand_id": m.DemandID, "achievement_id": m.AchievementID, "status": m.Status, "reason": m.Reason})
	})
}

// UpdateMatch applies upd to the pair with id; ENOTFOUND if missing.
func (s *Store) UpdateMatch(ctx context.Context, id int64, upd innobridge.MatchUpdate) (_ *innobridge.Match, err error) {
	defer wrap(&err, "UpdateMatch(%d)", id)
	var out *innobridge.Match
	err = s.transact(ctx, func(tx dbq) error {
		m, ok, err := findOne(ctx, tx, matchQuery(innobridge.MatchFilter{IDs: []int64{id}}, true), matchDest)
		if err != nil {
			return err
		}
		if !ok {
			return notFound("match %d", id)
		}
		if upd.Status != nil {
			m.Status = *upd.Status
		}
		if upd.Reason != nil {
			m.Reason = *upd.Reason
		}
		if upd.Note != nil {
			m.Note = *upd.Note
		}
		m.UpdatedAt = s.Now()
		_, err = tx.exec(ctx, `UPDATE matches SET status = ?, reason = ?, note = ?, updated_at = ? WHERE id = ?`,
			string(m.Status), string(m.Reason), m.Note, timeValue(m.UpdatedAt), id)
		if err != nil {
			return s.conflict(err, fmt.Sprintf("match %d", id), map[string]any{"status": m.Status, "reason": m.Reason})
		}
		out = m
		return nil
	})
	return out, err
}

// CountMatches counts the pairs f selects, whatever their status and
// reason, by status, and declined ones by reason.
func (s *Store) CountMatches(ctx context.Context, f innobridge.MatchFilter) (_ *innobridge.MatchCounts, err error) {
	defer wrap(&err, "CountMatches(%+v)", f)
	q := matchQuery(f, false)
	rows, err := s.reader().query(ctx, "SELECT m.status, m.reason, COUNT(*) FROM "+q.from+q.whereSQL()+
		" GROUP BY m.status, m.reason", q.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	c := &innobridge.MatchCounts{ByStatus: map[innobridge.MatchStatus]int{}, ByReason: map[innobridge.DeclineReason]int{}}
	for rows.Next() {
		var st innobridge.MatchStatus
		var r innobridge.DeclineReason
		var n int
		if err := rows.Scan(&st, &r, &n); err != nil {
			return nil, err
		}
		c.ByStatus[st] += n
		if st == innobridge.MatchDeclined {
			c.ByReason[r] += n
		}
	}
	return c, rows.Err()
}

const dockingListCols = "l.id, l.name, l.field, l.region, l.event_id, COALESCE(e.name, ''), " +
	"CASE WHEN e.status = 'cancelled' THEN 1 ELSE 0 END, l.top_n, l.created_by, l.created_at, " +
	"(SELECT COUNT(*) FROM docking_items i WHERE i.list_id = l.id)"

// dockingListFrom names the list's event, if it has one.
const dockingListFrom = "docking_lists l LEFT JOIN events e ON e.id = l.event_id"

func dockingListDest() (*innobridge.DockingList, []any) {
	l := &innobridge.DockingList{}
	return l, []any{&l.ID, &l.Name, &l.Field, &l.Region, idScan{&l.EventID}, &l.EventName, &l.EventCancelled, &l.TopN, &l.CreatedBy,
		timeScan{&l.CreatedAt}, &l.Pairs}
}

const dockingItemCols = "i.id, i.list_id, i.demand_id, i.achievement_id, COALESCE(d.external_id, ''), COALESCE(a.external_id, ''), " +
	"d.title, a.title, i.rank, i.score, i.why, i.state"

const dockingItemFrom = "docking_items i JOIN demands d ON d.id = i.demand_id JOIN achievements a ON a.id = i.achievement_id"

func dockingItemDest() (*innobridge.DockingItem, []any) {
	it := &innobridge.DockingItem{}
	return it, []any{&it.ID, &it.ListID, &it.DemandID, &it.AchievementID, &it.DemandExt, &it.AchievementExt,
		&it.DemandTitle, &it.AchievementTitle, &it.Rank, &it.Score, &it.Why, &it.State}
}

// FindDockingLists returns a page of lists, newest first, without their
// items, and the total count.
func (s *Store) FindDockingLists(ctx context.Context, offset, limit int) (_ []*innobridge.DockingList, _ int, err error) {
	defer wrap(&err, "FindDockingLists(%d, %d)", offset, limit)
	q := &selectQuery{cols: dockingListCols, from: dockingListFrom, order: "l.created_at DESC, l.id DESC", offset: offset, limit: limit}
	return findPage(ctx, s.reader(), q, dockingListDest)
}

// FindDockingListByID returns a list with its items, by demand and rank;
// ENOTFOUND if there is none.
func (s *Store) FindDockingListByID(ctx context.Context, id int64) (_ *innobridge.DockingList, err error) {
	defer wrap(&err, "FindDockingListByID(%d)", id)
	q := &selectQuery{cols: dockingListCols, from: dockingListFrom}
	q.and("l.id = ?", id)
	l, ok, err := findOne(ctx, s.reader(), q, dockingListDest)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, notFound("docking list %d", id)
	}
	iq := &selectQuery{cols: dockingItemCols, from: dockingItemFrom, order: "i.demand_id, i.rank, i.id"}
	iq.and("i.list_id = ?", id)
	l.Items, _, err = findPage(ctx, s.reader(), iq, dockingItemDest)
	return l, err
}

// CreateDockingList stores l and its items in one transaction.
func (s *Store) CreateDockingList(ctx context.Context, l *innobridge.DockingList) (err error) {
	defer wrap(&err, "CreateDockingList(%q)", l.Name)
	l.CreatedAt = s.Now()
	return s.transact(ctx, func(tx dbq) error {
		err := tx.queryRow(ctx, `INSERT INTO docking_lists (name, field, region, event_id, top_n, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, l.Name, l.Field, l.Region, idValue(l.EventID), l.TopN, l.CreatedBy,
			timeValue(l.CreatedAt)).Scan(&l.ID)
		if err != nil {
			return s.conflict(err, l.Name, map[string]any{"event_id": l.EventID})
		}
		if l.EventID != 0 {
			if err := tx.queryRow(ctx, `SELECT name FROM events WHERE id = ?`, l.EventID).Scan(&l.EventName); err != nil {
				return err
			}
		}
		for _, it := range l.Items {
			it.ListID = l.ID
			if it.State == "" {
				it.State = innobridge.DockingProposed
			}
			err := tx.queryRow(ctx, `INSERT INTO docking_items (list_id, demand_id, achievement_id, rank, score, why, state)
				VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, l.ID, it.DemandID, it.AchievementID, it.Rank, it.Score, it.Why,
				string(it.State)).Scan(&it.ID)
			if err != nil {
				return s.conflict(err, fmt.Sprintf("%s × %s", it.DemandExt, it.AchievementExt),
					map[string]any{"demand_id": it.DemandID, "achievement_id": it.AchievementID, "state": it.State})
			}
		}
		l.Pairs = len(l.Items)
		return nil
	})
}

// SetDockingItemState changes the state of one item of list listID.
func (s *Store) SetDockingItemState(ctx context.Context, listID, itemID int64, st innobridge.DockingItemState) (_ *innobridge.DockingItem, err error) {
	defer wrap(&err, "SetDockingItemState(%d, %d, %s)", listID, itemID, st)
	var out *innobridge.DockingItem
	err = s.transact(ctx, func(tx dbq) error {
		res, err := tx.exec(ctx, `UPDATE docking_items SET state = ? WHERE id = ? AND list_id = ?`, string(st), itemID, listID)
		if err != nil {
			return s.conflict(err, fmt.Sprintf("item %d", itemID), map[string]any{"state": st})
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return notFound("docking list %d item %d", listID, itemID)
		}
		q := &selectQuery{cols: dockingItemCols, from: dockingItemFrom}
		q.and("i.id = ?", itemID)
		it, _, err := findOne(ctx, tx, q, dockingItemDest)
		out = it
		return err
	})
	return out, err
}
