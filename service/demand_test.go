package service_test

import (
	"slices"
	"testing"

	"github.com/innobridge/innobridge"
)

func TestFindDemandsConfidentiality(t *testing.T) {
	f := newFixture(t)
	for _, tt := range []struct {
		name  string
		actor *innobridge.User
		want  []string
		full  bool // the owner reads its confidential demands in full
	}{
		{name: "Anonymous", want: []string{"dem-pub", "dem-teaser"}},
		{name: "OtherMember", actor: f.otherMember, want: []string{"dem-pub", "dem-teaser"}},
		{name: "Expert", actor: f.expert, want: []string{"dem-pub", "dem-teaser"}},
		{name: "Owner", actor: f.entMember, want: []string{"dem-private", "dem-pub", "dem-teaser"}, full: true},
		// Staff see that private demands exist, but lists carry no hidden
		// text: reading it means opening the demand, which is audited.
		{name: "Staff", actor: f.staff, want: []string{"dem-private", "dem-pub", "dem-teaser"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for _, filter := range []innobridge.ListingFilter{
				{},
				{Confidentialities: []innobridge.Confidentiality{innobridge.ConfPrivate, innobridge.ConfTeaser, innobridge.ConfPublic}},
				{OwnerOrgID: &f.ent.ID, Statuses: innobridge.Statuses},
			} {
				list, n, err := f.svc.FindDemands(as(tt.actor), filter)
				if err != nil {
					t.Fatal(err)
				}
				if got := demandIDs(list); !slices.Equal(got, tt.want) || n != len(tt.want) {
					t.Fatalf("filter %+v: got %v (total %d), want %v", filter, got, n, tt.want)
				}
				for _, d := range list {
					switch {
					case d.Confidentiality == innobridge.ConfPublic || tt.full:
						if d.Hidden || d.Description == "" {
							t.Errorf("%s: redacted for a reader with full rights", d.ExternalID)
						}
					default:
						if !d.Hidden || d.Description != "" || len(d.Keywords) != 0 {
							t.Errorf("%s: not redacted: %+v", d.ExternalID, d)
						}
						if d.Teaser == "" || d.Title == "" {
							t.Errorf("%s: redaction removed the teaser or title", d.ExternalID)
						}
					}
				}
				if !tt.full && tt.actor != f.staff {
					mustNotLeak(t, "FindDemands", list)
				}
			}
		})
	}
}

func TestFindDemandByIDConfidentiality(t *testing.T) {
	f := newFixture(t)
	for _, tt := range []struct {
		name   string
		actor  *innobridge.User
		demand func() *innobridge.Demand
		code   string
		hidden bool
		// whether the view is audited as view_confidential
		audited bool
	}{
		{name: "AnonymousPublic", demand: func() *innobridge.Demand { return f.demPublic }},
		{name: "AnonymousTeaser", demand: func() *innobridge.Demand { return f.demTeaser }, hidden: true, audited: true},
		{name: "AnonymousPrivate", demand: func() *innobridge.Demand { return f.demPrivate }, code: innobridge.ENOTFOUND},
		{name: "OtherTeaser", actor: f.otherMember, demand: func() *innobridge.Demand { return f.demTeaser }, hidden: true, audited: true},
		{name: "OtherPrivate", actor: f.otherMember, demand: func() *innobridge.Demand { return f.demPrivate }, code: innobridge.ENOTFOUND},
		{name: "ExpertPrivate", actor: f.expert, demand: func() *innobridge.Demand { return f.demPrivate }, code: innobridge.ENOTFOUND},
		{name: "OwnerTeaser", actor: f.entMember, demand: func() *innobridge.Demand { return f.demTeaser }, audited: true},
		{name: "OwnerPrivate", actor: f.entMember, demand: func() *innobridge.Demand { return f.demPrivate }, audited: true},
		{name: "StaffTeaser", actor: f.staff, demand: func() *innobridge.Demand { return f.demTeaser }, audited: true},
		{name: "StaffPrivate", actor: f.staff, demand: func() *innobridge.Demand { return f.demPrivate }, audited: true},
		{name: "AdminPrivate", actor: f.admin, demand: func() *innobridge.Demand { return f.demPrivate }, audited: true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			want := tt.demand()
			before := f.auditCount(t, "view_confidential", want.ExternalID)
			for _, find := range []func() (*innobridge.Demand, error){
				func() (*innobridge.Demand, error) { return f.svc.FindDemandByID(as(tt.actor), want.ID) },
				func() (*innobridge.Demand, error) { return f.svc.FindDemandByExternalID(as(tt.actor), want.ExternalID) },
			} {
				d, err := find()
				wantCode(t, err, tt.code)
				if err != nil {
					if d != nil {
						t.Errorf("a demand came back with %v", err)
					}
					mustNotLeak(t, "error", err.Error())
					continue
				}
				if d.Hidden != tt.hidden {
					t.Errorf("Hidden = %v, want %v", d.Hidden, tt.hidden)
				}
				if tt.hidden {
					mustNotLeak(t, "FindDemandByID", d)
					if d.Teaser != want.Teaser || d.Title != want.Title {
						t.Errorf("teaser view lost title or teaser: %+v", d)
					}
				} else if d.Description != want.Description {
					t.Errorf("description = %q, want %q", d.Description, want.Description)
				}
			}
			after := f.auditCount(t, "view_confidential", want.ExternalID)
			if wantN := map[bool]int{true: 2, false: 0}[tt.audited]; after-before != wantN {
				t.Errorf("%d view_confidential entries for two views, want %d", after-before, wantN)
			}
			if !tt.audited {
				return
			}
			entries, _, err := f.svc.FindAudit(as(f.staff), innobridge.AuditFilter{Action: ptr("view_confidential"), EntityID: &want.ExternalID, Limit: 1})
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) == 0 {
				t.Fatal("no view_confidential entry")
			}
			e := entries[0]
			if tt.actor != nil && (e.UserID != tt.actor.ID || e.Username != tt.actor.Username) {
				t.Errorf("audit entry names user %d %q, want %d %q", e.UserID, e.Username, tt.actor.ID, tt.actor.Username)
			}
			if tt.actor == nil && e.UserID != 0 {
				t.Errorf("anonymous view audited as user %d", e.UserID)
			}
			mustNotLeak(t, "audit entry", e)
		})
	}
}

func TestUpdateDemandConfidentiality(t *testing.T) {
	f := newFixture(t)
	title := "偷改"
	_, err := f.svc.UpdateDemand(as(f.otherMember), f.demPrivate.ID, innobridge.DemandUpdate{Title: &title})
	wantCode(t, err, innobridge.ENOTFOUND)
	_, err = f.svc.UpdateDemand(as(f.otherMember), f.demTeaser.ID, innobridge.DemandUpdate{Title: &title})
	wantCode(t, err, innobridge.EFORBIDDEN)
	_, err = f.svc.UpdateDemand(as(nil), f.demTeaser.ID, innobridge.DemandUpdate{Title: &title})
	wantCode(t, err, innobridge.EUNAUTHORIZED)

	// Making a public demand confidential hides its text from search.
	conf, teaser := innobridge.ConfTeaser, "对外摘要"
	if _, err := f.svc.UpdateDemand(as(f.entMember), f.demPublic.ID, innobridge.DemandUpdate{Confidentiality: &conf, Teaser: &teaser}); err != nil {
		t.Fatal(err)
	}
	list, _, err := f.svc.FindDemands(as(nil), innobridge.ListingFilter{Query: "转炉"})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 0 {
		t.Errorf("search finds now-hidden text in %v", demandIDs(list))
	}
	d, err := f.svc.FindDemandByID(as(nil), f.demPublic.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !d.Hidden || d.Description != "" {
		t.Errorf("now-teaser demand not redacted: %+v", d)
	}
	// The audit names the changed fields, never their confidential values.
	entries, _, err := f.svc.FindAudit(as(f.staff), innobridge.AuditFilter{Action: ptr("update"), EntityID: ptr("dem-pub")})
	if err != nil || len(entries) != 1 {
		t.Fatalf("update audit: %v, %v", entries, err)
	}
}

func TestFindAuditStaffOnly(t *testing.T) {
	f := newFixture(t)
	for _, tt := range []struct {
		name  string
		actor *innobridge.User
		code  string
	}{
		{"Anonymous", nil, innobridge.EUNAUTHORIZED},
		{"Member", f.entMember, innobridge.EFORBIDDEN},
		{"Expert", f.expert, innobridge.EFORBIDDEN},
		{"Staff", f.staff, ""},
		{"Admin", f.admin, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			list, n, err := f.svc.FindAudit(as(tt.actor), innobridge.AuditFilter{})
			wantCode(t, err, tt.code)
			if err != nil {
				if len(list) != 0 || n != 0 {
					t.Error("entries returned with an error")
				}
				return
			}
			// Every change of the fixture is there: 6 listings created.
			created := 0
			for _, e := range list {
				if e.Action == "create" && (e.Entity == "achievement" || e.Entity == "demand") {
					created++
				}
			}
			if created != 6 || n < 6 {
				t.Errorf("%d create entries of %d, want 6", created, n)
			}
		})
	}
}
