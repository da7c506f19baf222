package cpe

import (
	"errors"
	"strings"
	"testing"
)

func TestParseValid(t *testing.T) {
	tests := []struct {
		in    string
		canon string // "" when the input is already canonical
		check func(Name) string
	}{
		// NIST IR 7695 §6.2 examples.
		{in: `cpe:2.3:a:microsoft:internet_explorer:8.0.6001:beta:*:*:*:*:*:*`},
		{in: `cpe:2.3:a:microsoft:internet_explorer:8.*:sp?:*:*:*:*:*:*`},
		{in: `cpe:2.3:a:microsoft:internet_explorer:8.\*:sp?:*:*:*:*:*:*`},
		{in: `cpe:2.3:a:hp:insight_diagnostics:7.4.0.1570:-:*:*:online:win2003:x64:*`,
			check: func(n Name) string {
				if n.Update != NA || n.SWEdition != "online" || n.TargetSW != "win2003" || n.TargetHW != "x64" {
					return "attributes misread"
				}
				return ""
			}},
		{in: `cpe:2.3:a:hp:openview_network_manager:7.51:*:*:*:*:linux:*:*`},
		{in: `cpe:2.3:a:foo\\bar:big\$money_manager_2010:*:*:*:*:special:ipod_touch:80gb:*`,
			check: func(n Name) string {
				if Unquote(n.Vendor) != `foo\bar` || Unquote(n.Product) != "big$money_manager_2010" {
					return "quoted values misread: " + n.Vendor + " " + n.Product
				}
				return ""
			}},
		// NVD-style names.
		{in: `cpe:2.3:a:openssl:openssl:1.0.2k:*:*:*:*:*:*:*`},
		{in: `cpe:2.3:o:microsoft:windows_10:1607:*:*:*:*:*:x64:*`},
		{in: `cpe:2.3:h:examplevendor:examplerouter:-:*:*:*:*:*:*:*`},
		{in: `cpe:2.3:a:examplevendor:example\:plugin:1.0\+build5:*:*:zh-cn:*:*:*:*`,
			check: func(n Name) string {
				if Unquote(n.Product) != "example:plugin" || Unquote(n.Version) != "1.0+build5" || n.Language != "zh-cn" {
					return "escaped colon or plus misread"
				}
				return ""
			}},
		{in: `cpe:2.3:*:*:*:*:*:*:*:*:*:*:*`},
		{in: `cpe:2.3:-:-:-:-:-:-:-:-:-:-:-`},
		{in: `cpe:2.3:a:*vendor:product*:??1.0??:*:*:es-419:*:*:*:*`},
		// Quoted "-", "." and "_" are stored unquoted, as the canonical binding does.
		{in: `cpe:2.3:a:foo\-bar:x\.y\_z:1\.0:*:*:*:*:*:*:*`, canon: `cpe:2.3:a:foo-bar:x.y_z:1.0:*:*:*:*:*:*:*`},
		// A value that is a quoted hyphen stays quoted: unquoted it would be NA.
		{in: `cpe:2.3:a:foo:bar:\-:*:*:*:*:*:*:*`,
			check: func(n Name) string {
				if n.Version != `\-` {
					return "a literal hyphen became " + n.Version
				}
				return ""
			}},
		// Case is kept.
		{in: `cpe:2.3:a:Apache:HTTP_Server:2.4.49:*:*:EN:*:*:*:*`},
	}
	for _, tt := range tests {
		n, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		want := tt.canon
		if want == "" {
			want = tt.in
		}
		if got := n.String(); got != want {
			t.Errorf("Parse(%q).String() = %q, want %q", tt.in, got, want)
		}
		if again, err := Parse(n.String()); err != nil || again != n {
			t.Errorf("round trip of %q: %v, %+v != %+v", tt.in, err, again, n)
		}
		if tt.check != nil {
			if msg := tt.check(n); msg != "" {
				t.Errorf("Parse(%q): %s", tt.in, msg)
			}
		}
	}
}

func TestParseInvalid(t *testing.T) {
	tests := []struct {
		in        string
		code      string
		component string
		offset    int // -1: not checked
	}{
		{"", CodeEmpty, "", 0},
		{strings.Repeat("a", MaxLength+1), CodeTooLong, "", -1},
		{"cpe:/a:microsoft:internet_explorer:8.0.6001:beta", CodeURIBinding, "", 0},
		{"cpe:2.2:a:foo:bar:1:*:*:*:*:*:*:*", CodePrefix, "", 0},
		{"CPE:2.3:a:foo:bar:1:*:*:*:*:*:*:*", CodePrefix, "", 0},
		{"cpe:2.3:a:foo:bar:1.0", CodeComponents, "", -1},
		{"cpe:2.3:a:foo:bar:1:*:*:*:*:*:*:*:", CodeComponents, "", -1},
		{"cpe:2.3:a:foo:bar:1:*:*:*:*:*:*:*:*", CodeComponents, "", -1},
		{"cpe:2.3:x:foo:bar:1:*:*:*:*:*:*:*", CodePart, "part", 8},
		{"cpe:2.3:A:foo:bar:1:*:*:*:*:*:*:*", CodePart, "part", 8},
		{"cpe:2.3:a::bar:1:*:*:*:*:*:*:*", CodeEmpty, "vendor", 10},
		{"cpe:2.3:a:foo:bar:12.*.1:*:*:*:*:*:*:*", CodeWildcard, "version", 21},
		{"cpe:2.3:a:foo:bar:**:*:*:*:*:*:*:*", CodeWildcard, "version", 18},
		{"cpe:2.3:a:foo:bar:1?2:*:*:*:*:*:*:*", CodeWildcard, "version", 19},
		{"cpe:2.3:a:foo:bar:*?1:*:*:*:*:*:*:*", CodeWildcard, "version", 19},
		{"cpe:2.3:a:foo:bar:??:*:*:*:*:*:*:*", CodeWildcard, "version", 18},
		{"cpe:2.3:a:foo:bar:1.0+beta:*:*:*:*:*:*:*", CodeChar, "version", 21},
		{"cpe:2.3:a:foo bar:bar:1:*:*:*:*:*:*:*", CodeChar, "vendor", 13},
		{"cpe:2.3:a:foo:bär:1:*:*:*:*:*:*:*", CodeChar, "product", 15},
		{"cpe:2.3:a:foo:bar:1:*:*:*:*:*:*:\\a", CodeEscape, "other", -1},
		{"cpe:2.3:a:foo:bar:1:*:*:*:*:*:*:x\\", CodeEscape, "other", -1},
		{"cpe:2.3:a:foo:bar:1:*:*:english:*:*:*:*", CodeLanguage, "language", -1},
		{"cpe:2.3:a:foo:bar:1:*:*:en-*:*:*:*:*", CodeLanguage, "language", -1},
		{"cpe:2.3:a:foo:bar:1:*:*:e1:*:*:*:*", CodeLanguage, "language", -1},
	}
	for _, tt := range tests {
		_, err := Parse(tt.in)
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("Parse(%q) = %v, want a *cpe.Error %s", tt.in, err, tt.code)
			continue
		}
		if e.Code != tt.code || e.Component != tt.component || tt.offset >= 0 && e.Offset != tt.offset {
			t.Errorf("Parse(%q) = %q (code %s, component %q, offset %d), want code %s, component %q, offset %d",
				tt.in, e.Error(), e.Code, e.Component, e.Offset, tt.code, tt.component, tt.offset)
		}
		if e.Component != "" && !strings.Contains(e.Error(), e.Component) {
			t.Errorf("error %q does not name the component", e.Error())
		}
	}
}

func TestErrorMessage(t *testing.T) {
	_, err := Parse("cpe:2.3:a:foo:bar:12.*.1:*:*:*:*:*:*:*")
	want := `cpe: version (component 6 of 13, byte 21) has an unquoted * inside it; * may only start or end a value (quote a literal asterisk as \*)`
	if err == nil || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
}

func TestQuoteUnquote(t *testing.T) {
	for _, s := range []string{"1.0+beta", "example:plugin", `a\b`, "x*y?", "-", "big$money", "plain_1.0-rc1"} {
		q := Quote(s)
		if got := Unquote(q); got != s && s != "-" {
			t.Errorf("Unquote(Quote(%q)) = %q (quoted %q)", s, got, q)
		}
		name := "cpe:2.3:a:vendor:" + q + ":*:*:*:*:*:*:*:*"
		n, err := Parse(name)
		if err != nil {
			t.Errorf("Parse of quoted %q: %v", s, err)
			continue
		}
		if n.Product == NA || n.Product == Any {
			t.Errorf("Quote(%q) = %q became a logical value", s, q)
		}
	}
	if Quote("") != NA {
		t.Errorf("Quote(\"\") = %q, want NA", Quote(""))
	}
}

func TestMatch(t *testing.T) {
	tests := []struct {
		pattern, target string
		want            bool
	}{
		// ANY matches everything concrete; NA matches NA only.
		{"cpe:2.3:a:microsoft:internet_explorer:*:*:*:*:*:*:*:*", "cpe:2.3:a:microsoft:internet_explorer:8.0.6001:beta:-:-:-:-:-:-", true},
		{"cpe:2.3:a:microsoft:internet_explorer:-:*:*:*:*:*:*:*", "cpe:2.3:a:microsoft:internet_explorer:-:beta:*:*:*:*:*:*", true},
		{"cpe:2.3:a:microsoft:internet_explorer:-:*:*:*:*:*:*:*", "cpe:2.3:a:microsoft:internet_explorer:8.0:*:*:*:*:*:*:*", false},
		{"cpe:2.3:a:microsoft:internet_explorer:8.0:*:*:*:*:*:*:*", "cpe:2.3:a:microsoft:internet_explorer:-:*:*:*:*:*:*:*", false},
		// A target value of ANY is not covered by a specific pattern value (SUBSET).
		{"cpe:2.3:a:microsoft:internet_explorer:8.0:*:*:*:*:*:*:*", "cpe:2.3:a:microsoft:internet_explorer:*:*:*:*:*:*:*:*", false},
		// Case does not matter.
		{"cpe:2.3:a:Microsoft:Internet_Explorer:8.0:*:*:*:*:*:*:*", "cpe:2.3:a:microsoft:internet_explorer:8.0:*:*:*:*:*:*:*", true},
		{"cpe:2.3:a:microsoft:internet_explorer:8.0:*:*:*:*:*:*:*", "cpe:2.3:a:microsoft:internet_explorer:8.00:*:*:*:*:*:*:*", false},
		// Wildcards in the pattern (NIST IR 7696 examples).
		{"cpe:2.3:a:microsoft:internet_explorer:8.*:sp?:*:*:*:*:*:*", "cpe:2.3:a:microsoft:internet_explorer:8.0.6001:sp2:*:*:*:*:*:*", true},
		{"cpe:2.3:a:microsoft:internet_explorer:8.*:sp?:*:*:*:*:*:*", "cpe:2.3:a:microsoft:internet_explorer:8.0.6001:sp2:-:-:-:-:-:-", true},
		{"cpe:2.3:a:microsoft:internet_explorer:8.*:sp?:*:*:*:*:*:*", "cpe:2.3:a:microsoft:internet_explorer:9.0:sp2:-:-:-:-:-:-", false},
		{"cpe:2.3:a:microsoft:internet_explorer:8.*:sp?:*:*:*:*:*:*", "cpe:2.3:a:microsoft:internet_explorer:8.0:sp:-:-:-:-:-:-", true},
		{"cpe:2.3:a:microsoft:internet_explorer:8.*:sp?:*:*:*:*:*:*", "cpe:2.3:a:microsoft:internet_explorer:8.0:sp12:-:-:-:-:-:-", false},
		{"cpe:2.3:a:*soft:*:*:*:*:*:*:*:*:*", "cpe:2.3:a:microsoft:office:2016:*:*:*:*:*:*:*", true},
		{"cpe:2.3:a:??soft:*:*:*:*:*:*:*:*:*", "cpe:2.3:a:microsoft:office:2016:*:*:*:*:*:*:*", false},
		{"cpe:2.3:a:??crosoft:*:*:*:*:*:*:*:*:*", "cpe:2.3:a:microsoft:office:2016:*:*:*:*:*:*:*", true},
		{"cpe:2.3:a:*:*:1.?:*:*:*:*:*:*:*", "cpe:2.3:a:foo:bar:1.2:*:*:*:*:*:*:*", true},
		{"cpe:2.3:a:*:*:1.?:*:*:*:*:*:*:*", "cpe:2.3:a:foo:bar:1.23:*:*:*:*:*:*:*", false},
		// A quoted wildcard is a literal.
		{`cpe:2.3:a:foo:bar:8.\*:*:*:*:*:*:*:*`, `cpe:2.3:a:foo:bar:8.\*:*:*:*:*:*:*:*`, true},
		{`cpe:2.3:a:foo:bar:8.\*:*:*:*:*:*:*:*`, "cpe:2.3:a:foo:bar:8.1:*:*:*:*:*:*:*", false},
		// A target with wildcards is UNDEFINED, never matched.
		{"cpe:2.3:a:foo:bar:*:*:*:*:*:*:*:*", "cpe:2.3:a:foo:bar:1.*:*:*:*:*:*:*:*", false},
		// Part must agree.
		{"cpe:2.3:o:foo:bar:*:*:*:*:*:*:*:*", "cpe:2.3:a:foo:bar:1:*:*:*:*:*:*:*", false},
	}
	for _, tt := range tests {
		p, tg := MustParse(tt.pattern), MustParse(tt.target)
		if got := Match(p, tg); got != tt.want {
			t.Errorf("Match(%s, %s) = %v, want %v (relations %v)", tt.pattern, tt.target, got, tt.want, Compare(p, tg))
		}
	}
}

func TestCompareRelations(t *testing.T) {
	tests := []struct {
		s, t string
		want Relation
	}{
		{"*", "*", Equal}, {"*", "-", Superset}, {"*", "foo", Superset},
		{"-", "*", Subset}, {"-", "-", Equal}, {"-", "foo", Disjoint},
		{"foo", "*", Subset}, {"foo", "-", Disjoint}, {"foo", "FOO", Equal}, {"foo", "bar", Disjoint},
		{"fo*", "*", Subset}, {"fo*", "-", Disjoint}, {"fo*", "foo", Superset}, {"fo*", "bar", Disjoint},
		{"foo", "fo*", Undefined}, {"*", "fo*", Undefined}, {"-", "fo?", Undefined},
	}
	for _, tt := range tests {
		if got := compareValues(tt.s, tt.t); got != tt.want {
			t.Errorf("compare(%q, %q) = %v, want %v", tt.s, tt.t, got, tt.want)
		}
	}
}
