package service_test

import (
	"context"
	"slices"
	"testing"

	"github.com/innobridge/innobridge"
)

func ptr[T any](v T) *T { return &v }

func achievementIDs(list []*innobridge.Achievement) []string {
	var out []string
	for _, a := range list {
		out = append(out, a.ExternalID)
	}
	slices.Sort(out)
	return out
}

func demandIDs(list []*innobridge.Demand) []string {
	var out []string
	for _, d := range list {
		out = append(out, d.ExternalID)
	}
	slices.Sort(out)
	return out
}

func TestFindAchievementsVisibility(t *testing.T) {
	f := newFixture(t)
	all := []innobridge.Status{innobridge.StatusDraft, innobridge.StatusPublished, innobridge.StatusWithdrawn, innobridge.StatusSuspended}
	for _, tt := range []struct {
		name   string
		actor  *innobridge.User
		filter innobridge.ListingFilter
		want   []string
	}{
		{"Anonymous", nil, innobridge.ListingFilter{}, []string{"ach-pub"}},
		{"AnonymousAsksForDrafts", nil, innobridge.ListingFilter{Statuses: all}, []string{"ach-pub"}},
		{"AnonymousAsksForOwner", nil, innobridge.ListingFilter{OwnerOrgID: &f.uni.ID, Statuses: all}, []string{"ach-pub"}},
		{"OtherOrgAsksForOwner", f.entMember, innobridge.ListingFilter{OwnerOrgID: &f.uni.ID, Statuses: all}, []string{"ach-pub"}},
		{"OwnerAllStatuses", f.uniMember, innobridge.ListingFilter{OwnerOrgID: &f.uni.ID, Statuses: all}, []string{"ach-draft", "ach-expired", "ach-pub"}},
		{"StaffAllStatuses", f.staff, innobridge.ListingFilter{Statuses: all}, []string{"ach-draft", "ach-expired", "ach-pub"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			list, n, err := f.svc.FindAchievements(as(tt.actor), tt.filter)
			if err != nil {
				t.Fatal(err)
			}
			if got := achievementIDs(list); !slices.Equal(got, tt.want) || n != len(tt.want) {
				t.Errorf("got %v (total %d), want %v", got, n, tt.want)
			}
		})
	}
}

func TestFindAchievementByIDVisibility(t *testing.T) {
	f := newFixture(t)
	for _, tt := range []struct {
		name  string
		actor *innobridge.User
		ach   *innobridge.Achievement
		code  string
	}{
		{"AnonymousPublished", nil, f.achPublished, ""},
		{"AnonymousDraft", nil, f.achDraft, innobridge.ENOTFOUND},
		{"AnonymousExpired", nil, f.achExpired, innobridge.ENOTFOUND},
		{"OtherOrgDraft", f.entMember, f.achDraft, innobridge.ENOTFOUND},
		{"OwnerDraft", f.uniMember, f.achDraft, ""},
		{"OwnerExpired", f.uniMember, f.achExpired, ""},
		{"StaffDraft", f.staff, f.achDraft, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a, err := f.svc.FindAchievementByID(as(tt.actor), tt.ach.ID)
			wantCode(t, err, tt.code)
			if err == nil && a.Title != tt.ach.Title {
				t.Errorf("title = %q, want %q", a.Title, tt.ach.Title)
			}
		})
	}
}

func TestUpdateAchievementAuthorisation(t *testing.T) {
	title := "改过的标题"
	for _, tt := range []struct {
		name  string
		actor func(f *fixture) *innobridge.User
		ach   func(f *fixture) *innobridge.Achievement
		code  string
	}{
		{"OwnerMember", func(f *fixture) *innobridge.User { return f.uniMember }, func(f *fixture) *innobridge.Achievement { return f.achPublished }, ""},
		{"Staff", func(f *fixture) *innobridge.User { return f.staff }, func(f *fixture) *innobridge.Achievement { return f.achPublished }, ""},
		{"ErrAnonymous", func(f *fixture) *innobridge.User { return nil }, func(f *fixture) *innobridge.Achievement { return f.achPublished }, innobridge.EUNAUTHORIZED},
		{"ErrOtherOrgMember", func(f *fixture) *innobridge.User { return f.entMember }, func(f *fixture) *innobridge.Achievement { return f.achPublished }, innobridge.EFORBIDDEN},
		{"ErrExpertWithoutOrg", func(f *fixture) *innobridge.User { return f.expert }, func(f *fixture) *innobridge.Achievement { return f.achPublished }, innobridge.EFORBIDDEN},
		// Another organisation's draft is not even admitted to exist.
		{"ErrOtherOrgDraft", func(f *fixture) *innobridge.User { return f.entMember }, func(f *fixture) *innobridge.Achievement { return f.achDraft }, innobridge.ENOTFOUND},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			a := tt.ach(f)
			_, err := f.svc.UpdateAchievement(as(tt.actor(f)), a.ID, innobridge.AchievementUpdate{Title: &title})
			wantCode(t, err, tt.code)
			stored, err := f.db.FindAchievementByID(context.Background(), a.ID)
			if err != nil {
				t.Fatal(err)
			}
			changed := stored.Title == title
			if changed != (tt.code == "") {
				t.Errorf("stored title = %q after %q", stored.Title, tt.code)
			}
			if n := f.auditCount(t, "update", a.ExternalID); n != map[bool]int{true: 1, false: 0}[changed] {
				t.Errorf("%d update audit entries", n)
			}
		})
	}
}

func TestModeration(t *testing.T) {
	f := newFixture(t)
	suspended, published, withdrawn := innobridge.StatusSuspended, innobridge.StatusPublished, innobridge.StatusWithdrawn
	id := f.achPublished.ID

	// Owners cannot suspend.
	_, err := f.svc.UpdateAchievement(as(f.uniMember), id, innobridge.AchievementUpdate{Status: &suspended})
	wantCode(t, err, innobridge.EFORBIDDEN)

	// Staff can, and then the public no longer sees it.
	if _, err := f.svc.UpdateAchievement(as(f.staff), id, innobridge.AchievementUpdate{Status: &suspended}); err != nil {
		t.Fatal(err)
	}
	if n := f.auditCount(t, "suspend", "ach-pub"); n != 1 {
		t.Errorf("%d suspend audit entries, want 1", n)
	}
	_, err = f.svc.FindAchievementByID(as(nil), id)
	wantCode(t, err, innobridge.ENOTFOUND)
	if list, _, _ := f.svc.FindAchievements(as(nil), innobridge.ListingFilter{}); len(list) != 0 {
		t.Errorf("anonymous list has %v", achievementIDs(list))
	}

	// The owner can neither lift the suspension nor republish.
	_, err = f.svc.UpdateAchievement(as(f.uniMember), id, innobridge.AchievementUpdate{Status: &published})
	wantCode(t, err, innobridge.EFORBIDDEN)
	_, err = f.svc.UpdateAchievement(as(f.uniMember), id, innobridge.AchievementUpdate{Status: &withdrawn})
	wantCode(t, err, innobridge.EFORBIDDEN)

	// Staff reinstate.
	if _, err := f.svc.UpdateAchievement(as(f.staff), id, innobridge.AchievementUpdate{Status: &published}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.FindAchievementByID(as(nil), id); err != nil {
		t.Errorf("reinstated achievement: %v", err)
	}

	// Owners withdraw their own.
	if _, err := f.svc.UpdateAchievement(as(f.uniMember), id, innobridge.AchievementUpdate{Status: &withdrawn}); err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.FindAchievementByID(as(nil), id)
	wantCode(t, err, innobridge.ENOTFOUND)

	// Owners cannot create a listing already suspended either.
	err = f.svc.CreateAchievement(as(f.uniMember), &innobridge.Achievement{Listing: innobridge.Listing{Title: "自行下架", Status: suspended}})
	wantCode(t, err, innobridge.EFORBIDDEN)
}

func TestCreateListingOwner(t *testing.T) {
	f := newFixture(t)
	for _, tt := range []struct {
		name  string
		actor *innobridge.User
		owner int64
		code  string
		want  int64
	}{
		{"MemberOwnOrg", f.uniMember, 0, "", f.uni.ID},
		{"MemberOwnOrgNamed", f.uniMember, f.uni.ID, "", f.uni.ID},
		{"ErrMemberOtherOrg", f.uniMember, f.ent.ID, innobridge.EFORBIDDEN, 0},
		{"StaffForOrg", f.staff, f.other.ID, "", f.other.ID},
		{"ErrStaffWithoutOrg", f.staff, 0, innobridge.EINVALID, 0},
		{"ErrExpert", f.expert, 0, innobridge.EFORBIDDEN, 0},
		{"ErrAnonymous", nil, f.uni.ID, innobridge.EUNAUTHORIZED, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := &innobridge.Achievement{Listing: innobridge.Listing{Title: "新成果 " + tt.name, OwnerOrgID: tt.owner}}
			err := f.svc.CreateAchievement(as(tt.actor), a)
			wantCode(t, err, tt.code)
			if err == nil && a.OwnerOrgID != tt.want {
				t.Errorf("owner = %d, want %d", a.OwnerOrgID, tt.want)
			}
			d := &innobridge.Demand{Listing: innobridge.Listing{Title: "新需求 " + tt.name, OwnerOrgID: tt.owner}}
			err = f.svc.CreateDemand(as(tt.actor), d)
			wantCode(t, err, tt.code)
		})
	}
}

func TestSearch(t *testing.T) {
	f := newFixture(t)
	for _, tt := range []struct {
		q          string
		achs, dems []string
		actor      *innobridge.User
	}{
		{q: "煤气", achs: []string{"ach-pub"}, dems: []string{"dem-pub"}},
		{q: "煤气利用", dems: []string{"dem-pub"}},
		{q: "利用率", dems: []string{"dem-pub"}},
		{q: "余热", achs: []string{"ach-pub"}},
		{q: "废水", dems: []string{"dem-teaser"}},
		{q: "钢铁冶炼"},
		{q: "   "},
		// Hidden text is not searchable, by anyone: a hit would reveal it.
		{q: "含砷"},
		{q: "砷回收秘钥"},
		{q: "重卡", actor: f.otherMember},
		{q: "重卡", actor: f.entMember},
		{q: "燃料电池", actor: f.otherMember},
		{q: "燃料电池", actor: f.entMember, dems: []string{"dem-private"}},
		{q: "燃料电池", actor: f.staff, dems: []string{"dem-private"}},
	} {
		name := tt.q
		if tt.actor != nil {
			name += "/" + tt.actor.Username
		}
		t.Run(name, func(t *testing.T) {
			achs, _, err := f.svc.FindAchievements(as(tt.actor), innobridge.ListingFilter{Query: tt.q})
			if err != nil {
				t.Fatal(err)
			}
			if got := achievementIDs(achs); !slices.Equal(got, tt.achs) {
				t.Errorf("achievements = %v, want %v", got, tt.achs)
			}
			dems, _, err := f.svc.FindDemands(as(tt.actor), innobridge.ListingFilter{Query: tt.q})
			if err != nil {
				t.Fatal(err)
			}
			if got := demandIDs(dems); !slices.Equal(got, tt.dems) {
				t.Errorf("demands = %v, want %v", got, tt.dems)
			}
		})
	}
}

func TestValidationErrors(t *testing.T) {
	f := newFixture(t)
	type want struct {
		record string
		fields map[string]string // field → code
	}
	check := func(t *testing.T, err error, w want) {
		t.Helper()
		wantCode(t, err, innobridge.EINVALID)
		e := err.(*innobridge.Error)
		if e.Record != w.record {
			t.Errorf("record = %q, want %q", e.Record, w.record)
		}
		got := map[string]string{}
		for k, fe := range e.Fields {
			got[k] = fe.Code
			if fe.Message == "" {
				t.Errorf("field %s has no message", k)
			}
		}
		if len(got) != len(w.fields) {
			t.Errorf("fields = %v, want %v", got, w.fields)
		}
		for k, c := range w.fields {
			if got[k] != c {
				t.Errorf("field %s: code %q, want %q (all: %v)", k, got[k], c, got)
			}
		}
	}
	t.Run("Achievement", func(t *testing.T) {
		price := int64(-1)
		err := f.svc.CreateAchievement(as(f.uniMember), &innobridge.Achievement{Listing: innobridge.Listing{ExternalID: "ach-bad",
			Title: " ", Field: "99", Region: "99x"}, TRL: 12, IPType: "trade_secret_x", PriceYuan: &price,
			TransferModes: []innobridge.Mode{"gift"}})
		check(t, err, want{"ach-bad", map[string]string{"title": "required", "field": "unknown", "region": "format",
			"trl": "range", "ip_type": "unknown", "price_yuan": "range", "transfer_modes": "unknown"}})
		if list, _, err := f.db.FindAchievements(context.Background(), innobridge.ListingFilter{ExternalID: ptr("ach-bad")}); err != nil || len(list) != 0 {
			t.Fatalf("invalid achievement stored: %v, %v", list, err)
		}
	})
	t.Run("Demand", func(t *testing.T) {
		lo, hi := int64(500), int64(100)
		err := f.svc.CreateDemand(as(f.entMember), &innobridge.Demand{Listing: innobridge.Listing{ExternalID: "dem-bad",
			Title: "需求"}, Confidentiality: innobridge.ConfTeaser, BudgetMinYuan: &lo, BudgetMaxYuan: &hi, TRLMin: -1})
		check(t, err, want{"dem-bad", map[string]string{"teaser": "required", "budget_max_yuan": "range", "trl_min": "range"}})
		err = f.svc.CreateDemand(as(f.entMember), &innobridge.Demand{Listing: innobridge.Listing{ExternalID: "dem-bad2",
			Title: "需求", Teaser: "摘要"}, Confidentiality: "secret"})
		check(t, err, want{"dem-bad2", map[string]string{"confidentiality": "unknown"}})
	})
	t.Run("Update", func(t *testing.T) {
		empty := ""
		_, err := f.svc.UpdateAchievement(as(f.uniMember), f.achPublished.ID, innobridge.AchievementUpdate{Title: &empty})
		check(t, err, want{"ach-pub", map[string]string{"title": "required"}})
		_, err = f.svc.UpdateDemand(as(f.entMember), f.demTeaser.ID, innobridge.DemandUpdate{Teaser: &empty})
		check(t, err, want{"dem-teaser", map[string]string{"teaser": "required"}})
	})
	t.Run("Organization", func(t *testing.T) {
		err := f.svc.CreateOrganization(as(f.staff), &innobridge.Organization{ExternalID: "org-bad", Name: "坏企业",
			Kind: innobridge.OrgEnterprise, USCC: "91320582MA1XYW1230", Region: "320500"})
		check(t, err, want{"org-bad", map[string]string{"uscc": "format"}})
		good := uscc(t, "91320582MA1XYW124")
		bad := good[:17] + map[bool]string{true: "1", false: "0"}[good[17] == '0']
		err = f.svc.CreateOrganization(as(f.staff), &innobridge.Organization{ExternalID: "org-bad2", Name: "坏企业",
			Kind: innobridge.OrgEnterprise, USCC: bad, Region: "320500", Industry: "Q99X"})
		check(t, err, want{"org-bad2", map[string]string{"uscc": "format", "industry": "format"}})
		err = f.svc.CreateOrganization(as(f.entMember), &innobridge.Organization{Name: "x", Kind: innobridge.OrgLab, Region: "320500"})
		wantCode(t, err, innobridge.EFORBIDDEN)
	})
}
