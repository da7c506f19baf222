package quant

import (
	"math"
	"slices"
	"sync"
	"sync/atomic"
)

// tailBuf keeps the worst years of a portfolio run with their per-scenario
// losses, for the TVaR contributions. It is shared by the workers: each
// gathers the years of a block whose total reaches the bar, then appends
// them under the lock. When the buffer holds 2k years, the k worst are
// selected, the rest dropped, and the bar rises to the least of those kept,
// so trimming costs O(1) per year admitted and, once the bar has settled
// near the portfolio VaR, a year costs one comparison. "Worst" is the order
// "greater total, then smaller trial index": the set kept is the same
// whichever worker ran which block.
type tailBuf struct {
	mu      sync.Mutex
	k, S    int
	bar     atomic.Uint64 // float64 bits of the bar
	tot     []float64
	tr      []int32
	vals    []float64 // S per year
	keep    []bool
	scratch []float64
}

func newTailBuf(k, S int) *tailBuf {
	b := &tailBuf{k: k, S: S}
	if k == 0 {
		b.bar.Store(math.Float64bits(math.Inf(1)))
		return b
	}
	c := 2 * k
	b.tot, b.tr = make([]float64, 0, c), make([]int32, 0, c)
	b.vals = make([]float64, 0, c*S)
	b.keep, b.scratch = make([]bool, c), make([]float64, c)
	return b
}

func (b *tailBuf) threshold() float64 { return math.Float64frombits(b.bar.Load()) }

// add appends a block's candidates: totals, trial numbers and S values each.
func (b *tailBuf) add(tot []float64, tr []int32, vals []float64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for len(tot) > 0 {
		n := min(len(tot), cap(b.tot)-len(b.tot))
		b.tot = append(b.tot, tot[:n]...)
		b.tr = append(b.tr, tr[:n]...)
		b.vals = append(b.vals, vals[:n*b.S]...)
		tot, tr, vals = tot[n:], tr[n:], vals[n*b.S:]
		if len(b.tot) == cap(b.tot) {
			b.trim(b.k)
		}
	}
}

// worstSet marks in keep the k worst years of the buffer: those whose total
// exceeds the k-th largest total v, then, among the years whose total equals
// v, those with the smallest trial numbers. The k-th largest comes from a
// branch-free quickselect on a copy of the totals, so marking costs O(len).
func (b *tailBuf) worstSet(k int, keep []bool) {
	n := len(b.tot)
	clear(keep[:n])
	if k >= n {
		for i := range keep[:n] {
			keep[i] = true
		}
		return
	}
	sc := b.scratch[:n]
	copy(sc, b.tot)
	quickselect(sc, n-k)
	v := sc[n-k]
	var ties []int
	above := 0
	for i, t := range b.tot {
		switch {
		case t > v:
			keep[i] = true
			above++
		case t == v:
			ties = append(ties, i)
		}
	}
	// Ties at the boundary go to the smallest trial numbers, whichever worker held them.
	slices.SortFunc(ties, func(x, y int) int { return int(b.tr[x]) - int(b.tr[y]) })
	for _, i := range ties[:k-above] {
		keep[i] = true
	}
}

// trim keeps the k worst years, in trial-buffer order, and raises the bar.
func (b *tailBuf) trim(k int) {
	if len(b.tot) <= k {
		return
	}
	keep := b.keep[:len(b.tot)]
	b.worstSet(k, keep)
	n, S := 0, b.S
	bar := math.Inf(1)
	for i, kept := range keep {
		if !kept {
			continue
		}
		b.tot[n], b.tr[n] = b.tot[i], b.tr[i]
		copy(b.vals[n*S:(n+1)*S], b.vals[i*S:(i+1)*S])
		bar = min(bar, b.tot[n])
		n++
	}
	b.tot, b.tr, b.vals = b.tot[:k], b.tr[:k], b.vals[:k*S]
	b.bar.Store(math.Float64bits(bar))
}

// contributions returns, for each tail size in ks (each at most k), the mean
// of every scenario's loss over that many worst years. It trims the buffer.
func (b *tailBuf) contributions(ks []int) map[int][]float64 {
	out := map[int][]float64{}
	desc := slices.Clone(ks)
	slices.Sort(desc)
	slices.Reverse(desc)
	for _, k := range desc {
		if k > b.k || k == 0 || out[k] != nil {
			continue
		}
		b.trim(k) // each tail holds the next, smaller one
		if len(b.tot) < k {
			continue
		}
		sums := make([]neumaier, b.S)
		for i := range b.tot {
			for s := range sums {
				sums[s].add(b.vals[i*b.S+s])
			}
		}
		c := make([]float64, b.S)
		for s := range sums {
			c[s] = sums[s].sum() / float64(k)
		}
		out[k] = c
	}
	return out
}
