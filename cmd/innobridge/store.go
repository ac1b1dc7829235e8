package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/innobridge/innobridge"
	"github.com/innobridge/innobridge/sqlite"
)

// storeMode says how openStore treats the database's schema.
type storeMode int

const (
	// schemaCurrent initialises a brand-new database and refuses a stale
	// one: what serve and import want.
	schemaCurrent storeMode = iota
	// schemaAny opens the database whatever its schema: for migrate.
	schemaAny
)

// store is an innobridge.Store that also reports and moves its schema.
type store interface {
	innobridge.Store
	SchemaVersion(ctx context.Context) (have, want int, err error)
	MigrateTo(ctx context.Context, version int) error
}

// openStore opens the store a DSN names: "sqlite:PATH" (or a bare path)
// for the embedded SQLite file, "postgres://…" or "postgresql://…" for
// PostgreSQL.
func openStore(ctx context.Context, dsn string, mode storeMode) (store, error) {
	switch {
	case dsn == "":
		return nil, innobridge.Errorf(innobridge.EINVALID, "no database given; use --db sqlite:PATH or --db postgres://…")
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		return openPostgres(ctx, dsn, mode)
	case strings.Contains(dsn, "://"):
		scheme, _, _ := strings.Cut(dsn, "://")
		return nil, innobridge.Errorf(innobridge.EINVALID, "unknown database %q in %q; use sqlite:PATH or postgres://…", scheme, redactDSN(dsn))
	}
	db, err := sqlite.Open(ctx, dsn, sqlite.Options{NoSchemaCheck: mode == schemaAny})
	if err != nil {
		return nil, err
	}
	return db, nil
}

// defaultIndexSnapshot is where serve keeps the matching index's
// snapshot for a store: beside a SQLite database file (PATH.matchindex);
// nowhere for PostgreSQL, whose several instances each need their own
// file (--index-snapshot), or for an in-memory database.
func defaultIndexSnapshot(st store) string {
	db, ok := st.(*sqlite.DB)
	if !ok {
		return ""
	}
	file, query, _ := strings.Cut(db.Path, "?")
	file = strings.TrimPrefix(file, "file:")
	if file == "" || file == ":memory:" || strings.Contains(query, "mode=memory") {
		return ""
	}
	return file + ".matchindex"
}

// redactDSN hides the password of a URL-style DSN for messages.
func redactDSN(dsn string) string {
	scheme, rest, ok := strings.Cut(dsn, "://")
	if !ok {
		return dsn
	}
	userinfo, host, ok := strings.Cut(rest, "@")
	if !ok {
		return dsn
	}
	if user, _, ok := strings.Cut(userinfo, ":"); ok {
		return fmt.Sprintf("%s://%s:***@%s", scheme, user, host)
	}
	return dsn
}
