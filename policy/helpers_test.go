package policy

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/innobridge/innobridge"
)

var catalog = MustDefault()

func mustDate(tb testing.TB, s string) innobridge.Date {
	tb.Helper()
	d, err := innobridge.ParseDate(s)
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

func mustRule(tb testing.TB, name string) *RuleSet {
	tb.Helper()
	r, err := catalog.RuleSet(name, mustDate(tb, "2026-06-15"))
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

func datep(tb testing.TB, s string) *innobridge.Date { d := mustDate(tb, s); return &d }

// step finds the trace step with id, searching children too.
func step(steps []Step, id string) *Step {
	for i := range steps {
		if steps[i].ID == id {
			return &steps[i]
		}
		if s := step(steps[i].Steps, id); s != nil {
			return s
		}
	}
	return nil
}

func dump(tb testing.TB, r Result) string {
	tb.Helper()
	b, _ := json.MarshalIndent(r, "", "  ")
	return string(b)
}

func hasGap(r Result, sub string) bool {
	for _, g := range r.Gaps {
		if strings.Contains(g, sub) {
			return true
		}
	}
	return false
}

func pts(s *Step) float64 {
	if s == nil || s.Points == nil {
		return -1
	}
	return *s.Points
}

func passed(s *Step) bool { return s != nil && s.Pass != nil && *s.Pass }

func mustRawRule(tb testing.TB, key string) *RuleSet {
	tb.Helper()
	b, err := rulesFS.ReadFile("rules/" + key + ".json")
	if err != nil {
		tb.Fatal(err)
	}
	r, err := ParseRuleSet(b)
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

func recompile(tb testing.TB, r *RuleSet) *RuleSet {
	tb.Helper()
	cs, err := compileSet(r)
	if err != nil {
		tb.Fatal(err)
	}
	r.compiled = cs
	return r
}

func mustTime(y, m int) time.Time { return time.Date(y, time.Month(m), 1, 0, 0, 0, 0, time.UTC) }
