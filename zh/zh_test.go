package zh

import (
	"slices"
	"testing"
)

func TestQueryFindsSubstring(t *testing.T) {
	a := MustDefault()
	doc := a.IndexTerms("马钢高炉提高煤气利用率的措施")
	for _, q := range []string{"煤气", "煤气利用率", "高炉", "ＺｉｇＢｅｅ"} {
		terms := a.QueryTerms(q)
		if len(terms) == 0 {
			t.Fatalf("QueryTerms(%q) is empty", q)
		}
		if q == "ＺｉｇＢｅｅ" {
			if !slices.Contains(terms, "zigbee") {
				t.Errorf("QueryTerms(%q) = %v, want zigbee", q, terms)
			}
			continue
		}
		for _, term := range terms {
			if !slices.Contains(doc, term) {
				t.Errorf("query %q term %q not among index terms %v", q, term, doc)
			}
		}
	}
}

func TestBigrams(t *testing.T) {
	got := Bigrams("煤气a利用率")
	want := []string{"煤气", "利用", "用率"}
	if !slices.Equal(got, want) {
		t.Errorf("Bigrams = %v, want %v", got, want)
	}
}
