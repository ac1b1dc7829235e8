package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/innobridge/innobridge"
)

var notificationTests = []test{
	{"CreateOnceAndRead", testNotifications},
	{"ErrUnknownOrg", testNotificationUnknownOrg},
}

func testNotifications(t *testing.T, b Backend) {
	s, clock := MustOpen(t, b)
	a, bb := enterpriseFixture(t, s)
	mk := func(org int64, key string) (*innobridge.Notification, bool) {
		n := &innobridge.Notification{OrgID: org, Kind: innobridge.NoteEligible, Key: key, Title: "可享受政策 " + key, Body: "测算金额 10 万元", Link: "/organizations/ent-a#calc"}
		created, err := s.CreateNotification(t.Context(), n)
		must(t, err, "CreateNotification")
		return n, created
	}
	n1, ok := mk(a.ID, "policy:p1@2026-01-01")
	if !ok || n1.ID == 0 || !n1.CreatedAt.Equal(clock.Peek()) {
		t.Fatalf("first notification: created %v, %+v", ok, n1)
	}
	if _, ok := mk(a.ID, "policy:p1@2026-01-01"); ok {
		t.Error("the same key was announced twice to one organisation")
	}
	if _, ok := mk(bb.ID, "policy:p1@2026-01-01"); !ok {
		t.Error("another organisation did not get the same event")
	}
	n2, _ := mk(a.ID, "expiring:hightech:GR1:2026-04-30")
	list, total, err := s.FindNotifications(t.Context(), innobridge.NotificationFilter{OrgID: &a.ID, Unread: true})
	must(t, err, "FindNotifications")
	if total != 2 || len(list) != 2 || list[0].ID != n2.ID || list[1].Title != n1.Title || list[1].Link != n1.Link {
		t.Fatalf("unread of a: %d %+v; want n2 then n1", total, list)
	}
	for _, since := range []struct {
		from time.Time
		want []int64
	}{
		{n1.CreatedAt, []int64{n2.ID, n1.ID}},
		{n2.CreatedAt, []int64{n2.ID}},
		{n2.CreatedAt.Add(time.Second), nil},
	} {
		list, _, err := s.FindNotifications(t.Context(), innobridge.NotificationFilter{OrgID: &a.ID, Since: &since.from})
		must(t, err, "FindNotifications")
		var got []int64
		for _, n := range list {
			got = append(got, n.ID)
		}
		if !slices.Equal(got, since.want) {
			t.Errorf("a's notifications since %v: %v, want %v", since.from, got, since.want)
		}
	}
	n, err := s.MarkNotificationsRead(t.Context(), a.ID, []int64{n1.ID})
	must(t, err, "MarkNotificationsRead")
	if n != 1 {
		t.Errorf("marked %d read, want 1", n)
	}
	_, total, err = s.FindNotifications(t.Context(), innobridge.NotificationFilter{OrgID: &a.ID, Unread: true})
	must(t, err, "FindNotifications")
	if total != 1 {
		t.Errorf("%d unread after reading one, want 1", total)
	}
	if n, _ := s.MarkNotificationsRead(t.Context(), bb.ID, []int64{n2.ID}); n != 0 {
		t.Error("an organisation marked another's notification read")
	}
	must(t, s.MarkNotificationEmailed(t.Context(), n2.ID), "MarkNotificationEmailed")
	list, _, err = s.FindNotifications(t.Context(), innobridge.NotificationFilter{NotEmailed: true})
	must(t, err, "FindNotifications")
	if len(list) != 2 {
		t.Errorf("%d not e-mailed, want 2 (n1 and b's)", len(list))
	}
	list, _, err = s.FindNotifications(t.Context(), innobridge.NotificationFilter{OrgID: &a.ID})
	must(t, err, "FindNotifications")
	if list[0].EmailedAt == nil || list[1].ReadAt == nil || list[0].ReadAt != nil {
		t.Errorf("read/e-mailed times not kept: %+v %+v", list[0], list[1])
	}
	wantCode(t, s.MarkNotificationEmailed(t.Context(), 999_999), innobridge.ENOTFOUND, "")
}

func testNotificationUnknownOrg(t *testing.T, b Backend) {
	s, _ := MustOpen(t, b)
	_, err := s.CreateNotification(t.Context(), &innobridge.Notification{OrgID: 999_999, Kind: innobridge.NoteEligible, Key: "k", Title: "x"})
	wantCode(t, err, innobridge.EINVALID, "")
}
