package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/anbao/anbao"
)

// The platform's own watch over policies in force: quotes past their
// validity are expired, a lost MLPS level raises the risk-increase notice
// the insured owes its insurer (危险程度显著增加: Ping An B款 §29 names the loss
// of the MLPS level declared at application), and policies in their
// renewal window are renewed. The server runs it periodically; every step is
// idempotent.

// WatchReport counts what one run did.
type WatchReport struct {
	Expired  int64 `json:"expired"`
	Notices  int   `json:"notices"`
	Renewed  int   `json:"renewed"`
	Referred int   `json:"referred"`
}

// WatchPolicies runs the periodic underwriting housekeeping.
func (s *Store) WatchPolicies(ctx context.Context) (*WatchReport, error) {
	var r WatchReport
	var err error
	if r.Expired, err = s.ExpireQuotes(ctx); err != nil {
		return nil, err
	}
	if r.Notices, err = s.ScanRiskIncreases(ctx); err != nil {
		return nil, err
	}
	if r.Renewed, r.Referred, err = s.RenewDue(ctx); err != nil {
		return nil, err
	}
	return &r, nil
}

// ScanRiskIncreases raises, on every active policy whose current term was
// priced on an MLPS level the enterprise no longer holds, a system notice
// of kind mlps_level_lost for its insurer to acknowledge; once per policy
// term and level. It returns how many notices it raised.
func (s *Store) ScanRiskIncreases(ctx context.Context) (int, error) {
	sysCtx := anbao.WithPrincipal(ctx, anbao.SystemPrincipal("risk-watch"))
	type hit struct {
		policy   int64
		was, now int
	}
	var hits []hit
	today := s.today()
	err := eachRow(ctx, s.read, `SELECT pol.id, pt.rating_input,
		COALESCE((SELECT MAX(m.level) FROM mlps_systems m WHERE m.enterprise_id = pol.enterprise_id), 0)
		FROM policies pol JOIN policy_terms pt ON pt.policy_id = pol.id AND pt.term_no = pol.current_term
		WHERE pol.status = 'active' AND pol.expiry_date > $1 AND pt.rating_input <> ''`, []any{today}, func(sc scanner) error {
		var h hit
		var in string
		if err := sc.Scan(&h.policy, &in, &h.now); err != nil {
			return err
		}
		var ri struct {
			MLPSLevel int `json:"mlps_level"`
		}
		if err := json.Unmarshal([]byte(in), &ri); err != nil {
			return err
		}
		if h.was = ri.MLPSLevel; h.now < h.was {
			hits = append(hits, h)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	raised := 0
	for _, h := range hits {
		detail := fmt.Sprintf("系统监测：投保时申报的等保定级为 %d 级，当前最高定级为 %d 级。/ Platform watch: MLPS level %d declared at application, %d now.",
			h.was, h.now, h.was, h.now)
		err := s.inTx(sysCtx, func(t *tx) error {
			pol, err := s.getPolicy(sysCtx, t, anbao.PrincipalFrom(sysCtx), h.policy, t.forUpdate())
			if err != nil {
				return err
			}
			var n int
			// Once per policy and change of level: a renewed term is priced on the new level.
			if err := t.QueryRowContext(ctx, `SELECT COUNT(*) FROM risk_notices WHERE policy_id = $1 AND kind = 'mlps_level_lost'
				AND detail = $2`, h.policy, detail).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			if _, err := t.insertNotice(pol, "mlps_level_lost", detail, "risk-watch"); err != nil {
				return err
			}
			raised++
			return nil
		})
		if err != nil {
			return raised, err
		}
	}
	return raised, nil
}
