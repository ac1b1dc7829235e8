package smtp

import (
	"bufio"
	"context"
	"encoding/base64"
	"mime"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"
)

// server is a tiny SMTP server on 127.0.0.1 that accepts every message
// and keeps it; auth, when set, is the PLAIN credential it demands.
type server struct {
	ln   net.Listener
	auth string
	mu   sync.Mutex
	msgs []received
}

type received struct {
	from string
	to   []string
	data string
	auth string
}

func startServer(t *testing.T, auth string) *server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &server{ln: ln, auth: auth}
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

func (s *server) messages() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.msgs...)
}

func (s *server) serve(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	say := func(line string) { c.Write([]byte(line + "\r\n")) }
	say("220 test ESMTP")
	var m received
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		cmd := strings.ToUpper(line)
		switch {
		case strings.HasPrefix(cmd, "EHLO"):
			if s.auth != "" {
				say("250-test")
				say("250 AUTH PLAIN")
			} else {
				say("250 test")
			}
		case strings.HasPrefix(cmd, "AUTH PLAIN"):
			m.auth = strings.TrimSpace(line[len("AUTH PLAIN"):])
			if m.auth != s.auth {
				say("535 bad credentials")
				continue
			}
			say("235 ok")
		case strings.HasPrefix(cmd, "MAIL FROM:"):
			m.from = strings.Trim(line[len("MAIL FROM:"):], "<> ")
			say("250 ok")
		case strings.HasPrefix(cmd, "RCPT TO:"):
			m.to = append(m.to, strings.Trim(line[len("RCPT TO:"):], "<> "))
			say("250 ok")
		case cmd == "DATA":
			say("354 go on")
			var b strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				b.WriteString(strings.TrimPrefix(l, "."))
			}
			m.data = b.String()
			s.mu.Lock()
			s.msgs = append(s.msgs, m)
			s.mu.Unlock()
			m = received{}
			say("250 queued")
		case cmd == "QUIT":
			say("221 bye")
			return
		default:
			say("250 ok")
		}
	}
}

func TestSend(t *testing.T) {
	auth := base64.StdEncoding.EncodeToString([]byte("\x00notice@bureau.example\x00s3cret"))
	srv := startServer(t, auth)
	m := &Mailer{Addr: srv.ln.Addr().String(), From: "notice@bureau.example", Username: "notice@bureau.example", Password: "s3cret", Timeout: 5 * time.Second}
	body := strings.Repeat("华芯微电子的高新技术企业证书将于 2026-04-30 到期。", 5)
	if err := m.Send(context.Background(), []string{"a@ent.example", "b@ent.example"}, "高新技术企业即将到期", body); err != nil {
		t.Fatal(err)
	}
	if len(srv.messages()) != 1 {
		t.Fatalf("%d messages received, want 1", len(srv.messages()))
	}
	got := srv.messages()[0]
	if got.from != "notice@bureau.example" || strings.Join(got.to, ",") != "a@ent.example,b@ent.example" || got.auth != auth {
		t.Errorf("envelope %+v", got)
	}
	msg, err := mail.ReadMessage(strings.NewReader(got.data))
	if err != nil {
		t.Fatal(err)
	}
	subj, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil || subj != "高新技术企业即将到期" {
		t.Errorf("subject %q (%v)", subj, err)
	}
	raw := new(strings.Builder)
	buf := make([]byte, 4096)
	for {
		n, err := msg.Body.Read(buf)
		raw.Write(buf[:n])
		if err != nil {
			break
		}
	}
	for _, l := range strings.Split(strings.TrimSpace(raw.String()), "\r\n") {
		if len(l) > 76 {
			t.Errorf("body line of %d characters", len(l))
		}
	}
	dec, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(raw.String(), "\r\n", ""))
	if err != nil || string(dec) != body {
		t.Errorf("body %q (%v), want %q", dec, err, body)
	}
}

func TestSendErrors(t *testing.T) {
	srv := startServer(t, base64.StdEncoding.EncodeToString([]byte("\x00u\x00right")))
	m := &Mailer{Addr: srv.ln.Addr().String(), From: "notice@bureau.example", Username: "u", Password: "wrong", Timeout: 5 * time.Second}
	if err := m.Send(context.Background(), []string{"a@ent.example"}, "s", "b"); err == nil || !strings.Contains(err.Error(), "535") {
		t.Errorf("wrong password: %v, want the server's 535", err)
	}
	m.Password = "right"
	if err := m.Send(context.Background(), []string{"a@ent.example\r\nBcc: x@y"}, "s", "b"); err == nil {
		t.Error("an address with a line break was accepted")
	}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	m.Addr = addr
	if err := m.Send(context.Background(), []string{"a@ent.example"}, "s", "b"); err == nil {
		t.Error("no server, no error")
	}
	if len(srv.messages()) != 0 {
		t.Errorf("%d messages delivered, want none", len(srv.messages()))
	}
}
