package tier

import (
	"math"
	"testing"

	"github.com/innobridge/innobridge"
	"github.com/innobridge/innobridge/policy"
)

func mustDate(tb testing.TB, s string) innobridge.Date {
	tb.Helper()
	d, err := innobridge.ParseDate(s)
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

func datep(tb testing.TB, s string) *innobridge.Date {
	tb.Helper()
	d := mustDate(tb, s)
	return &d
}

// ents are four enterprises in 苏州 and 无锡 with tiers granted on various dates.
func ents(tb testing.TB) []*innobridge.Indicators {
	return []*innobridge.Indicators{
		{ID: "a", Region: "320506", Industry: "C3911", Recognitions: []innobridge.Recognition{
			{Kind: innobridge.RecHighTech, Number: "GR202332000001", Granted: mustDate(tb, "2023-07-01")}, // last day 2026-06-30
			{Kind: innobridge.RecTechSME, Number: "202632050600001", Granted: mustDate(tb, "2026-05-20")}, // last day 2026-12-31
		}},
		{ID: "b", Region: "320571", Industry: "I6513", Recognitions: []innobridge.Recognition{
			{Kind: innobridge.RecHighTech, Granted: mustDate(tb, "2022-11-01")}, // expired 2025-10-31
			{Kind: innobridge.RecZJTXSME, Granted: mustDate(tb, "2024-07-01"), Expires: datep(tb, "2027-06-30")},
		}},
		{ID: "c", Region: "320205", Industry: "C3912", Recognitions: []innobridge.Recognition{
			{Kind: innobridge.RecHighTech, Granted: mustDate(tb, "2026-11-01")}, // not yet
			{Kind: innobridge.RecIPDemo, Granted: mustDate(tb, "2020-01-01")},   // never expires
		}},
		{ID: "d", Region: "320583"},
	}
}

func TestRegistry(t *testing.T) {
	asOf := mustDate(t, "2026-06-15")
	got := Registry(ents(t), asOf, 30)
	want := []struct {
		id, kind string
		status   Status
		daysLeft int
		last     string
	}{
		{"a", "hightech", Expiring, 15, "2026-06-30"},
		{"a", "tech_sme", Valid, 199, "2026-12-31"},
		{"b", "hightech", Expired, -227, "2025-10-31"},
		{"b", "zjtx_sme", Valid, 380, "2027-06-30"},
		{"c", "hightech", NotYet, 1234, "2029-10-31"},
		{"c", "ip_demo", Valid, 0, ""},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d entries, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		g := got[i]
		last := ""
		if g.LastDay != nil {
			last = g.LastDay.String()
		}
		if g.Enterprise != w.id || g.Kind != w.kind || g.Status != w.status || g.DaysLeft != w.daysLeft || last != w.last {
			t.Errorf("entry %d: got %s %s %s %d %s, want %+v", i, g.Enterprise, g.Kind, g.Status, g.DaysLeft, last, w)
		}
	}
	if got[0].Number != "GR202332000001" {
		t.Errorf("number not kept: %q", got[0].Number)
	}
	t.Run("window boundary", func(t *testing.T) {
		// 15 days left: expiring with a 15-day window, valid with 14.
		if s := Registry(ents(t)[:1], asOf, 15)[0].Status; s != Expiring {
			t.Errorf("15 days left, window 15: %s", s)
		}
		if s := Registry(ents(t)[:1], asOf, 14)[0].Status; s != Valid {
			t.Errorf("15 days left, window 14: %s", s)
		}
		if s := Registry(ents(t)[:1], mustDate(t, "2026-06-30"), 0)[0].Status; s != Expiring {
			t.Errorf("on the last day: %s", s)
		}
		if s := Registry(ents(t)[:1], mustDate(t, "2026-07-01"), 0)[0].Status; s != Expired {
			t.Errorf("the day after: %s", s)
		}
	})
	t.Run("expiring soon, soonest first", func(t *testing.T) {
		got := ExpiringSoon(ents(t), asOf, 400)
		if len(got) != 3 || got[0].Kind != "hightech" || got[1].Kind != "tech_sme" || got[2].Kind != "zjtx_sme" {
			t.Fatalf("%+v", got)
		}
	})
}

func TestCounts(t *testing.T) {
	asOf := mustDate(t, "2026-06-15")
	got := Counts(ents(t), asOf, Grouping{RegionDigits: 4, Industry: "section"})
	want := []Count{
		{Tier: "tech_sme", Region: "320500", Industry: "C", N: 1},
		{Tier: "hightech", Region: "320500", Industry: "C", N: 1},
		{Tier: "zjtx_sme", Region: "320500", Industry: "I", N: 1},
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("%d: got %+v, want %+v", i, got[i], want[i])
		}
	}
	t.Run("by county and division", func(t *testing.T) {
		got := Counts(ents(t), asOf, Grouping{RegionDigits: 6, Industry: "division"})
		if got[0] != (Count{Tier: "tech_sme", Region: "320506", Industry: "C39", N: 1}) {
			t.Errorf("%+v", got)
		}
	})
	t.Run("over time", func(t *testing.T) {
		snaps := CountsOver(ents(t), YearEnds(2024, 2027), Grouping{})
		total := func(s Snapshot, tier string) int {
			for _, c := range s.Counts {
				if c.Tier == tier {
					return c.N
				}
			}
			return 0
		}
		// 高企: b (2022-11 to 2025-10) and a (2023-07 to 2026-06), then c from 2026-11.
		for i, want := range []int{2, 1, 1, 1} {
			if got := total(snaps[i], "hightech"); got != want {
				t.Errorf("%s: hightech %d, want %d", snaps[i].AsOf, got, want)
			}
		}
		if snaps[3].AsOf.String() != "2027-12-31" || total(snaps[3], "zjtx_sme") != 0 {
			t.Errorf("zjtx expired 2027-06-30: %+v", snaps[3])
		}
	})
}

func TestCandidates(t *testing.T) {
	cat := policy.MustDefault()
	asOf := mustDate(t, "2026-06-15")
	// Three tech-SME candidates at different distances, one holder.
	base := func(id string, rd int64) *innobridge.Indicators {
		return &innobridge.Indicators{ID: id, Region: "320506", Registered: datep(t, "2019-03-01"),
			Years: []innobridge.YearFigures{{Year: 2025, Staff: 100, STStaff: 25, Revenue: 50e6, TotalCosts: 45e6,
				TotalAssets: 60e6, RDExpense: rd}},
			IP: innobridge.IPHoldings{UtilityModels: 2, SoftwareCopyrights: 1}}
	}
	far := base("far", 0)     // 16 + 0 + 18 = 34
	near := base("near", 1e6) // 16 + 10 + 18 = 44
	ok := base("ok", 2.1e6)   // 64: eligible
	held := base("held", 0)   // holds tech_sme until 2026-12-31
	held.Recognitions = []innobridge.Recognition{{Kind: innobridge.RecTechSME, Granted: mustDate(t, "2026-05-20")}}
	all := []*innobridge.Indicators{far, held, near, ok}

	got, err := Candidates(cat, all, "tech_sme", asOf, CandidateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ids := func(cs []Candidate) (s []string) {
		for _, c := range cs {
			s = append(s, c.ID)
		}
		return s
	}
	if g := ids(got); len(g) != 3 || g[0] != "ok" || g[1] != "near" || g[2] != "far" {
		t.Fatalf("order %v", g)
	}
	if d := got[1].Result.Distance; math.Abs(d-16.0/60) > 1e-6 {
		t.Errorf("near: distance %g, want 16/60", d)
	}
	if got[0].Result.Trace != nil || len(got[1].Result.Gaps) == 0 {
		t.Errorf("traces dropped, gaps kept: %+v", got[1].Result)
	}
	t.Run("renewal window keeps a holder", func(t *testing.T) {
		got, _ := Candidates(cat, all, "tech_sme", asOf, CandidateOptions{RenewWithin: 200, Traces: true})
		if g := ids(got); len(g) != 4 || g[3] != "held" || !got[3].Renewal || got[3].Expires.String() != "2026-12-31" || got[3].Result.Trace == nil {
			t.Fatalf("%v %+v", g, got[3])
		}
		got, _ = Candidates(cat, all, "tech_sme", asOf, CandidateOptions{RenewWithin: 198})
		if len(got) != 3 {
			t.Fatalf("199 days left is outside a 198-day window: %v", ids(got))
		}
	})
	t.Run("max distance and limit", func(t *testing.T) {
		got, _ := Candidates(cat, all, "tech_sme", asOf, CandidateOptions{MaxDistance: 0.3})
		if g := ids(got); len(g) != 2 {
			t.Fatalf("%v", g)
		}
		got, _ = Candidates(cat, all, "tech_sme", asOf, CandidateOptions{Limit: 1})
		if g := ids(got); len(g) != 1 || g[0] != "ok" {
			t.Fatalf("%v", g)
		}
	})
	t.Run("unknown rule", func(t *testing.T) {
		if _, err := Candidates(cat, all, "nope", asOf, CandidateOptions{}); innobridge.ErrorCode(err) != innobridge.ENOTFOUND {
			t.Fatalf("err %v", err)
		}
	})
}

func TestTierOf(t *testing.T) {
	if tr, ok := TierOf("innovative_sme@2026"); !ok || len(tr.Kinds) != 2 {
		t.Errorf("%+v %v", tr, ok)
	}
	if _, ok := TierOf("sz_rd_increment_2026"); ok {
		t.Error("a local policy is not a tier")
	}
}
