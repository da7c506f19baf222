package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/cover"
	"github.com/anbao/anbao/rating"
)

// Renewal. A policy is renewed from 60 days before its term ends: the
// enterprise is re-rated on the product's current version with its current
// facts, and the re-assessment delta (what changed since the term was
// priced) is recorded. When nothing material changed and the tariff quotes,
// the next term is issued at once (automatic renewal, as Guidewire's
// renewal workflow auto-binds an unchanged risk); otherwise a renewal quote
// goes to the underwriter's queue, referred with the changes as reasons, and
// binding it adds the term to the same policy.

const renewalWindowDays = 60

// DeltaItem is one change since the term was priced.
type DeltaItem struct {
	Field     string `json:"field"`
	Before    string `json:"before"`
	After     string `json:"after"`
	Material  bool   `json:"material"`
	MessageZH string `json:"message_zh"`
	MessageEN string `json:"message_en"`
}

// RenewalDelta compares the facts a term was priced on with today's.
type RenewalDelta struct {
	Material      bool        `json:"material"`
	Changes       []DeltaItem `json:"changes"`
	PremiumBefore int64       `json:"premium_before"`
	PremiumAfter  int64       `json:"premium_after"`
}

// RenewalResult is what a renewal did: a new term, or a renewal quote.
type RenewalResult struct {
	Automatic bool          `json:"automatic"`
	Term      int           `json:"term,omitempty"`
	QuoteID   int64         `json:"quote_id,omitempty"`
	Delta     *RenewalDelta `json:"delta"`
	Policy    *Policy       `json:"policy,omitempty"`
}

var gradeOrder = map[string]int{"A": 1, "B": 2, "C": 3, "D": 4, "E": 5, "": 6}

// renewalDelta lists what changed between the facts a term was priced on and
// today's. Material [A]: a worse grade, a control lost, more incidents, a
// newly failed gate, a lower MLPS level, another industry, revenue moved by
// more than 20% (Corvus renews without an application when growth ≤ 20%).
func renewalDelta(old, cur *rating.Input) *RenewalDelta {
	d := &RenewalDelta{Changes: []DeltaItem{}}
	add := func(field, before, after string, material bool, zh, en string) {
		d.Changes = append(d.Changes, DeltaItem{field, before, after, material, zh, en})
		d.Material = d.Material || material
	}
	if old == nil {
		add("rating_input", "", "", true, "上期无评级记录，须人工核保", "The last term has no rating record: an underwriter must review")
		return d
	}
	if old.Grade != cur.Grade {
		worse := gradeOrder[cur.Grade] > gradeOrder[old.Grade]
		add("grade", old.Grade, cur.Grade, worse, fmt.Sprintf("安保评分等级由 %s 变为 %s", dash(old.Grade), dash(cur.Grade)),
			fmt.Sprintf("Anbao grade changed from %s to %s", dash(old.Grade), dash(cur.Grade)))
	}
	for _, c := range old.Controls {
		if !slices.Contains(cur.Controls, c) {
			add("controls", c, "", true, "安全控制措施不再具备："+c, "Security control no longer in place: "+c)
		}
	}
	for _, c := range cur.Controls {
		if !slices.Contains(old.Controls, c) {
			add("controls", "", c, false, "新增安全控制措施："+c, "Security control added: "+c)
		}
	}
	if cur.Claims > old.Claims {
		add("claims", fmt.Sprint(old.Claims), fmt.Sprint(cur.Claims), true, "网络安全事件次数增加", "More cyber incidents reported")
	}
	for _, g := range cur.Gates {
		if !slices.Contains(old.Gates, g) {
			add("gates", "", g, true, "新增未通过的核保门槛："+g, "Newly failed underwriting gate: "+g)
		}
	}
	if cur.MLPSLevel < old.MLPSLevel {
		add("mlps_level", fmt.Sprint(old.MLPSLevel), fmt.Sprint(cur.MLPSLevel), true,
			fmt.Sprintf("等保定级由 %d 级降为 %d 级（危险程度显著增加）", old.MLPSLevel, cur.MLPSLevel),
			fmt.Sprintf("MLPS level fell from %d to %d (a significant increase in risk)", old.MLPSLevel, cur.MLPSLevel))
	}
	if cur.Industry != old.Industry {
		add("industry", old.Industry, cur.Industry, true, "行业分类变更", "Industry changed")
	}
	if old.Revenue > 0 && cur.Revenue != old.Revenue {
		// |cur − old| > 20% of old, in integers.
		diff := cur.Revenue - old.Revenue
		if diff < 0 {
			diff = -diff
		}
		material := diff*5 > old.Revenue
		add("revenue", rating.FormatYuan(old.Revenue), rating.FormatYuan(cur.Revenue), material,
			"年营业收入由 "+rating.FormatYuan(old.Revenue)+" 变为 "+rating.FormatYuan(cur.Revenue),
			"Annual revenue changed from "+rating.FormatYuan(old.Revenue)+" to "+rating.FormatYuan(cur.Revenue))
	}
	return d
}

func dash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// RenewPolicy renews policy id (its insurer's underwriter, or the system's
// renewal run): automatically when nothing material changed, else through a
// referred renewal quote.
func (s *Store) RenewPolicy(ctx context.Context, id int64) (*RenewalResult, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActPolicyManage); err != nil {
		return nil, err
	}
	pol, err := s.getPolicy(ctx, s.read, p, id, "")
	if err != nil {
		return nil, err
	}
	if !p.System && pol.InsurerID != p.OrgID {
		return nil, anbao.ErrNotFound("policy")
	}
	if pol.Source == SourceDeclared {
		// Declared policies are renewed in the insurer's own system and
		// declared again; rating one here would hand the insurer facts the
		// enterprise never shared with it.
		return nil, anbao.Errorf(anbao.ECONFLICT, "uw.renew.declared")
	}
	facts, err := s.ratingFacts(ctx, pol.EnterpriseID)
	if err != nil {
		return nil, err
	}
	var out RenewalResult
	err = s.inTx(ctx, func(t *tx) error {
		pol, err := s.getPolicy(ctx, t, p, id, t.forUpdate())
		if err != nil {
			return err
		}
		if pol.Status != PolicyActive {
			return anbao.Errorf(anbao.ECONFLICT, "uw.policy.state", pol.Status)
		}
		term, err := loadTerm(ctx, t, id, pol.CurrentTerm)
		if err != nil {
			return err
		}
		today := s.today()
		if today < addDays(term.EndDate, -renewalWindowDays) {
			return anbao.Errorf(anbao.ECONFLICT, "uw.renew.too_early", addDays(term.EndDate, -renewalWindowDays))
		}
		var pending int64
		err = t.QueryRowContext(ctx, `SELECT id FROM quotes WHERE renewal_of = $1 AND status IN ('draft', 'quoted', 'referred', 'bind_requested')
			AND (valid_until = '' OR valid_until >= $2) LIMIT 1`, id, today).Scan(&pending)
		if err == nil {
			return anbao.Errorf(anbao.ECONFLICT, "uw.renew.pending", pending)
		}
		if !isNoRows(err) {
			return err
		}
		pr, err := s.getProduct(ctx, t, anbao.SystemPrincipal("renewal"), pol.ProductID, "")
		if err != nil {
			return err
		}
		if pr.Status != ProductActive {
			return anbao.Errorf(anbao.ECONFLICT, "uw.product.retired")
		}
		var vid int64
		if err := t.QueryRowContext(ctx, `SELECT id FROM product_versions WHERE product_id = $1 AND number = $2`, pr.ID, pr.PublishedVersion).Scan(&vid); err != nil {
			return err
		}
		v, err := getVersionByID(ctx, t, vid)
		if err != nil {
			return err
		}
		segs, err := s.listSegments(ctx, t, id)
		if err != nil {
			return err
		}
		cur := termsAt(segs, addDays(term.EndDate, -1), term.TermNo)
		limit, retention := cur.AggregateLimit, cur.Retention
		if fe := v.Definition.Option(limit, retention); fe != nil {
			// The product's range moved past the policy's option: an underwriter decides.
			limit, retention = min(max(limit, v.Definition.MinLimit), v.Definition.MaxLimit), max(retention, v.Definition.MinRetention)
		}
		rin := facts.input(ctx, QuoteOption{Limit: limit, Retention: retention})
		res, err := rating.Rate(v.Definition, v.Rating, &rin)
		if err != nil {
			return adjustError(err)
		}
		if res.Terms != nil {
			res.Terms.RetroDate = cur.RetroDate
		}
		delta := renewalDelta(term.RatingInput, &rin)
		delta.PremiumBefore, delta.PremiumAfter = term.AnnualPremium, res.Premium
		out.Delta = delta
		start := term.EndDate
		if !delta.Material && res.Decision == rating.Quoted {
			n, err := t.addTerm(pol, v, start, addMonths(start, v.Definition.TermMonths), res.Premium, res.Terms, &rin, 0,
				map[string]any{"automatic": true, "delta": delta, "rating": res})
			if err != nil {
				return err
			}
			out.Automatic, out.Term = true, n
			return nil
		}
		// Refer the renewal with the material changes as reasons.
		if res.Decision == rating.Quoted {
			res.Decision = rating.Referred
		}
		for _, c := range delta.Changes {
			if c.Material {
				res.Reasons = append(res.Reasons, rating.Reason{Code: "renewal." + c.Field, MessageZH: c.MessageZH, MessageEN: c.MessageEN})
			}
		}
		var reqID int64
		if err := t.QueryRowContext(ctx, `INSERT INTO quote_requests (enterprise_id, requested_by_org, requested_by, inception_date, note, created_at)
			VALUES ($1,$2,$3,$4,$5,$6) RETURNING id`, pol.EnterpriseID, pol.InsurerID, principalName(p), start,
			"renewal of "+pol.Number, s.now()).Scan(&reqID); err != nil {
			return err
		}
		qid, err := t.insertQuote(reqID, pol.EnterpriseID, pr, v, QuoteOption{Limit: limit, Retention: retention}, pol.Kind, id, start,
			cur.RetroDate, &rin, res)
		if err != nil {
			return err
		}
		out.QuoteID = qid
		return t.audit(auditChange{"policy.renewal_referred", "policy", id, pol.EnterpriseID, nil, map[string]any{"quote_id": qid, "delta": delta}})
	})
	if err != nil {
		return nil, err
	}
	out.Policy, err = s.GetPolicy(ctx, id)
	return &out, err
}

// addTerm adds the next term to a policy (a renewal), with one segment and
// the renewal transaction; quoteID is the renewal quote bound, if any.
func (t *tx) addTerm(pol *Policy, v *ProductVersion, start, end string, premium int64, terms *cover.Terms, rin *rating.Input,
	quoteID int64, details any) (int, error) {
	ctx := t.ctx
	if start != pol.ExpiryDate {
		// The next term follows the current one: no gap, no overlap.
		return 0, anbao.Errorf(anbao.ECONFLICT, "uw.renew.start", start, pol.ExpiryDate)
	}
	if err := t.checkOverlap(pol.EnterpriseID, pol.InsurerID, pol.ProductID, start, end, pol.ID); err != nil {
		return 0, err
	}
	now := t.s.now()
	n := pol.CurrentTerm + 1
	sum := terms.SumInsured()
	var ratingIn string
	if rin != nil {
		b, _ := json.Marshal(rin)
		ratingIn = string(b)
	}
	var q any
	if quoteID != 0 {
		q = quoteID
	}
	var termID int64
	err := t.QueryRowContext(ctx, `INSERT INTO policy_terms (policy_id, term_no, product_version_id, quote_id, status, start_date, end_date,
		annual_premium, written_premium, sum_insured, retro_date, rating_input, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$8,$9,$10,$11,$12)
		RETURNING id`, pol.ID, n, v.ID, q, PolicyActive, start, end, premium, sum, terms.RetroDate, ratingIn, now).Scan(&termID)
	if isUniqueViolation(err) {
		return 0, anbao.Errorf(anbao.ECONFLICT, "uw.quote.state", QuoteBound)
	}
	if err != nil {
		return 0, err
	}
	if err := t.insertSegment(termID, pol.ID, 1, start, end, premium, terms, now); err != nil {
		return 0, err
	}
	if err := t.insertTxn(pol.ID, termID, TxnRenewal, start, premium, "", "", "", details, principalName(anbao.PrincipalFrom(ctx)), now); err != nil {
		return 0, err
	}
	if _, err := t.ExecContext(ctx, `UPDATE policies SET current_term = $1, expiry_date = $2, premium = $3, sum_insured = $4, updated_at = $5,
		version = version + 1 WHERE id = $6`, n, end, premium, sum, now, pol.ID); err != nil {
		return 0, err
	}
	return n, t.audit(auditChange{"policy.renew", "policy", pol.ID, pol.EnterpriseID, map[string]any{"term": pol.CurrentTerm, "expiry_date": pol.ExpiryDate},
		map[string]any{"term": n, "start_date": start, "expiry_date": end, "premium": premium}})
}

// RenewDue renews every policy bound on Anbao whose term ends within the
// renewal window and has no renewal under way: the system's renewal run.
// It returns how many renewed automatically and how many were referred;
// a policy that cannot be renewed (product retired, say) is skipped and logged.
func (s *Store) RenewDue(ctx context.Context) (auto, referred int, err error) {
	sys := anbao.WithPrincipal(ctx, anbao.SystemPrincipal("renewal"))
	today := s.today()
	var ids []int64
	err = eachRow(ctx, s.read, `SELECT pol.id FROM policies pol WHERE pol.source = 'anbao' AND pol.status = 'active'
		AND pol.expiry_date > $1 AND pol.expiry_date <= $2
		AND NOT EXISTS (SELECT 1 FROM quotes q WHERE q.renewal_of = pol.id AND q.status IN ('draft', 'quoted', 'referred', 'bind_requested'))
		ORDER BY pol.id`, []any{today, addDays(today, renewalWindowDays)}, func(sc scanner) error {
		var id int64
		err := sc.Scan(&id)
		ids = append(ids, id)
		return err
	})
	if err != nil {
		return 0, 0, err
	}
	for _, id := range ids {
		r, err := s.RenewPolicy(sys, id)
		if err != nil {
			if anbao.ErrorCode(err) == anbao.EINTERNAL {
				return auto, referred, err
			}
			s.log.Info("renewal skipped", "policy", id, "reason", strings.TrimSpace(err.Error()))
			continue
		}
		if r.Automatic {
			auto++
		} else {
			referred++
		}
	}
	return auto, referred, nil
}
