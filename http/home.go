package http

import (
	"net/http"

	"github.com/innobridge/innobridge"
	"github.com/innobridge/innobridge/service"
)

// homePage is /.
type homePage struct {
	Base
	Counts       service.Counts
	Achievements []*innobridge.Achievement
	Demands      []*innobridge.Demand
}

func (s *Server) handleHome(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	counts, err := s.svc.Counts(ctx)
	if err != nil {
		return err
	}
	achs, _, err := s.svc.FindAchievements(ctx, innobridge.ListingFilter{Limit: 6})
	if err != nil {
		return err
	}
	dems, _, err := s.svc.FindDemands(ctx, innobridge.ListingFilter{Limit: 6})
	if err != nil {
		return err
	}
	if formatOf(r) == "json" {
		writeJSON(w, http.StatusOK, counts)
		return nil
	}
	p := &homePage{Counts: counts, Achievements: achs, Demands: dems}
	p.Nav = "home"
	s.render(w, r, http.StatusOK, "home", p)
	return nil
}

// myPage is /my: the listings of the user's organisation in every status.
type myPage struct {
	Base
	Org          *innobridge.Organization
	Achievements []*innobridge.Achievement
	Demands      []*innobridge.Demand
	// The organisation's tracked pairs: in progress, signed, and in
	// progress but gone quiet.
	MatchesOpen, MatchesSigned, MatchesQuiet, QuietDays int
}

func (s *Server) handleMy(w http.ResponseWriter, r *http.Request) error {
	if err := requireLogin(r); err != nil {
		return err
	}
	ctx := r.Context()
	u := state(r).user
	p := &myPage{}
	p.Nav = "my"
	if u.OrgID != 0 {
		org, err := s.svc.FindOrganizationByID(ctx, u.OrgID)
		if err != nil {
			return err
		}
		p.Org = org
		f := innobridge.ListingFilter{OwnerOrgID: &u.OrgID, Statuses: innobridge.Statuses, Limit: 1000}
		if p.Achievements, _, err = s.svc.FindAchievements(ctx, f); err != nil {
			return err
		}
		if p.Demands, _, err = s.svc.FindDemands(ctx, f); err != nil {
			return err
		}
		counts, quiet, err := s.matchTally(ctx, u.OrgID, s.svc.Now())
		if err != nil {
			return err
		}
		for _, st := range innobridge.MatchOpenStatuses {
			p.MatchesOpen += counts.ByStatus[st]
		}
		p.MatchesSigned, p.MatchesQuiet, p.QuietDays = counts.ByStatus[innobridge.MatchSigned], quiet, quietDays
	}
	s.render(w, r, http.StatusOK, "my", p)
	return nil
}

// errorPage shows an error.
type errorPage struct {
	Base
	Status int
	Err    publicError
}
