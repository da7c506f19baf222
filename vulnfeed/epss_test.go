package vulnfeed

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
)

// epssFixture is the synthetic fixture of platforms.md §6.3.
const epssFixture = `#model_version:v2099.01.01,score_date:2099-01-02T00:00:00+0000
cve,epss,percentile
CVE-2099-0001,0.94120,0.99910
CVE-2099-0002,0.00110,0.10500
`

func readAll(t *testing.T, in []byte) (Header, []Row, error) {
	t.Helper()
	var rows []Row
	h, err := ReadEPSS(bytes.NewReader(in), func(r Row) error {
		rows = append(rows, r)
		return nil
	})
	return h, rows, err
}

func TestReadEPSSFixture(t *testing.T) {
	h, rows, err := readAll(t, []byte(epssFixture))
	if err != nil {
		t.Fatal(err)
	}
	if h.ModelVersion != "v2099.01.01" || !h.ScoreDate.Equal(time.Date(2099, 1, 2, 0, 0, 0, 0, time.UTC)) || h.Rows != 2 {
		t.Errorf("header %+v", h)
	}
	want := []Row{{"CVE-2099-0001", 0.9412, 0.9991, 3}, {"CVE-2099-0002", 0.0011, 0.105, 4}}
	if len(rows) != 2 || rows[0] != want[0] || rows[1] != want[1] {
		t.Errorf("rows %+v, want %+v", rows, want)
	}
}

func TestReadEPSSEncodings(t *testing.T) {
	var plain bytes.Buffer
	if err := GenerateEPSS(&plain, 1000, 3); err != nil {
		t.Fatal(err)
	}
	wantH, want, err := readAll(t, plain.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if wantH.Rows != 1000 || len(want) != 1000 {
		t.Fatalf("read %d rows", len(want))
	}
	noFinalNewline := bytes.TrimSuffix(plain.Bytes(), []byte("\n"))
	variants := map[string][]byte{
		"gzip":             gzipBytes(plain.Bytes()),
		"BOM":              append([]byte("\xef\xbb\xbf"), plain.Bytes()...),
		"CRLF":             bytes.ReplaceAll(plain.Bytes(), []byte("\n"), []byte("\r\n")),
		"gzip BOM CRLF":    gzipBytes(append([]byte("\xef\xbb\xbf"), bytes.ReplaceAll(plain.Bytes(), []byte("\n"), []byte("\r\n"))...)),
		"no final newline": noFinalNewline,
		"trailing blanks":  append(bytes.Clone(plain.Bytes()), "\n\r\n\n"...),
	}
	for name, b := range variants {
		h, got, err := readAll(t, b)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if h != wantH || len(got) != len(want) || got[999] != want[999] || got[0] != want[0] {
			t.Errorf("%s: read differently: %+v %+v", name, h, got[len(got)-1])
		}
	}
}

func TestReadEPSSHeaderVariants(t *testing.T) {
	for _, first := range []string{
		"#model_version:v2099.01.01,score_date:2099-01-02T00:00:00+0000",
		"#model_version:v2099.01.01,score_date:2099-01-02T00:00:00Z",
		"#model_version:v2099.01.01,score_date:2099-01-02T00:00:00.123+00:00",
		"#score_date:2099-01-02T00:00:00+0000,model_version:v2099.01.01",
		"#model_version:v2099.01.01,score_date:2099-01-02T00:00:00+0000,publisher:example",
		"#model_version:v2099.01.01,score_date:2099-01-02",
	} {
		h, err := ReadEPSS(strings.NewReader(first+"\nCVE,EPSS,Percentile\nCVE-2099-0001,0.5,0.5\n"), nil)
		if err != nil || h.ModelVersion != "v2099.01.01" || h.ScoreDate.Format(time.DateOnly) != "2099-01-02" || h.Rows != 1 {
			t.Errorf("%s: %+v, %v", first, h, err)
		}
	}
}

func TestReadEPSSErrors(t *testing.T) {
	const head = "#model_version:v2099.01.01,score_date:2099-01-02T00:00:00+0000\ncve,epss,percentile\n"
	tests := []struct {
		name  string
		in    string
		code  string
		line  int
		field string
		text  string
	}{
		{"empty", "", CodeEmpty, 1, "", "empty"},
		{"no comment line", "cve,epss,percentile\nCVE-2099-0001,0.1,0.1\n", CodeHeader, 1, "", "first line must be #model_version"},
		{"no score_date", "#model_version:v2099.01.01\ncve,epss,percentile\n", CodeHeader, 1, "score_date", "missing"},
		{"no model_version", "#score_date:2099-01-02T00:00:00+0000\ncve,epss,percentile\n", CodeHeader, 1, "model_version", "missing"},
		{"bad model_version", "#model_version:2099,score_date:2099-01-02T00:00:00+0000\n", CodeHeader, 1, "model_version", "not a model version"},
		{"bad score_date", "#model_version:v2099.01.01,score_date:yesterday\n", CodeDate, 1, "score_date", "not an ISO 8601"},
		{"header pair", "#model_version:v2099.01.01,score_date\n", CodeHeader, 1, "", "key:value"},
		{"header twice", "#model_version:v2099.01.01,model_version:v2099.01.01\n", CodeHeader, 1, "model_version", "twice"},
		{"no columns", "#model_version:v2099.01.01,score_date:2099-01-02T00:00:00+0000\n", CodeColumns, 2, "", "column header"},
		{"wrong columns", "#model_version:v2099.01.01,score_date:2099-01-02T00:00:00+0000\ncve,score,percentile\n", CodeColumns, 2, "", "column header"},
		{"two fields", head + "CVE-2099-0001,0.1\n", CodeColumns, 3, "", "three fields"},
		{"four fields", head + "CVE-2099-0001,0.1,0.2,0.3\n", CodeColumns, 3, "", "three fields"},
		{"bad cve", head + "CVE-2099-0001,0.1,0.1\nCVE-2099-1,0.1,0.1\n", CodeCVE, 4, "cve", `"CVE-2099-1" is not a CVE id`},
		{"lower-case cve", head + "cve-2099-0001,0.1,0.1\n", CodeCVE, 3, "cve", ""},
		{"epss above 1", head + "CVE-2099-0001,1.5,0.1\n", CodeRange, 3, "epss", "1.5 is outside [0, 1]"},
		{"percentile above 1", head + "CVE-2099-0001,0.5,1.00001\n", CodeRange, 3, "percentile", "outside"},
		{"negative", head + "CVE-2099-0001,-0.1,0.1\n", CodeNumber, 3, "epss", "not a decimal"},
		{"exponent", head + "CVE-2099-0001,1e-5,0.1\n", CodeNumber, 3, "epss", ""},
		{"NaN", head + "CVE-2099-0001,NaN,0.1\n", CodeNumber, 3, "epss", ""},
		{"empty value", head + "CVE-2099-0001,,0.1\n", CodeNumber, 3, "epss", ""},
		{"spaces", head + "CVE-2099-0001, 0.1,0.1\n", CodeNumber, 3, "epss", ""},
		{"bare point", head + "CVE-2099-0001,0.,0.1\n", CodeNumber, 3, "epss", ""},
		{"leading point", head + "CVE-2099-0001,.5,0.1\n", CodeNumber, 3, "epss", ""},
		{"duplicate", head + "CVE-2099-0001,0.1,0.1\nCVE-2099-0002,0.1,0.1\nCVE-2099-0001,0.2,0.2\n", CodeDuplicate, 5, "cve", "CVE-2099-0001 is already on line 3"},
		{"blank line", head + "CVE-2099-0001,0.1,0.1\n\nCVE-2099-0002,0.1,0.1\n", CodeBlankLine, 4, "", "blank line"},
		{"long line", head + "CVE-2099-0001,0.1," + strings.Repeat("1", MaxEPSSLine) + "\n", CodeTooLong, 3, "", "longer than"},
		{"very long line", head + strings.Repeat("x", 100<<10) + "\n", CodeTooLong, 3, "", "longer than"},
	}
	for _, tt := range tests {
		_, err := ReadEPSS(strings.NewReader(tt.in), nil)
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("%s: got %v, want *Error %s", tt.name, err, tt.code)
			continue
		}
		if e.Code != tt.code || e.Line != tt.line || e.Field != tt.field || !strings.Contains(e.Error(), tt.text) || e.Feed != "epss" {
			t.Errorf("%s:\n  got  %s (code %s, line %d, field %q)\n  want code %s, line %d, field %q, text %q",
				tt.name, e, e.Code, e.Line, e.Field, tt.code, tt.line, tt.field, tt.text)
		}
		if !strings.HasPrefix(e.Error(), "epss: line ") {
			t.Errorf("%s: error %q does not name the line", tt.name, e)
		}
	}
}

func TestReadEPSSCallbackAndLimits(t *testing.T) {
	stop := errors.New("stop")
	calls := 0
	h, err := ReadEPSS(strings.NewReader(epssFixture), func(r Row) error {
		calls++
		return stop
	})
	if err != stop || calls != 1 || h.Rows != 0 || h.ModelVersion != "v2099.01.01" {
		t.Errorf("callback error: %v after %d calls, header %+v", err, calls, h)
	}

	defer func(old int64) { epssLimit = old }(epssLimit)
	epssLimit = 8 << 10
	var big bytes.Buffer
	GenerateEPSS(&big, 1000, 1)
	for name, b := range map[string][]byte{"plain": big.Bytes(), "gzip": gzipBytes(big.Bytes())} {
		_, err := ReadEPSS(bytes.NewReader(b), nil)
		var e *Error
		if !errors.As(err, &e) || e.Code != CodeTooLarge || e.Line == 0 {
			t.Errorf("%s over the limit: %v", name, err)
		}
	}
	epssLimit = MaxEPSSBytes
	gz := gzipBytes(big.Bytes())
	_, err = ReadEPSS(bytes.NewReader(gz[:len(gz)-10]), nil)
	var e *Error
	if !errors.As(err, &e) || e.Code != CodeGzip {
		t.Errorf("truncated gzip: %v", err)
	}
}

func TestParseDecimal(t *testing.T) {
	tests := []struct {
		in   string
		want float64
		ok   bool
	}{
		{"0", 0, true}, {"1", 1, true}, {"0.5", 0.5, true}, {"0.00043", 0.00043, true}, {"1.00000", 1, true},
		{"0.123456789012345678901", 0.123456789012345678901, true}, {"000.1", 0.1, true},
		{"", 0, false}, {".5", 0, false}, {"5.", 0, false}, {"1.2.3", 0, false}, {"+1", 0, false}, {"1e3", 0, false},
		{"inf", 0, false}, {"0x1p-2", 0, false},
	}
	for _, tt := range tests {
		got, ok := parseDecimal([]byte(tt.in))
		if ok != tt.ok || ok && got != tt.want {
			t.Errorf("parseDecimal(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func BenchmarkReadEPSS(b *testing.B) {
	var buf bytes.Buffer
	GenerateEPSS(&buf, 300_000, 1)
	b.SetBytes(int64(buf.Len()))
	for b.Loop() {
		if _, err := ReadEPSS(bytes.NewReader(buf.Bytes()), func(Row) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadKEV(b *testing.B) {
	data := GenerateKEV(1500, 1)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := ReadKEV(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}

func TestIDSet(t *testing.T) {
	s := idSet{packed: map[uint64]int{}}
	ids := []string{"CVE-2099-0001", "CVE-2099-00001", "CVE-2098-0001", "CVE-2099-1234567890123",
		"CVE-2099-12345678901234", "CVE-2099-1234567890123456789", "CVE-2099-9999999999999", "CVE-0000-0000"}
	for i, id := range ids {
		if _, dup := s.add(id, i+1); dup {
			t.Errorf("%s reported as a duplicate", id)
		}
	}
	for i, id := range ids {
		if first, dup := s.add(id, 100); !dup || first != i+1 {
			t.Errorf("%s: duplicate %v, first line %d, want line %d", id, dup, first, i+1)
		}
	}
}
