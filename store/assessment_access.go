package store

import (
	"context"

	"github.com/anbao/anbao"
)

// The assessment (answers, engagements, findings, reports, scores) belongs to
// the enterprise. Who else reads it is narrower than who reads the enterprise's
// directory entry: a provider only while engaged, an insurer only while the
// enterprise shares its assessment with it (an active consent relationship),
// the operator's staff per the permission table, and regulators never one
// enterprise's assessment, only aggregates.

// readableAssessment checks that p may read the assessment of enterprise id;
// any enterprise p may not read is not found.
func (s *Store) readableAssessment(ctx context.Context, db queryer, p *anbao.Principal, id int64) error {
	if err := anbao.Authorize(p, anbao.ActAssessmentRead); err != nil {
		return err
	}
	var kind anbao.OrgKind
	err := db.QueryRowContext(ctx, "SELECT kind FROM organisations WHERE id = $1", id).Scan(&kind)
	if isNoRows(err) || (err == nil && kind != anbao.KindEnterprise) {
		return anbao.ErrNotFound("enterprise")
	}
	if err != nil {
		return err
	}
	if p.System || p.OrgKind == anbao.KindOperator {
		return nil
	}
	var rel anbao.OrgKind
	switch p.OrgKind {
	case anbao.KindEnterprise:
		if p.OrgID == id {
			return nil
		}
		return anbao.ErrNotFound("enterprise")
	case anbao.KindProvider:
		rel = anbao.OrgKind(RelEngagement)
	case anbao.KindInsurer:
		rel = anbao.OrgKind(RelConsent)
	default:
		return anbao.ErrNotFound("enterprise")
	}
	var one int
	err = db.QueryRowContext(ctx, `SELECT 1 FROM relationships WHERE party_org_id = $1 AND enterprise_id = $2
		AND kind = $3 AND ended_at = '' AND assessment`, p.OrgID, id, string(rel)).Scan(&one)
	if isNoRows(err) {
		return anbao.ErrNotFound("enterprise")
	}
	return err
}

// ReadableAssessment is readableAssessment for handlers that must check
// access before they read a body or call several store functions.
func (s *Store) ReadableAssessment(ctx context.Context, id int64) error {
	return s.readableAssessment(ctx, s.read, anbao.PrincipalFrom(ctx), id)
}
