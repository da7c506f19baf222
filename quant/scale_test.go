package quant

import (
	"math"
	"testing"
)

// scaleTestMean is the analytic mean of a distribution as written, computed
// here from the textbook formulas so that the test does not lean on the
// engine's own samplers.
func scaleTestMean(t *testing.T, d Dist) float64 {
	t.Helper()
	const z95 = 1.6448536269514722 // standard normal 95th percentile
	switch d.Kind {
	case KindConstant:
		return *d.Value
	case KindUniform:
		return (*d.Low + *d.High) / 2
	case KindTriangular:
		return (*d.Low + *d.Mode + *d.High) / 3
	case KindPERT:
		// Modified PERT: (a + λm + b)/(λ + 2), λ = 4 by default. The pyfair
		// variant has the same mean, (a + 4m + b)/6.
		lam := 4.0
		if d.Shape != nil && d.Variant != "pyfair" {
			lam = *d.Shape
		}
		return (*d.Low + lam**d.Mode + *d.High) / (lam + 2)
	case KindLognormal:
		switch {
		case d.Mean != nil:
			return *d.Mean
		case d.Mu != nil:
			return math.Exp(*d.Mu + *d.Sigma**d.Sigma/2)
		default: // 90% interval: μ the mid-point of the logs, σ = ln(high/low)/(2·z95)
			mu := (math.Log(*d.Low) + math.Log(*d.High)) / 2
			s := (math.Log(*d.High) - math.Log(*d.Low)) / (2 * z95)
			return math.Exp(mu + s*s/2)
		}
	case KindNormal:
		if !d.Truncate {
			return *d.Mean
		}
		// Normal truncated at 0: μ + σ·φ(α)/(1 − Φ(α)), α = −μ/σ.
		mu, s := *d.Mean, *d.SD
		a := -mu / s
		phi := math.Exp(-a*a/2) / math.Sqrt(2*math.Pi)
		return mu + s*phi/(0.5*math.Erfc(a/math.Sqrt2))
	case KindPoisson:
		return *d.Mean
	case KindBeta:
		lo, hi := 0.0, 1.0
		if d.Low != nil {
			lo = *d.Low
		}
		if d.High != nil {
			hi = *d.High
		}
		return lo + (hi-lo)**d.Alpha/(*d.Alpha+*d.Beta)
	}
	t.Fatalf("no analytic mean for kind %q", d.Kind)
	return 0
}

func scaleTestDists() []Dist {
	return []Dist{
		{Kind: KindPERT, Low: P(1), Mode: P(2), High: P(6)},
		{Kind: KindPERT, Low: P(1), Mode: P(2), High: P(6), Shape: P(6)},
		{Kind: KindPERT, Low: P(0.1), Mode: P(0.5), High: P(2), Variant: "pyfair"},
		{Kind: KindTriangular, Low: P(0), Mode: P(1), High: P(4)},
		{Kind: KindUniform, Low: P(2), High: P(3)},
		{Kind: KindLognormal, Low: P(1e3), High: P(1e5)},
		{Kind: KindLognormal, Mean: P(10), SD: P(20)},
		{Kind: KindLognormal, Mu: P(3), Sigma: P(1.2)},
		{Kind: KindNormal, Mean: P(5), SD: P(1)},
		{Kind: KindNormal, Mean: P(0.5), SD: P(2), Truncate: true},
		{Kind: KindPoisson, Mean: P(0.3)},
		{Kind: KindBeta, Alpha: P(2), Beta: P(3)},
		{Kind: KindBeta, Alpha: P(2), Beta: P(3), Low: P(1), High: P(5)},
		{Kind: KindConstant, Value: P(7)},
	}
}

// For every kind, the scaled distribution's analytic mean is f times the
// original's, the scaled model is still valid, and its shape is unchanged.
func TestScaledMean(t *testing.T) {
	for _, f := range []float64{0.3, 1, 2.5, 1e3} {
		for _, d := range scaleTestDists() {
			s := d.Scaled(f)
			if s.Kind != d.Kind || s.Variant != d.Variant || s.Truncate != d.Truncate {
				t.Errorf("%s ×%v: kind, variant or truncation changed: %+v", d.Kind, f, s)
			}
			got, want := scaleTestMean(t, s), f*scaleTestMean(t, d)
			if math.Abs(got-want) > 1e-12*math.Abs(want) {
				t.Errorf("%s ×%v: mean %v, want %v", d.Kind, f, got, want)
			}
			// Shape parameters stay as they were.
			for _, p := range [][2]*float64{{d.Shape, s.Shape}, {d.Alpha, s.Alpha}, {d.Beta, s.Beta}, {d.Sigma, s.Sigma}} {
				if (p[0] == nil) != (p[1] == nil) || (p[0] != nil && *p[0] != *p[1]) {
					t.Errorf("%s ×%v: a shape parameter changed", d.Kind, f)
				}
			}
			// The scaled distribution is exactly as valid as the original (a
			// plain normal is not a valid magnitude either way).
			asMagnitude := func(x Dist) error {
				m := &Model{Scenarios: []Scenario{{ID: "s", Frequency: &Dist{Kind: KindConstant, Value: P(1)}, Magnitude: &x}}}
				return m.Validate()
			}
			if eo, es := asMagnitude(d), asMagnitude(s); (eo == nil) != (es == nil) {
				t.Errorf("%s ×%v: validity changed: original %v, scaled %v", d.Kind, f, eo, es)
			}
		}
	}
}

// The lognormal's spread and the beta's range behave as documented.
func TestScaledParameters(t *testing.T) {
	ln := Dist{Kind: KindLognormal, Mu: P(3), Sigma: P(1.2)}.Scaled(10)
	if math.Abs(*ln.Mu-(3+math.Log(10))) > 1e-15 || *ln.Sigma != 1.2 {
		t.Errorf("lognormal mu/sigma ×10: %v, %v", *ln.Mu, *ln.Sigma)
	}
	ci := Dist{Kind: KindLognormal, Low: P(1e3), High: P(1e5)}.Scaled(2)
	if *ci.Low != 2e3 || *ci.High != 2e5 {
		t.Errorf("lognormal 90%% interval ×2: [%v, %v]", *ci.Low, *ci.High)
	}
	b := Dist{Kind: KindBeta, Alpha: P(2), Beta: P(3)}.Scaled(4)
	if b.Low == nil || b.High == nil || *b.Low != 0 || *b.High != 4 {
		t.Errorf("beta on [0, 1] ×4: low %v, high %v", b.Low, b.High)
	}
	if n := (Dist{Kind: KindNormal, Mean: P(5), SD: P(2)}).Scaled(3); *n.Mean != 15 || *n.SD != 6 {
		t.Errorf("normal ×3: mean %v, sd %v", *n.Mean, *n.SD)
	}
	if p := (Dist{Kind: KindPoisson, Mean: P(0.25)}).Scaled(2); *p.Mean != 0.5 {
		t.Errorf("poisson ×2: mean %v", *p.Mean)
	}
}

// Scaled never aliases its input: writing through the result leaves the
// original as it was.
func TestScaledDoesNotAlias(t *testing.T) {
	for _, d := range scaleTestDists() {
		before := scaleTestMean(t, d)
		s := d.Scaled(2)
		for name, p := range map[string][2]*float64{
			"value": {d.Value, s.Value}, "low": {d.Low, s.Low}, "mode": {d.Mode, s.Mode}, "high": {d.High, s.High},
			"shape": {d.Shape, s.Shape}, "mean": {d.Mean, s.Mean}, "sd": {d.SD, s.SD}, "mu": {d.Mu, s.Mu},
			"sigma": {d.Sigma, s.Sigma}, "alpha": {d.Alpha, s.Alpha}, "beta": {d.Beta, s.Beta},
		} {
			if p[0] != nil && p[0] == p[1] {
				t.Errorf("%s: %s is shared with the input", d.Kind, name)
			}
			if p[1] != nil {
				*p[1] = 12345 // scribble on the copy
			}
		}
		if after := scaleTestMean(t, d); after != before {
			t.Errorf("%s: writing to the scaled copy changed the original (mean %v → %v)", d.Kind, before, after)
		}
	}
}

func TestScaledRejectsBadFactors(t *testing.T) {
	for _, f := range []float64{0, -1, math.NaN(), math.Inf(1), math.Inf(-1)} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Scaled(%v) did not panic", f)
				}
			}()
			Dist{Kind: KindConstant, Value: P(1)}.Scaled(f)
		}()
	}
}
