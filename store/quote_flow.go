package store

import (
	"context"
	"encoding/json"
	"slices"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/cover"
	"github.com/anbao/anbao/rating"
)

// The quote lifecycle after rating: edits, underwriting decisions,
// contingencies, bind requests, binding and withdrawal. Every step locks the
// quote (PostgreSQL; SQLite writes are serial), checks the state it starts
// from, and audits the change.

// QuoteEdit changes an option; the quote returns to draft until rated again.
type QuoteEdit struct {
	Limit         int64  `json:"limit"`
	Retention     int64  `json:"retention"`
	InceptionDate string `json:"inception_date"`
	RetroDate     string `json:"retro_date"`
	Version       int    `json:"version"`
}

// QuoteDecision is an underwriter's decision on a referred quote.
type QuoteDecision struct {
	Decision string `json:"decision"` // quote | decline
	// Premium, when above 0, replaces the tariff premium (a manual loading or
	// credit); the difference is a step of the trail, explained by Note.
	Premium int64  `json:"premium,omitempty"`
	Note    string `json:"note"`
	Version int    `json:"version"`
}

// stepQuote runs fn on quote id locked in a transaction after checking that
// p may act on it with action and that the quote is in one of from; the
// state an expired quote shows is "expired".
func (s *Store) stepQuote(ctx context.Context, id int64, action anbao.Action, version int, from []string,
	fn func(t *tx, q *Quote) (string, any, error)) (*Quote, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, action); err != nil {
		return nil, err
	}
	err := s.inTx(ctx, func(t *tx) error {
		q, err := s.getQuote(ctx, t, p, id, t.forUpdate())
		if err != nil {
			return err
		}
		if !p.System && p.OrgKind == anbao.KindInsurer && q.InsurerID != p.OrgID {
			// An intermediary reads the quotes it asked for; only the quoting
			// insurer acts on them.
			return anbao.ErrNotFound("quote")
		}
		if version != 0 && q.Version != version {
			return anbao.Errorf(anbao.ECONFLICT, "error.version_conflict", q.Version)
		}
		if !slices.Contains(from, q.Status) {
			if q.Status == QuoteExpired {
				return anbao.Errorf(anbao.ECONFLICT, "uw.quote.expired", q.ValidUntil)
			}
			return anbao.Errorf(anbao.ECONFLICT, "uw.quote.state", q.Status)
		}
		before := map[string]any{"status": q.Status, "premium": q.Premium, "limit": q.Limit, "retention": q.Retention}
		auditAction, after, err := fn(t, q)
		if err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, `UPDATE quotes SET updated_at = $1, version = version + 1 WHERE id = $2`, s.now(), id); err != nil {
			return err
		}
		return t.audit(auditChange{auditAction, "quote", id, q.EnterpriseID, before, after})
	})
	if err != nil {
		return nil, err
	}
	return s.GetQuote(ctx, id)
}

// EditQuote changes a quote's option and returns it to draft; the enterprise
// (or the insurer's underwriter) then rates it again with RateQuote.
func (s *Store) EditQuote(ctx context.Context, id int64, e QuoteEdit) (*Quote, error) {
	p := anbao.PrincipalFrom(ctx)
	action := anbao.ActQuoteRequest
	if p != nil && p.OrgKind == anbao.KindInsurer {
		action = anbao.ActQuoteUnderwrite
	}
	if err := anbao.Authorize(p, action); err != nil {
		return nil, err
	}
	if err := s.checkInception(e.InceptionDate); err != nil {
		return nil, err
	}
	if e.RetroDate != "" {
		if _, err := parseDay("retro_date", e.RetroDate); err != nil {
			return nil, err
		}
	}
	return s.stepQuote(ctx, id, action, e.Version, []string{QuoteDraft, QuoteQuoted, QuoteReferred, QuoteDeclined},
		func(t *tx, q *Quote) (string, any, error) {
			if q.RenewalOf != 0 {
				// A renewal quote starts when the term ends and carries the
				// renewal's reasons: the underwriter decides it as it is.
				return "", nil, anbao.Errorf(anbao.ECONFLICT, "uw.quote.renewal_fixed")
			}
			v, err := getVersionByID(ctx, t, q.ProductVersionID)
			if err != nil {
				return "", nil, err
			}
			if fe := v.Definition.Option(e.Limit, e.Retention); fe != nil {
				return "", nil, coverError("", fe)
			}
			terms := cover.Terms{RetroDate: e.RetroDate, Coverages: v.Definition.Coverages}
			if fe := terms.CheckRetro(e.InceptionDate); fe != nil {
				return "", nil, coverError("", fe)
			}
			_, err = t.ExecContext(ctx, `UPDATE quotes SET status = $1, limit_amount = $2, retention = $3, inception_date = $4, expiry_date = $5,
				retro_date = $6, premium = 0, result = '', reasons = '', valid_until = '', quoted_at = '', decided_by = '', decision_note = ''
				WHERE id = $7`, QuoteDraft, e.Limit, e.Retention, e.InceptionDate, addMonths(e.InceptionDate, v.Definition.TermMonths),
				e.RetroDate, id)
			return "quote.edit", map[string]any{"status": QuoteDraft, "limit": e.Limit, "retention": e.Retention,
				"inception_date": e.InceptionDate, "retro_date": e.RetroDate}, err
		})
}

// RateQuote rates a draft quote again on its product version with the
// enterprise's current facts.
func (s *Store) RateQuote(ctx context.Context, id int64, version int) (*Quote, error) {
	p := anbao.PrincipalFrom(ctx)
	action := anbao.ActQuoteRequest
	if p != nil && p.OrgKind == anbao.KindInsurer {
		action = anbao.ActQuoteUnderwrite
	}
	if err := anbao.Authorize(p, action); err != nil {
		return nil, err
	}
	q, err := s.getQuote(ctx, s.read, p, id, "")
	if err != nil {
		return nil, err
	}
	facts, err := s.ratingFacts(ctx, q.EnterpriseID)
	if err != nil {
		return nil, err
	}
	rin := facts.input(ctx, QuoteOption{Limit: q.Limit, Retention: q.Retention})
	return s.stepQuote(ctx, id, action, version, []string{QuoteDraft}, func(t *tx, q *Quote) (string, any, error) {
		v, err := getVersionByID(ctx, t, q.ProductVersionID)
		if err != nil {
			return "", nil, err
		}
		if rin.Limit != q.Limit || rin.Retention != q.Retention {
			return "", nil, anbao.Errorf(anbao.ECONFLICT, "error.version_conflict", q.Version)
		}
		res, err := rating.Rate(v.Definition, v.Rating, &rin)
		if err != nil {
			return "", nil, coverError("", asFieldError(err))
		}
		if res.Terms != nil {
			res.Terms.RetroDate = q.RetroDate
		}
		inJSON, _ := json.Marshal(&rin)
		resJSON, _ := json.Marshal(res)
		reasons, _ := json.Marshal(res.Reasons)
		valid, quotedAt := "", ""
		if res.Decision == QuoteQuoted {
			valid, quotedAt = addDays(s.today(), v.Definition.QuoteValidDays), s.now()
		}
		_, err = t.ExecContext(ctx, `UPDATE quotes SET status = $1, premium = $2, rating_input = $3, result = $4, reasons = $5,
			valid_until = $6, quoted_at = $7 WHERE id = $8`, res.Decision, res.Premium, string(inJSON), string(resJSON), string(reasons),
			valid, quotedAt, id)
		return "quote.rate", map[string]any{"status": res.Decision, "premium": res.Premium}, err
	})
}

// DecideQuote is the underwriter's decision on a referred quote: quote it
// (at the tariff premium or another one, explained) or decline it.
func (s *Store) DecideQuote(ctx context.Context, id int64, d QuoteDecision) (*Quote, error) {
	if err := anbao.Authorize(anbao.PrincipalFrom(ctx), anbao.ActQuoteUnderwrite); err != nil {
		return nil, err
	}
	var err error
	if d.Note, err = trimText("note", d.Note, 2, 1000); err != nil {
		return nil, err
	}
	if d.Decision != "quote" && d.Decision != "decline" {
		return nil, anbao.FieldError("decision", "uw.quote.decision_invalid", d.Decision)
	}
	if d.Premium < 0 || d.Premium > cover.MaxAmount {
		return nil, anbao.FieldError("premium", "uw.amount_range", cover.Yuan(d.Premium))
	}
	p := anbao.PrincipalFrom(ctx)
	return s.stepQuote(ctx, id, anbao.ActQuoteUnderwrite, d.Version, []string{QuoteReferred}, func(t *tx, q *Quote) (string, any, error) {
		if d.Decision == "decline" {
			_, err := t.ExecContext(ctx, `UPDATE quotes SET status = $1, decided_by = $2, decision_note = $3 WHERE id = $4`,
				QuoteDeclined, principalName(p), d.Note, id)
			return "quote.decline", map[string]any{"status": QuoteDeclined, "note": d.Note}, err
		}
		v, err := getVersionByID(ctx, t, q.ProductVersionID)
		if err != nil {
			return "", nil, err
		}
		res := q.Result
		if res == nil {
			return "", nil, anbao.Errorf(anbao.ECONFLICT, "uw.quote.state", q.Status)
		}
		premium := res.Premium
		if d.Premium > 0 && d.Premium != premium {
			res.Trail = append(res.Trail, rating.Step{ID: "underwriter", LabelZH: "核保人调整", LabelEN: "Underwriter's adjustment",
				Input: d.Note, Before: premium, After: d.Premium, Effect: d.Premium - premium})
			premium = d.Premium
		}
		res.Premium, res.Decision = premium, QuoteQuoted
		resJSON, _ := json.Marshal(res)
		_, err = t.ExecContext(ctx, `UPDATE quotes SET status = $1, premium = $2, result = $3, valid_until = $4, quoted_at = $5,
			decided_by = $6, decision_note = $7 WHERE id = $8`, QuoteQuoted, premium, string(resJSON),
			addDays(s.today(), v.Definition.QuoteValidDays), s.now(), principalName(p), d.Note, id)
		return "quote.approve", map[string]any{"status": QuoteQuoted, "premium": premium, "note": d.Note}, err
	})
}

// WithdrawQuote withdraws an open quote: the enterprise no longer wants it, or
// the insurer no longer offers it.
func (s *Store) WithdrawQuote(ctx context.Context, id int64, version int) (*Quote, error) {
	p := anbao.PrincipalFrom(ctx)
	action := anbao.ActQuoteRequest
	if p != nil && p.OrgKind == anbao.KindInsurer {
		action = anbao.ActQuoteUnderwrite
	}
	return s.stepQuote(ctx, id, action, version, []string{QuoteDraft, QuoteQuoted, QuoteReferred, QuoteBindRequested},
		func(t *tx, q *Quote) (string, any, error) {
			_, err := t.ExecContext(ctx, `UPDATE quotes SET status = $1 WHERE id = $2`, QuoteWithdrawn, id)
			return "quote.withdraw", map[string]any{"status": QuoteWithdrawn}, err
		})
}

// RequestBind is the enterprise's acceptance of a quoted, unexpired offer.
func (s *Store) RequestBind(ctx context.Context, id int64, version int) (*Quote, error) {
	return s.stepQuote(ctx, id, anbao.ActQuoteBind, version, []string{QuoteQuoted}, func(t *tx, q *Quote) (string, any, error) {
		_, err := t.ExecContext(ctx, `UPDATE quotes SET status = $1, bind_requested_at = $2 WHERE id = $3`, QuoteBindRequested, s.now(), id)
		return "quote.bind_request", map[string]any{"status": QuoteBindRequested}, err
	})
}

// ResolveContingency marks a quote's contingency satisfied or waived (the
// insurer's underwriter), with a note.
func (s *Store) ResolveContingency(ctx context.Context, quoteID, contID int64, status, note string) (*Quote, error) {
	if err := anbao.Authorize(anbao.PrincipalFrom(ctx), anbao.ActQuoteUnderwrite); err != nil {
		return nil, err
	}
	if status != ContSatisfied && status != ContWaived {
		return nil, anbao.FieldError("status", "uw.contingency.status_invalid", status)
	}
	var err error
	if note, err = trimText("note", note, 0, 1000); err != nil {
		return nil, err
	}
	p := anbao.PrincipalFrom(ctx)
	return s.stepQuote(ctx, quoteID, anbao.ActQuoteUnderwrite, 0,
		[]string{QuoteDraft, QuoteQuoted, QuoteReferred, QuoteBindRequested, QuoteBound},
		func(t *tx, q *Quote) (string, any, error) {
			var cur string
			err := t.QueryRowContext(ctx, `SELECT status FROM contingencies WHERE id = $1 AND quote_id = $2`, contID, quoteID).Scan(&cur)
			if isNoRows(err) {
				return "", nil, anbao.ErrNotFound("contingency")
			}
			if err != nil {
				return "", nil, err
			}
			if cur != ContOpen {
				return "", nil, anbao.Errorf(anbao.ECONFLICT, "uw.contingency.resolved", cur)
			}
			_, err = t.ExecContext(ctx, `UPDATE contingencies SET status = $1, note = $2, resolved_by = $3, resolved_at = $4 WHERE id = $5`,
				status, note, principalName(p), s.now(), contID)
			return "quote.contingency", map[string]any{"contingency": contID, "status": status, "note": note}, err
		})
}

// BindQuote binds a quote the enterprise asked to bind and issues its policy.
// Every pre-bind contingency must be satisfied or waived, the quote must still
// be valid, and the enterprise may not already hold a policy of the same
// product whose period overlaps. Of two concurrent binds exactly one wins:
// the second finds the quote bound.
func (s *Store) BindQuote(ctx context.Context, id int64, version int) (*Policy, error) {
	var policyID int64
	_, err := s.stepQuote(ctx, id, anbao.ActQuoteUnderwrite, version, []string{QuoteBindRequested}, func(t *tx, q *Quote) (string, any, error) {
		var open int
		if err := t.QueryRowContext(ctx, `SELECT COUNT(*) FROM contingencies WHERE quote_id = $1 AND kind = $2 AND status = $3`,
			id, cover.PreBind, ContOpen).Scan(&open); err != nil {
			return "", nil, err
		}
		if open > 0 {
			return "", nil, anbao.Errorf(anbao.ECONFLICT, "uw.quote.contingencies_open", open)
		}
		var pid int64
		if q.RenewalOf != 0 {
			// A renewal quote adds the next term to the policy it renews.
			pol, err := s.getPolicy(ctx, t, anbao.SystemPrincipal("bind"), q.RenewalOf, t.forUpdate())
			if err != nil {
				return "", nil, err
			}
			if pol.Status != PolicyActive {
				return "", nil, anbao.Errorf(anbao.ECONFLICT, "uw.policy.state", pol.Status)
			}
			v, err := getVersionByID(ctx, t, q.ProductVersionID)
			if err != nil {
				return "", nil, err
			}
			terms := q.Result.Terms
			terms.RetroDate = q.RetroDate
			if _, err := t.addTerm(pol, v, q.InceptionDate, q.ExpiryDate, q.Premium, terms, q.Input, q.ID,
				map[string]any{"quote_id": q.ID, "rating": q.Result}); err != nil {
				return "", nil, err
			}
			pid = pol.ID
		} else {
			var err error
			if pid, err = t.issuePolicy(q); err != nil {
				return "", nil, err
			}
		}
		policyID = pid
		now := s.now()
		if _, err := t.ExecContext(ctx, `UPDATE quotes SET status = $1, bound_at = $2, policy_id = $3 WHERE id = $4`, QuoteBound, now, pid, id); err != nil {
			return "", nil, err
		}
		if _, err := t.ExecContext(ctx, `UPDATE contingencies SET policy_id = $1 WHERE quote_id = $2`, pid, id); err != nil {
			return "", nil, err
		}
		// The request's other open options are not taken.
		var siblings []int64
		if err := eachRow(ctx, t, `SELECT id FROM quotes WHERE request_id = $1 AND id <> $2
			AND status IN ('draft', 'quoted', 'referred', 'bind_requested') ORDER BY id`, []any{q.RequestID, id}, func(sc scanner) error {
			var x int64
			err := sc.Scan(&x)
			siblings = append(siblings, x)
			return err
		}); err != nil {
			return "", nil, err
		}
		if len(siblings) > 0 {
			if _, err := t.ExecContext(ctx, `UPDATE quotes SET status = $1, decision_note = $2, updated_at = $3, version = version + 1
				WHERE request_id = $4 AND id <> $5 AND status IN ('draft', 'quoted', 'referred', 'bind_requested')`,
				QuoteWithdrawn, "not_taken", now, q.RequestID, id); err != nil {
				return "", nil, err
			}
			if err := t.audit(auditChange{"quote.not_taken", "quote_request", q.RequestID, q.EnterpriseID, nil,
				map[string]any{"bound": id, "withdrawn": siblings}}); err != nil {
				return "", nil, err
			}
		}
		return "quote.bind", map[string]any{"status": QuoteBound, "policy_id": pid}, nil
	})
	if err != nil {
		return nil, err
	}
	return s.GetPolicy(ctx, policyID)
}

// ExpireQuotes persists the expiry of quotes past their validity; reads
// already show them expired. Returns how many were expired.
func (s *Store) ExpireQuotes(ctx context.Context) (int64, error) {
	var n int64
	err := s.inTx(ctx, func(t *tx) error {
		r, err := t.ExecContext(ctx, `UPDATE quotes SET status = $1, updated_at = $2, version = version + 1
			WHERE status IN ('quoted', 'bind_requested') AND valid_until <> '' AND valid_until < $3`, QuoteExpired, s.now(), s.today())
		if err != nil {
			return err
		}
		n, err = r.RowsAffected()
		return err
	})
	return n, err
}
