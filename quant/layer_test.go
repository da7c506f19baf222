package quant

import (
	"math"
	"testing"
)

// expResult is a result whose exceedance curve is P(L > x) = p·exp(−x/θ),
// sampled at 200 log-spaced probabilities as the engine places them.
func expResult(p, theta float64) *Result {
	r := &Result{Mean: p * theta, PLoss: p}
	for i := 0; i < 200; i++ {
		q := p * math.Pow(1e-5/p, float64(i)/199)
		r.LEC = append(r.LEC, LECPoint{Loss: -theta * math.Log(q/p), Prob: q})
	}
	return r
}

func TestLayerMeanExponential(t *testing.T) {
	p, theta := 0.2, 1e6
	r := expResult(p, theta)
	for _, c := range []struct{ d, u float64 }{{0, 1e6}, {1e4, 1e6}, {1e5, 5e6}, {2e6, 1e7}, {0, 1e9}, {5e6, 1e6}} {
		want := p * theta * (math.Exp(-c.d/theta) - math.Exp(-(c.d+c.u)/theta))
		got := r.LayerMean(c.d, c.u)
		if math.Abs(got-want) > 0.01*want+1 {
			t.Errorf("layer (%g, %g): %.2f, want %.2f (analytic)", c.d, c.u, got, want)
		}
	}
	if got := r.LayerMean(0, 1e12); math.Abs(got-r.Mean) > 1e-3*r.Mean { // trapezoids over a convex curve
		t.Errorf("whole curve %.2f, want the mean %.2f", got, r.Mean)
	}
	if r.LayerMean(0, 0) != 0 || r.LayerMean(-1, 10) != 0 {
		t.Error("an empty or negative layer must be 0")
	}
}

func TestLayerMeanSimulated(t *testing.T) {
	// A compound Poisson model: the layer mean from the curve must agree with
	// the whole mean when the layer covers everything, and shrink with the retention.
	m, err := Library(Profile{Industry: "I", Revenue: 5e7, Employees: 200})
	if err != nil {
		t.Fatal(err)
	}
	r, err := Simulate(t.Context(), m, Options{Trials: 50_000, Seed: 3, LECPoints: 200})
	if err != nil {
		t.Fatal(err)
	}
	all := r.LayerMean(0, 1e15)
	if math.Abs(all-r.Mean) > 1e-6*r.Mean {
		t.Errorf("whole layer %.2f, want the mean %.2f", all, r.Mean)
	}
	prev := all
	for _, d := range []float64{1e4, 1e5, 1e6} {
		v := r.LayerMean(d, 1e15)
		if v > prev {
			t.Errorf("retention %g: %.2f above the lower retention's %.2f", d, v, prev)
		}
		prev = v
	}
}
