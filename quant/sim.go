package quant

import (
	"context"
	"math"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
)

// blockSize is the number of trials that share one random stream per
// scenario. It is part of the reproducibility contract: changing it changes
// the numbers, and so the engine version.
const blockSize = 4096

// maxTopK bounds the tail kept for TVaR contributions: contributions are
// reported at the levels whose tail holds at most this many trials (every
// default level up to 1,310,720 trials; levels from 0.987 up at
// 10,000,000). It bounds the memory a portfolio run needs beyond its
// totals: 2·maxTopK·(21 + 8·S) bytes at most.
const maxTopK = 1 << 17

// Stream ids: 0 drives the copula, 1..S the scenarios.

// neumaier is a compensated sum (Neumaier's improvement of Kahan's).
type neumaier struct{ s, c float64 }

func (a *neumaier) add(x float64) {
	t := a.s + x
	if math.Abs(a.s) >= math.Abs(x) {
		a.c += (a.s - t) + x
	} else {
		a.c += (x - t) + a.s
	}
	a.s = t
}

func (a neumaier) sum() float64 { return a.s + a.c }

// moments of one block of values: a compensated sum, the sum of squared
// deviations from the block mean, the count of positive values, the extremes.
type moments struct {
	n        int
	sum      neumaier
	m2       float64
	pos      int
	min, max float64
}

func blockMoments(x []float64) moments {
	m := moments{n: len(x), min: math.Inf(1), max: math.Inf(-1)}
	// Four interleaved lanes break the dependency chain of the compensated
	// sum; they are combined in a fixed order, so the result stays reproducible.
	var s [4]neumaier
	i := 0
	for ; i+4 <= len(x); i += 4 {
		s[0].add(x[i])
		s[1].add(x[i+1])
		s[2].add(x[i+2])
		s[3].add(x[i+3])
	}
	for ; i < len(x); i++ {
		s[0].add(x[i])
	}
	for l := 1; l < 4; l++ {
		s[0].add(s[l].s)
		s[0].add(s[l].c)
	}
	m.sum = s[0]
	mean := m.sum.sum() / float64(m.n)
	var q [4]float64
	pos := 0
	i = 0
	for ; i+4 <= len(x); i += 4 {
		d0, d1, d2, d3 := x[i]-mean, x[i+1]-mean, x[i+2]-mean, x[i+3]-mean
		q[0] += d0 * d0
		q[1] += d1 * d1
		q[2] += d2 * d2
		q[3] += d3 * d3
	}
	for ; i < len(x); i++ {
		d := x[i] - mean
		q[0] += d * d
	}
	m.m2 = (q[0] + q[1]) + (q[2] + q[3])
	for _, v := range x {
		// losses are ≥ 0: a positive value has a non-zero bit pattern
		b := math.Float64bits(v)
		pos += int((b | -b) >> 63)
		if v < m.min {
			m.min = v
		}
		if v > m.max {
			m.max = v
		}
	}
	m.pos = pos
	return m
}

// acc combines block moments in block order (Chan et al. for the squares,
// Neumaier for the sum), so the result never depends on which worker ran which block.
type acc struct {
	n        int
	sum      neumaier
	mean, m2 float64
	pos      int
	min, max float64
}

func newAcc() acc { return acc{min: math.Inf(1), max: math.Inf(-1)} }

func (a *acc) merge(b moments) {
	if b.n == 0 {
		return
	}
	bm := b.sum.sum() / float64(b.n)
	n := a.n + b.n
	d := bm - a.mean
	a.m2 += b.m2 + d*d*float64(a.n)*float64(b.n)/float64(n)
	a.mean += d * float64(b.n) / float64(n)
	a.n = n
	a.sum.add(b.sum.s)
	a.sum.add(b.sum.c)
	a.pos += b.pos
	if b.min < a.min {
		a.min = b.min
	}
	if b.max > a.max {
		a.max = b.max
	}
}

func (a *acc) Mean() float64 { return a.sum.sum() / float64(a.n) }
func (a *acc) SD() float64 {
	if a.n < 2 {
		return 0
	}
	return math.Sqrt(a.m2 / float64(a.n-1))
}

// trial draws one year of scenario c.
func (c *cscenario) trial(r *rng) float64 {
	if c.product {
		return c.freqValue(r) * c.magnitude(r)
	}
	var k float64
	switch {
	case c.constRate && c.fmode == fLEF:
		if c.big {
			k = r.poissonPTRS(&c.pt)
		} else {
			k = poissonInv(c.rate, c.expL, r.u01())
		}
	case c.fmode == fTEFTCRS:
		// Threat events arrive at rate TEF; each is a loss event iff the
		// threat's capability beats the resistance drawn for it.
		var n float64
		switch {
		case c.constRate && c.big:
			n = r.poissonPTRS(&c.pt)
		case c.constRate:
			n = poissonInv(c.rate, c.expL, r.u01())
		default:
			n = r.poisson(c.tefValue(r))
		}
		for ; n > 0; n-- {
			if c.tc.draw(r) > c.rs.draw(r) {
				k++
			}
		}
	default:
		k = r.poisson(c.freqValue(r))
	}
	var sum float64
	for ; k > 0; k-- {
		sum += c.magnitude(r)
	}
	return sum
}

// sparseRate is the largest constant rate simulated event by event: below
// it, placing the events is cheaper than a uniform per year, and the
// loss-free years cost nothing.
const sparseRate = 0.5

// fillSparse simulates a block of years of a compound scenario with a
// constant rate λ as one Poisson process on [0, years): the number of events
// in the block is Poisson(λ·years), and given that number the events fall
// independently and uniformly, so each year's count is Poisson(λ),
// independent of the others — exactly the compound model, at a cost of one
// uniform and one magnitude per event. It returns the years with an event,
// in the order first hit.
func (c *cscenario) fillSparse(r *rng, buf []float64, nz []int32, seen *[blockSize / 64]uint64) []int32 {
	clear(buf)
	clear(seen[:])
	nz = nz[:0]
	n := float64(len(buf))
	mean := c.rate * n
	var m float64
	if mean < 30 {
		m = poissonInv(mean, math.Exp(-mean), r.u01())
	} else {
		p := newPTRS(mean)
		m = r.poissonPTRS(&p)
	}
	for ; m > 0; m-- {
		i := int(r.u01() * n)
		w, bit := i>>6, uint64(1)<<(i&63)
		if seen[w]&bit == 0 {
			seen[w] |= bit
			nz = append(nz, int32(i))
		}
		buf[i] += c.magnitude(r)
	}
	return nz
}

// sparseMoments is blockMoments for a block whose non-zero years are listed.
func sparseMoments(x []float64, nz []int32) moments {
	m := moments{n: len(x), min: math.Inf(1), max: math.Inf(-1)}
	for _, i := range nz {
		v := x[i]
		m.sum.add(v)
		if v > 0 {
			m.pos++
		}
		m.min = min(m.min, v)
		m.max = max(m.max, v)
	}
	if len(nz) < len(x) {
		m.min = min(m.min, 0)
		m.max = max(m.max, 0)
	}
	mean := m.sum.sum() / float64(m.n)
	for _, i := range nz {
		d := x[i] - mean
		m.m2 += d * d
	}
	m.m2 += float64(len(x)-len(nz)) * mean * mean
	return m
}

func (c *cscenario) tefValue(r *rng) float64 {
	if c.tef != nil {
		return c.tef.draw(r)
	}
	return c.contact.draw(r) * c.action.draw(r)
}

// freqValue is the loss event frequency of one trial (product semantics, or
// the Poisson rate of compound semantics).
func (c *cscenario) freqValue(r *rng) float64 {
	switch c.fmode {
	case fLEF:
		return c.lef.draw(r)
	case fTEFV:
		t := c.tefValue(r)
		return t * c.vuln.draw(r)
	default: // product with TC/RS: the scalar vulnerability of the pre-pass
		return c.tefValue(r) * c.vScalar
	}
}

func (c *cscenario) magnitude(r *rng) float64 {
	if c.lm != nil {
		return c.lm.draw(r)
	}
	v := c.pl.draw(r)
	if c.slef != nil {
		v += c.slef.draw(r) * c.slem.draw(r)
	}
	return v
}

// run holds what the simulation produced before the statistics.
type run struct {
	n        int
	total    []float64 // annual portfolio loss per trial, in trial order
	tot      acc
	scen     []acc
	tail     *tailBuf // the worst years with their per-scenario losses (portfolios only)
	topK     int
	vScalars []float64
}

// workers resolves the worker count.
func workers(w int) int {
	if w <= 0 {
		w = runtime.GOMAXPROCS(0)
	}
	return max(1, w)
}

// simulate runs every block of the model and returns per-trial totals and moments.
func (c *compiled) simulate(ctx context.Context, o *Options, topK int) (*run, error) {
	n := o.Trials
	S := len(c.sc)
	nb := (n + blockSize - 1) / blockSize
	W := min(workers(o.Workers), nb)
	rn := &run{n: n, total: make([]float64, n), vScalars: make([]float64, S)}

	for s, sc := range c.sc {
		rn.vScalars[s] = sc.vScalar
	}

	totM := make([]moments, nb)
	scM := make([]moments, nb*S)
	if S == 1 {
		topK = 0
	}
	rn.topK = topK
	tail := newTailBuf(topK, S)
	rn.tail = tail
	var next atomic.Int64
	var stop atomic.Bool
	var wg sync.WaitGroup
	for w := 0; w < W; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var bufs [][]float64
			if S > 1 {
				bufs = make([][]float64, S)
				for s := range bufs {
					bufs[s] = make([]float64, blockSize)
				}
			}
			var cop *copulaBuf
			if c.chol != nil {
				cop = newCopulaBuf(S)
			}
			var nz []int32 // the event years of a sparse scenario's block
			var seen [blockSize / 64]uint64
			var cTot []float64
			var cTr []int32
			var cVals []float64
			for {
				b := int(next.Add(1) - 1)
				if b >= nb || stop.Load() {
					return
				}
				if b&15 == 0 && ctx.Err() != nil {
					stop.Store(true)
					return
				}
				start := b * blockSize
				cnt := min(blockSize, n-start)
				dst := rn.total[start : start+cnt]
				if S == 1 {
					r := newRNG(o.Seed, 1, uint64(b))
					sc := c.sc[0]
					if sc.sparse {
						nz = sc.fillSparse(&r, dst, nz, &seen)
						totM[b] = sparseMoments(dst, nz)
					} else {
						for i := range dst {
							dst[i] = sc.trial(&r)
						}
						totM[b] = blockMoments(dst)
					}
					scM[b] = totM[b]
					continue
				}
				for s, sc := range c.sc {
					r := newRNG(o.Seed, uint64(s)+1, uint64(b))
					buf := bufs[s][:cnt]
					if sc.sparse && cop == nil {
						nz = sc.fillSparse(&r, buf, nz, &seen)
						scM[b*S+s] = sparseMoments(buf, nz)
						continue
					}
					for i := range buf {
						buf[i] = sc.trial(&r)
					}
				}
				if cop != nil {
					r := newRNG(o.Seed, 0, uint64(b))
					cop.reorder(&r, c, bufs, cnt)
				}
				for i := range dst {
					t := 0.0
					for s := range bufs {
						t += bufs[s][i]
					}
					dst[i] = t
				}
				for s, sc := range c.sc {
					if !(sc.sparse && cop == nil) {
						scM[b*S+s] = blockMoments(bufs[s][:cnt])
					}
				}
				totM[b] = blockMoments(dst)
				if topK > 0 {
					bar := tail.threshold()
					cTot, cTr, cVals = cTot[:0], cTr[:0], cVals[:0]
					for i, t := range dst {
						if t < bar {
							continue
						}
						cTot = append(cTot, t)
						cTr = append(cTr, int32(start+i))
						for s := range bufs {
							cVals = append(cVals, bufs[s][i])
						}
					}
					if len(cTot) > 0 {
						tail.add(cTot, cTr, cVals)
					}
				}
			}
		}()
	}
	wg.Wait()
	if stop.Load() || ctx.Err() != nil {
		return nil, ctxErr(ctx)
	}
	rn.tot = newAcc()
	rn.scen = make([]acc, S)
	for s := range rn.scen {
		rn.scen[s] = newAcc()
	}
	for b := 0; b < nb; b++ {
		rn.tot.merge(totM[b])
		for s := 0; s < S; s++ {
			rn.scen[s].merge(scM[b*S+s])
		}
	}
	return rn, nil
}

// ErrCanceled is returned when the context ends before the run does.
type ErrCanceled struct{ Cause error }

func (e *ErrCanceled) Error() string { return "quant: simulation stopped: " + e.Cause.Error() }
func (e *ErrCanceled) Unwrap() error { return e.Cause }

func ctxErr(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return &ErrCanceled{Cause: err}
	}
	return &ErrCanceled{Cause: context.Canceled}
}

// copulaBuf reorders the scenarios' losses within a block so that their ranks
// follow a Gaussian copula (Iman and Conover, 1982): the margins are
// untouched, and the rank correlation is the one asked for.
type copulaBuf struct {
	z    []float64 // blockSize × S correlated normals
	eps  []float64
	idx  []int32
	sort []float64
}

func newCopulaBuf(S int) *copulaBuf {
	return &copulaBuf{z: make([]float64, blockSize*S), eps: make([]float64, S), idx: make([]int32, blockSize), sort: make([]float64, blockSize)}
}

func (cb *copulaBuf) reorder(r *rng, c *compiled, bufs [][]float64, cnt int) {
	S := len(bufs)
	L := c.chol
	for i := 0; i < cnt; i++ {
		for j := range cb.eps {
			cb.eps[j] = r.norm()
		}
		for a := 0; a < S; a++ {
			v := 0.0
			for k := 0; k <= a; k++ {
				v += L[a*S+k] * cb.eps[k]
			}
			cb.z[i*S+a] = v
		}
	}
	for _, s := range c.corrIdx {
		idx := cb.idx[:cnt]
		for i := range idx {
			idx[i] = int32(i)
		}
		z := cb.z
		slices.SortFunc(idx, func(a, b int32) int {
			za, zb := z[int(a)*S+s], z[int(b)*S+s]
			switch {
			case za < zb:
				return -1
			case za > zb:
				return 1
			}
			return int(a - b)
		})
		sorted := cb.sort[:cnt]
		copy(sorted, bufs[s][:cnt])
		slices.Sort(sorted)
		for rank, i := range idx {
			bufs[s][i] = sorted[rank]
		}
	}
}
