package postgres_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"flag"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/innobridge/innobridge/postgres"
	"github.com/innobridge/innobridge/storetest"
)

// The tests run on the PostgreSQL server that INNOBRIDGE_TEST_POSTGRES
// names, e.g. postgres://postgres:pw@127.0.0.1:5432/postgres?sslmode=disable
// (.ci/postgres.sh prints one). Without it they skip, unless
// INNOBRIDGE_REQUIRE_POSTGRES=1, as in CI, makes that a failure.
const (
	dsnEnv     = "INNOBRIDGE_TEST_POSTGRES"
	requireEnv = "INNOBRIDGE_REQUIRE_POSTGRES"
)

// backend runs the store suite on a fresh database per test.
var backend = storetest.Backend{
	NewDB: newDatabase,
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

// serverDSN returns the server's DSN or ends tb.
func serverDSN(tb testing.TB) string {
	tb.Helper()
	dsn := os.Getenv(dsnEnv)
	if dsn != "" {
		return dsn
	}
	if os.Getenv(requireEnv) == "1" {
		tb.Fatalf("%s=1 but %s is not set", requireEnv, dsnEnv)
	}
	tb.Skipf("%s not set; run `eval \"$(bash .ci/postgres.sh)\"` to test on PostgreSQL", dsnEnv)
	return ""
}

// newDatabase creates an empty database innobridge_t_<random> on the
// server, drops it when tb's test ends and returns its DSN.
func newDatabase(tb testing.TB) string {
	tb.Helper()
	server := serverDSN(tb)
	u, err := url.Parse(server)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		tb.Fatalf("%s must be a postgres:// URL, not %q", dsnEnv, postgres.Redact(server))
	}
	var buf [6]byte
	rand.Read(buf[:])
	name := "innobridge_t_" + hex.EncodeToString(buf[:])
	admin, err := sql.Open("pgx", server)
	if err != nil {
		tb.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.ExecContext(context.Background(), "CREATE DATABASE "+name); err != nil {
		tb.Fatalf("CREATE DATABASE %s on %s: %v", name, postgres.Redact(server), err)
	}
	tb.Cleanup(func() {
		admin, err := sql.Open("pgx", server)
		if err != nil {
			tb.Error(err)
			return
		}
		defer admin.Close()
		if _, err := admin.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			tb.Errorf("DROP DATABASE %s: %v", name, err)
		}
	})
	u.Path = "/" + name
	return u.String()
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
	serverDSN(t) // one skip for the suite rather than one per test
	storetest.Run(t, backend)
}

// BenchmarkImport100k imports 100,000 achievements in one batch.
func BenchmarkImport100k(b *testing.B) {
	serverDSN(b)
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
