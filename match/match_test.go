package match

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/innobridge/innobridge"
)

func achievement(id, title, desc string, keywords ...string) *innobridge.Achievement {
	a := &innobridge.Achievement{}
	a.ExternalID, a.Title, a.Description, a.Keywords = id, title, desc, keywords
	return a
}

func mustIndex(tb testing.TB, as ...*innobridge.Achievement) *Index {
	tb.Helper()
	ix := New(Options{NoSegment: true})
	if err := ix.AddAchievements(context.Background(), as); err != nil {
		tb.Fatal(err)
	}
	return ix
}

func ids(rs []Result) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.ID)
	}
	return out
}

func TestSearch(t *testing.T) {
	ix := mustIndex(t,
		achievement("a1", "锂电池正极材料回收利用技术", "采用湿法冶金从废旧锂电池中回收钴、镍和锂，回收率高于95%。", "锂电池回收", "湿法冶金"),
		achievement("a2", "光伏组件自动清洗机器人", "适用于大型光伏电站的无水清洗机器人，降低运维成本。", "光伏", "清洗机器人"),
		achievement("a3", "废旧动力电池梯次利用系统", "对退役锂电池进行检测分选，用于储能系统。", "梯次利用", "储能"),
		achievement("a4", "高精度数控机床主轴", "主轴径向跳动小于1微米。", "数控机床"),
	)
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		d := &innobridge.Demand{}
		d.ExternalID, d.Title, d.Keywords = "d1", "废旧锂电池回收", []string{"锂电池回收"}
		rs, err := ix.Search(ctx, d, 3)
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) == 0 || rs[0].ID != "a1" {
			t.Fatalf("got %v, want a1 first", ids(rs))
		}
		if !slices.Contains(rs[0].Why.Matched, "锂电池回收") {
			t.Errorf("Why.Matched = %q, want the keyword 锂电池回收", rs[0].Why.Matched)
		}
		p := rs[0].Why.Parts
		if sum := p.Lexical + p.Phrase + p.Related + p.Concept + p.Cover + p.Structured; sum-rs[0].Score > 1e-3 || rs[0].Score-sum > 1e-3 {
			t.Errorf("parts sum to %v, score is %v", sum, rs[0].Score)
		}
	})
	t.Run("Removed", func(t *testing.T) {
		ix := mustIndex(t, achievement("x1", "锂电池回收", "锂电池"), achievement("x2", "锂电池检测", "锂电池"))
		if !ix.RemoveAchievement("x1") {
			t.Fatal("RemoveAchievement(x1) = false")
		}
		d := &innobridge.Demand{}
		d.ExternalID, d.Title = "d", "锂电池回收"
		rs, err := ix.Search(ctx, d, 10)
		if err != nil {
			t.Fatal(err)
		}
		if slices.Contains(ids(rs), "x1") {
			t.Errorf("removed x1 still found: %v", ids(rs))
		}
	})
	t.Run("Within", func(t *testing.T) {
		d := &innobridge.Demand{}
		d.ExternalID, d.Title = "d1", "废旧锂电池回收"
		all, err := ix.Search(ctx, d, 10)
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			within []string
			want   []string
		}{
			{[]string{"a3", "a4", "nope"}, []string{"a3"}}, // a4 shares nothing
			{[]string{"a1", "a3"}, []string{"a1", "a3"}},
			{[]string{}, nil},
		} {
			rs, err := ix.SearchWithin(ctx, d, 10, tc.within)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ids(rs), tc.want) {
				t.Errorf("SearchWithin(%q) = %v, want %v", tc.within, ids(rs), tc.want)
			}
			for _, r := range rs { // scored as in the whole index
				if i := slices.IndexFunc(all, func(a Result) bool { return a.ID == r.ID }); i < 0 || all[i].Score != r.Score {
					t.Errorf("SearchWithin(%q): %s scored %v, Search gave %v", tc.within, r.ID, r.Score, all)
				}
			}
		}
	})
	t.Run("NoMatch", func(t *testing.T) {
		d := &innobridge.Demand{}
		d.ExternalID, d.Title = "d", "量子"
		rs, err := ix.Search(ctx, d, 3)
		if err != nil || len(rs) != 0 {
			t.Errorf("got %v, %v; want nothing", ids(rs), err)
		}
	})
}

func TestSpans(t *testing.T) {
	bit := map[uint64]int{}
	for _, s := range []string{"污水处理", "工艺"} {
		rs := []rune(s)
		for i := 1; i < len(rs); i++ {
			bit[gram2(rs[i-1], rs[i])] = len(bit)
		}
	}
	bit[wordKey([]byte("mbr"))] = len(bit)
	bit[gram2('研', '究')] = len(bit) // known, but not in the mask
	st := newSpanText([]rune("基于mbr的污水处理新工艺的研究"), bit)
	got := spans(st, 1<<(len(bit)-1)-1, 2)
	want := []string{"污水处理", "mbr", "工艺"}
	if !slices.Equal(got, want) {
		t.Errorf("spans = %q, want %q", got, want)
	}

	// A rune shared with a bigram too common to be read goes with it.
	bit = map[uint64]int{gram2('数', '据'): commonPair, gram2('问', '题'): commonPair}
	for _, s := range []string{"据挖掘", "信道分配问"} {
		rs := []rune(s)
		for i := 1; i < len(rs); i++ {
			bit[gram2(rs[i-1], rs[i])] = len(bit) - 2
		}
	}
	st = newSpanText([]rune("数据挖掘与信道分配问题"), bit)
	got = spans(st, 1<<(len(bit)-2)-1, 2)
	want = []string{"信道分配", "挖掘"}
	if !slices.Equal(got, want) {
		t.Errorf("spans beside common bigrams = %q, want %q", got, want)
	}
}

// TestRelatedSpans: the stretches of the best match's text shown as lent
// to another result end where a word too common to lend begins, as the
// query's own spans do: "高浓度废水", not "高浓度废水处" (处理 is in every
// listing here).
func TestRelatedSpans(t *testing.T) {
	as := []*innobridge.Achievement{
		achievement("a", "焦化废水生物处理工艺", "采用生物法对焦化高浓度废水处理，出水达标。"),
		achievement("b", "印染废水处理装置", "印染行业高浓度废水处理的成套装置。"),
	}
	for i, w := range []string{"图像", "信号", "语音", "数据", "热", "表面", "污泥", "垃圾", "文本", "视频"} {
		as = append(as, achievement(fmt.Sprint("f", i), w+"处理方法", "一种"+w+"处理的方法。"))
	}
	ix := New(Options{NoSegment: true, Params: Params{MaxDF: 0.5}})
	if err := ix.AddAchievements(context.Background(), as); err != nil {
		t.Fatal(err)
	}
	d := &innobridge.Demand{}
	d.ExternalID, d.Title = "d", "焦化废水生物处理"
	rs, err := ix.Search(context.Background(), d, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) < 2 || rs[0].ID != "a" || rs[1].ID != "b" || rs[1].Why.Anchor != "a" {
		t.Fatalf("got %v, want a, then b lent to by a", ids(rs))
	}
	if got := rs[1].Why.Related; !slices.Contains(got, "高浓度废水") || slices.ContainsFunc(got, func(s string) bool { return strings.HasSuffix(s, "处") }) {
		t.Errorf("b's related stretches = %q, want 高浓度废水 and none ending in 处", got)
	}
}

// TestDevSmoke checks ranking quality on a slice of the public dev set in
// ../shared/bench (skipped when it is absent): the known item must come
// first almost always, and related papers must rank well. The floors sit
// under the full-set figures in BENCH.md; the full comparison with Bleve is
// cmd/matchbench.
func TestDevSmoke(t *testing.T) {
	dir := filepath.Join("..", "..", "shared", "bench")
	if _, err := os.Stat(filepath.Join(dir, "corpus_B.jsonl")); err != nil {
		t.Skip("no benchmark data in ../shared/bench")
	}
	if testing.Short() {
		t.Skip("short")
	}
	for _, tc := range []struct {
		task            string
		minMRR, minNDCG float64
	}{
		{"A", 0.95, 0.185},
		{"B", 0.97, 0.30},
		{"C", 0.74, 0}, // known item only: no related papers
	} {
		t.Run(tc.task, func(t *testing.T) {
			as := mustRead(t, filepath.Join(dir, "corpus_"+tc.task+".jsonl"), ReadAchievements)
			ds := mustRead(t, filepath.Join(dir, "queries_"+tc.task+"_dev.jsonl"), ReadDemands)
			f, err := os.Open(filepath.Join(dir, "qrels_"+tc.task+"_dev.tsv"))
			if err != nil {
				t.Fatal(err)
			}
			qrels, err := ReadQrels(f)
			f.Close()
			if err != nil {
				t.Fatal(err)
			}
			ix := New(Options{})
			if err := ix.AddAchievements(context.Background(), as); err != nil {
				t.Fatal(err)
			}
			// Up to 250 queries with related papers and 250 without.
			var pick []*innobridge.Demand
			nRel, nOther := 0, 0
			for _, d := range ds {
				rel := false
				for _, g := range qrels[d.ExternalID] {
					rel = rel || g < 3
				}
				switch {
				case rel && nRel < 250:
					nRel++
				case !rel && nOther < 250:
					nOther++
				default:
					continue
				}
				pick = append(pick, d)
			}
			ds = pick
			sub := Qrels{}
			run := map[string][]string{}
			err = SearchAll(context.Background(), ix, ds, 100, 0, func(i int, rs []Result) error {
				sub[ds[i].ExternalID] = qrels[ds[i].ExternalID]
				run[ds[i].ExternalID] = ids(rs)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			m := Evaluate(sub, run, nil)
			t.Logf("task %s, %d queries: MRR@10 %.4f, nDCG@10_rel %.4f over %d", tc.task, len(ds), m.MRR10, m.NDCGRel, m.Related)
			if !(m.MRR10 >= tc.minMRR && (tc.minNDCG == 0 || m.NDCGRel >= tc.minNDCG)) { // NaN fails too
				t.Errorf("MRR@10 %.4f (floor %.2f), nDCG@10_rel %.4f (floor %.2f)", m.MRR10, tc.minMRR, m.NDCGRel, tc.minNDCG)
			}
		})
	}
}

func mustRead[T any](tb testing.TB, name string, read func(io.Reader) ([]T, error)) []T {
	tb.Helper()
	v, err := readFile(name, read)
	if err != nil {
		tb.Fatal(err)
	}
	return v
}

func TestConcept(t *testing.T) {
	ix := New(Options{NoSegment: true, Params: Params{Concept: 0.3}})
	err := ix.AddAchievements(context.Background(), []*innobridge.Achievement{
		achievement("a1", "锂电池正极材料回收利用技术", "采用湿法冶金从废旧锂电池中回收钴、镍和锂，回收率高于95%。"),
		achievement("a2", "光伏组件自动清洗机器人", "适用于大型光伏电站的无水清洗机器人，降低运维成本。"),
		achievement("a3", "废旧动力电池梯次利用系统", "对退役锂电池进行检测分选，用于储能系统。"),
		achievement("a4", "锂电池储能电站", "退役锂电池梯次利用于储能电站，回收钴和镍。"),
	})
	if err != nil {
		t.Fatal(err)
	}
	c := ix.ach.cpt
	if c == nil || c.n != 4 {
		t.Fatalf("concept space not trained on the 4 listings: %+v", c)
	}
	if !normalize(slices.Clone(c.at(0))) {
		t.Errorf("a1 has no concept vector")
	}
	d := &innobridge.Demand{}
	d.ExternalID, d.Title = "d1", "废旧锂电池回收"
	rs, err := ix.Search(context.Background(), d, 4)
	if err != nil || len(rs) == 0 {
		t.Fatal(rs, err)
	}
	for _, r := range rs {
		p := r.Why.Parts
		if sum := p.Lexical + p.Phrase + p.Related + p.Concept + p.Cover + p.Structured; sum-r.Score > 1e-3 || r.Score-sum > 1e-3 {
			t.Errorf("%s: parts sum to %v, score is %v", r.ID, sum, r.Score)
		}
	}
	// Growth by more than a tenth retrains.
	if err := ix.AddAchievements(context.Background(), []*innobridge.Achievement{
		achievement("a5", "光伏电站运维", "光伏组件清洗与巡检。"),
	}); err != nil {
		t.Fatal(err)
	}
	if ix.ach.cpt == nil || ix.ach.cpt.n != 5 {
		t.Errorf("concept space not retrained after growth")
	}
}

// BenchmarkDevQueries ranks the dev set's queries of each task against its
// corpus (../shared/bench; skipped when absent), top 100 with explanations,
// as cmd/matchbench does. One op is one query.
func BenchmarkDevQueries(b *testing.B) {
	dir := filepath.Join("..", "..", "shared", "bench")
	for _, task := range []string{"A", "B", "C"} {
		b.Run(task, func(b *testing.B) {
			if _, err := os.Stat(filepath.Join(dir, "corpus_"+task+".jsonl")); err != nil {
				b.Skip("no benchmark data in ../shared/bench")
			}
			as := mustRead(b, filepath.Join(dir, "corpus_"+task+".jsonl"), ReadAchievements)
			ds := mustRead(b, filepath.Join(dir, "queries_"+task+"_dev.jsonl"), ReadDemands)
			ix := New(Options{})
			if err := ix.AddAchievements(context.Background(), as); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				if _, err := ix.Search(context.Background(), ds[i%len(ds)], 100); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestDependentBigrams: a query's overlapping bigrams are one piece of
// evidence ("资源管理" is three bigrams), so the listing covering most of
// the query's distinct parts beats the one repeating its longest word.
func TestDependentBigrams(t *testing.T) {
	as := []*innobridge.Achievement{
		achievement("hr", "人力资源管理", "企业的人力资源管理。"),
		achievement("cloud", "云计算任务调度", "提出云计算环境下的资源分配算法。"),
		achievement("f1", "城市交通信号控制", "基于强化学习的交通信号配时优化。"),
		achievement("f2", "土壤重金属检测方法", "采用光谱法快速检测土壤中的重金属。"),
		achievement("f3", "企业财务管理研究", "分析企业财务管理中存在的问题。"),
		achievement("f4", "数据中心冷却系统", "液冷技术降低数据中心能耗。"),
	}
	kw := &innobridge.Demand{} // stated keywords: the discount ranks
	kw.ExternalID, kw.Keywords = "kw", []string{"云计算资源管理"}
	title := &innobridge.Demand{} // a title: the discount picks the best match, which lends its terms
	title.ExternalID, title.Title = "title", "云计算资源管理"
	for _, tc := range []struct {
		name   string
		d      *innobridge.Demand
		params Params
		want   string
	}{
		{"keywords, no discount", kw, Params{Dependent: 1}, "hr"},
		{"keywords", kw, Params{}, "cloud"},
		{"title, no discount", title, Params{Dependent: 1, MaxDF: 1}, "hr"},
		{"title", title, Params{MaxDF: 1}, "cloud"}, // (MaxDF: the index is tiny)
	} {
		t.Run(tc.name, func(t *testing.T) {
			ix := New(Options{NoSegment: true, Params: tc.params})
			if err := ix.AddAchievements(context.Background(), as); err != nil {
				t.Fatal(err)
			}
			rs, err := ix.Search(context.Background(), tc.d, 3)
			if err != nil {
				t.Fatal(err)
			}
			if tc.d == kw {
				if len(rs) == 0 || rs[0].ID != tc.want {
					t.Errorf("got %v, want %s first", ids(rs), tc.want)
				}
				return
			}
			// The best match lends its terms to the others: each names it
			// as the anchor.
			if len(rs) < 2 {
				t.Fatalf("got %v, want the best match and others it lent to", ids(rs))
			}
			for _, r := range rs {
				if r.ID != tc.want && r.Why.Anchor != tc.want {
					t.Errorf("%s: anchor %q, want %s", r.ID, r.Why.Anchor, tc.want)
				}
			}
		})
	}
}

// TestBestOf checks the quickselect against a full sort, ties included.
func TestBestOf(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct{ n, k, distinct int }{
		{0, 10, 5}, {5, 10, 5}, {10, 10, 3}, {11, 10, 3}, {1000, 100, 50}, {1000, 1, 1000}, {5000, 100, 4},
		{20000, 100, 0}, {20000, 10, 0}, // 0: continuous scores, most of them small (the histogram's case)
	} {
		c := make([]docScore, tc.n)
		for i := range c {
			if tc.distinct == 0 {
				x := r.Float32()
				c[i] = docScore{uint32(i), x * x * x}
				continue
			}
			c[i] = docScore{uint32(i), float32(r.IntN(tc.distinct))}
		}
		r.Shuffle(len(c), func(i, j int) { c[i], c[j] = c[j], c[i] })
		want := slices.Clone(c)
		slices.SortFunc(want, func(a, b docScore) int {
			if before(a, b) {
				return -1
			}
			return 1
		})
		got := bestOf(c, tc.k)
		if len(got) != min(tc.n, tc.k) {
			t.Fatalf("n %d k %d: %d results", tc.n, tc.k, len(got))
		}
		for i, d := range got {
			if d != want[i].d {
				t.Fatalf("n %d k %d: result %d is %d, want %d", tc.n, tc.k, i, d, want[i].d)
			}
		}
	}
}

func TestRelatedDesc(t *testing.T) {
	ix := New(Options{NoSegment: true, Params: Params{MaxDF: 1}})
	err := ix.AddAchievements(context.Background(), []*innobridge.Achievement{
		achievement("a1", "废旧锂电池湿法冶金回收", "针对废旧锂电池中钴镍资源浪费的问题，采用湿法冶金浸出钴、镍和锂，回收率高于95%。"),
		achievement("a2", "钴镍浸出液的萃取分离", "湿法冶金浸出液中钴、镍的萃取分离工艺。"),
		achievement("a3", "光伏组件自动清洗机器人", "适用于大型光伏电站的无水清洗机器人，降低运维成本。"),
		achievement("a4", "退役动力电池检测分选", "对退役锂电池进行检测分选，用于储能系统。"),
	})
	if err != nil {
		t.Fatal(err)
	}
	demand := func(title, desc string, keywords ...string) *innobridge.Demand {
		d := &innobridge.Demand{}
		d.ExternalID, d.Title, d.Description, d.Keywords = "d", title, desc, keywords
		return d
	}
	// The best match's related part is the weight it lends (it is as
	// like itself as any listing can be).
	for _, tc := range []struct {
		name     string
		d        *innobridge.Demand
		min, max float64
	}{
		{"ProblemLendsRelatedDesc", demand("", "废旧锂电池中钴镍资源浪费的问题"), 1.5, 1.5},
		{"TitleLendsMoreWhenClear", demand("废旧锂电池湿法冶金回收", ""), 2, 5},
		{"TitleAndDescriptionAsTitle", demand("废旧锂电池湿法冶金回收", "钴镍资源浪费"), 2, 5},
		{"KeywordsLendNothing", demand("", "钴镍资源浪费", "湿法冶金"), 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs, err := ix.Search(context.Background(), tc.d, 4)
			if err != nil {
				t.Fatal(err)
			}
			if len(rs) == 0 || rs[0].ID != "a1" {
				t.Fatalf("got %v, want a1 first", ids(rs))
			}
			if r := rs[0].Why.Parts.Related; r < tc.min-1e-6 || r > tc.max+1e-6 {
				t.Errorf("related part of the best match = %v, want %v..%v", r, tc.min, tc.max)
			}
		})
	}
}

func TestIsProblem(t *testing.T) {
	for _, tc := range []struct {
		name string
		it   item
		want bool
	}{
		{"DescriptionAlone", item{desc: "钴镍资源浪费的问题"}, true},
		{"WithTitle", item{title: "锂电池回收", desc: "钴镍资源浪费的问题"}, false},
		{"WithKeywords", item{desc: "钴镍资源浪费的问题", keywords: []string{"湿法冶金"}}, false},
		{"Empty", item{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := isProblem(&tc.it); got != tc.want {
				t.Errorf("isProblem = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestCover: with Cover, a problem statement prefers the listing that
// covers more of its concepts over one that repeats one of them; the
// parts still sum to the score, and a titled query is ranked as without.
func TestCover(t *testing.T) {
	as := []*innobridge.Achievement{
		achievement("rep", "", "负载不均衡问题：负载不均衡导致能耗失衡，负载不均衡的多路径传输机制缓解负载不均衡问题。"),
		achievement("cov", "", "中继协作的异构网络中基站的负载分配与级联方案。"),
	}
	for i := range 30 { // background, so that the concepts' idf are not all alike
		as = append(as, achievement(string(rune('A'+i)), "", "一种传输方案的设计与实现，效果良好。"))
	}
	ctx := context.Background()
	d := &innobridge.Demand{}
	d.ExternalID, d.Description = "d", "中继异构网中基站负载不均衡的问题"
	run := func(cover float64, d *innobridge.Demand) []Result {
		ix := New(Options{Params: Params{Cover: cover}})
		if err := ix.AddAchievements(ctx, as); err != nil {
			t.Fatal(err)
		}
		rs, err := ix.Search(ctx, d, 5)
		if err != nil {
			t.Fatal(err)
		}
		return rs
	}
	if rs := run(-1, d); len(rs) == 0 || rs[0].ID != "rep" {
		t.Fatalf("without Cover: %v, want rep first (the repeated compound)", ids(rs))
	}
	if rs := run(0, d); len(rs) == 0 || rs[0].ID != "rep" {
		t.Fatalf("by default: %v, want rep first (Cover off)", ids(rs))
	}
	rs := run(0.4, d)
	if len(rs) == 0 || rs[0].ID != "cov" {
		t.Fatalf("with Cover: %v, want cov first", ids(rs))
	}
	for _, r := range rs {
		p := r.Why.Parts
		if sum := p.Lexical + p.Phrase + p.Related + p.Concept + p.Cover + p.Structured; math.Abs(sum-r.Score) > 1e-3 {
			t.Errorf("%s: parts sum to %v, score %v", r.ID, sum, r.Score)
		}
	}
	if rs[0].Why.Parts.Cover <= 0 {
		t.Errorf("cov's cover part = %v, want > 0", rs[0].Why.Parts.Cover)
	}
	titled := &innobridge.Demand{}
	titled.ExternalID, titled.Title, titled.Description = "t", "负载均衡", d.Description
	a, b := run(0.4, titled), run(-1, titled)
	if !slices.EqualFunc(a, b, func(x, y Result) bool { return x.ID == y.ID && x.Score == y.Score }) {
		t.Errorf("titled query: %v with Cover, %v without", ids(a), ids(b))
	}
}
