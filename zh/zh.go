// Package zh analyses Chinese text for search and matching: width and case
// folding, dictionary segmentation with gse's embedded dictionary (no files
// read at run time), and character bigrams so that a query finds 煤气 inside
// 提高煤气利用率 whatever the segmenter decides. Indexing needs no
// dictionary; only queries are segmented.
//
// The dictionary takes about 1.5 s and 130 MB to load, so the process
// shares one Analyzer: use Default, and Preload at start.
package zh

import (
	"strings"
	"sync"
	"unicode"

	"github.com/go-ego/gse"
)

// Analyzer segments and normalises text. It is safe for concurrent use.
// Only segmenting (Words, QueryTerms) needs the dictionary, which is
// loaded on first use or by Preload; indexing never waits for it.
type Analyzer struct {
	once sync.Once
	seg  gse.Segmenter
	err  error
}

var defaultA = &Analyzer{}

// Default returns the process's shared Analyzer. It returns at once: the
// dictionary loads when a query is first segmented, or in the background
// after Preload. The error is kept for callers that check it; it is nil.
func Default() (*Analyzer, error) { return defaultA, nil }

// Preload starts loading the dictionary in the background, so that the
// first query does not wait for it (about 1.5 s and 130 MB).
func (a *Analyzer) Preload() { go a.segmenter() }

// segmenter returns the loaded segmenter, loading it on first use; other
// callers wait meanwhile. The dictionary is embedded in the binary, so a
// failure to load it is a broken build.
func (a *Analyzer) segmenter() *gse.Segmenter {
	a.once.Do(func() {
		a.seg.SkipLog = true
		a.err = a.seg.LoadDictEmbed("zh_s")
	})
	if a.err != nil {
		panic("zh: loading the embedded dictionary: " + a.err.Error())
	}
	return &a.seg
}

// MustDefault is Default without the error.
func MustDefault() *Analyzer { return defaultA }

// Normalize folds full-width forms to half-width, upper case to lower and
// common traditional characters to simplified ones (see FoldRune).
func Normalize(s string) string {
	return Fold(s)
}

// Words segments s into normalised words, dropping punctuation and spaces.
// search selects gse's search mode, which also emits the sub-words of long
// words.
func (a *Analyzer) Words(s string, search bool) []string {
	s = Normalize(s)
	var raw []string
	if search {
		raw = a.segmenter().CutSearch(s, true)
	} else {
		raw = a.segmenter().Cut(s, true)
	}
	out := raw[:0]
	for _, w := range raw {
		w = strings.TrimSpace(w)
		if w == "" || !strings.ContainsFunc(w, isWordRune) {
			continue
		}
		out = append(out, w)
	}
	return out
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

func isHan(r rune) bool { return IsHan(r) }

// Bigrams returns the overlapping character pairs of each run of Han
// characters in s; a lone Han character is returned as itself.
func Bigrams(s string) []string {
	var out []string
	var run []rune
	flush := func() {
		switch {
		case len(run) == 1:
			out = append(out, string(run))
		case len(run) > 1:
			for i := 0; i+1 < len(run); i++ {
				out = append(out, string(run[i:i+2]))
			}
		}
		run = run[:0]
	}
	for _, r := range s {
		if isHan(r) {
			run = append(run, r)
		} else {
			flush()
		}
	}
	flush()
	return out
}

// IndexTerms returns the distinct terms to index for text: every Han
// character and every pair of adjacent Han characters, and every run of
// other letters and digits (folded). It needs no dictionary, so indexing
// is fast; QueryTerms turns a query into terms of the same kinds.
func (a *Analyzer) IndexTerms(text string) []string {
	seen := map[string]bool{}
	var out []string
	add := func(t string) {
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	text = Normalize(text)
	for _, r := range text {
		if isHan(r) {
			add(string(r))
		}
	}
	for _, b := range Bigrams(text) {
		add(b)
	}
	for _, w := range otherWords(text) {
		add(w)
	}
	return out
}

// otherWords returns the runs of letters and digits in s that are not Han.
func otherWords(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return !isWordRune(r) || isHan(r) })
}

// QueryTerms returns the distinct terms a query must match against
// IndexTerms: the query is segmented into words and each Han word becomes
// its bigrams (a one-character word itself), so any substring of a
// listing is found while a pair straddling two query words is not
// required; other letters and digits stay whole words.
func (a *Analyzer) QueryTerms(q string) []string {
	seen := map[string]bool{}
	var out []string
	add := func(t string) {
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	for _, w := range a.Words(q, false) {
		if strings.ContainsFunc(w, isHan) {
			for _, t := range Bigrams(w) {
				add(t)
			}
		}
	}
	for _, w := range otherWords(Normalize(q)) {
		add(w)
	}
	return out
}

// SearchText joins IndexTerms with spaces: the form stored in the search
// columns of the SQL stores.
func (a *Analyzer) SearchText(parts ...string) string {
	return strings.Join(a.IndexTerms(strings.Join(parts, "\n")), " ")
}
