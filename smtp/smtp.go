// Package smtp sends the platform's notification e-mails through an SMTP
// server with the standard library's net/smtp: STARTTLS when the server
// offers it, PLAIN authentication when a username is set. It implements
// service.Mailer. Mail is off unless an address is configured.
package smtp

import (
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"mime"
	"net"
	netsmtp "net/smtp"
	"strings"
	"time"
)

// Mailer sends mail through one SMTP server.
type Mailer struct {
	Addr     string // host:port of the server, e.g. smtp.example.cn:587
	From     string // the sender address
	Username string // for PLAIN authentication; "" sends without
	Password string
	// Timeout bounds one message's conversation; 0 means 30 seconds.
	Timeout time.Duration
	// TLSConfig is used for STARTTLS; nil means the server name of Addr.
	TLSConfig *tls.Config
}

// Send delivers one plain-text UTF-8 message to every address of to.
func (m *Mailer) Send(ctx context.Context, to []string, subject, body string) (err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("smtp: send %q to %d recipients via %s: %w", subject, len(to), m.Addr, err)
		}
	}()
	if len(to) == 0 {
		return nil
	}
	for _, a := range append([]string{m.From}, to...) {
		if strings.ContainsAny(a, "\r\n<>") || !strings.Contains(a, "@") {
			return fmt.Errorf("bad address %q", a)
		}
	}
	timeout := m.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", m.Addr)
	if err != nil {
		return err
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	host, _, err := net.SplitHostPort(m.Addr)
	if err != nil {
		return err
	}
	c, err := netsmtp.NewClient(conn, host)
	if err != nil {
		return err
	}
	defer c.Close()
	if ok, _ := c.Extension("STARTTLS"); ok {
		cfg := m.TLSConfig
		if cfg == nil {
			cfg = &tls.Config{ServerName: host}
		}
		if err := c.StartTLS(cfg); err != nil {
			return err
		}
	}
	if m.Username != "" {
		if err := c.Auth(netsmtp.PlainAuth("", m.Username, m.Password, host)); err != nil {
			return err
		}
	}
	if err := c.Mail(m.From); err != nil {
		return err
	}
	for _, a := range to {
		if err := c.Rcpt(a); err != nil {
			return err
		}
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(Message(m.From, to, subject, body, time.Now())); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	if err := c.Quit(); err != nil && !errors.Is(err, net.ErrClosed) {
		return err
	}
	return nil
}

// Message is the RFC 5322 text of a plain UTF-8 message: the subject
// encoded per RFC 2047, the body in base64 lines of 76 characters.
func Message(from string, to []string, subject, body string, date time.Time) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "From: %s\r\n", from)
	fmt.Fprintf(&b, "To: %s\r\n", strings.Join(to, ", "))
	fmt.Fprintf(&b, "Subject: %s\r\n", mime.BEncoding.Encode("UTF-8", subject))
	fmt.Fprintf(&b, "Date: %s\r\n", date.Format(time.RFC1123Z))
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	enc := base64.StdEncoding.EncodeToString([]byte(body))
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n")
	return []byte(b.String())
}
