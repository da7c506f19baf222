package totp

import (
	"encoding/base32"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"net/url"
	"strings"
	"testing"
	"time"
)

// The RFC 6238 Appendix B SHA1 seed is the ASCII string "12345678901234567890".
const rfcSecret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

func TestRFCSecretEncoding(t *testing.T) {
	key, err := decodeSecret(rfcSecret)
	if err != nil {
		t.Fatal(err)
	}
	if string(key) != "12345678901234567890" {
		t.Fatalf("decoded %q", key)
	}
}

// RFC 6238 Appendix B, SHA1 rows (8-digit codes).
var rfc6238 = []struct {
	unix    int64
	counter uint64
	code8   string
}{
	{59, 0x1, "94287082"},
	{1111111109, 0x23523EC, "07081804"},
	{1111111111, 0x23523ED, "14050471"},
	{1234567890, 0x273EF07, "89005924"},
	{2000000000, 0x3F940AA, "69279037"},
	{20000000000, 0x27BC86AA, "65353130"},
}

func TestRFC6238Vectors(t *testing.T) {
	key := []byte("12345678901234567890")
	for _, v := range rfc6238 {
		tm := time.Unix(v.unix, 0).UTC()
		if c := counter(tm); c != int64(v.counter) {
			t.Errorf("counter(%d) = %#x, want %#x", v.unix, c, v.counter)
		}
		if got := hotp(key, v.counter, 8); got != v.code8 {
			t.Errorf("hotp8(%d) = %s, want %s", v.unix, got, v.code8)
		}
		// The 6-digit code is the value mod 10^6, i.e. the last six digits.
		want6 := v.code8[2:]
		got6, err := Code(rfcSecret, tm)
		if err != nil {
			t.Fatal(err)
		}
		if got6 != want6 {
			t.Errorf("Code(%d) = %s, want %s", v.unix, got6, want6)
		}
		step, ok := Verify(rfcSecret, want6, tm)
		if !ok || step != int64(v.counter) {
			t.Errorf("Verify(%d) = (%d, %v), want (%d, true)", v.unix, step, ok, v.counter)
		}
	}
}

// RFC 4226 Appendix D: 6-digit HOTP values for counters 0..9 with the same key.
func TestRFC4226Vectors(t *testing.T) {
	want := []string{"755224", "287082", "359152", "969429", "338314",
		"254676", "287922", "162583", "399871", "520489"}
	key := []byte("12345678901234567890")
	for c, w := range want {
		if got := hotp(key, uint64(c), 6); got != w {
			t.Errorf("HOTP(%d) = %s, want %s", c, got, w)
		}
	}
}

func TestZeroPadding(t *testing.T) {
	// 1111111109 gives 07081804: its 6-digit code "081804" starts with 0
	// and the 8-digit one keeps its leading zero.
	key := []byte("12345678901234567890")
	if got := hotp(key, 0x23523EC, 8); got != "07081804" {
		t.Errorf("got %s", got)
	}
	if got := hotp(key, 0x23523EC, 6); got != "081804" || len(got) != 6 {
		t.Errorf("got %s", got)
	}
}

func TestSecretFormsAccepted(t *testing.T) {
	tm := time.Unix(59, 0)
	for _, s := range []string{
		rfcSecret,
		strings.ToLower(rfcSecret),
		"GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ",
		rfcSecret + "====", // padded form is tolerated
	} {
		code, err := Code(s, tm)
		if err != nil || code != "287082" {
			t.Errorf("Code(%q) = %q, %v", s, code, err)
		}
	}
}

func TestSkewWindow(t *testing.T) {
	base := time.Unix(1111111111, 0) // step 0x23523ED, 1111111110 is its start
	now := counter(base)
	for _, tc := range []struct {
		delta int64
		ok    bool
	}{
		{-3, false}, {-2, false}, {-1, true}, {0, true}, {1, true}, {2, false}, {3, false},
	} {
		stepTime := time.Unix((now+tc.delta)*30+7, 0)
		code, err := Code(rfcSecret, stepTime)
		if err != nil {
			t.Fatal(err)
		}
		step, ok := Verify(rfcSecret, code, base)
		// A code from outside the window could collide with a code inside
		// it by chance; recompute the window's codes to rule that out.
		collide := false
		for d := int64(-1); d <= 1; d++ {
			c, _ := Code(rfcSecret, time.Unix((now+d)*30, 0))
			if c == code && d != tc.delta {
				collide = true
			}
		}
		if collide {
			t.Fatalf("test data collision at delta %d", tc.delta)
		}
		if ok != tc.ok {
			t.Errorf("delta %d: ok = %v, want %v", tc.delta, ok, tc.ok)
		}
		if ok && step != now+tc.delta {
			t.Errorf("delta %d: step = %d, want %d", tc.delta, step, now+tc.delta)
		}
	}
}

func TestStepBoundaries(t *testing.T) {
	// 59 and 60 are in different steps; 30 and 59 in the same one.
	a, _ := Code(rfcSecret, time.Unix(30, 0))
	b, _ := Code(rfcSecret, time.Unix(59, 0))
	c, _ := Code(rfcSecret, time.Unix(60, 0))
	if a != b {
		t.Errorf("30 and 59 differ: %s %s", a, b)
	}
	if b == c {
		t.Errorf("59 and 60 equal: %s", b)
	}
	// Sub-second parts do not move the step.
	d, _ := Code(rfcSecret, time.Unix(59, 999_999_999))
	if d != b {
		t.Errorf("59.999 = %s, want %s", d, b)
	}
}

func TestReplayStepIsMonotonic(t *testing.T) {
	// The caller's replay check: a code accepted once is refused later
	// because Verify keeps returning the same step for it.
	tm := time.Unix(1234567890, 0)
	code, _ := Code(rfcSecret, tm)
	s1, ok1 := Verify(rfcSecret, code, tm)
	s2, ok2 := Verify(rfcSecret, code, tm.Add(30*time.Second))
	if !ok1 || !ok2 || s1 != s2 {
		t.Fatalf("got (%d,%v) and (%d,%v)", s1, ok1, s2, ok2)
	}
	if s2 > s1 {
		t.Fatal("replayed code reported a newer step")
	}
}

func TestInvalidCodesRejected(t *testing.T) {
	tm := time.Unix(59, 0)
	valid, _ := Code(rfcSecret, tm)
	for _, code := range []string{
		"",
		"28708",     // too short
		"2870820",   // too long
		"94287082",  // the 8-digit code
		"28708a",    // non-digit
		"28 082",    // space
		" 287082",   // leading space
		"287082 ",   // trailing space
		"-28708",    // sign
		"+28708",    // sign
		"２８７０８２",    // full-width digits
		"28708\x00", // NUL byte
	} {
		if _, ok := Verify(rfcSecret, code, tm); ok {
			t.Errorf("Verify accepted %q", code)
		}
	}
	if _, ok := Verify(rfcSecret, valid, tm); !ok {
		t.Fatal("valid code rejected")
	}
	// A wrong but well-formed code.
	wrong := []byte(valid)
	wrong[5] = '0' + (wrong[5]-'0'+1)%10
	if _, ok := Verify(rfcSecret, string(wrong), tm); ok {
		t.Errorf("Verify accepted wrong code %s", wrong)
	}
}

func TestMalformedSecret(t *testing.T) {
	tm := time.Unix(59, 0)
	for _, s := range []string{
		"",
		"GEZDGNBVGY3TQOJQ1",                 // '1' is not in the base32 alphabet
		"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJ!",  // punctuation
		"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ8", // invalid length/char
		"GEZDGNBVGY3TQOJQ",                  // 10 bytes: valid base32, too short
	} {
		if _, err := Code(s, tm); !errors.Is(err, ErrInvalidSecret) {
			t.Errorf("Code(%q) err = %v, want ErrInvalidSecret", s, err)
		}
		if _, ok := Verify(s, "123456", tm); ok {
			t.Errorf("Verify(%q) accepted", s)
		}
	}
}

func TestBeforeEpoch(t *testing.T) {
	if _, err := Code(rfcSecret, time.Unix(-1, 0)); err == nil {
		t.Error("expected an error before the epoch")
	}
	if c := counter(time.Unix(-1, 0)); c != -1 {
		t.Errorf("counter(-1) = %d, want -1", c)
	}
	// At step 0 the previous step does not exist; the current one works.
	code, _ := Code(rfcSecret, time.Unix(0, 0))
	if step, ok := Verify(rfcSecret, code, time.Unix(0, 0)); !ok || step != 0 {
		t.Errorf("Verify at epoch = (%d, %v)", step, ok)
	}
}

func TestNewSecret(t *testing.T) {
	s1, err := NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	s2, _ := NewSecret()
	if s1 == s2 {
		t.Fatal("two secrets are equal")
	}
	if len(s1) != 32 || strings.Contains(s1, "=") {
		t.Errorf("secret %q: want 32 base32 chars without padding", s1)
	}
	key, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(s1)
	if err != nil || len(key) != SecretSize {
		t.Fatalf("decode: %d bytes, %v", len(key), err)
	}
	now := time.Now()
	code, err := Code(s1, now)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := Verify(s1, code, now); !ok {
		t.Error("fresh secret round trip failed")
	}
}

func TestURI(t *testing.T) {
	got := URI("Anbao", "alice@example.com", rfcSecret)
	want := "otpauth://totp/Anbao:alice%40example.com?secret=" + rfcSecret +
		"&issuer=Anbao&algorithm=SHA1&digits=6&period=30"
	if got != want {
		t.Errorf("URI =\n %s\nwant\n %s", got, want)
	}

	// Characters that need escaping: spaces as %20, ':' '&' '=' '?' '#' '/'
	// and non-ASCII inside the label and parameters.
	got = URI("Anbao Insurance: Ltd", "bob & co/x?y#z=1", rfcSecret)
	want = "otpauth://totp/Anbao%20Insurance%3A%20Ltd:bob%20%26%20co%2Fx%3Fy%23z%3D1?secret=" +
		rfcSecret + "&issuer=Anbao%20Insurance%3A%20Ltd&algorithm=SHA1&digits=6&period=30"
	if got != want {
		t.Errorf("URI =\n %s\nwant\n %s", got, want)
	}
	u, err := url.Parse(got)
	if err != nil {
		t.Fatal(err)
	}
	if u.Scheme != "otpauth" || u.Host != "totp" {
		t.Errorf("scheme/host = %q/%q", u.Scheme, u.Host)
	}
	if u.Path != "/Anbao Insurance: Ltd:bob & co/x?y#z=1" {
		t.Errorf("path = %q", u.Path)
	}
	issuer, account, found := strings.Cut(strings.TrimPrefix(u.EscapedPath(), "/"), ":")
	if !found {
		t.Fatal("no label separator")
	}
	if i, _ := url.PathUnescape(issuer); i != "Anbao Insurance: Ltd" {
		t.Errorf("issuer label = %q", i)
	}
	if a, _ := url.PathUnescape(account); a != "bob & co/x?y#z=1" {
		t.Errorf("account label = %q", a)
	}
	q := u.Query()
	if q.Get("secret") != rfcSecret || q.Get("issuer") != "Anbao Insurance: Ltd" ||
		q.Get("algorithm") != "SHA1" || q.Get("digits") != "6" || q.Get("period") != "30" {
		t.Errorf("query = %v", q)
	}
	if u.Fragment != "" {
		t.Errorf("fragment = %q", u.Fragment)
	}

	// Non-ASCII is percent-encoded as UTF-8.
	if got := URI("安保", "李", "AB"); !strings.HasPrefix(got, "otpauth://totp/%E5%AE%89%E4%BF%9D:%E6%9D%8E?") {
		t.Errorf("non-ASCII URI = %s", got)
	}
	// No issuer: label is only the account and no issuer parameter.
	if got := URI("", "carol", "AB"); got != "otpauth://totp/carol?secret=AB&algorithm=SHA1&digits=6&period=30" {
		t.Errorf("no-issuer URI = %s", got)
	}
}

// TestVerifyUsesConstantTimeCompare inspects the source: Verify must compare
// codes with crypto/subtle and must not use == or != on strings or bytes of
// the code, which would leak timing.
func TestVerifyUsesConstantTimeCompare(t *testing.T) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "totp.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var verify *ast.FuncDecl
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Name.Name == "Verify" {
			verify = fd
		}
	}
	if verify == nil {
		t.Fatal("Verify not found")
	}
	usesSubtle := false
	ast.Inspect(verify.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			if sel, ok := n.Fun.(*ast.SelectorExpr); ok {
				if id, ok := sel.X.(*ast.Ident); ok && id.Name == "subtle" && sel.Sel.Name == "ConstantTimeCompare" {
					usesSubtle = true
				}
				if sel.Sel.Name == "Equal" || sel.Sel.Name == "EqualFold" || sel.Sel.Name == "Compare" {
					t.Errorf("%s: non-constant-time %s call", fset.Position(n.Pos()), sel.Sel.Name)
				}
			}
		case *ast.BinaryExpr:
			if n.Op == token.EQL || n.Op == token.NEQ {
				for _, side := range []ast.Expr{n.X, n.Y} {
					if id, ok := side.(*ast.Ident); ok && (id.Name == "code" || id.Name == "want") {
						t.Errorf("%s: %s compared with %s", fset.Position(n.Pos()), id.Name, n.Op)
					}
				}
			}
		}
		return true
	})
	if !usesSubtle {
		t.Error("Verify does not call subtle.ConstantTimeCompare")
	}
}

func BenchmarkVerify(b *testing.B) {
	tm := time.Unix(1234567890, 0)
	code, _ := Code(rfcSecret, tm)
	for b.Loop() {
		Verify(rfcSecret, code, tm)
	}
}
