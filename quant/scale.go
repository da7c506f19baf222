package quant

import (
	"fmt"
	"math"
)

// Scaled returns the distribution of f·X, where X follows d, for a finite
// f > 0. The scenario library uses it to apply a control's effect: on a
// frequency it scales the rate of loss events, on a magnitude the loss per
// event.
//
// Per kind:
//   - pert, triangular, uniform: low, mode and high are multiplied by f
//     (the PERT shape and variant are unchanged);
//   - lognormal: low and high (the 90% interval), or mean and sd, are
//     multiplied by f; given as mu/sigma, mu becomes mu + ln f and sigma is
//     unchanged;
//   - normal: mean and sd are multiplied by f (a normal truncated at 0 stays
//     truncated at 0, since f > 0);
//   - poisson: the mean is multiplied by f. For a frequency this scales the
//     rate: the count of f·rate events, not f times a count;
//   - beta: low and high are multiplied by f, an absent low counting as 0 and
//     an absent high as 1 (so Beta(α, β) on [0, 1] becomes Beta(α, β) on
//     [0, f]); alpha and beta are unchanged;
//   - constant: the value is multiplied by f.
//
// The result shares no pointer with d: every parameter is a fresh copy, so
// changing one never changes the other. Parameters that do not apply to
// the kind are scaled like location parameters and left for Validate to
// report. Scaled panics if f is not a finite number greater than 0: that is
// a programming error, not bad input.
func (d Dist) Scaled(f float64) Dist {
	if !(f > 0) || math.IsInf(f, 0) {
		panic(fmt.Sprintf("quant: Dist.Scaled needs a finite factor greater than 0, not %v", f))
	}
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
	out := d
	// Location and scale parameters move with f; shape parameters do not.
	out.Value, out.Low, out.Mode, out.High = mul(d.Value), mul(d.Low), mul(d.Mode), mul(d.High)
	out.Mean, out.SD = mul(d.Mean), mul(d.SD)
	out.Mu, out.Sigma = cp(d.Mu), cp(d.Sigma)
	out.Shape, out.Alpha, out.Beta = cp(d.Shape), cp(d.Alpha), cp(d.Beta)
	switch d.Kind {
	case KindLognormal:
		if d.Mu != nil {
			v := *d.Mu + math.Log(f)
			out.Mu = &v
		}
	case KindBeta:
		// A beta without low/high lives on [0, 1].
		if out.Low == nil {
			out.Low = P(0)
		}
		if out.High == nil {
			out.High = P(f)
		}
	}
	return out
}
