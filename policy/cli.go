package policy

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/innobridge/innobridge"
)

// CLIUsage is the usage line of the evaluate command.
const CLIUsage = "evaluate --enterprises FILE.jsonl --rules NAME[,NAME…] [--as-of YYYY-MM-DD] [--xlsx OUT.xlsx] | evaluate --list-rules"

// CLIHelp is the long help of the evaluate command.
const CLIHelp = `Evaluate enterprises against rule sets and local policies.

Reads one enterprise per line (JSON, see docs/policy.md) and writes one
JSON line per enterprise, in input order:

  {"id": "...", "results": [{"rule": "...", "eligible": true, "score": 72, "trace": [...], "gaps": [...]}]}

score is null for rules without a points model. --rules takes rule-set names
(the version in force on --as-of is used; NAME@VERSION forces one) and local
policy names (their results carry "amount", the estimate in yuan).

A line that is not valid JSON or fails validation is not evaluated: its
output line is {"line": N, "id": "...", "error": {...}} naming the line and
fields, the same is reported on stderr, and the command exits non-zero after
all lines are processed. Blank lines are skipped.

--as-of defaults to today. --list-rules lists rule sets and local policies
with their effective dates.

--xlsx OUT.xlsx also writes the results as a workbook: sheet "results" has
one row per enterprise × rule with a trace summary and the gaps (bad lines
as one row naming the line and fields), sheet "trace" every criterion.`

// Line is one output line of the evaluate command.
type Line struct {
	Line    int               `json:"line,omitempty"` // set on error lines only
	ID      string            `json:"id"`
	Results []Result          `json:"results,omitempty"`
	Error   *innobridge.Error `json:"error,omitempty"`
}

// RunCLI runs the evaluate command with its arguments (without the command
// name). It returns an error when the arguments are wrong or any input line
// was bad; results for good lines are written regardless.
func RunCLI(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("evaluate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: innobridge %s\n\n%s\n\nflags:\n", CLIUsage, CLIHelp)
		fs.PrintDefaults()
	}
	file := fs.String("enterprises", "", "JSON Lines file of enterprise indicators (\"-\" for stdin)")
	rules := fs.String("rules", "", "comma-separated rule-set or local-policy names")
	asOfS := fs.String("as-of", "", "evaluation date YYYY-MM-DD (default today)")
	list := fs.Bool("list-rules", false, "list rule sets and local policies with effective dates")
	xlsxOut := fs.String("xlsx", "", "also write the results to this .xlsx workbook")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	cat, err := Default()
	if err != nil {
		return err
	}
	if *list {
		return ListRules(cat, stdout)
	}
	if *file == "" || *rules == "" {
		fs.Usage()
		return errors.New("--enterprises and --rules are required")
	}
	asOf := innobridge.NewDate(time.Now())
	if *asOfS != "" {
		if asOf, err = innobridge.ParseDate(*asOfS); err != nil {
			return fmt.Errorf("--as-of: %w", err)
		}
	}
	ev, err := cat.Evaluator(strings.Split(*rules, ","), asOf)
	if err != nil {
		return err
	}
	var in io.Reader = os.Stdin
	if *file != "-" {
		f, err := os.Open(*file)
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	}
	var sinks []func(Line) error
	var xw *XLSXWriter
	if *xlsxOut != "" {
		out, err := os.Create(*xlsxOut)
		if err != nil {
			return err
		}
		defer out.Close()
		if xw, err = NewXLSXWriter(out); err != nil {
			return fmt.Errorf("--xlsx: %w", err)
		}
		sinks = append(sinks, xw.Add)
	}
	bad, err := EvaluateLines(ctx, in, stdout, stderr, ev, sinks...)
	if xw != nil {
		if cerr := xw.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("--xlsx %s: %w", *xlsxOut, cerr)
		}
	}
	if err != nil {
		return err
	}
	if bad > 0 {
		return fmt.Errorf("%d bad input line(s); see the error lines", bad)
	}
	return nil
}

// ListRules writes the rule sets and local policies with their dates.
func ListRules(cat *Catalog, w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "%-26s %-12s %-12s %s\n", "NAME@VERSION", "FROM", "UNTIL", "TITLE")
	for _, r := range cat.RuleSets() {
		until := "-"
		if r.EffectiveUntil != nil {
			until = r.EffectiveUntil.String()
		}
		fmt.Fprintf(bw, "%-26s %-12s %-12s %s\n", r.Key(), r.EffectiveFrom, until, r.Title)
	}
	fmt.Fprintf(bw, "\nlocal policies:\n")
	for _, p := range cat.Policies() {
		fmt.Fprintf(bw, "%-26s %-12s %-12s %s (budget %s)\n", p.Name, p.From, p.Until, p.Title, yuan(p.Budget))
	}
	return bw.Flush()
}

// Evaluator applies a fixed list of rule sets and local policies.
type Evaluator struct {
	AsOf     innobridge.Date
	sets     []*RuleSet
	policies []*LocalPolicy
	order    []int // index into sets (≥0) or policies (-1-i), in the order asked
}

// Evaluator resolves names (rule sets, NAME@VERSION, or local policies) for
// asOf. Unknown names are an ENOTFOUND error.
func (c *Catalog) Evaluator(names []string, asOf innobridge.Date) (*Evaluator, error) {
	ev := &Evaluator{AsOf: asOf}
	for _, n := range names {
		n = strings.TrimSpace(n)
		if n == "" {
			continue
		}
		if p, err := c.Policy(n); err == nil {
			ev.policies = append(ev.policies, p)
			ev.order = append(ev.order, -len(ev.policies))
			continue
		}
		r, err := c.RuleSet(n, asOf)
		if err != nil {
			return nil, err
		}
		ev.sets = append(ev.sets, r)
		ev.order = append(ev.order, len(ev.sets)-1)
	}
	if len(ev.order) == 0 {
		return nil, innobridge.Errorf(innobridge.EINVALID, "no rules named")
	}
	return ev, nil
}

// Evaluate gives the results for one enterprise, in the order asked.
func (ev *Evaluator) Evaluate(e *innobridge.Indicators) []Result {
	out := make([]Result, 0, len(ev.order))
	for _, i := range ev.order {
		if i >= 0 {
			out = append(out, Evaluate(e, ev.sets[i], ev.AsOf))
		} else {
			out = append(out, EvaluatePolicy(e, ev.policies[-i-1], ev.AsOf))
		}
	}
	return out
}

// EvaluateLines reads JSON Lines of Indicators from r and writes one Line per
// non-blank input line to w, passing each Line to the sinks too (e.g. an
// XLSXWriter's Add). It returns how many lines were bad; err is only for
// read or write failures.
func EvaluateLines(ctx context.Context, r io.Reader, w, stderr io.Writer, ev *Evaluator, sinks ...func(Line) error) (bad int, err error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	emit := func(l Line) error {
		if err := enc.Encode(l); err != nil {
			return err
		}
		for _, s := range sinks {
			if err := s(l); err != nil {
				return err
			}
		}
		return nil
	}
	n := 0
	for sc.Scan() {
		n++
		if err := ctx.Err(); err != nil {
			return bad, err
		}
		b := sc.Bytes()
		if len(strings.TrimSpace(string(b))) == 0 {
			continue
		}
		e, perr := ParseIndicators(b, n)
		if perr != nil {
			bad++
			var ie *innobridge.Error
			if !errors.As(perr, &ie) {
				ie = &innobridge.Error{Code: innobridge.EINVALID, Message: perr.Error(), Record: fmt.Sprintf("line %d", n)}
			}
			fmt.Fprintf(stderr, "evaluate: %v\n", ie)
			id := ""
			if e != nil {
				id = e.ID
			}
			if err := emit(Line{Line: n, ID: id, Error: ie}); err != nil {
				return bad, err
			}
			continue
		}
		if err := emit(Line{ID: e.ID, Results: ev.Evaluate(e)}); err != nil {
			return bad, err
		}
	}
	if err := sc.Err(); err != nil {
		return bad, fmt.Errorf("line %d: %w", n+1, err)
	}
	return bad, bw.Flush()
}

// ParseIndicators decodes and validates one JSON line. Errors are EINVALID
// *innobridge.Error values with Record "line N" and the bad field named; the
// returned Indicators (possibly partial, only for its id) is non-nil when an
// id could be read.
func ParseIndicators(b []byte, line int) (*innobridge.Indicators, error) {
	var e innobridge.Indicators
	rec := fmt.Sprintf("line %d", line)
	if err := decodeStrict(b, &e); err != nil {
		field := "json"
		var fe *FieldDecodeError
		if errors.As(err, &fe) && fe.Field != "" {
			field = fe.Field
		} else if s := err.Error(); strings.Contains(s, "unknown field ") {
			field = strings.Trim(s[strings.Index(s, "unknown field ")+len("unknown field "):], `"`)
		}
		msg := err.Error()
		if fe != nil && fe.Field != "" {
			msg = fe.Msg
		} else if i := strings.Index(msg, ": "); strings.HasPrefix(msg, "line ") && i > 0 {
			msg = msg[i+2:] // the line is always 1 within a JSON Lines record
		}
		ierr := &innobridge.Error{Code: innobridge.EINVALID, Message: "invalid input", Record: rec,
			Fields: map[string]innobridge.FieldError{field: {Code: "format", Message: msg}}}
		// Keep the id, when there is one, so the error line names it too.
		var idOnly struct {
			ID string `json:"id"`
		}
		if json.Unmarshal(b, &idOnly) == nil && idOnly.ID != "" {
			return &innobridge.Indicators{ID: idOnly.ID}, ierr
		}
		return nil, ierr
	}
	if err := e.Validate(rec); err != nil {
		return &e, err
	}
	return &e, nil
}
