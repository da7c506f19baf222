package quant

import "math"

// Scaled returns the distribution of f·X for f > 0. For a frequency this
// scales the rate; for a magnitude, the loss. The result shares no pointers
// with d.
func (d Dist) Scaled(f float64) Dist {
	out := d
	mul := func(p *float64) *float64 {
		if p == nil {
			return nil
		}
		v := *p * f
		return &v
	}
	cp := func(p *float64) *float64 {
		if p == nil {
			return nil
		}
		v := *p
		return &v
	}
	out.Value, out.Low, out.Mode, out.High = mul(d.Value), mul(d.Low), mul(d.Mode), mul(d.High)
	out.Shape, out.Alpha, out.Beta = cp(d.Shape), cp(d.Alpha), cp(d.Beta)
	out.Mean, out.SD, out.Mu, out.Sigma = mul(d.Mean), mul(d.SD), cp(d.Mu), cp(d.Sigma)
	switch d.Kind {
	case KindLognormal:
		if d.Mu != nil {
			v := *d.Mu + math.Log(f)
			out.Mu = &v
		}
	case KindBeta:
		if d.Low == nil && d.High == nil { // Beta on [0, 1] becomes Beta on [0, f]
			out.Low, out.High = P(0), P(f)
		}
	}
	return out
}
