package http

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestListingActions checks the manage panel of a detail page: owners may
// withdraw and republish, staff may also suspend, others see no panel,
// and the withdraw form works.
func TestListingActions(t *testing.T) {
	ts := newTestServer(t)
	for _, tt := range []struct {
		user, path string
		want, not  []string
	}{
		{"", "/demands/dem-pub", nil, []string{"/demands/dem-pub/status", "/demands/dem-pub/edit"}},
		{"inst1", "/demands/dem-pub", nil, []string{"/demands/dem-pub/status"}},
		{"ent1", "/demands/dem-pub", []string{`action="/demands/dem-pub/status"`, `value="withdrawn"`, `href="/demands/dem-pub/edit"`}, []string{`value="suspended"`}},
		{"staff1", "/demands/dem-pub", []string{`value="withdrawn"`, `value="suspended"`}, nil},
		{"uni1", "/achievements/ach-pub", []string{`action="/achievements/ach-pub/status"`, `href="/achievements/ach-pub/edit"`}, []string{`value="suspended"`}},
	} {
		t.Run(tt.user+tt.path, func(t *testing.T) {
			c := ts.client(t)
			if tt.user != "" {
				c.login(tt.user)
			}
			r := c.get(tt.path)
			if r.StatusCode != http.StatusOK {
				t.Fatalf("GET %s = %d", tt.path, r.StatusCode)
			}
			for _, s := range tt.want {
				if !strings.Contains(r.body, s) {
					t.Errorf("%s as %q lacks %s", tt.path, tt.user, s)
				}
			}
			for _, s := range tt.not {
				if strings.Contains(r.body, s) {
					t.Errorf("%s as %q shows %s", tt.path, tt.user, s)
				}
			}
		})
	}
	c := ts.client(t)
	c.login("ent1")
	r := c.postForm("/demands/dem-pub/status", url.Values{"csrf_token": {c.csrf("/demands/dem-pub")}, "status": {"withdrawn"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("withdraw: status %d", r.StatusCode)
	}
	if r := c.get("/demands/dem-pub"); !strings.Contains(r.body, `value="published"`) {
		t.Error("after withdrawing, the owner is not offered to publish again")
	}
	if r := ts.client(t).get("/demands/dem-pub"); r.StatusCode != http.StatusNotFound {
		t.Errorf("a withdrawn demand answers %d to anonymous, want 404", r.StatusCode)
	}
}
