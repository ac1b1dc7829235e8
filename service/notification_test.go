package service_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/innobridge/innobridge"
	"github.com/innobridge/innobridge/service"
)

// fakeMailer records what it is asked to send; fail makes it refuse.
type fakeMailer struct {
	mu   sync.Mutex
	sent []sentMail
	fail bool
}

type sentMail struct {
	to            []string
	subject, body string
}

func (m *fakeMailer) Send(ctx context.Context, to []string, subject, body string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail {
		return errors.New("mail server down")
	}
	m.sent = append(m.sent, sentMail{to, subject, body})
	return nil
}

var _ service.Mailer = (*fakeMailer)(nil)

func TestNotifications(t *testing.T) {
	f := newFixture(t)
	mailer := &fakeMailer{}
	f.svc.Mailer = mailer
	withMail, err := f.svc.CreateUserUnchecked(context.Background(), service.NewUser{Username: "ent2", Name: "ent2", Role: innobridge.RoleMember,
		OrgID: f.ent.ID, Password: password, Email: "ent2@example.cn"})
	if err != nil {
		t.Fatal(err)
	}
	withIndicators(t, f) // eligible for the R&D increment policy, 高企 ends 2026-04-30

	list, total, err := f.svc.FindNotifications(as(f.entMember), false, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]*innobridge.Notification{}
	for _, n := range list {
		kinds[n.Kind] = n
	}
	el, ex := kinds[innobridge.NoteEligible], kinds[innobridge.NoteExpiring]
	if total != 2 || el == nil || ex == nil {
		t.Fatalf("notifications %+v, want one eligibility and one expiry", list)
	}
	if !strings.Contains(el.Title, "研发费用增量补助") || !strings.Contains(el.Body, "100,000 元") || el.Link != "/organizations/org-ent#calc" {
		t.Errorf("eligibility notification %+v", el)
	}
	if !strings.Contains(ex.Body, "GR202432001234") || !strings.Contains(ex.Body, "2026-04-30") || !strings.Contains(ex.Body, "59 天") {
		t.Errorf("expiry notification %+v", ex)
	}
	if n, _ := f.svc.UnreadNotifications(as(withMail)); n != 2 {
		t.Errorf("%d unread for another member of the enterprise, want 2", n)
	}
	if n, _ := f.svc.UnreadNotifications(as(f.otherMember)); n != 0 {
		t.Errorf("%d unread for another organisation, want 0", n)
	}
	if len(mailer.sent) != 2 || len(mailer.sent[0].to) != 1 || mailer.sent[0].to[0] != "ent2@example.cn" {
		t.Errorf("e-mails %+v, want 2 to ent2@example.cn (the only member with an address)", mailer.sent)
	}

	// Another run announces nothing twice.
	mailer.sent = nil
	n, err := f.svc.RunNotifications(as(f.staff), innobridge.Date{})
	if err != nil || n != 0 || len(mailer.sent) != 0 {
		t.Errorf("second run created %d (err %v), sent %d; want nothing new", n, err, len(mailer.sent))
	}
	_, err = f.svc.RunNotifications(as(f.entMember), innobridge.Date{})
	wantCode(t, err, innobridge.EFORBIDDEN)

	// Marking read is per organisation.
	if n, _ := f.svc.MarkNotificationsRead(as(f.otherMember), nil); n != 0 {
		t.Errorf("another organisation marked %d read", n)
	}
	if n, err := f.svc.MarkNotificationsRead(as(f.entMember), []int64{el.ID}); err != nil || n != 1 {
		t.Errorf("MarkNotificationsRead = %d, %v", n, err)
	}
	if n, _ := f.svc.UnreadNotifications(as(f.entMember)); n != 1 {
		t.Errorf("%d unread after reading one, want 1", n)
	}
}

// TestNotificationMailFailureKeepsNotification: an e-mail the mail server
// refused is sent again by the next run, unless its notification has been
// read in the application or is older than EmailRetry.
func TestNotificationMailFailureKeepsNotification(t *testing.T) {
	for _, tt := range []struct {
		name  string
		later time.Duration // from the failure to the next run
		read  bool          // the eligibility notification was read in between
		want  []string      // kinds e-mailed by the next run
	}{
		{"NextDay", 24 * time.Hour, false, []string{innobridge.NoteEligible, innobridge.NoteExpiring}},
		{"OneRead", 24 * time.Hour, true, []string{innobridge.NoteExpiring}},
		{"TooLate", service.EmailRetry + time.Hour, false, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			mailer := &fakeMailer{fail: true}
			f.svc.Mailer = mailer
			if _, err := f.svc.CreateUserUnchecked(context.Background(), service.NewUser{Username: "ent2", Name: "ent2", Role: innobridge.RoleMember,
				OrgID: f.ent.ID, Password: password, Email: "ent2@example.cn"}); err != nil {
				t.Fatal(err)
			}
			withIndicators(t, f)
			list, _, err := f.db.FindNotifications(context.Background(), innobridge.NotificationFilter{NotEmailed: true})
			if err != nil || len(list) != 2 {
				t.Fatalf("after a mail failure: %d notifications not e-mailed (err %v), want 2 kept for the application", len(list), err)
			}
			titles := map[string]string{}
			for _, n := range list {
				titles[n.Title] = n.Kind
				if tt.read && n.Kind == innobridge.NoteEligible {
					if _, err := f.svc.MarkNotificationsRead(as(f.entMember), []int64{n.ID}); err != nil {
						t.Fatal(err)
					}
				}
			}

			f.clock.Add(tt.later)
			mailer.fail = false
			if _, err := f.svc.RunNotificationsUnchecked(context.Background(), innobridge.Date{}); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, m := range mailer.sent {
				got = append(got, titles[m.subject])
			}
			slices.Sort(got)
			if !slices.Equal(got, tt.want) {
				t.Errorf("the run %v after the failure e-mailed %q, want %q", tt.later, got, tt.want)
			}
			// What was sent is marked: a third run sends nothing.
			mailer.sent = nil
			if _, err := f.svc.RunNotificationsUnchecked(context.Background(), innobridge.Date{}); err != nil {
				t.Fatal(err)
			}
			if len(mailer.sent) != 0 {
				t.Errorf("a third run e-mailed %d again", len(mailer.sent))
			}
		})
	}
}

// TestQuietMatchNotifications: both parties of an open pair unchanged for
// over innobridge.MatchQuiet hear of it once per quiet spell, and a private
// demand is named to the achievement's side only once in negotiation.
func TestQuietMatchNotifications(t *testing.T) {
	f, m, _ := newMatching(t)
	status := func(s innobridge.MatchStatus) innobridge.MatchUpdate { return innobridge.MatchUpdate{Status: &s} }
	track := func(dem string, upd innobridge.MatchUpdate) {
		t.Helper()
		if _, err := m.TrackMatch(as(f.staff), dem, "ach-pub", upd); err != nil {
			t.Fatal(err)
		}
	}
	track("dem-pub", status(innobridge.MatchContacted))
	track("dem-private", status(innobridge.MatchContacted))
	track("dem-teaser", status(innobridge.MatchSigned)) // closed: never quiet
	run := func(want int) {
		t.Helper()
		n, err := f.svc.RunNotifications(as(f.staff), innobridge.Date{})
		if err != nil || n != want {
			t.Fatalf("RunNotifications at %v created %d (err %v), want %d", f.clock.Now(), n, err, want)
		}
	}
	newest := func(u *innobridge.User, n int) []*innobridge.Notification {
		t.Helper()
		list, _, err := f.svc.FindNotifications(as(u), false, 0, n)
		if err != nil {
			t.Fatal(err)
		}
		return list
	}
	run(0)
	f.clock.Add(innobridge.MatchQuiet)
	run(0) // exactly MatchQuiet is not yet quiet
	f.clock.Add(24 * time.Hour)
	run(4) // two open pairs, two parties each

	for _, n := range newest(f.entMember, 10) {
		if n.Kind != innobridge.NoteQuiet || !strings.HasPrefix(n.Title, "对接已 31 天未更新：") || !strings.Contains(n.Body, "高炉煤气余热回收技术") ||
			!strings.Contains(n.Body, "已联系") || !strings.HasPrefix(n.Link, "/my/matches?quiet=1#m") {
			t.Errorf("demand owner's notification %+v", n)
		}
	}
	uni := newest(f.uniMember, 10)
	var texts []string
	for _, n := range uni {
		if n.Kind != innobridge.NoteQuiet || !strings.HasPrefix(n.Link, "/my/matches?quiet=1#m") {
			t.Errorf("achievement owner's notification %+v", n)
		}
		texts = append(texts, n.Title+" "+n.Body)
	}
	all := strings.Join(texts, "\n")
	if strings.Contains(all, privateTitle) || strings.Contains(all, privateSecret) || !strings.Contains(all, "一项保密需求") ||
		!strings.Contains(all, "提高煤气利用率") {
		t.Errorf("achievement owner told %q; want the public demand named and the private one not", all)
	}
	run(0) // once per quiet spell

	// A change starts a new spell; the private pair, now in negotiation,
	// is named to the achievement's side.
	track("dem-pub", status(innobridge.MatchNegotiating))
	track("dem-private", status(innobridge.MatchNegotiating))
	f.clock.Add(innobridge.MatchQuiet + time.Hour)
	run(4)
	named := false
	for _, n := range newest(f.uniMember, 2) {
		named = named || strings.Contains(n.Body, privateTitle)
	}
	if !named {
		t.Errorf("private demand in negotiation not named to the achievement's side: %+v", newest(f.uniMember, 2))
	}

	// A withdrawn demand's pairs are not followed up.
	track("dem-pub", status(innobridge.MatchContacted))
	if _, err := f.svc.UpdateDemand(as(f.entMember), f.demPublic.ID, innobridge.DemandUpdate{Status: ptr(innobridge.StatusWithdrawn)}); err != nil {
		t.Fatal(err)
	}
	f.clock.Add(innobridge.MatchQuiet + time.Hour)
	run(0)
}
