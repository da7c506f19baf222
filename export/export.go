// Package export writes tables as XLSX workbooks and CSV files: the exports
// of the supervision dashboards (issue #7). A Table is a sheet name and
// columns, each with a Chinese and an English title and a kind that decides
// how a value is written: text, integer, money (分, written as 元 with two
// decimals), ratio (a fraction, shown as a percentage) or date. Rows come
// from a slice or, for large exports, from a callback that pushes them one at
// a time; both paths write through excelize's StreamWriter, so memory does
// not grow with the number of rows.
package export

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Kind is how a column's values are written.
type Kind int

const (
	Text    Kind = iota // string (any other value is printed with fmt)
	Integer             // int, int64: a number with thousands separators
	Money               // int64 分: a number of 元 with format #,##0.00
	Ratio               // float64 or *float64, a fraction: shown as 0.00%
	Date                // "YYYY-MM-DD" (or an RFC 3339 instant) or time.Time: a date
)

// Column is one column of a table.
type Column struct {
	Title   string  // Chinese title
	TitleEN string  // English title; Title when empty
	Kind    Kind    // how values are written
	Width   float64 // XLSX column width in characters; 0 picks one from the kind
}

// RowSource pushes rows to emit, one at a time, and stops at emit's first error.
type RowSource func(emit func(row []any) error) error

// Table is one sheet of a workbook, or one CSV file.
type Table struct {
	Sheet   string // Chinese sheet name (at most 31 characters, none of []:*?/\)
	SheetEN string // English sheet name; Sheet when empty
	Columns []Column
	Rows    [][]any
	// Each, when set, is used instead of Rows: the rows are streamed.
	Each RowSource
}

// En reports whether lang asks for English.
func En(lang string) bool { return strings.HasPrefix(strings.ToLower(lang), "en") }

// SheetName is the table's sheet name in lang.
func (t *Table) SheetName(lang string) string {
	if En(lang) && t.SheetEN != "" {
		return t.SheetEN
	}
	return t.Sheet
}

// ColumnTitle is the column's title in lang.
func (c Column) ColumnTitle(lang string) string {
	if En(lang) && c.TitleEN != "" {
		return c.TitleEN
	}
	return c.Title
}

// each calls fn for every row of the table.
func (t *Table) each(fn func(row []any) error) error {
	if t.Each != nil {
		return t.Each(fn)
	}
	for _, r := range t.Rows {
		if err := fn(r); err != nil {
			return err
		}
	}
	return nil
}

// FormatFen writes an amount in 分 as 元 with exactly two decimals, by
// integer arithmetic: 123456 → "1234.56", -5 → "-0.05".
func FormatFen(fen int64) string {
	neg := fen < 0
	u := uint64(fen)
	if neg {
		u = uint64(-fen)
	}
	s := strconv.FormatUint(u/100, 10) + "." + fmt.Sprintf("%02d", u%100)
	if neg {
		return "-" + s
	}
	return s
}

// FormatRatio writes a fraction as a percentage with two decimals: 0.1234 → "12.34%".
func FormatRatio(r float64) string { return strconv.FormatFloat(r*100, 'f', 2, 64) + "%" }

// asInt reads an integer cell value.
func asInt(v any) (int64, bool) {
	switch x := v.(type) {
	case int:
		return int64(x), true
	case int32:
		return int64(x), true
	case int64:
		return x, true
	case *int64:
		if x != nil {
			return *x, true
		}
	}
	return 0, false
}

// asRatio reads a ratio cell value; false for nil.
func asRatio(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case float32:
		return float64(x), true
	case *float64:
		if x != nil {
			return *x, true
		}
	}
	return 0, false
}

// asDate reads a date cell value.
func asDate(v any) (time.Time, bool) {
	switch x := v.(type) {
	case time.Time:
		return x, !x.IsZero()
	case string:
		if len(x) >= 10 {
			if t, err := time.Parse("2006-01-02", x[:10]); err == nil {
				return t, true
			}
		}
	}
	return time.Time{}, false
}

// text prints a value of no numeric kind.
func text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case fmt.Stringer:
		return x.String()
	}
	return fmt.Sprint(v)
}

// errColumns reports a row whose length is not the table's.
func errColumns(t *Table, n int) error {
	return fmt.Errorf("export: table %q: row of %d cells, want %d", t.Sheet, n, len(t.Columns))
}

var errNoTables = errors.New("export: no tables")
