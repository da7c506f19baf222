package rating

// Error codes (cover.FieldError.Code; the caller's catalogue adds "uw.").
// Amount arguments are formatted strings (FormatYuan), factors "1.2500",
// shares "60.00%"; every use of a code passes the same arguments:
//
//	rating.missing            a nil definition, config or input              (what)
//	rating.amount_range       amount out of range (≤ ¥10,000,000,000)        (amount)
//	rating.bands_required     no revenue band
//	rating.bands_order        revenue bands not strictly ascending           (bound)
//	rating.industry_code      not a GB/T 4754 section A–T or division 01–97  (code)
//	rating.class_range        hazard class outside 1..len(base_rates)       (class, classes)
//	rating.base_rates_required no base-rate row
//	rating.base_rates_row     a base-rate row has the wrong length           (got, bands)
//	rating.reference_option   not reference limit > reference retention ≥ 0  (limit, retention)
//	rating.curve_required     a factor curve has no point
//	rating.curve_order        curve amounts not strictly ascending           (amount)
//	rating.factor_range       factor outside [0.1000, 10.0000]               (factor)
//	rating.grade_unknown      grade other than A–E                           (grade)
//	rating.control_id         empty control id
//	rating.control_twice      control priced twice                           (id)
//	rating.control_bounds     control floor above control cap                (floor, cap)
//	rating.loss_history_required no loss-history factor
//	rating.el_mode            expected-loss mode unknown                     (mode)
//	rating.el_loss_ratio      target loss ratio outside (0, 100%]           (share)
//	rating.el_loading         a loading outside [0, 200%]                    (share)
//	rating.rule_id            rule without id
//	rating.rule_twice         two rules with one id                          (id)
//	rating.action_unknown     unknown action kind                            (kind)
//	rating.coverage_unknown   action names no known coverage                 (code)
//	rating.coverage_not_bi    waiting period on a non-BI coverage            (code)
//	rating.waiting_hours      waiting hours outside [0, max]                 (max)
//	rating.waiting_mode       unknown waiting-period mode                    (mode)
//	rating.coinsurance_range  coinsurance outside [0.01%, 90%]               (share)
//	rating.surcharge_range    surcharge factor outside [1.0000, 10.0000]     (factor)
//	rating.rule_message       message_zh missing, or a message too long
//	rating.revenue_range      revenue_max below revenue_min
//	rating.claims_range       negative claim count                           (n)
//	rating.envelope_range     negative envelope bound, or EL share > 100%    (value)
//
// Reason codes (Result.Reasons; each Reason carries its own zh and en text):
// rule.decline, rule.refer, envelope.decline_grade, envelope.max_limit,
// envelope.max_revenue, envelope.grades, envelope.require_score,
// envelope.gates, envelope.max_claims, envelope.max_premium,
// envelope.max_el_share, envelope.industry, terms.retention_at_limit.
//
// The algorithm of Rate, step by step (Step.ID in brackets). Every step that
// multiplies rounds half up to the 分 once (x×f/10000), and every step's
// After is capped at MaxPremium:
//
//  1. [base] The hazard class is IndustryClasses[division] ("65"), else
//     IndustryClasses[section] ("I", derived from the division by GB/T
//     4754-2017), else DefaultClass; the revenue band is the first whose
//     upper bound is ≥ the revenue, else the last. Premium := base rate.
//  2. Rules that change terms (limit_cap, retention_floor, waiting_period,
//     sublimit_cap, deductible, coinsurance, remove_coverage) are applied in
//     config order to cover.NewTerms(def, limit, retention, ""); each change
//     is an Override. A rule whose condition fails, or that changes nothing,
//     leaves no trace.
//  3. [limit] ×round(f(limit)×10000 / f(ReferenceLimit)) and [retention]
//     ×round(g(retention)×10000 / g(ReferenceRetention)): the curves are
//     relative, so a curve need not pass through 1.0000 at the reference,
//     and the reference option always prices at ×1.0000. f and g are the
//     piecewise-linear curves (interpolated, rounded half up to a bp; flat
//     beyond the end points), taken at the terms after step 2.
//  4. [grade] ×GradeFactors[grade]; an ungraded enterprise, a grade that is
//     not A–E, or a grade without a factor takes UngradedFactor.
//  5. [control:<id>] one step per ControlFactor, in config order: ×Present
//     if the id is in Input.Controls, else ×Absent. The exact product Π of
//     these factors (a rational, compared exactly with the bounds) must lie
//     in [ControlFloor, ControlCap]; if it does not, [controls_bound] sets
//     the premium to round(P × bound / 10000), P being the premium before
//     the first control step, so the control steps still show each
//     control's effect and the trail still sums.
//  6. [loss_history] ×LossHistoryFactors[min(claims, len-1)].
//  7. [technical] if ExpectedLoss ≥ 0 and the mode is not none: technical :=
//     round(EL×10000/TLR), then round(×(10000+expense)/10000), then
//     round(×(10000+profit)/10000). Floor mode: premium := max(premium,
//     technical). Loading mode: premium += round(technical×LoadingBP/10000).
//  8. [minimum] premium := max(premium, MinimumPremium).
//  9. [rule:<id>] surcharge rules whose condition holds, in config order.
//  10. Decision: decline rules and Envelope.DeclineGrades decline (with
//     only their reasons); else refer rules, envelope breaches and a
//     retention the rules left at or above the limit refer, one Reason each;
//     else quoted. The envelope's max_limit and max_el_share read the
//     requested limit, max_premium the final premium; an ungraded enterprise
//     under require_score gets that reason alone, not also "grades". The
//     premium and the trail are computed in every case.
//
// Rate validates the definition and the config on every call (about a third
// of its time); NewRater validates them once for many calls.
//
// Overflow: every step's input premium is ≤ MaxPremium (1e12) and every
// factor ≤ maxRelFactor (1e6 bp: a relative curve factor of at most
// 100000×10000/1000), so a product is ≤ 1e18 < 2⁶³; the constant below
// fails to compile if that stops being true. Curve interpolation multiplies
// an amount ≤ cover.MaxAmount by a factor ≤ 100000, ≤ 1e17.

import (
	"math"
	"math/big"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/anbao/anbao/cover"
)

// MaxPremium caps every step of the trail: a premium above cover.MaxAmount
// (CNY 10 billion) only comes from a nonsensical configuration, and keeping
// amounts below it keeps every sum of premiums inside int64.
const MaxPremium = cover.MaxAmount

// Factor bounds of the configuration (bp).
const (
	MinFactor    = 1000   // ×0.1
	MaxFactor    = 100000 // ×10
	maxRelFactor = MaxFactor * 10000 / MinFactor
)

// Compile-time proof that premium × factor + rounding fits in int64.
const _ uint64 = math.MaxInt64 - MaxPremium*maxRelFactor - 10000

const maxMessage = 500 // runes of a rule message

// grades are the Anbao score grades a config may price.
var grades = []string{"A", "B", "C", "D", "E"}

// divisionSections holds, per GB/T 4754-2017 section, its last two-digit
// division; sections hold consecutive divisions 01–97. (This agrees with
// package refdata: S is 91–96 and T, international organisations, is 97.)
var divisionSections = [...]struct {
	last    int
	section string
}{
	{5, "A"}, {12, "B"}, {43, "C"}, {46, "D"}, {50, "E"}, {52, "F"}, {60, "G"}, {62, "H"}, {65, "I"}, {69, "J"},
	{70, "K"}, {72, "L"}, {75, "M"}, {79, "N"}, {82, "O"}, {83, "P"}, {85, "Q"}, {90, "R"}, {96, "S"}, {97, "T"},
}

// Section returns the GB/T 4754-2017 section letter of a two-digit division
// ("65" → "I"), the letter itself for a section ("I"), or "" for anything
// else.
func Section(code string) string {
	_, s := parseIndustry(code)
	return s
}

// parseIndustry splits an industry code into its division ("" when a
// section letter was given) and section; both are "" when the code is not
// a GB/T 4754-2017 section or division.
func parseIndustry(code string) (div, sec string) {
	switch len(code) {
	case 1:
		if code[0] >= 'A' && code[0] <= 'T' {
			return "", code
		}
	case 2:
		if code[0] < '0' || code[0] > '9' || code[1] < '0' || code[1] > '9' {
			return "", ""
		}
		n := int(code[0]-'0')*10 + int(code[1]-'0')
		if n < 1 {
			return "", ""
		}
		for _, d := range divisionSections {
			if n <= d.last {
				return code, d.section
			}
		}
	}
	return "", ""
}

func validIndustry(code string) bool { _, s := parseIndustry(code); return s != "" }

// industryIn reports whether the division or the section is in list, and
// which one matched.
func industryIn(list []string, div, sec string) (string, bool) {
	for _, c := range list {
		if c != "" && (c == div || c == sec) {
			return c, true
		}
	}
	return "", false
}

func isGrade(g string) bool { return slices.Contains(grades, g) }

func ferr(field, code string, args ...any) *cover.FieldError {
	return &cover.FieldError{Field: field, Code: code, Args: args}
}

// Validate checks the configuration and returns every problem found, in
// field order, or nil. Field paths start with "rating.".
func (c *Config) Validate() []*cover.FieldError {
	// Paths are built only for a field at fault: Rate validates on every call.
	var errs []*cover.FieldError
	add := func(field, code string, args ...any) {
		errs = append(errs, ferr("rating."+field, code, args...))
	}
	amount := func(v, lo int64) bool { return v >= lo && v <= cover.MaxAmount }
	factor := func(f int) bool { return f >= MinFactor && f <= MaxFactor }
	if len(c.RevenueBands) == 0 {
		add("revenue_bands", "rating.bands_required")
	}
	for i, b := range c.RevenueBands {
		if !amount(b, 1) {
			add(at("revenue_bands", i), "rating.amount_range", FormatYuan(b))
		} else if i > 0 && b <= c.RevenueBands[i-1] {
			add(at("revenue_bands", i), "rating.bands_order", FormatYuan(b))
		}
	}
	classes := len(c.BaseRates)
	badClass := func(k string, v int) bool { return !validIndustry(k) || v < 1 || v > classes }
	if anyEntry(c.IndustryClasses, badClass) {
		for _, k := range sortedKeys(c.IndustryClasses) {
			if !validIndustry(k) {
				add("industry_classes."+k, "rating.industry_code", k)
			}
			if v := c.IndustryClasses[k]; v < 1 || v > classes {
				add("industry_classes."+k, "rating.class_range", v, classes)
			}
		}
	}
	if c.DefaultClass < 1 || c.DefaultClass > classes {
		add("default_class", "rating.class_range", c.DefaultClass, classes)
	}
	if classes == 0 {
		add("base_rates", "rating.base_rates_required")
	}
	for i, row := range c.BaseRates {
		if len(row) != len(c.RevenueBands) {
			add(at("base_rates", i), "rating.base_rates_row", len(row), len(c.RevenueBands))
		}
		for j, r := range row {
			if !amount(r, 1) {
				add(at(at("base_rates", i), j), "rating.amount_range", FormatYuan(r))
			}
		}
	}
	if c.ReferenceRetention < 0 || c.ReferenceLimit <= c.ReferenceRetention || c.ReferenceLimit > cover.MaxAmount {
		add("reference_limit", "rating.reference_option", FormatYuan(c.ReferenceLimit), FormatYuan(c.ReferenceRetention))
	}
	for _, name := range [2]string{"limit_factors", "retention_factors"} {
		pts := c.LimitFactors
		if name == "retention_factors" {
			pts = c.RetentionFactors
		}
		if len(pts) == 0 {
			add(name, "rating.curve_required")
		}
		for i, pt := range pts {
			if !amount(pt.Amount, 0) {
				add(at(name, i)+".amount", "rating.amount_range", FormatYuan(pt.Amount))
			} else if i > 0 && pt.Amount <= pts[i-1].Amount {
				add(at(name, i)+".amount", "rating.curve_order", FormatYuan(pt.Amount))
			}
			if !factor(pt.Factor) {
				add(at(name, i)+".factor", "rating.factor_range", fmtFactor(pt.Factor))
			}
		}
	}
	if anyEntry(c.GradeFactors, func(g string, f int) bool { return !isGrade(g) || !factor(f) }) {
		for _, g := range sortedKeys(c.GradeFactors) {
			if !isGrade(g) {
				add("grade_factors."+g, "rating.grade_unknown", g)
			}
			if f := c.GradeFactors[g]; !factor(f) {
				add("grade_factors."+g, "rating.factor_range", fmtFactor(f))
			}
		}
	}
	if !factor(c.UngradedFactor) {
		add("ungraded_factor", "rating.factor_range", fmtFactor(c.UngradedFactor))
	}
	for i, cf := range c.ControlFactors {
		if cf.Control == "" {
			add(at("control_factors", i)+".control", "rating.control_id")
		} else if slices.ContainsFunc(c.ControlFactors[:i], func(o ControlFactor) bool { return o.Control == cf.Control }) {
			add(at("control_factors", i)+".control", "rating.control_twice", cf.Control)
		}
		if !factor(cf.Present) {
			add(at("control_factors", i)+".present", "rating.factor_range", fmtFactor(cf.Present))
		}
		if !factor(cf.Absent) {
			add(at("control_factors", i)+".absent", "rating.factor_range", fmtFactor(cf.Absent))
		}
	}
	if !factor(c.ControlFloor) {
		add("control_floor", "rating.factor_range", fmtFactor(c.ControlFloor))
	}
	if !factor(c.ControlCap) {
		add("control_cap", "rating.factor_range", fmtFactor(c.ControlCap))
	}
	if c.ControlFloor > c.ControlCap {
		add("control_floor", "rating.control_bounds", fmtFactor(c.ControlFloor), fmtFactor(c.ControlCap))
	}
	if len(c.LossHistoryFactors) == 0 {
		add("loss_history_factors", "rating.loss_history_required")
	}
	for i, f := range c.LossHistoryFactors {
		if !factor(f) {
			add(at("loss_history_factors", i), "rating.factor_range", fmtFactor(f))
		}
	}
	el := c.ExpectedLoss
	switch el.Mode {
	case ELNone:
	case ELFloor, ELLoading:
		// The ratio divides only when the expected loss is used.
		if el.TargetLossRatio <= 0 || el.TargetLossRatio > 10000 {
			add("expected_loss.target_loss_ratio", "rating.el_loss_ratio", fmtPct(el.TargetLossRatio))
		}
	default:
		add("expected_loss.mode", "rating.el_mode", el.Mode)
	}
	for _, l := range [...]struct {
		name string
		bp   int
	}{{"expense_loading", el.ExpenseLoading}, {"profit_loading", el.ProfitLoading}, {"loading_bp", el.LoadingBP}} {
		if l.bp < 0 || l.bp > 20000 {
			add("expected_loss."+l.name, "rating.el_loading", fmtPct(l.bp))
		}
	}
	if !amount(c.MinimumPremium, 0) {
		add("minimum_premium", "rating.amount_range", FormatYuan(c.MinimumPremium))
	}
	for i := range c.Rules {
		c.validateRule(i, add)
	}
	e := &c.Envelope
	for _, v := range [...]struct {
		name string
		v    int64
	}{{"max_limit", e.MaxLimit}, {"max_revenue", e.MaxRevenue}, {"max_premium", e.MaxPremium}} {
		if v.v < 0 {
			add("envelope."+v.name, "rating.envelope_range", FormatYuan(v.v))
		}
	}
	if e.MaxClaims != nil && *e.MaxClaims < 0 {
		add("envelope.max_claims", "rating.envelope_range", strconv.Itoa(*e.MaxClaims))
	}
	if e.MaxELShare < 0 || e.MaxELShare > 10000 {
		add("envelope.max_el_share", "rating.envelope_range", fmtPct(e.MaxELShare))
	}
	for i, g := range e.Grades {
		if !isGrade(g) {
			add(at("envelope.grades", i), "rating.grade_unknown", g)
		}
	}
	for i, g := range e.DeclineGrades {
		if !isGrade(g) {
			add(at("envelope.decline_grades", i), "rating.grade_unknown", g)
		}
	}
	for i, ind := range e.ReferIndustries {
		if !validIndustry(ind) {
			add(at("envelope.refer_industries", i), "rating.industry_code", ind)
		}
	}
	return errs
}

// ruleIndex is the index of the first rule with id, or -1. Rules are few:
// a scan allocates nothing, unlike a set.
func (c *Config) ruleIndex(id string) int {
	for i := range c.Rules {
		if c.Rules[i].ID == id {
			return i
		}
	}
	return -1
}

// at is the path of element i of name: "rules[3]".
func at(name string, i int) string { return name + "[" + strconv.Itoa(i) + "]" }

func (c *Config) validateRule(i int, add func(string, string, ...any)) {
	r := &c.Rules[i]
	p := func(field string) string { return at("rules", i) + "." + field }
	amount := func(field string, v, lo int64) {
		if v < lo || v > cover.MaxAmount {
			add(p(field), "rating.amount_range", FormatYuan(v))
		}
	}
	if r.ID == "" {
		add(p("id"), "rating.rule_id")
	} else if c.ruleIndex(r.ID) < i {
		add(p("id"), "rating.rule_twice", r.ID)
	}
	w := &r.When
	for j, ind := range w.Industries {
		if !validIndustry(ind) {
			add(at(p("when.industries"), j), "rating.industry_code", ind)
		}
	}
	amount("when.revenue_min", w.RevenueMin, 0)
	amount("when.revenue_max", w.RevenueMax, 0)
	if w.RevenueMax != 0 && w.RevenueMax < w.RevenueMin {
		add(p("when.revenue_max"), "rating.revenue_range")
	}
	amount("when.limit_min", w.LimitMin, 0)
	for j, g := range w.Grades {
		if g != "" && !isGrade(g) {
			add(at(p("when.grades"), j), "rating.grade_unknown", g)
		}
	}
	for j, id := range w.MissingAny {
		if id == "" {
			add(at(p("when.missing_any"), j), "rating.control_id")
		}
	}
	if w.ClaimsMin < 0 {
		add(p("when.claims_min"), "rating.claims_range", strconv.Itoa(w.ClaimsMin))
	}
	a := &r.Then
	kind := func() (cover.CoverageKind, bool) {
		k, ok := cover.Kind(a.Coverage)
		if !ok {
			add(p("then.coverage"), "rating.coverage_unknown", a.Coverage)
		}
		return k, ok
	}
	switch a.Kind {
	case ActWaitingPeriod:
		if k, ok := kind(); ok && !k.BI {
			add(p("then.coverage"), "rating.coverage_not_bi", a.Coverage)
		}
		if a.Hours < 0 || a.Hours > cover.MaxWaitingHours {
			add(p("then.hours"), "rating.waiting_hours", cover.MaxWaitingHours)
		}
		if a.WaitingMode != "" && a.WaitingMode != cover.WaitTimeDeductible && a.WaitingMode != cover.WaitTrigger {
			add(p("then.waiting_mode"), "rating.waiting_mode", a.WaitingMode)
		}
	case ActRetentionFloor, ActLimitCap:
		amount("then.amount", a.Amount, 1)
	case ActSublimitCap, ActDeductible:
		kind()
		amount("then.amount", a.Amount, 1)
	case ActCoinsurance:
		kind()
		if a.BP < 1 || a.BP > 9000 {
			add(p("then.bp"), "rating.coinsurance_range", fmtPct(a.BP))
		}
	case ActRemoveCoverage:
		kind()
	case ActSurcharge:
		if a.BP < 10000 || a.BP > MaxFactor {
			add(p("then.bp"), "rating.surcharge_range", fmtFactor(a.BP))
		}
	case ActRefer, ActDecline:
	default:
		add(p("then.kind"), "rating.action_unknown", a.Kind)
	}
	if blank(r.MessageZH) || tooLong(r.MessageZH) {
		add(p("message_zh"), "rating.rule_message")
	}
	if tooLong(r.MessageEN) {
		add(p("message_en"), "rating.rule_message")
	}
}

// blank reports whether s is empty or only white space.
func blank(s string) bool {
	for _, r := range s {
		if !unicode.IsSpace(r) {
			return false
		}
	}
	return true
}

// tooLong reports whether s has more than maxMessage runes; counting only
// when its bytes could be that many.
func tooLong(s string) bool {
	return len(s) > maxMessage && utf8.RuneCountInString(s) > maxMessage
}

// anyEntry reports whether bad holds for some entry of m.
func anyEntry[V any](m map[string]V, bad func(string, V) bool) bool {
	for k, v := range m {
		if bad(k, v) {
			return true
		}
	}
	return false
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// isTermKind reports whether an action changes the terms (step 2).
func isTermKind(kind string) bool {
	switch kind {
	case ActLimitCap, ActRetentionFloor, ActWaitingPeriod, ActSublimitCap, ActDeductible, ActCoinsurance, ActRemoveCoverage:
		return true
	}
	return false
}

// quote holds one call of Rate.
type quote struct {
	def      *cover.Definition
	cfg      *Config
	in       *Input
	div, sec string
	grade    string // "" when ungraded or not A–E
	res      *Result
	p        int64 // the running premium
}

// Rate prices one option of a product version for one enterprise. It returns
// an error, a *cover.FieldError, only when the definition, the config or the
// option is invalid; a referral or a decline is a Result. It validates the
// definition and the config on every call: to price many requests on one
// product version, NewRater validates them once.
func Rate(def *cover.Definition, cfg *Config, in *Input) (*Result, error) {
	if in == nil && def != nil && cfg != nil {
		return nil, ferr("input", "rating.missing", "input")
	}
	t, err := NewRater(def, cfg)
	if err != nil {
		return nil, err
	}
	return t.Rate(in)
}

// Rater prices requests on one product version whose definition and
// configuration NewRater has validated. Neither may change while the Rater
// is in use; it is safe for concurrent use.
type Rater struct {
	def        *cover.Definition
	cfg        *Config
	surcharges int    // surcharge rules: the trail's spare capacity
	minimum    string // the minimum premium, formatted once
}

// NewRater validates a product version's definition and configuration and
// returns their Rater, or the first error found (a *cover.FieldError).
func NewRater(def *cover.Definition, cfg *Config) (*Rater, error) {
	switch {
	case def == nil:
		return nil, ferr("definition", "rating.missing", "definition")
	case cfg == nil:
		return nil, ferr("rating", "rating.missing", "config")
	}
	if errs := cfg.Validate(); len(errs) > 0 {
		return nil, errs[0]
	}
	if errs := def.Validate(); len(errs) > 0 {
		return nil, errs[0]
	}
	t := &Rater{def: def, cfg: cfg, minimum: FormatYuan(cfg.MinimumPremium)}
	for i := range cfg.Rules {
		if cfg.Rules[i].Then.Kind == ActSurcharge {
			t.surcharges++
		}
	}
	return t, nil
}

// Rate prices one request; see the package function Rate.
func (t *Rater) Rate(in *Input) (*Result, error) {
	if in == nil {
		return nil, ferr("input", "rating.missing", "input")
	}
	def, cfg := t.def, t.cfg
	if e := def.Option(in.Limit, in.Retention); e != nil {
		return nil, e
	}
	r := &quote{def: def, cfg: cfg, in: in}
	r.div, r.sec = parseIndustry(in.Industry)
	if isGrade(in.Grade) {
		r.grade = in.Grade
	}
	r.res = &Result{
		Reasons:   []Reason{},
		Overrides: []Override{},
		Trail:     make([]Step, 0, 8+len(cfg.ControlFactors)+t.surcharges),
		Terms:     cover.NewTerms(def, in.Limit, in.Retention, ""),
		Technical: -1,
	}
	r.base()
	for i := range cfg.Rules {
		if rule := &cfg.Rules[i]; isTermKind(rule.Then.Kind) && r.holds(&rule.When) {
			r.applyTerm(rule)
		}
	}
	r.curves()
	r.gradeStep()
	r.controls()
	r.lossHistory()
	r.technical()
	r.step("minimum", "最低保费", "Minimum premium", t.minimum, 0, max(r.p, cfg.MinimumPremium))
	for i := range cfg.Rules {
		if rule := &cfg.Rules[i]; rule.Then.Kind == ActSurcharge && r.holds(&rule.When) {
			r.step("rule:"+rule.ID, rule.MessageZH, rule.messageEN(), rule.ID, rule.Then.BP, mulBP(r.p, rule.Then.BP))
		}
	}
	r.res.Premium = r.p
	r.decide()
	return r.res, nil
}

// step appends a trail line that takes the premium to after (capped at
// MaxPremium).
func (r *quote) step(id, zh, en, input string, factor int, after int64) {
	after = min(after, MaxPremium)
	r.res.Trail = append(r.res.Trail, Step{ID: id, LabelZH: zh, LabelEN: en, Input: input, Factor: factor,
		Before: r.p, After: after, Effect: after - r.p})
	r.p = after
}

// roundDiv is n/d rounded half up, for n ≥ 0 and d > 0.
func roundDiv(n, d int64) int64 { return (n + d/2) / d }

// mulBP is p × f / 10000 rounded half up (p ≥ 0, f ≤ maxRelFactor).
func mulBP(p int64, f int) int64 { return roundDiv(p*int64(f), 10000) }

// holds reports whether a rule's condition holds; empty fields hold.
func (r *quote) holds(w *When) bool {
	in := r.in
	if len(w.Industries) > 0 {
		if _, ok := industryIn(w.Industries, r.div, r.sec); !ok {
			return false
		}
	}
	switch {
	case w.RevenueMin > 0 && in.Revenue < w.RevenueMin,
		w.RevenueMax > 0 && in.Revenue > w.RevenueMax,
		w.LimitMin > 0 && in.Limit < w.LimitMin,
		len(w.Grades) > 0 && !slices.Contains(w.Grades, r.grade),
		w.ClaimsMin > 0 && in.Claims < w.ClaimsMin,
		w.HasReferral && len(in.Referrals) == 0,
		w.CII != nil && *w.CII != in.CII,
		w.ProductService && r.def.Type != cover.TypeProductService:
		return false
	}
	if len(w.MissingAny) > 0 {
		for _, c := range w.MissingAny {
			if !slices.Contains(in.Controls, c) {
				return true
			}
		}
		return false
	}
	return true
}

func (r *quote) override(rule *Rule, field, requested, applied string) {
	if cap(r.res.Overrides) == 0 {
		r.res.Overrides = make([]Override, 0, 4) // rarely more: one growth at most
	}
	r.res.Overrides = append(r.res.Overrides, Override{Rule: rule.ID, Field: field, Requested: requested, Applied: applied,
		MessageZH: rule.MessageZH, MessageEN: rule.messageEN()})
}

// messageEN is the rule's English message, or its Chinese one when it has
// none (only the Chinese message is required).
func (r *Rule) messageEN() string {
	if r.MessageEN != "" {
		return r.MessageEN
	}
	return r.MessageZH
}

// applyTerm applies one term-changing rule whose condition holds.
func (r *quote) applyTerm(rule *Rule) {
	t := r.res.Terms
	a := &rule.Then
	switch a.Kind {
	case ActLimitCap:
		if t.AggregateLimit > a.Amount {
			r.override(rule, "limit", FormatYuan(t.AggregateLimit), FormatYuan(a.Amount))
			t.AggregateLimit = a.Amount
		}
		return
	case ActRetentionFloor:
		if t.Retention < a.Amount {
			r.override(rule, "retention", FormatYuan(t.Retention), FormatYuan(a.Amount))
			t.Retention = a.Amount
		}
		return
	}
	i := 0
	for i < len(t.Coverages) && t.Coverages[i].Code != a.Coverage {
		i++
	}
	if i == len(t.Coverages) {
		return // not in the product, or already removed
	}
	c := &t.Coverages[i]
	f := func(field string) string { return "coverages." + c.Code + field } // only for an override
	switch a.Kind {
	case ActWaitingPeriod:
		// A waiting period without a mode is a time deductible, the usual form.
		mode := a.WaitingMode
		if mode == "" {
			mode = c.WaitingMode
		}
		if mode == "" && a.Hours > 0 {
			mode = cover.WaitTimeDeductible
		}
		if c.WaitingHours != a.Hours {
			r.override(rule, f(".waiting_hours"), strconv.Itoa(c.WaitingHours)+"h", strconv.Itoa(a.Hours)+"h")
			c.WaitingHours = a.Hours
		}
		if c.WaitingMode != mode {
			r.override(rule, f(".waiting_mode"), c.WaitingMode, mode)
			c.WaitingMode = mode
		}
	case ActSublimitCap:
		eff := c.Sublimit
		if eff == 0 {
			eff = t.AggregateLimit
		}
		if eff > a.Amount {
			r.override(rule, f(".sublimit"), FormatYuan(eff), FormatYuan(a.Amount))
			c.Sublimit = a.Amount
		}
	case ActDeductible:
		if c.Deductible < a.Amount {
			r.override(rule, f(".deductible"), FormatYuan(c.Deductible), FormatYuan(a.Amount))
			c.Deductible = a.Amount
		}
	case ActCoinsurance:
		if c.CoinsuranceBP < a.BP {
			r.override(rule, f(".coinsurance_bp"), fmtPct(c.CoinsuranceBP), fmtPct(a.BP))
			c.CoinsuranceBP = a.BP
		}
	case ActRemoveCoverage:
		r.override(rule, f(""), "included", "removed")
		t.Coverages = slices.Delete(t.Coverages, i, i+1)
	}
}

// base is step 1.
func (r *quote) base() {
	cfg, in := r.cfg, r.in
	class, by := cfg.DefaultClass, "default"
	if c, ok := cfg.IndustryClasses[r.div]; ok && r.div != "" {
		class, by = c, r.div
	} else if c, ok := cfg.IndustryClasses[r.sec]; ok && r.sec != "" {
		class, by = c, r.sec
	}
	bands := cfg.RevenueBands
	band := len(bands) - 1
	for i, b := range bands {
		if in.Revenue <= b {
			band = i
			break
		}
	}
	ind := in.Industry
	if r.div != "" {
		ind = r.div + " (" + r.sec + ")"
	} else if ind == "" {
		ind = "—"
	}
	b := make([]byte, 0, 128)
	b = append(b, ind...)
	b = append(b, " → class "...)
	b = strconv.AppendInt(b, int64(class), 10)
	b = append(b, " ("...)
	b = append(b, by...)
	b = append(b, "); "...)
	b = appendYuan(b, in.Revenue)
	b = append(b, " → band "...)
	b = strconv.AppendInt(b, int64(band+1), 10)
	b = append(b, ": "...)
	switch {
	case len(bands) == 1:
		b = append(b, "all"...)
	case band == 0:
		b = append(b, "≤ "...)
		b = appendYuan(b, bands[0])
	case band == len(bands)-1:
		b = append(b, "> "...)
		b = appendYuan(b, bands[band-1])
	default:
		b = append(b, '(')
		b = appendYuan(b, bands[band-1])
		b = append(b, ", "...)
		b = appendYuan(b, bands[band])
		b = append(b, ']')
	}
	r.step("base", "基准保费", "Base premium", string(b), 0, cfg.BaseRates[class-1][band])
}

// curve is the factor of a piecewise-linear curve at x, rounded half up to
// a basis point; flat beyond the end points.
func curve(pts []Point, x int64) int {
	if x <= pts[0].Amount {
		return pts[0].Factor
	}
	for i := 1; i < len(pts); i++ {
		if x <= pts[i].Amount {
			a0, a1 := pts[i-1].Amount, pts[i].Amount
			f0, f1 := int64(pts[i-1].Factor), int64(pts[i].Factor)
			return int(roundDiv(f0*(a1-x)+f1*(x-a0), a1-a0))
		}
	}
	return pts[len(pts)-1].Factor
}

// relative is the factor of x against the reference amount on a curve.
func relative(pts []Point, x, ref int64) (factor, fx, fref int) {
	fx, fref = curve(pts, x), curve(pts, ref)
	return int(roundDiv(int64(fx)*10000, int64(fref))), fx, fref
}

func curveInput(x int64, fx int, ref int64, fref int) string {
	b := make([]byte, 0, 64)
	b = appendYuan(b, x)
	b = append(b, ": "...)
	b = appendFactor(b, fx)
	b = append(b, " ÷ "...)
	b = appendFactor(b, fref)
	b = append(b, " ("...)
	b = appendYuan(b, ref)
	b = append(b, ')')
	return string(b)
}

// curves is step 3.
func (r *quote) curves() {
	t, cfg := r.res.Terms, r.cfg
	f, fx, fr := relative(cfg.LimitFactors, t.AggregateLimit, cfg.ReferenceLimit)
	r.step("limit", "累计赔偿限额系数", "Limit factor", curveInput(t.AggregateLimit, fx, cfg.ReferenceLimit, fr), f, mulBP(r.p, f))
	f, fx, fr = relative(cfg.RetentionFactors, t.Retention, cfg.ReferenceRetention)
	r.step("retention", "免赔额系数", "Retention factor", curveInput(t.Retention, fx, cfg.ReferenceRetention, fr), f, mulBP(r.p, f))
}

// gradeStep is step 4.
func (r *quote) gradeStep() {
	f, input := r.cfg.UngradedFactor, "ungraded"
	if g, ok := r.cfg.GradeFactors[r.grade]; ok && r.grade != "" {
		f, input = g, r.grade
	} else if r.grade != "" {
		input = r.grade + " (ungraded factor)"
	}
	r.step("grade", "安保评分等级系数", "Anbao grade factor", input, f, mulBP(r.p, f))
}

// controls is step 5.
func (r *quote) controls() {
	cfg := r.cfg
	p0 := r.p
	var buf [16]int
	fs := buf[:0]
	for _, cf := range cfg.ControlFactors {
		f, input := cf.Absent, "absent"
		if slices.Contains(r.in.Controls, cf.Control) {
			f, input = cf.Present, "present"
		}
		fs = append(fs, f)
		id, zh, en := controlLabel(cf.Control)
		r.step(id, zh, en, input, f, mulBP(r.p, f))
	}
	approx, cmpFloor := cmpProduct(fs, cfg.ControlFloor)
	bound, which := 0, ""
	if cmpFloor < 0 {
		bound, which = cfg.ControlFloor, "floor"
	} else if _, cmpCap := cmpProduct(fs, cfg.ControlCap); cmpCap > 0 {
		bound, which = cfg.ControlCap, "cap"
	}
	if bound == 0 {
		return
	}
	b := make([]byte, 0, 64)
	b = appendYuan(b, p0)
	b = append(b, " × "...)
	b = appendFactor(b, bound)
	b = append(b, " ("...)
	b = append(b, which...)
	b = append(b, "; Π controls ≈ "...)
	b = strconv.AppendFloat(b, approx, 'f', 4, 64)
	b = append(b, ')')
	r.step("controls_bound", "控制措施系数上下限", "Control factors bounded", string(b), 0, mulBP(p0, bound))
}

// cmpProduct compares the exact product of factors (bp each) with bound
// (bp): the sign of Π(f/10000) − bound/10000, and the product as a float
// for display. The float product of n factors in [0.1, 10] is within n×2⁻⁵²
// of the exact value, so it decides unless it is within 1e-9 of the bound
// (or out of float range); then the exact integers Π f × 10000 and
// bound × 10000ⁿ are compared with math/big.
func cmpProduct(fs []int, bound int) (float64, int) {
	x := 1.0
	for _, f := range fs {
		x *= float64(f) / 10000
	}
	b := float64(bound) / 10000
	if x > 1e-300 && x < 1e300 {
		switch {
		case x < b*(1-1e-9):
			return x, -1
		case x > b*(1+1e-9):
			return x, 1
		}
	}
	var p, q, t big.Int
	p.SetInt64(10000)
	for _, f := range fs {
		p.Mul(&p, t.SetInt64(int64(f)))
	}
	q.SetInt64(int64(bound))
	t.SetInt64(10000)
	for range fs {
		q.Mul(&q, &t)
	}
	return x, p.Cmp(&q)
}

// lossHistory is step 6.
func (r *quote) lossHistory() {
	fs := r.cfg.LossHistoryFactors
	n := min(max(r.in.Claims, 0), len(fs)-1)
	f := fs[n]
	input := ""
	if c := r.in.Claims; c >= 0 && c < len(claimsText) {
		input = claimsText[c]
	} else {
		input = "claims: " + strconv.Itoa(c)
	}
	r.step("loss_history", "损失记录系数", "Loss-history factor", input, f, mulBP(r.p, f))
}

// claimsText is the loss-history step's input for the usual claim counts,
// formatted once.
var claimsText = [...]string{"claims: 0", "claims: 1", "claims: 2", "claims: 3", "claims: 4", "claims: 5", "claims: 6", "claims: 7", "claims: 8", "claims: 9"}

// technical is step 7.
func (r *quote) technical() {
	el := r.cfg.ExpectedLoss
	if r.in.ExpectedLoss < 0 || el.Mode == ELNone {
		return
	}
	loss := min(r.in.ExpectedLoss, MaxPremium)
	t1 := min(roundDiv(loss*10000, int64(el.TargetLossRatio)), MaxPremium)
	t2 := min(mulBP(t1, 10000+el.ExpenseLoading), MaxPremium)
	t3 := min(mulBP(t2, 10000+el.ProfitLoading), MaxPremium)
	r.res.Technical = t3
	b := make([]byte, 0, 128)
	b = append(b, "EL "...)
	b = appendYuan(b, loss)
	b = append(b, " ÷ "...)
	b = appendPct(b, el.TargetLossRatio)
	b = append(b, " = "...)
	b = appendYuan(b, t1)
	b = append(b, "; × "...)
	b = appendPct(b, 10000+el.ExpenseLoading)
	b = append(b, " = "...)
	b = appendYuan(b, t2)
	b = append(b, "; × "...)
	b = appendPct(b, 10000+el.ProfitLoading)
	b = append(b, " = technical "...)
	b = appendYuan(b, t3)
	if el.Mode == ELFloor {
		r.step("technical", "技术保费下限", "Technical-premium floor", string(b), 0, max(r.p, t3))
		return
	}
	load := mulBP(t3, el.LoadingBP)
	b = append(b, "; × "...)
	b = appendPct(b, el.LoadingBP)
	b = append(b, " = "...)
	b = appendYuan(b, load)
	r.step("technical", "技术保费附加", "Technical-premium loading", string(b), 0, r.p+load)
}

// decide is step 10.
func (r *quote) decide() {
	cfg, in, res := r.cfg, r.in, r.res
	env := &cfg.Envelope
	var decline, refer []Reason
	for i := range cfg.Rules {
		rule := &cfg.Rules[i]
		k := rule.Then.Kind
		if (k == ActDecline || k == ActRefer) && r.holds(&rule.When) {
			reason := Reason{Code: "rule." + k, Rule: rule.ID, MessageZH: rule.MessageZH, MessageEN: rule.messageEN()}
			if k == ActDecline {
				decline = appendReason(decline, reason)
			} else {
				refer = appendReason(refer, reason)
			}
		}
	}
	if r.grade != "" && slices.Contains(env.DeclineGrades, r.grade) {
		decline = appendReason(decline, Reason{Code: "envelope.decline_grade",
			MessageZH: "安保评分等级 " + r.grade + " 不予承保",
			MessageEN: "Anbao grade " + r.grade + " is declined"})
	}
	if len(decline) > 0 {
		res.Decision, res.Reasons = Declined, decline
		return
	}
	add := func(code, zh, en string) {
		refer = appendReason(refer, Reason{Code: code, MessageZH: zh, MessageEN: en})
	}
	if env.MaxLimit > 0 && in.Limit > env.MaxLimit {
		l, m := FormatYuan(in.Limit), FormatYuan(env.MaxLimit)
		add("envelope.max_limit", "申请的累计赔偿限额 "+l+" 超过自动报价上限 "+m,
			"The requested limit "+l+" is above the automatic-quote maximum "+m)
	}
	if env.MaxRevenue > 0 && in.Revenue > env.MaxRevenue {
		v, m := FormatYuan(in.Revenue), FormatYuan(env.MaxRevenue)
		add("envelope.max_revenue", "年营业收入 "+v+" 超过自动报价上限 "+m,
			"Annual revenue "+v+" is above the automatic-quote maximum "+m)
	}
	if len(env.Grades) > 0 && !slices.Contains(env.Grades, r.grade) && !(r.grade == "" && env.RequireScore) {
		gs := strings.Join(env.Grades, ", ")
		zh, en := r.grade, r.grade
		if r.grade == "" {
			zh, en = "未评级", "ungraded"
		}
		add("envelope.grades", "安保评分等级 "+zh+" 不在自动报价等级（"+gs+"）内",
			"Anbao grade "+en+" is not among the automatic-quote grades ("+gs+")")
	}
	if env.RequireScore && r.grade == "" {
		add("envelope.require_score", "企业尚无安保评分，须人工核保",
			"The enterprise has no Anbao score: an underwriter must review it")
	}
	if env.ReferOnGates && len(in.Gates) > 0 {
		// A gate failed by several findings is listed once.
		var gates []string
		for _, id := range in.Gates {
			if !slices.Contains(gates, id) {
				gates = append(gates, id)
			}
		}
		g := strings.Join(gates, ", ")
		add("envelope.gates", "评估有未通过的关键项："+g, "Failed assessment gates: "+g)
	}
	if env.MaxClaims != nil && in.Claims > *env.MaxClaims {
		n, m := strconv.Itoa(in.Claims), strconv.Itoa(*env.MaxClaims)
		add("envelope.max_claims", "近五年出险 "+n+" 次，超过自动报价上限 "+m+" 次",
			n+" claims in five years, above the automatic-quote maximum of "+m)
	}
	if env.MaxPremium > 0 && res.Premium > env.MaxPremium {
		v, m := FormatYuan(res.Premium), FormatYuan(env.MaxPremium)
		add("envelope.max_premium", "保费 "+v+" 超过自动报价上限 "+m,
			"The premium "+v+" is above the automatic-quote maximum "+m)
	}
	if el := min(in.ExpectedLoss, MaxPremium); env.MaxELShare > 0 && el >= 0 && el*10000 > int64(env.MaxELShare)*in.Limit {
		v, l := FormatYuan(el), FormatYuan(in.Limit)
		share := fmtPct(int(roundDiv(el*10000, in.Limit)))
		m := fmtPct(env.MaxELShare)
		add("envelope.max_el_share", "预期损失 "+v+" 为累计赔偿限额 "+l+" 的 "+share+"，超过上限 "+m,
			"The expected loss "+v+" is "+share+" of the limit "+l+", above the maximum "+m)
	}
	if c, ok := industryIn(env.ReferIndustries, r.div, r.sec); ok {
		add("envelope.industry", "行业 "+c+" 须人工核保", "Industry "+c+" is always referred to an underwriter")
	}
	if t := res.Terms; t.Retention >= t.AggregateLimit {
		v, l := FormatYuan(t.Retention), FormatYuan(t.AggregateLimit)
		add("terms.retention_at_limit", "规则调整后的免赔额 "+v+" 不低于累计赔偿限额 "+l,
			"After the rules the retention "+v+" is not below the limit "+l)
	}
	if len(refer) > 0 {
		res.Decision, res.Reasons = Referred, refer
		return
	}
	res.Decision = Quoted
}

// appendReason appends to a list made with room for a few reasons, so that
// one referral grows it once at most.
func appendReason(list []Reason, r Reason) []Reason {
	if list == nil {
		list = make([]Reason, 0, 4)
	}
	return append(list, r)
}

// controlSteps holds the step id and labels of the controls of
// quant.Controls, built once rather than per quote.
var controlSteps = func() map[string][3]string {
	m := map[string][3]string{}
	for _, c := range [][3]string{
		{"mfa", "多因素认证", "multi-factor authentication"},
		{"edr", "终端检测与响应", "endpoint detection and response"},
		{"offline_backups", "离线备份", "offline backups"},
		{"patching", "补丁管理", "patch management"},
		{"email_security", "邮件安全", "email security"},
		{"funds_transfer_controls", "资金转账控制", "funds-transfer controls"},
		{"training", "安全意识培训", "security awareness training"},
		{"ddos_protection", "DDoS 防护", "DDoS protection"},
		{"business_continuity", "业务连续性", "business continuity"},
		{"vendor_management", "供应商管理", "vendor management"},
		{"incident_response_plan", "应急响应预案", "incident response plan"},
	} {
		m[c[0]] = controlStep(c[0], c[1], c[2])
	}
	return m
}()

func controlStep(id, zh, en string) [3]string {
	return [3]string{"control:" + id, "安全控制：" + zh, "Control: " + en}
}

// controlLabel is the step id and labels of a control.
func controlLabel(id string) (step, zh, en string) {
	s, ok := controlSteps[id]
	if !ok {
		s = controlStep(id, id, id)
	}
	return s[0], s[1], s[2]
}

// FormatYuan formats an amount in 分 as yuan with thousands separators:
// 123456789 → "¥1,234,567.89", -150 → "-¥1.50".
func FormatYuan(fen int64) string {
	var buf [32]byte
	return string(appendYuan(buf[:0], fen))
}

func appendYuan(b []byte, fen int64) []byte {
	u := uint64(fen)
	if fen < 0 {
		b = append(b, '-')
		u = -u
	}
	b = append(b, "¥"...)
	yuan := u / 100
	var d [32]byte
	i := len(d)
	for n := 0; ; n++ {
		if n > 0 && n%3 == 0 {
			i--
			d[i] = ','
		}
		i--
		d[i] = byte('0' + yuan%10)
		yuan /= 10
		if yuan == 0 {
			break
		}
	}
	b = append(b, d[i:]...)
	f := u % 100
	return append(b, '.', byte('0'+f/10), byte('0'+f%10))
}

// appendFixed appends v/10^4 with four (factor) or v/100 with two
// (percentage) decimals.
func appendFixed(b []byte, v int, scale, digits int) []byte {
	if v < 0 {
		b = append(b, '-')
		v = -v
	}
	b = strconv.AppendInt(b, int64(v/scale), 10)
	b = append(b, '.')
	frac := v % scale
	for s := scale / 10; s > 0 && digits > 0; s, digits = s/10, digits-1 {
		b = append(b, byte('0'+frac/s%10))
	}
	return b
}

// appendFactor appends a bp factor as a multiplier: 12500 → "1.2500".
func appendFactor(b []byte, bp int) []byte { return appendFixed(b, bp, 10000, 4) }

// appendPct appends bp as a percentage: 6000 → "60.00%".
func appendPct(b []byte, bp int) []byte { return append(appendFixed(b, bp, 100, 2), '%') }

func fmtFactor(bp int) string { return string(appendFactor(nil, bp)) }
func fmtPct(bp int) string    { return string(appendPct(nil, bp)) }
