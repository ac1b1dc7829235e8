package main

import (
	"bufio"
	"context"
	"io"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/innobridge/innobridge/smtp"
)

// mailSink is an SMTP server on 127.0.0.1 that accepts every message and
// records its recipients.
type mailSink struct {
	ln  net.Listener
	mu  sync.Mutex
	rcp []string
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
