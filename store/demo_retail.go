package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/anbao/anbao"
)

// Demo retail-line returns (issue #7 item 9). The first batch's published
// results count more than 2 million anti-fraud policies sold to residents,
// with premium above CNY 24 million and sum insured above CNY 100 billion
// (china_pilot.md §4). Insurers declare such lines as monthly aggregates per
// jurisdiction; the demo's six insurers declare anti-fraud cover in three
// jurisdictions each, and two of them account-security cover too, from
// January 2024 to last month, scaled so that the first batch's eighteen
// months (2024-01 to 2025-06) land a little above the published figures.

// demoRetailJurisdictions are the jurisdictions each demo insurer sells
// retail cover in (by insurer, ins1..ins6).
var demoRetailJurisdictions = [][]string{
	{"11", "13", "12"}, {"44", "4403", "45"}, {"32", "33", "3302"},
	{"31", "34", "36"}, {"51", "50", "53"}, {"37", "3702", "42"},
}

// DemoRetailReport counts what LoadDemoRetail declared.
type DemoRetailReport struct {
	Returns  int
	Policies int64 // all months
	Batch1   struct{ Policies, Premium, SumInsured int64 }
}

// LoadDemoRetail declares the demo insurers' retail returns, deterministically
// from seed, as each insurer's admin. Run it after LoadDemo.
func (s *Store) LoadDemoRetail(ctx context.Context, seed uint64) (*DemoRetailReport, error) {
	r := rand.New(rand.NewPCG(seed, 0x72657461696c)) // "retail"
	rep := &DemoRetailReport{}
	last := s.Now().In(anbao.Shanghai)
	last = time.Date(last.Year(), last.Month(), 1, 0, 0, 0, 0, anbao.Shanghai).AddDate(0, -1, 0)
	for i, jurs := range demoRetailJurisdictions {
		username := fmt.Sprintf("ins%d.admin", i+1)
		a, err := s.loadAuth(ctx, s.read, "u.username = $1", username)
		if err != nil {
			return nil, fmt.Errorf("demo retail: user %s: %w", username, err)
		}
		ictx := anbao.WithPrincipal(withoutReadBack(ctx), a.principal())
		for k, jur := range jurs {
			// A cell's monthly sales: about 6,750 policies at the start,
			// growing about 2% a month, with noise.
			base := 5000 + r.IntN(3500)
			if k == 2 {
				base /= 2 // the insurer's smallest market
			}
			for m := time.Date(2024, 1, 1, 0, 0, 0, 0, anbao.Shanghai); !m.After(last); m = m.AddDate(0, 1, 0) {
				months := (m.Year()-2024)*12 + int(m.Month()) - 1
				n := int64(float64(base) * (1 + 0.02*float64(months)) * (0.85 + 0.3*r.Float64()))
				lines := []struct {
					line           string
					premium, cover int64 // per policy, 分
				}{{"anti_fraud", 1000 + int64(r.IntN(400)), 5_000_000 + int64(r.IntN(2))*1_000_000}}
				if i == 1 || i == 4 {
					lines = append(lines, struct {
						line           string
						premium, cover int64
					}{"account_security", 1900, 1_000_000})
				}
				for j, ln := range lines {
					pol := n
					if j > 0 {
						pol = n / 5
					}
					claims := pol * int64(2+r.IntN(4)) / 1000
					rr := &RetailReturn{Jurisdiction: jur, Month: m.Format("2006-01"), Line: ln.line,
						Policies: pol, Premium: pol * ln.premium, SumInsured: pol * ln.cover,
						Claims: claims, Paid: claims * int64(150_00+r.IntN(300_00))}
					if _, err := s.DeclareRetail(ictx, rr); err != nil {
						return nil, fmt.Errorf("demo retail %s %s %s: %w", username, jur, rr.Month, err)
					}
					rep.Returns++
					rep.Policies += pol
					if ln.line == "anti_fraud" && m.Before(time.Date(2025, 7, 1, 0, 0, 0, 0, anbao.Shanghai)) {
						rep.Batch1.Policies += pol
						rep.Batch1.Premium += rr.Premium
						rep.Batch1.SumInsured += rr.SumInsured
					}
				}
			}
		}
	}
	return rep, nil
}
