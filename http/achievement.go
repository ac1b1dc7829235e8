package http

import (
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

// achievementForm is the create/edit form as typed.
type achievementForm struct {
	listingForm
	TRL, IPType, IPNumbers, Price string
	Negotiable                    bool
	Modes                         []innobridge.Mode
}

func achievementFormFrom(a *innobridge.Achievement) achievementForm {
	f := achievementForm{listingForm: listingFormFrom(&a.Listing), IPType: string(a.IPType), IPNumbers: joinList(a.IPNumbers),
		Negotiable: a.Negotiable, Modes: a.TransferModes}
	if a.TRL > 0 {
		f.TRL = itoa(a.TRL)
	}
	if a.PriceYuan != nil {
		f.Price = wanCell(a.PriceYuan)
	}
	return f
}

func readAchievementForm(r *http.Request) achievementForm {
	f := achievementForm{listingForm: readListingForm(r), TRL: r.PostFormValue("trl"), IPType: r.PostFormValue("ip_type"),
		IPNumbers: r.PostFormValue("ip_numbers"), Price: r.PostFormValue("price_wan"), Negotiable: r.PostFormValue("negotiable") != ""}
	for _, m := range r.PostForm["transfer_modes"] {
		f.Modes = append(f.Modes, innobridge.Mode(m))
	}
	return f
}

// achievement converts the form; v collects what cannot be parsed.
func (f achievementForm) achievement(v *innobridge.Validation) *innobridge.Achievement {
	a := &innobridge.Achievement{Listing: f.listing(v), IPType: innobridge.IPType(f.IPType), IPNumbers: splitList(f.IPNumbers),
		TransferModes: append([]innobridge.Mode{}, f.Modes...), Negotiable: f.Negotiable}
	a.TRL = parseIntField(v, "trl", f.TRL)
	if !f.Negotiable {
		a.PriceYuan = parseWan(v, "price_yuan", f.Price)
	}
	return a
}

// achievementFormUpdate saves every field of the edit form, and status
// unless nil.
func achievementFormUpdate(next *innobridge.Achievement, status *innobridge.Status) innobridge.AchievementUpdate {
	return innobridge.AchievementUpdate{Title: &next.Title, Description: &next.Description, Keywords: &next.Keywords,
		Field: &next.Field, Region: &next.Region, ExpiresAt: &next.ExpiresAt, TRL: &next.TRL, IPType: &next.IPType,
		IPNumbers: &next.IPNumbers, TransferModes: &next.TransferModes, PriceYuan: &next.PriceYuan, Negotiable: &next.Negotiable,
		Status: status}
}

// achievements is the achievement kind of the shared listing flows, which
// serve /achievements/new, POST /achievements, /achievements/{id}/edit, POST
// /achievements/{id}, POST /achievements/{id}/status and their API forms.
func (s *Server) achievements() listingKind[innobridge.Achievement, achievementForm, innobridge.AchievementUpdate] {
	return listingKind[innobridge.Achievement, achievementForm, innobridge.AchievementUpdate]{
		s: s, name: "achievements", template: "achievement_form",
		listing:          func(a *innobridge.Achievement) *innobridge.Listing { return &a.Listing },
		findByExternalID: s.svc.FindAchievementByExternalID,
		findByID:         s.svc.FindAchievementByID,
		create:           s.svc.CreateAchievement,
		update:           s.svc.UpdateAchievement,
		validate:         (*innobridge.Achievement).Validate,
		blank:            achievementForm{listingForm: listingForm{Status: string(innobridge.StatusPublished)}},
		formFrom:         achievementFormFrom,
		readForm:         readAchievementForm,
		fromForm:         achievementForm.achievement,
		formUpdate:       achievementFormUpdate,
		statusUpdate: func(st *innobridge.Status) innobridge.AchievementUpdate {
			return innobridge.AchievementUpdate{Status: st}
		},
		decodeNew:   decodeNewAchievement,
		decodePatch: decodePatch[achievementPatch, innobridge.AchievementUpdate],
	}
}

// decodeNewAchievement reads the body of POST /api/v1/achievements: the
// achievement and the external id of its owner organisation.
func decodeNewAchievement(r *http.Request) (*innobridge.Achievement, string, error) {
	var in struct {
		innobridge.Achievement
		OwnerOrg string `json:"owner_org"`
	}
	err := decodeJSON(r, &in)
	return &in.Achievement, in.OwnerOrg, err
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
