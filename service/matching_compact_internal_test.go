package service

import (
	"testing"

	"github.com/innobridge/innobridge/match"
)

func TestCompactDue(t *testing.T) {
	slots := func(live, dead int) match.Stats {
		return match.Stats{Achievements: match.SideStats{Live: live - live/2, Dead: dead - dead/3},
			Demands: match.SideStats{Live: live / 2, Dead: dead / 3}}
	}
	for _, tt := range []struct {
		name       string
		share      float64
		least      int
		live, dead int
		want       bool
	}{
		{"None", 0, 0, 1000, 0, false},
		{"DefaultsDue", 0, 0, 3000, 1001, true},              // 25.02% and over 1000
		{"DefaultsFewDead", 0, 0, 3000, 1000, false},         // not over 1000
		{"DefaultsSmallShare", 0, 0, 4000, 1300, false},      // 24.5%
		{"SmallIndexWaitsForMinimum", 0, 0, 100, 900, false}, // 90%, but a small index
		{"OwnMinimum", 0, 20, 30, 21, true},                  // 41%
		{"OwnShare", 0.5, 20, 30, 29, false},                 // 49%
		{"OwnShareDue", 0.5, 20, 30, 31, true},               // 51%
		{"Never", -1, 20, 10, 1000, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := &Matching{CompactShare: tt.share, CompactMin: tt.least}
			if got := m.compactDue(slots(tt.live, tt.dead)); got != tt.want {
				t.Errorf("CompactShare %v, CompactMin %d: compactDue(%d live, %d dead) = %v, want %v",
					tt.share, tt.least, tt.live, tt.dead, got, tt.want)
			}
		})
	}
}
