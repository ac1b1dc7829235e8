package sqldb

import (
	"context"
	"fmt"

	"github.com/innobridge/innobridge"
)

// maxParams bounds the placeholders of one statement, below SQLite's
// 32,766 and PostgreSQL's 65,535.
const maxParams = 30000

// maxBatch bounds the rows of one statement; progress is reported after
// each, so it must not exceed the 1,000 the interface promises.
const maxBatch = 500

// importSpec describes the records of one import to a table.
type importSpec struct {
	t      table
	prefix string // of generated external ids
	n      int
	ext    func(i int) string
	values func(i int) []any
	facts  func(i int) map[string]any
}

// Import upserts every record of b by external id in one transaction:
// either all are stored or none. Records are written in multi-row
// statements; when one fails, its rows are replayed one at a time to name
// the record at fault in the error. An external id repeated within b is
// written in order, so the last record wins. Records get their times set;
// their IDs are not set.
func (s *Store) Import(ctx context.Context, b innobridge.ImportBatch, progress func(done int)) (err error) {
	now := s.Now()
	var spec importSpec
	switch {
	case len(b.Organizations) > 0:
		defer wrap(&err, "Import(%d organizations)", len(b.Organizations))
		recs := b.Organizations
		for _, o := range recs {
			o.CreatedAt, o.UpdatedAt = now, now
		}
		spec = importSpec{t: organizations, prefix: "org", n: len(recs),
			ext:    func(i int) string { return recs[i].ExternalID },
			values: func(i int) []any { return organizationValues(recs[i]) },
			facts:  func(i int) map[string]any { return organizationFacts(recs[i]) }}
	case len(b.Achievements) > 0:
		defer wrap(&err, "Import(%d achievements)", len(b.Achievements))
		recs := b.Achievements
		for _, a := range recs {
			a.CreatedAt, a.UpdatedAt = now, now
		}
		spec = importSpec{t: achievements, prefix: "ach", n: len(recs),
			ext:    func(i int) string { return recs[i].ExternalID },
			values: func(i int) []any { return achievementValues(recs[i]) },
			facts:  func(i int) map[string]any { return achievementFacts(recs[i]) }}
	case len(b.Demands) > 0:
		defer wrap(&err, "Import(%d demands)", len(b.Demands))
		recs := b.Demands
		for _, d := range recs {
			d.CreatedAt, d.UpdatedAt = now, now
		}
		spec = importSpec{t: demands, prefix: "dem", n: len(recs),
			ext:    func(i int) string { return recs[i].ExternalID },
			values: func(i int) []any { return demandValues(recs[i]) },
			facts:  func(i int) map[string]any { return demandFacts(recs[i]) }}
	default:
		return nil
	}
	return s.transact(ctx, func(tx dbq) error {
		return s.importRows(ctx, tx, spec, progress)
	})
}

func (s *Store) importRows(ctx context.Context, tx dbq, spec importSpec, progress func(int)) error {
	size := min(maxBatch, maxParams/len(spec.t.cols))
	stmts := map[int]string{} // upsert SQL by row count
	for start := 0; start < spec.n; {
		// A batch ends early before an external id it already holds: a
		// statement may not upsert one row twice.
		end, seen, generated := start, map[string]bool{}, false
		for end < spec.n && end-start < size {
			ext := spec.ext(end)
			if ext == "" {
				generated = true
			} else if seen[ext] {
				break
			}
			seen[ext] = true
			end++
		}
		rows := end - start
		args := make([]any, 0, rows*len(spec.t.cols))
		for i := start; i < end; i++ {
			args = append(args, spec.values(i)...)
		}
		if stmts[rows] == "" {
			stmts[rows] = spec.t.upsertSQL(rows)
		}
		if _, err := tx.exec(ctx, "SAVEPOINT import_batch"); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, stmts[rows], args...); err != nil {
			return s.importFault(ctx, tx, spec, start, end, err)
		}
		if _, err := tx.exec(ctx, "RELEASE SAVEPOINT import_batch"); err != nil {
			return err
		}
		if generated {
			if _, err := tx.exec(ctx, "UPDATE "+spec.t.name+" SET external_id = ? || CAST(id AS TEXT) WHERE external_id IS NULL",
				spec.prefix+"-"); err != nil {
				return err
			}
		}
		if progress != nil {
			progress(end)
		}
		start = end
	}
	return nil
}

// importFault replays the rows start to end of a failed batch one by one
// and returns the error of the first that fails, naming the record.
func (s *Store) importFault(ctx context.Context, tx dbq, spec importSpec, start, end int, batchErr error) error {
	if _, err := tx.exec(ctx, "ROLLBACK TO SAVEPOINT import_batch"); err != nil {
		return fmt.Errorf("%w (and rolling back the batch: %v)", batchErr, err)
	}
	one := spec.t.upsertSQL(1)
	for i := start; i < end; i++ {
		if _, err := tx.exec(ctx, one, spec.values(i)...); err != nil {
			record := spec.ext(i)
			if record == "" {
				record = fmt.Sprintf("record %d", i+1)
			}
			return fmt.Errorf("record %d (%s): %w", i+1, record, s.conflict(err, record, spec.facts(i)))
		}
	}
	return batchErr
}
