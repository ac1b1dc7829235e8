package innobridge

import (
	"fmt"
	"strings"
	"time"
)

// Date is a civil date (no time of day, no zone), written "2006-01-02".
type Date struct{ time.Time }

// DateLayout is the text form of a Date.
const DateLayout = "2006-01-02"

// ParseDate parses "2006-01-02", also accepting "2006/01/02" and "2006.01.02".
func ParseDate(s string) (Date, error) {
	s = strings.TrimSpace(s)
	s = strings.NewReplacer("/", "-", ".", "-").Replace(s)
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		return Date{}, fmt.Errorf("date %q is not YYYY-MM-DD", s)
	}
	return Date{t}, nil
}

// NewDate returns the date of t in t's location.
func NewDate(t time.Time) Date {
	y, m, d := t.Date()
	return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
}

// String returns "2006-01-02".
func (d Date) String() string { return d.Format(DateLayout) }

// MarshalText implements encoding.TextMarshaler.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Date) UnmarshalText(b []byte) error {
	x, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = x
	return nil
}

// DatePtr parses s into a *Date; "" gives nil.
func DatePtr(s string) (*Date, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	d, err := ParseDate(s)
	if err != nil {
		return nil, err
	}
	return &d, nil
}
