package tier

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/innobridge/innobridge"
	"github.com/innobridge/innobridge/policy"
)

// BenchmarkCandidates100k ranks 100,000 synthetic enterprises for 专精特新
// (the 2026 rules, no traces kept).
func BenchmarkCandidates100k(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	ents := make([]*innobridge.Indicators, 100_000)
	for i := range ents {
		rev := int64(10e6 + rng.Float64()*100e6)
		e := &innobridge.Indicators{ID: fmt.Sprintf("e%06d", i), Region: "320506"}
		for y := 2024; y <= 2025; y++ {
			e.Years = append(e.Years, innobridge.YearFigures{Year: y, Staff: 100, RDStaff: rng.IntN(40), Revenue: rev,
				MainRevenue: rev * int64(60+rng.IntN(40)) / 100, RDExpense: rev * int64(rng.IntN(8)) / 100,
				TotalAssets: rev, TotalLiabilities: rev * int64(rng.IntN(100)) / 100})
		}
		e.IP.InventionPatents = rng.IntN(4)
		e.IP.AppliedClassI = e.IP.InventionPatents / 2
		since := innobridge.NewDate(time.Date(2018+rng.IntN(8), 1, 1, 0, 0, 0, 0, time.UTC))
		e.NicheSince = &since
		s := float64(30 + rng.IntN(50))
		e.DevelopmentScore = &s
		if rng.IntN(2) == 0 {
			e.Recognitions = []innobridge.Recognition{{Kind: innobridge.RecTechSME, Granted: mustDate(b, "2026-05-20")}}
		}
		ents[i] = e
	}
	cat := policy.MustDefault()
	asOf := mustDate(b, "2026-06-15")
	b.ResetTimer()
	var n int
	for b.Loop() {
		cs, err := Candidates(cat, ents, "zjtx_sme", asOf, CandidateOptions{})
		if err != nil {
			b.Fatal(err)
		}
		n = len(cs)
	}
	b.ReportMetric(float64(n), "candidates")
}
