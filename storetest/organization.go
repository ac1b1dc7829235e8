package storetest

import (
	"fmt"
	"testing"

	"github.com/innobridge/innobridge"
)

var organizationTests = []test{
	{"CreateOK", testCreateOrganization},
	{"GeneratedExternalID", testOrganizationGeneratedID},
	{"ErrConflict", testOrganizationConflict},
	{"ErrInvalid", testOrganizationInvalid},
	{"ErrNotFound", testOrganizationNotFound},
	{"Find", testFindOrganizations},
	{"Update", testUpdateOrganization},
}

// NewOrganization returns a valid organisation; uscc may be "" for kinds
// other than enterprise.
func NewOrganization(ext, name string, kind innobridge.OrgKind, uscc, region string) *innobridge.Organization {
	return &innobridge.Organization{ExternalID: ext, Name: name, Kind: kind, USCC: uscc, Region: region}
}

// MustCreateOrganization stores o or fails tb.
func MustCreateOrganization(tb testing.TB, s innobridge.Store, o *innobridge.Organization) *innobridge.Organization {
	tb.Helper()
	if err := s.CreateOrganization(tb.Context(), o); err != nil {
		tb.Fatalf("CreateOrganization(%q): %v", o.ExternalID, err)
	}
	return o
}

func testCreateOrganization(t *testing.T, b Backend) {
	s, clock := MustOpen(t, b)
	o := &innobridge.Organization{
		ExternalID: "ORG-001", Name: "苏州纳米科技有限公司", Kind: innobridge.OrgEnterprise,
		USCC: "91320594MA1XXXXX0A", Region: "320571", Industry: "C3985", Address: "苏州工业园区若水路388号",
		Contact: "王工", Phone: "0512-62600000", Email: "bd@example.cn", Website: "https://example.cn",
		Intro: "纳米材料研发", Founded: date("2012-05-18"),
	}
	must(t, s.CreateOrganization(t.Context(), o), "CreateOrganization")
	if o.ID == 0 {
		t.Fatal("CreateOrganization did not set ID")
	}
	if !o.CreatedAt.Equal(clock.Peek()) || !o.UpdatedAt.Equal(o.CreatedAt) {
		t.Errorf("times %v/%v, want the clock's %v", o.CreatedAt, o.UpdatedAt, clock.Peek())
	}
	got, err := s.FindOrganizationByID(t.Context(), o.ID)
	must(t, err, "FindOrganizationByID")
	same(t, "stored organization", got, o)
	if got.CreatedAt.Nanosecond() != Epoch.Nanosecond() {
		t.Errorf("created_at %s lost its microseconds", got.CreatedAt.Format("15:04:05.000000"))
	}
}

func testOrganizationGeneratedID(t *testing.T, b Backend) {
	s, _ := MustOpen(t, b)
	o := MustCreateOrganization(t, s, NewOrganization("", "南京大学", innobridge.OrgUniversity, "", "320106"))
	if want := fmt.Sprintf("org-%d", o.ID); o.ExternalID != want {
		t.Errorf("ExternalID %q, want %q", o.ExternalID, want)
	}
	list, n, err := s.FindOrganizations(t.Context(), innobridge.OrganizationFilter{ExternalID: &o.ExternalID})
	must(t, err, "FindOrganizations")
	if n != 1 || len(list) != 1 || list[0].ID != o.ID {
		t.Errorf("finding by generated external id %q: %d found, total %d", o.ExternalID, len(list), n)
	}
	// Organisations without a USCC do not collide on the empty string.
	MustCreateOrganization(t, s, NewOrganization("", "东南大学", innobridge.OrgUniversity, "", "320102"))
}

func testOrganizationConflict(t *testing.T, b Backend) {
	s, _ := MustOpen(t, b)
	MustCreateOrganization(t, s, NewOrganization("ORG-1", "甲公司", innobridge.OrgEnterprise, "91320500123456789X", "320500"))
	tests := []struct {
		name  string
		org   *innobridge.Organization
		field string
		word  string
	}{
		{"ErrUSCC", NewOrganization("ORG-2", "乙公司", innobridge.OrgEnterprise, "91320500123456789X", "320500"), "uscc", "91320500123456789X"},
		{"ErrExternalID", NewOrganization("ORG-1", "丙公司", innobridge.OrgEnterprise, "91320500987654321Y", "320500"), "external_id", "ORG-1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := s.CreateOrganization(t.Context(), tc.org)
			wantCode(t, err, innobridge.ECONFLICT, tc.field, tc.word)
		})
	}
	_, n, err := s.FindOrganizations(t.Context(), innobridge.OrganizationFilter{})
	must(t, err, "FindOrganizations")
	if n != 1 {
		t.Errorf("%d organizations after the conflicts, want 1", n)
	}
}

func testOrganizationInvalid(t *testing.T, b Backend) {
	s, _ := MustOpen(t, b)
	err := s.CreateOrganization(t.Context(), NewOrganization("ORG-X", "无类型", "spaceship", "", "320500"))
	wantCode(t, err, innobridge.EINVALID, "kind", "ORG-X")
}

func testOrganizationNotFound(t *testing.T, b Backend) {
	s, _ := MustOpen(t, b)
	_, err := s.FindOrganizationByID(t.Context(), 4242)
	wantCode(t, err, innobridge.ENOTFOUND, "", "4242")
	_, err = s.UpdateOrganization(t.Context(), 4242, innobridge.OrganizationUpdate{Name: ptr("x")})
	wantCode(t, err, innobridge.ENOTFOUND, "", "4242")
}

func testFindOrganizations(t *testing.T, b Backend) {
	s, _ := MustOpen(t, b)
	orgs := []*innobridge.Organization{
		NewOrganization("o1", "Acme Robotics 苏州有限公司", innobridge.OrgEnterprise, "91320505000000001A", "320505"),
		NewOrganization("o2", "苏州大学", innobridge.OrgUniversity, "", "320508"),
		NewOrganization("o3", "上海交通大学", innobridge.OrgUniversity, "", "310104"),
		NewOrganization("o4", "100%新材料研究院", innobridge.OrgInstitute, "", "320571"),
		NewOrganization("o5", "ACME 技术转移中心", innobridge.OrgAgency, "", "320505"),
	}
	for _, o := range orgs {
		MustCreateOrganization(t, s, o)
	}
	kind := func(k innobridge.OrgKind) *innobridge.OrgKind { return &k }
	tests := []struct {
		name  string
		f     innobridge.OrganizationFilter
		want  []string
		total int
	}{
		{"All", innobridge.OrganizationFilter{}, []string{"o1", "o2", "o3", "o4", "o5"}, 5},
		{"ID", innobridge.OrganizationFilter{ID: &orgs[2].ID}, []string{"o3"}, 1},
		{"ExternalID", innobridge.OrganizationFilter{ExternalID: ptr("o4")}, []string{"o4"}, 1},
		{"USCC", innobridge.OrganizationFilter{USCC: ptr("91320505000000001A")}, []string{"o1"}, 1},
		{"Kind", innobridge.OrganizationFilter{Kind: kind(innobridge.OrgUniversity)}, []string{"o2", "o3"}, 2},
		{"RegionPrefix", innobridge.OrganizationFilter{Region: ptr("3205")}, []string{"o1", "o2", "o4", "o5"}, 4},
		{"RegionDistrict", innobridge.OrganizationFilter{Region: ptr("320505")}, []string{"o1", "o5"}, 2},
		{"RegionWildcardIsLiteral", innobridge.OrganizationFilter{Region: ptr("3%")}, nil, 0},
		{"QuerySubstring", innobridge.OrganizationFilter{Query: ptr("大学")}, []string{"o2", "o3"}, 2},
		{"QueryIgnoresCase", innobridge.OrganizationFilter{Query: ptr("acme")}, []string{"o1", "o5"}, 2},
		{"QueryPercentIsLiteral", innobridge.OrganizationFilter{Query: ptr("0%")}, []string{"o4"}, 1},
		{"QueryUnderscoreIsLiteral", innobridge.OrganizationFilter{Query: ptr("_")}, nil, 0},
		{"Combined", innobridge.OrganizationFilter{Kind: kind(innobridge.OrgUniversity), Region: ptr("32")}, []string{"o2"}, 1},
		{"Page", innobridge.OrganizationFilter{Offset: 1, Limit: 2}, []string{"o2", "o3"}, 5},
		{"PageLast", innobridge.OrganizationFilter{Offset: 4, Limit: 2}, []string{"o5"}, 5},
		{"PagePastEnd", innobridge.OrganizationFilter{Offset: 10, Limit: 2}, nil, 5},
		{"OffsetOnly", innobridge.OrganizationFilter{Offset: 3}, []string{"o4", "o5"}, 5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			list, total, err := s.FindOrganizations(t.Context(), tc.f)
			must(t, err, "FindOrganizations")
			var got []string
			for _, o := range list {
				got = append(got, o.ExternalID)
			}
			same(t, "external ids", got, tc.want)
			if total != tc.total {
				t.Errorf("total %d, want %d", total, tc.total)
			}
		})
	}
}

func testUpdateOrganization(t *testing.T, b Backend) {
	s, clock := MustOpen(t, b)
	o := MustCreateOrganization(t, s, NewOrganization("o1", "旧名称", innobridge.OrgInstitute, "", "320500"))
	got, err := s.UpdateOrganization(t.Context(), o.ID, innobridge.OrganizationUpdate{
		Name: ptr("新名称研究院"), Region: ptr("320571"), Intro: ptr("简介"), Phone: ptr("0512-1"),
	})
	must(t, err, "UpdateOrganization")
	want := *o
	want.Name, want.Region, want.Intro, want.Phone = "新名称研究院", "320571", "简介", "0512-1"
	want.UpdatedAt = clock.Peek()
	same(t, "updated organization", got, &want)
	if !got.UpdatedAt.After(o.CreatedAt) {
		t.Errorf("UpdatedAt %v not after CreatedAt %v", got.UpdatedAt, o.CreatedAt)
	}
	stored, err := s.FindOrganizationByID(t.Context(), o.ID)
	must(t, err, "FindOrganizationByID")
	same(t, "stored organization", stored, &want)
}
