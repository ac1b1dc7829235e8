package sqlite_test

import (
	"context"
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
}

func TestStore(t *testing.T) { storetest.Run(t, backend) }

// BenchmarkImport100k imports 100,000 achievements in one batch.
func BenchmarkImport100k(b *testing.B) { storetest.BenchmarkImport(b, backend, 100_000) }
