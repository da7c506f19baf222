package demo

// The demo underwriting (issue #5 item 8): the six insurers' clause
// libraries and product catalogues, and a policy book spread like the
// first-batch results of the pilot (some 1,500 enterprise policies, premium
// about CNY 150 million, sum insured about CNY 11.5 billion, weighted to
// telecoms and internet, industry and finance, mostly SMEs), with the quotes
// behind the policies bound on Anbao, endorsements, cancellations,
// reinstatements, renewals, park (园区保) master policies, local subsidies,
// risk-increase notices and open quotes for the UI. It is pure: the store
// loads the result (store.LoadDemoUnderwriting).
//
// Every premium is what the product version's tariff gives: rating.Rate on
// the enterprise's facts, so the rating trail of a bound policy is genuine.
// The facts are those the store derives from the demo assessment: the grade,
// gates and referrals of the current methodology's score (assess.Summary on
// the assessment as the store assembles it, the question bank's skip logic
// applied), the controls (assess.Controls), the prior incidents and the
// highest MLPS level. The expected loss is left unknown (-1): the loss
// simulation is too slow for 2,000 quotes at load time, so the trail has no
// technical-premium step. Endorsements, cancellations and reinstatements
// are computed with rating.Endorsement and rating.Cancellation exactly as
// the store's Endorse, Cancel and Reinstate do, so every figure is exact: a
// policy's premium is the written premium of its current term, which is the
// sum of that term's transactions, and its sum insured is the current
// segment's cover.Terms.SumInsured.
//
// Policy inception dates are fixed (2024-01 to 2026-11); the open quotes
// are dated from the "today" the book is generated for. Organisations are
// pilot refs (indexes into Pilot.Orgs) and the providers of a product
// version are refs in ProviderRefs: the loader maps both to database ids
// and fills cover.Definition.Providers and cover.Terms.Providers, which the
// generator leaves empty.

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/assess"
	"github.com/anbao/anbao/cover"
	"github.com/anbao/anbao/qbank"
	"github.com/anbao/anbao/rating"
)

// PoliciesPerEnterprise is the size of the book: policies per active
// enterprise (about 1,500 for the default 2,000 enterprises).
const PoliciesPerEnterprise = 0.75

// Underwriting is the demo's underwriting data.
type Underwriting struct {
	Today    string // YYYY-MM-DD (Beijing): the day the open quotes were dated for
	Clauses  []Clause
	Products []Product
	// Requests are every quote request, oldest first: those behind the
	// policies bound on Anbao and the open ones.
	Requests []QuoteRequest
	// Policies in issue order, oldest first.
	Policies []Policy
	Notices  []RiskNotice
}

// Clause is one version of an exclusion clause in an insurer's library.
type Clause struct {
	InsurerRef                       int
	Code                             string
	Version                          int
	TitleZH, TitleEN, TextZH, TextEN string
	CreatedBy, CreatedAt             string
}

// Product is an insurer's product with its published versions.
type Product struct {
	InsurerRef           int
	Code, NameZH, NameEN string
	Type                 cover.ProductType
	CreatedAt            string
	// Versions ascending; all published, the last is the current one.
	Versions []ProductVersion
	market   string // the generator's segment: sme, liability, property, …
}

// ProductVersion is one published version of a product.
type ProductVersion struct {
	Number         int
	RegistrationNo string
	// Definition leaves Providers empty: ProviderRefs are the approved providers.
	Definition   cover.Definition
	ProviderRefs []int
	Rating       rating.Config
	CreatedBy    string
	CreatedAt    string
	PublishedAt  string
	// From is the first day (YYYY-MM-DD) quotes were rated on this version.
	From string
}

// QuoteRequest is an enterprise's request (or an insurer's renewal request).
type QuoteRequest struct {
	EnterpriseRef int
	ByRef         int    // the organisation that asked: the enterprise, or the insurer of a renewal
	By            string // the username that asked
	Inception     string
	Note          string
	CreatedAt     string
	Quotes        []Quote
}

// Quote is one option on one product version.
type Quote struct {
	InsurerRef int
	Product    int // index in Underwriting.Products
	Version    int // the version number rated on
	Kind       string
	// RenewalOf is the index in Underwriting.Policies of the policy a renewal
	// quote renews, -1 for new business.
	RenewalOf                int
	Status                   string
	Limit, Retention         int64
	Inception, Expiry, Retro string
	Premium                  int64
	Input                    *rating.Input
	Result                   *rating.Result
	ValidUntil, QuotedAt     string
	DecidedBy, DecisionNote  string
	BindRequestedAt, BoundAt string
	Policy                   int // index in Underwriting.Policies of the policy it bound, -1 if none
	CreatedAt, UpdatedAt     string
	Contingencies            []Contingency
	reasons                  []rating.Reason // the rating's reasons when Result was decided since
}

// Reasons is what the quote stores as its reasons: the rating's, or the
// renewal's material changes.
func (q *Quote) Reasons() []rating.Reason {
	if q.reasons != nil {
		return q.reasons
	}
	if q.Result != nil && q.Result.Reasons != nil {
		return q.Result.Reasons
	}
	return []rating.Reason{}
}

// Contingency is a subjectivity of a quote (and of the policy it bound).
type Contingency struct {
	Kind, TextZH, TextEN, DueDate, Status, Note, ResolvedBy, ResolvedAt, CreatedAt string
}

// Policy is a policy with its terms.
type Policy struct {
	InsurerRef, EnterpriseRef int
	Product                   int // index in Underwriting.Products
	Kind, Source, ExternalRef string
	AutoRenew                 bool
	CreatedAt, UpdatedAt      string
	Terms                     []Term
	Members                   []Member
	Subsidies                 []Subsidy
}

// Status is the stored status: active or cancelled (expiry is derived on read).
func (p *Policy) Status() string { return p.Terms[len(p.Terms)-1].Status }

// Premium is the written premium of the current term.
func (p *Policy) Premium() int64 { return p.Terms[len(p.Terms)-1].WrittenPremium }

// SumInsured is the current term's sum insured.
func (p *Policy) SumInsured() int64 { return p.Terms[len(p.Terms)-1].SumInsured }

// Term is one policy period.
type Term struct {
	Version int // the product version number it was sold on
	// Request and Quote locate the bound quote (Requests[Request].Quotes[Quote]); -1 when none.
	Request, Quote                            int
	Status                                    string // active | cancelled
	Start, End                                string
	AnnualPremium, WrittenPremium, SumInsured int64
	Retro                                     string
	Input                                     *rating.Input // nil for a declared term
	CancelledDate, CancelMethod, CancelReason string
	CreatedAt                                 string
	Segments                                  []Segment
	Transactions                              []Transaction
}

// Segment is a stretch of a term with constant terms.
type Segment struct {
	Start, End    string
	AnnualPremium int64
	Terms         *cover.Terms // Providers left empty: the version's ProviderRefs
	CreatedAt     string
}

// Transaction is one premium movement.
type Transaction struct {
	Kind, Effective      string
	Amount               int64
	Method, Reason       string
	Note                 string
	Details              map[string]any // without the rating result
	Rating               *rating.Result // the rating behind it, stored in the details as "rating"
	CreatedBy, CreatedAt string
}

// Member is an enterprise under a park master policy.
type Member struct {
	EnterpriseRef  int
	Limit, Premium int64
	Joined, Left   string
	CreatedAt      string
}

// Subsidy is a premium subsidy under a local policy.
type Subsidy struct {
	TermNo                             int
	Jurisdiction, Grantor, LocalPolicy string
	Amount                             int64
	CreatedBy, CreatedAt               string
}

// RiskNotice is an insured's notice of a significant increase in risk.
type RiskNotice struct {
	Policy                                   int // index in Underwriting.Policies
	Kind, Detail, RaisedBy, RaisedAt         string
	AcknowledgedBy, AcknowledgedAt, Response string
}

// ---------------------------------------------------------------------------
// Dates and instants.

// day is a calendar date (UTC midnight).
type day = time.Time

func parseDay(s string) day {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic("demo: date " + s)
	}
	return t
}

func ds(d day) string               { return d.Format(time.DateOnly) }
func addDays(d day, n int) day      { return d.AddDate(0, 0, n) }
func addMonthsDay(d day, n int) day { return d.AddDate(0, n, 0) } // the store's addMonths; days ≤ 28 only
func daysBetween(a, b day) int      { return int(b.Sub(a).Hours() / 24) }

func minDay(a, b day) day {
	if a.Before(b) {
		return a
	}
	return b
}

func maxDay(a, b day) day {
	if a.After(b) {
		return a
	}
	return b
}

// ---------------------------------------------------------------------------
// The generator.

// entFacts is what the rating engine knows of an enterprise.
type entFacts struct {
	grade            string
	score            float64
	gates, referrals []string
	controls         []string
	claims, mlps     int
}

type period struct {
	start, end day
	policy     int
}

type uwGen struct {
	r        *rand.Rand
	p        *Pilot
	u        *Underwriting
	now      time.Time
	today    day
	as       map[int]*Assessment
	facts    map[int]*entFacts
	ents     []int // active, assessed enterprises
	insurers []int // refs of ins1…ins6
	provs    []int // refs of prov1…prov8
	users    map[int]string
	ent1     int
	foreign  int
	prods    [][]int // per insurer, its product indexes
	held     map[[3]int][]period
	extSeq   []int
	bank     *qbank.Bank
	// policies that must keep their state (ent1's, the foreign one, parks).
	pinned map[int]bool
}

// GenerateUnderwriting builds the demo underwriting of pilot p from its
// assessments as, deterministically from seed; now dates the open quotes
// (the store's clock at load time, normally time.Now()).
func GenerateUnderwriting(p *Pilot, as []Assessment, seed uint64, now time.Time) *Underwriting {
	now = now.In(anbao.Shanghai)
	g := &uwGen{
		r: rand.New(rand.NewPCG(seed, pcgStream^0x756e6465727772)), p: p, u: &Underwriting{}, now: now,
		today: parseDay(now.Format(time.DateOnly)), as: map[int]*Assessment{}, facts: map[int]*entFacts{},
		users: map[int]string{}, held: map[[3]int][]period{}, extSeq: make([]int, len(uwInsurers)),
		bank: qbank.Latest(), pinned: map[int]bool{}, ent1: -1, foreign: -1,
	}
	g.u.Today = ds(g.today)
	for i := range as {
		g.as[as[i].EnterpriseRef] = &as[i]
	}
	for _, u := range p.Users {
		if _, ok := g.users[u.OrgRef]; !ok && strings.HasSuffix(u.Username, ".admin") {
			g.users[u.OrgRef] = u.Username
		}
	}
	g.insurers, g.provs = p.Refs(anbao.KindInsurer), p.Refs(anbao.KindProvider)
	if len(g.insurers) < len(uwInsurers) || len(g.provs) < 8 {
		return g.u
	}
	for _, ref := range p.Refs(anbao.KindEnterprise) {
		if o := p.Orgs[ref]; o.Status == anbao.OrgActive && o.Profile != nil && g.as[ref] != nil {
			g.ents = append(g.ents, ref)
		}
	}
	if len(g.ents) < 10 {
		return g.u
	}
	g.ent1 = g.ents[0]
	if ents := p.Refs(anbao.KindEnterprise); len(ents) > 0 && ents[0] != g.ent1 {
		g.ent1 = -1 // ent1 is never pending; guard anyway
	}
	g.foreign = g.foreignEnterprise()
	g.catalogue()
	g.book()
	g.lifecycle()
	g.subsidies()
	g.openQuotes()
	g.notices()
	g.finish()
	return g.u
}

// foreignEnterprise is the access matrix's foreign enterprise: the first
// active enterprise related to neither ins1 nor prov1, outside ent1's
// jurisdiction.
func (g *uwGen) foreignEnterprise() int {
	related := map[int]bool{}
	for _, r := range g.p.Relationships {
		if r.PartyRef == g.insurers[0] || r.PartyRef == g.provs[0] {
			related[r.EnterpriseRef] = true
		}
	}
	jur := ""
	if g.ent1 >= 0 {
		jur = g.p.Orgs[g.ent1].Jurisdiction
	}
	for _, ref := range g.p.Refs(anbao.KindEnterprise) {
		o := g.p.Orgs[ref]
		if o.Status == anbao.OrgActive && !related[ref] && o.Jurisdiction != jur && g.as[ref] != nil {
			return ref
		}
	}
	return -1
}

func (g *uwGen) user(ref int) string {
	if u, ok := g.users[ref]; ok {
		return u
	}
	return "demo"
}

func (g *uwGen) uw(ins int) string    { return fmt.Sprintf("ins%d.uw", ins+1) }
func (g *uwGen) admin(ins int) string { return fmt.Sprintf("ins%d.admin", ins+1) }

func (g *uwGen) insIndex(ref int) int { return slices.Index(g.insurers, ref) }

// pick draws an index with probability proportional to w (all ≥ 0, some > 0).
func (g *uwGen) pick(w []float64) int {
	total := 0.0
	for _, x := range w {
		total += x
	}
	if total <= 0 {
		return -1
	}
	x := g.r.Float64() * total
	for i, v := range w {
		if x -= v; x < 0 {
			return i
		}
	}
	for i := len(w) - 1; i >= 0; i-- {
		if w[i] > 0 {
			return i
		}
	}
	return -1
}

func (g *uwGen) between(lo, hi int) int { return lo + g.r.IntN(hi-lo+1) }

// at is the instant of hour:minute Beijing time on d, never after now.
func (g *uwGen) at(d day, hour, minute int) string {
	t := time.Date(d.Year(), d.Month(), d.Day(), hour, minute, 0, 0, anbao.Shanghai)
	if t.After(g.now) {
		t = g.now.Add(-time.Minute)
	}
	return anbao.FormatTime(t)
}

// shuffled returns list in a random order.
func (g *uwGen) shuffled(list []int) []int {
	out := make([]int, len(list))
	for i, j := range g.r.Perm(len(list)) {
		out[i] = list[j]
	}
	return out
}

func section(o *anbao.Organisation) string { return rating.Section(o.Profile.Industry) }

// ---------------------------------------------------------------------------
// Facts.

// factsOf derives an enterprise's rating facts from its demo assessment as
// the store assembles it (assessmentInputs) and scores it.
func (g *uwGen) factsOf(ref int) *entFacts {
	if f, ok := g.facts[ref]; ok {
		return f
	}
	a, o := g.as[ref], g.p.Orgs[ref]
	vals := make(map[string]qbank.Value, len(a.Answers))
	for id, v := range a.Answers {
		q, ok := g.bank.Question(id)
		if !ok {
			continue
		}
		cv, err := q.Check(qbank.Value(v))
		if err != nil || cv.Empty() && cv.Choices == nil {
			continue
		}
		vals[id] = cv
	}
	app := g.bank.Applicable(vals)
	answers := make(map[string]assess.Answer, len(vals))
	for id, v := range vals {
		if app[id] {
			answers[id] = assess.Answer(v)
		}
	}
	in := &assess.Input{AsOf: ds(g.today), Answers: answers, Findings: []assess.Finding{}}
	feed := map[string]FeedEntry{}
	for _, f := range Feeds {
		feed[f.CVE] = f
	}
	for i, f := range a.Findings {
		af := assess.Finding{ID: strconv.Itoa(i + 1), Type: f.Type, Severity: f.Severity, InternetFacing: f.InternetFacing, Status: f.Status, Title: f.Title}
		if e, ok := feed[f.CVE]; ok && f.CVE != "" {
			af.KEV, af.EPSS = true, e.EPSS
		}
		in.Findings = append(in.Findings, af)
	}
	pr := o.Profile
	prof := assess.Profile{Industry: pr.Industry, Revenue: float64(pr.RevenueFen) / 100, Employees: pr.Employees, CII: pr.CII}
	mlps := slices.Clone(a.MLPS)
	slices.SortStableFunc(mlps, func(x, y MLPSSystem) int { return y.Level - x.Level })
	for _, m := range mlps {
		prof.MLPS = append(prof.MLPS, assess.MLPSSystem{Level: m.Level, LastEvaluation: m.EvalDate, Result: m.Result})
	}
	for _, x := range a.Assets {
		prof.Assets++
		if x.InternetFacing {
			prof.InternetFacingAssets++
		}
		if x.EOL && x.Kind == "software" {
			prof.EOLSoftware++
		}
	}
	yes := func(id string) bool { v := a.Answers[id]; return v.Bool != nil && *v.Bool }
	prof.Data = assess.DataHoldings{PIRecordsBand: a.PIRecords, SensitivePI: yes("sensitive_pi") && a.PIRecords != "none",
		ImportantData: yes("important_data"), CrossBorder: yes("cross_border_data")}
	rto, rpo, off := float64(a.RTOHours), float64(a.RPOHours), a.Offline
	prof.Continuity = assess.Continuity{RTOHours: &rto, RPOHours: &rpo, OfflineBackups: &off}
	in.Profile = prof

	f := &entFacts{controls: []string{}}
	for _, m := range a.MLPS {
		f.mlps = max(f.mlps, m.Level)
	}
	if len(in.Answers) > 0 {
		// Referrals come only with the explanation, which is costly: score in
		// full only when an answer can raise one.
		score := assess.Summary
		if hr := answers["high_risk_activities"]; len(hr.Choices) > 0 || yesA(answers["known_circumstances"]) || yesA(answers["legal_actions"]) {
			score = assess.Score
		}
		res, err := score(assess.Current().Version, in)
		if err == nil {
			f.grade, f.score = res.Grade, res.Overall
			for _, x := range res.Gates {
				f.gates = append(f.gates, x.Rule)
			}
			for _, x := range res.Referrals {
				f.referrals = append(f.referrals, x.Question)
			}
		}
		f.controls = assess.Controls(in)
		f.claims, _ = assess.PriorIncidents(in)
	}
	g.facts[ref] = f
	return f
}

func yesA(a assess.Answer) bool { return a.Bool != nil && *a.Bool }

// input is the rating input of an option for enterprise ref.
func (g *uwGen) input(ref int, limit, retention int64) *rating.Input {
	f, pr := g.factsOf(ref), g.p.Orgs[ref].Profile
	return &rating.Input{Industry: pr.Industry, Revenue: pr.RevenueFen, Employees: pr.Employees, CII: pr.CII,
		Grade: f.grade, Score: f.score, Gates: slices.Clone(f.gates), Referrals: slices.Clone(f.referrals), Controls: slices.Clone(f.controls),
		Claims: f.claims, MLPSLevel: f.mlps, ExpectedLoss: -1, Limit: limit, Retention: retention}
}

// ---------------------------------------------------------------------------
// The catalogue.

func (g *uwGen) catalogue() {
	u := g.u
	g.prods = make([][]int, len(uwInsurers))
	for i, ins := range uwInsurers {
		ref := g.insurers[i]
		lib := parseDay("2023-11-20")
		for _, c := range uwClauses {
			u.Clauses = append(u.Clauses, Clause{InsurerRef: ref, Code: c.code, Version: 1, TitleZH: c.zh, TitleEN: c.en,
				TextZH: c.textZH, TextEN: c.textEN, CreatedBy: g.admin(i), CreatedAt: g.at(lib, 10, 5*i)})
			if when, ok := clauseV2[c.code][i+1]; ok {
				u.Clauses = append(u.Clauses, Clause{InsurerRef: ref, Code: c.code, Version: 2, TitleZH: c.zh, TitleEN: c.en,
					TextZH: c.v2ZH, TextEN: c.v2EN, CreatedBy: g.admin(i), CreatedAt: g.at(parseDay(when), 11, 0)})
			}
		}
		seq := 20000 + 731*i
		for k, spec := range ins.products {
			provs := g.productProviders(i, k, spec.market)
			pr := Product{InsurerRef: ref, Code: spec.code, NameZH: spec.zh, NameEN: spec.en, market: spec.market}
			froms := []string{spec.launch}
			if spec.v2 != "" {
				froms = append(froms, spec.v2)
			}
			for n, from := range froms {
				eff := parseDay(from)
				if n == 0 {
					eff = addDays(eff, -30) // quotable a month before the first inceptions
				}
				def, excl := definition(spec.market, n > 0)
				for _, code := range excl {
					v := 1
					if when, ok := clauseV2[code][i+1]; ok && n > 0 && parseDay(when).Before(eff) {
						v = 2
					}
					c := uwClauseByCode(code)
					def.Exclusions = append(def.Exclusions, cover.ClauseRef{Code: code, Version: v, TitleZH: c.zh, TitleEN: c.en})
				}
				filed := addDays(eff, -45)
				seq++
				pv := ProductVersion{Number: n + 1, RegistrationNo: regNo(ins.company, def.Type, filed, seq), Definition: def,
					ProviderRefs: provs, Rating: ratingConfig(i, spec.market, n > 0), CreatedBy: g.uw(i),
					CreatedAt: g.at(addDays(eff, -20), 9, 30), PublishedAt: g.at(addDays(eff, -2), 16, 0), From: ds(eff)}
				pr.Type = def.Type
				if n == 0 {
					pr.CreatedAt = pv.CreatedAt
				}
				pr.Versions = append(pr.Versions, pv)
			}
			g.prods[i] = append(g.prods[i], len(u.Products))
			u.Products = append(u.Products, pr)
		}
	}
}

func uwClauseByCode(code string) uwClause {
	for _, c := range uwClauses {
		if c.code == code {
			return c
		}
	}
	panic("demo: clause " + code)
}

// productProviders: every product lists two or three approved providers;
// the product-service ones the provider of the security product.
func (g *uwGen) productProviders(ins, k int, market string) []int {
	pv := g.provs
	switch market {
	case "ps:anti_ransomware":
		return []int{pv[1], pv[5]}
	case "ps:anti_ddos":
		return []int{pv[3], pv[7]}
	case "ps:endpoint_protection":
		return []int{pv[0], pv[1]}
	case "ps:managed_cloud_security":
		return []int{pv[7], pv[4]}
	case "industrial":
		return []int{pv[2], pv[4], pv[5]}
	case "park":
		return []int{pv[(ins+k)%8], pv[4], pv[5]}
	}
	a, b := pv[(2*ins+k)%8], pv[(2*ins+k+3)%8]
	if ins == 0 {
		a = pv[0] // ins1 works with prov1
	}
	if a == b {
		b = pv[6]
	}
	return []int{a, b, pv[5]}
}

// versionAt is the number of the version of product pi quotes were rated on at d.
func (g *uwGen) versionAt(pi int, d day) int {
	pr := &g.u.Products[pi]
	n := 1
	for _, v := range pr.Versions {
		if !parseDay(v.From).After(d) {
			n = v.Number
		}
	}
	return n
}

func (g *uwGen) version(pi, n int) *ProductVersion { return &g.u.Products[pi].Versions[n-1] }

// launch is the first inception a product takes.
func (g *uwGen) launch(pi int) day { return addDays(parseDay(g.u.Products[pi].Versions[0].From), 30) }

// ---------------------------------------------------------------------------
// The policy book.

// bookStart and bookEnd bound the inception dates (the first batch ran from
// early 2024).
var bookStart, bookEnd = parseDay("2024-01-01"), parseDay("2026-11-28")

// industryPull weighs an enterprise's chance of buying by GB/T 4754 section:
// telecoms and internet (I 63–65), finance (J) and industry (C) lead.
var industryPull = map[string]float64{"I": 3.2, "J": 3.0, "C": 1.5, "D": 1.2, "G": 0.8, "Q": 0.8, "M": 0.7}

var sizePull = map[anbao.SizeClass]float64{anbao.SizeMicro: 0.55, anbao.SizeSmall: 1.0, anbao.SizeMedium: 1.7, anbao.SizeLarge: 1.8}

func (g *uwGen) pull(ref int) float64 {
	o := g.p.Orgs[ref]
	w := industryPull[section(o)]
	if w == 0 {
		w = 0.5
	}
	w *= sizePull[o.Profile.Size]
	if o.Profile.Specialised {
		w *= 1.5
	}
	if o.Profile.CII {
		w *= 1.5
	}
	return w
}

// fit weighs a product's market for an enterprise (0: not sold to it).
func fit(market string, o *anbao.Organisation) float64 {
	pr := o.Profile
	sec := rating.Section(pr.Industry)
	size := pr.Size
	sme := size != anbao.SizeLarge
	switch market {
	case "sme":
		return map[anbao.SizeClass]float64{anbao.SizeMicro: 1, anbao.SizeSmall: 1.3, anbao.SizeMedium: 1}[size]
	case "specialised":
		switch {
		case pr.Specialised && sme:
			return 6
		case (sec == "C" || sec == "I" || sec == "M") && (size == anbao.SizeSmall || size == anbao.SizeMedium):
			return 0.8
		}
		return 0
	case "inclusive":
		return map[anbao.SizeClass]float64{anbao.SizeMicro: 3, anbao.SizeSmall: 1.2}[size]
	case "liability":
		w := map[string]float64{"I": 2.5, "J": 2, "L": 1.2, "M": 1.2, "Q": 1.2}[sec]
		if w == 0 {
			w = 0.5
		}
		if size == anbao.SizeMicro {
			w *= 0.3
		}
		return w
	case "property":
		return map[string]float64{"C": 1.4, "D": 1.5, "G": 1.5, "F": 1.2}[sec] + 0.5
	case "industrial":
		if size == anbao.SizeMicro {
			return 0
		}
		return map[string]float64{"C": 3, "D": 1.5}[sec]
	case "large":
		switch {
		case size == anbao.SizeLarge && pr.CII:
			return 6
		case size == anbao.SizeLarge:
			return 2.5
		case size == anbao.SizeMedium && pr.CII:
			return 1
		}
		return 0
	case "finance":
		if sec != "J" || size == anbao.SizeMicro {
			return 0
		}
		return map[anbao.SizeClass]float64{anbao.SizeSmall: 1, anbao.SizeMedium: 5, anbao.SizeLarge: 8}[size]
	case "park":
		return 0
	}
	// Product-service insurance: SMEs buying a security product.
	w := 1.0
	if !sme {
		w = 0.25
	}
	switch strings.TrimPrefix(market, "ps:") {
	case "anti_ddos":
		w *= map[string]float64{"I": 3, "J": 1.5, "F": 1}[sec] + 0.3
	case "anti_ransomware":
		w *= map[string]float64{"C": 1.5, "Q": 1.5}[sec] + 0.6
	case "managed_cloud_security":
		w *= map[string]float64{"I": 2.5}[sec] + 0.4
	}
	return w
}

// limitLadder is the limits asked for, with weights, by size.
var limitLadder = map[anbao.SizeClass][][2]int64{
	anbao.SizeMicro:  {{300_000, 2}, {500_000, 3}, {1_000_000, 4}, {2_000_000, 2}},
	anbao.SizeSmall:  {{1_000_000, 3}, {2_000_000, 3}, {3_000_000, 3}, {5_000_000, 2}},
	anbao.SizeMedium: {{3_000_000, 2}, {5_000_000, 3}, {10_000_000, 3}, {20_000_000, 2}},
	anbao.SizeLarge:  {{10_000_000, 2}, {20_000_000, 3}, {30_000_000, 2}, {50_000_000, 2}, {100_000_000, 1}},
}

var towerLadder = [][2]int64{{30_000_000, 3}, {50_000_000, 3}, {100_000_000, 2}, {200_000_000, 1}}

var psLadder = map[anbao.SizeClass][][2]int64{
	anbao.SizeMicro:  {{100_000, 1}, {200_000, 3}, {500_000, 2}},
	anbao.SizeSmall:  {{500_000, 3}, {1_000_000, 3}, {2_000_000, 1}},
	anbao.SizeMedium: {{1_000_000, 2}, {2_000_000, 3}, {3_000_000, 2}},
	anbao.SizeLarge:  {{3_000_000, 2}, {5_000_000, 3}},
}

var ladderSteps = []int64{100_000, 200_000, 300_000, 500_000, 1_000_000, 2_000_000, 3_000_000, 5_000_000, 8_000_000, 10_000_000,
	20_000_000, 30_000_000, 50_000_000, 100_000_000, 150_000_000, 200_000_000}

func (g *uwGen) fromLadder(l [][2]int64) int64 {
	w := make([]float64, len(l))
	for i, x := range l {
		w[i] = float64(x[1])
	}
	return l[g.pick(w)][0] * yuan
}

// option draws the limit and retention an enterprise asks of a product version.
func (g *uwGen) option(ref int, d *cover.Definition, market string) (int64, int64) {
	o := g.p.Orgs[ref]
	var limit int64
	switch {
	case strings.HasPrefix(market, "ps:"):
		limit = g.fromLadder(psLadder[o.Profile.Size])
	case (market == "large" || market == "finance") && o.Profile.Size == anbao.SizeLarge && (o.Profile.CII || g.r.IntN(3) == 0):
		limit = g.fromLadder(towerLadder)
	default:
		limit = g.fromLadder(limitLadder[o.Profile.Size])
	}
	limit = min(max(limit, d.MinLimit), d.MaxLimit)
	var ret int64
	switch {
	case limit <= 500_000*yuan:
		ret = []int64{2_000, 5_000, 5_000, 10_000}[g.r.IntN(4)]
	case limit <= 2_000_000*yuan:
		ret = []int64{5_000, 10_000, 10_000, 20_000}[g.r.IntN(4)]
	case limit <= 10_000_000*yuan:
		ret = []int64{10_000, 20_000, 50_000, 50_000}[g.r.IntN(4)]
	case limit <= 50_000_000*yuan:
		ret = []int64{50_000, 100_000, 100_000, 250_000}[g.r.IntN(4)]
	default:
		ret = []int64{250_000, 500_000, 500_000, 1_000_000}[g.r.IntN(4)]
	}
	ret = max(ret*yuan, d.MinRetention)
	return limit, ret
}

// retro is the retroactive date of claims-made cover from inception: the
// first purchase (inception itself) or continuous cover for a year or more.
func (g *uwGen) retro(d *cover.Definition, inception day) string {
	t := cover.Terms{Coverages: d.Coverages}
	if !t.ClaimsMade() {
		return ""
	}
	switch x := g.r.IntN(20); {
	case x < 8:
		return ds(inception)
	case x < 15:
		return ds(inception.AddDate(-1, 0, 0))
	case x < 19:
		return ds(inception.AddDate(-2, 0, 0))
	default:
		return ds(inception.AddDate(-3, 0, 0))
	}
}

// inceptionDay draws an inception date: the book grows month by month, and
// policies often start on the first.
func (g *uwGen) inceptionDay(from day) day {
	last := minDay(bookEnd, addDays(g.today, 10))
	if from.Before(bookStart) {
		from = bookStart
	}
	first := time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, time.UTC)
	var months []day
	var w []float64
	for m := first; !m.After(last); m = m.AddDate(0, 1, 0) {
		months = append(months, m)
		w = append(w, float64(daysBetween(bookStart, m)/30+1))
	}
	if len(months) == 0 {
		return last
	}
	for try := 0; ; try++ {
		m := months[g.pick(w)]
		d := m
		if g.r.IntN(10) >= 4 {
			d = addDays(m, g.r.IntN(27)+1)
		}
		if (!d.Before(from) && !d.After(last)) || try > 20 {
			return maxDay(minDay(d, last), from)
		}
	}
}

// free reports whether enterprise ref holds no policy of the product over [start, end) but except's.
func (g *uwGen) free(ref, ins, pi int, start, end day, except int) bool {
	for _, p := range g.held[[3]int{ref, ins, pi}] {
		if p.policy != except && p.start.Before(end) && start.Before(p.end) {
			return false
		}
	}
	return true
}

func (g *uwGen) hold(ref, ins, pi int, start, end day, policy int) {
	k := [3]int{ref, ins, pi}
	g.held[k] = append(g.held[k], period{start, end, policy})
}

// uwNotes explain an underwriter's approval of a referred quote.
var uwNotes = []string{
	"已审阅风险评估报告及补充问卷，同意按费率表保费承保。",
	"经电话核实，被保险人已落实多因素认证和离线备份，同意承保。",
	"关键信息基础设施运营者，已取得等保三级测评报告，同意按标准条件承保。",
	"超出自动报价权限，经分公司核保人审核，同意按费率表保费承保。",
	"已核实高风险业务的内控措施及外包服务商资质，同意承保。",
	"评估提出的转人工事项已澄清，无已知可能引起索赔的情况，同意承保。",
}

// uwNote is the underwriter's note approving a referred quote.
func (g *uwGen) uwNote(in *rating.Input) string {
	if in != nil && (in.Grade == "E" || in.Grade == "D") {
		return "安保评分等级 " + in.Grade + "，已结合服务机构出具的整改计划审核，同意按费率表保费承保；起保后 30 日内完成高危漏洞整改并复测。"
	}
	return uwNotes[g.r.IntN(len(uwNotes))]
}

// spec is a policy to issue.
type spec struct {
	ins, pi, ent  int
	source        string
	kind          string
	inception     day
	limit, ret    int64
	quoteDaysBack int
}

// issue rates and writes one new policy (and, bound on Anbao, its quote
// request). It returns the policy index, or -1 when the tariff declines.
func (g *uwGen) issue(s spec) int {
	pr := &g.u.Products[s.pi]
	insRef := g.insurers[s.ins]
	quoteDay := addDays(s.inception, -s.quoteDaysBack)
	if s.source == srcAnbao && addDays(quoteDay, 5).After(g.today) {
		quoteDay = addDays(g.today, -5) // bound by yesterday
	}
	vn := g.versionAt(s.pi, quoteDay)
	if s.source == srcDeclared {
		vn = g.versionAt(s.pi, s.inception)
	}
	v := g.version(s.pi, vn)
	d := &v.Definition
	if s.limit == 0 {
		s.limit, s.ret = g.option(s.ent, d, pr.market)
	}
	end := addMonthsDay(s.inception, d.TermMonths)
	if !g.free(s.ent, s.ins, s.pi, s.inception, end, -1) {
		return -1
	}
	retro := g.retro(d, s.inception)
	in := g.input(s.ent, s.limit, s.ret)
	res, err := rating.Rate(d, &v.Rating, in)
	if err != nil {
		panic(fmt.Sprintf("demo: rating %s: %v", pr.Code, err))
	}
	if res.Decision == rating.Declined {
		return -1
	}
	res.Terms.RetroDate = retro
	idx := len(g.u.Policies)
	pol := Policy{InsurerRef: insRef, EnterpriseRef: s.ent, Product: s.pi, Kind: s.kind, Source: s.source}
	t := Term{Version: vn, Request: -1, Quote: -1, Status: statusActive, Start: ds(s.inception), End: ds(end),
		AnnualPremium: res.Premium, WrittenPremium: res.Premium, SumInsured: res.Terms.SumInsured(), Retro: retro}
	var created string
	var by string
	if s.source == srcAnbao {
		q, boundAt := g.boundQuote(s.ent, s.ins, s.pi, vn, s.kind, -1, quoteDay, s.inception, end, retro, in, res, idx)
		g.u.Requests = append(g.u.Requests, QuoteRequest{EnterpriseRef: s.ent, ByRef: s.ent, By: g.user(s.ent),
			Inception: ds(s.inception), CreatedAt: q.CreatedAt, Quotes: []Quote{q}})
		t.Request, t.Quote = len(g.u.Requests)-1, 0
		// Some requests also asked for another option, not taken.
		if g.r.IntN(10) < 3 {
			g.notTaken(&g.u.Requests[t.Request], s, v, vn, quoteDay, end, retro)
		}
		t.Input = in
		created, by = boundAt, g.uw(s.ins)
		pol.AutoRenew = g.r.IntN(2) == 0
	} else {
		g.extSeq[s.ins]++
		o := g.p.Orgs[s.ent]
		pol.ExternalRef = fmt.Sprintf("%s%d%s%07d", uwInsurers[s.ins].extPre, s.inception.Year(), o.RegistrationDivision,
			1000000+g.extSeq[s.ins]*37+g.r.IntN(37))
		dd := addDays(s.inception, g.between(2, 20))
		created = g.at(dd, 16, g.r.IntN(60))
		if dd.After(g.today) {
			created = g.at(g.today, 9, g.r.IntN(30))
		}
		by = g.admin(s.ins)
	}
	t.CreatedAt = created
	t.Segments = []Segment{{Start: t.Start, End: t.End, AnnualPremium: res.Premium, Terms: res.Terms, CreatedAt: created}}
	t.Transactions = []Transaction{{Kind: "new_business", Effective: t.Start, Amount: res.Premium, CreatedBy: by, CreatedAt: created}}
	if s.source == srcDeclared {
		// As a declaration records it (store.DeclarePolicies): the day the insurer issued it.
		t.Transactions[0].Details = map[string]any{"issued_at": ds(minDay(addDays(s.inception, -g.between(1, 10)), g.today))}
	}
	pol.Terms = []Term{t}
	pol.CreatedAt, pol.UpdatedAt = created, created
	g.u.Policies = append(g.u.Policies, pol)
	g.hold(s.ent, s.ins, s.pi, s.inception, end, idx)
	return idx
}

// Stored values the generator writes.
const (
	srcAnbao        = "anbao"
	srcDeclared     = "declared"
	statusActive    = "active"
	statusCancelled = "cancelled"
	kindStandard    = "standard"
	kindPark        = "park_master"
)

// boundQuote makes the quote a policy was bound on: rated on quoteDay
// (referred ones decided by the underwriter the next day), bind requested and
// bound before inception, its pre-bind contingencies satisfied.
func (g *uwGen) boundQuote(ent, ins, pi, vn int, kind string, renewalOf int, quoteDay, inception, end day, retro string,
	in *rating.Input, res *rating.Result, policy int) (Quote, string) {
	v := g.version(pi, vn)
	created := g.at(quoteDay, 9+g.r.IntN(3), g.r.IntN(60))
	q := Quote{InsurerRef: g.insurers[ins], Product: pi, Version: vn, Kind: kind, RenewalOf: renewalOf, Status: "bound",
		Limit: in.Limit, Retention: in.Retention, Inception: ds(inception), Expiry: ds(end), Retro: retro, Premium: res.Premium,
		Input: in, Policy: policy, CreatedAt: created}
	quoted := created
	qd := quoteDay
	stored := *res
	if res.Decision == rating.Referred {
		qd = addDays(quoteDay, 1)
		quoted = g.at(qd, 15, g.r.IntN(60))
		q.DecidedBy, q.DecisionNote = g.uw(ins), g.uwNote(in)
		stored.Decision = rating.Quoted
	}
	q.Result = &stored
	q.reasons = res.Reasons
	q.QuotedAt = quoted
	q.ValidUntil = ds(addDays(qd, v.Definition.QuoteValidDays))
	br := addDays(qd, 2)
	q.BindRequestedAt = g.at(br, 9, 30+g.r.IntN(30))
	bound := addDays(br, 1)
	q.BoundAt = g.at(bound, 14, g.r.IntN(60))
	q.UpdatedAt = q.BoundAt
	for _, c := range v.Definition.Contingencies {
		k := Contingency{Kind: c.Kind, TextZH: c.TextZH, TextEN: c.TextEN, CreatedAt: created, Status: "open"}
		if c.Kind == cover.PreBind {
			k.DueDate = ds(addDays(qd, c.DueDays))
			k.Status, k.ResolvedBy, k.ResolvedAt = "satisfied", g.uw(ins), g.at(br, 11, g.r.IntN(60))
		} else {
			due := addDays(inception, c.DueDays)
			k.DueDate = ds(due)
			switch x := g.r.IntN(20); {
			case due.Before(g.today) && x < 17, !due.Before(g.today) && x < 5 && addDays(inception, 7).Before(g.today):
				done := addDays(due, -g.between(1, min(20, c.DueDays-1)))
				k.Status, k.ResolvedBy, k.ResolvedAt = "satisfied", g.uw(ins), g.at(minDay(done, g.today), 10, g.r.IntN(60))
				k.Note = "已收到服务机构出具的报告"
			case due.Before(g.today) && x == 17:
				k.Status, k.ResolvedBy, k.ResolvedAt = "waived", g.uw(ins), g.at(due, 17, 0)
				k.Note = "被保险人已通过等保测评，豁免本项"
			}
		}
		q.Contingencies = append(q.Contingencies, k)
	}
	return q, q.BoundAt
}

// notTaken adds a second option the enterprise asked for and did not take.
func (g *uwGen) notTaken(r *QuoteRequest, s spec, v *ProductVersion, vn int, quoteDay, end day, retro string) {
	d := &v.Definition
	alt := s.limit
	i := slices.Index(ladderSteps, s.limit/yuan)
	if i >= 0 && i+1 < len(ladderSteps) && g.r.IntN(3) > 0 {
		alt = ladderSteps[i+1] * yuan
	} else if i > 0 {
		alt = ladderSteps[i-1] * yuan
	}
	if alt == s.limit || d.Option(alt, s.ret) != nil {
		return
	}
	in := g.input(s.ent, alt, s.ret)
	res, err := rating.Rate(d, &v.Rating, in)
	if err != nil {
		return
	}
	res.Terms.RetroDate = retro
	q := Quote{InsurerRef: g.insurers[s.ins], Product: s.pi, Version: vn, Kind: s.kind, RenewalOf: -1, Status: "withdrawn",
		Limit: alt, Retention: s.ret, Inception: ds(s.inception), Expiry: ds(end), Retro: retro, Premium: res.Premium, Input: in,
		Result: res, Policy: -1, CreatedAt: r.Quotes[0].CreatedAt, UpdatedAt: r.Quotes[0].BoundAt, DecisionNote: "not_taken"}
	if res.Decision == rating.Quoted {
		q.QuotedAt, q.ValidUntil = q.CreatedAt, ds(addDays(quoteDay, d.QuoteValidDays))
	}
	for _, c := range d.Contingencies {
		due := addDays(quoteDay, c.DueDays)
		if c.Kind == cover.PostBind {
			due = addDays(s.inception, c.DueDays)
		}
		q.Contingencies = append(q.Contingencies, Contingency{Kind: c.Kind, TextZH: c.TextZH, TextEN: c.TextEN, DueDate: ds(due),
			Status: "open", CreatedAt: q.CreatedAt})
	}
	r.Quotes = append(r.Quotes, q)
}

// book issues the policies: ent1's and the foreign enterprise's fixtures,
// the park master policies, then the rest of the book.
func (g *uwGen) book() {
	n := int(math.Round(float64(len(g.ents)) * PoliciesPerEnterprise))
	monthsAgo := func(k int) day {
		m := g.today.AddDate(0, -k, 0)
		return time.Date(m.Year(), m.Month(), 1, 0, 0, 0, 0, time.UTC)
	}
	// ent1 holds an active policy with ins1, bound on Anbao.
	if g.ent1 >= 0 {
		for _, pi := range g.prods[0] {
			if g.u.Products[pi].market == "park" {
				continue
			}
			if i := g.issue(spec{ins: 0, pi: pi, ent: g.ent1, source: srcAnbao, kind: kindStandard, inception: monthsAgo(8),
				quoteDaysBack: 21}); i >= 0 {
				g.pinned[i] = true
				break
			}
		}
	}
	// The foreign enterprise holds one with ins2.
	if g.foreign >= 0 {
		for _, pi := range g.prods[1] {
			if i := g.issue(spec{ins: 1, pi: pi, ent: g.foreign, source: srcAnbao, kind: kindStandard, inception: monthsAgo(5),
				quoteDaysBack: 18}); i >= 0 {
				g.pinned[i] = true
				break
			}
		}
	}
	g.parks()

	weights := make([]float64, len(g.ents))
	for i, ref := range g.ents {
		weights[i] = g.pull(ref)
	}
	insW := make([]float64, len(uwInsurers))
	for tries := 0; len(g.u.Policies) < n && tries < 40*n; tries++ {
		ent := g.ents[g.pick(weights)]
		o := g.p.Orgs[ent]
		for i, ins := range uwInsurers {
			insW[i] = float64(ins.share)
			if g.p.Orgs[g.insurers[i]].Jurisdiction == o.Jurisdiction {
				insW[i] *= 2 // insurers sell most at home
			}
			if i == 0 && ent == g.foreign {
				insW[i] = 0
			}
		}
		ins := g.pick(insW)
		inception := g.inceptionDay(bookStart)
		var prodW []float64
		var cands []int
		for _, pi := range g.prods[ins] {
			if w := fit(g.u.Products[pi].market, o); w > 0 && !g.launch(pi).After(inception) {
				cands = append(cands, pi)
				prodW = append(prodW, w)
			}
		}
		if len(cands) == 0 {
			continue
		}
		pi := cands[g.pick(prodW)]
		// Anbao went live in the pilot's first year: older policies are mostly
		// declared from the insurers' own systems.
		anbaoShare := 25
		switch {
		case inception.Year() == 2025:
			anbaoShare = 55
		case inception.Year() >= 2026:
			anbaoShare = 66
		}
		src := srcDeclared
		if g.r.IntN(100) < anbaoShare {
			src = srcAnbao
		}
		g.issue(spec{ins: ins, pi: pi, ent: ent, source: src, kind: kindStandard, inception: inception, quoteDaysBack: g.between(6, 40)})
	}
}

// parks issues the park (园区保) master policies: an industrial park's
// operating company insures the park's enterprises, each with a certificate.
func (g *uwGen) parks() {
	byJur := map[string][]int{}
	for _, ref := range g.ents {
		j := g.p.Orgs[ref].Jurisdiction
		byJur[j] = append(byJur[j], ref)
	}
	jurs := make([]string, 0, len(byJur))
	for j := range byJur {
		jurs = append(jurs, j)
	}
	sort.Slice(jurs, func(a, b int) bool {
		if len(byJur[jurs[a]]) != len(byJur[jurs[b]]) {
			return len(byJur[jurs[a]]) > len(byJur[jurs[b]])
		}
		return jurs[a] < jurs[b]
	})
	var parkProds [2][2]int // (insurer, product)
	k := 0
	for i := range uwInsurers {
		for _, pi := range g.prods[i] {
			if g.u.Products[pi].market == "park" && k < 2 {
				parkProds[k] = [2]int{i, pi}
				k++
			}
		}
	}
	if k < 2 {
		return
	}
	used := map[int]bool{g.ent1: true, g.foreign: true}
	n := 0
	for _, jur := range jurs {
		if n == 4 {
			break
		}
		ins, pi := parkProds[n%2][0], parkProds[n%2][1]
		members := byJur[jur]
		if len(members) < 8 {
			continue
		}
		var ops []int
		for _, ref := range members {
			o := g.p.Orgs[ref]
			sec := section(o)
			if !used[ref] && (o.Profile.Size == anbao.SizeMedium || o.Profile.Size == anbao.SizeLarge) && (sec == "L" || sec == "K" || sec == "M") {
				ops = append(ops, ref)
			}
		}
		for _, ref := range members {
			if o := g.p.Orgs[ref]; !used[ref] && o.Profile.Size != anbao.SizeMicro && !slices.Contains(ops, ref) {
				ops = append(ops, ref)
			}
		}
		from := maxDay(g.launch(pi), parseDay("2025-03-01"))
		for _, op := range ops {
			inception := g.inceptionDay(from)
			if inception.After(addDays(g.today, -30)) {
				inception = time.Date(g.today.Year(), g.today.Month()-3, 1, 0, 0, 0, 0, time.UTC)
			}
			limit := []int64{20_000_000, 30_000_000, 50_000_000}[g.r.IntN(3)] * yuan
			idx := g.issue(spec{ins: ins, pi: pi, ent: op, source: srcAnbao, kind: kindPark, inception: inception,
				limit: limit, ret: 50_000 * yuan, quoteDaysBack: g.between(20, 40)})
			if idx < 0 {
				continue
			}
			used[op] = true
			g.pinned[idx] = true
			g.parkMembers(idx, members, used, ins)
			n++
			break
		}
	}
}

// parkMembers adds 5–30 enterprises of the park's jurisdiction, the city's
// first, each with a share of the aggregate and of the premium.
func (g *uwGen) parkMembers(idx int, pool []int, used map[int]bool, ins int) {
	pol := &g.u.Policies[idx]
	t := &pol.Terms[0]
	city := g.p.Orgs[pol.EnterpriseRef].RegistrationDivision[:4]
	var cands []int
	for _, ref := range pool {
		if used[ref] || (ins == 0 && ref == g.foreign) {
			continue
		}
		cands = append(cands, ref)
	}
	sort.SliceStable(cands, func(a, b int) bool {
		ca := strings.HasPrefix(g.p.Orgs[cands[a]].RegistrationDivision, city)
		cb := strings.HasPrefix(g.p.Orgs[cands[b]].RegistrationDivision, city)
		return ca && !cb
	})
	k := min(g.between(5, 30), len(cands))
	start, end := parseDay(t.Start), parseDay(t.End)
	var total int64
	for _, ref := range cands[:k] {
		lim := []int64{500_000, 1_000_000, 1_000_000, 2_000_000, 3_000_000}[g.r.IntN(5)] * yuan
		if g.p.Orgs[ref].Profile.Size == anbao.SizeMicro {
			lim = 500_000 * yuan
		}
		joined := start
		if g.r.IntN(5) == 0 {
			joined = addDays(start, g.between(15, 150))
		}
		if joined.After(g.today) || !joined.Before(end) {
			joined = start
		}
		m := Member{EnterpriseRef: ref, Limit: lim, Joined: ds(joined), CreatedAt: g.at(minDay(addDays(joined, -3), g.today), 10, g.r.IntN(60))}
		if joined.Equal(start) {
			m.CreatedAt = g.at(addDays(start, -2), 15, g.r.IntN(60))
		}
		pol.Members = append(pol.Members, m)
		total += lim
	}
	// Certificates are numbered in the order members joined.
	slices.SortStableFunc(pol.Members, func(a, b Member) int { return strings.Compare(a.Joined, b.Joined) })
	// The master premium is shared in proportion to the members' limits,
	// the remainder to the largest shares, so that the shares add up.
	type share struct {
		i   int
		rem int64
	}
	var shares []share
	var given int64
	for i := range pol.Members {
		num := t.AnnualPremium * pol.Members[i].Limit
		pol.Members[i].Premium = num / total
		given += pol.Members[i].Premium
		shares = append(shares, share{i, num % total})
	}
	sort.SliceStable(shares, func(a, b int) bool { return shares[a].rem > shares[b].rem })
	for j := 0; given < t.AnnualPremium; j++ {
		pol.Members[shares[j%len(shares)].i].Premium++
		given++
	}
	// One member left the park during the term.
	if len(pol.Members) > 8 {
		m := &pol.Members[len(pol.Members)-1]
		left := addDays(parseDay(m.Joined), g.between(60, 200))
		if left.Before(end) && !left.After(g.today) {
			m.Left = ds(left)
		}
	}
	for _, m := range pol.Members {
		if m.CreatedAt > pol.UpdatedAt {
			pol.UpdatedAt = m.CreatedAt
		}
	}
}

// ---------------------------------------------------------------------------
// The lifecycle: renewals, endorsements, cancellations, reinstatements.

func (g *uwGen) lifecycle() {
	n := len(g.u.Policies)
	order := g.r.Perm(n)
	// About 10% renewed: a second term, from policies whose first term has ended.
	renewed := 0
	for _, i := range order {
		if renewed >= n/10 {
			break
		}
		p := &g.u.Policies[i]
		if g.pinned[i] || p.Kind != kindStandard || parseDay(p.Terms[0].End).After(g.today) {
			continue
		}
		if g.renew(i) {
			renewed++
		}
	}
	// About 8% endorsed, 5% cancelled (a few of them reinstated).
	endorsed, cancelled, reinstated := 0, 0, 0
	touched := map[int]bool{}
	for _, i := range g.r.Perm(n) {
		if endorsed >= n*8/100 {
			break
		}
		if !g.pinned[i] && g.endorse(i) {
			endorsed++
			touched[i] = true
		}
	}
	for _, i := range g.r.Perm(n) {
		if cancelled >= n*5/100 {
			break
		}
		if g.pinned[i] || touched[i] {
			continue
		}
		reason := cancelReasons[g.pick(cancelWeights)]
		reinstate := reinstated < 4 && reason == "non_payment"
		if g.cancel(i, reason, reinstate) {
			cancelled++
			if reinstate {
				reinstated++
			}
		}
	}
}

// cancelReasons are the store's reason codes (store.CancelReasons) with
// their method and how often they occur.
var (
	cancelReasons = []string{"insured_request", "non_payment", "misrepresentation", "risk_increase", "underwriting", "duplicate", "rewrite"}
	cancelWeights = []float64{30, 22, 8, 10, 8, 6, 16}
	cancelMethod  = map[string]string{"insured_request": rating.ShortRate, "non_payment": rating.ProRata, "misrepresentation": rating.Flat,
		"risk_increase": rating.ProRata, "underwriting": rating.ProRata, "duplicate": rating.Flat, "rewrite": rating.ProRata}
	cancelNote = map[string]string{
		"insured_request":   "被保险人申请退保：业务调整，改由集团统一投保",
		"non_payment":       "约定缴费期届满，投保人未缴纳保费",
		"misrepresentation": "投保时未如实告知近三年发生的勒索事件，自始解除合同",
		"risk_increase":     "核心系统等保定级降级且未按约定整改，危险程度显著增加",
		"underwriting":      "续保前评估发现未修复的高危漏洞，经协商解除合同",
		"duplicate":         "同一标的重复出单，注销其中一张",
		"rewrite":           "升级为综合保险方案，原保单解除后重新出单",
	}
)

// renew adds a second term to policy i: anbao policies renew automatically
// when the tariff quotes, otherwise through a referred renewal quote the
// underwriter approves and binds; declared ones are declared again.
func (g *uwGen) renew(i int) bool {
	p := &g.u.Policies[i]
	t1 := &p.Terms[len(p.Terms)-1]
	if t1.Status != statusActive {
		return false
	}
	ins := g.insIndex(p.InsurerRef)
	start := parseDay(t1.End)
	when := addDays(start, -g.between(15, 50))
	vn := g.versionAt(p.Product, when)
	v := g.version(p.Product, vn)
	d := &v.Definition
	end := addMonthsDay(start, d.TermMonths)
	if !g.free(p.EnterpriseRef, ins, p.Product, start, end, i) {
		return false
	}
	cur := t1.Segments[len(t1.Segments)-1].Terms
	limit, ret := cur.AggregateLimit, cur.Retention
	if d.Option(limit, ret) != nil {
		limit, ret = min(max(limit, d.MinLimit), d.MaxLimit), max(ret, d.MinRetention)
	}
	in := g.input(p.EnterpriseRef, limit, ret)
	res, err := rating.Rate(d, &v.Rating, in)
	if err != nil || res.Decision == rating.Declined {
		return false
	}
	res.Terms.RetroDate = cur.RetroDate
	t := Term{Version: vn, Request: -1, Quote: -1, Status: statusActive, Start: ds(start), End: ds(end),
		AnnualPremium: res.Premium, WrittenPremium: res.Premium, SumInsured: res.Terms.SumInsured(), Retro: cur.RetroDate}
	txn := Transaction{Kind: "renewal", Effective: ds(start), Amount: res.Premium}
	if p.Source == srcAnbao {
		t.Input = in
		delta := map[string]any{"material": false, "changes": []any{}, "premium_before": t1.AnnualPremium, "premium_after": res.Premium}
		if res.Decision == rating.Quoted {
			txn.CreatedBy, txn.CreatedAt = "renewal", g.at(when, 2, g.r.IntN(30))
			txn.Details, txn.Rating = map[string]any{"automatic": true, "delta": delta}, res
			p.AutoRenew = true
		} else {
			q, bound := g.boundQuote(p.EnterpriseRef, ins, p.Product, vn, p.Kind, i, when, start, end, cur.RetroDate, in, res, i)
			g.u.Requests = append(g.u.Requests, QuoteRequest{EnterpriseRef: p.EnterpriseRef, ByRef: p.InsurerRef, By: "renewal",
				Inception: ds(start), CreatedAt: q.CreatedAt, Quotes: []Quote{q}})
			t.Request, t.Quote = len(g.u.Requests)-1, 0
			txn.CreatedBy, txn.CreatedAt = g.uw(ins), bound
			txn.Details = map[string]any{"quote_id": nil}
			txn.Rating = q.Result
		}
	} else {
		txn.CreatedBy, txn.CreatedAt = g.admin(ins), g.at(minDay(addDays(start, g.between(2, 15)), g.today), 16, g.r.IntN(60))
	}
	t.CreatedAt = txn.CreatedAt
	t.Segments = []Segment{{Start: t.Start, End: t.End, AnnualPremium: res.Premium, Terms: res.Terms, CreatedAt: txn.CreatedAt}}
	t.Transactions = []Transaction{txn}
	p.Terms = append(p.Terms, t)
	p.UpdatedAt = maxStr(p.UpdatedAt, txn.CreatedAt)
	g.hold(p.EnterpriseRef, ins, p.Product, start, end, i)
	return true
}

func maxStr(a, b string) string {
	if a > b {
		return a
	}
	return b
}

// endorse changes the limit of policy i's current term from a date: the
// term is re-rated on its version with the facts it was bound on, the last
// segment split, the difference charged or refunded pro rata.
func (g *uwGen) endorse(i int) bool {
	p := &g.u.Policies[i]
	t := &p.Terms[len(p.Terms)-1]
	if p.Source != srcAnbao || p.Kind != kindStandard || t.Status != statusActive || t.Input == nil || len(t.Segments) != 1 {
		return false
	}
	start, end := parseDay(t.Start), parseDay(t.End)
	lo, hi := addDays(start, 30), minDay(addDays(end, -30), addDays(g.today, -1))
	if hi.Before(lo) {
		return false
	}
	eff := addDays(lo, g.r.IntN(daysBetween(lo, hi)+1))
	last := &t.Segments[len(t.Segments)-1]
	v := g.version(p.Product, t.Version)
	d := &v.Definition
	old := last.Terms
	k := slices.Index(ladderSteps, t.Input.Limit/yuan)
	if k < 0 {
		return false
	}
	up := g.r.IntN(10) < 7
	newLimit := t.Input.Limit
	if up && k+1 < len(ladderSteps) {
		newLimit = ladderSteps[k+1] * yuan
	} else if k > 0 {
		newLimit = ladderSteps[k-1] * yuan
	}
	if d.Option(newLimit, t.Input.Retention) != nil {
		return false
	}
	in := *t.Input
	in.Limit = newLimit
	res, err := rating.Rate(d, &v.Rating, &in)
	if err != nil {
		return false
	}
	nt := res.Terms
	nt.RetroDate = old.RetroDate
	if nt.AggregateLimit == old.AggregateLimit && nt.Retention == old.Retention {
		return false
	}
	adj, err := rating.Endorsement(t.AnnualPremium, res.Premium, t.Start, t.End, ds(eff))
	if err != nil {
		return false
	}
	created := g.at(maxDay(addDays(eff, -g.between(0, 5)), start), 11, g.r.IntN(60))
	last.End = ds(eff)
	t.Segments = append(t.Segments, Segment{Start: ds(eff), End: t.End, AnnualPremium: res.Premium, Terms: nt, CreatedAt: created})
	note := "应被保险人申请，累计赔偿限额由 " + rating.FormatYuan(old.AggregateLimit) + " 调整为 " + rating.FormatYuan(nt.AggregateLimit)
	if up {
		note += "（新增业务系统上线）"
	}
	t.Transactions = append(t.Transactions, Transaction{Kind: "endorsement", Effective: ds(eff), Amount: adj.Amount, Method: "pro_rata",
		Note: note, Details: map[string]any{"limit": [2]int64{old.AggregateLimit, newLimit}, "retention": [2]int64{old.Retention, in.Retention},
			"annual_premium": [2]int64{t.AnnualPremium, res.Premium}, "adjustment": adj},
		Rating: res, CreatedBy: g.uw(g.insIndex(p.InsurerRef)), CreatedAt: created})
	t.AnnualPremium = res.Premium
	t.WrittenPremium += adj.Amount
	t.SumInsured = nt.SumInsured()
	p.UpdatedAt = maxStr(p.UpdatedAt, created)
	return true
}

// cancel cancels policy i's current term for reason, by the reason's method;
// reinstate restores it a week or two later (the premium paid after all).
func (g *uwGen) cancel(i int, reason string, reinstate bool) bool {
	p := &g.u.Policies[i]
	t := &p.Terms[len(p.Terms)-1]
	if p.Kind != kindStandard || t.Status != statusActive || len(t.Segments) != 1 {
		return false
	}
	start, end := parseDay(t.Start), parseDay(t.End)
	method := cancelMethod[reason]
	eff := start
	if method != rating.Flat {
		lo, hi := addDays(start, 15), minDay(addDays(end, -1), addDays(g.today, -1))
		if reinstate {
			hi = minDay(addDays(end, -30), addDays(g.today, -25))
		}
		if hi.Before(lo) {
			return false
		}
		eff = addDays(lo, g.r.IntN(daysBetween(lo, hi)+1))
	} else if start.After(g.today) {
		return false
	}
	adj, err := rating.Cancellation(method, t.WrittenPremium, t.Start, t.End, ds(eff))
	if err != nil {
		return false
	}
	ins := g.insIndex(p.InsurerRef)
	created := g.at(minDay(addDays(eff, g.between(0, 3)), g.today), 15, g.r.IntN(60))
	t.Transactions = append(t.Transactions, Transaction{Kind: "cancellation", Effective: ds(eff), Amount: adj.Amount, Method: method,
		Reason: reason, Note: cancelNote[reason], Details: map[string]any{"adjustment": adj}, CreatedBy: g.uw(ins), CreatedAt: created})
	t.WrittenPremium += adj.Amount
	t.Status, t.CancelledDate, t.CancelMethod, t.CancelReason = statusCancelled, ds(eff), method, reason
	p.UpdatedAt = maxStr(p.UpdatedAt, created)
	if reinstate {
		back := addDays(eff, g.between(7, 20))
		when := g.at(back, 10, g.r.IntN(60))
		t.Transactions = append(t.Transactions, Transaction{Kind: "reinstatement", Effective: ds(eff), Amount: -adj.Amount,
			Note: "投保人已补缴保费，恢复保险合同效力", Details: map[string]any{"cancelled_date": ds(eff), "refund_reversed": adj.Amount},
			CreatedBy: g.uw(ins), CreatedAt: when})
		t.WrittenPremium -= adj.Amount
		t.Status, t.CancelledDate, t.CancelMethod, t.CancelReason = statusActive, "", "", ""
		p.UpdatedAt = maxStr(p.UpdatedAt, when)
	}
	return true
}

// ---------------------------------------------------------------------------
// Subsidies, open quotes, notices.

// localSubsidy is a demo local subsidy policy (clearly marked as demo data).
type localSubsidy struct {
	jurisdiction, title string
	from                day
	shareBP             int   // share of the premium subsidised
	capFen              int64 // per policy and term
}

var localSubsidies = []localSubsidy{
	{"32", "【演示】关于开展网络安全保险保费补贴试点的通知（苏工信安〔2025〕12号）", parseDay("2025-03-01"), 4000, 50_000 * yuan},
	{"33", "【演示】浙江省网络安全保险保费补助实施细则（试行）（浙经信网安〔2025〕7号）", parseDay("2025-01-01"), 3000, 30_000 * yuan},
	{"4403", "【演示】深圳市中小企业网络安全保险补贴办法（深工信规〔2024〕21号）", parseDay("2024-07-01"), 5000, 40_000 * yuan},
	{"11", "【演示】关于支持专精特新企业投保网络安全保险的若干措施（京经信发〔2025〕33号）", parseDay("2025-05-01"), 3000, 60_000 * yuan},
	{"51", "【演示】四川省网络安全保险服务试点保费补贴方案（川经信安全〔2025〕4号）", parseDay("2025-02-01"), 3500, 25_000 * yuan},
}

// subsidies grant premium subsidies to about one policy in ten, SMEs in the
// five jurisdictions with a local subsidy policy, on terms starting after it.
func (g *uwGen) subsidies() {
	grantor := map[string]string{}
	for _, o := range g.p.Orgs {
		if o.Kind == anbao.KindRegulator && o.Jurisdiction != "" {
			grantor[o.Jurisdiction] = o.NameZH
		}
	}
	want := len(g.u.Policies) / 10
	var elig []int
	for i := range g.u.Policies {
		p := &g.u.Policies[i]
		o := g.p.Orgs[p.EnterpriseRef]
		t := &p.Terms[len(p.Terms)-1]
		if o.Profile.Size == anbao.SizeLarge || t.Status != statusActive || p.Kind != kindStandard {
			continue
		}
		for _, ls := range localSubsidies {
			if ls.jurisdiction == o.Jurisdiction && !parseDay(t.Start).Before(ls.from) && !parseDay(t.Start).After(g.today) && grantor[ls.jurisdiction] != "" {
				elig = append(elig, i)
			}
		}
	}
	for _, k := range g.r.Perm(len(elig))[:min(want, len(elig))] {
		i := elig[k]
		p := &g.u.Policies[i]
		o := g.p.Orgs[p.EnterpriseRef]
		t := &p.Terms[len(p.Terms)-1]
		for _, ls := range localSubsidies {
			if ls.jurisdiction != o.Jurisdiction {
				continue
			}
			amount := min(t.WrittenPremium*int64(ls.shareBP)/10000/yuan*yuan, ls.capFen, t.WrittenPremium)
			if amount <= 0 {
				continue
			}
			when := minDay(addDays(parseDay(t.Start), g.between(20, 75)), g.today)
			p.Subsidies = append(p.Subsidies, Subsidy{TermNo: len(p.Terms), Jurisdiction: ls.jurisdiction, Grantor: grantor[ls.jurisdiction],
				LocalPolicy: ls.title, Amount: amount, CreatedBy: g.uw(g.insIndex(p.InsurerRef)), CreatedAt: g.at(when, 14, g.r.IntN(60))})
			p.UpdatedAt = maxStr(p.UpdatedAt, p.Subsidies[len(p.Subsidies)-1].CreatedAt)
		}
	}
}

// openRequest makes an open quote request of enterprise ent on products (by
// (insurer, product)) and options, created daysAgo before today.
func (g *uwGen) openRequest(ent int, prods [][2]int, opts [][2]int64, inception day, daysAgo int, note string) *QuoteRequest {
	created := addDays(g.today, -daysAgo)
	r := QuoteRequest{EnterpriseRef: ent, ByRef: ent, By: g.user(ent), Inception: ds(inception), Note: note,
		CreatedAt: g.at(created, 10, g.r.IntN(60))}
	for _, pp := range prods {
		ins, pi := pp[0], pp[1]
		vn := len(g.u.Products[pi].Versions)
		v := g.version(pi, vn)
		d := &v.Definition
		end := addMonthsDay(inception, d.TermMonths)
		retro := ""
		if (&cover.Terms{Coverages: d.Coverages}).ClaimsMade() {
			retro = ds(inception.AddDate(-1, 0, 0))
		}
		for _, o := range opts {
			limit, ret := min(max(o[0], d.MinLimit), d.MaxLimit), max(o[1], d.MinRetention)
			if d.Option(limit, ret) != nil || slices.ContainsFunc(r.Quotes, func(q Quote) bool { return q.Product == pi && q.Limit == limit }) {
				continue
			}
			in := g.input(ent, limit, ret)
			res, err := rating.Rate(d, &v.Rating, in)
			if err != nil {
				continue
			}
			res.Terms.RetroDate = retro
			q := Quote{InsurerRef: g.insurers[ins], Product: pi, Version: vn, Kind: kindStandard, RenewalOf: -1, Status: res.Decision,
				Limit: limit, Retention: ret, Inception: ds(inception), Expiry: ds(end), Retro: retro, Premium: res.Premium, Input: in,
				Result: res, Policy: -1, CreatedAt: r.CreatedAt, UpdatedAt: r.CreatedAt}
			if res.Decision == rating.Quoted {
				q.QuotedAt, q.ValidUntil = r.CreatedAt, ds(addDays(created, d.QuoteValidDays))
			}
			for _, c := range d.Contingencies {
				due := addDays(created, c.DueDays)
				if c.Kind == cover.PostBind {
					due = addDays(inception, c.DueDays)
				}
				q.Contingencies = append(q.Contingencies, Contingency{Kind: c.Kind, TextZH: c.TextZH, TextEN: c.TextEN, DueDate: ds(due),
					Status: "open", CreatedAt: r.CreatedAt})
			}
			r.Quotes = append(r.Quotes, q)
		}
	}
	if len(r.Quotes) == 0 {
		return nil
	}
	g.u.Requests = append(g.u.Requests, r)
	return &g.u.Requests[len(g.u.Requests)-1]
}

// approve is the underwriter's approval of a referred open quote, a day after it was made.
func (g *uwGen) approve(q *Quote) {
	if q.Status != rating.Referred {
		return
	}
	d := parseDay(q.CreatedAt[:10]).AddDate(0, 0, 1)
	if d.After(g.today) {
		d = g.today
	}
	stored := *q.Result
	stored.Decision = rating.Quoted
	q.reasons = q.Result.Reasons
	q.Result = &stored
	q.Status, q.QuotedAt = rating.Quoted, g.at(d, 15, g.r.IntN(60))
	q.ValidUntil = ds(addDays(d, g.version(q.Product, q.Version).Definition.QuoteValidDays))
	q.DecidedBy, q.DecisionNote = g.uw(g.insIndex(q.InsurerRef)), g.uwNote(q.Input)
	q.UpdatedAt = q.QuotedAt
}

func (g *uwGen) product(ins int, market string) int {
	for _, pi := range g.prods[ins] {
		if g.u.Products[pi].market == market {
			return pi
		}
	}
	return -1
}

// openQuotes makes the quotes the UI shows: ent1's comparison across three
// insurers with one option bind-requested; ins1's referral queue and bind
// requests from other enterprises; a few expired and declined quotes.
func (g *uwGen) openQuotes() {
	soon := func(days int) day { return addDays(g.today, days) }
	nextMonth := time.Date(g.today.Year(), g.today.Month()+1, 1, 0, 0, 0, 0, time.UTC)
	if daysBetween(g.today, nextMonth) < 7 {
		nextMonth = nextMonth.AddDate(0, 1, 0)
	}
	if g.ent1 >= 0 {
		prods := [][2]int{{0, g.product(0, "liability")}, {2, g.product(2, "specialised")}, {5, g.product(5, "inclusive")}}
		r := g.openRequest(g.ent1, prods, [][2]int64{{1_000_000 * yuan, 20_000 * yuan}, {3_000_000 * yuan, 20_000 * yuan}}, nextMonth, 3,
			"拟上线会员数据平台，比较数据安全责任保障方案")
		if r != nil {
			for i := range r.Quotes {
				g.approve(&r.Quotes[i])
			}
			for i := range r.Quotes {
				if q := &r.Quotes[i]; q.InsurerRef == g.insurers[0] && q.Status == rating.Quoted {
					q.Status, q.BindRequestedAt = "bind_requested", g.at(addDays(g.today, -1), 16, 20)
					q.UpdatedAt = q.BindRequestedAt
					break
				}
			}
		}
	}
	sme := g.product(0, "sme")
	skip := map[int]bool{g.ent1: true, g.foreign: true}
	// ins1's referral queue: seven enterprises the tariff refers; two bind requests.
	referred, bindReq, declined, expired := 0, 0, 0, 0
	for _, k := range g.r.Perm(len(g.ents)) {
		ent := g.ents[k]
		if skip[ent] || (referred >= 7 && bindReq >= 2) {
			continue
		}
		v := g.version(sme, len(g.u.Products[sme].Versions))
		limit, ret := g.option(ent, &v.Definition, "sme")
		res, err := rating.Rate(&v.Definition, &v.Rating, g.input(ent, limit, ret))
		if err != nil {
			continue
		}
		switch {
		case res.Decision == rating.Referred && referred < 7:
			if r := g.openRequest(ent, [][2]int{{0, sme}}, [][2]int64{{limit, ret}}, soon(g.between(10, 45)), g.between(1, 12), ""); r != nil {
				referred++
				skip[ent] = true
			}
		case res.Decision == rating.Quoted && bindReq < 2:
			if r := g.openRequest(ent, [][2]int{{0, sme}}, [][2]int64{{limit, ret}}, soon(g.between(7, 30)), g.between(2, 6), ""); r != nil {
				q := &r.Quotes[0]
				q.Status, q.BindRequestedAt = "bind_requested", g.at(addDays(g.today, -1), 11, g.r.IntN(60))
				q.UpdatedAt = q.BindRequestedAt
				bindReq++
				skip[ent] = true
			}
		}
	}
	// An underwriter's decline, and expired offers at three insurers.
	for _, k := range g.r.Perm(len(g.ents)) {
		ent := g.ents[k]
		if skip[ent] || (declined >= 3 && expired >= 3) {
			continue
		}
		ins := []int{0, 2, 3}[expired%3]
		pi := g.prods[ins][0]
		if declined < 3 {
			ins, pi = declined%2*4, g.prods[declined%2*4][0]
		}
		v := g.version(pi, len(g.u.Products[pi].Versions))
		limit, ret := g.option(ent, &v.Definition, g.u.Products[pi].market)
		res, err := rating.Rate(&v.Definition, &v.Rating, g.input(ent, limit, ret))
		if err != nil {
			continue
		}
		switch {
		case declined < 3 && (res.Decision == rating.Referred || res.Decision == rating.Declined):
			r := g.openRequest(ent, [][2]int{{ins, pi}}, [][2]int64{{limit, ret}}, soon(g.between(10, 40)), g.between(4, 15), "")
			if r == nil {
				continue
			}
			if q := &r.Quotes[0]; q.Status == rating.Referred {
				// The underwriter declines what the tariff referred.
				q.Status, q.DecidedBy = "declined", g.uw(ins)
				q.DecisionNote = []string{"存在未修复的已知被利用漏洞（KEV），请修复并复测后重新申请。", "近三年发生勒索事件且未落实离线备份，暂不承保。"}[declined%2]
				q.UpdatedAt = g.at(addDays(g.today, -g.between(0, 2)), 17, g.r.IntN(60))
			}
			declined++
			skip[ent] = true
		case declined >= 3 && expired < 3 && res.Decision == rating.Quoted:
			r := g.openRequest(ent, [][2]int{{ins, pi}}, [][2]int64{{limit, ret}}, soon(-g.between(5, 30)), g.between(45, 80), "")
			if r == nil {
				continue
			}
			r.Quotes[0].Status = "expired"
			expired++
			skip[ent] = true
		}
	}
}

// noticeTexts are risk-increase notices (危险程度显著增加) by kind, with the insurer's response.
var noticeTexts = []struct{ kind, detail, response string }{
	{"mlps_level_lost", "核心业务系统“客户服务平台”经重新定级，等保级别由第三级调整为第二级，已向公安机关办理变更备案。",
		"已收悉。请于 30 日内提交变更后的备案证明及测评计划，我司将评估是否调整承保条件。"},
	{"mlps_level_lost", "因系统整合，原第三级“业务管理系统”撤销备案，相关功能并入第二级门户网站系统。",
		""},
	{"mlps_filing_lapsed", "门户网站等保测评已逾期未开展，原定本年第三季度的测评因预算原因推迟至明年一季度。",
		"已收悉。测评完成前，未修复高危漏洞导致的损失按保险合同约定免赔额上浮 10%。"},
	{"controls_removed", "因更换终端安全厂商，原 EDR 产品已于上月下线，新产品部署预计需 45 天，期间仅保留传统杀毒软件。",
		""},
	{"business_change", "新上线面向个人用户的线上商城，预计新增个人信息约 50 万条，支付环节由第三方支付机构处理。",
		"已收悉。请补充填写数据安全问卷，我司将在 15 个工作日内答复是否需要批改保险金额。"},
	{"controls_removed", "远程办公 VPN 的多因素认证因兼容性问题临时关闭，预计两周内恢复。", ""},
	{"other", "主要云服务商由 A 迁移至 B，迁移期间部分业务系统采用双活部署。",
		"已收悉，请迁移完成后提交新的架构说明及备份策略。"},
	{"business_change", "公司完成对一家数据服务公司的收购，被收购方的信息系统将于下季度并入集团网络。", ""},
}

// notices raises eight risk-increase notices on in-force policies, the
// enterprises with demo logins first; some acknowledged, some pending (ins1's
// worklist has pending ones).
func (g *uwGen) notices() {
	var withUsers, others, ins1, ins1Others []int
	for i := range g.u.Policies {
		p := &g.u.Policies[i]
		t := &p.Terms[len(p.Terms)-1]
		if t.Status != statusActive || !parseDay(t.End).After(addDays(g.today, 30)) || parseDay(t.Start).After(addDays(g.today, -45)) ||
			p.Kind != kindStandard || p.EnterpriseRef == g.ent1 || p.EnterpriseRef == g.foreign {
			continue
		}
		_, ok := g.users[p.EnterpriseRef]
		switch {
		case p.InsurerRef == g.insurers[0] && ok:
			ins1 = append(ins1, i)
		case p.InsurerRef == g.insurers[0]:
			ins1Others = append(ins1Others, i)
		case ok:
			withUsers = append(withUsers, i)
		default:
			others = append(others, i)
		}
	}
	// ins1's policies of enterprises with demo logins first.
	ins1 = append(g.shuffled(ins1), g.shuffled(ins1Others)...)
	pick := func(list []int, k int) []int { return list[:min(k, len(list))] }
	chosen := append(pick(ins1, 3), pick(g.shuffled(withUsers), 3)...)
	chosen = append(chosen, pick(g.shuffled(others), 8-len(chosen))...)
	for k, i := range chosen {
		p := &g.u.Policies[i]
		nt := noticeTexts[k%len(noticeTexts)]
		raised := addDays(g.today, -g.between(2, 40))
		if s := parseDay(p.Terms[len(p.Terms)-1].Start); raised.Before(s) {
			raised = addDays(s, 10)
		}
		n := RiskNotice{Policy: i, Kind: nt.kind, Detail: nt.detail, RaisedBy: g.user(p.EnterpriseRef), RaisedAt: g.at(raised, 10, g.r.IntN(60))}
		if nt.response != "" {
			ack := minDay(addDays(raised, g.between(1, 5)), g.today)
			n.AcknowledgedBy, n.AcknowledgedAt, n.Response = g.uw(g.insIndex(p.InsurerRef)), g.at(ack, 17, g.r.IntN(60)), nt.response
		}
		g.u.Notices = append(g.u.Notices, n)
	}
}

// finish puts the policies and requests in the order they were written and
// remaps the indexes between them.
func (g *uwGen) finish() {
	u := g.u
	pOrder := make([]int, len(u.Policies))
	for i := range pOrder {
		pOrder[i] = i
	}
	sort.SliceStable(pOrder, func(a, b int) bool { return u.Policies[pOrder[a]].CreatedAt < u.Policies[pOrder[b]].CreatedAt })
	pNew := make([]int, len(pOrder))
	pols := make([]Policy, len(pOrder))
	for n, old := range pOrder {
		pNew[old] = n
		pols[n] = u.Policies[old]
	}
	rOrder := make([]int, len(u.Requests))
	for i := range rOrder {
		rOrder[i] = i
	}
	sort.SliceStable(rOrder, func(a, b int) bool { return u.Requests[rOrder[a]].CreatedAt < u.Requests[rOrder[b]].CreatedAt })
	rNew := make([]int, len(rOrder))
	reqs := make([]QuoteRequest, len(rOrder))
	for n, old := range rOrder {
		rNew[old] = n
		reqs[n] = u.Requests[old]
	}
	for i := range reqs {
		for j := range reqs[i].Quotes {
			q := &reqs[i].Quotes[j]
			if q.Policy >= 0 {
				q.Policy = pNew[q.Policy]
			}
			if q.RenewalOf >= 0 {
				q.RenewalOf = pNew[q.RenewalOf]
			}
		}
	}
	for i := range pols {
		for k := range pols[i].Terms {
			if t := &pols[i].Terms[k]; t.Request >= 0 {
				t.Request = rNew[t.Request]
			}
		}
	}
	for i := range u.Notices {
		u.Notices[i].Policy = pNew[u.Notices[i].Policy]
	}
	u.Policies, u.Requests = pols, reqs
}

// Totals sums the book: policies, premium (written, current terms) and sum insured.
func (u *Underwriting) Totals() (policies int, premium, sumInsured int64) {
	for i := range u.Policies {
		premium += u.Policies[i].Premium()
		sumInsured += u.Policies[i].SumInsured()
	}
	return len(u.Policies), premium, sumInsured
}
