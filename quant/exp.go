package quant

import "math"

// fastExp is e^x by Tang's table method: x = (64k + j)·ln2/64 + r with
// |r| ≤ ln2/128, e^x = 2^k · 2^(j/64) · e^r, e^r from a degree-6 polynomial.
// Within 2 ulp of math.Exp (tested), and about four times faster here; the
// lognormal draw spends most of its time in exp.
func fastExp(x float64) float64 {
	if !(x > -700 && x < 700) {
		return math.Exp(x)
	}
	const shifter = 0x1.8p52
	kf := (x*expInvStep + shifter) - shifter // round to nearest
	k := int64(kf)
	r := (x - kf*expStepHi) - kf*expStepLo
	p := r + r*r*(1.0/2+r*(1.0/6+r*(1.0/24+r*(1.0/120+r*(1.0/720)))))
	t := expTab[k&63]
	return math.Float64frombits(math.Float64bits(t+t*p) + uint64(k>>6)<<52)
}

const (
	expInvStep = 64 / math.Ln2
	// ln2/64 split so that kf*expStepHi is exact for |k| < 2^20.
	expStepHi = 0x1.62e42fefa0000p-7
	expStepLo = (math.Ln2/64 - expStepHi)
)

var expTab [64]float64

func init() {
	for j := range expTab {
		expTab[j] = math.Exp2(float64(j) / 64)
	}
}
