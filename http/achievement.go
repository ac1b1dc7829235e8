package http

import (
	"encoding/json"
	"net/http"

	"github.com/innobridge/innobridge"
)

// handleAchievementList serves GET /achievements (HTML, .csv, .xlsx, .json)
// and GET /api/v1/achievements from one service call.
func (s *Server) handleAchievementList(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := s.parseListParams(r)
	f, err := s.listingFilter(ctx, p)
	return serveList(s, w, r, "achievements", p, err, func(offset, limit int) ([]*innobridge.Achievement, int, error) {
		f.Offset, f.Limit = offset, limit
		return s.svc.FindAchievements(ctx, f)
	}, s.achievementTable)
}

// achievementPage is /achievements/{id}.
type achievementPage struct {
	Base
	A       *innobridge.Achievement
	CanEdit bool
	Recs    *recsView // 潜在需求方
}

// handleAchievement serves one achievement as HTML or JSON.
func (s *Server) handleAchievement(w http.ResponseWriter, r *http.Request) error {
	a, err := s.svc.FindAchievementByExternalID(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if formatOf(r) == "json" {
		writeJSON(w, http.StatusOK, a)
		return nil
	}
	page := &achievementPage{A: a, CanEdit: canEdit(state(r).user, &a.Listing),
		Recs: s.recommendations(r, nil, a)}
	page.Nav = "achievements"
	s.render(w, r, http.StatusOK, "achievement", page)
	return nil
}

// canEdit mirrors the service's rule so that pages show edit buttons only
// to those who may use them; the service still decides.
func canEdit(u *innobridge.User, l *innobridge.Listing) bool {
	return u.IsStaff() || (u != nil && u.Role == innobridge.RoleMember && u.OrgID != 0 && u.OrgID == l.OwnerOrgID)
}

// achievementForm is the create/edit form as typed.
type achievementForm struct {
	Title, Description, Keywords, Field, Region, TRL, IPType, IPNumbers, Price, ExpiresAt, Status, OwnerOrg string
	Negotiable                                                                                              bool
	Modes                                                                                                   []innobridge.Mode
}

func achievementFormFrom(a *innobridge.Achievement) achievementForm {
	f := achievementForm{Title: a.Title, Description: a.Description, Keywords: joinList(a.Keywords), Field: a.Field,
		Region: a.Region, IPType: string(a.IPType), IPNumbers: joinList(a.IPNumbers), ExpiresAt: dateCell(a.ExpiresAt),
		Status: string(a.Status), OwnerOrg: a.OwnerOrg, Negotiable: a.Negotiable, Modes: a.TransferModes}
	if a.TRL > 0 {
		f.TRL = itoa(a.TRL)
	}
	if a.PriceYuan != nil {
		f.Price = wanCell(a.PriceYuan)
	}
	return f
}

func readAchievementForm(r *http.Request) achievementForm {
	f := achievementForm{Title: r.PostFormValue("title"), Description: r.PostFormValue("description"),
		Keywords: r.PostFormValue("keywords"), Field: r.PostFormValue("field"), Region: r.PostFormValue("region"),
		TRL: r.PostFormValue("trl"), IPType: r.PostFormValue("ip_type"), IPNumbers: r.PostFormValue("ip_numbers"),
		Price: r.PostFormValue("price_wan"), ExpiresAt: r.PostFormValue("expires_at"), Status: r.PostFormValue("status"),
		OwnerOrg: r.PostFormValue("owner_org"), Negotiable: r.PostFormValue("negotiable") != ""}
	for _, m := range r.PostForm["transfer_modes"] {
		f.Modes = append(f.Modes, innobridge.Mode(m))
	}
	return f
}

// achievement converts the form; v collects what cannot be parsed.
func (f achievementForm) achievement(v *innobridge.Validation) *innobridge.Achievement {
	a := &innobridge.Achievement{Listing: innobridge.Listing{Title: f.Title, Description: f.Description,
		Keywords: splitList(f.Keywords), Field: f.Field, Region: f.Region, Status: innobridge.Status(f.Status)},
		IPType: innobridge.IPType(f.IPType), IPNumbers: splitList(f.IPNumbers), TransferModes: append([]innobridge.Mode{}, f.Modes...),
		Negotiable: f.Negotiable}
	a.TRL = parseIntField(v, "trl", f.TRL)
	if !f.Negotiable {
		a.PriceYuan = parseWan(v, "price_yuan", f.Price)
	}
	a.ExpiresAt = parseDateField(v, "expires_at", f.ExpiresAt)
	return a
}

// achievementFormPage is the create/edit page.
type achievementFormPage struct {
	Base
	Edit    *innobridge.Achievement // nil when creating
	F       achievementForm
	Errs    map[string]innobridge.FieldError
	Err     string
	Orgs    []*innobridge.Organization // owner choices, for staff
	Regions []innobridge.RegionOption
}

func (s *Server) achievementFormPage(r *http.Request, edit *innobridge.Achievement, f achievementForm) (*achievementFormPage, error) {
	p := &achievementFormPage{Edit: edit, F: f, Regions: s.regions()}
	p.Nav = "achievements"
	if state(r).user.IsStaff() && edit == nil {
		orgs, _, err := s.svc.FindOrganizations(r.Context(), innobridge.OrganizationFilter{Limit: 1000})
		if err != nil {
			return nil, err
		}
		p.Orgs = orgs
	}
	return p, nil
}

func (s *Server) handleAchievementNew(w http.ResponseWriter, r *http.Request) error {
	if err := requireLogin(r); err != nil {
		return err
	}
	p, err := s.achievementFormPage(r, nil, achievementForm{Status: string(innobridge.StatusPublished)})
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "achievement_form", p)
	return nil
}

// handleAchievementCreate serves POST /achievements (form) and POST
// /api/v1/achievements (JSON).
func (s *Server) handleAchievementCreate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if isAPI(r) {
		var in struct {
			innobridge.Achievement
			OwnerOrg string `json:"owner_org"`
		}
		if err := decodeJSON(r, &in); err != nil {
			return err
		}
		a := &in.Achievement
		a.ID, a.CreatedBy, a.Hidden, a.SearchText = 0, 0, false, ""
		if in.OwnerOrg != "" {
			org, err := s.orgByExternalID(ctx, in.OwnerOrg)
			if err != nil {
				return fieldError("owner_org", "unknown", "机构不存在 (no such organisation)")
			}
			a.OwnerOrgID = org.ID
		}
		if err := s.svc.CreateAchievement(ctx, a); err != nil {
			return err
		}
		created, err := s.svc.FindAchievementByID(ctx, a.ID)
		if err != nil {
			return err
		}
		w.Header().Set("Location", "/api/v1/achievements/"+created.ExternalID)
		writeJSON(w, http.StatusCreated, created)
		return nil
	}
	f := readAchievementForm(r)
	v := innobridge.Validation{}
	a := f.achievement(&v)
	if f.OwnerOrg != "" {
		if org, err := s.orgByExternalID(ctx, f.OwnerOrg); err == nil {
			a.OwnerOrgID = org.ID
		} else {
			v.Add("owner_org", "unknown", "机构不存在 (no such organisation)")
		}
	}
	err := v.Err()
	if err == nil {
		err = s.svc.CreateAchievement(ctx, a)
	} else {
		err = mergeValidation(err, a.Validate())
	}
	if err != nil {
		return s.formError(w, r, err, func() (page, string, error) {
			p, perr := s.achievementFormPage(r, nil, f)
			if perr == nil {
				p.Errs, p.Err = fieldsOf(err), formMessage(err)
			}
			return p, "achievement_form", perr
		})
	}
	http.Redirect(w, r, "/achievements/"+a.ExternalID+"?done=created", http.StatusSeeOther)
	return nil
}

func (s *Server) handleAchievementEdit(w http.ResponseWriter, r *http.Request) error {
	if err := requireLogin(r); err != nil {
		return err
	}
	a, err := s.svc.FindAchievementByExternalID(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if !canEdit(state(r).user, &a.Listing) {
		return innobridge.Errorf(innobridge.EFORBIDDEN, "只有发布机构或工作人员可以修改 (only the owner or staff may change this)")
	}
	p, err := s.achievementFormPage(r, a, achievementFormFrom(a))
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "achievement_form", p)
	return nil
}

// handleAchievementUpdate serves POST /achievements/{id} (the full edit
// form) and PATCH /api/v1/achievements/{id} (the fields given).
func (s *Server) handleAchievementUpdate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a, err := s.svc.FindAchievementByExternalID(ctx, r.PathValue("id"))
	if err != nil {
		return err
	}
	if isAPI(r) {
		var patch achievementPatch
		if err := decodeJSON(r, &patch); err != nil {
			return err
		}
		out, err := s.svc.UpdateAchievement(ctx, a.ID, patch.update())
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, out)
		return nil
	}
	f := readAchievementForm(r)
	v := innobridge.Validation{}
	next := f.achievement(&v)
	if err := v.Err(); err != nil {
		err = mergeValidation(err, next.Validate())
		return s.formError(w, r, err, func() (page, string, error) {
			p, perr := s.achievementFormPage(r, a, f)
			if perr == nil {
				p.Errs = fieldsOf(err)
			}
			return p, "achievement_form", perr
		})
	}
	upd := innobridge.AchievementUpdate{Title: &next.Title, Description: &next.Description, Keywords: &next.Keywords,
		Field: &next.Field, Region: &next.Region, ExpiresAt: &next.ExpiresAt, TRL: &next.TRL, IPType: &next.IPType,
		IPNumbers: &next.IPNumbers, TransferModes: &next.TransferModes, PriceYuan: &next.PriceYuan, Negotiable: &next.Negotiable}
	if next.Status != "" && next.Status != a.Status {
		upd.Status = &next.Status
	}
	if _, err := s.svc.UpdateAchievement(ctx, a.ID, upd); err != nil {
		return s.formError(w, r, err, func() (page, string, error) {
			p, perr := s.achievementFormPage(r, a, f)
			if perr == nil {
				p.Errs, p.Err = fieldsOf(err), formMessage(err)
			}
			return p, "achievement_form", perr
		})
	}
	http.Redirect(w, r, "/achievements/"+a.ExternalID+"?done=saved", http.StatusSeeOther)
	return nil
}

// handleAchievementStatus serves POST /achievements/{id}/status: withdraw,
// republish, suspend or reinstate. The service decides who may.
func (s *Server) handleAchievementStatus(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a, err := s.svc.FindAchievementByExternalID(ctx, r.PathValue("id"))
	if err != nil {
		return err
	}
	st := innobridge.Status(r.PostFormValue("status"))
	if !st.Valid() {
		return fieldError("status", "unknown", "未知状态 (unknown status)")
	}
	if _, err := s.svc.UpdateAchievement(ctx, a.ID, innobridge.AchievementUpdate{Status: &st}); err != nil {
		return err
	}
	http.Redirect(w, r, "/achievements/"+a.ExternalID+"?done="+string(st), http.StatusSeeOther)
	return nil
}

// achievementPatch is the body of PATCH /api/v1/achievements/{id}: absent
// fields are left alone, null clears a nullable field.
type achievementPatch struct {
	Title         *string                   `json:"title"`
	Description   *string                   `json:"description"`
	Keywords      *[]string                 `json:"keywords"`
	Field         *string                   `json:"field"`
	Region        *string                   `json:"region"`
	Status        *innobridge.Status        `json:"status"`
	ExpiresAt     optional[innobridge.Date] `json:"expires_at"`
	TRL           *int                      `json:"trl"`
	IPType        *innobridge.IPType        `json:"ip_type"`
	IPNumbers     *[]string                 `json:"ip_numbers"`
	TransferModes *[]innobridge.Mode        `json:"transfer_modes"`
	PriceYuan     optional[int64]           `json:"price_yuan"`
	Negotiable    *bool                     `json:"negotiable"`
}

func (p achievementPatch) update() innobridge.AchievementUpdate {
	return innobridge.AchievementUpdate{Title: p.Title, Description: p.Description, Keywords: p.Keywords, Field: p.Field,
		Region: p.Region, Status: p.Status, ExpiresAt: p.ExpiresAt.ptr(), TRL: p.TRL, IPType: p.IPType, IPNumbers: p.IPNumbers,
		TransferModes: p.TransferModes, PriceYuan: p.PriceYuan.ptr(), Negotiable: p.Negotiable}
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
