// Command feeds measures importing the vulnerability feeds into the database
// at the size of the public files (issue #4):
//
//	go run ./bench/feeds [-kev 1500] [-epss 300000] [-runs 3] [-postgres URL]
//
// It generates a synthetic KEV catalogue and EPSS file (package vulnfeed),
// then times Store.ImportKEV and Store.ImportEPSS (parse, replace the
// snapshot in one transaction, import log, audit) on a fresh SQLite store
// and, with -postgres or ANBAO_TEST_POSTGRES_URL, a fresh PostgreSQL
// database, printing the median of -runs. Target: a full EPSS-size import
// in under 5 s.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/bench/internal/freshdb"
	"github.com/anbao/anbao/bench/internal/measure"
	"github.com/anbao/anbao/store"
	"github.com/anbao/anbao/vulnfeed"
)

func main() {
	kevN := flag.Int("kev", 1500, "KEV entries")
	epssN := flag.Int("epss", 300_000, "EPSS rows")
	runs := flag.Int("runs", 3, "imports per feed (the median is printed)")
	pg := flag.String("postgres", os.Getenv("ANBAO_TEST_POSTGRES_URL"), "PostgreSQL URL with rights to create databases (optional)")
	flag.Parse()
	kev := vulnfeed.GenerateKEV(*kevN, 1)
	var epss bytes.Buffer
	check(vulnfeed.GenerateEPSS(&epss, *epssN, 1))
	fmt.Printf("feed import into the database: KEV %d entries (%d KB), EPSS %d rows (%d KB), median of %d\n\n",
		*kevN, len(kev)>>10, *epssN, epss.Len()>>10, *runs)
	dir, err := os.MkdirTemp("", "anbao-bench-feeds")
	check(err)
	defer os.RemoveAll(dir)
	run("sqlite", store.Config{DataDir: dir}, kev, epss.Bytes(), *runs)
	if *pg != "" {
		u, cleanup, err := freshdb.Create(*pg)
		check(err)
		defer cleanup()
		run("postgres", store.Config{DatabaseURL: u}, kev, epss.Bytes(), *runs)
	}
}

func run(name string, cfg store.Config, kev, epss []byte, runs int) {
	ctx := context.Background()
	st, err := store.Open(ctx, cfg)
	check(err)
	defer st.Close()
	sys := anbao.WithPrincipal(ctx, anbao.SystemPrincipal("bench"))
	k := measure.Median(runs, func() { _, err := st.ImportKEV(sys, bytes.NewReader(kev)); check(err) })
	e := measure.Median(runs, func() { _, err := st.ImportEPSS(sys, bytes.NewReader(epss)); check(err) })
	verdict := "PASS"
	if e > 5*time.Second {
		verdict = "OVER"
	}
	fmt.Printf("%-9s KEV %7.0f ms   EPSS %7.0f ms   target EPSS < 5000 ms %s\n", name, measure.MS(k), measure.MS(e), verdict)
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench/feeds:", err)
		os.Exit(1)
	}
}
