// Command declare measures declaring policies issued in an insurer's core
// system (issue #5 item 6) through the store:
//
//	go run ./bench/declare [-n 10000] [-enterprises 2000] [-postgres URL]
//
// For SQLite (a temporary directory) and, when -postgres or
// ANBAO_TEST_POSTGRES_URL is set, PostgreSQL (a fresh database created on
// that server and dropped at the end), it loads the demo pilot, gives its
// first insurer a published product (the catalogue's seed definition and
// rating, with its exclusion clauses), generates -n valid policies spread
// over the active enterprises (consecutive one-year terms per enterprise,
// random limits, retentions and premiums within the product's range) and
// declares them in one store.DeclarePolicies call. It prints the wall time
// and policies/s of that call, then of the same batch sent again (every
// policy found unchanged, nothing written). Target: a few seconds for
// 10,000 policies on either engine.
package main

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"time"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/bench/internal/freshdb"
	"github.com/anbao/anbao/demo"
	"github.com/anbao/anbao/rating"
	"github.com/anbao/anbao/store"
)

func main() {
	n := flag.Int("n", store.MaxDeclareBatch, "policies in the batch (at most 10,000)")
	ents := flag.Int("enterprises", 2000, "enterprises in the demo pilot")
	pg := flag.String("postgres", os.Getenv("ANBAO_TEST_POSTGRES_URL"), "PostgreSQL URL with rights to create databases (optional)")
	flag.Parse()
	fmt.Printf("Anbao policy declaration benchmark: %d policies in one call, %d-enterprise demo pilot\n\n", *n, *ents)
	dir, err := os.MkdirTemp("", "anbao-bench-declare")
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
		run(e.name, e.cfg, *n, *ents)
	}
}

func run(name string, cfg store.Config, n, ents int) {
	ctx := context.Background()
	st, err := store.Open(ctx, cfg)
	check(err)
	defer st.Close()
	sys := anbao.WithPrincipal(ctx, anbao.SystemPrincipal("bench"))
	t := time.Now()
	check(st.LoadDemo(sys, demo.Generate(2026, ents)))
	insurers, err := st.ListOrganisations(sys, anbao.OrgFilter{Kind: anbao.KindInsurer, Status: anbao.OrgActive, Page: anbao.Page{Limit: 1}})
	check(err)
	if len(insurers.Items) == 0 {
		fail("the demo has no active insurer")
	}
	uw := anbao.WithPrincipal(ctx, &anbao.Principal{Username: "bench.uw", OrgID: insurers.Items[0].ID, OrgKind: anbao.KindInsurer,
		Roles: []anbao.Role{anbao.RoleUnderwriter}})
	def := rating.SeedDefinition()
	for _, c := range def.Exclusions {
		_, err := st.AddClause(uw, store.ClauseInput{Code: c.Code, TitleZH: c.TitleZH, TitleEN: c.TitleEN,
			TextZH: "因" + c.TitleZH + "导致的损失，保险人不负责赔偿。"})
		check(err)
	}
	pr, err := st.CreateProduct(uw, store.ProductInput{Code: "BENCH-DECL", NameZH: "申报基准产品", ProductVersionInput: store.ProductVersionInput{
		RegistrationNo: "C00010830612026030200001", Definition: *def, Rating: *rating.SeedConfig()}})
	check(err)
	_, err = st.PublishProduct(uw, pr.ID, 0)
	check(err)
	var usccs []string
	for off := 0; ; off += anbao.MaxPageLimit {
		l, err := st.ListOrganisations(sys, anbao.OrgFilter{Kind: anbao.KindEnterprise, Status: anbao.OrgActive,
			Page: anbao.Page{Limit: anbao.MaxPageLimit, Offset: off}})
		check(err)
		for _, o := range l.Items {
			usccs = append(usccs, o.USCC)
		}
		if len(l.Items) < anbao.MaxPageLimit {
			break
		}
	}
	if len(usccs) == 0 {
		fail("the demo has no active enterprise")
	}
	setup := time.Since(t)
	items := generate(n, usccs, def.MinLimit, def.MaxLimit, def.MinRetention)

	t = time.Now()
	res, err := st.DeclarePolicies(uw, items)
	check(err)
	first := time.Since(t)
	if res.Created != n {
		fail(fmt.Sprintf("created %d of %d", res.Created, n))
	}
	t = time.Now()
	again, err := st.DeclarePolicies(uw, items)
	check(err)
	resend := time.Since(t)
	if again.Unchanged != n {
		fail(fmt.Sprintf("re-send: %d of %d unchanged", again.Unchanged, n))
	}
	fmt.Printf("%-9s setup (demo, product) %6.1f s; %d enterprises\n", name, setup.Seconds(), len(usccs))
	fmt.Printf("%-9s declare %d policies:  %7.0f ms  %8.0f policies/s\n", name, n, ms(first), float64(n)/first.Seconds())
	fmt.Printf("%-9s send again (unchanged): %7.0f ms  %8.0f policies/s\n\n", name, ms(resend), float64(n)/resend.Seconds())
}

// generate makes n valid declarations: enterprise i%len(usccs) gets its
// (i/len(usccs))-th consecutive one-year term from 2020, so none overlap.
func generate(n int, usccs []string, minLimit, maxLimit, minRetention int64) []store.DeclaredPolicy {
	rng := rand.New(rand.NewPCG(2026, 6))
	out := make([]store.DeclaredPolicy, n)
	for i := range out {
		e := i % len(usccs)
		inception := time.Date(2020+i/len(usccs), time.Month(1+e%12), 1+e%28, 0, 0, 0, 0, time.UTC)
		limit := minLimit + rng.Int64N((maxLimit-minLimit)/100+1)*100
		retention := minRetention + rng.Int64N((limit-minRetention)/10)
		out[i] = store.DeclaredPolicy{
			ExternalRef: fmt.Sprintf("CORE-%d-%07d", inception.Year(), i), ProductCode: "BENCH-DECL", EnterpriseUSCC: usccs[e],
			InceptionDate: inception.Format(time.DateOnly), ExpiryDate: inception.AddDate(1, 0, 0).Format(time.DateOnly),
			Limit: limit, Retention: retention, Premium: limit/200 + rng.Int64N(limit/400+1), RetroDate: "2019-01-01",
			IssuedAt: inception.AddDate(0, 0, -15).Format(time.DateOnly),
		}
	}
	return out
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func check(err error) {
	if err != nil {
		fail(err.Error())
	}
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, "bench/declare:", msg)
	os.Exit(1)
}
