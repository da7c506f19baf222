package uscc

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestParseAndChecksum(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		raw   string    // normalised code when Parse succeeds
		parse ErrorKind // "" when Parse succeeds
		pos   int
		got   byte
		sum   ErrorKind // Checksum result when Parse succeeds, "" for nil
		want  byte      // expected character for checksum faults
	}{
		{name: "check char 0", in: "91110108MA00000070", raw: "91110108MA00000070"},
		{name: "check char Y", in: "91110108MA0000197Y", raw: "91110108MA0000197Y"},
		{name: "org check X", in: "9111010800000006X7", raw: "9111010800000006X7"},
		{name: "lower case", in: "91110108ma0000197y", raw: "91110108MA0000197Y"},
		{name: "spaces trimmed", in: "  91110108MA00000070\t", raw: "91110108MA00000070"},
		{name: "full-width", in: "　９１１１０１０８ＭＡ００００１９７ｙ　", raw: "91110108MA0000197Y"},
		{name: "real code failing check char", in: "91350203M0001QAY9B", raw: "91350203M0001QAY9B", sum: ErrCheckChar, want: '9'},
		{name: "org code check fails", in: "91110108MA00000083", raw: "91110108MA00000083", sum: ErrOrgCodeCheck, want: '7'},
		{name: "org code and check char both wrong", in: "91110108MA00000080", raw: "91110108MA00000080", sum: ErrOrgCodeCheck, want: '7'},
		{name: "check char wrong", in: "91110108MA00000071", raw: "91110108MA00000071", sum: ErrCheckChar, want: '0'},
		{name: "empty", in: "", parse: ErrLength},
		{name: "too short", in: "91110108MA0000007", parse: ErrLength},
		{name: "too long", in: "91110108MA000000700", parse: ErrLength},
		{name: "letter I", in: "91110108MI00000070", parse: ErrCharset, pos: 10, got: 'I'},
		{name: "letter O", in: "9O110108MA00000070", parse: ErrCharset, pos: 2, got: 'O'},
		{name: "letter S", in: "S1110108MA00000070", parse: ErrCharset, pos: 1, got: 'S'},
		{name: "letter V", in: "91110108MA0000007V", parse: ErrCharset, pos: 18, got: 'V'},
		{name: "letter Z", in: "91110108MA000Z0070", parse: ErrCharset, pos: 14, got: 'Z'},
		{name: "lower-case z", in: "91110108MA000z0070", parse: ErrCharset, pos: 14, got: 'Z'},
		{name: "letter in division", in: "911101A8MA00000070", parse: ErrCharset, pos: 7, got: 'A'},
		{name: "punctuation", in: "91110108MA-0000070", parse: ErrCharset, pos: 11, got: '-'},
		{name: "first of two bad chars", in: "91110108MAI000O070", parse: ErrCharset, pos: 11, got: 'I'},
		{name: "inner space", in: "91110108 MA0000070", parse: ErrCharset, pos: 9, got: ' '},
		{name: "chinese character", in: "91110108MA000中0070", parse: ErrCharset, pos: 14, got: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse(tt.in)
			if tt.parse != "" {
				var e *Error
				if !errors.As(err, &e) {
					t.Fatalf("Parse(%q) error = %v, want *Error of kind %s", tt.in, err, tt.parse)
				}
				if e.Kind != tt.parse || e.Pos != tt.pos || e.Got != tt.got {
					t.Fatalf("Parse(%q) = %+v, want kind %s pos %d got %q", tt.in, e, tt.parse, tt.pos, tt.got)
				}
				if c != nil {
					t.Fatalf("Parse(%q) returned a code with an error", tt.in)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.in, err)
			}
			if c.Raw != tt.raw {
				t.Fatalf("Raw = %q, want %q", c.Raw, tt.raw)
			}
			err = c.Checksum()
			if tt.sum == "" {
				if err != nil {
					t.Fatalf("Checksum(%q) = %v, want nil", tt.in, err)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Checksum(%q) = %v, want *Error of kind %s", tt.in, err, tt.sum)
			}
			wantPos := 18
			if tt.sum == ErrOrgCodeCheck {
				wantPos = 17
			}
			if e.Kind != tt.sum || e.Want != tt.want || e.Pos != wantPos || e.Got != tt.raw[wantPos-1] {
				t.Fatalf("Checksum(%q) = %+v, want kind %s pos %d want %q", tt.in, e, tt.sum, wantPos, tt.want)
			}
		})
	}
}

func TestParts(t *testing.T) {
	c, err := Parse("91110108MA0000197Y")
	if err != nil {
		t.Fatal(err)
	}
	if c.Authority != '9' || c.Category != '1' || c.Division != "110108" || c.OrgCode != "MA0000197" || c.Check != 'Y' {
		t.Fatalf("parts = %+v", c)
	}
	if got := c.ProvinceCode(); got != "11" {
		t.Fatalf("ProvinceCode = %q", got)
	}
	if got := c.AuthorityName("zh-CN"); got != "工商（市场监管）" {
		t.Fatalf("AuthorityName zh = %q", got)
	}
	if got := c.CategoryName("zh-CN"); got != "企业" {
		t.Fatalf("CategoryName zh = %q", got)
	}
	if got := c.CategoryName("en"); got != "Enterprise" {
		t.Fatalf("CategoryName en = %q", got)
	}
}

func TestNames(t *testing.T) {
	tests := []struct {
		auth, cat      byte
		authZH, authEN string
		catZH, catEN   string
	}{
		{'1', '1', "机构编制", "Institutional establishment", "机关", "Government organ"},
		{'1', '2', "机构编制", "Institutional establishment", "事业单位", "Public institution"},
		{'3', '4', "司法行政", "Judicial administration", "司法鉴定机构", "Forensic appraisal institution"},
		{'5', '3', "民政", "Civil affairs", "基金会", "Foundation"},
		{'9', '2', "工商（市场监管）", "Market regulation (industry and commerce)", "个体工商户", "Individual business"},
		{'9', '9', "工商（市场监管）", "Market regulation (industry and commerce)", "", ""}, // not in the table under 9
		{'A', '1', "中央军委改革和编制办公室", "CMC Reform and Organisation Office", "军队事业单位", "Military public institution"},
		{'N', '2', "农业", "Agriculture", "村级集体经济组织", "Village-level collective economic organisation"},
		{'Y', '1', "其他", "Other", "其他", "Other"},
		{'B', '1', "", "", "", ""}, // unknown authority
	}
	for _, tt := range tests {
		code, err := Make(tt.auth, tt.cat, "110000", "12345678")
		if err != nil {
			t.Fatal(err)
		}
		c, err := Parse(code)
		if err != nil {
			t.Fatal(err)
		}
		if got := c.AuthorityName("zh-CN"); got != tt.authZH {
			t.Errorf("%c%c AuthorityName zh = %q, want %q", tt.auth, tt.cat, got, tt.authZH)
		}
		if got := c.AuthorityName("en"); got != tt.authEN {
			t.Errorf("%c%c AuthorityName en = %q, want %q", tt.auth, tt.cat, got, tt.authEN)
		}
		if got := c.CategoryName("zh-CN"); got != tt.catZH {
			t.Errorf("%c%c CategoryName zh = %q, want %q", tt.auth, tt.cat, got, tt.catZH)
		}
		if got := c.CategoryName("en"); got != tt.catEN {
			t.Errorf("%c%c CategoryName en = %q, want %q", tt.auth, tt.cat, got, tt.catEN)
		}
		if c.KnownCategory() != (tt.catZH != "") {
			t.Errorf("%c%c KnownCategory = %v", tt.auth, tt.cat, c.KnownCategory())
		}
	}
}

func TestCheckChar(t *testing.T) {
	tests := []struct {
		in   string
		want byte
		kind ErrorKind
		pos  int
	}{
		{in: "91110108MA0000007", want: '0'},
		{in: "91110108MA0000197", want: 'Y'},
		{in: "91350203M0001QAY9", want: '9'},
		{in: "00000000000000000", want: '0'},
		{in: "91110108MA000000", kind: ErrLength},
		{in: "91110108MA000000IX", kind: ErrLength},
		{in: "91110108MA000000I", kind: ErrCharset, pos: 17},
		{in: "91110108ma0000007", kind: ErrCharset, pos: 9}, // no normalisation here
	}
	for _, tt := range tests {
		got, err := CheckChar(tt.in)
		if tt.kind != "" {
			var e *Error
			if !errors.As(err, &e) || e.Kind != tt.kind || e.Pos != tt.pos {
				t.Errorf("CheckChar(%q) error = %v, want kind %s pos %d", tt.in, err, tt.kind, tt.pos)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("CheckChar(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestOrgCodeCheck(t *testing.T) {
	tests := []struct {
		in   string
		want byte
		kind ErrorKind
		pos  int
	}{
		{in: "MA000000", want: '7'},
		{in: "MA000019", want: '7'},
		{in: "M0001QAY", want: '9'},
		{in: "00000006", want: 'X'}, // 11 - 1 = 10
		{in: "00000000", want: '0'}, // 11 - 0 = 11
		{in: "D2143569", want: 'X'}, // GB 11714 standard example D2143569-X
		{in: "ZZZZZZZZ", want: '3'},
		{in: "MA00000", kind: ErrLength},
		{in: "MA00000-", kind: ErrCharset, pos: 8},
		{in: "ma000000", kind: ErrCharset, pos: 1},
	}
	for _, tt := range tests {
		got, err := OrgCodeCheck(tt.in)
		if tt.kind != "" {
			var e *Error
			if !errors.As(err, &e) || e.Kind != tt.kind || e.Pos != tt.pos {
				t.Errorf("OrgCodeCheck(%q) error = %v, want kind %s pos %d", tt.in, err, tt.kind, tt.pos)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("OrgCodeCheck(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestMake(t *testing.T) {
	tests := []struct {
		auth, cat byte
		div, body string
		want      string
		kind      ErrorKind
		pos       int
	}{
		{auth: '9', cat: '1', div: "110108", body: "MA000000", want: "91110108MA00000070"},
		{auth: '9', cat: '1', div: "110108", body: "MA000019", want: "91110108MA0000197Y"},
		{auth: '9', cat: '1', div: "11010", body: "MA000000", kind: ErrLength},
		{auth: '9', cat: '1', div: "110108", body: "MA00000", kind: ErrLength},
		{auth: 'S', cat: '1', div: "110108", body: "MA000000", kind: ErrCharset, pos: 1},
		{auth: '9', cat: 'I', div: "110108", body: "MA000000", kind: ErrCharset, pos: 2},
		{auth: '9', cat: '1', div: "1101A8", body: "MA000000", kind: ErrCharset, pos: 7},
		{auth: '9', cat: '1', div: "110108", body: "MA0O0000", kind: ErrCharset, pos: 12},
		{auth: '9', cat: '1', div: "110108", body: "ma000000", kind: ErrCharset, pos: 9},
	}
	for _, tt := range tests {
		got, err := Make(tt.auth, tt.cat, tt.div, tt.body)
		if tt.kind != "" {
			var e *Error
			if !errors.As(err, &e) || e.Kind != tt.kind || e.Pos != tt.pos {
				t.Errorf("Make(%c,%c,%q,%q) error = %v, want kind %s pos %d", tt.auth, tt.cat, tt.div, tt.body, err, tt.kind, tt.pos)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("Make(%c,%c,%q,%q) = %q, %v; want %q", tt.auth, tt.cat, tt.div, tt.body, got, err, tt.want)
		}
	}
}

func randomParts(r *rand.Rand) (auth, cat byte, div, body string) {
	var b [16]byte
	for i := range b {
		b[i] = Charset[r.IntN(len(Charset))]
	}
	for i := 2; i < 8; i++ {
		b[i] = byte('0' + r.IntN(10))
	}
	return b[0], b[1], string(b[2:8]), string(b[8:16])
}

// TestMakeProperty checks that Make always yields valid codes and that every
// single-character change of a valid code is detected by Parse or Checksum.
func TestMakeProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for n := 0; n < 2000; n++ {
		auth, cat, div, body := randomParts(r)
		code, err := Make(auth, cat, div, body)
		if err != nil {
			t.Fatalf("Make(%c,%c,%q,%q): %v", auth, cat, div, body, err)
		}
		c, err := Parse(code)
		if err != nil {
			t.Fatalf("Parse(Make) %q: %v", code, err)
		}
		if err := c.Checksum(); err != nil {
			t.Fatalf("Checksum(Make) %q: %v", code, err)
		}
		if c.Authority != auth || c.Category != cat || c.Division != div || c.OrgCode[:8] != body {
			t.Fatalf("parts of %q = %+v", code, c)
		}
		if n%20 != 0 { // every substitution of every 20th code: 18 × 35 changes each
			continue
		}
		for i := 0; i < Length; i++ {
			for ch := byte('0'); ch <= 'Z'; ch++ {
				if ch == code[i] || (ch > '9' && ch < 'A') {
					continue
				}
				mut := code[:i] + string(ch) + code[i+1:]
				mc, err := Parse(mut)
				if err == nil && mc.Checksum() == nil {
					t.Fatalf("change at %d of %q to %q (%q) not detected", i+1, code, ch, mut)
				}
			}
		}
	}
}

func TestErrorMessages(t *testing.T) {
	_, err := Parse("91110108MI00000070")
	if err == nil || !strings.Contains(err.Error(), "position 10") || !strings.Contains(err.Error(), "'I'") {
		t.Fatalf("charset message = %v", err)
	}
	_, err = Parse("123")
	if err == nil || !strings.Contains(err.Error(), "length 3, want 18") {
		t.Fatalf("length message = %v", err)
	}
	c, _ := Parse("91350203M0001QAY9B")
	if err := c.Checksum(); err == nil || !strings.Contains(err.Error(), "want '9'") {
		t.Fatalf("check message = %v", err)
	}
}

func TestChecksumHandBuilt(t *testing.T) {
	c := &Code{Raw: "short"}
	var e *Error
	if err := c.Checksum(); !errors.As(err, &e) || e.Kind != ErrLength {
		t.Fatalf("Checksum of hand-built short code = %v", err)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"91110108MA00000070", "91110108MA0000197Y", "91350203M0001QAY9B",
		"91110108ma0000197y", "　９１１１０１０８ＭＡ００００１９７ｙ", "", "9111010800000006X7",
		"91110108MA000中0070",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := Parse(s)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Parse(%q) error %v is not *Error", s, err)
			}
			_ = e.Error()
			return
		}
		if len(c.Raw) != Length {
			t.Fatalf("Parse(%q).Raw = %q", s, c.Raw)
		}
		if err := c.Checksum(); err != nil {
			_ = err.Error()
			return
		}
		again, err := Make(c.Authority, c.Category, c.Division, c.OrgCode[:8])
		if err != nil || again != c.Raw {
			t.Fatalf("Make of parts of %q = %q, %v", c.Raw, again, err)
		}
		if again2, err := Parse(c.Raw); err != nil || *again2 != *c {
			t.Fatalf("Parse not idempotent on %q", c.Raw)
		}
	})
}
