package service

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// BenchmarkDuplicateSignature is the per-listing cost of FindDuplicates
// before any pair is compared: 3-gram shingles and the minhash signature
// of a listing of about 300 characters.
func BenchmarkDuplicateSignature(b *testing.B) {
	text := strings.Join([]string{
		"针对高炉煤气余热回收效率低的问题，提出一种基于热管换热器的回收系统。",
		"系统由蒸发段、冷凝段和绝热段组成，采用分级布置以适应烟气温度的变化。",
		"现场试验表明，在烟气温度三百至四百五十摄氏度的工况下，余热回收率提高百分之十八，",
		"年节约标准煤约一万二千吨，减少二氧化碳排放三万吨以上，投资回收期不足两年。",
		"该技术已在江苏、河北两地钢铁企业推广应用，运行稳定，维护简便，",
		"适用于冶金、建材、化工等行业中低温烟气的余热利用，具有较好的经济效益和环境效益。",
	}, "")
	for b.Loop() {
		s := shingles(text)
		_ = minhash(s)
	}
}

// TestMinhashEstimatesJaccard: the share of bins where two signatures
// agree estimates the sets' Jaccard similarity, for long and short sets.
func TestMinhashEstimatesJaccard(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	for _, tc := range []struct {
		size int
		j    float64
	}{
		{300, 0.2}, {300, 0.5}, {300, 0.8}, {300, 1}, {20, 0.5}, {8, 0.6},
	} {
		var sum float64
		const trials = 200
		for range trials {
			// a and b share `common` elements of size each: J = c/(2·size−c).
			common := int(math.Round(2 * float64(tc.size) * tc.j / (1 + tc.j)))
			var a, b []uint64
			for i := range tc.size {
				v := r.Uint64()
				a = append(a, v)
				if i < common {
					b = append(b, v)
				} else {
					b = append(b, r.Uint64())
				}
			}
			slices.Sort(a)
			slices.Sort(b)
			exact := jaccard(a, b)
			sa, sb := minhash(a), minhash(b)
			agree := 0
			for i := range sa {
				if sa[i] == sb[i] {
					agree++
				}
			}
			sum += float64(agree)/mhHashes - exact
		}
		if bias := sum / trials; math.Abs(bias) > 0.05 {
			t.Errorf("size %d, Jaccard %.1f: estimate off by %.3f on average", tc.size, tc.j, bias)
		}
	}
}
