package quant

import (
	"math"
	"math/bits"
)

// rng is xoshiro256++ (Blackman and Vigna, 2019): 256 bits of state, period
// 2^256−1, about 1 ns per 64-bit output, and statistically sound for Monte
// Carlo. It is not cryptographic and does not need to be. Each (seed, stream,
// block) triple gets its own generator, seeded through SplitMix64, so the
// numbers of a block never depend on which worker runs it.
type rng struct{ s0, s1, s2, s3 uint64 }

func mix64(z uint64) uint64 {
	z += 0x9e3779b97f4a7c15
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// newRNG returns the generator of one stream of one block.
func newRNG(seed, stream, block uint64) rng {
	k := mix64(mix64(mix64(seed)^stream) ^ block)
	var r rng
	r.s0 = mix64(k)
	r.s1 = mix64(k + 1)
	r.s2 = mix64(k + 2)
	r.s3 = mix64(k + 3)
	if r.s0|r.s1|r.s2|r.s3 == 0 { // the one state xoshiro cannot leave
		r.s0 = 1
	}
	return r
}

func (r *rng) next() uint64 {
	res := bits.RotateLeft64(r.s0+r.s3, 23) + r.s0
	t := r.s1 << 17
	r.s2 ^= r.s0
	r.s3 ^= r.s1
	r.s1 ^= r.s2
	r.s0 ^= r.s3
	r.s2 ^= t
	r.s3 = bits.RotateLeft64(r.s3, 45)
	return res
}

// u01 is uniform on the open interval (0, 1): never 0 (safe for log) and never 1.
func (r *rng) u01() float64 {
	return (float64(r.next()>>11) + 0.5) * 0x1p-53
}

// Ziggurat for the standard normal, 256 layers (Marsaglia and Tsang 2000, in
// Doornik's 2005 form, which takes the layer and the value from disjoint bits).
const (
	zigR = 3.6541528853610088
	zigV = 4.92867323399e-3 // area of each layer for f(x) = exp(−x²/2)
)

var zigX [257]float64 // zigX[i] is the right edge of layer i; zigX[256] = 0
var zigF [257]float64 // zigF[i] = f(zigX[i])
var zigRatio [256]float64

func init() {
	f := func(x float64) float64 { return math.Exp(-0.5 * x * x) }
	zigX[0] = zigV / f(zigR)
	zigX[1] = zigR
	for i := 1; i < 255; i++ {
		zigX[i+1] = math.Sqrt(-2 * math.Log(zigV/zigX[i]+f(zigX[i])))
	}
	zigX[256] = 0
	for i := range zigX {
		zigF[i] = f(zigX[i])
	}
	for i := range zigRatio {
		zigRatio[i] = zigX[i+1] / zigX[i]
	}
}

// norm returns a standard normal variate.
func (r *rng) norm() float64 {
	for {
		b := r.next()
		i := b & 255
		u := float64(int64(b)>>11) * 0x1p-52 // uniform on [−1, 1), from bits 11–63
		if math.Abs(u) < zigRatio[i] {
			return u * zigX[i]
		}
		if i == 0 {
			return r.normTail(u < 0)
		}
		x := u * zigX[i]
		y := zigF[i] + r.u01()*(zigF[i+1]-zigF[i])
		if y < fastExp(-0.5*x*x) {
			return x
		}
	}
}

func (r *rng) normTail(neg bool) float64 {
	for {
		x := -fastLog(r.u01()) / zigR
		y := -fastLog(r.u01())
		if 2*y > x*x {
			if neg {
				return -(zigR + x)
			}
			return zigR + x
		}
	}
}

// gammaParam holds the constants of Marsaglia and Tsang's (2000) gamma
// sampler for one shape.
type gammaParam struct {
	d, c  float64
	boost float64 // 1/shape when shape < 1 (sample shape+1 and multiply by U^(1/shape)), else 0
}

func newGamma(shape float64) gammaParam {
	var g gammaParam
	if shape < 1 {
		g.boost = 1 / shape
		shape++
	}
	g.d = shape - 1.0/3
	g.c = 1 / math.Sqrt(9*g.d)
	return g
}

func (r *rng) gamma(g *gammaParam) float64 {
	for {
		x := r.norm()
		v := 1 + g.c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := r.u01()
		x2 := x * x
		if u < 1-0.0331*x2*x2 || fastLog(u) < 0.5*x2+g.d*(1-v+fastLog(v)) {
			if g.boost != 0 {
				return g.d * v * math.Pow(r.u01(), g.boost)
			}
			return g.d * v
		}
	}
}

// poissonInv draws Poisson(λ) by inversion of the uniform u (sequential
// search); expL is e^−λ. Exact, monotone in u (so a copula can drive it), and
// fast for the small rates of cyber events.
func poissonInv(lambda, expL, u float64) float64 {
	k := 0.0
	p := expL
	F := p
	for u > F {
		k++
		p *= lambda / k
		F += p
		if p == 0 && F < u { // the remaining mass is below float precision
			break
		}
	}
	return k
}

// ptrs holds the constants of Hörmann's (1993) transformed rejection with
// squeeze for Poisson(λ), λ ≥ 10.
type ptrs struct {
	lam, logLam, b, a, invAlpha, vr float64
}

func newPTRS(lam float64) ptrs {
	s := math.Sqrt(lam)
	b := 0.931 + 2.53*s
	return ptrs{lam: lam, logLam: math.Log(lam), b: b, a: -0.059 + 0.02483*b,
		invAlpha: 1.1239 + 1.1328/(b-3.4), vr: 0.9277 - 3.6224/(b-2)}
}

func (r *rng) poissonPTRS(p *ptrs) float64 {
	for {
		u := r.u01() - 0.5
		v := r.u01()
		us := 0.5 - math.Abs(u)
		k := math.Floor((2*p.a/us+p.b)*u + p.lam + 0.43)
		if us >= 0.07 && v <= p.vr {
			return k
		}
		if k < 0 || (us < 0.013 && v > us) {
			continue
		}
		lg, _ := math.Lgamma(k + 1)
		if math.Log(v)+math.Log(p.invAlpha)-math.Log(p.a/(us*us)+p.b) <= -p.lam+k*p.logLam-lg {
			return k
		}
	}
}

// poisson draws Poisson(λ) for a rate that changes from trial to trial.
func (r *rng) poisson(lam float64) float64 {
	if lam <= 0 {
		return 0
	}
	if lam < 30 {
		return poissonInv(lam, fastExp(-lam), r.u01())
	}
	p := newPTRS(lam)
	return r.poissonPTRS(&p)
}
