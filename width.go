package innobridge

import "strings"

// FoldWidth maps full-width ASCII variants (！ to ～) and the ideographic
// space to their half-width forms, as typed by Chinese input methods.
func FoldWidth(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return r == 0x3000 || (r >= 0xFF01 && r <= 0xFF5E) }) {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r == 0x3000:
			return ' '
		case r >= 0xFF01 && r <= 0xFF5E:
			return r - 0xFEE0
		}
		return r
	}, s)
}
