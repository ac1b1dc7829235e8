package policy

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestXLSX(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out.xlsx")
	var stdout, stderr bytes.Buffer
	err := RunCLI(context.Background(), []string{"--enterprises", "../docs/examples/enterprises.jsonl", "--rules", "tech_sme,hightech,sz_rd_increment_2026",
		"--as-of", "2026-06-15", "--xlsx", out}, &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "1 bad input line") {
		t.Fatalf("the example has one bad line: %v", err)
	}
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("results")
	if err != nil {
		t.Fatal(err)
	}
	// header + 2 enterprises × 3 rules + 1 bad line
	if len(rows) != 8 {
		t.Fatalf("want 8 rows, got %d: %q", len(rows), rows)
	}
	if strings.Join(rows[0], ",") != strings.Join(ResultColumns, ",") {
		t.Errorf("header %q", rows[0])
	}
	col := func(name string) int {
		for i, c := range ResultColumns {
			if c == name {
				return i
			}
		}
		t.Fatalf("no column %s", name)
		return -1
	}
	r1 := rows[1]
	if r1[col("id")] != "sz-0001" || r1[col("rule")] != "tech_sme" || r1[col("eligible")] != "TRUE" || r1[col("score")] != "64" {
		t.Errorf("row 1: %q", r1)
	}
	if !strings.Contains(r1[col("trace")], "✓ 职工总数 ≤ 500人: 100 (≤ 500)") || !strings.Contains(r1[col("trace")], "→ 16/20") {
		t.Errorf("trace summary: %s", r1[col("trace")])
	}
	typ, err := f.GetCellType("results", "I2")
	if err != nil || typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
		t.Errorf("score should be a number cell, got type %v (%v)", typ, err)
	}
	bad := rows[7]
	if bad[col("line")] != "3" || bad[col("id")] != "sz-0003" || !strings.Contains(bad[col("error")], "years.staff") {
		t.Errorf("bad line row: %q", bad)
	}
	ht := rows[2]
	if ht[col("rule")] != "hightech" || ht[col("eligible")] != "FALSE" && ht[col("gaps")] == "" {
		t.Errorf("hightech row: %q", ht)
	}
	tr, err := f.GetRows("trace")
	if err != nil || len(tr) < 20 || tr[1][0] != "sz-0001" || tr[1][1] != "tech_sme" {
		t.Fatalf("trace sheet: %d rows, %v", len(tr), err)
	}
	if _, err := os.Stat(out); err != nil {
		t.Fatal(err)
	}
}

func TestTraceSummary(t *testing.T) {
	r := Evaluate(techSME(t), mustRule(t, "tech_sme"), mustDate(t, "2026-06-15"))
	s := TraceSummary(r.Trace)
	for _, want := range []string{"✓ 在中国境内", "· 科技人员指标 (科技人员数 ÷ 职工总数): 25% (st_staff_ratio ≥ 25%) → 16/20", "✓ 总分 total score: 64 (≥ 60)", "✗ 企业拥有有效期内高新技术企业资格证书: no"} {
		if !strings.Contains(s, want) {
			t.Errorf("no %q in\n%s", want, s)
		}
	}
}
