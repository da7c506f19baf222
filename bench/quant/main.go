// Command quant measures "anbao quant run" as a whole process on the four
// standard models of the quantification engine:
//
//	go run ./bench/quant [-bin path] [-runs 7] [-trials 1000000] [-scale 10000000] [-models docs/quant/models]
//
// For each model it runs "anbao quant run MODEL.yaml --trials N --seed 1
// --format json" -runs times and prints the median, minimum and maximum wall
// time from process start to exit (statistics and the loss exceedance curve
// included), trials per second at the median, and the peak resident memory
// (getrusage ru_maxrss of the child). It then runs every model at -scale
// trials to show how the time scales. Targets (issue #3): < 0.10 s for
// simple, compound and portfolio5, < 0.15 s for tree, peak memory < 40 MB.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"syscall"
	"time"
)

type model struct {
	name   string
	target time.Duration
}

var models = []model{
	{"simple", 100 * time.Millisecond},
	{"tree", 150 * time.Millisecond},
	{"compound", 100 * time.Millisecond},
	{"portfolio5", 100 * time.Millisecond},
}

const memTarget = 40 << 20

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "quant bench:", err)
		os.Exit(1)
	}
}

func run() error {
	bin := flag.String("bin", "", "anbao binary; empty builds ./cmd/anbao into a temporary directory")
	runs := flag.Int("runs", 7, "runs per model")
	trials := flag.Int("trials", 1_000_000, "trials per run")
	scale := flag.Int("scale", 10_000_000, "trials of the scaling run (0 skips it)")
	dir := flag.String("models", "docs/quant/models", "directory holding simple.yaml, fair-tree.yaml, compound (single.yaml) and portfolio5.yaml")
	flag.Parse()
	if *runs < 1 || *runs > 100 {
		return fmt.Errorf("-runs must be 1..100")
	}
	if *bin == "" {
		tmp, err := os.MkdirTemp("", "anbao-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		*bin = filepath.Join(tmp, "anbao")
		build := exec.Command("go", "build", "-o", *bin, "./cmd/anbao")
		build.Stdout, build.Stderr = os.Stdout, os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("build: %w", err)
		}
	}
	files := map[string]string{
		"simple":     "simple.yaml",
		"tree":       "fair-tree.yaml",
		"compound":   "single.yaml",
		"portfolio5": "portfolio5.yaml",
	}
	fmt.Printf("anbao quant run, whole process, %d runs per model, GOMAXPROCS %d, %s/%s\n\n", *runs, runtime.NumCPU(), runtime.GOOS, runtime.GOARCH)
	fmt.Printf("%-11s %10s %9s %9s %9s %12s %9s %8s  %s\n", "model", "trials", "median", "min", "max", "trials/s", "peak RSS", "target", "result")
	medians := map[string]time.Duration{}
	for _, m := range models {
		path := filepath.Join(*dir, files[m.name])
		var walls []time.Duration
		var peak int64
		for i := 0; i < *runs; i++ {
			w, rss, err := once(*bin, path, *trials)
			if err != nil {
				return fmt.Errorf("%s: %w", m.name, err)
			}
			walls = append(walls, w)
			peak = max(peak, rss)
		}
		slices.Sort(walls)
		med := walls[len(walls)/2]
		medians[m.name] = med
		verdict := "PASS"
		if med >= m.target || peak >= memTarget {
			verdict = "MISS"
		}
		fmt.Printf("%-11s %10d %9s %9s %9s %12.3g %8.1fM %8s  %s\n", m.name, *trials, ms(med), ms(walls[0]), ms(walls[len(walls)-1]),
			float64(*trials)/med.Seconds(), float64(peak)/(1<<20), ms(m.target), verdict)
	}
	if *scale > 0 {
		fmt.Printf("\nscaling to %d trials (one run each)\n", *scale)
		fmt.Printf("%-11s %10s %9s %12s %9s %14s\n", "model", "trials", "wall", "trials/s", "peak RSS", "× time vs 1M")
		for _, m := range models {
			w, rss, err := once(*bin, filepath.Join(*dir, files[m.name]), *scale)
			if err != nil {
				return fmt.Errorf("%s: %w", m.name, err)
			}
			fmt.Printf("%-11s %10d %9s %12.3g %8.1fM %14.2f\n", m.name, *scale, ms(w), float64(*scale)/w.Seconds(), float64(rss)/(1<<20),
				w.Seconds()/medians[m.name].Seconds())
		}
	}
	return nil
}

// once runs the model and returns the wall time and the peak RSS in bytes.
func once(bin, path string, trials int) (time.Duration, int64, error) {
	cmd := exec.Command(bin, "quant", "run", path, "--trials", fmt.Sprint(trials), "--seed", "1", "--format", "json")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		return 0, 0, fmt.Errorf("%v: %s", err, errb.String())
	}
	var res struct {
		Trials int     `json:"trials"`
		Mean   float64 `json:"mean"`
	}
	if err := json.Unmarshal(out.Bytes(), &res); err != nil || res.Trials != trials || !(res.Mean > 0) {
		return 0, 0, fmt.Errorf("unexpected output (%v): %.200s", err, out.String())
	}
	ru, _ := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	var rss int64
	if ru != nil {
		rss = ru.Maxrss << 10 // kilobytes on Linux
	}
	return wall, rss, nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000) }
