package e2e

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The provider's path, in two browsers: the enterprise admin engages a
// provider with a written authorisation; the provider accepts, records a
// finding with a CVSS vector and a CVE, and signs the final report, which
// shows as verified; the enterprise marks the finding fixed; the provider
// verifies the fix.
func TestProviderJourney(t *testing.T) {
	base, st := startServerStore(t)
	var provID int64
	if err := st.RawDB().QueryRow(`SELECT org_id FROM users WHERE username = 'prov2.admin'`).Scan(&provID); err != nil {
		t.Fatal(err)
	}
	var entID int64
	if err := st.RawDB().QueryRow(`SELECT org_id FROM users WHERE username = 'ent1.admin'`).Scan(&entID); err != nil {
		t.Fatal(err)
	}
	ent := newBrowser(t)
	prov := newBrowser(t)
	login(t, ent, base, "ent1.admin")
	login(t, prov, base, "prov2.admin")

	end := time.Now().AddDate(0, 6, 0).Format("2006-01-02")
	do(t, ent, "engage prov2",
		chromedp.Navigate(base+"/engagements?enterprise="+strconv.FormatInt(entID, 10)),
		chromedp.WaitVisible(chromedp.ID("eng-form")),
		chromedp.SetValue(chromedp.ID("eng-provider"), strconv.FormatInt(provID, 10)),
		chromedp.SendKeys(chromedp.ID("eng-scope"), "官网与邮件系统"),
		chromedp.SetValue(chromedp.CSS(`#eng-form input[name="window_end"]`), end),
		chromedp.SendKeys(chromedp.ID("eng-auth"), "兹授权对官网与邮件系统开展渗透测试。"),
		chromedp.SendKeys(chromedp.ID("eng-authorised-by"), "张总"),
		chromedp.Click(chromedp.ID("eng-submit")),
		chromedp.WaitVisible(chromedp.ID("eng-status")),
	)
	engURL := eval[string](t, ent, `location.pathname`)
	if !strings.HasPrefix(engURL, "/engagements/") {
		t.Fatalf("after engaging: %s", engURL)
	}

	do(t, prov, "accept", chromedp.Navigate(base+engURL), chromedp.WaitVisible(chromedp.ID("eng-accept")),
		chromedp.Click(chromedp.ID("eng-accept")), chromedp.WaitVisible(chromedp.ID("finding-form")))
	do(t, prov, "record a finding",
		chromedp.SendKeys(chromedp.ID("finding-title"), "Apache Log4j2 远程代码执行"),
		chromedp.SendKeys(chromedp.ID("finding-asset"), "www.ent1.example.cn"),
		chromedp.SendKeys(chromedp.ID("finding-cvss"), "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H"),
		chromedp.SendKeys(chromedp.ID("finding-cve"), "CVE-2021-44228"),
		chromedp.Click(chromedp.ID("finding-submit")),
		chromedp.WaitVisible(chromedp.ID("finding-status")),
	)
	findingURL := eval[string](t, prov, `location.pathname`)
	do(t, prov, "sign the report", chromedp.Navigate(base+engURL), chromedp.WaitVisible(chromedp.ID("report-form")),
		chromedp.SendKeys(chromedp.ID("report-conclusion"), "存在一个严重漏洞（已知被利用），应立即修复。"),
		chromedp.Click(chromedp.ID("report-sign")), chromedp.WaitVisible(chromedp.ID("report-verified")))
	if text := text(t, prov, "#report-findings"); !strings.Contains(text, "CVE-2021-44228") || !strings.Contains(text, "KEV") {
		t.Errorf("report findings %q (the demo feeds list Log4Shell in KEV)", text)
	}

	do(t, ent, "mark the finding fixed", chromedp.Navigate(base+findingURL), chromedp.WaitVisible(chromedp.ID("resolve-form")),
		chromedp.SetValue(chromedp.ID("resolve-status"), "fixed"),
		chromedp.SendKeys(chromedp.ID("resolve-reason"), "已升级至 2.17.1"),
		chromedp.Click(chromedp.ID("resolve-submit")), chromedp.WaitVisible(chromedp.CSS(".alert-success")))
	if s := text(t, ent, "#finding-status"); s == "" {
		t.Fatal("no status after resolving")
	}
	do(t, prov, "verify the fix", chromedp.Navigate(base+findingURL), chromedp.WaitVisible(chromedp.ID("verify-form")),
		chromedp.SetValue(chromedp.ID("verify-decision"), "fixed"),
		chromedp.SendKeys(chromedp.ID("verify-reason"), "复测确认已修复"),
		chromedp.Click(chromedp.ID("verify-submit")), chromedp.WaitVisible(chromedp.CSS(".alert-success")))
	var status string
	if err := st.RawDB().QueryRow(`SELECT status FROM findings WHERE title = 'Apache Log4j2 远程代码执行'`).Scan(&status); err != nil || status != "fixed" {
		t.Errorf("finding status %q (%v), want fixed", status, err)
	}
}
