// Package postgres is the innobridge.Store on PostgreSQL, through pgx's
// database/sql driver (github.com/jackc/pgx/v5/stdlib).
//
// The SQL itself lives in package sqldb, shared with package sqlite; this
// package opens the pool, embeds the PostgreSQL migrations and fills in the
// Dialect. Full-text search matches the analysed terms that package zh puts
// in the search_text columns: a generated text[] column splits them, a GIN
// index serves "holds every query term", and shorter texts rank first, which
// is the order SQLite's bm25 gives for texts of distinct terms.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver

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
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
}

// DB is an open PostgreSQL database. It implements innobridge.Store.
type DB struct {
	*sqldb.Store
}

var _ innobridge.Store = (*DB)(nil)

// maxConns bounds the pool: enough for a web server's concurrent
// requests, well below PostgreSQL's default max_connections of 100.
const maxConns = 20

// Open connects to the PostgreSQL database that dsn names, as a URL
// ("postgres://user:password@host:5432/db?sslmode=disable") or in
// key=value form. Unless opts say otherwise, a brand-new database (one
// without tables in its current schema) is initialised and a database
// with an older schema is refused with an ESTALE error that says to run
// `innobridge migrate`.
func Open(ctx context.Context, dsn string, opts Options) (_ *DB, err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("postgres.Open(%q): %w", Redact(dsn), err)
		}
	}()
	if dsn == "" {
		return nil, innobridge.Errorf(innobridge.EINVALID, "no database DSN")
	}
	pool, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, err
	}
	pool.SetMaxOpenConns(maxConns)
	pool.SetMaxIdleConns(maxConns)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	db := &DB{Store: sqldb.New(sqldb.Config{Read: pool, Write: pool, Dialect: Dialect, Migrations: Migrations(), Now: opts.Now})}
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

// Redact hides the password of a DSN, URL or key=value form, for
// messages.
func Redact(dsn string) string {
	if !strings.Contains(dsn, "://") {
		fields := strings.Fields(dsn)
		for i, f := range fields {
			if strings.HasPrefix(f, "password=") {
				fields[i] = "password=xxxxx"
			}
		}
		return strings.Join(fields, " ")
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return "(unparsable DSN)"
	}
	if u.User == nil {
		return dsn
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// Migrations returns the schema migrations, numbered NNNN_name.sql like
// SQLite's, with the same meaning per number.
func Migrations() fs.FS {
	sub, err := fs.Sub(migrationFS, "migration")
	if err != nil {
		panic(err) // the embedded directory exists
	}
	return sub
}

// migrationLockKey is the key of the transaction-level advisory lock that
// serialises concurrent migrators ("innobrdg" in ASCII).
const migrationLockKey = 0x696e6e6f62726467

// Dialect is PostgreSQL's side of the shared SQL.
var Dialect = sqldb.Dialect{
	Name:     "postgres",
	Numbered: true,
	Search:   search,
	JSONContains: func(col string) string {
		return col + " @> jsonb_build_array(CAST(? AS text))"
	},
	ILike:         "ILIKE",
	CodePoint:     ` COLLATE "C"`,
	Constraint:    constraint,
	TableExists:   "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?",
	CountTables:   "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema()",
	MigrationLock: fmt.Sprintf("SELECT pg_advisory_xact_lock(%d)", int64(migrationLockKey)),
}

// search restricts the listing aliased "t" to rows whose search terms hold
// every query term, shortest text first. The terms compare by code point,
// as the GIN index does (migration 0007); without COLLATE "C" the planner
// would not use it.
func search(table string, terms []string) sqldb.Search {
	return sqldb.Search{
		Where:     `t.search_terms @> CAST(? AS text[]) COLLATE "C"`,
		WhereArgs: []any{terms},
		Rank:      "cardinality(t.search_terms)",
	}
}

// constraint reads a constraint violation out of a *pgconn.PgError by its
// SQLSTATE; the column comes from the constraint's name, which the schema
// keeps as TABLE_COLUMN_key/_fkey/_check, or from the error for NOT NULL.
func constraint(err error) (sqldb.Violation, bool) {
	var e *pgconn.PgError
	if !errors.As(err, &e) {
		return sqldb.Violation{}, false
	}
	var kind string
	switch e.Code {
	case "23505": // unique_violation
		kind = "unique"
	case "23503": // foreign_key_violation
		kind = "foreign_key"
	case "23514": // check_violation
		kind = "check"
	case "23502": // not_null_violation
		return sqldb.Violation{Kind: "not_null", Table: e.TableName, Column: e.ColumnName}, true
	default:
		return sqldb.Violation{}, false
	}
	if e.ConstraintName == "" || !strings.HasPrefix(e.ConstraintName, e.TableName+"_") {
		return sqldb.Violation{Kind: kind, Table: e.TableName}, true
	}
	return sqldb.ViolationFromName(kind, e.TableName, e.ConstraintName), true
}
