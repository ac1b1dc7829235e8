package service_test

import (
	"errors"
	"testing"
	"time"

	"github.com/innobridge/innobridge"
	"github.com/innobridge/innobridge/service"
)

// mustDate parses "YYYY-MM-DD".
func mustDate(t *testing.T, s string) innobridge.Date {
	t.Helper()
	d, err := innobridge.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// withIndicators gives f.ent two years of figures and a 高新技术企业
// recognition: R&D expense rose by ¥1,000,000 from 2024 to 2025, so the
// example R&D-increment policy pays 10% of it.
func withIndicators(t *testing.T, f *fixture) {
	t.Helper()
	for _, y := range []innobridge.YearFigures{
		{Year: 2024, Staff: 120, STStaff: 30, RDStaff: 20, Revenue: 80_000_000, MainRevenue: 76_000_000, TotalAssets: 60_000_000, RDExpense: 2_000_000},
		{Year: 2025, Staff: 130, STStaff: 35, RDStaff: 22, Revenue: 90_000_000, MainRevenue: 85_000_000, TotalAssets: 70_000_000, RDExpense: 3_000_000},
	} {
		if _, err := f.svc.PutEnterpriseYear(as(f.entMember), f.ent.ID, y); err != nil {
			t.Fatalf("PutEnterpriseYear(%d): %v", y.Year, err)
		}
	}
	p := &innobridge.EnterpriseProfile{HighTechField: "5", IP: innobridge.IPHoldings{InventionPatents: 2, UtilityModels: 6},
		Recognitions: []innobridge.Recognition{{Kind: innobridge.RecHighTech, Number: "GR202432001234", Granted: mustDate(t, "2023-05-01")}}}
	if _, err := f.svc.PutEnterpriseProfile(as(f.staff), f.ent.ID, p); err != nil {
		t.Fatalf("PutEnterpriseProfile: %v", err)
	}
}

func TestIndicatorsAuthorisation(t *testing.T) {
	f := newFixture(t)
	y := innobridge.YearFigures{Year: 2025, Staff: 10}
	for _, tc := range []struct {
		name string
		u    *innobridge.User
		org  int64
		code string
	}{
		{"ErrAnonymous", nil, f.ent.ID, innobridge.EUNAUTHORIZED},
		{"ErrOtherOrg", f.otherMember, f.ent.ID, innobridge.EFORBIDDEN},
		{"ErrExpert", f.expert, f.ent.ID, innobridge.EFORBIDDEN},
		{"ErrNotEnterprise", f.uniMember, f.uni.ID, innobridge.EINVALID},
		{"OKMember", f.entMember, f.ent.ID, ""},
		{"OKStaff", f.staff, f.ent.ID, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.svc.PutEnterpriseYear(as(tc.u), tc.org, y)
			if innobridge.ErrorCode(err) != tc.code && !(tc.code == "" && err == nil) {
				t.Errorf("PutEnterpriseYear as %v: %v, want %q", tc.u, err, tc.code)
			}
			_, err = f.svc.Evaluate(as(tc.u), tc.org, innobridge.Date{})
			if innobridge.ErrorCode(err) != tc.code && !(tc.code == "" && err == nil) {
				t.Errorf("Evaluate as %v: %v, want %q", tc.u, err, tc.code)
			}
		})
	}
	_, err := f.svc.PolicyRuns(as(f.entMember), innobridge.Date{}, false)
	wantCode(t, err, innobridge.EFORBIDDEN)
	_, err = f.svc.Pipeline(as(f.entMember), innobridge.Date{}, 0)
	wantCode(t, err, innobridge.EFORBIDDEN)
}

func TestPutEnterpriseYearValidatesAndAudits(t *testing.T) {
	f := newFixture(t)
	_, err := f.svc.PutEnterpriseYear(as(f.entMember), f.ent.ID, innobridge.YearFigures{Year: 2025, Staff: 10, STStaff: 12, Revenue: -1})
	wantCode(t, err, innobridge.EINVALID)
	var e *innobridge.Error
	if !errors.As(err, &e) || e.Fields["st_staff"].Code == "" || e.Fields["revenue"].Code == "" {
		t.Errorf("error %v does not name st_staff and revenue", err)
	}
	withIndicators(t, f)
	if n := f.auditCount(t, "update", f.ent.ExternalID); n != 3 {
		t.Errorf("%d audit entries for the indicator writes, want 3 (two years, one profile)", n)
	}
	changes, err := f.svc.PutEnterpriseYear(as(f.staff), f.ent.ID, innobridge.YearFigures{Year: 2025, Staff: 130, STStaff: 35, RDStaff: 22,
		Revenue: 90_000_000, MainRevenue: 85_000_000, TotalAssets: 70_000_000, RDExpense: 3_200_000})
	if err != nil || len(changes) != 1 || changes[0].Field != "rd_expense" || changes[0].Old != "3000000" || changes[0].New != "3200000" {
		t.Fatalf("correcting R&D expense: %v, %+v; want one change 3000000→3200000", err, changes)
	}
	hist, total, err := f.svc.FindIndicatorChanges(as(f.entMember), f.ent.ID, 0, 1)
	if err != nil || total < 2 || hist[0].Field != "rd_expense" || hist[0].UserID != f.staff.ID || hist[0].Username != "staff1" {
		t.Errorf("history newest first: %+v (total %d, err %v); want staff's rd_expense change", hist, total, err)
	}
	_, _, err = f.svc.FindIndicatorChanges(as(f.otherMember), f.ent.ID, 0, 1)
	wantCode(t, err, innobridge.EFORBIDDEN)
}

func TestEvaluate(t *testing.T) {
	f := newFixture(t)
	withIndicators(t, f)
	ev, err := f.svc.Evaluate(as(f.entMember), f.ent.ID, mustDate(t, "2026-03-02"))
	if err != nil {
		t.Fatal(err)
	}
	if ev.FiscalYear != 2025 || len(ev.Tiers) != 5 {
		t.Fatalf("fiscal year %d, %d tiers; want 2025 and the 5 rungs of the ladder", ev.FiscalYear, len(ev.Tiers))
	}
	ht := ev.Tiers[1]
	if ht.Tier.Rule != "hightech" || ht.Held == nil || ht.Held.Number != "GR202432001234" || ht.LastDay == nil || ht.LastDay.String() != "2026-04-30" || !ht.Expiring {
		t.Errorf("hightech tier %+v: want held GR202432001234, last day 2026-04-30, expiring", ht)
	}
	for _, st := range ev.Tiers {
		if st.Result == nil && st.Missing == "" {
			t.Errorf("tier %s has neither a result nor a reason", st.Tier.Rule)
		}
		if st.Result != nil && len(st.Result.Trace) == 0 {
			t.Errorf("tier %s has no trace", st.Tier.Rule)
		}
	}
	if ev.Next >= 0 {
		nt := ev.Tiers[ev.Next]
		if nt.Held != nil || nt.Result == nil || nt.Result.Eligible || len(nt.Result.Gaps) == 0 {
			t.Errorf("next tier %+v should be unheld, failed and have gaps", nt)
		}
	}
	var found bool
	for _, r := range ev.Policies {
		if r.Rule == "sz_rd_increment_2026" {
			found = true
			if !r.Eligible || r.Amount == nil || *r.Amount != 100_000 {
				t.Errorf("R&D increment policy: eligible %v, amount %v; want 10%% of ¥1,000,000 = 100000 (gaps %v)", r.Eligible, r.Amount, r.Gaps)
			}
		}
	}
	if !found {
		t.Errorf("the R&D increment policy active on 2026-03-02 was not evaluated: %d policies", len(ev.Policies))
	}
}

func TestPolicyRunsAndPipeline(t *testing.T) {
	f := newFixture(t)
	withIndicators(t, f)
	list, err := f.svc.PolicyRuns(as(f.staff), mustDate(t, "2026-03-02"), true)
	if err != nil {
		t.Fatal(err)
	}
	var run *struct{ n int }
	for _, r := range list.Runs {
		if r.Policy == "sz_rd_increment_2026" {
			run = &struct{ n int }{r.Count}
			if r.Count != 1 || r.Total != 100_000 || r.Qualifying[0].ID != f.ent.ExternalID || list.Orgs[f.ent.ExternalID] == nil || !r.Active {
				t.Errorf("免申即享 list %+v: want %s alone with 100000", r.PolicyRun, f.ent.ExternalID)
			}
			if r.OverBudget || r.Budget <= r.Total {
				t.Errorf("budget %d vs total %d: should be within budget", r.Budget, r.Total)
			}
		}
	}
	if run == nil {
		t.Fatal("no run for sz_rd_increment_2026")
	}
	p, err := f.svc.Pipeline(as(f.staff), mustDate(t, "2026-03-02"), 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Expiring) != 1 || p.Expiring[0].Number != "GR202432001234" || p.Expiring[0].DaysLeft != 59 {
		t.Errorf("expiring %+v: want the 高企 certificate with 59 days left", p.Expiring)
	}
	if len(p.Over) != 4 || p.Over[0].AsOf.String() != "2023-12-31" || p.Over[3].AsOf.String() != "2026-03-02" {
		t.Errorf("counts over time at %+v, want three year ends and the date", p.Over)
	} else if len(p.Over[3].Counts) == 0 || p.Over[3].Counts[0].Tier != "hightech" || p.Over[3].Counts[0].N != 1 {
		t.Errorf("counts on the date %+v, want one 高企", p.Over[3].Counts)
	}
	var ht, sme bool
	for _, pt := range p.Tiers {
		switch pt.Tier.Rule {
		case "hightech":
			ht = pt.Holders == 1 && len(pt.Candidates) == 1 && pt.Candidates[0].Renewal
		case "tech_sme":
			sme = len(pt.Candidates) == 1 && pt.Candidates[0].ID == f.ent.ExternalID
		}
	}
	if !ht || !sme {
		t.Errorf("pipeline tiers %+v: want one 高企 holder listed for renewal, and the enterprise a 科技型中小企业 candidate", p.Tiers)
	}
}

func TestImportIndicators(t *testing.T) {
	f := newFixture(t)
	rows := []innobridge.EnterpriseYear{{OrgID: f.ent.ID, Figures: innobridge.YearFigures{Year: 2025, Staff: 10}},
		{OrgID: f.ent.ID, Figures: innobridge.YearFigures{Year: 2024, Staff: 5, STStaff: 6}}}
	_, err := f.svc.ImportIndicators(as(f.staff), "x.xlsx", rows)
	wantCode(t, err, innobridge.EINVALID)
	_, err = f.svc.ImportIndicators(as(f.entMember), "x.xlsx", rows[:1])
	wantCode(t, err, innobridge.EFORBIDDEN)
	rows[1].Figures.STStaff = 1
	n, err := f.svc.ImportIndicators(as(f.staff), "x.xlsx", rows)
	if err != nil || n != 2 {
		t.Fatalf("ImportIndicators = %d, %v", n, err)
	}
	got, err := f.svc.FindEnterpriseIndicators(as(f.entMember), f.ent.ID)
	if err != nil || len(got.Years) != 2 {
		t.Fatalf("after import: %+v, %v", got, err)
	}
	if f.auditCount(t, "import", "x.xlsx") != 1 {
		t.Error("import not audited")
	}
}

func TestEvaluateRecorded(t *testing.T) {
	f := newFixture(t)
	withIndicators(t, f)
	f.clock.Add(time.Minute)
	before := f.clock.Now() // after the first figures, before the correction
	f.clock.Add(time.Hour)
	// A correction that halves the R&D increase.
	if _, err := f.svc.PutEnterpriseYear(as(f.staff), f.ent.ID, innobridge.YearFigures{Year: 2025, Staff: 130, STStaff: 35, RDStaff: 22,
		Revenue: 90_000_000, MainRevenue: 85_000_000, TotalAssets: 70_000_000, RDExpense: 2_500_000}); err != nil {
		t.Fatal(err)
	}
	amount := func(ev *service.Evaluation) int64 {
		for _, r := range ev.Policies {
			if r.Rule == "sz_rd_increment_2026" && r.Amount != nil {
				return *r.Amount
			}
		}
		return -1
	}
	now, err := f.svc.Evaluate(as(f.entMember), f.ent.ID, mustDate(t, "2026-03-02"))
	if err != nil {
		t.Fatal(err)
	}
	then, err := f.svc.EvaluateRecorded(as(f.entMember), f.ent.ID, mustDate(t, "2026-03-02"), &before)
	if err != nil {
		t.Fatal(err)
	}
	if amount(now) != 50_000 || amount(then) != 100_000 {
		t.Errorf("R&D increment subsidy now %d, as recorded before the correction %d; want 50000 and 100000", amount(now), amount(then))
	}
	if len(then.Stored.Years) != 2 || then.Stored.Years[1].RDExpense != 3_000_000 {
		t.Fatalf("figures as recorded: %+v, want 2025 R&D 3000000", then.Stored.Years)
	}
	if y := then.Stored.Years[1]; y.RDExpense != 3_000_000 {
		t.Errorf("figures as recorded: 2025 R&D %d, want 3000000", y.RDExpense)
	}
	early := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	empty, err := f.svc.EvaluateRecorded(as(f.entMember), f.ent.ID, mustDate(t, "2026-03-02"), &early)
	if err != nil || len(empty.Stored.Years) != 0 || len(empty.Stored.Profile.Recognitions) != 0 {
		t.Errorf("before anything was recorded: %+v, %v; want nothing", empty.Stored, err)
	}
}
