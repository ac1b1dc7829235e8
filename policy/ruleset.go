package policy

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/innobridge/innobridge"
)

//go:embed rules/*.json
var rulesFS embed.FS

// RuleSet is one version of a national rule set (a tier or a recognition),
// loaded from policy/rules/NAME@VERSION.json. It is data: the numbers live in
// the file, the metrics they are compared with are named and implemented in
// metric.go (see Metrics).
type RuleSet struct {
	Name    string `json:"name"`    // "tech_sme", "hightech", …
	Version string `json:"version"` // "2017", "2022", "2026"
	Title   string `json:"title"`
	// TitleZh is Title in plain Chinese, when Title carries an English gloss.
	TitleZh string `json:"title_zh,omitempty"`
	// EffectiveFrom is the first day the version applies; EffectiveUntil,
	// when set, is the first day it no longer applies.
	EffectiveFrom  innobridge.Date  `json:"effective_from"`
	EffectiveUntil *innobridge.Date `json:"effective_until,omitempty"`
	Sources        []Source         `json:"sources"`
	Notes          []string         `json:"notes,omitempty"`
	// Parameters are the numbers the sources are unsure about; criteria
	// refer to them as "$name".
	Parameters map[string]Parameter `json:"parameters,omitempty"`
	// Boundary says where a value exactly on a band's lower bound falls:
	// "higher" (the default: lower bounds are inclusive) or "lower".
	Boundary   string       `json:"boundary,omitempty"`
	Conditions []*Criterion `json:"conditions"`       // all must pass
	Score      *Score       `json:"score,omitempty"`  // a points model
	Direct     []*Criterion `json:"direct,omitempty"` // any one passes instead of the score

	compiled *compiledSet
}

// Source is a document a rule set rests on.
type Source struct {
	ID         string `json:"id"` // document number, e.g. 国科发政〔2017〕115号
	Title      string `json:"title"`
	TitleZh    string `json:"title_zh,omitempty"` // Title in plain Chinese, when Title carries English
	URL        string `json:"url,omitempty"`
	Confidence string `json:"confidence,omitempty"` // high, medium, low
}

// Parameter is a number the sources leave open, with why it has its value.
type Parameter struct {
	Value      float64 `json:"value"`
	Note       string  `json:"note"`
	Confidence string  `json:"confidence,omitempty"`
}

// Score is a points model: the sum of its items must reach Pass (or exceed
// it when PassExclusive), each dimension must reach its minimum, and the
// items named in NonZero must score above zero.
type Score struct {
	Items         []*Criterion   `json:"items"`
	Max           float64        `json:"max"`
	Pass          Num            `json:"pass"`
	PassExclusive bool           `json:"pass_exclusive,omitempty"`
	DimensionMin  map[string]Num `json:"dimension_min,omitempty"`
	NonZero       []string       `json:"nonzero,omitempty"`
}

// Criterion is one test. Exactly one of these shapes is used:
//   - Metric + Op + Value (or ValueBy): a pass/fail threshold;
//   - Metric + Bands: points from the first band that matches (a band may
//     name its own metric);
//   - Metric + Per: Per.Points for every full Per.Step of the metric;
//   - Metric + PointsFrom: the metric's value is the points;
//   - AnyOf / AllOf: passes when any / all children pass;
//   - BestOf: the child with most points; SumOf: children's points summed;
//   - Manual: listed in the trace for a person to check, never decided here.
//
// Max caps the points of a scoring criterion.
type Criterion struct {
	ID         string       `json:"id"`
	Title      string       `json:"title"`
	Metric     string       `json:"metric,omitempty"`
	Op         string       `json:"op,omitempty"` // >=, >, <=, <, ==, !=
	Value      *Num         `json:"value,omitempty"`
	ValueBy    *ValueBy     `json:"value_by,omitempty"`
	Bands      []Band       `json:"bands,omitempty"`
	Per        *Per         `json:"per,omitempty"`
	PointsFrom bool         `json:"points_from,omitempty"`
	Max        float64      `json:"max,omitempty"`
	Dimension  string       `json:"dimension,omitempty"`
	AnyOf      []*Criterion `json:"any_of,omitempty"`
	AllOf      []*Criterion `json:"all_of,omitempty"`
	BestOf     []*Criterion `json:"best_of,omitempty"`
	SumOf      []*Criterion `json:"sum_of,omitempty"`
	Manual     bool         `json:"manual,omitempty"`
	Note       string       `json:"note,omitempty"`
	Confidence string       `json:"confidence,omitempty"`
	// TitleZh and NoteZh are Title and Note in plain Chinese, for the
	// pages, when those carry English.
	TitleZh string `json:"title_zh,omitempty"`
	NoteZh  string `json:"note_zh,omitempty"`
}

// Band is one band of a banded criterion or of a ValueBy. Min is inclusive
// and Max inclusive unless the Exclusive flags (or the rule set's Boundary
// for Min) say otherwise.
type Band struct {
	Metric       string     `json:"metric,omitempty"`
	Min          *Num       `json:"min,omitempty"`
	MinExclusive *bool      `json:"min_exclusive,omitempty"`
	Max          *Num       `json:"max,omitempty"`
	MaxExclusive bool       `json:"max_exclusive,omitempty"`
	Points       float64    `json:"points,omitempty"`
	Range        [2]float64 `json:"range,omitempty"` // the official range Points was chosen from
	Value        *Num       `json:"value,omitempty"` // ValueBy: the threshold in this band
	Label        string     `json:"label,omitempty"`
}

// ValueBy picks a threshold by the band another metric falls in.
type ValueBy struct {
	Metric string `json:"metric"`
	Bands  []Band `json:"bands"`
}

// Per scores Points for every full Step of the metric.
type Per struct {
	Step   float64 `json:"step"`
	Points float64 `json:"points"`
}

// Num is a number, or "$name" naming one of the rule set's parameters.
type Num struct {
	V     float64
	Param string
}

// UnmarshalJSON accepts a number or "$param".
func (n *Num) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		if !strings.HasPrefix(s, "$") {
			return fmt.Errorf("%q is neither a number nor a $parameter", s)
		}
		n.Param = s[1:]
		return nil
	}
	return json.Unmarshal(b, &n.V)
}

// MarshalJSON writes the number or "$param".
func (n Num) MarshalJSON() ([]byte, error) {
	if n.Param != "" {
		return json.Marshal("$" + n.Param)
	}
	return []byte(strconv.FormatFloat(n.V, 'f', -1, 64)), nil
}

// Key is "name@version".
func (r *RuleSet) Key() string { return r.Name + "@" + r.Version }

// EffectiveOn reports whether r applies on day d.
func (r *RuleSet) EffectiveOn(d innobridge.Date) bool {
	if d.Before(r.EffectiveFrom.Time) {
		return false
	}
	return r.EffectiveUntil == nil || d.Before(r.EffectiveUntil.Time)
}

// Catalog holds rule sets and local policies.
type Catalog struct {
	sets     []*RuleSet     // sorted by name, then EffectiveFrom
	policies []*LocalPolicy // sorted by name
}

// Default returns the catalog of the embedded rule sets and example local
// policies. It parses them on every call; callers keep the result.
func Default() (*Catalog, error) {
	c := &Catalog{}
	if err := c.loadRules(rulesFS, "rules"); err != nil {
		return nil, err
	}
	if err := c.loadPolicies(localFS, "local"); err != nil {
		return nil, err
	}
	return c, nil
}

// MustDefault is Default for tests and main packages; it panics on a broken
// embedded file, which the package's tests rule out.
func MustDefault() *Catalog {
	c, err := Default()
	if err != nil {
		panic(err)
	}
	return c
}

func (c *Catalog) loadRules(fsys fs.FS, dir string) error {
	names, err := fs.Glob(fsys, dir+"/*.json")
	if err != nil {
		return err
	}
	for _, n := range names {
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return err
		}
		r, err := ParseRuleSet(b)
		if err != nil {
			return fmt.Errorf("%s: %w", n, err)
		}
		if want := r.Key() + ".json"; path.Base(n) != want {
			return fmt.Errorf("%s: file must be named %s", n, want)
		}
		if err := c.AddRuleSet(r); err != nil {
			return fmt.Errorf("%s: %w", n, err)
		}
	}
	return nil
}

// AddRuleSet adds r; versions of one name must not overlap in time.
func (c *Catalog) AddRuleSet(r *RuleSet) error {
	for _, o := range c.sets {
		if o.Name != r.Name {
			continue
		}
		if o.Version == r.Version {
			return fmt.Errorf("rule set %s is defined twice", r.Key())
		}
		if overlaps(o, r) {
			return fmt.Errorf("rule sets %s and %s are both in force on some day", o.Key(), r.Key())
		}
	}
	c.sets = append(c.sets, r)
	sort.Slice(c.sets, func(i, j int) bool {
		a, b := c.sets[i], c.sets[j]
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.EffectiveFrom.Before(b.EffectiveFrom.Time)
	})
	return nil
}

func overlaps(a, b *RuleSet) bool {
	aEndsBeforeB := a.EffectiveUntil != nil && !a.EffectiveUntil.After(b.EffectiveFrom.Time)
	bEndsBeforeA := b.EffectiveUntil != nil && !b.EffectiveUntil.After(a.EffectiveFrom.Time)
	return !aEndsBeforeB && !bEndsBeforeA
}

// RuleSets returns every rule set version, by name then date.
func (c *Catalog) RuleSets() []*RuleSet { return append([]*RuleSet(nil), c.sets...) }

// RuleSet returns the version of name in force on asOf. name may be
// "name@version" to force a version regardless of the date. It returns an
// ENOTFOUND error when there is none.
func (c *Catalog) RuleSet(name string, asOf innobridge.Date) (*RuleSet, error) {
	base, version, forced := strings.Cut(name, "@")
	known := false
	for _, r := range c.sets {
		if r.Name != base {
			continue
		}
		known = true
		if forced && r.Version == version || !forced && r.EffectiveOn(asOf) {
			return r, nil
		}
	}
	if !known {
		return nil, innobridge.Errorf(innobridge.ENOTFOUND, "no rule set %q; run --list-rules", base)
	}
	if forced {
		return nil, innobridge.Errorf(innobridge.ENOTFOUND, "rule set %q has no version %q", base, version)
	}
	return nil, innobridge.Errorf(innobridge.ENOTFOUND, "no version of rule set %q is in force on %s", base, asOf)
}

// ParseRuleSet parses and checks one rule-set file. Errors name the JSON
// line and the criterion or field at fault.
func ParseRuleSet(b []byte) (*RuleSet, error) {
	var r RuleSet
	if err := decodeStrict(b, &r); err != nil {
		return nil, err
	}
	if r.Name == "" || r.Version == "" || r.Title == "" {
		return nil, fmt.Errorf("name, version and title are required")
	}
	if r.EffectiveFrom.IsZero() {
		return nil, fmt.Errorf("effective_from is required")
	}
	if r.EffectiveUntil != nil && !r.EffectiveUntil.After(r.EffectiveFrom.Time) {
		return nil, fmt.Errorf("effective_until must be after effective_from")
	}
	if len(r.Sources) == 0 {
		return nil, fmt.Errorf("at least one source is required")
	}
	if r.Boundary != "" && r.Boundary != "higher" && r.Boundary != "lower" {
		return nil, fmt.Errorf("boundary must be \"higher\" or \"lower\"")
	}
	cs, err := compileSet(&r)
	if err != nil {
		return nil, err
	}
	r.compiled = cs
	return &r, nil
}

// decodeStrict decodes JSON refusing unknown fields and trailing data, and
// turns syntax and type errors into "line N: …".
func decodeStrict(b []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	err := d.Decode(v)
	if err == nil && d.More() {
		err = fmt.Errorf("trailing data after the JSON value")
	}
	if err == nil {
		return nil
	}
	var off int64 = -1
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case asErr(err, &se):
		off = se.Offset
	case asErr(err, &te):
		off = te.Offset
		err = &FieldDecodeError{Field: te.Field, Msg: fmt.Sprintf("expected %s, got %s", te.Type, te.Value)}
	}
	if off >= 0 {
		line := 1 + bytes.Count(b[:min(int(off), len(b))], []byte("\n"))
		return fmt.Errorf("line %d: %w", line, err)
	}
	return err
}

// FieldDecodeError is a JSON value of the wrong type in a named field.
type FieldDecodeError struct {
	Field string // dotted path, e.g. "years.staff"
	Msg   string
}

func (e *FieldDecodeError) Error() string { return "field " + e.Field + ": " + e.Msg }
