package password

import (
	"strings"
	"testing"
)

// Stored hashes come from the database, which an attacker may have touched:
// parsing must never panic or accept a malformed string as a match.
func FuzzVerify(f *testing.F) {
	good, _ := Hash("correct horse battery", Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLen: 16, KeyLen: 32})
	f.Add("correct horse battery", good)
	f.Add("x", "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$a2V5")
	f.Add("", "")
	f.Add("pw", "$argon2i$v=19$m=1,t=1,p=1$$")
	f.Fuzz(func(t *testing.T, pw, encoded string) {
		if len(encoded) > 512 {
			return
		}
		ok, _, err := Verify(pw, encoded)
		if ok && err != nil {
			t.Fatalf("ok with error %v", err)
		}
		if ok && !strings.HasPrefix(encoded, "$argon2id$") {
			t.Fatalf("accepted a non-argon2id string %q", encoded)
		}
	})
}
