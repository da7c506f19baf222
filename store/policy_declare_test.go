package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/cover"
	"github.com/anbao/anbao/rating"
	"github.com/anbao/anbao/store"
	"github.com/anbao/anbao/store/storetest"
)

// declFixture is a small pilot where ins1 has a published product (code
// DECL-1, its own registration number) and ins2 one of its own (DECL-2).
type declFixture struct {
	st       *store.Store
	uw, ins2 context.Context
	ins      int64
	ents     []*anbao.Organisation // active enterprises
	product  *store.Product
}

const (
	declYuan  = 100
	declRegNo = "C00010830612026030200001"
)

// declDefinition is a small valid combined product: one first-party and one
// claims-made liability coverage, limits from ¥100,000 to ¥10,000,000.
func declDefinition() cover.Definition {
	return cover.Definition{Type: cover.TypeCombined, MinLimit: 100_000 * declYuan, MaxLimit: 10_000_000 * declYuan,
		MinRetention: 5_000 * declYuan, TermMonths: 12, QuoteValidDays: 30,
		Coverages: []cover.Coverage{
			{Code: cover.CovDataRestoration, Trigger: cover.Discovered},
			{Code: cover.CovDataLeakLiability, Sublimit: 1_000_000 * declYuan, Outside: true, Trigger: cover.ClaimsMade, ReportingDays: 60},
		}}
}

func declProduct(t *testing.T, st *store.Store, ctx context.Context, code, regNo string) *store.Product {
	t.Helper()
	pr, err := st.CreateProduct(ctx, store.ProductInput{Code: code, NameZH: "申报测试产品" + code, ProductVersionInput: store.ProductVersionInput{
		RegistrationNo: regNo, Definition: declDefinition(), Rating: *rating.SeedConfig()}})
	must(t, err)
	pr, err = st.PublishProduct(ctx, pr.ID, 0)
	must(t, err)
	return pr
}

func newDeclFixture(t *testing.T, st *store.Store) *declFixture {
	t.Helper()
	setClock(st, t0)
	loadPilot(t, st)
	f := &declFixture{st: st, uw: as(t, st, "ins1.uw"), ins2: as(t, st, "ins2.admin")}
	f.ins = anbao.PrincipalFrom(f.uw).OrgID
	f.product = declProduct(t, st, f.uw, "DECL-1", declRegNo)
	declProduct(t, st, f.ins2, "DECL-2", declRegNo)
	l, err := st.ListOrganisations(sys(), anbao.OrgFilter{Kind: anbao.KindEnterprise, Status: anbao.OrgActive,
		Page: anbao.Page{Limit: anbao.MaxPageLimit}})
	must(t, err)
	if len(l.Items) < 10 {
		t.Fatalf("only %d active enterprises", len(l.Items))
	}
	f.ents = l.Items
	return f
}

// item is a valid declaration of a one-year policy on enterprise i from inception.
func (f *declFixture) item(ref string, i int, inception string) store.DeclaredPolicy {
	d := store.DeclaredPolicy{ExternalRef: ref, ProductCode: "DECL-1", EnterpriseUSCC: f.ents[i].USCC,
		InceptionDate: inception, Limit: 1_000_000 * declYuan, Retention: 10_000 * declYuan, Premium: 12_345_67,
		RetroDate: "2025-01-01", IssuedAt: "2026-02-27"}
	inc, err := time.Parse(time.DateOnly, inception)
	if err != nil {
		panic(err)
	}
	d.ExpiryDate = inc.AddDate(1, 0, 0).Format(time.DateOnly)
	return d
}

// rowCounts are the rows a declaration writes, with the audit log.
func rowCounts(t *testing.T, st *store.Store) string {
	t.Helper()
	var parts []string
	for _, table := range []string{"policies", "policy_terms", "policy_segments", "policy_transactions", "audit_log"} {
		parts = append(parts, fmt.Sprintf("%s=%d", table, count(t, st, "SELECT COUNT(*) FROM "+table)))
	}
	return strings.Join(parts, " ")
}

// declProblems returns the problems of a refused declaration, checking the
// error's code, key and the number of items it names.
func declProblems(t *testing.T, err error, badItems int) []store.DeclareProblem {
	t.Helper()
	if !checkErr(t, err, anbao.EINVALID, "uw.declare.invalid") {
		t.FailNow()
	}
	var e *anbao.Error
	errors.As(err, &e)
	if len(e.Args) != 1 || e.Args[0] != badItems {
		t.Errorf("args = %v, want [%d]", e.Args, badItems)
	}
	var de *store.DeclareErrors
	if !errors.As(err, &de) {
		t.Fatalf("%v does not wrap *DeclareErrors", err)
	}
	return de.Problems
}

func TestDeclarePolicies(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		f := newDeclFixture(t, st)
		batch := []store.DeclaredPolicy{
			f.item("PICC-2026-0001", 0, "2026-01-01"),
			f.item("PICC-2026-0002", 1, "2026-02-01"),
			f.item("PICC-2026-0003", 2, "2025-06-15"),
		}
		batch[1].ProductCode, batch[1].RegistrationNo = "", declRegNo // by registration number
		batch[2].IssuedAt = ""
		batch[2].EnterpriseUSCC = strings.ToLower(batch[2].EnterpriseUSCC) + " " // normalised
		seq := headSeq(t, st)
		res, err := st.DeclarePolicies(f.uw, batch)
		must(t, err)
		if res.Created != 3 || res.Unchanged != 0 || len(res.Items) != 3 {
			t.Fatalf("result %+v", res)
		}
		for i, it := range res.Items {
			if it.Index != i || it.Status != store.DeclareCreated || it.ExternalRef != batch[i].ExternalRef || it.PolicyID == 0 ||
				it.Number != fmt.Sprintf("AB%s%03d%08d", batch[i].InceptionDate[:4], f.ins%1000, it.PolicyID) {
				t.Errorf("item %d: %+v", i, it)
			}
		}
		if es := auditSince(t, st, seq); len(es) != 1 || es[0].Action != "policy.declare" {
			t.Fatalf("audit %v, want one policy.declare", actions(es))
		} else {
			var after map[string]any
			must(t, json.Unmarshal(es[0].After, &after))
			if after["count"] != 3.0 || after["created"] != 3.0 || after["unchanged"] != 0.0 || len(fmt.Sprint(after["external_refs_sha256"])) != 64 {
				t.Errorf("audit after = %v", after)
			}
		}
		verifyOK(t, st, -1)

		pol, err := st.GetPolicy(f.uw, res.Items[0].PolicyID)
		must(t, err)
		if pol.Source != store.SourceDeclared || pol.ExternalRef != "PICC-2026-0001" || pol.Kind != store.PolicyStandard ||
			pol.Status != store.PolicyActive || pol.Premium != 12_345_67 || pol.EnterpriseID != f.ents[0].ID ||
			pol.ProductID != f.product.ID || pol.ExpiryDate != "2027-01-01" || pol.Jurisdiction != f.ents[0].Jurisdiction ||
			pol.Industry != f.ents[0].Profile.Industry || pol.ProductType != cover.TypeCombined {
			t.Errorf("policy %+v", pol)
		}
		if pol.SumInsured != 2_000_000*declYuan || pol.Terms == nil || pol.Terms.AggregateLimit != 1_000_000*declYuan ||
			pol.Terms.Retention != 10_000*declYuan || pol.Terms.RetroDate != "2025-01-01" || len(pol.Terms.Coverages) != 2 {
			t.Errorf("terms %+v, sum insured %d", pol.Terms, pol.SumInsured)
		}
		if len(pol.PolicyTerms) != 1 || pol.PolicyTerms[0].WrittenPremium != 12_345_67 || pol.PolicyTerms[0].RetroDate != "2025-01-01" ||
			pol.Product == nil || pol.Product.RegistrationNo != declRegNo {
			t.Errorf("policy terms %+v, product %+v", pol.PolicyTerms, pol.Product)
		}
		if len(pol.Segments) != 1 || len(pol.Transactions) != 1 || pol.Transactions[0].Kind != store.TxnNewBusiness ||
			pol.Transactions[0].Amount != 12_345_67 || !strings.Contains(string(pol.Transactions[0].Details), `"declared_sha256":"`+store.DeclaredHash(batch[0])+`"`) ||
			!strings.Contains(string(pol.Transactions[0].Details), `"issued_at":"2026-02-27"`) {
			t.Errorf("segments %d, transactions %+v", len(pol.Segments), pol.Transactions)
		}

		// Re-sending is harmless: the same content is unchanged, nothing written.
		before := rowCounts(t, st)
		again, err := st.DeclarePolicies(f.uw, batch)
		must(t, err)
		if again.Created != 0 || again.Unchanged != 3 {
			t.Fatalf("re-send %+v", again)
		}
		for i, it := range again.Items {
			if it.Status != store.DeclareUnchanged || it.PolicyID != res.Items[i].PolicyID || it.Number != res.Items[i].Number {
				t.Errorf("re-sent item %d: %+v", i, it)
			}
		}
		if after := rowCounts(t, st); after != before {
			t.Errorf("re-send wrote: %s → %s", before, after)
		}
		// A re-send with one new policy creates only that one.
		more := append(append([]store.DeclaredPolicy{}, batch...), f.item("PICC-2026-0004", 0, "2027-01-01"))
		mixed, err := st.DeclarePolicies(f.uw, more)
		must(t, err)
		if mixed.Created != 1 || mixed.Unchanged != 3 || mixed.Items[3].Status != store.DeclareCreated || mixed.Items[3].PolicyID <= res.Items[2].PolicyID {
			t.Errorf("mixed %+v", mixed)
		}

		// The registry: the insurer and the regulator of the jurisdiction
		// see declared policies, another insurer never does.
		declared := func(ctx context.Context) int {
			l, err := st.ListPolicies(ctx, store.PolicyFilter{Source: store.SourceDeclared, Page: anbao.Page{Limit: anbao.MaxPageLimit}})
			must(t, err)
			return l.Total
		}
		if n := declared(f.uw); n != 4 {
			t.Errorf("insurer sees %d declared policies, want 4", n)
		}
		if n := declared(f.ins2); n != 0 {
			t.Errorf("another insurer sees %d declared policies", n)
		}
		reg := as(t, st, "reg"+f.ents[0].Jurisdiction+".admin")
		l, err := st.ListPolicies(reg, store.PolicyFilter{Query: "PICC-2026-0001"})
		must(t, err)
		if l.Total != 1 || l.Items[0].ID != res.Items[0].PolicyID {
			t.Errorf("regulator of %s sees %+v", f.ents[0].Jurisdiction, l.Items)
		}
		if _, err := st.GetPolicy(f.ins2, res.Items[0].PolicyID); !checkErr(t, err, anbao.ENOTFOUND, "") {
			t.Errorf("another insurer reads a declared policy")
		}
	})
}

func TestDeclarePoliciesRefused(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		f := newDeclFixture(t, st)
		_, err := st.DeclarePolicies(f.uw, []store.DeclaredPolicy{f.item("EXIST-0001", 3, "2026-01-01"), f.item("EXIST-0002", 4, "2026-01-01")})
		must(t, err)
		insurerUSCC := f.ents[0].USCC
		if l, err := st.ListOrganisations(sys(), anbao.OrgFilter{Kind: anbao.KindInsurer, Page: anbao.Page{Limit: 1}}); err == nil && len(l.Items) == 1 {
			insurerUSCC = l.Items[0].USCC
		}
		ok := func(ref string, i int) store.DeclaredPolicy { return f.item(ref, i, "2026-03-01") }
		spoil := func(ref string, i int, fn func(*store.DeclaredPolicy)) store.DeclaredPolicy {
			d := ok(ref, i)
			fn(&d)
			return d
		}
		type want struct {
			index       int
			field, code string
		}
		cases := []struct {
			name  string
			items []store.DeclaredPolicy
			want  []want
		}{
			{"conflict", []store.DeclaredPolicy{ok("NEW-0001", 5), spoil("EXIST-0001", 3, func(d *store.DeclaredPolicy) {
				d.InceptionDate, d.ExpiryDate, d.Premium = "2026-01-01", "2027-01-01", 99_999_00
			})}, []want{{1, "external_ref", "uw.declare.conflict"}}},
			{"unknown product", []store.DeclaredPolicy{spoil("NEW-0001", 5, func(d *store.DeclaredPolicy) { d.ProductCode = "NOPE" })},
				[]want{{0, "product_code", "uw.declare.product_unknown"}}},
			{"another insurer's product", []store.DeclaredPolicy{spoil("NEW-0001", 5, func(d *store.DeclaredPolicy) { d.ProductCode = "DECL-2" })},
				[]want{{0, "product_code", "uw.declare.product_unknown"}}},
			{"unknown registration number", []store.DeclaredPolicy{spoil("NEW-0001", 5, func(d *store.DeclaredPolicy) {
				d.ProductCode, d.RegistrationNo = "", "C99999999999999999999999"
			})}, []want{{0, "registration_no", "uw.declare.product_unknown"}}},
			{"code and registration number disagree", []store.DeclaredPolicy{spoil("NEW-0001", 5, func(d *store.DeclaredPolicy) {
				d.RegistrationNo = "C99999999999999999999999"
			})}, []want{{0, "registration_no", "uw.declare.product_unknown"}}},
			{"no product", []store.DeclaredPolicy{spoil("NEW-0001", 5, func(d *store.DeclaredPolicy) { d.ProductCode = "" })},
				[]want{{0, "product_code", "uw.declare.product_required"}}},
			{"unknown enterprise", []store.DeclaredPolicy{
				spoil("NEW-0001", 5, func(d *store.DeclaredPolicy) { d.EnterpriseUSCC = mkUSCC(t, "110105", 424242) }),
				spoil("NEW-0002", 6, func(d *store.DeclaredPolicy) { d.EnterpriseUSCC = insurerUSCC }),
				spoil("NEW-0003", 7, func(d *store.DeclaredPolicy) { d.EnterpriseUSCC = "" }),
			}, []want{{0, "enterprise_uscc", "uw.declare.enterprise_unknown"}, {1, "enterprise_uscc", "uw.declare.enterprise_unknown"},
				{2, "enterprise_uscc", "error.required"}}},
			{"dates", []store.DeclaredPolicy{
				spoil("NEW-0001", 5, func(d *store.DeclaredPolicy) { d.ExpiryDate = "2026-02-28" }),
				spoil("NEW-0002", 6, func(d *store.DeclaredPolicy) { d.ExpiryDate = d.InceptionDate }),
				spoil("NEW-0003", 7, func(d *store.DeclaredPolicy) { d.ExpiryDate = "2029-03-02" }),
				spoil("NEW-0004", 8, func(d *store.DeclaredPolicy) { d.InceptionDate = "2026/03/01" }),
				spoil("NEW-0005", 9, func(d *store.DeclaredPolicy) { d.IssuedAt = "2026-03-03" }),
				spoil("NEW-0006", 5, func(d *store.DeclaredPolicy) { d.InceptionDate, d.ExpiryDate = "2030-01-01", "2033-01-01" }), // 36 months: fine
			}, []want{{0, "expiry_date", "uw.declare.period_order"}, {1, "expiry_date", "uw.declare.period_order"},
				{2, "expiry_date", "uw.declare.period_too_long"}, {3, "inception_date", "uw.date_format"},
				{4, "issued_at", "uw.declare.issued_future"}}},
			{"option outside the product's range", []store.DeclaredPolicy{
				spoil("NEW-0001", 5, func(d *store.DeclaredPolicy) { d.Limit = 20_000_000 * declYuan }),
				spoil("NEW-0002", 6, func(d *store.DeclaredPolicy) { d.Retention = 1_000 * declYuan }),
				spoil("NEW-0003", 7, func(d *store.DeclaredPolicy) { d.Retention = d.Limit }),
			}, []want{{0, "limit", "uw.quote.limit_range"}, {1, "retention", "uw.quote.retention_floor"},
				{2, "retention", "uw.quote.limit_below_retention"}}},
			{"premium and retroactive date", []store.DeclaredPolicy{
				spoil("NEW-0001", 5, func(d *store.DeclaredPolicy) { d.Premium = 0 }),
				spoil("NEW-0002", 6, func(d *store.DeclaredPolicy) { d.Premium = cover.MaxAmount + 1 }),
				spoil("NEW-0003", 7, func(d *store.DeclaredPolicy) { d.RetroDate = "" }),
				spoil("NEW-0004", 8, func(d *store.DeclaredPolicy) { d.RetroDate = "2026-03-02" }),
			}, []want{{0, "premium", "uw.policy.amount_range"}, {1, "premium", "uw.policy.amount_range"},
				{2, "retro_date", "uw.quote.retro_required"}, {3, "retro_date", "uw.quote.retro_after_inception"}}},
			{"external references", []store.DeclaredPolicy{ok("DUP-0001", 5), ok("DUP-0001", 6), ok("abc", 7),
				spoil("NEW-\x01-0001", 8, func(d *store.DeclaredPolicy) {}), ok(strings.Repeat("X", 65), 9)},
				[]want{{1, "external_ref", "uw.declare.duplicate"}, {2, "external_ref", "uw.declare.external_ref_format"},
					{3, "external_ref", "uw.declare.external_ref_format"}, {4, "external_ref", "uw.declare.external_ref_format"}}},
			{"overlap", []store.DeclaredPolicy{
				spoil("NEW-0001", 3, func(d *store.DeclaredPolicy) { d.InceptionDate, d.ExpiryDate = "2026-12-31", "2027-12-31" }), // EXIST-0001
				ok("NEW-0002", 5),
				spoil("NEW-0003", 5, func(d *store.DeclaredPolicy) { d.InceptionDate, d.ExpiryDate = "2027-02-28", "2028-02-28" }),
			}, []want{{0, "inception_date", "uw.policy.overlap"}, {2, "inception_date", "uw.policy.overlap"}}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				before := rowCounts(t, st)
				// A valid item first: the batch is refused whole all the same.
				items := append([]store.DeclaredPolicy{ok("VALID-0001", 20)}, c.items...)
				bad := map[int]bool{}
				for _, w := range c.want {
					bad[w.index+1] = true
				}
				_, err := st.DeclarePolicies(f.uw, items)
				probs := declProblems(t, err, len(bad))
				if len(probs) != len(c.want) {
					t.Errorf("problems %+v, want %+v", probs, c.want)
				}
				for i, w := range c.want {
					if i >= len(probs) {
						break
					}
					p := probs[i]
					if p.Index != w.index+1 || p.Field != w.field || p.Code != w.code || p.ExternalRef != strings.TrimSpace(items[p.Index].ExternalRef) {
						t.Errorf("problem %d = %+v, want %+v (index shifted by one)", i, p, w)
					}
					checkErr(t, anbao.FieldError(p.Field, p.Code, p.Args...), anbao.EINVALID, p.Code)
				}
				if after := rowCounts(t, st); after != before {
					t.Errorf("refused batch wrote: %s → %s", before, after)
				}
			})
		}

		// Two products with the same registration number: the code must say which.
		declProduct(t, st, f.uw, "DECL-1B", declRegNo)
		before := rowCounts(t, st)
		_, err = st.DeclarePolicies(f.uw, []store.DeclaredPolicy{spoil("NEW-0001", 5, func(d *store.DeclaredPolicy) {
			d.ProductCode, d.RegistrationNo = "", declRegNo
		})})
		if p := declProblems(t, err, 1); len(p) != 1 || p[0].Code != "uw.declare.product_ambiguous" {
			t.Errorf("problems %+v", p)
		}
		if after := rowCounts(t, st); after != before {
			t.Errorf("refused batch wrote: %s → %s", before, after)
		}
		res, err := st.DeclarePolicies(f.uw, []store.DeclaredPolicy{spoil("NEW-0001", 5, func(d *store.DeclaredPolicy) {
			d.ProductCode, d.RegistrationNo = "DECL-1B", declRegNo
		})})
		must(t, err)
		if pol, err := st.GetPolicy(f.uw, res.Items[0].PolicyID); err != nil || pol.ProductName != "申报测试产品DECL-1B" {
			t.Errorf("policy %+v, %v", pol, err)
		}
		before = rowCounts(t, st)

		// Batch size, roles and kinds: refused before anything is read.
		for _, n := range []int{0, store.MaxDeclareBatch + 1} {
			items := make([]store.DeclaredPolicy, n)
			for i := range items {
				items[i] = ok(fmt.Sprintf("MANY-%05d", i), i%len(f.ents))
			}
			_, err := st.DeclarePolicies(f.uw, items)
			checkErr(t, err, anbao.EINVALID, "uw.declare.count")
		}
		for _, user := range []string{"ent1.admin", "prov1.admin", "ins1.claims", "op.admin"} {
			_, err := st.DeclarePolicies(as(t, st, user), []store.DeclaredPolicy{ok("ROLE-0001", 5)})
			checkErr(t, err, anbao.EFORBIDDEN, "error.forbidden")
		}
		if _, err := st.DeclarePolicies(sys(), []store.DeclaredPolicy{ok("ROLE-0001", 5)}); !checkErr(t, err, anbao.EFORBIDDEN, "error.forbidden") {
			t.Errorf("the system principal declared for no insurer")
		}
		if _, err := st.DeclarePolicies(context.Background(), []store.DeclaredPolicy{ok("ROLE-0001", 5)}); !checkErr(t, err, anbao.EUNAUTHORIZED, "") {
			t.Errorf("anonymous declaration")
		}
		// Logins are audited; compare the policy rows only.
		if after := rowCounts(t, st); strings.Split(after, " audit")[0] != strings.Split(before, " audit")[0] {
			t.Errorf("refused batches wrote: %s → %s", before, after)
		}
	})
}

// A batch large enough for several lookup chunks and insert statements.
func TestDeclarePoliciesBulk(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		f := newDeclFixture(t, st)
		// A second product without claims-made cover: its policies may have no retroactive date.
		occ := declDefinition()
		occ.Type, occ.Coverages = cover.TypeProperty, occ.Coverages[:1]
		pr, err := st.CreateProduct(f.uw, store.ProductInput{Code: "DECL-OCC", NameZH: "申报测试产品（发现制）", ProductVersionInput: store.ProductVersionInput{
			RegistrationNo: declRegNo, Definition: occ, Rating: *rating.SeedConfig()}})
		must(t, err)
		_, err = st.PublishProduct(f.uw, pr.ID, 0)
		must(t, err)
		defs := map[string]cover.Definition{"DECL-1": declDefinition(), "DECL-OCC": occ}
		const n = 1500
		items := make([]store.DeclaredPolicy, n)
		for i := range items {
			// Each enterprise gets consecutive one-month policies: no overlap.
			e := i % len(f.ents)
			month := i / len(f.ents)
			inc := fmt.Sprintf("%04d-%02d-01", 2020+month/12, month%12+1)
			exp := fmt.Sprintf("%04d-%02d-01", 2020+(month+1)/12, (month+1)%12+1)
			items[i] = store.DeclaredPolicy{ExternalRef: fmt.Sprintf("BULK-%06d", i), ProductCode: "DECL-1", EnterpriseUSCC: f.ents[e].USCC,
				InceptionDate: inc, ExpiryDate: exp, Limit: int64(100_000+i) * declYuan, Retention: 5_000 * declYuan, Premium: int64(1000+i) * declYuan,
				RetroDate: "2019-01-01"}
			switch i % 4 {
			case 1:
				items[i].ProductCode = "DECL-OCC"
			case 2:
				items[i].ProductCode, items[i].RetroDate = "DECL-OCC", ""
			}
		}
		seq := headSeq(t, st)
		res, err := st.DeclarePolicies(f.uw, items)
		must(t, err)
		if res.Created != n {
			t.Fatalf("created %d", res.Created)
		}
		if got := actions(auditSince(t, st, seq)); len(got) != 1 {
			t.Errorf("audit %v, want one entry", got)
		}
		for _, table := range []string{"policy_terms", "policy_segments", "policy_transactions"} {
			if c := count(t, st, "SELECT COUNT(*) FROM "+table+" WHERE policy_id IN (SELECT id FROM policies WHERE source = 'declared')"); c != n {
				t.Errorf("%s: %d rows", table, c)
			}
		}
		if c := count(t, st, "SELECT COUNT(DISTINCT number) FROM policies WHERE source = 'declared'"); c != n {
			t.Errorf("%d distinct numbers", c)
		}
		// Every policy's rows agree with its item.
		if c := count(t, st, `SELECT COUNT(*) FROM policies pol JOIN policy_terms pt ON pt.policy_id = pol.id AND pt.term_no = 1
			JOIN policy_segments g ON g.term_id = pt.id JOIN policy_transactions x ON x.term_id = pt.id
			WHERE pol.source = 'declared' AND pt.start_date = pol.inception_date AND g.end_date = pol.expiry_date
			AND x.amount = pol.premium AND pt.written_premium = pol.premium AND pt.sum_insured = pol.sum_insured`); c != n {
			t.Errorf("%d consistent policies", c)
		}
		// Each segment holds exactly the terms cover.NewTerms gives for its item.
		for i, it := range res.Items {
			var got string
			if err := st.RawDB().QueryRow(`SELECT terms FROM policy_segments WHERE policy_id = $1`, it.PolicyID).Scan(&got); err != nil {
				t.Fatal(err)
			}
			def := defs[items[i].ProductCode]
			want, _ := json.Marshal(cover.NewTerms(&def, items[i].Limit, items[i].Retention, items[i].RetroDate))
			if got != string(want) {
				t.Fatalf("item %d: terms\n%s\nwant\n%s", i, got, want)
			}
		}
		pol, err := st.GetPolicy(f.uw, res.Items[n-1].PolicyID)
		must(t, err)
		if pol.ExternalRef != items[n-1].ExternalRef || pol.Terms.AggregateLimit != items[n-1].Limit || pol.Premium != items[n-1].Premium {
			t.Errorf("last policy %+v", pol)
		}
		// Ids stay unique for policies written one by one afterwards.
		again, err := st.DeclarePolicies(f.uw, []store.DeclaredPolicy{f.item("AFTER-0001", 0, "2031-01-01")})
		must(t, err)
		if again.Items[0].PolicyID <= res.Items[n-1].PolicyID {
			t.Errorf("id %d after %d", again.Items[0].PolicyID, res.Items[n-1].PolicyID)
		}
	})
}

// Two callers sending the same batch at once: one creates the policies, the
// other finds them unchanged.
func TestDeclarePoliciesConcurrent(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		f := newDeclFixture(t, st)
		admin := as(t, st, "ins1.admin")
		items := make([]store.DeclaredPolicy, 50)
		for i := range items {
			items[i] = f.item(fmt.Sprintf("RACE-%04d", i), i%len(f.ents), fmt.Sprintf("%04d-01-01", 2026+i/len(f.ents)))
		}
		var wg sync.WaitGroup
		results := make([]*store.DeclareResult, 2)
		errs := make([]error, 2)
		for i, ctx := range []context.Context{f.uw, admin} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[i], errs[i] = st.DeclarePolicies(ctx, items)
			}()
		}
		wg.Wait()
		must(t, errors.Join(errs...))
		if c := results[0].Created + results[1].Created; c != len(items) || results[0].Unchanged+results[1].Unchanged != len(items) {
			t.Errorf("created %d+%d, unchanged %d+%d", results[0].Created, results[1].Created, results[0].Unchanged, results[1].Unchanged)
		}
		if c := count(t, st, "SELECT COUNT(*) FROM policies WHERE source = 'declared'"); c != int64(len(items)) {
			t.Errorf("%d policies", c)
		}
	})
}
