package http

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/innobridge/innobridge"
)

// addMatchListings adds two achievements: one that matches the teaser
// demand only through its hidden text, one that matches the private demand.
func addMatchListings(t *testing.T, ts *testServer) {
	t.Helper()
	ctx := context.Background()
	list, _, err := ts.db.FindUsers(ctx, innobridge.UserFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var inst *innobridge.User
	for _, u := range list {
		if u.Username == "inst1" {
			inst = u
		}
	}
	as := innobridge.NewContextWithUser(ctx, inst)
	for _, a := range []*innobridge.Achievement{
		{Listing: innobridge.Listing{ExternalID: "ach-arsenic", Title: "含砷废水膜分离回收工艺", Description: "膜分离处理含砷工业废水，砷回收率高。",
			Keywords: []string{"膜分离", "砷回收"}, Field: "6"}, TRL: 7},
		{Listing: innobridge.Listing{ExternalID: "ach-fuel", Title: "燃料电池电堆寿命提升技术", Description: "提高氢能重卡电堆寿命。"}},
	} {
		if err := ts.svc.CreateAchievement(as, a); err != nil {
			t.Fatal(err)
		}
	}
}

// apiToken logs user in through the API and returns the bearer token.
func apiToken(t *testing.T, c *client, user string) string {
	t.Helper()
	req, _ := http.NewRequest("POST", c.ts.URL+"/api/v1/session", strings.NewReader(`{"username":"`+user+`","password":"`+testPassword+`"}`))
	req.Header.Set("Content-Type", "application/json")
	r := c.do(req)
	wantStatus(t, r, http.StatusCreated)
	var body struct{ Token string }
	if err := json.Unmarshal([]byte(r.body), &body); err != nil {
		t.Fatal(err)
	}
	return body.Token
}

func apiCall(t *testing.T, c *client, tok, method, path, body string) *response {
	t.Helper()
	req, _ := http.NewRequest(method, c.ts.URL+path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	return c.do(req)
}

type matchesBody struct {
	Items []struct {
		Achievement *struct{ ID string } `json:"achievement"`
		Demand      *struct {
			ID       string `json:"id"`
			Redacted bool   `json:"redacted"`
		} `json:"demand"`
		Score float64 `json:"score"`
		Why   struct {
			Matched []string `json:"matched"`
			Fit     []struct{ Criterion string }
		} `json:"why"`
		Tracked *struct{ Status string } `json:"tracked"`
	} `json:"items"`
}

func (b matchesBody) ids() []string {
	var out []string
	for _, it := range b.Items {
		if it.Achievement != nil {
			out = append(out, it.Achievement.ID)
		} else {
			out = append(out, it.Demand.ID)
		}
	}
	return out
}

func decodeMatches(t *testing.T, r *response) matchesBody {
	t.Helper()
	wantStatus(t, r, http.StatusOK)
	var b matchesBody
	if err := json.Unmarshal([]byte(r.body), &b); err != nil {
		t.Fatalf("%s: %v", r.Request.URL, err)
	}
	return b
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestMatchesNeverLeak reads every matching surface as readers without
// full rights: the teaser demand is recommended (it matches on its hidden
// text) but neither its hidden text nor the private demand shows.
func TestMatchesNeverLeak(t *testing.T) {
	ts := newTestServer(t)
	addMatchListings(t, ts)
	for _, who := range []string{"", "inst1", "uni1"} {
		name := who
		if name == "" {
			name = "anonymous"
		}
		t.Run(name, func(t *testing.T) {
			c := ts.client(t)
			if who != "" {
				c.login(who)
			}
			b := decodeMatches(t, c.get("/api/v1/achievements/ach-arsenic/matches"))
			if !contains(b.ids(), "dem-teaser") {
				t.Errorf("teaser demand not recommended: %v", b.ids())
			}
			for _, it := range b.Items {
				if it.Demand.ID == "dem-teaser" && !it.Demand.Redacted {
					t.Errorf("teaser demand not redacted")
				}
			}
			if b := decodeMatches(t, c.get("/api/v1/achievements/ach-fuel/matches")); contains(b.ids(), "dem-private") {
				t.Errorf("private demand recommended to %s", name)
			}
			for _, p := range []string{"/api/v1/achievements/ach-arsenic/matches", "/api/v1/achievements/ach-fuel/matches?k=50",
				"/api/v1/demands/dem-teaser/matches", "/api/v1/demands/dem-pub/matches", "/demands/dem-teaser", "/demands/dem-pub",
				"/achievements/ach-fuel", "/achievements/ach-arsenic", "/achievements/ach-pub"} {
				r := c.get(p)
				wantStatus(t, r, http.StatusOK)
				for _, s := range secrets {
					if strings.Contains(r.body, s) {
						t.Errorf("GET %s reveals %q", p, s)
					}
				}
			}
			// Terms of the hidden description are not named as shared.
			for _, p := range []string{"/api/v1/achievements/ach-arsenic/matches", "/api/v1/demands/dem-teaser/matches"} {
				for _, it := range decodeMatches(t, c.get(p)).Items {
					for _, term := range it.Why.Matched {
						if strings.Contains(term, "砷") || strings.Contains(term, "膜") {
							t.Errorf("GET %s names the hidden term %q", p, term)
						}
					}
				}
			}
			notFound := []string{"/api/v1/demands/dem-private/matches", "/api/v1/demands/nope/matches"}
			if who != "uni1" { // uni1 owns the draft
				notFound = append(notFound, "/api/v1/achievements/ach-draft/matches")
			}
			for _, p := range notFound {
				if r := c.get(p); r.StatusCode != http.StatusNotFound {
					t.Errorf("GET %s: status %d, want 404", p, r.StatusCode)
				}
			}
			if r := c.get("/api/v1/demands/dem-pub/matches?k=0"); r.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("k=0: status %d", r.StatusCode)
			}
		})
	}
	t.Run("control/staff", func(t *testing.T) {
		c := ts.client(t)
		c.login("staff1")
		if b := decodeMatches(t, c.get("/api/v1/achievements/ach-fuel/matches")); !contains(b.ids(), "dem-private") {
			t.Errorf("staff do not see the private demand: %v", b.ids())
		}
		r := c.get("/demands/dem-teaser")
		if !strings.Contains(r.body, "推荐成果") || !strings.Contains(r.body, "/achievements/ach-arsenic") {
			t.Errorf("demand page lacks its recommendations")
		}
		r = c.get("/achievements/ach-arsenic")
		if !strings.Contains(r.body, "潜在需求方") || !strings.Contains(r.body, "/demands/dem-teaser") {
			t.Errorf("achievement page lacks its potential demand")
		}
	})
}

func TestMatchTracking(t *testing.T) {
	ts := newTestServer(t)
	addMatchListings(t, ts)
	c := ts.client(t)
	ent, inst, staff := apiToken(t, c, "ent1"), apiToken(t, c, "inst1"), apiToken(t, c, "staff1")

	r := apiCall(t, c, ent, "POST", "/api/v1/matches", `{"demand":"dem-teaser","achievement":"ach-arsenic","status":"declined"}`)
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if !strings.Contains(r.body, `"reason"`) {
		t.Errorf("error does not name the reason field: %s", r.body)
	}
	wantStatus(t, apiCall(t, c, "", "POST", "/api/v1/matches", `{"demand":"dem-pub","achievement":"ach-pub","status":"contacted"}`), http.StatusUnauthorized)
	wantStatus(t, apiCall(t, c, apiToken(t, c, "uni1"), "POST", "/api/v1/matches", `{"demand":"dem-pub","achievement":"ach-arsenic"}`), http.StatusForbidden)
	wantStatus(t, apiCall(t, c, inst, "POST", "/api/v1/matches", `{"demand":"dem-private","achievement":"ach-fuel"}`), http.StatusNotFound)

	r = apiCall(t, c, inst, "POST", "/api/v1/matches", `{"demand":"dem-teaser","achievement":"ach-arsenic","status":"contacted"}`)
	wantStatus(t, r, http.StatusOK)
	b := decodeMatches(t, apiCall(t, c, inst, "GET", "/api/v1/achievements/ach-arsenic/matches", ""))
	for _, it := range b.Items {
		if it.Demand.ID == "dem-teaser" && (it.Tracked == nil || it.Tracked.Status != "contacted") {
			t.Errorf("tracked = %+v", it.Tracked)
		}
	}
	r = apiCall(t, c, ent, "POST", "/api/v1/matches", `{"demand":"dem-teaser","achievement":"ach-arsenic","status":"declined","reason":"trl_too_early","note":"需中试"}`)
	wantStatus(t, r, http.StatusOK)
	if b := decodeMatches(t, apiCall(t, c, ent, "GET", "/api/v1/demands/dem-teaser/matches", "")); contains(b.ids(), "ach-arsenic") {
		t.Errorf("declined pair recommended again: %v", b.ids())
	}

	// The page form, as the demand's owner.
	web := ts.client(t)
	web.login("ent1")
	page := web.get("/demands/dem-pub")
	if !strings.Contains(page.body, `action="/matches"`) {
		t.Fatal("no tracking form on the owner's demand page")
	}
	tok := csrfInput.FindStringSubmatch(page.body)[1]
	r = web.postForm("/matches", url.Values{"csrf_token": {tok}, "demand": {"dem-pub"}, "achievement": {"ach-pub"},
		"status": {"declined"}, "reason": {"price"}, "from": {"demand"}})
	wantStatus(t, r, http.StatusSeeOther)
	if loc := r.Header.Get("Location"); !strings.HasPrefix(loc, "/demands/dem-pub") {
		t.Errorf("redirect to %q", loc)
	}

	// A party reads its own pairs only; the institute is the achievement's
	// side of a teaser demand, so it reads the demand's title but not the
	// note until the pair is in negotiation.
	r = apiCall(t, c, inst, "GET", "/api/v1/matches", "")
	wantStatus(t, r, http.StatusOK)
	var own matchListResponse
	if err := json.Unmarshal([]byte(r.body), &own); err != nil {
		t.Fatal(err)
	}
	if own.Total != 1 || len(own.Items) != 1 || own.Items[0].DemandTitle != "工业废水深度处理" || own.Items[0].Note != "" ||
		own.Items[0].DemandHidden || own.Counts.ByStatus["declined"] != 1 {
		t.Errorf("the institute's own pairs: %s", r.body)
	}
	r = apiCall(t, c, staff, "GET", "/api/v1/matches", "")
	wantStatus(t, r, http.StatusOK)
	var list struct {
		Total  int
		Counts struct {
			ByStatus map[string]int `json:"by_status"`
			ByReason map[string]int `json:"by_reason"`
		}
	}
	if err := json.Unmarshal([]byte(r.body), &list); err != nil {
		t.Fatal(err)
	}
	if list.Total != 2 || list.Counts.ByReason["trl_too_early"] != 1 || list.Counts.ByReason["price"] != 1 || list.Counts.ByStatus["declined"] != 2 {
		t.Errorf("matches = %s", r.body)
	}
	_, n, err := ts.db.FindAudit(context.Background(), innobridge.AuditFilter{Entity: ptr("match")})
	if err != nil {
		t.Fatal(err)
	}
	if n != 3 {
		t.Errorf("audited match changes = %d, want 3", n)
	}
}

func TestDockingLists(t *testing.T) {
	ts := newTestServer(t)
	addMatchListings(t, ts)
	other := ts.client(t)
	other.login("inst1")
	for _, p := range []string{"/staff/docking", "/staff/docking/1", "/staff/docking/1/export", "/staff/duplicates", "/api/v1/docking-lists", "/api/v1/duplicates"} {
		if r := other.get(p); r.StatusCode != http.StatusForbidden {
			t.Errorf("GET %s as a member: status %d, want 403", p, r.StatusCode)
		}
	}
	c := ts.client(t)
	c.login("staff1")
	tok := c.csrf("/staff/docking")
	r := c.postForm("/staff/docking", url.Values{"csrf_token": {tok}, "name": {""}, "top_n": {"3"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	r = c.postForm("/staff/docking", url.Values{"csrf_token": {tok}, "name": {"三月对接会"}, "top_n": {"2"}, "region": {"320500"}})
	wantStatus(t, r, http.StatusSeeOther)
	loc := r.Header.Get("Location")
	if !strings.HasPrefix(loc, "/staff/docking/") {
		t.Fatalf("redirect to %q", loc)
	}
	id := strings.TrimPrefix(strings.SplitN(loc, "?", 2)[0], "/staff/docking/")
	page := c.get("/staff/docking/" + id)
	wantStatus(t, page, http.StatusOK)
	if !strings.Contains(page.body, "工业废水深度处理") || !strings.Contains(page.body, "含砷废水膜分离回收工艺") {
		t.Fatalf("list page lacks the teaser demand's pair")
	}
	var l innobridge.DockingList
	if err := json.Unmarshal([]byte(c.get("/api/v1/docking-lists/"+id).body), &l); err != nil || len(l.Items) == 0 {
		t.Fatalf("list JSON: %v %+v", err, l)
	}
	var removed *innobridge.DockingItem
	for _, it := range l.Items {
		if it.DemandExt == "dem-pub" {
			removed = it
			r = c.postForm("/staff/docking/"+id+"/items/"+itoa(int(it.ID)), url.Values{"csrf_token": {tok}, "state": {"removed"}})
			wantStatus(t, r, http.StatusSeeOther)
		}
	}
	if removed == nil {
		t.Fatal("no pair for dem-pub")
	}
	x := c.get("/staff/docking/" + id + "/export")
	wantStatus(t, x, http.StatusOK)
	text := bodyText(t, x)
	if !strings.Contains(text, "工业废水深度处理") {
		t.Errorf("export lacks the teaser demand")
	}
	if strings.Contains(text, "提高煤气利用率") {
		t.Errorf("export holds a removed pair")
	}
	// Staff see a private demand's title; its text, and a teaser
	// demand's, stay out of a list that goes to the parties.
	for _, s := range []string{teaserSecret, teaserKeyword, privateSecret} {
		if strings.Contains(text, s) || strings.Contains(page.body, s) {
			t.Errorf("docking list reveals %q", s)
		}
	}
	if strings.Contains(text, "膜分离；") || strings.Contains(text, "共同词：砷") {
		t.Errorf("export explains with hidden terms")
	}
	api := ts.client(t) // bearer calls, without the session cookie
	staff := apiToken(t, api, "staff1")
	r = apiCall(t, api, staff, "POST", "/api/v1/docking-lists", `{"name":"节能专场","top_n":3}`)
	wantStatus(t, r, http.StatusCreated)
	// No demand of the field: no empty list, an error naming the field.
	r = apiCall(t, api, staff, "POST", "/api/v1/docking-lists", `{"name":"新能源专场","field":"6","top_n":3}`)
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if !strings.Contains(r.body, `"field":{"code":"none"`) || !strings.Contains(r.body, "新能源专场") {
		t.Errorf("docking list of a field without demands: %s", r.body)
	}
	r = apiCall(t, api, staff, "PATCH", "/api/v1/docking-lists/"+id+"/items/"+itoa(int(removed.ID)), `{"state":"accepted"}`)
	wantStatus(t, r, http.StatusOK)
	wantStatus(t, apiCall(t, api, staff, "PATCH", "/api/v1/docking-lists/"+id+"/items/999999", `{"state":"accepted"}`), http.StatusNotFound)
	r = apiCall(t, api, staff, "GET", "/api/v1/docking-lists", "")
	if !strings.Contains(r.body, "节能专场") || !strings.Contains(r.body, "三月对接会") {
		t.Errorf("lists = %s", r.body)
	}
	if p := c.get("/staff/docking"); !strings.Contains(p.body, "节能专场") {
		t.Errorf("lists page lacks the new list")
	}
}

func TestDuplicates(t *testing.T) {
	ts := newTestServer(t)
	c := ts.client(t)
	c.login("uni1")
	tok := c.csrf("/achievements/new")
	r := c.postForm("/achievements", url.Values{"csrf_token": {tok}, "title": {"高炉煤气余热回收技术"}, "description": {"回收高炉煤气的显热。"}, "status": {"published"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: status %d: %.300s", r.StatusCode, r.body)
	}
	s := ts.client(t)
	s.login("staff1")
	page := s.get("/staff/duplicates")
	wantStatus(t, page, http.StatusOK)
	if strings.Count(page.body, "高炉煤气余热回收技术") < 2 {
		t.Errorf("duplicates page does not show the pair")
	}
	var body struct {
		Items []struct{ Similarity float64 }
	}
	if err := json.Unmarshal([]byte(s.get("/api/v1/duplicates?kind=achievements&min=0.5").body), &body); err != nil || len(body.Items) != 1 {
		t.Errorf("duplicates JSON: %v %+v", err, body)
	}
	wantStatus(t, s.get("/api/v1/duplicates?min=2"), http.StatusUnprocessableEntity)
	p := s.get("/staff/duplicates?kind=demands")
	wantStatus(t, p, http.StatusOK)
	for _, x := range secrets[:3] {
		if strings.Contains(p.body, x) {
			t.Errorf("duplicates page reveals %q", x)
		}
	}
}
