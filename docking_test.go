package innobridge

import (
	"testing"
	"time"
)

func TestMatchQuietAt(t *testing.T) {
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	edge := now.Add(-MatchQuiet)
	tests := []struct {
		status  MatchStatus
		updated time.Time
		want    bool
	}{
		{MatchContacted, edge.Add(-time.Microsecond), true},
		{MatchRecommended, edge.Add(-24 * time.Hour), true},
		{MatchNegotiating, edge, false}, // exactly MatchQuiet: not yet (the store's filter is strictly before)
		{MatchNegotiating, now, false},
		{MatchSigned, edge.Add(-time.Hour), false},
		{MatchDeclined, edge.Add(-time.Hour), false},
	}
	for _, tc := range tests {
		m := &Match{Status: tc.status, UpdatedAt: tc.updated}
		if got := m.QuietAt(now); got != tc.want {
			t.Errorf("%s pair changed %v before now: QuietAt = %v, want %v", tc.status, now.Sub(tc.updated), got, tc.want)
		}
	}
}
