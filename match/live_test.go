package match

import (
	"context"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/innobridge/innobridge"
)

// synthWords are the building blocks of synthetic listings: a small
// vocabulary, so that terms are shared and document frequencies matter.
var synthWords = strings.Fields(`锂电池 回收 湿法 冶金 光伏 组件 清洗 机器人 储能 系统 梯次 利用
	数控 机床 主轴 精度 废水 处理 膜分离 催化 氢能 燃料 电池 电堆 寿命 检测 分选 高炉 煤气 余热
	钢铁 节能 传感器 芯片 封装 材料 涂层 防腐 生物 医药 疫苗 发酵 农业 灌溉 土壤 修复 石墨烯 导热`)

// synthText returns n words of synthWords drawn with r.
func synthText(r *rand.Rand, n int) string {
	var b strings.Builder
	for range n {
		b.WriteString(synthWords[r.IntN(len(synthWords))])
	}
	return b.String()
}

// synthAchievement returns a listing with text drawn with r; seen keeps
// titles unique, so that no two listings tie.
func synthAchievement(r *rand.Rand, ext string, seen map[string]bool) *innobridge.Achievement {
	for {
		title := synthText(r, 3+r.IntN(3))
		if seen[title] {
			continue
		}
		seen[title] = true
		var kws []string
		for range r.IntN(3) {
			kws = append(kws, synthWords[r.IntN(len(synthWords))])
		}
		return achievement(ext, title, synthText(r, 8+r.IntN(20)), kws...)
	}
}

// exactNorms recomputes the length factors of both sides: their refresh
// tolerates a drift of the average lengths (refreshNorms), which depends
// on the history of an index, not on its document frequencies.
func exactNorms(ix *Index) {
	ix.ach.refreshNorms(ix.p, true)
	ix.dem.refreshNorms(ix.p, true)
}

// searchAll returns every result of d, by external id.
func searchAll(tb testing.TB, ix *Index, d *innobridge.Demand) map[string]Result {
	tb.Helper()
	rs, err := ix.Search(context.Background(), d, 1000)
	if err != nil {
		tb.Fatal(err)
	}
	out := map[string]Result{}
	for _, r := range rs {
		out[r.ID] = r
	}
	return out
}

// sameResults reports the first difference between two result sets: the
// same listings, their scores' parts within 1e-9 and the same explanations.
func sameResults(got, want map[string]Result) error {
	if len(got) != len(want) {
		return fmt.Errorf("%d results, want %d", len(got), len(want))
	}
	for id, w := range want {
		g, ok := got[id]
		if !ok {
			return fmt.Errorf("%s missing", id)
		}
		gp, wp := g.Why.Parts, w.Why.Parts
		for _, x := range [][2]float64{{gp.Lexical, wp.Lexical}, {gp.Phrase, wp.Phrase}, {gp.Related, wp.Related},
			{gp.Concept, wp.Concept}, {gp.Structured, wp.Structured}, {g.Score, w.Score}} {
			if math.Abs(x[0]-x[1]) > 1e-9 {
				return fmt.Errorf("%s: parts %+v score %v, want %+v %v", id, gp, g.Score, wp, w.Score)
			}
		}
		gw, ww := g.Why, w.Why
		gw.Parts, ww.Parts = Parts{}, Parts{}
		if !reflect.DeepEqual(gw, ww) {
			return fmt.Errorf("%s: why %+v, want %+v", id, gw, ww)
		}
	}
	return nil
}

// TestLiveDocumentFrequencies edits an index (replacing, withdrawing and
// removing listings) and checks that its document frequencies, idf and
// scores are those of an index built afresh from the surviving listings.
func TestLiveDocumentFrequencies(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		name string
		n    int // listings at the start
		// edit changes ix and returns the surviving listings by external id.
		edit func(t *testing.T, r *rand.Rand, ix *Index, live map[string]*innobridge.Achievement, seen map[string]bool)
	}{
		{"Replace", 80, func(t *testing.T, r *rand.Rand, ix *Index, live map[string]*innobridge.Achievement, seen map[string]bool) {
			var as []*innobridge.Achievement
			for i := 0; i < 80; i += 3 {
				a := synthAchievement(r, fmt.Sprint("a", i), seen)
				live[a.ExternalID] = a
				as = append(as, a)
			}
			if err := ix.AddAchievements(ctx, as); err != nil {
				t.Fatal(err)
			}
		}},
		{"Remove", 80, func(t *testing.T, r *rand.Rand, ix *Index, live map[string]*innobridge.Achievement, seen map[string]bool) {
			for i := 0; i < 80; i += 4 {
				ext := fmt.Sprint("a", i)
				if !ix.RemoveAchievement(ext) {
					t.Fatalf("RemoveAchievement(%s) = false", ext)
				}
				delete(live, ext)
			}
		}},
		{"Withdraw", 80, func(t *testing.T, r *rand.Rand, ix *Index, live map[string]*innobridge.Achievement, seen map[string]bool) {
			var as []*innobridge.Achievement
			for i := 1; i < 80; i += 5 {
				a := *live[fmt.Sprint("a", i)]
				a.Status = innobridge.StatusWithdrawn
				as = append(as, &a)
				delete(live, a.ExternalID)
			}
			if err := ix.AddAchievements(ctx, as); err != nil {
				t.Fatal(err)
			}
		}},
		{"LastHolderOfATerm", 40, func(t *testing.T, r *rand.Rand, ix *Index, live map[string]*innobridge.Achievement, seen map[string]bool) {
			// 量子 is in a1 only; it goes with a1 and comes back with a new listing.
			one := achievement("a1", "量子通信加密芯片", "量子密钥分发。", "量子通信")
			if err := ix.UpdateAchievement(ctx, one); err != nil {
				t.Fatal(err)
			}
			ix.RemoveAchievement("a1")
			delete(live, "a1")
			back := achievement("q1", "量子传感器", "量子精密测量。")
			if err := ix.UpdateAchievement(ctx, back); err != nil {
				t.Fatal(err)
			}
			live["q1"] = back
		}},
		{"ManyReplacements", 300, func(t *testing.T, r *rand.Rand, ix *Index, live map[string]*innobridge.Achievement, seen map[string]bool) {
			// 1,500 replacements: five dead slots to a live one.
			for range 5 {
				for i := range 300 {
					a := synthAchievement(r, fmt.Sprint("a", i), seen)
					if err := ix.UpdateAchievement(ctx, a); err != nil {
						t.Fatal(err)
					}
					live[a.ExternalID] = a
				}
			}
			for i := 0; i < 300; i += 7 {
				ext := fmt.Sprint("a", i)
				ix.RemoveAchievement(ext)
				delete(live, ext)
			}
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(1, uint64(tt.n)))
			seen := map[string]bool{}
			live := map[string]*innobridge.Achievement{}
			var start []*innobridge.Achievement
			for i := range tt.n {
				a := synthAchievement(r, fmt.Sprint("a", i), seen)
				start = append(start, a)
				live[a.ExternalID] = a
			}
			edited := mustIndex(t, start...)
			tt.edit(t, r, edited, live, seen)
			var survivors []*innobridge.Achievement
			for i := range tt.n + 1 { // in the order of the first build
				if a := live[fmt.Sprint("a", i)]; a != nil {
					survivors = append(survivors, a)
				}
			}
			if a := live["q1"]; a != nil {
				survivors = append(survivors, a)
			}
			fresh := mustIndex(t, survivors...)
			exactNorms(edited)
			exactNorms(fresh)

			e, f := edited.ach, fresh.ach
			if e.nAlive != f.nAlive || len(e.terms) != len(f.terms) {
				t.Fatalf("edited: %d listings, %d terms; fresh: %d, %d", e.nAlive, len(e.terms), f.nAlive, len(f.terms))
			}
			for k, ft := range f.terms {
				et, ok := e.terms[k]
				if !ok || e.df(et) != f.df(ft) {
					t.Fatalf("term %x: df %d (present %v), want %d", k, e.df(et), ok, f.df(ft))
				}
			}
			if !maps.Equal(edited.vocab, fresh.vocab) {
				t.Errorf("vocab %v, want %v", edited.vocab, fresh.vocab)
			}
			for i := range 12 {
				d := &innobridge.Demand{}
				d.ExternalID, d.Title, d.Description = "d", synthText(r, 3), synthText(r, 10)
				if i%3 == 0 {
					d.Keywords = []string{synthWords[r.IntN(len(synthWords))]}
				}
				if i == 0 && tt.name == "LastHolderOfATerm" {
					d.Title = "量子通信"
				}
				q := demandItem(d)
				eq, ea := edited.queryTerms(e, &q)
				fq, fa := fresh.queryTerms(f, &q)
				if len(eq) != len(fq) || ea != fa {
					t.Fatalf("query %q: %d terms and %v absent, want %d and %v", d.Title, len(eq), ea, len(fq), fa)
				} else {
					for j := range eq {
						if eq[j].key != fq[j].key || eq[j].idf != fq[j].idf || eq[j].w != fq[j].w {
							t.Fatalf("query %q term %d: %+v, want %+v", d.Title, j, eq[j], fq[j])
						}
					}
				}
				if err := sameResults(searchAll(t, edited, d), searchAll(t, fresh, d)); err != nil {
					t.Errorf("query %q %q: %v", d.Title, d.Keywords, err)
				}
			}
		})
	}
}
