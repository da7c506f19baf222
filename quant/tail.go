package quant

import (
	"math"
	"sync"
	"sync/atomic"
)

// tailBuf keeps the worst years of a portfolio run with their per-scenario
// losses, for the TVaR contributions. It is shared by the workers: each
// gathers the years of a block whose total reaches the bar, then appends
// them under the lock. When the buffer holds 1.5k years, the k worst are
// selected, the rest dropped, and the bar rises to the least of those kept,
// so trimming costs O(1) per year admitted and, once the bar has settled
// near the portfolio VaR, a year costs one comparison. "Worst" is the order
// "greater total, then smaller trial index": the set kept is the same
// whichever worker ran which block.
type tailBuf struct {
	mu    sync.Mutex
	k, S  int
	bar   atomic.Uint64 // float64 bits of the bar
	tot   []float64
	tr    []int32
	vals  []float64 // S per year
	idx   []int32
	keep  []bool
}

func newTailBuf(k, S int) *tailBuf {
	b := &tailBuf{k: k, S: S}
	if k == 0 {
		b.bar.Store(math.Float64bits(math.Inf(1)))
		return b
	}
	c := k + k/2
	b.tot, b.tr = make([]float64, 0, c), make([]int32, 0, c)
	b.vals = make([]float64, 0, c*S)
	b.idx, b.keep = make([]int32, 0, c), make([]bool, c)
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

// worse reports whether year i is worse than year j.
func (b *tailBuf) worse(i, j int32) bool {
	return b.tot[i] > b.tot[j] || (b.tot[i] == b.tot[j] && b.tr[i] < b.tr[j])
}

// trim keeps the k worst years, in no particular order, and raises the bar.
func (b *tailBuf) trim(k int) {
	if len(b.tot) <= k {
		return
	}
	idx := b.idx[:len(b.tot)]
	for i := range idx {
		idx[i] = int32(i)
	}
	b.selectWorst(idx, k)
	// Mark the years kept and slide them down in place, in their order.
	keep := b.keep[:len(b.tot)]
	clear(keep)
	for _, i := range idx[:k] {
		keep[i] = true
	}
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

// selectWorst reorders idx so that its k worst years come first (quickselect).
func (b *tailBuf) selectWorst(idx []int32, k int) {
	lo, hi := 0, len(idx)-1
	for hi > lo {
		mid := lo + (hi-lo)/2
		if b.worse(idx[mid], idx[lo]) {
			idx[mid], idx[lo] = idx[lo], idx[mid]
		}
		if b.worse(idx[hi], idx[lo]) {
			idx[hi], idx[lo] = idx[lo], idx[hi]
		}
		if b.worse(idx[hi], idx[mid]) {
			idx[hi], idx[mid] = idx[mid], idx[hi]
		}
		p := idx[mid]
		i, j := lo, hi
		for i <= j {
			for b.worse(idx[i], p) {
				i++
			}
			for b.worse(p, idx[j]) {
				j--
			}
			if i <= j {
				idx[i], idx[j] = idx[j], idx[i]
				i++
				j--
			}
		}
		switch {
		case k-1 <= j:
			hi = j
		case k-1 >= i:
			lo = i
		default:
			return
		}
	}
}

// contributions returns, for each tail size in ks (each at most k), the mean
// of every scenario's loss over that many worst years. It reorders the buffer.
func (b *tailBuf) contributions(ks []int) map[int][]float64 {
	b.trim(b.k)
	out := map[int][]float64{}
	idx := b.idx[:len(b.tot)]
	for i := range idx {
		idx[i] = int32(i)
	}
	// Largest tail first: each selection works inside the previous one.
	sorted := append([]int(nil), ks...)
	for i := 1; i < len(sorted); i++ {
		for j := i; j > 0 && sorted[j] > sorted[j-1]; j-- {
			sorted[j], sorted[j-1] = sorted[j-1], sorted[j]
		}
	}
	for _, k := range sorted {
		if k > len(idx) || k == 0 {
			continue
		}
		b.selectWorst(idx, k)
		idx = idx[:k]
		sums := make([]neumaier, b.S)
		for _, i := range idx {
			for s := range sums {
				sums[s].add(b.vals[int(i)*b.S+s])
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
