package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/innobridge/innobridge"
	"github.com/innobridge/innobridge/postgres/pgtest"
	"github.com/innobridge/innobridge/smtp"
)

// mailSink is an SMTP server on 127.0.0.1 that accepts every message and
// records its recipients; while refuse is set it refuses every sender,
// as a mail server does that is short of space.
type mailSink struct {
	ln      net.Listener
	mu      sync.Mutex
	rcp     []string
	refuse  atomic.Bool
	refused atomic.Int32 // messages refused
}

func newMailSink(t *testing.T) *mailSink {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &mailSink{ln: ln}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(c)
		}
	}()
	return s
}

func (s *mailSink) serve(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	io.WriteString(c, "220 sink\r\n")
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(cmd, "MAIL FROM:") && s.refuse.Load():
			s.refused.Add(1)
			io.WriteString(c, "452 insufficient system storage\r\n")
		case strings.HasPrefix(cmd, "RCPT TO:"):
			s.mu.Lock()
			s.rcp = append(s.rcp, strings.Trim(strings.TrimSpace(line)[len("RCPT TO:"):], "<> "))
			s.mu.Unlock()
			io.WriteString(c, "250 ok\r\n")
		case cmd == "DATA":
			io.WriteString(c, "354 go on\r\n")
			for {
				l, err := r.ReadString('\n')
				if err != nil || l == ".\r\n" {
					break
				}
			}
			io.WriteString(c, "250 queued\r\n")
		case cmd == "QUIT":
			io.WriteString(c, "221 bye\r\n")
			return
		default:
			io.WriteString(c, "250 ok\r\n")
		}
	}
}

func (s *mailSink) recipients() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.rcp...)
}

// TestServeNotifies runs the real wiring on the demo data with a mail
// server: the demo enterprise's expiring 高企 certificate reaches its
// member by e-mail.
func TestServeNotifies(t *testing.T) {
	sink := newMailSink(t)
	m := &Main{Addr: "127.0.0.1:0", DSN: "sqlite:" + filepath.Join(t.TempDir(), "n.db"), Demo: true, Out: io.Discard,
		NotifyEvery: time.Hour, Mailer: &smtp.Mailer{Addr: sink.ln.Addr().String(), From: "notice@bureau.example", Timeout: 5 * time.Second}}
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		for _, r := range sink.recipients() {
			if r == "enterprise@demo.innobridge.example" {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("no notification e-mail to the demo enterprise; recipients %v", sink.recipients())
}

// TestServeRetriesFailedEmail: the notification loop sends again, at a
// later run, the e-mail the mail server refused.
func TestServeRetriesFailedEmail(t *testing.T) {
	sink := newMailSink(t)
	sink.refuse.Store(true)
	m := &Main{Addr: "127.0.0.1:0", DSN: "sqlite:" + filepath.Join(t.TempDir(), "n.db"), Demo: true, Out: io.Discard,
		NotifyEvery: 200 * time.Millisecond, Mailer: &smtp.Mailer{Addr: sink.ln.Addr().String(), From: "notice@bureau.example", Timeout: 5 * time.Second}}
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	waitUntil := func(what string, ok func() bool) {
		t.Helper()
		for deadline := time.Now().Add(20 * time.Second); !ok(); time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("%s: not within 20 s; %d refused, recipients %v", what, sink.refused.Load(), sink.recipients())
			}
		}
	}
	waitUntil("the mail server refused an e-mail", func() bool { return sink.refused.Load() > 0 })
	if r := sink.recipients(); len(r) != 0 {
		t.Fatalf("recipients %v while the mail server refuses", r)
	}
	sink.refuse.Store(false)
	waitUntil("the refused e-mail sent again", func() bool {
		return slices.Contains(sink.recipients(), "enterprise@demo.innobridge.example")
	})
}

// slowMailer is a Mailer whose Send, like an SMTP exchange in flight,
// takes a while to give up once its context ends.
type slowMailer struct {
	entered  chan struct{} // closed when the first Send starts
	once     sync.Once
	returned atomic.Bool // a Send has returned
}

func (s *slowMailer) Send(ctx context.Context, to []string, subject, body string) error {
	s.once.Do(func() { close(s.entered) })
	<-ctx.Done()
	time.Sleep(300 * time.Millisecond)
	s.returned.Store(true)
	return ctx.Err()
}

// TestCloseWaitsForNotifications closes the platform while its
// notification loop is sending an e-mail: Close returns only when the
// loop has ended, before the store it uses is closed.
func TestCloseWaitsForNotifications(t *testing.T) {
	for _, tt := range []struct {
		name string
		dsn  func(t *testing.T) string
	}{
		{"SQLite", func(t *testing.T) string { return "sqlite:" + filepath.Join(t.TempDir(), "n.db") }},
		{"PostgreSQL", func(t *testing.T) string { return pgtest.NewDatabase(t) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dsn := tt.dsn(t)
			// The demo data, and behind the service's back a recognition
			// of every demo enterprise that expires in 30 days: news for
			// the notification loop's first run.
			ctx := context.Background()
			first := &Main{Addr: "127.0.0.1:0", DSN: dsn, Demo: true, Out: io.Discard}
			if err := first.Run(ctx); err != nil {
				first.Close()
				t.Fatal(err)
			}
			users, _, err := first.Store.FindUsers(ctx, innobridge.UserFilter{})
			if err != nil || len(users) == 0 {
				t.Fatalf("FindUsers: %d users, %v", len(users), err)
			}
			ents, err := first.Store.FindEnterpriseIndicators(ctx, nil)
			if err != nil || len(ents) == 0 {
				t.Fatalf("FindEnterpriseIndicators: %d, %v", len(ents), err)
			}
			expires := innobridge.NewDate(time.Now().AddDate(0, 0, 30))
			for i, e := range ents {
				p := e.Profile
				p.Recognitions = append(p.Recognitions, innobridge.Recognition{Kind: innobridge.RecHighTech,
					Number: fmt.Sprint("GR-CLOSE-", i), Granted: innobridge.NewDate(expires.AddDate(-3, 0, 0)), Expires: &expires})
				if _, err := first.Store.PutEnterpriseProfile(ctx, users[0].ID, e.OrgID, &p); err != nil {
					t.Fatal(err)
				}
			}
			if err := first.Close(); err != nil {
				t.Fatal(err)
			}

			mail := &slowMailer{entered: make(chan struct{})}
			m := &Main{Addr: "127.0.0.1:0", DSN: dsn, Out: io.Discard, NotifyEvery: time.Hour, Mailer: mail}
			if err := m.Run(ctx); err != nil {
				m.Close()
				t.Fatal(err)
			}
			select {
			case <-mail.entered:
			case <-time.After(30 * time.Second):
				m.Close()
				t.Fatal("the notification loop sent no e-mail of the expiring recognitions")
			}
			if err := m.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
			if !mail.returned.Load() {
				t.Error("Close returned while the notification loop was still sending")
			}
			buf := make([]byte, 1<<20)
			if stacks := string(buf[:runtime.Stack(buf, true)]); strings.Contains(stacks, "(*Main).notifyLoop") {
				t.Errorf("the notification loop outlives Close:\n%s", stacks)
			}
			// A second Close (a deferred one after an explicit one, say)
			// returns at once.
			again := make(chan error, 1)
			go func() { again <- m.Close() }()
			select {
			case err := <-again:
				if err != nil {
					t.Errorf("second Close: %v", err)
				}
			case <-time.After(10 * time.Second):
				t.Error("a second Close hangs")
			}
		})
	}
}
