package http

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/innobridge/innobridge"
)

// TestEvents runs the event flow over loopback as staff do it in the
// browser: create an event by form (with the CSRF token), put listings on
// it by id, read it as a member, make its docking list; then the API.
func TestEvents(t *testing.T) {
	ts := newTestServer(t)
	addMatchListings(t, ts)
	starts := time.Now().AddDate(0, 0, 10).Format(startsLayout)

	member := ts.client(t)
	member.login("inst1")
	wantStatus(t, member.get("/events/new"), http.StatusForbidden)
	mtok := member.csrf("/events")
	wantStatus(t, member.postForm("/events", url.Values{"csrf_token": {mtok}, "name": {"会员的路演"}, "kind": {"roadshow"},
		"starts_at": {starts}}), http.StatusForbidden)

	c := ts.client(t)
	c.login("staff1")
	tok := c.csrf("/events/new")
	form := url.Values{"name": {"节能环保专场路演"}, "kind": {"roadshow"}, "starts_at": {starts}, "venue": {"苏州国际博览中心"}, "field": {"6"}}
	wantStatus(t, c.postForm("/events", form), http.StatusForbidden) // no CSRF token
	bad := url.Values{"csrf_token": {tok}, "name": {""}, "kind": {"roadshow"}, "starts_at": {"明天下午"}}
	r := c.postForm("/events", bad)
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if !strings.Contains(r.body, `id="err-name"`) || !strings.Contains(r.body, `id="err-starts_at"`) {
		t.Errorf("the form does not mark the name and the start time")
	}
	form.Set("csrf_token", tok)
	r = c.postForm("/events", form)
	wantStatus(t, r, http.StatusSeeOther)
	loc := strings.SplitN(r.Header.Get("Location"), "?", 2)[0]
	if !strings.HasPrefix(loc, "/events/") {
		t.Fatalf("redirect to %q", loc)
	}
	id := strings.TrimPrefix(loc, "/events/")

	// One unknown id: nothing is added and the page names it.
	r = c.postForm(loc+"/listings", url.Values{"csrf_token": {tok}, "achievements": {"ach-pub\nach-nope"}, "demands": {"dem-pub"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if !strings.Contains(r.body, "ach-nope") {
		t.Errorf("the page does not name the unknown id")
	}
	if strings.Contains(r.body, `class="cards event-achievements"`) {
		t.Errorf("an achievement was added despite the unknown id")
	}
	r = c.postForm(loc+"/listings", url.Values{"csrf_token": {tok}, "achievements": {"ach-pub，ach-arsenic"},
		"demands": {"dem-pub\ndem-teaser\ndem-private"}})
	wantStatus(t, r, http.StatusSeeOther)
	page := c.get(loc)
	wantStatus(t, page, http.StatusOK)
	for _, s := range []string{"节能环保专场路演", "苏州国际博览中心", "高炉煤气余热回收技术", "含砷废水膜分离回收工艺", "提高煤气利用率", privateTitle} {
		if !strings.Contains(page.body, s) {
			t.Errorf("staff's event page lacks %q", s)
		}
	}

	// A member of another organisation sees the demands as in the demand
	// list: the teaser demand redacted, the private one not at all.
	mp := member.get(loc)
	wantStatus(t, mp, http.StatusOK)
	if !strings.Contains(mp.body, "工业废水深度处理") || !strings.Contains(mp.body, "寻求工业废水处理合作伙伴") {
		t.Errorf("member's event page lacks the teaser demand's title and teaser")
	}
	for _, s := range []string{teaserSecret, teaserKeyword, privateSecret, privateTitle, "生成对接清单", "/listings/remove"} {
		if strings.Contains(mp.body, s) {
			t.Errorf("member's event page shows %q", s)
		}
	}
	if p := member.get("/events"); !strings.Contains(p.body, "节能环保专场路演") {
		t.Errorf("the events page lacks the new event")
	}
	wantStatus(t, ts.client(t).get(loc), http.StatusSeeOther) // anonymous: to the login page

	// 生成对接清单: the event's demands against the event's achievements.
	r = c.postForm(loc+"/docking", url.Values{"csrf_token": {tok}, "top_n": {"3"}})
	wantStatus(t, r, http.StatusSeeOther)
	dl := strings.SplitN(r.Header.Get("Location"), "?", 2)[0]
	if !strings.HasPrefix(dl, "/staff/docking/") {
		t.Fatalf("docking redirect to %q", dl)
	}
	if p := c.get(dl); !strings.Contains(p.body, "节能环保专场路演") || !strings.Contains(p.body, `href="/events/`+id+`"`) {
		t.Errorf("the docking list page does not name its event")
	}
	var l innobridge.DockingList
	if err := json.Unmarshal([]byte(c.get("/api/v1/docking-lists/"+strings.TrimPrefix(dl, "/staff/docking/")).body), &l); err != nil {
		t.Fatal(err)
	}
	if len(l.Items) == 0 || l.EventName != "节能环保专场路演" {
		t.Fatalf("event list: event %q, %d items", l.EventName, len(l.Items))
	}
	for _, it := range l.Items {
		if it.AchievementExt != "ach-pub" && it.AchievementExt != "ach-arsenic" {
			t.Errorf("pair %s×%s: the achievement is not on the event", it.DemandExt, it.AchievementExt)
		}
	}
	if x := bodyText(t, c.get(dl+"/export")); !strings.Contains(x, "节能环保专场路演") {
		t.Errorf("the export does not name the event")
	}

	// Remove by form.
	r = c.postForm(loc+"/listings/remove", url.Values{"csrf_token": {tok}, "kind": {"demand"}, "ext": {"dem-private"}})
	wantStatus(t, r, http.StatusSeeOther)
	if p := c.get(loc); strings.Contains(p.body, privateTitle) {
		t.Errorf("the private demand is still on the event")
	}

	// The API, with a bearer token.
	api := ts.client(t)
	staff := apiToken(t, api, "staff1")
	r = apiCall(t, api, staff, "POST", "/api/v1/events", `{"name":"四月对接会","kind":"docking_meeting","starts_at":"2026-04-20T14:00:00+08:00"}`)
	wantStatus(t, r, http.StatusCreated)
	var e innobridge.Event
	if err := json.Unmarshal([]byte(r.body), &e); err != nil || e.ID == 0 {
		t.Fatalf("created event: %v %s", err, r.body)
	}
	eid := itoa(int(e.ID))
	wantStatus(t, apiCall(t, api, staff, "POST", "/api/v1/events", `{"name":"坏","kind":"party"}`), http.StatusUnprocessableEntity)
	wantStatus(t, apiCall(t, api, staff, "PATCH", "/api/v1/events/"+eid, `{"venue":"苏州工业园区"}`), http.StatusOK)
	r = apiCall(t, api, staff, "POST", "/api/v1/events/"+eid+"/listings", `{"achievements":["ach-pub"],"demands":["dem-pub","dem-draft"]}`)
	wantStatus(t, r, http.StatusUnprocessableEntity)
	r = apiCall(t, api, staff, "POST", "/api/v1/events/"+eid+"/listings", `{"achievements":["ach-pub"],"demands":["dem-pub"]}`)
	wantStatus(t, r, http.StatusOK)
	wantStatus(t, apiCall(t, api, staff, "DELETE", "/api/v1/events/"+eid+"/listings/ach-pub", ""), http.StatusNoContent)
	wantStatus(t, apiCall(t, api, staff, "DELETE", "/api/v1/events/"+eid+"/listings/ach-pub", ""), http.StatusNotFound)
	var got struct {
		Name         string
		Venue        string
		Achievements []struct{ ID string }
		Demands      []struct{ ID string }
	}
	if err := json.Unmarshal([]byte(apiCall(t, api, staff, "GET", "/api/v1/events/"+eid, "").body), &got); err != nil {
		t.Fatal(err)
	}
	if got.Venue != "苏州工业园区" || len(got.Achievements) != 0 || len(got.Demands) != 1 || got.Demands[0].ID != "dem-pub" {
		t.Errorf("event through the API: %+v", got)
	}
	r = apiCall(t, api, staff, "GET", "/api/v1/events?when=upcoming", "")
	if !strings.Contains(r.body, "节能环保专场路演") {
		t.Errorf("upcoming events = %s", r.body)
	}
	r = apiCall(t, api, staff, "POST", "/api/v1/docking-lists", `{"event_id":`+eid+`,"top_n":2}`)
	wantStatus(t, r, http.StatusCreated)
	if !strings.Contains(r.body, `"event_name":"四月对接会"`) {
		t.Errorf("docking list by API: %s", r.body)
	}
	mt := apiToken(t, api, "inst1")
	wantStatus(t, apiCall(t, api, mt, "PATCH", "/api/v1/events/"+eid, `{"venue":"x"}`), http.StatusForbidden)
	wantStatus(t, apiCall(t, api, mt, "GET", "/api/v1/events/"+eid, ""), http.StatusOK)
}

// TestEventCancelAndPast runs over loopback what staff do with events
// that are off or over: the 往期活动 tab a page at a time, cancelling by
// form (with the CSRF token, a reason required) and by the API, and what a
// cancelled event still shows and refuses.
func TestEventCancelAndPast(t *testing.T) {
	ts := newTestServer(t)
	api := ts.client(t)
	staff := apiToken(t, api, "staff1")
	mk := func(name string, days int) string {
		t.Helper()
		at := time.Now().AddDate(0, 0, days).Format(time.RFC3339)
		r := apiCall(t, api, staff, "POST", "/api/v1/events", `{"name":"`+name+`","kind":"roadshow","starts_at":"`+at+`"}`)
		wantStatus(t, r, http.StatusCreated)
		var e innobridge.Event
		if err := json.Unmarshal([]byte(r.body), &e); err != nil || e.ID == 0 || e.Status != innobridge.EventScheduled {
			t.Fatalf("created event %s: %v %s", name, err, r.body)
		}
		return itoa(int(e.ID))
	}
	upcoming := mk("五月路演", 10)
	mk("二月路演", -60)
	lastMonth := mk("三月对接会", -30)

	c := ts.client(t)
	c.login("staff1")
	for _, tc := range []struct {
		name, path string
		want, not  []string
	}{
		{"Upcoming", "/events", []string{"五月路演"}, []string{"三月对接会", "二月路演"}},
		{"PastPage1", "/events?when=past&per_page=1", []string{"三月对接会", `href="/events?page=2&amp;per_page=1&amp;when=past"`}, []string{"二月路演", "五月路演"}},
		{"PastPage2", "/events?when=past&per_page=1&page=2", []string{"二月路演"}, []string{"三月对接会", "五月路演"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := c.get(tc.path)
			wantStatus(t, r, http.StatusOK)
			for _, s := range tc.want {
				if !strings.Contains(r.body, s) {
					t.Errorf("%s lacks %q", tc.path, s)
				}
			}
			for _, s := range tc.not {
				if strings.Contains(r.body, s) {
					t.Errorf("%s shows %q", tc.path, s)
				}
			}
		})
	}

	// Cancel by form: a member may not, the CSRF token and a reason are needed.
	loc := "/events/" + upcoming
	member := ts.client(t)
	member.login("inst1")
	wantStatus(t, member.postForm(loc+"/cancel", url.Values{"csrf_token": {member.csrf("/events")}, "reason": {"x"}}), http.StatusForbidden)
	tok := c.csrf(loc)
	if p := c.get(loc); !strings.Contains(p.body, `action="/events/`+upcoming+`/cancel"`) {
		t.Fatalf("staff's event page has no cancel form")
	}
	wantStatus(t, c.postForm(loc+"/cancel", url.Values{"reason": {"场地冲突"}}), http.StatusForbidden)
	r := c.postForm(loc+"/cancel", url.Values{"csrf_token": {tok}, "reason": {"  "}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if !strings.Contains(r.body, `id="err-reason"`) {
		t.Errorf("the cancel form does not mark the missing reason")
	}
	r = c.postForm(loc+"/cancel", url.Values{"csrf_token": {tok}, "reason": {"主讲单位无法到场"}})
	wantStatus(t, r, http.StatusSeeOther)
	if got := r.Header.Get("Location"); got != loc+"?done=cancelled" {
		t.Errorf("after cancelling redirect to %q", got)
	}
	p := c.get(loc)
	wantStatus(t, p, http.StatusOK)
	for _, s := range []string{"已取消", "主讲单位无法到场", "活动已取消。"} {
		if !strings.Contains(p.body, s) {
			t.Errorf("the cancelled event's page lacks %q", s)
		}
	}
	for _, s := range []string{loc + "/edit", `action="` + loc + `/docking"`, `action="` + loc + `/listings"`, `action="` + loc + `/cancel"`} {
		if strings.Contains(p.body, s) {
			t.Errorf("the cancelled event's page still offers %q", s)
		}
	}
	if l := c.get("/events"); !strings.Contains(l.body, "五月路演") || !strings.Contains(l.body, "badge-cancelled") {
		t.Errorf("the upcoming list does not show the cancelled event, marked")
	}
	if mp := member.get(loc); !strings.Contains(mp.body, "主讲单位无法到场") {
		t.Errorf("a member cannot read why the event was cancelled")
	}
	wantStatus(t, c.get(loc+"/edit"), http.StatusSeeOther)
	r = c.postForm(loc+"/listings", url.Values{"csrf_token": {tok}, "achievements": {"ach-pub"}})
	wantStatus(t, r, http.StatusConflict)
	if !strings.Contains(r.body, "活动「五月路演」已取消") {
		t.Errorf("adding to a cancelled event: the page does not say it is cancelled")
	}
	r = c.postForm(loc+"/docking", url.Values{"csrf_token": {tok}, "top_n": {"3"}})
	wantStatus(t, r, http.StatusConflict)

	// The API: cancel once, with a reason, as staff.
	path := "/api/v1/events/" + lastMonth + "/cancel"
	mt := apiToken(t, api, "inst1")
	wantStatus(t, apiCall(t, api, mt, "POST", path, `{"reason":"x"}`), http.StatusForbidden)
	wantStatus(t, apiCall(t, api, staff, "POST", path, `{}`), http.StatusUnprocessableEntity)
	r = apiCall(t, api, staff, "POST", path, `{"reason":"延期至四月"}`)
	wantStatus(t, r, http.StatusOK)
	var e innobridge.Event
	if err := json.Unmarshal([]byte(r.body), &e); err != nil || e.Status != innobridge.EventCancelled || e.CancelReason != "延期至四月" || e.CancelledAt == nil {
		t.Errorf("cancelled by API: %v %s", err, r.body)
	}
	wantStatus(t, apiCall(t, api, staff, "POST", path, `{"reason":"again"}`), http.StatusConflict)
	wantStatus(t, apiCall(t, api, staff, "PATCH", "/api/v1/events/"+lastMonth, `{"venue":"x"}`), http.StatusConflict)
	wantStatus(t, apiCall(t, api, staff, "POST", "/api/v1/events/404/cancel", `{"reason":"x"}`), http.StatusNotFound)

	// The past events a page at a time, cancelled ones marked where their date puts them.
	var list struct {
		Items []innobridge.Event
		Total int
		Page  int `json:"page"`
	}
	r = apiCall(t, api, mt, "GET", "/api/v1/events?when=past&per_page=1", "")
	wantStatus(t, r, http.StatusOK)
	if err := json.Unmarshal([]byte(r.body), &list); err != nil {
		t.Fatal(err)
	}
	if list.Total != 2 || len(list.Items) != 1 || list.Items[0].Name != "三月对接会" || list.Items[0].Status != innobridge.EventCancelled {
		t.Errorf("past events, page 1 of 1 each: %s", r.body)
	}
	r = apiCall(t, api, mt, "GET", "/api/v1/events?when=past&per_page=1&page=2", "")
	list.Items = nil
	if err := json.Unmarshal([]byte(r.body), &list); err != nil {
		t.Fatal(err)
	}
	if list.Page != 2 || len(list.Items) != 1 || list.Items[0].Name != "二月路演" || list.Items[0].Status != innobridge.EventScheduled {
		t.Errorf("past events, page 2: %s", r.body)
	}
	wantStatus(t, apiCall(t, api, mt, "GET", "/api/v1/events?when=soon", ""), http.StatusUnprocessableEntity)
	if p := c.get("/events?when=past"); !strings.Contains(p.body, "三月对接会") || !strings.Contains(p.body, "badge-cancelled") {
		t.Errorf("the past tab does not show the cancelled event, marked")
	}

	// A listing withdrawn since it was put on an event is marked 已下架
	// for staff, who can still take it off.
	feb := "/events/" + itoa(int(list.Items[0].ID))
	wantStatus(t, apiCall(t, api, staff, "POST", "/api/v1"+feb+"/listings", `{"achievements":["ach-pub"],"demands":["dem-pub"]}`), http.StatusOK)
	wantStatus(t, apiCall(t, api, apiToken(t, api, "ent1"), "PATCH", "/api/v1/demands/dem-pub", `{"status":"withdrawn"}`), http.StatusOK)
	p = c.get(feb)
	if !strings.Contains(p.body, `<tr class="lapsed"><td>dem-pub</td>`) || !strings.Contains(p.body, "已下架") || strings.Count(p.body, `class="lapsed"`) != 1 {
		t.Errorf("the event page does not mark dem-pub, and only it, 已下架")
	}
	wantStatus(t, c.postForm(feb+"/listings/remove", url.Values{"csrf_token": {tok}, "kind": {"demand"}, "ext": {"dem-pub"}}), http.StatusSeeOther)
	if p := c.get(feb); strings.Contains(p.body, "dem-pub") {
		t.Errorf("the withdrawn demand is still on the event")
	}
}
