package storetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/innobridge/innobridge"
)

var schemaTests = []test{
	{"NewDatabaseInitialised", testSchemaNew},
	{"ErrStaleRefused", testSchemaStale},
	{"MigrateStepByStep", testSchemaStepByStep},
	{"ConcurrentMigrators", testConcurrentMigrators},
	{"NotificationsKeptAcrossKindChange", testNotificationKinds},
	{"Reopen", testReopen},
	{"ErrForeignDatabase", testSchemaForeign},
	{"ErrNewerSchema", testSchemaNewer},
}

func testSchemaNew(t *testing.T, b Backend) {
	s, _ := MustOpen(t, b)
	have, want, err := s.SchemaVersion(t.Context())
	must(t, err, "SchemaVersion")
	if want < 2 || have != want {
		t.Errorf("SchemaVersion = %d, %d: want a new database at the newest version (at least 2)", have, want)
	}
	// Migrating an up-to-date database does nothing.
	must(t, s.MigrateTo(t.Context(), -1), "MigrateTo(-1)")
	if h, _, _ := s.SchemaVersion(t.Context()); h != have {
		t.Errorf("version %d after a no-op migration, want %d", h, have)
	}
}

func testSchemaStale(t *testing.T, b Backend) {
	name := b.NewDB(t)
	old := MustOpenName(t, b, name, Options{NoSchemaCheck: true})
	have, want, err := old.SchemaVersion(t.Context())
	must(t, err, "SchemaVersion")
	if have != 0 {
		t.Fatalf("a database opened with NoSchemaCheck is at version %d, want 0 (untouched)", have)
	}
	must(t, old.MigrateTo(t.Context(), 1), "MigrateTo(1)")
	if have, _, _ := old.SchemaVersion(t.Context()); have != 1 {
		t.Fatalf("version %d after MigrateTo(1)", have)
	}
	// Data written under the old schema must survive the upgrade.
	org := MustCreateOrganization(t, old, NewOrganization("keep", "旧库机构", innobridge.OrgLab, "", "320500"))
	must(t, old.Close(), "Close")

	_, err = b.Open(t.Context(), name, Options{})
	wantCode(t, err, innobridge.ESTALE, "", "innobridge migrate", fmt.Sprint(want))

	s := MustOpenName(t, b, name, Options{Migrate: true})
	have, _, err = s.SchemaVersion(t.Context())
	must(t, err, "SchemaVersion")
	if have != want {
		t.Errorf("version %d after Open with Migrate, want %d", have, want)
	}
	got, err := s.FindOrganizationByID(t.Context(), org.ID)
	must(t, err, "FindOrganizationByID")
	if got.ExternalID != "keep" {
		t.Errorf("organization after migration: %+v", got)
	}
}

func testSchemaStepByStep(t *testing.T, b Backend) {
	name := b.NewDB(t)
	s := MustOpenName(t, b, name, Options{NoSchemaCheck: true})
	_, want, err := s.SchemaVersion(t.Context())
	must(t, err, "SchemaVersion")
	for v := 1; v <= want; v++ {
		must(t, s.MigrateTo(t.Context(), v), fmt.Sprintf("MigrateTo(%d)", v))
		have, _, err := s.SchemaVersion(t.Context())
		must(t, err, "SchemaVersion")
		if have != v {
			t.Fatalf("version %d after MigrateTo(%d)", have, v)
		}
	}
	// The result works like a database initialised at once.
	MustCreateAchievement(t, s, NewAchievement(t, "a", "煤气", "", 0))
}

// testNotificationKinds: migration 12 lets notifications be of the kind
// match_quiet (on SQLite by rebuilding the table), keeping those stored
// before, read or not, and still refusing unknown kinds.
func testNotificationKinds(t *testing.T, b Backend) {
	name := b.NewDB(t)
	s := MustOpenName(t, b, name, Options{NoSchemaCheck: true})
	must(t, s.MigrateTo(t.Context(), 11), "MigrateTo(11)")
	org := MustCreateOrganization(t, s, NewOrganization("n-org", "通知机构", innobridge.OrgLab, "", "320500"))
	var kept []*innobridge.Notification
	for _, key := range []string{"policy:p@2026-01-01", "expiring:hightech:GR1:2026-04-30"} {
		n := &innobridge.Notification{OrgID: org.ID, Kind: innobridge.NoteEligible, Key: key, Title: "标题 " + key, Body: "正文", Link: "/x"}
		_, err := s.CreateNotification(t.Context(), n)
		must(t, err, "CreateNotification")
		kept = append(kept, n)
	}
	_, err := s.MarkNotificationsRead(t.Context(), org.ID, []int64{kept[0].ID})
	must(t, err, "MarkNotificationsRead")
	before, _, err := s.FindNotifications(t.Context(), innobridge.NotificationFilter{OrgID: &org.ID})
	must(t, err, "FindNotifications")
	quiet := &innobridge.Notification{OrgID: org.ID, Kind: innobridge.NoteQuiet, Key: "quiet:1@x", Title: "对接已 31 天未更新"}
	if _, err := s.CreateNotification(t.Context(), quiet); err == nil {
		t.Fatal("schema 11 took a match_quiet notification; the test no longer tests migration 12")
	}
	must(t, s.MigrateTo(t.Context(), -1), "MigrateTo(newest)")
	after, _, err := s.FindNotifications(t.Context(), innobridge.NotificationFilter{OrgID: &org.ID})
	must(t, err, "FindNotifications")
	same(t, "notifications kept by the migration", after, before)
	created, err := s.CreateNotification(t.Context(), quiet)
	must(t, err, "CreateNotification(match_quiet)")
	if !created {
		t.Error("match_quiet notification not created after the migration")
	}
	again, err := s.CreateNotification(t.Context(), &innobridge.Notification{OrgID: org.ID, Kind: innobridge.NoteQuiet, Key: kept[0].Key, Title: "x"})
	must(t, err, "CreateNotification(a key stored before)")
	if again {
		t.Error("a key announced before the migration was announced again: the unique key was lost")
	}
	_, err = s.CreateNotification(t.Context(), &innobridge.Notification{OrgID: org.ID, Kind: "gossip", Key: "g", Title: "x"})
	wantCode(t, err, innobridge.EINVALID, "kind")
}

func testConcurrentMigrators(t *testing.T, b Backend) {
	name := b.NewDB(t)
	const n = 4
	var wg sync.WaitGroup
	errs := make([]error, n)
	stores := make([]Store, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stores[i], errs[i] = b.Open(t.Context(), name, Options{Migrate: true})
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("migrator %d: %v", i, err)
			continue
		}
		have, want, err := stores[i].SchemaVersion(t.Context())
		if err != nil || have != want {
			t.Errorf("migrator %d sees version %d of %d (err %v)", i, have, want, err)
		}
		stores[i].Close()
	}
}

func testReopen(t *testing.T, b Backend) {
	name := b.NewDB(t)
	clock := NewClock()
	s := MustOpenName(t, b, name, Options{Now: clock.Now})
	a := MustCreateAchievement(t, s, NewAchievement(t, "persist", "持久化测试", "", 0))
	must(t, s.Close(), "Close")
	s2, err := b.Open(t.Context(), name, Options{Now: time.Now})
	must(t, err, "reopen")
	defer s2.Close()
	got, err := s2.FindAchievementByID(t.Context(), a.ID)
	must(t, err, "FindAchievementByID after reopen")
	same(t, "achievement after reopen", got, a)
	must(t, s2.Ping(t.Context()), "Ping")
}

// testSchemaForeign checks that a database with tables but no innobridge
// schema is refused, not initialised over.
func testSchemaForeign(t *testing.T, b Backend) {
	if b.Exec == nil {
		t.Skip("the backend has no Exec")
	}
	name := b.NewDB(t)
	must(t, b.Exec(t.Context(), name, "CREATE TABLE payroll (id INTEGER PRIMARY KEY, amount INTEGER)"), "Exec")
	for _, opts := range []Options{{}, {Migrate: true}} {
		_, err := b.Open(t.Context(), name, opts)
		wantCode(t, err, innobridge.ESTALE, "", "not an innobridge database")
	}
	// Nor by migrating it explicitly, as `innobridge migrate` does.
	s, err := b.Open(t.Context(), name, Options{NoSchemaCheck: true})
	must(t, err, "Open(NoSchemaCheck)")
	defer s.Close()
	wantCode(t, s.MigrateTo(t.Context(), -1), innobridge.ESTALE, "", "not an innobridge database")
}

// testSchemaNewer checks that a schema newer than the program's is
// refused, also when migrating.
func testSchemaNewer(t *testing.T, b Backend) {
	if b.Exec == nil {
		t.Skip("the backend has no Exec")
	}
	name := b.NewDB(t)
	s := MustOpenName(t, b, name, Options{})
	_, want, err := s.SchemaVersion(t.Context())
	must(t, err, "SchemaVersion")
	must(t, s.Close(), "Close")
	must(t, b.Exec(t.Context(), name, fmt.Sprintf(
		"INSERT INTO schema_migrations (version, name, applied_at) VALUES (%d, 'from_the_future.sql', '2030-01-01T00:00:00.000000Z')", want+1)), "Exec")
	for _, opts := range []Options{{}, {Migrate: true}} {
		_, err := b.Open(t.Context(), name, opts)
		wantCode(t, err, innobridge.ECONFLICT, "", "upgrade innobridge", fmt.Sprint(want+1))
	}
}
