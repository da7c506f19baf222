package server

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/store"
)

// hxPost posts a form as htmx does: with the HX headers and the page's token.
func (b *uiBrowser) hxPost(from, path string, form url.Values) *httptest.ResponseRecorder {
	b.e.t.Helper()
	form.Set("csrf", csrfOf(b.e.t, b.get(from).Body.String()))
	return b.do("POST", path, form, map[string]string{"HX-Request": "true", "HX-Current-URL": "http://127.0.0.1" + from})
}

// upload posts a multipart form with one file, as the import form does.
func (b *uiBrowser) upload(from, path string, fields map[string]string, name, content string, hx bool) *httptest.ResponseRecorder {
	b.e.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	w.WriteField("csrf", csrfOf(b.e.t, b.get(from).Body.String()))
	for k, v := range fields {
		w.WriteField(k, v)
	}
	fw, _ := w.CreateFormFile("file", name)
	fw.Write([]byte(content))
	w.Close()
	req := httptest.NewRequest("POST", path, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	if hx {
		req.Header.Set("HX-Request", "true")
	}
	req.RemoteAddr = "192.0.2.10:50000"
	for k, v := range b.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	rec := httptest.NewRecorder()
	b.e.h.ServeHTTP(rec, req)
	return rec
}

func (e *uiEnv) assets(ent int64) *store.ItemList[*store.Asset] {
	e.t.Helper()
	l, err := e.st.ListAssets(uiSys(), ent, store.AssetFilter{Page: anbao.Page{Limit: anbao.MaxPageLimit}})
	if err != nil {
		e.t.Fatal(err)
	}
	return l
}

func TestUIRiskProfile(t *testing.T) {
	e := newUIEnv(t)
	ent := e.principal("ent1.admin").OrgID
	page := fmt.Sprintf("/enterprises/%d/risk-profile", ent)
	b := e.as("ent1.admin")

	// The enterprise page links to the profile, which shows its sections and forms.
	mustContain(t, b.get(fmt.Sprintf("/enterprises/%d", ent)), `id="to-riskprofile"`, `href="`+page+`"`)
	rec := b.get(page)
	if rec.Code != 200 {
		t.Fatalf("page: %d", rec.Code)
	}
	mustContain(t, rec, "风险画像", `id="rp-mlps"`, `id="rp-assets"`, `id="rp-deps"`, `id="rp-holdings"`, `id="rp-import"`,
		`hx-post="`+page+`/mlps"`, "尚未登记定级系统", "尚未填报")
	if body := rec.Body.String(); strings.Contains(body, " style=") || strings.Contains(body, "<script>") || strings.Contains(body, " onclick=") {
		t.Error("inline style or script, which the CSP blocks")
	}

	// A plain form post adds a system and returns to the page.
	rec = b.post(page, page+"/mlps", url.Values{"name": {"网上商城"}, "level": {"3"}, "filing_number": {"32050243001-19003"},
		"last_evaluation_date": {"2025-11-20"}, "last_evaluation_result": {"basically_conform"}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != page+"?ok=saved#rp-mlps" {
		t.Fatalf("add system: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	mustContain(t, b.get(page+"?ok=saved"), "已保存", "网上商城", "第三级", "32050243001-19003", "基本符合")
	// A refused one shows the page again with the error beside the field and the typed values.
	seq := e.auditSeq()
	rec = b.post(page, page+"/mlps", url.Values{"name": {"办公系统"}, "level": {"3"}, "filing_number": {"1234"}})
	if rec.Code != http.StatusBadRequest {
		t.Fatalf("bad system: %d", rec.Code)
	}
	mustContain(t, rec, `id="mlps-new-filing_number"`, `aria-invalid="true"`, esc("备案编号“1234”格式不符"), `value="办公系统"`)
	if e.auditSeq() != seq {
		t.Error("a refused form wrote")
	}

	// With htmx the answer is the section alone, with a refusal in place (status 200 so that htmx swaps it).
	rec = b.hxPost(page, page+"/assets", url.Values{"kind": {"domain"}, "value": {"Shop.Example.CN"}, "internet_facing": {"on"}, "note": {"商城"}})
	if rec.Code != 200 || strings.Contains(rec.Body.String(), "<html") {
		t.Fatalf("htmx add asset: %d %.300s", rec.Code, rec.Body)
	}
	mustContain(t, rec, `id="rp-assets"`, "shop.example.cn", "已保存")
	rec = b.hxPost(page, page+"/assets", url.Values{"kind": {"ip"}, "value": {"999.1.1.1"}})
	mustContain(t, rec, `id="rp-assets"`, esc("“999.1.1.1”不是有效的 IPv4 或 IPv6 地址"), `value="999.1.1.1"`)
	l := e.assets(ent)
	if l.Total != 1 {
		t.Fatalf("assets %+v", l.Items)
	}
	a := l.Items[0]
	// Edit, then delete, the asset.
	rec = b.hxPost(page, fmt.Sprintf("%s/assets/%d", page, a.ID), url.Values{"kind": {"domain"}, "value": {"shop.example.cn"},
		"note": {"已下线"}, "version": {"1"}})
	mustContain(t, rec, "已下线")
	if a2 := e.assets(ent).Items[0]; a2.InternetFacing || a2.Version != 2 {
		t.Errorf("edited %+v", a2)
	}
	rec = b.hxPost(page, fmt.Sprintf("%s/assets/%d", page, a.ID), url.Values{"kind": {"domain"}, "value": {"shop.example.cn"}, "version": {"1"}})
	mustContain(t, rec, esc("记录已被他人修改"))
	rec = b.hxPost(page, fmt.Sprintf("%s/assets/%d/delete", page, a.ID), url.Values{"version": {"2"}})
	mustContain(t, rec, "没有符合条件的资产")

	// Dependencies and data holdings.
	rec = b.post(page, page+"/dependencies", url.Values{"kind": {"cloud_provider"}, "name": {"阿里云"}, "service": {"ECS"}, "critical": {"on"}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("add dependency: %d %.500s", rec.Code, rec.Body)
	}
	rec = b.post(page, page+"/data-holdings", url.Values{"pi_records": {"100k_1m"}, "sensitive_pi": {"on"}, "rto_hours": {"24"},
		"rpo_hours": {""}, "offline_backups": {"on"}, "version": {"0"}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("holdings: %d %.500s", rec.Code, rec.Body)
	}
	seq = e.auditSeq()
	rec = b.hxPost(page, page+"/dependencies", url.Values{"kind": {"bank"}, "name": {"某银行"}})
	mustContain(t, rec, `id="rp-deps"`, esc("依赖类型“bank”无效"), `value="某银行"`)
	if e.auditSeq() != seq {
		t.Error("a refused dependency wrote")
	}
	h, err := e.st.GetDataHoldings(uiSys(), ent)
	if err != nil || h.Version != 1 || h.PIRecords != store.PI100KTo1M || *h.RTOHours != 24 || h.RPOHours != nil || !h.OfflineBackups {
		t.Errorf("holdings %+v %v", h, err)
	}
	rec = b.hxPost(page, page+"/data-holdings", url.Values{"pi_records": {"none"}, "sensitive_pi": {"on"}, "rto_hours": {"一天"}, "version": {"1"}})
	mustContain(t, rec, `id="rp-holdings"`, "请输入整数")

	// Import: pasted text with a dry run reports and writes nothing; an uploaded file writes.
	csv := "kind,value,version,eol,internet_facing,note\nip,203.0.113.10,,,true,\nip,203.0.113.999,,,,\n"
	before := e.auditSeq()
	rec = b.post(page, page+"/import", url.Values{"text": {csv}, "dry_run": {"on"}})
	mustContain(t, rec, `id="rp-import-rows"`, "试运行", "共 2 行：新增 1", "rp-import-rejected", esc("“203.0.113.999”不是有效的"))
	if e.auditSeq() != before || e.assets(ent).Total != 0 {
		t.Error("a dry run wrote")
	}
	rec = b.upload(page, page+"/import", nil, "assets.csv", csv, true)
	if rec.Code != 200 || strings.Contains(rec.Body.String(), "<html") {
		t.Fatalf("htmx upload: %d %.300s", rec.Code, rec.Body)
	}
	// The report, and the assets section swapped out of band.
	mustContain(t, rec, `id="rp-import"`, "新增 1", `id="rp-assets" hx-swap-oob="true"`, "203.0.113.10")
	if e.assets(ent).Total != 1 {
		t.Error("upload wrote nothing")
	}
	rec = b.upload(page, page+"/import", nil, "assets.json", `{"kind":"ip"}`, true)
	mustContain(t, rec, esc("JSON 导入应为对象数组"))
	mustContain(t, b.post(page, page+"/import", url.Values{"text": {""}}), "请选择文件或粘贴内容")

	// Readers see the profile without forms; others are refused.
	ins := e.as("ins1.uw")
	rec = ins.get(page)
	if rec.Code != 200 || strings.Contains(rec.Body.String(), "hx-post") {
		t.Errorf("insurer view: %d, forms shown: %v", rec.Code, strings.Contains(rec.Body.String(), "hx-post"))
	}
	mustContain(t, rec, "只读", "阿里云", "10 万至 100 万人", "<dd>24</dd>", "<dd>未知</dd>")
	form := url.Values{"kind": {"ip"}, "value": {"192.0.2.1"}, "csrf": {csrfOf(t, rec.Body.String())}}
	if rec := ins.do("POST", page+"/assets", form, nil); rec.Code != http.StatusForbidden {
		t.Errorf("insurer write: %d", rec.Code)
	}
	if rec := e.as("op.expert").get(page); rec.Code != http.StatusForbidden {
		t.Errorf("expert reviewer: %d", rec.Code)
	}
	if rec := e.as("ent2.admin").get(page); rec.Code != http.StatusNotFound {
		t.Errorf("another enterprise: %d", rec.Code)
	}
	// A bad filter is shown as such, not as a failure of the page.
	rec = b.get(page + "?kind=printer&offset=x")
	if rec.Code != http.StatusBadRequest {
		t.Errorf("bad filter: %d", rec.Code)
	}
	mustContain(t, rec, esc("资产类型“printer”无效"), `id="rp-mlps"`)
	// English.
	mustContain(t, b.get(page+"?lang=en"), "Risk profile", "MLPS (等保) systems", "Basically conform (基本符合)")
}
