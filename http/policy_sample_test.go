package http

import (
	"time"

	"github.com/innobridge/innobridge"
	"github.com/innobridge/innobridge/importer"
)

// sampleCalc is a calculator section that reaches every branch.
func sampleCalc() *calcView {
	calc := &calcView{Org: "org-1", AsOf: "2026-03-02", Recorded: "2026-03-01", FiscalYear: 2025, CanEdit: true,
		Tiers: []tierView{
			{Rule: "tech_sme", Title: "科技型中小企业", Version: "2017", Held: true, Number: "2025320500A0001", LastDay: "2025-12-31", Expiring: true,
				Eligible: true, Score: "64 / 100（合格线 60）", Criteria: []criterionView{{Title: "职工总数不超过500人", Value: "130", Threshold: "≤ 500", Status: "pass"},
					{Title: "知识产权", Status: "info", Points: "8 / 30", Note: "n"}, {Title: "子项", Status: "fail", Child: true}}},
			{Rule: "little_giant", Title: "专精特新“小巨人”企业", Missing: "没有有效的评价办法", Gaps: []string{"未满足「研发费用」：当前 2.1%，要求 ≥ 3%"}},
		}}
	calc.Next = &calc.Tiers[1]
	calc.Policies = []policyView{{Name: "p", Title: "研发费用增量补助", Eligible: true, Amount: "10 万元",
		Criteria: []criterionView{{Title: "注册在苏州市", Value: "yes", Threshold: "= 1", Status: "pass"}}},
		{Name: "q", Title: "小巨人奖励", Gaps: []string{"还需 …"}}}
	calc.Recs = []recView{{Kind: "高新技术企业", Number: "GR1", Granted: "2023-05-01", LastDay: "2026-04-30", Status: "expiring", DaysLeft: 59},
		{Kind: "科技型中小企业", Granted: "2024-05-01", Status: "expired"}, {Kind: "其他", Granted: "2027-01-01", Status: "not_yet"}, {Kind: "x", Status: "valid"}}
	return calc
}

// policySamplePages are the calculator's pages for TestTemplates.
func policySamplePages(base Base, org *innobridge.Organization) map[string]page {
	calc := sampleCalc()
	at := time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)
	return map[string]page{
		"indicators": &indicatorsPage{Base: base, O: org, Year: 2025, Years: []int{2024, 2025}, F: map[string]string{"staff": "130"},
			Fields: indicatorFields, Errs: map[string]innobridge.FieldError{"st_staff": {Code: "range", Message: "x (y)"}, "granted": {Code: "format", Message: "x (y)"}, "p.designs": {Code: "format", Message: "x (y)"}},
			Err: "x (y)", Recs: calc.Recs, Kinds: []kindOption{{"hightech", "高新技术企业"}},
			Changes: []*innobridge.IndicatorChange{{ID: 1, Year: 2025, Field: "rd_expense", Old: "1", New: "2", UserID: 2, At: at}},
			P:       map[string]string{"invention_patents": "3"}, ProfileFields: profileFields},
		"notifications": &notificationsPage{Base: Base{User: &innobridge.User{ID: 2, Username: "m", Role: innobridge.RoleMember, OrgID: 1}, CSRF: "t", Unread: 1},
			Items: []*innobridge.Notification{{ID: 1, Kind: innobridge.NoteEligible, Title: "可享受政策", Body: "b", Link: "/organizations/org-1#calc", CreatedAt: at},
				{ID: 2, Kind: innobridge.NoteExpiring, Title: "即将到期", CreatedAt: at, ReadAt: &at, EmailedAt: &at}}, Total: 2},
		"policies": &policiesPage{Base: base, Notified: 3, AsOf: "2026-03-02", Policies: []policyListView{{Name: "p", Title: "研发费用增量补助", Period: "2026-01-01 – 2027-01-01",
			Budget: "2 万元", Total: "3 万元", ProRata: "66.7%", Active: true, OverBudget: true, Example: true, Count: 1,
			Payees: []payeeView{{ID: "org-1", Name: "苏州钢铁", Amount: "3 万元"}, {ID: "org-2", Amount: "0 万元"}}}, {Name: "q", Title: "空"}}},
		"pipeline": &pipelinePage{Base: base, AsOf: "2026-03-02", Tiers: []pipelineTierView{{Title: "高新技术企业", Rule: "hightech", Holders: 1,
			Candidates: []candidateView{{ID: "org-1", Name: "苏州钢铁", Distance: "0.3", Score: "55", Renewal: true, Gaps: []string{"g"}}, {ID: "org-2", Eligible: true}}},
			{Title: "x", Rule: "x", Missing: "m"}},
			Expiring:  []expiringView{{ID: "org-1", Name: "苏州钢铁", Kind: "高新技术企业", Number: "GR1", LastDay: "2026-04-30", DaysLeft: 59}},
			Counts:    []countView{{Tier: "高新技术企业", Region: "张家港市", N: 1}},
			OverDates: []string{"2024-12-31", "2025-12-31"}, Over: []overRow{{Tier: "高新技术企业", N: []int{0, 1}}}},
		"indicator_import": &indicatorImportPage{Base: base, Columns: importer.IndicatorColumns, Imported: 2, Problems: []string{"row 3 · staff: x (y)"}, Err: "x (y)"},
	}
}
