package policy

import (
	"errors"
	"fmt"
)

func asErr[T error](err error, target *T) bool { return errors.As(err, target) }

type nodeKind int

const (
	kThreshold nodeKind = iota
	kBands
	kPer
	kPointsFrom
	kAnyOf
	kAllOf
	kBestOf
	kSumOf
	kManual
)

// node is a compiled criterion: metric names resolved, parameters filled in.
type node struct {
	c     *Criterion
	kind  nodeKind
	m     *metric
	op    string
	value float64
	byM   *metric
	by    []cband
	bands []cband
	per   Per
	kids  []*node
	max   float64
}

type cband struct {
	m              *metric
	min, max       float64
	hasMin, hasMax bool
	minEx, maxEx   bool
	points, value  float64
	rng            [2]float64
}

type compiledSet struct {
	params    map[string]float64
	conds     []*node
	items     []*node
	direct    []*node
	pass      float64
	passEx    bool
	dimMin    map[string]float64
	nonzero   map[string]bool
	scoreMax  float64
	hasScore  bool
	boundLow  bool
	dimension map[string]string // item id → dimension
}

type compiler struct {
	params   map[string]float64
	boundLow bool
	ids      map[string]bool
}

func compileSet(r *RuleSet) (*compiledSet, error) {
	cp := &compiler{params: map[string]float64{}, boundLow: r.Boundary == "lower", ids: map[string]bool{}}
	for k, p := range r.Parameters {
		if p.Note == "" {
			return nil, fmt.Errorf("parameters.%s: a note saying why is required", k)
		}
		cp.params[k] = p.Value
	}
	cs := &compiledSet{params: cp.params, boundLow: cp.boundLow, dimension: map[string]string{}}
	var err error
	if cs.conds, err = cp.list("conditions", r.Conditions); err != nil {
		return nil, err
	}
	if cs.direct, err = cp.list("direct", r.Direct); err != nil {
		return nil, err
	}
	if s := r.Score; s != nil {
		cs.hasScore = true
		if cs.items, err = cp.list("score.items", s.Items); err != nil {
			return nil, err
		}
		for _, n := range cs.items {
			if !n.scores() {
				return nil, fmt.Errorf("score.items: criterion %q does not score points", n.c.ID)
			}
			cs.dimension[n.c.ID] = n.c.Dimension
		}
		if cs.pass, err = cp.num("score.pass", s.Pass); err != nil {
			return nil, err
		}
		cs.passEx, cs.scoreMax = s.PassExclusive, s.Max
		cs.dimMin = map[string]float64{}
		for d, v := range s.DimensionMin {
			if cs.dimMin[d], err = cp.num("score.dimension_min."+d, v); err != nil {
				return nil, err
			}
		}
		cs.nonzero = map[string]bool{}
		for _, id := range s.NonZero {
			if _, ok := cs.dimension[id]; !ok {
				return nil, fmt.Errorf("score.nonzero: no score item %q", id)
			}
			cs.nonzero[id] = true
		}
	}
	return cs, nil
}

func (cp *compiler) list(where string, cs []*Criterion) ([]*node, error) {
	var out []*node
	for i, c := range cs {
		n, err := cp.node(fmt.Sprintf("%s[%d]", where, i), c)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, nil
}

func (cp *compiler) num(where string, n Num) (float64, error) {
	if n.Param == "" {
		return n.V, nil
	}
	v, ok := cp.params[n.Param]
	if !ok {
		return 0, fmt.Errorf("%s: no parameter %q", where, n.Param)
	}
	return v, nil
}

func (n *node) scores() bool {
	switch n.kind {
	case kBands, kPer, kPointsFrom, kBestOf, kSumOf:
		return true
	}
	return false
}

func (cp *compiler) node(where string, c *Criterion) (*node, error) {
	if c == nil {
		return nil, fmt.Errorf("%s: empty criterion", where)
	}
	if c.ID == "" || c.Title == "" {
		return nil, fmt.Errorf("%s: id and title are required", where)
	}
	where = fmt.Sprintf("%s (id %q)", where, c.ID)
	if cp.ids[c.ID] {
		return nil, fmt.Errorf("%s: id used twice", where)
	}
	cp.ids[c.ID] = true
	n := &node{c: c, max: c.Max}
	var err error
	if c.Metric != "" {
		if n.m, err = lookupMetric(c.Metric); err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
	}
	shapes := 0
	for _, b := range []bool{c.Op != "", len(c.Bands) > 0, c.Per != nil, c.PointsFrom, len(c.AnyOf) > 0,
		len(c.AllOf) > 0, len(c.BestOf) > 0, len(c.SumOf) > 0, c.Manual} {
		if b {
			shapes++
		}
	}
	if shapes != 1 {
		return nil, fmt.Errorf("%s: give exactly one of op, bands, per, points_from, any_of, all_of, best_of, sum_of, manual", where)
	}
	needMetric := func() error {
		if n.m == nil {
			return fmt.Errorf("%s: metric is required", where)
		}
		return nil
	}
	switch {
	case c.Manual:
		n.kind = kManual
	case c.Op != "":
		n.kind = kThreshold
		if err := needMetric(); err != nil {
			return nil, err
		}
		switch c.Op {
		case ">=", ">", "<=", "<", "==", "!=":
		default:
			return nil, fmt.Errorf("%s: unknown op %q", where, c.Op)
		}
		n.op = c.Op
		switch {
		case c.Value != nil && c.ValueBy == nil:
			if n.value, err = cp.num(where+".value", *c.Value); err != nil {
				return nil, err
			}
		case c.ValueBy != nil && c.Value == nil:
			if n.byM, err = lookupMetric(c.ValueBy.Metric); err != nil {
				return nil, fmt.Errorf("%s.value_by: %w", where, err)
			}
			if n.by, err = cp.bands(where+".value_by", c.ValueBy.Bands, nil, true); err != nil {
				return nil, err
			}
		default:
			return nil, fmt.Errorf("%s: give one of value and value_by", where)
		}
	case len(c.Bands) > 0:
		n.kind = kBands
		if n.bands, err = cp.bands(where, c.Bands, n.m, false); err != nil {
			return nil, err
		}
		if n.max == 0 {
			for _, b := range n.bands {
				n.max = max(n.max, b.points)
			}
		}
	case c.Per != nil:
		n.kind = kPer
		if err := needMetric(); err != nil {
			return nil, err
		}
		if c.Per.Step <= 0 || c.Max <= 0 {
			return nil, fmt.Errorf("%s: per needs a positive step and a max", where)
		}
		n.per = *c.Per
	case c.PointsFrom:
		n.kind = kPointsFrom
		if err := needMetric(); err != nil {
			return nil, err
		}
		if c.Max <= 0 {
			return nil, fmt.Errorf("%s: points_from needs a max", where)
		}
	default:
		kids, kind := c.AnyOf, kAnyOf
		switch {
		case len(c.AllOf) > 0:
			kids, kind = c.AllOf, kAllOf
		case len(c.BestOf) > 0:
			kids, kind = c.BestOf, kBestOf
		case len(c.SumOf) > 0:
			kids, kind = c.SumOf, kSumOf
		}
		n.kind = kind
		if n.kids, err = cp.list(where+".children", kids); err != nil {
			return nil, err
		}
		if kind == kBestOf || kind == kSumOf {
			var sum, best float64
			for _, k := range n.kids {
				if !k.scores() {
					return nil, fmt.Errorf("%s: child %q does not score points", where, k.c.ID)
				}
				sum += k.max
				best = max(best, k.max)
			}
			if n.max == 0 {
				n.max = sum
				if kind == kBestOf {
					n.max = best
				}
			}
		}
	}
	return n, nil
}

func (cp *compiler) bands(where string, bs []Band, def *metric, values bool) ([]cband, error) {
	if len(bs) == 0 {
		return nil, fmt.Errorf("%s: no bands", where)
	}
	var out []cband
	for i, b := range bs {
		w := fmt.Sprintf("%s.bands[%d]", where, i)
		cb := cband{m: def, points: b.Points, rng: b.Range, maxEx: b.MaxExclusive, minEx: cp.boundLow}
		if b.MinExclusive != nil {
			cb.minEx = *b.MinExclusive
		}
		if b.Metric != "" {
			m, err := lookupMetric(b.Metric)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", w, err)
			}
			cb.m = m
		}
		if cb.m == nil && !values {
			return nil, fmt.Errorf("%s: no metric for this band", w)
		}
		var err error
		if b.Min != nil {
			cb.hasMin = true
			if cb.min, err = cp.num(w+".min", *b.Min); err != nil {
				return nil, err
			}
		}
		if b.Max != nil {
			cb.hasMax = true
			if cb.max, err = cp.num(w+".max", *b.Max); err != nil {
				return nil, err
			}
		}
		if values {
			if b.Value == nil {
				return nil, fmt.Errorf("%s: value is required", w)
			}
			if cb.value, err = cp.num(w+".value", *b.Value); err != nil {
				return nil, err
			}
		}
		if b.Range != [2]float64{} && (b.Points < b.Range[0] || b.Points > b.Range[1]) {
			return nil, fmt.Errorf("%s: points %g outside range %v", w, b.Points, b.Range)
		}
		out = append(out, cb)
	}
	return out, nil
}
