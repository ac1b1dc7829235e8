// Package match is the matching engine: an in-memory index over the
// achievements (科技成果) and demands (技术需求) it is given, ranking one side
// for a listing of the other with an explanation for every result.
//
// Text is folded (width, case, traditional→simplified) and indexed as
// character bigrams (and Latin words) in two fields, head (title and
// keywords) and body (description), scored BM25F-style. A bigram of the
// query's title or keywords counts for less when the listing also has the
// one before it (Params.Dependent: "资源管理" is one piece of evidence, not
// three): throughout for a query that states keywords, and otherwise in
// choosing the best match. A query's keywords are matched as phrases,
// conjunctions of their bigrams. The best first-stage match then lends its
// own 64 most specific terms to a second pass (document-to-document
// relatedness, pseudo-relevance feedback from one document): for a query
// without keywords only, and the more the clearer its lead over the next
// (Params.RelatedSure; a problem stated as a description alone names no
// listing and lends Params.RelatedDesc), with a lent bigram counting more
// in a listing that also has the one before it in the best match's text
// (Params.Joined: a shared stretch of its words). Structured criteria
// (field, TRL, modes, price, region) adjust the score when both sides
// state them. Optionally (Params.Concept), a concept space trained at
// index time on the listings (concept.go) reranks the best results of a
// query without keywords. Everything is learned from the listings indexed at run
// time; no statistics are built in. Segmented-word phrases (package zh, gse)
// can be weighted with Params.SegPhrase; on the dev set they did not help,
// so by default the dictionary is not loaded.
//
// An Index is safe for concurrent use: searches share a read lock, writes
// take it exclusively.
package match

import (
	"context"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/innobridge/innobridge"
	"github.com/innobridge/innobridge/zh"
)

// Params are the ranking constants. The zero value of a field means its
// default (DefaultParams).
type Params struct {
	K1         float64 // BM25 saturation
	BHead      float64 // length normalisation of the head field
	BBody      float64 // length normalisation of the body field
	HeadWeight float64 // weight of a head occurrence relative to the body
	// Dependent weights a query bigram whose overlapping predecessor in the
	// query (the bigram one character earlier) the listing also contains:
	// "资源管理" is three bigrams but one piece of evidence, and counting it
	// three times lets a long word outweigh the rest of the query. 1 turns
	// the discount off.
	Dependent float64
	Bigram    float64 // weight of bigram terms
	Word      float64 // weight of Latin/digit words and lone characters
	Phrase    float64 // weight of matches of the query's keywords as phrases
	SegPhrase float64 // weight of phrases segmented from the query's text; 0: they only explain
	// Expand is how many terms the best match lends (at most 64, so that
	// each has a mask bit: each is explained and can be Joined); <0
	// disables the second pass.
	Expand  int
	Related float64 // weight of the second, document-to-document pass
	// RelatedKW replaces Related for a query that states keywords, which
	// name its subject precisely, so the best match has less to lend.
	// Negative skips the second pass for such queries: on the dev set it
	// added 0.002 nDCG@10_rel and doubled their latency.
	RelatedKW float64
	// RelatedSure replaces Related, for a query without keywords, when
	// its best match leads the next by SureLead of its score or more
	// (linearly in between): a clear best match is the listing the query
	// names, and lends more.
	RelatedSure float64
	SureLead    float64
	// RelatedDesc replaces Related for a query stated as a description
	// alone (no title, no keywords: a problem to solve), and RelatedSure
	// does not apply to it: such a query names no listing, so the lead of
	// its best match does not make that match the one it names, and it
	// lends less.
	RelatedDesc float64
	// Joined weights an expansion bigram when the listing also has the
	// bigram before it in the best match's text (a shared stretch of the
	// best match's specific words).
	Joined float64
	MaxDF  float64 // grams in more than this share of listings are skipped (unless nothing else)
	// MaxPostings caps MaxDF in listings: on a large index a gram in tens of
	// thousands of listings costs much and tells little.
	MaxPostings int
	// ExpandPostings bounds the postings the second pass reads: expansion
	// terms are taken by weight while their listings add up to no more
	// (on the dev set a query reads about 7,000; at a million listings
	// 80 terms could read over a million).
	ExpandPostings int
	Structured     float64 // weight of structured fit
	// Concept weights the cosine, in the concept space trained on the
	// indexed listings (concept.go), between a listing and the centroid of
	// the best first-stage matches, added to the score of the ConceptDepth
	// best first-stage results of a query without keywords. Negative (the
	// default) disables the concept space and its training: its gain on the
	// dev set did not survive a change of the random vectors (BENCH.md).
	Concept      float64
	ConceptDepth int
	// ConceptMax: the concept space is trained only on an index of at most
	// this many listings (training costs time and memory in proportion).
	ConceptMax int
	// Cover, for a query stated as a description alone (a problem), mixes
	// into the first-stage score of its CoverDepth best a BM25 over the
	// concepts (gse-segmented words) of the statement each contains, each
	// counted once: score ∝ (1-Cover)·lexical + Cover·concepts, both
	// relative to their best (search.go, cover). Negative (the default)
	// turns it off. It needs the segmenter's dictionary (about 1.5 s and
	// 130 MB to load, which a server does at start anyway; the match
	// command starts it while it indexes). On the dev set it lifts task
	// C's MRR@10 by 0.013-0.018 at 0.3-0.5 (p 0.01-0.05), but segmenting
	// each problem statement makes its queries 35-40 % slower, which
	// takes p50 to a third of Bleve's, the limit (BENCH.md).
	Cover      float64
	CoverDepth int
}

// DefaultParams are the tuned defaults.
var DefaultParams = Params{
	K1: 1.2, BHead: 0.5, BBody: 0.75, HeadWeight: 2.5, Dependent: 0.5,
	Bigram: 1, Word: 1, Phrase: 1,
	Expand: 64, Related: 2, RelatedKW: -1, RelatedSure: 5, SureLead: 0.2, RelatedDesc: 1.5, Joined: 1.5, MaxDF: 0.1, MaxPostings: 30000, ExpandPostings: 50000, Structured: 0.1,
	Concept: -1, ConceptDepth: 50, ConceptMax: 50000, Cover: -1, CoverDepth: 20,
}

func (p Params) withDefaults() Params {
	d := DefaultParams
	set := func(v *float64, def float64) {
		if *v == 0 {
			*v = def
		}
	}
	set(&p.K1, d.K1)
	set(&p.BHead, d.BHead)
	set(&p.BBody, d.BBody)
	set(&p.HeadWeight, d.HeadWeight)
	set(&p.Dependent, d.Dependent)
	set(&p.Bigram, d.Bigram)
	set(&p.Word, d.Word)
	set(&p.Phrase, d.Phrase)
	set(&p.Related, d.Related)
	set(&p.RelatedKW, d.RelatedKW)
	set(&p.RelatedSure, d.RelatedSure)
	set(&p.SureLead, d.SureLead)
	set(&p.RelatedDesc, d.RelatedDesc)
	set(&p.Joined, d.Joined)
	set(&p.MaxDF, d.MaxDF)
	set(&p.Structured, d.Structured)
	if p.MaxPostings == 0 {
		p.MaxPostings = d.MaxPostings
	}
	if p.ExpandPostings == 0 {
		p.ExpandPostings = d.ExpandPostings
	}
	if p.Expand == 0 {
		p.Expand = d.Expand
	}
	p.Expand = min(p.Expand, 64)
	set(&p.Concept, d.Concept)
	set(&p.Cover, d.Cover)
	if p.CoverDepth == 0 {
		p.CoverDepth = d.CoverDepth
	}
	if p.ConceptDepth == 0 {
		p.ConceptDepth = d.ConceptDepth
	}
	if p.ConceptMax == 0 {
		p.ConceptMax = d.ConceptMax
	}
	return p
}

// Options configure an Index.
type Options struct {
	// Analyzer segments queries into words when Params.SegPhrase > 0. Nil
	// means zh.Default(); set NoSegment to match on n-grams and keywords
	// alone.
	Analyzer  *zh.Analyzer
	NoSegment bool
	// Workers analyse listings in parallel when adding many; 0 means
	// GOMAXPROCS.
	Workers int
	Params  Params
}

// Index holds the achievements and demands to match. Create it with New.
type Index struct {
	mu     sync.RWMutex
	opts   Options
	p      Params
	seg    *zh.Analyzer
	ach    *side            // achievements: searched for a demand
	dem    *side            // demands: searched for an achievement
	vocab  map[string]int32 // domain terms: folded keywords of all listings, with counts
	maxVoc int              // longest domain term, in runes
}

// New returns an empty Index.
func New(opts Options) *Index {
	ix := &Index{opts: opts, p: opts.Params.withDefaults(), vocab: map[string]int32{}}
	if opts.Workers <= 0 {
		ix.opts.Workers = runtime.GOMAXPROCS(0)
	}
	if !opts.NoSegment && (ix.p.SegPhrase > 0 || ix.p.Cover > 0) { // only segmented phrases and concepts need the dictionary
		ix.seg = opts.Analyzer
		if ix.seg == nil {
			ix.seg, _ = zh.Default() // on error, queries fall back to n-grams
		}
	}
	ix.ach = newSide()
	ix.dem = newSide()
	return ix
}

// item is the part of a listing the engine keeps.
type item struct {
	ext       string
	title     string
	desc      string
	keywords  []string
	field     string
	region    string
	trl       int8 // achievements: TRL; demands: TRLMin
	modes     uint8
	price     int64 // achievements: asking price, -1 unknown or negotiable
	budgetMin int64 // demands, -1 unknown
	budgetMax int64 // demands, -1 unknown
}

// isProblem reports whether q is stated as a description alone, without
// a title or keywords: a problem to solve rather than the name of a
// subject (Params.RelatedDesc).
func isProblem(q *item) bool {
	return q.title == "" && len(q.keywords) == 0 && q.desc != ""
}

func modeBits(ms []innobridge.Mode) uint8 {
	var b uint8
	for _, m := range ms {
		for i, x := range innobridge.Modes {
			if m == x {
				b |= 1 << i
			}
		}
	}
	return b
}

func listingItem(l *innobridge.Listing) item {
	return item{ext: l.ExternalID, title: l.Title, desc: l.Description, keywords: l.Keywords,
		field: l.Field, region: l.Region, price: -1, budgetMin: -1, budgetMax: -1}
}

func achievementItem(a *innobridge.Achievement) item {
	it := listingItem(&a.Listing)
	it.trl = int8(a.TRL)
	it.modes = modeBits(a.TransferModes)
	if a.PriceYuan != nil {
		it.price = *a.PriceYuan
	}
	return it
}

func demandItem(d *innobridge.Demand) item {
	it := listingItem(&d.Listing)
	it.trl = int8(d.TRLMin)
	it.modes = modeBits(d.CoopModes)
	if d.BudgetMinYuan != nil {
		it.budgetMin = *d.BudgetMinYuan
	}
	if d.BudgetMaxYuan != nil {
		it.budgetMax = *d.BudgetMaxYuan
	}
	if d.Hidden { // a redacted demand lends only what the reader saw
		it.desc, it.keywords = d.Teaser, nil
	}
	return it
}

// active reports whether a listing in status s belongs in the index.
func active(l *innobridge.Listing) bool {
	return l.Status == "" || l.Status == innobridge.StatusPublished
}

// AddAchievements adds achievements or replaces those with the same external
// id. One whose status is not published is removed instead.
func (ix *Index) AddAchievements(ctx context.Context, as []*innobridge.Achievement) error {
	items := make([]item, 0, len(as))
	var gone []string
	for _, a := range as {
		if active(&a.Listing) {
			items = append(items, achievementItem(a))
		} else {
			gone = append(gone, a.ExternalID)
		}
	}
	return ix.add(ctx, ix.ach, items, gone)
}

// AddDemands adds demands or replaces those with the same external id. One
// whose status is not published is removed instead.
func (ix *Index) AddDemands(ctx context.Context, ds []*innobridge.Demand) error {
	items := make([]item, 0, len(ds))
	var gone []string
	for _, d := range ds {
		if active(&d.Listing) {
			items = append(items, demandItem(d))
		} else {
			gone = append(gone, d.ExternalID)
		}
	}
	return ix.add(ctx, ix.dem, items, gone)
}

// UpdateAchievement re-indexes a after a change (or removes it when it is no
// longer published).
func (ix *Index) UpdateAchievement(ctx context.Context, a *innobridge.Achievement) error {
	return ix.AddAchievements(ctx, []*innobridge.Achievement{a})
}

// UpdateDemand re-indexes d after a change (or removes it).
func (ix *Index) UpdateDemand(ctx context.Context, d *innobridge.Demand) error {
	return ix.AddDemands(ctx, []*innobridge.Demand{d})
}

// RemoveAchievement drops the achievement with external id ext, reporting
// whether it was indexed.
func (ix *Index) RemoveAchievement(ext string) bool {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return ix.ach.remove(ix, ext)
}

// RemoveDemand drops the demand with external id ext.
func (ix *Index) RemoveDemand(ext string) bool {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return ix.dem.remove(ix, ext)
}

// Len returns the numbers of indexed achievements and demands.
func (ix *Index) Len() (achievements, demands int) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.ach.nAlive, ix.dem.nAlive
}

type analysed struct {
	terms       []termCount
	lenH, lenB  int
	domainTerms []string
}

// add analyses items in parallel outside the lock, then merges them in.
// addChunk is the listings analysed at a time by one worker in a build.
const addChunk = 2048

func (ix *Index) add(ctx context.Context, s *side, items []item, gone []string) error {
	const chunk = addChunk
	workers := ix.opts.Workers
	type job struct {
		lo, hi int
		res    []analysed
		done   chan struct{}
	}
	jobs := make(chan *job)
	var order []*job
	for lo := 0; lo < len(items); lo += chunk {
		order = append(order, &job{lo: lo, hi: min(lo+chunk, len(items)), done: make(chan struct{})})
	}
	// At most 2·workers chunks are analysed ahead of the merge, which
	// bounds the memory of a large build.
	ahead := make(chan struct{}, 2*workers)
	go func() {
		defer close(jobs)
		for _, j := range order {
			select {
			case ahead <- struct{}{}:
			case <-ctx.Done():
				return
			}
			jobs <- j
		}
	}()
	for w := 0; w < workers; w++ {
		go func() {
			sc := &scanner{}
			var keys []uint64
			var tcs []termCount
			for j := range jobs {
				j.res = make([]analysed, j.hi-j.lo)
				for i := j.lo; i < j.hi; i++ {
					var nh, nb int
					keys, tcs, nh, nb = sc.docTerms(&items[i], keys, tcs)
					j.res[i-j.lo] = analysed{terms: slices.Clone(tcs), lenH: nh, lenB: nb}
					for _, kw := range items[i].keywords {
						if t := zh.Fold(strings.TrimSpace(kw)); utf8.RuneCountInString(t) >= 2 {
							j.res[i-j.lo].domainTerms = append(j.res[i-j.lo].domainTerms, t)
						}
					}
				}
				close(j.done)
			}
		}()
	}
	// Merge in order as chunks complete; the lock is taken per chunk so
	// searches proceed during a long build.
	if len(gone) > 0 {
		ix.mu.Lock()
		for _, ext := range gone {
			s.remove(ix, ext)
		}
		ix.mu.Unlock()
	}
	for _, j := range order {
		select {
		case <-j.done:
		case <-ctx.Done():
			return ctx.Err()
		}
		ix.mu.Lock()
		for i := range j.res {
			s.insert(ix, &items[j.lo+i], &j.res[i])
		}
		s.refreshNorms(ix.p, false)
		ix.mu.Unlock()
		j.res = nil
		<-ahead
	}
	ix.retrainConcept(s)
	return nil
}

// retrainConcept trains the concept space of s again when the index has
// grown by more than a tenth since it was last trained (or drops it when
// the index is beyond ConceptMax).
func (ix *Index) retrainConcept(s *side) {
	p := ix.p
	ix.mu.RLock()
	n := len(s.docs)
	stale := p.Concept > 0 && (s.cpt == nil || n > s.cpt.n+s.cpt.n/10)
	if !stale || s.nAlive > p.ConceptMax || s.nAlive < 2 {
		ix.mu.RUnlock()
		if s.nAlive > p.ConceptMax && s.cpt != nil {
			ix.mu.Lock()
			s.cpt = nil
			ix.mu.Unlock()
		}
		return
	}
	maxDF := max(min(int(p.MaxDF*float64(s.nAlive)), p.MaxPostings), 2)
	c := trainConcept(s, maxDF, ix.opts.Workers)
	ix.mu.RUnlock()
	ix.mu.Lock()
	if len(s.docs) >= c.n {
		s.cpt = c
	}
	ix.mu.Unlock()
}

// plist is a posting list: document ids as ascending varint gaps, and one
// byte of term frequencies per posting (head in the top 3 bits, body in the
// low 5).
type plist struct {
	ids  []byte
	tfs  []byte
	last uint32
}

func (pl *plist) add(doc uint32, head, body uint16) {
	gap := doc - pl.last
	if len(pl.tfs) == 0 {
		gap = doc
	}
	for gap >= 0x80 {
		pl.ids = append(pl.ids, byte(gap)|0x80)
		gap >>= 7
	}
	pl.ids = append(pl.ids, byte(gap))
	pl.last = doc
	pl.tfs = append(pl.tfs, byte(min(head, 7))<<5|byte(min(body, 31)))
}

// lenNorm holds a listing's BM25F length factors, head and body side by
// side (a posting reads both). A removed listing's are deadNorm, so that
// a posting needs no second look-up to skip it.
type lenNorm struct{ h, b float32 }

var deadNorm = lenNorm{-1, -1}

func (n lenNorm) dead() bool { return n.b < 0 }

// side is one direction's inverted index.
type side struct {
	terms map[uint64]uint32 // term key → list index, for terms of live documents
	lists []plist
	// live[t] counts the live documents in list t: its document frequency.
	// The postings of replaced or removed documents stay in the list until
	// the index is replaced by Compacted, but no longer count.
	live   []int32
	docs   []item
	lenH   []uint16
	lenB   []uint16
	alive  []bool
	byExt  map[string]uint32
	nAlive int
	sumH   float64
	sumB   float64
	// Precomputed BM25F length factors HeadWeight/(1-b+b·len/avg) and
	// 1/(1-b+b·len/avg), refreshed when the averages drift.
	norm       []lenNorm
	avgH, avgB float64
	cpt        *concept // concept space; nil until trained
}

func newSide() *side {
	return &side{terms: map[uint64]uint32{}, byExt: map[string]uint32{}}
}

func (s *side) insert(ix *Index, it *item, a *analysed) {
	if old, ok := s.byExt[it.ext]; ok {
		s.kill(ix, old)
	}
	id := uint32(len(s.docs))
	s.docs = append(s.docs, *it)
	s.lenH = append(s.lenH, uint16(min(a.lenH, math.MaxUint16)))
	s.lenB = append(s.lenB, uint16(min(a.lenB, math.MaxUint16)))
	s.alive = append(s.alive, true)
	s.byExt[it.ext] = id
	s.nAlive++
	s.sumH += float64(a.lenH)
	s.sumB += float64(a.lenB)
	for _, tc := range a.terms {
		t, ok := s.terms[tc.key]
		if !ok {
			t = uint32(len(s.lists))
			s.terms[tc.key] = t
			s.lists = append(s.lists, plist{})
			s.live = append(s.live, 0)
		}
		s.lists[t].add(id, tc.head, tc.body)
		s.live[t]++
	}
	for _, d := range a.domainTerms {
		ix.vocab[d]++
		ix.maxVoc = max(ix.maxVoc, utf8.RuneCountInString(d))
	}
	s.norm = append(s.norm, lenNorm{})
	s.setNorm(ix.p, id)
}

func (s *side) setNorm(p Params, id uint32) {
	if !s.alive[id] {
		s.norm[id] = deadNorm
		return
	}
	avgH, avgB := max(s.avgH, 1), max(s.avgB, 1)
	s.norm[id] = lenNorm{
		h: float32(p.HeadWeight / (1 - p.BHead + p.BHead*float64(s.lenH[id])/avgH)),
		b: float32(1 / (1 - p.BBody + p.BBody*float64(s.lenB[id])/avgB)),
	}
}

// refreshNorms recomputes the length factors when the average lengths moved
// by more than 5% since the last refresh (or always, if force).
func (s *side) refreshNorms(p Params, force bool) {
	if s.nAlive == 0 {
		return
	}
	avgH, avgB := s.sumH/float64(s.nAlive), s.sumB/float64(s.nAlive)
	drift := func(a, b float64) bool { return math.Abs(a-b) > 0.05*math.Max(b, 1) }
	if !force && !drift(avgH, s.avgH) && !drift(avgB, s.avgB) {
		return
	}
	s.avgH, s.avgB = avgH, avgB
	for id := range s.docs {
		s.setNorm(p, uint32(id))
	}
}

func (s *side) remove(ix *Index, ext string) bool {
	id, ok := s.byExt[ext]
	if !ok {
		return false
	}
	s.kill(ix, id)
	s.refreshNorms(ix.p, false) // as insertions do, through add
	return true
}

// kill tombstones a document; its postings stay until the index is
// replaced by Compacted, but it leaves the document frequencies at once. A
// term no live document has any more leaves the terms map, as it would be
// absent from an index built afresh.
func (s *side) kill(ix *Index, id uint32) {
	if !s.alive[id] {
		return
	}
	s.alive[id] = false
	s.norm[id] = deadNorm
	s.nAlive--
	s.sumH -= float64(s.lenH[id])
	s.sumB -= float64(s.lenB[id])
	it := &s.docs[id]
	_, tcs, _, _ := (&scanner{}).docTerms(it, nil, nil) // the terms insert added
	for _, tc := range tcs {
		t := s.terms[tc.key]
		if s.live[t]--; s.live[t] == 0 {
			delete(s.terms, tc.key)
		}
	}
	for _, kw := range it.keywords {
		t := zh.Fold(strings.TrimSpace(kw))
		if n := ix.vocab[t]; n > 1 {
			ix.vocab[t] = n - 1
		} else {
			delete(ix.vocab, t)
		}
	}
	if cur, ok := s.byExt[it.ext]; ok && cur == id {
		delete(s.byExt, it.ext)
	}
	*it = item{ext: it.ext}
}

// df returns the number of live documents in list t.
func (s *side) df(t uint32) int { return int(s.live[t]) }

type plIter struct {
	pl  *plist
	pos int
	i   int
	doc uint32
	tf  byte
}

func (pl *plist) iter() plIter { return plIter{pl: pl, i: -1} }

func (it *plIter) next() bool {
	it.i++
	if it.i >= len(it.pl.tfs) {
		return false
	}
	var gap uint32
	var sh uint
	for {
		b := it.pl.ids[it.pos]
		it.pos++
		gap |= uint32(b&0x7f) << sh
		if b < 0x80 {
			break
		}
		sh += 7
	}
	if it.i == 0 {
		it.doc = gap
	} else {
		it.doc += gap
	}
	it.tf = it.pl.tfs[it.i]
	return true
}
