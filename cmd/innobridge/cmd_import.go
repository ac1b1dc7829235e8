package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/innobridge/innobridge/importer"
	"github.com/innobridge/innobridge/service"
	"github.com/innobridge/innobridge/zh"
)

var cmdImport = &Command{
	UsageLine: "import [--db DSN] --kind organizations|achievements|demands FILE",
	Short:     "import organisations, achievements or demands from .csv, .xlsx or .jsonl",
	Long: `Import reads FILE (.csv, .xlsx or .jsonl, by its extension) and stores its
records, all or nothing: if any record is wrong, every error is listed on
stderr by line or row and field, and nothing of the file is stored. Records
keep the "id" column as their external id; importing a file again updates
those records. Achievements and demands name their owner by the owner
organisation's external id or 统一社会信用代码.

Progress goes to stderr. The exit status is 0 when the file was stored.`,
}

func init() { cmdImport.Run = runImport }

func runImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := cmdImport.FlagSet(stderr)
	dsn := fs.String("db", defaultDSN, "database: sqlite:PATH or postgres://…")
	kindName := fs.String("kind", "", "what the file holds: organizations, achievements or demands")
	quiet := fs.Bool("quiet", false, "no progress on stderr")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errors.New("need exactly one FILE")
	}
	kind, err := importer.ParseKind(*kindName)
	if err != nil {
		return err
	}
	analyzer, err := zh.Default()
	if err != nil {
		return err
	}
	st, err := openStore(ctx, *dsn, schemaCurrent)
	if err != nil {
		return err
	}
	defer st.Close()
	opts := importer.Options{Analyzer: analyzer}
	if !*quiet {
		var last time.Time
		opts.Progress = func(p importer.Progress) {
			if time.Since(last) < 500*time.Millisecond && p.Done != p.Total {
				return
			}
			last = time.Now()
			if p.Total > 0 {
				fmt.Fprintf(stderr, "%-8s %d/%d (%.0f%%)\n", p.Stage, p.Done, p.Total, 100*float64(p.Done)/float64(p.Total))
			} else {
				fmt.Fprintf(stderr, "%-8s %d\n", p.Stage, p.Done)
			}
		}
	}
	start := time.Now()
	rep, err := importer.ImportFile(ctx, st, kind, fs.Arg(0), opts)
	// The audit log records the operator's import too, stored or not.
	svc := service.New(st, analyzer, slog.New(slog.NewTextHandler(stderr, nil)))
	if aerr := svc.RecordImport(ctx, string(kind), filepath.Base(fs.Arg(0)), rep.Records, err); aerr != nil && err == nil {
		return aerr
	}
	if err != nil {
		return err
	}
	elapsed := time.Since(start)
	fmt.Fprintf(stdout, "imported %d %s from %s in %s (%.0f rows/s; validate %s, index %s, store %s)\n",
		rep.Records, rep.Kind, rep.File, elapsed.Round(time.Millisecond), float64(rep.Records)/elapsed.Seconds(),
		rep.Validate.Round(time.Millisecond), rep.Index.Round(time.Millisecond), rep.Store.Round(time.Millisecond))
	return nil
}
