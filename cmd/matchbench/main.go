// Command matchbench measures the matching engine against Bleve v2 on the
// benchmark in ../shared/bench: quality (nDCG@10_rel, MRR@10, R@100) on the
// dev queries, index build time, query latency, throughput and memory, all
// engines in the same process run. With -scale it generates a synthetic
// corpus by recombining sentences of the real records (ids marked SYN-) and
// reports speed and memory only.
//
// It is kept out of the innobridge binary so that Bleve is not linked there.
//
//	go build -o /tmp/innobridge ./cmd/innobridge
//	go run ./cmd/matchbench -tasks A,B,C -bin /tmp/innobridge
//	go run ./cmd/matchbench -scale 100000
//	GOMEMLIMIT=2600MiB go run ./cmd/matchbench -scale 1000000 -engines innobridge
//
// Results are in match/BENCH.md.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/innobridge/innobridge"
	"github.com/innobridge/innobridge/match"
)

// engine is one system under test.
type engine interface {
	Name() string
	Build(as []*innobridge.Achievement) error
	Search(d *innobridge.Demand, k int) ([]string, error)
	Footprint() string
	Close() error
}

type ourEngine struct {
	name string
	opts match.Options
	ix   *match.Index
}

func (e *ourEngine) Name() string {
	if e.name != "" {
		return e.name
	}
	return "innobridge"
}

func (e *ourEngine) Build(as []*innobridge.Achievement) error {
	e.ix = match.New(e.opts)
	return e.ix.AddAchievements(context.Background(), as)
}

func (e *ourEngine) Search(d *innobridge.Demand, k int) ([]string, error) {
	rs, err := e.ix.Search(context.Background(), d, k)
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.ID
	}
	return out, err
}

func (e *ourEngine) Footprint() string { return "" }
func (e *ourEngine) Close() error      { e.ix = nil; return nil }

func main() {
	var (
		dir      = flag.String("bench", "../shared/bench", "benchmark directory")
		tasks    = flag.String("tasks", "A,B,C", "tasks to run")
		engines  = flag.String("engines", "innobridge,bleve-cjk,bleve-gse", "engines to run")
		runDir   = flag.String("runs", "", "write run TSVs (qid, docid, rank) here")
		scale    = flag.Int("scale", 0, "generate a synthetic corpus of this many listings and measure speed only")
		scaleQ   = flag.Int("scale-queries", 500, "queries for the scale run")
		scaleW   = flag.String("scale-out", "", "also write the synthetic corpus as JSON lines to this file")
		k1       = flag.Float64("k1", 0, "BM25 k1 (0: default)")
		bh       = flag.Float64("bhead", 0, "")
		bb       = flag.Float64("bbody", 0, "")
		hw       = flag.Float64("hw", 0, "head weight")
		dep      = flag.Float64("dep", 0, "weight of a query bigram whose overlapping predecessor the listing also has (1: off)")
		relsure  = flag.Float64("relsure", 0, "related weight when the best match leads clearly")
		surelead = flag.Float64("surelead", 0, "lead of the best match (share of its score) that counts as clear")
		reldesc  = flag.Float64("reldesc", 0, "related weight for a query stated as a description alone (a problem)")
		joined   = flag.Float64("joined", 0, "weight of an expansion bigram whose predecessor in the best match the listing also has (1: off)")
		xpost    = flag.Int("xpost", 0, "postings budget of the second pass (0: default)")
		wbi      = flag.Float64("wbi", 0, "bigram weight")
		wph      = flag.Float64("wph", 0, "keyword phrase weight")
		wseg     = flag.Float64("wseg", 0, "segmented phrase weight")
		exp      = flag.Int("exp", 0, "expansion terms (<0 off)")
		rel      = flag.Float64("rel", 0, "related weight")
		relkw    = flag.Float64("relkw", 0, "related weight for queries with keywords")
		maxdf    = flag.Float64("maxdf", 0, "max df share")
		concept  = flag.Float64("concept", 0, "concept-space weight (<0 off)")
		cdepth   = flag.Int("cdepth", 0, "concept rerank depth")
		cover    = flag.Float64("cover", 0, "share of the concept score in the first stage of a problem statement (0: default, off; e.g. 0.4)")
		covdepth = flag.Int("covdepth", 0, "concept rerank depth (0: default)")
		noseg    = flag.Bool("noseg", false, "no gse segmentation of queries")
		cpuProf  = flag.String("cpuprofile", "", "write a CPU profile to this file")
		e2e      = flag.Bool("e2e", true, "also time innobridge match --corpus end to end against Bleve build+query, top 10")
		bin      = flag.String("bin", "", "innobridge binary for the end-to-end timing (default: the same code in process)")
	)
	flag.Parse()
	if *cpuProf != "" {
		f, err := os.Create(*cpuProf)
		check(err)
		check(pprof.StartCPUProfile(f))
		defer pprof.StopCPUProfile()
	}
	if _, err := os.Stat(filepath.Join(*dir, "corpus_A.jsonl")); err != nil {
		fmt.Fprintf(os.Stderr, "matchbench: no benchmark data in %s; skipping\n", *dir)
		return
	}
	opts := match.Options{NoSegment: *noseg, Params: match.Params{K1: *k1, BHead: *bh, BBody: *bb, HeadWeight: *hw, Dependent: *dep, RelatedSure: *relsure, SureLead: *surelead, RelatedDesc: *reldesc, Joined: *joined, ExpandPostings: *xpost,
		Bigram: *wbi, Phrase: *wph, SegPhrase: *wseg, Expand: *exp, Related: *rel, RelatedKW: *relkw, MaxDF: *maxdf,
		Concept: *concept, ConceptDepth: *cdepth, Cover: *cover, CoverDepth: *covdepth}}
	var es []engine
	for _, name := range strings.Split(*engines, ",") {
		switch name {
		case "innobridge":
			es = append(es, &ourEngine{opts: opts})
		case "innobridge-noconcept": // the same without the concept space, for a paired test
			o := opts
			o.Params.Concept = -1
			es = append(es, &ourEngine{name: name, opts: o})
		case "innobridge-base": // the same without the concept rerank (Cover), for a paired test
			o := opts
			o.Params.Cover = -1
			es = append(es, &ourEngine{name: name, opts: o})
		case "bleve-cjk":
			es = append(es, &bleveEngine{name: name, an: "cjk"})
		case "bleve-gse":
			es = append(es, &bleveEngine{name: name, an: "gse"})
		default:
			fatalf("unknown engine %q", name)
		}
	}
	if *scale > 0 {
		runScale(*dir, *scale, *scaleQ, *scaleW, es)
		return
	}
	var judged map[string]bool
	if b, err := os.ReadFile(filepath.Join(*dir, "judged_ids.txt")); err == nil {
		judged = map[string]bool{}
		for _, l := range strings.Fields(string(b)) {
			judged[l] = true
		}
	}
	for _, task := range strings.Split(*tasks, ",") {
		runTask(*dir, task, es, judged, *runDir)
		if *e2e {
			runE2E(*dir, task, es, *bin)
		}
	}
	fmt.Printf("process peak RSS %.0f MB\n", peakRSS()/1e6)
}

type runResult struct {
	name       string
	build      time.Duration
	heap       uint64
	lat        []time.Duration // top 100
	lat10      []time.Duration // top 10
	total      time.Duration
	m          match.Metrics
	footprint  string
	rrs, ndcgs []float64
}

func runTask(dir, task string, es []engine, judged map[string]bool, runDir string) {
	as, err := readFile(filepath.Join(dir, "corpus_"+task+".jsonl"), match.ReadAchievements)
	check(err)
	ds, err := readFile(filepath.Join(dir, "queries_"+task+"_dev.jsonl"), match.ReadDemands)
	check(err)
	f, err := os.Open(filepath.Join(dir, "qrels_"+task+"_dev.tsv"))
	check(err)
	qrels, err := match.ReadQrels(f)
	f.Close()
	check(err)
	fmt.Printf("\n== task %s: %d achievements, %d queries\n", task, len(as), len(ds))
	// Build every engine, then run the queries interleaved (each query on
	// every engine in turn), so that load from elsewhere on the machine
	// falls on all engines alike.
	results := make([]runResult, len(es))
	runs := make([]map[string][]string, len(es))
	base := liveHeap()
	for i, e := range es {
		r := &results[i]
		r.name = e.Name()
		runtime.GC()
		start := time.Now()
		check(e.Build(as))
		r.build = time.Since(start)
		h := liveHeap()
		r.heap = h - min(h, base)
		base = h
		runs[i] = map[string][]string{}
	}
	for _, d := range ds {
		for i, e := range es {
			s := time.Now()
			ids, err := e.Search(d, 100)
			check(err)
			el := time.Since(s)
			results[i].lat = append(results[i].lat, el)
			results[i].total += el
			runs[i][d.ExternalID] = ids
		}
	}
	// Latency again at top 10, what a page or the CLI asks for.
	for _, d := range ds {
		for i, e := range es {
			s := time.Now()
			_, err := e.Search(d, 10)
			check(err)
			results[i].lat10 = append(results[i].lat10, time.Since(s))
		}
	}
	for i, e := range es {
		r := &results[i]
		run := runs[i]
		r.footprint = e.Footprint()
		r.m = match.Evaluate(qrels, run, judged)
		qs := make([]string, 0, len(qrels))
		for q := range qrels {
			qs = append(qs, q)
		}
		sort.Strings(qs)
		for _, q := range qs {
			pq := r.m.PerQuery[q]
			r.rrs = append(r.rrs, pq.RR)
			if pq.HasRel {
				r.ndcgs = append(r.ndcgs, pq.NDCGRel)
			}
		}
		if runDir != "" {
			check(writeRun(filepath.Join(runDir, "run_"+task+"_"+e.Name()+".tsv"), ds, run))
		}
		check(e.Close())
	}
	fmt.Printf("%-11s %8s %8s %8s %8s %8s %8s | %8s %7s %7s %7s %7s %7s %8s %9s\n", "engine", "nDCGrel", "MRR@10", "R100own", "R100rel", "nDCG'rel", "nDCG@10",
		"build", "p50@100", "p99@100", "qps@100", "p50@10", "p99@10", "heapMB", "build+q")
	for _, r := range results {
		fmt.Printf("%-11s %8.4f %8.4f %8.4f %8.4f %8.4f %8.4f | %7.2fs %7.2f %7.2f %7.0f %7.2f %7.2f %8.0f %8.2fs %s\n", r.name,
			r.m.NDCGRel, r.m.MRR10, r.m.R100Own, r.m.R100Rel, r.m.NDCGCond, r.m.NDCG10,
			r.build.Seconds(), pct(r.lat, 0.5), pct(r.lat, 0.99), float64(len(r.lat))/r.total.Seconds(),
			pct(r.lat10, 0.5), pct(r.lat10, 0.99), float64(r.heap)/1e6, (r.build + r.total).Seconds(), r.footprint)
	}
	if len(results) > 1 && results[0].name == "innobridge" {
		for _, b := range results[1:] {
			fmt.Printf("innobridge vs %-10s nDCG@10_rel ×%.3f (p=%.4f)  MRR@10 ×%.3f (p=%.4f)  p50@100 ×%.2f  p50@10 ×%.2f\n", b.name,
				results[0].m.NDCGRel/b.m.NDCGRel, match.PairedTest(results[0].ndcgs, b.ndcgs, 10000, 1),
				results[0].m.MRR10/b.m.MRR10, match.PairedTest(results[0].rrs, b.rrs, 10000, 2),
				pct(results[0].lat, 0.5)/pct(b.lat, 0.5), pct(results[0].lat10, 0.5)/pct(b.lat10, 0.5))
		}
	}
}

// pct returns the p-quantile of ds in milliseconds.
func pct(ds []time.Duration, p float64) float64 {
	s := slices.Clone(ds)
	slices.Sort(s)
	return float64(s[int(p*float64(len(s)-1))].Microseconds()) / 1000
}

func writeRun(name string, ds []*innobridge.Demand, run map[string][]string) error {
	var b strings.Builder
	for _, d := range ds {
		for i, id := range run[d.ExternalID] {
			fmt.Fprintf(&b, "%s\t%s\t%d\n", d.ExternalID, id, i+1)
		}
	}
	return os.WriteFile(name, []byte(b.String()), 0o644)
}

func readFile[T any](name string, read func(r io.Reader) ([]T, error)) ([]T, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return read(f)
}

func liveHeap() uint64 {
	runtime.GC()
	debug.FreeOSMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// peakRSS reads VmHWM from /proc/self/status, in bytes (0 if unavailable).
func peakRSS() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			var kb float64
			fmt.Sscanf(strings.TrimSpace(v), "%f", &kb)
			return kb * 1024
		}
	}
	return 0
}

func dirSize(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}

func check(err error) {
	if err != nil {
		fatalf("%v", err)
	}
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "matchbench: "+format+"\n", args...)
	os.Exit(1)
}
