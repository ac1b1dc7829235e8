package demo

import (
	"context"
	"fmt"

	"github.com/innobridge/innobridge"
)

// indSpec is one demo enterprise's indicators: the figures of the last two
// fiscal years (older first) and its profile. Recognition dates are given
// as days before today so that the pipeline always has something expiring.
type indSpec struct {
	org      string
	years    [2]innobridge.YearFigures // Year is set at load: last year − 1, last year
	profile  innobridge.EnterpriseProfile
	recs     []recSpec
	niche    int // years in its niche market, 0 unknown
	devScore float64
}

// recSpec is a recognition granted agoDays before today; validityDays, if
// not 0, sets its last day that many days after the grant.
type recSpec struct {
	kind, number string
	agoDays      int
	validityDays int
}

const wan = 10_000 // 万元

var indicators = []indSpec{
	{org: "huaxin", // IC design in SIP: a 高企 whose certificate runs out within 90 days
		years: [2]innobridge.YearFigures{
			{Staff: 180, STStaff: 90, RDStaff: 70, Revenue: 12_000 * wan, MainRevenue: 11_500 * wan, HighTechIncome: 10_000 * wan,
				TotalCosts: 10_000 * wan, TotalAssets: 16_000 * wan, TotalLiabilities: 6_000 * wan, NetProfit: 1_200 * wan, RDExpense: 1_500 * wan, Conversions: 3},
			{Staff: 200, STStaff: 105, RDStaff: 80, Revenue: 15_000 * wan, MainRevenue: 14_500 * wan, HighTechIncome: 13_000 * wan,
				TotalCosts: 12_500 * wan, TotalAssets: 19_000 * wan, TotalLiabilities: 7_000 * wan, NetProfit: 1_600 * wan, RDExpense: 2_100 * wan, Conversions: 4},
		},
		profile: innobridge.EnterpriseProfile{HighTechField: "1", IP: innobridge.IPHoldings{InventionPatents: 12, SoftwareCopyrights: 20, ICLayouts: 6,
			Acquisition: "self"}, RDInstitutions: []innobridge.RDInstitution{{Name: "苏州市集成电路设计工程技术研究中心", Level: innobridge.LevelMunicipal}}},
		recs:  []recSpec{{innobridge.RecHighTech, "GR202332001188", 3*365 - 75, 0}, {innobridge.RecTechSME, "2026320571A0001234", 60, 0}},
		niche: 10, devScore: 72,
	},
	{org: "hengrui", // precision machinery: 科技型中小企业, a 专精特新 candidate
		years: [2]innobridge.YearFigures{
			{Staff: 150, STStaff: 30, RDStaff: 20, Revenue: 9_000 * wan, MainRevenue: 8_800 * wan, TotalCosts: 8_000 * wan,
				TotalAssets: 12_000 * wan, TotalLiabilities: 5_000 * wan, NetProfit: 600 * wan, RDExpense: 300 * wan},
			{Staff: 160, STStaff: 34, RDStaff: 24, Revenue: 10_500 * wan, MainRevenue: 10_200 * wan, TotalCosts: 9_300 * wan,
				TotalAssets: 13_000 * wan, TotalLiabilities: 5_500 * wan, NetProfit: 800 * wan, RDExpense: 420 * wan},
		},
		profile: innobridge.EnterpriseProfile{HighTechField: "8", IP: innobridge.IPHoldings{InventionPatents: 3, UtilityModels: 25, AppliedClassI: 2}},
		recs:    []recSpec{{innobridge.RecTechSME, "2026320509A0000456", 90, 0}},
		niche:   17, devScore: 58,
	},
	{org: "yangguang", // energy storage start-up growing fast, with new equity
		years: [2]innobridge.YearFigures{
			{Staff: 60, STStaff: 25, RDStaff: 18, Revenue: 3_000 * wan, MainRevenue: 2_900 * wan, TotalCosts: 2_800 * wan,
				TotalAssets: 4_000 * wan, TotalLiabilities: 1_500 * wan, NetProfit: 100 * wan, RDExpense: 250 * wan},
			{Staff: 85, STStaff: 36, RDStaff: 26, Revenue: 5_200 * wan, MainRevenue: 5_000 * wan, TotalCosts: 4_700 * wan,
				TotalAssets: 6_000 * wan, TotalLiabilities: 2_500 * wan, NetProfit: 300 * wan, RDExpense: 480 * wan, EquityFinancing: 2_000 * wan},
		},
		profile: innobridge.EnterpriseProfile{HighTechField: "6", IP: innobridge.IPHoldings{InventionPatents: 4, UtilityModels: 10}},
		recs:    []recSpec{{innobridge.RecTechSME, "2026320507A0000789", 30, 0}},
		niche:   5,
	},
	{org: "fengqiao", // software house: 高企 mid-term
		years: [2]innobridge.YearFigures{
			{Staff: 90, STStaff: 70, RDStaff: 50, Revenue: 4_000 * wan, MainRevenue: 3_900 * wan, HighTechIncome: 3_500 * wan, TotalCosts: 3_400 * wan,
				TotalAssets: 3_000 * wan, TotalLiabilities: 900 * wan, NetProfit: 400 * wan, RDExpense: 600 * wan, Conversions: 2},
			{Staff: 95, STStaff: 74, RDStaff: 52, Revenue: 4_500 * wan, MainRevenue: 4_400 * wan, HighTechIncome: 4_000 * wan, TotalCosts: 3_800 * wan,
				TotalAssets: 3_400 * wan, TotalLiabilities: 1_000 * wan, NetProfit: 500 * wan, RDExpense: 700 * wan, Conversions: 3},
		},
		profile: innobridge.EnterpriseProfile{HighTechField: "1", IP: innobridge.IPHoldings{SoftwareCopyrights: 40, InventionPatents: 2, Acquisition: "self"}},
		recs:    []recSpec{{innobridge.RecHighTech, "GR202432004321", 700, 0}},
		niche:   12,
	},
}

// indicators stores the demo enterprises' figures and recognitions, as
// bureau staff would after collecting them.
func (l *loader) indicators(ctx context.Context) error {
	now := l.svc.Now()
	last := now.Year() - 1
	sctx := innobridge.NewContextWithUser(ctx, l.staff)
	for _, s := range indicators {
		org, ok := l.orgs[s.org]
		if !ok {
			return fmt.Errorf("indicators: unknown organisation %q", s.org)
		}
		for i, y := range s.years {
			y.Year = last - 1 + i
			if _, err := l.svc.PutEnterpriseYear(sctx, org.ID, y); err != nil {
				return fmt.Errorf("indicators of %s for %d: %w", s.org, y.Year, err)
			}
		}
		p := s.profile
		for _, r := range s.recs {
			rec := innobridge.Recognition{Kind: r.kind, Number: r.number, Granted: innobridge.NewDate(now.AddDate(0, 0, -r.agoDays))}
			if r.validityDays > 0 {
				d := innobridge.NewDate(rec.Granted.AddDate(0, 0, r.validityDays))
				rec.Expires = &d
			}
			p.Recognitions = append(p.Recognitions, rec)
		}
		if s.niche > 0 {
			d := innobridge.NewDate(now.AddDate(-s.niche, 0, 0))
			p.NicheSince = &d
		}
		if s.devScore > 0 {
			v := s.devScore
			p.DevelopmentScore = &v
		}
		p.OwnBrand, p.DigitalLevel = true, 2
		if _, err := l.svc.PutEnterpriseProfile(sctx, org.ID, &p); err != nil {
			return fmt.Errorf("profile of %s: %w", s.org, err)
		}
	}
	return nil
}
