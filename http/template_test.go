package http

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/innobridge/innobridge"
	"github.com/innobridge/innobridge/match"
	"github.com/innobridge/innobridge/service"
)

func ptr[T any](v T) *T { return &v }

// samplePages returns a filled page struct for every template, so that
// TestTemplates can execute each with data that reaches its branches.
func samplePages() map[string]page {
	now := time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)
	exp := innobridge.NewDate(now.AddDate(1, 0, 0))
	user := &innobridge.User{ID: 1, Username: "staff1", Name: "王科员", Role: innobridge.RoleStaff}
	base := Base{User: user, CSRF: "tok", Nav: "home"}
	org := &innobridge.Organization{ID: 1, ExternalID: "org-1", Name: "苏州大学", Kind: innobridge.OrgUniversity, Region: "320508",
		Industry: "M73", Address: "十梓街1号", Contact: "李老师", Phone: "0512-1", Email: "a@b.cn", Website: "https://x.cn", Intro: "简介"}
	ach := &innobridge.Achievement{Listing: innobridge.Listing{ID: 1, ExternalID: "ach-1", Title: "高炉煤气余热回收技术",
		Description: "描述", Keywords: []string{"煤气", "余热"}, Field: "6", Region: "320506", OwnerOrgID: 1, OwnerOrg: "org-1",
		OwnerName: "苏州大学", Status: innobridge.StatusPublished, ExpiresAt: &exp, CreatedAt: now, UpdatedAt: now},
		TRL: 6, IPType: innobridge.IPInventionPatent, IPNumbers: []string{"ZL1"}, TransferModes: []innobridge.Mode{innobridge.ModeLicense},
		PriceYuan: ptr(int64(1500000))}
	dem := &innobridge.Demand{Listing: innobridge.Listing{ID: 2, ExternalID: "dem-1", Title: "提高高炉煤气利用率", Teaser: "摘要",
		Field: "6", Region: "320506", OwnerOrgID: 2, OwnerOrg: "org-2", OwnerName: "沙钢", Status: innobridge.StatusSuspended,
		Hidden: true, CreatedAt: now, UpdatedAt: now}, BudgetMinYuan: ptr(int64(500000)), BudgetMaxYuan: ptr(int64(2000000)),
		Deadline: &exp, CoopModes: []innobridge.Mode{innobridge.ModeCoDevelop}, TRLMin: 5, Confidentiality: innobridge.ConfTeaser}
	lapsedAch, lapsedDem := *ach, *dem
	lapsedAch.ExternalID, lapsedAch.Lapsed = "ach-2", innobridge.LapseExpired
	lapsedDem.ExternalID, lapsedDem.Lapsed = "dem-2", innobridge.LapseWithdrawn
	errs := map[string]innobridge.FieldError{"title": {Code: "required", Message: "标题必填 (title is required)"},
		"price_yuan": {Code: "format", Message: "x (y)"}, "teaser": {Code: "required", Message: "x (y)"}, "name": {Code: "required", Message: "x (y)"}}
	regions := innobridge.CityDistricts(innobridge.DemoCityCode)
	lp := listParams{Q: "煤气", Field: "6", Region: "320500", Mode: "license", TRLMin: "3", TRLMax: "9", Statuses: []string{"published"},
		Confs: []string{"teaser"}, Org: "org-1", Sort: "title", Page: 2, PerPage: 20}
	pg := pager{Page: 2, Pages: 9, Total: 170, Prev: "/a?page=1", Next: "/a?page=3",
		Links: []pageLink{{N: 1, URL: "/a"}, {Gap: true}, {N: 2, URL: "/a?page=2", Current: true}, {N: 9, URL: "/a?page=9"}}}
	pages := map[string]page{
		"home": &homePage{Base: base, Counts: service.Counts{Achievements: 3, Demands: 2, Organizations: 5, Enterprises: 2},
			Achievements: []*innobridge.Achievement{ach}, Demands: []*innobridge.Demand{dem}},
		"achievements": &listPage[*innobridge.Achievement]{Base: base, Items: []*innobridge.Achievement{ach}, Total: 170, F: lp, Errs: errs, Pager: pg,
			Regions: regions, ExportCSV: "/achievements.csv", ExportXLSX: "/achievements.xlsx"},
		"demands": &listPage[*innobridge.Demand]{Base: base, Items: []*innobridge.Demand{dem}, Total: 1, F: lp, Pager: pg, Regions: regions},
		"achievement": &achievementPage{Base: base, A: ach, CanEdit: true, Recs: &recsView{Achievement: "ach-1", Track: true, Items: []*service.Recommendation{
			{Demand: dem, Score: 1.2, Why: match.Why{Matched: []string{"煤气"}, Related: []string{"高炉"}, Anchor: "dem-1",
				Fit: []match.Fit{{Criterion: "trl", OK: true, Detail: "成熟度TRL 6 ≥ 需求最低 5", DetailEn: "TRL 6, at least 5 asked"},
					{Criterion: "price", OK: false, Detail: "超出预算"}}},
				Tracked: &innobridge.Match{Status: innobridge.MatchDeclined, Reason: innobridge.DeclinePrice}}}}},
		"demand": &demandPage{Base: base, D: dem, CanEdit: true, Recs: &recsView{Demand: "dem-1", Track: true, Items: []*service.Recommendation{
			{Achievement: ach, Score: 0.8, Why: match.Why{Matched: []string{"余热"}, Share: 0.19}}},
			Weak: []*service.Recommendation{{Achievement: ach, Score: 0.3, Why: match.Why{Matched: []string{"通过"}, Share: 0.03}, Weak: true}}}},
		"docking_lists": &dockingListsPage{Base: base, Lists: []*innobridge.DockingList{{ID: 1, Name: "三月对接会", Field: "6", Region: "320500", TopN: 5, CreatedAt: now, Pairs: 9}},
			Total: 1, Counts: &innobridge.MatchCounts{ByStatus: map[innobridge.MatchStatus]int{innobridge.MatchDeclined: 2},
				ByReason: map[innobridge.DeclineReason]int{innobridge.DeclinePrice: 2}}, F: dockingForm{Name: "x", Field: "6", Region: "320500", TopN: "5"},
			Errs: map[string]innobridge.FieldError{"name": {Code: "required", Message: "x (y)"}}, Err: "x (y)", Regions: regions},
		"docking": &dockingPage{Base: base, L: &innobridge.DockingList{ID: 1, Name: "三月对接会", Field: "6", Region: "320500", TopN: 5, CreatedAt: now,
			EventID: 1, EventName: "三月路演", EventCancelled: true},
			Groups: groupItems([]*innobridge.DockingItem{{ID: 1, DemandExt: "dem-1", DemandTitle: "需求", AchievementExt: "ach-1", AchievementTitle: "成果",
				Rank: 1, Score: 1.5, Why: "共同词：煤气", State: innobridge.DockingProposed}, {ID: 2, DemandExt: "dem-1", Rank: 2, State: innobridge.DockingRemoved}})},
		"events": &eventsPage{Base: base, When: "past", Items: []*innobridge.Event{sampleEvent(now), {ID: 2, Name: "往期对接会",
			Kind: innobridge.EventDocking, StartsAt: now.AddDate(0, -1, 0), Status: innobridge.EventCancelled, CancelReason: "场地冲突",
			CancelledAt: &now}}, Total: 2, Pager: pg},
		"event": &eventPage{Base: base, E: &service.EventDetail{Event: sampleEvent(now), Achievements: []*innobridge.Achievement{ach, &lapsedAch},
			Demands: []*innobridge.Demand{dem, &lapsedDem}}, AddAchievements: "ach-x", AddDemands: "dem-x", CancelReason: "场地冲突",
			Errs: map[string]innobridge.FieldError{"achievements": {Code: "unknown", Message: "x (y)"}, "event": {Code: "empty", Message: "x (y)"}}, Err: "x (y)"},
		"event_form": &eventFormPage{Base: base, Edit: sampleEvent(now), F: eventFormFrom(sampleEvent(now)), Errs: map[string]innobridge.FieldError{
			"name": {Code: "required", Message: "x (y)"}, "starts_at": {Code: "format", Message: "x (y)"}}, Err: "x (y)", Regions: regions},
		"matches": &matchesPage{Base: base, Items: []*innobridge.Match{{ID: 1, DemandExt: "dem-1", AchievementExt: "ach-1", DemandTitle: "需求",
			AchievementTitle: "成果", DemandOwner: "沙钢", AchievementOwner: "苏州大学", Status: innobridge.MatchContacted, Note: "已电话联系",
			CreatedAt: now.AddDate(0, -2, 0), UpdatedAt: now.AddDate(0, -2, 0)}, {ID: 2, DemandExt: "dem-1", AchievementExt: "ach-2",
			Status: innobridge.MatchDeclined, Reason: innobridge.DeclinePrice, UpdatedAt: now.AddDate(0, -2, 0)}}, Total: 2, All: 5, QuietCount: 1,
			Counts: &innobridge.MatchCounts{ByStatus: map[innobridge.MatchStatus]int{innobridge.MatchContacted: 1, innobridge.MatchDeclined: 1},
				ByReason: map[innobridge.DeclineReason]int{innobridge.DeclinePrice: 1}}, F: matchParams{Status: "declined", Reason: "price", Quiet: true},
			Now: now, QuietDays: 30, Pager: pg, ExportCSV: "/staff/matches.csv", ExportXLSX: "/staff/matches.xlsx"},
		"duplicates": &duplicatesPage{Base: base, Kind: "achievements", Threshold: "0.6", Pairs: []*service.DuplicatePair{{A: &ach.Listing, B: &ach.Listing, Similarity: 0.93}}},
		"achievement_form": &formPage[innobridge.Achievement, achievementForm]{Base: base, Edit: ach, F: achievementFormFrom(ach), Errs: errs, Err: "出错 (error)",
			Orgs: []*innobridge.Organization{org}, Regions: regions},
		"demand_form": &formPage[innobridge.Demand, demandForm]{Base: base, F: demandFormFrom(dem), Errs: errs, Orgs: []*innobridge.Organization{org}, Regions: regions},
		"organizations": &listPage[*innobridge.Organization]{Base: base, Items: []*innobridge.Organization{org}, Total: 1, F: listParams{Kind: "university", Page: 1, PerPage: 20},
			Pager: pager{Page: 1, Pages: 1}, Regions: regions},
		"organization": &organizationPage{Base: base, O: org, Achievements: []*innobridge.Achievement{ach}, AchievementsTotal: 60,
			Demands: []*innobridge.Demand{dem}, DemandsTotal: 1, Own: true},
		"login":    &loginPage{Base: Base{CSRF: "pre"}, Username: "x", Next: "/my", Err: "用户名或密码错误 (wrong username or password)", Locked: true},
		"password": &passwordPage{Base: base, Errs: map[string]innobridge.FieldError{"password": {Code: "policy", Message: "太短 (too short)"}}},
		"my": &myPage{Base: Base{User: &innobridge.User{ID: 2, Username: "m", Role: innobridge.RoleMember, OrgID: 1}, CSRF: "t"}, Org: org,
			Achievements: []*innobridge.Achievement{ach}, Demands: []*innobridge.Demand{dem}},
		"admin_users": &usersPage{Base: Base{User: &innobridge.User{ID: 9, Username: "admin", Role: innobridge.RoleAdmin}, CSRF: "t"},
			Users: []*innobridge.User{user, {ID: 3, Username: "off", Role: innobridge.RoleMember, OrgID: 1, Disabled: true}}, Total: 2,
			OrgName: map[int64]string{1: "苏州大学"}, Orgs: []*innobridge.Organization{org}, F: userForm{Username: "new", Role: "member", Org: "org-1"},
			Errs: map[string]innobridge.FieldError{"password": {Code: "policy", Message: "太短 (too short)"}}, Err: "x (y)", Pager: pager{Page: 1, Pages: 1}},
		"admin_orgs": &orgsAdminPage{Base: base, F: orgForm{Name: "新机构", Kind: "enterprise", Region: "320500"}, Errs: errs, Regions: regions},
		"audit": &auditPage{Base: base, Items: []*innobridge.AuditEntry{{ID: 1, At: now, Username: "staff1", Action: "view_confidential",
			Entity: "demand", EntityID: "dem-1", Detail: "teaser", IP: "127.0.0.1"}}, Total: 1, F: auditParams{Entity: "demand", Since: "2026-01-01"},
			Errs: map[string]innobridge.FieldError{"since": {Code: "format", Message: "x (y)"}}, Pager: pager{Page: 1, Pages: 1}},
		"import": &importPage{Base: Base{User: user, CSRF: "t", ImportOn: true}, Kind: "demands", Imported: 3,
			Problems: []string{"row 3 · title: 标题必填 (title is required)"}, Err: "未导入 (not imported)"},
		"error": &errorPage{Base: base, Status: 404, Err: publicError{Code: "not_found", Message: "不存在 (not found)",
			Fields: map[string]innobridge.FieldError{"x": {Code: "y", Message: "z"}}}},
	}
	maps.Copy(pages, policySamplePages(base, org))
	pages["organization"].(*organizationPage).Calc = sampleCalc()
	return pages
}

func sampleEvent(now time.Time) *innobridge.Event {
	return &innobridge.Event{ID: 1, Name: "三月路演", Kind: innobridge.EventRoadshow, StartsAt: now.AddDate(0, 0, 7), Venue: "苏州国际博览中心",
		Field: "6", Region: "320500", Description: "节能环保专场", CreatedAt: now, UpdatedAt: now}
}

// TestTemplates executes every page template in every language with its
// page struct, so that a missing field, function or translation fails here
// and not in front of a user.
func TestTemplates(t *testing.T) {
	st, err := loadStatic()
	if err != nil {
		t.Fatal(err)
	}
	v, err := loadViews(st)
	if err != nil {
		t.Fatal(err)
	}
	names, err := pageNames()
	if err != nil {
		t.Fatal(err)
	}
	samples := samplePages()
	for _, name := range names {
		if _, ok := samples[name]; !ok {
			t.Errorf("template %s has no sample page in samplePages", name)
		}
	}
	for _, lang := range languages {
		for _, name := range names {
			p, ok := samples[name]
			if !ok {
				continue
			}
			t.Run(lang+"/"+name, func(t *testing.T) {
				b := p.base()
				b.Lang, b.HTMLLang, b.LangURL, b.Flash = lang, map[string]string{"zh": "zh-CN", "en": "en"}[lang], "/?lang=x", "ok"
				var buf bytes.Buffer
				if err := v.pages[lang][name].ExecuteTemplate(&buf, "layout", p); err != nil {
					t.Fatal(err)
				}
				out := buf.String()
				if !strings.Contains(out, `<html lang="`+b.HTMLLang+`">`) {
					t.Error("no lang attribute")
				}
				if strings.Contains(out, "<script>") || strings.Contains(out, " style=") || strings.Contains(out, " onclick=") {
					t.Error("inline script or style: the CSP forbids it")
				}
				// A match's criteria read in the page's language (the
				// Chinese when there is no English).
				if name == "achievement" {
					for _, want := range map[string][]string{"zh": {"成熟度TRL 6 ≥ 需求最低 5", "超出预算"}, "en": {"TRL 6, at least 5 asked", "超出预算"}}[lang] {
						if !strings.Contains(out, want) {
							t.Errorf("criterion %q not shown", want)
						}
					}
				}
				// A docking list says when its event was cancelled.
				if name == "docking" && !strings.Contains(out, "badge-cancelled") {
					t.Errorf("docking list of a cancelled event not marked")
				}
				// A demand's strong recommendations list first; the weak
				// ones come apart, marked, with their coverage.
				if name == "demand" {
					strong, weak := strings.Index(out, "余热"), strings.Index(out, `id="recs-weak"`)
					if strong < 0 || weak < strong || !strings.Contains(out[weak:], "通过") || !strings.Contains(out[:weak], "19%") || !strings.Contains(out[weak:], "3%") {
						t.Errorf("weak recommendations not shown apart after the strong ones")
					}
				}
			})
		}
	}
}

// TestCatalogues checks that both languages have the same keys.
func TestCatalogues(t *testing.T) {
	cat, err := loadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	zh, en := slices.Sorted(maps.Keys(cat["zh"])), slices.Sorted(maps.Keys(cat["en"]))
	for _, k := range zh {
		if _, ok := cat["en"][k]; !ok {
			t.Errorf("en.json lacks %q", k)
		}
	}
	for _, k := range en {
		if _, ok := cat["zh"][k]; !ok {
			t.Errorf("zh.json lacks %q", k)
		}
	}
	// Domain code lists must all have names.
	for _, m := range innobridge.Modes {
		if cat["zh"]["mode."+string(m)] != m.Name() {
			t.Errorf("zh mode.%s = %q, domain says %q", m, cat["zh"]["mode."+string(m)], m.Name())
		}
	}
	for _, s := range innobridge.Statuses {
		if cat["en"]["status."+string(s)] == "" {
			t.Errorf("no name for status %s", s)
		}
	}
	for _, k := range innobridge.OrgKinds {
		if cat["en"]["kind."+string(k)] == "" {
			t.Errorf("no name for kind %s", k)
		}
	}
	for _, r := range innobridge.Roles {
		if cat["en"]["role."+string(r)] == "" {
			t.Errorf("no name for role %s", r)
		}
	}
	for _, x := range innobridge.IPTypes {
		if cat["zh"]["ip."+string(x)] != x.Name() {
			t.Errorf("zh ip.%s differs from the domain", x)
		}
	}
	for i := 1; i <= 9; i++ {
		if cat["zh"]["trl."+itoa(i)] != innobridge.TRLName(i) {
			t.Errorf("zh trl.%d differs from the domain", i)
		}
	}
}

func TestOpenAPIIsJSON(t *testing.T) {
	var doc map[string]any
	if err := json.Unmarshal(openAPI, &doc); err != nil {
		t.Fatal(err)
	}
	if doc["openapi"] != "3.0.3" {
		t.Errorf("openapi = %v", doc["openapi"])
	}
}

func TestLocalMsg(t *testing.T) {
	for _, tt := range []struct{ lang, in, want string }{
		{"zh", "标题必填 (title is required)", "标题必填"},
		{"en", "标题必填 (title is required)", "title is required"},
		{"en", "no english", "no english"},
	} {
		if got := localMsg(tt.lang, tt.in); got != tt.want {
			t.Errorf("localMsg(%q, %q) = %q, want %q", tt.lang, tt.in, got, tt.want)
		}
	}
}

func TestAcceptLanguage(t *testing.T) {
	for _, tt := range []struct{ h, want string }{
		{"", "zh"}, {"en-US,en;q=0.9", "en"}, {"zh-CN,zh;q=0.9,en;q=0.8", "zh"}, {"en;q=0.5,zh;q=0.5", "zh"},
		{"fr,en;q=0.3", "en"}, {"de", "zh"},
	} {
		if got := acceptLanguage(tt.h); got != tt.want {
			t.Errorf("acceptLanguage(%q) = %q, want %q", tt.h, got, tt.want)
		}
	}
}

func TestLocalPath(t *testing.T) {
	for in, want := range map[string]string{"/my": "/my", "//evil.com": "/", "https://evil.com/": "/", "": "/", "/\\evil": "/", "my": "/"} {
		if got := localPath(in); got != want {
			t.Errorf("localPath(%q) = %q, want %q", in, got, want)
		}
	}
}
