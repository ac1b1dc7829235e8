package service

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/innobridge/innobridge"
	"github.com/innobridge/innobridge/match"
	"github.com/innobridge/innobridge/zh"
)

// Matching keeps the matching engine's in-memory index current with the
// store and answers recommendations with what the caller may see.
//
// The index holds every published, unexpired achievement and demand,
// confidential text included: a demand is matched on its full text. What
// leaves this type never carries that text: a recommended demand comes as
// FindDemands returns it to the caller (redacted unless public or the
// caller's own), and the explanation keeps only terms that appear in the
// text the caller sees of each listing involved.
//
// The index is built on first use (or by Run at start), updated at once
// when the service changes a listing (OnListingChange), and refreshed from
// the store's updated_at every Run interval, which picks up imports,
// changes made by other instances on the same database, and expiry.
//
// With SnapshotPath set, the index is also kept in a file (see
// SaveSnapshot), and at start it is read from there and caught up with
// the store instead of being built again.
//
// Every replaced or removed listing leaves a dead slot in the index; Run
// replaces the index by a compacted copy when they are too many (see
// CompactShare and Compact).
type Matching struct {
	// SnapshotPath is the file the index is saved to and loaded from;
	// empty for none. Each instance needs its own: the file holds the
	// full text of confidential demands, and is written with mode 0600.
	SnapshotPath string
	// SnapshotEvery is the least time between two saves by Run when the
	// index has changed (default 5 minutes). A build is saved at once.
	SnapshotEvery time.Duration
	// CompactShare and CompactMin say when Run compacts the index (see
	// Compact): when its dead slots, left by replaced and removed
	// listings, are more than CompactShare of all its slots (default
	// DefaultCompactShare; negative: never) and more than CompactMin
	// (default DefaultCompactMin), so that a small index is not copied
	// again and again.
	CompactShare float64
	CompactMin   int

	svc  *Service
	opts match.Options

	buildMu sync.Mutex // serialises builds and saves
	built   atomic.Bool

	// applyMu is held shared by every change to the index and its maps,
	// exclusively by a save, so that what is saved agrees with itself.
	applyMu sync.RWMutex

	mu    sync.Mutex // guards gen (and its maps), since, saved, saving and pending
	gen   *generation
	since time.Time // last refresh
	saved struct {  // the last save
		g       *generation
		changes int
		at      time.Time
	}
	saving  bool            // a save or compaction is running: listing changes wait in pending
	pending []listingChange // changes that came in meanwhile

	// compactHook, if set (by tests), is called by Compact when the copy
	// is made, before it is swapped in.
	compactHook func()
}

type listingChange struct {
	kind string
	id   int64
}

// generation is one index and what the service keeps beside it. The
// engine counts only live listings in its document frequencies, so an
// index kept current by replacements and removals ranks as one built
// afresh. A generation lives until Compact replaces it by a copy (next)
// that shares its maps.
type generation struct {
	ix      *match.Index
	achID   map[string]int64           // external id → id of indexed achievements
	demID   map[string]int64           // and demands
	updated map[string]time.Time       // "a:"/"d:" + external id → UpdatedAt as indexed
	expires map[string]innobridge.Date // the same keys → expiry, for listings that expire
	changes int                        // listings indexed or removed, to tell a save is due
	// next is the generation Compact replaced this one with: a change
	// aimed at this one (read from the store before the swap, applied
	// after it) goes there instead. Written with applyMu held
	// exclusively, read with it held.
	next *generation
}

// latest returns the generation that changes aimed at g go to: g, or
// the one that replaced it. applyMu is held.
func (g *generation) latest() *generation {
	for g.next != nil {
		g = g.next
	}
	return g
}

func (m *Matching) newGeneration() *generation {
	return &generation{ix: match.New(m.opts), achID: map[string]int64{}, demID: map[string]int64{},
		updated: map[string]time.Time{}, expires: map[string]innobridge.Date{}}
}

// NewMatching returns a Matching over svc's store and hooks it into svc's
// OnListingChange (after any hook already set).
func NewMatching(svc *Service, opts match.Options) *Matching {
	m := &Matching{svc: svc, opts: opts}
	m.gen = m.newGeneration()
	prev := svc.OnListingChange
	svc.OnListingChange = func(kind string, id int64) {
		if prev != nil {
			prev(kind, id)
		}
		m.listingChanged(kind, id)
	}
	return m
}

// cur returns the current generation.
func (m *Matching) cur() *generation {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.gen
}

// Index returns the engine's current index.
func (m *Matching) Index() *match.Index { return m.cur().ix }

// pageSize is how many listings a build or refresh reads per query.
const pageSize = 5000

// ensure builds the index from the store, or loads it from SnapshotPath
// and catches up, unless that has been done.
func (m *Matching) ensure(ctx context.Context) error {
	if m.built.Load() { // without buildMu, which a save holds
		return nil
	}
	m.buildMu.Lock()
	defer m.buildMu.Unlock()
	if m.built.Load() {
		return nil
	}
	if m.SnapshotPath != "" && m.startFromSnapshot(ctx) {
		m.built.Store(true)
		return nil
	}
	if err := m.buildLocked(ctx); err != nil {
		return err
	}
	m.built.Store(true)
	return nil
}

// buildLocked builds a new generation from the store and swaps it in,
// then catches up with what changed during the build. buildMu is held.
func (m *Matching) buildLocked(ctx context.Context) error {
	start := m.svc.Now()
	today := innobridge.NewDate(start)
	g := m.newGeneration()
	f := innobridge.ListingFilter{Statuses: []innobridge.Status{innobridge.StatusPublished}, ActiveOn: &today}
	if err := m.load(ctx, g, f); err != nil {
		return fmt.Errorf("building the match index: %w", err)
	}
	m.mu.Lock()
	m.gen, m.since = g, start
	m.mu.Unlock()
	{ // listings changed while the build read the store
		since := start.Add(-5 * time.Second)
		if err := m.load(ctx, g, innobridge.ListingFilter{UpdatedSince: &since}); err != nil {
			return fmt.Errorf("building the match index: %w", err)
		}
	}
	na, nd := g.ix.Len()
	m.svc.Logger.InfoContext(ctx, "match index built", slog.Int("achievements", na), slog.Int("demands", nd),
		slog.Duration("took", m.svc.Now().Sub(start)))
	return nil
}

// load reads every listing f selects, page by page, into g. The pages
// come in the order of the last change (see eachPage), the order in which
// the index takes changes later, so that a build breaks ties between
// equal scores as the index it replaces did.
func (m *Matching) load(ctx context.Context, g *generation, f innobridge.ListingFilter) error {
	err := eachPage(ctx, f, m.svc.Store.FindAchievements, func(as []*innobridge.Achievement) error {
		return m.putAchievements(ctx, g, as)
	})
	if err != nil {
		return err
	}
	return eachPage(ctx, f, m.svc.Store.FindDemands, func(ds []*innobridge.Demand) error {
		return m.putDemands(ctx, g, ds)
	})
}

// eachPage calls fn with each page of the listings f selects, pageSize at
// a time. It pages by key in the order of the last change
// (ListingFilter.After), not by OFFSET: with OFFSET, a listing withdrawn
// meanwhile on a page already read made the first of the next page be
// skipped.
func eachPage[L interface{ Key() innobridge.ListingKey }](ctx context.Context, f innobridge.ListingFilter,
	find func(context.Context, innobridge.ListingFilter) ([]L, int, error), fn func([]L) error) error {
	f.Limit, f.Sort, f.After, f.NoTotal = pageSize, "updated", nil, true
	for {
		page, _, err := find(ctx, f)
		if err != nil {
			return err
		}
		if err := fn(page); err != nil {
			return err
		}
		if len(page) < pageSize {
			return nil
		}
		key := page[len(page)-1].Key()
		f.After = &key
	}
}

func (m *Matching) indexable(l *innobridge.Listing) bool {
	return l.Status == innobridge.StatusPublished && !l.Expired(m.svc.today())
}

// put records listing l under key in g's maps and reports whether the
// index must (re)read it; remove reports whether it must drop it. mu is
// held.
func (g *generation) put(key string, l *innobridge.Listing) bool {
	old, ok := g.updated[key]
	if ok && old.Equal(l.UpdatedAt) {
		return false // indexed as it is
	}
	g.updated[key] = l.UpdatedAt
	g.changes++
	if l.ExpiresAt == nil {
		delete(g.expires, key)
	} else {
		g.expires[key] = *l.ExpiresAt
	}
	return true
}

func (g *generation) remove(key string) bool {
	if _, ok := g.updated[key]; !ok {
		return false
	}
	g.changes++
	delete(g.updated, key)
	delete(g.expires, key)
	kind, ext, _ := strings.Cut(key, ":")
	if kind == "a" {
		delete(g.achID, ext)
		g.ix.RemoveAchievement(ext)
	} else {
		delete(g.demID, ext)
		g.ix.RemoveDemand(ext)
	}
	return true
}

// putAchievements indexes the active ones of as and removes the others.
func (m *Matching) putAchievements(ctx context.Context, g *generation, as []*innobridge.Achievement) error {
	m.applyMu.RLock()
	defer m.applyMu.RUnlock()
	g = g.latest()
	var add []*innobridge.Achievement
	m.mu.Lock()
	for _, a := range as {
		key := "a:" + a.ExternalID
		if !m.indexable(&a.Listing) {
			g.remove(key)
		} else if g.put(key, &a.Listing) {
			g.achID[a.ExternalID] = a.ID
			add = append(add, a)
		}
	}
	m.mu.Unlock()
	return g.ix.AddAchievements(ctx, add)
}

// putDemands indexes the active ones of ds (full text) and removes the
// others.
func (m *Matching) putDemands(ctx context.Context, g *generation, ds []*innobridge.Demand) error {
	m.applyMu.RLock()
	defer m.applyMu.RUnlock()
	g = g.latest()
	var add []*innobridge.Demand
	m.mu.Lock()
	for _, d := range ds {
		key := "d:" + d.ExternalID
		if !m.indexable(&d.Listing) {
			g.remove(key)
		} else if g.put(key, &d.Listing) {
			g.demID[d.ExternalID] = d.ID
			add = append(add, d)
		}
	}
	m.mu.Unlock()
	return g.ix.AddDemands(ctx, add)
}

// listingChanged re-reads one listing after the service changed it.
func (m *Matching) listingChanged(kind string, id int64) {
	if !m.built.Load() {
		return // the build will read it
	}
	m.mu.Lock()
	// During a save or compaction the change is applied when it is done,
	// not to keep the caller waiting. (One that starts just after this
	// check makes it wait.)
	if m.saving {
		m.pending = append(m.pending, listingChange{kind, id})
		m.mu.Unlock()
		return
	}
	m.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	g := m.cur()
	var err error
	switch kind {
	case "achievement":
		var a *innobridge.Achievement
		if a, err = m.svc.Store.FindAchievementByID(ctx, id); err == nil {
			err = m.putAchievements(ctx, g, []*innobridge.Achievement{a})
		}
	case "demand":
		var d *innobridge.Demand
		if d, err = m.svc.Store.FindDemandByID(ctx, id); err == nil {
			err = m.putDemands(ctx, g, []*innobridge.Demand{d})
		}
	}
	if err != nil {
		m.svc.Logger.Error("match index update failed", slog.String("kind", kind), slog.Int64("id", id), slog.Any("err", err))
	}
}

// Refresh brings the index up to date with the store: listings changed
// since the last refresh (by any writer: imports, other instances) are
// re-read, and listings that have expired since are dropped.
func (m *Matching) Refresh(ctx context.Context) error {
	if err := m.ensure(ctx); err != nil {
		return err
	}
	return m.refresh(ctx)
}

func (m *Matching) refresh(ctx context.Context) error {
	start := m.svc.Now()
	g := m.cur()
	m.mu.Lock()
	since := m.since.Add(-5 * time.Second) // clocks of other writers may lag a little
	m.mu.Unlock()
	if err := m.load(ctx, g, innobridge.ListingFilter{UpdatedSince: &since}); err != nil {
		return fmt.Errorf("refreshing the match index: %w", err)
	}
	today := innobridge.NewDate(start)
	m.applyMu.RLock()
	defer m.applyMu.RUnlock()
	g = g.latest()
	m.mu.Lock()
	for key, exp := range g.expires {
		if exp.Before(today.Time) {
			g.remove(key)
		}
	}
	m.since = start
	m.mu.Unlock()
	return nil
}

// Run builds the index (or loads it from SnapshotPath), then refreshes it
// every interval until ctx ends, compacting it when its dead slots are
// too many (CompactShare) and saving it when SaveSnapshot is due.
func (m *Matching) Run(ctx context.Context, every time.Duration) {
	if err := m.ensure(ctx); err != nil && ctx.Err() == nil {
		m.svc.Logger.ErrorContext(ctx, "match index build failed", slog.Any("err", err))
	}
	m.maybeCompact(ctx)
	m.maybeSave(ctx)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := m.Refresh(ctx); err != nil && ctx.Err() == nil {
				m.svc.Logger.ErrorContext(ctx, "match index refresh failed", slog.Any("err", err))
			}
			m.maybeCompact(ctx)
			m.maybeSave(ctx)
		}
	}
}

// Recommendation is one recommended listing with the reasons, as the
// caller may see them.
type Recommendation struct {
	Achievement *innobridge.Achievement `json:"achievement,omitempty"` // for a demand
	Demand      *innobridge.Demand      `json:"demand,omitempty"`      // for an achievement
	Score       float64                 `json:"score"`
	Why         match.Why               `json:"why"`
	// Tracked is the pair's docking status, shown to staff and to the two
	// parties only.
	Tracked *innobridge.Match `json:"tracked,omitempty"`
	// Weak marks a recommendation with little evidence (see weak): shown
	// apart, for reference, and left out of docking lists.
	Weak bool `json:"weak,omitempty"`
}

// MinShare is the least share of a listing's term weight (match.Why.Share)
// a recommendation shares with it, or lends through a best match sharing
// that much, to count as more than a chance overlap. On the benchmark's
// dev set (17k papers) the paper a title, keyword list or problem
// statement was taken from shares 0.12–0.33 with it at the 1st
// percentile; in the demo, where no achievement answers a demand, the
// best shares 0.02–0.04 (one common word, such as 通过).
const MinShare = 0.05

// weakIn returns whether a result of res has little evidence: it shares
// less than MinShare with the query, and lends nothing from a best match
// (its anchor, else the first result) that shares more.
func weakIn(res []match.Result) func(match.Result) bool {
	share := make(map[string]float64, len(res))
	for _, x := range res {
		share[x.ID] = x.Why.Share
	}
	return func(r match.Result) bool {
		if r.Why.Share >= MinShare {
			return false
		}
		if r.Why.Parts.Related <= 0 {
			return true
		}
		anchor, ok := share[r.Why.Anchor]
		if !ok {
			anchor = res[0].Why.Share
		}
		return anchor < MinShare
	}
}

// MaxRecommendations caps k.
const MaxRecommendations = 50

// AchievementsForDemand recommends up to k achievements for the demand
// with external id ext (推荐成果), best first, leaving out pairs declined
// before. ENOTFOUND if the caller may not see the demand.
func (s *Matching) AchievementsForDemand(ctx context.Context, ext string, k int) ([]*Recommendation, error) {
	d, err := s.svc.FindDemandByExternalID(ctx, ext) // authorises (and audits a confidential view)
	if err != nil {
		return nil, err
	}
	return s.ForDemand(ctx, d, k)
}

// ForDemand is AchievementsForDemand for a demand d exactly as
// FindDemandByID returned it to the caller (redacted or not): pages that
// show the demand already hold it, and a second read would audit a second
// view.
func (s *Matching) ForDemand(ctx context.Context, d *innobridge.Demand, k int) ([]*Recommendation, error) {
	u := innobridge.UserFromContext(ctx)
	full, err := s.svc.Store.FindDemandByID(ctx, d.ID) // match on the full text
	if err != nil {
		return nil, err
	}
	if err := s.ensure(ctx); err != nil {
		return nil, err
	}
	k = clampK(k)
	declined, tracked, err := s.pairs(ctx, innobridge.MatchFilter{DemandIDs: []int64{d.ID}})
	if err != nil {
		return nil, err
	}
	words := s.wording(&full.Listing) // once, however many rounds
	for n := k + len(declined) + 10; ; n = min(4*n, maxFetch) {
		out, more, err := s.achievementsFor(ctx, u, d, full, k, n, declined, tracked, words)
		if err != nil || len(out) == k || !more || n >= maxFetch {
			return out, err
		}
	}
}

// maxFetch bounds how many results a recommendation asks the engine for
// when those it may show run short (other organisations' private demands,
// declined pairs, its own listings).
const maxFetch = 2000

// achievementsFor asks the engine for n achievements for demand full and
// keeps up to k the caller may see; more reports whether the engine had
// n to give (so that asking for more may find more).
func (s *Matching) achievementsFor(ctx context.Context, u *innobridge.User, d, full *innobridge.Demand, k, n int,
	declined map[int64]bool, tracked map[int64]*innobridge.Match, words *wording) (out []*Recommendation, more bool, err error) {
	g := s.cur()
	res, err := g.ix.Search(ctx, full, n)
	if err != nil {
		return nil, false, err
	}
	ids := s.ids(res, g.achID)
	weak := weakIn(res)
	list, _, err := s.svc.FindAchievements(ctx, innobridge.ListingFilter{IDs: ids, Limit: len(ids) + 1})
	if err != nil {
		return nil, false, err
	}
	byExt := map[string]*innobridge.Achievement{}
	for _, a := range list {
		byExt[a.ExternalID] = a
	}
	// The caller sees the demand as d: full, or title and teaser only.
	qText := visibleDemandText(d)
	party := u.IsStaff() || ownsOrg(u, d.OwnerOrgID)
	for _, r := range res {
		a := byExt[r.ID]
		if a == nil || declined[a.ID] || sameOwner(a.OwnerOrgID, d.OwnerOrgID) {
			continue
		}
		why := r.Why
		var anchor *innobridge.Listing
		if x := byExt[why.Anchor]; x != nil {
			anchor = &x.Listing
		}
		words.snap(&why, anchor, listingText(&a.Listing))
		why.Matched = keepVisible(why.Matched, qText)
		if anchor == nil {
			why.Anchor, why.Related = "", nil
		}
		rec := &Recommendation{Achievement: a, Score: r.Score, Why: why, Weak: weak(r)}
		if party || ownsOrg(u, a.OwnerOrgID) {
			rec.Tracked = tracked[a.ID]
		}
		out = append(out, rec)
		if len(out) == k {
			break
		}
	}
	return out, len(res) == n, nil
}

// DemandsForAchievement recommends up to k demands the achievement with
// external id ext may serve (潜在需求方), best first. Demands the caller may
// not see are left out; confidential ones come redacted, and the
// explanation names only terms in what the caller sees of them.
func (s *Matching) DemandsForAchievement(ctx context.Context, ext string, k int) ([]*Recommendation, error) {
	a, err := s.svc.FindAchievementByExternalID(ctx, ext)
	if err != nil {
		return nil, err
	}
	return s.ForAchievement(ctx, a, k)
}

// ForAchievement is DemandsForAchievement for an achievement a as
// FindAchievementByID returned it to the caller.
func (s *Matching) ForAchievement(ctx context.Context, a *innobridge.Achievement, k int) ([]*Recommendation, error) {
	u := innobridge.UserFromContext(ctx)
	if err := s.ensure(ctx); err != nil {
		return nil, err
	}
	k = clampK(k)
	declined, tracked, err := s.pairs(ctx, innobridge.MatchFilter{AchievementIDs: []int64{a.ID}})
	if err != nil {
		return nil, err
	}
	words := s.wording(&a.Listing) // once, however many rounds
	for n := k + len(declined) + 10; ; n = min(4*n, maxFetch) {
		out, more, err := s.demandsFor(ctx, u, a, k, n, declined, tracked, words)
		if err != nil || len(out) == k || !more || n >= maxFetch {
			return out, err
		}
	}
}

// demandsFor asks the engine for n demands for achievement a and keeps up
// to k the caller may see; more reports whether the engine had n to give.
func (s *Matching) demandsFor(ctx context.Context, u *innobridge.User, a *innobridge.Achievement, k, n int,
	declined map[int64]bool, tracked map[int64]*innobridge.Match, words *wording) (out []*Recommendation, more bool, err error) {
	g := s.cur()
	res, err := g.ix.DemandsFor(ctx, a, n)
	if err != nil {
		return nil, false, err
	}
	ids := s.ids(res, g.demID)
	weak := weakIn(res)
	if anchor := anchorOf(res); anchor != "" {
		s.mu.Lock()
		if id, ok := g.demID[anchor]; ok {
			ids = append(ids, id)
		}
		s.mu.Unlock()
	}
	// FindDemands applies the caller's rights: private demands of others
	// are not returned, confidential ones come redacted.
	list, _, err := s.svc.FindDemands(ctx, innobridge.ListingFilter{IDs: ids, Limit: len(ids) + 1})
	if err != nil {
		return nil, false, err
	}
	byExt := map[string]*innobridge.Demand{}
	for _, d := range list {
		byExt[d.ExternalID] = d
	}
	party := u.IsStaff() || ownsOrg(u, a.OwnerOrgID)
	for _, r := range res {
		d := byExt[r.ID]
		if d == nil || declined[d.ID] || sameOwner(a.OwnerOrgID, d.OwnerOrgID) {
			continue
		}
		why := r.Why
		anchor := byExt[why.Anchor]
		var anchorListing *innobridge.Listing
		if anchor != nil {
			anchorListing = &anchor.Listing
		}
		text := visibleDemandText(d)
		words.snap(&why, anchorListing, text)
		why.Matched = keepVisible(why.Matched, text)
		if anchor != nil {
			why.Related = keepVisible(why.Related, text, visibleDemandText(anchor))
		} else {
			why.Anchor, why.Related = "", nil
		}
		rec := &Recommendation{Demand: d, Score: r.Score, Why: why, Weak: weak(r)}
		if party || ownsOrg(u, d.OwnerOrgID) {
			rec.Tracked = tracked[d.ID]
		}
		out = append(out, rec)
		if len(out) == k {
			break
		}
	}
	return out, len(res) == n, nil
}

// sameOwner reports whether two listings belong to one organisation: its
// own achievements are no docking partner for its demands.
func sameOwner(a, b int64) bool { return a != 0 && a == b }

func clampK(k int) int {
	if k <= 0 {
		return 10
	}
	return min(k, MaxRecommendations)
}

func anchorOf(res []match.Result) string {
	for _, r := range res {
		if r.Why.Anchor != "" {
			return r.Why.Anchor
		}
	}
	return ""
}

// ids maps the results' external ids to ids.
func (s *Matching) ids(res []match.Result, byExt map[string]int64) []int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]int64, 0, len(res))
	for _, r := range res {
		if id, ok := byExt[r.ID]; ok {
			out = append(out, id)
		}
	}
	return out
}

// pairs returns the tracked pairs f selects: the other side's ids of the
// declined ones, and every pair by the other side's id.
func (s *Matching) pairs(ctx context.Context, f innobridge.MatchFilter) (declined map[int64]bool, tracked map[int64]*innobridge.Match, err error) {
	list, _, err := s.svc.Store.FindMatches(ctx, f)
	if err != nil {
		return nil, nil, err
	}
	declined, tracked = map[int64]bool{}, map[int64]*innobridge.Match{}
	for _, m := range list {
		other := m.AchievementID
		if len(f.AchievementIDs) > 0 {
			other = m.DemandID
		}
		tracked[other] = m
		if m.Status == innobridge.MatchDeclined {
			declined[other] = true
		}
	}
	return declined, tracked, nil
}

// visibleDemandText is the text of d as its reader sees it: everything, or
// for a redacted demand the title and teaser only.
func visibleDemandText(d *innobridge.Demand) string {
	if d.Hidden || d.Confidentiality != innobridge.ConfPublic && d.Description == "" {
		return zh.Fold(d.Title + "\n" + d.Teaser)
	}
	return zh.Fold(d.Title + "\n" + d.Teaser + "\n" + d.Description + "\n" + strings.Join(d.Keywords, "\n"))
}

// teaserText is the text of d anyone who may list it sees.
func teaserText(d *innobridge.Demand) string {
	if d.Confidentiality == innobridge.ConfPublic {
		return visibleDemandText(d)
	}
	return zh.Fold(d.Title + "\n" + d.Teaser)
}

// wording says an explanation's shared terms in whole words: the engine
// finds them as runs of character pairs, which may cut a word (化硅 of
// 碳化硅) or join words another way than the texts do (炉煤气 of 高炉煤气
// against 转炉煤气). See zh.Text.Shared. Nil, which changes nothing, when
// the engine runs without the dictionary.
type wording struct {
	an      *zh.Analyzer
	query   *zh.Text
	anchors map[*innobridge.Listing]*zh.Text
}

// wording returns the wording of the explanations of a search for the
// listing q (the demand or the achievement searched for).
func (s *Matching) wording(q *innobridge.Listing) *wording {
	if s.opts.NoSegment {
		return nil
	}
	an := s.opts.Analyzer
	if an == nil {
		an = zh.MustDefault()
	}
	return &wording{an: an, query: an.Cut(listingText(q)), anchors: map[*innobridge.Listing]*zh.Text{}}
}

// snap rewrites the shared terms of w, an explanation of a listing whose
// folded text is text: the terms matched are the query's, those related
// the anchor's (nil: none to show), each said as what the text shares
// with them.
func (wd *wording) snap(w *match.Why, anchor *innobridge.Listing, text string) {
	if wd == nil {
		return
	}
	w.Matched = wd.query.Shared(w.Matched, text)
	if anchor == nil || len(w.Related) == 0 {
		return
	}
	at := wd.anchors[anchor]
	if at == nil {
		at = wd.an.Cut(listingText(anchor))
		wd.anchors[anchor] = at
	}
	w.Related = slices.DeleteFunc(at.Shared(w.Related, text), func(t string) bool {
		return slices.ContainsFunc(w.Matched, func(m string) bool { return strings.Contains(m, t) })
	})
}

// listingText is a listing's text as the engine reads it, folded.
func listingText(l *innobridge.Listing) string {
	return zh.Fold(l.Title + "\n" + strings.Join(l.Keywords, "\n") + "\n" + l.Teaser + "\n" + l.Description)
}

// keepVisible keeps the terms found in every one of the folded texts.
func keepVisible(terms []string, texts ...string) []string {
	return slices.DeleteFunc(slices.Clone(terms), func(t string) bool {
		t = zh.Fold(t)
		for _, x := range texts {
			if !strings.Contains(x, t) {
				return true
			}
		}
		return false
	})
}
