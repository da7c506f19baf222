package quant

import (
	"math"
)

// z95 is the standard normal 95th percentile: a lognormal given by a 90%
// interval [low, high] has σ = (ln high − ln low)/(2·z95).
const z95 = 1.6448536269514722

// maxMean bounds the mean of any magnitude or frequency, so that sums of a
// few million of them stay far from overflow.
const maxMean = 1e15

// maxRate bounds the mean loss event frequency of a compound scenario: every
// event costs a draw, and a rate beyond this is better modelled as an aggregate.
const maxRate = 10_000

type distKind uint8

const (
	dConst distKind = iota
	dUniform
	dTriangular
	dBeta // PERT (both variants) and beta: lo + span·Beta(α, β)
	dLognormal
	dNormal
	dNormalTrunc // normal truncated at 0
	dPoisson
)

// sampler is a compiled distribution: validated parameters in the form the
// draw needs. One struct with a switch keeps draws free of interface calls.
type sampler struct {
	kind     distKind
	lo, span float64 // const: lo is the value; uniform, triangular, beta: support [lo, lo+span]
	c        float64 // triangular: (mode−low)/span
	mu, sd   float64 // lognormal: μ, σ of the log; normal: mean, sd
	a, b     float64 // beta shapes
	lnB      float64 // beta: ln B(α, β), for the CDF
	ga, gb   gammaParam
	lam      float64 // poisson mean
	expL     float64 // e^−λ
	big      bool    // poisson λ ≥ 30: use PTRS
	pt       ptrs
	ta       float64 // truncated normal: standardised truncation point −μ/σ
	talpha   float64 // truncated normal: rate of the exponential proposal (Robert 1995) when ta > 0.3
}

func (s *sampler) draw(r *rng) float64 {
	switch s.kind {
	case dConst:
		return s.lo
	case dBeta:
		x := r.gamma(&s.ga)
		y := r.gamma(&s.gb)
		return s.lo + s.span*(x/(x+y))
	case dLognormal:
		return fastExp(s.mu + s.sd*r.norm())
	case dUniform:
		return s.lo + s.span*r.u01()
	case dTriangular:
		u := r.u01()
		if u < s.c {
			return s.lo + s.span*math.Sqrt(u*s.c)
		}
		return s.lo + s.span*(1-math.Sqrt((1-u)*(1-s.c)))
	case dNormal:
		return s.mu + s.sd*r.norm()
	case dNormalTrunc:
		return s.mu + s.sd*r.truncNorm(s.ta, s.talpha)
	case dPoisson:
		if s.big {
			return r.poissonPTRS(&s.pt)
		}
		return poissonInv(s.lam, s.expL, r.u01())
	}
	panic("quant: unknown distribution")
}

// truncNorm draws a standard normal conditioned on Z > a.
func (r *rng) truncNorm(a, alpha float64) float64 {
	if a <= 0.3 { // acceptance of plain rejection ≥ 38%
		for {
			if z := r.norm(); z > a {
				return z
			}
		}
	}
	for { // Robert (1995): exponential proposal shifted to a
		z := a - fastLog(r.u01())/alpha
		d := z - alpha
		if r.u01() < fastExp(-0.5*d*d) {
			return z
		}
	}
}

// mean is the exact mean of the distribution.
func (s *sampler) mean() float64 {
	switch s.kind {
	case dConst:
		return s.lo
	case dUniform:
		return s.lo + s.span/2
	case dTriangular:
		return s.lo + s.span*(1+s.c)/3
	case dBeta:
		return s.lo + s.span*s.a/(s.a+s.b)
	case dLognormal:
		return math.Exp(s.mu + s.sd*s.sd/2)
	case dNormal:
		return s.mu
	case dNormalTrunc:
		return s.mu + s.sd*normPDF(s.ta)/normSF(s.ta)
	case dPoisson:
		return s.lam
	}
	return math.NaN()
}

// variance is the exact variance of the distribution.
func (s *sampler) variance() float64 {
	switch s.kind {
	case dConst:
		return 0
	case dUniform:
		return s.span * s.span / 12
	case dTriangular:
		// a=0, b=1, mode c on the unit interval, scaled by span².
		c := s.c
		return s.span * s.span * (1 + c*c - c) / 18
	case dBeta:
		ab := s.a + s.b
		return s.span * s.span * s.a * s.b / (ab * ab * (ab + 1))
	case dLognormal:
		s2 := s.sd * s.sd
		return math.Expm1(s2) * math.Exp(2*s.mu+s2)
	case dNormal:
		return s.sd * s.sd
	case dNormalTrunc:
		l := normPDF(s.ta) / normSF(s.ta)
		return s.sd * s.sd * (1 + s.ta*l - l*l)
	case dPoisson:
		return s.lam
	}
	return math.NaN()
}

// cdf is P(X ≤ x).
func (s *sampler) cdf(x float64) float64 {
	switch s.kind {
	case dConst:
		if x < s.lo {
			return 0
		}
		return 1
	case dUniform:
		return clamp01((x - s.lo) / s.span)
	case dTriangular:
		t := (x - s.lo) / s.span
		switch {
		case t <= 0:
			return 0
		case t >= 1:
			return 1
		case t <= s.c:
			return t * t / s.c
		default:
			return 1 - (1-t)*(1-t)/(1-s.c)
		}
	case dBeta:
		return betaIncB(s.a, s.b, s.lnB, clamp01((x-s.lo)/s.span))
	case dLognormal:
		if x <= 0 {
			return 0
		}
		return normCDF((math.Log(x) - s.mu) / s.sd)
	case dNormal:
		return normCDF((x - s.mu) / s.sd)
	case dNormalTrunc:
		z := (x - s.mu) / s.sd
		if z <= s.ta {
			return 0
		}
		return 1 - normSF(z)/normSF(s.ta)
	case dPoisson:
		if x < 0 {
			return 0
		}
		k := math.Floor(x)
		p := s.expL
		F := p
		for i := 1.0; i <= k; i++ {
			p *= s.lam / i
			F += p
		}
		return math.Min(F, 1)
	}
	return math.NaN()
}

// support is the interval outside which the distribution has no mass.
func (s *sampler) support() (lo, hi float64) {
	switch s.kind {
	case dConst:
		return s.lo, s.lo
	case dUniform, dTriangular, dBeta:
		return s.lo, s.lo + s.span
	case dLognormal:
		return 0, math.Inf(1)
	case dNormal:
		return math.Inf(-1), math.Inf(1)
	case dNormalTrunc, dPoisson:
		return 0, math.Inf(1)
	}
	return math.NaN(), math.NaN()
}

func (s *sampler) isConst() bool { return s.kind == dConst }

func clamp01(x float64) float64 { return math.Max(0, math.Min(1, x)) }

func normPDF(z float64) float64 { return math.Exp(-0.5*z*z) / math.Sqrt(2*math.Pi) }
func normCDF(z float64) float64 { return 0.5 * math.Erfc(-z/math.Sqrt2) }
func normSF(z float64) float64  { return 0.5 * math.Erfc(z/math.Sqrt2) }

// betaInc is the regularised incomplete beta function I_x(a, b), by the
// continued fraction (modified Lentz), accurate to about 1e-14.
func betaInc(a, b, x float64) float64 { return betaIncB(a, b, lnBeta(a, b), x) }

func lnBeta(a, b float64) float64 {
	la, _ := math.Lgamma(a)
	lb, _ := math.Lgamma(b)
	lab, _ := math.Lgamma(a + b)
	return la + lb - lab
}

// betaIncB is betaInc with ln B(a, b) given.
func betaIncB(a, b, lnB, x float64) float64 {
	if x <= 0 {
		return 0
	}
	if x >= 1 {
		return 1
	}
	front := math.Exp(a*math.Log(x) + b*math.Log1p(-x) - lnB)
	if x < (a+1)/(a+b+2) {
		return front * betaCF(a, b, x) / a
	}
	return 1 - front*betaCF(b, a, 1-x)/b
}

func betaCF(a, b, x float64) float64 {
	const tiny = 1e-300
	qab, qap, qam := a+b, a+1, a-1
	c, d := 1.0, 1-qab*x/qap
	if math.Abs(d) < tiny {
		d = tiny
	}
	d = 1 / d
	h := d
	for m := 1; m <= 500; m++ {
		fm := float64(m)
		m2 := 2 * fm
		aa := fm * (b - fm) * x / ((qam + m2) * (a + m2))
		d = 1 + aa*d
		if math.Abs(d) < tiny {
			d = tiny
		}
		c = 1 + aa/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		d = 1 / d
		h *= d * c
		aa = -(a + fm) * (qab + fm) * x / ((a + m2) * (qap + m2))
		d = 1 + aa*d
		if math.Abs(d) < tiny {
			d = tiny
		}
		c = 1 + aa/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		d = 1 / d
		del := d * c
		h *= del
		if math.Abs(del-1) < 1e-15 {
			break
		}
	}
	return h
}

// role says what a node of the FAIR tree is, and so which values it may take.
type role uint8

const (
	roleFrequency   role = iota // events per year: support ≥ 0
	roleProbability             // a probability: support in [0, 1]
	roleMagnitude               // money per event: support ≥ 0
	roleStrength                // threat capability, resistance strength: any real
)

// compileDist validates d and returns its sampler, or the problems found.
func compileDist(path string, d *Dist, ro role) (*sampler, []*FieldError) {
	var errs []*FieldError
	add := func(p, code, format string, args ...any) { errs = append(errs, ferr(p, code, format, args...)) }
	has := map[string]*float64{
		"value": d.Value, "low": d.Low, "mode": d.Mode, "high": d.High, "shape": d.Shape,
		"mean": d.Mean, "sd": d.SD, "mu": d.Mu, "sigma": d.Sigma, "alpha": d.Alpha, "beta": d.Beta,
	}
	for _, name := range []string{"value", "low", "mode", "high", "shape", "mean", "sd", "mu", "sigma", "alpha", "beta"} {
		if v := has[name]; v != nil && !finite(*v) {
			add(fmtPath(path, name), CodeNotFinite, "%s must be a finite number", name)
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	// allow lists the parameters a kind takes; anything else given is an error.
	allow := func(names ...string) {
		ok := map[string]bool{}
		for _, n := range names {
			ok[n] = true
		}
		for _, name := range []string{"value", "low", "mode", "high", "shape", "mean", "sd", "mu", "sigma", "alpha", "beta"} {
			if has[name] != nil && !ok[name] {
				add(fmtPath(path, name), CodeUnused, "%s does not apply to a %s distribution", name, d.Kind)
			}
		}
		if d.Variant != "" && !ok["variant"] {
			add(fmtPath(path, "variant"), CodeUnused, "%s does not apply to a %s distribution", "variant", d.Kind)
		}
		if d.Truncate && !ok["truncate"] {
			add(fmtPath(path, "truncate"), CodeUnused, "%s does not apply to a %s distribution", "truncate", d.Kind)
		}
	}
	need := func(names ...string) bool {
		ok := true
		for _, n := range names {
			if has[n] == nil {
				add(fmtPath(path, n), CodeRequired, "a %s distribution needs %s", d.Kind, n)
				ok = false
			}
		}
		return ok
	}
	s := &sampler{}
	switch d.Kind {
	case KindConstant:
		allow("value")
		if need("value") {
			s.kind, s.lo = dConst, *d.Value
		}
	case KindUniform:
		allow("low", "high")
		if need("low", "high") {
			if !(*d.Low < *d.High) {
				add(fmtPath(path, "high"), CodeOrder, "%s must be greater than %s", "high", "low")
			}
			s.kind, s.lo, s.span = dUniform, *d.Low, *d.High-*d.Low
		}
	case KindTriangular:
		allow("low", "mode", "high")
		if need("low", "mode", "high") {
			lo, m, hi := *d.Low, *d.Mode, *d.High
			switch {
			case !(lo < hi):
				add(fmtPath(path, "high"), CodeOrder, "%s must be greater than %s", "high", "low")
			case m < lo || m > hi:
				add(fmtPath(path, "mode"), CodeOrder, "%s must lie between %s and %s", "mode", "low", "high")
			}
			s.kind, s.lo, s.span = dTriangular, lo, hi-lo
			if s.span > 0 {
				s.c = (m - lo) / s.span
			}
		}
	case KindPERT:
		allow("low", "mode", "high", "shape", "variant")
		if need("low", "mode", "high") {
			lo, m, hi := *d.Low, *d.Mode, *d.High
			lam := 4.0
			if d.Shape != nil {
				lam = *d.Shape
				if !(lam > 0) {
					add(fmtPath(path, "shape"), CodePositive, "%s must be greater than 0", "shape")
				} else if lam > 1e4 {
					add(fmtPath(path, "shape"), CodeTooLarge, "%s must not exceed %v", "shape", 1e4)
				}
			}
			switch {
			case !(lo < hi):
				add(fmtPath(path, "high"), CodeOrder, "%s must be greater than %s", "high", "low")
			case m < lo || m > hi:
				add(fmtPath(path, "mode"), CodeOrder, "%s must lie between %s and %s", "mode", "low", "high")
			}
			s.kind, s.lo, s.span = dBeta, lo, hi-lo
			if s.span > 0 && lam > 0 {
				switch d.Variant {
				case "", "modified":
					s.a = 1 + lam*(m-lo)/s.span
					s.b = 1 + lam*(hi-m)/s.span
				case "pyfair":
					// pyfair's BetaPERT: mean (a + λm + b)/(λ + 2) and σ = (b − a)/6.
					mean := (lo + lam*m + hi) / (lam + 2)
					sd := s.span / 6
					s.a = (mean - lo) / s.span * ((mean-lo)*(hi-mean)/(sd*sd) - 1)
					s.b = s.a * (hi - mean) / (mean - lo)
					if !(s.a > 0 && s.b > 0) {
						add(fmtPath(path, "mode"), CodeOrder, "the pyfair PERT variant needs the mode inside the range")
					}
				default:
					add(fmtPath(path, "variant"), CodeVariant, "unknown PERT variant %q (use modified or pyfair)", d.Variant)
				}
			}
		}
	case KindBeta:
		allow("alpha", "beta", "low", "high")
		if need("alpha", "beta") {
			s.kind, s.lo, s.span = dBeta, 0, 1
			s.a, s.b = *d.Alpha, *d.Beta
			if !(s.a > 0) {
				add(fmtPath(path, "alpha"), CodePositive, "%s must be greater than 0", "alpha")
			}
			if !(s.b > 0) {
				add(fmtPath(path, "beta"), CodePositive, "%s must be greater than 0", "beta")
			}
			if (d.Low == nil) != (d.High == nil) {
				add(path, CodeRequired, "a scaled beta needs both low and high")
			} else if d.Low != nil {
				if !(*d.Low < *d.High) {
					add(fmtPath(path, "high"), CodeOrder, "%s must be greater than %s", "high", "low")
				}
				s.lo, s.span = *d.Low, *d.High-*d.Low
			}
		}
	case KindLognormal:
		allow("mean", "sd", "mu", "sigma", "low", "high")
		forms := 0
		for _, f := range [][2]*float64{{d.Mean, d.SD}, {d.Mu, d.Sigma}, {d.Low, d.High}} {
			if f[0] != nil || f[1] != nil {
				forms++
			}
		}
		s.kind = dLognormal
		switch {
		case forms > 1:
			add(path, CodeConflict, "give a lognormal by one of mean/sd, mu/sigma or low/high, not several")
		case d.Mean != nil || d.SD != nil:
			if need("mean", "sd") {
				if !(*d.Mean > 0) {
					add(fmtPath(path, "mean"), CodePositive, "%s must be greater than 0", "mean")
				}
				if !(*d.SD > 0) {
					add(fmtPath(path, "sd"), CodePositive, "%s must be greater than 0", "sd")
				}
				if *d.Mean > 0 && *d.SD > 0 {
					cv := *d.SD / *d.Mean
					s2 := math.Log1p(cv * cv)
					s.sd = math.Sqrt(s2)
					s.mu = math.Log(*d.Mean) - s2/2
				}
			}
		case d.Mu != nil || d.Sigma != nil:
			if need("mu", "sigma") {
				if !(*d.Sigma > 0) {
					add(fmtPath(path, "sigma"), CodePositive, "%s must be greater than 0", "sigma")
				}
				s.mu, s.sd = *d.Mu, *d.Sigma
			}
		case d.Low != nil || d.High != nil:
			if need("low", "high") {
				switch {
				case !(*d.Low > 0):
					add(fmtPath(path, "low"), CodePositive, "%s must be greater than 0", "low")
				case !(*d.Low < *d.High):
					add(fmtPath(path, "high"), CodeOrder, "%s must be greater than %s", "high", "low")
				default:
					l, h := math.Log(*d.Low), math.Log(*d.High)
					s.mu = (l + h) / 2
					s.sd = (h - l) / (2 * z95)
				}
			}
		default:
			add(path, CodeRequired, "a %s distribution needs %s", d.Kind, "mean/sd, mu/sigma or low/high")
		}
	case KindNormal:
		allow("mean", "sd", "truncate")
		if need("mean", "sd") {
			s.kind, s.mu, s.sd = dNormal, *d.Mean, *d.SD
			if !(s.sd > 0) {
				add(fmtPath(path, "sd"), CodePositive, "%s must be greater than 0", "sd")
			} else if d.Truncate {
				s.kind = dNormalTrunc
				s.ta = -s.mu / s.sd
				if s.ta > 30 {
					add(fmtPath(path, "mean"), CodeTooLarge, "a normal truncated at 0 needs mass above 0: mean is %v sd below 0", math.Round(s.ta))
				}
				s.talpha = (s.ta + math.Sqrt(s.ta*s.ta+4)) / 2
			}
		}
	case KindPoisson:
		allow("mean")
		if need("mean") {
			s.kind, s.lam = dPoisson, *d.Mean
			if s.lam < 0 {
				add(fmtPath(path, "mean"), CodeNonNegative, "%s must not be negative", "mean")
			} else if s.lam > 1e7 {
				add(fmtPath(path, "mean"), CodeTooLarge, "%s must not exceed %v", "mean", 1e7)
			}
			s.expL = math.Exp(-s.lam)
			if s.lam >= 30 {
				s.big, s.pt = true, newPTRS(s.lam)
			}
		}
	case "":
		add(fmtPath(path, "dist"), CodeRequired, "a distribution needs %s", "dist")
	default:
		add(fmtPath(path, "dist"), CodeUnknownKind, "unknown distribution %q", d.Kind)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	if s.kind == dBeta {
		s.ga, s.gb = newGamma(s.a), newGamma(s.b)
		s.lnB = lnBeta(s.a, s.b)
	}
	lo, hi := s.support()
	switch ro {
	case roleFrequency:
		if lo < 0 {
			add(path, CodeFrequencyDom, "a frequency cannot be negative, but this distribution goes down to %v (use a truncated normal, a lognormal or a PERT from 0)", lo)
		}
	case roleMagnitude:
		if lo < 0 {
			add(path, CodeMagnitudeDom, "a loss cannot be negative, but this distribution goes down to %v", lo)
		}
	case roleProbability:
		if lo < 0 || hi > 1 {
			add(path, CodeProbability, "a probability must lie between 0 and 1, but this distribution covers [%v, %v]", lo, hi)
		}
	}
	if m := s.mean(); ro != roleStrength && !(math.Abs(m) <= maxMean) {
		add(path, CodeTooLarge, "the mean of this distribution exceeds %v", maxMean)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return s, nil
}
