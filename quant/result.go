package quant

// Options control one simulation run.
type Options struct {
	Trials  int    // number of simulated years (default 100,000)
	Seed    uint64 // the same seed, trials and model give the same numbers
	Workers int    // goroutines; 0 means GOMAXPROCS. Never changes the numbers.

	// Quantiles to report, each in (0, 1). Default 0.5, 0.75, 0.9, 0.95, 0.99, 0.995, 0.999.
	Quantiles []float64
	// Levels at which VaR and TVaR are reported, each in (0, 1). Default 0.9, 0.95, 0.99, 0.995.
	Levels []float64
	// LECPoints is the number of points of the loss exceedance curve, placed
	// at log-spaced exceedance probabilities from P(loss > 0) down to
	// 10/trials; from 20 points on, four of them sit in the body of the curve
	// at P(loss > 0)·(1 − 4^−j), j = 1..4.
	// Default 40; 0 with LECThresholds set gives only the thresholds.
	LECPoints int
	// LECThresholds are losses at which P(annual loss > x) is reported.
	LECThresholds []float64
}

// DefaultTrials is the trial count when none is given.
const DefaultTrials = 100_000

// DefaultQuantiles and DefaultLevels are used when Options leave them empty.
var (
	DefaultQuantiles = []float64{0.5, 0.75, 0.9, 0.95, 0.99, 0.995, 0.999}
	DefaultLevels    = []float64{0.9, 0.95, 0.99, 0.995}
)

// Result is what one simulation run found. Every money figure is in the
// model's currency, per year.
type Result struct {
	Engine   string `json:"engine"`
	Seed     uint64 `json:"seed"`
	Trials   int    `json:"trials"`
	Model    string `json:"model,omitempty"`
	Currency string `json:"currency"`

	Mean   float64 `json:"mean"`    // annualised loss expectancy (ALE)
	MeanSE float64 `json:"mean_se"` // standard error of Mean: SD/√trials
	SD     float64 `json:"sd"`
	Min    float64 `json:"min"`
	Max    float64 `json:"max"`
	PLoss  float64 `json:"p_loss"` // P(annual loss > 0)

	Quantiles []Quantile  `json:"quantiles"`
	Risk      []RiskLevel `json:"risk"` // VaR and TVaR per level
	LEC       []LECPoint  `json:"lec"`  // loss exceedance curve, loss ascending

	Scenarios []ScenarioResult `json:"scenarios"`
	Warnings  []Warning        `json:"warnings,omitempty"`
}

// Quantile is an exact sample quantile (linear interpolation between order
// statistics, numpy's default) with a distribution-free 95% confidence
// interval from the order statistics around it.
type Quantile struct {
	P     float64 `json:"p"`
	Value float64 `json:"value"`
	Low   float64 `json:"ci_low"`
	High  float64 `json:"ci_high"`
}

// RiskLevel is VaR (the Level quantile) and TVaR (the mean of the worst
// ⌈trials·(1−Level)⌉ years) at one level.
type RiskLevel struct {
	Level float64 `json:"level"`
	VaR   float64 `json:"var"`
	TVaR  float64 `json:"tvar"`
}

// LECPoint is a point of the loss exceedance curve. For the N points it is
// the order statistic with k = ⌈trials·p⌉ years at or above it: the annual
// loss reached Loss in a share Prob = k/trials of the years (exactly, when no
// other year tied with it). For a threshold x it is the share of years whose
// loss exceeded x.
type LECPoint struct {
	Loss float64 `json:"loss"`
	Prob float64 `json:"prob"`
}

// ScenarioResult is one scenario's part of the portfolio.
type ScenarioResult struct {
	ID        string  `json:"id"`
	Name      string  `json:"name,omitempty"`
	Semantics string  `json:"semantics"`
	Mean      float64 `json:"mean"`
	MeanSE    float64 `json:"mean_se"`
	SD        float64 `json:"sd"`
	PLoss     float64 `json:"p_loss"`
	// Vulnerability is the scalar P(threat capability > resistance strength)
	// used by a product scenario whose vulnerability was derived (0 otherwise).
	Vulnerability float64 `json:"vulnerability,omitempty"`
	// MeanShare is this scenario's share of the portfolio mean.
	MeanShare float64 `json:"mean_share"`
	// TVaR holds, per level, the mean of this scenario's loss over the
	// portfolio's worst years: the shares sum to the portfolio TVaR.
	TVaR []Contribution `json:"tvar"`
}

// Contribution is a scenario's part of the portfolio TVaR at one level.
type Contribution struct {
	Level float64 `json:"level"`
	Value float64 `json:"value"`
	Share float64 `json:"share"`
}

// Comparison is a model before and after a change (a control, say), run on
// the same seed so that the difference is measured on common random numbers.
type Comparison struct {
	Before *Result `json:"before"`
	After  *Result `json:"after"`
	// ALEReduction is Before.Mean − After.Mean with the standard error of
	// that difference, computed from the paired per-trial differences.
	ALEReduction   float64 `json:"ale_reduction"`
	ALEReductionSE float64 `json:"ale_reduction_se"`
	ALEReductionPc float64 `json:"ale_reduction_pct"`
	// VaRReduction per level: Before VaR − After VaR.
	VaRReduction []LevelDelta `json:"var_reduction"`
}

// LevelDelta is a difference at one level.
type LevelDelta struct {
	Level  float64 `json:"level"`
	Before float64 `json:"before"`
	After  float64 `json:"after"`
	Delta  float64 `json:"delta"`
	Pc     float64 `json:"pct"`
}
