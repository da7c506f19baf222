package quant

import "math"

// fastLog is ln x for finite x > 0 by Tang's table method: x = 2^e·m with m
// in [√½, √2), c = j/128 the table point nearest m, r = (m − c)/c with
// |r| < 0.0056, and ln x = e·ln2 + ln c + ln(1 + r), the last from a
// degree-7 polynomial. Near x = 1 the table point is exactly 1, so small
// logarithms keep their relative accuracy. Within 2 ulp of math.Log
// (tested); it serves the rare branches of the gamma and normal-tail samplers.
func fastLog(x float64) float64 {
	if !(x >= 0x1p-1022 && x < math.Inf(1)) {
		return math.Log(x)
	}
	b := math.Float64bits(x)
	e := int64(b>>52) - 1023
	m := math.Float64frombits(b&(1<<52-1) | 1023<<52) // [1, 2)
	if m > math.Sqrt2 {
		m *= 0.5
		e++
	}
	j := int(m*128 + 0.5)
	c := float64(j) / 128
	r := (m - c) * logInv[j] // m − c is exact
	r2 := r * r
	p := r - r2*(1.0/2-r*(1.0/3-r*(1.0/4-r*(1.0/5-r*(1.0/6-r*(1.0/7))))))
	fe := float64(e)
	return (fe*lnHi + logHi[j]) + (p + (fe*lnLo + logLo[j]))
}

const (
	lnHi = 0x1.62e42fefa3800p-1 // ln 2 split: e·lnHi is exact for |e| ≤ 1075
	lnLo = math.Ln2 - lnHi
)

var logInv, logHi, logLo [182]float64

func init() {
	for j := 90; j < len(logInv); j++ {
		c := float64(j) / 128
		logInv[j] = 1 / c
		l := math.Log(c)
		logHi[j] = math.Float64frombits(math.Float64bits(l) &^ (1<<24 - 1))
		logLo[j] = l - logHi[j]
	}
}
