package service_test

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/innobridge/innobridge"
	"github.com/innobridge/innobridge/match"
	"github.com/innobridge/innobridge/service"
	"github.com/innobridge/innobridge/zh"
)

// TestMatchingCompacts edits listings on a SQLite file until the index's
// dead slots pass the threshold, and lets Run compact it: the dead slots
// are gone, the recommendations are those of an index built afresh from
// the store, changes made during the compaction (through the service, and
// read from the store before the swap but applied after it) are not lost,
// searches answer meanwhile, and a snapshot of the compacted index loads.
func TestMatchingCompacts(t *testing.T) {
	ctx := context.Background()
	opts := match.Options{Analyzer: zh.MustDefault()}
	f := newFixture(t)
	snapshotListings(t, f)
	var logs logBuf
	svc := f.instance(&logs)
	m := service.NewMatching(svc, opts)
	m.SnapshotPath = filepath.Join(t.TempDir(), "t.db.matchindex")
	m.SnapshotEvery = time.Hour
	m.CompactMin = 20
	if err := m.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	staff := as(f.staff)

	// Four rounds of edits of ten listings: 40 dead slots of about 75.
	subjects := []string{"余热发电", "煤气净化", "废水处理", "电池回收", "清洗机器人"}
	for round := range 4 {
		for i := range 10 {
			f.clock.Add(time.Second) // a new updated_at: the index re-reads it
			title := fmt.Sprintf("%s技术（改进%d）", subjects[(i+round)%len(subjects)], i)
			desc := fmt.Sprintf("第%d轮修订：%s。", round+1, strings.Repeat(subjects[i%len(subjects)], 1+i%3))
			if i < 8 {
				ext := fmt.Sprint("ach-s", 10+i)
				if _, err := svc.UpdateAchievement(staff, mustAchID(t, f, ext), innobridge.AchievementUpdate{Title: &title, Description: &desc}); err != nil {
					t.Fatal(err)
				}
				continue
			}
			ext := fmt.Sprint("dem-s", i-8)
			d, err := svc.FindDemandByExternalID(staff, ext)
			if err != nil {
				t.Fatal(err)
			}
			title = "寻求" + title
			if _, err := svc.UpdateDemand(staff, d.ID, innobridge.DemandUpdate{Title: &title, Description: &desc}); err != nil {
				t.Fatal(err)
			}
		}
	}
	before := m.Index().Stats()
	if before.Dead() != 40 || before.Dead()*4 <= before.Dead()+before.Live() {
		t.Fatalf("Stats() = %+v after 40 edits: want 40 dead slots, over a quarter", before)
	}
	stale := m.Generation()

	// During the compaction: a search, and a withdrawal through the service.
	var (
		hooked     int
		searched   []*service.Recommendation
		searchErr  error
		withdrawal error
	)
	m.SetCompactHook(func() {
		if hooked++; hooked > 1 {
			return
		}
		searched, searchErr = m.AchievementsForDemand(staff, "dem-s2", 5)
		st := innobridge.StatusWithdrawn
		_, withdrawal = svc.UpdateAchievement(staff, mustAchID(t, f, "ach-s7"), innobridge.AchievementUpdate{Status: &st})
	})
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		// Run compacts at once, as the index is built; no refresh comes
		// within the hour to catch up with what the compaction missed.
		m.Run(runCtx, time.Hour)
	}()
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(logs.String(), "match index compacted"); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			cancel()
			<-done
			t.Fatalf("not compacted: Stats() = %+v\n%s", m.Index().Stats(), logs.String())
		}
	}
	cancel()
	<-done
	if hooked != 1 || searchErr != nil || len(searched) == 0 || withdrawal != nil {
		t.Fatalf("during the compaction: %d compactions, search %v (%d results), withdrawal %v", hooked, searchErr, len(searched), withdrawal)
	}
	// (a) The dead slots are gone but for the one the withdrawal left.
	after := m.Index().Stats()
	if after.Dead() != 1 || after.Live() != before.Live()-1 {
		t.Errorf("after compaction Stats() = %+v, want 1 dead slot and %d live (before: %+v)", after, before.Live()-1, before)
	}
	if !strings.Contains(logs.String(), "dead=40") {
		t.Errorf("the compaction's log line does not count 40 dead slots:\n%s", logs.String())
	}

	// A change aimed at the replaced generation, as one read from the
	// store before the swap and applied after it.
	f.clock.Add(time.Second)
	st := innobridge.StatusWithdrawn
	a, err := f.instance(nil).UpdateAchievement(staff, mustAchID(t, f, "ach-s9"), innobridge.AchievementUpdate{Status: &st})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.PutAchievementInto(ctx, stale, a); err != nil {
		t.Fatal(err)
	}

	// (b) The recommendations are those of an index built afresh.
	got := allRecommendations(t, f, m)
	fresh := service.NewMatching(f.instance(nil), opts)
	// The scores differ a little: an index kept current refreshes its
	// length normalisation only when the average lengths drift by more
	// than 5% (see TestMatchingSnapshot). And the order of listings that
	// tie is the order the index holds them in, which edits change.
	mustSameRankings(t, got, allRecommendations(t, f, fresh), 0.03)
	// (c) Neither change is lost.
	for ext, recs := range got {
		for _, gone := range []string{"ach-s7", "ach-s9"} {
			if has(recIDs(recs), gone) {
				t.Errorf("%s → %v: %s was withdrawn during the compaction", ext, recIDs(recs), gone)
			}
		}
	}
	if st := m.Index().Stats(); st.Live() != after.Live()-1 {
		t.Errorf("Stats() = %+v after withdrawing ach-s9 through the replaced generation; want %d live", st, after.Live()-1)
	}

	// A snapshot of the compacted index loads, and answers alike.
	if err := m.SaveSnapshot(ctx); err != nil {
		t.Fatal(err)
	}
	var logs2 logBuf
	loaded := service.NewMatching(f.instance(&logs2), opts)
	loaded.SnapshotPath = m.SnapshotPath
	mustSameRecommendations(t, allRecommendations(t, f, loaded), got, 0)
	if !strings.Contains(logs2.String(), "match index loaded from its snapshot") {
		t.Errorf("the snapshot was not used:\n%s", logs2.String())
	}
}

// mustSameRankings is mustSameRecommendations up to ties: got and want
// recommend the same listings with scores within tol of each other and
// the same explanations, in the same order but among listings that score
// within tol of each other. The engine orders a tie by the order it holds
// the listings in: an index kept current holds an edited listing last,
// one built afresh holds the most recently updated first. At the end of
// a list, one listing may stand for another that scores within tol.
func mustSameRankings(t *testing.T, got, want map[string][]*service.Recommendation, tol float64) {
	t.Helper()
	near := func(a, b float64) bool { return math.Abs(a-b) <= tol*max(math.Abs(b), 0.1) }
	if len(got) != len(want) {
		t.Fatalf("recommendations for %d listings, want %d", len(got), len(want))
	}
	nonEmpty := 0
	for ext, w := range want {
		g := got[ext]
		gids, wids := recIDs(g), recIDs(w)
		if len(g) != len(w) {
			t.Errorf("%s: %v, want %v", ext, gids, wids)
			continue
		}
		at := map[string]int{}
		for i, id := range gids {
			at[id] = i
		}
		for i, wr := range w {
			j, ok := at[wids[i]]
			if !ok {
				if !near(g[len(g)-1].Score, wr.Score) {
					t.Errorf("%s: %s (%v) missing from %v, want %v", ext, wids[i], wr.Score, gids, wids)
				}
				continue
			}
			gw, ww := g[j].Why, wr.Why
			gw.Parts, ww.Parts = match.Parts{}, match.Parts{}
			if !near(g[j].Score, wr.Score) || !reflect.DeepEqual(gw, ww) {
				t.Errorf("%s → %s: %v %+v, want %v %+v", ext, wids[i], g[j].Score, g[j].Why, wr.Score, wr.Why)
			}
			if !near(g[i].Score, wr.Score) {
				t.Errorf("%s: %s (%v) at %d, want %s (%v): %v, want %v", ext, gids[i], g[i].Score, i, wids[i], wr.Score, gids, wids)
			}
		}
		if len(w) > 0 {
			nonEmpty++
		}
	}
	if nonEmpty < len(want)/2 {
		t.Errorf("only %d of %d listings have recommendations: a weak test", nonEmpty, len(want))
	}
}
