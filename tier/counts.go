package tier

import (
	"sort"
	"time"

	"github.com/innobridge/innobridge"
)

// Grouping says how Counts groups enterprises besides by tier.
type Grouping struct {
	// RegionDigits groups by the first 2 (province), 4 (city) or 6 (county)
	// digits of the GB/T 2260 code, written as a full six-digit code
	// ("320500"); 0 does not group by region.
	RegionDigits int
	// Industry groups by GB/T 4754 "section" ("C") or "division" ("C39");
	// "" does not group by industry.
	Industry string
}

// Count is the number of enterprises holding a tier in one group.
type Count struct {
	Tier     string `json:"tier"`               // Tier.Rule, e.g. "zjtx_sme"
	Region   string `json:"region,omitempty"`   // "" when not grouped or unknown
	Industry string `json:"industry,omitempty"` // "" when not grouped or unknown
	N        int    `json:"n"`
}

// Counts counts, for each tier of the Ladder, the enterprises holding a
// recognition of it in force on asOf, grouped as g says. An enterprise
// holding several tiers counts once in each. Counts are in ladder order,
// then by region and industry; groups with no enterprise are left out.
func Counts(ents []*innobridge.Indicators, asOf innobridge.Date, g Grouping) []Count {
	type key struct{ tier, region, industry string }
	n := map[key]int{}
	rank := map[string]int{}
	for i, t := range Ladder {
		rank[t.Rule] = i
	}
	for _, e := range ents {
		k := key{region: regionKey(e.Region, g.RegionDigits), industry: industryKey(e.Industry, g.Industry)}
		for _, t := range Ladder {
			if _, held, _ := holds(e, t.Kinds, asOf); held {
				k.tier = t.Rule
				n[k]++
			}
		}
	}
	out := make([]Count, 0, len(n))
	for k, v := range n {
		out = append(out, Count{Tier: k.tier, Region: k.region, Industry: k.industry, N: v})
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Tier != b.Tier {
			return rank[a.Tier] < rank[b.Tier]
		}
		if a.Region != b.Region {
			return a.Region < b.Region
		}
		return a.Industry < b.Industry
	})
	return out
}

// Snapshot is Counts at one date.
type Snapshot struct {
	AsOf   innobridge.Date `json:"as_of"`
	Counts []Count         `json:"counts"`
}

// CountsOver is Counts at each of dates, in the order given: the tiers
// over time, since recognitions carry their grant and expiry dates.
func CountsOver(ents []*innobridge.Indicators, dates []innobridge.Date, g Grouping) []Snapshot {
	out := make([]Snapshot, len(dates))
	for i, d := range dates {
		out[i] = Snapshot{AsOf: d, Counts: Counts(ents, d, g)}
	}
	return out
}

// YearEnds returns 31 December of each year from first to last, the usual
// dates for CountsOver.
func YearEnds(first, last int) []innobridge.Date {
	var out []innobridge.Date
	for y := first; y <= last; y++ {
		out = append(out, innobridge.NewDate(time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC)))
	}
	return out
}

func regionKey(code string, digits int) string {
	if digits <= 0 || innobridge.ValidateRegionCode(code) != "" {
		return ""
	}
	digits = min(digits, 6)
	return code[:digits] + "000000"[:6-digits]
}

func industryKey(code, level string) string {
	if level == "" || code == "" {
		return ""
	}
	c, msg := innobridge.NormalizeIndustryCode(code)
	if msg != "" {
		return ""
	}
	if level == "section" {
		return c[:1]
	}
	return c[:3]
}
