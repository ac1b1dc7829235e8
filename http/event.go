package http

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/innobridge/innobridge"
	"github.com/innobridge/innobridge/service"
)

// Events: roadshows (路演) and docking meetings (对接会). Every signed-in
// user reads them; staff create and edit them, put listings on them and
// make an event's docking list. Times are typed and shown in the server's
// local time zone, as everywhere else (datetime).

// startsLayout is the form of a start time in the form (datetime-local).
const startsLayout = "2006-01-02T15:04"

// eventsPage is /events: the upcoming events, soonest first, or with
// ?when=past the past ones (往期活动), latest first, a page at a time.
type eventsPage struct {
	Base
	When  string // "upcoming" or "past"
	Items []*innobridge.Event
	Total int
	Pager pager
}

// eventFilter turns ?when= and the page into a filter as of now: upcoming
// (from now, soonest first), past (before now, latest first) or, for the
// API only, all ("", latest first). Anything else is EINVALID naming when.
func eventFilter(when string, now time.Time, p listParams, api bool) (innobridge.EventFilter, error) {
	f := innobridge.EventFilter{Offset: (p.Page - 1) * p.PerPage, Limit: p.PerPage}
	switch when {
	case "upcoming":
		f.From = &now
	case "past":
		f.Before = &now
	case "":
		if !api {
			f.From = &now
		}
	default:
		return f, fieldError("when", "unknown", "when 应为 upcoming 或 past (when must be upcoming or past)")
	}
	return f, nil
}

// handleEventList serves GET /events (?when=past for 往期活动; ?page=) and
// GET /api/v1/events (?when=upcoming|past, all latest first by default;
// ?page=, ?per_page=).
func (s *Server) handleEventList(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := s.parseListParams(r)
	when := r.URL.Query().Get("when")
	f, err := eventFilter(when, s.svc.Now(), p, isAPI(r))
	if err != nil {
		return err
	}
	list, total, err := s.svc.FindEvents(ctx, f)
	if err != nil {
		return err
	}
	if isAPI(r) {
		writeJSON(w, http.StatusOK, newListResponse(list, total, p))
		return nil
	}
	if when == "" {
		when = "upcoming"
	}
	page := &eventsPage{When: when, Items: list, Total: total, Pager: newPager(r, p, total)}
	page.Nav = "events"
	s.render(w, r, http.StatusOK, "events", page)
	return nil
}

// eventForm is the event form as typed.
type eventForm struct {
	Name, Kind, StartsAt, Venue, Field, Region, Description string
}

// readEventForm reads the posted event form.
func readEventForm(r *http.Request) eventForm {
	g := r.PostFormValue
	return eventForm{Name: g("name"), Kind: g("kind"), StartsAt: g("starts_at"), Venue: g("venue"), Field: g("field"),
		Region: g("region"), Description: g("description")}
}

func eventFormFrom(e *innobridge.Event) eventForm {
	return eventForm{Name: e.Name, Kind: string(e.Kind), StartsAt: e.StartsAt.Local().Format(startsLayout), Venue: e.Venue,
		Field: e.Field, Region: e.Region, Description: e.Description}
}

// event reads the form into an event; a start time it cannot read is a
// field error, returned with the others by Validate.
func (f eventForm) event() (*innobridge.Event, error) {
	e := &innobridge.Event{Name: f.Name, Kind: innobridge.EventKind(f.Kind), Venue: f.Venue, Field: f.Field,
		Region: f.Region, Description: strings.TrimSpace(f.Description)}
	v := innobridge.Validation{}
	if s := strings.TrimSpace(f.StartsAt); s != "" {
		t, err := parseStarts(s)
		if err != nil {
			v.Add("starts_at", "format", "时间格式应为 YYYY-MM-DD HH:MM (time must be YYYY-MM-DD HH:MM)")
		}
		e.StartsAt = t
	}
	return e, v.Err()
}

// parseStarts reads a start time typed in the server's time zone.
func parseStarts(s string) (time.Time, error) {
	s = strings.Replace(strings.TrimSpace(innobridge.FoldWidth(s)), " ", "T", 1)
	return time.ParseInLocation(startsLayout, s, time.Local)
}

// eventFormPage is /events/new and /events/{id}/edit.
type eventFormPage struct {
	Base
	Edit    *innobridge.Event // nil for a new event
	F       eventForm
	Errs    map[string]innobridge.FieldError
	Err     string
	Regions []innobridge.RegionOption
}

func (s *Server) eventFormPage(edit *innobridge.Event, f eventForm, err error) *eventFormPage {
	p := &eventFormPage{Edit: edit, F: f, Errs: fieldsOf(err), Err: formMessage(err), Regions: s.regions()}
	p.Nav = "events"
	return p
}

// handleEventNew serves GET /events/new.
func (s *Server) handleEventNew(w http.ResponseWriter, r *http.Request) error {
	if err := requireStaffPage(r); err != nil {
		return err
	}
	day := s.svc.Now().Local().AddDate(0, 0, 7)
	f := eventForm{Kind: string(innobridge.EventRoadshow), // a week ahead, 14:00
		StartsAt: time.Date(day.Year(), day.Month(), day.Day(), 14, 0, 0, 0, time.Local).Format(startsLayout)}
	s.render(w, r, http.StatusOK, "event_form", s.eventFormPage(nil, f, nil))
	return nil
}

// eventInput is the body of POST /api/v1/events and PATCH
// /api/v1/events/{id}; PATCH leaves absent fields alone.
type eventInput struct {
	Name        *string               `json:"name"`
	Kind        *innobridge.EventKind `json:"kind"`
	StartsAt    *time.Time            `json:"starts_at"`
	Venue       *string               `json:"venue"`
	Field       *string               `json:"field"`
	Region      *string               `json:"region"`
	Description *string               `json:"description"`
}

func (in eventInput) update() innobridge.EventUpdate {
	return innobridge.EventUpdate{Name: in.Name, Kind: in.Kind, StartsAt: in.StartsAt, Venue: in.Venue, Field: in.Field,
		Region: in.Region, Description: in.Description}
}

// handleEventCreate serves POST /events (form) and POST /api/v1/events.
func (s *Server) handleEventCreate(w http.ResponseWriter, r *http.Request) error {
	if isAPI(r) {
		var in eventInput
		if err := decodeJSON(r, &in); err != nil {
			return err
		}
		e := &innobridge.Event{}
		e.Apply(in.update())
		if err := s.svc.CreateEvent(r.Context(), e); err != nil {
			return err
		}
		writeJSON(w, http.StatusCreated, e)
		return nil
	}
	f := readEventForm(r)
	e, err := f.event()
	if err == nil {
		err = s.svc.CreateEvent(r.Context(), e)
	} else if verr := e.Validate(); verr != nil && innobridge.ErrorCode(err) == innobridge.EINVALID {
		err = mergeValidation(err, verr)
	}
	if err != nil {
		return s.formError(w, r, err, func() (page, string, error) {
			return s.eventFormPage(nil, f, err), "event_form", nil
		})
	}
	http.Redirect(w, r, fmt.Sprintf("/events/%d?done=saved", e.ID), http.StatusSeeOther)
	return nil
}

// eventPage is /events/{id}: the event, its achievements and demands as
// the reader may see them, and for staff the forms that change it.
type eventPage struct {
	Base
	E *service.EventDetail
	// AddAchievements and AddDemands are the add form's text as typed.
	AddAchievements, AddDemands string
	// CancelReason is the cancel form's reason as typed.
	CancelReason string
	Errs         map[string]innobridge.FieldError
	Err          string
}

func (s *Server) eventPage(r *http.Request, id int64) (*eventPage, error) {
	d, err := s.svc.FindEventByID(r.Context(), id)
	if err != nil {
		return nil, err
	}
	p := &eventPage{E: d}
	p.Nav = "events"
	return p, nil
}

// handleEvent serves GET /events/{id} and GET /api/v1/events/{id}.
func (s *Server) handleEvent(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "event")
	if err != nil {
		return err
	}
	p, err := s.eventPage(r, id)
	if err != nil {
		return err
	}
	if isAPI(r) || formatOf(r) == "json" {
		writeJSON(w, http.StatusOK, p.E)
		return nil
	}
	s.render(w, r, http.StatusOK, "event", p)
	return nil
}

// handleEventEdit serves GET /events/{id}/edit.
func (s *Server) handleEventEdit(w http.ResponseWriter, r *http.Request) error {
	if err := requireStaffPage(r); err != nil {
		return err
	}
	id, err := pathID(r, "id", "event")
	if err != nil {
		return err
	}
	d, err := s.svc.FindEventByID(r.Context(), id)
	if err != nil {
		return err
	}
	if d.Cancelled() { // nothing to edit: the event page says why
		http.Redirect(w, r, fmt.Sprintf("/events/%d", id), http.StatusSeeOther)
		return nil
	}
	s.render(w, r, http.StatusOK, "event_form", s.eventFormPage(d.Event, eventFormFrom(d.Event), nil))
	return nil
}

// handleEventUpdate serves POST /events/{id} (form) and PATCH
// /api/v1/events/{id}.
func (s *Server) handleEventUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "event")
	if err != nil {
		return err
	}
	if isAPI(r) {
		var in eventInput
		if err := decodeJSON(r, &in); err != nil {
			return err
		}
		e, err := s.svc.UpdateEvent(r.Context(), id, in.update())
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, e)
		return nil
	}
	f := readEventForm(r)
	e, err := f.event()
	if err == nil {
		_, err = s.svc.UpdateEvent(r.Context(), id, innobridge.EventUpdate{Name: &e.Name, Kind: &e.Kind, StartsAt: &e.StartsAt,
			Venue: &e.Venue, Field: &e.Field, Region: &e.Region, Description: &e.Description})
	}
	if err != nil {
		return s.formError(w, r, err, func() (page, string, error) {
			return s.eventFormPage(&innobridge.Event{ID: id, Name: f.Name}, f, err), "event_form", nil
		})
	}
	http.Redirect(w, r, fmt.Sprintf("/events/%d?done=saved", id), http.StatusSeeOther)
	return nil
}

// eventListingsInput is the body of POST /api/v1/events/{id}/listings.
type eventListingsInput struct {
	Achievements []string `json:"achievements"`
	Demands      []string `json:"demands"`
}

// handleEventListingsAdd serves POST /events/{id}/listings (form: ids
// one a line or comma-separated) and POST /api/v1/events/{id}/listings.
func (s *Server) handleEventListingsAdd(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "event")
	if err != nil {
		return err
	}
	if isAPI(r) {
		var in eventListingsInput
		if err := decodeJSON(r, &in); err != nil {
			return err
		}
		d, err := s.svc.AddEventListings(r.Context(), id, in.Achievements, in.Demands)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, d)
		return nil
	}
	achs, dems := r.PostFormValue("achievements"), r.PostFormValue("demands")
	if _, err := s.svc.AddEventListings(r.Context(), id, splitList(achs), splitList(dems)); err != nil {
		return s.eventFormError(w, r, id, err, func(p *eventPage) { p.AddAchievements, p.AddDemands = achs, dems })
	}
	http.Redirect(w, r, fmt.Sprintf("/events/%d?done=saved#listings", id), http.StatusSeeOther)
	return nil
}

// eventFormError shows the event page again with err on it (as
// formError does), after keep puts back what was typed.
func (s *Server) eventFormError(w http.ResponseWriter, r *http.Request, id int64, err error, keep func(*eventPage)) error {
	return s.formError(w, r, err, func() (page, string, error) {
		p, perr := s.eventPage(r, id)
		if p != nil {
			p.Errs, p.Err = fieldsOf(err), formMessage(err)
			if keep != nil {
				keep(p)
			}
		}
		return p, "event", perr
	})
}

// handleEventListingRemove serves POST /events/{id}/listings/remove (form:
// kind, ext) and DELETE /api/v1/events/{id}/listings/{ext} (?kind= when
// an achievement and a demand on the event share the id).
func (s *Server) handleEventListingRemove(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "event")
	if err != nil {
		return err
	}
	var kind, ext string
	if isAPI(r) {
		kind, ext = r.URL.Query().Get("kind"), r.PathValue("ext")
	} else {
		kind, ext = r.PostFormValue("kind"), r.PostFormValue("ext")
	}
	switch innobridge.ListingKind(kind) {
	case "", innobridge.KindAchievement, innobridge.KindDemand:
	default:
		return fieldError("kind", "unknown", "类型应为 achievement 或 demand (kind must be achievement or demand)")
	}
	if err := s.svc.RemoveEventListing(r.Context(), id, innobridge.ListingKind(kind), ext); err != nil {
		return err
	}
	if isAPI(r) {
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	http.Redirect(w, r, fmt.Sprintf("/events/%d?done=saved#listings", id), http.StatusSeeOther)
	return nil
}

// handleEventDocking serves POST /events/{id}/docking: makes the event's
// docking list (生成对接清单) and opens it.
func (s *Server) handleEventDocking(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "event")
	if err != nil {
		return err
	}
	v := innobridge.Validation{}
	topN := parseIntField(&v, "top_n", r.PostFormValue("top_n"))
	if err := v.Err(); err != nil {
		return err
	}
	l, err := s.matching.CreateDockingList(r.Context(), service.DockingRequest{EventID: id, TopN: topN})
	if err != nil {
		return s.eventFormError(w, r, id, err, nil)
	}
	http.Redirect(w, r, fmt.Sprintf("/staff/docking/%d?done=created", l.ID), http.StatusSeeOther)
	return nil
}

// cancelInput is the body of POST /api/v1/events/{id}/cancel.
type cancelInput struct {
	Reason string `json:"reason"`
}

// handleEventCancel serves POST /events/{id}/cancel (form: reason) and
// POST /api/v1/events/{id}/cancel: staff cancel the event (取消活动).
func (s *Server) handleEventCancel(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "event")
	if err != nil {
		return err
	}
	if isAPI(r) {
		var in cancelInput
		if err := decodeJSON(r, &in); err != nil {
			return err
		}
		e, err := s.svc.CancelEvent(r.Context(), id, in.Reason)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, e)
		return nil
	}
	reason := r.PostFormValue("reason")
	if _, err := s.svc.CancelEvent(r.Context(), id, reason); err != nil {
		return s.eventFormError(w, r, id, err, func(p *eventPage) { p.CancelReason = reason })
	}
	http.Redirect(w, r, fmt.Sprintf("/events/%d?done=cancelled", id), http.StatusSeeOther)
	return nil
}
