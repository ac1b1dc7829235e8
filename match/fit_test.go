package match

import (
	"context"
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

// TestShare: Why.Share is the part of the query's weight a listing
// contains, counting query terms no listing has, so that a listing sharing
// one word with a query about something else shares little however high
// it ranks.
func TestShare(t *testing.T) {
	ix := New(Options{NoSegment: true})
	as := []*innobridge.Achievement{
		achievement("ladle", "钢包耐火材料长寿化", "镁碳砖钢包使用寿命提高。"),
		achievement("pla", "聚乳酸可降解复合材料", "通过反应增容技术提高断裂伸长率。"),
		achievement("f1", "城市交通信号控制", "基于强化学习的配时优化。"),
		achievement("f2", "土壤重金属检测方法", "采用光谱法快速检测。"),
	}
	if err := ix.AddAchievements(context.Background(), as); err != nil {
		t.Fatal(err)
	}
	share := func(d *innobridge.Demand) map[string]float64 {
		rs, err := ix.Search(context.Background(), d, 10)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]float64{}
		for _, r := range rs {
			out[r.ID] = r.Why.Share
			if r.Why.Share < 0 || r.Why.Share > 1 {
				t.Errorf("%s: share %v out of [0, 1]", r.ID, r.Why.Share)
			}
		}
		return out
	}
	d := &innobridge.Demand{}
	d.ExternalID, d.Title = "d", "钢包耐火材料长寿化"
	if s := share(d)["ladle"]; s < 0.99 {
		t.Errorf("a listing with every query term shares %v, want 1", s)
	}
	// The same subject with words no listing has: the best match shares
	// part of it.
	d.Description = "希望通过镁碳砖配方与砌筑工艺优化提高炉龄。"
	s := share(d)
	if s["ladle"] < 0.15 || s["ladle"] > 0.9 {
		t.Errorf("ladle shares %v, want part", s["ladle"])
	}
	// A query about something no listing states: the one sharing 通过
	// ranks, and shares little.
	q := &innobridge.Demand{}
	q.ExternalID, q.Title, q.Description = "q", "抗体药物细胞株构建", "希望通过高通量筛选获得高表达细胞株。"
	s = share(q)
	if v, ok := s["pla"]; !ok || v >= 0.05 {
		t.Errorf("pla: share %v (found %v), want below 0.05", v, ok)
	}
}
