package main

import (
	"context"

	"github.com/innobridge/innobridge/postgres"
)

// openPostgres opens the PostgreSQL store.
func openPostgres(ctx context.Context, dsn string, mode storeMode) (store, error) {
	db, err := postgres.Open(ctx, dsn, postgres.Options{NoSchemaCheck: mode == schemaAny})
	if err != nil {
		return nil, err
	}
	return db, nil
}
