// Package rating is Anbao's explainable premium engine. Given a product
// version's definition and rating configuration, an enterprise's facts
// (industry, revenue, Anbao score grade, controls, loss history, expected loss
// from the quantification engine) and a requested option (aggregate limit and
// retention), Rate returns a decision (quoted, referred, declined), the
// premium in 分 and its trail: every step with its input, its factor and its
// effect, so that the sum of the effects is the premium to the 分.
//
// It is pure: no I/O and no project imports but package cover. Factors are
// basis points (10000 = ×1.0000) and every multiplication rounds half up to
// the 分 once, at its own step, so a reader can redo the sum by hand.
package rating

import "github.com/anbao/anbao/cover"

// ConfigVersion names the shape of Config; stored with each product version.
const ConfigVersion = "rating/2026.1"

// Config is the insurer's rating data for one product version. It is data,
// not code: insurers edit it in the product designer and regulators read it.
type Config struct {
	// RevenueBands are the upper bounds (inclusive, 分) of the revenue bands,
	// ascending; a revenue above the last bound falls in the last band.
	RevenueBands []int64 `json:"revenue_bands"`
	// IndustryClasses maps a GB/T 4754 section letter (A–T) or two-digit
	// division ("65") to a hazard class 1..len(BaseRates); a division wins
	// over its section; DefaultClass covers the rest.
	IndustryClasses map[string]int `json:"industry_classes"`
	DefaultClass    int            `json:"default_class"`
	// BaseRates[class-1][band] is the base premium (分) at the reference
	// limit and retention.
	BaseRates [][]int64 `json:"base_rates"`
	// ReferenceLimit and ReferenceRetention are the option the base rates price.
	ReferenceLimit     int64 `json:"reference_limit"`
	ReferenceRetention int64 `json:"reference_retention"`
	// LimitFactors (increased-limit factors) and RetentionFactors are points
	// of a piecewise-linear curve, ascending by amount; between points the
	// factor is interpolated linearly (rounded half up to a basis point),
	// outside them the end point's factor holds.
	LimitFactors     []Point `json:"limit_factors"`
	RetentionFactors []Point `json:"retention_factors"`
	// GradeFactors maps an Anbao score grade (A–E) to a factor; an ungraded
	// enterprise takes UngradedFactor.
	GradeFactors   map[string]int `json:"grade_factors"`
	UngradedFactor int            `json:"ungraded_factor"`
	// ControlFactors are per control (quant.Controls ids: mfa, edr,
	// offline_backups, …) the factor when present and when absent; their
	// product is bounded by ControlFloor and ControlCap.
	ControlFactors []ControlFactor `json:"control_factors"`
	ControlFloor   int             `json:"control_floor"`
	ControlCap     int             `json:"control_cap"`
	// LossHistoryFactors[n] is the factor for n claims in the last five
	// years; n beyond the table takes the last entry.
	LossHistoryFactors []int `json:"loss_history_factors"`
	// ExpectedLoss chooses how the quantified expected loss enters.
	ExpectedLoss ExpectedLossRule `json:"expected_loss"`
	// MinimumPremium (分) is the least premium of any quote.
	MinimumPremium int64 `json:"minimum_premium"`
	// Rules are the insurer's overrides, applied in order after pricing.
	Rules []Rule `json:"rules"`
	// Envelope is the authority to auto-quote; outside it a quote is referred.
	Envelope Envelope `json:"envelope"`
}

// Point is one point of a factor curve.
type Point struct {
	Amount int64 `json:"amount"` // 分
	Factor int   `json:"factor"` // bp
}

// ControlFactor prices one control.
type ControlFactor struct {
	Control string `json:"control"`
	Present int    `json:"present"` // bp, e.g. 9000 for a 10% credit
	Absent  int    `json:"absent"`  // bp, e.g. 11500 for a 15% debit
}

// Expected-loss modes.
const (
	ELNone    = "none"    // the quantified loss is shown, not used
	ELFloor   = "floor"   // the premium is at least the technical premium
	ELLoading = "loading" // LoadingBP of the technical premium is added
)

// ExpectedLossRule turns the expected insured loss into a technical premium:
// EL × 10000 / TargetLossRatio, then × (1 + Expense), then × (1 + Profit).
type ExpectedLossRule struct {
	Mode            string `json:"mode"`
	TargetLossRatio int    `json:"target_loss_ratio"` // bp, e.g. 6000
	ExpenseLoading  int    `json:"expense_loading"`   // bp, e.g. 2500
	ProfitLoading   int    `json:"profit_loading"`    // bp, e.g. 500
	LoadingBP       int    `json:"loading_bp"`        // ELLoading only: share of the technical premium added
}

// Rule is one override: when every condition given holds, its action applies.
type Rule struct {
	ID   string `json:"id"`
	When When   `json:"when"`
	Then Action `json:"then"`
	// MessageZH and MessageEN explain the override to the insured and the
	// underwriter, e.g. "制造业营业中断等待期为 12 小时".
	MessageZH string `json:"message_zh"`
	MessageEN string `json:"message_en"`
}

// When is a rule's condition; empty fields hold always.
type When struct {
	Industries     []string `json:"industries,omitempty"`      // section letters or divisions
	RevenueMin     int64    `json:"revenue_min,omitempty"`     // 分, inclusive
	RevenueMax     int64    `json:"revenue_max,omitempty"`     // 分, inclusive; 0 = no bound
	LimitMin       int64    `json:"limit_min,omitempty"`       // the requested limit, inclusive
	Grades         []string `json:"grades,omitempty"`          // the grade is one of these ("" = ungraded)
	MissingAny     []string `json:"missing_any,omitempty"`     // some of these controls are absent
	ClaimsMin      int      `json:"claims_min,omitempty"`      // at least this many claims in five years
	HasReferral    bool     `json:"has_referral,omitempty"`    // the assessment raised a referral
	CII            *bool    `json:"cii,omitempty"`             // the enterprise is (not) a CII operator
	ProductService bool     `json:"product_service,omitempty"` // the product is product-service type
}

// Action kinds.
const (
	ActWaitingPeriod  = "waiting_period"  // Coverage's waiting hours := Hours (and mode, if given)
	ActRetentionFloor = "retention_floor" // retention := max(retention, Amount)
	ActLimitCap       = "limit_cap"       // aggregate limit := min(limit, Amount)
	ActSublimitCap    = "sublimit_cap"    // Coverage's sublimit := min(sublimit or limit, Amount)
	ActDeductible     = "deductible"      // Coverage's deductible := max(deductible, Amount)
	ActCoinsurance    = "coinsurance"     // Coverage's coinsurance := max(coinsurance, BP)
	ActRemoveCoverage = "remove_coverage" // Coverage is removed from the terms
	ActSurcharge      = "surcharge"       // premium × BP (after the minimum premium)
	ActRefer          = "refer"           // refer to an underwriter
	ActDecline        = "decline"         // decline
)

// Action is what a rule does.
type Action struct {
	Kind        string `json:"kind"`
	Coverage    string `json:"coverage,omitempty"`
	Amount      int64  `json:"amount,omitempty"`
	Hours       int    `json:"hours,omitempty"`
	WaitingMode string `json:"waiting_mode,omitempty"`
	BP          int    `json:"bp,omitempty"`
}

// Envelope bounds automatic quoting. Zero fields do not bound.
type Envelope struct {
	MaxLimit        int64    `json:"max_limit,omitempty"`        // 分
	MaxRevenue      int64    `json:"max_revenue,omitempty"`      // 分
	Grades          []string `json:"grades,omitempty"`           // grades that may auto-quote; ungraded never may when set
	MaxClaims       *int     `json:"max_claims,omitempty"`       // most claims in five years
	DeclineGrades   []string `json:"decline_grades,omitempty"`   // grades declined outright
	ReferOnGates    bool     `json:"refer_on_gates,omitempty"`   // a failed assessment gate refers
	RequireScore    bool     `json:"require_score,omitempty"`    // an ungraded enterprise is referred
	MaxPremium      int64    `json:"max_premium,omitempty"`      // a premium above this is referred
	MaxELShare      int      `json:"max_el_share,omitempty"`     // bp: expected loss above this share of the limit refers
	ReferIndustries []string `json:"refer_industries,omitempty"` // sections or divisions always referred
}

// Input is what Rate needs to know of the enterprise and the request.
type Input struct {
	Industry  string `json:"industry"` // GB/T 4754 two-digit division, e.g. "65"
	Revenue   int64  `json:"revenue"`  // 分 per year
	Employees int    `json:"employees"`
	CII       bool   `json:"cii"`
	// Grade is the current Anbao score grade (A–E), "" when not scored.
	Grade string  `json:"grade"`
	Score float64 `json:"score"`
	// Gates are the ids of failed assessment gates; Referrals the ids of the
	// assessment's referral triggers.
	Gates     []string `json:"gates,omitempty"`
	Referrals []string `json:"referrals,omitempty"`
	// Controls are the ids of the controls in place.
	Controls []string `json:"controls"`
	// Claims is the number of cyber claims in the last five years.
	Claims int `json:"claims"`
	// MLPSLevel is the highest MLPS (等保) level the enterprise has filed, 0
	// for none. Not priced: kept so a later loss of level shows as a risk increase.
	MLPSLevel int `json:"mlps_level,omitempty"`
	// ExpectedLoss is the expected annual insured loss (分) of this option
	// from the quantification engine, -1 when not known.
	ExpectedLoss int64 `json:"expected_loss"`
	// The requested option.
	Limit     int64 `json:"limit"`
	Retention int64 `json:"retention"`
}

// Decisions.
const (
	Quoted   = "quoted"
	Referred = "referred"
	Declined = "declined"
)

// Result is the outcome of rating one option.
type Result struct {
	Decision string `json:"decision"`
	// Reasons explain a referral or a decline (empty when quoted).
	Reasons []Reason `json:"reasons"`
	// Premium is the annual premium in 分; Trail explains it step by step.
	Premium int64  `json:"premium"`
	Trail   []Step `json:"trail"`
	// Overrides lists every term the rules changed from what was asked.
	Overrides []Override `json:"overrides"`
	// Terms are the terms after the rules (limit, retention, coverages).
	Terms *cover.Terms `json:"terms"`
	// Technical is the technical premium from the expected loss (-1 when none).
	Technical int64 `json:"technical"`
}

// Reason is why a quote was referred or declined.
type Reason struct {
	Code      string `json:"code"`
	Rule      string `json:"rule,omitempty"`
	MessageZH string `json:"message_zh"`
	MessageEN string `json:"message_en"`
}

// Step is one line of the rating trail. Before + Effect = After, and the
// first step's Before is 0, so the Effects sum to the premium.
type Step struct {
	ID      string `json:"id"` // base, limit, retention, grade, control:mfa, controls_bound, loss_history, technical, minimum, rule:<id>
	LabelZH string `json:"label_zh"`
	LabelEN string `json:"label_en"`
	Input   string `json:"input"`            // what the step looked at, e.g. "C 类 / ¥5,000,000–¥20,000,000"
	Factor  int    `json:"factor,omitempty"` // bp when the step multiplies
	Before  int64  `json:"before"`
	After   int64  `json:"after"`
	Effect  int64  `json:"effect"`
}

// Override is a term changed by a rule.
type Override struct {
	Rule      string `json:"rule"`
	Field     string `json:"field"` // limit, retention, coverages.<code>.waiting_hours, …
	Requested string `json:"requested"`
	Applied   string `json:"applied"`
	MessageZH string `json:"message_zh"`
	MessageEN string `json:"message_en"`
}
