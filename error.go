package innobridge

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Error codes. They are stable strings: the HTTP layer maps them to status
// codes in one table and the API returns them to clients.
const (
	ECONFLICT     = "conflict"     // the action conflicts with stored state (duplicate id, stale edit)
	EINTERNAL     = "internal"     // a bug or an outage: never shown in detail to users
	EINVALID      = "invalid"      // the input is wrong; Fields says where
	ENOTFOUND     = "not_found"    // no such record, or not visible to the caller
	EUNAUTHORIZED = "unauthorized" // the caller must log in
	EFORBIDDEN    = "forbidden"    // the caller is logged in but may not do this
	ELOCKED       = "locked"       // the account is temporarily locked after failed logins
	ESTALE        = "stale_schema" // the database schema is older than the binary
)

// FieldError is what is wrong with one field of one record.
type FieldError struct {
	Code    string `json:"code"`    // e.g. "required", "format", "range", "unknown"
	Message string `json:"message"` // human-readable, safe to show
}

// Error is the application error. Message is safe to show to users; Fields
// names, per field, what is wrong. Record names the record (e.g. "row 12" or
// an external id) when the error is about one record of many.
type Error struct {
	Code    string                `json:"code"`
	Message string                `json:"message"`
	Record  string                `json:"record,omitempty"`
	Fields  map[string]FieldError `json:"fields,omitempty"`
}

// Error implements error.
func (e *Error) Error() string {
	var b strings.Builder
	if e.Record != "" {
		b.WriteString(e.Record)
		b.WriteString(": ")
	}
	b.WriteString(e.Message)
	if len(e.Fields) > 0 {
		names := make([]string, 0, len(e.Fields))
		for n := range e.Fields {
			names = append(names, n)
		}
		sort.Strings(names)
		for i, n := range names {
			if i == 0 {
				b.WriteString(": ")
			} else {
				b.WriteString("; ")
			}
			fmt.Fprintf(&b, "%s: %s", n, e.Fields[n].Message)
		}
	}
	return b.String()
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-safe message of err: the *Error's message, or
// a generic one for internal errors.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}

// Validation collects field errors for one record.
type Validation struct {
	Record string
	Fields map[string]FieldError
}

// Add records a problem with field. The first problem per field wins.
func (v *Validation) Add(field, code, format string, args ...any) {
	if v.Fields == nil {
		v.Fields = map[string]FieldError{}
	}
	if _, ok := v.Fields[field]; ok {
		return
	}
	v.Fields[field] = FieldError{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Err returns nil when no problem was added, else an EINVALID *Error.
func (v *Validation) Err() error {
	if len(v.Fields) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Message: "invalid input", Record: v.Record, Fields: v.Fields}
}
