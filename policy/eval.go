// Package policy is the tiered-cultivation rule engine and the explainable
// policy calculator.
//
// National rule sets (科技型中小企业, 高新技术企业, 创新型/专精特新/小巨人) are
// versioned JSON files in rules/, local policies are JSON files in local/;
// both are embedded and loaded by Default. Evaluate applies one rule set to
// one enterprise's innobridge.Indicators at a date and returns a Result that
// lists every criterion with the value used, the threshold, pass/fail and
// points, plus the gaps to pass in actionable terms. EvaluatePolicy and
// RunPolicies do the same for local policies, estimating the amount payable;
// RunPolicies builds the 免申即享 list of every policy against its budget.
//
// All types marshal to JSON as they are and hold no database or HTTP code.
package policy

import (
	"fmt"
	"math"
	"strings"

	"github.com/innobridge/innobridge"
)

// Result is the outcome of one rule set (or local policy) for one enterprise.
type Result struct {
	Rule     string          `json:"rule"`    // rule-set or policy name
	Version  string          `json:"version"` // version used
	Title    string          `json:"title"`
	AsOf     innobridge.Date `json:"as_of"`
	Eligible bool            `json:"eligible"`
	// Route says how it qualified: "score", "direct:<criterion id>" or
	// "conditions" (no score model); "" when not eligible.
	Route string `json:"route,omitempty"`
	// Score is the points total, nil for a rule without a score.
	Score     *float64 `json:"score"`
	PassScore *float64 `json:"pass_score,omitempty"`
	MaxScore  *float64 `json:"max_score,omitempty"`
	// Amount is a local policy's estimated payment in yuan, nil for rule sets.
	Amount *int64   `json:"amount,omitempty"`
	Trace  []Step   `json:"trace"`
	Gaps   []string `json:"gaps"` // empty when eligible
	// Distance says how far an ineligible enterprise is from passing: the
	// sum, over the unmet conditions and the unmet route (score or direct),
	// of each one's relative shortfall in (0, 1] — (3% − 2.1%) ÷ 3% = 0.3
	// for an R&D ratio, 1 for a missing title or missing data. 0 when
	// eligible. Candidates for a tier are ranked by it.
	Distance float64 `json:"distance,omitempty"`
	// Unmet counts the unmet conditions, plus one when neither the score
	// nor a direct route passes. 0 when eligible.
	Unmet int `json:"unmet,omitempty"`
}

// Step is one criterion in a trace.
type Step struct {
	ID        string   `json:"id"`
	Title     string   `json:"title"`
	Section   string   `json:"section,omitempty"` // condition, score, direct, benefit
	Metric    string   `json:"metric,omitempty"`
	Value     *float64 `json:"value,omitempty"`     // the value used
	Display   string   `json:"display,omitempty"`   // the value as shown ("2.1%", "¥1.8m")
	Threshold string   `json:"threshold,omitempty"` // "≥ 3%"
	Pass      *bool    `json:"pass"`                // nil: scoring item or manual check
	Points    *float64 `json:"points,omitempty"`
	MaxPoints float64  `json:"max_points,omitempty"`
	Note      string   `json:"note,omitempty"`
	Steps     []Step   `json:"steps,omitempty"` // children of any_of, all_of, best_of, sum_of
}

// Evaluate applies r to e on asOf. It does not validate e; callers run
// e.Validate first for untrusted input.
func Evaluate(e *innobridge.Indicators, r *RuleSet, asOf innobridge.Date) Result {
	cs := r.compiled
	c := newCtx(e, asOf, cs.params)
	res := Result{Rule: r.Name, Version: r.Version, Title: r.Title, AsOf: asOf, Trace: []Step{}, Gaps: []string{}}

	condOK := true
	var condGaps []string
	var condShort float64
	unmet := 0
	for _, n := range cs.conds {
		o := n.eval(c)
		o.step.Section = "condition"
		res.Trace = append(res.Trace, o.step)
		if !o.pass {
			condOK = false
			condGaps = append(condGaps, o.gaps...)
			condShort += o.shortfall()
			unmet++
		}
	}

	scoreOK := false
	var scoreGaps []string
	scoreShort := 0.0
	if cs.hasScore {
		total := 0.0
		dims := map[string]float64{}
		var itemGaps []string
		nonzeroOK := true
		var nonzeroGaps []string
		for _, n := range cs.items {
			o := n.eval(c)
			o.step.Section = "score"
			res.Trace = append(res.Trace, o.step)
			total += o.points
			dims[n.c.Dimension] += o.points
			itemGaps = append(itemGaps, o.gaps...)
			if cs.nonzero[n.c.ID] && o.points <= 0 {
				nonzeroOK = false
				nonzeroGaps = append(nonzeroGaps, fmt.Sprintf("%s scores 0 and must score above 0", n.c.Title))
			}
		}
		total = round2(total)
		res.Score, res.PassScore = &total, ptr(cs.pass)
		if cs.scoreMax > 0 {
			res.MaxScore = ptr(cs.scoreMax)
		}
		passTotal := total >= cs.pass
		op := "≥"
		if cs.passEx {
			passTotal, op = total > cs.pass, ">"
		}
		res.Trace = append(res.Trace, Step{ID: "score_total", Title: "总分 total score", Section: "score", Value: ptr(total),
			Display: fmtNum(total), Threshold: op + " " + fmtNum(cs.pass), Pass: &passTotal})
		scoreOK = passTotal && nonzeroOK
		if !nonzeroOK {
			scoreShort++
		}
		if !passTotal {
			need := cs.pass - total
			if cs.passEx {
				need = math.Floor(cs.pass) + 1 - total
			}
			neg := "<"
			if cs.passEx {
				neg = "≤"
			}
			scoreGaps = append(scoreGaps, fmt.Sprintf("score %s %s %s: needs %s more points", fmtNum(total), neg, fmtNum(cs.pass), fmtNum(need)))
			scoreShort += relShort(need, cs.pass)
		}
		scoreGaps = append(scoreGaps, nonzeroGaps...)
		for _, d := range sortedKeys(cs.dimMin) {
			m := cs.dimMin[d]
			ok := dims[d] >= m
			res.Trace = append(res.Trace, Step{ID: "dimension_" + d, Title: "dimension " + d, Section: "score", Value: ptr(dims[d]),
				Display: fmtNum(dims[d]), Threshold: "≥ " + fmtNum(m), Pass: &ok})
			if !ok {
				scoreOK = false
				scoreGaps = append(scoreGaps, fmt.Sprintf("dimension %s scores %s, needs at least %s", d, fmtNum(dims[d]), fmtNum(m)))
				scoreShort += relShort(m-dims[d], m)
			}
		}
		if !scoreOK {
			scoreGaps = append(scoreGaps, itemGaps...)
		}
	}

	directOK, directID := false, ""
	var directTitles []string
	directShort := math.Inf(1)
	for _, n := range cs.direct {
		o := n.eval(c)
		o.step.Section = "direct"
		res.Trace = append(res.Trace, o.step)
		if o.pass && !directOK {
			directOK, directID = true, n.c.ID
		}
		if !o.pass {
			directShort = min(directShort, o.shortfall())
		}
		directTitles = append(directTitles, n.c.Title)
	}

	routeOK := true
	switch {
	case cs.hasScore && scoreOK:
		res.Route = "score"
	case directOK:
		res.Route = "direct:" + directID
	case !cs.hasScore && len(cs.direct) == 0:
		res.Route = "conditions"
	default:
		routeOK = false
	}
	res.Eligible = condOK && routeOK
	if !res.Eligible {
		res.Distance, res.Unmet = condShort, unmet
		if !routeOK {
			routeShort := directShort
			if cs.hasScore {
				routeShort = min(routeShort, scoreShort)
			}
			res.Distance += routeShort
			res.Unmet++
		}
		res.Distance = round6(res.Distance)
		res.Route = ""
		res.Gaps = append(res.Gaps, condGaps...)
		if !routeOK {
			res.Gaps = append(res.Gaps, scoreGaps...)
			if len(directTitles) > 0 {
				alt := "or qualify directly by one of: " + strings.Join(directTitles, "; ")
				if !cs.hasScore {
					alt = "needs one of: " + strings.Join(directTitles, "; ")
				}
				res.Gaps = append(res.Gaps, alt)
			}
		}
	}
	return res
}

// outcome is what evaluating a node gives.
type outcome struct {
	step   Step
	pass   bool
	points float64
	gaps   []string
	short  float64 // relative shortfall of a failed criterion, see Result.Distance
}

// shortfall is o.short for a failed outcome, 1 when it has none (missing
// data, a yes/no test), 0 when it passed.
func (o outcome) shortfall() float64 {
	switch {
	case o.pass:
		return 0
	case o.short > 0:
		return o.short
	}
	return 1
}

// relShort is a shortfall need relative to target, in (0, 1]: 1 when the
// target is not positive.
func relShort(need, target float64) float64 {
	if target <= 0 {
		return 1
	}
	return min(max(need/target, 1e-6), 1)
}

func (n *node) eval(c *ectx) outcome {
	st := Step{ID: n.c.ID, Title: n.c.Title, Metric: n.c.Metric, Note: n.c.Note}
	switch n.kind {
	case kManual:
		st.Note = strings.TrimSpace("check by hand; not decided by the calculator. " + n.c.Note)
		return outcome{step: st, pass: true}
	case kThreshold:
		return n.evalThreshold(c, st)
	case kBands:
		return n.evalBands(c, st)
	case kPer, kPointsFrom:
		v, note, ok := n.m.fn(c)
		st.Note = joinNote(note, n.c.Note)
		st.MaxPoints = n.max
		if !ok {
			st.Points = ptr(0.0)
			return outcome{step: st, gaps: []string{fmt.Sprintf("%s: %s", n.c.Title, note)}}
		}
		st.Value, st.Display = ptr(round6(v)), formatValue(n.m.unit, v)
		var pts float64
		var gaps []string
		if n.kind == kPer {
			steps := math.Floor(v/n.per.Step + 1e-9)
			pts = min(steps*n.per.Points, n.max)
			st.Threshold = fmt.Sprintf("%g per %s, max %g", n.per.Points, formatValue(n.m.unit, n.per.Step), n.max)
			if pts < n.max {
				target := (steps + 1) * n.per.Step
				gaps = append(gaps, fmt.Sprintf("%s: %s → %s gives +%g points", n.c.Title, st.Display, formatValue(n.m.unit, target), min(n.per.Points, n.max-pts)))
			}
		} else {
			pts = min(max(v, 0), n.max)
		}
		st.Points = ptr(pts)
		return outcome{step: st, points: pts, pass: pts > 0, gaps: gaps}
	}
	// Composite criteria.
	var kids []outcome
	for _, k := range n.kids {
		o := k.eval(c)
		kids = append(kids, o)
		st.Steps = append(st.Steps, o.step)
	}
	switch n.kind {
	case kAllOf:
		pass := true
		var gaps []string
		for _, o := range kids {
			pass = pass && o.pass
			gaps = append(gaps, o.gaps...)
		}
		st.Pass = &pass
		short := 0.0
		if pass {
			gaps = nil
		} else {
			for _, o := range kids {
				short += o.shortfall()
			}
		}
		return outcome{step: st, pass: pass, gaps: gaps, short: short}
	case kAnyOf:
		pass := false
		best := -1
		for i, o := range kids {
			pass = pass || o.pass
			if !o.pass && (best < 0 || closer(o, kids[best])) {
				best = i
			}
		}
		st.Pass = &pass
		var gaps []string
		if !pass && best >= 0 {
			var alts []string
			for i, k := range n.kids {
				if i != best {
					alts = append(alts, k.c.Title)
				}
			}
			for _, g := range kids[best].gaps {
				gaps = append(gaps, g)
			}
			if len(alts) > 0 {
				gaps = append(gaps, fmt.Sprintf("%s: or instead %s", n.c.Title, strings.Join(alts, "; or ")))
			}
		}
		short := 0.0
		if !pass {
			short = math.Inf(1)
			for _, o := range kids {
				short = min(short, o.shortfall())
			}
		}
		return outcome{step: st, pass: pass, gaps: gaps, short: short}
	case kBestOf:
		bi := 0
		for i, o := range kids {
			if o.points > kids[bi].points {
				bi = i
			}
		}
		pts := min(kids[bi].points, n.max)
		st.Points, st.MaxPoints = ptr(pts), n.max
		st.Note = joinNote(fmt.Sprintf("best of the options: %s", n.kids[bi].c.Title), n.c.Note)
		// The cheapest way up is whichever option has a gap; show each.
		var gaps []string
		for _, o := range kids {
			gaps = append(gaps, o.gaps...)
		}
		if len(gaps) > 1 {
			gaps = []string{strings.Join(gaps, "; or ")}
		}
		return outcome{step: st, points: pts, pass: pts > 0, gaps: gaps}
	case kSumOf:
		sum := 0.0
		var gaps []string
		for _, o := range kids {
			sum += o.points
			gaps = append(gaps, o.gaps...)
		}
		pts := min(sum, n.max)
		st.Points, st.MaxPoints = ptr(pts), n.max
		if sum > n.max {
			st.Note = joinNote(fmt.Sprintf("%s points capped at %s", fmtNum(sum), fmtNum(n.max)), n.c.Note)
		}
		if pts >= n.max {
			gaps = nil
		}
		return outcome{step: st, points: pts, pass: pts > 0, gaps: gaps}
	}
	panic("policy: unknown node kind")
}

// closer reports whether failed alternative a is nearer to passing than b:
// more of its parts pass, then fewer gaps.
func closer(a, b outcome) bool {
	fa, fb := passedShare(a.step), passedShare(b.step)
	if fa != fb {
		return fa > fb
	}
	return len(a.gaps) < len(b.gaps)
}

func passedShare(s Step) float64 {
	if len(s.Steps) == 0 {
		return 0
	}
	n := 0
	for _, c := range s.Steps {
		if c.Pass != nil && *c.Pass {
			n++
		}
	}
	return float64(n) / float64(len(s.Steps))
}

const eps = 1e-9

func compare(v float64, op string, t float64) bool {
	switch op {
	case ">=":
		return v >= t-eps
	case ">":
		return v > t+eps
	case "<=":
		return v <= t+eps
	case "<":
		return v < t-eps
	case "==":
		return math.Abs(v-t) <= eps
	case "!=":
		return math.Abs(v-t) > eps
	}
	return false
}

var opSym = map[string]string{">=": "≥", ">": ">", "<=": "≤", "<": "<", "==": "=", "!=": "≠"}
var opNeg = map[string]string{">=": "<", ">": "≤", "<=": ">", "<": "≥", "==": "≠", "!=": "="}

func (n *node) evalThreshold(c *ectx, st Step) outcome {
	t := n.value
	var byNote string
	if n.byM != nil {
		bv, bnote, ok := n.byM.fn(c)
		if !ok {
			st.Pass = ptr(false)
			st.Note = joinNote(bnote, n.c.Note)
			return outcome{step: st, gaps: []string{fmt.Sprintf("%s: %s", n.c.Title, bnote)}}
		}
		b := matchBand(n.by, bv)
		if b < 0 {
			st.Pass = ptr(false)
			return outcome{step: st, gaps: []string{fmt.Sprintf("%s: no band for %s %s", n.c.Title, n.byM.name, formatValue(n.byM.unit, bv))}}
		}
		t = n.by[b].value
		byNote = fmt.Sprintf("threshold for %s %s", n.byM.desc, formatValue(n.byM.unit, bv))
	}
	v, note, ok := n.m.fn(c)
	st.Note = joinNote(note, byNote, n.c.Note)
	st.Threshold = opSym[n.op] + " " + formatValue(n.m.unit, t)
	if n.m.unit == UnitBool {
		st.Threshold = "= " + formatValue(UnitBool, b2f(compare(1, n.op, t)))
	}
	if !ok {
		st.Pass = ptr(false)
		return outcome{step: st, gaps: []string{fmt.Sprintf("%s: missing data: %s", n.c.Title, note)}}
	}
	st.Value, st.Display = ptr(round6(v)), formatValue(n.m.unit, v)
	pass := compare(v, n.op, t)
	st.Pass = &pass
	if pass {
		return outcome{step: st, pass: true}
	}
	short := 1.0
	if n.m.unit != UnitBool {
		switch n.op {
		case ">=", ">":
			short = relShort(t-v, t)
		case "<=", "<":
			short = relShort(v-t, math.Abs(t))
		}
	}
	g := fmt.Sprintf("%s: %s %s %s", n.c.Title, st.Display, opNeg[n.op], formatValue(n.m.unit, t))
	if n.m.unit == UnitBool {
		g = fmt.Sprintf("%s: %s", n.c.Title, st.Display)
	}
	if n.m.gap != nil {
		g += ": " + n.m.gap(c, n.op, t, v)
	}
	return outcome{step: st, gaps: []string{g}, short: short}
}

// matchBand returns the index of the first band v falls in, or -1.
func matchBand(bs []cband, v float64) int {
	for i, b := range bs {
		if bandHolds(b, v) {
			return i
		}
	}
	return -1
}

func bandHolds(b cband, v float64) bool {
	if b.hasMin {
		if b.minEx && !compare(v, ">", b.min) || !b.minEx && !compare(v, ">=", b.min) {
			return false
		}
	}
	if b.hasMax {
		if b.maxEx && !compare(v, "<", b.max) || !b.maxEx && !compare(v, "<=", b.max) {
			return false
		}
	}
	return true
}

func (n *node) evalBands(c *ectx, st Step) outcome {
	st.MaxPoints = n.max
	vals := make([]float64, len(n.bands))
	var notes []string
	hit := -1
	for i, b := range n.bands {
		v, note, ok := b.m.fn(c)
		if !ok {
			st.Points = ptr(0.0)
			st.Note = joinNote(note, n.c.Note)
			return outcome{step: st, gaps: []string{fmt.Sprintf("%s: missing data: %s", n.c.Title, note)}}
		}
		vals[i] = v
		if i == 0 || b.m != n.bands[i-1].m {
			if note != "" {
				notes = append(notes, note)
			}
			if st.Display != "" {
				st.Display += ", "
			}
			if b.m != n.m && n.m != nil || n.m == nil {
				st.Display += b.m.name + " "
			}
			st.Display += formatValue(b.m.unit, v)
		}
		if hit < 0 && bandHolds(b, v) {
			hit = i
		}
	}
	if n.m != nil {
		st.Value = ptr(round6(vals[0]))
	}
	pts := 0.0
	if hit >= 0 {
		b := n.bands[hit]
		pts = b.points
		st.Threshold = bandText(b)
		if b.rng != [2]float64{} && b.rng[0] != b.rng[1] {
			notes = append(notes, fmt.Sprintf("official range %g–%g, scored %g", b.rng[0], b.rng[1], b.points))
		}
	}
	pts = min(pts, n.max)
	st.Points = ptr(pts)
	st.Note = joinNote(append(notes, n.c.Note)...)
	var gaps []string
	// The gap to the next band up: the nearest band above with more points.
	from := hit - 1
	if hit < 0 {
		from = len(n.bands) - 1
	}
	for i := from; i >= 0; i-- {
		b := n.bands[i]
		if b.points <= pts {
			continue
		}
		if g := bandGap(c, b, vals[i]); g != "" {
			gaps = []string{fmt.Sprintf("%s: %s; +%s points", n.c.Title, g, fmtNum(min(b.points, n.max)-pts))}
		}
		break
	}
	return outcome{step: st, points: pts, pass: pts > 0, gaps: gaps}
}

// bandGap says what it takes for value v to reach band b, or "".
func bandGap(c *ectx, b cband, v float64) string {
	switch {
	case b.hasMin && !bandHolds(cband{hasMin: true, min: b.min, minEx: b.minEx}, v):
		op := ">="
		if b.minEx {
			op = ">"
		}
		s := fmt.Sprintf("%s %s %s", formatValue(b.m.unit, v), opNeg[op], formatValue(b.m.unit, b.min))
		if b.m.gap != nil {
			s += ": " + b.m.gap(c, op, b.min, v)
		}
		return s
	case b.hasMax && !bandHolds(cband{hasMax: true, max: b.max, maxEx: b.maxEx}, v):
		op := "<="
		if b.maxEx {
			op = "<"
		}
		s := fmt.Sprintf("%s %s %s", formatValue(b.m.unit, v), opNeg[op], formatValue(b.m.unit, b.max))
		if b.m.gap != nil {
			s += ": " + b.m.gap(c, op, b.max, v)
		}
		return s
	}
	return ""
}

func bandText(b cband) string {
	var parts []string
	name := ""
	if b.m != nil {
		name = b.m.name + " "
	}
	if b.hasMin {
		op := "≥"
		if b.minEx {
			op = ">"
		}
		parts = append(parts, name+op+" "+formatValue(b.m.unit, b.min))
	}
	if b.hasMax {
		op := "≤"
		if b.maxEx {
			op = "<"
		}
		parts = append(parts, name+op+" "+formatValue(b.m.unit, b.max))
	}
	if len(parts) == 0 {
		return "otherwise"
	}
	return strings.Join(parts, " and ")
}

func joinNote(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, "; ")
}

func ptr[T any](v T) *T { return &v }

func round2(v float64) float64 { return math.Round(v*100) / 100 }
func round6(v float64) float64 { return math.Round(v*1e6) / 1e6 }
