package match

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
)

// Qrels are graded judgments: query id → document id → grade (3 the known
// item, 2 and 1 related, as in ../shared/bench/README.md).
type Qrels map[string]map[string]int

// ReadQrels reads "query \t doc \t grade" lines.
func ReadQrels(r io.Reader) (Qrels, error) {
	q := Qrels{}
	err := readLines(r, func(line int, b []byte) error {
		f := strings.Split(strings.TrimRight(string(b), "\r"), "\t")
		if len(f) < 3 {
			return fmt.Errorf("line %d: want query, doc, grade", line)
		}
		g, err := strconv.Atoi(f[2])
		if err != nil {
			return fmt.Errorf("line %d: %w", line, err)
		}
		if q[f[0]] == nil {
			q[f[0]] = map[string]int{}
		}
		q[f[0]][f[1]] = g
		return nil
	})
	return q, err
}

// Metrics are the benchmark's means over queries (eval_run.py).
type Metrics struct {
	Queries  int                     `json:"queries"`
	NDCG10   float64                 `json:"ndcg10"`
	MRR10    float64                 `json:"mrr10"`
	R100Own  float64                 `json:"r100_own"`
	Related  int                     `json:"related_queries"`
	NDCGRel  float64                 `json:"ndcg10_rel"`
	R100Rel  float64                 `json:"r100_rel"`
	NDCGCond float64                 `json:"ndcg10_rel_condensed"` // NaN without judged ids
	PerQuery map[string]QueryMetrics `json:"-"`
}

// QueryMetrics are one query's figures, for paired tests.
type QueryMetrics struct {
	RR, NDCGRel float64
	HasRel      bool
}

// Evaluate scores run (query id → ranked doc ids, best first, up to 100
// used) against qrels over every query in qrels, exactly as eval_run.py.
// judged may be nil.
func Evaluate(qrels Qrels, run map[string][]string, judged map[string]bool) Metrics {
	var m Metrics
	m.PerQuery = map[string]QueryMetrics{}
	gain := func(g int) float64 { return math.Exp2(float64(g)) - 1 }
	disc := func(i int) float64 { return 1 / math.Log2(float64(i)+2) }
	ideal := func(gs []int) float64 {
		sort.Sort(sort.Reverse(sort.IntSlice(gs)))
		s := 0.0
		for i, g := range gs[:min(10, len(gs))] {
			s += gain(g) * disc(i)
		}
		return s
	}
	var sumND, sumRR, sumOwn, sumRel100, sumNDR, sumCond float64
	for q, rel := range qrels {
		ranked := run[q]
		if len(ranked) > 100 {
			ranked = ranked[:100]
		}
		dcg := 0.0
		for i, d := range ranked[:min(10, len(ranked))] {
			dcg += gain(rel[d]) * disc(i)
		}
		var gs []int
		for _, g := range rel {
			gs = append(gs, g)
		}
		if id := ideal(gs); id > 0 {
			sumND += dcg / id
		}
		own := func(d string) bool { return rel[d] == 3 }
		rr := 0.0
		for i, d := range ranked[:min(10, len(ranked))] {
			if own(d) {
				rr = 1 / float64(i+1)
				break
			}
		}
		sumRR += rr
		for _, d := range ranked {
			if own(d) {
				sumOwn++
				break
			}
		}
		qm := QueryMetrics{RR: rr}
		var others []int
		for _, g := range rel {
			if g < 3 {
				others = append(others, g)
			}
		}
		if len(others) > 0 {
			m.Related++
			qm.HasRel = true
			n := 0
			for _, d := range ranked {
				if g, ok := rel[d]; ok && g < 3 {
					n++
				}
			}
			sumRel100 += float64(n) / float64(len(others))
			idr := ideal(others)
			score := func(keep func(string) bool) float64 {
				s, i := 0.0, 0
				for _, d := range ranked {
					if i == 10 {
						break
					}
					if own(d) || !keep(d) {
						continue
					}
					if g := rel[d]; g < 3 {
						s += gain(g) * disc(i)
					}
					i++
				}
				return s / idr
			}
			qm.NDCGRel = score(func(string) bool { return true })
			sumNDR += qm.NDCGRel
			if judged != nil {
				sumCond += score(func(d string) bool { return judged[d] })
			}
		}
		m.PerQuery[q] = qm
	}
	n := float64(len(qrels))
	m.Queries = len(qrels)
	m.NDCG10, m.MRR10, m.R100Own = sumND/n, sumRR/n, sumOwn/n
	r := float64(m.Related)
	m.NDCGRel, m.R100Rel, m.NDCGCond = sumNDR/r, sumRel100/r, math.NaN()
	if judged != nil {
		m.NDCGCond = sumCond / r
	}
	return m
}

// PairedTest returns the two-sided p-value of a randomisation test on the
// per-query differences of a metric between systems a and b.
func PairedTest(a, b []float64, rounds int, seed uint64) float64 {
	n := len(a)
	if n == 0 {
		return 1
	}
	diff := make([]float64, n)
	obs := 0.0
	for i := range a {
		diff[i] = a[i] - b[i]
		obs += diff[i]
	}
	obs = math.Abs(obs)
	x := seed | 1
	hits := 0
	for r := 0; r < rounds; r++ {
		s := 0.0
		for _, d := range diff {
			x ^= x << 13
			x ^= x >> 7
			x ^= x << 17
			if x&1 == 0 {
				s += d
			} else {
				s -= d
			}
		}
		if math.Abs(s) >= obs-1e-12 {
			hits++
		}
	}
	return float64(hits+1) / float64(rounds+1)
}
