package store

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/anbao/anbao"
)

// Import files come from anyone: parsing never panics, refuses a file only
// with an application error, and every row it reads can be judged.
func FuzzParseAssetImport(f *testing.F) {
	for _, s := range []string{
		"kind,value\nip,192.0.2.1\n",
		"\ufeffkind,value,version,eol,internet_facing,note\r\ndomain,例子.中国,,,是,\"a\nb\"\r\n",
		"kind,value\nip,\"19\"2\n", "value\n1\n", "kind,value,kind\n", "",
		`[{"kind":"ip","value":"192.0.2.1","eol":true}]`, `[1,"x",{"colour":1}]`, `{"kind":"ip"}`, `[] x`,
	} {
		f.Add([]byte(s), strings.HasPrefix(s, "[") || strings.HasPrefix(s, "{"))
	}
	f.Fuzz(func(t *testing.T, data []byte, isJSON bool) {
		format := ImportCSV
		if isJSON {
			format = ImportJSON
		}
		recs, err := parseAssetImport(format, data)
		if err != nil {
			var e *anbao.Error
			if !errors.As(err, &e) || e.Code == anbao.EINTERNAL {
				t.Fatalf("%q: %v is not an application error", data, err)
			}
			return
		}
		if len(recs) == 0 || len(recs) > ImportMaxRows {
			t.Fatalf("%q: %d rows", data, len(recs))
		}
		for _, r := range recs {
			if r.err != nil {
				continue
			}
			in := r.in
			if err := NormalizeAsset(&in); err != nil {
				var e *anbao.Error
				if !errors.As(err, &e) || e.Code != anbao.EINVALID {
					t.Fatalf("row %d %+v: %v", r.row, r.in, err)
				}
			}
		}
	})
}

// A normalised domain is ASCII, within the length limits, and normalises to itself.
func FuzzNormalizeDomain(f *testing.F) {
	for _, s := range []string{"www.example.cn", "中文。中国", "xn--bcher-kva.de", "a..b", "-x.cn", "ab--c.cn", "xn--.cn", "1.2.3.4"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, err := NormalizeDomain(s)
		if err != nil {
			if anbao.ErrorCode(err) != anbao.EINVALID {
				t.Fatalf("%q: %v", s, err)
			}
			return
		}
		if len(out) > 253 || hasNonASCII(out) || out != strings.ToLower(out) {
			t.Fatalf("%q → %q", s, out)
		}
		if again, err := NormalizeDomain(out); err != nil || again != out {
			t.Fatalf("%q → %q → %q %v", s, out, again, err)
		}
	})
}

// Punycode decodes what it encodes, and decoding garbage fails cleanly.
func FuzzPunycode(f *testing.F) {
	for _, s := range []string{"他们为什么不说中文", "bücher", "abc", "", "ü-ö"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		enc, err := punyEncode(s)
		if err != nil {
			return
		}
		if dec, err := punyDecode(enc); err != nil || dec != s {
			t.Fatalf("%q → %q → %q %v", s, enc, dec, err)
		}
		_, _ = punyDecode(s) // must not panic
	})
}

// RFC 3492 §7.1 sample strings.
func TestPunycodeSamples(t *testing.T) {
	for u, a := range map[string]string{
		"他们为什么不说中文":              "ihqwcrb4cv8a8dqg056pqjye",
		"bücher":                 "bcher-kva",
		"Pročprostěnemluvíčesky": "Proprostnemluvesky-uyb24dma41a",
	} {
		if got, err := punyEncode(u); err != nil || got != a {
			t.Errorf("encode %q = %q %v, want %q", u, got, err, a)
		}
		if got, err := punyDecode(a); err != nil || got != u {
			t.Errorf("decode %q = %q %v, want %q", a, got, err, u)
		}
	}
}
