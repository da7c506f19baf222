package password

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckPolicy(t *testing.T) {
	for _, tc := range []struct {
		pw     string
		reason string // "" means accepted
	}{
		{"", ReasonTooShort},
		{"short", ReasonTooShort},
		{"123456789", ReasonTooShort},             // 9
		{"ab3d5f7h9j", ""},                        // exactly 10
		{"安保安保安保安保安", ReasonTooShort},             // 9 runes, 27 bytes
		{"安保安保安保安保安保", ""},                        // 10 runes
		{strings.Repeat("x", 128), ""},            // exactly 128
		{strings.Repeat("x", 129), ReasonTooLong}, // 129
		{strings.Repeat("安", 128), ""},            // 128 runes, 384 bytes
		{strings.Repeat("安", 129), ReasonTooLong},
		{"password123", ReasonTooCommon},
		{"PassWord123", ReasonTooCommon}, // case-insensitive
		{"1234567890", ReasonTooCommon},
		{"qwertyuiop", ReasonTooCommon},
		{"QWERTYUIOP", ReasonTooCommon},
		{"admin12345", ReasonTooCommon},
		{"password1234x", ""},
		{"correct horse battery staple", ""},
	} {
		err := CheckPolicy(tc.pw)
		if tc.reason == "" {
			if err != nil {
				t.Errorf("CheckPolicy(%q) = %v, want nil", tc.pw, err)
			}
			continue
		}
		var pe *PolicyError
		if !errors.As(err, &pe) {
			t.Errorf("CheckPolicy(%q) = %v, want *PolicyError", tc.pw, err)
			continue
		}
		if pe.Reason != tc.reason {
			t.Errorf("CheckPolicy(%q).Reason = %q, want %q", tc.pw, pe.Reason, tc.reason)
		}
		if pe.Error() == "" {
			t.Error("empty error message")
		}
	}
}

func TestCommonListIsReachable(t *testing.T) {
	// Every listed password is long enough to reach the list check and is
	// stored lower case (the lookup lower-cases its input).
	for pw := range common {
		if n := len([]rune(pw)); n < MinLength || n > MaxLength {
			t.Errorf("%q has %d runes: the list entry can never match", pw, n)
		}
		if strings.ToLower(pw) != pw {
			t.Errorf("%q is not lower case", pw)
		}
		var pe *PolicyError
		if !errors.As(CheckPolicy(pw), &pe) || pe.Reason != ReasonTooCommon {
			t.Errorf("%q not rejected as too common", pw)
		}
	}
}
