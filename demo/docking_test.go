package demo_test

import (
	"context"
	"io"
	"slices"
	"testing"

	"github.com/innobridge/innobridge"
	"github.com/innobridge/innobridge/demo"
	"github.com/innobridge/innobridge/match"
	"github.com/innobridge/innobridge/service"
)

// TestDocking: the demo roadshow's docking list pairs the event's demands
// with its achievements only, and its pairs stand at the stages Docking
// moves them to.
func TestDocking(t *testing.T) {
	ctx := context.Background()
	svc := MustOpenService(t)
	if _, err := demo.Load(ctx, svc, io.Discard); err != nil {
		t.Fatal(err)
	}
	m := service.NewMatching(svc, match.Options{NoSegment: true})
	if err := demo.Docking(ctx, svc, m); err != nil {
		t.Fatal(err)
	}
	staff := staffContext(t, svc)
	lists, n, err := m.FindDockingLists(staff, 0, 10)
	if err != nil || n != 1 {
		t.Fatalf("docking lists: %d, %v; want the demo event's one", n, err)
	}
	l, err := m.FindDockingListByID(staff, lists[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	ev, err := svc.FindEventByID(staff, l.EventID)
	if err != nil {
		t.Fatalf("the list's event %d: %v", l.EventID, err)
	}
	onAch, onDem := map[string]bool{}, map[string]bool{}
	for _, a := range ev.Achievements {
		onAch[a.ExternalID] = true
	}
	for _, d := range ev.Demands {
		onDem[d.ExternalID] = true
	}
	if len(l.Items) == 0 {
		t.Fatal("the demo docking list is empty")
	}
	for _, it := range l.Items {
		if !onDem[it.DemandExt] || !onAch[it.AchievementExt] {
			t.Errorf("pair %s×%s: not both on the event %q", it.DemandExt, it.AchievementExt, ev.Name)
		}
	}
	c, err := m.CountMatches(staff, innobridge.MatchFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for st, want := range map[innobridge.MatchStatus]int{innobridge.MatchSigned: 1, innobridge.MatchNegotiating: 1,
		innobridge.MatchContacted: 2, innobridge.MatchDeclined: 1} { // one contacted pair is the confidential one
		if c.ByStatus[st] != want {
			t.Errorf("%s pairs: %d, want %d (counts %v)", st, c.ByStatus[st], want, c.ByStatus)
		}
	}
	if c.ByReason[innobridge.DeclinePrice] != 1 {
		t.Errorf("declined for price: %d, want 1", c.ByReason[innobridge.DeclinePrice])
	}
	pairs, _, err := m.FindMatches(staff, innobridge.MatchFilter{Statuses: []innobridge.MatchStatus{innobridge.MatchContacted}})
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(pairs, func(p *innobridge.Match) bool { return p.DemandConf == innobridge.ConfPrivate })
	if i < 0 || !pairs[i].PartyView(pairs[i].AchievementOrgID).DemandHidden || pairs[i].AchievementOrgID == 0 {
		t.Errorf("no contacted pair of a private demand hidden from its achievement's side: %+v", pairs)
	}
}
