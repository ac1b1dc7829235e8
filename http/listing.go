package http

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/innobridge/innobridge"
)

// listPage is /achievements, /demands or /organizations: a page of Items.
type listPage[T any] struct {
	Base
	Items      []T
	Total      int
	F          listParams
	Errs       map[string]innobridge.FieldError
	Pager      pager
	Regions    []innobridge.RegionOption
	ExportCSV  string
	ExportXLSX string
}

// serveList answers a list request in the format it asks for (HTML, CSV,
// XLSX or JSON) from one finder. name is the page's template and
// navigation item; filterErr is what turning p into a filter failed with,
// shown on the form when it is EINVALID and the page is HTML. find
// returns the rows at offset and the total: it is asked for p's page, or
// page after page for an export. table turns rows into an export.
func serveList[T any](s *Server, w http.ResponseWriter, r *http.Request, name string, p listParams, filterErr error,
	find func(offset, limit int) ([]T, int, error), table func(lang string, list []T) table) error {
	format := formatOf(r)
	if filterErr != nil {
		if format == "html" && innobridge.ErrorCode(filterErr) == innobridge.EINVALID {
			page := &listPage[T]{F: p, Errs: fieldsOf(filterErr), Regions: s.regions()}
			page.Nav = name
			s.render(w, r, http.StatusUnprocessableEntity, name, page)
			return nil
		}
		return filterErr
	}
	switch format {
	case "csv", "xlsx":
		list, err := collect(find)
		if err != nil {
			return err
		}
		return s.writeTable(w, format, table(state(r).lang, list))
	}
	list, total, err := find((p.Page-1)*p.PerPage, p.PerPage)
	if err != nil {
		return err
	}
	if format == "json" {
		writeJSON(w, http.StatusOK, newListResponse(list, total, p))
		return nil
	}
	page := &listPage[T]{Items: list, Total: total, F: p, Pager: newPager(r, p, total), Regions: s.regions(),
		ExportCSV: exportURL(r, "csv"), ExportXLSX: exportURL(r, "xlsx")}
	page.Nav = name
	s.render(w, r, http.StatusOK, name, page)
	return nil
}

// canEdit mirrors the service's rule so that pages show edit buttons only
// to those who may use them; the service still decides.
func canEdit(u *innobridge.User, l *innobridge.Listing) bool {
	return u.IsStaff() || (u != nil && u.Role == innobridge.RoleMember && u.OrgID != 0 && u.OrgID == l.OwnerOrgID)
}

// listingForm is what the achievement and demand forms share, as typed.
type listingForm struct {
	Title, Description, Keywords, Field, Region, ExpiresAt, Status, OwnerOrg string
}

// listingFormFrom is the form of an existing listing.
func listingFormFrom(l *innobridge.Listing) listingForm {
	return listingForm{Title: l.Title, Description: l.Description, Keywords: joinList(l.Keywords), Field: l.Field,
		Region: l.Region, ExpiresAt: dateCell(l.ExpiresAt), Status: string(l.Status), OwnerOrg: l.OwnerOrg}
}

// readListingForm reads the posted form.
func readListingForm(r *http.Request) listingForm {
	return listingForm{Title: r.PostFormValue("title"), Description: r.PostFormValue("description"),
		Keywords: r.PostFormValue("keywords"), Field: r.PostFormValue("field"), Region: r.PostFormValue("region"),
		ExpiresAt: r.PostFormValue("expires_at"), Status: r.PostFormValue("status"), OwnerOrg: r.PostFormValue("owner_org")}
}

// listing converts the shared fields; v collects what cannot be parsed.
func (f listingForm) listing(v *innobridge.Validation) innobridge.Listing {
	return innobridge.Listing{Title: f.Title, Description: f.Description, Keywords: splitList(f.Keywords), Field: f.Field,
		Region: f.Region, Status: innobridge.Status(f.Status), ExpiresAt: parseDateField(v, "expires_at", f.ExpiresAt)}
}

// formPage is the create/edit page of an achievement or a demand (T), with
// its form (F) as typed.
type formPage[T, F any] struct {
	Base
	Edit    *T // nil when creating
	F       F
	Errs    map[string]innobridge.FieldError
	Err     string
	Orgs    []*innobridge.Organization // owner choices, for staff
	Regions []innobridge.RegionOption
}

// listingKind is what the create, edit, update and status flows below need
// to know of achievements or demands: T is the domain type, F its form as
// typed and U its service update. Each field is one of the kind's own
// functions; the flows are written once.
type listingKind[T, F, U any] struct {
	s        *Server
	name     string // "achievements" or "demands": the URL segment and navigation item
	template string // the create/edit form
	listing  func(*T) *innobridge.Listing

	findByExternalID func(context.Context, string) (*T, error)
	findByID         func(context.Context, int64) (*T, error)
	create           func(context.Context, *T) error
	update           func(context.Context, int64, U) (*T, error)
	validate         func(*T) error

	blank        F                                          // the form of a new listing
	formFrom     func(*T) F                                 // the form of an existing one
	readForm     func(*http.Request) F                      // the form as posted
	fromForm     func(F, *innobridge.Validation) *T         // the listing a form describes; v collects what cannot be parsed
	formUpdate   func(next *T, status *innobridge.Status) U // saves every field of the form, and status unless nil
	statusUpdate func(*innobridge.Status) U                 // changes the status only
	decodeNew    func(*http.Request) (*T, string, error)    // reads the body of POST /api/v1/{name}: the listing and its owner_org
	decodePatch  func(*http.Request) (U, error)             // reads the body of PATCH /api/v1/{name}/{id}
}

// formPage is the create/edit page around f; staff creating a listing also
// choose its owner.
func (k listingKind[T, F, U]) formPage(r *http.Request, edit *T, f F) (*formPage[T, F], error) {
	p := &formPage[T, F]{Edit: edit, F: f, Regions: k.s.regions()}
	p.Nav = k.name
	if state(r).user.IsStaff() && edit == nil {
		orgs, _, err := k.s.svc.FindOrganizations(r.Context(), innobridge.OrganizationFilter{Limit: 1000})
		if err != nil {
			return nil, err
		}
		p.Orgs = orgs
	}
	return p, nil
}

// formError shows the form f again with err when err is the user's to
// fix, and hands anything else to the adapter.
func (k listingKind[T, F, U]) formError(w http.ResponseWriter, r *http.Request, edit *T, f F, err error) error {
	return k.s.formError(w, r, err, func() (page, string, error) {
		p, perr := k.formPage(r, edit, f)
		if perr == nil {
			p.Errs, p.Err = fieldsOf(err), formMessage(err)
		}
		return p, k.template, perr
	})
}

// handleNew serves GET /{name}/new.
func (k listingKind[T, F, U]) handleNew(w http.ResponseWriter, r *http.Request) error {
	if err := requireLogin(r); err != nil {
		return err
	}
	p, err := k.formPage(r, nil, k.blank)
	if err != nil {
		return err
	}
	k.s.render(w, r, http.StatusOK, k.template, p)
	return nil
}

// handleCreate serves POST /{name} (form) and POST /api/v1/{name} (JSON).
func (k listingKind[T, F, U]) handleCreate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if isAPI(r) {
		item, ownerOrg, err := k.decodeNew(r)
		if err != nil {
			return err
		}
		l := k.listing(item)
		l.ID, l.CreatedBy, l.Hidden, l.SearchText = 0, 0, false, ""
		if ownerOrg != "" {
			org, err := k.s.orgByExternalID(ctx, ownerOrg)
			if err != nil {
				return fieldError("owner_org", "unknown", "机构不存在 (no such organisation)")
			}
			l.OwnerOrgID = org.ID
		}
		if err := k.create(ctx, item); err != nil {
			return err
		}
		created, err := k.findByID(ctx, l.ID)
		if err != nil {
			return err
		}
		w.Header().Set("Location", "/api/v1/"+k.name+"/"+k.listing(created).ExternalID)
		writeJSON(w, http.StatusCreated, created)
		return nil
	}
	f := k.readForm(r)
	v := innobridge.Validation{}
	item := k.fromForm(f, &v)
	l := k.listing(item)
	if owner := r.PostFormValue("owner_org"); owner != "" {
		if org, err := k.s.orgByExternalID(ctx, owner); err == nil {
			l.OwnerOrgID = org.ID
		} else {
			v.Add("owner_org", "unknown", "机构不存在 (no such organisation)")
		}
	}
	err := v.Err()
	if err == nil {
		err = k.create(ctx, item)
	} else {
		err = mergeValidation(err, k.validate(item))
	}
	if err != nil {
		return k.formError(w, r, nil, f, err)
	}
	http.Redirect(w, r, "/"+k.name+"/"+l.ExternalID+"?done=created", http.StatusSeeOther)
	return nil
}

// handleEdit serves GET /{name}/{id}/edit.
func (k listingKind[T, F, U]) handleEdit(w http.ResponseWriter, r *http.Request) error {
	if err := requireLogin(r); err != nil {
		return err
	}
	item, err := k.findByExternalID(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if !canEdit(state(r).user, k.listing(item)) {
		return innobridge.Errorf(innobridge.EFORBIDDEN, "只有发布机构或工作人员可以修改 (only the owner or staff may change this)")
	}
	p, err := k.formPage(r, item, k.formFrom(item))
	if err != nil {
		return err
	}
	k.s.render(w, r, http.StatusOK, k.template, p)
	return nil
}

// handleUpdate serves POST /{name}/{id} (the full edit form) and PATCH
// /api/v1/{name}/{id} (the fields given).
func (k listingKind[T, F, U]) handleUpdate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	item, err := k.findByExternalID(ctx, r.PathValue("id"))
	if err != nil {
		return err
	}
	l := k.listing(item)
	if isAPI(r) {
		upd, err := k.decodePatch(r)
		if err != nil {
			return err
		}
		out, err := k.update(ctx, l.ID, upd)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, out)
		return nil
	}
	f := k.readForm(r)
	v := innobridge.Validation{}
	next := k.fromForm(f, &v)
	if err := v.Err(); err != nil {
		return k.formError(w, r, item, f, mergeValidation(err, k.validate(next)))
	}
	var status *innobridge.Status
	if st := k.listing(next).Status; st != "" && st != l.Status {
		status = &st
	}
	if _, err := k.update(ctx, l.ID, k.formUpdate(next, status)); err != nil {
		return k.formError(w, r, item, f, err)
	}
	http.Redirect(w, r, "/"+k.name+"/"+l.ExternalID+"?done=saved", http.StatusSeeOther)
	return nil
}

// handleStatus serves POST /{name}/{id}/status: withdraw, republish,
// suspend or reinstate. The service decides who may.
func (k listingKind[T, F, U]) handleStatus(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	item, err := k.findByExternalID(ctx, r.PathValue("id"))
	if err != nil {
		return err
	}
	l := k.listing(item)
	st := innobridge.Status(r.PostFormValue("status"))
	if !st.Valid() {
		return fieldError("status", "unknown", "未知状态 (unknown status)")
	}
	if _, err := k.update(ctx, l.ID, k.statusUpdate(&st)); err != nil {
		return err
	}
	http.Redirect(w, r, "/"+k.name+"/"+l.ExternalID+"?done="+string(st), http.StatusSeeOther)
	return nil
}

// decodePatch reads a PATCH body of type P, whose absent fields are left
// alone, and returns its update.
func decodePatch[P interface{ update() U }, U any](r *http.Request) (U, error) {
	var p P
	if err := decodeJSON(r, &p); err != nil {
		var none U
		return none, err
	}
	return p.update(), nil
}

// optional is a JSON field that distinguishes absent from null.
type optional[T any] struct {
	Set   bool
	Value *T
}

// UnmarshalJSON implements json.Unmarshaler; it is called for null too.
func (o *optional[T]) UnmarshalJSON(b []byte) error {
	o.Set = true
	if string(b) == "null" {
		o.Value = nil
		return nil
	}
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	o.Value = &v
	return nil
}

// ptr returns nil when absent, else a pointer to the (possibly nil) value.
func (o optional[T]) ptr() **T {
	if !o.Set {
		return nil
	}
	v := o.Value
	return &v
}
