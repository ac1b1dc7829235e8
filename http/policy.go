package http

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/innobridge/innobridge"
	"github.com/innobridge/innobridge/importer"
	"github.com/innobridge/innobridge/policy"
	"github.com/innobridge/innobridge/service"
	"github.com/innobridge/innobridge/tier"
)

// The policy calculator's pages and API: the 政策计算器 / 培育梯度 section
// of an enterprise's page, the indicator form, the staff import of
// indicators, the 免申即享 lists at /staff/policies and the tier pipeline
// at /staff/pipeline.

// calcView is the calculator section of an enterprise's page.
type calcView struct {
	Org        string // external id
	AsOf       string
	Recorded   string // "YYYY-MM-DD" when evaluating the figures as recorded then
	FiscalYear int
	HasData    bool
	CanEdit    bool
	Tiers      []tierView
	Next       *tierView
	Policies   []policyView
	Recs       []recView
}

// tierView is one tier: held or not, pass/fail, score and every criterion.
type tierView struct {
	Rule, Title, Version string
	Held                 bool
	Number, LastDay      string
	Expiring             bool
	Missing              string
	Eligible             bool
	Score                string // "64 / 100（合格线 60）", "" without a score
	Criteria             []criterionView
	Gaps                 []string // plain Chinese
}

// criterionView is one line of a trace.
type criterionView struct {
	Title, Value, Threshold, Points, Note string
	Status                                string // pass, fail, info
	Child                                 bool
}

// policyView is one local policy for one enterprise.
type policyView struct {
	Name, Title string
	Eligible    bool
	Amount      string
	Criteria    []criterionView
	Gaps        []string
}

// recView is one recognition held.
type recView struct {
	Kind, Number, Granted, LastDay, Status string
	DaysLeft                               int
}

func recognitionTitle(kind string) string { return innobridge.RecognitionTitle(kind) }

// criteria flattens a trace to its top-level criteria and their children,
// in lang.
func criteria(steps []policy.Step, child bool, lang string) []criterionView {
	var out []criterionView
	for i := range steps {
		st := &steps[i]
		c := criterionView{Title: st.TitleIn(lang), Value: st.DisplayIn(lang), Threshold: st.ThresholdIn(lang), Note: st.NoteIn(lang),
			Child: child, Status: "info"}
		if st.Pass != nil {
			c.Status = map[bool]string{true: "pass", false: "fail"}[*st.Pass]
		}
		if st.Points != nil {
			c.Points = fmtFloat(*st.Points)
			if st.MaxPoints > 0 {
				c.Points += " / " + fmtFloat(st.MaxPoints)
			}
		}
		out = append(out, c)
		if !child {
			out = append(out, criteria(st.Steps, true, lang)...)
		}
	}
	return out
}

func fmtFloat(v float64) string { return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64) }

// gapsIn is what an enterprise lacks, in lang: nil when it qualifies.
func gapsIn(res *policy.Result, lang string) []string {
	if res.Eligible {
		return nil
	}
	return res.GapsIn(lang)
}

func wanText(yuan int64) string {
	return fmtFloat(float64(yuan)/1e4) + " 万元"
}

func newTierView(st *service.TierStatus, lang string) tierView {
	v := tierView{Rule: st.Tier.Rule, Title: st.Tier.Title, Held: st.Held != nil, Expiring: st.Expiring, Missing: st.Missing}
	if st.Held != nil {
		v.Number = st.Held.Number
	}
	if st.LastDay != nil {
		v.LastDay = st.LastDay.String()
	}
	if r := st.Result; r != nil {
		v.Version, v.Eligible = r.Version, r.Eligible
		if r.Score != nil {
			v.Score = fmtFloat(*r.Score)
			if r.MaxScore != nil {
				v.Score += " / " + fmtFloat(*r.MaxScore)
			}
			if r.PassScore != nil {
				if lang == "en" {
					v.Score += " (pass mark " + fmtFloat(*r.PassScore) + ")"
				} else {
					v.Score += "（合格线 " + fmtFloat(*r.PassScore) + "）"
				}
			}
		}
		v.Criteria = criteria(r.Trace, false, lang)
		v.Gaps = gapsIn(r, lang)
	}
	return v
}

// newCalcView lays an evaluation out for the page, in lang.
func newCalcView(ev *service.Evaluation, canEdit bool, lang string) *calcView {
	c := &calcView{Org: ev.Org.ExternalID, AsOf: ev.AsOf.String(), FiscalYear: ev.FiscalYear, CanEdit: canEdit,
		HasData: len(ev.Stored.Years) > 0 || len(ev.Stored.Profile.Recognitions) > 0}
	for i := range ev.Tiers {
		c.Tiers = append(c.Tiers, newTierView(&ev.Tiers[i], lang))
	}
	if ev.Next >= 0 {
		c.Next = &c.Tiers[ev.Next]
	}
	for i := range ev.Policies {
		r := &ev.Policies[i]
		p := policyView{Name: r.Rule, Title: r.TitleIn(lang), Eligible: r.Eligible, Criteria: criteria(r.Trace, false, lang), Gaps: gapsIn(r, lang)}
		if r.Amount != nil {
			p.Amount = moneyText(*r.Amount, lang)
		}
		c.Policies = append(c.Policies, p)
	}
	for _, e := range ev.Recognitions {
		rv := recView{Kind: recognitionTitle(e.Kind), Number: e.Number, Granted: e.Granted.String(), Status: string(e.Status), DaysLeft: e.DaysLeft}
		if e.LastDay != nil {
			rv.LastDay = e.LastDay.String()
		}
		c.Recs = append(c.Recs, rv)
	}
	return c
}

// calcFor returns the calculator section of o's page for the user, or nil
// when the user may not see it (anyone but staff and o's members) or o is
// not an enterprise.
func (s *Server) calcFor(r *http.Request, o *innobridge.Organization) (*calcView, error) {
	u := state(r).user
	if o.Kind != innobridge.OrgEnterprise || u == nil || !(u.IsStaff() || u.OrgID == o.ID) {
		return nil, nil
	}
	asOf, err := asOfParam(r)
	if err != nil {
		return nil, err
	}
	recorded, err := recordedParam(r)
	if err != nil {
		return nil, err
	}
	ev, err := s.svc.EvaluateRecorded(r.Context(), o.ID, asOf, recorded)
	if err != nil {
		return nil, err
	}
	c := newCalcView(ev, u.IsStaff() || (u.OrgID == o.ID && u.Role == innobridge.RoleMember), state(r).lang)
	c.Recorded = r.URL.Query().Get("recorded")
	return c, nil
}

// recordedParam reads ?recorded=YYYY-MM-DD: evaluate the figures as they
// were recorded at the end of that day (UTC); nil when absent.
func recordedParam(r *http.Request) (*time.Time, error) {
	s := r.URL.Query().Get("recorded")
	if s == "" {
		return nil, nil
	}
	d, err := innobridge.ParseDate(s)
	if err != nil {
		return nil, fieldError("recorded", "format", "日期格式应为 YYYY-MM-DD (recorded must be YYYY-MM-DD)")
	}
	t := d.AddDate(0, 0, 1)
	return &t, nil
}

// asOfParam reads ?as_of=YYYY-MM-DD; zero when absent.
func asOfParam(r *http.Request) (innobridge.Date, error) {
	s := r.URL.Query().Get("as_of")
	if s == "" {
		return innobridge.Date{}, nil
	}
	d, err := innobridge.ParseDate(s)
	if err != nil {
		return d, fieldError("as_of", "format", "日期格式应为 YYYY-MM-DD (as_of must be YYYY-MM-DD)")
	}
	return d, nil
}

// enterpriseParam resolves the {id} of an organisation route.
func (s *Server) enterpriseParam(r *http.Request) (*innobridge.Organization, error) {
	return s.orgByExternalID(r.Context(), r.PathValue("id"))
}

// handleEvaluation serves GET /api/v1/organizations/{id}/evaluation: the
// enterprise against every tier in force and every active local policy.
func (s *Server) handleEvaluation(w http.ResponseWriter, r *http.Request) error {
	o, err := s.enterpriseParam(r)
	if err != nil {
		return err
	}
	asOf, err := asOfParam(r)
	if err != nil {
		return err
	}
	recorded, err := recordedParam(r)
	if err != nil {
		return err
	}
	ev, err := s.svc.EvaluateRecorded(r.Context(), o.ID, asOf, recorded)
	if err != nil {
		return err
	}
	type tierJSON struct {
		service.TierStatus
		GapsZH []string `json:"gaps_zh,omitempty"`
	}
	out := struct {
		*service.Evaluation
		Tiers []tierJSON `json:"tiers"`
	}{Evaluation: ev}
	for _, t := range ev.Tiers {
		tj := tierJSON{TierStatus: t}
		if t.Result != nil {
			tj.GapsZH = gapsIn(t.Result, "zh")
		}
		out.Tiers = append(out.Tiers, tj)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// handleIndicatorsAPI serves GET /api/v1/organizations/{id}/indicators.
func (s *Server) handleIndicatorsAPI(w http.ResponseWriter, r *http.Request) error {
	o, err := s.enterpriseParam(r)
	if err != nil {
		return err
	}
	e, err := s.svc.FindEnterpriseIndicators(r.Context(), o.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, e)
	return nil
}

func yearParam(r *http.Request) (int, error) {
	y, err := strconv.Atoi(r.PathValue("year"))
	if err != nil || y < 1949 || y > 2200 {
		return 0, fieldError("year", "format", "年度应为四位数字 (year must be a four-digit year)")
	}
	return y, nil
}

// handleYearPut serves PUT /api/v1/organizations/{id}/indicators/{year}:
// the body is a year's figures (the "years[]" object of docs/policy.md).
func (s *Server) handleYearPut(w http.ResponseWriter, r *http.Request) error {
	o, err := s.enterpriseParam(r)
	if err != nil {
		return err
	}
	year, err := yearParam(r)
	if err != nil {
		return err
	}
	var y innobridge.YearFigures
	if err := decodeJSON(r, &y); err != nil {
		return err
	}
	if y.Year != 0 && y.Year != year {
		return fieldError("year", "mismatch", "正文中的年度 %d 与地址中的 %d 不一致 (the body's year differs from the URL's)", y.Year, year)
	}
	y.Year = year
	changes, err := s.svc.PutEnterpriseYear(r.Context(), o.ID, y)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"changes": nonNil(changes)})
	return nil
}

// handleYearDelete serves DELETE /api/v1/organizations/{id}/indicators/{year}.
func (s *Server) handleYearDelete(w http.ResponseWriter, r *http.Request) error {
	o, err := s.enterpriseParam(r)
	if err != nil {
		return err
	}
	year, err := yearParam(r)
	if err != nil {
		return err
	}
	if err := s.svc.DeleteEnterpriseYear(r.Context(), o.ID, year); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// handleProfilePut serves PUT /api/v1/organizations/{id}/profile: IP,
// recognitions, awards and the other facts that are not yearly.
func (s *Server) handleProfilePut(w http.ResponseWriter, r *http.Request) error {
	o, err := s.enterpriseParam(r)
	if err != nil {
		return err
	}
	var p innobridge.EnterpriseProfile
	if err := decodeJSON(r, &p); err != nil {
		return err
	}
	changes, err := s.svc.PutEnterpriseProfile(r.Context(), o.ID, &p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"changes": nonNil(changes)})
	return nil
}

// handleIndicatorChanges serves GET /api/v1/organizations/{id}/indicator-changes.
func (s *Server) handleIndicatorChanges(w http.ResponseWriter, r *http.Request) error {
	o, err := s.enterpriseParam(r)
	if err != nil {
		return err
	}
	off, _ := strconv.Atoi(r.URL.Query().Get("offset"))
	lim, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	list, total, err := s.svc.FindIndicatorChanges(r.Context(), o.ID, max(off, 0), lim)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": nonNil(list), "total": total})
	return nil
}

// indicatorsPage is /organizations/{id}/indicators: a year's figures, the
// recognitions and the history of changes.
type indicatorsPage struct {
	Base
	O       *innobridge.Organization
	Year    int
	Years   []int // years stored
	F       map[string]string
	Fields  []indicatorField
	Errs    map[string]innobridge.FieldError
	Err     string
	Recs    []recView
	Kinds   []kindOption
	Changes []*innobridge.IndicatorChange
	Saved   int // fields changed by the last save, -1 none
	// P is the profile form: IP held and the 专精特新 facts.
	P             map[string]string
	ProfileFields []indicatorField
}

type indicatorField struct{ Name, Label, Unit string }

type kindOption struct{ Kind, Title string }

// indicatorFields are the form's inputs, in order.
var indicatorFields = []indicatorField{
	{"staff", "职工总数", "人"}, {"st_staff", "科技人员数", "人"}, {"rd_staff", "研发人员数", "人"},
	{"revenue", "销售（营业）收入", "元"}, {"main_revenue", "主营业务收入", "元"}, {"total_income", "总收入（0 表示同销售收入）", "元"},
	{"hightech_income", "高新技术产品（服务）收入", "元"}, {"total_costs", "成本费用总额", "元"}, {"total_assets", "资产总额", "元"},
	{"total_liabilities", "负债总额", "元"}, {"net_profit", "净利润", "元"}, {"rd_expense", "研发费用", "元"},
	{"rd_expense_domestic", "其中境内研发费用（空表示全部）", "元"}, {"equity_financing", "股权融资", "元"}, {"conversions", "成果转化数", "项"},
}

func yearForm(y *innobridge.YearFigures) map[string]string {
	f := map[string]string{}
	if y == nil {
		return f
	}
	i := func(n int64) string { return strconv.FormatInt(n, 10) }
	f["staff"], f["st_staff"], f["rd_staff"] = i(int64(y.Staff)), i(int64(y.STStaff)), i(int64(y.RDStaff))
	f["revenue"], f["main_revenue"], f["total_income"] = i(y.Revenue), i(y.MainRevenue), i(y.TotalIncome)
	f["hightech_income"], f["total_costs"], f["total_assets"] = i(y.HighTechIncome), i(y.TotalCosts), i(y.TotalAssets)
	f["total_liabilities"], f["net_profit"], f["rd_expense"] = i(y.TotalLiabilities), i(y.NetProfit), i(y.RDExpense)
	if y.RDExpenseDomestic != nil {
		f["rd_expense_domestic"] = i(*y.RDExpenseDomestic)
	}
	f["equity_financing"], f["conversions"] = i(y.EquityFinancing), i(int64(y.Conversions))
	return f
}

// parseYearForm reads the form's figures; blank is 0.
func parseYearForm(r *http.Request, year int) (innobridge.YearFigures, map[string]string, error) {
	y := innobridge.YearFigures{Year: year}
	f := map[string]string{}
	v := innobridge.Validation{}
	for _, fd := range indicatorFields {
		s := strings.TrimSpace(innobridge.FoldWidth(r.FormValue(fd.Name)))
		f[fd.Name] = s
		if s == "" {
			continue
		}
		n, err := strconv.ParseInt(strings.ReplaceAll(s, ",", ""), 10, 64)
		if err != nil {
			v.Add(fd.Name, "format", "应为整数 (expected a whole number)")
			continue
		}
		switch fd.Name {
		case "staff":
			y.Staff = int(n)
		case "st_staff":
			y.STStaff = int(n)
		case "rd_staff":
			y.RDStaff = int(n)
		case "revenue":
			y.Revenue = n
		case "main_revenue":
			y.MainRevenue = n
		case "total_income":
			y.TotalIncome = n
		case "hightech_income":
			y.HighTechIncome = n
		case "total_costs":
			y.TotalCosts = n
		case "total_assets":
			y.TotalAssets = n
		case "total_liabilities":
			y.TotalLiabilities = n
		case "net_profit":
			y.NetProfit = n
		case "rd_expense":
			y.RDExpense = n
		case "rd_expense_domestic":
			d := n
			y.RDExpenseDomestic = &d
		case "equity_financing":
			y.EquityFinancing = n
		case "conversions":
			y.Conversions = int(n)
		}
	}
	return y, f, v.Err()
}

func (s *Server) indicatorsPageFor(r *http.Request, o *innobridge.Organization, year int) (*indicatorsPage, error) {
	ctx := r.Context()
	e, err := s.svc.FindEnterpriseIndicators(ctx, o.ID)
	if err != nil {
		return nil, err
	}
	changes, _, err := s.svc.FindIndicatorChanges(ctx, o.ID, 0, 50)
	if err != nil {
		return nil, err
	}
	if year == 0 {
		year = innobridge.NewDate(s.svc.Now()).Year() - 1
	}
	p := &indicatorsPage{O: o, Year: year, Fields: indicatorFields, Changes: changes, Saved: -1}
	for i := range e.Years {
		p.Years = append(p.Years, e.Years[i].Year)
		if e.Years[i].Year == year {
			p.F = yearForm(&e.Years[i])
		}
	}
	if p.F == nil {
		p.F = map[string]string{}
	}
	p.P, p.ProfileFields = profileForm(&e.Profile), profileFields
	in := e.Indicators(o)
	for _, en := range tier.Registry([]*innobridge.Indicators{in}, innobridge.NewDate(s.svc.Now()), service.ExpiryWindow) {
		rv := recView{Kind: recognitionTitle(en.Kind), Number: en.Number, Granted: en.Granted.String(), Status: string(en.Status), DaysLeft: en.DaysLeft}
		if en.LastDay != nil {
			rv.LastDay = en.LastDay.String()
		}
		p.Recs = append(p.Recs, rv)
	}
	for _, k := range innobridge.RecognitionKinds {
		p.Kinds = append(p.Kinds, kindOption{k, recognitionTitle(k)})
	}
	p.Nav = "organizations"
	return p, nil
}

// handleIndicatorsForm serves GET /organizations/{id}/indicators?year=.
func (s *Server) handleIndicatorsForm(w http.ResponseWriter, r *http.Request) error {
	if err := requireLogin(r); err != nil {
		return err
	}
	o, err := s.enterpriseParam(r)
	if err != nil {
		return err
	}
	year, _ := strconv.Atoi(r.URL.Query().Get("year"))
	p, err := s.indicatorsPageFor(r, o, year)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "indicators", p)
	return nil
}

// handleIndicatorsSave serves POST /organizations/{id}/indicators: one
// year's figures from the form.
func (s *Server) handleIndicatorsSave(w http.ResponseWriter, r *http.Request) error {
	if err := requireLogin(r); err != nil {
		return err
	}
	o, err := s.enterpriseParam(r)
	if err != nil {
		return err
	}
	year, yerr := strconv.Atoi(strings.TrimSpace(r.FormValue("year")))
	if yerr != nil || year < 1949 || year > 2200 {
		year = 0
	}
	y, form, ferr := parseYearForm(r, year)
	var changes []*innobridge.IndicatorChange
	err = ferr
	if year == 0 {
		err = mergeValidation(err, fieldError("year", "format", "年度应为四位数字 (year must be a four-digit year)"))
	}
	if err == nil {
		changes, err = s.svc.PutEnterpriseYear(r.Context(), o.ID, y)
	}
	if err != nil && innobridge.ErrorCode(err) != innobridge.EINVALID {
		return err
	}
	p, perr := s.indicatorsPageFor(r, o, year)
	if perr != nil {
		return perr
	}
	if err != nil {
		p.F, p.Errs, p.Err = form, fieldsOf(err), formMessage(err)
		s.render(w, r, http.StatusUnprocessableEntity, "indicators", p)
		return nil
	}
	http.Redirect(w, r, fmt.Sprintf("/organizations/%s/indicators?year=%d&saved=%d", url.PathEscape(o.ExternalID), year, len(changes)), http.StatusSeeOther)
	return nil
}

// handleRecognitionAdd serves POST /organizations/{id}/recognitions.
func (s *Server) handleRecognitionAdd(w http.ResponseWriter, r *http.Request) error {
	if err := requireLogin(r); err != nil {
		return err
	}
	o, err := s.enterpriseParam(r)
	if err != nil {
		return err
	}
	v := innobridge.Validation{}
	rec := innobridge.Recognition{Kind: r.FormValue("kind"), Number: strings.TrimSpace(r.FormValue("number"))}
	if d := parseDateField(&v, "granted", r.FormValue("granted")); d != nil {
		rec.Granted = *d
	}
	rec.Expires = parseDateField(&v, "expires", r.FormValue("expires"))
	err = v.Err()
	if err == nil {
		_, err = s.svc.AddRecognition(r.Context(), o.ID, rec)
	}
	if err != nil {
		if innobridge.ErrorCode(err) != innobridge.EINVALID {
			return err
		}
		p, perr := s.indicatorsPageFor(r, o, 0)
		if perr != nil {
			return perr
		}
		p.Errs, p.Err = fieldsOf(err), formMessage(err)
		s.render(w, r, http.StatusUnprocessableEntity, "indicators", p)
		return nil
	}
	http.Redirect(w, r, "/organizations/"+url.PathEscape(o.ExternalID)+"/indicators", http.StatusSeeOther)
	return nil
}

// policiesPage is /staff/policies: every local policy's 免申即享 list.
type policiesPage struct {
	Base
	Notified int // notifications created by the run just made
	AsOf     string
	Policies []policyListView
}

type policyListView struct {
	Name, Title, Period, Budget, Total, ProRata string
	Active, OverBudget, Example                 bool
	Count                                       int
	Payees                                      []payeeView
}

type payeeView struct {
	ID, Name, Amount string
}

func newPolicyListViews(list *service.PolicyList, lang string) []policyListView {
	var out []policyListView
	for _, run := range list.Runs {
		title := run.Title
		if lang != "en" && run.TitleZh != "" {
			title = run.TitleZh
		}
		v := policyListView{Name: run.Policy, Title: title, Period: run.From.String() + " – " + run.Until.String(),
			Budget: wanText(run.Budget), Total: wanText(run.Total), Active: run.Active, OverBudget: run.OverBudget,
			Example: run.Example, Count: run.Count}
		if run.OverBudget {
			v.ProRata = fmt.Sprintf("%.1f%%", run.ProRata*100)
		}
		for _, p := range run.Qualifying {
			pv := payeeView{ID: p.ID, Amount: wanText(p.Amount)}
			if o := list.Orgs[p.ID]; o != nil {
				pv.Name = o.Name
			}
			v.Payees = append(v.Payees, pv)
		}
		out = append(out, v)
	}
	return out
}

// handlePolicies serves GET /staff/policies (HTML, .xlsx, .csv, .json)
// and GET /api/v1/policies.
func (s *Server) handlePolicies(w http.ResponseWriter, r *http.Request) error {
	asOf, err := asOfParam(r)
	if err != nil {
		return err
	}
	format := formatOf(r)
	if isAPI(r) {
		format = "json"
	}
	list, err := s.svc.PolicyRuns(r.Context(), asOf, format == "json")
	if err != nil {
		return err
	}
	switch format {
	case "json":
		writeJSON(w, http.StatusOK, list)
		return nil
	case "csv", "xlsx":
		return s.writeTable(w, format, policyTable(list))
	}
	p := &policiesPage{AsOf: list.AsOf.String(), Policies: newPolicyListViews(list, state(r).lang)}
	p.Notified, _ = strconv.Atoi(r.URL.Query().Get("notified"))
	p.Nav = "policies"
	s.render(w, r, http.StatusOK, "policies", p)
	return nil
}

// policyTable is the 免申即享 lists as one sheet, a row per policy ×
// qualifying enterprise.
func policyTable(list *service.PolicyList) table {
	t := table{Name: "policies-" + list.AsOf.String(), Header: []string{"政策编号", "政策名称", "预算(元)", "合计(元)", "超预算",
		"企业编号", "企业名称", "统一社会信用代码", "测算金额(元)"}}
	for _, run := range list.Runs {
		over := "否"
		if run.OverBudget {
			over = "是"
		}
		for _, p := range run.Qualifying {
			name, code := "", ""
			if o := list.Orgs[p.ID]; o != nil {
				name, code = o.Name, o.USCC
			}
			t.Rows = append(t.Rows, []string{run.Policy, run.Title, strconv.FormatInt(run.Budget, 10), strconv.FormatInt(run.Total, 10), over,
				p.ID, name, code, strconv.FormatInt(p.Amount, 10)})
		}
	}
	return t
}

// pipelinePage is /staff/pipeline: candidates per tier and expiring
// recognitions.
type pipelinePage struct {
	Base
	AsOf     string
	Tiers    []pipelineTierView
	Expiring []expiringView
	Counts   []countView
	// Over is the holders of each tier (rows) at each date (OverDates).
	OverDates []string
	Over      []overRow
}

type overRow struct {
	Tier string
	N    []int
}

type pipelineTierView struct {
	Title, Rule, Missing string
	Holders              int
	Candidates           []candidateView
}

type candidateView struct {
	ID, Name, Distance, Score string
	Eligible, Renewal         bool
	Gaps                      []string
}

type expiringView struct {
	ID, Name, Kind, Number, LastDay string
	DaysLeft                        int
}

type countView struct {
	Tier, Region string
	N            int
}

// handlePipeline serves GET /staff/pipeline and GET /api/v1/tier-pipeline.
func (s *Server) handlePipeline(w http.ResponseWriter, r *http.Request) error {
	asOf, err := asOfParam(r)
	if err != nil {
		return err
	}
	p, err := s.svc.Pipeline(r.Context(), asOf, 0)
	if err != nil {
		return err
	}
	if isAPI(r) || formatOf(r) == "json" {
		writeJSON(w, http.StatusOK, p)
		return nil
	}
	name := func(id string) string {
		if o := p.Orgs[id]; o != nil {
			return o.Name
		}
		return id
	}
	page := &pipelinePage{AsOf: p.AsOf.String()}
	for _, t := range p.Tiers {
		tv := pipelineTierView{Title: t.Tier.Title, Rule: t.Tier.Rule, Missing: t.Missing, Holders: t.Holders}
		for _, c := range t.Candidates {
			cv := candidateView{ID: c.ID, Name: name(c.ID), Distance: fmtFloat(c.Result.Distance), Eligible: c.Result.Eligible, Renewal: c.Renewal}
			if c.Result.Score != nil {
				cv.Score = fmtFloat(*c.Result.Score)
			}
			cv.Gaps = gapsIn(&c.Result, state(r).lang)
			tv.Candidates = append(tv.Candidates, cv)
		}
		page.Tiers = append(page.Tiers, tv)
	}
	for _, e := range p.Expiring {
		ev := expiringView{ID: e.Enterprise, Name: name(e.Enterprise), Kind: recognitionTitle(e.Kind), Number: e.Number, DaysLeft: e.DaysLeft}
		if e.LastDay != nil {
			ev.LastDay = e.LastDay.String()
		}
		page.Expiring = append(page.Expiring, ev)
	}
	for _, c := range p.Counts {
		title := c.Tier
		if t, ok := tier.TierOf(c.Tier); ok {
			title = t.Title
		}
		region := innobridge.RegionName(c.Region)
		if region == "" {
			region = c.Region
		}
		page.Counts = append(page.Counts, countView{Tier: title, Region: region, N: c.N})
	}
	for _, snap := range p.Over {
		page.OverDates = append(page.OverDates, snap.AsOf.String())
	}
	for _, t := range tier.Ladder {
		row := overRow{Tier: t.Title}
		for _, snap := range p.Over {
			n := 0
			for _, c := range snap.Counts {
				if c.Tier == t.Rule {
					n += c.N
				}
			}
			row.N = append(row.N, n)
		}
		page.Over = append(page.Over, row)
	}
	page.Nav = "policies"
	s.render(w, r, http.StatusOK, "pipeline", page)
	return nil
}

// indicatorImportPage is /staff/indicators/import.
type indicatorImportPage struct {
	Base
	Columns  []importer.IndicatorColumn
	Imported int
	Problems []string
	Err      string
}

// handleIndicatorImportForm serves GET /staff/indicators/import.
func (s *Server) handleIndicatorImportForm(w http.ResponseWriter, r *http.Request) error {
	if err := requireStaffPage(r); err != nil {
		return err
	}
	p := &indicatorImportPage{Columns: importer.IndicatorColumns}
	p.Nav = "staff"
	s.render(w, r, http.StatusOK, "indicator_import", p)
	return nil
}

func requireStaffPage(r *http.Request) error {
	if err := requireLogin(r); err != nil {
		return err
	}
	if !state(r).user.IsStaff() {
		return innobridge.Errorf(innobridge.EFORBIDDEN, "仅限科技局工作人员 (staff only)")
	}
	return nil
}

// handleIndicatorImport serves POST /staff/indicators/import: one file of
// yearly figures, all or nothing, every problem listed by row and field.
func (s *Server) handleIndicatorImport(w http.ResponseWriter, r *http.Request) error {
	if err := requireStaffPage(r); err != nil {
		return err
	}
	ctx := r.Context()
	p := &indicatorImportPage{Columns: importer.IndicatorColumns}
	p.Nav = "staff"
	file, hdr, err := r.FormFile("file")
	if err != nil {
		p.Err = "请选择文件 (choose a file)"
		s.render(w, r, http.StatusUnprocessableEntity, "indicator_import", p)
		return nil
	}
	defer file.Close()
	data, err := io.ReadAll(file)
	if err != nil {
		return badRequest("读取上传文件失败 (reading the upload failed: %v)", err)
	}
	kind := innobridge.OrgEnterprise
	orgs, _, err := s.svc.FindOrganizations(ctx, innobridge.OrganizationFilter{Kind: &kind, Limit: 1000})
	if err != nil {
		return err
	}
	byUSCC, byExt := map[string]*innobridge.Organization{}, map[string]*innobridge.Organization{}
	for _, o := range orgs {
		if o.USCC != "" {
			byUSCC[o.USCC] = o
		}
		byExt[o.ExternalID] = o
	}
	resolve := func(uscc, ext string) (int64, string, bool) {
		o := byUSCC[innobridge.NormalizeUSCC(uscc)]
		if uscc == "" {
			o = byExt[ext]
		}
		if o == nil {
			return 0, "", false
		}
		return o.ID, o.Name, true
	}
	rows, err := importer.ParseIndicators(ctx, hdr.Filename, bytes.NewReader(data), resolve)
	if err == nil {
		p.Imported, err = s.svc.ImportIndicators(ctx, hdr.Filename, rows)
	}
	if err != nil {
		if innobridge.ErrorCode(err) == innobridge.EINTERNAL {
			return err
		}
		p.Err = "文件未导入，请修正以下问题后重新上传 (nothing was imported; fix these problems and upload again)"
		p.Problems = problemLines(err)
		s.render(w, r, statusOf(err), "indicator_import", p)
		return nil
	}
	s.render(w, r, http.StatusOK, "indicator_import", p)
	return nil
}

// handleEvaluationsExport serves GET /staff/evaluations.xlsx: every
// enterprise with indicators against every tier and active policy, with
// traces and gaps (the workbook of innobridge evaluate --xlsx).
func (s *Server) handleEvaluationsExport(w http.ResponseWriter, r *http.Request) error {
	asOf, err := asOfParam(r)
	if err != nil {
		return err
	}
	lines, _, err := s.svc.EvaluateAll(r.Context(), asOf)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	xw, err := policy.NewXLSXWriter(&buf)
	if err != nil {
		return err
	}
	for _, l := range lines {
		if err := xw.Add(l); err != nil {
			return err
		}
	}
	if err := xw.Close(); err != nil {
		return err
	}
	name := "evaluations-" + innobridge.NewDate(s.svc.Now()).String() + ".xlsx"
	if !asOf.IsZero() {
		name = "evaluations-" + asOf.String() + ".xlsx"
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	_, err = w.Write(buf.Bytes())
	return err
}

// profileFields are the profile form's inputs: counts unless Unit says.
var profileFields = []indicatorField{
	{"invention_patents", "有效发明专利", "件"}, {"utility_models", "实用新型专利", "件"}, {"designs", "外观设计专利", "件"},
	{"software_copyrights", "软件著作权", "件"}, {"ic_layouts", "集成电路布图设计", "件"},
	{"applied_class1", "其中已应用于主导产品的Ⅰ类知识产权", "件"},
	{"hightech_field", "国家重点支持的高新技术领域（代码 1–8）", "代码"}, {"niche_since", "进入细分市场日期", "YYYY-MM-DD"},
	{"digital_level", "中小企业数字化水平等级（0–4）", "级"}, {"development_score", "专精特新发展评价得分", "分"},
}

func profileForm(p *innobridge.EnterpriseProfile) map[string]string {
	i := strconv.Itoa
	f := map[string]string{"invention_patents": i(p.IP.InventionPatents), "utility_models": i(p.IP.UtilityModels),
		"designs": i(p.IP.Designs), "software_copyrights": i(p.IP.SoftwareCopyrights), "ic_layouts": i(p.IP.ICLayouts),
		"applied_class1": i(p.IP.AppliedClassI), "hightech_field": p.HighTechField, "digital_level": i(p.DigitalLevel)}
	if p.NicheSince != nil {
		f["niche_since"] = p.NicheSince.String()
	}
	if p.DevelopmentScore != nil {
		f["development_score"] = fmtFloat(*p.DevelopmentScore)
	}
	return f
}

// handleProfileSave serves POST /organizations/{id}/profile: the IP and
// 专精特新 facts of the profile form; the rest of the profile is kept.
func (s *Server) handleProfileSave(w http.ResponseWriter, r *http.Request) error {
	if err := requireLogin(r); err != nil {
		return err
	}
	o, err := s.enterpriseParam(r)
	if err != nil {
		return err
	}
	stored, err := s.svc.FindEnterpriseIndicators(r.Context(), o.ID)
	if err != nil {
		return err
	}
	p := stored.Profile
	v := innobridge.Validation{}
	form := map[string]string{}
	num := func(name string) int {
		s := strings.TrimSpace(innobridge.FoldWidth(r.FormValue(name)))
		form[name] = s
		if s == "" {
			return 0
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			v.Add(name, "format", "应为整数 (expected a whole number)")
		}
		return n
	}
	p.IP.InventionPatents, p.IP.UtilityModels, p.IP.Designs = num("invention_patents"), num("utility_models"), num("designs")
	p.IP.SoftwareCopyrights, p.IP.ICLayouts, p.IP.AppliedClassI = num("software_copyrights"), num("ic_layouts"), num("applied_class1")
	p.DigitalLevel = num("digital_level")
	p.HighTechField = strings.TrimSpace(r.FormValue("hightech_field"))
	form["hightech_field"] = p.HighTechField
	form["niche_since"] = r.FormValue("niche_since")
	p.NicheSince = parseDateField(&v, "niche_since", r.FormValue("niche_since"))
	ds := strings.TrimSpace(r.FormValue("development_score"))
	form["development_score"] = ds
	p.DevelopmentScore = nil
	if ds != "" {
		if x, err := strconv.ParseFloat(ds, 64); err != nil {
			v.Add("development_score", "format", "应为数字 (expected a number)")
		} else {
			p.DevelopmentScore = &x
		}
	}
	err = v.Err()
	if err == nil {
		_, err = s.svc.PutEnterpriseProfile(r.Context(), o.ID, &p)
	}
	if err != nil {
		if innobridge.ErrorCode(err) != innobridge.EINVALID {
			return err
		}
		page, perr := s.indicatorsPageFor(r, o, 0)
		if perr != nil {
			return perr
		}
		page.P, page.Errs, page.Err = form, profileErrs(err), formMessage(err)
		s.render(w, r, http.StatusUnprocessableEntity, "indicators", page)
		return nil
	}
	http.Redirect(w, r, "/organizations/"+url.PathEscape(o.ExternalID)+"/indicators", http.StatusSeeOther)
	return nil
}

// profileErrs names validation errors by the form's inputs ("ip.designs"
// is the input "designs").
func profileErrs(err error) map[string]innobridge.FieldError {
	out := map[string]innobridge.FieldError{}
	for k, fe := range fieldsOf(err) {
		out["p."+strings.TrimPrefix(k, "ip.")] = fe
	}
	return out
}

// moneyText shows an amount of yuan in lang: "10 万元" or "¥100,000".
func moneyText(yuan int64, lang string) string {
	if lang != "en" {
		return wanText(yuan)
	}
	return innobridge.YuanEn(yuan)
}
