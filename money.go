package innobridge

import (
	"math"
	"strconv"
	"strings"
)

// Wan shows an amount of money as Chinese documents write it: in 万元 from
// 1 万 up, with at most two decimals ("180 万元", "1.25 万元"), and in 元
// below ("900 元").
func Wan(yuan float64) string {
	if math.Abs(yuan) >= 1e4 {
		s := strconv.FormatFloat(yuan/1e4, 'f', 2, 64)
		return strings.TrimRight(strings.TrimRight(s, "0"), ".") + " 万元"
	}
	return strconv.FormatFloat(math.Round(yuan), 'f', -1, 64) + " 元"
}

// YuanEn shows an amount of yuan in English: "¥100,000".
func YuanEn(yuan int64) string {
	s := strconv.FormatInt(yuan, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		s = "-" + s
	}
	return "¥" + s
}
