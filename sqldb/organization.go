package sqldb

import (
	"context"
	"fmt"

	"github.com/innobridge/innobridge"
)

var organizations = table{
	name: "organizations",
	cols: []string{"external_id", "name", "kind", "uscc", "region", "industry", "address", "contact",
		"phone", "email", "website", "intro", "founded", "created_at", "updated_at"},
	keep: []string{"external_id", "created_at"},
}

func organizationValues(o *innobridge.Organization) []any {
	return []any{nullString(o.ExternalID), o.Name, string(o.Kind), o.USCC, o.Region, o.Industry, o.Address, o.Contact,
		o.Phone, o.Email, o.Website, o.Intro, dateValue(o.Founded), timeValue(o.CreatedAt), timeValue(o.UpdatedAt)}
}

// organizationFacts are the values named in constraint errors.
func organizationFacts(o *innobridge.Organization) map[string]any {
	return map[string]any{"external_id": o.ExternalID, "uscc": o.USCC, "kind": o.Kind, "name": o.Name}
}

const organizationCols = `o.id, o.external_id, o.name, o.kind, o.uscc, o.region, o.industry, o.address, o.contact,
	o.phone, o.email, o.website, o.intro, o.founded, o.created_at, o.updated_at`

func organizationDest() (*innobridge.Organization, []any) {
	o := &innobridge.Organization{}
	return o, []any{&o.ID, &o.ExternalID, &o.Name, &o.Kind, &o.USCC, &o.Region, &o.Industry, &o.Address, &o.Contact,
		&o.Phone, &o.Email, &o.Website, &o.Intro, dateScan{&o.Founded}, timeScan{&o.CreatedAt}, timeScan{&o.UpdatedAt}}
}

// nullString stores "" as NULL, for external ids assigned after insert.
func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// FindOrganizationByID returns ENOTFOUND if there is none.
func (s *Store) FindOrganizationByID(ctx context.Context, id int64) (_ *innobridge.Organization, err error) {
	defer wrap(&err, "FindOrganizationByID(%d)", id)
	return findOrganizationByID(ctx, s.reader(), id)
}

func findOrganizationByID(ctx context.Context, db dbq, id int64) (*innobridge.Organization, error) {
	list, _, err := findOrganizations(ctx, db, innobridge.OrganizationFilter{ID: &id})
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, notFound("organization %d", id)
	}
	return list[0], nil
}

// FindOrganizations returns a page of matches in id order and the total
// count.
func (s *Store) FindOrganizations(ctx context.Context, f innobridge.OrganizationFilter) (_ []*innobridge.Organization, _ int, err error) {
	defer wrap(&err, "FindOrganizations(%+v)", f)
	return findOrganizations(ctx, s.reader(), f)
}

func findOrganizations(ctx context.Context, db dbq, f innobridge.OrganizationFilter) ([]*innobridge.Organization, int, error) {
	q := &selectQuery{cols: organizationCols, from: "organizations o", order: "o.id", offset: f.Offset, limit: f.Limit}
	if f.ID != nil {
		q.and("o.id = ?", *f.ID)
	}
	if f.ExternalID != nil {
		q.and("o.external_id = ?", *f.ExternalID)
	}
	if f.USCC != nil {
		q.and("o.uscc = ?", *f.USCC)
	}
	if f.Kind != nil {
		q.and("o.kind = ?", string(*f.Kind))
	}
	if f.Region != nil {
		q.and(`o.region LIKE ? ESCAPE '\'`, likeEscape(*f.Region)+"%")
	}
	if f.Query != nil && *f.Query != "" {
		q.and("o.name "+db.d.ILike+` ? ESCAPE '\'`, "%"+likeEscape(*f.Query)+"%")
	}
	return findPage(ctx, db, q, organizationDest)
}

// CreateOrganization stores o and sets its ID and times; ECONFLICT on a
// duplicate external id or USCC. An empty ExternalID is set to "org-<ID>".
func (s *Store) CreateOrganization(ctx context.Context, o *innobridge.Organization) (err error) {
	defer wrap(&err, "CreateOrganization(%q)", o.ExternalID)
	now := s.Now()
	o.CreatedAt, o.UpdatedAt = now, now
	return s.transact(ctx, func(tx dbq) error {
		id, ext, err := insertReturningID(ctx, tx, organizations, organizationValues(o), "org", o.ExternalID)
		if err != nil {
			return s.conflict(err, o.ExternalID, organizationFacts(o))
		}
		o.ID, o.ExternalID = id, ext
		return nil
	})
}

// insertReturningID inserts one row of t and returns its id. An empty
// external id becomes prefix-<ID>.
func insertReturningID(ctx context.Context, tx dbq, t table, vals []any, prefix, ext string) (int64, string, error) {
	var id int64
	if err := tx.queryRow(ctx, t.insertSQL(1)+" RETURNING id", vals...).Scan(&id); err != nil {
		return 0, "", err
	}
	if ext == "" {
		ext = fmt.Sprintf("%s-%d", prefix, id)
		if _, err := tx.exec(ctx, "UPDATE "+t.name+" SET external_id = ? WHERE id = ?", ext, id); err != nil {
			return 0, "", err
		}
	}
	return id, ext, nil
}

// UpdateOrganization applies upd; ENOTFOUND if missing.
func (s *Store) UpdateOrganization(ctx context.Context, id int64, upd innobridge.OrganizationUpdate) (_ *innobridge.Organization, err error) {
	defer wrap(&err, "UpdateOrganization(%d)", id)
	var o *innobridge.Organization
	err = s.transact(ctx, func(tx dbq) error {
		var err error
		if o, err = findOrganizationByID(ctx, tx, id); err != nil {
			return err
		}
		o.Apply(upd)
		o.UpdatedAt = s.Now()
		if _, err := tx.exec(ctx, organizations.updateSQL(), organizations.updateArgs(organizationValues(o), id)...); err != nil {
			return s.conflict(err, o.ExternalID, organizationFacts(o))
		}
		return nil
	})
	return o, err
}
