package match

import (
	"cmp"
	"context"
	"math"
	"math/bits"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/innobridge/innobridge"
	"github.com/innobridge/innobridge/zh"
)

// Result is one ranked listing.
type Result struct {
	ID    string  `json:"id"` // external id
	Score float64 `json:"score"`
	Why   Why     `json:"why"`
}

// Why explains a result. The results of one search may share the slices
// of their explanations: treat them as read-only.
type Why struct {
	// Matched lists the query's phrases and terms found in the listing, the
	// most specific first.
	Matched []string `json:"matched,omitempty"`
	// Related lists terms the listing shares with the best match (Anchor):
	// evidence of the same subject beyond the query's own words.
	Related []string `json:"related,omitempty"`
	Anchor  string   `json:"anchor,omitempty"`
	// Fit lists the structured criteria both sides state.
	Fit []Fit `json:"fit,omitempty"`
	// Parts are the score's components; they sum to the score.
	Parts Parts `json:"parts"`
	// Share is the part of the query's term weight (idf) the listing
	// contains, from 0 to 1, counting the query's terms no listing has:
	// how much of the query it answers, where the parts only compare it
	// with the best match. A listing that shares one word with a query
	// naming things no listing has scores well in the parts (it may be
	// the best there is) and low here.
	Share float64 `json:"share"`
}

// Fit is one structured criterion.
type Fit struct {
	Criterion string `json:"criterion"` // field, trl, mode, price, region
	OK        bool   `json:"ok"`
	Detail    string `json:"detail"`              // in Chinese
	DetailEn  string `json:"detail_en,omitempty"` // the same in English
}

// Parts are the components of a score.
type Parts struct {
	Lexical    float64 `json:"lexical"`         // n-gram BM25F, relative to the best match
	Phrase     float64 `json:"phrase"`          // whole phrases and domain terms, relative
	Related    float64 `json:"related"`         // similarity to the best match
	Concept    float64 `json:"concept"`         // closeness to the best matches in the concept space
	Cover      float64 `json:"cover,omitempty"` // the problem's concepts the listing states (Params.Cover)
	Structured float64 `json:"structured"`      // field, TRL, mode, price, region
}

// Search returns up to k achievements for demand d, best first.
func (ix *Index) Search(ctx context.Context, d *innobridge.Demand, k int) ([]Result, error) {
	q := demandItem(d)
	return ix.search(ctx, ix.ach, &q, true, k, nil)
}

// SearchWithin is Search over the achievements with the external ids
// within only (the projects of a roadshow, say). They are scored as in a
// search of the whole index, whose best match still lends its terms, so
// their scores and explanations are the same as there; one that shares
// nothing with d is not returned.
func (ix *Index) SearchWithin(ctx context.Context, d *innobridge.Demand, k int, within []string) ([]Result, error) {
	if len(within) == 0 {
		return nil, nil
	}
	q := demandItem(d)
	return ix.search(ctx, ix.ach, &q, true, k, within)
}

// DemandsFor returns up to k demands an achievement a may serve, best first.
func (ix *Index) DemandsFor(ctx context.Context, a *innobridge.Achievement, k int) ([]Result, error) {
	q := achievementItem(a)
	return ix.search(ctx, ix.dem, &q, false, k, nil)
}

type qterm struct {
	t    uint32
	key  uint64
	w    float32 // query weight × idf × kind weight
	idf  float32
	bit  int8   // -1 without a mask bit
	pred uint64 // the overlapping bigram before it at its first occurrence, 0 if none
}

type phrase struct {
	text  string
	w     float32 // kind weight: Phrase for keywords, SegPhrase otherwise
	mask  uint64
	idf   float32
	df    int
	runes int
}

// accumulator holds per-document scratch space for one search: one entry
// per listing, its fields side by side so that a posting touches one
// cache line.
type accumulator struct {
	gen     uint32
	e       []accEntry
	touched []uint32
	// Beside e, reset by touch only in searches that use them: query
	// terms present in the head (for phrases), and the discount of
	// dependent bigrams (Params.Dependent, ≤ 0).
	cands        []docScore // the final scores of the touched listings
	phr          []uint32   // the listings with a phrase
	hm           []uint64
	sd           []float32
	useHM, useSD bool
	// Scratch space of the second pass, kept between searches.
	occs     []occ
	exps     []expTerm
	expIDs   []uint32
	expOrder []docScore
	porder   []int
	ebit     map[uint64]int
	common   []uint64 // the best match's bigrams too common to lend (see related)
}

// occ is one occurrence of a term in a text: its key, the overlapping
// bigram before it, its place, and whether it is in the head.
type occ struct {
	key, pred uint64
	pos       int32
	head      bool
}

// accEntry is what every search keeps of a listing it reaches: 32 bytes,
// two to a cache line. What only some searches need is kept beside it.
type accEntry struct {
	stamp uint32  // the search (gen) that last wrote this entry
	s1    float32 // lexical
	sp    float32 // phrase
	s2    float32 // related
	mask  uint64  // query terms present
	emask uint64  // expansion terms present
}

var accPool sync.Pool

func getAcc(n int) *accumulator {
	a, _ := accPool.Get().(*accumulator)
	if a == nil {
		a = &accumulator{}
	}
	if len(a.e) < n {
		n = max(n, len(a.e)*5/4)
		a.e = make([]accEntry, n)
		a.gen = 0
	}
	a.gen++
	if a.gen == 0 {
		for i := range a.e {
			a.e[i].stamp = 0
		}
		a.gen = 1
	}
	a.touched = a.touched[:0]
	a.useHM, a.useSD = false, false
	return a
}

// use turns on the arrays beside e that this search needs.
func (a *accumulator) use(hm, sd bool) {
	a.useHM, a.useSD = hm, sd
	if hm && len(a.hm) < len(a.e) {
		a.hm = make([]uint64, len(a.e))
	}
	if sd && len(a.sd) < len(a.e) {
		a.sd = make([]float32, len(a.e))
	}
}

func (a *accumulator) touch(d uint32) {
	if a.e[d].stamp != a.gen {
		a.e[d] = accEntry{stamp: a.gen}
		if a.useHM {
			a.hm[d] = 0
		}
		if a.useSD {
			a.sd[d] = 0
		}
		a.touched = append(a.touched, d)
	}
}

func idf(n, df int) float32 {
	return float32(math.Log(1 + (float64(n)-float64(df)+0.5)/(float64(df)+0.5)))
}

func (ix *Index) kindWeight(k uint64) float64 {
	switch {
	case isBigram(k):
		return ix.p.Bigram
	}
	return ix.p.Word
}

// termWeight is the weight of a query term of this idf, key and count in
// the query.
func (ix *Index) termWeight(idf float32, key uint64, count int) float32 {
	return idf * float32(ix.kindWeight(key)*(1+math.Log(float64(count))))
}

// queryTerms turns text into weighted query terms, those of the index's
// vocabulary; absent is the weight the others would have (no listing has
// them).
func (ix *Index) queryTerms(s *side, q *item) (_ []qterm, absent float32) {
	sc := &scanner{}
	// The distinct terms in order of first occurrence, with counts; found
	// by a linear scan while few (a query is short), by a map beyond.
	type qk struct {
		key, pred uint64
		n         int
	}
	ks := make([]qk, 0, 32)
	var at map[uint64]int
	var last uint64
	inDesc := false
	emit := func(k uint64) {
		i := -1
		if at != nil {
			if j, ok := at[k]; ok {
				i = j
			}
		} else {
			for j := range ks {
				if ks[j].key == k {
					i = j
					break
				}
			}
		}
		switch {
		case i >= 0:
			ks[i].n++
		default:
			e := qk{key: k, n: 1}
			// Only the title's and keywords' bigrams are discounted
			// (Dependent): they name the subject's concepts one after
			// another, while a description is prose, weighted by how
			// often it repeats a term.
			if sc.cont && last != k && !inDesc {
				e.pred = last
			}
			ks = append(ks, e)
			if at != nil {
				at[k] = len(ks) - 1
			} else if len(ks) > 48 {
				at = make(map[uint64]int, 4*len(ks))
				for j := range ks {
					at[ks[j].key] = j
				}
			}
		}
		last = k
	}
	sc.scan(q.title, emit)
	for _, kw := range q.keywords {
		sc.scan(kw, emit)
	}
	inDesc = true
	sc.scan(q.desc, emit)
	n := max(s.nAlive, 1)
	// The lookups first, each independent of the others, so that their
	// cache misses overlap; then the document frequencies; then weights.
	out := make([]qterm, 0, len(ks))
	count := make([]int, 0, len(ks))
	for _, e := range ks {
		if t, ok := s.terms[e.key]; ok {
			out = append(out, qterm{t: t, key: e.key, bit: -1, pred: e.pred})
			count = append(count, e.n)
		} else {
			absent += ix.termWeight(idf(n, 0), e.key, e.n)
		}
	}
	df := make([]int, len(out))
	for i := range out {
		df[i] = s.df(out[i].t)
	}
	for i := range out {
		qt := &out[i]
		qt.idf = idf(n, df[i])
		qt.w = ix.termWeight(qt.idf, qt.key, count[i])
	}
	return out, absent
}

// phrases returns the query's candidate phrases: its keywords (weighted
// Phrase), runs of one to three segmented words and known domain terms
// occurring in its text (weighted SegPhrase).
func (ix *Index) phrases(q *item) []phrase {
	seen := map[string]bool{}
	var out []phrase
	w := float32(ix.p.Phrase)
	add := func(p string) {
		n := utf8.RuneCountInString(p)
		if n < 2 || n > 16 || seen[p] {
			return
		}
		seen[p] = true
		out = append(out, phrase{text: p, w: w, runes: n})
	}
	for _, kw := range q.keywords {
		add(zh.Fold(strings.TrimSpace(kw)))
	}
	w = float32(ix.p.SegPhrase)
	if w == 0 { // they would only explain, and spans explain better
		return out
	}
	texts := []string{zh.Fold(q.title), zh.Fold(q.desc)}
	if ix.seg != nil {
		for _, t := range texts {
			if t == "" {
				continue
			}
			words := ix.seg.Words(t, false)
			for i := range words {
				if !strings.ContainsFunc(words[i], zh.IsHan) {
					continue
				}
				p := words[i]
				if utf8.RuneCountInString(p) >= 3 {
					add(p)
				}
				for j := i + 1; j < len(words) && j < i+3; j++ {
					if !strings.ContainsFunc(words[j], zh.IsHan) {
						break
					}
					p += words[j]
					add(p)
				}
			}
		}
	}
	if len(ix.vocab) > 0 {
		for _, t := range texts {
			rs := []rune(t)
			for i := range rs {
				for l := 2; l <= ix.maxVoc && i+l <= len(rs); l++ {
					if w := string(rs[i : i+l]); ix.vocab[w] > 0 {
						add(w)
					}
				}
			}
		}
	}
	return out
}

// search ranks the listings of s for q; within, if not nil, names the only
// listings that may be returned.
func (ix *Index) search(ctx context.Context, s *side, q *item, qIsDemand bool, k int, within []string) ([]Result, error) {
	if k <= 0 {
		return nil, nil
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if s.nAlive == 0 {
		return nil, nil
	}
	p := ix.p
	if len(q.keywords) > 0 {
		p.Related = p.RelatedKW
	}
	N := s.nAlive
	qts, absent := ix.queryTerms(s, q)
	// Phrases and their constituent grams, which get mask bits first.
	bitOf := map[uint64]int8{}
	var bitKey [64]uint64
	nbits := 0
	tidOf := map[uint64]int{}
	for i, qt := range qts {
		tidOf[qt.key] = i
	}
	var phs []phrase
	sc := &scanner{}
	for _, ph := range ix.phrases(q) {
		var keys []uint64
		sc.scan(ph.text, func(k uint64) { keys = append(keys, k) })
		var m uint64
		ok := len(keys) > 0
		for _, key := range keys {
			if _, in := tidOf[key]; !in {
				ok = false
				break
			}
			b, has := bitOf[key]
			if !has {
				if nbits == 64 {
					ok = false
					break
				}
				b = int8(nbits)
				bitOf[key] = b
				bitKey[nbits] = key
				nbits++
			}
			m |= 1 << b
		}
		if ok {
			ph.mask = m
			phs = append(phs, ph)
		}
	}
	// Remaining bits go to the rarest other terms (for explanations).
	rest := make([]int, 0, len(qts))
	for i := range qts {
		if _, has := bitOf[qts[i].key]; !has {
			rest = append(rest, i)
		}
	}
	sort.Slice(rest, func(a, b int) bool { return qts[rest[a]].idf > qts[rest[b]].idf })
	for _, i := range rest {
		if nbits == 64 {
			break
		}
		bitOf[qts[i].key] = int8(nbits)
		bitKey[nbits] = qts[i].key
		nbits++
	}
	for i := range qts {
		if b, has := bitOf[qts[i].key]; has {
			qts[i].bit = b
		}
	}

	acc := getAcc(len(s.docs))
	defer accPool.Put(acc)
	k1 := float32(p.K1)
	maxDF := min(int(p.MaxDF*float64(N)), p.MaxPostings)
	common := 0
	for _, qt := range qts {
		if s.df(qt.t) > maxDF {
			common++
		}
	}
	// Terms in more than MaxDF of the listings are skipped (unless the
	// query has nothing else, or a weighted phrase needs them): they cost
	// the most and tell the least.
	var phraseBits uint64
	for _, ph := range phs {
		if ph.w > 0 {
			phraseBits |= ph.mask
		}
	}
	// A common term kept only for phrases each of which also has a rarer
	// term can only complete a phrase in a listing that rarer term touched:
	// it adds to listings already touched and touches no new ones. Those
	// terms go last.
	var rareBits uint64
	for _, qt := range qts {
		if qt.bit >= 0 && s.df(qt.t) <= maxDF {
			rareBits |= 1 << qt.bit
		}
	}
	onlyTouched := func(qt qterm) bool {
		if qt.bit < 0 || s.df(qt.t) <= maxDF {
			return false
		}
		for _, ph := range phs {
			if ph.w > 0 && ph.mask&(1<<qt.bit) != 0 && ph.mask&rareBits == 0 {
				return false
			}
		}
		return true
	}
	order := make([]int, 0, len(qts))
	var late []int
	var unread []uint64
	// Why.Share: the weight of each read term with a bit, over theirs and
	// the absent terms' (too common terms, unread, count in neither).
	var bitW [64]float32
	shareTotal := absent
	for i, qt := range qts {
		switch {
		case common < len(qts) && s.df(qt.t) > maxDF && (qt.bit < 0 || phraseBits&(1<<qt.bit) == 0):
			unread = append(unread, qt.key) // skipped
			continue
		case common < len(qts) && onlyTouched(qt):
			late = append(late, i)
		default:
			order = append(order, i)
		}
		if qt.bit >= 0 {
			bitW[qt.bit] = qt.w
			shareTotal += qt.w
		}
	}
	nFull := len(order)
	order = append(order, late...)
	dep := float32(p.Dependent)
	useSD := false
	for _, qt := range qts {
		if _, ok := bitOf[qt.pred]; ok && qt.pred != 0 && dep != 1 {
			useSD = true
		}
	}
	acc.use(phraseBits != 0, useSD)
	// Phrases of weight 0 only explain results; the others are counted
	// as the postings complete them (phraseOf: the phrases each bit is
	// part of), and the listings that have one are kept aside.
	var scored []*phrase
	var phraseOf [64][]*phrase
	for i := range phs {
		if phs[i].w > 0 {
			scored = append(scored, &phs[i])
			for b := range 64 {
				if phs[i].mask&(1<<b) != 0 {
					phraseOf[b] = append(phraseOf[b], &phs[i])
				}
			}
		}
	}
	withPhrase := acc.phr[:0]
	for oi, qi := range order {
		qt := qts[qi]
		restrict := oi >= nFull
		var bit uint64
		if qt.bit >= 0 {
			bit = 1 << qt.bit
		}
		// A bigram whose predecessor the listing has counts for less.
		var predBit uint64
		if b, ok := bitOf[qt.pred]; ok && qt.pred != 0 && dep != 1 {
			predBit = 1 << b
		}
		it := s.lists[qt.t].iter()
		for it.next() {
			d := it.doc
			nd := s.norm[d]
			if nd.dead() {
				continue
			}
			if restrict {
				if acc.e[d].stamp != acc.gen {
					continue
				}
			} else {
				acc.touch(d)
			}
			th, tb := float32(it.tf>>5), float32(it.tf&31)
			x := th*nd.h + tb*nd.b
			c := qt.w * x / (k1 + x)
			acc.e[d].s1 += c
			if acc.e[d].mask&predBit != 0 {
				acc.sd[d] += (dep - 1) * c
			}
			if om := acc.e[d].mask; om&bit == 0 && bit&phraseBits != 0 {
				nm := om | bit
				for _, ph := range phraseOf[qt.bit] {
					if nm&ph.mask == ph.mask {
						ph.df++
						if acc.e[d].sp == 0 { // kept aside once; scored below
							acc.e[d].sp = -1
							withPhrase = append(withPhrase, d)
						}
					}
				}
			}
			acc.e[d].mask |= bit
			if th > 0 && acc.useHM {
				acc.hm[d] |= bit
			}
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
	}
	// Phrase scores, for the listings that have a phrase.
	if len(scored) > 0 {
		acc.phr = withPhrase
		for _, ph := range scored {
			ph.idf = idf(N, ph.df) * ph.w
		}
		for _, d := range withPhrase {
			m, hm := acc.e[d].mask, acc.hm[d]
			var sp float32
			for _, ph := range scored {
				if m&ph.mask == ph.mask {
					x := s.norm[d].b
					if hm&ph.mask == ph.mask {
						x += s.norm[d].h
					}
					sp += ph.idf * x / (k1 + x)
				}
			}
			acc.e[d].sp = sp
		}
	}
	// A problem stated alone: its first-stage best are reranked by the
	// concepts (segmented words) of the statement they contain (Cover).
	var coverOf map[uint32]float32
	if p.Cover > 0 && p.Cover < 1 && isProblem(q) && ix.seg != nil {
		coverOf = ix.cover(s, acc, ix.seg.Words(q.desc, false), &p, tidOf, qts)
	}
	// Best first-stage match.
	// A query that states keywords is scored with dependent bigrams
	// discounted throughout; otherwise the discount only picks the best
	// match (the one covering most of the query's distinct parts), and the
	// others keep the full credit of the words they share with it.
	discountAll := len(q.keywords) > 0 && useSD
	best, bestScore, bestDep, second := uint32(0), float32(-1), float32(-1), float32(-1)
	for _, d := range acc.touched {
		if discountAll {
			acc.e[d].s1 += acc.sd[d]
			acc.sd[d] = 0
		}
		v := acc.e[d].s1 + acc.e[d].sp
		bestScore = max(bestScore, v)
		if useSD {
			v += acc.sd[d]
		}
		if v > bestDep {
			best, bestDep, second = d, v, bestDep
		} else if v > second {
			second = v
		}
	}
	// The best match lends more the clearer its lead: a query that names
	// one listing (a title) finds it well ahead, and its terms can be
	// trusted; a vaguer one finds several close together. A problem
	// statement names no listing: its best match lends RelatedDesc.
	if isProblem(q) {
		p.Related = p.RelatedDesc
	} else if len(q.keywords) == 0 && p.RelatedSure > p.Related && bestDep > 0 {
		lead := float64((bestDep - max(second, 0)) / bestDep)
		p.Related += (p.RelatedSure - p.Related) * min(1, lead/p.SureLead)
	}
	if bestScore <= 0 {
		return nil, nil
	}
	// Second pass: the best match's own specific terms.
	var anchorKeys [64]uint64
	nExp := 0
	var max2 float32
	if p.Expand > 0 && p.Related > 0 {
		exp := ix.expansion(s, acc, best, p.Expand, maxDF)
		// An expansion bigram counts Joined times when the listing also
		// has the one before it in the best match's text: the two are
		// one stretch of its most specific words (a term of its own, say
		// "溶胶凝胶"), which a listing sharing it shares whole. Terms are
		// taken in text order so that the one before comes first.
		joined := float32(p.Joined)
		if acc.ebit == nil {
			acc.ebit = make(map[uint64]int, 64)
		}
		ebit := acc.ebit
		clear(ebit)
		for i, e := range exp {
			if i < 64 {
				ebit[e.key] = i
			}
		}
		porder := acc.porder[:0]
		for i := range exp {
			porder = append(porder, i)
		}
		acc.porder = porder
		slices.SortFunc(porder, func(a, b int) int { return exp[a].pos - exp[b].pos })
		for _, i := range porder {
			e := exp[i]
			var bit uint64
			if i < 64 {
				bit = 1 << i
				anchorKeys[i] = e.key
				nExp = max(nExp, i+1)
			}
			var pb uint64
			if b, ok := ebit[e.pred]; ok && e.pred != 0 && joined != 1 {
				pb = 1 << b
			}
			it := s.lists[e.t].iter()
			for it.next() {
				d := it.doc
				nd := s.norm[d]
				if nd.dead() {
					continue
				}
				acc.touch(d)
				th, tb := float32(it.tf>>5), float32(it.tf&31)
				x := th*nd.h + tb*nd.b
				if acc.e[d].emask&pb != 0 {
					acc.e[d].s2 += joined * e.w * x / (k1 + x)
				} else {
					acc.e[d].s2 += e.w * x / (k1 + x)
				}
				acc.e[d].emask |= bit
			}
		}
		max2 = acc.e[best].s2
		// No listing is more like the best match than the best match
		// itself: one that shares its terms more often is capped there.
		for _, d := range acc.touched {
			acc.e[d].s2 = min(acc.e[d].s2, max2)
		}
	}
	// Final scores and top k.
	inv1 := 1 / bestScore
	var inv2 float32
	if max2 > 0 {
		inv2 = float32(p.Related) / max2
	}
	var cv []float32
	var conceptOf map[uint32]float32 // the concept part of the reranked
	if p.Concept > 0 && len(q.keywords) == 0 {
		cv = s.cpt.at(best)
	}
	final := func(d uint32) float32 { return (acc.e[d].s1+acc.e[d].sp)*inv1 + acc.e[d].s2*inv2 }
	var allowed map[uint32]bool
	if within != nil {
		allowed = make(map[uint32]bool, len(within))
		for _, ext := range within {
			if d, ok := s.byExt[ext]; ok {
				allowed[d] = true
			}
		}
	}
	c := acc.cands[:0]
	for _, d := range acc.touched {
		if allowed == nil || allowed[d] {
			c = append(c, docScore{d, final(d)})
		}
	}
	acc.cands = c
	if len(c) == 0 {
		return nil, nil
	}
	var ids []uint32
	if cv == nil {
		ids = bestOf(c, k)
	} else {
		// Second stage: the ConceptDepth best by the lexical score, plus
		// their closeness in the concept space to the best matches.
		top := bestOf(c, max(k, p.ConceptDepth))
		wc := float32(p.Concept)
		conceptOf = make(map[uint32]float32, len(top))
		// The query's concept: the centroid of the best few first-stage
		// matches, weighted by score (their shared subject, less the
		// idiosyncrasies of any one of them).
		cen := make([]float32, conceptDim)
		for _, d := range top[:min(conceptCentroid, len(top))] {
			if v := s.cpt.at(d); v != nil {
				f := final(d)
				for i := range cen {
					cen[i] += f * v[i]
				}
			}
		}
		if normalize(cen) {
			cv = cen
		}
		reranked := make([]docScore, 0, len(top))
		for _, d := range top {
			f := final(d)
			if v := s.cpt.at(d); v != nil {
				c := dot(cv, v)
				if d == best { // the concept reorders the others, not the best match
					c = 1
				}
				conceptOf[d] = wc * c
				f += wc * c
			}
			reranked = append(reranked, docScore{d, f})
		}
		ids = bestOf(reranked, k)
	}
	res := make([]Result, len(ids))
	// The results' listings are far apart in memory: reading them all
	// first, in a loop of independent loads, waits for them together
	// rather than one after another between explanations.
	for i, d := range ids {
		res[i].ID = s.docs[d].ext
	}
	qText := newSpanText(itemRunes(q), bitMap(bitKey[:nbits], unread)) // unread: too common, see spans
	var aText *spanText
	// The matched terms depend only on which query terms a result
	// contains, which many results share: each set is worked out once.
	matchedBy := make(map[uint64][]string, len(ids))
	var phsByLength []phrase
	for i, d := range ids {
		it := &s.docs[d]
		var dem, ach *item
		if qIsDemand {
			dem, ach = q, it
		} else {
			dem, ach = it, q
		}
		fits, fscore := structuredFit(dem, ach)
		r := &res[i]
		w := &r.Why
		w.Fit = fits
		var cover float32
		var concept float64
		if coverOf != nil { // (most queries have neither map)
			cover = coverOf[d]
		}
		if conceptOf != nil {
			concept = float64(conceptOf[d])
		}
		w.Parts = Parts{
			Lexical:    float64((acc.e[d].s1 - cover) * inv1),
			Phrase:     float64(acc.e[d].sp * inv1),
			Related:    float64(acc.e[d].s2 * inv2),
			Concept:    concept,
			Cover:      float64(cover * inv1),
			Structured: p.Structured * fscore,
		}
		m := acc.e[d].mask
		if shareTotal > 0 {
			var sum float32
			for b := m; b != 0; b &= b - 1 {
				sum += bitW[bits.TrailingZeros64(b)]
			}
			w.Share = round4(float64(sum / shareTotal))
		}
		matched, ok := matchedBy[m]
		if !ok {
			if phsByLength == nil {
				phsByLength = byLength(phs)
			}
			matched = ix.matched(qText, m, phsByLength)
			matchedBy[m] = matched
		}
		w.Matched = matched
		if d != best && nExp > 0 {
			w.Anchor = s.docs[best].ext
			if aText == nil {
				aText = newSpanText(itemRunes(&s.docs[best]), bitMap(anchorKeys[:nExp], acc.common)) // not lent: see spans
			}
			w.Related = ix.related(aText, acc.e[d].emask, matched)
		}
		score := w.Parts.Lexical + w.Parts.Phrase + w.Parts.Related + w.Parts.Concept + w.Parts.Cover + w.Parts.Structured
		r.Score = round4(score)
		// The parts as shown: four decimals, as the score (0.9999999403953552
		// is 1 computed in float32).
		for _, x := range []*float64{&w.Parts.Lexical, &w.Parts.Phrase, &w.Parts.Related, &w.Parts.Concept, &w.Parts.Cover, &w.Parts.Structured} {
			*x = round4(*x)
		}
	}
	// Structured fit may reorder within the top k.
	sort.SliceStable(res, func(i, j int) bool { return res[i].Score > res[j].Score })
	return res, nil
}

func round4(x float64) float64 { return math.Round(x*1e4) / 1e4 }

type expTerm struct {
	t    uint32
	key  uint64
	w    float32
	pred uint64
	pos  int
}

// noTerm marks a gram the index does not have.
const noTerm = ^uint32(0)

// expansion picks the n most specific terms of document d by tf·idf,
// skipping terms only d has and terms too common to matter.
func (ix *Index) expansion(s *side, acc *accumulator, d uint32, n, maxDF int) []expTerm {
	it := &s.docs[d]
	sc := &scanner{}
	// Every occurrence in text order, with the overlapping bigram before
	// it; one sort by key then groups them, first occurrence first.
	occs := acc.occs[:0]
	defer func() { acc.occs = occs }()
	var last uint64
	head := true
	note := func(k uint64) {
		o := occ{key: k, pos: int32(len(occs)), head: head}
		if sc.cont && last != k {
			o.pred = last
		}
		occs = append(occs, o)
		last = k
	}
	sc.scan(it.title, note)
	for _, kw := range it.keywords {
		sc.scan(kw, note)
	}
	head = false
	sc.scan(it.desc, note)
	slices.SortFunc(occs, func(a, b occ) int {
		if c := cmp.Compare(a.key, b.key); c != 0 {
			return c
		}
		return int(a.pos - b.pos)
	})
	N := s.nAlive
	// Each distinct term with its count (the head's weighted), in key
	// order; then the lookups, apart, so that their cache misses overlap.
	cand := acc.exps[:0]
	hw := float32(ix.p.HeadWeight)
	for i := 0; i < len(occs); {
		first := occs[i]
		var c float32
		for ; i < len(occs) && occs[i].key == first.key; i++ {
			if occs[i].head {
				c += hw
			} else {
				c++
			}
		}
		cand = append(cand, expTerm{key: first.key, w: c, pred: first.pred, pos: int(first.pos)})
	}
	acc.exps = cand
	ts := acc.expIDs[:0]
	for _, e := range cand {
		t, ok := s.terms[e.key]
		if !ok {
			t = noTerm
		}
		ts = append(ts, t)
	}
	acc.expIDs = ts
	common := acc.common[:0]
	defer func() { acc.common = common }()
	byW := acc.expOrder[:0]
	for i, e := range cand {
		if ts[i] == noTerm {
			continue
		}
		df := s.df(ts[i])
		if df > maxDF {
			common = append(common, e.key)
		}
		if df < 2 || df > maxDF {
			continue
		}
		cand[i].t = ts[i]
		cand[i].w = idf(N, df) * float32(ix.kindWeight(e.key)) * e.w / (e.w + 1)
		byW = append(byW, docScore{uint32(i), cand[i].w})
	}
	acc.expOrder = byW
	// The n best by weight (ties in key order, as cand is), within the
	// budget of postings: the 2n best are ranked first, and all of them
	// only if the budget leaves out more than n of those.
	var out []expTerm
	for _, m := range []int{2 * n, len(byW)} {
		out = out[:0]
		budget := ix.p.ExpandPostings
		for _, i := range bestOf(byW, m) {
			if len(out) == n {
				break
			}
			if df := s.df(cand[i].t); df <= budget {
				budget -= df
				out = append(out, cand[i])
			}
		}
		if len(out) == n || m >= len(byW) {
			break
		}
	}
	return out
}

// matched lists the phrases of the query found in a document containing
// the query terms of mask m (longest and rarest first), then other query
// terms it contains.
//
// phs must be in the order byLength leaves them.
func (ix *Index) matched(qText *spanText, m uint64, phs []phrase) []string {
	out := make([]string, 0, 8)
	var covered uint64
	for _, h := range phs {
		if h.w <= 0 || m&h.mask != h.mask {
			continue
		}
		if len(out) == 8 {
			return out
		}
		if h.mask&^covered == 0 && slices.ContainsFunc(out, func(o string) bool { return strings.Contains(o, h.text) }) {
			continue
		}
		covered |= h.mask
		out = append(out, h.text)
	}
	for _, t := range spans(qText, m, 2) {
		if len(out) == 8 {
			break
		}
		if !slices.ContainsFunc(out, func(o string) bool { return strings.Contains(o, t) }) {
			out = append(out, t)
		}
	}
	return out
}

// byLength orders phrases longest first, then rarest, for matched.
func byLength(phs []phrase) []phrase {
	phs = slices.Clone(phs)
	slices.SortStableFunc(phs, func(a, b phrase) int {
		if a.runes != b.runes {
			return b.runes - a.runes
		}
		return cmp.Compare(b.idf, a.idf)
	})
	return phs
}

// related lists up to six stretches of the anchor's text whose terms the
// anchor lent (the bits of em) and document d contains, longest first,
// leaving out what matched already shows.
func (ix *Index) related(aText *spanText, em uint64, matched []string) []string {
	var out []string
	for _, t := range spans(aText, em, 3) {
		if len(out) == 6 {
			break
		}
		if !slices.ContainsFunc(matched, func(o string) bool { return strings.Contains(o, t) }) &&
			!slices.ContainsFunc(out, func(o string) bool { return strings.Contains(o, t) }) {
			out = append(out, t)
		}
	}
	return out
}

// itemRunes joins a listing's texts, folded, each on its own line.
func itemRunes(it *item) []rune {
	parts := append([]string{it.title}, it.keywords...)
	parts = append(parts, it.desc)
	return []rune(zh.Fold(strings.Join(parts, "\n")))
}

// bitMap gives each of keys its index as its bit, and the bigrams of
// common the mark commonPair (too common to be read or lent: see spans).
func bitMap(keys, common []uint64) map[uint64]int {
	m := make(map[uint64]int, len(keys)+len(common))
	for b, k := range keys {
		m[k] = b
	}
	for _, k := range common {
		if isBigram(k) {
			m[k] = commonPair
		}
	}
	return m
}

// commonPair marks, in a spanText, a bigram too common to be read in the
// search (Params.MaxDF) or lent by the best match: whether a listing has
// it is unknown.
const commonPair = -2

// spanText is a folded text prepared for spans: the mask bit of each
// bigram and Latin word it contains, looked up once per search.
type spanText struct {
	rs    []rune
	pair  []int8  // pair[i]: bit of the bigram rs[i-1]rs[i]; -1 if none, commonPair
	pairs []int32 // the i with pair[i] ≥ 0, ascending
	words []spanWord
	strs  map[uint64]string // rs[lo:hi] as strings, made once, by lo<<32|hi
	found [][2]int32        // spans' buffer
}

// str returns string(st.rs[lo:hi]), made once per text.
func (st *spanText) str(lo, hi int) string {
	if st.strs == nil {
		st.strs = map[uint64]string{}
	}
	key := uint64(lo)<<32 | uint64(hi)
	t, ok := st.strs[key]
	if !ok {
		t = string(st.rs[lo:hi])
		st.strs[key] = t
	}
	return t
}

type spanWord struct {
	lo, hi int
	bit    int8
}

func newSpanText(rs []rune, bit map[uint64]int) *spanText {
	st := &spanText{rs: rs, pair: make([]int8, len(rs))}
	isWordRune := func(r rune) bool {
		return r < 0x80 && (r >= 'a' && r <= 'z' || r >= '0' && r <= '9') || r >= 0x80 && !zh.IsHan(r) && (unicode.IsLetter(r) || unicode.IsDigit(r))
	}
	word := -1
	for i := 0; i <= len(rs); i++ {
		if i < len(rs) {
			st.pair[i] = -1
			if i > 0 && zh.IsHan(rs[i-1]) && zh.IsHan(rs[i]) {
				if b, ok := bit[gram2(rs[i-1], rs[i])]; ok {
					st.pair[i] = int8(b)
					if b >= 0 {
						st.pairs = append(st.pairs, int32(i))
					}
				}
			}
		}
		in := i < len(rs) && isWordRune(rs[i])
		switch {
		case in && word < 0:
			word = i
		case !in && word >= 0:
			w := string(rs[word:i])
			if b, ok := bit[wordKey([]byte(w))]; ok && len(w) >= 2 && strings.ContainsFunc(w, unicode.IsLetter) {
				st.words = append(st.words, spanWord{word, i, int8(b)})
			}
			word = -1
		}
	}
	return st
}

// spans returns the distinct maximal stretches of st made of consecutive
// Han bigrams whose bits are set in m, with function characters trimmed
// from their ends and at least minRunes long, and the Latin words (with a
// letter) whose bits are set; longest first.
func spans(st *spanText, m uint64, minRunes int) []string {
	found := st.found[:0] // rune ranges, made strings once sorted
	defer func() { st.found = found }()
	// A span is a run of consecutive positions i whose bigram
	// rs[i-1]rs[i] has its bit set: runes start … last.
	start, last := -1, -2
	for n, p := 0, len(st.pairs); n <= p; n++ {
		i := -1 // past the end: flush the last span
		if n < p {
			i = int(st.pairs[n])
			if m&(1<<st.pair[i]) == 0 {
				continue
			}
			if start >= 0 && i == last+1 {
				last = i
				continue
			}
		}
		if start >= 0 { // trim function characters, keep if long enough
			j := last + 1
			// A rune that begins or ends a word too common to be read
			// ("数据", "问题") is that word's, most likely: "挖掘", not
			// "据挖掘".
			if st.pair[start] == commonPair {
				start++
			}
			if j < len(st.rs) && st.pair[j] == commonPair {
				j--
			}
			for start < j && zh.IsFunctionChar(st.rs[start]) {
				start++
			}
			for j > start && zh.IsFunctionChar(st.rs[j-1]) {
				j--
			}
			if j-start >= minRunes {
				found = append(found, [2]int32{int32(start), int32(j)})
			}
		}
		start, last = i-1, i
	}
	for _, w := range st.words {
		if m&(1<<w.bit) != 0 {
			found = append(found, [2]int32{int32(w.lo), int32(w.hi)})
		}
	}
	slices.SortStableFunc(found, func(a, b [2]int32) int { return int((b[1] - b[0]) - (a[1] - a[0])) })
	out := make([]string, 0, len(found))
	for _, r := range found {
		if t := st.str(int(r[0]), int(r[1])); !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

// docScore is a listing and its score.
type docScore struct {
	d uint32
	s float32
}

// before orders scores best first, ties by listing (the older first).
func before(a, b docScore) bool { return a.s > b.s || a.s == b.s && a.d < b.d }

// bestOf returns the ids of the k best of c, best first, reordering c:
// a quickselect of the k best, then a sort of those alone.
func bestOf(c []docScore, k int) []uint32 {
	if len(c) > 4*k && k > 0 {
		// Most scores are far below the k-th: a histogram finds a floor
		// that keeps at least k, and only those go to the quickselect.
		const buckets = 256
		top := c[0].s
		for _, x := range c {
			if x.s > top { // not max, which also orders NaNs and costs a pass as long as the histogram's
				top = x.s
			}
		}
		if top > 0 {
			var hist [buckets]int32
			f := float32(buckets-1) / top
			for _, x := range c {
				if x.s > 0 {
					hist[int(x.s*f)]++
				}
			}
			n, b := 0, buckets-1
			for ; b > 0; b-- {
				if n += int(hist[b]); n >= k {
					break
				}
			}
			if n >= k { // a lower bucket holds only lower scores
				kept := c[:0]
				for _, x := range c {
					if x.s > 0 && int(x.s*f) >= b {
						kept = append(kept, x)
					}
				}
				c = kept
			}
		}
	}
	if len(c) > k {
		lo, hi := 0, len(c)-1
		for lo < hi {
			mid := lo + (hi-lo)/2
			if before(c[mid], c[lo]) {
				c[mid], c[lo] = c[lo], c[mid]
			}
			if before(c[hi], c[lo]) {
				c[hi], c[lo] = c[lo], c[hi]
			}
			if before(c[hi], c[mid]) {
				c[hi], c[mid] = c[mid], c[hi]
			}
			pv := c[mid]
			i, j := lo, hi
			for i <= j {
				for before(c[i], pv) {
					i++
				}
				for before(pv, c[j]) {
					j--
				}
				if i <= j {
					c[i], c[j] = c[j], c[i]
					i++
					j--
				}
			}
			switch {
			case k-1 <= j:
				hi = j
			case k-1 >= i:
				lo = i
			default:
				lo = hi // position k-1 holds the pivot
			}
		}
		c = c[:k]
	}
	slices.SortFunc(c, func(a, b docScore) int {
		if a.s != b.s {
			if a.s > b.s {
				return -1
			}
			return 1
		}
		return cmp.Compare(a.d, b.d)
	})
	ids := make([]uint32, len(c))
	for i, x := range c {
		ids[i] = x.d
	}
	return ids
}

// normalize scales v to unit length; false if v is zero.
func normalize(v []float32) bool {
	var nn float32
	for _, x := range v {
		nn += x * x
	}
	if nn == 0 {
		return false
	}
	f := 1 / float32(math.Sqrt(float64(nn)))
	for i := range v {
		v[i] *= f
	}
	return true
}

// cover reranks the CoverDepth best first-stage results of a problem
// statement by the statement's concepts they contain. words are the
// statement segmented (gse); each word of two or more characters is one
// concept. A listing contains a concept when it has all of the concept's
// bigrams the first stage read (its mask bits); a concept of common
// bigrams only, which were not read, is left out. Its idf is from the
// listings reached that contain it. A listing's concept score is a BM25
// in which each concept it contains counts once, as one body occurrence,
// so that a long compound repeated many times is one piece of evidence,
// not one per bigram per occurrence, and covering more of the problem's
// concepts is what scores. It is added to the first stage at
// Cover/(1-Cover) of the best first-stage score (scaled by the best
// concept score), before the best match, which lends its terms, is
// picked. It returns the part added to each reranked listing's s1.
func (ix *Index) cover(s *side, acc *accumulator, words []string, p *Params, tidOf map[uint64]int, qts []qterm) map[uint32]float32 {
	type concept struct {
		text string
		idf  float32
		mask uint64 // its read bigrams, which a listing containing it has
	}
	var cs []concept
	sc := &scanner{}
	N := s.nAlive
	for _, w := range words {
		if utf8.RuneCountInString(w) < 2 || slices.ContainsFunc(cs, func(c concept) bool { return c.text == w }) {
			continue
		}
		var m uint64
		minDF, missing := N, false
		sc.scan(w, func(k uint64) {
			i, ok := tidOf[k]
			if !ok {
				missing = true
				return
			}
			minDF = min(minDF, s.df(qts[i].t))
			if b := qts[i].bit; b >= 0 && s.df(qts[i].t) <= min(int(p.MaxDF*float64(N)), p.MaxPostings) {
				m |= 1 << b
			}
		})
		if missing || m == 0 { // absent, or only common bigrams (unread)
			continue
		}
		df := minDF
		if bits.OnesCount64(m) > 1 { // one read bigram: its df is the concept's
			df = 0
			for _, d := range acc.touched {
				if acc.e[d].mask&m == m {
					df++
				}
			}
		}
		cs = append(cs, concept{w, idf(N, df), m})
	}
	if len(cs) == 0 {
		return nil
	}
	c := acc.cands[:0]
	for _, d := range acc.touched {
		c = append(c, docScore{d, acc.e[d].s1 + acc.e[d].sp})
	}
	acc.cands = c
	top := bestOf(c, p.CoverDepth)
	best := acc.e[top[0]].s1 + acc.e[top[0]].sp
	k1 := float32(p.K1)
	scores := make([]float32, len(top))
	var maxC float32
	for i, d := range top {
		// A concept counts once, as a body occurrence (the listing's
		// length normalised), however often the listing repeats it.
		x := s.norm[d].b
		var v float32
		for _, con := range cs {
			if acc.e[d].mask&con.mask == con.mask {
				v += con.idf * x / (k1 + x)
			}
		}
		scores[i] = v
		maxC = max(maxC, v)
	}
	if maxC <= 0 {
		return nil
	}
	// Every other listing keeps its score: the concept part is added to
	// the reranked at Cover/(1-Cover) of the best first-stage score
	// (search then scales all scores to the best).
	scale := float32(p.Cover/(1-p.Cover)) * best / maxC
	out := make(map[uint32]float32, len(top))
	for i, d := range top {
		add := scale * scores[i]
		acc.e[d].s1 += add
		out[d] = add
	}
	return out
}
