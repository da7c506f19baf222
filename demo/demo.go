// Package demo generates a deterministic synthetic pilot: the operator,
// national and local regulators, insurers, security providers, enterprises,
// their users and the insurer and provider relationships with enterprises.
// It is pure: the store loads the result (store.LoadDemo).
//
// Demo logins (all with Password):
//
//	op.admin, op.auditor, op.expert          operator: admin, auditor, reviewer
//	miit.admin, miit.analyst                 MIIT Cybersecurity Bureau
//	nfra.admin, nfra.analyst                 National Financial Regulatory Administration
//	reg<code>.admin, reg<code>.analyst       local regulator of jurisdiction <code> (reg32, reg4403, reg66 for the XPCC)
//	ins<i>.admin, ins<i>.uw, ins<i>.claims   insurer i (1–6): admin, underwriter, claims handler
//	prov<j>.admin, prov<j>.analyst           provider j (1–8)
//	ent<k>.admin, ent<k>.member              enterprise k (1–20), all active
//
// Users in EnglishUsers use the "en" locale, every other user "zh-CN".
// ent1 has consent with ins1 and an engagement with prov1.
package demo

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/refdata"
	"github.com/anbao/anbao/uscc"
)

// Password is every demo user's password.
const Password = "anbao-demo-2026"

// pcgStream is the second PCG word; the seed is the first.
const pcgStream = 0x616e62616f2d6465 // "anbao-de"

// Relationship kinds.
const (
	RelConsent    = "consent"    // insurer: the enterprise consented by a submission or policy
	RelEngagement = "engagement" // provider: engaged by the enterprise
)

// Target sizes of the generated pilot.
const (
	ConsentsPerInsurer     = 120 // about; 110–130 each
	EngagementsPerProvider = 60  // about; 55–65 each
	EnterpriseUsers        = 20  // enterprises 1..20 get ent<k>.admin and ent<k>.member
	MaxPending             = 15  // enterprises awaiting approval
)

// EnglishUsers are the demo users whose locale is "en".
var EnglishUsers = []string{"nfra.analyst", "ins2.uw", "prov3.analyst", "ent2.admin"}

// Pilot is a generated pilot. Organisations are referred to by their index in Orgs.
type Pilot struct {
	Orgs          []*anbao.Organisation // ID left 0; the index is the org's ref
	Users         []User
	Relationships []Relationship // insurers and providers engaged with enterprises
}

// User is a demo account in the organisation Orgs[OrgRef].
type User struct {
	OrgRef      int
	Username    string
	DisplayName string
	Email       string
	Roles       []anbao.Role
	Locale      string
}

// Relationship links an insurer (consent) or provider (engagement) to an enterprise.
type Relationship struct {
	PartyRef, EnterpriseRef int
	Kind                    string // RelConsent or RelEngagement
}

// Refs returns the refs of the organisations of kind k, in order.
func (p *Pilot) Refs(k anbao.OrgKind) []int {
	var out []int
	for i, o := range p.Orgs {
		if o.Kind == k {
			out = append(out, i)
		}
	}
	return out
}

// Summary counts the organisations by kind.
func Summary(p *Pilot) map[anbao.OrgKind]int {
	m := make(map[anbao.OrgKind]int, len(anbao.OrgKinds))
	for _, o := range p.Orgs {
		m[o.Kind]++
	}
	return m
}

// SizeBounds gives the half-open ranges [min, max) of annual revenue (分) and
// employees generated for each size class, following the thresholds of the
// MIIT classification for industry: large from 4亿元 and 1000 staff, medium
// from 2000万元 and 300, small from 300万元 and 20.
var SizeBounds = map[anbao.SizeClass]struct{ RevenueMin, RevenueMax, EmployeesMin, EmployeesMax int64 }{
	anbao.SizeLarge:  {40_000_000_000, 5_000_000_000_000, 1000, 30000},
	anbao.SizeMedium: {2_000_000_000, 40_000_000_000, 300, 1000},
	anbao.SizeSmall:  {300_000_000, 2_000_000_000, 20, 300},
	anbao.SizeMicro:  {10_000_000, 300_000_000, 1, 20},
}

// sizeWeights: micro and small enterprises are the majority.
var sizeWeights = []struct {
	size   anbao.SizeClass
	weight int
}{{anbao.SizeMicro, 38}, {anbao.SizeSmall, 36}, {anbao.SizeMedium, 18}, {anbao.SizeLarge, 8}}

type gen struct {
	r       *rand.Rand
	p       *Pilot
	uscc    map[string]bool // codes taken
	names   map[string]bool // Chinese names taken
	en      map[string]bool // English names taken
	english map[string]bool // usernames with the "en" locale
}

// Generate builds a pilot with the given number of enterprises. The same seed
// gives the same pilot; fixed organisations (operator, regulators, insurers,
// providers) and their USCCs do not depend on the seed.
func Generate(seed uint64, enterprises int) *Pilot {
	enterprises = max(enterprises, 0)
	g := &gen{
		r:       rand.New(rand.NewPCG(seed, pcgStream)),
		p:       &Pilot{},
		uscc:    map[string]bool{},
		names:   map[string]bool{},
		en:      map[string]bool{},
		english: map[string]bool{},
	}
	for _, u := range EnglishUsers {
		g.english[u] = true
	}

	op := g.addFixed(operatorOrg, anbao.KindOperator)
	g.addUser(op, "op.admin", anbao.RoleAdmin)
	g.addUser(op, "op.auditor", anbao.RoleAuditor)
	g.addUser(op, "op.expert", anbao.RoleReviewer)
	miit := g.addFixed(nationalRegulators[0], anbao.KindRegulator)
	g.addUser(miit, "miit.admin", anbao.RoleAdmin)
	g.addUser(miit, "miit.analyst", anbao.RoleAnalyst)
	nfra := g.addFixed(nationalRegulators[1], anbao.KindRegulator)
	g.addUser(nfra, "nfra.admin", anbao.RoleAdmin)
	g.addUser(nfra, "nfra.analyst", anbao.RoleAnalyst)

	var active []refdata.Jurisdiction
	for _, j := range refdata.Jurisdictions() {
		if j.Active {
			active = append(active, j)
		}
	}
	for _, j := range active {
		ref := g.addFixed(localRegulator(j), anbao.KindRegulator)
		g.addUser(ref, "reg"+j.Code+".admin", anbao.RoleAdmin)
		g.addUser(ref, "reg"+j.Code+".analyst", anbao.RoleAnalyst)
	}
	var insurers, providers []int
	for _, f := range insurerOrgs {
		ref := g.addFixed(f, anbao.KindInsurer)
		insurers = append(insurers, ref)
		g.addUser(ref, f.slug+".admin", anbao.RoleAdmin)
		g.addUser(ref, f.slug+".uw", anbao.RoleUnderwriter)
		g.addUser(ref, f.slug+".claims", anbao.RoleClaimsHandler)
	}
	for _, f := range providerOrgs {
		ref := g.addFixed(f, anbao.KindProvider)
		providers = append(providers, ref)
		g.addUser(ref, f.slug+".admin", anbao.RoleAdmin)
		g.addUser(ref, f.slug+".analyst", anbao.RoleAnalyst)
	}

	ents := g.enterprises(active, enterprises)
	for k, ref := range ents[:min(EnterpriseUsers, len(ents))] {
		slug := fmt.Sprintf("ent%d", k+1)
		g.addUser(ref, slug+".admin", anbao.RoleAdmin)
		g.addUser(ref, slug+".member", anbao.RoleMember)
	}

	var eligible []int // active enterprises may be engaged
	for _, ref := range ents {
		if g.p.Orgs[ref].Status == anbao.OrgActive {
			eligible = append(eligible, ref)
		}
	}
	for _, ref := range insurers {
		g.relate(ref, RelConsent, eligible, ConsentsPerInsurer-10+g.r.IntN(21), ents, ref == insurers[0])
	}
	for _, ref := range providers {
		g.relate(ref, RelEngagement, eligible, EngagementsPerProvider-5+g.r.IntN(11), ents, ref == providers[0])
	}
	return g.p
}

// localRegulator names the industry and IT department of a jurisdiction.
func localRegulator(j refdata.Jurisdiction) fixedOrg {
	f := fixedOrg{slug: "reg" + j.Code, jurisdiction: j.Code, authority: '1', category: '1', div: j.Division}
	if d, ok := regulatorDivision[j.Code]; ok {
		f.div = d
	}
	if n, ok := regulatorNames[j.Code]; ok {
		f.zh, f.en = n.zh, n.en
		return f
	}
	switch {
	case j.Kind == refdata.KindPlanCity:
		f.zh = j.FullNameZH + "工业和信息化局"
		f.en = j.NameEN + " Municipal Bureau of Industry and Information Technology"
	case strings.HasSuffix(j.FullNameEN, " Province"):
		f.zh = j.FullNameZH + "工业和信息化厅"
		f.en = j.NameEN + " Provincial Department of Industry and Information Technology"
	default:
		f.zh = j.FullNameZH + "工业和信息化厅"
		f.en = "Department of Industry and Information Technology of " + j.FullNameEN
	}
	return f
}

// fixedBody derives a seed-independent organisation-code body from a slug:
// digits for government bodies and institutions, "MA…" for companies.
func fixedBody(slug string, company bool) string {
	h := fnv.New64a()
	h.Write([]byte("anbao-demo/" + slug))
	x := h.Sum64()
	b := make([]byte, 8)
	if company {
		b[0], b[1] = 'M', 'A'
		for i := 2; i < 8; i++ {
			b[i] = uscc.Charset[x%uint64(len(uscc.Charset))]
			x /= uint64(len(uscc.Charset))
		}
		return string(b)
	}
	for i := range b {
		b[i] = byte('0' + x%10)
		x /= 10
	}
	return string(b)
}

func (g *gen) addFixed(f fixedOrg, kind anbao.OrgKind) int {
	code, err := uscc.Make(f.authority, f.category, f.div, fixedBody(f.slug, f.authority == '9'))
	if err != nil {
		panic(fmt.Sprintf("demo: USCC of %s: %v", f.slug, err))
	}
	if g.uscc[code] || g.names[f.zh] {
		panic("demo: duplicate fixed organisation " + f.slug)
	}
	g.uscc[code], g.names[f.zh], g.en[f.en] = true, true, true
	g.p.Orgs = append(g.p.Orgs, &anbao.Organisation{
		Kind: kind, Status: anbao.OrgActive, USCC: code, NameZH: f.zh, NameEN: f.en,
		Jurisdiction: f.jurisdiction, RegistrationDivision: f.div,
	})
	return len(g.p.Orgs) - 1
}

func (g *gen) addUser(ref int, username string, roles ...anbao.Role) {
	locale := "zh-CN"
	if g.english[username] {
		locale = "en"
	}
	g.p.Users = append(g.p.Users, User{
		OrgRef: ref, Username: username, DisplayName: g.personName(),
		Email: username + "@demo.anbao.example", Roles: roles, Locale: locale,
	})
}

func (g *gen) personName() string {
	name := surnames[g.r.IntN(len(surnames))] + givenChars[g.r.IntN(len(givenChars))]
	if g.r.IntN(3) > 0 {
		name += givenChars[g.r.IntN(len(givenChars))]
	}
	return name
}

// pickWeighted returns an index drawn with probability proportional to weight(i).
func pickWeighted(r *rand.Rand, n int, weight func(int) int) int {
	total := 0
	for i := 0; i < n; i++ {
		total += weight(i)
	}
	x := r.IntN(total)
	for i := 0; i < n; i++ {
		if x -= weight(i); x < 0 {
			return i
		}
	}
	return n - 1
}

// logUniform draws from [lo, hi) with a uniform logarithm.
func logUniform(r *rand.Rand, lo, hi int64) int64 {
	v := int64(math.Exp(math.Log(float64(lo)) + r.Float64()*(math.Log(float64(hi))-math.Log(float64(lo)))))
	return min(max(v, lo), hi-1)
}

// enterprises appends n enterprises to the pilot and returns their refs.
func (g *gen) enterprises(active []refdata.Jurisdiction, n int) []int {
	r := g.r
	// Every active jurisdiction once (when n allows), the rest weighted.
	juris := make([]refdata.Jurisdiction, 0, n)
	for i := 0; i < n; i++ {
		if i < len(active) {
			juris = append(juris, active[i])
			continue
		}
		juris = append(juris, active[pickWeighted(r, len(active), func(k int) int {
			if w, ok := jurisdictionWeight[active[k].Code]; ok {
				return w
			}
			return 1
		})])
	}
	r.Shuffle(len(juris), func(i, j int) { juris[i], juris[j] = juris[j], juris[i] })

	refs := make([]int, n)
	for i := range n {
		refs[i] = g.enterprise(juris[i])
	}

	orgs := func(i int) *anbao.Organisation { return g.p.Orgs[refs[i]] }
	critical := func(i int) bool { return criticalDivisions[orgs(i).Profile.Industry] }
	section := func(i int) string {
		d, _ := refdata.DivisionByCode(orgs(i).Profile.Industry)
		return d.Section
	}
	for _, i := range sampleWeighted(r, n, n*3/100, func(i int) float64 {
		switch size := orgs(i).Profile.Size; {
		case size == anbao.SizeLarge && critical(i):
			return 100
		case size == anbao.SizeLarge:
			return 3
		case size == anbao.SizeMedium && critical(i):
			return 8
		case critical(i):
			return 0.5
		}
		return 0.02
	}) {
		orgs(i).Profile.CII = true
	}
	for _, i := range sampleWeighted(r, n, n/10, func(i int) float64 {
		size, sec := orgs(i).Profile.Size, section(i)
		smallMedium := size == anbao.SizeSmall || size == anbao.SizeMedium
		switch {
		case sec == "C" && smallMedium:
			return 10
		case sec == "C":
			return 1
		case (sec == "I" || sec == "M") && smallMedium:
			return 2
		}
		return 0.1
	}) {
		orgs(i).Profile.Specialised = true
	}
	for _, i := range sampleWeighted(r, n, (n+100)/200, func(i int) float64 {
		if orgs(i).Jurisdiction == "11" {
			return 20
		}
		return 1
	}) {
		orgs(i).Profile.CentralOrgan = true
	}

	// A few registrations await approval; never those with demo logins.
	if n > EnterpriseUsers {
		cand := make([]int, 0, n-EnterpriseUsers)
		for i := EnterpriseUsers; i < n; i++ {
			cand = append(cand, i)
		}
		for _, i := range sampleWeighted(r, len(cand), min(MaxPending, len(cand)/10), func(int) float64 { return 1 }) {
			orgs(cand[i]).Status = anbao.OrgPending
		}
	}
	return refs
}

// sampleWeighted draws k distinct indices of [0, n) without replacement,
// with probability proportional to weight (Efraimidis–Spirakis), in index order.
func sampleWeighted(r *rand.Rand, n, k int, weight func(int) float64) []int {
	type keyed struct {
		key float64
		i   int
	}
	ks := make([]keyed, n)
	for i := range ks {
		ks[i] = keyed{-math.Log(1-r.Float64()) / weight(i), i}
	}
	slices.SortFunc(ks, func(a, b keyed) int {
		if a.key != b.key {
			if a.key < b.key {
				return -1
			}
			return 1
		}
		return a.i - b.i
	})
	out := make([]int, 0, k)
	for _, x := range ks[:min(k, n)] {
		out = append(out, x.i)
	}
	slices.Sort(out)
	return out
}

// enterprise appends one enterprise in jurisdiction j and returns its ref.
func (g *gen) enterprise(j refdata.Jurisdiction) int {
	r := g.r
	pl := places[j.Code]
	if len(pl) == 0 { // a jurisdiction added to refdata without places
		pl = []place{{j.Division, j.NameZH, j.NameEN}}
	}
	at := pl[r.IntN(len(pl))]
	size := sizeWeights[pickWeighted(r, len(sizeWeights), func(i int) int { return sizeWeights[i].weight })].size
	// Large enterprises are over-represented in energy, transport, telecoms and finance.
	ind := industries[pickWeighted(r, len(industries), func(i int) int {
		if size == anbao.SizeLarge && criticalDivisions[industries[i].code] {
			return 4 * industries[i].weight
		}
		return industries[i].weight
	})]
	b := SizeBounds[size]
	revenue := logUniform(r, b.RevenueMin, b.RevenueMax) / 100_000 * 100_000 // whole thousands of yuan
	revenue = max(revenue, b.RevenueMin)
	employees := int(logUniform(r, b.EmployeesMin, b.EmployeesMax))

	suffixZH, suffixEN := "有限公司", "Co., Ltd."
	switch x := r.IntN(100); {
	case size == anbao.SizeLarge && x < 20:
		suffixZH, suffixEN = "集团有限公司", "Group Co., Ltd."
	case size == anbao.SizeLarge && x < 70, size == anbao.SizeMedium && x < 25, x < 4:
		suffixZH = "股份有限公司"
	}
	var zh, en string
	for try := 0; ; try++ {
		a := r.IntN(len(tradeChars))
		c := r.IntN(len(tradeChars) - 1)
		if c >= a {
			c++
		}
		tradeZH, tradeEN := tradeChars[a].zh+tradeChars[c].zh, pinyinName(tradeChars[a].py, tradeChars[c].py)
		if try >= 20 { // crowded: a three-character trade name
			x := tradeChars[r.IntN(len(tradeChars))]
			tradeZH, tradeEN = tradeZH+x.zh, pinyinName(tradeEN, x.py)
		}
		w := ind.words[r.IntN(len(ind.words))]
		zh = at.zh + tradeZH + w.zh + suffixZH
		en = at.en + " " + tradeEN + " " + w.en + " " + suffixEN
		if !g.names[zh] && !g.en[en] {
			break
		}
	}
	g.names[zh], g.en[en] = true, true

	var code string
	for {
		code = g.enterpriseUSCC(at.div)
		if !g.uscc[code] {
			break
		}
	}
	g.uscc[code] = true

	g.p.Orgs = append(g.p.Orgs, &anbao.Organisation{
		Kind: anbao.KindEnterprise, Status: anbao.OrgActive, USCC: code, NameZH: zh, NameEN: en,
		Jurisdiction: j.Code, RegistrationDivision: at.div,
		Profile: &anbao.EnterpriseProfile{
			Industry: ind.code, Size: size, RevenueFen: revenue, Employees: employees,
		},
	})
	return len(g.p.Orgs) - 1
}

// enterpriseUSCC draws a valid enterprise code: mostly a post-2015 "MA…"
// body, sometimes an older all-digit organisation code.
func (g *gen) enterpriseUSCC(div string) string {
	r := g.r
	b := make([]byte, 8)
	if r.IntN(4) > 0 {
		b[0], b[1] = 'M', 'A'
		for i := 2; i < 8; i++ {
			b[i] = uscc.Charset[r.IntN(len(uscc.Charset))]
		}
	} else {
		b[0] = byte('1' + r.IntN(7))
		for i := 1; i < 8; i++ {
			b[i] = byte('0' + r.IntN(10))
		}
	}
	code, err := uscc.Make('9', '1', div, string(b))
	if err != nil {
		panic("demo: " + err.Error())
	}
	return code
}

// pinyinName joins two syllables into a trade name ("yun", "qi" -> "Yunqi"),
// with an apostrophe before a vowel-initial syllable ("Hua'an").
func pinyinName(a, b string) string {
	sep := ""
	if strings.IndexByte("aeo", b[0]) >= 0 {
		sep = "'"
	}
	return strings.ToUpper(a[:1]) + a[1:] + sep + b
}

// relate links party to k enterprises drawn from eligible; withFirst forces
// the first enterprise (ents[0], ent1) in when it is eligible.
func (g *gen) relate(party int, kind string, eligible []int, k int, ents []int, withFirst bool) {
	k = min(k, len(eligible))
	pool := slices.Clone(eligible)
	for i := 0; i < k; i++ { // partial Fisher–Yates
		j := i + g.r.IntN(len(pool)-i)
		pool[i], pool[j] = pool[j], pool[i]
	}
	chosen := pool[:k]
	if withFirst && k > 0 && len(ents) > 0 && slices.Contains(eligible, ents[0]) && !slices.Contains(chosen, ents[0]) {
		chosen[k-1] = ents[0]
	}
	slices.Sort(chosen)
	for _, e := range chosen {
		g.p.Relationships = append(g.p.Relationships, Relationship{PartyRef: party, EnterpriseRef: e, Kind: kind})
	}
}
