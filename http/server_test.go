package http

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/innobridge/innobridge"
	"github.com/innobridge/innobridge/passwd"
	"github.com/innobridge/innobridge/service"
	"github.com/innobridge/innobridge/sqlite"
	"github.com/innobridge/innobridge/zh"
)

// The confidential text of the fixture's demands: it must never reach a
// reader without full rights, in any format.
const (
	teaserSecret  = "含砷废水膜分离工艺参数保密"
	teaserKeyword = "砷回收秘钥"
	privateSecret = "氢能重卡电堆寿命绝密指标"
	privateTitle  = "新一代燃料电池电堆联合攻关"
	testPassword  = "Sz-Tech#2026pw"
)

var secrets = []string{teaserSecret, teaserKeyword, privateSecret, privateTitle}

// testServer is the platform over loopback HTTP on a real SQLite file.
type testServer struct {
	*httptest.Server
	srv *Server
	svc *service.Service
	db  *sqlite.DB
	// skew moves the service's clock forward, safely for the server's
	// goroutines.
	skew *atomic.Int64
}

// newTestService opens a fresh SQLite file under t.TempDir and a service
// over it, with cheap password hashing (the algorithm is the same).
func newTestService(t *testing.T) (*sqlite.DB, *service.Service, *slog.Logger) {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "t.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	a, err := zh.Default()
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := service.New(db, a, logger)
	svc.Config.PasswordParams = passwd.Params{Memory: 1024, Time: 1, Threads: 1}
	return db, svc, logger
}

// newTestServer starts a server with two organisations, users of each
// kind and listings in every state of visibility.
func newTestServer(t *testing.T) *testServer {
	t.Helper()
	ctx := context.Background()
	db, svc, logger := newTestService(t)
	skew := new(atomic.Int64)
	svc.Now = func() time.Time { return time.Now().Add(time.Duration(skew.Load())) }

	first17 := "91320582MA1XYW123"
	c, _ := innobridge.USCCCheckChar(first17)
	orgs := []*innobridge.Organization{
		{ExternalID: "org-uni", Name: "苏州科技大学", Kind: innobridge.OrgUniversity, Region: "320506"},
		{ExternalID: "org-ent", Name: "苏州钢铁股份有限公司", Kind: innobridge.OrgEnterprise, Region: "320582", USCC: first17 + string(c)},
		{ExternalID: "org-inst", Name: "苏州纳米研究所", Kind: innobridge.OrgInstitute, Region: "320571"},
	}
	for _, o := range orgs {
		if err := svc.CreateOrganizationUnchecked(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	users := map[string]*innobridge.User{}
	for _, nu := range []service.NewUser{
		{Username: "admin1", Role: innobridge.RoleAdmin},
		{Username: "staff1", Role: innobridge.RoleStaff},
		{Username: "uni1", Role: innobridge.RoleMember, OrgID: orgs[0].ID},
		{Username: "ent1", Role: innobridge.RoleMember, OrgID: orgs[1].ID},
		{Username: "inst1", Role: innobridge.RoleMember, OrgID: orgs[2].ID},
	} {
		nu.Name, nu.Password = nu.Username, testPassword
		u, err := svc.CreateUserUnchecked(ctx, nu)
		if err != nil {
			t.Fatal(err)
		}
		users[u.Username] = u
	}
	as := func(name string) context.Context { return innobridge.NewContextWithUser(ctx, users[name]) }
	price := int64(1500000)
	for _, x := range []*innobridge.Achievement{
		{Listing: innobridge.Listing{ExternalID: "ach-pub", Title: "高炉煤气余热回收技术", Description: "回收高炉煤气显热。",
			Keywords: []string{"余热"}, Field: "6"}, TRL: 6, PriceYuan: &price, TransferModes: []innobridge.Mode{innobridge.ModeLicense}},
		{Listing: innobridge.Listing{ExternalID: "ach-draft", Title: "未发布的草稿成果", Status: innobridge.StatusDraft}},
	} {
		if err := svc.CreateAchievement(as("uni1"), x); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range []*innobridge.Demand{
		{Listing: innobridge.Listing{ExternalID: "dem-pub", Title: "提高煤气利用率", Description: "转炉煤气回收率低，寻求合作。"}},
		{Listing: innobridge.Listing{ExternalID: "dem-teaser", Title: "工业废水深度处理", Teaser: "寻求工业废水处理合作伙伴",
			Description: teaserSecret, Keywords: []string{teaserKeyword}}, Confidentiality: innobridge.ConfTeaser},
		{Listing: innobridge.Listing{ExternalID: "dem-private", Title: privateTitle, Teaser: "新能源方向合作",
			Description: privateSecret}, Confidentiality: innobridge.ConfPrivate},
	} {
		if err := svc.CreateDemand(as("ent1"), d); err != nil {
			t.Fatal(err)
		}
	}
	srv := NewServer(svc, Options{Logger: logger})
	ts := &testServer{Server: httptest.NewServer(srv.Handler()), srv: srv, svc: svc, db: db, skew: skew}
	t.Cleanup(ts.Close)
	return ts
}

// client is a browser: it keeps cookies and does not follow redirects, so
// that tests see them.
type client struct {
	t    *testing.T
	ts   *testServer
	http *http.Client
}

func (ts *testServer) client(t *testing.T) *client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &client{t: t, ts: ts, http: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// response is a finished response with its body read.
type response struct {
	*http.Response
	body string
}

func (c *client) do(req *http.Request) *response {
	c.t.Helper()
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return &response{Response: resp, body: string(b)}
}

func (c *client) get(path string) *response {
	c.t.Helper()
	req, err := http.NewRequest("GET", c.ts.URL+path, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	return c.do(req)
}

func (c *client) postForm(path string, form url.Values) *response {
	c.t.Helper()
	req, err := http.NewRequest("POST", c.ts.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

var csrfInput = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// csrf returns the CSRF token of the form on page path.
func (c *client) csrf(path string) string {
	c.t.Helper()
	r := c.get(path)
	m := csrfInput.FindStringSubmatch(r.body)
	if m == nil {
		c.t.Fatalf("GET %s: no csrf_token in the page (status %d)", path, r.StatusCode)
	}
	return m[1]
}

// login signs in through the login form.
func (c *client) login(username string) *response {
	c.t.Helper()
	r := c.postForm("/login", url.Values{"csrf_token": {c.csrf("/login")}, "username": {username}, "password": {testPassword}, "next": {"/my"}})
	if r.StatusCode != http.StatusSeeOther {
		c.t.Fatalf("login %s: status %d", username, r.StatusCode)
	}
	return r
}

func wantStatus(t *testing.T, r *response, want int) {
	t.Helper()
	if r.StatusCode != want {
		t.Fatalf("%s %s: status %d, want %d; body: %.300s", r.Request.Method, r.Request.URL.Path, r.StatusCode, want, r.body)
	}
}

// bodyText returns what a reader of the response sees: the body, or for an
// XLSX file the text of every part inside it.
func bodyText(t *testing.T, r *response) string {
	t.Helper()
	if !strings.Contains(r.Header.Get("Content-Type"), "spreadsheetml") {
		return r.body
	}
	zr, err := zip.NewReader(bytes.NewReader([]byte(r.body)), int64(len(r.body)))
	if err != nil {
		t.Fatalf("%s: not an XLSX file: %v", r.Request.URL, err)
	}
	var b strings.Builder
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		b.Write(data)
	}
	return b.String()
}

func TestHealthz(t *testing.T) {
	ts := newTestServer(t)
	r := ts.client(t).get("/healthz")
	wantStatus(t, r, http.StatusOK)
	if strings.TrimSpace(r.body) != "ok" {
		t.Errorf("body = %q", r.body)
	}
}

func TestAPIListsPublicRecords(t *testing.T) {
	ts := newTestServer(t)
	c := ts.client(t)
	type item struct {
		ID          string `json:"id"`
		Title       string `json:"title"`
		Description string `json:"description"`
		Status      string `json:"status"`
		Redacted    bool   `json:"redacted"`
		Teaser      string `json:"teaser"`
	}
	list := func(path string) []item {
		t.Helper()
		r := c.get(path)
		wantStatus(t, r, http.StatusOK)
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("%s: Content-Type %q", path, ct)
		}
		var body struct {
			Items []item `json:"items"`
			Total int    `json:"total"`
		}
		if err := json.Unmarshal([]byte(r.body), &body); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if body.Total != len(body.Items) {
			t.Errorf("%s: total %d for %d items", path, body.Total, len(body.Items))
		}
		return body.Items
	}
	ids := func(items []item) string {
		var out []string
		for _, x := range items {
			out = append(out, x.ID)
		}
		return strings.Join(out, ",")
	}
	achs := list("/api/v1/achievements")
	if got := ids(achs); got != "ach-pub" {
		t.Errorf("achievements = %s, want ach-pub", got)
	}
	if got := ids(list("/api/v1/achievements?status=draft")); got != "ach-pub" {
		t.Errorf("anonymous asking for drafts got %s", got)
	}
	dems := list("/api/v1/demands")
	if got := ids(dems); got != "dem-teaser,dem-pub" && got != "dem-pub,dem-teaser" {
		t.Errorf("demands = %s, want dem-pub and dem-teaser", got)
	}
	for _, d := range dems {
		switch d.ID {
		case "dem-pub":
			if d.Redacted || d.Description == "" {
				t.Errorf("public demand redacted: %+v", d)
			}
		case "dem-teaser":
			if !d.Redacted || d.Description != "" || d.Teaser == "" {
				t.Errorf("teaser demand not redacted: %+v", d)
			}
		}
	}
	if got := ids(list("/api/v1/demands?confidentiality=private")); got != "" {
		t.Errorf("anonymous asking for private demands got %s", got)
	}
	if got := ids(list("/api/v1/demands?q=煤气")); got != "dem-pub" {
		t.Errorf("search 煤气 = %s, want dem-pub", got)
	}
}

// TestConfidentialNeverLeaks fetches every view of the demands (lists,
// details, search, exports, organisation pages) as readers without full
// rights and looks for the hidden text in each body; the owner and staff,
// as a control, do see it on the detail page.
func TestConfidentialNeverLeaks(t *testing.T) {
	ts := newTestServer(t)
	paths := []string{
		"/", "/api/v1/counts",
		"/demands", "/demands?q=废水", "/demands?q=燃料电池", "/demands?q=含砷", "/demands?confidentiality=private",
		"/demands?status=draft&status=published", "/demands.json", "/demands.csv", "/demands.xlsx", "/demands?format=csv",
		"/demands.csv?q=废水", "/demands.xlsx?confidentiality=private&confidentiality=teaser",
		"/demands/dem-teaser", "/demands/dem-private", "/demands/dem-teaser/edit", "/demands/dem-private/edit",
		"/api/v1/demands", "/api/v1/demands?q=废水", "/api/v1/demands?q=砷回收秘钥", "/api/v1/demands?confidentiality=private",
		"/api/v1/demands/dem-teaser", "/api/v1/demands/dem-private",
		"/organizations/org-ent", "/api/v1/organizations/org-ent", "/demands?org=org-ent", "/demands.csv?org=org-ent",
		"/my",
	}
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
			for _, p := range paths {
				r := c.get(p)
				if r.StatusCode >= 500 {
					t.Errorf("GET %s: status %d", p, r.StatusCode)
				}
				text := bodyText(t, r)
				for _, s := range secrets {
					if strings.Contains(text, s) {
						t.Errorf("GET %s (status %d) reveals %q", p, r.StatusCode, s)
					}
				}
			}
			for _, p := range []string{"/demands/dem-private", "/api/v1/demands/dem-private"} {
				if r := c.get(p); r.StatusCode != http.StatusNotFound {
					t.Errorf("GET %s: status %d, want 404", p, r.StatusCode)
				}
			}
			// The export carries the teaser demand, redacted.
			if r := c.get("/demands.csv"); !strings.Contains(r.body, "dem-teaser") || !strings.Contains(r.body, "寻求工业废水处理合作伙伴") {
				t.Errorf("CSV export lacks the teaser row:\n%s", r.body)
			}
		})
	}
	for _, who := range []string{"ent1", "staff1"} {
		t.Run("control/"+who, func(t *testing.T) {
			c := ts.client(t)
			c.login(who)
			for p, want := range map[string]string{
				"/demands/dem-teaser": teaserSecret, "/demands/dem-private": privateSecret,
				"/api/v1/demands/dem-private": privateSecret,
			} {
				r := c.get(p)
				wantStatus(t, r, http.StatusOK)
				if !strings.Contains(r.body, want) {
					t.Errorf("GET %s as %s lacks the full text", p, who)
				}
			}
		})
	}
}

func TestCSRF(t *testing.T) {
	ts := newTestServer(t)
	t.Run("LoginWithoutToken", func(t *testing.T) {
		c := ts.client(t)
		c.get("/login") // sets the pre-session cookie
		r := c.postForm("/login", url.Values{"username": {"uni1"}, "password": {testPassword}})
		wantStatus(t, r, http.StatusForbidden)
		if hasCookie(r, sessionCookie) {
			t.Error("a session cookie was set")
		}
	})
	t.Run("LoginWithWrongToken", func(t *testing.T) {
		c := ts.client(t)
		c.get("/login")
		r := c.postForm("/login", url.Values{"csrf_token": {strings.Repeat("x", 32)}, "username": {"uni1"}, "password": {testPassword}})
		wantStatus(t, r, http.StatusForbidden)
	})
	t.Run("LoggedIn", func(t *testing.T) {
		c := ts.client(t)
		c.login("uni1")
		form := url.Values{"title": {"伪造的需求"}, "confidentiality": {"public"}, "status": {"published"}}
		wantStatus(t, c.postForm("/demands", form), http.StatusForbidden)
		wantStatus(t, c.postForm("/logout", url.Values{}), http.StatusForbidden)
		// The pre-login token is no good after login.
		form.Set("csrf_token", strings.Repeat("y", 32))
		wantStatus(t, c.postForm("/demands", form), http.StatusForbidden)
		list, _, err := ts.db.FindDemands(context.Background(), innobridge.ListingFilter{ExternalID: nil, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range list {
			if d.Title == "伪造的需求" {
				t.Fatal("a forged post created a demand")
			}
		}
		// With the session's token the same post goes through.
		form.Set("csrf_token", c.csrf("/demands/new"))
		r := c.postForm("/demands", form)
		wantStatus(t, r, http.StatusSeeOther)
		if !strings.HasPrefix(r.Header.Get("Location"), "/demands/") {
			t.Errorf("redirect to %q", r.Header.Get("Location"))
		}
		// A JSON API write with the cookie but without the header is refused too.
		req, _ := http.NewRequest("POST", ts.URL+"/api/v1/demands", strings.NewReader(`{"title":"经API伪造"}`))
		req.Header.Set("Content-Type", "application/json")
		wantStatus(t, c.do(req), http.StatusForbidden)
	})
}

func hasCookie(r *response, name string) bool {
	for _, c := range r.Cookies() {
		if c.Name == name && c.Value != "" && c.MaxAge >= 0 {
			return true
		}
	}
	return false
}

func TestLoginForm(t *testing.T) {
	ts := newTestServer(t)
	t.Run("OK", func(t *testing.T) {
		c := ts.client(t)
		r := c.login("ent1")
		if loc := r.Header.Get("Location"); loc != "/my" {
			t.Errorf("redirect to %q, want /my", loc)
		}
		var sess *http.Cookie
		for _, ck := range r.Cookies() {
			if ck.Name == sessionCookie {
				sess = ck
			}
		}
		if sess == nil || len(sess.Value) < 32 {
			t.Fatalf("no session cookie in %v", r.Header["Set-Cookie"])
		}
		if !sess.HttpOnly || sess.SameSite != http.SameSiteLaxMode && sess.SameSite != http.SameSiteStrictMode {
			t.Errorf("session cookie %q lacks HttpOnly or SameSite", r.Header.Get("Set-Cookie"))
		}
		if sess.Path != "/" {
			t.Errorf("session cookie path %q", sess.Path)
		}
		my := c.get("/my")
		wantStatus(t, my, http.StatusOK)
		if !strings.Contains(my.body, "苏州钢铁股份有限公司") {
			t.Error("/my does not show the user's organisation")
		}
		// Logout ends the session on the server, not just in the browser.
		wantStatus(t, c.postForm("/logout", url.Values{"csrf_token": {c.csrf("/my")}}), http.StatusSeeOther)
		if _, _, err := ts.svc.Authenticate(context.Background(), sess.Value); innobridge.ErrorCode(err) != innobridge.EUNAUTHORIZED {
			t.Errorf("session still valid after logout: %v", err)
		}
		if r := c.get("/my"); r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/login") {
			t.Errorf("/my after logout: %d %s", r.StatusCode, r.Header.Get("Location"))
		}
	})
	t.Run("ErrWrongPassword", func(t *testing.T) {
		c := ts.client(t)
		r := c.postForm("/login", url.Values{"csrf_token": {c.csrf("/login")}, "username": {"uni1"}, "password": {"nope"}})
		wantStatus(t, r, http.StatusUnauthorized)
		if hasCookie(r, sessionCookie) {
			t.Error("a failed login set a session cookie")
		}
	})
	t.Run("Lockout", func(t *testing.T) {
		c := ts.client(t)
		tok := c.csrf("/login")
		var r *response
		for range 5 {
			r = c.postForm("/login", url.Values{"csrf_token": {tok}, "username": {"inst1"}, "password": {"Wrong#Passw0rd"}})
		}
		wantStatus(t, r, http.StatusLocked)
		r = c.postForm("/login", url.Values{"csrf_token": {tok}, "username": {"inst1"}, "password": {testPassword}})
		wantStatus(t, r, http.StatusLocked)
	})
	t.Run("OpenRedirect", func(t *testing.T) {
		c := ts.client(t)
		r := c.postForm("/login", url.Values{"csrf_token": {c.csrf("/login")}, "username": {"uni1"}, "password": {testPassword},
			"next": {"//evil.example/"}})
		wantStatus(t, r, http.StatusSeeOther)
		if loc := r.Header.Get("Location"); loc != "/" {
			t.Errorf("redirect to %q, want /", loc)
		}
	})
	t.Run("API", func(t *testing.T) {
		c := ts.client(t)
		req, _ := http.NewRequest("POST", ts.URL+"/api/v1/session", strings.NewReader(`{"username":"ent1","password":"`+testPassword+`"}`))
		req.Header.Set("Content-Type", "application/json")
		r := c.do(req)
		wantStatus(t, r, http.StatusCreated)
		var body struct {
			Token string `json:"token"`
		}
		if err := json.Unmarshal([]byte(r.body), &body); err != nil || body.Token == "" {
			t.Fatalf("no token in %s", r.body)
		}
		if hasCookie(r, sessionCookie) {
			t.Error("the API login set a cookie")
		}
		req, _ = http.NewRequest("GET", ts.URL+"/api/v1/demands/dem-private", nil)
		req.Header.Set("Authorization", "Bearer "+body.Token)
		r = c.do(req)
		wantStatus(t, r, http.StatusOK)
		if !strings.Contains(r.body, privateSecret) {
			t.Error("the owner's token does not read its private demand")
		}
		req, _ = http.NewRequest("GET", ts.URL+"/api/v1/demands", nil)
		req.Header.Set("Authorization", "Bearer not-a-token")
		wantStatus(t, c.do(req), http.StatusUnauthorized)
	})
}

func TestAuditAccess(t *testing.T) {
	ts := newTestServer(t)
	anon := ts.client(t)
	wantStatus(t, anon.get("/api/v1/audit"), http.StatusUnauthorized)
	if r := anon.get("/staff/audit"); r.StatusCode != http.StatusSeeOther {
		t.Errorf("anonymous /staff/audit: %d, want a redirect to login", r.StatusCode)
	}
	member := ts.client(t)
	member.login("ent1")
	wantStatus(t, member.get("/api/v1/audit"), http.StatusForbidden)
	wantStatus(t, member.get("/staff/audit"), http.StatusForbidden)
	wantStatus(t, member.get("/staff/audit.csv"), http.StatusForbidden)

	// A view of the teaser demand by another reader is audited, and staff
	// read it.
	other := ts.client(t)
	other.login("inst1")
	wantStatus(t, other.get("/demands/dem-teaser"), http.StatusOK)
	staff := ts.client(t)
	staff.login("staff1")
	r := staff.get("/api/v1/audit?action=view_confidential&entity_id=dem-teaser")
	wantStatus(t, r, http.StatusOK)
	var body struct {
		Items []innobridge.AuditEntry `json:"items"`
	}
	if err := json.Unmarshal([]byte(r.body), &body); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range body.Items {
		if e.Username == "inst1" && e.IP != "" {
			found = true
		}
	}
	if !found {
		t.Errorf("no audit entry with the client address for inst1's view: %+v", body.Items)
	}
	wantStatus(t, staff.get("/staff/audit"), http.StatusOK)
}

func TestSecurityHeaders(t *testing.T) {
	ts := newTestServer(t)
	c := ts.client(t)
	for _, p := range []string{"/", "/login", "/achievements", "/api/v1/achievements", "/healthz", "/no-such-page", "/demands.csv",
		"/api/v1/openapi.json"} {
		r := c.get(p)
		h := r.Header
		csp := h.Get("Content-Security-Policy")
		if csp == "" {
			t.Errorf("%s: no Content-Security-Policy", p)
			continue
		}
		for _, d := range []string{"default-src 'self'", "frame-ancestors 'none'", "object-src 'none'"} {
			if !strings.Contains(csp, d) {
				t.Errorf("%s: CSP %q lacks %q", p, csp, d)
			}
		}
		for _, bad := range []string{"http:", "https:", "*", "'unsafe-inline'", "'unsafe-eval'"} {
			if strings.Contains(csp, bad) {
				t.Errorf("%s: CSP %q allows %s", p, csp, bad)
			}
		}
		if h.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: X-Content-Type-Options = %q", p, h.Get("X-Content-Type-Options"))
		}
		if h.Get("X-Frame-Options") != "DENY" {
			t.Errorf("%s: X-Frame-Options = %q", p, h.Get("X-Frame-Options"))
		}
		if h.Get("Referrer-Policy") == "" {
			t.Errorf("%s: no Referrer-Policy", p)
		}
	}
}

func TestLanguageSwitch(t *testing.T) {
	ts := newTestServer(t)
	c := ts.client(t)
	r := c.get("/")
	wantStatus(t, r, http.StatusOK)
	if !strings.Contains(r.body, `<html lang="zh-CN">`) || !strings.Contains(r.body, "科技成果") {
		t.Errorf("default page is not Chinese: %.200s", r.body)
	}
	r = c.get("/?lang=en")
	if !strings.Contains(r.body, `<html lang="en">`) || !strings.Contains(r.body, "Achievements") {
		t.Errorf("?lang=en page is not English: %.200s", r.body)
	}
	// The choice is remembered.
	r = c.get("/demands")
	if !strings.Contains(r.body, `<html lang="en">`) {
		t.Error("the language choice was not remembered")
	}
	// And errors come in English too.
	r = c.get("/api/v1/demands/dem-private")
	wantStatus(t, r, http.StatusNotFound)
	r = c.get("/?lang=zh")
	if !strings.Contains(r.body, `<html lang="zh-CN">`) {
		t.Error("cannot switch back to Chinese")
	}
	// A browser that prefers English gets English without asking.
	req, _ := http.NewRequest("GET", ts.URL+"/", nil)
	req.Header.Set("Accept-Language", "en-GB,en;q=0.9")
	r = ts.client(t).do(req)
	if !strings.Contains(r.body, `<html lang="en">`) {
		t.Error("Accept-Language: en did not give English")
	}
}

// TestOpenAPIMatchesRoutes checks that the OpenAPI document served at
// /api/v1/openapi.json describes exactly the registered /api/v1 routes.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	ts := newTestServer(t)
	r := ts.client(t).get("/api/v1/openapi.json")
	wantStatus(t, r, http.StatusOK)
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Info    struct{ Title, Version string }       `json:"info"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal([]byte(r.body), &doc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") || doc.Info.Title == "" || doc.Info.Version == "" {
		t.Errorf("not an OpenAPI 3 document: openapi %q, info %+v", doc.OpenAPI, doc.Info)
	}
	methods := map[string]bool{"get": true, "post": true, "put": true, "patch": true, "delete": true, "head": true, "options": true}
	documented := map[string]bool{}
	for path, item := range doc.Paths {
		for m, op := range item {
			if !methods[m] {
				continue
			}
			documented[strings.ToUpper(m)+" "+path] = true
			var o struct {
				Responses map[string]any `json:"responses"`
			}
			if err := json.Unmarshal(op, &o); err != nil || len(o.Responses) == 0 {
				t.Errorf("%s %s: no responses documented", m, path)
			}
		}
	}
	registered := map[string]bool{}
	for _, p := range ts.srv.apiRoutes {
		registered[p] = true
		if !documented[p] {
			t.Errorf("route %q is not in openapi.json", p)
		}
	}
	if len(registered) < 10 {
		t.Fatalf("only %d API routes recorded: %v", len(registered), ts.srv.apiRoutes)
	}
	for p := range documented {
		if !registered[p] {
			t.Errorf("openapi.json documents %q, which is not a route", p)
		}
	}
}

// TestNoExternalURLs renders the main pages, as a visitor and as staff, and
// fails on any src, href or action that points to another host: the
// platform loads no CDN, font or script from elsewhere.
func TestNoExternalURLs(t *testing.T) {
	ts := newTestServer(t)
	attr := regexp.MustCompile(`(?i)(?:src|href|action|srcset|poster|data)\s*=\s*["']?\s*((?:[a-z][a-z0-9+.-]*:)?//[^"'\s>]*)`)
	cssURL := regexp.MustCompile(`(?i)(?:url\(\s*["']?|@import\s+["'])((?:[a-z]+:)?//[^"')\s]*)`)
	pages := []string{"/", "/?lang=en", "/achievements", "/achievements/ach-pub", "/demands", "/demands/dem-pub", "/demands/dem-teaser",
		"/organizations", "/organizations/org-uni", "/login", "/no-such-page", "/demands?q=煤气"}
	check := func(t *testing.T, c *client, p string) {
		r := c.get(p)
		if r.StatusCode >= 500 {
			t.Errorf("GET %s: %d", p, r.StatusCode)
		}
		for _, m := range attr.FindAllStringSubmatch(r.body, -1) {
			t.Errorf("GET %s links to another host: %s", p, m[0])
		}
		for _, m := range cssURL.FindAllStringSubmatch(r.body, -1) {
			t.Errorf("GET %s loads from another host: %s", p, m[0])
		}
	}
	t.Run("Anonymous", func(t *testing.T) {
		c := ts.client(t)
		for _, p := range pages {
			check(t, c, p)
		}
		// And the static files the pages use.
		home := c.get("/").body
		statics := regexp.MustCompile(`(?:src|href)="(/static/[^"]+)"`).FindAllStringSubmatch(home, -1)
		if len(statics) == 0 {
			t.Fatal("the home page uses no static files")
		}
		for _, m := range statics {
			r := c.get(m[1])
			wantStatus(t, r, http.StatusOK)
			for _, u := range cssURL.FindAllStringSubmatch(r.body, -1) {
				t.Errorf("%s loads from another host: %s", m[1], u[0])
			}
			if strings.Contains(r.body, "http://") || strings.Contains(r.body, "https://") {
				t.Errorf("%s names an external URL", m[1])
			}
		}
	})
	t.Run("Staff", func(t *testing.T) {
		c := ts.client(t)
		c.login("admin1")
		for _, p := range append(pages, "/my", "/demands/new", "/achievements/new", "/staff/audit", "/admin/users",
			"/admin/organizations", "/account/password", "/demands/dem-private", "/achievements/ach-draft/edit") {
			check(t, c, p)
		}
	})
}

// TestPages fetches pages and API resources as different readers and
// checks the status and a piece of the content.
func TestPages(t *testing.T) {
	ts := newTestServer(t)
	for _, tt := range []struct {
		who, path string
		status    int
		contains  string
	}{
		{"", "/", 200, "高炉煤气余热回收技术"},
		{"", "/achievements", 200, "高炉煤气余热回收技术"},
		{"", "/achievements/ach-pub", 200, "回收高炉煤气显热"},
		{"", "/achievements/ach-draft", 404, ""},
		{"", "/achievements/no-such", 404, ""},
		{"", "/api/v1/achievements/ach-pub", 200, `"id":"ach-pub"`},
		{"", "/api/v1/achievements/ach-draft", 404, `"code":"not_found"`},
		{"", "/demands", 200, "提高煤气利用率"},
		{"", "/demands/dem-pub", 200, "转炉煤气回收率低"},
		{"", "/demands/dem-teaser", 200, "寻求工业废水处理合作伙伴"},
		{"", "/api/v1/demands/dem-teaser", 200, `"redacted":true`},
		{"", "/demands?q=煤气", 200, "提高煤气利用率"},
		{"", "/achievements?q=煤气", 200, "高炉煤气余热回收技术"},
		{"", "/achievements?trl_min=12", 422, ""},
		{"", "/api/v1/achievements?trl_min=12", 422, `"trl_min"`},
		{"", "/organizations", 200, "苏州科技大学"},
		{"", "/organizations/org-uni", 200, "高炉煤气余热回收技术"},
		{"", "/api/v1/organizations/org-uni", 200, `"achievements":1`},
		{"", "/api/v1/organizations", 200, `"org-inst"`},
		{"", "/api/v1/counts", 200, `"achievements":1`},
		{"", "/achievements.csv", 200, "高炉煤气余热回收技术"},
		{"", "/achievements.xlsx", 200, "高炉煤气余热回收技术"},
		{"", "/organizations.csv", 200, "苏州纳米研究所"},
		{"", "/no-such-page", 404, ""},
		{"", "/api/v1/no-such", 404, `"code":"not_found"`},
		{"", "/demands/new", 303, ""},
		{"uni1", "/achievements/ach-draft", 200, "未发布的草稿成果"},
		{"uni1", "/achievements/ach-draft/edit", 200, "未发布的草稿成果"},
		{"uni1", "/my", 200, "未发布的草稿成果"},
		{"ent1", "/achievements/ach-draft", 404, ""},
		{"ent1", "/achievements/ach-pub/edit", 403, ""},
		{"ent1", "/demands/dem-private/edit", 200, privateSecret},
		{"inst1", "/demands/dem-teaser/edit", 403, ""},
		{"inst1", "/demands/dem-private/edit", 404, ""},
		{"ent1", "/demands/new", 200, `name="title"`},
		{"staff1", "/achievements/ach-draft", 200, "未发布的草稿成果"},
		{"staff1", "/staff/audit", 200, "dem-"},
		{"staff1", "/admin/users", 403, ""},
		{"admin1", "/admin/users", 200, "inst1"},
		{"admin1", "/admin/organizations", 200, ""},
	} {
		name := tt.who
		if name == "" {
			name = "anonymous"
		}
		t.Run(name+tt.path, func(t *testing.T) {
			c := ts.client(t)
			if tt.who != "" {
				c.login(tt.who)
			}
			r := c.get(tt.path)
			wantStatus(t, r, tt.status)
			if text := bodyText(t, r); !strings.Contains(text, tt.contains) {
				t.Errorf("body lacks %q: %.400s", tt.contains, text)
			}
		})
	}
}

// TestAPIWrites drives the JSON API with a bearer token.
func TestAPIWrites(t *testing.T) {
	ts := newTestServer(t)
	c := ts.client(t)
	token := func(user string) string {
		req, _ := http.NewRequest("POST", ts.URL+"/api/v1/session", strings.NewReader(`{"username":"`+user+`","password":"`+testPassword+`"}`))
		req.Header.Set("Content-Type", "application/json")
		r := c.do(req)
		wantStatus(t, r, http.StatusCreated)
		var body struct{ Token string }
		if err := json.Unmarshal([]byte(r.body), &body); err != nil {
			t.Fatal(err)
		}
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
	ent, inst := token("ent1"), token("inst1")

	r := call(ent, "POST", "/api/v1/demands", `{"title":"智能排产系统","description":"钢厂排产优化","confidentiality":"public","coop_modes":["co_develop"]}`)
	wantStatus(t, r, http.StatusCreated)
	var created struct {
		ID       string `json:"id"`
		OwnerOrg string `json:"owner_org"`
	}
	if err := json.Unmarshal([]byte(r.body), &created); err != nil {
		t.Fatal(err)
	}
	if created.OwnerOrg != "org-ent" || r.Header.Get("Location") != "/api/v1/demands/"+created.ID {
		t.Errorf("created %+v at %q", created, r.Header.Get("Location"))
	}
	wantStatus(t, call("", "GET", "/api/v1/demands/"+created.ID, ""), http.StatusOK)

	// Validation errors name the field.
	r = call(ent, "POST", "/api/v1/demands", `{"title":"","confidentiality":"teaser"}`)
	wantStatus(t, r, http.StatusUnprocessableEntity)
	var e errorBody
	if err := json.Unmarshal([]byte(r.body), &e); err != nil {
		t.Fatal(err)
	}
	if e.Error.Code != innobridge.EINVALID || e.Error.Fields["title"].Code != "required" || e.Error.Fields["teaser"].Code != "required" {
		t.Errorf("error = %+v", e.Error)
	}
	wantStatus(t, call(ent, "POST", "/api/v1/demands", `{"title":`), http.StatusBadRequest)
	// A value of the wrong type is named by its JSON field, as the
	// caller wrote it, not by the Go types it is decoded into.
	for body, field := range map[string]string{`{"title":5}`: "title", `{"budget_max_yuan":"x"}`: "budget_max_yuan", `{"coop_modes":[1]}`: "coop_modes"} {
		r = call(ent, "POST", "/api/v1/demands", body)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		e = errorBody{}
		if err := json.Unmarshal([]byte(r.body), &e); err != nil {
			t.Fatal(err)
		}
		if e.Error.Fields[field].Code != "type" || len(e.Error.Fields) != 1 {
			t.Errorf("%s: fields %+v, want %s", body, e.Error.Fields, field)
		}
	}

	// Authorisation.
	wantStatus(t, call("", "POST", "/api/v1/demands", `{"title":"匿名"}`), http.StatusUnauthorized)
	wantStatus(t, call(inst, "PATCH", "/api/v1/demands/"+created.ID, `{"title":"改"}`), http.StatusForbidden)
	wantStatus(t, call(inst, "PATCH", "/api/v1/demands/dem-private", `{"title":"改"}`), http.StatusNotFound)
	wantStatus(t, call(inst, "PATCH", "/api/v1/achievements/ach-pub", `{"title":"改"}`), http.StatusForbidden)
	r = call(ent, "PATCH", "/api/v1/demands/"+created.ID, `{"title":"智能排产系统二期"}`)
	wantStatus(t, r, http.StatusOK)
	if !strings.Contains(r.body, "智能排产系统二期") {
		t.Errorf("PATCH answered %s", r.body)
	}
	wantStatus(t, call(ent, "PATCH", "/api/v1/demands/"+created.ID, `{"status":"suspended"}`), http.StatusForbidden)

	// Methods a route does not allow.
	r = call(ent, "DELETE", "/api/v1/demands", "")
	wantStatus(t, r, http.StatusMethodNotAllowed)
	if !strings.Contains(r.body, `"code"`) {
		t.Errorf("405 body is not a JSON error: %s", r.body)
	}

	// Logout ends the token.
	wantStatus(t, call(ent, "DELETE", "/api/v1/session", ""), http.StatusNoContent)
	wantStatus(t, call(ent, "GET", "/api/v1/session", ""), http.StatusUnauthorized)
}

// TestFormErrors posts the demand form with bad input and expects the
// form back with each field's error.
func TestFormErrors(t *testing.T) {
	ts := newTestServer(t)
	c := ts.client(t)
	c.login("ent1")
	r := c.postForm("/demands", url.Values{"csrf_token": {c.csrf("/demands/new")}, "title": {""}, "confidentiality": {"teaser"},
		"budget_min_wan": {"abc"}, "status": {"published"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	for _, want := range []string{"标题必填", "保密需求须填写公开摘要", `name="title"`} {
		if !strings.Contains(r.body, want) {
			t.Errorf("form page lacks %q", want)
		}
	}
	if !regexp.MustCompile(`aria-invalid="true"|class="[^"]*error`).MatchString(r.body) {
		t.Error("no field is marked invalid")
	}
}

// TestExpiredSession checks that a browser whose session has expired is
// treated as anonymous and told to drop the cookie.
func TestExpiredSession(t *testing.T) {
	ts := newTestServer(t)
	c := ts.client(t)
	c.login("uni1")
	wantStatus(t, c.get("/my"), http.StatusOK)
	ts.skew.Store(int64(31 * time.Minute))
	r := c.get("/my")
	wantStatus(t, r, http.StatusSeeOther)
	if !strings.HasPrefix(r.Header.Get("Location"), "/login") {
		t.Errorf("redirect to %q, want the login page", r.Header.Get("Location"))
	}
	cleared := false
	for _, ck := range r.Cookies() {
		if ck.Name == sessionCookie && ck.MaxAge < 0 {
			cleared = true
		}
	}
	if !cleared {
		t.Errorf("expired session cookie not cleared: %v", r.Header["Set-Cookie"])
	}
	// The API says 401, not a redirect.
	wantStatus(t, c.get("/api/v1/session"), http.StatusUnauthorized)
}

// TestTLSOptions checks that with Options.TLS cookies are Secure and
// responses carry Strict-Transport-Security.
func TestTLSOptions(t *testing.T) {
	ts := newTestServer(t)
	h := NewServer(ts.svc, Options{TLS: true, Logger: ts.srv.logger}).Handler()
	plain := httptest.NewServer(h)
	defer plain.Close()
	resp, err := http.Get(plain.URL + "/login?lang=en")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if !strings.Contains(resp.Header.Get("Strict-Transport-Security"), "max-age=") {
		t.Error("no Strict-Transport-Security")
	}
	if len(resp.Cookies()) < 2 {
		t.Fatalf("cookies: %v", resp.Header["Set-Cookie"])
	}
	for _, ck := range resp.Cookies() {
		if !ck.Secure || !ck.HttpOnly {
			t.Errorf("cookie %s: Secure %v, HttpOnly %v", ck.Name, ck.Secure, ck.HttpOnly)
		}
	}
	// Without TLS there is no HSTS (it would lock out a plain-HTTP intranet).
	if r := ts.client(t).get("/"); r.Header.Get("Strict-Transport-Security") != "" {
		t.Error("HSTS over plain HTTP")
	}
}
