package assess

import (
	"testing"
	"time"
)

// BenchmarkScoreOne scores one synthetic enterprise with its explanation
// (every remedial item re-scored).
func BenchmarkScoreOne(b *testing.B) {
	in := synthMany(1, 8)[0]
	v := Current().Version
	for b.Loop() {
		if _, err := Score(v, in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRescore2000 re-scores 2,000 synthetic enterprises, with
// explanations, as after a methodology change; target < 2 s. It prints the
// time of one full pass.
func BenchmarkRescore2000(b *testing.B) {
	ins := synthMany(2000, 9)
	v := Current().Version
	var items int
	for b.Loop() {
		start := time.Now()
		items = 0
		for _, in := range ins {
			r, err := Score(v, in)
			if err != nil {
				b.Fatal(err)
			}
			items += len(r.Items)
		}
		b.Logf("re-scored 2,000 enterprises (%d items, each remedial one re-scored) in %v", items, time.Since(start))
	}
}
