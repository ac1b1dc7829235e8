package match

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"slices"
	"time"

	"github.com/innobridge/innobridge"
)

// CLIOptions are the arguments of "innobridge match".
type CLIOptions struct {
	DB     string // store DSN; the caller loads it into LoadCorpus
	Corpus string // achievements, JSON lines
	// LoadCorpus, set by the caller when DB is given, returns the
	// achievements of the store to index.
	LoadCorpus func(ctx context.Context) ([]*innobridge.Achievement, error)
	Queries    string // demands, JSON lines
	Top        int    // results per query; 0 means 10
	Index      Options
}

// RunCLI indexes the corpus, ranks achievements for every query and writes
// one JSON line per query, in input order, to stdout:
//
//	{"query_id": "...", "results": [{"id": "...", "score": 1.23, "why": {...}}]}
//
// Diagnostics go to stderr.
func RunCLI(ctx context.Context, o CLIOptions, stdout, stderr io.Writer) (err error) {
	log := slog.New(slog.NewTextHandler(stderr, nil))
	switch {
	case o.DB != "" && o.Corpus != "":
		return errors.New("give either --db or --corpus, not both")
	case o.DB != "" && o.LoadCorpus == nil:
		return errors.New("--db needs a store loader")
	case o.DB == "" && o.Corpus == "":
		return errors.New("--corpus FILE.jsonl (or --db DSN) is required")
	case o.Queries == "":
		return errors.New("--queries FILE.jsonl is required")
	}
	if o.Top <= 0 {
		o.Top = 10
	}
	start := time.Now()
	ds, err := readFile(o.Queries, ReadDemands)
	if err != nil {
		return err
	}
	ix := New(o.Index)
	if ix.seg != nil && ix.p.Cover > 0 && slices.ContainsFunc(ds, func(d *innobridge.Demand) bool {
		q := demandItem(d)
		return isProblem(&q)
	}) {
		ix.seg.Preload() // a problem statement is segmented: load the dictionary while indexing
	}
	n := 0
	add := func(as []*innobridge.Achievement) error {
		n += len(as)
		return ix.AddAchievements(ctx, as)
	}
	if o.DB != "" {
		as, err := o.LoadCorpus(ctx)
		if err != nil {
			return err
		}
		err = add(as)
	} else {
		err = streamFile(o.Corpus, add)
	}
	if err != nil {
		return err
	}
	log.Info("indexed", "achievements", n, "queries", len(ds), "elapsed", time.Since(start).Round(time.Millisecond))
	w := bufio.NewWriterSize(stdout, 1<<16)
	type line struct {
		QueryID string   `json:"query_id"`
		Results []Result `json:"results"`
	}
	err = SearchAll(ctx, ix, ds, o.Top, 0, func(i int, rs []Result) error {
		if rs == nil {
			rs = []Result{}
		}
		b, err := json.Marshal(line{QueryID: ds[i].ExternalID, Results: rs})
		if err != nil {
			return err
		}
		_, err = w.Write(append(b, '\n'))
		return err
	})
	if err != nil {
		return err
	}
	log.Info("matched", "queries", len(ds), "elapsed", time.Since(start).Round(time.Millisecond))
	return w.Flush()
}

// SearchAll runs Search for every demand on workers goroutines (0:
// GOMAXPROCS) and calls emit with each result list in input order.
func SearchAll(ctx context.Context, ix *Index, ds []*innobridge.Demand, k, workers int, emit func(i int, rs []Result) error) error {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	type out struct {
		rs   []Result
		err  error
		done chan struct{}
	}
	outs := make([]out, len(ds))
	for i := range outs {
		outs[i].done = make(chan struct{})
	}
	next := make(chan int)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		defer close(next)
		for i := range ds {
			select {
			case next <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	for range workers {
		go func() {
			for i := range next {
				outs[i].rs, outs[i].err = ix.Search(ctx, ds[i], k)
				close(outs[i].done)
			}
		}()
	}
	for i := range outs {
		select {
		case <-outs[i].done:
		case <-ctx.Done():
			return ctx.Err()
		}
		if outs[i].err != nil {
			return fmt.Errorf("query %s: %w", ds[i].ExternalID, outs[i].err)
		}
		if err := emit(i, outs[i].rs); err != nil {
			return err
		}
		outs[i].rs = nil
	}
	return nil
}

// streamFile indexes a file of achievements a batch at a time (see
// StreamAchievements): the index keeps only what it needs of each, so a
// corpus of a million is never held decoded whole beside it.
func streamFile(name string, add func([]*innobridge.Achievement) error) error {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := StreamAchievements(f, cliBatch, add); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// cliBatch is the achievements decoded at a time by match --corpus: a
// multiple of the index's analysis chunk, so that the build is the same
// sequence of chunks as one call with them all.
const cliBatch = 32 * addChunk

func readFile[T any](name string, read func(io.Reader) ([]T, error)) ([]T, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	v, err := read(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return v, nil
}
