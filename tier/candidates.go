package tier

import (
	"sort"

	"github.com/innobridge/innobridge"
	"github.com/innobridge/innobridge/policy"
)

// Candidate is an enterprise evaluated for a tier it does not hold (or
// holds but must renew soon).
type Candidate struct {
	ID       string `json:"id"`
	Name     string `json:"name,omitempty"`
	Region   string `json:"region,omitempty"`
	Industry string `json:"industry,omitempty"`
	// Renewal is set when the enterprise holds the tier but it expires
	// within the renewal window; Expires is then its last day.
	Renewal bool             `json:"renewal,omitempty"`
	Expires *innobridge.Date `json:"expires,omitempty"`
	// Result is the full evaluation: eligibility, score, trace and gaps;
	// Result.Distance is what candidates are ranked by.
	Result policy.Result `json:"result"`
}

// CandidateOptions tune Candidates.
type CandidateOptions struct {
	// RenewWithin keeps enterprises that hold the tier when their title
	// expires within this many days of the date (0: holders are left out).
	RenewWithin int
	// MaxDistance leaves out candidates farther than this (0: no limit).
	MaxDistance float64
	// Limit keeps only the first Limit candidates (0: all).
	Limit int
	// Traces keeps each candidate's trace; without it only the gaps are kept,
	// which is what a list of thousands needs.
	Traces bool
}

// Candidates evaluates ents against the rule set named rule (as
// policy.Catalog.RuleSet resolves it for asOf) and returns those that do not
// hold the tier, closest first: eligible ones (distance 0) first, then by
// Result.Distance, then fewer unmet criteria, then higher score, then id.
// Enterprises holding a recognition of the tier on asOf are left out unless
// it expires within opt.RenewWithin days. The error is ENOTFOUND for an
// unknown rule.
func Candidates(cat *policy.Catalog, ents []*innobridge.Indicators, rule string, asOf innobridge.Date, opt CandidateOptions) ([]Candidate, error) {
	rs, err := cat.RuleSet(rule, asOf)
	if err != nil {
		return nil, err
	}
	var kinds []string
	if t, ok := TierOf(rule); ok {
		kinds = t.Kinds
	}
	slots := make([]*Candidate, len(ents))
	parallel(len(ents), func(i int) {
		e := ents[i]
		c := Candidate{ID: e.ID, Name: e.Name, Region: e.Region, Industry: e.Industry}
		if last, held, forever := holds(e, kinds, asOf); held {
			if forever || opt.RenewWithin <= 0 || days(asOf, last) > opt.RenewWithin {
				return
			}
			c.Renewal, c.Expires = true, &last
		}
		c.Result = policy.Evaluate(e, rs, asOf)
		if opt.MaxDistance > 0 && c.Result.Distance > opt.MaxDistance {
			return
		}
		if !opt.Traces {
			c.Result.Trace = nil
		}
		slots[i] = &c
	})
	// Sort pointers, not the (large) candidates themselves.
	kept := slots[:0]
	for _, c := range slots {
		if c != nil {
			kept = append(kept, c)
		}
	}
	sort.SliceStable(kept, func(i, j int) bool {
		a, b := &kept[i].Result, &kept[j].Result
		if a.Distance != b.Distance {
			return a.Distance < b.Distance
		}
		if a.Unmet != b.Unmet {
			return a.Unmet < b.Unmet
		}
		if sa, sb := score(a), score(b); sa != sb {
			return sa > sb
		}
		return kept[i].ID < kept[j].ID
	})
	if opt.Limit > 0 && len(kept) > opt.Limit {
		kept = kept[:opt.Limit]
	}
	out := make([]Candidate, len(kept))
	for i, c := range kept {
		out[i] = *c
	}
	return out, nil
}

func score(r *policy.Result) float64 {
	if r.Score == nil {
		return 0
	}
	return *r.Score
}
