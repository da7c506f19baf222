// Package totp implements time-based one-time passwords (RFC 6238) on top of
// HOTP (RFC 4226), with the parameters every mainstream authenticator app
// supports: HMAC-SHA1, 6 digits and a 30-second time step.
package totp

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base32"
	"encoding/binary"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

const (
	// Digits is the number of decimal digits in a code.
	Digits = 6
	// Period is the time step.
	Period = 30 * time.Second
	// SecretSize is the number of random bytes in a secret made by NewSecret
	// (160 bits, the HMAC-SHA1 output size recommended by RFC 4226).
	SecretSize = 20
	// Skew is the number of time steps either side of the current one that
	// Verify accepts.
	Skew = 1

	periodSeconds = int64(Period / time.Second)
)

// ErrInvalidSecret is returned for a secret that is not valid base32 or
// decodes to too few bytes.
var ErrInvalidSecret = errors.New("totp: invalid secret")

// minSecretBytes is the shortest key accepted (RFC 4226 section 4, R6:
// the shared secret must be at least 128 bits).
const minSecretBytes = 16

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewSecret returns a fresh random secret of SecretSize bytes encoded as
// upper-case base32 without padding, suitable for URI and for storage.
func NewSecret() (string, error) {
	key := make([]byte, SecretSize)
	if _, err := rand.Read(key); err != nil {
		return "", fmt.Errorf("totp: reading random bytes: %w", err)
	}
	return b32.EncodeToString(key), nil
}

// decodeSecret parses a base32 secret. It tolerates what people type or
// copy: lower case, spaces and hyphens as separators, and '=' padding.
func decodeSecret(secret string) ([]byte, error) {
	s := strings.ToUpper(secret)
	s = strings.NewReplacer(" ", "", "-", "").Replace(s)
	s = strings.TrimRight(s, "=")
	key, err := b32.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidSecret, err)
	}
	if len(key) < minSecretBytes {
		return nil, fmt.Errorf("%w: %d bytes, need at least %d", ErrInvalidSecret, len(key), minSecretBytes)
	}
	return key, nil
}

// counter returns the RFC 6238 time-step counter T = floor(unix / 30).
func counter(t time.Time) int64 {
	u := t.Unix()
	c := u / periodSeconds
	if u < 0 && u%periodSeconds != 0 {
		c-- // floor, not truncation toward zero
	}
	return c
}

var pow10 = [...]uint32{1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000}

// hotp computes the RFC 4226 HOTP value for key and counter with the given
// number of digits (1..9), zero-padded on the left.
func hotp(key []byte, c uint64, digits int) string {
	if digits < 1 || digits >= len(pow10) {
		panic("totp: digits out of range")
	}
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], c)
	m := hmac.New(sha1.New, key)
	m.Write(msg[:])
	sum := m.Sum(nil)

	// Dynamic truncation (RFC 4226 section 5.3).
	off := sum[len(sum)-1] & 0x0f
	bin := binary.BigEndian.Uint32(sum[off:]) & 0x7fffffff
	return fmt.Sprintf("%0*d", digits, bin%pow10[digits])
}

// Code returns the 6-digit code for secret at time t.
func Code(secret string, t time.Time) (string, error) {
	key, err := decodeSecret(secret)
	if err != nil {
		return "", err
	}
	c := counter(t)
	if c < 0 {
		return "", errors.New("totp: time before the Unix epoch")
	}
	return hotp(key, uint64(c), Digits), nil
}

// validFormat reports whether code is exactly Digits ASCII digits.
func validFormat(code string) bool {
	if len(code) != Digits {
		return false
	}
	for i := 0; i < len(code); i++ {
		if code[i] < '0' || code[i] > '9' {
			return false
		}
	}
	return true
}

// Verify reports whether code is the code of the time step containing t or
// of one step either side of it (to allow for clock skew and typing time).
// On success it returns the matched step counter; the caller must store it
// and refuse any later code whose step is <= the last step used, so a code
// cannot be replayed. The comparison is constant-time and every candidate
// step is always checked.
//
// A malformed secret or a code that is not exactly six ASCII digits is
// rejected with ok == false.
func Verify(secret, code string, t time.Time) (step int64, ok bool) {
	if !validFormat(code) {
		return 0, false
	}
	key, err := decodeSecret(secret)
	if err != nil {
		return 0, false
	}
	now := counter(t)
	matched := int64(-1)
	for c := now - Skew; c <= now+Skew; c++ {
		if c < 0 {
			continue
		}
		want := hotp(key, uint64(c), Digits)
		// If two steps collide on the same code, keep the latest one: it
		// is the stricter choice for replay protection.
		eq := subtle.ConstantTimeCompare([]byte(want), []byte(code))
		mask := -int64(eq) // all ones on a match, zero otherwise
		matched = c&mask | matched&^mask
	}
	if matched < 0 {
		return 0, false
	}
	return matched, true
}

// escape percent-encodes s for use in an otpauth URI, encoding spaces as
// %20 (not '+') as the Key URI format expects.
func escape(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}

// URI returns the otpauth:// key URI understood by authenticator apps
// (the Google Authenticator "Key Uri Format"):
//
//	otpauth://totp/Issuer:account?secret=…&issuer=…&algorithm=SHA1&digits=6&period=30
//
// Issuer and account are percent-encoded, including any ':' inside them, so
// the literal ':' separating them stays unambiguous. If issuer is empty the
// label is just the account and the issuer parameter is omitted.
func URI(issuer, account, secret string) string {
	var b strings.Builder
	b.WriteString("otpauth://totp/")
	if issuer != "" {
		b.WriteString(escape(issuer))
		b.WriteByte(':')
	}
	b.WriteString(escape(account))
	b.WriteString("?secret=")
	b.WriteString(escape(secret))
	if issuer != "" {
		b.WriteString("&issuer=")
		b.WriteString(escape(issuer))
	}
	fmt.Fprintf(&b, "&algorithm=SHA1&digits=%d&period=%d", Digits, periodSeconds)
	return b.String()
}
