package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/claims"
	"github.com/anbao/anbao/cover"
)

// Claims (issue #6 item 4). A claim is opened from an incident against the
// policy term in force when it occurred; its loss items are mapped to the
// term's coverages and calculated by the pure calculator (package claims)
// against what other claims on the term already paid. The handler records
// exclusion facts, the finding that caused the loss, ransom consent,
// reserves; approves the payable; pays it in partial and final payments;
// records recoveries; declines with a reason code; reopens.
//
// Payments are exact under concurrency: each locks the claim and then its
// term's erosion row (always in that order), checks the amount against what
// is approved and unpaid and against the limits left, and carries a key
// unique per claim, so a repeated submission is refused and never pays twice.
// Recoveries reduce the net paid; they do not reinstate the limits.

// Claim statuses.
const (
	ClaimOpen          = "open"           // filed; items may change
	ClaimAssessed      = "assessed"       // calculated by the handler
	ClaimApproved      = "approved"       // the payable is approved
	ClaimPartiallyPaid = "partially_paid" // a partial payment is made
	ClaimClosed        = "closed"         // paid in full or finally
	ClaimDeclined      = "declined"       // declined with a reason code
)

// ClaimStatuses lists the statuses in lifecycle order.
var ClaimStatuses = []string{ClaimOpen, ClaimAssessed, ClaimApproved, ClaimPartiallyPaid, ClaimClosed, ClaimDeclined}

// DeclineReasons are the reason codes of a declined claim.
var DeclineReasons = []string{"not_covered", "exclusion", "outside_term", "late_notice", "unapproved_provider", "below_retention",
	"misrepresentation", "fraud", "withdrawn", "other"}

// RecoverySources are where a recovery comes from.
var RecoverySources = []string{"subrogation", "third_party", "salvage", "funds_recalled", "other"}

// ClaimItem is a loss item with the claimant's note.
type ClaimItem struct {
	claims.Item
	Note string `json:"note,omitempty"`
}

// ClaimInput opens a claim.
type ClaimInput struct {
	// PolicyID defaults to the incident's policy.
	PolicyID int64 `json:"policy_id,omitempty"`
	// ClaimMadeAt is when a third party first claimed against the insured
	// (YYYY-MM-DD), needed for liability items.
	ClaimMadeAt string      `json:"claim_made_at,omitempty"`
	Items       []ClaimItem `json:"items"`
	Note        string      `json:"note,omitempty"`
}

// ClaimItemsInput replaces a claim's loss items.
type ClaimItemsInput struct {
	ClaimMadeAt string      `json:"claim_made_at,omitempty"`
	Items       []ClaimItem `json:"items"`
	Version     int         `json:"version"`
}

// AssessInput is the handler's facts for a calculation.
type AssessInput struct {
	Exclusions []claims.ExclusionFact `json:"exclusions,omitempty"`
	// FindingID names an open finding (on record before the incident) that
	// caused the loss: the per-occurrence deductible rises (FindingSurchargeBP).
	FindingID int64 `json:"finding_id,omitempty"`
	Version   int   `json:"version"`
}

// ReserveInput sets the claim's reserves.
type ReserveInput struct {
	Loss    int64  `json:"loss"`
	Expense int64  `json:"expense"`
	Note    string `json:"note,omitempty"`
	Version int    `json:"version"`
}

// PaymentInput is one payment.
type PaymentInput struct {
	Amount int64 `json:"amount"`
	// Final closes the claim with this payment (what is approved and unpaid is released).
	Final bool `json:"final,omitempty"`
	// Key identifies the payment: a second submission with the same key is refused.
	Key       string `json:"key"`
	Reference string `json:"reference,omitempty"`
}

// RecoveryInput records money recovered on a paid claim.
type RecoveryInput struct {
	Amount int64  `json:"amount"`
	Source string `json:"source"`
	Note   string `json:"note,omitempty"`
}

// DeclineInput declines a claim.
type DeclineInput struct {
	Code    string `json:"code"`
	Note    string `json:"note"`
	Version int    `json:"version"`
}

// Claim is one claim.
type Claim struct {
	ID              int64                  `json:"id"`
	Number          string                 `json:"number"`
	IncidentID      int64                  `json:"incident_id"`
	IncidentTitle   string                 `json:"incident_title"`
	PolicyID        int64                  `json:"policy_id"`
	PolicyNumber    string                 `json:"policy_number"`
	TermNo          int                    `json:"term_no"`
	EnterpriseID    int64                  `json:"enterprise_id"`
	EnterpriseName  string                 `json:"enterprise_name"`
	InsurerID       int64                  `json:"insurer_id"`
	InsurerName     string                 `json:"insurer_name"`
	Status          string                 `json:"status"`
	NoticeAt        string                 `json:"notice_at"`
	ClaimMadeAt     string                 `json:"claim_made_at,omitempty"`
	Items           []ClaimItem            `json:"items"`
	Exclusions      []claims.ExclusionFact `json:"exclusions"`
	FindingID       int64                  `json:"finding_id,omitempty"`
	FindingCaused   bool                   `json:"finding_caused"`
	RansomConsentBy string                 `json:"ransom_consent_by,omitempty"`
	RansomConsentAt string                 `json:"ransom_consent_at,omitempty"`
	Calculation     *claims.Result         `json:"calculation,omitempty"`
	Payable         int64                  `json:"payable"`
	Approved        int64                  `json:"approved"`
	Held            int64                  `json:"held"`
	ReserveLoss     int64                  `json:"reserve_loss"`
	ReserveExpense  int64                  `json:"reserve_expense"`
	Paid            int64                  `json:"paid"`
	Recovered       int64                  `json:"recovered"`
	DeclineCode     string                 `json:"decline_code,omitempty"`
	DeclineNote     string                 `json:"decline_note,omitempty"`
	OpenedBy        string                 `json:"opened_by"`
	CreatedAt       string                 `json:"created_at"`
	UpdatedAt       string                 `json:"updated_at"`
	Version         int                    `json:"version"`
	Events          []*ClaimEvent          `json:"events,omitempty"`
	Payments        []*ClaimPayment        `json:"payments,omitempty"`
	Recoveries      []*ClaimRecovery       `json:"recoveries,omitempty"`
	Limits          *TermLimits            `json:"limits,omitempty"`
	// Terms are the terms of the policy term the claim is made on, at the
	// occurrence: coverages, exclusion clauses, limits (GetClaim).
	Terms            *cover.Terms  `json:"terms,omitempty"`
	OpenFindings     []*FindingRef `json:"open_findings,omitempty"`
	RansomInProgress bool          `json:"ransom_in_progress,omitempty"`
}

// ClaimEvent is one step of the claim's path (理赔路径).
type ClaimEvent struct {
	Kind   string          `json:"kind"`
	Status string          `json:"status"`
	Amount int64           `json:"amount,omitempty"`
	Detail json.RawMessage `json:"detail,omitempty"`
	ByOrg  int64           `json:"by_org"`
	By     string          `json:"by"`
	At     string          `json:"at"`
}

// ClaimPayment is one payment.
type ClaimPayment struct {
	ID              int64  `json:"id"`
	Kind            string `json:"kind"` // partial | final
	Amount          int64  `json:"amount"`
	ErodesAggregate int64  `json:"erodes_aggregate"`
	Reference       string `json:"reference,omitempty"`
	Key             string `json:"key"`
	PaidBy          string `json:"paid_by"`
	PaidAt          string `json:"paid_at"`
}

// ClaimRecovery is one recovery.
type ClaimRecovery struct {
	Amount     int64  `json:"amount"`
	Source     string `json:"source"`
	Note       string `json:"note,omitempty"`
	RecordedBy string `json:"recorded_by"`
	RecordedAt string `json:"recorded_at"`
}

// TermLimits is a term's limits with what all its claims have paid.
type TermLimits struct {
	AggregateLimit     int64            `json:"aggregate_limit"`
	AggregatePaid      int64            `json:"aggregate_paid"`
	AggregateRemaining int64            `json:"aggregate_remaining"`
	CoveragePaid       map[string]int64 `json:"coverage_paid"`
}

// FindingRef names a finding the handler may link as the loss's cause.
type FindingRef struct {
	ID       int64  `json:"id"`
	Title    string `json:"title"`
	Severity string `json:"severity"`
	Status   string `json:"status"`
	Since    string `json:"since"`
}

// ClaimFilter narrows ListClaims.
type ClaimFilter struct {
	Status string
	// Statuses, when Status is empty, is a set of statuses (the handler's
	// queue: open, assessed, approved, partially paid), oldest first.
	Statuses     []string
	PolicyID     int64
	IncidentID   int64
	EnterpriseID int64
	anbao.Page
}

const claimColumns = `c.id, c.number, c.incident_id, i.title, c.policy_id, pol.number, c.term_no, c.enterprise_id, e.name_zh, c.insurer_id,
	ins.name_zh, c.status, c.notice_at, c.claim_made_at, c.items, c.exclusions, COALESCE(c.finding_id, 0), c.finding_caused,
	c.ransom_consent_by, c.ransom_consent_at, c.calculation, c.payable, c.approved, c.held, c.reserve_loss, c.reserve_expense, c.paid,
	c.recovered, c.decline_code, c.decline_note, c.opened_by, c.created_at, c.updated_at, c.version`

const claimFrom = ` FROM claims c JOIN incidents i ON i.id = c.incident_id JOIN policies pol ON pol.id = c.policy_id
	JOIN organisations e ON e.id = c.enterprise_id JOIN organisations ins ON ins.id = c.insurer_id`

func scanClaim(sc scanner) (*Claim, error) {
	var c Claim
	var items, excl, calc string
	var fc int
	if err := sc.Scan(&c.ID, &c.Number, &c.IncidentID, &c.IncidentTitle, &c.PolicyID, &c.PolicyNumber, &c.TermNo, &c.EnterpriseID,
		&c.EnterpriseName, &c.InsurerID, &c.InsurerName, &c.Status, &c.NoticeAt, &c.ClaimMadeAt, &items, &excl, &c.FindingID, &fc,
		&c.RansomConsentBy, &c.RansomConsentAt, &calc, &c.Payable, &c.Approved, &c.Held, &c.ReserveLoss, &c.ReserveExpense, &c.Paid,
		&c.Recovered, &c.DeclineCode, &c.DeclineNote, &c.OpenedBy, &c.CreatedAt, &c.UpdatedAt, &c.Version); err != nil {
		return nil, err
	}
	c.FindingCaused = fc != 0
	if err := json.Unmarshal([]byte(items), &c.Items); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(excl), &c.Exclusions); err != nil {
		return nil, err
	}
	if calc != "" {
		c.Calculation = &claims.Result{}
		if err := json.Unmarshal([]byte(calc), c.Calculation); err != nil {
			return nil, err
		}
	}
	return &c, nil
}

// claimScope restricts a query on claims (alias c) to those p may read.
func claimScope(p *anbao.Principal, w *where) {
	switch {
	case p.System:
	case p.OrgKind == anbao.KindEnterprise:
		w.add("c.enterprise_id = ?", p.OrgID)
	case p.OrgKind == anbao.KindInsurer:
		w.add("c.insurer_id = ?", p.OrgID)
	default:
		w.add("1 = 0")
	}
}

// claimError turns a calculator error into an application error.
func claimError(err error) error {
	var fe *cover.FieldError
	if errors.As(err, &fe) {
		return anbao.FieldError(fe.Field, fe.Code, fe.Args...)
	}
	return err
}

// claimContext is what a calculation needs besides the claim: the term
// and its terms at the occurrence, the incident's dates.
type claimContext struct {
	term   *PolicyTerm
	terms  *cover.Terms
	inc    *Incident
	notice string
}

func (cc *claimContext) input(c *Claim, paid claims.Usage) *claims.Input {
	in := &claims.Input{Terms: *cc.terms, TermStart: cc.term.StartDate, TermEnd: cc.term.EndDate, OccurredAt: dayOf(cc.inc.OccurredAt),
		DiscoveredAt: dayOf(cc.inc.DiscoveredAt), ReportedAt: dayOf(cc.notice), ClaimMadeAt: c.ClaimMadeAt, Exclusions: c.Exclusions,
		FindingCaused: c.FindingCaused, RansomConsent: c.RansomConsentAt != "", Paid: paid}
	if cc.term.CancelledDate != "" && cc.term.CancelledDate < in.TermEnd {
		in.TermEnd = cc.term.CancelledDate
	}
	in.Items = make([]claims.Item, len(c.Items))
	for i, it := range c.Items {
		in.Items[i] = it.Item
	}
	return in
}

// loadClaimContext finds the term of policyID in force at the incident and
// checks that the policy was not lapsed then.
func (s *Store) loadClaimContext(ctx context.Context, db dbReader, inc *Incident, policyID int64, notice string) (*claimContext, error) {
	day := dayOf(inc.OccurredAt)
	term, terms, err := s.termAt(ctx, db, policyID, day)
	if err != nil {
		return nil, err
	}
	if term == nil {
		// A claims-made claim may fall in a later term than the act.
		if term, terms, err = s.termAt(ctx, db, policyID, dayOf(notice)); err != nil {
			return nil, err
		}
	}
	if !inForce(term, terms, day) {
		return nil, anbao.FieldError("policy_id", "claim.policy_lapsed", day)
	}
	return &claimContext{term: term, terms: terms, inc: inc, notice: notice}, nil
}

func checkClaimItems(items []ClaimItem, claimMadeAt string) error {
	if len(items) == 0 {
		return anbao.FieldError("items", "claim.items_required")
	}
	for i := range items {
		n, err := trimText(fmt.Sprintf("items[%d].note", i), items[i].Note, 0, 500)
		if err != nil {
			return err
		}
		items[i].Note = n
		items[i].ID = strings.TrimSpace(items[i].ID)
		if items[i].ID == "" {
			items[i].ID = fmt.Sprintf("L%d", i+1)
		}
	}
	if claimMadeAt != "" {
		if _, err := parseDay("claim_made_at", claimMadeAt); err != nil {
			return err
		}
	}
	return nil
}

// mayOpenClaim checks that p may open a claim on incident inc under a
// policy of insurer: the insured enterprise its own, the insurer's handler
// on its own policies.
func mayOpenClaim(p *anbao.Principal, inc *Incident, insurer int64) error {
	switch {
	case p.System:
	case p.OrgKind == anbao.KindEnterprise && p.OrgID == inc.EnterpriseID:
	case p.OrgKind == anbao.KindInsurer && p.OrgID == insurer:
	default:
		return anbao.ErrNotFound("policy")
	}
	return nil
}

// OpenClaim opens a claim from an incident against a policy of the
// incident's enterprise, validating its items against the policy term in
// force at the occurrence.
func (s *Store) OpenClaim(ctx context.Context, incidentID int64, in ClaimInput) (*Claim, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActClaimOpen); err != nil {
		return nil, err
	}
	if err := checkClaimItems(in.Items, in.ClaimMadeAt); err != nil {
		return nil, err
	}
	var err error
	if in.Note, err = trimText("note", in.Note, 0, 1000); err != nil {
		return nil, err
	}
	var id int64
	err = s.inTx(ctx, func(t *tx) error {
		inc, err := s.getIncident(ctx, t, p, incidentID, t.forUpdate())
		if err != nil {
			return err
		}
		policyID := in.PolicyID
		if policyID == 0 {
			policyID = inc.PolicyID
		}
		if policyID == 0 {
			return anbao.FieldError("policy_id", "claim.policy_required")
		}
		var ent, insurer int64
		var number string
		err = t.QueryRowContext(ctx, `SELECT enterprise_id, insurer_id, number FROM policies WHERE id = $1`, policyID).Scan(&ent, &insurer, &number)
		if isNoRows(err) || (err == nil && ent != inc.EnterpriseID) {
			return anbao.FieldError("policy_id", "claim.policy_not_insured", policyID)
		}
		if err != nil {
			return err
		}
		if err := mayOpenClaim(p, inc, insurer); err != nil {
			return err
		}
		var dup int64
		err = t.QueryRowContext(ctx, `SELECT id FROM claims WHERE incident_id = $1 AND policy_id = $2 AND status <> $3`, incidentID, policyID,
			ClaimDeclined).Scan(&dup)
		if err == nil {
			return anbao.Errorf(anbao.ECONFLICT, "claim.duplicate", dup)
		} else if !isNoRows(err) {
			return err
		}
		now := s.now()
		notice := inc.InsurerNotifiedAt
		if notice == "" {
			notice = now
		}
		cc, err := s.loadClaimContext(ctx, t, inc, policyID, notice)
		if err != nil {
			return err
		}
		c := &Claim{ClaimMadeAt: in.ClaimMadeAt, Items: in.Items}
		if _, err := claims.Calculate(cc.input(c, claims.Usage{})); err != nil {
			return claimError(err)
		}
		items, _ := json.Marshal(in.Items)
		if err := t.QueryRowContext(ctx, `INSERT INTO claims (number, incident_id, policy_id, term_no, enterprise_id, insurer_id, status,
			notice_at, claim_made_at, items, opened_by_org, opened_by, created_at, updated_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$13) RETURNING id`,
			"pending-"+now+"-"+p.Username, incidentID, policyID, cc.term.TermNo, inc.EnterpriseID, insurer, ClaimOpen, notice, in.ClaimMadeAt,
			string(items), p.OrgID, p.Username, now).Scan(&id); err != nil {
			return err
		}
		year := now[:4]
		if _, err := t.ExecContext(ctx, `UPDATE claims SET number = $1 WHERE id = $2`, fmt.Sprintf("CL%s%03d%08d", year, insurer%1000, id), id); err != nil {
			return err
		}
		var total int64
		for _, it := range in.Items {
			total += it.Amount
		}
		if err := t.claimEvent(id, "opened", ClaimOpen, total, map[string]any{"items": len(in.Items), "note": in.Note, "policy": number}); err != nil {
			return err
		}
		return t.audit(auditChange{"claim.open", "claim", id, inc.EnterpriseID, nil, map[string]any{"incident_id": incidentID,
			"policy_id": policyID, "claimed": total}})
	})
	if err != nil {
		return nil, err
	}
	if skipReadBack(ctx) {
		return &Claim{ID: id}, nil
	}
	return s.GetClaim(ctx, id)
}

func (t *tx) claimEvent(id int64, kind, status string, amount int64, detail any) error {
	p := anbao.PrincipalFrom(t.ctx)
	raw := ""
	if detail != nil {
		b, err := json.Marshal(detail)
		if err != nil {
			return err
		}
		raw = string(b)
	}
	_, err := t.ExecContext(t.ctx, `INSERT INTO claim_events (claim_id, kind, status, amount, detail, by_org, by_user, at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`, id, kind, status, amount, raw, p.OrgID, p.Username, t.s.now())
	return err
}

func (s *Store) getClaim(ctx context.Context, db queryer, p *anbao.Principal, id int64, lock string) (*Claim, error) {
	var w where
	w.add("c.id = ?", id)
	claimScope(p, &w)
	if lock != "" {
		lock = " FOR UPDATE OF c"
	}
	c, err := scanClaim(db.QueryRowContext(ctx, "SELECT "+claimColumns+claimFrom+w.String()+lock, w.args...))
	if isNoRows(err) {
		return nil, anbao.ErrNotFound("claim")
	}
	return c, err
}

// GetClaim returns a claim with its path, payments, recoveries and the
// term's limits; the insurer's handler also sees the enterprise's findings
// that were open at the incident.
func (s *Store) GetClaim(ctx context.Context, id int64) (*Claim, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActClaimRead); err != nil {
		return nil, err
	}
	c, err := s.getClaim(ctx, s.read, p, id, "")
	if err != nil {
		return nil, err
	}
	c.Events = []*ClaimEvent{}
	err = eachRow(ctx, s.read, `SELECT kind, status, amount, detail, by_org, by_user, at FROM claim_events WHERE claim_id = $1 ORDER BY id`,
		[]any{id}, func(sc scanner) error {
			var e ClaimEvent
			var d string
			err := sc.Scan(&e.Kind, &e.Status, &e.Amount, &d, &e.ByOrg, &e.By, &e.At)
			if d != "" {
				e.Detail = json.RawMessage(d)
			}
			c.Events = append(c.Events, &e)
			return err
		})
	if err != nil {
		return nil, err
	}
	c.Payments = []*ClaimPayment{}
	err = eachRow(ctx, s.read, `SELECT id, kind, amount, erodes_aggregate, reference, idem_key, paid_by, paid_at FROM claim_payments
		WHERE claim_id = $1 ORDER BY id`, []any{id}, func(sc scanner) error {
		var x ClaimPayment
		err := sc.Scan(&x.ID, &x.Kind, &x.Amount, &x.ErodesAggregate, &x.Reference, &x.Key, &x.PaidBy, &x.PaidAt)
		c.Payments = append(c.Payments, &x)
		return err
	})
	if err != nil {
		return nil, err
	}
	c.Recoveries = []*ClaimRecovery{}
	err = eachRow(ctx, s.read, `SELECT amount, source, note, recorded_by, recorded_at FROM claim_recoveries WHERE claim_id = $1 ORDER BY id`,
		[]any{id}, func(sc scanner) error {
			var x ClaimRecovery
			err := sc.Scan(&x.Amount, &x.Source, &x.Note, &x.RecordedBy, &x.RecordedAt)
			c.Recoveries = append(c.Recoveries, &x)
			return err
		})
	if err != nil {
		return nil, err
	}
	cc, err := s.claimContextFor(ctx, s.read, c)
	if err == nil {
		c.Terms = cc.terms
	} else if anbao.ErrorCode(err) == anbao.EINTERNAL {
		return nil, err
	}
	if c.Limits, err = s.termLimits(ctx, s.read, c.PolicyID, c.TermNo, c.Terms); err != nil {
		return nil, err
	}
	for _, it := range c.Items {
		if it.Kind == "ransom" {
			c.RansomInProgress = true
		}
	}
	if p.System || p.OrgKind == anbao.KindInsurer {
		var occurred string
		if cc != nil {
			occurred = cc.inc.OccurredAt
		} else if err := s.read.QueryRowContext(ctx, `SELECT occurred_at FROM incidents WHERE id = $1`, c.IncidentID).Scan(&occurred); err != nil {
			return nil, err
		}
		if c.OpenFindings, err = s.findingsOpenAt(ctx, s.read, c.EnterpriseID, occurred, 0); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// findingsOpenAt lists the enterprise's findings on record before instant
// and not fixed (or fixed only after it): those the insurer had in view.
func (s *Store) findingsOpenAt(ctx context.Context, db dbReader, enterprise int64, instant string, only int64) ([]*FindingRef, error) {
	out := []*FindingRef{}
	q := `SELECT id, title, severity, status, created_at FROM findings WHERE enterprise_id = $1 AND created_at < $2
		AND (status NOT IN ('fixed', 'false_positive') OR updated_at > $2)`
	args := []any{enterprise, instant}
	if only != 0 {
		q += " AND id = $3"
		args = append(args, only)
	}
	err := eachRow(ctx, db, q+" ORDER BY id DESC LIMIT 50", args, func(sc scanner) error {
		var f FindingRef
		err := sc.Scan(&f.ID, &f.Title, &f.Severity, &f.Status, &f.Since)
		out = append(out, &f)
		return err
	})
	return out, err
}

// termLimits reads a term's limits and erosion: the aggregate of terms (the
// claim's, those payments are checked against) or, when the claim has none
// (its policy lapsed since), of the term's last segment.
func (s *Store) termLimits(ctx context.Context, db dbReader, policyID int64, termNo int, terms *cover.Terms) (*TermLimits, error) {
	l := &TermLimits{CoveragePaid: map[string]int64{}}
	if terms != nil {
		l.AggregateLimit = terms.AggregateLimit
	} else {
		segs, err := s.listSegments(ctx, db, policyID)
		if err != nil {
			return nil, err
		}
		for _, g := range segs {
			if g.TermNo == termNo && g.Terms != nil {
				l.AggregateLimit = g.Terms.AggregateLimit
			}
		}
	}
	u, err := readErosion(ctx, db, policyID, termNo, "")
	if err != nil {
		return nil, err
	}
	l.AggregatePaid, l.CoveragePaid = u.Aggregate, u.Coverage
	l.AggregateRemaining = max(0, l.AggregateLimit-l.AggregatePaid)
	return l, nil
}

func readErosion(ctx context.Context, db queryer, policyID int64, termNo int, lock string) (claims.Usage, error) {
	u := claims.Usage{Coverage: map[string]int64{}}
	var raw string
	err := db.QueryRowContext(ctx, `SELECT aggregate_paid, coverage_paid FROM term_erosion WHERE policy_id = $1 AND term_no = $2`+lock,
		policyID, termNo).Scan(&u.Aggregate, &raw)
	if isNoRows(err) {
		return u, nil
	}
	if err != nil {
		return u, err
	}
	return u, json.Unmarshal([]byte(raw), &u.Coverage)
}

// claimErosion sums what claim id's payments eroded, by item.
func claimErosion(ctx context.Context, db querier, id int64) (map[string]int64, claims.Usage, error) {
	items := map[string]int64{}
	u := claims.Usage{Coverage: map[string]int64{}}
	err := eachRow(ctx, db, `SELECT erosion FROM claim_payments WHERE claim_id = $1`, []any{id}, func(sc scanner) error {
		var raw string
		if err := sc.Scan(&raw); err != nil {
			return err
		}
		var e paymentErosion
		if err := json.Unmarshal([]byte(raw), &e); err != nil {
			return err
		}
		for k, v := range e.Items {
			items[k] += v
		}
		u.Aggregate += e.Aggregate
		for k, v := range e.Coverage {
			u.Coverage[k] += v
		}
		return nil
	})
	return items, u, err
}

// paymentErosion is what one payment drew: by item, from the aggregate and
// from each coverage.
type paymentErosion struct {
	Items     map[string]int64 `json:"items"`
	Aggregate int64            `json:"aggregate"`
	Coverage  map[string]int64 `json:"coverage"`
}

// stepClaim runs fn on claim id locked in a transaction after checking that
// p handles it (its insurer's handler), then bumps its version.
func (s *Store) stepClaim(ctx context.Context, id int64, version int, action anbao.Action, fn func(t *tx, c *Claim) error) (*Claim, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, action); err != nil {
		return nil, err
	}
	err := s.inTx(ctx, func(t *tx) error {
		c, err := s.getClaim(ctx, t, p, id, t.forUpdate())
		if err != nil {
			return err
		}
		if action == anbao.ActClaimHandle && !p.System && c.InsurerID != p.OrgID {
			return anbao.ErrNotFound("claim")
		}
		if version != 0 && c.Version != version {
			return anbao.Errorf(anbao.ECONFLICT, "error.version_conflict", c.Version)
		}
		if err := fn(t, c); err != nil {
			return err
		}
		_, err = t.ExecContext(ctx, `UPDATE claims SET updated_at = $1, version = version + 1 WHERE id = $2`, s.now(), id)
		return err
	})
	if err != nil {
		return nil, err
	}
	if skipReadBack(ctx) {
		// The claim's own row only (amounts, status, calculation).
		return s.getClaim(ctx, s.read, p, id, "")
	}
	return s.GetClaim(ctx, id)
}

// UpdateClaimItems replaces the loss items of an open or assessed claim;
// the calculation is cleared and the claim is open again.
func (s *Store) UpdateClaimItems(ctx context.Context, id int64, in ClaimItemsInput) (*Claim, error) {
	if err := anbao.Authorize(anbao.PrincipalFrom(ctx), anbao.ActClaimOpen); err != nil {
		return nil, err
	}
	if err := checkClaimItems(in.Items, in.ClaimMadeAt); err != nil {
		return nil, err
	}
	return s.stepClaim(ctx, id, in.Version, anbao.ActClaimOpen, func(t *tx, c *Claim) error {
		if c.Status != ClaimOpen && c.Status != ClaimAssessed {
			return anbao.Errorf(anbao.ECONFLICT, "claim.state", c.Status)
		}
		cc, err := s.claimContextFor(ctx, t, c)
		if err != nil {
			return err
		}
		c.Items, c.ClaimMadeAt = in.Items, in.ClaimMadeAt
		if _, err := claims.Calculate(cc.input(c, claims.Usage{})); err != nil {
			return claimError(err)
		}
		items, _ := json.Marshal(in.Items)
		if _, err := t.ExecContext(ctx, `UPDATE claims SET items = $1, claim_made_at = $2, calculation = '', payable = 0, held = 0,
			status = $3 WHERE id = $4`, string(items), in.ClaimMadeAt, ClaimOpen, id); err != nil {
			return err
		}
		var total int64
		for _, it := range in.Items {
			total += it.Amount
		}
		if err := t.claimEvent(id, "items_changed", ClaimOpen, total, map[string]any{"items": len(in.Items)}); err != nil {
			return err
		}
		return t.audit(auditChange{"claim.items", "claim", id, c.EnterpriseID, map[string]any{"items": c.Items}, map[string]any{"items": in.Items}})
	})
}

func (s *Store) claimContextFor(ctx context.Context, t dbReader, c *Claim) (*claimContext, error) {
	inc, err := s.getIncident(ctx, t, anbao.SystemPrincipal("claims"), c.IncidentID, "")
	if err != nil {
		return nil, err
	}
	return s.loadClaimContext(ctx, t, inc, c.PolicyID, c.NoticeAt)
}

// calculate runs the calculator on claim c against what the term's other
// claims paid, and stores the result.
func (s *Store) calculate(ctx context.Context, t *tx, c *Claim) (*claims.Result, error) {
	cc, err := s.claimContextFor(ctx, t, c)
	if err != nil {
		return nil, err
	}
	term, err := readErosion(ctx, t, c.PolicyID, c.TermNo, "")
	if err != nil {
		return nil, err
	}
	_, own, err := claimErosion(ctx, t, c.ID)
	if err != nil {
		return nil, err
	}
	others := claims.Usage{Aggregate: term.Aggregate - own.Aggregate, Coverage: map[string]int64{}}
	for k, v := range term.Coverage {
		others.Coverage[k] = v - own.Coverage[k]
	}
	res, err := claims.Calculate(cc.input(c, others))
	if err != nil {
		return nil, claimError(err)
	}
	raw, _ := json.Marshal(res)
	_, err = t.ExecContext(ctx, `UPDATE claims SET calculation = $1, payable = $2, held = $3 WHERE id = $4`, string(raw), res.Payable,
		res.Held, c.ID)
	return res, err
}

// AssessClaim records the handler's exclusion facts and causal finding and
// calculates the claim.
func (s *Store) AssessClaim(ctx context.Context, id int64, in AssessInput) (*Claim, error) {
	if err := anbao.Authorize(anbao.PrincipalFrom(ctx), anbao.ActClaimHandle); err != nil {
		return nil, err
	}
	for i := range in.Exclusions {
		n, err := trimText(fmt.Sprintf("exclusions[%d].note", i), in.Exclusions[i].Note, 0, 1000)
		if err != nil {
			return nil, err
		}
		in.Exclusions[i].Note = n
	}
	return s.stepClaim(ctx, id, in.Version, anbao.ActClaimHandle, func(t *tx, c *Claim) error {
		switch c.Status {
		case ClaimOpen, ClaimAssessed, ClaimApproved:
		default:
			return anbao.Errorf(anbao.ECONFLICT, "claim.state", c.Status)
		}
		if c.Paid > 0 && c.Status != ClaimOpen {
			return anbao.Errorf(anbao.ECONFLICT, "claim.state", c.Status)
		}
		if in.FindingID != 0 {
			var occurred string
			if err := t.QueryRowContext(ctx, `SELECT occurred_at FROM incidents WHERE id = $1`, c.IncidentID).Scan(&occurred); err != nil {
				return err
			}
			f, err := s.findingsOpenAt(ctx, t, c.EnterpriseID, occurred, in.FindingID)
			if err != nil {
				return err
			}
			if len(f) == 0 {
				return anbao.FieldError("finding_id", "claim.finding_not_open", in.FindingID)
			}
		}
		c.Exclusions = in.Exclusions
		if c.Exclusions == nil {
			c.Exclusions = []claims.ExclusionFact{}
		}
		c.FindingCaused = in.FindingID != 0
		res, err := s.calculate(ctx, t, c)
		if err != nil {
			return err
		}
		excl, _ := json.Marshal(c.Exclusions)
		var fid any
		if in.FindingID != 0 {
			fid = in.FindingID
		}
		if _, err := t.ExecContext(ctx, `UPDATE claims SET exclusions = $1, finding_id = $2, finding_caused = $3, status = $4 WHERE id = $5`,
			string(excl), fid, boolInt(c.FindingCaused), ClaimAssessed, id); err != nil {
			return err
		}
		if err := t.claimEvent(id, "assessed", ClaimAssessed, res.Payable, map[string]any{"held": res.Held, "retention": res.Retention,
			"finding_id": in.FindingID}); err != nil {
			return err
		}
		return t.audit(auditChange{"claim.assess", "claim", id, c.EnterpriseID, map[string]any{"payable": c.Payable},
			map[string]any{"payable": res.Payable, "held": res.Held, "exclusions": c.Exclusions, "finding_id": in.FindingID}})
	})
}

// ConsentRansom records the insurer's express consent to pay the ransom
// item (never given by the calculator) and calculates the claim again.
func (s *Store) ConsentRansom(ctx context.Context, id int64, note string, version int) (*Claim, error) {
	if err := anbao.Authorize(anbao.PrincipalFrom(ctx), anbao.ActClaimHandle); err != nil {
		return nil, err
	}
	note, err := trimText("note", note, 10, 1000)
	if err != nil {
		return nil, err
	}
	return s.stepClaim(ctx, id, version, anbao.ActClaimHandle, func(t *tx, c *Claim) error {
		if c.Status != ClaimAssessed {
			return anbao.Errorf(anbao.ECONFLICT, "claim.state", c.Status)
		}
		if c.RansomConsentAt != "" {
			return anbao.Errorf(anbao.ECONFLICT, "claim.ransom_consented", c.RansomConsentAt)
		}
		if c.Held == 0 {
			return anbao.Errorf(anbao.ECONFLICT, "claim.no_ransom_held")
		}
		p := anbao.PrincipalFrom(ctx)
		now := s.now()
		c.RansomConsentAt = now
		res, err := s.calculate(ctx, t, c)
		if err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, `UPDATE claims SET ransom_consent_by = $1, ransom_consent_at = $2 WHERE id = $3`, p.Username, now, id); err != nil {
			return err
		}
		if err := t.claimEvent(id, "ransom_consent", ClaimAssessed, res.Payable, map[string]any{"note": note}); err != nil {
			return err
		}
		return t.audit(auditChange{"claim.ransom_consent", "claim", id, c.EnterpriseID, nil, map[string]any{"note": note, "payable": res.Payable}})
	})
}

// SetReserve sets the claim's loss and expense reserves.
func (s *Store) SetReserve(ctx context.Context, id int64, in ReserveInput) (*Claim, error) {
	if err := anbao.Authorize(anbao.PrincipalFrom(ctx), anbao.ActClaimHandle); err != nil {
		return nil, err
	}
	if in.Loss < 0 || in.Loss > cover.MaxAmount {
		return nil, anbao.FieldError("loss", "claim.amount_range", in.Loss)
	}
	if in.Expense < 0 || in.Expense > cover.MaxAmount {
		return nil, anbao.FieldError("expense", "claim.amount_range", in.Expense)
	}
	note, err := trimText("note", in.Note, 0, 1000)
	if err != nil {
		return nil, err
	}
	return s.stepClaim(ctx, id, in.Version, anbao.ActClaimHandle, func(t *tx, c *Claim) error {
		if c.Status == ClaimClosed || c.Status == ClaimDeclined {
			return anbao.Errorf(anbao.ECONFLICT, "claim.state", c.Status)
		}
		if _, err := t.ExecContext(ctx, `UPDATE claims SET reserve_loss = $1, reserve_expense = $2 WHERE id = $3`, in.Loss, in.Expense, id); err != nil {
			return err
		}
		if err := t.claimEvent(id, "reserve", c.Status, in.Loss+in.Expense, map[string]any{"loss": in.Loss, "expense": in.Expense,
			"note": note}); err != nil {
			return err
		}
		return t.audit(auditChange{"claim.reserve", "claim", id, c.EnterpriseID, map[string]any{"loss": c.ReserveLoss, "expense": c.ReserveExpense},
			map[string]any{"loss": in.Loss, "expense": in.Expense}})
	})
}

// ApproveClaim approves the calculated payable: the amount payments may
// reach. It calculates again first, so the approval is on today's limits.
func (s *Store) ApproveClaim(ctx context.Context, id int64, note string, version int) (*Claim, error) {
	if err := anbao.Authorize(anbao.PrincipalFrom(ctx), anbao.ActClaimHandle); err != nil {
		return nil, err
	}
	note, err := trimText("note", note, 0, 1000)
	if err != nil {
		return nil, err
	}
	return s.stepClaim(ctx, id, version, anbao.ActClaimHandle, func(t *tx, c *Claim) error {
		if c.Status != ClaimAssessed {
			return anbao.Errorf(anbao.ECONFLICT, "claim.state", c.Status)
		}
		res, err := s.calculate(ctx, t, c)
		if err != nil {
			return err
		}
		if res.Payable <= c.Paid {
			return anbao.Errorf(anbao.ECONFLICT, "claim.nothing_payable")
		}
		if _, err := t.ExecContext(ctx, `UPDATE claims SET approved = $1, status = $2 WHERE id = $3`, res.Payable, ClaimApproved, id); err != nil {
			return err
		}
		if c.ReserveLoss < res.Payable-c.Paid {
			if _, err := t.ExecContext(ctx, `UPDATE claims SET reserve_loss = $1 WHERE id = $2`, res.Payable-c.Paid, id); err != nil {
				return err
			}
		}
		if err := t.claimEvent(id, "approved", ClaimApproved, res.Payable, map[string]any{"note": note, "held": res.Held}); err != nil {
			return err
		}
		return t.audit(auditChange{"claim.approve", "claim", id, c.EnterpriseID, nil, map[string]any{"approved": res.Payable}})
	})
}

// paymentKeyMax bounds a payment's key.
const paymentKeyMax = 100

// PayClaim pays part or the rest of the approved amount. See the type's
// comment for why it is exact under concurrency.
func (s *Store) PayClaim(ctx context.Context, id int64, in PaymentInput) (*Claim, error) {
	if err := anbao.Authorize(anbao.PrincipalFrom(ctx), anbao.ActClaimHandle); err != nil {
		return nil, err
	}
	in.Key = strings.TrimSpace(in.Key)
	if in.Key == "" || len(in.Key) > paymentKeyMax {
		return nil, anbao.FieldError("key", "claim.payment_key", paymentKeyMax)
	}
	if in.Amount <= 0 || in.Amount > cover.MaxAmount {
		return nil, anbao.FieldError("amount", "claim.amount_range", in.Amount)
	}
	ref, err := trimText("reference", in.Reference, 0, 100)
	if err != nil {
		return nil, err
	}
	return s.stepClaim(ctx, id, 0, anbao.ActClaimHandle, func(t *tx, c *Claim) error {
		var dup int64
		err := t.QueryRowContext(ctx, `SELECT id FROM claim_payments WHERE claim_id = $1 AND idem_key = $2`, id, in.Key).Scan(&dup)
		if err == nil {
			return anbao.Errorf(anbao.ECONFLICT, "claim.payment_duplicate", in.Key, dup)
		} else if !isNoRows(err) {
			return err
		}
		if c.Status != ClaimApproved && c.Status != ClaimPartiallyPaid {
			return anbao.Errorf(anbao.ECONFLICT, "claim.state", c.Status)
		}
		if c.Calculation == nil {
			return anbao.Errorf(anbao.ECONFLICT, "claim.state", c.Status)
		}
		left := c.Approved - c.Paid
		if in.Amount > left {
			return anbao.FieldError("amount", "claim.payment_exceeds_approved", cover.Yuan(in.Amount), cover.Yuan(left))
		}
		// Lock the term's erosion row (claim first, then term: one order).
		if _, err := t.ExecContext(ctx, `INSERT INTO term_erosion (policy_id, term_no) VALUES ($1, $2) ON CONFLICT DO NOTHING`, c.PolicyID,
			c.TermNo); err != nil {
			return err
		}
		term, err := readErosion(ctx, t, c.PolicyID, c.TermNo, t.forUpdate())
		if err != nil {
			return err
		}
		paidItems, _, err := claimErosion(ctx, t, id)
		if err != nil {
			return err
		}
		// Allocate the payment to the calculation's items in order.
		e := paymentErosion{Items: map[string]int64{}, Coverage: map[string]int64{}}
		rest := in.Amount
		for _, it := range c.Calculation.Items {
			if rest == 0 {
				break
			}
			open := it.Payable - paidItems[it.ID]
			if open <= 0 {
				continue
			}
			x := min(open, rest)
			rest -= x
			e.Items[it.ID] += x
			if it.ErodesSublimit > 0 {
				e.Coverage[it.Coverage] += x
			}
			if it.ErodesAggregate > 0 {
				e.Aggregate += x
			}
		}
		if rest != 0 {
			return anbao.FieldError("amount", "claim.payment_exceeds_approved", cover.Yuan(in.Amount), cover.Yuan(in.Amount-rest))
		}
		cc, err := s.claimContextFor(ctx, t, c)
		if err != nil {
			return err
		}
		if term.Aggregate+e.Aggregate > cc.terms.AggregateLimit {
			return anbao.FieldError("amount", "claim.payment_exceeds_limit", cover.Yuan(in.Amount),
				cover.Yuan(max(0, cc.terms.AggregateLimit-term.Aggregate)))
		}
		for code, x := range e.Coverage {
			if cv := cc.terms.Coverage(code); cv != nil && cv.Sublimit > 0 && term.Coverage[code]+x > cv.Sublimit {
				return anbao.FieldError("amount", "claim.payment_exceeds_sublimit", code, cover.Yuan(max(0, cv.Sublimit-term.Coverage[code])))
			}
		}
		term.Aggregate += e.Aggregate
		for code, x := range e.Coverage {
			term.Coverage[code] += x
		}
		cov, _ := json.Marshal(term.Coverage)
		if _, err := t.ExecContext(ctx, `UPDATE term_erosion SET aggregate_paid = $1, coverage_paid = $2 WHERE policy_id = $3 AND term_no = $4`,
			term.Aggregate, string(cov), c.PolicyID, c.TermNo); err != nil {
			return err
		}
		kind := "partial"
		status := ClaimPartiallyPaid
		if in.Final || c.Paid+in.Amount == c.Approved {
			kind, status = "final", ClaimClosed
		}
		p := anbao.PrincipalFrom(ctx)
		raw, _ := json.Marshal(e)
		if _, err := t.ExecContext(ctx, `INSERT INTO claim_payments (claim_id, policy_id, term_no, kind, amount, erodes_aggregate, erosion,
			idem_key, reference, paid_by, paid_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)`, id, c.PolicyID, c.TermNo, kind, in.Amount,
			e.Aggregate, string(raw), in.Key, ref, p.Username, s.now()); err != nil {
			if isUniqueViolation(err) {
				return anbao.Errorf(anbao.ECONFLICT, "claim.payment_duplicate", in.Key, 0)
			}
			return err
		}
		reserve := max(0, c.ReserveLoss-in.Amount)
		if status == ClaimClosed {
			reserve = 0
		}
		if _, err := t.ExecContext(ctx, `UPDATE claims SET paid = paid + $1, status = $2, reserve_loss = $3,
			reserve_expense = CASE WHEN $2 = 'closed' THEN 0 ELSE reserve_expense END WHERE id = $4`, in.Amount, status, reserve, id); err != nil {
			return err
		}
		if err := t.claimEvent(id, "payment_"+kind, status, in.Amount, map[string]any{"reference": ref, "key": in.Key}); err != nil {
			return err
		}
		return t.audit(auditChange{"claim.pay", "claim", id, c.EnterpriseID, map[string]any{"paid": c.Paid},
			map[string]any{"paid": c.Paid + in.Amount, "amount": in.Amount, "kind": kind, "erodes_aggregate": e.Aggregate}})
	})
}

// RecordRecovery records money recovered on a paid claim.
func (s *Store) RecordRecovery(ctx context.Context, id int64, in RecoveryInput) (*Claim, error) {
	if err := anbao.Authorize(anbao.PrincipalFrom(ctx), anbao.ActClaimHandle); err != nil {
		return nil, err
	}
	if in.Amount <= 0 || in.Amount > cover.MaxAmount {
		return nil, anbao.FieldError("amount", "claim.amount_range", in.Amount)
	}
	if !slices.Contains(RecoverySources, in.Source) {
		return nil, anbao.FieldError("source", "claim.recovery_source", in.Source)
	}
	note, err := trimText("note", in.Note, 0, 1000)
	if err != nil {
		return nil, err
	}
	return s.stepClaim(ctx, id, 0, anbao.ActClaimHandle, func(t *tx, c *Claim) error {
		if c.Paid == 0 {
			return anbao.Errorf(anbao.ECONFLICT, "claim.nothing_paid")
		}
		if in.Amount > c.Paid-c.Recovered {
			return anbao.FieldError("amount", "claim.recovery_exceeds_paid", cover.Yuan(in.Amount), cover.Yuan(c.Paid-c.Recovered))
		}
		p := anbao.PrincipalFrom(ctx)
		if _, err := t.ExecContext(ctx, `INSERT INTO claim_recoveries (claim_id, amount, source, note, recorded_by, recorded_at)
			VALUES ($1,$2,$3,$4,$5,$6)`, id, in.Amount, in.Source, note, p.Username, s.now()); err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, `UPDATE claims SET recovered = recovered + $1 WHERE id = $2`, in.Amount, id); err != nil {
			return err
		}
		if err := t.claimEvent(id, "recovery", c.Status, in.Amount, map[string]any{"source": in.Source, "note": note}); err != nil {
			return err
		}
		return t.audit(auditChange{"claim.recovery", "claim", id, c.EnterpriseID, nil, map[string]any{"amount": in.Amount, "source": in.Source}})
	})
}

// DeclineClaim declines a claim on which nothing was paid.
func (s *Store) DeclineClaim(ctx context.Context, id int64, in DeclineInput) (*Claim, error) {
	if err := anbao.Authorize(anbao.PrincipalFrom(ctx), anbao.ActClaimHandle); err != nil {
		return nil, err
	}
	if !slices.Contains(DeclineReasons, in.Code) {
		return nil, anbao.FieldError("code", "claim.decline_reason", in.Code)
	}
	note, err := trimText("note", in.Note, 5, 2000)
	if err != nil {
		return nil, err
	}
	return s.stepClaim(ctx, id, in.Version, anbao.ActClaimHandle, func(t *tx, c *Claim) error {
		switch c.Status {
		case ClaimOpen, ClaimAssessed, ClaimApproved:
		default:
			return anbao.Errorf(anbao.ECONFLICT, "claim.state", c.Status)
		}
		if c.Paid > 0 {
			return anbao.Errorf(anbao.ECONFLICT, "claim.paid_cannot_decline", cover.Yuan(c.Paid))
		}
		if _, err := t.ExecContext(ctx, `UPDATE claims SET status = $1, decline_code = $2, decline_note = $3, approved = 0, reserve_loss = 0,
			reserve_expense = 0 WHERE id = $4`, ClaimDeclined, in.Code, note, id); err != nil {
			return err
		}
		if err := t.claimEvent(id, "declined", ClaimDeclined, 0, map[string]any{"code": in.Code, "note": note}); err != nil {
			return err
		}
		return t.audit(auditChange{"claim.decline", "claim", id, c.EnterpriseID, map[string]any{"status": c.Status},
			map[string]any{"status": ClaimDeclined, "code": in.Code}})
	})
}

// ReopenClaim reopens a declined or closed claim (new facts, a late
// invoice); what was paid stays paid and counts against the new approval.
func (s *Store) ReopenClaim(ctx context.Context, id int64, note string, version int) (*Claim, error) {
	if err := anbao.Authorize(anbao.PrincipalFrom(ctx), anbao.ActClaimHandle); err != nil {
		return nil, err
	}
	note, err := trimText("note", note, 5, 1000)
	if err != nil {
		return nil, err
	}
	return s.stepClaim(ctx, id, version, anbao.ActClaimHandle, func(t *tx, c *Claim) error {
		if c.Status != ClaimDeclined && c.Status != ClaimClosed {
			return anbao.Errorf(anbao.ECONFLICT, "claim.state", c.Status)
		}
		if c.Status == ClaimDeclined {
			var other int64
			err := t.QueryRowContext(ctx, `SELECT id FROM claims WHERE incident_id = $1 AND policy_id = $2 AND status <> $3 AND id <> $4`,
				c.IncidentID, c.PolicyID, ClaimDeclined, id).Scan(&other)
			if err == nil {
				return anbao.Errorf(anbao.ECONFLICT, "claim.duplicate", other)
			} else if !isNoRows(err) {
				return err
			}
		}
		if _, err := t.ExecContext(ctx, `UPDATE claims SET status = $1, decline_code = '', decline_note = '' WHERE id = $2`, ClaimOpen, id); err != nil {
			return err
		}
		if err := t.claimEvent(id, "reopened", ClaimOpen, 0, map[string]any{"note": note}); err != nil {
			return err
		}
		return t.audit(auditChange{"claim.reopen", "claim", id, c.EnterpriseID, map[string]any{"status": c.Status},
			map[string]any{"status": ClaimOpen, "note": note}})
	})
}

// ListClaims lists the claims p may read: the handler's queue (oldest
// first) when a status is given, newest first otherwise.
func (s *Store) ListClaims(ctx context.Context, f ClaimFilter) (*ItemList[*Claim], error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActClaimRead); err != nil {
		return nil, err
	}
	f.Page = f.Page.Normalize()
	var w where
	claimScope(p, &w)
	order := " ORDER BY c.id DESC"
	if f.Status != "" {
		f.Statuses = []string{f.Status}
	}
	if len(f.Statuses) > 0 {
		var marks []string
		var args []any
		for _, st := range f.Statuses {
			if !slices.Contains(ClaimStatuses, st) {
				return nil, anbao.FieldError("status", "claim.status_invalid", st)
			}
			marks = append(marks, "?")
			args = append(args, st)
		}
		w.add("c.status IN ("+strings.Join(marks, ", ")+")", args...)
		order = " ORDER BY c.id"
	}
	if f.PolicyID != 0 {
		w.add("c.policy_id = ?", f.PolicyID)
	}
	if f.IncidentID != 0 {
		w.add("c.incident_id = ?", f.IncidentID)
	}
	if f.EnterpriseID != 0 {
		w.add("c.enterprise_id = ?", f.EnterpriseID)
	}
	list := &ItemList[*Claim]{Items: []*Claim{}}
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*)"+claimFrom+w.String(), w.args...).Scan(&list.Total); err != nil {
		return nil, err
	}
	q := "SELECT " + claimColumns + claimFrom + w.String() + order + " LIMIT " + w.next(f.Limit) + " OFFSET " + w.next(f.Offset)
	err := eachRow(ctx, s.read, q, w.args, func(sc scanner) error {
		c, err := scanClaim(sc)
		if err == nil {
			c.Calculation = nil
			list.Items = append(list.Items, c)
		}
		return err
	})
	return list, err
}
