package http

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/innobridge/innobridge"
)

// Tracked pairs (对接跟踪): every recommended pair of a demand and an
// achievement that someone has acted on, from recommended to signed or
// declined, for staff to follow up. GET /staff/matches in every list
// format, and GET /api/v1/matches.

// matchParams is the tracked-pairs filter as typed.
type matchParams struct {
	Status  string
	Reason  string
	Quiet   bool   // open pairs unchanged for longer than innobridge.MatchQuiet
	Org     string // staff: one organisation's pairs, by its external id
	OrgName string // that organisation's name, once found
}

// matchFilter turns the query into a store filter; an unknown status,
// reason or organisation is EINVALID naming the parameter, as is quiet with
// a closed status. Quiet without a status means every open status. The
// organisation is read only when not mine (a party's own ledger is its
// organisation's).
func (s *Server) matchFilter(r *http.Request, now time.Time, mine bool) (innobridge.MatchFilter, matchParams, error) {
	q := r.URL.Query()
	mp := matchParams{Status: q.Get("status"), Reason: q.Get("reason"), Quiet: q.Get("quiet") != ""}
	var f innobridge.MatchFilter
	v := innobridge.Validation{}
	if org := q.Get("org"); org != "" && !mine {
		mp.Org = org
		o, err := s.orgByExternalID(r.Context(), org)
		switch {
		case innobridge.ErrorCode(err) == innobridge.ENOTFOUND:
			v.Add("org", "unknown", "未知机构 %q (unknown organisation)", org)
		case err != nil:
			return f, mp, err
		default:
			f.PartyOrgID, mp.OrgName = o.ID, o.Name
		}
	}
	if mp.Status != "" {
		st := innobridge.MatchStatus(mp.Status)
		if !st.Valid() {
			v.Add("status", "unknown", "未知对接状态 %q (unknown match status)", mp.Status)
		}
		f.Statuses = []innobridge.MatchStatus{st}
	}
	if mp.Reason != "" {
		rs := innobridge.DeclineReason(mp.Reason)
		if !rs.Valid() {
			v.Add("reason", "unknown", "未知放弃原因 %q (unknown reason)", mp.Reason)
		}
		f.Reasons = []innobridge.DeclineReason{rs}
	}
	if mp.Quiet {
		quiet := innobridge.QuietFilter(now)
		switch {
		case len(f.Statuses) == 0:
			f.Statuses = quiet.Statuses
		case !f.Statuses[0].Open() && f.Statuses[0].Valid():
			v.Add("quiet", "closed", "已签约或已放弃的对接不会停滞 (a signed or declined pair never goes quiet)")
		}
		f.UpdatedBefore = quiet.UpdatedBefore
	}
	return f, mp, v.Err()
}

// matchListResponse is the JSON body of the tracked pairs.
type matchListResponse struct {
	Items  []*innobridge.Match     `json:"items"`
	Total  int                     `json:"total"`
	Counts *innobridge.MatchCounts `json:"counts"`
}

// matchesPage is /staff/matches, or a party's own /my/matches.
type matchesPage struct {
	Base
	Path       string // /staff/matches or /my/matches
	Mine       bool   // one party's pairs: its organisation's side is marked
	OrgID      int64  // the reader's organisation
	Items      []*innobridge.Match
	Total      int
	Counts     *innobridge.MatchCounts
	All        int // pairs tracked, whatever their status
	QuietCount int // open pairs gone quiet
	F          matchParams
	Errs       map[string]innobridge.FieldError
	Now        time.Time
	QuietDays  int
	Pager      pager
	ExportCSV  string
	ExportXLSX string
	Here       string // this page's path and query, where an update returns
}

// handleMatchList serves GET /staff/matches (HTML, CSV, XLSX, JSON) for
// staff, GET /my/matches for a party's members (their organisation's
// pairs, as Match.PartyView shows them), and GET /api/v1/matches (either,
// by who asks): tracked pairs, most recently changed first, with counts by
// status and by decline reason. JSON pages by ?offset= (100 a page), HTML
// by ?page=.
func (s *Server) handleMatchList(w http.ResponseWriter, r *http.Request) error {
	page := &matchesPage{Path: "/staff/matches"}
	page.Nav = "docking"
	if strings.HasPrefix(r.URL.Path, "/my/") {
		if err := requireLogin(r); err != nil {
			return err
		}
		u := state(r).user
		if u.IsStaff() && u.OrgID == 0 { // staff of no party: every pair is theirs to follow
			to := *r.URL
			to.Path = "/staff/" + strings.TrimPrefix(r.URL.Path, "/my/")
			http.Redirect(w, r, to.RequestURI(), http.StatusSeeOther)
			return nil
		}
		page.Path, page.Mine, page.OrgID = "/my/matches", true, u.OrgID
		page.Nav = "my"
	} else if !isAPI(r) {
		if err := requireStaffPage(r); err != nil {
			return err
		}
	}
	ctx := r.Context()
	now := s.svc.Now()
	format := formatOf(r)
	f, mp, err := s.matchFilter(r, now, page.Mine)
	if page.Mine {
		f.PartyOrgID = page.OrgID
	}
	page.F, page.Now, page.QuietDays = mp, now, quietDays
	if err != nil {
		if format != "html" {
			return err
		}
		page.Errs = fieldsOf(err)
		if err := s.matchCounts(ctx, page, f.PartyOrgID); err != nil {
			return err
		}
		s.render(w, r, http.StatusUnprocessableEntity, "matches", page)
		return nil
	}
	p := s.parseListParams(r)
	switch format {
	case "csv", "xlsx":
		all, err := collect(func(offset, limit int) ([]*innobridge.Match, int, error) {
			f.Offset, f.Limit = offset, limit
			return s.matching.FindMatches(ctx, f)
		})
		if err != nil {
			return err
		}
		return s.writeTable(w, format, s.matchTable(state(r).lang, all))
	case "json":
		f.Limit = 100
		if n, err := strconv.Atoi(r.URL.Query().Get("offset")); err == nil && n > 0 {
			f.Offset = n
		}
	default:
		f.Offset, f.Limit = (p.Page-1)*p.PerPage, p.PerPage
	}
	list, total, err := s.matching.FindMatches(ctx, f)
	if err != nil {
		return err
	}
	if format == "json" {
		counts, err := s.matching.CountMatches(ctx, innobridge.MatchFilter{PartyOrgID: f.PartyOrgID})
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, matchListResponse{Items: nonNil(list), Total: total, Counts: counts})
		return nil
	}
	if err := s.matchCounts(ctx, page, f.PartyOrgID); err != nil {
		return err
	}
	page.Items, page.Total = list, total
	page.Pager = newPager(r, p, total)
	page.ExportCSV, page.ExportXLSX = exportURL(r, "csv"), exportURL(r, "xlsx")
	page.Here = r.URL.RequestURI()
	s.render(w, r, http.StatusOK, "matches", page)
	return nil
}

// quietDays is innobridge.MatchQuiet in days, as pages state it.
const quietDays = int(innobridge.MatchQuiet / (24 * time.Hour))

// matchCounts fills in the tabs' counts of page: the pairs by status, all
// of them, and those gone quiet; of the organisation org only, if set.
func (s *Server) matchCounts(ctx context.Context, page *matchesPage, org int64) error {
	counts, quiet, err := s.matchTally(ctx, org, page.Now)
	if err != nil {
		return err
	}
	page.Counts, page.QuietCount, page.All = counts, quiet, 0
	for _, n := range counts.ByStatus {
		page.All += n
	}
	return nil
}

// matchTally counts the tracked pairs by status and decline reason, and
// the open ones gone quiet at now; of the organisation org only, if set.
func (s *Server) matchTally(ctx context.Context, org int64, now time.Time) (*innobridge.MatchCounts, int, error) {
	counts, err := s.matching.CountMatches(ctx, innobridge.MatchFilter{PartyOrgID: org})
	if err != nil {
		return nil, 0, err
	}
	quiet := innobridge.QuietFilter(now)
	quiet.PartyOrgID, quiet.Limit = org, 1
	_, n, err := s.matching.FindMatches(ctx, quiet)
	return counts, n, err
}

// matchTable lays out tracked pairs for export.
func (s *Server) matchTable(lang string, list []*innobridge.Match) table {
	n := exportNames{lang, s}
	t := table{Name: "matches", Header: []string{n.t("docking.col_demand_id"), n.t("docking.col_demand"), n.t("matches.demand_owner"),
		n.t("docking.col_achievement_id"), n.t("docking.col_achievement"), n.t("matches.achievement_owner"),
		n.t("f.status"), n.t("matches.reason"), n.t("matches.note"), n.t("docking.col_score"), n.t("matches.created"), n.t("matches.updated")}}
	for _, m := range list {
		reason := ""
		if m.Reason != "" {
			reason = n.t("reason." + string(m.Reason))
		}
		title := m.DemandTitle
		if m.DemandHidden {
			title = n.t("matches.hidden_demand")
		}
		t.Rows = append(t.Rows, []string{m.DemandExt, title, m.DemandOwner, m.AchievementExt, m.AchievementTitle, m.AchievementOwner,
			n.t("mstatus." + string(m.Status)), reason, m.Note, strconv.FormatFloat(m.Score, 'f', 3, 64),
			m.CreatedAt.Local().Format("2006-01-02 15:04"), m.UpdatedAt.Local().Format("2006-01-02 15:04")})
	}
	return t
}
