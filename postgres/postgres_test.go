package postgres_test

import (
	"context"
	"database/sql"
	"flag"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/innobridge/innobridge/postgres"
	"github.com/innobridge/innobridge/postgres/pgtest"
	"github.com/innobridge/innobridge/sqldb"
	"github.com/innobridge/innobridge/storetest"
)

// The tests run on the PostgreSQL server that INNOBRIDGE_TEST_POSTGRES
// names (see package pgtest; .ci/postgres.sh prints one).

// backend runs the store suite on a fresh database per test.
var backend = storetest.Backend{
	NewDB: pgtest.NewDatabase,
	Open: func(ctx context.Context, dsn string, o storetest.Options) (storetest.Store, error) {
		return postgres.Open(ctx, dsn, postgres.Options{Migrate: o.Migrate, NoSchemaCheck: o.NoSchemaCheck, Now: o.Now})
	},
	Exec: func(ctx context.Context, dsn, query string) error {
		db, err := sql.Open("pgx", dsn)
		if err != nil {
			return err
		}
		defer db.Close()
		_, err = db.ExecContext(ctx, query)
		return err
	},
}

// TestMain raises the default of -parallel: each test waits mostly on
// the server creating and dropping its database, not on the CPU.
func TestMain(m *testing.M) {
	flag.Parse()
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.parallel" })
	if !set {
		flag.Set("test.parallel", "8")
	}
	os.Exit(m.Run())
}

func TestStore(t *testing.T) {
	pgtest.ServerDSN(t) // one skip for the suite rather than one per test
	storetest.Run(t, backend)
}

// BenchmarkImport100k imports 100,000 achievements in one batch.
func BenchmarkImport100k(b *testing.B) {
	pgtest.ServerDSN(b)
	storetest.BenchmarkImport(b, backend, 100_000)
}

func TestRedact(t *testing.T) {
	tests := []struct{ dsn, want string }{
		{"postgres://app:s3cret@db:5432/innobridge?sslmode=disable", "postgres://app:xxxxx@db:5432/innobridge?sslmode=disable"},
		{"postgres://app@db/innobridge", "postgres://app@db/innobridge"},
		{"host=db user=app password=s3cret dbname=innobridge", "host=db user=app password=xxxxx dbname=innobridge"},
		{"postgres://app:s3cret@db:bad port/x", "(unparsable DSN)"},
	}
	for _, tc := range tests {
		if got := postgres.Redact(tc.dsn); got != tc.want {
			t.Errorf("Redact(%q) = %q, want %q", tc.dsn, got, tc.want)
		}
	}
}

func TestOpenErrors(t *testing.T) {
	_, err := postgres.Open(t.Context(), "", postgres.Options{})
	if err == nil {
		t.Fatal("Open(\"\") succeeded")
	}
	// A server that is not there: the error names the DSN without its
	// password.
	_, err = postgres.Open(t.Context(), "postgres://app:s3cret@127.0.0.1:1/x?sslmode=disable&connect_timeout=2", postgres.Options{})
	if err == nil {
		t.Fatal("Open of a closed port succeeded")
	}
	if strings.Contains(err.Error(), "s3cret") || !strings.Contains(err.Error(), "127.0.0.1:1") {
		t.Errorf("error %q: want the address and no password", err)
	}
}

// TestSearchUsesIndex checks that the search condition can use each
// listing table's GIN index: the index compares terms by code point
// (migration 0007), and a condition in the database's collation would
// fall back to reading every row.
func TestSearchUsesIndex(t *testing.T) {
	conn := migratedDB(t)
	for _, table := range []string{"achievements", "demands"} {
		s := postgres.Dialect.Search(table, []string{"光伏", "伏组"})
		q := sqldb.Rebind("EXPLAIN SELECT t.id FROM " + table + " t WHERE " + s.Where)
		if plan, idx := explain(t, conn, q, s.WhereArgs...), table+"_search_terms_idx"; !strings.Contains(plan, idx) {
			t.Errorf("%s does not use %s:\n%s", q, idx, plan)
		}
	}
}

// TestRegionPrefixUsesIndex: a region filter is a prefix of a GB/T 2260
// code (LIKE '3205%'), which a b-tree can bound only under a code point
// collation: the region column has one whatever the database's (0008).
func TestRegionPrefixUsesIndex(t *testing.T) {
	conn := migratedDB(t)
	for _, table := range []string{"achievements", "demands"} {
		q := "EXPLAIN SELECT t.id FROM " + table + ` t WHERE t.region LIKE '3205%' ESCAPE '\'`
		plan := explain(t, conn, q)
		if !regexp.MustCompile(`Index Cond: .*region >= '3205'`).MatchString(plan) {
			t.Errorf("%s does not bound region by the index:\n%s", q, plan)
		}
	}
}

// migratedDB returns a connection to a new, migrated database.
func migratedDB(t *testing.T) *sql.DB {
	dsn := pgtest.NewDatabase(t)
	db, err := postgres.Open(t.Context(), dsn, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	conn, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// explain returns the plan of the EXPLAIN query q, with sequential scans
// discouraged (the tables are empty).
func explain(t *testing.T, conn *sql.DB, q string, args ...any) string {
	tx, err := conn.BeginTx(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(t.Context(), "SET LOCAL enable_seqscan = off"); err != nil {
		t.Fatal(err)
	}
	rows, err := tx.QueryContext(t.Context(), q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, line)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(plan, "\n")
}
