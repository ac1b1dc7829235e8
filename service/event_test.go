package service_test

import (
	"encoding/json"
	"fmt"
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
