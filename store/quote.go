package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/assess"
	"github.com/anbao/anbao/cover"
	"github.com/anbao/anbao/quant"
	"github.com/anbao/anbao/rating"
)

// Quotes (issue #5, item 3). An enterprise asks one or more insurers'
// products for quotes on one or more options (aggregate limit, retention);
// each product × option is a quote, rated at once by the product's published
// version. Lifecycle of a quote:
//
//	draft ─rate─▶ quoted | referred | declined
//	referred ─underwriter─▶ quoted | declined
//	quoted ─enterprise─▶ bind_requested ─underwriter─▶ bound (a policy is issued)
//	quoted, bind_requested past valid_until ─▶ expired (derived on read, persisted by ExpireQuotes)
//	draft, quoted, referred, declined ─edit─▶ draft     (an edit after quoting returns the option to draft)
//	any open status ─▶ withdrawn (by either side)
//
// Binding needs every pre-bind contingency satisfied or waived; exactly one
// of two concurrent binds wins (the row is locked, and a term holds a quote
// at most once).

// Quote statuses.
const (
	QuoteDraft         = "draft"
	QuoteQuoted        = "quoted"
	QuoteReferred      = "referred"
	QuoteDeclined      = "declined"
	QuoteBindRequested = "bind_requested"
	QuoteBound         = "bound"
	QuoteExpired       = "expired"
	QuoteWithdrawn     = "withdrawn"
)

// QuoteStatuses lists the statuses in lifecycle order.
var QuoteStatuses = []string{QuoteDraft, QuoteQuoted, QuoteReferred, QuoteDeclined, QuoteBindRequested, QuoteBound, QuoteExpired, QuoteWithdrawn}

// Limits on a request.
const (
	maxQuoteOptions  = 5
	maxQuoteProducts = 8
	maxInceptionDays = 180 // how far ahead cover may start
)

// Quote is one option on one product.
type Quote struct {
	ID               int64         `json:"id"`
	RequestID        int64         `json:"request_id"`
	EnterpriseID     int64         `json:"enterprise_id"`
	EnterpriseName   string        `json:"enterprise_name"`
	InsurerID        int64         `json:"insurer_id"`
	InsurerName      string        `json:"insurer_name"`
	ProductID        int64         `json:"product_id"`
	ProductName      string        `json:"product_name"`
	ProductVersionID int64         `json:"product_version_id"`
	ProductVersion   int           `json:"product_version"`
	Kind             string        `json:"kind"`                 // standard | park_master
	RenewalOf        int64         `json:"renewal_of,omitempty"` // the policy a renewal quote would renew
	Status           string        `json:"status"`
	Limit            int64         `json:"limit"`
	Retention        int64         `json:"retention"`
	InceptionDate    string        `json:"inception_date"`
	ExpiryDate       string        `json:"expiry_date"` // exclusive: cover ends at 00:00 of this day
	RetroDate        string        `json:"retro_date,omitempty"`
	Premium          int64         `json:"premium"`
	Input            *rating.Input `json:"rating_input,omitempty"`
	// Result is the rating outcome: trail, overrides, terms, reasons.
	Result        *rating.Result  `json:"result,omitempty"`
	Reasons       []rating.Reason `json:"reasons"`
	ValidUntil    string          `json:"valid_until,omitempty"`
	QuotedAt      string          `json:"quoted_at,omitempty"`
	DecidedBy     string          `json:"decided_by,omitempty"`
	DecisionNote  string          `json:"decision_note,omitempty"`
	BindRequested string          `json:"bind_requested_at,omitempty"`
	BoundAt       string          `json:"bound_at,omitempty"`
	PolicyID      int64           `json:"policy_id,omitempty"`
	CreatedAt     string          `json:"created_at"`
	UpdatedAt     string          `json:"updated_at"`
	Version       int             `json:"version"`
	Contingencies []*Contingency  `json:"contingencies,omitempty"`
}

// Contingency is a subjectivity of a quote (and, once bound, of its policy).
type Contingency struct {
	ID         int64  `json:"id"`
	QuoteID    int64  `json:"quote_id"`
	PolicyID   int64  `json:"policy_id,omitempty"`
	Kind       string `json:"kind"`
	TextZH     string `json:"text_zh"`
	TextEN     string `json:"text_en"`
	DueDate    string `json:"due_date"`
	Status     string `json:"status"` // open, satisfied, waived
	Overdue    bool   `json:"overdue"`
	Note       string `json:"note,omitempty"`
	ResolvedBy string `json:"resolved_by,omitempty"`
	ResolvedAt string `json:"resolved_at,omitempty"`
}

// Contingency statuses.
const (
	ContOpen      = "open"
	ContSatisfied = "satisfied"
	ContWaived    = "waived"
)

// QuoteOption is one requested option.
type QuoteOption struct {
	Limit     int64 `json:"limit"`
	Retention int64 `json:"retention"`
}

// QuoteRequestInput is what the enterprise asks for.
type QuoteRequestInput struct {
	Products      []int64       `json:"products"`
	Options       []QuoteOption `json:"options"`
	InceptionDate string        `json:"inception_date"`
	RetroDate     string        `json:"retro_date,omitempty"`
	Note          string        `json:"note,omitempty"`
	// Kind is standard, or park_master for a park (园区保) master policy whose
	// members the insurer adds after binding.
	Kind string `json:"kind,omitempty"`
}

// QuoteRequest is a request with its quotes, the enterprise's side-by-side comparison.
type QuoteRequest struct {
	ID            int64    `json:"id"`
	EnterpriseID  int64    `json:"enterprise_id"`
	RequestedBy   string   `json:"requested_by"`
	InceptionDate string   `json:"inception_date"`
	Note          string   `json:"note,omitempty"`
	CreatedAt     string   `json:"created_at"`
	Quotes        []*Quote `json:"quotes"`
}

// QuoteFilter selects quotes.
type QuoteFilter struct {
	EnterpriseID int64
	InsurerID    int64
	RequestID    int64
	Status       string
	anbao.Page
}

// LossSimulator runs the quantification library for an assessment input and
// returns the simulated annual loss with a dense exceedance curve. The server
// sets it (with its cache); nil leaves the expected loss unknown.
type LossSimulator func(ctx context.Context, in *assess.Input) (*quant.Result, error)

const quoteColumns = `q.id, q.request_id, q.enterprise_id, e.name_zh, q.insurer_id, i.name_zh, q.product_id, p.name_zh,
	q.product_version_id, v.number, q.kind, COALESCE(q.renewal_of, 0), q.status, q.limit_amount, q.retention, q.inception_date, q.expiry_date, q.retro_date, q.premium,
	q.rating_input, q.result, q.reasons, q.valid_until, q.quoted_at, q.decided_by, q.decision_note, q.bind_requested_at, q.bound_at,
	COALESCE(q.policy_id, 0), q.created_at, q.updated_at, q.version`
const quoteFrom = ` FROM quotes q JOIN organisations e ON e.id = q.enterprise_id JOIN organisations i ON i.id = q.insurer_id
	JOIN products p ON p.id = q.product_id JOIN product_versions v ON v.id = q.product_version_id`

func (s *Store) scanQuote(sc scanner) (*Quote, error) {
	var q Quote
	var in, res, reasons string
	if err := sc.Scan(&q.ID, &q.RequestID, &q.EnterpriseID, &q.EnterpriseName, &q.InsurerID, &q.InsurerName, &q.ProductID, &q.ProductName,
		&q.ProductVersionID, &q.ProductVersion, &q.Kind, &q.RenewalOf, &q.Status, &q.Limit, &q.Retention, &q.InceptionDate, &q.ExpiryDate, &q.RetroDate, &q.Premium,
		&in, &res, &reasons, &q.ValidUntil, &q.QuotedAt, &q.DecidedBy, &q.DecisionNote, &q.BindRequested, &q.BoundAt,
		&q.PolicyID, &q.CreatedAt, &q.UpdatedAt, &q.Version); err != nil {
		return nil, err
	}
	if in != "" {
		q.Input = &rating.Input{}
		if err := json.Unmarshal([]byte(in), q.Input); err != nil {
			return nil, err
		}
	}
	if res != "" {
		q.Result = &rating.Result{}
		if err := json.Unmarshal([]byte(res), q.Result); err != nil {
			return nil, err
		}
	}
	q.Reasons = []rating.Reason{}
	if reasons != "" {
		if err := json.Unmarshal([]byte(reasons), &q.Reasons); err != nil {
			return nil, err
		}
	}
	if (q.Status == QuoteQuoted || q.Status == QuoteBindRequested) && q.ValidUntil != "" && q.ValidUntil < s.today() {
		q.Status = QuoteExpired
	}
	return &q, nil
}

// quoteScope restricts a query on quotes (alias q) to those p may read.
func quoteScope(p *anbao.Principal, w *where) {
	switch {
	case p.System || p.OrgKind == anbao.KindOperator:
	case p.OrgKind == anbao.KindEnterprise:
		w.add("q.enterprise_id = ?", p.OrgID)
	case p.OrgKind == anbao.KindInsurer:
		// Its own quotes, and as an intermediary the requests it made.
		w.add("(q.insurer_id = ? OR EXISTS (SELECT 1 FROM quote_requests qr WHERE qr.id = q.request_id AND qr.requested_by_org = ?))",
			p.OrgID, p.OrgID)
	default:
		w.add("1 = 0")
	}
}

// ListQuotes lists the quotes p may read, newest first; the underwriter's
// referral queue is Status referred, oldest first.
func (s *Store) ListQuotes(ctx context.Context, f QuoteFilter) (*ItemList[*Quote], error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActQuoteRead); err != nil {
		return nil, err
	}
	f.Page = f.Page.Normalize()
	var w where
	quoteScope(p, &w)
	if f.EnterpriseID != 0 {
		w.add("q.enterprise_id = ?", f.EnterpriseID)
	}
	if f.InsurerID != 0 {
		w.add("q.insurer_id = ?", f.InsurerID)
	}
	if f.RequestID != 0 {
		w.add("q.request_id = ?", f.RequestID)
	}
	order := " ORDER BY q.id DESC"
	today := s.today()
	switch f.Status {
	case "":
	case QuoteExpired:
		w.add("(q.status = 'expired' OR (q.status IN ('quoted', 'bind_requested') AND q.valid_until < ?))", today)
	case QuoteQuoted, QuoteBindRequested:
		w.add("q.status = ? AND q.valid_until >= ?", f.Status, today)
	case QuoteReferred:
		w.add("q.status = ?", f.Status)
		order = " ORDER BY q.id"
	default:
		if !slices.Contains(QuoteStatuses, f.Status) {
			return nil, anbao.FieldError("status", "uw.quote.status_invalid", f.Status)
		}
		w.add("q.status = ?", f.Status)
	}
	list := &ItemList[*Quote]{Items: []*Quote{}}
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*)"+quoteFrom+w.String(), w.args...).Scan(&list.Total); err != nil {
		return nil, err
	}
	q := "SELECT " + quoteColumns + quoteFrom + w.String() + order + " LIMIT " + w.next(f.Limit) + " OFFSET " + w.next(f.Offset)
	err := eachRow(ctx, s.read, q, w.args, func(sc scanner) error {
		qt, err := s.scanQuote(sc)
		if err == nil {
			list.Items = append(list.Items, qt)
		}
		return err
	})
	return list, err
}

// GetQuote returns one quote with its contingencies.
func (s *Store) GetQuote(ctx context.Context, id int64) (*Quote, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActQuoteRead); err != nil {
		return nil, err
	}
	q, err := s.getQuote(ctx, s.read, p, id, "")
	if err != nil {
		return nil, err
	}
	q.Contingencies, err = s.listContingencies(ctx, s.read, "quote_id = $1", id)
	return q, err
}

func (s *Store) getQuote(ctx context.Context, db queryer, p *anbao.Principal, id int64, lock string) (*Quote, error) {
	var w where
	w.add("q.id = ?", id)
	quoteScope(p, &w)
	if lock != "" {
		lock = " FOR UPDATE OF q"
	}
	q, err := s.scanQuote(db.QueryRowContext(ctx, "SELECT "+quoteColumns+quoteFrom+w.String()+lock, w.args...))
	if isNoRows(err) {
		return nil, anbao.ErrNotFound("quote")
	}
	return q, err
}

func (s *Store) listContingencies(ctx context.Context, db querier, cond string, args ...any) ([]*Contingency, error) {
	out := []*Contingency{}
	today := s.today()
	err := eachRow(ctx, db, `SELECT id, quote_id, COALESCE(policy_id, 0), kind, text_zh, text_en, due_date, status, note, resolved_by, resolved_at
		FROM contingencies WHERE `+cond+` ORDER BY id`, args, func(sc scanner) error {
		var c Contingency
		err := sc.Scan(&c.ID, &c.QuoteID, &c.PolicyID, &c.Kind, &c.TextZH, &c.TextEN, &c.DueDate, &c.Status, &c.Note, &c.ResolvedBy, &c.ResolvedAt)
		c.Overdue = c.Status == ContOpen && c.DueDate < today
		out = append(out, &c)
		return err
	})
	return out, err
}

// GetQuoteRequest returns a request with every quote of it p may see: for the
// enterprise, the side-by-side comparison of its insurers' offers.
func (s *Store) GetQuoteRequest(ctx context.Context, id int64) (*QuoteRequest, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActQuoteRead); err != nil {
		return nil, err
	}
	var r QuoteRequest
	err := s.read.QueryRowContext(ctx, `SELECT id, enterprise_id, requested_by, inception_date, note, created_at FROM quote_requests WHERE id = $1`,
		id).Scan(&r.ID, &r.EnterpriseID, &r.RequestedBy, &r.InceptionDate, &r.Note, &r.CreatedAt)
	if isNoRows(err) {
		return nil, anbao.ErrNotFound("quote_request")
	}
	if err != nil {
		return nil, err
	}
	list, err := s.ListQuotes(ctx, QuoteFilter{RequestID: id, Page: anbao.Page{Limit: anbao.MaxPageLimit}})
	if err != nil {
		return nil, err
	}
	if len(list.Items) == 0 {
		return nil, anbao.ErrNotFound("quote_request")
	}
	r.Quotes = list.Items
	slices.SortStableFunc(r.Quotes, func(a, b *Quote) int {
		if c := cmpInt(a.Limit, b.Limit); c != 0 {
			return c
		}
		return cmpInt(a.ID, b.ID)
	})
	return &r, nil
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// parseDay checks a YYYY-MM-DD date.
func parseDay(field, v string) (time.Time, error) {
	d, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return d, anbao.FieldError(field, "uw.date_format", v)
	}
	return d, nil
}

// RequestQuotes rates every product × option for the principal's enterprise
// and records the request with its quotes. A product the enterprise may not
// quote on (retired, unpublished, another tenant's draft) is not found; an
// option outside a product's range is refused before anything is written.
func (s *Store) RequestQuotes(ctx context.Context, enterpriseID int64, in QuoteRequestInput) (*QuoteRequest, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := s.MayRequestQuotes(ctx, p, enterpriseID); err != nil {
		return nil, err
	}
	if len(in.Products) == 0 || len(in.Products) > maxQuoteProducts {
		return nil, anbao.FieldError("products", "uw.quote.products_count", maxQuoteProducts)
	}
	if len(in.Options) == 0 || len(in.Options) > maxQuoteOptions {
		return nil, anbao.FieldError("options", "uw.quote.options_count", maxQuoteOptions)
	}
	for i, id := range in.Products {
		if slices.Contains(in.Products[:i], id) {
			return nil, anbao.FieldError(fmt.Sprintf("products[%d]", i), "uw.quote.product_twice", id)
		}
	}
	for i, o := range in.Options {
		if slices.Contains(in.Options[:i], o) {
			return nil, anbao.FieldError(fmt.Sprintf("options[%d]", i), "uw.quote.option_twice")
		}
	}
	switch in.Kind {
	case "":
		in.Kind = PolicyStandard
	case PolicyStandard, PolicyParkMaster:
	default:
		return nil, anbao.FieldError("kind", "uw.policy.kind_invalid", in.Kind)
	}
	if err := s.checkInception(in.InceptionDate); err != nil {
		return nil, err
	}
	var err error
	if in.Note, err = trimText("note", in.Note, 0, 1000); err != nil {
		return nil, err
	}
	if in.RetroDate != "" {
		if _, err := parseDay("retro_date", in.RetroDate); err != nil {
			return nil, err
		}
	}
	// Load and check every product before rating anything.
	type target struct {
		prod *Product
		ver  *ProductVersion
	}
	var targets []target
	// Products are seen as the enterprise sees them (the published catalogue),
	// whoever asks for it.
	catalogue := &anbao.Principal{OrgID: enterpriseID, OrgKind: anbao.KindEnterprise}
	for i, id := range in.Products {
		pr, err := s.getProduct(ctx, s.read, catalogue, id, "")
		if err != nil || pr.Status != ProductActive {
			return nil, anbao.FieldError(fmt.Sprintf("products[%d]", i), "uw.quote.product_unavailable", id)
		}
		var vid int64
		if err := s.read.QueryRowContext(ctx, `SELECT id FROM product_versions WHERE product_id = $1 AND number = $2`, id,
			pr.PublishedVersion).Scan(&vid); err != nil {
			return nil, err
		}
		v, err := getVersionByID(ctx, s.read, vid)
		if err != nil {
			return nil, err
		}
		for j, o := range in.Options {
			if fe := v.Definition.Option(o.Limit, o.Retention); fe != nil {
				return nil, coverError(fmt.Sprintf("options[%d]", j), fe)
			}
		}
		terms := cover.Terms{RetroDate: in.RetroDate, Coverages: v.Definition.Coverages}
		if fe := terms.CheckRetro(in.InceptionDate); fe != nil {
			return nil, coverError("", fe)
		}
		targets = append(targets, target{pr, v})
	}
	facts, err := s.ratingFacts(ctx, enterpriseID)
	if err != nil {
		return nil, err
	}
	type rated struct {
		t   target
		opt QuoteOption
		in  rating.Input
		res *rating.Result
	}
	var all []rated
	for _, t := range targets {
		for _, o := range in.Options {
			rin := facts.input(ctx, o)
			res, err := rating.Rate(t.ver.Definition, t.ver.Rating, &rin)
			if err != nil {
				return nil, coverError("", asFieldError(err))
			}
			all = append(all, rated{t, o, rin, res})
		}
	}
	var reqID int64
	err = s.inTx(ctx, func(t *tx) error {
		if err := t.writableEnterpriseFor(enterpriseID); err != nil {
			return err
		}
		now := s.now()
		if err := t.QueryRowContext(ctx, `INSERT INTO quote_requests (enterprise_id, requested_by_org, requested_by, inception_date, note, created_at)
			VALUES ($1,$2,$3,$4,$5,$6) RETURNING id`, enterpriseID, orgOf(p), principalName(p), in.InceptionDate, in.Note, now).Scan(&reqID); err != nil {
			return err
		}
		for _, r := range all {
			if _, err := t.insertQuote(reqID, enterpriseID, r.t.prod, r.t.ver, r.opt, in.Kind, 0, in.InceptionDate, in.RetroDate, &r.in, r.res); err != nil {
				return err
			}
			if err := t.ensureConsent(r.t.prod.InsurerID, enterpriseID); err != nil {
				return err
			}
		}
		return t.audit(auditChange{"quote.request", "quote_request", reqID, enterpriseID, nil, map[string]any{
			"products": in.Products, "options": in.Options, "inception_date": in.InceptionDate, "quotes": len(all)}})
	})
	if err != nil {
		return nil, err
	}
	return s.GetQuoteRequest(ctx, reqID)
}

func orgOf(p *anbao.Principal) int64 {
	if p.System {
		return 1
	}
	return p.OrgID
}

// asFieldError unwraps a rating error into a cover.FieldError.
func asFieldError(err error) *cover.FieldError {
	if fe, ok := err.(*cover.FieldError); ok {
		return fe
	}
	return &cover.FieldError{Field: "rating", Code: "rating.invalid", Args: []any{err.Error()}}
}

// checkInception checks that cover starts between today and maxInceptionDays ahead.
func (s *Store) checkInception(v string) error {
	d, err := parseDay("inception_date", v)
	if err != nil {
		return err
	}
	today, _ := time.Parse(time.DateOnly, s.today())
	if d.Before(today) {
		return anbao.FieldError("inception_date", "uw.quote.inception_past", v)
	}
	if d.After(today.AddDate(0, 0, maxInceptionDays)) {
		return anbao.FieldError("inception_date", "uw.quote.inception_far", v, maxInceptionDays)
	}
	return nil
}

// addMonths returns date + n months (YYYY-MM-DD).
func addMonths(date string, n int) string {
	d, _ := time.Parse(time.DateOnly, date)
	return d.AddDate(0, n, 0).Format(time.DateOnly)
}

// addDays returns date + n days (YYYY-MM-DD).
func addDays(date string, n int) string {
	d, _ := time.Parse(time.DateOnly, date)
	return d.AddDate(0, 0, n).Format(time.DateOnly)
}

func (t *tx) insertQuote(reqID, enterpriseID int64, pr *Product, v *ProductVersion, o QuoteOption, kind string, renewalOf int64,
	inception, retro string, in *rating.Input, res *rating.Result) (int64, error) {
	now := t.s.now()
	today := t.s.today()
	if res.Terms != nil {
		res.Terms.RetroDate = retro
	}
	inJSON, _ := json.Marshal(in)
	resJSON, _ := json.Marshal(res)
	reasons, _ := json.Marshal(res.Reasons)
	status, valid, quotedAt := res.Decision, "", ""
	if status == QuoteQuoted {
		valid, quotedAt = addDays(today, v.Definition.QuoteValidDays), now
	}
	var id int64
	var renewal any
	if renewalOf != 0 {
		renewal = renewalOf
	}
	if err := t.QueryRowContext(t.ctx, `INSERT INTO quotes (request_id, enterprise_id, insurer_id, product_id, product_version_id, kind,
		renewal_of, status, limit_amount, retention, inception_date, expiry_date, retro_date, premium, rating_input, result, reasons,
		valid_until, quoted_at, created_at, updated_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$20) RETURNING id`,
		reqID, enterpriseID, pr.InsurerID, pr.ID, v.ID, kind, renewal, status, o.Limit, o.Retention, inception,
		addMonths(inception, v.Definition.TermMonths), retro, res.Premium, string(inJSON), string(resJSON), string(reasons), valid, quotedAt,
		now).Scan(&id); err != nil {
		return 0, err
	}
	for _, c := range v.Definition.Contingencies {
		due := addDays(today, c.DueDays)
		if c.Kind == cover.PostBind {
			due = addDays(inception, c.DueDays)
		}
		if _, err := t.ExecContext(t.ctx, `INSERT INTO contingencies (quote_id, kind, text_zh, text_en, due_date, status, created_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7)`, id, c.Kind, c.TextZH, c.TextEN, due, ContOpen, now); err != nil {
			return 0, err
		}
	}
	return id, t.audit(auditChange{"quote.rate", "quote", id, enterpriseID, nil, map[string]any{
		"status": status, "premium": res.Premium, "limit": o.Limit, "retention": o.Retention, "product_version_id": v.ID}})
}

// ensureConsent opens the insurer's consent relationship with the enterprise
// (asking for a quote lets the insurer see the enterprise in its directory;
// the assessment itself stays behind the enterprise's separate share, so a
// reopened relationship never carries a share that was revoked).
func (t *tx) ensureConsent(insurer, enterprise int64) error {
	var ended string
	err := t.QueryRowContext(t.ctx, `SELECT ended_at FROM relationships WHERE party_org_id = $1 AND enterprise_id = $2 AND kind = $3`,
		insurer, enterprise, string(RelConsent)).Scan(&ended)
	switch {
	case isNoRows(err):
		_, err = t.ExecContext(t.ctx, `INSERT INTO relationships (party_org_id, enterprise_id, kind, started_at) VALUES ($1,$2,$3,$4)`,
			insurer, enterprise, string(RelConsent), t.s.now())
	case err == nil && ended != "":
		_, err = t.ExecContext(t.ctx, `UPDATE relationships SET started_at = $1, ended_at = '', assessment = FALSE
			WHERE party_org_id = $2 AND enterprise_id = $3 AND kind = $4`,
			t.s.now(), insurer, enterprise, string(RelConsent))
	}
	return err
}

// ratingFacts is what the store knows of an enterprise for rating.
type ratingFacts struct {
	s       *Store
	org     *anbao.Organisation
	grade   string
	score   float64
	gates   []string
	refs    []string
	control []string
	claims  int
	mlps    int
	input   func(ctx context.Context, o QuoteOption) rating.Input
}

// ratingFacts gathers the enterprise's profile, current score and expected
// loss. An enterprise without answers is rated ungraded.
func (s *Store) ratingFacts(ctx context.Context, enterpriseID int64) (*ratingFacts, error) {
	f := &ratingFacts{s: s, control: []string{}}
	var err error
	if f.org, err = s.getOrg(ctx, s.read, anbao.SystemPrincipal("rating"), enterpriseID); err != nil {
		return nil, err
	}
	if f.org.Profile == nil {
		f.org.Profile = &anbao.EnterpriseProfile{}
	}
	inputs, err := s.assessmentInputs(ctx, s.read, []int64{enterpriseID})
	if err != nil {
		return nil, err
	}
	ain := inputs[enterpriseID]
	var sim *quant.Result
	if ain != nil {
		for _, m := range ain.Profile.MLPS {
			f.mlps = max(f.mlps, m.Level)
		}
	}
	if ain != nil && len(ain.Answers) > 0 {
		res, err := assess.Summary(assess.Current().Version, ain)
		if err != nil {
			return nil, err
		}
		res.Referrals = assess.Referrals(ain)
		f.grade, f.score = res.Grade, res.Overall
		for _, g := range res.Gates {
			if !slices.Contains(f.gates, g.Rule) {
				f.gates = append(f.gates, g.Rule)
			}
		}
		for _, r := range res.Referrals {
			f.refs = append(f.refs, r.Question)
		}
		f.control = assess.Controls(ain)
		f.claims, _ = assess.PriorIncidents(ain)
		if s.SimulateLoss != nil {
			// A profile the library cannot take (no revenue yet) gives nil:
			// the quote is rated without an expected loss.
			if sim, err = s.SimulateLoss(ctx, ain); err != nil {
				return nil, err
			}
		}
	}
	f.input = func(ctx context.Context, o QuoteOption) rating.Input {
		in := rating.Input{Industry: f.org.Profile.Industry, Revenue: f.org.Profile.RevenueFen, Employees: f.org.Profile.Employees,
			CII: f.org.Profile.CII, Grade: f.grade, Score: f.score, Gates: f.gates, Referrals: f.refs, Controls: f.control,
			Claims: f.claims, MLPSLevel: f.mlps, ExpectedLoss: -1, Limit: o.Limit, Retention: o.Retention}
		if sim != nil {
			// The simulation is in yuan; the layer is the option's.
			el := sim.LayerMean(float64(o.Retention)/100, float64(o.Limit)/100)
			in.ExpectedLoss = int64(el*100 + 0.5)
		}
		return in
	}
	return f, nil
}
