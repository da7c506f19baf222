package quant

import (
	"math"
	"testing"
)

func TestFastExp(t *testing.T) {
	r := newRNG(7, 0, 0)
	worst := 0.0
	for i := 0; i < 2_000_000; i++ {
		x := (r.u01()*2 - 1) * 700
		if i%2 == 0 {
			x /= 100 // most lognormal exponents are small
		}
		got, want := fastExp(x), math.Exp(x)
		if e := math.Abs(got-want) / want; e > worst {
			worst = e
		}
	}
	if worst > 5e-16 {
		t.Fatalf("fastExp relative error up to %g, want ≤ 5e-16", worst)
	}
	for _, x := range []float64{0, 1, -1, math.Ln2, 709, -745, math.Inf(1), math.Inf(-1)} {
		if got, want := fastExp(x), math.Exp(x); got != want && math.Abs(got-want)/want > 5e-16 {
			t.Errorf("fastExp(%v) = %v, want %v", x, got, want)
		}
	}
	if !math.IsNaN(fastExp(math.NaN())) {
		t.Error("fastExp(NaN) is not NaN")
	}
}

func BenchmarkFastExp(b *testing.B) {
	x, s := 0.1, 0.0
	for b.Loop() {
		s += fastExp(x)
		x += 1e-9
	}
	_ = s
}
