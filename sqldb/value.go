package sqldb

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/innobridge/innobridge"
)

// Values are written in forms both databases read: times as fixed-width
// UTC text (sortable; PostgreSQL casts it to timestamptz), dates as
// "YYYY-MM-DD", lists as JSON text, zero ids as NULL.

// timeLayout is the stored form of a time: UTC, microseconds, fixed width
// so that text order is time order.
const timeLayout = "2006-01-02T15:04:05.000000Z"

func timeValue(t time.Time) string { return t.UTC().Format(timeLayout) }

func timePtrValue(t *time.Time) any {
	if t == nil {
		return nil
	}
	return timeValue(*t)
}

func dateValue(d *innobridge.Date) any {
	if d == nil {
		return nil
	}
	return d.String()
}

func idValue(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func int64PtrValue(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}

func jsonValue[T any](list []T) string {
	if len(list) == 0 {
		return "[]"
	}
	b, err := json.Marshal(list)
	if err != nil { // cannot happen for strings
		panic(err)
	}
	return string(b)
}

// timeScan reads a time stored as text (SQLite) or timestamptz (PostgreSQL).
type timeScan struct{ t *time.Time }

func (s timeScan) Scan(v any) error {
	t, ok, err := parseTime(v)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("time is NULL")
	}
	*s.t = t
	return nil
}

// timePtrScan reads a nullable time.
type timePtrScan struct{ t **time.Time }

func (s timePtrScan) Scan(v any) error {
	t, ok, err := parseTime(v)
	if err != nil {
		return err
	}
	*s.t = nil
	if ok {
		*s.t = &t
	}
	return nil
}

func parseTime(v any) (time.Time, bool, error) {
	switch v := v.(type) {
	case nil:
		return time.Time{}, false, nil
	case time.Time:
		return v.UTC(), true, nil
	case string:
		return parseTimeText(v)
	case []byte:
		return parseTimeText(string(v))
	}
	return time.Time{}, false, fmt.Errorf("cannot read a time from %T", v)
}

func parseTimeText(s string) (time.Time, bool, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("bad stored time %q: %w", s, err)
	}
	return t.UTC(), true, nil
}

// dateScan reads a nullable date stored as "YYYY-MM-DD" or a date column.
type dateScan struct{ d **innobridge.Date }

func (s dateScan) Scan(v any) error {
	*s.d = nil
	var str string
	switch v := v.(type) {
	case nil:
		return nil
	case time.Time:
		d := innobridge.NewDate(v)
		*s.d = &d
		return nil
	case string:
		str = v
	case []byte:
		str = string(v)
	default:
		return fmt.Errorf("cannot read a date from %T", v)
	}
	if len(str) > 10 { // a date read back through a time affinity
		str = str[:10]
	}
	d, err := innobridge.ParseDate(str)
	if err != nil {
		return err
	}
	*s.d = &d
	return nil
}

// jsonScan reads a JSON list stored as text into *T.
type jsonScan[T any] struct{ p *[]T }

func (s jsonScan[T]) Scan(v any) error {
	var b []byte
	switch v := v.(type) {
	case nil:
		*s.p = []T{}
		return nil
	case string:
		b = []byte(v)
	case []byte:
		b = v
	default:
		return fmt.Errorf("cannot read a JSON list from %T", v)
	}
	list := []T{}
	if err := json.Unmarshal(b, &list); err != nil {
		return fmt.Errorf("bad stored JSON list %q: %w", b, err)
	}
	*s.p = list
	return nil
}

// idScan reads a nullable id into an int64, 0 for NULL.
type idScan struct{ p *int64 }

func (s idScan) Scan(v any) error {
	var n sql.NullInt64
	if err := n.Scan(v); err != nil {
		return err
	}
	*s.p = n.Int64
	return nil
}

// int64PtrScan reads a nullable integer into a *int64.
type int64PtrScan struct{ p **int64 }

func (s int64PtrScan) Scan(v any) error {
	var n sql.NullInt64
	if err := n.Scan(v); err != nil {
		return err
	}
	*s.p = nil
	if n.Valid {
		x := n.Int64
		*s.p = &x
	}
	return nil
}
