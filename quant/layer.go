package quant

import (
	"math"
	"sort"
)

// LayerMean estimates the expected annual loss to a layer: E[min(max(L−d, 0), u)]
// for the annual loss L, retention d and limit u, as ∫_d^{d+u} P(L > x) dx
// over the result's loss exceedance curve. P(L > x) is taken linear between
// the curve's points and equal to PLoss below the first one. Beyond the last
// point the curve holds only the rarest trials: their area is known exactly
// (the mean less the area up to the last point), and the layer takes the part
// of it the last point's probability allows across the layer's remaining
// width. Used to price an option from one cached simulation of the enterprise.
func (r *Result) LayerMean(d, u float64) float64 {
	if !(u > 0) || d < 0 || r.Mean <= 0 {
		return 0
	}
	pts := make([]LECPoint, 0, len(r.LEC)+1)
	pts = append(pts, LECPoint{Loss: 0, Prob: r.PLoss})
	for _, p := range r.LEC {
		if p.Loss > 0 {
			pts = append(pts, p)
		}
	}
	sort.SliceStable(pts[1:], func(i, j int) bool { return pts[1+i].Loss < pts[1+j].Loss })
	hi := d + u
	var area, layer float64
	for i := 1; i < len(pts); i++ {
		a, b := pts[i-1], pts[i]
		if b.Loss <= a.Loss {
			continue
		}
		pa := a.Prob
		if i == 1 {
			pa = math.Max(pa, b.Prob)
		}
		area += (pa + b.Prob) / 2 * (b.Loss - a.Loss)
		lo, up := math.Max(a.Loss, d), math.Min(b.Loss, hi)
		if up > lo {
			at := func(x float64) float64 { return pa + (b.Prob-pa)*(x-a.Loss)/(b.Loss-a.Loss) }
			layer += (at(lo) + at(up)) / 2 * (up - lo)
		}
	}
	last := pts[len(pts)-1]
	if hi > last.Loss {
		tail := math.Max(0, r.Mean-area)
		layer += math.Min(tail, last.Prob*(hi-math.Max(d, last.Loss)))
	}
	return layer
}
