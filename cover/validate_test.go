package cover

import (
	"math"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// combined is a valid combined product; each test case breaks one thing.
func combined() *Definition {
	return &Definition{
		Type: TypeCombined, MinLimit: 10_000_000, MaxLimit: 1_000_000_000, MinRetention: 500_000,
		TermMonths: 12, QuoteValidDays: 30,
		Coverages: []Coverage{
			{Code: CovDirectLoss, Trigger: Discovered},
			{Code: CovBusinessInterruption, WaitingHours: 8, WaitingMode: WaitTimeDeductible, IndemnityDays: 90, Trigger: Discovered},
			{Code: CovExtortion, Sublimit: 50_000_000, Deductible: 1_000_000, CoinsuranceBP: 2000, Trigger: Discovered},
			{Code: CovPublicRelations, Sublimit: 10_000_000, Outside: true, Trigger: Occurrence},
			{Code: CovDataLeakLiability, Trigger: ClaimsMade, ReportingDays: 60, DefenceInside: true},
		},
		Exclusions:   []ClauseRef{{Code: "war", Version: 2}, {Code: "prior_known", Version: 1}},
		Providers:    []int64{7, 9},
		Entitlements: []Entitlement{{Service: "vulnerability_scan", Unit: UnitTimes, Quantity: 2, ValueFen: 1_000_000}},
		Contingencies: []ContingencyTemplate{
			{Kind: PreBind, TextZH: "提交签章投保单", TextEN: "Signed application", DueDays: 30},
			{Kind: PostBind, TextZH: "启用多因素认证", DueDays: 60},
		},
	}
}

func TestValidProducts(t *testing.T) {
	property := combined()
	property.Type = TypeProperty
	property.Coverages = property.Coverages[:4]
	liability := combined()
	liability.Type = TypeLiability
	liability.Coverages = []Coverage{{Code: CovDataLeakLiability, Trigger: ClaimsMade}, {Code: CovMediaLiability, Trigger: Occurrence}}
	service := combined()
	service.Type, service.SecurityProduct = TypeProductService, "anti_ransomware"
	service.Coverages = []Coverage{{Code: CovExtortion, Trigger: Discovered}} // one side only is fine here
	bare := &Definition{Type: TypeProperty, MinLimit: 1, MaxLimit: MaxAmount, TermMonths: 36, QuoteValidDays: 90,
		Coverages: []Coverage{{Code: CovHardware, Trigger: Occurrence}}}
	for name, d := range map[string]*Definition{"combined": combined(), "property": property, "liability": liability,
		"product_service": service, "bare edges": bare} {
		if errs := d.Validate(); errs != nil {
			t.Errorf("%s: %v", name, errs)
		}
	}
}

func TestValidate(t *testing.T) {
	cov := func(i int, f func(c *Coverage)) func(d *Definition) {
		return func(d *Definition) { f(&d.Coverages[i]) }
	}
	cases := []struct {
		name, field, code string
		mutate            func(d *Definition)
	}{
		{"type", "type", "product.type_invalid", func(d *Definition) { d.Type = "marine" }},
		{"security product missing", "security_product", "product.security_product_required", func(d *Definition) { d.Type = TypeProductService }},
		{"security product unknown", "security_product", "product.security_product_required", func(d *Definition) {
			d.Type, d.SecurityProduct = TypeProductService, "firewall"
		}},
		{"security product on a combined product", "security_product", "product.security_product_only", func(d *Definition) { d.SecurityProduct = "anti_ddos" }},
		{"min limit zero", "min_limit", "product.amount_range", func(d *Definition) { d.MinLimit = 0 }},
		{"max limit huge", "max_limit", "product.amount_range", func(d *Definition) { d.MaxLimit = MaxAmount + 1 }},
		{"max below min", "max_limit", "product.max_below_min", func(d *Definition) { d.MaxLimit = d.MinLimit - 1 }},
		{"min retention negative", "min_retention", "product.amount_range", func(d *Definition) { d.MinRetention = -1 }},
		{"min retention = min limit", "min_retention", "product.limit_below_deductible", func(d *Definition) { d.MinRetention = d.MinLimit }},
		{"term 0", "term_months", "product.term_months", func(d *Definition) { d.TermMonths = 0 }},
		{"term 37", "term_months", "product.term_months", func(d *Definition) { d.TermMonths = 37 }},
		{"quote valid 91", "quote_valid_days", "product.quote_valid_days", func(d *Definition) { d.QuoteValidDays = 91 }},
		{"notice window 721 h", "notice_hours", "product.notice_hours", func(d *Definition) { d.NoticeHours = 721 }},
		{"notice window negative", "notice_hours", "product.notice_hours", func(d *Definition) { d.NoticeHours = -1 }},
		{"no coverage", "coverages", "product.coverages_required", func(d *Definition) { d.Coverages = nil }},
		{"unknown coverage", "coverages[0].code", "product.coverage_unknown", cov(0, func(c *Coverage) { c.Code = "ransom" })},
		{"coverage twice", "coverages[1].code", "product.coverage_twice", cov(1, func(c *Coverage) { c.Code = CovDirectLoss; c.WaitingHours, c.WaitingMode, c.IndemnityDays = 0, "", 0 })},
		{"liability on property", "coverages[4].code", "product.coverage_side", func(d *Definition) { d.Type = TypeProperty }},
		{"first party on liability", "coverages[0].code", "product.coverage_side", func(d *Definition) { d.Type = TypeLiability }},
		{"combined one-sided", "coverages", "product.combined_needs_both", func(d *Definition) { d.Coverages = d.Coverages[:4] }},
		{"clause without version", "exclusions[1]", "product.clause_ref", func(d *Definition) { d.Exclusions[1].Version = 0 }},
		{"clause without code", "exclusions[0]", "product.clause_ref", func(d *Definition) { d.Exclusions[0].Code = "" }},
		{"clause twice", "exclusions[1]", "product.clause_twice", func(d *Definition) { d.Exclusions[1].Code = "war" }},
		{"provider zero", "providers[0]", "product.provider_invalid", func(d *Definition) { d.Providers[0] = 0 }},
		{"provider twice", "providers[1]", "product.provider_invalid", func(d *Definition) { d.Providers[1] = 7 }},
		{"service unknown", "entitlements[0].service", "product.service_unknown", func(d *Definition) { d.Entitlements[0].Service = "coffee" }},
		{"service twice", "entitlements[1].service", "product.service_twice", func(d *Definition) { d.Entitlements = append(d.Entitlements, d.Entitlements[0]) }},
		{"service unit", "entitlements[0].unit", "product.service_unit", func(d *Definition) { d.Entitlements[0].Unit = "weeks" }},
		{"service quantity", "entitlements[0].quantity", "product.service_quantity", func(d *Definition) { d.Entitlements[0].Quantity = 0 }},
		{"service value", "entitlements[0].value_fen", "product.amount_range", func(d *Definition) { d.Entitlements[0].ValueFen = -1 }},
		{"contingency kind", "contingencies[0].kind", "product.contingency_kind", func(d *Definition) { d.Contingencies[0].Kind = "whenever" }},
		{"contingency zh short", "contingencies[1].text_zh", "product.contingency_text", func(d *Definition) { d.Contingencies[1].TextZH = "签" }},
		{"contingency zh long", "contingencies[1].text_zh", "product.contingency_text", func(d *Definition) { d.Contingencies[1].TextZH = strings.Repeat("签", 501) }},
		{"contingency en long", "contingencies[0].text_en", "product.contingency_text", func(d *Definition) { d.Contingencies[0].TextEN = strings.Repeat("x", 501) }},
		{"contingency due", "contingencies[0].due_days", "product.contingency_due", func(d *Definition) { d.Contingencies[0].DueDays = 366 }},
		{"sublimit negative", "coverages[2].sublimit", "product.amount_range", cov(2, func(c *Coverage) { c.Sublimit = -1 })},
		{"sublimit above max limit", "coverages[2].sublimit", "product.sublimit_above_limit", cov(2, func(c *Coverage) { c.Sublimit = 1_000_000_001 })},
		{"outside without sublimit", "coverages[3].sublimit", "product.outside_needs_sublimit", cov(3, func(c *Coverage) { c.Sublimit = 0 })},
		{"deductible huge", "coverages[0].deductible", "product.amount_range", cov(0, func(c *Coverage) { c.Deductible = MaxAmount + 1 })},
		{"deductible = sublimit", "coverages[2].deductible", "product.limit_below_deductible", cov(2, func(c *Coverage) { c.Deductible = c.Sublimit })},
		{"waiting hours", "coverages[1].waiting_hours", "product.waiting_hours", cov(1, func(c *Coverage) { c.WaitingHours = MaxWaitingHours + 1 })},
		{"waiting mode missing", "coverages[1].waiting_mode", "product.waiting_mode", cov(1, func(c *Coverage) { c.WaitingMode = "" })},
		{"waiting mode unknown without hours", "coverages[1].waiting_mode", "product.waiting_mode", cov(1, func(c *Coverage) { c.WaitingHours, c.WaitingMode = 0, "soon" })},
		{"indemnity days", "coverages[1].indemnity_days", "product.indemnity_days", cov(1, func(c *Coverage) { c.IndemnityDays = 0 })},
		{"waiting on non-BI", "coverages[0].waiting_hours", "product.bi_only", cov(0, func(c *Coverage) { c.IndemnityDays = 30 })},
		{"coinsurance", "coverages[2].coinsurance_bp", "product.coinsurance", cov(2, func(c *Coverage) { c.CoinsuranceBP = 9001 })},
		{"trigger", "coverages[0].trigger", "product.trigger", cov(0, func(c *Coverage) { c.Trigger = "" })},
		{"reporting days", "coverages[4].reporting_days", "product.reporting_days", cov(4, func(c *Coverage) { c.ReportingDays = 366 })},
		{"reporting on occurrence", "coverages[3].reporting_days", "product.reporting_claims_made", cov(3, func(c *Coverage) { c.ReportingDays = 30 })},
		{"defence on first party", "coverages[0].defence_inside", "product.defence_liability", cov(0, func(c *Coverage) { c.DefenceInside = true })},
	}
	covered := map[string]bool{}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := combined()
			c.mutate(d)
			errs := d.Validate()
			if !slices.ContainsFunc(errs, func(e *FieldError) bool { return e.Field == c.field && e.Code == c.code }) {
				t.Fatalf("want %s %s, got %v", c.field, c.code, errs)
			}
			covered[c.code] = true
		})
	}
	// Every code Validate can give is tested above.
	src, err := os.ReadFile("validate.go")
	if err != nil {
		t.Fatal(err)
	}
	body := string(src)
	if i := strings.Index(body, "func (d *Definition) Option("); i > 0 {
		body = body[:i] // Option's codes are TestOption's
	}
	for _, m := range regexp.MustCompile(`"(product\.[a-z_]+)"`).FindAllStringSubmatch(body, -1) {
		if !covered[m[1]] && !strings.HasPrefix(m[1], "product.regno") {
			t.Errorf("no test gives %s", m[1])
		}
	}
}

// A sublimit above the product's maximum is fine outside the aggregate.
func TestOutsideSublimitAboveTheLimit(t *testing.T) {
	d := combined()
	d.Coverages[3].Sublimit = d.MaxLimit + 1
	if errs := d.Validate(); errs != nil {
		t.Fatal(errs)
	}
}

func TestOption(t *testing.T) {
	d := combined() // limits ¥100,000–¥10,000,000, retention ≥ ¥5,000
	for _, c := range []struct {
		limit, retention int64
		field, code      string
	}{
		{10_000_000, 500_000, "", ""},
		{1_000_000_000, 999_999_999, "", ""},
		{9_999_999, 500_000, "limit", "quote.limit_range"},
		{1_000_000_001, 500_000, "limit", "quote.limit_range"},
		{10_000_000, -1, "retention", "product.amount_range"},
		{10_000_000, 10_000_000, "retention", "quote.limit_below_retention"},
		{10_000_000, 499_999, "retention", "quote.retention_floor"},
	} {
		e := d.Option(c.limit, c.retention)
		switch {
		case c.code == "" && e != nil:
			t.Errorf("%d/%d: %v", c.limit, c.retention, e)
		case c.code != "" && (e == nil || e.Field != c.field || e.Code != c.code):
			t.Errorf("%d/%d: %v, want %s %s", c.limit, c.retention, e, c.field, c.code)
		}
	}
	if e := d.Option(9_999_999, 0); e == nil || len(e.Args) != 3 || e.Args[0] != "¥99,999.99" {
		t.Errorf("the limit error names the amounts in yuan: %v", e)
	}
}

func TestCheckRetro(t *testing.T) {
	cm := NewTerms(combined(), 100_000_000, 500_000, "")
	occ := &Terms{Coverages: []Coverage{{Code: CovDirectLoss, Trigger: Occurrence}}}
	for _, c := range []struct {
		t         *Terms
		retro     string
		inception string
		code      string
	}{
		{cm, "", "2026-01-01", "quote.retro_required"},
		{occ, "", "2026-01-01", ""},
		{occ, "2025-13-01", "2026-01-01", "quote.date_format"},
		{cm, "2026/01/01", "2026-01-01", "quote.date_format"},
		{cm, "2026-01-02", "2026-01-01", "quote.retro_after_inception"},
		{cm, "2026-01-01", "2026-01-01", ""},
		{cm, "2020-06-30", "2026-01-01", ""},
	} {
		c.t.RetroDate = c.retro
		e := c.t.CheckRetro(c.inception)
		if c.code == "" && e != nil || c.code != "" && (e == nil || e.Code != c.code || e.Field != "retro_date") {
			t.Errorf("retro %q, inception %s: %v, want %q", c.retro, c.inception, e, c.code)
		}
	}
}

func TestRegistrationNumber(t *testing.T) {
	if e := RegistrationNumber("C00010830612020012322442"); e != nil {
		t.Errorf("valid number: %v", e)
	}
	for _, s := range []string{"", "C", "c00010830612020012322442", "C0001083061202001232244", "C000108306120200123224420",
		"C0001083061202001232244X", "D00010830612020012322442", "C00010830612020O12322442"} {
		if e := RegistrationNumber(s); e == nil || e.Code != "product.regno_format" || e.Field != "registration_no" {
			t.Errorf("%q: %v", s, e)
		}
	}
}

func TestEffectiveSublimit(t *testing.T) {
	for _, c := range []struct {
		cov       Coverage
		agg, want int64
	}{
		{Coverage{}, 1000, 1000},                              // no sublimit: the aggregate
		{Coverage{Sublimit: 400}, 1000, 400},                  // eroding, under the aggregate
		{Coverage{Sublimit: 1500}, 1000, 1000},                // eroding, above a (capped) aggregate
		{Coverage{Sublimit: 1500, Outside: true}, 1000, 1500}, // outside: on top of the aggregate
		{Coverage{Sublimit: 400, Outside: true}, 1000, 400},
	} {
		if got := c.cov.EffectiveSublimit(c.agg); got != c.want {
			t.Errorf("%+v under %d: %d, want %d", c.cov, c.agg, got, c.want)
		}
	}
}

func TestSumInsuredAndClone(t *testing.T) {
	tm := NewTerms(combined(), 100_000_000, 500_000, "")
	// ¥1,000,000 aggregate + the ¥100,000 public-relations sublimit outside it;
	// the ¥500,000 extortion sublimit erodes the aggregate.
	if got := tm.SumInsured(); got != 110_000_000 {
		t.Fatalf("sum insured %d", got)
	}
	c := tm.Clone()
	c.Coverages[3].Sublimit = 0
	c.Exclusions[0].Version = 9
	if tm.SumInsured() != 110_000_000 || tm.Exclusions[0].Version != 2 {
		t.Fatal("Clone shares its slices")
	}
	d := combined()
	tm = NewTerms(d, 100_000_000, 500_000, "")
	tm.Coverages[0].Deductible = 1
	tm.Exclusions[0].Version = 9
	if d.Coverages[0].Deductible != 0 || d.Exclusions[0].Version != 2 {
		t.Fatal("NewTerms shares the definition's slices")
	}
	if !tm.ClaimsMade() || tm.Coverage(CovDataLeakLiability) == nil || tm.Coverage(CovMediaLiability) != nil {
		t.Fatal("Coverage / ClaimsMade")
	}
}

func TestYuan(t *testing.T) {
	for _, c := range []struct {
		fen  int64
		want string
	}{{0, "¥0.00"}, {5, "¥0.05"}, {123456789, "¥1,234,567.89"}, {-100, "-¥1.00"}, {math.MinInt64, "-¥92,233,720,368,547,758.08"}} {
		if got := Yuan(c.fen); got != c.want {
			t.Errorf("Yuan(%d) = %s, want %s", c.fen, got, c.want)
		}
	}
}
