package service

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/innobridge/innobridge"
	"github.com/innobridge/innobridge/match"
)

// TrackMatch records where the pair of the demand demandExt and the
// achievement achExt stands: it starts tracking the pair (as recommended,
// or as upd says) or changes its status. Staff and members of either
// party's organisation may do so; others get EFORBIDDEN, or ENOTFOUND if
// they may not see both listings. A declined pair needs a reason (EINVALID)
// and is not recommended again. Every change is audited.
func (s *Matching) TrackMatch(ctx context.Context, demandExt, achExt string, upd innobridge.MatchUpdate) (*innobridge.Match, error) {
	u, err := requireUser(ctx)
	if err != nil {
		return nil, err
	}
	d, err := s.findDemand(ctx, demandExt)
	if err != nil {
		return nil, err
	}
	a, err := s.svc.FindAchievementByExternalID(ctx, achExt)
	if err != nil {
		return nil, err
	}
	if !u.IsStaff() && !ownsOrg(u, d.OwnerOrgID) && !ownsOrg(u, a.OwnerOrgID) {
		return nil, innobridge.Errorf(innobridge.EFORBIDDEN, "只有对接双方或工作人员可以更新对接状态 (only the two parties or staff track a match)")
	}
	list, _, err := s.svc.Store.FindMatches(ctx, innobridge.MatchFilter{DemandIDs: []int64{d.ID}, AchievementIDs: []int64{a.ID}, Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(list) > 0 {
		return s.track(ctx, u, list[0], upd)
	}
	return s.track(ctx, u, &innobridge.Match{DemandID: d.ID, AchievementID: a.ID, DemandExt: d.ExternalID, AchievementExt: a.ExternalID,
		DemandOrgID: d.OwnerOrgID, AchievementOrgID: a.OwnerOrgID, DemandConf: d.Confidentiality,
		Status: innobridge.MatchRecommended, CreatedBy: u.ID}, upd)
}

// UpdateMatch changes the tracked pair with id, as TrackMatch does. Staff
// and members of either party's organisation may do so, the achievement's
// side even while the pair's private demand is hidden from it (it may
// decline, say, without reading the demand); others get ENOTFOUND.
func (s *Matching) UpdateMatch(ctx context.Context, id int64, upd innobridge.MatchUpdate) (*innobridge.Match, error) {
	u, err := requireUser(ctx)
	if err != nil {
		return nil, err
	}
	list, _, err := s.svc.Store.FindMatches(ctx, innobridge.MatchFilter{IDs: []int64{id}, Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(list) == 0 || !u.IsStaff() && !ownsOrg(u, list[0].DemandOrgID) && !ownsOrg(u, list[0].AchievementOrgID) {
		return nil, innobridge.Errorf(innobridge.ENOTFOUND, "对接记录不存在 (match %d not found)", id)
	}
	return s.track(ctx, u, list[0], upd)
}

// track applies upd to the pair m, storing it new if it has no ID yet, and
// audits the change. It returns the pair as u reads it.
func (s *Matching) track(ctx context.Context, u *innobridge.User, m *innobridge.Match, upd innobridge.MatchUpdate) (*innobridge.Match, error) {
	next := *m
	held := !u.IsStaff() && m.HeldFrom(u.OrgID)
	if upd.Status != nil {
		if held && upd.Status.Discloses() {
			return nil, innobridge.Errorf(innobridge.EFORBIDDEN, "保密需求进入洽谈后对方可阅读需求全文，只能由需求方或工作人员推进 (only the demand's owner or staff take a confidential demand into negotiation: it discloses the full text to the other party)")
		}
		next.Status = *upd.Status
	}
	if held && upd.Note != nil && strings.TrimSpace(*upd.Note) != m.Note {
		return nil, innobridge.Errorf(innobridge.EFORBIDDEN, "保密需求进入洽谈前，成果方不能修改对接备注 (the achievement's side writes no note on a confidential demand's pair before negotiation)")
	}
	if upd.Reason != nil {
		next.Reason = *upd.Reason
	}
	if upd.Note != nil {
		next.Note = strings.TrimSpace(*upd.Note)
	}
	if err := next.Validate(); err != nil {
		return nil, err
	}
	key := next.DemandExt + "×" + next.AchievementExt
	detail := map[string]any{"status": next.Status}
	if next.Reason != "" {
		detail["reason"] = next.Reason
	}
	out := &next
	if next.ID == 0 {
		if err := s.svc.Store.CreateMatch(ctx, out); err != nil {
			return nil, fmt.Errorf("TrackMatch(%q): %w", key, err)
		}
		if err := s.svc.audit(ctx, "create", "match", key, detail); err != nil {
			return nil, err
		}
	} else {
		var err error
		if out, err = s.svc.Store.UpdateMatch(ctx, next.ID, innobridge.MatchUpdate{Status: &next.Status, Reason: &next.Reason, Note: &next.Note}); err != nil {
			return nil, fmt.Errorf("TrackMatch(%q): %w", key, err)
		}
		if err := s.svc.audit(ctx, "update", "match", key, detail); err != nil {
			return nil, err
		}
	}
	if u.IsStaff() {
		return out, nil
	}
	return out.PartyView(u.OrgID), nil
}

// findDemand finds a demand the caller may see, without auditing a view:
// tracking a pair does not show the demand's text.
func (s *Matching) findDemand(ctx context.Context, ext string) (*innobridge.Demand, error) {
	list, _, err := s.svc.FindDemands(ctx, innobridge.ListingFilter{ExternalID: &ext, Limit: 1,
		Statuses: innobridge.Statuses})
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, innobridge.Errorf(innobridge.ENOTFOUND, "需求不存在 (demand %q not found)", ext)
	}
	return list[0], nil
}

// FindMatches lists the tracked pairs f selects: staff's any, others
// their organisation's only (EFORBIDDEN without one), each as PartyView
// leaves it.
func (s *Matching) FindMatches(ctx context.Context, f innobridge.MatchFilter) ([]*innobridge.Match, int, error) {
	u, err := s.matchReader(ctx, &f)
	if err != nil {
		return nil, 0, err
	}
	list, n, err := s.svc.Store.FindMatches(ctx, f)
	if err != nil || u.IsStaff() {
		return list, n, err
	}
	for i, m := range list {
		list[i] = m.PartyView(u.OrgID)
	}
	return list, n, nil
}

// CountMatches counts the pairs f selects (of the caller's organisation
// unless staff) by status, and the declined ones by reason.
func (s *Matching) CountMatches(ctx context.Context, f innobridge.MatchFilter) (*innobridge.MatchCounts, error) {
	if _, err := s.matchReader(ctx, &f); err != nil {
		return nil, err
	}
	return s.svc.Store.CountMatches(ctx, f)
}

// matchReader narrows f to the caller's organisation unless the caller is
// staff.
func (s *Matching) matchReader(ctx context.Context, f *innobridge.MatchFilter) (*innobridge.User, error) {
	u, err := requireUser(ctx)
	if err != nil {
		return nil, err
	}
	if !u.IsStaff() {
		if u.OrgID == 0 {
			return nil, innobridge.Errorf(innobridge.EFORBIDDEN, "对接记录只向对接双方和工作人员开放 (only the parties and staff read tracked pairs)")
		}
		f.PartyOrgID = u.OrgID
	}
	return u, nil
}

// DockingRequest says which demands a new docking list covers.
type DockingRequest struct {
	Name       string
	Field      string // TechField code, or "" for all
	Region     string // region code prefix, or "" for all
	TopN       int    // matches per demand, 1–20 (default 5)
	MaxDemands int    // demands taken, newest first, at most 500 (default 100)
	// EventID, if set, makes a list for an event: its demands (Field and
	// Region still narrow them) against its achievements, or against all
	// achievements when none is on the event. Name defaults to the
	// event's.
	EventID int64
}

// CreateDockingList (staff only) picks the published demands of r's field
// and region (of r's event, if set: ENOTFOUND if there is none, ECONFLICT
// if it is cancelled, EINVALID if it has no demands), takes the top matches of each (leaving out
// declined pairs and, for an event with achievements, any not on it),
// stores them as a list to review, and tracks each new pair as
// recommended. Explanations keep only terms in the demands' public text
// (title and teaser of a confidential demand), since a list goes out to
// the parties.
func (s *Matching) CreateDockingList(ctx context.Context, r DockingRequest) (*innobridge.DockingList, error) {
	u, err := requireStaff(ctx)
	if err != nil {
		return nil, err
	}
	var ev *innobridge.Event
	if r.EventID != 0 {
		if ev, err = s.svc.Store.FindEventByID(ctx, r.EventID); err != nil {
			return nil, err
		}
		if err := notCancelled(ev, "生成对接清单", "no docking list can be made for it"); err != nil {
			return nil, err
		}
	}
	v := innobridge.Validation{}
	r.Name = strings.TrimSpace(r.Name)
	if r.Name == "" && ev != nil {
		r.Name = ev.Name + " 对接清单"
	}
	if ev != nil && len(ev.IDs(innobridge.KindDemand)) == 0 {
		v.Add("event", "empty", "活动尚无参会企业需求 (the event has no demands)")
	}
	if r.Name == "" {
		v.Add("name", "required", "请填写清单名称 (name the list)")
	}
	if r.Field != "" {
		if _, ok := innobridge.TechFieldByCode(r.Field); !ok {
			v.Add("field", "unknown", "未知技术领域 %q (unknown technology field)", r.Field)
		}
	}
	if r.TopN == 0 {
		r.TopN = 5
	}
	if r.TopN < 1 || r.TopN > 20 {
		v.Add("top_n", "range", "每个需求推荐1-20项 (1 to 20 matches per demand)")
	}
	if r.MaxDemands <= 0 || r.MaxDemands > 500 {
		r.MaxDemands = min(max(r.MaxDemands, 100), 500)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if err := s.ensure(ctx); err != nil {
		return nil, err
	}
	today := s.svc.today()
	f := innobridge.ListingFilter{Statuses: []innobridge.Status{innobridge.StatusPublished}, ActiveOn: &today, Limit: r.MaxDemands}
	if r.Field != "" {
		f.Field = &r.Field
	}
	if r.Region != "" {
		f.Region = &r.Region
	}
	var onEvent []string // the event's achievements' external ids, or nil for all
	if ev != nil {
		f.IDs = ev.IDs(innobridge.KindDemand)
		for _, l := range ev.Listings {
			if l.Kind == innobridge.KindAchievement {
				onEvent = append(onEvent, l.ExternalID)
			}
		}
	}
	demands, _, err := s.svc.Store.FindDemands(ctx, f)
	if err != nil {
		return nil, err
	}
	if len(demands) == 0 { // a list without demands is no work for anyone
		v := innobridge.Validation{Record: r.Name}
		switch {
		case ev != nil:
			v.Add("event", "lapsed", "活动的需求均已撤回、下架或过期 (none of the event's demands is published and current)")
		case r.Field != "" || r.Region != "":
			v.Add("field", "none", "该领域和地区没有在期需求 (no published, current demand in this field and region)")
		default:
			v.Add("name", "none", "平台上没有在期需求 (no published, current demand)")
		}
		return nil, v.Err()
	}
	l := &innobridge.DockingList{Name: r.Name, Field: r.Field, Region: r.Region, EventID: r.EventID, TopN: r.TopN, CreatedBy: u.ID}
	if ev != nil {
		l.EventName = ev.Name
	}
	var newPairs []*innobridge.Match
	nWeak := 0
	for _, d := range demands {
		declined, tracked, err := s.pairs(ctx, innobridge.MatchFilter{DemandIDs: []int64{d.ID}})
		if err != nil {
			return nil, err
		}
		g := s.cur()
		k := r.TopN + len(declined) + 5
		var res []match.Result
		if onEvent != nil { // only the event's achievements, scored as in the whole index
			res, err = g.ix.SearchWithin(ctx, d, k, onEvent)
		} else {
			res, err = g.ix.Search(ctx, d, k)
		}
		if err != nil {
			return nil, err
		}
		ids := s.ids(res, g.achID)
		if len(ids) == 0 {
			continue
		}
		achs, _, err := s.svc.Store.FindAchievements(ctx, innobridge.ListingFilter{IDs: ids, Limit: len(ids) + 1})
		if err != nil {
			return nil, err
		}
		byExt := map[string]*innobridge.Achievement{}
		for _, a := range achs {
			byExt[a.ExternalID] = a
		}
		text := teaserText(d)
		words := s.wording(&d.Listing)
		rank := 0
		weak := weakIn(res)
		for _, x := range res {
			a := byExt[x.ID]
			if a == nil || declined[a.ID] || sameOwner(a.OwnerOrgID, d.OwnerOrgID) || !s.indexable(&a.Listing) {
				continue
			}
			if weak(x) { // a chance overlap is no work for staff
				nWeak++
				continue
			}
			rank++
			why := x.Why
			words.snap(&why, nil, listingText(&a.Listing))
			l.Items = append(l.Items, &innobridge.DockingItem{DemandID: d.ID, AchievementID: a.ID, DemandExt: d.ExternalID,
				AchievementExt: a.ExternalID, DemandTitle: d.Title, AchievementTitle: a.Title, Rank: rank, Score: x.Score,
				Why: WhyLine(why, text)})
			if tracked[a.ID] == nil {
				newPairs = append(newPairs, &innobridge.Match{DemandID: d.ID, AchievementID: a.ID, DemandExt: d.ExternalID,
					AchievementExt: a.ExternalID, Status: innobridge.MatchRecommended, Score: x.Score, CreatedBy: u.ID})
			}
			if rank == r.TopN {
				break
			}
		}
	}
	if err := s.svc.Store.CreateDockingList(ctx, l); err != nil {
		return nil, fmt.Errorf("CreateDockingList(%q): %w", r.Name, err)
	}
	for _, m := range newPairs {
		if err := s.svc.Store.CreateMatch(ctx, m); err != nil && innobridge.ErrorCode(err) != innobridge.ECONFLICT {
			return nil, err
		}
	}
	return l, s.svc.audit(ctx, "create", "docking_list", fmt.Sprint(l.ID),
		map[string]any{"name": l.Name, "field": l.Field, "region": l.Region, "event_id": l.EventID, "top_n": l.TopN, "demands": len(demands),
			"pairs": len(l.Items), "new_pairs": len(newPairs), "weak_left_out": nWeak})
}

// WhyLine renders an explanation as one line for lists and exports,
// keeping only the shared terms found in the folded text visible.
func WhyLine(w match.Why, visible string) string {
	var parts []string
	if t := keepVisible(w.Matched, visible); len(t) > 0 {
		parts = append(parts, "共同词："+strings.Join(t, "、"))
	}
	for _, f := range w.Fit {
		mark := "✓"
		if !f.OK {
			mark = "✗"
		}
		parts = append(parts, mark+f.Detail)
	}
	return strings.Join(parts, "；")
}

// FindDockingLists lists docking lists, newest first (staff only).
func (s *Matching) FindDockingLists(ctx context.Context, offset, limit int) ([]*innobridge.DockingList, int, error) {
	if _, err := requireStaff(ctx); err != nil {
		return nil, 0, err
	}
	return s.svc.Store.FindDockingLists(ctx, offset, limit)
}

// FindDockingListByID returns a list with its items (staff only).
func (s *Matching) FindDockingListByID(ctx context.Context, id int64) (*innobridge.DockingList, error) {
	if _, err := requireStaff(ctx); err != nil {
		return nil, err
	}
	return s.svc.Store.FindDockingListByID(ctx, id)
}

// SetDockingItemState accepts or removes one pair of a list (staff only),
// audited.
func (s *Matching) SetDockingItemState(ctx context.Context, listID, itemID int64, st innobridge.DockingItemState) (*innobridge.DockingItem, error) {
	if _, err := requireStaff(ctx); err != nil {
		return nil, err
	}
	if !st.Valid() {
		return nil, &innobridge.Error{Code: innobridge.EINVALID, Message: "invalid input",
			Fields: map[string]innobridge.FieldError{"state": {Code: "unknown", Message: fmt.Sprintf("未知状态 %q (proposed, accepted or removed)", st)}}}
	}
	it, err := s.svc.Store.SetDockingItemState(ctx, listID, itemID, st)
	if err != nil {
		var e *innobridge.Error
		if errors.As(err, &e) {
			return nil, err
		}
		return nil, fmt.Errorf("SetDockingItemState(%d, %d): %w", listID, itemID, err)
	}
	return it, s.svc.audit(ctx, "update", "docking_item", fmt.Sprintf("%d/%d", listID, itemID),
		map[string]any{"state": st, "demand": it.DemandExt, "achievement": it.AchievementExt})
}
