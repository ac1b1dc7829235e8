package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/innobridge/innobridge/match"
)

// runE2E times what a user of "innobridge match --corpus" waits for:
// reading both files, indexing and ranking every query (top 10), output
// discarded; and the same for each Bleve engine (read, build, query). With
// bin set, the innobridge figure is the wall time of that binary.
func runE2E(dir, task string, es []engine, bin string) {
	corpus := filepath.Join(dir, "corpus_"+task+".jsonl")
	queries := filepath.Join(dir, "queries_"+task+"_dev.jsonl")
	for _, e := range es {
		start := time.Now()
		how := "in process"
		if _, ok := e.(*ourEngine); ok {
			if bin != "" {
				how = bin
				cmd := exec.Command(bin, "match", "--corpus", corpus, "--queries", queries, "--top", "10")
				cmd.Stdout = io.Discard
				cmd.Stderr = os.Stderr
				check(cmd.Run())
			} else {
				how = "match.RunCLI, the code of innobridge match"
				check(match.RunCLI(context.Background(), match.CLIOptions{Corpus: corpus, Queries: queries, Top: 10}, io.Discard, io.Discard))
			}
		} else {
			as, err := readFile(corpus, match.ReadAchievements)
			check(err)
			ds, err := readFile(queries, match.ReadDemands)
			check(err)
			check(e.Build(as))
			for _, d := range ds {
				_, err := e.Search(d, 10)
				check(err)
			}
			check(e.Close())
		}
		fmt.Printf("end to end %-11s task %s: %6.2fs (%s)\n", e.Name(), task, time.Since(start).Seconds(), how)
	}
}
