package e2e

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/rating"
	"github.com/anbao/anbao/store"
)

// The incident path in three browsers: the enterprise admin reports a data
// leak of 1.2 million people's personal information on the intake form and
// sees it graded 较大 with a live 4-hour statutory deadline; it dispatches
// its policy's approved provider on site; the provider acknowledges and
// assigns an engineer; the enterprise files a claim with a third-party claim
// and PR costs; the insurer's claims handler assesses it (the trace), approves
// and pays it in full; the insured follows the path to the payment.
func TestIncidentClaimJourney(t *testing.T) {
	base, st := startServerStore(t)
	org := func(user string) int64 {
		var id int64
		if err := st.RawDB().QueryRow(`SELECT org_id FROM users WHERE username = $1`, user).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	ins1, prov1, ent1 := org("ins1.admin"), org("prov1.admin"), org("ent1.admin")
	insCtx := anbao.WithPrincipal(context.Background(), &anbao.Principal{UserID: 1, Username: "e2e", OrgID: ins1,
		OrgKind: anbao.KindInsurer, Roles: []anbao.Role{anbao.RoleAdmin}})
	// A product of ins1 with prov1 on its approved roster, and a policy of
	// ent1 on it in force today (declared: issued in ins1's own system).
	def := *rating.SeedDefinition()
	def.Providers = []int64{prov1}
	for _, c := range def.Exclusions {
		if _, err := st.AddClause(insCtx, store.ClauseInput{Code: c.Code, TitleZH: c.TitleZH, TitleEN: c.TitleEN,
			TextZH: "因" + c.TitleZH + "导致的损失，保险人不负责赔偿。"}); err != nil && anbao.ErrorCode(err) != anbao.ECONFLICT {
			t.Fatal(err)
		}
	}
	cfg := rating.SeedConfig()
	pr, err := st.CreateProduct(insCtx, store.ProductInput{Code: "E2E-IR", NameZH: "浏览器测试应急响应保险",
		ProductVersionInput: store.ProductVersionInput{RegistrationNo: "C00010830612020012322442", Definition: def, Rating: *cfg}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.PublishProduct(insCtx, pr.ID, 0); err != nil {
		t.Fatal(err)
	}
	var uscc string
	if err := st.RawDB().QueryRow(`SELECT uscc FROM organisations WHERE id = $1`, ent1).Scan(&uscc); err != nil {
		t.Fatal(err)
	}
	today := time.Now().In(anbao.Shanghai)
	dec, err := st.DeclarePolicies(insCtx, []store.DeclaredPolicy{{ExternalRef: "E2E-IR-0001", ProductCode: "E2E-IR", EnterpriseUSCC: uscc,
		InceptionDate: today.AddDate(0, -2, 0).Format("2006-01-02"), ExpiryDate: today.AddDate(0, 10, 0).Format("2006-01-02"),
		Limit: 2_000_000_00, Retention: 10_000_00, Premium: 12_000_00, RetroDate: today.AddDate(-1, 0, 0).Format("2006-01-02")}})
	if err != nil {
		t.Fatal(err)
	}
	policyID := strconv.FormatInt(dec.Items[0].PolicyID, 10)

	ent, prov, hdl := newBrowser(t), newBrowser(t), newBrowser(t)
	login(t, ent, base, "ent1.admin")
	login(t, prov, base, "prov1.admin")
	login(t, hdl, base, "ins1.claims")

	at := today.Add(-40 * time.Minute).Format("2006-01-02T15:04")
	do(t, ent, "report the incident",
		chromedp.Navigate(base+"/incidents/new"),
		chromedp.WaitVisible(chromedp.ID("fnol-form")),
		chromedp.SendKeys(chromedp.ID("fnol-title"), "会员数据库遭拖库"),
		chromedp.SetValue(chromedp.ID("fnol-class"), "DSDATALEAK"),
		chromedp.SetValue(chromedp.ID("fnol-occurred"), at),
		chromedp.SetValue(chromedp.ID("fnol-discovered"), at),
		chromedp.SetValue(chromedp.ID("fnol-policy"), policyID),
		chromedp.SetValue(chromedp.CSS(`#fnol-form input[name="facts.pi_leaked_people"]`), "1200000"),
		chromedp.SendKeys(chromedp.ID("fnol-systems"), "会员管理系统数据库"),
		chromedp.Click(chromedp.ID("fnol-submit")),
		chromedp.WaitVisible(chromedp.CSS("#incident-grade, .alert-error, .field-error")),
	)
	if !eval[bool](t, ent, `!!document.getElementById('incident-grade')`) {
		t.Fatalf("the intake form was refused: %.800s", text(t, ent, "main"))
	}
	if g := text(t, ent, "#incident-grade"); !strings.Contains(g, "较大") {
		t.Fatalf("grade %q, want 较大: %.600s", g, text(t, ent, "main"))
	}
	if d := text(t, ent, "#statutory-deadline-text"); !strings.Contains(d, "3 小时") {
		t.Errorf("statutory deadline %q: want about 3 h 20 min left of the 4-hour window", d)
	}
	if r := text(t, ent, "#route-recipients"); !strings.Contains(r, "网信") {
		t.Errorf("route recipients %q", r)
	}
	incURL := eval[string](t, ent, `location.pathname`)

	do(t, ent, "dispatch the approved provider on site",
		chromedp.SetValue(chromedp.ID("dp-provider"), strconv.FormatInt(prov1, 10)),
		chromedp.SetValue(chromedp.ID("dp-mode"), "on_site"),
		chromedp.Click(chromedp.ID("dispatch-submit")),
		chromedp.WaitVisible(chromedp.CSS("article.inc-dispatch")),
	)
	did := strings.TrimPrefix(eval[string](t, ent, `document.querySelector('article.inc-dispatch').id`), "dispatch-")
	if eval[bool](t, ent, `!!document.getElementById('dispatch-`+did+`-acknowledge')`) {
		t.Errorf("the enterprise sees the provider's step buttons")
	}

	do(t, prov, "acknowledge and assign an engineer",
		chromedp.Navigate(base+incURL),
		chromedp.WaitVisible(chromedp.ID("dispatch-"+did+"-acknowledge")),
		chromedp.Click(chromedp.ID("dispatch-"+did+"-acknowledge")),
		chromedp.WaitVisible(chromedp.ID("dsp-"+did+"-eng")),
		chromedp.SendKeys(chromedp.ID("dsp-"+did+"-eng"), "张工"),
		chromedp.Click(chromedp.ID("dispatch-"+did+"-assign")),
		chromedp.WaitVisible(chromedp.ID("dispatch-"+did+"-contain")),
	)
	if s := text(t, prov, "#dispatch-"+did); !strings.Contains(s, "张工") {
		t.Errorf("dispatch after assignment: %.300s", s)
	}

	do(t, ent, "file a claim",
		chromedp.Navigate(base+incURL),
		chromedp.WaitVisible(chromedp.ID("claim-open-btn")),
		chromedp.Click(chromedp.ID("claim-open-btn")),
		chromedp.WaitVisible(chromedp.ID("claim-form")),
		chromedp.SetValue(chromedp.ID("cn-made"), today.Format("2006-01-02")),
		chromedp.SetValue(chromedp.CSS(`select[name="items[0].kind"]`), "third_party"),
		chromedp.SetValue(chromedp.CSS(`select[name="items[0].coverage"]`), "data_leak_liability"),
		chromedp.SendKeys(chromedp.CSS(`input[name="items[0].amount"]`), "300000"),
		chromedp.SetValue(chromedp.CSS(`select[name="items[1].kind"]`), "pr"),
		chromedp.SetValue(chromedp.CSS(`select[name="items[1].coverage"]`), "public_relations"),
		chromedp.SendKeys(chromedp.CSS(`input[name="items[1].amount"]`), "50000"),
		chromedp.Click(chromedp.ID("claim-submit")),
		chromedp.WaitVisible(chromedp.ID("claim-number")),
	)
	claimURL := eval[string](t, ent, `location.pathname`)

	do(t, hdl, "assess",
		chromedp.Navigate(base+claimURL),
		chromedp.WaitVisible(chromedp.ID("assess-form")),
		chromedp.Click(chromedp.ID("assess-submit")),
		chromedp.WaitVisible(chromedp.ID("claim-trace")),
	)
	if s := text(t, hdl, "#claim-trace"); !strings.Contains(s, "免赔") {
		t.Errorf("trace: %.400s", s)
	}
	// By hand: the third-party claim 300,000 bears the ¥10,000 retention (first item), PR 50,000 is under
	// its ¥200,000 sublimit, no coinsurance on the declared terms: 290,000 + 50,000.
	payable := strings.TrimSpace(text(t, hdl, "#claim-payable"))
	if payable != "¥340,000.00" {
		t.Fatalf("payable %q, want ¥340,000.00", payable)
	}
	acceptConfirms(t, hdl)
	do(t, hdl, "approve",
		chromedp.Click(chromedp.ID("approve-submit")),
		chromedp.WaitVisible(chromedp.ID("pay-form")),
	)
	amount := strings.NewReplacer("¥", "", ",", "").Replace(strings.TrimSpace(payable))
	acceptConfirms(t, hdl)
	do(t, hdl, "pay in full",
		chromedp.SetValue(chromedp.ID("py-amount"), amount),
		chromedp.SendKeys(chromedp.ID("py-ref"), "银行流水 E2E-001"),
		chromedp.Click(chromedp.ID("pay-submit")),
		chromedp.WaitVisible(chromedp.ID("claim-payments")),
	)
	if s := text(t, hdl, "#claim-status"); s != "已结案" {
		t.Errorf("status after paying the approved amount: %q, want 已结案", s)
	}

	do(t, ent, "follow the path", chromedp.Navigate(base+claimURL), chromedp.WaitVisible(chromedp.ID("claim-path")))
	path := text(t, ent, "#claim-path")
	if !strings.Contains(path, strings.TrimSpace(payable)) {
		t.Errorf("the insured's path does not show the payment of %s: %.500s", payable, path)
	}
	if eval[bool](t, ent, `!!document.getElementById('pay-form')`) {
		t.Errorf("the insured sees the handler's payment form")
	}
}
