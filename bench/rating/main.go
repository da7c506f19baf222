// Command rating measures the rating engine (package rating) in process:
//
//	go run ./bench/rating [-d 5s] [-inputs 4096] [-seed 1]
//
// It draws -inputs realistic requests (industry, revenue, grade, controls,
// claims, expected loss, option) for rating.SeedDefinition and prices them
// round robin on rating.SeedConfig in four phases of -d each, after a short
// warm-up: rating.Rate, which validates the definition and the config on
// every call, and Rater.Rate, validated once by rating.NewRater; each on one
// goroutine with GOMAXPROCS=1 (garbage collection on the same core), then on
// one goroutine per CPU. For each it prints quotes/s on the wall clock,
// quotes per CPU-second of the process (which other load on the machine
// changes less), ns and allocations per quote. Target: more than 50,000
// quotes/s on one core with rating.Rate.
package main

import (
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/anbao/anbao/cover"
	"github.com/anbao/anbao/rating"
)

const target = 50_000 // quotes/s on one core

func main() {
	d := flag.Duration("d", 5*time.Second, "measured time per phase")
	n := flag.Int("inputs", 4096, "distinct requests, priced round robin")
	seed := flag.Uint64("seed", 1, "seed of the request draws")
	flag.Parse()
	if *n < 1 || *d <= 0 {
		fmt.Fprintln(os.Stderr, "bench/rating: -inputs and -d must be positive")
		os.Exit(2)
	}
	cfg, def := rating.SeedConfig(), rating.SeedDefinition()
	rng := rand.New(rand.NewPCG(*seed, 0x5eed))
	ins := make([]*rating.Input, *n)
	for i := range ins {
		ins[i] = draw(rng, def)
	}
	mix := map[string]int{}
	premiums := make([]int64, 0, len(ins))
	for _, in := range ins {
		r, err := rating.Rate(def, cfg, in)
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench/rating:", err)
			os.Exit(1)
		}
		mix[r.Decision]++
		premiums = append(premiums, r.Premium)
	}
	slices.Sort(premiums)
	fmt.Printf("rating engine: %s, %d requests on the seed product (%s %s, %s), %d CPUs, Go %s\n",
		rating.ConfigVersion, len(ins), def.Type, rating.FormatYuan(def.MinLimit), rating.FormatYuan(def.MaxLimit), runtime.NumCPU(), runtime.Version())
	fmt.Printf("requests: %.1f%% quoted, %.1f%% referred, %.1f%% declined; premium median %s, 10%%–90%% %s–%s\n",
		pct(mix[rating.Quoted], len(ins)), pct(mix[rating.Referred], len(ins)), pct(mix[rating.Declined], len(ins)),
		rating.FormatYuan(premiums[len(premiums)/2]), rating.FormatYuan(premiums[len(premiums)/10]), rating.FormatYuan(premiums[len(premiums)*9/10]))
	fmt.Printf("machine load average at start: %s\n\n", loadavg())

	fmt.Printf("%-10s  %7s  %9s  %12s  %8s  %12s  %7s  %s\n", "call", "workers", "quotes/s", "quotes/CPU-s", "ns/quote", "allocs/quote", "B/quote", "target")
	rt, err := rating.NewRater(def, cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench/rating:", err)
		os.Exit(1)
	}
	rate := func(in *rating.Input) (*rating.Result, error) { return rating.Rate(def, cfg, in) }
	one := phase(rate, ins, 1, *d)
	verdict := "MISS"
	if one.perSec > target {
		verdict = "PASS"
	}
	one.print("Rate", fmt.Sprintf("> %d/s %s", target, verdict))
	phase(rate, ins, runtime.NumCPU(), *d).print("Rate", "")
	phase(rt.Rate, ins, 1, *d).print("Rater.Rate", "")
	phase(rt.Rate, ins, runtime.NumCPU(), *d).print("Rater.Rate", "")
	fmt.Printf("\nmachine load average at end: %s\n", loadavg())
	fmt.Println("quotes/CPU-s divides by the process's user+system CPU time (GC included); quotes/s by the wall clock.")
}

type rateFunc func(*rating.Input) (*rating.Result, error)

type result struct {
	workers               int
	quotes                int64
	perSec, perCPU, ns    float64
	allocsPerQ, bytesPerQ float64
}

func (r result) print(name, target string) {
	fmt.Printf("%-10s  %7d  %9.0f  %12.0f  %8.0f  %12.1f  %7.0f  %s\n", name, r.workers, r.perSec, r.perCPU, r.ns, r.allocsPerQ, r.bytesPerQ, target)
}

// phase prices requests on workers goroutines (GOMAXPROCS = workers) for d
// after a warm-up of d/10.
func phase(rate rateFunc, ins []*rating.Input, workers int, d time.Duration) result {
	prev := runtime.GOMAXPROCS(workers)
	defer runtime.GOMAXPROCS(prev)
	run(rate, ins, workers, d/10)
	runtime.GC()
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	c0, t0 := cpuTime(), time.Now()
	q := run(rate, ins, workers, d)
	wall, cpu := time.Since(t0), cpuTime()-c0
	runtime.ReadMemStats(&m1)
	return result{
		workers: workers, quotes: q,
		perSec:     float64(q) / wall.Seconds(),
		perCPU:     float64(q) / cpu.Seconds(),
		ns:         float64(wall.Nanoseconds()) * float64(workers) / float64(q),
		allocsPerQ: float64(m1.Mallocs-m0.Mallocs) / float64(q),
		bytesPerQ:  float64(m1.TotalAlloc-m0.TotalAlloc) / float64(q),
	}
}

// run prices round robin on workers goroutines until d has passed and
// returns the number of quotes.
func run(rate rateFunc, ins []*rating.Input, workers int, d time.Duration) int64 {
	var total atomic.Int64
	var stop atomic.Bool
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			i, n := w*len(ins)/workers, int64(0)
			for !stop.Load() {
				// Check the clock flag every 64 quotes only.
				for range 64 {
					if _, err := rate(ins[i]); err != nil {
						panic(err)
					}
					if i++; i == len(ins) {
						i = 0
					}
				}
				n += 64
			}
			total.Add(n)
		})
	}
	time.Sleep(d)
	stop.Store(true)
	wg.Wait()
	return total.Load()
}

// draw is one plausible request from a Chinese SME: industry weighted
// towards services, manufacturing and trade; revenue log-uniform from ¥1M to
// ¥1B; limits up to a tenth of revenue; grades centred on C; each control
// in place with its own likelihood.
func draw(rng *rand.Rand, def *cover.Definition) *rating.Input {
	industries := []string{"65", "64", "63", "66", "67", "69", "29", "39", "36", "26", "51", "52", "72", "73", "74",
		"83", "84", "92", "54", "59", "61", "70", "88"}
	grades := []string{"A", "B", "B", "C", "C", "C", "D", "D", "E", ""}
	controls := []struct {
		id string
		p  float64
	}{
		{"mfa", 0.55}, {"edr", 0.45}, {"offline_backups", 0.5}, {"patching", 0.6}, {"email_security", 0.5},
		{"funds_transfer_controls", 0.4}, {"training", 0.55}, {"ddos_protection", 0.35}, {"business_continuity", 0.3},
		{"vendor_management", 0.25}, {"incident_response_plan", 0.3},
	}
	limits := []int64{500_000, 1_000_000, 1_000_000, 2_000_000, 3_000_000, 5_000_000, 10_000_000}
	retentions := []int64{5_000, 10_000, 10_000, 25_000, 50_000, 100_000}
	revenue := int64(math.Exp(math.Log(1e6)+rng.Float64()*(math.Log(1e9)-math.Log(1e6)))) * 100
	// Limits in proportion to the business: at most a tenth of revenue,
	// and ¥1M for anyone.
	for limits[len(limits)-1] > max(1_000_000, revenue/100/10) {
		limits = limits[:len(limits)-1]
	}
	in := &rating.Input{
		Industry:     industries[rng.IntN(len(industries))],
		Revenue:      revenue,
		Grade:        grades[rng.IntN(len(grades))],
		CII:          rng.IntN(50) == 0,
		Claims:       min(int(rng.ExpFloat64()*0.4), 5),
		Limit:        limits[rng.IntN(len(limits))] * 100,
		Retention:    retentions[rng.IntN(len(retentions))] * 100,
		ExpectedLoss: -1,
	}
	for _, c := range controls {
		if rng.Float64() < c.p {
			in.Controls = append(in.Controls, c.id)
		}
	}
	if rng.IntN(10) == 0 {
		in.Gates = []string{"C"}
	}
	if rng.IntN(20) == 0 {
		in.Referrals = []string{"referral"}
	}
	// The quantification engine's expected loss, for most requests: a
	// fraction of a per-mille of revenue, below the limit.
	if rng.IntN(4) > 0 {
		in.ExpectedLoss = min(int64(float64(revenue)*0.0004*rng.ExpFloat64()), in.Limit/4)
	}
	in.Limit = min(max(in.Limit, def.MinLimit), def.MaxLimit)
	in.Retention = max(in.Retention, def.MinRetention)
	return in
}

func pct(n, of int) float64 { return 100 * float64(n) / float64(of) }

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
