package sheet

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

var bom = []byte("\uFEFF")

// readCSV reads a whole CSV file. Excel writes UTF-8 with a byte-order mark
// ("CSV UTF-8") or, in a Chinese locale, GB18030 ("CSV (逗号分隔)"): a file
// that is not valid UTF-8 is decoded as GB18030, and one that is neither is
// rejected naming the first bad line.
func readCSV(r io.Reader, header func(Header) error, fn func(Record) error) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	data, err = toUTF8(data)
	if err != nil {
		return err
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	var cols []string
	for {
		cells, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return &LineError{Line: pe.StartLine, Err: fmt.Errorf("CSV syntax: %w (CSV格式错误，多为引号不配对)", pe.Err)}
			}
			return err
		}
		line, _ := cr.FieldPos(0)
		if cols == nil {
			cols = make([]string, len(cells))
			for i, c := range cells {
				cols[i] = cleanHeader(c)
			}
			if err := checkHeader(line, cols); err != nil {
				return err
			}
			if err := header(Header{Line: line, Columns: trimTrailingBlank(cols)}); err != nil {
				return err
			}
			continue
		}
		for i, c := range cells {
			cells[i] = unguard(c)
		}
		rec := rowRecord(line, cols, cells)
		if rec.Line == 0 {
			continue
		}
		if err := fn(rec); err != nil {
			return err
		}
	}
	if cols == nil {
		return errors.New("the file is empty (文件为空)")
	}
	return nil
}

func trimTrailingBlank(cols []string) []string {
	out := make([]string, 0, len(cols))
	for _, c := range cols {
		if c != "" {
			out = append(out, c)
		}
	}
	return out
}

// toUTF8 strips a UTF-8 byte-order mark, or decodes GB18030.
func toUTF8(data []byte) ([]byte, error) {
	if bytes.HasPrefix(data, bom) {
		data = data[len(bom):]
	}
	if utf8.Valid(data) {
		return data, nil
	}
	dec, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
	if err == nil && !bytes.ContainsRune(dec, utf8.RuneError) {
		return dec, nil
	}
	line := 1
	for len(data) > 0 {
		r, size := utf8.DecodeRune(data)
		if r == utf8.RuneError && size <= 1 {
			break
		}
		if r == '\n' {
			line++
		}
		data = data[size:]
	}
	return nil, &LineError{Line: line, Err: errors.New("not UTF-8 (nor GB18030) text; save the file as \"CSV UTF-8\" (文件编码不是UTF-8，请另存为“CSV UTF-8”格式)")}
}

// WriteCSV writes t as CSV with a byte-order mark, so that Excel reads the
// Chinese text as UTF-8. A cell a spreadsheet would run as a formula (CSV
// injection) is prefixed with an apostrophe, which reading removes again.
func WriteCSV(w io.Writer, t Table) error {
	if _, err := w.Write(bom); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(t.Header); err != nil {
		return err
	}
	row := make([]string, 0, len(t.Header))
	for _, r := range t.Rows {
		row = row[:0]
		for _, c := range r {
			row = append(row, guard(c))
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func risky(c string) bool {
	if c == "" || !strings.ContainsRune("=+-@\t\r", rune(c[0])) {
		return false
	}
	_, err := strconv.ParseFloat(c, 64)
	return err != nil
}

func guard(c string) string {
	if risky(c) {
		return "'" + c
	}
	return c
}

func unguard(c string) string {
	if len(c) > 1 && c[0] == '\'' && risky(c[1:]) {
		return c[1:]
	}
	return c
}
