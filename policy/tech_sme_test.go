package policy

import (
	"testing"

	"github.com/innobridge/innobridge"
)

// techSME is the worked example for 科技型中小企业 evaluated on 2026-06-15
// (figures of FY2025):
//
//	staff 100, S&T staff 25        → 25%          → 16 points
//	revenue ¥50m, R&D ¥2.1m        → A 4.2%       → 30 points
//	total costs ¥45m               → B 4.67%      →  0 points; best of A/B = 30
//	2 utility models + 1 software copyright, no class I → 3 class II → 18 points
//	total 64 ≥ 60 and 科技人员 > 0 → eligible by score.
func techSME(tb testing.TB) *innobridge.Indicators {
	return &innobridge.Indicators{
		ID: "sz-0001", Region: "320506", Registered: datep(tb, "2019-03-01"),
		Years: []innobridge.YearFigures{{Year: 2025, Staff: 100, STStaff: 25, Revenue: 50_000_000, TotalCosts: 45_000_000,
			TotalAssets: 60_000_000, RDExpense: 2_100_000}},
		IP: innobridge.IPHoldings{UtilityModels: 2, SoftwareCopyrights: 1},
	}
}

func TestTechSME_WorkedExample(t *testing.T) {
	r := Evaluate(techSME(t), mustRule(t, "tech_sme"), mustDate(t, "2026-06-15"))
	if !r.Eligible || r.Route != "score" || r.Score == nil || *r.Score != 64 {
		t.Fatalf("want eligible by score with 64, got\n%s", dump(t, r))
	}
	for id, want := range map[string]float64{"st_staff": 16, "rd": 30, "rd_to_revenue": 30, "rd_to_costs": 0, "ip": 18} {
		if got := pts(step(r.Trace, id)); got != want {
			t.Errorf("%s: points %g, want %g", id, got, want)
		}
	}
	if len(r.Gaps) != 0 {
		t.Errorf("gaps on an eligible result: %v", r.Gaps)
	}
}

func TestTechSME_Gaps(t *testing.T) {
	e := techSME(t)
	e.Years[0].RDExpense = 1_050_000 // 2.1% → 10 points
	e.IP = innobridge.IPHoldings{SoftwareCopyrights: 2}
	r := Evaluate(e, mustRule(t, "tech_sme"), mustDate(t, "2026-06-15"))
	// 16 + 10 + 12 = 38
	if r.Eligible || *r.Score != 38 {
		t.Fatalf("want ineligible with 38, got\n%s", dump(t, r))
	}
	for _, want := range []string{"score 38 < 60: needs 22 more points", "2.1% < 3%: needs ¥450k more R&D expense on this revenue; +10 points",
		"needs 1 more class-II IP tied to main products; +6 points", "or qualify directly by one of"} {
		if !hasGap(r, want) {
			t.Errorf("no gap %q in %q", want, r.Gaps)
		}
	}
}

// TestTechSME_Boundaries checks every threshold exactly at, and one unit
// past, its boundary. Caps are inclusive (≤), band lower bounds inclusive.
func TestTechSME_Boundaries(t *testing.T) {
	asOf := mustDate(t, "2026-06-15")
	rs := mustRule(t, "tech_sme")
	tests := []struct {
		name   string
		mod    func(e *innobridge.Indicators)
		id     string
		pass   bool
		points float64 // checked when pass is irrelevant (score items): -1 skips
	}{
		{"staff 500 ok", func(e *innobridge.Indicators) { e.Years[0].Staff, e.Years[0].STStaff = 500, 125 }, "max_staff", true, -1},
		{"staff 501 fails", func(e *innobridge.Indicators) { e.Years[0].Staff, e.Years[0].STStaff = 501, 125 }, "max_staff", false, -1},
		{"revenue 2亿 ok", func(e *innobridge.Indicators) { e.Years[0].Revenue = 200_000_000 }, "max_revenue", true, -1},
		{"revenue 2亿+1 fails", func(e *innobridge.Indicators) { e.Years[0].Revenue = 200_000_001 }, "max_revenue", false, -1},
		{"assets 2亿 ok", func(e *innobridge.Indicators) { e.Years[0].TotalAssets = 200_000_000 }, "max_assets", true, -1},
		{"assets 2亿+1 fails", func(e *innobridge.Indicators) { e.Years[0].TotalAssets = 200_000_001 }, "max_assets", false, -1},
		{"Hong Kong fails", func(e *innobridge.Indicators) { e.Region = "810000" }, "mainland", false, -1},
		{"incident last year fails", func(e *innobridge.Indicators) {
			e.Incidents = []innobridge.Incident{{Kind: innobridge.IncQuality, Date: mustDate(t, "2025-01-01")}}
		}, "clean_record", false, -1},
		{"incident two years ago ok", func(e *innobridge.Indicators) {
			e.Incidents = []innobridge.Incident{{Kind: innobridge.IncQuality, Date: mustDate(t, "2024-12-31")}}
		}, "clean_record", true, -1},
		{"st 30% → 20", func(e *innobridge.Indicators) { e.Years[0].STStaff = 30 }, "st_staff", false, 20},
		{"st 29% → 16", func(e *innobridge.Indicators) { e.Years[0].STStaff = 29 }, "st_staff", false, 16},
		{"st 20% → 12", func(e *innobridge.Indicators) { e.Years[0].STStaff = 20 }, "st_staff", false, 12},
		{"st 15% → 8", func(e *innobridge.Indicators) { e.Years[0].STStaff = 15 }, "st_staff", false, 8},
		{"st 10% → 4", func(e *innobridge.Indicators) { e.Years[0].STStaff = 10 }, "st_staff", false, 4},
		{"st 9% → 0", func(e *innobridge.Indicators) { e.Years[0].STStaff = 9 }, "st_staff", false, 0},
		{"rd 6% → 50", func(e *innobridge.Indicators) { e.Years[0].RDExpense = 3_000_000 }, "rd_to_revenue", false, 50},
		{"rd 5.99998% → 40", func(e *innobridge.Indicators) { e.Years[0].RDExpense = 2_999_999 }, "rd_to_revenue", false, 40},
		{"rd 3% → 20", func(e *innobridge.Indicators) { e.Years[0].RDExpense = 1_500_000 }, "rd_to_revenue", false, 20},
		{"rd 2% → 10", func(e *innobridge.Indicators) { e.Years[0].RDExpense = 1_000_000 }, "rd_to_revenue", false, 10},
		{"rd just under 2% → 0", func(e *innobridge.Indicators) { e.Years[0].RDExpense = 999_999 }, "rd_to_revenue", false, 0},
		{"rd/costs 30% → 50", func(e *innobridge.Indicators) { e.Years[0].RDExpense, e.Years[0].TotalCosts = 3_000_000, 10_000_000 }, "rd_to_costs", false, 50},
		{"rd/costs 10% → 10", func(e *innobridge.Indicators) { e.Years[0].RDExpense, e.Years[0].TotalCosts = 1_000_000, 10_000_000 }, "rd_to_costs", false, 10},
		{"best of A and B", func(e *innobridge.Indicators) { e.Years[0].RDExpense, e.Years[0].TotalCosts = 1_000_000, 4_000_000 }, "rd", false, 40},
		{"1 class I → 30", func(e *innobridge.Indicators) { e.IP = innobridge.IPHoldings{InventionPatents: 1} }, "ip", false, 30},
		{"4 class II → 24", func(e *innobridge.Indicators) { e.IP = innobridge.IPHoldings{Designs: 4} }, "ip", false, 24},
		{"5 class II → 24", func(e *innobridge.Indicators) { e.IP = innobridge.IPHoldings{Designs: 5} }, "ip", false, 24},
		{"1 class II → 6", func(e *innobridge.Indicators) { e.IP = innobridge.IPHoldings{Designs: 1} }, "ip", false, 6},
		{"no IP → 0", func(e *innobridge.Indicators) { e.IP = innobridge.IPHoldings{} }, "ip", false, 0},
		{"class I not tied to main products", func(e *innobridge.Indicators) {
			e.IP = innobridge.IPHoldings{InventionPatents: 2, MainClassI: ptr(0), UtilityModels: 1}
		}, "ip", false, 6},
		{"valid 高企 is a direct route", func(e *innobridge.Indicators) {
			e.Recognitions = []innobridge.Recognition{{Kind: innobridge.RecHighTech, Granted: mustDate(t, "2023-06-16")}}
		}, "hightech_cert", true, -1},
		{"高企 expired the day before", func(e *innobridge.Indicators) {
			e.Recognitions = []innobridge.Recognition{{Kind: innobridge.RecHighTech, Granted: mustDate(t, "2023-06-15")}}
		}, "hightech_cert", false, -1},
		{"provincial R&D institution", func(e *innobridge.Indicators) {
			e.RDInstitutions = []innobridge.RDInstitution{{Level: innobridge.LevelProvincial}}
		}, "rd_institution", true, -1},
		{"municipal R&D institution is not enough", func(e *innobridge.Indicators) {
			e.RDInstitutions = []innobridge.RDInstitution{{Level: innobridge.LevelMunicipal}}
		}, "rd_institution", false, -1},
		{"national award rank 3 within 5 years", func(e *innobridge.Indicators) {
			e.Awards = []innobridge.Award{{Kind: innobridge.AwardST, Level: innobridge.LevelNational, Rank: 3, Date: mustDate(t, "2021-06-15")}}
		}, "national_award", true, -1},
		{"national award rank 4", func(e *innobridge.Indicators) {
			e.Awards = []innobridge.Award{{Kind: innobridge.AwardST, Level: innobridge.LevelNational, Rank: 4, Date: mustDate(t, "2024-01-01")}}
		}, "national_award", false, -1},
		{"led national standard", func(e *innobridge.Indicators) {
			e.Standards = []innobridge.Standard{{Level: "national", Lead: true, Date: mustDate(t, "2022-01-01")}}
		}, "led_standard", true, -1},
		{"group standard does not count", func(e *innobridge.Indicators) {
			e.Standards = []innobridge.Standard{{Level: "group", Lead: true, Date: mustDate(t, "2022-01-01")}}
		}, "led_standard", false, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := techSME(t)
			tt.mod(e)
			r := Evaluate(e, rs, asOf)
			s := step(r.Trace, tt.id)
			if s == nil {
				t.Fatalf("no step %q", tt.id)
			}
			if tt.points >= 0 {
				if pts(s) != tt.points {
					t.Errorf("points %g, want %g\n%s", pts(s), tt.points, dump(t, r))
				}
				return
			}
			if passed(s) != tt.pass {
				t.Errorf("pass %v, want %v\n%s", passed(s), tt.pass, dump(t, r))
			}
		})
	}
}

func TestTechSME_PassRule(t *testing.T) {
	asOf := mustDate(t, "2026-06-15")
	rs := mustRule(t, "tech_sme")
	t.Run("exactly 60 passes", func(t *testing.T) {
		e := techSME(t)
		e.Years[0].STStaff = 10                                    // 4
		e.Years[0].RDExpense = 3_000_000                           // 6% → 50
		e.IP = innobridge.IPHoldings{UtilityModels: 1, Designs: 1} // 12 → 66; make it 60:
		e.IP = innobridge.IPHoldings{UtilityModels: 1}             // 6 → 60
		r := Evaluate(e, rs, asOf)
		if !r.Eligible || *r.Score != 60 {
			t.Fatalf("want 60 eligible\n%s", dump(t, r))
		}
	})
	t.Run("zero tech staff fails at 80", func(t *testing.T) {
		e := techSME(t)
		e.Years[0].STStaff = 9
		e.Years[0].RDExpense = 3_000_000
		e.IP = innobridge.IPHoldings{InventionPatents: 1}
		r := Evaluate(e, rs, asOf)
		if r.Eligible || *r.Score != 80 || !hasGap(r, "must score above 0") {
			t.Fatalf("want ineligible at 80 for zero tech staff\n%s", dump(t, r))
		}
	})
	t.Run("direct route still needs the caps", func(t *testing.T) {
		e := techSME(t)
		e.Years[0].Staff, e.Years[0].STStaff = 600, 100
		e.RDInstitutions = []innobridge.RDInstitution{{Level: innobridge.LevelNational}}
		r := Evaluate(e, rs, asOf)
		if r.Eligible || !hasGap(r, "600 > 500: staff is 100 over the limit") {
			t.Fatalf("want ineligible on staff\n%s", dump(t, r))
		}
	})
	t.Run("missing year names it", func(t *testing.T) {
		e := techSME(t)
		e.Years[0].Year = 2024
		r := Evaluate(e, rs, asOf)
		if r.Eligible || !hasGap(r, "no figures for fiscal year 2025") {
			t.Fatalf("want missing-data gap\n%s", dump(t, r))
		}
	})
}
