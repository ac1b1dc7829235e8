package match

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/innobridge/innobridge"
)

// TestCompacted checks that a compacted index has no dead slots, searches
// exactly as the index it was copied from, goes on alike after more
// changes, and shares nothing the original still changes.
func TestCompacted(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		name   string
		edited bool
		params Params
	}{
		{"Built", false, Params{}},
		{"Edited", true, Params{}},
		{"EditedConcept", true, Params{Concept: 0.1}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ix := snapshotIndex(t, rand.New(rand.NewPCG(7, 7)), 300, tt.edited && tt.params == Params{})
			if tt.params != (Params{}) {
				// The same listings under these parameters, then edited.
				var err error
				if ix, err = ReadSnapshot(bytes.NewReader(mustSnapshot(t, ix)), Options{NoSegment: true, Params: tt.params}); err != nil {
					t.Fatal(err)
				}
				r := rand.New(rand.NewPCG(8, 8))
				seen := map[string]bool{}
				for i := 0; i < 300; i += 2 {
					if err := ix.UpdateAchievement(ctx, synthAchievement(r, fmt.Sprint("a", i), seen)); err != nil {
						t.Fatal(err)
					}
					ix.RemoveDemand(fmt.Sprint("d", i))
				}
				if ix.ach.cpt == nil || ix.ach.cpt.n <= ix.ach.nAlive {
					t.Fatal("no concept space trained over dead slots: a weak test")
				}
			}
			before := ix.Stats()
			if tt.edited && (before.Achievements.Dead == 0 || before.Demands.Dead == 0) {
				t.Fatalf("Stats() = %+v: no dead slots, a weak test", before)
			}
			c := ix.Compacted()
			got := c.Stats()
			want := Stats{Achievements: SideStats{Live: before.Achievements.Live}, Demands: SideStats{Live: before.Demands.Live}}
			if got != want {
				t.Errorf("compacted Stats() = %+v, want %+v", got, want)
			}
			if ix.Stats() != before {
				t.Errorf("the original's Stats() changed: %+v, was %+v", ix.Stats(), before)
			}
			mustSameSearches(t, c, ix, rand.New(rand.NewPCG(1, 2)))
			// What a snapshot holds is the same (it leaves out the dead).
			if b, bc := mustSnapshot(t, ix), mustSnapshot(t, c); len(b) != len(bc) {
				t.Errorf("snapshot of the compacted index has %d bytes, of the original %d", len(bc), len(b))
			}

			// Both go on alike after more changes, which change neither's
			// twin: the copy shares no posting list the other appends to.
			r := rand.New(rand.NewPCG(3, 4))
			seen := map[string]bool{}
			var changes [][]func(*Index) error
			for i := range 60 {
				a := synthAchievement(r, fmt.Sprint("a", 2*i), seen)
				b := synthAchievement(r, fmt.Sprint("d", 3*i), seen)
				changes = append(changes, []func(*Index) error{
					func(x *Index) error { return x.UpdateAchievement(ctx, a) },
					func(x *Index) error { x.RemoveDemand(fmt.Sprint("d", i)); return nil },
					func(x *Index) error { return x.AddDemands(ctx, []*innobridge.Demand{{Listing: b.Listing}}) },
				})
			}
			frozen := ix.Compacted() // ix as it is now, for the original after c changes
			for _, ch := range changes {
				for _, f := range ch {
					if err := f(c); err != nil {
						t.Fatal(err)
					}
				}
			}
			mustSameSearches(t, ix, frozen, rand.New(rand.NewPCG(5, 6)))
			for _, ch := range changes {
				for _, f := range ch {
					if err := f(ix); err != nil {
						t.Fatal(err)
					}
				}
			}
			if tt.params.Concept > 0 {
				// Retrained as the index grew, from random vectors keyed
				// by the listings' numbers, which compaction changed (as
				// loading a snapshot does): the concept parts differ.
				return
			}
			mustSameSearches(t, c, ix, rand.New(rand.NewPCG(5, 6)))
		})
	}
}
