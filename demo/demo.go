// Package demo fills an empty platform with demonstration data for the demo
// city, 苏州 (innobridge.DemoCityCode): organisations of every kind,
// achievements, demands and one login per role. Everything goes through the
// service layer, so the data is validated and indexed for search exactly as
// if users had entered it. The content is written in this package and the
// varying details are drawn from a fixed seed, so every load gives the same
// platform.
package demo

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/innobridge/innobridge"
	"github.com/innobridge/innobridge/service"
)

// seed makes the generated details (credit codes, patent numbers, expiry
// dates) the same on every load.
const seed = 320500

// Load fills an empty platform with demonstration data through the service
// layer (so validation and search text apply) and prints the demo accounts
// with their passwords to out. It does nothing and returns loaded=false when
// the store already holds organisations.
//
// A demo account whose username is already taken (for instance by an
// administrator created on an earlier start) is left as it is and reported
// as such.
func Load(ctx context.Context, svc *service.Service, out io.Writer) (loaded bool, err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("demo.Load: %w", err)
		}
	}()
	if _, n, err := svc.FindOrganizations(ctx, innobridge.OrganizationFilter{Limit: 1}); err != nil {
		return false, err
	} else if n > 0 {
		return false, nil
	}
	l := &loader{svc: svc, rng: rand.New(rand.NewPCG(seed, seed)), orgs: map[string]*innobridge.Organization{},
		members: map[string]*innobridge.User{}}
	if err := l.organizations(ctx); err != nil {
		return false, err
	}
	created, err := l.users(ctx)
	if err != nil {
		return false, err
	}
	if err := l.achievements(ctx); err != nil {
		return false, err
	}
	if err := l.demands(ctx); err != nil {
		return false, err
	}
	if err := l.indicators(ctx); err != nil {
		return false, err
	}
	if err := l.events(ctx); err != nil {
		return false, err
	}
	return true, l.report(out, created)
}

type loader struct {
	svc  *service.Service
	rng  *rand.Rand
	orgs map[string]*innobridge.Organization
	// members maps an organisation key to the demo member who publishes
	// for it; listings of other organisations are published by staff.
	members map[string]*innobridge.User
	staff   *innobridge.User
}

func (l *loader) organizations(ctx context.Context) error {
	for _, s := range orgs {
		founded, err := innobridge.ParseDate(s.founded)
		if err != nil {
			return fmt.Errorf("organisation %s: %w", s.key, err)
		}
		uscc, err := l.uscc(s.usccPrefix, s.region)
		if err != nil {
			return fmt.Errorf("organisation %s: %w", s.key, err)
		}
		o := &innobridge.Organization{
			Name:     s.name,
			Kind:     s.kind,
			USCC:     uscc,
			Region:   s.region,
			Industry: s.industry,
			Address:  s.address,
			Contact:  s.contact,
			Phone:    fmt.Sprintf("0512-%d%07d", 5+l.rng.IntN(4), l.rng.IntN(10_000_000)),
			Email:    "contact@" + s.domain + ".example",
			Website:  "https://www." + s.domain + ".example",
			Intro:    s.intro,
			Founded:  &founded,
		}
		if err := l.svc.CreateOrganizationUnchecked(ctx, o); err != nil {
			return fmt.Errorf("organisation %s: %w", s.name, err)
		}
		l.orgs[s.key] = o
	}
	return nil
}

// created is one demo account and whether Load created it.
type created struct {
	account
	org   string
	fresh bool // false: the username existed and was left alone
}

func (l *loader) users(ctx context.Context) ([]created, error) {
	var out []created
	for _, a := range accounts {
		var org *innobridge.Organization
		if a.orgKey != "" {
			org = l.orgs[a.orgKey]
		}
		c := created{account: a, fresh: true}
		if org != nil {
			c.org = org.Name
		}
		u, err := l.svc.Store.FindUserByUsername(ctx, a.username)
		switch {
		case err == nil:
			c.fresh = false
		case innobridge.ErrorCode(err) != innobridge.ENOTFOUND:
			return nil, err
		default:
			nu := service.NewUser{Username: a.username, Name: a.name, Role: a.role, Password: a.password,
				Email: a.username + "@demo.innobridge.example"}
			if org != nil {
				nu.OrgID = org.ID
			}
			if u, err = l.svc.CreateUserUnchecked(ctx, nu); err != nil {
				return nil, fmt.Errorf("user %s: %w", a.username, err)
			}
		}
		if a.role == innobridge.RoleMember && u.Role == innobridge.RoleMember && org != nil && u.OrgID == org.ID {
			l.members[a.orgKey] = u
		}
		if l.staff == nil && u.IsStaff() {
			l.staff = u
		}
		out = append(out, c)
	}
	if l.staff == nil {
		return nil, fmt.Errorf("no staff account to publish listings with")
	}
	return out, nil
}

// actor returns a context acting for the organisation with key: its demo
// member if there is one, else bureau staff publishing on its behalf.
func (l *loader) actor(ctx context.Context, key string) (context.Context, int64, error) {
	org, ok := l.orgs[key]
	if !ok {
		return nil, 0, fmt.Errorf("unknown organisation %q", key)
	}
	u := l.staff
	if m, ok := l.members[key]; ok {
		u = m
	}
	return innobridge.NewContextWithUser(ctx, u), org.ID, nil
}

func (l *loader) achievements(ctx context.Context) error {
	year := l.svc.Now().Year()
	for _, s := range achievements {
		actx, orgID, err := l.actor(ctx, s.owner)
		if err != nil {
			return err
		}
		modes, err := parseModes(s.modes)
		if err != nil {
			return fmt.Errorf("achievement %q: %w", s.title, err)
		}
		a := &innobridge.Achievement{
			Listing: innobridge.Listing{
				Title:    s.title,
				Keywords: s.keywords,
				Field:    s.field,
				Status:   s.status,
			},
			TRL:           s.trl,
			IPType:        s.ip,
			IPNumbers:     l.ipNumbers(s.ip, year),
			TransferModes: modes,
		}
		a.OwnerOrgID = orgID
		if s.price > 0 {
			p := s.price * 10_000
			a.PriceYuan = &p
		}
		a.Negotiable = s.price == 0
		a.Description = achievementText(s, a, l.orgs[s.owner].Name)
		// Most achievements are listed for one to three years; some have
		// no end date.
		if l.rng.IntN(4) > 0 {
			d := innobridge.NewDate(l.svc.Now().AddDate(1+l.rng.IntN(3), l.rng.IntN(12), 0))
			a.ExpiresAt = &d
		}
		if err := l.svc.CreateAchievement(actx, a); err != nil {
			return fmt.Errorf("achievement %q: %w", s.title, err)
		}
	}
	return nil
}

func achievementText(s achSpec, a *innobridge.Achievement, owner string) string {
	var b strings.Builder
	b.WriteString(s.summary)
	fmt.Fprintf(&b, "\n\n成果完成单位：%s。", owner)
	fmt.Fprintf(&b, "\n技术成熟度：%d级（%s）。", s.trl, innobridge.TRLName(s.trl))
	b.WriteString("\n知识产权：" + s.ip.Name())
	if len(a.IPNumbers) > 0 {
		b.WriteString(" " + strings.Join(a.IPNumbers, "、"))
	}
	b.WriteString("。")
	names := make([]string, len(a.TransferModes))
	for i, m := range a.TransferModes {
		names[i] = m.Name()
	}
	b.WriteString("\n转化方式：" + strings.Join(names, "、") + "。")
	if s.price > 0 {
		fmt.Fprintf(&b, "\n参考价格：%d万元。", s.price)
	} else {
		b.WriteString("\n价格：面议。")
	}
	return b.String()
}

func (l *loader) demands(ctx context.Context) error {
	for _, s := range demands {
		actx, orgID, err := l.actor(ctx, s.owner)
		if err != nil {
			return err
		}
		modes, err := parseModes(s.modes)
		if err != nil {
			return fmt.Errorf("demand %q: %w", s.title, err)
		}
		deadline := innobridge.NewDate(l.svc.Now().AddDate(0, 0, s.days))
		expires := deadline
		d := &innobridge.Demand{
			Listing: innobridge.Listing{
				Title:       s.title,
				Description: s.summary,
				Keywords:    s.keywords,
				Field:       s.field,
				Status:      s.status,
				Teaser:      s.teaser,
				ExpiresAt:   &expires,
			},
			Deadline:        &deadline,
			CoopModes:       modes,
			TRLMin:          s.trlMin,
			Confidentiality: s.conf,
		}
		d.OwnerOrgID = orgID
		if s.min > 0 {
			v := s.min * 10_000
			d.BudgetMinYuan = &v
		}
		if s.max > 0 {
			v := s.max * 10_000
			d.BudgetMaxYuan = &v
		}
		if err := l.svc.CreateDemand(actx, d); err != nil {
			return fmt.Errorf("demand %q: %w", s.title, err)
		}
	}
	return nil
}

func parseModes(s string) ([]innobridge.Mode, error) {
	var out []innobridge.Mode
	for _, name := range strings.Split(s, ",") {
		m, ok := innobridge.ParseMode(name)
		if !ok {
			return nil, fmt.Errorf("unknown mode %q", name)
		}
		out = append(out, m)
	}
	return out, nil
}

// uscc returns a valid 统一社会信用代码: prefix (registration authority and
// kind), the region, a 9-character 组织机构代码 with its GB 11714 check
// character, and the GB 32100-2015 check character.
func (l *loader) uscc(prefix, region string) (string, error) {
	body := fmt.Sprintf("%08d", l.rng.IntN(100_000_000))
	weights := [8]int{3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := range 8 {
		sum += int(body[i]-'0') * weights[i]
	}
	var check string
	switch c := 11 - sum%11; c {
	case 10:
		check = "X"
	case 11:
		check = "0"
	default:
		check = fmt.Sprint(c)
	}
	first17 := prefix + region + body + check
	c, ok := innobridge.USCCCheckChar(first17)
	if !ok {
		return "", fmt.Errorf("credit code %q has a character outside the GB 32100 alphabet", first17)
	}
	return first17 + string(c), nil
}

// ipNumbers returns plausible registration numbers for an achievement's IP:
// Chinese patent numbers "ZL2023 1 0123456.7" (year, type, serial, check
// digit), software copyright numbers "2023SR0123456" and layout-design
// numbers "BS.235012345".
func (l *loader) ipNumbers(t innobridge.IPType, thisYear int) []string {
	patentType := map[innobridge.IPType]int{innobridge.IPInventionPatent: 1, innobridge.IPUtilityModel: 2, innobridge.IPDesign: 3}
	year := thisYear - 1 - l.rng.IntN(6)
	switch t {
	case innobridge.IPInventionPatent, innobridge.IPUtilityModel, innobridge.IPDesign:
		n := 1
		if t == innobridge.IPInventionPatent {
			n += l.rng.IntN(3)
		}
		var out []string
		for range n {
			out = append(out, patentNumber(year, patentType[t], l.rng.IntN(1_000_000)))
			if year < thisYear-1 {
				year++
			}
		}
		return out
	case innobridge.IPSoftware:
		return []string{fmt.Sprintf("%dSR%07d", year, l.rng.IntN(2_000_000))}
	case innobridge.IPICLayout:
		return []string{fmt.Sprintf("BS.%02d5%06d", year%100, l.rng.IntN(1_000_000))}
	}
	return nil
}

// patentNumber formats a CNIPA application number with its check digit:
// the twelve digits weighted 2…9, 2…5, summed modulo 11, 10 written X.
func patentNumber(year, kind, serial int) string {
	digits := fmt.Sprintf("%04d%d%07d", year, kind, serial)
	weights := [12]int{2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5}
	sum := 0
	for i := range 12 {
		sum += int(digits[i]-'0') * weights[i]
	}
	check := fmt.Sprint(sum % 11)
	if sum%11 == 10 {
		check = "X"
	}
	return fmt.Sprintf("ZL%s %s %s.%s", digits[:4], digits[4:5], digits[5:], check)
}

// report prints what was loaded and the demo accounts as a table.
func (l *loader) report(out io.Writer, accts []created) error {
	if out == nil {
		return nil
	}
	fmt.Fprintf(out, "已载入演示数据 / demo data loaded: %d 个机构 organisations, %d 项成果 achievements, %d 项需求 demands\n",
		len(orgs), len(achievements), len(demands))
	fmt.Fprintln(out, "演示账户（仅供演示）/ demo accounts (for demonstration only):")
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  username\tpassword\trole\torganisation")
	for _, a := range accts {
		pw := a.password
		if !a.fresh {
			pw = "(existing account, unchanged)"
		}
		org := a.org
		if org == "" {
			org = "-"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", a.username, pw, a.role, org)
	}
	return tw.Flush()
}

// roadshowField is the technology field of the demo roadshow: 新能源与节能,
// where the demo has both enterprises' demands and achievements to
// present.
const roadshowField = "6"

// events puts one upcoming roadshow on the demo, two weeks ahead at 14:00,
// with the first published achievements and demands of roadshowField by
// title, and two past events, one of them cancelled, so that the events
// pages and an event's docking list show on a fresh start. Staff do it
// through the service, as in real use.
func (l *loader) events(ctx context.Context) error {
	sctx := innobridge.NewContextWithUser(ctx, l.staff)
	day := l.svc.Now().Local().AddDate(0, 0, 14)
	e := &innobridge.Event{Name: "新能源与节能技术成果专场路演", Kind: innobridge.EventRoadshow,
		StartsAt: time.Date(day.Year(), day.Month(), day.Day(), 14, 0, 0, 0, time.Local),
		Venue:    "苏州国际科技园 路演中心", Field: roadshowField, Region: innobridge.DemoCityCode,
		Description: "高校院所新能源与节能成果路演，储能、园区能源企业发布技术需求，会后由科技局出具对接清单。"}
	if err := l.svc.CreateEvent(sctx, e); err != nil {
		return fmt.Errorf("event %q: %w", e.Name, err)
	}
	field := roadshowField
	achs, _, err := l.svc.FindAchievements(sctx, innobridge.ListingFilter{Field: &field, Sort: "title", Limit: 8})
	if err != nil {
		return err
	}
	dems, _, err := l.svc.FindDemands(sctx, innobridge.ListingFilter{Field: &field, Sort: "title", Limit: 4})
	if err != nil {
		return err
	}
	var achExts, demExts []string
	for _, a := range achs {
		achExts = append(achExts, a.ExternalID)
	}
	for _, d := range dems {
		demExts = append(demExts, d.ExternalID)
	}
	if _, err := l.svc.AddEventListings(sctx, e.ID, achExts, demExts); err != nil {
		return fmt.Errorf("event %q: %w", e.Name, err)
	}
	// Two past ones for 往期活动: a docking meeting held last month and a
	// roadshow that was called off (cancelled as the demo loads).
	for _, p := range []struct {
		name   string
		kind   innobridge.EventKind
		days   int
		reason string
	}{
		{"园区企业技术需求对接会", innobridge.EventDocking, -30, ""},
		{"先进材料成果路演", innobridge.EventRoadshow, -12, "主讲团队时间冲突，改至下季度另行安排"},
	} {
		day := l.svc.Now().Local().AddDate(0, 0, p.days)
		e := &innobridge.Event{Name: p.name, Kind: p.kind, StartsAt: time.Date(day.Year(), day.Month(), day.Day(), 9, 30, 0, 0, time.Local),
			Venue: "苏州国际科技园", Region: innobridge.DemoCityCode}
		if err := l.svc.CreateEvent(sctx, e); err != nil {
			return fmt.Errorf("event %q: %w", e.Name, err)
		}
		if p.reason != "" {
			if _, err := l.svc.CancelEvent(sctx, e.ID, p.reason); err != nil {
				return fmt.Errorf("event %q: %w", e.Name, err)
			}
		}
	}
	return nil
}
