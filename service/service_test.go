package service_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/innobridge/innobridge"
	"github.com/innobridge/innobridge/passwd"
	"github.com/innobridge/innobridge/service"
	"github.com/innobridge/innobridge/sqlite"
	"github.com/innobridge/innobridge/zh"
)

// clock is a settable time source shared by the service and the store.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// The secrets of the fixture's confidential demands: no reader without
// full rights may ever see them.
const (
	teaserSecret  = "含砷废水膜分离工艺参数保密"
	teaserKeyword = "砷回收秘钥"
	privateSecret = "氢能重卡电堆寿命绝密指标"
	privateTitle  = "新一代燃料电池电堆联合攻关"
	password      = "Sz-Tech#2026pw"
)

// fixture is a platform on a real SQLite file with organisations, users of
// every kind and listings in every state.
type fixture struct {
	svc   *service.Service
	db    *sqlite.DB
	clock *clock

	uni, ent, other *innobridge.Organization // university, enterprise, institute

	admin, staff, uniMember, entMember, otherMember, expert *innobridge.User

	achPublished, achDraft, achExpired    *innobridge.Achievement
	demPublic, demTeaser, demPrivate      *innobridge.Demand
	demTeaserExternal, demPrivateExternal string
}

// as returns a context acting as u (nil: anonymous).
func as(u *innobridge.User) context.Context {
	return innobridge.NewContextWithUser(context.Background(), u)
}

// uscc returns a valid 统一社会信用代码 for a 17-character prefix.
func uscc(tb testing.TB, first17 string) string {
	tb.Helper()
	c, ok := innobridge.USCCCheckChar(first17)
	if !ok {
		tb.Fatalf("bad USCC prefix %q", first17)
	}
	return first17 + string(c)
}

// newFixture opens a fresh SQLite file under t.TempDir and fills it.
func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	clk := &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "t.db"), sqlite.Options{Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	a, err := zh.Default()
	if err != nil {
		t.Fatal(err)
	}
	svc := service.New(db, a, slog.New(slog.NewTextHandler(io.Discard, nil)))
	svc.Now = clk.Now
	// Cheap hashing keeps the tests fast; the algorithm is the same.
	svc.Config.PasswordParams = passwd.Params{Memory: 1024, Time: 1, Threads: 1}
	f := &fixture{svc: svc, db: db, clock: clk}

	f.uni = f.mustOrg(t, &innobridge.Organization{ExternalID: "org-uni", Name: "苏州科技大学", Kind: innobridge.OrgUniversity, Region: "320506"})
	f.ent = f.mustOrg(t, &innobridge.Organization{ExternalID: "org-ent", Name: "苏州钢铁股份有限公司", Kind: innobridge.OrgEnterprise,
		Region: "320582", USCC: uscc(t, "91320582MA1XYW123")})
	f.other = f.mustOrg(t, &innobridge.Organization{ExternalID: "org-inst", Name: "苏州纳米研究所", Kind: innobridge.OrgInstitute, Region: "320571"})

	f.admin = f.mustUser(t, "admin1", innobridge.RoleAdmin, 0)
	f.staff = f.mustUser(t, "staff1", innobridge.RoleStaff, 0)
	f.uniMember = f.mustUser(t, "uni1", innobridge.RoleMember, f.uni.ID)
	f.entMember = f.mustUser(t, "ent1", innobridge.RoleMember, f.ent.ID)
	f.otherMember = f.mustUser(t, "inst1", innobridge.RoleMember, f.other.ID)
	f.expert = f.mustUser(t, "expert1", innobridge.RoleExpert, 0)

	yesterday := innobridge.NewDate(clk.Now().AddDate(0, 0, -1))
	price := int64(1500000)
	f.achPublished = f.mustAchievement(t, f.uniMember, &innobridge.Achievement{Listing: innobridge.Listing{
		ExternalID: "ach-pub", Title: "高炉煤气余热回收技术", Description: "回收高炉煤气显热，提高能源效率。",
		Keywords: []string{"余热", "节能"}, Field: "6"}, TRL: 6, IPType: innobridge.IPInventionPatent,
		TransferModes: []innobridge.Mode{innobridge.ModeLicense}, PriceYuan: &price})
	f.achDraft = f.mustAchievement(t, f.uniMember, &innobridge.Achievement{Listing: innobridge.Listing{
		ExternalID: "ach-draft", Title: "未发布的草稿成果", Status: innobridge.StatusDraft}})
	f.achExpired = f.mustAchievement(t, f.uniMember, &innobridge.Achievement{Listing: innobridge.Listing{
		ExternalID: "ach-expired", Title: "已过期的成果", ExpiresAt: &yesterday}})

	f.demPublic = f.mustDemand(t, f.entMember, &innobridge.Demand{Listing: innobridge.Listing{
		ExternalID: "dem-pub", Title: "提高煤气利用率", Description: "转炉煤气回收率低，寻求合作。", Keywords: []string{"煤气"}}})
	f.demTeaser = f.mustDemand(t, f.entMember, &innobridge.Demand{Listing: innobridge.Listing{
		ExternalID: "dem-teaser", Title: "工业废水深度处理", Teaser: "寻求工业废水处理合作伙伴",
		Description: teaserSecret, Keywords: []string{teaserKeyword}}, Confidentiality: innobridge.ConfTeaser})
	f.demPrivate = f.mustDemand(t, f.entMember, &innobridge.Demand{Listing: innobridge.Listing{
		ExternalID: "dem-private", Title: privateTitle, Teaser: "新能源方向合作",
		Description: privateSecret}, Confidentiality: innobridge.ConfPrivate})
	return f
}

func (f *fixture) mustOrg(t *testing.T, o *innobridge.Organization) *innobridge.Organization {
	t.Helper()
	if err := f.svc.CreateOrganizationUnchecked(context.Background(), o); err != nil {
		t.Fatalf("CreateOrganization(%s): %v", o.ExternalID, err)
	}
	return o
}

func (f *fixture) mustUser(t *testing.T, name string, role innobridge.Role, org int64) *innobridge.User {
	t.Helper()
	u, err := f.svc.CreateUserUnchecked(context.Background(), service.NewUser{Username: name, Name: name, Role: role, OrgID: org, Password: password})
	if err != nil {
		t.Fatalf("CreateUser(%s): %v", name, err)
	}
	return u
}

func (f *fixture) mustAchievement(t *testing.T, u *innobridge.User, a *innobridge.Achievement) *innobridge.Achievement {
	t.Helper()
	if err := f.svc.CreateAchievement(as(u), a); err != nil {
		t.Fatalf("CreateAchievement(%s): %v", a.ExternalID, err)
	}
	return a
}

func (f *fixture) mustDemand(t *testing.T, u *innobridge.User, d *innobridge.Demand) *innobridge.Demand {
	t.Helper()
	if err := f.svc.CreateDemand(as(u), d); err != nil {
		t.Fatalf("CreateDemand(%s): %v", d.ExternalID, err)
	}
	return d
}

// auditCount returns how many audit entries match action and entity id.
func (f *fixture) auditCount(t *testing.T, action, entityID string) int {
	t.Helper()
	_, n, err := f.db.FindAudit(context.Background(), innobridge.AuditFilter{Action: &action, EntityID: &entityID, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// wantCode fails unless err carries code.
func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := innobridge.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

// mustNotLeak fails if the JSON of v contains any confidential text.
func mustNotLeak(t *testing.T, what string, v any) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{teaserSecret, teaserKeyword, privateSecret, privateTitle} {
		if strings.Contains(string(b), s) {
			t.Errorf("%s reveals %q: %s", what, s, b)
		}
	}
}
