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

func TestFastLog(t *testing.T) {
	r := newRNG(9, 0, 0)
	worst := 0.0
	for i := 0; i < 2_000_000; i++ {
		var x float64
		switch i % 3 {
		case 0:
			x = r.u01()
		case 1:
			x = 1 + (r.u01()-0.5)*0.01 // near 1, where ln x is small and relative error matters
		default:
			x = math.Exp((r.u01() - 0.5) * 1400)
		}
		got, want := fastLog(x), math.Log(x)
		if want == 0 {
			if got != 0 {
				t.Fatalf("fastLog(1) = %v", got)
			}
			continue
		}
		// error in ulps of the result
		ulp := math.Nextafter(math.Abs(want), math.Inf(1)) - math.Abs(want)
		if e := math.Abs(got-want) / ulp; e > worst {
			worst = e
		}
	}
	if worst > 2 {
		t.Fatalf("fastLog error up to %.2f ulp, want ≤ 2", worst)
	}
	for _, x := range []float64{1, 2, 0.5, math.E, 1e-310, math.MaxFloat64} {
		if got, want := fastLog(x), math.Log(x); math.Abs(got-want) > 1e-15*math.Max(1, math.Abs(want)) {
			t.Errorf("fastLog(%v) = %v, want %v", x, got, want)
		}
	}
	for _, x := range []float64{0, -1, math.Inf(1), math.NaN()} {
		if got, want := fastLog(x), math.Log(x); !(got == want || math.IsNaN(got) && math.IsNaN(want)) {
			t.Errorf("fastLog(%v) = %v, want %v", x, got, want)
		}
	}
}

func BenchmarkFastLog(b *testing.B) {
	x, s := 0.1, 0.0
	for b.Loop() {
		s += fastLog(x)
		x += 1e-9
	}
	_ = s
}
