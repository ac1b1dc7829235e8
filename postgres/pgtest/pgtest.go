// Package pgtest gives tests outside package postgres a fresh database on
// the PostgreSQL server named by $INNOBRIDGE_TEST_POSTGRES. Without it the
// test skips, unless INNOBRIDGE_REQUIRE_POSTGRES=1 (as .ci/run sets), when
// it fails.
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver

	"github.com/innobridge/innobridge/postgres"
)

// The environment variables that point tests at a server.
const (
	DSNEnv     = "INNOBRIDGE_TEST_POSTGRES"
	RequireEnv = "INNOBRIDGE_REQUIRE_POSTGRES"
)

// ServerDSN returns the server's DSN, or skips (or fails) tb.
func ServerDSN(tb testing.TB) string {
	tb.Helper()
	if dsn := os.Getenv(DSNEnv); dsn != "" {
		return dsn
	}
	if os.Getenv(RequireEnv) == "1" {
		tb.Fatalf("%s=1 but %s is not set", RequireEnv, DSNEnv)
	}
	tb.Skipf("%s not set; run `eval \"$(bash .ci/postgres.sh)\"` to test on PostgreSQL", DSNEnv)
	return ""
}

// NewDatabase creates an empty database innobridge_t_<random> on the
// server, drops it when tb's test ends and returns its DSN.
func NewDatabase(tb testing.TB) string {
	tb.Helper()
	server := ServerDSN(tb)
	u, err := url.Parse(server)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		tb.Fatalf("%s must be a postgres:// URL, not %q", DSNEnv, postgres.Redact(server))
	}
	var buf [6]byte
	rand.Read(buf[:])
	name := "innobridge_t_" + hex.EncodeToString(buf[:])
	exec := func(query string) error {
		admin, err := sql.Open("pgx", server)
		if err != nil {
			return err
		}
		defer admin.Close()
		_, err = admin.ExecContext(context.Background(), query)
		return err
	}
	// A Chinese collation where the server has ICU, as a deployment in
	// China would: the store must not depend on the server's ordering of
	// text (the default C.UTF-8 of a fresh cluster would hide that).
	if err := exec("CREATE DATABASE " + name + " TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'zh'"); err != nil {
		if err := exec("CREATE DATABASE " + name); err != nil {
			tb.Fatalf("CREATE DATABASE %s on %s: %v", name, postgres.Redact(server), err)
		}
	}
	tb.Cleanup(func() {
		if err := exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); err != nil {
			tb.Errorf("DROP DATABASE %s: %v", name, err)
		}
	})
	u.Path = "/" + name
	return u.String()
}
