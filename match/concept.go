package match

import (
	"math"
	"sync"
)

// The concept space: listings as points in a low-dimensional space learned
// from the indexed listings themselves at index time (reflective random
// indexing, an inexpensive stand-in for LSA). Every listing d gets a fixed
// random ±1 vector r_d; a term's vector is the sum of the random vectors of
// the listings that contain it, T_t = Σ r_d; a listing's concept vector is
// the idf-weighted sum of its terms' normalised vectors, V_d = Σ idf_t·T_t/|T_t|.
// Two listings are close when the terms of one tend to occur in the same
// listings as the terms of the other, even when they share few terms
// themselves (second-order co-occurrence). Nothing is built in: the space
// is retrained from the postings when the index has grown.

const conceptDim = 64

const (
	// conceptRounds: the first round starts from random vectors, each
	// further one from the listings' vectors of the round before (which
	// smooths the space towards its main directions, as LSA does).
	conceptRounds = 2
	// conceptSample bounds the listings a term's vector is estimated from.
	conceptSample = 256
	// conceptCentroid: the query's concept is the centroid of this many
	// of its best first-stage matches.
	conceptCentroid = 10
)

// concept holds the trained vectors of one side.
type concept struct {
	n    int       // listings covered: ids below n
	vec  []float32 // n × conceptDim, unit length (zero for empty listings)
	mean []float32 // the mean of the listings' normalised vectors, subtracted
}

// randSigns returns 64 signs (part j) of the random ±1 vector of listing d.
func randSigns(d uint32, j int) uint64 {
	z := uint64(d)*0x9e3779b97f4a7c15 + uint64(j+1)*0x632be59bd9b4e019
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// signTab[b] is the ±1 vector of the eight sign bits b.
var signTab = func() (t [256][8]float32) {
	for b := range t {
		for i := range t[b] {
			t[b][i] = -1
			if b>>i&1 != 0 {
				t[b][i] = 1
			}
		}
	}
	return
}()

// addSigns adds the random vector of listing d to v.
func addSigns(v *[conceptDim]float32, d uint32) {
	for j := 0; j < conceptDim/64; j++ {
		bits := randSigns(d, j)
		for k := 0; k < 8; k++ {
			u := v[j*64+k*8 : j*64+k*8+8]
			s := &signTab[byte(bits>>(8*k))]
			u[0] += s[0]
			u[1] += s[1]
			u[2] += s[2]
			u[3] += s[3]
			u[4] += s[4]
			u[5] += s[5]
			u[6] += s[6]
			u[7] += s[7]
		}
	}
}

// trainConcept builds the concept vectors of side s from its postings.
// Terms in fewer than two or more than maxDF listings are left out. The
// caller holds at least a read lock on the index.
func trainConcept(s *side, maxDF, workers int) *concept {
	var prev *concept
	for range conceptRounds {
		prev = trainRound(s, maxDF, workers, prev)
	}
	return prev
}

// trainRound is one round of reflective random indexing: term vectors
// from the listings' vectors of the previous round (random in the first),
// then the listings' vectors from the term vectors.
func trainRound(s *side, maxDF, workers int, prev *concept) *concept {
	n := len(s.docs)
	c := &concept{n: n, vec: make([]float32, n*conceptDim)}
	N := max(s.nAlive, 1)
	var mu sync.Mutex
	var wg sync.WaitGroup
	nl := len(s.lists)
	workers = max(workers, 1)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			// Each worker accumulates into its own buffer, merged at the end.
			local := make([]float32, n*conceptDim)
			docs := make([]uint32, 0, 1024)
			var tv [conceptDim]float32
			for t := w; t < nl; t += workers {
				pl := &s.lists[t]
				df := s.df(uint32(t))
				if df < 2 || df > maxDF {
					continue
				}
				tv = [conceptDim]float32{}
				docs = docs[:0]
				it := pl.iter()
				for it.next() {
					if !s.alive[it.doc] {
						continue
					}
					docs = append(docs, it.doc)
				}
				// A term's vector is estimated from at most
				// conceptSample of its listings, evenly spread.
				step := max(1, (len(docs)+conceptSample-1)/conceptSample)
				for j := 0; j < len(docs); j += step {
					if prev == nil {
						addSigns(&tv, docs[j])
					} else {
						u := prev.at(docs[j])
						for i := range tv {
							tv[i] += u[i]
						}
					}
				}
				if len(docs) < 2 {
					continue
				}
				var nn float32
				for _, x := range tv {
					nn += x * x
				}
				if nn == 0 {
					continue
				}
				sc := idf(N, df) / float32(math.Sqrt(float64(nn)))
				for i := range tv {
					tv[i] *= sc
				}
				for _, d := range docs {
					v := local[int(d)*conceptDim : int(d+1)*conceptDim]
					for i := range v {
						v[i] += tv[i]
					}
				}
			}
			mu.Lock()
			for i, x := range local {
				c.vec[i] += x
			}
			mu.Unlock()
		}(w)
	}
	wg.Wait()
	// Centre: the vectors share a large common direction (every listing
	// has common terms) that says nothing about its subject.
	var mean [conceptDim]float64
	for d := 0; d < n; d++ {
		if v := c.vec[d*conceptDim : (d+1)*conceptDim]; normalize(v) {
			for i, x := range v {
				mean[i] += float64(x)
			}
		}
	}
	c.mean = make([]float32, conceptDim)
	for i := range c.mean {
		c.mean[i] = float32(mean[i] / float64(n))
	}
	for d := 0; d < n; d++ {
		v := c.vec[d*conceptDim : (d+1)*conceptDim]
		if v[0] == 0 && v[1] == 0 {
			continue
		}
		for i := range v {
			v[i] -= c.mean[i]
		}
		normalize(v)
	}
	return c
}

// at returns the concept vector of listing d, nil if it is not covered.
func (c *concept) at(d uint32) []float32 {
	if c == nil || int(d) >= c.n {
		return nil
	}
	return c.vec[int(d)*conceptDim : int(d+1)*conceptDim]
}

func dot(a, b []float32) float32 {
	var s float32
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}
