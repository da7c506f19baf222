package export

import (
	"encoding/csv"
	"io"
	"strconv"
)

// BOM starts every CSV file: Excel then reads it as UTF-8 and shows Chinese.
const BOM = "\ufeff"

// WriteCSV writes the table as CSV in UTF-8 with a byte-order mark: a header
// row of titles in lang, then the rows (streamed when the table has Each).
// Money is 元 with exactly two decimals and no separators (1234.56), ratios
// are percentages (12.34%), dates YYYY-MM-DD. A text cell that a spreadsheet
// would take for a formula (=, +, -, @, tab, CR first) is prefixed with '.
func WriteCSV(w io.Writer, lang string, t *Table) error {
	if _, err := io.WriteString(w, BOM); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	rec := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		rec[i] = c.ColumnTitle(lang)
	}
	if err := cw.Write(rec); err != nil {
		return err
	}
	err := t.each(func(r []any) error {
		if len(r) != len(t.Columns) {
			return errColumns(t, len(r))
		}
		for i, v := range r {
			rec[i] = csvCell(t.Columns[i].Kind, v)
		}
		return cw.Write(rec)
	})
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// csvCell is the text of a value in a column of kind k.
func csvCell(k Kind, v any) string {
	switch k {
	case Integer:
		if n, ok := asInt(v); ok {
			return strconv.FormatInt(n, 10)
		}
	case Money:
		if n, ok := asInt(v); ok {
			return FormatFen(n)
		}
	case Ratio:
		if r, ok := asRatio(v); ok {
			return FormatRatio(r)
		}
		if _, ok := v.(*float64); ok {
			return ""
		}
	case Date:
		if d, ok := asDate(v); ok {
			return d.Format("2006-01-02")
		}
	}
	if _, ok := v.(*int64); ok && k != Text {
		return ""
	}
	return defuse(text(v))
}

// defuse keeps a spreadsheet from evaluating a text cell as a formula.
func defuse(s string) string {
	if s != "" {
		switch s[0] {
		case '=', '+', '-', '@', '\t', '\r':
			return "'" + s
		}
	}
	return s
}
