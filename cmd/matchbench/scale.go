package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/innobridge/innobridge"
	"github.com/innobridge/innobridge/match"
)

// synthesize recombines sentences of the real records into n listings: each
// gets a real title and as many sentences as a random real description,
// drawn from the whole corpus. Ids are SYN-nnnnnnn. For load figures only.
func synthesize(real []*innobridge.Achievement, n int, seed uint64) []*innobridge.Achievement {
	var sents []string
	var counts []int
	var titles []string
	for _, a := range real {
		c := 0
		for _, s := range splitSentences(a.Description) {
			sents = append(sents, s)
			c++
		}
		counts = append(counts, max(c, 1))
		if a.Title != "" {
			titles = append(titles, a.Title)
		}
	}
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	out := make([]*innobridge.Achievement, n)
	var b strings.Builder
	for i := range out {
		b.Reset()
		for range counts[r.IntN(len(counts))] {
			b.WriteString(sents[r.IntN(len(sents))])
		}
		a := &innobridge.Achievement{}
		a.ExternalID = fmt.Sprintf("SYN-%07d", i)
		if len(titles) > 0 {
			a.Title = titles[r.IntN(len(titles))]
		}
		a.Description = b.String()
		out[i] = a
	}
	return out
}

func splitSentences(s string) []string {
	var out []string
	start := 0
	for i, r := range s {
		if r == '。' || r == '；' || r == '!' || r == '?' || r == '！' || r == '？' || r == ';' {
			end := i + len(string(r))
			if t := strings.TrimSpace(s[start:end]); t != "" {
				out = append(out, t)
			}
			start = end
		}
	}
	if t := strings.TrimSpace(s[start:]); t != "" {
		out = append(out, t)
	}
	return out
}

func runScale(dir string, n, nq int, outFile string, es []engine) {
	real, err := readFile(filepath.Join(dir, "corpus_C.jsonl"), match.ReadAchievements)
	check(err)
	qs, err := readFile(filepath.Join(dir, "queries_A_dev.jsonl"), match.ReadDemands)
	check(err)
	qc, err := readFile(filepath.Join(dir, "queries_C_dev.jsonl"), match.ReadDemands)
	check(err)
	qs = append(qs[:min(len(qs), nq*2/3)], qc[:min(len(qc), nq/3)]...)
	start := time.Now()
	syn := synthesize(real, n, 1)
	var bytes int
	for _, a := range syn {
		bytes += len(a.Title) + len(a.Description)
	}
	real = nil
	fmt.Printf("synthetic corpus: %d listings, %.0f MB of text, generated in %.1fs\n", n, float64(bytes)/1e6, time.Since(start).Seconds())
	if outFile != "" {
		f, err := os.Create(outFile)
		check(err)
		w := bufio.NewWriter(f)
		enc := json.NewEncoder(w)
		for _, a := range syn {
			check(enc.Encode(map[string]string{"id": a.ExternalID, "title": a.Title, "description": a.Description}))
		}
		check(w.Flush())
		check(f.Close())
	}
	base := liveHeap()
	for _, e := range es {
		runtime.GC()
		t0 := time.Now()
		check(e.Build(syn))
		build := time.Since(t0)
		heap := liveHeap() - base
		var lat []time.Duration
		t1 := time.Now()
		for _, q := range qs {
			s := time.Now()
			_, err := e.Search(q, 10)
			check(err)
			lat = append(lat, time.Since(s))
		}
		total := time.Since(t1)
		slices.Sort(lat)
		pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
		fmt.Printf("%-11s n=%d build %.1fs (%.0f docs/s)  top-10 p50 %.2f ms p95 %.2f ms p99 %.2f ms  %.0f q/s  index heap %.0f MB  peak RSS so far %.0f MB %s\n",
			e.Name(), n, build.Seconds(), float64(n)/build.Seconds(), pct(0.5), pct(0.95), pct(0.99),
			float64(len(lat))/total.Seconds(), float64(heap)/1e6, peakRSS()/1e6, e.Footprint())
		check(e.Close())
	}
}
