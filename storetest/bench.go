package storetest

import (
	"testing"

	"github.com/innobridge/innobridge"
)

// BenchmarkImport imports n generated achievements into a fresh database
// of b per iteration, in one Import call, and reports rows/s. Generating
// the rows and creating the database are not timed.
func BenchmarkImport(bench *testing.B, b Backend, n int) {
	bench.StopTimer()
	bench.ReportAllocs()
	for range bench.N {
		s, _ := MustOpen(bench, b)
		org := MustCreateOrganization(bench, s, NewOrganization("owner", "基准机构", innobridge.OrgInstitute, "", "320500"))
		rows := GenerateAchievements(n, "bench", org.ID)
		bench.StartTimer()
		if err := s.Import(bench.Context(), innobridge.ImportBatch{Achievements: rows}, nil); err != nil {
			bench.Fatalf("Import(%d rows): %v", n, err)
		}
		bench.StopTimer()
		_, total, err := s.FindAchievements(bench.Context(), innobridge.ListingFilter{Limit: 1})
		if err != nil || total != n {
			bench.Fatalf("after import: %d rows (err %v), want %d", total, err, n)
		}
	}
	bench.ReportMetric(float64(n)*float64(bench.N)/bench.Elapsed().Seconds(), "rows/s")
}
