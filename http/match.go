package http

import (
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/innobridge/innobridge"
	"github.com/innobridge/innobridge/service"
)

// The matching surfaces: recommendations on the detail pages and in the
// API, match tracking, docking lists (对接清单) and near-duplicates. They go
// through one *service.Matching, which decides what each reader may see.

// recommendCount is how many recommendations a detail page shows.
const recommendCount = 8

// recsView is the recommendations section of a detail page.
type recsView struct {
	Items []*service.Recommendation
	// Weak are the recommendations with little evidence (Recommendation.Weak),
	// shown apart after Items.
	Weak []*service.Recommendation
	// Track says the reader may record the docking status of the pairs
	// (staff, or a member of the listing's organisation).
	Track bool
	// Demand and Achievement name the page's listing; one is set.
	Demand, Achievement string
	Err                 string // the engine failed; the page still shows
}

// recommendations returns the section for a demand (achievements) or an
// achievement (demands) page. A failure is logged and shown as a notice:
// the listing itself must still be readable.
// Pass the listing as the service returned it to the reader: d for a
// demand page, a for an achievement page.
func (s *Server) recommendations(r *http.Request, d *innobridge.Demand, a *innobridge.Achievement) *recsView {
	ctx := r.Context()
	u := state(r).user
	v := &recsView{}
	var err error
	var owner int64
	if d != nil {
		v.Demand, owner = d.ExternalID, d.OwnerOrgID
		v.Items, err = s.matching.ForDemand(ctx, d, recommendCount)
	} else {
		v.Achievement, owner = a.ExternalID, a.OwnerOrgID
		v.Items, err = s.matching.ForAchievement(ctx, a, recommendCount)
	}
	v.Track = u.IsStaff() || (u != nil && u.OrgID != 0 && u.OrgID == owner)
	all := v.Items
	v.Items = nil
	for _, rec := range all {
		if rec.Weak {
			v.Weak = append(v.Weak, rec)
		} else {
			v.Items = append(v.Items, rec)
		}
	}
	if err != nil {
		s.logger.ErrorContext(ctx, "recommendations failed", slog.String("demand", v.Demand), slog.String("achievement", v.Achievement), slog.Any("err", err))
		v.Err = "error"
	}
	return v
}

// matchesResponse is the body of GET …/{id}/matches.
type matchesResponse struct {
	Items []*service.Recommendation `json:"items"`
}

func topK(r *http.Request) (int, error) {
	q := r.URL.Query().Get("k")
	if q == "" {
		return 10, nil
	}
	k, err := strconv.Atoi(q)
	if err != nil || k < 1 || k > service.MaxRecommendations {
		return 0, fieldError("k", "range", "k 应为1-%d (k must be 1–%d)", service.MaxRecommendations, service.MaxRecommendations)
	}
	return k, nil
}

// handleDemandMatches serves GET /api/v1/demands/{id}/matches: the
// achievements recommended for a demand, with explanations.
func (s *Server) handleDemandMatches(w http.ResponseWriter, r *http.Request) error {
	k, err := topK(r)
	if err != nil {
		return err
	}
	recs, err := s.matching.AchievementsForDemand(r.Context(), r.PathValue("id"), k)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, matchesResponse{Items: nonNil(recs)})
	return nil
}

// handleAchievementMatches serves GET /api/v1/achievements/{id}/matches:
// the demands an achievement may serve. Confidential demands come
// redacted, private ones only to those who may see them.
func (s *Server) handleAchievementMatches(w http.ResponseWriter, r *http.Request) error {
	k, err := topK(r)
	if err != nil {
		return err
	}
	recs, err := s.matching.DemandsForAchievement(r.Context(), r.PathValue("id"), k)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, matchesResponse{Items: nonNil(recs)})
	return nil
}

func nonNil[T any](list []T) []T {
	if list == nil {
		return []T{}
	}
	return list
}

// trackRequest is the body of POST /api/v1/matches and the form of POST
// /matches.
type trackRequest struct {
	Demand      string                    `json:"demand"`
	Achievement string                    `json:"achievement"`
	Status      *innobridge.MatchStatus   `json:"status"`
	Reason      *innobridge.DeclineReason `json:"reason"`
	Note        *string                   `json:"note"`
}

// handleMatchTrack serves POST /api/v1/matches (JSON) and POST /matches
// (form from a detail page, redirecting back to it).
func (s *Server) handleMatchTrack(w http.ResponseWriter, r *http.Request) error {
	var req trackRequest
	api := isAPI(r)
	if api {
		if err := decodeJSON(r, &req); err != nil {
			return err
		}
	} else {
		req.Demand, req.Achievement = r.PostFormValue("demand"), r.PostFormValue("achievement")
		st := innobridge.MatchStatus(r.PostFormValue("status"))
		req.Status = &st
		if v := r.PostFormValue("reason"); v != "" {
			reason := innobridge.DeclineReason(v)
			req.Reason = &reason
		}
		if v, ok := r.PostForm["note"]; ok { // the ledger's form has a note; a detail page's has not
			note := strings.TrimSpace(v[0])
			req.Note = &note
		}
	}
	upd := innobridge.MatchUpdate{Status: req.Status, Reason: req.Reason, Note: req.Note}
	var m *innobridge.Match
	var err error
	if id := r.PostFormValue("match"); !api && id != "" { // a ledger's row names the pair by id
		n, perr := strconv.ParseInt(id, 10, 64)
		if perr != nil {
			return innobridge.Errorf(innobridge.ENOTFOUND, "对接记录不存在 (match %q not found)", id)
		}
		m, err = s.matching.UpdateMatch(r.Context(), n, upd)
	} else {
		m, err = s.matching.TrackMatch(r.Context(), req.Demand, req.Achievement, upd)
	}
	if err != nil {
		return err
	}
	if api {
		writeJSON(w, http.StatusOK, m)
		return nil
	}
	back := "/demands/" + m.DemandExt + "?done=saved#recs"
	switch r.PostFormValue("from") {
	case "achievement":
		back = "/achievements/" + m.AchievementExt + "?done=saved#recs"
	case "matches": // a ledger, staff's or a party's, at the page and filter it was on
		back = localPath(r.PostFormValue("back"))
		if !strings.HasPrefix(back, "/staff/matches") && !strings.HasPrefix(back, "/my/matches") {
			back = "/my/matches"
			if state(r).user.IsStaff() {
				back = "/staff/matches"
			}
		}
		back += fmt.Sprintf("#m%d", m.ID)
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
	return nil
}

// handleMatchPatch serves PATCH /api/v1/matches/{id}: a tracked pair's
// status, reason or note, by the pair's id (see Matching.UpdateMatch).
func (s *Server) handleMatchPatch(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "对接记录 (match)")
	if err != nil {
		return err
	}
	var req struct {
		Status *innobridge.MatchStatus   `json:"status"`
		Reason *innobridge.DeclineReason `json:"reason"`
		Note   *string                   `json:"note"`
	}
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	m, err := s.matching.UpdateMatch(r.Context(), id, innobridge.MatchUpdate{Status: req.Status, Reason: req.Reason, Note: req.Note})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, m)
	return nil
}

// dockingListsPage is /staff/docking: the lists, a form for a new one, and
// the tracked pairs counted by status and decline reason.
type dockingListsPage struct {
	Base
	Lists   []*innobridge.DockingList
	Total   int
	Counts  *innobridge.MatchCounts
	F       dockingForm
	Errs    map[string]innobridge.FieldError
	Err     string
	Regions []innobridge.RegionOption
}

// dockingForm is the new-list form as typed.
type dockingForm struct {
	Name, Field, Region, TopN, MaxDemands string
}

func (s *Server) dockingListsPage(r *http.Request, f dockingForm) (*dockingListsPage, error) {
	ctx := r.Context()
	lists, total, err := s.matching.FindDockingLists(ctx, 0, 100)
	if err != nil {
		return nil, err
	}
	counts, err := s.matching.CountMatches(ctx, innobridge.MatchFilter{})
	if err != nil {
		return nil, err
	}
	p := &dockingListsPage{Lists: lists, Total: total, Counts: counts, F: f, Regions: s.regions()}
	p.Nav = "docking"
	return p, nil
}

// handleDockingLists serves GET /staff/docking and GET
// /api/v1/docking-lists.
func (s *Server) handleDockingLists(w http.ResponseWriter, r *http.Request) error {
	if isAPI(r) {
		lists, total, err := s.matching.FindDockingLists(r.Context(), 0, 0)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, struct {
			Items []*innobridge.DockingList `json:"items"`
			Total int                       `json:"total"`
		}{nonNil(lists), total})
		return nil
	}
	p, err := s.dockingListsPage(r, dockingForm{TopN: "5", MaxDemands: "100"})
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "docking_lists", p)
	return nil
}

// dockingCreateRequest is the body of POST /api/v1/docking-lists.
type dockingCreateRequest struct {
	Name       string `json:"name"`
	Field      string `json:"field"`
	Region     string `json:"region"`
	TopN       int    `json:"top_n"`
	MaxDemands int    `json:"max_demands"`
	EventID    int64  `json:"event_id"`
}

// handleDockingCreate serves POST /staff/docking (form) and POST
// /api/v1/docking-lists (JSON).
func (s *Server) handleDockingCreate(w http.ResponseWriter, r *http.Request) error {
	var req service.DockingRequest
	var form dockingForm
	if isAPI(r) {
		var body dockingCreateRequest
		if err := decodeJSON(r, &body); err != nil {
			return err
		}
		req = service.DockingRequest{Name: body.Name, Field: body.Field, Region: body.Region, TopN: body.TopN, MaxDemands: body.MaxDemands,
			EventID: body.EventID}
	} else {
		form = dockingForm{Name: r.PostFormValue("name"), Field: r.PostFormValue("field"), Region: r.PostFormValue("region"),
			TopN: r.PostFormValue("top_n"), MaxDemands: r.PostFormValue("max_demands")}
		v := innobridge.Validation{}
		req = service.DockingRequest{Name: form.Name, Field: form.Field, Region: regionPrefix(form.Region),
			TopN: parseIntField(&v, "top_n", form.TopN), MaxDemands: parseIntField(&v, "max_demands", form.MaxDemands)}
		if err := v.Err(); err != nil {
			return s.dockingFormError(w, r, err, form)
		}
	}
	l, err := s.matching.CreateDockingList(r.Context(), req)
	if err != nil {
		if isAPI(r) {
			return err
		}
		return s.dockingFormError(w, r, err, form)
	}
	if isAPI(r) {
		writeJSON(w, http.StatusCreated, l)
		return nil
	}
	http.Redirect(w, r, fmt.Sprintf("/staff/docking/%d?done=created", l.ID), http.StatusSeeOther)
	return nil
}

func (s *Server) dockingFormError(w http.ResponseWriter, r *http.Request, err error, form dockingForm) error {
	return s.formError(w, r, err, func() (page, string, error) {
		p, perr := s.dockingListsPage(r, form)
		if p != nil {
			p.Errs, p.Err = fieldsOf(err), formMessage(err)
		}
		return p, "docking_lists", perr
	})
}

// dockingPage is /staff/docking/{id}: the pairs of one list by demand,
// each to accept or remove.
type dockingPage struct {
	Base
	L      *innobridge.DockingList
	Groups []dockingGroup
}

// dockingGroup is one demand's pairs.
type dockingGroup struct {
	DemandExt, DemandTitle string
	Items                  []*innobridge.DockingItem
}

func groupItems(items []*innobridge.DockingItem) []dockingGroup {
	var out []dockingGroup
	for _, it := range items {
		if len(out) == 0 || out[len(out)-1].DemandExt != it.DemandExt {
			out = append(out, dockingGroup{DemandExt: it.DemandExt, DemandTitle: it.DemandTitle})
		}
		g := &out[len(out)-1]
		g.Items = append(g.Items, it)
	}
	return out
}

func pathID(r *http.Request, name, what string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, innobridge.Errorf(innobridge.ENOTFOUND, "%s不存在 (no such %s)", what, what)
	}
	return id, nil
}

// handleDocking serves GET /staff/docking/{id} and GET
// /api/v1/docking-lists/{id}.
func (s *Server) handleDocking(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "list")
	if err != nil {
		return err
	}
	l, err := s.matching.FindDockingListByID(r.Context(), id)
	if err != nil {
		return err
	}
	if isAPI(r) || formatOf(r) == "json" {
		l.Items = nonNil(l.Items)
		writeJSON(w, http.StatusOK, l)
		return nil
	}
	p := &dockingPage{L: l, Groups: groupItems(l.Items)}
	p.Nav = "docking"
	s.render(w, r, http.StatusOK, "docking", p)
	return nil
}

// handleDockingItem serves POST /staff/docking/{id}/items/{item} (form,
// state=accepted|removed|proposed) and PATCH
// /api/v1/docking-lists/{id}/items/{item} ({"state": …}).
func (s *Server) handleDockingItem(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "list")
	if err != nil {
		return err
	}
	item, err := pathID(r, "item", "item")
	if err != nil {
		return err
	}
	var st innobridge.DockingItemState
	if isAPI(r) {
		var body struct {
			State innobridge.DockingItemState `json:"state"`
		}
		if err := decodeJSON(r, &body); err != nil {
			return err
		}
		st = body.State
	} else {
		st = innobridge.DockingItemState(r.PostFormValue("state"))
	}
	it, err := s.matching.SetDockingItemState(r.Context(), id, item, st)
	if err != nil {
		return err
	}
	if isAPI(r) {
		writeJSON(w, http.StatusOK, it)
		return nil
	}
	http.Redirect(w, r, fmt.Sprintf("/staff/docking/%d?done=saved#item-%d", id, item), http.StatusSeeOther)
	return nil
}

// handleDockingExport serves GET /staff/docking/{id}/export: the list's
// pairs that were not removed, as .xlsx (or ?format=csv).
func (s *Server) handleDockingExport(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "list")
	if err != nil {
		return err
	}
	l, err := s.matching.FindDockingListByID(r.Context(), id)
	if err != nil {
		return err
	}
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "xlsx"
	}
	return s.writeTable(w, format, s.dockingTable(state(r).lang, l))
}

func (s *Server) dockingTable(lang string, l *innobridge.DockingList) table {
	n := exportNames{lang: lang, s: s}
	t := table{Name: fmt.Sprintf("docking-%d", l.ID), Header: []string{n.t("docking.col_demand_id"), n.t("docking.col_demand"),
		n.t("docking.col_rank"), n.t("docking.col_achievement_id"), n.t("docking.col_achievement"), n.t("docking.col_score"),
		n.t("docking.col_why"), n.t("docking.col_state")}}
	// A list made for an event names it in a first column, so that the
	// sheet still says which roadshow it is for once it leaves the
	// platform.
	event := l.EventID != 0
	if event {
		t.Header = append([]string{n.t("docking.col_event")}, t.Header...)
	}
	for _, it := range l.Items {
		if it.State == innobridge.DockingRemoved {
			continue
		}
		row := []string{it.DemandExt, it.DemandTitle, strconv.Itoa(it.Rank), it.AchievementExt, it.AchievementTitle,
			strconv.FormatFloat(it.Score, 'f', 3, 64), it.Why, n.t("docking.state_" + string(it.State))}
		if event {
			row = append([]string{l.EventName}, row...)
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// duplicatesPage is /staff/duplicates.
type duplicatesPage struct {
	Base
	Kind      string // achievements or demands
	Threshold string
	Pairs     []*service.DuplicatePair
}

// handleDuplicates serves GET /staff/duplicates and GET
// /api/v1/duplicates: near-duplicate listings (?kind=achievements|demands,
// ?min=0.6), staff only.
func (s *Server) handleDuplicates(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	kind := q.Get("kind")
	if kind != "demands" {
		kind = "achievements"
	}
	threshold := service.DefaultDuplicateThreshold
	if v := q.Get("min"); v != "" {
		x, err := strconv.ParseFloat(v, 64)
		if err != nil || x <= 0 || x > 1 {
			return fieldError("min", "range", "相似度应在0-1之间 (min must be between 0 and 1)")
		}
		threshold = x
	}
	pairs, err := s.svc.FindDuplicates(r.Context(), kind, threshold, 200)
	if err != nil {
		return err
	}
	if isAPI(r) || formatOf(r) == "json" {
		writeJSON(w, http.StatusOK, struct {
			Items []*service.DuplicatePair `json:"items"`
		}{nonNil(pairs)})
		return nil
	}
	p := &duplicatesPage{Kind: kind, Threshold: strings.TrimRight(strconv.FormatFloat(threshold, 'f', 2, 64), "0"), Pairs: pairs}
	p.Nav = "staff"
	s.render(w, r, http.StatusOK, "duplicates", p)
	return nil
}
