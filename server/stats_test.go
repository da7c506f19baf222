package server

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/i18n"
	"github.com/anbao/anbao/refdata"
	"github.com/anbao/anbao/store"
	"github.com/anbao/anbao/store/storetest"
	"github.com/anbao/anbao/ui"
)

// statsMonth is a month in the past of the store's clock, for retail returns.
func (e *testEnv) statsMonth() string {
	return e.st.Now().In(anbao.Shanghai).AddDate(0, -1, 0).Format("2006-01")
}

// statsFixtures adds the records the access matrix needs to f: a retail
// return of ins1 in ent1's jurisdiction and one of ins2 in the foreign
// jurisdiction (with figures no demo return has), ent1's jurisdiction as
// stats_jur, and an insurer other than ins1 with policies in the foreign
// jurisdiction and none in ent1's (stats_xins). It rebuilds the warehouse
// last, so that the incident fixtures' policies count.
func (e *testEnv) statsFixtures(f *fixtures) {
	t := e.t
	db := e.st.RawDB()
	jur := ""
	if err := db.QueryRow("SELECT jurisdiction FROM organisations WHERE id = $1", f.vals["ent1"]).Scan(&jur); err != nil {
		t.Fatal(err)
	}
	f.vals["stats_jur"] = jur
	month := e.statsMonth()
	for _, rr := range []struct {
		ins, jur string
		policies int64
	}{{f.vals["ins1"], jur, 6_666_661}, {f.vals["ins2"], f.vals["foreign_jur"], 7_777_771}} {
		ctx := actAs(mustID(t, rr.ins), anbao.KindInsurer, anbao.RoleAdmin)
		if _, err := e.st.DeclareRetail(ctx, &store.RetailReturn{Jurisdiction: rr.jur, Month: month, Line: "anti_fraud",
			Policies: rr.policies, Premium: 1_000_00, SumInsured: 100_000_00}); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.st.RefreshStats(sysCtx()); err != nil {
		t.Fatal(err)
	}
	var xins int64
	err := db.QueryRow(`SELECT MIN(insurer_id) FROM stats_policies WHERE jurisdiction = $1 AND insurer_id <> $2
		AND insurer_id NOT IN (SELECT insurer_id FROM stats_policies WHERE jurisdiction = $3)`,
		f.vals["foreign_jur"], f.vals["ins1"], jur).Scan(&xins)
	if err != nil || xins == 0 {
		t.Fatalf("no insurer with policies in %s and none in %s: %v", f.vals["foreign_jur"], jur, err)
	}
	f.vals["stats_xins"] = fmt.Sprint(xins)
	// A row of a breakdown, as the API writes it in Chinese: the key with
	// its label, so that a marker never matches another dimension's key.
	row := func(key, label string) string { return `{"key":"` + key + `","label":"` + label + `"` }
	name := func(id any) string {
		var n string
		if err := db.QueryRow("SELECT name_zh FROM organisations WHERE id = $1", id).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	fj, _ := refdata.JurisdictionByCode(f.vals["foreign_jur"])
	f.vals["stats_foreign_row"] = row(fj.Code, fj.NameZH)
	f.vals["stats_xins_row"] = row(fmt.Sprint(xins), name(xins))
	f.vals["stats_ins1_row"] = row(f.vals["ins1"], name(f.vals["ins1"]))
	f.vals["stats_ins2_row"] = row(f.vals["ins2"], name(f.vals["ins2"]))
}

// statsMatrixCases are the access-matrix rows of these routes. Readers are
// the regulators (a local one within its jurisdiction), the operator's
// admin and auditor, and the insurer's admin and underwriter (its own book);
// the reviewer, the claims handler, providers and enterprises are refused.
// The markers prove that an insurer never sees another insurer's key or
// figures and a local regulator never another jurisdiction's rows.
func statsMatrixCases() []matrixCase {
	statuses := func(def int, kv ...any) map[string]int {
		m := map[string]int{"anon": 401, "*": def}
		for i := 0; i < len(kv); i += 2 {
			for _, r := range kv[i].([]string) {
				m[r] = kv[i+1].(int)
			}
		}
		return m
	}
	national := []string{"op.admin", "op.auditor", "miit.admin"}
	local := []string{"reg.admin", "reg.analyst"}
	foreign := []string{"regx.admin"}
	insurers := []string{"ins1.admin", "ins1.uw"}
	cat := func(xs ...[]string) []string {
		var out []string
		for _, x := range xs {
			out = append(out, x...)
		}
		return out
	}
	regulators := cat(national, local, foreign)
	readers := cat(regulators, insurers)
	read := statuses(403, readers, 200)
	// Naming the foreign jurisdiction: the local regulator of ent1's is refused.
	readForeignJur := statuses(403, readers, 200, local, 403)
	// Naming ent1's jurisdiction: the foreign regulator is refused.
	readOwnJur := statuses(403, readers, 200, foreign, 403)
	// Naming ins2: ins1 is refused.
	readIns2 := statuses(403, readers, 200, insurers, 403)
	// Naming both: only national readers and the foreign regulator.
	readForeignIns2 := statuses(403, readers, 200, local, 403, insurers, 403)
	bad := statuses(403, readers, 400)
	seeForeign := cat(national, foreign)
	ov, bd, pol, inc, rt := "/api/v1/stats/overview", "/api/v1/stats/breakdown", "/api/v1/stats/policies", "/api/v1/stats/incidents",
		"/api/v1/stats/retail"
	return []matrixCase{
		{route: "GET " + ov, path: ov, want: read, marker: "{stats_xins_row}", see: seeForeign},
		{route: "GET " + ov, path: ov, want: read, marker: `"loss_ratio"`, see: regulators},
		{route: "GET " + ov, path: ov + "?jurisdiction={foreign_jur}&insurer_id={ins2}", want: readForeignIns2, marker: "{stats_foreign_row}",
			see: seeForeign},
		{route: "GET " + ov, path: ov + "?jurisdiction={foreign_jur}", want: readForeignJur, marker: "{stats_ins2_row}", see: seeForeign},
		{route: "GET " + ov, path: ov + "?jurisdiction={stats_jur}", want: readOwnJur},
		{route: "GET " + ov, path: ov + "?insurer_id={ins2}", want: readIns2},
		{route: "GET " + ov, path: ov + "?from=2026-13", want: bad},
		{route: "GET " + bd, path: bd + "?dim=jurisdiction&insurer_id={ins2}", want: readIns2, marker: "{stats_foreign_row}", see: seeForeign},
		{route: "GET " + bd, path: bd + "?dim=insurer", want: read, marker: "{stats_xins_row}", see: seeForeign},
		{route: "GET " + bd, path: bd + "?dim=insurer", want: read, marker: "{stats_ins1_row}", see: readers},
		{route: "GET " + bd, path: bd + "?dim=insurer&jurisdiction={foreign_jur}", want: readForeignJur},
		{route: "GET " + bd, path: bd + "?dim=insurer&insurer_id={ins2}", want: readIns2},
		{route: "GET " + bd, path: bd + "?dim=colour", want: bad},
		{route: "GET " + pol, path: pol + "?jurisdiction={foreign_jur}&limit=500", want: readForeignJur,
			marker: `"insurer_id":{ins2},`, see: seeForeign},
		{route: "GET " + pol, path: pol + "?jurisdiction={stats_jur}&insurer_id={ins1}&limit=500", want: readOwnJur,
			marker: `"id":{ent1_ir_policy},`, see: cat(national, local, insurers)},
		{route: "GET " + pol, path: pol + "?insurer_id={ins2}", want: readIns2},
		{route: "GET " + pol, path: pol + "?size=huge", want: bad},
		// De-identified: no enterprise, never the incident's title.
		{route: "GET " + inc, path: inc + "?limit=500", want: read, marker: "矩阵事件", see: nil},
		{route: "GET " + inc, path: inc + "?insurer_id={ins2}&limit=500", want: readIns2,
			marker: `"jurisdiction":"{foreign_jur}"`, see: seeForeign},
		{route: "GET " + inc, path: inc + "?jurisdiction={foreign_jur}", want: readForeignJur},
		{route: "GET " + inc, path: inc + "?industry=ZZ", want: bad},
		{route: "POST " + rt, path: rt, body: `{"month":"2026-13","jurisdiction":"32","line":"anti_fraud","policies":1}`,
			want: statuses(403, insurers, 400)},
		{route: "POST " + rt, path: rt, body: `{"insurer_id":{ins2},"month":"2020-01","jurisdiction":"32","line":"anti_fraud","policies":1}`,
			want: statuses(403, insurers, 403)},
		{route: "GET " + rt, path: rt, want: read, marker: `"policies":7777771`, see: seeForeign},
		{route: "GET " + rt, path: rt, want: read, marker: `"policies":6666661`, see: cat(national, local, insurers)},
		{route: "GET " + rt, path: rt + "?insurer_id={ins2}", want: readIns2},
		{route: "GET " + rt, path: rt + "?jurisdiction={foreign_jur}", want: readForeignJur},
	}
}

// statsEnv is a test server whose warehouse holds the demo's figures.
func statsEnv(t *testing.T, st *store.Store) *testEnv {
	e := newTestEnv(t, st, 120)
	if err := e.st.RefreshStats(sysCtx()); err != nil {
		t.Fatal(err)
	}
	return e
}

// statsPrincipal is the principal of a demo user, for calling the store directly.
func (e *testEnv) statsPrincipal(username string) *anbao.Principal {
	e.t.Helper()
	s := e.login(username)
	p, _, err := e.st.SessionPrincipal(sysCtx(), s.cookie)
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

func (e *testEnv) statsCount(q string, args ...any) int64 {
	e.t.Helper()
	var n int64
	if err := e.st.RawDB().QueryRow(q, args...).Scan(&n); err != nil {
		e.t.Fatalf("%s: %v", q, err)
	}
	return n
}

func TestStatsAPI(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		e := statsEnv(t, st)
		ins1, ins2 := e.userOrg("ins1.admin"), e.userOrg("ins2.admin")
		jur := ""
		e.st.RawDB().QueryRow("SELECT jurisdiction FROM organisations WHERE id = $1", e.userOrg("ent1.admin")).Scan(&jur)
		regUser := "reg" + jur + ".admin"
		other := "11"
		if jur == other {
			other = "32"
		}

		// The API answers what the store computes for the same principal.
		for _, c := range []struct{ user, query string }{
			{"miit.admin", ""}, {"miit.admin", "?industry=C&from=2020-01"}, {regUser, ""}, {"ins1.admin", ""}, {"op.auditor", "?insurer_id=" + ins2},
		} {
			rec := e.as(c.user, "GET", "/api/v1/stats/overview"+c.query, "")
			if rec.Code != http.StatusOK {
				t.Fatalf("%s %s: %d %s", c.user, c.query, rec.Code, rec.Body)
			}
			got := decodeBody[anbao.StatsOverview](t, rec)
			q, _ := url.ParseQuery(strings.TrimPrefix(c.query, "?"))
			f := anbao.StatsFilter{Industry: q.Get("industry"), From: q.Get("from")}
			if id := q.Get("insurer_id"); id != "" {
				f.InsurerID = mustID(t, id)
			}
			want, err := e.st.StatsOverview(anbao.WithPrincipal(t.Context(), e.statsPrincipal(c.user)), f, "zh-CN")
			if err != nil {
				t.Fatal(err)
			}
			if g, w := compactJSON(got), compactJSON(want); g != w {
				t.Errorf("%s %s: API and store differ:\n%s\n%s", c.user, c.query, g, w)
			}
		}

		// Independent counts on the demo data.
		all := decodeBody[anbao.StatsOverview](t, e.as("miit.admin", "GET", "/api/v1/stats/overview", ""))
		if n := e.statsCount("SELECT COUNT(*) FROM incidents"); all.Totals.Incidents != n || n == 0 {
			t.Errorf("national incidents %d, SQL %d", all.Totals.Incidents, n)
		}
		// Policies count by term (a policy year): every term but those never in
		// force, i.e. cancelled flat or on or before their start.
		if n := e.statsCount(`SELECT COUNT(*) FROM policy_terms WHERE status <> 'cancelled' OR
			(cancel_method <> 'flat' AND (cancelled_date = '' OR cancelled_date > start_date))`); all.Totals.Policies != n || n == 0 {
			t.Errorf("national policies (terms in force) %d, SQL %d", all.Totals.Policies, n)
		}
		// Categories and decline reasons come named, not as codes.
		if len(all.IncidentsByCategory) == 0 || len(all.DeclinedByReason) == 0 {
			t.Fatalf("demo has no categories (%d) or declines (%d)", len(all.IncidentsByCategory), len(all.DeclinedByReason))
		}
		for _, c := range append(slices.Clone(all.IncidentsByCategory), all.DeclinedByReason...) {
			if c.Key != "" && (c.Label == c.Key || c.Label == "") {
				t.Errorf("count %s is labelled %q", c.Key, c.Label)
			}
		}
		en := decodeBody[anbao.StatsOverview](t, e.as("nfra.analyst", "GET", "/api/v1/stats/overview?lang=en", ""))
		for _, c := range en.DeclinedByReason {
			if c.Key == "below_retention" && c.Label != "Below the retention" {
				t.Errorf("English decline label %q", c.Label)
			}
		}
		if all.Totals.LossRatio == nil && all.Totals.Premium > 0 {
			t.Error("a national regulator sees no loss ratio")
		}
		reg := decodeBody[anbao.StatsOverview](t, e.as(regUser, "GET", "/api/v1/stats/overview", ""))
		if n := e.statsCount("SELECT COUNT(*) FROM incidents i JOIN organisations o ON o.id = i.enterprise_id WHERE o.jurisdiction = $1", jur); reg.Totals.Incidents != n {
			t.Errorf("local incidents %d, SQL %d", reg.Totals.Incidents, n)
		}
		for _, b := range reg.Breakdowns {
			if b.Dim != anbao.DimJurisdiction {
				continue
			}
			for _, r := range b.Rows {
				if r.Key != jur {
					t.Errorf("%s sees jurisdiction %s", regUser, r.Key)
				}
			}
		}
		ins := decodeBody[anbao.StatsOverview](t, e.as("ins1.admin", "GET", "/api/v1/stats/overview", ""))
		if n := e.statsCount("SELECT COUNT(*) FROM policies WHERE insurer_id = $1 AND status = 'active'", ins1); ins.Totals.Policies < n || n == 0 {
			t.Errorf("ins1 policies %d, SQL active %d", ins.Totals.Policies, n)
		}
		if raw := e.as("ins1.admin", "GET", "/api/v1/stats/overview", "").Body.String(); strings.Contains(raw, "loss_ratio") {
			t.Errorf("an insurer sees a loss ratio: %.400s", raw)
		}
		for _, b := range ins.Breakdowns {
			for _, r := range b.Rows {
				if b.Dim == anbao.DimInsurer && r.Key != ins1 {
					t.Errorf("ins1 sees insurer %s (%s)", r.Key, r.Label)
				}
			}
		}

		// Refusals and specific errors.
		for _, c := range []struct {
			user, path string
			status     int
			field, msg string
		}{
			{regUser, "/api/v1/stats/overview?jurisdiction=" + other, 403, "", ""},
			{"ins1.admin", "/api/v1/stats/policies?insurer_id=" + ins2, 403, "", ""},
			{"ent1.admin", "/api/v1/stats/overview", 403, "", ""},
			{"prov1.admin", "/api/v1/stats/incidents", 403, "", ""},
			{"", "/api/v1/stats/overview", 401, "", ""},
			{"miit.admin", "/api/v1/stats/overview?from=2026-13", 400, "from", "2026-13"},
			{"miit.admin", "/api/v1/stats/overview?from=2026-05&to=2026-01", 400, "to", "2026-05"},
			{"miit.admin", "/api/v1/stats/overview?insurer_id=abc", 400, "insurer_id", ""},
			{"miit.admin", "/api/v1/stats/breakdown?dim=colour", 400, "dim", "colour"},
			{"miit.admin", "/api/v1/stats/incidents?size=huge", 400, "size", "huge"},
			{"miit.admin", "/api/v1/stats/policies?product_type=life", 400, "product_type", "life"},
			{"miit.admin", "/api/v1/stats/policies?limit=0", 400, "limit", ""},
		} {
			rec := e.as(c.user, "GET", c.path, "")
			if rec.Code != c.status {
				t.Errorf("%s %s: %d, want %d: %s", c.user, c.path, rec.Code, c.status, rec.Body)
				continue
			}
			if c.status == 400 {
				b := decodeBody[ErrorBody](t, rec)
				if b.Field != c.field || !strings.Contains(b.Message, c.msg) || strings.Contains(b.Message, "stats.") {
					t.Errorf("%s: error %+v, want field %s mentioning %q", c.path, b, c.field, c.msg)
				}
			}
		}

		// Breakdown, lists and paging.
		bd := decodeBody[anbao.StatsBreakdown](t, e.as("miit.admin", "GET", "/api/v1/stats/breakdown?dim=month", ""))
		var sum int64
		for _, r := range bd.Rows {
			sum += r.Policies
		}
		if bd.Dim != anbao.DimMonth || sum != all.Totals.Policies {
			t.Errorf("months sum to %d policies, totals %d", sum, all.Totals.Policies)
		}
		pl := decodeBody[ListResponse[*store.StatsPolicyRow]](t, e.as("miit.admin", "GET", "/api/v1/stats/policies?limit=7&offset=2", ""))
		if int64(pl.Total) != all.Totals.Policies || len(pl.Items) != 7 || pl.Limit != 7 || pl.Offset != 2 {
			t.Errorf("policies page: total %d (want %d), %d items, limit %d offset %d", pl.Total, all.Totals.Policies, len(pl.Items), pl.Limit, pl.Offset)
		}
		il := decodeBody[ListResponse[*store.StatsIncidentRow]](t, e.as(regUser, "GET", "/api/v1/stats/incidents?limit=500", ""))
		if int64(il.Total) != reg.Totals.Incidents {
			t.Errorf("incidents list total %d, overview %d", il.Total, reg.Totals.Incidents)
		}
		for _, it := range il.Items {
			if it.Jurisdiction != jur {
				t.Errorf("%s sees an incident in %s", regUser, it.Jurisdiction)
			}
		}

		// Retail returns: declared by the insurer, bad input writes nothing.
		month := e.statsMonth()
		e.login("ins1.uw")
		head := e.auditHead()
		for _, body := range []string{
			`{"month":"2026-13","jurisdiction":"32","line":"anti_fraud"}`,
			`{"month":"` + month + `","jurisdiction":"99","line":"anti_fraud"}`,
			`{"month":"` + month + `","jurisdiction":"32","line":"car"}`,
			`{"month":"` + month + `","jurisdiction":"32","line":"anti_fraud","policies":-1}`,
			`{"month":"` + month + `","jurisdiction":"32","line":"anti_fraud","policies":"many"}`,
		} {
			if rec := e.as("ins1.uw", "POST", "/api/v1/stats/retail", body); rec.Code != 400 {
				t.Errorf("retail %s: %d %s", body, rec.Code, rec.Body)
			}
		}
		if e.auditHead() != head {
			t.Error("a refused retail return wrote to the audit log")
		}
		rec := e.as("ins1.uw", "POST", "/api/v1/stats/retail",
			`{"month":"`+month+`","jurisdiction":"32","line":"anti_fraud","policies":1234567,"premium":50000000,"sum_insured":900000000}`)
		if rec.Code != 201 {
			t.Fatalf("retail: %d %s", rec.Code, rec.Body)
		}
		if r := decodeBody[store.RetailReturn](t, rec); fmt.Sprint(r.InsurerID) != ins1 || r.Policies != 1234567 {
			t.Errorf("retail return %+v", r)
		}
		if err := e.st.RefreshStats(sysCtx()); err != nil {
			t.Fatal(err)
		}
		rl := decodeBody[ListResponse[*store.RetailReturn]](t, e.as("miit.admin", "GET", "/api/v1/stats/retail?jurisdiction=32", ""))
		found := false
		for _, r := range rl.Items {
			found = found || r.Policies == 1234567
		}
		if !found {
			t.Errorf("the regulator does not see the retail return: %+v", rl)
		}
		ov := decodeBody[anbao.StatsOverview](t, e.as("miit.admin", "GET", "/api/v1/stats/overview?jurisdiction=32", ""))
		if ov.RetailPolicies < 1234567 || ov.RetailPremium < 50000000 {
			t.Errorf("retail figures %d %d", ov.RetailPolicies, ov.RetailPremium)
		}
	})
}

var (
	dashTileRE = regexp.MustCompile(`class="dash-tile `)
	dashDataRE = regexp.MustCompile(`(?s)<script type="application/json" id="dash-data">(.*?)</script>`)
)

func TestStatsDashboardUI(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		e := statsEnv(t, st)
		jur := ""
		e.st.RawDB().QueryRow("SELECT jurisdiction FROM organisations WHERE id = $1", e.userOrg("ent1.admin")).Scan(&jur)
		regUser := "reg" + jur + ".admin"
		other := "11"
		if jur == other {
			other = "32"
		}
		insurerName := func(user string) string {
			var n string
			e.st.RawDB().QueryRow("SELECT o.name_zh FROM organisations o JOIN users u ON u.org_id = o.id WHERE u.username = $1", user).Scan(&n)
			return n
		}
		get := func(user, path string, want int) string {
			t.Helper()
			rec := e.as(user, "GET", path, "")
			if rec.Code != want {
				t.Fatalf("%s %s: %d, want %d: %.600s", user, path, rec.Code, want, rec.Body)
			}
			return rec.Body.String()
		}

		// A national regulator: every figure, the loss ratio, the map, the charts' data and the export links.
		body := get("miit.admin", "/dashboard", 200)
		for _, s := range []string{`id="kpi-policies"`, `id="kpi-loss_ratio"`, `id="kpi-retail_premium"`, `id="kpi-units"`, `id="dash-map"`,
			`id="tbl-dim-jurisdiction"`, `id="tbl-dim-industry"`, `id="tbl-dim-size"`, `id="tbl-dim-product_type"`, `id="tbl-dim-insurer"`,
			`id="tbl-dim-month"`, `id="tbl-incidents_by_grade"`, `href="/dashboard/export.xlsx"`, `/dashboard/export.csv?table=jurisdiction`,
			`/dashboard/export.csv?table=incidents_by_grade`, `href="/dashboard/bulletins"`, "vendor/echarts/echarts.min.js", "dashboard.js",
			insurerName("ins2.admin"), `name="insurer_id"`, "万元"} {
			if !strings.Contains(body, s) {
				t.Errorf("national dashboard lacks %s", s)
			}
		}
		if n := len(dashTileRE.FindAllString(body, -1)); n < 31+5 {
			t.Errorf("the tile map has %d tiles", n)
		}
		m := dashDataRE.FindStringSubmatch(body)
		if m == nil {
			t.Fatal("no chart data block")
		}
		var c dashChart
		if err := json.Unmarshal([]byte(m[1]), &c); err != nil {
			t.Fatalf("chart data: %v: %.300s", err, m[1])
		}
		if len(c.Months) == 0 || len(c.Bars["jurisdiction"].Names) == 0 || len(c.Grades) == 0 || c.Labels["policies"] == "" {
			t.Errorf("chart data incomplete: %+v", c)
		}
		if strings.Contains(body, "style=") || regexp.MustCompile(`<script>`).MatchString(body) {
			t.Error("inline style or script on the dashboard")
		}
		// A tile drills down to its jurisdiction; a row to its filter.
		if !strings.Contains(body, `href="/dashboard?jurisdiction=`+jur+`"`) {
			t.Errorf("no drill-down link to jurisdiction %s", jur)
		}
		get("miit.admin", "/dashboard?jurisdiction="+jur+"&metric=loss_ratio", 200)

		// A local regulator: its jurisdiction only, fixed in the filter; another one is refused.
		body = get(regUser, "/dashboard", 200)
		if strings.Contains(body, `id="df-jurisdiction" name="jurisdiction"`) || !strings.Contains(body, `class="dash-fixed"`) {
			t.Error("the local regulator may pick a jurisdiction")
		}
		if strings.Contains(body, `href="/dashboard?jurisdiction=`+other+`"`) {
			t.Error("the local regulator gets a link to another jurisdiction")
		}
		tbl := body[strings.Index(body, `id="tbl-dim-jurisdiction"`):]
		tbl = tbl[:strings.Index(tbl, "</table>")]
		if n := strings.Count(tbl, `<th scope="row">`); n > 2 { // its row and the total
			t.Errorf("the local regulator's jurisdiction table has %d rows", n)
		}
		get(regUser, "/dashboard?jurisdiction="+other, 403)
		get(regUser, "/dashboard/policies?jurisdiction="+other, 403)
		get(regUser, "/dashboard/incidents?jurisdiction="+other, 403)

		// An insurer: its own book, no loss ratio, no other insurer, no insurer filter.
		body = get("ins1.admin", "/dashboard", 200)
		if strings.Contains(body, `id="kpi-loss_ratio"`) || strings.Contains(body, "赔付率") {
			t.Error("an insurer sees a loss ratio")
		}
		for _, u := range []string{"ins2.admin", "ins3.admin"} {
			if n := insurerName(u); n != "" && strings.Contains(body, n) {
				t.Errorf("an insurer sees %s", n)
			}
		}
		if strings.Contains(body, `name="insurer_id"`) {
			t.Error("an insurer may pick an insurer")
		}
		get("ins1.admin", "/dashboard?insurer_id="+e.userOrg("ins2.admin"), 403)
		get("ent1.admin", "/dashboard", 403)
		get("prov1.admin", "/dashboard/policies", 403)

		// Bad filters: the page again, with the specific error at the field.
		for _, c := range []struct{ path, field, msg string }{
			{"/dashboard?from=2026-13", "from", "2026-13"},
			{"/dashboard?from=2026-06&to=2026-01", "to", "2026-06"},
			{"/dashboard/policies?industry=ZZ", "industry", "ZZ"},
			{"/dashboard/incidents?size=huge", "size", "huge"},
		} {
			body := get("miit.admin", c.path, 400)
			if !strings.Contains(body, `id="err-filter-`+c.field+`"`) || !strings.Contains(body, c.msg) || strings.Contains(body, "stats.") {
				t.Errorf("%s: no specific error at %s", c.path, c.field)
			}
		}
		body = get("miit.admin", "/dashboard?insurer_id=abc", 400)
		if !strings.Contains(body, "insurer_id") && !strings.Contains(body, "err-filter") {
			t.Errorf("bad insurer id: %.300s", body)
		}

		// The drill-down lists, paged, with the export links.
		body = get("miit.admin", "/dashboard/policies?limit=5&industry=C", 200)
		if !strings.Contains(body, `/dashboard/policies/export.xlsx?industry=C`) || !strings.Contains(body, `table=policies`) ||
			!strings.Contains(body, `rel="next"`) {
			t.Errorf("policies page lacks exports or paging")
		}
		body = get(regUser, "/dashboard/incidents", 200)
		if !strings.Contains(body, `id="dash-incidents"`) || strings.Contains(body, "矩阵") {
			t.Error("incidents page")
		}
		body = get("ins1.admin", "/dashboard/policies", 200)
		if n := insurerName("ins2.admin"); strings.Contains(body, n) {
			t.Error("an insurer's policy list shows another insurer")
		}

		// English.
		rec := e.raw("GET", "/dashboard?lang=en", "", map[string]string{"Cookie": sessionCookie + "=" + e.login("miit.admin").cookie,
			"Accept-Language": "en"})
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), "Supervision dashboard") || !strings.Contains(rec.Body.String(), "CNY") {
			t.Errorf("English dashboard: %d", rec.Code)
		}
	})
}

func TestStatsRetailUI(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		e := statsEnv(t, st)
		month := e.statsMonth()
		post := func(user string, v url.Values) *httptest.ResponseRecorder {
			return e.send(user, "POST", "/dashboard/retail", "application/x-www-form-urlencoded", v.Encode(), nil)
		}
		form := func(kv ...string) url.Values {
			v := url.Values{"month": {month}, "jurisdiction": {"33"}, "line": {"anti_fraud"}, "policies": {"12,345"},
				"premium": {"1,234.50"}, "sum_insured": {"10000000"}, "claims": {"3"}, "paid": {"800"}}
			for i := 0; i < len(kv); i += 2 {
				v.Set(kv[i], kv[i+1])
			}
			return v
		}
		body := e.as("ins1.uw", "GET", "/dashboard/retail", "").Body.String()
		if !strings.Contains(body, `id="retail-form"`) {
			t.Fatal("no declaration form for the insurer")
		}
		if b := e.as("miit.admin", "GET", "/dashboard/retail", "").Body.String(); strings.Contains(b, `id="retail-form"`) {
			t.Error("a regulator gets the declaration form")
		}
		head := e.auditHead()
		for _, c := range []struct{ field, value, msg string }{
			{"month", "2026-13", "2026-13"},
			{"month", time.Now().AddDate(1, 0, 0).Format("2006-01"), ""},
			{"jurisdiction", "99", "99"},
			{"line", "car", "car"},
			{"policies", "many", "many"},
			{"premium", "12.345", "12.345"},
			{"paid", "-5", "-5"},
		} {
			rec := post("ins1.uw", form(c.field, c.value))
			if rec.Code != 400 || !strings.Contains(rec.Body.String(), `id="err-retail-`+c.field+`"`) || !strings.Contains(rec.Body.String(), c.msg) {
				t.Errorf("%s=%s: %d, no error at the field", c.field, c.value, rec.Code)
			}
		}
		if e.auditHead() != head {
			t.Error("a refused declaration wrote to the audit log")
		}
		if rec := post("ins1.claims", form()); rec.Code != 403 {
			t.Errorf("claims handler: %d", rec.Code)
		}
		if rec := post("ins1.uw", form()); rec.Code != 303 {
			t.Fatalf("declare: %d %.500s", rec.Code, rec.Body)
		}
		body = e.as("ins1.uw", "GET", "/dashboard/retail?ok=saved", "").Body.String()
		if !strings.Contains(body, "12,345") || !strings.Contains(body, "0.12") { // 1,234.50 元 = 0.12 万元
			i := max(0, strings.Index(body, `id="retail-list"`))
			t.Errorf("the declaration is not listed: %.3000s", body[i:])
		}
	})
}

// Every dashboard catalogue key the templates and handlers name, and every
// family built at run time, exists in both languages.
func TestStatsCatalogue(t *testing.T) {
	keyRE := regexp.MustCompile(`"((?:dash|stats|retail)\.[a-z_]+\.?[a-zA-Z0-9_.]*[a-zA-Z0-9_])"`)
	var keys []string
	for _, name := range append(slices.Clone(dashPageNames), "dashboard_parts") {
		b, err := fs.ReadFile(ui.Templates(), "templates/"+name+".html")
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range keyRE.FindAllStringSubmatch(string(b), -1) {
			keys = append(keys, m[1])
		}
	}
	for _, f := range []string{"stats.go", "ui_stats.go"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range keyRE.FindAllStringSubmatch(string(b), -1) {
			if !strings.HasSuffix(m[1], ".") {
				keys = append(keys, m[1])
			}
		}
	}
	for _, d := range anbao.StatsDims {
		keys = append(keys, "dash.dim."+string(d))
	}
	for _, m := range dashMetrics {
		keys = append(keys, "dash.metric."+m, "dash.map.legend."+m)
	}
	for _, l := range store.RetailLines {
		keys = append(keys, "dash.retail.line."+l)
	}
	for _, k := range []string{"policies", "premium_wan", "paid_wan", "incidents", "count"} {
		keys = append(keys, "dash.chart."+k)
	}
	if len(keys) < 100 {
		t.Fatalf("only %d keys found", len(keys))
	}
	for _, k := range keys {
		for _, l := range i18n.Languages {
			if !i18n.Has(l, k) {
				t.Errorf("%s: missing %q", l, k)
			}
		}
	}
}
