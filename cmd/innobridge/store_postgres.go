package main

import (
	"context"

	"github.com/innobridge/innobridge"
)

// openPostgres is replaced once package postgres lands.
func openPostgres(ctx context.Context, dsn string, mode storeMode) (store, error) {
	return nil, innobridge.Errorf(innobridge.EINVALID, "PostgreSQL store not built in: %s", redactDSN(dsn))
}
