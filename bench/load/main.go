// Command load measures read latency and throughput of the anbao server
// under concurrent clients, on SQLite, PostgreSQL or both:
//
//	go run ./bench/load [-engine sqlite|postgres|both] [-c 32] [-d 10s] [-pg URL] [-rate N]
//
// For each engine it starts the server itself on loopback ("serve --demo" on a
// temporary data directory, or on a fresh database anbao_bench_<random> that it
// creates on the -pg server and drops at the end), logs in as reg32.admin (the
// Jiangsu regulator) and op.admin (the operator) through POST /api/v1/sessions,
// and then runs one phase per endpoint: -c clients, each with its own
// keep-alive connection and alternately one of the two sessions, send requests
// back to back (or, with -rate, on a fixed schedule) for a warm-up and then
// for -d. Per endpoint it prints requests/s
// and p50/p90/p99/max latency of the measured window against the target
// p99 < 20 ms; every non-200 answer counts as an error and is shown.
//
// The load generator and the server share this machine's CPUs, so the
// figures are what one box serves while also generating the load.
package main

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/anbao/anbao/bench/internal/harness"
	"github.com/anbao/anbao/bench/internal/pgadmin"
)

const p99Target = 20 * time.Millisecond

// users are the sessions the clients take turns with.
var users = []string{"reg32.admin", "op.admin"}

// endpoint is one measured request kind.
type endpoint struct {
	name string
	ui   bool
	path func(cl *client) string
}

var endpoints = []endpoint{
	{name: "GET /api/v1/enterprises/{id}", path: func(cl *client) string {
		return "/api/v1/enterprises/" + strconv.FormatInt(cl.ids[cl.rng.IntN(len(cl.ids))], 10)
	}},
	{name: "GET /enterprises/{id} (UI)", ui: true, path: func(cl *client) string {
		return "/enterprises/" + strconv.FormatInt(cl.ids[cl.rng.IntN(len(cl.ids))], 10)
	}},
	{name: "GET /api/v1/enterprises?jurisdiction=32&size=small&limit=50", path: func(*client) string {
		return "/api/v1/enterprises?jurisdiction=32&size=small&limit=50"
	}},
	{name: "GET /enterprises?size=small (UI)", ui: true, path: func(*client) string {
		return "/enterprises?size=small"
	}},
}

// client is one simulated user agent with its own connection.
type client struct {
	hc   *http.Client
	sess *harness.Session
	ids  []int64 // enterprises its user may see
	rng  *rand.Rand
	lat  []time.Duration
	errs map[string]int // "status 500", "transport: …" → count
	// sample holds the first error body seen.
	sample string
}

// phaseResult is the outcome of one endpoint on one engine.
type phaseResult struct {
	engine, endpoint string
	skipped          string // why the phase did not run
	window           time.Duration
	lat              []time.Duration // sorted
	byUser           map[string][]time.Duration
	serverCPU        time.Duration // CPU the server used in the measured window
	errs             map[string]int
	samples          []string
}

func main() {
	code := 0
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		code = 1
	}
	os.Exit(code)
}

type config struct {
	bin, pg, logLevel string
	keep              bool
	clients           int
	rate              float64 // total requests/s across clients; 0 sends back to back
	dur, warmup       time.Duration
	enterprises       int
}

func run() error {
	var cfg config
	engine := flag.String("engine", "both", "sqlite, postgres or both")
	flag.IntVar(&cfg.clients, "c", 32, "concurrent clients, each with its own keep-alive connection")
	flag.Float64Var(&cfg.rate, "rate", 0, "open loop: total requests/s spread evenly over the clients, latency counted from each request's scheduled time; 0 (default) is a closed loop, every client sending back to back")
	flag.DurationVar(&cfg.dur, "d", 10*time.Second, "measured duration of each endpoint's phase")
	flag.DurationVar(&cfg.warmup, "warmup", time.Second, "unmeasured warm-up before each phase")
	flag.StringVar(&cfg.pg, "pg", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable",
		"PostgreSQL server (loopback, trust authentication) where a database anbao_bench_<random> is created and dropped")
	flag.StringVar(&cfg.bin, "bin", "", "anbao binary; empty builds ./cmd/anbao into a temporary directory")
	flag.IntVar(&cfg.enterprises, "enterprises", 2000, "demo enterprises")
	flag.BoolVar(&cfg.keep, "keep", false, "keep the temporary directory with the server logs (and the SQLite data) and print its path")
	flag.StringVar(&cfg.logLevel, "log-level", "info", "server log level (info logs one line per request, as in production)")
	flag.Parse()
	var engines []string
	switch *engine {
	case "sqlite", "postgres":
		engines = []string{*engine}
	case "both":
		engines = []string{"sqlite", "postgres"}
	default:
		return fmt.Errorf("-engine must be sqlite, postgres or both")
	}
	if cfg.clients < 1 || cfg.clients > 1024 {
		return fmt.Errorf("-c must be 1..1024")
	}
	if cfg.rate < 0 || cfg.rate > 100000 {
		return fmt.Errorf("-rate must be 0..100000")
	}
	if cfg.dur <= 0 || cfg.dur > 5*time.Minute || cfg.warmup < 0 || cfg.warmup > time.Minute {
		return fmt.Errorf("-d must be in (0, 5m] and -warmup in [0, 1m]")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	tmp, err := os.MkdirTemp("", "anbao-bench-load-")
	if err != nil {
		return err
	}
	if cfg.keep {
		defer fmt.Printf("\nserver logs kept in %s\n", tmp)
	} else {
		defer os.RemoveAll(tmp)
	}
	if cfg.bin == "" {
		fmt.Println("building ./cmd/anbao …")
		if cfg.bin, err = harness.Build(tmp); err != nil {
			return err
		}
	}
	mode := "closed loop (each client sends its next request when the previous answer is read)"
	if cfg.rate > 0 {
		mode = fmt.Sprintf("open loop at %.0f requests/s in total", cfg.rate)
	}
	fmt.Printf("load: %s\n", mode)
	fmt.Printf("load: %d clients, %v warm-up + %v measured per endpoint, demo with %d enterprises, %d CPUs shared by server and clients\n",
		cfg.clients, cfg.warmup, cfg.dur, cfg.enterprises, runtime.NumCPU())

	loadStart := harness.LoadAvg()
	var results []phaseResult
	var notes []string
	var failed []string
	for _, e := range engines {
		if ctx.Err() != nil {
			break
		}
		rs, ns, err := benchEngine(ctx, cfg, e, filepath.Join(tmp, e))
		results = append(results, rs...)
		notes = append(notes, ns...)
		if err != nil {
			fmt.Fprintf(os.Stderr, "load: %s: %v\n", e, err)
			first, _, _ := strings.Cut(err.Error(), "\n")
			notes = append(notes, fmt.Sprintf("%s: not (fully) measured: %s", e, first))
			failed = append(failed, e)
		}
	}
	notes = append(notes, fmt.Sprintf("machine load average (1/5/15 min) at start %s, at end %s", loadStart, harness.LoadAvg()))
	report(results, notes)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if len(failed) > 0 {
		return fmt.Errorf("not measured: %s", strings.Join(failed, ", "))
	}
	return nil
}

// benchEngine starts a server on one engine, measures every endpoint and stops it.
func benchEngine(ctx context.Context, cfg config, engine, dir string) ([]phaseResult, []string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, nil, err
	}
	var notes []string
	args := []string{"--demo", "--enterprises", strconv.Itoa(cfg.enterprises), "--addr", "127.0.0.1:0", "--log-level", cfg.logLevel}
	switch engine {
	case "sqlite":
		args = append(args, "--data", filepath.Join(dir, "data"))
	case "postgres":
		dbURL, version, drop, err := createDatabase(cfg.pg)
		if err != nil {
			return nil, nil, err
		}
		defer func() {
			if err := drop(); err != nil {
				fmt.Fprintf(os.Stderr, "load: drop benchmark database: %v\n", err)
			}
		}()
		notes = append(notes, "postgres: server "+version)
		args = append(args, "--database-url", dbURL)
	}
	fmt.Printf("\n[%s] starting anbao serve --demo …\n", engine)
	srv, err := harness.Start(cfg.bin, filepath.Join(dir, "server.log"), args...)
	if err != nil {
		return nil, notes, err
	}
	defer func() {
		if _, err := srv.Stop(30 * time.Second); err != nil {
			fmt.Fprintf(os.Stderr, "load: stop server: %v\n", err)
		}
	}()
	ready, err := srv.WaitReady(5 * time.Minute)
	if err != nil {
		return nil, notes, err
	}
	fmt.Printf("[%s] ready in %s at %s\n", engine, harness.Ms(ready), srv.URL)

	setup := &http.Client{Timeout: 30 * time.Second}
	type userData struct {
		sess *harness.Session
		ids  []int64
	}
	byUser := map[string]*userData{}
	for _, u := range users {
		sess, err := harness.Login(setup, srv.URL, u)
		if err != nil {
			return nil, notes, err
		}
		ids, total, err := sess.EnterpriseIDs(setup, srv.URL, "", 2000)
		if err != nil {
			return nil, notes, err
		}
		if len(ids) == 0 {
			return nil, notes, fmt.Errorf("%s sees no enterprise", u)
		}
		fmt.Printf("[%s] %s sees %d enterprises (using %d ids)\n", engine, u, total, len(ids))
		byUser[u] = &userData{sess: sess, ids: ids}
	}

	var results []phaseResult
	for _, ep := range endpoints {
		if ctx.Err() != nil {
			break
		}
		if ep.ui {
			// The UI may not exist yet: skip an endpoint that is 404 for every user.
			missing := true
			for _, u := range users {
				d := byUser[u]
				cl := &client{ids: d.ids, rng: rand.New(rand.NewPCG(1, 2))}
				status, _, err := d.sess.Get(setup, srv.URL, ep.path(cl))
				if err != nil {
					return results, notes, err
				}
				if status != http.StatusNotFound {
					missing = false
				}
			}
			if missing {
				msg := fmt.Sprintf("%s: %s answers 404 for every user: the UI page is missing; measured the JSON API only", engine, ep.name)
				fmt.Println("[" + engine + "] " + msg)
				notes = append(notes, msg)
				results = append(results, phaseResult{engine: engine, endpoint: ep.name, skipped: "404 for every user"})
				continue
			}
		}
		clients := make([]*client, cfg.clients)
		for i := range clients {
			d := byUser[users[i%len(users)]]
			clients[i] = &client{
				hc: &http.Client{
					Timeout:       30 * time.Second,
					Transport:     &http.Transport{MaxIdleConnsPerHost: 1, DisableCompression: true},
					CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
				},
				sess: d.sess, ids: d.ids, rng: rand.New(rand.NewPCG(uint64(i), 42)), errs: map[string]int{},
			}
		}
		fmt.Printf("[%s] %s …\n", engine, ep.name)
		r := runPhase(ctx, srv.URL, srv.PID(), ep, clients, cfg.rate, cfg.warmup, cfg.dur)
		r.engine = engine
		results = append(results, r)
		for _, cl := range clients {
			cl.hc.CloseIdleConnections()
		}
		if srv.Exited() {
			return results, notes, fmt.Errorf("the server died during %s: %s\nserver log (tail):\n%s", ep.name, srv.ExitError(), srv.LogTail())
		}
	}
	if m, err := harness.ReadProcMem(srv.PID()); err == nil {
		notes = append(notes, fmt.Sprintf("%s: server memory after the run: VmRSS %s, VmHWM %s", engine, harness.MB(m.RSS), harness.MB(m.HWM)))
	}
	return results, notes, nil
}

// runPhase lets every client send requests for warmup+dur, back to back or
// (rate > 0) on a fixed schedule, and keeps what was sent after the warm-up.
// On a schedule, a request's latency counts from the time it was due, so a
// server that falls behind is charged for the wait (no coordinated omission).
func runPhase(ctx context.Context, base string, pid int, ep endpoint, clients []*client, rate float64, warmup, dur time.Duration) phaseResult {
	start := time.Now()
	measureFrom := start.Add(warmup)
	end := measureFrom.Add(dur)
	cpu0 := make(chan time.Duration, 1)
	go func() {
		time.Sleep(time.Until(measureFrom))
		c, _ := harness.ProcCPU(pid)
		cpu0 <- c
	}()
	var interval time.Duration // per client
	if rate > 0 {
		interval = time.Duration(float64(len(clients)) / rate * float64(time.Second))
	}
	var wg sync.WaitGroup
	for i, cl := range clients {
		cl.lat = make([]time.Duration, 0, 1<<14)
		wg.Add(1)
		go func() {
			defer wg.Done()
			due := start.Add(interval * time.Duration(i) / time.Duration(len(clients)))
			for ctx.Err() == nil {
				t0 := time.Now()
				if interval > 0 {
					if wait := time.Until(due); wait > 0 {
						time.Sleep(wait)
					}
					t0, due = due, due.Add(interval)
				}
				if !t0.Before(end) {
					return
				}
				path := ep.path(cl)
				req, _ := http.NewRequestWithContext(ctx, "GET", base+path, nil)
				for k, v := range cl.sess.Header {
					req.Header[k] = v
				}
				var errKey, body string
				resp, err := cl.hc.Do(req)
				if err == nil {
					b, rerr := io.ReadAll(resp.Body)
					resp.Body.Close()
					switch {
					case rerr != nil:
						errKey = "read: " + rerr.Error()
					case resp.StatusCode != http.StatusOK:
						errKey, body = fmt.Sprintf("status %d", resp.StatusCode), fmt.Sprintf("%s → %d: %.300s", path, resp.StatusCode, b)
					}
				} else {
					if ctx.Err() != nil {
						return
					}
					errKey = "transport: " + err.Error()
					if interval == 0 {
						time.Sleep(10 * time.Millisecond) // no hot loop against a dead server
					}
				}
				d := time.Since(t0)
				if t0.Before(measureFrom) {
					continue
				}
				cl.lat = append(cl.lat, d)
				if errKey != "" {
					cl.errs[errKey]++
					if cl.sample == "" {
						cl.sample = body
						if body == "" {
							cl.sample = errKey
						}
					}
				}
			}
		}()
	}
	wg.Wait()
	cpu1, err := harness.ProcCPU(pid)
	cpu := cpu1 - <-cpu0
	if err != nil {
		cpu = -1 // the server is gone
	}
	r := phaseResult{serverCPU: cpu, endpoint: ep.name, window: min(dur, max(0, time.Since(measureFrom))), byUser: map[string][]time.Duration{},
		errs: map[string]int{}}
	for _, cl := range clients {
		r.lat = append(r.lat, cl.lat...)
		r.byUser[cl.sess.Username] = append(r.byUser[cl.sess.Username], cl.lat...)
		for k, n := range cl.errs {
			r.errs[k] += n
		}
		if cl.sample != "" && len(r.samples) < 3 && !slices.Contains(r.samples, cl.sample) {
			r.samples = append(r.samples, cl.sample)
		}
	}
	slices.Sort(r.lat)
	for _, l := range r.byUser {
		slices.Sort(l)
	}
	return r
}

// createDatabase creates anbao_bench_<random> on the server of adminURL and
// returns its URL, the server's version and a function that drops it.
func createDatabase(adminURL string) (string, string, func() error, error) {
	b := make([]byte, 6)
	crand.Read(b)
	name := "anbao_bench_" + hex.EncodeToString(b)
	u, err := url.Parse(adminURL)
	if err != nil {
		return "", "", nil, err
	}
	if !pgadmin.LoopbackHost(u) {
		return "", "", nil, fmt.Errorf("-pg must name a loopback server")
	}
	conn, err := pgadmin.Connect(adminURL)
	if err != nil {
		return "", "", nil, fmt.Errorf("connect to %s: %w", u.Redacted(), err)
	}
	version := conn.Params["server_version"]
	if err := conn.Exec("CREATE DATABASE " + pgadmin.QuoteIdent(name)); err != nil {
		conn.Close()
		return "", "", nil, err
	}
	conn.Close()
	dbURL, err := pgadmin.WithDatabase(adminURL, name)
	if err != nil {
		return "", "", nil, err
	}
	drop := func() error {
		c, err := pgadmin.Connect(adminURL)
		if err != nil {
			return err
		}
		defer c.Close()
		err = c.Exec("DROP DATABASE IF EXISTS " + pgadmin.QuoteIdent(name) + " WITH (FORCE)")
		if pe, ok := err.(*pgadmin.Error); ok && pe.Code == "42601" { // before PostgreSQL 13: no FORCE
			err = c.Exec("DROP DATABASE IF EXISTS " + pgadmin.QuoteIdent(name))
		}
		return err
	}
	fmt.Printf("[postgres] created database %s on PostgreSQL %s\n", name, version)
	return dbURL, version, drop, nil
}

func report(results []phaseResult, notes []string) {
	fmt.Println("\n== Results (latency from sending the request to reading the whole body) ==")
	var rows, userRows [][]string
	var errLines []string
	for _, r := range results {
		if r.skipped != "" {
			rows = append(rows, []string{r.engine, r.endpoint, "-", "-", "-", "-", "-", "-", "-", "-", "< 20ms", "skipped: " + r.skipped})
			continue
		}
		n := len(r.lat)
		errs := 0
		for _, c := range r.errs {
			errs += c
		}
		rps := 0.0
		if r.window > 0 {
			rps = float64(n) / r.window.Seconds()
		}
		p99 := harness.Percentile(r.lat, 0.99)
		verdict := "PASS"
		if n == 0 || p99 >= p99Target || errs > 0 {
			verdict = "MISS"
		}
		maxLat := time.Duration(0)
		if n > 0 {
			maxLat = r.lat[n-1]
		}
		cpuPerReq := "-"
		if n > 0 && r.serverCPU >= 0 {
			cpuPerReq = harness.Ms(r.serverCPU / time.Duration(n))
		}
		rows = append(rows, []string{r.engine, r.endpoint, strconv.Itoa(n), fmt.Sprintf("%.0f", rps),
			harness.Ms(harness.Percentile(r.lat, 0.50)), harness.Ms(harness.Percentile(r.lat, 0.90)), harness.Ms(p99),
			harness.Ms(maxLat), strconv.Itoa(errs), cpuPerReq, "< 20ms", verdict})
		for _, u := range users {
			l := r.byUser[u]
			userRows = append(userRows, []string{r.engine, r.endpoint, u, strconv.Itoa(len(l)),
				harness.Ms(harness.Percentile(l, 0.50)), harness.Ms(harness.Percentile(l, 0.99))})
		}
		keys := make([]string, 0, len(r.errs))
		for k := range r.errs {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			errLines = append(errLines, fmt.Sprintf("%s %s: %d × %s", r.engine, r.endpoint, r.errs[k], k))
		}
		for _, s := range r.samples {
			errLines = append(errLines, "  e.g. "+strings.ReplaceAll(s, "\n", " "))
		}
	}
	harness.Table(os.Stdout, []string{"engine", "endpoint", "requests", "req/s", "p50", "p90", "p99", "max", "errors", "server CPU/req", "target p99", "verdict"}, rows)
	fmt.Println("(server CPU/req: the server process's user+system CPU time in the window divided by its requests;")
	fmt.Println(" unlike latency it hardly depends on what else runs on the machine)")
	fmt.Println("\nBy user (reg32.admin sees Jiangsu's enterprises; op.admin sees all):")
	harness.Table(os.Stdout, []string{"engine", "endpoint", "user", "requests", "p50", "p99"}, userRows)
	fmt.Println("\nErrors (every non-200 answer):")
	if len(errLines) == 0 {
		fmt.Println("  none")
	}
	for _, l := range errLines {
		fmt.Println("  " + l)
	}
	if len(notes) > 0 {
		fmt.Println("\nNotes:")
		for _, n := range notes {
			fmt.Println("  " + n)
		}
	}
	fmt.Println("\nverdict: PASS when p99 < 20 ms and no request failed.")
}
