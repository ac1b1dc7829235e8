package http

import (
	"net/http"
	"strconv"

	"github.com/innobridge/innobridge"
)

// notificationsPage is /my/notifications.
type notificationsPage struct {
	Base
	Items []*innobridge.Notification
	Total int
}

// handleNotifications serves GET /my/notifications and GET
// /api/v1/notifications (?unread=1 for the unread only).
func (s *Server) handleNotifications(w http.ResponseWriter, r *http.Request) error {
	if err := requireLogin(r); err != nil {
		return err
	}
	q := r.URL.Query()
	off, _ := strconv.Atoi(q.Get("offset"))
	lim, _ := strconv.Atoi(q.Get("limit"))
	if lim <= 0 {
		lim = 100
	}
	list, total, err := s.svc.FindNotifications(r.Context(), q.Get("unread") == "1", max(off, 0), lim)
	if err != nil {
		return err
	}
	if isAPI(r) {
		writeJSON(w, http.StatusOK, map[string]any{"items": nonNil(list), "total": total})
		return nil
	}
	p := &notificationsPage{Items: list, Total: total}
	p.Nav = "notifications"
	s.render(w, r, http.StatusOK, "notifications", p)
	return nil
}

// handleNotificationsRead serves POST /my/notifications/read (all) and
// POST /api/v1/notifications/read ({"ids": [...]}, all when empty).
func (s *Server) handleNotificationsRead(w http.ResponseWriter, r *http.Request) error {
	if err := requireLogin(r); err != nil {
		return err
	}
	var body struct {
		IDs []int64 `json:"ids"`
	}
	if isAPI(r) && r.ContentLength != 0 {
		if err := decodeJSON(r, &body); err != nil {
			return err
		}
	}
	n, err := s.svc.MarkNotificationsRead(r.Context(), body.IDs)
	if err != nil {
		return err
	}
	if isAPI(r) {
		writeJSON(w, http.StatusOK, map[string]int{"read": n})
		return nil
	}
	http.Redirect(w, r, "/my/notifications", http.StatusSeeOther)
	return nil
}

// handleNotificationsRun serves POST /staff/notifications/run and POST
// /api/v1/notifications/run: announce new eligibilities and expiring
// recognitions now (staff).
func (s *Server) handleNotificationsRun(w http.ResponseWriter, r *http.Request) error {
	if err := requireLogin(r); err != nil {
		return err
	}
	n, err := s.svc.RunNotifications(r.Context(), innobridge.Date{})
	if err != nil {
		return err
	}
	if isAPI(r) {
		writeJSON(w, http.StatusOK, map[string]int{"created": n})
		return nil
	}
	http.Redirect(w, r, "/staff/policies?notified="+strconv.Itoa(n), http.StatusSeeOther)
	return nil
}
