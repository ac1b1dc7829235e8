package policy

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
)

func TestRunCLI(t *testing.T) {
	in := `{"id":"a","region":"320506","years":[{"year":2025,"staff":100,"st_staff":25,"revenue":50000000,"total_assets":1,"rd_expense":2100000}],"ip":{"utility_models":3}}

{"id":"b","region":"3205","years":[{"year":2025,"staff":10,"st_staff":20}]}
{"id":"c","region":"320506","years":[{"year":2025,"staff":"x"}]}
{"id":"d","region":"320506","colour":"red"}
{"id":"e","region":"320506","years":[]}
`
	ev, err := catalog.Evaluator([]string{"tech_sme", "hightech", "sz_rd_increment_2026"}, mustDate(t, "2026-06-15"))
	if err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	bad, err := EvaluateLines(context.Background(), strings.NewReader(in), &out, &errb, ev)
	if err != nil || bad != 3 {
		t.Fatalf("bad %d, err %v", bad, err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 5 {
		t.Fatalf("want 5 output lines (blank skipped), got %d:\n%s", len(lines), out.String())
	}
	var first struct {
		ID      string
		Results []map[string]any
	}
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil {
		t.Fatal(err)
	}
	if first.ID != "a" || len(first.Results) != 3 || first.Results[0]["rule"] != "tech_sme" || first.Results[0]["score"] != 64.0 ||
		first.Results[0]["eligible"] != true {
		t.Errorf("first line: %s", lines[0])
	}
	if _, ok := first.Results[2]["score"]; !ok || first.Results[2]["score"] != nil {
		t.Errorf("a local policy has score null: %v", first.Results[2])
	}
	for i, want := range map[int][]string{
		1: {`"line":3`, `"id":"b"`, `"region"`, `"years[0].st_staff"`},
		2: {`"line":4`, `"years.staff"`},
		3: {`"line":5`, `"colour"`},
	} {
		for _, w := range want {
			if !strings.Contains(lines[i], w) {
				t.Errorf("line %d: no %s in %s", i, w, lines[i])
			}
		}
	}
	if !strings.Contains(lines[4], `"id":"e"`) || !strings.Contains(lines[4], "no figures for fiscal year 2025") {
		t.Errorf("an enterprise without figures is evaluated with missing-data gaps: %s", lines[4])
	}
	if !strings.Contains(errb.String(), "line 3") {
		t.Errorf("stderr: %s", errb.String())
	}
}

func TestRunCLIArgs(t *testing.T) {
	var out, errb bytes.Buffer
	if err := RunCLI(context.Background(), []string{"--list-rules"}, &out, &errb); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"tech_sme@2017", "hightech@2016", "innovative_sme@2022", "innovative_sme@2026", "zjtx_sme@2022",
		"zjtx_sme@2026", "little_giant@2022", "little_giant@2026", "2026-04-01", "sz_rd_increment_2026"} {
		if !strings.Contains(out.String(), w) {
			t.Errorf("--list-rules lacks %s", w)
		}
	}
	if err := RunCLI(context.Background(), []string{"--enterprises", "x.jsonl", "--rules", "nope"}, &out, &errb); err == nil || !strings.Contains(err.Error(), `no rule set "nope"`) {
		t.Errorf("unknown rule: %v", err)
	}
	if err := RunCLI(context.Background(), []string{"--enterprises", "x", "--rules", "tech_sme", "--as-of", "2026-13-01"}, &out, &errb); err == nil {
		t.Error("bad --as-of accepted")
	}
	if err := RunCLI(context.Background(), []string{"--enterprises", "../docs/examples/enterprises.jsonl", "--rules", "tech_sme,little_giant@2022", "--as-of", "2026-06-15"}, &out, &errb); err == nil {
		t.Error("the example file has one bad line on purpose; want an error")
	}
}

func TestRuleFilesReportErrors(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{`{"name":"x","version":"1","title":"t","effective_from":"2020-01-01","sources":[{"id":"s"}],"conditions":[{"id":"a","title":"A","metric":"stuff","op":">=","value":1}]}`, `conditions[0] (id "a"): unknown metric "stuff"`},
		{`{"name":"x","version":"1","title":"t","effective_from":"2020-01-01","sources":[{"id":"s"}],"conditions":[{"id":"a","title":"A","metric":"staff","op":">=","value":"$p"}]}`, `no parameter "p"`},
		{"{\"name\":\"x\",\n\"version\":1}", "line 2"},
		{`{"name":"x","version":"1","title":"t","effective_from":"2020-01-01","sources":[{"id":"s"}],"conditions":[],"extra":1}`, `unknown field "extra"`},
	} {
		if _, err := ParseRuleSet([]byte(tt.in)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %v, want %q", tt.in, err, tt.want)
		}
	}
}
