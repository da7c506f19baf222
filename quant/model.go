// Package quant is Anbao's cyber-risk quantification engine: FAIR-style Monte
// Carlo simulation of annual losses for one scenario or a portfolio of them,
// with exact statistics (mean with its standard error, quantiles, VaR, TVaR,
// the loss exceedance curve and per-scenario contributions).
//
// It is pure: no I/O, no globals that change, no imports from the rest of
// Anbao. The same model, seed and trial count give the same numbers whatever
// the number of workers.
package quant

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
)

// EngineVersion is carried by every result so a number can be reproduced
// with the engine that made it.
const EngineVersion = "anbao-quant/1.0.0"

// Semantics says how a scenario turns frequency and magnitude into an annual loss.
const (
	// Compound: the number of loss events in a year is Poisson with the
	// sampled rate, each event draws its own magnitude, and the year's loss is
	// their sum (riskquant's semantics; the default, and the only one whose
	// tail figures mean what an insurer means by them).
	Compound = "compound"
	// Product: annual loss = LEF × LM with one draw of each (pyfair's
	// "FAIR classic" semantics), kept for comparison with pyfair.
	Product = "product"
)

// Dist is a distribution as written in a model. Which fields apply depends
// on Kind; absent parameters are nil so that 0 can be told from "not given".
type Dist struct {
	Kind    string   `json:"dist"`
	Value   *float64 `json:"value,omitempty"`   // constant
	Low     *float64 `json:"low,omitempty"`     // pert, triangular, uniform, lognormal (5th percentile), beta (scale)
	Mode    *float64 `json:"mode,omitempty"`    // pert, triangular
	High    *float64 `json:"high,omitempty"`    // pert, triangular, uniform, lognormal (95th percentile), beta (scale)
	Shape   *float64 `json:"shape,omitempty"`   // pert λ (default 4)
	Variant string   `json:"variant,omitempty"` // pert: "modified" (default) or "pyfair"
	Mean    *float64 `json:"mean,omitempty"`    // lognormal, normal, poisson
	SD      *float64 `json:"sd,omitempty"`      // lognormal, normal
	Mu      *float64 `json:"mu,omitempty"`      // lognormal
	Sigma   *float64 `json:"sigma,omitempty"`   // lognormal
	Alpha   *float64 `json:"alpha,omitempty"`   // beta
	Beta    *float64 `json:"beta,omitempty"`    // beta
	// Truncate, for a normal, redraws values below 0 (a normal truncated at 0).
	Truncate bool `json:"truncate,omitempty"`
}

// Distribution kinds.
const (
	KindPERT       = "pert"
	KindLognormal  = "lognormal"
	KindPoisson    = "poisson"
	KindTriangular = "triangular"
	KindUniform    = "uniform"
	KindNormal     = "normal"
	KindBeta       = "beta"
	KindConstant   = "constant"
)

// Kinds lists the distribution kinds a model may use.
var Kinds = []string{KindPERT, KindLognormal, KindPoisson, KindTriangular, KindUniform, KindNormal, KindBeta, KindConstant}

// Scenario is one loss scenario. The frequency side is the loss event
// frequency (FAIR's LEF) given directly, or as TEF × vulnerability, with TEF
// given directly or as contact frequency × probability of action, and
// vulnerability given directly or as P(threat capability > resistance
// strength). The magnitude side is the loss per event (FAIR's LM) given
// directly, or as primary loss + secondary loss event frequency × secondary
// loss magnitude.
type Scenario struct {
	ID        string `json:"id"`
	Name      string `json:"name,omitempty"`
	Semantics string `json:"semantics,omitempty"` // compound (default) or product

	Frequency           *Dist `json:"frequency,omitempty"` // LEF, events per year
	TEF                 *Dist `json:"tef,omitempty"`
	ContactFrequency    *Dist `json:"contact_frequency,omitempty"`
	ProbabilityOfAction *Dist `json:"probability_of_action,omitempty"`
	Vulnerability       *Dist `json:"vulnerability,omitempty"`
	ThreatCapability    *Dist `json:"threat_capability,omitempty"`
	ResistanceStrength  *Dist `json:"resistance_strength,omitempty"`

	Magnitude          *Dist `json:"magnitude,omitempty"` // LM, loss per event
	PrimaryLoss        *Dist `json:"primary_loss,omitempty"`
	SecondaryFrequency *Dist `json:"secondary_frequency,omitempty"`
	SecondaryMagnitude *Dist `json:"secondary_magnitude,omitempty"`
}

// Correlation is a rank correlation between the frequencies of two scenarios,
// applied through a Gaussian copula on the uniforms that drive their
// frequency draws.
type Correlation struct {
	A   string  `json:"a"`
	B   string  `json:"b"`
	Rho float64 `json:"rho"`
}

// Model is a portfolio of scenarios whose annual losses are summed per trial.
type Model struct {
	Name        string        `json:"name,omitempty"`
	Currency    string        `json:"currency,omitempty"` // ISO 4217, default CNY
	Semantics   string        `json:"semantics,omitempty"`
	Scenarios   []Scenario    `json:"scenarios"`
	Correlation []Correlation `json:"correlation,omitempty"`
}

// Limits on what one model may ask for.
const (
	MaxScenarios = 64
	MaxTrials    = 50_000_000
	MaxIDLen     = 64
)

// FieldError is a validation failure at one place in a model. Path is the
// JSON path of the offending value (e.g. "scenarios[2].magnitude.high"),
// Code a stable machine code and Args its parameters; Error() is English.
type FieldError struct {
	Path string
	Code string
	Args []any
	msg  string
}

func (e *FieldError) Error() string {
	if e.Path == "" {
		return e.msg
	}
	return e.Path + ": " + e.msg
}

// Message is the English text without the path.
func (e *FieldError) Message() string { return e.msg }

func ferr(path, code, format string, args ...any) *FieldError {
	return &FieldError{Path: path, Code: code, Args: args, msg: fmt.Sprintf(format, args...)}
}

// Validation codes (stable; the UI translates them).
const (
	CodeRequired     = "required"     // a parameter is missing: Args[0] = name
	CodeUnknownKind  = "unknown_kind" // Args[0] = kind
	CodeNotFinite    = "not_finite"   // Args[0] = name
	CodeOrder        = "order"        // low ≤ mode ≤ high or low < high violated: Args = names
	CodePositive     = "positive"     // must be > 0: Args[0] = name
	CodeNonNegative  = "non_negative" // must be ≥ 0: Args[0] = name
	CodeProbability  = "probability"  // must lie in [0, 1]: Args[0] = name
	CodeConflict     = "conflict"     // two ways of giving the same node: Args = the two names
	CodeUnused       = "unused"       // a parameter that does not apply to the kind: Args = name, kind
	CodeVariant      = "variant"      // unknown PERT variant: Args[0]
	CodeSemantics    = "semantics"    // unknown semantics: Args[0]
	CodeNoScenarios  = "no_scenarios" // a model needs at least one scenario
	CodeTooMany      = "too_many"     // Args = limit
	CodeDuplicateID  = "duplicate_id" // Args[0] = id
	CodeBadID        = "bad_id"       // Args[0] = id
	CodeUnknownID    = "unknown_id"   // correlation names a scenario that does not exist
	CodeRho          = "rho"          // correlation outside (-1, 1)
	CodeNotPosDef    = "not_positive_definite"
	CodeFrequencyDom = "frequency_domain" // a frequency that can be negative
	CodeMagnitudeDom = "magnitude_domain" // a magnitude that can be negative
	CodeTooLarge     = "too_large"        // a parameter beyond what the engine supports: Args = name, limit
)

// Warning is advice about a model that is valid but probably not what its
// author meant (e.g. a lognormal from a very wide 90% interval).
type Warning struct {
	Path string `json:"path"`
	Code string `json:"code"`
	Args []any  `json:"args,omitempty"`
	Text string `json:"text"`
}

// Warning codes.
const (
	WarnWideLognormal = "wide_lognormal" // high/low > 100: the mean is dominated by the tail (riskquant #11)
	WarnProductTail   = "product_tail"   // product semantics: VaR/TVaR reflect parameter uncertainty only
)

func fmtPath(base, field string) string {
	if base == "" {
		return field
	}
	return base + "." + field
}

func idxPath(base string, i int) string { return base + "[" + strconv.Itoa(i) + "]" }

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// P returns a pointer to x, for writing Dist literals.
func P(x float64) *float64 { return &x }

// ValidationError lists every problem found in a model.
type ValidationError []*FieldError

func (v ValidationError) Error() string {
	if len(v) == 1 {
		return v[0].Error()
	}
	s := strconv.Itoa(len(v)) + " problems: " + v[0].Error()
	for _, e := range v[1:] {
		s += "; " + e.Error()
	}
	return s
}

// UnmarshalJSON accepts a plain number as a constant distribution.
func (d *Dist) UnmarshalJSON(b []byte) error {
	if t := bytes.TrimSpace(b); len(t) > 0 && (t[0] == '-' || (t[0] >= '0' && t[0] <= '9')) {
		var v float64
		if err := json.Unmarshal(t, &v); err != nil {
			return err
		}
		*d = Dist{Kind: KindConstant, Value: &v}
		return nil
	}
	type plain Dist
	return json.Unmarshal(b, (*plain)(d))
}
