package export

import (
	"io"
	"runtime"
	"runtime/metrics"
	"sync/atomic"
	"testing"
	"time"
)

// peakHeap runs fn while sampling the heap, and returns its peak growth.
func peakHeap(fn func()) uint64 {
	runtime.GC()
	read := func() uint64 {
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		metrics.Read(s)
		return s[0].Value.Uint64()
	}
	base := read()
	var peak atomic.Uint64
	done := make(chan bool)
	stopped := make(chan bool)
	go func() {
		defer close(stopped)
		for {
			if v := read(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()
	fn()
	close(done)
	<-stopped
	if peak.Load() < base {
		return 0
	}
	return peak.Load() - base
}

// A streamed sheet keeps memory flat: excelize holds at most 16 MiB of XML
// before it spills to a temporary file, so 400,000 rows peak about where
// 100,000 do.
func TestExportStreamFlatMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	tb := &Table{Sheet: "保单明细", Columns: []Column{{Title: "保单号"}, {Title: "保险机构"}, {Title: "投保企业"},
		{Title: "起保日期", Kind: Date}, {Title: "保费", Kind: Money}, {Title: "理赔", Kind: Integer}}}
	peaks := map[int]uint64{}
	for _, n := range []int{100_000, 400_000} {
		start := time.Now()
		var err error
		peaks[n] = peakHeap(func() {
			err = StreamXLSX(io.Discard, "zh-CN", tb, func(emit func([]any) error) error {
				row := make([]any, 6)
				for i := range n {
					row[0], row[1], row[2], row[3], row[4], row[5] = "P2026000012345", "中国人民财产保险股份有限公司", "某某科技有限公司",
						"2026-01-02", int64(i*100+5), int64(i%7)
					if err := emit(row); err != nil {
						return err
					}
				}
				return nil
			})
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%d rows in %v, peak heap +%d MiB", n, time.Since(start).Round(time.Millisecond), peaks[n]>>20)
	}
	if peaks[400_000] > 128<<20 || peaks[400_000] > 2*peaks[100_000]+16<<20 {
		t.Errorf("memory grows with rows: %d MiB for 100k rows, %d MiB for 400k", peaks[100_000]>>20, peaks[400_000]>>20)
	}
}
