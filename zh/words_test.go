package zh

import (
	"slices"
	"testing"
)

func TestShared(t *testing.T) {
	a := MustDefault()
	for _, tc := range []struct {
		text  string
		terms []string
		other string
		want  []string
	}{
		// A pair-level match cut across a word: the whole word when the
		// other text has it, the words inside it when not.
		{"钢化玻璃碳化硅衬底", []string{"化硅"}, "碳化硅功率器件", []string{"碳化硅"}},
		{"钢化玻璃氮化硅衬底", []string{"化硅"}, "碳化硅功率器件", nil},
		{"利用高炉煤气提高热效率", []string{"炉煤气"}, "转炉煤气回收利用", []string{"煤气"}},
		{"烧结烟气氮氧化物排放控制", []string{"物排放"}, "颗粒物排放浓度", []string{"排放"}},
		{"建设边缘计算平台", []string{"算平台"}, "云计算平台", []string{"计算平台"}},
		{"提高材料的冲击强度", []string{"冲击强"}, "冲击强韧性", []string{"冲击"}},
		// The dictionary's words inside a word the other text lacks.
		{"高性能环氧树脂胶粘剂", []string{"环氧", "树脂"}, "快速固化环氧体系配合高压树脂传递模塑", []string{"环氧", "树脂"}},
		{"以及低热值煤气高效燃烧", []string{"热值"}, "针对高炉煤气热值低", []string{"热值"}},
		// Across the words the dictionary cut wrongly: 寻求/比容/量/大于.
		{"寻求比容量大于140mAh/g", []string{"容量"}, "高容量储能电池", []string{"容量"}},
		{"寻求比容量大于140mAh/g", []string{"比容量"}, "比容量与循环寿命", []string{"比容量"}},
		{"寻求比容量大于140mAh/g", []string{"容量"}, "电容器", nil},
		// Every occurrence counts: 热管理 of the keywords, not 管理 of
		// 电池簇热/管理 in the title.
		{"储能电池簇热管理与均温优化\n储能\n热管理", []string{"热管理"}, "热管理材料", []string{"热管理"}},
		// Runs of single characters only are a number's measure words.
		{"要求在3个月内完成", []string{"个月内"}, "6个月内交付", nil},
		// A run does not begin or end with a function character.
		{"提高材料的冲击强度", []string{"的冲击强度"}, "新材料的冲击强度", []string{"冲击强度"}},
		// Longest first; one a longer run contains is left out; a term
		// not in the text is left out.
		{"降低处理成本并提高处理效率", []string{"处理", "处理成本", "效率", "区块链"}, "处理成本低，效率高", []string{"处理成本", "效率"}},
		// A later occurrence when the first shares nothing.
		{"氮化硅陶瓷与碳化硅衬底", []string{"化硅"}, "碳化硅器件", []string{"碳化硅"}},
	} {
		got := a.Cut(tc.text).Shared(tc.terms, Fold(tc.other))
		if !slices.Equal(got, tc.want) {
			t.Errorf("Cut(%q).Shared(%q, %q) = %q, want %q", tc.text, tc.terms, tc.other, got, tc.want)
		}
	}
}

// BenchmarkCutShared is what a recommendation page adds per search: the
// query cut once, then its matched terms said in words for ten listings.
func BenchmarkCutShared(b *testing.B) {
	a := MustDefault()
	query := "高炉煤气放散率偏高，寻求煤气平衡优化与高效利用技术\n高炉煤气\n能源管理\n燃烧优化\n公司3座高炉煤气富余，冬季放散率约3%，现有燃气锅炉热效率偏低。希望引进煤气管网平衡预测与调度技术，以及低热值煤气高效燃烧技术，目标煤气零放散。"
	listing := Fold("钢铁企业高炉煤气高效燃烧与余热梯级回收技术\n高炉煤气\n余热回收\n针对高炉煤气热值低、放散多的问题，采用蓄热式高温空气燃烧与烟气余热梯级回收，提高煤气利用率至98%以上，吨铁节约标煤12千克，已在两家钢厂的热风炉和轧钢加热炉上应用。")
	terms := []string{"高炉煤气", "煤气高效燃烧", "标煤气", "放散", "利用", "热值", "炉煤气", "优化"}
	a.Cut(query) // load the dictionary
	b.ResetTimer()
	for b.Loop() {
		q := a.Cut(query)
		for range 10 {
			q.Shared(terms, listing)
		}
	}
}
