package http

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/innobridge/innobridge"
)

// TestUploadIsAudited checks that the staff upload writes an audit entry
// for a stored file and for a rejected one.
func TestUploadIsAudited(t *testing.T) {
	base := newTestServer(t)
	importFn := func(ctx context.Context, kind, filename string, data []byte) (int, error) {
		if bytes.Contains(data, []byte("bad")) {
			return 0, errors.New("line 2, field \"uscc\": bad check character")
		}
		return 3, nil
	}
	srv := NewServer(base.svc, Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Import: importFn})
	ts := &testServer{Server: httptest.NewServer(srv.Handler()), srv: srv, svc: base.svc, db: base.db, skew: base.skew}
	t.Cleanup(ts.Close)
	c := ts.client(t)
	c.login("staff1")
	upload := func(name, content string) int {
		t.Helper()
		var body bytes.Buffer
		w := multipart.NewWriter(&body)
		w.WriteField("csrf_token", c.csrf("/staff/import"))
		w.WriteField("kind", "organizations")
		f, _ := w.CreateFormFile("file", name)
		f.Write([]byte(content))
		w.Close()
		req, err := http.NewRequest("POST", ts.URL+"/staff/import", &body)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", w.FormDataContentType())
		return c.do(req).StatusCode
	}
	if code := upload("good.csv", "id,name\n"); code != http.StatusOK {
		t.Fatalf("good upload: status %d", code)
	}
	if code := upload("bad.csv", "bad"); code == http.StatusOK {
		t.Fatalf("bad upload: status %d", code)
	}
	entries, _, err := base.db.FindAudit(context.Background(), innobridge.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, e := range entries {
		if e.Entity == "organizations" {
			got[e.Action] = e.EntityID + " by " + e.Username
		}
	}
	if got["import"] != "good.csv by staff1" || got["import_rejected"] != "bad.csv by staff1" {
		t.Errorf("audit of uploads = %v", got)
	}
}
