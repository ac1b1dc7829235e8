package storetest

import (
	"fmt"
	"testing"

	"github.com/innobridge/innobridge"
)

var achievementTests = []test{
	{"CreateOK", testCreateAchievement},
	{"GeneratedExternalID", testAchievementGeneratedID},
	{"ErrConflict", testAchievementConflict},
	{"ErrInvalid", testAchievementInvalid},
	{"ErrNotFound", testAchievementNotFound},
	{"Find", testFindAchievements},
	{"SearchRelevance", testSearchRelevance},
	{"Update", testUpdateAchievement},
}

var demandTests = []test{
	{"CreateOK", testCreateDemand},
	{"ErrConflict", testDemandConflict},
	{"ErrNotFound", testDemandNotFound},
	{"Find", testFindDemands},
	{"Confidentiality", testDemandConfidentiality},
	{"Update", testUpdateDemand},
}

// NewAchievement returns a published achievement whose search text covers
// its title and description.
func NewAchievement(tb testing.TB, ext, title, desc string, owner int64) *innobridge.Achievement {
	a := &innobridge.Achievement{Listing: innobridge.Listing{ExternalID: ext, Title: title, Description: desc,
		OwnerOrgID: owner, Status: innobridge.StatusPublished, Keywords: []string{}}, Negotiable: true}
	a.SearchText = SearchText(tb, a.SearchParts()...)
	return a
}

// MustCreateAchievement stores a or fails tb.
func MustCreateAchievement(tb testing.TB, s innobridge.Store, a *innobridge.Achievement) *innobridge.Achievement {
	tb.Helper()
	if err := s.CreateAchievement(tb.Context(), a); err != nil {
		tb.Fatalf("CreateAchievement(%q): %v", a.ExternalID, err)
	}
	return a
}

// MustCreateDemand stores d or fails tb.
func MustCreateDemand(tb testing.TB, s innobridge.Store, d *innobridge.Demand) *innobridge.Demand {
	tb.Helper()
	if err := s.CreateDemand(tb.Context(), d); err != nil {
		tb.Fatalf("CreateDemand(%q): %v", d.ExternalID, err)
	}
	return d
}

func testCreateAchievement(t *testing.T, b Backend) {
	s, clock := MustOpen(t, b)
	org := MustCreateOrganization(t, s, NewOrganization("UNIV-1", "苏州大学", innobridge.OrgUniversity, "", "320508"))
	a := &innobridge.Achievement{
		Listing: innobridge.Listing{ExternalID: "ACH-1", Title: "提高煤气利用率的燃烧控制技术",
			Description: "通过分级燃烧与智能配风，煤气利用率提高12%。", Keywords: []string{"燃烧", "煤气", "节能"},
			Field: "6", Region: "320508", OwnerOrgID: org.ID, Status: innobridge.StatusPublished,
			ExpiresAt: date("2027-06-30"), CreatedBy: 7},
		TRL: 7, IPType: innobridge.IPInventionPatent, IPNumbers: []string{"ZL202110000001.2", "ZL202110000002.0"},
		TransferModes: []innobridge.Mode{innobridge.ModeTransfer, innobridge.ModeLicense}, PriceYuan: ptr(int64(1_200_000)),
	}
	a.SearchText = SearchText(t, a.SearchParts()...)
	must(t, s.CreateAchievement(t.Context(), a), "CreateAchievement")
	if a.ID == 0 || !a.CreatedAt.Equal(clock.Peek()) || !a.UpdatedAt.Equal(a.CreatedAt) {
		t.Errorf("after create ID %d, times %v/%v; want an ID and the clock's %v", a.ID, a.CreatedAt, a.UpdatedAt, clock.Peek())
	}
	if a.OwnerOrg != "UNIV-1" || a.OwnerName != "苏州大学" {
		t.Errorf("owner %q %q, want UNIV-1 苏州大学", a.OwnerOrg, a.OwnerName)
	}
	got, err := s.FindAchievementByID(t.Context(), a.ID)
	must(t, err, "FindAchievementByID")
	same(t, "stored achievement", got, a)

	// Without owner, price, expiry or lists.
	bare := MustCreateAchievement(t, s, &innobridge.Achievement{Listing: innobridge.Listing{ExternalID: "ACH-2",
		Title: "无主成果", Status: innobridge.StatusDraft}, Negotiable: true})
	got, err = s.FindAchievementByID(t.Context(), bare.ID)
	must(t, err, "FindAchievementByID(bare)")
	same(t, "bare achievement", got, bare)
	if got.PriceYuan != nil || got.ExpiresAt != nil || got.OwnerOrgID != 0 || got.Keywords == nil {
		t.Errorf("bare achievement read back as %+v: want nil price and expiry, no owner, non-nil empty keywords", got)
	}
}

func testAchievementGeneratedID(t *testing.T, b Backend) {
	s, _ := MustOpen(t, b)
	a := MustCreateAchievement(t, s, NewAchievement(t, "", "成果一", "", 0))
	if want := fmt.Sprintf("ach-%d", a.ID); a.ExternalID != want {
		t.Errorf("ExternalID %q, want %q", a.ExternalID, want)
	}
	got, err := s.FindAchievementByID(t.Context(), a.ID)
	must(t, err, "FindAchievementByID")
	if got.ExternalID != a.ExternalID {
		t.Errorf("stored ExternalID %q, want %q", got.ExternalID, a.ExternalID)
	}
	d := MustCreateDemand(t, s, &innobridge.Demand{Listing: innobridge.Listing{Title: "需求一", Status: innobridge.StatusPublished},
		Confidentiality: innobridge.ConfPublic})
	if want := fmt.Sprintf("dem-%d", d.ID); d.ExternalID != want {
		t.Errorf("demand ExternalID %q, want %q", d.ExternalID, want)
	}
}

func testAchievementConflict(t *testing.T, b Backend) {
	s, _ := MustOpen(t, b)
	MustCreateAchievement(t, s, NewAchievement(t, "A-1", "成果一", "", 0))
	err := s.CreateAchievement(t.Context(), NewAchievement(t, "A-1", "成果二", "", 0))
	wantCode(t, err, innobridge.ECONFLICT, "external_id", "A-1")
}

func testAchievementInvalid(t *testing.T, b Backend) {
	s, _ := MustOpen(t, b)
	tests := []struct {
		name  string
		edit  func(a *innobridge.Achievement)
		code  string
		field string
	}{
		{"ErrTRL", func(a *innobridge.Achievement) { a.TRL = 12 }, innobridge.EINVALID, "trl"},
		{"ErrStatus", func(a *innobridge.Achievement) { a.Status = "lost" }, innobridge.EINVALID, "status"},
		{"ErrPrice", func(a *innobridge.Achievement) { a.PriceYuan = ptr(int64(-1)) }, innobridge.EINVALID, "price_yuan"},
		{"ErrOwner", func(a *innobridge.Achievement) { a.OwnerOrgID = 31337 }, innobridge.EINVALID, ""},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := NewAchievement(t, fmt.Sprintf("BAD-%d", i), "坏成果", "", 0)
			tc.edit(a)
			wantCode(t, s.CreateAchievement(t.Context(), a), tc.code, tc.field, a.ExternalID)
		})
	}
	_, n, err := s.FindAchievements(t.Context(), innobridge.ListingFilter{})
	must(t, err, "FindAchievements")
	if n != 0 {
		t.Errorf("%d achievements stored by failed creates", n)
	}
}

func testAchievementNotFound(t *testing.T, b Backend) {
	s, _ := MustOpen(t, b)
	_, err := s.FindAchievementByID(t.Context(), 5150)
	wantCode(t, err, innobridge.ENOTFOUND, "", "5150")
	_, err = s.UpdateAchievement(t.Context(), 5150, innobridge.AchievementUpdate{Title: ptr("x")})
	wantCode(t, err, innobridge.ENOTFOUND, "", "5150")
}

// achievementFixture stores four achievements, oldest first, and returns
// them with their two owners.
func achievementFixture(t *testing.T, s innobridge.Store) (list []*innobridge.Achievement, orgA, orgB *innobridge.Organization) {
	orgA = MustCreateOrganization(t, s, NewOrganization("A", "甲大学", innobridge.OrgUniversity, "", "320508"))
	orgB = MustCreateOrganization(t, s, NewOrganization("B", "乙研究院", innobridge.OrgInstitute, "", "320571"))
	mk := func(ext, title, field, region string, trl int, status innobridge.Status, exp *innobridge.Date, owner int64, modes ...innobridge.Mode) *innobridge.Achievement {
		a := NewAchievement(t, ext, title, "", owner)
		a.Field, a.Region, a.TRL, a.Status, a.ExpiresAt, a.TransferModes = field, region, trl, status, exp, modes
		a.SearchText = SearchText(t, a.SearchParts()...)
		return MustCreateAchievement(t, s, a)
	}
	list = []*innobridge.Achievement{
		mk("a1", "提高煤气利用率的燃烧技术", "6", "320505", 7, innobridge.StatusPublished, date("2026-12-31"), orgA.ID,
			innobridge.ModeTransfer, innobridge.ModeLicense),
		mk("a2", "锂电池正极材料", "4", "320506", 4, innobridge.StatusPublished, date("2026-01-31"), orgB.ID,
			innobridge.ModeCoDevelop),
		mk("a3", "工业机器人视觉定位系统", "8", "310101", 9, innobridge.StatusDraft, nil, orgA.ID,
			innobridge.ModeLicense),
		mk("a4", "煤气化废水处理工艺", "7", "320505", 5, innobridge.StatusWithdrawn, nil, orgB.ID,
			innobridge.ModeService, innobridge.ModeTransfer),
	}
	return list, orgA, orgB
}

func testFindAchievements(t *testing.T, b Backend) {
	s, _ := MustOpen(t, b)
	all, orgA, _ := achievementFixture(t, s)
	mode := func(m innobridge.Mode) *innobridge.Mode { return &m }
	since := all[2].UpdatedAt
	tests := []struct {
		name  string
		f     innobridge.ListingFilter
		want  []string
		total int
	}{
		{"AllNewestFirst", innobridge.ListingFilter{}, []string{"a4", "a3", "a2", "a1"}, 4},
		{"IDs", innobridge.ListingFilter{IDs: []int64{all[0].ID, all[2].ID}}, []string{"a3", "a1"}, 2},
		{"ExternalID", innobridge.ListingFilter{ExternalID: ptr("a2")}, []string{"a2"}, 1},
		{"Owner", innobridge.ListingFilter{OwnerOrgID: &orgA.ID}, []string{"a3", "a1"}, 2},
		{"Field", innobridge.ListingFilter{Field: ptr("6")}, []string{"a1"}, 1},
		{"RegionCity", innobridge.ListingFilter{Region: ptr("3205")}, []string{"a4", "a2", "a1"}, 3},
		{"RegionDistrict", innobridge.ListingFilter{Region: ptr("320505")}, []string{"a4", "a1"}, 2},
		{"RegionWildcardIsLiteral", innobridge.ListingFilter{Region: ptr("3_05%")}, nil, 0},
		{"Mode", innobridge.ListingFilter{Mode: mode(innobridge.ModeLicense)}, []string{"a3", "a1"}, 2},
		{"ModeNone", innobridge.ListingFilter{Mode: mode(innobridge.ModeEquity)}, nil, 0},
		{"TRLMin", innobridge.ListingFilter{TRLMin: ptr(5)}, []string{"a4", "a3", "a1"}, 3},
		{"TRLMax", innobridge.ListingFilter{TRLMax: ptr(5)}, []string{"a4", "a2"}, 2},
		{"TRLRange", innobridge.ListingFilter{TRLMin: ptr(5), TRLMax: ptr(7)}, []string{"a4", "a1"}, 2},
		{"Status", innobridge.ListingFilter{Statuses: []innobridge.Status{innobridge.StatusPublished}}, []string{"a2", "a1"}, 2},
		{"Statuses", innobridge.ListingFilter{Statuses: []innobridge.Status{innobridge.StatusPublished, innobridge.StatusDraft}},
			[]string{"a3", "a2", "a1"}, 3},
		{"ActiveOn", innobridge.ListingFilter{ActiveOn: date("2026-03-01")}, []string{"a4", "a3", "a1"}, 3},
		{"ActiveOnExpiryDay", innobridge.ListingFilter{ActiveOn: date("2026-01-31")}, []string{"a4", "a3", "a2", "a1"}, 4},
		{"UpdatedSince", innobridge.ListingFilter{UpdatedSince: &since}, []string{"a4", "a3"}, 2},
		{"Search", innobridge.ListingFilter{SearchTerms: QueryTerms(t, "煤气"), Sort: "recent"}, []string{"a4", "a1"}, 2},
		{"SearchAllTerms", innobridge.ListingFilter{SearchTerms: QueryTerms(t, "煤气 燃烧")}, []string{"a1"}, 1},
		{"SearchSubstring", innobridge.ListingFilter{SearchTerms: QueryTerms(t, "视觉定位")}, []string{"a3"}, 1},
		{"SearchField", innobridge.ListingFilter{SearchTerms: QueryTerms(t, "新材料")}, []string{"a2"}, 1},
		{"SearchNone", innobridge.ListingFilter{SearchTerms: QueryTerms(t, "量子通信")}, nil, 0},
		{"SearchBlankTermsIgnored", innobridge.ListingFilter{SearchTerms: []string{" ", ""}}, []string{"a4", "a3", "a2", "a1"}, 4},
		{"SearchQuoteIsText", innobridge.ListingFilter{SearchTerms: []string{`"煤气`, `OR`, `*`}}, nil, 0},
		{"SearchWithFilter", innobridge.ListingFilter{SearchTerms: QueryTerms(t, "煤气"), Statuses: []innobridge.Status{innobridge.StatusPublished}},
			[]string{"a1"}, 1},
		{"SortExpires", innobridge.ListingFilter{Sort: "expires"}, []string{"a2", "a1", "a3", "a4"}, 4},
		// By code point on every store (for Han characters, the radical
		// and stroke order of the Unicode tables): 工 提 煤 锂.
		{"SortTitle", innobridge.ListingFilter{Sort: "title"}, []string{"a3", "a1", "a4", "a2"}, 4},
		{"SortUpdated", innobridge.ListingFilter{Sort: "updated"}, []string{"a1", "a2", "a3", "a4"}, 4},
		{"After", innobridge.ListingFilter{Sort: "updated", After: ptr(all[1].Key()), Limit: 1}, []string{"a3"}, 2},
		{"NoTotal", innobridge.ListingFilter{Sort: "updated", After: ptr(all[1].Key()), Limit: 1, NoTotal: true}, []string{"a3"}, 1},
		{"Page", innobridge.ListingFilter{Offset: 1, Limit: 2}, []string{"a3", "a2"}, 4},
		{"PagePastEnd", innobridge.ListingFilter{Offset: 8, Limit: 2}, nil, 4},
		{"QueryIgnored", innobridge.ListingFilter{Query: "锂电池"}, []string{"a4", "a3", "a2", "a1"}, 4},
		{"DemandOnlyFieldsIgnored", innobridge.ListingFilter{Confidentialities: []innobridge.Confidentiality{innobridge.ConfPrivate}},
			[]string{"a4", "a3", "a2", "a1"}, 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			list, total, err := s.FindAchievements(t.Context(), tc.f)
			must(t, err, "FindAchievements")
			same(t, "external ids", achievementIDs(list), tc.want)
			if total != tc.total {
				t.Errorf("total %d, want %d", total, tc.total)
			}
		})
	}
	t.Run("ReadBack", func(t *testing.T) {
		list, _, err := s.FindAchievements(t.Context(), innobridge.ListingFilter{ExternalID: ptr("a1")})
		must(t, err, "FindAchievements")
		if len(list) != 1 {
			t.Fatalf("%d found, want 1", len(list))
		}
		same(t, "found achievement", list[0], all[0])
	})
	t.Run("ErrSort", func(t *testing.T) {
		_, _, err := s.FindAchievements(t.Context(), innobridge.ListingFilter{Sort: "price; DROP TABLE achievements"})
		wantCode(t, err, innobridge.EINVALID, "")
	})
}

func achievementIDs(list []*innobridge.Achievement) []string {
	var out []string
	for _, a := range list {
		out = append(out, a.ExternalID)
	}
	return out
}

func demandIDs(list []*innobridge.Demand) []string {
	var out []string
	for _, d := range list {
		out = append(out, d.ExternalID)
	}
	return out
}

// testSearchRelevance checks that a search lists the best match first:
// with the same terms matched, the shorter text, whatever its age.
func testSearchRelevance(t *testing.T, b Backend) {
	s, _ := MustOpen(t, b)
	MustCreateAchievement(t, s, NewAchievement(t, "short", "煤气回收", "", 0))
	MustCreateAchievement(t, s, NewAchievement(t, "other", "锂电池回收", "", 0))
	MustCreateAchievement(t, s, NewAchievement(t, "long", "钢铁企业高炉煤气、转炉煤气与焦炉煤气的综合回收利用及余热发电成套技术",
		"涵盖除尘、脱硫、加压输送、燃气轮机联合循环发电和智能调度等多个环节。", 0))
	terms := QueryTerms(t, "煤气")
	for _, tc := range []struct {
		sort string
		want []string
	}{
		{"", []string{"short", "long"}},
		{"relevance", []string{"short", "long"}},
		{"recent", []string{"long", "short"}},
	} {
		t.Run("Sort="+tc.sort, func(t *testing.T) {
			list, n, err := s.FindAchievements(t.Context(), innobridge.ListingFilter{SearchTerms: terms, Sort: tc.sort})
			must(t, err, "FindAchievements")
			same(t, "external ids", achievementIDs(list), tc.want)
			if n != 2 {
				t.Errorf("total %d, want 2", n)
			}
		})
	}
}

func testUpdateAchievement(t *testing.T, b Backend) {
	s, clock := MustOpen(t, b)
	org := MustCreateOrganization(t, s, NewOrganization("B", "乙研究院", innobridge.OrgInstitute, "", "320571"))
	a := NewAchievement(t, "u1", "煤气净化装置", "原始描述", org.ID)
	a.PriceYuan, a.Negotiable, a.ExpiresAt, a.TRL = ptr(int64(50000)), false, date("2026-12-31"), 3
	a.Keywords, a.TransferModes = []string{"煤气"}, []innobridge.Mode{innobridge.ModeTransfer}
	MustCreateAchievement(t, s, a)

	title := "高效脱硫催化剂"
	upd := innobridge.AchievementUpdate{
		Title: &title, Description: ptr("新描述"), Keywords: &[]string{"脱硫", "催化"}, Field: ptr("7"), Region: ptr("320505"),
		Status: ptr(innobridge.StatusSuspended), ExpiresAt: ptr((*innobridge.Date)(nil)), TRL: ptr(6),
		IPType: ptr(innobridge.IPUtilityModel), IPNumbers: &[]string{"ZL1"}, TransferModes: &[]innobridge.Mode{innobridge.ModeEquity},
		PriceYuan: ptr((*int64)(nil)), Negotiable: ptr(true), SearchText: ptr(SearchText(t, title, "新描述")),
	}
	got, err := s.UpdateAchievement(t.Context(), a.ID, upd)
	must(t, err, "UpdateAchievement")
	want := *a
	want.Apply(upd)
	want.UpdatedAt = clock.Peek()
	same(t, "updated achievement", got, &want)
	stored, err := s.FindAchievementByID(t.Context(), a.ID)
	must(t, err, "FindAchievementByID")
	same(t, "stored achievement", stored, &want)
	if !stored.CreatedAt.Equal(a.CreatedAt) || !stored.UpdatedAt.After(a.CreatedAt) {
		t.Errorf("times %v/%v: want CreatedAt kept at %v and UpdatedAt later", stored.CreatedAt, stored.UpdatedAt, a.CreatedAt)
	}

	// The search follows the new text and forgets the old.
	for q, want := range map[string]int{"脱硫": 1, "煤气": 0} {
		_, n, err := s.FindAchievements(t.Context(), innobridge.ListingFilter{SearchTerms: QueryTerms(t, q)})
		must(t, err, "FindAchievements")
		if n != want {
			t.Errorf("search %q after update: %d found, want %d", q, n, want)
		}
	}

	_, err = s.UpdateAchievement(t.Context(), a.ID, innobridge.AchievementUpdate{TRL: ptr(10)})
	wantCode(t, err, innobridge.EINVALID, "trl", "u1")
	stored, err = s.FindAchievementByID(t.Context(), a.ID)
	must(t, err, "FindAchievementByID")
	if stored.TRL != 6 {
		t.Errorf("TRL %d after a failed update, want 6", stored.TRL)
	}
}

func testCreateDemand(t *testing.T, b Backend) {
	s, clock := MustOpen(t, b)
	org := MustCreateOrganization(t, s, NewOrganization("ENT-1", "苏州钢铁有限公司", innobridge.OrgEnterprise, "91320500MA00000001", "320582"))
	d := &innobridge.Demand{
		Listing: innobridge.Listing{ExternalID: "DEM-1", Title: "高炉煤气余热利用", Description: "需要年节约标煤5000吨的方案",
			Keywords: []string{"余热", "煤气"}, Field: "6", Region: "320582", OwnerOrgID: org.ID, Status: innobridge.StatusPublished,
			ExpiresAt: date("2026-09-30"), CreatedBy: 3, Teaser: "钢铁企业余热利用"},
		BudgetMinYuan: ptr(int64(500_000)), BudgetMaxYuan: ptr(int64(2_000_000)), Deadline: date("2026-08-01"),
		CoopModes: []innobridge.Mode{innobridge.ModeCoDevelop, innobridge.ModeService}, TRLMin: 6, Confidentiality: innobridge.ConfTeaser,
	}
	d.SearchText = SearchText(t, d.SearchParts()...)
	must(t, s.CreateDemand(t.Context(), d), "CreateDemand")
	if d.ID == 0 || !d.CreatedAt.Equal(clock.Peek()) {
		t.Errorf("after create ID %d, CreatedAt %v; want an ID and the clock's %v", d.ID, d.CreatedAt, clock.Peek())
	}
	if d.OwnerOrg != "ENT-1" || d.OwnerName != "苏州钢铁有限公司" {
		t.Errorf("owner %q %q, want ENT-1 苏州钢铁有限公司", d.OwnerOrg, d.OwnerName)
	}
	got, err := s.FindDemandByID(t.Context(), d.ID)
	must(t, err, "FindDemandByID")
	same(t, "stored demand", got, d)
	if got.Hidden {
		t.Error("the store redacted a demand; redaction is the service's business")
	}
}

func testDemandConflict(t *testing.T, b Backend) {
	s, _ := MustOpen(t, b)
	d := &innobridge.Demand{Listing: innobridge.Listing{ExternalID: "D-1", Title: "需求", Status: innobridge.StatusPublished},
		Confidentiality: innobridge.ConfPublic}
	MustCreateDemand(t, s, d)
	dup := *d
	dup.ID = 0
	wantCode(t, s.CreateDemand(t.Context(), &dup), innobridge.ECONFLICT, "external_id", "D-1")
	bad := &innobridge.Demand{Listing: innobridge.Listing{ExternalID: "D-2", Title: "需求", Status: innobridge.StatusPublished},
		Confidentiality: "secret"}
	wantCode(t, s.CreateDemand(t.Context(), bad), innobridge.EINVALID, "confidentiality", "D-2")
	bad = &innobridge.Demand{Listing: innobridge.Listing{ExternalID: "D-3", Title: "需求", Status: innobridge.StatusPublished},
		Confidentiality: innobridge.ConfPublic, TRLMin: -1}
	wantCode(t, s.CreateDemand(t.Context(), bad), innobridge.EINVALID, "trl_min", "D-3")
}

func testDemandNotFound(t *testing.T, b Backend) {
	s, _ := MustOpen(t, b)
	_, err := s.FindDemandByID(t.Context(), 808)
	wantCode(t, err, innobridge.ENOTFOUND, "", "808")
	_, err = s.UpdateDemand(t.Context(), 808, innobridge.DemandUpdate{Title: ptr("x")})
	wantCode(t, err, innobridge.ENOTFOUND, "", "808")
}

// demandFixture stores four demands of two owners, one per
// confidentiality level and a second private one, oldest first.
func demandFixture(t *testing.T, s innobridge.Store) (list []*innobridge.Demand, orgA, orgB *innobridge.Organization) {
	orgA = MustCreateOrganization(t, s, NewOrganization("A", "甲公司", innobridge.OrgEnterprise, "91320500000000000A", "320505"))
	orgB = MustCreateOrganization(t, s, NewOrganization("B", "乙公司", innobridge.OrgEnterprise, "91320500000000000B", "310101"))
	mk := func(ext, title, desc, teaser string, conf innobridge.Confidentiality, owner *innobridge.Organization, field string, modes ...innobridge.Mode) *innobridge.Demand {
		d := &innobridge.Demand{Listing: innobridge.Listing{ExternalID: ext, Title: title, Description: desc, Teaser: teaser,
			Field: field, Region: owner.Region, OwnerOrgID: owner.ID, Status: innobridge.StatusPublished, Keywords: []string{}},
			CoopModes: modes, Confidentiality: conf, TRLMin: 3}
		d.SearchText = SearchText(t, d.SearchParts()...)
		return MustCreateDemand(t, s, d)
	}
	list = []*innobridge.Demand{
		mk("d1", "煤气管网泄漏检测", "需要在线监测方案", "", innobridge.ConfPublic, orgA, "6", innobridge.ModeService),
		mk("d2", "新型密封材料", "耐高温密封圈配方", "寻求密封材料合作", innobridge.ConfTeaser, orgB, "4", innobridge.ModeCoDevelop),
		mk("d3", "工艺优化项目", "核心配方涉及钛合金热处理", "制造工艺优化", innobridge.ConfPrivate, orgB, "8", innobridge.ModeCoDevelop, innobridge.ModeTransfer),
		mk("d4", "内部技术攻关", "煤气发生炉改造", "节能改造", innobridge.ConfPrivate, orgA, "6", innobridge.ModeTransfer),
	}
	return list, orgA, orgB
}

func testFindDemands(t *testing.T, b Backend) {
	s, _ := MustOpen(t, b)
	all, orgA, _ := demandFixture(t, s)
	mode := func(m innobridge.Mode) *innobridge.Mode { return &m }
	tests := []struct {
		name  string
		f     innobridge.ListingFilter
		want  []string
		total int
	}{
		{"AllNewestFirst", innobridge.ListingFilter{}, []string{"d4", "d3", "d2", "d1"}, 4},
		{"Owner", innobridge.ListingFilter{OwnerOrgID: &orgA.ID}, []string{"d4", "d1"}, 2},
		{"Field", innobridge.ListingFilter{Field: ptr("6")}, []string{"d4", "d1"}, 2},
		{"Region", innobridge.ListingFilter{Region: ptr("31")}, []string{"d3", "d2"}, 2},
		{"Mode", innobridge.ListingFilter{Mode: mode(innobridge.ModeTransfer)}, []string{"d4", "d3"}, 2},
		{"TRLIgnored", innobridge.ListingFilter{TRLMin: ptr(9)}, []string{"d4", "d3", "d2", "d1"}, 4},
		{"IDs", innobridge.ListingFilter{IDs: []int64{all[1].ID}}, []string{"d2"}, 1},
		{"Search", innobridge.ListingFilter{SearchTerms: QueryTerms(t, "密封")}, []string{"d2"}, 1},
		// d4's description mentions 煤气 but it is private: its search
		// text covers only title and teaser.
		{"SearchSkipsHiddenText", innobridge.ListingFilter{SearchTerms: QueryTerms(t, "煤气"), Sort: "recent"}, []string{"d1"}, 1},
		{"SearchTeaser", innobridge.ListingFilter{SearchTerms: QueryTerms(t, "节能改造")}, []string{"d4"}, 1},
		{"Page", innobridge.ListingFilter{Limit: 1, Offset: 3}, []string{"d1"}, 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			list, total, err := s.FindDemands(t.Context(), tc.f)
			must(t, err, "FindDemands")
			same(t, "external ids", demandIDs(list), tc.want)
			if total != tc.total {
				t.Errorf("total %d, want %d", total, tc.total)
			}
		})
	}
}

func testDemandConfidentiality(t *testing.T, b Backend) {
	s, _ := MustOpen(t, b)
	_, orgA, orgB := demandFixture(t, s)
	public := []innobridge.Confidentiality{innobridge.ConfPublic, innobridge.ConfTeaser}
	tests := []struct {
		name  string
		confs []innobridge.Confidentiality
		org   *int64
		want  []string
	}{
		{"Staff", nil, nil, []string{"d4", "d3", "d2", "d1"}},
		{"Anonymous", public, nil, []string{"d2", "d1"}},
		{"PublicOnly", []innobridge.Confidentiality{innobridge.ConfPublic}, nil, []string{"d1"}},
		{"OwnerA", public, &orgA.ID, []string{"d4", "d2", "d1"}},
		{"OwnerB", public, &orgB.ID, []string{"d3", "d2", "d1"}},
		{"OwnerBPublicOnly", []innobridge.Confidentiality{innobridge.ConfPublic}, &orgB.ID, []string{"d3", "d2", "d1"}},
		{"StrangerOrg", public, ptr(int64(999)), []string{"d2", "d1"}},
		{"PrivateOnly", []innobridge.Confidentiality{innobridge.ConfPrivate}, nil, []string{"d4", "d3"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := innobridge.ListingFilter{Confidentialities: tc.confs, VisibleToOrgID: tc.org}
			list, total, err := s.FindDemands(t.Context(), f)
			must(t, err, "FindDemands")
			same(t, "external ids", demandIDs(list), tc.want)
			if total != len(tc.want) {
				t.Errorf("total %d, want %d", total, len(tc.want))
			}
			// The same restriction holds under a search that matches
			// only the private d3, and a filter.
			f.SearchTerms, f.Statuses = QueryTerms(t, "工艺优化"), []innobridge.Status{innobridge.StatusPublished}
			list, total, err = s.FindDemands(t.Context(), f)
			must(t, err, "FindDemands(search)")
			var want []string
			for _, id := range tc.want {
				if id == "d3" {
					want = []string{"d3"}
				}
			}
			same(t, "search results", demandIDs(list), want)
			if total != len(want) {
				t.Errorf("search total %d, want %d", total, len(want))
			}
		})
	}
}

func testUpdateDemand(t *testing.T, b Backend) {
	s, clock := MustOpen(t, b)
	all, _, _ := demandFixture(t, s)
	d := all[0]
	upd := innobridge.DemandUpdate{
		Title: ptr("煤气管网智能巡检"), Description: ptr("保密描述"), Teaser: ptr("管网巡检"), Keywords: &[]string{"巡检"},
		Field: ptr("8"), Region: ptr("320506"), Status: ptr(innobridge.StatusDraft), ExpiresAt: ptr(date("2026-10-01")),
		BudgetMinYuan: ptr(ptr(int64(10))), BudgetMaxYuan: ptr(ptr(int64(20))), Deadline: ptr(date("2026-09-01")),
		CoopModes: &[]innobridge.Mode{innobridge.ModeLicense}, TRLMin: ptr(8), Confidentiality: ptr(innobridge.ConfPrivate),
		SearchText: ptr(SearchText(t, "煤气管网智能巡检", "管网巡检")),
	}
	got, err := s.UpdateDemand(t.Context(), d.ID, upd)
	must(t, err, "UpdateDemand")
	want := *d
	want.Apply(upd)
	want.UpdatedAt = clock.Peek()
	same(t, "updated demand", got, &want)
	stored, err := s.FindDemandByID(t.Context(), d.ID)
	must(t, err, "FindDemandByID")
	same(t, "stored demand", stored, &want)

	// Now private, d1 leaves the anonymous listing.
	list, _, err := s.FindDemands(t.Context(), innobridge.ListingFilter{Confidentialities: []innobridge.Confidentiality{innobridge.ConfPublic, innobridge.ConfTeaser}})
	must(t, err, "FindDemands")
	same(t, "anonymous listing", demandIDs(list), []string{"d2"})

	// Clearing the budget.
	got, err = s.UpdateDemand(t.Context(), d.ID, innobridge.DemandUpdate{BudgetMinYuan: ptr((*int64)(nil)), BudgetMaxYuan: ptr((*int64)(nil))})
	must(t, err, "UpdateDemand(clear budget)")
	if got.BudgetMinYuan != nil || got.BudgetMaxYuan != nil {
		t.Errorf("budget %v–%v after clearing", got.BudgetMinYuan, got.BudgetMaxYuan)
	}
	_, err = s.UpdateDemand(t.Context(), d.ID, innobridge.DemandUpdate{Confidentiality: ptr(innobridge.Confidentiality("top"))})
	wantCode(t, err, innobridge.EINVALID, "confidentiality", "d1")
}
