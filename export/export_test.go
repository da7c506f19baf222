package export

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func sample() *Table {
	r := 0.25
	return &Table{
		Sheet: "按辖区", SheetEN: "By jurisdiction",
		Columns: []Column{
			{Title: "辖区", TitleEN: "Jurisdiction"},
			{Title: "保单数", TitleEN: "Policies", Kind: Integer},
			{Title: "保费（元）", TitleEN: "Premium (CNY)", Kind: Money},
			{Title: "赔付率", TitleEN: "Loss ratio", Kind: Ratio},
			{Title: "起保日期", TitleEN: "Inception", Kind: Date},
		},
		Rows: [][]any{
			{"江苏省", int64(1234567), int64(123456789), &r, "2026-03-01"},
			{"=SUM(A1)", 7, int64(5), nil, ""},
			{"北京市", int64(0), int64(-1), (*float64)(nil), "2026-11-29T08:00:00Z"},
		},
	}
}

func open(t *testing.T, b []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("open xlsx: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func numFmt(t *testing.T, f *excelize.File, sheet, cell string) string {
	t.Helper()
	id, err := f.GetCellStyle(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	if st.CustomNumFmt == nil {
		return ""
	}
	return *st.CustomNumFmt
}

func TestExportXLSXChinese(t *testing.T) {
	second := &Table{Sheet: "总览", SheetEN: "Overview", Columns: []Column{{Title: "指标"}, {Title: "数值", Kind: Integer}},
		Rows: [][]any{{"保单", int64(3)}}}
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, "zh-CN", sample(), second); err != nil {
		t.Fatal(err)
	}
	f := open(t, buf.Bytes())
	if got := f.GetSheetList(); strings.Join(got, ",") != "按辖区,总览" {
		t.Fatalf("sheets %v", got)
	}
	rows, err := f.GetRows("按辖区", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"辖区", "保单数", "保费（元）", "赔付率", "起保日期"},
		{"江苏省", "1234567", "1234567.89", "0.25", "46082"},
		{"=SUM(A1)", "7", "0.05"},
		{"北京市", "0", "-0.01", "", "46355"},
	}
	for i := range want {
		if strings.Join(rows[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("row %d: %q, want %q", i+1, rows[i], want[i])
		}
	}
	// Formatted as a spreadsheet shows them.
	shown, _ := f.GetRows("按辖区")
	if got := strings.Join(shown[1], "|"); got != "江苏省|1,234,567|1,234,567.89|25.00%|2026-03-01" {
		t.Errorf("formatted row %q", got)
	}
	for cell, nf := range map[string]string{"B2": FormatInteger, "C2": FormatMoney, "D2": FormatPercent, "E2": FormatDate, "C4": FormatMoney} {
		if got := numFmt(t, f, "按辖区", cell); got != nf {
			t.Errorf("%s format %q, want %q", cell, got, nf)
		}
		if ct, _ := f.GetCellType("按辖区", cell); ct == excelize.CellTypeSharedString || ct == excelize.CellTypeInlineString || ct == excelize.CellTypeFormula {
			t.Errorf("%s is stored as %v, want a number", cell, ct)
		}
	}
	// The formula-looking name is a string, never a formula.
	if ct, _ := f.GetCellType("按辖区", "A3"); ct == excelize.CellTypeFormula {
		t.Error("text became a formula")
	}
	if fm, _ := f.GetCellFormula("按辖区", "A3"); fm != "" {
		t.Errorf("formula %q", fm)
	}
	if v, _ := f.GetCellValue("总览", "B2"); v != "3" {
		t.Errorf("overview B2 %q", v)
	}
	if p, _ := f.GetPanes("按辖区"); !p.Freeze || p.YSplit != 1 {
		t.Errorf("header not frozen: %+v", p)
	}
}

// The money values are written as the exact decimal of the 分 amount.
func TestExportXLSXMoneyExact(t *testing.T) {
	amounts := []int64{1, 10, 99, 101, 110, 1999, 100000000001, 1_000_000_000_000, 999_999_999_999_99, 123456789012345, -7}
	tb := &Table{Sheet: "金额", Columns: []Column{{Title: "金额", Kind: Money}}}
	for _, a := range amounts {
		tb.Rows = append(tb.Rows, []any{a})
	}
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, "zh", tb); err != nil {
		t.Fatal(err)
	}
	xml := sheetXML(t, buf.Bytes(), "xl/worksheets/sheet1.xml")
	vals := regexp.MustCompile(`<c r="A(\d+)"[^>]*><v>([^<]*)</v>`).FindAllStringSubmatch(xml, -1)
	if len(vals) != len(amounts) {
		t.Fatalf("%d numeric cells, want %d:\n%s", len(vals), len(amounts), xml)
	}
	for i, a := range amounts {
		want := strings.TrimRight(strings.TrimRight(FormatFen(a), "0"), ".")
		if vals[i][2] != want {
			t.Errorf("%d 分 written %s, want %s", a, vals[i][2], want)
		}
	}
}

func sheetXML(t *testing.T, b []byte, name string) string {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range z.File {
		if f.Name == name {
			r, _ := f.Open()
			x, _ := io.ReadAll(r)
			return string(x)
		}
	}
	t.Fatalf("%s not in the archive", name)
	return ""
}

func TestExportXLSXEnglish(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, "en", sample()); err != nil {
		t.Fatal(err)
	}
	f := open(t, buf.Bytes())
	if got := f.GetSheetList(); len(got) != 1 || got[0] != "By jurisdiction" {
		t.Fatalf("sheets %v", got)
	}
	if v, _ := f.GetCellValue("By jurisdiction", "C1"); v != "Premium (CNY)" {
		t.Errorf("C1 %q", v)
	}
}

func TestExportXLSXStream(t *testing.T) {
	const n = 5000
	tb := &Table{Sheet: "保单明细", Columns: []Column{{Title: "编号"}, {Title: "保费（元）", Kind: Money}}}
	var buf bytes.Buffer
	err := StreamXLSX(&buf, "zh-CN", tb, func(emit func([]any) error) error {
		for i := range n {
			if err := emit([]any{"P" + strings.Repeat("0", 3), int64(i)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	f := open(t, buf.Bytes())
	rows, err := f.Rows("保单明细")
	if err != nil {
		t.Fatal(err)
	}
	count := 0
	for rows.Next() {
		count++
	}
	rows.Close()
	if count != n+1 {
		t.Fatalf("%d rows, want %d", count, n+1)
	}
	if v, _ := f.GetCellValue("保单明细", "B5001"); v != "49.99" {
		t.Errorf("B5001 %q", v)
	}
	// A failing source fails the export.
	boom := errors.New("boom")
	err = StreamXLSX(io.Discard, "zh", tb, func(emit func([]any) error) error { return boom })
	if !errors.Is(err, boom) {
		t.Errorf("source error: %v", err)
	}
	// A row of the wrong width fails it too.
	err = StreamXLSX(io.Discard, "zh", tb, func(emit func([]any) error) error { return emit([]any{"x"}) })
	if err == nil {
		t.Error("short row accepted")
	}
	if err := WriteXLSX(io.Discard, "zh"); err == nil {
		t.Error("no tables accepted")
	}
	if err := WriteXLSX(io.Discard, "zh", &Table{Sheet: "坏[名]"}); err == nil {
		t.Error("invalid sheet name accepted")
	}
}

func TestExportCSV(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteCSV(&buf, "zh-CN", sample()); err != nil {
		t.Fatal(err)
	}
	want := "\ufeff辖区,保单数,保费（元）,赔付率,起保日期\r\n" +
		"江苏省,1234567,1234567.89,25.00%,2026-03-01\r\n" +
		"'=SUM(A1),7,0.05,,\r\n" +
		"北京市,0,-0.01,,2026-11-29\r\n"
	if got := buf.String(); got != want {
		t.Errorf("csv:\n%q\nwant\n%q", got, want)
	}
	buf.Reset()
	tb := &Table{Sheet: "x", Columns: []Column{{Title: "名称", TitleEN: "Name"}, {Title: "金额", TitleEN: "Amount (CNY)", Kind: Money}},
		Each: func(emit func([]any) error) error { return emit([]any{"a,\"b\"", int64(100)}) }}
	if err := WriteCSV(&buf, "en", tb); err != nil {
		t.Fatal(err)
	}
	if got := buf.String(); got != "\ufeffName,Amount (CNY)\r\n\"a,\"\"b\"\"\",1.00\r\n" {
		t.Errorf("csv en %q", got)
	}
}

func TestExportFormatFen(t *testing.T) {
	for fen, want := range map[int64]string{0: "0.00", 1: "0.01", 10: "0.10", 100: "1.00", 123456: "1234.56", -5: "-0.05", -100: "-1.00",
		1_000_000_000_000: "10000000000.00", -9223372036854775808: "-92233720368547758.08"} {
		if got := FormatFen(fen); got != want {
			t.Errorf("FormatFen(%d) = %q, want %q", fen, got, want)
		}
	}
}
