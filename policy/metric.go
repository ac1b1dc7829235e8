package policy

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/innobridge/innobridge"
)

// Units of a metric, which decide how values are shown.
const (
	UnitRatio  = "ratio"  // fraction, shown as a percentage
	UnitYuan   = "yuan"   // money
	UnitCount  = "count"  // things or people
	UnitYears  = "years"  // full years
	UnitDays   = "days"   // calendar days
	UnitPoints = "points" // a score
	UnitBool   = "bool"   // 1 yes, 0 no
	UnitLevel  = "level"  // 0 none … 4 national (innobridge.LevelRank)
)

// ectx is one evaluation: an enterprise at a date. fy is the latest complete
// fiscal year, the year before asOf.
type ectx struct {
	e      *innobridge.Indicators
	asOf   innobridge.Date
	fy     int
	params map[string]float64
}

func newCtx(e *innobridge.Indicators, asOf innobridge.Date, params map[string]float64) *ectx {
	return &ectx{e: e, asOf: asOf, fy: asOf.Year() - 1, params: params}
}

// year returns the figures k-1 years before the latest fiscal year (k=1 is
// the latest), or a note naming the missing year.
func (c *ectx) year(k int) (*innobridge.YearFigures, string) {
	y := c.e.Year(c.fy - k + 1)
	if y == nil {
		return nil, fmt.Sprintf("no figures for fiscal year %d", c.fy-k+1)
	}
	return y, ""
}

// lastYears returns the figures of the latest n fiscal years that are
// present, newest first (fewer when the company is younger).
func (c *ectx) lastYears(n int) []*innobridge.YearFigures {
	var out []*innobridge.YearFigures
	for k := 1; k <= n; k++ {
		if y := c.e.Year(c.fy - k + 1); y != nil {
			out = append(out, y)
		}
	}
	return out
}

// metric is a named quantity read from an enterprise. fn returns the value,
// a note for the trace, and false when the data to compute it is missing.
// gap, when set, says in actionable terms what it takes to move the value
// to target (the comparison that must hold is value op target).
type metric struct {
	name, unit, desc string
	fn               func(c *ectx) (float64, string, bool)
	gap              func(c *ectx, op string, target, value float64) string
}

// MetricInfo describes a metric for documentation.
type MetricInfo struct {
	Name        string `json:"name"`
	Unit        string `json:"unit"`
	Description string `json:"description"`
}

// Metrics lists the metrics rule files may name, in name order. Parametric
// metrics are listed with their argument in angle brackets.
func Metrics() []MetricInfo {
	metricsOnce.Do(registerMetrics)
	var out []MetricInfo
	for _, m := range metrics {
		out = append(out, MetricInfo{m.name, m.unit, m.desc})
	}
	for p, m := range paramMetrics {
		out = append(out, MetricInfo{p + "<arg>", m.unit, m.desc})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

var metrics = map[string]*metric{}

func def(name, unit, desc string, fn func(c *ectx) (float64, string, bool), gap func(c *ectx, op string, target, value float64) string) {
	metrics[name] = &metric{name: name, unit: unit, desc: desc, fn: fn, gap: gap}
}

type paramMetric struct {
	unit, desc string
	make       func(arg string) (*metric, error)
}

var paramMetrics = map[string]paramMetric{}

// metricsOnce fills metrics and paramMetrics on first use, so that
// package-level variables (such as a test's catalog) can load rule files.
var metricsOnce sync.Once

func lookupMetric(name string) (*metric, error) {
	metricsOnce.Do(registerMetrics)
	if m, ok := metrics[name]; ok {
		return m, nil
	}
	if i := strings.IndexByte(name, ':'); i > 0 {
		if p, ok := paramMetrics[name[:i+1]]; ok {
			return p.make(name[i+1:])
		}
	}
	return nil, fmt.Errorf("unknown metric %q", name)
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func ratio(num, den int64) float64 {
	if den == 0 {
		return 0
	}
	return float64(num) / float64(den)
}

// yearly defines a metric over the figures of the latest fiscal year.
func yearly(name, unit, desc string, f func(y *innobridge.YearFigures) (float64, string, bool), gap func(c *ectx, op string, target, value float64) string) {
	def(name, unit, desc, func(c *ectx) (float64, string, bool) {
		y, miss := c.year(1)
		if y == nil {
			return 0, miss, false
		}
		v, note, ok := f(y)
		if note == "" {
			note = fmt.Sprintf("FY%d", y.Year)
		} else {
			note = fmt.Sprintf("FY%d: %s", y.Year, note)
		}
		return v, note, ok
	}, gap)
}

func capGap(what string, unit string) func(c *ectx, op string, target, value float64) string {
	return func(c *ectx, op string, target, value float64) string {
		if op == "<=" || op == "<" {
			return fmt.Sprintf("%s is %s over the limit", what, formatValue(unit, value-target))
		}
		return fmt.Sprintf("needs %s more %s", formatValue(unit, target-value), what)
	}
}

// needMoreNumerator is the extra numerator for num/den to reach target at a fixed denominator.
func needMoreNumerator(num, den int64, target float64) int64 {
	return int64(math.Ceil(target*float64(den)-1e-6)) - num
}

// needMoreBoth is the x with (num+x)/(den+x) ≥ target, when adding to the
// numerator also adds to the denominator (more S&T staff are more staff).
func needMoreBoth(num, den int64, target float64) int64 {
	if target >= 1 {
		return den - num
	}
	return int64(math.Ceil((target*float64(den)-float64(num))/(1-target) - 1e-9))
}

func registerMetrics() {
	yearly("staff", UnitCount, "职工总数 in the latest fiscal year", func(y *innobridge.YearFigures) (float64, string, bool) {
		return float64(y.Staff), "", true
	}, capGap("staff", UnitCount))
	yearly("revenue", UnitYuan, "销售收入 in the latest fiscal year", func(y *innobridge.YearFigures) (float64, string, bool) {
		return float64(y.Revenue), "", true
	}, capGap("revenue", UnitYuan))
	yearly("total_assets", UnitYuan, "资产总额 at the end of the latest fiscal year", func(y *innobridge.YearFigures) (float64, string, bool) {
		return float64(y.TotalAssets), "", true
	}, capGap("total assets", UnitYuan))
	yearly("rd_expense", UnitYuan, "研发费用 in the latest fiscal year", func(y *innobridge.YearFigures) (float64, string, bool) {
		return float64(y.RDExpense), "", true
	}, capGap("R&D expense", UnitYuan))
	yearly("st_staff_ratio", UnitRatio, "科技人员 ÷ 职工总数, latest fiscal year", func(y *innobridge.YearFigures) (float64, string, bool) {
		if y.Staff == 0 {
			return 0, "no staff reported", false
		}
		return ratio(int64(y.STStaff), int64(y.Staff)), fmt.Sprintf("%d of %d staff", y.STStaff, y.Staff), true
	}, func(c *ectx, op string, target, value float64) string {
		y, _ := c.year(1)
		n := needMoreBoth(int64(y.STStaff), int64(y.Staff), target)
		return fmt.Sprintf("needs %d more S&T staff (of %d in FY%d)", max(n, 1), y.Staff, y.Year)
	})
	yearly("rd_staff_ratio", UnitRatio, "研发人员 ÷ 职工总数, latest fiscal year", func(y *innobridge.YearFigures) (float64, string, bool) {
		if y.Staff == 0 {
			return 0, "no staff reported", false
		}
		return ratio(int64(y.RDStaff), int64(y.Staff)), fmt.Sprintf("%d of %d staff", y.RDStaff, y.Staff), true
	}, func(c *ectx, op string, target, value float64) string {
		y, _ := c.year(1)
		return fmt.Sprintf("needs %d more R&D staff", max(needMoreBoth(int64(y.RDStaff), int64(y.Staff), target), 1))
	})
	yearly("rd_to_revenue", UnitRatio, "研发费用 ÷ 销售收入, latest fiscal year", func(y *innobridge.YearFigures) (float64, string, bool) {
		if y.Revenue == 0 {
			return 0, "no revenue reported", false
		}
		return ratio(y.RDExpense, y.Revenue), fmt.Sprintf("R&D %s on revenue %s", yuan(y.RDExpense), yuan(y.Revenue)), true
	}, func(c *ectx, op string, target, value float64) string {
		y, _ := c.year(1)
		return fmt.Sprintf("needs %s more R&D expense on this revenue", yuan(max(needMoreNumerator(y.RDExpense, y.Revenue, target), 1)))
	})
	yearly("rd_to_costs", UnitRatio, "研发费用 ÷ 成本费用总额, latest fiscal year", func(y *innobridge.YearFigures) (float64, string, bool) {
		if y.TotalCosts == 0 {
			return 0, "no total costs reported", false
		}
		return ratio(y.RDExpense, y.TotalCosts), fmt.Sprintf("R&D %s of costs %s", yuan(y.RDExpense), yuan(y.TotalCosts)), true
	}, func(c *ectx, op string, target, value float64) string {
		y, _ := c.year(1)
		// R&D expense is itself a cost, so it raises the denominator too.
		return fmt.Sprintf("needs %s more R&D expense (total costs rise with it)", yuan(max(needMoreBoth(y.RDExpense, y.TotalCosts, target), 1)))
	})
	yearly("main_business_share", UnitRatio, "主营业务收入 ÷ 销售收入, latest fiscal year", func(y *innobridge.YearFigures) (float64, string, bool) {
		if y.Revenue == 0 {
			return 0, "no revenue reported", false
		}
		return ratio(y.MainRevenue, y.Revenue), "", true
	}, func(c *ectx, op string, target, value float64) string {
		y, _ := c.year(1)
		return fmt.Sprintf("needs %s more main-business revenue at the same other revenue", yuan(max(needMoreBoth(y.MainRevenue, y.Revenue, target), 1)))
	})
	yearly("debt_to_asset", UnitRatio, "资产负债率 at the end of the latest fiscal year", func(y *innobridge.YearFigures) (float64, string, bool) {
		if y.TotalAssets == 0 {
			return 0, "no total assets reported", false
		}
		return ratio(y.TotalLiabilities, y.TotalAssets), "", true
	}, func(c *ectx, op string, target, value float64) string {
		y, _ := c.year(1)
		over := y.TotalLiabilities - int64(math.Floor(target*float64(y.TotalAssets)))
		return fmt.Sprintf("needs %s less debt at the same assets", yuan(max(over, 1)))
	})
	yearly("net_profit_margin", UnitRatio, "净利润 ÷ 销售收入, latest fiscal year", func(y *innobridge.YearFigures) (float64, string, bool) {
		if y.Revenue == 0 {
			return 0, "no revenue reported", false
		}
		return ratio(y.NetProfit, y.Revenue), "", true
	}, func(c *ectx, op string, target, value float64) string {
		y, _ := c.year(1)
		return fmt.Sprintf("needs %s more net profit on this revenue", yuan(max(needMoreNumerator(y.NetProfit, y.Revenue, target), 1)))
	})
	yearly("hightech_income_share", UnitRatio, "高新技术产品（服务）收入 ÷ 总收入, latest fiscal year", func(y *innobridge.YearFigures) (float64, string, bool) {
		if y.Income() == 0 {
			return 0, "no income reported", false
		}
		return ratio(y.HighTechIncome, y.Income()), fmt.Sprintf("%s of %s", yuan(y.HighTechIncome), yuan(y.Income())), true
	}, func(c *ectx, op string, target, value float64) string {
		y, _ := c.year(1)
		return fmt.Sprintf("needs %s more high-tech product/service income", yuan(max(needMoreBoth(y.HighTechIncome, y.Income(), target), 1)))
	})
	def("main_revenue_growth", UnitRatio, "主营业务收入 growth of the latest fiscal year over the one before",
		func(c *ectx) (float64, string, bool) {
			y1, m1 := c.year(1)
			y2, m2 := c.year(2)
			if y1 == nil || y2 == nil {
				return 0, m1 + m2, false
			}
			if y2.MainRevenue <= 0 {
				return 0, fmt.Sprintf("no main-business revenue in FY%d", y2.Year), false
			}
			return ratio(y1.MainRevenue, y2.MainRevenue) - 1, fmt.Sprintf("FY%d %s vs FY%d %s", y1.Year, yuan(y1.MainRevenue), y2.Year, yuan(y2.MainRevenue)), true
		}, func(c *ectx, op string, target, value float64) string {
			y1, _ := c.year(1)
			y2, _ := c.year(2)
			need := int64(math.Ceil((1+target)*float64(y2.MainRevenue)-1e-6)) - y1.MainRevenue
			return fmt.Sprintf("needs %s more main-business revenue in FY%d", yuan(max(need, 1)), y1.Year)
		})
	def("main_revenue_growth_avg_2y", UnitRatio, "mean of the last two yearly growth rates of 主营业务收入",
		func(c *ectx) (float64, string, bool) {
			y1, m1 := c.year(1)
			y2, m2 := c.year(2)
			y3, m3 := c.year(3)
			if y1 == nil || y2 == nil || y3 == nil {
				return 0, strings.TrimSpace(m1 + " " + m2 + " " + m3), false
			}
			if y2.MainRevenue <= 0 || y3.MainRevenue <= 0 {
				return 0, "a base year has no main-business revenue", false
			}
			g1, g2 := ratio(y1.MainRevenue, y2.MainRevenue)-1, ratio(y2.MainRevenue, y3.MainRevenue)-1
			return (g1 + g2) / 2, fmt.Sprintf("FY%d %s, FY%d %s", y2.Year, pct(g2), y1.Year, pct(g1)), true
		}, func(c *ectx, op string, target, value float64) string {
			y1, _ := c.year(1)
			y2, _ := c.year(2)
			y3, _ := c.year(3)
			g2 := ratio(y2.MainRevenue, y3.MainRevenue) - 1
			need := int64(math.Ceil((1+2*target-g2)*float64(y2.MainRevenue)-1e-6)) - y1.MainRevenue
			return fmt.Sprintf("needs %s more main-business revenue in FY%d", yuan(max(need, 1)), y1.Year)
		})
	def("revenue_cagr_2y", UnitRatio, "compound annual growth of 销售收入 over the last two years",
		func(c *ectx) (float64, string, bool) {
			y1, m1 := c.year(1)
			y3, m3 := c.year(3)
			if y1 == nil || y3 == nil {
				return 0, strings.TrimSpace(m1 + " " + m3), false
			}
			if y3.Revenue <= 0 {
				return 0, fmt.Sprintf("no revenue in FY%d", y3.Year), false
			}
			return math.Sqrt(ratio(y1.Revenue, y3.Revenue)) - 1, fmt.Sprintf("FY%d %s → FY%d %s", y3.Year, yuan(y3.Revenue), y1.Year, yuan(y1.Revenue)), true
		}, func(c *ectx, op string, target, value float64) string {
			y1, _ := c.year(1)
			y3, _ := c.year(3)
			need := int64(math.Ceil((1+target)*(1+target)*float64(y3.Revenue)-1e-6)) - y1.Revenue
			return fmt.Sprintf("needs %s more revenue in FY%d", yuan(max(need, 1)), y1.Year)
		})
	def("rd_ratio_3y", UnitRatio, "研发费用 ÷ 销售收入 summed over the last 3 fiscal years (fewer if younger)",
		func(c *ectx) (float64, string, bool) {
			ys := c.lastYears(3)
			if len(ys) == 0 {
				return 0, fmt.Sprintf("no figures for FY%d–%d", c.fy-2, c.fy), false
			}
			var rd, rev int64
			for _, y := range ys {
				rd += y.RDExpense
				rev += y.Revenue
			}
			if rev == 0 {
				return 0, "no revenue reported", false
			}
			return ratio(rd, rev), fmt.Sprintf("R&D %s on revenue %s over %d years", yuan(rd), yuan(rev), len(ys)), true
		}, func(c *ectx, op string, target, value float64) string {
			var rd, rev int64
			for _, y := range c.lastYears(3) {
				rd += y.RDExpense
				rev += y.Revenue
			}
			return fmt.Sprintf("needs %s more R&D expense over these years on this revenue", yuan(max(needMoreNumerator(rd, rev, target), 1)))
		})
	def("domestic_rd_share_3y", UnitRatio, "R&D spent in China ÷ all R&D, last 3 fiscal years",
		func(c *ectx) (float64, string, bool) {
			var d, all int64
			for _, y := range c.lastYears(3) {
				d += y.DomesticRD()
				all += y.RDExpense
			}
			if all == 0 {
				return 0, "no R&D expense reported", false
			}
			return ratio(d, all), "", true
		}, func(c *ectx, op string, target, value float64) string {
			var d, all int64
			for _, y := range c.lastYears(3) {
				d += y.DomesticRD()
				all += y.RDExpense
			}
			return fmt.Sprintf("needs %s more R&D spent in China", yuan(max(needMoreBoth(d, all, target), 1)))
		})
	def("rd_expense_min_2y", UnitYuan, "the smaller 研发费用 of the last two fiscal years",
		func(c *ectx) (float64, string, bool) {
			y1, m1 := c.year(1)
			y2, m2 := c.year(2)
			if y1 == nil || y2 == nil {
				return 0, strings.TrimSpace(m1 + " " + m2), false
			}
			return float64(min(y1.RDExpense, y2.RDExpense)), fmt.Sprintf("FY%d %s, FY%d %s", y2.Year, yuan(y2.RDExpense), y1.Year, yuan(y1.RDExpense)), true
		}, capGap("R&D expense in the weaker year", UnitYuan))
	def("rd_ratio_min_2y", UnitRatio, "the smaller 研发费用 ÷ 销售收入 of the last two fiscal years",
		func(c *ectx) (float64, string, bool) {
			y1, m1 := c.year(1)
			y2, m2 := c.year(2)
			if y1 == nil || y2 == nil {
				return 0, strings.TrimSpace(m1 + " " + m2), false
			}
			if y1.Revenue == 0 || y2.Revenue == 0 {
				return 0, "no revenue in one of the years", false
			}
			r1, r2 := ratio(y1.RDExpense, y1.Revenue), ratio(y2.RDExpense, y2.Revenue)
			return min(r1, r2), fmt.Sprintf("FY%d %s, FY%d %s", y2.Year, pct(r2), y1.Year, pct(r1)), true
		}, func(c *ectx, op string, target, value float64) string {
			var parts []string
			for k := 2; k >= 1; k-- {
				y, _ := c.year(k)
				if n := needMoreNumerator(y.RDExpense, y.Revenue, target); n > 0 {
					parts = append(parts, fmt.Sprintf("%s more R&D in FY%d", yuan(n), y.Year))
				}
			}
			return "needs " + strings.Join(parts, " and ")
		})
	def("rd_total_2y", UnitYuan, "研发费用 of the last two fiscal years together",
		func(c *ectx) (float64, string, bool) {
			y1, m1 := c.year(1)
			y2, m2 := c.year(2)
			if y1 == nil || y2 == nil {
				return 0, strings.TrimSpace(m1 + " " + m2), false
			}
			return float64(y1.RDExpense + y2.RDExpense), "", true
		}, capGap("R&D expense over the two years", UnitYuan))
	def("rd_avg_2y", UnitYuan, "mean 研发费用 of the last two fiscal years",
		func(c *ectx) (float64, string, bool) {
			y1, m1 := c.year(1)
			y2, m2 := c.year(2)
			if y1 == nil || y2 == nil {
				return 0, strings.TrimSpace(m1 + " " + m2), false
			}
			return float64(y1.RDExpense+y2.RDExpense) / 2, "", true
		}, capGap("average yearly R&D expense", UnitYuan))
	def("rd_expense_increase", UnitYuan, "研发费用 of the latest fiscal year less the year before",
		func(c *ectx) (float64, string, bool) {
			y1, m1 := c.year(1)
			y2, m2 := c.year(2)
			if y1 == nil || y2 == nil {
				return 0, strings.TrimSpace(m1 + " " + m2), false
			}
			return float64(y1.RDExpense - y2.RDExpense), fmt.Sprintf("FY%d %s − FY%d %s", y1.Year, yuan(y1.RDExpense), y2.Year, yuan(y2.RDExpense)), true
		}, capGap("R&D expense increase", UnitYuan))
	for _, n := range []int{2, 3} {
		n := n
		def(fmt.Sprintf("equity_%dy", n), UnitYuan, fmt.Sprintf("new institutional equity financing over the last %d fiscal years", n),
			func(c *ectx) (float64, string, bool) {
				var s int64
				for _, y := range c.lastYears(n) {
					s += y.EquityFinancing
				}
				return float64(s), "", true
			}, capGap("equity financing", UnitYuan))
	}
	def("conversions_avg_3y", UnitCount, "S&T achievements converted per year, mean of the last 3 fiscal years (fewer if younger)",
		func(c *ectx) (float64, string, bool) {
			ys := c.lastYears(3)
			if len(ys) == 0 {
				return 0, fmt.Sprintf("no figures for FY%d–%d", c.fy-2, c.fy), false
			}
			s := 0
			for _, y := range ys {
				s += y.Conversions
			}
			return float64(s) / float64(len(ys)), fmt.Sprintf("%d over %d years", s, len(ys)), true
		}, func(c *ectx, op string, target, value float64) string {
			ys := c.lastYears(3)
			s := 0
			for _, y := range ys {
				s += y.Conversions
			}
			return fmt.Sprintf("needs %d more converted achievements over the window", int(math.Ceil(target*float64(len(ys))-1e-9))-s)
		})
	growth := func(name, desc string, get func(y *innobridge.YearFigures) int64) {
		def(name, UnitRatio, desc, func(c *ectx) (float64, string, bool) {
			ys := c.lastYears(3) // newest first
			if len(ys) < 2 {
				return 0, "fewer than 2 years of figures: growth scores 0", true
			}
			if len(ys) == 2 {
				if get(ys[1]) <= 0 {
					return 0, "base year not positive: growth scores 0", true
				}
				return ratio(get(ys[0]), get(ys[1])) - 1, "2 years of figures", true
			}
			a, b, d := get(ys[2]), get(ys[1]), get(ys[0])
			if a <= 0 || b <= 0 {
				return 0, "a base year is not positive: growth scores 0", true
			}
			return 0.5*(ratio(b, a)+ratio(d, b)) - 1, fmt.Sprintf("½(%s/%s + %s/%s) − 1", yuan(b), yuan(a), yuan(d), yuan(b)), true
		}, nil)
	}
	growth("net_asset_growth_3y", "高企 net-asset growth ½(NA2/NA1 + NA3/NA2) − 1", func(y *innobridge.YearFigures) int64 { return y.NetAssets() })
	growth("sales_growth_3y", "高企 sales growth ½(S2/S1 + S3/S2) − 1", func(y *innobridge.YearFigures) int64 { return y.Revenue })

	def("mainland", UnitBool, "registered in mainland China (region code not 71/81/82)", func(c *ectx) (float64, string, bool) {
		return b2f(c.e.Mainland()), "region " + c.e.Region, true
	}, nil)
	def("sme", UnitBool, "an SME under the 2011 size classes (large_enterprise not set)", func(c *ectx) (float64, string, bool) {
		return b2f(!c.e.LargeEnterprise), "", true
	}, nil)
	def("prohibited_catalogue", UnitBool, "a main product is on a prohibited/restricted/obsolete catalogue", func(c *ectx) (float64, string, bool) {
		return b2f(c.e.ProhibitedCatalogue), "", true
	}, nil)
	def("hightech_field", UnitBool, "core technology is in one of the 8 国家重点支持的高新技术领域", func(c *ectx) (float64, string, bool) {
		f := c.e.HighTechField
		if f == "" {
			return 0, "hightech_field not given", true
		}
		tf, ok := innobridge.TechFieldByCode(f[:1])
		return b2f(ok), f + " " + tf.Name, true
	}, nil)
	def("registered_days", UnitDays, "calendar days from registration to the as-of date", func(c *ectx) (float64, string, bool) {
		if c.e.Registered == nil {
			return 0, "registered date not given", false
		}
		return math.Floor(c.asOf.Sub(c.e.Registered.Time).Hours() / 24), "registered " + c.e.Registered.String(), true
	}, func(c *ectx, op string, target, value float64) string {
		d := c.e.Registered.AddDate(0, 0, int(target))
		return fmt.Sprintf("wait %d more days (from %s)", int(target-value), d.Format(innobridge.DateLayout))
	})
	def("niche_years", UnitYears, "full years in the niche market up to the as-of date", func(c *ectx) (float64, string, bool) {
		if c.e.NicheSince == nil {
			return 0, "niche_since not given", true
		}
		return float64(fullYears(c.e.NicheSince.Time, c.asOf.Time)), "since " + c.e.NicheSince.String(), true
	}, func(c *ectx, op string, target, value float64) string {
		if c.e.NicheSince == nil {
			return "give the date it entered its niche market (niche_since)"
		}
		return "reaches it on " + c.e.NicheSince.AddDate(int(target), 0, 0).Format(innobridge.DateLayout)
	})

	ipm := func(name, desc string, f func(p *innobridge.IPHoldings) int, what string) {
		def(name, UnitCount, desc, func(c *ectx) (float64, string, bool) {
			return float64(f(&c.e.IP)), "", true
		}, func(c *ectx, op string, target, value float64) string {
			return fmt.Sprintf("needs %d more %s", int(math.Ceil(target-value)), what)
		})
	}
	ipm("ip_class1", "class I IP held", func(p *innobridge.IPHoldings) int { return p.ClassI() }, "class-I IP (invention patent, IC layout, plant variety, new drug …)")
	ipm("ip_class2", "class II IP held", func(p *innobridge.IPHoldings) int { return p.ClassII() }, "class-II IP (utility model, design, software copyright)")
	ipm("main_class1", "class I IP tied to main products", func(p *innobridge.IPHoldings) int { return p.MainI() }, "class-I IP tied to main products")
	ipm("main_class2", "class II IP tied to main products", func(p *innobridge.IPHoldings) int { return p.MainII() }, "class-II IP tied to main products")
	ipm("main_ip", "class I + II IP tied to main products", func(p *innobridge.IPHoldings) int { return p.MainI() + p.MainII() }, "IP right tied to main products")
	ipm("high_value_class1", "high-value class I IP", func(p *innobridge.IPHoldings) int { return p.HighValueClassI }, "high-value class-I IP")
	ipm("self_developed_class1", "class I IP from own R&D", func(p *innobridge.IPHoldings) int { return p.SelfDevelopedClassI }, "self-developed class-I IP")
	ipm("applied_class1", "class I IP applied in products and earning revenue", func(p *innobridge.IPHoldings) int { return p.AppliedClassI }, "class-I IP applied in products")
	def("ip_acquisition", UnitCount, "how IP was obtained: 2 own R&D, 1 only assigned/gifted/acquired, 0 no IP", func(c *ectx) (float64, string, bool) {
		p := &c.e.IP
		switch {
		case p.ClassI()+p.ClassII() == 0:
			return 0, "no IP", true
		case p.Acquisition == "assigned":
			return 1, "only assigned, gifted or acquired", true
		case p.Acquisition == "self" || p.SelfDevelopedClassI > 0:
			return 2, "own R&D", true
		}
		return 1, "acquisition not given: counted as assigned", true
	}, nil)

	def("rd_institution_level", UnitLevel, "highest level of its recognised R&D institutions (0 none)", func(c *ectx) (float64, string, bool) {
		best := 0
		for _, r := range c.e.RDInstitutions {
			if r.Since == nil || !r.Since.After(c.asOf.Time) {
				best = max(best, innobridge.LevelRank(r.Level))
			}
		}
		return float64(best), "", true
	}, func(c *ectx, op string, target, value float64) string {
		return "needs an R&D institution recognised at " + levelName(target) + " level or above"
	})
	def("led_standard_5y", UnitCount, "international, national or industry standards it led, issued in the last 5 years", func(c *ectx) (float64, string, bool) {
		n := 0
		for _, s := range c.e.Standards {
			if s.Lead && (s.Level == "international" || s.Level == "national" || s.Level == "industry") && within(s.Date, c.asOf, 5) {
				n++
			}
		}
		return float64(n), "", true
	}, nil)
	def("standards", UnitCount, "standards, test methods or specifications it drafted (any role)", func(c *ectx) (float64, string, bool) {
		return float64(len(c.e.Standards)), "", true
	}, nil)

	award := func(name, desc, kind string, minLevel, maxRank, years int) {
		def(name, UnitCount, desc, func(c *ectx) (float64, string, bool) {
			n := 0
			for _, a := range c.e.Awards {
				if a.Kind == kind && innobridge.LevelRank(a.Level) >= minLevel && (maxRank == 0 || a.Rank >= 1 && a.Rank <= maxRank) && within(a.Date, c.asOf, years) {
					n++
				}
			}
			return float64(n), "", true
		}, nil)
	}
	award("national_st_award_top3_5y", "national S&T awards in the last 5 years, ranked top 3 of the winning units", innobridge.AwardST, 4, 3, 5)
	award("national_st_award_top3_3y", "national S&T awards in the last 3 years, ranked top 3 of the winning units", innobridge.AwardST, 4, 3, 3)
	award("national_st_award_3y", "national S&T awards in the last 3 years, any rank", innobridge.AwardST, 4, 0, 3)
	award("st_award_3y", "provincial or national S&T awards in the last 3 years, any rank", innobridge.AwardST, 3, 0, 3)
	award("st_award_top3_3y", "provincial or national S&T awards in the last 3 years, ranked top 3", innobridge.AwardST, 3, 3, 3)
	award("maker_china_top500_3y", "创客中国 national top-500 placings in the last 3 years", innobridge.AwardMaker, 4, 500, 3)
	award("maker_china_top50_3y", "创客中国 national top-50 placings in the last 3 years", innobridge.AwardMaker, 4, 50, 3)

	incidents := func(name, desc string, kinds []string, since func(asOf innobridge.Date) time.Time) {
		def(name, UnitCount, desc+" ("+strings.Join(kinds, ", ")+")", func(c *ectx) (float64, string, bool) {
			from := since(c.asOf)
			var hit []string
			for _, n := range c.e.Incidents {
				if !n.Date.Before(from) && !n.Date.After(c.asOf.Time) && oneOf(n.Kind, kinds) {
					hit = append(hit, n.Kind+" "+n.Date.String())
				}
			}
			return float64(len(hit)), strings.Join(hit, "; "), true
		}, func(c *ectx, op string, target, value float64) string {
			return "not eligible until the incidents fall outside the window"
		})
	}
	incidents("incidents_tech_sme", "incidents from 1 January of the previous year to the as-of date",
		[]string{innobridge.IncSafety, innobridge.IncQuality, innobridge.IncEnvironment, innobridge.IncMisconduct, innobridge.IncAbnormal, innobridge.IncDishonest},
		func(d innobridge.Date) time.Time { return time.Date(d.Year()-1, 1, 1, 0, 0, 0, 0, time.UTC) })
	incidents("incidents_prev_year", "incidents in the 365 days before the as-of date",
		[]string{innobridge.IncSafety, innobridge.IncQuality, innobridge.IncEnvironment},
		func(d innobridge.Date) time.Time { return d.AddDate(0, 0, -365) })
	incidents("incidents_3y", "incidents in the 3 years before the as-of date",
		[]string{innobridge.IncSafety, innobridge.IncQuality, innobridge.IncEnvironment, innobridge.IncPollution, innobridge.IncCyberData,
			innobridge.IncTaxEvasion, innobridge.IncAbnormal, innobridge.IncDishonest},
		func(d innobridge.Date) time.Time { return d.AddDate(-3, 0, 0) })

	cult := func(name, unit, desc string, f func(c *innobridge.Cultivation) float64) {
		def(name, unit, desc, func(c *ectx) (float64, string, bool) { return f(&c.e.Cultivation), "", true }, nil)
	}
	cult("strategic_emerging", UnitBool, "main product is in 战略性新兴产业分类(2018)", func(c *innobridge.Cultivation) float64 { return b2f(c.StrategicEmerging) })
	cult("main_product_role", UnitCount, "main product role: 2 filled key gaps, 1 六基/老字号/key-chain supplier, 0 other", func(c *innobridge.Cultivation) float64 {
		switch c.MainProductRole {
		case "gap_filling":
			return 2
		case "liuji", "laozihao", "chain_supplier":
			return 1
		}
		return 0
	})
	cult("key_chain_position", UnitBool, "in 六基 or a key link of an industrial chain", func(c *innobridge.Cultivation) float64 { return b2f(c.KeyChainPosition) })
	cult("own_brand", UnitBool, "has its own brand", func(c *innobridge.Cultivation) float64 { return b2f(c.OwnBrand) })
	cult("quality_items", UnitCount, "quality items: awards, QMS, certification in developed economies", func(c *innobridge.Cultivation) float64 { return float64(c.QualityItems) })
	cult("market_share", UnitRatio, "domestic niche market share", func(c *innobridge.Cultivation) float64 { return c.MarketShare })
	cult("market_top3", UnitBool, "ranks top 3 in its domestic niche", func(c *innobridge.Cultivation) float64 { return b2f(c.MarketRank >= 1 && c.MarketRank <= 3) })
	metrics["digital_level"] = &metric{name: "digital_level", unit: UnitCount, desc: "中小企业数字化水平 level 0–4",
		fn: func(c *ectx) (float64, string, bool) { return float64(c.e.DigitalLevel), "", true },
		gap: func(c *ectx, op string, target, value float64) string {
			return fmt.Sprintf("needs digitalisation level %g (now %g)", target, value)
		}}

	optional := func(name, desc, param string, get func(c *innobridge.Cultivation) (float64, bool)) {
		def(name, UnitPoints, desc, func(c *ectx) (float64, string, bool) {
			if v, ok := get(&c.e.Cultivation); ok {
				return v, "", true
			}
			if param == "" {
				return 0, name + " not given", false
			}
			if v, ok := c.params[param]; ok {
				return v, fmt.Sprintf("not given: assumed %g (parameter %s)", v, param), true
			}
			return 0, name + " not given", false
		}, func(c *ectx, op string, target, value float64) string {
			return fmt.Sprintf("needs %s of %g (now %g)", name, target, value)
		})
	}
	optional("development_score", "专精特新发展评价 score from the MIIT platform", "", func(c *innobridge.Cultivation) (float64, bool) {
		if c.DevelopmentScore == nil {
			return 0, false
		}
		return *c.DevelopmentScore, true
	})
	optional("local_feature_points", "province-set 专精特新 feature points (0–15)", "assume_local_feature_points", func(c *innobridge.Cultivation) (float64, bool) {
		if c.LocalFeaturePoints == nil {
			return 0, false
		}
		return *c.LocalFeaturePoints, true
	})
	intp := func(p *int) (float64, bool) {
		if p == nil {
			return 0, false
		}
		return float64(*p), true
	}
	optional("tech_advancement", "高企 expert score for how advanced the technology is (0–8)", "assume_tech_advancement", func(c *innobridge.Cultivation) (float64, bool) { return intp(c.TechAdvancement) })
	optional("core_support", "高企 expert score for the IP's core support to main products (0–8)", "assume_core_support", func(c *innobridge.Cultivation) (float64, bool) { return intp(c.CoreSupport) })
	optional("rd_management", "高企 expert score for R&D organisation and management (0–20)", "assume_rd_management", func(c *innobridge.Cultivation) (float64, bool) { return intp(c.RDManagement) })

	paramMetrics["has:"] = paramMetric{UnitBool, "holds a valid recognition of one of the kinds (separated by |) on the as-of date", func(arg string) (*metric, error) {
		kinds := strings.Split(arg, "|")
		for _, k := range kinds {
			if !oneOf(k, innobridge.RecognitionKinds) {
				return nil, fmt.Errorf("unknown recognition kind %q", k)
			}
		}
		return &metric{name: "has:" + arg, unit: UnitBool, desc: "holds a valid " + arg,
			fn: func(c *ectx) (float64, string, bool) {
				for _, k := range kinds {
					for i := range c.e.Recognitions {
						r := &c.e.Recognitions[i]
						if r.Kind == k && r.ValidOn(c.asOf) {
							note := k + " granted " + r.Granted.String()
							if r.Number != "" {
								note += ", no. " + r.Number
							}
							return 1, note, true
						}
					}
				}
				return 0, "", true
			},
			gap: func(c *ectx, op string, target, value float64) string {
				return "needs a valid " + strings.Join(kinds, " or ") + " recognition"
			}}, nil
	}}
	paramMetrics["granted_last_fy:"] = paramMetric{UnitBool, "was granted the recognition during the latest fiscal year", func(arg string) (*metric, error) {
		if !oneOf(arg, innobridge.RecognitionKinds) {
			return nil, fmt.Errorf("unknown recognition kind %q", arg)
		}
		return &metric{name: "granted_last_fy:" + arg, unit: UnitBool, desc: "granted " + arg + " in the latest fiscal year",
			fn: func(c *ectx) (float64, string, bool) {
				for _, r := range c.e.Recognitions {
					if r.Kind == arg && r.Granted.Year() == c.fy {
						return 1, "granted " + r.Granted.String(), true
					}
				}
				return 0, "", true
			}}, nil
	}}
	paramMetrics["first_granted_last_fy:"] = paramMetric{UnitBool, "was first granted the recognition during the latest fiscal year (never before)", func(arg string) (*metric, error) {
		if !oneOf(arg, innobridge.RecognitionKinds) {
			return nil, fmt.Errorf("unknown recognition kind %q", arg)
		}
		return &metric{name: "first_granted_last_fy:" + arg, unit: UnitBool, desc: "first granted " + arg + " in the latest fiscal year",
			fn: func(c *ectx) (float64, string, bool) {
				got := false
				for _, r := range c.e.Recognitions {
					if r.Kind != arg {
						continue
					}
					if r.Granted.Year() < c.fy {
						return 0, "held before, granted " + r.Granted.String(), true
					}
					if r.Granted.Year() == c.fy {
						got = true
					}
				}
				return b2f(got), "", true
			}}, nil
	}}
	paramMetrics["region:"] = paramMetric{UnitBool, "registered in the region whose GB/T 2260 code starts with the argument", func(arg string) (*metric, error) {
		if arg == "" || strings.Trim(arg, "0123456789") != "" {
			return nil, fmt.Errorf("region prefix %q is not digits", arg)
		}
		return &metric{name: "region:" + arg, unit: UnitBool, desc: "in region " + arg,
			fn: func(c *ectx) (float64, string, bool) {
				return b2f(strings.HasPrefix(c.e.Region, arg)), "region " + c.e.Region, true
			},
			gap: func(c *ectx, op string, target, value float64) string { return "registered outside the region" }}, nil
	}}
}

func oneOf(s string, list []string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// within reports whether d is in the n years up to asOf.
func within(d, asOf innobridge.Date, n int) bool {
	return !d.After(asOf.Time) && !d.Before(asOf.AddDate(-n, 0, 0))
}

// fullYears counts the whole years from a to b.
func fullYears(a, b time.Time) int {
	n := b.Year() - a.Year()
	if b.Month() < a.Month() || b.Month() == a.Month() && b.Day() < a.Day() {
		n--
	}
	return max(n, 0)
}
