package demo

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/innobridge/innobridge"
	"github.com/innobridge/innobridge/service"
)

// Docking makes the demo roadshow's docking list (对接清单) with the
// matching engine, as staff would after the event, and moves a few of its
// pairs along the docking process (contacted, negotiating, signed, one
// declined for its price), so that the docking pages and their progress
// counts show on a fresh start; and one confidential pair (confidentialPair). Call it once, after Load has loaded the
// demo (it reported loaded) and the matching service exists.
func Docking(ctx context.Context, svc *service.Service, m *service.Matching) error {
	role := innobridge.RoleStaff
	users, _, err := svc.Store.FindUsers(ctx, innobridge.UserFilter{Role: &role, Limit: 1})
	if err != nil {
		return fmt.Errorf("demo.Docking: %w", err)
	}
	if len(users) == 0 {
		return fmt.Errorf("demo.Docking: no staff account")
	}
	sctx := innobridge.NewContextWithUser(ctx, users[0])
	events, _, err := svc.FindEvents(sctx, innobridge.EventFilter{Limit: 1})
	if err != nil || len(events) == 0 {
		return fmt.Errorf("demo.Docking: the demo event: %v (%d found)", err, len(events))
	}
	l, err := m.CreateDockingList(sctx, service.DockingRequest{EventID: events[0].ID, TopN: 3})
	if err != nil {
		return fmt.Errorf("demo.Docking: event %q: %w", events[0].Name, err)
	}
	// The pairs move on, each to a different stage: the best pair of each
	// demand first, then the others (a demand whose matches are all weak
	// has none on the list).
	steps := []innobridge.MatchUpdate{
		{Status: ptr(innobridge.MatchNegotiating), Note: ptr("双方已互访，正在商谈许可费用。")},
		{Status: ptr(innobridge.MatchSigned), Note: ptr("已签订技术许可合同，待登记。")},
		{Status: ptr(innobridge.MatchContacted)},
		{Status: ptr(innobridge.MatchDeclined), Reason: ptr(innobridge.DeclinePrice), Note: ptr("报价超出企业预算。")},
	}
	items := slices.Clone(l.Items)
	slices.SortStableFunc(items, func(a, b *innobridge.DockingItem) int { return cmp.Compare(min(a.Rank, 2), min(b.Rank, 2)) })
	if len(items) < len(steps) {
		return fmt.Errorf("demo.Docking: event %q: %d pairs, want %d", events[0].Name, len(items), len(steps))
	}
	for i, upd := range steps {
		it := items[i]
		if _, err := m.TrackMatch(sctx, it.DemandExt, it.AchievementExt, upd); err != nil {
			return fmt.Errorf("demo.Docking: pair %s×%s: %w", it.DemandExt, it.AchievementExt, err)
		}
	}
	return confidentialPair(sctx, svc, m)
}

// confidentialPair puts 华芯's private demand in contact with 光电所's
// packaging process, so that the institute's side of the pair (on its
// ledger, 我的对接) shows how a private demand stays unnamed until its owner
// takes the pair into negotiation.
func confidentialPair(sctx context.Context, svc *service.Service, m *service.Matching) error {
	const demand, achievement = "晶圆级封装翘曲控制工艺联合攻关", "高速硅光调制器芯片及耦合封装工艺"
	ds, _, err := svc.Store.FindDemands(sctx, innobridge.ListingFilter{Limit: 1000})
	if err != nil {
		return fmt.Errorf("demo.Docking: %s: %w", demand, err)
	}
	as, _, err := svc.Store.FindAchievements(sctx, innobridge.ListingFilter{Limit: 1000})
	if err != nil {
		return fmt.Errorf("demo.Docking: %s: %w", achievement, err)
	}
	i := slices.IndexFunc(ds, func(d *innobridge.Demand) bool { return d.Title == demand })
	j := slices.IndexFunc(as, func(a *innobridge.Achievement) bool { return a.Title == achievement })
	if i < 0 || j < 0 {
		return fmt.Errorf("demo.Docking: the pair %s × %s is not in the demo data", demand, achievement)
	}
	_, err = m.TrackMatch(sctx, ds[i].ExternalID, as[j].ExternalID, innobridge.MatchUpdate{
		Status: ptr(innobridge.MatchContacted), Note: ptr("企业内部目标：翘曲小于 20 微米，预算上限 600 万元。")})
	if err != nil {
		return fmt.Errorf("demo.Docking: pair %s×%s: %w", ds[i].ExternalID, as[j].ExternalID, err)
	}
	return nil
}

func ptr[T any](v T) *T { return &v }
