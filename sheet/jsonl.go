package sheet

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"unicode/utf8"
)

// maxLine is the longest JSONL line accepted: a 20,000-character
// description and its fields fit many times over.
const maxLine = 16 << 20

// readJSONL reads one JSON object per line; blank lines are skipped.
func readJSONL(r io.Reader, header func(Header) error, fn func(Record) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	var keys []string
	seen := map[string]bool{}
	line := 0
	for sc.Scan() {
		line++
		b := sc.Bytes()
		if line == 1 {
			b = bytes.TrimPrefix(b, bom)
		}
		if len(bytes.TrimSpace(b)) == 0 {
			continue
		}
		rec := Record{Line: line}
		if !utf8.Valid(b) {
			rec.Problem = "not UTF-8 text (不是UTF-8编码)"
		} else {
			dec := json.NewDecoder(bytes.NewReader(b))
			dec.UseNumber()
			var obj map[string]any
			if err := dec.Decode(&obj); err != nil {
				rec.Problem = fmt.Sprintf("not a JSON object: %v (不是有效的JSON对象)", err)
			} else if obj == nil {
				rec.Problem = "not a JSON object (不是JSON对象)"
			} else if dec.More() {
				rec.Problem = "more than one JSON value on the line (一行只能有一个JSON对象)"
			} else {
				rec.Values = obj
				for k := range obj {
					if !seen[k] {
						seen[k] = true
						keys = append(keys, k)
					}
				}
			}
		}
		if err := fn(rec); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		if err == bufio.ErrTooLong {
			return &LineError{Line: line + 1, Err: fmt.Errorf("line longer than %d MB", maxLine>>20)}
		}
		return err
	}
	return header(Header{Line: 1, Columns: keys})
}
