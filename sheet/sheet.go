// Package sheet reads and writes the tabular files staff exchange with the
// platform: CSV (UTF-8 with or without a byte-order mark, or GB18030 as
// saved by a Chinese Excel), XLSX (streamed, so 100,000 rows do not need the
// whole sheet in memory) and JSON lines. It knows nothing of the domain: a
// file is a header and records of column → value; package importer gives
// the columns their meaning.
package sheet

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
)

// Format is a file format, named by its extension without the dot.
type Format string

// The formats.
const (
	CSV   Format = "csv"
	XLSX  Format = "xlsx"
	JSONL Format = "jsonl"
)

// FormatOf returns the format of a file named name, judged by its
// extension (.csv, .xlsx, .jsonl; case does not matter).
func FormatOf(name string) (Format, error) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".csv":
		return CSV, nil
	case ".xlsx":
		return XLSX, nil
	case ".jsonl", ".ndjson":
		return JSONL, nil
	case ".xls":
		return "", fmt.Errorf("%s: the old .xls format is not supported; save it as .xlsx or .csv (不支持旧版 .xls，请另存为 .xlsx 或 .csv)", filepath.Base(name))
	}
	return "", fmt.Errorf("%s: unknown file type; use .csv, .xlsx or .jsonl (不支持的文件类型)", filepath.Base(name))
}

// Record is one data row of a file.
type Record struct {
	// Line is the 1-based line of a CSV or JSONL file, or the row of an
	// XLSX sheet, where the record starts. The header is line 1.
	Line int
	// Values maps each column (as written in the header, or each key of a
	// JSON object) to its value. Cells of CSV and XLSX are strings and
	// blank cells are left out; JSONL values are as decoded with
	// json.Number for numbers, so arrays stay []any.
	Values map[string]any
	// Problem, when not empty, says why the line could not be read (bad
	// JSON, more cells than the header, …); Values is then empty. Readers
	// report it and go on, so a file's every problem can be listed.
	Problem string
}

// Header is the first row of a tabular file, or the keys of a JSONL file
// in order of first appearance.
type Header struct {
	Line    int
	Columns []string
}

// Read reads the file named name from r, calling header once with the
// column names (for JSONL: once, after every record has been read, with
// the keys in order of first appearance) and fn for each non-blank record
// in file order. The format comes from the name's extension. An error from
// fn stops reading and is returned. Problems that concern one record are
// passed in Record.Problem; Read itself fails only when the file as a whole
// cannot be read.
func Read(name string, r io.Reader, header func(Header) error, fn func(Record) error) error {
	format, err := FormatOf(name)
	if err != nil {
		return err
	}
	if header == nil {
		header = func(Header) error { return nil }
	}
	switch format {
	case CSV:
		err = readCSV(r, header, fn)
	case XLSX:
		err = readXLSX(r, header, fn)
	case JSONL:
		err = readJSONL(r, header, fn)
	}
	if err != nil {
		var le *LineError
		if errors.As(err, &le) {
			return err
		}
		return fmt.Errorf("%s: %w", filepath.Base(name), err)
	}
	return nil
}

// LineError is a problem with one line that stops reading the file, such
// as a CSV quote that is never closed.
type LineError struct {
	Line int
	Err  error
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }

// Unwrap returns the underlying error.
func (e *LineError) Unwrap() error { return e.Err }

// Table is a list laid out for export: a header row and text rows.
type Table struct {
	Name   string // file name without extension, e.g. "achievements"
	Header []string
	Rows   [][]string
}

// Write writes t to w in format (CSV or XLSX).
func Write(w io.Writer, format Format, t Table) error {
	switch format {
	case CSV:
		return WriteCSV(w, t)
	case XLSX:
		return WriteXLSX(w, t)
	}
	return fmt.Errorf("sheet: cannot export to %q; use csv or xlsx", format)
}

// checkHeader rejects blank and repeated column names.
func checkHeader(line int, cols []string) error {
	seen := make(map[string]int, len(cols))
	for i, c := range cols {
		if c == "" {
			continue
		}
		if j, ok := seen[c]; ok {
			return &LineError{Line: line, Err: fmt.Errorf("column %q appears twice (columns %d and %d) (列名重复)", c, j+1, i+1)}
		}
		seen[c] = i
	}
	if len(seen) == 0 {
		return &LineError{Line: line, Err: errors.New("the header row is empty (缺少表头)")}
	}
	return nil
}

// cleanHeader trims a column name and removes a byte-order mark.
func cleanHeader(s string) string {
	return strings.TrimSpace(strings.TrimPrefix(s, "\uFEFF"))
}

// rowRecord turns cells under cols into a Record, leaving blank cells out.
func rowRecord(line int, cols, cells []string) Record {
	rec := Record{Line: line}
	blank := true
	for i, c := range cells {
		if strings.TrimSpace(c) == "" {
			continue
		}
		blank = false
		if i >= len(cols) || cols[i] == "" {
			rec.Problem = fmt.Sprintf("cell %d has a value %q but no column name in the header (该单元格没有对应的表头)", i+1, clip(c))
			rec.Values = nil
			return rec
		}
		if rec.Values == nil {
			rec.Values = make(map[string]any, len(cols))
		}
		rec.Values[cols[i]] = c
	}
	if blank {
		return Record{}
	}
	return rec
}

func clip(s string) string {
	r := []rune(s)
	if len(r) > 20 {
		return string(r[:20]) + "…"
	}
	return s
}
