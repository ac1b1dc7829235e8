package main

import (
	"context"
	"fmt"
	"io"
)

var cmdMigrate = &Command{
	UsageLine: "migrate [--db DSN] [--to N]",
	Short:     "bring the database schema up to date",
	Long: `Migrate applies the numbered schema migrations built into this binary to
the database, each in its own transaction, and prints the version before and
after. Without --to it migrates to the newest version. Serve refuses to run
on an older schema, so run this after upgrading the binary.

The database is given as sqlite:PATH or postgres://….`,
}

func init() { cmdMigrate.Run = runMigrate }

func runMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := cmdMigrate.FlagSet(stderr)
	dsn := fs.String("db", defaultDSN, "database: sqlite:PATH or postgres://…")
	to := fs.Int("to", 0, "target schema version; 0 means the newest")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	st, err := openStore(ctx, *dsn, schemaAny)
	if err != nil {
		return err
	}
	defer st.Close()
	have, want, err := st.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	target := want
	if *to != 0 {
		target = *to
	}
	if target > want || target < have {
		return fmt.Errorf("cannot migrate %s from version %d to %d: this binary knows versions up to %d and does not migrate down", redactDSN(*dsn), have, target, want)
	}
	if have == target {
		fmt.Fprintf(stdout, "schema version %d: up to date\n", have)
		return nil
	}
	if err := st.MigrateTo(ctx, target); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "schema version %d → %d\n", have, target)
	return nil
}
