package store_test

import (
	"database/sql"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/cover"
	"github.com/anbao/anbao/demo"
	"github.com/anbao/anbao/rating"
	"github.com/anbao/anbao/store"
	"github.com/anbao/anbao/store/storetest"
)

// The demo underwriting loads on both engines next to the demo pilot and its
// assessments, and what it wrote holds together when read back with SQL of
// its own: the book's size and totals, every premium the sum of its
// transactions, segments tiling their terms, bound quotes pointing at their
// policies, the fixtures the UI and the access matrix use, and the store's
// own operations working on the loaded rows.
func TestDemoUnderwriting(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		const seed = 2026
		start := time.Now()
		pilot := demo.Generate(seed, 2000)
		must(t, st.LoadDemo(sys(), pilot))
		asm := demo.GenerateAssessments(pilot, seed)
		must(t, st.LoadDemoAssessments(sys(), pilot, asm))
		base := time.Since(start)
		start = time.Now()
		u := demo.GenerateUnderwriting(pilot, asm, seed, st.Now())
		gen := time.Since(start)
		start = time.Now()
		must(t, st.LoadDemoUnderwriting(sys(), pilot, u))
		t.Logf("%s: pilot and assessments %v; underwriting generated in %v, loaded in %v", st.Engine(), base.Round(time.Millisecond),
			gen.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))

		db := st.RawDB()
		one := func(q string, args ...any) int64 {
			t.Helper()
			var v sql.NullInt64
			if err := db.QueryRow(q, args...).Scan(&v); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			return v.Int64
		}
		n := one("SELECT COUNT(*) FROM policies")
		premium := one("SELECT SUM(premium) FROM policies")
		sum := one("SELECT SUM(sum_insured) FROM policies")
		t.Logf("%d policies, premium %s, sum insured %s", n, cover.Yuan(premium), cover.Yuan(sum))
		if n < 1450 || n > 1600 {
			t.Errorf("policies = %d, want 1450–1600", n)
		}
		if lo, hi := int64(127_500_000*100), int64(172_500_000*100); premium < lo || premium > hi {
			t.Errorf("premium = %s, want CNY 150 million ± 15%%", cover.Yuan(premium))
		}
		if lo, hi := int64(9_775_000_000*100), int64(13_225_000_000*100); sum < lo || sum > hi {
			t.Errorf("sum insured = %s, want CNY 11.5 billion ± 15%%", cover.Yuan(sum))
		}

		// Every premium is exact.
		if k := one(`SELECT COUNT(*) FROM policies pol JOIN policy_terms t ON t.policy_id = pol.id AND t.term_no = pol.current_term
			WHERE pol.premium <> t.written_premium OR pol.sum_insured <> t.sum_insured OR pol.expiry_date <> t.end_date
			OR pol.status <> t.status`); k != 0 {
			t.Errorf("%d policies disagree with their current term", k)
		}
		if k := one(`SELECT COUNT(*) FROM policy_terms t WHERE t.written_premium <>
			(SELECT COALESCE(SUM(x.amount), 0) FROM policy_transactions x WHERE x.term_id = t.id AND x.policy_id = t.policy_id)`); k != 0 {
			t.Errorf("%d terms whose written premium is not the sum of their transactions", k)
		}
		if k := one(`SELECT COUNT(*) FROM policies pol WHERE pol.current_term <> (SELECT MAX(term_no) FROM policy_terms t WHERE t.policy_id = pol.id)`); k != 0 {
			t.Errorf("%d policies whose current term is not their last", k)
		}
		// Segments tile each term, and the last one's sum insured is the term's.
		type termRow struct {
			start, end string
			sum        int64
		}
		terms := map[int64]termRow{}
		rows, err := db.Query("SELECT id, start_date, end_date, sum_insured FROM policy_terms")
		must(t, err)
		for rows.Next() {
			var id int64
			var r termRow
			must(t, rows.Scan(&id, &r.start, &r.end, &r.sum))
			terms[id] = r
		}
		rows.Close()
		rows, err = db.Query("SELECT term_id, seq, start_date, end_date, terms FROM policy_segments ORDER BY term_id, seq")
		must(t, err)
		var cur int64
		var at, lastSum string
		check := func() {
			if cur == 0 {
				return
			}
			tr := terms[cur]
			var tm cover.Terms
			if at != tr.end {
				t.Errorf("term %d: segments end at %s, the term at %s", cur, at, tr.end)
			} else if err := json.Unmarshal([]byte(lastSum), &tm); err != nil || tm.SumInsured() != tr.sum {
				t.Errorf("term %d: sum insured %d, last segment %d (%v)", cur, tr.sum, tm.SumInsured(), err)
			}
		}
		segs := 0
		for rows.Next() {
			var id int64
			var seq int
			var s, e, tj string
			must(t, rows.Scan(&id, &seq, &s, &e, &tj))
			segs++
			if id != cur {
				check()
				cur, at = id, terms[id].start
			}
			if s != at || e <= s {
				t.Errorf("term %d segment %d: [%s, %s) after %s", id, seq, s, e, at)
			}
			at, lastSum = e, tj
		}
		check()
		rows.Close()
		if k := one("SELECT COUNT(*) FROM policy_terms t WHERE NOT EXISTS (SELECT 1 FROM policy_segments g WHERE g.term_id = t.id)"); k != 0 {
			t.Errorf("%d terms without segments", k)
		}

		// Quotes: bound ones point at their policy and its term; the policy
		// references resolve.
		if k := one(`SELECT COUNT(*) FROM quotes q WHERE q.status = 'bound' AND NOT EXISTS
			(SELECT 1 FROM policies pol JOIN policy_terms t ON t.policy_id = pol.id WHERE pol.id = q.policy_id AND t.quote_id = q.id)`); k != 0 {
			t.Errorf("%d bound quotes without their policy term", k)
		}
		if k := one(`SELECT COUNT(*) FROM policy_terms t JOIN quotes q ON q.id = t.quote_id WHERE q.policy_id <> t.policy_id OR q.status <> 'bound'`); k != 0 {
			t.Errorf("%d terms pointing at a quote of another policy", k)
		}
		anbaoN := one("SELECT COUNT(*) FROM policies WHERE source = 'anbao'")
		if k := one("SELECT COUNT(*) FROM policies pol JOIN policy_terms t ON t.policy_id = pol.id AND t.term_no = 1 WHERE pol.source = 'anbao' AND t.quote_id IS NULL"); k != 0 {
			t.Errorf("%d policies bound on Anbao without a quote", k)
		}
		if share := float64(anbaoN) / float64(n); share < 0.5 || share > 0.7 {
			t.Errorf("bound on Anbao: %.0f%%, want about 60%%", 100*share)
		}
		if k := one("SELECT COUNT(*) FROM policies WHERE source = 'declared' AND external_ref = ''"); k != 0 {
			t.Errorf("%d declared policies without an external reference", k)
		}
		if k := one("SELECT COUNT(*) FROM policy_terms WHERE quote_id IS NOT NULL AND rating_input = ''"); k != 0 {
			t.Errorf("%d bound terms without their rating input", k)
		}
		codes := func(q string) (out []string) {
			rows, err := db.Query(q)
			must(t, err)
			defer rows.Close()
			for rows.Next() {
				var c string
				must(t, rows.Scan(&c))
				out = append(out, c)
			}
			return out
		}
		for _, c := range codes("SELECT DISTINCT reason_code FROM policy_transactions WHERE kind = 'cancellation'") {
			if !slices.Contains(store.CancelReasons, c) {
				t.Errorf("cancellation reason %q is not one of the store's", c)
			}
		}
		for _, c := range codes("SELECT DISTINCT kind FROM risk_notices") {
			if !slices.Contains(store.NoticeKinds, c) {
				t.Errorf("notice kind %q is not one of the store's", c)
			}
		}
		for _, kind := range []string{"endorsement", "cancellation", "reinstatement", "renewal"} {
			t.Logf("%s: %d", kind, one("SELECT COUNT(DISTINCT policy_id) FROM policy_transactions WHERE kind = $1", kind))
		}
		if k := one("SELECT COUNT(*) FROM policies WHERE kind = 'park_master'"); k < 3 || k > 5 {
			t.Errorf("%d park master policies, want 3–5", k)
		}
		if k := one("SELECT COUNT(*) FROM policy_members m JOIN policies pol ON pol.id = m.policy_id WHERE m.limit_amount > pol.sum_insured"); k != 0 {
			t.Errorf("%d park members above the shared aggregate", k)
		}
		if k := one(`SELECT COUNT(*) FROM policy_subsidies s JOIN policy_terms t ON t.policy_id = s.policy_id AND t.term_no = s.term_no
			WHERE s.amount <= 0 OR s.amount > t.written_premium`); k != 0 {
			t.Errorf("%d subsidies above their term's premium", k)
		}

		// The rating input of a term is the enterprise's facts: its grade is
		// the one the store scored from the same assessment.
		var same, all int
		rows, err = db.Query(`SELECT t.rating_input, l.grade FROM policy_terms t JOIN policies pol ON pol.id = t.policy_id
			JOIN latest_scores l ON l.enterprise_id = pol.enterprise_id WHERE t.rating_input <> ''`)
		must(t, err)
		for rows.Next() {
			var in, grade string
			must(t, rows.Scan(&in, &grade))
			var ri rating.Input
			must(t, json.Unmarshal([]byte(in), &ri))
			all++
			if ri.Grade == grade {
				same++
			}
		}
		rows.Close()
		if all == 0 || same != all {
			t.Errorf("rating inputs with the stored grade: %d of %d", same, all)
		}

		// Fixtures: ent1's active ins1 policy, the foreign enterprise's ins2 one.
		ent1, ins1, ins2 := as(t, st, "ent1.admin"), as(t, st, "ins1.uw"), as(t, st, "ins2.admin")
		ins1ID, ins2ID := anbao.PrincipalFrom(ins1).OrgID, anbao.PrincipalFrom(ins2).OrgID
		mine, err := st.ListPolicies(ent1, store.PolicyFilter{Status: store.PolicyActive})
		must(t, err)
		var ent1Policy *store.Policy
		for _, pol := range mine.Items {
			if pol.InsurerID == ins1ID {
				ent1Policy = pol
			}
		}
		if ent1Policy == nil {
			t.Fatalf("ent1 has no active ins1 policy: %d active", mine.Total)
		}
		full, err := st.GetPolicy(ent1, ent1Policy.ID)
		must(t, err)
		if full.Terms == nil || len(full.Transactions) == 0 || full.Product == nil || full.Product.RegistrationNo == "" {
			t.Errorf("ent1's policy reads back incomplete: %+v", full)
		}
		if len(full.Terms.Providers) == 0 {
			t.Errorf("ent1's policy has no approved providers")
		}
		var jur string
		must(t, db.QueryRow("SELECT jurisdiction FROM organisations WHERE id = $1", anbao.PrincipalFrom(ent1).OrgID).Scan(&jur))
		// The access matrix's foreign enterprise (server/access_test.go).
		foreign := one(`SELECT MIN(id) FROM organisations WHERE kind = 'enterprise' AND status = 'active' AND id NOT IN
			(SELECT enterprise_id FROM relationships WHERE party_org_id IN ($1, $2)) AND jurisdiction <> $3`,
			ins1ID, anbao.PrincipalFrom(as(t, st, "prov1.admin")).OrgID, jur)
		if k := one("SELECT COUNT(*) FROM policies WHERE enterprise_id = $1 AND insurer_id = $2", foreign, ins2ID); k == 0 {
			t.Errorf("the foreign enterprise %d has no ins2 policy", foreign)
		}
		seen, total := 0, 0
		for off := 0; ; off += anbao.MaxPageLimit {
			list, err := st.ListPolicies(ins2, store.PolicyFilter{Page: anbao.Page{Limit: anbao.MaxPageLimit, Offset: off}})
			must(t, err)
			total = list.Total
			for _, pol := range list.Items {
				seen++
				if pol.InsurerID != ins2ID {
					t.Fatalf("ins2 lists policy %s of insurer %d", pol.Number, pol.InsurerID)
				}
			}
			if len(list.Items) < anbao.MaxPageLimit {
				break
			}
		}
		if seen != total || int64(total) != one("SELECT COUNT(*) FROM policies WHERE insurer_id = $1", ins2ID) || total == 0 {
			t.Errorf("ins2 lists %d of %d policies", seen, total)
		}

		// Open quotes: ent1's comparison, ins1's referral queue.
		reqs, err := st.ListQuotes(ent1, store.QuoteFilter{Status: store.QuoteBindRequested})
		must(t, err)
		if reqs.Total != 1 {
			t.Fatalf("ent1 has %d bind-requested quotes, want 1", reqs.Total)
		}
		cmp, err := st.GetQuoteRequest(ent1, reqs.Items[0].RequestID)
		must(t, err)
		insurers := map[int64]bool{}
		for _, q := range cmp.Quotes {
			insurers[q.InsurerID] = true
		}
		if len(insurers) < 2 {
			t.Errorf("ent1's comparison has %d insurers", len(insurers))
		}
		queue, err := st.ListQuotes(ins1, store.QuoteFilter{Status: store.QuoteReferred})
		must(t, err)
		binds, err := st.ListQuotes(ins1, store.QuoteFilter{Status: store.QuoteBindRequested})
		must(t, err)
		if queue.Total < 5 || queue.Total > 10 || binds.Total < 2 || binds.Total > 3 {
			t.Errorf("ins1's queue: %d referred, %d bind requested", queue.Total, binds.Total)
		}
		for _, q := range queue.Items {
			if len(q.Reasons) == 0 || q.EnterpriseID == anbao.PrincipalFrom(ent1).OrgID {
				t.Errorf("referred quote %d: %d reasons, enterprise %d", q.ID, len(q.Reasons), q.EnterpriseID)
			}
		}
		notices, err := st.ListRiskNotices(ins1, true)
		must(t, err)
		if len(notices) == 0 {
			t.Errorf("ins1 has no pending risk notice")
		}

		// The store's own operations work on the loaded rows, and new rows
		// take ids after them (PostgreSQL's sequences moved).
		pv, err := st.GetProductVersion(ins1, full.ProductID, full.Product.Number)
		must(t, err)
		limit := full.Terms.AggregateLimit / 2
		if limit < pv.Definition.MinLimit {
			limit = full.Terms.AggregateLimit * 2
		}
		if _, err := st.Endorse(ins1, ent1Policy.ID, store.EndorseInput{EffectiveDate: st.Now().In(anbao.Shanghai).Format(time.DateOnly),
			Limit: limit, Retention: full.Terms.Retention, Note: "演示批改"}); err != nil {
			t.Errorf("endorse ent1's policy: %v", err)
		}
		q, err := st.BindQuote(ins1, reqs.Items[0].ID, 0)
		if anbao.ErrorCode(err) != anbao.ECONFLICT {
			t.Errorf("bind with an open pre-bind contingency: %v, %v", q, err)
		}
		before := one("SELECT MAX(id) FROM products")
		pr, err := st.CreateProduct(ins1, store.ProductInput{Code: "AFTER-DEMO", NameZH: "演示后新建产品", ProductVersionInput: store.ProductVersionInput{
			RegistrationNo: "C00010830612020012322442", Definition: *rating.SeedDefinition(), Rating: *rating.SeedConfig()}})
		if err != nil {
			t.Fatalf("create a product after the demo: %v", err)
		}
		if pr.ID <= before {
			t.Errorf("new product id %d, not after %d", pr.ID, before)
		}
		if err := st.LoadDemoUnderwriting(sys(), pilot, u); anbao.ErrorCode(err) != anbao.ECONFLICT {
			t.Errorf("second load: %v, want a conflict", err)
		}
		// A demo declared policy declared again, as its insurer's system would
		// send it, reads as unchanged.
		var dp store.DeclaredPolicy
		var insurer int64
		var details, segTerms string
		err = st.RawDB().QueryRow(`SELECT pol.insurer_id, pol.external_ref, p.code, o.uscc, pt.start_date, pt.end_date, pt.retro_date, x.amount,
			x.details, g.terms FROM policies pol JOIN products p ON p.id = pol.product_id JOIN organisations o ON o.id = pol.enterprise_id
			JOIN policy_terms pt ON pt.policy_id = pol.id AND pt.term_no = 1
			JOIN policy_transactions x ON x.term_id = pt.id AND x.kind = 'new_business'
			JOIN policy_segments g ON g.term_id = pt.id AND g.seq = 1
			WHERE pol.source = 'declared' ORDER BY pol.id LIMIT 1`).Scan(&insurer, &dp.ExternalRef, &dp.ProductCode, &dp.EnterpriseUSCC,
			&dp.InceptionDate, &dp.ExpiryDate, &dp.RetroDate, &dp.Premium, &details, &segTerms)
		must(t, err)
		var det struct {
			IssuedAt string `json:"issued_at"`
		}
		var tm struct {
			Limit     int64 `json:"aggregate_limit"`
			Retention int64 `json:"retention"`
		}
		must(t, json.Unmarshal([]byte(details), &det))
		must(t, json.Unmarshal([]byte(segTerms), &tm))
		dp.IssuedAt, dp.Limit, dp.Retention = det.IssuedAt, tm.Limit, tm.Retention
		insCtx := ctxOf(&anbao.Principal{UserID: 1, Username: "core-system", OrgID: insurer, OrgKind: anbao.KindInsurer, Roles: []anbao.Role{anbao.RoleAdmin}})
		res, err := st.DeclarePolicies(insCtx, []store.DeclaredPolicy{dp})
		must(t, err)
		if res.Unchanged != 1 || res.Created != 0 {
			t.Errorf("re-declaring demo policy %s: %+v", dp.ExternalRef, res)
		}
		rep, err := st.VerifyAudit(sys())
		if err != nil || !rep.OK {
			t.Errorf("audit = %+v, %v", rep, err)
		}
	})
}
