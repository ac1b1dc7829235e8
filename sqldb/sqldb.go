// Package sqldb is the SQL shared by the sqlite and postgres stores: every
// innobridge.Store method, written once by hand against database/sql with
// "?" placeholders, plus the migration runner. The few places where the two
// databases differ (full-text search, JSON lists, case-insensitive LIKE,
// error codes, catalog queries) are the fields of a Dialect.
//
// Nothing here imports a driver. The sqlite and postgres packages open the
// pools, embed their migrations and fill in the Dialect; their DB types
// embed *Store.
package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"time"

	"github.com/innobridge/innobridge"
)

// Dialect describes what differs between the SQL databases.
type Dialect struct {
	// Name names the database in errors: "sqlite" or "postgres".
	Name string
	// Numbered placeholders: rebind "?" to "$1", "$2", … (PostgreSQL).
	Numbered bool
	// Search returns the SQL that restricts the listing table aliased "t"
	// (achievements or demands) to rows matching every term, and the
	// expression that orders them best first.
	Search func(table string, terms []string) Search
	// JSONContains returns a condition that is true when the JSON array of
	// strings in column holds the value bound to its single "?".
	JSONContains func(column string) string
	// ILike is the case-insensitive LIKE operator.
	ILike string
	// CodePoint follows a text column in ORDER BY to order it by code
	// point whatever the database's collation, so that every store sorts
	// alike ("" where that is the default, as in SQLite).
	CodePoint string
	// Constraint classifies a driver error: the violated constraint's kind
	// and the table and column it is on, as far as the driver tells.
	Constraint func(err error) (c Violation, ok bool)
	// TableExists is a query with one "?", the table name, that returns
	// the number of tables with that name in the current schema.
	TableExists string
	// CountTables is a query that returns the number of tables in the
	// current schema, to tell a brand-new database from a stale one.
	CountTables string
	// MigrationLock, if set, runs first in each migration transaction to
	// serialise concurrent migrators.
	MigrationLock string
}

// Search is a dialect's full-text restriction of one query.
type Search struct {
	Join string // joined after the listing table, may be ""
	// From, if set, replaces the FROM clause; it must name the listing
	// table "t". SQLite puts its full-text table first with CROSS JOIN,
	// so the matches drive the query and the count.
	From      string
	Where     string // a condition on the joined tables
	WhereArgs []any
	Rank      string // ORDER BY expression, best first
	RankArgs  []any
}

// Violation is a constraint violation reported by a driver.
type Violation struct {
	Kind   string // "unique", "foreign_key", "check", "not_null"
	Table  string // may be ""
	Column string // may be ""
}

// Config is what New needs.
type Config struct {
	Read    *sql.DB // queries; may be the same pool as Write
	Write   *sql.DB // writes, migrations; SQLite wants one connection
	Dialect Dialect
	// Migrations holds the numbered migration files, NNNN_name.sql, at
	// its root.
	Migrations fs.FS
	// Now returns the current time; nil means time.Now. Tests fix it.
	Now func() time.Time
}

// Store implements innobridge.Store over database/sql.
type Store struct {
	read, write *sql.DB
	d           Dialect
	migrations  fs.FS
	now         func() time.Time
}

var _ innobridge.Store = (*Store)(nil)

// New returns a Store over c's pools. It does not touch the database.
func New(c Config) *Store {
	now := c.Now
	if now == nil {
		now = time.Now
	}
	return &Store{read: c.Read, write: c.Write, d: c.Dialect, migrations: c.Migrations, now: now}
}

// Now returns the store's clock reading, in UTC and truncated to the
// microsecond that both databases keep.
func (s *Store) Now() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.write.PingContext(ctx); err != nil {
		return fmt.Errorf("%s: ping: %w", s.d.Name, err)
	}
	if s.read != s.write {
		if err := s.read.PingContext(ctx); err != nil {
			return fmt.Errorf("%s: ping read pool: %w", s.d.Name, err)
		}
	}
	return nil
}

// Close closes both pools.
func (s *Store) Close() error {
	var errs []error
	if s.read != s.write {
		errs = append(errs, s.read.Close())
	}
	errs = append(errs, s.write.Close())
	return errors.Join(errs...)
}

// querier is what *sql.DB and *sql.Tx have in common.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// dbq runs queries written with "?" in the store's dialect.
type dbq struct {
	q querier
	d *Dialect
}

func (x dbq) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return x.q.ExecContext(ctx, x.d.rebind(query), args...)
}

func (x dbq) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return x.q.QueryContext(ctx, x.d.rebind(query), args...)
}

func (x dbq) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return x.q.QueryRowContext(ctx, x.d.rebind(query), args...)
}

func (s *Store) reader() dbq { return dbq{s.read, &s.d} }

// transact runs fn in a transaction on the write pool: committed if fn
// returns nil, rolled back if it fails or panics.
func (s *Store) transact(ctx context.Context, fn func(tx dbq) error) error {
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("%s: begin: %w", s.d.Name, err)
	}
	defer tx.Rollback()
	if err := fn(dbq{tx, &s.d}); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("%s: commit: %w", s.d.Name, err)
	}
	return nil
}

func (d *Dialect) rebind(q string) string {
	if !d.Numbered {
		return q
	}
	return Rebind(q)
}

// Rebind replaces each "?" outside quotes in q by "$1", "$2", ….
func Rebind(q string) string {
	if !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	var quote byte
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '?':
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// wrap prefixes a non-nil *errp with the call that failed and its input.
func wrap(errp *error, format string, args ...any) {
	if *errp != nil {
		*errp = fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), *errp)
	}
}

// placeholders returns "?, ?, …" for n values.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// conflict turns a constraint violation into an *innobridge.Error naming
// record and the field; other errors are returned as they are. values
// gives, per column, the value to quote in the message.
func (s *Store) conflict(err error, record string, values map[string]any) error {
	if err == nil {
		return nil
	}
	v, ok := s.d.Constraint(err)
	if !ok {
		return err
	}
	e := &innobridge.Error{Record: record}
	field := v.Column
	val, hasVal := values[field]
	switch v.Kind {
	case "unique":
		e.Code = innobridge.ECONFLICT
		if hasVal {
			e.Message = fmt.Sprintf("%s %q is already taken", field, fmt.Sprint(val))
		} else {
			e.Message = fmt.Sprintf("%s is already taken", orWord(field, "a unique value"))
		}
	case "foreign_key":
		e.Code = innobridge.EINVALID
		if hasVal {
			e.Message = fmt.Sprintf("%s %v refers to a record that does not exist", field, val)
		} else {
			e.Message = fmt.Sprintf("%s refers to a record that does not exist", orWord(field, "a reference"))
		}
	default:
		e.Code = innobridge.EINVALID
		if hasVal {
			e.Message = fmt.Sprintf("%s %q is not allowed (%s constraint)", field, fmt.Sprint(val), v.Kind)
		} else {
			e.Message = fmt.Sprintf("%s is not allowed (%s constraint)", orWord(field, "a value"), v.Kind)
		}
	}
	if field != "" {
		e.Fields = map[string]innobridge.FieldError{field: {Code: v.Kind, Message: e.Message}}
	}
	return fmt.Errorf("%w (%v)", e, err)
}

func orWord(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// notFound returns an ENOTFOUND error about what.
func notFound(format string, args ...any) error {
	return &innobridge.Error{Code: innobridge.ENOTFOUND, Message: fmt.Sprintf(format, args...) + " not found"}
}

// ViolationFromName splits a constraint name that follows this schema's
// naming, TABLE_COLUMN_key/_fkey/_check, into its column. It serves
// drivers that report only the name.
func ViolationFromName(kind, table, name string) Violation {
	col := strings.TrimPrefix(name, table+"_")
	for _, suf := range []string{"_fkey", "_key", "_check"} {
		col = strings.TrimSuffix(col, suf)
	}
	return Violation{Kind: kind, Table: table, Column: col}
}
