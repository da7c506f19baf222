package e2e

import (
	"context"
	"encoding/base64"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/rating"
	"github.com/anbao/anbao/store"
)

// The underwriting path in two browsers: the enterprise admin asks an
// insurer's product for a quote, sees it in the comparison with its rating
// trail and asks to bind; the insurer's underwriter satisfies the pre-bind
// contingency and binds; the policy page shows the new policy, whose
// schedule downloads as a PDF that reads back in Chinese.
func TestUnderwritingJourney(t *testing.T) {
	base, st := startServerStore(t)
	var ins1 int64
	if err := st.RawDB().QueryRow(`SELECT org_id FROM users WHERE username = 'ins1.uw'`).Scan(&ins1); err != nil {
		t.Fatal(err)
	}
	insCtx := anbao.WithPrincipal(context.Background(), &anbao.Principal{UserID: 1, Username: "e2e", OrgID: ins1,
		OrgKind: anbao.KindInsurer, Roles: []anbao.Role{anbao.RoleUnderwriter}})
	def := *rating.SeedDefinition()
	for _, c := range def.Exclusions {
		if _, err := st.AddClause(insCtx, store.ClauseInput{Code: c.Code, TitleZH: c.TitleZH, TitleEN: c.TitleEN,
			TextZH: "因" + c.TitleZH + "导致的损失，保险人不负责赔偿。"}); err != nil {
			t.Fatal(err)
		}
	}
	cfg := rating.SeedConfig()
	// Auto-quote whatever the demo enterprise's grade or referrals.
	cfg.Envelope = rating.Envelope{}
	cfg.Rules = slices.DeleteFunc(cfg.Rules, func(r rating.Rule) bool {
		return r.Then.Kind == rating.ActRefer || r.Then.Kind == rating.ActDecline
	})
	pr, err := st.CreateProduct(insCtx, store.ProductInput{Code: "E2E-CYBER", NameZH: "浏览器测试网络安全保险",
		ProductVersionInput: store.ProductVersionInput{RegistrationNo: "C00010830612020012322442", Definition: def, Rating: *cfg}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.PublishProduct(insCtx, pr.ID, 0); err != nil {
		t.Fatal(err)
	}

	ent := newBrowser(t)
	uw := newBrowser(t)
	login(t, ent, base, "ent1.admin")
	login(t, uw, base, "ins1.uw")

	retro := time.Now().AddDate(-1, 0, 0).Format("2006-01-02")
	pid := strconv.FormatInt(pr.ID, 10)
	do(t, ent, "ask for a quote",
		chromedp.Navigate(base+"/quotes/new"),
		chromedp.WaitVisible(chromedp.ID("quote-new-form")),
		chromedp.Click(chromedp.CSS(`input[name="product"][value="`+pid+`"]`)),
		chromedp.SendKeys(chromedp.ID("qn-opt0-limit"), "1000000"),
		chromedp.SendKeys(chromedp.ID("qn-opt0-retention"), "10000"),
		chromedp.SendKeys(chromedp.ID("qn-opt1-limit"), "3000000"),
		chromedp.SendKeys(chromedp.ID("qn-opt1-retention"), "20000"),
		chromedp.SetValue(chromedp.ID("qn-retro"), retro),
		chromedp.Click(chromedp.ID("qn-submit")),
		chromedp.WaitVisible(chromedp.ID("cmp-table")),
	)
	cols := eval[[]string](t, ent, `Array.from(document.querySelectorAll('#cmp-table th[id^="cmp-col-"]')).map(e => e.id.slice(8))`)
	if len(cols) != 2 {
		t.Fatalf("comparison columns %v, want 2", cols)
	}
	qid := cols[0]
	do(t, ent, "open the quote", chromedp.Navigate(base+"/quotes/"+qid), chromedp.WaitVisible(chromedp.ID("trail")))
	if s := text(t, ent, "#quote-status"); s != "已报价" {
		t.Fatalf("quote status %q, want 已报价 (quoted): %.500s", s, text(t, ent, "main"))
	}
	acceptConfirms(t, ent)
	do(t, ent, "ask to bind",
		chromedp.Click(chromedp.ID("quote-bind-request")),
		chromedp.WaitVisible(chromedp.ID("quote-status")),
	)
	// The trail's effects sum to the premium: the page's total row says so.
	if s := text(t, ent, "#trail"); !strings.Contains(s, "基准保费") || !strings.Contains(s, "✓") {
		t.Errorf("trail on the page: %.300s", s)
	}

	do(t, uw, "satisfy the pre-bind contingency",
		chromedp.Navigate(base+"/quotes/"+qid),
		chromedp.WaitVisible(chromedp.CSS("#contingencies .cont-form")),
		chromedp.SetValue(chromedp.CSS(`#contingencies .cont-form select[name="status"]`), "satisfied"),
		chromedp.SendKeys(chromedp.CSS(`#contingencies .cont-form input[name="note"]`), "已收到签章投保单"),
		chromedp.Submit(chromedp.CSS("#contingencies .cont-form")),
		chromedp.WaitVisible(chromedp.ID("quote-bind")),
	)
	acceptConfirms(t, uw)
	do(t, uw, "bind",
		chromedp.Click(chromedp.ID("quote-bind")),
		chromedp.WaitVisible(chromedp.ID("policy-issued")),
	)
	number := text(t, uw, "#policy-number")
	if !strings.HasPrefix(number, "AB") {
		t.Fatalf("policy number %q", number)
	}
	href := eval[string](t, uw, `document.getElementById('policy-pdf').getAttribute('href')`)
	b64, err := chromedp.Run(uw, chromedp.Evaluate[string](`fetch(`+strconv.Quote(href)+`).then(r => {
		if (!r.ok || r.headers.get('content-type') !== 'application/pdf') throw new Error('status ' + r.status + ' ' + r.headers.get('content-type'));
		return r.arrayBuffer();
	}).then(b => { let s = ''; new Uint8Array(b).forEach(c => s += String.fromCharCode(c)); return btoa(s); })`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("download the schedule: %v", err)
	}
	pdf, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || !strings.HasPrefix(string(pdf), "%PDF") {
		t.Fatalf("schedule is not a PDF (%d bytes, %v)", len(pdf), err)
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("ANBAO_REQUIRE_BROWSER") == "1" {
			t.Fatal("pdftotext not found but ANBAO_REQUIRE_BROWSER=1")
		}
		t.Skip("pdftotext not installed")
	}
	f := filepath.Join(t.TempDir(), "schedule.pdf")
	if err := os.WriteFile(f, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", f, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	txt := strings.Join(strings.Fields(string(out)), "")
	for _, want := range []string{number, "浏览器测试网络安全保险", "C00010830612020012322442", "营业中断"} {
		if !strings.Contains(txt, strings.Join(strings.Fields(want), "")) {
			t.Errorf("the schedule's text lacks %q", want)
		}
	}

	// The enterprise sees its new policy in its list.
	do(t, ent, "policies", chromedp.Navigate(base+"/policies"), chromedp.WaitVisible(chromedp.CSS("main")))
	if s := text(t, ent, "main"); !strings.Contains(s, number) {
		t.Errorf("the enterprise's policy list lacks %s", number)
	}
}

// acceptConfirms answers yes to the page's confirmation dialogs (data-confirm).
func acceptConfirms(t *testing.T, ctx context.Context) {
	t.Helper()
	eval[bool](t, ctx, `(window.confirm = function () { return true; }, true)`)
}
