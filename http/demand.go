package http

import (
	"net/http"

	"github.com/innobridge/innobridge"
)

// handleDemandList serves GET /demands (HTML, .csv, .xlsx, .json) and GET
// /api/v1/demands from one service call. The service redacts what the
// reader may not see.
func (s *Server) handleDemandList(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := s.parseListParams(r)
	f, err := s.listingFilter(ctx, p)
	return serveList(s, w, r, "demands", p, err, func(offset, limit int) ([]*innobridge.Demand, int, error) {
		f.Offset, f.Limit = offset, limit
		return s.svc.FindDemands(ctx, f)
	}, s.demandTable)
}

// demandPage is /demands/{id}.
type demandPage struct {
	Base
	D       *innobridge.Demand
	CanEdit bool
	Recs    *recsView // 推荐成果
}

// handleDemand serves one demand as HTML or JSON; a teaser demand comes
// redacted (Hidden) to those who may not read it in full, a private one is
// ENOTFOUND to them.
func (s *Server) handleDemand(w http.ResponseWriter, r *http.Request) error {
	d, err := s.svc.FindDemandByExternalID(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if formatOf(r) == "json" {
		writeJSON(w, http.StatusOK, d)
		return nil
	}
	page := &demandPage{D: d, CanEdit: canEdit(state(r).user, &d.Listing),
		Recs: s.recommendations(r, d, nil)}
	page.Nav = "demands"
	s.render(w, r, http.StatusOK, "demand", page)
	return nil
}

// demandForm is the create/edit form as typed.
type demandForm struct {
	Title, Description, Teaser, Keywords, Field, Region, BudgetMin, BudgetMax, Deadline, TRLMin string
	Confidentiality, ExpiresAt, Status, OwnerOrg                                                string
	Modes                                                                                       []innobridge.Mode
}

func demandFormFrom(d *innobridge.Demand) demandForm {
	f := demandForm{Title: d.Title, Description: d.Description, Teaser: d.Teaser, Keywords: joinList(d.Keywords),
		Field: d.Field, Region: d.Region, BudgetMin: wanCell(d.BudgetMinYuan), BudgetMax: wanCell(d.BudgetMaxYuan),
		Deadline: dateCell(d.Deadline), Confidentiality: string(d.Confidentiality), ExpiresAt: dateCell(d.ExpiresAt),
		Status: string(d.Status), OwnerOrg: d.OwnerOrg, Modes: d.CoopModes}
	if d.TRLMin > 0 {
		f.TRLMin = itoa(d.TRLMin)
	}
	return f
}

func readDemandForm(r *http.Request) demandForm {
	f := demandForm{Title: r.PostFormValue("title"), Description: r.PostFormValue("description"),
		Teaser: r.PostFormValue("teaser"), Keywords: r.PostFormValue("keywords"), Field: r.PostFormValue("field"),
		Region: r.PostFormValue("region"), BudgetMin: r.PostFormValue("budget_min_wan"), BudgetMax: r.PostFormValue("budget_max_wan"),
		Deadline: r.PostFormValue("deadline"), TRLMin: r.PostFormValue("trl_min"), Confidentiality: r.PostFormValue("confidentiality"),
		ExpiresAt: r.PostFormValue("expires_at"), Status: r.PostFormValue("status"), OwnerOrg: r.PostFormValue("owner_org")}
	for _, m := range r.PostForm["coop_modes"] {
		f.Modes = append(f.Modes, innobridge.Mode(m))
	}
	return f
}

func (f demandForm) demand(v *innobridge.Validation) *innobridge.Demand {
	d := &innobridge.Demand{Listing: innobridge.Listing{Title: f.Title, Description: f.Description, Teaser: f.Teaser,
		Keywords: splitList(f.Keywords), Field: f.Field, Region: f.Region, Status: innobridge.Status(f.Status)},
		CoopModes: append([]innobridge.Mode{}, f.Modes...), Confidentiality: innobridge.Confidentiality(f.Confidentiality)}
	d.BudgetMinYuan = parseWan(v, "budget_min_yuan", f.BudgetMin)
	d.BudgetMaxYuan = parseWan(v, "budget_max_yuan", f.BudgetMax)
	d.Deadline = parseDateField(v, "deadline", f.Deadline)
	d.TRLMin = parseIntField(v, "trl_min", f.TRLMin)
	d.ExpiresAt = parseDateField(v, "expires_at", f.ExpiresAt)
	return d
}

// demandFormPage is the create/edit page.
type demandFormPage struct {
	Base
	Edit    *innobridge.Demand
	F       demandForm
	Errs    map[string]innobridge.FieldError
	Err     string
	Orgs    []*innobridge.Organization
	Regions []innobridge.RegionOption
}

func (s *Server) demandFormPage(r *http.Request, edit *innobridge.Demand, f demandForm) (*demandFormPage, error) {
	p := &demandFormPage{Edit: edit, F: f, Regions: s.regions()}
	p.Nav = "demands"
	if state(r).user.IsStaff() && edit == nil {
		orgs, _, err := s.svc.FindOrganizations(r.Context(), innobridge.OrganizationFilter{Limit: 1000})
		if err != nil {
			return nil, err
		}
		p.Orgs = orgs
	}
	return p, nil
}

func (s *Server) handleDemandNew(w http.ResponseWriter, r *http.Request) error {
	if err := requireLogin(r); err != nil {
		return err
	}
	p, err := s.demandFormPage(r, nil, demandForm{Status: string(innobridge.StatusPublished), Confidentiality: string(innobridge.ConfPublic)})
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "demand_form", p)
	return nil
}

// handleDemandCreate serves POST /demands (form) and POST /api/v1/demands
// (JSON).
func (s *Server) handleDemandCreate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if isAPI(r) {
		var in struct {
			innobridge.Demand
			OwnerOrg string `json:"owner_org"`
		}
		if err := decodeJSON(r, &in); err != nil {
			return err
		}
		d := &in.Demand
		d.ID, d.CreatedBy, d.Hidden, d.SearchText = 0, 0, false, ""
		if in.OwnerOrg != "" {
			org, err := s.orgByExternalID(ctx, in.OwnerOrg)
			if err != nil {
				return fieldError("owner_org", "unknown", "机构不存在 (no such organisation)")
			}
			d.OwnerOrgID = org.ID
		}
		if err := s.svc.CreateDemand(ctx, d); err != nil {
			return err
		}
		created, err := s.svc.FindDemandByID(ctx, d.ID)
		if err != nil {
			return err
		}
		w.Header().Set("Location", "/api/v1/demands/"+created.ExternalID)
		writeJSON(w, http.StatusCreated, created)
		return nil
	}
	f := readDemandForm(r)
	v := innobridge.Validation{}
	d := f.demand(&v)
	if f.OwnerOrg != "" {
		if org, err := s.orgByExternalID(ctx, f.OwnerOrg); err == nil {
			d.OwnerOrgID = org.ID
		} else {
			v.Add("owner_org", "unknown", "机构不存在 (no such organisation)")
		}
	}
	err := v.Err()
	if err == nil {
		err = s.svc.CreateDemand(ctx, d)
	} else {
		err = mergeValidation(err, d.Validate())
	}
	if err != nil {
		return s.formError(w, r, err, func() (page, string, error) {
			p, perr := s.demandFormPage(r, nil, f)
			if perr == nil {
				p.Errs, p.Err = fieldsOf(err), formMessage(err)
			}
			return p, "demand_form", perr
		})
	}
	http.Redirect(w, r, "/demands/"+d.ExternalID+"?done=created", http.StatusSeeOther)
	return nil
}

func (s *Server) handleDemandEdit(w http.ResponseWriter, r *http.Request) error {
	if err := requireLogin(r); err != nil {
		return err
	}
	d, err := s.svc.FindDemandByExternalID(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if !canEdit(state(r).user, &d.Listing) {
		return innobridge.Errorf(innobridge.EFORBIDDEN, "只有发布机构或工作人员可以修改 (only the owner or staff may change this)")
	}
	p, err := s.demandFormPage(r, d, demandFormFrom(d))
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "demand_form", p)
	return nil
}

// handleDemandUpdate serves POST /demands/{id} and PATCH /api/v1/demands/{id}.
func (s *Server) handleDemandUpdate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	d, err := s.svc.FindDemandByExternalID(ctx, r.PathValue("id"))
	if err != nil {
		return err
	}
	if isAPI(r) {
		var patch demandPatch
		if err := decodeJSON(r, &patch); err != nil {
			return err
		}
		out, err := s.svc.UpdateDemand(ctx, d.ID, patch.update())
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, out)
		return nil
	}
	f := readDemandForm(r)
	v := innobridge.Validation{}
	next := f.demand(&v)
	if err := v.Err(); err != nil {
		err = mergeValidation(err, next.Validate())
		return s.formError(w, r, err, func() (page, string, error) {
			p, perr := s.demandFormPage(r, d, f)
			if perr == nil {
				p.Errs = fieldsOf(err)
			}
			return p, "demand_form", perr
		})
	}
	upd := innobridge.DemandUpdate{Title: &next.Title, Description: &next.Description, Teaser: &next.Teaser,
		Keywords: &next.Keywords, Field: &next.Field, Region: &next.Region, ExpiresAt: &next.ExpiresAt,
		BudgetMinYuan: &next.BudgetMinYuan, BudgetMaxYuan: &next.BudgetMaxYuan, Deadline: &next.Deadline,
		CoopModes: &next.CoopModes, TRLMin: &next.TRLMin, Confidentiality: &next.Confidentiality}
	if next.Status != "" && next.Status != d.Status {
		upd.Status = &next.Status
	}
	if _, err := s.svc.UpdateDemand(ctx, d.ID, upd); err != nil {
		return s.formError(w, r, err, func() (page, string, error) {
			p, perr := s.demandFormPage(r, d, f)
			if perr == nil {
				p.Errs, p.Err = fieldsOf(err), formMessage(err)
			}
			return p, "demand_form", perr
		})
	}
	http.Redirect(w, r, "/demands/"+d.ExternalID+"?done=saved", http.StatusSeeOther)
	return nil
}

// handleDemandStatus serves POST /demands/{id}/status.
func (s *Server) handleDemandStatus(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	d, err := s.svc.FindDemandByExternalID(ctx, r.PathValue("id"))
	if err != nil {
		return err
	}
	st := innobridge.Status(r.PostFormValue("status"))
	if !st.Valid() {
		return fieldError("status", "unknown", "未知状态 (unknown status)")
	}
	if _, err := s.svc.UpdateDemand(ctx, d.ID, innobridge.DemandUpdate{Status: &st}); err != nil {
		return err
	}
	http.Redirect(w, r, "/demands/"+d.ExternalID+"?done="+string(st), http.StatusSeeOther)
	return nil
}

// demandPatch is the body of PATCH /api/v1/demands/{id}.
type demandPatch struct {
	Title           *string                     `json:"title"`
	Description     *string                     `json:"description"`
	Teaser          *string                     `json:"teaser"`
	Keywords        *[]string                   `json:"keywords"`
	Field           *string                     `json:"field"`
	Region          *string                     `json:"region"`
	Status          *innobridge.Status          `json:"status"`
	ExpiresAt       optional[innobridge.Date]   `json:"expires_at"`
	BudgetMinYuan   optional[int64]             `json:"budget_min_yuan"`
	BudgetMaxYuan   optional[int64]             `json:"budget_max_yuan"`
	Deadline        optional[innobridge.Date]   `json:"deadline"`
	CoopModes       *[]innobridge.Mode          `json:"coop_modes"`
	TRLMin          *int                        `json:"trl_min"`
	Confidentiality *innobridge.Confidentiality `json:"confidentiality"`
}

func (p demandPatch) update() innobridge.DemandUpdate {
	return innobridge.DemandUpdate{Title: p.Title, Description: p.Description, Teaser: p.Teaser, Keywords: p.Keywords,
		Field: p.Field, Region: p.Region, Status: p.Status, ExpiresAt: p.ExpiresAt.ptr(), BudgetMinYuan: p.BudgetMinYuan.ptr(),
		BudgetMaxYuan: p.BudgetMaxYuan.ptr(), Deadline: p.Deadline.ptr(), CoopModes: p.CoopModes, TRLMin: p.TRLMin,
		Confidentiality: p.Confidentiality}
}
