// Package tier is the tier registry and the cultivation pipeline over
// enterprise indicators: the recognitions each enterprise holds with their
// numbers and validity (expiring ones flagged), the candidates for each tier
// ranked by how close they are to it, and counts by tier, region and
// industry at one date or over a series of dates.
//
// It is pure Go over []*innobridge.Indicators: callers load the enterprises
// (from a JSON Lines file, an import or a store) and pass them in.
package tier

import (
	"runtime"
	"sort"
	"sync"

	"github.com/innobridge/innobridge"
)

// Tier is one rung of the cultivation ladder: the recognition kinds that
// count as holding it and the rule set that decides who qualifies.
type Tier struct {
	Rule  string   `json:"rule"`  // rule-set name in policy.Catalog
	Kinds []string `json:"kinds"` // recognition kinds that count as holding it
	Title string   `json:"title"`
}

// Ladder lists the tiers lowest first. 高新技术企业 sits beside the SME
// ladder rather than on it; it is listed after 科技型中小企业, whose direct
// route it is. From 2026-04-01 科技型中小企业 and 创新型中小企业 form one first
// tier (科技和创新型中小企业), which holders of either title belong to.
var Ladder = []Tier{
	{Rule: "tech_sme", Kinds: []string{innobridge.RecTechSME}, Title: "科技型中小企业"},
	{Rule: "hightech", Kinds: []string{innobridge.RecHighTech}, Title: "高新技术企业"},
	{Rule: "innovative_sme", Kinds: []string{innobridge.RecInnovativeSME, innobridge.RecTechInnovativeSME}, Title: "创新型中小企业（科技和创新型中小企业）"},
	{Rule: "zjtx_sme", Kinds: []string{innobridge.RecZJTXSME}, Title: "专精特新中小企业"},
	{Rule: "little_giant", Kinds: []string{innobridge.RecLittleGiant}, Title: "专精特新“小巨人”企业"},
}

// TierOf returns the ladder tier whose rule is name ("zjtx_sme", or
// "zjtx_sme@2022"), and false when there is none.
func TierOf(name string) (Tier, bool) {
	for i, c := range name {
		if c == '@' {
			name = name[:i]
			break
		}
	}
	for _, t := range Ladder {
		if t.Rule == name {
			return t, true
		}
	}
	return Tier{}, false
}

// Status is where a recognition stands on a date.
type Status string

// Statuses of a recognition.
const (
	Valid    Status = "valid"    // in force and not expiring within the window
	Expiring Status = "expiring" // in force, last day within the window
	Expired  Status = "expired"  // last day before the date
	NotYet   Status = "not_yet"  // granted after the date
)

// Entry is one recognition in the registry.
type Entry struct {
	Enterprise string          `json:"enterprise"` // Indicators.ID
	Name       string          `json:"name,omitempty"`
	Region     string          `json:"region,omitempty"`
	Industry   string          `json:"industry,omitempty"`
	Kind       string          `json:"kind"`
	Level      string          `json:"level,omitempty"`
	Number     string          `json:"number,omitempty"`
	Granted    innobridge.Date `json:"granted"`
	// LastDay is the last valid day, nil when the recognition never expires.
	LastDay *innobridge.Date `json:"last_day,omitempty"`
	Status  Status           `json:"status"`
	// DaysLeft counts the days from the date to LastDay: 0 on the last day,
	// negative once expired. It is 0 when LastDay is nil.
	DaysLeft int `json:"days_left"`
}

// Registry lists every recognition of ents with its status on asOf, in the
// enterprises' order and each enterprise's order. A recognition in force
// whose last day is at most expiringWithin days after asOf is Expiring.
func Registry(ents []*innobridge.Indicators, asOf innobridge.Date, expiringWithin int) []Entry {
	var out []Entry
	for _, e := range ents {
		for i := range e.Recognitions {
			out = append(out, entry(e, &e.Recognitions[i], asOf, expiringWithin))
		}
	}
	return out
}

// ExpiringSoon lists the recognitions in force on asOf that expire within
// the given number of days, soonest first.
func ExpiringSoon(ents []*innobridge.Indicators, asOf innobridge.Date, within int) []Entry {
	var out []Entry
	for _, en := range Registry(ents, asOf, within) {
		if en.Status == Expiring {
			out = append(out, en)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].DaysLeft < out[j].DaysLeft })
	return out
}

func entry(e *innobridge.Indicators, r *innobridge.Recognition, asOf innobridge.Date, within int) Entry {
	en := Entry{Enterprise: e.ID, Name: e.Name, Region: e.Region, Industry: e.Industry,
		Kind: r.Kind, Level: r.Level, Number: r.Number, Granted: r.Granted, Status: Valid}
	last, ok := r.LastDay()
	if ok {
		en.LastDay = &last
		en.DaysLeft = days(asOf, last)
	}
	switch {
	case asOf.Before(r.Granted.Time):
		en.Status = NotYet
	case ok && en.DaysLeft < 0:
		en.Status = Expired
	case ok && en.DaysLeft <= within:
		en.Status = Expiring
	}
	return en
}

// days is the number of calendar days from a to b (dates are UTC midnights).
func days(a, b innobridge.Date) int { return int(b.Sub(a.Time).Hours() / 24) }

// holds returns the latest last day among e's recognitions of kinds in
// force on asOf, whether there is one, and whether one never expires.
func holds(e *innobridge.Indicators, kinds []string, asOf innobridge.Date) (last innobridge.Date, held, forever bool) {
	for i := range e.Recognitions {
		r := &e.Recognitions[i]
		if !contains(kinds, r.Kind) || !r.ValidOn(asOf) {
			continue
		}
		held = true
		d, ok := r.LastDay()
		if !ok {
			forever = true
			continue
		}
		if d.After(last.Time) {
			last = d
		}
	}
	return last, held, forever
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// parallel runs f(i) for i in [0, n) on all CPUs.
func parallel(n int, f func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for i := range n {
			f(i)
		}
		return
	}
	var wg sync.WaitGroup
	chunk := (n + workers - 1) / workers
	for w := range workers {
		lo, hi := w*chunk, min((w+1)*chunk, n)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := lo; i < hi; i++ {
				f(i)
			}
		}()
	}
	wg.Wait()
}
