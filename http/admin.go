package http

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/innobridge/innobridge"
	"github.com/innobridge/innobridge/service"
)

// userForm is the create-user form as typed.
type userForm struct {
	Username, Name, Email, Role, Org string
}

// usersPage is /admin/users.
type usersPage struct {
	Base
	Users   []*innobridge.User
	Total   int
	OrgName map[int64]string
	Orgs    []*innobridge.Organization
	F       userForm
	Errs    map[string]innobridge.FieldError
	Err     string
	Pager   pager
}

func (s *Server) usersPage(r *http.Request, f userForm) (*usersPage, error) {
	ctx := r.Context()
	p := s.parseListParams(r)
	users, total, err := s.svc.FindUsers(ctx, innobridge.UserFilter{Offset: (p.Page - 1) * p.PerPage, Limit: p.PerPage})
	if err != nil {
		return nil, err
	}
	orgs, _, err := s.svc.FindOrganizations(ctx, innobridge.OrganizationFilter{Limit: 1000})
	if err != nil {
		return nil, err
	}
	page := &usersPage{Users: users, Total: total, Orgs: orgs, OrgName: map[int64]string{}, F: f, Pager: newPager(r, p, total)}
	for _, o := range orgs {
		page.OrgName[o.ID] = o.Name
	}
	page.Nav = "admin"
	return page, nil
}

func (s *Server) handleUsers(w http.ResponseWriter, r *http.Request) error {
	if err := requireLogin(r); err != nil {
		return err
	}
	p, err := s.usersPage(r, userForm{Role: string(innobridge.RoleMember)})
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "admin_users", p)
	return nil
}

// handleUserCreate serves POST /admin/users.
func (s *Server) handleUserCreate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	f := userForm{Username: r.PostFormValue("username"), Name: r.PostFormValue("name"), Email: r.PostFormValue("email"),
		Role: r.PostFormValue("role"), Org: r.PostFormValue("org")}
	nu := service.NewUser{Username: f.Username, Name: f.Name, Email: f.Email, Role: innobridge.Role(f.Role),
		Password: r.PostFormValue("password")}
	var err error
	if f.Org != "" {
		if org, oerr := s.orgByExternalID(ctx, f.Org); oerr == nil {
			nu.OrgID = org.ID
		} else {
			err = fieldError("org_id", "unknown", "机构不存在 (no such organisation)")
		}
	}
	if err == nil {
		_, err = s.svc.CreateUser(ctx, nu)
	}
	if err != nil {
		return s.formError(w, r, err, func() (page, string, error) {
			p, perr := s.usersPage(r, f)
			if perr == nil {
				p.Errs, p.Err = fieldsOf(err), formMessage(err)
			}
			return p, "admin_users", perr
		})
	}
	http.Redirect(w, r, "/admin/users?done=user_created", http.StatusSeeOther)
	return nil
}

func userID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return 0, innobridge.Errorf(innobridge.ENOTFOUND, "用户不存在 (no such user)")
	}
	return id, nil
}

// handleUserDisable serves POST /admin/users/{id}/disable with
// disabled=true or false.
func (s *Server) handleUserDisable(w http.ResponseWriter, r *http.Request) error {
	id, err := userID(r)
	if err != nil {
		return err
	}
	disabled := r.PostFormValue("disabled") == "true"
	if _, err := s.svc.UpdateUser(r.Context(), id, innobridge.UserUpdate{Disabled: &disabled}); err != nil {
		return err
	}
	done := "user_enabled"
	if disabled {
		done = "user_disabled"
	}
	http.Redirect(w, r, "/admin/users?done="+done, http.StatusSeeOther)
	return nil
}

// handleUserPassword serves POST /admin/users/{id}/password.
func (s *Server) handleUserPassword(w http.ResponseWriter, r *http.Request) error {
	id, err := userID(r)
	if err != nil {
		return err
	}
	if err := s.svc.ResetPassword(r.Context(), id, r.PostFormValue("password")); err != nil {
		if innobridge.ErrorCode(err) == innobridge.EINVALID {
			return s.formError(w, r, err, func() (page, string, error) {
				p, perr := s.usersPage(r, userForm{Role: string(innobridge.RoleMember)})
				if perr == nil {
					p.Err = fieldErr(fieldsOf(err), "password")
				}
				return p, "admin_users", perr
			})
		}
		return err
	}
	http.Redirect(w, r, "/admin/users?done=password_reset", http.StatusSeeOther)
	return nil
}

// orgForm is the create-organisation form as typed.
type orgForm struct {
	ExternalID, Name, Kind, USCC, Region, Industry, Address, Contact, Phone, Email, Website, Intro string
}

// orgsAdminPage is /admin/organizations.
type orgsAdminPage struct {
	Base
	F       orgForm
	Errs    map[string]innobridge.FieldError
	Err     string
	Regions []innobridge.RegionOption
}

func (s *Server) handleOrgsAdmin(w http.ResponseWriter, r *http.Request) error {
	if err := requireLogin(r); err != nil {
		return err
	}
	if !state(r).user.IsStaff() {
		return innobridge.Errorf(innobridge.EFORBIDDEN, "仅限科技局工作人员 (staff only)")
	}
	p := &orgsAdminPage{F: orgForm{Kind: string(innobridge.OrgEnterprise), Region: s.opts.City}, Regions: s.regions()}
	p.Nav = "admin"
	s.render(w, r, http.StatusOK, "admin_orgs", p)
	return nil
}

// handleOrgCreate serves POST /admin/organizations.
func (s *Server) handleOrgCreate(w http.ResponseWriter, r *http.Request) error {
	g := r.PostFormValue
	f := orgForm{ExternalID: g("id"), Name: g("name"), Kind: g("kind"), USCC: g("uscc"), Region: g("region"),
		Industry: g("industry"), Address: g("address"), Contact: g("contact"), Phone: g("phone"), Email: g("email"),
		Website: g("website"), Intro: g("intro")}
	o := &innobridge.Organization{ExternalID: strings.TrimSpace(f.ExternalID), Name: strings.TrimSpace(f.Name),
		Kind: innobridge.OrgKind(f.Kind), USCC: f.USCC, Region: f.Region, Industry: f.Industry, Address: f.Address,
		Contact: f.Contact, Phone: f.Phone, Email: f.Email, Website: f.Website, Intro: f.Intro}
	if err := s.svc.CreateOrganization(r.Context(), o); err != nil {
		return s.formError(w, r, err, func() (page, string, error) {
			p := &orgsAdminPage{F: f, Errs: fieldsOf(err), Err: formMessage(err), Regions: s.regions()}
			p.Nav = "admin"
			return p, "admin_orgs", nil
		})
	}
	http.Redirect(w, r, "/organizations/"+o.ExternalID+"?done=org_created", http.StatusSeeOther)
	return nil
}

// auditParams is the audit page's filter as typed.
type auditParams struct {
	UserID, Action, Entity, EntityID, Since string
}

// auditPage is /staff/audit.
type auditPage struct {
	Base
	Items      []*innobridge.AuditEntry
	Total      int
	F          auditParams
	Errs       map[string]innobridge.FieldError
	Pager      pager
	ExportCSV  string
	ExportXLSX string
}

func auditFilter(r *http.Request, p listParams) (innobridge.AuditFilter, auditParams, error) {
	q := r.URL.Query()
	a := auditParams{UserID: q.Get("user_id"), Action: q.Get("action"), Entity: q.Get("entity"),
		EntityID: q.Get("entity_id"), Since: q.Get("since")}
	f := innobridge.AuditFilter{Offset: (p.Page - 1) * p.PerPage, Limit: p.PerPage}
	v := innobridge.Validation{}
	if a.UserID != "" {
		id, err := strconv.ParseInt(a.UserID, 10, 64)
		if err != nil {
			v.Add("user_id", "format", "用户编号应为数字 (user id is a number)")
		}
		f.UserID = &id
	}
	if a.Action != "" {
		f.Action = &a.Action
	}
	if a.Entity != "" {
		f.Entity = &a.Entity
	}
	if a.EntityID != "" {
		f.EntityID = &a.EntityID
	}
	if a.Since != "" {
		d, err := innobridge.ParseDate(a.Since)
		if err != nil {
			v.Add("since", "format", "日期格式应为 YYYY-MM-DD (date must be YYYY-MM-DD)")
		}
		t := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.Local)
		f.Since = &t
	}
	return f, a, v.Err()
}

// handleAudit serves GET /staff/audit in every format and GET /api/v1/audit.
func (s *Server) handleAudit(w http.ResponseWriter, r *http.Request) error {
	if err := requireLogin(r); err != nil {
		return err
	}
	ctx := r.Context()
	p := s.parseListParams(r)
	format := formatOf(r)
	f, a, err := auditFilter(r, p)
	if err != nil {
		if format == "html" {
			page := &auditPage{F: a, Errs: fieldsOf(err)}
			page.Nav = "staff"
			s.render(w, r, http.StatusUnprocessableEntity, "audit", page)
			return nil
		}
		return err
	}
	if format == "csv" || format == "xlsx" {
		all, err := collect(func(offset, limit int) ([]*innobridge.AuditEntry, int, error) {
			f.Offset, f.Limit = offset, limit
			return s.svc.FindAudit(ctx, f)
		})
		if err != nil {
			return err
		}
		return s.writeTable(w, format, s.auditTable(state(r).lang, all))
	}
	list, total, err := s.svc.FindAudit(ctx, f)
	if err != nil {
		return err
	}
	if format == "json" {
		writeJSON(w, http.StatusOK, newListResponse(list, total, p))
		return nil
	}
	page := &auditPage{Items: list, Total: total, F: a, Pager: newPager(r, p, total),
		ExportCSV: exportURL(r, "csv"), ExportXLSX: exportURL(r, "xlsx")}
	page.Nav = "staff"
	s.render(w, r, http.StatusOK, "audit", page)
	return nil
}

// importPage is /staff/import.
type importPage struct {
	Base
	Kind     string
	Imported int
	Problems []string // one line per problem: record, field, message
	Err      string
}

func (s *Server) handleImportForm(w http.ResponseWriter, r *http.Request) error {
	if err := requireLogin(r); err != nil {
		return err
	}
	if !state(r).user.IsStaff() {
		return innobridge.Errorf(innobridge.EFORBIDDEN, "仅限科技局工作人员 (staff only)")
	}
	p := &importPage{Kind: "demands"}
	p.Nav = "staff"
	s.render(w, r, http.StatusOK, "import", p)
	return nil
}

// handleImport serves POST /staff/import: one file, all or nothing.
func (s *Server) handleImport(w http.ResponseWriter, r *http.Request) error {
	if err := requireLogin(r); err != nil {
		return err
	}
	if !state(r).user.IsStaff() {
		return innobridge.Errorf(innobridge.EFORBIDDEN, "仅限科技局工作人员 (staff only)")
	}
	if s.opts.Import == nil {
		return innobridge.Errorf(innobridge.ENOTFOUND, "导入功能未启用 (import is not enabled)")
	}
	kind := r.FormValue("kind")
	p := &importPage{Kind: kind}
	p.Nav = "staff"
	switch kind {
	case "organizations", "achievements", "demands":
	default:
		p.Err = "请选择导入类型 (choose what the file holds)"
		s.render(w, r, http.StatusUnprocessableEntity, "import", p)
		return nil
	}
	file, hdr, err := r.FormFile("file")
	if err != nil {
		p.Err = "请选择文件 (choose a file)"
		s.render(w, r, http.StatusUnprocessableEntity, "import", p)
		return nil
	}
	defer file.Close()
	data, err := io.ReadAll(file)
	if err != nil {
		return badRequest("读取上传文件失败 (reading the upload failed: %v)", err)
	}
	n, err := s.opts.Import(r.Context(), kind, hdr.Filename, data)
	if aerr := s.svc.RecordImport(r.Context(), kind, hdr.Filename, n, err); aerr != nil {
		return aerr
	}
	if err != nil {
		if innobridge.ErrorCode(err) == innobridge.EINTERNAL {
			return err
		}
		p.Err = "文件未导入，请修正以下问题后重新上传 (nothing was imported; fix these problems and upload again)"
		p.Problems = problemLines(err)
		s.render(w, r, statusOf(err), "import", p)
		return nil
	}
	p.Imported = n
	s.render(w, r, http.StatusOK, "import", p)
	return nil
}

// problemLines lists every problem in an import error: errors joined with
// errors.Join, each an *innobridge.Error naming its record and fields.
func problemLines(err error) []string {
	var out []string
	var walk func(error)
	walk = func(err error) {
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				walk(e)
			}
			return
		}
		var e *innobridge.Error
		if errors.As(err, &e) && len(e.Fields) > 0 {
			for _, name := range sortedKeys(e.Fields) {
				out = append(out, fmt.Sprintf("%s · %s: %s", e.Record, name, e.Fields[name].Message))
			}
			return
		}
		out = append(out, innobridge.ErrorMessage(err))
	}
	walk(err)
	return out
}

func sortedKeys(m map[string]innobridge.FieldError) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	return keys
}
