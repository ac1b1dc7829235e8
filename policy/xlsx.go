package policy

import (
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// xlsxMaxRows is the most rows an Excel sheet holds (the header included).
const xlsxMaxRows = 1_048_576

// xlsxMaxCell is the most characters an Excel cell holds.
const xlsxMaxCell = 32_767

// ResultColumns are the columns of the "results" sheet of an evaluation
// workbook, one row per enterprise × rule.
var ResultColumns = []string{"line", "id", "rule", "version", "title", "as_of", "eligible", "route", "score", "pass_score",
	"amount", "distance", "unmet", "trace", "gaps", "error"}

// TraceColumns are the columns of the "trace" sheet, one row per enterprise
// × rule × criterion; depth 0 is a top-level criterion, 1 its child, ….
var TraceColumns = []string{"id", "rule", "section", "depth", "criterion", "title", "value", "threshold", "pass", "points",
	"max_points", "note"}

// XLSXWriter writes evaluation results as a workbook with two sheets:
// "results" (one row per enterprise × rule, with a trace summary and the
// gaps; a bad input line is one row naming the line and fields) and "trace"
// (every criterion of every result). Numbers are number cells. It streams,
// so a list of 100k enterprises does not hold a cell object per value; rows
// beyond Excel's limit of 1,048,576 per sheet are left out and the last row
// says so. Call Add for each Line, then Close.
type XLSXWriter struct {
	w           io.Writer
	f           *excelize.File
	res, trace  *excelize.StreamWriter
	nres, ntr   int // rows written, header included
	lostR, lost int // rows left out
	wrap        int // style id
}

// NewXLSXWriter starts a workbook that Close writes to w.
func NewXLSXWriter(w io.Writer) (*XLSXWriter, error) {
	x := &XLSXWriter{w: w, f: excelize.NewFile()}
	if err := x.init(); err != nil {
		x.f.Close()
		return nil, err
	}
	return x, nil
}

func (x *XLSXWriter) init() error {
	f := x.f
	if err := f.SetSheetName("Sheet1", "results"); err != nil {
		return err
	}
	if _, err := f.NewSheet("trace"); err != nil {
		return err
	}
	head, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}})
	if err != nil {
		return err
	}
	if x.wrap, err = f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}}); err != nil {
		return err
	}
	setup := func(sheet string, cols []string, widths map[string]float64) (*excelize.StreamWriter, error) {
		sw, err := f.NewStreamWriter(sheet)
		if err != nil {
			return nil, err
		}
		for i, c := range cols {
			wd := 12.0
			if v, ok := widths[c]; ok {
				wd = v
			}
			if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
				return nil, err
			}
		}
		if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
			return nil, err
		}
		row := make([]any, len(cols))
		for i, c := range cols {
			row[i] = excelize.Cell{StyleID: head, Value: c}
		}
		return sw, sw.SetRow("A1", row)
	}
	if x.res, err = setup("results", ResultColumns, map[string]float64{"line": 6, "id": 16, "rule": 18, "title": 30, "trace": 70, "gaps": 70, "error": 50}); err != nil {
		return err
	}
	if x.trace, err = setup("trace", TraceColumns, map[string]float64{"id": 16, "rule": 18, "criterion": 20, "title": 50, "threshold": 24, "note": 60}); err != nil {
		return err
	}
	x.nres, x.ntr = 1, 1
	return nil
}

// Add writes one output line: a row per result, or one row for an error line.
func (x *XLSXWriter) Add(l Line) error {
	if l.Error != nil {
		return x.resultRow([]any{l.Line, l.ID, "", "", "", "", "", "", "", "", "", "", "", "", "", cell(l.Error.Error())})
	}
	for i := range l.Results {
		r := &l.Results[i]
		row := []any{"", l.ID, r.Rule, r.Version, r.Title, r.AsOf.String(), r.Eligible, r.Route, num(r.Score), num(r.PassScore),
			"", "", "", cell(TraceSummary(r.Trace)), cell(strings.Join(r.Gaps, "\n")), ""}
		if r.Amount != nil {
			row[10] = *r.Amount
		}
		if !r.Eligible {
			row[11], row[12] = r.Distance, r.Unmet
		}
		if err := x.resultRow(row); err != nil {
			return err
		}
		if err := x.traceRows(l.ID, r.Rule, r.Trace, 0, ""); err != nil {
			return err
		}
	}
	return nil
}

func (x *XLSXWriter) resultRow(row []any) error {
	if x.nres >= xlsxMaxRows-1 {
		x.lostR++
		return nil
	}
	x.nres++
	for _, i := range []int{13, 14} {
		if s, ok := row[i].(string); ok && s != "" {
			row[i] = excelize.Cell{StyleID: x.wrap, Value: s}
		}
	}
	return x.res.SetRow(fmt.Sprintf("A%d", x.nres), row)
}

func (x *XLSXWriter) traceRows(id, rule string, steps []Step, depth int, section string) error {
	for i := range steps {
		s := &steps[i]
		sec := s.Section
		if sec == "" {
			sec = section
		}
		if x.ntr >= xlsxMaxRows-1 {
			x.lost++
		} else {
			x.ntr++
			var pass any = ""
			if s.Pass != nil {
				pass = *s.Pass
			}
			var maxp any = ""
			if s.MaxPoints != 0 {
				maxp = s.MaxPoints
			}
			row := []any{id, rule, sec, depth, s.ID, s.Title, s.Display, s.Threshold, pass, num(s.Points), maxp, cell(s.Note)}
			if err := x.trace.SetRow(fmt.Sprintf("A%d", x.ntr), row); err != nil {
				return err
			}
		}
		if err := x.traceRows(id, rule, s.Steps, depth+1, sec); err != nil {
			return err
		}
	}
	return nil
}

// Close finishes the workbook and writes it.
func (x *XLSXWriter) Close() (err error) {
	defer func() {
		if cerr := x.f.Close(); err == nil {
			err = cerr
		}
	}()
	if x.lostR > 0 {
		if err := x.res.SetRow(fmt.Sprintf("A%d", x.nres+1), []any{"", fmt.Sprintf("%d more results left out: a sheet holds %d rows; use the JSON output", x.lostR, xlsxMaxRows)}); err != nil {
			return err
		}
	}
	if x.lost > 0 {
		if err := x.trace.SetRow(fmt.Sprintf("A%d", x.ntr+1), []any{fmt.Sprintf("%d more trace rows left out: a sheet holds %d rows; use the JSON output", x.lost, xlsxMaxRows)}); err != nil {
			return err
		}
	}
	if err := x.res.Flush(); err != nil {
		return err
	}
	if err := x.trace.Flush(); err != nil {
		return err
	}
	return x.f.Write(x.w)
}

// TraceSummary is a trace as short text, one line per top-level criterion:
// "✓" passed, "✗" failed, "·" scored or left to a person, then the title,
// the value against the threshold and the points.
func TraceSummary(steps []Step) string {
	var b strings.Builder
	for i := range steps {
		s := &steps[i]
		mark := "·"
		if s.Pass != nil {
			mark = "✗"
			if *s.Pass {
				mark = "✓"
			}
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "%s %s", mark, s.Title)
		if s.Display != "" {
			fmt.Fprintf(&b, ": %s", s.Display)
		}
		if s.Threshold != "" {
			fmt.Fprintf(&b, " (%s)", s.Threshold)
		}
		if s.Points != nil {
			fmt.Fprintf(&b, " → %s/%s", fmtNum(*s.Points), fmtNum(s.MaxPoints))
		}
	}
	return b.String()
}

func num(p *float64) any {
	if p == nil {
		return ""
	}
	return *p
}

// cell cuts s to what an Excel cell holds.
func cell(s string) string {
	if len(s) <= xlsxMaxCell-100 {
		return s
	}
	r := []rune(s)
	if len(r) > xlsxMaxCell-100 {
		s = string(r[:xlsxMaxCell-100]) + " …(cut)"
	}
	return s
}
