package storetest

import (
	"testing"
	"time"

	"github.com/innobridge/innobridge"
)

var matchTests = []test{
	{"CreateAndFind", testMatches},
	{"Errors", testMatchErrors},
	{"UpdateAndCount", testUpdateMatch},
	{"LiveListings", testMatchLive},
}

var dockingTests = []test{
	{"CreateAndFind", testDockingLists},
	{"ItemState", testDockingItemState},
	{"ErrItemRollsBackList", testDockingListFailure},
}

// pairFixture stores two demands and three achievements; d1 is owned by
// 甲科技园 and a1 by 乙大学, the others by no one; d2 is private.
func pairFixture(t *testing.T, s innobridge.Store) (dems []*innobridge.Demand, achs []*innobridge.Achievement) {
	t.Helper()
	park := MustCreateOrganization(t, s, NewOrganization("o-park", "甲科技园", innobridge.OrgPark, "", ""))
	uni := MustCreateOrganization(t, s, NewOrganization("o-uni", "乙大学", innobridge.OrgUniversity, "", ""))
	for i, ext := range []string{"d1", "d2"} {
		d := &innobridge.Demand{Listing: innobridge.Listing{ExternalID: ext, Title: "需求" + ext,
			Status: innobridge.StatusPublished}, Confidentiality: innobridge.ConfPublic}
		if i == 0 {
			d.OwnerOrgID = park.ID
		} else {
			d.Confidentiality, d.Teaser = innobridge.ConfPrivate, "一项工艺改进需求"
		}
		dems = append(dems, MustCreateDemand(t, s, d))
	}
	for i, ext := range []string{"a1", "a2", "a3"} {
		owner := int64(0)
		if i == 0 {
			owner = uni.ID
		}
		achs = append(achs, MustCreateAchievement(t, s, NewAchievement(t, ext, "成果"+ext, "", owner)))
	}
	return dems, achs
}

// wantPair fills in the read-only fields FindMatches reports for a pair of
// pairFixture's listings.
func wantPair(m innobridge.Match, d *innobridge.Demand, a *innobridge.Achievement) *innobridge.Match {
	m.DemandExt, m.AchievementExt, m.DemandTitle, m.AchievementTitle = d.ExternalID, a.ExternalID, d.Title, a.Title
	m.DemandOrgID, m.AchievementOrgID, m.DemandConf = d.OwnerOrgID, a.OwnerOrgID, d.Confidentiality
	m.DemandOwner, m.AchievementOwner = "", ""
	if d.ExternalID == "d1" {
		m.DemandOwner = "甲科技园"
	}
	if a.ExternalID == "a1" {
		m.AchievementOwner = "乙大学"
	}
	return &m
}

func matchExts(list []*innobridge.Match) []string {
	var out []string
	for _, m := range list {
		out = append(out, m.DemandExt+"×"+m.AchievementExt)
	}
	return out
}

func testMatches(t *testing.T, b Backend) {
	s, clock := MustOpen(t, b)
	dems, achs := pairFixture(t, s)
	mk := func(d, a int, st innobridge.MatchStatus, score float64) *innobridge.Match {
		m := &innobridge.Match{DemandID: dems[d].ID, AchievementID: achs[a].ID, Status: st, Score: score, CreatedBy: 9, Note: "备注"}
		must(t, s.CreateMatch(t.Context(), m), "CreateMatch")
		return m
	}
	m1 := mk(0, 0, innobridge.MatchRecommended, 0.8125)
	if m1.ID == 0 || !m1.CreatedAt.Equal(clock.Peek()) || !m1.UpdatedAt.Equal(m1.CreatedAt) {
		t.Errorf("after CreateMatch ID %d, times %v/%v; want an ID and the clock's %v", m1.ID, m1.CreatedAt, m1.UpdatedAt, clock.Peek())
	}
	m2 := mk(0, 1, innobridge.MatchContacted, 0.5)
	mk(1, 1, innobridge.MatchRecommended, 0.25)
	mk(1, 2, innobridge.MatchSigned, 0.75)

	list, _, err := s.FindMatches(t.Context(), innobridge.MatchFilter{IDs: []int64{m1.ID}})
	must(t, err, "FindMatches")
	if len(list) != 1 {
		t.Fatalf("FindMatches(IDs %d): %d found", m1.ID, len(list))
	}
	same(t, "stored match", list[0], wantPair(*m1, dems[0], achs[0]))

	tests := []struct {
		name  string
		f     innobridge.MatchFilter
		want  []string
		total int
	}{
		{"AllNewestFirst", innobridge.MatchFilter{}, []string{"d2×a3", "d2×a2", "d1×a2", "d1×a1"}, 4},
		{"Demand", innobridge.MatchFilter{DemandIDs: []int64{dems[0].ID}}, []string{"d1×a2", "d1×a1"}, 2},
		{"Achievement", innobridge.MatchFilter{AchievementIDs: []int64{achs[1].ID}}, []string{"d2×a2", "d1×a2"}, 2},
		{"Both", innobridge.MatchFilter{DemandIDs: []int64{dems[1].ID}, AchievementIDs: []int64{achs[1].ID, achs[2].ID}},
			[]string{"d2×a3", "d2×a2"}, 2},
		{"Status", innobridge.MatchFilter{Statuses: []innobridge.MatchStatus{innobridge.MatchRecommended}}, []string{"d2×a2", "d1×a1"}, 2},
		{"Page", innobridge.MatchFilter{Offset: 1, Limit: 2}, []string{"d2×a2", "d1×a2"}, 4},
		{"None", innobridge.MatchFilter{Statuses: []innobridge.MatchStatus{innobridge.MatchDeclined}}, nil, 0},
		{"UpdatedBefore", innobridge.MatchFilter{UpdatedBefore: m2.UpdatedAt}, []string{"d1×a1"}, 1},
		{"PartyOwnsDemand", innobridge.MatchFilter{PartyOrgID: dems[0].OwnerOrgID}, []string{"d1×a2", "d1×a1"}, 2},
		{"PartyOwnsAchievement", innobridge.MatchFilter{PartyOrgID: achs[0].OwnerOrgID}, []string{"d1×a1"}, 1},
		{"PartyAndStatus", innobridge.MatchFilter{PartyOrgID: dems[0].OwnerOrgID, Statuses: []innobridge.MatchStatus{innobridge.MatchContacted}},
			[]string{"d1×a2"}, 1},
		{"PartyOfNone", innobridge.MatchFilter{PartyOrgID: 4711}, nil, 0},
		{"UpdatedBeforeAndStatus", innobridge.MatchFilter{UpdatedBefore: m2.UpdatedAt.Add(time.Microsecond),
			Statuses: []innobridge.MatchStatus{innobridge.MatchContacted}}, []string{"d1×a2"}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			list, total, err := s.FindMatches(t.Context(), tc.f)
			must(t, err, "FindMatches")
			same(t, "pairs", matchExts(list), tc.want)
			if total != tc.total {
				t.Errorf("total %d, want %d", total, tc.total)
			}
		})
	}
}

func testMatchErrors(t *testing.T, b Backend) {
	s, _ := MustOpen(t, b)
	dems, achs := pairFixture(t, s)
	must(t, s.CreateMatch(t.Context(), &innobridge.Match{DemandID: dems[0].ID, AchievementID: achs[0].ID, Status: innobridge.MatchRecommended}), "CreateMatch")
	tests := []struct {
		name  string
		m     *innobridge.Match
		code  string
		field string
	}{
		{"ErrPairTracked", &innobridge.Match{DemandID: dems[0].ID, AchievementID: achs[0].ID, Status: innobridge.MatchContacted}, innobridge.ECONFLICT, ""},
		{"ErrUnknownDemand", &innobridge.Match{DemandID: 999, AchievementID: achs[0].ID, Status: innobridge.MatchRecommended}, innobridge.EINVALID, ""},
		{"ErrUnknownAchievement", &innobridge.Match{DemandID: dems[0].ID, AchievementID: 999, Status: innobridge.MatchRecommended}, innobridge.EINVALID, ""},
		{"ErrStatus", &innobridge.Match{DemandID: dems[1].ID, AchievementID: achs[0].ID, Status: "married"}, innobridge.EINVALID, "status"},
		{"ErrReason", &innobridge.Match{DemandID: dems[1].ID, AchievementID: achs[0].ID, Status: innobridge.MatchDeclined, Reason: "moon"}, innobridge.EINVALID, "reason"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantCode(t, s.CreateMatch(t.Context(), tc.m), tc.code, tc.field)
		})
	}
	_, n, err := s.FindMatches(t.Context(), innobridge.MatchFilter{})
	must(t, err, "FindMatches")
	if n != 1 {
		t.Errorf("%d matches after failed creates, want 1", n)
	}
	_, err = s.UpdateMatch(t.Context(), 4711, innobridge.MatchUpdate{Note: ptr("x")})
	wantCode(t, err, innobridge.ENOTFOUND, "", "4711")
}

func testUpdateMatch(t *testing.T, b Backend) {
	s, clock := MustOpen(t, b)
	dems, achs := pairFixture(t, s)
	var ms []*innobridge.Match
	for i, a := range achs {
		m := &innobridge.Match{DemandID: dems[i%2].ID, AchievementID: a.ID, Status: innobridge.MatchRecommended, Score: float64(i)}
		must(t, s.CreateMatch(t.Context(), m), "CreateMatch")
		ms = append(ms, m)
	}
	got, err := s.UpdateMatch(t.Context(), ms[0].ID, innobridge.MatchUpdate{
		Status: ptr(innobridge.MatchDeclined), Reason: ptr(innobridge.DeclinePrice), Note: ptr("报价过高")})
	must(t, err, "UpdateMatch")
	want := wantPair(*ms[0], dems[0], achs[0])
	want.Status, want.Reason, want.Note, want.UpdatedAt = innobridge.MatchDeclined, innobridge.DeclinePrice, "报价过高", clock.Peek()
	same(t, "updated match", got, want)
	_, err = s.UpdateMatch(t.Context(), ms[1].ID, innobridge.MatchUpdate{Status: ptr(innobridge.MatchNegotiating)})
	must(t, err, "UpdateMatch")

	// The most recently changed pair comes first.
	list, _, err := s.FindMatches(t.Context(), innobridge.MatchFilter{})
	must(t, err, "FindMatches")
	same(t, "order after updates", matchExts(list), []string{"d2×a2", "d1×a1", "d1×a3"})
	list, _, err = s.FindMatches(t.Context(), innobridge.MatchFilter{Reasons: []innobridge.DeclineReason{innobridge.DeclinePrice}})
	must(t, err, "FindMatches by reason")
	same(t, "declined for price", matchExts(list), []string{"d1×a1"})
	list, _, err = s.FindMatches(t.Context(), innobridge.MatchFilter{Reasons: []innobridge.DeclineReason{innobridge.DeclineScope}})
	must(t, err, "FindMatches by reason")
	same(t, "declined for scope", matchExts(list), []string(nil))

	_, err = s.UpdateMatch(t.Context(), ms[2].ID, innobridge.MatchUpdate{Status: ptr(innobridge.MatchStatus("eloped"))})
	wantCode(t, err, innobridge.EINVALID, "status")

	counts := []struct {
		name string
		f    innobridge.MatchFilter
		want *innobridge.MatchCounts
	}{
		{"All", innobridge.MatchFilter{}, &innobridge.MatchCounts{
			ByStatus: map[innobridge.MatchStatus]int{innobridge.MatchDeclined: 1, innobridge.MatchNegotiating: 1, innobridge.MatchRecommended: 1},
			ByReason: map[innobridge.DeclineReason]int{innobridge.DeclinePrice: 1},
		}},
		// A status or reason in the filter does not narrow the counts, which
		// are there to be shown beside each.
		{"PartyWhateverStatus", innobridge.MatchFilter{PartyOrgID: dems[0].OwnerOrgID, Statuses: []innobridge.MatchStatus{innobridge.MatchSigned}},
			&innobridge.MatchCounts{
				ByStatus: map[innobridge.MatchStatus]int{innobridge.MatchDeclined: 1, innobridge.MatchRecommended: 1},
				ByReason: map[innobridge.DeclineReason]int{innobridge.DeclinePrice: 1},
			}},
		{"PartyOfNone", innobridge.MatchFilter{PartyOrgID: 4711}, &innobridge.MatchCounts{
			ByStatus: map[innobridge.MatchStatus]int{}, ByReason: map[innobridge.DeclineReason]int{}}},
		{"Quiet", innobridge.MatchFilter{UpdatedBefore: got.UpdatedAt.Add(time.Microsecond)}, &innobridge.MatchCounts{
			ByStatus: map[innobridge.MatchStatus]int{innobridge.MatchDeclined: 1, innobridge.MatchRecommended: 1},
			ByReason: map[innobridge.DeclineReason]int{innobridge.DeclinePrice: 1},
		}},
	}
	for _, tc := range counts {
		t.Run("Count"+tc.name, func(t *testing.T) {
			c, err := s.CountMatches(t.Context(), tc.f)
			must(t, err, "CountMatches")
			same(t, "counts", c, tc.want)
		})
	}
}

func testDockingLists(t *testing.T, b Backend) {
	s, clock := MustOpen(t, b)
	dems, achs := pairFixture(t, s)
	l := &innobridge.DockingList{Name: "2026年第一批对接清单", Field: "6", Region: "3205", TopN: 2, CreatedBy: 4, Items: []*innobridge.DockingItem{
		{DemandID: dems[1].ID, AchievementID: achs[2].ID, Rank: 2, Score: 0.5, Why: "领域相同"},
		{DemandID: dems[0].ID, AchievementID: achs[0].ID, Rank: 1, Score: 0.9, Why: "关键词: 煤气", State: innobridge.DockingAccepted},
		{DemandID: dems[1].ID, AchievementID: achs[1].ID, Rank: 1, Score: 0.7, Why: "TRL 合适"},
	}}
	must(t, s.CreateDockingList(t.Context(), l), "CreateDockingList")
	if l.ID == 0 || l.Pairs != 3 || !l.CreatedAt.Equal(clock.Peek()) {
		t.Errorf("after create ID %d, Pairs %d, CreatedAt %v", l.ID, l.Pairs, l.CreatedAt)
	}
	for i, it := range l.Items {
		if it.ID == 0 || it.ListID != l.ID {
			t.Errorf("item %d: ID %d, ListID %d", i, it.ID, it.ListID)
		}
	}
	if l.Items[0].State != innobridge.DockingProposed {
		t.Errorf("an item without state became %q, want proposed", l.Items[0].State)
	}
	got, err := s.FindDockingListByID(t.Context(), l.ID)
	must(t, err, "FindDockingListByID")
	want := *l
	want.Items = nil
	for _, i := range []int{1, 2, 0} { // by demand, then rank
		it := *l.Items[i]
		for _, d := range dems {
			if d.ID == it.DemandID {
				it.DemandExt, it.DemandTitle = d.ExternalID, d.Title
			}
		}
		for _, a := range achs {
			if a.ID == it.AchievementID {
				it.AchievementExt, it.AchievementTitle = a.ExternalID, a.Title
			}
		}
		want.Items = append(want.Items, &it)
	}
	same(t, "stored docking list", got, &want)

	second := &innobridge.DockingList{Name: "空清单", TopN: 5}
	must(t, s.CreateDockingList(t.Context(), second), "CreateDockingList(empty)")
	lists, n, err := s.FindDockingLists(t.Context(), 0, 10)
	must(t, err, "FindDockingLists")
	if n != 2 || len(lists) != 2 || lists[0].ID != second.ID || lists[1].ID != l.ID {
		t.Fatalf("FindDockingLists: %d of %d, want the empty list then the first", len(lists), n)
	}
	if lists[1].Pairs != 3 || lists[1].Items != nil || lists[0].Pairs != 0 {
		t.Errorf("list summaries: pairs %d and %d, items %v; want 0 and 3 without items", lists[0].Pairs, lists[1].Pairs, lists[1].Items)
	}
	lists, n, err = s.FindDockingLists(t.Context(), 1, 1)
	must(t, err, "FindDockingLists(page)")
	if n != 2 || len(lists) != 1 || lists[0].ID != l.ID {
		t.Errorf("FindDockingLists(1, 1): %d lists of %d", len(lists), n)
	}
	_, err = s.FindDockingListByID(t.Context(), 31337)
	wantCode(t, err, innobridge.ENOTFOUND, "", "31337")
}

func testDockingItemState(t *testing.T, b Backend) {
	s, _ := MustOpen(t, b)
	dems, achs := pairFixture(t, s)
	mk := func(name string) *innobridge.DockingList {
		l := &innobridge.DockingList{Name: name, TopN: 1, Items: []*innobridge.DockingItem{{DemandID: dems[0].ID, AchievementID: achs[0].ID, Rank: 1}}}
		must(t, s.CreateDockingList(t.Context(), l), "CreateDockingList")
		return l
	}
	l1, l2 := mk("一"), mk("二")
	it := l1.Items[0]
	got, err := s.SetDockingItemState(t.Context(), l1.ID, it.ID, innobridge.DockingRemoved)
	must(t, err, "SetDockingItemState")
	if got.ID != it.ID || got.State != innobridge.DockingRemoved || got.DemandExt != "d1" || got.AchievementTitle != "成果a1" {
		t.Errorf("SetDockingItemState returned %+v", got)
	}
	stored, err := s.FindDockingListByID(t.Context(), l1.ID)
	must(t, err, "FindDockingListByID")
	if stored.Items[0].State != innobridge.DockingRemoved {
		t.Errorf("stored state %q, want removed", stored.Items[0].State)
	}
	// An item of another list is not found through this one.
	_, err = s.SetDockingItemState(t.Context(), l2.ID, it.ID, innobridge.DockingAccepted)
	wantCode(t, err, innobridge.ENOTFOUND, "")
	_, err = s.SetDockingItemState(t.Context(), l1.ID, it.ID, "burnt")
	wantCode(t, err, innobridge.EINVALID, "state")
	stored, err = s.FindDockingListByID(t.Context(), l1.ID)
	must(t, err, "FindDockingListByID")
	if stored.Items[0].State != innobridge.DockingRemoved {
		t.Errorf("state %q after failed changes, want removed", stored.Items[0].State)
	}
}

func testDockingListFailure(t *testing.T, b Backend) {
	s, _ := MustOpen(t, b)
	dems, achs := pairFixture(t, s)
	l := &innobridge.DockingList{Name: "坏清单", TopN: 2, Items: []*innobridge.DockingItem{
		{DemandID: dems[0].ID, AchievementID: achs[0].ID, Rank: 1},
		{DemandID: dems[0].ID, AchievementID: 4040, Rank: 2, DemandExt: "d1", AchievementExt: "ghost"},
	}}
	wantCode(t, s.CreateDockingList(t.Context(), l), innobridge.EINVALID, "", "ghost")
	_, n, err := s.FindDockingLists(t.Context(), 0, 0)
	must(t, err, "FindDockingLists")
	if n != 0 {
		t.Errorf("%d docking lists after a failed create, want 0", n)
	}
}

// testMatchLive: LiveOn keeps the pairs whose two listings are published
// and not expired on the day; a listing expiring that day is still live.
func testMatchLive(t *testing.T, b Backend) {
	s, clock := MustOpen(t, b)
	dems, achs := pairFixture(t, s)
	for _, a := range achs {
		must(t, s.CreateMatch(t.Context(), &innobridge.Match{DemandID: dems[0].ID, AchievementID: a.ID, Status: innobridge.MatchContacted}), "CreateMatch")
	}
	must(t, s.CreateMatch(t.Context(), &innobridge.Match{DemandID: dems[1].ID, AchievementID: achs[0].ID, Status: innobridge.MatchContacted}), "CreateMatch")
	today := innobridge.NewDate(clock.Peek())
	yesterday := innobridge.NewDate(clock.Peek().AddDate(0, 0, -1))
	withdrawn, expired, due := innobridge.StatusWithdrawn, &yesterday, &today
	_, err := s.UpdateAchievement(t.Context(), achs[1].ID, innobridge.AchievementUpdate{Status: &withdrawn})
	must(t, err, "UpdateAchievement(withdrawn)")
	_, err = s.UpdateAchievement(t.Context(), achs[2].ID, innobridge.AchievementUpdate{ExpiresAt: &due})
	must(t, err, "UpdateAchievement(expires today)")
	_, err = s.UpdateDemand(t.Context(), dems[1].ID, innobridge.DemandUpdate{ExpiresAt: &expired})
	must(t, err, "UpdateDemand(expired)")

	list, n, err := s.FindMatches(t.Context(), innobridge.MatchFilter{LiveOn: &today})
	must(t, err, "FindMatches(LiveOn)")
	same(t, "live pairs", matchExts(list), []string{"d1×a3", "d1×a1"})
	if n != 2 {
		t.Errorf("total %d, want 2", n)
	}
	c, err := s.CountMatches(t.Context(), innobridge.MatchFilter{LiveOn: &today})
	must(t, err, "CountMatches(LiveOn)")
	same(t, "live counts", c.ByStatus, map[innobridge.MatchStatus]int{innobridge.MatchContacted: 2})
}
