package main

import (
	"context"
	"errors"
	"io"
)

// cmdMatch is owned by the matching engine (issue P2); this is a stub.
var cmdMatch = &Command{
	UsageLine: "match (--db DSN | --corpus FILE.jsonl) --queries FILE.jsonl [--top K]",
	Short:     "rank achievements for demands, one JSON line per query",
	Run: func(ctx context.Context, args []string, stdout, stderr io.Writer) error {
		return errors.New("match: not implemented yet")
	},
}
