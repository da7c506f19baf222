package store

import (
	"context"

	"github.com/anbao/anbao"
)

// Intermediary mandates (issue #5 item 3: "an enterprise, or an intermediary
// for it, asks for quotes"). The enterprise's admin mandates an
// insurer-kind organisation (a broker or agent); while the mandate stands,
// that organisation's admins and underwriters ask for quotes for the
// enterprise and read the requests they made with every insurer's quotes.
// A mandate gives no underwriting power: decisions, contingencies and binds
// stay with the quoting insurer, the bind request with the enterprise.

// RelIntermediary is an intermediary's mandate from an enterprise.
const RelIntermediary RelationshipKind = "intermediary"

// Mandate is one intermediary an enterprise mandates (or once did).
type Mandate struct {
	IntermediaryID   int64  `json:"intermediary_id"`
	IntermediaryName string `json:"intermediary_name"`
	Since            string `json:"since"`
	EndedAt          string `json:"ended_at,omitempty"`
	Active           bool   `json:"active"`
}

// ListMandates lists enterprise id's intermediaries, active first: the
// enterprise itself and the operator read them.
func (s *Store) ListMandates(ctx context.Context, enterpriseID int64) ([]Mandate, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActOrgRead); err != nil {
		return nil, err
	}
	if !p.System && p.OrgKind != anbao.KindOperator && (p.OrgKind != anbao.KindEnterprise || p.OrgID != enterpriseID) {
		return nil, anbao.ErrNotFound("enterprise")
	}
	out := []Mandate{}
	err := eachRow(ctx, s.read, `SELECT r.party_org_id, o.name_zh, r.started_at, r.ended_at FROM relationships r
		JOIN organisations o ON o.id = r.party_org_id WHERE r.enterprise_id = $1 AND r.kind = $2
		ORDER BY CASE WHEN r.ended_at = '' THEN 0 ELSE 1 END, o.name_zh, r.party_org_id`, []any{enterpriseID, string(RelIntermediary)},
		func(sc scanner) error {
			var m Mandate
			err := sc.Scan(&m.IntermediaryID, &m.IntermediaryName, &m.Since, &m.EndedAt)
			m.Active = m.EndedAt == ""
			out = append(out, m)
			return err
		})
	return out, err
}

// GrantMandate mandates an active insurer-kind organisation to ask for
// quotes for enterprise id.
func (s *Store) GrantMandate(ctx context.Context, enterpriseID, orgID int64) (*Mandate, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := MayActForOwn(p, enterpriseID, anbao.ActMandateManage); err != nil {
		return nil, err
	}
	var out *Mandate
	err := s.inTx(ctx, func(t *tx) error {
		if err := t.writableEnterpriseFor(enterpriseID); err != nil {
			return err
		}
		var kind anbao.OrgKind
		var status, name string
		err := t.QueryRowContext(ctx, "SELECT kind, status, name_zh FROM organisations WHERE id = $1", orgID).Scan(&kind, &status, &name)
		if err != nil && !isNoRows(err) {
			return err
		}
		if isNoRows(err) || kind != anbao.KindInsurer || status != string(anbao.OrgActive) {
			return anbao.FieldError("intermediary_id", "uw.mandate.not_intermediary", orgID)
		}
		var ended string
		now := s.now()
		err = t.QueryRowContext(ctx, `SELECT ended_at FROM relationships WHERE party_org_id = $1 AND enterprise_id = $2 AND kind = $3`,
			orgID, enterpriseID, string(RelIntermediary)).Scan(&ended)
		switch {
		case isNoRows(err):
			_, err = t.ExecContext(ctx, `INSERT INTO relationships (party_org_id, enterprise_id, kind, started_at) VALUES ($1,$2,$3,$4)`,
				orgID, enterpriseID, string(RelIntermediary), now)
		case err != nil:
		case ended == "":
			return anbao.Errorf(anbao.ECONFLICT, "uw.mandate.exists", name)
		default:
			_, err = t.ExecContext(ctx, `UPDATE relationships SET started_at = $1, ended_at = '' WHERE party_org_id = $2 AND enterprise_id = $3 AND kind = $4`,
				now, orgID, enterpriseID, string(RelIntermediary))
		}
		if err != nil {
			return err
		}
		out = &Mandate{IntermediaryID: orgID, IntermediaryName: name, Since: now, Active: true}
		return t.audit(auditChange{"mandate.grant", "organisation", enterpriseID, enterpriseID, nil, out})
	})
	return out, err
}

// RevokeMandate ends an intermediary's mandate at once.
func (s *Store) RevokeMandate(ctx context.Context, enterpriseID, orgID int64) error {
	p := anbao.PrincipalFrom(ctx)
	if err := MayActForOwn(p, enterpriseID, anbao.ActMandateManage); err != nil {
		return err
	}
	return s.inTx(ctx, func(t *tx) error {
		if err := t.writableEnterpriseFor(enterpriseID); err != nil {
			return err
		}
		r, err := t.ExecContext(ctx, `UPDATE relationships SET ended_at = $1 WHERE party_org_id = $2 AND enterprise_id = $3 AND kind = $4
			AND ended_at = ''`, s.now(), orgID, enterpriseID, string(RelIntermediary))
		if err != nil {
			return err
		}
		if n, err := r.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return anbao.ErrNotFound("mandate")
		}
		return t.audit(auditChange{"mandate.revoke", "organisation", enterpriseID, enterpriseID,
			map[string]any{"intermediary_id": orgID, "active": true}, map[string]any{"intermediary_id": orgID, "active": false}})
	})
}

// MayRequestQuotes checks that p may ask for quotes for enterprise id: the
// enterprise's own admins and members, or an intermediary it mandates.
// Anyone else gets not found (or forbidden for a role that never may).
func (s *Store) MayRequestQuotes(ctx context.Context, p *anbao.Principal, id int64) error {
	if p != nil && p.OrgKind == anbao.KindInsurer && !p.System {
		if err := anbao.Authorize(p, anbao.ActQuoteBroker); err != nil {
			return err
		}
		var n int
		if err := s.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM relationships WHERE party_org_id = $1 AND enterprise_id = $2
			AND kind = $3 AND ended_at = ''`, p.OrgID, id, string(RelIntermediary)).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return anbao.ErrNotFound("enterprise")
		}
		return nil
	}
	return MayActForOwn(p, id, anbao.ActQuoteRequest)
}

// MandatingEnterprise is an enterprise that mandates the reader as its intermediary.
type MandatingEnterprise struct {
	ID     int64  `json:"id"`
	NameZH string `json:"name_zh"`
	NameEN string `json:"name_en"`
}

// ListMandatingEnterprises lists the active enterprises that mandate p's
// organisation as their intermediary (none for anyone but an intermediary).
func (s *Store) ListMandatingEnterprises(ctx context.Context) ([]MandatingEnterprise, error) {
	p := anbao.PrincipalFrom(ctx)
	out := []MandatingEnterprise{}
	if p == nil || p.OrgKind != anbao.KindInsurer || !anbao.Can(p, anbao.ActQuoteBroker) {
		return out, nil
	}
	err := eachRow(ctx, s.read, `SELECT o.id, o.name_zh, o.name_en FROM relationships r JOIN organisations o ON o.id = r.enterprise_id
		WHERE r.party_org_id = $1 AND r.kind = $2 AND r.ended_at = '' AND o.status = 'active' ORDER BY o.name_zh, o.id`,
		[]any{p.OrgID, string(RelIntermediary)}, func(sc scanner) error {
			var m MandatingEnterprise
			err := sc.Scan(&m.ID, &m.NameZH, &m.NameEN)
			out = append(out, m)
			return err
		})
	return out, err
}
