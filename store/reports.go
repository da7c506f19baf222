package store

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"strings"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/report"
)

// Report is a signed final report with the result of verifying it now.
type Report struct {
	ID           int64           `json:"id"`
	EngagementID int64           `json:"engagement_id"`
	EnterpriseID int64           `json:"enterprise_id"`
	ProviderID   int64           `json:"provider_id"`
	SHA256       string          `json:"sha256"`
	Signature    string          `json:"signature"` // base64
	PublicKey    string          `json:"public_key"`
	Fingerprint  string          `json:"fingerprint"`
	SignedBy     string          `json:"signed_by"`
	SignedAt     string          `json:"signed_at"`
	Verified     bool            `json:"verified"`
	Content      *report.Content `json:"content"`
	Payload      string          `json:"payload"` // the signed bytes, for independent verification
}

// MaxConclusion bounds the report's conclusion.
const MaxConclusion = 4000

// SignReport has the engaged provider's admin sign the final report of an
// engagement: the engagement, its authorisation and every finding as they
// stand now, with the conclusion. The provider's key is made on first use.
// A production deployment would keep the private keys in an HSM or KMS; here
// they are in the database, readable only through this function.
func (s *Store) SignReport(ctx context.Context, engagementID int64, conclusion string) (*Report, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActReportSign); err != nil {
		return nil, err
	}
	e, err := s.GetEngagement(ctx, engagementID)
	if err != nil {
		return nil, err
	}
	if !p.System && e.ProviderID != p.OrgID {
		return nil, anbao.ErrNotFound("engagement")
	}
	if e.Status != EngAccepted && e.Status != EngActive && e.Status != EngCompleted {
		return nil, anbao.Errorf(anbao.ECONFLICT, "report.engagement_state", string(e.Status))
	}
	conclusion = strings.TrimSpace(conclusion)
	if conclusion == "" {
		return nil, anbao.FieldError("conclusion", "report.conclusion_required")
	}
	if len([]rune(conclusion)) > MaxConclusion {
		return nil, anbao.FieldError("conclusion", "qn.answer.too_long", MaxConclusion)
	}
	fl, err := s.ListFindings(ctx, engagementID, FindingFilter{Page: anbao.Page{Limit: 500}})
	if err != nil {
		return nil, err
	}
	c := &report.Content{Version: report.Version, EngagementID: e.ID,
		Enterprise: report.Party{ID: e.EnterpriseID, Name: e.EnterpriseName}, Provider: report.Party{ID: e.ProviderID, Name: e.ProviderName},
		Scope: e.Scope, WindowStart: e.WindowStart, WindowEnd: e.WindowEnd,
		Authorisation: e.AuthorisedBy + " " + e.AuthorisedAt + ": " + e.AuthorisationText, Conclusion: conclusion, IssuedAt: s.now(),
		Findings: []report.Finding{}}
	for _, f := range fl.Items {
		c.Findings = append(c.Findings, report.Finding{ID: f.ID, Title: f.Title, Asset: f.Asset, Severity: f.Severity, CVEs: f.CVE,
			CVSSVector: f.CVSSVector, CVSSScore: f.CVSSScore, KEV: f.KEV, EPSS: f.EPSS, Status: f.Status})
	}
	c.Summarise()
	var out *Report
	err = s.inTx(ctx, func(t *tx) error {
		// Check again under a row lock: the enterprise may have ended the
		// engagement since it was read.
		if _, err := s.providerEngagement(t, p, engagementID, EngAccepted, EngActive, EngCompleted); err != nil {
			return err
		}
		keyID, priv, err := t.signingKey(e.ProviderID)
		if err != nil {
			return err
		}
		payload, sig, err := report.SignContent(priv, c)
		if err != nil {
			return err
		}
		pub := priv.Public().(ed25519.PublicKey)
		out = &Report{EngagementID: e.ID, EnterpriseID: e.EnterpriseID, ProviderID: e.ProviderID, SHA256: report.Digest(payload),
			Signature: base64.StdEncoding.EncodeToString(sig), PublicKey: base64.StdEncoding.EncodeToString(pub),
			Fingerprint: report.Fingerprint(pub), SignedBy: p.Username, SignedAt: c.IssuedAt, Verified: true, Content: c, Payload: string(payload)}
		if err := t.QueryRowContext(ctx, `INSERT INTO reports (engagement_id, enterprise_id, provider_id, payload, sha256, signature, key_id, signed_by, signed_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) RETURNING id`, e.ID, e.EnterpriseID, e.ProviderID, out.Payload, out.SHA256, out.Signature,
			keyID, out.SignedBy, out.SignedAt).Scan(&out.ID); err != nil {
			return err
		}
		return t.audit(auditChange{"report.sign", "report", out.ID, e.EnterpriseID, nil,
			map[string]any{"engagement": e.ID, "sha256": out.SHA256, "fingerprint": out.Fingerprint, "findings": len(c.Findings)}})
	})
	return out, err
}

// signingKey returns the provider's key, made on first use.
func (t *tx) signingKey(org int64) (int64, ed25519.PrivateKey, error) {
	var id int64
	var privB64 string
	err := t.QueryRowContext(t.ctx, "SELECT id, private_key FROM signing_keys WHERE org_id = $1", org).Scan(&id, &privB64)
	if err == nil {
		b, err := base64.StdEncoding.DecodeString(privB64)
		return id, ed25519.PrivateKey(b), err
	}
	if !isNoRows(err) {
		return 0, nil, err
	}
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return 0, nil, err
	}
	err = t.QueryRowContext(t.ctx, `INSERT INTO signing_keys (org_id, public_key, private_key, fingerprint, created_at)
		VALUES ($1,$2,$3,$4,$5) RETURNING id`, org, base64.StdEncoding.EncodeToString(pub), base64.StdEncoding.EncodeToString(priv),
		report.Fingerprint(pub), t.s.now()).Scan(&id)
	if err != nil {
		return 0, nil, err
	}
	return id, priv, t.audit(auditChange{"signing_key.create", "organisation", org, org, nil, map[string]any{"fingerprint": report.Fingerprint(pub)}})
}

// GetReport returns a signed report, verifying its signature now.
func (s *Store) GetReport(ctx context.Context, id int64) (*Report, error) {
	if err := anbao.Authorize(anbao.PrincipalFrom(ctx), anbao.ActAssessmentRead); err != nil {
		return nil, err
	}
	var r Report
	var pubB64 string
	err := s.read.QueryRowContext(ctx, `SELECT r.id, r.engagement_id, r.enterprise_id, r.provider_id, r.payload, r.sha256, r.signature,
		r.signed_by, r.signed_at, k.public_key, k.fingerprint FROM reports r JOIN signing_keys k ON k.id = r.key_id WHERE r.id = $1`, id).Scan(
		&r.ID, &r.EngagementID, &r.EnterpriseID, &r.ProviderID, &r.Payload, &r.SHA256, &r.Signature, &r.SignedBy, &r.SignedAt, &pubB64, &r.Fingerprint)
	if isNoRows(err) {
		return nil, anbao.ErrNotFound("report")
	}
	if err != nil {
		return nil, err
	}
	if err := s.readableAssessment(ctx, s.read, anbao.PrincipalFrom(ctx), r.EnterpriseID); err != nil {
		return nil, anbao.ErrNotFound("report")
	}
	r.PublicKey = pubB64
	pub, err1 := base64.StdEncoding.DecodeString(pubB64)
	sig, err2 := base64.StdEncoding.DecodeString(r.Signature)
	if err1 == nil && err2 == nil {
		if c, err := report.Open(ed25519.PublicKey(pub), []byte(r.Payload), sig); err == nil && report.Digest([]byte(r.Payload)) == r.SHA256 {
			r.Content, r.Verified = c, true
		}
	}
	if r.Content == nil { // show what the payload says, marked unverified
		r.Content = &report.Content{}
		_ = json.Unmarshal([]byte(r.Payload), r.Content)
	}
	return &r, nil
}

// ListReports lists the reports of an engagement, newest first.
func (s *Store) ListReports(ctx context.Context, engagementID int64) ([]*Report, error) {
	if _, err := s.GetEngagement(ctx, engagementID); err != nil {
		return nil, err
	}
	var ids []int64
	err := eachRow(ctx, s.read, "SELECT id FROM reports WHERE engagement_id = $1 ORDER BY id DESC", []any{engagementID}, func(sc scanner) error {
		var id int64
		if err := sc.Scan(&id); err != nil {
			return err
		}
		ids = append(ids, id)
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := []*Report{}
	for _, id := range ids {
		r, err := s.GetReport(ctx, id)
		if err != nil {
			return nil, err
		}
		r.Payload = ""
		out = append(out, r)
	}
	return out, nil
}
