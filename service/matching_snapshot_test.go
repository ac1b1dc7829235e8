package service_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/innobridge/innobridge"
	"github.com/innobridge/innobridge/match"
	"github.com/innobridge/innobridge/service"
	"github.com/innobridge/innobridge/zh"
)

// logBuf collects a logger's output for tests that read it.
type logBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// instance returns another Service on the fixture's database, as another
// instance of the platform would have, logging into logs if not nil.
func (f *fixture) instance(logs *logBuf) *service.Service {
	var h slog.Handler = slog.DiscardHandler
	if logs != nil {
		h = slog.NewTextHandler(logs, nil)
	}
	svc := service.New(f.db, zh.MustDefault(), slog.New(h))
	svc.Now = f.clock.Now
	return svc
}

// snapshotListings adds listings on a few subjects, so that rankings have
// something to order; one achievement expires in two days.
func snapshotListings(t *testing.T, f *fixture) {
	subjects := []struct{ title, desc string }{
		{"高炉煤气余热发电", "回收高炉煤气余热发电，降低钢铁企业能耗。"},
		{"转炉煤气净化回收", "转炉煤气干法除尘净化，提高煤气回收率。"},
		{"含砷废水处理", "工业废水中砷的去除与回收，膜分离工艺。"},
		{"锂电池正极材料回收", "废旧锂电池湿法冶金回收钴镍锂。"},
		{"光伏组件清洗机器人", "光伏电站无水清洗机器人，降低运维成本。"},
		{"燃料电池电堆寿命", "氢能重卡燃料电池电堆寿命提升与检测。"},
	}
	in2days := innobridge.NewDate(f.clock.Now().AddDate(0, 0, 2))
	for i := range 24 {
		s := subjects[i%len(subjects)]
		owner := f.uniMember
		if i%2 == 1 {
			owner = f.otherMember
		}
		a := &innobridge.Achievement{Listing: innobridge.Listing{ExternalID: fmt.Sprint("ach-s", i),
			Title: fmt.Sprintf("%s技术（第%d代）", s.title, i/len(subjects)+1), Description: s.desc + strings.Repeat("工艺参数优化。", i%3),
			Keywords: []string{s.title[:6]}, Field: "6"}, TRL: 3 + i%6}
		if i == 5 {
			a.ExpiresAt = &in2days
		}
		f.mustAchievement(t, owner, a)
	}
	for i, s := range subjects {
		f.mustDemand(t, f.entMember, &innobridge.Demand{Listing: innobridge.Listing{ExternalID: fmt.Sprint("dem-s", i),
			Title: "寻求" + s.title + "方案", Description: "我公司需要" + s.desc}, TRLMin: 4})
	}
}

// allRecommendations returns, as staff see them, the recommendations for
// every published, unexpired listing of the store, by external id.
func allRecommendations(t *testing.T, f *fixture, m *service.Matching) map[string][]*service.Recommendation {
	t.Helper()
	ctx := as(f.staff)
	today := innobridge.NewDate(f.clock.Now())
	pub := innobridge.ListingFilter{Statuses: []innobridge.Status{innobridge.StatusPublished}, ActiveOn: &today, Limit: 1000}
	out := map[string][]*service.Recommendation{}
	ds, _, err := f.svc.FindDemands(ctx, pub)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		if out[d.ExternalID], err = m.AchievementsForDemand(ctx, d.ExternalID, 20); err != nil {
			t.Fatal(err)
		}
	}
	as, _, err := f.svc.FindAchievements(ctx, pub)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range as {
		if out[a.ExternalID], err = m.DemandsForAchievement(ctx, a.ExternalID, 20); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// mustSameRecommendations fails unless got and want recommend the same
// listings in the same order with the same explanations, and scores
// within tol of each other (relative, and at least tol·0.1).
func mustSameRecommendations(t *testing.T, got, want map[string][]*service.Recommendation, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("recommendations for %d listings, want %d", len(got), len(want))
	}
	nonEmpty := 0
	for ext, w := range want {
		g := got[ext]
		if !reflect.DeepEqual(recIDs(g), recIDs(w)) {
			t.Errorf("%s: %v, want %v", ext, recIDs(g), recIDs(w))
			continue
		}
		for i := range w {
			gw, ww := g[i].Why, w[i].Why
			gw.Parts, ww.Parts = match.Parts{}, match.Parts{}
			if math.Abs(g[i].Score-w[i].Score) > tol*max(math.Abs(w[i].Score), 0.1) || !reflect.DeepEqual(gw, ww) {
				t.Errorf("%s → %s: %v %+v, want %v %+v", ext, recIDs(w)[i], g[i].Score, g[i].Why, w[i].Score, w[i].Why)
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

// TestMatchingSnapshot saves the index, changes the store from another
// instance while the first is down, and starts again from the snapshot:
// the recommendations are those of an index built afresh from the store.
func TestMatchingSnapshot(t *testing.T) {
	ctx := context.Background()
	opts := match.Options{Analyzer: zh.MustDefault()}
	f := newFixture(t)
	snapshotListings(t, f)
	path := filepath.Join(t.TempDir(), "t.db.matchindex")

	first := service.NewMatching(f.instance(nil), opts)
	first.SnapshotPath = path
	if err := first.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if err := first.SaveSnapshot(ctx); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("snapshot file: %v, %v; want mode 0600", fi, err)
	}
	saved, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}

	// Down for three days, while another instance changes listings.
	f.clock.Add(3 * 24 * time.Hour)
	other := f.instance(nil)
	title := "转炉煤气回收利用新工艺"
	if _, err := other.UpdateAchievement(as(f.uniMember), mustAchID(t, f, "ach-s0"), innobridge.AchievementUpdate{Title: &title}); err != nil {
		t.Fatal(err)
	}
	withdrawn := innobridge.StatusWithdrawn
	for _, ext := range []string{"ach-s2", "ach-s8"} {
		if _, err := other.UpdateAchievement(as(f.uniMember), mustAchID(t, f, ext), innobridge.AchievementUpdate{Status: &withdrawn}); err != nil {
			t.Fatal(err)
		}
	}
	if err := other.CreateAchievement(as(f.otherMember), &innobridge.Achievement{Listing: innobridge.Listing{
		ExternalID: "ach-late", Title: "含砷废水膜分离回收装置", Description: "膜分离回收工业废水中的砷。", Field: "6"}, TRL: 7}); err != nil {
		t.Fatal(err)
	}
	if err := f.db.Import(ctx, innobridge.ImportBatch{Demands: []*innobridge.Demand{{Listing: innobridge.Listing{
		ExternalID: "dem-imported", Title: "光伏电站运维降本", OwnerOrgID: f.ent.ID, Status: innobridge.StatusPublished,
		Description: "寻求光伏组件清洗方案。"}, Confidentiality: innobridge.ConfPublic}}}, nil); err != nil {
		t.Fatal(err)
	}
	// ach-s5 expired meanwhile, ach-expired long ago.

	fresh := service.NewMatching(f.instance(nil), opts)
	want := allRecommendations(t, f, fresh)
	for _, ext := range []string{"ach-s2", "ach-s5"} {
		if _, ok := want[ext]; ok {
			t.Fatalf("%s still published: the test changes nothing", ext)
		}
	}

	t.Run("OK", func(t *testing.T) {
		if err := os.WriteFile(path, saved, 0o600); err != nil {
			t.Fatal(err)
		}
		var logs logBuf
		m := service.NewMatching(f.instance(&logs), opts)
		m.SnapshotPath = path
		got := allRecommendations(t, f, m)
		if !strings.Contains(logs.String(), "match index loaded from its snapshot") {
			t.Fatalf("the snapshot was not used:\n%s", logs.String())
		}
		// The same listings in the same order, explained alike. The
		// scores differ a little: an index kept current (as the first
		// instance's was too) refreshes its length normalisation only when
		// the average lengths drift by more than 5% (match.refreshNorms).
		mustSameRecommendations(t, got, want, 0.03)
		if _, ok := got["ach-late"]; !ok {
			t.Error("ach-late, added meanwhile, is not recommended for")
		}
		for ext, recs := range got {
			for _, gone := range []string{"ach-s2", "ach-s8", "ach-s5", "ach-expired"} {
				if has(recIDs(recs), gone) {
					t.Errorf("%s → %v: %s is withdrawn or expired", ext, recIDs(recs), gone)
				}
			}
		}
		// Saved again, the caught-up index loads exactly as it is.
		if err := m.SaveSnapshot(ctx); err != nil {
			t.Fatal(err)
		}
		again := service.NewMatching(f.instance(nil), opts)
		again.SnapshotPath = path
		mustSameRecommendations(t, allRecommendations(t, f, again), got, 0)
	})
	for _, tt := range []struct {
		name   string
		damage func(b []byte) []byte // nil: no file
	}{
		{"Missing", nil},
		{"Empty", func(b []byte) []byte { return nil }},
		{"Truncated", func(b []byte) []byte { return b[:len(b)*2/3] }},
		{"Corrupt", func(b []byte) []byte { b = bytes.Clone(b); b[len(b)/2] ^= 0x40; return b }},
		{"ServicePartCorrupt", func(b []byte) []byte { b = bytes.Clone(b); b[len(b)-6] ^= 0x01; return b }},
		{"ServicePartMissing", func(b []byte) []byte { return b[:len(b)-40] }},
		{"Foreign", func(b []byte) []byte { return []byte("SQLite format 3\x00") }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			os.Remove(path)
			if tt.damage != nil {
				if err := os.WriteFile(path, tt.damage(saved), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			var logs logBuf
			m := service.NewMatching(f.instance(&logs), opts)
			m.SnapshotPath = path
			got := allRecommendations(t, f, m)
			if !strings.Contains(logs.String(), "building the index from the store") || strings.Contains(logs.String(), "loaded from its snapshot") {
				t.Fatalf("the snapshot was not refused:\n%s", logs.String())
			}
			mustSameRecommendations(t, got, want, 0)
		})
	}
}

// TestMatchingRunSaves checks that Run saves a built index at once, and a
// changed one once SnapshotEvery has passed.
func TestMatchingRunSaves(t *testing.T) {
	f := newFixture(t)
	var logs logBuf
	m := service.NewMatching(f.instance(&logs), match.Options{Analyzer: zh.MustDefault()})
	m.SnapshotPath = filepath.Join(t.TempDir(), "t.db.matchindex")
	m.SnapshotEvery = time.Hour
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		m.Run(ctx, 5*time.Millisecond)
	}()
	defer func() {
		cancel()
		<-done
	}()
	saves := func() int { return strings.Count(logs.String(), "match index saved") }
	waitFor := func(what string, ok func() bool) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); !ok(); time.Sleep(5 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("%s:\n%s", what, logs.String())
			}
		}
	}
	waitFor("no save after the build", func() bool { return saves() == 1 })
	if err := f.db.Import(context.Background(), innobridge.ImportBatch{Achievements: []*innobridge.Achievement{{Listing: innobridge.Listing{
		ExternalID: "ach-imported", Title: "煤气回收率提升方法", OwnerOrgID: f.uni.ID, Status: innobridge.StatusPublished}}}}, nil); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond) // refreshed, but the last save is recent
	if n := saves(); n != 1 {
		t.Fatalf("%d saves within SnapshotEvery", n)
	}
	f.clock.Add(time.Hour)
	waitFor("no save of the changed index", func() bool { return saves() == 2 })
	time.Sleep(50 * time.Millisecond)
	f.clock.Add(time.Hour)
	time.Sleep(50 * time.Millisecond)
	if n := saves(); n != 2 {
		t.Errorf("%d saves: an unchanged index was saved again", n)
	}
}
