// Package measure times repeated runs for the benchmark programs.
package measure

import (
	"slices"
	"time"
)

// Median runs f runs times and returns the median wall time.
func Median(runs int, f func()) time.Duration {
	var ds []time.Duration
	for range max(runs, 1) {
		t := time.Now()
		f()
		ds = append(ds, time.Since(t))
	}
	slices.Sort(ds)
	return ds[len(ds)/2]
}

// MS is d in milliseconds, to the microsecond.
func MS(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
