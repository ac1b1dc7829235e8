package match

import (
	"fmt"
	"strings"

	"github.com/innobridge/innobridge"
)

// structuredFit compares what a demand asks with what an achievement offers,
// on the criteria both state. The score is (fits − 1.5·conflicts)/4.
func structuredFit(dem, ach *item) ([]Fit, float64) {
	if dem.field == "" && dem.trl == 0 && dem.modes == 0 && dem.budgetMax < 0 && dem.region == "" ||
		ach.field == "" && ach.trl == 0 && ach.modes == 0 && ach.price < 0 && ach.region == "" {
		return nil, 0 // one side states nothing to compare
	}
	var out []Fit
	var fits, conflicts float64
	add := func(criterion string, ok bool, detail, en string) {
		out = append(out, Fit{Criterion: criterion, OK: ok, Detail: detail, DetailEn: en})
		if ok {
			fits++
		} else {
			conflicts++
		}
	}
	if dem.field != "" && ach.field != "" {
		name := func(code string, en bool) string {
			if f, ok := innobridge.TechFieldByCode(code); ok {
				if en {
					return f.NameEn
				}
				return f.Name
			}
			return code
		}
		if dem.field == ach.field {
			add("field", true, "同属"+name(ach.field, false), "both in "+name(ach.field, true))
		} else {
			add("field", false, fmt.Sprintf("需求领域%s，成果领域%s", name(dem.field, false), name(ach.field, false)),
				fmt.Sprintf("demand in %s, achievement in %s", name(dem.field, true), name(ach.field, true)))
		}
	}
	if dem.trl > 0 && ach.trl > 0 {
		if ach.trl >= dem.trl {
			add("trl", true, fmt.Sprintf("成熟度TRL %d ≥ 需求最低 %d", ach.trl, dem.trl),
				fmt.Sprintf("TRL %d ≥ the demand's minimum %d", ach.trl, dem.trl))
		} else {
			add("trl", false, fmt.Sprintf("成熟度TRL %d < 需求最低 %d", ach.trl, dem.trl),
				fmt.Sprintf("TRL %d < the demand's minimum %d", ach.trl, dem.trl))
		}
	}
	if dem.modes != 0 && ach.modes != 0 {
		if both := dem.modes & ach.modes; both != 0 {
			add("mode", true, "方式一致："+modeNames(both, false), "both want "+modeNames(both, true))
		} else {
			add("mode", false, fmt.Sprintf("需求方式%s，成果方式%s", modeNames(dem.modes, false), modeNames(ach.modes, false)),
				fmt.Sprintf("demand wants %s, achievement offers %s", modeNames(dem.modes, true), modeNames(ach.modes, true)))
		}
	}
	if ach.price >= 0 && dem.budgetMax >= 0 {
		if ach.price <= dem.budgetMax {
			add("price", true, fmt.Sprintf("价格%s在预算%s以内", innobridge.Wan(float64(ach.price)), innobridge.Wan(float64(dem.budgetMax))),
				fmt.Sprintf("price %s within the budget of %s", innobridge.YuanEn(ach.price), innobridge.YuanEn(dem.budgetMax)))
		} else {
			add("price", false, fmt.Sprintf("价格%s超出预算%s", innobridge.Wan(float64(ach.price)), innobridge.Wan(float64(dem.budgetMax))),
				fmt.Sprintf("price %s over the budget of %s", innobridge.YuanEn(ach.price), innobridge.YuanEn(dem.budgetMax)))
		}
	}
	if len(dem.region) >= 4 && len(ach.region) >= 4 && dem.region[:4] == ach.region[:4] {
		add("region", true, "同在"+regionText(ach.region[:4]+"00"), "same city: "+regionText(ach.region[:4]+"00"))
	} else if len(dem.region) >= 2 && len(ach.region) >= 2 && dem.region[:2] == ach.region[:2] {
		province := regionText(ach.region[:2] + "0000")
		out = append(out, Fit{Criterion: "region", OK: true, Detail: "同在" + province, DetailEn: "same province: " + province})
		fits += 0.5
	}
	return out, (fits - 1.5*conflicts) / 4
}

// regionText names a GB/T 2260 region code ("江苏省苏州市"), or shows the
// code when it is unknown.
func regionText(code string) string {
	if name := innobridge.RegionName(code); name != "" {
		return name
	}
	return code
}

// modeNames lists the modes of bits, in Chinese or in English.
func modeNames(bits uint8, en bool) string {
	var names []string
	for i, m := range innobridge.Modes {
		if bits&(1<<i) != 0 {
			if en {
				names = append(names, m.NameEn())
			} else {
				names = append(names, m.Name())
			}
		}
	}
	if en {
		return strings.Join(names, " or ")
	}
	return strings.Join(names, "、")
}
