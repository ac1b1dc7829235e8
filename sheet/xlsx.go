package sheet

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// readXLSX streams the first sheet of a workbook row by row. Cells are read
// raw: numbers as typed (no "1.5E+06"), dates as Excel serial numbers,
// which the importer accepts.
func readXLSX(r io.Reader, header func(Header) error, fn func(Record) error) (err error) {
	f, err := excelize.OpenReader(r)
	if err != nil {
		return fmt.Errorf("not a readable .xlsx workbook: %w (无法读取Excel文件)", err)
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	names := f.GetSheetList()
	if len(names) == 0 {
		return errors.New("the workbook has no sheet (工作簿没有工作表)")
	}
	rows, err := f.Rows(names[0])
	if err != nil {
		return err
	}
	defer rows.Close()
	var cols []string
	row := 0
	for rows.Next() {
		row++
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return &LineError{Line: row, Err: err}
		}
		if cols == nil {
			if blank(cells) {
				continue
			}
			cols = make([]string, len(cells))
			for i, c := range cells {
				cols[i] = cleanHeader(c)
			}
			if err := checkHeader(row, cols); err != nil {
				return err
			}
			if err := header(Header{Line: row, Columns: trimTrailingBlank(cols)}); err != nil {
				return err
			}
			continue
		}
		rec := rowRecord(row, cols, cells)
		if rec.Line == 0 {
			continue
		}
		if err := fn(rec); err != nil {
			return err
		}
	}
	if err := rows.Error(); err != nil {
		return err
	}
	if cols == nil {
		return errors.New("the first sheet is empty (第一个工作表为空)")
	}
	return nil
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// WriteXLSX writes t as a one-sheet workbook named after t.Name: a bold,
// frozen header row, columns sized to their content, every cell as text
// (so ids such as "007" and long numbers keep their form). It streams, so
// a long list does not hold a cell object per value.
func WriteXLSX(w io.Writer, t Table) (err error) {
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	name := t.Name
	if name == "" {
		name = "Sheet1"
	}
	if len([]rune(name)) > 31 {
		name = string([]rune(name)[:31])
	}
	if name != "Sheet1" {
		if err := f.SetSheetName("Sheet1", name); err != nil {
			return err
		}
	}
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Alignment: &excelize.Alignment{Vertical: "center"},
	})
	if err != nil {
		return err
	}
	for i, width := range columnWidths(t) {
		if err := sw.SetColWidth(i+1, i+1, width); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	head := make([]any, len(t.Header))
	for i, h := range t.Header {
		head[i] = excelize.Cell{StyleID: bold, Value: h}
	}
	if err := sw.SetRow("A1", head); err != nil {
		return err
	}
	vals := make([]any, 0, len(t.Header))
	for i, r := range t.Rows {
		vals = vals[:0]
		for _, c := range r {
			vals = append(vals, c)
		}
		cell, err := excelize.CoordinatesToCellName(1, i+2)
		if err != nil {
			return err
		}
		if err := sw.SetRow(cell, vals); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.Write(w)
}

// columnWidths sizes each column to its widest cell (a Han character counts
// twice), looking at the first 1,000 rows, between 8 and 60 characters.
func columnWidths(t Table) []float64 {
	w := make([]float64, len(t.Header))
	measure := func(i int, s string) {
		if i >= len(w) {
			return
		}
		n := 0.0
		for _, r := range s {
			if r == '\n' {
				break
			}
			if r >= 0x1100 && utf8.RuneLen(r) >= 3 {
				n += 2
			} else {
				n++
			}
		}
		w[i] = math.Max(w[i], n)
	}
	for i, h := range t.Header {
		measure(i, h)
	}
	for j, r := range t.Rows {
		if j == 1000 {
			break
		}
		for i, c := range r {
			measure(i, c)
		}
	}
	for i := range w {
		w[i] = math.Min(math.Max(w[i]+2, 8), 60)
	}
	return w
}
