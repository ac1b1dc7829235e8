package main

import (
	"context"
	"io"

	"github.com/innobridge/innobridge/policy"
)

// cmdEvaluate is the policy calculator; the logic lives in policy.RunCLI.
var cmdEvaluate = &Command{
	UsageLine: policy.CLIUsage,
	Short:     "evaluate enterprises against rule sets, one JSON line per enterprise",
	Long:      policy.CLIHelp,
	Run: func(ctx context.Context, args []string, stdout, stderr io.Writer) error {
		return policy.RunCLI(ctx, args, stdout, stderr)
	},
}
