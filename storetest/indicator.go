package storetest

import (
	"testing"

	"github.com/innobridge/innobridge"
)

var indicatorTests = []test{
	{"PutAndFind", testPutEnterpriseYears},
	{"History", testIndicatorHistory},
	{"Profile", testEnterpriseProfile},
	{"ErrMissingOrgRollsBack", testIndicatorsAllOrNothing},
	{"DeleteYear", testDeleteEnterpriseYear},
}

func enterpriseFixture(t *testing.T, s innobridge.Store) (a, b *innobridge.Organization) {
	t.Helper()
	a = MustCreateOrganization(t, s, NewOrganization("ent-a", "甲科技有限公司", innobridge.OrgEnterprise, "91320506MA1XYZAB1C", "320506"))
	b = MustCreateOrganization(t, s, NewOrganization("ent-b", "乙智造有限公司", innobridge.OrgEnterprise, "", "320505"))
	return a, b
}

func fieldNames(list []*innobridge.IndicatorChange) []string {
	var out []string
	for _, c := range list {
		out = append(out, c.Field+":"+c.Old+"→"+c.New)
	}
	return out
}

func testPutEnterpriseYears(t *testing.T, b Backend) {
	s, clock := MustOpen(t, b)
	a, bb := enterpriseFixture(t, s)
	dom := int64(3_000_000)
	y2024 := innobridge.YearFigures{Year: 2024, Staff: 80, STStaff: 20, Revenue: 50_000_000, RDExpense: 3_500_000, RDExpenseDomestic: &dom,
		TotalAssets: 9_000_000_000_000, NetProfit: -1_200_000}
	y2025 := innobridge.YearFigures{Year: 2025, Staff: 90, STStaff: 25, Revenue: 60_000_000, RDExpense: 4_000_000}
	changes, err := s.PutEnterpriseYears(t.Context(), 7, []innobridge.EnterpriseYear{
		{OrgID: a.ID, Figures: y2025}, {OrgID: a.ID, Figures: y2024}, {OrgID: bb.ID, Figures: innobridge.YearFigures{Year: 2025, Staff: 5}}})
	must(t, err, "PutEnterpriseYears")
	// A first write records only the non-zero fields (the year included).
	if len(changes) != 5+8+2 {
		t.Errorf("first write recorded %d changes, want 15: %v", len(changes), fieldNames(changes))
	}
	list, err := s.FindEnterpriseIndicators(t.Context(), []int64{a.ID})
	must(t, err, "FindEnterpriseIndicators")
	if len(list) != 1 || list[0].OrgID != a.ID || len(list[0].Years) != 2 {
		t.Fatalf("FindEnterpriseIndicators(a) = %+v, want org a with 2 years", list)
	}
	got := list[0]
	if got.Years[0].Year != 2024 || got.Years[1].Year != 2025 {
		t.Errorf("years %d, %d; want ascending 2024, 2025", got.Years[0].Year, got.Years[1].Year)
	}
	if y := got.Years[0]; y.TotalAssets != 9_000_000_000_000 || y.NetProfit != -1_200_000 || y.RDExpenseDomestic == nil || *y.RDExpenseDomestic != dom {
		t.Errorf("2024 read back as %+v: big, negative and nullable money must survive", y)
	}
	if got.Years[1].RDExpenseDomestic != nil {
		t.Errorf("2025 rd_expense_domestic = %v, want nil (all domestic)", *got.Years[1].RDExpenseDomestic)
	}
	if !got.UpdatedAt.Equal(clock.Peek()) {
		t.Errorf("UpdatedAt %v, want the write's time %v", got.UpdatedAt, clock.Peek())
	}
	all, err := s.FindEnterpriseIndicators(t.Context(), nil)
	must(t, err, "FindEnterpriseIndicators(all)")
	if len(all) != 2 || all[0].OrgID != a.ID || all[1].OrgID != bb.ID {
		t.Errorf("all indicators: %d orgs, want a then b", len(all))
	}
	// Unchanged figures write nothing.
	changes, err = s.PutEnterpriseYears(t.Context(), 7, []innobridge.EnterpriseYear{{OrgID: a.ID, Figures: y2025}})
	must(t, err, "PutEnterpriseYears again")
	if len(changes) != 0 {
		t.Errorf("rewriting the same figures recorded %v, want nothing", fieldNames(changes))
	}
}

func testIndicatorHistory(t *testing.T, b Backend) {
	s, clock := MustOpen(t, b)
	a, _ := enterpriseFixture(t, s)
	y := innobridge.YearFigures{Year: 2025, Staff: 90, Revenue: 60_000_000, RDExpense: 1_000_000}
	_, err := s.PutEnterpriseYears(t.Context(), 7, []innobridge.EnterpriseYear{{OrgID: a.ID, Figures: y}})
	must(t, err, "PutEnterpriseYears")
	y.RDExpense, y.Staff = 1_800_000, 0
	changes, err := s.PutEnterpriseYears(t.Context(), 8, []innobridge.EnterpriseYear{{OrgID: a.ID, Figures: y}})
	must(t, err, "PutEnterpriseYears")
	at := clock.Peek()
	want := []string{"rd_expense:1000000→1800000", "staff:90→0"}
	if got := fieldNames(changes); !equalStrings(got, want) {
		t.Errorf("changes %v, want %v", got, want)
	}
	hist, total, err := s.FindIndicatorChanges(t.Context(), innobridge.IndicatorChangeFilter{OrgID: &a.ID, Limit: 2})
	must(t, err, "FindIndicatorChanges")
	if total != 4+2 || len(hist) != 2 {
		t.Fatalf("history: %d of %d, want 2 of 6", len(hist), total)
	}
	for _, c := range hist {
		if c.UserID != 8 || !c.At.Equal(at) || c.Year != 2025 || c.OrgID != a.ID {
			t.Errorf("newest change %+v: want user 8 at %v, year 2025, org %d", c, at, a.ID)
		}
	}
	since := at
	hist, total, err = s.FindIndicatorChanges(t.Context(), innobridge.IndicatorChangeFilter{OrgID: &a.ID, Since: &since})
	must(t, err, "FindIndicatorChanges(since)")
	if total != 2 || len(hist) != 2 {
		t.Errorf("changes since the second write: %d, want its 2", total)
	}
	year := 2024
	hist, total, err = s.FindIndicatorChanges(t.Context(), innobridge.IndicatorChangeFilter{OrgID: &a.ID, Year: &year})
	must(t, err, "FindIndicatorChanges(2024)")
	if total != 0 || len(hist) != 0 {
		t.Errorf("2024 history %d rows, want none", total)
	}
}

func testEnterpriseProfile(t *testing.T, b Backend) {
	s, _ := MustOpen(t, b)
	a, _ := enterpriseFixture(t, s)
	exp := mustDate(t, "2027-11-30")
	p := &innobridge.EnterpriseProfile{HighTechField: "1", IP: innobridge.IPHoldings{InventionPatents: 3, SoftwareCopyrights: 12},
		Recognitions: []innobridge.Recognition{{Kind: innobridge.RecHighTech, Number: "GR202432001234",
			Granted: mustDate(t, "2024-12-01"), Expires: &exp}}}
	p.DigitalLevel = 2
	_, err := s.PutEnterpriseProfile(t.Context(), 7, a.ID, p)
	must(t, err, "PutEnterpriseProfile")
	list, err := s.FindEnterpriseIndicators(t.Context(), []int64{a.ID})
	must(t, err, "FindEnterpriseIndicators")
	if len(list) != 1 || len(list[0].Years) != 0 {
		t.Fatalf("profile-only org read back as %+v", list)
	}
	got := list[0].Profile
	if got.IP.InventionPatents != 3 || got.DigitalLevel != 2 || len(got.Recognitions) != 1 ||
		got.Recognitions[0].Number != "GR202432001234" || *got.Recognitions[0].Expires != exp {
		t.Errorf("profile read back as %+v", got)
	}
	p.IP.InventionPatents = 4
	p.Recognitions[0].Number = "GR202432009999"
	changes, err := s.PutEnterpriseProfile(t.Context(), 9, a.ID, p)
	must(t, err, "PutEnterpriseProfile again")
	want := []string{"ip.invention_patents:3→4", `recognitions[0].number:"GR202432001234"→"GR202432009999"`}
	if got := fieldNames(changes); !equalStrings(got, want) {
		t.Errorf("profile changes %v, want %v", got, want)
	}
	_, err = s.PutEnterpriseProfile(t.Context(), 9, 999_999, p)
	wantCode(t, err, innobridge.ENOTFOUND, "", "organization 999999")
}

func testIndicatorsAllOrNothing(t *testing.T, b Backend) {
	s, _ := MustOpen(t, b)
	a, _ := enterpriseFixture(t, s)
	_, err := s.PutEnterpriseYears(t.Context(), 7, []innobridge.EnterpriseYear{
		{OrgID: a.ID, Figures: innobridge.YearFigures{Year: 2025, Staff: 10}},
		{OrgID: 999_999, Figures: innobridge.YearFigures{Year: 2025, Staff: 10}}})
	wantCode(t, err, innobridge.ENOTFOUND, "", "organization 999999")
	list, err := s.FindEnterpriseIndicators(t.Context(), nil)
	must(t, err, "FindEnterpriseIndicators")
	_, total, err2 := s.FindIndicatorChanges(t.Context(), innobridge.IndicatorChangeFilter{})
	must(t, err2, "FindIndicatorChanges")
	if len(list) != 0 || total != 0 {
		t.Errorf("after a failed batch: %d orgs with indicators, %d changes; want none", len(list), total)
	}
}

func testDeleteEnterpriseYear(t *testing.T, b Backend) {
	s, _ := MustOpen(t, b)
	a, _ := enterpriseFixture(t, s)
	_, err := s.PutEnterpriseYears(t.Context(), 7, []innobridge.EnterpriseYear{{OrgID: a.ID, Figures: innobridge.YearFigures{Year: 2023, Staff: 10}}})
	must(t, err, "PutEnterpriseYears")
	changes, err := s.DeleteEnterpriseYear(t.Context(), 7, a.ID, 2023)
	must(t, err, "DeleteEnterpriseYear")
	if got := fieldNames(changes); !equalStrings(got, []string{"staff:10→0", "year:2023→0"}) {
		t.Errorf("delete recorded %v", got)
	}
	list, err := s.FindEnterpriseIndicators(t.Context(), []int64{a.ID})
	must(t, err, "FindEnterpriseIndicators")
	if len(list) != 0 {
		t.Errorf("after deleting the only year: %+v, want nothing stored", list)
	}
	_, err = s.DeleteEnterpriseYear(t.Context(), 7, a.ID, 2023)
	wantCode(t, err, innobridge.ENOTFOUND, "", "2023")
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func mustDate(t testing.TB, s string) innobridge.Date {
	t.Helper()
	d, err := innobridge.ParseDate(s)
	if err != nil {
		t.Fatalf("ParseDate(%q): %v", s, err)
	}
	return d
}
