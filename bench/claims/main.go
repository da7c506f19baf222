// Command claims measures the claims calculator (package claims) in process:
//
//	go run ./bench/claims [-n 1000000]
//
// It calculates claims.Sample, a realistic mixed claim (a ransomware attack
// on a combined policy: eight loss items including four days of business
// interruption under a time-deductible waiting period, three exclusion
// clauses of which two are assessed, sublimits eroded by an earlier claim,
// a finding surcharge, coinsurance and a ransom held for consent), -n times
// on one goroutine with GOMAXPROCS=1 (garbage collection on the same core),
// after a warm-up of n/10. It prints calculations/s on the wall clock,
// calculations per CPU-second of the process (which other load on the
// machine changes less), ns, allocations and bytes per calculation.
// Target: more than 100,000 calculations/s on one core.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/anbao/anbao/claims"
	"github.com/anbao/anbao/cover"
)

const target = 100_000 // calculations/s on one core

func main() {
	n := flag.Int("n", 1_000_000, "calculations to time")
	flag.Parse()
	if *n < 1 {
		fmt.Fprintln(os.Stderr, "bench/claims: -n must be positive")
		os.Exit(2)
	}
	runtime.GOMAXPROCS(1)
	in := claims.Sample()
	r, err := claims.Calculate(in)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench/claims:", err)
		os.Exit(1)
	}
	fmt.Printf("claims calculator: sample claim of %d items, %d exclusion clauses (%d assessed), %d CPUs, Go %s\n",
		len(in.Items), len(in.Terms.Exclusions), len(in.Exclusions), runtime.NumCPU(), runtime.Version())
	fmt.Printf("result: payable %s, held %s, retention %s (%s), %d trace steps\n",
		cover.Yuan(r.Payable), cover.Yuan(r.Held), cover.Yuan(r.Retention), r.RetentionBasis, len(r.Steps))
	fmt.Printf("machine load average at start: %s\n\n", loadavg())

	run(in, max(*n/10, 1))
	runtime.GC()
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	c0, t0 := cpuTime(), time.Now()
	run(in, *n)
	wall, cpu := time.Since(t0), cpuTime()-c0
	runtime.ReadMemStats(&m1)

	perSec := float64(*n) / wall.Seconds()
	verdict := "MISS"
	if perSec > target {
		verdict = "PASS"
	}
	fmt.Printf("%12s  %15s  %19s  %7s  %11s  %6s  %s\n", "calculations", "calculations/s", "calculations/CPU-s", "ns/op", "allocs/op", "B/op", "target")
	fmt.Printf("%12d  %15.0f  %19.0f  %7.0f  %11.1f  %6.0f  > %d/s %s\n", *n, perSec, float64(*n)/cpu.Seconds(),
		float64(wall.Nanoseconds())/float64(*n), float64(m1.Mallocs-m0.Mallocs)/float64(*n),
		float64(m1.TotalAlloc-m0.TotalAlloc)/float64(*n), target, verdict)
	fmt.Printf("\nmachine load average at end: %s\n", loadavg())
	fmt.Println("calculations/CPU-s divides by the process's user+system CPU time (GC included); calculations/s by the wall clock.")
}

// run calculates in n times on this goroutine.
func run(in *claims.Input, n int) {
	for range n {
		if _, err := claims.Calculate(in); err != nil {
			panic(err)
		}
	}
}

// cpuTime is the process's user + system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}
