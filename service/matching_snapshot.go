package service

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/innobridge/innobridge"
	"github.com/innobridge/innobridge/match"
)

// A snapshot file is the engine's snapshot (match.WriteSnapshot) followed
// by the service's own part, which says what the index holds:
//
//	uvarint length of the part, the part, crc32 (Castagnoli) of the part
//
// and the part is
//
//	magic 8 bytes "IBMSVC\x00\x00", uint32 version, varint since (Unix ns),
//	uvarint n, n × listing: byte 'a' or 'd', string external id,
//	  varint id, varint UpdatedAt (Unix ns), varint expiry (Unix s of
//	  the date, math.MinInt64 if none)
//
// with strings as a uvarint length and the bytes.

const genVersion = 1

var genMagic = [8]byte{'I', 'B', 'M', 'S', 'V', 'C', 0, 0}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// DefaultSnapshotEvery is the default of SnapshotEvery.
const DefaultSnapshotEvery = 5 * time.Minute

// SaveSnapshot writes the index and what the service keeps beside it to
// SnapshotPath, atomically: to a temporary file in the same directory,
// synced, then renamed over the old one. Changes to the index wait while
// it writes (searches do not); a listing changed through the service
// meanwhile is indexed when it is done. It does nothing without
// SnapshotPath or before the index is built.
func (m *Matching) SaveSnapshot(ctx context.Context) error {
	if m.SnapshotPath == "" {
		return nil
	}
	m.buildMu.Lock()
	defer m.buildMu.Unlock()
	if !m.built.Load() {
		return nil
	}
	defer m.holdChanges()()

	start := m.svc.Now()
	m.applyMu.Lock()
	defer m.applyMu.Unlock()
	m.mu.Lock()
	g, since, changes := m.gen, m.since, m.gen.changes
	m.mu.Unlock()
	// The maps do not change while applyMu is held.
	part := encodeGeneration(g, since)
	err := writeFileAtomic(ctx, m.SnapshotPath, func(w io.Writer) error {
		if err := g.ix.WriteSnapshot(w); err != nil {
			return err
		}
		b := binary.AppendUvarint(nil, uint64(len(part)))
		b = append(b, part...)
		b = binary.LittleEndian.AppendUint32(b, crc32.Checksum(part, castagnoli))
		_, err := w.Write(b)
		return err
	})
	if err != nil {
		return fmt.Errorf("saving the match index to %s: %w", m.SnapshotPath, err)
	}
	m.mu.Lock()
	m.saved.g, m.saved.changes, m.saved.at = g, changes, m.svc.Now()
	m.mu.Unlock()
	na, nd := g.ix.Len()
	m.svc.Logger.InfoContext(ctx, "match index saved", slog.String("path", m.SnapshotPath),
		slog.Int("achievements", na), slog.Int("demands", nd), slog.Duration("took", m.svc.Now().Sub(start)))
	return nil
}

// maybeSave saves the index when it has changed since the last save and
// that save is SnapshotEvery old, or at once when the index was built
// from the store and never saved.
func (m *Matching) maybeSave(ctx context.Context) {
	if m.SnapshotPath == "" || !m.built.Load() {
		return
	}
	every := m.SnapshotEvery
	if every <= 0 {
		every = DefaultSnapshotEvery
	}
	m.mu.Lock()
	g := m.gen
	fresh := m.saved.g != g
	due := fresh || g.changes != m.saved.changes && m.svc.Now().Sub(m.saved.at) >= every
	m.mu.Unlock()
	if !due {
		return
	}
	if err := m.SaveSnapshot(ctx); err != nil && ctx.Err() == nil {
		m.svc.Logger.WarnContext(ctx, "match index not saved", slog.Any("err", err))
	}
}

// writeFileAtomic writes path through write: to a temporary file in the
// same directory, synced and renamed over path, so that path holds the
// old content or the new, never a part. The file is readable by its
// owner only. Writing stops when ctx ends.
func writeFileAtomic(ctx context.Context, path string, write func(io.Writer) error) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	bw := bufio.NewWriterSize(ctxWriter{ctx, f}, 1<<20)
	if err := write(bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return err
	}
	// The rename is durable once the directory is synced; where a
	// directory cannot be synced, the new file may still be lost to a
	// crash, and the old one (or none) is read.
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// ctxWriter fails its writes once ctx has ended.
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c ctxWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.w.Write(p)
}

// startFromSnapshot loads the index from SnapshotPath and catches up with
// the store: listings changed since the snapshot (5 s earlier, as Refresh
// does) are read again, listings expired since are dropped. It reports
// whether it did; on any problem it logs why and the caller builds the
// index from the store. buildMu is held.
func (m *Matching) startFromSnapshot(ctx context.Context) bool {
	start := m.svc.Now()
	log := m.svc.Logger.With(slog.String("path", m.SnapshotPath))
	g, since, err := m.readSnapshot()
	switch {
	case errors.Is(err, fs.ErrNotExist):
		log.InfoContext(ctx, "no match index snapshot: building the index from the store")
		return false
	case err != nil:
		log.WarnContext(ctx, "match index snapshot not used: building the index from the store", slog.Any("err", err))
		return false
	}
	loaded := m.svc.Now()
	m.mu.Lock()
	m.gen, m.since = g, since
	m.saved.g, m.saved.changes, m.saved.at = g, 0, loaded
	m.mu.Unlock()
	if err := m.refresh(ctx); err != nil {
		log.WarnContext(ctx, "match index snapshot not caught up: building the index from the store", slog.Any("err", err))
		return false
	}
	m.mu.Lock()
	changes := g.changes
	m.mu.Unlock()
	na, nd := g.ix.Len()
	log.InfoContext(ctx, "match index loaded from its snapshot", slog.Int("achievements", na), slog.Int("demands", nd),
		slog.Time("snapshot_since", since), slog.Int("caught_up", changes),
		slog.Duration("load", loaded.Sub(start)), slog.Duration("catch_up", m.svc.Now().Sub(loaded)))
	return true
}

// readSnapshot reads SnapshotPath into a new generation.
func (m *Matching) readSnapshot() (*generation, time.Time, error) {
	f, err := os.Open(m.SnapshotPath)
	if err != nil {
		return nil, time.Time{}, err
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 1<<20)
	ix, err := match.ReadSnapshot(br, m.opts)
	if err != nil {
		return nil, time.Time{}, err
	}
	n, err := binary.ReadUvarint(br)
	if err != nil || n > math.MaxInt32 {
		return nil, time.Time{}, errors.New("the service's part is missing or torn")
	}
	part, err := io.ReadAll(io.LimitReader(br, int64(n)+4))
	if err != nil {
		return nil, time.Time{}, err
	}
	if len(part) != int(n)+4 {
		return nil, time.Time{}, errors.New("the service's part is torn")
	}
	part, sum := part[:n], binary.LittleEndian.Uint32(part[n:])
	if crc32.Checksum(part, castagnoli) != sum {
		return nil, time.Time{}, errors.New("the service's part is corrupt (checksum mismatch)")
	}
	g := &generation{ix: ix, achID: map[string]int64{}, demID: map[string]int64{},
		updated: map[string]time.Time{}, expires: map[string]innobridge.Date{}}
	since, err := decodeGeneration(part, g)
	if err != nil {
		return nil, time.Time{}, err
	}
	if na, nd := ix.Len(); na != len(g.achID) || nd != len(g.demID) {
		return nil, time.Time{}, fmt.Errorf("the index holds %d achievements and %d demands, the service's part lists %d and %d",
			na, nd, len(g.achID), len(g.demID))
	}
	return g, since, nil
}

func encodeGeneration(g *generation, since time.Time) []byte {
	b := append([]byte(nil), genMagic[:]...)
	b = binary.LittleEndian.AppendUint32(b, genVersion)
	b = binary.AppendVarint(b, since.UnixNano())
	b = binary.AppendUvarint(b, uint64(len(g.updated)))
	for key, at := range g.updated {
		kind, ext, _ := strings.Cut(key, ":")
		id := g.achID[ext]
		if kind == "d" {
			id = g.demID[ext]
		}
		b = append(b, kind[0])
		b = binary.AppendUvarint(b, uint64(len(ext)))
		b = append(b, ext...)
		b = binary.AppendVarint(b, id)
		b = binary.AppendVarint(b, at.UnixNano())
		exp := int64(math.MinInt64)
		if d, ok := g.expires[key]; ok {
			exp = d.Unix()
		}
		b = binary.AppendVarint(b, exp)
	}
	return b
}

// decodeGeneration fills g's maps from b and returns the time of the
// snapshot's last refresh.
func decodeGeneration(b []byte, g *generation) (time.Time, error) {
	bad := func(what string) (time.Time, error) {
		return time.Time{}, fmt.Errorf("the service's part is corrupt: %s", what)
	}
	if len(b) < 12 || [8]byte(b[:8]) != genMagic {
		return bad("no magic")
	}
	if v := binary.LittleEndian.Uint32(b[8:]); v != genVersion {
		return time.Time{}, fmt.Errorf("the service's part is version %d, this build reads version %d", v, genVersion)
	}
	b = b[12:]
	varint := func() int64 {
		x, k := binary.Varint(b)
		if k <= 0 {
			b = nil
			return 0
		}
		b = b[k:]
		return x
	}
	uvarint := func() uint64 {
		x, k := binary.Uvarint(b)
		if k <= 0 {
			b = nil
			return 0
		}
		b = b[k:]
		return x
	}
	since := time.Unix(0, varint())
	n := uvarint()
	if b == nil {
		return bad("short")
	}
	for i := uint64(0); i < n; i++ {
		if len(b) < 1 {
			return bad("short")
		}
		kind := b[0]
		b = b[1:]
		l := uvarint()
		if uint64(len(b)) < l {
			return bad("short")
		}
		ext := string(b[:l])
		b = b[l:]
		id, at, exp := varint(), varint(), varint()
		if b == nil {
			return bad("short")
		}
		var key string
		switch kind {
		case 'a':
			key = "a:" + ext
			g.achID[ext] = id
		case 'd':
			key = "d:" + ext
			g.demID[ext] = id
		default:
			return bad("unknown kind")
		}
		g.updated[key] = time.Unix(0, at)
		if exp != math.MinInt64 {
			g.expires[key] = innobridge.Date{Time: time.Unix(exp, 0).UTC()}
		}
	}
	if len(b) != 0 {
		return bad("trailing bytes")
	}
	return since, nil
}
