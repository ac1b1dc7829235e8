package storetest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/innobridge/innobridge"
)

var importTests = []test{
	{"Organizations", testImportOrganizations},
	{"AchievementsProgress", testImportAchievements},
	{"Demands", testImportDemands},
	{"ErrRowRollsBackAll", testImportFailure},
	{"ErrConflictNamesRecord", testImportConflict},
	{"ErrConstraintNamesRow", testImportConstraint},
	{"Empty", testImportEmpty},
}

func testImportOrganizations(t *testing.T, b Backend) {
	s, clock := MustOpen(t, b)
	first := MustCreateOrganization(t, s, NewOrganization("o1", "旧名", innobridge.OrgInstitute, "", "320500"))
	batch := []*innobridge.Organization{
		NewOrganization("o1", "新名研究院", innobridge.OrgInstitute, "", "320571"), // updates first
		NewOrganization("o2", "苏州甲公司", innobridge.OrgEnterprise, "91320500000000002B", "320505"),
		NewOrganization("", "无编号大学", innobridge.OrgUniversity, "", "320508"),
		NewOrganization("o3", "先写的名字", innobridge.OrgPark, "", "320500"),
		NewOrganization("o3", "后写的名字", innobridge.OrgPark, "", "320500"), // the last of a repeated id wins
	}
	must(t, s.Import(t.Context(), innobridge.ImportBatch{Organizations: batch}, nil), "Import")
	now := clock.Peek()

	list, n, err := s.FindOrganizations(t.Context(), innobridge.OrganizationFilter{})
	must(t, err, "FindOrganizations")
	if n != 4 {
		t.Fatalf("%d organizations after import, want 4: %v", n, orgNames(list))
	}
	byExt := map[string]*innobridge.Organization{}
	for _, o := range list {
		byExt[o.ExternalID] = o
	}
	o1 := byExt["o1"]
	if o1 == nil || o1.ID != first.ID || o1.Name != "新名研究院" || o1.Region != "320571" {
		t.Errorf("o1 after import %+v: want id %d, the new name and region", o1, first.ID)
	} else if !o1.CreatedAt.Equal(first.CreatedAt) || !o1.UpdatedAt.Equal(now) {
		t.Errorf("o1 times %v/%v: want created %v kept and updated %v", o1.CreatedAt, o1.UpdatedAt, first.CreatedAt, now)
	}
	if o3 := byExt["o3"]; o3 == nil || o3.Name != "后写的名字" {
		t.Errorf("o3 = %+v, want the last record's name", o3)
	}
	var generated *innobridge.Organization
	for ext, o := range byExt {
		if strings.HasPrefix(ext, "org-") {
			generated = o
		}
	}
	if generated == nil || generated.ExternalID != fmt.Sprintf("org-%d", generated.ID) || generated.Name != "无编号大学" {
		t.Errorf("record without external id stored as %+v, want external id org-<ID>", generated)
	}
}

func orgNames(list []*innobridge.Organization) []string {
	var out []string
	for _, o := range list {
		out = append(out, o.ExternalID+"="+o.Name)
	}
	return out
}

// GenerateAchievements returns n valid achievements owned by owner, with
// external ids prefix-1 … prefix-n and search text made of character
// bigrams, cheaply, without the dictionary.
func GenerateAchievements(n int, prefix string, owner int64) []*innobridge.Achievement {
	fields := []string{"1", "2", "3", "4", "5", "6", "7", "8"}
	topics := []string{"煤气回收利用", "锂电池正极材料", "工业机器人视觉", "污水生物处理", "高温合金铸造", "智能电网调度", "中药提取工艺", "光伏组件封装"}
	modes := [][]innobridge.Mode{{innobridge.ModeTransfer}, {innobridge.ModeLicense, innobridge.ModeTransfer}, {innobridge.ModeCoDevelop}}
	regions := []string{"320505", "320506", "320507", "320508", "320571", "320582", "320583", "320585"}
	out := make([]*innobridge.Achievement, n)
	for i := range out {
		topic := topics[i%len(topics)]
		title := fmt.Sprintf("%s技术第%d号", topic, i+1)
		desc := fmt.Sprintf("本成果涉及%s，已完成中试，适用于%s领域的企业。编号%d。", topic, fields[i%len(fields)], i)
		a := &innobridge.Achievement{Listing: innobridge.Listing{
			ExternalID: fmt.Sprintf("%s-%d", prefix, i+1), Title: title, Description: desc,
			Keywords: []string{topic[:6], "中试"}, Field: fields[i%len(fields)], Region: regions[i%len(regions)],
			OwnerOrgID: owner, Status: innobridge.StatusPublished},
			TRL: 1 + i%9, IPType: innobridge.IPInventionPatent, IPNumbers: []string{fmt.Sprintf("ZL2024%08d.%d", i, i%10)},
			TransferModes: modes[i%len(modes)], Negotiable: i%2 == 0,
		}
		if i%2 == 1 {
			a.PriceYuan = ptr(int64(10_000 * (i%100 + 1)))
		}
		a.SearchText = bigramText(title + desc)
		out[i] = a
	}
	return out
}

// bigramText returns the overlapping pairs of Han characters of s joined
// by spaces, a stand-in for the analyser's output.
func bigramText(s string) string {
	var b strings.Builder
	var prev rune
	for _, r := range s {
		if r >= 0x4e00 && r <= 0x9fff {
			if prev != 0 {
				if b.Len() > 0 {
					b.WriteByte(' ')
				}
				b.WriteRune(prev)
				b.WriteRune(r)
			}
			prev = r
		} else {
			prev = 0
		}
	}
	return b.String()
}

func testImportAchievements(t *testing.T, b Backend) {
	s, _ := MustOpen(t, b)
	org := MustCreateOrganization(t, s, NewOrganization("o1", "甲研究院", innobridge.OrgInstitute, "", "320500"))
	const n = 2345
	batch := GenerateAchievements(n, "imp", org.ID)
	batch[10].ExternalID, batch[11].ExternalID = "", ""
	var calls []int
	must(t, s.Import(t.Context(), innobridge.ImportBatch{Achievements: batch}, func(done int) { calls = append(calls, done) }), "Import")
	if len(calls) == 0 || calls[len(calls)-1] != n {
		t.Fatalf("progress calls %v: want the last to be %d", calls, n)
	}
	last := 0
	for _, c := range calls {
		if c < last || c-last > 1000 {
			t.Errorf("progress went from %d to %d: want at least every 1,000 records, never backwards", last, c)
		}
		last = c
	}
	_, total, err := s.FindAchievements(t.Context(), innobridge.ListingFilter{})
	must(t, err, "FindAchievements")
	if total != n {
		t.Errorf("%d achievements after import, want %d", total, n)
	}
	list, _, err := s.FindAchievements(t.Context(), innobridge.ListingFilter{ExternalID: ptr("imp-1000")})
	must(t, err, "FindAchievements")
	if len(list) != 1 {
		t.Fatalf("imp-1000: %d found", len(list))
	}
	want := *batch[999]
	want.ID, want.OwnerOrg, want.OwnerName = list[0].ID, "o1", "甲研究院"
	same(t, "imported imp-1000", list[0], &want)
	for _, i := range []int{10, 11} {
		if batch[i].ID != 0 {
			t.Errorf("Import set record %d's ID; the interface says it does not", i)
		}
	}
	// Records imported without an external id got ach-<ID>.
	all, _, err := s.FindAchievements(t.Context(), innobridge.ListingFilter{Statuses: []innobridge.Status{innobridge.StatusPublished}})
	must(t, err, "FindAchievements")
	generated := 0
	for _, a := range all {
		switch {
		case a.ExternalID == fmt.Sprintf("ach-%d", a.ID):
			generated++
		case !strings.HasPrefix(a.ExternalID, "imp-"):
			t.Errorf("achievement %d has external id %q", a.ID, a.ExternalID)
		}
	}
	if generated != 2 {
		t.Errorf("%d achievements got a generated external id, want 2", generated)
	}
	// Search works on imported rows.
	_, found, err := s.FindAchievements(t.Context(), innobridge.ListingFilter{SearchTerms: QueryTerms(t, "光伏组件")})
	must(t, err, "FindAchievements(search)")
	if want := n / 8; found < want || found > want+1 {
		t.Errorf("search 光伏组件 found %d imported rows, want about %d", found, want)
	}
}

func testImportDemands(t *testing.T, b Backend) {
	s, _ := MustOpen(t, b)
	org := MustCreateOrganization(t, s, NewOrganization("E", "乙公司", innobridge.OrgEnterprise, "91320500000000003C", "320500"))
	var batch []*innobridge.Demand
	for i := range 30 {
		conf := []innobridge.Confidentiality{innobridge.ConfPublic, innobridge.ConfTeaser, innobridge.ConfPrivate}[i%3]
		batch = append(batch, &innobridge.Demand{Listing: innobridge.Listing{ExternalID: fmt.Sprintf("D%02d", i), Title: fmt.Sprintf("需求%d", i),
			Teaser: "摘要", OwnerOrgID: org.ID, Status: innobridge.StatusPublished, Keywords: []string{"k"}},
			Confidentiality: conf, BudgetMaxYuan: ptr(int64(i * 1000)), CoopModes: []innobridge.Mode{innobridge.ModeService}})
	}
	must(t, s.Import(t.Context(), innobridge.ImportBatch{Demands: batch}, nil), "Import")
	list, n, err := s.FindDemands(t.Context(), innobridge.ListingFilter{Confidentialities: []innobridge.Confidentiality{innobridge.ConfPublic}})
	must(t, err, "FindDemands")
	if n != 10 || len(list) != 10 {
		t.Errorf("%d public demands after import, want 10", n)
	}
	// Importing again with a change updates in place.
	batch[0].Title = "需求零"
	must(t, s.Import(t.Context(), innobridge.ImportBatch{Demands: batch[:1]}, nil), "Import again")
	list, n, err = s.FindDemands(t.Context(), innobridge.ListingFilter{ExternalID: ptr("D00")})
	must(t, err, "FindDemands")
	if n != 1 || list[0].Title != "需求零" {
		t.Errorf("D00 after re-import: %d found, %+v", n, list)
	}
	_, n, _ = s.FindDemands(t.Context(), innobridge.ListingFilter{})
	if n != 30 {
		t.Errorf("%d demands after re-import, want 30", n)
	}
}

func testImportFailure(t *testing.T, b Backend) {
	s, _ := MustOpen(t, b)
	org := MustCreateOrganization(t, s, NewOrganization("o1", "甲研究院", innobridge.OrgInstitute, "", "320500"))
	before := GenerateAchievements(3, "old", org.ID)
	must(t, s.Import(t.Context(), innobridge.ImportBatch{Achievements: before}, nil), "Import(old)")
	keep, _, err := s.FindAchievements(t.Context(), innobridge.ListingFilter{ExternalID: ptr("old-2")})
	must(t, err, "FindAchievements")

	tests := []struct {
		name string
		bad  int // index of the failing record
		n    int
	}{
		{"FirstRow", 0, 10},
		{"InFirstStatement", 7, 10},
		{"InLaterStatement", 1700, 2000},
		{"LastRow", 1999, 2000},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			batch := GenerateAchievements(tc.n, "new", org.ID)
			// The batch also rewrites an existing record, which must
			// survive unchanged.
			changed := *before[1]
			changed.Title = "被改写的标题"
			batch[min(3, tc.n-1)] = &changed
			if tc.bad == min(3, tc.n-1) {
				t.Fatal("bad test: the failing record replaces the rewrite")
			}
			batch[tc.bad].TRL = 12
			bad := batch[tc.bad].ExternalID
			var progressed int
			err := s.Import(t.Context(), innobridge.ImportBatch{Achievements: batch}, func(done int) { progressed = done })
			wantCode(t, err, innobridge.EINVALID, "trl", bad, fmt.Sprintf("record %d", tc.bad+1))
			if progressed > tc.bad {
				t.Errorf("progress reached %d, past the failing record %d", progressed, tc.bad+1)
			}
			list, n, err := s.FindAchievements(t.Context(), innobridge.ListingFilter{})
			must(t, err, "FindAchievements")
			same(t, "achievements after the failed import", achievementIDs(list), []string{"old-3", "old-2", "old-1"})
			if n != 3 {
				t.Errorf("total %d, want 3", n)
			}
			got, err := s.FindAchievementByID(t.Context(), keep[0].ID)
			must(t, err, "FindAchievementByID")
			same(t, "old-2 after the failed import", got, keep[0])
		})
	}
	// The store still works after the rollbacks.
	must(t, s.Import(t.Context(), innobridge.ImportBatch{Achievements: GenerateAchievements(5, "new", org.ID)}, nil), "Import(good)")
	_, n, err := s.FindAchievements(t.Context(), innobridge.ListingFilter{})
	must(t, err, "FindAchievements")
	if n != 8 {
		t.Errorf("%d achievements after a good import, want 8", n)
	}
}

func testImportConflict(t *testing.T, b Backend) {
	s, _ := MustOpen(t, b)
	MustCreateOrganization(t, s, NewOrganization("E1", "甲公司", innobridge.OrgEnterprise, "91320500000000009X", "320500"))
	var batch []*innobridge.Organization
	for i := range 600 {
		batch = append(batch, NewOrganization(fmt.Sprintf("N%03d", i), fmt.Sprintf("新公司%d", i), innobridge.OrgEnterprise,
			fmt.Sprintf("9132050000000%05d", i), "320500"))
	}
	batch[555].USCC = "91320500000000009X"
	err := s.Import(t.Context(), innobridge.ImportBatch{Organizations: batch}, nil)
	wantCode(t, err, innobridge.ECONFLICT, "uscc", "N555", "91320500000000009X")
	_, n, err := s.FindOrganizations(t.Context(), innobridge.OrganizationFilter{})
	must(t, err, "FindOrganizations")
	if n != 1 {
		t.Errorf("%d organizations after the failed import, want 1", n)
	}
	// An unknown owner names the record too.
	achs := GenerateAchievements(5, "x", 0)
	achs[2].OwnerOrgID = 424242
	err = s.Import(t.Context(), innobridge.ImportBatch{Achievements: achs}, nil)
	wantCode(t, err, innobridge.EINVALID, "", "x-3")
}

// testImportConstraint imports batches whose one bad row breaks a rule
// only the database enforces (a foreign key, a CHECK), at the start, in
// the middle of a later statement and at the end of a batch: the import
// must fail as a whole, name that row and its field, report no progress
// past it, and leave what was stored before untouched, including a record
// the batch rewrites.
func testImportConstraint(t *testing.T, b Backend) {
	s, _ := MustOpen(t, b)
	org := MustCreateOrganization(t, s, NewOrganization("o1", "甲研究院", innobridge.OrgInstitute, "", "320500"))
	oldAchs := GenerateAchievements(3, "old", org.ID)
	must(t, s.Import(t.Context(), innobridge.ImportBatch{Achievements: oldAchs}, nil), "Import(old achievements)")
	oldDems := generateDemands(3, "old", org.ID)
	must(t, s.Import(t.Context(), innobridge.ImportBatch{Demands: oldDems}, nil), "Import(old demands)")
	achsBefore, _, err := s.FindAchievements(t.Context(), innobridge.ListingFilter{})
	must(t, err, "FindAchievements")
	demsBefore, _, err := s.FindDemands(t.Context(), innobridge.ListingFilter{})
	must(t, err, "FindDemands")

	tests := []struct {
		name  string
		n     int // records in the batch
		bad   int // index of the bad one
		field string
		achs  func(a *innobridge.Achievement) // breaks an achievement, or
		dems  func(d *innobridge.Demand)      // a demand
	}{
		// SQLite does not say which foreign key failed: no field.
		{name: "UnknownOwnerFirst", n: 1200, bad: 0, achs: func(a *innobridge.Achievement) { a.OwnerOrgID = 424242 }},
		{name: "UnknownOwnerLater", n: 2500, bad: 1777, achs: func(a *innobridge.Achievement) { a.OwnerOrgID = 424242 }},
		{name: "NegativePrice", n: 2500, bad: 2499, field: "price_yuan", achs: func(a *innobridge.Achievement) { a.PriceYuan = ptr(int64(-1)) }},
		{name: "UnknownStatus", n: 1500, bad: 1001, field: "status", achs: func(a *innobridge.Achievement) { a.Status = "archived" }},
		{name: "DemandUnknownConfidentiality", n: 1500, bad: 1234, field: "confidentiality",
			dems: func(d *innobridge.Demand) { d.Confidentiality = "secret" }},
		{name: "DemandNegativeBudget", n: 1500, bad: 600, field: "budget_min_yuan",
			dems: func(d *innobridge.Demand) { d.BudgetMinYuan = ptr(int64(-5)) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var batch innobridge.ImportBatch
			var ext string
			if tc.achs != nil {
				batch.Achievements = GenerateAchievements(tc.n, "new", org.ID)
				rewrite := *oldAchs[1]
				rewrite.Title = "被改写的标题"
				batch.Achievements[tc.n/2] = &rewrite
				tc.achs(batch.Achievements[tc.bad])
				ext = batch.Achievements[tc.bad].ExternalID
			} else {
				batch.Demands = generateDemands(tc.n, "new", org.ID)
				rewrite := *oldDems[1]
				rewrite.Title = "被改写的标题"
				batch.Demands[tc.n/2] = &rewrite
				tc.dems(batch.Demands[tc.bad])
				ext = batch.Demands[tc.bad].ExternalID
			}
			progressed := 0
			err := s.Import(t.Context(), batch, func(done int) { progressed = done })
			wantCode(t, err, innobridge.EINVALID, tc.field, ext, fmt.Sprintf("record %d ", tc.bad+1))
			if progressed > tc.bad {
				t.Errorf("progress reached %d, past the bad record %d", progressed, tc.bad+1)
			}
			achs, _, err := s.FindAchievements(t.Context(), innobridge.ListingFilter{})
			must(t, err, "FindAchievements")
			same(t, "achievements after the failed import", achs, achsBefore)
			dems, _, err := s.FindDemands(t.Context(), innobridge.ListingFilter{})
			must(t, err, "FindDemands")
			same(t, "demands after the failed import", dems, demsBefore)
		})
	}
}

// generateDemands returns n valid demands owned by owner, with external
// ids prefix-1 … prefix-n.
func generateDemands(n int, prefix string, owner int64) []*innobridge.Demand {
	out := make([]*innobridge.Demand, n)
	for i := range out {
		title := fmt.Sprintf("寻求%s技术第%d号", []string{"煤气回收", "污水处理", "电池回收"}[i%3], i+1)
		out[i] = &innobridge.Demand{Listing: innobridge.Listing{ExternalID: fmt.Sprintf("%s-%d", prefix, i+1), Title: title,
			Teaser: "摘要", OwnerOrgID: owner, Status: innobridge.StatusPublished, Keywords: []string{"k"}, SearchText: bigramText(title)},
			Confidentiality: innobridge.ConfPublic, BudgetMinYuan: ptr(int64(i)), BudgetMaxYuan: ptr(int64(i * 1000)),
			CoopModes: []innobridge.Mode{innobridge.ModeService}, TRLMin: i % 10}
	}
	return out
}

func testImportEmpty(t *testing.T, b Backend) {
	s, _ := MustOpen(t, b)
	called := false
	must(t, s.Import(t.Context(), innobridge.ImportBatch{}, func(int) { called = true }), "Import(empty)")
	if called {
		t.Error("progress called for an empty batch")
	}
}
