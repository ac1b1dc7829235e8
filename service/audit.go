package service

import (
	"context"
	"reflect"

	"github.com/innobridge/innobridge"
)

// FindAudit reads the audit log (staff only).
func (s *Service) FindAudit(ctx context.Context, f innobridge.AuditFilter) ([]*innobridge.AuditEntry, int, error) {
	if _, err := requireStaff(ctx); err != nil {
		return nil, 0, err
	}
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 1000
	}
	return s.Store.FindAudit(ctx, f)
}

// changedFields names the non-nil pointer fields of an update struct, for
// the audit detail; the search text is left out.
func changedFields(upd any) []string {
	v := reflect.ValueOf(upd)
	t := v.Type()
	var out []string
	for i := 0; i < t.NumField(); i++ {
		f := v.Field(i)
		if f.Kind() == reflect.Pointer && !f.IsNil() && t.Field(i).Name != "SearchText" {
			out = append(out, t.Field(i).Name)
		}
	}
	return out
}
