package report

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"testing"
)

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// RFC 8032 §7.1, TEST 1.
func TestRFC8032Vector1(t *testing.T) {
	seed := mustHex(t, "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
	pub := mustHex(t, "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
	want := mustHex(t, "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"+
		"5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b")
	priv := ed25519.NewKeyFromSeed(seed)
	if !bytes.Equal(priv.Public().(ed25519.PublicKey), pub) {
		t.Fatal("public key mismatch")
	}
	sig, err := Sign(priv, nil)
	if err != nil || !bytes.Equal(sig, want) {
		t.Fatalf("sig %x, err %v", sig, err)
	}
	if err := Verify(pub, nil, sig); err != nil {
		t.Fatal(err)
	}
	if err := Verify(pub, []byte{0}, sig); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("tampered message: %v", err)
	}
}

func sample() *Content {
	s := 9.8
	c := &Content{Version: Version, EngagementID: 7,
		Enterprise: Party{ID: 1, Name: "上海某某科技有限公司"}, Provider: Party{ID: 2, Name: "安全服务 <Provider> & Co"},
		Scope: "外网资产", WindowStart: "2026-11-01", WindowEnd: "2026-11-20", Authorisation: "授权书-7",
		Findings:   []Finding{{ID: 3, Title: "RCE", Severity: "critical", CVEs: []string{"CVE-2021-44228"}, CVSSScore: &s, KEV: true, Status: "open"}},
		Conclusion: "结论", IssuedAt: "2026-11-29T01:00:00Z"}
	c.Summarise()
	return c
}

func TestSignOpenTamper(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(nil)
	c := sample()
	payload, sig, err := SignContent(priv, c)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Open(pub, payload, sig)
	if err != nil || got.Enterprise.Name != c.Enterprise.Name || got.Counts["critical"] != 1 {
		t.Fatalf("open: %+v %v", got, err)
	}
	if !bytes.Contains(payload, []byte("<Provider> & Co")) {
		t.Error("HTML characters must not be escaped in the canonical form")
	}
	bad := bytes.Replace(payload, []byte("critical"), []byte("low"), 1)
	if _, err := Open(pub, bad, sig); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("tampered payload: %v", err)
	}
	other, _, _ := ed25519.GenerateKey(nil)
	if _, err := Open(other, payload, sig); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("wrong key: %v", err)
	}
	// A non-canonical encoding of the same content, even if validly signed, is refused.
	spaced := append([]byte(" "), payload...)
	sig2, _ := Sign(priv, spaced)
	if _, err := Open(pub, spaced, sig2); err == nil {
		t.Fatal("non-canonical payload accepted")
	}
}

func TestCanonicalStable(t *testing.T) {
	a, err := Canonical(map[string]any{"b": 1, "a": []any{"x", nil, true}, "c": map[string]any{"z": 1.5, "y": "é"}})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"a":["x",null,true],"b":1,"c":{"y":"é","z":1.5}}`; string(a) != want {
		t.Fatalf("got %s", a)
	}
	b, _ := Canonical(sample())
	c, _ := Canonical(sample())
	if !bytes.Equal(b, c) {
		t.Fatal("unstable")
	}
}

func TestValidate(t *testing.T) {
	c := sample()
	c.Findings[0].Severity = "urgent"
	if _, _, err := SignContent(ed25519.NewKeyFromSeed(make([]byte, 32)), c); err == nil {
		t.Fatal("bad severity accepted")
	}
	c = sample()
	c.Provider.Name = ""
	if err := c.Validate(); err == nil {
		t.Fatal("missing provider accepted")
	}
	if fp := Fingerprint(make([]byte, 32)); len(fp) != len("ed25519:")+32 {
		t.Fatalf("fingerprint %q", fp)
	}
}

func FuzzOpen(f *testing.F) {
	pub, priv, _ := ed25519.GenerateKey(nil)
	payload, sig, _ := SignContent(priv, sample())
	f.Add(payload)
	f.Fuzz(func(t *testing.T, p []byte) {
		c, err := Open(pub, p, sig)
		if err == nil && !bytes.Equal(p, payload) {
			t.Fatalf("different payload verified: %+v", c)
		}
	})
}
