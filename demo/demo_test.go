package demo_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/innobridge/innobridge"
	"github.com/innobridge/innobridge/demo"
	"github.com/innobridge/innobridge/passwd"
	"github.com/innobridge/innobridge/service"
	"github.com/innobridge/innobridge/sqlite"
	"github.com/innobridge/innobridge/zh"
)

// MustOpenService opens a service over a fresh SQLite file in tb's temp dir.
func MustOpenService(tb testing.TB) *service.Service {
	tb.Helper()
	ctx := context.Background()
	store, err := sqlite.Open(ctx, filepath.Join(tb.TempDir(), "demo.db"), sqlite.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { store.Close() })
	analyzer, err := zh.Default()
	if err != nil {
		tb.Fatal(err)
	}
	svc := service.New(store, analyzer, slog.New(slog.NewTextHandler(io.Discard, nil)))
	// Cheap hashing keeps the test fast; the policy is the same.
	svc.Config.PasswordParams = passwd.Params{Memory: 1024, Time: 1, Threads: 1}
	return svc
}

// the demo accounts as printed, so that the test also checks the README's
// promise that they work.
var logins = map[string]innobridge.Role{
	"admin": innobridge.RoleAdmin, "staff": innobridge.RoleStaff, "dept": innobridge.RoleDept,
	"enterprise": innobridge.RoleMember, "university": innobridge.RoleMember,
	"expert": innobridge.RoleExpert, "investor": innobridge.RoleInvestor,
}

type totals struct{ orgs, users, achievements, demands, audit int }

func count(t *testing.T, svc *service.Service) totals {
	t.Helper()
	ctx := context.Background()
	staff := staffContext(t, svc)
	all := []innobridge.Status{innobridge.StatusDraft, innobridge.StatusPublished, innobridge.StatusWithdrawn, innobridge.StatusSuspended}
	var c totals
	var err error
	if _, c.orgs, err = svc.FindOrganizations(ctx, innobridge.OrganizationFilter{}); err != nil {
		t.Fatal(err)
	}
	if _, c.users, err = svc.Store.FindUsers(ctx, innobridge.UserFilter{}); err != nil {
		t.Fatal(err)
	}
	if _, c.achievements, err = svc.FindAchievements(staff, innobridge.ListingFilter{Statuses: all}); err != nil {
		t.Fatal(err)
	}
	if _, c.demands, err = svc.FindDemands(staff, innobridge.ListingFilter{Statuses: all}); err != nil {
		t.Fatal(err)
	}
	if _, c.audit, err = svc.Store.FindAudit(ctx, innobridge.AuditFilter{}); err != nil {
		t.Fatal(err)
	}
	return c
}

func staffContext(t *testing.T, svc *service.Service) context.Context {
	t.Helper()
	u, err := svc.Store.FindUserByUsername(context.Background(), "staff")
	if err != nil {
		t.Fatal(err)
	}
	return innobridge.NewContextWithUser(context.Background(), u)
}

func TestLoad(t *testing.T) {
	ctx := context.Background()
	svc := MustOpenService(t)
	var out bytes.Buffer
	loaded, err := demo.Load(ctx, svc, &out)
	if err != nil {
		t.Fatal(err)
	}
	if !loaded {
		t.Fatal("Load into an empty store returned loaded=false")
	}
	anon := innobridge.NewContextWithUser(ctx, nil)

	t.Run("Counts", func(t *testing.T) {
		c := count(t, svc)
		if c.orgs < 20 || c.users != len(logins) || c.achievements < 50 || c.demands < 25 {
			t.Errorf("loaded %+v, want ≥20 organisations, %d users, ≥50 achievements, ≥25 demands", c, len(logins))
		}
		// Drafts and withdrawn listings are there but not public.
		_, pub, err := svc.FindAchievements(anon, innobridge.ListingFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if pub >= c.achievements || pub < c.achievements-5 {
			t.Errorf("%d of %d achievements public; want a few unpublished", pub, c.achievements)
		}
	})

	t.Run("Roadshow", func(t *testing.T) {
		sctx := staffContext(t, svc)
		now := svc.Now()
		list, _, err := svc.FindEvents(sctx, innobridge.EventFilter{From: &now})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 1 || list[0].Kind != innobridge.EventRoadshow {
			t.Fatalf("upcoming events %+v, want one roadshow", list)
		}
		d, err := svc.FindEventByID(sctx, list[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Achievements) < 3 || len(d.Demands) < 2 {
			t.Errorf("the roadshow has %d achievements and %d demands, want at least 3 and 2", len(d.Achievements), len(d.Demands))
		}
		past, _, err := svc.FindEvents(sctx, innobridge.EventFilter{Before: &now})
		if err != nil {
			t.Fatal(err)
		}
		if len(past) != 2 || past[0].Status != innobridge.EventCancelled || past[0].CancelReason == "" || past[1].Cancelled() {
			t.Errorf("past events %+v, want two, the latest cancelled with a reason", past)
		}
	})

	t.Run("Organizations", func(t *testing.T) {
		list, _, err := svc.FindOrganizations(ctx, innobridge.OrganizationFilter{})
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[innobridge.OrgKind]int{}
		for _, o := range list {
			kinds[o.Kind]++
			if o.USCC == "" {
				t.Errorf("%s has no USCC", o.Name)
			} else if msg := innobridge.ValidateUSCC(o.USCC); msg != "" {
				t.Errorf("%s: USCC %s: %s", o.Name, o.USCC, msg)
			}
			if !strings.HasPrefix(o.Region, "3205") {
				t.Errorf("%s: region %s is outside the demo city", o.Name, o.Region)
			}
			if o.Kind == innobridge.OrgEnterprise && innobridge.IndustryName(o.Industry) == "" {
				t.Errorf("%s: industry %q is not a GB/T 4754 code", o.Name, o.Industry)
			}
		}
		for _, k := range innobridge.OrgKinds {
			if kinds[k] == 0 {
				t.Errorf("no organisation of kind %s", k)
			}
		}
	})

	t.Run("Logins", func(t *testing.T) {
		for username, role := range logins {
			line := findLine(out.String(), username)
			f := strings.Fields(line)
			if len(f) < 3 {
				t.Errorf("no account line for %s in:\n%s", username, out.String())
				continue
			}
			password := f[1]
			if msg := passwd.Policy(password, username); msg != "" {
				t.Errorf("%s: password %q fails the policy: %s", username, password, msg)
			}
			_, u, err := svc.Login(ctx, username, password)
			if err != nil {
				t.Errorf("Login(%s): %v", username, err)
				continue
			}
			if u.Role != role {
				t.Errorf("%s has role %s, want %s", username, u.Role, role)
			}
			if role == innobridge.RoleMember && u.OrgID == 0 {
				t.Errorf("member %s belongs to no organisation", username)
			}
		}
	})

	t.Run("Search", func(t *testing.T) {
		list, n, err := svc.FindAchievements(anon, innobridge.ListingFilter{Query: "煤气"})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, a := range list {
			found = found || strings.Contains(a.Description, "提高煤气利用率")
		}
		if !found {
			t.Errorf("search 煤气 found %d achievements, none containing 提高煤气利用率", n)
		}
	})

	t.Run("Achievements", func(t *testing.T) {
		list, _, err := svc.FindAchievements(anon, innobridge.ListingFilter{})
		if err != nil {
			t.Fatal(err)
		}
		trls, fields := map[int]bool{}, map[string]bool{}
		var negotiable, priced, patents int
		for _, a := range list {
			trls[a.TRL], fields[a.Field] = true, true
			if a.Negotiable && a.PriceYuan == nil {
				negotiable++
			} else if a.PriceYuan != nil {
				priced++
			}
			for _, num := range a.IPNumbers {
				if strings.HasPrefix(num, "ZL") {
					patents++
				}
			}
			if len(a.TransferModes) == 0 {
				t.Errorf("%s: no transfer mode", a.Title)
			}
		}
		if len(trls) < 5 || len(fields) != 8 || negotiable == 0 || priced == 0 || patents == 0 {
			t.Errorf("achievements span %d TRLs and %d fields, %d 面议, %d priced, %d patent numbers", len(trls), len(fields), negotiable, priced, patents)
		}
	})

	t.Run("Demands", func(t *testing.T) {
		today := innobridge.NewDate(svc.Now())
		list, _, err := svc.FindDemands(staffContext(t, svc), innobridge.ListingFilter{})
		if err != nil {
			t.Fatal(err)
		}
		levels := map[innobridge.Confidentiality]int{}
		for _, d := range list {
			levels[d.Confidentiality]++
			if d.Deadline == nil || !d.Deadline.After(today.Time) {
				t.Errorf("%s: deadline %v is not in the future", d.Title, d.Deadline)
			}
		}
		if levels[innobridge.ConfPublic] == 0 || levels[innobridge.ConfTeaser] == 0 || levels[innobridge.ConfPrivate] == 0 {
			t.Errorf("confidentiality levels %v; want all three", levels)
		}
	})

	t.Run("ConfidentialHidden", func(t *testing.T) {
		list, _, err := svc.FindDemands(anon, innobridge.ListingFilter{})
		if err != nil {
			t.Fatal(err)
		}
		teasers := 0
		for _, d := range list {
			switch d.Confidentiality {
			case innobridge.ConfPrivate:
				t.Errorf("anonymous list shows private demand %q", d.Title)
			case innobridge.ConfTeaser:
				teasers++
				if d.Description != "" || len(d.Keywords) > 0 || !d.Hidden || d.Teaser == "" {
					t.Errorf("teaser demand %q shown to anonymous: description %q, keywords %v, hidden %v", d.Title, d.Description, d.Keywords, d.Hidden)
				}
			}
		}
		if teasers == 0 {
			t.Error("no teaser demand listed to anonymous")
		}
		// Words only in a private demand's text do not find it.
		if _, n, err := svc.FindDemands(anon, innobridge.ListingFilter{Query: "扇出型"}); err != nil || n != 0 {
			t.Errorf("anonymous search for a private demand's word: %d results, %v", n, err)
		}
	})

	t.Run("SecondLoad", func(t *testing.T) {
		before := count(t, svc)
		var out2 bytes.Buffer
		loaded, err := demo.Load(ctx, svc, &out2)
		if err != nil || loaded {
			t.Fatalf("second Load = %v, %v; want false, nil", loaded, err)
		}
		if after := count(t, svc); after != before {
			t.Errorf("second Load changed the store: %+v, then %+v", before, after)
		}
		if out2.Len() != 0 {
			t.Errorf("second Load printed %q", out2.String())
		}
	})
}

// TestLoadDeterministic checks that two loads give the same organisations,
// credit codes and patent numbers.
func TestLoadDeterministic(t *testing.T) {
	ctx := context.Background()
	var texts [2]string
	for i := range texts {
		svc := MustOpenService(t)
		if _, err := demo.Load(ctx, svc, io.Discard); err != nil {
			t.Fatal(err)
		}
		orgs, _, err := svc.FindOrganizations(ctx, innobridge.OrganizationFilter{})
		if err != nil {
			t.Fatal(err)
		}
		achs, _, err := svc.FindAchievements(staffContext(t, svc), innobridge.ListingFilter{Sort: "title"})
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for _, o := range orgs {
			b.WriteString(o.Name + o.USCC + o.Phone + "\n")
		}
		for _, a := range achs {
			b.WriteString(a.Title + strings.Join(a.IPNumbers, ",") + "\n")
		}
		texts[i] = b.String()
	}
	if texts[0] != texts[1] {
		t.Errorf("two loads differ:\n%s\n---\n%s", texts[0], texts[1])
	}
}

// TestLoadKeepsExistingUser loads into a store whose first administrator
// was created before the demo data.
func TestLoadKeepsExistingUser(t *testing.T) {
	ctx := context.Background()
	svc := MustOpenService(t)
	_, pw, err := svc.Bootstrap(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if loaded, err := demo.Load(ctx, svc, &out); err != nil || !loaded {
		t.Fatalf("Load = %v, %v", loaded, err)
	}
	if _, _, err := svc.Login(ctx, "admin", pw); err != nil {
		t.Errorf("bootstrap administrator can no longer log in: %v", err)
	}
	if !strings.Contains(findLine(out.String(), "admin"), "existing") {
		t.Errorf("report does not say admin was kept:\n%s", out.String())
	}
}

// findLine returns the account table line for username.
func findLine(out, username string) string {
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) > 0 && f[0] == username {
			return line
		}
	}
	return ""
}
