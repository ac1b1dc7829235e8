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
	Gaps   []string `json:"gaps"` // empty when eligible, in English
	// GapsZh are Gaps in Chinese, one for one.
	GapsZh []string `json:"gaps_zh,omitempty"`
	// TitleZh is Title in Chinese when the rule file gives one.
	TitleZh string `json:"title_zh,omitempty"`
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
	// Title, Display, Threshold and Note in Chinese; each is omitted when
	// it reads the same as in English.
	TitleZh     string `json:"title_zh,omitempty"`
	DisplayZh   string `json:"display_zh,omitempty"`
	ThresholdZh string `json:"threshold_zh,omitempty"`
	NoteZh      string `json:"note_zh,omitempty"`
}

// zhOr is zh when set, else s.
func zhOr(zh, s string) string {
	if zh != "" {
		return zh
	}
	return s
}

// TitleIn is the step's title in lang ("zh" or "en").
func (s *Step) TitleIn(lang string) string { return s.text(lang, s.TitleZh, s.Title) }

// DisplayIn is the value shown, in lang.
func (s *Step) DisplayIn(lang string) string { return s.text(lang, s.DisplayZh, s.Display) }

// ThresholdIn is the threshold, in lang.
func (s *Step) ThresholdIn(lang string) string { return s.text(lang, s.ThresholdZh, s.Threshold) }

// NoteIn is the note, in lang.
func (s *Step) NoteIn(lang string) string { return s.text(lang, s.NoteZh, s.Note) }

func (s *Step) text(lang, zh, en string) string {
	if lang == "en" {
		return en
	}
	return zhOr(zh, en)
}

// GapsIn are the gaps in lang ("zh" or "en").
func (r *Result) GapsIn(lang string) []string {
	if lang == "en" || len(r.GapsZh) != len(r.Gaps) {
		return r.Gaps
	}
	return r.GapsZh
}

// TitleIn is the rule set's or policy's title in lang.
func (r *Result) TitleIn(lang string) string {
	if lang == "en" {
		return r.Title
	}
	return zhOr(r.TitleZh, r.Title)
}

// addGaps appends gs to the result's gaps in both languages.
func (r *Result) addGaps(gs ...Text) {
	for _, g := range gs {
		r.Gaps = append(r.Gaps, g.En)
		r.GapsZh = append(r.GapsZh, g.Zh)
	}
}

// zhIfDiffers is t.Zh, or "" when it reads the same as t.En.
func zhIfDiffers(t Text) string {
	if t.Zh == t.En {
		return ""
	}
	return t.Zh
}

func (s *Step) setNote(t Text)      { s.Note, s.NoteZh = t.En, zhIfDiffers(t) }
func (s *Step) setDisplay(t Text)   { s.Display, s.DisplayZh = t.En, zhIfDiffers(t) }
func (s *Step) setThreshold(t Text) { s.Threshold, s.ThresholdZh = t.En, zhIfDiffers(t) }

// displayText, titleText and noteText read a step's fields back as Text.
func (s *Step) displayText() Text { return Text{En: s.Display, Zh: zhOr(s.DisplayZh, s.Display)} }
func (s *Step) titleText() Text   { return Text{En: s.Title, Zh: zhOr(s.TitleZh, s.Title)} }

// critTitle and critNote are a criterion's title and note in both languages.
func critTitle(c *Criterion) Text { return Text{En: c.Title, Zh: zhOr(c.TitleZh, c.Title)} }
func critNote(c *Criterion) Text  { return Text{En: c.Note, Zh: zhOr(c.NoteZh, c.Note)} }

// titled is "title: t" in both languages.
func titled(title, t Text) Text {
	return Text{En: title.En + ": " + t.En, Zh: title.Zh + "：" + t.Zh}
}

// Evaluate applies r to e on asOf. It does not validate e; callers run
// e.Validate first for untrusted input.
func Evaluate(e *innobridge.Indicators, r *RuleSet, asOf innobridge.Date) Result {
	cs := r.compiled
	c := newCtx(e, asOf, cs.params)
	res := Result{Rule: r.Name, Version: r.Version, Title: r.Title, TitleZh: r.TitleZh, AsOf: asOf, Trace: []Step{}, Gaps: []string{}}

	condOK := true
	var condGaps []Text
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
	var scoreGaps []Text
	scoreShort := 0.0
	if cs.hasScore {
		total := 0.0
		dims := map[string]float64{}
		var itemGaps []Text
		nonzeroOK := true
		var nonzeroGaps []Text
		for _, n := range cs.items {
			o := n.eval(c)
			o.step.Section = "score"
			res.Trace = append(res.Trace, o.step)
			total += o.points
			dims[n.c.Dimension] += o.points
			itemGaps = append(itemGaps, o.gaps...)
			if cs.nonzero[n.c.ID] && o.points <= 0 {
				nonzeroOK = false
				t := critTitle(n.c)
				nonzeroGaps = append(nonzeroGaps, bi(t.En+" scores 0 and must score above 0", "「"+t.Zh+"」得 0 分，该项必须得分"))
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
		res.Trace = append(res.Trace, Step{ID: "score_total", Title: "总分 total score", TitleZh: "总分", Section: "score", Value: ptr(total),
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
			scoreGaps = append(scoreGaps, biF("score %s %s %s: needs %s more points", []any{fmtNum(total), neg, fmtNum(cs.pass), fmtNum(need)},
				"总分 %s，要求 %s %s：还需增加 %s 分", []any{fmtNum(total), op, fmtNum(cs.pass), fmtNum(need)}))
			scoreShort += relShort(need, cs.pass)
		}
		scoreGaps = append(scoreGaps, nonzeroGaps...)
		for _, d := range sortedKeys(cs.dimMin) {
			m := cs.dimMin[d]
			ok := dims[d] >= m
			res.Trace = append(res.Trace, Step{ID: "dimension_" + d, Title: "dimension " + d, TitleZh: dimensionZh(d) + "维度", Section: "score", Value: ptr(dims[d]),
				Display: fmtNum(dims[d]), Threshold: "≥ " + fmtNum(m), Pass: &ok})
			if !ok {
				scoreOK = false
				scoreGaps = append(scoreGaps, biF("dimension %s scores %s, needs at least %s", []any{d, fmtNum(dims[d]), fmtNum(m)},
					"%s维度得 %s 分，至少需 %s 分", []any{dimensionZh(d), fmtNum(dims[d]), fmtNum(m)}))
				scoreShort += relShort(m-dims[d], m)
			}
		}
		if !scoreOK {
			scoreGaps = append(scoreGaps, itemGaps...)
		}
	}

	directOK, directID := false, ""
	var directTitles, directTitlesZh []string
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
		directTitlesZh = append(directTitlesZh, "「"+critTitle(n.c).Zh+"」")
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
		res.addGaps(condGaps...)
		if !routeOK {
			res.addGaps(scoreGaps...)
			if len(directTitles) > 0 {
				alt := bi("or qualify directly by one of: "+strings.Join(directTitles, "; "), "或直接满足以下任一条件："+strings.Join(directTitlesZh, "；"))
				if !cs.hasScore {
					alt = bi("needs one of: "+strings.Join(directTitles, "; "), "须满足以下任一条件："+strings.Join(directTitlesZh, "；"))
				}
				res.addGaps(alt)
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
	gaps   []Text
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
	st := Step{ID: n.c.ID, Title: n.c.Title, TitleZh: n.c.TitleZh, Metric: n.c.Metric}
	st.setNote(critNote(n.c))
	title := critTitle(n.c)
	switch n.kind {
	case kManual:
		cn := critNote(n.c)
		st.setNote(bi(strings.TrimSpace("check by hand; not decided by the calculator. "+cn.En), strings.TrimSpace("需人工核查，计算器不作判断。"+cn.Zh)))
		return outcome{step: st, pass: true}
	case kThreshold:
		return n.evalThreshold(c, st)
	case kBands:
		return n.evalBands(c, st)
	case kPer, kPointsFrom:
		v, note, ok := n.m.fn(c)
		st.setNote(joinText(note, critNote(n.c)))
		st.MaxPoints = n.max
		if !ok {
			st.Points = ptr(0.0)
			return outcome{step: st, gaps: []Text{titled(title, note)}}
		}
		disp := value(n.m.unit, v)
		st.Value = ptr(round6(v))
		st.setDisplay(disp)
		var pts float64
		var gaps []Text
		if n.kind == kPer {
			steps := math.Floor(v/n.per.Step + 1e-9)
			pts = min(steps*n.per.Points, n.max)
			stepV := value(n.m.unit, n.per.Step)
			st.setThreshold(biF("%g per %s, max %g", []any{n.per.Points, stepV.En, n.max}, "每 %s 得 %g 分，最高 %g 分", []any{stepV.Zh, n.per.Points, n.max}))
			if pts < n.max {
				target := value(n.m.unit, (steps+1)*n.per.Step)
				add := min(n.per.Points, n.max-pts)
				gaps = append(gaps, biF("%s: %s → %s gives +%g points", []any{title.En, disp.En, target.En, add},
					"%s：由 %s 提高到 %s 可加 %g 分", []any{title.Zh, disp.Zh, target.Zh, add}))
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
		var gaps []Text
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
		var gaps []Text
		if !pass && best >= 0 {
			var alts, altsZh []string
			for i, k := range n.kids {
				if i != best {
					alts = append(alts, k.c.Title)
					altsZh = append(altsZh, "「"+critTitle(k.c).Zh+"」")
				}
			}
			gaps = append(gaps, kids[best].gaps...)
			if len(alts) > 0 {
				gaps = append(gaps, bi(fmt.Sprintf("%s: or instead %s", title.En, strings.Join(alts, "; or ")),
					fmt.Sprintf("%s：或改为满足%s", title.Zh, strings.Join(altsZh, "或"))))
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
		bx := 0
		for i, o := range kids {
			if o.points > kids[bx].points {
				bx = i
			}
		}
		pts := min(kids[bx].points, n.max)
		st.Points, st.MaxPoints = ptr(pts), n.max
		bt := critTitle(n.kids[bx].c)
		st.setNote(joinText(bi("best of the options: "+bt.En, "取各选项中得分最高者：「"+bt.Zh+"」"), critNote(n.c)))
		// The cheapest way up is whichever option has a gap; show each.
		var gaps []Text
		for _, o := range kids {
			gaps = append(gaps, o.gaps...)
		}
		if len(gaps) > 1 {
			var en, zh []string
			for _, g := range gaps {
				en, zh = append(en, g.En), append(zh, g.Zh)
			}
			gaps = []Text{bi(strings.Join(en, "; or "), strings.Join(zh, "；或 "))}
		}
		return outcome{step: st, points: pts, pass: pts > 0, gaps: gaps}
	case kSumOf:
		sum := 0.0
		var gaps []Text
		for _, o := range kids {
			sum += o.points
			gaps = append(gaps, o.gaps...)
		}
		pts := min(sum, n.max)
		st.Points, st.MaxPoints = ptr(pts), n.max
		if sum > n.max {
			st.setNote(joinText(biF("%s points capped at %s", []any{fmtNum(sum), fmtNum(n.max)}, "合计 %s 分，按上限 %s 分计", []any{fmtNum(sum), fmtNum(n.max)}), critNote(n.c)))
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
	title := critTitle(n.c)
	var byNote Text
	if n.byM != nil {
		bv, bnote, ok := n.byM.fn(c)
		if !ok {
			st.Pass = ptr(false)
			st.setNote(joinText(bnote, critNote(n.c)))
			return outcome{step: st, gaps: []Text{titled(title, bnote)}}
		}
		b := matchBand(n.by, bv)
		bval := value(n.byM.unit, bv)
		if b < 0 {
			st.Pass = ptr(false)
			return outcome{step: st, gaps: []Text{biF("%s: no band for %s %s", []any{title.En, n.byM.name, bval.En}, "%s：%s 不在任何档次内", []any{title.Zh, bval.Zh})}}
		}
		t = n.by[b].value
		byNote = biF("threshold for %s %s", []any{n.byM.desc, bval.En}, "按 %s 对应的档次确定要求", []any{bval.Zh})
	}
	v, note, ok := n.m.fn(c)
	st.setNote(joinText(note, byNote, critNote(n.c)))
	tv := value(n.m.unit, t)
	st.setThreshold(bi(opSym[n.op]+" "+tv.En, requireZh(n.op, n.m.unit, tv.Zh)))
	if n.m.unit == UnitBool {
		st.setThreshold(catText(same("= "), value(UnitBool, b2f(compare(1, n.op, t)))))
	}
	if !ok {
		st.Pass = ptr(false)
		return outcome{step: st, gaps: []Text{biF("%s: missing data: %s", []any{title.En, note.En}, "%s：缺少数据（%s）", []any{title.Zh, note.Zh})}}
	}
	disp := value(n.m.unit, v)
	st.Value = ptr(round6(v))
	st.setDisplay(disp)
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
	g := biF("%s: %s %s %s", []any{title.En, disp.En, opNeg[n.op], tv.En}, "未满足「%s」——当前：%s；要求：%s", []any{title.Zh, disp.Zh, requireZh(n.op, n.m.unit, tv.Zh)})
	if n.m.unit == UnitBool {
		g = biF("%s: %s", []any{title.En, disp.En}, "未满足「%s」——当前：%s", []any{title.Zh, disp.Zh})
	}
	if n.m.gap != nil {
		h := n.m.gap(c, n.op, t, v)
		g = bi(g.En+": "+h.En, g.Zh+"。"+h.Zh)
	}
	return outcome{step: st, gaps: []Text{g}, short: short}
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
	title := critTitle(n.c)
	vals := make([]float64, len(n.bands))
	var notes []Text
	var disp Text
	hit := -1
	for i, b := range n.bands {
		v, note, ok := b.m.fn(c)
		if !ok {
			st.Points = ptr(0.0)
			st.setNote(joinText(note, critNote(n.c)))
			return outcome{step: st, gaps: []Text{biF("%s: missing data: %s", []any{title.En, note.En}, "%s：缺少数据（%s）", []any{title.Zh, note.Zh})}}
		}
		vals[i] = v
		if i == 0 || b.m != n.bands[i-1].m {
			if !note.IsZero() {
				notes = append(notes, note)
			}
			if !disp.IsZero() {
				disp = catText(disp, bi(", ", "，"))
			}
			if b.m != n.m && n.m != nil || n.m == nil {
				disp = catText(disp, metricLabel(b.m))
			}
			disp = catText(disp, value(b.m.unit, v))
		}
		if hit < 0 && bandHolds(b, v) {
			hit = i
		}
	}
	st.setDisplay(disp)
	if n.m != nil {
		st.Value = ptr(round6(vals[0]))
	}
	pts := 0.0
	if hit >= 0 {
		b := n.bands[hit]
		pts = b.points
		st.setThreshold(bandText(b))
		if b.rng != [2]float64{} && b.rng[0] != b.rng[1] {
			notes = append(notes, biF("official range %g–%g, scored %g", []any{b.rng[0], b.rng[1], b.points},
				"文件规定本档 %g–%g 分，按 %g 分计", []any{b.rng[0], b.rng[1], b.points}))
		}
	}
	pts = min(pts, n.max)
	st.Points = ptr(pts)
	st.setNote(joinText(append(notes, critNote(n.c))...))
	var gaps []Text
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
		if g := bandGap(c, b, vals[i]); !g.IsZero() {
			add := fmtNum(min(b.points, n.max) - pts)
			gaps = []Text{biF("%s: %s; +%s points", []any{title.En, g.En, add}, "「%s」%s；可加 %s 分", []any{title.Zh, g.Zh, add})}
		}
		break
	}
	return outcome{step: st, points: pts, pass: pts > 0, gaps: gaps}
}

// bandGap says what it takes for value v to reach band b, or a zero Text.
func bandGap(c *ectx, b cband, v float64) Text {
	var op string
	var t float64
	switch {
	case b.hasMin && !bandHolds(cband{hasMin: true, min: b.min, minEx: b.minEx}, v):
		op, t = ">=", b.min
		if b.minEx {
			op = ">"
		}
	case b.hasMax && !bandHolds(cband{hasMax: true, max: b.max, maxEx: b.maxEx}, v):
		op, t = "<=", b.max
		if b.maxEx {
			op = "<"
		}
	default:
		return Text{}
	}
	vv, tv := value(b.m.unit, v), value(b.m.unit, t)
	g := biF("%s %s %s", []any{vv.En, opNeg[op], tv.En}, "当前：%s；要求：%s", []any{vv.Zh, requireZh(op, b.m.unit, tv.Zh)})
	if b.m.gap != nil {
		h := b.m.gap(c, op, t, v)
		g = bi(g.En+": "+h.En, g.Zh+"，"+h.Zh)
	}
	return g
}

func bandText(b cband) Text {
	var parts []Text
	var name Text
	if b.m != nil {
		name = metricLabel(b.m)
	}
	if b.hasMin {
		op := "≥"
		if b.minEx {
			op = ">"
		}
		parts = append(parts, catText(name, same(op+" "), value(b.m.unit, b.min)))
	}
	if b.hasMax {
		op := "≤"
		if b.maxEx {
			op = "<"
		}
		parts = append(parts, catText(name, same(op+" "), value(b.m.unit, b.max)))
	}
	switch len(parts) {
	case 0:
		return bi("otherwise", "其他情形")
	case 1:
		return parts[0]
	}
	return bi(parts[0].En+" and "+parts[1].En, parts[0].Zh+" 且 "+parts[1].Zh)
}

func ptr[T any](v T) *T { return &v }

func round2(v float64) float64 { return math.Round(v*100) / 100 }
func round6(v float64) float64 { return math.Round(v*1e6) / 1e6 }
