package policy

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/innobridge/innobridge"
)

// formatValue shows v in its unit: "2.1%", "¥1.8m", "12", "yes".
func formatValue(unit string, v float64) string {
	switch unit {
	case UnitRatio:
		return pct(v)
	case UnitYuan:
		return yuanF(v)
	case UnitBool:
		if v != 0 {
			return "yes"
		}
		return "no"
	case UnitLevel:
		return levelName(v)
	case UnitDays:
		return fmtNum(v) + " days"
	case UnitYears:
		return fmtNum(v) + " years"
	}
	return fmtNum(v)
}

// pct shows a fraction as a percentage with up to 2 decimals.
func pct(v float64) string { return fmtNum(math.Round(v*1e4)/100) + "%" }

// fmtNum shows v with up to 2 decimals and no trailing zeros.
func fmtNum(v float64) string {
	return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
}

func yuan(v int64) string { return yuanF(float64(v)) }

// yuanF shows money compactly: ¥1.8m, ¥250k, ¥900.
func yuanF(v float64) string {
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	switch {
	case v >= 1e6:
		return sign + "¥" + trimZeros(strconv.FormatFloat(v/1e6, 'f', 2, 64)) + "m"
	case v >= 1e4:
		return sign + "¥" + trimZeros(strconv.FormatFloat(v/1e3, 'f', 1, 64)) + "k"
	}
	return sign + "¥" + strconv.FormatFloat(math.Round(v), 'f', -1, 64)
}

func trimZeros(s string) string {
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

func levelName(v float64) string {
	switch int(v) {
	case 0:
		return "none"
	case 1:
		return innobridge.LevelDistrict
	case 2:
		return innobridge.LevelMunicipal
	case 3:
		return innobridge.LevelProvincial
	case 4:
		return innobridge.LevelNational
	case 5:
		return innobridge.LevelInternational
	}
	return fmt.Sprint(v)
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
