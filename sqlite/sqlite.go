// Package sqlite is the innobridge.Store on an embedded SQLite file, using
// the pure-Go driver modernc.org/sqlite (no cgo).
//
// One file serves two pools: a read pool of several connections and a
// write pool of one, so writers queue in Go instead of failing with
// SQLITE_BUSY, while WAL lets readers run beside the writer. Full-text
// search uses FTS5 tables over the search_text columns, ranked by bm25.
// The SQL itself lives in package sqldb, shared with package postgres.
package sqlite

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"runtime"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"database/sql"

	"github.com/innobridge/innobridge"
	"github.com/innobridge/innobridge/sqldb"
)

//go:embed migration/*.sql
var migrationFS embed.FS

// Options configure Open. The zero value suits `innobridge serve`: a
// brand-new database is initialised and an older schema is refused.
type Options struct {
	// Migrate brings an older schema up to date instead of refusing it.
	// The migrate command sets it.
	Migrate bool
	// NoSchemaCheck opens the database whatever its schema, for callers
	// that look at SchemaVersion and call Migrate themselves.
	NoSchemaCheck bool
	// ReadConns is the size of the read pool; 0 means max(4, GOMAXPROCS).
	ReadConns int
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
}

// DB is an open SQLite database. It implements innobridge.Store.
type DB struct {
	*sqldb.Store
	// Path is the database file, or ":memory:".
	Path string
}

var _ innobridge.Store = (*DB)(nil)

// Open opens the SQLite database at path, creating the file if needed. It
// accepts a file path, a "file:" URI (its query is kept) or the
// "sqlite:PATH" form of the command line; ":memory:" is a private
// in-memory database on one connection. Unless opts say otherwise, a
// brand-new database is initialised and a database with an older schema
// is refused with an ESTALE error that says to run `innobridge migrate`.
func Open(ctx context.Context, path string, opts Options) (_ *DB, err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("sqlite.Open(%q): %w", path, err)
		}
	}()
	path = strings.TrimPrefix(path, "sqlite:")
	if path == "" {
		return nil, innobridge.Errorf(innobridge.EINVALID, "no database path")
	}
	db := &DB{Path: path}
	var read, write *sql.DB
	if path == ":memory:" {
		if write, err = sql.Open("sqlite", dsn(path, "foreign_keys(ON)")); err != nil {
			return nil, err
		}
		write.SetMaxOpenConns(1)
		write.SetConnMaxLifetime(0)
		write.SetMaxIdleConns(1)
		read = write
	} else {
		if write, err = sql.Open("sqlite", dsn(path, pragmas...)+"&_txlock=immediate"); err != nil {
			return nil, err
		}
		write.SetMaxOpenConns(1)
		write.SetMaxIdleConns(1)
		// The writer opens first, so that the file and WAL mode exist
		// before a query-only reader looks at them.
		if err := write.PingContext(ctx); err != nil {
			write.Close()
			return nil, err
		}
		if read, err = sql.Open("sqlite", dsn(path, append(pragmas, "query_only(ON)")...)); err != nil {
			write.Close()
			return nil, err
		}
		n := opts.ReadConns
		if n <= 0 {
			n = max(4, runtime.GOMAXPROCS(0))
		}
		read.SetMaxOpenConns(n)
		read.SetMaxIdleConns(n)
	}
	db.Store = sqldb.New(sqldb.Config{Read: read, Write: write, Dialect: Dialect, Migrations: Migrations(), Now: opts.Now})
	if err := db.Ping(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if !opts.NoSchemaCheck {
		if err := db.CheckSchema(ctx, opts.Migrate); err != nil {
			db.Close()
			return nil, err
		}
	}
	return db, nil
}

// pragmas configure every connection: busy_timeout first, so that the
// others wait for a lock instead of failing, then WAL, foreign keys and
// the synchronous level WAL makes safe. Reads go through a shared memory
// map of up to 1 GiB of the file (pages come from the OS cache without a
// read call each) and a 32 MiB page cache per connection: with the
// defaults, a search over 100k listings spent most of its time in pread.
var pragmas = []string{"busy_timeout(10000)", "journal_mode(WAL)", "foreign_keys(ON)", "synchronous(NORMAL)",
	"mmap_size(1073741824)", "cache_size(-32768)"}

// dsn returns the driver's DSN for path with the pragmas.
func dsn(path string, pragmas ...string) string {
	base, query, _ := strings.Cut(path, "?")
	if !strings.HasPrefix(base, "file:") {
		base = "file:" + base
	}
	q := url.Values{}
	if query != "" {
		var err error
		if q, err = url.ParseQuery(query); err != nil {
			q = url.Values{}
		}
	}
	for _, p := range pragmas {
		q.Add("_pragma", p)
	}
	return base + "?" + q.Encode()
}

// Migrations returns the schema migrations, numbered NNNN_name.sql.
func Migrations() fs.FS {
	sub, err := fs.Sub(migrationFS, "migration")
	if err != nil {
		panic(err) // the embedded directory exists
	}
	return sub
}

// Dialect is SQLite's side of the shared SQL.
var Dialect = sqldb.Dialect{
	Name:   "sqlite",
	Search: search,
	JSONContains: func(col string) string {
		return "EXISTS (SELECT 1 FROM json_each(" + col + ") WHERE json_each.value = ?)"
	},
	ILike:       "LIKE", // SQLite's LIKE ignores ASCII case
	Constraint:  constraint,
	TableExists: "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?",
	CountTables: "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
}

// search matches the FTS5 table of table against all terms, each quoted
// as an FTS5 string so that no term is read as syntax, ranked by bm25. It
// orders by the table's rank column (bm25 by default) rather than calling
// bm25() itself: an auxiliary function cannot run in a query that also has
// a window function, and page queries carry COUNT(*) OVER().
func search(table string, terms []string) sqldb.Search {
	fts := table + "_fts"
	// CROSS JOIN keeps the full-text table the outer loop: otherwise the
	// planner may walk every listing of a status and probe the full-text
	// index row by row, which made the count of a search with a field
	// filter about 6× slower on 100k listings.
	return sqldb.Search{
		From:      fts + " CROSS JOIN " + table + " t",
		Where:     fts + ".rowid = t.id AND " + fts + " MATCH ?",
		WhereArgs: []any{MatchQuery(terms)},
		Rank:      fts + ".rank",
	}
}

// MatchQuery returns an FTS5 query that matches rows holding every term:
// each term is a double-quoted string (with quotes doubled), and FTS5
// ANDs juxtaposed strings.
func MatchQuery(terms []string) string {
	quoted := make([]string, 0, len(terms))
	for _, t := range terms {
		quoted = append(quoted, `"`+strings.ReplaceAll(t, `"`, `""`)+`"`)
	}
	return strings.Join(quoted, " ")
}

// constraint reads a constraint violation out of a driver error. SQLite
// says which column only in the message text ("UNIQUE constraint failed:
// organizations.uscc", "CHECK constraint failed: demands_trl_min_check"),
// so this is the one place that reads it.
func constraint(err error) (sqldb.Violation, bool) {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return sqldb.Violation{}, false
	}
	var kind string
	switch e.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		kind = "unique"
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return sqldb.Violation{Kind: "foreign_key"}, true
	case sqlite3.SQLITE_CONSTRAINT_CHECK:
		kind = "check"
	case sqlite3.SQLITE_CONSTRAINT_NOTNULL:
		kind = "not_null"
	default:
		return sqldb.Violation{}, false
	}
	msg := e.Error()
	_, detail, ok := strings.Cut(msg, " constraint failed: ")
	if !ok {
		return sqldb.Violation{Kind: kind}, true
	}
	detail, _, _ = strings.Cut(detail, " (") // the driver appends "(code)"
	detail, _, _ = strings.Cut(detail, ",")  // first column of a composite key
	detail = strings.TrimSpace(detail)
	if kind == "check" {
		table, _, _ := strings.Cut(detail, "_")
		for _, t := range []string{"organizations", "users", "achievements", "demands", "sessions",
			"matches", "docking_lists", "docking_items", "events", "event_achievements", "event_demands"} {
			if strings.HasPrefix(detail, t+"_") {
				table = t
			}
		}
		return sqldb.ViolationFromName(kind, table, detail), true
	}
	table, col, _ := strings.Cut(detail, ".")
	return sqldb.Violation{Kind: kind, Table: table, Column: col}, true
}
