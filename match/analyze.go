package match

import (
	"slices"
	"unicode"

	"github.com/innobridge/innobridge/zh"
)

// Terms are 64-bit keys. Han text gives character bigrams packed rune by
// rune (21 bits each), r1<<21|r2, and a lone character as itself. Latin
// and digit words are FNV-1a hashes with the top bit set. (Trigrams were
// tried: on the dev set they lowered every task, and they double the
// postings.)
const wordBit = uint64(1) << 63

func gram2(a, b rune) uint64 { return uint64(a)<<21 | uint64(b) }

func isBigram(k uint64) bool { return k >= 1<<21 && k < 1<<42 }

func wordKey(b []byte) uint64 {
	h := uint64(14695981039346656037)
	for _, c := range b {
		h ^= uint64(c)
		h *= 1099511628211
	}
	return h | wordBit
}

// scanner turns text into term keys. It is not safe for concurrent use; each
// goroutine keeps its own.
type scanner struct {
	word []byte
	// cont is set while emit is called for a bigram that overlaps the
	// bigram emitted just before it (the next one in the same Han run).
	cont bool
}

// scan calls emit for every n-gram (bigrams of Han runs, a lone Han
// character as itself) and every Latin/digit word of at least two
// characters in s, after folding (zh.FoldRune).
func (sc *scanner) scan(s string, emit func(uint64)) {
	var p1 rune // previous Han rune in the current run, 0 if none
	run := 0
	flushRun := func() {
		if run == 1 {
			emit(uint64(p1))
		}
		run, p1 = 0, 0
	}
	flushWord := func() {
		if len(sc.word) >= 2 {
			emit(wordKey(sc.word))
		}
		sc.word = sc.word[:0]
	}
	for _, r := range s {
		r = zh.FoldRune(r)
		if zh.IsHan(r) {
			flushWord()
			if run >= 1 {
				sc.cont = run >= 2
				emit(gram2(p1, r))
				sc.cont = false
			}
			p1 = r
			run++
			continue
		}
		flushRun()
		if r < 0x80 && (r >= 'a' && r <= 'z' || r >= '0' && r <= '9') || r >= 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			sc.word = append(sc.word, string(r)...)
			continue
		}
		flushWord()
	}
	flushRun()
	flushWord()
}

// termCount is one distinct term of a document with its frequency in the
// head (title and keywords) and the body (description).
type termCount struct {
	key        uint64
	head, body uint16
}

// docTerms analyses one listing into its distinct terms, sorted by key.
func (sc *scanner) docTerms(it *item, keys []uint64, out []termCount) ([]uint64, []termCount, int, int) {
	keys = keys[:0]
	emit := func(k uint64) { keys = append(keys, k) }
	sc.scan(it.title, emit)
	for _, kw := range it.keywords {
		sc.scan(kw, emit)
	}
	nHead := len(keys)
	sc.scan(it.desc, emit)
	nBody := len(keys) - nHead
	// Mark body keys so that one sort groups both fields.
	out = out[:0]
	head, body := keys[:nHead], keys[nHead:]
	slices.Sort(head)
	slices.Sort(body)
	i, j := 0, 0
	for i < len(head) || j < len(body) {
		var k uint64
		switch {
		case j >= len(body) || (i < len(head) && head[i] < body[j]):
			k = head[i]
		default:
			k = body[j]
		}
		tc := termCount{key: k}
		for i < len(head) && head[i] == k {
			tc.head++
			i++
		}
		for j < len(body) && body[j] == k {
			tc.body++
			j++
		}
		out = append(out, tc)
	}
	return keys, out, nHead, nBody
}
