package store_test

import (
	"context"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/store"
	"github.com/anbao/anbao/store/storetest"
)

// activityRef recomputes MonthActivity in Go from the raw rows: every
// instant parsed and put in Beijing time, so the month bounds are checked
// independently of the store's text comparisons.
type activityRef struct {
	polJur, polPT map[int64]string
	claims        []struct {
		id, policy int64
		at         time.Time
	}
	claimPolicy map[int64]int64
	payments    []struct {
		claim, policy, amount int64
		at                    time.Time
	}
	recoveries []struct {
		claim, amount int64
		at            time.Time
	}
	events []struct {
		id, claim int64
		kind      string
		at        time.Time
	}
	plans []struct {
		jur                  string
		submitted, withdrawn time.Time // zero if not
	}
	catalogue []struct {
		plan      int64
		jur       string
		published time.Time
	}
	projects map[int64]struct {
		jur     string
		created time.Time
	}
	members []struct {
		project, org int64
		kind         string
		added        time.Time
	}
}

func refTime(t *testing.T, s string) time.Time {
	t.Helper()
	if s == "" {
		return time.Time{}
	}
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatalf("instant %q: %v", s, err)
	}
	return v
}

func loadActivityRef(t *testing.T, st *store.Store) *activityRef {
	t.Helper()
	db := st.RawDB()
	r := &activityRef{polJur: map[int64]string{}, polPT: map[int64]string{}, claimPolicy: map[int64]int64{},
		projects: map[int64]struct {
			jur     string
			created time.Time
		}{}}
	each := func(q string, fn func(scan func(...any))) {
		t.Helper()
		rows, err := db.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			fn(func(d ...any) {
				if err := rows.Scan(d...); err != nil {
					t.Fatal(err)
				}
			})
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
	}
	each("SELECT id, jurisdiction, product_type FROM policies", func(scan func(...any)) {
		var id int64
		var j, pt string
		scan(&id, &j, &pt)
		r.polJur[id], r.polPT[id] = j, pt
	})
	each("SELECT id, policy_id, created_at FROM claims", func(scan func(...any)) {
		var id, pol int64
		var at string
		scan(&id, &pol, &at)
		r.claims = append(r.claims, struct {
			id, policy int64
			at         time.Time
		}{id, pol, refTime(t, at)})
		r.claimPolicy[id] = pol
	})
	each("SELECT claim_id, policy_id, amount, paid_at FROM claim_payments", func(scan func(...any)) {
		var c, pol, amt int64
		var at string
		scan(&c, &pol, &amt, &at)
		r.payments = append(r.payments, struct {
			claim, policy, amount int64
			at                    time.Time
		}{c, pol, amt, refTime(t, at)})
	})
	each("SELECT claim_id, amount, recorded_at FROM claim_recoveries", func(scan func(...any)) {
		var c, amt int64
		var at string
		scan(&c, &amt, &at)
		r.recoveries = append(r.recoveries, struct {
			claim, amount int64
			at            time.Time
		}{c, amt, refTime(t, at)})
	})
	each("SELECT id, claim_id, kind, at FROM claim_events", func(scan func(...any)) {
		var id, c int64
		var kind, at string
		scan(&id, &c, &kind, &at)
		r.events = append(r.events, struct {
			id, claim int64
			kind      string
			at        time.Time
		}{id, c, kind, refTime(t, at)})
	})
	each("SELECT jurisdiction, submitted_at, withdrawn_at FROM service_plans", func(scan func(...any)) {
		var j, s, w string
		scan(&j, &s, &w)
		r.plans = append(r.plans, struct {
			jur                  string
			submitted, withdrawn time.Time
		}{j, refTime(t, s), refTime(t, w)})
	})
	each(`SELECT ce.plan_id, sp.jurisdiction, cv.published_at FROM catalogue_entries ce JOIN catalogue_versions cv ON cv.id = ce.version_id
		JOIN service_plans sp ON sp.id = ce.plan_id`, func(scan func(...any)) {
		var id int64
		var j, at string
		scan(&id, &j, &at)
		r.catalogue = append(r.catalogue, struct {
			plan      int64
			jur       string
			published time.Time
		}{id, j, refTime(t, at)})
	})
	each("SELECT id, jurisdiction, created_at FROM pilot_projects", func(scan func(...any)) {
		var id int64
		var j, at string
		scan(&id, &j, &at)
		r.projects[id] = struct {
			jur     string
			created time.Time
		}{j, refTime(t, at)}
	})
	each("SELECT pm.project_id, pm.org_id, o.kind, pm.added_at, pm.status, pm.responded_at FROM project_members pm JOIN organisations o ON o.id = pm.org_id",
		func(scan func(...any)) {
			var p, o int64
			var kind, at, status, responded string
			scan(&p, &o, &kind, &at, &status, &responded)
			if status != "accepted" {
				return // invited or declined: not taking part
			}
			if responded > at {
				at = responded // taking part from its acceptance
			}
			r.members = append(r.members, struct {
				project, org int64
				kind         string
				added        time.Time
			}{p, o, kind, refTime(t, at)})
		})
	return r
}

// beijingMonth is the YYYY-MM of an instant in Beijing.
func beijingMonth(at time.Time) string { return at.In(anbao.Shanghai).Format("2006-01") }

// want computes the expected activity of jur ("" = all) and month.
func (r *activityRef) want(jur, month string) *store.MonthActivity {
	a := &store.MonthActivity{Jurisdiction: jur, Month: month, UnitsByKind: map[string]int64{}}
	in := func(pol int64) bool { return jur == "" || r.polJur[pol] == jur }
	byJur, byPT := map[string]*store.ActivityFigures{}, map[string]*store.ActivityFigures{}
	cells := func(pol int64) []*store.ActivityFigures {
		j, pt := r.polJur[pol], r.polPT[pol]
		if byJur[j] == nil {
			byJur[j] = &store.ActivityFigures{}
		}
		if byPT[pt] == nil {
			byPT[pt] = &store.ActivityFigures{}
		}
		return []*store.ActivityFigures{&a.InMonth, byJur[j], byPT[pt]}
	}
	for _, c := range r.claims {
		if !in(c.policy) || beijingMonth(c.at) > month {
			continue
		}
		a.Cumulative.ClaimsOpened++
		if beijingMonth(c.at) == month {
			for _, f := range cells(c.policy) {
				f.ClaimsOpened++
			}
		}
	}
	paidIn, paidCum := map[int64]bool{}, map[int64]bool{}
	for _, p := range r.payments {
		if !in(p.policy) || beijingMonth(p.at) > month {
			continue
		}
		a.Cumulative.Payments += p.amount
		a.Cumulative.PaidAmount += p.amount
		paidCum[p.claim] = true
		if beijingMonth(p.at) == month {
			for _, f := range cells(p.policy) {
				f.Payments += p.amount
				f.PaidAmount += p.amount
			}
			if !paidIn[p.claim] {
				paidIn[p.claim] = true
				for _, f := range cells(p.policy) {
					f.ClaimsPaid++
				}
			}
		}
	}
	a.Cumulative.ClaimsPaid = int64(len(paidCum))
	for _, x := range r.recoveries {
		pol := r.claimPolicy[x.claim]
		if !in(pol) || beijingMonth(x.at) > month {
			continue
		}
		a.Cumulative.Recoveries += x.amount
		a.Cumulative.PaidAmount -= x.amount
		if beijingMonth(x.at) == month {
			for _, f := range cells(pol) {
				f.Recoveries += x.amount
				f.PaidAmount -= x.amount
			}
		}
	}
	declinedIn := map[int64]bool{}
	type last struct {
		at   time.Time
		id   int64
		kind string
	}
	latest := map[int64]last{}
	for _, e := range r.events {
		if !in(r.claimPolicy[e.claim]) || beijingMonth(e.at) > month || (e.kind != "declined" && e.kind != "reopened") {
			continue
		}
		if e.kind == "declined" && beijingMonth(e.at) == month {
			declinedIn[e.claim] = true
		}
		if l, ok := latest[e.claim]; !ok || e.at.After(l.at) || (e.at.Equal(l.at) && e.id > l.id) {
			latest[e.claim] = last{e.at, e.id, e.kind}
		}
	}
	a.InMonth.ClaimsDeclined = int64(len(declinedIn))
	for _, l := range latest {
		if l.kind == "declined" {
			a.Cumulative.ClaimsDeclined++
		}
	}
	for k, f := range byJur {
		if *f != (store.ActivityFigures{}) {
			a.ByJurisdiction = append(a.ByJurisdiction, store.ActivityRow{Key: k, ActivityFigures: *f})
		}
	}
	for k, f := range byPT {
		if *f != (store.ActivityFigures{}) {
			a.ByProductType = append(a.ByProductType, store.ActivityRow{Key: k, ActivityFigures: *f})
		}
	}
	byKey := func(x, y store.ActivityRow) int {
		if x.Key < y.Key {
			return -1
		}
		if x.Key > y.Key {
			return 1
		}
		return 0
	}
	slices.SortFunc(a.ByJurisdiction, byKey)
	slices.SortFunc(a.ByProductType, byKey)
	// The pilot at the month's end.
	upTo := func(at time.Time) bool { return !at.IsZero() && beijingMonth(at) <= month }
	for _, p := range r.plans {
		if (jur == "" || p.jur == jur) && upTo(p.submitted) && !upTo(p.withdrawn) {
			a.Plans++
		}
	}
	cat := map[int64]bool{}
	for _, c := range r.catalogue {
		if (jur == "" || c.jur == jur) && upTo(c.published) {
			cat[c.plan] = true
		}
	}
	a.CataloguePlans = int64(len(cat))
	for _, p := range r.projects {
		if (jur == "" || p.jur == jur) && upTo(p.created) {
			a.Projects++
		}
	}
	units, kinds := map[int64]bool{}, map[int64]string{}
	for _, m := range r.members {
		p := r.projects[m.project]
		if (jur == "" || p.jur == jur) && upTo(p.created) && upTo(m.added) {
			units[m.org], kinds[m.org] = true, m.kind
		}
	}
	a.Units = int64(len(units))
	for o := range units {
		a.UnitsByKind[kinds[o]]++
	}
	return a
}

func sameActivity(t *testing.T, what string, got, want *store.MonthActivity) {
	t.Helper()
	if got.InMonth != want.InMonth {
		t.Errorf("%s month:\n got %+v\nwant %+v", what, got.InMonth, want.InMonth)
	}
	if got.Cumulative != want.Cumulative {
		t.Errorf("%s cumulative:\n got %+v\nwant %+v", what, got.Cumulative, want.Cumulative)
	}
	if !slices.Equal(got.ByJurisdiction, want.ByJurisdiction) {
		t.Errorf("%s by jurisdiction:\n got %+v\nwant %+v", what, got.ByJurisdiction, want.ByJurisdiction)
	}
	if !slices.Equal(got.ByProductType, want.ByProductType) {
		t.Errorf("%s by product type:\n got %+v\nwant %+v", what, got.ByProductType, want.ByProductType)
	}
	if got.Plans != want.Plans || got.CataloguePlans != want.CataloguePlans || got.Projects != want.Projects || got.Units != want.Units ||
		!maps.Equal(got.UnitsByKind, want.UnitsByKind) {
		t.Errorf("%s pilot: got %d plans, %d catalogued, %d projects, %d units %v; want %d, %d, %d, %d %v", what,
			got.Plans, got.CataloguePlans, got.Projects, got.Units, got.UnitsByKind,
			want.Plans, want.CataloguePlans, want.Projects, want.Units, want.UnitsByKind)
	}
}

func TestMonthActivity(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		loadDemoIncidents(t, st, 600)
		clk := st.Now
		if err := st.LoadDemoPlans(sys(), 2026); err != nil {
			t.Fatalf("demo plans: %v", err)
		}
		if err := st.LoadDemoProjects(sys(), 2026); err != nil {
			// What was registered before the failure is still checked.
			t.Logf("demo projects: %v", err)
		}
		st.Now = clk
		db := st.RawDB()

		// Month-boundary instants: move one payment, one recovery, one
		// claim's opening and one decline to the first instant of October
		// in Beijing (16:00 UTC on 30 September), and another payment to
		// the last instant of September.
		const octFirst, sepLast = "2026-09-30T16:00:00.000000Z", "2026-09-30T15:59:59.999999Z"
		if beijingMonth(refTime(t, octFirst)) != "2026-10" || beijingMonth(refTime(t, sepLast)) != "2026-09" {
			t.Fatal("boundary instants")
		}
		var pay1, pay2, amt1, amt2, rec, claim, ev int64
		if err := db.QueryRow("SELECT MIN(id), MAX(id) FROM claim_payments").Scan(&pay1, &pay2); err != nil || pay1 == pay2 {
			t.Fatalf("demo payments: %v", err)
		}
		var at1, at2 string
		must(t, db.QueryRow("SELECT amount, paid_at FROM claim_payments WHERE id = $1", pay1).Scan(&amt1, &at1))
		must(t, db.QueryRow("SELECT amount, paid_at FROM claim_payments WHERE id = $1", pay2).Scan(&amt2, &at2))
		before, err := st.MonthActivity(sys(), "", "2026-10")
		must(t, err)
		wantOct := before.InMonth.Payments
		if beijingMonth(refTime(t, at1)) != "2026-10" {
			wantOct += amt1
		}
		if beijingMonth(refTime(t, at2)) == "2026-10" {
			wantOct -= amt2
		}
		if _, err := db.Exec("UPDATE claim_payments SET paid_at = $1 WHERE id = $2", octFirst, pay1); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec("UPDATE claim_payments SET paid_at = $1 WHERE id = $2", sepLast, pay2); err != nil {
			t.Fatal(err)
		}
		after, err := st.MonthActivity(sys(), "", "2026-10")
		must(t, err)
		if after.InMonth.Payments != wantOct {
			t.Errorf("payments at %s (October) and %s (September): October paid %d, want %d", octFirst, sepLast, after.InMonth.Payments, wantOct)
		}
		if err := db.QueryRow("SELECT MIN(id) FROM claim_recoveries").Scan(&rec); err == nil && rec != 0 {
			if _, err := db.Exec("UPDATE claim_recoveries SET recorded_at = $1 WHERE id = $2", octFirst, rec); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.QueryRow("SELECT MAX(id) FROM claims").Scan(&claim); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec("UPDATE claims SET created_at = $1 WHERE id = $2", octFirst, claim); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRow("SELECT MIN(id) FROM claim_events WHERE kind = 'declined'").Scan(&ev); err != nil || ev == 0 {
			t.Fatalf("no demo decline: %v", err)
		}
		if _, err := db.Exec("UPDATE claim_events SET at = $1 WHERE id = $2", octFirst, ev); err != nil {
			t.Fatal(err)
		}

		r := loadActivityRef(t, st)
		months := map[string]bool{"2026-09": true, "2026-10": true, "2026-11": true, "2023-12": true, "2024-06": true}
		for _, p := range r.payments {
			months[beijingMonth(p.at)] = true
		}
		jurs := map[string]bool{"": true}
		for _, j := range r.polJur {
			jurs[j] = true
		}
		checked, paidMonths := 0, 0
		for m := range months {
			for j := range jurs {
				if j != "" && m != "2026-10" && m != "2026-09" {
					continue
				}
				got, err := st.MonthActivity(sys(), j, m)
				must(t, err)
				want := r.want(j, m)
				sameActivity(t, j+" "+m, got, want)
				checked++
				if j == "" && got.InMonth.Payments > 0 {
					paidMonths++
				}
			}
		}
		if paidMonths < 2 {
			t.Errorf("only %d months with payments: the demo does not exercise the figures", paidMonths)
		}
		oct, err := st.MonthActivity(sys(), "", "2026-10")
		must(t, err)
		if oct.InMonth.ClaimsOpened == 0 || oct.InMonth.ClaimsDeclined == 0 || oct.Plans == 0 || oct.CataloguePlans == 0 ||
			(len(r.projects) > 0 && (oct.Projects == 0 || oct.Units == 0)) {
			t.Errorf("October: %+v", oct)
		}
		if oct.Start != "2026-09-30T16:00:00.000000Z" || oct.End != "2026-10-31T16:00:00.000000Z" {
			t.Errorf("October bounds %s – %s", oct.Start, oct.End)
		}
		// Before the pilot: nothing at all.
		early, err := st.MonthActivity(sys(), "", "2023-11")
		must(t, err)
		if early.Cumulative != (store.ActivityFigures{}) || early.Plans != 0 || early.Projects != 0 || early.Units != 0 {
			t.Errorf("2023-11: %+v", early)
		}
		// Cumulative to the last month with anything equals the claims' own totals.
		now, err := st.MonthActivity(sys(), "", "2026-11")
		must(t, err)
		var paid, recovered, n int64
		must(t, db.QueryRow("SELECT COUNT(*), COALESCE(SUM(paid), 0), COALESCE(SUM(recovered), 0) FROM claims").Scan(&n, &paid, &recovered))
		if now.Cumulative.ClaimsOpened != n || now.Cumulative.Payments != paid || now.Cumulative.Recoveries != recovered {
			t.Errorf("to 2026-11: %+v; claims %d paid %d recovered %d", now.Cumulative, n, paid, recovered)
		}
		t.Logf("%s: %d activity views checked (%d projects, %d plans); October: %+v", st.Engine(), checked, len(r.projects), len(r.plans), oct.InMonth)

		// Scope: a local regulator its own jurisdiction (forced), not
		// another; insurers, providers and enterprises not at all.
		var jur, other string
		must(t, db.QueryRow(`SELECT MIN(o.jurisdiction) FROM organisations o WHERE o.kind = 'regulator' AND o.jurisdiction <> ''
			AND EXISTS (SELECT 1 FROM policies p WHERE p.jurisdiction = o.jurisdiction)`).Scan(&jur))
		must(t, db.QueryRow(`SELECT MIN(jurisdiction) FROM organisations WHERE kind = 'regulator' AND jurisdiction <> '' AND jurisdiction <> $1`,
			jur).Scan(&other))
		reg := as(t, st, "reg"+jur+".admin")
		own, err := st.MonthActivity(reg, "", "2026-10")
		must(t, err)
		if own.Jurisdiction != jur {
			t.Errorf("local regulator's scope %q, want %q", own.Jurisdiction, jur)
		}
		sameActivity(t, "reg "+jur, own, r.want(jur, "2026-10"))
		_, err = st.MonthActivity(reg, other, "2026-10")
		checkErr(t, err, anbao.EFORBIDDEN, "stats.jurisdiction_forbidden")
		for _, u := range []string{"miit.admin", "op.admin", "op.auditor"} {
			got, err := st.MonthActivity(as(t, st, u), other, "2026-10")
			must(t, err)
			sameActivity(t, u, got, r.want(other, "2026-10"))
		}
		for _, u := range []string{"ins1.admin", "ins1.uw", "prov1.admin", "ent1.admin"} {
			_, err := st.MonthActivity(as(t, st, u), "", "2026-10")
			checkErr(t, err, anbao.EFORBIDDEN, "")
		}
		_, err = st.MonthActivity(context.Background(), "", "2026-10")
		if err == nil {
			t.Error("anonymous activity read")
		}
		for _, c := range []struct{ jur, month, field, key string }{
			{"", "2026-13", "month", "stats.month_invalid"},
			{"", "202610", "month", "stats.month_invalid"},
			{"", "", "month", "stats.month_invalid"},
			{"99", "2026-10", "jurisdiction", "stats.jurisdiction_invalid"},
		} {
			_, err := st.MonthActivity(sys(), c.jur, c.month)
			if checkErr(t, err, anbao.EINVALID, c.key) {
				if e, _ := err.(*anbao.Error); e != nil && e.Field != c.field {
					t.Errorf("%q %q: field %q", c.jur, c.month, e.Field)
				}
			}
		}
	})
}
