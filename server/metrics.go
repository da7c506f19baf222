package server

import (
	"fmt"
	"net/http"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"
)

// metrics keeps Prometheus counters and histograms for requests. It is small
// enough to write by hand, which keeps a heavy client library out of the build.
type metrics struct {
	mu        sync.Mutex
	requests  map[[3]string]uint64 // route, method, status class
	durations map[string]*histogram
	errors    map[string]uint64 // route → 5xx count
}

var latencyBuckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5}

type histogram struct {
	counts []uint64 // per bucket, cumulative at exposition
	sum    float64
	count  uint64
}

func newMetrics() *metrics {
	return &metrics{requests: map[[3]string]uint64{}, durations: map[string]*histogram{}, errors: map[string]uint64{}}
}

func (m *metrics) observe(route, method string, status int, d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests[[3]string{route, method, fmt.Sprintf("%dxx", status/100)}]++
	if status >= 500 {
		m.errors[route]++
	}
	h := m.durations[route]
	if h == nil {
		h = &histogram{counts: make([]uint64, len(latencyBuckets))}
		m.durations[route] = h
	}
	sec := d.Seconds()
	for i, b := range latencyBuckets {
		if sec <= b {
			h.counts[i]++
			break
		}
	}
	h.sum += sec
	h.count++
}

func sortedKeys[K comparable, V any](m map[K]V, less func(a, b K) bool) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return less(keys[i], keys[j]) })
	return keys
}

func (s *Server) serveMetrics(w http.ResponseWriter, r *http.Request) {
	var b strings.Builder
	m := s.metrics
	m.mu.Lock()
	b.WriteString("# HELP anbao_http_requests_total HTTP requests by route, method and status class.\n# TYPE anbao_http_requests_total counter\n")
	for _, k := range sortedKeys(m.requests, func(a, b [3]string) bool { return strings.Join(a[:], " ") < strings.Join(b[:], " ") }) {
		fmt.Fprintf(&b, "anbao_http_requests_total{route=%q,method=%q,status=%q} %d\n", k[0], k[1], k[2], m.requests[k])
	}
	b.WriteString("# HELP anbao_http_errors_total HTTP responses with a 5xx status, by route.\n# TYPE anbao_http_errors_total counter\n")
	for _, k := range sortedKeys(m.errors, func(a, b string) bool { return a < b }) {
		fmt.Fprintf(&b, "anbao_http_errors_total{route=%q} %d\n", k, m.errors[k])
	}
	b.WriteString("# HELP anbao_http_request_duration_seconds HTTP request latency by route.\n# TYPE anbao_http_request_duration_seconds histogram\n")
	for _, k := range sortedKeys(m.durations, func(a, b string) bool { return a < b }) {
		h := m.durations[k]
		var cum uint64
		for i, le := range latencyBuckets {
			cum += h.counts[i]
			fmt.Fprintf(&b, "anbao_http_request_duration_seconds_bucket{route=%q,le=\"%g\"} %d\n", k, le, cum)
		}
		fmt.Fprintf(&b, "anbao_http_request_duration_seconds_bucket{route=%q,le=\"+Inf\"} %d\n", k, h.count)
		fmt.Fprintf(&b, "anbao_http_request_duration_seconds_sum{route=%q} %g\n", k, h.sum)
		fmt.Fprintf(&b, "anbao_http_request_duration_seconds_count{route=%q} %d\n", k, h.count)
	}
	m.mu.Unlock()
	b.WriteString("# HELP anbao_db_connections Database pool connections by pool and state.\n# TYPE anbao_db_connections gauge\n")
	stats := s.store.PoolStats()
	for _, pool := range sortedKeys(stats, func(a, b string) bool { return a < b }) {
		st := stats[pool]
		fmt.Fprintf(&b, "anbao_db_connections{pool=%q,state=\"open\"} %d\n", pool, st.OpenConnections)
		fmt.Fprintf(&b, "anbao_db_connections{pool=%q,state=\"in_use\"} %d\n", pool, st.InUse)
		fmt.Fprintf(&b, "anbao_db_connections{pool=%q,state=\"idle\"} %d\n", pool, st.Idle)
	}
	b.WriteString("# HELP anbao_db_wait_total Times a request waited for a database connection.\n# TYPE anbao_db_wait_total counter\n")
	for _, pool := range sortedKeys(stats, func(a, b string) bool { return a < b }) {
		fmt.Fprintf(&b, "anbao_db_wait_total{pool=%q} %d\n", pool, stats[pool].WaitCount)
	}
	b.WriteString("# HELP anbao_db_wait_seconds_total Time spent waiting for a database connection.\n# TYPE anbao_db_wait_seconds_total counter\n")
	for _, pool := range sortedKeys(stats, func(a, b string) bool { return a < b }) {
		fmt.Fprintf(&b, "anbao_db_wait_seconds_total{pool=%q} %g\n", pool, stats[pool].WaitDuration.Seconds())
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Fprintf(&b, "# HELP anbao_go_heap_bytes Go heap in use.\n# TYPE anbao_go_heap_bytes gauge\nanbao_go_heap_bytes %d\n", ms.HeapInuse)
	fmt.Fprintf(&b, "# HELP anbao_go_goroutines Goroutines.\n# TYPE anbao_go_goroutines gauge\nanbao_go_goroutines %d\n", runtime.NumGoroutine())
	fmt.Fprintf(&b, "# HELP anbao_uptime_seconds Seconds since start.\n# TYPE anbao_uptime_seconds gauge\nanbao_uptime_seconds %g\n", time.Since(s.started).Seconds())
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	w.Write([]byte(b.String()))
}
