package sqldb

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/innobridge/innobridge"
)

// A migration is one numbered file, NNNN_name.sql.
type migration struct {
	version int
	name    string
	sql     string
}

// loadMigrations reads the numbered .sql files at the root of fsys in
// version order. Versions must be 1, 2, 3, … without gaps.
func loadMigrations(fsys fs.FS) ([]migration, error) {
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		return nil, err
	}
	var list []migration
	for _, name := range names {
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %q is not named NNNN_name.sql", name)
		}
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		list = append(list, migration{version: v, name: path.Base(name), sql: string(b)})
	}
	sort.Slice(list, func(i, j int) bool { return list[i].version < list[j].version })
	for i, m := range list {
		if m.version != i+1 {
			return nil, fmt.Errorf("migration %q: want version %d", m.name, i+1)
		}
	}
	return list, nil
}

const createSchemaMigrations = `CREATE TABLE IF NOT EXISTS schema_migrations (
	version INTEGER PRIMARY KEY,
	name TEXT NOT NULL,
	applied_at TEXT NOT NULL
)`

// SchemaVersion returns the version of the database's schema (0 for a
// database innobridge never migrated) and the version this program needs.
func (s *Store) SchemaVersion(ctx context.Context) (have, want int, err error) {
	defer wrap(&err, "SchemaVersion")
	list, err := loadMigrations(s.migrations)
	if err != nil {
		return 0, 0, err
	}
	have, err = schemaVersion(ctx, dbq{s.write, &s.d})
	return have, len(list), err
}

func schemaVersion(ctx context.Context, db dbq) (int, error) {
	var n int
	if err := db.queryRow(ctx, db.d.TableExists, "schema_migrations").Scan(&n); err != nil {
		return 0, err
	}
	if n == 0 {
		return 0, nil
	}
	var v int
	err := db.queryRow(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&v)
	return v, err
}

// Migrate applies the migrations the database lacks, each file in its
// own transaction, recording each in schema_migrations.
func (s *Store) Migrate(ctx context.Context) error {
	return s.MigrateTo(ctx, -1)
}

// MigrateTo applies the missing migrations up to version, or all of them
// if version is negative. It serves tests that need an older schema and
// staged upgrades.
func (s *Store) MigrateTo(ctx context.Context, version int) (err error) {
	defer wrap(&err, "Migrate(%s)", s.d.Name)
	list, err := loadMigrations(s.migrations)
	if err != nil {
		return err
	}
	// Never install the schema beside someone else's tables.
	have, err := schemaVersion(ctx, dbq{s.write, &s.d})
	if err != nil {
		return err
	}
	if have == 0 {
		var tables int
		if err := s.reader().queryRow(ctx, s.d.CountTables).Scan(&tables); err != nil {
			return fmt.Errorf("counting tables: %w", err)
		}
		if tables > 0 {
			return innobridge.Errorf(innobridge.ESTALE,
				"the database has %d tables but no innobridge schema version: it is not an innobridge database; give innobridge an empty database", tables)
		}
	}
	for _, m := range list {
		if version >= 0 && m.version > version {
			break
		}
		if err := s.transact(ctx, func(tx dbq) error {
			if s.d.MigrationLock != "" {
				if _, err := tx.exec(ctx, s.d.MigrationLock); err != nil {
					return err
				}
			}
			if _, err := tx.exec(ctx, createSchemaMigrations); err != nil {
				return err
			}
			var done int
			if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM schema_migrations WHERE version = ?", m.version).Scan(&done); err != nil {
				return err
			}
			if done > 0 {
				return nil
			}
			if _, err := tx.q.ExecContext(ctx, m.sql); err != nil {
				return err
			}
			_, err := tx.exec(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
				m.version, m.name, timeValue(s.Now()))
			return err
		}); err != nil {
			return fmt.Errorf("%s: %w", m.name, err)
		}
	}
	return nil
}

// CheckSchema makes sure the schema is the one this program needs. A
// brand-new database, one without any table, is initialised. A database
// with an older schema is migrated if migrate is set, and refused with
// ESTALE otherwise, so that an upgrade happens only when asked for. A
// newer schema is refused with ECONFLICT.
func (s *Store) CheckSchema(ctx context.Context, migrate bool) (err error) {
	have, want, err := s.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	switch {
	case have == want:
		return nil
	case have > want:
		return innobridge.Errorf(innobridge.ECONFLICT,
			"the database schema is version %d, newer than the %d this innobridge knows: upgrade innobridge", have, want)
	case migrate:
		return s.Migrate(ctx)
	}
	if have == 0 {
		var tables int
		if err := s.reader().queryRow(ctx, s.d.CountTables).Scan(&tables); err != nil {
			return fmt.Errorf("CheckSchema: counting tables: %w", err)
		}
		if tables == 0 {
			return s.Migrate(ctx)
		}
		return innobridge.Errorf(innobridge.ESTALE,
			"the database has %d tables but no innobridge schema version: it is not an innobridge database, or predates migrations; give innobridge an empty database", tables)
	}
	return innobridge.Errorf(innobridge.ESTALE,
		"the database schema is version %d, this innobridge needs %d: back up the database, then run `innobridge migrate`", have, want)
}
