// Package loadgen drives an API under concurrent clients, in a closed or
// an open loop, for the benchmark programs.
package loadgen

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/anbao/anbao/bench/internal/harness"
)

// Client is one load-generating client: its index, its own keep-alive
// connection and its own random stream.
type Client struct {
	N   int
	HC  *http.Client
	Rng *rand.Rand
}

// Config is a phase's load: Clients concurrent clients, Rate requests/s in
// total (0: each sends its next request when the previous answer is read),
// an unmeasured Warmup and a measured Dur.
type Config struct {
	Clients     int
	Rate        float64
	Dur, Warmup time.Duration
}

// Run runs cfg.Clients clients for a warm-up and a measured window and
// returns the latencies of the successful measured requests, the failures
// by kind, and the measured window. In an open loop (Rate > 0) latency is
// counted from each request's scheduled time.
func Run(ctx context.Context, cfg Config, fn func(*Client) (int, []byte, error)) ([]time.Duration, map[string]int, time.Duration) {
	var mu sync.Mutex
	var lat []time.Duration
	errs := map[string]int{}
	start := time.Now()
	measureFrom := start.Add(cfg.Warmup)
	end := measureFrom.Add(cfg.Dur)
	var wg sync.WaitGroup
	for i := range cfg.Clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cl := &Client{N: i, HC: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 1}},
				Rng: rand.New(rand.NewPCG(uint64(i), 7))}
			var every time.Duration
			next := start
			if cfg.Rate > 0 {
				every = time.Duration(float64(cfg.Clients) / cfg.Rate * float64(time.Second))
				next = start.Add(every * time.Duration(i) / time.Duration(cfg.Clients))
			}
			for ctx.Err() == nil {
				t := time.Now()
				if every > 0 {
					// Open loop: wait for the scheduled time and count latency from it.
					if d := time.Until(next); d > 0 {
						time.Sleep(d)
					}
					t = next
					next = next.Add(every)
				}
				if t.After(end) {
					return
				}
				status, body, err := fn(cl)
				d := time.Since(t)
				if !t.Before(measureFrom) {
					mu.Lock()
					switch {
					case err != nil:
						errs["transport: "+err.Error()]++
					case status >= 300:
						errs[fmt.Sprintf("status %d %.80s", status, body)]++
					default:
						lat = append(lat, d)
					}
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	return lat, errs, cfg.Dur
}

// Post sends a JSON POST with the session and reads the answer.
func Post(s *harness.Session, hc *http.Client, base, path, body string) (int, []byte, error) {
	req, err := http.NewRequest("POST", base+path, strings.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	for k, v := range s.Header {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// GetJSON reads a JSON answer into v; any status but 200 is an error.
func GetJSON(s *harness.Session, hc *http.Client, base, path string, v any) error {
	status, b, err := s.Get(hc, base, path)
	if err != nil {
		return err
	}
	if status != http.StatusOK {
		return fmt.Errorf("GET %s: %d %s", path, status, b)
	}
	return json.Unmarshal(b, v)
}

// Row summarises a phase for the result table: engine, phase, requests,
// requests/s, p50, p90, p99, max, whether p99 is under target, errors. It
// sorts lat and fails when no request succeeded.
func Row(engine, phase string, lat []time.Duration, errs map[string]int, window, target time.Duration) ([]string, time.Duration, error) {
	slices.Sort(lat)
	n := len(lat)
	if n == 0 {
		return nil, 0, fmt.Errorf("%s: no successful request (%v)", phase, errs)
	}
	p99 := harness.Percentile(lat, 0.99)
	ok := "yes"
	if p99 >= target {
		ok = "NO"
	}
	var es []string
	for k, v := range errs {
		es = append(es, fmt.Sprintf("%s ×%d", k, v))
	}
	slices.Sort(es)
	return []string{engine, phase, strconv.Itoa(n), fmt.Sprintf("%.0f", float64(n)/window.Seconds()),
		harness.Ms(harness.Percentile(lat, 0.5)), harness.Ms(harness.Percentile(lat, 0.9)), harness.Ms(p99), harness.Ms(lat[n-1]), ok,
		strings.Join(es, "; ")}, p99, nil
}

// Enterprise is a logged-in enterprise admin with its organisation's id.
type Enterprise struct {
	Session *harness.Session
	ID      int64
}

// Enterprises logs in as the demo's enterprise admins ent1…entN (the server
// allows 20 logins a minute from one address: keep n small).
func Enterprises(hc *http.Client, base string, n int) ([]Enterprise, error) {
	var out []Enterprise
	for i := 1; i <= n; i++ {
		s, err := harness.Login(hc, base, fmt.Sprintf("ent%d.admin", i))
		if err != nil {
			return nil, err
		}
		var me struct {
			Org struct {
				ID int64 `json:"id"`
			} `json:"organisation"`
		}
		if err := GetJSON(s, hc, base, "/api/v1/me", &me); err != nil {
			return nil, err
		}
		out = append(out, Enterprise{s, me.Org.ID})
	}
	return out, nil
}
