package service_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/innobridge/innobridge"
	"github.com/innobridge/innobridge/service"
)

// mustEvent creates an event as staff, starting a week after the fixture's
// clock.
func (f *fixture) mustEvent(t *testing.T, name string) *innobridge.Event {
	t.Helper()
	e := &innobridge.Event{Name: name, Kind: innobridge.EventRoadshow, StartsAt: f.clock.Now().Add(7 * 24 * time.Hour), Venue: "苏州国际博览中心"}
	if err := f.svc.CreateEvent(as(f.staff), e); err != nil {
		t.Fatalf("CreateEvent(%s): %v", name, err)
	}
	return e
}

func TestEventAuthorisation(t *testing.T) {
	f := newFixture(t)
	e := f.mustEvent(t, "三月路演")
	starts := f.clock.Now().Add(48 * time.Hour)
	for _, tc := range []struct {
		name string
		user *innobridge.User
		code string // of every change; "" means allowed
		view string // of viewing
	}{
		{"Anonymous", nil, innobridge.EUNAUTHORIZED, innobridge.EUNAUTHORIZED},
		{"Member", f.entMember, innobridge.EFORBIDDEN, ""},
		{"Expert", f.expert, innobridge.EFORBIDDEN, ""},
		{"Staff", f.staff, "", ""},
		{"Admin", f.admin, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := as(tc.user)
			err := f.svc.CreateEvent(ctx, &innobridge.Event{Name: tc.name + "的对接会", Kind: innobridge.EventDocking, StartsAt: starts})
			wantCode(t, err, tc.code)
			_, err = f.svc.UpdateEvent(ctx, e.ID, innobridge.EventUpdate{Venue: ptr(tc.name + "会场")})
			wantCode(t, err, tc.code)
			_, err = f.svc.AddEventListings(ctx, e.ID, []string{"ach-pub"}, nil)
			if tc.code != "" {
				wantCode(t, err, tc.code)
			} else if err != nil {
				// the second privileged user finds it on the event already
				wantCode(t, err, innobridge.EINVALID)
			}
			_, _, err = f.svc.FindEvents(ctx, innobridge.EventFilter{})
			wantCode(t, err, tc.view)
			_, err = f.svc.FindEventByID(ctx, e.ID)
			wantCode(t, err, tc.view)
		})
	}
	list, n, err := f.svc.FindEvents(as(f.entMember), innobridge.EventFilter{})
	if err != nil || n != 3 || len(list) != 3 {
		t.Fatalf("FindEvents: %d of %d, %v; want the fixture's and two by staff and admin", len(list), n, err)
	}
	if got := f.auditCount(t, "create", fmt.Sprint(e.ID)); got != 1 {
		t.Errorf("%d create audit entries for the event, want 1", got)
	}
	if got := f.auditCount(t, "update", fmt.Sprint(e.ID)); got != 3 {
		t.Errorf("%d update audit entries for the event, want 3 (two edits, one add)", got)
	}
}

func TestEventListingsByExternalID(t *testing.T) {
	f := newFixture(t)
	e := f.mustEvent(t, "三月路演")
	staff := as(f.staff)
	_, err := f.svc.AddEventListings(staff, e.ID, []string{"ach-pub"}, []string{"dem-pub"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name       string
		achs, dems []string
		field, ids string
	}{
		{"ErrUnknown", []string{"ach-nope"}, nil, "achievements", "ach-nope"},
		{"ErrDraft", []string{"ach-draft"}, []string{"dem-teaser"}, "achievements", "ach-draft"},
		{"ErrExpired", []string{"ach-expired"}, []string{"dem-teaser"}, "achievements", "ach-expired"},
		{"ErrUnknownDemandAmongGood", []string{"ach-expired"}, []string{"dem-teaser", "dem-gone"}, "demands", "dem-gone"},
		{"ErrOnEventAlready", nil, []string{"dem-teaser", "dem-pub"}, "demands", "dem-pub"},
		{"ErrEmpty", nil, []string{" "}, "achievements", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.svc.AddEventListings(staff, e.ID, tc.achs, tc.dems)
			wantCode(t, err, innobridge.EINVALID)
			fe := err.(*innobridge.Error).Fields[tc.field]
			if fe.Code == "" || !strings.Contains(fe.Message, tc.ids) {
				t.Errorf("error %v does not name %q under %s", err, tc.ids, tc.field)
			}
			d, err := f.svc.FindEventByID(staff, e.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(d.Achievements) != 1 || len(d.Demands) != 1 {
				t.Errorf("after a refused add the event has %d achievements and %d demands, want 1 and 1", len(d.Achievements), len(d.Demands))
			}
		})
	}
	_, err = f.svc.AddEventListings(staff, 999, []string{"ach-pub"}, nil)
	wantCode(t, err, innobridge.ENOTFOUND)
	// An id given twice counts once.
	if _, err := f.svc.AddEventListings(staff, e.ID, nil, []string{"dem-teaser", "dem-teaser"}); err != nil {
		t.Fatal(err)
	}
	wantCode(t, f.svc.RemoveEventListing(as(f.entMember), e.ID, "", "dem-teaser"), innobridge.EFORBIDDEN)
	if err := f.svc.RemoveEventListing(staff, e.ID, "", "dem-teaser"); err != nil {
		t.Fatal(err)
	}
	wantCode(t, f.svc.RemoveEventListing(staff, e.ID, "", "dem-teaser"), innobridge.ENOTFOUND)
	wantCode(t, f.svc.RemoveEventListing(staff, e.ID, innobridge.KindAchievement, "dem-pub"), innobridge.ENOTFOUND)
}

// TestEventShowsDemandsAsTheirList checks that an event page shows each
// reader a confidential demand as the demand list does.
func TestEventShowsDemandsAsTheirList(t *testing.T) {
	f := newFixture(t)
	e := f.mustEvent(t, "三月路演")
	if _, err := f.svc.AddEventListings(as(f.staff), e.ID, []string{"ach-pub"}, []string{"dem-private", "dem-teaser", "dem-pub"}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		user     *innobridge.User
		want     []string // the demands seen, in the order added
		full     bool     // the teaser demand's text is shown
		mayLeak  bool     // the reader may see the secrets (staff: the private title, as in the list)
		wantAchs int
	}{
		{"Owner", f.entMember, []string{"dem-private", "dem-teaser", "dem-pub"}, true, true, 1},
		{"Staff", f.staff, []string{"dem-private", "dem-teaser", "dem-pub"}, false, true, 1},
		{"OtherMember", f.uniMember, []string{"dem-teaser", "dem-pub"}, false, false, 1},
		{"Expert", f.expert, []string{"dem-teaser", "dem-pub"}, false, false, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := f.svc.FindEventByID(as(tc.user), e.ID)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, x := range d.Demands {
				got = append(got, x.ExternalID)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("demands %v, want %v", got, tc.want)
			}
			if len(d.Achievements) != tc.wantAchs {
				t.Errorf("%d achievements, want %d", len(d.Achievements), tc.wantAchs)
			}
			// The same reader's demand list shows the same.
			list, _, err := f.svc.FindDemands(as(tc.user), innobridge.ListingFilter{})
			if err != nil {
				t.Fatal(err)
			}
			for _, x := range d.Demands {
				i := slices.IndexFunc(list, func(y *innobridge.Demand) bool { return y.ID == x.ID })
				if i < 0 {
					t.Errorf("%s is on the event page but not in the demand list", x.ExternalID)
				} else if x.Hidden != list[i].Hidden || x.Description != list[i].Description {
					t.Errorf("%s: event page hidden=%v, list hidden=%v", x.ExternalID, x.Hidden, list[i].Hidden)
				}
				if x.ExternalID == "dem-teaser" && (x.Description == teaserSecret) != tc.full {
					t.Errorf("teaser demand shown in full: %v, want %v", x.Description == teaserSecret, tc.full)
				}
			}
			if !tc.mayLeak {
				mustNotLeak(t, "event", d)
			}
			if b, _ := json.Marshal(d); !tc.full && (strings.Contains(string(b), teaserSecret) || strings.Contains(string(b), privateSecret)) {
				t.Errorf("event shows a confidential demand's text: %s", b)
			}
		})
	}
}

// TestDockingListByEvent checks that an event's docking list pairs only
// its demands with only its achievements, where unrestricted lists do not.
func TestDockingListByEvent(t *testing.T) {
	f, m, _ := newMatching(t)
	// A better match for the event's demand that is not on the event.
	f.mustAchievement(t, f.otherMember, &innobridge.Achievement{Listing: innobridge.Listing{
		ExternalID: "ach-converter", Title: "转炉煤气回收利用率提升技术", Description: "提高转炉煤气回收率与煤气利用率，寻求合作企业。",
		Keywords: []string{"煤气", "转炉煤气"}, Field: "6"}, TRL: 7})
	// A demand not on the event that matches the event's achievement.
	f.mustDemand(t, f.entMember, &innobridge.Demand{Listing: innobridge.Listing{
		ExternalID: "dem-heat", Title: "高炉煤气余热回收", Description: "回收高炉煤气显热。", Keywords: []string{"余热"}, Field: "6"}})
	staff := as(f.staff)
	e := f.mustEvent(t, "煤气专场路演")
	if _, err := f.svc.AddEventListings(staff, e.ID, []string{"ach-pub"}, []string{"dem-pub"}); err != nil {
		t.Fatal(err)
	}

	all, err := m.CreateDockingList(staff, service.DockingRequest{Name: "全部", TopN: 5})
	if err != nil {
		t.Fatal(err)
	}
	var demands, achs []string
	for _, it := range all.Items {
		demands, achs = append(demands, it.DemandExt), append(achs, it.AchievementExt)
	}
	if !slices.Contains(demands, "dem-heat") || !slices.Contains(achs, "ach-converter") {
		t.Fatalf("the unrestricted list lacks dem-heat or ach-converter (demands %v, achievements %v): the test proves nothing", demands, achs)
	}

	l, err := m.CreateDockingList(staff, service.DockingRequest{EventID: e.ID, TopN: 5})
	if err != nil {
		t.Fatal(err)
	}
	if l.EventID != e.ID || l.EventName != "煤气专场路演" || l.Name != "煤气专场路演 对接清单" {
		t.Errorf("list event %d %q, name %q", l.EventID, l.EventName, l.Name)
	}
	if len(l.Items) == 0 {
		t.Fatal("the event's list is empty")
	}
	for _, it := range l.Items {
		if it.DemandExt != "dem-pub" || it.AchievementExt != "ach-pub" {
			t.Errorf("pair %s×%s is not of the event", it.DemandExt, it.AchievementExt)
		}
	}
	got, err := m.FindDockingListByID(staff, l.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.EventName != e.Name {
		t.Errorf("stored list names event %q, want %q", got.EventName, e.Name)
	}

	// With no achievements on the event, its demands meet all of them.
	if err := f.svc.RemoveEventListing(staff, e.ID, innobridge.KindAchievement, "ach-pub"); err != nil {
		t.Fatal(err)
	}
	l, err = m.CreateDockingList(staff, service.DockingRequest{EventID: e.ID, Name: "开放清单", TopN: 5})
	if err != nil {
		t.Fatal(err)
	}
	achs = nil
	for _, it := range l.Items {
		if it.DemandExt != "dem-pub" {
			t.Errorf("pair %s×%s: the demand is not of the event", it.DemandExt, it.AchievementExt)
		}
		achs = append(achs, it.AchievementExt)
	}
	if !slices.Contains(achs, "ach-converter") {
		t.Errorf("an event without achievements: list offers %v, want any achievement, ach-converter among them", achs)
	}

	_, err = m.CreateDockingList(as(f.entMember), service.DockingRequest{EventID: e.ID})
	wantCode(t, err, innobridge.EFORBIDDEN)
	_, err = m.CreateDockingList(staff, service.DockingRequest{EventID: 4242})
	wantCode(t, err, innobridge.ENOTFOUND)
	empty := f.mustEvent(t, "空活动")
	_, err = m.CreateDockingList(staff, service.DockingRequest{EventID: empty.ID})
	wantCode(t, err, innobridge.EINVALID)
}

// TestCancelEvent checks who may cancel an event, that a reason is needed,
// that it is audited once, and that a cancelled event stays readable but
// refuses every change, naming itself.
func TestCancelEvent(t *testing.T) {
	f, m, _ := newMatching(t)
	staff := as(f.staff)
	e := f.mustEvent(t, "三月路演")
	if _, err := f.svc.AddEventListings(staff, e.ID, []string{"ach-pub"}, []string{"dem-pub", "dem-teaser"}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		user   *innobridge.User
		id     int64
		reason string
		code   string
	}{
		{"ErrAnonymous", nil, e.ID, "场地冲突", innobridge.EUNAUTHORIZED},
		{"ErrMember", f.entMember, e.ID, "场地冲突", innobridge.EFORBIDDEN},
		{"ErrExpert", f.expert, e.ID, "场地冲突", innobridge.EFORBIDDEN},
		{"ErrReasonRequired", f.staff, e.ID, "  ", innobridge.EINVALID},
		{"ErrNotFound", f.staff, 4711, "场地冲突", innobridge.ENOTFOUND},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.svc.CancelEvent(as(tc.user), tc.id, tc.reason)
			wantCode(t, err, tc.code)
		})
	}
	if got := f.auditCount(t, "cancel", fmt.Sprint(e.ID)); got != 0 {
		t.Fatalf("%d cancel audit entries after refused cancels, want 0", got)
	}
	got, err := f.svc.CancelEvent(staff, e.ID, " 主讲单位无法到场 ")
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != innobridge.EventCancelled || got.CancelReason != "主讲单位无法到场" || got.CancelledAt == nil {
		t.Errorf("cancelled event: status %q reason %q at %v", got.Status, got.CancelReason, got.CancelledAt)
	}
	if n := f.auditCount(t, "cancel", fmt.Sprint(e.ID)); n != 1 {
		t.Errorf("%d cancel audit entries, want 1", n)
	}

	// Readable by every signed-in user, with its listings.
	d, err := f.svc.FindEventByID(as(f.uniMember), e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d.Status != innobridge.EventCancelled || d.CancelReason != "主讲单位无法到场" || len(d.Achievements) != 1 || len(d.Demands) != 2 {
		t.Errorf("a member reads the cancelled event: status %q reason %q, %d achievements, %d demands",
			d.Status, d.CancelReason, len(d.Achievements), len(d.Demands))
	}

	for _, tc := range []struct {
		name string
		do   func() error
	}{
		{"ErrCancelAgain", func() error { _, err := f.svc.CancelEvent(staff, e.ID, "再取消"); return err }},
		{"ErrEdit", func() error {
			_, err := f.svc.UpdateEvent(staff, e.ID, innobridge.EventUpdate{Venue: ptr("线上")})
			return err
		}},
		{"ErrAddListings", func() error { _, err := f.svc.AddEventListings(staff, e.ID, []string{"ach-arsenic"}, nil); return err }},
		{"ErrRemoveListing", func() error { return f.svc.RemoveEventListing(staff, e.ID, "", "dem-teaser") }},
		{"ErrDockingList", func() error { _, err := m.CreateDockingList(staff, service.DockingRequest{EventID: e.ID}); return err }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.do()
			wantCode(t, err, innobridge.ECONFLICT)
			if !strings.Contains(err.Error(), "三月路演") || !strings.Contains(err.Error(), "已取消") {
				t.Errorf("error %q does not name the cancelled event", err)
			}
		})
	}
	d, err = f.svc.FindEventByID(staff, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d.Venue != "苏州国际博览中心" || len(d.Achievements) != 1 || len(d.Demands) != 2 {
		t.Errorf("the cancelled event changed: venue %q, %d achievements, %d demands", d.Venue, len(d.Achievements), len(d.Demands))
	}
	if n := f.auditCount(t, "update", fmt.Sprint(e.ID)); n != 1 {
		t.Errorf("%d update audit entries, want 1 (the add before cancelling)", n)
	}
	lists, _, err := m.FindDockingLists(staff, 0, 10)
	if err != nil || len(lists) != 0 {
		t.Errorf("docking lists after a refused one: %d, %v", len(lists), err)
	}
}

// TestEventLapsedListings checks that listings withdrawn or expired since
// they were put on an event are marked for staff, hidden from others (as
// in the lists), left out of the event's docking list, and still removable.
func TestEventLapsedListings(t *testing.T) {
	f, m, arsenic := newMatching(t)
	staff := as(f.staff)
	soon := innobridge.NewDate(f.clock.Now().AddDate(0, 0, 2))
	f.mustAchievement(t, f.otherMember, &innobridge.Achievement{Listing: innobridge.Listing{
		ExternalID: "ach-soon", Title: "转炉煤气回收利用率提升技术", Description: "提高转炉煤气回收率与煤气利用率。",
		Keywords: []string{"煤气", "转炉煤气"}, Field: "6", ExpiresAt: &soon}, TRL: 7})
	f.mustDemand(t, f.entMember, &innobridge.Demand{Listing: innobridge.Listing{
		ExternalID: "dem-soon", Title: "含砷废水处理", Description: "含砷工业废水需膜分离处理，回收砷。",
		Keywords: []string{"膜分离", "砷回收"}, Field: "6", ExpiresAt: &soon}})
	e := f.mustEvent(t, "煤气与废水专场")
	if _, err := f.svc.AddEventListings(staff, e.ID, []string{"ach-pub", "ach-arsenic", "ach-soon"}, []string{"dem-pub", "dem-soon"}); err != nil {
		t.Fatal(err)
	}
	pairs := func(l *innobridge.DockingList) (demands, achs []string) {
		for _, it := range l.Items {
			demands, achs = append(demands, it.DemandExt), append(achs, it.AchievementExt)
		}
		return demands, achs
	}
	before, err := m.CreateDockingList(staff, service.DockingRequest{EventID: e.ID, TopN: 5})
	if err != nil {
		t.Fatal(err)
	}
	if ds, as := pairs(before); !slices.Contains(ds, "dem-soon") || !slices.Contains(as, "ach-soon") || !slices.Contains(as, "ach-arsenic") {
		t.Fatalf("before they lapse the list lacks dem-soon, ach-soon or ach-arsenic (demands %v, achievements %v): the test proves nothing", ds, as)
	}

	// ach-arsenic is withdrawn by its owner; three days on, the two "soon" ones have expired.
	if _, err := f.svc.UpdateAchievement(as(f.otherMember), arsenic.ID, innobridge.AchievementUpdate{Status: ptr(innobridge.StatusWithdrawn)}); err != nil {
		t.Fatal(err)
	}
	f.clock.Add(3 * 24 * time.Hour)

	lapses := func(d *service.EventDetail) map[string]innobridge.Lapse {
		out := map[string]innobridge.Lapse{}
		for _, a := range d.Achievements {
			out[a.ExternalID] = a.Lapsed
		}
		for _, x := range d.Demands {
			out[x.ExternalID] = x.Lapsed
		}
		return out
	}
	d, err := f.svc.FindEventByID(staff, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]innobridge.Lapse{"ach-pub": "", "ach-arsenic": innobridge.LapseWithdrawn, "ach-soon": innobridge.LapseExpired,
		"dem-pub": "", "dem-soon": innobridge.LapseExpired}
	if got := lapses(d); !maps.Equal(got, want) {
		t.Errorf("staff see lapses %v, want %v", got, want)
	}
	d, err = f.svc.FindEventByID(as(f.uniMember), e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got := lapses(d); !maps.Equal(got, map[string]innobridge.Lapse{"ach-pub": "", "dem-pub": ""}) {
		t.Errorf("a member sees %v, want only the current ach-pub and dem-pub", got)
	}

	after, err := m.CreateDockingList(staff, service.DockingRequest{EventID: e.ID, TopN: 5})
	if err != nil {
		t.Fatal(err)
	}
	ds, achs := pairs(after)
	for _, x := range []string{"dem-soon", "ach-soon", "ach-arsenic"} {
		if slices.Contains(ds, x) || slices.Contains(achs, x) {
			t.Errorf("the docking list made after they lapsed pairs %s (demands %v, achievements %v)", x, ds, achs)
		}
	}
	if len(after.Items) == 0 {
		t.Errorf("the docking list made after the lapses is empty; want ach-pub × dem-pub")
	}

	// Staff take a lapsed listing off the event as any other.
	if err := f.svc.RemoveEventListing(staff, e.ID, "", "ach-soon"); err != nil {
		t.Fatal(err)
	}
	d, err = f.svc.FindEventByID(staff, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := lapses(d)["ach-soon"]; ok || len(d.Achievements) != 2 {
		t.Errorf("after removing ach-soon the event has %d achievements: %v", len(d.Achievements), lapses(d))
	}

	// Once its last current demand is withdrawn too, the event gets no
	// empty docking list but an error that says why.
	if _, err := f.svc.UpdateDemand(as(f.entMember), f.demPublic.ID, innobridge.DemandUpdate{Status: ptr(innobridge.StatusWithdrawn)}); err != nil {
		t.Fatal(err)
	}
	_, err = m.CreateDockingList(staff, service.DockingRequest{EventID: e.ID, TopN: 5})
	wantCode(t, err, innobridge.EINVALID)
	if e, ok := err.(*innobridge.Error); !ok || e.Fields["event"].Code != "lapsed" {
		t.Errorf("docking list of an event whose demands all lapsed: %v, want EINVALID on event", err)
	}
}
