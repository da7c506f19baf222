// Command score measures the Anbao score (issue #4):
//
//	go run ./bench/score [-enterprises 2000] [-runs 5] [-postgres URL]
//
// It loads the demo pilot with its assessments into a fresh SQLite store (and
// a fresh PostgreSQL database when -postgres or ANBAO_TEST_POSTGRES_URL is
// set), then prints, as medians over -runs:
//   - one enterprise: the engine alone (score with the full explanation and
//     the exact gain of every remedial item), and the score page's path
//     (assemble the input from the database, check it, explain);
//   - re-scoring every enterprise after a methodology change
//     (store.RecomputeScores: load all inputs, score, write the scores and
//     the latest-score index in one transaction). Target: < 2 s for 2,000.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/assess"
	"github.com/anbao/anbao/bench/internal/freshdb"
	"github.com/anbao/anbao/bench/internal/measure"
	"github.com/anbao/anbao/demo"
	"github.com/anbao/anbao/store"
)

func main() {
	n := flag.Int("enterprises", 2000, "enterprises in the demo pilot")
	runs := flag.Int("runs", 5, "runs per figure (the median is printed)")
	pg := flag.String("postgres", os.Getenv("ANBAO_TEST_POSTGRES_URL"), "PostgreSQL URL with rights to create databases (optional)")
	flag.Parse()
	fmt.Printf("Anbao score benchmark: %d-enterprise demo pilot, methodology %s, median of %d runs\n\n", *n, assess.Current().Version, *runs)
	dir, err := os.MkdirTemp("", "anbao-bench-score")
	check(err)
	defer os.RemoveAll(dir)
	engines := []struct {
		name string
		cfg  store.Config
	}{{"sqlite", store.Config{DataDir: dir}}}
	if *pg != "" {
		u, cleanup, err := freshdb.Create(*pg)
		check(err)
		defer cleanup()
		engines = append(engines, struct {
			name string
			cfg  store.Config
		}{"postgres", store.Config{DatabaseURL: u}})
	}
	for _, e := range engines {
		run(e.name, e.cfg, *n, *runs)
	}
}

func run(name string, cfg store.Config, n, runs int) {
	ctx := context.Background()
	st, err := store.Open(ctx, cfg)
	check(err)
	defer st.Close()
	sys := anbao.WithPrincipal(ctx, anbao.SystemPrincipal("bench"))
	p := demo.Generate(2026, n)
	check(st.LoadDemo(sys, p))
	check(st.LoadDemoAssessments(sys, p, demo.GenerateAssessments(p, 2026)))
	l, err := st.ListOrganisations(sys, anbao.OrgFilter{Kind: anbao.KindEnterprise, Status: anbao.OrgActive, Page: anbao.Page{Limit: 1}})
	check(err)
	ent := l.Items[0].ID
	in, err := st.AssessmentInput(sys, ent)
	check(err)
	engine := measure.Median(runs*20, func() { _, err := assess.Score(assess.Current().Version, in); check(err) })
	// The request path of the score page: assemble the input from the
	// database, hash it, find it unchanged, recompute the explanation.
	_, err = st.CurrentScore(sys, ent)
	check(err)
	path := measure.Median(runs*4, func() { _, err := st.CurrentScore(sys, ent); check(err) })
	var rep *store.RecomputeReport
	all := measure.Median(runs, func() { rep, err = st.RecomputeScores(sys); check(err) })
	fmt.Printf("%-9s one enterprise: engine %6.2f ms, request path %6.2f ms\n", name, measure.MS(engine), measure.MS(path))
	fmt.Printf("%-9s re-score %d enterprises: %7.1f ms (last run: load %d ms, score %d ms, save %d ms)  target < 2000 ms\n\n",
		name, rep.Enterprises, measure.MS(all), rep.LoadMS, rep.ScoreMS, rep.SaveMS)
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench/score:", err)
		os.Exit(1)
	}
}
