package store_test

import (
	"testing"
	"time"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/store"
	"github.com/anbao/anbao/store/storetest"
)

// The demo's retail returns reach the first batch's published retail figures
// (more than 2 million anti-fraud policies, premium above CNY 24 million, sum
// insured above CNY 100 billion), and the dashboard's retail totals are the
// sum of the returns, counted here with plain SQL.
func TestDemoRetail(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		st.Now = func() time.Time { return time.Date(2026, 11, 29, 8, 30, 0, 0, time.UTC) }
		loadPilot(t, st)
		rep, err := st.LoadDemoRetail(sys(), 2026)
		must(t, err)
		if rep.Batch1.Policies <= 2_000_000 || rep.Batch1.Premium <= 24_000_000_00 || rep.Batch1.SumInsured <= 100_000_000_000_00 {
			t.Errorf("first batch retail: %+v, want above 2,000,000 policies, ¥24m premium, ¥100bn sum insured", rep.Batch1)
		}
		if rep.Batch1.Policies > 3_000_000 || rep.Batch1.Premium > 40_000_000_00 {
			t.Errorf("first batch retail: %+v, implausibly far above the published figures", rep.Batch1)
		}
		if n := count(t, st, "SELECT COUNT(*) FROM retail_returns"); n != int64(rep.Returns) {
			t.Errorf("retail_returns has %d rows, the loader declared %d", n, rep.Returns)
		}
		var pol, prem, si int64
		if err := st.RawDB().QueryRow(`SELECT COALESCE(SUM(policies), 0), COALESCE(SUM(premium), 0), COALESCE(SUM(sum_insured), 0)
			FROM retail_returns WHERE month BETWEEN '2024-01' AND '2025-06' AND line = 'anti_fraud'`).Scan(&pol, &prem, &si); err != nil {
			t.Fatal(err)
		}
		if pol != rep.Batch1.Policies || prem != rep.Batch1.Premium || si != rep.Batch1.SumInsured {
			t.Errorf("SQL sums %d/%d/%d, loader %+v", pol, prem, si, rep.Batch1)
		}
		must(t, st.RefreshStats(sys()))
		ov, err := st.StatsOverview(as(t, st, "miit.admin"), anbao.StatsFilter{From: "2024-01", To: "2025-06"}, "zh-CN")
		must(t, err)
		var all int64
		if err := st.RawDB().QueryRow(`SELECT COALESCE(SUM(policies), 0) FROM retail_returns WHERE month BETWEEN '2024-01' AND '2025-06'`).Scan(&all); err != nil {
			t.Fatal(err)
		}
		if ov.RetailPolicies != all {
			t.Errorf("dashboard retail policies %d, SQL %d", ov.RetailPolicies, all)
		}
	})
}
