package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/refdata"
	"github.com/anbao/anbao/store"
	"github.com/anbao/anbao/store/storetest"
)

// The statistics are checked against a reference computed here the other
// way round: raw rows read one by one and folded in Go (no SQL aggregate),
// with the definitions written out again.

// statsRef is the raw material of the reference.
type statsRef struct {
	orgs      map[int64]statsRefOrg
	policies  []statsRefPolicy
	incidents []statsRefIncident
	claims    []statsRefClaim
}

type statsRefOrg struct {
	kind, jurisdiction, industry, size string
}

type statsRefPolicy struct {
	id, insurer, enterprise         int64
	jurisdiction, section, size, pt string
	month, status                   string
	currentTerm                     int
	premium, sumInsured, subsidy    int64
	neverInForce                    bool
}

type statsRefIncident struct {
	id, insurer                     int64
	pt, jurisdiction, section, size string
	month, grade, category          string
}

type statsRefClaim struct {
	policy                           int64
	status, decline                  string
	paid, recovered, lossRes, expRes int64
}

func sectionOf(div string) string {
	if len(div) < 2 {
		return ""
	}
	if d, ok := refdata.DivisionByCode(div[:2]); ok {
		return d.Section
	}
	return ""
}

func loadStatsRef(t *testing.T, st *store.Store) *statsRef {
	t.Helper()
	db := st.RawDB()
	r := &statsRef{orgs: map[int64]statsRefOrg{}}
	each := func(q string, fn func(*sql.Rows) error) {
		t.Helper()
		rows, err := db.Query(q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		defer rows.Close()
		for rows.Next() {
			if err := fn(rows); err != nil {
				t.Fatal(err)
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
	}
	each("SELECT id, kind, jurisdiction, industry, size FROM organisations", func(rs *sql.Rows) error {
		var id int64
		var o statsRefOrg
		err := rs.Scan(&id, &o.kind, &o.jurisdiction, &o.industry, &o.size)
		r.orgs[id] = o
		return err
	})
	byID := map[int64]int{}
	each(`SELECT id, insurer_id, enterprise_id, jurisdiction, industry, size, product_type, inception_date, status, current_term, sum_insured
		FROM policies`, func(rs *sql.Rows) error {
		var p statsRefPolicy
		var ind, inception string
		if err := rs.Scan(&p.id, &p.insurer, &p.enterprise, &p.jurisdiction, &ind, &p.size, &p.pt, &inception, &p.status, &p.currentTerm,
			&p.sumInsured); err != nil {
			return err
		}
		p.section, p.month = sectionOf(ind), inception[:7]
		byID[p.id] = len(r.policies)
		r.policies = append(r.policies, p)
		return nil
	})
	each("SELECT policy_id, term_no, status, start_date, cancelled_date, cancel_method, written_premium FROM policy_terms", func(rs *sql.Rows) error {
		var pid, written int64
		var no int
		var status, start, cancelled, method string
		if err := rs.Scan(&pid, &no, &status, &start, &cancelled, &method, &written); err != nil {
			return err
		}
		p := &r.policies[byID[pid]]
		p.premium += written
		if no == 1 && status == "cancelled" && (method == "flat" || (cancelled != "" && cancelled <= start)) {
			p.neverInForce = true
		}
		return nil
	})
	for i := range r.policies {
		p := &r.policies[i]
		p.neverInForce = p.neverInForce && p.status == "cancelled" && p.currentTerm == 1
	}
	each("SELECT policy_id, amount FROM policy_subsidies", func(rs *sql.Rows) error {
		var pid, amt int64
		err := rs.Scan(&pid, &amt)
		r.policies[byID[pid]].subsidy += amt
		return err
	})
	each("SELECT policy_id, status, decline_code, paid, recovered, reserve_loss, reserve_expense FROM claims", func(rs *sql.Rows) error {
		var c statsRefClaim
		err := rs.Scan(&c.policy, &c.status, &c.decline, &c.paid, &c.recovered, &c.lossRes, &c.expRes)
		r.claims = append(r.claims, c)
		return err
	})
	each("SELECT id, enterprise_id, COALESCE(policy_id, 0), discovered_at, grade, category FROM incidents", func(rs *sql.Rows) error {
		var in statsRefIncident
		var ent, pid int64
		var at string
		if err := rs.Scan(&in.id, &ent, &pid, &at, &in.grade, &in.category); err != nil {
			return err
		}
		tm, err := time.Parse(anbao.TimeFormat, at)
		if err != nil {
			return err
		}
		in.month = tm.In(anbao.Shanghai).Format("2006-01")
		o := r.orgs[ent]
		in.jurisdiction, in.section, in.size = o.jurisdiction, sectionOf(o.industry), o.size
		if pid != 0 {
			p := r.policies[byID[pid]]
			in.insurer, in.pt = p.insurer, p.pt
		}
		r.incidents = append(r.incidents, in)
		return nil
	})
	return r
}

// statsRefKeys gives the keys of a policy or incident on each dimension.
func refKey(d anbao.StatsDim, jur, sec, size, pt string, ins int64, month string) string {
	switch d {
	case anbao.DimJurisdiction:
		return jur
	case anbao.DimIndustry:
		return sec
	case anbao.DimSize:
		return size
	case anbao.DimProductType:
		return pt
	case anbao.DimInsurer:
		return strconv.FormatInt(ins, 10)
	}
	return month
}

func refMatch(f anbao.StatsFilter, jur, sec, size, pt string, ins int64, month string) bool {
	return (f.Jurisdiction == "" || f.Jurisdiction == jur) && (f.Industry == "" || f.Industry == sec) &&
		(f.Size == "" || string(f.Size) == size) && (f.ProductType == "" || f.ProductType == pt) &&
		(f.InsurerID == 0 || f.InsurerID == ins) && (f.From == "" || month >= f.From) && (f.To == "" || month <= f.To)
}

// refCells computes dim ("" total) → key → figures, plus grade, category and
// decline counts.
func (r *statsRef) figures(f anbao.StatsFilter) (map[string]map[string]*anbao.StatsFigures, map[string]int64, map[string]int64, map[string]int64) {
	out := map[string]map[string]*anbao.StatsFigures{}
	ents := map[string]map[string]map[int64]bool{}
	cell := func(d, k string) *anbao.StatsFigures {
		if out[d] == nil {
			out[d] = map[string]*anbao.StatsFigures{}
			ents[d] = map[string]map[int64]bool{}
		}
		if out[d][k] == nil {
			out[d][k] = &anbao.StatsFigures{}
			ents[d][k] = map[int64]bool{}
		}
		return out[d][k]
	}
	dims := append([]anbao.StatsDim{""}, anbao.StatsDims...)
	keyOf := func(d anbao.StatsDim, jur, sec, size, pt string, ins int64, month string) string {
		if d == "" {
			return ""
		}
		return refKey(d, jur, sec, size, pt, ins, month)
	}
	claimsOf := map[int64][]statsRefClaim{}
	for _, c := range r.claims {
		claimsOf[c.policy] = append(claimsOf[c.policy], c)
	}
	declines := map[string]int64{}
	for _, p := range r.policies {
		if p.neverInForce || !refMatch(f, p.jurisdiction, p.section, p.size, p.pt, p.insurer, p.month) {
			continue
		}
		for _, c := range claimsOf[p.id] {
			if c.status == "declined" {
				declines[c.decline]++
			}
		}
		for _, d := range dims {
			k := keyOf(d, p.jurisdiction, p.section, p.size, p.pt, p.insurer, p.month)
			x := cell(string(d), k)
			x.Policies++
			x.Premium += p.premium
			x.SumInsured += p.sumInsured
			x.Subsidy += p.subsidy
			ents[string(d)][k][p.enterprise] = true
			x.Enterprises = int64(len(ents[string(d)][k]))
			for _, c := range claimsOf[p.id] {
				x.Claims++
				if c.paid > 0 {
					x.ClaimsPaid++
				}
				x.PaidAmount += c.paid - c.recovered
				switch c.status {
				case "declined":
					x.ClaimsDeclined++
				case "closed":
				default:
					x.Outstanding += c.lossRes + c.expRes
				}
			}
		}
	}
	grades, cats := map[string]int64{}, map[string]int64{}
	for _, in := range r.incidents {
		if !refMatch(f, in.jurisdiction, in.section, in.size, in.pt, in.insurer, in.month) {
			continue
		}
		grades[in.grade]++
		cats[in.category]++
		for _, d := range dims {
			cell(string(d), keyOf(d, in.jurisdiction, in.section, in.size, in.pt, in.insurer, in.month)).Incidents++
		}
	}
	if out[""] == nil {
		cell("", "")
	}
	return out, grades, cats, declines
}

func sameFigures(a, b anbao.StatsFigures) bool {
	a.LossRatio, b.LossRatio = nil, nil
	return a == b
}

// checkOverview compares an overview with the reference of its filter.
func checkOverview(t *testing.T, r *statsRef, o *anbao.StatsOverview, hideLR bool) {
	t.Helper()
	want, grades, cats, declines := r.figures(o.Filter)
	if w := *want[""][""]; !sameFigures(o.Totals, w) {
		t.Errorf("filter %+v: totals\n got %+v\nwant %+v", o.Filter, o.Totals, w)
	}
	checkLR := func(what string, x anbao.StatsFigures) {
		t.Helper()
		switch {
		case hideLR || x.Premium == 0:
			if x.LossRatio != nil {
				t.Errorf("%s: loss ratio %v shown", what, *x.LossRatio)
			}
		case x.LossRatio == nil || *x.LossRatio != float64(x.PaidAmount)/float64(x.Premium):
			t.Errorf("%s: loss ratio %v, want %d/%d", what, x.LossRatio, x.PaidAmount, x.Premium)
		}
	}
	checkLR("totals", o.Totals)
	if len(o.Breakdowns) != len(anbao.StatsDims) {
		t.Fatalf("%d breakdowns", len(o.Breakdowns))
	}
	for i, b := range o.Breakdowns {
		if b.Dim != anbao.StatsDims[i] {
			t.Errorf("breakdown %d is %s", i, b.Dim)
		}
		wd := want[string(b.Dim)]
		if len(b.Rows) != len(wd) {
			t.Errorf("filter %+v: %s has %d rows, want %d", o.Filter, b.Dim, len(b.Rows), len(wd))
		}
		for _, row := range b.Rows {
			w, ok := wd[row.Key]
			if !ok {
				t.Errorf("%s: unexpected row %q", b.Dim, row.Key)
				continue
			}
			if !sameFigures(row.StatsFigures, *w) {
				t.Errorf("filter %+v: %s %q\n got %+v\nwant %+v", o.Filter, b.Dim, row.Key, row.StatsFigures, *w)
			}
			if row.Label == "" {
				t.Errorf("%s %q has no label", b.Dim, row.Key)
			}
			checkLR(string(b.Dim)+" "+row.Key, row.StatsFigures)
		}
	}
	counts := func(what string, got []anbao.StatsCount, want map[string]int64) {
		t.Helper()
		if len(got) != len(want) {
			t.Errorf("%s: %d rows, want %d (%v)", what, len(got), len(want), want)
		}
		for _, c := range got {
			if want[c.Key] != c.Count {
				t.Errorf("%s %q = %d, want %d", what, c.Key, c.Count, want[c.Key])
			}
		}
	}
	counts("grades", o.IncidentsByGrade, grades)
	counts("categories", o.IncidentsByCategory, cats)
	counts("declines", o.DeclinedByReason, declines)
}

func statsCtx(t *testing.T, st *store.Store, user string) (context.Context, *anbao.Principal) {
	t.Helper()
	p, _ := login(t, st, user, "anbao-demo-2026")
	return anbao.WithPrincipal(context.Background(), p), p
}

func wantStatsErr(t *testing.T, err error, code, key string) {
	t.Helper()
	checkErr(t, err, code, key) // the key must be translated too
}

func TestStatsFigures(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		loadDemoIncidents(t, st, 600)
		// The pilot's own records, for its counts (loaded after the book:
		// the loaders move the clock, which the statistics do not read).
		clk := st.Now
		if err := st.LoadDemoPlans(sys(), 2026); err != nil {
			t.Logf("no demo plans: %v", err)
		} else if err := st.LoadDemoProjects(sys(), 2026); err != nil {
			t.Logf("no demo projects: %v", err)
		}
		st.Now = clk
		start := time.Now()
		must(t, st.RefreshStats(sys()))
		t.Logf("refresh in %v", time.Since(start))
		r := loadStatsRef(t, st)
		if len(r.incidents) == 0 || len(r.claims) == 0 {
			t.Fatalf("demo has %d incidents, %d claims", len(r.incidents), len(r.claims))
		}
		op, _ := statsCtx(t, st, "op.admin")
		_, ins := statsCtx(t, st, "ins1.admin")
		// A jurisdiction and a section that hold policies.
		var jur, sec, month string
		for _, p := range r.policies {
			if !p.neverInForce {
				jur, sec, month = p.jurisdiction, p.section, p.month
				break
			}
		}
		filters := []anbao.StatsFilter{
			{}, // national: the rollup
			{Jurisdiction: jur},
			{InsurerID: ins.OrgID},
			{Industry: sec, From: month}, // live
			{Size: anbao.SizeSmall, ProductType: "liability"},
			{Jurisdiction: jur, InsurerID: ins.OrgID},
			{From: month, To: month},
			{From: month[:4] + "-01", To: month[:4] + "-12"}, // a calendar year: the rollup again
			{Jurisdiction: jur, From: month[:4] + "-01", To: month[:4] + "-12"},
			{InsurerID: ins.OrgID, From: month[:4] + "-01", To: month[:4] + "-12"},
			{From: month[:4] + "-01", To: month[:4] + "-11"}, // not a whole year: live
		}
		for _, f := range filters {
			o, err := st.StatsOverview(op, f, "en")
			if err != nil {
				t.Fatalf("overview %+v: %v", f, err)
			}
			if o.AsOf == "" {
				t.Error("no as_of")
			}
			checkOverview(t, r, o, false)
			for _, b := range o.Breakdowns {
				got, err := st.StatsBreakdown(op, f, b.Dim, "zh-CN")
				if err != nil {
					t.Fatal(err)
				}
				if fmt.Sprint(len(got.Rows)) != fmt.Sprint(len(b.Rows)) {
					t.Fatalf("breakdown %s: %d rows, overview %d", b.Dim, len(got.Rows), len(b.Rows))
				}
				for i := range got.Rows {
					if got.Rows[i].Key != b.Rows[i].Key || !sameFigures(got.Rows[i].StatsFigures, b.Rows[i].StatsFigures) {
						t.Errorf("breakdown %s row %d: %+v, overview %+v", b.Dim, i, got.Rows[i], b.Rows[i])
					}
				}
			}
			// Drill-down: the page, the stream and the incidents add up to the totals.
			list, err := st.StatsPolicies(op, f, anbao.Page{Limit: 5})
			if err != nil {
				t.Fatal(err)
			}
			if int64(list.Total) != o.Totals.Policies || len(list.Items) != min(5, list.Total) {
				t.Errorf("policies: total %d (%d items), want %d", list.Total, len(list.Items), o.Totals.Policies)
			}
			var n, prem, paid, last int64
			must(t, st.EachStatsPolicy(op, f, func(p *store.StatsPolicyRow) error {
				if p.ID <= last {
					t.Errorf("stream not in id order: %d after %d", p.ID, last)
				}
				if p.Enterprise == "" || p.Insurer == "" || p.Number == "" {
					t.Errorf("row %+v without names", p)
				}
				last = p.ID
				n, prem, paid = n+1, prem+p.Premium, paid+p.Paid
				return nil
			}))
			if n != o.Totals.Policies || prem != o.Totals.Premium || paid != o.Totals.PaidAmount {
				t.Errorf("stream: %d policies, %d premium, %d paid; totals %+v", n, prem, paid, o.Totals)
			}
			incs, err := st.StatsIncidents(op, f, anbao.Page{})
			if err != nil {
				t.Fatal(err)
			}
			if int64(incs.Total) != o.Totals.Incidents {
				t.Errorf("incidents: %d, want %d", incs.Total, o.Totals.Incidents)
			}
		}
		// The national overview's pilot counts, straight from the tables.
		o, err := st.StatsOverview(op, anbao.StatsFilter{}, "zh-CN")
		must(t, err)
		t.Logf("national totals %+v; %d plans, %d assessments, %d services", o.Totals, o.Plans, o.Assessments, o.Services)
		if o.Totals.Subsidy == 0 || o.Totals.ClaimsDeclined == 0 || o.Totals.PaidAmount == 0 || o.Totals.Outstanding == 0 {
			t.Errorf("the demo leaves a figure untested: %+v", o.Totals)
		}
		if want := count(t, st, "SELECT COUNT(*) FROM reports"); o.Assessments != want {
			t.Errorf("assessments %d, want %d", o.Assessments, want)
		}
		if want := count(t, st, "SELECT COUNT(*) FROM dispatches") + count(t, st, "SELECT COUNT(*) FROM entitlement_usage"); o.Services != want {
			t.Errorf("services %d, want %d", o.Services, want)
		}
		if want := count(t, st, "SELECT COUNT(*) FROM service_plans WHERE status NOT IN ('draft', 'withdrawn')"); o.Plans != want {
			t.Errorf("plans %d, want %d", o.Plans, want)
		}
		if want := count(t, st, "SELECT COUNT(*) FROM pilot_projects"); o.Projects != want {
			t.Errorf("projects %d, want %d", o.Projects, want)
		}
		if want := count(t, st, `SELECT COUNT(*) FROM service_plans sp WHERE EXISTS (SELECT 1 FROM catalogue_entries ce
			JOIN catalogue_versions cv ON cv.id = ce.version_id WHERE ce.plan_id = sp.id AND cv.status = 'published')`); o.CataloguePlans != want {
			t.Errorf("catalogue plans %d, want %d", o.CataloguePlans, want)
		}
		// Units, by kind: every member organisation once, counted in Go.
		units := map[string]map[int64]bool{}
		rows, err := st.RawDB().Query("SELECT o.kind, m.org_id FROM project_members m JOIN organisations o ON o.id = m.org_id")
		must(t, err)
		for rows.Next() {
			var kind string
			var id int64
			must(t, rows.Scan(&kind, &id))
			if units[kind] == nil {
				units[kind] = map[int64]bool{}
			}
			units[kind][id] = true
		}
		must(t, rows.Err())
		rows.Close()
		if len(o.Units) != len(units) {
			t.Errorf("units %+v, want %d kinds", o.Units, len(units))
		}
		for _, u := range o.Units {
			if int64(len(units[u.Key])) != u.Count || u.Label == "" {
				t.Errorf("units %+v, want %d", u, len(units[u.Key]))
			}
		}
		t.Logf("pilot: %d plans, %d in the catalogue, %d projects, units %+v", o.Plans, o.CataloguePlans, o.Projects, o.Units)
		// A local regulator's pilot counts are its jurisdiction's.
		regCtx, regP := statsCtx(t, st, "reg32.admin")
		ro, err := st.StatsOverview(regCtx, anbao.StatsFilter{}, "zh-CN")
		must(t, err)
		if want := count(t, st, "SELECT COUNT(*) FROM service_plans WHERE status NOT IN ('draft', 'withdrawn') AND jurisdiction = $1",
			regP.Jurisdiction); ro.Plans != want {
			t.Errorf("regulator's plans %d, want %d", ro.Plans, want)
		}
		if want := count(t, st, "SELECT COUNT(*) FROM pilot_projects WHERE jurisdiction = $1", regP.Jurisdiction); ro.Projects != want {
			t.Errorf("regulator's projects %d, want %d", ro.Projects, want)
		}

		// A new policy shows after the next refresh only, and AsOf says so.
		var before int64 = o.Totals.Policies
		var pid int64
		must(t, st.RawDB().QueryRow("SELECT id FROM policies WHERE status = 'active' ORDER BY id LIMIT 1").Scan(&pid))
		storetest.Exec(t, st, "UPDATE policies SET status = 'cancelled' WHERE id = $1", pid)
		storetest.Exec(t, st, "UPDATE policy_terms SET status = 'cancelled', cancel_method = 'flat', cancelled_date = start_date WHERE policy_id = $1", pid)
		storetest.Exec(t, st, "UPDATE policies SET current_term = 1 WHERE id = $1", pid)
		o2, err := st.StatsOverview(op, anbao.StatsFilter{}, "zh-CN")
		must(t, err)
		if o2.Totals.Policies != before || o2.AsOf != o.AsOf {
			t.Errorf("figures moved without a refresh")
		}
		must(t, st.RefreshStats(sys()))
		o3, err := st.StatsOverview(op, anbao.StatsFilter{}, "zh-CN")
		must(t, err)
		if o3.Totals.Policies != before-1 {
			t.Errorf("a policy cancelled flat still counts: %d, want %d", o3.Totals.Policies, before-1)
		}
		checkOverview(t, loadStatsRef(t, st), o3, false)
	})
}

func TestStatsScope(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		loadDemoIncidents(t, st, 300)
		// Never refreshed: the first reads build the warehouse, once.
		asOf := make([]string, 4)
		errs := make([]error, 4)
		var wg sync.WaitGroup
		for i := range asOf {
			wg.Add(1)
			go func() {
				defer wg.Done()
				o, err := st.StatsOverview(sys(), anbao.StatsFilter{}, "zh-CN")
				if errs[i] = err; err == nil {
					asOf[i] = o.AsOf
				}
			}()
		}
		wg.Wait()
		for i := range asOf {
			if errs[i] != nil || asOf[i] == "" || asOf[i] != asOf[0] {
				t.Fatalf("first reads: %v, as of %q (first %q)", errs[i], asOf[i], asOf[0])
			}
		}
		must(t, st.RefreshStats(sys()))
		r := loadStatsRef(t, st)

		// A local regulator: its jurisdiction, forced; another is refused.
		reg, p := statsCtx(t, st, "reg32.admin")
		o, err := st.StatsOverview(reg, anbao.StatsFilter{}, "zh-CN")
		must(t, err)
		if o.Filter.Jurisdiction != p.Jurisdiction || p.Jurisdiction == "" {
			t.Fatalf("local regulator's filter %+v (jurisdiction %q)", o.Filter, p.Jurisdiction)
		}
		checkOverview(t, r, o, false)
		for _, b := range o.Breakdowns {
			if b.Dim == anbao.DimJurisdiction && (len(b.Rows) > 1 || (len(b.Rows) == 1 && b.Rows[0].Key != p.Jurisdiction)) {
				t.Errorf("local regulator sees jurisdictions %+v", b.Rows)
			}
		}
		other := "11"
		if p.Jurisdiction == other {
			other = "31"
		}
		_, err = st.StatsOverview(reg, anbao.StatsFilter{Jurisdiction: other}, "zh-CN")
		wantStatsErr(t, err, anbao.EFORBIDDEN, "stats.jurisdiction_forbidden")
		_, err = st.StatsPolicies(reg, anbao.StatsFilter{Jurisdiction: other}, anbao.Page{})
		wantStatsErr(t, err, anbao.EFORBIDDEN, "stats.jurisdiction_forbidden")
		err = st.EachStatsPolicy(reg, anbao.StatsFilter{Jurisdiction: other}, func(*store.StatsPolicyRow) error { return nil })
		wantStatsErr(t, err, anbao.EFORBIDDEN, "stats.jurisdiction_forbidden")
		list, err := st.StatsPolicies(reg, anbao.StatsFilter{}, anbao.Page{Limit: 500})
		must(t, err)
		for _, it := range list.Items {
			if it.Jurisdiction != p.Jurisdiction {
				t.Errorf("local regulator sees policy %d of %s", it.ID, it.Jurisdiction)
			}
		}

		// A national regulator sees everything.
		nat, _ := statsCtx(t, st, "nfra.admin")
		o, err = st.StatsOverview(nat, anbao.StatsFilter{Jurisdiction: other}, "en")
		must(t, err)
		checkOverview(t, r, o, false)

		// An insurer: its own book, no loss ratio, no other insurer.
		insCtx, ins := statsCtx(t, st, "ins1.admin")
		_, ins2 := statsCtx(t, st, "ins2.admin")
		o, err = st.StatsOverview(insCtx, anbao.StatsFilter{}, "zh-CN")
		must(t, err)
		if o.Filter.InsurerID != ins.OrgID {
			t.Fatalf("insurer's filter %+v", o.Filter)
		}
		if o.Totals.Policies == 0 {
			t.Error("the insurer has no policies in the demo")
		}
		checkOverview(t, r, o, true)
		for _, b := range o.Breakdowns {
			if b.Dim != anbao.DimInsurer {
				continue
			}
			for _, row := range b.Rows {
				if row.Key != strconv.FormatInt(ins.OrgID, 10) {
					t.Errorf("insurer sees insurer row %+v", row)
				}
			}
		}
		_, err = st.StatsOverview(insCtx, anbao.StatsFilter{InsurerID: ins2.OrgID}, "zh-CN")
		wantStatsErr(t, err, anbao.EFORBIDDEN, "stats.insurer_forbidden")
		_, err = st.StatsBreakdown(insCtx, anbao.StatsFilter{InsurerID: ins2.OrgID}, anbao.DimInsurer, "zh-CN")
		wantStatsErr(t, err, anbao.EFORBIDDEN, "stats.insurer_forbidden")
		list, err = st.StatsPolicies(insCtx, anbao.StatsFilter{}, anbao.Page{Limit: 500})
		must(t, err)
		for _, it := range list.Items {
			if it.InsurerID != ins.OrgID {
				t.Errorf("insurer sees policy %d of insurer %d", it.ID, it.InsurerID)
			}
		}
		// A filtered (live) view keeps the insurer's scope too.
		o, err = st.StatsOverview(insCtx, anbao.StatsFilter{Size: anbao.SizeSmall}, "zh-CN")
		must(t, err)
		checkOverview(t, r, o, true)

		// Enterprises and providers get nothing.
		for _, u := range []string{"ent1.admin", "prov1.admin"} {
			c, _ := statsCtx(t, st, u)
			_, err := st.StatsOverview(c, anbao.StatsFilter{}, "zh-CN")
			if anbao.ErrorCode(err) != anbao.EFORBIDDEN {
				t.Errorf("%s: overview %v, want forbidden", u, err)
			}
			_, err = st.StatsPolicies(c, anbao.StatsFilter{}, anbao.Page{})
			if anbao.ErrorCode(err) != anbao.EFORBIDDEN {
				t.Errorf("%s: policies %v, want forbidden", u, err)
			}
			_, err = st.StatsIncidents(c, anbao.StatsFilter{}, anbao.Page{})
			if anbao.ErrorCode(err) != anbao.EFORBIDDEN {
				t.Errorf("%s: incidents %v, want forbidden", u, err)
			}
			_, err = st.ListRetail(c, anbao.StatsFilter{})
			if anbao.ErrorCode(err) != anbao.EFORBIDDEN {
				t.Errorf("%s: retail %v, want forbidden", u, err)
			}
		}
		if _, err := st.StatsOverview(context.Background(), anbao.StatsFilter{}, "zh-CN"); anbao.ErrorCode(err) != anbao.EUNAUTHORIZED {
			t.Errorf("anonymous: %v", err)
		}

		// Bad filters.
		_, entP := statsCtx(t, st, "ent1.admin")
		op, _ := statsCtx(t, st, "op.admin")
		for _, c := range []struct {
			f          anbao.StatsFilter
			field, key string
		}{
			{anbao.StatsFilter{Jurisdiction: "99"}, "jurisdiction", "stats.jurisdiction_invalid"},
			{anbao.StatsFilter{Jurisdiction: "81"}, "jurisdiction", "stats.jurisdiction_invalid"},
			{anbao.StatsFilter{Industry: "Z"}, "industry", "stats.industry_invalid"},
			{anbao.StatsFilter{Size: "huge"}, "size", "stats.size_invalid"},
			{anbao.StatsFilter{ProductType: "life"}, "product_type", "stats.product_type_invalid"},
			{anbao.StatsFilter{From: "2025-13"}, "from", "stats.month_invalid"},
			{anbao.StatsFilter{To: "2025-1"}, "to", "stats.month_invalid"},
			{anbao.StatsFilter{From: "2025-06-01"}, "from", "stats.month_invalid"},
			{anbao.StatsFilter{From: "2025-06", To: "2025-05"}, "to", "stats.period_reversed"},
			{anbao.StatsFilter{InsurerID: entP.OrgID}, "insurer_id", "stats.insurer_invalid"},
			{anbao.StatsFilter{InsurerID: 1 << 40}, "insurer_id", "stats.insurer_invalid"},
		} {
			_, err := st.StatsOverview(op, c.f, "zh-CN")
			var e *anbao.Error
			if !errors.As(err, &e) || e.Code != anbao.EINVALID || e.Field != c.field || e.Key != c.key {
				t.Errorf("filter %+v: %v, want %s on %s", c.f, err, c.key, c.field)
			}
			checkErr(t, err, anbao.EINVALID, c.key)
			if _, err := st.StatsPolicies(op, c.f, anbao.Page{}); anbao.ErrorCode(err) != anbao.EINVALID {
				t.Errorf("policies %+v: %v", c.f, err)
			}
		}
		_, err = st.StatsBreakdown(op, anbao.StatsFilter{}, "colour", "zh-CN")
		wantStatsErr(t, err, anbao.EINVALID, "stats.dim_invalid")
	})
}

func TestStatsRetail(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		loadDemoIncidents(t, st, 120)
		insCtx, ins := statsCtx(t, st, "ins1.admin")
		_, ins2 := statsCtx(t, st, "ins2.admin")
		in := &store.RetailReturn{Jurisdiction: "32", Month: "2026-10", Line: "anti_fraud", Policies: 1200, Premium: 3_600_000,
			SumInsured: 1_200_000_000, Claims: 3, Paid: 150_000}
		head := headSeq(t, st)
		got, err := st.DeclareRetail(insCtx, in)
		must(t, err)
		if got.ID == 0 || got.InsurerID != ins.OrgID || got.Version != 1 || got.Premium != in.Premium || got.Insurer == "" {
			t.Fatalf("declared %+v", got)
		}
		if headSeq(t, st) != head+1 {
			t.Error("no audit entry")
		}
		// Re-declaring the same month upserts.
		in2 := *in
		in2.Premium, in2.Version = 4_000_000, 1
		got2, err := st.DeclareRetail(insCtx, &in2)
		must(t, err)
		if got2.ID != got.ID || got2.Version != 2 || got2.Premium != 4_000_000 {
			t.Fatalf("re-declared %+v", got2)
		}
		in2.Version = 1 // stale
		_, err = st.DeclareRetail(insCtx, &in2)
		wantStatsErr(t, err, anbao.ECONFLICT, "error.version_conflict")
		if n := count(t, st, "SELECT COUNT(*) FROM retail_returns"); n != 1 {
			t.Fatalf("%d returns", n)
		}

		// Bad input writes nothing.
		others := map[string]context.Context{}
		for _, u := range []string{"reg32.admin", "op.admin", "ins1.claims", "ent1.admin"} {
			others[u], _ = statsCtx(t, st, u)
		}
		head = headSeq(t, st)
		bad := func(mod func(r *store.RetailReturn)) *store.RetailReturn {
			r := *in
			r.Month = "2026-09"
			mod(&r)
			return &r
		}
		for _, c := range []struct {
			r         *store.RetailReturn
			code, key string
		}{
			{bad(func(r *store.RetailReturn) { r.Jurisdiction = "99" }), anbao.EINVALID, "stats.jurisdiction_invalid"},
			{bad(func(r *store.RetailReturn) { r.Month = "2026-9" }), anbao.EINVALID, "retail.month_invalid"},
			{bad(func(r *store.RetailReturn) { r.Month = "2027-01" }), anbao.EINVALID, "retail.month_future"},
			{bad(func(r *store.RetailReturn) { r.Line = "life" }), anbao.EINVALID, "retail.line_invalid"},
			{bad(func(r *store.RetailReturn) { r.Premium = -1 }), anbao.EINVALID, "retail.amount_range"},
			{bad(func(r *store.RetailReturn) { r.Paid = 1e15 }), anbao.EINVALID, "retail.amount_range"},
			{bad(func(r *store.RetailReturn) { r.Policies = 0 }), anbao.EINVALID, "retail.policies_missing"},
			{bad(func(r *store.RetailReturn) { r.InsurerID = ins2.OrgID }), anbao.EFORBIDDEN, "stats.insurer_forbidden"},
		} {
			_, err := st.DeclareRetail(insCtx, c.r)
			wantStatsErr(t, err, c.code, c.key)
		}
		for u, c := range others {
			if _, err := st.DeclareRetail(c, bad(func(*store.RetailReturn) {})); anbao.ErrorCode(err) != anbao.EFORBIDDEN {
				t.Errorf("%s declares: %v", u, err)
			}
		}
		if headSeq(t, st) != head || count(t, st, "SELECT COUNT(*) FROM retail_returns") != 1 {
			t.Fatal("a refused declaration wrote something")
		}

		// Listing and the overview's retail line, scoped.
		i2Ctx, _ := statsCtx(t, st, "ins2.admin")
		_, err = st.DeclareRetail(i2Ctx, &store.RetailReturn{Jurisdiction: "11", Month: "2026-10", Line: "anti_fraud", Policies: 10, Premium: 100})
		must(t, err)
		op, _ := statsCtx(t, st, "op.admin")
		all, err := st.ListRetail(op, anbao.StatsFilter{})
		must(t, err)
		if len(all) != 2 {
			t.Errorf("operator lists %d returns", len(all))
		}
		own, err := st.ListRetail(insCtx, anbao.StatsFilter{})
		must(t, err)
		if len(own) != 1 || own[0].InsurerID != ins.OrgID {
			t.Errorf("insurer lists %+v", own)
		}
		reg, _ := statsCtx(t, st, "reg32.admin")
		mine, err := st.ListRetail(reg, anbao.StatsFilter{})
		must(t, err)
		if len(mine) != 1 || mine[0].Jurisdiction != "32" {
			t.Errorf("regulator of 32 lists %+v", mine)
		}
		o, err := st.StatsOverview(op, anbao.StatsFilter{From: "2026-10", To: "2026-10"}, "zh-CN")
		must(t, err)
		if o.RetailPolicies != 1210 || o.RetailPremium != 4_000_100 {
			t.Errorf("retail line %d policies %d premium", o.RetailPolicies, o.RetailPremium)
		}
		o, err = st.StatsOverview(op, anbao.StatsFilter{From: "2026-11"}, "zh-CN")
		must(t, err)
		if o.RetailPolicies != 0 {
			t.Errorf("retail outside the period: %d", o.RetailPolicies)
		}
	})
}
