package rating

import (
	"bufio"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/anbao/anbao/cover"
)

// testdata is rating/testdata/cases.json (see its "about").
type testdata struct {
	Configs      map[string]json.RawMessage `json:"configs"`
	Definitions  map[string]json.RawMessage `json:"definitions"`
	DefaultInput json.RawMessage            `json:"default_input"`
	Rating       []ratingCase               `json:"rating"`
	Adjustments  []adjustCase               `json:"adjustments"`
}

type ratingCase struct {
	Name       string          `json:"name"`
	Working    string          `json:"working"`
	Config     string          `json:"config"`     // default "base"
	Definition string          `json:"definition"` // default "std"
	Patch      json.RawMessage `json:"patch"`
	DefPatch   json.RawMessage `json:"def_patch"`
	Input      json.RawMessage `json:"input"`
	Want       struct {
		Decision  string `json:"decision"`
		Premium   int64  `json:"premium"`
		Technical int64  `json:"technical"`
		Steps     []struct {
			ID     string `json:"id"`
			Effect int64  `json:"effect"`
			Factor *int   `json:"factor"`
			Input  string `json:"input"` // a substring of the step's input
		} `json:"steps"`
		Overrides []Override `json:"overrides"` // absent: none
		Reasons   []struct {
			Code string   `json:"code"`
			Rule string   `json:"rule"`
			Text []string `json:"text"` // each in the zh or the en message
		} `json:"reasons"`
		Terms *struct {
			Limit     *int64                    `json:"limit"`
			Retention *int64                    `json:"retention"`
			Coverages map[string]map[string]any `json:"coverages"`
			Absent    []string                  `json:"absent"`
		} `json:"terms"`
	} `json:"want"`
}

func loadTestdata(t testing.TB) *testdata {
	t.Helper()
	b, err := os.ReadFile("testdata/cases.json")
	if err != nil {
		t.Fatal(err)
	}
	var d testdata
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	return &d
}

// mergePatch applies an RFC 7386 JSON merge patch.
func mergePatch(doc, patch json.RawMessage) (json.RawMessage, error) {
	if len(patch) == 0 {
		return doc, nil
	}
	var d, p any
	if err := json.Unmarshal(doc, &d); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(patch, &p); err != nil {
		return nil, err
	}
	return json.Marshal(merge(d, p))
}

func merge(d, p any) any {
	pm, ok := p.(map[string]any)
	if !ok {
		return p
	}
	dm, ok := d.(map[string]any)
	if !ok {
		dm = map[string]any{}
	}
	for k, v := range pm {
		if v == nil {
			delete(dm, k)
		} else {
			dm[k] = merge(dm[k], v)
		}
	}
	return dm
}

func decode[T any](t testing.TB, base, patch json.RawMessage) *T {
	t.Helper()
	b, err := mergePatch(base, patch)
	if err != nil {
		t.Fatal(err)
	}
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return &v
}

func (d *testdata) setup(t testing.TB, c *ratingCase) (*cover.Definition, *Config, *Input) {
	cn, dn := c.Config, c.Definition
	if cn == "" {
		cn = "base"
	}
	if dn == "" {
		dn = "std"
	}
	if d.Configs[cn] == nil || d.Definitions[dn] == nil {
		t.Fatalf("no config %q or definition %q", cn, dn)
	}
	return decode[cover.Definition](t, d.Definitions[dn], c.DefPatch), decode[Config](t, d.Configs[cn], c.Patch),
		decode[Input](t, d.DefaultInput, c.Input)
}

// checkTrail asserts the invariants every result keeps.
func checkTrail(t testing.TB, cfg *Config, r *Result) {
	t.Helper()
	if len(r.Trail) == 0 || r.Trail[0].ID != "base" || r.Trail[0].Before != 0 {
		t.Fatalf("the trail must start at base from 0: %+v", r.Trail)
	}
	var sum int64
	for i, s := range r.Trail {
		if i > 0 && s.Before != r.Trail[i-1].After {
			t.Fatalf("step %d %s: before %d, previous after %d", i, s.ID, s.Before, r.Trail[i-1].After)
		}
		if s.After != s.Before+s.Effect {
			t.Fatalf("step %d %s: %d + %d != %d", i, s.ID, s.Before, s.Effect, s.After)
		}
		if s.After < 0 || s.After > MaxPremium {
			t.Fatalf("step %d %s: after %d out of [0, MaxPremium]", i, s.ID, s.After)
		}
		if s.LabelZH == "" || s.LabelEN == "" {
			t.Fatalf("step %d %s has no label", i, s.ID)
		}
		sum += s.Effect
	}
	if sum != r.Premium || r.Trail[len(r.Trail)-1].After != r.Premium {
		t.Fatalf("effects sum to %d, premium %d", sum, r.Premium)
	}
	if r.Premium < cfg.MinimumPremium {
		t.Fatalf("premium %d below the minimum %d", r.Premium, cfg.MinimumPremium)
	}
	switch r.Decision {
	case Quoted:
		if len(r.Reasons) != 0 {
			t.Fatalf("quoted with reasons %+v", r.Reasons)
		}
	case Referred, Declined:
		if len(r.Reasons) == 0 {
			t.Fatalf("%s without a reason", r.Decision)
		}
		for _, x := range r.Reasons {
			if x.Code == "" || x.MessageZH == "" || x.MessageEN == "" {
				t.Fatalf("incomplete reason %+v", x)
			}
		}
	default:
		t.Fatalf("decision %q", r.Decision)
	}
}

func TestCases(t *testing.T) {
	d := loadTestdata(t)
	if len(d.Rating) < 20 {
		t.Fatalf("%d rating cases, want at least 20", len(d.Rating))
	}
	names := map[string]bool{}
	for i := range d.Rating {
		c := &d.Rating[i]
		t.Run(c.Name, func(t *testing.T) {
			if names[c.Name] {
				t.Fatal("two cases of this name")
			}
			names[c.Name] = true
			if len(c.Working) < 40 {
				t.Fatal("a case needs its working")
			}
			def, cfg, in := d.setup(t, c)
			r, err := Rate(def, cfg, in)
			if err != nil {
				t.Fatal(err)
			}
			checkTrail(t, cfg, r)
			w := &c.Want
			if r.Decision != w.Decision || r.Premium != w.Premium || r.Technical != w.Technical {
				t.Errorf("got %s %d technical %d, want %s %d technical %d", r.Decision, r.Premium, r.Technical, w.Decision, w.Premium, w.Technical)
			}
			if len(r.Trail) != len(w.Steps) {
				t.Errorf("%d steps, want %d", len(r.Trail), len(w.Steps))
			}
			for j := range min(len(r.Trail), len(w.Steps)) {
				g, e := r.Trail[j], w.Steps[j]
				if g.ID != e.ID || g.Effect != e.Effect {
					t.Errorf("step %d: %s %d, want %s %d", j, g.ID, g.Effect, e.ID, e.Effect)
				}
				if e.Factor != nil && g.Factor != *e.Factor {
					t.Errorf("step %d %s: factor %d, want %d", j, g.ID, g.Factor, *e.Factor)
				}
				if !strings.Contains(g.Input, e.Input) {
					t.Errorf("step %d %s: input %q lacks %q", j, g.ID, g.Input, e.Input)
				}
			}
			got := make([]Override, len(r.Overrides))
			for j, o := range r.Overrides {
				if o.MessageZH == "" || o.MessageEN == "" {
					t.Errorf("override %d has no message", j)
				}
				o.MessageZH, o.MessageEN = "", ""
				got[j] = o
			}
			if len(got) != len(w.Overrides) || len(got) > 0 && !reflect.DeepEqual(got, w.Overrides) {
				t.Errorf("overrides\n got %+v\nwant %+v", got, w.Overrides)
			}
			if len(r.Reasons) != len(w.Reasons) {
				t.Errorf("reasons %+v, want %+v", r.Reasons, w.Reasons)
			}
			for j := range min(len(r.Reasons), len(w.Reasons)) {
				g, e := r.Reasons[j], w.Reasons[j]
				if g.Code != e.Code || g.Rule != e.Rule {
					t.Errorf("reason %d: %s/%s, want %s/%s", j, g.Code, g.Rule, e.Code, e.Rule)
				}
				for _, s := range e.Text {
					if !strings.Contains(g.MessageZH, s) && !strings.Contains(g.MessageEN, s) {
						t.Errorf("reason %d: %q / %q lacks %q", j, g.MessageZH, g.MessageEN, s)
					}
				}
			}
			checkTerms(t, c, r.Terms)
		})
	}
}

func checkTerms(t *testing.T, c *ratingCase, terms *cover.Terms) {
	wt := c.Want.Terms
	if wt == nil {
		return
	}
	if wt.Limit != nil && terms.AggregateLimit != *wt.Limit {
		t.Errorf("terms limit %d, want %d", terms.AggregateLimit, *wt.Limit)
	}
	if wt.Retention != nil && terms.Retention != *wt.Retention {
		t.Errorf("terms retention %d, want %d", terms.Retention, *wt.Retention)
	}
	for _, code := range wt.Absent {
		if terms.Coverage(code) != nil {
			t.Errorf("coverage %s should be removed", code)
		}
	}
	for code, fields := range wt.Coverages {
		cv := terms.Coverage(code)
		if cv == nil {
			t.Errorf("coverage %s missing", code)
			continue
		}
		b, _ := json.Marshal(cv)
		var got map[string]any
		_ = json.Unmarshal(b, &got)
		for k, v := range fields {
			g := got[k]
			if g == nil { // omitempty zero
				g = reflect.Zero(reflect.TypeOf(v)).Interface()
			}
			if !reflect.DeepEqual(g, v) {
				t.Errorf("coverage %s %s = %v, want %v", code, k, g, v)
			}
		}
	}
}

// The definition's own coverages are not changed by the rules.
func TestRateDoesNotChangeItsArguments(t *testing.T) {
	d := loadTestdata(t)
	for i := range d.Rating {
		c := &d.Rating[i]
		def, cfg, in := d.setup(t, c)
		def0, _ := json.Marshal(def)
		cfg0, _ := json.Marshal(cfg)
		in0, _ := json.Marshal(in)
		r1, err := Rate(def, cfg, in)
		if err != nil {
			t.Fatal(err)
		}
		r2, _ := Rate(def, cfg, in)
		if !reflect.DeepEqual(r1, r2) {
			t.Errorf("%s: not deterministic", c.Name)
		}
		def1, _ := json.Marshal(def)
		cfg1, _ := json.Marshal(cfg)
		in1, _ := json.Marshal(in)
		if string(def0) != string(def1) || string(cfg0) != string(cfg1) || string(in0) != string(in1) {
			t.Errorf("%s: Rate changed its arguments", c.Name)
		}
	}
}

func baseSetup(t testing.TB) (*cover.Definition, *Config, *Input) {
	d := loadTestdata(t)
	return d.setup(t, &ratingCase{})
}

// codesIn lists the codes documented in the comment table of a source file
// ("//\t<prefix>.code ...").
func codesIn(t *testing.T, file, prefix string) []string {
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var codes []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "//\t"+prefix); ok {
			codes = append(codes, prefix+strings.Fields(rest)[0])
		}
	}
	if len(codes) == 0 {
		t.Fatalf("no %s codes documented in %s", prefix, file)
	}
	return codes
}

func TestValidateConfig(t *testing.T) {
	_, base, _ := baseSetup(t)
	if errs := base.Validate(); errs != nil {
		t.Fatalf("base config: %v", errs)
	}
	rule := func(r Rule) func(c *Config) {
		return func(c *Config) {
			if r.MessageZH == "" {
				r.MessageZH = "规则"
			}
			c.Rules = append(c.Rules, r)
		}
	}
	neg := -1
	cases := []struct {
		name, field, code string
		mutate            func(c *Config)
	}{
		{"band zero", "rating.revenue_bands[0]", "rating.amount_range", func(c *Config) { c.RevenueBands[0] = 0 }},
		{"no bands", "rating.revenue_bands", "rating.bands_required", func(c *Config) { c.RevenueBands = nil }},
		{"bands descending", "rating.revenue_bands[1]", "rating.bands_order", func(c *Config) { c.RevenueBands = []int64{10_000_000_000, 1_000_000_000} }},
		{"bands equal", "rating.revenue_bands[1]", "rating.bands_order", func(c *Config) { c.RevenueBands[1] = c.RevenueBands[0] }},
		{"industry letter", "rating.industry_classes.Z", "rating.industry_code", func(c *Config) { c.IndustryClasses["Z"] = 1 }},
		{"industry 98", "rating.industry_classes.98", "rating.industry_code", func(c *Config) { c.IndustryClasses["98"] = 1 }},
		{"industry 00", "rating.industry_classes.00", "rating.industry_code", func(c *Config) { c.IndustryClasses["00"] = 1 }},
		{"class too high", "rating.industry_classes.C", "rating.class_range", func(c *Config) { c.IndustryClasses["C"] = 4 }},
		{"default class 0", "rating.default_class", "rating.class_range", func(c *Config) { c.DefaultClass = 0 }},
		{"no base rates", "rating.base_rates", "rating.base_rates_required", func(c *Config) { c.BaseRates = nil }},
		{"short row", "rating.base_rates[1]", "rating.base_rates_row", func(c *Config) { c.BaseRates[1] = []int64{1} }},
		{"base rate zero", "rating.base_rates[2][1]", "rating.amount_range", func(c *Config) { c.BaseRates[2][1] = 0 }},
		{"base rate huge", "rating.base_rates[0][0]", "rating.amount_range", func(c *Config) { c.BaseRates[0][0] = cover.MaxAmount + 1 }},
		{"reference retention = limit", "rating.reference_limit", "rating.reference_option", func(c *Config) { c.ReferenceRetention = c.ReferenceLimit }},
		{"reference retention negative", "rating.reference_limit", "rating.reference_option", func(c *Config) { c.ReferenceRetention = -1 }},
		{"no limit curve", "rating.limit_factors", "rating.curve_required", func(c *Config) { c.LimitFactors = nil }},
		{"curve not ascending", "rating.retention_factors[2].amount", "rating.curve_order", func(c *Config) { c.RetentionFactors[2].Amount = c.RetentionFactors[1].Amount }},
		{"curve amount negative", "rating.retention_factors[0].amount", "rating.amount_range", func(c *Config) { c.RetentionFactors[0].Amount = -1 }},
		{"curve factor low", "rating.limit_factors[0].factor", "rating.factor_range", func(c *Config) { c.LimitFactors[0].Factor = 999 }},
		{"curve factor high", "rating.limit_factors[3].factor", "rating.factor_range", func(c *Config) { c.LimitFactors[3].Factor = 100001 }},
		{"grade F", "rating.grade_factors.F", "rating.grade_unknown", func(c *Config) { c.GradeFactors["F"] = 10000 }},
		{"grade factor zero", "rating.grade_factors.A", "rating.factor_range", func(c *Config) { c.GradeFactors["A"] = 0 }},
		{"ungraded factor", "rating.ungraded_factor", "rating.factor_range", func(c *Config) { c.UngradedFactor = 0 }},
		{"control id empty", "rating.control_factors[0].control", "rating.control_id", func(c *Config) { c.ControlFactors[0].Control = "" }},
		{"control twice", "rating.control_factors[2].control", "rating.control_twice", func(c *Config) { c.ControlFactors[2].Control = "mfa" }},
		{"control factor", "rating.control_factors[1].absent", "rating.factor_range", func(c *Config) { c.ControlFactors[1].Absent = 100001 }},
		{"floor above cap", "rating.control_floor", "rating.control_bounds", func(c *Config) { c.ControlFloor = 13000 }},
		{"cap out of range", "rating.control_cap", "rating.factor_range", func(c *Config) { c.ControlCap = 200000 }},
		{"no loss history", "rating.loss_history_factors", "rating.loss_history_required", func(c *Config) { c.LossHistoryFactors = nil }},
		{"loss history factor", "rating.loss_history_factors[1]", "rating.factor_range", func(c *Config) { c.LossHistoryFactors[1] = 500 }},
		{"EL mode", "rating.expected_loss.mode", "rating.el_mode", func(c *Config) { c.ExpectedLoss.Mode = "sometimes" }},
		{"EL mode empty", "rating.expected_loss.mode", "rating.el_mode", func(c *Config) { c.ExpectedLoss.Mode = "" }},
		{"TLR zero", "rating.expected_loss.target_loss_ratio", "rating.el_loss_ratio", func(c *Config) { c.ExpectedLoss.Mode, c.ExpectedLoss.TargetLossRatio = ELFloor, 0 }},
		{"TLR above 100%", "rating.expected_loss.target_loss_ratio", "rating.el_loss_ratio", func(c *Config) { c.ExpectedLoss.Mode, c.ExpectedLoss.TargetLossRatio = ELLoading, 10001 }},
		{"expense negative", "rating.expected_loss.expense_loading", "rating.el_loading", func(c *Config) { c.ExpectedLoss.ExpenseLoading = -1 }},
		{"profit above 200%", "rating.expected_loss.profit_loading", "rating.el_loading", func(c *Config) { c.ExpectedLoss.ProfitLoading = 20001 }},
		{"minimum negative", "rating.minimum_premium", "rating.amount_range", func(c *Config) { c.MinimumPremium = -1 }},
		{"rule id empty", "rating.rules[0].id", "rating.rule_id", rule(Rule{Then: Action{Kind: ActRefer}})},
		{"rule twice", "rating.rules[1].id", "rating.rule_twice", func(c *Config) {
			c.Rules = []Rule{{ID: "x", Then: Action{Kind: ActRefer}, MessageZH: "甲"}, {ID: "x", Then: Action{Kind: ActDecline}, MessageZH: "乙"}}
		}},
		{"action unknown", "rating.rules[0].then.kind", "rating.action_unknown", rule(Rule{ID: "x", Then: Action{Kind: "discount"}})},
		{"coverage unknown", "rating.rules[0].then.coverage", "rating.coverage_unknown", rule(Rule{ID: "x", Then: Action{Kind: ActSublimitCap, Coverage: "ransom", Amount: 1}})},
		{"coverage missing", "rating.rules[0].then.coverage", "rating.coverage_unknown", rule(Rule{ID: "x", Then: Action{Kind: ActRemoveCoverage}})},
		{"waiting on non-BI", "rating.rules[0].then.coverage", "rating.coverage_not_bi", rule(Rule{ID: "x", Then: Action{Kind: ActWaitingPeriod, Coverage: cover.CovExtortion, Hours: 12}})},
		{"waiting hours", "rating.rules[0].then.hours", "rating.waiting_hours", rule(Rule{ID: "x", Then: Action{Kind: ActWaitingPeriod, Coverage: cover.CovBusinessInterruption, Hours: 721}})},
		{"waiting mode", "rating.rules[0].then.waiting_mode", "rating.waiting_mode", rule(Rule{ID: "x", Then: Action{Kind: ActWaitingPeriod, Coverage: cover.CovBusinessInterruption, Hours: 12, WaitingMode: "soon"}})},
		{"cap amount zero", "rating.rules[0].then.amount", "rating.amount_range", rule(Rule{ID: "x", Then: Action{Kind: ActLimitCap}})},
		{"deductible amount", "rating.rules[0].then.amount", "rating.amount_range", rule(Rule{ID: "x", Then: Action{Kind: ActDeductible, Coverage: cover.CovLegal, Amount: -5}})},
		{"coinsurance zero", "rating.rules[0].then.bp", "rating.coinsurance_range", rule(Rule{ID: "x", Then: Action{Kind: ActCoinsurance, Coverage: cover.CovLegal}})},
		{"coinsurance above 90%", "rating.rules[0].then.bp", "rating.coinsurance_range", rule(Rule{ID: "x", Then: Action{Kind: ActCoinsurance, Coverage: cover.CovLegal, BP: 9001}})},
		{"surcharge a discount", "rating.rules[0].then.bp", "rating.surcharge_range", rule(Rule{ID: "x", Then: Action{Kind: ActSurcharge, BP: 9999}})},
		{"message missing", "rating.rules[0].message_zh", "rating.rule_message", func(c *Config) { c.Rules = []Rule{{ID: "x", Then: Action{Kind: ActRefer}, MessageZH: "  "}} }},
		{"message too long", "rating.rules[0].message_en", "rating.rule_message", rule(Rule{ID: "x", Then: Action{Kind: ActRefer}, MessageEN: strings.Repeat("x", 501)})},
		{"revenue window", "rating.rules[0].when.revenue_max", "rating.revenue_range", rule(Rule{ID: "x", When: When{RevenueMin: 10, RevenueMax: 5}, Then: Action{Kind: ActRefer}})},
		{"revenue negative", "rating.rules[0].when.revenue_min", "rating.amount_range", rule(Rule{ID: "x", When: When{RevenueMin: -1}, Then: Action{Kind: ActRefer}})},
		{"claims negative", "rating.rules[0].when.claims_min", "rating.claims_range", rule(Rule{ID: "x", When: When{ClaimsMin: -1}, Then: Action{Kind: ActRefer}})},
		{"when grade", "rating.rules[0].when.grades[1]", "rating.grade_unknown", rule(Rule{ID: "x", When: When{Grades: []string{"", "Z"}}, Then: Action{Kind: ActRefer}})},
		{"when industry", "rating.rules[0].when.industries[0]", "rating.industry_code", rule(Rule{ID: "x", When: When{Industries: []string{"C1"}}, Then: Action{Kind: ActRefer}})},
		{"when control", "rating.rules[0].when.missing_any[0]", "rating.control_id", rule(Rule{ID: "x", When: When{MissingAny: []string{""}}, Then: Action{Kind: ActRefer}})},
		{"envelope limit", "rating.envelope.max_limit", "rating.envelope_range", func(c *Config) { c.Envelope.MaxLimit = -1 }},
		{"envelope claims", "rating.envelope.max_claims", "rating.envelope_range", func(c *Config) { c.Envelope.MaxClaims = &neg }},
		{"envelope EL share", "rating.envelope.max_el_share", "rating.envelope_range", func(c *Config) { c.Envelope.MaxELShare = 10001 }},
		{"envelope grade", "rating.envelope.grades[0]", "rating.grade_unknown", func(c *Config) { c.Envelope.Grades = []string{""} }},
		{"envelope decline grade", "rating.envelope.decline_grades[0]", "rating.grade_unknown", func(c *Config) { c.Envelope.DeclineGrades = []string{"e"} }},
		{"envelope industry", "rating.envelope.refer_industries[1]", "rating.industry_code", func(c *Config) { c.Envelope.ReferIndustries = []string{"66", "6"} }},
	}
	covered := map[string]bool{"rating.missing": true} // TestRateErrors
	def, _, in := baseSetup(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, cfg, _ := baseSetup(t)
			c.mutate(cfg)
			errs := cfg.Validate()
			i := slices.IndexFunc(errs, func(e *cover.FieldError) bool { return e.Field == c.field && e.Code == c.code })
			if i < 0 {
				t.Fatalf("want %s %s, got %v", c.field, c.code, errs)
			}
			covered[c.code] = true
			// Rate refuses the config with its first error.
			r, err := Rate(def, cfg, in)
			var fe *cover.FieldError
			if r != nil || !errors.As(err, &fe) || fe.Field != errs[0].Field || fe.Code != errs[0].Code {
				t.Fatalf("Rate: %v, %v; want %v", r, err, errs[0])
			}
		})
	}
	for _, code := range codesIn(t, "engine.go", "rating.") {
		if !covered[code] {
			t.Errorf("no test gives %s", code)
		}
	}
}

func TestRateErrors(t *testing.T) {
	def, cfg, in := baseSetup(t)
	for _, c := range []struct {
		name      string
		def       *cover.Definition
		cfg       *Config
		in        *Input
		field     string
		code      string
		mutateIn  func(*Input)
		mutateDef func(*cover.Definition)
	}{
		{name: "nil definition", cfg: cfg, in: in, field: "definition", code: "rating.missing"},
		{name: "nil config", def: def, in: in, field: "rating", code: "rating.missing"},
		{name: "nil input", def: def, cfg: cfg, field: "input", code: "rating.missing"},
		{name: "invalid definition", def: def, cfg: cfg, in: in, field: "type", code: "product.type_invalid",
			mutateDef: func(d *cover.Definition) { d.Type = "marine" }},
		{name: "limit above the product", def: def, cfg: cfg, in: in, field: "limit", code: "quote.limit_range",
			mutateIn: func(i *Input) { i.Limit = 1_000_000_001 }},
		{name: "limit below the product", def: def, cfg: cfg, in: in, field: "limit", code: "quote.limit_range",
			mutateIn: func(i *Input) { i.Limit = 9_999_999 }},
		{name: "retention negative", def: def, cfg: cfg, in: in, field: "retention", code: "product.amount_range",
			mutateIn: func(i *Input) { i.Retention = -1 }},
		{name: "retention = limit", def: def, cfg: cfg, in: in, field: "retention", code: "quote.limit_below_retention",
			mutateIn: func(i *Input) { i.Retention = i.Limit }},
		{name: "retention under the product's", def: def, cfg: cfg, in: in, field: "retention", code: "quote.retention_floor",
			mutateIn:  func(i *Input) { i.Retention = 99_999 },
			mutateDef: func(d *cover.Definition) { d.MinRetention = 100_000 }},
	} {
		t.Run(c.name, func(t *testing.T) {
			d, i := c.def, c.in
			if d != nil && c.mutateDef != nil {
				cp := *d
				d = &cp
				c.mutateDef(d)
			}
			if i != nil && c.mutateIn != nil {
				cp := *i
				i = &cp
				c.mutateIn(i)
			}
			r, err := Rate(d, c.cfg, i)
			var fe *cover.FieldError
			if r != nil || !errors.As(err, &fe) || fe.Field != c.field || fe.Code != c.code {
				t.Fatalf("got %v, %v; want %s %s", r, err, c.field, c.code)
			}
		})
	}
}

// A product of control factors exactly at a bound is not bounded; the float
// estimate alone could not tell (0.5 × 1.6 is 0.8000000000000002 in float64).
func TestControlProductAtTheBound(t *testing.T) {
	def, cfg, in := baseSetup(t)
	cfg.ControlFactors = []ControlFactor{{"mfa", 5000, 16000}, {"edr", 16000, 5000}}
	cfg.ControlCap = 25600
	in.Controls = []string{"mfa"} // 0.5 × 0.5 = 0.25 < floor 0.8
	r, err := Rate(def, cfg, in)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(r.Trail, func(s Step) bool { return s.ID == "controls_bound" }) {
		t.Fatal("0.25 should be bounded at the floor")
	}
	in.Controls = []string{"mfa", "edr"} // 0.5 × 1.6 = 0.8 exactly: the floor
	r, _ = Rate(def, cfg, in)
	if slices.ContainsFunc(r.Trail, func(s Step) bool { return s.ID == "controls_bound" }) {
		t.Fatal("a product equal to the floor is inside the bounds")
	}
	in.Controls = nil // 1.6 × 1.6 = 2.56: the cap exactly
	r, _ = Rate(def, cfg, in)
	if slices.ContainsFunc(r.Trail, func(s Step) bool { return s.ID == "controls_bound" }) {
		t.Fatal("a product equal to the cap is inside the bounds")
	}
	for _, c := range []struct {
		fs    []int
		bound int
		want  int
	}{
		{[]int{5000, 16000}, 8000, 0},
		{[]int{5000, 16001}, 8000, 1},
		{[]int{5000, 15999}, 8000, -1},
		{[]int{}, 10000, 0},
		{slices.Repeat([]int{1000}, 400), 1000, -1}, // 1e-400 underflows a float64
		{append(slices.Repeat([]int{1000}, 400), slices.Repeat([]int{100000}, 400)...), 10000, 0},
	} {
		if _, got := cmpProduct(c.fs, c.bound); got != c.want {
			t.Errorf("cmpProduct(%d factors, %d) = %d, want %d", len(c.fs), c.bound, got, c.want)
		}
	}
}

func TestFormat(t *testing.T) {
	for _, c := range []struct {
		fen  int64
		want string
	}{
		{0, "¥0.00"}, {5, "¥0.05"}, {100, "¥1.00"}, {123456789, "¥1,234,567.89"}, {100000, "¥1,000.00"},
		{99999, "¥999.99"}, {-150, "-¥1.50"}, {cover.MaxAmount, "¥10,000,000,000.00"},
		{-9223372036854775808, "-¥92,233,720,368,547,758.08"},
	} {
		if got := FormatYuan(c.fen); got != c.want {
			t.Errorf("FormatYuan(%d) = %q, want %q", c.fen, got, c.want)
		}
	}
	if fmtFactor(12500) != "1.2500" || fmtFactor(7) != "0.0007" || fmtPct(6000) != "60.00%" || fmtPct(5) != "0.05%" || fmtPct(-150) != "-1.50%" {
		t.Error("factor or percentage format")
	}
}

func TestSection(t *testing.T) {
	for code, want := range map[string]string{
		"01": "A", "05": "A", "06": "B", "43": "C", "44": "D", "50": "E", "52": "F", "60": "G", "62": "H", "63": "I", "65": "I",
		"66": "J", "69": "J", "70": "K", "72": "L", "75": "M", "79": "N", "82": "O", "83": "P", "85": "Q", "90": "R", "91": "S",
		"96": "S", "97": "T", "98": "", "00": "", "I": "I", "T": "T", "U": "", "i": "", "": "", "6": "", "651": "", "6a": "",
	} {
		if got := Section(code); got != want {
			t.Errorf("Section(%q) = %q, want %q", code, got, want)
		}
	}
}

// randomInput draws a realistic request on def, with now and then a
// nonsensical field (a negative revenue, an unknown grade or control).
func randomInput(rng *rand.Rand, def *cover.Definition) *Input {
	industries := []string{"65", "64", "66", "68", "29", "39", "51", "52", "83", "92", "72", "01", "C", "I", "", "99", "zz"}
	controls := []string{"mfa", "edr", "offline_backups", "patching", "email_security", "funds_transfer_controls", "training",
		"ddos_protection", "business_continuity", "vendor_management", "incident_response_plan", "firewall"}
	grades := []string{"", "A", "B", "C", "D", "E", "F"}
	in := &Input{
		Industry: industries[rng.IntN(len(industries))],
		Revenue:  int64(rng.Float64() * rng.Float64() * 2e11),
		Grade:    grades[rng.IntN(len(grades))],
		CII:      rng.IntN(10) == 0,
		Claims:   rng.IntN(7) - rng.IntN(2),
	}
	if rng.IntN(50) == 0 {
		in.Revenue = -in.Revenue
	}
	for _, c := range controls {
		if rng.IntN(2) == 0 {
			in.Controls = append(in.Controls, c)
		}
	}
	if rng.IntN(5) == 0 {
		in.Gates = []string{"C"}
	}
	if rng.IntN(8) == 0 {
		in.Referrals = []string{"r1"}
	}
	in.ExpectedLoss = -1
	if rng.IntN(3) > 0 {
		in.ExpectedLoss = int64(rng.ExpFloat64() * 500_000)
	}
	in.Limit = def.MinLimit + rng.Int64N(def.MaxLimit-def.MinLimit+1)
	in.Retention = def.MinRetention + rng.Int64N(min(in.Limit-def.MinRetention, 200_000_000))
	return in
}

func TestTrailInvariants(t *testing.T) {
	d := loadTestdata(t)
	rng := rand.New(rand.NewPCG(1, 2))
	type setup struct {
		def *cover.Definition
		cfg *Config
	}
	setups := []setup{{SeedDefinition(), SeedConfig()}}
	for i := range d.Rating {
		def, cfg, _ := d.setup(t, &d.Rating[i])
		setups = append(setups, setup{def, cfg})
	}
	n := 20000
	if testing.Short() {
		n = 2000
	}
	counts := map[string]int{}
	for i := range n {
		s := setups[i%len(setups)]
		in := randomInput(rng, s.def)
		r, err := Rate(s.def, s.cfg, in)
		if err != nil {
			t.Fatalf("%+v: %v", in, err)
		}
		checkTrail(t, s.cfg, r)
		counts[r.Decision]++
		if r.Terms.AggregateLimit > in.Limit || r.Terms.Retention < in.Retention {
			t.Fatalf("rules widened the terms: %+v", r.Terms)
		}
		for _, s := range r.Trail {
			if s.ID == "controls_bound" {
				counts["bound"]++
			}
		}
	}
	// The draws must reach every outcome, or the test proves little.
	for _, k := range []string{Quoted, Referred, Declined, "bound"} {
		if counts[k] == 0 {
			t.Errorf("no %s in %d draws: %v", k, n, counts)
		}
	}
}

func TestSeed(t *testing.T) {
	cfg, def := SeedConfig(), SeedDefinition()
	if errs := cfg.Validate(); errs != nil {
		t.Fatalf("seed config: %v", errs)
	}
	if errs := def.Validate(); errs != nil {
		t.Fatalf("seed definition: %v", errs)
	}
	if SeedConfig() == cfg || &SeedConfig().Rules[0] == &cfg.Rules[0] {
		t.Fatal("SeedConfig must return a fresh copy")
	}
	// A software firm (65, class 3 by section I), revenue ¥12M (band 2: base
	// ¥10,500), grade B, six controls, no claims, EL ¥1,500, the reference
	// option. Base 1,050,000; B ×0.95 → 997,500; mfa ×0.90 → 897,750; edr
	// ×0.93 → 834,908 (834,907.5); offline_backups ×0.90 → 751,417; patching
	// ×0.95 → 713,846; email ×0.97 → 692,431; funds-transfer absent ×1.03 →
	// 713,204; training ×0.98 → 698,940; ddos absent ×1.02 → 712,919;
	// continuity absent ×1.05 → 748,565; vendor absent ×1.02 → 763,536; IR
	// plan absent ×1.05 → 801,713 (Π ≈ 0.80, inside [0.70, 1.50]). Technical
	// 150,000 ÷ 60% = 250,000 × 1.25 = 312,500 × 1.05 = 328,125 < premium.
	// Minimum ¥3,000 < premium. Rules: the hazard-industry extortion cap
	// ¥500,000; funds-transfer cover removed.
	in := &Input{Industry: "65", Revenue: 1_200_000_000, Grade: "B", ExpectedLoss: 150_000,
		Controls: []string{"mfa", "edr", "offline_backups", "patching", "email_security", "training"},
		Limit:    100_000_000, Retention: 1_000_000}
	r, err := Rate(def, cfg, in)
	if err != nil {
		t.Fatal(err)
	}
	checkTrail(t, cfg, r)
	if r.Decision != Quoted || r.Premium != 801_713 || r.Technical != 328_125 {
		t.Fatalf("got %s %d technical %d", r.Decision, r.Premium, r.Technical)
	}
	var rules []string
	for _, o := range r.Overrides {
		rules = append(rules, o.Rule)
	}
	if !slices.Equal(rules, []string{"extortion_sublimit_hazard", "funds_transfer_removed"}) {
		t.Fatalf("overrides %+v", r.Overrides)
	}
	if r.Terms.Coverage(cover.CovExtortion).Sublimit != 50_000_000 || r.Terms.Coverage(cover.CovFundsTransfer) != nil {
		t.Fatalf("terms %+v", r.Terms.Coverages)
	}
	// Manufacturing: 12-hour waiting period; a bank: referred by industry;
	// grade E: declined; education asking ¥3M: capped at ¥1M.
	in.Industry = "29"
	r, _ = Rate(def, cfg, in)
	if bi := r.Terms.Coverage(cover.CovBusinessInterruption); bi.WaitingHours != 12 || r.Decision != Quoted {
		t.Fatalf("manufacturing: %s, BI %+v", r.Decision, bi)
	}
	in.Industry = "66"
	if r, _ = Rate(def, cfg, in); r.Decision != Referred || r.Reasons[0].Code != "envelope.industry" {
		t.Fatalf("bank: %s %+v", r.Decision, r.Reasons)
	}
	in.Industry, in.Grade = "65", "E"
	if r, _ = Rate(def, cfg, in); r.Decision != Declined {
		t.Fatalf("grade E: %s", r.Decision)
	}
	in.Industry, in.Grade, in.Limit = "83", "A", 300_000_000
	r, _ = Rate(def, cfg, in)
	if r.Terms.AggregateLimit != 100_000_000 || r.Terms.Retention != 5_000_000 {
		t.Fatalf("education: %+v", r.Overrides)
	}
}

func FuzzRate(f *testing.F) {
	f.Add("65", int64(1_200_000_000), "B", uint16(0x3f), 0, int64(150_000), int64(100_000_000), int64(1_000_000), false, []byte(nil))
	f.Add("83", int64(-1), "", uint16(0), 9, int64(-1), int64(300_000_000), int64(500_000), true, []byte(`{"minimum_premium": 0}`))
	f.Add("C", int64(1e15), "F", uint16(0xffff), -3, int64(1e18), int64(2_000_000_000), int64(0), false,
		[]byte(`{"expected_loss": {"mode": "loading", "loading_bp": 20000}, "control_factors": []}`))
	d := loadTestdata(f)
	for _, c := range d.Rating {
		if len(c.Patch) > 0 {
			f.Add("72", int64(500_000_000), "B", uint16(1), 0, int64(-1), int64(100_000_000), int64(1_000_000), false, []byte(c.Patch))
		}
	}
	controls := []string{"mfa", "edr", "offline_backups", "patching", "email_security", "funds_transfer_controls", "training",
		"ddos_protection", "business_continuity", "vendor_management", "incident_response_plan", "x"}
	f.Fuzz(func(t *testing.T, industry string, revenue int64, grade string, ctl uint16, claims int, el, limit, retention int64, cii bool, patch []byte) {
		cfg := SeedConfig()
		// Arbitrary JSON over the seed: Validate must stop whatever Rate
		// could not price without panicking.
		if json.Unmarshal(patch, cfg) != nil {
			cfg = SeedConfig()
		}
		in := &Input{Industry: industry, Revenue: revenue, Grade: grade, Claims: claims, ExpectedLoss: el,
			Limit: limit, Retention: retention, CII: cii, Gates: []string{industry}}
		for i, c := range controls {
			if ctl&(1<<i) != 0 {
				in.Controls = append(in.Controls, c)
			}
		}
		r, err := Rate(SeedDefinition(), cfg, in)
		if err != nil {
			var fe *cover.FieldError
			if !errors.As(err, &fe) || r != nil {
				t.Fatalf("error %v is not a FieldError", err)
			}
			return
		}
		checkTrail(t, cfg, r)
	})
}

// A Rater validates once and prices as Rate does, from many goroutines.
func TestRater(t *testing.T) {
	def, cfg := SeedDefinition(), SeedConfig()
	if _, err := NewRater(nil, cfg); err == nil {
		t.Fatal("nil definition")
	}
	bad := SeedConfig()
	bad.MinimumPremium = -1
	if _, err := NewRater(def, bad); err == nil || err.(*cover.FieldError).Code != "rating.amount_range" {
		t.Fatalf("invalid config: %v", err)
	}
	rt, err := NewRater(def, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rt.Rate(nil); err == nil {
		t.Fatal("nil input")
	}
	rng := rand.New(rand.NewPCG(3, 4))
	ins := make([]*Input, 200)
	want := make([]*Result, len(ins))
	for i := range ins {
		ins[i] = randomInput(rng, def)
		if want[i], err = Rate(def, cfg, ins[i]); err != nil {
			t.Fatal(err)
		}
	}
	done := make(chan error)
	for g := range 4 {
		go func() {
			for i := range ins {
				j := (i + g*50) % len(ins)
				r, err := rt.Rate(ins[j])
				if err != nil || !reflect.DeepEqual(r, want[j]) {
					done <- errors.New("Rater.Rate differs from Rate")
					return
				}
			}
			done <- nil
		}()
	}
	for range 4 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}
