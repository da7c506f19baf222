package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
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

// statsRefPolicy is one policy term with its policy's facts.
type statsRefPolicy struct {
	id, insurer, enterprise         int64
	term                            int
	jurisdiction, section, size, pt string
	month                           string
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
	term                             int
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
	// The policies' facts, then one reference row per term (new business
	// and each renewal), in the Beijing month of the term's start date.
	facts := map[int64]statsRefPolicy{}
	each(`SELECT id, insurer_id, enterprise_id, jurisdiction, industry, size, product_type FROM policies`, func(rs *sql.Rows) error {
		var p statsRefPolicy
		var ind string
		if err := rs.Scan(&p.id, &p.insurer, &p.enterprise, &p.jurisdiction, &ind, &p.size, &p.pt); err != nil {
			return err
		}
		p.section = sectionOf(ind)
		facts[p.id] = p
		return nil
	})
	type termKey struct {
		policy int64
		term   int
	}
	byTerm := map[termKey]int{}
	inForce := map[int64]bool{} // policies with a term ever in force
	each("SELECT policy_id, term_no, status, start_date, cancelled_date, cancel_method, written_premium, sum_insured FROM policy_terms",
		func(rs *sql.Rows) error {
			var pid, written, sum int64
			var no int
			var status, start, cancelled, method string
			if err := rs.Scan(&pid, &no, &status, &start, &cancelled, &method, &written, &sum); err != nil {
				return err
			}
			p := facts[pid]
			day, err := time.Parse(time.DateOnly, start)
			if err != nil {
				return err
			}
			p.term, p.month, p.premium, p.sumInsured = no, day.Format("2006-01"), written, sum
			if status == "cancelled" {
				if method == "flat" {
					p.neverInForce = true
				} else if c, err := time.Parse(time.DateOnly, cancelled); err == nil && !c.After(day) {
					p.neverInForce = true
				}
			}
			if !p.neverInForce {
				inForce[pid] = true
			}
			byTerm[termKey{pid, no}] = len(r.policies)
			r.policies = append(r.policies, p)
			return nil
		})
	each("SELECT policy_id, term_no, amount FROM policy_subsidies", func(rs *sql.Rows) error {
		var pid, amt int64
		var no int
		err := rs.Scan(&pid, &no, &amt)
		if i, ok := byTerm[termKey{pid, no}]; ok {
			r.policies[i].subsidy += amt
		}
		return err
	})
	each("SELECT policy_id, term_no, status, decline_code, paid, recovered, reserve_loss, reserve_expense FROM claims", func(rs *sql.Rows) error {
		var c statsRefClaim
		err := rs.Scan(&c.policy, &c.term, &c.status, &c.decline, &c.paid, &c.recovered, &c.lossRes, &c.expRes)
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
		if pid != 0 && inForce[pid] { // a policy never in force lends nothing
			p := facts[pid]
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
	type termKey struct {
		policy int64
		term   int
	}
	claimsOf := map[termKey][]statsRefClaim{}
	for _, c := range r.claims {
		claimsOf[termKey{c.policy, c.term}] = append(claimsOf[termKey{c.policy, c.term}], c)
	}
	declines := map[string]int64{}
	for _, p := range r.policies {
		if p.neverInForce || !refMatch(f, p.jurisdiction, p.section, p.size, p.pt, p.insurer, p.month) {
			continue
		}
		for _, c := range claimsOf[termKey{p.id, p.term}] {
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
			for _, c := range claimsOf[termKey{p.id, p.term}] {
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
			lastTerm := 0
			must(t, st.EachStatsPolicy(op, f, func(p *store.StatsPolicyRow) error {
				if p.ID < last || (p.ID == last && p.Term <= lastTerm) {
					t.Errorf("stream not in (id, term) order: %d/%d after %d/%d", p.ID, p.Term, last, lastTerm)
				}
				if p.Enterprise == "" || p.Insurer == "" || p.Number == "" || p.Term < 1 {
					t.Errorf("row %+v without names", p)
				}
				last, lastTerm = p.ID, p.Term
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
		if want := count(t, st, "SELECT COUNT(*) FROM engagements WHERE status = 'completed'"); o.Assessments != want || want == 0 {
			t.Errorf("assessments %d, want %d (completed engagements)", o.Assessments, want)
		}
		if want := count(t, st, "SELECT COUNT(*) FROM attestations"); o.SelfAssessments != want || want == 0 {
			t.Errorf("self-assessments %d, want %d (attestations)", o.SelfAssessments, want)
		}
		// Services: on policies ever in force (the reference's terms).
		inForce := map[int64]bool{}
		for _, p := range r.policies {
			if !p.neverInForce {
				inForce[p.id] = true
			}
		}
		var services int64
		for _, q := range []string{"SELECT policy_id FROM dispatches", "SELECT policy_id FROM entitlement_usage"} {
			rows, err := st.RawDB().Query(q)
			must(t, err)
			for rows.Next() {
				var pid int64
				must(t, rows.Scan(&pid))
				if inForce[pid] {
					services++
				}
			}
			must(t, rows.Err())
			rows.Close()
		}
		if o.Services != services {
			t.Errorf("services %d, want %d", o.Services, services)
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
		// Units, by kind: every member organisation that takes part (an
		// invited enterprise does not until it accepts) once, counted in Go.
		units := map[string]map[int64]bool{}
		rows, err := st.RawDB().Query("SELECT o.kind, m.org_id, m.status FROM project_members m JOIN organisations o ON o.id = m.org_id")
		must(t, err)
		for rows.Next() {
			var kind, status string
			var id int64
			must(t, rows.Scan(&kind, &id, &status))
			if status != "accepted" {
				continue
			}
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
		// An enterprise only invited to its project is not a unit until it accepts.
		unitsOf := func(o *anbao.StatsOverview, kind string) int64 {
			for _, u := range o.Units {
				if u.Key == kind {
					return u.Count
				}
			}
			return 0
		}
		var invitee int64
		must(t, st.RawDB().QueryRow(`SELECT MIN(m.org_id) FROM project_members m JOIN organisations o ON o.id = m.org_id
			WHERE o.kind = 'enterprise' AND (SELECT COUNT(*) FROM project_members x WHERE x.org_id = m.org_id) = 1`).Scan(&invitee))
		_, err = st.RawDB().Exec("UPDATE project_members SET status = 'invited', responded_at = '' WHERE org_id = $1", invitee)
		must(t, err)
		inv, err := st.StatsOverview(op, anbao.StatsFilter{}, "zh-CN")
		must(t, err)
		if got, was := unitsOf(inv, "enterprise"), unitsOf(o, "enterprise"); got != was-1 {
			t.Errorf("with enterprise %d only invited: %d enterprise units, want %d", invitee, got, was-1)
		}
		_, err = st.RawDB().Exec("UPDATE project_members SET status = 'accepted' WHERE org_id = $1", invitee)
		must(t, err)
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
		var pid, terms int64
		must(t, st.RawDB().QueryRow("SELECT id FROM policies WHERE status = 'active' ORDER BY id LIMIT 1").Scan(&pid))
		for _, p := range r.policies {
			if p.id == pid && !p.neverInForce {
				terms++
			}
		}
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
		if o3.Totals.Policies != before-terms || terms == 0 {
			t.Errorf("a policy cancelled flat still counts: %d, want %d-%d", o3.Totals.Policies, before, terms)
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

// statsFixtureID runs an INSERT … RETURNING id.
func statsFixtureID(t *testing.T, st *store.Store, q string, args ...any) int64 {
	t.Helper()
	var id int64
	if err := st.RawDB().QueryRow(q+" RETURNING id", args...).Scan(&id); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return id
}

// A fixed adversarial book added to the demo's in 西藏 (54), with the figures it adds
// worked out by hand (each view is compared before and after). Amounts in 分.
//
//	Policy A (enterprise E1, insurer I, liability), incepted 2024-12-01:
//	  term 1 2024-12-01..2025-12-01: written 120,000, sum insured 10,000,000, subsidy 24,000;
//	    claim K1 (incident X1 discovered 2025-06) closed: paid 500,000, recovered 100,000.
//	  term 2 2025-12-01..2026-12-01 (the renewal): annual 150,000 + endorsement of
//	    2026-03-01 for 30,000 → written 180,000, sum insured 20,000,000, subsidy 36,000;
//	    claim K2 (incident X2 discovered 2026-02) declined, reopened, declined again.
//	Policy B (E2, I, property), incepted 2025-03-01, cancelled flat: never in force.
//	  Incident X3 on it discovered 2025-03-31T16:00:00Z = 2025-04-01 00:00 Beijing.
//	Policy C (E2, I, liability), incepted 2025-03-15, cancelled pro rata 2025-09-15:
//	  annual 100,000, refund 50,000 → written 50,000, sum insured 5,000,000.
//	  Incident X4 on it discovered 2025-03-31T15:59:59Z = 2025-03-31 23:59:59 Beijing;
//	  claim K3 partially paid: paid 200,000, reserves 150,000 + 20,000 open.
func TestStatsTermFixture(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		loadDemoIncidents(t, st, 120)
		const jur = "54"
		_, ins := statsCtx(t, st, "ins1.admin")
		op, _ := statsCtx(t, st, "op.admin")
		type fig = anbao.StatsFigures
		cases := []struct {
			name string
			f    anbao.StatsFilter
			want fig
		}{
			// All time (the rollup of the jurisdiction): terms A1, A2, C1 (B1 never in force).
			// Premium 120,000 + 180,000 + 50,000 = 350,000; sum insured 10,000,000 + 20,000,000 + 5,000,000
			// = 35,000,000; subsidy 24,000 + 36,000 = 60,000; enterprises E1, E2; incidents X1..X4;
			// claims K1, K2, K3, paid K1 and K3, paid amount (500,000 − 100,000) + 200,000 = 600,000,
			// declined K2 (once), outstanding 150,000 + 20,000 = 170,000.
			{"all time", anbao.StatsFilter{Jurisdiction: jur},
				fig{Policies: 3, Premium: 350_000, SumInsured: 35_000_000, Subsidy: 60_000, Enterprises: 2, Incidents: 4, Claims: 3,
					ClaimsPaid: 2, PaidAmount: 600_000, ClaimsDeclined: 1, Outstanding: 170_000}},
			// 2024 (rollup): term A1 only, with its claim K1: paid 500,000 − 100,000 = 400,000.
			{"2024", anbao.StatsFilter{Jurisdiction: jur, From: "2024-01", To: "2024-12"},
				fig{Policies: 1, Premium: 120_000, SumInsured: 10_000_000, Subsidy: 24_000, Enterprises: 1, Claims: 1, ClaimsPaid: 1,
					PaidAmount: 400_000}},
			// 2025 (rollup): the renewal A2 (2025-12) and C1 (2025-03): premium 180,000 + 50,000 = 230,000, sum insured
			// 20,000,000 + 5,000,000 = 25,000,000, subsidy 36,000; incidents X1 (2025-06), X3 (2025-04), X4 (2025-03);
			// claims K2 (A2's cohort) and K3 (C1's): paid 200,000, declined 1, outstanding 170,000.
			{"2025", anbao.StatsFilter{Jurisdiction: jur, From: "2025-01", To: "2025-12"},
				fig{Policies: 2, Premium: 230_000, SumInsured: 25_000_000, Subsidy: 36_000, Enterprises: 2, Incidents: 3, Claims: 2,
					ClaimsPaid: 1, PaidAmount: 200_000, ClaimsDeclined: 1, Outstanding: 170_000}},
			// 2026 (rollup): only incident X2; the renewal's endorsement of 2026-03 stays in 2025-12.
			{"2026", anbao.StatsFilter{Jurisdiction: jur, From: "2026-01", To: "2026-12"}, fig{Incidents: 1}},
			// 2024-12 (a month range: the monthly rollup): A1 again.
			{"2024-12", anbao.StatsFilter{Jurisdiction: jur, From: "2024-12", To: "2024-12"},
				fig{Policies: 1, Premium: 120_000, SumInsured: 10_000_000, Subsidy: 24_000, Enterprises: 1, Claims: 1, ClaimsPaid: 1,
					PaidAmount: 400_000}},
			// 2025-12 (monthly rollup): the renewal A2 with its endorsement (150,000 + 30,000) and declined claim K2.
			{"2025-12", anbao.StatsFilter{Jurisdiction: jur, From: "2025-12", To: "2025-12"},
				fig{Policies: 1, Premium: 180_000, SumInsured: 20_000_000, Subsidy: 36_000, Enterprises: 1, Claims: 1, ClaimsDeclined: 1}},
			// 2025-03 (monthly rollup): C1 net of its refund (100,000 − 50,000) and X4 (23:59:59 Beijing on the 31st).
			{"2025-03", anbao.StatsFilter{Jurisdiction: jur, From: "2025-03", To: "2025-03"},
				fig{Policies: 1, Premium: 50_000, SumInsured: 5_000_000, Enterprises: 1, Incidents: 1, Claims: 1, ClaimsPaid: 1,
					PaidAmount: 200_000, Outstanding: 170_000}},
			// 2025-04 (monthly rollup): X3 only (00:00 Beijing on the 1st); B's flat-cancelled term is not a policy.
			{"2025-04", anbao.StatsFilter{Jurisdiction: jur, From: "2025-04", To: "2025-04"}, fig{Incidents: 1}},
			// 2024-12..2025-12 (monthly rollup): every term, E1 once (its renewal A2's previous month, 2024-12, is
			// in the range), incidents X1, X3, X4 (X2 is of 2026).
			{"2024-12..2025-12", anbao.StatsFilter{Jurisdiction: jur, From: "2024-12", To: "2025-12"},
				fig{Policies: 3, Premium: 350_000, SumInsured: 35_000_000, Subsidy: 60_000, Enterprises: 2, Incidents: 3, Claims: 3,
					ClaimsPaid: 2, PaidAmount: 600_000, ClaimsDeclined: 1, Outstanding: 170_000}},
			// 2025-02..2026-01: A2 (E1 counts: its previous month is before the range) and C1, X1, X3, X4.
			{"2025-02..2026-01", anbao.StatsFilter{Jurisdiction: jur, From: "2025-02", To: "2026-01"},
				fig{Policies: 2, Premium: 230_000, SumInsured: 25_000_000, Subsidy: 36_000, Enterprises: 2, Incidents: 3, Claims: 2,
					ClaimsPaid: 1, PaidAmount: 200_000, ClaimsDeclined: 1, Outstanding: 170_000}},
			// The insurer's view of the jurisdiction (live): X3 is on a policy never in force, so it has no insurer.
			{"insurer", anbao.StatsFilter{Jurisdiction: jur, InsurerID: ins.OrgID},
				fig{Policies: 3, Premium: 350_000, SumInsured: 35_000_000, Subsidy: 60_000, Enterprises: 2, Incidents: 3, Claims: 3,
					ClaimsPaid: 2, PaidAmount: 600_000, ClaimsDeclined: 1, Outstanding: 170_000}},
			// Property cover in the jurisdiction: only B, never in force, so nothing at all (not even its incident).
			{"property", anbao.StatsFilter{Jurisdiction: jur, ProductType: "property"}, fig{}},
		}
		// snapshot: each case's totals and drill-down premium, and the
		// jurisdiction's month, insurer and product-type rows as policies×1000 + incidents.
		type snap struct {
			totals  []fig
			drill   []int64
			rows    map[string]int64
			decline map[string]int64
		}
		snapshot := func() snap {
			must(t, st.RefreshStats(sys()))
			var sn snap
			for _, c := range cases {
				o, err := st.StatsOverview(op, c.f, "zh-CN")
				must(t, err)
				o.Totals.LossRatio = nil
				sn.totals = append(sn.totals, o.Totals)
				var sum int64
				must(t, st.EachStatsPolicy(op, c.f, func(p *store.StatsPolicyRow) error {
					sum += p.Premium
					return nil
				}))
				sn.drill = append(sn.drill, sum)
			}
			o, err := st.StatsOverview(op, anbao.StatsFilter{Jurisdiction: jur}, "en")
			must(t, err)
			sn.rows, sn.decline = map[string]int64{}, map[string]int64{}
			for _, b := range o.Breakdowns {
				if b.Dim == anbao.DimMonth || b.Dim == anbao.DimInsurer || b.Dim == anbao.DimProductType {
					for _, r := range b.Rows {
						sn.rows[string(b.Dim)+" "+r.Key] = r.Policies*1000 + r.Incidents
					}
				}
			}
			for _, d := range o.DeclinedByReason {
				sn.decline[d.Key] = d.Count
			}
			return sn
		}
		before := snapshot()
		var productID, versionID int64
		must(t, st.RawDB().QueryRow(`SELECT p.id, v.id FROM products p JOIN product_versions v ON v.product_id = p.id
			WHERE p.insurer_id = $1 ORDER BY v.id LIMIT 1`, ins.OrgID).Scan(&productID, &versionID))
		now := "2026-11-01T00:00:00.000000Z"
		org := func(uscc, name, size string) int64 {
			return statsFixtureID(t, st, `INSERT INTO organisations (kind, status, uscc, name_zh, jurisdiction, industry, size, created_at, updated_at)
				VALUES ('enterprise', 'active', $1, $2, $3, '6510', $4, $5, $5)`, uscc, name, jur, size, now)
		}
		e1, e2 := org("", "藏一软件", "small"), org("", "藏二软件", "micro")
		policy := func(number string, ent int64, pt, status string, current int, inception, expiry string, premium, sum int64) int64 {
			return statsFixtureID(t, st, `INSERT INTO policies (number, insurer_id, enterprise_id, product_id, kind, source, status, product_type,
				jurisdiction, industry, size, current_term, inception_date, expiry_date, premium, sum_insured, created_at, updated_at)
				SELECT $1, $2, $3, $4, 'standard', 'declared', $5, $6, jurisdiction, industry, size, $7, $8, $9, $10, $11, $12, $12
				FROM organisations WHERE id = $3`, number, ins.OrgID, ent, productID, status, pt, current, inception, expiry, premium, sum, now)
		}
		term := func(pid int64, no int, status, start, end string, annual, written, sum int64, cancelled, method string) {
			storetest.Exec(t, st, `INSERT INTO policy_terms (policy_id, term_no, product_version_id, status, start_date, end_date,
				annual_premium, written_premium, sum_insured, cancelled_date, cancel_method, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`, pid, no, versionID, status, start, end, annual, written, sum,
				cancelled, method, now)
		}
		pa := policy("ZB-A", e1, "liability", "active", 2, "2024-12-01", "2026-12-01", 180_000, 20_000_000)
		term(pa, 1, "active", "2024-12-01", "2025-12-01", 120_000, 120_000, 10_000_000, "", "")
		term(pa, 2, "active", "2025-12-01", "2026-12-01", 150_000, 180_000, 20_000_000, "", "")
		pb := policy("ZB-B", e2, "property", "cancelled", 1, "2025-03-01", "2026-03-01", 0, 8_000_000)
		term(pb, 1, "cancelled", "2025-03-01", "2026-03-01", 90_000, 0, 8_000_000, "2025-03-01", "flat")
		pc := policy("ZB-C", e2, "liability", "cancelled", 1, "2025-03-15", "2026-03-15", 50_000, 5_000_000)
		term(pc, 1, "cancelled", "2025-03-15", "2026-03-15", 100_000, 50_000, 5_000_000, "2025-09-15", "pro_rata")
		for _, x := range []struct {
			pid    int64
			no     int
			amount int64
		}{{pa, 1, 24_000}, {pa, 2, 36_000}} {
			storetest.Exec(t, st, `INSERT INTO policy_subsidies (policy_id, term_no, jurisdiction, grantor, local_policy, amount, created_by, created_at)
				VALUES ($1, $2, $3, '经信厅', '补贴办法', $4, 'test', $5)`, x.pid, x.no, jur, x.amount, now)
		}
		incident := func(ent, pid int64, at string) int64 {
			return statsFixtureID(t, st, `INSERT INTO incidents (enterprise_id, policy_id, reported_by_org, reported_by, title, category,
				sub_category, occurred_at, discovered_at, operator_type, details, facts, grade, table_version, grading, status, created_at, updated_at)
				VALUES ($1, $2, $1, 'test', '夹具', 'malware', 'ransomware', $3, $3, 'enterprise', '{}', '{}', 'general', 'test', '{}', 'closed', $3, $3)`,
				ent, pid, at)
		}
		x1 := incident(e1, pa, "2025-06-10T02:00:00.000000Z")
		x2 := incident(e1, pa, "2026-02-01T00:00:00.000000Z")
		incident(e2, pb, "2025-03-31T16:00:00.000000Z")
		x4 := incident(e2, pc, "2025-03-31T15:59:59.000000Z")
		claim := func(number string, inc, pid int64, no int, ent int64, status string, paid, recovered, rl, re int64, decline string) int64 {
			return statsFixtureID(t, st, `INSERT INTO claims (number, incident_id, policy_id, term_no, enterprise_id, insurer_id, status, notice_at,
				items, paid, recovered, reserve_loss, reserve_expense, decline_code, opened_by_org, opened_by, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, '[]', $9, $10, $11, $12, $13, $6, 'test', $8, $8)`,
				number, inc, pid, no, ent, ins.OrgID, status, now, paid, recovered, rl, re, decline)
		}
		claim("ZC-1", x1, pa, 1, e1, "closed", 500_000, 100_000, 0, 0, "")
		k2 := claim("ZC-2", x2, pa, 2, e1, "declined", 0, 0, 0, 0, "exclusion")
		for _, ev := range []string{"declined", "reopened", "declined"} {
			storetest.Exec(t, st, `INSERT INTO claim_events (claim_id, kind, status, by_org, by_user, at) VALUES ($1, $2, $3, $4, 'test', $5)`,
				k2, ev, ev, ins.OrgID, now)
		}
		claim("ZC-3", x4, pc, 1, e2, "partially_paid", 200_000, 0, 150_000, 20_000, "")
		after := snapshot()
		sub := func(a, b fig) fig {
			return fig{Policies: a.Policies - b.Policies, Premium: a.Premium - b.Premium, SumInsured: a.SumInsured - b.SumInsured,
				Subsidy: a.Subsidy - b.Subsidy, Enterprises: a.Enterprises - b.Enterprises, Incidents: a.Incidents - b.Incidents,
				Claims: a.Claims - b.Claims, ClaimsPaid: a.ClaimsPaid - b.ClaimsPaid, PaidAmount: a.PaidAmount - b.PaidAmount,
				ClaimsDeclined: a.ClaimsDeclined - b.ClaimsDeclined, Outstanding: a.Outstanding - b.Outstanding}
		}
		for i, c := range cases {
			if got := sub(after.totals[i], before.totals[i]); got != c.want {
				t.Errorf("%s: the fixture adds\n got %+v\nwant %+v", c.name, got, c.want)
			}
			if got := after.drill[i] - before.drill[i]; got != c.want.Premium {
				t.Errorf("%s: the drill-down adds premium %d, want %d", c.name, got, c.want.Premium)
			}
		}
		// Rows added, as policies×1000 + incidents: the renewal in 2025-12, X3 in 2025-04
		// with no insurer and no product type, X4 in 2025-03.
		insKey := strconv.FormatInt(ins.OrgID, 10)
		wantRows := map[string]int64{"month 2024-12": 1000, "month 2025-03": 1001, "month 2025-04": 1, "month 2025-06": 1,
			"month 2025-12": 1000, "month 2026-02": 1, "insurer " + insKey: 3003, "insurer 0": 1, "product_type liability": 3003,
			"product_type ": 1}
		for k, a := range after.rows {
			if d := a - before.rows[k]; d != wantRows[k] {
				t.Errorf("%s: the fixture adds %d, want %d", k, d, wantRows[k])
			}
		}
		for k, w := range wantRows {
			if _, ok := after.rows[k]; !ok {
				t.Errorf("%s: no row, want %d", k, w)
			}
		}
		if d := after.decline["exclusion"] - before.decline["exclusion"]; d != 1 {
			t.Errorf("declines for exclusion: the fixture adds %d, want 1", d)
		}
		// The drill-down: one row per term, the renewal with its own dates.
		var rows []string
		must(t, st.EachStatsPolicy(op, anbao.StatsFilter{Jurisdiction: jur}, func(p *store.StatsPolicyRow) error {
			if strings.HasPrefix(p.Number, "ZB-") {
				rows = append(rows, fmt.Sprintf("%s/%d %s %s %d %d", p.Number, p.Term, p.Inception, p.Status, p.Premium, p.Claims))
			}
			return nil
		}))
		want := "[ZB-A/1 2024-12-01 expired 120000 1 ZB-A/2 2025-12-01 active 180000 1 ZB-C/1 2025-03-15 cancelled 50000 1]"
		if fmt.Sprint(rows) != want {
			t.Errorf("drill-down %v\nwant %s", rows, want)
		}
		// The reference agrees on the whole book.
		o, err := st.StatsOverview(op, anbao.StatsFilter{Jurisdiction: jur}, "en")
		must(t, err)
		checkOverview(t, loadStatsRef(t, st), o, false)
	})
}

// A month range that is not a calendar year, scope-only (national, a
// jurisdiction, an insurer), is summed from the monthly rollup: it must
// equal the Go reference, the live fold (each industry, size and product
// type row of its breakdowns is the total of the live filter adding that
// key, and each insurer row of a jurisdiction's the live filter of both)
// and the warehouse's COUNT(DISTINCT enterprise_id).
func TestStatsMonthRange(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		loadDemoIncidents(t, st, 600)
		must(t, st.RefreshStats(sys()))
		r := loadStatsRef(t, st)
		op, _ := statsCtx(t, st, "op.admin")
		_, ins := statsCtx(t, st, "ins1.admin")
		const from, to = "2025-03", "2026-02"
		var jur string
		must(t, st.RawDB().QueryRow(`SELECT jurisdiction FROM stats_policies WHERE month >= $1 AND month <= $2
			GROUP BY jurisdiction ORDER BY COUNT(*) DESC, jurisdiction LIMIT 1`, from, to).Scan(&jur))
		for _, f := range []anbao.StatsFilter{
			{From: from, To: to},
			{Jurisdiction: jur, From: from, To: to},
			{InsurerID: ins.OrgID, From: from, To: to},
			{Jurisdiction: jur, From: from},
			{InsurerID: ins.OrgID, To: "2025-06"},
		} {
			o, err := st.StatsOverview(op, f, "en")
			must(t, err)
			checkOverview(t, r, o, false)
			if f.From == from && f.To == to && (o.Totals.Policies == 0 || o.Totals.Enterprises == 0) {
				t.Fatalf("filter %+v: no policies in the range: %+v", f, o.Totals)
			}
			// The warehouse, counted in SQL.
			var w []string
			args := []any{}
			add := func(cond string, v any) {
				args = append(args, v)
				w = append(w, fmt.Sprintf(cond, len(args)))
			}
			if f.Jurisdiction != "" {
				add("jurisdiction = $%d", f.Jurisdiction)
			}
			if f.InsurerID != 0 {
				add("insurer_id = $%d", f.InsurerID)
			}
			if f.From != "" {
				add("month >= $%d", f.From)
			}
			if f.To != "" {
				add("month <= $%d", f.To)
			}
			var n, ents, prem int64
			must(t, st.RawDB().QueryRow("SELECT COUNT(*), COUNT(DISTINCT enterprise_id), COALESCE(SUM(premium), 0) FROM stats_policies WHERE "+
				strings.Join(w, " AND "), args...).Scan(&n, &ents, &prem))
			if n != o.Totals.Policies || ents != o.Totals.Enterprises || prem != o.Totals.Premium {
				t.Errorf("filter %+v: totals %+v, warehouse %d policies, %d enterprises, %d premium", f, o.Totals, n, ents, prem)
			}
			// The live fold.
			for _, b := range o.Breakdowns {
				for _, row := range b.Rows {
					lf := f
					switch {
					case b.Dim == anbao.DimIndustry:
						lf.Industry = row.Key
					case b.Dim == anbao.DimSize:
						lf.Size = anbao.SizeClass(row.Key)
					case b.Dim == anbao.DimProductType:
						lf.ProductType = row.Key
					case b.Dim == anbao.DimInsurer && f.Jurisdiction != "":
						id, err := strconv.ParseInt(row.Key, 10, 64)
						must(t, err)
						lf.InsurerID = id
					default:
						continue
					}
					if row.Key == "" {
						continue // incidents without an insurer or product type
					}
					live, err := st.StatsOverview(op, lf, "en")
					must(t, err)
					got, want := row.StatsFigures, live.Totals
					if !sameFigures(got, want) {
						t.Errorf("filter %+v: %s %q\n fast %+v\n live %+v", f, b.Dim, row.Key, got, want)
					}
				}
			}
		}
		// The range is read from the monthly rollup: a change there shows.
		o, err := st.StatsOverview(op, anbao.StatsFilter{From: from, To: to}, "en")
		must(t, err)
		if _, err := st.RawDB().Exec("UPDATE stats_rollup_month SET policies = policies + 1000 WHERE scope = '' AND dim = '' AND month = $1", from); err != nil {
			t.Fatal(err)
		}
		o2, err := st.StatsOverview(op, anbao.StatsFilter{From: from, To: to}, "en")
		must(t, err)
		if o2.Totals.Policies <= o.Totals.Policies {
			t.Errorf("the range is not read from the monthly rollup: %d then %d policies", o.Totals.Policies, o2.Totals.Policies)
		}
		must(t, st.RefreshStats(sys()))
		o3, err := st.StatsOverview(op, anbao.StatsFilter{From: from, To: to}, "en")
		must(t, err)
		if !sameFigures(o3.Totals, o.Totals) {
			t.Errorf("after a refresh %+v, want %+v", o3.Totals, o.Totals)
		}
	})
}
