package policy

import (
	"fmt"
	"strings"

	"github.com/innobridge/innobridge"
)

// Text is a human-readable text of the engine (a gap, a hint, a trace
// note or value) in both interface languages: Zh in plain Chinese for
// bureau staff, En in English.
type Text struct {
	Zh string `json:"zh,omitempty"`
	En string `json:"en,omitempty"`
}

// In returns t in lang: English for "en", Chinese otherwise.
func (t Text) In(lang string) string {
	if lang == "en" {
		return t.En
	}
	return t.Zh
}

// IsZero reports whether t is empty in both languages.
func (t Text) IsZero() bool { return t.Zh == "" && t.En == "" }

// bi is a Text from its two languages.
func bi(en, zh string) Text { return Text{Zh: zh, En: en} }

// same is a Text that reads the same in both languages (numbers, dates).
func same(s string) Text { return Text{Zh: s, En: s} }

// biF formats en and zh with their own arguments.
func biF(en string, enArgs []any, zh string, zhArgs []any) Text {
	return Text{En: fmt.Sprintf(en, enArgs...), Zh: fmt.Sprintf(zh, zhArgs...)}
}

// joinText joins the non-empty parts with "; " in English and "；" in Chinese.
func joinText(parts ...Text) Text {
	var en, zh []string
	for _, p := range parts {
		if s := strings.TrimSpace(p.En); s != "" {
			en = append(en, s)
		}
		if s := strings.TrimSpace(p.Zh); s != "" {
			zh = append(zh, s)
		}
	}
	return Text{En: strings.Join(en, "; "), Zh: strings.Join(zh, "；")}
}

// catText concatenates texts.
func catText(parts ...Text) Text {
	var t Text
	for _, p := range parts {
		t.En += p.En
		t.Zh += p.Zh
	}
	return t
}

// value is v in unit in both languages: "¥1.8m" and "180 万元".
func value(unit string, v float64) Text {
	return Text{En: formatValue(unit, v), Zh: formatValueZh(unit, v)}
}

// money is an amount of yuan in both languages.
func money(v int64) Text { return Text{En: yuan(v), Zh: innobridge.Wan(float64(v))} }

// formatValueZh shows v in its unit in Chinese: "2.1%", "180 万元", "是", "省级".
func formatValueZh(unit string, v float64) string {
	switch unit {
	case UnitRatio:
		return pct(v)
	case UnitYuan:
		return innobridge.Wan(v)
	case UnitBool:
		if v != 0 {
			return "是"
		}
		return "否"
	case UnitLevel:
		return levelNameZh(v)
	case UnitDays:
		return fmtNum(v) + " 天"
	case UnitYears:
		return fmtNum(v) + " 年"
	case UnitPoints:
		return fmtNum(v) + " 分"
	}
	return fmtNum(v)
}

// levelNameZh is the Chinese name of a level rank (innobridge.LevelRank).
func levelNameZh(v float64) string {
	switch int(v) {
	case 0:
		return "无"
	case 1:
		return "区县级"
	case 2:
		return "市级"
	case 3:
		return "省级"
	case 4:
		return "国家级"
	case 5:
		return "国际"
	}
	return fmt.Sprint(v)
}

// fyZh is a fiscal year in Chinese: "2025 年度".
func fyZh(y int) string { return fmt.Sprintf("%d 年度", y) }

// wanI is wan for a whole number of yuan.
func wanI(v int64) string { return innobridge.Wan(float64(v)) }

// needMore is a hint about an amount of money still needed, in both
// languages; en and zh each take the amount as their one %s.
func needMore(amount int64, en, zh string) Text {
	return Text{En: fmt.Sprintf(en, yuan(amount)), Zh: fmt.Sprintf(zh, wanI(amount))}
}

// regionText names the region an enterprise is registered in.
func regionText(code string) Text {
	zh := innobridge.RegionName(code)
	if zh == "" {
		zh = code
	} else {
		zh += "（" + code + "）"
	}
	return Text{En: "region " + code, Zh: "注册地 " + zh}
}

// incidentNames are the Chinese names of the incident kinds.
var incidentNames = map[string]string{
	innobridge.IncSafety:        "重大安全事故",
	innobridge.IncQuality:       "重大质量事故",
	innobridge.IncEnvironment:   "严重环境违法",
	innobridge.IncMisconduct:    "严重科研失信",
	innobridge.IncAbnormal:      "列入经营异常名录",
	innobridge.IncDishonest:     "列入严重违法失信名单",
	innobridge.IncTaxEvasion:    "偷税漏税",
	innobridge.IncCyberData:     "重大网络安全/数据安全事件",
	innobridge.IncPollution:     "重大污染事故",
	innobridge.IncFraudulentApp: "申报造假",
}

// incidentZh is the Chinese name of an incident kind.
func incidentZh(kind string) string {
	if s, ok := incidentNames[kind]; ok {
		return s
	}
	return kind
}

// dimensionNames are the Chinese names of the score dimensions.
var dimensionNames = map[string]string{
	"conversion": "科技成果转化", "features": "特色化", "growth": "成长性", "innovation": "创新能力",
	"ip": "知识产权", "management": "研发组织管理", "personnel": "科技人员", "rd": "研发投入",
	"refinement": "精细化", "specialisation": "专业化",
}

// dimensionZh is the Chinese name of a score dimension.
func dimensionZh(d string) string {
	if s, ok := dimensionNames[d]; ok {
		return s
	}
	return d
}

// metricNames are the Chinese names of metrics shown by name in a trace
// (band metrics and the metric a threshold depends on).
var metricNames = map[string]string{
	"ip_class1": "Ⅰ类知识产权", "ip_class2": "Ⅱ类知识产权", "main_class1": "主导产品相关Ⅰ类知识产权",
	"main_class2": "主导产品相关Ⅱ类知识产权", "main_ip": "主导产品相关知识产权", "high_value_class1": "高价值Ⅰ类知识产权",
	"self_developed_class1": "自主研发Ⅰ类知识产权", "applied_class1": "已应用Ⅰ类知识产权",
	"revenue": "营业收入", "staff": "职工总数", "total_assets": "资产总额", "rd_expense": "研发费用",
}

// metricZh is the Chinese name of m, "" when none is known.
func metricZh(m *metric) string { return metricNames[m.name] }

// metricLabel is the name of m before a value in a trace ("ip_class1 "
// and "Ⅰ类知识产权 "), empty in Chinese when it has no Chinese name.
func metricLabel(m *metric) Text {
	t := Text{En: m.name + " "}
	if zh := metricZh(m); zh != "" {
		t.Zh = zh + " "
	}
	return t
}

// requireZh is the requirement "value op target" in Chinese: "≥ 10%", or
// "省级及以上" for levels.
func requireZh(op, unit, target string) string {
	if unit == UnitBool {
		return target
	}
	if unit == UnitLevel {
		switch op {
		case ">=":
			return target + "及以上"
		case "<=":
			return target + "及以下"
		}
	}
	return opSym[op] + " " + target
}
