package quant

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"testing"
)

// knownCase is one testdata case: a model and the answers worked out by hand
// (see each case's derivation). Every check allows 4 standard errors of the
// Monte Carlo estimate, derived from the true sd and the trial count, so a
// failure means a wrong engine, not bad luck (p ≈ 6e-5 per check).
type knownCase struct {
	Name       string  `json:"name"`
	Derivation string  `json:"derivation"`
	Trials     int     `json:"trials"`
	Seed       uint64  `json:"seed"`
	Model      Model   `json:"model"`
	Mean       float64 `json:"mean"`
	SD         float64 `json:"sd"`
	SDRelTol   float64 `json:"sd_rel_tol"`
	PLoss      float64 `json:"p_loss"`
	Quantiles  []struct {
		P, Value, Density float64
	} `json:"quantiles"`
}

func loadCases(t testing.TB) []knownCase {
	b, err := os.ReadFile("testdata/cases.json")
	if err != nil {
		t.Fatal(err)
	}
	var cs []knownCase
	if err := json.Unmarshal(b, &cs); err != nil {
		t.Fatal(err)
	}
	return cs
}

func TestKnownAnswers(t *testing.T) {
	for _, c := range loadCases(t) {
		t.Run(c.Name, func(t *testing.T) {
			if c.Derivation == "" {
				t.Fatal("a case needs its derivation")
			}
			r, err := Simulate(context.Background(), &c.Model, Options{Trials: c.Trials, Seed: c.Seed, Quantiles: quantilePs(c)})
			if err != nil {
				t.Fatal(err)
			}
			n := float64(c.Trials)
			se := c.SD / math.Sqrt(n)
			if d := math.Abs(r.Mean - c.Mean); d > 4*se {
				t.Errorf("mean %.4f, want %.4f ± %.4f (4 SE); off by %.1f SE", r.Mean, c.Mean, 4*se, d/se)
			}
			// The engine's own standard error must agree with the true one.
			if c.SDRelTol > 0 {
				if rel := math.Abs(r.SD-c.SD) / c.SD; rel > c.SDRelTol {
					t.Errorf("sd %.4f, want %.4f within %.1f%% (off %.2f%%)", r.SD, c.SD, 100*c.SDRelTol, 100*rel)
				}
				if rel := math.Abs(r.MeanSE-se) / se; rel > c.SDRelTol {
					t.Errorf("mean_se %.4f, want %.4f", r.MeanSE, se)
				}
			}
			if c.PLoss > 0 {
				pse := math.Sqrt(c.PLoss * (1 - c.PLoss) / n)
				if d := math.Abs(r.PLoss - c.PLoss); d > 4*pse+1e-12 {
					t.Errorf("p_loss %.6f, want %.6f ± %.6f", r.PLoss, c.PLoss, 4*pse)
				}
			}
			for _, q := range c.Quantiles {
				got := findQuantile(t, r, q.P)
				// SE of a sample quantile: √(p(1−p)/n)/f(q).
				qse := math.Sqrt(q.P*(1-q.P)/n) / q.Density
				if d := math.Abs(got.Value - q.Value); d > 4*qse {
					t.Errorf("q%.3f = %.2f, want %.2f ± %.2f", q.P, got.Value, q.Value, 4*qse)
				}
				if !(got.Low <= got.Value && got.Value <= got.High) {
					t.Errorf("q%.3f confidence interval [%v, %v] does not hold %v", q.P, got.Low, got.High, got.Value)
				}
			}
			if r.Engine != EngineVersion || r.Seed != c.Seed || r.Trials != c.Trials {
				t.Errorf("result does not carry engine, seed and trials: %q %d %d", r.Engine, r.Seed, r.Trials)
			}
		})
	}
}

func quantilePs(c knownCase) []float64 {
	if len(c.Quantiles) == 0 {
		return nil
	}
	var ps []float64
	for _, q := range c.Quantiles {
		ps = append(ps, q.P)
	}
	return ps
}

func findQuantile(t *testing.T, r *Result, p float64) Quantile {
	t.Helper()
	for _, q := range r.Quantiles {
		if q.P == p {
			return q
		}
	}
	t.Fatalf("quantile %v not reported", p)
	return Quantile{}
}
