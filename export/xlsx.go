package export

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"
)

// Number formats of the kinds.
const (
	FormatInteger = "#,##0"
	FormatMoney   = "#,##0.00"
	FormatPercent = "0.00%"
	FormatDate    = "yyyy-mm-dd"
)

// styles are the cell styles of a workbook.
type styles struct {
	header int
	kind   map[Kind]int
}

func newStyles(f *excelize.File) (*styles, error) {
	st := &styles{kind: map[Kind]int{}}
	var err error
	if st.header, err = f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E5E7EB"}},
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: true},
	}); err != nil {
		return nil, err
	}
	for k, nf := range map[Kind]string{Integer: FormatInteger, Money: FormatMoney, Ratio: FormatPercent, Date: FormatDate} {
		nf := nf
		if st.kind[k], err = f.NewStyle(&excelize.Style{CustomNumFmt: &nf}); err != nil {
			return nil, err
		}
	}
	return st, nil
}

// width is a column's default width by kind.
func (c Column) width() float64 {
	if c.Width > 0 {
		return c.Width
	}
	switch c.Kind {
	case Money:
		return 18
	case Integer, Ratio:
		return 12
	case Date:
		return 12
	}
	return 20
}

// cell is the XLSX cell of a value in a column of kind k: numbers stay
// numbers with the kind's format; a money amount is the exact decimal of its
// 元 (FormatFen), read as the float64 nearest to it, which excelize writes
// back as that same shortest decimal.
func (st *styles) cell(k Kind, v any) (excelize.Cell, error) {
	switch k {
	case Integer:
		if n, ok := asInt(v); ok {
			return excelize.Cell{StyleID: st.kind[k], Value: n}, nil
		}
	case Money:
		if n, ok := asInt(v); ok {
			y, err := strconv.ParseFloat(FormatFen(n), 64)
			if err != nil {
				return excelize.Cell{}, err
			}
			return excelize.Cell{StyleID: st.kind[k], Value: y}, nil
		}
	case Ratio:
		if r, ok := asRatio(v); ok {
			return excelize.Cell{StyleID: st.kind[k], Value: r}, nil
		}
	case Date:
		if d, ok := asDate(v); ok {
			return excelize.Cell{StyleID: st.kind[k], Value: time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)}, nil
		}
	}
	if v == nil {
		return excelize.Cell{}, nil
	}
	if k != Text {
		if _, isPtr := v.(*float64); isPtr {
			return excelize.Cell{}, nil // a nil ratio: an empty cell
		}
		if _, isPtr := v.(*int64); isPtr {
			return excelize.Cell{}, nil
		}
	}
	return excelize.Cell{Value: text(v)}, nil
}

// WriteXLSX writes the tables as one workbook, a sheet per table in order,
// titled in lang ("en" for English, Chinese otherwise). Each sheet has a
// bold header row, frozen.
func WriteXLSX(w io.Writer, lang string, tables ...*Table) error {
	if len(tables) == 0 {
		return errNoTables
	}
	f := excelize.NewFile()
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	for i, t := range tables {
		name := t.SheetName(lang)
		if i == 0 {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				return fmt.Errorf("export: sheet %q: %w", name, err)
			}
		} else if _, err := f.NewSheet(name); err != nil {
			return fmt.Errorf("export: sheet %q: %w", name, err)
		}
		if err := writeSheet(f, st, name, lang, t); err != nil {
			return err
		}
	}
	// No SetActiveSheet: it would parse every streamed sheet back into
	// memory; the first sheet is the active one already.
	_, err = f.WriteTo(w)
	return err
}

// StreamXLSX writes one sheet whose rows come from each: a workbook of any
// number of rows in flat memory (excelize spills the sheet to a temporary
// file past 16 MiB and copies it into the archive).
func StreamXLSX(w io.Writer, lang string, t *Table, each RowSource) error {
	c := *t
	c.Each = each
	return WriteXLSX(w, lang, &c)
}

func writeSheet(f *excelize.File, st *styles, name, lang string, t *Table) error {
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	for i, c := range t.Columns {
		if err := sw.SetColWidth(i+1, i+1, c.width()); err != nil {
			return err
		}
	}
	head := make([]any, len(t.Columns))
	for i, c := range t.Columns {
		head[i] = excelize.Cell{StyleID: st.header, Value: c.ColumnTitle(lang)}
	}
	if err := sw.SetRow("A1", head); err != nil {
		return err
	}
	row := 1
	cells := make([]any, len(t.Columns))
	err = t.each(func(r []any) error {
		if len(r) != len(t.Columns) {
			return errColumns(t, len(r))
		}
		for i, v := range r {
			c, err := st.cell(t.Columns[i].Kind, v)
			if err != nil {
				return err
			}
			cells[i] = c
		}
		row++
		ref, err := excelize.CoordinatesToCellName(1, row)
		if err != nil {
			return err
		}
		return sw.SetRow(ref, cells)
	})
	if err != nil {
		return err
	}
	return sw.Flush()
}
