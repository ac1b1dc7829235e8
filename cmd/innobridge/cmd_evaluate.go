package main

import (
	"context"
	"errors"
	"io"
)

// cmdEvaluate is owned by the policy calculator (issue P3); this is a stub.
var cmdEvaluate = &Command{
	UsageLine: "evaluate --enterprises FILE.jsonl --rules NAME[,NAME…] [--as-of YYYY-MM-DD]",
	Short:     "evaluate enterprises against rule sets, one JSON line per enterprise",
	Run: func(ctx context.Context, args []string, stdout, stderr io.Writer) error {
		return errors.New("evaluate: not implemented yet")
	},
}
