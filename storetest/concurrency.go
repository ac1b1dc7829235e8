package storetest

import (
	"fmt"
	"sync"
	"testing"

	"github.com/innobridge/innobridge"
)

var concurrencyTests = []test{
	{"Writers", testConcurrentWriters},
}

// testConcurrentWriters runs writers of every kind beside readers: no
// call may fail, and every write must be there afterwards.
func testConcurrentWriters(t *testing.T, b Backend) {
	s, _ := MustOpen(t, b)
	org := MustCreateOrganization(t, s, NewOrganization("shared", "共享机构", innobridge.OrgInstitute, "", "320500"))
	const writers, each = 8, 15
	var wg sync.WaitGroup
	errs := make(chan error, writers*each*4+64)
	stop := make(chan struct{})
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				a := NewAchievement(t, fmt.Sprintf("w%d-%d", w, i), fmt.Sprintf("并发成果%d", i), "", org.ID)
				if err := s.CreateAchievement(t.Context(), a); err != nil {
					errs <- err
				}
				if err := s.AppendAudit(t.Context(), &innobridge.AuditEntry{Action: "create", Entity: "achievement", EntityID: a.ExternalID}); err != nil {
					errs <- err
				}
				if _, err := s.UpdateOrganization(t.Context(), org.ID, innobridge.OrganizationUpdate{Intro: ptr(a.ExternalID)}); err != nil {
					errs <- err
				}
				if i%5 == 0 {
					batch := GenerateAchievements(20, fmt.Sprintf("imp%d-%d", w, i), org.ID)
					if err := s.Import(t.Context(), innobridge.ImportBatch{Achievements: batch}, nil); err != nil {
						errs <- err
					}
				}
			}
		}()
	}
	var readers sync.WaitGroup
	for range 2 {
		readers.Add(1)
		go func() {
			defer readers.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, _, err := s.FindAchievements(t.Context(), innobridge.ListingFilter{SearchTerms: QueryTerms(t, "并发"), Limit: 10}); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	readers.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	imported := writers * ((each + 4) / 5) * 20
	_, n, err := s.FindAchievements(t.Context(), innobridge.ListingFilter{})
	must(t, err, "FindAchievements")
	if want := writers*each + imported; n != want {
		t.Errorf("%d achievements, want %d", n, want)
	}
	list, n, err := s.FindAchievements(t.Context(), innobridge.ListingFilter{SearchTerms: QueryTerms(t, "并发")})
	must(t, err, "FindAchievements")
	if n != writers*each {
		t.Errorf("search found %d, want %d", n, writers*each)
	}
	ids := map[int64]bool{}
	for _, a := range list {
		if ids[a.ID] {
			t.Errorf("id %d given twice", a.ID)
		}
		ids[a.ID] = true
	}
	_, n, err = s.FindAudit(t.Context(), innobridge.AuditFilter{})
	must(t, err, "FindAudit")
	if n != writers*each {
		t.Errorf("%d audit entries, want %d", n, writers*each)
	}
}
