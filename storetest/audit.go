package storetest

import (
	"testing"
	"time"

	"github.com/innobridge/innobridge"
)

var auditTests = []test{
	{"AppendAndFind", testAudit},
}

func testAudit(t *testing.T, b Backend) {
	s, clock := MustOpen(t, b)
	entries := []*innobridge.AuditEntry{
		{At: Epoch.Add(-3 * time.Hour), UserID: 1, Username: "admin", Action: "login", Entity: "session", IP: "10.0.0.1"},
		{At: Epoch.Add(-2 * time.Hour), UserID: 2, Username: "wang", Action: "create", Entity: "achievement", EntityID: "A-1", Detail: "标题: 煤气"},
		{At: Epoch.Add(-1 * time.Hour), UserID: 2, Username: "wang", Action: "update", Entity: "achievement", EntityID: "A-1"},
		{At: Epoch.Add(-1 * time.Hour), UserID: 1, Username: "admin", Action: "view_confidential", Entity: "demand", EntityID: "D-9"},
		{Action: "login_failed", Entity: "session", Detail: "username=ghost", IP: "203.0.113.9"}, // At from the clock
	}
	for _, e := range entries {
		must(t, s.AppendAudit(t.Context(), e), "AppendAudit")
		if e.ID == 0 {
			t.Fatalf("AppendAudit(%s) did not set ID", e.Action)
		}
	}
	if !entries[4].At.Equal(clock.Peek()) {
		t.Errorf("zero At became %v, want the clock's %v", entries[4].At, clock.Peek())
	}
	since := Epoch.Add(-90 * time.Minute)
	tests := []struct {
		name  string
		f     innobridge.AuditFilter
		want  []int // indexes into entries, newest first
		total int
	}{
		{"All", innobridge.AuditFilter{}, []int{4, 3, 2, 1, 0}, 5},
		{"User", innobridge.AuditFilter{UserID: ptr(int64(2))}, []int{2, 1}, 2},
		{"Action", innobridge.AuditFilter{Action: ptr("login")}, []int{0}, 1},
		{"Entity", innobridge.AuditFilter{Entity: ptr("achievement")}, []int{2, 1}, 2},
		{"EntityID", innobridge.AuditFilter{Entity: ptr("demand"), EntityID: ptr("D-9")}, []int{3}, 1},
		{"Since", innobridge.AuditFilter{Since: &since}, []int{4, 3, 2}, 3},
		{"Page", innobridge.AuditFilter{Offset: 1, Limit: 2}, []int{3, 2}, 5},
		{"None", innobridge.AuditFilter{Action: ptr("delete")}, nil, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			list, total, err := s.FindAudit(t.Context(), tc.f)
			must(t, err, "FindAudit")
			var want []*innobridge.AuditEntry
			for _, i := range tc.want {
				want = append(want, entries[i])
			}
			same(t, "entries", list, want)
			if total != tc.total {
				t.Errorf("total %d, want %d", total, tc.total)
			}
		})
	}
}
