package policy

import (
	"math"
	"testing"

	"github.com/innobridge/innobridge"
)

// TestZJTX2022_Boundaries scores each item of the 专精特新 (2022) model
// exactly at a band's lower bound and one unit below it, from the worked
// example zjtxExample on 2026-01-15 (FY2025: revenue ¥60m, assets ¥40m, 100
// staff).
func TestZJTX2022_Boundaries(t *testing.T) {
	asOf := mustDate(t, "2026-01-15")
	rs := mustRule(t, "zjtx_sme@2022")
	fy := func(e *innobridge.Indicators) *innobridge.YearFigures { return &e.Years[2] }
	growth := func(a, b, c int64) func(e *innobridge.Indicators) {
		return func(e *innobridge.Indicators) {
			e.Years[0].MainRevenue, e.Years[1].MainRevenue, e.Years[2].MainRevenue = a, b, c
		}
	}
	tests := []struct {
		name   string
		mod    func(e *innobridge.Indicators)
		id     string
		points float64
	}{
		{"main share exactly 80% → 5", func(e *innobridge.Indicators) { fy(e).MainRevenue = 48e6 }, "main_share", 5},
		{"main share just under 80% → 3", func(e *innobridge.Indicators) { fy(e).MainRevenue = 48e6 - 1 }, "main_share", 3},
		{"main share exactly 70% → 3", func(e *innobridge.Indicators) { fy(e).MainRevenue = 42e6 }, "main_share", 3},
		{"main share exactly 60% → 1", func(e *innobridge.Indicators) { fy(e).MainRevenue = 36e6 }, "main_share", 1},
		{"main share just under 60% → 0", func(e *innobridge.Indicators) { fy(e).MainRevenue = 36e6 - 1 }, "main_share", 0},
		{"growth exactly 10% a year → 10", growth(40e6, 44e6, 48.4e6), "main_growth_2y", 10},
		{"growth just under 10% → 8", growth(40e6, 44e6, 48.4e6-1), "main_growth_2y", 8},
		{"growth exactly 4% → 4", growth(50e6, 52e6, 54.08e6), "main_growth_2y", 4},
		{"growth exactly 0 → 0", growth(40e6, 40e6, 40e6), "main_growth_2y", 0},
		{"growth just above 0 → 2", growth(40e6, 40e6, 40e6+1000), "main_growth_2y", 2},
		{"niche exactly 2 years → 1", func(e *innobridge.Indicators) { e.NicheSince = datep(t, "2024-01-15") }, "niche_years", 1},
		{"niche a day short of 4 years → 1", func(e *innobridge.Indicators) { e.NicheSince = datep(t, "2022-01-16") }, "niche_years", 1},
		{"niche 12 years capped at 5", func(e *innobridge.Indicators) { e.NicheSince = datep(t, "2014-01-01") }, "niche_years", 5},
		{"六基 product → 3", func(e *innobridge.Indicators) { e.MainProductRole = "liuji" }, "main_product", 3},
		{"no product role → 0", func(e *innobridge.Indicators) { e.MainProductRole = "" }, "main_product", 0},
		{"digital level 2 → 3", func(e *innobridge.Indicators) { e.DigitalLevel = 2 }, "digital", 3},
		{"digital level 1 → 0", func(e *innobridge.Indicators) { e.DigitalLevel = 1 }, "digital", 0},
		{"two quality items capped at 5", func(e *innobridge.Indicators) { e.QualityItems = 2 }, "quality", 5},
		{"no quality item → 0", func(e *innobridge.Indicators) { e.QualityItems = 0 }, "quality", 0},
		{"net margin exactly 10% → 10", func(e *innobridge.Indicators) { fy(e).NetProfit = 6e6 }, "net_margin", 10},
		{"net margin just under 10% → 8", func(e *innobridge.Indicators) { fy(e).NetProfit = 6e6 - 1 }, "net_margin", 8},
		{"net margin exactly 2% → 2", func(e *innobridge.Indicators) { fy(e).NetProfit = 1.2e6 }, "net_margin", 2},
		{"net margin just under 2% → 0", func(e *innobridge.Indicators) { fy(e).NetProfit = 1.2e6 - 1 }, "net_margin", 0},
		{"debt exactly 50% → 5", func(e *innobridge.Indicators) { fy(e).TotalLiabilities = 20e6 }, "debt_ratio", 5},
		{"debt just over 50% → 3", func(e *innobridge.Indicators) { fy(e).TotalLiabilities = 20e6 + 1 }, "debt_ratio", 3},
		{"debt exactly 70% → 1", func(e *innobridge.Indicators) { fy(e).TotalLiabilities = 28e6 }, "debt_ratio", 1},
		{"debt just over 70% → 0", func(e *innobridge.Indicators) { fy(e).TotalLiabilities = 28e6 + 1 }, "debt_ratio", 0},
		{"local points as entered", func(e *innobridge.Indicators) { e.LocalFeaturePoints = ptr(15.0) }, "local_features", 15},
		{"local points absent → assumed 0", func(e *innobridge.Indicators) { e.LocalFeaturePoints = nil }, "local_features", 0},
		{"high-value class I → 10", func(e *innobridge.Indicators) { e.IP.HighValueClassI = 1 }, "ip", 10},
		{"class I not self-developed → 6", func(e *innobridge.Indicators) { e.IP.SelfDevelopedClassI = 0 }, "ip", 6},
		{"class II only → 2", func(e *innobridge.Indicators) { e.IP = innobridge.IPHoldings{UtilityModels: 1} }, "ip", 2},
		{"no IP → 0", func(e *innobridge.Indicators) { e.IP = innobridge.IPHoldings{} }, "ip", 0},
		{"R&D exactly ¥5m → 10", func(e *innobridge.Indicators) { fy(e).RDExpense = 5e6 }, "rd_investment", 10},
		{"R&D ¥1m, 1.67% → amount band 2", func(e *innobridge.Indicators) { fy(e).RDExpense = 1e6 }, "rd_investment", 2},
		{"R&D just under ¥1m and 3% → 0", func(e *innobridge.Indicators) { fy(e).RDExpense = 1e6 - 1 }, "rd_investment", 0},
		{"R&D ¥1m but exactly 10% of revenue → 10", func(e *innobridge.Indicators) { fy(e).Revenue, fy(e).RDExpense = 10e6, 1e6 }, "rd_investment", 10},
		{"R&D staff exactly 20% → 5", func(e *innobridge.Indicators) { fy(e).RDStaff = 20 }, "rd_staff", 5},
		{"R&D staff 19% → 3", func(e *innobridge.Indicators) { fy(e).RDStaff = 19 }, "rd_staff", 3},
		{"R&D staff exactly 5% → 1", func(e *innobridge.Indicators) { fy(e).RDStaff = 5 }, "rd_staff", 1},
		{"R&D staff 4% → 0", func(e *innobridge.Indicators) { fy(e).RDStaff = 4 }, "rd_staff", 0},
		{"national institution → 10", func(e *innobridge.Indicators) { e.RDInstitutions[0].Level = innobridge.LevelNational }, "rd_institution", 10},
		{"provincial institution → 8", func(e *innobridge.Indicators) { e.RDInstitutions[0].Level = innobridge.LevelProvincial }, "rd_institution", 8},
		{"district institution → 2", func(e *innobridge.Indicators) { e.RDInstitutions[0].Level = innobridge.LevelDistrict }, "rd_institution", 2},
		{"no institution → 0", func(e *innobridge.Indicators) { e.RDInstitutions = nil }, "rd_institution", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := zjtxExample(t)
			tt.mod(e)
			r := Evaluate(e, rs, asOf)
			if got := pts(step(r.Trace, tt.id)); got != tt.points {
				t.Errorf("%s: %g, want %g\n%s", tt.id, got, tt.points, dump(t, r))
			}
		})
	}

	// The conditions and the direct routes, from a company that scores
	// too little (no IP, no institution, no local points: 77 − 8 − 4 − 10 = 55).
	weak := func(t *testing.T) *innobridge.Indicators {
		e := zjtxExample(t)
		e.IP, e.RDInstitutions, e.LocalFeaturePoints = innobridge.IPHoldings{}, nil, nil
		return e
	}
	if r := Evaluate(weak(t), rs, asOf); r.Eligible || *r.Score != 55 {
		t.Fatalf("weak: want 55 and not eligible\n%s", dump(t, r))
	}
	routes := []struct {
		name     string
		mod      func(e *innobridge.Indicators)
		id       string
		pass     bool
		eligible bool
	}{
		{"niche exactly 2 years", func(e *innobridge.Indicators) { e.NicheSince = datep(t, "2024-01-15") }, "niche_2y", true, false},
		{"niche a day short of 2 years", func(e *innobridge.Indicators) { e.NicheSince = datep(t, "2024-01-16") }, "niche_2y", false, false},
		{"2-year R&D average exactly ¥10m", func(e *innobridge.Indicators) { e.Years[1].RDExpense, fy(e).RDExpense = 8e6, 12e6 }, "rd_avg", true, true},
		{"2-year R&D average one yuan short", func(e *innobridge.Indicators) { e.Years[1].RDExpense, fy(e).RDExpense = 8e6, 12e6-2 }, "rd_avg", false, false},
		{"equity exactly ¥60m over 2 years", func(e *innobridge.Indicators) { e.Years[1].EquityFinancing, fy(e).EquityFinancing = 30e6, 30e6 }, "equity", true, true},
		{"equity ¥60m but one year is FY2023", func(e *innobridge.Indicators) { e.Years[0].EquityFinancing, fy(e).EquityFinancing = 30e6, 30e6 }, "equity", false, false},
		{"provincial award ranked 3rd", func(e *innobridge.Indicators) {
			e.Awards = []innobridge.Award{{Kind: innobridge.AwardST, Level: innobridge.LevelProvincial, Rank: 3, Date: mustDate(t, "2023-01-15")}}
		}, "st_award", true, true},
		{"provincial award ranked 4th", func(e *innobridge.Indicators) {
			e.Awards = []innobridge.Award{{Kind: innobridge.AwardST, Level: innobridge.LevelProvincial, Rank: 4, Date: mustDate(t, "2024-01-15")}}
		}, "st_award", false, false},
		{"national award any rank", func(e *innobridge.Indicators) {
			e.Awards = []innobridge.Award{{Kind: innobridge.AwardST, Level: innobridge.LevelNational, Rank: 9, Date: mustDate(t, "2024-01-15")}}
		}, "st_award", true, true},
		{"创客中国 top 500", func(e *innobridge.Indicators) {
			e.Awards = []innobridge.Award{{Kind: innobridge.AwardMaker, Level: innobridge.LevelNational, Rank: 500, Date: mustDate(t, "2024-01-15")}}
		}, "maker_china", true, true},
		{"创客中国 501st", func(e *innobridge.Indicators) {
			e.Awards = []innobridge.Award{{Kind: innobridge.AwardMaker, Level: innobridge.LevelNational, Rank: 501, Date: mustDate(t, "2024-01-15")}}
		}, "maker_china", false, false},
	}
	for _, tt := range routes {
		t.Run(tt.name, func(t *testing.T) {
			e := weak(t)
			tt.mod(e)
			r := Evaluate(e, rs, asOf)
			if passed(step(r.Trace, tt.id)) != tt.pass || r.Eligible != tt.eligible {
				t.Errorf("%s pass %v eligible %v, want %v %v\n%s", tt.id, passed(step(r.Trace, tt.id)), r.Eligible, tt.pass, tt.eligible, dump(t, r))
			}
		})
	}
}

// lg2022 is an enterprise that meets every 小巨人 (2022) criterion on
// 2026-06-15 with revenue ¥50m (the 5000万–1亿 band: R&D ≥ 6% each year),
// debt exactly 70% and R&D exactly 6% in both years.
func lg2022(tb testing.TB) *innobridge.Indicators {
	e := littleGiantExample(tb)
	e.Years[0].MainRevenue = 37_190_083
	e.Years[1].MainRevenue = 40_909_091
	e.Years[2].MainRevenue = 45e6
	e.Years[2].TotalLiabilities = 56e6
	e.Years[1].RDExpense = 2_857_143
	e.Years[2].RDExpense = 3e6
	return e
}

func TestLittleGiant2022_Boundaries(t *testing.T) {
	asOf := mustDate(t, "2026-06-15")
	rs := mustRule(t, "little_giant@2022")
	if r := Evaluate(lg2022(t), rs, asOf); !r.Eligible || r.Score != nil {
		t.Fatalf("base should be eligible with a null score\n%s", dump(t, r))
	}
	fy := func(e *innobridge.Indicators) *innobridge.YearFigures { return &e.Years[2] }
	tests := []struct {
		name string
		mod  func(e *innobridge.Indicators)
		id   string
		pass bool
	}{
		{"niche exactly 3 years", func(e *innobridge.Indicators) {}, "niche", true},
		{"niche 2 years without filling a gap", func(e *innobridge.Indicators) { e.NicheSince = datep(t, "2024-06-15") }, "niche", false},
		{"niche exactly 2 years filling a gap", func(e *innobridge.Indicators) {
			e.NicheSince, e.MainProductRole = datep(t, "2024-06-15"), "gap_filling"
		}, "niche", true},
		{"niche a day short of 2 years filling a gap", func(e *innobridge.Indicators) {
			e.NicheSince, e.MainProductRole = datep(t, "2024-06-16"), "gap_filling"
		}, "niche", false},
		{"main share exactly 70%", func(e *innobridge.Indicators) { fy(e).MainRevenue = 35e6; e.Years[1].MainRevenue = 30e6 }, "main_share", true},
		{"main share just under 70%", func(e *innobridge.Indicators) { fy(e).MainRevenue = 35e6 - 1 }, "main_share", false},
		{"growth exactly 5% a year", func(e *innobridge.Indicators) {
			e.Years[0].MainRevenue, e.Years[1].MainRevenue, fy(e).MainRevenue = 40e6, 42e6, 44.1e6
		}, "main_growth", true},
		{"growth just under 5%", func(e *innobridge.Indicators) {
			e.Years[0].MainRevenue, e.Years[1].MainRevenue, fy(e).MainRevenue = 40e6, 42e6, 44.1e6-1
		}, "main_growth", false},
		{"digital level 2", func(e *innobridge.Indicators) {}, "digital", true},
		{"digital level 1", func(e *innobridge.Indicators) { e.DigitalLevel = 1 }, "digital", false},
		{"no quality item", func(e *innobridge.Indicators) { e.QualityItems = 0 }, "quality", false},
		{"debt exactly 70%", func(e *innobridge.Indicators) {}, "debt_ratio", true},
		{"debt just over 70%", func(e *innobridge.Indicators) { fy(e).TotalLiabilities++ }, "debt_ratio", false},
		{"market share exactly 10%", func(e *innobridge.Indicators) {}, "market_share", true},
		{"market share 9.99%", func(e *innobridge.Indicators) { e.MarketShare = 0.0999 }, "market_share", false},
		{"no own brand", func(e *innobridge.Indicators) { e.OwnBrand = false }, "own_brand", false},
		{"R&D exactly 6% both years (¥50m band)", func(e *innobridge.Indicators) {}, "rd_intensity", true},
		{"R&D just under 6% (¥50m band)", func(e *innobridge.Indicators) { fy(e).RDExpense-- }, "rd_intensity", false},
		{"revenue exactly ¥100m needs only 3%", func(e *innobridge.Indicators) {
			fy(e).Revenue, fy(e).MainRevenue, fy(e).TotalAssets = 100e6, 90e6, 100e6
		}, "rd_intensity", true},
		{"revenue just under ¥100m needs 6%", func(e *innobridge.Indicators) {
			fy(e).Revenue, fy(e).MainRevenue, fy(e).TotalAssets = 100e6-1, 90e6, 100e6
		}, "rd_intensity", false},
		{"revenue under ¥50m: equity ¥80m, R&D ¥30m, R&D staff 50%", func(e *innobridge.Indicators) {
			fy(e).Revenue, fy(e).MainRevenue = 45e6, 40e6
			e.Years[1].RDExpense, fy(e).RDExpense = 15e6, 15e6
			e.Years[1].EquityFinancing, fy(e).EquityFinancing = 40e6, 40e6
			fy(e).RDStaff = 100
		}, "rd_intensity", true},
		{"revenue under ¥50m: R&D staff 49.5%", func(e *innobridge.Indicators) {
			fy(e).Revenue, fy(e).MainRevenue = 45e6, 40e6
			e.Years[1].RDExpense, fy(e).RDExpense = 15e6, 15e6
			e.Years[1].EquityFinancing, fy(e).EquityFinancing = 40e6, 40e6
			fy(e).RDStaff = 99
		}, "rd_intensity", false},
		{"no R&D institution", func(e *innobridge.Indicators) { e.RDInstitutions = nil }, "rd_institution", false},
		{"exactly 2 applied class I", func(e *innobridge.Indicators) { e.IP.AppliedClassI = 2 }, "class1_ip", true},
		{"1 applied class I", func(e *innobridge.Indicators) { e.IP.AppliedClassI = 1 }, "class1_ip", false},
		{"not in a key chain link", func(e *innobridge.Indicators) { e.KeyChainPosition = false }, "chain_position", false},
		{"专精特新 title expired", func(e *innobridge.Indicators) { e.Recognitions[0].Granted = mustDate(t, "2023-06-15") }, "is_zjtx", false},
		{"large enterprise", func(e *innobridge.Indicators) { e.LargeEnterprise = true }, "sme", false},
		{"tax evasion 3 years ago to the day", func(e *innobridge.Indicators) {
			e.Incidents = []innobridge.Incident{{Kind: innobridge.IncTaxEvasion, Date: mustDate(t, "2023-06-15")}}
		}, "clean_record", false},
		{"tax evasion 3 years and a day ago", func(e *innobridge.Indicators) {
			e.Incidents = []innobridge.Incident{{Kind: innobridge.IncTaxEvasion, Date: mustDate(t, "2023-06-14")}}
		}, "clean_record", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := lg2022(t)
			tt.mod(e)
			r := Evaluate(e, rs, asOf)
			if got := passed(step(r.Trace, tt.id)); got != tt.pass {
				t.Errorf("%s pass %v, want %v\n%s", tt.id, got, tt.pass, dump(t, r))
			}
			if !tt.pass && r.Eligible {
				t.Errorf("eligible although %s fails", tt.id)
			}
		})
	}
}

// TestGapInMoney is the issue's own example: an R&D ratio of 2.1% against
// 3% on ¥200m of revenue needs ¥1.8m more R&D expense.
func TestGapInMoney(t *testing.T) {
	asOf := mustDate(t, "2026-06-15")
	pol, err := catalog.Policy("sz_rd_institution_2026")
	if err != nil {
		t.Fatal(err)
	}
	e := &innobridge.Indicators{ID: "g", Region: "320506",
		Years:          []innobridge.YearFigures{{Year: 2025, Revenue: 200e6, RDExpense: 4.2e6}},
		RDInstitutions: []innobridge.RDInstitution{{Level: innobridge.LevelProvincial}}}
	r := EvaluatePolicy(e, pol, asOf)
	want := "上年度研发费用占营业收入 ≥ 3%: 2.1% < 3%: needs ¥1.8m more R&D expense on this revenue"
	if r.Eligible || len(r.Gaps) != 1 || r.Gaps[0] != want {
		t.Fatalf("gaps %q, want [%q]", r.Gaps, want)
	}
	if r.Unmet != 1 || math.Abs(r.Distance-0.3) > 1e-6 {
		t.Errorf("distance %g unmet %d, want 0.3 and 1", r.Distance, r.Unmet)
	}
	e.Years[0].RDExpense = 6e6
	if r := EvaluatePolicy(e, pol, asOf); !r.Eligible || r.Distance != 0 || r.Unmet != 0 {
		t.Errorf("at exactly 3%%: eligible %v distance %g", r.Eligible, r.Distance)
	}
}

func TestDistance(t *testing.T) {
	asOf := mustDate(t, "2026-06-15")
	tests := []struct {
		name     string
		rule     string
		e        func(t testing.TB) *innobridge.Indicators
		distance float64
		unmet    int
	}{
		{"eligible is 0", "tech_sme", techSME, 0, 0},
		// score 38 of 60: (60 − 38) ÷ 60; the direct routes are all 1.
		{"score short by 22 of 60", "tech_sme", func(t testing.TB) *innobridge.Indicators {
			e := techSME(t)
			e.Years[0].RDExpense = 1_050_000
			e.IP = innobridge.IPHoldings{SoftwareCopyrights: 2}
			return e
		}, 22.0 / 60, 1},
		// 600 staff against 500: 0.2, and the score still passes.
		{"staff 20% over the cap", "tech_sme", func(t testing.TB) *innobridge.Indicators {
			e := techSME(t)
			e.Years[0].Staff, e.Years[0].STStaff = 600, 150
			return e
		}, 0.2, 1},
		// a missing title counts 1, debt 76% against 75% counts 1/75.
		{"little giant: title and debt", "little_giant", func(t testing.TB) *innobridge.Indicators {
			e := littleGiantExample(t)
			e.Recognitions = nil
			e.Years[2].TotalLiabilities = 60.8e6
			return e
		}, 1 + 0.01/0.75, 2},
		// innovative SME by score 85 but clean record fails: 1.
		{"incident", "innovative_sme", func(t testing.TB) *innobridge.Indicators {
			e := innovativeExample(t)
			e.Incidents = []innobridge.Incident{{Kind: innobridge.IncPollution, Date: mustDate(t, "2025-01-01")}}
			return e
		}, 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Evaluate(tt.e(t), mustRule(t, tt.rule), asOf)
			if math.Abs(r.Distance-tt.distance) > 1e-6 || r.Unmet != tt.unmet {
				t.Errorf("distance %g unmet %d, want %g %d\n%q", r.Distance, r.Unmet, tt.distance, tt.unmet, r.Gaps)
			}
		})
	}
}
