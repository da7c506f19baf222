package cvss

import (
	"strings"
	"testing"

	gocvss30 "github.com/pandatix/go-cvss/30"
	gocvss31 "github.com/pandatix/go-cvss/31"
	gocvss40 "github.com/pandatix/go-cvss/40"
)

func FuzzParse(f *testing.F) {
	for _, ka := range knownAnswers {
		f.Add(ka.vector)
	}
	for _, s := range []string{
		"", "CVSS:3.1", "CVSS:3.1/", "AV:N/AC:L/Au:N/C:P/I:P/A:P",
		"CVSS:3.1/A:H/I:H/C:H/S:U/UI:N/PR:N/AC:L/AV:N",
		"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/SC:N/VI:H/SI:N/VA:H/SA:N",
		"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H//",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := Parse(s)
		if err != nil {
			e, ok := err.(*Error)
			if !ok {
				t.Fatalf("Parse(%q) returned %T, want *Error", s, err)
			}
			if e.Code == CodeInvalid {
				t.Fatalf("Parse(%q): validation passed but scoring failed: %v", s, err)
			}
			if libraryAccepts(s) {
				// Parse is at least as lenient as the scoring library.
				t.Fatalf("Parse(%q) rejects what go-cvss accepts: %v", s, err)
			}
			return
		}
		for _, x := range []float64{v.BaseScore, v.Score} {
			if x < 0 || x > 10 || x != round1(x) {
				t.Fatalf("Parse(%q): score %v out of range or not rounded", s, x)
			}
		}
		if v.Severity != SeverityOf(v.BaseScore) {
			t.Fatalf("Parse(%q): severity %s for %v", s, v.Severity, v.BaseScore)
		}
		again, err := Parse(v.String())
		if err != nil || again != v {
			t.Fatalf("round trip of %q via %q: %v, %+v != %+v", s, v.String(), err, again, v)
		}
	})
}

// libraryAccepts reports whether go-cvss parses s.
func libraryAccepts(s string) bool {
	var err error
	switch {
	case strings.HasPrefix(s, "CVSS:3.0/"):
		_, err = gocvss30.ParseVector(s)
	case strings.HasPrefix(s, "CVSS:3.1/"):
		_, err = gocvss31.ParseVector(s)
	case strings.HasPrefix(s, "CVSS:4.0/"):
		_, err = gocvss40.ParseVector(s)
	default:
		return false
	}
	return err == nil
}
