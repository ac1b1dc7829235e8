package policy

import (
	"embed"
	"fmt"
	"io/fs"
	"math"
	"path"
	"runtime"
	"sort"
	"sync"

	"github.com/innobridge/innobridge"
)

//go:embed local/*.json
var localFS embed.FS

// LocalPolicy is a city's own support measure as data, loaded from
// policy/local/NAME.json: who qualifies (conditions over indicators and
// held tiers), how much they get (Benefit), the budget and the period.
type LocalPolicy struct {
	Name    string   `json:"name"`
	Title   string   `json:"title"`
	TitleZh string   `json:"title_zh,omitempty"` // Title in plain Chinese, when Title carries English
	Example bool     `json:"example,omitempty"`  // an illustrative policy, not a real measure
	Region  string   `json:"region"`             // GB/T 2260 code of the issuing government
	Sources []Source `json:"sources,omitempty"`
	Notes   []string `json:"notes,omitempty"`
	// The policy applies to as-of dates in [From, Until).
	From       innobridge.Date      `json:"from"`
	Until      innobridge.Date      `json:"until"`
	Budget     int64                `json:"budget"` // yuan
	Parameters map[string]Parameter `json:"parameters,omitempty"`
	Conditions []*Criterion         `json:"conditions"`
	Benefit    Benefit              `json:"benefit"`

	compiled *compiledPolicy
}

// Benefit is the formula for the amount: the first case whose When holds
// (or that has none) gives Fixed + Rate × Metric, capped at Cap when Cap > 0,
// and nothing when the result is below Min.
type Benefit struct {
	Cases []BenefitCase `json:"cases"`
}

// BenefitCase is one branch of a Benefit.
type BenefitCase struct {
	Title  string     `json:"title"`
	When   *Criterion `json:"when,omitempty"`
	Fixed  int64      `json:"fixed,omitempty"`
	Metric string     `json:"metric,omitempty"`
	Rate   float64    `json:"rate,omitempty"`
	Cap    int64      `json:"cap,omitempty"`
	Min    int64      `json:"min,omitempty"`
}

type compiledPolicy struct {
	params map[string]float64
	conds  []*node
	cases  []compiledCase
}

type compiledCase struct {
	BenefitCase
	when *node
	m    *metric
}

// ParseLocalPolicy parses and checks one local-policy file.
func ParseLocalPolicy(b []byte) (*LocalPolicy, error) {
	var p LocalPolicy
	if err := decodeStrict(b, &p); err != nil {
		return nil, err
	}
	switch {
	case p.Name == "" || p.Title == "":
		return nil, fmt.Errorf("name and title are required")
	case p.From.IsZero() || p.Until.IsZero() || !p.Until.After(p.From.Time):
		return nil, fmt.Errorf("from and until are required, until after from")
	case p.Budget < 0:
		return nil, fmt.Errorf("budget must not be negative")
	case len(p.Benefit.Cases) == 0:
		return nil, fmt.Errorf("benefit.cases: at least one case is required")
	}
	if msg := innobridge.ValidateRegionCode(p.Region); msg != "" {
		return nil, fmt.Errorf("region: %s", msg)
	}
	cp := &compiler{params: map[string]float64{}, ids: map[string]bool{}}
	for k, v := range p.Parameters {
		if v.Note == "" {
			return nil, fmt.Errorf("parameters.%s: a note saying why is required", k)
		}
		cp.params[k] = v.Value
	}
	cpol := &compiledPolicy{params: cp.params}
	var err error
	if cpol.conds, err = cp.list("conditions", p.Conditions); err != nil {
		return nil, err
	}
	for i, bc := range p.Benefit.Cases {
		w := fmt.Sprintf("benefit.cases[%d]", i)
		cc := compiledCase{BenefitCase: bc}
		if bc.When != nil {
			if cc.when, err = cp.node(w+".when", bc.When); err != nil {
				return nil, err
			}
		}
		if bc.Metric != "" {
			if cc.m, err = lookupMetric(bc.Metric); err != nil {
				return nil, fmt.Errorf("%s: %w", w, err)
			}
			if cc.m.unit != UnitYuan && cc.m.unit != UnitCount {
				return nil, fmt.Errorf("%s: metric %s is in %s, not yuan or a count", w, bc.Metric, cc.m.unit)
			}
		} else if bc.Rate != 0 {
			return nil, fmt.Errorf("%s: rate needs a metric", w)
		}
		cpol.cases = append(cpol.cases, cc)
	}
	p.compiled = cpol
	return &p, nil
}

func (c *Catalog) loadPolicies(fsys fs.FS, dir string) error {
	names, err := fs.Glob(fsys, dir+"/*.json")
	if err != nil {
		return err
	}
	for _, n := range names {
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return err
		}
		p, err := ParseLocalPolicy(b)
		if err != nil {
			return fmt.Errorf("%s: %w", n, err)
		}
		if path.Base(n) != p.Name+".json" {
			return fmt.Errorf("%s: file must be named %s.json", n, p.Name)
		}
		if err := c.AddPolicy(p); err != nil {
			return fmt.Errorf("%s: %w", n, err)
		}
	}
	return nil
}

// AddPolicy adds p; names are unique.
func (c *Catalog) AddPolicy(p *LocalPolicy) error {
	for _, o := range c.policies {
		if o.Name == p.Name {
			return fmt.Errorf("local policy %s is defined twice", p.Name)
		}
	}
	c.policies = append(c.policies, p)
	sort.Slice(c.policies, func(i, j int) bool { return c.policies[i].Name < c.policies[j].Name })
	return nil
}

// Policies returns every local policy, by name.
func (c *Catalog) Policies() []*LocalPolicy { return append([]*LocalPolicy(nil), c.policies...) }

// Policy returns the local policy called name, or ENOTFOUND.
func (c *Catalog) Policy(name string) (*LocalPolicy, error) {
	for _, p := range c.policies {
		if p.Name == name {
			return p, nil
		}
	}
	return nil, innobridge.Errorf(innobridge.ENOTFOUND, "no local policy %q", name)
}

// ActiveOn reports whether p applies on d.
func (p *LocalPolicy) ActiveOn(d innobridge.Date) bool {
	return !d.Before(p.From.Time) && d.Before(p.Until.Time)
}

// EvaluatePolicy decides whether e qualifies for p on asOf and estimates the
// amount. A policy outside its period qualifies nobody. Amount is set
// (possibly 0) only when e qualifies.
func EvaluatePolicy(e *innobridge.Indicators, p *LocalPolicy, asOf innobridge.Date) Result {
	cp := p.compiled
	res := Result{Rule: p.Name, Version: p.From.String(), Title: p.Title, TitleZh: p.TitleZh, AsOf: asOf, Trace: []Step{}, Gaps: []string{}}
	inPeriod := p.ActiveOn(asOf)
	res.Trace = append(res.Trace, Step{ID: "period", Title: "policy period", TitleZh: "政策有效期", Section: "condition", Display: asOf.String(),
		Threshold: fmt.Sprintf("%s ≤ date < %s", p.From, p.Until), ThresholdZh: fmt.Sprintf("%s ≤ 日期 < %s", p.From, p.Until), Pass: &inPeriod})
	if !inPeriod {
		res.addGaps(biF("policy period: %s is outside %s – %s", []any{asOf, p.From, p.Until}, "政策有效期：%s 不在 %s 至 %s 之间", []any{asOf, p.From, p.Until}))
		res.Distance, res.Unmet = 1, 1
		return res
	}
	c := newCtx(e, asOf, cp.params)
	ok := true
	for _, n := range cp.conds {
		o := n.eval(c)
		o.step.Section = "condition"
		res.Trace = append(res.Trace, o.step)
		if !o.pass {
			ok = false
			res.addGaps(o.gaps...)
			res.Distance += o.shortfall()
			res.Unmet++
		}
	}
	if !ok {
		res.Distance = round6(res.Distance)
		return res
	}
	amount, st, found := cp.benefit(c)
	res.Trace = append(res.Trace, st)
	if !found {
		res.addGaps(bi("no benefit case applies", "不符合任何一档补助情形"))
		res.Distance, res.Unmet = 1, 1
		return res
	}
	res.Eligible, res.Route, res.Amount = true, "conditions", &amount
	return res
}

// benefit applies the first matching case.
func (cp *compiledPolicy) benefit(c *ectx) (int64, Step, bool) {
	st := Step{ID: "benefit", Title: "benefit", TitleZh: "补助金额", Section: "benefit"}
	for _, bc := range cp.cases {
		if bc.when != nil {
			o := bc.when.eval(c)
			if !o.pass {
				continue
			}
			st.Steps = append(st.Steps, o.step)
		}
		st.Title = "benefit: " + bc.Title
		st.TitleZh = "补助金额：" + bc.Title
		amount := float64(bc.Fixed)
		var formula Text
		if bc.Fixed != 0 {
			formula = money(bc.Fixed)
		}
		if bc.m != nil {
			v, note, ok := bc.m.fn(c)
			if !ok {
				st.setNote(biF("missing data: %s", []any{note.En}, "缺少数据（%s）", []any{note.Zh}))
				return 0, st, false
			}
			add := bc.Rate * max(v, 0)
			amount += add
			if !formula.IsZero() {
				formula = catText(formula, same(" + "))
			}
			vv := value(bc.m.unit, v)
			formula = catText(formula, biF("%g × %s %s", []any{bc.Rate, bc.m.name, vv.En}, "%g × %s%s", []any{bc.Rate, metricLabel(bc.m).Zh, vv.Zh}))
			if !note.IsZero() {
				formula = catText(formula, bi(" ("+note.En+")", "（"+note.Zh+"）"))
			}
		}
		a := int64(math.Floor(amount + 1e-6))
		if bc.Cap > 0 && a > bc.Cap {
			formula = catText(formula, biF(" = %s, capped at %s", []any{yuan(a), yuan(bc.Cap)}, " = %s，按上限 %s 计", []any{wanI(a), wanI(bc.Cap)}))
			a = bc.Cap
		}
		if a < bc.Min {
			formula = catText(formula, biF(" = %s, below the minimum %s: nothing paid", []any{yuan(a), yuan(bc.Min)}, " = %s，低于起付额 %s：不予补助", []any{wanI(a), wanI(bc.Min)}))
			a = 0
		}
		st.Value = ptr(float64(a))
		st.setDisplay(money(a))
		st.setNote(formula)
		return a, st, true
	}
	return 0, st, false
}

// Payee is one qualifying enterprise on a policy's list.
type Payee struct {
	ID     string `json:"id"`
	Amount int64  `json:"amount"` // estimate in yuan
	Trace  []Step `json:"trace,omitempty"`
}

// PolicyRun is one policy's 免申即享 list: every qualifying enterprise, the
// total against the budget and, when over budget, the pro-rata factor that
// would scale every payment to fit.
type PolicyRun struct {
	Policy     string  `json:"policy"`
	Title      string  `json:"title"`
	TitleZh    string  `json:"title_zh,omitempty"` // Title in plain Chinese, when Title carries English
	Example    bool    `json:"example,omitempty"`
	Qualifying []Payee `json:"qualifying"`
	Count      int     `json:"count"`
	Total      int64   `json:"total"`
	Budget     int64   `json:"budget"`
	OverBudget bool    `json:"over_budget"`
	// ProRata is Budget ÷ Total when over budget, else 1.
	ProRata float64 `json:"pro_rata"`
}

// RunOptions tune RunPolicies.
type RunOptions struct {
	// Traces keeps each payee's trace; without it only ids and amounts are kept.
	Traces bool
}

// RunPolicies evaluates every enterprise against every policy on asOf and
// returns one PolicyRun per policy, in the order given; payees keep the
// enterprises' order. It uses all CPUs. Enterprises should be validated first.
func RunPolicies(ents []*innobridge.Indicators, policies []*LocalPolicy, asOf innobridge.Date, opt RunOptions) []PolicyRun {
	runs := make([]PolicyRun, len(policies))
	for i, p := range policies {
		runs[i] = PolicyRun{Policy: p.Name, Title: p.Title, TitleZh: p.TitleZh, Example: p.Example, Budget: p.Budget, Qualifying: []Payee{}, ProRata: 1}
	}
	// Enterprises are evaluated on all CPUs; each keeps its own payees, which
	// are then merged in the enterprises' order.
	type hit struct {
		policy int
		payee  Payee
	}
	hits := make([][]hit, len(ents))
	parallel(len(ents), func(k int) {
		e := ents[k]
		for i, p := range policies {
			if !p.ActiveOn(asOf) || !p.quickQualifies(e, asOf) {
				continue
			}
			r := EvaluatePolicy(e, p, asOf)
			if !r.Eligible {
				continue
			}
			py := Payee{ID: e.ID, Amount: *r.Amount}
			if opt.Traces {
				py.Trace = r.Trace
			}
			hits[k] = append(hits[k], hit{i, py})
		}
	})
	for _, hs := range hits {
		for _, h := range hs {
			runs[h.policy].Qualifying = append(runs[h.policy].Qualifying, h.payee)
			runs[h.policy].Total += h.payee.Amount
		}
	}
	for i := range runs {
		r := &runs[i]
		r.Count = len(r.Qualifying)
		if r.Total > r.Budget {
			r.OverBudget = true
			r.ProRata = float64(r.Budget) / float64(r.Total)
		}
	}
	return runs
}

// quickQualifies checks the conditions without building a trace, so a batch
// run only pays for traces of qualifying enterprises.
func (p *LocalPolicy) quickQualifies(e *innobridge.Indicators, asOf innobridge.Date) bool {
	c := ectx{e: e, asOf: asOf, fy: asOf.Year() - 1, params: p.compiled.params}
	for _, n := range p.compiled.conds {
		if !n.test(&c) {
			return false
		}
	}
	return true
}

// test is eval without the trace: does the node pass?
func (n *node) test(c *ectx) bool {
	switch n.kind {
	case kThreshold:
		t := n.value
		if n.byM != nil {
			bv, _, ok := n.byM.fn(c)
			if !ok {
				return false
			}
			b := matchBand(n.by, bv)
			if b < 0 {
				return false
			}
			t = n.by[b].value
		}
		v, _, ok := n.m.fn(c)
		return ok && compare(v, n.op, t)
	case kAllOf:
		for _, k := range n.kids {
			if !k.test(c) {
				return false
			}
		}
		return true
	case kAnyOf:
		for _, k := range n.kids {
			if k.test(c) {
				return true
			}
		}
		return false
	case kManual:
		return true
	}
	return n.eval(c).pass
}

// parallel runs f(i) for i in [0, n) on all CPUs, in contiguous chunks.
func parallel(n int, f func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for i := range n {
			f(i)
		}
		return
	}
	var wg sync.WaitGroup
	chunk := (n + workers - 1) / workers
	for w := range workers {
		lo, hi := w*chunk, min((w+1)*chunk, n)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := lo; i < hi; i++ {
				f(i)
			}
		}()
	}
	wg.Wait()
}
