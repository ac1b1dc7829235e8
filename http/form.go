package http

import (
	"encoding/json"
	"errors"
	"io"
	"math"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"unicode"

	"github.com/innobridge/innobridge"
)

// requireLogin returns EUNAUTHORIZED for an anonymous request, so that the
// adapter sends a browser to the login page.
func requireLogin(r *http.Request) error {
	if state(r).user == nil {
		return innobridge.Errorf(innobridge.EUNAUTHORIZED, "请先登录 (please log in)")
	}
	return nil
}

// decodeJSON reads a JSON body into v, refusing unknown fields and trailing
// data. A body that is not JSON is ebadRequest; a field of the wrong type is
// EINVALID naming the field.
func decodeJSON(r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return badRequest("请求体须为 JSON (Content-Type must be application/json)")
	}
	dec := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			zh, en := jsonType(te.Type)
			return fieldError(jsonPath(te.Field), "type", "类型错误，应为%s (wrong type: want %s)", zh, en)
		}
		if msg, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			name := strings.Trim(msg, `"`)
			return fieldError(name, "unknown", "未知字段 (unknown field)")
		}
		return badRequest("请求体不是有效的 JSON (malformed JSON: %v)", err)
	}
	if dec.More() {
		return badRequest("请求体只能有一个 JSON 值 (one JSON value expected)")
	}
	return nil
}

// jsonPath is a decoding error's field path as the request names it:
// encoding/json puts the Go names of embedded structs in it
// ("Demand.Listing.title"), which no JSON key here begins with a capital.
func jsonPath(field string) string {
	parts := strings.Split(field, ".")
	out := parts[:0]
	for _, p := range parts {
		if p != "" && !unicode.IsUpper(rune(p[0])) {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return field
	}
	return strings.Join(out, ".")
}

// jsonType names the JSON type that decodes into t, in Chinese and English.
func jsonType(t reflect.Type) (zh, en string) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "字符串", "a string"
	case reflect.Bool:
		return "布尔值", "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "整数", "an integer"
	case reflect.Float32, reflect.Float64:
		return "数字", "a number"
	case reflect.Slice, reflect.Array:
		return "数组", "an array"
	default:
		return "对象", "an object"
	}
}

// fieldError is an EINVALID error about one field.
func fieldError(field, code, format string, args ...any) error {
	v := innobridge.Validation{}
	v.Add(field, code, format, args...)
	return v.Err()
}

// mergeValidation combines the field errors of two EINVALID errors; the
// first error's message wins.
func mergeValidation(a, b error) error {
	ea, eb := appError(a), appError(b)
	if ea == nil || eb == nil || eb.Code != innobridge.EINVALID {
		if a == nil {
			return b
		}
		return a
	}
	out := *ea
	out.Fields = map[string]innobridge.FieldError{}
	for k, v := range eb.Fields {
		out.Fields[k] = v
	}
	for k, v := range ea.Fields {
		out.Fields[k] = v
	}
	return &out
}

// fieldsOf returns the field errors of an EINVALID error.
func fieldsOf(err error) map[string]innobridge.FieldError {
	if e := appError(err); e != nil {
		return e.Fields
	}
	return nil
}

// formMessage returns the message to show above a form: the error's own
// message when it names no field, else "" (the template shows a summary).
func formMessage(err error) string {
	if e := appError(err); e != nil && len(e.Fields) == 0 && e.Code != innobridge.EINTERNAL {
		return e.Message
	}
	return ""
}

// formError shows a form again with its errors when err is a validation or
// conflict error, and hands anything else to the adapter.
func (s *Server) formError(w http.ResponseWriter, r *http.Request, err error, build func() (page, string, error)) error {
	switch innobridge.ErrorCode(err) {
	case innobridge.EINVALID, innobridge.ECONFLICT:
	default:
		return err
	}
	p, name, perr := build()
	if perr != nil {
		return perr
	}
	s.render(w, r, statusOf(err), name, p)
	return nil
}

// splitList splits a typed list on commas, Chinese commas, 、, semicolons
// and new lines.
func splitList(s string) []string {
	parts := strings.FieldsFunc(s, func(r rune) bool {
		return strings.ContainsRune(",，、;；\n\r", r)
	})
	out := []string{}
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func joinList(list []string) string { return strings.Join(list, "，") }

func itoa(n int) string { return strconv.Itoa(n) }

func parseIntField(v *innobridge.Validation, name, s string) int {
	s = strings.TrimSpace(innobridge.FoldWidth(s))
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		v.Add(name, "format", "请输入整数 (enter a whole number)")
	}
	return n
}

// parseWan reads an amount typed in 万元 and returns it in yuan.
func parseWan(v *innobridge.Validation, name, s string) *int64 {
	s = strings.TrimSpace(strings.ReplaceAll(innobridge.FoldWidth(s), ",", ""))
	s = strings.TrimSuffix(strings.TrimSuffix(s, "万元"), "万")
	if s == "" {
		return nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > 1e11 {
		v.Add(name, "format", "请输入以万元计的数字 (enter an amount in 10,000 yuan)")
		return nil
	}
	y := int64(math.Round(f * 10000))
	return &y
}

func parseDateField(v *innobridge.Validation, name, s string) *innobridge.Date {
	d, err := innobridge.DatePtr(s)
	if err != nil {
		v.Add(name, "format", "日期格式应为 YYYY-MM-DD (date must be YYYY-MM-DD)")
		return nil
	}
	return d
}

// regions are the region choices: the city and its districts.
func (s *Server) regions() []innobridge.RegionOption {
	return innobridge.CityDistricts(s.opts.City)
}
