package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
)

// Command is one subcommand of innobridge, declared as data.
type Command struct {
	UsageLine string // "serve [--addr HOST:PORT] [--db DSN] [--demo]"
	Short     string // one line for the command list
	Long      string // shown by "innobridge help NAME"
	// Run executes the command with its own arguments. Stdout and stderr are
	// passed in so tests can capture them.
	Run func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

// Name is the first word of UsageLine.
func (c *Command) Name() string {
	name, _, _ := strings.Cut(c.UsageLine, " ")
	return name
}

// FlagSet returns a flag set for c that prints c's usage to stderr.
func (c *Command) FlagSet(stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(c.Name(), flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: innobridge %s\n\n%s\n", c.UsageLine, strings.TrimSpace(c.Long))
		fs.PrintDefaults()
	}
	return fs
}
