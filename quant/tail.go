package quant

// tailBuf keeps a worker's worst years with their per-scenario losses, for
// the TVaR contributions. Years enter while their total reaches the bar thr;
// when the buffer fills, the k worst are selected, the rest dropped, and the
// bar rises to the least of those kept. Each year costs one comparison once
// the bar has settled near the portfolio VaR. "Worst" is the order "greater
// total, then smaller trial index", so the set kept does not depend on which
// worker ran which block.
type tailBuf struct {
	k, S    int
	thr     float64
	tot     []float64
	tr      []int
	vals    []float64
	spare   []float64  // the other vals slab: shrink copies the kept years into it
	scratch []topEntry // reused by shrink
}

func newTailBuf(k, S int) *tailBuf {
	if k == 0 {
		return &tailBuf{}
	}
	c := 2 * k // each shrink then follows k admissions, so shrinking costs O(1) per admission
	return &tailBuf{k: k, S: S, tot: make([]float64, 0, c), tr: make([]int, 0, c),
		vals: make([]float64, 0, c*S), spare: make([]float64, 0, c*S), scratch: make([]topEntry, 0, c)}
}

func (b *tailBuf) admit(t float64, trial int, row []float64) {
	b.tot = append(b.tot, t)
	b.tr = append(b.tr, trial)
	b.vals = append(b.vals, row...)
	if len(b.tot) == cap(b.tot) {
		b.shrink()
	}
}

// shrink keeps the k worst years and raises the bar to the least of them.
func (b *tailBuf) shrink() {
	if len(b.tot) <= b.k {
		return
	}
	es := b.scratch[:0]
	for i := range b.tot {
		es = append(es, topEntry{total: b.tot[i], trial: b.tr[i], vals: b.vals[i*b.S : (i+1)*b.S : (i+1)*b.S]})
	}
	selectWorst(es, b.k)
	vals := b.spare[:b.k*b.S]
	thr := es[0].total
	for i, e := range es[:b.k] {
		b.tot[i], b.tr[i] = e.total, e.trial
		copy(vals[i*b.S:], e.vals)
		thr = min(thr, e.total)
	}
	b.spare = b.vals[:0]
	b.tot, b.tr, b.vals, b.thr = b.tot[:b.k], b.tr[:b.k], vals, thr
	b.scratch = es[:0]
}

// entries returns the years kept, whose vals point into the buffer.
func (b *tailBuf) entries() []topEntry {
	out := make([]topEntry, len(b.tot))
	for i := range b.tot {
		out[i] = topEntry{total: b.tot[i], trial: b.tr[i], vals: b.vals[i*b.S : (i+1)*b.S : (i+1)*b.S]}
	}
	return out
}

// worse reports whether a is a worse year than b.
func worse(a, b *topEntry) bool {
	return a.total > b.total || (a.total == b.total && a.trial < b.trial)
}

// selectWorst reorders es so that its k worst years come first (quickselect;
// the order within es[:k] is unspecified).
func selectWorst(es []topEntry, k int) {
	lo, hi := 0, len(es)-1
	for hi > lo {
		mid := lo + (hi-lo)/2
		// median of three, "worst" first
		if worse(&es[mid], &es[lo]) {
			es[mid], es[lo] = es[lo], es[mid]
		}
		if worse(&es[hi], &es[lo]) {
			es[hi], es[lo] = es[lo], es[hi]
		}
		if worse(&es[hi], &es[mid]) {
			es[hi], es[mid] = es[mid], es[hi]
		}
		p := es[mid]
		i, j := lo, hi
		for i <= j {
			for worse(&es[i], &p) {
				i++
			}
			for worse(&p, &es[j]) {
				j--
			}
			if i <= j {
				es[i], es[j] = es[j], es[i]
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
