package service

import (
	"context"

	"github.com/innobridge/innobridge"
)

// SetCompactHook sets a function Compact calls when the copy is made,
// before it is swapped in.
func (m *Matching) SetCompactHook(f func()) { m.compactHook = f }

// Generation returns the current generation, opaque, for PutAchievementInto.
func (m *Matching) Generation() any { return m.cur() }

// PutAchievementInto applies a as a change aimed at generation g (one
// Generation returned), as listingChanged or a refresh does with the
// generation it took before reading the store.
func (m *Matching) PutAchievementInto(ctx context.Context, g any, a *innobridge.Achievement) error {
	return m.putAchievements(ctx, g.(*generation), []*innobridge.Achievement{a})
}
