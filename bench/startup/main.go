// Command startup measures how fast the anbao binary becomes usable and how
// much memory it holds when idle, on embedded SQLite:
//
//	go run ./bench/startup [-bin path] [-runs 3] [-enterprises 2000]
//
// Each run starts "anbao serve --demo" on an empty data directory and times
// the wall clock from process start to GET /readyz answering 200 and to the
// first successful login; it then stops the server with SIGTERM, starts it
// again on the filled directory and times the restart to /readyz 200. On the
// restarted server it logs in, fetches a few pages, and reads VmRSS and VmHWM
// from /proc/PID/status at once and again after 2 s idle. It prints min,
// median and max of each figure against its target.
package main

import (
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/anbao/anbao/bench/internal/harness"
)

// Targets.
const (
	coldTarget    = 5 * time.Second
	restartTarget = 1 * time.Second
	rssTarget     = 100 << 20
)

type result struct {
	coldReady, coldLogin, stop, restartReady time.Duration
	coldHWM                                  int64 // peak memory of the demo-loading process
	readyRSS                                 int64 // restarted server, ready, before any request
	busyRSS, busyHWM, idleRSS, idleHWM       int64 // restarted server, after pages and after 2 s idle
	pageStatus                               map[string]int
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "startup:", err)
		os.Exit(1)
	}
}

func run() error {
	bin := flag.String("bin", "", "anbao binary to measure; empty builds ./cmd/anbao into a temporary directory")
	runs := flag.Int("runs", 3, "number of runs")
	enterprises := flag.Int("enterprises", 2000, "demo enterprises (serve's default is 2000)")
	idle := flag.Duration("idle", 2*time.Second, "idle time before the second memory reading")
	flag.Parse()
	if *runs < 1 || *runs > 50 {
		return fmt.Errorf("-runs must be 1..50")
	}
	tmp, err := os.MkdirTemp("", "anbao-bench-startup-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if *bin == "" {
		fmt.Println("building ./cmd/anbao …")
		if *bin, err = harness.Build(tmp); err != nil {
			return err
		}
	}
	fmt.Printf("binary %s, %d run(s), demo with %d enterprises, SQLite, %d CPUs\n\n", *bin, *runs, *enterprises, runtime.NumCPU())

	loadStart := harness.LoadAvg()
	var results []result
	for i := 1; i <= *runs; i++ {
		r, err := oneRun(*bin, filepath.Join(tmp, fmt.Sprintf("run%d", i)), *enterprises, *idle)
		if err != nil {
			return fmt.Errorf("run %d: %w", i, err)
		}
		fmt.Printf("run %d: cold ready %s, cold login %s, stop %s, restart ready %s, idle RSS %s (HWM %s), %s\n",
			i, harness.Ms(r.coldReady), harness.Ms(r.coldLogin), harness.Ms(r.stop), harness.Ms(r.restartReady),
			harness.MB(r.idleRSS), harness.MB(r.idleHWM), pagesSummary(r.pageStatus))
		results = append(results, r)
	}
	fmt.Println()
	report(results)
	fmt.Printf("machine load average (1/5/15 min) at start %s, at end %s\n", loadStart, harness.LoadAvg())
	return nil
}

func oneRun(bin, dir string, enterprises int, idle time.Duration) (result, error) {
	r := result{pageStatus: map[string]int{}}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return r, err
	}
	args := []string{"--demo", "--enterprises", strconv.Itoa(enterprises), "--data", filepath.Join(dir, "data"),
		"--addr", "127.0.0.1:0"}
	logPath := filepath.Join(dir, "server.log")
	c := &http.Client{Timeout: 10 * time.Second}

	// Cold start: empty directory, the demo pilot is generated and loaded.
	s, err := harness.Start(bin, logPath, args...)
	if err != nil {
		return r, err
	}
	defer s.Kill()
	if r.coldReady, err = s.WaitReady(time.Minute); err != nil {
		return r, err
	}
	if _, err := harness.Login(c, s.URL, "op.admin"); err != nil {
		return r, err
	}
	r.coldLogin = time.Since(s.Started)
	if m, err := harness.ReadProcMem(s.PID()); err == nil {
		r.coldHWM = m.HWM
	}
	if r.stop, err = s.Stop(30 * time.Second); err != nil {
		return r, fmt.Errorf("stop: %w", err)
	}

	// Restart on the filled directory.
	s, err = harness.Start(bin, logPath, args...)
	if err != nil {
		return r, err
	}
	defer s.Kill()
	if r.restartReady, err = s.WaitReady(time.Minute); err != nil {
		return r, err
	}
	m, err := harness.ReadProcMem(s.PID())
	if err != nil {
		return r, err
	}
	r.readyRSS = m.RSS

	// Memory of the restarted server after a little use, then after idling.
	sess, err := harness.Login(c, s.URL, "reg32.admin")
	if err != nil {
		return r, err
	}
	ids, _, err := sess.EnterpriseIDs(c, s.URL, "", 5)
	if err != nil {
		return r, err
	}
	pages := []string{"/api/v1/me", "/api/v1/enterprises?limit=50", "/api/v1/enterprises?size=small&limit=50", "/", "/enterprises"}
	if len(ids) > 0 {
		pages = append(pages, fmt.Sprintf("/api/v1/enterprises/%d", ids[0]), fmt.Sprintf("/enterprises/%d", ids[0]))
	}
	for _, p := range pages {
		status, _, err := sess.Get(c, s.URL, p)
		if err != nil {
			return r, fmt.Errorf("GET %s: %w", p, err)
		}
		r.pageStatus[p] = status
	}
	if m, err = harness.ReadProcMem(s.PID()); err != nil {
		return r, err
	}
	r.busyRSS, r.busyHWM = m.RSS, m.HWM
	time.Sleep(idle)
	if m, err = harness.ReadProcMem(s.PID()); err != nil {
		return r, err
	}
	r.idleRSS, r.idleHWM = m.RSS, m.HWM
	if _, err := s.Stop(30 * time.Second); err != nil {
		return r, fmt.Errorf("stop after restart: %w", err)
	}
	return r, nil
}

// pagesSummary says how the pages fetched before the memory reading answered.
func pagesSummary(status map[string]int) string {
	var odd []string
	for p, st := range status {
		if st != http.StatusOK {
			odd = append(odd, fmt.Sprintf("%s → %d", p, st))
		}
	}
	if len(odd) == 0 {
		return fmt.Sprintf("%d pages all 200", len(status))
	}
	sort.Strings(odd)
	return fmt.Sprintf("%d pages, not 200: %s", len(status), strings.Join(odd, ", "))
}

func report(rs []result) {
	durations := func(f func(result) time.Duration) []time.Duration {
		var out []time.Duration
		for _, r := range rs {
			out = append(out, f(r))
		}
		return out
	}
	sizes := func(f func(result) int64) []int64 {
		var out []int64
		for _, r := range rs {
			out = append(out, f(r))
		}
		return out
	}
	verdict := func(ok bool) string {
		if ok {
			return "PASS"
		}
		return "MISS"
	}
	var rows [][]string
	durRow := func(name string, xs []time.Duration, target time.Duration) {
		lo, med, hi := harness.MinMedMax(xs)
		t, v := "", ""
		if target > 0 {
			t, v = "< "+target.String(), verdict(hi < target)
		}
		rows = append(rows, []string{name, harness.Ms(lo), harness.Ms(med), harness.Ms(hi), t, v})
	}
	memRow := func(name string, xs []int64, target int64) {
		lo, med, hi := harness.MinMedMax(xs)
		t, v := "", ""
		if target > 0 {
			t, v = "< "+harness.MB(target), verdict(hi < target)
		}
		rows = append(rows, []string{name, harness.MB(lo), harness.MB(med), harness.MB(hi), t, v})
	}
	durRow("cold start (demo load) to ready", durations(func(r result) time.Duration { return r.coldReady }), coldTarget)
	durRow("cold start to first login", durations(func(r result) time.Duration { return r.coldLogin }), 0)
	durRow("graceful stop (SIGTERM)", durations(func(r result) time.Duration { return r.stop }), 0)
	durRow("restart to ready", durations(func(r result) time.Duration { return r.restartReady }), restartTarget)
	memRow("idle RSS", sizes(func(r result) int64 { return r.idleRSS }), rssTarget)
	memRow("RSS at ready, before any request", sizes(func(r result) int64 { return r.readyRSS }), 0)
	memRow("RSS right after the pages", sizes(func(r result) int64 { return r.busyRSS }), 0)
	memRow("peak RSS (VmHWM) after restart", sizes(func(r result) int64 { return r.idleHWM }), 0)
	memRow("peak RSS (VmHWM) of the demo load", sizes(func(r result) int64 { return r.coldHWM }), 0)
	harness.Table(os.Stdout, []string{"measure", "min", "median", "max", "target", "verdict"}, rows)
	fmt.Println("\nverdict: PASS when the maximum over all runs meets the target.")
}
