package zh

import (
	"testing"
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
