// Package report is the provider's signed final assessment report: its
// content, a canonical JSON encoding, and Ed25519 signing and verification.
// It is pure: keys and storage live in the store.
package report

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Version of the report content format; part of the signed payload.
const Version = "anbao-report/1"

// Party names an organisation in the report.
type Party struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	USCC string `json:"uscc,omitempty"`
}

// Finding is one finding as it stands in the report.
type Finding struct {
	ID         int64    `json:"id"`
	Title      string   `json:"title"`
	Asset      string   `json:"asset,omitempty"`
	Severity   string   `json:"severity"` // critical, high, medium, low, info
	CVEs       []string `json:"cves,omitempty"`
	CVSSVector string   `json:"cvss_vector,omitempty"`
	CVSSScore  *float64 `json:"cvss_score,omitempty"`
	KEV        bool     `json:"kev"`
	EPSS       *float64 `json:"epss,omitempty"`
	Status     string   `json:"status"`
}

// Content is what the provider signs.
type Content struct {
	Version       string         `json:"version"`
	EngagementID  int64          `json:"engagement_id"`
	Enterprise    Party          `json:"enterprise"`
	Provider      Party          `json:"provider"`
	Scope         string         `json:"scope"`
	WindowStart   string         `json:"window_start"` // YYYY-MM-DD
	WindowEnd     string         `json:"window_end"`
	Authorisation string         `json:"authorisation"` // the written authorisation's reference
	Findings      []Finding      `json:"findings"`
	Counts        map[string]int `json:"counts"` // findings per severity
	Conclusion    string         `json:"conclusion"`
	IssuedAt      string         `json:"issued_at"` // RFC 3339, UTC
}

// Severities in report order.
var Severities = []string{"critical", "high", "medium", "low", "info"}

// Summarise sets Counts from Findings.
func (c *Content) Summarise() {
	c.Counts = map[string]int{}
	for _, s := range Severities {
		c.Counts[s] = 0
	}
	for _, f := range c.Findings {
		c.Counts[f.Severity]++
	}
}

// Validate checks the content is complete enough to sign.
func (c *Content) Validate() error {
	switch {
	case c.Version != Version:
		return fmt.Errorf("report: version %q, want %q", c.Version, Version)
	case c.EngagementID <= 0:
		return errors.New("report: engagement id missing")
	case strings.TrimSpace(c.Enterprise.Name) == "":
		return errors.New("report: enterprise name missing")
	case strings.TrimSpace(c.Provider.Name) == "":
		return errors.New("report: provider name missing")
	case c.IssuedAt == "":
		return errors.New("report: issued-at missing")
	}
	for i, f := range c.Findings {
		ok := false
		for _, s := range Severities {
			ok = ok || f.Severity == s
		}
		if !ok {
			return fmt.Errorf("report: finding %d (%d): unknown severity %q", i+1, f.ID, f.Severity)
		}
	}
	return nil
}

// Canonical is the byte encoding that is hashed and signed: the JSON of v
// re-encoded with object keys sorted, no insignificant whitespace, and HTML
// characters left unescaped. Decoding and re-encoding yields the same bytes.
func Canonical(v any) ([]byte, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var generic any
	if err := dec.Decode(&generic); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := writeCanonical(&buf, generic); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func writeCanonical(buf *bytes.Buffer, v any) error {
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sortStrings(keys)
		buf.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				buf.WriteByte(',')
			}
			writeString(buf, k)
			buf.WriteByte(':')
			if err := writeCanonical(buf, x[k]); err != nil {
				return err
			}
		}
		buf.WriteByte('}')
	case []any:
		buf.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := writeCanonical(buf, e); err != nil {
				return err
			}
		}
		buf.WriteByte(']')
	case string:
		writeString(buf, x)
	case json.Number:
		buf.WriteString(x.String())
	case bool:
		if x {
			buf.WriteString("true")
		} else {
			buf.WriteString("false")
		}
	case nil:
		buf.WriteString("null")
	default:
		return fmt.Errorf("report: cannot encode %T", v)
	}
	return nil
}

func writeString(buf *bytes.Buffer, s string) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // strings always encode
	buf.Write(bytes.TrimRight(b.Bytes(), "\n"))
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// Digest is the hex SHA-256 of a payload.
func Digest(payload []byte) string {
	h := sha256.Sum256(payload)
	return hex.EncodeToString(h[:])
}

// Fingerprint identifies a public key: "ed25519:" and the first 16 bytes of
// its SHA-256, in hex.
func Fingerprint(pub ed25519.PublicKey) string {
	h := sha256.Sum256(pub)
	return "ed25519:" + hex.EncodeToString(h[:16])
}

// Sign signs payload with priv (pure Ed25519, RFC 8032).
func Sign(priv ed25519.PrivateKey, payload []byte) ([]byte, error) {
	if len(priv) != ed25519.PrivateKeySize {
		return nil, fmt.Errorf("report: private key is %d bytes, want %d", len(priv), ed25519.PrivateKeySize)
	}
	return ed25519.Sign(priv, payload), nil
}

// ErrBadSignature means the signature does not match the payload and key.
var ErrBadSignature = errors.New("report: signature does not verify")

// Verify checks sig over payload with pub.
func Verify(pub ed25519.PublicKey, payload, sig []byte) error {
	if len(pub) != ed25519.PublicKeySize {
		return fmt.Errorf("report: public key is %d bytes, want %d", len(pub), ed25519.PublicKeySize)
	}
	if len(sig) != ed25519.SignatureSize || !ed25519.Verify(pub, payload, sig) {
		return ErrBadSignature
	}
	return nil
}

// SignContent validates c, encodes it canonically and signs it.
func SignContent(priv ed25519.PrivateKey, c *Content) (payload, sig []byte, err error) {
	if err := c.Validate(); err != nil {
		return nil, nil, err
	}
	if payload, err = Canonical(c); err != nil {
		return nil, nil, err
	}
	sig, err = Sign(priv, payload)
	return payload, sig, err
}

// Open verifies sig over payload and decodes the content. The payload must
// be in canonical form, so two encodings of one report cannot both verify.
func Open(pub ed25519.PublicKey, payload, sig []byte) (*Content, error) {
	if err := Verify(pub, payload, sig); err != nil {
		return nil, err
	}
	var c Content
	if err := json.Unmarshal(payload, &c); err != nil {
		return nil, fmt.Errorf("report: payload: %w", err)
	}
	canon, err := Canonical(&c)
	if err != nil || !bytes.Equal(canon, payload) {
		return nil, errors.New("report: payload is not in canonical form")
	}
	return &c, nil
}
