package http

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/innobridge/innobridge"
	"github.com/innobridge/innobridge/sheet"
)

// rowLinks are the demand × achievement pairs a tracked-pairs page lists,
// in order.
var rowLinks = regexp.MustCompile(`href="/demands/([^"#]+)#recs">[^<]*</a>(?:<br><span class="small">[^<]*</span>)?</td>\s*<td><a href="/achievements/([^"]+)"`)

func pagePairs(r *response) []string {
	var out []string
	for _, m := range rowLinks.FindAllStringSubmatch(r.body, -1) {
		out = append(out, m[1]+"×"+m[2])
	}
	return out
}

// TestMatchTrackingPage follows tracked pairs on /staff/matches: filtered
// by status, reason and quiet, exported to Excel, and refused to anyone but
// staff.
func TestMatchTrackingPage(t *testing.T) {
	ts := newTestServer(t)
	addMatchListings(t, ts)
	c := ts.client(t)
	staff := apiToken(t, c, "staff1")
	for _, body := range []string{ // oldest change first
		`{"demand":"dem-pub","achievement":"ach-pub","status":"contacted","note":"已电话联系"}`,
		`{"demand":"dem-teaser","achievement":"ach-arsenic","status":"declined","reason":"price","note":"报价超出预算"}`,
		`{"demand":"dem-pub","achievement":"ach-arsenic","status":"negotiating"}`,
		`{"demand":"dem-teaser","achievement":"ach-pub","status":"signed"}`,
	} {
		wantStatus(t, apiCall(t, c, staff, "POST", "/api/v1/matches", body), http.StatusOK)
	}

	anon := ts.client(t)
	if r := anon.get("/staff/matches"); r.StatusCode == http.StatusOK {
		t.Errorf("anonymous reader got the tracked pairs: %d", r.StatusCode)
	}
	inst := ts.client(t)
	inst.login("inst1")
	wantStatus(t, inst.get("/staff/matches"), http.StatusForbidden)
	wantStatus(t, inst.get("/staff/matches.xlsx"), http.StatusForbidden)

	web := ts.client(t)
	web.login("staff1")
	tests := []struct {
		query string
		want  []string
	}{
		{"", []string{"dem-teaser×ach-pub", "dem-pub×ach-arsenic", "dem-teaser×ach-arsenic", "dem-pub×ach-pub"}},
		{"?status=contacted", []string{"dem-pub×ach-pub"}},
		{"?status=declined&reason=price", []string{"dem-teaser×ach-arsenic"}},
		{"?reason=scope", nil},
		{"?quiet=1", nil},
		{"?per_page=2&page=2", []string{"dem-teaser×ach-arsenic", "dem-pub×ach-pub"}},
		{"?org=org-inst", []string{"dem-pub×ach-arsenic", "dem-teaser×ach-arsenic"}},
		{"?org=org-uni&status=signed", []string{"dem-teaser×ach-pub"}},
	}
	for _, tc := range tests {
		r := web.get("/staff/matches" + tc.query)
		wantStatus(t, r, http.StatusOK)
		if got := pagePairs(r); !slices.Equal(got, tc.want) {
			t.Errorf("/staff/matches%s lists %v, want %v", tc.query, got, tc.want)
		}
	}
	page := web.get("/staff/matches?status=declined")
	for _, want := range []string{"价格不合适", "报价超出预算", "苏州纳米研究所", "苏州钢铁股份有限公司", `aria-current="page">已放弃 <small>1</small>`} {
		if !strings.Contains(page.body, want) {
			t.Errorf("declined pairs page lacks %q", want)
		}
	}
	// One organisation's pairs: from its page, tabs and counts its own.
	if r := web.get("/organizations/org-inst"); !strings.Contains(r.body, `href="/staff/matches?org=org-inst"`) {
		t.Error("the organisation page does not link staff to its tracked pairs")
	}
	page = web.get("/staff/matches?org=org-inst")
	for _, want := range []string{"仅看 苏州纳米研究所 参与的对接", `href="/staff/matches?org=org-inst&amp;status=negotiating">洽谈中 <small>1</small>`,
		`aria-current="page">全部 <small>2</small>`, `name="org" value="org-inst"`} {
		if !strings.Contains(page.body, want) {
			t.Errorf("the institute's pairs page lacks %q", want)
		}
	}
	r := web.get("/staff/matches?org=org-nowhere")
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if !strings.Contains(r.body, "org-nowhere") {
		t.Errorf("an unknown organisation is not named: %.500s", r.body)
	}
	r = web.get("/staff/matches?status=eloped")
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if !strings.Contains(r.body, `id="err-status"`) || !strings.Contains(r.body, "eloped") {
		t.Errorf("an unknown status is not named next to its field: %.500s", r.body)
	}
	r = apiCall(t, c, staff, "GET", "/api/v1/matches?reason=moon", "")
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if !strings.Contains(r.body, `"reason"`) {
		t.Errorf("API error does not name the reason: %s", r.body)
	}
	r = apiCall(t, c, staff, "GET", "/api/v1/matches?status=negotiating", "")
	wantStatus(t, r, http.StatusOK)
	var list matchListResponse
	if err := json.Unmarshal([]byte(r.body), &list); err != nil {
		t.Fatal(err)
	}
	if list.Total != 1 || list.Items[0].DemandTitle != "提高煤气利用率" || list.Items[0].AchievementTitle != "含砷废水膜分离回收工艺" ||
		list.Items[0].AchievementOwner != "苏州纳米研究所" || list.Counts.ByStatus["signed"] != 1 {
		t.Errorf("GET /api/v1/matches?status=negotiating = %s", r.body)
	}

	// The Excel export is the filtered list, whole, in the reader's words.
	r = web.get("/staff/matches.xlsx?status=declined")
	wantStatus(t, r, http.StatusOK)
	var rows []map[string]string
	err := sheet.Read("matches.xlsx", bytes.NewReader([]byte(r.body)), func(sheet.Header) error { return nil }, func(rec sheet.Record) error {
		row := map[string]string{}
		for k, v := range rec.Values {
			row[k], _ = v.(string)
		}
		rows = append(rows, row)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0]["需求编号"] != "dem-teaser" || rows[0]["成果编号"] != "ach-arsenic" || rows[0]["放弃原因"] != "价格不合适" ||
		rows[0]["备注"] != "报价超出预算" || rows[0]["状态"] != "已放弃" {
		t.Errorf("matches.xlsx?status=declined rows = %v", rows)
	}

	// The ledger's own form updates a pair and comes back to the same
	// filter; a detail page's form, which has no note, keeps the note.
	ledger := web.get("/staff/matches?status=contacted")
	tok := csrfInput.FindStringSubmatch(ledger.body)[1]
	if !strings.Contains(ledger.body, `name="back" value="/staff/matches?status=contacted"`) {
		t.Error("the ledger's form does not say where to come back to")
	}
	r = web.postForm("/matches", url.Values{"csrf_token": {tok}, "demand": {"dem-pub"}, "achievement": {"ach-pub"}, "status": {"negotiating"},
		"note": {" 已约定下周现场考察 "}, "from": {"matches"}, "back": {"/staff/matches?status=contacted"}})
	wantStatus(t, r, http.StatusSeeOther)
	if loc := r.Header.Get("Location"); !regexp.MustCompile(`^/staff/matches\?status=contacted#m\d+$`).MatchString(loc) {
		t.Errorf("after the ledger's form, redirect to %q", loc)
	}
	r = web.postForm("/matches", url.Values{"csrf_token": {tok}, "demand": {"dem-pub"}, "achievement": {"ach-pub"}, "status": {"negotiating"},
		"from": {"matches"}, "back": {"//evil.example/staff/matches"}})
	if loc := r.Header.Get("Location"); !strings.HasPrefix(loc, "/staff/matches#m") {
		t.Errorf("a foreign back address redirected to %q", loc)
	}
	r = web.postForm("/matches", url.Values{"csrf_token": {tok}, "demand": {"dem-pub"}, "achievement": {"ach-pub"}, "status": {"negotiating"}, "from": {"demand"}})
	wantStatus(t, r, http.StatusSeeOther)
	page = web.get("/staff/matches?status=negotiating")
	if got := pagePairs(page); !slices.Equal(got, []string{"dem-pub×ach-pub", "dem-pub×ach-arsenic"}) {
		t.Errorf("negotiating after the update: %v", got)
	}
	if !strings.Contains(page.body, "已约定下周现场考察</td>") {
		t.Error("the note set on the ledger is not shown, or a form without a note wiped it")
	}

	// A month and a day on, the pairs still open have gone quiet; the
	// signed and the declined have not.
	ts.skew.Store(int64(31*24*time.Hour + time.Hour))
	web = ts.client(t)
	web.login("staff1")
	r = web.get("/staff/matches?quiet=1")
	wantStatus(t, r, http.StatusOK)
	if got, want := pagePairs(r), []string{"dem-pub×ach-pub", "dem-pub×ach-arsenic"}; !slices.Equal(got, want) {
		t.Errorf("quiet pairs %v, want %v", got, want)
	}
	if !strings.Contains(r.body, "31 天未更新") || !strings.Contains(r.body, `aria-current="page">停滞 <small>2</small>`) {
		t.Errorf("quiet page lacks its badge or its count: %.2000s", r.body)
	}
	if got := pagePairs(web.get("/staff/matches?quiet=1&status=negotiating")); len(got) != 2 {
		t.Errorf("quiet and negotiating: %v, want both open pairs", got)
	}
	r = web.get("/staff/matches?quiet=1&status=signed")
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if got := pagePairs(r); len(got) != 0 || !strings.Contains(r.body, `id="err-quiet"`) {
		t.Errorf("quiet and signed lists %v; want none and the quiet box's error (a signed pair never goes quiet)", got)
	}
}

// TestPartyLedgerPage follows one party's own pairs on /my/matches: only
// its organisation's, its side marked, a private demand unnamed and its
// note unread until the demand's owner takes the pair into negotiation,
// updated by the pair's id from the row, and exported as the party reads it.
func TestPartyLedgerPage(t *testing.T) {
	ts := newTestServer(t)
	addMatchListings(t, ts) // ach-arsenic and ach-fuel are the institute's
	c := ts.client(t)
	staff := apiToken(t, c, "staff1")
	var private innobridge.Match
	for _, body := range []string{
		`{"demand":"dem-pub","achievement":"ach-pub","status":"signed"}`,
		`{"demand":"dem-pub","achievement":"ach-arsenic","note":"已发技术资料"}`,
		`{"demand":"dem-private","achievement":"ach-fuel","status":"contacted","note":"内部预算上限 80 万"}`,
	} {
		r := apiCall(t, c, staff, "POST", "/api/v1/matches", body)
		wantStatus(t, r, http.StatusOK)
		if err := json.Unmarshal([]byte(r.body), &private); err != nil {
			t.Fatal(err)
		}
	}
	row := func(body string, id int64) string {
		t.Helper()
		m := regexp.MustCompile(`(?s)<tr id="m` + strconv.FormatInt(id, 10) + `">.*?</tr>`).FindString(body)
		if m == "" {
			t.Fatalf("no row m%d", id)
		}
		return m
	}

	inst := ts.client(t)
	inst.login("inst1")
	r := inst.get("/my/matches")
	wantStatus(t, r, http.StatusOK)
	if got := pagePairs(r); !slices.Equal(got, []string{"dem-pub×ach-arsenic"}) {
		t.Errorf("the institute's named pairs: %v, want dem-pub×ach-arsenic and the private demand unnamed", got)
	}
	hidden := row(r.body, private.ID)
	for _, want := range []string{"一项保密需求", "/achievements/ach-fuel", `name="match" value="` + strconv.FormatInt(private.ID, 10) + `"`, `value="declined"`} {
		if !strings.Contains(hidden, want) {
			t.Errorf("the private demand's row lacks %q: %s", want, hidden)
		}
	}
	for _, leak := range []string{privateTitle, "dem-private", "内部预算", `value="negotiating"`, `name="note"`} {
		if strings.Contains(hidden, leak) {
			t.Errorf("the achievement's side reads %q before negotiation", leak)
		}
	}
	if strings.Contains(r.body, privateTitle) {
		t.Error("the achievement's side reads the private demand's title elsewhere on the page")
	}
	for _, want := range []string{"已发技术资料", `class="badge badge-ours"`, `aria-current="page">全部 <small>2</small>`, `href="/my/matches?status=contacted"`} {
		if !strings.Contains(r.body, want) {
			t.Errorf("/my/matches lacks %q", want)
		}
	}
	uni := ts.client(t)
	uni.login("uni1")
	if got := pagePairs(uni.get("/my/matches")); !slices.Equal(got, []string{"dem-pub×ach-pub"}) {
		t.Errorf("the university's pairs: %v", got)
	}
	if r := uni.get("/my"); !strings.Contains(r.body, "进行中 0 对，已签约 1 对") {
		t.Errorf("/my does not count the university's pairs: %.3000s", r.body)
	}
	staffWeb := ts.client(t)
	staffWeb.login("staff1")
	if r := staffWeb.get("/my/matches?status=signed"); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/staff/matches?status=signed" {
		t.Errorf("staff of no party on /my/matches: %d to %q", r.StatusCode, r.Header.Get("Location"))
	}

	// The export is the page as the party reads it.
	r = inst.get("/my/matches.xlsx")
	wantStatus(t, r, http.StatusOK)
	var titles []string
	err := sheet.Read("matches.xlsx", bytes.NewReader([]byte(r.body)), func(sheet.Header) error { return nil }, func(rec sheet.Record) error {
		for _, v := range rec.Values {
			if s, _ := v.(string); strings.Contains(s, "内部预算") || strings.Contains(s, "dem-private") || s == privateTitle {
				t.Errorf("the export leaks %q", s)
			}
		}
		title, _ := rec.Values["技术需求"].(string)
		titles = append(titles, title)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(titles, []string{"一项保密需求", "提高煤气利用率"}) {
		t.Errorf("exported demands %q", titles)
	}

	// Updates by the pair's id: the achievement's side declines the
	// private demand's pair, but does not take it into negotiation; a
	// third party cannot touch it.
	tok := csrfInput.FindStringSubmatch(r.body + inst.get("/my/matches").body)[1]
	post := func(vals url.Values) *response {
		vals.Set("csrf_token", tok)
		vals.Set("match", strconv.FormatInt(private.ID, 10))
		vals.Set("from", "matches")
		return inst.postForm("/matches", vals)
	}
	wantStatus(t, post(url.Values{"status": {"negotiating"}}), http.StatusForbidden)
	r = post(url.Values{"status": {"declined"}, "reason": {"scope"}, "back": {"/my/matches?status=contacted"}})
	wantStatus(t, r, http.StatusSeeOther)
	if loc := r.Header.Get("Location"); loc != "/my/matches?status=contacted#m"+strconv.FormatInt(private.ID, 10) {
		t.Errorf("after the row's form, redirect to %q", loc)
	}
	if r := inst.get("/my/matches?status=declined&reason=scope"); !strings.Contains(r.body, "一项保密需求") {
		t.Error("the declined pair is not under its reason")
	}
	path := "/api/v1/matches/" + strconv.FormatInt(private.ID, 10)
	wantStatus(t, apiCall(t, c, apiToken(t, c, "uni1"), "PATCH", path, `{"status":"contacted"}`), http.StatusNotFound)
	wantStatus(t, apiCall(t, c, staff, "PATCH", "/api/v1/matches/4711", `{"status":"contacted"}`), http.StatusNotFound)
	wantStatus(t, apiCall(t, c, staff, "PATCH", path, `{"status":"contacted","demand":"dem-pub"}`), http.StatusUnprocessableEntity)
	r = apiCall(t, c, apiToken(t, c, "ent1"), "PATCH", path, `{"status":"negotiating"}`)
	wantStatus(t, r, http.StatusOK)
	if !strings.Contains(r.body, `"note":"内部预算上限 80 万"`) {
		t.Errorf("PATCH as the demand's owner: %s", r.body)
	}
	// In negotiation the demand opens to the achievement's side.
	r = inst.get("/my/matches")
	if open := row(r.body, private.ID); !strings.Contains(open, privateTitle) || !strings.Contains(open, "内部预算上限 80 万") || !strings.Contains(open, `name="note"`) {
		t.Errorf("in negotiation the achievement's side reads: %s", open)
	}
}
