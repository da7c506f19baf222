package vulnfeed

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strconv"
	"strings"
	"time"
)

// Limits of ReadEPSS. The daily file is about 300,000 rows, 10 MB
// uncompressed.
const (
	MaxEPSSBytes = 256 << 20 // decompressed size of an EPSS file
	MaxEPSSLine  = 1024      // bytes in one line
)

// epssLimit is MaxEPSSBytes; tests lower it.
var epssLimit int64 = MaxEPSSBytes

// Header is the first line of a FIRST EPSS file,
// "#model_version:v2023.03.01,score_date:2023-03-07T00:00:00+0000", and,
// once the file is read, its row count.
type Header struct {
	ModelVersion string    // e.g. "v2023.03.01"
	ScoreDate    time.Time // in UTC
	Rows         int       // data rows read (set when the whole file has been read)
}

// Row is one EPSS score.
type Row struct {
	CVE        string
	EPSS       float64 // probability of exploitation activity in the next 30 days, in [0, 1]
	Percentile float64 // share of scored CVEs with an EPSS at or below this one, in [0, 1]
	Line       int     // 1-based line number in the file
}

// ReadEPSS reads a FIRST EPSS CSV file, gzipped or plain (told apart by the
// gzip magic bytes), and calls fn for each row in file order, so a file of
// 300,000 rows streams without being held in memory. The file must start
// with the "#model_version:…,score_date:…" line (other key:value pairs in it
// are ignored), then the column header "cve,epss,percentile", then rows. A
// byte-order mark and CRLF line endings are accepted; blank lines only at the
// end. Each row is checked: the CVE id pattern, epss and percentile plain
// decimals in [0, 1], and no CVE id twice.
//
// Any fault stops the reading with an *Error naming the line; rows before it
// have already been passed to fn, so a caller that imports rows should do so
// in a transaction it rolls back on error. An error returned by fn stops the
// reading and is returned as is. The Header is returned in every case, with
// Rows counting the rows passed to fn.
func ReadEPSS(r io.Reader, fn func(Row) error) (Header, error) {
	var h Header
	in, err := openInput(r, epssLimit)
	if err != nil {
		err.(*Error).Feed = "epss"
		return h, err
	}
	p := epssParser{in: in}
	line, err := p.line()
	if err != nil {
		return h, err
	}
	if line == nil {
		return h, epssError(CodeEmpty, 1, "", "", "the file is empty")
	}
	if h, err = parseEPSSHeader(line); err != nil {
		return h, err
	}
	line, err = p.line()
	if err != nil {
		return h, err
	}
	if line == nil || !strings.EqualFold(string(bytes.TrimSpace(line)), "cve,epss,percentile") {
		got := "nothing"
		if line != nil {
			got = strconv.Quote(string(line))
		}
		return h, epssError(CodeColumns, 2, "", "", "the second line must be the column header cve,epss,percentile, not %s", got)
	}
	seen := idSet{packed: make(map[uint64]int, 1024)}
	blank := 0 // line number of a blank line seen, until a row follows it
	for {
		line, err := p.line()
		if err != nil {
			return h, err
		}
		if line == nil {
			return h, nil
		}
		if len(line) == 0 {
			if blank == 0 {
				blank = p.n
			}
			continue
		}
		if blank != 0 {
			return h, epssError(CodeBlankLine, blank, "", "", "blank line before more rows")
		}
		row, err := parseEPSSRow(line, p.n)
		if err != nil {
			return h, err
		}
		if first, dup := seen.add(row.CVE, p.n); dup {
			return h, epssError(CodeDuplicate, p.n, "cve", row.CVE, "%s is already on line %d", row.CVE, first)
		}
		if fn != nil {
			if err := fn(row); err != nil {
				return h, err
			}
		}
		h.Rows++
	}
}

// idSet remembers the CVE ids seen and where. Most ids pack into a uint64
// (4-digit year in 14 bits, digit count in 4 bits, a number below 2^46 in
// 46 bits), which a map hashes and compares several times faster than the
// string; ids with longer numbers, which the CVE program has not issued, go
// to a string map. The digit count keeps CVE-2099-0001 and CVE-2099-00001
// apart.
type idSet struct {
	packed map[uint64]int
	long   map[string]int
}

// add records valid CVE id at line and returns the line it was first seen
// on, if it was.
func (s *idSet) add(id string, line int) (int, bool) {
	var num uint64
	n := len(id) - 9
	for i := 9; i < len(id); i++ {
		num = num*10 + uint64(id[i]-'0')
	}
	if n > 13 || num >= 1<<46 {
		if s.long == nil {
			s.long = map[string]int{}
		}
		first, dup := s.long[id]
		if !dup {
			s.long[id] = line
		}
		return first, dup
	}
	year := uint64(id[4]-'0')*1000 + uint64(id[5]-'0')*100 + uint64(id[6]-'0')*10 + uint64(id[7]-'0')
	key := year<<50 | uint64(n-4)<<46 | num
	first, dup := s.packed[key]
	if !dup {
		s.packed[key] = line
	}
	return first, dup
}

type epssParser struct {
	in *input
	n  int // number of the line last read
}

// line returns the next line without its line ending, or nil at the end of
// the input. The slice is valid until the next call.
func (p *epssParser) line() ([]byte, error) {
	b, err := p.in.ReadSlice('\n')
	if len(b) == 0 && err == io.EOF {
		return nil, nil
	}
	p.n++
	if errors.Is(err, bufio.ErrBufferFull) || len(b) > MaxEPSSLine+2 {
		return nil, epssError(CodeTooLong, p.n, "", "", "the line is longer than %d bytes", MaxEPSSLine)
	}
	if err != nil && err != io.EOF {
		e := p.in.fail(err)
		e.Feed, e.Line = "epss", p.n
		return nil, e
	}
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
	}
	if n := len(b); n > 0 && b[n-1] == '\r' {
		b = b[:n-1]
	}
	if len(b) > MaxEPSSLine {
		return nil, epssError(CodeTooLong, p.n, "", "", "the line is longer than %d bytes", MaxEPSSLine)
	}
	return b, nil
}

// parseEPSSHeader reads "#model_version:v2023.03.01,score_date:2023-03-07T00:00:00+0000".
func parseEPSSHeader(line []byte) (Header, error) {
	var h Header
	s := string(line)
	if !strings.HasPrefix(s, "#") {
		return h, epssError(CodeHeader, 1, "", "", "the first line must be #model_version:…,score_date:…, not %q", truncate(s, 60))
	}
	seen := map[string]bool{}
	for pair := range strings.SplitSeq(s[1:], ",") {
		key, val, ok := strings.Cut(strings.TrimSpace(pair), ":")
		if !ok {
			return h, epssError(CodeHeader, 1, "", "", "%q in the first line is not of the form key:value", truncate(pair, 60))
		}
		if seen[key] {
			return h, epssError(CodeHeader, 1, key, "", "is given twice")
		}
		seen[key] = true
		switch key {
		case "model_version":
			if !validModelVersion(val) {
				return h, epssError(CodeHeader, 1, key, "", "%q is not a model version such as v2023.03.01", truncate(val, 60))
			}
			h.ModelVersion = val
		case "score_date":
			t, ok := parseScoreDate(val)
			if !ok {
				return h, epssError(CodeDate, 1, key, "", "%q is not an ISO 8601 timestamp such as 2023-03-07T00:00:00+0000", truncate(val, 60))
			}
			h.ScoreDate = t
		}
	}
	for _, key := range []string{"model_version", "score_date"} {
		if !seen[key] {
			return h, epssError(CodeHeader, 1, key, "", "is missing from the first line")
		}
	}
	return h, nil
}

// validModelVersion checks vYYYY.MM.DD.
func validModelVersion(s string) bool {
	return len(s) == 11 && s[0] == 'v' && digits(s[1:5]) && s[5] == '.' && digits(s[6:8]) && s[8] == '.' && digits(s[9:11])
}

var scoreDateLayouts = []string{
	"2006-01-02T15:04:05Z0700",           // the files' own form: +0000
	"2006-01-02T15:04:05.999999999Z0700", // with fractional seconds
	time.RFC3339Nano,                     // +00:00 or Z
	time.DateOnly,
}

func parseScoreDate(s string) (time.Time, bool) {
	for _, layout := range scoreDateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

func parseEPSSRow(line []byte, n int) (Row, error) {
	c1 := bytes.IndexByte(line, ',')
	c2 := -1
	if c1 >= 0 {
		if k := bytes.IndexByte(line[c1+1:], ','); k >= 0 {
			c2 = c1 + 1 + k
		}
	}
	if c1 < 0 || c2 < 0 || bytes.IndexByte(line[c2+1:], ',') >= 0 {
		return Row{}, epssError(CodeColumns, n, "", "", "the row must have three fields (cve,epss,percentile): %q", truncate(string(line), 60))
	}
	id := line[:c1]
	if !validCVEBytes(id) {
		return Row{}, epssError(CodeCVE, n, "cve", "", "%q is not a CVE id (CVE-YYYY-NNNN…)", truncate(string(id), 40))
	}
	row := Row{CVE: string(id), Line: n}
	var ok bool
	if row.EPSS, ok = parseUnit(line[c1+1 : c2]); !ok {
		return Row{}, unitError(n, "epss", row.CVE, line[c1+1:c2])
	}
	if row.Percentile, ok = parseUnit(line[c2+1:]); !ok {
		return Row{}, unitError(n, "percentile", row.CVE, line[c2+1:])
	}
	return row, nil
}

func unitError(n int, field, cve string, b []byte) *Error {
	if _, ok := parseDecimal(b); ok {
		return epssError(CodeRange, n, field, cve, "%s is outside [0, 1]", b)
	}
	return epssError(CodeNumber, n, field, cve, "%q is not a decimal number such as 0.00123", truncate(string(b), 40))
}

// parseUnit parses a plain decimal in [0, 1].
func parseUnit(b []byte) (float64, bool) {
	x, ok := parseDecimal(b)
	return x, ok && x >= 0 && x <= 1
}

// pow10 holds the powers of ten that float64 represents exactly.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// parseDecimal parses digits with an optional fraction ("0.00123", "1",
// "1.0", ".5" is refused): no sign, exponent, spaces, NaN or infinity. Up to
// 15 significant digits the result is one correctly rounded division, as in
// strconv's fast path; longer numbers go to strconv.
func parseDecimal(b []byte) (float64, bool) {
	if len(b) == 0 || len(b) > 64 {
		return 0, false
	}
	var mant uint64
	digitsSeen, frac, point := 0, 0, -1
	for i, c := range b {
		switch {
		case c >= '0' && c <= '9':
			if digitsSeen > 0 || c != '0' {
				digitsSeen++
			}
			if digitsSeen <= 19 {
				mant = mant*10 + uint64(c-'0')
			}
			if point >= 0 {
				frac++
			}
		case c == '.' && point < 0 && i > 0:
			point = i
		default:
			return 0, false
		}
	}
	if point == len(b)-1 {
		return 0, false // "1." has no fraction digits
	}
	if digitsSeen <= 15 && frac < len(pow10) {
		return float64(mant) / pow10[frac], true
	}
	x, err := strconv.ParseFloat(string(b), 64)
	return x, err == nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
