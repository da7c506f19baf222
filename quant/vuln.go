package quant

import "math"

// probGreater returns P(TC > RS) for independent TC and RS, exactly up to a
// numerical error below 1e-9 (returned as the second value), and never by
// sampling. A product scenario whose vulnerability is given as threat
// capability against resistance strength uses it as its scalar
// vulnerability: pyfair estimates the same probability from its trials, so
// the two agree within pyfair's sampling error, and Anbao's number carries
// none.
//
// Atoms are summed exactly: a constant or Poisson resistance gives
// Σ P(RS = k)·P(TC > k); a constant or Poisson capability against a
// continuous resistance gives Σ P(TC = k)·P(RS < k). Two continuous
// distributions give the Stieltjes sum Σ (F_RS(x_{i+1}) − F_RS(x_i))·P(TC >
// x̄_i) over a partition of the resistance's support (log-spaced for a
// lognormal), with Richardson's extrapolation, refined until two successive
// estimates agree within 1e-10.
func probGreater(tc, rs *sampler) (v, errEst float64) {
	switch {
	case rs.isDiscrete():
		return sumAtoms(rs, func(k float64) float64 { return 1 - tc.cdf(k) }), 0
	case tc.isDiscrete():
		return sumAtoms(tc, func(k float64) float64 { return rs.cdf(k) }), 0
	}
	lo, hi, logScale := rs.coreRange()
	// The midpoint sum's error falls as 1/n² for smooth distributions, so
	// Richardson's extrapolation R = S_2n + (S_2n − S_n)/3 converges far
	// faster; refine until two extrapolations agree.
	sPrev := stieltjes(tc, rs, lo, hi, logScale, 1<<9)
	rPrev := math.NaN()
	for n := 1 << 10; ; n *= 2 {
		sN := stieltjes(tc, rs, lo, hi, logScale, n)
		r := sN + (sN-sPrev)/3
		if d := math.Abs(r - rPrev); d < 1e-10 || n >= 1<<17 {
			return clamp01(r), d
		}
		sPrev, rPrev = sN, r
	}
}

func (s *sampler) isDiscrete() bool { return s.kind == dConst || s.kind == dPoisson }

// sumAtoms is Σ P(X = k)·g(k) over the atoms of a constant or Poisson X.
func sumAtoms(x *sampler, g func(float64) float64) float64 {
	if x.kind == dConst {
		return g(x.lo)
	}
	var sum neumaier
	p, F := x.expL, 0.0
	if p == 0 { // e^−λ underflows: start at the mode in log space
		return poissonAtomsFromMode(x.lam, g)
	}
	for k := 0.0; F < 1-1e-16 && k < 1e7; k++ {
		if k > 0 {
			p *= x.lam / k
		}
		F += p
		sum.add(p * g(k))
	}
	return sum.sum()
}

func poissonAtomsFromMode(lam float64, g func(float64) float64) float64 {
	var sum neumaier
	m := math.Floor(lam)
	lg, _ := math.Lgamma(m + 1)
	pm := math.Exp(-lam + m*math.Log(lam) - lg)
	for k, p := m, pm; p > 1e-300 && k >= 0; k-- {
		sum.add(p * g(k))
		p *= k / lam
	}
	for k, p := m+1, pm*lam/(m+1); p > 1e-300; k++ {
		sum.add(p * g(k))
		p *= lam / (k + 1)
	}
	return sum.sum()
}

// coreRange is an interval holding all but 1e-12 of a continuous
// distribution's mass, and whether to partition it on a log scale.
func (s *sampler) coreRange() (lo, hi float64, logScale bool) {
	const z = 7.1 // Φ(−7.1) ≈ 6e-13
	switch s.kind {
	case dLognormal:
		return math.Exp(s.mu - z*s.sd), math.Exp(s.mu + z*s.sd), true
	case dNormal:
		return s.mu - z*s.sd, s.mu + z*s.sd, false
	case dNormalTrunc:
		return 0, math.Max(s.mu+z*s.sd, s.sd), false
	}
	lo, hi = s.support()
	return lo, hi, false
}

func stieltjes(tc, rs *sampler, lo, hi float64, logScale bool, n int) float64 {
	at := func(i int) float64 {
		t := float64(i) / float64(n)
		if logScale {
			return math.Exp(math.Log(lo) + t*(math.Log(hi)-math.Log(lo)))
		}
		return lo + t*(hi-lo)
	}
	var sum neumaier
	x0 := at(0)
	F0 := rs.cdf(x0)
	sum.add(F0 * (1 - tc.cdf(x0))) // mass below the range (≤ 1e-12)
	for i := 1; i <= n; i++ {
		x1 := at(i)
		F1 := rs.cdf(x1)
		if dF := F1 - F0; dF > 0 {
			sum.add(dF * (1 - tc.cdf((x0+x1)/2)))
		}
		x0, F0 = x1, F1
	}
	return sum.sum()
}
