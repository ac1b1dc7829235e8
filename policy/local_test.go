package policy

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/innobridge/innobridge"
)

func TestLocalPolicies(t *testing.T) {
	asOf := mustDate(t, "2026-06-15")
	base := func() *innobridge.Indicators {
		return &innobridge.Indicators{ID: "p", Region: "320506",
			Years:        []innobridge.YearFigures{{Year: 2024, Revenue: 40e6, RDExpense: 2e6}, {Year: 2025, Revenue: 50e6, RDExpense: 3e6}},
			Recognitions: []innobridge.Recognition{{Kind: innobridge.RecHighTech, Granted: mustDate(t, "2025-11-01")}}}
	}
	p := func(name string) *LocalPolicy {
		p, err := catalog.Policy(name)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name   string
		policy string
		mod    func(e *innobridge.Indicators)
		amount int64 // -1: not eligible
	}{
		{"10% of ¥1m increase", "sz_rd_increment_2026", nil, 100_000},
		{"increase exactly ¥500k", "sz_rd_increment_2026", func(e *innobridge.Indicators) { e.Years[1].RDExpense = 2.5e6 }, 50_000},
		{"increase ¥499,999", "sz_rd_increment_2026", func(e *innobridge.Indicators) { e.Years[1].RDExpense = 2.5e6 - 1 }, -1},
		{"capped at ¥1m", "sz_rd_increment_2026", func(e *innobridge.Indicators) { e.Years[1].RDExpense = 20e6 }, 1_000_000},
		{"outside 苏州", "sz_rd_increment_2026", func(e *innobridge.Indicators) { e.Region = "320205" }, -1},
		{"first 高企 ¥300k", "sz_hightech_award_2026", nil, 300_000},
		{"re-recognised 高企 ¥100k", "sz_hightech_award_2026", func(e *innobridge.Indicators) {
			e.Recognitions = append(e.Recognitions, innobridge.Recognition{Kind: innobridge.RecHighTech, Granted: mustDate(t, "2022-11-01")})
		}, 100_000},
		{"new 小巨人 ¥500k", "sz_zjtx_award_2026", func(e *innobridge.Indicators) {
			e.Recognitions = []innobridge.Recognition{{Kind: innobridge.RecLittleGiant, Granted: mustDate(t, "2025-07-01")}}
		}, 500_000},
		{"institution: 5% of ¥3m", "sz_rd_institution_2026", func(e *innobridge.Indicators) {
			e.RDInstitutions = []innobridge.RDInstitution{{Level: innobridge.LevelProvincial}}
		}, 150_000},
		{"institution: under ¥50k pays nothing", "sz_rd_institution_2026", func(e *innobridge.Indicators) {
			e.RDInstitutions = []innobridge.RDInstitution{{Level: innobridge.LevelProvincial}}
			e.Years[1].Revenue, e.Years[1].RDExpense = 30e6, 0.9e6
		}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := base()
			if tt.mod != nil {
				tt.mod(e)
			}
			r := EvaluatePolicy(e, p(tt.policy), asOf)
			if tt.amount < 0 {
				if r.Eligible {
					t.Fatalf("want not eligible\n%s", dump(t, r))
				}
				return
			}
			if !r.Eligible || *r.Amount != tt.amount {
				t.Fatalf("want %d\n%s", tt.amount, dump(t, r))
			}
		})
	}
	t.Run("outside the period nobody qualifies", func(t *testing.T) {
		if r := EvaluatePolicy(base(), p("sz_rd_increment_2026"), mustDate(t, "2027-01-01")); r.Eligible {
			t.Fatal("eligible after the period")
		}
	})
	t.Run("batch list against budget", func(t *testing.T) {
		pol := *p("sz_rd_increment_2026")
		pol.Budget = 150_000
		e1, e2, e3 := base(), base(), base()
		e1.ID, e2.ID, e3.ID = "e1", "e2", "e3"
		e2.Region = "110105"
		runs := RunPolicies([]*innobridge.Indicators{e1, e2, e3}, []*LocalPolicy{&pol}, asOf, RunOptions{Traces: true})
		r := runs[0]
		if r.Count != 2 || r.Qualifying[0].ID != "e1" || r.Qualifying[1].ID != "e3" || r.Total != 200_000 || !r.OverBudget || r.ProRata != 0.75 || len(r.Qualifying[0].Trace) == 0 {
			t.Fatalf("%+v", r)
		}
	})
}

// synthetic makes n varied enterprises in 苏州 and elsewhere.
func synthetic(n int) []*innobridge.Indicators {
	rng := rand.New(rand.NewPCG(1, 2))
	regions := []string{"320506", "320571", "320583", "320205", "110105"}
	kinds := []string{innobridge.RecHighTech, innobridge.RecTechSME, innobridge.RecZJTXSME, innobridge.RecLittleGiant, innobridge.RecInnovativeSME}
	levels := []string{innobridge.LevelDistrict, innobridge.LevelMunicipal, innobridge.LevelProvincial, innobridge.LevelNational}
	out := make([]*innobridge.Indicators, n)
	for i := range out {
		rev := int64(5e6 + rng.Float64()*300e6)
		staff := 10 + rng.IntN(600)
		e := &innobridge.Indicators{ID: fmt.Sprintf("syn-%06d", i), Region: regions[rng.IntN(len(regions))]}
		for y := 2023; y <= 2025; y++ {
			r := rev * int64(85+rng.IntN(30)) / 100
			e.Years = append(e.Years, innobridge.YearFigures{Year: y, Staff: staff, STStaff: staff * rng.IntN(50) / 100,
				RDStaff: staff * rng.IntN(40) / 100, Revenue: r, MainRevenue: r * int64(50+rng.IntN(50)) / 100,
				RDExpense: r * int64(rng.IntN(12)) / 100, TotalCosts: r * 9 / 10, TotalAssets: r, TotalLiabilities: r * int64(rng.IntN(90)) / 100,
				NetProfit: r * int64(rng.IntN(15)) / 100, HighTechIncome: r * int64(rng.IntN(100)) / 100, Conversions: rng.IntN(7)})
		}
		e.IP = innobridge.IPHoldings{InventionPatents: rng.IntN(6), UtilityModels: rng.IntN(10), SoftwareCopyrights: rng.IntN(5)}
		e.IP.SelfDevelopedClassI = e.IP.InventionPatents / 2
		e.IP.AppliedClassI = e.IP.InventionPatents / 2
		if rng.IntN(3) == 0 {
			e.Recognitions = append(e.Recognitions, innobridge.Recognition{Kind: kinds[rng.IntN(len(kinds))],
				Granted: innobridge.NewDate(mustTime(2023+rng.IntN(3), 1+rng.IntN(12)))})
		}
		if rng.IntN(4) == 0 {
			e.RDInstitutions = []innobridge.RDInstitution{{Level: levels[rng.IntN(len(levels))]}}
		}
		out[i] = e
	}
	return out
}

// benchPolicies makes n policies by varying the four example policies'
// thresholds, rates and caps.
func benchPolicies(tb testing.TB, n int) []*LocalPolicy {
	base := catalog.Policies()
	var out []*LocalPolicy
	for i := 0; len(out) < n; i++ {
		b, err := localFS.ReadFile("local/" + base[i%len(base)].Name + ".json")
		if err != nil {
			tb.Fatal(err)
		}
		p, err := ParseLocalPolicy(b)
		if err != nil {
			tb.Fatal(err)
		}
		p.Name = fmt.Sprintf("%s_v%d", p.Name, i)
		for j := range p.compiled.cases {
			p.compiled.cases[j].Rate *= 1 + float64(i%5)/10
		}
		out = append(out, p)
	}
	return out
}

func BenchmarkRunPolicies100kx50(b *testing.B) {
	ents := synthetic(100_000)
	pols := benchPolicies(b, 50)
	asOf := mustDate(b, "2026-06-15")
	b.ResetTimer()
	var q int
	for b.Loop() {
		runs := RunPolicies(ents, pols, asOf, RunOptions{})
		q = 0
		for _, r := range runs {
			q += r.Count
		}
	}
	b.ReportMetric(float64(q), "qualifying")
}

func BenchmarkEvaluateAllRuleSets(b *testing.B) {
	ents := synthetic(1000)
	asOf := mustDate(b, "2026-06-15")
	var sets []*RuleSet
	for _, n := range []string{"tech_sme", "hightech", "innovative_sme", "zjtx_sme", "little_giant"} {
		sets = append(sets, mustRule(b, n))
	}
	b.ResetTimer()
	for b.Loop() {
		for _, e := range ents {
			for _, r := range sets {
				_ = Evaluate(e, r, asOf)
			}
		}
	}
}
