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

func TestQueryTermsAreIndexed(t *testing.T) {
	a := MustDefault()
	doc := "含砷废水膜分离回收工艺：PM2.5 在线监测，ＺｉｇＢｅｅ 组网，5G通信模组；提高煤气利用率。"
	index := a.IndexTerms(doc)
	for _, q := range []string{"砷", "含砷废水", "煤气 利用率", "pm2", "zigbee", "5g 通信", "膜分离回收", "提高煤气利用率"} {
		terms := a.QueryTerms(q)
		if len(terms) == 0 {
			t.Fatalf("QueryTerms(%q) is empty", q)
		}
		for _, term := range terms {
			if !slices.Contains(index, term) {
				t.Errorf("query %q: term %q is not among the index terms %v", q, term, index)
			}
		}
	}
	for _, q := range []string{"铀", "lora", "煤炭"} {
		found := true
		for _, term := range a.QueryTerms(q) {
			found = found && slices.Contains(index, term)
		}
		if found {
			t.Errorf("query %q matches a text that does not contain it (terms %v)", q, a.QueryTerms(q))
		}
	}
}

func BenchmarkIndexTerms(b *testing.B) {
	a := MustDefault()
	text := "本成果针对钢铁企业高炉煤气放散率高的问题，提出高炉煤气高效燃烧与余热梯级回收技术，提高煤气利用率12%，吨钢能耗降低8千克标准煤，已在3家企业应用，PM2.5排放下降。"
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		a.IndexTerms(text)
	}
}
