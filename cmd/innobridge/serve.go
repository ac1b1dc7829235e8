package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	nethttp "net/http"
	"os"
	"sync"
	"time"

	"github.com/innobridge/innobridge"
	"github.com/innobridge/innobridge/demo"
	"github.com/innobridge/innobridge/http"
	"github.com/innobridge/innobridge/importer"
	"github.com/innobridge/innobridge/match"
	"github.com/innobridge/innobridge/service"
	"github.com/innobridge/innobridge/smtp"
	"github.com/innobridge/innobridge/zh"
)

// Main is the running platform: configuration, store, service and HTTP
// server. Tests run the real wiring with Addr "127.0.0.1:0" and a
// t.TempDir() database.
type Main struct {
	Addr string // host:port to listen on
	DSN  string // sqlite:PATH or postgres://…
	Demo bool   // load demo data into an empty database
	// TLS says users reach the platform over HTTPS through a proxy that
	// terminates TLS: Secure cookies and HSTS. TrustProxy takes the
	// client address for the audit log from X-Forwarded-For.
	TLS, TrustProxy bool
	Logger          *slog.Logger
	Out             io.Writer // where the banner (address, demo users) is printed

	Store   innobridge.Store
	Service *service.Service
	// Matching is the matching engine's index over the store, built at
	// start and refreshed every RefreshEvery (default one minute).
	Matching     *service.Matching
	RefreshEvery time.Duration
	// IndexSnapshot is the file the matching index is saved to, and at
	// start loaded from and caught up with the store instead of being
	// built again: "" means PATH.matchindex beside a SQLite database and
	// none for PostgreSQL; "off" means none.
	IndexSnapshot string
	// Mailer, if set, e-mails notifications (see package smtp).
	Mailer service.Mailer
	// NotifyEvery, if positive, announces new policy eligibilities and
	// expiring recognitions at start and then at this interval.
	NotifyEvery time.Duration
	// URL is the server's base address once Run has returned.
	URL string

	server   *nethttp.Server
	listener net.Listener
	done     chan error
	stop     context.CancelFunc // ends the background loops: index refresh, notifications
	bg       sync.WaitGroup     // the background loops, waited for by Close

	closeOnce sync.Once
	closeErr  error
}

// Run opens the store (initialising a brand-new database, refusing a stale
// one), loads demo data if asked, and starts serving in the background.
// The background loops (index refresh, notifications) outlive ctx: Close
// stops them and waits for them, also after Run failed.
func (m *Main) Run(ctx context.Context) error {
	start := time.Now()
	if m.Logger == nil {
		m.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if m.Out == nil {
		m.Out = io.Discard
	}
	// The query segmenter's dictionary loads beside the store and the
	// index; only the first search waits for it if it is not yet done.
	analyzer := zh.MustDefault()
	analyzer.Preload()
	st, err := openStore(ctx, m.DSN, schemaCurrent)
	if err != nil {
		return err
	}
	m.Store = st
	m.Service = service.New(st, analyzer, m.Logger)
	m.Service.Mailer = m.Mailer
	demoLoaded := false
	if m.Demo {
		if demoLoaded, err = demo.Load(ctx, m.Service, m.Out); err != nil {
			return fmt.Errorf("loading demo data: %w", err)
		}
	}
	if user, pw, err := m.Service.Bootstrap(ctx); err != nil {
		return fmt.Errorf("creating the first administrator: %w", err)
	} else if user != "" {
		fmt.Fprintf(m.Out, "首次启动：已创建管理员 %s，初始密码 %s（请登录后立即修改）\nfirst start: administrator %q created with password %q — change it after logging in\n", user, pw, user, pw)
	}
	m.Matching = service.NewMatching(m.Service, match.Options{Analyzer: analyzer})
	switch m.IndexSnapshot {
	case "":
		m.Matching.SnapshotPath = defaultIndexSnapshot(st)
	case "off":
	default:
		m.Matching.SnapshotPath = m.IndexSnapshot
	}
	if demoLoaded { // the demo roadshow's docking list, made with the index
		if err := demo.Docking(ctx, m.Service, m.Matching); err != nil {
			return fmt.Errorf("loading demo data: %w", err)
		}
	}
	if m.RefreshEvery <= 0 {
		m.RefreshEvery = time.Minute
	}
	bg, stop := context.WithCancel(context.WithoutCancel(ctx))
	m.stop = stop
	m.bg.Go(func() { m.Matching.Run(bg, m.RefreshEvery) })
	if m.NotifyEvery > 0 {
		m.bg.Go(func() { m.notifyLoop(bg) })
	}
	imp := importer.Func(st, importer.Options{Analyzer: analyzer})
	handler := http.NewServer(m.Service, http.Options{
		Logger:     m.Logger,
		Matching:   m.Matching,
		TLS:        m.TLS,
		TrustProxy: m.TrustProxy,
		// Imports write to the store directly: refresh the index at once.
		Import: func(ctx context.Context, kind, filename string, data []byte) (int, error) {
			n, err := imp(ctx, kind, filename, data)
			if err == nil {
				if rerr := m.Matching.Refresh(ctx); rerr != nil {
					m.Logger.ErrorContext(ctx, "match index refresh failed", slog.Any("err", rerr))
				}
			}
			return n, err
		},
	}).Handler()
	m.listener, err = net.Listen("tcp", m.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", m.Addr, err)
	}
	m.URL = "http://" + m.listener.Addr().String()
	m.server = &nethttp.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 5 * time.Minute,
		WriteTimeout: 5 * time.Minute, IdleTimeout: 2 * time.Minute}
	m.done = make(chan error, 1)
	go func() { m.done <- m.server.Serve(m.listener) }()
	m.Logger.Info("serving", slog.String("url", m.URL), slog.Duration("startup", time.Since(start)))
	fmt.Fprintf(m.Out, "innobridge 已启动 / listening on %s (startup %s)\n", m.URL, time.Since(start).Round(time.Millisecond))
	return nil
}

// notifyLoop announces new eligibilities and expiring recognitions now
// and every NotifyEvery until ctx ends.
func (m *Main) notifyLoop(ctx context.Context) {
	t := time.NewTicker(m.NotifyEvery)
	defer t.Stop()
	for {
		n, err := m.Service.RunNotificationsUnchecked(ctx, innobridge.Date{})
		if err != nil && ctx.Err() == nil {
			m.Logger.ErrorContext(ctx, "notification run failed", slog.Any("err", err))
		} else if n > 0 {
			m.Logger.InfoContext(ctx, "notifications created", slog.Int("n", n))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Close stops the server, waiting up to 10 s for requests in flight, stops
// the background loops and waits for them (a save of the index or a
// notification run in progress stops at its next step), and closes the
// store. It may be called after Run failed, and more than once: the
// later calls return what the first did.
func (m *Main) Close() error {
	m.closeOnce.Do(func() { m.closeErr = m.close() })
	return m.closeErr
}

func (m *Main) close() error {
	var errs []error
	if m.stop != nil {
		m.stop()
	}
	if m.server != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		errs = append(errs, m.server.Shutdown(ctx))
		if err := <-m.done; !errors.Is(err, nethttp.ErrServerClosed) {
			errs = append(errs, err)
		}
	}
	m.bg.Wait() // a save in progress stops, leaving the last snapshot
	if m.Store != nil {
		errs = append(errs, m.Store.Close())
	}
	return errors.Join(errs...)
}

var cmdServe = &Command{
	UsageLine: "serve [--addr HOST:PORT] [--db DSN] [--index-snapshot PATH|off] [--demo] [--behind-tls] [--trust-proxy] [--notify-every D] [--smtp-addr HOST:PORT --smtp-from ADDR [--smtp-user U]]",
	Short:     "run the web platform",
	Long: `Serve runs the web platform and its JSON API.

The database is given as a DSN: sqlite:PATH (the default is innobridge.db in
the working directory) or postgres://user:pass@host/db. A brand-new database
is initialised; a database with an older schema is refused until
"innobridge migrate" brings it up to date. With --demo an empty database is
filled with demonstration organisations, listings and users.

The matching index is kept in a snapshot file, so that a restart loads it
and catches up with the listings changed since instead of indexing every
listing again: by default PATH.matchindex beside a SQLite database, for
PostgreSQL only with --index-snapshot (each instance its own file). The
file holds confidential demands in full; it is written with mode 0600.
A missing or unusable snapshot is logged and the index built from the
database.

Notifications (a policy an enterprise now qualifies for, a recognition
within 90 days of expiry) are announced at start and every --notify-every.
E-mail is off unless --smtp-addr is given; the password comes only from
$INNOBRIDGE_SMTP_PASSWORD, never from a flag. An e-mail that failed is
sent again by each run for 7 days, until its notification is read.`,
}

// init sets Run apart from the declaration: runServe's flag set refers
// to cmdServe itself.
func init() { cmdServe.Run = runServe }

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	m := &Main{Out: stdout, Logger: slog.New(slog.NewTextHandler(stderr, nil))}
	fs := cmdServe.FlagSet(stderr)
	fs.StringVar(&m.Addr, "addr", "127.0.0.1:8080", "address to listen on")
	fs.StringVar(&m.DSN, "db", defaultDSN, "database: sqlite:PATH or postgres://…")
	fs.StringVar(&m.IndexSnapshot, "index-snapshot", "", "file for the matching index's snapshot (default: beside a SQLite database, none for PostgreSQL; off: none)")
	fs.BoolVar(&m.Demo, "demo", false, "load demo data into an empty database")
	fs.BoolVar(&m.TLS, "behind-tls", false, "users reach the platform over HTTPS (a proxy terminates TLS): Secure cookies, HSTS")
	fs.BoolVar(&m.TrustProxy, "trust-proxy", false, "take the client address for the audit log from X-Forwarded-For (only behind a proxy)")
	fs.DurationVar(&m.NotifyEvery, "notify-every", 24*time.Hour, "how often to announce policy eligibilities and expiring recognitions (0: never)")
	var mail smtp.Mailer
	fs.StringVar(&mail.Addr, "smtp-addr", os.Getenv("INNOBRIDGE_SMTP_ADDR"), "SMTP server HOST:PORT for notification e-mail; empty sends none ($INNOBRIDGE_SMTP_ADDR)")
	fs.StringVar(&mail.From, "smtp-from", os.Getenv("INNOBRIDGE_SMTP_FROM"), "sender address of notification e-mail ($INNOBRIDGE_SMTP_FROM)")
	fs.StringVar(&mail.Username, "smtp-user", os.Getenv("INNOBRIDGE_SMTP_USER"), "SMTP username; the password is read from $INNOBRIDGE_SMTP_PASSWORD ($INNOBRIDGE_SMTP_USER)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if mail.Addr != "" {
		if mail.From == "" {
			return fmt.Errorf("--smtp-addr needs --smtp-from (or $INNOBRIDGE_SMTP_FROM)")
		}
		mail.Password = os.Getenv("INNOBRIDGE_SMTP_PASSWORD")
		m.Mailer = &mail
	}
	if err := m.Run(ctx); err != nil {
		m.Close() // stops what Run started; Run's error says what failed
		return err
	}
	select {
	case <-ctx.Done():
	case err := <-m.done:
		m.done <- err
	}
	return m.Close()
}

const defaultDSN = "sqlite:innobridge.db"
