package demo_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/innobridge/innobridge"
	"github.com/innobridge/innobridge/demo"
)

// TestIndicators checks that the demo gives the calculator pages something
// to show: enterprises with two years of figures, a 高企 certificate due
// for renewal, candidates for the next tiers and policies that pay.
func TestIndicators(t *testing.T) {
	ctx := context.Background()
	svc := MustOpenService(t)
	if _, err := demo.Load(ctx, svc, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	staff := staffContext(t, svc)
	stored, err := svc.Store.FindEnterpriseIndicators(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(stored) < 4 {
		t.Fatalf("%d demo enterprises have indicators, want at least 4", len(stored))
	}
	for _, e := range stored {
		if len(e.Years) != 2 || len(e.Profile.Recognitions) == 0 {
			t.Errorf("organisation %d: %d years, %d recognitions; want 2 and some", e.OrgID, len(e.Years), len(e.Profile.Recognitions))
		}
	}
	p, err := svc.Pipeline(staff, innobridge.Date{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	var expiring bool
	for _, e := range p.Expiring {
		expiring = expiring || e.Number == "GR202332001188"
	}
	if !expiring {
		t.Errorf("华芯's 高企 certificate is not flagged as expiring: %+v", p.Expiring)
	}
	candidates := 0
	for _, pt := range p.Tiers {
		candidates += len(pt.Candidates)
	}
	if candidates == 0 {
		t.Error("no tier has a candidate")
	}
	runs, err := svc.PolicyRuns(staff, innobridge.Date{}, false)
	if err != nil {
		t.Fatal(err)
	}
	paid, active := 0, 0
	for _, r := range runs.Runs {
		paid += r.Count
		if r.Active {
			active++
		}
	}
	if active > 0 && paid == 0 { // the example policies run through 2026
		t.Error("no demo enterprise qualifies for any local policy today")
	}
	// The demo enterprise login sees its own calculator.
	u, err := svc.Store.FindUserByUsername(ctx, "enterprise")
	if err != nil {
		t.Fatal(err)
	}
	ev, err := svc.Evaluate(innobridge.NewContextWithUser(ctx, u), u.OrgID, innobridge.Date{})
	if err != nil {
		t.Fatal(err)
	}
	if !ev.Tiers[1].Expiring || ev.Tiers[1].Held == nil {
		t.Errorf("华芯 on its own page: 高企 tier %+v, want held and expiring", ev.Tiers[1])
	}
}
