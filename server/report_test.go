package server

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/anbao/anbao/demo"
	"github.com/anbao/anbao/store"
)

// The provider signs the report from the engagement page; the report page
// shows it verified; the PDF carries the Chinese text (when Chromium is here;
// ANBAO_REQUIRE_BROWSER=1 makes its absence a failure).
func TestReportPages(t *testing.T) {
	e := newUIEnv(t)
	p := demo.Generate(1, 60)
	if err := e.st.LoadDemoAssessments(uiSys(), p, demo.GenerateAssessments(p, 1)); err != nil {
		t.Fatal(err)
	}
	var eid, prov int64
	if err := e.st.RawDB().QueryRow(`SELECT e.id, e.provider_id FROM engagements e
		WHERE EXISTS (SELECT 1 FROM findings f WHERE f.engagement_id = e.id) ORDER BY e.id LIMIT 1`).Scan(&eid, &prov); err != nil {
		t.Fatal(err)
	}
	var admin string
	if err := e.st.RawDB().QueryRow("SELECT username FROM users WHERE org_id = $1 AND roles LIKE '%admin%'", prov).Scan(&admin); err != nil {
		t.Fatal(err)
	}
	b := e.as(admin)
	page := fmt.Sprintf("/engagements/%d", eid)
	if rec := b.get(page); rec.Code != 200 || !strings.Contains(rec.Body.String(), `id="report-form"`) {
		t.Fatalf("engagement page: %d (no signing form)", rec.Code)
	}
	rec := b.post(page, page+"/report", url.Values{"conclusion": {"整体风险中等：存在已知被利用漏洞，应在 7 天内修复。"}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("sign: %d %.300s", rec.Code, rec.Body)
	}
	loc := rec.Header().Get("Location")
	rec = b.get(loc)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `id="report-verified"`) || !strings.Contains(rec.Body.String(), "整体风险中等") {
		t.Fatalf("report page: %d", rec.Code)
	}
	if _, err := e.st.RawDB().Exec("UPDATE reports SET payload = REPLACE(payload, '中等', '很低')"); err != nil {
		t.Fatal(err)
	}
	if rec := b.get(loc); !strings.Contains(rec.Body.String(), `id="report-unverified"`) {
		t.Error("an altered report is shown as verified")
	}
	if chromiumPath() == "" {
		if os.Getenv("ANBAO_REQUIRE_BROWSER") == "1" {
			t.Fatal("chromium not found but ANBAO_REQUIRE_BROWSER=1")
		}
		if rec := b.get(loc + "/pdf"); rec.Code != http.StatusServiceUnavailable {
			t.Errorf("PDF without Chromium: %d, want 503", rec.Code)
		}
		return
	}
	rec = b.get(loc + "/pdf")
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/pdf" || !strings.HasPrefix(rec.Body.String(), "%PDF") {
		t.Fatalf("pdf: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("ANBAO_REQUIRE_BROWSER") == "1" {
			t.Fatal("pdftotext not found but ANBAO_REQUIRE_BROWSER=1")
		}
		return
	}
	f := t.TempDir() + "/r.pdf"
	os.WriteFile(f, rec.Body.Bytes(), 0o644)
	out, err := exec.Command("pdftotext", f, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	if text := string(out); !strings.Contains(text, "网络安全评估报告") || !strings.Contains(text, "签名验证未通过") {
		t.Errorf("the PDF's text lacks the Chinese title or the verification state:\n%.500s", text)
	}
	_ = store.Report{}
}
