package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/cover"
	"github.com/anbao/anbao/rating"
)

// Policies (issue #5, item 4). A policy is a number with terms: binding
// issues term 1, a renewal adds the next; each term is split into segments at
// endorsement dates, each segment holding the terms (limits, coverages) in
// force from its start; every premium movement is a transaction. Periods are
// [start, end): cover ends at 00:00 of the end date.

// Policy kinds and sources.
const (
	PolicyStandard   = "standard"
	PolicyParkMaster = "park_master" // 园区保: members hold certificates under it

	SourceAnbao    = "anbao"    // bound on Anbao
	SourceDeclared = "declared" // issued in the insurer's core system and declared
)

// Policy statuses. Expired is derived (an active policy past its expiry).
const (
	PolicyActive    = "active"
	PolicyCancelled = "cancelled"
	PolicyExpired   = "expired"
)

// Policy is a policy with its current term's figures.
type Policy struct {
	ID             int64             `json:"id"`
	Number         string            `json:"number"`
	InsurerID      int64             `json:"insurer_id"`
	InsurerName    string            `json:"insurer_name"`
	EnterpriseID   int64             `json:"enterprise_id"`
	EnterpriseName string            `json:"enterprise_name"`
	ProductID      int64             `json:"product_id"`
	ProductName    string            `json:"product_name"`
	Kind           string            `json:"kind"`
	Source         string            `json:"source"`
	ExternalRef    string            `json:"external_ref,omitempty"`
	Status         string            `json:"status"`
	ProductType    cover.ProductType `json:"product_type"`
	Jurisdiction   string            `json:"jurisdiction"`
	Industry       string            `json:"industry"`
	Size           string            `json:"size"`
	CurrentTerm    int               `json:"current_term"`
	InceptionDate  string            `json:"inception_date"`
	ExpiryDate     string            `json:"expiry_date"`
	Premium        int64             `json:"premium"`
	SumInsured     int64             `json:"sum_insured"`
	AutoRenew      bool              `json:"auto_renew"`
	CreatedAt      string            `json:"created_at"`
	UpdatedAt      string            `json:"updated_at"`
	Version        int               `json:"version"`

	// Filled by GetPolicy.
	Terms         *cover.Terms          `json:"terms,omitempty"` // in force today (or at the term's start)
	PolicyTerms   []*PolicyTerm         `json:"policy_terms,omitempty"`
	Segments      []*Segment            `json:"segments,omitempty"`
	Transactions  []*PolicyTransaction  `json:"transactions,omitempty"`
	Contingencies []*Contingency        `json:"contingencies,omitempty"`
	Members       []*PolicyMember       `json:"members,omitempty"`
	Subsidies     []*Subsidy            `json:"subsidies,omitempty"`
	Notices       []*RiskNotice         `json:"notices,omitempty"`
	Product       *ProductVersionHeader `json:"product,omitempty"`
}

// ProductVersionHeader names the product version a term was sold on.
type ProductVersionHeader struct {
	ID             int64  `json:"id"`
	Number         int    `json:"number"`
	RegistrationNo string `json:"registration_no"`
}

// PolicyTerm is one policy year (or other period).
type PolicyTerm struct {
	ID               int64  `json:"id"`
	TermNo           int    `json:"term_no"`
	ProductVersionID int64  `json:"product_version_id"`
	QuoteID          int64  `json:"quote_id,omitempty"`
	Status           string `json:"status"`
	StartDate        string `json:"start_date"`
	EndDate          string `json:"end_date"`
	AnnualPremium    int64  `json:"annual_premium"`
	WrittenPremium   int64  `json:"written_premium"`
	SumInsured       int64  `json:"sum_insured"`
	RetroDate        string `json:"retro_date,omitempty"`
	CancelledDate    string `json:"cancelled_date,omitempty"`
	CancelMethod     string `json:"cancel_method,omitempty"`
	CancelReason     string `json:"cancel_reason,omitempty"`
	// RatingInput is the rating snapshot the term was priced on (renewal deltas compare it).
	RatingInput *rating.Input `json:"rating_input,omitempty"`
}

// Segment is a stretch of a term with constant terms.
type Segment struct {
	ID            int64        `json:"id"`
	TermNo        int          `json:"term_no"`
	Seq           int          `json:"seq"`
	StartDate     string       `json:"start_date"`
	EndDate       string       `json:"end_date"`
	AnnualPremium int64        `json:"annual_premium"`
	Terms         *cover.Terms `json:"terms"`
}

// PolicyTransaction is one premium movement.
type PolicyTransaction struct {
	ID            int64           `json:"id"`
	TermNo        int             `json:"term_no"`
	Kind          string          `json:"kind"`
	EffectiveDate string          `json:"effective_date"`
	Amount        int64           `json:"amount"`
	Method        string          `json:"method,omitempty"`
	ReasonCode    string          `json:"reason_code,omitempty"`
	Note          string          `json:"note,omitempty"`
	Details       json.RawMessage `json:"details,omitempty"`
	CreatedBy     string          `json:"created_by"`
	CreatedAt     string          `json:"created_at"`
}

// Transaction kinds.
const (
	TxnNewBusiness   = "new_business"
	TxnEndorsement   = "endorsement"
	TxnCancellation  = "cancellation"
	TxnReinstatement = "reinstatement"
	TxnRenewal       = "renewal"
)

// PolicyMember is an enterprise covered under a park master policy.
type PolicyMember struct {
	ID             int64  `json:"id"`
	PolicyID       int64  `json:"policy_id"`
	EnterpriseID   int64  `json:"enterprise_id"`
	EnterpriseName string `json:"enterprise_name"`
	CertificateNo  string `json:"certificate_no"`
	Limit          int64  `json:"limit"`
	Premium        int64  `json:"premium"`
	JoinedDate     string `json:"joined_date"`
	LeftDate       string `json:"left_date,omitempty"`
}

// Subsidy is a premium subsidy granted under a local policy.
type Subsidy struct {
	ID           int64  `json:"id"`
	PolicyID     int64  `json:"policy_id"`
	TermNo       int    `json:"term_no"`
	Jurisdiction string `json:"jurisdiction"`
	Grantor      string `json:"grantor"`
	LocalPolicy  string `json:"local_policy"`
	Amount       int64  `json:"amount"`
	CreatedBy    string `json:"created_by"`
	CreatedAt    string `json:"created_at"`
}

// RiskNotice is the insured's notice of a significant increase in risk.
type RiskNotice struct {
	ID             int64  `json:"id"`
	PolicyID       int64  `json:"policy_id"`
	PolicyNumber   string `json:"policy_number,omitempty"`
	EnterpriseID   int64  `json:"enterprise_id"`
	InsurerID      int64  `json:"insurer_id"`
	Kind           string `json:"kind"`
	Detail         string `json:"detail"`
	RaisedBy       string `json:"raised_by"`
	RaisedAt       string `json:"raised_at"`
	AcknowledgedBy string `json:"acknowledged_by,omitempty"`
	AcknowledgedAt string `json:"acknowledged_at,omitempty"`
	Response       string `json:"response,omitempty"`
}

// PolicyFilter selects policies.
type PolicyFilter struct {
	InsurerID    int64
	EnterpriseID int64
	ProductID    int64
	Status       string
	Source       string
	Kind         string
	Jurisdiction string
	Query        string // number or external reference prefix, or enterprise name
	anbao.Page
}

const policyColumns = `pol.id, pol.number, pol.insurer_id, i.name_zh, pol.enterprise_id, e.name_zh, pol.product_id, p.name_zh, pol.kind,
	pol.source, pol.external_ref, pol.status, pol.product_type, pol.jurisdiction, pol.industry, pol.size, pol.current_term,
	pol.inception_date, pol.expiry_date, pol.premium, pol.sum_insured, pol.auto_renew, pol.created_at, pol.updated_at, pol.version`
const policyFrom = ` FROM policies pol JOIN organisations i ON i.id = pol.insurer_id JOIN organisations e ON e.id = pol.enterprise_id
	JOIN products p ON p.id = pol.product_id`

func (s *Store) scanPolicy(sc scanner) (*Policy, error) {
	var p Policy
	if err := sc.Scan(&p.ID, &p.Number, &p.InsurerID, &p.InsurerName, &p.EnterpriseID, &p.EnterpriseName, &p.ProductID, &p.ProductName,
		&p.Kind, &p.Source, &p.ExternalRef, &p.Status, &p.ProductType, &p.Jurisdiction, &p.Industry, &p.Size, &p.CurrentTerm,
		&p.InceptionDate, &p.ExpiryDate, &p.Premium, &p.SumInsured, &p.AutoRenew, &p.CreatedAt, &p.UpdatedAt, &p.Version); err != nil {
		return nil, err
	}
	if p.Status == PolicyActive && p.ExpiryDate <= s.today() {
		p.Status = PolicyExpired
	}
	return &p, nil
}

// policyScope restricts a query on policies (alias pol) to those p may read:
// the insurer its own, the enterprise its own and the park policies it is a
// member of, a local regulator its jurisdiction's, national bodies and the
// operator all.
func policyScope(p *anbao.Principal, w *where) {
	switch {
	case p.System || p.OrgKind == anbao.KindOperator:
	case p.OrgKind == anbao.KindInsurer:
		w.add("pol.insurer_id = ?", p.OrgID)
	case p.OrgKind == anbao.KindEnterprise:
		w.add("(pol.enterprise_id = ? OR EXISTS (SELECT 1 FROM policy_members m WHERE m.policy_id = pol.id AND m.enterprise_id = ?))",
			p.OrgID, p.OrgID)
	case p.OrgKind == anbao.KindRegulator:
		if p.Jurisdiction != "" {
			w.add("pol.jurisdiction = ?", p.Jurisdiction)
		}
	default:
		w.add("1 = 0")
	}
}

// ListPolicies lists the policies p may read, newest first.
func (s *Store) ListPolicies(ctx context.Context, f PolicyFilter) (*ItemList[*Policy], error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActPolicyRead); err != nil {
		return nil, err
	}
	f.Page = f.Page.Normalize()
	var w where
	policyScope(p, &w)
	if f.InsurerID != 0 {
		w.add("pol.insurer_id = ?", f.InsurerID)
	}
	if f.EnterpriseID != 0 {
		w.add("pol.enterprise_id = ?", f.EnterpriseID)
	}
	if f.ProductID != 0 {
		w.add("pol.product_id = ?", f.ProductID)
	}
	if f.Jurisdiction != "" {
		w.add("pol.jurisdiction = ?", f.Jurisdiction)
	}
	today := s.today()
	switch f.Status {
	case "":
	case PolicyActive:
		w.add("pol.status = 'active' AND pol.expiry_date > ?", today)
	case PolicyExpired:
		w.add("pol.status = 'active' AND pol.expiry_date <= ?", today)
	case PolicyCancelled:
		w.add("pol.status = 'cancelled'")
	default:
		return nil, anbao.FieldError("status", "uw.policy.status_invalid", f.Status)
	}
	switch f.Source {
	case "":
	case SourceAnbao, SourceDeclared:
		w.add("pol.source = ?", f.Source)
	default:
		return nil, anbao.FieldError("source", "uw.policy.source_invalid", f.Source)
	}
	switch f.Kind {
	case "":
	case PolicyStandard, PolicyParkMaster:
		w.add("pol.kind = ?", f.Kind)
	default:
		return nil, anbao.FieldError("kind", "uw.policy.kind_invalid", f.Kind)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		w.add("(pol.number LIKE ? OR pol.external_ref LIKE ? OR e.name_zh LIKE ?)", q+"%", q+"%", "%"+q+"%")
	}
	list := &ItemList[*Policy]{Items: []*Policy{}}
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*)"+policyFrom+w.String(), w.args...).Scan(&list.Total); err != nil {
		return nil, err
	}
	q := "SELECT " + policyColumns + policyFrom + w.String() + " ORDER BY pol.id DESC LIMIT " + w.next(f.Limit) + " OFFSET " + w.next(f.Offset)
	err := eachRow(ctx, s.read, q, w.args, func(sc scanner) error {
		pol, err := s.scanPolicy(sc)
		if err == nil {
			redactPolicy(p, pol)
			list.Items = append(list.Items, pol)
		}
		return err
	})
	return list, err
}

func (s *Store) getPolicy(ctx context.Context, db queryer, p *anbao.Principal, id int64, lock string) (*Policy, error) {
	var w where
	w.add("pol.id = ?", id)
	policyScope(p, &w)
	if lock != "" {
		lock = " FOR UPDATE OF pol"
	}
	pol, err := s.scanPolicy(db.QueryRowContext(ctx, "SELECT "+policyColumns+policyFrom+w.String()+lock, w.args...))
	if isNoRows(err) {
		return nil, anbao.ErrNotFound("policy")
	}
	return pol, err
}

// GetPolicy returns a policy with its terms, segments, transactions,
// contingencies, members, subsidies and notices. A park member sees the
// master policy with its own membership only.
func (s *Store) GetPolicy(ctx context.Context, id int64) (*Policy, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActPolicyRead); err != nil {
		return nil, err
	}
	pol, err := s.getPolicy(ctx, s.read, p, id, "")
	if err != nil {
		return nil, err
	}
	return pol, s.fillPolicy(ctx, p, pol)
}

func (s *Store) fillPolicy(ctx context.Context, p *anbao.Principal, pol *Policy) error {
	id := pol.ID
	pol.PolicyTerms = []*PolicyTerm{}
	err := eachRow(ctx, s.read, `SELECT id, term_no, product_version_id, COALESCE(quote_id, 0), status, start_date, end_date, annual_premium,
		written_premium, sum_insured, retro_date, rating_input, cancelled_date, cancel_method, cancel_reason
		FROM policy_terms WHERE policy_id = $1 ORDER BY term_no`, []any{id}, func(sc scanner) error {
		var t PolicyTerm
		var in string
		if err := sc.Scan(&t.ID, &t.TermNo, &t.ProductVersionID, &t.QuoteID, &t.Status, &t.StartDate, &t.EndDate, &t.AnnualPremium,
			&t.WrittenPremium, &t.SumInsured, &t.RetroDate, &in, &t.CancelledDate, &t.CancelMethod, &t.CancelReason); err != nil {
			return err
		}
		if in != "" {
			t.RatingInput = &rating.Input{}
			if err := json.Unmarshal([]byte(in), t.RatingInput); err != nil {
				return err
			}
		}
		pol.PolicyTerms = append(pol.PolicyTerms, &t)
		return nil
	})
	if err != nil {
		return err
	}
	if pol.Segments, err = s.listSegments(ctx, s.read, id); err != nil {
		return err
	}
	pol.Terms = termsAt(pol.Segments, s.today(), pol.CurrentTerm)
	for _, t := range pol.PolicyTerms {
		if t.TermNo == pol.CurrentTerm {
			pol.Product = &ProductVersionHeader{ID: t.ProductVersionID}
			if err := s.read.QueryRowContext(ctx, `SELECT number, registration_no FROM product_versions WHERE id = $1`, t.ProductVersionID).Scan(
				&pol.Product.Number, &pol.Product.RegistrationNo); err != nil {
				return err
			}
		}
	}
	pol.Transactions = []*PolicyTransaction{}
	err = eachRow(ctx, s.read, `SELECT x.id, t.term_no, x.kind, x.effective_date, x.amount, x.method, x.reason_code, x.note, x.details,
		x.created_by, x.created_at FROM policy_transactions x JOIN policy_terms t ON t.id = x.term_id WHERE x.policy_id = $1 ORDER BY x.id`,
		[]any{id}, func(sc scanner) error {
			var x PolicyTransaction
			var det string
			if err := sc.Scan(&x.ID, &x.TermNo, &x.Kind, &x.EffectiveDate, &x.Amount, &x.Method, &x.ReasonCode, &x.Note, &det, &x.CreatedBy, &x.CreatedAt); err != nil {
				return err
			}
			if det != "" {
				x.Details = json.RawMessage(det)
			}
			pol.Transactions = append(pol.Transactions, &x)
			return nil
		})
	if err != nil {
		return err
	}
	if pol.Contingencies, err = s.listContingencies(ctx, s.read, "policy_id = $1", id); err != nil {
		return err
	}
	memberCond, args := "m.policy_id = $1", []any{id}
	if p.OrgKind == anbao.KindEnterprise && !p.System && pol.EnterpriseID != p.OrgID {
		memberCond, args = "m.policy_id = $1 AND m.enterprise_id = $2", []any{id, p.OrgID}
	}
	pol.Members = []*PolicyMember{}
	err = eachRow(ctx, s.read, `SELECT m.id, m.policy_id, m.enterprise_id, o.name_zh, m.certificate_no, m.limit_amount, m.premium, m.joined_date,
		m.left_date FROM policy_members m JOIN organisations o ON o.id = m.enterprise_id WHERE `+memberCond+` ORDER BY m.id`, args,
		func(sc scanner) error {
			var m PolicyMember
			err := sc.Scan(&m.ID, &m.PolicyID, &m.EnterpriseID, &m.EnterpriseName, &m.CertificateNo, &m.Limit, &m.Premium, &m.JoinedDate, &m.LeftDate)
			pol.Members = append(pol.Members, &m)
			return err
		})
	if err != nil {
		return err
	}
	pol.Subsidies = []*Subsidy{}
	err = eachRow(ctx, s.read, `SELECT id, policy_id, term_no, jurisdiction, grantor, local_policy, amount, created_by, created_at
		FROM policy_subsidies WHERE policy_id = $1 ORDER BY id`, []any{id}, func(sc scanner) error {
		var x Subsidy
		err := sc.Scan(&x.ID, &x.PolicyID, &x.TermNo, &x.Jurisdiction, &x.Grantor, &x.LocalPolicy, &x.Amount, &x.CreatedBy, &x.CreatedAt)
		pol.Subsidies = append(pol.Subsidies, &x)
		return err
	})
	if err != nil {
		return err
	}
	if pol.Notices, err = s.listNotices(ctx, "n.policy_id = $1", id); err != nil {
		return err
	}
	redactPolicy(p, pol)
	return nil
}

// redactPolicy removes from a policy what p may read the policy without
// seeing. A park member sees the cover it holds a certificate under, not the
// holder's premium, transactions, subsidies, notices, quote or rating facts.
// The rating facts (grade, score, gates, controls: the enterprise's
// assessment) are for those who may read its assessment — the insured, the
// insurer's assessment readers, the operator's — not for regulators, who see
// aggregates, nor for claims handlers.
func redactPolicy(p *anbao.Principal, pol *Policy) {
	if p.OrgKind == anbao.KindEnterprise && !p.System && pol.EnterpriseID != p.OrgID {
		pol.Premium = 0
		pol.Transactions, pol.Subsidies, pol.Notices, pol.Contingencies = nil, nil, nil, nil
		for _, t := range pol.PolicyTerms {
			t.RatingInput, t.AnnualPremium, t.WrittenPremium, t.QuoteID = nil, 0, 0, 0
		}
		for _, g := range pol.Segments {
			g.AnnualPremium = 0
		}
	}
	facts := p.System || (anbao.Can(p, anbao.ActAssessmentRead) &&
		(p.OrgKind == anbao.KindOperator || p.OrgID == pol.InsurerID || p.OrgID == pol.EnterpriseID))
	if facts {
		return
	}
	for _, t := range pol.PolicyTerms {
		t.RatingInput = nil
	}
	for _, x := range pol.Transactions {
		if len(x.Details) == 0 {
			continue
		}
		var d map[string]json.RawMessage
		if json.Unmarshal(x.Details, &d) != nil {
			x.Details = nil
			continue
		}
		delete(d, "rating")
		delete(d, "delta")
		x.Details, _ = json.Marshal(d)
	}
}

func (s *Store) listNotices(ctx context.Context, cond string, args ...any) ([]*RiskNotice, error) {
	out := []*RiskNotice{}
	err := eachRow(ctx, s.read, `SELECT n.id, n.policy_id, pol.number, n.enterprise_id, n.insurer_id, n.kind, n.detail, n.raised_by, n.raised_at,
		n.acknowledged_by, n.acknowledged_at, n.response FROM risk_notices n JOIN policies pol ON pol.id = n.policy_id WHERE `+cond+` ORDER BY n.id`,
		args, func(sc scanner) error {
			var n RiskNotice
			err := sc.Scan(&n.ID, &n.PolicyID, &n.PolicyNumber, &n.EnterpriseID, &n.InsurerID, &n.Kind, &n.Detail, &n.RaisedBy, &n.RaisedAt,
				&n.AcknowledgedBy, &n.AcknowledgedAt, &n.Response)
			out = append(out, &n)
			return err
		})
	return out, err
}

func (s *Store) listSegments(ctx context.Context, db querier, policyID int64) ([]*Segment, error) {
	out := []*Segment{}
	err := eachRow(ctx, db, `SELECT g.id, t.term_no, g.seq, g.start_date, g.end_date, g.annual_premium, g.terms
		FROM policy_segments g JOIN policy_terms t ON t.id = g.term_id WHERE g.policy_id = $1 ORDER BY t.term_no, g.seq`,
		[]any{policyID}, func(sc scanner) error {
			var g Segment
			var terms string
			if err := sc.Scan(&g.ID, &g.TermNo, &g.Seq, &g.StartDate, &g.EndDate, &g.AnnualPremium, &terms); err != nil {
				return err
			}
			g.Terms = &cover.Terms{}
			if err := json.Unmarshal([]byte(terms), g.Terms); err != nil {
				return err
			}
			out = append(out, &g)
			return nil
		})
	return out, err
}

// termsAt returns the terms in force on day in term termNo: the segment
// covering day, else the term's first (before inception) or last segment.
func termsAt(segs []*Segment, day string, termNo int) *cover.Terms {
	var first, last *Segment
	for _, g := range segs {
		if g.TermNo != termNo {
			continue
		}
		if first == nil {
			first = g
		}
		last = g
		if g.StartDate <= day && day < g.EndDate {
			return g.Terms
		}
	}
	if first != nil && day < first.StartDate {
		return first.Terms
	}
	if last != nil {
		return last.Terms
	}
	return nil
}

// policyNumber makes a policy's number from its year, insurer and id:
// AB + year + insurer (3 digits) + id (8 digits), unique because the id is.
func policyNumber(inception string, insurer, id int64) string {
	return fmt.Sprintf("AB%s%03d%08d", inception[:4], insurer%1000, id)
}

// issuePolicy issues the policy of a quote being bound: term 1, one segment,
// the new-business transaction.
func (t *tx) issuePolicy(q *Quote) (int64, error) {
	ctx := t.ctx
	if q.Result == nil || q.Result.Terms == nil {
		return 0, anbao.Errorf(anbao.ECONFLICT, "uw.quote.state", q.Status)
	}
	v, err := getVersionByID(ctx, t, q.ProductVersionID)
	if err != nil {
		return 0, err
	}
	if err := t.checkOverlap(q.EnterpriseID, q.InsurerID, q.ProductID, q.InceptionDate, q.ExpiryDate, 0); err != nil {
		return 0, err
	}
	terms := q.Result.Terms
	terms.RetroDate = q.RetroDate
	var juris, industry, size string
	if err := t.QueryRowContext(ctx, `SELECT jurisdiction, industry, size FROM organisations WHERE id = $1`, q.EnterpriseID).Scan(
		&juris, &industry, &size); err != nil {
		return 0, err
	}
	in := PolicyIssue{Kind: q.Kind, Source: SourceAnbao, InsurerID: q.InsurerID, EnterpriseID: q.EnterpriseID, ProductID: q.ProductID,
		ProductVersionID: v.ID, ProductType: v.Definition.Type, Jurisdiction: juris, Industry: industry, Size: size,
		Inception: q.InceptionDate, Expiry: q.ExpiryDate, Premium: q.Premium, Terms: terms, QuoteID: q.ID, RatingInput: q.Input}
	return t.insertPolicy(&in)
}

// PolicyIssue is everything a new policy row needs.
type PolicyIssue struct {
	Kind, Source, ExternalRef    string
	InsurerID, EnterpriseID      int64
	ProductID, ProductVersionID  int64
	ProductType                  cover.ProductType
	Jurisdiction, Industry, Size string
	Inception, Expiry            string
	Premium                      int64
	Terms                        *cover.Terms
	QuoteID                      int64
	RatingInput                  *rating.Input
	Number                       string // "" = Anbao's own numbering
	Details                      any    // the new-business transaction's details
	CreatedAt                    string // "" = now
}

// insertPolicy writes a policy, its first term and segment and the
// new-business transaction, and audits it.
func (t *tx) insertPolicy(in *PolicyIssue) (int64, error) {
	ctx := t.ctx
	now := in.CreatedAt
	if now == "" {
		now = t.s.now()
	}
	who := principalName(anbao.PrincipalFrom(ctx))
	sum := in.Terms.SumInsured()
	number := in.Number
	if number == "" {
		number = "pending:" + fmt.Sprint(in.InsurerID, ":", in.QuoteID, ":", now, ":", in.ExternalRef)
	}
	var id int64
	err := t.QueryRowContext(ctx, `INSERT INTO policies (number, insurer_id, enterprise_id, product_id, kind, source, external_ref, status,
		product_type, jurisdiction, industry, size, current_term, inception_date, expiry_date, premium, sum_insured, created_at, updated_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,1,$13,$14,$15,$16,$17,$17) RETURNING id`,
		number, in.InsurerID, in.EnterpriseID, in.ProductID, in.Kind, in.Source, in.ExternalRef, PolicyActive, string(in.ProductType),
		in.Jurisdiction, in.Industry, in.Size, in.Inception, in.Expiry, in.Premium, sum, now).Scan(&id)
	if isUniqueViolation(err) {
		return 0, anbao.FieldError("external_ref", "uw.policy.external_exists", in.ExternalRef)
	}
	if err != nil {
		return 0, err
	}
	if in.Number == "" {
		number = policyNumber(in.Inception, in.InsurerID, id)
		if _, err := t.ExecContext(ctx, `UPDATE policies SET number = $1 WHERE id = $2`, number, id); err != nil {
			return 0, err
		}
	}
	var ratingIn string
	if in.RatingInput != nil {
		b, _ := json.Marshal(in.RatingInput)
		ratingIn = string(b)
	}
	var quoteID any
	if in.QuoteID != 0 {
		quoteID = in.QuoteID
	}
	var termID int64
	err = t.QueryRowContext(ctx, `INSERT INTO policy_terms (policy_id, term_no, product_version_id, quote_id, status, start_date, end_date,
		annual_premium, written_premium, sum_insured, retro_date, rating_input, created_at) VALUES ($1,1,$2,$3,$4,$5,$6,$7,$7,$8,$9,$10,$11)
		RETURNING id`, id, in.ProductVersionID, quoteID, PolicyActive, in.Inception, in.Expiry, in.Premium, sum, in.Terms.RetroDate,
		ratingIn, now).Scan(&termID)
	if isUniqueViolation(err) {
		return 0, anbao.Errorf(anbao.ECONFLICT, "uw.quote.state", QuoteBound)
	}
	if err != nil {
		return 0, err
	}
	if err := t.insertSegment(termID, id, 1, in.Inception, in.Expiry, in.Premium, in.Terms, now); err != nil {
		return 0, err
	}
	if err := t.insertTxn(id, termID, TxnNewBusiness, in.Inception, in.Premium, "", "", "", in.Details, who, now); err != nil {
		return 0, err
	}
	return id, t.audit(auditChange{"policy.issue", "policy", id, in.EnterpriseID, nil, map[string]any{
		"number": number, "insurer_id": in.InsurerID, "source": in.Source, "external_ref": in.ExternalRef, "quote_id": in.QuoteID,
		"inception_date": in.Inception, "expiry_date": in.Expiry, "premium": in.Premium, "sum_insured": sum}})
}

func (t *tx) insertSegment(termID, policyID int64, seq int, start, end string, annual int64, terms *cover.Terms, now string) error {
	b, err := json.Marshal(terms)
	if err != nil {
		return err
	}
	_, err = t.ExecContext(t.ctx, `INSERT INTO policy_segments (term_id, policy_id, seq, start_date, end_date, terms, annual_premium, created_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`, termID, policyID, seq, start, end, string(b), annual, now)
	return err
}

func (t *tx) insertTxn(policyID, termID int64, kind, effective string, amount int64, method, reason, note string, details any, who, now string) error {
	var det string
	if details != nil {
		b, err := json.Marshal(details)
		if err != nil {
			return err
		}
		det = string(b)
	}
	_, err := t.ExecContext(t.ctx, `INSERT INTO policy_transactions (policy_id, term_id, kind, effective_date, amount, method, reason_code, note,
		details, created_by, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)`, policyID, termID, kind, effective, amount, method, reason,
		note, det, who, now)
	return err
}

// checkOverlap refuses a second live policy of the same insurer and product
// for the same enterprise over an overlapping period (except policy except).
func (t *tx) checkOverlap(enterprise, insurer, product int64, start, end string, except int64) error {
	var number string
	err := t.QueryRowContext(t.ctx, `SELECT pol.number FROM policies pol JOIN policy_terms pt ON pt.policy_id = pol.id
		WHERE pol.enterprise_id = $1 AND pol.insurer_id = $2 AND pol.product_id = $3 AND pol.id <> $4 AND pt.status = 'active'
		AND pt.start_date < $5 AND $6 < pt.end_date LIMIT 1`, enterprise, insurer, product, except, end, start).Scan(&number)
	if isNoRows(err) {
		return nil
	}
	if err != nil {
		return err
	}
	return anbao.Errorf(anbao.ECONFLICT, "uw.policy.overlap", number)
}
