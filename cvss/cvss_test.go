package cvss

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"

	gocvss30 "github.com/pandatix/go-cvss/30"
	gocvss31 "github.com/pandatix/go-cvss/31"
	gocvss40 "github.com/pandatix/go-cvss/40"
)

// Known answers. The v3.1 vectors with a CVE are from FIRST's "CVSS v3.1:
// Examples"; the v4.0 vectors from FIRST's "CVSS v4.0: Examples" and the
// v4.0 specification, checked against FIRST's calculator.
var knownAnswers = []struct {
	vector   string
	base     float64
	severity Severity
	score    float64 // 0: same as base
	nomencl  string
}{
	{"CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:L/I:L/A:N", 5.4, Medium, 0, "Base"},
	{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8, Critical, 0, "Base"},
	{"CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8, Critical, 0, "Base"},
	{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0, Critical, 0, "Base"},
	{"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1, Medium, 0, "Base"},   // CVE-2013-1937 phpMyAdmin XSS
	{"CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N", 6.4, Medium, 0, "Base"},   // CVE-2013-0375 MySQL
	{"CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N", 3.1, Low, 0, "Base"},      // CVE-2014-3566 POODLE
	{"CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H", 9.9, Critical, 0, "Base"}, // CVE-2012-1516 VMware
	{"CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 7.8, High, 0, "Base"},
	{"CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N", 1.6, Low, 0, "Base"},
	{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0, None, 0, "Base"},
	{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:U/RL:O/RC:U", 9.8, Critical, 7.8, "Temporal"},
	{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:X/RL:X/RC:X", 9.8, Critical, 0, "Base"},

	{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:L/SC:N/SI:N/SA:N", 6.9, Medium, 0, "CVSS-B"},
	{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 9.3, Critical, 0, "CVSS-B"},
	{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H", 10.0, Critical, 0, "CVSS-B"},
	{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N", 0.0, None, 0, "CVSS-B"},
	{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:H/SI:H/SA:H", 7.9, High, 0, "CVSS-B"},
	{"CVSS:4.0/AV:L/AC:L/AT:P/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 7.3, High, 0, "CVSS-B"}, // CVE-2022-41741 nginx
	{"CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:P/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 7.7, High, 0, "CVSS-B"},
	{"CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:P/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U", 7.7, High, 5.2, "CVSS-BT"},
	{"CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:H/VI:L/VA:L/SC:N/SI:N/SA:N", 8.3, High, 0, "CVSS-B"},
	{"CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:H/VI:L/VA:L/SC:N/SI:N/SA:N/CR:H/IR:L/AR:L/MAV:N/MAC:H/MVC:H/MVI:L/MVA:L", 8.3, High, 8.1, "CVSS-BE"},
	{"CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:A/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N", 4.6, Medium, 0, "CVSS-B"},
	{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:U", 10.0, Critical, 9.1, "CVSS-BT"},
	{"CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:N/VI:L/VA:N/SC:N/SI:N/SA:N", 5.3, Medium, 0, "CVSS-B"},
	// Supplemental metrics do not change the score.
	{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/S:P/AU:Y/R:I/V:C/RE:H/U:Red", 9.3, Critical, 0, "CVSS-B"},
}

func TestKnownAnswers(t *testing.T) {
	for _, ka := range knownAnswers {
		v, err := Parse(ka.vector)
		if err != nil {
			t.Errorf("Parse(%s): %v", ka.vector, err)
			continue
		}
		score := ka.score
		if score == 0 {
			score = ka.base
		}
		if v.BaseScore != ka.base || v.Severity != ka.severity || v.Score != score || v.Nomenclature != ka.nomencl {
			t.Errorf("Parse(%s) = base %v %s, score %v %s; want base %v %s, score %v %s",
				ka.vector, v.BaseScore, v.Severity, v.Score, v.Nomenclature, ka.base, ka.severity, score, ka.nomencl)
		}
		if v.String() != ka.vector {
			t.Errorf("String() = %s, want %s", v.String(), ka.vector)
		}
	}
}

func TestVersionAndAccessors(t *testing.T) {
	v, err := Parse("CVSS:3.0/AV:N/AC:L/PR:L/UI:R/S:C/C:L/I:L/A:N/CR:H")
	if err != nil {
		t.Fatal(err)
	}
	if v.Version != V30 || v.Get("AV") != "N" || v.Get("CR") != "H" || v.Get("E") != "X" || v.Get("AT") != "" {
		t.Errorf("accessors: version %s AV %q CR %q E %q AT %q", v.Version, v.Get("AV"), v.Get("CR"), v.Get("E"), v.Get("AT"))
	}
	if v.Nomenclature != "Environmental" {
		t.Errorf("nomenclature %s, want Environmental", v.Nomenclature)
	}
	ms := v.Metrics()
	if len(ms) != 9 || ms[0] != (Metric{"AV", "Attack Vector", "N"}) || ms[8].Abbr != "CR" {
		t.Errorf("Metrics() = %v", ms)
	}
}

// CVSS v3.x readers must accept metrics in any order (v3.1 specification §6).
func TestV3AnyOrder(t *testing.T) {
	v, err := Parse("CVSS:3.1/A:H/I:H/C:H/S:U/UI:N/PR:N/AC:L/AV:N/RC:C")
	if err != nil {
		t.Fatal(err)
	}
	if v.BaseScore != 9.8 || v.String() != "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/RC:C" {
		t.Errorf("got %v %s", v.BaseScore, v.String())
	}
}

func TestParseErrors(t *testing.T) {
	const base31 = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
	const base40 = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"
	tests := []struct {
		in     string
		code   string
		metric string
		pos    int
		offset int // -1: not checked
	}{
		{"", CodeEmpty, "", 0, 0},
		{base31 + strings.Repeat("/E:X", 200), CodeTooLong, "", 0, -1},
		{"AV:N/AC:L/Au:N/C:P/I:P/A:P", CodeVersion, "", 0, 0},
		{"cvss:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", CodePrefix, "", 0, 0},
		{"AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", CodePrefix, "", 0, 0},
		{"CVSS:3.2/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", CodeVersion, "", 0, 5},
		{"CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P", CodeVersion, "", 0, 5},
		{"CVSS:3.1", CodeMissing, "AV", 0, 8},
		{"CVSS:3.1/", CodeMissing, "AV", 0, 9},
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H", CodeMissing, "A", 0, -1},
		{base31 + "/", CodeSyntax, "", 9, len(base31) + 1},
		{"CVSS:3.1/AV:N//AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", CodeSyntax, "", 2, 14},
		{"CVSS:3.1/AV/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", CodeSyntax, "", 1, 9},
		{"CVSS:3.1/AV:N:L/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", CodeSyntax, "", 1, 9},
		{"CVSS:3.1/AV:/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", CodeSyntax, "", 1, 9},
		{"CVSS:3.1/AV:N/AC:L/AV:N/PR:N/UI:N/S:U/C:H/I:H/A:H", CodeDuplicate, "AV", 3, 19},
		{"CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", CodeValue, "AV", 1, 12},
		{"CVSS:3.1/AV:n/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", CodeValue, "AV", 1, 12},
		{"CVSS:3.1/av:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", CodeUnknownMetric, "av", 1, 9},
		{"CVSS:3.1/AV:N/AC:L/AT:N/PR:N/UI:N/S:U/C:H/I:H/A:H", CodeUnknownMetric, "AT", 3, 19},
		{base31 + "/E:A", CodeValue, "E", 9, -1},
		{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/SC:N/VI:H/SI:N/VA:H/SA:N", CodeOrder, "VI", 8, -1},
		{base40 + "/CR:H/E:A", CodeOrder, "E", 13, -1},
		{base40 + "/U:Red/S:P", CodeOrder, "S", 13, -1},
		{"CVSS:4.0/AV:N/AC:L/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", CodeMissing, "AT", 0, -1},
		{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N", CodeMissing, "SA", 0, -1},
		{base40 + "/S:C", CodeValue, "S", 12, -1},
		{base40 + "/U:red", CodeValue, "U", 12, -1},
		{base40 + "/MSI:S/MSI:S", CodeDuplicate, "MSI", 13, -1},
		{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/C:H/I:H/A:H", CodeUnknownMetric, "C", 6, -1},
		{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:R/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", CodeValue, "UI", 5, -1},
	}
	for _, tt := range tests {
		_, err := Parse(tt.in)
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("Parse(%q) = %v, want *cvss.Error %s", tt.in, err, tt.code)
			continue
		}
		if e.Code != tt.code || e.Metric != tt.metric || e.Position != tt.pos || tt.offset >= 0 && e.Offset != tt.offset {
			t.Errorf("Parse(%q):\n  got  %s (code %s metric %q pos %d offset %d)\n  want code %s metric %q pos %d offset %d",
				tt.in, e, e.Code, e.Metric, e.Position, e.Offset, tt.code, tt.metric, tt.pos, tt.offset)
		}
	}
}

func TestErrorText(t *testing.T) {
	_, err := Parse("CVSS:3.1/AV:N/AC:L/PR:Q/UI:N/S:U/C:H/I:H/A:H")
	want := `cvss: "Q" is not a value of PR (Privileges Required); allowed: N, L, H (byte 22)`
	if err == nil || err.Error() != want {
		t.Errorf("got  %v\nwant %s", err, want)
	}
	_, err = Parse("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/SC:N/VI:H/SI:N/VA:H/SA:N")
	want = "cvss: metric VI must come before SC: CVSS v4.0 requires the metric order of its specification (Table 23) (byte 44)"
	if err == nil || err.Error() != want {
		t.Errorf("got  %v\nwant %s", err, want)
	}
}

func TestSeverityAndCNNVD(t *testing.T) {
	tests := []struct {
		score float64
		sev   Severity
		grade CNNVDGrade
	}{
		{0, None, ""}, {0.1, Low, CNNVDLow}, {3.9, Low, CNNVDLow}, {4.0, Medium, CNNVDMedium},
		{6.9, Medium, CNNVDMedium}, {7.0, High, CNNVDHigh}, {8.9, High, CNNVDHigh},
		{9.0, Critical, CNNVDCritical}, {10, Critical, CNNVDCritical}, {3.95, Medium, CNNVDMedium},
	}
	for _, tt := range tests {
		if got := SeverityOf(tt.score); got != tt.sev {
			t.Errorf("SeverityOf(%v) = %s, want %s", tt.score, got, tt.sev)
		}
		if got := CNNVDGradeOf(tt.score); got != tt.grade {
			t.Errorf("CNNVDGradeOf(%v) = %s, want %s", tt.score, got, tt.grade)
		}
	}
	v, _ := Parse("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")
	if v.CNNVD() != CNNVDCritical || v.CNNVD().English() != "Critical" {
		t.Errorf("CNNVD() = %s", v.CNNVD())
	}
	if FormatScore(9.8) != "9.8" || FormatScore(10) != "10.0" {
		t.Errorf("FormatScore: %s %s", FormatScore(9.8), FormatScore(10))
	}
}

// Random valid vectors: Parse must accept them and agree with the library
// called directly; a v3 vector shuffled scores the same.
func TestRandomVectorsAgreeWithLibrary(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for n := 0; n < 3000; n++ {
		ver := []Version{V30, V31, V40}[n%3]
		defs := v3Metrics
		if ver == V40 {
			defs = v4Metrics
		}
		var parts []string
		for _, d := range defs {
			if !d.mandatory && rng.IntN(3) != 0 {
				continue
			}
			parts = append(parts, d.abbr+":"+d.values[rng.IntN(len(d.values))])
		}
		vec := "CVSS:" + string(ver) + "/" + strings.Join(parts, "/")
		v, err := Parse(vec)
		if err != nil {
			t.Fatalf("Parse(%s): %v", vec, err)
		}
		var want float64
		switch ver {
		case V30:
			c, err := gocvss30.ParseVector(vec)
			if err != nil {
				t.Fatal(err)
			}
			want = c.BaseScore()
		case V31:
			c, err := gocvss31.ParseVector(vec)
			if err != nil {
				t.Fatal(err)
			}
			want = c.BaseScore()
		case V40:
			c, err := gocvss40.ParseVector(vec)
			if err != nil {
				t.Fatal(err)
			}
			want = c.Score()
			if v.Score != round1(want) {
				t.Fatalf("%s: score %v, library %v", vec, v.Score, want)
			}
			continue
		}
		if v.BaseScore != round1(want) {
			t.Fatalf("%s: base %v, library %v", vec, v.BaseScore, want)
		}
		rng.Shuffle(len(parts), func(i, j int) { parts[i], parts[j] = parts[j], parts[i] })
		w, err := Parse("CVSS:" + string(ver) + "/" + strings.Join(parts, "/"))
		if err != nil || w != v {
			t.Fatalf("shuffled %s: %v, %+v != %+v", vec, err, w, v)
		}
	}
}
