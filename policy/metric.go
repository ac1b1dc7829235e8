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
func (c *ectx) year(k int) (*innobridge.YearFigures, Text) {
	y := c.e.Year(c.fy - k + 1)
	if y == nil {
		return nil, biF("no figures for fiscal year %d", []any{c.fy - k + 1}, "未填报 %d 年度数据", []any{c.fy - k + 1})
	}
	return y, Text{}
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
	fn               func(c *ectx) (float64, Text, bool)
	gap              func(c *ectx, op string, target, value float64) Text
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

func def(name, unit, desc string, fn func(c *ectx) (float64, Text, bool), gap func(c *ectx, op string, target, value float64) Text) {
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
func yearly(name, unit, desc string, f func(y *innobridge.YearFigures) (float64, Text, bool), gap func(c *ectx, op string, target, value float64) Text) {
	def(name, unit, desc, func(c *ectx) (float64, Text, bool) {
		y, miss := c.year(1)
		if y == nil {
			return 0, miss, false
		}
		v, note, ok := f(y)
		if note.IsZero() {
			note = biF("FY%d", []any{y.Year}, "%s", []any{fyZh(y.Year)})
		} else {
			note = biF("FY%d: %s", []any{y.Year, note.En}, "%s：%s", []any{fyZh(y.Year), note.Zh})
		}
		return v, note, ok
	}, gap)
}

func capGap(what, whatZh string, unit string) func(c *ectx, op string, target, value float64) Text {
	return func(c *ectx, op string, target, value float64) Text {
		if op == "<=" || op == "<" {
			return biF("%s is %s over the limit", []any{what, formatValue(unit, value-target)}, "%s超出上限 %s", []any{whatZh, formatValueZh(unit, value-target)})
		}
		return biF("needs %s more %s", []any{formatValue(unit, target-value), what}, "%s还需增加 %s", []any{whatZh, formatValueZh(unit, target-value)})
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
	yearly("staff", UnitCount, "职工总数 in the latest fiscal year", func(y *innobridge.YearFigures) (float64, Text, bool) {
		return float64(y.Staff), Text{}, true
	}, capGap("staff", "职工人数", UnitCount))
	yearly("revenue", UnitYuan, "销售收入 in the latest fiscal year", func(y *innobridge.YearFigures) (float64, Text, bool) {
		return float64(y.Revenue), Text{}, true
	}, capGap("revenue", "营业收入", UnitYuan))
	yearly("total_assets", UnitYuan, "资产总额 at the end of the latest fiscal year", func(y *innobridge.YearFigures) (float64, Text, bool) {
		return float64(y.TotalAssets), Text{}, true
	}, capGap("total assets", "资产总额", UnitYuan))
	yearly("rd_expense", UnitYuan, "研发费用 in the latest fiscal year", func(y *innobridge.YearFigures) (float64, Text, bool) {
		return float64(y.RDExpense), Text{}, true
	}, capGap("R&D expense", "研发费用", UnitYuan))
	yearly("st_staff_ratio", UnitRatio, "科技人员 ÷ 职工总数, latest fiscal year", func(y *innobridge.YearFigures) (float64, Text, bool) {
		if y.Staff == 0 {
			return 0, bi("no staff reported", "未填报职工人数"), false
		}
		return ratio(int64(y.STStaff), int64(y.Staff)), biF("%d of %d staff", []any{y.STStaff, y.Staff}, "职工 %d 人中科技人员 %d 人", []any{y.Staff, y.STStaff}), true
	}, func(c *ectx, op string, target, value float64) Text {
		y, _ := c.year(1)
		n := needMoreBoth(int64(y.STStaff), int64(y.Staff), target)
		return biF("needs %d more S&T staff (of %d in FY%d)", []any{max(n, 1), y.Staff, y.Year}, "还需增加科技人员 %d 名（%s职工 %d 人）", []any{max(n, 1), fyZh(y.Year), y.Staff})
	})
	yearly("rd_staff_ratio", UnitRatio, "研发人员 ÷ 职工总数, latest fiscal year", func(y *innobridge.YearFigures) (float64, Text, bool) {
		if y.Staff == 0 {
			return 0, bi("no staff reported", "未填报职工人数"), false
		}
		return ratio(int64(y.RDStaff), int64(y.Staff)), biF("%d of %d staff", []any{y.RDStaff, y.Staff}, "职工 %d 人中研发人员 %d 人", []any{y.Staff, y.RDStaff}), true
	}, func(c *ectx, op string, target, value float64) Text {
		y, _ := c.year(1)
		return biF("needs %d more R&D staff", []any{max(needMoreBoth(int64(y.RDStaff), int64(y.Staff), target), 1)}, "还需增加研发人员 %d 名", []any{max(needMoreBoth(int64(y.RDStaff), int64(y.Staff), target), 1)})
	})
	yearly("rd_to_revenue", UnitRatio, "研发费用 ÷ 销售收入, latest fiscal year", func(y *innobridge.YearFigures) (float64, Text, bool) {
		if y.Revenue == 0 {
			return 0, bi("no revenue reported", "未填报营业收入"), false
		}
		return ratio(y.RDExpense, y.Revenue), biF("R&D %s on revenue %s", []any{yuan(y.RDExpense), yuan(y.Revenue)}, "研发费用 %s，营业收入 %s", []any{wanI(y.RDExpense), wanI(y.Revenue)}), true
	}, func(c *ectx, op string, target, value float64) Text {
		y, _ := c.year(1)
		return needMore(max(needMoreNumerator(y.RDExpense, y.Revenue, target), 1), "needs %s more R&D expense on this revenue", "还需增加研发费用 %s（按当前营业收入）")
	})
	yearly("rd_to_costs", UnitRatio, "研发费用 ÷ 成本费用总额, latest fiscal year", func(y *innobridge.YearFigures) (float64, Text, bool) {
		if y.TotalCosts == 0 {
			return 0, bi("no total costs reported", "未填报成本费用总额"), false
		}
		return ratio(y.RDExpense, y.TotalCosts), biF("R&D %s of costs %s", []any{yuan(y.RDExpense), yuan(y.TotalCosts)}, "研发费用 %s，成本费用总额 %s", []any{wanI(y.RDExpense), wanI(y.TotalCosts)}), true
	}, func(c *ectx, op string, target, value float64) Text {
		y, _ := c.year(1)
		// R&D expense is itself a cost, so it raises the denominator too.
		return needMore(max(needMoreBoth(y.RDExpense, y.TotalCosts, target), 1), "needs %s more R&D expense (total costs rise with it)", "还需增加研发费用 %s（成本费用总额随之增加）")
	})
	yearly("main_business_share", UnitRatio, "主营业务收入 ÷ 销售收入, latest fiscal year", func(y *innobridge.YearFigures) (float64, Text, bool) {
		if y.Revenue == 0 {
			return 0, bi("no revenue reported", "未填报营业收入"), false
		}
		return ratio(y.MainRevenue, y.Revenue), Text{}, true
	}, func(c *ectx, op string, target, value float64) Text {
		y, _ := c.year(1)
		return needMore(max(needMoreBoth(y.MainRevenue, y.Revenue, target), 1), "needs %s more main-business revenue at the same other revenue", "还需增加主营业务收入 %s（其他收入不变）")
	})
	yearly("debt_to_asset", UnitRatio, "资产负债率 at the end of the latest fiscal year", func(y *innobridge.YearFigures) (float64, Text, bool) {
		if y.TotalAssets == 0 {
			return 0, bi("no total assets reported", "未填报资产总额"), false
		}
		return ratio(y.TotalLiabilities, y.TotalAssets), Text{}, true
	}, func(c *ectx, op string, target, value float64) Text {
		y, _ := c.year(1)
		over := y.TotalLiabilities - int64(math.Floor(target*float64(y.TotalAssets)))
		return needMore(max(over, 1), "needs %s less debt at the same assets", "还需减少负债 %s（资产不变）")
	})
	yearly("net_profit_margin", UnitRatio, "净利润 ÷ 销售收入, latest fiscal year", func(y *innobridge.YearFigures) (float64, Text, bool) {
		if y.Revenue == 0 {
			return 0, bi("no revenue reported", "未填报营业收入"), false
		}
		return ratio(y.NetProfit, y.Revenue), Text{}, true
	}, func(c *ectx, op string, target, value float64) Text {
		y, _ := c.year(1)
		return needMore(max(needMoreNumerator(y.NetProfit, y.Revenue, target), 1), "needs %s more net profit on this revenue", "还需增加净利润 %s（按当前营业收入）")
	})
	yearly("hightech_income_share", UnitRatio, "高新技术产品（服务）收入 ÷ 总收入, latest fiscal year", func(y *innobridge.YearFigures) (float64, Text, bool) {
		if y.Income() == 0 {
			return 0, bi("no income reported", "未填报总收入"), false
		}
		return ratio(y.HighTechIncome, y.Income()), biF("%s of %s", []any{yuan(y.HighTechIncome), yuan(y.Income())}, "总收入 %s 中高新技术产品（服务）收入 %s", []any{wanI(y.Income()), wanI(y.HighTechIncome)}), true
	}, func(c *ectx, op string, target, value float64) Text {
		y, _ := c.year(1)
		return needMore(max(needMoreBoth(y.HighTechIncome, y.Income(), target), 1), "needs %s more high-tech product/service income", "还需增加高新技术产品（服务）收入 %s")
	})
	def("main_revenue_growth", UnitRatio, "主营业务收入 growth of the latest fiscal year over the one before",
		func(c *ectx) (float64, Text, bool) {
			y1, m1 := c.year(1)
			y2, m2 := c.year(2)
			if y1 == nil || y2 == nil {
				return 0, joinText(m1, m2), false
			}
			if y2.MainRevenue <= 0 {
				return 0, biF("no main-business revenue in FY%d", []any{y2.Year}, "%s无主营业务收入", []any{fyZh(y2.Year)}), false
			}
			return ratio(y1.MainRevenue, y2.MainRevenue) - 1, biF("FY%d %s vs FY%d %s", []any{y1.Year, yuan(y1.MainRevenue), y2.Year, yuan(y2.MainRevenue)}, "%s %s，%s %s", []any{fyZh(y1.Year), wanI(y1.MainRevenue), fyZh(y2.Year), wanI(y2.MainRevenue)}), true
		}, func(c *ectx, op string, target, value float64) Text {
			y1, _ := c.year(1)
			y2, _ := c.year(2)
			need := int64(math.Ceil((1+target)*float64(y2.MainRevenue)-1e-6)) - y1.MainRevenue
			return biF("needs %s more main-business revenue in FY%d", []any{yuan(max(need, 1)), y1.Year}, "%s主营业务收入还需增加 %s", []any{fyZh(y1.Year), wanI(max(need, 1))})
		})
	def("main_revenue_growth_avg_2y", UnitRatio, "mean of the last two yearly growth rates of 主营业务收入",
		func(c *ectx) (float64, Text, bool) {
			y1, m1 := c.year(1)
			y2, m2 := c.year(2)
			y3, m3 := c.year(3)
			if y1 == nil || y2 == nil || y3 == nil {
				return 0, joinText(m1, m2, m3), false
			}
			if y2.MainRevenue <= 0 || y3.MainRevenue <= 0 {
				return 0, bi("a base year has no main-business revenue", "基期年度无主营业务收入"), false
			}
			g1, g2 := ratio(y1.MainRevenue, y2.MainRevenue)-1, ratio(y2.MainRevenue, y3.MainRevenue)-1
			return (g1 + g2) / 2, biF("FY%d %s, FY%d %s", []any{y2.Year, pct(g2), y1.Year, pct(g1)}, "%s %s，%s %s", []any{fyZh(y2.Year), pct(g2), fyZh(y1.Year), pct(g1)}), true
		}, func(c *ectx, op string, target, value float64) Text {
			y1, _ := c.year(1)
			y2, _ := c.year(2)
			y3, _ := c.year(3)
			g2 := ratio(y2.MainRevenue, y3.MainRevenue) - 1
			need := int64(math.Ceil((1+2*target-g2)*float64(y2.MainRevenue)-1e-6)) - y1.MainRevenue
			return biF("needs %s more main-business revenue in FY%d", []any{yuan(max(need, 1)), y1.Year}, "%s主营业务收入还需增加 %s", []any{fyZh(y1.Year), wanI(max(need, 1))})
		})
	def("revenue_cagr_2y", UnitRatio, "compound annual growth of 销售收入 over the last two years",
		func(c *ectx) (float64, Text, bool) {
			y1, m1 := c.year(1)
			y3, m3 := c.year(3)
			if y1 == nil || y3 == nil {
				return 0, joinText(m1, m3), false
			}
			if y3.Revenue <= 0 {
				return 0, biF("no revenue in FY%d", []any{y3.Year}, "%s无营业收入", []any{fyZh(y3.Year)}), false
			}
			return math.Sqrt(ratio(y1.Revenue, y3.Revenue)) - 1, biF("FY%d %s → FY%d %s", []any{y3.Year, yuan(y3.Revenue), y1.Year, yuan(y1.Revenue)}, "%s %s → %s %s", []any{fyZh(y3.Year), wanI(y3.Revenue), fyZh(y1.Year), wanI(y1.Revenue)}), true
		}, func(c *ectx, op string, target, value float64) Text {
			y1, _ := c.year(1)
			y3, _ := c.year(3)
			need := int64(math.Ceil((1+target)*(1+target)*float64(y3.Revenue)-1e-6)) - y1.Revenue
			return biF("needs %s more revenue in FY%d", []any{yuan(max(need, 1)), y1.Year}, "%s营业收入还需增加 %s", []any{fyZh(y1.Year), wanI(max(need, 1))})
		})
	def("rd_ratio_3y", UnitRatio, "研发费用 ÷ 销售收入 summed over the last 3 fiscal years (fewer if younger)",
		func(c *ectx) (float64, Text, bool) {
			ys := c.lastYears(3)
			if len(ys) == 0 {
				return 0, biF("no figures for FY%d–%d", []any{c.fy - 2, c.fy}, "未填报 %d–%d 年度数据", []any{c.fy - 2, c.fy}), false
			}
			var rd, rev int64
			for _, y := range ys {
				rd += y.RDExpense
				rev += y.Revenue
			}
			if rev == 0 {
				return 0, bi("no revenue reported", "未填报营业收入"), false
			}
			return ratio(rd, rev), biF("R&D %s on revenue %s over %d years", []any{yuan(rd), yuan(rev), len(ys)}, "近 %d 年研发费用合计 %s，营业收入合计 %s", []any{len(ys), wanI(rd), wanI(rev)}), true
		}, func(c *ectx, op string, target, value float64) Text {
			var rd, rev int64
			for _, y := range c.lastYears(3) {
				rd += y.RDExpense
				rev += y.Revenue
			}
			return needMore(max(needMoreNumerator(rd, rev, target), 1), "needs %s more R&D expense over these years on this revenue", "还需增加研发费用 %s（按近年营业收入合计）")
		})
	def("domestic_rd_share_3y", UnitRatio, "R&D spent in China ÷ all R&D, last 3 fiscal years",
		func(c *ectx) (float64, Text, bool) {
			var d, all int64
			for _, y := range c.lastYears(3) {
				d += y.DomesticRD()
				all += y.RDExpense
			}
			if all == 0 {
				return 0, bi("no R&D expense reported", "未填报研发费用"), false
			}
			return ratio(d, all), Text{}, true
		}, func(c *ectx, op string, target, value float64) Text {
			var d, all int64
			for _, y := range c.lastYears(3) {
				d += y.DomesticRD()
				all += y.RDExpense
			}
			return needMore(max(needMoreBoth(d, all, target), 1), "needs %s more R&D spent in China", "还需增加境内研发费用 %s")
		})
	def("rd_expense_min_2y", UnitYuan, "the smaller 研发费用 of the last two fiscal years",
		func(c *ectx) (float64, Text, bool) {
			y1, m1 := c.year(1)
			y2, m2 := c.year(2)
			if y1 == nil || y2 == nil {
				return 0, joinText(m1, m2), false
			}
			return float64(min(y1.RDExpense, y2.RDExpense)), biF("FY%d %s, FY%d %s", []any{y2.Year, yuan(y2.RDExpense), y1.Year, yuan(y1.RDExpense)}, "%s %s，%s %s", []any{fyZh(y2.Year), wanI(y2.RDExpense), fyZh(y1.Year), wanI(y1.RDExpense)}), true
		}, capGap("R&D expense in the weaker year", "较低年度的研发费用", UnitYuan))
	def("rd_ratio_min_2y", UnitRatio, "the smaller 研发费用 ÷ 销售收入 of the last two fiscal years",
		func(c *ectx) (float64, Text, bool) {
			y1, m1 := c.year(1)
			y2, m2 := c.year(2)
			if y1 == nil || y2 == nil {
				return 0, joinText(m1, m2), false
			}
			if y1.Revenue == 0 || y2.Revenue == 0 {
				return 0, bi("no revenue in one of the years", "其中一年无营业收入"), false
			}
			r1, r2 := ratio(y1.RDExpense, y1.Revenue), ratio(y2.RDExpense, y2.Revenue)
			return min(r1, r2), biF("FY%d %s, FY%d %s", []any{y2.Year, pct(r2), y1.Year, pct(r1)}, "%s %s，%s %s", []any{fyZh(y2.Year), pct(r2), fyZh(y1.Year), pct(r1)}), true
		}, func(c *ectx, op string, target, value float64) Text {
			var parts, zh []string
			for k := 2; k >= 1; k-- {
				y, _ := c.year(k)
				if n := needMoreNumerator(y.RDExpense, y.Revenue, target); n > 0 {
					parts = append(parts, fmt.Sprintf("%s more R&D in FY%d", yuan(n), y.Year))
					zh = append(zh, fmt.Sprintf("%s研发费用还需增加 %s", fyZh(y.Year), wanI(n)))
				}
			}
			return bi("needs "+strings.Join(parts, " and "), strings.Join(zh, "，"))
		})
	def("rd_total_2y", UnitYuan, "研发费用 of the last two fiscal years together",
		func(c *ectx) (float64, Text, bool) {
			y1, m1 := c.year(1)
			y2, m2 := c.year(2)
			if y1 == nil || y2 == nil {
				return 0, joinText(m1, m2), false
			}
			return float64(y1.RDExpense + y2.RDExpense), Text{}, true
		}, capGap("R&D expense over the two years", "近两年研发费用合计", UnitYuan))
	def("rd_avg_2y", UnitYuan, "mean 研发费用 of the last two fiscal years",
		func(c *ectx) (float64, Text, bool) {
			y1, m1 := c.year(1)
			y2, m2 := c.year(2)
			if y1 == nil || y2 == nil {
				return 0, joinText(m1, m2), false
			}
			return float64(y1.RDExpense+y2.RDExpense) / 2, Text{}, true
		}, capGap("average yearly R&D expense", "近两年年均研发费用", UnitYuan))
	def("rd_expense_increase", UnitYuan, "研发费用 of the latest fiscal year less the year before",
		func(c *ectx) (float64, Text, bool) {
			y1, m1 := c.year(1)
			y2, m2 := c.year(2)
			if y1 == nil || y2 == nil {
				return 0, joinText(m1, m2), false
			}
			return float64(y1.RDExpense - y2.RDExpense), biF("FY%d %s − FY%d %s", []any{y1.Year, yuan(y1.RDExpense), y2.Year, yuan(y2.RDExpense)}, "%s %s − %s %s", []any{fyZh(y1.Year), wanI(y1.RDExpense), fyZh(y2.Year), wanI(y2.RDExpense)}), true
		}, capGap("R&D expense increase", "研发费用增量", UnitYuan))
	for _, n := range []int{2, 3} {
		n := n
		def(fmt.Sprintf("equity_%dy", n), UnitYuan, fmt.Sprintf("new institutional equity financing over the last %d fiscal years", n),
			func(c *ectx) (float64, Text, bool) {
				var s int64
				for _, y := range c.lastYears(n) {
					s += y.EquityFinancing
				}
				return float64(s), Text{}, true
			}, capGap("equity financing", "新增股权融资", UnitYuan))
	}
	def("conversions_avg_3y", UnitCount, "S&T achievements converted per year, mean of the last 3 fiscal years (fewer if younger)",
		func(c *ectx) (float64, Text, bool) {
			ys := c.lastYears(3)
			if len(ys) == 0 {
				return 0, biF("no figures for FY%d–%d", []any{c.fy - 2, c.fy}, "未填报 %d–%d 年度数据", []any{c.fy - 2, c.fy}), false
			}
			s := 0
			for _, y := range ys {
				s += y.Conversions
			}
			return float64(s) / float64(len(ys)), biF("%d over %d years", []any{s, len(ys)}, "近 %d 年共 %d 项", []any{len(ys), s}), true
		}, func(c *ectx, op string, target, value float64) Text {
			ys := c.lastYears(3)
			s := 0
			for _, y := range ys {
				s += y.Conversions
			}
			return biF("needs %d more converted achievements over the window", []any{int(math.Ceil(target*float64(len(ys))-1e-9)) - s}, "统计期内还需增加科技成果转化 %d 项", []any{int(math.Ceil(target*float64(len(ys))-1e-9)) - s})
		})
	growth := func(name, desc string, get func(y *innobridge.YearFigures) int64) {
		def(name, UnitRatio, desc, func(c *ectx) (float64, Text, bool) {
			ys := c.lastYears(3) // newest first
			if len(ys) < 2 {
				return 0, bi("fewer than 2 years of figures: growth scores 0", "不足 2 年数据：成长性得 0 分"), true
			}
			if len(ys) == 2 {
				if get(ys[1]) <= 0 {
					return 0, bi("base year not positive: growth scores 0", "基期年度数值不为正：成长性得 0 分"), true
				}
				return ratio(get(ys[0]), get(ys[1])) - 1, bi("2 years of figures", "按 2 年数据计算"), true
			}
			a, b, d := get(ys[2]), get(ys[1]), get(ys[0])
			if a <= 0 || b <= 0 {
				return 0, bi("a base year is not positive: growth scores 0", "基期年度数值不为正：成长性得 0 分"), true
			}
			return 0.5*(ratio(b, a)+ratio(d, b)) - 1, biF("½(%s/%s + %s/%s) − 1", []any{yuan(b), yuan(a), yuan(d), yuan(b)}, "½(%s/%s + %s/%s) − 1", []any{wanI(b), wanI(a), wanI(d), wanI(b)}), true
		}, nil)
	}
	growth("net_asset_growth_3y", "高企 net-asset growth ½(NA2/NA1 + NA3/NA2) − 1", func(y *innobridge.YearFigures) int64 { return y.NetAssets() })
	growth("sales_growth_3y", "高企 sales growth ½(S2/S1 + S3/S2) − 1", func(y *innobridge.YearFigures) int64 { return y.Revenue })

	def("mainland", UnitBool, "registered in mainland China (region code not 71/81/82)", func(c *ectx) (float64, Text, bool) {
		return b2f(c.e.Mainland()), regionText(c.e.Region), true
	}, nil)
	def("sme", UnitBool, "an SME under the 2011 size classes (large_enterprise not set)", func(c *ectx) (float64, Text, bool) {
		return b2f(!c.e.LargeEnterprise), Text{}, true
	}, nil)
	def("prohibited_catalogue", UnitBool, "a main product is on a prohibited/restricted/obsolete catalogue", func(c *ectx) (float64, Text, bool) {
		return b2f(c.e.ProhibitedCatalogue), Text{}, true
	}, nil)
	def("hightech_field", UnitBool, "core technology is in one of the 8 国家重点支持的高新技术领域", func(c *ectx) (float64, Text, bool) {
		f := c.e.HighTechField
		if f == "" {
			return 0, bi("hightech_field not given", "未填写技术领域"), true
		}
		tf, ok := innobridge.TechFieldByCode(f[:1])
		return b2f(ok), same(f + " " + tf.Name), true
	}, nil)
	def("registered_days", UnitDays, "calendar days from registration to the as-of date", func(c *ectx) (float64, Text, bool) {
		if c.e.Registered == nil {
			return 0, bi("registered date not given", "未填写注册（成立）日期"), false
		}
		return math.Floor(c.asOf.Sub(c.e.Registered.Time).Hours() / 24), bi("registered "+c.e.Registered.String(), c.e.Registered.String()+" 注册"), true
	}, func(c *ectx, op string, target, value float64) Text {
		d := c.e.Registered.AddDate(0, 0, int(target))
		return biF("wait %d more days (from %s)", []any{int(target - value), d.Format(innobridge.DateLayout)}, "还需等待 %d 天（%s 起满足）", []any{int(target - value), d.Format(innobridge.DateLayout)})
	})
	def("niche_years", UnitYears, "full years in the niche market up to the as-of date", func(c *ectx) (float64, Text, bool) {
		if c.e.NicheSince == nil {
			return 0, bi("niche_since not given", "未填写进入细分市场的日期"), true
		}
		return float64(fullYears(c.e.NicheSince.Time, c.asOf.Time)), bi("since "+c.e.NicheSince.String(), c.e.NicheSince.String()+" 起"), true
	}, func(c *ectx, op string, target, value float64) Text {
		if c.e.NicheSince == nil {
			return bi("give the date it entered its niche market (niche_since)", "请填写进入细分市场的日期")
		}
		d := c.e.NicheSince.AddDate(int(target), 0, 0).Format(innobridge.DateLayout)
		return bi("reaches it on "+d, d+" 起满足")
	})

	ipm := func(name, desc string, f func(p *innobridge.IPHoldings) int, what, whatZh string) {
		def(name, UnitCount, desc, func(c *ectx) (float64, Text, bool) {
			return float64(f(&c.e.IP)), Text{}, true
		}, func(c *ectx, op string, target, value float64) Text {
			n := int(math.Ceil(target - value))
			return biF("needs %d more %s", []any{n, what}, "还需增加%s %d 项", []any{whatZh, n})
		})
	}
	ipm("ip_class1", "class I IP held", func(p *innobridge.IPHoldings) int { return p.ClassI() }, "class-I IP (invention patent, IC layout, plant variety, new drug …)", "Ⅰ类知识产权（发明专利、集成电路布图设计、植物新品种、新药等）")
	ipm("ip_class2", "class II IP held", func(p *innobridge.IPHoldings) int { return p.ClassII() }, "class-II IP (utility model, design, software copyright)", "Ⅱ类知识产权（实用新型、外观设计、软件著作权）")
	ipm("main_class1", "class I IP tied to main products", func(p *innobridge.IPHoldings) int { return p.MainI() }, "class-I IP tied to main products", "与主导产品相关的Ⅰ类知识产权")
	ipm("main_class2", "class II IP tied to main products", func(p *innobridge.IPHoldings) int { return p.MainII() }, "class-II IP tied to main products", "与主导产品相关的Ⅱ类知识产权")
	ipm("main_ip", "class I + II IP tied to main products", func(p *innobridge.IPHoldings) int { return p.MainI() + p.MainII() }, "IP right tied to main products", "与主导产品相关的知识产权")
	ipm("high_value_class1", "high-value class I IP", func(p *innobridge.IPHoldings) int { return p.HighValueClassI }, "high-value class-I IP", "高价值Ⅰ类知识产权")
	ipm("self_developed_class1", "class I IP from own R&D", func(p *innobridge.IPHoldings) int { return p.SelfDevelopedClassI }, "self-developed class-I IP", "自主研发的Ⅰ类知识产权")
	ipm("applied_class1", "class I IP applied in products and earning revenue", func(p *innobridge.IPHoldings) int { return p.AppliedClassI }, "class-I IP applied in products", "已应用于产品的Ⅰ类知识产权")
	def("ip_acquisition", UnitCount, "how IP was obtained: 2 own R&D, 1 only assigned/gifted/acquired, 0 no IP", func(c *ectx) (float64, Text, bool) {
		p := &c.e.IP
		switch {
		case p.ClassI()+p.ClassII() == 0:
			return 0, bi("no IP", "无知识产权"), true
		case p.Acquisition == "assigned":
			return 1, bi("only assigned, gifted or acquired", "仅有受让、受赠或并购取得"), true
		case p.Acquisition == "self" || p.SelfDevelopedClassI > 0:
			return 2, bi("own R&D", "自主研发"), true
		}
		return 1, bi("acquisition not given: counted as assigned", "未填写获得方式：按受让计"), true
	}, nil)

	def("rd_institution_level", UnitLevel, "highest level of its recognised R&D institutions (0 none)", func(c *ectx) (float64, Text, bool) {
		best := 0
		for _, r := range c.e.RDInstitutions {
			if r.Since == nil || !r.Since.After(c.asOf.Time) {
				best = max(best, innobridge.LevelRank(r.Level))
			}
		}
		return float64(best), Text{}, true
	}, func(c *ectx, op string, target, value float64) Text {
		return bi("needs an R&D institution recognised at "+levelName(target)+" level or above", "还需拥有经认定的"+levelNameZh(target)+"及以上研发机构")
	})
	def("led_standard_5y", UnitCount, "international, national or industry standards it led, issued in the last 5 years", func(c *ectx) (float64, Text, bool) {
		n := 0
		for _, s := range c.e.Standards {
			if s.Lead && (s.Level == "international" || s.Level == "national" || s.Level == "industry") && within(s.Date, c.asOf, 5) {
				n++
			}
		}
		return float64(n), Text{}, true
	}, nil)
	def("standards", UnitCount, "standards, test methods or specifications it drafted (any role)", func(c *ectx) (float64, Text, bool) {
		return float64(len(c.e.Standards)), Text{}, true
	}, nil)

	award := func(name, desc, kind string, minLevel, maxRank, years int) {
		def(name, UnitCount, desc, func(c *ectx) (float64, Text, bool) {
			n := 0
			for _, a := range c.e.Awards {
				if a.Kind == kind && innobridge.LevelRank(a.Level) >= minLevel && (maxRank == 0 || a.Rank >= 1 && a.Rank <= maxRank) && within(a.Date, c.asOf, years) {
					n++
				}
			}
			return float64(n), Text{}, true
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
		def(name, UnitCount, desc+" ("+strings.Join(kinds, ", ")+")", func(c *ectx) (float64, Text, bool) {
			from := since(c.asOf)
			var hit, zh []string
			for _, n := range c.e.Incidents {
				if !n.Date.Before(from) && !n.Date.After(c.asOf.Time) && oneOf(n.Kind, kinds) {
					hit = append(hit, n.Kind+" "+n.Date.String())
					zh = append(zh, n.Date.String()+" "+incidentZh(n.Kind))
				}
			}
			return float64(len(hit)), bi(strings.Join(hit, "; "), strings.Join(zh, "；")), true
		}, func(c *ectx, op string, target, value float64) Text {
			return bi("not eligible until the incidents fall outside the window", "上述事项移出统计期之前不符合条件")
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
		def(name, unit, desc, func(c *ectx) (float64, Text, bool) { return f(&c.e.Cultivation), Text{}, true }, nil)
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
		fn: func(c *ectx) (float64, Text, bool) { return float64(c.e.DigitalLevel), Text{}, true },
		gap: func(c *ectx, op string, target, value float64) Text {
			return biF("needs digitalisation level %g (now %g)", []any{target, value}, "数字化水平需达到 %g 级（当前 %g 级）", []any{target, value})
		}}

	optional := func(name, nameZh, desc, param string, get func(c *innobridge.Cultivation) (float64, bool)) {
		def(name, UnitPoints, desc, func(c *ectx) (float64, Text, bool) {
			if v, ok := get(&c.e.Cultivation); ok {
				return v, Text{}, true
			}
			if param == "" {
				return 0, bi(name+" not given", "未填写"+nameZh), false
			}
			if v, ok := c.params[param]; ok {
				return v, biF("not given: assumed %g (parameter %s)", []any{v, param}, "未填写：暂按 %g 分估算", []any{v}), true
			}
			return 0, bi(name+" not given", "未填写"+nameZh), false
		}, func(c *ectx, op string, target, value float64) Text {
			return biF("needs %s of %g (now %g)", []any{name, target, value}, "%s需达到 %g 分（当前 %g 分）", []any{nameZh, target, value})
		})
	}
	optional("development_score", "专精特新发展评价得分", "专精特新发展评价 score from the MIIT platform", "", func(c *innobridge.Cultivation) (float64, bool) {
		if c.DevelopmentScore == nil {
			return 0, false
		}
		return *c.DevelopmentScore, true
	})
	optional("local_feature_points", "地方特色指标得分", "province-set 专精特新 feature points (0–15)", "assume_local_feature_points", func(c *innobridge.Cultivation) (float64, bool) {
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
	optional("tech_advancement", "技术先进程度专家评分", "高企 expert score for how advanced the technology is (0–8)", "assume_tech_advancement", func(c *innobridge.Cultivation) (float64, bool) { return intp(c.TechAdvancement) })
	optional("core_support", "核心支持作用专家评分", "高企 expert score for the IP's core support to main products (0–8)", "assume_core_support", func(c *innobridge.Cultivation) (float64, bool) { return intp(c.CoreSupport) })
	optional("rd_management", "研发组织管理水平专家评分", "高企 expert score for R&D organisation and management (0–20)", "assume_rd_management", func(c *innobridge.Cultivation) (float64, bool) { return intp(c.RDManagement) })

	paramMetrics["has:"] = paramMetric{UnitBool, "holds a valid recognition of one of the kinds (separated by |) on the as-of date", func(arg string) (*metric, error) {
		kinds := strings.Split(arg, "|")
		for _, k := range kinds {
			if !oneOf(k, innobridge.RecognitionKinds) {
				return nil, fmt.Errorf("unknown recognition kind %q", k)
			}
		}
		return &metric{name: "has:" + arg, unit: UnitBool, desc: "holds a valid " + arg,
			fn: func(c *ectx) (float64, Text, bool) {
				for _, k := range kinds {
					for i := range c.e.Recognitions {
						r := &c.e.Recognitions[i]
						if r.Kind == k && r.ValidOn(c.asOf) {
							note := bi(k+" granted "+r.Granted.String(), innobridge.RecognitionTitle(k)+"，"+r.Granted.String()+" 认定")
							if r.Number != "" {
								note.En += ", no. " + r.Number
								note.Zh += "，证书编号 " + r.Number
							}
							return 1, note, true
						}
					}
				}
				return 0, Text{}, true
			},
			gap: func(c *ectx, op string, target, value float64) Text {
				var zh []string
				for _, k := range kinds {
					zh = append(zh, innobridge.RecognitionTitle(k))
				}
				return bi("needs a valid "+strings.Join(kinds, " or ")+" recognition", "还需取得有效的"+strings.Join(zh, "或")+"认定")
			}}, nil
	}}
	paramMetrics["granted_last_fy:"] = paramMetric{UnitBool, "was granted the recognition during the latest fiscal year", func(arg string) (*metric, error) {
		if !oneOf(arg, innobridge.RecognitionKinds) {
			return nil, fmt.Errorf("unknown recognition kind %q", arg)
		}
		return &metric{name: "granted_last_fy:" + arg, unit: UnitBool, desc: "granted " + arg + " in the latest fiscal year",
			fn: func(c *ectx) (float64, Text, bool) {
				for _, r := range c.e.Recognitions {
					if r.Kind == arg && r.Granted.Year() == c.fy {
						return 1, bi("granted "+r.Granted.String(), r.Granted.String()+" 认定"), true
					}
				}
				return 0, Text{}, true
			}}, nil
	}}
	paramMetrics["first_granted_last_fy:"] = paramMetric{UnitBool, "was first granted the recognition during the latest fiscal year (never before)", func(arg string) (*metric, error) {
		if !oneOf(arg, innobridge.RecognitionKinds) {
			return nil, fmt.Errorf("unknown recognition kind %q", arg)
		}
		return &metric{name: "first_granted_last_fy:" + arg, unit: UnitBool, desc: "first granted " + arg + " in the latest fiscal year",
			fn: func(c *ectx) (float64, Text, bool) {
				got := false
				for _, r := range c.e.Recognitions {
					if r.Kind != arg {
						continue
					}
					if r.Granted.Year() < c.fy {
						return 0, bi("held before, granted "+r.Granted.String(), "此前已认定（"+r.Granted.String()+"）"), true
					}
					if r.Granted.Year() == c.fy {
						got = true
					}
				}
				return b2f(got), Text{}, true
			}}, nil
	}}
	paramMetrics["region:"] = paramMetric{UnitBool, "registered in the region whose GB/T 2260 code starts with the argument", func(arg string) (*metric, error) {
		if arg == "" || strings.Trim(arg, "0123456789") != "" {
			return nil, fmt.Errorf("region prefix %q is not digits", arg)
		}
		return &metric{name: "region:" + arg, unit: UnitBool, desc: "in region " + arg,
			fn: func(c *ectx) (float64, Text, bool) {
				return b2f(strings.HasPrefix(c.e.Region, arg)), regionText(c.e.Region), true
			},
			gap: func(c *ectx, op string, target, value float64) Text {
				return bi("registered outside the region", "注册地不在本地区")
			}}, nil
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
