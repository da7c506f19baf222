package server

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/cover"
	"github.com/anbao/anbao/rating"
	"github.com/anbao/anbao/store"
	"github.com/anbao/anbao/store/storetest"
)

// policyDocFixture is what boundPolicy made, with the texts its documents must show.
type policyDocFixture struct {
	Policy       *store.Policy
	RegNo        string
	ClauseTitle  string
	ClauseText   string
	ProviderName string
	Subsidy      string
	Members      []*store.PolicyMember // park master policies
}

// pdocSeq keeps product codes apart when one test binds several policies.
var pdocSeq int

// boundPolicy binds, through the store, a policy of insurer ins for
// enterprise ent (kind standard or park_master) on a product of its own with
// an exclusion clause, an approved provider (prov1), business interruption
// and services in kind; it endorses the policy once and records a subsidy.
// A park master policy gets the enterprises members as members.
func (e *testEnv) boundPolicy(t *testing.T, ins, ent int64, kind string, members ...int64) (int64, *policyDocFixture) {
	t.Helper()
	insCtx := actAs(ins, anbao.KindInsurer, anbao.RoleUnderwriter)
	entCtx := actAs(ent, anbao.KindEnterprise, anbao.RoleAdmin)
	prov := mustID(t, e.userOrg("prov1.admin"))
	provOrg, err := e.st.GetOrganisation(sysCtx(), prov)
	if err != nil {
		t.Fatal(err)
	}
	fx := &policyDocFixture{RegNo: "C00010830612020012322442", ClauseTitle: "国家支持的网络攻击除外", ProviderName: provOrg.NameZH,
		ClauseText: "因任何国家或者受国家指使的组织实施的网络攻击行为所致的损失、费用和责任，保险人不负责赔偿。"}
	cl, err := e.st.AddClause(insCtx, store.ClauseInput{Code: "pdoc_state_attack", TitleZH: fx.ClauseTitle,
		TitleEN: "State-sponsored attacks", TextZH: fx.ClauseText,
		TextEN: "Loss, costs or liability caused by a cyber attack by or on behalf of any state are not covered."})
	if err != nil {
		t.Fatal(err)
	}
	def := *rating.SeedDefinition()
	def.Coverages = append([]cover.Coverage(nil), def.Coverages...)
	for i := range def.Coverages {
		if c := &def.Coverages[i]; c.Code == cover.CovBusinessInterruption {
			c.WaitingHours, c.WaitingMode, c.IndemnityDays, c.CoinsuranceBP = 12, cover.WaitTrigger, 120, 1000
		}
	}
	def.Exclusions = []cover.ClauseRef{{Code: cl.Code, Version: cl.Version}}
	def.Providers = []int64{prov}
	cfg := rating.SeedConfig()
	cfg.Envelope = rating.Envelope{}
	pdocSeq++
	pr, err := e.st.CreateProduct(insCtx, store.ProductInput{Code: fmt.Sprintf("PDOC-%d", pdocSeq), NameZH: "网络安全综合保险（文档测试）",
		NameEN:              "Combined cyber insurance (document test)",
		ProductVersionInput: store.ProductVersionInput{RegistrationNo: fx.RegNo, Definition: def, Rating: *cfg}})
	if err != nil {
		t.Fatal(err)
	}
	if pr, err = e.st.PublishProduct(insCtx, pr.ID, 0); err != nil {
		t.Fatal(err)
	}
	today := e.st.Now().In(anbao.Shanghai)
	inception := today.AddDate(0, 0, 1).Format(time.DateOnly)
	req, err := e.st.RequestQuotes(entCtx, ent, store.QuoteRequestInput{Products: []int64{pr.ID}, Kind: kind,
		Options:       []store.QuoteOption{{Limit: 1_000_000_00, Retention: 1_000_000}},
		InceptionDate: inception, RetroDate: today.AddDate(-1, 0, 0).Format(time.DateOnly)})
	if err != nil {
		t.Fatal(err)
	}
	q, err := e.st.RequestBind(entCtx, req.Quotes[0].ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range q.Contingencies {
		if c.Kind == cover.PreBind {
			if q, err = e.st.ResolveContingency(insCtx, q.ID, c.ID, store.ContSatisfied, "已收到"); err != nil {
				t.Fatal(err)
			}
		}
	}
	pol, err := e.st.BindQuote(insCtx, q.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.Endorse(insCtx, pol.ID, store.EndorseInput{EffectiveDate: today.AddDate(0, 2, 0).Format(time.DateOnly),
		Limit: 2_000_000_00, Retention: 1_000_000, Note: "提高累计赔偿限额"}); err != nil {
		t.Fatal(err)
	}
	o, err := e.st.GetOrganisation(sysCtx(), ent)
	if err != nil {
		t.Fatal(err)
	}
	fx.Subsidy = "网络安全保险保费补贴实施细则（文档测试〔2026〕1号）"
	if _, err := e.st.AddSubsidy(insCtx, pol.ID, store.SubsidyInput{Jurisdiction: o.Jurisdiction, Grantor: "工业和信息化主管部门",
		LocalPolicy: fx.Subsidy, Amount: 100_00}); err != nil {
		t.Fatal(err)
	}
	for _, m := range members {
		if _, err := e.st.AddParkMember(insCtx, pol.ID, store.ParkMemberInput{EnterpriseID: m, Limit: 50_000_000, Premium: 120_000,
			JoinedDate: inception}); err != nil {
			t.Fatal(err)
		}
	}
	if fx.Policy, err = e.st.GetPolicy(sysCtx(), pol.ID); err != nil {
		t.Fatal(err)
	}
	fx.Members = fx.Policy.Members
	return pol.ID, fx
}

// pdfText renders a PDF route and returns its text by pdftotext, or "" when
// Chromium or pdftotext is missing (a failure if ANBAO_REQUIRE_BROWSER=1).
// The request prefers English, which must not change the document's language.
func (e *testEnv) pdfText(t *testing.T, user, path string) string {
	t.Helper()
	get := func() *httptest.ResponseRecorder {
		return e.raw("GET", path, "", map[string]string{"Cookie": sessionCookie + "=" + e.login(user).cookie, "Accept-Language": "en-US,en"})
	}
	require := os.Getenv("ANBAO_REQUIRE_BROWSER") == "1"
	if chromiumPath() == "" {
		if require {
			t.Fatal("chromium not found but ANBAO_REQUIRE_BROWSER=1")
		}
		rec := get()
		if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), `"code":"unavailable"`) {
			t.Errorf("PDF without Chromium: %d %s, want 503 unavailable", rec.Code, rec.Body)
		}
		return ""
	}
	start := time.Now()
	rec := get()
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/pdf" || !strings.HasPrefix(rec.Body.String(), "%PDF") {
		t.Fatalf("GET %s: %d %s %.300s", path, rec.Code, rec.Header().Get("Content-Type"), rec.Body)
	}
	t.Logf("GET %s: %d bytes in %v", path, rec.Body.Len(), time.Since(start).Round(time.Millisecond))
	if len(rec.Header().Get("X-Anbao-Document-SHA256")) != 64 {
		t.Errorf("no document hash header")
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if require {
			t.Fatal("pdftotext not found but ANBAO_REQUIRE_BROWSER=1")
		}
		return ""
	}
	dir := os.Getenv("ANBAO_PDOC_KEEP") // set to a directory to keep the PDFs for a look
	if dir == "" {
		dir = t.TempDir()
	}
	f := fmt.Sprintf("%s/%s.pdf", dir, strings.NewReplacer("/", "_", "?", "_", "=", "_").Replace(strings.TrimPrefix(path, "/api/v1/")))
	if err := os.WriteFile(f, rec.Body.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-raw", f, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// wantAll reports every wanted string missing from text. White space does
// not count: a PDF's text breaks lines in table cells and spaces out letters.
func wantAll(t *testing.T, what, text string, want ...string) {
	t.Helper()
	flat := strings.Join(strings.Fields(text), "")
	for _, w := range want {
		if !strings.Contains(flat, strings.Join(strings.Fields(w), "")) {
			t.Errorf("%s lacks %q", what, w)
		}
	}
	if t.Failed() {
		t.Logf("%s:\n%.3000s", what, text)
	}
}

// zhPeriod is the Chinese period text of a term.
func zhPeriod(start, end string) string {
	s, _ := time.Parse(time.DateOnly, start)
	e, _ := time.Parse(time.DateOnly, end)
	return "自 " + s.Format("2006年01月02日") + "零时起至 " + e.Format("2006年01月02日") + "零时止"
}

func TestPolicyDocSchedule(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		e := newTestEnv(t, st, 60)
		ins1, ent1 := mustID(t, e.userOrg("ins1.admin")), mustID(t, e.userOrg("ent1.admin"))
		polID, fx := e.boundPolicy(t, ins1, ent1, store.PolicyStandard)
		pol := fx.Policy
		period := zhPeriod(pol.InceptionDate, pol.ExpiryDate)

		// The HTML preview, without a browser: the same page Chromium prints.
		page := fmt.Sprintf("/policies/%d/schedule", polID)
		rec := e.as("ent1.member", "GET", page, "")
		if rec.Code != 200 {
			t.Fatalf("preview: %d %.300s", rec.Code, rec.Body)
		}
		html := rec.Body.String()
		wantAll(t, "the Chinese preview", html, pol.Number, fx.RegNo, "产品注册号", "营业中断损失", fx.ClauseTitle, fx.ClauseText, fx.ProviderName,
			"漏洞扫描", "2 次", "应急响应服务", "20 小时", period, "12 小时（触发）", "120 日", "10%", "期内索赔", "追溯期自", "期满后 60 日内报告",
			"大写：人民币", fx.Subsidy, "批改", "提高累计赔偿限额", "起保后 60 日内", "保险人（签章）", "北京时间", `lang="zh-CN"`)
		if csp := rec.Header().Get("Content-Security-Policy"); csp != policyDocCSP {
			t.Errorf("preview CSP %q", csp)
		}
		sum := rec.Header().Get("X-Anbao-Document-SHA256")
		if len(sum) != 64 || !strings.Contains(html, sum) {
			t.Errorf("the preview does not print its hash %q", sum)
		}
		en := e.as("ent1.member", "GET", page+"?lang=en", "")
		wantAll(t, "the English preview", en.Body.String(), "Cyber Insurance Policy Schedule", "Business interruption", "Period of insurance",
			"State-sponsored attacks", "Product registration no.", fx.RegNo, "Claims made", "12 hours (trigger)", "Vulnerability scan", "2 times", `lang="en"`)
		if strings.Contains(en.Body.String(), "大写") {
			t.Error("the English schedule writes the premium in Chinese capitals")
		}
		if got := en.Header().Get("X-Anbao-Document-SHA256"); got != sum {
			t.Errorf("the English document's data hash %s differs from the Chinese %s", got, sum)
		}

		// Exactly the policy's readers: another insurer and another enterprise get 404, for both routes.
		for _, u := range []string{"ins2.uw", "ent2.admin", "ent3.member"} {
			for _, p := range []string{page, fmt.Sprintf("/api/v1/policies/%d/schedule.pdf", polID)} {
				if rec := e.as(u, "GET", p, ""); rec.Code != http.StatusNotFound {
					t.Errorf("%s GET %s: %d, want 404", u, p, rec.Code)
				}
			}
		}
		if rec := e.as("ins2.uw", "GET", fmt.Sprintf("/api/v1/policies/%d/schedule.pdf", polID), ""); !strings.Contains(rec.Body.String(), `"code":"not_found"`) {
			t.Errorf("API error is not JSON: %s", rec.Body)
		}
		if rec := e.as("", "GET", fmt.Sprintf("/api/v1/policies/%d/schedule.pdf", polID), ""); rec.Code != http.StatusUnauthorized {
			t.Errorf("anonymous: %d", rec.Code)
		}
		if rec := e.as("ins1.uw", "GET", "/api/v1/policies/999999/schedule.pdf", ""); rec.Code != http.StatusNotFound {
			t.Errorf("no such policy: %d", rec.Code)
		}
		if rec := e.as("ins1.uw", "GET", fmt.Sprintf("/api/v1/policies/%d/schedule.pdf?lang=fr", polID), ""); rec.Code != http.StatusBadRequest ||
			!strings.Contains(rec.Body.String(), `"field":"lang"`) {
			t.Errorf("unknown language: %d %s", rec.Code, rec.Body)
		}

		// The PDF: Chinese by default (whatever Accept-Language says), English on request.
		pdf := fmt.Sprintf("/api/v1/policies/%d/schedule.pdf", polID)
		if text := e.pdfText(t, "ins1.uw", pdf); text != "" {
			wantAll(t, "the Chinese PDF", text, "保险单", pol.Number, fx.RegNo, "营业中断", fx.ClauseTitle, fx.ProviderName, "漏洞扫描", "应急响应服务",
				"20 小时", period, "大写：人民币", "一、", "第 1 页")
		}
		if text := e.pdfText(t, "ent1.admin", pdf+"?lang=en"); text != "" {
			wantAll(t, "the English PDF", text, "Policy Schedule", pol.Number, "Product registration no.", "Business interruption", "Exclusions",
				"Period of insurance", "Approved service providers", "Page 1 of")
		}
	})
}

func TestPolicyDocCertificate(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		e := newTestEnv(t, st, 60)
		ins1, ent1 := mustID(t, e.userOrg("ins1.admin")), mustID(t, e.userOrg("ent1.admin"))
		ent2, ent3 := mustID(t, e.userOrg("ent2.admin")), mustID(t, e.userOrg("ent3.admin"))
		polID, fx := e.boundPolicy(t, ins1, ent1, store.PolicyParkMaster, ent2, ent3)
		if len(fx.Members) != 2 {
			t.Fatalf("members: %d", len(fx.Members))
		}
		own, other := fx.Members[0], fx.Members[1]
		if own.EnterpriseID != ent2 {
			own, other = other, own
		}
		cert := func(m *store.PolicyMember) string {
			return fmt.Sprintf("/api/v1/policies/%d/members/%d/certificate.pdf", polID, m.ID)
		}
		preview := func(m *store.PolicyMember) string {
			return fmt.Sprintf("/policies/%d/members/%d/certificate", polID, m.ID)
		}

		// The member reads its own certificate, never the other member's.
		rec := e.as("ent2.admin", "GET", preview(own), "")
		if rec.Code != 200 {
			t.Fatalf("own certificate: %d %.300s", rec.Code, rec.Body)
		}
		wantAll(t, "the certificate", rec.Body.String(), "保险凭证", own.CertificateNo, fx.Policy.Number, fx.Policy.EnterpriseName, own.EnterpriseName,
			"500,000.00 元", "人民币伍拾万元整", zhPeriod(own.JoinedDate, fx.Policy.ExpiryDate), "营业中断损失", fx.ClauseTitle, fx.ProviderName, fx.RegNo)
		if strings.Contains(rec.Body.String(), other.EnterpriseName) || strings.Contains(rec.Body.String(), other.CertificateNo) {
			t.Error("a member's certificate names another member")
		}
		for _, p := range []string{preview(other), cert(other)} {
			if rec := e.as("ent2.admin", "GET", p, ""); rec.Code != http.StatusNotFound {
				t.Errorf("member reads another member's certificate %s: %d", p, rec.Code)
			}
		}
		// A member's document is its certificate: the master schedule (the
		// holder's premium, the members) is not its to read.
		for _, p := range []string{fmt.Sprintf("/policies/%d/schedule", polID), fmt.Sprintf("/api/v1/policies/%d/schedule.pdf", polID)} {
			if rec := e.as("ent2.member", "GET", p, ""); rec.Code != http.StatusNotFound {
				t.Errorf("member's view of the master schedule %s: %d", p, rec.Code)
			}
		}
		// The insurer and the holder see every certificate and the member count.
		if rec := e.as("ent1.admin", "GET", fmt.Sprintf("/policies/%d/schedule", polID), ""); !strings.Contains(rec.Body.String(), "共有成员企业 2 家") {
			t.Error("the holder's schedule lacks the member count")
		}
		for _, u := range []string{"ins1.uw", "ent1.member"} {
			if rec := e.as(u, "GET", preview(other), ""); rec.Code != 200 || !strings.Contains(rec.Body.String(), other.CertificateNo) {
				t.Errorf("%s reads a certificate: %d", u, rec.Code)
			}
		}
		// Another insurer, an outsider, a member id of no policy, a standard policy: not found.
		for _, c := range []struct{ user, path string }{{"ins2.uw", cert(own)}, {"ent4.admin", cert(own)},
			{"ins1.uw", fmt.Sprintf("/api/v1/policies/%d/members/999999/certificate.pdf", polID)}} {
			if rec := e.as(c.user, "GET", c.path, ""); rec.Code != http.StatusNotFound {
				t.Errorf("%s GET %s: %d, want 404", c.user, c.path, rec.Code)
			}
		}

		if text := e.pdfText(t, "ent2.admin", cert(own)); text != "" {
			wantAll(t, "the certificate PDF", text, "保险凭证", own.CertificateNo, fx.Policy.Number, "营业中断", "成员赔偿限额", "伍拾万元整")
		}
		if text := e.pdfText(t, "ins1.uw", cert(own)+"?lang=en"); text != "" {
			wantAll(t, "the English certificate PDF", text, "Certificate of Cyber Insurance", own.CertificateNo, "Member limit", "Business interruption")
		}
	})
}

func TestPolicyDocYuanCapital(t *testing.T) {
	for _, c := range []struct {
		fen  int64
		want string
	}{
		{0, "人民币零元整"},
		{5, "人民币伍分"},
		{50, "人民币伍角"},
		{1000, "人民币壹拾元整"},
		{1600, "人民币壹拾陆元整"},
		{32504, "人民币叁佰贰拾伍元零肆分"},    // the rules' own example
		{140950, "人民币壹仟肆佰零玖元伍角"},   // idem
		{600714, "人民币陆仟零柒元壹角肆分"},   // idem
		{168032, "人民币壹仟陆佰捌拾元叁角贰分"}, // idem (the optional 零 left out)
		{1234500, "人民币壹万贰仟叁佰肆拾伍元整"},
		{10700053, "人民币壹拾万柒仟元伍角叁分"},
		{10001000, "人民币壹拾万零壹拾元整"},
		{1010101, "人民币壹万零壹佰零壹元零壹分"},
		{100000000, "人民币壹佰万元整"},
		{100000100, "人民币壹佰万零壹元整"},
		{10000000100, "人民币壹亿零壹元整"},
		{10010000000, "人民币壹亿零壹拾万元整"},
		{23000000000, "人民币贰亿叁仟万元整"},
		{1000000000000, "人民币壹佰亿元整"},
		{100000000000000, "人民币壹万亿元整"},
		{1000000000000000, "人民币壹拾万亿元整"},
		{123456789012345, "人民币壹万贰仟叁佰肆拾伍亿陆仟柒佰捌拾玖万零壹佰贰拾叁元肆角伍分"},
		{-150, "人民币负壹元伍角"},
	} {
		if got := yuanCapital(c.fen); got != c.want {
			t.Errorf("yuanCapital(%d) = %s, want %s", c.fen, got, c.want)
		}
	}
}

// policyDocMatrixCases are the access-matrix rows of the policy documents.
// They use the underwriting fixtures' policies (ent1_policy, foreign_policy)
// and ask for an unknown language, which the handlers refuse with 400 only
// after the policy was found readable: so the rows tell readers (400) from
// strangers (404) without starting Chromium. The documents themselves, and a
// member's own certificate, are tested in TestPolicyDocSchedule and
// TestPolicyDocCertificate (no matrix fixture holds a park policy with
// members yet).
func policyDocMatrixCases() []matrixCase {
	statuses := func(def int, kv ...any) map[string]int {
		m := map[string]int{"anon": 401, "*": def}
		for i := 0; i < len(kv); i += 2 {
			for _, r := range kv[i].([]string) {
				m[r] = kv[i+1].(int)
			}
		}
		return m
	}
	noRead := []string{"op.expert", "prov1.admin", "prov1.analyst"}
	readers1 := []string{"ins1.admin", "ins1.uw", "ins1.claims", "ent1.admin", "ent1.member", "op.admin", "op.auditor", "miit.admin",
		"reg.admin", "reg.analyst"}
	readersX := []string{"op.admin", "op.auditor", "miit.admin", "regx.admin"}
	const sched, cert = "GET /api/v1/policies/{polid}/schedule.pdf", "GET /api/v1/policies/{polid}/members/{mid}/certificate.pdf"
	return []matrixCase{
		{route: sched, path: "/api/v1/policies/{ent1_policy}/schedule.pdf?lang=fr", want: statuses(404, readers1, 400, noRead, 403),
			marker: `"field":"lang"`, see: readers1},
		{route: sched, path: "/api/v1/policies/{foreign_policy}/schedule.pdf?lang=fr", want: statuses(404, readersX, 400, noRead, 403)},
		{route: cert, path: "/api/v1/policies/{ent1_policy}/members/999999/certificate.pdf?lang=fr", want: statuses(404, readers1, 400, noRead, 403)},
		{route: cert, path: "/api/v1/policies/{ent1_policy}/members/999999/certificate.pdf", want: statuses(404, noRead, 403)},
		{route: cert, path: "/api/v1/policies/{foreign_policy}/members/1/certificate.pdf?lang=fr", want: statuses(404, readersX, 400, noRead, 403)},
	}
}

// The hash of a document's data does not depend on map order, and names the document kind.
func TestPolicyDocHash(t *testing.T) {
	a := docHash("schedule", map[string]any{"n": 1, "m": "x"})
	b := docHash("schedule", map[string]any{"m": "x", "n": 1})
	if a != b || len(a) != 64 || a == docHash("certificate", map[string]any{"n": 1, "m": "x"}) {
		t.Errorf("hashes %s %s", a, b)
	}
}
