// Command vulnfeed measures parsing the vulnerability feeds of package
// vulnfeed at the size of the public files:
//
//	go run ./bench/vulnfeed [-runs 5] [-kev 1500] [-epss 300000] [-seed 1]
//
// It generates a synthetic KEV catalogue (-kev entries) and a synthetic EPSS
// file (-epss rows), each plain and gzipped, into a temporary directory.
// Then, for each file, it runs itself -runs times as a child process that
// reads the file with vulnfeed.ReadKEV or vulnfeed.ReadEPSS (EPSS rows go to a
// callback that only counts them, so the figure is the parser's alone), and
// prints the median, minimum and maximum parse time measured in the child,
// rows per second, the bytes the parse allocated, and the child's peak
// resident memory: VmHWM of /proc/self/status read by the child as it ends.
// (getrusage's ru_maxrss is no use here: on Linux a child started by
// fork-and-exec inherits the parent's high-water mark, and the parent holds
// the generated files.) A child that only starts and exits gives the
// baseline RSS of the runtime. Only parsing is measured: importing
// into the database is not part of this program.
//
// Target: an EPSS file of 300,000 rows parses in well under a second (issue
// #4 allows 5 s for the whole import).
package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/anbao/anbao/vulnfeed"
)

const epssTarget = time.Second

func main() {
	if len(os.Args) == 4 && os.Args[1] == "-child" {
		if err := child(os.Args[2], os.Args[3]); err != nil {
			fmt.Fprintln(os.Stderr, "vulnfeed bench child:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "vulnfeed bench:", err)
		os.Exit(1)
	}
}

// result is what a child reports on standard output.
type result struct {
	Rows    int   `json:"rows"`
	Nanos   int64 `json:"ns"`
	Alloc   int64 `json:"alloc"`    // bytes allocated during the parse
	Mallocs int64 `json:"mallocs"`  // heap objects allocated during the parse
	PeakRSS int64 `json:"peak_rss"` // VmHWM in bytes, 0 when unknown
}

// child parses one file and prints a result.
func child(kind, path string) error {
	var res result
	var before, after runtime.MemStats
	if kind == "noop" {
		res.PeakRSS = vmHWM()
		return json.NewEncoder(os.Stdout).Encode(res)
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	runtime.ReadMemStats(&before)
	start := time.Now()
	switch kind {
	case "kev":
		cat, err := vulnfeed.ReadKEV(f)
		if err != nil {
			return err
		}
		res.Rows = len(cat.Vulnerabilities)
		runtime.KeepAlive(cat)
	case "epss":
		_, err := vulnfeed.ReadEPSS(f, func(vulnfeed.Row) error {
			res.Rows++
			return nil
		})
		if err != nil {
			return err
		}
	default:
		return fmt.Errorf("unknown kind %q", kind)
	}
	res.Nanos = time.Since(start).Nanoseconds()
	runtime.ReadMemStats(&after)
	res.Alloc = int64(after.TotalAlloc - before.TotalAlloc)
	res.Mallocs = int64(after.Mallocs - before.Mallocs)
	res.PeakRSS = vmHWM()
	return json.NewEncoder(os.Stdout).Encode(res)
}

// vmHWM returns this process's peak resident set size in bytes, from
// /proc/self/status, or 0 where there is no such file.
func vmHWM() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(b)) {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err == nil {
				return kb << 10
			}
		}
	}
	return 0
}

type feedFile struct {
	name, kind, path string
	size             int64
	rows             int
	target           time.Duration // 0: none
}

func run() error {
	runs := flag.Int("runs", 5, "runs per file")
	kevN := flag.Int("kev", 1500, "KEV entries")
	epssN := flag.Int("epss", 300_000, "EPSS rows")
	seed := flag.Uint64("seed", 1, "generator seed")
	flag.Parse()
	if *runs < 1 || *runs > 100 {
		return errors.New("-runs must be 1..100")
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "anbao-vulnfeed-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	start := time.Now()
	kev := vulnfeed.GenerateKEV(*kevN, *seed)
	var epss bytes.Buffer
	if err := vulnfeed.GenerateEPSS(&epss, *epssN, *seed); err != nil {
		return err
	}
	gen := time.Since(start)
	var files []feedFile
	for _, f := range []struct {
		name, kind string
		data       []byte
		rows       int
		target     time.Duration
	}{
		{"KEV json", "kev", kev, *kevN, 0},
		{"KEV json.gz", "kev", gzipBytes(kev), *kevN, 0},
		{"EPSS csv", "epss", epss.Bytes(), *epssN, epssTarget},
		{"EPSS csv.gz", "epss", gzipBytes(epss.Bytes()), *epssN, epssTarget},
	} {
		path := filepath.Join(dir, fmt.Sprintf("feed%d", len(files)))
		if err := os.WriteFile(path, f.data, 0o600); err != nil {
			return err
		}
		files = append(files, feedFile{f.name, f.kind, path, int64(len(f.data)), f.rows, f.target})
	}

	fmt.Printf("vulnfeed parsing, %d runs per file, each in a fresh process, GOMAXPROCS %d, %s/%s, %s\n",
		*runs, runtime.GOMAXPROCS(0), runtime.GOOS, runtime.GOARCH, runtime.Version())
	fmt.Printf("generated %d KEV entries and %d EPSS rows in %s\n\n", *kevN, *epssN, ms(gen))
	_, base, err := once(self, "noop", "")
	if err != nil {
		return err
	}
	fmt.Printf("%-12s %9s %8s %9s %9s %9s %11s %10s %9s %8s  %s\n",
		"file", "size", "rows", "median", "min", "max", "rows/s", "allocated", "peak RSS", "target", "result")
	for _, f := range files {
		var times []time.Duration
		var peak int64
		var last result
		for range *runs {
			res, rss, err := once(self, f.kind, f.path)
			if err != nil {
				return fmt.Errorf("%s: %w", f.name, err)
			}
			if res.Rows != f.rows {
				return fmt.Errorf("%s: read %d rows, want %d", f.name, res.Rows, f.rows)
			}
			times = append(times, time.Duration(res.Nanos))
			peak = max(peak, rss)
			last = res
		}
		slices.Sort(times)
		med := times[len(times)/2]
		target, verdict := "-", ""
		if f.target > 0 {
			target, verdict = ms(f.target), "PASS"
			if med >= f.target {
				verdict = "MISS"
			}
		}
		fmt.Printf("%-12s %8.2fM %8d %9s %9s %9s %11.0f %9.1fM %8.1fM %8s  %s\n",
			f.name, mib(f.size), f.rows, ms(med), ms(times[0]), ms(times[len(times)-1]),
			float64(f.rows)/med.Seconds(), mib(last.Alloc), mib(peak), target, verdict)
	}
	fmt.Printf("\nbaseline: a child that parses nothing peaks at %.1fM RSS\n", mib(base))
	return nil
}

// once runs one child and returns its result and peak RSS in bytes.
func once(self, kind, path string) (result, int64, error) {
	var res result
	cmd := exec.Command(self, "-child", kind, path)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return res, 0, fmt.Errorf("%v: %s", err, errb.String())
	}
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		return res, 0, fmt.Errorf("unexpected output (%v): %.200s", err, out.String())
	}
	rss := res.PeakRSS
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); rss == 0 && ok && ru != nil {
		rss = ru.Maxrss << 10 // an upper bound: see the package comment
	}
	return res, rss, nil
}

func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000) }

func mib(n int64) float64 { return float64(n) / (1 << 20) }
