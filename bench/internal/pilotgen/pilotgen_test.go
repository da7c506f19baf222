package pilotgen_test

import (
	"context"
	"testing"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/bench/internal/pilotgen"
	"github.com/anbao/anbao/store"
	"github.com/anbao/anbao/store/storetest"
)

// A small pilot generates on both engines, twice into the same database
// (ids continue), and the statistics count what was written.
func TestGenerate(t *testing.T) {
	for _, e := range storetest.Engines() {
		t.Run(string(e), func(t *testing.T) {
			st := storetest.Open(t, e)
			ctx := context.Background()
			var total int
			for seed := uint64(1); seed <= 2; seed++ {
				res, err := pilotgen.Generate(ctx, st.RawDB(), string(e), pilotgen.Config{Enterprises: 500, Policies: 3000, Seed: seed})
				if err != nil {
					t.Fatal(err)
				}
				if res.Policies != 3000 || res.Enterprises != 500 || len(res.Insurers) != 20 || res.Incidents == 0 || res.Claims == 0 ||
					res.Subsidies == 0 || res.Terms <= res.Policies {
					t.Fatalf("generated %+v", res)
				}
				total += res.Terms
			}
			sys := anbao.WithPrincipal(ctx, anbao.SystemPrincipal("test"))
			if err := st.RefreshStats(sys); err != nil {
				t.Fatal(err)
			}
			o, err := st.StatsOverview(sys, anbao.StatsFilter{}, "en")
			if err != nil {
				t.Fatal(err)
			}
			var never int64
			if err := st.RawDB().QueryRow(`SELECT COUNT(*) FROM policy_terms WHERE cancel_method = 'flat'`).Scan(&never); err != nil {
				t.Fatal(err)
			}
			// The export stream crosses its chunks without losing or repeating a
			// policy term (the statistics count terms: new business and renewals).
			var n, last int64
			lastTerm := 0
			err = st.EachStatsPolicy(sys, anbao.StatsFilter{}, func(p *store.StatsPolicyRow) error {
				if p.ID < last || (p.ID == last && p.Term <= lastTerm) {
					t.Fatalf("policy %d/%d after %d/%d", p.ID, p.Term, last, lastTerm)
				}
				n, last, lastTerm = n+1, p.ID, p.Term
				return nil
			})
			if err != nil || n != o.Totals.Policies {
				t.Errorf("stream: %d policies (%v), want %d", n, err, o.Totals.Policies)
			}
			page, err := st.StatsPolicies(sys, anbao.StatsFilter{}, anbao.Page{Limit: 500, Offset: 5000})
			if err != nil || int64(page.Total) != o.Totals.Policies || len(page.Items) != min(500, page.Total-5000) {
				t.Errorf("page: %d of %d (%v)", len(page.Items), page.Total, err)
			}
			if o.Totals.Policies != int64(total)-never || o.Totals.Incidents == 0 || o.Totals.Claims == 0 || len(o.Breakdowns[0].Rows) != 36 {
				t.Errorf("overview %+v (%d jurisdictions), want %d policy terms", o.Totals, len(o.Breakdowns[0].Rows), int64(total)-never)
			}
		})
	}
}
