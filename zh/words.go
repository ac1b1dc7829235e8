package zh

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Text is a folded text cut into words, to say in whole words what it
// shares with other texts (Shared).
type Text struct {
	a      *Analyzer
	s      string
	bounds []int               // byte offsets where its words begin, then len(s)
	subs   map[[2]int][][2]int // dictionary words inside bytes lo…hi, see inner
}

// Cut folds s and cuts it into words with the dictionary.
func (a *Analyzer) Cut(s string) *Text {
	s = Fold(s)
	t := &Text{a: a, s: s, bounds: []int{0}}
	at := 0
	for _, w := range a.segmenter().Cut(s, true) {
		at += len(w)
		t.bounds = append(t.bounds, at)
	}
	if at != len(s) { // the pieces do not make up s: no word bounds known
		t.bounds = []int{0, len(s)}
	}
	return t
}

// Shared rewrites terms, stretches of t's text found by matching on
// character pairs (say 化硅 of 碳化硅, or 炉煤气 of 高炉煤气 against 转炉煤气),
// as what t and other (folded) really share: the longest runs of t's
// whole words around each occurrence of a term, of two characters or
// more, that other contains verbatim (碳化硅 if other has it; 煤气). Where
// no run of a word is in other, the dictionary's words inside it are
// tried (树脂 of 环氧树脂), then those inside the words around the term
// taken together (容量 of 比容/量, where the dictionary cut across it). A
// term none of whose words other contains is left out. The runs come longest first, without one that a longer run
// contains.
func (t *Text) Shared(terms []string, other string) []string {
	var out []string
	for _, term := range terms {
		if term == "" {
			continue
		}
		for from, n := 0, 0; n < 8; n++ { // the term's first occurrences
			i := strings.Index(t.s[from:], term)
			if i < 0 {
				break
			}
			lo := from + i
			for _, r := range t.runs(lo, lo+len(term), other) {
				if !slices.Contains(out, r) {
					out = append(out, r)
				}
			}
			_, size := utf8.DecodeRuneInString(t.s[lo:])
			from = lo + size
		}
	}
	slices.SortStableFunc(out, func(a, b string) int {
		return utf8.RuneCountInString(b) - utf8.RuneCountInString(a)
	})
	var kept []string
	for _, r := range out {
		if !slices.ContainsFunc(kept, func(k string) bool { return strings.Contains(k, r) }) {
			kept = append(kept, r)
		}
	}
	return kept
}

// runs returns, greedily from the left, the longest runs of the words of
// t that meet bytes lo…hi which other contains, which neither begin nor
// end with a function character, and which have a letter and a word of
// two characters or more (not 个月内, the end of 3个月内, cut 3/个/月/内). A
// word no run starts at is tried by the dictionary's words inside it.
func (t *Text) runs(lo, hi int, other string) []string {
	b := t.bounds
	i0, _ := slices.BinarySearch(b, lo+1) // b[i0-1] ≤ lo < b[i0]
	i0--
	j0, _ := slices.BinarySearch(b, hi) // b[j0] ≥ hi
	j0 = min(j0, len(b)-1)
	var out []string
	for i := i0; i < j0; {
		best := -1
		for j := j0; j > i; j-- {
			run := t.s[b[i]:b[j]]
			if ok(t.s[b[i]:b[i+1]]) && ok(t.s[b[j-1]:b[j]]) && hasWord(t.s, b[i:j+1]) &&
				strings.ContainsFunc(run, unicode.IsLetter) && strings.Contains(other, run) {
				best = j
				break
			}
		}
		if best < 0 {
			out = append(out, t.inner(b[i], b[i+1], lo, hi, other)...)
			i++
			continue
		}
		out = append(out, t.s[b[i]:b[best]])
		i = best
	}
	if len(out) == 0 && j0-i0 > 1 {
		// Nothing of the words, one by one: the dictionary may have cut
		// across a word (寻求比容/量大于 for 比容量), so try its words
		// inside all of them together (容量).
		out = t.inner(b[i0], b[j0], lo, hi, other)
	}
	return out
}

// inner returns the dictionary's words inside bytes wlo…whi of t (a word,
// or a run of words), of three characters or more, that meet bytes lo…hi
// and that other contains: the longest first, not overlapping (热值 of
// 低热值 against 热值低, 树脂 of 环氧树脂). Words the dictionary counts fewer
// than minSubFreq times are left out: it has fragments such as 化硅.
func (t *Text) inner(wlo, whi, lo, hi int, other string) []string {
	subs, ok := t.subs[[2]int{wlo, whi}]
	if !ok {
		w := t.s[wlo:whi]
		if utf8.RuneCountInString(w) >= 3 {
			seg := t.a.segmenter()
			for _, sub := range seg.CutSearch(w, true) {
				if f, _, ok := seg.Find(sub); !ok || f < minSubFreq {
					continue
				}
				for from := 0; len(sub) < len(w) && utf8.RuneCountInString(sub) >= 2; {
					i := strings.Index(w[from:], sub)
					if i < 0 {
						break
					}
					subs = append(subs, [2]int{wlo + from + i, wlo + from + i + len(sub)})
					from += i + len(sub)
				}
			}
			slices.SortStableFunc(subs, func(a, b [2]int) int { return (b[1] - b[0]) - (a[1] - a[0]) })
		}
		if t.subs == nil {
			t.subs = map[[2]int][][2]int{}
		}
		t.subs[[2]int{wlo, whi}] = subs
	}
	var taken [][2]int
	for _, sw := range subs {
		if sw[1] <= lo || sw[0] >= hi || !strings.Contains(other, t.s[sw[0]:sw[1]]) ||
			slices.ContainsFunc(taken, func(x [2]int) bool { return x[0] < sw[1] && sw[0] < x[1] }) {
			continue
		}
		taken = append(taken, sw)
	}
	slices.SortFunc(taken, func(a, b [2]int) int { return a[0] - b[0] })
	out := make([]string, len(taken))
	for i, x := range taken {
		out[i] = t.s[x[0]:x[1]]
	}
	return out
}

// minSubFreq is the least frequency in the dictionary of a word inside
// another that inner offers: 环氧 has 19, 热值 47, the fragment 化硅 3.
const minSubFreq = 10

// hasWord reports whether the words between bounds b include one of two
// runes or more.
func hasWord(s string, b []int) bool {
	for i := 0; i+1 < len(b); i++ {
		if utf8.RuneCountInString(s[b[i]:b[i+1]]) >= 2 {
			return true
		}
	}
	return false
}

// ok reports whether word w may begin or end a run: not a function
// character, a space or punctuation.
func ok(w string) bool {
	r, n := utf8.DecodeRuneInString(w)
	if n == len(w) && IsFunctionChar(r) {
		return false
	}
	return strings.ContainsFunc(w, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) })
}

// IsFunctionChar reports whether r is a function character, which rarely
// begins or ends a term: 的, 和, 在, 等 and the like.
func IsFunctionChar(r rune) bool {
	switch r {
	case '的', '了', '在', '和', '与', '及', '或', '对', '于', '是', '为', '以', '而', '由', '从', '把', '被', '将', '其', '之', '中', '上', '下', '等':
		return true
	}
	return false
}
