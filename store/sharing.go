package store

import (
	"context"

	"github.com/anbao/anbao"
)

// Share is one insurer the enterprise shares (or once shared) its assessment
// with. Sharing is the consent relationship made by the enterprise (marked
// assessment): while it is active the insurer sees the enterprise and its
// assessment; revoking ends it at once. A consent the operator records gives
// directory visibility only.
type Share struct {
	InsurerID   int64  `json:"insurer_id"`
	InsurerName string `json:"insurer_name"`
	Since       string `json:"since"`
	EndedAt     string `json:"ended_at,omitempty"`
	Active      bool   `json:"active"`
}

// ListShares lists the insurers enterprise id has shared its assessment with,
// active first. Only the enterprise itself and the operator see the list.
func (s *Store) ListShares(ctx context.Context, enterpriseID int64) ([]Share, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := s.readableAssessment(ctx, s.read, p, enterpriseID); err != nil {
		return nil, err
	}
	if !p.System && p.OrgKind != anbao.KindOperator && p.OrgID != enterpriseID {
		return nil, anbao.ErrNotFound("enterprise")
	}
	rows, err := s.read.QueryContext(ctx, `SELECT r.party_org_id, o.name_zh, r.started_at, r.ended_at
		FROM relationships r JOIN organisations o ON o.id = r.party_org_id
		WHERE r.enterprise_id = $1 AND r.kind = $2 AND r.assessment
		ORDER BY CASE WHEN r.ended_at = '' THEN 0 ELSE 1 END, o.name_zh, r.party_org_id`, enterpriseID, string(RelConsent))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Share{}
	for rows.Next() {
		var sh Share
		if err := rows.Scan(&sh.InsurerID, &sh.InsurerName, &sh.Since, &sh.EndedAt); err != nil {
			return nil, err
		}
		sh.Active = sh.EndedAt == ""
		out = append(out, sh)
	}
	return out, rows.Err()
}

// GrantShare lets an active insurer see enterprise id's assessment. Granting
// again after a revocation restarts the consent from now.
func (s *Store) GrantShare(ctx context.Context, enterpriseID, insurerID int64) (*Share, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := MayActForOwn(p, enterpriseID, anbao.ActAssessmentShare); err != nil {
		return nil, err
	}
	var out *Share
	err := s.inTx(ctx, func(t *tx) error {
		if err := t.writableEnterpriseFor(enterpriseID); err != nil {
			return err
		}
		var kind anbao.OrgKind
		var status, name string
		err := t.QueryRowContext(ctx, "SELECT kind, status, name_zh FROM organisations WHERE id = $1", insurerID).Scan(&kind, &status, &name)
		if isNoRows(err) || (err == nil && kind != anbao.KindInsurer) {
			return anbao.FieldError("insurer_id", "share.not_insurer", insurerID)
		}
		if err != nil {
			return err
		}
		if status != "active" {
			// Inactive organisations are hidden from other tenants: say no more
			// than for one that does not exist.
			return anbao.FieldError("insurer_id", "share.not_insurer", insurerID)
		}
		var endedAt string
		var granted bool
		now := s.now()
		err = t.QueryRowContext(ctx, `SELECT ended_at, assessment FROM relationships WHERE party_org_id = $1 AND enterprise_id = $2 AND kind = $3`,
			insurerID, enterpriseID, string(RelConsent)).Scan(&endedAt, &granted)
		switch {
		case isNoRows(err):
			_, err = t.ExecContext(ctx, `INSERT INTO relationships (party_org_id, enterprise_id, kind, started_at, assessment) VALUES ($1, $2, $3, $4, TRUE)`,
				insurerID, enterpriseID, string(RelConsent), now)
		case err != nil:
		case endedAt == "" && granted:
			return anbao.Errorf(anbao.ECONFLICT, "share.exists", name)
		case endedAt == "":
			// A relationship recorded by the operator: the enterprise now shares.
			_, err = t.ExecContext(ctx, `UPDATE relationships SET assessment = TRUE WHERE party_org_id = $1 AND enterprise_id = $2 AND kind = $3`,
				insurerID, enterpriseID, string(RelConsent))
		default:
			_, err = t.ExecContext(ctx, `UPDATE relationships SET started_at = $1, ended_at = '', assessment = TRUE WHERE party_org_id = $2 AND enterprise_id = $3 AND kind = $4`,
				now, insurerID, enterpriseID, string(RelConsent))
		}
		if err != nil {
			return err
		}
		out = &Share{InsurerID: insurerID, InsurerName: name, Since: now, Active: true}
		return t.audit(auditChange{"assessment.share.grant", "organisation", enterpriseID, enterpriseID, nil, out})
	})
	return out, err
}

// RevokeShare ends an insurer's view of enterprise id's assessment.
func (s *Store) RevokeShare(ctx context.Context, enterpriseID, insurerID int64) error {
	p := anbao.PrincipalFrom(ctx)
	if err := MayActForOwn(p, enterpriseID, anbao.ActAssessmentShare); err != nil {
		return err
	}
	return s.inTx(ctx, func(t *tx) error {
		if err := t.writableEnterpriseFor(enterpriseID); err != nil {
			return err
		}
		var since, name string
		err := t.QueryRowContext(ctx, `SELECT r.started_at, o.name_zh FROM relationships r JOIN organisations o ON o.id = r.party_org_id
			WHERE r.party_org_id = $1 AND r.enterprise_id = $2 AND r.kind = $3 AND r.ended_at = '' AND r.assessment`,
			insurerID, enterpriseID, string(RelConsent)).Scan(&since, &name)
		if isNoRows(err) {
			return anbao.ErrNotFound("share")
		}
		if err != nil {
			return err
		}
		now := s.now()
		if _, err := t.ExecContext(ctx, `UPDATE relationships SET ended_at = $1 WHERE party_org_id = $2 AND enterprise_id = $3 AND kind = $4`,
			now, insurerID, enterpriseID, string(RelConsent)); err != nil {
			return err
		}
		before := Share{InsurerID: insurerID, InsurerName: name, Since: since, Active: true}
		after := before
		after.Active, after.EndedAt = false, now
		return t.audit(auditChange{"assessment.share.revoke", "organisation", enterpriseID, enterpriseID, before, after})
	})
}

// writableEnterpriseFor checks that id is an enterprise and, on PostgreSQL,
// locks it so concurrent grants and revocations serialise.
func (t *tx) writableEnterpriseFor(id int64) error {
	lock := ""
	if t.s.engine == Postgres {
		lock = " FOR NO KEY UPDATE"
	}
	var kind anbao.OrgKind
	err := t.QueryRowContext(t.ctx, "SELECT kind FROM organisations WHERE id = $1"+lock, id).Scan(&kind)
	if isNoRows(err) || (err == nil && kind != anbao.KindEnterprise) {
		return anbao.ErrNotFound("enterprise")
	}
	return err
}
