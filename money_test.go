package innobridge

import "testing"

func TestMoney(t *testing.T) {
	for _, tc := range []struct {
		yuan    int64
		wan, en string
	}{
		{0, "0 元", "¥0"},
		{900, "900 元", "¥900"},
		{8000, "8000 元", "¥8,000"},
		{15000, "1.5 万元", "¥15,000"},
		{1800000, "180 万元", "¥1,800,000"},
		{12500, "1.25 万元", "¥12,500"},
		{-250000, "-25 万元", "¥-250,000"},
	} {
		if got := Wan(float64(tc.yuan)); got != tc.wan {
			t.Errorf("Wan(%d) = %q, want %q", tc.yuan, got, tc.wan)
		}
		if got := YuanEn(tc.yuan); got != tc.en {
			t.Errorf("YuanEn(%d) = %q, want %q", tc.yuan, got, tc.en)
		}
	}
}
