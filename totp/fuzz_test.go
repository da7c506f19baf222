package totp

import (
	"testing"
	"time"
)

// Codes and secrets come from users: Verify never panics and never accepts a
// code that is not six digits.
func FuzzVerify(f *testing.F) {
	f.Add("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "123456", int64(1700000000))
	f.Add("", "", int64(0))
	f.Add("!!!!", "12345a", int64(-5))
	f.Fuzz(func(t *testing.T, secret, code string, unix int64) {
		_, ok := Verify(secret, code, time.Unix(unix, 0))
		if !ok {
			return
		}
		if len(code) != 6 {
			t.Fatalf("accepted %q", code)
		}
		for _, c := range code {
			if c < '0' || c > '9' {
				t.Fatalf("accepted %q", code)
			}
		}
	})
}
