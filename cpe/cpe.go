// Package cpe parses, re-binds and matches CPE 2.3 names in the formatted
// string binding of NIST IR 7695 §6.2:
//
//	cpe:2.3:part:vendor:product:version:update:edition:language:sw_edition:target_sw:target_hw:other
//
// A value is "*" (ANY), "-" (NA) or a string of letters, digits and the
// unquoted characters "-", "." and "_"; every other printable ASCII
// character must be quoted with a backslash ("\!", "\:", "\\"). An unquoted
// "*" may stand at the start or the end of a value, and runs of unquoted "?"
// may stand at the start or the end; no value may be empty. These are the
// rules of the CPE 2.3 dictionary's formatted-string pattern, which the NVD
// applies too. Matching follows NIST IR 7696 (see Match), and versions compare
// as NVD cpeMatch ranges need (see CompareVersions and InRange).
//
// The package does no I/O and imports nothing of Anbao.
package cpe

import (
	"strconv"
	"strings"
)

// Logical values of an attribute.
const (
	Any = "*" // ANY: matches every value
	NA  = "-" // NOT APPLICABLE: the attribute has no meaningful value
)

// Parts of a CPE name.
const (
	PartApplication     = "a"
	PartOperatingSystem = "o"
	PartHardware        = "h"
)

// Prefix starts every formatted-string binding.
const Prefix = "cpe:2.3:"

// MaxLength bounds the length of a formatted string Parse accepts. The
// longest names in the NVD dictionary are a few hundred bytes.
const MaxLength = 1024

// Name is a parsed CPE 2.3 name. Each field holds the attribute's value as it
// appears in the canonical formatted string: Any, NA, or a string with
// backslash quoting. Case is kept as given; matching ignores it.
type Name struct {
	Part      string // "a", "o", "h", Any or NA
	Vendor    string
	Product   string
	Version   string
	Update    string
	Edition   string
	Language  string // an RFC 5646 tag such as "en" or "zh-cn", Any or NA
	SWEdition string
	TargetSW  string
	TargetHW  string
	Other     string
}

// attrNames are the attribute names in binding order, as NIST IR 7695 spells them.
var attrNames = [11]string{"part", "vendor", "product", "version", "update", "edition",
	"language", "sw_edition", "target_sw", "target_hw", "other"}

// AttributeNames returns the names of the eleven attributes in binding order.
func AttributeNames() [11]string { return attrNames }

// Values returns the eleven attribute values in binding order.
func (n Name) Values() [11]string {
	return [11]string{n.Part, n.Vendor, n.Product, n.Version, n.Update, n.Edition,
		n.Language, n.SWEdition, n.TargetSW, n.TargetHW, n.Other}
}

func fromValues(v [11]string) Name {
	return Name{Part: v[0], Vendor: v[1], Product: v[2], Version: v[3], Update: v[4], Edition: v[5],
		Language: v[6], SWEdition: v[7], TargetSW: v[8], TargetHW: v[9], Other: v[10]}
}

// String binds the name to its canonical formatted string. For a name from
// Parse, Parse(n.String()) returns n again.
func (n Name) String() string {
	var b strings.Builder
	b.Grow(len(Prefix) + 64)
	b.WriteString(Prefix)
	for i, v := range n.Values() {
		if i > 0 {
			b.WriteByte(':')
		}
		b.WriteString(v)
	}
	return b.String()
}

// Parse parses a CPE 2.3 formatted string. It accepts the quoted forms
// "\-", "\." and "\_" and stores them unquoted, as the canonical binding does
// (NIST IR 7695 §6.2.2.2), except for a value that is exactly "\-", which
// stays quoted so that it does not turn into NA.
func Parse(s string) (Name, error) {
	if s == "" {
		return Name{}, newError(CodeEmpty, 0, "the name is empty")
	}
	if len(s) > MaxLength {
		return Name{}, newError(CodeTooLong, MaxLength, "the name is longer than %d bytes", MaxLength)
	}
	if strings.HasPrefix(s, "cpe:/") {
		return Name{}, newError(CodeURIBinding, 0, "this is a CPE 2.2 URI (cpe:/...); give the CPE 2.3 formatted string (cpe:2.3:...)")
	}
	if !strings.HasPrefix(s, Prefix) {
		return Name{}, newError(CodePrefix, 0, "the name must start with %q", Prefix)
	}
	parts := splitUnquoted(s[len(Prefix):])
	if len(parts) != 11 {
		return Name{}, componentCount(len(parts))
	}
	var vals [11]string
	off := len(Prefix)
	for i, p := range parts {
		v, err := canonValue(i, p, off)
		if err != nil {
			return Name{}, err
		}
		vals[i] = v
		off += len(p) + 1
	}
	return fromValues(vals), nil
}

// MustParse is Parse for names known to be valid, such as constants in tests.
func MustParse(s string) Name {
	n, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return n
}

func componentCount(attrs int) *Error {
	count := 2 + attrs
	return newError(CodeComponents, 0, "the name has %d colon-separated components; a CPE 2.3 name has 13 (cpe, 2.3 and 11 attributes)", count)
}

// splitUnquoted splits s at the colons not quoted by a backslash. A lone
// backslash at the very end stays in the last part, for canonValue to report.
func splitUnquoted(s string) []string {
	out := make([]string, 0, 11)
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case ':':
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// isPunct reports whether c is printable ASCII punctuation: the characters
// that may follow a backslash.
func isPunct(c byte) bool { return c > ' ' && c < 0x7f && !isAlnum(c) }

// canonValue checks attribute idx's bound value v, found at byte offset off of
// the whole name, and returns its canonical form.
func canonValue(idx int, v string, off int) (string, error) {
	if v == "" {
		return "", attrError(CodeEmpty, idx, off, "is empty; use * for ANY or - for NA")
	}
	if v == Any || v == NA {
		return v, nil
	}
	if idx == 0 {
		if v == PartApplication || v == PartOperatingSystem || v == PartHardware {
			return v, nil
		}
		return "", attrError(CodePart, idx, off, "is %q; it must be a (application), o (operating system), h (hardware), * or -", v)
	}
	var b strings.Builder
	b.Grow(len(v))
	literal := false // has a character that is not an unquoted wildcard
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c == '\\':
			if i+1 == len(v) {
				return "", attrError(CodeEscape, idx, off+i, "ends with a lone backslash")
			}
			i++
			q := v[i]
			switch {
			case q == '-' || q == '.' || q == '_':
				b.WriteByte(q) // never needs quoting in the formatted string
			case isPunct(q):
				b.WriteByte('\\')
				b.WriteByte(q)
			case isAlnum(q):
				return "", attrError(CodeEscape, idx, off+i-1, "quotes the letter or digit %q; only punctuation may follow a backslash", string(q))
			default:
				return "", attrError(CodeChar, idx, off+i, "contains %s, which a CPE name cannot hold", describeByte(q))
			}
			literal = true
		case isAlnum(c) || c == '-' || c == '.' || c == '_':
			b.WriteByte(c)
			literal = true
		case c == '*':
			if i != 0 && i != len(v)-1 {
				return "", attrError(CodeWildcard, idx, off+i, "has an unquoted * inside it; * may only start or end a value (quote a literal asterisk as \\*)")
			}
			b.WriteByte(c)
		case c == '?':
			if !allBytes(v[:i], '?') && !allBytes(v[i+1:], '?') {
				return "", attrError(CodeWildcard, idx, off+i, "has an unquoted ? inside it; ? may only start or end a value (quote a literal question mark as \\?)")
			}
			b.WriteByte(c)
		case isPunct(c):
			return "", attrError(CodeChar, idx, off+i, "contains an unquoted %q; quote it with a backslash (\\%s)", string(c), string(c))
		default:
			return "", attrError(CodeChar, idx, off+i, "contains %s, which a CPE name cannot hold", describeByte(c))
		}
	}
	if !literal {
		return "", attrError(CodeWildcard, idx, off, "consists of wildcards only; use * alone for ANY")
	}
	out := b.String()
	if out == NA {
		out = `\-` // a literal hyphen, not NA
	}
	if idx == 6 && !validLanguage(out) {
		return "", attrError(CodeLanguage, idx, off, "is %q; it must be a language tag such as en, zh or zh-cn, or * or -", v)
	}
	return out, nil
}

func allBytes(s string, c byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != c {
			return false
		}
	}
	return true
}

func describeByte(c byte) string {
	switch {
	case c == ' ':
		return "a space"
	case c < ' ' || c == 0x7f:
		return "the control character 0x" + strconv.FormatUint(uint64(c), 16)
	case c >= 0x80:
		return "a non-ASCII byte"
	}
	return strconv.Quote(string(c))
}

// validLanguage checks the language attribute: 2–3 letters, optionally a
// hyphen and a two-letter region or a three-digit UN M.49 area, as the
// CPE 2.3 dictionary pattern allows.
func validLanguage(v string) bool {
	lang, region, hasRegion := strings.Cut(v, "-")
	if len(lang) < 2 || len(lang) > 3 || !allLetters(lang) {
		return false
	}
	if !hasRegion {
		return true
	}
	return len(region) == 2 && allLetters(region) || len(region) == 3 && allDigits(region)
}

func allLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return len(s) > 0
}

// Unquote returns the text of a bound value with its backslash quoting
// removed, e.g. "1.0\+beta" gives "1.0+beta". Unquoted wildcards stay as they
// are, so Unquote is for display and for version comparison, not for
// matching. Any and NA come back unchanged.
func Unquote(v string) string {
	if v == Any || v == NA || strings.IndexByte(v, '\\') < 0 {
		return v
	}
	var b strings.Builder
	b.Grow(len(v))
	for i := 0; i < len(v); i++ {
		if v[i] == '\\' && i+1 < len(v) {
			i++
		}
		b.WriteByte(v[i])
	}
	return b.String()
}

// Quote binds literal text as a value: punctuation other than "-", "." and
// "_" is quoted with a backslash, and so are "*" and "?", which would
// otherwise be wildcards. Quote("-") is `\-`, a literal hyphen. Quote("")
// is NA, since a value cannot be empty. The result is valid for Parse only if
// the text is printable ASCII without spaces.
func Quote(text string) string {
	if text == "" {
		return NA
	}
	if text == NA {
		return `\-`
	}
	var b strings.Builder
	b.Grow(len(text) + 4)
	for i := 0; i < len(text); i++ {
		c := text[i]
		if isPunct(c) && c != '-' && c != '.' && c != '_' {
			b.WriteByte('\\')
		}
		b.WriteByte(c)
	}
	return b.String()
}
