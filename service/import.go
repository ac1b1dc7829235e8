package service

import (
	"context"

	"github.com/innobridge/innobridge"
)

// RecordImport writes the audit entry of a bulk import: who imported which
// file of what kind, and how many records were stored, or why none were.
// The web upload calls it for staff; the import command for the operator
// (no user). Imports write through the importer package, all or nothing,
// not record by record through the service.
func (s *Service) RecordImport(ctx context.Context, kind, file string, records int, importErr error) error {
	detail := map[string]any{"file": file, "records": records}
	action := "import"
	if importErr != nil {
		action = "import_rejected"
		detail["error"] = innobridge.ErrorMessage(importErr)
	}
	return s.audit(ctx, action, kind, file, detail)
}
