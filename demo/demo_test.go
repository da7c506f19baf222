package demo

import (
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/refdata"
	"github.com/anbao/anbao/uscc"
)

const n = 2000

func activeJurisdictions() []refdata.Jurisdiction {
	var out []refdata.Jurisdiction
	for _, j := range refdata.Jurisdictions() {
		if j.Active {
			out = append(out, j)
		}
	}
	return out
}

func TestDeterministic(t *testing.T) {
	a, b := Generate(42, 300), Generate(42, 300)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same seed gave different pilots")
	}
	c := Generate(43, 300)
	if reflect.DeepEqual(a, c) {
		t.Fatal("different seeds gave identical pilots")
	}
	// Fixed organisations do not depend on the seed; enterprises do.
	fixed := len(a.Orgs) - 300
	for i := 0; i < fixed; i++ {
		if !reflect.DeepEqual(a.Orgs[i], c.Orgs[i]) {
			t.Errorf("fixed org %d differs between seeds: %+v vs %+v", i, a.Orgs[i], c.Orgs[i])
		}
	}
	if a.Orgs[fixed].USCC == c.Orgs[fixed].USCC && a.Orgs[fixed].NameZH == c.Orgs[fixed].NameZH {
		t.Error("first enterprise identical across seeds")
	}
}

func TestCounts(t *testing.T) {
	p := Generate(1, n)
	s := Summary(p)
	active := activeJurisdictions()
	if s[anbao.KindOperator] != 1 {
		t.Errorf("operators = %d", s[anbao.KindOperator])
	}
	if s[anbao.KindInsurer] < 5 {
		t.Errorf("insurers = %d, want >= 5", s[anbao.KindInsurer])
	}
	if s[anbao.KindProvider] < 8 {
		t.Errorf("providers = %d, want >= 8", s[anbao.KindProvider])
	}
	if s[anbao.KindEnterprise] != n {
		t.Errorf("enterprises = %d, want %d", s[anbao.KindEnterprise], n)
	}
	if want := 2 + len(active); s[anbao.KindRegulator] != want {
		t.Errorf("regulators = %d, want %d", s[anbao.KindRegulator], want)
	}
	total := 0
	for _, c := range s {
		total += c
	}
	if total != len(p.Orgs) {
		t.Errorf("summary total %d != %d orgs", total, len(p.Orgs))
	}

	// One regulator per active jurisdiction and two national ones.
	regs := map[string]int{}
	for _, ref := range p.Refs(anbao.KindRegulator) {
		regs[p.Orgs[ref].Jurisdiction]++
	}
	if regs[""] != 2 {
		t.Errorf("national regulators = %d, want 2", regs[""])
	}
	for _, j := range active {
		if regs[j.Code] != 1 {
			t.Errorf("jurisdiction %s has %d regulators", j.Code, regs[j.Code])
		}
	}
	if len(regs) != len(active)+1 {
		t.Errorf("regulator jurisdictions = %d, want %d", len(regs), len(active)+1)
	}

	pending := 0
	for _, ref := range p.Refs(anbao.KindEnterprise) {
		if p.Orgs[ref].Status == anbao.OrgPending {
			pending++
		}
	}
	if pending != MaxPending {
		t.Errorf("pending = %d, want %d", pending, MaxPending)
	}
	for _, o := range p.Orgs {
		if o.Kind != anbao.KindEnterprise && o.Status != anbao.OrgActive {
			t.Errorf("%s is %s", o.NameZH, o.Status)
		}
		if o.RequireTOTP {
			t.Errorf("%s requires TOTP", o.NameZH)
		}
		if o.ID != 0 {
			t.Errorf("%s has ID %d", o.NameZH, o.ID)
		}
	}
}

func TestSmallPilots(t *testing.T) {
	for _, k := range []int{0, 1, 5, 25} {
		p := Generate(7, k)
		if got := Summary(p)[anbao.KindEnterprise]; got != k {
			t.Errorf("Generate(_, %d): %d enterprises", k, got)
		}
		for _, r := range p.Relationships {
			if p.Orgs[r.EnterpriseRef].Kind != anbao.KindEnterprise {
				t.Errorf("Generate(_, %d): relationship to a %s", k, p.Orgs[r.EnterpriseRef].Kind)
			}
		}
	}
	if p := Generate(7, -3); Summary(p)[anbao.KindEnterprise] != 0 {
		t.Error("negative count produced enterprises")
	}
}

func TestUSCC(t *testing.T) {
	p := Generate(2, n)
	seen := map[string]string{}
	for _, o := range p.Orgs {
		c, err := uscc.Parse(o.USCC)
		if err != nil {
			t.Errorf("%s: %q: %v", o.NameZH, o.USCC, err)
			continue
		}
		if err := c.Checksum(); err != nil {
			t.Errorf("%s: %q: %v", o.NameZH, o.USCC, err)
		}
		if c.Raw != o.USCC {
			t.Errorf("%s: USCC %q not normalised", o.NameZH, o.USCC)
		}
		if prev, dup := seen[o.USCC]; dup {
			t.Errorf("USCC %s used by %s and %s", o.USCC, prev, o.NameZH)
		}
		seen[o.USCC] = o.NameZH
		if o.RegistrationDivision != c.Division {
			t.Errorf("%s: registration division %q, USCC says %q", o.NameZH, o.RegistrationDivision, c.Division)
		}
		if c.CategoryName("zh-CN") == "" {
			t.Errorf("%s: category %c%c not in the GB 32100 table", o.NameZH, c.Authority, c.Category)
		}
		switch o.Kind {
		case anbao.KindEnterprise:
			if c.Authority != '9' || c.Category != '1' {
				t.Errorf("%s: enterprise code %s not 91", o.NameZH, o.USCC)
			}
		case anbao.KindOperator, anbao.KindRegulator:
			if c.Authority != '1' {
				t.Errorf("%s: government code %s not authority 1", o.NameZH, o.USCC)
			}
		}
		if o.Kind == anbao.KindOperator || o.Jurisdiction == "" {
			continue
		}
		// The registering division lies inside the org's jurisdiction; the
		// XPCC registers under Xinjiang's 6590xx codes.
		j, ok := refdata.JurisdictionForDivision(c.Division)
		switch {
		case o.Jurisdiction == refdata.XPCCCode:
			if !strings.HasPrefix(c.Division, "6590") {
				t.Errorf("%s: XPCC division %s", o.NameZH, c.Division)
			}
		case !ok || j.Code != o.Jurisdiction:
			t.Errorf("%s: division %s maps to %q, jurisdiction is %q", o.NameZH, c.Division, j.Code, o.Jurisdiction)
		}
	}
}

func TestFixedUSCCsDoNotCollideWithEnterprises(t *testing.T) {
	// Fixed codes are reserved before any enterprise is drawn, across seeds.
	for seed := uint64(0); seed < 5; seed++ {
		p := Generate(seed, 500)
		seen := map[string]bool{}
		for _, o := range p.Orgs {
			if seen[o.USCC] {
				t.Fatalf("seed %d: duplicate %s", seed, o.USCC)
			}
			seen[o.USCC] = true
		}
	}
}

func TestEnterpriseProfiles(t *testing.T) {
	p := Generate(3, n)
	sizes := map[anbao.SizeClass]int{}
	sections := map[string]int{}
	juris := map[string]int{}
	cii, ciiLarge, ciiCritical, spec, specC, central := 0, 0, 0, 0, 0, 0
	names, namesEN := map[string]bool{}, map[string]bool{}
	for _, ref := range p.Refs(anbao.KindEnterprise) {
		o := p.Orgs[ref]
		pr := o.Profile
		if pr == nil {
			t.Fatalf("%s: no profile", o.NameZH)
		}
		d, ok := refdata.DivisionByCode(pr.Industry)
		if !ok {
			t.Errorf("%s: unknown industry %q", o.NameZH, pr.Industry)
		}
		if d.Section == "S" || d.Section == "T" {
			t.Errorf("%s: public-administration industry %s", o.NameZH, pr.Industry)
		}
		j, ok := refdata.JurisdictionByCode(o.Jurisdiction)
		if !ok || !j.Active {
			t.Errorf("%s: jurisdiction %q not active", o.NameZH, o.Jurisdiction)
		}
		sizes[pr.Size]++
		sections[d.Section]++
		juris[o.Jurisdiction]++

		// Size, revenue and staff agree, with the thresholds written out here.
		rev := map[anbao.SizeClass][2]int64{
			anbao.SizeLarge:  {40_000_000_000, 1 << 62},
			anbao.SizeMedium: {2_000_000_000, 40_000_000_000},
			anbao.SizeSmall:  {300_000_000, 2_000_000_000},
			anbao.SizeMicro:  {1, 300_000_000},
		}[pr.Size]
		if pr.RevenueFen < rev[0] || pr.RevenueFen >= rev[1] {
			t.Errorf("%s: %s with revenue %d fen", o.NameZH, pr.Size, pr.RevenueFen)
		}
		if pr.RevenueFen%100 != 0 {
			t.Errorf("%s: revenue %d fen is not whole yuan", o.NameZH, pr.RevenueFen)
		}
		staff := map[anbao.SizeClass][2]int{
			anbao.SizeLarge: {1000, 1 << 30}, anbao.SizeMedium: {300, 1000},
			anbao.SizeSmall: {20, 300}, anbao.SizeMicro: {1, 20},
		}[pr.Size]
		if pr.Employees < staff[0] || pr.Employees >= staff[1] {
			t.Errorf("%s: %s with %d employees", o.NameZH, pr.Size, pr.Employees)
		}

		if pr.CII {
			cii++
			if pr.Size == anbao.SizeLarge {
				ciiLarge++
			}
			if criticalDivisions[pr.Industry] {
				ciiCritical++
			}
		}
		if pr.Specialised {
			spec++
			if d.Section == "C" && pr.Size != anbao.SizeLarge {
				specC++
			}
		}
		if pr.CentralOrgan {
			central++
		}

		if names[o.NameZH] || namesEN[o.NameEN] {
			t.Errorf("duplicate name %s / %s", o.NameZH, o.NameEN)
		}
		names[o.NameZH], namesEN[o.NameEN] = true, true
		if !strings.HasSuffix(o.NameZH, "有限公司") || !strings.HasSuffix(o.NameEN, "Co., Ltd.") {
			t.Errorf("odd company name %s / %s", o.NameZH, o.NameEN)
		}
		if city := places[o.Jurisdiction]; len(city) > 0 && !strings.HasPrefix(o.NameZH, cityOf(o.Jurisdiction, o.RegistrationDivision)) {
			t.Errorf("%s does not start with its city (%s)", o.NameZH, o.RegistrationDivision)
		}
	}

	// Size mix: micro and small most common, large rarest.
	if !(sizes[anbao.SizeMicro] > sizes[anbao.SizeMedium] && sizes[anbao.SizeSmall] > sizes[anbao.SizeMedium] &&
		sizes[anbao.SizeMedium] > sizes[anbao.SizeLarge] && sizes[anbao.SizeLarge] > 0) {
		t.Errorf("size mix %v", sizes)
	}
	// Industry mix: manufacturing first, then I.
	for sec, c := range sections {
		if sec != "C" && c >= sections["C"] {
			t.Errorf("section %s (%d) not below C (%d)", sec, c, sections["C"])
		}
		if sec != "C" && sec != "I" && c >= sections["I"] {
			t.Errorf("section %s (%d) not below I (%d)", sec, c, sections["I"])
		}
	}
	if sections["C"] < n*30/100 {
		t.Errorf("manufacturing %d of %d", sections["C"], n)
	}
	// Every active jurisdiction holds enterprises; the pilot-heavy ones most.
	for _, j := range activeJurisdictions() {
		if juris[j.Code] == 0 {
			t.Errorf("no enterprise in %s", j.Code)
		}
	}
	if juris["32"] <= juris["62"] || juris["11"] <= juris["63"] {
		t.Errorf("weighting not visible: 32=%d 62=%d 11=%d 63=%d", juris["32"], juris["62"], juris["11"], juris["63"])
	}
	if cii != n*3/100 || ciiLarge*2 <= cii || ciiCritical*2 <= cii {
		t.Errorf("CII %d (large %d, critical sectors %d), want %d mostly large in critical sectors", cii, ciiLarge, ciiCritical, n*3/100)
	}
	if spec != n/10 || specC*2 <= spec {
		t.Errorf("specialised %d (small/medium manufacturing %d), want %d mostly manufacturing", spec, specC, n/10)
	}
	if central != n/200 {
		t.Errorf("central organs %d, want %d", central, n/200)
	}
}

// cityOf returns the city name of a division in places.
func cityOf(juris, div string) string {
	for _, pl := range places[juris] {
		if pl.div == div {
			return pl.zh
		}
	}
	return "\x00missing"
}

func TestPlacesCoverActiveJurisdictions(t *testing.T) {
	for _, j := range activeJurisdictions() {
		if len(places[j.Code]) == 0 {
			t.Errorf("no places for jurisdiction %s", j.Code)
		}
	}
	for code := range places {
		if j, ok := refdata.JurisdictionByCode(code); !ok || !j.Active {
			t.Errorf("places for unknown or inactive jurisdiction %s", code)
		}
	}
	for code := range jurisdictionWeight {
		if _, ok := refdata.JurisdictionByCode(code); !ok {
			t.Errorf("weight for unknown jurisdiction %s", code)
		}
	}
	for _, ind := range industries {
		if _, ok := refdata.DivisionByCode(ind.code); !ok || ind.weight <= 0 || len(ind.words) == 0 {
			t.Errorf("bad industry entry %+v", ind)
		}
	}
	for code := range criticalDivisions {
		if _, ok := refdata.DivisionByCode(code); !ok {
			t.Errorf("unknown critical division %s", code)
		}
	}
}

func TestUsers(t *testing.T) {
	p := Generate(4, n)
	byName := map[string]User{}
	for _, u := range p.Users {
		if _, dup := byName[u.Username]; dup {
			t.Errorf("duplicate username %s", u.Username)
		}
		byName[u.Username] = u
		if u.Username != strings.ToLower(u.Username) {
			t.Errorf("username %s not lower case", u.Username)
		}
		if u.OrgRef < 0 || u.OrgRef >= len(p.Orgs) {
			t.Fatalf("%s: org ref %d", u.Username, u.OrgRef)
		}
		o := p.Orgs[u.OrgRef]
		if len(u.Roles) == 0 {
			t.Errorf("%s has no role", u.Username)
		}
		for _, r := range u.Roles {
			if !anbao.RoleAllowed(o.Kind, r) {
				t.Errorf("%s: role %s not allowed for %s", u.Username, r, o.Kind)
			}
		}
		if u.Locale != "zh-CN" && u.Locale != "en" {
			t.Errorf("%s: locale %q", u.Username, u.Locale)
		}
		if u.DisplayName == "" || u.Email != u.Username+"@demo.anbao.example" {
			t.Errorf("%s: display %q email %q", u.Username, u.DisplayName, u.Email)
		}
		if o.Status != anbao.OrgActive {
			t.Errorf("%s belongs to a %s organisation", u.Username, o.Status)
		}
	}
	en := 0
	for _, u := range p.Users {
		if u.Locale == "en" {
			en++
		}
	}
	if en != len(EnglishUsers) {
		t.Errorf("%d English users, want %d", en, len(EnglishUsers))
	}

	expect := func(username string, kind anbao.OrgKind, juris string, role anbao.Role) {
		t.Helper()
		u, ok := byName[username]
		if !ok {
			t.Errorf("missing user %s", username)
			return
		}
		o := p.Orgs[u.OrgRef]
		if o.Kind != kind || o.Jurisdiction != juris || !reflect.DeepEqual(u.Roles, []anbao.Role{role}) {
			t.Errorf("%s: %s %q roles %v, want %s %q %s", username, o.Kind, o.Jurisdiction, u.Roles, kind, juris, role)
		}
	}
	expect("op.admin", anbao.KindOperator, "", anbao.RoleAdmin)
	expect("op.auditor", anbao.KindOperator, "", anbao.RoleAuditor)
	expect("op.expert", anbao.KindOperator, "", anbao.RoleReviewer)
	expect("miit.admin", anbao.KindRegulator, "", anbao.RoleAdmin)
	expect("nfra.analyst", anbao.KindRegulator, "", anbao.RoleAnalyst)
	for _, j := range activeJurisdictions() {
		expect("reg"+j.Code+".admin", anbao.KindRegulator, j.Code, anbao.RoleAdmin)
		expect("reg"+j.Code+".analyst", anbao.KindRegulator, j.Code, anbao.RoleAnalyst)
	}
	if o := p.Orgs[byName["reg32.admin"].OrgRef]; o.NameZH != "江苏省工业和信息化厅" {
		t.Errorf("reg32 is %s", o.NameZH)
	}
	if o := p.Orgs[byName["reg4403.analyst"].OrgRef]; o.NameZH != "深圳市工业和信息化局" {
		t.Errorf("reg4403 is %s", o.NameZH)
	}
	if o := p.Orgs[byName["reg66.admin"].OrgRef]; o.NameZH != "新疆生产建设兵团工业和信息化局" {
		t.Errorf("reg66 is %s", o.NameZH)
	}
	for i := 1; i <= len(insurerOrgs); i++ {
		s := "ins" + strconv.Itoa(i)
		expect(s+".admin", anbao.KindInsurer, insurerOrgs[i-1].jurisdiction, anbao.RoleAdmin)
		expect(s+".uw", anbao.KindInsurer, insurerOrgs[i-1].jurisdiction, anbao.RoleUnderwriter)
		expect(s+".claims", anbao.KindInsurer, insurerOrgs[i-1].jurisdiction, anbao.RoleClaimsHandler)
	}
	for j := 1; j <= len(providerOrgs); j++ {
		s := "prov" + strconv.Itoa(j)
		expect(s+".admin", anbao.KindProvider, providerOrgs[j-1].jurisdiction, anbao.RoleAdmin)
		expect(s+".analyst", anbao.KindProvider, providerOrgs[j-1].jurisdiction, anbao.RoleAnalyst)
	}
	ents := p.Refs(anbao.KindEnterprise)
	for k := 1; k <= EnterpriseUsers; k++ {
		for _, suffix := range []string{".admin", ".member"} {
			u, ok := byName["ent"+strconv.Itoa(k)+suffix]
			if !ok || u.OrgRef != ents[k-1] {
				t.Errorf("ent%d%s: ok=%v ref %d, want enterprise %d", k, suffix, ok, u.OrgRef, ents[k-1])
			}
		}
	}
	if _, ok := byName["ent21.admin"]; ok {
		t.Error("ent21.admin exists")
	}
}

func TestRelationships(t *testing.T) {
	p := Generate(5, n)
	type pair struct{ party, ent int }
	seen := map[pair]bool{}
	perParty := map[int]int{}
	jurisPerParty := map[int]map[string]bool{}
	for _, r := range p.Relationships {
		party, ent := p.Orgs[r.PartyRef], p.Orgs[r.EnterpriseRef]
		switch {
		case party.Kind == anbao.KindInsurer && r.Kind == RelConsent:
		case party.Kind == anbao.KindProvider && r.Kind == RelEngagement:
		default:
			t.Errorf("%s relationship from a %s", r.Kind, party.Kind)
		}
		if ent.Kind != anbao.KindEnterprise || ent.Status != anbao.OrgActive {
			t.Errorf("relationship with %s %s", ent.Status, ent.Kind)
		}
		if seen[pair{r.PartyRef, r.EnterpriseRef}] {
			t.Errorf("duplicate relationship %d-%d", r.PartyRef, r.EnterpriseRef)
		}
		seen[pair{r.PartyRef, r.EnterpriseRef}] = true
		perParty[r.PartyRef]++
		if jurisPerParty[r.PartyRef] == nil {
			jurisPerParty[r.PartyRef] = map[string]bool{}
		}
		jurisPerParty[r.PartyRef][ent.Jurisdiction] = true
	}
	for _, ref := range p.Refs(anbao.KindInsurer) {
		if c := perParty[ref]; c < 110 || c > 130 {
			t.Errorf("insurer %s has %d consents", p.Orgs[ref].NameZH, c)
		}
		if c := len(jurisPerParty[ref]); c < 15 {
			t.Errorf("insurer %s spans %d jurisdictions", p.Orgs[ref].NameZH, c)
		}
	}
	for _, ref := range p.Refs(anbao.KindProvider) {
		if c := perParty[ref]; c < 55 || c > 65 {
			t.Errorf("provider %s has %d engagements", p.Orgs[ref].NameZH, c)
		}
		if c := len(jurisPerParty[ref]); c < 10 {
			t.Errorf("provider %s spans %d jurisdictions", p.Orgs[ref].NameZH, c)
		}
	}
	// The browser tests rely on ent1 having consent with ins1 and an engagement with prov1.
	for seed := uint64(0); seed < 20; seed++ {
		p := Generate(seed, n)
		ent1 := p.Refs(anbao.KindEnterprise)[0]
		ins1, prov1 := p.Refs(anbao.KindInsurer)[0], p.Refs(anbao.KindProvider)[0]
		var consent, engaged bool
		for _, r := range p.Relationships {
			consent = consent || (r.PartyRef == ins1 && r.EnterpriseRef == ent1 && r.Kind == RelConsent)
			engaged = engaged || (r.PartyRef == prov1 && r.EnterpriseRef == ent1 && r.Kind == RelEngagement)
		}
		if !consent || !engaged {
			t.Errorf("seed %d: ent1 consent with ins1 %v, engagement with prov1 %v", seed, consent, engaged)
		}
	}
}

func TestPinyinName(t *testing.T) {
	for _, tt := range [][3]string{{"yun", "qi", "Yunqi"}, {"hua", "an", "Hua'an"}, {"xin", "ou", "Xin'ou"}, {"Yunqi", "en", "Yunqi'en"}} {
		if got := pinyinName(tt[0], tt[1]); got != tt[2] {
			t.Errorf("pinyinName(%q, %q) = %q, want %q", tt[0], tt[1], got, tt[2])
		}
	}
}

func BenchmarkGenerate2000(b *testing.B) {
	for b.Loop() {
		Generate(uint64(b.N), n)
	}
}
