package i18n

import "testing"

// The Accept-Language header and ?lang= come from anyone.
func FuzzNegotiation(f *testing.F) {
	for _, s := range []string{"", "en-US,en;q=0.9", "zh-CN", ";;,,", "EN", "zh-Hant-TW;q=0.1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		for _, got := range []string{FromAcceptLanguage(h), Normalize(h)} {
			if got != "zh-CN" && got != "en" {
				t.Fatalf("%q → %q", h, got)
			}
		}
	})
}
