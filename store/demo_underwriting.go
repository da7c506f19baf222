package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/cover"
	"github.com/anbao/anbao/demo"
	"github.com/anbao/anbao/rating"
)

// LoadDemoUnderwriting adds the demo underwriting (demo.GenerateUnderwriting)
// to a loaded demo pilot: the insurers' clause libraries and products, the
// quote requests and quotes, the policy book with its terms, segments,
// transactions, contingencies, park members, subsidies and risk notices, and
// the insurers' consent relationships that quoting and issuing open. One
// transaction, one audit entry.
//
// The rows are written in bulk with ids chosen here (after the tables'
// highest), so that quotes, policies and terms can point at each other
// without a round trip per row; on PostgreSQL the identity sequences are
// moved past them afterwards. Policy numbers are the store's own
// (policyNumber), declared policies keeping their external reference.
func (s *Store) LoadDemoUnderwriting(ctx context.Context, pilot *demo.Pilot, u *demo.Underwriting) error {
	p := anbao.PrincipalFrom(ctx)
	if p == nil || !p.System {
		return anbao.Errorf(anbao.EFORBIDDEN, "error.forbidden")
	}
	if err := checkDemoUnderwriting(u); err != nil {
		return err
	}
	err := s.inTx(ctx, func(t *tx) error {
		orgs := map[string]int64{}
		err := eachRow(ctx, t, "SELECT id, uscc FROM organisations", nil, func(sc scanner) error {
			var id int64
			var code string
			if err := sc.Scan(&id, &code); err != nil {
				return err
			}
			orgs[code] = id
			return nil
		})
		if err != nil {
			return err
		}
		ref := func(r int) int64 {
			if r < 0 || r >= len(pilot.Orgs) {
				return 0
			}
			return orgs[pilot.Orgs[r].USCC]
		}
		var products int
		if err := t.QueryRowContext(ctx, "SELECT COUNT(*) FROM products").Scan(&products); err != nil {
			return err
		}
		if products > 0 {
			return anbao.Errorf(anbao.ECONFLICT, "demo.not_empty")
		}
		l := &uwLoader{t: t, ref: ref, u: u, pilot: pilot}
		for _, table := range []string{"products", "product_versions", "quote_requests", "quotes", "policies", "policy_terms"} {
			var last int64
			if err := t.QueryRowContext(ctx, "SELECT COALESCE(MAX(id), 0) FROM "+table).Scan(&last); err != nil {
				return err
			}
			l.base = append(l.base, last)
		}
		if err := l.load(); err != nil {
			return err
		}
		if s.engine == Postgres {
			for _, table := range []string{"products", "product_versions", "quote_requests", "quotes", "policies", "policy_terms"} {
				if _, err := t.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('`+table+`', 'id'), (SELECT MAX(id) FROM `+table+`))`); err != nil {
					return fmt.Errorf("demo underwriting: sequence of %s: %w", table, err)
				}
			}
		}
		n, premium, sum := u.Totals()
		return t.audit(auditChange{"demo.underwriting", "platform", "demo", 0, nil, map[string]any{
			"products": len(u.Products), "quote_requests": len(u.Requests), "quotes": l.quotes, "policies": n,
			"premium": premium, "sum_insured": sum, "consents": l.consents}})
	})
	if err != nil {
		return err
	}
	// The underwriting tables went from empty to full: plan with fresh
	// statistics (on PostgreSQL of these tables only; the rest are unchanged).
	if s.engine == Postgres {
		_, err = s.write.ExecContext(ctx, "ANALYZE "+strings.Join(uwTables, ", "))
		return err
	}
	return s.Optimize(ctx)
}

// uwTables are the tables LoadDemoUnderwriting fills.
var uwTables = []string{"clauses", "products", "product_versions", "quote_requests", "quotes", "contingencies", "policies",
	"policy_terms", "policy_segments", "policy_transactions", "policy_members", "policy_subsidies", "risk_notices", "relationships"}

// checkDemoUnderwriting checks what the generator promises before anything
// is written: every product version valid, every term's premium the sum of
// its transactions and its segments tiling it.
func checkDemoUnderwriting(u *demo.Underwriting) error {
	for _, pr := range u.Products {
		for _, v := range pr.Versions {
			if fe := cover.RegistrationNumber(v.RegistrationNo); fe != nil {
				return fmt.Errorf("demo product %s: %v", pr.Code, fe)
			}
			if errs := v.Definition.Validate(); len(errs) > 0 {
				return fmt.Errorf("demo product %s v%d: %v", pr.Code, v.Number, errs[0])
			}
			if errs := v.Rating.Validate(); len(errs) > 0 {
				return fmt.Errorf("demo product %s v%d: %v", pr.Code, v.Number, errs[0])
			}
		}
	}
	for i := range u.Policies {
		pol := &u.Policies[i]
		for k, t := range pol.Terms {
			var sum int64
			for _, x := range t.Transactions {
				sum += x.Amount
			}
			if sum != t.WrittenPremium {
				return fmt.Errorf("demo policy %d term %d: transactions sum to %d, written premium %d", i, k+1, sum, t.WrittenPremium)
			}
			if len(t.Segments) == 0 || t.Segments[0].Start != t.Start || t.Segments[len(t.Segments)-1].End != t.End {
				return fmt.Errorf("demo policy %d term %d: segments do not cover the term", i, k+1)
			}
			for j := 1; j < len(t.Segments); j++ {
				if t.Segments[j].Start != t.Segments[j-1].End {
					return fmt.Errorf("demo policy %d term %d: segments do not tile the term", i, k+1)
				}
			}
			if last := t.Segments[len(t.Segments)-1]; last.Terms.SumInsured() != t.SumInsured {
				return fmt.Errorf("demo policy %d term %d: sum insured %d, segment %d", i, k+1, t.SumInsured, last.Terms.SumInsured())
			}
		}
	}
	return nil
}

// uwLoader writes the demo underwriting in one transaction.
type uwLoader struct {
	t     *tx
	ref   func(int) int64
	u     *demo.Underwriting
	pilot *demo.Pilot
	// base holds the highest id of products, product_versions, quote_requests,
	// quotes, policies and policy_terms before the load.
	base             []int64
	productIDs       []int64
	versionIDs       [][]int64
	providers        [][][]int64 // per product and version, the approved providers' ids
	requestIDs       []int64
	quoteIDs         [][]int64
	policyIDs        []int64
	termIDs          [][]int64
	numbers          []string
	quotes, consents int
	consentSince     map[[2]int64]string
	rows             map[string][][]any
}

const (
	uwProductCols = "id, insurer_id, code, name_zh, name_en, type, status, published_version, created_at, updated_at, version"
	uwVersionCols = "id, product_id, insurer_id, number, registration_no, status, definition, rating, created_by, created_at, updated_at, published_by, published_at"
	uwRequestCols = "id, enterprise_id, requested_by_org, requested_by, inception_date, note, created_at"
	uwQuoteCols   = `id, request_id, enterprise_id, insurer_id, product_id, product_version_id, kind, renewal_of, status, limit_amount,
		retention, inception_date, expiry_date, retro_date, premium, rating_input, result, reasons, valid_until, quoted_at, decided_by,
		decision_note, bind_requested_at, bound_at, policy_id, created_at, updated_at, version`
	uwContCols   = "quote_id, policy_id, kind, text_zh, text_en, due_date, status, note, resolved_by, resolved_at, created_at"
	uwPolicyCols = `id, number, insurer_id, enterprise_id, product_id, kind, source, external_ref, status, product_type, jurisdiction,
		industry, size, current_term, inception_date, expiry_date, premium, sum_insured, auto_renew, created_at, updated_at, version`
	uwTermCols = `id, policy_id, term_no, product_version_id, quote_id, status, start_date, end_date, annual_premium, written_premium,
		sum_insured, retro_date, rating_input, cancelled_date, cancel_method, cancel_reason, created_at`
	uwSegmentCols = "term_id, policy_id, seq, start_date, end_date, terms, annual_premium, created_at"
	uwTxnCols     = "policy_id, term_id, kind, effective_date, amount, method, reason_code, note, details, created_by, created_at"
	uwMemberCols  = "policy_id, enterprise_id, certificate_no, limit_amount, premium, joined_date, left_date, created_at"
	uwSubsidyCols = "policy_id, term_no, jurisdiction, grantor, local_policy, amount, created_by, created_at"
	uwNoticeCols  = "policy_id, enterprise_id, insurer_id, kind, detail, raised_by, raised_at, acknowledged_by, acknowledged_at, response"
	uwClauseCols  = "insurer_id, code, version, title_zh, title_en, text_zh, text_en, created_by, created_at"
	uwRelCols     = "party_org_id, enterprise_id, kind, started_at"
)

func (l *uwLoader) add(table string, vals ...any) {
	l.rows[table] = append(l.rows[table], vals)
}

func (l *uwLoader) org(r int) (int64, error) {
	id := l.ref(r)
	if id == 0 {
		return 0, fmt.Errorf("demo underwriting: organisation %d not loaded", r)
	}
	return id, nil
}

func uwJSON(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}

// terms returns a copy of t with the version's providers.
func (l *uwLoader) terms(t *cover.Terms, product, version int) *cover.Terms {
	if t == nil {
		return nil
	}
	c := t.Clone()
	c.Providers = append([]int64{}, l.providers[product][version-1]...)
	return c
}

// result returns a copy of r whose terms carry the version's providers.
func (l *uwLoader) result(r *rating.Result, product, version int) *rating.Result {
	if r == nil {
		return nil
	}
	c := *r
	c.Terms = l.terms(r.Terms, product, version)
	return &c
}

func (l *uwLoader) load() error {
	u := l.u
	l.rows = map[string][][]any{}
	l.consentSince = map[[2]int64]string{}
	if err := l.catalogue(); err != nil {
		return err
	}
	// Ids of requests, quotes, policies and terms, chosen before any row is written.
	next := l.base[2]
	for range u.Requests {
		next++
		l.requestIDs = append(l.requestIDs, next)
	}
	next = l.base[3]
	for _, r := range u.Requests {
		ids := make([]int64, len(r.Quotes))
		for j := range ids {
			next++
			ids[j] = next
		}
		l.quoteIDs = append(l.quoteIDs, ids)
	}
	next = l.base[4]
	nextTerm := l.base[5]
	for i := range u.Policies {
		next++
		l.policyIDs = append(l.policyIDs, next)
		pol := &u.Policies[i]
		insurer, err := l.org(pol.InsurerRef)
		if err != nil {
			return err
		}
		l.numbers = append(l.numbers, policyNumber(pol.Terms[0].Start, insurer, next))
		ids := make([]int64, len(pol.Terms))
		for k := range ids {
			nextTerm++
			ids[k] = nextTerm
		}
		l.termIDs = append(l.termIDs, ids)
	}
	if err := l.quoteRows(); err != nil {
		return err
	}
	if err := l.policyRows(); err != nil {
		return err
	}
	for _, n := range u.Notices {
		pol := &u.Policies[n.Policy]
		ent, ins := l.ref(pol.EnterpriseRef), l.ref(pol.InsurerRef)
		l.add("risk_notices", l.policyIDs[n.Policy], ent, ins, n.Kind, n.Detail, n.RaisedBy, n.RaisedAt, n.AcknowledgedBy,
			n.AcknowledgedAt, n.Response)
	}
	if err := l.consentRows(); err != nil {
		return err
	}
	for _, table := range []struct{ name, cols string }{
		{"clauses", uwClauseCols}, {"products", uwProductCols}, {"product_versions", uwVersionCols},
		{"quote_requests", uwRequestCols}, {"quotes", uwQuoteCols}, {"policies", uwPolicyCols}, {"policy_terms", uwTermCols},
		{"policy_segments", uwSegmentCols}, {"policy_transactions", uwTxnCols}, {"contingencies", uwContCols},
		{"policy_members", uwMemberCols}, {"policy_subsidies", uwSubsidyCols}, {"risk_notices", uwNoticeCols},
		{"relationships", uwRelCols},
	} {
		if err := l.t.insertRows(table.name, table.cols, l.rows[table.name]); err != nil {
			return fmt.Errorf("demo %s: %w", table.name, err)
		}
	}
	return nil
}

// catalogue adds the clauses, products and versions.
func (l *uwLoader) catalogue() error {
	u := l.u
	for _, c := range u.Clauses {
		ins, err := l.org(c.InsurerRef)
		if err != nil {
			return err
		}
		l.add("clauses", ins, c.Code, c.Version, c.TitleZH, c.TitleEN, c.TextZH, c.TextEN, c.CreatedBy, c.CreatedAt)
	}
	pid, vid := l.base[0], l.base[1]
	for _, pr := range u.Products {
		ins, err := l.org(pr.InsurerRef)
		if err != nil {
			return err
		}
		pid++
		l.productIDs = append(l.productIDs, pid)
		last := pr.Versions[len(pr.Versions)-1]
		// Each version was saved as a draft and published: two changes each.
		l.add("products", pid, ins, pr.Code, pr.NameZH, pr.NameEN, string(pr.Type), ProductActive, last.Number, pr.CreatedAt,
			last.PublishedAt, 2*len(pr.Versions))
		var vids []int64
		var provs [][]int64
		for _, v := range pr.Versions {
			vid++
			vids = append(vids, vid)
			ids := make([]int64, 0, len(v.ProviderRefs))
			for _, r := range v.ProviderRefs {
				id, err := l.org(r)
				if err != nil {
					return err
				}
				ids = append(ids, id)
			}
			provs = append(provs, ids)
			def := v.Definition
			def.Providers = ids
			dj, err := uwJSON(&def)
			if err != nil {
				return err
			}
			rj, err := uwJSON(&v.Rating)
			if err != nil {
				return err
			}
			l.add("product_versions", vid, pid, ins, v.Number, v.RegistrationNo, VersionPublished, dj, rj, v.CreatedBy, v.CreatedAt,
				v.PublishedAt, v.CreatedBy, v.PublishedAt)
		}
		l.versionIDs = append(l.versionIDs, vids)
		l.providers = append(l.providers, provs)
	}
	return nil
}

// uwQuoteVersion is the row version of a quote: one per change it went through.
func uwQuoteVersion(q *demo.Quote) int {
	v := 1
	if q.DecidedBy != "" {
		v++
	}
	if q.BindRequestedAt != "" {
		v++
	}
	if q.BoundAt != "" {
		v++
	}
	if q.Status == QuoteWithdrawn || q.Status == QuoteExpired {
		v++
	}
	for _, c := range q.Contingencies {
		if c.ResolvedAt != "" {
			v++
		}
	}
	return v
}

// consent records the insurer's consent relationship with the enterprise
// from the first time either quoted or issued.
func (l *uwLoader) consent(ins, ent int64, since string) {
	k := [2]int64{ins, ent}
	if s, ok := l.consentSince[k]; !ok || since < s {
		l.consentSince[k] = since
	}
}

// quoteRows adds the requests, quotes and contingencies.
func (l *uwLoader) quoteRows() error {
	u := l.u
	for i, r := range u.Requests {
		ent, err := l.org(r.EnterpriseRef)
		if err != nil {
			return err
		}
		by, err := l.org(r.ByRef)
		if err != nil {
			return err
		}
		note := r.Note
		if note == "" && len(r.Quotes) > 0 && r.Quotes[0].RenewalOf >= 0 {
			note = "renewal of " + l.numbers[r.Quotes[0].RenewalOf]
		}
		l.add("quote_requests", l.requestIDs[i], ent, by, r.By, r.Inception, note, r.CreatedAt)
		for j := range r.Quotes {
			q := &r.Quotes[j]
			ins, err := l.org(q.InsurerRef)
			if err != nil {
				return err
			}
			l.consent(ins, ent, q.CreatedAt)
			var renewal, policy any
			if q.RenewalOf >= 0 {
				renewal = l.policyIDs[q.RenewalOf]
			}
			if q.Policy >= 0 {
				policy = l.policyIDs[q.Policy]
			}
			var in, res string
			if q.Input != nil {
				if in, err = uwJSON(q.Input); err != nil {
					return err
				}
			}
			if q.Result != nil {
				if res, err = uwJSON(l.result(q.Result, q.Product, q.Version)); err != nil {
					return err
				}
			}
			reasons, err := uwJSON(q.Reasons())
			if err != nil {
				return err
			}
			id := l.quoteIDs[i][j]
			l.quotes++
			l.add("quotes", id, l.requestIDs[i], ent, ins, l.productIDs[q.Product], l.versionIDs[q.Product][q.Version-1], q.Kind, renewal,
				q.Status, q.Limit, q.Retention, q.Inception, q.Expiry, q.Retro, q.Premium, in, res, reasons, q.ValidUntil, q.QuotedAt,
				q.DecidedBy, q.DecisionNote, q.BindRequestedAt, q.BoundAt, policy, q.CreatedAt, q.UpdatedAt, uwQuoteVersion(q))
			for _, c := range q.Contingencies {
				l.add("contingencies", id, policy, c.Kind, c.TextZH, c.TextEN, c.DueDate, c.Status, c.Note, c.ResolvedBy, c.ResolvedAt, c.CreatedAt)
			}
		}
	}
	return nil
}

// policyRows adds the policies with their terms, segments, transactions,
// members and subsidies.
func (l *uwLoader) policyRows() error {
	u := l.u
	for i := range u.Policies {
		pol := &u.Policies[i]
		ins, err := l.org(pol.InsurerRef)
		if err != nil {
			return err
		}
		ent, err := l.org(pol.EnterpriseRef)
		if err != nil {
			return err
		}
		l.consent(ins, ent, pol.CreatedAt)
		o := l.pilot.Orgs[pol.EnterpriseRef]
		var industry, size string
		if o.Profile != nil {
			industry, size = o.Profile.Industry, string(o.Profile.Size)
		}
		pr := &u.Products[pol.Product]
		cur := &pol.Terms[len(pol.Terms)-1]
		pid, number := l.policyIDs[i], l.numbers[i]
		version := 1 + len(pol.Members) + len(pol.Subsidies)
		for k, t := range pol.Terms {
			version += len(t.Transactions)
			if k == 0 {
				version-- // the new-business transaction came with the policy
			}
		}
		l.add("policies", pid, number, ins, ent, l.productIDs[pol.Product], pol.Kind, pol.Source, pol.ExternalRef, cur.Status,
			string(pr.Type), o.Jurisdiction, industry, size, len(pol.Terms), pol.Terms[0].Start, cur.End, cur.WrittenPremium,
			cur.SumInsured, pol.AutoRenew, pol.CreatedAt, pol.UpdatedAt, version)
		for k := range pol.Terms {
			t := &pol.Terms[k]
			tid := l.termIDs[i][k]
			var quote any
			if t.Request >= 0 {
				quote = l.quoteIDs[t.Request][t.Quote]
			}
			var in string
			if t.Input != nil {
				if in, err = uwJSON(t.Input); err != nil {
					return err
				}
			}
			l.add("policy_terms", tid, pid, k+1, l.versionIDs[pol.Product][t.Version-1], quote, t.Status, t.Start, t.End,
				t.AnnualPremium, t.WrittenPremium, t.SumInsured, t.Retro, in, t.CancelledDate, t.CancelMethod, t.CancelReason, t.CreatedAt)
			for s, g := range t.Segments {
				tj, err := uwJSON(l.terms(g.Terms, pol.Product, t.Version))
				if err != nil {
					return err
				}
				l.add("policy_segments", tid, pid, s+1, g.Start, g.End, tj, g.AnnualPremium, g.CreatedAt)
			}
			for _, x := range t.Transactions {
				var det string
				if x.Details != nil || x.Rating != nil {
					d := make(map[string]any, len(x.Details)+1)
					for key, v := range x.Details {
						d[key] = v
					}
					if _, ok := d["quote_id"]; ok && quote != nil {
						d["quote_id"] = quote
					}
					if x.Rating != nil {
						d["rating"] = l.result(x.Rating, pol.Product, t.Version)
					}
					if pol.Source == SourceDeclared && k == 0 && x.Kind == TxnNewBusiness && len(t.Segments) > 0 {
						// As a declaration records it, so that declaring the same
						// policy again reads as unchanged.
						issued, _ := x.Details["issued_at"].(string)
						d["declared_sha256"] = DeclaredHash(DeclaredPolicy{ExternalRef: pol.ExternalRef, ProductCode: pr.Code,
							EnterpriseUSCC: o.USCC, InceptionDate: t.Start, ExpiryDate: t.End, Limit: t.Segments[0].Terms.AggregateLimit,
							Retention: t.Segments[0].Terms.Retention, Premium: x.Amount, RetroDate: t.Retro, IssuedAt: issued})
					}
					if det, err = uwJSON(d); err != nil {
						return err
					}
				}
				l.add("policy_transactions", pid, tid, x.Kind, x.Effective, x.Amount, x.Method, x.Reason, x.Note, det, x.CreatedBy, x.CreatedAt)
			}
		}
		for n, m := range pol.Members {
			me, err := l.org(m.EnterpriseRef)
			if err != nil {
				return err
			}
			l.consent(ins, me, m.CreatedAt)
			l.add("policy_members", pid, me, fmt.Sprintf("%s-%04d", number, n+1), m.Limit, m.Premium, m.Joined, m.Left, m.CreatedAt)
		}
		for _, s := range pol.Subsidies {
			l.add("policy_subsidies", pid, s.TermNo, s.Jurisdiction, s.Grantor, s.LocalPolicy, s.Amount, s.CreatedBy, s.CreatedAt)
		}
	}
	return nil
}

// consentRows opens the consent relationships quoting and issuing open
// (ensureConsent), where the insurer has none with the enterprise yet.
func (l *uwLoader) consentRows() error {
	have := map[[2]int64]bool{}
	err := eachRow(l.t.ctx, l.t, "SELECT party_org_id, enterprise_id FROM relationships WHERE kind = $1", []any{string(RelConsent)},
		func(sc scanner) error {
			var k [2]int64
			if err := sc.Scan(&k[0], &k[1]); err != nil {
				return err
			}
			have[k] = true
			return nil
		})
	if err != nil {
		return err
	}
	keys := make([][2]int64, 0, len(l.consentSince))
	for k := range l.consentSince {
		if !have[k] {
			keys = append(keys, k)
		}
	}
	// In a stable order, so that two loads of one demo give the same ids.
	slices.SortFunc(keys, func(a, b [2]int64) int {
		if c := cmpInt(a[0], b[0]); c != 0 {
			return c
		}
		return cmpInt(a[1], b[1])
	})
	for _, k := range keys {
		l.add("relationships", k[0], k[1], string(RelConsent), l.consentSince[k])
		l.consents++
	}
	return nil
}
