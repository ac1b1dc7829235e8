package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/innobridge/innobridge"
	"github.com/innobridge/innobridge/sheet"
)

// The flows a bureau's users run, each on its own demo database, driven
// through a real Chromium with the demo accounts that demo.Load prints.

// login signs in through the login form and waits for the logged-in page.
func (b *browser) login(m *Main, username, password string) {
	b.t.Helper()
	b.do("log in as "+username,
		chromedp.Navigate(m.URL+"/login"),
		chromedp.SendKeys(chromedp.CSS("#username"), username),
		chromedp.SendKeys(chromedp.CSS("#password"), password),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
	)
	b.waitJS("the logged-in page after logging in as "+username, `document.querySelector('form[action="/logout"]')`)
}

// evalJS evaluates the JavaScript expression, awaiting it if it is a promise.
func evalJS[T any](b *browser, what, js string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
	return v
}

// textNow is the text of the first element matching sel, or "(none)" at
// once when there is none: unlike b.text it does not wait for one to appear,
// so a missing element fails the test quickly.
func (b *browser) textNow(sel string) string {
	b.t.Helper()
	return evalJS[string](b, "text of "+sel, `(e => e ? e.innerText.trim() : '(none)')(document.querySelector(`+strconv.Quote(sel)+`))`)
}

// fetched is a response fetched by the page itself, with its cookies.
type fetched struct {
	Status      int    `json:"status"`
	URL         string `json:"url"`
	ContentType string `json:"type"`
	Disposition string `json:"disposition"`
	Body        string `json:"body"` // base64
}

// fetch GETs the URL from inside the page, so with the browser's session.
func (b *browser) fetch(url string) fetched {
	b.t.Helper()
	return evalJS[fetched](b, "fetching "+url, `fetch(`+strconv.Quote(url)+`).then(async r => {
		const bytes = new Uint8Array(await r.arrayBuffer());
		let bin = '';
		for (let i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]);
		return {status: r.status, url: r.url, type: r.headers.get('content-type') || '',
			disposition: r.headers.get('content-disposition') || '', body: btoa(bin)};
	})`)
}

// TestBrowserStaffDockingList: a bureau staff member makes a docking list
// for one field, reviews it, removes a pair and exports the rest to Excel.
func TestBrowserStaffDockingList(t *testing.T) {
	b := newBrowser(t)
	m := startMain(t, "sqlite:"+filepath.Join(t.TempDir(), "docking.db"), true)
	b.login(m, "staff", "Kejiju#Gusu2026")

	const name = "先进制造对接清单（浏览器测试）"
	b.do("create a docking list for 先进制造与自动化",
		chromedp.Navigate(m.URL+"/staff/docking"),
		chromedp.SendKeys(chromedp.CSS("#d-name"), name),
		chromedp.SetValue(chromedp.CSS("#d-field"), "8"),
		chromedp.Click(chromedp.CSS(`form[action="/staff/docking"] button[type=submit]`)),
	)
	b.waitJS("the new docking list", `/^\/staff\/docking\/\d+$/.test(location.pathname) && document.querySelector('h1')`)
	if h1 := b.text("h1"); h1 != name {
		t.Fatalf("docking list heading %q, want %q", h1, name)
	}
	if tag := b.textNow(".page-head .meta .tag"); tag != "先进制造与自动化" {
		t.Errorf("docking list field tag %q, want 先进制造与自动化", tag)
	}

	// Each group is a demand with ranked achievements and why each is there.
	type pair struct {
		Row         string `json:"row"`
		Demand      string `json:"demand"`
		Achievement string `json:"achievement"`
		Why         string `json:"why"`
		State       string `json:"state"`
	}
	pairs := func() []pair {
		return evalJS[[]pair](b, "reading the docking list", `Array.from(document.querySelectorAll('section.docking-group tbody tr')).map(tr => ({
			row: tr.id,
			demand: tr.closest('section').querySelector('h2 a').getAttribute('href').replace('/demands/', ''),
			achievement: tr.querySelector('a[href^="/achievements/"]').getAttribute('href').replace('/achievements/', ''),
			why: tr.querySelector('td.detail-cell').innerText.trim(),
			state: tr.className}))`)
	}
	before := pairs()
	groups := evalJS[int](b, "counting demands", `document.querySelectorAll('section.docking-group').length`)
	if groups == 0 || len(before) < 2 {
		t.Fatalf("docking list for 先进制造与自动化 has %d demands and %d pairs, want some of each", groups, len(before))
	}
	for _, p := range before {
		if p.Why == "" {
			t.Errorf("pair %s has no explanation (推荐理由)", p.Row)
		}
		if p.State != "state-proposed" {
			t.Errorf("new pair %s is %q, want state-proposed", p.Row, p.State)
		}
	}

	// Remove the first pair; the page comes back with it marked removed.
	gone := before[0]
	b.do("remove pair "+gone.Row, chromedp.Click(chromedp.CSS(`#`+gone.Row+` input[name=state][value=removed] ~ button`)))
	b.waitJS("the list after removing a pair", `location.search.includes('done=saved') && document.querySelector('#`+gone.Row+`.state-removed')`)
	after := pairs()
	if len(after) != len(before) {
		t.Fatalf("after removing one pair the page lists %d pairs, want all %d (the removed one marked)", len(after), len(before))
	}
	if state := b.textNow(`#` + gone.Row + ` td:nth-child(5)`); state != "已移除" {
		t.Errorf("removed pair shows state %q, want 已移除", state)
	}

	// The Excel export has the pairs that were not removed, and only those.
	href := evalJS[string](b, "the Excel link", `document.querySelector('.exports a[download]:not([href*="format="])').href`)
	f := b.fetch(href)
	if f.Status != 200 || f.ContentType != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Fatalf("GET %s: %d %q, want 200 and the .xlsx content type", href, f.Status, f.ContentType)
	}
	if !strings.Contains(f.Disposition, ".xlsx") {
		t.Errorf("GET %s: Content-Disposition %q does not name an .xlsx file", href, f.Disposition)
	}
	body, err := base64.StdEncoding.DecodeString(f.Body)
	if err != nil {
		t.Fatal(err)
	}
	var rows []map[string]any
	if err := sheet.Read("export.xlsx", bytes.NewReader(body), nil, func(r sheet.Record) error {
		if r.Problem != "" {
			t.Errorf("export row %d: %s", r.Line, r.Problem)
		}
		rows = append(rows, r.Values)
		return nil
	}); err != nil {
		t.Fatalf("reading the exported .xlsx: %v", err)
	}
	if len(rows) != len(before)-1 {
		t.Errorf("export has %d rows, want %d (all pairs but the removed one)", len(rows), len(before)-1)
	}
	for _, r := range rows {
		if r["需求编号"] == gone.Demand && r["成果编号"] == gone.Achievement {
			t.Errorf("export still has the removed pair %s × %s", gone.Demand, gone.Achievement)
		}
	}
	if len(rows) > 0 && (rows[0]["需求编号"] != after[1].Demand || rows[0]["成果编号"] != after[1].Achievement) {
		t.Errorf("export starts with %v × %v, want the first pair kept on the page, %s × %s",
			rows[0]["需求编号"], rows[0]["成果编号"], after[1].Demand, after[1].Achievement)
	}

	// The demo roadshow: from the nav to the event, then its docking list.
	b.do("open the events page", chromedp.Click(chromedp.CSS(`.nav-main a[href="/events"]`)))
	b.waitJS("the demo roadshow listed", `location.pathname === '/events' && document.querySelector('a[href^="/events/"]')`)
	b.do("open the roadshow", chromedp.Click(chromedp.CSS(`main table a[href^="/events/"]`)))
	b.waitJS("the roadshow page", `/^\/events\/\d+$/.test(location.pathname) && document.querySelector('.event-demands')`)
	if n := evalJS[int](b, "counting the roadshow's projects", `document.querySelectorAll('.event-achievements li').length`); n < 3 {
		t.Errorf("the demo roadshow shows %d projects, want at least 3", n)
	}
	b.waitJS("the roadshow can be cancelled, with a reason", `document.querySelector('form[action$="/cancel"] textarea[name="reason"][required]') && document.querySelector('#event-cancel')`)
	b.do("make the roadshow's docking list", chromedp.Click(chromedp.CSS(`#event-docking`)))
	b.waitJS("the roadshow's docking list", `/^\/staff\/docking\/\d+$/.test(location.pathname) && document.querySelector('.page-head .meta a[href^="/events/"]')`)

	// From the progress counts to the tracked pairs behind them.
	b.do("open the docking lists", chromedp.Navigate(m.URL+"/staff/docking"))
	b.do("follow the count of pairs declined for price", chromedp.Click(chromedp.CSS(`a[href="/staff/matches?status=declined&reason=price"]`)))
	b.waitJS("the pairs declined for price", `location.pathname === '/staff/matches' && document.querySelector('table.matches')`)
	// wantRows checks that the ledger lists some pairs, all of them with
	// the status cell want.
	wantRows := func(under, want string) {
		t.Helper()
		type tracked struct {
			Demand string `json:"demand"`
			Status string `json:"status"`
		}
		rows := evalJS[[]tracked](b, "reading the pairs "+under, `Array.from(document.querySelectorAll('table.matches tbody tr')).map(tr => ({
			demand: tr.querySelector('a[href^="/demands/"]').getAttribute('href'),
			status: tr.querySelector('td:nth-child(3)').innerText.trim()}))`)
		if len(rows) == 0 {
			t.Errorf("no pair listed %s", under)
		}
		for _, p := range rows {
			if p.Status != want {
				t.Errorf("pair of %s listed as %q %s", p.Demand, p.Status, under)
			}
		}
	}
	wantRows("under declined for price", "已放弃\n价格不合适")
	b.do("switch to the signed pairs", chromedp.Click(chromedp.CSS(`nav.tabs a[href="/staff/matches?status=signed"]`)))
	b.waitJS("the signed pairs", `location.search === '?status=signed' && document.querySelector('nav.tabs a[aria-current="page"][href$="status=signed"]')`)
	wantRows("under 已签约", "已签约")

	b.do("log out", chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)))
	b.waitJS("logged out", `!document.querySelector('form[action="/logout"]') && document.querySelector('a[href="/login"]')`)
	if f := b.fetch(href); f.Status == 200 && strings.Contains(f.ContentType, "spreadsheetml") {
		t.Errorf("after logging out, %s still downloads the docking list", href)
	}
}

// TestBrowserEnterpriseOwnOrganisation: an enterprise member sees the policy
// calculator on their organisation's page, and tracks a recommendation for
// their own demand.
func TestBrowserEnterpriseOwnOrganisation(t *testing.T) {
	b := newBrowser(t)
	m := startMain(t, "sqlite:"+filepath.Join(t.TempDir(), "enterprise.db"), true)
	b.login(m, "enterprise", "Huaxin#Chip26")

	b.do("open my organisation",
		chromedp.Navigate(m.URL+"/my"),
		chromedp.Click(chromedp.CSS(`main a[href^="/organizations/"]`)),
	)
	b.waitJS("the organisation page", `/^\/organizations\/[^/]+$/.test(location.pathname) && document.querySelector('h1')`)
	if h1 := b.text("h1"); h1 != "苏州华芯微电子科技有限公司" {
		t.Fatalf("my organisation is %q, want 苏州华芯微电子科技有限公司", h1)
	}
	if h := b.textNow("#calc-h"); h != "政策计算器 / 培育梯度" {
		t.Fatalf("calculator heading %q, want 政策计算器 / 培育梯度", h)
	}
	traced := evalJS[[]string](b, "reading the tier traces", `Array.from(document.querySelectorAll('#calc details.tier'))
		.filter(d => d.querySelectorAll('table.trace tbody tr td').length > 0)
		.map(d => d.querySelector('summary strong').innerText)`)
	if len(traced) == 0 {
		t.Fatal("no tier of the calculator has a trace table")
	}

	// Open one of our own demands from the organisation page.
	const title = "版图寄生参数提取加速算法"
	href := evalJS[string](b, "finding "+title, `(Array.from(document.querySelectorAll('section[aria-labelledby=org-d] h3 a')).find(a => a.innerText.trim() === `+strconv.Quote(title)+`) || {}).getAttribute?.('href') || ''`)
	if href == "" {
		t.Fatalf("our organisation page does not list our demand %s", title)
	}
	b.do("open our demand "+title, chromedp.Click(chromedp.CSS(`section[aria-labelledby=org-d] a[href="`+href+`"]`)))
	b.waitJS("our demand's page", `location.pathname === `+strconv.Quote(href)+` && document.querySelector('h1')`)
	if h := b.textNow("#recs-h"); h != "推荐成果" {
		t.Fatalf("recommendations heading %q, want 推荐成果", h)
	}

	// Every recommendation says which terms it shares with the demand.
	type rec struct {
		Achievement string   `json:"achievement"`
		Shared      []string `json:"shared"`
		Tracked     string   `json:"tracked"`
		Selected    string   `json:"selected"`
	}
	recs := func() []rec {
		return evalJS[[]rec](b, "reading the recommendations", `Array.from(document.querySelectorAll('#recs .rec-list > li')).map(li => {
			const shared = Array.from(li.querySelectorAll('dl.why > div')).find(d => d.querySelector('dt').innerText.trim() === '共同词');
			const tracked = Array.from(li.querySelectorAll('dl.why > div')).find(d => d.querySelector('dt').innerText.trim() === '对接状态');
			const form = li.querySelector('form.track-form');
			return {
				achievement: form ? form.querySelector('input[name=achievement]').value : '',
				shared: shared ? Array.from(shared.querySelectorAll('.tag')).map(t => t.innerText.trim()) : [],
				tracked: tracked ? tracked.querySelector('dd').innerText.trim() : '',
				selected: form ? form.querySelector('select[name=status]').value : ''};
		})`)
	}
	list := recs()
	if len(list) == 0 {
		t.Fatalf("no recommendations for our demand %s", title)
	}
	pick := -1
	for i, r := range list {
		if r.Achievement == "" {
			t.Fatalf("recommendation %d has no tracking form for the demand's owner", i+1)
		}
		if len(r.Shared) > 0 && pick < 0 {
			pick = i
		}
	}
	if pick < 0 {
		t.Fatalf("no recommendation for %s names a shared term (共同词): %+v", title, list)
	}
	r := list[pick]
	if r.Tracked != "" || r.Selected != "recommended" {
		t.Fatalf("recommendation of %s is already tracked (%q, %q) before we touched it", r.Achievement, r.Tracked, r.Selected)
	}

	// Mark it 已联系 through its form; the page reloads with it recorded.
	form := fmt.Sprintf(`#recs form.track-form:has(input[name=achievement][value=%q])`, r.Achievement)
	b.do("mark "+r.Achievement+" as contacted",
		chromedp.SetValue(chromedp.CSS(form+" select[name=status]"), "contacted"),
		chromedp.Click(chromedp.CSS(form+" button[type=submit]")),
	)
	b.waitJS("the demand page after saving", `location.search.includes('done=saved')`)
	b.do("reload the demand page", chromedp.Navigate(m.URL+href))
	b.waitJS("the reloaded demand page", `location.pathname === `+strconv.Quote(href)+` && !location.search && document.querySelector('#recs')`)
	var got *rec
	for _, x := range recs() {
		if x.Achievement == r.Achievement {
			got = &x
		}
	}
	switch {
	case got == nil:
		t.Errorf("after marking it contacted, %s is no longer recommended for %s", r.Achievement, title)
	case !strings.HasPrefix(got.Tracked, "已联系") || got.Selected != "contacted":
		t.Errorf("after reload, %s shows status %q with %q selected, want 已联系 / contacted", r.Achievement, got.Tracked, got.Selected)
	}

	// The pair is on our own ledger, from /my, our side marked; its row's
	// form takes it into negotiation and comes back to the row.
	b.do("open my page", chromedp.Navigate(m.URL+"/my"))
	b.do("follow my matches", chromedp.Click(chromedp.CSS(`#my-m ~ p a[href="/my/matches"]`)))
	b.waitJS("my matches", `location.pathname === '/my/matches' && document.querySelector('table.matches')`)
	row := fmt.Sprintf(`table.matches tbody tr:has(a[href="/achievements/%s"])`, r.Achievement)
	type ledgerRow struct {
		ID     string `json:"id"`
		Status string `json:"status"`
		Ours   string `json:"ours"`
	}
	read := func() ledgerRow {
		return evalJS[ledgerRow](b, "reading our pair's row", `(tr => tr ? {id: tr.id, status: tr.querySelector('td:nth-child(3)').innerText.trim(),
			ours: Array.from(tr.querySelectorAll('.badge-ours')).map(b => b.closest('td').cellIndex).join()} : {})(document.querySelector(`+strconv.Quote(row)+`))`)
	}
	lr := read()
	if lr.ID == "" || lr.Status != "已联系" || lr.Ours != "0" {
		t.Fatalf("my matches show our pair with %s as %+v, want 已联系 with our side (the demand, column 0) marked", r.Achievement, lr)
	}
	b.do("take the pair into negotiation from its row",
		chromedp.Click(chromedp.CSS(`#`+lr.ID+` details.row-update summary`)),
		chromedp.SetValue(chromedp.CSS(`#`+lr.ID+` select[name=status]`), "negotiating"),
		chromedp.Click(chromedp.CSS(`#`+lr.ID+` form button[type=submit]`)),
	)
	b.waitJS("my matches after the update", `location.pathname === '/my/matches' && location.hash === '#`+lr.ID+`' && document.querySelector('#`+lr.ID+`')`)
	if after := read(); after.Status != "洽谈中" {
		t.Errorf("after the row's update our pair shows %q, want 洽谈中", after.Status)
	}
}

// TestBrowserAnonymousTeaser: an anonymous visitor sees only the public
// summary of a 摘要公开 demand, in Chinese and in English.
func TestBrowserAnonymousTeaser(t *testing.T) {
	b := newBrowser(t)
	m := startMain(t, "sqlite:"+filepath.Join(t.TempDir(), "teaser.db"), true)
	ctx := context.Background()

	_, staff, err := m.Service.Login(ctx, "staff", "Kejiju#Gusu2026")
	if err != nil {
		t.Fatalf("demo staff login: %v", err)
	}
	staffCtx := innobridge.NewContextWithUser(ctx, staff)
	ds, _, err := m.Service.FindDemands(staffCtx, innobridge.ListingFilter{Confidentialities: []innobridge.Confidentiality{innobridge.ConfTeaser}, Limit: 1})
	if err != nil || len(ds) == 0 {
		t.Fatalf("finding a teaser-only demand as staff: %v (%d found)", err, len(ds))
	}
	// Lists never carry confidential text; opening the demand as staff does.
	d, err := m.Service.FindDemandByID(staffCtx, ds[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if d.Teaser == "" || d.Description == "" || strings.Contains(d.Teaser, d.Description) {
		t.Fatalf("demand %s: staff should see a teaser and a different full description, got %q and %q", d.ExternalID, d.Teaser, d.Description)
	}
	// A distinctive stretch of the full text, as a browser would render it.
	secret := []rune(strings.Join(strings.Fields(d.Description), " "))
	if len(secret) > 20 {
		secret = secret[:20]
	}

	noLeak := func(lang string) {
		t.Helper()
		body := evalJS[string](b, "reading the page", `document.body.innerText`)
		if strings.Contains(body, d.Description) || strings.Contains(body, string(secret)) {
			t.Errorf("%s: the anonymous page of teaser-only demand %s shows its full description", lang, d.ExternalID)
		}
		if !strings.Contains(body, strings.TrimSpace(d.Teaser)) {
			t.Errorf("%s: the page of %s does not show its teaser %q", lang, d.ExternalID, d.Teaser)
		}
	}

	b.do("open the teaser demand", chromedp.Navigate(m.URL+"/demands/"+d.ExternalID))
	b.waitJS("the demand page", `document.querySelector('h1') && !document.querySelector('form[action="/logout"]')`)
	if h1 := b.text("h1"); h1 != d.Title {
		t.Fatalf("demand page heading %q, want %q", h1, d.Title)
	}
	if badge := b.textNow(".detail-head .badge-teaser"); badge != "摘要公开" {
		t.Errorf("teaser-only demand badge %q, want 摘要公开", badge)
	}
	if note := b.textNow("section[aria-labelledby=desc-h] .notice"); !strings.Contains(note, "仅公开摘要") {
		t.Errorf("description section says %q, want the 仅公开摘要 note", note)
	}
	noLeak("zh")

	b.do("switch to English", chromedp.Click(chromedp.CSS(`.nav-user a[lang=en]`)))
	b.waitJS("the English page", `document.documentElement.lang === 'en'`)
	nav := b.textNow("#site-nav .nav-main")
	for _, want := range []string{"Home", "Achievements", "Demands"} {
		if !strings.Contains(nav, want) {
			t.Errorf("English navigation %q lacks %q", nav, want)
		}
	}
	if strings.Contains(nav, "科技成果") {
		t.Errorf("English navigation still in Chinese: %q", nav)
	}
	if h := b.textNow("#teaser-h"); h != "Public summary" {
		t.Errorf("teaser heading in English is %q, want Public summary", h)
	}
	noLeak("en")
}
