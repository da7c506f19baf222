package server

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/export"
	"github.com/anbao/anbao/i18n"
	"github.com/anbao/anbao/store"
	"github.com/anbao/anbao/store/storetest"
	"github.com/anbao/anbao/ui"
	"github.com/xuri/excelize/v2"
)

// exportFixtures adds the records the access matrix needs to f: three
// bulletins of last month (the whole pilot, ent1's jurisdiction and the
// foreign one), and the number of a policy of ins2 in the foreign
// jurisdiction (what only national readers and the foreign regulator see).
func (e *testEnv) exportFixtures(f *fixtures) {
	t := e.t
	month := e.st.LastMonth()
	f.vals["bul_month"] = month
	for key, scope := range map[string]string{"bul_nat": "", "bul_own": f.vals["stats_jur"], "bul_foreign": f.vals["foreign_jur"]} {
		b, _, err := e.st.SaveBulletin(sysCtx(), store.BulletinInput{Scope: scope, Month: month, Lang: "zh-CN", Title: "矩阵简报 " + key,
			PDF: []byte("%PDF-1.4\n%矩阵\n%%EOF\n"), Origin: store.BulletinScheduled})
		if err != nil {
			t.Fatal(err)
		}
		f.vals[key] = fmt.Sprint(b.ID)
	}
	var num string
	if err := e.st.RawDB().QueryRow(`SELECT MIN(pol.number) FROM stats_policies x JOIN policies pol ON pol.id = x.policy_id
		WHERE x.jurisdiction = $1 AND x.insurer_id = $2`, f.vals["foreign_jur"], f.vals["ins2"]).Scan(&num); err != nil || num == "" {
		t.Fatalf("no policy of ins2 in %s: %v", f.vals["foreign_jur"], err)
	}
	f.vals["x_policy_no"] = num
}

// exportMatrixCases are the access-matrix rows of these routes. Readers of
// the exports are those of the dashboards (regulators, the operator's
// admins, analysts and auditors, the insurers' admins and underwriters);
// the bulletins are for regulators and the operator only, a local regulator
// its own jurisdiction's. Workbooks are zipped, so their markers are checked
// in TestExportXLSX; CSV bodies carry markers here.
func exportMatrixCases() []matrixCase {
	statuses := func(def int, kv ...any) map[string]int {
		m := map[string]int{"anon": 401, "*": def}
		for i := 0; i < len(kv); i += 2 {
			for _, r := range kv[i].([]string) {
				m[r] = kv[i+1].(int)
			}
		}
		return m
	}
	cat := func(xs ...[]string) []string {
		var out []string
		for _, x := range xs {
			out = append(out, x...)
		}
		return out
	}
	national := []string{"op.admin", "op.auditor", "miit.admin"}
	local := []string{"reg.admin", "reg.analyst"}
	foreign := []string{"regx.admin"}
	insurers := []string{"ins1.admin", "ins1.uw"}
	regulators := cat(national, local, foreign)
	readers := cat(regulators, insurers)
	read := statuses(403, readers, 200)
	readForeignJur := statuses(403, readers, 200, local, 403)
	readOwnJur := statuses(403, readers, 200, foreign, 403)
	readIns2 := statuses(403, readers, 200, insurers, 403)
	bad := statuses(403, readers, 400)
	seeForeign := cat(national, foreign)

	xlsx, csvp, pol := "/api/v1/stats/export.xlsx", "/api/v1/stats/export.csv", "/api/v1/stats/policies/export.xlsx"
	bl, bpdf := "/api/v1/stats/bulletins", "/api/v1/stats/bulletins/{id}/pdf"
	pdf := func(key string) string { return "/api/v1/stats/bulletins/{" + key + "}/pdf" }
	// Bulletins: national readers all, the local regulator its own, the foreign one its own.
	bulReaders := regulators
	generators := []string{"op.admin", "miit.admin", "reg.admin", "reg.analyst", "regx.admin"}
	return []matrixCase{
		{route: "GET " + xlsx, path: xlsx, want: read},
		{route: "GET " + xlsx, path: xlsx + "?lang=en", want: read},
		{route: "GET " + xlsx, path: xlsx + "?jurisdiction={foreign_jur}", want: readForeignJur},
		{route: "GET " + xlsx, path: xlsx + "?jurisdiction={stats_jur}", want: readOwnJur},
		{route: "GET " + xlsx, path: xlsx + "?insurer_id={ins2}", want: readIns2},
		{route: "GET " + xlsx, path: xlsx + "?to=2026-1", want: bad},

		{route: "GET " + csvp, path: csvp + "?table=jurisdiction", want: read, marker: "\n{foreign_jur},", see: cat(seeForeign, insurers)},
		{route: "GET " + csvp, path: csvp + "?table=jurisdiction", want: read, marker: "赔付率", see: regulators},
		{route: "GET " + csvp, path: csvp + "?table=insurer", want: read, marker: "\n{stats_xins},", see: seeForeign},
		{route: "GET " + csvp, path: csvp + "?table=insurer&insurer_id={ins1}", want: read, marker: "\n{ins1},", see: readers},
		{route: "GET " + csvp, path: csvp + "?table=policies", want: read, marker: "{x_policy_no},", see: seeForeign},
		{route: "GET " + csvp, path: csvp + "?table=policies&jurisdiction={foreign_jur}", want: readForeignJur,
			marker: "{x_policy_no},", see: seeForeign},
		{route: "GET " + csvp, path: csvp + "?table=overview&insurer_id={ins2}", want: readIns2},
		{route: "GET " + csvp, path: csvp + "?table=incidents_by_grade&jurisdiction={stats_jur}", want: readOwnJur},
		{route: "GET " + csvp, path: csvp + "?table=colour", want: bad},
		{route: "GET " + csvp, path: csvp + "?table=month&size=huge", want: bad},

		{route: "GET " + pol, path: pol, want: read},
		{route: "GET " + pol, path: pol + "?jurisdiction={foreign_jur}", want: readForeignJur},
		{route: "GET " + pol, path: pol + "?insurer_id={ins2}", want: readIns2},
		{route: "GET " + pol, path: pol + "?product_type=pet", want: bad},

		{route: "GET " + bl, path: bl + "?limit=500", want: statuses(403, bulReaders, 200), marker: `"id":{bul_own},`, see: cat(national, local)},
		{route: "GET " + bl, path: bl + "?limit=500", want: statuses(403, bulReaders, 200), marker: `"id":{bul_nat},`, see: national},
		{route: "GET " + bl, path: bl + "?limit=500", want: statuses(403, bulReaders, 200), marker: `"id":{bul_foreign},`, see: seeForeign},
		{route: "GET " + bl, path: bl + "?scope=national", want: statuses(403, bulReaders, 200), marker: `"id":{bul_nat},`, see: national},
		{route: "GET " + bl, path: bl + "?month=2026", want: statuses(403, bulReaders, 400)},

		{route: "GET " + bpdf, path: pdf("bul_own"), want: statuses(403, bulReaders, 200, foreign, 404), marker: "%PDF-", see: cat(national, local)},
		{route: "GET " + bpdf, path: pdf("bul_nat"), want: statuses(403, bulReaders, 200, local, 404, foreign, 404), marker: "%PDF-", see: national},
		{route: "GET " + bpdf, path: pdf("bul_foreign"), want: statuses(403, bulReaders, 200, local, 404), marker: "%PDF-", see: seeForeign},
		{route: "GET " + bpdf, path: "/api/v1/stats/bulletins/999999999/pdf", want: statuses(403, bulReaders, 404)},

		// Generating an existing bulletin returns it without rendering (no browser needed).
		{route: "POST " + bl, path: bl, body: `{"scope":"{stats_jur}","month":"{bul_month}"}`,
			want: statuses(403, cat(national, local), 200, []string{"op.auditor"}, 403), marker: `"id":{bul_own},`,
			see: []string{"op.admin", "miit.admin", "reg.admin", "reg.analyst"}},
		{route: "POST " + bl, path: bl, body: `{"scope":"{foreign_jur}","month":"{bul_month}"}`,
			want: statuses(403, []string{"op.admin", "miit.admin", "regx.admin"}, 200)},
		{route: "POST " + bl, path: bl, body: `{"scope":"national","month":"{bul_month}"}`,
			want: statuses(403, []string{"op.admin", "miit.admin"}, 200), marker: `"id":{bul_nat},`, see: []string{"op.admin", "miit.admin"}},
		{route: "POST " + bl, path: bl, body: `{"scope":"{stats_jur}","month":"2026-13"}`,
			want: statuses(403, cat(national, local), 400, []string{"op.auditor"}, 403)},
		{route: "POST " + bl, path: bl, body: `{"scope":"{stats_jur}","month":"{bul_month}","lang":"fr"}`,
			want: statuses(403, generators, 400, foreign, 403)},
	}
}

// exportEnv is a small pilot with the statistics warehouse built.
func exportEnv(t *testing.T, st *store.Store) *testEnv {
	e := newTestEnv(t, st, 120)
	if err := st.RefreshStats(sysCtx()); err != nil {
		t.Fatal(err)
	}
	return e
}

func openXLSX(t *testing.T, rec *httptest.ResponseRecorder) *excelize.File {
	t.Helper()
	if rec.Code != 200 {
		t.Fatalf("status %d: %.300s", rec.Code, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); ct != xlsxType {
		t.Fatalf("content type %q", ct)
	}
	if cd := rec.Header().Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment; filename=\"anbao-") || !strings.Contains(cd, ".xlsx") {
		t.Errorf("disposition %q", cd)
	}
	f, err := excelize.OpenReader(bytes.NewReader(rec.Body.Bytes()))
	if err != nil {
		t.Fatalf("open workbook: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestExportXLSX(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		e := exportEnv(t, st)
		o, err := st.StatsOverview(sysCtx(), anbao.StatsFilter{}, "zh-CN")
		if err != nil {
			t.Fatal(err)
		}
		f := openXLSX(t, e.as("miit.admin", "GET", "/api/v1/stats/export.xlsx", ""))
		want := "总览,按辖区,按行业,按规模,按产品类型,按保险机构,按月份,事件分级,事件类别"
		if got := strings.Join(f.GetSheetList(), ","); got != want {
			t.Fatalf("sheets %s, want %s", got, want)
		}
		// The overview: policies and premium as numbers, premium formatted #,##0.00.
		rows, _ := f.GetRows("总览", excelize.Options{RawCellValue: true})
		found := 0
		for i, r := range rows {
			for len(r) < 3 {
				r = append(r, "")
			}
			switch r[0] {
			case "承保保单数（企业险）":
				found++
				if r[1] != fmt.Sprint(o.Totals.Policies) {
					t.Errorf("policies %s, want %d", r[1], o.Totals.Policies)
				}
			case "保费（企业险）":
				found++
				if r[2] != strings.TrimSuffix(strings.TrimRight(export.FormatFen(o.Totals.Premium), "0"), ".") {
					t.Errorf("premium %s, want %s", r[2], export.FormatFen(o.Totals.Premium))
				}
				cell := fmt.Sprintf("C%d", i+1)
				if nf := cellFormat(t, f, "总览", cell); nf != export.FormatMoney {
					t.Errorf("premium format %q", nf)
				}
				if ct, _ := f.GetCellType("总览", cell); ct == excelize.CellTypeSharedString || ct == excelize.CellTypeInlineString {
					t.Error("premium stored as text")
				}
			}
		}
		if found != 2 || o.Totals.Policies == 0 {
			t.Fatalf("overview rows %v", rows)
		}
		// By jurisdiction: one row per breakdown row, its premium sums to the total, the loss ratio shown.
		jr, _ := f.GetRows("按辖区", excelize.Options{RawCellValue: true})
		if jr[0][0] != "辖区代码" || jr[0][len(jr[0])-1] != "赔付率" {
			t.Errorf("header %v", jr[0])
		}
		var jb *anbao.StatsBreakdown
		for i := range o.Breakdowns {
			if o.Breakdowns[i].Dim == anbao.DimJurisdiction {
				jb = &o.Breakdowns[i]
			}
		}
		if len(jr)-1 != len(jb.Rows) {
			t.Fatalf("%d jurisdiction rows, want %d", len(jr)-1, len(jb.Rows))
		}
		for i, r := range jb.Rows {
			if jr[i+1][0] != r.Key || jr[i+1][1] != r.Label || jr[i+1][2] != fmt.Sprint(r.Policies) {
				t.Errorf("row %d: %v, want %+v", i, jr[i+1], r)
			}
		}
		if nf := cellFormat(t, f, "按辖区", "E2"); nf != export.FormatMoney {
			t.Errorf("premium column format %q", nf)
		}
		if shown, _ := f.GetCellValue("按辖区", "E2"); !strings.Contains(shown, ".") {
			t.Errorf("premium shown %q", shown)
		}

		// In English, English sheet names.
		f = openXLSX(t, e.as("miit.admin", "GET", "/api/v1/stats/export.xlsx?lang=en", ""))
		if got := strings.Join(f.GetSheetList(), ","); !strings.HasPrefix(got, "Overview,By jurisdiction,") {
			t.Errorf("English sheets %s", got)
		}
		// An insurer: no loss ratio.
		f = openXLSX(t, e.as("ins1.admin", "GET", "/api/v1/stats/export.xlsx", ""))
		ir, _ := f.GetRows("按辖区")
		if strings.Contains(strings.Join(ir[0], ","), "赔付率") {
			t.Error("an insurer's export shows the loss ratio")
		}

		// The drill-down list: every policy of the filter, in the caller's scope.
		list, err := st.StatsPolicies(sysCtx(), anbao.StatsFilter{}, anbao.Page{Limit: 5})
		if err != nil {
			t.Fatal(err)
		}
		f = openXLSX(t, e.as("op.admin", "GET", "/api/v1/stats/policies/export.xlsx", ""))
		if got := f.GetSheetList(); len(got) != 1 || got[0] != "保单明细" {
			t.Fatalf("sheets %v", got)
		}
		pr, _ := f.GetRows("保单明细", excelize.Options{RawCellValue: true})
		if len(pr)-1 != list.Total {
			t.Fatalf("%d policy rows, want %d", len(pr)-1, list.Total)
		}
		p0 := list.Items[0]
		if pr[1][0] != p0.Number || pr[1][1] != fmt.Sprint(p0.Term) || pr[1][2] != p0.Insurer || pr[1][13] != fmt.Sprint(p0.Claims) {
			t.Errorf("first row %v, want %+v", pr[1], p0)
		}
		if nf := cellFormat(t, f, "保单明细", "L2"); nf != export.FormatMoney {
			t.Errorf("premium format %q", nf)
		}
		if nf := cellFormat(t, f, "保单明细", "I2"); nf != export.FormatDate {
			t.Errorf("inception format %q", nf)
		}
		if d, _ := f.GetCellValue("保单明细", "I2"); d != p0.Inception[:10] {
			t.Errorf("inception %q, want %s", d, p0.Inception)
		}
		// A local regulator: only its own jurisdiction's policies.
		var jur string
		st.RawDB().QueryRow("SELECT jurisdiction FROM organisations WHERE id = (SELECT org_id FROM users WHERE username = 'ent1.admin')").Scan(&jur)
		lt, err := st.StatsPolicies(sysCtx(), anbao.StatsFilter{Jurisdiction: jur}, anbao.Page{Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		f = openXLSX(t, e.as("reg"+jur+".admin", "GET", "/api/v1/stats/policies/export.xlsx", ""))
		pr, _ = f.GetRows("保单明细")
		if len(pr)-1 != lt.Total {
			t.Errorf("local regulator: %d rows, want %d", len(pr)-1, lt.Total)
		}
		for _, r := range pr[1:] {
			if r[4] != jurisdictionName(jur, "zh-CN") {
				t.Fatalf("row of another jurisdiction: %v", r)
			}
		}

		// The page routes serve the same downloads with a session cookie.
		for _, path := range []string{"/dashboard/export.xlsx?from=2024-01", "/dashboard/policies/export.xlsx?size=small"} {
			openXLSX(t, e.page("miit.admin", path))
		}
		if rec := e.page("ent1.admin", "/dashboard/export.xlsx"); rec.Code != http.StatusForbidden {
			t.Errorf("enterprise page download: %d", rec.Code)
		}
	})
}

// page sends a GET as a page request with the user's session cookie.
func (e *testEnv) page(user, path string) *httptest.ResponseRecorder {
	return e.raw("GET", path, "", map[string]string{"Cookie": sessionCookie + "=" + e.login(user).cookie})
}

func cellFormat(t *testing.T, f *excelize.File, sheet, cell string) string {
	t.Helper()
	id, err := f.GetCellStyle(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	s, err := f.GetStyle(id)
	if err != nil || s.CustomNumFmt == nil {
		return ""
	}
	return *s.CustomNumFmt
}

func TestExportCSV(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		e := exportEnv(t, st)
		o, err := st.StatsOverview(sysCtx(), anbao.StatsFilter{}, "zh-CN")
		if err != nil {
			t.Fatal(err)
		}
		for _, table := range exportTables {
			rec := e.as("miit.admin", "GET", "/api/v1/stats/export.csv?table="+table, "")
			if rec.Code != 200 || rec.Header().Get("Content-Type") != csvType {
				t.Fatalf("%s: %d %s %.200s", table, rec.Code, rec.Header().Get("Content-Type"), rec.Body)
			}
			if cd := rec.Header().Get("Content-Disposition"); !strings.Contains(cd, ".csv") || !strings.Contains(cd, "filename*=UTF-8''") {
				t.Errorf("%s disposition %q", table, cd)
			}
			body := rec.Body.String()
			if !strings.HasPrefix(body, export.BOM) {
				t.Fatalf("%s: no BOM", table)
			}
			recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, export.BOM))).ReadAll()
			if err != nil {
				t.Fatalf("%s: %v", table, err)
			}
			switch table {
			case "jurisdiction":
				var jb anbao.StatsBreakdown
				for _, b := range o.Breakdowns {
					if b.Dim == anbao.DimJurisdiction {
						jb = b
					}
				}
				if len(recs)-1 != len(jb.Rows) || recs[0][4] != "保费（元）" {
					t.Fatalf("jurisdiction csv %v", recs[0])
				}
				for i, r := range jb.Rows {
					if recs[i+1][0] != r.Key || recs[i+1][4] != export.FormatFen(r.Premium) {
						t.Errorf("row %d: %v, want %s %s", i, recs[i+1], r.Key, export.FormatFen(r.Premium))
					}
				}
			case "policies":
				l, _ := st.StatsPolicies(sysCtx(), anbao.StatsFilter{}, anbao.Page{Limit: 1})
				if len(recs)-1 != l.Total {
					t.Errorf("policies csv: %d rows, want %d", len(recs)-1, l.Total)
				}
			case "incidents_by_grade":
				if len(recs)-1 != len(o.IncidentsByGrade) || recs[0][2] != "数量" {
					t.Errorf("grades %v", recs)
				}
			}
		}
		// English titles.
		rec := e.as("miit.admin", "GET", "/api/v1/stats/export.csv?table=size&lang=en", "")
		if !strings.HasPrefix(rec.Body.String(), export.BOM+"Size,Name,Policies,") {
			t.Errorf("English csv %.100q", rec.Body.String())
		}
		// Bad input: a specific error.
		rec = e.as("miit.admin", "GET", "/api/v1/stats/export.csv?table=colour", "")
		if rec.Code != 400 || !strings.Contains(rec.Body.String(), `"field":"table"`) {
			t.Errorf("bad table: %d %s", rec.Code, rec.Body)
		}
		// The page route.
		rec = e.page("op.admin", "/dashboard/export.csv?table=product_type&from=2024-01")
		if rec.Code != 200 || !strings.HasPrefix(rec.Body.String(), export.BOM+"产品类型代码,") {
			t.Errorf("page csv: %d %.100q", rec.Code, rec.Body.String())
		}
	})
}

// requireBrowser reports whether a missing Chromium fails the test.
func requireBrowser() bool { return os.Getenv("ANBAO_REQUIRE_BROWSER") == "1" }

func TestExportBulletin(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		e := exportEnv(t, st)
		month := st.LastMonth()
		// The printable page, without a browser: title, figures and charts.
		doc, err := e.srv.bulletinHTML(sysCtx(), "", month, "zh-CN")
		if err != nil {
			t.Fatal(err)
		}
		o, err := st.StatsOverview(sysCtx(), anbao.StatsFilter{From: month, To: month}, "zh-CN")
		if err != nil {
			t.Fatal(err)
		}
		html := string(doc.HTML)
		title := bulletinTitle("", month, "zh-CN")
		for _, want := range []string{title, "<svg", "<path d=\"M", "<rect", groupDigits(o.Totals.Policies), fmtWan(o.Totals.Premium), "本月主要指标"} {
			if !strings.Contains(html, want) {
				t.Errorf("bulletin page lacks %q", want)
			}
		}
		if strings.Contains(html, "<script") {
			t.Error("bulletin page has a script")
		}
		if doc.Figures.Policies != o.Totals.Policies {
			t.Errorf("figures %+v", doc.Figures)
		}
		// The month's claims and paid are what happened in it (claims by
		// when they were opened, payments by when paid less recoveries by
		// when recorded, Beijing months), not the inception cohort's: a
		// month with payments in the demo, with plain SQL as the reference.
		payMonth := bulletinPayMonth(t, st, month)
		pa, pp := bulletinActual(t, st, payMonth), bulletinActual(t, st, addMonths(payMonth, -1))
		if pa.paid == 0 {
			t.Fatalf("no payment in %s", payMonth)
		}
		pdoc, err := e.srv.bulletinHTML(sysCtx(), "", payMonth, "zh-CN")
		if err != nil {
			t.Fatal(err)
		}
		ph := string(pdoc.HTML)
		for _, want := range []string{
			"<td>本月新报案件（件）</td><td>" + groupDigits(pa.opened) + "</td><td>" + groupDigits(pp.opened) + "</td>",
			"<td>本月赔付金额（扣除追偿，万元）</td><td>" + fmtWan(pa.paid) + "</td><td>" + fmtWan(pp.paid) + "</td>",
			"截至月末累计赔付（扣除追偿，万元）</div><div class=\"v\">" + fmtWan(pa.cumPaid) + "</div>",
			"截至月末累计报案（件）</div><div class=\"v\">" + groupDigits(pa.cumOpened) + "</div>",
		} {
			if !strings.Contains(ph, want) {
				t.Errorf("bulletin of %s lacks %q", payMonth, want)
			}
		}
		if pdoc.Figures.Claims != pa.opened || pdoc.Figures.PaidAmount != pa.paid {
			t.Errorf("figures of %s: %+v, want %d claims, %d paid", payMonth, pdoc.Figures, pa.opened, pa.paid)
		}
		t.Logf("%s: %+v (month before %+v)", payMonth, pa, pp)
		en, err := e.srv.bulletinHTML(sysCtx(), "32", month, "en")
		if err != nil {
			t.Fatal(err)
		}
		if want := "Cyber-insurance pilot bulletin: Jiangsu, "; !strings.Contains(string(en.HTML), want) || !strings.HasPrefix(en.Title, want) {
			t.Errorf("English bulletin title %q", en.Title)
		}

		// Generate now, as the national regulator.
		rec := e.as("miit.admin", "POST", "/api/v1/stats/bulletins", `{"scope":"national","month":"`+month+`"}`)
		if chromiumPath() == "" {
			if requireBrowser() {
				t.Fatal("chromium not found but ANBAO_REQUIRE_BROWSER=1")
			}
			if rec.Code != http.StatusServiceUnavailable {
				t.Errorf("without Chromium: %d %s", rec.Code, rec.Body)
			}
			t.Skip("no Chromium: PDF not checked")
		}
		if rec.Code != 200 {
			t.Fatalf("generate: %d %s", rec.Code, rec.Body)
		}
		b := decodeBody[store.Bulletin](t, rec)
		if b.Title != title || b.Scope != "" || b.Month != month || b.Origin != store.BulletinManual {
			t.Fatalf("bulletin %+v", b)
		}
		get := e.as("nfra.admin", "GET", fmt.Sprintf("/api/v1/stats/bulletins/%d/pdf", b.ID), "")
		if get.Code != 200 || get.Header().Get("Content-Type") != "application/pdf" || !strings.HasPrefix(get.Body.String(), "%PDF-") ||
			get.Header().Get("X-Content-SHA256") != b.SHA256 {
			t.Fatalf("pdf: %d %s", get.Code, get.Header())
		}
		if _, err := exec.LookPath("pdftotext"); err == nil {
			dir := os.Getenv("ANBAO_PDOC_KEEP") // set to a directory to keep the PDF for a look
			if dir == "" {
				dir = t.TempDir()
			}
			path := dir + "/bulletin-" + string(st.Engine()) + ".pdf"
			os.WriteFile(path, get.Body.Bytes(), 0o644)
			out, err := exec.Command("pdftotext", "-raw", path, "-").Output()
			if err != nil {
				t.Fatal(err)
			}
			wantAll(t, "bulletin", string(out), title, "本月主要指标", groupDigits(o.Totals.Policies), fmtWan(o.Totals.Premium))
			// The PDF of the month with payments shows its actual claims and paid.
			pout := out
			if payMonth != month {
				rec := e.as("miit.admin", "POST", "/api/v1/stats/bulletins", `{"scope":"national","month":"`+payMonth+`"}`)
				if rec.Code != 200 {
					t.Fatalf("generate %s: %d %s", payMonth, rec.Code, rec.Body)
				}
				pb := decodeBody[store.Bulletin](t, rec)
				got := e.as("nfra.admin", "GET", fmt.Sprintf("/api/v1/stats/bulletins/%d/pdf", pb.ID), "")
				ppath := dir + "/bulletin-" + string(st.Engine()) + "-" + payMonth + ".pdf"
				os.WriteFile(ppath, got.Body.Bytes(), 0o644)
				if pout, err = exec.Command("pdftotext", "-raw", ppath, "-").Output(); err != nil {
					t.Fatal(err)
				}
			}
			wantAll(t, "bulletin "+payMonth, string(pout),
				"本月新报案件（件） "+groupDigits(pa.opened)+" "+groupDigits(pp.opened),
				"本月赔付金额（扣除追偿，万元） "+fmtWan(pa.paid)+" "+fmtWan(pp.paid),
				fmtWan(pa.cumPaid))
		} else if requireBrowser() {
			t.Fatal("pdftotext not found but ANBAO_REQUIRE_BROWSER=1")
		}
		// Again: the same bulletin, nothing written.
		head := e.auditHead()
		again := decodeBody[store.Bulletin](t, e.as("miit.admin", "POST", "/api/v1/stats/bulletins", `{"scope":"national","month":"`+month+`"}`))
		if again.ID != b.ID || again.Version != 1 || e.auditHead() != head {
			t.Errorf("second generation: %+v", again)
		}

		// The schedule: every due scope of last month, once.
		e.srv.generateBulletins(t.Context())
		due, err := st.DueBulletins(sysCtx(), month)
		if err != nil {
			t.Fatal(err)
		}
		if len(due) != 0 {
			t.Errorf("still due after the scheduled run: %+v", due)
		}
		l, err := st.ListBulletins(sysCtx(), store.BulletinFilter{Month: month})
		if err != nil {
			t.Fatal(err)
		}
		sch, _ := st.BulletinSchedules(sysCtx())
		if l.Total != len(sch) {
			t.Errorf("%d bulletins for %d schedules", l.Total, len(sch))
		}
		head = e.auditHead()
		e.srv.generateBulletins(t.Context())
		if e.auditHead() != head {
			t.Error("a second scheduled run generated again")
		}

		// The pages: the list with its links, the download, the form.
		page := e.page("miit.admin", "/dashboard/bulletins")
		if page.Code != 200 || !strings.Contains(page.Body.String(), fmt.Sprintf("/dashboard/bulletins/%d.pdf", b.ID)) ||
			!strings.Contains(page.Body.String(), "bulletin-generate-form") {
			t.Fatalf("bulletins page: %d", page.Code)
		}
		if pdf := e.page("miit.admin", fmt.Sprintf("/dashboard/bulletins/%d.pdf", b.ID)); pdf.Code != 200 || !strings.HasPrefix(pdf.Body.String(), "%PDF-") {
			t.Errorf("page pdf: %d", pdf.Code)
		}
		if rec := e.page("miit.admin", fmt.Sprintf("/dashboard/bulletins/%d.txt", b.ID)); rec.Code != 404 {
			t.Errorf("not a pdf name: %d", rec.Code)
		}
		if rec := e.page("ins1.admin", "/dashboard/bulletins"); rec.Code != 403 {
			t.Errorf("insurer bulletins page: %d", rec.Code)
		}
		// A local regulator: its own only, and a form for its own jurisdiction.
		var jur string
		st.RawDB().QueryRow("SELECT jurisdiction FROM organisations WHERE id = (SELECT org_id FROM users WHERE username = 'ent1.admin')").Scan(&jur)
		local := e.page("reg"+jur+".admin", "/dashboard/bulletins")
		if local.Code != 200 || strings.Contains(local.Body.String(), fmt.Sprintf("/dashboard/bulletins/%d.pdf", b.ID)) {
			t.Errorf("local regulator sees the national bulletin: %d", local.Code)
		}
		if rec := e.page("reg"+jur+".admin", fmt.Sprintf("/dashboard/bulletins/%d.pdf", b.ID)); rec.Code != 404 {
			t.Errorf("local regulator downloads the national bulletin: %d", rec.Code)
		}
		// The form: a bad month is shown on the form; a good one redirects.
		s := e.login("reg" + jur + ".admin")
		form := url.Values{"csrf": {s.csrf}, "scope": {jur}, "month": {"2026-13"}, "lang": {"zh-CN"}}
		head = e.auditHead()
		rec = e.raw("POST", "/dashboard/bulletins", form.Encode(), map[string]string{"Cookie": sessionCookie + "=" + s.cookie,
			"Content-Type": "application/x-www-form-urlencoded"})
		if rec.Code != 400 || !strings.Contains(rec.Body.String(), "2026-13") || e.auditHead() != head {
			t.Errorf("bad month on the form: %d", rec.Code)
		}
		form.Set("month", month)
		rec = e.raw("POST", "/dashboard/bulletins", form.Encode(), map[string]string{"Cookie": sessionCookie + "=" + s.cookie,
			"Content-Type": "application/x-www-form-urlencoded"})
		if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/dashboard/bulletins?done=") {
			t.Errorf("generate on the form: %d %s", rec.Code, rec.Header().Get("Location"))
		}
	})
}

// bulletinFacts are a month's claims opened and paid (net of recoveries), and
// the paid and opened up to its end, by plain SQL over the Beijing month's
// UTC bounds.
type bulletinFacts struct{ opened, paid, cumOpened, cumPaid int64 }

func bulletinActual(t *testing.T, st *store.Store, month string) bulletinFacts {
	t.Helper()
	m, err := time.ParseInLocation("2006-01", month, anbao.Shanghai)
	if err != nil {
		t.Fatal(err)
	}
	start, end := anbao.FormatTime(m), anbao.FormatTime(m.AddDate(0, 1, 0))
	var f bulletinFacts
	var rec, cumRec int64
	for _, q := range []struct {
		sql string
		dst *int64
		all bool
	}{
		{"SELECT COUNT(*) FROM claims WHERE created_at >= $1 AND created_at < $2", &f.opened, false},
		{"SELECT COALESCE(SUM(amount), 0) FROM claim_payments WHERE paid_at >= $1 AND paid_at < $2", &f.paid, false},
		{"SELECT COALESCE(SUM(amount), 0) FROM claim_recoveries WHERE recorded_at >= $1 AND recorded_at < $2", &rec, false},
		{"SELECT COUNT(*) FROM claims WHERE created_at < $1", &f.cumOpened, true},
		{"SELECT COALESCE(SUM(amount), 0) FROM claim_payments WHERE paid_at < $1", &f.cumPaid, true},
		{"SELECT COALESCE(SUM(amount), 0) FROM claim_recoveries WHERE recorded_at < $1", &cumRec, true},
	} {
		args := []any{start, end}
		if q.all {
			args = []any{end}
		}
		if err := st.RawDB().QueryRow(q.sql, args...).Scan(q.dst); err != nil {
			t.Fatal(err)
		}
	}
	f.paid -= rec
	f.cumPaid -= cumRec
	return f
}

// bulletinPayMonth is the latest Beijing month up to last with a payment.
func bulletinPayMonth(t *testing.T, st *store.Store, last string) string {
	t.Helper()
	rows, err := st.RawDB().Query("SELECT paid_at FROM claim_payments")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	best := ""
	for rows.Next() {
		var at string
		if err := rows.Scan(&at); err != nil {
			t.Fatal(err)
		}
		v, err := anbao.ParseTime(at)
		if err != nil {
			t.Fatal(err)
		}
		if m := v.In(anbao.Shanghai).Format("2006-01"); m <= last && m > best {
			best = m
		}
	}
	if best == "" {
		t.Fatal("the demo has no payment")
	}
	return best
}

// Every message key of the bulletin pages and the exports is in both languages.
func TestExportI18n(t *testing.T) {
	keyRE := regexp.MustCompile(`"((?:bul|bulletin|export)\.[a-z0-9_.]+)"`)
	var keys []string
	for _, name := range []string{"bulletins.html", "bulletin_pdf.html"} {
		b, err := fs.ReadFile(ui.Templates(), "templates/"+name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range keyRE.FindAllStringSubmatch(string(b), -1) {
			keys = append(keys, m[1])
		}
	}
	for _, f := range []string{"exports.go", "bulletin.go", "../store/bulletin.go"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range keyRE.FindAllStringSubmatch(string(b), -1) {
			// Audit actions are names, not messages.
			audit := m[1] == "bulletin.generate" || m[1] == "bulletin.regenerate" || m[1] == "bulletin.schedule"
			if !audit && !strings.HasSuffix(m[1], ".") && !strings.HasSuffix(m[1], ".go") {
				keys = append(keys, m[1])
			}
		}
	}
	for _, o := range []string{store.BulletinScheduled, store.BulletinManual} {
		keys = append(keys, "bul.origin."+o)
	}
	keys = append(keys, "bul.done.generated", "bul.done.existing")
	for _, k := range keys {
		for _, l := range i18n.Languages {
			if !i18n.Has(l, k) {
				t.Errorf("%s has no %s message", k, l)
			}
		}
	}
	if len(keys) < 40 {
		t.Errorf("only %d keys found", len(keys))
	}
}
