// Command quote measures the latency of quoting one option through the API
// under concurrent clients, on SQLite, PostgreSQL or both:
//
//	go run ./bench/quote [-engine sqlite|postgres|both] [-c 32] [-d 10s] [-pg URL]
//
// For each engine it starts "anbao serve --demo" on loopback (a temporary
// SQLite directory, or a fresh database anbao_bench_<random> created on the
// -pg server and dropped at the end), logs in as the enterprise admins
// ent1…ent12 and, when the demo has no published product, creates one as
// ins1.admin from the catalogue's seed rating. Then two phases run, each with
// -c clients on their own keep-alive connections sending back to back for a
// warm-up and then for -d:
//
//   - quote: POST /api/v1/enterprises/{id}/quote-requests with one product and
//     one option (limit and retention drawn at random): the enterprise's facts
//     are gathered, the option rated with its trail, the quote, its
//     contingencies, the insurer's consent and the audit entry written;
//   - preview: POST /api/v1/products/{id}/rate as ins1.uw, the rating alone.
//
// It prints requests/s and p50/p90/p99/max per phase against the target
// p99 < 30 ms. The clients and the server share this machine's CPUs.
package main

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"syscall"
	"time"

	"github.com/anbao/anbao/bench/internal/harness"
	"github.com/anbao/anbao/bench/internal/loadgen"
	"github.com/anbao/anbao/bench/internal/pgadmin"
)

const p99Target = 30 * time.Millisecond

type config struct {
	bin, pg     string
	clients     int
	rate        float64 // total requests/s across clients; 0 sends back to back
	dur, warmup time.Duration
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "quote:", err)
		os.Exit(1)
	}
}

func run() error {
	var cfg config
	engine := flag.String("engine", "both", "sqlite, postgres or both")
	flag.IntVar(&cfg.clients, "c", 32, "concurrent clients")
	flag.Float64Var(&cfg.rate, "rate", 0, "open loop: total requests/s spread evenly over the clients, latency counted from each request's scheduled time; 0 is a closed loop")
	flag.DurationVar(&cfg.dur, "d", 10*time.Second, "measured duration of each phase")
	flag.DurationVar(&cfg.warmup, "warmup", 2*time.Second, "unmeasured warm-up before each phase")
	flag.StringVar(&cfg.pg, "pg", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable", "PostgreSQL server (loopback, trust)")
	flag.StringVar(&cfg.bin, "bin", "", "anbao binary; empty builds ./cmd/anbao")
	flag.Parse()
	engines := map[string][]string{"sqlite": {"sqlite"}, "postgres": {"postgres"}, "both": {"sqlite", "postgres"}}[*engine]
	if engines == nil {
		return fmt.Errorf("-engine must be sqlite, postgres or both")
	}
	if cfg.clients < 1 || cfg.clients > 512 {
		return fmt.Errorf("-c must be 1..512")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	tmp, err := os.MkdirTemp("", "anbao-bench-quote-")
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
	mode := "closed loop (each client sends its next request when the previous answer is read)"
	if cfg.rate > 0 {
		mode = fmt.Sprintf("open loop at %.0f requests/s in total", cfg.rate)
	}
	fmt.Printf("quote: %s; %d clients, %v warm-up + %v measured per phase, %d CPUs shared by server and clients\n",
		mode, cfg.clients, cfg.warmup, cfg.dur, runtime.NumCPU())
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

// session is a logged-in user with what it quotes.
type session struct {
	sess *harness.Session
	ent  int64
}

func benchEngine(ctx context.Context, cfg config, engine, dir string) ([][]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	args := []string{"--demo", "--addr", "127.0.0.1:0", "--log-level", "warn"}
	switch engine {
	case "sqlite":
		args = append(args, "--data", filepath.Join(dir, "data"))
	case "postgres":
		dbURL, drop, err := createDatabase(cfg.pg)
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
	uw, err := harness.Login(setup, srv.URL, "ins1.uw")
	if err != nil {
		return nil, err
	}
	pid, err := productFor(setup, srv.URL, ents[0].sess)
	if err != nil {
		return nil, err
	}
	if pid == 0 {
		admin, err := harness.Login(setup, srv.URL, "ins1.admin")
		if err != nil {
			return nil, err
		}
		if pid, err = createProduct(setup, srv.URL, admin); err != nil {
			return nil, err
		}
	}
	fmt.Printf("[%s] quoting product %d for %d enterprises\n", engine, pid, len(ents))
	tomorrow := time.Now().In(time.FixedZone("CST", 8*3600)).AddDate(0, 0, 1).Format("2006-01-02")
	retro := time.Now().AddDate(-1, 0, 0).Format("2006-01-02")
	limits, retentions, err := optionsOf(setup, srv.URL, ents[0].sess, pid)
	if err != nil {
		return nil, err
	}
	quote := func(cl *loadgen.Client) (int, []byte, error) {
		s := ents[cl.N%len(ents)]
		body := fmt.Sprintf(`{"products":[%d],"options":[{"limit":%d,"retention":%d}],"inception_date":%q,"retro_date":%q}`,
			pid, limits[cl.Rng.IntN(len(limits))], retentions[cl.Rng.IntN(len(retentions))], tomorrow, retro)
		return loadgen.Post(s.sess, cl.HC, srv.URL, "/api/v1/enterprises/"+strconv.FormatInt(s.ent, 10)+"/quote-requests", body)
	}
	grades := []string{"A", "B", "C", "D", ""}
	preview := func(cl *loadgen.Client) (int, []byte, error) {
		body := fmt.Sprintf(`{"input":{"industry":"65","revenue":%d,"grade":%q,"controls":["mfa","edr"],"expected_loss":-1,"limit":%d,"retention":%d}}`,
			(1+cl.Rng.Int64N(500))*1_000_000_00, grades[cl.Rng.IntN(len(grades))], limits[cl.Rng.IntN(len(limits))], retentions[cl.Rng.IntN(len(retentions))])
		return loadgen.Post(uw, cl.HC, srv.URL, "/api/v1/products/"+strconv.FormatInt(pid, 10)+"/rate", body)
	}
	var rows [][]string
	for _, ph := range []struct {
		name string
		fn   func(*loadgen.Client) (int, []byte, error)
	}{{"quote (1 option, persisted)", quote}, {"rate preview", preview}} {
		if ctx.Err() != nil {
			return rows, ctx.Err()
		}
		lat, errs, window := loadgen.Run(ctx, loadgen.Config{Clients: cfg.clients, Rate: cfg.rate, Dur: cfg.dur, Warmup: cfg.warmup}, ph.fn)
		row, p99, err := loadgen.Row(engine, ph.name, lat, errs, window, p99Target)
		if err != nil {
			return rows, err
		}
		rows = append(rows, row)
		fmt.Printf("[%s] %s: %s requests, p99 %s\n", engine, ph.name, row[2], harness.Ms(p99))
	}
	return rows, nil
}

// productFor returns a published product an enterprise may quote, 0 if none.
func productFor(hc *http.Client, base string, s *harness.Session) (int64, error) {
	var l struct {
		Items []struct {
			ID int64 `json:"id"`
		} `json:"items"`
	}
	if err := loadgen.GetJSON(s, hc, base, "/api/v1/products?status=active&limit=1", &l); err != nil {
		return 0, err
	}
	if len(l.Items) == 0 {
		return 0, nil
	}
	return l.Items[0].ID, nil
}

// optionsOf draws the options quoted from the product's range: five limits
// from its lowest up, three retentions from its lowest.
func optionsOf(hc *http.Client, base string, s *harness.Session, pid int64) ([]int64, []int64, error) {
	var p struct {
		Versions []struct {
			Definition struct {
				MinLimit     int64 `json:"min_limit"`
				MaxLimit     int64 `json:"max_limit"`
				MinRetention int64 `json:"min_retention"`
			} `json:"definition"`
		} `json:"versions"`
	}
	if err := loadgen.GetJSON(s, hc, base, "/api/v1/products/"+strconv.FormatInt(pid, 10), &p); err != nil {
		return nil, nil, err
	}
	if len(p.Versions) == 0 {
		return nil, nil, fmt.Errorf("product %d has no version the enterprise sees", pid)
	}
	d := p.Versions[0].Definition
	var limits, retentions []int64
	for _, m := range []int64{1, 2, 3, 5, 10} {
		limits = append(limits, min(d.MinLimit*m, d.MaxLimit))
	}
	r := max(d.MinRetention, 1_000_000)
	for _, m := range []int64{1, 2, 5} {
		retentions = append(retentions, min(r*m, d.MinLimit-1))
	}
	return limits, retentions, nil
}

// createProduct creates and publishes a combined SME product as ins1 from the
// catalogue's seed rating, with no referral envelope.
func createProduct(hc *http.Client, base string, s *harness.Session) (int64, error) {
	var cat struct {
		Seed map[string]any `json:"seed_rating"`
	}
	if err := loadgen.GetJSON(s, hc, base, "/api/v1/underwriting/catalog", &cat); err != nil {
		return 0, err
	}
	cat.Seed["envelope"] = map[string]any{}
	def := map[string]any{"type": "combined", "min_limit": 10_000_000, "max_limit": 2_000_000_000, "min_retention": 500_000,
		"term_months": 12, "quote_valid_days": 30,
		"coverages": []map[string]any{
			{"code": "business_interruption", "waiting_hours": 8, "waiting_mode": "time_deductible", "indemnity_days": 90, "trigger": "discovered"},
			{"code": "data_restoration", "trigger": "discovered"},
			{"code": "emergency_response", "trigger": "discovered"},
			{"code": "cyber_extortion", "trigger": "discovered"},
			{"code": "data_leak_liability", "trigger": "claims_made", "reporting_days": 60, "defence_inside": true},
		},
		"contingencies": []map[string]any{{"kind": "post_bind", "text_zh": "起保后 60 日内完成安全评估", "due_days": 60}}}
	body, _ := json.Marshal(map[string]any{"code": "BENCH-" + strconv.FormatInt(time.Now().UnixNano()%1e6, 10), "name_zh": "基准测试产品",
		"registration_no": "C00010830612020012322442", "definition": def, "rating": cat.Seed})
	status, b, err := loadgen.Post(s, hc, base, "/api/v1/products", string(body))
	if err != nil || status != http.StatusCreated {
		return 0, fmt.Errorf("create product: %d %s %v", status, b, err)
	}
	var p struct {
		ID int64 `json:"id"`
	}
	if err := json.Unmarshal(b, &p); err != nil {
		return 0, err
	}
	if status, b, err = loadgen.Post(s, hc, base, "/api/v1/products/"+strconv.FormatInt(p.ID, 10)+"/publish", ""); err != nil || status != http.StatusOK {
		return 0, fmt.Errorf("publish product: %d %s %v", status, b, err)
	}
	return p.ID, nil
}

// createDatabase creates a fresh database on the PostgreSQL server and returns its URL and a function dropping it.
func createDatabase(adminURL string) (string, func(), error) {
	c, err := pgadmin.Connect(adminURL)
	if err != nil {
		return "", nil, err
	}
	defer c.Close()
	buf := make([]byte, 6)
	crand.Read(buf)
	name := "anbao_bench_" + hex.EncodeToString(buf)
	if err := c.Exec("CREATE DATABASE " + pgadmin.QuoteIdent(name)); err != nil {
		return "", nil, err
	}
	u, err := pgadmin.WithDatabase(adminURL, name)
	if err != nil {
		return "", nil, err
	}
	return u, func() {
		c, err := pgadmin.Connect(adminURL)
		if err != nil {
			return
		}
		defer c.Close()
		_ = c.Exec("DROP DATABASE IF EXISTS " + pgadmin.QuoteIdent(name) + " WITH (FORCE)")
	}, nil
}
