package store_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/cover"
	"github.com/anbao/anbao/demo"
	"github.com/anbao/anbao/incident"
	"github.com/anbao/anbao/store"
	"github.com/anbao/anbao/store/storetest"
)

// tDemoIncidents is the instant the demo incident tests load at (a
// Sunday afternoon, Beijing time): fixed, so that what the eight months
// before it hold does not depend on the day the tests run.
var tDemoIncidents = time.Date(2026, 11, 29, 8, 30, 0, 0, time.UTC)

// loadDemoIncidents loads the demo pilot of n enterprises with its
// assessments and underwriting at the fixed instant, then the incidents.
func loadDemoIncidents(t *testing.T, st *store.Store, n int) *store.DemoIncidentReport {
	t.Helper()
	const seed = 2026
	st.Now = func() time.Time { return tDemoIncidents }
	pilot := demo.Generate(seed, n)
	must(t, st.LoadDemo(sys(), pilot))
	asm := demo.GenerateAssessments(pilot, seed)
	must(t, st.LoadDemoAssessments(sys(), pilot, asm))
	must(t, st.LoadDemoUnderwriting(sys(), pilot, demo.GenerateUnderwriting(pilot, asm, seed, st.Now())))
	start := time.Now()
	rep, err := st.LoadDemoIncidents(sys(), seed)
	if err != nil {
		t.Fatalf("load demo incidents: %v", err)
	}
	b, _ := json.Marshal(rep)
	t.Logf("%s: %d enterprises, incidents loaded in %v: %s", st.Engine(), n, time.Since(start).Round(time.Millisecond), b)
	return rep
}

// The demo incidents load on both engines through the store's operations,
// and what they hold is consistent with the book and with itself: every
// claim status, every dispatch on its policy's roster, no limit overdrawn,
// every custody chain intact, the spread of categories and grades, and
// something to look at for the demo's enterprise, insurer and provider.
func TestDemoIncidents(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		rep := loadDemoIncidents(t, st, 2000)
		if rep.Incidents < 60 || rep.Incidents > 120 {
			t.Errorf("%d incidents, want 60–120", rep.Incidents)
		}
		if st.Now().Compare(tDemoIncidents) != 0 {
			t.Fatalf("the store's clock was not restored: %v", st.Now())
		}

		// Claims in every status, declines with their reasons, a reopened claim, a recovery.
		for _, s := range store.ClaimStatuses {
			if rep.Claims[s] == 0 {
				t.Errorf("no claim %s: %v", s, rep.Claims)
			}
		}
		if k := count(t, st, "SELECT COUNT(DISTINCT decline_code) FROM claims WHERE status = 'declined'"); k < 3 {
			t.Errorf("%d decline reasons, want at least 3", k)
		}
		for _, kind := range []string{"reopened", "recovery", "ransom_consent", "payment_partial", "payment_final", "reserve"} {
			if count(t, st, "SELECT COUNT(*) FROM claim_events WHERE kind = $1", kind) == 0 {
				t.Errorf("no claim event %s", kind)
			}
		}
		if count(t, st, "SELECT COUNT(*) FROM claims WHERE status = 'assessed' AND held > 0") == 0 {
			t.Errorf("no ransom held awaiting the insurer's consent")
		}
		if count(t, st, "SELECT COUNT(*) FROM claims WHERE finding_caused = 1") == 0 {
			t.Errorf("no claim whose loss an open finding caused")
		}
		if count(t, st, "SELECT COUNT(*) FROM claims WHERE claim_made_at <> ''") == 0 {
			t.Errorf("no liability claim")
		}

		// Categories, grades, the statutory states.
		if len(rep.Categories) < 6 {
			t.Errorf("categories %v, want at least 6", rep.Categories)
		}
		if len(rep.Grades) < 3 || rep.Grades[string(incident.GradeGeneral)] <= rep.Incidents/2 {
			t.Errorf("grades %v, want three, mostly general", rep.Grades)
		}
		if k := count(t, st, "SELECT COUNT(*) FROM incidents WHERE grade = 'particularly_major'"); k != 0 {
			t.Errorf("%d particularly major incidents among SMEs", k)
		}
		now := anbao.FormatTime(tDemoIncidents)
		live := count(t, st, `SELECT COUNT(*) FROM timers WHERE kind = 'statutory_report' AND state IN ('pending', 'warned') AND due_at > $1
			AND due_at < $2`, now, anbao.FormatTime(tDemoIncidents.Add(4*time.Hour)))
		if live < 2 {
			t.Errorf("%d statutory deadlines in the coming hours, want at least 2", live)
		}
		if k := count(t, st, "SELECT COUNT(*) FROM timers WHERE kind = 'statutory_report' AND met_at > due_at"); k < 2 {
			t.Errorf("%d statutory reports filed late, want a few", k)
		}
		if k := count(t, st, "SELECT COUNT(*) FROM timers WHERE kind = 'summary_report' AND state = 'expired' AND met_at = ''"); k < 2 {
			t.Errorf("%d summaries overdue, want a couple", k)
		}
		if k := count(t, st, "SELECT COUNT(*) FROM incidents WHERE summary_submitted_at <> ''"); k == 0 {
			t.Errorf("no summary submitted")
		}
		if k := count(t, st, "SELECT COUNT(*) FROM incidents WHERE policy_id IS NULL"); k == 0 {
			t.Errorf("no incident of an enterprise without a policy")
		}
		if k := count(t, st, "SELECT COUNT(*) FROM incidents i JOIN organisations o ON o.id = i.reported_by_org WHERE o.kind = 'provider'"); k == 0 {
			t.Errorf("no incident reported by a provider on the enterprise's behalf")
		}
		if k := count(t, st, "SELECT COUNT(*) FROM incidents WHERE reported_at <> '' AND reported_at < discovered_at"); k != 0 {
			t.Errorf("%d statutory reports before discovery", k)
		}

		// Dispatches in every state, each of a provider on its policy's roster
		// (the terms in force on the day of occurrence).
		for _, s := range []string{store.DispatchRequested, store.DispatchAcknowledged, store.DispatchAssigned, store.DispatchContained,
			store.DispatchClosed, store.DispatchDeclined} {
			if rep.Dispatches[s] == 0 {
				t.Errorf("no dispatch %s: %v", s, rep.Dispatches)
			}
		}
		type disp struct {
			id, provider    int64
			terms, occurred string
		}
		var ds []disp
		rows, err := st.RawDB().Query(`SELECT d.id, d.provider_id, g.terms, i.occurred_at FROM dispatches d
			JOIN incidents i ON i.id = d.incident_id JOIN policy_segments g ON g.policy_id = d.policy_id ORDER BY d.id, g.id`)
		must(t, err)
		for rows.Next() {
			var d disp
			must(t, rows.Scan(&d.id, &d.provider, &d.terms, &d.occurred))
			ds = append(ds, d)
		}
		rows.Close()
		onRoster := map[int64]bool{}
		for _, d := range ds {
			var tm cover.Terms
			must(t, json.Unmarshal([]byte(d.terms), &tm))
			onRoster[d.id] = onRoster[d.id] || slices.Contains(tm.Providers, d.provider)
		}
		for id, ok := range onRoster {
			if !ok {
				t.Errorf("dispatch %d: its provider is on no roster of its policy", id)
			}
		}
		if k := count(t, st, "SELECT COUNT(*) FROM dispatches"); int(k) != len(onRoster) {
			t.Errorf("%d dispatches, %d checked", k, len(onRoster))
		}

		// Limits: no term paid beyond its aggregate; erosion is the sum of the payments.
		rows, err = st.RawDB().Query(`SELECT e.policy_id, e.term_no, e.aggregate_paid, g.terms FROM term_erosion e
			JOIN policy_terms pt ON pt.policy_id = e.policy_id AND pt.term_no = e.term_no JOIN policy_segments g ON g.term_id = pt.id`)
		must(t, err)
		limits := map[string]int64{}
		paid := map[string]int64{}
		for rows.Next() {
			var pol int64
			var term int
			var agg int64
			var raw string
			must(t, rows.Scan(&pol, &term, &agg, &raw))
			var tm cover.Terms
			must(t, json.Unmarshal([]byte(raw), &tm))
			k := fmt.Sprint(pol, "/", term)
			limits[k] = max(limits[k], tm.AggregateLimit)
			paid[k] = agg
		}
		rows.Close()
		for k, p := range paid {
			if p > limits[k] {
				t.Errorf("term %s paid %s beyond its aggregate %s", k, cover.Yuan(p), cover.Yuan(limits[k]))
			}
		}
		if a, b := count(t, st, "SELECT COALESCE(SUM(erodes_aggregate), 0) FROM claim_payments"),
			count(t, st, "SELECT COALESCE(SUM(aggregate_paid), 0) FROM term_erosion"); a != b {
			t.Errorf("payments erode %d, the terms record %d", a, b)
		}
		if a, b := count(t, st, "SELECT COALESCE(SUM(amount), 0) FROM claim_payments"), count(t, st, "SELECT COALESCE(SUM(paid), 0) FROM claims"); a != b || a != rep.Paid {
			t.Errorf("payments %d, claims paid %d, report %d", a, b, rep.Paid)
		}
		if k := count(t, st, "SELECT COUNT(*) FROM claims WHERE paid > approved OR recovered > paid"); k != 0 {
			t.Errorf("%d claims paid beyond their approval or recovered beyond their payments", k)
		}

		// The entitlement ledgers: never beyond a term's entitlement.
		rows, err = st.RawDB().Query(`SELECT DISTINCT policy_id, term_no FROM entitlement_usage ORDER BY policy_id, term_no`)
		must(t, err)
		var ledgers [][2]int64
		for rows.Next() {
			var a, b int64
			must(t, rows.Scan(&a, &b))
			ledgers = append(ledgers, [2]int64{a, b})
		}
		rows.Close()
		if len(ledgers) == 0 {
			t.Errorf("no entitlement used")
		}
		for _, lg := range ledgers {
			l, err := st.EntitlementLedger(sys(), lg[0], int(lg[1]))
			must(t, err)
			used := 0
			for _, ln := range l.Lines {
				used += ln.UsedQuantity
				if ln.RemainingQty < 0 || ln.ValueFen > 0 && ln.RemainingValue < 0 {
					t.Errorf("policy %d term %d: %s drawn beyond the entitlement: %+v", lg[0], lg[1], ln.Service, ln)
				}
			}
			if used == 0 {
				t.Errorf("policy %d term %d: usage on no entitlement of the term", lg[0], lg[1])
			}
		}

		// Every custody chain verifies; evidence went to the forensic provider and was sealed.
		list, err := st.ListIncidents(sys(), store.IncidentFilter{Page: anbao.Page{Limit: anbao.MaxPageLimit}})
		must(t, err)
		if list.Total != rep.Incidents {
			t.Fatalf("%d incidents listed, report %d", list.Total, rep.Incidents)
		}
		chains := 0
		for _, in := range list.Items {
			full, err := st.GetIncident(sys(), in.ID)
			must(t, err)
			for _, e := range full.Evidence {
				chains++
				if n := store.VerifyCustody(e.SHA256, e.Custody); n != 0 || !e.ChainIntact {
					t.Errorf("incident %d evidence %d: chain broken at %d", in.ID, e.ID, n)
				}
				if e.Custody[0].Action != "collect" {
					t.Errorf("evidence %d: the chain starts with %s", e.ID, e.Custody[0].Action)
				}
			}
		}
		if chains != rep.Evidence || chains == 0 {
			t.Errorf("%d chains checked, report %d", chains, rep.Evidence)
		}
		for _, action := range store.CustodyActions {
			if count(t, st, "SELECT COUNT(*) FROM custody_events WHERE action = $1", action) == 0 {
				t.Errorf("no custody %s", action)
			}
		}
		if count(t, st, "SELECT COUNT(*) FROM incident_evidence WHERE kind = 'forensic_report'") == 0 {
			t.Errorf("no forensic report")
		}

		// The demo's users have something to look at: ent1 an incident with a
		// claim; a provider of ent1's roster an open dispatch; ins1 claims in
		// several states.
		ent1 := as(t, st, "ent1.admin")
		mine, err := st.ListIncidents(ent1, store.IncidentFilter{})
		must(t, err)
		withClaim := 0
		for _, in := range mine.Items {
			full, err := st.GetIncident(ent1, in.ID)
			must(t, err)
			if len(full.Claims) > 0 {
				withClaim++
			}
			for _, d := range full.Dispatches {
				if d.Status == store.DispatchRequested || d.Status == store.DispatchAcknowledged || d.Status == store.DispatchAssigned {
					prov := d.ProviderID
					var user string
					must(t, st.RawDB().QueryRow("SELECT username FROM users WHERE org_id = $1 ORDER BY id LIMIT 1", prov).Scan(&user))
					pi, err := st.GetIncident(as(t, st, user), in.ID)
					if err != nil || len(pi.Dispatches) == 0 {
						t.Errorf("%s does not see its open dispatch on ent1's incident: %v", user, err)
					}
					withClaim += 100
				}
			}
		}
		if withClaim%100 == 0 || withClaim < 100 {
			t.Errorf("ent1: %d incidents, an open dispatch and an incident with a claim wanted (%d)", mine.Total, withClaim)
		}
		claims1, err := st.ListClaims(as(t, st, "ins1.claims"), store.ClaimFilter{Page: anbao.Page{Limit: anbao.MaxPageLimit}})
		must(t, err)
		states := map[string]int{}
		for _, c := range claims1.Items {
			states[c.Status]++
		}
		if len(states) < 4 {
			t.Errorf("ins1's claims in %d states, want several: %v", len(states), states)
		}

		// The store's own operations work on the loaded rows; a second load is refused.
		if _, err := st.LoadDemoIncidents(sys(), 2026); anbao.ErrorCode(err) != anbao.ECONFLICT {
			t.Errorf("second load: %v, want a conflict", err)
		}
		verifyOK(t, st, -1)
	})
}

// The same seed on the same book at the same instant gives the same
// incidents, steps and amounts.
func TestDemoIncidentsDeterministic(t *testing.T) {
	digest := func() (string, *store.DemoIncidentReport) {
		st := storetest.Open(t, store.SQLite)
		rep := loadDemoIncidents(t, st, 400)
		var b strings.Builder
		rows, err := st.RawDB().Query(`SELECT i.title, i.grade, i.status, COALESCE(c.number, ''), COALESCE(c.status, ''), COALESCE(c.paid, 0),
			COALESCE(c.approved, 0) FROM incidents i LEFT JOIN claims c ON c.incident_id = i.id ORDER BY i.id, c.id`)
		must(t, err)
		for rows.Next() {
			var title, grade, status, number, cstatus string
			var paid, approved int64
			must(t, rows.Scan(&title, &grade, &status, &number, &cstatus, &paid, &approved))
			fmt.Fprintln(&b, title, grade, status, number, cstatus, paid, approved)
		}
		rows.Close()
		return b.String(), rep
	}
	a, ra := digest()
	b, rb := digest()
	ja, _ := json.Marshal(ra)
	jb, _ := json.Marshal(rb)
	if a != b || string(ja) != string(jb) {
		t.Errorf("two loads differ:\n%s\n%s", ja, jb)
	}
	if ra.Incidents < 20 {
		t.Errorf("%d incidents on 400 enterprises", ra.Incidents)
	}
}
