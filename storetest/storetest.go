// Package storetest is the one test suite every innobridge.Store backend
// passes, in the manner of testing/fstest.TestFS: package sqlite and
// package postgres call Run from their tests with a Backend that makes
// fresh databases, and the suite checks behaviour through the
// innobridge.Store interface alone, plus the schema methods of Store.
//
//	func TestStore(t *testing.T) { storetest.Run(t, backend) }
//
// Each test opens its own fresh database, so tests run in parallel and
// never see each other's rows. Times come from a Clock that ticks one
// second per reading, so "newest first" has one right answer.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/innobridge/innobridge"
	"github.com/innobridge/innobridge/zh"
)

// Store is an innobridge.Store that also reports and moves its schema, as
// sqlite.DB and postgres.DB do.
type Store interface {
	innobridge.Store
	// SchemaVersion returns the database's schema version and the one the
	// program needs.
	SchemaVersion(ctx context.Context) (have, want int, err error)
	// MigrateTo applies the missing migrations up to version; a negative
	// version means all.
	MigrateTo(ctx context.Context, version int) error
}

// Options are the open options every backend has, with the meaning of
// sqlite.Options and postgres.Options.
type Options struct {
	Migrate       bool
	NoSchemaCheck bool
	Now           func() time.Time
}

// Backend is the store under test.
type Backend struct {
	// NewDB returns the name of a new, empty database (a file path, a
	// DSN) that Open accepts, and removes it when tb's test ends. It may
	// skip tb when the database server is unavailable.
	NewDB func(tb testing.TB) string
	// Open opens the database name.
	Open func(ctx context.Context, name string, opts Options) (Store, error)
	// Exec, if set, runs SQL on the database name outside the store, for
	// the tests that need a database innobridge would not make.
	Exec func(ctx context.Context, name, query string) error
}

// Run runs the whole suite on b.
func Run(t *testing.T, b Backend) {
	groups := []struct {
		name  string
		tests []test
	}{
		{"Organization", organizationTests},
		{"User", userTests},
		{"Session", sessionTests},
		{"Achievement", achievementTests},
		{"Demand", demandTests},
		{"Audit", auditTests},
		{"Import", importTests},
		{"Match", matchTests},
		{"DockingList", dockingTests},
		{"Event", eventTests},
		{"Indicator", indicatorTests},
		{"Notification", notificationTests},
		{"Schema", schemaTests},
		{"Concurrency", concurrencyTests},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			t.Parallel()
			for _, tc := range g.tests {
				t.Run(tc.name, func(t *testing.T) {
					t.Parallel()
					tc.run(t, b)
				})
			}
		})
	}
}

// test is one test of the suite.
type test struct {
	name string
	run  func(t *testing.T, b Backend)
}

// Epoch is the first reading of a new Clock; it has microseconds, which
// both databases must keep.
var Epoch = time.Date(2026, 3, 1, 8, 0, 0, 123456000, time.UTC)

// Clock is a fake clock that moves one second forward on each reading.
// It is safe for concurrent use.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock whose first reading is Epoch.
func NewClock() *Clock { return &Clock{t: Epoch.Add(-time.Second)} }

// Now moves the clock one second forward and returns it.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Second)
	return c.t
}

// Peek returns the last reading without moving the clock.
func (c *Clock) Peek() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// MustOpen opens a fresh database of b with a new Clock, initialised to
// the current schema, and closes it when tb's test ends.
func MustOpen(tb testing.TB, b Backend) (Store, *Clock) {
	tb.Helper()
	clock := NewClock()
	s := MustOpenName(tb, b, b.NewDB(tb), Options{Now: clock.Now})
	return s, clock
}

// MustOpenName opens the database name of b and closes it when tb's test
// ends.
func MustOpenName(tb testing.TB, b Backend, name string, opts Options) Store {
	tb.Helper()
	s, err := b.Open(context.Background(), name, opts)
	if err != nil {
		tb.Fatalf("Open(%q, %+v): %v", name, opts, err)
	}
	tb.Cleanup(func() {
		if err := s.Close(); err != nil {
			tb.Errorf("Close(%q): %v", name, err)
		}
	})
	return s
}

// SearchText is the analysed text of parts, as the service stores it.
func SearchText(tb testing.TB, parts ...string) string {
	return analyzer(tb).SearchText(parts...)
}

// QueryTerms are the analysed terms of a user's query, as the service
// passes them to the store.
func QueryTerms(tb testing.TB, q string) []string {
	return analyzer(tb).QueryTerms(q)
}

func analyzer(tb testing.TB) *zh.Analyzer {
	tb.Helper()
	a, err := zh.Default()
	if err != nil {
		tb.Fatalf("zh.Default: %v", err)
	}
	return a
}

// wantCode fails t unless err is an *innobridge.Error with code and, if
// field is not "", a Fields entry for field. It also checks that the
// message names each of words.
func wantCode(t *testing.T, err error, code, field string, words ...string) {
	t.Helper()
	if got := innobridge.ErrorCode(err); got != code {
		t.Fatalf("error code %q, want %q (err = %v)", got, code, err)
	}
	if field != "" {
		var e *innobridge.Error
		if !errors.As(err, &e) || e.Fields[field].Code == "" {
			t.Errorf("error does not name field %q: %v", field, err)
		}
	}
	for _, w := range words {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not mention %q", err, w)
		}
	}
}

// must fails t at once if err is not nil.
func must(t testing.TB, err error, what string) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// diff returns the paths at which got and want differ, treating nil and
// empty slices alike and comparing times with Equal.
func diff(got, want any) []string {
	var out []string
	diffValue(&out, "", reflect.ValueOf(got), reflect.ValueOf(want))
	return out
}

var timeType = reflect.TypeOf(time.Time{})

func diffValue(out *[]string, path string, g, w reflect.Value) {
	if g.IsValid() != w.IsValid() {
		*out = append(*out, fmt.Sprintf("%s: got %v, want %v", path, g, w))
		return
	}
	if !g.IsValid() {
		return
	}
	switch {
	case g.Type() == timeType:
		gt, wt := g.Interface().(time.Time), w.Interface().(time.Time)
		if !gt.Equal(wt) {
			*out = append(*out, fmt.Sprintf("%s: got %s, want %s", path, gt.Format(time.RFC3339Nano), wt.Format(time.RFC3339Nano)))
		}
		return
	case g.Kind() == reflect.Pointer:
		if g.IsNil() || w.IsNil() {
			if g.IsNil() != w.IsNil() {
				*out = append(*out, fmt.Sprintf("%s: got %s, want %s", path, show(g), show(w)))
			}
			return
		}
		diffValue(out, path, g.Elem(), w.Elem())
		return
	case g.Kind() == reflect.Struct:
		for i := 0; i < g.NumField(); i++ {
			f := g.Type().Field(i)
			p := f.Name
			if path != "" && !f.Anonymous {
				p = path + "." + f.Name
			} else if path != "" {
				p = path
			}
			diffValue(out, p, g.Field(i), w.Field(i))
		}
		return
	case g.Kind() == reflect.Slice:
		if g.Len() != w.Len() {
			*out = append(*out, fmt.Sprintf("%s: got %v, want %v", path, g, w))
			return
		}
		for i := 0; i < g.Len(); i++ {
			diffValue(out, fmt.Sprintf("%s[%d]", path, i), g.Index(i), w.Index(i))
		}
		return
	}
	if !reflect.DeepEqual(g.Interface(), w.Interface()) {
		*out = append(*out, fmt.Sprintf("%s: got %#v, want %#v", path, g, w))
	}
}

func show(v reflect.Value) string {
	if v.IsNil() {
		return "nil"
	}
	return fmt.Sprintf("&%v", v.Elem())
}

// same fails t if got and want differ.
func same(t *testing.T, what string, got, want any) {
	t.Helper()
	if d := diff(got, want); len(d) > 0 {
		t.Errorf("%s differs:\n\t%s", what, strings.Join(d, "\n\t"))
	}
}

func ptr[T any](v T) *T { return &v }

func date(s string) *innobridge.Date {
	d, err := innobridge.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return &d
}
