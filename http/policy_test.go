package http

import (
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/innobridge/innobridge"
	"github.com/innobridge/innobridge/policy"
	"github.com/innobridge/innobridge/sheet"
)

// withIndicators gives org-ent two years of figures and a 高新技术企业
// certificate that expires within 90 days of the test clock's today.
func withIndicators(t *testing.T, ts *testServer) *innobridge.Organization {
	t.Helper()
	ctx := context.Background()
	ext := "org-ent"
	orgs, _, err := ts.svc.FindOrganizations(ctx, innobridge.OrganizationFilter{ExternalID: &ext})
	if err != nil || len(orgs) != 1 {
		t.Fatalf("org-ent: %v", err)
	}
	o := orgs[0]
	staff, _, err := ts.db.FindUsers(ctx, innobridge.UserFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var su *innobridge.User
	for _, u := range staff {
		if u.Username == "staff1" {
			su = u
		}
	}
	as := innobridge.NewContextWithUser(ctx, su)
	today := innobridge.NewDate(ts.svc.Now())
	fy := today.Year() - 1
	for _, y := range []innobridge.YearFigures{
		{Year: fy - 1, Staff: 120, STStaff: 30, RDStaff: 20, Revenue: 80_000_000, MainRevenue: 76_000_000, TotalAssets: 60_000_000, RDExpense: 2_000_000},
		{Year: fy, Staff: 130, STStaff: 35, RDStaff: 22, Revenue: 90_000_000, MainRevenue: 85_000_000, TotalAssets: 70_000_000, RDExpense: 3_000_000},
	} {
		if _, err := ts.svc.PutEnterpriseYear(as, o.ID, y); err != nil {
			t.Fatal(err)
		}
	}
	exp := innobridge.NewDate(today.AddDate(0, 0, 30))
	p := &innobridge.EnterpriseProfile{HighTechField: "5", IP: innobridge.IPHoldings{InventionPatents: 2},
		Recognitions: []innobridge.Recognition{{Kind: innobridge.RecHighTech, Number: "GR202332009999", Granted: innobridge.NewDate(today.AddDate(-3, 0, 31)), Expires: &exp}}}
	if _, err := ts.svc.PutEnterpriseProfile(as, o.ID, p); err != nil {
		t.Fatal(err)
	}
	return o
}

func TestCalculatorSection(t *testing.T) {
	ts := newTestServer(t)
	withIndicators(t, ts)
	for _, tc := range []struct {
		user string
		see  bool
	}{{"", false}, {"inst1", false}, {"ent1", true}, {"staff1", true}} {
		c := ts.client(t)
		if tc.user != "" {
			c.login(tc.user)
		}
		r := c.get("/organizations/org-ent")
		wantStatus(t, r, http.StatusOK)
		has := strings.Contains(r.body, `id="calc"`)
		if has != tc.see {
			t.Errorf("%q sees the calculator: %v, want %v", tc.user, has, tc.see)
		}
		if tc.see {
			for _, want := range []string{"政策计算器", "高新技术企业", "GR202332009999", "即将到期", "科技人员占职工总数的比例不低于10%", "下一梯度"} {
				if !strings.Contains(r.body, want) {
					t.Errorf("%s: calculator section lacks %q", tc.user, want)
				}
			}
		}
	}
	// Not an enterprise: no calculator even for staff.
	c := ts.client(t)
	c.login("staff1")
	if r := c.get("/organizations/org-uni"); strings.Contains(r.body, `id="calc"`) {
		t.Error("a university shows the calculator")
	}
}

func TestIndicatorForm(t *testing.T) {
	ts := newTestServer(t)
	c := ts.client(t)
	c.login("ent1")
	tok := c.csrf("/organizations/org-ent/indicators?year=2025")
	r := c.postForm("/organizations/org-ent/indicators", url.Values{"csrf_token": {tok}, "year": {"2025"}, "staff": {"10"}, "st_staff": {"12"}, "revenue": {"abc"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if !strings.Contains(r.body, `id="f-revenue" name="revenue" value="abc" inputmode="numeric" aria-invalid="true"`) {
		t.Errorf("the bad revenue is not marked: %.2000s", r.body)
	}
	r = c.postForm("/organizations/org-ent/indicators", url.Values{"csrf_token": {tok}, "year": {"2025"}, "staff": {"10"}, "st_staff": {"12"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if !strings.Contains(r.body, "exceeds staff") && !strings.Contains(r.body, "st_staff 12") {
		t.Errorf("st_staff > staff not explained")
	}
	r = c.postForm("/organizations/org-ent/indicators", url.Values{"csrf_token": {tok}, "year": {"2025"}, "staff": {"10"}, "st_staff": {"3"}, "rd_expense": {"1,200,000"}})
	wantStatus(t, r, http.StatusSeeOther)
	r = c.get("/organizations/org-ent/indicators?year=2025")
	if !strings.Contains(r.body, `value="1200000"`) || !strings.Contains(r.body, "rd_expense") {
		t.Errorf("saved figures or history not shown")
	}
	r = c.postForm("/organizations/org-ent/recognitions", url.Values{"csrf_token": {tok}, "kind": {"tech_sme"}, "number": {"2025320500A0042"}, "granted": {"2025-05-01"}})
	wantStatus(t, r, http.StatusSeeOther)
	if r := c.get("/organizations/org-ent/indicators"); !strings.Contains(r.body, "2025320500A0042") {
		t.Error("recognition not listed")
	}
	r = c.postForm("/organizations/org-ent/profile", url.Values{"csrf_token": {tok}, "invention_patents": {"3"}, "applied_class1": {"5"}, "designs": {"x"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if !strings.Contains(r.body, `id="p-designs" name="designs" value="x" aria-invalid="true"`) {
		t.Errorf("the bad designs count is not marked")
	}
	r = c.postForm("/organizations/org-ent/profile", url.Values{"csrf_token": {tok}, "invention_patents": {"3"}, "applied_class1": {"5"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if !strings.Contains(r.body, `id="p-applied_class1" name="applied_class1" value="5" aria-invalid="true"`) {
		t.Errorf("applied class I above the rights held is not marked: %.300s", r.body)
	}
	r = c.postForm("/organizations/org-ent/profile", url.Values{"csrf_token": {tok}, "invention_patents": {"3"}, "applied_class1": {"2"}, "niche_since": {"2015-06-01"}})
	wantStatus(t, r, http.StatusSeeOther)
	e, err := ts.svc.FindEnterpriseIndicators(innobridge.NewContextWithUser(context.Background(), &innobridge.User{ID: 99, Role: innobridge.RoleStaff}), mustOrgID(t, ts, "org-ent"))
	if err != nil || e.Profile.IP.InventionPatents != 3 || e.Profile.NicheSince == nil || len(e.Profile.Recognitions) != 1 {
		t.Errorf("profile after the form: %+v (%v); want 3 patents, the niche date and the recognition kept", e, err)
	}
	// Another organisation's member may not.
	o := ts.client(t)
	o.login("inst1")
	wantStatus(t, o.get("/organizations/org-ent/indicators"), http.StatusForbidden)
	r = o.postForm("/organizations/org-ent/indicators", url.Values{"csrf_token": {o.csrf("/my")}, "year": {"2025"}, "staff": {"1"}})
	wantStatus(t, r, http.StatusForbidden)
}

func TestEvaluationAPI(t *testing.T) {
	ts := newTestServer(t)
	c := ts.client(t)
	token := func(user string) string {
		req, _ := http.NewRequest("POST", ts.URL+"/api/v1/session", strings.NewReader(`{"username":"`+user+`","password":"`+testPassword+`"}`))
		req.Header.Set("Content-Type", "application/json")
		r := c.do(req)
		wantStatus(t, r, http.StatusCreated)
		var body struct{ Token string }
		json.Unmarshal([]byte(r.body), &body)
		return body.Token
	}
	call := func(tok, method, path, body string) *response {
		t.Helper()
		req, _ := http.NewRequest(method, ts.URL+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		return c.do(req)
	}
	ent, inst, staff := token("ent1"), token("inst1"), token("staff1")
	r := call(ent, "PUT", "/api/v1/organizations/org-ent/indicators/2025", `{"staff":50,"st_staff":60}`)
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if !strings.Contains(r.body, `"st_staff"`) {
		t.Errorf("error does not name st_staff: %s", r.body)
	}
	r = call(ent, "PUT", "/api/v1/organizations/org-ent/indicators/2025", `{"staf":50}`)
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if !strings.Contains(r.body, `"staf"`) {
		t.Errorf("a misspelt field is not named: %s", r.body)
	}
	r = call(ent, "PUT", "/api/v1/organizations/org-ent/indicators/2025", `{"staff":50,"st_staff":10,"revenue":30000000,"rd_expense":1500000}`)
	wantStatus(t, r, http.StatusOK)
	var ch struct{ Changes []innobridge.IndicatorChange }
	json.Unmarshal([]byte(r.body), &ch)
	if len(ch.Changes) != 5 {
		t.Errorf("changes %+v, want 5 fields", ch.Changes)
	}
	wantStatus(t, call(inst, "PUT", "/api/v1/organizations/org-ent/indicators/2025", `{"staff":1}`), http.StatusForbidden)
	wantStatus(t, call(inst, "GET", "/api/v1/organizations/org-ent/evaluation", ""), http.StatusForbidden)
	wantStatus(t, call("", "GET", "/api/v1/organizations/org-ent/evaluation", ""), http.StatusUnauthorized)

	r = call(staff, "PUT", "/api/v1/organizations/org-ent/profile", `{"ip":{"invention_patents":1},"recognitions":[{"kind":"hightech","number":"GR1","granted":"2024-12-01"}]}`)
	wantStatus(t, r, http.StatusOK)
	r = call(ent, "GET", "/api/v1/organizations/org-ent/evaluation?as_of=2026-06-15", "")
	wantStatus(t, r, http.StatusOK)
	var ev struct {
		AsOf       string `json:"as_of"`
		FiscalYear int    `json:"fiscal_year"`
		Next       int    `json:"next"`
		Tiers      []struct {
			Tier   struct{ Rule string }
			Held   *innobridge.Recognition `json:"held"`
			Result *struct {
				Eligible bool
				Trace    []json.RawMessage
				Gaps     []string
			} `json:"result"`
			GapsZH []string `json:"gaps_zh"`
		} `json:"tiers"`
		Policies []struct{ Rule string } `json:"policies"`
	}
	if err := json.Unmarshal([]byte(r.body), &ev); err != nil {
		t.Fatal(err)
	}
	if ev.AsOf != "2026-06-15" || ev.FiscalYear != 2025 || len(ev.Tiers) != 5 || ev.Tiers[1].Held == nil || ev.Tiers[1].Held.Number != "GR1" {
		t.Fatalf("evaluation %+v", ev)
	}
	if ev.Next < 0 || ev.Tiers[ev.Next].Result == nil || len(ev.Tiers[ev.Next].Result.Trace) == 0 || len(ev.Tiers[ev.Next].GapsZH) == 0 {
		t.Errorf("next tier %d has no trace or Chinese gaps", ev.Next)
	}
	if len(ev.Policies) == 0 {
		t.Error("no local policy evaluated on 2026-06-15")
	}
	wantStatus(t, call(ent, "GET", "/api/v1/organizations/org-ent/evaluation?as_of=June", ""), http.StatusUnprocessableEntity)
	// Before anything was recorded the enterprise had no figures.
	r = call(ent, "GET", "/api/v1/organizations/org-ent/evaluation?as_of=2026-06-15&recorded=2020-01-01", "")
	wantStatus(t, r, http.StatusOK)
	var old struct {
		Indicators struct{ Years []innobridge.YearFigures } `json:"indicators"`
	}
	json.Unmarshal([]byte(r.body), &old)
	if len(old.Indicators.Years) != 0 {
		t.Errorf("figures as recorded in 2020: %+v, want none", old.Indicators.Years)
	}

	r = call(ent, "GET", "/api/v1/organizations/org-ent/indicator-changes?limit=3", "")
	wantStatus(t, r, http.StatusOK)
	var hist struct {
		Items []innobridge.IndicatorChange
		Total int
	}
	json.Unmarshal([]byte(r.body), &hist)
	if len(hist.Items) != 3 || hist.Total != 5+4 || hist.Items[0].Year != 0 {
		t.Errorf("history %d of %d, newest %+v; want 3 of 9, newest the profile", len(hist.Items), hist.Total, hist.Items)
	}
	wantStatus(t, call(ent, "DELETE", "/api/v1/organizations/org-ent/indicators/2025", ""), http.StatusNoContent)
	wantStatus(t, call(ent, "DELETE", "/api/v1/organizations/org-ent/indicators/2025", ""), http.StatusNotFound)
	wantStatus(t, call(ent, "GET", "/api/v1/policies", ""), http.StatusForbidden)
	wantStatus(t, call(staff, "GET", "/api/v1/tier-pipeline", ""), http.StatusOK)
}

func TestStaffPolicyPages(t *testing.T) {
	ts := newTestServer(t)
	withIndicators(t, ts)
	c := ts.client(t)
	c.login("ent1")
	wantStatus(t, c.get("/staff/policies"), http.StatusForbidden)
	wantStatus(t, c.get("/staff/pipeline"), http.StatusForbidden)
	wantStatus(t, c.get("/staff/evaluations.xlsx"), http.StatusForbidden)
	c = ts.client(t)
	c.login("staff1")
	asOf := innobridge.NewDate(ts.svc.Now()).String()
	r := c.get("/staff/policies?as_of=" + asOf)
	wantStatus(t, r, http.StatusOK)
	if ts.svc.Now().Year() == 2026 && !strings.Contains(r.body, "苏州钢铁股份有限公司") {
		t.Errorf("the qualifying enterprise is not on any 免申即享 list: %.3000s", r.body)
	}
	r = c.get("/staff/policies.xlsx?as_of=" + asOf)
	wantStatus(t, r, http.StatusOK)
	if txt := bodyText(t, r); !strings.Contains(txt, "测算金额") {
		t.Error("the .xlsx export has no header")
	}
	r = c.get("/staff/evaluations.xlsx")
	wantStatus(t, r, http.StatusOK)
	txt := bodyText(t, r)
	if !strings.Contains(txt, "org-ent") || !strings.Contains(txt, "hightech") || !strings.Contains(txt, "科技人员") {
		t.Error("the evaluation workbook lacks the enterprise, a tier or its trace")
	}
	if ts.svc.Now().Year() == 2026 && !strings.Contains(txt, "sz_rd_increment_2026") { // the example policies run through 2026
		t.Error("the evaluation workbook lacks the local policies in force")
	}
	r = c.get("/staff/pipeline")
	wantStatus(t, r, http.StatusOK)
	for _, want := range []string{"GR202332009999", "90 天内到期", "需重新认定"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("pipeline lacks %q", want)
		}
	}
}

func xlsxFile(t *testing.T, rows [][]string) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := sheet.WriteXLSX(&b, sheet.Table{Name: "indicators", Header: rows[0], Rows: rows[1:]}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func upload(t *testing.T, c *client, path, name string, data []byte) *response {
	t.Helper()
	tok := c.csrf("/staff/indicators/import")
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf_token", tok)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", c.ts.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

func TestIndicatorImport(t *testing.T) {
	ts := newTestServer(t)
	c := ts.client(t)
	c.login("staff1")
	bad := xlsxFile(t, [][]string{{"机构编号", "年度", "职工总数", "科技人员数", "研发费用(元)"},
		{"org-ent", "2025", "100", "20", "3000000"},
		{"org-ent", "2024", "10", "12", "x"},
		{"org-uni", "2024", "10", "1", "0"}})
	r := upload(t, c, "/staff/indicators/import", "ind.xlsx", bad)
	wantStatus(t, r, http.StatusUnprocessableEntity)
	for _, want := range []string{"row 3", "rd_expense", "st_staff", "row 4", "org"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("problems do not mention %q: %.3000s", want, r.body)
		}
	}
	ctx := context.Background()
	if list, _ := ts.db.FindEnterpriseIndicators(ctx, nil); len(list) != 0 {
		t.Fatalf("a rejected file stored %d enterprises' figures", len(list))
	}
	good := xlsxFile(t, [][]string{{"统一社会信用代码", "年度", "职工总数", "科技人员数", "研发费用(元)"},
		{"91320582MA1XYW123" + string(mustCheck(t)), "2025", "100", "20", "300万"},
		{"91320582MA1XYW123" + string(mustCheck(t)), "2024", "90", "18", "2000000"}})
	r = upload(t, c, "/staff/indicators/import", "ind.xlsx", good)
	wantStatus(t, r, http.StatusOK)
	list, err := ts.db.FindEnterpriseIndicators(ctx, nil)
	if err != nil || len(list) != 1 || len(list[0].Years) != 2 || list[0].Years[1].RDExpense != 3_000_000 {
		t.Fatalf("after import: %+v, %v", list, err)
	}
	e := ts.client(t)
	e.login("ent1")
	wantStatus(t, e.get("/staff/indicators/import"), http.StatusForbidden)
}

func mustCheck(t *testing.T) rune {
	c, ok := innobridge.USCCCheckChar("91320582MA1XYW123")
	if !ok {
		t.Fatal("bad USCC")
	}
	return rune(c)
}

func TestNotificationPages(t *testing.T) {
	ts := newTestServer(t)
	withIndicators(t, ts) // a 高企 certificate ending in 30 days
	c := ts.client(t)
	c.login("ent1")
	r := c.get("/my")
	badge := regexp.MustCompile(`<span class="badge badge-count"[^>]*>(\d+)</span>`)
	m := badge.FindStringSubmatch(r.body)
	if m == nil || m[1] == "0" {
		t.Fatalf("no unread badge in the header of /my")
	}
	r = c.get("/my/notifications")
	wantStatus(t, r, http.StatusOK)
	if !strings.Contains(r.body, "高新技术企业即将到期") || !strings.Contains(r.body, "GR202332009999") || !strings.Contains(r.body, `href="/organizations/org-ent#calc"`) {
		t.Errorf("the expiry notification is not listed: %.2000s", r.body)
	}
	r = c.postForm("/my/notifications/read", url.Values{"csrf_token": {c.csrf("/my/notifications")}})
	wantStatus(t, r, http.StatusSeeOther)
	if badge.MatchString(c.get("/my").body) {
		t.Error("the badge stays after reading everything")
	}
	o := ts.client(t)
	o.login("inst1")
	if r := o.get("/my/notifications"); strings.Contains(r.body, "GR202332009999") {
		t.Error("another organisation sees the enterprise's notifications")
	}
	s := ts.client(t)
	s.login("staff1")
	r = s.postForm("/staff/notifications/run", url.Values{"csrf_token": {s.csrf("/staff/policies")}})
	wantStatus(t, r, http.StatusSeeOther)
	if loc := r.Header.Get("Location"); loc != "/staff/policies?notified=0" {
		t.Errorf("a second run went to %q: nothing new should be announced", loc)
	}
	wantStatus(t, c.postForm("/staff/notifications/run", url.Values{"csrf_token": {c.csrf("/my")}}), http.StatusForbidden)
}

func mustOrgID(t *testing.T, ts *testServer, ext string) int64 {
	t.Helper()
	list, _, err := ts.svc.FindOrganizations(context.Background(), innobridge.OrganizationFilter{ExternalID: &ext})
	if err != nil || len(list) != 1 {
		t.Fatalf("organisation %s: %v", ext, err)
	}
	return list[0].ID
}

func TestCriteriaInLanguage(t *testing.T) {
	f := false
	res := &policy.Result{Trace: []policy.Step{{Title: "研发费用 (R&D)", TitleZh: "研发费用", Display: "¥1.8m", DisplayZh: "180 万元",
		Threshold: "≥ 3%", Note: "FY2025", NoteZh: "2025 年度", Pass: &f}},
		Gaps: []string{"needs ¥1.8m more R&D expense on this revenue"}, GapsZh: []string{"还需增加研发费用 180 万元（按当前营业收入）"}}
	for _, tc := range []struct {
		lang, title, value, note, gap string
	}{
		{"zh", "研发费用", "180 万元", "2025 年度", "还需增加研发费用 180 万元（按当前营业收入）"},
		{"en", "研发费用 (R&D)", "¥1.8m", "FY2025", "needs ¥1.8m more R&D expense on this revenue"},
	} {
		c := criteria(res.Trace, false, tc.lang)[0]
		if c.Title != tc.title || c.Value != tc.value || c.Threshold != "≥ 3%" || c.Note != tc.note || c.Status != "fail" {
			t.Errorf("%s: criterion %+v", tc.lang, c)
		}
		if g := gapsIn(res, tc.lang); len(g) != 1 || g[0] != tc.gap {
			t.Errorf("%s: gaps %q, want [%q]", tc.lang, g, tc.gap)
		}
	}
}
