package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/innobridge/innobridge/postgres/pgtest"
)

// logBuf collects a Main's log for tests that read it.
type logBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startLogged runs m, logging into logs, until stop is called or the test
// ends.
func startLogged(t *testing.T, m *Main) (logs *logBuf, stop func()) {
	t.Helper()
	logs = &logBuf{}
	m.Addr, m.Out, m.Logger = "127.0.0.1:0", io.Discard, slog.New(slog.NewTextHandler(logs, nil))
	if err := m.Run(context.Background()); err != nil {
		if m.Store != nil {
			m.Store.Close()
		}
		t.Fatalf("Main.Run(%s): %v", m.DSN, err)
	}
	stop = sync.OnceFunc(func() {
		if err := m.Close(); err != nil {
			t.Errorf("Main.Close: %v", err)
		}
	})
	t.Cleanup(stop)
	return logs, stop
}

func waitForLog(t *testing.T, logs *logBuf, msg string) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !strings.Contains(logs.String(), msg); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no %q in the log:\n%s", msg, logs.String())
		}
	}
}

// TestServeIndexSnapshot checks where serve keeps the matching index's
// snapshot, and that a restart loads it.
func TestServeIndexSnapshot(t *testing.T) {
	t.Run("SQLite", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "snap.db")
		first := &Main{DSN: "sqlite:" + db, Demo: true}
		logs, stopFirst := startLogged(t, first)
		if got, want := first.Matching.SnapshotPath, db+".matchindex"; got != want {
			t.Fatalf("snapshot path %q, want %q", got, want)
		}
		waitForLog(t, logs, "match index saved")
		stopFirst()
		if fi, err := os.Stat(db + ".matchindex"); err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("snapshot: %v, %v; want a file of mode 0600", fi, err)
		}
		logs, _ = startLogged(t, &Main{DSN: "sqlite:" + db})
		waitForLog(t, logs, "match index loaded from its snapshot")
	})
	t.Run("Off", func(t *testing.T) {
		m := &Main{DSN: "sqlite:" + filepath.Join(t.TempDir(), "off.db"), IndexSnapshot: "off"}
		startLogged(t, m)
		if m.Matching.SnapshotPath != "" {
			t.Errorf("snapshot path %q with --index-snapshot off", m.Matching.SnapshotPath)
		}
	})
	t.Run("PostgreSQL", func(t *testing.T) {
		dsn := pgtest.NewDatabase(t)
		none := &Main{DSN: dsn, Demo: true}
		startLogged(t, none)
		if none.Matching.SnapshotPath != "" {
			t.Errorf("snapshot path %q by default on PostgreSQL, want none", none.Matching.SnapshotPath)
		}
		// Two instances on one database, each with its own file.
		dir := t.TempDir()
		for _, name := range []string{"a", "b"} {
			path := filepath.Join(dir, name+".matchindex")
			logs, _ := startLogged(t, &Main{DSN: dsn, IndexSnapshot: path})
			waitForLog(t, logs, "match index saved")
			if _, err := os.Stat(path); err != nil {
				t.Fatal(err)
			}
		}
		logs, _ := startLogged(t, &Main{DSN: dsn, IndexSnapshot: filepath.Join(dir, "a.matchindex")})
		waitForLog(t, logs, "match index loaded from its snapshot")
	})
}
