package main

import (
	"context"
	"io"
	"time"

	"github.com/innobridge/innobridge"
	"github.com/innobridge/innobridge/match"
)

var cmdMatch = &Command{
	UsageLine: matchUsage,
	Short:     "rank achievements for demands, one JSON line per query",
	Long:      matchLong,
	Run:       runMatch,
}

const matchUsage = "match (--db DSN | --corpus FILE.jsonl) --queries FILE.jsonl [--top K]"

const matchLong = `Match indexes the achievements of a store (--db) or of a JSON-lines file in
the import schema (--corpus) and ranks them for each demand in --queries
(JSON lines with id and any of title, description, keywords, field).

It writes one line per query, in input order:

	{"query_id": "...", "results": [{"id": "...", "score": 1.23, "why": {...}}]}

with at most K results (default 10), best first; "why" lists the shared
phrases, related terms, structured fit and the score's parts. Diagnostics
go to stderr.`

func runMatch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := (&Command{UsageLine: matchUsage, Long: matchLong}).FlagSet(stderr)
	var o match.CLIOptions
	fs.StringVar(&o.DB, "db", "", "store DSN (sqlite file or postgres URL)")
	fs.StringVar(&o.Corpus, "corpus", "", "achievements, JSON lines")
	fs.StringVar(&o.Queries, "queries", "", "demands, JSON lines")
	fs.IntVar(&o.Top, "top", 10, "results per query")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if o.DB != "" {
		o.LoadCorpus = func(ctx context.Context) ([]*innobridge.Achievement, error) {
			return loadAchievements(ctx, o.DB)
		}
	}
	return match.RunCLI(ctx, o, stdout, stderr)
}

// loadAchievements reads every published, unexpired achievement of the
// store at dsn, a page at a time.
func loadAchievements(ctx context.Context, dsn string) ([]*innobridge.Achievement, error) {
	st, err := openStore(ctx, dsn, schemaCurrent)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	today := innobridge.NewDate(time.Now())
	var all []*innobridge.Achievement
	const page = 5000
	for {
		list, _, err := st.FindAchievements(ctx, innobridge.ListingFilter{
			Statuses: []innobridge.Status{innobridge.StatusPublished}, ActiveOn: &today,
			Offset: len(all), Limit: page})
		if err != nil {
			return nil, err
		}
		all = append(all, list...)
		if len(list) < page {
			return all, nil
		}
	}
}
