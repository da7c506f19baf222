package store

import (
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/anbao/anbao"
)

// Domain names: RFC 1035 host names (letters, digits, hyphens; labels of 1–63
// octets, 253 in all) and internationalised names (IDNA 2008, RFC 5890–5893)
// stored as their A-labels ("xn--…", RFC 3492 Punycode), so that one domain has
// one stored form. What is checked of IDNA is what a standard library can
// check: the input is lower-cased and the ideographic full stops (。．｡) are
// read as dots, as UTS #46 maps them; a U-label may hold letters, marks, digits
// and hyphens (an approximation of IDNA 2008's PVALID) and may not start with
// a mark; an A-label must decode and re-encode to itself. Unicode
// normalisation (NFC) and the bidi rule are not applied.

// NormalizeDomain returns the lower-case A-label form of a domain name.
func NormalizeDomain(raw string) (string, error) {
	s := strings.TrimSpace(raw)
	s = strings.NewReplacer("。", ".", "．", ".", "｡", ".").Replace(s)
	s = strings.TrimSuffix(s, ".") // the root: example.com. is example.com
	bad := func(key string, args ...any) error { return anbao.FieldError("value", key, args...) }
	if s == "" {
		return "", bad("rp.asset.value_required")
	}
	if !utf8.ValidString(s) || len(s) > 1000 {
		return "", bad("rp.domain.invalid", raw)
	}
	s = strings.ToLower(s)
	labels := strings.Split(s, ".")
	if len(labels) < 2 {
		return "", bad("rp.domain.single_label", s)
	}
	for i, l := range labels {
		a, err := domainLabel(l)
		if err != nil {
			var e *anbao.Error
			if errors.As(err, &e) {
				e.Field = "value"
			}
			return "", err
		}
		labels[i] = a
	}
	out := strings.Join(labels, ".")
	if len(out) > 253 {
		return "", bad("rp.domain.too_long", len(out))
	}
	if allASCIIDigits(labels[len(labels)-1]) {
		// A dotted string ending in digits is an address typed as a domain.
		return "", bad("rp.domain.numeric_tld", s)
	}
	return out, nil
}

// domainLabel checks one label and returns its ASCII form.
func domainLabel(l string) (string, error) {
	if l == "" {
		return "", anbao.FieldError("value", "rp.domain.empty_label")
	}
	if !hasNonASCII(l) {
		if err := ldhLabel(l); err != nil {
			return "", err
		}
		if len(l) >= 4 && l[2:4] == "--" {
			// Hyphens in positions 3–4 are reserved for A-labels (RFC 5891 §4.2.3.1).
			if !strings.HasPrefix(l, "xn--") {
				return "", anbao.FieldError("value", "rp.domain.reserved_hyphens", l)
			}
			u, err := punyDecode(l[4:])
			if err != nil || !isULabel(u) || !hasNonASCII(u) {
				return "", anbao.FieldError("value", "rp.domain.bad_alabel", l)
			}
			if back, err := punyEncode(u); err != nil || "xn--"+back != l {
				return "", anbao.FieldError("value", "rp.domain.bad_alabel", l)
			}
		}
		return l, nil
	}
	if !isULabel(l) {
		return "", anbao.FieldError("value", "rp.domain.bad_char", l)
	}
	enc, err := punyEncode(l)
	if err != nil {
		return "", anbao.FieldError("value", "rp.domain.bad_char", l)
	}
	a := "xn--" + enc
	if len(a) > 63 {
		return "", anbao.FieldError("value", "rp.domain.label_too_long", l)
	}
	return a, nil
}

// ldhLabel checks an ASCII label: letters, digits and hyphens, 1–63, no hyphen at either end.
func ldhLabel(l string) error {
	if len(l) > 63 {
		return anbao.FieldError("value", "rp.domain.label_too_long", l)
	}
	for i := 0; i < len(l); i++ {
		c := l[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return anbao.FieldError("value", "rp.domain.bad_char", l)
		}
	}
	if l[0] == '-' || l[len(l)-1] == '-' {
		return anbao.FieldError("value", "rp.domain.hyphen_end", l)
	}
	return nil
}

// isULabel approximates IDNA 2008 PVALID: lower-case letters, marks, digits
// and hyphens, not starting with a mark nor starting or ending with a hyphen.
func isULabel(u string) bool {
	if u == "" || strings.HasPrefix(u, "-") || strings.HasSuffix(u, "-") {
		return false
	}
	for i, r := range u {
		switch {
		case r == '-', r >= '0' && r <= '9', r >= 'a' && r <= 'z':
		case r < utf8.RuneSelf:
			return false
		case unicode.IsMark(r):
			if i == 0 {
				return false
			}
		case unicode.IsUpper(r) || unicode.IsTitle(r):
			return false
		case unicode.IsLetter(r) || unicode.IsDigit(r):
		default:
			return false
		}
	}
	return true
}

func hasNonASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return true
		}
	}
	return false
}

func allASCIIDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// DisplayDomain shows an A-label domain in Unicode where its labels decode.
func DisplayDomain(a string) string {
	labels := strings.Split(a, ".")
	changed := false
	for i, l := range labels {
		if strings.HasPrefix(l, "xn--") {
			if u, err := punyDecode(l[4:]); err == nil {
				labels[i], changed = u, true
			}
		}
	}
	if !changed {
		return a
	}
	return strings.Join(labels, ".")
}

// Punycode (RFC 3492) with the parameters IDNA uses.
const (
	punyBase        = 36
	punyTMin        = 1
	punyTMax        = 26
	punySkew        = 38
	punyDamp        = 700
	punyInitialBias = 72
	punyInitialN    = 128
)

var errPuny = errors.New("punycode: invalid input")

func punyAdapt(delta, numPoints int, first bool) int {
	if first {
		delta /= punyDamp
	} else {
		delta /= 2
	}
	delta += delta / numPoints
	k := 0
	for delta > ((punyBase-punyTMin)*punyTMax)/2 {
		delta /= punyBase - punyTMin
		k += punyBase
	}
	return k + (punyBase-punyTMin+1)*delta/(delta+punySkew)
}

func punyDigit(d int) byte {
	if d < 26 {
		return byte('a' + d)
	}
	return byte('0' + d - 26)
}

func punyThreshold(k, bias int) int {
	switch t := k - bias; {
	case t <= punyTMin:
		return punyTMin
	case t >= punyTMax:
		return punyTMax
	default:
		return t
	}
}

// punyEncode encodes a Unicode label (without the xn-- prefix).
func punyEncode(s string) (string, error) {
	runes := []rune(s)
	var out []byte
	for _, r := range runes {
		if r < 0x80 {
			out = append(out, byte(r))
		}
	}
	b := len(out)
	h := b
	if b > 0 {
		out = append(out, '-')
	}
	n, delta, bias := punyInitialN, 0, punyInitialBias
	const maxInt = 1<<31 - 1
	for h < len(runes) {
		m := maxInt
		for _, r := range runes {
			if int(r) >= n && int(r) < m {
				m = int(r)
			}
		}
		if (m - n) > (maxInt-delta)/(h+1) {
			return "", errPuny
		}
		delta += (m - n) * (h + 1)
		n = m
		for _, r := range runes {
			if int(r) < n {
				delta++
				if delta > maxInt {
					return "", errPuny
				}
			}
			if int(r) == n {
				q := delta
				for k := punyBase; ; k += punyBase {
					t := punyThreshold(k, bias)
					if q < t {
						break
					}
					out = append(out, punyDigit(t+(q-t)%(punyBase-t)))
					q = (q - t) / (punyBase - t)
				}
				out = append(out, punyDigit(q))
				bias = punyAdapt(delta, h+1, h == b)
				delta = 0
				h++
			}
		}
		delta++
		n++
	}
	return string(out), nil
}

// punyDecode decodes a label's Punycode part (without the xn-- prefix).
func punyDecode(s string) (string, error) {
	var out []rune
	pos := strings.LastIndexByte(s, '-')
	if pos >= 0 {
		for i := 0; i < pos; i++ {
			if s[i] >= 0x80 {
				return "", errPuny
			}
			out = append(out, rune(s[i]))
		}
		s = s[pos+1:]
	}
	n, i, bias := punyInitialN, 0, punyInitialBias
	const maxInt = 1<<31 - 1
	for p := 0; p < len(s); {
		oldi, w := i, 1
		for k := punyBase; ; k += punyBase {
			if p >= len(s) {
				return "", errPuny
			}
			c := s[p]
			p++
			var d int
			switch {
			case c >= 'a' && c <= 'z':
				d = int(c - 'a')
			case c >= 'A' && c <= 'Z':
				d = int(c - 'A')
			case c >= '0' && c <= '9':
				d = int(c-'0') + 26
			default:
				return "", errPuny
			}
			if d > (maxInt-i)/w {
				return "", errPuny
			}
			i += d * w
			t := punyThreshold(k, bias)
			if d < t {
				break
			}
			if w > maxInt/(punyBase-t) {
				return "", errPuny
			}
			w *= punyBase - t
		}
		bias = punyAdapt(i-oldi, len(out)+1, oldi == 0)
		if i/(len(out)+1) > maxInt-n {
			return "", errPuny
		}
		n += i / (len(out) + 1)
		i %= len(out) + 1
		if n > unicode.MaxRune || (n >= 0xD800 && n <= 0xDFFF) {
			return "", errPuny
		}
		out = append(out, 0)
		copy(out[i+1:], out[i:])
		out[i] = rune(n)
		i++
	}
	return string(out), nil
}
