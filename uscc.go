package innobridge

import "strings"

// usccAlphabet is the 31-character set of GB 32100-2015 (no I, O, S, V, Z);
// a character's value is its index.
const usccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

var usccWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// NormalizeUSCC upper-cases code, folds full-width characters and trims spaces.
func NormalizeUSCC(code string) string {
	return strings.ToUpper(strings.TrimSpace(FoldWidth(code)))
}

// USCCCheckChar returns the GB 32100-2015 check character for the first 17
// characters of a unified social credit code, and false if one of them is
// outside the code's alphabet.
func USCCCheckChar(first17 string) (byte, bool) {
	if len(first17) != 17 {
		return 0, false
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(usccAlphabet, first17[i])
		if v < 0 {
			return 0, false
		}
		sum += v * usccWeights[i]
	}
	c := 31 - sum%31
	if c == 31 {
		c = 0
	}
	return usccAlphabet[c], true
}

// ValidateUSCC checks a 统一社会信用代码: 18 characters of the GB 32100-2015
// alphabet, a province in positions 3–4 and the check character in position
// 18. It returns a message naming the problem, or "" when the code is valid.
// The caller should pass NormalizeUSCC(code).
func ValidateUSCC(code string) string {
	if len(code) != 18 {
		return "统一社会信用代码应为18位 (must be 18 characters)"
	}
	for i := 0; i < 18; i++ {
		if strings.IndexByte(usccAlphabet, code[i]) < 0 {
			return "统一社会信用代码含非法字符 " + string(code[i]) + " (character not allowed)"
		}
	}
	if _, ok := provinces[code[2:4]]; !ok {
		return "统一社会信用代码第3-8位不是有效行政区划代码 (positions 3–8 are not a GB/T 2260 region)"
	}
	want, _ := USCCCheckChar(code[:17])
	if code[17] != want {
		return "统一社会信用代码校验位错误，应为 " + string(want) + " (check character should be " + string(want) + ")"
	}
	return ""
}
