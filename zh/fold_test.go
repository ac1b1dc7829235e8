package zh

import (
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestTradSimpPairs(t *testing.T) {
	if n := utf8.RuneCountInString(tradSimp); n%2 != 0 {
		t.Fatalf("tradSimp has %d runes, want pairs", n)
	}
	for trad, simp := range tradToSimp {
		if _, ok := tradToSimp[simp]; ok {
			t.Errorf("%c→%c: the simplified form is itself folded", trad, simp)
		}
	}
}

func TestFold(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"ＺｉｇＢｅｅ", "zigbee"},
		{"機器學習與數據挖掘", "机器学习与数据挖掘"},
		{"煤气利用率", "煤气利用率"},
		{"網絡　安全", "网络 安全"},
	} {
		if got := Normalize(c.in); got != c.want {
			t.Errorf("Normalize(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestFoldRuneFastPath: the ideograph block's shortcut folds every rune
// as the general rule (the map, then lower case) does.
func TestFoldRuneFastPath(t *testing.T) {
	slow := func(r rune) rune {
		if s, ok := tradToSimp[r]; ok {
			return s
		}
		return unicode.ToLower(r)
	}
	n := 0
	for r := rune(hanBase); r <= hanEnd; r++ {
		if got, want := FoldRune(r), slow(r); got != want {
			t.Errorf("FoldRune(%U) = %U, want %U", r, got, want)
		}
		if FoldRune(r) != r {
			n++
		}
	}
	if n < len(tradToSimp)/2 { // the table is nearly all in this block
		t.Errorf("only %d ideographs fold, of the %d in tradToSimp", n, len(tradToSimp))
	}
}

func BenchmarkFold(b *testing.B) {
	s := "针对传统方法在复杂工业环境下检测精度低、实时性差的问题，提出一种基于深度学习的表面缺陷检测方法。該方法結合注意力機制與多尺度特徵融合，在公開數據集上取得了較好的結果。"
	for b.Loop() {
		Fold(s)
	}
}
