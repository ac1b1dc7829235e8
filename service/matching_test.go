package service_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/innobridge/innobridge"
	"github.com/innobridge/innobridge/match"
	"github.com/innobridge/innobridge/service"
	"github.com/innobridge/innobridge/storetest"
	"github.com/innobridge/innobridge/zh"
)

// newMatching returns the fixture with a Matching over it and an
// achievement that matches the teaser demand only through its hidden text.
func newMatching(t *testing.T) (*fixture, *service.Matching, *innobridge.Achievement) {
	t.Helper()
	f := newFixture(t)
	m := service.NewMatching(f.svc, match.Options{Analyzer: zh.MustDefault()})
	arsenic := f.mustAchievement(t, f.otherMember, &innobridge.Achievement{Listing: innobridge.Listing{
		ExternalID: "ach-arsenic", Title: "含砷废水膜分离回收工艺", Description: "膜分离处理含砷工业废水，砷回收率高。",
		Keywords: []string{"膜分离", "砷回收"}, Field: "6"}, TRL: 7})
	return f, m, arsenic
}

func recIDs(recs []*service.Recommendation) []string {
	var out []string
	for _, r := range recs {
		if r.Achievement != nil {
			out = append(out, r.Achievement.ExternalID)
		} else {
			out = append(out, r.Demand.ExternalID)
		}
	}
	return out
}

func has(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestDemandsForAchievementKeepsConfidentialText(t *testing.T) {
	f, m, arsenic := newMatching(t)
	fuel := f.mustAchievement(t, f.otherMember, &innobridge.Achievement{Listing: innobridge.Listing{
		ExternalID: "ach-fuel", Title: "燃料电池电堆寿命提升技术", Description: "提高氢能重卡电堆寿命。"}})
	for _, tt := range []struct {
		name        string
		user        *innobridge.User
		wantPrivate bool
	}{
		{"Anonymous", nil, false},
		{"OtherMember", f.otherMember, false},
		{"Staff", f.staff, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			recs, err := m.DemandsForAchievement(as(tt.user), arsenic.ExternalID, 10)
			if err != nil {
				t.Fatal(err)
			}
			ids := recIDs(recs)
			if !has(ids, "dem-teaser") {
				t.Errorf("teaser demand not recommended (matched on its hidden text): %v", ids)
			}
			mustNotLeak(t, "recommendations", recs)
			fuelRecs, err := m.DemandsForAchievement(as(tt.user), fuel.ExternalID, 10)
			if err != nil {
				t.Fatal(err)
			}
			if got := has(recIDs(fuelRecs), "dem-private"); got != tt.wantPrivate {
				t.Errorf("private demand recommended = %v, want %v", got, tt.wantPrivate)
			}
			for _, r := range fuelRecs {
				if r.Demand.ExternalID == "dem-private" && (!r.Demand.Hidden || r.Demand.Description != "") {
					t.Errorf("private demand not redacted in a list: %+v", r.Demand)
				}
			}
			b, _ := json.Marshal(fuelRecs)
			for _, s := range []string{privateSecret, "氢能", "寿命"} {
				if strings.Contains(string(b), s) {
					t.Errorf("recommendations reveal %q of the private text: %s", s, b)
				}
			}
			b, _ = json.Marshal(recs)
			if strings.Contains(string(b), "砷") {
				t.Errorf("a term of the hidden description shows: %s", b)
			}
			for _, r := range recs {
				if r.Demand.Confidentiality != innobridge.ConfPublic && !r.Demand.Hidden {
					t.Errorf("%s not redacted", r.Demand.ExternalID)
				}
				if tt.user == nil && r.Tracked != nil {
					t.Errorf("tracking shown to an anonymous reader")
				}
			}
		})
	}
}

func TestAchievementsForDemandExplainsWithVisibleTerms(t *testing.T) {
	f, m, arsenic := newMatching(t)
	// Another organisation reads the teaser demand redacted: the shared
	// terms it is shown come from the title and teaser only.
	recs, err := m.AchievementsForDemand(as(f.otherMember), "dem-teaser", 10)
	if err != nil {
		t.Fatal(err)
	}
	if !has(recIDs(recs), arsenic.ExternalID) {
		t.Fatalf("arsenic achievement not recommended: %v", recIDs(recs))
	}
	visible := zh.Fold(f.demTeaser.Title + f.demTeaser.Teaser)
	for _, r := range recs {
		for _, term := range r.Why.Matched {
			if !strings.Contains(visible, term) {
				t.Errorf("term %q is not in the demand's visible text", term)
			}
		}
	}
	mustNotLeak(t, "recommendations", recs)
	// The owner sees terms of the full text.
	recs, err = m.AchievementsForDemand(as(f.entMember), "dem-teaser", 10)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(recs[0].Why)
	if !strings.Contains(string(b), "砷") {
		t.Errorf("owner's explanation lacks the full-text terms: %s", b)
	}
	// A private demand is not found for others.
	_, err = m.AchievementsForDemand(as(f.otherMember), "dem-private", 10)
	wantCode(t, err, innobridge.ENOTFOUND)
}

func TestMatchingIndexFollowsChanges(t *testing.T) {
	f, m, _ := newMatching(t)
	ctx := as(f.staff)
	find := func() []string {
		t.Helper()
		recs, err := m.AchievementsForDemand(ctx, "dem-pub", 10)
		if err != nil {
			t.Fatal(err)
		}
		return recIDs(recs)
	}
	if ids := find(); !has(ids, "ach-pub") || has(ids, "ach-draft") || has(ids, "ach-expired") {
		t.Fatalf("after build: %v", ids)
	}
	t.Run("Create", func(t *testing.T) {
		f.mustAchievement(t, f.uniMember, &innobridge.Achievement{Listing: innobridge.Listing{
			ExternalID: "ach-new", Title: "转炉煤气回收利用装置", Description: "提高转炉煤气回收率。"}})
		if ids := find(); !has(ids, "ach-new") {
			t.Errorf("new achievement missing: %v", ids)
		}
	})
	t.Run("Withdraw", func(t *testing.T) {
		st := innobridge.StatusWithdrawn
		if _, err := f.svc.UpdateAchievement(as(f.uniMember), f.achPublished.ID, innobridge.AchievementUpdate{Status: &st}); err != nil {
			t.Fatal(err)
		}
		if ids := find(); has(ids, "ach-pub") {
			t.Errorf("withdrawn achievement still recommended: %v", ids)
		}
	})
	t.Run("Import", func(t *testing.T) {
		err := f.db.Import(context.Background(), innobridge.ImportBatch{Achievements: []*innobridge.Achievement{{Listing: innobridge.Listing{
			ExternalID: "ach-imported", Title: "煤气回收率提升方法", OwnerOrgID: f.uni.ID, Status: innobridge.StatusPublished}}}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := m.Refresh(context.Background()); err != nil {
			t.Fatal(err)
		}
		if ids := find(); !has(ids, "ach-imported") {
			t.Errorf("imported achievement missing after Refresh: %v", ids)
		}
	})
	t.Run("Expire", func(t *testing.T) {
		exp := innobridge.NewDate(f.clock.Now().AddDate(0, 0, 3))
		expp := &exp
		if _, err := f.svc.UpdateAchievement(as(f.uniMember), mustAchID(t, f, "ach-new"), innobridge.AchievementUpdate{ExpiresAt: &expp}); err != nil {
			t.Fatal(err)
		}
		if ids := find(); !has(ids, "ach-new") {
			t.Fatalf("ach-new gone before it expires: %v", ids)
		}
		f.clock.Add(5 * 24 * time.Hour)
		if err := m.Refresh(context.Background()); err != nil {
			t.Fatal(err)
		}
		if ids := find(); has(ids, "ach-new") {
			t.Errorf("expired achievement still recommended: %v", ids)
		}
	})
}

func mustAchID(t *testing.T, f *fixture, ext string) int64 {
	t.Helper()
	a, err := f.svc.FindAchievementByExternalID(as(f.staff), ext)
	if err != nil {
		t.Fatal(err)
	}
	return a.ID
}

func TestTrackMatch(t *testing.T) {
	f, m, arsenic := newMatching(t)
	status := func(s innobridge.MatchStatus) *innobridge.MatchStatus { return &s }
	reason := func(r innobridge.DeclineReason) *innobridge.DeclineReason { return &r }

	t.Run("ErrForbidden", func(t *testing.T) {
		_, err := m.TrackMatch(as(f.uniMember), "dem-pub", arsenic.ExternalID, innobridge.MatchUpdate{Status: status(innobridge.MatchContacted)})
		wantCode(t, err, innobridge.EFORBIDDEN)
	})
	t.Run("ErrReasonRequired", func(t *testing.T) {
		_, err := m.TrackMatch(as(f.entMember), "dem-teaser", arsenic.ExternalID, innobridge.MatchUpdate{Status: status(innobridge.MatchDeclined)})
		wantCode(t, err, innobridge.EINVALID)
	})
	t.Run("OK", func(t *testing.T) {
		// The achievement's side makes contact; the confidential demand's
		// owner takes it into negotiation.
		for _, step := range []struct {
			by *innobridge.User
			st innobridge.MatchStatus
		}{{f.otherMember, innobridge.MatchContacted}, {f.entMember, innobridge.MatchNegotiating}} {
			st := step.st
			got, err := m.TrackMatch(as(step.by), "dem-teaser", arsenic.ExternalID, innobridge.MatchUpdate{Status: status(st)})
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != st {
				t.Errorf("status %s, want %s", got.Status, st)
			}
		}
		recs, err := m.DemandsForAchievement(as(f.otherMember), arsenic.ExternalID, 10)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range recs {
			if r.Demand.ExternalID == "dem-teaser" && (r.Tracked == nil || r.Tracked.Status != innobridge.MatchNegotiating) {
				t.Errorf("tracked = %+v", r.Tracked)
			}
		}
	})
	t.Run("DeclinedNotRecommendedAgain", func(t *testing.T) {
		if _, err := m.TrackMatch(as(f.entMember), "dem-teaser", arsenic.ExternalID,
			innobridge.MatchUpdate{Status: status(innobridge.MatchDeclined), Reason: reason(innobridge.DeclineTRL)}); err != nil {
			t.Fatal(err)
		}
		recs, err := m.AchievementsForDemand(as(f.entMember), "dem-teaser", 10)
		if err != nil {
			t.Fatal(err)
		}
		if has(recIDs(recs), arsenic.ExternalID) {
			t.Errorf("declined pair recommended again")
		}
		c, err := m.CountMatches(as(f.staff), innobridge.MatchFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if c.ByReason[innobridge.DeclineTRL] != 1 || c.ByStatus[innobridge.MatchDeclined] != 1 {
			t.Errorf("counts = %+v", c)
		}
		if c, err = m.CountMatches(as(f.uniMember), innobridge.MatchFilter{}); err != nil || len(c.ByStatus) != 0 {
			t.Errorf("a third organisation counts %+v, %v; want none of the pair", c, err)
		}
		_, err = m.CountMatches(as(f.expert), innobridge.MatchFilter{})
		wantCode(t, err, innobridge.EFORBIDDEN)
	})
	if n := f.auditCount(t, "update", "dem-teaser×"+arsenic.ExternalID); n != 2 {
		t.Errorf("audited updates = %d, want 2", n)
	}
	if n := f.auditCount(t, "create", "dem-teaser×"+arsenic.ExternalID); n != 1 {
		t.Errorf("audited creates = %d, want 1", n)
	}
}

func TestDockingList(t *testing.T) {
	f, m, _ := newMatching(t)
	_, err := m.CreateDockingList(as(f.entMember), service.DockingRequest{Name: "x"})
	wantCode(t, err, innobridge.EFORBIDDEN)
	_, err = m.CreateDockingList(as(f.staff), service.DockingRequest{TopN: 99})
	wantCode(t, err, innobridge.EINVALID)

	l, err := m.CreateDockingList(as(f.staff), service.DockingRequest{Name: "三月对接会", TopN: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Items) == 0 {
		t.Fatal("no items")
	}
	mustNotLeak(t, "docking list", l)
	for _, it := range l.Items {
		if strings.Contains(it.Why, "砷") || strings.Contains(it.Why, "膜分离") {
			t.Errorf("item %s×%s explains with a hidden term: %s", it.DemandExt, it.AchievementExt, it.Why)
		}
	}
	got, err := m.FindDockingListByID(as(f.staff), l.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Items) != len(l.Items) || got.Items[0].DemandTitle == "" {
		t.Fatalf("stored list = %+v", got)
	}
	it, err := m.SetDockingItemState(as(f.staff), l.ID, got.Items[0].ID, innobridge.DockingRemoved)
	if err != nil {
		t.Fatal(err)
	}
	if it.State != innobridge.DockingRemoved {
		t.Errorf("state = %s", it.State)
	}
	_, err = m.SetDockingItemState(as(f.staff), l.ID+1, got.Items[0].ID, innobridge.DockingAccepted)
	wantCode(t, err, innobridge.ENOTFOUND)
	// Every pair of the list is tracked as recommended.
	ms, n, err := m.FindMatches(as(f.staff), innobridge.MatchFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if n != len(l.Items) || ms[0].Status != innobridge.MatchRecommended {
		t.Errorf("tracked %d pairs, list has %d", n, len(l.Items))
	}
}

func TestFindDuplicates(t *testing.T) {
	f, _, _ := newMatching(t)
	f.mustAchievement(t, f.uniMember, &innobridge.Achievement{Listing: innobridge.Listing{
		ExternalID: "ach-copy", Title: "高炉煤气余热回收技术", Description: "回收高炉煤气的显热，提高能源效率。"}})
	_, err := f.svc.FindDuplicates(as(f.uniMember), "achievements", 0, 0)
	wantCode(t, err, innobridge.EFORBIDDEN)
	pairs, err := f.svc.FindDuplicates(as(f.staff), "achievements", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(pairs) != 1 {
		t.Fatalf("pairs = %d, want 1", len(pairs))
	}
	ids := []string{pairs[0].A.ExternalID, pairs[0].B.ExternalID}
	if !has(ids, "ach-pub") || !has(ids, "ach-copy") || pairs[0].Similarity < 0.6 {
		t.Errorf("pair %v similarity %.2f", ids, pairs[0].Similarity)
	}
	pairs, err = f.svc.FindDuplicates(as(f.staff), "demands", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	mustNotLeak(t, "duplicates", pairs)
}

// An organisation's own achievements are no partner for its own demands,
// however well they match, in either direction.
func TestMatchingLeavesOutOwnListings(t *testing.T) {
	f, m, _ := newMatching(t)
	own := f.mustAchievement(t, f.entMember, &innobridge.Achievement{Listing: innobridge.Listing{
		ExternalID: "ach-own", Title: "提高转炉煤气利用率回收技术", Description: "转炉煤气回收率低的解决方案，提高煤气利用率。", Keywords: []string{"煤气"}}})
	if err := m.Refresh(as(f.staff)); err != nil {
		t.Fatal(err)
	}
	recs, err := m.AchievementsForDemand(as(f.staff), "dem-pub", 10)
	if err != nil {
		t.Fatal(err)
	}
	if ids := recIDs(recs); has(ids, own.ExternalID) || !has(ids, "ach-pub") {
		t.Errorf("recommendations for dem-pub = %v: want ach-pub and not the demand owner's own ach-own", ids)
	}
	recs, err = m.DemandsForAchievement(as(f.staff), own.ExternalID, 10)
	if err != nil {
		t.Fatal(err)
	}
	if ids := recIDs(recs); has(ids, "dem-pub") {
		t.Errorf("demands for ach-own = %v: the owner's own dem-pub is recommended", ids)
	}
}

// A confidential demand opens in full to the organisation of a paired
// achievement once the demand's owner takes the pair into negotiation, and
// to nobody else; the achievement's side cannot take that step itself.
func TestConfidentialDemandOpensToNegotiatingParty(t *testing.T) {
	f, m, arsenic := newMatching(t) // arsenic belongs to otherMember's organisation
	status := func(s innobridge.MatchStatus) innobridge.MatchUpdate { return innobridge.MatchUpdate{Status: &s} }
	read := func(u *innobridge.User, id int64) (*innobridge.Demand, error) {
		t.Helper()
		return f.svc.FindDemandByID(as(u), id)
	}
	for _, d := range []*innobridge.Demand{f.demTeaser, f.demPrivate} {
		t.Run(d.ExternalID, func(t *testing.T) {
			secret := d.Description
			if got, err := read(f.otherMember, d.ID); err == nil && got.Description == secret {
				t.Fatal("the other organisation reads the full text before any match")
			}
			// A private demand does not exist for the other side at all;
			// a teaser demand may be tracked by it, but not into negotiation.
			want, contactor := innobridge.EFORBIDDEN, f.otherMember
			if d.Confidentiality == innobridge.ConfPrivate {
				want, contactor = innobridge.ENOTFOUND, f.entMember
			}
			_, err := m.TrackMatch(as(f.otherMember), d.ExternalID, arsenic.ExternalID, status(innobridge.MatchNegotiating))
			wantCode(t, err, want)
			if _, err := m.TrackMatch(as(contactor), d.ExternalID, arsenic.ExternalID, status(innobridge.MatchContacted)); err != nil {
				t.Fatalf("marking the pair contacted: %v", err)
			}
			if got, err := read(f.otherMember, d.ID); err == nil && got.Description == secret {
				t.Fatal("a contacted pair discloses the full text")
			}
			if _, err := m.TrackMatch(as(f.entMember), d.ExternalID, arsenic.ExternalID, status(innobridge.MatchNegotiating)); err != nil {
				t.Fatalf("the demand's owner takes the pair into negotiation: %v", err)
			}
			got, err := read(f.otherMember, d.ID)
			if err != nil || got.Description != secret {
				t.Fatalf("the negotiating party reads %+v, %v; want the full text", got, err)
			}
			if got, err := read(f.uniMember, d.ID); err == nil && got.Description == secret {
				t.Error("a third organisation reads the full text")
			}
			entries, _, err := f.svc.FindAudit(as(f.staff), innobridge.AuditFilter{})
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, e := range entries {
				found = found || (e.Action == "view_confidential" && e.EntityID == d.ExternalID && e.UserID == f.otherMember.ID && strings.Contains(string(e.Detail), "matched party"))
			}
			if !found {
				t.Error("the negotiating party's view is not in the audit log")
			}
		})
	}
}

// Recommendations the caller may not see (other organisations' private
// demands) do not crowd out those it may: the engine is asked for more
// until k are found or it has no more.
func TestDemandsForAchievementLooksPastHiddenDemands(t *testing.T) {
	f, m, arsenic := newMatching(t)
	for i := range 30 {
		f.mustDemand(t, f.entMember, &innobridge.Demand{Listing: innobridge.Listing{
			ExternalID: fmt.Sprintf("dem-hidden-%02d", i), Title: fmt.Sprintf("含砷废水膜分离砷回收工艺需求%d", i),
			Teaser: "环保合作", Description: "膜分离处理含砷工业废水，砷回收率高，膜分离回收工艺。", Keywords: []string{"膜分离", "砷回收"}},
			Confidentiality: innobridge.ConfPrivate})
	}
	for _, ext := range []string{"dem-open-1", "dem-open-2"} {
		f.mustDemand(t, f.entMember, &innobridge.Demand{Listing: innobridge.Listing{
			ExternalID: ext, Title: "含砷废水处理", Description: "工业废水中的砷需要处理。"}})
	}
	if err := m.Refresh(as(f.staff)); err != nil {
		t.Fatal(err)
	}
	staff, err := m.DemandsForAchievement(as(f.staff), arsenic.ExternalID, 12)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range recIDs(staff) {
		if !strings.HasPrefix(id, "dem-hidden-") {
			t.Fatalf("staff's top 12 = %v; the test needs the hidden demands first", recIDs(staff))
		}
	}
	recs, err := m.DemandsForAchievement(as(f.uniMember), arsenic.ExternalID, 2)
	if err != nil {
		t.Fatal(err)
	}
	got := recIDs(recs)
	if len(got) != 2 {
		t.Fatalf("another organisation's member gets %v, want 2 it may see", got)
	}
	for _, id := range got {
		if strings.HasPrefix(id, "dem-hidden-") {
			t.Errorf("another organisation's member gets the private %s", id)
		}
	}
}

// FindDuplicates keeps signatures between requests and rereads only what
// changed: a new copy, a withdrawal and an edit each show in the next
// request.
func TestFindDuplicatesFollowsChanges(t *testing.T) {
	f, _, _ := newMatching(t)
	pairs := func() []string {
		t.Helper()
		f.clock.Add(time.Minute)
		ps, err := f.svc.FindDuplicates(as(f.staff), "achievements", 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, p := range ps {
			a, b := p.A.ExternalID, p.B.ExternalID
			out = append(out, min(a, b)+"~"+max(a, b))
		}
		slices.Sort(out)
		return out
	}
	copyOf := func(ext string) *innobridge.Achievement {
		return &innobridge.Achievement{Listing: innobridge.Listing{
			ExternalID: ext, Title: "高炉煤气余热回收技术", Description: "回收高炉煤气的显热，提高能源效率。"}}
	}
	if got := pairs(); len(got) != 0 {
		t.Fatalf("before any copy: %v", got)
	}
	first := f.mustAchievement(t, f.uniMember, copyOf("ach-copy"))
	if got, want := pairs(), []string{"ach-copy~ach-pub"}; !slices.Equal(got, want) {
		t.Fatalf("after a copy: %v, want %v", got, want)
	}
	second := f.mustAchievement(t, f.otherMember, copyOf("ach-copy2"))
	if got, want := pairs(), []string{"ach-copy2~ach-pub", "ach-copy~ach-copy2", "ach-copy~ach-pub"}; !slices.Equal(got, want) {
		t.Fatalf("after a second copy: %v, want %v", got, want)
	}
	withdrawn := innobridge.StatusWithdrawn
	if _, err := f.svc.UpdateAchievement(as(f.uniMember), first.ID, innobridge.AchievementUpdate{Status: &withdrawn}); err != nil {
		t.Fatal(err)
	}
	if got, want := pairs(), []string{"ach-copy2~ach-pub"}; !slices.Equal(got, want) {
		t.Fatalf("after withdrawing a copy: %v, want %v", got, want)
	}
	title, desc := "量子点显示材料", "一种高色域量子点膜的制备方法。"
	if _, err := f.svc.UpdateAchievement(as(f.otherMember), second.ID, innobridge.AchievementUpdate{Title: &title, Description: &desc}); err != nil {
		t.Fatal(err)
	}
	if got := pairs(); len(got) != 0 {
		t.Fatalf("after rewriting the other copy: %v", got)
	}
}

// pageHook runs onFirstPage once, after the first page of more than one
// achievement has been read from the store.
type pageHook struct {
	innobridge.Store
	once        sync.Once
	onFirstPage func(page []*innobridge.Achievement)
}

func (h *pageHook) FindAchievements(ctx context.Context, f innobridge.ListingFilter) ([]*innobridge.Achievement, int, error) {
	list, n, err := h.Store.FindAchievements(ctx, f)
	if err == nil && len(list) > 1 {
		h.once.Do(func() { h.onFirstPage(list) })
	}
	return list, n, err
}

// TestMatchingBuildMissesNoListing: a listing withdrawn while a build
// reads the store page by page must not make another go missing. With
// OFFSET paging the first listing of the next page was skipped, and the
// catch-up by updated_at never read it again.
func TestMatchingBuildMissesNoListing(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	bulk := storetest.GenerateAchievements(5001, "bulk", f.uni.ID) // more than a page
	if err := f.db.Import(ctx, innobridge.ImportBatch{Achievements: bulk}, nil); err != nil {
		t.Fatal(err)
	}
	f.clock.Add(time.Hour) // the build's catch-up reads only what changes from now on
	hook := &pageHook{Store: f.db, onFirstPage: func(page []*innobridge.Achievement) {
		withdrawn := innobridge.StatusWithdrawn
		if _, err := f.db.UpdateAchievement(ctx, page[0].ID, innobridge.AchievementUpdate{Status: &withdrawn}); err != nil {
			t.Error(err)
		}
	}}
	svc := service.New(hook, zh.MustDefault(), f.svc.Logger)
	svc.Now = f.svc.Now
	m := service.NewMatching(svc, match.Options{Analyzer: zh.MustDefault()})
	if err := m.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	today := innobridge.NewDate(f.svc.Now())
	_, want, err := f.db.FindAchievements(ctx, innobridge.ListingFilter{
		Statuses: []innobridge.Status{innobridge.StatusPublished}, ActiveOn: &today, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := m.Index().Len(); got != want {
		t.Errorf("index holds %d achievements, the store %d published and active", got, want)
	}
}

// TestWeakRecommendations: a demand no achievement answers gets the one
// sharing a common word marked weak, and a docking list leaves it out,
// while a demand with a real answer keeps it strong and listed.
func TestWeakRecommendations(t *testing.T) {
	f, m, arsenic := newMatching(t)
	f.mustAchievement(t, f.otherMember, &innobridge.Achievement{Listing: innobridge.Listing{
		ExternalID: "ach-pla", Title: "聚乳酸可降解复合材料", Description: "通过反应增容技术提高断裂伸长率。", Field: "4"}, TRL: 6})
	f.mustDemand(t, f.entMember, &innobridge.Demand{Listing: innobridge.Listing{
		ExternalID: "dem-ladle", Title: "钢包耐火材料长寿化", Description: "希望通过镁碳砖配方与砌筑工艺优化提高钢包炉龄。", Field: "4"}})
	recs, err := m.AchievementsForDemand(as(f.staff), "dem-ladle", 10)
	if err != nil {
		t.Fatal(err)
	}
	var pla *service.Recommendation
	for _, r := range recs {
		if r.Achievement.ExternalID == "ach-pla" {
			pla = r
		}
		if !r.Weak {
			t.Errorf("%s recommended for the ladle as strong: share %v, matched %v", r.Achievement.ExternalID, r.Why.Share, r.Why.Matched)
		}
	}
	if pla == nil || pla.Why.Share >= service.MinShare {
		t.Fatalf("the achievement sharing 通过 should be shown, weak: %+v", pla)
	}
	// The arsenic achievement answers the teaser demand.
	recs, err = m.AchievementsForDemand(as(f.staff), "dem-teaser", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) == 0 || recs[0].Achievement.ExternalID != arsenic.ExternalID || recs[0].Weak {
		t.Fatalf("arsenic should lead, strong: %v", recIDs(recs))
	}
	l, err := m.CreateDockingList(as(f.staff), service.DockingRequest{Name: "全部需求", TopN: 5})
	if err != nil {
		t.Fatal(err)
	}
	var teaser bool
	for _, it := range l.Items {
		if it.DemandExt == "dem-ladle" {
			t.Errorf("docking list pairs the ladle demand with %s, a weak match", it.AchievementExt)
		}
		teaser = teaser || it.DemandExt == "dem-teaser" && it.AchievementExt == arsenic.ExternalID
	}
	if !teaser {
		t.Errorf("docking list lacks the arsenic pair: %+v", l.Items)
	}
}

// TestExplanationInWords: the engine matches on character pairs, so the
// stretch 高炉煤气 and 转炉煤气 share is 炉煤气; recommendations say it in
// whole words, in both directions and on the docking list.
func TestExplanationInWords(t *testing.T) {
	f, m, _ := newMatching(t)
	f.mustAchievement(t, f.otherMember, &innobridge.Achievement{Listing: innobridge.Listing{
		ExternalID: "ach-bof", Title: "转炉煤气干法除尘与回收技术", Description: "优化静电除尘与煤气回收切换控制，提高转炉煤气回收量。", Field: "6"}, TRL: 8})
	f.mustDemand(t, f.entMember, &innobridge.Demand{Listing: innobridge.Listing{
		ExternalID: "dem-bf", Title: "高炉煤气放散率偏高", Description: "寻求高炉煤气平衡与回收技术。", Field: "6"}})
	recs, err := m.AchievementsForDemand(as(f.staff), "dem-bf", 10)
	if err != nil {
		t.Fatal(err)
	}
	back, err := m.DemandsForAchievement(as(f.staff), "ach-bof", 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		dir  string
		recs []*service.Recommendation
		id   string
	}{{"achievements for the demand", recs, "ach-bof"}, {"demands for the achievement", back, "dem-bf"}} {
		var got []string
		for _, r := range tc.recs {
			if r.Achievement != nil && r.Achievement.ExternalID == tc.id || r.Demand != nil && r.Demand.ExternalID == tc.id {
				got = r.Why.Matched
			}
		}
		if !slices.Contains(got, "煤气") || slices.Contains(got, "炉煤气") {
			t.Errorf("%s: %s matched %q, want 煤气 and not 炉煤气", tc.dir, tc.id, got)
		}
	}
	l, err := m.CreateDockingList(as(f.staff), service.DockingRequest{Name: "煤气", TopN: 5})
	if err != nil {
		t.Fatal(err)
	}
	var line string
	for _, it := range l.Items {
		if it.DemandExt == "dem-bf" && it.AchievementExt == "ach-bof" {
			line = it.Why
		}
	}
	if !strings.Contains(line, "煤气") || strings.Contains(line, "炉煤气") {
		t.Errorf("docking line %q: want 煤气 and not 炉煤气", line)
	}
}

// Each party reads its own tracked pairs, and the achievement's side of a
// private demand reads the pair without the demand until the demand's owner
// takes it into negotiation; it may decline it meanwhile by the pair's id,
// but neither take it into negotiation nor write over its note. A third
// organisation reads and changes none of it.
func TestPartyMatchLedger(t *testing.T) {
	f, m, arsenic := newMatching(t) // arsenic belongs to otherMember's organisation
	st := func(s innobridge.MatchStatus) *innobridge.MatchStatus { return &s }
	note := func(s string) *string { return &s }
	pair, err := m.TrackMatch(as(f.entMember), f.demPrivate.ExternalID, arsenic.ExternalID,
		innobridge.MatchUpdate{Status: st(innobridge.MatchContacted), Note: note("内部预算上限 80 万")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.TrackMatch(as(f.entMember), "dem-pub", arsenic.ExternalID, innobridge.MatchUpdate{}); err != nil {
		t.Fatal(err)
	}
	mine := func(u *innobridge.User) map[string]*innobridge.Match {
		t.Helper()
		list, n, err := m.FindMatches(as(u), innobridge.MatchFilter{})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]*innobridge.Match{}
		for _, p := range list {
			out[p.AchievementExt+"←"+p.DemandTitle] = p
		}
		if n != len(list) {
			t.Errorf("total %d for %d pairs", n, len(list))
		}
		return out
	}

	owner := mine(f.entMember)
	if p := owner["ach-arsenic←"+f.demPrivate.Title]; len(owner) != 2 || p == nil || p.Note != "内部预算上限 80 万" || p.DemandHidden {
		t.Errorf("the demand's owner reads %v; want both pairs, the private one whole", owner)
	}
	other := mine(f.otherMember)
	hidden := other["ach-arsenic←"]
	if len(other) != 2 || hidden == nil || !hidden.DemandHidden || hidden.DemandExt != "" || hidden.DemandOwner != "" || hidden.Note != "" {
		t.Fatalf("the achievement's side reads %+v; want the private demand unnamed and without its note", other)
	}
	if got := mine(f.uniMember); len(got) != 0 {
		t.Errorf("a third organisation reads %v", got)
	}
	_, _, err = m.FindMatches(as(f.expert), innobridge.MatchFilter{})
	wantCode(t, err, innobridge.EFORBIDDEN)

	// Changes by the pair's id.
	_, err = m.UpdateMatch(as(f.otherMember), hidden.ID, innobridge.MatchUpdate{Status: st(innobridge.MatchNegotiating)})
	wantCode(t, err, innobridge.EFORBIDDEN)
	_, err = m.UpdateMatch(as(f.otherMember), hidden.ID, innobridge.MatchUpdate{Note: note("")})
	wantCode(t, err, innobridge.EFORBIDDEN)
	_, err = m.UpdateMatch(as(f.uniMember), hidden.ID, innobridge.MatchUpdate{Status: st(innobridge.MatchContacted)})
	wantCode(t, err, innobridge.ENOTFOUND)
	_, err = m.UpdateMatch(as(f.staff), 4711, innobridge.MatchUpdate{})
	wantCode(t, err, innobridge.ENOTFOUND)
	got, err := m.UpdateMatch(as(f.otherMember), hidden.ID, innobridge.MatchUpdate{Status: st(innobridge.MatchRecommended)})
	if err != nil || got.Status != innobridge.MatchRecommended || !got.DemandHidden {
		t.Fatalf("the achievement's side moves the pair back: %+v, %v; want it done, the demand still unnamed", got, err)
	}
	if got, err = m.UpdateMatch(as(f.entMember), pair.ID, innobridge.MatchUpdate{Status: st(innobridge.MatchNegotiating)}); err != nil || got.DemandHidden {
		t.Fatalf("the owner takes the pair into negotiation: %+v, %v", got, err)
	}
	p := mine(f.otherMember)["ach-arsenic←"+f.demPrivate.Title]
	if p == nil || p.Note != "内部预算上限 80 万" || p.DemandExt != f.demPrivate.ExternalID {
		t.Fatalf("in negotiation the achievement's side reads %+v; want the demand named, with the note", p)
	}
	if _, err := m.UpdateMatch(as(f.otherMember), pair.ID, innobridge.MatchUpdate{Note: note("已提交报价")}); err != nil {
		t.Errorf("in negotiation the achievement's side writes the note: %v", err)
	}
	if n := f.auditCount(t, "update", f.demPrivate.ExternalID+"×"+arsenic.ExternalID); n != 3 {
		t.Errorf("audited updates = %d, want 3", n)
	}
}
