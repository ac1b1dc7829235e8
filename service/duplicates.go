package service

import (
	"cmp"
	"context"
	"slices"
	"sort"
	"sync"
	"time"
	"unicode"

	"github.com/innobridge/innobridge"
	"github.com/innobridge/innobridge/zh"
)

// DuplicatePair is two listings whose title and description are nearly the
// same: the same achievement posted twice, or a copy.
type DuplicatePair struct {
	A          *innobridge.Listing `json:"a"`
	B          *innobridge.Listing `json:"b"`
	Similarity float64             `json:"similarity"` // Jaccard similarity of their character 3-gram sets, 0–1
}

// DefaultDuplicateThreshold is the similarity from which two listings are
// shown as near-duplicates.
const DefaultDuplicateThreshold = 0.6

// minhash parameters: 64 hashes in 16 bands of 4 rows find pairs of
// similarity 0.6 with probability ≈ 0.9 and of 0.3 with ≈ 0.12.
const (
	mhHashes = 64
	mhBands  = 16
	mhRows   = mhHashes / mhBands
)

// FindDuplicates (staff only) returns the pairs of published or draft
// listings of kind ("achievements" or "demands") whose title and
// description are at least threshold similar, most similar first, at most
// limit pairs. Candidates come from minhash with locality-sensitive
// hashing; each is confirmed on the exact 3-gram sets. The signatures are
// kept between requests (dupCache): a request reads and hashes only the
// listings changed since the one before, and the texts of its candidates.
func (s *Service) FindDuplicates(ctx context.Context, kind string, threshold float64, limit int) ([]*DuplicatePair, error) {
	if _, err := requireStaff(ctx); err != nil {
		return nil, err
	}
	if threshold <= 0 || threshold > 1 {
		threshold = DefaultDuplicateThreshold
	}
	if limit <= 0 {
		limit = 200
	}
	entries, err := s.dupSignatures(ctx, kind)
	if err != nil {
		return nil, err
	}
	buckets := map[uint64][]int32{}
	for i, e := range entries {
		if e.empty {
			continue
		}
		for b := 0; b < mhBands; b++ {
			h := uint64(b+1) * 0x9e3779b97f4a7c15
			for _, v := range e.sig[b*mhRows : (b+1)*mhRows] {
				h = mix(h ^ v)
			}
			buckets[h] = append(buckets[h], int32(i))
		}
	}
	// Candidate pairs, confirmed on the exact 3-gram sets of their texts.
	var cands [][2]int32
	seen := map[[2]int32]bool{}
	var ids []int64
	for _, b := range buckets {
		if len(b) > 200 { // a degenerate bucket (boilerplate text) is skipped
			continue
		}
		for x := 0; x < len(b); x++ {
			for y := x + 1; y < len(b); y++ {
				p := [2]int32{min(b[x], b[y]), max(b[x], b[y])}
				if !seen[p] {
					seen[p] = true
					cands = append(cands, p)
					ids = append(ids, entries[p[0]].l.ID, entries[p[1]].l.ID)
				}
			}
		}
	}
	sets := map[int64][]uint64{}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	for len(ids) > 0 { // in batches: a query takes so many ids
		batch := ids[:min(len(ids), 1000)]
		ids = ids[len(batch):]
		err := s.eachListing(ctx, kind, innobridge.ListingFilter{IDs: batch}, func(l *innobridge.Listing, text string) {
			sets[l.ID] = shingles(l.Title + "\n" + text)
		})
		if err != nil {
			return nil, err
		}
	}
	var out []*DuplicatePair
	for _, p := range cands {
		a, b := entries[p[0]].l, entries[p[1]].l
		if sim := jaccard(sets[a.ID], sets[b.ID]); sim >= threshold {
			out = append(out, &DuplicatePair{A: &a, B: &b, Similarity: sim})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Similarity != out[j].Similarity {
			return out[i].Similarity > out[j].Similarity
		}
		return out[i].A.ExternalID < out[j].A.ExternalID
	})
	if len(out) > limit {
		out = out[:limit]
	}
	for _, p := range out {
		// Staff read duplicates by title; confidential text stays out.
		for _, l := range []*innobridge.Listing{p.A, p.B} {
			l.Description, l.SearchText = "", ""
		}
	}
	return out, nil
}

// dupCache keeps the minhash signature of every published or draft
// listing FindDuplicates has seen, by kind, so that a request reads and
// hashes only the listings changed since the one before (by any writer:
// the store's updated_at, as the matching index does).
type dupCache struct {
	mu    sync.Mutex
	kinds map[string]*dupSet
}

type dupSet struct {
	since   time.Time
	entries map[int64]*dupEntry
}

type dupEntry struct {
	l     innobridge.Listing // without its texts
	sig   [mhHashes]uint64
	empty bool // fewer than three letters: no signature
}

// dupSignatures brings the cache of kind up to date and returns its
// entries ordered by listing id.
func (s *Service) dupSignatures(ctx context.Context, kind string) ([]*dupEntry, error) {
	s.dups.mu.Lock()
	defer s.dups.mu.Unlock()
	if s.dups.kinds == nil {
		s.dups.kinds = map[string]*dupSet{}
	}
	start := s.Now()
	ds := s.dups.kinds[kind]
	f := innobridge.ListingFilter{Statuses: []innobridge.Status{innobridge.StatusPublished, innobridge.StatusDraft}}
	if ds == nil {
		ds = &dupSet{entries: map[int64]*dupEntry{}}
	} else {
		since := ds.since.Add(-5 * time.Second) // clocks of other writers may lag a little
		f = innobridge.ListingFilter{UpdatedSince: &since}
	}
	err := s.eachListing(ctx, kind, f, func(l *innobridge.Listing, text string) {
		if l.Status != innobridge.StatusPublished && l.Status != innobridge.StatusDraft {
			delete(ds.entries, l.ID)
			return
		}
		e := &dupEntry{l: *l}
		e.l.Description, e.l.SearchText = "", ""
		if set := shingles(l.Title + "\n" + text); len(set) > 0 {
			e.sig = minhash(set)
		} else {
			e.empty = true
		}
		ds.entries[l.ID] = e
	})
	if err != nil {
		return nil, err
	}
	ds.since = start
	s.dups.kinds[kind] = ds
	out := make([]*dupEntry, 0, len(ds.entries))
	for _, e := range ds.entries {
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b *dupEntry) int { return cmp.Compare(a.l.ID, b.l.ID) })
	return out, nil
}

// eachListing calls fn for every listing of kind that f selects, page by
// page, with the text compared for duplicates (a demand's teaser and full
// description; staff see both).
func (s *Service) eachListing(ctx context.Context, kind string, f innobridge.ListingFilter, fn func(l *innobridge.Listing, text string)) error {
	if kind == "demands" {
		return eachPage(ctx, f, s.Store.FindDemands, func(ds []*innobridge.Demand) error {
			for _, d := range ds {
				fn(&d.Listing, d.Teaser+"\n"+d.Description)
			}
			return nil
		})
	}
	return eachPage(ctx, f, s.Store.FindAchievements, func(as []*innobridge.Achievement) error {
		for _, a := range as {
			fn(&a.Listing, a.Description)
		}
		return nil
	})
}

// shingles returns the sorted, distinct character 3-grams of the folded
// letters and digits of s, each packed into one integer (a rune fits in 21
// bits, so distinct 3-grams stay distinct).
func shingles(s string) []uint64 {
	var rs []rune
	for _, r := range zh.Fold(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			rs = append(rs, r)
		}
	}
	if len(rs) < 3 {
		return nil
	}
	out := make([]uint64, 0, len(rs)-2)
	for i := 0; i+3 <= len(rs); i++ {
		out = append(out, uint64(rs[i])<<42|uint64(rs[i+1])<<21|uint64(rs[i+2]))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// mix is the splitmix64 finaliser.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}

// minhash returns a one-permutation minhash signature of set: each
// element is hashed once and falls into one of mhHashes bins, which keeps
// the least hash it receives; an empty bin borrows from the next non-empty
// one (rotation), so that short texts fill every bin alike. Two sets agree
// in a bin with a probability close to their Jaccard similarity, as with
// mhHashes independent hash functions, at a mhHashes-th of the cost.
func minhash(set []uint64) [mhHashes]uint64 {
	const empty = ^uint64(0)
	var sig [mhHashes]uint64
	for i := range sig {
		sig[i] = empty
	}
	for _, v := range set {
		h := mix(v + 0x9e3779b97f4a7c15)
		if b := h % mhHashes; h < sig[b] {
			sig[b] = h
		}
	}
	filled := sig
	for i := range sig {
		if filled[i] != empty {
			continue
		}
		for j := 1; j < mhHashes; j++ {
			if v := filled[(i+j)%mhHashes]; v != empty {
				sig[i] = mix(v + uint64(j)*0x632be59bd9b4e019)
				break
			}
		}
	}
	return sig
}

// jaccard is |a∩b|/|a∪b| of two sorted sets.
func jaccard(a, b []uint64) float64 {
	i, j, inter := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			inter++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	union := len(a) + len(b) - inter
	if union == 0 {
		return 0
	}
	return float64(inter) / float64(union)
}
