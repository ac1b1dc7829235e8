package sqldb

import (
	"context"
	"fmt"

	"github.com/innobridge/innobridge"
)

const eventCols = "e.id, e.name, e.kind, e.starts_at, e.venue, e.field, e.region, e.description, e.status, e.cancel_reason, " +
	"e.cancelled_at, e.created_by, e.created_at, e.updated_at"

func eventDest() (*innobridge.Event, []any) {
	e := &innobridge.Event{}
	return e, []any{&e.ID, &e.Name, &e.Kind, timeScan{&e.StartsAt}, &e.Venue, &e.Field, &e.Region, &e.Description,
		&e.Status, &e.CancelReason, timePtrScan{&e.CancelledAt}, &e.CreatedBy, timeScan{&e.CreatedAt}, timeScan{&e.UpdatedAt}}
}

func eventFacts(e *innobridge.Event) map[string]any {
	return map[string]any{"name": e.Name, "kind": e.Kind, "field": e.Field, "region": e.Region, "status": e.Status}
}

// FindEvents returns a page of events: with f.From the soonest first,
// otherwise the latest start first.
func (s *Store) FindEvents(ctx context.Context, f innobridge.EventFilter) (_ []*innobridge.Event, _ int, err error) {
	defer wrap(&err, "FindEvents(%+v)", f)
	q := &selectQuery{cols: eventCols, from: "events e", order: "e.starts_at DESC, e.id DESC", offset: f.Offset, limit: f.Limit}
	if f.From != nil {
		q.and("e.starts_at >= ?", timeValue(*f.From))
		q.order = "e.starts_at, e.id"
	}
	if f.Before != nil {
		q.and("e.starts_at < ?", timeValue(*f.Before))
	}
	return findPage(ctx, s.reader(), q, eventDest)
}

// FindEventByID returns an event with its listings, achievements first,
// each kind in the order added.
func (s *Store) FindEventByID(ctx context.Context, id int64) (_ *innobridge.Event, err error) {
	defer wrap(&err, "FindEventByID(%d)", id)
	return findEvent(ctx, s.reader(), id)
}

func findEvent(ctx context.Context, db dbq, id int64) (*innobridge.Event, error) {
	q := &selectQuery{cols: eventCols, from: "events e"}
	q.and("e.id = ?", id)
	e, ok, err := findOne(ctx, db, q, eventDest)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, notFound("event %d", id)
	}
	for _, kind := range []innobridge.ListingKind{innobridge.KindAchievement, innobridge.KindDemand} {
		side := eventSides[kind]
		lq := &selectQuery{cols: "t.id, COALESCE(t.external_id, ''), t.title",
			from:  side.link + " x JOIN " + side.table + " t ON t.id = x." + side.col,
			order: "x.position"}
		lq.and("x.event_id = ?", id)
		list, err := findRows(ctx, db, lq, func() (*innobridge.EventListing, []any) {
			l := &innobridge.EventListing{Kind: kind}
			return l, []any{&l.ListingID, &l.ExternalID, &l.Title}
		})
		if err != nil {
			return nil, err
		}
		e.Listings = append(e.Listings, list...)
	}
	return e, nil
}

// CreateEvent stores e, setting its ID and times.
func (s *Store) CreateEvent(ctx context.Context, e *innobridge.Event) (err error) {
	defer wrap(&err, "CreateEvent(%q)", e.Name)
	now := s.Now()
	e.CreatedAt, e.UpdatedAt = now, now
	if e.Status == "" {
		e.Status = innobridge.EventScheduled
	}
	return s.transact(ctx, func(tx dbq) error {
		err := tx.queryRow(ctx, `INSERT INTO events (name, kind, starts_at, venue, field, region, description, status, cancel_reason,
			cancelled_at, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			e.Name, string(e.Kind), timeValue(e.StartsAt), e.Venue, e.Field, e.Region, e.Description, string(e.Status), e.CancelReason,
			timePtrValue(e.CancelledAt), e.CreatedBy, timeValue(now), timeValue(now)).Scan(&e.ID)
		return s.conflict(err, e.Name, eventFacts(e))
	})
}

// UpdateEvent applies upd to event id; ENOTFOUND if missing.
func (s *Store) UpdateEvent(ctx context.Context, id int64, upd innobridge.EventUpdate) (_ *innobridge.Event, err error) {
	defer wrap(&err, "UpdateEvent(%d)", id)
	var out *innobridge.Event
	err = s.transact(ctx, func(tx dbq) error {
		e, err := findEvent(ctx, tx, id)
		if err != nil {
			return err
		}
		e.Apply(upd)
		e.UpdatedAt = s.Now()
		_, err = tx.exec(ctx, `UPDATE events SET name = ?, kind = ?, starts_at = ?, venue = ?, field = ?, region = ?,
			description = ?, updated_at = ? WHERE id = ?`, e.Name, string(e.Kind), timeValue(e.StartsAt), e.Venue, e.Field,
			e.Region, e.Description, timeValue(e.UpdatedAt), id)
		if err != nil {
			return s.conflict(err, fmt.Sprintf("event %d", id), eventFacts(e))
		}
		out = e
		return nil
	})
	return out, err
}

// CancelEvent marks event id cancelled for reason; ENOTFOUND if missing,
// ECONFLICT if it is cancelled already.
func (s *Store) CancelEvent(ctx context.Context, id int64, reason string) (_ *innobridge.Event, err error) {
	defer wrap(&err, "CancelEvent(%d, %q)", id, reason)
	var out *innobridge.Event
	err = s.transact(ctx, func(tx dbq) error {
		e, err := findEvent(ctx, tx, id)
		if err != nil {
			return err
		}
		now := s.Now()
		e.Status, e.CancelReason, e.CancelledAt, e.UpdatedAt = innobridge.EventCancelled, reason, &now, now
		// Only a scheduled event: one cancelled already is left as it
		// is, and of two cancels at once, on PostgreSQL the second
		// waits for the first's row lock and then finds nothing to
		// update.
		res, err := tx.exec(ctx, `UPDATE events SET status = ?, cancel_reason = ?, cancelled_at = ?, updated_at = ?
			WHERE id = ? AND status = ?`, string(e.Status), reason, timeValue(now), timeValue(now), id, string(innobridge.EventScheduled))
		if err != nil {
			return s.conflict(err, fmt.Sprintf("event %d", id), eventFacts(e))
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return &innobridge.Error{Code: innobridge.ECONFLICT, Record: e.Name,
				Message: fmt.Sprintf("event %d %q is cancelled already", id, e.Name)}
		}
		out = e
		return nil
	})
	return out, err
}

// eventSide is the table that links one kind of listing to events.
type eventSide struct {
	link, table  string
	col, listing string // link's listing column, and the word for errors
}

var eventSides = map[innobridge.ListingKind]eventSide{
	innobridge.KindAchievement: {"event_achievements", "achievements", "achievement_id", "achievement"},
	innobridge.KindDemand:      {"event_demands", "demands", "demand_id", "demand"},
}

// AddEventListings puts the listings on event id in one transaction: a
// missing event (ENOTFOUND), a cancelled one (ECONFLICT), a missing
// listing (EINVALID) or one on the event already (ECONFLICT) leaves the
// event as it was.
func (s *Store) AddEventListings(ctx context.Context, id int64, achievementIDs, demandIDs []int64) (err error) {
	defer wrap(&err, "AddEventListings(%d, %v, %v)", id, achievementIDs, demandIDs)
	now := timeValue(s.Now())
	return s.transact(ctx, func(tx dbq) error {
		if err := lockScheduled(ctx, tx, id); err != nil {
			return err
		}
		var one int
		for _, part := range []struct {
			side eventSide
			ids  []int64
		}{{eventSides[innobridge.KindAchievement], achievementIDs}, {eventSides[innobridge.KindDemand], demandIDs}} {
			sd := part.side
			for _, lid := range part.ids {
				var ext string
				err := tx.queryRow(ctx, `SELECT COALESCE(external_id, '') FROM `+sd.table+` WHERE id = ?`, lid).Scan(&ext)
				if isNoRows(err) {
					return &innobridge.Error{Code: innobridge.EINVALID, Record: fmt.Sprintf("%s %d", sd.listing, lid),
						Message: fmt.Sprintf("%s %d does not exist", sd.listing, lid)}
				} else if err != nil {
					return err
				}
				err = tx.queryRow(ctx, `SELECT 1 FROM `+sd.link+` WHERE event_id = ? AND `+sd.col+` = ?`, id, lid).Scan(&one)
				if err == nil {
					return &innobridge.Error{Code: innobridge.ECONFLICT, Record: ext,
						Message: fmt.Sprintf("%s %q is on event %d already", sd.listing, ext, id)}
				} else if !isNoRows(err) {
					return err
				}
				_, err = tx.exec(ctx, `INSERT INTO `+sd.link+` (event_id, `+sd.col+`, position, added_at)
					VALUES (?, ?, (SELECT COALESCE(MAX(position), 0) + 1 FROM `+sd.link+` WHERE event_id = ?), ?)`, id, lid, id, now)
				if err != nil {
					return s.conflict(err, ext, map[string]any{sd.col: lid})
				}
			}
		}
		return nil
	})
}

// lockScheduled checks that event id is scheduled and, on PostgreSQL,
// holds its row until the transaction ends (by an update that changes
// nothing), so that listings are not added while it is being cancelled:
// the one waits for the other. ENOTFOUND if there is no event, ECONFLICT
// if it is cancelled.
func lockScheduled(ctx context.Context, tx dbq, id int64) error {
	res, err := tx.exec(ctx, `UPDATE events SET status = status WHERE id = ? AND status = ?`, id, string(innobridge.EventScheduled))
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n > 0 {
		return err
	}
	var name string
	if err := tx.queryRow(ctx, `SELECT name FROM events WHERE id = ?`, id).Scan(&name); isNoRows(err) {
		return notFound("event %d", id)
	} else if err != nil {
		return err
	}
	return &innobridge.Error{Code: innobridge.ECONFLICT, Record: name,
		Message: fmt.Sprintf("event %d %q is cancelled: its listings cannot change", id, name)}
}

// RemoveEventListing takes one listing off event id; ENOTFOUND if there
// is no event or the listing is not on it, ECONFLICT if it is cancelled.
func (s *Store) RemoveEventListing(ctx context.Context, id int64, kind innobridge.ListingKind, listingID int64) (err error) {
	defer wrap(&err, "RemoveEventListing(%d, %s, %d)", id, kind, listingID)
	sd, ok := eventSides[kind]
	if !ok {
		return &innobridge.Error{Code: innobridge.EINVALID, Message: fmt.Sprintf("unknown listing kind %q", kind)}
	}
	return s.transact(ctx, func(tx dbq) error {
		if err := lockScheduled(ctx, tx, id); err != nil {
			return err
		}
		res, err := tx.exec(ctx, `DELETE FROM `+sd.link+` WHERE event_id = ? AND `+sd.col+` = ?`, id, listingID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return notFound("%s %d on event %d", sd.listing, listingID, id)
		}
		return nil
	})
}
