// Command incident measures the time to grade and route an incident
// through the API, on SQLite, PostgreSQL or both:
//
//	go run ./bench/incident [-engine sqlite|postgres|both] [-c 8] [-rate 50] [-d 10s] [-pg URL]
//
// For each engine it starts "anbao serve --demo" on loopback (a temporary
// SQLite directory, or a fresh database created on the -pg server and
// dropped at the end) and logs in as the enterprise admins ent1…ent12. Two
// phases run, each for a warm-up and then for -d:
//
//   - report: POST /api/v1/enterprises/{id}/incidents, a first notice of
//     loss with random impact figures across every grade: the category is
//     checked against GB/T 20986-2023, the facts graded against the rule
//     table in force, the route and deadline set, the policy in force found,
//     the statutory and insurer-notice timers started, the insurer notified
//     with a proof of time, the audit entries written — and the incident is
//     read back with its route and timers;
//   - read: GET /api/v1/incidents/{id} of the incidents just reported.
//
// By default the load is an open loop at -rate requests/s in total (latency
// counted from each request's scheduled time, so a slow answer cannot hide
// the queue behind it); -rate 0 sends back to back. It prints requests/s and
// p50/p90/p99/max per phase against the target p99 < 30 ms. The clients and
// the server share this machine's CPUs.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/anbao/anbao/bench/internal/freshdb"
	"github.com/anbao/anbao/bench/internal/harness"
	"github.com/anbao/anbao/bench/internal/loadgen"
)

const p99Target = 30 * time.Millisecond

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "incident:", err)
		os.Exit(1)
	}
}

type config struct {
	bin, pg string
	load    loadgen.Config
}

func run() error {
	var cfg config
	engine := flag.String("engine", "both", "sqlite, postgres or both")
	flag.IntVar(&cfg.load.Clients, "c", 8, "concurrent clients")
	flag.Float64Var(&cfg.load.Rate, "rate", 50, "open loop: total requests/s spread over the clients; 0 is a closed loop")
	flag.DurationVar(&cfg.load.Dur, "d", 10*time.Second, "measured duration of each phase")
	flag.DurationVar(&cfg.load.Warmup, "warmup", 2*time.Second, "unmeasured warm-up before each phase")
	flag.StringVar(&cfg.pg, "pg", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable", "PostgreSQL server (loopback, trust)")
	flag.StringVar(&cfg.bin, "bin", "", "anbao binary; empty builds ./cmd/anbao")
	flag.Parse()
	engines := map[string][]string{"sqlite": {"sqlite"}, "postgres": {"postgres"}, "both": {"sqlite", "postgres"}}[*engine]
	if engines == nil {
		return fmt.Errorf("-engine must be sqlite, postgres or both")
	}
	if cfg.load.Clients < 1 || cfg.load.Clients > 512 {
		return fmt.Errorf("-c must be 1..512")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	tmp, err := os.MkdirTemp("", "anbao-bench-incident-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if cfg.bin == "" {
		fmt.Println("building ./cmd/anbao …")
		if cfg.bin, err = harness.Build(tmp); err != nil {
			return err
		}
	}
	mode := "closed loop"
	if cfg.load.Rate > 0 {
		mode = fmt.Sprintf("open loop at %.0f requests/s in total", cfg.load.Rate)
	}
	fmt.Printf("incident: %s; %d clients, %v warm-up + %v measured per phase, %d CPUs shared by server and clients\n",
		mode, cfg.load.Clients, cfg.load.Warmup, cfg.load.Dur, runtime.NumCPU())
	var rows [][]string
	for _, e := range engines {
		rs, err := benchEngine(ctx, cfg, e, filepath.Join(tmp, e))
		rows = append(rows, rs...)
		if err != nil {
			return fmt.Errorf("%s: %w", e, err)
		}
	}
	fmt.Println()
	harness.Table(os.Stdout, []string{"engine", "phase", "requests", "req/s", "p50", "p90", "p99", "max", "p99 < 30 ms", "errors"}, rows)
	return nil
}

type session struct {
	sess *harness.Session
	ent  int64
}

// subs are the sub-categories reported, with their category.
var subs = [][2]string{{"MP", "MPRANS"}, {"NA", "NADOS"}, {"DS", "DSDATALEAK"}, {"NA", "NAWEBMOD"}, {"NA", "NAPHISH"}, {"DS", "DSDATASTEAL"}}

func benchEngine(ctx context.Context, cfg config, engine, dir string) ([][]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	args := []string{"--demo", "--addr", "127.0.0.1:0", "--log-level", "warn"}
	switch engine {
	case "sqlite":
		args = append(args, "--data", filepath.Join(dir, "data"))
	case "postgres":
		dbURL, drop, err := freshdb.Create(cfg.pg)
		if err != nil {
			return nil, err
		}
		defer drop()
		args = append(args, "--database-url", dbURL)
	}
	fmt.Printf("\n[%s] starting anbao serve --demo …\n", engine)
	srv, err := harness.Start(cfg.bin, filepath.Join(dir, "server.log"), args...)
	if err != nil {
		return nil, err
	}
	defer srv.Stop(30 * time.Second)
	if _, err := srv.WaitReady(5 * time.Minute); err != nil {
		return nil, err
	}
	setup := &http.Client{Timeout: 60 * time.Second}
	list, err := loadgen.Enterprises(setup, srv.URL, 12)
	if err != nil {
		return nil, err
	}
	var ents []session
	for _, e := range list {
		ents = append(ents, session{e.Session, e.ID})
	}
	var mu sync.Mutex
	var reported []int64
	grades := map[string]int{}
	report := func(cl *loadgen.Client) (int, []byte, error) {
		s := ents[cl.N%len(ents)]
		at := time.Now().Add(-time.Duration(5+cl.Rng.IntN(120)) * time.Minute).UTC().Format(time.RFC3339)
		c := subs[cl.Rng.IntN(len(subs))]
		// Figures spread over the grades: most general, some relatively major, a few major.
		people := []int64{0, 1200, 80_000, 999_999, 1_000_000, 3_500_000, 12_000_000}[cl.Rng.IntN(7)]
		loss := cl.Rng.Int64N(800_000_000)
		body := fmt.Sprintf(`{"title":"基准事件 %d","category":%q,"sub_category":%q,"occurred_at":%q,"discovered_at":%q,
			"operator_type":%q,"facts":{"pi_leaked_people":%d,"direct_loss_fen":%d},
			"details":{"affected_systems":"业务系统","measures":"隔离主机"},"notify_insurer":false}`,
			cl.Rng.IntN(1_000_000), c[0], c[1], at, at, []string{"other", "other", "cii", "central_state"}[cl.Rng.IntN(4)], people, loss)
		status, b, err := loadgen.Post(s.sess, cl.HC, srv.URL, "/api/v1/enterprises/"+strconv.FormatInt(s.ent, 10)+"/incidents", body)
		if err == nil && status == http.StatusCreated {
			var inc struct {
				ID    int64  `json:"id"`
				Grade string `json:"grade"`
				Route *struct {
					Mandatory bool `json:"mandatory"`
				} `json:"route"`
			}
			if json.Unmarshal(b, &inc) == nil && inc.Route != nil {
				mu.Lock()
				reported = append(reported, inc.ID, s.ent)
				grades[inc.Grade]++
				mu.Unlock()
			}
		}
		return status, b, err
	}
	read := func(cl *loadgen.Client) (int, []byte, error) {
		mu.Lock()
		k := cl.Rng.IntN(len(reported) / 2)
		id, ent := reported[2*k], reported[2*k+1]
		mu.Unlock()
		for _, s := range ents {
			if s.ent == ent {
				return s.sess.Get(cl.HC, srv.URL, "/api/v1/incidents/"+strconv.FormatInt(id, 10))
			}
		}
		return 0, nil, fmt.Errorf("no session for enterprise %d", ent)
	}
	var rows [][]string
	for _, ph := range []struct {
		name string
		fn   func(*loadgen.Client) (int, []byte, error)
	}{{"report, grade and route (persisted)", report}, {"read incident with route and timers", read}} {
		if ctx.Err() != nil {
			return rows, ctx.Err()
		}
		lat, errs, window := loadgen.Run(ctx, cfg.load, ph.fn)
		row, p99, err := loadgen.Row(engine, ph.name, lat, errs, window, p99Target)
		if err != nil {
			return rows, err
		}
		rows = append(rows, row)
		fmt.Printf("[%s] %s: %s requests, p99 %s\n", engine, ph.name, row[2], harness.Ms(p99))
	}
	fmt.Printf("[%s] grades reported: %v\n", engine, grades)
	return rows, nil
}
