package importer

import (
	"fmt"
	"strings"

	"github.com/innobridge/innobridge"
)

// Problem is one thing wrong with an import file.
type Problem struct {
	Line   int    // line of a CSV or JSONL file, row of an XLSX sheet; 0 for the file as a whole
	Record string // the record's id, if it has one
	Field  string // the field's canonical name ("uscc"), or "" for the whole record
	Column string // the column as the file names it ("统一社会信用代码"), if different from Field
	Code   string // "required", "format", "unknown", "duplicate", … as in innobridge.FieldError
	// Message is what is wrong, in Chinese and English, safe to show.
	Message string
}

// String formats p as one line:
//
//	line 12 (id org-7), field "uscc" (统一社会信用代码): 统一社会信用代码校验位错误…
func (p Problem) String() string {
	return p.where("line")
}

func (p Problem) where(unit string) string {
	var b strings.Builder
	if p.Line > 0 {
		fmt.Fprintf(&b, "%s %d", unit, p.Line)
	} else {
		b.WriteString("file")
	}
	if p.Record != "" {
		fmt.Fprintf(&b, " (id %s)", p.Record)
	}
	if p.Field != "" {
		fmt.Fprintf(&b, ", field %q", p.Field)
		if p.Column != "" && p.Column != p.Field {
			fmt.Fprintf(&b, " (%s)", p.Column)
		}
	}
	b.WriteString(": ")
	b.WriteString(p.Message)
	return b.String()
}

// ImportError rejects a whole file and lists every problem found in it, in
// file order. Nothing of the file was stored.
type ImportError struct {
	File     string // base name of the file
	Rows     bool   // lines are spreadsheet rows (XLSX)
	Problems []Problem
}

// Error prints a summary line and then one line per problem.
func (e *ImportError) Error() string {
	var b strings.Builder
	n := len(e.Problems)
	fmt.Fprintf(&b, "%s: %d problem", e.File, n)
	if n != 1 {
		b.WriteString("s")
	}
	b.WriteString("; nothing was imported (文件未导入)")
	for _, p := range e.Problems {
		b.WriteString("\n")
		b.WriteString(p.where(e.unit()))
	}
	return b.String()
}

func (e *ImportError) unit() string {
	if e.Rows {
		return "row"
	}
	return "line"
}

// Unwrap returns one EINVALID *innobridge.Error per problem, naming the
// line and record in Record and the field in Fields, so that
// innobridge.ErrorCode reports EINVALID and the web upload page can list
// each problem.
func (e *ImportError) Unwrap() []error {
	out := make([]error, len(e.Problems))
	for i, p := range e.Problems {
		rec := "file " + e.File
		if p.Line > 0 {
			rec = fmt.Sprintf("%s %d", e.unit(), p.Line)
		}
		if p.Record != "" {
			rec += " (id " + p.Record + ")"
		}
		ie := &innobridge.Error{Code: innobridge.EINVALID, Message: p.Message, Record: rec}
		if p.Field != "" {
			name := p.Field
			if p.Column != "" && p.Column != p.Field {
				name += " (" + p.Column + ")"
			}
			code := p.Code
			if code == "" {
				code = "invalid"
			}
			ie.Fields = map[string]innobridge.FieldError{name: {Code: code, Message: p.Message}}
		}
		out[i] = ie
	}
	return out
}
