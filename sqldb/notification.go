package sqldb

import (
	"context"

	"github.com/innobridge/innobridge"
)

var notifications = table{
	name: "notifications",
	cols: []string{"org_id", "kind", "key", "title", "body", "link", "created_at"},
}

// CreateNotification stores n unless the organisation already has one
// with its key.
func (s *Store) CreateNotification(ctx context.Context, n *innobridge.Notification) (created bool, err error) {
	defer wrap(&err, "CreateNotification(%d, %q)", n.OrgID, n.Key)
	now := s.Now()
	err = s.transact(ctx, func(tx dbq) error {
		var id int64
		err := tx.queryRow(ctx, notifications.insertSQL(1)+" ON CONFLICT (org_id, key) DO NOTHING RETURNING id",
			n.OrgID, n.Kind, n.Key, n.Title, n.Body, n.Link, timeValue(now)).Scan(&id)
		if isNoRows(err) {
			return nil
		}
		if err != nil {
			return s.conflict(err, n.Key, map[string]any{"kind": n.Kind, "org_id": n.OrgID})
		}
		n.ID, n.CreatedAt, created = id, now, true
		return nil
	})
	return created, err
}

// FindNotifications returns a page of notifications, newest first, and
// the total count.
func (s *Store) FindNotifications(ctx context.Context, f innobridge.NotificationFilter) (_ []*innobridge.Notification, _ int, err error) {
	defer wrap(&err, "FindNotifications(%+v)", f)
	q := &selectQuery{cols: "n.id, n.org_id, n.kind, n.key, n.title, n.body, n.link, n.created_at, n.read_at, n.emailed_at",
		from: "notifications n", order: "n.id DESC", offset: f.Offset, limit: f.Limit}
	if f.OrgID != nil {
		q.and("n.org_id = ?", *f.OrgID)
	}
	if f.Unread {
		q.and("n.read_at IS NULL")
	}
	if f.NotEmailed {
		q.and("n.emailed_at IS NULL")
	}
	if f.Since != nil {
		q.and("n.created_at >= ?", timeValue(*f.Since))
	}
	return findPage(ctx, s.reader(), q, func() (*innobridge.Notification, []any) {
		n := &innobridge.Notification{}
		return n, []any{&n.ID, &n.OrgID, &n.Kind, &n.Key, &n.Title, &n.Body, &n.Link, timeScan{&n.CreatedAt},
			timePtrScan{&n.ReadAt}, timePtrScan{&n.EmailedAt}}
	})
}

// MarkNotificationsRead marks the organisation's unread notifications
// (those in ids, when given) read.
func (s *Store) MarkNotificationsRead(ctx context.Context, orgID int64, ids []int64) (_ int, err error) {
	defer wrap(&err, "MarkNotificationsRead(%d, %v)", orgID, ids)
	q := "UPDATE notifications SET read_at = ? WHERE org_id = ? AND read_at IS NULL"
	args := []any{timeValue(s.Now()), orgID}
	if len(ids) > 0 {
		c, more := inList("id", ids)
		q += " AND " + c
		args = append(args, more...)
	}
	var n int64
	err = s.transact(ctx, func(tx dbq) error {
		res, err := tx.exec(ctx, q, args...)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}

// MarkNotificationEmailed records that notification id was e-mailed.
func (s *Store) MarkNotificationEmailed(ctx context.Context, id int64) (err error) {
	defer wrap(&err, "MarkNotificationEmailed(%d)", id)
	return s.transact(ctx, func(tx dbq) error {
		res, err := tx.exec(ctx, "UPDATE notifications SET emailed_at = ? WHERE id = ?", timeValue(s.Now()), id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return notFound("notification %d", id)
		}
		return nil
	})
}
