package server

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/anbao/anbao"
)

// TestUIEngagement walks the browser path without a browser: the enterprise
// engages a provider, the provider accepts and records a finding, the
// enterprise marks it fixed with evidence, the provider verifies it.
func TestUIEngagement(t *testing.T) {
	e := newUIEnv(t)
	ent := e.principal("ent1.admin").OrgID
	provP := e.principal("prov2.admin")
	if _, err := e.st.RawDB().Exec("UPDATE relationships SET ended_at = 'x' WHERE party_org_id = $1 AND enterprise_id = $2", provP.OrgID, ent); err != nil {
		t.Fatal(err)
	}
	eb, pb := e.as("ent1.admin"), e.as("prov2.admin")
	list := fmt.Sprintf("/engagements?enterprise=%d", ent)
	mustContain(t, eb.get(fmt.Sprintf("/enterprises/%d", ent)), `id="to-engagements"`)
	mustContain(t, eb.get(list), "专业评估委托", `id="eng-form"`, `name="provider_id"`)
	today := e.st.Now().In(anbao.Shanghai).Format("2006-01-02")
	fields := map[string]string{"enterprise_id": fmt.Sprint(ent), "provider_id": fmt.Sprint(provP.OrgID), "scope": "官网与办公网出口",
		"window_start": today, "window_end": e.st.Now().In(anbao.Shanghai).AddDate(0, 1, 0).Format("2006-01-02"),
		"authorisation_text": "兹授权贵司开展渗透测试，测试期间不得影响业务。", "authorised_by": "王五"}
	// A bad window is shown on the form, nothing written.
	bad := map[string]string{}
	for k, v := range fields {
		bad[k] = v
	}
	bad["window_end"] = "2001-01-01"
	rec := eb.upload(list, "/engagements", bad, "授权书.pdf", "%PDF-1.4\n%%EOF", false)
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "早于开始日期") {
		t.Fatalf("bad window: %d", rec.Code)
	}
	rec = eb.upload(list, "/engagements", fields, "授权书.pdf", "%PDF-1.4\n%%EOF", false)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("engage: %d %s", rec.Code, rec.Body)
	}
	engPath := rec.Header().Get("Location")
	mustContain(t, eb.get(engPath), "授权书.pdf", "待接受")
	mustContain(t, pb.get("/engagements"), engPath)
	rec = pb.post(engPath, engPath+"/step/accept", url.Values{"reason": {""}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("accept: %d %s", rec.Code, rec.Body)
	}
	mustContain(t, pb.get(engPath), `id="finding-form"`, "进行中")
	rec = pb.post(engPath, engPath+"/findings", url.Values{"type": {"vulnerability"}, "title": {"VPN 认证绕过"},
		"cvss_vector": {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:X"}, "cve": {"CVE-2024-3400"}})
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "A 的取值无效") {
		t.Fatalf("bad vector: %d", rec.Code)
	}
	rec = pb.post(engPath, engPath+"/findings", url.Values{"type": {"vulnerability"}, "title": {"VPN 认证绕过"},
		"cvss_vector": {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}, "cve": {"CVE-2024-3400"}, "internet_facing": {"on"}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("finding: %d %s", rec.Code, rec.Body)
	}
	fPath, _, _ := strings.Cut(rec.Header().Get("Location"), "?")
	mustContain(t, eb.get(engPath), "VPN 认证绕过", "严重", "9.8")
	mustContain(t, eb.get(fPath), `id="resolve-form"`, `id="dispute-form"`, "不能由企业单方豁免")
	rec = eb.upload(fPath, fPath+"/step/resolution", map[string]string{"status": "fixed", "reason": "已升级固件"}, "升级记录.txt", "11.1.2", false)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("resolve: %d %s", rec.Code, rec.Body)
	}
	mustContain(t, pb.get(fPath), "已修复待验证", `id="verify-form"`, "升级记录.txt")
	rec = pb.post(fPath, fPath+"/step/verify", url.Values{"decision": {"fixed"}, "reason": {"复测通过"}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("verify: %d %s", rec.Code, rec.Body)
	}
	page := eb.get(fPath)
	mustContain(t, page, `id="finding-status">已修复`, "复测通过", "已升级固件")
	if n := strings.Count(page.Body.String(), `class="history-row"`); n != 3 {
		t.Fatalf("history rows: %d", n)
	}
	// Another enterprise's admin and a foreign provider see nothing.
	if rec := e.as("prov3.admin").get(fPath); rec.Code != http.StatusNotFound {
		t.Fatalf("foreign provider: %d", rec.Code)
	}
}
