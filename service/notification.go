package service

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/innobridge/innobridge"
	"github.com/innobridge/innobridge/policy"
	"github.com/innobridge/innobridge/tier"
)

// Mailer sends one plain-text e-mail; smtp.Mailer implements it.
type Mailer interface {
	Send(ctx context.Context, to []string, subject, body string) error
}

// Notifications: when an enterprise becomes eligible for a local policy,
// or a recognition it holds is within ExpiryWindow days of its last day,
// or a tracked pair it is party to has gone quiet, its members get a
// notification in the application and, when a Mailer is set, an e-mail.
// Each event is announced once per organisation.

// notify evaluates ents (with orgs by external id) on asOf and records the
// events not announced before; it returns the notifications created and
// e-mails them.
func (s *Service) notify(ctx context.Context, ents []*innobridge.Indicators, orgs map[string]*innobridge.Organization, asOf innobridge.Date) ([]*innobridge.Notification, error) {
	cat, err := s.catalog()
	if err != nil {
		return nil, err
	}
	var active []*policy.LocalPolicy
	for _, p := range cat.Policies() {
		if p.ActiveOn(asOf) {
			active = append(active, p)
		}
	}
	var notes []*innobridge.Notification
	for i, run := range policy.RunPolicies(ents, active, asOf, policy.RunOptions{}) {
		p := active[i]
		for _, payee := range run.Qualifying {
			o := orgs[payee.ID]
			if o == nil {
				continue
			}
			notes = append(notes, &innobridge.Notification{OrgID: o.ID, Kind: innobridge.NoteEligible,
				Key:   fmt.Sprintf("policy:%s@%s", p.Name, p.From),
				Title: "可享受政策：" + p.Title,
				Body: fmt.Sprintf("按 %s 的企业指标测算，%s 符合「%s」的全部条件，测算金额 %s 元。该政策免申即享，无需另行申报；详情见企业页面的政策计算器。",
					asOf, o.Name, p.Title, groupDigits(payee.Amount)),
				Link: "/organizations/" + o.ExternalID + "#calc"})
		}
	}
	for _, e := range tier.ExpiringSoon(ents, asOf, ExpiryWindow) {
		o := orgs[e.Enterprise]
		if o == nil || e.LastDay == nil {
			continue
		}
		title := innobridge.RecognitionTitle(e.Kind)
		number := ""
		if e.Number != "" {
			number = "（编号 " + e.Number + "）"
		}
		notes = append(notes, &innobridge.Notification{OrgID: o.ID, Kind: innobridge.NoteExpiring,
			Key:   fmt.Sprintf("expiring:%s:%s:%s", e.Kind, e.Number, e.LastDay),
			Title: title + "即将到期",
			Body:  fmt.Sprintf("%s 的%s%s将于 %s 到期（还有 %d 天），请及时准备重新认定。", o.Name, title, number, e.LastDay, e.DaysLeft),
			Link:  "/organizations/" + o.ExternalID + "#calc"})
	}
	return s.announce(ctx, notes)
}

// announce stores the notes not announced before and e-mails them; it
// returns those it created.
func (s *Service) announce(ctx context.Context, notes []*innobridge.Notification) ([]*innobridge.Notification, error) {
	var created []*innobridge.Notification
	for _, n := range notes {
		ok, err := s.Store.CreateNotification(ctx, n)
		if err != nil {
			return created, err
		}
		if ok {
			created = append(created, n)
		}
	}
	s.email(ctx, created)
	return created, nil
}

// groupDigits writes n with thousands separators.
func groupDigits(n int64) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// EmailRetry is how long after its creation a notification whose e-mail
// failed is sent again, at each notification run, while nobody of its
// organisation has read it in the application.
const EmailRetry = 7 * 24 * time.Hour

// emailAgain sends the unread notifications of the last EmailRetry that
// were not e-mailed: the mail server refused or could not be reached, or
// the organisation had no member with an address then.
func (s *Service) emailAgain(ctx context.Context) error {
	if s.Mailer == nil {
		return nil
	}
	since := s.Now().Add(-EmailRetry)
	notes, _, err := s.Store.FindNotifications(ctx, innobridge.NotificationFilter{Unread: true, NotEmailed: true, Since: &since, Limit: 1000})
	if err != nil {
		return fmt.Errorf("notifications to e-mail again: %w", err)
	}
	slices.Reverse(notes) // oldest first
	s.email(ctx, notes)
	return nil
}

// email sends each notification to the members of its organisation that
// have an address, and marks it e-mailed. Failures are logged: the
// notification stays in the application and unmarked, and the next run
// sends it again (see EmailRetry).
func (s *Service) email(ctx context.Context, notes []*innobridge.Notification) {
	if s.Mailer == nil {
		return
	}
	for _, n := range notes {
		orgID := n.OrgID
		users, _, err := s.Store.FindUsers(ctx, innobridge.UserFilter{OrgID: &orgID})
		if err != nil {
			s.Logger.ErrorContext(ctx, "notification e-mail: users", slog.Int64("org", orgID), slog.Any("err", err))
			continue
		}
		var to []string
		for _, u := range users {
			if u.Email != "" && !u.Disabled {
				to = append(to, u.Email)
			}
		}
		if len(to) == 0 {
			continue
		}
		body := n.Body + "\n\n" + n.Link + "\n"
		if err := s.Mailer.Send(ctx, to, n.Title, body); err != nil {
			s.Logger.ErrorContext(ctx, "notification e-mail failed", slog.Int64("notification", n.ID), slog.Any("err", err))
			continue
		}
		if err := s.Store.MarkNotificationEmailed(ctx, n.ID); err != nil {
			s.Logger.ErrorContext(ctx, "notification e-mail mark failed", slog.Int64("notification", n.ID), slog.Any("err", err))
		}
	}
}

// notifyOrgs announces the events of the enterprises orgIDs on today's
// date, after their indicators changed. Failures are logged, not returned:
// the change itself succeeded.
func (s *Service) notifyOrgs(ctx context.Context, orgIDs ...int64) {
	if err := s.notifyOrgsErr(ctx, orgIDs); err != nil {
		s.Logger.ErrorContext(ctx, "notifications failed", slog.Any("orgs", orgIDs), slog.Any("err", err))
	}
}

func (s *Service) notifyOrgsErr(ctx context.Context, orgIDs []int64) error {
	stored, err := s.Store.FindEnterpriseIndicators(ctx, orgIDs)
	if err != nil {
		return err
	}
	ents := make([]*innobridge.Indicators, 0, len(stored))
	orgs := map[string]*innobridge.Organization{}
	for _, e := range stored {
		o, err := s.Store.FindOrganizationByID(ctx, e.OrgID)
		if err != nil {
			return err
		}
		ents = append(ents, e.Indicators(o))
		orgs[o.ExternalID] = o
	}
	_, err = s.notify(ctx, ents, orgs, s.today())
	return err
}

// RunNotifications first e-mails again the unread notifications whose
// e-mail failed within EmailRetry. Then it announces what was not announced
// before: to every enterprise with indicators, the policies it qualifies
// for and the recognitions expiring within ExpiryWindow days of asOf
// (today when zero); to the parties of every open tracked pair gone quiet,
// its quiet spell (at the current time, whatever asOf). It returns how many
// notifications it created. Staff only; audited.
func (s *Service) RunNotifications(ctx context.Context, asOf innobridge.Date) (int, error) {
	if _, err := requireStaff(ctx); err != nil {
		return 0, err
	}
	n, err := s.RunNotificationsUnchecked(ctx, asOf)
	if err != nil {
		return n, err
	}
	return n, s.audit(ctx, "notify", "notification", "", map[string]any{"created": n, "as_of": asOf.String()})
}

// RunNotificationsUnchecked is RunNotifications without an acting user,
// for the server's daily run.
func (s *Service) RunNotificationsUnchecked(ctx context.Context, asOf innobridge.Date) (int, error) {
	if asOf.IsZero() {
		asOf = s.today()
	}
	// First the e-mails that failed before, so that those of this run's
	// new notifications are not tried twice in one run.
	if err := s.emailAgain(ctx); err != nil {
		return 0, err
	}
	ents, orgs, err := s.enterprises(ctx)
	if err != nil {
		return 0, err
	}
	created, err := s.notify(ctx, ents, orgs, asOf)
	if err != nil {
		return len(created), err
	}
	quiet, err := s.notifyQuiet(ctx, s.Now())
	return len(created) + len(quiet), err
}

// notifyQuiet tells both parties of each open tracked pair unchanged for
// longer than innobridge.MatchQuiet (at now) that it has gone quiet, once
// per quiet spell: a change to the pair starts a new one. The achievement's
// organisation reads the demand's title only where it may read the demand
// (public or teaser, or a private one already in negotiation: PartyView);
// otherwise the demand goes unnamed. Pairs whose listings are no longer
// published or have expired are left out by the store, which reads each
// pair with its listings' titles and owners in one query.
func (s *Service) notifyQuiet(ctx context.Context, now time.Time) ([]*innobridge.Notification, error) {
	f := innobridge.QuietFilter(now)
	today := innobridge.NewDate(now)
	f.LiveOn = &today // withdrawn, suspended or expired since: nothing to follow up
	pairs, _, err := s.Store.FindMatches(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("quiet pairs: %w", err)
	}
	var notes []*innobridge.Notification
	for _, m := range pairs {
		key := fmt.Sprintf("quiet:%d@%s", m.ID, m.UpdatedAt.UTC().Format(time.RFC3339))
		days := int(now.Sub(m.UpdatedAt) / (24 * time.Hour))
		status, since := m.Status.Name(), m.UpdatedAt.In(now.Location()).Format("2006-01-02")
		ledger := fmt.Sprintf("/my/matches?quiet=1#m%d", m.ID) // each party's own row of the pair, to update it
		if m.DemandOrgID != 0 {
			notes = append(notes, &innobridge.Notification{OrgID: m.DemandOrgID, Kind: innobridge.NoteQuiet, Key: key,
				Title: "对接已 " + fmt.Sprint(days) + " 天未更新：" + m.DemandTitle,
				Body: fmt.Sprintf("需求「%s」与成果「%s」（%s）的对接自 %s 起停留在「%s」。请更新对接进展；如不再推进，请选择放弃原因，该成果将不再推荐。",
					m.DemandTitle, m.AchievementTitle, m.AchievementOwner, since, status),
				Link: ledger})
		}
		if m.AchievementOrgID != 0 && m.AchievementOrgID != m.DemandOrgID {
			demand := "一项保密需求"
			if v := m.PartyView(m.AchievementOrgID); !v.DemandHidden {
				demand = "需求「" + v.DemandTitle + "」（" + v.DemandOwner + "）"
			}
			notes = append(notes, &innobridge.Notification{OrgID: m.AchievementOrgID, Kind: innobridge.NoteQuiet, Key: key,
				Title: "对接已 " + fmt.Sprint(days) + " 天未更新：" + m.AchievementTitle,
				Body: fmt.Sprintf("成果「%s」与%s的对接自 %s 起停留在「%s」。请更新对接进展；如不再推进，请选择放弃原因。",
					m.AchievementTitle, demand, since, status),
				Link: ledger})
		}
	}
	return s.announce(ctx, notes)
}

// FindNotifications returns the notifications of the user's organisation,
// newest first; none for a user without one.
func (s *Service) FindNotifications(ctx context.Context, unread bool, offset, limit int) ([]*innobridge.Notification, int, error) {
	u, err := requireUser(ctx)
	if err != nil {
		return nil, 0, err
	}
	if u.OrgID == 0 {
		return nil, 0, nil
	}
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	return s.Store.FindNotifications(ctx, innobridge.NotificationFilter{OrgID: &u.OrgID, Unread: unread, Offset: offset, Limit: limit})
}

// UnreadNotifications counts the unread notifications of the user's
// organisation, 0 for anyone else.
func (s *Service) UnreadNotifications(ctx context.Context) (int, error) {
	u := innobridge.UserFromContext(ctx)
	if u == nil || u.OrgID == 0 {
		return 0, nil
	}
	_, n, err := s.Store.FindNotifications(ctx, innobridge.NotificationFilter{OrgID: &u.OrgID, Unread: true, Limit: 1})
	return n, err
}

// MarkNotificationsRead marks the user's organisation's notifications read
// (only ids, when given) and returns how many.
func (s *Service) MarkNotificationsRead(ctx context.Context, ids []int64) (int, error) {
	u, err := requireUser(ctx)
	if err != nil {
		return 0, err
	}
	if u.OrgID == 0 {
		return 0, nil
	}
	return s.Store.MarkNotificationsRead(ctx, u.OrgID, ids)
}
