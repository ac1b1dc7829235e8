package sqldb

import (
	"context"

	"github.com/innobridge/innobridge"
)

// AppendAudit stores e and sets its ID; a zero At is taken to be now.
func (s *Store) AppendAudit(ctx context.Context, e *innobridge.AuditEntry) (err error) {
	defer wrap(&err, "AppendAudit(%s %s %s)", e.Action, e.Entity, e.EntityID)
	if e.At.IsZero() {
		e.At = s.Now()
	}
	return s.transact(ctx, func(tx dbq) error {
		return tx.queryRow(ctx, `INSERT INTO audit (at, user_id, username, action, entity, entity_id, detail, ip)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			timeValue(e.At), e.UserID, e.Username, e.Action, e.Entity, e.EntityID, e.Detail, e.IP).Scan(&e.ID)
	})
}

// FindAudit returns a page of entries, newest first, and the total count.
func (s *Store) FindAudit(ctx context.Context, f innobridge.AuditFilter) (_ []*innobridge.AuditEntry, _ int, err error) {
	defer wrap(&err, "FindAudit(%+v)", f)
	q := &selectQuery{cols: "a.id, a.at, a.user_id, a.username, a.action, a.entity, a.entity_id, a.detail, a.ip",
		from: "audit a", order: "a.at DESC, a.id DESC", offset: f.Offset, limit: f.Limit}
	if f.UserID != nil {
		q.and("a.user_id = ?", *f.UserID)
	}
	if f.Action != nil {
		q.and("a.action = ?", *f.Action)
	}
	if f.Entity != nil {
		q.and("a.entity = ?", *f.Entity)
	}
	if f.EntityID != nil {
		q.and("a.entity_id = ?", *f.EntityID)
	}
	if f.Since != nil {
		q.and("a.at >= ?", timeValue(*f.Since))
	}
	return findPage(ctx, s.reader(), q, func() (*innobridge.AuditEntry, []any) {
		e := &innobridge.AuditEntry{}
		return e, []any{&e.ID, timeScan{&e.At}, &e.UserID, &e.Username, &e.Action, &e.Entity, &e.EntityID, &e.Detail, &e.IP}
	})
}
