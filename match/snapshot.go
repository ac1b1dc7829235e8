package match

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"hash/fnv"
	"io"
	"math"
	"sync"

	"github.com/innobridge/innobridge/zh"
)

// A snapshot is an Index written out (WriteSnapshot) and read back
// (ReadSnapshot), so that a restart need not analyse every listing again.
//
// Format version 1; integers little-endian, uvarint and varint as in
// encoding/binary, a string as its uvarint length and its bytes:
//
//	magic      8 bytes "IBMATCH\x00"
//	version    uint32
//	analysis   uint64: fingerprint of the text analysis (analysisFingerprint)
//	vocab      uvarint n, n × (string term, uvarint count), uvarint longest term in runes
//	two sides, achievements then demands, each:
//	  uvarint n, float64 average head length, float64 average body length
//	  n × listing: strings ext, title, description, uvarint k, k × string keyword,
//	    strings field, region, byte trl, byte modes, varints price,
//	    budget min, budget max, uvarints head length, body length
//	  uvarint m, m × posting list: uint64 term key, uvarint postings,
//	    uvarint last document, uvarint id bytes, the id bytes (ascending
//	    varint gaps), one tf byte per posting
//	crc32 (Castagnoli) of all the bytes before it, uint32
//
// Only live listings are written, renumbered in their order, and only the
// lists of terms they have: a snapshot is compact, and ties (broken by
// document order) fall as before. The Params do not enter the stored data:
// the length factors are recomputed from the stored averages under the
// reading Options' Params, and the concept space (Params.Concept) is
// trained again on load. What the stored terms do depend on is the text
// analysis (folding, n-grams, words), which the fingerprint covers, and
// the layout, which the version covers; a snapshot that differs in either
// is refused. A change to what an item keeps of a listing (listingItem,
// demandItem) or to the posting encoding must bump snapshotVersion: the
// fingerprint cannot see it.

const snapshotVersion = 1

var snapshotMagic = [8]byte{'I', 'B', 'M', 'A', 'T', 'C', 'H', 0}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// analysisProbe exercises the text analysis the stored terms come from:
// width, case and traditional-character folding, Han bigrams and lone
// characters, Latin and digit words, punctuation.
const analysisProbe = "高爐煤氣餘熱回收 ＡＢＣ-１２３ Li-ion 鋰電池，單 x 量子通信MBR工艺（2026年）ⅣÉcole"

// analysisFingerprint hashes what the analysis makes of analysisProbe, so
// that a snapshot written by a build that analyses text differently is
// refused rather than searched with terms a query can no longer produce.
var analysisFingerprint = sync.OnceValue(func() uint64 {
	h := fnv.New64a()
	it := item{title: analysisProbe, keywords: []string{analysisProbe, " 量子 "}, desc: analysisProbe}
	_, tcs, nh, nb := (&scanner{}).docTerms(&it, nil, nil)
	var b []byte
	for _, tc := range tcs {
		b = binary.LittleEndian.AppendUint64(b, tc.key)
		b = binary.LittleEndian.AppendUint16(b, tc.head)
		b = binary.LittleEndian.AppendUint16(b, tc.body)
	}
	b = binary.AppendUvarint(b, uint64(nh))
	b = binary.AppendUvarint(b, uint64(nb))
	b = append(b, zh.Fold(analysisProbe)...)
	h.Write(b)
	return h.Sum64()
})

// WriteSnapshot writes the index to w (see ReadSnapshot). It holds the
// index's read lock meanwhile: searches go on, changes wait. The bytes go
// through a bufio.Writer of its own, flushed before it returns, so the
// caller may write more after them.
func (ix *Index) WriteSnapshot(w io.Writer) error {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	e := &encoder{w: w}
	e.bw = bufio.NewWriterSize(crcWriter{e}, 1<<18)
	e.raw(snapshotMagic[:])
	e.raw(binary.LittleEndian.AppendUint32(nil, snapshotVersion))
	e.u64(analysisFingerprint())
	e.uvarint(uint64(len(ix.vocab)))
	for t, n := range ix.vocab {
		e.str(t)
		e.uvarint(uint64(n))
	}
	e.uvarint(uint64(ix.maxVoc))
	for _, s := range []*side{ix.ach, ix.dem} {
		if err := s.write(e); err != nil {
			return err
		}
	}
	if err := e.bw.Flush(); err != nil {
		return fmt.Errorf("writing the match snapshot: %w", err)
	}
	if _, err := w.Write(binary.LittleEndian.AppendUint32(nil, e.crc)); err != nil {
		return fmt.Errorf("writing the match snapshot: %w", err)
	}
	return nil
}

func (s *side) write(e *encoder) error {
	var newID []uint32 // old id → new, when dead documents are left out
	if s.nAlive < len(s.docs) {
		newID = make([]uint32, len(s.docs))
		n := uint32(0)
		for id, ok := range s.alive {
			if ok {
				newID[id] = n
				n++
			}
		}
	}
	e.uvarint(uint64(s.nAlive))
	e.u64(math.Float64bits(s.avgH))
	e.u64(math.Float64bits(s.avgB))
	for id := range s.docs {
		if !s.alive[id] {
			continue
		}
		it := &s.docs[id]
		e.str(it.ext)
		e.str(it.title)
		e.str(it.desc)
		e.uvarint(uint64(len(it.keywords)))
		for _, kw := range it.keywords {
			e.str(kw)
		}
		e.str(it.field)
		e.str(it.region)
		e.bw.WriteByte(byte(it.trl))
		e.bw.WriteByte(it.modes)
		e.varint(it.price)
		e.varint(it.budgetMin)
		e.varint(it.budgetMax)
		e.uvarint(uint64(s.lenH[id]))
		e.uvarint(uint64(s.lenB[id]))
	}
	e.uvarint(uint64(len(s.terms)))
	var scratch plist
	for k, t := range s.terms {
		pl := &s.lists[t]
		if newID != nil {
			scratch = plist{ids: scratch.ids[:0], tfs: scratch.tfs[:0]}
			it := pl.iter()
			for it.next() {
				if s.alive[it.doc] {
					scratch.add(newID[it.doc], uint16(it.tf>>5), uint16(it.tf&31))
				}
			}
			pl = &scratch
		}
		if len(pl.tfs) != int(s.live[t]) || len(pl.tfs) == 0 {
			return fmt.Errorf("writing the match snapshot: term %#x has %d live postings, counted %d", k, len(pl.tfs), s.live[t])
		}
		e.u64(k)
		e.uvarint(uint64(len(pl.tfs)))
		e.uvarint(uint64(pl.last))
		e.uvarint(uint64(len(pl.ids)))
		e.raw(pl.ids)
		e.raw(pl.tfs)
	}
	return nil
}

// encoder writes a snapshot through a bufio.Writer, which writes through
// crcWriter to w.
type encoder struct {
	w   io.Writer
	bw  *bufio.Writer
	crc uint32
}

type crcWriter struct{ e *encoder }

func (c crcWriter) Write(p []byte) (int, error) {
	c.e.crc = crc32.Update(c.e.crc, castagnoli, p)
	return c.e.w.Write(p)
}

// The bufio.Writer keeps its first error and reports it at Flush.

func (e *encoder) raw(b []byte) { e.bw.Write(b) }

func (e *encoder) u64(x uint64) {
	e.bw.Write(binary.LittleEndian.AppendUint64(e.bw.AvailableBuffer(), x))
}

func (e *encoder) uvarint(x uint64) { e.bw.Write(binary.AppendUvarint(e.bw.AvailableBuffer(), x)) }

func (e *encoder) varint(x int64) { e.bw.Write(binary.AppendVarint(e.bw.AvailableBuffer(), x)) }

func (e *encoder) str(s string) {
	e.uvarint(uint64(len(s)))
	e.bw.WriteString(s)
}

// ErrSnapshot is wrapped by the errors of ReadSnapshot that concern the
// snapshot's content (not the reader's): another format or analysis, a
// torn or corrupt file.
var ErrSnapshot = errors.New("unusable match snapshot")

// ReadSnapshot reads an index that WriteSnapshot wrote, configured by
// opts. A snapshot of another format version or text analysis, or whose
// checksum does not match (a torn or corrupt file), is refused with an
// error wrapping ErrSnapshot; nothing of it is used. When r is a
// *bufio.Reader, ReadSnapshot reads no further than the snapshot's end,
// so a caller may keep more after it.
func ReadSnapshot(r io.Reader, opts Options) (*Index, error) {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReaderSize(r, 1<<20)
	}
	d := &decoder{br: br}
	ix, err := d.index(opts)
	if err != nil {
		return nil, err
	}
	ix.retrainConcept(ix.ach)
	ix.retrainConcept(ix.dem)
	return ix, nil
}

func (d *decoder) index(opts Options) (*Index, error) {
	if m := d.next(8); d.err != nil || [8]byte(m) != snapshotMagic {
		return nil, d.fail("not a match index snapshot")
	}
	if v := binary.LittleEndian.Uint32(d.next(4)); d.err == nil && v != snapshotVersion {
		return nil, d.fail(fmt.Sprintf("format version %d, this build reads version %d", v, snapshotVersion))
	}
	if f := binary.LittleEndian.Uint64(d.next(8)); d.err == nil && f != analysisFingerprint() {
		return nil, d.fail(fmt.Sprintf("written by a build whose text analysis differs (fingerprint %016x, this build %016x)", f, analysisFingerprint()))
	}
	ix := New(opts)
	nv := d.count(math.MaxInt32)
	for i := 0; i < nv && d.err == nil; i++ {
		t := d.str()
		ix.vocab[t] = int32(d.uvarint(math.MaxInt32))
	}
	ix.maxVoc = int(d.uvarint(math.MaxInt32))
	var waits []func() error
	for _, s := range []*side{ix.ach, ix.dem} {
		waits = append(waits, s.read(d, ix.p))
	}
	for _, wait := range waits {
		if err := wait(); err != nil && d.err == nil {
			d.err = err
		}
	}
	if d.err != nil {
		return nil, d.fail("")
	}
	sum := d.sum()
	if got := binary.LittleEndian.Uint32(d.next(4)); d.err != nil {
		return nil, d.fail("")
	} else if got != sum {
		return nil, d.fail("checksum mismatch: the file is torn or corrupt")
	}
	d.br.Discard(d.pos)
	return ix, nil
}

func (s *side) read(d *decoder, p Params) (wait func() error) {
	none := func() error { return nil }
	n := d.count(math.MaxUint32)
	s.avgH = math.Float64frombits(binary.LittleEndian.Uint64(d.next(8)))
	s.avgB = math.Float64frombits(binary.LittleEndian.Uint64(d.next(8)))
	c := min(n, 1<<20) // grown as listings arrive: a corrupt count allocates little
	s.docs = make([]item, 0, c)
	s.lenH, s.lenB = make([]uint16, 0, c), make([]uint16, 0, c)
	s.byExt = make(map[string]uint32, c)
	for id := 0; id < n && d.err == nil; id++ {
		var it item
		it.ext, it.title, it.desc = d.str(), d.str(), d.str()
		if k := d.count(math.MaxInt32); k > 0 {
			it.keywords = make([]string, 0, min(k, 64))
			for i := 0; i < k && d.err == nil; i++ {
				it.keywords = append(it.keywords, d.str())
			}
		}
		it.field, it.region = d.str(), d.str()
		b := d.next(2)
		if d.err != nil {
			return none
		}
		it.trl, it.modes = int8(b[0]), b[1]
		it.price, it.budgetMin, it.budgetMax = d.varint(), d.varint(), d.varint()
		lh, lb := d.uvarint(math.MaxUint16), d.uvarint(math.MaxUint16)
		if _, dup := s.byExt[it.ext]; dup {
			d.corrupt("listing %q twice", it.ext)
		}
		s.byExt[it.ext] = uint32(id)
		s.docs = append(s.docs, it)
		s.lenH, s.lenB = append(s.lenH, uint16(lh)), append(s.lenB, uint16(lb))
		s.sumH += float64(lh)
		s.sumB += float64(lb)
	}
	if d.err != nil {
		return none
	}
	s.nAlive = n
	s.alive = make([]bool, n)
	s.norm = make([]lenNorm, n)
	for id := range n {
		s.alive[id] = true
		s.setNorm(p, uint32(id))
	}
	return s.readLists(d, n)
}

// readLists reads the posting lists of a side of n listings. Their terms
// map is filled beside the reading, its inserts costing about as much as
// the rest; wait returns when it is done.
func (s *side) readLists(d *decoder, n int) (wait func() error) {
	m := d.count(math.MaxUint32)
	s.terms = make(map[uint64]uint32, min(m, 1<<22))
	s.lists, s.live = make([]plist, 0, min(m, 1<<22)), make([]int32, 0, min(m, 1<<22))
	keys := make(chan []uint64, 4)
	done := make(chan error, 1)
	go func() {
		var err error
		t := uint32(0)
		for batch := range keys {
			for _, k := range batch {
				s.terms[k] = t
				if t++; err == nil && len(s.terms) != int(t) {
					err = fmt.Errorf("corrupt: posting list %#x twice", k)
				}
			}
		}
		done <- err
	}()
	const batchLen = 1 << 14
	batch := make([]uint64, 0, batchLen)
	defer func() {
		keys <- batch
		close(keys)
	}()
	for i := 0; i < m && d.err == nil; i++ {
		key := binary.LittleEndian.Uint64(d.next(8))
		np := d.uvarint(uint64(n))
		last := d.uvarint(uint64(n) - 1)
		ids := d.bytes(int(d.uvarint(uint64(5 * np))))
		tfs := d.bytes(int(np))
		if d.err != nil {
			break
		}
		if np == 0 {
			d.corrupt("posting list %#x empty", key)
			break
		}
		if batch = append(batch, key); len(batch) == batchLen {
			keys <- batch
			batch = make([]uint64, 0, batchLen)
		}
		s.lists = append(s.lists, plist{ids: ids, tfs: tfs, last: uint32(last)})
		s.live = append(s.live, int32(np))
	}
	return func() error { return <-done }
}

// decoder reads a snapshot from a bufio.Reader, peeking at what it has
// buffered and discarding only what was used; the checksum is taken over
// the used bytes as they are discarded.
type decoder struct {
	br    *bufio.Reader
	win   []byte // peeked; win[:pos] used but not yet discarded
	pos   int
	crc   uint32
	err   error // first error: io.ErrUnexpectedEOF or corrupt content
	ioErr error // an error of the reader other than the end of its input
	slab  []byte
}

// release discards the used bytes, adding them to the checksum.
func (d *decoder) release() {
	d.crc = crc32.Update(d.crc, castagnoli, d.win[:d.pos])
	d.br.Discard(d.pos)
	d.win, d.pos = nil, 0
}

// sum returns the checksum of the bytes used so far.
func (d *decoder) sum() uint32 {
	d.release()
	return d.crc
}

// fill makes at least n bytes available in the window, fewer only at the
// end of the input.
func (d *decoder) fill(n int) {
	d.release()
	if d.br.Buffered() < n {
		// Peek reads; a short read shows in Buffered.
		if _, err := d.br.Peek(n); err != nil && err != io.EOF && d.ioErr == nil {
			d.ioErr = err
		}
	}
	d.win, _ = d.br.Peek(d.br.Buffered())
}

// next returns the next n bytes (n small), or zeros after an error.
func (d *decoder) next(n int) []byte {
	if d.err == nil && len(d.win)-d.pos < n {
		d.fill(n)
		if len(d.win) < n {
			d.err = io.ErrUnexpectedEOF
		}
	}
	if d.err != nil {
		return make([]byte, n)
	}
	b := d.win[d.pos : d.pos+n]
	d.pos += n
	return b
}

// uvarint reads a uvarint, refusing one above max.
func (d *decoder) uvarint(max uint64) uint64 {
	if d.err != nil {
		return 0
	}
	if len(d.win)-d.pos < binary.MaxVarintLen64 {
		d.fill(binary.MaxVarintLen64)
	}
	x, k := binary.Uvarint(d.win[d.pos:])
	switch {
	case k == 0:
		d.err = io.ErrUnexpectedEOF
		return 0
	case k < 0 || x > max:
		d.corrupt("number out of range")
		return 0
	}
	d.pos += k
	return x
}

func (d *decoder) count(max uint64) int { return int(d.uvarint(max)) }

func (d *decoder) varint() int64 {
	u := d.uvarint(math.MaxUint64)
	x := int64(u >> 1)
	if u&1 != 0 {
		x = ^x
	}
	return x
}

// bytes reads n bytes into a new slice. A large n is read in steps, so
// that a corrupt length fails at the end of the input before allocating
// much. A small one is cut from a shared 64 KiB slab with no room to
// grow, so that an append copies it out: most posting lists are a few
// bytes long, and an allocation each cost a fifth of a read's time. (A
// list that grows leaves its old bytes in the slab until the slab's
// other lists have grown too, or compaction rewrites them.)
func (d *decoder) bytes(n int) []byte {
	const step = 1 << 20
	if d.err != nil {
		return nil
	}
	if n <= 64 {
		if len(d.slab) < n {
			d.slab = make([]byte, 1<<16)
		}
		b := d.slab[:n:n]
		d.slab = d.slab[n:]
		d.readInto(b)
		return b
	}
	b := make([]byte, 0, min(n, step))
	for len(b) < n && d.err == nil {
		k := min(n-len(b), step)
		b = append(b, make([]byte, k)...)
		d.readInto(b[len(b)-k:])
	}
	return b
}

// readInto fills p from the window, then straight from the reader.
func (d *decoder) readInto(p []byte) {
	k := copy(p, d.win[d.pos:])
	d.pos += k
	if k == len(p) {
		return
	}
	d.release()
	if _, err := io.ReadFull(d.br, p[k:]); err != nil {
		d.err = io.ErrUnexpectedEOF
		if err != io.EOF && err != io.ErrUnexpectedEOF {
			d.ioErr = err
		}
		return
	}
	d.crc = crc32.Update(d.crc, castagnoli, p[k:])
}

func (d *decoder) str() string {
	n := d.count(math.MaxInt32)
	if n <= 256 && d.err == nil {
		return string(d.next(n))
	}
	return string(d.bytes(n))
}

func (d *decoder) corrupt(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("corrupt: "+format, args...)
	}
}

// fail returns the error for a refused snapshot: msg, or the decoder's
// error. An error of the reader is returned as it is.
func (d *decoder) fail(msg string) error {
	if d.ioErr != nil {
		return fmt.Errorf("reading the match snapshot: %w", d.ioErr)
	}
	switch {
	case msg != "":
	case errors.Is(d.err, io.ErrUnexpectedEOF):
		msg = "truncated: the file is torn"
	default:
		msg = d.err.Error()
	}
	return fmt.Errorf("%w: %s", ErrSnapshot, msg)
}
