package password

import (
	"strings"
	"unicode/utf8"
)

// Length bounds of CheckPolicy, counted in Unicode code points.
const (
	MinLength = 10
	MaxLength = 128
)

// Reasons reported in PolicyError.Reason.
const (
	ReasonTooShort  = "too_short"
	ReasonTooLong   = "too_long"
	ReasonTooCommon = "too_common"
)

// PolicyError is returned by CheckPolicy for a password that is not
// acceptable. Reason is one of the Reason* constants and is stable, meant
// for API responses and translation.
type PolicyError struct {
	Reason string
}

func (e *PolicyError) Error() string {
	switch e.Reason {
	case ReasonTooShort:
		return "password: too short (minimum 10 characters)"
	case ReasonTooLong:
		return "password: too long (maximum 128 characters)"
	case ReasonTooCommon:
		return "password: too common"
	}
	return "password: rejected (" + e.Reason + ")"
}

// common lists very common passwords that satisfy the length rule, taken
// from the top of public breach-frequency lists. Entries are lower case;
// the check is case-insensitive.
var common = map[string]struct{}{}

func init() {
	for _, pw := range []string{
		"password123", "password1234", "password12345", "passw0rd123",
		"1234567890", "0123456789", "12345678910", "123456789a",
		"1234567890a", "0987654321", "1111111111", "0000000000",
		"1234512345", "1q2w3e4r5t", "1q2w3e4r5t6y", "q1w2e3r4t5",
		"qwertyuiop", "qwerty1234", "qwerty12345", "qwerty123456",
		"asdfghjkl1", "zxcvbnm123", "1qaz2wsx3edc", "abcdefghij",
		"abcd123456", "abc1234567", "aaaaaaaaaa", "admin12345",
		"admin123456", "administrator", "iloveyou123", "letmein123",
		"welcome123", "changeme123", "trustno1234", "sunshine123",
		"football123", "baseball123", "princess123", "dragon1234",
		"monkey1234", "superman123", "starwars123", "qwerty123!",
		"password1!", "p@ssw0rd123", "p@ssword123",
		"iloveyou12", "computer123", "whatever123", "michael123",
	} {
		common[pw] = struct{}{}
	}
}

// CheckPolicy returns nil if pw is acceptable, or a *PolicyError:
// ReasonTooShort under MinLength characters, ReasonTooLong over MaxLength,
// ReasonTooCommon for a password on the built-in list of very common ones.
func CheckPolicy(pw string) error {
	n := utf8.RuneCountInString(pw)
	if n < MinLength {
		return &PolicyError{Reason: ReasonTooShort}
	}
	if n > MaxLength {
		return &PolicyError{Reason: ReasonTooLong}
	}
	if _, ok := common[strings.ToLower(pw)]; ok {
		return &PolicyError{Reason: ReasonTooCommon}
	}
	return nil
}
