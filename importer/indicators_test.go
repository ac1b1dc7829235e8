package importer

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/innobridge/innobridge"
)

func resolveTest(uscc, ext string) (int64, string, bool) {
	switch {
	case uscc == "91320582MA1XYW1234" || ext == "org-ent":
		return 7, "苏州钢铁", true
	}
	return 0, "", false
}

func TestParseIndicators(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		csv := "统一社会信用代码,年度,职工总数,科技人员数,销售收入(元),研发费用(元),境内研发费用(元)\n" +
			"91320582MA1XYW1234,2025,120,30,\"80,000,000\",350万,3000000\n" +
			",2024,100,20,70000000,2000000,\n"
		rows, err := ParseIndicators(context.Background(), "x.csv", strings.NewReader(strings.Replace(csv, ",2024", "91320582MA1XYW1234,2024", 1)), resolveTest)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 2 || rows[0].OrgID != 7 || rows[0].Figures.Revenue != 80_000_000 || rows[0].Figures.RDExpense != 3_500_000 ||
			*rows[0].Figures.RDExpenseDomestic != 3_000_000 || rows[1].Figures.RDExpenseDomestic != nil || rows[1].Figures.Year != 2024 {
			t.Errorf("rows %+v", rows)
		}
	})
	t.Run("ErrEveryProblemByRowAndField", func(t *testing.T) {
		csv := "机构编号,年度,职工总数,科技人员数,研发费用(元)\n" +
			"org-ent,2025,10,12,abc\n" + // st_staff > staff, bad money
			"org-none,2025,10,1,0\n" + // unknown enterprise
			"org-ent,,10,1,0\n" + // year missing
			"org-ent,2024,10,1,0\n" +
			"org-ent,2024,10,1,0\n" // duplicate
		_, err := ParseIndicators(context.Background(), "x.csv", strings.NewReader(csv), resolveTest)
		var ie *ImportError
		if !errors.As(err, &ie) {
			t.Fatalf("err %v, want an *ImportError", err)
		}
		want := []string{"2 rd_expense format", "2 st_staff range", "3 org unknown", "4 year required", "6 year duplicate"}
		var got []string
		for _, p := range ie.Problems {
			got = append(got, strings.Join([]string{itoa(p.Line), p.Field, p.Code}, " "))
		}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("problems %q, want %q", got, want)
		}
		if innobridge.ErrorCode(err) != innobridge.EINVALID {
			t.Errorf("code %q, want invalid", innobridge.ErrorCode(err))
		}
	})
	t.Run("ErrValidation", func(t *testing.T) {
		_, err := ParseIndicators(context.Background(), "x.csv", strings.NewReader("org,year,staff,st_staff\norg-ent,2025,10,12\n"), resolveTest)
		var ie *ImportError
		if !errors.As(err, &ie) || len(ie.Problems) != 1 || ie.Problems[0].Field != "st_staff" || ie.Problems[0].Line != 2 {
			t.Errorf("err %v, want row 2 st_staff", err)
		}
	})
}

func itoa(n int) string { return strconv.Itoa(n) }
