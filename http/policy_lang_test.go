package http

import (
	"context"
	"fmt"
	"html"
	"io"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/innobridge/innobridge/demo"
)

// newDemoServer starts a server over the demonstration data.
func newDemoServer(t *testing.T) *testServer {
	t.Helper()
	db, svc, logger := newTestService(t)
	if _, err := demo.Load(context.Background(), svc, io.Discard); err != nil {
		t.Fatal(err)
	}
	srv := NewServer(svc, Options{Logger: logger})
	ts := &testServer{Server: httptest.NewServer(srv.Handler()), srv: srv, svc: svc, db: db}
	t.Cleanup(ts.Close)
	return ts
}

var (
	calcSection = regexp.MustCompile(`(?s)<section class="calc".*?</section>`)
	htmlTag     = regexp.MustCompile(`(?s)<[^>]*>`)
	// codes are what may stay in Latin letters on a Chinese page: rule
	// versions (hightech@2016) and certificate numbers (GR202332000123).
	latinCodes = regexp.MustCompile(`[a-z_]+@\d{4}|\b[A-Z]{1,4}\d[0-9A-Z]*\b`)
	latinWords = regexp.MustCompile(`[A-Za-z]{3,}`)
)

// calcText is the visible text of the calculator section of a page.
func calcText(t *testing.T, body string) string {
	t.Helper()
	sec := calcSection.FindString(body)
	if sec == "" {
		t.Fatal("no calculator section")
	}
	return html.UnescapeString(htmlTag.ReplaceAllString(sec, " "))
}

// TestCalculatorLanguage reads the calculator on the demo enterprises'
// pages as staff: in Chinese no English is left, and in English the gaps
// and notes are English.
func TestCalculatorLanguage(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the demo data")
	}
	ts := newDemoServer(t)
	c := ts.client(t)
	r := c.postForm("/login", url.Values{"csrf_token": {c.csrf("/login")}, "username": {"staff"}, "password": {"Kejiju#Gusu2026"}, "next": {"/my"}})
	wantStatus(t, r, 303)
	for i := 13; i <= 25; i++ {
		path := fmt.Sprintf("/organizations/org-%d", i)
		t.Run(fmt.Sprintf("org-%d", i), func(t *testing.T) {
			r := c.get(path + "?lang=zh")
			wantStatus(t, r, 200)
			text := calcText(t, r.body)
			for _, line := range strings.Split(text, "\n") {
				if w := latinWords.FindAllString(latinCodes.ReplaceAllString(line, ""), -1); len(w) > 0 {
					t.Errorf("English %q in %q", w, strings.Join(strings.Fields(line), " "))
				}
			}
			r = c.get(path + "?lang=en")
			wantStatus(t, r, 200)
			if en := calcText(t, r.body); strings.Contains(en, "还需") || strings.Contains(en, "未满足") || strings.Contains(en, "缺少数据") || strings.Contains(en, "未填写") {
				t.Errorf("Chinese gap text on the English page:\n%s", strings.Join(strings.Fields(en), " "))
			}
		})
	}
	c.get("/?lang=zh")
}
