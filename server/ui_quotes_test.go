package server

import (
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/cover"
	"github.com/anbao/anbao/i18n"
	"github.com/anbao/anbao/rating"
	"github.com/anbao/anbao/store"
	"github.com/anbao/anbao/store/storetest"
)

// quoteUIProduct publishes a small combined product of insurer ins: claims-made
// data-leak liability (so a retroactive date is needed), a pre-bind and a
// post-bind contingency, provider prov approved (0 for none). The tariff
// quotes options up to ¥1.5M and refers larger ones; no rule refers or
// declines by the enterprise's facts, so the outcome does not depend on the demo.
func (e *testEnv) quoteUIProduct(ins int64, code string, prov int64) *store.Product {
	t := e.t
	t.Helper()
	ctx := actAs(ins, anbao.KindInsurer, anbao.RoleUnderwriter)
	const yuan = 100
	def := cover.Definition{Type: cover.TypeCombined, MinLimit: 100_000 * yuan, MaxLimit: 20_000_000 * yuan, MinRetention: 5_000 * yuan,
		TermMonths: 12, QuoteValidDays: 30,
		Coverages: []cover.Coverage{
			{Code: cover.CovBusinessInterruption, WaitingHours: 8, WaitingMode: cover.WaitTimeDeductible, IndemnityDays: 90, Trigger: cover.Discovered},
			{Code: cover.CovDataRestoration, Trigger: cover.Discovered},
			{Code: cover.CovPublicRelations, Sublimit: 200_000 * yuan, Trigger: cover.Discovered},
			{Code: cover.CovFundsTransfer, Sublimit: 1_000_000 * yuan, Deductible: 10_000 * yuan, Trigger: cover.Discovered},
			{Code: cover.CovDataLeakLiability, Trigger: cover.ClaimsMade, ReportingDays: 60, DefenceInside: true},
		},
		Entitlements: []cover.Entitlement{{Service: "vulnerability_scan", Unit: cover.UnitTimes, Quantity: 2, ValueFen: 10_000 * yuan}},
		Contingencies: []cover.ContingencyTemplate{
			{Kind: cover.PreBind, TextZH: "提交经签章的投保单", TextEN: "Submit the signed application", DueDays: 30},
			{Kind: cover.PostBind, TextZH: "起保后 60 日内启用多因素认证", TextEN: "Enable MFA within 60 days", DueDays: 60},
		},
	}
	if prov != 0 {
		def.Providers = []int64{prov}
	}
	cfg := rating.SeedConfig()
	var rules []rating.Rule
	for _, r := range cfg.Rules {
		if r.Then.Kind != rating.ActRefer && r.Then.Kind != rating.ActDecline {
			rules = append(rules, r)
		}
	}
	cfg.Rules = rules
	cfg.Envelope = rating.Envelope{MaxLimit: 1_500_000 * yuan}
	pr, err := e.st.CreateProduct(ctx, store.ProductInput{Code: code, NameZH: "界面产品" + code, NameEN: "UI product " + code,
		ProductVersionInput: store.ProductVersionInput{RegistrationNo: "C00010830612020012322442", Definition: def, Rating: *cfg}})
	if err != nil {
		t.Fatal(err)
	}
	if pr, err = e.st.PublishProduct(ctx, pr.ID, 0); err != nil {
		t.Fatal(err)
	}
	return pr
}

// form posts a web form as a demo user (the CSRF token in the header, as htmx sends it).
func (e *testEnv) qtForm(username, path string, v url.Values) *httptest.ResponseRecorder {
	e.t.Helper()
	return e.send(username, "POST", path, "application/x-www-form-urlencoded", v.Encode(), nil)
}

// qtSee fails unless rec has status and contains every want.
func qtSee(t *testing.T, rec *httptest.ResponseRecorder, status int, what string, wants ...string) {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("%s: status %d, want %d:\n%.3000s", what, rec.Code, status, rec.Body)
	}
	for _, w := range wants {
		if !strings.Contains(rec.Body.String(), w) {
			t.Errorf("%s: lacks %q", what, w)
		}
	}
}

func qtNotSee(t *testing.T, rec *httptest.ResponseRecorder, what string, nots ...string) {
	t.Helper()
	for _, n := range nots {
		if strings.Contains(rec.Body.String(), n) {
			t.Errorf("%s: shows %q", what, n)
		}
	}
}

// qtLocation is where a redirect goes, as a browser asks for it (without the fragment).
func qtLocation(rec *httptest.ResponseRecorder) string {
	loc, _, _ := strings.Cut(rec.Header().Get("Location"), "#")
	return loc
}

func qtCount(t *testing.T, st *store.Store, table string) int {
	t.Helper()
	var n int
	if err := st.RawDB().QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

var (
	trailSumRE   = regexp.MustCompile(`id="quote-trail-sum">([^<]+)<`)
	trailTotalRE = regexp.MustCompile(`id="quote-trail-total">([^<]+)<`)
)

// TestUIQuotePolicyJourney walks capability D through the web pages: the
// enterprise requests quotes on two insurers' products and two options, compares
// them, asks to bind; the underwriter decides a referral, resolves the pre-bind
// contingency, binds; the policy is endorsed, cancelled pro rata and reinstated.
// Other tenants see nothing of it.
func TestUIQuotePolicyJourney(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		e := newTestEnv(t, st, 60)
		ins1, ins2 := mustID(t, e.userOrg("ins1.uw")), mustID(t, e.userOrg("ins2.uw"))
		ent1, prov1 := mustID(t, e.userOrg("ent1.admin")), mustID(t, e.userOrg("prov1.admin"))
		prov, err := st.GetOrganisation(sysCtx(), prov1)
		if err != nil {
			t.Fatal(err)
		}
		p1 := e.quoteUIProduct(ins1, "QT-A", prov1)
		p2 := e.quoteUIProduct(ins2, "QT-B", 0)
		now := st.Now().In(anbao.Shanghai)
		tomorrow := now.AddDate(0, 0, 1).Format(time.DateOnly)
		retro := now.AddDate(-1, 0, 0).Format(time.DateOnly)

		qtSee(t, e.as("ent1.admin", "GET", "/quotes", ""), 200, "quote list", `id="quote-request-btn"`)
		qtSee(t, e.as("ent1.admin", "GET", "/quotes/new", ""), 200, "request form",
			p1.NameZH, p2.NameZH, `name="options[4].retention"`, "期内索赔制", `value="`+tomorrow+`"`)
		// An insurer asks only as an intermediary, for a client it names.
		if rec := e.as("ins1.uw", "GET", "/quotes/new", ""); rec.Code != http.StatusNotFound {
			t.Fatalf("insurer on the request form without a client: %d", rec.Code)
		}
		if rec := e.as("ins1.claims", "GET", "/quotes/new?enterprise="+fmt.Sprint(ent1), ""); rec.Code != http.StatusForbidden {
			t.Fatalf("claims handler on the request form: %d", rec.Code)
		}

		base := url.Values{"product": {fmt.Sprint(p1.ID), fmt.Sprint(p2.ID)}, "inception_date": {tomorrow}, "retro_date": {retro},
			"kind": {"standard"}, "note": {"界面测试"},
			"options[0].limit": {"1,000,000"}, "options[0].retention": {"10000"},
			"options[2].limit": {"¥5000000.00"}, "options[2].retention": {"20,000"}}
		with := func(k, v string) url.Values {
			c := url.Values{}
			for key, vs := range base {
				c[key] = vs
			}
			c.Set(k, v)
			return c
		}
		// Bad input is shown on its field and writes nothing.
		head, reqs := e.auditHead(), qtCount(t, st, "quote_requests")
		for _, c := range []struct {
			field, value, input, msg string
		}{
			{"options[0].retention", "10000.123", "options[0].retention", "不是有效金额"},
			{"options[2].limit", "5e6", "options[2].limit", "不是有效金额"},
			{"options[0].limit", "-1000000", "options[0].limit", "不是有效金额"},
			{"options[2].retention", "", "options[2].retention", "请填写金额"},
			{"options[2].limit", "50,000,000", "options[2].limit", "超出产品可选范围"}, // the store's error, on the row typed
			{"retro_date", "", "retro_date", "须填写追溯日期"},
			{"inception_date", "2001-01-01", "inception_date", "早于今天"},
		} {
			rec := e.qtForm("ent1.admin", "/quotes/new", with(c.field, c.value))
			qtSee(t, rec, http.StatusBadRequest, c.field+"="+c.value, c.msg, `name="`+c.input+`"`,
				`aria-describedby="err-qnew-`+c.input+`"`, "界面测试")
		}
		if e.auditHead() != head || qtCount(t, st, "quote_requests") != reqs {
			t.Fatal("a refused request wrote something")
		}
		noProduct := with("note", "")
		noProduct.Del("product")
		qtSee(t, e.qtForm("ent1.admin", "/quotes/new", noProduct), http.StatusBadRequest, "no product", "请至少选择一个产品")

		rec := e.qtForm("ent1.admin", "/quotes/new", base)
		if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/quote-requests/") {
			t.Fatalf("request: %d %s", rec.Code, rec.Body)
		}
		reqPath := rec.Header().Get("Location")
		entCtx := actAs(ent1, anbao.KindEnterprise, anbao.RoleAdmin)
		req, err := st.GetQuoteRequest(entCtx, mustID(t, strings.TrimPrefix(reqPath, "/quote-requests/")))
		if err != nil || len(req.Quotes) != 4 {
			t.Fatalf("request: %v %+v", err, req)
		}
		var quoted, referred *store.Quote // ins1's two options
		for _, q := range req.Quotes {
			if q, err = st.GetQuote(entCtx, q.ID); err != nil {
				t.Fatal(err)
			}
			switch {
			case q.InsurerID == ins1 && q.Limit == 1_000_000_00:
				quoted = q
			case q.InsurerID == ins1:
				referred = q
			}
		}
		if quoted == nil || quoted.Status != store.QuoteQuoted || referred == nil || referred.Status != store.QuoteReferred {
			t.Fatalf("statuses: %+v %+v", quoted, referred)
		}

		// The comparison: both insurers, both options, one best offer per option quoted.
		cmp := e.as("ent1.admin", "GET", reqPath, "")
		qtSee(t, cmp, 200, "comparison", "方案 1", "方案 2", "¥1,000,000.00", "¥5,000,000.00", p1.NameZH, p2.NameZH,
			"最优报价", "营业中断等待期", "8 小时（时间免赔）", "数据泄露责任", "¥200,000.00", "提交经签章的投保单", "转人工核保",
			fmt.Sprintf(`href="/quotes/%d"`, quoted.ID))
		if n := strings.Count(cmp.Body.String(), `class="cmp-col`); n != 4 {
			t.Errorf("comparison columns: %d", n)
		}
		// Option 1's two offers tie (the same tariff); option 2 has none yet.
		if n := strings.Count(cmp.Body.String(), `class="badge best-badge"`); n != 2 {
			t.Errorf("best offers: %d, want the two tied offers of option 1", n)
		}

		// The quote: its trail sums to the premium.
		qPath := fmt.Sprintf("/quotes/%d", quoted.ID)
		page := e.as("ent1.admin", "GET", qPath, "")
		qtSee(t, page, 200, "quote", "保费计算过程", "合计 = 保费", "✓", `id="quote-bind-request"`, `id="quote-withdraw"`,
			"数据泄露责任", "期内索赔制", "漏洞扫描", "承保前")
		var sum int64
		for _, s := range quoted.Result.Trail {
			sum += s.Effect
		}
		if sum != quoted.Premium {
			t.Fatalf("trail sums to %d, premium %d", sum, quoted.Premium)
		}
		if m := trailSumRE.FindStringSubmatch(page.Body.String()); m == nil || html.UnescapeString(m[1]) != fmtYuanSigned(quoted.Premium) {
			t.Errorf("trail sum cell %v, want %s", m, fmtYuanSigned(quoted.Premium))
		}
		if m := trailTotalRE.FindStringSubmatch(page.Body.String()); m == nil || m[1] != fmtYuan(quoted.Premium) {
			t.Errorf("trail total cell %v, want %s", m, fmtYuan(quoted.Premium))
		}
		if n := strings.Count(page.Body.String(), `class="trail-row"`); n != len(quoted.Result.Trail) {
			t.Errorf("trail rows: %d, want %d", n, len(quoted.Result.Trail))
		}
		// A member may not commit the enterprise: no button, and the step is refused.
		member := e.as("ent1.member", "GET", qPath, "")
		qtSee(t, member, 200, "quote as member", `id="quote-withdraw"`)
		qtNotSee(t, member, "quote as member", `id="quote-bind-request"`)
		v := url.Values{"version": {fmt.Sprint(quoted.Version)}}
		if rec := e.qtForm("ent1.member", qPath+"/bind-request", v); rec.Code != http.StatusForbidden {
			t.Fatalf("member bind request: %d", rec.Code)
		}
		if rec := e.qtForm("ent1.admin", qPath+"/bind-request", v); rec.Code != http.StatusSeeOther {
			t.Fatalf("bind request: %d %s", rec.Code, rec.Body)
		}
		// A stale page's version is a conflict, shown on the page.
		qtSee(t, e.qtForm("ent1.admin", qPath+"/withdraw", v), http.StatusConflict, "stale withdraw", `class="alert alert-error"`)

		// Another insurer and another enterprise never see the quote.
		for _, who := range []string{"ins2.uw", "ent2.admin"} {
			if rec := e.as(who, "GET", qPath, ""); rec.Code != http.StatusNotFound {
				t.Errorf("%s reads the quote: %d", who, rec.Code)
			}
		}
		if rec := e.as("ent2.admin", "GET", reqPath, ""); rec.Code != http.StatusNotFound {
			t.Errorf("another enterprise reads the request: %d", rec.Code)
		}
		other := e.as("ins2.uw", "GET", reqPath, "")
		qtSee(t, other, 200, "ins2's part of the request", p2.NameZH)
		qtNotSee(t, other, "ins2's part of the request", p1.NameZH)
		qtNotSee(t, e.as("ins2.uw", "GET", "/quotes", ""), "ins2's quotes", p1.NameZH)
		qtSee(t, e.as("ins1.uw", "GET", "/quotes?status=referred", ""), 200, "ins1's referrals",
			fmt.Sprintf(`href="/quotes/%d"`, referred.ID))

		// The underwriter decides the referral at another premium.
		rPath := fmt.Sprintf("/quotes/%d", referred.ID)
		qtSee(t, e.as("ins1.uw", "GET", rPath, ""), 200, "referred quote", `id="quote-decide-form"`, "超过自动报价上限")
		rv := url.Values{"version": {fmt.Sprint(referred.Version)}, "decision": {"quote"}, "note": {"大额保单加费"}}
		rv.Set("premium", "12.345")
		qtSee(t, e.qtForm("ins1.uw", rPath+"/decide", rv), http.StatusBadRequest, "bad premium", "不是有效金额", `aria-invalid="true"`)
		rv.Set("premium", "50,000")
		if rec := e.qtForm("ins1.uw", rPath+"/decide", rv); rec.Code != http.StatusSeeOther {
			t.Fatalf("decide: %d %s", rec.Code, rec.Body)
		}
		decided := e.as("ent1.admin", "GET", rPath, "")
		qtSee(t, decided, 200, "decided quote", "核保人调整", "大额保单加费", `id="quote-trail-total">50,000.00<`, "✓", "已报价")

		// Binding waits for the pre-bind contingency.
		qtSee(t, e.as("ins1.uw", "GET", qPath, ""), 200, "quote to bind", `id="quote-bind"`, `id="quote-open-prebind"`)
		bind := url.Values{"version": {fmt.Sprint(quoted.Version + 1)}}
		qtSee(t, e.qtForm("ins1.uw", qPath+"/bind", bind), http.StatusConflict, "bind with open contingency", "承保前附加条件未满足")
		var pre *store.Contingency
		for _, c := range quoted.Contingencies {
			if c.Kind == cover.PreBind {
				pre = c
			}
		}
		if rec := e.qtForm("ins1.uw", fmt.Sprintf("%s/contingencies/%d", qPath, pre.ID), url.Values{"status": {"satisfied"}, "note": {"已收到"}}); rec.Code != http.StatusSeeOther {
			t.Fatalf("resolve: %d %s", rec.Code, rec.Body)
		}
		if rec := e.qtForm("ent1.admin", fmt.Sprintf("%s/contingencies/%d", qPath, pre.ID), url.Values{"status": {"waived"}}); rec.Code != http.StatusForbidden {
			t.Fatalf("enterprise resolves a contingency: %d", rec.Code)
		}
		bind.Set("version", fmt.Sprint(quoted.Version+2))
		rec = e.qtForm("ins1.uw", qPath+"/bind", bind)
		if rec.Code != http.StatusSeeOther || !strings.Contains(rec.Header().Get("Location"), "issued=1") {
			t.Fatalf("bind: %d %s", rec.Code, rec.Body)
		}
		polPath, _, _ := strings.Cut(rec.Header().Get("Location"), "?")
		pol, err := st.GetPolicy(entCtx, mustID(t, strings.TrimPrefix(polPath, "/policies/")))
		if err != nil {
			t.Fatal(err)
		}
		qtSee(t, e.as("ins1.uw", "GET", qtLocation(rec), ""), 200, "issued policy", "已签发", pol.Number,
			"数据泄露责任", "营业中断损失", prov.NameZH, "C00010830612020012322442", "新保", `id="endorse-form"`,
			fmt.Sprintf(`/api/v1/policies/%d/schedule.pdf"`, pol.ID))
		qtSee(t, e.as("ent1.admin", "GET", qPath, ""), 200, "bound quote", "已承保", `id="quote-policy"`)
		qtSee(t, e.as("ent1.admin", "GET", reqPath, ""), 200, "comparison after binding", "已撤回")
		for _, who := range []string{"ins2.uw", "ent2.admin"} {
			if rec := e.as(who, "GET", polPath, ""); rec.Code != http.StatusNotFound {
				t.Errorf("%s reads the policy: %d", who, rec.Code)
			}
			qtNotSee(t, e.as(who, "GET", "/policies", ""), who+"'s registry", pol.Number)
		}
		for _, who := range []string{"ent1.admin", "ins1.uw", "op.admin"} {
			qtSee(t, e.as(who, "GET", "/policies", ""), 200, who+"'s registry", pol.Number)
		}
		qtSee(t, e.as("ins1.uw", "GET", "/policies?status=cancelled", ""), 200, "filtered registry")
		qtNotSee(t, e.as("ins1.uw", "GET", "/policies?status=cancelled", ""), "filtered registry", pol.Number)
		qtSee(t, e.as("ent1.admin", "GET", polPath+"?lang=en", ""), 200, "policy in English",
			"Policy schedule (PDF)", fmt.Sprintf(`/api/v1/policies/%d/schedule.pdf?lang=en"`, pol.ID), "Data-leak liability")
		qtNotSee(t, e.as("ent1.admin", "GET", polPath, ""), "policy for the insured", `id="endorse-form"`)

		// Endorse: the pro-rata amount is shown with its trail.
		inception, _ := time.Parse(time.DateOnly, pol.InceptionDate)
		endorseOn := inception.AddDate(0, 1, 0).Format(time.DateOnly)
		ev := url.Values{"version": {fmt.Sprint(pol.Version)}, "effective_date": {endorseOn}, "limit": {"1,000,000"}, "retention": {"10000"},
			"note": {"无变化"}}
		qtSee(t, e.qtForm("ins1.uw", polPath+"/endorse", ev), http.StatusBadRequest, "empty endorsement", "批改未作任何变更")
		ev.Set("limit", "1,500,000")
		ev.Set("note", "提高限额")
		rec = e.qtForm("ins1.uw", polPath+"/endorse", ev)
		if rec.Code != http.StatusSeeOther || !strings.Contains(rec.Header().Get("Location"), "txn=") {
			t.Fatalf("endorse: %d %s", rec.Code, rec.Body)
		}
		if pol, err = st.GetPolicy(entCtx, pol.ID); err != nil {
			t.Fatal(err)
		}
		x := pol.Transactions[len(pol.Transactions)-1]
		if x.Kind != store.TxnEndorsement || x.Amount <= 0 {
			t.Fatalf("endorsement: %+v", x)
		}
		qtSee(t, e.as("ins1.uw", "GET", qtLocation(rec), ""), 200, "endorsed policy", `id="policy-done"`, "批改",
			"&#43;"+fmtYuan(x.Amount), "保费调整计算", "¥1,500,000.00", "分段 2", fmt.Sprintf(`id="txn-%d-adj-sum">&#43;%s<`, x.ID, fmtYuan(x.Amount)))

		// Cancel pro rata, then reinstate.
		cv := url.Values{"version": {fmt.Sprint(pol.Version)}, "effective_date": {inception.AddDate(0, 2, 0).Format(time.DateOnly)},
			"method": {"pro_rata"}, "reason_code": {"no_such_reason"}}
		qtSee(t, e.qtForm("ins1.uw", polPath+"/cancel", cv), http.StatusBadRequest, "bad reason", "不是已知原因")
		cv.Set("reason_code", "insured_request")
		if rec = e.qtForm("ins1.uw", polPath+"/cancel", cv); rec.Code != http.StatusSeeOther {
			t.Fatalf("cancel: %d %s", rec.Code, rec.Body)
		}
		cancelled := e.as("ins1.uw", "GET", qtLocation(rec), "")
		qtSee(t, cancelled, 200, "cancelled policy", "已退保", "按日比例", "投保人申请", `id="reinstate-form"`, "−")
		qtNotSee(t, cancelled, "cancelled policy", `id="endorse-form"`)
		qtSee(t, e.qtForm("ins1.uw", polPath+"/endorse", ev), http.StatusConflict, "endorse a cancelled policy", "已退保")
		if pol, err = st.GetPolicy(entCtx, pol.ID); err != nil {
			t.Fatal(err)
		}
		rv = url.Values{"version": {fmt.Sprint(pol.Version)}, "note": {"误退保"}}
		if rec = e.qtForm("ins1.uw", polPath+"/reinstate", rv); rec.Code != http.StatusSeeOther {
			t.Fatalf("reinstate: %d %s", rec.Code, rec.Body)
		}
		qtSee(t, e.as("ins1.uw", "GET", qtLocation(rec), ""), 200, "reinstated policy", "复效", "冲回退费", `id="endorse-form"`)

		// The insured notifies an increase in risk; the insurer acknowledges it.
		qtSee(t, e.qtForm("ent1.admin", polPath+"/notices", url.Values{"kind": {"controls_removed"}, "detail": {"短"}}),
			http.StatusBadRequest, "short notice", `aria-describedby="err-notices-detail"`)
		if rec = e.qtForm("ent1.admin", polPath+"/notices", url.Values{"kind": {"controls_removed"}, "detail": {"EDR 已于本月停用"}}); rec.Code != http.StatusSeeOther {
			t.Fatalf("notice: %d %s", rec.Code, rec.Body)
		}
		if rec = e.qtForm("ins1.uw", polPath+"/notices", url.Values{"kind": {"other"}, "detail": {"保险公司不能通知"}}); rec.Code != http.StatusForbidden {
			t.Fatalf("insurer raises a notice: %d", rec.Code)
		}
		if pol, err = st.GetPolicy(entCtx, pol.ID); err != nil || len(pol.Notices) != 1 {
			t.Fatalf("notices: %v %+v", err, pol.Notices)
		}
		ack := fmt.Sprintf("%s/notices/%d/acknowledge", polPath, pol.Notices[0].ID)
		if rec = e.qtForm("ins1.uw", ack, url.Values{"response": {"已收到，将安排复评"}}); rec.Code != http.StatusSeeOther {
			t.Fatalf("acknowledge: %d %s", rec.Code, rec.Body)
		}
		qtSee(t, e.as("ent1.admin", "GET", polPath, ""), 200, "acknowledged notice", "EDR 已于本月停用", "已确认", "已收到，将安排复评")
	})
}

// TestUIPolicyPark: a park master policy takes members, each with a certificate.
func TestUIPolicyPark(t *testing.T) {
	e := newTestEnv(t, storetest.Open(t, store.SQLite), 60)
	ins, ent := mustID(t, e.userOrg("ins2.uw")), mustID(t, e.userOrg("ent1.admin"))
	memberOrg := mustID(t, e.userOrg("ent3.admin"))
	p := e.quoteUIProduct(ins, "PARK", 0)
	entCtx, insCtx := actAs(ent, anbao.KindEnterprise, anbao.RoleAdmin), actAs(ins, anbao.KindInsurer, anbao.RoleUnderwriter)
	now := e.st.Now().In(anbao.Shanghai)
	r, err := e.st.RequestQuotes(entCtx, ent, store.QuoteRequestInput{Products: []int64{p.ID}, Kind: store.PolicyParkMaster,
		Options:       []store.QuoteOption{{Limit: 1_000_000_00, Retention: 10_000_00}},
		InceptionDate: now.AddDate(0, 0, 1).Format(time.DateOnly), RetroDate: now.AddDate(-1, 0, 0).Format(time.DateOnly)})
	if err != nil {
		t.Fatal(err)
	}
	q, err := e.st.RequestBind(entCtx, r.Quotes[0].ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range q.Contingencies {
		if c.Kind == cover.PreBind {
			if _, err := e.st.ResolveContingency(insCtx, q.ID, c.ID, store.ContWaived, ""); err != nil {
				t.Fatal(err)
			}
		}
	}
	pol, err := e.st.BindQuote(insCtx, q.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	path := fmt.Sprintf("/policies/%d", pol.ID)
	qtSee(t, e.as("ins2.uw", "GET", path, ""), 200, "park policy", `id="member-form"`)
	add := url.Values{"enterprise": {"91110000MA0000000X"}, "limit": {"200000"}, "premium": {"800"}, "joined_date": {pol.InceptionDate}}
	qtSee(t, e.qtForm("ins2.uw", path+"/members", add), http.StatusBadRequest, "unknown USCC", `aria-describedby="err-members-enterprise"`)
	add.Set("enterprise", fmt.Sprint(memberOrg))
	add.Set("limit", "200,000.5x")
	qtSee(t, e.qtForm("ins2.uw", path+"/members", add), http.StatusBadRequest, "bad limit", `aria-describedby="err-members-limit"`)
	add.Set("limit", "200000")
	if rec := e.qtForm("ins2.uw", path+"/members", add); rec.Code != http.StatusSeeOther {
		t.Fatalf("add member: %d %s", rec.Code, rec.Body)
	}
	if pol, err = e.st.GetPolicy(insCtx, pol.ID); err != nil || len(pol.Members) != 1 {
		t.Fatalf("members: %v %+v", err, pol)
	}
	m := pol.Members[0]
	cert := fmt.Sprintf("/api/v1/policies/%d/members/%d/certificate.pdf", pol.ID, m.ID)
	qtSee(t, e.as("ins2.uw", "GET", path, ""), 200, "member added", m.CertificateNo, cert)
	// The member sees the master policy with its own certificate, in the registry too.
	qtSee(t, e.as("ent3.admin", "GET", path, ""), 200, "member's view", m.CertificateNo, cert, "园区保分单")
	qtSee(t, e.as("ent3.admin", "GET", "/policies", ""), 200, "member's registry", pol.Number, "园区保分单")
	// Subsidies need a grantor and at most the premium.
	sv := url.Values{"jurisdiction": {pol.Jurisdiction}, "grantor": {"某省工业和信息化厅"}, "local_policy": {"关于网络安全保险补贴的通知"},
		"amount": {"999,999,999"}}
	qtSee(t, e.qtForm("ins2.uw", path+"/subsidies", sv), http.StatusBadRequest, "subsidy above premium", `aria-describedby="err-subsidies-amount"`)
	sv.Set("amount", "500")
	if rec := e.qtForm("ins2.uw", path+"/subsidies", sv); rec.Code != http.StatusSeeOther {
		t.Fatalf("subsidy: %d %s", rec.Code, rec.Body)
	}
	qtSee(t, e.as("ent1.admin", "GET", path, ""), 200, "subsidy", "某省工业和信息化厅", "500.00")
	// Removing the member ends its cover.
	leave := fmt.Sprintf("%s/members/%d/leave", path, m.ID)
	qtSee(t, e.qtForm("ins2.uw", leave, url.Values{"left_date": {"2001-01-01"}}), http.StatusBadRequest, "leave before joining",
		fmt.Sprintf(`aria-describedby="err-leave-%d-left_date"`, m.ID))
	left := now.AddDate(0, 3, 0).Format(time.DateOnly)
	if rec := e.qtForm("ins2.uw", leave, url.Values{"left_date": {left}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("leave: %d %s", rec.Code, rec.Body)
	}
	qtSee(t, e.as("ins2.uw", "GET", path, ""), 200, "member left", left)
	// Renewal opens 60 days before expiry: too early now, shown on the page.
	qtSee(t, e.qtForm("ins2.uw", path+"/renew", url.Values{}), http.StatusConflict, "early renewal", `class="alert alert-error"`)
}

func TestUIQuoteMoneyParsing(t *testing.T) {
	for _, c := range []struct {
		in  string
		fen int64
		ok  bool
	}{
		{"1000000", 1_000_000_00, true}, {"1,000,000", 1_000_000_00, true}, {"1,000,000.5", 1_000_000_50, true},
		{"¥12.34", 1234, true}, {" 0.01 ", 1, true}, {"0", 0, true},
		{"1.234", 0, false}, {"1,00,000", 0, false}, {"-5", 0, false}, {"1e6", 0, false}, {".5", 0, false}, {"5.", 0, false},
		{"1 000", 0, false}, {"１０", 0, false}, {"10000000000.01", 0, false}, {"99999999999999999999", 0, false},
	} {
		fen, err := parseYuanField(url.Values{"x": {c.in}}, "x", true)
		if (err == nil) != c.ok || (c.ok && fen != c.fen) {
			t.Errorf("%q: %d %v", c.in, fen, err)
		}
	}
	if _, err := parseYuanField(url.Values{}, "x", true); err == nil {
		t.Error("an empty required amount passed")
	}
	if fen, err := parseYuanField(url.Values{}, "x", false); err != nil || fen != 0 {
		t.Error("an empty optional amount failed")
	}
	for _, c := range []struct{ got, want string }{
		{fmtYuan(123456789), "1,234,567.89"}, {fmtYuan(-5), "−0.05"}, {fmtYuanSigned(100), "+1.00"}, {fmtYuanSigned(-100), "−1.00"},
		{fmtYuanSigned(0), "0.00"}, {fmtCNY(-100050), "−¥1,000.50"}, {fmtFactor(12345), "×1.2345"}, {fmtFactor(9000), "×0.9000"},
		{fmtFactor(0), ""}, {fmtRateOnLine(3500_00, 1_000_000_00), "0.35%"}, {fmtRateOnLine(1, 0), "—"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

// Every label the quote and policy pages build from a stored value exists in both languages.
func TestUIQuoteI18nFamilies(t *testing.T) {
	fam := map[string][]string{
		"ui.quotes.status.":       store.QuoteStatuses,
		"ui.quotes.kind.":         {store.PolicyStandard, store.PolicyParkMaster},
		"ui.policies.status.":     {store.PolicyActive, store.PolicyExpired, store.PolicyCancelled},
		"ui.policies.source.":     {store.SourceAnbao, store.SourceDeclared},
		"ui.policies.reason.":     store.CancelReasons,
		"ui.policies.notice.":     store.NoticeKinds,
		"ui.policies.method.":     {rating.Flat, rating.ProRata, rating.ShortRate},
		"ui.policies.txn.":        {store.TxnNewBusiness, store.TxnEndorsement, store.TxnCancellation, store.TxnReinstatement, store.TxnRenewal},
		"ui.quotes.service.":      cover.ServiceKinds,
		"ui.quotes.unit.":         {cover.UnitTimes, cover.UnitHours, cover.UnitDays},
		"ui.quotes.trigger.":      {string(cover.ClaimsMade), string(cover.Discovered), string(cover.Occurrence)},
		"ui.quotes.waiting_mode.": {cover.WaitTimeDeductible, cover.WaitTrigger},
		"ui.quotes.cont_kind.":    {cover.PreBind, cover.PostBind},
		"ui.quotes.cont_status.":  {store.ContOpen, store.ContSatisfied, store.ContWaived},
	}
	for _, pt := range cover.ProductTypes {
		fam["ui.quotes.ptype."] = append(fam["ui.quotes.ptype."], string(pt))
	}
	for prefix, vals := range fam {
		for _, v := range vals {
			for _, l := range i18n.Languages {
				if !i18n.Has(l, prefix+v) {
					t.Errorf("%s: missing %s%s", l, prefix, v)
				}
			}
		}
	}
}

// An intermediary mandated by ent1 asks for quotes on its behalf through the
// pages, and reads the comparison without any underwriting button.
func TestUIIntermediaryRequest(t *testing.T) {
	e := newTestEnv(t, storetest.Open(t, store.SQLite), 40)
	ins1, ins2 := mustID(t, e.userOrg("ins1.uw")), mustID(t, e.userOrg("ins2.uw"))
	ent1, ent2 := mustID(t, e.userOrg("ent1.admin")), mustID(t, e.userOrg("ent2.admin"))
	p1 := e.quoteUIProduct(ins1, "QT-BROKER", 0)
	if rec := e.as("ins2.uw", "GET", fmt.Sprintf("/quotes/new?enterprise=%d", ent1), ""); rec.Code != http.StatusNotFound {
		t.Fatalf("without a mandate: %d", rec.Code)
	}
	if _, err := e.st.GrantMandate(actAs(ent1, anbao.KindEnterprise, anbao.RoleAdmin), ent1, ins2); err != nil {
		t.Fatal(err)
	}
	qtSee(t, e.as("ins2.uw", "GET", "/quotes", ""), 200, "client list", fmt.Sprintf(`href="/quotes/new?enterprise=%d"`, ent1))
	qtSee(t, e.as("ins2.uw", "GET", fmt.Sprintf("/quotes/new?enterprise=%d", ent1), ""), 200, "request form for a client",
		`id="qn-for"`, p1.NameZH, fmt.Sprintf(`name="enterprise" value="%d"`, ent1))
	if rec := e.as("ins2.uw", "GET", fmt.Sprintf("/quotes/new?enterprise=%d", ent2), ""); rec.Code != http.StatusNotFound {
		t.Errorf("a form for an enterprise without a mandate: %d", rec.Code)
	}
	now := e.st.Now().In(anbao.Shanghai)
	form := url.Values{"enterprise": {fmt.Sprint(ent1)}, "product": {fmt.Sprint(p1.ID)}, "inception_date": {now.AddDate(0, 0, 1).Format(time.DateOnly)},
		"retro_date": {now.AddDate(-1, 0, 0).Format(time.DateOnly)}, "kind": {"standard"}, "options[0].limit": {"1000000"}, "options[0].retention": {"10000"}}
	rec := e.qtForm("ins2.uw", "/quotes/new", form)
	if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/quote-requests/") {
		t.Fatalf("request for a client: %d %s", rec.Code, rec.Body)
	}
	loc := rec.Header().Get("Location")
	qtSee(t, e.as("ins2.uw", "GET", loc, ""), 200, "the intermediary's comparison", p1.NameZH)
	qtSee(t, e.as("ent1.admin", "GET", loc, ""), 200, "the client's comparison", p1.NameZH)
	q, err := e.st.ListQuotes(actAs(ent1, anbao.KindEnterprise, anbao.RoleAdmin), store.QuoteFilter{})
	if err != nil || len(q.Items) == 0 {
		t.Fatalf("the client's quotes: %v", err)
	}
	if rec := e.as("ins2.uw", "GET", fmt.Sprintf("/quotes/%d", q.Items[0].ID), ""); rec.Code != 200 ||
		strings.Contains(rec.Body.String(), `id="quote-decide-form"`) || strings.Contains(rec.Body.String(), `id="quote-bind"`) {
		t.Errorf("the intermediary's quote page: %d, or it shows underwriting actions", rec.Code)
	}
}
