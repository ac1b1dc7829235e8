package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/innobridge/innobridge/sqlite"
	"github.com/innobridge/innobridge/storetest"
)

// backend runs the store suite on SQLite files in the test's temporary
// directory.
var backend = storetest.Backend{
	NewDB: func(tb testing.TB) string { return filepath.Join(tb.TempDir(), "innobridge.db") },
	Open: func(ctx context.Context, path string, o storetest.Options) (storetest.Store, error) {
		return sqlite.Open(ctx, path, sqlite.Options{Migrate: o.Migrate, NoSchemaCheck: o.NoSchemaCheck, Now: o.Now})
	},
	Exec: func(ctx context.Context, path, query string) error {
		db, err := sql.Open("sqlite", path)
		if err != nil {
			return err
		}
		defer db.Close()
		_, err = db.ExecContext(ctx, query)
		return err
	},
}

func TestStore(t *testing.T) { storetest.Run(t, backend) }

// BenchmarkImport100k imports 100,000 achievements in one batch.
func BenchmarkImport100k(b *testing.B) { storetest.BenchmarkImport(b, backend, 100_000) }
