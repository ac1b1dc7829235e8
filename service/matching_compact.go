package service

import (
	"context"
	"log/slog"
	"time"

	"github.com/innobridge/innobridge/match"
)

// Defaults of CompactShare and CompactMin.
const (
	DefaultCompactShare = 0.25
	DefaultCompactMin   = 1000
)

// compactDue reports whether st has more dead slots than CompactShare
// and CompactMin allow.
func (m *Matching) compactDue(st match.Stats) bool {
	share, least := m.CompactShare, m.CompactMin
	if share == 0 {
		share = DefaultCompactShare
	}
	if least <= 0 {
		least = DefaultCompactMin
	}
	dead := st.Dead()
	return share > 0 && dead > least && float64(dead) > share*float64(dead+st.Live())
}

// maybeCompact compacts the index when its dead slots are too many.
func (m *Matching) maybeCompact(ctx context.Context) {
	if !m.built.Load() || ctx.Err() != nil {
		return
	}
	if m.compactDue(m.Index().Stats()) {
		m.Compact(ctx)
	}
}

// Compact replaces the index by a copy without the dead slots that
// replaced and removed listings leave behind (match.Index.Compacted): the
// copy ranks exactly as the index did, and the store is not read. Searches
// go on meanwhile, on the old index until the copy is swapped in. Changes
// are held off while the index is copied: a listing changed through the
// service meanwhile is indexed when the copy is in place, as during a
// save, and a refresh waits; a change read from the store before the swap
// and applied after it goes to the copy. The compaction is logged with
// the live and dead slots it found and the time it took. It does nothing
// before the index is built.
func (m *Matching) Compact(ctx context.Context) {
	m.buildMu.Lock()
	defer m.buildMu.Unlock()
	if !m.built.Load() {
		return
	}
	defer m.holdChanges()()
	start := time.Now()
	m.applyMu.Lock()
	defer m.applyMu.Unlock()
	// No change reaches the index or the maps until applyMu is released:
	// the copy and the maps it shares agree.
	old := m.cur()
	before := old.ix.Stats()
	g := &generation{ix: old.ix.Compacted(), achID: old.achID, demID: old.demID,
		updated: old.updated, expires: old.expires}
	if m.compactHook != nil {
		m.compactHook()
	}
	m.mu.Lock()
	g.changes = old.changes
	old.next = g
	m.gen = g
	if m.saved.g == old { // the same listings as saved: no save is due for this
		m.saved.g = g
	}
	m.mu.Unlock()
	m.svc.Logger.InfoContext(ctx, "match index compacted",
		slog.Int("live", before.Live()), slog.Int("dead", before.Dead()),
		slog.Group("achievements", slog.Int("live", before.Achievements.Live), slog.Int("dead", before.Achievements.Dead)),
		slog.Group("demands", slog.Int("live", before.Demands.Live), slog.Int("dead", before.Demands.Dead)),
		slog.Duration("took", time.Since(start)))
}

// holdChanges makes listing changes through the service wait in pending
// instead of keeping their callers waiting, until the function it returns
// is called, which applies them. buildMu is held.
func (m *Matching) holdChanges() (release func()) {
	m.mu.Lock()
	m.saving = true
	m.mu.Unlock()
	return func() {
		m.mu.Lock()
		m.saving = false
		pending := m.pending
		m.pending = nil
		m.mu.Unlock()
		for _, c := range pending {
			m.listingChanged(c.kind, c.id)
		}
	}
}
