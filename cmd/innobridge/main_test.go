package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/innobridge/innobridge"
	"github.com/innobridge/innobridge/postgres/pgtest"
	"github.com/innobridge/innobridge/sqlite"
)

// uscc returns a valid 统一社会信用代码 whose body ends in the digits of n.
func uscc(t *testing.T, n int) string {
	t.Helper()
	body := fmt.Sprintf("91320505MA%07d", n)
	c, ok := innobridge.USCCCheckChar(body)
	if !ok {
		t.Fatalf("no check character for %q", body)
	}
	return body + string(c)
}

// runCmd runs the innobridge command line in process.
func runCmd(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

// startMain runs the platform on dsn at a loopback address until the test ends.
func startMain(t *testing.T, dsn string, demo bool) *Main {
	t.Helper()
	m := &Main{Addr: "127.0.0.1:0", DSN: dsn, Demo: demo, Out: io.Discard}
	if err := m.Run(context.Background()); err != nil {
		m.Close()
		t.Fatalf("Main.Run(%s): %v", dsn, err)
	}
	t.Cleanup(func() {
		if err := m.Close(); err != nil {
			t.Errorf("Main.Close: %v", err)
		}
	})
	return m
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: reading body: %v", url, err)
	}
	return resp.StatusCode, string(b)
}

func TestServeFreshSQLiteAndRestart(t *testing.T) {
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "fresh.db")
	{
		m := &Main{Addr: "127.0.0.1:0", DSN: dsn, Out: io.Discard}
		var banner bytes.Buffer
		m.Out = &banner
		if err := m.Run(context.Background()); err != nil {
			t.Fatalf("Run on a fresh file: %v", err)
		}
		if code, body := get(t, m.URL+"/healthz"); code != 200 {
			t.Errorf("GET /healthz = %d %q, want 200", code, body)
		}
		if !strings.Contains(banner.String(), "admin") {
			t.Errorf("first start banner %q does not name the administrator", banner.String())
		}
		if err := m.Close(); err != nil {
			t.Fatal(err)
		}
	}
	m := startMain(t, dsn, false)
	if code, _ := get(t, m.URL+"/healthz"); code != 200 {
		t.Errorf("after restart GET /healthz = %d, want 200", code)
	}
	code, body := get(t, m.URL+"/api/v1/achievements")
	if code != 200 {
		t.Fatalf("GET /api/v1/achievements = %d %s", code, body)
	}
	var v any
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Errorf("/api/v1/achievements is not JSON: %v\n%s", err, body)
	}
}

func TestServeDemo(t *testing.T) {
	m := startMain(t, "sqlite:"+filepath.Join(t.TempDir(), "demo.db"), true)
	code, body := get(t, m.URL+"/api/v1/achievements")
	if code != 200 {
		t.Fatalf("GET /api/v1/achievements = %d", code)
	}
	if !strings.Contains(body, "煤气") {
		t.Errorf("demo achievements do not include the 煤气 example:\n%.500s", body)
	}
	code, body = get(t, m.URL+"/")
	if code != 200 || !strings.Contains(body, "lang=\"zh-CN\"") {
		t.Errorf("GET / = %d, want a zh-CN page; got %.300s", code, body)
	}
}

func TestServeRefusesStaleSchemaUntilMigrate(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "stale.db")
	db, err := sqlite.Open(ctx, path, sqlite.Options{NoSchemaCheck: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.MigrateTo(ctx, 1); err != nil {
		t.Fatal(err)
	}
	_, want, err := db.SchemaVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if want < 2 {
		t.Skip("only one migration: no stale schema to test")
	}

	m := &Main{Addr: "127.0.0.1:0", DSN: "sqlite:" + path, Out: io.Discard}
	err = m.Run(ctx)
	if err == nil {
		m.Close()
		t.Fatal("serve ran on a stale schema")
	}
	if m.Store != nil {
		m.Store.Close()
	}
	if !strings.Contains(err.Error(), "migrate") {
		t.Errorf("stale-schema error %q does not say to run migrate", err)
	}

	code, out, errOut := runCmd(t, "migrate", "--db", "sqlite:"+path)
	if code != 0 {
		t.Fatalf("migrate exit %d: %s", code, errOut)
	}
	if wantOut := fmt.Sprintf("1 → %d", want); !strings.Contains(out, wantOut) {
		t.Errorf("migrate printed %q, want it to contain %q", out, wantOut)
	}
	code, out, _ = runCmd(t, "migrate", "--db", "sqlite:"+path)
	if code != 0 || !strings.Contains(out, "up to date") {
		t.Errorf("second migrate = %d %q, want 0 and up to date", code, out)
	}
	m2 := startMain(t, "sqlite:"+path, false)
	if code, _ := get(t, m2.URL+"/healthz"); code != 200 {
		t.Errorf("after migrate GET /healthz = %d", code)
	}
}

func TestImportCommand(t *testing.T) {
	dir := t.TempDir()
	dsn := "sqlite:" + filepath.Join(dir, "import.db")
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	bad := write("bad.csv", "id,name,kind,uscc,region\n"+
		"o1,苏州甲科技有限公司,enterprise,"+uscc(t, 1)+",320505\n"+
		"o2,苏州乙科技有限公司,enterprise,91320505MA00000020,320505\n"+
		"o3,苏州丙研究院,institute,"+uscc(t, 3)+",999999\n")
	code, _, errOut := runCmd(t, "import", "--db", dsn, "--kind", "organizations", "--quiet", bad)
	if code == 0 {
		t.Fatal("a file with bad rows was imported")
	}
	for _, want := range []string{"uscc", "region", "3", "4"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("errors for the bad file do not mention %q:\n%s", want, errOut)
		}
	}
	count := func() int {
		db, err := sqlite.Open(context.Background(), filepath.Join(dir, "import.db"), sqlite.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		_, n, err := db.FindOrganizations(context.Background(), innobridge.OrganizationFilter{Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(); n != 0 {
		t.Fatalf("after a rejected file the store holds %d organisations, want 0", n)
	}

	good := write("good.csv", "id,name,kind,uscc,region\n"+
		"o1,苏州甲科技有限公司,enterprise,"+uscc(t, 1)+",320505\n"+
		"o3,苏州丙研究院,institute,"+uscc(t, 3)+",320506\n")
	code, out, errOut := runCmd(t, "import", "--db", dsn, "--kind", "organizations", good)
	if code != 0 {
		t.Fatalf("import of a good file: exit %d\n%s", code, errOut)
	}
	if !strings.Contains(out, "imported 2") {
		t.Errorf("import printed %q, want the count", out)
	}
	if n := count(); n != 2 {
		t.Errorf("store holds %d organisations, want 2", n)
	}
	// The bad file again: nothing already stored is lost.
	if code, _, _ := runCmd(t, "import", "--db", dsn, "--kind", "organizations", "--quiet", bad); code == 0 {
		t.Error("the bad file was accepted the second time")
	}
	if n := count(); n != 2 {
		t.Errorf("after a second rejected file the store holds %d organisations, want 2", n)
	}
	// Every import, stored or rejected, is in the audit log.
	db, err := sqlite.Open(context.Background(), filepath.Join(dir, "import.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	entries, _, err := db.FindAudit(context.Background(), innobridge.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	actions := map[string]int{}
	for _, e := range entries {
		if e.Entity == "organizations" {
			actions[e.Action]++
		}
	}
	if actions["import"] != 1 || actions["import_rejected"] != 2 {
		t.Errorf("audit entries of imports = %v, want 1 import and 2 import_rejected", actions)
	}
}

func TestUnknownDSN(t *testing.T) {
	code, _, errOut := runCmd(t, "migrate", "--db", "mysql://u:secret@h/db")
	if code == 0 {
		t.Fatal("migrate accepted a mysql DSN")
	}
	if strings.Contains(errOut, "secret") {
		t.Errorf("error shows the password: %s", errOut)
	}
}

// TestServePostgres runs the platform with demo data on a fresh PostgreSQL
// database, imports into it with the CLI, and serves a search.
func TestServePostgres(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	m := startMain(t, dsn, true)
	code, body := get(t, m.URL+"/api/v1/achievements?q="+url.QueryEscape("煤气"))
	if code != 200 || !strings.Contains(body, "煤气") {
		t.Fatalf("search 煤气 on PostgreSQL = %d, body %.300s", code, body)
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "orgs.csv")
	if err := os.WriteFile(p, []byte("id,name,kind,uscc,region\npg-1,苏州丁科技有限公司,enterprise,"+uscc(t, 11)+",320505\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := runCmd(t, "import", "--db", dsn, "--kind", "organizations", "--quiet", p); code != 0 {
		t.Fatalf("import into PostgreSQL: exit %d: %s", code, errOut)
	}
	code, body = get(t, m.URL+"/api/v1/organizations?q="+url.QueryEscape("丁科技"))
	if code != 200 || !strings.Contains(body, "苏州丁科技有限公司") {
		t.Errorf("imported organisation not served: %d %.300s", code, body)
	}
	if code, out, _ := runCmd(t, "migrate", "--db", dsn); code != 0 || !strings.Contains(out, "up to date") {
		t.Errorf("migrate on a current PostgreSQL schema = %d %q", code, out)
	}
}

// TestMatchFromStore runs `innobridge match --db` on the demo data: one
// JSON line per query, in order, with explained results from the store.
func TestMatchFromStore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "match.db")
	m := &Main{Addr: "127.0.0.1:0", DSN: "sqlite:" + path, Demo: true, Out: io.Discard}
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	queries := filepath.Join(t.TempDir(), "q.jsonl")
	if err := os.WriteFile(queries, []byte(`{"id":"q-gas","title":"高炉煤气余热回收","description":"钢厂煤气放散多，求提高煤气利用率的技术"}
{"id":"q-none","title":"zzqx"}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCmd(t, "match", "--db", "sqlite:"+path, "--queries", queries, "--top", "3")
	if code != 0 {
		t.Fatalf("match --db: exit %d\n%s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("match wrote %d lines, want 2:\n%s", len(lines), out)
	}
	var first struct {
		QueryID string `json:"query_id"`
		Results []struct {
			ID    string          `json:"id"`
			Score float64         `json:"score"`
			Why   json.RawMessage `json:"why"`
		} `json:"results"`
	}
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil {
		t.Fatal(err)
	}
	if first.QueryID != "q-gas" || len(first.Results) == 0 || len(first.Results) > 3 {
		t.Fatalf("first line = %s", lines[0])
	}
	st, err := sqlite.Open(context.Background(), path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	list, _, err := st.FindAchievements(context.Background(), innobridge.ListingFilter{ExternalID: &first.Results[0].ID})
	if err != nil || len(list) != 1 {
		t.Fatalf("top result %q is not an achievement of the store: %v", first.Results[0].ID, err)
	}
	if !strings.Contains(list[0].Title+list[0].Description, "煤气") {
		t.Errorf("top result for a 煤气 demand is %q", list[0].Title)
	}
	if len(first.Results[0].Why) < 3 {
		t.Errorf("top result has no explanation: %s", first.Results[0].Why)
	}
	if !strings.HasPrefix(lines[1], `{"query_id":"q-none"`) {
		t.Errorf("second line = %s", lines[1])
	}
}

func TestServeBehindTLS(t *testing.T) {
	m := &Main{Addr: "127.0.0.1:0", DSN: "sqlite:" + filepath.Join(t.TempDir(), "tls.db"), TLS: true, Out: io.Discard}
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	resp, err := http.Get(m.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Header.Get("Strict-Transport-Security") == "" {
		t.Error("--behind-tls: no Strict-Transport-Security header")
	}
}
