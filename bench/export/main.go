// Command export measures the drill-down export of the supervision
// dashboard (issue #7): every policy of the pilot as an XLSX workbook,
// streamed, through the real HTTP route.
//
//	go run ./bench/export [-rows 100000,200000] [-postgres URL] [-csv] [-verify]
//
// For SQLite (a temporary directory) and, when -postgres or
// ANBAO_TEST_POSTGRES_URL is set, PostgreSQL (a fresh database created on
// that server and dropped at the end), it loads a small demo pilot (for the
// operator's login), then adds policies with bench/internal/pilotgen in
// steps up to each size of -rows, rebuilds the statistics warehouse, and
// downloads GET /api/v1/stats/policies/export.xlsx as the operator from an
// httptest server, reading the body as it comes. For each size it prints
// the rows, the wall time to the last byte, rows/s, the file size, and the
// peak Go heap and peak RSS sampled every 5 ms during the download (heap
// and RSS measured from a GC'd baseline; the RSS high-water mark is reset
// before each run). Memory that does not grow from 100k to 200k rows shows
// the export is streamed. Target: under 10 s for 100,000 rows.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/bench/internal/freshdb"
	"github.com/anbao/anbao/bench/internal/pilotgen"
	"github.com/anbao/anbao/demo"
	"github.com/anbao/anbao/server"
	"github.com/anbao/anbao/store"
	"github.com/xuri/excelize/v2"
)

func main() {
	rowsFlag := flag.String("rows", "100000,200000", "policy counts to export, ascending, comma-separated")
	pg := flag.String("postgres", os.Getenv("ANBAO_TEST_POSTGRES_URL"), "PostgreSQL URL with rights to create databases (optional)")
	withCSV := flag.Bool("csv", false, "also download the same list as CSV")
	verify := flag.Bool("verify", false, "open each workbook with excelize and count its rows")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the run to this file")
	flag.Parse()
	var sizes []int
	for _, s := range strings.Split(*rowsFlag, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n <= 0 || (len(sizes) > 0 && n <= sizes[len(sizes)-1]) {
			fail("bad -rows %q", *rowsFlag)
		}
		sizes = append(sizes, n)
	}
	if *cpuprofile != "" {
		pf, err := os.Create(*cpuprofile)
		check(err)
		check(pprof.StartCPUProfile(pf))
		defer pprof.StopCPUProfile()
	}
	fmt.Printf("Anbao drill-down export benchmark: GET /api/v1/stats/policies/export.xlsx, %s, %d CPUs\n\n", runtime.Version(), runtime.NumCPU())
	dir, err := os.MkdirTemp("", "anbao-bench-export")
	check(err)
	defer os.RemoveAll(dir)
	type engine struct {
		name string
		cfg  store.Config
	}
	engines := []engine{{"sqlite", store.Config{DataDir: dir}}}
	if *pg != "" {
		u, cleanup, err := freshdb.Create(*pg)
		check(err)
		defer cleanup()
		engines = append(engines, engine{"postgres", store.Config{DatabaseURL: u}})
	}
	for _, e := range engines {
		run(e.name, e.cfg, sizes, *withCSV, *verify, dir)
	}
}

func run(name string, cfg store.Config, sizes []int, withCSV, verify bool, dir string) {
	ctx := context.Background()
	st, err := store.Open(ctx, cfg)
	check(err)
	defer st.Close()
	sys := anbao.WithPrincipal(ctx, anbao.SystemPrincipal("bench"))
	check(st.LoadDemo(sys, demo.Generate(2026, 20)))
	srv, err := server.New(st, nil, server.Config{Demo: true, LoginRate: 1000})
	check(err)
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	cookie := login(ts.URL)
	have := 0
	for i, n := range sizes {
		if n > have {
			t := time.Now()
			res, err := pilotgen.Generate(ctx, st.RawDB(), string(st.Engine()), pilotgen.Config{Policies: n - have,
				Enterprises: max((n-have)/5, 1000), Seed: uint64(11 + i)})
			check(err)
			have += res.Policies
			t2 := time.Now()
			check(st.RefreshStats(sys))
			fmt.Printf("%-8s generated %d policies in %v, warehouse rebuilt in %v\n", name, res.Policies,
				t2.Sub(t).Round(time.Millisecond), time.Since(t2).Round(time.Millisecond))
		}
		var total int
		check(st.RawDB().QueryRow("SELECT COUNT(*) FROM stats_policies").Scan(&total))
		// The store's share: reading every row, writing nothing.
		t0 := time.Now()
		read := 0
		check(st.EachStatsPolicy(sys, anbao.StatsFilter{}, func(*store.StatsPolicyRow) error { read++; return nil }))
		fmt.Printf("%-8s read %7d rows from the store in %.2f s\n", name, read, time.Since(t0).Seconds())
		r := download(ts.URL+"/api/v1/stats/policies/export.xlsx", cookie, dir+"/policies.xlsx")
		fmt.Printf("%-8s xlsx %7d rows  %6.2f s  %8.0f rows/s  %6.1f MiB  peak heap +%5.1f MiB  peak RSS +%5.1f MiB (%5.1f MiB)\n",
			name, total, r.elapsed.Seconds(), float64(total)/r.elapsed.Seconds(), mib(r.bytes), mib(r.peakHeap), mib(r.peakRSS), mib(r.rss))
		if verify {
			rows := countRows(dir + "/policies.xlsx")
			if rows != total+1 {
				fail("%s: the workbook has %d rows, want %d", name, rows, total+1)
			}
			fmt.Printf("%-8s verified: %d rows + header\n", name, rows-1)
		}
		if withCSV {
			r := download(ts.URL+"/api/v1/stats/export.csv?table=policies", cookie, dir+"/policies.csv")
			fmt.Printf("%-8s csv  %7d rows  %6.2f s  %8.0f rows/s  %6.1f MiB  peak heap +%5.1f MiB  peak RSS +%5.1f MiB (%5.1f MiB)\n",
				name, total, r.elapsed.Seconds(), float64(total)/r.elapsed.Seconds(), mib(r.bytes), mib(r.peakHeap), mib(r.peakRSS), mib(r.rss))
		}
	}
	fmt.Println()
}

func login(base string) string {
	body := `{"username":"op.admin","password":"` + demo.Password + `"}`
	resp, err := http.Post(base+"/api/v1/sessions", "application/json", strings.NewReader(body))
	check(err)
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		b, _ := io.ReadAll(resp.Body)
		fail("login: %d %s", resp.StatusCode, b)
	}
	var v struct{}
	json.NewDecoder(resp.Body).Decode(&v)
	for _, c := range resp.Cookies() {
		if c.Name == "anbao_session" || strings.Contains(c.Name, "session") {
			return c.Name + "=" + c.Value
		}
	}
	fail("login: no session cookie")
	return ""
}

type result struct {
	elapsed                 time.Duration
	bytes, peakHeap         int64
	peakRSS, rss, heapStart int64
}

// download fetches url into file while a sampler records the peak heap and RSS.
func download(url, cookie, file string) result {
	runtime.GC()
	runtime.GC()
	os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) // reset the RSS high-water mark (Linux)
	heap0, rss0 := heapBytes(), rssBytes()
	var peakHeap, peakRSS atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tk := time.NewTicker(5 * time.Millisecond)
		defer tk.Stop()
		for {
			if h := heapBytes(); h > peakHeap.Load() {
				peakHeap.Store(h)
			}
			if r := rssBytes(); r > peakRSS.Load() {
				peakRSS.Store(r)
			}
			select {
			case <-stop:
				return
			case <-tk.C:
			}
		}
	}()
	t := time.Now()
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Cookie", cookie)
	resp, err := http.DefaultClient.Do(req)
	check(err)
	if resp.StatusCode != 200 {
		b, _ := io.ReadAll(resp.Body)
		fail("GET %s: %d %s", url, resp.StatusCode, b)
	}
	f, err := os.Create(file)
	check(err)
	n, err := io.Copy(f, resp.Body)
	check(err)
	resp.Body.Close()
	f.Close()
	el := time.Since(t)
	close(stop)
	wg.Wait()
	hwm := rssHWM()
	if hwm > peakRSS.Load() {
		peakRSS.Store(hwm)
	}
	return result{elapsed: el, bytes: n, peakHeap: peakHeap.Load() - heap0, peakRSS: peakRSS.Load() - rss0, rss: peakRSS.Load(), heapStart: heap0}
}

var heapSample = []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}

func heapBytes() int64 {
	metrics.Read(heapSample)
	return int64(heapSample[0].Value.Uint64())
}

// rssBytes reads the resident set size; rssHWM its high-water mark.
func rssBytes() int64 { return procStatus("VmRSS:") }
func rssHWM() int64   { return procStatus("VmHWM:") }

func procStatus(field string) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range bytes.Split(b, []byte("\n")) {
		if s, ok := strings.CutPrefix(string(line), field); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

func countRows(file string) int {
	f, err := excelize.OpenFile(file)
	check(err)
	defer f.Close()
	rows, err := f.Rows(f.GetSheetList()[0])
	check(err)
	defer rows.Close()
	n := 0
	for rows.Next() {
		n++
	}
	return n
}

func mib(n int64) float64 { return float64(n) / (1 << 20) }

func check(err error) {
	if err != nil {
		fail("%v", err)
	}
}

func fail(f string, a ...any) {
	fmt.Fprintf(os.Stderr, "export: "+f+"\n", a...)
	os.Exit(1)
}
