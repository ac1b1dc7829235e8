package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/innobridge/innobridge"
	"github.com/innobridge/innobridge/service"
)

// chromiumPath finds the browser for the browser tests: $INNOBRIDGE_CHROMIUM,
// else chromium or google-chrome on PATH. Without one the tests skip, unless
// INNOBRIDGE_REQUIRE_CHROMIUM=1 (as .ci/run sets) makes them fail.
func chromiumPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("INNOBRIDGE_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("INNOBRIDGE_REQUIRE_CHROMIUM") == "1" {
		t.Fatal("INNOBRIDGE_REQUIRE_CHROMIUM=1 but no chromium found; set INNOBRIDGE_CHROMIUM")
	}
	t.Skip("no chromium on this machine (set INNOBRIDGE_CHROMIUM to run the browser tests)")
	return ""
}

// browser is a headless Chromium tab for one test. On failure it saves a
// full-page screenshot and names the file in the test log.
type browser struct {
	t   *testing.T
	ctx context.Context
}

func newBrowser(t *testing.T) *browser {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.NoSandbox,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("lang", "zh-CN"),
		chromedp.Flag("accept-lang", "zh-CN,zh"),
		chromedp.WindowSize(1280, 900),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	ctx, cancelTime := context.WithTimeout(ctx, 90*time.Second)
	b := &browser{t: t, ctx: ctx}
	t.Cleanup(func() {
		if t.Failed() {
			b.screenshot()
		}
		cancelTime()
		cancelTab()
		cancelAlloc()
	})
	return b
}

func (b *browser) screenshot() {
	dir := os.Getenv("INNOBRIDGE_SCREENSHOTS")
	if dir == "" {
		dir = os.TempDir()
	}
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(90))
	if err != nil {
		b.t.Logf("screenshot failed: %v", err)
		return
	}
	name := filepath.Join(dir, fmt.Sprintf("innobridge-%s-%d.png", strings.ReplaceAll(b.t.Name(), "/", "_"), time.Now().Unix()))
	if err := os.WriteFile(name, png, 0o644); err != nil {
		b.t.Logf("writing screenshot: %v", err)
		return
	}
	b.t.Logf("screenshot of the failing page: %s", name)
}

// do runs the steps and fails the test with what was being done.
func (b *browser) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		loc, _ := chromedp.Run(b.ctx, chromedp.Location())
		b.t.Fatalf("%s (at %s): %v", what, loc, err)
	}
}

// waitJS waits until the JavaScript condition holds, for at most 15 s.
func (b *browser) waitJS(what, cond string) {
	b.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		ok, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool]("!!("+cond+")"))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			loc, _ := chromedp.Run(b.ctx, chromedp.Location())
			b.t.Fatalf("waiting for %s (%s) at %s: gave up after 15 s (last error %v)", what, cond, loc, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (b *browser) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

// TestBrowserPublishAndSearch drives a real Chromium through the
// marketplace: log in, publish a demand, search achievements, open one.
func TestBrowserPublishAndSearch(t *testing.T) {
	b := newBrowser(t)
	m := startMain(t, "sqlite:"+filepath.Join(t.TempDir(), "browser.db"), true)
	ctx := context.Background()

	// An enterprise member of the first demo enterprise, with a password
	// known to the test.
	kind := innobridge.OrgEnterprise
	orgs, _, err := m.Service.FindOrganizations(ctx, innobridge.OrganizationFilter{Kind: &kind, Limit: 1})
	if err != nil || len(orgs) == 0 {
		t.Fatalf("finding a demo enterprise: %v (%d found)", err, len(orgs))
	}
	const password = "Browser#Test2026"
	if _, err := m.Service.CreateUserUnchecked(ctx, service.NewUser{Username: "browser-tester", Name: "浏览器测试", Role: innobridge.RoleMember, OrgID: orgs[0].ID, Password: password}); err != nil {
		t.Fatal(err)
	}

	b.do("log in",
		chromedp.Navigate(m.URL+"/login"),
		chromedp.SendKeys(chromedp.CSS("#username"), "browser-tester"),
		chromedp.SendKeys(chromedp.CSS("#password"), password),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
	)
	b.waitJS("the logged-in page", `document.querySelector('form[action="/logout"]')`)

	const title = "高炉煤气余热发电效率提升技术需求（浏览器测试）"
	b.do("fill in a new demand",
		chromedp.Navigate(m.URL+"/demands/new"),
		chromedp.SendKeys(chromedp.CSS("#title"), title),
		chromedp.SendKeys(chromedp.CSS("#description"), "我公司高炉煤气放散率偏高，寻求余热回收与燃烧优化技术，提高煤气利用率。"),
		chromedp.SendKeys(chromedp.CSS("#keywords"), "高炉煤气，余热发电"),
		chromedp.Click(chromedp.CSS(`input[name=confidentiality][value=public]`)),
		chromedp.Click(chromedp.CSS(`form[action="/demands"] button[type=submit]`)),
	)
	b.waitJS("the new demand's page", `/\/demands\/[^/]+$/.test(location.pathname) && !location.pathname.endsWith('/new')`)
	if h1 := b.text("h1"); !strings.Contains(h1, "高炉煤气余热发电") {
		t.Fatalf("after publishing, the page heading is %q, want the demand's title", h1)
	}

	b.do("search achievements for 煤气",
		chromedp.Navigate(m.URL+"/achievements"),
		chromedp.SendKeys(chromedp.CSS("#f-q"), "煤气"),
		chromedp.Submit(chromedp.CSS("#f-q")),
	)
	b.waitJS("search results", `location.search.includes('q=') && document.querySelector('h3 a[href^="/achievements/"]')`)
	first := b.text(`h3 a[href^="/achievements/"]`)
	if !strings.Contains(first, "煤气") {
		t.Errorf("first result for 煤气 is %q", first)
	}
	b.do("open the first result", chromedp.Click(chromedp.CSS(`h3 a[href^="/achievements/"]`)))
	b.waitJS("the achievement page", `/\/achievements\/[^/]+$/.test(location.pathname) && document.querySelector('h1')`)
	if h1 := b.text("h1"); h1 != first {
		t.Errorf("achievement page heading %q, want %q", h1, first)
	}

	// The demand is findable by others too: anonymous search of demands.
	b.do("log out", chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)))
	b.waitJS("logged out", `!document.querySelector('form[action="/logout"]')`)
	b.do("search demands anonymously", chromedp.Navigate(m.URL+"/demands?q="+"余热发电"))
	b.waitJS("demand results", `document.body.innerText.includes('`+title+`')`)
}

// TestBrowserPhoneAndAccessibility checks the main pages on a phone-sized
// screen (no sideways scrolling) and that every form control has a label.
func TestBrowserPhoneAndAccessibility(t *testing.T) {
	b := newBrowser(t)
	m := startMain(t, "sqlite:"+filepath.Join(t.TempDir(), "phone.db"), true)
	b.do("phone viewport", chromedp.EmulateViewport(375, 740))
	for _, path := range []string{"/", "/achievements", "/demands", "/organizations", "/login"} {
		b.do("open "+path, chromedp.Navigate(m.URL+path))
		wide, err := chromedp.Run(b.ctx, chromedp.Evaluate[float64](`document.documentElement.scrollWidth - document.documentElement.clientWidth`))
		if err != nil {
			t.Fatal(err)
		}
		if wide > 1 {
			t.Errorf("%s scrolls sideways by %.0f px on a 375 px screen", path, wide)
		}
		unlabelled, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('input:not([type=hidden]):not([type=submit]), select, textarea'))
			.filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.closest('label'))
			.map(e => e.name || e.id || e.outerHTML.slice(0, 60))`))
		if err != nil {
			t.Fatal(err)
		}
		if len(unlabelled) > 0 {
			t.Errorf("%s has form controls without a label: %v", path, unlabelled)
		}
		foreign, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](`performance.getEntriesByType('resource').map(e => e.name).filter(u => !u.startsWith(location.origin + '/'))`))
		if err != nil {
			t.Fatal(err)
		}
		if len(foreign) > 0 {
			t.Errorf("%s loads resources from elsewhere (offline intranets cannot): %v", path, foreign)
		}
		lang, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.documentElement.lang`))
		if err != nil {
			t.Fatal(err)
		}
		if lang != "zh-CN" {
			t.Errorf("%s: <html lang=%q>, want zh-CN", path, lang)
		}
	}
	// The Chinese web font comes from the binary and is usable: the test
	// machine may have no Chinese system font at all.
	b.do("open the home page", chromedp.Navigate(m.URL+"/"))
	ok, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`document.fonts.load('16px "Noto Sans SC"', '科技成果').then(fs => fs.length > 0)`, chromedp.EvalAwaitPromise))
	if err != nil || !ok {
		t.Errorf("the Noto Sans SC web font did not load for 科技成果: %v, %v", ok, err)
	}
	if errors.Is(b.ctx.Err(), context.DeadlineExceeded) {
		t.Fatal("browser test ran out of time")
	}
}
