package match

import "maps"

// SideStats counts the listing slots of one side of an Index.
type SideStats struct {
	Live int // listings indexed
	// Dead counts the slots of listings replaced or removed since the
	// index was built, loaded or compacted. A dead slot no longer holds
	// the listing's text, but keeps its place in the per-listing arrays
	// and its postings until the index is replaced by Compacted.
	Dead int
}

// Stats counts an Index's slots, per side.
type Stats struct {
	Achievements, Demands SideStats
}

// Live returns the listings indexed on both sides.
func (s Stats) Live() int { return s.Achievements.Live + s.Demands.Live }

// Dead returns the dead slots on both sides.
func (s Stats) Dead() int { return s.Achievements.Dead + s.Demands.Dead }

// Stats returns the index's live and dead slot counts.
func (ix *Index) Stats() Stats {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return Stats{Achievements: ix.ach.stats(), Demands: ix.dem.stats()}
}

func (s *side) stats() SideStats {
	return SideStats{Live: s.nAlive, Dead: len(s.docs) - s.nAlive}
}

// Compacted returns a new Index that holds ix's live listings and nothing
// of those replaced or removed: the live listings are renumbered in their
// order, and the posting lists rewritten with only their postings. It
// searches exactly as ix does (the length factors, their averages and a
// trained concept space are carried over), so that a caller can swap it in
// for ix at any time.
//
// ix is read-locked while it is copied: its searches go on, its changes
// wait. Changes made to ix after Compacted returns are not in the copy: a
// caller that goes on with the copy must keep changes away from ix from
// the start of the call until the swap, or apply them to the copy too.
func (ix *Index) Compacted() *Index {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return &Index{opts: ix.opts, p: ix.p, seg: ix.seg,
		ach: ix.ach.compacted(), dem: ix.dem.compacted(),
		vocab: maps.Clone(ix.vocab), maxVoc: ix.maxVoc}
}

// compacted returns a copy of s with only its live documents (see
// Compacted). Strings and keyword slices are shared with s: neither side
// changes them (a dead slot is cleared by replacing its item).
func (s *side) compacted() *side {
	n := s.nAlive
	c := &side{
		terms: make(map[uint64]uint32, len(s.terms)),
		lists: make([]plist, 0, len(s.terms)),
		live:  make([]int32, 0, len(s.terms)),
		docs:  make([]item, 0, n),
		lenH:  make([]uint16, 0, n),
		lenB:  make([]uint16, 0, n),
		alive: make([]bool, 0, n),
		norm:  make([]lenNorm, 0, n),
		byExt: make(map[string]uint32, n),
		// The sums and averages go on as they were, so that the length
		// factors are refreshed (refreshNorms) when they would have been.
		nAlive: n, sumH: s.sumH, sumB: s.sumB, avgH: s.avgH, avgB: s.avgB,
	}
	newID := make([]uint32, len(s.docs))
	for id, ok := range s.alive {
		if !ok {
			continue
		}
		to := uint32(len(c.docs))
		newID[id] = to
		c.byExt[s.docs[id].ext] = to
		c.docs = append(c.docs, s.docs[id])
		c.lenH = append(c.lenH, s.lenH[id])
		c.lenB = append(c.lenB, s.lenB[id])
		c.alive = append(c.alive, true)
		c.norm = append(c.norm, s.norm[id])
	}
	for k, t := range s.terms {
		var pl plist
		it := s.lists[t].iter()
		for it.next() {
			if s.alive[it.doc] {
				pl.add(newID[it.doc], uint16(it.tf>>5), uint16(it.tf&31))
			}
		}
		c.terms[k] = uint32(len(c.lists))
		c.lists = append(c.lists, pl)
		c.live = append(c.live, int32(len(pl.tfs)))
	}
	c.cpt = s.cpt.compacted(s.alive, newID)
	return c
}

// compacted returns the concept vectors of the live documents, renumbered
// by newID (ids below c.n keep their order, so they stay a prefix).
func (c *concept) compacted(alive []bool, newID []uint32) *concept {
	if c == nil {
		return nil
	}
	n := 0
	for id := range c.n {
		if alive[id] {
			n++
		}
	}
	out := &concept{n: n, vec: make([]float32, n*conceptDim), mean: c.mean}
	for id := range c.n {
		if alive[id] {
			copy(out.vec[int(newID[id])*conceptDim:], c.at(uint32(id)))
		}
	}
	return out
}
