package quant

import (
	"context"
	"math"
	"slices"
	"sort"
	"sync"
)

// Simulate runs the model for opt.Trials years and returns its statistics.
// It returns a ValidationError for a bad model or bad options, and an
// *ErrCanceled when ctx ends first.
func Simulate(ctx context.Context, m *Model, opt Options) (*Result, error) {
	c, err := compile(m)
	if err != nil {
		return nil, err
	}
	o, err := opt.normalise()
	if err != nil {
		return nil, err
	}
	rn, err := c.simulate(ctx, &o, topKFor(&o))
	if err != nil {
		return nil, err
	}
	return c.summarise(rn, &o), nil
}

// Compare runs before and after on the same seed (common random numbers: a
// scenario whose parameters did not change draws exactly the same losses)
// and reports the reductions. The standard error of the ALE reduction comes
// from the paired per-trial differences, which is far smaller than that of
// two independent runs.
func Compare(ctx context.Context, before, after *Model, opt Options) (*Comparison, error) {
	cb, err := compile(before)
	if err != nil {
		return nil, err
	}
	ca, err := compile(after)
	if err != nil {
		return nil, err
	}
	o, err := opt.normalise()
	if err != nil {
		return nil, err
	}
	rb, err := cb.simulate(ctx, &o, topKFor(&o))
	if err != nil {
		return nil, err
	}
	ra, err := ca.simulate(ctx, &o, topKFor(&o))
	if err != nil {
		return nil, err
	}
	// Paired differences, block by block, before the statistics reorder the totals.
	d := newAcc()
	for start := 0; start < o.Trials; start += blockSize {
		end := min(start+blockSize, o.Trials)
		diff := make([]float64, end-start)
		for i := range diff {
			diff[i] = rb.total[start+i] - ra.total[start+i]
		}
		d.merge(blockMoments(diff))
	}
	cmp := &Comparison{Before: cb.summarise(rb, &o), After: ca.summarise(ra, &o)}
	cmp.ALEReduction = d.Mean()
	cmp.ALEReductionSE = d.SD() / math.Sqrt(float64(o.Trials))
	if cmp.Before.Mean != 0 {
		cmp.ALEReductionPc = 100 * cmp.ALEReduction / cmp.Before.Mean
	}
	for i, lv := range cmp.Before.Risk {
		a := cmp.After.Risk[i]
		ld := LevelDelta{Level: lv.Level, Before: lv.VaR, After: a.VaR, Delta: lv.VaR - a.VaR}
		if lv.VaR != 0 {
			ld.Pc = 100 * ld.Delta / lv.VaR
		}
		cmp.VaRReduction = append(cmp.VaRReduction, ld)
	}
	return cmp, nil
}

func (o Options) normalise() (Options, error) {
	var errs ValidationError
	if o.Trials == 0 {
		o.Trials = DefaultTrials
	}
	if o.Trials < 100 || o.Trials > MaxTrials {
		errs = append(errs, ferr("trials", CodeTooLarge, "trials must lie between %d and %d", 100, MaxTrials))
	}
	if o.Quantiles == nil {
		o.Quantiles = DefaultQuantiles
	}
	if o.Levels == nil {
		o.Levels = DefaultLevels
	}
	if o.LECPoints == 0 && o.LECThresholds == nil {
		o.LECPoints = 40
	}
	check := func(name string, ps []float64) []float64 {
		if len(ps) > 100 {
			errs = append(errs, ferr(name, CodeTooMany, "at most %d values", 100))
			return nil
		}
		out := slices.Clone(ps)
		for i, p := range ps {
			if !(p > 0 && p < 1) {
				errs = append(errs, ferr(idxPath(name, i), CodeProbability, "%s must lie strictly between 0 and 1", name))
			}
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	o.Quantiles = check("quantiles", o.Quantiles)
	o.Levels = check("levels", o.Levels)
	if o.LECPoints < 0 || o.LECPoints > 1000 {
		errs = append(errs, ferr("lec_points", CodeTooLarge, "lec_points must lie between %d and %d", 0, 1000))
	}
	if len(o.LECThresholds) > 1000 {
		errs = append(errs, ferr("lec_thresholds", CodeTooMany, "at most %d values", 1000))
	}
	for i, x := range o.LECThresholds {
		if !finite(x) {
			errs = append(errs, ferr(idxPath("lec_thresholds", i), CodeNotFinite, "%s must be a finite number", "lec_thresholds"))
		}
	}
	o.LECThresholds = slices.Clone(o.LECThresholds)
	slices.Sort(o.LECThresholds)
	if len(errs) > 0 {
		return o, errs
	}
	return o, nil
}

// tailCount is the number of worst years TVaR at level α averages:
// trials − ⌊trials·α⌋.
func tailCount(n int, a float64) int {
	f := float64(n) * a
	if r := math.Round(f); math.Abs(f-r) < 1e-7*math.Max(1, f) {
		f = r
	}
	return n - int(math.Floor(f))
}

// lecCount is the number of years at or above an exceedance-curve point of
// probability p: ⌈n·p⌉, at least 1.
func lecCount(n int, p float64) int {
	f := float64(n) * p
	if r := math.Round(f); math.Abs(f-r) < 1e-7*math.Max(1, f) {
		f = r
	}
	return max(1, min(n, int(math.Ceil(f))))
}

func topKFor(o *Options) int {
	k := 0
	for _, a := range o.Levels {
		if t := tailCount(o.Trials, a); t <= maxTopK {
			k = max(k, t)
		}
	}
	return k
}

// summarise turns a run into a Result. It reorders rn.total.
func (c *compiled) summarise(rn *run, o *Options) *Result {
	n := rn.n
	res := &Result{Engine: EngineVersion, Seed: o.Seed, Trials: n, Model: c.name, Currency: c.currency,
		Mean: rn.tot.Mean(), SD: rn.tot.SD(), Min: rn.tot.min, Max: rn.tot.max,
		PLoss: float64(rn.tot.pos) / float64(n), Warnings: c.warnings}
	res.MeanSE = res.SD / math.Sqrt(float64(n))

	// Every order statistic needed, as 0-based ranks in ascending order.
	qRanks := func(p float64) (lo, hi int, w float64) {
		h := float64(n-1) * p
		lo = int(math.Floor(h))
		hi = min(lo+1, n-1)
		return lo, hi, h - float64(lo)
	}
	ciRanks := func(p float64) (int, int) {
		np := float64(n) * p
		d := 1.959963984540054 * math.Sqrt(np*(1-p))
		return max(0, int(math.Floor(np-d))-1), min(n-1, int(math.Ceil(np+d))-1)
	}
	var ranks []int
	for _, p := range o.Quantiles {
		lo, hi, _ := qRanks(p)
		l, h := ciRanks(p)
		ranks = append(ranks, lo, hi, l, h)
	}
	for _, a := range o.Levels {
		lo, hi, _ := qRanks(a)
		ranks = append(ranks, lo, hi, n-tailCount(n, a))
	}
	var lecP []float64
	if o.LECPoints > 0 && res.PLoss > 0 {
		pMax := res.PLoss
		pMin := math.Min(pMax, 10/float64(n))
		k := o.LECPoints
		// With 20 points or more, four go to the body of the curve, at
		// P(loss>0)·(1 − 4^−j), j = 1..4, where log-spaced probabilities
		// would leave a gap between the smallest loss and the next point.
		body := 0
		if k >= 20 {
			body = 4
			for j := 1; j <= body; j++ {
				lecP = append(lecP, pMax*(1-math.Pow(4, -float64(j))))
			}
		}
		for j := 0; j < k-body; j++ {
			p := pMax
			if k-body > 1 {
				p = pMax * math.Pow(pMin/pMax, float64(j)/float64(k-body-1))
			}
			lecP = append(lecP, p)
		}
		slices.Sort(lecP)
		slices.Reverse(lecP) // probability descending, so loss ascending
		for _, p := range lecP {
			ranks = append(ranks, n-lecCount(n, p))
		}
	}
	// The TVaR contributions read only the tail buffer: work them out on the
	// other core while the order statistics are selected.
	contrib := make([][]float64, len(o.Levels)) // [level][scenario]
	var wg sync.WaitGroup
	if len(c.sc) > 1 && rn.topK > 0 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var ks []int
			for _, lv := range o.Levels {
				if k := tailCount(n, lv); k <= rn.topK {
					ks = append(ks, k)
				}
			}
			byK := rn.tail.contributions(ks)
			for i, lv := range o.Levels {
				contrib[i] = byK[tailCount(n, lv)]
			}
		}()
	}
	os := newOrderStats(rn.total, ranks)
	wg.Wait()
	q := func(p float64) float64 {
		lo, hi, w := qRanks(p)
		a, b := os.at(lo), os.at(hi)
		return a + w*(b-a)
	}
	for _, p := range o.Quantiles {
		l, h := ciRanks(p)
		res.Quantiles = append(res.Quantiles, Quantile{P: p, Value: q(p), Low: os.at(l), High: os.at(h)})
	}
	for _, a := range o.Levels {
		k := tailCount(n, a)
		res.Risk = append(res.Risk, RiskLevel{Level: a, VaR: q(a), TVaR: os.tailMean(n - k)})
	}
	for j := range lecP { // probability descending, so loss ascending
		p := lecP[j]
		k := lecCount(n, p)
		res.LEC = append(res.LEC, LECPoint{Loss: os.at(n - k), Prob: float64(k) / float64(n)})
	}
	if len(o.LECThresholds) > 0 {
		counts := os.countAbove(o.LECThresholds)
		for i, x := range o.LECThresholds {
			res.LEC = append(res.LEC, LECPoint{Loss: x, Prob: float64(counts[i]) / float64(n)})
		}
		slices.SortStableFunc(res.LEC, func(a, b LECPoint) int {
			switch {
			case a.Loss < b.Loss:
				return -1
			case a.Loss > b.Loss:
				return 1
			}
			return 0
		})
	}

	// Scenarios: TVaR contributions from the worst years kept, level by
	// level from the largest tail down (each tail holds the next).
	for s, sc := range c.sc {
		a := &rn.scen[s]
		sr := ScenarioResult{ID: sc.id, Name: sc.name, Semantics: Compound, Mean: a.Mean(), SD: a.SD(),
			PLoss: float64(a.pos) / float64(n), Vulnerability: rn.vScalars[s]}
		if sc.product {
			sr.Semantics = Product
		}
		sr.MeanSE = sr.SD / math.Sqrt(float64(n))
		if res.Mean != 0 {
			sr.MeanShare = sr.Mean / res.Mean
		} else if len(c.sc) == 1 {
			sr.MeanShare = 1
		}
		for i, lv := range o.Levels {
			var v float64
			switch {
			case len(c.sc) == 1:
				v = res.Risk[i].TVaR
			case contrib[i] != nil:
				v = contrib[i][s]
			default:
				continue
			}
			ct := Contribution{Level: lv, Value: v}
			if t := res.Risk[i].TVaR; t != 0 {
				ct.Share = v / t
			}
			sr.TVaR = append(sr.TVaR, ct)
		}
		res.Scenarios = append(res.Scenarios, sr)
	}
	return res
}

// orderStats answers order-statistic queries on a slice it reorders: the
// top of the slice is sorted, the rest is partitioned at each rank asked for
// (selection, not a full sort: O(n) per level of the rank tree).
type orderStats struct {
	a         []float64
	tailStart int // a[tailStart:] is sorted ascending
}

// tailMin is the smallest tail sorted outright; ranks in it cost nothing more.
const tailMin = 1 << 14

func newOrderStats(a []float64, ranks []int) *orderStats {
	n := len(a)
	// Losses are never negative; loss-free years (often most of them in a
	// compound model) go to the front in one pass and cost nothing after.
	z := partitionEqual(a, 0)
	m := min(n-z, max(tailMin, n/64))
	os := &orderStats{a: a, tailStart: n - m}
	// One multi-rank selection places the start of the tail and every rank
	// below it; the tail is then sorted outright.
	pre := []int{n - m - z}
	for _, r := range ranks {
		if r >= z && r < n-m {
			pre = append(pre, r-z)
		}
	}
	slices.Sort(pre)
	pre = slices.Compact(pre)
	if pre[len(pre)-1] == n-z { // the tail is every positive year
		pre = pre[:len(pre)-1]
	}
	multiSelect(a[z:], pre, 0)
	slices.Sort(a[n-m:])
	return os
}

func (os *orderStats) at(r int) float64 { return os.a[r] }

// tailMean is the mean of a[from:], valid when from is the tail start or one of the selected ranks.
func (os *orderStats) tailMean(from int) float64 {
	var s neumaier
	for _, v := range os.a[from:] {
		s.add(v)
	}
	return s.sum() / float64(len(os.a)-from)
}

// countAbove returns, for each threshold (ascending), how many values exceed it.
func (os *orderStats) countAbove(th []float64) []int {
	out := make([]int, len(th))
	tail := os.a[os.tailStart:]
	var pre []int // thresholds below the tail need a pass over the prefix
	for i, x := range th {
		if len(tail) > 0 && x >= tail[0] {
			out[i] = len(tail) - sort.SearchFloat64s(tail, math.Nextafter(x, math.Inf(1)))
		} else {
			pre = append(pre, i)
		}
	}
	if len(pre) > 0 {
		hist := make([]int, len(pre)+1)
		xs := make([]float64, len(pre))
		for j, i := range pre {
			xs[j] = th[i]
		}
		for _, v := range os.a[:os.tailStart] {
			// number of thresholds strictly below v
			hist[sort.SearchFloat64s(xs, v)]++
		}
		// values above xs[j] are those whose count of thresholds below them exceeds j
		above := len(tail)
		for j := len(pre) - 1; j >= 0; j-- {
			above += hist[j+1]
			out[pre[j]] = above
		}
	}
	return out
}

// quickselect reorders a so that a[k] is the k-th smallest, everything before
// it no greater and everything after it no smaller. The partition is
// branch-free (Lomuto with an unconditional swap, the
// counter into arithmetic on the sign bit), which on random losses is several times
// faster than Hoare's branchy loop; a run of values equal to the pivot (the
// ties of a constant loss, say) is split off so it cannot make the loop quadratic.
func quickselect(a []float64, k int) {
	lo, hi := 0, len(a)-1
	for hi-lo > 32 {
		mid := lo + (hi-lo)/2
		if a[mid] < a[lo] {
			a[mid], a[lo] = a[lo], a[mid]
		}
		if a[hi] < a[lo] {
			a[hi], a[lo] = a[lo], a[hi]
		}
		if a[hi] < a[mid] {
			a[hi], a[mid] = a[mid], a[hi]
		}
		pivot := a[mid]
		a[mid], a[hi] = a[hi], a[mid]
		j := partitionLess(a[lo:hi], pivot) + lo
		a[j], a[hi] = a[hi], a[j]
		switch {
		case k == j:
			return
		case k < j:
			hi = j - 1
		case j == lo:
			// Nothing below the pivot: gather the values equal to it.
			e := partitionEqual(a[j+1:hi+1], pivot) + j + 1
			if k < e {
				return
			}
			lo = e
		default:
			lo = j + 1
		}
	}
	insertionSort(a[lo : hi+1])
}

// partitionLess moves the values below p to the front of a and returns how many there are.
func partitionLess(a []float64, p float64) int {
	j := 0
	for i, v := range a {
		a[i] = a[j]
		a[j] = v
		// v − p is negative exactly when v < p (distinct finite floats never
		// differ by zero): its sign bit is the increment, with no branch.
		j += int(math.Float64bits(v-p) >> 63)
	}
	return j
}

// partitionEqual moves the values equal to p to the front of a and returns how many there are.
func partitionEqual(a []float64, p float64) int {
	j := 0
	for i, v := range a {
		a[i] = a[j]
		a[j] = v
		d := math.Float64bits(v) ^ math.Float64bits(p)
		j += int((d|-d)>>63) ^ 1
	}
	return j
}

func insertionSort(a []float64) {
	for i := 1; i < len(a); i++ {
		v := a[i]
		j := i - 1
		for j >= 0 && a[j] > v {
			a[j+1] = a[j]
			j--
		}
		a[j+1] = v
	}
}

// multiSelect places the order statistic of every rank (ascending, unique,
// offset by off) at its index, recursing on both sides of the middle rank;
// large halves run in parallel.
func multiSelect(a []float64, ranks []int, off int) {
	if len(ranks) == 0 || len(a) < 2 {
		return
	}
	mid := len(ranks) / 2
	r := ranks[mid] - off
	quickselect(a, r)
	left, right := ranks[:mid], ranks[mid+1:]
	if len(a) > 1<<17 && len(left) > 0 && len(right) > 0 {
		var wg sync.WaitGroup
		wg.Add(1)
		go func() { defer wg.Done(); multiSelect(a[:r], left, off) }()
		multiSelect(a[r+1:], right, off+r+1)
		wg.Wait()
		return
	}
	multiSelect(a[:r], left, off)
	multiSelect(a[r+1:], right, off+r+1)
}
