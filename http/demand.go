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
	listingForm
	Teaser, BudgetMin, BudgetMax, Deadline, TRLMin, Confidentiality string
	Modes                                                           []innobridge.Mode
}

func demandFormFrom(d *innobridge.Demand) demandForm {
	f := demandForm{listingForm: listingFormFrom(&d.Listing), Teaser: d.Teaser, BudgetMin: wanCell(d.BudgetMinYuan),
		BudgetMax: wanCell(d.BudgetMaxYuan), Deadline: dateCell(d.Deadline), Confidentiality: string(d.Confidentiality),
		Modes: d.CoopModes}
	if d.TRLMin > 0 {
		f.TRLMin = itoa(d.TRLMin)
	}
	return f
}

func readDemandForm(r *http.Request) demandForm {
	f := demandForm{listingForm: readListingForm(r), Teaser: r.PostFormValue("teaser"),
		BudgetMin: r.PostFormValue("budget_min_wan"), BudgetMax: r.PostFormValue("budget_max_wan"),
		Deadline: r.PostFormValue("deadline"), TRLMin: r.PostFormValue("trl_min"), Confidentiality: r.PostFormValue("confidentiality")}
	for _, m := range r.PostForm["coop_modes"] {
		f.Modes = append(f.Modes, innobridge.Mode(m))
	}
	return f
}

// demand converts the form; v collects what cannot be parsed.
func (f demandForm) demand(v *innobridge.Validation) *innobridge.Demand {
	d := &innobridge.Demand{Listing: f.listing(v), CoopModes: append([]innobridge.Mode{}, f.Modes...),
		Confidentiality: innobridge.Confidentiality(f.Confidentiality)}
	d.Teaser = f.Teaser
	d.BudgetMinYuan = parseWan(v, "budget_min_yuan", f.BudgetMin)
	d.BudgetMaxYuan = parseWan(v, "budget_max_yuan", f.BudgetMax)
	d.Deadline = parseDateField(v, "deadline", f.Deadline)
	d.TRLMin = parseIntField(v, "trl_min", f.TRLMin)
	return d
}

// demandFormUpdate saves every field of the edit form, and status unless
// nil.
func demandFormUpdate(next *innobridge.Demand, status *innobridge.Status) innobridge.DemandUpdate {
	return innobridge.DemandUpdate{Title: &next.Title, Description: &next.Description, Teaser: &next.Teaser,
		Keywords: &next.Keywords, Field: &next.Field, Region: &next.Region, ExpiresAt: &next.ExpiresAt,
		BudgetMinYuan: &next.BudgetMinYuan, BudgetMaxYuan: &next.BudgetMaxYuan, Deadline: &next.Deadline,
		CoopModes: &next.CoopModes, TRLMin: &next.TRLMin, Confidentiality: &next.Confidentiality, Status: status}
}

// demands is the demand kind of the shared listing flows, which serve
// /demands/new, POST /demands, /demands/{id}/edit, POST /demands/{id}, POST
// /demands/{id}/status and their API forms.
func (s *Server) demands() listingKind[innobridge.Demand, demandForm, innobridge.DemandUpdate] {
	return listingKind[innobridge.Demand, demandForm, innobridge.DemandUpdate]{
		s: s, name: "demands", template: "demand_form",
		listing:          func(d *innobridge.Demand) *innobridge.Listing { return &d.Listing },
		findByExternalID: s.svc.FindDemandByExternalID,
		findByID:         s.svc.FindDemandByID,
		create:           s.svc.CreateDemand,
		update:           s.svc.UpdateDemand,
		validate:         (*innobridge.Demand).Validate,
		blank: demandForm{listingForm: listingForm{Status: string(innobridge.StatusPublished)},
			Confidentiality: string(innobridge.ConfPublic)},
		formFrom:     demandFormFrom,
		readForm:     readDemandForm,
		fromForm:     demandForm.demand,
		formUpdate:   demandFormUpdate,
		statusUpdate: func(st *innobridge.Status) innobridge.DemandUpdate { return innobridge.DemandUpdate{Status: st} },
		decodeNew:    decodeNewDemand,
		decodePatch:  decodePatch[demandPatch, innobridge.DemandUpdate],
	}
}

// decodeNewDemand reads the body of POST /api/v1/demands: the demand and
// the external id of its owner organisation.
func decodeNewDemand(r *http.Request) (*innobridge.Demand, string, error) {
	var in struct {
		innobridge.Demand
		OwnerOrg string `json:"owner_org"`
	}
	err := decodeJSON(r, &in)
	return &in.Demand, in.OwnerOrg, err
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
