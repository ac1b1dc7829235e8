package main

import (
	"context"
	"io"
	"slices"
	"testing"
	"time"

	"github.com/innobridge/innobridge"
	"github.com/innobridge/innobridge/postgres/pgtest"
)

// TestInstancesShareOnePostgreSQL runs two platform instances on one
// PostgreSQL database, each with its own match index: an achievement
// published through one is recommended by the other after its next
// refresh, and no longer once it is withdrawn through the first.
func TestInstancesShareOnePostgreSQL(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	start := func(demo bool) *Main {
		m := &Main{Addr: "127.0.0.1:0", DSN: dsn, Demo: demo, Out: io.Discard, RefreshEvery: 100 * time.Millisecond}
		if err := m.Run(context.Background()); err != nil {
			m.Close()
			t.Fatal(err)
		}
		t.Cleanup(func() { m.Close() })
		return m
	}
	a, b := start(true), start(false)

	ctx := context.Background()
	user := func(name string) context.Context {
		us, _, err := a.Store.FindUsers(ctx, innobridge.UserFilter{Username: &name})
		if err != nil || len(us) != 1 {
			t.Fatalf("demo user %s: %d found, %v", name, len(us), err)
		}
		return innobridge.NewContextWithUser(ctx, us[0])
	}
	staff, uni := user("staff"), user("university")
	ds, _, err := a.Store.FindDemands(ctx, innobridge.ListingFilter{Statuses: []innobridge.Status{innobridge.StatusPublished},
		Confidentialities: []innobridge.Confidentiality{innobridge.ConfPublic}, Limit: 1})
	if err != nil || len(ds) != 1 {
		t.Fatalf("a published demo demand: %d found, %v", len(ds), err)
	}
	demand := ds[0]
	recommended := func(m *Main) []string {
		recs, err := m.Matching.AchievementsForDemand(staff, demand.ExternalID, 10)
		if err != nil {
			t.Fatalf("AchievementsForDemand(%s): %v", demand.ExternalID, err)
		}
		var ids []string
		for _, r := range recs {
			ids = append(ids, r.Achievement.ExternalID)
		}
		return ids
	}
	waitFor := func(what string, m *Main, ok func([]string) bool) {
		t.Helper()
		deadline := time.Now().Add(15 * time.Second)
		for {
			ids := recommended(m)
			if ok(ids) {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: recommendations for %s are %v", what, demand.ExternalID, ids)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}

	live := func(m *Main) int { return m.Matching.Index().Stats().Achievements.Live }
	// b's index is built (a first query waits for it) before a changes
	// anything: b learns of the changes only from its refreshes.
	if ids := recommended(b); len(ids) == 0 {
		t.Fatalf("no recommendations for %s on the second instance", demand.ExternalID)
	}
	before := live(b)

	// The answer to the demand, in its own words, published through a.
	ach := &innobridge.Achievement{Listing: innobridge.Listing{ExternalID: "ach-two-instances",
		Title: demand.Title, Description: demand.Description, Keywords: demand.Keywords, Status: innobridge.StatusPublished}}
	if err := a.Service.CreateAchievement(uni, ach); err != nil {
		t.Fatal(err)
	}
	if ids := recommended(a); !slices.Contains(ids, ach.ExternalID) {
		t.Fatalf("the instance that published %s does not recommend it at once: %v", ach.ExternalID, ids)
	}
	waitFor("the other instance after its refresh", b, func(ids []string) bool { return slices.Contains(ids, ach.ExternalID) })
	if n := live(b); n != before+1 {
		t.Errorf("the other instance indexes %d achievements after one was published, want %d", n, before+1)
	}

	withdrawn := innobridge.StatusWithdrawn
	if _, err := a.Service.UpdateAchievement(uni, ach.ID, innobridge.AchievementUpdate{Status: &withdrawn}); err != nil {
		t.Fatal(err)
	}
	// Recommendations are read back from the store, which drops a
	// withdrawn listing at once; the index must drop it too.
	waitFor("the other instance after the withdrawal", b, func(ids []string) bool {
		return !slices.Contains(ids, ach.ExternalID) && live(b) == before
	})
	if ids := recommended(a); slices.Contains(ids, ach.ExternalID) {
		t.Errorf("the withdrawing instance still recommends %s: %v", ach.ExternalID, ids)
	}
}
