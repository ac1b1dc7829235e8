package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/innobridge/innobridge"
	"github.com/innobridge/innobridge/sheet"
)

// IndicatorColumn is one column of an indicator import file: its canonical
// name (the JSON name of the field) and the Chinese header staff use.
type IndicatorColumn struct {
	Name    string
	Chinese string
	Money   bool // whole yuan; "1,500,000" and "150万" are accepted
}

// IndicatorColumns are the columns of an indicator file, one row per
// enterprise × fiscal year. The enterprise is named by "uscc" or "org"
// (its external id); "year" is required; every other column is optional
// and blank means 0 (rd_expense_domestic blank means "all of it").
var IndicatorColumns = []IndicatorColumn{
	{Name: "uscc", Chinese: "统一社会信用代码"},
	{Name: "org", Chinese: "机构编号"},
	{Name: "name", Chinese: "企业名称"},
	{Name: "year", Chinese: "年度"},
	{Name: "staff", Chinese: "职工总数"},
	{Name: "st_staff", Chinese: "科技人员数"},
	{Name: "rd_staff", Chinese: "研发人员数"},
	{Name: "revenue", Chinese: "销售收入(元)", Money: true},
	{Name: "main_revenue", Chinese: "主营业务收入(元)", Money: true},
	{Name: "total_income", Chinese: "总收入(元)", Money: true},
	{Name: "hightech_income", Chinese: "高新技术产品收入(元)", Money: true},
	{Name: "total_costs", Chinese: "成本费用总额(元)", Money: true},
	{Name: "total_assets", Chinese: "资产总额(元)", Money: true},
	{Name: "total_liabilities", Chinese: "负债总额(元)", Money: true},
	{Name: "net_profit", Chinese: "净利润(元)", Money: true},
	{Name: "rd_expense", Chinese: "研发费用(元)", Money: true},
	{Name: "rd_expense_domestic", Chinese: "境内研发费用(元)", Money: true},
	{Name: "equity_financing", Chinese: "股权融资(元)", Money: true},
	{Name: "conversions", Chinese: "成果转化数"},
}

// IndicatorResolver finds the organisation a row names by USCC or external
// id; ok is false when there is none, or when it is not an enterprise.
type IndicatorResolver func(uscc, ext string) (orgID int64, name string, ok bool)

// ParseIndicators reads an indicator file (XLSX, CSV or JSONL, chosen by
// name) and returns one EnterpriseYear per row. It reads every row before
// returning: a file with any problem gives an *ImportError listing every
// problem by row and field, and no rows.
func ParseIndicators(ctx context.Context, name string, r io.Reader, resolve IndicatorResolver) ([]innobridge.EnterpriseYear, error) {
	format, ferr := sheet.FormatOf(name)
	ie := &ImportError{File: name, Rows: format == sheet.XLSX}
	if ferr != nil {
		ie.Problems = append(ie.Problems, Problem{Message: ferr.Error()})
		return nil, ie
	}
	cols := map[string]IndicatorColumn{}
	for _, c := range IndicatorColumns {
		cols[normKey(c.Name)] = c
		cols[normKey(c.Chinese)] = c
		cols[normKey(strings.TrimSuffix(c.Chinese, "(元)"))] = c
	}
	var out []innobridge.EnterpriseYear
	seen := map[[2]int64]int{} // org, year → first row
	header := func(h sheet.Header) error {
		have := map[string]bool{}
		for _, c := range h.Columns {
			col, ok := cols[normKey(c)]
			if !ok {
				ie.Problems = append(ie.Problems, Problem{Line: h.Line, Field: c, Code: "unknown", Message: fmt.Sprintf("未知列 %q (unknown column)", c)})
				continue
			}
			have[col.Name] = true
		}
		if !have["year"] {
			ie.Problems = append(ie.Problems, Problem{Line: h.Line, Field: "year", Column: "年度", Code: "required", Message: "缺少“年度”列 (the year column is missing)"})
		}
		if !have["uscc"] && !have["org"] {
			ie.Problems = append(ie.Problems, Problem{Line: h.Line, Field: "uscc", Column: "统一社会信用代码", Code: "required",
				Message: "缺少“统一社会信用代码”或“机构编号”列 (name the enterprise by uscc or org)"})
		}
		return nil
	}
	n := 0
	err := sheet.Read(name, r, header, func(rec sheet.Record) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		n++
		if rec.Problem != "" {
			ie.Problems = append(ie.Problems, Problem{Line: rec.Line, Code: "format", Message: rec.Problem})
			return nil
		}
		vals := map[string]string{}
		display := map[string]string{}
		for k, v := range rec.Values {
			col, ok := cols[normKey(k)]
			if !ok {
				continue
			}
			vals[col.Name] = strings.TrimSpace(innobridge.FoldWidth(fmt.Sprint(v)))
			display[col.Name] = k
		}
		problem := func(field, code, format string, args ...any) {
			ie.Problems = append(ie.Problems, Problem{Line: rec.Line, Field: field, Column: display[field], Code: code, Message: fmt.Sprintf(format, args...)})
		}
		before := len(ie.Problems)
		orgID, _, ok := resolve(vals["uscc"], vals["org"])
		if !ok {
			switch {
			case vals["uscc"] != "":
				problem("uscc", "unknown", "没有统一社会信用代码为 %s 的企业 (no enterprise with this USCC)", vals["uscc"])
			case vals["org"] != "":
				problem("org", "unknown", "没有编号为 %s 的企业 (no enterprise with this id)", vals["org"])
			default:
				problem("uscc", "required", "须填写统一社会信用代码或机构编号 (name the enterprise)")
			}
		}
		var y innobridge.YearFigures
		var dom *int64
		for _, c := range IndicatorColumns {
			s, ok := vals[c.Name]
			if !ok || s == "" || c.Name == "uscc" || c.Name == "org" || c.Name == "name" {
				if c.Name == "year" && s == "" {
					problem("year", "required", "年度必填 (year is required)")
				}
				continue
			}
			v, err := parseAmount(s, c.Money)
			if err != nil {
				problem(c.Name, "format", "%s", err.Error())
				continue
			}
			switch c.Name {
			case "year":
				y.Year = int(v)
			case "staff":
				y.Staff = int(v)
			case "st_staff":
				y.STStaff = int(v)
			case "rd_staff":
				y.RDStaff = int(v)
			case "revenue":
				y.Revenue = v
			case "main_revenue":
				y.MainRevenue = v
			case "total_income":
				y.TotalIncome = v
			case "hightech_income":
				y.HighTechIncome = v
			case "total_costs":
				y.TotalCosts = v
			case "total_assets":
				y.TotalAssets = v
			case "total_liabilities":
				y.TotalLiabilities = v
			case "net_profit":
				y.NetProfit = v
			case "rd_expense":
				y.RDExpense = v
			case "rd_expense_domestic":
				dom = &v
			case "equity_financing":
				y.EquityFinancing = v
			case "conversions":
				y.Conversions = int(v)
			}
		}
		y.RDExpenseDomestic = dom
		{ // validate what could be read, whatever else is wrong
			in := innobridge.Indicators{ID: "x", Region: "110101", Years: []innobridge.YearFigures{y}}
			var e *innobridge.Error
			if err := in.Validate(""); errors.As(err, &e) {
				names := make([]string, 0, len(e.Fields))
				for k := range e.Fields {
					names = append(names, k)
				}
				sort.Strings(names)
				for _, k := range names {
					f := strings.TrimPrefix(k, "years[0].")
					if !reported(ie.Problems[before:], f) {
						problem(f, e.Fields[k].Code, "%s", e.Fields[k].Message)
					}
				}
			}
		}
		if ok && y.Year != 0 {
			key := [2]int64{orgID, int64(y.Year)}
			if first, dup := seen[key]; dup {
				problem("year", "duplicate", "该企业 %d 年度的数据在第 %d 行已出现 (this enterprise's year is already on row %d)", y.Year, first, first)
			} else {
				seen[key] = rec.Line
			}
		}
		if len(ie.Problems) == before {
			out = append(out, innobridge.EnterpriseYear{OrgID: orgID, Figures: y})
		}
		return nil
	})
	if err != nil {
		if cerr := ctx.Err(); cerr != nil {
			return nil, cerr
		}
		var le *sheet.LineError
		if errors.As(err, &le) {
			ie.Problems = append(ie.Problems, Problem{Line: le.Line, Code: "format", Message: le.Err.Error()})
		} else {
			ie.Problems = append(ie.Problems, Problem{Code: "format", Message: err.Error()})
		}
	}
	if err == nil && n == 0 {
		ie.Problems = append(ie.Problems, Problem{Code: "required", Message: "文件没有数据行 (the file has no records)"})
	}
	if len(ie.Problems) > 0 {
		sort.SliceStable(ie.Problems, func(i, j int) bool { return ie.Problems[i].Line < ie.Problems[j].Line })
		return nil, ie
	}
	return out, nil
}

// parseAmount reads a whole number, with thousands separators; money may
// end in 万 or 万元 (× 10,000) or 元.
func parseAmount(s string, money bool) (int64, error) {
	t := strings.ReplaceAll(strings.ReplaceAll(s, ",", ""), "，", "")
	mult := 1.0
	if money {
		switch {
		case strings.HasSuffix(t, "万元"):
			t, mult = strings.TrimSuffix(t, "万元"), 1e4
		case strings.HasSuffix(t, "万"):
			t, mult = strings.TrimSuffix(t, "万"), 1e4
		case strings.HasSuffix(t, "元"):
			t = strings.TrimSuffix(t, "元")
		}
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(t), 64)
	if err != nil || f > 9e15 || f < -9e15 {
		return 0, fmt.Errorf("应为数字，而不是 %q (expected a number)", s)
	}
	v := f * mult
	if v != float64(int64(v)) {
		if !money {
			return 0, fmt.Errorf("应为整数，而不是 %q (expected a whole number)", s)
		}
		v = float64(int64(v + 0.5))
	}
	return int64(v), nil
}

func reported(ps []Problem, field string) bool {
	for _, p := range ps {
		if p.Field == field {
			return true
		}
	}
	return false
}
