package store_test

import (
	"context"
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

// uwFixture is a small pilot with ins1's underwriter, ent1's users, a
// published product of ins1 that auto-quotes anything (no envelope) and one
// with the seed envelope (which refers an ungraded enterprise).
type uwFixture struct {
	st                  *store.Store
	clk                 *clock
	ent, other, ins     int64
	entAdmin, entMember context.Context
	otherAdmin          context.Context
	uw, ins2            context.Context
	prov                int64
	open, strict        *store.Product
}

const yuan = 100

func uwDefinition(prov int64) cover.Definition {
	d := *rating.SeedDefinition()
	d.Providers = []int64{prov}
	return d
}

func newUWFixture(t *testing.T, st *store.Store) *uwFixture {
	t.Helper()
	f := &uwFixture{st: st, clk: setClock(st, t0)}
	loadPilot(t, st)
	f.entAdmin, f.entMember = as(t, st, "ent1.admin"), as(t, st, "ent1.member")
	f.otherAdmin = as(t, st, "ent2.admin")
	f.ent = anbao.PrincipalFrom(f.entAdmin).OrgID
	f.other = anbao.PrincipalFrom(f.otherAdmin).OrgID
	f.uw, f.ins2 = as(t, st, "ins1.uw"), as(t, st, "ins2.admin")
	f.ins = anbao.PrincipalFrom(f.uw).OrgID
	f.prov = anbao.PrincipalFrom(as(t, st, "prov1.admin")).OrgID
	for _, c := range rating.SeedDefinition().Exclusions {
		_, err := st.AddClause(f.uw, store.ClauseInput{Code: c.Code, TitleZH: c.TitleZH, TitleEN: c.TitleEN,
			TextZH: "因" + c.TitleZH + "导致的损失，保险人不负责赔偿。", TextEN: "Loss caused by " + c.TitleEN + " is excluded."})
		must(t, err)
	}
	open := rating.SeedConfig()
	open.Envelope = rating.Envelope{}
	f.open = f.product(t, "SME-OPEN", *open)
	f.strict = f.product(t, "SME-STRICT", *rating.SeedConfig())
	return f
}

func (f *uwFixture) product(t *testing.T, code string, cfg rating.Config) *store.Product {
	t.Helper()
	pr, err := f.st.CreateProduct(f.uw, store.ProductInput{Code: code, NameZH: "网络安全保险（" + code + "）", NameEN: "Cyber " + code,
		ProductVersionInput: store.ProductVersionInput{RegistrationNo: "C00010830612020012322442", Definition: uwDefinition(f.prov), Rating: cfg}})
	must(t, err)
	pr, err = f.st.PublishProduct(f.uw, pr.ID, 0)
	must(t, err)
	return pr
}

func (f *uwFixture) request(t *testing.T, products []int64, opts ...store.QuoteOption) *store.QuoteRequest {
	t.Helper()
	r, err := f.st.RequestQuotes(f.entAdmin, f.ent, store.QuoteRequestInput{Products: products, Options: opts,
		InceptionDate: "2026-04-01", RetroDate: "2025-04-01"})
	must(t, err)
	return r
}

// bound takes a quoted option of the open product through bind.
func (f *uwFixture) bound(t *testing.T, limit, retention int64) (*store.Quote, *store.Policy) {
	t.Helper()
	r := f.request(t, []int64{f.open.ID}, store.QuoteOption{Limit: limit, Retention: retention})
	q := r.Quotes[0]
	if q.Status != store.QuoteQuoted {
		t.Fatalf("status %s, want quoted: %+v", q.Status, q.Reasons)
	}
	q, err := f.st.RequestBind(f.entAdmin, q.ID, q.Version)
	must(t, err)
	for _, c := range q.Contingencies {
		if c.Kind == cover.PreBind {
			q, err = f.st.ResolveContingency(f.uw, q.ID, c.ID, store.ContSatisfied, "已收到签章投保单")
			must(t, err)
		}
	}
	pol, err := f.st.BindQuote(f.uw, q.ID, 0)
	must(t, err)
	return q, pol
}

func TestProductDesign(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		f := newUWFixture(t, st)
		valid := func() store.ProductInput {
			return store.ProductInput{Code: "NEW-1", NameZH: "新产品", ProductVersionInput: store.ProductVersionInput{
				RegistrationNo: "C00010830612020012322442", Definition: uwDefinition(f.prov), Rating: *rating.SeedConfig()}}
		}
		spoil := func(fn func(*store.ProductInput)) store.ProductInput { in := valid(); fn(&in); return in }
		bad := []struct {
			name      string
			ctx       context.Context
			in        store.ProductInput
			code, key string
		}{
			{"enterprise", f.entAdmin, valid(), anbao.EFORBIDDEN, "error.forbidden"},
			{"registration number", f.uw, spoil(func(in *store.ProductInput) { in.RegistrationNo = "C123" }), anbao.EINVALID, "uw.product.regno_format"},
			{"sublimit above limit", f.uw, spoil(func(in *store.ProductInput) { in.Definition.Coverages[4].Sublimit = 30_000_000 * yuan }),
				anbao.EINVALID, "uw.product.sublimit_above_limit"},
			{"limit below deductible", f.uw, spoil(func(in *store.ProductInput) { in.Definition.Coverages[7].Deductible = 2_000_000 * yuan }),
				anbao.EINVALID, "uw.product.limit_below_deductible"},
			{"unknown clause", f.uw, spoil(func(in *store.ProductInput) { in.Definition.Exclusions[0].Version = 9 }),
				anbao.EINVALID, "uw.product.clause_unknown"},
			{"not a provider", f.uw, spoil(func(in *store.ProductInput) { in.Definition.Providers = []int64{f.ent} }),
				anbao.EINVALID, "uw.product.provider_unknown"},
			{"bad rating", f.uw, spoil(func(in *store.ProductInput) { in.Rating.BaseRates = nil }), anbao.EINVALID, ""},
			{"code taken", f.uw, spoil(func(in *store.ProductInput) { in.Code = "SME-OPEN" }), anbao.EINVALID, "uw.product.code_exists"},
			{"code format", f.uw, spoil(func(in *store.ProductInput) { in.Code = "a b" }), anbao.EINVALID, "uw.product.code_format"},
		}
		for _, c := range bad {
			products, audits := count(t, st, "SELECT COUNT(*) FROM products"), auditCount(t, st)
			_, err := st.CreateProduct(c.ctx, c.in)
			if !checkErr(t, err, c.code, c.key) {
				t.Errorf("%s: wrong error", c.name)
			}
			if count(t, st, "SELECT COUNT(*) FROM products") != products || auditCount(t, st) != audits {
				t.Errorf("%s: a refused product wrote something", c.name)
			}
		}

		// A new draft after publishing; quotes go on the published version until the next publish.
		in := valid().ProductVersionInput
		in.Definition.MaxLimit = 10_000_000 * yuan
		pr, err := st.SaveProductDraft(f.uw, f.open.ID, 0, in)
		must(t, err)
		if len(pr.Versions) != 2 || pr.Versions[0].Status != store.VersionDraft || pr.PublishedVersion != 1 {
			t.Fatalf("versions after a new draft: %+v", pr.Versions)
		}
		_, err = st.SaveProductDraft(f.uw, f.open.ID, pr.Version-1, in)
		wantErr(t, err, anbao.ECONFLICT, "error.version_conflict")
		pr, err = st.PublishProduct(f.uw, f.open.ID, pr.Version)
		must(t, err)
		if pr.PublishedVersion != 2 {
			t.Fatalf("published version %d", pr.PublishedVersion)
		}
		_, err = st.PublishProduct(f.uw, f.open.ID, 0)
		wantErr(t, err, anbao.ECONFLICT, "uw.product.no_draft")

		// Who sees what: the enterprise the published product without rate
		// tables, another insurer nothing, a regulator everything.
		got, err := st.GetProduct(f.entAdmin, f.open.ID)
		must(t, err)
		if len(got.Versions) != 1 || got.Versions[0].Rating != nil || got.Versions[0].Number != 2 {
			t.Errorf("enterprise view: %d versions, rating %v", len(got.Versions), got.Versions[0].Rating != nil)
		}
		_, err = st.GetProduct(f.ins2, f.open.ID)
		wantErr(t, err, anbao.ENOTFOUND, "error.not_found")
		l, err := st.ListProducts(f.ins2, store.ProductFilter{})
		must(t, err)
		for _, p := range l.Items {
			if p.InsurerID == f.ins {
				t.Errorf("ins2 lists ins1's product %s", p.Code)
			}
		}
		_, err = st.RatePreview(f.entAdmin, f.open.ID, 0, &rating.Input{Industry: "65", Revenue: 1e9, Limit: 1e8, Retention: 1e6})
		wantErr(t, err, anbao.ENOTFOUND, "error.not_found")
		res, err := st.RatePreview(f.uw, f.open.ID, 0, &rating.Input{Industry: "65", Revenue: 10_000_000 * yuan, Grade: "B",
			ExpectedLoss: -1, Limit: 1_000_000 * yuan, Retention: 10_000 * yuan})
		must(t, err)
		var sum int64
		for _, s := range res.Trail {
			sum += s.Effect
		}
		if sum != res.Premium || res.Premium <= 0 {
			t.Errorf("preview trail sums to %d, premium %d", sum, res.Premium)
		}

		// Retiring stops quoting.
		_, err = st.RetireProduct(f.uw, f.strict.ID)
		must(t, err)
		_, err = st.RequestQuotes(f.entAdmin, f.ent, store.QuoteRequestInput{Products: []int64{f.strict.ID},
			Options: []store.QuoteOption{{Limit: 1_000_000 * yuan, Retention: 10_000 * yuan}}, InceptionDate: "2026-04-01", RetroDate: "2025-04-01"})
		wantErr(t, err, anbao.EINVALID, "uw.quote.product_unavailable")
	})
}

func TestQuoteRequestBadInput(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		f := newUWFixture(t, st)
		opt := store.QuoteOption{Limit: 1_000_000 * yuan, Retention: 10_000 * yuan}
		valid := func() store.QuoteRequestInput {
			return store.QuoteRequestInput{Products: []int64{f.open.ID}, Options: []store.QuoteOption{opt}, InceptionDate: "2026-04-01",
				RetroDate: "2025-04-01"}
		}
		spoil := func(fn func(*store.QuoteRequestInput)) store.QuoteRequestInput { in := valid(); fn(&in); return in }
		cases := []struct {
			name      string
			ctx       context.Context
			ent       int64
			in        store.QuoteRequestInput
			code, key string
		}{
			{"another enterprise", f.entAdmin, f.other, valid(), anbao.ENOTFOUND, "error.not_found"},
			{"insurer without a mandate", f.uw, f.ent, valid(), anbao.ENOTFOUND, "error.not_found"},
			{"no products", f.entAdmin, f.ent, spoil(func(in *store.QuoteRequestInput) { in.Products = nil }), anbao.EINVALID, "uw.quote.products_count"},
			{"product twice", f.entAdmin, f.ent, spoil(func(in *store.QuoteRequestInput) { in.Products = []int64{f.open.ID, f.open.ID} }),
				anbao.EINVALID, "uw.quote.product_twice"},
			{"unknown product", f.entAdmin, f.ent, spoil(func(in *store.QuoteRequestInput) { in.Products = []int64{999999} }),
				anbao.EINVALID, "uw.quote.product_unavailable"},
			{"limit too high", f.entAdmin, f.ent, spoil(func(in *store.QuoteRequestInput) {
				in.Options = []store.QuoteOption{{Limit: 50_000_000 * yuan, Retention: 10_000 * yuan}}
			}), anbao.EINVALID, "uw.quote.limit_range"},
			{"retention above limit", f.entAdmin, f.ent, spoil(func(in *store.QuoteRequestInput) {
				in.Options = []store.QuoteOption{{Limit: 200_000 * yuan, Retention: 200_000 * yuan}}
			}), anbao.EINVALID, "uw.quote.limit_below_retention"},
			{"option twice", f.entAdmin, f.ent, spoil(func(in *store.QuoteRequestInput) { in.Options = []store.QuoteOption{opt, opt} }),
				anbao.EINVALID, "uw.quote.option_twice"},
			{"inception past", f.entAdmin, f.ent, spoil(func(in *store.QuoteRequestInput) { in.InceptionDate = "2026-01-01" }),
				anbao.EINVALID, "uw.quote.inception_past"},
			{"inception bad", f.entAdmin, f.ent, spoil(func(in *store.QuoteRequestInput) { in.InceptionDate = "2026-02-30" }),
				anbao.EINVALID, "uw.date_format"},
			{"retro after inception", f.entAdmin, f.ent, spoil(func(in *store.QuoteRequestInput) { in.RetroDate = "2026-05-01" }),
				anbao.EINVALID, "uw.quote.retro_after_inception"},
			{"retro missing", f.entAdmin, f.ent, spoil(func(in *store.QuoteRequestInput) { in.RetroDate = "" }),
				anbao.EINVALID, "uw.quote.retro_required"},
			{"kind", f.entAdmin, f.ent, spoil(func(in *store.QuoteRequestInput) { in.Kind = "group" }), anbao.EINVALID, "uw.policy.kind_invalid"},
		}
		for _, c := range cases {
			quotes, audits := count(t, st, "SELECT COUNT(*) FROM quotes"), auditCount(t, st)
			_, err := st.RequestQuotes(c.ctx, c.ent, c.in)
			if !checkErr(t, err, c.code, c.key) {
				t.Errorf("%s: wrong error", c.name)
			}
			if count(t, st, "SELECT COUNT(*) FROM quotes") != quotes || auditCount(t, st) != audits {
				t.Errorf("%s: a refused request wrote something", c.name)
			}
		}
	})
}

func TestQuoteLifecycle(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		f := newUWFixture(t, st)
		r := f.request(t, []int64{f.open.ID, f.strict.ID}, store.QuoteOption{Limit: 1_000_000 * yuan, Retention: 10_000 * yuan},
			store.QuoteOption{Limit: 2_000_000 * yuan, Retention: 20_000 * yuan})
		if len(r.Quotes) != 4 {
			t.Fatalf("%d quotes, want 4", len(r.Quotes))
		}
		var open, strict *store.Quote
		for _, q := range r.Quotes {
			if q.Result == nil || len(q.Result.Trail) == 0 {
				t.Fatalf("quote %d has no trail", q.ID)
			}
			var sum int64
			for _, s := range q.Result.Trail {
				sum += s.Effect
			}
			if sum != q.Premium {
				t.Errorf("quote %d: trail sums to %d, premium %d", q.ID, sum, q.Premium)
			}
			switch {
			case q.ProductID == f.open.ID && q.Limit == 1_000_000*yuan:
				open = q
			case q.ProductID == f.strict.ID && q.Limit == 1_000_000*yuan:
				strict = q
			}
		}
		// ent1 has no answers in this pilot: ungraded, which the seed envelope refers.
		if open.Status != store.QuoteQuoted || strict.Status != store.QuoteReferred || len(strict.Reasons) == 0 {
			t.Fatalf("open %s, strict %s %+v", open.Status, strict.Status, strict.Reasons)
		}
		if open.ValidUntil != "2026-04-01" { // t0 is 2026-03-02, 30 days valid
			t.Errorf("valid until %s", open.ValidUntil)
		}
		// Insurers see their own quotes only.
		_, err := st.GetQuote(f.ins2, open.ID)
		wantErr(t, err, anbao.ENOTFOUND, "error.not_found")
		_, err = st.GetQuote(f.otherAdmin, open.ID)
		wantErr(t, err, anbao.ENOTFOUND, "error.not_found")
		queue, err := st.ListQuotes(f.uw, store.QuoteFilter{Status: store.QuoteReferred})
		must(t, err)
		if queue.Total != 2 {
			t.Errorf("referral queue %d, want 2", queue.Total)
		}

		// Illegal transitions.
		_, err = st.BindQuote(f.uw, open.ID, 0)
		wantErr(t, err, anbao.ECONFLICT, "uw.quote.state")
		_, err = st.RequestBind(f.entAdmin, strict.ID, 0)
		wantErr(t, err, anbao.ECONFLICT, "uw.quote.state")
		_, err = st.RequestBind(f.entMember, open.ID, 0)
		wantErr(t, err, anbao.EFORBIDDEN, "error.forbidden")
		_, err = st.DecideQuote(f.uw, open.ID, store.QuoteDecision{Decision: "quote", Note: "不适用"})
		wantErr(t, err, anbao.ECONFLICT, "uw.quote.state")

		// The underwriter quotes the referral at another premium: the trail explains the difference.
		q, err := st.DecideQuote(f.uw, strict.ID, store.QuoteDecision{Decision: "quote", Premium: strict.Premium + 12345, Note: "人工加费：行业风险"})
		must(t, err)
		last := q.Result.Trail[len(q.Result.Trail)-1]
		if q.Status != store.QuoteQuoted || q.Premium != strict.Premium+12345 || last.ID != "underwriter" || last.Effect != 12345 {
			t.Errorf("decided: %s %d, last step %+v", q.Status, q.Premium, last)
		}

		// An edit returns the option to draft; rating again quotes it.
		q, err = st.EditQuote(f.entAdmin, open.ID, store.QuoteEdit{Limit: 3_000_000 * yuan, Retention: 10_000 * yuan,
			InceptionDate: "2026-04-01", RetroDate: "2025-04-01"})
		must(t, err)
		if q.Status != store.QuoteDraft || q.Premium != 0 {
			t.Fatalf("after edit: %s %d", q.Status, q.Premium)
		}
		_, err = st.RequestBind(f.entAdmin, q.ID, 0)
		wantErr(t, err, anbao.ECONFLICT, "uw.quote.state")
		q, err = st.RateQuote(f.entAdmin, q.ID, q.Version)
		must(t, err)
		if q.Status != store.QuoteQuoted || q.Premium <= open.Premium {
			t.Errorf("re-rated at ¥3M: %s %d (¥1M was %d)", q.Status, q.Premium, open.Premium)
		}

		// Pre-bind contingencies block the bind until resolved.
		q, err = st.RequestBind(f.entAdmin, q.ID, q.Version)
		must(t, err)
		_, err = st.BindQuote(f.uw, q.ID, 0)
		wantErr(t, err, anbao.ECONFLICT, "uw.quote.contingencies_open")
		var pre int64
		for _, c := range q.Contingencies {
			if c.Kind == cover.PreBind {
				pre = c.ID
			}
		}
		_, err = st.ResolveContingency(f.uw, q.ID, pre, "done", "")
		wantErr(t, err, anbao.EINVALID, "uw.contingency.status_invalid")
		_, err = st.ResolveContingency(f.ins2, q.ID, pre, store.ContWaived, "")
		wantErr(t, err, anbao.ENOTFOUND, "error.not_found")
		_, err = st.ResolveContingency(f.entAdmin, q.ID, pre, store.ContWaived, "")
		wantErr(t, err, anbao.EFORBIDDEN, "error.forbidden")
		_, err = st.ResolveContingency(f.uw, q.ID, pre, store.ContWaived, "豁免")
		must(t, err)
		pol, err := st.BindQuote(f.uw, q.ID, 0)
		must(t, err)
		if pol.Premium != q.Premium || pol.Terms.AggregateLimit != 3_000_000*yuan || pol.InceptionDate != "2026-04-01" ||
			pol.ExpiryDate != "2027-04-01" || len(pol.Transactions) != 1 || pol.Transactions[0].Amount != q.Premium {
			t.Errorf("policy: %+v", pol)
		}
		// The request's other open options are not taken; post-bind contingencies follow the policy.
		l, err := st.ListQuotes(f.entAdmin, store.QuoteFilter{RequestID: r.ID})
		must(t, err)
		for _, x := range l.Items {
			if x.ID != q.ID && x.Status != store.QuoteWithdrawn && x.Status != store.QuoteDeclined {
				t.Errorf("sibling quote %d is %s after the bind", x.ID, x.Status)
			}
		}
		if len(pol.Contingencies) != 2 {
			t.Errorf("policy contingencies %d", len(pol.Contingencies))
		}
		// A second policy of the same product over the same period overlaps.
		r2 := f.request(t, []int64{f.open.ID}, store.QuoteOption{Limit: 500_000 * yuan, Retention: 10_000 * yuan})
		q2, err := st.RequestBind(f.entAdmin, r2.Quotes[0].ID, 0)
		must(t, err)
		for _, c := range q2.Contingencies {
			if c.Kind == cover.PreBind {
				_, err = st.ResolveContingency(f.uw, q2.ID, c.ID, store.ContSatisfied, "")
				must(t, err)
			}
		}
		_, err = st.BindQuote(f.uw, q2.ID, 0)
		wantErr(t, err, anbao.ECONFLICT, "uw.policy.overlap")

		// Quotes expire after their validity.
		r3 := f.request(t, []int64{f.open.ID}, store.QuoteOption{Limit: 400_000 * yuan, Retention: 10_000 * yuan})
		f.clk.set(t0.Add(31 * 24 * time.Hour))
		_, err = st.RequestBind(f.entAdmin, r3.Quotes[0].ID, 0)
		wantErr(t, err, anbao.ECONFLICT, "uw.quote.expired")
		got, err := st.GetQuote(f.entAdmin, r3.Quotes[0].ID)
		must(t, err)
		if got.Status != store.QuoteExpired {
			t.Errorf("status after validity: %s", got.Status)
		}
		n, err := st.ExpireQuotes(context.Background())
		must(t, err)
		if n < 1 {
			t.Errorf("expired %d quotes", n)
		}
	})
}

func TestConcurrentBind(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		f := newUWFixture(t, st)
		r := f.request(t, []int64{f.open.ID}, store.QuoteOption{Limit: 1_000_000 * yuan, Retention: 10_000 * yuan})
		q, err := st.RequestBind(f.entAdmin, r.Quotes[0].ID, 0)
		must(t, err)
		for _, c := range q.Contingencies {
			if c.Kind == cover.PreBind {
				_, err = st.ResolveContingency(f.uw, q.ID, c.ID, store.ContSatisfied, "")
				must(t, err)
			}
		}
		const n = 8
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = st.BindQuote(f.uw, q.ID, 0)
			}()
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			if err == nil {
				won++
			} else if anbao.ErrorCode(err) != anbao.ECONFLICT {
				t.Errorf("a losing bind failed with %v, want a conflict", err)
			}
		}
		if won != 1 {
			t.Errorf("%d binds won, want exactly 1", won)
		}
		if c := count(t, st, "SELECT COUNT(*) FROM policies"); c != 1 {
			t.Errorf("%d policies issued", c)
		}
	})
}

func TestPolicyTransactions(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		f := newUWFixture(t, st)
		_, pol := f.bound(t, 1_000_000*yuan, 10_000*yuan)
		annual := pol.Premium

		// Endorse from 2026-10-01 to a ¥2M limit: pro rata for the 182 days left of 365.
		bad := []struct {
			in        store.EndorseInput
			code, key string
		}{
			{store.EndorseInput{EffectiveDate: "2027-04-01", Limit: 2_000_000 * yuan, Retention: 10_000 * yuan, Note: "增加限额"}, anbao.EINVALID, "uw.policy.endorse_date"},
			{store.EndorseInput{EffectiveDate: "2026-03-31", Limit: 2_000_000 * yuan, Retention: 10_000 * yuan, Note: "增加限额"}, anbao.EINVALID, "uw.policy.endorse_date"},
			{store.EndorseInput{EffectiveDate: "2026-10-01", Limit: 1_000_000 * yuan, Retention: 10_000 * yuan, Note: "无变化"}, anbao.EINVALID, "uw.policy.endorse_nothing"},
			{store.EndorseInput{EffectiveDate: "2026-10-01", Limit: 90_000_000 * yuan, Retention: 10_000 * yuan, Note: "过高"}, anbao.EINVALID, "uw.quote.limit_range"},
			{store.EndorseInput{EffectiveDate: "2026-10-01", Limit: 2_000_000 * yuan, Retention: 10_000 * yuan}, anbao.EINVALID, "error.required"},
		}
		for _, c := range bad {
			before := count(t, st, "SELECT COUNT(*) FROM policy_transactions")
			_, err := st.Endorse(f.uw, pol.ID, c.in)
			checkErr(t, err, c.code, c.key)
			if count(t, st, "SELECT COUNT(*) FROM policy_transactions") != before {
				t.Errorf("refused endorsement %+v wrote a transaction", c.in)
			}
		}
		_, err := st.Endorse(f.ins2, pol.ID, store.EndorseInput{EffectiveDate: "2026-10-01", Limit: 2_000_000 * yuan, Retention: 10_000 * yuan, Note: "越权"})
		wantErr(t, err, anbao.ENOTFOUND, "error.not_found")
		_, err = st.Endorse(f.entAdmin, pol.ID, store.EndorseInput{EffectiveDate: "2026-10-01", Limit: 2_000_000 * yuan, Retention: 10_000 * yuan, Note: "越权"})
		wantErr(t, err, anbao.EFORBIDDEN, "error.forbidden")

		pol, err = st.Endorse(f.uw, pol.ID, store.EndorseInput{EffectiveDate: "2026-10-01", Limit: 2_000_000 * yuan, Retention: 10_000 * yuan, Note: "增加限额至 200 万元"})
		must(t, err)
		if len(pol.Segments) != 2 || pol.Segments[0].EndDate != "2026-10-01" || pol.Segments[1].StartDate != "2026-10-01" ||
			pol.Segments[1].Terms.AggregateLimit != 2_000_000*yuan {
			t.Fatalf("segments: %+v", pol.Segments)
		}
		newAnnual := pol.Segments[1].AnnualPremium
		// 2026-04-01 → 2027-04-01 is 365 days; 2026-10-01 → 2027-04-01 is 182.
		want := roundHalf((newAnnual-annual)*182, 365)
		endorsement := pol.Transactions[len(pol.Transactions)-1]
		if endorsement.Kind != store.TxnEndorsement || endorsement.Amount != want || pol.Premium != annual+want {
			t.Errorf("endorsement %+v, want amount %d (annual %d → %d); policy premium %d", endorsement, want, annual, newAnnual, pol.Premium)
		}
		// The terms in force follow the segments.
		if pol.Terms.AggregateLimit != 1_000_000*yuan { // t0 is before the endorsement date
			t.Errorf("terms in force on %s: limit %d", t0.Format(time.DateOnly), pol.Terms.AggregateLimit)
		}

		// Cancel pro rata from 2026-12-01 (244 of 365 days in force), then reinstate.
		_, err = st.Cancel(f.uw, pol.ID, store.CancelInput{EffectiveDate: "2026-12-01", Method: "flat", ReasonCode: "insured_request"})
		wantErr(t, err, anbao.EINVALID, "")
		_, err = st.Cancel(f.uw, pol.ID, store.CancelInput{EffectiveDate: "2026-12-01", Method: "pro_rata", ReasonCode: "bored"})
		wantErr(t, err, anbao.EINVALID, "uw.policy.reason_invalid")
		written := pol.Premium
		pol, err = st.Cancel(f.uw, pol.ID, store.CancelInput{EffectiveDate: "2026-12-01", Method: "pro_rata", ReasonCode: "insured_request", Note: "客户申请"})
		must(t, err)
		// 2026-04-01 → 10-01 (183 days) at the old annual premium, 10-01 → 12-01 (61 days) at the new one.
		earned := roundHalf(annual*183, 365) + roundHalf(newAnnual*61, 365)
		if pol.Status != store.PolicyCancelled || pol.Premium != earned || pol.Transactions[len(pol.Transactions)-1].Amount != earned-written {
			t.Errorf("cancelled: status %s premium %d, want earned %d of %d", pol.Status, pol.Premium, earned, written)
		}
		_, err = st.Endorse(f.uw, pol.ID, store.EndorseInput{EffectiveDate: "2026-12-15", Limit: 3_000_000 * yuan, Retention: 10_000 * yuan, Note: "已退保"})
		wantErr(t, err, anbao.ECONFLICT, "uw.policy.state")
		pol, err = st.Reinstate(f.uw, pol.ID, "客户撤回退保申请", 0)
		must(t, err)
		if pol.Status != store.PolicyActive || pol.Premium != written {
			t.Errorf("reinstated: %s %d, want active %d", pol.Status, pol.Premium, written)
		}
		_, err = st.Reinstate(f.uw, pol.ID, "再次复效", 0)
		wantErr(t, err, anbao.ECONFLICT, "uw.policy.state")
		// Premium = Σ transactions of the term, always.
		var sum int64
		for _, x := range pol.Transactions {
			sum += x.Amount
		}
		if sum != pol.Premium {
			t.Errorf("transactions sum to %d, policy premium %d", sum, pol.Premium)
		}

		// Subsidies: at most the premium; a risk notice from the insured; the insurer acknowledges once.
		_, err = st.AddSubsidy(f.uw, pol.ID, store.SubsidyInput{Jurisdiction: pol.Jurisdiction, Grantor: "省工业和信息化厅",
			LocalPolicy: "网络安全保险保费补贴试点通知", Amount: pol.Premium + 1})
		wantErr(t, err, anbao.EINVALID, "uw.subsidy.amount")
		pol, err = st.AddSubsidy(f.uw, pol.ID, store.SubsidyInput{Jurisdiction: pol.Jurisdiction, Grantor: "省工业和信息化厅",
			LocalPolicy: "网络安全保险保费补贴试点通知", Amount: pol.Premium / 2})
		must(t, err)
		if len(pol.Subsidies) != 1 {
			t.Errorf("subsidies %d", len(pol.Subsidies))
		}
		_, err = st.RaiseRiskNotice(f.otherAdmin, pol.ID, store.RiskNoticeInput{Kind: "mlps_level_lost", Detail: "不是我的保单"})
		wantErr(t, err, anbao.ENOTFOUND, "error.not_found")
		n, err := st.RaiseRiskNotice(f.entAdmin, pol.ID, store.RiskNoticeInput{Kind: "mlps_level_lost", Detail: "核心业务系统等保三级测评未通过，降为二级"})
		must(t, err)
		pending, err := st.ListRiskNotices(f.uw, true)
		must(t, err)
		if len(pending) != 1 || pending[0].ID != n.ID {
			t.Errorf("pending notices %+v", pending)
		}
		others, err := st.ListRiskNotices(f.ins2, true)
		must(t, err)
		if len(others) != 0 {
			t.Errorf("ins2 sees %d of ins1's notices", len(others))
		}
		_, err = st.AcknowledgeRiskNotice(f.ins2, n.ID, "收到")
		wantErr(t, err, anbao.ENOTFOUND, "error.not_found")
		_, err = st.AcknowledgeRiskNotice(f.uw, n.ID, "已收到，将安排复评")
		must(t, err)
		_, err = st.AcknowledgeRiskNotice(f.uw, n.ID, "再次确认")
		wantErr(t, err, anbao.ECONFLICT, "uw.notice.acknowledged")
	})
}

func roundHalf(n, d int64) int64 {
	if n < 0 {
		return -((-n + d/2) / d)
	}
	return (n + d/2) / d
}

func TestRenewal(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		f := newUWFixture(t, st)
		_, pol := f.bound(t, 1_000_000*yuan, 10_000*yuan)
		_, err := st.RenewPolicy(f.uw, pol.ID)
		wantErr(t, err, anbao.ECONFLICT, "uw.renew.too_early")
		// 40 days before the end nothing has changed: renewed at once as term 2.
		f.clk.set(time.Date(2027, 2, 20, 2, 0, 0, 0, time.UTC))
		res, err := st.RenewPolicy(f.uw, pol.ID)
		must(t, err)
		if !res.Automatic || res.Term != 2 || res.Delta.Material || res.Policy.ExpiryDate != "2028-04-01" || res.Policy.CurrentTerm != 2 {
			t.Fatalf("renewal: %+v %+v", res, res.Delta)
		}
		if res.Policy.Premium != res.Delta.PremiumAfter {
			t.Errorf("renewed premium %d, delta says %d", res.Policy.Premium, res.Delta.PremiumAfter)
		}

		// A second policy: revenue doubled since binding, which is material.
		_, pol2 := func() (*store.Quote, *store.Policy) {
			f.clk.set(t0)
			r := f.request(t, []int64{f.strict.ID}, store.QuoteOption{Limit: 1_000_000 * yuan, Retention: 10_000 * yuan})
			q, err := st.DecideQuote(f.uw, r.Quotes[0].ID, store.QuoteDecision{Decision: "quote", Note: "人工核保通过"})
			must(t, err)
			q, err = st.RequestBind(f.entAdmin, q.ID, 0)
			must(t, err)
			for _, c := range q.Contingencies {
				if c.Kind == cover.PreBind {
					_, err = st.ResolveContingency(f.uw, q.ID, c.ID, store.ContSatisfied, "")
					must(t, err)
				}
			}
			p, err := st.BindQuote(f.uw, q.ID, 0)
			must(t, err)
			return q, p
		}()
		if _, err := st.RawDB().Exec("UPDATE organisations SET revenue_fen = revenue_fen * 2 + 100000000 WHERE id = $1", f.ent); err != nil {
			t.Fatal(err)
		}
		f.clk.set(time.Date(2027, 2, 20, 2, 0, 0, 0, time.UTC))
		res, err = st.RenewPolicy(f.uw, pol2.ID)
		must(t, err)
		if res.Automatic || res.QuoteID == 0 || !res.Delta.Material {
			t.Fatalf("material renewal: %+v", res)
		}
		_, err = st.RenewPolicy(f.uw, pol2.ID)
		wantErr(t, err, anbao.ECONFLICT, "uw.renew.pending")
		// Neither side edits a renewal quote back into an unreferred one.
		_, err = st.EditQuote(f.entMember, res.QuoteID, store.QuoteEdit{Limit: 1_000_000 * yuan, Retention: 10_000 * yuan,
			InceptionDate: "2027-02-21", RetroDate: "2025-04-01"})
		wantErr(t, err, anbao.ECONFLICT, "uw.quote.renewal_fixed")
		q, err := st.GetQuote(f.entAdmin, res.QuoteID)
		must(t, err)
		if q.Status != store.QuoteReferred || q.RenewalOf != pol2.ID || q.InceptionDate != pol2.ExpiryDate {
			t.Fatalf("renewal quote: %s renewal_of %d inception %s", q.Status, q.RenewalOf, q.InceptionDate)
		}
		found := false
		for _, r := range q.Reasons {
			found = found || r.Code == "renewal.revenue"
		}
		if !found {
			t.Errorf("renewal reasons %+v lack the revenue change", q.Reasons)
		}
		// Binding the renewal quote adds term 2 to the same policy.
		q, err = st.DecideQuote(f.uw, q.ID, store.QuoteDecision{Decision: "quote", Note: "收入增长已核实"})
		must(t, err)
		q, err = st.RequestBind(f.entAdmin, q.ID, 0)
		must(t, err)
		for _, c := range q.Contingencies {
			if c.Kind == cover.PreBind {
				_, err = st.ResolveContingency(f.uw, q.ID, c.ID, store.ContSatisfied, "")
				must(t, err)
			}
		}
		p, err := st.BindQuote(f.uw, q.ID, 0)
		must(t, err)
		if p.ID != pol2.ID || p.CurrentTerm != 2 || len(p.PolicyTerms) != 2 || p.Number != pol2.Number {
			t.Errorf("renewal bind: policy %d term %d (%d terms)", p.ID, p.CurrentTerm, len(p.PolicyTerms))
		}
		if c := count(t, st, "SELECT COUNT(*) FROM policies"); c != 2 {
			t.Errorf("%d policies after renewals, want 2", c)
		}
	})
}

func TestParkPolicy(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		f := newUWFixture(t, st)
		r, err := st.RequestQuotes(f.entAdmin, f.ent, store.QuoteRequestInput{Products: []int64{f.open.ID}, Kind: store.PolicyParkMaster,
			Options: []store.QuoteOption{{Limit: 10_000_000 * yuan, Retention: 10_000 * yuan}}, InceptionDate: "2026-04-01", RetroDate: "2025-04-01"})
		must(t, err)
		q, err := st.RequestBind(f.entAdmin, r.Quotes[0].ID, 0)
		must(t, err)
		for _, c := range q.Contingencies {
			if c.Kind == cover.PreBind {
				_, err = st.ResolveContingency(f.uw, q.ID, c.ID, store.ContSatisfied, "")
				must(t, err)
			}
		}
		pol, err := st.BindQuote(f.uw, q.ID, 0)
		must(t, err)
		if pol.Kind != store.PolicyParkMaster {
			t.Fatalf("kind %s", pol.Kind)
		}
		in := store.ParkMemberInput{EnterpriseID: f.other, Limit: 1_000_000 * yuan, Premium: 3_000 * yuan, JoinedDate: "2026-04-01"}
		// An enterprise that never dealt with the insurer cannot be made a member
		// (that would open it to the insurer); once it asked for a quote it can.
		if _, err := st.RawDB().Exec("UPDATE relationships SET ended_at = 'x' WHERE party_org_id = $1 AND enterprise_id = $2", f.ins, f.other); err != nil {
			t.Fatal(err)
		}
		_, err = st.AddParkMember(f.uw, pol.ID, in)
		wantErr(t, err, anbao.EINVALID, "uw.park.member_invalid")
		_, err = st.RequestQuotes(f.otherAdmin, f.other, store.QuoteRequestInput{Products: []int64{f.open.ID},
			Options: []store.QuoteOption{{Limit: 500_000 * yuan, Retention: 10_000 * yuan}}, InceptionDate: "2026-04-01", RetroDate: "2025-04-01"})
		must(t, err)
		_, err = st.AddParkMember(f.uw, pol.ID, store.ParkMemberInput{EnterpriseID: f.other, Limit: 99_000_000 * yuan, JoinedDate: "2026-04-01"})
		wantErr(t, err, anbao.EINVALID, "uw.park.limit_range")
		_, err = st.AddParkMember(f.uw, pol.ID, store.ParkMemberInput{EnterpriseID: f.other, Limit: yuan, JoinedDate: "2027-05-01"})
		wantErr(t, err, anbao.EINVALID, "uw.park.joined_outside")
		_, err = st.AddParkMember(f.uw, pol.ID, store.ParkMemberInput{EnterpriseID: f.ins, Limit: yuan, JoinedDate: "2026-04-01"})
		wantErr(t, err, anbao.EINVALID, "uw.park.member_invalid")
		pol, err = st.AddParkMember(f.uw, pol.ID, in)
		must(t, err)
		_, err = st.AddParkMember(f.uw, pol.ID, in)
		wantErr(t, err, anbao.EINVALID, "uw.park.member_exists")
		if len(pol.Members) != 1 || pol.Members[0].CertificateNo != pol.Number+"-0001" {
			t.Fatalf("members %+v", pol.Members)
		}
		// The member sees the master policy with its own membership only.
		got, err := st.GetPolicy(f.otherAdmin, pol.ID)
		must(t, err)
		if len(got.Members) != 1 || got.Members[0].EnterpriseID != f.other {
			t.Errorf("member view %+v", got.Members)
		}
		if got.Premium != 0 || len(got.Transactions) != 0 || got.PolicyTerms[0].RatingInput != nil || got.PolicyTerms[0].WrittenPremium != 0 {
			t.Errorf("a member sees the holder's premium %d, %d transactions or rating facts", got.Premium, len(got.Transactions))
		}
		l, err := st.ListPolicies(f.otherAdmin, store.PolicyFilter{Kind: store.PolicyParkMaster})
		must(t, err)
		if len(l.Items) != 1 || l.Items[0].Premium != 0 {
			t.Errorf("the member's list shows the master policy's premium: %+v", l.Items)
		}
		// The holder's risk notices stay the holder's.
		_, err = st.RaiseRiskNotice(f.entAdmin, pol.ID, store.RiskNoticeInput{Kind: "business_change", Detail: "园区运营方更换核心系统"})
		must(t, err)
		ns, err := st.ListRiskNotices(f.otherAdmin, false)
		must(t, err)
		if len(ns) != 0 {
			t.Errorf("a member sees %d of the holder's notices", len(ns))
		}
		// A third enterprise sees nothing.
		third := as(t, st, "ent3.admin")
		_, err = st.GetPolicy(third, pol.ID)
		wantErr(t, err, anbao.ENOTFOUND, "error.not_found")
		pol, err = st.RemoveParkMember(f.uw, pol.ID, pol.Members[0].ID, "2026-09-01")
		must(t, err)
		if pol.Members[0].LeftDate != "2026-09-01" {
			t.Errorf("left date %q", pol.Members[0].LeftDate)
		}
	})
}

func TestRiskIncreaseWatch(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		f := newUWFixture(t, st)
		sys, err := st.CreateMLPSSystem(f.entAdmin, f.ent, store.MLPSSystemInput{Name: "核心业务系统", Level: 3})
		must(t, err)
		_, pol := f.bound(t, 1_000_000*yuan, 10_000*yuan)
		if len(pol.PolicyTerms) != 1 || pol.PolicyTerms[0].RatingInput == nil || pol.PolicyTerms[0].RatingInput.MLPSLevel != 3 {
			t.Fatalf("the term's rating snapshot lacks the MLPS level: %+v", pol.PolicyTerms[0].RatingInput)
		}
		n, err := st.ScanRiskIncreases(context.Background())
		must(t, err)
		if n != 0 {
			t.Errorf("%d notices while nothing changed", n)
		}
		// The system is re-graded to level 2: the watch raises one notice, once.
		_, err = st.UpdateMLPSSystem(f.entAdmin, f.ent, sys.ID, store.MLPSSystemInput{Name: "核心业务系统", Level: 2})
		must(t, err)
		for i, want := range []int{1, 0} {
			rep, err := st.WatchPolicies(context.Background())
			must(t, err)
			if rep.Notices != want {
				t.Errorf("run %d raised %d notices, want %d", i, rep.Notices, want)
			}
		}
		pending, err := st.ListRiskNotices(f.uw, true)
		must(t, err)
		if len(pending) != 1 || pending[0].Kind != "mlps_level_lost" || pending[0].PolicyID != pol.ID {
			t.Fatalf("pending notices: %+v", pending)
		}
		// The renewal sees the lost level as material.
		f.clk.set(time.Date(2027, 2, 20, 2, 0, 0, 0, time.UTC))
		rep, err := st.WatchPolicies(context.Background())
		must(t, err)
		if rep.Renewed != 0 || rep.Referred != 1 {
			t.Errorf("renewal run: %+v, want one referral", rep)
		}
	})
}

func TestUnderwritingPrivacy(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		f := newUWFixture(t, st)
		// A revoked share does not come back when the enterprise asks for a quote.
		if _, err := st.GrantShare(f.entAdmin, f.ent, f.ins); anbao.ErrorCode(err) != anbao.ECONFLICT {
			must(t, err) // the pilot may already share ent1's assessment with ins1
		}
		_, err := st.CurrentScore(f.uw, f.ent)
		must(t, err)
		must(t, st.RevokeShare(f.entAdmin, f.ent, f.ins))
		_, err = st.CurrentScore(f.uw, f.ent)
		wantErr(t, err, anbao.ENOTFOUND, "error.not_found")
		f.request(t, []int64{f.open.ID}, store.QuoteOption{Limit: 1_000_000 * yuan, Retention: 10_000 * yuan})
		_, err = st.CurrentScore(f.uw, f.ent)
		wantErr(t, err, anbao.ENOTFOUND, "error.not_found")

		// Rating facts: the insurer's underwriter and the insured see them; a
		// regulator of the jurisdiction and a claims handler see the policy without them.
		_, pol := f.bound(t, 2_000_000*yuan, 10_000*yuan)
		pol, err = st.Endorse(f.uw, pol.ID, store.EndorseInput{EffectiveDate: "2026-10-01", Limit: 3_000_000 * yuan, Retention: 10_000 * yuan, Note: "增加限额"})
		must(t, err)
		if pol.PolicyTerms[0].RatingInput == nil || !strings.Contains(string(pol.Transactions[1].Details), `"rating"`) {
			t.Fatal("the underwriter lacks the rating facts")
		}
		var jur string
		if err := st.RawDB().QueryRow("SELECT jurisdiction FROM organisations WHERE id = $1", f.ent).Scan(&jur); err != nil {
			t.Fatal(err)
		}
		reg := ctxOf(&anbao.Principal{UserID: 1, Username: "reg", OrgID: 1, OrgKind: anbao.KindRegulator, Jurisdiction: jur, Roles: []anbao.Role{anbao.RoleAdmin}})
		claims := ctxOf(&anbao.Principal{UserID: 1, Username: "claims", OrgID: f.ins, OrgKind: anbao.KindInsurer, Roles: []anbao.Role{anbao.RoleClaimsHandler}})
		for name, ctx := range map[string]context.Context{"regulator": reg, "claims handler": claims} {
			got, err := st.GetPolicy(ctx, pol.ID)
			must(t, err)
			for _, term := range got.PolicyTerms {
				if term.RatingInput != nil {
					t.Errorf("%s sees the rating facts of term %d", name, term.TermNo)
				}
			}
			for _, x := range got.Transactions {
				if strings.Contains(string(x.Details), `"rating"`) || strings.Contains(string(x.Details), `"grade"`) {
					t.Errorf("%s sees rating facts in a %s transaction", name, x.Kind)
				}
			}
			if got.Premium != pol.Premium {
				t.Errorf("%s sees premium %d, want %d", name, got.Premium, pol.Premium)
			}
		}

		// A declared policy is renewed in the insurer's own system.
		var uscc string
		if err := st.RawDB().QueryRow("SELECT uscc FROM organisations WHERE id = $1", f.ent).Scan(&uscc); err != nil {
			t.Fatal(err)
		}
		dr, err := st.DeclarePolicies(f.uw, []store.DeclaredPolicy{{ExternalRef: "CY-2026-000123", ProductCode: "SME-STRICT", EnterpriseUSCC: uscc,
			InceptionDate: "2026-03-01", ExpiryDate: "2027-03-01", Limit: 1_000_000 * yuan, Retention: 10_000 * yuan, Premium: 9_000 * yuan,
			RetroDate: "2025-03-01"}})
		must(t, err)
		f.clk.set(time.Date(2027, 2, 1, 2, 0, 0, 0, time.UTC))
		_, err = st.RenewPolicy(f.uw, dr.Items[0].PolicyID)
		wantErr(t, err, anbao.ECONFLICT, "uw.renew.declared")
	})
}

func TestIntermediaryMandate(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		f := newUWFixture(t, st)
		broker := f.ins2
		brokerOrg := anbao.PrincipalFrom(broker).OrgID
		in := store.QuoteRequestInput{Products: []int64{f.open.ID}, Options: []store.QuoteOption{{Limit: 1_000_000 * yuan, Retention: 10_000 * yuan}},
			InceptionDate: "2026-04-01", RetroDate: "2025-04-01"}
		// Without a mandate an insurer asks for nobody; nothing is written.
		quotes := count(t, st, "SELECT COUNT(*) FROM quotes")
		_, err := st.RequestQuotes(broker, f.ent, in)
		wantErr(t, err, anbao.ENOTFOUND, "error.not_found")
		_, err = st.GrantMandate(f.entMember, f.ent, brokerOrg)
		wantErr(t, err, anbao.EFORBIDDEN, "error.forbidden")
		_, err = st.GrantMandate(f.entAdmin, f.ent, f.prov)
		wantErr(t, err, anbao.EINVALID, "uw.mandate.not_intermediary")
		if count(t, st, "SELECT COUNT(*) FROM quotes") != quotes {
			t.Fatal("a refused request wrote quotes")
		}
		_, err = st.GrantMandate(f.entAdmin, f.ent, brokerOrg)
		must(t, err)
		_, err = st.GrantMandate(f.entAdmin, f.ent, brokerOrg)
		wantErr(t, err, anbao.ECONFLICT, "uw.mandate.exists")

		// The intermediary asks ins1's product; it reads the request and the
		// quote, the insurer underwrites it, the intermediary cannot.
		r, err := st.RequestQuotes(broker, f.ent, in)
		must(t, err)
		q := r.Quotes[0]
		if q.InsurerID != f.ins || q.EnterpriseID != f.ent {
			t.Fatalf("quote %+v", q)
		}
		if _, err := st.GetQuoteRequest(broker, r.ID); err != nil {
			t.Errorf("the intermediary cannot read its request: %v", err)
		}
		if _, err := st.GetQuote(f.entAdmin, q.ID); err != nil {
			t.Errorf("the enterprise cannot read the quote asked for it: %v", err)
		}
		_, err = st.WithdrawQuote(broker, q.ID, 0)
		wantErr(t, err, anbao.ENOTFOUND, "error.not_found")
		_, err = st.RequestBind(f.entAdmin, q.ID, 0)
		must(t, err)
		_, err = st.BindQuote(broker, q.ID, 0)
		wantErr(t, err, anbao.ENOTFOUND, "error.not_found")
		// Other quotes of ins1 stay ins1's.
		l, err := st.ListQuotes(broker, store.QuoteFilter{Page: anbao.Page{Limit: 500}})
		must(t, err)
		for _, x := range l.Items {
			if x.RequestID != r.ID && x.InsurerID != brokerOrg {
				t.Errorf("the intermediary lists quote %d of a request it did not make", x.ID)
			}
		}
		ms, err := st.ListMandates(f.entAdmin, f.ent)
		must(t, err)
		if len(ms) != 1 || !ms[0].Active {
			t.Errorf("mandates %+v", ms)
		}
		// Revoked: no more requests.
		must(t, st.RevokeMandate(f.entAdmin, f.ent, brokerOrg))
		_, err = st.RequestQuotes(broker, f.ent, in)
		wantErr(t, err, anbao.ENOTFOUND, "error.not_found")
	})
}
