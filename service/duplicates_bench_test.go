package service_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/innobridge/innobridge"
	"github.com/innobridge/innobridge/service"
	"github.com/innobridge/innobridge/sqlite"
)

// BenchmarkFindDuplicates: staff's near-duplicate list over 20,000
// achievements on a real SQLite file. First is a fresh service (every
// listing read and hashed); Again is the next request, nothing changed
// (signatures kept, only the candidates' texts read).
func BenchmarkFindDuplicates(b *testing.B) {
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "dup.db")
	db, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	newSvc := func() *service.Service {
		return service.New(db, nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
	}
	svc := newSvc()
	org := &innobridge.Organization{ExternalID: "org", Name: "苏州某研究院", Kind: innobridge.OrgInstitute, Region: "320506"}
	if err := svc.CreateOrganizationUnchecked(ctx, org); err != nil {
		b.Fatal(err)
	}
	staff, err := svc.CreateUserUnchecked(ctx, service.NewUser{Username: "staff", Name: "staff", Role: innobridge.RoleStaff, Password: "Kejiju#Bench2026"})
	if err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewPCG(3, 4))
	text := func(n int) string { // random CJK characters: unrelated listings share few 3-grams
		var sb strings.Builder
		for range n {
			sb.WriteRune(rune(0x4e00 + r.IntN(4096)))
		}
		return sb.String()
	}
	var batch innobridge.ImportBatch
	for i := range 20000 {
		a := &innobridge.Achievement{Listing: innobridge.Listing{ExternalID: fmt.Sprintf("A%05d", i),
			Title: text(12), Description: text(250), OwnerOrgID: org.ID, Status: innobridge.StatusPublished}}
		if i%100 == 1 { // one in a hundred is a copy of the one before
			prev := batch.Achievements[i-1]
			a.Title, a.Description = prev.Title, prev.Description
		}
		batch.Achievements = append(batch.Achievements, a)
	}
	if err := db.Import(ctx, batch, nil); err != nil {
		b.Fatal(err)
	}
	sctx := innobridge.NewContextWithUser(ctx, staff)
	run := func(b *testing.B, svc *service.Service) {
		pairs, err := svc.FindDuplicates(sctx, "achievements", 0, 0)
		if err != nil {
			b.Fatal(err)
		}
		if len(pairs) < 150 {
			b.Fatalf("%d pairs, want the 200 copies", len(pairs))
		}
	}
	b.Run("First", func(b *testing.B) {
		for b.Loop() {
			run(b, newSvc())
		}
	})
	b.Run("Again", func(b *testing.B) {
		svc := newSvc()
		// A minute on: the import is older than the refresh's slack.
		svc.Now = func() time.Time { return time.Now().Add(time.Minute) }
		run(b, svc)
		for b.Loop() {
			run(b, svc)
		}
	})
}
