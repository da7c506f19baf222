// Package password hashes and verifies user passwords with Argon2id
// (RFC 9106) and enforces a minimal password policy.
//
// Hashes are stored in the PHC string format used by the Argon2 reference
// implementation, e.g.
//
//	$argon2id$v=19$m=19456,t=2,p=1$<salt>$<key>
//
// where salt and key are standard base64 without padding.
package password

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Params are the Argon2id cost parameters and output sizes.
type Params struct {
	Memory      uint32 // memory in KiB
	Iterations  uint32 // number of passes over memory (t)
	Parallelism uint8  // number of lanes (p)
	SaltLen     uint32 // salt length in bytes
	KeyLen      uint32 // derived key length in bytes
}

// Default is the OWASP Password Storage Cheat Sheet minimum for Argon2id:
// 19 MiB of memory, 2 iterations, 1 degree of parallelism.
var Default = Params{Memory: 19456, Iterations: 2, Parallelism: 1, SaltLen: 16, KeyLen: 32}

// Bounds on accepted parameters. They apply both to Hash and to hashes read
// back by Verify, so a corrupted or hostile stored hash cannot make Verify
// allocate unbounded memory or spin for minutes.
const (
	MaxMemory     = 1 << 20 // KiB (1 GiB)
	MaxIterations = 64
	MinSaltLen    = 8
	MaxSaltLen    = 64
	MinKeyLen     = 16
	MaxKeyLen     = 64
)

// ErrInvalidHash is wrapped by every error Verify returns for an encoded
// hash it cannot parse or does not support.
var ErrInvalidHash = errors.New("password: invalid encoded hash")

// randReader is the salt source; tests replace it to get fixed salts.
var randReader io.Reader = rand.Reader

var b64 = base64.RawStdEncoding.Strict()

// Validate reports whether p is within the supported bounds.
func (p Params) Validate() error {
	switch {
	case p.Iterations < 1 || p.Iterations > MaxIterations:
		return fmt.Errorf("password: iterations %d out of range 1..%d", p.Iterations, MaxIterations)
	case p.Parallelism < 1:
		return errors.New("password: parallelism must be at least 1")
	case p.Memory < 8*uint32(p.Parallelism) || p.Memory > MaxMemory:
		return fmt.Errorf("password: memory %d KiB out of range %d..%d", p.Memory, 8*uint32(p.Parallelism), MaxMemory)
	case p.SaltLen < MinSaltLen || p.SaltLen > MaxSaltLen:
		return fmt.Errorf("password: salt length %d out of range %d..%d", p.SaltLen, MinSaltLen, MaxSaltLen)
	case p.KeyLen < MinKeyLen || p.KeyLen > MaxKeyLen:
		return fmt.Errorf("password: key length %d out of range %d..%d", p.KeyLen, MinKeyLen, MaxKeyLen)
	}
	return nil
}

// Hash derives an Argon2id key from pw with a fresh random salt and returns
// it as a PHC string.
func Hash(pw string, p Params) (string, error) {
	if err := p.Validate(); err != nil {
		return "", err
	}
	salt := make([]byte, p.SaltLen)
	if _, err := io.ReadFull(randReader, salt); err != nil {
		return "", fmt.Errorf("password: reading salt: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, p.Iterations, p.Memory, p.Parallelism, p.KeyLen)
	return encode(p, salt, key), nil
}

func encode(p Params, salt, key []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Iterations, p.Parallelism,
		b64.EncodeToString(salt), b64.EncodeToString(key))
}

// parseDecimal parses a canonical PHC decimal: digits only, no sign, no
// leading zero.
func parseDecimal(s string, bitSize int) (uint64, error) {
	if s == "" || (len(s) > 1 && s[0] == '0') {
		return 0, fmt.Errorf("non-canonical number %q", s)
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, fmt.Errorf("bad number %q", s)
		}
	}
	return strconv.ParseUint(s, 10, bitSize)
}

// decode parses a PHC-format Argon2id string.
func decode(encoded string) (p Params, salt, key []byte, err error) {
	bad := func(format string, args ...any) (Params, []byte, []byte, error) {
		return Params{}, nil, nil, fmt.Errorf("%w: %s", ErrInvalidHash, fmt.Sprintf(format, args...))
	}
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" {
		return bad("want 5 '$'-separated fields")
	}
	if parts[1] != "argon2id" {
		return bad("unsupported algorithm %q", parts[1])
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return bad("unsupported version %q", parts[2])
	}

	fields := strings.Split(parts[3], ",")
	if len(fields) != 3 {
		return bad("want parameters m,t,p")
	}
	var vals [3]uint64
	for i, name := range []string{"m", "t", "p"} {
		v, ok := strings.CutPrefix(fields[i], name+"=")
		if !ok {
			return bad("parameter %d: want %s=", i+1, name)
		}
		bits := 32
		if name == "p" {
			bits = 8
		}
		n, err := parseDecimal(v, bits)
		if err != nil {
			return bad("parameter %s: %v", name, err)
		}
		vals[i] = n
	}

	if salt, err = b64.DecodeString(parts[4]); err != nil {
		return bad("salt: %v", err)
	}
	if key, err = b64.DecodeString(parts[5]); err != nil {
		return bad("key: %v", err)
	}
	p = Params{
		Memory:      uint32(vals[0]),
		Iterations:  uint32(vals[1]),
		Parallelism: uint8(vals[2]),
		SaltLen:     uint32(len(salt)),
		KeyLen:      uint32(len(key)),
	}
	if err := p.Validate(); err != nil {
		return bad("%v", err)
	}
	return p, salt, key, nil
}

// Verify checks pw against an encoded hash produced by Hash (or any
// compatible Argon2id PHC string). The key comparison is constant-time.
//
// needsRehash is true when the password matched but the hash was made with
// parameters other than Default; the caller should then store a fresh
// Hash(pw, Default). A malformed or unsupported encoding returns an error
// wrapping ErrInvalidHash, with ok == false.
func Verify(pw, encoded string) (ok bool, needsRehash bool, err error) {
	p, salt, key, err := decode(encoded)
	if err != nil {
		return false, false, err
	}
	got := argon2.IDKey([]byte(pw), salt, p.Iterations, p.Memory, p.Parallelism, p.KeyLen)
	if subtle.ConstantTimeCompare(got, key) != 1 {
		return false, false, nil
	}
	return true, p != Default, nil
}
