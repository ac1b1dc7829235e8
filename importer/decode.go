package importer

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/innobridge/innobridge"
	"github.com/innobridge/innobridge/sheet"
)

// row reads the fields of one record and collects what is wrong with them.
type row struct {
	rec      sheet.Record
	vals     map[string]any // canonical name → value
	problems map[string]Problem
	order    []string // fields in the order problems were added
}

func (r *row) add(field, code, format string, args ...any) {
	if r.problems == nil {
		r.problems = map[string]Problem{}
	}
	if _, ok := r.problems[field]; ok {
		return
	}
	r.problems[field] = Problem{Line: r.rec.Line, Field: field, Code: code, Message: fmt.Sprintf(format, args...)}
	r.order = append(r.order, field)
}

// str returns a field as text, trimmed; lists are rejected.
func (r *row) str(field string) string {
	v, ok := r.vals[field]
	if !ok || v == nil {
		return ""
	}
	switch v := v.(type) {
	case string:
		return strings.TrimSpace(v)
	case json.Number:
		return v.String()
	case bool:
		return strconv.FormatBool(v)
	case []any:
		if len(v) == 1 {
			if s, ok := v[0].(string); ok {
				return strings.TrimSpace(s)
			}
		}
		r.add(field, "format", "应为单个值而不是列表 (expected one value, not a list)")
	default:
		r.add(field, "format", "应为文本 (expected text)")
	}
	return ""
}

// text is str without trimming inner text, for descriptions: only the
// ends are trimmed, line breaks stay.
func (r *row) text(field string) string { return r.str(field) }

// listSeps are the separators of a list written in one cell.
const listSeps = ";，,、；\n"

// list returns a list field: a JSON array, or text split on ; , 、 and
// their full-width forms.
func (r *row) list(field string) []string {
	v, ok := r.vals[field]
	if !ok || v == nil {
		return nil
	}
	var out []string
	if a, ok := v.([]any); ok {
		for _, x := range a {
			switch x := x.(type) {
			case string:
				if x = strings.TrimSpace(x); x != "" {
					out = append(out, x)
				}
			case json.Number:
				out = append(out, x.String())
			default:
				r.add(field, "format", "列表元素应为文本 (list items must be text)")
				return nil
			}
		}
		return out
	}
	s := r.str(field)
	for _, p := range strings.FieldsFunc(s, func(c rune) bool { return strings.ContainsRune(listSeps, c) }) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// integer returns a whole number field, 0 if blank.
func (r *row) integer(field string) int {
	s := innobridge.FoldWidth(r.str(field))
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		f, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil || f != math.Trunc(f) || math.Abs(f) > 1e9 {
			r.add(field, "format", "应为整数，而不是 %q (expected a whole number)", s)
			return 0
		}
		n = int(f)
	}
	return n
}

// negotiableWords mean "price on request".
var negotiableWords = map[string]bool{"面议": true, "价格面议": true, "议价": true, "negotiable": true, "待定": true}

// money returns an amount in yuan: a number of yuan (wan false) or of
// 万元 (wan true), accepting "1,500,000", "150万", "150万元". It returns
// nil for a blank cell, and negotiable for 面议.
func (r *row) money(field string, wan bool) (amount *int64, negotiable bool) {
	s := strings.TrimSpace(innobridge.FoldWidth(r.str(field)))
	if s == "" {
		return nil, false
	}
	if negotiableWords[strings.ToLower(s)] {
		return nil, true
	}
	s = strings.NewReplacer(",", "", "¥", "", "￥", "", " ", "").Replace(s)
	s = strings.TrimSuffix(s, "元")
	if strings.HasSuffix(s, "万") {
		s, wan = strings.TrimSuffix(s, "万"), true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		r.add(field, "format", "金额应为数字或“面议”，而不是 %q (expected an amount or 面议)", r.str(field))
		return nil, false
	}
	if wan {
		f *= 10000
	}
	if math.Abs(f) > 1e15 {
		r.add(field, "range", "金额过大 (amount too large)")
		return nil, false
	}
	n := int64(math.Round(f))
	return &n, false
}

// flag returns a yes/no field.
func (r *row) flag(field string) bool {
	s := strings.ToLower(r.str(field))
	switch s {
	case "", "否", "不", "no", "n", "false", "0", "f":
		return false
	case "是", "面议", "yes", "y", "true", "1", "t", "可":
		return true
	}
	r.add(field, "format", "应为“是”或“否”，而不是 %q (expected yes or no)", s)
	return false
}

// excelEpoch is day 0 of Excel's 1900 date system (allowing for its
// fictitious 1900-02-29).
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// date returns a date field: YYYY-MM-DD (or with / or .), 2024年1月2日,
// YYYYMMDD, a time stamp whose date part is one of those, or an Excel date
// serial number as an XLSX cell holds it.
func (r *row) date(field string) *innobridge.Date {
	raw := r.str(field)
	s := innobridge.FoldWidth(raw)
	if s == "" {
		return nil
	}
	if i := strings.IndexAny(s, " T"); i > 0 {
		s = s[:i]
	}
	if strings.ContainsRune(s, '年') {
		s = strings.NewReplacer("年", "-", "月", "-", "日", "").Replace(s)
	}
	if len(s) == 8 && strings.Trim(s, "0123456789") == "" {
		s = s[:4] + "-" + s[4:6] + "-" + s[6:]
	} else if n, err := strconv.ParseFloat(s, 64); err == nil && n >= 1 && n < 2958466 {
		d := innobridge.NewDate(excelEpoch.AddDate(0, 0, int(n)))
		return &d
	}
	if parts := strings.FieldsFunc(s, func(c rune) bool { return c == '-' || c == '/' || c == '.' }); len(parts) == 3 {
		// Allow 2024-1-2.
		y, e1 := strconv.Atoi(parts[0])
		m, e2 := strconv.Atoi(parts[1])
		d, e3 := strconv.Atoi(parts[2])
		if e1 == nil && e2 == nil && e3 == nil && y > 999 && m >= 1 && m <= 12 && d >= 1 && d <= 31 {
			t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
			if t.Day() == d {
				dt := innobridge.Date{Time: t}
				return &dt
			}
		}
	}
	r.add(field, "format", "日期格式应为 YYYY-MM-DD，而不是 %q (date must be YYYY-MM-DD)", raw)
	return nil
}

// validation adds the field errors of a domain Validate call.
func (r *row) validation(err error) {
	if err == nil {
		return
	}
	e, ok := err.(*innobridge.Error)
	if !ok || len(e.Fields) == 0 {
		r.add("", innobridge.ErrorCode(err), "%s", innobridge.ErrorMessage(err))
		return
	}
	for _, name := range sortedKeys(e.Fields) {
		f := e.Fields[name]
		r.add(name, f.Code, "%s", f.Message)
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	return keys
}

func (r *row) listing(l *innobridge.Listing) {
	l.ExternalID = r.str("id")
	l.Title = r.str("title")
	l.Description = r.text("description")
	l.Keywords = r.list("keywords")
	l.Field = r.str("field")
	l.Region = innobridge.FoldWidth(r.str("region"))
	l.OwnerOrg = r.str("owner")
	l.Status = lookup(statusNames, r.str("status"))
	l.ExpiresAt = r.date("expires_at")
	l.Teaser = r.text("teaser")
}

func modes(ss []string) []innobridge.Mode {
	if ss == nil {
		return nil
	}
	out := make([]innobridge.Mode, len(ss))
	for i, s := range ss {
		out[i] = innobridge.Mode(s)
	}
	return out
}

func (r *row) organization() *innobridge.Organization {
	o := &innobridge.Organization{
		ExternalID: r.str("id"),
		Name:       r.str("name"),
		Kind:       lookup(kindNames, r.str("kind")),
		USCC:       r.str("uscc"),
		Region:     innobridge.FoldWidth(r.str("region")),
		Industry:   r.str("industry"),
		Address:    r.str("address"),
		Contact:    r.str("contact"),
		Phone:      r.str("phone"),
		Email:      r.str("email"),
		Website:    r.str("website"),
		Intro:      r.text("intro"),
		Founded:    r.date("founded"),
	}
	r.validation(o.Validate())
	return o
}

func (r *row) achievement() *innobridge.Achievement {
	a := &innobridge.Achievement{}
	r.listing(&a.Listing)
	a.TRL = r.integer("trl")
	a.IPType = innobridge.IPType(r.str("ip_type"))
	a.IPNumbers = r.list("ip_numbers")
	a.TransferModes = modes(r.list("transfer_modes"))
	var neg bool
	if r.str("price_yuan") != "" {
		a.PriceYuan, neg = r.money("price_yuan", false)
	} else if r.str("price_wan") != "" {
		a.PriceYuan, neg = r.money("price_wan", true)
	}
	if _, ok := r.vals["negotiable"]; ok {
		neg = r.flag("negotiable") || neg
	}
	a.Negotiable = neg
	r.validation(a.Validate())
	return a
}

func (r *row) demand() *innobridge.Demand {
	d := &innobridge.Demand{}
	r.listing(&d.Listing)
	d.BudgetMinYuan, _ = r.money("budget_min_yuan", false)
	d.BudgetMaxYuan, _ = r.money("budget_max_yuan", false)
	if _, ok := r.vals["budget_min_wan"]; ok && d.BudgetMinYuan == nil {
		d.BudgetMinYuan, _ = r.money("budget_min_wan", true)
	}
	if _, ok := r.vals["budget_max_wan"]; ok && d.BudgetMaxYuan == nil {
		d.BudgetMaxYuan, _ = r.money("budget_max_wan", true)
	}
	d.Deadline = r.date("deadline")
	d.CoopModes = modes(r.list("coop_modes"))
	d.TRLMin = r.integer("trl_min")
	d.Confidentiality = lookup(confNames, r.str("confidentiality"))
	r.validation(d.Validate())
	return d
}
