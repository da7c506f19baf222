package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/cover"
	"github.com/anbao/anbao/rating"
)

// Policy transactions after issue: endorsements (mid-term changes with
// pro-rata premium), cancellation (flat, pro-rata, short-rate, with a
// reason code) and reinstatement. Renewal is in policy_renew.go. Each runs
// on the locked policy, checks the state it starts from, writes a
// transaction with the premium it charges or refunds and its trail, and
// audits the change.

// Cancellation reason codes.
var CancelReasons = []string{
	"insured_request",   // the insured asks (short-rate is customary)
	"non_payment",       // premium not paid
	"misrepresentation", // material misstatement on the application (flat, ab initio)
	"risk_increase",     // significant increase in risk not accepted (危险程度显著增加)
	"underwriting",      // the insurer's underwriting decision
	"duplicate",         // issued twice by mistake (flat)
	"rewrite",           // replaced by a new policy
	"other",
}

// EndorseInput is a mid-term change of the option.
type EndorseInput struct {
	EffectiveDate string `json:"effective_date"`
	Limit         int64  `json:"limit"`
	Retention     int64  `json:"retention"`
	Note          string `json:"note"`
	Version       int    `json:"version"`
}

// CancelInput cancels the current term.
type CancelInput struct {
	EffectiveDate string `json:"effective_date"`
	Method        string `json:"method"` // flat | pro_rata | short_rate
	ReasonCode    string `json:"reason_code"`
	Note          string `json:"note"`
	Version       int    `json:"version"`
}

// stepPolicy runs fn on policy id locked in a transaction after checking
// that p manages it (its insurer's underwriter), then bumps its version.
func (s *Store) stepPolicy(ctx context.Context, id int64, version int, fn func(t *tx, pol *Policy, term *PolicyTerm) (string, any, any, error)) (*Policy, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActPolicyManage); err != nil {
		return nil, err
	}
	err := s.inTx(ctx, func(t *tx) error {
		pol, err := s.getPolicy(ctx, t, p, id, t.forUpdate())
		if err != nil {
			return err
		}
		if !p.System && pol.InsurerID != p.OrgID {
			return anbao.ErrNotFound("policy")
		}
		if version != 0 && pol.Version != version {
			return anbao.Errorf(anbao.ECONFLICT, "error.version_conflict", pol.Version)
		}
		term, err := loadTerm(ctx, t, id, pol.CurrentTerm)
		if err != nil {
			return err
		}
		action, before, after, err := fn(t, pol, term)
		if err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, `UPDATE policies SET updated_at = $1, version = version + 1 WHERE id = $2`, s.now(), id); err != nil {
			return err
		}
		return t.audit(auditChange{action, "policy", id, pol.EnterpriseID, before, after})
	})
	if err != nil {
		return nil, err
	}
	return s.GetPolicy(ctx, id)
}

func loadTerm(ctx context.Context, db queryer, policyID int64, termNo int) (*PolicyTerm, error) {
	var t PolicyTerm
	var in string
	err := db.QueryRowContext(ctx, `SELECT id, term_no, product_version_id, COALESCE(quote_id, 0), status, start_date, end_date, annual_premium,
		written_premium, sum_insured, retro_date, rating_input, cancelled_date, cancel_method, cancel_reason
		FROM policy_terms WHERE policy_id = $1 AND term_no = $2`, policyID, termNo).Scan(&t.ID, &t.TermNo, &t.ProductVersionID, &t.QuoteID,
		&t.Status, &t.StartDate, &t.EndDate, &t.AnnualPremium, &t.WrittenPremium, &t.SumInsured, &t.RetroDate, &in, &t.CancelledDate,
		&t.CancelMethod, &t.CancelReason)
	if err != nil {
		return nil, err
	}
	if in != "" {
		t.RatingInput = &rating.Input{}
		if err := json.Unmarshal([]byte(in), t.RatingInput); err != nil {
			return nil, err
		}
	}
	return &t, nil
}

// adjustError turns a premium-adjustment error into an application error.
func adjustError(err error) error {
	return coverError("", asFieldError(err))
}

// Endorse changes the aggregate limit and retention of the current term from
// an effective date: the term is re-rated on its product version with the
// facts it was bound on, the last segment is split at the date, and the
// premium difference is charged or refunded pro rata for the days left.
// Endorsements are in sequence: the date may not precede the last segment.
func (s *Store) Endorse(ctx context.Context, id int64, in EndorseInput) (*Policy, error) {
	if err := anbao.Authorize(anbao.PrincipalFrom(ctx), anbao.ActPolicyManage); err != nil {
		return nil, err
	}
	var err error
	if in.Note, err = trimText("note", in.Note, 2, 1000); err != nil {
		return nil, err
	}
	if _, err := parseDay("effective_date", in.EffectiveDate); err != nil {
		return nil, err
	}
	return s.stepPolicy(ctx, id, in.Version, func(t *tx, pol *Policy, term *PolicyTerm) (string, any, any, error) {
		if pol.Status != PolicyActive || term.Status != PolicyActive {
			return "", nil, nil, anbao.Errorf(anbao.ECONFLICT, "uw.policy.state", pol.Status)
		}
		segs, err := s.listSegments(ctx, t, id)
		if err != nil {
			return "", nil, nil, err
		}
		var last *Segment
		for _, g := range segs {
			if g.TermNo == term.TermNo {
				last = g
			}
		}
		if in.EffectiveDate < last.StartDate || in.EffectiveDate >= term.EndDate {
			return "", nil, nil, anbao.FieldError("effective_date", "uw.policy.endorse_date", in.EffectiveDate, last.StartDate, term.EndDate)
		}
		v, err := getVersionByID(ctx, t, term.ProductVersionID)
		if err != nil {
			return "", nil, nil, err
		}
		if fe := v.Definition.Option(in.Limit, in.Retention); fe != nil {
			return "", nil, nil, coverError("", fe)
		}
		var newTerms *cover.Terms
		newAnnual := term.AnnualPremium
		var rateRes *rating.Result
		if term.RatingInput != nil && v.Rating != nil {
			rin := *term.RatingInput
			rin.Limit, rin.Retention = in.Limit, in.Retention
			if rateRes, err = rating.Rate(v.Definition, v.Rating, &rin); err != nil {
				return "", nil, nil, adjustError(err)
			}
			newAnnual, newTerms = rateRes.Premium, rateRes.Terms
		}
		if newTerms == nil {
			// A declared policy has no rating snapshot: its premium scales with
			// nothing Anbao can rate, so the limit changes at the same premium.
			newTerms = last.Terms.Clone()
			newTerms.AggregateLimit, newTerms.Retention = in.Limit, in.Retention
		}
		newTerms.RetroDate = last.Terms.RetroDate
		// What the rules make of the request is what counts: asking again for
		// what is in force, or for what the rules bring back to it, changes nothing.
		if newTerms.AggregateLimit == last.Terms.AggregateLimit && newTerms.Retention == last.Terms.Retention {
			return "", nil, nil, anbao.FieldError("limit", "uw.policy.endorse_nothing")
		}
		adj, err := rating.Endorsement(term.AnnualPremium, newAnnual, term.StartDate, term.EndDate, in.EffectiveDate)
		if err != nil {
			return "", nil, nil, adjustError(err)
		}
		now := s.now()
		if in.EffectiveDate == last.StartDate {
			if _, err := t.ExecContext(ctx, `DELETE FROM policy_segments WHERE id = $1`, last.ID); err != nil {
				return "", nil, nil, err
			}
		} else if _, err := t.ExecContext(ctx, `UPDATE policy_segments SET end_date = $1 WHERE id = $2`, in.EffectiveDate, last.ID); err != nil {
			return "", nil, nil, err
		}
		if err := t.insertSegment(term.ID, id, last.Seq+1, in.EffectiveDate, term.EndDate, newAnnual, newTerms, now); err != nil {
			return "", nil, nil, err
		}
		written := term.WrittenPremium + adj.Amount
		sum := newTerms.SumInsured()
		if _, err := t.ExecContext(ctx, `UPDATE policy_terms SET annual_premium = $1, written_premium = $2, sum_insured = $3 WHERE id = $4`,
			newAnnual, written, sum, term.ID); err != nil {
			return "", nil, nil, err
		}
		if _, err := t.ExecContext(ctx, `UPDATE policies SET premium = $1, sum_insured = $2 WHERE id = $3`, written, sum, id); err != nil {
			return "", nil, nil, err
		}
		details := map[string]any{"limit": [2]int64{last.Terms.AggregateLimit, in.Limit}, "retention": [2]int64{last.Terms.Retention, in.Retention},
			"annual_premium": [2]int64{term.AnnualPremium, newAnnual}, "adjustment": adj}
		if rateRes != nil {
			details["rating"] = rateRes
		}
		if err := t.insertTxn(id, term.ID, TxnEndorsement, in.EffectiveDate, adj.Amount, "pro_rata", "", in.Note, details,
			principalName(anbao.PrincipalFrom(ctx)), now); err != nil {
			return "", nil, nil, err
		}
		return "policy.endorse", map[string]any{"limit": last.Terms.AggregateLimit, "retention": last.Terms.Retention, "premium": term.WrittenPremium},
			map[string]any{"limit": in.Limit, "retention": in.Retention, "premium": written, "effective_date": in.EffectiveDate, "amount": adj.Amount}, nil
	})
}

// Cancel cancels the current term from a date: flat (from inception, full
// refund), pro rata, or short-rate; the refund is a negative transaction.
func (s *Store) Cancel(ctx context.Context, id int64, in CancelInput) (*Policy, error) {
	if err := anbao.Authorize(anbao.PrincipalFrom(ctx), anbao.ActPolicyManage); err != nil {
		return nil, err
	}
	var err error
	if in.Note, err = trimText("note", in.Note, 0, 1000); err != nil {
		return nil, err
	}
	if !slices.Contains(CancelReasons, in.ReasonCode) {
		return nil, anbao.FieldError("reason_code", "uw.policy.reason_invalid", in.ReasonCode)
	}
	if _, err := parseDay("effective_date", in.EffectiveDate); err != nil {
		return nil, err
	}
	return s.stepPolicy(ctx, id, in.Version, func(t *tx, pol *Policy, term *PolicyTerm) (string, any, any, error) {
		if pol.Status != PolicyActive || term.Status != PolicyActive {
			return "", nil, nil, anbao.Errorf(anbao.ECONFLICT, "uw.policy.state", pol.Status)
		}
		segs, err := s.listSegments(ctx, t, id)
		if err != nil {
			return "", nil, nil, err
		}
		var parts []rating.Segment
		for _, g := range segs {
			if g.TermNo == term.TermNo {
				parts = append(parts, rating.Segment{Start: g.StartDate, End: g.EndDate, Annual: g.AnnualPremium})
			}
		}
		var adj *rating.Adjustment
		if in.Method == rating.ProRata && len(parts) > 1 {
			// An endorsed term earns each segment's own premium for its days.
			adj, err = rating.ProRataSegments(term.WrittenPremium, parts, term.StartDate, term.EndDate, in.EffectiveDate)
		} else {
			adj, err = rating.Cancellation(in.Method, term.WrittenPremium, term.StartDate, term.EndDate, in.EffectiveDate)
		}
		if err != nil {
			return "", nil, nil, adjustError(err)
		}
		now := s.now()
		if _, err := t.ExecContext(ctx, `UPDATE policy_terms SET status = $1, cancelled_date = $2, cancel_method = $3, cancel_reason = $4,
			written_premium = $5 WHERE id = $6`, PolicyCancelled, in.EffectiveDate, in.Method, in.ReasonCode, term.WrittenPremium+adj.Amount,
			term.ID); err != nil {
			return "", nil, nil, err
		}
		if _, err := t.ExecContext(ctx, `UPDATE policies SET status = $1, premium = $2 WHERE id = $3`, PolicyCancelled,
			term.WrittenPremium+adj.Amount, id); err != nil {
			return "", nil, nil, err
		}
		if err := t.insertTxn(id, term.ID, TxnCancellation, in.EffectiveDate, adj.Amount, in.Method, in.ReasonCode, in.Note,
			map[string]any{"adjustment": adj}, principalName(anbao.PrincipalFrom(ctx)), now); err != nil {
			return "", nil, nil, err
		}
		return "policy.cancel", map[string]any{"status": pol.Status, "premium": term.WrittenPremium},
			map[string]any{"status": PolicyCancelled, "effective_date": in.EffectiveDate, "method": in.Method, "reason_code": in.ReasonCode,
				"amount": adj.Amount}, nil
	})
}

// Reinstate restores a cancelled term from its cancellation date, while the
// term has not ended: the refund is charged back, so the term's premium is
// what it was before the cancellation.
func (s *Store) Reinstate(ctx context.Context, id int64, note string, version int) (*Policy, error) {
	if err := anbao.Authorize(anbao.PrincipalFrom(ctx), anbao.ActPolicyManage); err != nil {
		return nil, err
	}
	var err error
	if note, err = trimText("note", note, 2, 1000); err != nil {
		return nil, err
	}
	return s.stepPolicy(ctx, id, version, func(t *tx, pol *Policy, term *PolicyTerm) (string, any, any, error) {
		if pol.Status != PolicyCancelled || term.Status != PolicyCancelled {
			return "", nil, nil, anbao.Errorf(anbao.ECONFLICT, "uw.policy.state", pol.Status)
		}
		if term.EndDate <= s.today() {
			return "", nil, nil, anbao.Errorf(anbao.ECONFLICT, "uw.policy.reinstate_ended", term.EndDate)
		}
		var refund int64
		if err := t.QueryRowContext(ctx, `SELECT amount FROM policy_transactions WHERE term_id = $1 AND kind = $2 ORDER BY id DESC LIMIT 1`,
			term.ID, TxnCancellation).Scan(&refund); err != nil {
			return "", nil, nil, err
		}
		if err := t.checkOverlap(pol.EnterpriseID, pol.InsurerID, pol.ProductID, term.CancelledDate, term.EndDate, id); err != nil {
			return "", nil, nil, err
		}
		written := term.WrittenPremium - refund
		if _, err := t.ExecContext(ctx, `UPDATE policy_terms SET status = $1, cancelled_date = '', cancel_method = '', cancel_reason = '',
			written_premium = $2 WHERE id = $3`, PolicyActive, written, term.ID); err != nil {
			return "", nil, nil, err
		}
		if _, err := t.ExecContext(ctx, `UPDATE policies SET status = $1, premium = $2 WHERE id = $3`, PolicyActive, written, id); err != nil {
			return "", nil, nil, err
		}
		details := map[string]any{"cancelled_date": term.CancelledDate, "refund_reversed": refund}
		if err := t.insertTxn(id, term.ID, TxnReinstatement, term.CancelledDate, -refund, "", "", note, details,
			principalName(anbao.PrincipalFrom(ctx)), s.now()); err != nil {
			return "", nil, nil, err
		}
		return "policy.reinstate", map[string]any{"status": PolicyCancelled, "premium": term.WrittenPremium},
			map[string]any{"status": PolicyActive, "premium": written, "amount": -refund}, nil
	})
}

// ParkMemberInput adds an enterprise to a park master policy.
type ParkMemberInput struct {
	EnterpriseID int64  `json:"enterprise_id"`
	Limit        int64  `json:"limit"`
	Premium      int64  `json:"premium"`
	JoinedDate   string `json:"joined_date"`
}

// AddParkMember adds an active enterprise to a park (园区保) master policy
// and issues its certificate (the policy number and a member sequence). The
// member's limit is its share of the shared aggregate, never above it.
func (s *Store) AddParkMember(ctx context.Context, id int64, in ParkMemberInput) (*Policy, error) {
	if err := anbao.Authorize(anbao.PrincipalFrom(ctx), anbao.ActPolicyManage); err != nil {
		return nil, err
	}
	if _, err := parseDay("joined_date", in.JoinedDate); err != nil {
		return nil, err
	}
	if in.Premium < 0 || in.Premium > cover.MaxAmount {
		return nil, anbao.FieldError("premium", "uw.amount_range", cover.Yuan(in.Premium))
	}
	return s.stepPolicy(ctx, id, 0, func(t *tx, pol *Policy, term *PolicyTerm) (string, any, any, error) {
		if pol.Kind != PolicyParkMaster {
			return "", nil, nil, anbao.Errorf(anbao.ECONFLICT, "uw.park.not_master")
		}
		if pol.Status != PolicyActive {
			return "", nil, nil, anbao.Errorf(anbao.ECONFLICT, "uw.policy.state", pol.Status)
		}
		if in.JoinedDate < term.StartDate || in.JoinedDate >= term.EndDate {
			return "", nil, nil, anbao.FieldError("joined_date", "uw.park.joined_outside", in.JoinedDate, term.StartDate, term.EndDate)
		}
		if in.Limit <= 0 || in.Limit > pol.SumInsured {
			return "", nil, nil, anbao.FieldError("limit", "uw.park.limit_range", cover.Yuan(in.Limit), cover.Yuan(pol.SumInsured))
		}
		// A member is an active enterprise that already has the insurer's
		// consent relationship (it asked the insurer for a quote, say): adding
		// a member never opens an enterprise to the insurer, and every other id
		// gets the same answer, so none is revealed.
		var n0 int
		err := t.QueryRowContext(ctx, `SELECT COUNT(*) FROM organisations o JOIN relationships r ON r.enterprise_id = o.id
			WHERE o.id = $1 AND o.kind = 'enterprise' AND o.status = 'active' AND r.party_org_id = $2 AND r.kind = $3 AND r.ended_at = ''`,
			in.EnterpriseID, pol.InsurerID, string(RelConsent)).Scan(&n0)
		if err != nil {
			return "", nil, nil, err
		}
		if n0 == 0 || in.EnterpriseID == pol.EnterpriseID {
			return "", nil, nil, anbao.FieldError("enterprise_id", "uw.park.member_invalid", in.EnterpriseID)
		}
		var n int
		if err := t.QueryRowContext(ctx, `SELECT COUNT(*) FROM policy_members WHERE policy_id = $1`, id).Scan(&n); err != nil {
			return "", nil, nil, err
		}
		cert := fmt.Sprintf("%s-%04d", pol.Number, n+1)
		_, err = t.ExecContext(ctx, `INSERT INTO policy_members (policy_id, enterprise_id, certificate_no, limit_amount, premium, joined_date, created_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7)`, id, in.EnterpriseID, cert, in.Limit, in.Premium, in.JoinedDate, s.now())
		if isUniqueViolation(err) {
			return "", nil, nil, anbao.FieldError("enterprise_id", "uw.park.member_exists", in.EnterpriseID)
		}
		if err != nil {
			return "", nil, nil, err
		}
		return "policy.member.add", nil, map[string]any{"enterprise_id": in.EnterpriseID, "certificate_no": cert, "limit": in.Limit,
			"premium": in.Premium, "joined_date": in.JoinedDate}, nil
	})
}

// RemoveParkMember ends a member's cover under a park master policy from a date.
func (s *Store) RemoveParkMember(ctx context.Context, id, memberID int64, leftDate string) (*Policy, error) {
	if err := anbao.Authorize(anbao.PrincipalFrom(ctx), anbao.ActPolicyManage); err != nil {
		return nil, err
	}
	if _, err := parseDay("left_date", leftDate); err != nil {
		return nil, err
	}
	return s.stepPolicy(ctx, id, 0, func(t *tx, pol *Policy, term *PolicyTerm) (string, any, any, error) {
		var joined, left, cert string
		err := t.QueryRowContext(ctx, `SELECT joined_date, left_date, certificate_no FROM policy_members WHERE id = $1 AND policy_id = $2`,
			memberID, id).Scan(&joined, &left, &cert)
		if isNoRows(err) {
			return "", nil, nil, anbao.ErrNotFound("member")
		}
		if err != nil {
			return "", nil, nil, err
		}
		if left != "" {
			return "", nil, nil, anbao.Errorf(anbao.ECONFLICT, "uw.park.member_left", left)
		}
		if leftDate <= joined || leftDate > term.EndDate {
			return "", nil, nil, anbao.FieldError("left_date", "uw.park.left_outside", leftDate, joined, term.EndDate)
		}
		if _, err := t.ExecContext(ctx, `UPDATE policy_members SET left_date = $1 WHERE id = $2`, leftDate, memberID); err != nil {
			return "", nil, nil, err
		}
		return "policy.member.remove", map[string]any{"certificate_no": cert}, map[string]any{"certificate_no": cert, "left_date": leftDate}, nil
	})
}

// SubsidyInput records a premium subsidy.
type SubsidyInput struct {
	Jurisdiction string `json:"jurisdiction"`
	Grantor      string `json:"grantor"`      // e.g. 江苏省工业和信息化厅
	LocalPolicy  string `json:"local_policy"` // the local policy's title and number (文件名称及文号)
	Amount       int64  `json:"amount"`
}

// AddSubsidy records a premium subsidy on the current term: together the
// subsidies may not exceed the term's written premium.
func (s *Store) AddSubsidy(ctx context.Context, id int64, in SubsidyInput) (*Policy, error) {
	if err := anbao.Authorize(anbao.PrincipalFrom(ctx), anbao.ActPolicyManage); err != nil {
		return nil, err
	}
	var err error
	if in.Grantor, err = trimText("grantor", in.Grantor, 2, 100); err != nil {
		return nil, err
	}
	if in.LocalPolicy, err = trimText("local_policy", in.LocalPolicy, 4, 200); err != nil {
		return nil, err
	}
	if err := validateJurisdiction(anbao.KindEnterprise, in.Jurisdiction); err != nil {
		return nil, err
	}
	return s.stepPolicy(ctx, id, 0, func(t *tx, pol *Policy, term *PolicyTerm) (string, any, any, error) {
		if term.Status != PolicyActive {
			return "", nil, nil, anbao.Errorf(anbao.ECONFLICT, "uw.policy.state", term.Status)
		}
		var granted int64
		if err := t.QueryRowContext(ctx, `SELECT COALESCE(SUM(amount), 0) FROM policy_subsidies WHERE policy_id = $1 AND term_no = $2`,
			id, term.TermNo).Scan(&granted); err != nil {
			return "", nil, nil, err
		}
		if in.Amount <= 0 || granted+in.Amount > term.WrittenPremium {
			return "", nil, nil, anbao.FieldError("amount", "uw.subsidy.amount", cover.Yuan(in.Amount), cover.Yuan(term.WrittenPremium-granted))
		}
		if _, err := t.ExecContext(ctx, `INSERT INTO policy_subsidies (policy_id, term_no, jurisdiction, grantor, local_policy, amount, created_by, created_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`, id, term.TermNo, in.Jurisdiction, in.Grantor, in.LocalPolicy, in.Amount,
			principalName(anbao.PrincipalFrom(ctx)), s.now()); err != nil {
			return "", nil, nil, err
		}
		return "policy.subsidy", nil, in, nil
	})
}

// Risk-notice kinds.
var NoticeKinds = []string{
	"mlps_level_lost",    // an MLPS level declared at application lost or lowered
	"mlps_filing_lapsed", // an MLPS evaluation overdue or failed
	"controls_removed",   // a declared security control no longer in place
	"business_change",    // a material change of business, systems or data
	"other",
}

// RiskNoticeInput is the insured's notice.
type RiskNoticeInput struct {
	Kind   string `json:"kind"`
	Detail string `json:"detail"`
}

// RaiseRiskNotice records the insured's notice of a significant increase in
// risk on one of its in-force policies; the insurer must acknowledge it.
func (s *Store) RaiseRiskNotice(ctx context.Context, policyID int64, in RiskNoticeInput) (*RiskNotice, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActRiskNotice); err != nil {
		return nil, err
	}
	if !slices.Contains(NoticeKinds, in.Kind) {
		return nil, anbao.FieldError("kind", "uw.notice.kind_invalid", in.Kind)
	}
	var err error
	if in.Detail, err = trimText("detail", in.Detail, 5, 2000); err != nil {
		return nil, err
	}
	var out *RiskNotice
	err = s.inTx(ctx, func(t *tx) error {
		pol, err := s.getPolicy(ctx, t, p, policyID, t.forUpdate())
		if err != nil {
			return err
		}
		if !p.System && pol.EnterpriseID != p.OrgID {
			return anbao.ErrNotFound("policy")
		}
		if pol.Status != PolicyActive {
			return anbao.Errorf(anbao.ECONFLICT, "uw.policy.state", pol.Status)
		}
		out, err = t.insertNotice(pol, in.Kind, in.Detail, principalName(p))
		return err
	})
	return out, err
}

func (t *tx) insertNotice(pol *Policy, kind, detail, who string) (*RiskNotice, error) {
	n := &RiskNotice{PolicyID: pol.ID, PolicyNumber: pol.Number, EnterpriseID: pol.EnterpriseID, InsurerID: pol.InsurerID, Kind: kind,
		Detail: detail, RaisedBy: who, RaisedAt: t.s.now()}
	if err := t.QueryRowContext(t.ctx, `INSERT INTO risk_notices (policy_id, enterprise_id, insurer_id, kind, detail, raised_by, raised_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7) RETURNING id`, n.PolicyID, n.EnterpriseID, n.InsurerID, n.Kind, n.Detail, n.RaisedBy, n.RaisedAt).Scan(&n.ID); err != nil {
		return nil, err
	}
	return n, t.audit(auditChange{"policy.notice.raise", "risk_notice", n.ID, pol.EnterpriseID, nil, n})
}

// AcknowledgeRiskNotice is the insurer's acknowledgement of a notice, with its response.
func (s *Store) AcknowledgeRiskNotice(ctx context.Context, noticeID int64, response string) (*RiskNotice, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActPolicyManage); err != nil {
		return nil, err
	}
	var err error
	if response, err = trimText("response", response, 2, 2000); err != nil {
		return nil, err
	}
	var out *RiskNotice
	err = s.inTx(ctx, func(t *tx) error {
		list, err := s.listNotices(ctx, "n.id = $1", noticeID)
		if err != nil {
			return err
		}
		if len(list) == 0 || (!p.System && list[0].InsurerID != p.OrgID) {
			return anbao.ErrNotFound("risk_notice")
		}
		n := list[0]
		before := *n
		n.AcknowledgedBy, n.AcknowledgedAt, n.Response = principalName(p), s.now(), response
		// The guard on acknowledged_at makes the first of two concurrent acknowledgements win.
		r, err := t.ExecContext(ctx, `UPDATE risk_notices SET acknowledged_by = $1, acknowledged_at = $2, response = $3
			WHERE id = $4 AND acknowledged_at = ''`, n.AcknowledgedBy, n.AcknowledgedAt, n.Response, n.ID)
		if err != nil {
			return err
		}
		if k, err := r.RowsAffected(); err != nil {
			return err
		} else if k == 0 {
			return anbao.Errorf(anbao.ECONFLICT, "uw.notice.acknowledged", before.AcknowledgedAt)
		}
		out = n
		return t.audit(auditChange{"policy.notice.acknowledge", "risk_notice", n.ID, n.EnterpriseID, before, n})
	})
	return out, err
}

// ListRiskNotices lists the notices on policies p may read; open only when
// pending is set (an insurer's worklist).
func (s *Store) ListRiskNotices(ctx context.Context, pending bool) ([]*RiskNotice, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActPolicyRead); err != nil {
		return nil, err
	}
	var w where
	if p.OrgKind == anbao.KindEnterprise && !p.System {
		// An enterprise's own notices, not those of a park policy it is a member of.
		w.add("n.enterprise_id = ?", p.OrgID)
	} else {
		policyScope(p, &w)
	}
	cond := "1 = 1"
	if len(w.conds) > 0 {
		cond = w.String()[len(" WHERE "):]
	}
	if pending {
		cond += " AND n.acknowledged_at = ''"
	}
	return s.listNotices(ctx, cond, w.args...)
}
