package demo

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/cover"
	"github.com/anbao/anbao/rating"
)

// uwNow is the clock the tests generate for: the book's dates are fixed, the
// open quotes follow it.
var uwNow = time.Date(2026, 11, 29, 2, 0, 0, 0, time.UTC)

func uwPilot(seed uint64, n int) (*Pilot, []Assessment, *Underwriting) {
	p := Generate(seed, n)
	as := GenerateAssessments(p, seed)
	return p, as, GenerateUnderwriting(p, as, seed, uwNow)
}

// The same seed and clock give the same underwriting.
func TestDemoUnderwritingDeterministic(t *testing.T) {
	_, _, a := uwPilot(5, 600)
	_, _, b := uwPilot(5, 600)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two generations from one seed differ")
	}
	if len(a.Policies) < 400 || len(a.Products) != 15 {
		t.Errorf("600 enterprises: %d policies, %d products", len(a.Policies), len(a.Products))
	}
	_, _, small := uwPilot(5, 30)
	if len(small.Policies) == 0 {
		t.Error("a 30-enterprise pilot has no policies")
	}
}

// The book matches the first batch's results for the default pilot and for
// other seeds: count, premium, sum insured, and their spread.
func TestDemoUnderwritingTotals(t *testing.T) {
	for _, seed := range []uint64{2026, 1, 42} {
		p, _, u := uwPilot(seed, 2000)
		n, premium, sum := u.Totals()
		t.Logf("seed %d: %d policies, premium %s, sum insured %s, %d requests", seed, n, cover.Yuan(premium), cover.Yuan(sum), len(u.Requests))
		if n < 1450 || n > 1600 {
			t.Errorf("seed %d: %d policies, want 1450–1600", seed, n)
		}
		if lo, hi := int64(127_500_000*100), int64(172_500_000*100); premium < lo || premium > hi {
			t.Errorf("seed %d: premium %s, want CNY 150 million ± 15%%", seed, cover.Yuan(premium))
		}
		if lo, hi := int64(9_775_000_000*100), int64(13_225_000_000*100); sum < lo || sum > hi {
			t.Errorf("seed %d: sum insured %s, want CNY 11.5 billion ± 15%%", seed, cover.Yuan(sum))
		}
		if seed != 2026 {
			continue
		}
		// Weighted to telecoms and internet, industry and finance; mostly SMEs;
		// every insurer, unevenly; most in force, some expired.
		var sec = map[string]int{}
		var size = map[anbao.SizeClass]int{}
		var byIns = map[int]int{}
		var source = map[string]int{}
		jur := map[string]bool{}
		active, expired := 0, 0
		today := ds(parseDay(uwNow.In(anbao.Shanghai).Format(time.DateOnly)))
		for i := range u.Policies {
			pol := &u.Policies[i]
			o := p.Orgs[pol.EnterpriseRef]
			sec[rating.Section(o.Profile.Industry)]++
			size[o.Profile.Size]++
			byIns[pol.InsurerRef]++
			source[pol.Source]++
			jur[o.Jurisdiction] = true
			if s := pol.Terms[0].Start; s < "2024-01-01" || s > "2026-11-30" {
				t.Errorf("policy %d incepts %s", i, s)
			}
			switch cur := pol.Terms[len(pol.Terms)-1]; {
			case cur.Status == "cancelled":
			case cur.End > today:
				active++
			default:
				expired++
			}
		}
		if share := float64(sec["I"]+sec["C"]+sec["J"]) / float64(n); share < 0.7 {
			t.Errorf("I, C and J hold %.0f%% of the policies", 100*share)
		}
		ents := map[string]int{}
		total := 0
		for _, ref := range p.Refs(anbao.KindEnterprise) {
			ents[rating.Section(p.Orgs[ref].Profile.Industry)]++
			total++
		}
		for _, s := range []string{"I", "J"} {
			if float64(sec[s])/float64(n) < 1.5*float64(ents[s])/float64(total) {
				t.Errorf("section %s: %d of %d policies against %d of %d enterprises", s, sec[s], n, ents[s], total)
			}
		}
		if sme := n - size[anbao.SizeLarge]; float64(sme) < 0.75*float64(n) {
			t.Errorf("SMEs hold %d of %d policies", sme, n)
		}
		lo, hi := n, 0
		for _, ref := range p.Refs(anbao.KindInsurer) {
			lo, hi = min(lo, byIns[ref]), max(hi, byIns[ref])
		}
		if lo == 0 || hi < 2*lo {
			t.Errorf("policies by insurer: %v", byIns)
		}
		if share := float64(source["anbao"]) / float64(n); share < 0.55 || share > 0.68 {
			t.Errorf("bound on Anbao: %.0f%%", 100*share)
		}
		if len(jur) < 25 {
			t.Errorf("policies in %d jurisdictions", len(jur))
		}
		if active < n/2 || expired < n/10 {
			t.Errorf("%d in force, %d expired of %d", active, expired, n)
		}
		t.Logf("sections %v, sizes %v, sources %v, %d in force, %d expired", sec, size, source, active, expired)
	}
}

// The catalogue: two or three products per insurer covering the four types
// and the four security products, valid definitions and tariffs, real-format
// registration numbers, exclusions from the insurer's own library.
func TestDemoUnderwritingCatalogue(t *testing.T) {
	p, _, u := uwPilot(2026, 300)
	types := map[cover.ProductType]bool{}
	secProds := map[string]bool{}
	perIns := map[int]int{}
	versions := 0
	lib := map[[3]any]bool{}
	for _, c := range u.Clauses {
		lib[[3]any{c.InsurerRef, c.Code, c.Version}] = true
		if len([]rune(c.TextZH)) < 60 {
			t.Errorf("clause %s: text too short", c.Code)
		}
	}
	for _, pr := range u.Products {
		perIns[pr.InsurerRef]++
		types[pr.Type] = true
		versions += len(pr.Versions)
		for _, v := range pr.Versions {
			if fe := cover.RegistrationNumber(v.RegistrationNo); fe != nil {
				t.Errorf("%s v%d: %v", pr.Code, v.Number, fe)
			}
			if errs := v.Definition.Validate(); len(errs) > 0 {
				t.Errorf("%s v%d definition: %v", pr.Code, v.Number, errs)
			}
			if errs := v.Rating.Validate(); len(errs) > 0 {
				t.Errorf("%s v%d rating: %v", pr.Code, v.Number, errs)
			}
			if v.Definition.SecurityProduct != "" {
				secProds[v.Definition.SecurityProduct] = true
			}
			if len(v.ProviderRefs) == 0 || len(v.Definition.Entitlements) == 0 || len(v.Definition.Contingencies) == 0 {
				t.Errorf("%s v%d: no providers, entitlements or contingencies", pr.Code, v.Number)
			}
			for _, r := range v.ProviderRefs {
				if p.Orgs[r].Kind != anbao.KindProvider {
					t.Errorf("%s: provider ref %d is a %s", pr.Code, r, p.Orgs[r].Kind)
				}
			}
			for _, x := range v.Definition.Exclusions {
				if !lib[[3]any{pr.InsurerRef, x.Code, x.Version}] {
					t.Errorf("%s v%d: clause %s v%d not in the insurer's library", pr.Code, v.Number, x.Code, x.Version)
				}
			}
			if c := v.Definition.Coverages; slices.ContainsFunc(c, func(c cover.Coverage) bool {
				return c.Code == cover.CovExtortion && (c.Sublimit == 0 || c.CoinsuranceBP == 0)
			}) {
				t.Errorf("%s: extortion without a sublimit and coinsurance", pr.Code)
			}
			for _, c := range v.Definition.Coverages {
				if c.Code == cover.CovBusinessInterruption && (c.WaitingHours < 8 || c.WaitingHours > 12 || c.IndemnityDays < 90 || c.IndemnityDays > 180) {
					t.Errorf("%s: BI waiting %dh, indemnity %dd", pr.Code, c.WaitingHours, c.IndemnityDays)
				}
				if c.Trigger == cover.ClaimsMade && c.ReportingDays != 60 {
					t.Errorf("%s: claims-made %s with a %d-day reporting window", pr.Code, c.Code, c.ReportingDays)
				}
			}
		}
	}
	for _, ref := range p.Refs(anbao.KindInsurer) {
		if perIns[ref] < 2 || perIns[ref] > 3 {
			t.Errorf("insurer %d has %d products", ref, perIns[ref])
		}
	}
	if len(types) != len(cover.ProductTypes) || len(secProds) != len(cover.SecurityProducts) {
		t.Errorf("types %v, security products %v", types, secProds)
	}
	if versions <= len(u.Products) {
		t.Error("no product has a second version")
	}
}

// Every figure is exact and every premium is the tariff's: each term's
// written premium is the sum of its transactions, its segments tile it, its
// sum insured is the last segment's, and a term bound on Anbao re-rates to
// its premium from the input it stores.
func TestDemoUnderwritingBook(t *testing.T) {
	p, _, u := uwPilot(2026, 2000)
	counts := map[string]int{}
	for i := range u.Policies {
		pol := &u.Policies[i]
		pr := &u.Products[pol.Product]
		for k, tm := range pol.Terms {
			var sum int64
			for _, x := range tm.Transactions {
				sum += x.Amount
				counts[x.Kind]++
			}
			if sum != tm.WrittenPremium {
				t.Fatalf("policy %d term %d: transactions %d, written %d", i, k+1, sum, tm.WrittenPremium)
			}
			at := tm.Start
			for _, g := range tm.Segments {
				if g.Start != at || g.End <= g.Start {
					t.Fatalf("policy %d term %d: segment [%s, %s) after %s", i, k+1, g.Start, g.End, at)
				}
				at = g.End
			}
			if at != tm.End || tm.Segments[len(tm.Segments)-1].Terms.SumInsured() != tm.SumInsured {
				t.Fatalf("policy %d term %d: segments end %s, sum insured %d", i, k+1, at, tm.SumInsured)
			}
			if tm.Input != nil {
				v := &pr.Versions[tm.Version-1]
				res, err := rating.Rate(&v.Definition, &v.Rating, tm.Input)
				if err != nil || res.Premium != tm.Segments[0].AnnualPremium {
					t.Fatalf("policy %d term %d: re-rated %v, %v; stored %d", i, k+1, res, err, tm.Segments[0].AnnualPremium)
				}
			}
			if tm.Request >= 0 {
				q := &u.Requests[tm.Request].Quotes[tm.Quote]
				if q.Status != "bound" || q.Policy != i || q.Premium != tm.Segments[0].AnnualPremium {
					t.Fatalf("policy %d term %d: quote %s for policy %d at %d", i, k+1, q.Status, q.Policy, q.Premium)
				}
			}
		}
		if pol.Source == "anbao" && pol.Terms[0].Request < 0 || pol.Source == "declared" && pol.ExternalRef == "" {
			t.Errorf("policy %d (%s): no quote or external reference", i, pol.Source)
		}
		if pol.Kind == "park_master" {
			counts["park"]++
			var prem int64
			for _, m := range pol.Members {
				prem += m.Premium
				if m.Limit > pol.SumInsured() {
					t.Errorf("park %d: member limit %d above %d", i, m.Limit, pol.SumInsured())
				}
			}
			if n := len(pol.Members); n < 5 || n > 30 || prem != pol.Terms[0].Transactions[0].Amount {
				t.Errorf("park %d: %d members, premiums %d of %d", i, n, prem, pol.Terms[0].Transactions[0].Amount)
			}
		}
		for _, s := range pol.Subsidies {
			counts["subsidy"]++
			if !strings.HasPrefix(s.LocalPolicy, "【演示】") || s.Amount <= 0 || s.Amount > pol.Terms[s.TermNo-1].WrittenPremium {
				t.Errorf("policy %d: subsidy %+v", i, s)
			}
		}
		if len(pol.Subsidies) > 0 {
			counts["subsidised"]++
			counts["jur:"+pol.Subsidies[0].Jurisdiction]++
		}
		if len(pol.Terms) > 1 {
			counts["renewed"]++
		}
		if pol.Status() == "cancelled" {
			counts["cancelled"]++
		}
	}
	n := len(u.Policies)
	t.Logf("%v", counts)
	within := func(what string, got int, lo, hi float64) {
		if float64(got) < lo*float64(n) || float64(got) > hi*float64(n) {
			t.Errorf("%s: %d of %d policies", what, got, n)
		}
	}
	within("endorsed", counts["endorsement"], 0.06, 0.10)
	within("cancelled", counts["cancellation"], 0.04, 0.06)
	within("renewed", counts["renewed"], 0.08, 0.12)
	within("subsidised", counts["subsidised"], 0.08, 0.12)
	if counts["reinstatement"] < 2 || counts["park"] < 3 || counts["park"] > 5 {
		t.Errorf("%d reinstated, %d parks", counts["reinstatement"], counts["park"])
	}
	subJur := 0
	for k := range counts {
		if strings.HasPrefix(k, "jur:") {
			subJur++
		}
	}
	if subJur != 5 {
		t.Errorf("subsidies in %d jurisdictions", subJur)
	}
	acked := 0
	for _, x := range u.Notices {
		if x.AcknowledgedAt != "" {
			acked++
		}
	}
	if len(u.Notices) < 5 || len(u.Notices) > 10 || acked == 0 || acked == len(u.Notices) {
		t.Errorf("%d notices, %d acknowledged", len(u.Notices), acked)
	}

	// The fixtures: ent1 holds an active ins1 policy and compares offers of
	// several insurers, one of them bind-requested; ins1 has a referral queue
	// and bind requests; the foreign enterprise holds an ins2 policy and has
	// nothing to do with ins1.
	ins := p.Refs(anbao.KindInsurer)
	ent1 := p.Refs(anbao.KindEnterprise)[0]
	g := &uwGen{p: p, insurers: ins, provs: p.Refs(anbao.KindProvider), ent1: ent1, as: map[int]*Assessment{}}
	for _, a := range GenerateAssessments(p, 2026) {
		g.as[a.EnterpriseRef] = &a
	}
	foreign := g.foreignEnterprise()
	today := "2026-11-29"
	var ent1Active, foreignIns2 bool
	for i := range u.Policies {
		pol := &u.Policies[i]
		cur := pol.Terms[len(pol.Terms)-1]
		if pol.EnterpriseRef == ent1 && pol.InsurerRef == ins[0] && cur.Status == "active" && cur.Start <= today && cur.End > today {
			ent1Active = true
		}
		if pol.EnterpriseRef == foreign && pol.InsurerRef == ins[1] {
			foreignIns2 = true
		}
		if pol.EnterpriseRef == foreign && pol.InsurerRef == ins[0] {
			t.Errorf("the foreign enterprise holds an ins1 policy")
		}
		for _, m := range pol.Members {
			if m.EnterpriseRef == foreign && pol.InsurerRef == ins[0] {
				t.Errorf("the foreign enterprise is in an ins1 park")
			}
		}
	}
	if !ent1Active || !foreignIns2 {
		t.Errorf("ent1 active with ins1: %v; foreign %d with ins2: %v", ent1Active, foreign, foreignIns2)
	}
	status := map[string]int{}
	ent1Insurers := map[int]bool{}
	ent1Binds := 0
	for _, r := range u.Requests {
		if slices.ContainsFunc(r.Quotes, func(q Quote) bool { return q.Status == "bound" }) {
			continue // behind a policy
		}
		for _, q := range r.Quotes {
			if r.EnterpriseRef == foreign && q.InsurerRef == ins[0] {
				t.Errorf("the foreign enterprise has an ins1 quote")
			}
			if r.EnterpriseRef == ent1 {
				ent1Insurers[q.InsurerRef] = true
				if q.Status == "bind_requested" {
					ent1Binds++
				}
				if q.Status != "quoted" && q.Status != "bind_requested" {
					t.Errorf("ent1's offer of insurer %d is %s", q.InsurerRef, q.Status)
				}
				continue
			}
			if q.InsurerRef == ins[0] {
				status["ins1:"+q.Status]++
				if q.Status == "referred" && len(q.Reasons()) == 0 {
					t.Error("a referred quote without reasons")
				}
			}
			status[q.Status]++
			if (q.Status == "quoted" || q.Status == "bind_requested") && q.ValidUntil < today {
				t.Errorf("open quote valid until %s", q.ValidUntil)
			}
		}
	}
	t.Logf("open quotes: %v", status)
	if len(ent1Insurers) < 2 || ent1Binds != 1 {
		t.Errorf("ent1 compares %d insurers, %d bind requested", len(ent1Insurers), ent1Binds)
	}
	if r := status["ins1:referred"]; r < 5 || r > 10 {
		t.Errorf("ins1 has %d referred quotes", r)
	}
	if b := status["ins1:bind_requested"]; b < 1 || b > 2 {
		t.Errorf("ins1 has %d bind requests", b)
	}
	if status["expired"] < 2 || status["declined"] < 2 {
		t.Errorf("%d expired, %d declined", status["expired"], status["declined"])
	}
}

// instants lists every instant the underwriting records.
func (u *Underwriting) instants() []string {
	var out []string
	add := func(s ...string) {
		for _, x := range s {
			if x != "" {
				out = append(out, x)
			}
		}
	}
	for _, r := range u.Requests {
		add(r.CreatedAt)
		for _, q := range r.Quotes {
			add(q.CreatedAt, q.UpdatedAt, q.QuotedAt, q.BindRequestedAt, q.BoundAt)
			for _, c := range q.Contingencies {
				add(c.CreatedAt, c.ResolvedAt)
			}
		}
	}
	for _, p := range u.Policies {
		add(p.CreatedAt, p.UpdatedAt)
		for _, t := range p.Terms {
			add(t.CreatedAt)
			for _, g := range t.Segments {
				add(g.CreatedAt)
			}
			for _, x := range t.Transactions {
				add(x.CreatedAt)
			}
		}
		for _, m := range p.Members {
			add(m.CreatedAt)
		}
		for _, s := range p.Subsidies {
			add(s.CreatedAt)
		}
	}
	for _, n := range u.Notices {
		add(n.RaisedAt, n.AcknowledgedAt)
	}
	return out
}

// Whatever the clock, nothing is recorded after it, and the fixtures stand.
func TestDemoUnderwritingClock(t *testing.T) {
	for _, now := range []time.Time{uwNow, time.Date(2026, 6, 15, 1, 30, 0, 0, time.UTC), time.Date(2027, 3, 1, 16, 0, 0, 0, time.UTC)} {
		p := Generate(3, 600)
		u := GenerateUnderwriting(p, GenerateAssessments(p, 3), 3, now)
		limit := anbao.FormatTime(now)
		for _, x := range u.instants() {
			if x > limit {
				t.Fatalf("now %s: instant %s recorded", limit, x)
			}
		}
		today := now.In(anbao.Shanghai).Format(time.DateOnly)
		ent1 := p.Refs(anbao.KindEnterprise)[0]
		active, open := false, false
		for _, pol := range u.Policies {
			cur := pol.Terms[len(pol.Terms)-1]
			if pol.EnterpriseRef == ent1 && pol.InsurerRef == p.Refs(anbao.KindInsurer)[0] && cur.Start <= today && cur.End > today && cur.Status == "active" {
				active = true
			}
			for _, tm := range pol.Terms {
				if tm.Start > today && len(tm.Transactions) > 1 {
					t.Errorf("now %s: a term starting %s already has %d transactions", today, tm.Start, len(tm.Transactions))
				}
			}
		}
		for _, r := range u.Requests {
			for _, q := range r.Quotes {
				if r.EnterpriseRef == ent1 && q.Status == "bind_requested" && q.ValidUntil >= today && q.Inception > today {
					open = true
				}
			}
		}
		if !active || !open {
			t.Errorf("now %s: ent1 active policy %v, open bind request %v", today, active, open)
		}
	}
}
