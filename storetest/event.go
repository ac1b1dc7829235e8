package storetest

import (
	"sync"
	"testing"
	"time"

	"github.com/innobridge/innobridge"
)

var eventTests = []test{
	{"CreateAndFind", testEvents},
	{"Update", testUpdateEvent},
	{"Cancel", testCancelEvent},
	{"CancelOnceAtOnce", testCancelEventRace},
	{"PastAndUpcomingPages", testEventPages},
	{"Listings", testEventListings},
	{"ErrListingsAllOrNone", testEventListingsAtomic},
	{"DockingListByEvent", testDockingListEvent},
}

// newEvent returns an event starting days after Epoch.
func newEvent(name string, kind innobridge.EventKind, days int) *innobridge.Event {
	return &innobridge.Event{Name: name, Kind: kind, StartsAt: Epoch.Add(time.Duration(days) * 24 * time.Hour),
		Venue: "苏州国际博览中心", Field: "6", Region: "320500", Description: "介绍", CreatedBy: 7}
}

func eventNames(list []*innobridge.Event) []string {
	var out []string
	for _, e := range list {
		out = append(out, e.Name)
	}
	return out
}

func listingExts(list []*innobridge.EventListing) []string {
	var out []string
	for _, l := range list {
		out = append(out, string(l.Kind)+":"+l.ExternalID)
	}
	return out
}

func testEvents(t *testing.T, b Backend) {
	s, clock := MustOpen(t, b)
	past := newEvent("往期路演", innobridge.EventRoadshow, -10)
	soon := newEvent("三月路演", innobridge.EventRoadshow, 3)
	later := newEvent("四月对接会", innobridge.EventDocking, 30)
	later.Field, later.Region, later.Description = "", "", ""
	for _, e := range []*innobridge.Event{later, past, soon} {
		must(t, s.CreateEvent(t.Context(), e), "CreateEvent")
	}
	if soon.ID == 0 || !soon.CreatedAt.Equal(clock.Peek()) || !soon.UpdatedAt.Equal(soon.CreatedAt) {
		t.Errorf("after CreateEvent ID %d, times %v/%v; want an ID and the clock's %v", soon.ID, soon.CreatedAt, soon.UpdatedAt, clock.Peek())
	}
	got, err := s.FindEventByID(t.Context(), later.ID)
	must(t, err, "FindEventByID")
	same(t, "stored event", got, later)

	now := Epoch
	tests := []eventPageCase{
		{"AllLatestFirst", innobridge.EventFilter{}, []string{"四月对接会", "三月路演", "往期路演"}, 3},
		{"UpcomingSoonestFirst", innobridge.EventFilter{From: &now}, []string{"三月路演", "四月对接会"}, 2},
		{"Past", innobridge.EventFilter{Before: &now}, []string{"往期路演"}, 1},
		{"Page", innobridge.EventFilter{From: &now, Offset: 1, Limit: 1}, []string{"四月对接会"}, 2},
	}
	checkEventPages(t, s, tests)
	_, err = s.FindEventByID(t.Context(), 31337)
	wantCode(t, err, innobridge.ENOTFOUND, "", "31337")
	wantCode(t, s.CreateEvent(t.Context(), &innobridge.Event{Name: "坏", Kind: "party", StartsAt: Epoch}), innobridge.EINVALID, "kind")
}

func testUpdateEvent(t *testing.T, b Backend) {
	s, clock := MustOpen(t, b)
	e := newEvent("三月路演", innobridge.EventRoadshow, 3)
	must(t, s.CreateEvent(t.Context(), e), "CreateEvent")
	at := Epoch.Add(50 * time.Hour)
	got, err := s.UpdateEvent(t.Context(), e.ID, innobridge.EventUpdate{Name: ptr("三月路演（改期）"), StartsAt: &at,
		Kind: ptr(innobridge.EventDocking), Field: ptr("")})
	must(t, err, "UpdateEvent")
	want := *e
	want.Name, want.StartsAt, want.Kind, want.Field, want.UpdatedAt = "三月路演（改期）", at, innobridge.EventDocking, "", clock.Peek()
	same(t, "updated event", got, &want)
	stored, err := s.FindEventByID(t.Context(), e.ID)
	must(t, err, "FindEventByID")
	same(t, "stored event", stored, &want)
	_, err = s.UpdateEvent(t.Context(), 4711, innobridge.EventUpdate{Name: ptr("x")})
	wantCode(t, err, innobridge.ENOTFOUND, "", "4711")
}

// testCancelEvent checks that a cancelled event keeps its status, reason
// and time, in FindEventByID and FindEvents alike, and is cancelled once.
func testCancelEvent(t *testing.T, b Backend) {
	s, clock := MustOpen(t, b)
	e := newEvent("三月路演", innobridge.EventRoadshow, 3)
	kept := newEvent("四月对接会", innobridge.EventDocking, 30)
	must(t, s.CreateEvent(t.Context(), e), "CreateEvent")
	must(t, s.CreateEvent(t.Context(), kept), "CreateEvent(kept)")
	if e.Status != innobridge.EventScheduled {
		t.Errorf("after CreateEvent status %q, want scheduled", e.Status)
	}
	got, err := s.CancelEvent(t.Context(), e.ID, "主讲单位无法到场")
	must(t, err, "CancelEvent")
	at := clock.Peek()
	want := *e
	want.Status, want.CancelReason, want.CancelledAt, want.UpdatedAt = innobridge.EventCancelled, "主讲单位无法到场", &at, at
	same(t, "cancelled event", got, &want)
	stored, err := s.FindEventByID(t.Context(), e.ID)
	must(t, err, "FindEventByID")
	same(t, "stored cancelled event", stored, &want)
	list, _, err := s.FindEvents(t.Context(), innobridge.EventFilter{})
	must(t, err, "FindEvents")
	if len(list) != 2 || list[1].ID != e.ID || list[1].Status != innobridge.EventCancelled || list[1].CancelReason != "主讲单位无法到场" ||
		list[1].CancelledAt == nil || !list[1].CancelledAt.Equal(at) || list[0].Status != innobridge.EventScheduled || list[0].CancelledAt != nil {
		t.Errorf("FindEvents: %+v, %+v; want the kept event scheduled, then the cancelled one with its reason and time", list[0], list[1])
	}
	_, err = s.CancelEvent(t.Context(), e.ID, "再次取消")
	wantCode(t, err, innobridge.ECONFLICT, "", "三月路演", "cancelled already")
	stored, err = s.FindEventByID(t.Context(), e.ID)
	must(t, err, "FindEventByID")
	same(t, "the event after a refused second cancel", stored, &want)
	_, err = s.CancelEvent(t.Context(), 5150, "x")
	wantCode(t, err, innobridge.ENOTFOUND, "", "5150")
	// An edit keeps the status.
	got, err = s.UpdateEvent(t.Context(), e.ID, innobridge.EventUpdate{Venue: ptr("线上")})
	must(t, err, "UpdateEvent")
	if got.Status != innobridge.EventCancelled || got.CancelReason != "主讲单位无法到场" {
		t.Errorf("after UpdateEvent status %q reason %q, want it cancelled still", got.Status, got.CancelReason)
	}
}

// testCancelEventRace cancels one event from several goroutines at once,
// and adds a listing to it meanwhile: one cancel succeeds, the others
// find it cancelled already (one audit entry, one reason kept), and an
// add either came first or is refused; after, its listings stay as they
// are.
func testCancelEventRace(t *testing.T, b Backend) {
	s, _ := MustOpen(t, b)
	_, achs := pairFixture(t, s)
	for round := range 3 {
		e := newEvent("路演", innobridge.EventRoadshow, 3+round)
		must(t, s.CreateEvent(t.Context(), e), "CreateEvent")
		must(t, s.AddEventListings(t.Context(), e.ID, []int64{achs[1].ID}, nil), "AddEventListings")
		const n = 6
		errs := make([]error, n)
		var addErr error
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range n {
			wg.Go(func() {
				<-start
				_, errs[i] = s.CancelEvent(t.Context(), e.ID, "原因"+string(rune('A'+i)))
			})
		}
		wg.Go(func() {
			<-start
			addErr = s.AddEventListings(t.Context(), e.ID, []int64{achs[0].ID}, nil)
		})
		close(start)
		wg.Wait()
		won := -1
		for i, err := range errs {
			switch {
			case err == nil && won >= 0:
				t.Errorf("round %d: cancels %d and %d both succeeded", round, won, i)
			case err == nil:
				won = i
			case innobridge.ErrorCode(err) != innobridge.ECONFLICT:
				t.Errorf("round %d: cancel %d: %v, want ECONFLICT", round, i, err)
			}
		}
		got, err := s.FindEventByID(t.Context(), e.ID)
		must(t, err, "FindEventByID")
		if won < 0 || got.CancelReason != "原因"+string(rune('A'+won)) {
			t.Errorf("round %d: winner %d, stored reason %q", round, won, got.CancelReason)
		}
		if on := len(got.Listings) == 2; addErr == nil != on || addErr != nil && innobridge.ErrorCode(addErr) != innobridge.ECONFLICT {
			t.Errorf("round %d: add returned %v and the event has %d listings", round, addErr, len(got.Listings))
		}
		// Once cancelled, nothing is added or taken off.
		wantCode(t, s.AddEventListings(t.Context(), e.ID, []int64{achs[2].ID}, nil), innobridge.ECONFLICT, "", "路演", "cancelled")
		wantCode(t, s.RemoveEventListing(t.Context(), e.ID, innobridge.KindAchievement, achs[1].ID), innobridge.ECONFLICT, "", "路演", "cancelled")
	}
}

// testEventPages pages through the past events, latest first, and the
// upcoming ones, soonest first, with a total for each; events starting at
// the same time come in id order (upcoming) or reverse id order (past),
// so that no page repeats or skips one.
func testEventPages(t *testing.T, b Backend) {
	s, _ := MustOpen(t, b)
	for _, x := range []struct {
		name string
		days int
	}{{"过去5", -50}, {"过去1", -1}, {"未来3", 30}, {"过去3a", -20}, {"未来1", 1}, {"过去3b", -20}, {"过去4", -40}, {"未来2", 10}, {"过去2", -5}} {
		e := newEvent(x.name, innobridge.EventRoadshow, x.days)
		must(t, s.CreateEvent(t.Context(), e), "CreateEvent")
		if x.name == "过去2" {
			_, err := s.CancelEvent(t.Context(), e.ID, "延期")
			must(t, err, "CancelEvent")
		}
	}
	now := Epoch
	past := func(offset, limit int) innobridge.EventFilter {
		return innobridge.EventFilter{Before: &now, Offset: offset, Limit: limit}
	}
	upcoming := func(offset, limit int) innobridge.EventFilter {
		return innobridge.EventFilter{From: &now, Offset: offset, Limit: limit}
	}
	tests := []eventPageCase{
		{"PastPage1", past(0, 2), []string{"过去1", "过去2"}, 6},
		{"PastPage2", past(2, 2), []string{"过去3b", "过去3a"}, 6},
		{"PastPage3", past(4, 2), []string{"过去4", "过去5"}, 6},
		{"PastBeyond", past(6, 2), nil, 6},
		{"UpcomingPage1", upcoming(0, 2), []string{"未来1", "未来2"}, 3},
		{"UpcomingPage2", upcoming(2, 2), []string{"未来3"}, 3},
	}
	checkEventPages(t, s, tests)
	list, _, err := s.FindEvents(t.Context(), past(0, 2))
	must(t, err, "FindEvents")
	if len(list) == 2 && (list[1].Status != innobridge.EventCancelled || list[0].Status != innobridge.EventScheduled) {
		t.Errorf("past page 1 statuses %q, %q; want scheduled, cancelled", list[0].Status, list[1].Status)
	}
}

func testEventListings(t *testing.T, b Backend) {
	s, _ := MustOpen(t, b)
	dems, achs := pairFixture(t, s)
	e := newEvent("三月路演", innobridge.EventRoadshow, 3)
	other := newEvent("四月对接会", innobridge.EventDocking, 30)
	must(t, s.CreateEvent(t.Context(), e), "CreateEvent")
	must(t, s.CreateEvent(t.Context(), other), "CreateEvent")
	must(t, s.AddEventListings(t.Context(), e.ID, []int64{achs[2].ID, achs[0].ID}, []int64{dems[1].ID}), "AddEventListings")
	must(t, s.AddEventListings(t.Context(), e.ID, nil, []int64{dems[0].ID}), "AddEventListings(demand)")
	// A listing may be on several events.
	must(t, s.AddEventListings(t.Context(), other.ID, []int64{achs[0].ID}, nil), "AddEventListings(other)")

	got, err := s.FindEventByID(t.Context(), e.ID)
	must(t, err, "FindEventByID")
	same(t, "listings, achievements first, in the order added", listingExts(got.Listings),
		[]string{"achievement:a3", "achievement:a1", "demand:d2", "demand:d1"})
	if l := got.Listings[0]; l.ListingID != achs[2].ID || l.Title != "成果a3" {
		t.Errorf("first listing %+v, want a3's id %d and title", l, achs[2].ID)
	}
	same(t, "demand ids", got.IDs(innobridge.KindDemand), []int64{dems[1].ID, dems[0].ID})

	wantCode(t, s.AddEventListings(t.Context(), e.ID, []int64{achs[1].ID, achs[0].ID}, nil), innobridge.ECONFLICT, "", "a1")
	wantCode(t, s.AddEventListings(t.Context(), 4040, []int64{achs[1].ID}, nil), innobridge.ENOTFOUND, "", "4040")

	must(t, s.RemoveEventListing(t.Context(), e.ID, innobridge.KindAchievement, achs[0].ID), "RemoveEventListing")
	wantCode(t, s.RemoveEventListing(t.Context(), e.ID, innobridge.KindAchievement, achs[0].ID), innobridge.ENOTFOUND, "")
	// The demand with the same id as the removed achievement is another listing.
	wantCode(t, s.RemoveEventListing(t.Context(), e.ID, innobridge.KindDemand, achs[1].ID+100), innobridge.ENOTFOUND, "")
	got, err = s.FindEventByID(t.Context(), e.ID)
	must(t, err, "FindEventByID")
	same(t, "listings after remove and a refused add", listingExts(got.Listings),
		[]string{"achievement:a3", "demand:d2", "demand:d1"})
	got, err = s.FindEventByID(t.Context(), other.ID)
	must(t, err, "FindEventByID(other)")
	same(t, "the other event's listings", listingExts(got.Listings), []string{"achievement:a1"})
}

// testEventListingsAtomic checks that one bad id of several adds none.
func testEventListingsAtomic(t *testing.T, b Backend) {
	s, _ := MustOpen(t, b)
	dems, achs := pairFixture(t, s)
	e := newEvent("三月路演", innobridge.EventRoadshow, 3)
	must(t, s.CreateEvent(t.Context(), e), "CreateEvent")
	must(t, s.AddEventListings(t.Context(), e.ID, []int64{achs[0].ID}, nil), "AddEventListings")
	tests := []struct {
		name       string
		achs, dems []int64
		code       string
		word       string
	}{
		{"ErrUnknownAchievement", []int64{achs[1].ID, 9090}, []int64{dems[0].ID}, innobridge.EINVALID, "9090"},
		{"ErrUnknownDemand", []int64{achs[1].ID}, []int64{dems[0].ID, 9191}, innobridge.EINVALID, "9191"},
		{"ErrDuplicate", []int64{achs[1].ID, achs[0].ID}, []int64{dems[0].ID}, innobridge.ECONFLICT, "a1"},
		{"ErrTwiceInOneCall", nil, []int64{dems[1].ID, dems[1].ID}, innobridge.ECONFLICT, "d2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantCode(t, s.AddEventListings(t.Context(), e.ID, tc.achs, tc.dems), tc.code, "", tc.word)
			got, err := s.FindEventByID(t.Context(), e.ID)
			must(t, err, "FindEventByID")
			same(t, "listings after a refused add", listingExts(got.Listings), []string{"achievement:a1"})
		})
	}
}

func testDockingListEvent(t *testing.T, b Backend) {
	s, _ := MustOpen(t, b)
	dems, achs := pairFixture(t, s)
	e := newEvent("三月路演", innobridge.EventRoadshow, 3)
	must(t, s.CreateEvent(t.Context(), e), "CreateEvent")
	l := &innobridge.DockingList{Name: "路演清单", EventID: e.ID, TopN: 1, Items: []*innobridge.DockingItem{
		{DemandID: dems[0].ID, AchievementID: achs[0].ID, Rank: 1}}}
	must(t, s.CreateDockingList(t.Context(), l), "CreateDockingList")
	if l.EventName != e.Name {
		t.Errorf("after create EventName %q, want %q", l.EventName, e.Name)
	}
	plain := &innobridge.DockingList{Name: "普通清单", TopN: 1}
	must(t, s.CreateDockingList(t.Context(), plain), "CreateDockingList(plain)")
	got, err := s.FindDockingListByID(t.Context(), l.ID)
	must(t, err, "FindDockingListByID")
	if got.EventID != e.ID || got.EventName != "三月路演" || len(got.Items) != 1 {
		t.Errorf("stored list event %d %q, %d items; want %d %q, 1 item", got.EventID, got.EventName, len(got.Items), e.ID, e.Name)
	}
	lists, _, err := s.FindDockingLists(t.Context(), 0, 10)
	must(t, err, "FindDockingLists")
	if len(lists) != 2 || lists[0].EventID != 0 || lists[0].EventName != "" || lists[1].EventName != "三月路演" {
		t.Errorf("list summaries: %+v, %+v", lists[0], lists[1])
	}
	wantCode(t, s.CreateDockingList(t.Context(), &innobridge.DockingList{Name: "坏", EventID: 777, TopN: 1}), innobridge.EINVALID, "")
	if got.EventCancelled || lists[1].EventCancelled {
		t.Errorf("the list of a scheduled event reads as cancelled")
	}
	// The event is cancelled after: its lists say so.
	_, err = s.CancelEvent(t.Context(), e.ID, "延期")
	must(t, err, "CancelEvent")
	got, err = s.FindDockingListByID(t.Context(), l.ID)
	must(t, err, "FindDockingListByID")
	lists, _, err = s.FindDockingLists(t.Context(), 0, 10)
	must(t, err, "FindDockingLists")
	if !got.EventCancelled || !lists[1].EventCancelled || lists[0].EventCancelled {
		t.Errorf("after the event is cancelled: list %v, summaries %v, %v; want the event's list marked, the other not",
			got.EventCancelled, lists[1].EventCancelled, lists[0].EventCancelled)
	}
}

// eventPageCase is a page of events FindEvents should give: the events'
// names in order, and the total.
type eventPageCase struct {
	name  string
	f     innobridge.EventFilter
	want  []string
	total int
}

func checkEventPages(t *testing.T, s innobridge.EventStore, tests []eventPageCase) {
	t.Helper()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			list, total, err := s.FindEvents(t.Context(), tc.f)
			must(t, err, "FindEvents")
			same(t, "events", eventNames(list), tc.want)
			if total != tc.total {
				t.Errorf("total %d, want %d", total, tc.total)
			}
		})
	}
}
