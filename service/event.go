package service

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/innobridge/innobridge"
)

// EventDetail is an event with its listings as the reader may see them:
// the achievements and demands the lists of achievements and demands would
// show this reader, in the order they were put on the event. A
// confidential demand comes as FindDemands gives it (redacted for all but
// its owner, a private one only to its owner and staff); a listing the
// reader may not see is left out. A listing withdrawn or expired since it
// was put on the event has Lapsed set; only staff see one, since the
// lists show others only current listings.
type EventDetail struct {
	*innobridge.Event
	Achievements []*innobridge.Achievement `json:"achievements"`
	Demands      []*innobridge.Demand      `json:"demands"`
}

// FindEvents lists events to any signed-in user (EUNAUTHORIZED otherwise),
// in the order f describes.
func (s *Service) FindEvents(ctx context.Context, f innobridge.EventFilter) ([]*innobridge.Event, int, error) {
	if _, err := requireUser(ctx); err != nil {
		return nil, 0, err
	}
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 1000
	}
	return s.Store.FindEvents(ctx, f)
}

// FindEventByID returns an event and its listings as the signed-in caller
// may see them; ENOTFOUND if there is none.
func (s *Service) FindEventByID(ctx context.Context, id int64) (*EventDetail, error) {
	if _, err := requireUser(ctx); err != nil {
		return nil, err
	}
	e, err := s.Store.FindEventByID(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.eventDetail(ctx, e)
}

// eventDetail reads e's listings through FindAchievements and FindDemands,
// so that what a reader sees of each is what those lists decide, and drops
// the store's raw listings (their titles include private demands').
func (s *Service) eventDetail(ctx context.Context, e *innobridge.Event) (*EventDetail, error) {
	out := &EventDetail{Event: e, Achievements: []*innobridge.Achievement{}, Demands: []*innobridge.Demand{}}
	// Staff see every status, to take a withdrawn listing off; others see
	// what is published and unexpired (prepareFilter decides).
	if ids := e.IDs(innobridge.KindAchievement); len(ids) > 0 {
		list, _, err := s.FindAchievements(ctx, innobridge.ListingFilter{IDs: ids, Statuses: innobridge.Statuses, Limit: len(ids)})
		if err != nil {
			return nil, err
		}
		out.Achievements = inOrder(list, ids, func(a *innobridge.Achievement) int64 { return a.ID })
	}
	if ids := e.IDs(innobridge.KindDemand); len(ids) > 0 {
		list, _, err := s.FindDemands(ctx, innobridge.ListingFilter{IDs: ids, Statuses: innobridge.Statuses, Limit: len(ids)})
		if err != nil {
			return nil, err
		}
		out.Demands = inOrder(list, ids, func(d *innobridge.Demand) int64 { return d.ID })
	}
	today := s.today()
	for _, a := range out.Achievements {
		a.Lapsed = a.Lapse(today)
	}
	for _, d := range out.Demands {
		d.Lapsed = d.Lapse(today)
	}
	e.Listings = nil
	return out, nil
}

// inOrder returns list in the order of ids.
func inOrder[T any](list []T, ids []int64, id func(T) int64) []T {
	pos := make(map[int64]int, len(ids))
	for i, x := range ids {
		pos[x] = i
	}
	slices.SortFunc(list, func(a, b T) int { return pos[id(a)] - pos[id(b)] })
	return list
}

// CreateEvent stores a new event (staff only: EFORBIDDEN otherwise,
// EINVALID naming the fields), audited.
func (s *Service) CreateEvent(ctx context.Context, e *innobridge.Event) error {
	u, err := requireStaff(ctx)
	if err != nil {
		return err
	}
	if err := e.Validate(); err != nil {
		return err
	}
	e.CreatedBy = u.ID
	e.Listings = nil
	if err := s.Store.CreateEvent(ctx, e); err != nil {
		return fmt.Errorf("CreateEvent(%q): %w", e.Name, err)
	}
	return s.audit(ctx, "create", "event", fmt.Sprint(e.ID),
		map[string]any{"name": e.Name, "kind": e.Kind, "starts_at": e.StartsAt})
}

// UpdateEvent changes an event (staff only), audited; ENOTFOUND if there
// is none, ECONFLICT if it is cancelled, EINVALID naming the fields.
func (s *Service) UpdateEvent(ctx context.Context, id int64, upd innobridge.EventUpdate) (*innobridge.Event, error) {
	if _, err := requireStaff(ctx); err != nil {
		return nil, err
	}
	e, err := s.Store.FindEventByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := notCancelled(e, "编辑", "it cannot be edited"); err != nil {
		return nil, err
	}
	next := *e
	next.Apply(upd)
	if err := next.Validate(); err != nil {
		return nil, err
	}
	upd.Name, upd.Venue, upd.Field = &next.Name, &next.Venue, &next.Field
	out, err := s.Store.UpdateEvent(ctx, id, upd)
	if err != nil {
		return nil, fmt.Errorf("UpdateEvent(%d): %w", id, err)
	}
	out.Listings = nil
	return out, s.audit(ctx, "update", "event", fmt.Sprint(id), changedFields(upd))
}

// AddEventListings puts achievements and demands, by external id, on event
// id (staff only), all or none: an id that is unknown, not published or
// expired, or on the event already is an EINVALID error that names it
// under "achievements" or "demands", and nothing is added. An id given
// twice counts once. ECONFLICT if the event is cancelled. Audited.
func (s *Service) AddEventListings(ctx context.Context, id int64, achExts, demExts []string) (*EventDetail, error) {
	if _, err := requireStaff(ctx); err != nil {
		return nil, err
	}
	e, err := s.Store.FindEventByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := notCancelled(e, "添加成果或需求", "no listings can be added"); err != nil {
		return nil, err
	}
	achExts, demExts = uniqueTrimmed(achExts), uniqueTrimmed(demExts)
	v := innobridge.Validation{Record: e.Name}
	if len(achExts) == 0 && len(demExts) == 0 {
		v.Add("achievements", "required", "请填写成果或需求编号 (give the ids of achievements or demands)")
		return nil, v.Err()
	}
	today := s.today()
	on := map[string]bool{}
	for _, l := range e.Listings {
		on[string(l.Kind)+"\x00"+l.ExternalID] = true
	}
	resolve := func(kind innobridge.ListingKind, field string, exts []string, find func(f innobridge.ListingFilter) (int64, error)) ([]int64, error) {
		var ids []int64
		var missing, dup []string
		for _, ext := range exts {
			if on[string(kind)+"\x00"+ext] {
				dup = append(dup, ext)
				continue
			}
			x := ext
			lid, err := find(innobridge.ListingFilter{ExternalID: &x, Statuses: []innobridge.Status{innobridge.StatusPublished},
				ActiveOn: &today, Limit: 1})
			if err != nil {
				return nil, err
			}
			if lid == 0 {
				missing = append(missing, ext)
				continue
			}
			ids = append(ids, lid)
		}
		switch {
		case len(missing) > 0 && kind == innobridge.KindAchievement:
			v.Add(field, "unknown", "成果不存在或未发布：%s (unknown or unpublished achievements: %s)", strings.Join(missing, "、"), strings.Join(missing, ", "))
		case len(missing) > 0:
			v.Add(field, "unknown", "需求不存在或未发布：%s (unknown or unpublished demands: %s)", strings.Join(missing, "、"), strings.Join(missing, ", "))
		case len(dup) > 0:
			v.Add(field, "duplicate", "已在本活动中：%s (already on this event: %s)", strings.Join(dup, "、"), strings.Join(dup, ", "))
		}
		return ids, nil
	}
	achIDs, err := resolve(innobridge.KindAchievement, "achievements", achExts, func(f innobridge.ListingFilter) (int64, error) {
		list, _, err := s.Store.FindAchievements(ctx, f)
		if err != nil || len(list) == 0 {
			return 0, err
		}
		return list[0].ID, nil
	})
	if err != nil {
		return nil, err
	}
	demIDs, err := resolve(innobridge.KindDemand, "demands", demExts, func(f innobridge.ListingFilter) (int64, error) {
		list, _, err := s.Store.FindDemands(ctx, f)
		if err != nil || len(list) == 0 {
			return 0, err
		}
		return list[0].ID, nil
	})
	if err != nil {
		return nil, err
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if err := s.Store.AddEventListings(ctx, id, achIDs, demIDs); err != nil {
		return nil, fmt.Errorf("AddEventListings(%d): %w", id, err)
	}
	if err := s.audit(ctx, "update", "event", fmt.Sprint(id),
		map[string]any{"added_achievements": achExts, "added_demands": demExts}); err != nil {
		return nil, err
	}
	return s.FindEventByID(ctx, id)
}

// RemoveEventListing takes the listing with external id ext off event id
// (staff only), audited. kind may be "" when only one listing on the event
// has that id; ENOTFOUND if none has. A listing that has lapsed since it
// was put on the event comes off as any other; a cancelled event keeps its
// listings as they were (ECONFLICT).
func (s *Service) RemoveEventListing(ctx context.Context, id int64, kind innobridge.ListingKind, ext string) error {
	if _, err := requireStaff(ctx); err != nil {
		return err
	}
	e, err := s.Store.FindEventByID(ctx, id)
	if err != nil {
		return err
	}
	if err := notCancelled(e, "移出成果或需求", "its listings stay as they were"); err != nil {
		return err
	}
	var found []*innobridge.EventListing
	for _, l := range e.Listings {
		if l.ExternalID == ext && (kind == "" || l.Kind == kind) {
			found = append(found, l)
		}
	}
	switch len(found) {
	case 0:
		return innobridge.Errorf(innobridge.ENOTFOUND, "%s 不在本活动中 (%s is not on this event)", ext, ext)
	case 1:
	default:
		return innobridge.Errorf(innobridge.EINVALID, "成果和需求都有编号 %s，请指明类型 (both an achievement and a demand have id %s: give kind)", ext, ext)
	}
	l := found[0]
	if err := s.Store.RemoveEventListing(ctx, id, l.Kind, l.ListingID); err != nil {
		return fmt.Errorf("RemoveEventListing(%d, %q): %w", id, ext, err)
	}
	return s.audit(ctx, "update", "event", fmt.Sprint(id), map[string]any{"removed_" + string(l.Kind): ext})
}

// CancelEvent cancels event id for reason (staff only: EFORBIDDEN
// otherwise), audited as "cancel". The event stays, readable, with its
// listings and docking lists; it can no longer be edited, filled or get a
// docking list, and there is no way back: a new event is made instead.
// ENOTFOUND if there is none, EINVALID (under "reason") without a reason,
// ECONFLICT if it is cancelled already.
func (s *Service) CancelEvent(ctx context.Context, id int64, reason string) (*innobridge.Event, error) {
	if _, err := requireStaff(ctx); err != nil {
		return nil, err
	}
	e, err := s.Store.FindEventByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := innobridge.ValidateCancelReason(e.Name, &reason); err != nil {
		return nil, err
	}
	if err := notCancelled(e, "再次取消", "it is cancelled already"); err != nil {
		return nil, err
	}
	out, err := s.Store.CancelEvent(ctx, id, reason)
	if err != nil {
		return nil, fmt.Errorf("CancelEvent(%d): %w", id, err)
	}
	out.Listings = nil
	return out, s.audit(ctx, "cancel", "event", fmt.Sprint(id), map[string]any{"name": out.Name, "reason": reason})
}

// notCancelled refuses to change e when it is cancelled: ECONFLICT naming
// the event and what cannot be done, in Chinese (zh) and English (en).
func notCancelled(e *innobridge.Event, zh, en string) error {
	if !e.Cancelled() {
		return nil
	}
	return &innobridge.Error{Code: innobridge.ECONFLICT, Record: e.Name,
		Message: fmt.Sprintf("活动「%s」已取消，不能%s (event %q is cancelled: %s)", e.Name, zh, e.Name, en)}
}

// uniqueTrimmed returns the non-empty trimmed strings of list, each once,
// in their first order.
func uniqueTrimmed(list []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, x := range list {
		x = strings.TrimSpace(innobridge.FoldWidth(x))
		if x != "" && !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}
