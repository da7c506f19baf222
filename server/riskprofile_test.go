package server

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/store"
	"github.com/anbao/anbao/store/storetest"
)

// riskProfileFixtures gives ent1 and the foreign enterprise one record of
// each kind, named so that the access matrix can tell whose it sees.
func (e *testEnv) riskProfileFixtures(f *fixtures) {
	t := e.t
	ctx := sysCtx()
	for _, who := range []struct{ key, label, ip string }{{"ent1", "矩阵", "198.51.100.21"}, {"foreign", "外部", "198.51.100.22"}} {
		idKey := who.key
		if who.key == "foreign" {
			idKey = "foreign_ent"
		}
		ent, err := strconv.ParseInt(f.vals[idKey], 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		m, err := e.st.CreateMLPSSystem(ctx, ent, store.MLPSSystemInput{Name: who.label + "定级系统", Level: 3})
		if err != nil {
			t.Fatal(err)
		}
		a, err := e.st.CreateAsset(ctx, ent, store.AssetInput{Kind: store.AssetIP, Value: who.ip})
		if err != nil {
			t.Fatal(err)
		}
		d, err := e.st.CreateDependency(ctx, ent, store.DependencyInput{Kind: store.DepCloudProvider, Name: who.label + "云",
			Service: "对象存储", Critical: true})
		if err != nil {
			t.Fatal(err)
		}
		rto := 24
		if _, err := e.st.SetDataHoldings(ctx, ent, store.DataHoldingsInput{PIRecords: store.PI100KTo1M, SensitivePI: true, RTOHours: &rto}); err != nil {
			t.Fatal(err)
		}
		f.vals[who.key+"_mlps"], f.vals[who.key+"_asset"], f.vals[who.key+"_dep"] = fmt.Sprint(m.ID), fmt.Sprint(a.ID), fmt.Sprint(d.ID)
	}
}

// send is as with a content type of the caller's choice (and extra headers).
func (e *testEnv) send(username, method, path, ctype, body string, hdr map[string]string) *httptest.ResponseRecorder {
	e.t.Helper()
	h := map[string]string{"Content-Type": ctype}
	for k, v := range hdr {
		h[k] = v
	}
	s := e.login(username)
	h["Cookie"] = sessionCookie + "=" + s.cookie
	h["X-CSRF-Token"] = s.csrf
	return e.raw(method, path, body, h)
}

func wantStatus(t *testing.T, rec *httptest.ResponseRecorder, status int, what string) {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("%s: status %d, want %d: %s", what, rec.Code, status, rec.Body)
	}
}

// Every endpoint of the risk profile, through the API, as the enterprise's member.
func TestRiskProfileAPI(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		e := newTestEnv(t, st, 40)
		ent := e.userOrg("ent1.member")
		base := "/api/v1/enterprises/" + ent
		u := "ent1.member"

		// MLPS systems.
		rec := e.as(u, "POST", base+"/mlps-systems", `{"name":"网上商城","level":3,"filing_number":"32050243001-19003",
			"last_evaluation_date":"2025-11-20","last_evaluation_result":"basically_conform"}`)
		wantStatus(t, rec, 201, "create MLPS system")
		m := decodeBody[store.MLPSSystem](t, rec)
		item := base + "/mlps-systems/" + fmt.Sprint(m.ID)
		wantStatus(t, e.as(u, "GET", item, ""), 200, "get MLPS system")
		rec = e.as(u, "PUT", item, `{"name":"网上商城","level":3,"last_evaluation_date":"2026-01-15","last_evaluation_result":"conform","version":1}`)
		wantStatus(t, rec, 200, "replace MLPS system")
		if m = decodeBody[store.MLPSSystem](t, rec); m.Version != 2 || m.FilingNumber != "" || m.LastEvaluationResult != store.MLPSConform {
			t.Errorf("replaced %+v", m)
		}
		wantStatus(t, e.as(u, "PUT", item, `{"name":"网上商城","level":3,"version":1}`), 409, "stale version")
		rec = e.as(u, "GET", base+"/mlps-systems?limit=1", "")
		wantStatus(t, rec, 200, "list MLPS systems")
		if l := decodeBody[ListResponse[*store.MLPSSystem]](t, rec); l.Total != 1 || l.Limit != 1 || l.Offset != 0 || len(l.Items) != 1 {
			t.Errorf("list %+v", l)
		}
		wantStatus(t, e.as(u, "DELETE", item+"?version=2", ""), 204, "delete MLPS system")
		wantStatus(t, e.as(u, "GET", item, ""), 404, "deleted MLPS system")

		// Assets.
		rec = e.as(u, "POST", base+"/assets", `{"kind":"software","value":"cpe:2.3:a:f5:nginx:*:*:*:*:*:*:*:*","software_version":"1.18.0","eol":true,"internet_facing":true}`)
		wantStatus(t, rec, 201, "create asset")
		a := decodeBody[store.Asset](t, rec)
		if a.Value != "cpe:2.3:a:f5:nginx:1.18.0:*:*:*:*:*:*:*" || !a.EOL {
			t.Errorf("asset %+v", a)
		}
		wantStatus(t, e.as(u, "POST", base+"/assets", `{"kind":"domain","value":"中文.中国"}`), 201, "create domain")
		rec = e.as(u, "GET", base+"/assets?kind=domain&q=xn--", "")
		wantStatus(t, rec, 200, "list assets")
		if l := decodeBody[ListResponse[*store.Asset]](t, rec); l.Total != 1 || l.Items[0].Value != "xn--fiq228c.xn--fiqs8s" {
			t.Errorf("domains %+v", l)
		}
		rec = e.as(u, "GET", base+"/assets?internet_facing=true", "")
		if l := decodeBody[ListResponse[*store.Asset]](t, rec); l.Total != 1 || l.Items[0].ID != a.ID {
			t.Errorf("internet-facing %+v", l)
		}
		item = base + "/assets/" + fmt.Sprint(a.ID)
		wantStatus(t, e.as(u, "GET", item, ""), 200, "get asset")
		rec = e.as(u, "PUT", item, `{"kind":"software","value":"cpe:2.3:a:f5:nginx:1.18.0:*:*:*:*:*:*:*","eol":false,"version":1}`)
		wantStatus(t, rec, 200, "replace asset")
		if a = decodeBody[store.Asset](t, rec); a.EOL || a.InternetFacing || a.SoftwareVersion != "1.18.0" || a.Version != 2 {
			t.Errorf("replaced %+v", a)
		}
		wantStatus(t, e.as(u, "DELETE", item, ""), 204, "delete asset")

		// Dependencies.
		rec = e.as(u, "POST", base+"/dependencies", `{"kind":"it_outsourcer","name":"某运维外包公司","service":"机房运维","critical":true}`)
		wantStatus(t, rec, 201, "create dependency")
		d := decodeBody[store.Dependency](t, rec)
		item = base + "/dependencies/" + fmt.Sprint(d.ID)
		wantStatus(t, e.as(u, "GET", item, ""), 200, "get dependency")
		wantStatus(t, e.as(u, "PUT", item, `{"kind":"it_outsourcer","name":"某运维外包公司","service":"机房运维","version":1}`), 200, "replace dependency")
		rec = e.as(u, "GET", base+"/dependencies", "")
		if l := decodeBody[ListResponse[*store.Dependency]](t, rec); l.Total != 1 || l.Items[0].Critical {
			t.Errorf("dependencies %+v", l)
		}
		wantStatus(t, e.as(u, "POST", base+"/dependencies", `{"kind":"it_outsourcer","name":"某运维外包公司","service":"机房运维"}`), 409, "same dependency twice")
		wantStatus(t, e.as(u, "DELETE", item+"?version=2", ""), 204, "delete dependency")

		// Data holdings.
		rec = e.as(u, "GET", base+"/data-holdings", "")
		if h := decodeBody[store.DataHoldings](t, rec); rec.Code != 200 || h.Version != 0 || h.PIRecords != "none" {
			t.Errorf("undeclared holdings %d %+v", rec.Code, h)
		}
		rec = e.as(u, "PUT", base+"/data-holdings", `{"pi_records":"1m_10m","sensitive_pi":true,"important_data":true,
			"cross_border":false,"rto_hours":12,"rpo_hours":null,"offline_backups":true}`)
		wantStatus(t, rec, 200, "declare holdings")
		if !strings.Contains(rec.Body.String(), `"rpo_hours":null`) || !strings.Contains(rec.Body.String(), `"rto_hours":12`) {
			t.Errorf("holdings body %s", rec.Body)
		}
		wantStatus(t, e.as(u, "PUT", base+"/data-holdings", `{"pi_records":"none","version":7}`), 409, "stale holdings")

		// Each change is in the audit log under the enterprise.
		rec = e.as("ent1.admin", "GET", "/api/v1/audit?org_id="+ent+"&limit=100", "")
		for _, act := range []string{"mlps_system.create", "mlps_system.update", "mlps_system.delete", "asset.create",
			"asset.update", "asset.delete", "dependency.create", "dependency.update", "dependency.delete", "data_holdings.set"} {
			if !strings.Contains(rec.Body.String(), `"action":"`+act+`"`) {
				t.Errorf("audit lacks %s", act)
			}
		}
	})
}

// Bad input on every write path gets a clear field error and writes nothing.
func TestRiskProfileAPIBadInput(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		e := newTestEnv(t, st, 40)
		ent := e.userOrg("ent1.admin")
		base := "/api/v1/enterprises/" + ent
		u := "ent1.admin"
		m := decodeBody[store.MLPSSystem](t, e.as(u, "POST", base+"/mlps-systems", `{"name":"办公系统","level":2}`))
		a := decodeBody[store.Asset](t, e.as(u, "POST", base+"/assets", `{"kind":"ip","value":"192.0.2.5"}`))
		d := decodeBody[store.Dependency](t, e.as(u, "POST", base+"/dependencies", `{"kind":"cloud_provider","name":"阿里云"}`))
		mItem, aItem, dItem := fmt.Sprintf("%s/mlps-systems/%d", base, m.ID), fmt.Sprintf("%s/assets/%d", base, a.ID),
			fmt.Sprintf("%s/dependencies/%d", base, d.ID)
		cases := []struct {
			method, path, body string
			status             int
			field, message     string // the message in Chinese (the API's default)
		}{
			{"POST", base + "/mlps-systems", `{"name":"系统","level":`, 400, "", "不是有效的 JSON"},
			{"POST", base + "/mlps-systems", `{"name":"系统","level":"三级"}`, 400, "level", "不是有效的 JSON"},
			{"POST", base + "/mlps-systems", `{"name":"系统","level":3,"grade":3}`, 400, "", "未知字段"},
			{"POST", base + "/mlps-systems", `{"name":"系","level":3}`, 400, "name", "系统名称"},
			{"POST", base + "/mlps-systems", `{"name":"系统","level":6}`, 400, "level", "第一级至第五级"},
			{"POST", base + "/mlps-systems", `{"name":"系统","level":3,"filing_number":"110108-43002"}`, 400, "filing_number", "备案编号"},
			{"POST", base + "/mlps-systems", `{"name":"系统","level":3,"last_evaluation_date":"2025-13-01","last_evaluation_result":"conform"}`, 400, "last_evaluation_date", "年-月-日"},
			{"POST", base + "/mlps-systems", `{"name":"系统","level":3,"last_evaluation_date":"2025-10-01"}`, 400, "last_evaluation_result", "同时填写"},
			{"POST", base + "/mlps-systems", `{"name":"系统","level":3,"last_evaluation_date":"2025-10-01","last_evaluation_result":"优"}`, 400, "last_evaluation_result", "测评结论"},
			{"POST", base + "/mlps-systems", `{"name":"办公系统","level":3}`, 409, "name", "已有名为"},
			{"PUT", mItem, `{"name":"办公系统","level":0}`, 400, "level", "第一级至第五级"},
			{"PUT", base + "/mlps-systems/999999", `{"name":"办公系统","level":2}`, 404, "", "不存在"},
			{"DELETE", mItem + "?version=-1", ``, 400, "version", "查询参数 version"},
			{"POST", base + "/assets", `{"kind":"domain","value":"exa_mple.com"}`, 400, "value", "不允许的字符"},
			{"POST", base + "/assets", `{"kind":"ip","value":"10.0.0.1/8"}`, 400, "value", "IPv4"},
			{"POST", base + "/assets", `{"kind":"cidr","value":"10.0.0.1/8"}`, 400, "value", "10.0.0.0/8"},
			{"POST", base + "/assets", `{"kind":"cloud_account","value":"aws:1"}`, 400, "value", "账号 ID"},
			{"POST", base + "/assets", `{"kind":"software","value":"cpe:2.3:a:vendor:prod uct:1:*:*:*:*:*:*:*"}`, 400, "value", "product"},
			{"POST", base + "/assets", `{"kind":"software","value":"cpe:2.3:a:f5:nginx:1.2:*:*:*:*:*:*:*","software_version":"1.3"}`, 400, "software_version", "不一致"},
			{"POST", base + "/assets", `{"kind":"ip","value":"192.0.2.6","eol":true}`, 400, "eol", "停止维护"},
			{"POST", base + "/assets", `{"kind":"vm","value":"x"}`, 400, "kind", "资产类型"},
			{"POST", base + "/assets", `{"kind":"ip","value":"192.0.2.5"}`, 409, "value", "已在清单中"},
			{"POST", base + "/assets", `{"kind":"ip","value":"192.0.2.7","note":"` + strings.Repeat("长", 501) + `"}`, 400, "note", "500"},
			{"PUT", aItem, `{"kind":"ip","value":"192.0.2.5","version":9}`, 409, "", "已被他人修改"},
			{"GET", base + "/assets?internet_facing=maybe", ``, 400, "internet_facing", "internet_facing"},
			{"GET", base + "/assets?limit=0", ``, 400, "limit", "limit"},
			{"GET", base + "/assets/abc", ``, 404, "", "不存在"},
			{"POST", base + "/dependencies", `{"kind":"bank","name":"某银行"}`, 400, "kind", "依赖类型"},
			{"POST", base + "/dependencies", `{"kind":"cloud_provider","name":"云"}`, 400, "name", "依赖方名称"},
			{"POST", base + "/dependencies", `{"kind":"cloud_provider","name":"腾讯云","service":"` + strings.Repeat("服", 101) + `"}`, 400, "service", "100"},
			{"PUT", dItem, `{"kind":"cloud_provider","name":"阿里云","critical":"yes"}`, 400, "critical", "不是有效的 JSON"},
			{"PUT", base + "/data-holdings", `{"pi_records":"many"}`, 400, "pi_records", "区间"},
			{"PUT", base + "/data-holdings", `{"pi_records":"none","sensitive_pi":true}`, 400, "sensitive_pi", "敏感个人信息"},
			{"PUT", base + "/data-holdings", `{"pi_records":"lt_10k","rto_hours":-1}`, 400, "rto_hours", "8760"},
			{"PUT", base + "/data-holdings", `{"pi_records":"lt_10k","rpo_hours":1.5}`, 400, "rpo_hours", "不是有效的 JSON"},
			{"POST", base + "/assets/import?dry_run=perhaps", `[]`, 400, "dry_run", "dry_run"},
			{"POST", base + "/assets/import", `{"kind":"ip"}`, 400, "file", "对象数组"},
			{"POST", base + "/assets/import", `[]`, 400, "file", "没有资产行"},
		}
		counts := func() string {
			var n [4]int64
			for i, tbl := range []string{"mlps_systems", "assets", "dependencies", "data_holdings"} {
				st.RawDB().QueryRow("SELECT COUNT(*) FROM " + tbl).Scan(&n[i])
			}
			return fmt.Sprint(n)
		}
		before, head := counts(), e.auditHead()
		for _, c := range cases {
			rec := e.as(u, c.method, c.path, c.body)
			body := decodeBody[ErrorBody](t, rec)
			if rec.Code != c.status || body.Field != c.field || !strings.Contains(body.Message, c.message) {
				t.Errorf("%s %s %.80s: %d %+v; want %d field %q message with %q", c.method, c.path, c.body, rec.Code, body, c.status, c.field, c.message)
			}
		}
		// Import faults of the request itself.
		for _, c := range []struct {
			ctype, body string
			status      int
			message     string
		}{
			{"text/plain", "kind,value\nip,192.0.2.1\n", 400, "text/csv"},
			{"", "kind,value\nip,192.0.2.1\n", 400, "text/csv"},
			{"text/csv; charset=utf-8", "kind,value,owner\nip,192.0.2.1,x\n", 400, "未知的列"},
			{"text/csv", "kind,value\nip,192.0.2.1,\xb9\xd9\n", 400, "UTF-8"},
			{"text/csv", "kind,value,note\n" + strings.Repeat("ip,192.0.2.1,"+strings.Repeat("x", 1000)+"\n", 1100), 413, "过大"},
			{"text/csv", "kind,value\n" + strings.Repeat("ip,192.0.2.1\n", store.ImportMaxRows+1), 400, "10000"},
		} {
			rec := e.send(u, "POST", base+"/assets/import", c.ctype, c.body, nil)
			if body := decodeBody[ErrorBody](t, rec); rec.Code != c.status || !strings.Contains(body.Message, c.message) {
				t.Errorf("import %q %.40q: %d %+v, want %d %q", c.ctype, c.body, rec.Code, body, c.status, c.message)
			}
		}
		if after := counts(); after != before || e.auditHead() != head {
			t.Errorf("bad input wrote: rows %s → %s, audit %d → %d", before, after, head, e.auditHead())
		}
	})
}

// The import's per-row report, in the caller's language; a dry run writes nothing.
func TestRiskProfileImportAPI(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		e := newTestEnv(t, st, 40)
		ent := e.userOrg("ent1.admin")
		path := "/api/v1/enterprises/" + ent + "/assets/import"
		csv := "\ufeffkind,value,version,eol,internet_facing,note\r\n" +
			"domain,portal.example.cn,,,true,门户\r\n" +
			"ip,300.1.1.1,,,,\r\n" +
			"software,cpe:2.3:a:microsoft:windows_server_2012:-:*:*:*:*:*:*:*,,true,,\r\n"
		e.login("ent1.admin") // the login is audited
		head := e.auditHead()
		rec := e.send("ent1.admin", "POST", path+"?dry_run=true", "text/csv", csv, nil)
		wantStatus(t, rec, 200, "dry run")
		rep := decodeBody[store.ImportReport](t, rec)
		if !rep.DryRun || rep.Created != 2 || rep.Rejected != 1 || e.auditHead() != head {
			t.Fatalf("dry run %+v (audit %d → %d)", rep, head, e.auditHead())
		}
		bad := rep.Items[1]
		if bad.Row != 3 || bad.Accepted || bad.Key != "rp.ip.invalid" || bad.Field != "value" || !strings.Contains(bad.Message, "不是有效的 IPv4") {
			t.Errorf("rejected row %+v", bad)
		}
		rec = e.send("ent1.admin", "POST", path, "text/csv", csv, map[string]string{"Accept-Language": "en"})
		wantStatus(t, rec, 200, "import")
		rep = decodeBody[store.ImportReport](t, rec)
		if rep.DryRun || rep.Created != 2 || rep.Items[1].Message != `"300.1.1.1" is not a valid IPv4 or IPv6 address` {
			t.Errorf("import %+v", rep)
		}
		list := decodeBody[ListResponse[*store.Asset]](t, e.as("ent1.admin", "GET", "/api/v1/enterprises/"+ent+"/assets", ""))
		if list.Total != 2 {
			t.Errorf("assets after import: %+v", list)
		}
		// JSON, and a retry with the same Idempotency-Key has one effect.
		body := `[{"kind":"cidr","value":"198.51.100.0/24","internet_facing":true},{"kind":"ip","value":"198.51.100.300"}]`
		hdr := map[string]string{"Idempotency-Key": "import-1"}
		first := e.send("ent1.admin", "POST", path, "application/json", body, hdr)
		again := e.send("ent1.admin", "POST", path, "application/json", body, hdr)
		if first.Code != 200 || again.Code != 200 || again.Header().Get("Idempotent-Replayed") != "true" || first.Body.String() != again.Body.String() {
			t.Errorf("idempotent import: %d %d %q", first.Code, again.Code, again.Header().Get("Idempotent-Replayed"))
		}
		if r := decodeBody[store.ImportReport](t, first); r.Created != 1 || r.Rejected != 1 || r.Items[1].Field != "value" {
			t.Errorf("JSON import %+v", r)
		}
	})
}

// A read-scoped API token reads the profile but cannot change it.
func TestRiskProfileReadToken(t *testing.T) {
	e := newTestEnv(t, storetest.Open(t, store.SQLite), 30)
	ent := e.userOrg("ent1.admin")
	tok := decodeBody[TokenCreated](t, e.as("ent1.admin", "POST", "/api/v1/tokens", `{"name":"reader","scopes":["read"],"expires_in_days":1}`))
	bearer := map[string]string{"Authorization": "Bearer " + tok.Token}
	if rec := e.raw("GET", "/api/v1/enterprises/"+ent+"/assets", "", bearer); rec.Code != 200 {
		t.Errorf("read with a read token: %d", rec.Code)
	}
	bearer["Content-Type"] = "application/json"
	if rec := e.raw("POST", "/api/v1/enterprises/"+ent+"/assets", `{"kind":"ip","value":"192.0.2.1"}`, bearer); rec.Code != http.StatusForbidden {
		t.Errorf("write with a read token: %d %s", rec.Code, rec.Body)
	}
}

// The catalogue names every value the profile's enumerations can take.
func TestRiskProfileCatalogue(t *testing.T) {
	var keys []string
	for _, r := range store.MLPSResults {
		keys = append(keys, "ui.rp.result."+string(r))
	}
	for _, k := range store.AssetKinds {
		keys = append(keys, "ui.rp.asset_kind."+string(k))
	}
	for _, k := range store.DependencyKinds {
		keys = append(keys, "ui.rp.dep_kind."+string(k))
	}
	for _, b := range store.PIBands {
		keys = append(keys, "ui.rp.band."+string(b))
	}
	for _, s := range []string{store.ImportCreated, store.ImportUpdated, store.ImportUnchanged, store.ImportRejected} {
		keys = append(keys, "ui.rp.import.status."+s)
	}
	for l := 1; l <= 5; l++ {
		keys = append(keys, fmt.Sprintf("ui.rp.level.%d", l))
	}
	for _, k := range keys {
		p := &uiPage{Lang: "en"}
		zh := &uiPage{Lang: "zh-CN"}
		if p.T(k) == k || zh.T(k) == k {
			t.Errorf("missing %s", k)
		}
	}
	_ = anbao.Version
}
