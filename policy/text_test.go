package policy

import (
	"regexp"
	"strings"
	"testing"

	"github.com/innobridge/innobridge"
)

func hasGapZh(r Result, sub string) bool {
	for _, g := range r.GapsZh {
		if strings.Contains(g, sub) {
			return true
		}
	}
	return false
}

func TestGapsZh(t *testing.T) {
	e := techSME(t)
	e.Years[0].RDExpense = 1_050_000 // 2.1% → 10 points
	e.IP = innobridge.IPHoldings{SoftwareCopyrights: 2}
	r := Evaluate(e, mustRule(t, "tech_sme"), mustDate(t, "2026-06-15"))
	if len(r.GapsZh) != len(r.Gaps) {
		t.Fatalf("%d Chinese gaps for %d gaps:\n%q\n%q", len(r.GapsZh), len(r.Gaps), r.GapsZh, r.Gaps)
	}
	for _, want := range []string{"总分 38，要求 ≥ 60：还需增加 22 分", "当前：2.1%；要求：≥ 3%，还需增加研发费用 45 万元（按当前营业收入）；可加 10 分",
		"还需增加与主导产品相关的Ⅱ类知识产权 1 项；可加 6 分", "或直接满足以下任一条件：「"} {
		if !hasGapZh(r, want) {
			t.Errorf("no gap %q in %q", want, r.GapsZh)
		}
	}
}

// TestNoEnglishInZh evaluates every version of every rule set and every local policy for an
// enterprise with figures and for one without, and finds no English words
// in the Chinese gaps and trace (rule versions and metric-free codes aside).
func TestNoEnglishInZh(t *testing.T) {
	latin := regexp.MustCompile(`[A-Za-z]{3,}`)
	check := func(where, s string) {
		if w := latin.FindAllString(s, -1); len(w) > 0 {
			t.Errorf("%s: English %q in %q", where, w, s)
		}
	}
	var walk func(rule string, steps []Step)
	walk = func(rule string, steps []Step) {
		for i := range steps {
			st := &steps[i]
			for _, s := range []string{st.TitleIn("zh"), st.DisplayIn("zh"), st.ThresholdIn("zh"), st.NoteIn("zh")} {
				check(rule+"/"+st.ID, s)
			}
			walk(rule, st.Steps)
		}
	}
	asOf := mustDate(t, "2026-06-15")
	empty := &innobridge.Indicators{Region: "320582"}
	for _, e := range []*innobridge.Indicators{techSME(t), empty} {
		var rs []Result
		for _, r := range catalog.RuleSets() {
			rs = append(rs, Evaluate(e, r, asOf))
		}
		for _, p := range catalog.Policies() {
			rs = append(rs, EvaluatePolicy(e, p, asOf))
		}
		for _, r := range rs {
			check(r.Rule, r.TitleIn("zh"))
			for _, g := range r.GapsIn("zh") {
				check(r.Rule, g)
			}
			walk(r.Rule, r.Trace)
		}
	}
}
