// Command innobridge runs the innobridge platform and its tools: the web
// server, schema migration, bulk import, the matching engine and the policy
// calculator. Run "innobridge help" for the list.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// commands lists the subcommands in the order "help" shows them.
func commands() []*Command {
	return []*Command{cmdServe, cmdMigrate, cmdImport, cmdMatch, cmdEvaluate}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// run executes the command named by args[0] and returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stderr, args)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands() {
		if c.Name() == args[0] {
			if err := c.Run(ctx, args[1:], stdout, stderr); err != nil {
				fmt.Fprintf(stderr, "innobridge %s: %v\n", c.Name(), err)
				return 1
			}
			return 0
		}
	}
	fmt.Fprintf(stderr, "innobridge: unknown command %q; run \"innobridge help\"\n", args[0])
	return 2
}

func usage(w io.Writer, args []string) {
	if len(args) > 1 {
		for _, c := range commands() {
			if c.Name() == args[1] {
				fmt.Fprintf(w, "usage: innobridge %s\n\n%s\n", c.UsageLine, c.Long)
				return
			}
		}
	}
	fmt.Fprintln(w, "innobridge — 科技成果转化服务平台 (technology transfer platform)\n\nusage: innobridge COMMAND [flags]\n\ncommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.Name(), c.Short)
	}
}
