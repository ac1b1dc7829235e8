package match

import (
	"math"
	"slices"
	"testing"

	"github.com/innobridge/innobridge"
)

func TestStructuredFit(t *testing.T) {
	none := item{price: -1, budgetMin: -1, budgetMax: -1}
	with := func(f func(*item)) *item { it := none; f(&it); return &it }
	for _, tc := range []struct {
		name     string
		dem, ach *item
		want     []Fit
		score    float64
	}{
		{"nothing stated", &none, with(func(a *item) { a.field = "1" }), nil, 0},
		{"same city, price within budget",
			with(func(d *item) { d.region, d.budgetMax = "320506", 2000000 }),
			with(func(a *item) { a.region, a.price = "320583", 250000 }),
			[]Fit{{"price", true, "价格25 万元在预算200 万元以内", "price ¥250,000 within the budget of ¥2,000,000"},
				{"region", true, "同在江苏省苏州市", "same city: 江苏省苏州市"}}, 0.5},
		{"same province, over budget",
			with(func(d *item) { d.region, d.budgetMax = "320506", 8000 }),
			with(func(a *item) { a.region, a.price = "320100", 15000 }),
			[]Fit{{"price", false, "价格1.5 万元超出预算8000 元", "price ¥15,000 over the budget of ¥8,000"},
				{"region", true, "同在江苏省", "same province: 江苏省"}}, (0.5 - 1.5) / 4},
		{"modes apart, same field",
			with(func(d *item) {
				d.field, d.modes = "1", modeBits([]innobridge.Mode{innobridge.ModeEquity, innobridge.ModeCoDevelop})
			}),
			with(func(a *item) { a.field, a.modes = "1", modeBits([]innobridge.Mode{innobridge.ModeTransfer}) }),
			[]Fit{{"field", true, "同属电子信息", "both in Electronic information"},
				{"mode", false, "需求方式作价入股、合作开发，成果方式转让", "demand wants equity contribution or joint development, achievement offers assignment"}},
			(1 - 1.5) / 4},
		{"TRL below the demand's minimum",
			with(func(d *item) { d.trl = 7 }), with(func(a *item) { a.trl = 4 }),
			[]Fit{{"trl", false, "成熟度TRL 4 < 需求最低 7", "TRL 4 < the demand's minimum 7"}}, -1.5 / 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, score := structuredFit(tc.dem, tc.ach)
			if !slices.Equal(got, tc.want) || math.Abs(score-tc.score) > 1e-9 {
				t.Errorf("structuredFit = %v, %v; want %v, %v", got, score, tc.want, tc.score)
			}
		})
	}
}
