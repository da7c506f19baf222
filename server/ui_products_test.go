package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
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

const prodRegNo = "C00010830612020012322442"

// prodFixture creates (and publishes, unless draft) a product of insurer ins
// on the seed definition and tariff, without the seed's referral and decline
// rules, auto-quoting limits up to ¥1.5M and referring larger ones.
func (e *testEnv) prodFixture(ins int64, code string, draft bool) *store.Product {
	t := e.t
	t.Helper()
	ctx := actAs(ins, anbao.KindInsurer, anbao.RoleUnderwriter)
	def := *rating.SeedDefinition()
	def.Exclusions = nil
	cfg := rating.SeedConfig()
	cfg.Rules = slices.DeleteFunc(cfg.Rules, func(r rating.Rule) bool {
		return r.Then.Kind == rating.ActRefer || r.Then.Kind == rating.ActDecline
	})
	cfg.Envelope = rating.Envelope{MaxLimit: 1_500_000_00}
	pr, err := e.st.CreateProduct(ctx, store.ProductInput{Code: code, NameZH: "设计器产品" + code, NameEN: "Designer product " + code,
		ProductVersionInput: store.ProductVersionInput{RegistrationNo: prodRegNo, Definition: def, Rating: *cfg}})
	if err != nil {
		t.Fatal(err)
	}
	if !draft {
		if pr, err = e.st.PublishProduct(ctx, pr.ID, 0); err != nil {
			t.Fatal(err)
		}
	}
	return pr
}

// prodPost posts a web form as a demo user; htmx adds the header htmx sends.
func (e *testEnv) prodPost(user, path string, v url.Values, htmx bool) *httptest.ResponseRecorder {
	e.t.Helper()
	var hdr map[string]string
	if htmx {
		hdr = map[string]string{"HX-Request": "true"}
	}
	return e.send(user, "POST", path, "application/x-www-form-urlencoded", v.Encode(), hdr)
}

func prodCount(t *testing.T, st *store.Store, table string) int {
	t.Helper()
	var n int
	if err := st.RawDB().QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// prodValidForm is the designer's form for a new product on the seed
// definition and tariff, with one exclusion of the insurer's library.
func prodValidForm(code string) url.Values {
	def := rating.SeedDefinition()
	def.Exclusions = []cover.ClauseRef{{Code: "ui_war_test", Version: 1}}
	v := prodFormValues(nil, prodRegNo, def, rating.SeedConfig())
	v.Set("code", code)
	v.Set("name_zh", "界面测试网络安全综合保险")
	v.Set("name_en", "SME cyber combined")
	return v
}

func prodWith(base url.Values, kv ...string) url.Values {
	c := url.Values{}
	for k, vs := range base {
		c[k] = slices.Clone(vs)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		c.Set(kv[i], kv[i+1])
	}
	return c
}

var (
	prodTrailRowRE = regexp.MustCompile(`(?s)<tr class="trail-row">(.*?)</tr>`)
	prodCellRE     = regexp.MustCompile(`(?s)<td[^>]*>(.*?)</td>`)
	prodPremiumRE  = regexp.MustCompile(`id="rate-premium">¥([^<]+)<`)
	prodSumRE      = regexp.MustCompile(`id="rate-sum">([^<]+)<`)
)

// prodFen reads an amount as the pages show it (1,234.56, +1,234.56, −0.05) in 分.
func prodFen(t *testing.T, s string) int64 {
	t.Helper()
	s = strings.TrimSpace(s)
	neg := strings.HasPrefix(s, "−") || strings.HasPrefix(s, "-")
	s = strings.TrimLeft(s, "+−-¥")
	fen, ok := parseAmount(s, "yuan")
	if !ok {
		t.Fatalf("amount %q", s)
	}
	if neg {
		return -fen
	}
	return fen
}

// TestUIProductDesigner walks the insurer's product designer through the web
// pages: bad input shown on its field with nothing written, a product
// created, its draft edited and published, test-rated and retired; other
// tenants see nothing of it, and enterprises see published products without
// their rate tables.
func TestUIProductDesigner(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		e := newTestEnv(t, st, 30)
		ins1 := mustID(t, e.userOrg("ins1.uw"))
		insCtx := actAs(ins1, anbao.KindInsurer, anbao.RoleUnderwriter)
		// The demo's insurers have clause libraries and products of their own: the test's names are its own.
		if _, err := st.AddClause(insCtx, store.ClauseInput{Code: "ui_war_test", TitleZH: "界面测试战争除外",
			TitleEN: "UI test war exclusion", TextZH: "因战争、敌对行动或国家网络行动导致的损失，保险人不负责赔偿。"}); err != nil {
			t.Fatal(err)
		}

		qtSee(t, e.as("ins1.uw", "GET", "/products", ""), 200, "list", `id="product-new"`, `id="to-clauses"`)
		qtSee(t, e.as("ins1.uw", "GET", "/products/new", ""), 200, "new form", `id="product-form"`, `name="rating_json"`,
			`name="rt.base.2.4"`, `name="rt.ilf.9.factor"`, "minimum_premium", "界面测试战争除外", "营业中断损失", `value="3500"`)
		if rec := e.as("ent1.admin", "GET", "/products/new", ""); rec.Code != http.StatusForbidden {
			t.Fatalf("an enterprise on the designer: %d", rec.Code)
		}

		// Bad input is shown on its input, keeps what was typed, and writes nothing.
		base := prodValidForm("UI-SME")
		head, n := e.auditHead(), prodCount(t, st, "products")
		for _, c := range []struct {
			field, value, input, msg string
		}{
			{"min_limit", "100000.123", "min_limit", "不是有效金额"},
			{"max_limit", "-20000000", "max_limit", "不是有效金额"},
			{"cov.public_relations.sublimit", "2e5", "cov.public_relations.sublimit", "不是有效金额"},
			{"rt.band.1", "两千万", "rt.band.1", "不是有效金额"},
			{"rt.ilf.2.factor", "0.75x", "rt.ilf.2.factor", "不是有效的系数"},
			{"term_months", "十二", "term_months", "不是有效的整数"},
			{"notice_hours", "721", "notice_hours", "出险通知时限应为 1 至 720 小时"},
			{"rating_json", "{", "rating_json", "JSON 格式有误"},
			{"rating_json", `{"base_rates": []}`, "rating_json", "在上方表格中编辑"},
			// The store's errors, on the input that carries the field.
			{"cov.public_relations.sublimit", "50,000,000", "cov.public_relations.sublimit", "高于最高可选限额"},
			{"registration_no", "C123", "registration_no", "应为字母 C 加 23 位数字"},
			{"rt.base.1.2", "0", "rt.base.1.2", "超出范围"},
			{"rt.ilf.3.amount", "1", "rt.ilf.3.amount", "曲线金额须递增"},
			{"cont.1.text_zh", "短", "cont.1.text_zh", "附加条件内容应为 2 至 500 个字"},
		} {
			rec := e.prodPost("ins1.uw", "/products/new", prodWith(base, c.field, c.value), false)
			qtSee(t, rec, http.StatusBadRequest, c.field+"="+c.value, `aria-describedby="err-product-`+c.input+`"`,
				`id="err-product-`+c.input+`"`, `id="prod-error"`, c.msg, `value="界面测试网络安全综合保险"`)
			if c.field != "rating_json" {
				qtSee(t, rec, http.StatusBadRequest, c.field, `value="`+strings.ReplaceAll(c.value, `"`, "&#34;")+`"`)
			}
		}
		// A rule's message in the JSON part: the field path is named.
		cfg := rating.SeedConfig()
		cfg.Rules[0].MessageZH = " "
		rec := e.prodPost("ins1.uw", "/products/new", prodWith(base, "rating_json", prodRestJSON(cfg)), false)
		qtSee(t, rec, http.StatusBadRequest, "rule message", `id="err-product-rating_json"`, "rules[0].message_zh", "规则须有中文说明")
		if e.auditHead() != head || prodCount(t, st, "products") != n {
			t.Fatal("a refused form wrote something")
		}

		// A valid form creates the product's first draft.
		rec = e.prodPost("ins1.uw", "/products/new", base, false)
		if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/products/") {
			t.Fatalf("create: %d %.3000s", rec.Code, rec.Body)
		}
		path, _, _ := strings.Cut(rec.Header().Get("Location"), "?")
		pid := mustID(t, strings.TrimPrefix(path, "/products/"))
		pr, err := st.GetProduct(insCtx, pid)
		if err != nil || pr.Status != store.ProductDraft || len(pr.Versions) != 1 {
			t.Fatalf("created: %v %+v", err, pr)
		}
		if x := pr.Versions[0].Definition.Exclusions; len(x) != 1 || x[0].TitleZH != "界面测试战争除外" {
			t.Fatalf("exclusions %+v", x)
		}
		if got, want := pr.Versions[0].Rating.BaseRates, rating.SeedConfig().BaseRates; !slices.EqualFunc(got, want, slices.Equal) {
			t.Fatalf("base rates %v", got)
		}
		qtSee(t, e.as("ins1.uw", "GET", path, ""), 200, "draft page", `id="product-publish"`, "发布第 1 版", "草稿",
			`id="base-rate-table"`, "¥3,500.00", `id="rule-table"`, "制造业营业中断等待期为 12 小时", "界面测试战争除外",
			"营业中断损失", "8 小时（时间免赔）", `id="rate-panel"`)

		// Publish; a second publish has no draft.
		rec = e.prodPost("ins1.uw", path+"/publish", url.Values{"version": {fmt.Sprint(pr.Version)}}, false)
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("publish: %d %.2000s", rec.Code, rec.Body)
		}
		page := e.as("ins1.uw", "GET", path, "")
		qtSee(t, page, 200, "published", `id="product-status"><span class="badge pst pst-active">在售`)
		qtNotSee(t, page, "published", `id="product-publish"`)
		pr, _ = st.GetProduct(insCtx, pid)
		qtSee(t, e.prodPost("ins1.uw", path+"/publish", url.Values{"version": {fmt.Sprint(pr.Version)}}, false),
			http.StatusConflict, "publish again", "没有可发布的草稿")

		// Edit: a new draft numbered after the published version.
		qtSee(t, e.as("ins1.uw", "GET", path+"/draft", ""), 200, "draft form", `id="pf-code" name="code" value="UI-SME"`, "readonly", `name="version"`)
		edit := prodWith(base, "min_retention", "8,000.50", "version", fmt.Sprint(pr.Version))
		if rec := e.prodPost("ins1.uw", path+"/draft", edit, false); rec.Code != http.StatusSeeOther {
			t.Fatalf("save draft: %d %.3000s", rec.Code, rec.Body)
		}
		pr, _ = st.GetProduct(insCtx, pid)
		if len(pr.Versions) != 2 || pr.Versions[0].Status != store.VersionDraft || pr.Versions[0].Definition.MinRetention != 800050 ||
			pr.PublishedVersion != 1 {
			t.Fatalf("draft v2: %+v", pr.Versions[0])
		}
		// A stale form is refused with the conflict, on the form.
		qtSee(t, e.prodPost("ins1.uw", path+"/draft", edit, false), http.StatusConflict, "stale draft", `id="prod-error"`)

		// The test bench: a trail whose effects sum to the premium.
		bench := url.Values{"number": {"1"}, "industry": {"39"}, "revenue": {"30,000,000"}, "grade": {"B"}, "claims": {"1"},
			"controls": {"mfa", "edr"}, "limit": {"6,000,000"}, "retention": {"10000"}}
		rec = e.prodPost("ins1.uw", path+"/rate", bench, true)
		qtSee(t, rec, 200, "bench", `id="rate-panel"`, `id="rate-trail"`, "基准保费", "转人工核保", "超过自动报价上限",
			"制造业营业中断等待期为 12 小时", `id="rate-overrides"`, "✓")
		qtNotSee(t, rec, "bench fragment", "<html")
		body := rec.Body.String()
		var sum int64
		rows := prodTrailRowRE.FindAllStringSubmatch(body, -1)
		if len(rows) < 6 {
			t.Fatalf("trail rows: %d", len(rows))
		}
		for _, row := range rows {
			cells := prodCellRE.FindAllStringSubmatch(row[1], -1)
			if len(cells) != 7 {
				t.Fatalf("trail cells: %q", row[1])
			}
			sum += prodFen(t, cells[5][1])
		}
		premium := prodFen(t, prodPremiumRE.FindStringSubmatch(body)[1])
		if sum != premium || premium <= 0 || prodFen(t, prodSumRE.FindStringSubmatch(body)[1]) != premium {
			t.Fatalf("effects sum to %d, premium %d", sum, premium)
		}
		// Bad bench input is shown on its field; the store's option check too.
		qtSee(t, e.prodPost("ins1.uw", path+"/rate", prodWith(bench, "limit", "1e6"), true), 200, "bench money",
			`id="err-rate-limit"`, "不是有效金额", `value="1e6"`)
		qtSee(t, e.prodPost("ins1.uw", path+"/rate", prodWith(bench, "limit", "90,000,000"), true), 200, "bench range",
			`id="err-rate-limit"`)
		qtSee(t, e.prodPost("ins1.uw", path+"/rate", prodWith(bench, "limit", "1e6"), false), http.StatusBadRequest, "bench page",
			`id="err-rate-limit"`, `id="product-title"`)
		// In English the labels and the trail follow the language.
		rec = e.prodPost("ins1.uw", path+"/rate?lang=en", bench, true)
		qtSee(t, rec, 200, "bench en", "Sum of the effects = the premium", "Referred", "above the automatic-quote maximum")

		// Another insurer reads nothing of it; an enterprise does not see a draft product.
		for _, c := range []struct{ user, method, path string }{
			{"ins2.uw", "GET", path}, {"ins2.uw", "GET", path + "/draft"}, {"ins2.uw", "POST", path + "/rate"},
			{"ins2.uw", "POST", path + "/publish"}, {"ins2.uw", "POST", path + "/retire"},
		} {
			var rec *httptest.ResponseRecorder
			if c.method == "GET" {
				rec = e.as(c.user, "GET", c.path, "")
			} else {
				rec = e.prodPost(c.user, c.path, bench, false)
			}
			if rec.Code != http.StatusNotFound {
				t.Errorf("%s %s %s: %d", c.user, c.method, c.path, rec.Code)
			}
		}

		// An enterprise sees the published version, without rate tables; the operator sees them.
		for _, user := range []string{"ent1.admin", "prov1.admin"} {
			page := e.as(user, "GET", path, "")
			qtSee(t, page, 200, user, "界面测试网络安全综合保险", `id="coverage-table"`, "营业中断损失", "v1")
			qtNotSee(t, page, user, `id="rate-tables"`, `id="base-rate-table"`, `id="rate-panel"`, "base_rates", "¥3,500.00",
				"制造业营业中断等待期", `id="product-edit"`, "v2")
			qtSee(t, e.as(user, "GET", "/products?q=UI-SME", ""), 200, user+" catalogue", "界面测试网络安全综合保险")
			if rec := e.prodPost(user, path+"/rate", bench, true); rec.Code != http.StatusNotFound {
				t.Errorf("%s on the bench: %d", user, rec.Code)
			}
		}
		qtSee(t, e.as("op.admin", "GET", path, ""), 200, "operator", `id="base-rate-table"`, `id="rate-panel"`)
		qtSee(t, e.as("op.admin", "GET", fmt.Sprintf("/products?insurer=%d", ins1), ""), 200, "operator list", "UI-SME")

		// Retire: no more edits or publication.
		if rec := e.prodPost("ins1.uw", path+"/retire", url.Values{}, false); rec.Code != http.StatusSeeOther {
			t.Fatalf("retire: %d %.2000s", rec.Code, rec.Body)
		}
		page = e.as("ins1.uw", "GET", path, "")
		qtSee(t, page, 200, "retired", "已停售")
		qtNotSee(t, page, "retired", `id="product-edit"`, `id="product-retire"`, `id="product-publish"`)
		qtSee(t, e.prodPost("ins1.uw", path+"/retire", url.Values{}, false), http.StatusConflict, "retire again", "该产品已停售")
		qtNotSee(t, e.as("ent1.admin", "GET", "/products?q=UI-SME", ""), "catalogue after retiring", "界面测试网络安全综合保险")
	})
}

// TestUIProductClauses adds a clause and its second version through the library page.
func TestUIProductClauses(t *testing.T) {
	st := storetest.Open(t, store.SQLite)
	e := newTestEnv(t, st, 10)
	form := url.Values{"code": {"ui_prior_test"}, "title_zh": {"界面测试已知事件除外"}, "title_en": {"UI test prior known circumstances"},
		"text_zh": {"被保险人在保险期间开始前已知或应知的事件，保险人不负责赔偿。"}}
	qtSee(t, e.as("ins1.uw", "GET", "/products/clauses", ""), 200, "library", `id="clause-form"`)
	head := e.auditHead()
	qtSee(t, e.prodPost("ins1.uw", "/products/clauses", prodWith(form, "code", "已知"), false), http.StatusBadRequest, "bad code",
		`id="err-clause-code"`, "界面测试已知事件除外")
	if e.auditHead() != head {
		t.Fatal("a refused clause wrote something")
	}
	for range 2 {
		if rec := e.prodPost("ins1.uw", "/products/clauses", form, false); rec.Code != http.StatusSeeOther {
			t.Fatalf("add clause: %d %.2000s", rec.Code, rec.Body)
		}
	}
	qtSee(t, e.as("ins1.uw", "GET", "/products/clauses", ""), 200, "library", `id="clause-ui_prior_test"`, "v2", "共 2 个版本",
		`id="clause-form"`)
	qtNotSee(t, e.as("ins2.uw", "GET", "/products/clauses", ""), "other insurer", "ui_prior_test")
	if rec := e.as("ent1.admin", "GET", "/products/clauses", ""); rec.Code != http.StatusNotFound {
		t.Fatalf("an enterprise in a library: %d", rec.Code)
	}
	ins1 := e.userOrg("ins1.uw")
	qtSee(t, e.as("op.admin", "GET", "/products/clauses?insurer="+ins1, ""), 200, "operator", "ui_prior_test")
	qtNotSee(t, e.as("op.admin", "GET", "/products/clauses?insurer="+ins1, ""), "operator", `id="clause-form"`)
}

// TestUIUnderwritingQueue lists a referred quote with its reason, a quote
// whose bind was requested and a pending risk notice, each linking to its page.
func TestUIUnderwritingQueue(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		e := newTestEnv(t, st, 30)
		ins1, ent1 := mustID(t, e.userOrg("ins1.uw")), mustID(t, e.userOrg("ent1.admin"))
		pr := e.prodFixture(ins1, "UWQ", false)
		entCtx := actAs(ent1, anbao.KindEnterprise, anbao.RoleAdmin)
		insCtx := actAs(ins1, anbao.KindInsurer, anbao.RoleUnderwriter)
		now := st.Now().In(anbao.Shanghai)
		req, err := st.RequestQuotes(entCtx, ent1, store.QuoteRequestInput{Products: []int64{pr.ID},
			Options:       []store.QuoteOption{{Limit: 5_000_000_00, Retention: 20_000_00}, {Limit: 1_000_000_00, Retention: 10_000_00}},
			InceptionDate: now.AddDate(0, 0, 1).Format(time.DateOnly), RetroDate: now.AddDate(-1, 0, 0).Format(time.DateOnly)})
		if err != nil {
			t.Fatal(err)
		}
		var referred, quoted *store.Quote
		for _, q := range req.Quotes {
			switch q.Status {
			case store.QuoteReferred:
				referred = q
			case store.QuoteQuoted:
				quoted = q
			}
		}
		if referred == nil || quoted == nil {
			t.Fatalf("quotes: %+v", req.Quotes)
		}
		if _, err := st.RequestBind(entCtx, quoted.ID, 0); err != nil {
			t.Fatal(err)
		}

		// The demo's own referrals come first (oldest first): one page holds them all.
		rec := e.as("ins1.uw", "GET", "/underwriting?limit=500", "")
		qtSee(t, rec, 200, "queue", `id="uwq-referred"`, fmt.Sprintf(`href="/quotes/%d"`, referred.ID), referred.EnterpriseName,
			"设计器产品UWQ", "5,000,000.00", "20,000.00", "超过自动报价上限", `id="tab-bind"`)
		qtNotSee(t, rec, "queue", fmt.Sprintf(`href="/quotes/%d"`, quoted.ID))
		qtSee(t, e.as("ins1.uw", "GET", "/underwriting?limit=500&lang=en", ""), 200, "queue en", "Designer product UWQ",
			"above the automatic-quote maximum", "Underwriting queue")
		qtSee(t, e.as("ins1.uw", "GET", "/underwriting?tab=bind&limit=500", ""), 200, "bind tab", `id="uwq-bind"`,
			fmt.Sprintf(`href="/quotes/%d"`, quoted.ID), "1,000,000.00")

		// Bound, then the insured notifies a risk increase: it waits on the notices tab.
		q, err := st.GetQuote(insCtx, quoted.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range q.Contingencies {
			if c.Kind == cover.PreBind {
				if _, err := st.ResolveContingency(insCtx, q.ID, c.ID, store.ContSatisfied, "已收到"); err != nil {
					t.Fatal(err)
				}
			}
		}
		pol, err := st.BindQuote(insCtx, quoted.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.RaiseRiskNotice(entCtx, pol.ID, store.RiskNoticeInput{Kind: "controls_removed", Detail: "EDR 已于本月停用"}); err != nil {
			t.Fatal(err)
		}
		qtSee(t, e.as("ins1.uw", "GET", "/underwriting?tab=notices", ""), 200, "notices tab", `id="uwq-notices"`,
			fmt.Sprintf(`href="/policies/%d"`, pol.ID), "安全控制措施不再落实", "EDR 已于本月停用")

		// Another insurer's queue holds none of it; an enterprise has no queue.
		other := e.as("ins2.uw", "GET", "/underwriting?limit=500", "")
		qtSee(t, other, 200, "ins2 queue")
		qtNotSee(t, other, "ins2 queue", fmt.Sprintf(`href="/quotes/%d"`, referred.ID))
		qtNotSee(t, e.as("ins2.uw", "GET", "/underwriting?tab=notices", ""), "ins2 notices", "EDR 已于本月停用")
		if rec := e.as("ent1.admin", "GET", "/underwriting", ""); rec.Code != http.StatusForbidden {
			t.Fatalf("an enterprise on the queue: %d", rec.Code)
		}
	})
}

// The designer's form holds the seed product and tariff exactly: what it
// shows parses back to the same definition and configuration.
func TestUIProductFormRoundTrip(t *testing.T) {
	def, cfg := rating.SeedDefinition(), rating.SeedConfig()
	def.Exclusions = []cover.ClauseRef{}
	def.Providers = []int64{7, 9}
	def.NoticeHours = 48
	v := prodFormValues(nil, prodRegNo, def, cfg)
	v.Set("code", "RT")
	in, _, err := parseProductForm(v)
	if err != nil {
		t.Fatal(err)
	}
	byService := func(a, b cover.Entitlement) int { return strings.Compare(a.Service, b.Service) }
	slices.SortFunc(def.Entitlements, byService)
	slices.SortFunc(in.Definition.Entitlements, byService)
	for _, c := range []struct{ got, want any }{{&in.Definition, def}, {&in.Rating, cfg}} {
		g, _ := json.Marshal(c.got)
		w, _ := json.Marshal(c.want)
		if string(g) != string(w) {
			t.Errorf("round trip:\n got %s\nwant %s", g, w)
		}
	}
	if in.RegistrationNo != prodRegNo {
		t.Error(in.RegistrationNo)
	}
}

func TestUIProductParsers(t *testing.T) {
	for _, c := range []struct {
		in  string
		fen int64
		ok  bool
	}{
		{"0", 0, true}, {"12", 1200, true}, {"12.3", 1230, true}, {"12.34", 1234, true}, {"1,234,567.89", 123456789, true},
		{"¥5,000", 500000, true}, {" 7 ", 700, true}, {"100000000", 10_000_000_000, true},
		{"12.345", 0, false}, {"-5", 0, false}, {"+5", 0, false}, {"1e6", 0, false}, {"abc", 0, false}, {"", 0, false},
		{".5", 0, false}, {"5.", 0, false}, {"1,23", 0, false}, {"12,3456", 0, false}, {"1 000", 0, false}, {"１２", 0, false},
		{"10000000001", 0, false}, {"99999999999999999999", 0, false},
	} {
		fen, ok := parseYuan(c.in)
		if fen != c.fen || ok != c.ok {
			t.Errorf("parseYuan(%q) = %d %v, want %d %v", c.in, fen, ok, c.fen, c.ok)
		}
	}
	pf := &prodForm{f: url.Values{"f": {"×1.35"}, "g": {"0.0500"}, "p": {"20.5%"}, "bad": {"1.23456"}, "n": {"12"}}}
	if pf.factor("f") != 13500 || pf.factor("g") != 500 || pf.percent("p") != 2050 || pf.integer("n", true) != 12 || pf.err != nil {
		t.Fatalf("decimals: %v", pf.err)
	}
	if pf.factor("bad"); pf.err == nil {
		t.Fatal("a factor with five decimals was read")
	}
	for in, want := range map[int]string{13500: "1.35", 10000: "1", 500: "0.05", 123456: "12.3456"} {
		if got := prodFactorInput(in); got != want {
			t.Errorf("prodFactorInput(%d) = %q", in, got)
		}
	}
	m := &prodFormMap{covs: []string{"direct_loss", "public_relations"}, excls: []string{"war"}, ents: []string{"forensics"},
		conts: []int{0, 3}, bands: []int{0, 2}, classes: []int{1}, ilf: []int{0, 4}, ret: []int{2}, industry: map[string]int{"C": 1}}
	for field, want := range map[string]string{
		"definition.coverages[1].sublimit":       "cov.public_relations.sublimit",
		"definition.coverages[0].coinsurance_bp": "cov.direct_loss.coinsurance",
		"definition.coverages[0].code":           "cov.direct_loss.on",
		"definition.exclusions[0]":               "excl.war",
		"definition.providers[2]":                "providers",
		"definition.entitlements[0].value_fen":   "ent.forensics.value",
		"definition.contingencies[1].text_zh":    "cont.3.text_zh",
		"definition.max_limit":                   "max_limit",
		"rating.revenue_bands[1]":                "rt.band.2",
		"rating.base_rates[0][1]":                "rt.base.1.2",
		"rating.industry_classes.C":              "rt.class.1.ind",
		"rating.limit_factors[1].factor":         "rt.ilf.4.factor",
		"rating.retention_factors[0].amount":     "rt.ret.2.amount",
		"rating.default_class":                   "rt.default_class",
		"rating.rules[3].message_zh":             "rating_json",
		"registration_no":                        "registration_no",
	} {
		if got, _ := m.input(field); got != want {
			t.Errorf("input(%q) = %q, want %q", field, got, want)
		}
	}
	if _, path := m.input("rating.envelope.max_limit"); path != "envelope.max_limit" {
		t.Errorf("json path %q", path)
	}
}

// Every label the product pages build from a stored value exists in both languages.
func TestUIProductI18nFamilies(t *testing.T) {
	fam := map[string][]string{
		"ui.prod.status.":       {store.ProductDraft, store.ProductActive, store.ProductRetired},
		"ui.prod.vstatus.":      {store.VersionDraft, store.VersionPublished},
		"ui.prod.secprod.":      cover.SecurityProducts,
		"ui.prod.service.":      cover.ServiceKinds,
		"ui.prod.unit.":         {cover.UnitTimes, cover.UnitHours, cover.UnitDays},
		"ui.prod.trigger.":      {string(cover.ClaimsMade), string(cover.Discovered), string(cover.Occurrence)},
		"ui.prod.waiting_mode.": {cover.WaitTimeDeductible, cover.WaitTrigger},
		"ui.prod.cont_kind.":    {cover.PreBind, cover.PostBind},
		"ui.prod.side.":         {string(cover.FirstParty), string(cover.ThirdParty)},
		"ui.prod.decision.":     {rating.Quoted, rating.Referred, rating.Declined},
		"ui.prod.el.":           {rating.ELNone, rating.ELFloor, rating.ELLoading},
		"ui.prod.then.": {rating.ActWaitingPeriod, rating.ActRetentionFloor, rating.ActLimitCap, rating.ActSublimitCap, rating.ActDeductible,
			rating.ActCoinsurance, rating.ActRemoveCoverage, rating.ActSurcharge, rating.ActRefer, rating.ActDecline},
		"ui.uwq.notice.": store.NoticeKinds,
		"ui.prod.ovval.": {"included", "removed"},
		"ui.prod.rt.":    {"ilf", "ret", "ilf_amount", "ret_amount"},
		"ui.prod.f.": {"on", "sublimit", "outside", "deductible", "waiting_hours", "waiting_mode", "indemnity_days", "coinsurance",
			"trigger", "reporting_days", "defence_inside", "unit", "quantity", "value", "kind", "text_zh", "text_en", "due_days", "amount",
			"factor", "rt_ref_limit", "rt_ref_retention", "rt_default_class", "rt_table", "rt_ilf", "rt_ret", "code", "name_zh", "name_en",
			"registration_no", "type", "security_product", "min_limit", "max_limit", "min_retention", "term_months", "quote_valid_days",
			"notice_hours", "coverages", "providers", "rating_json"},
	}
	for _, pt := range cover.ProductTypes {
		fam["ui.prod.type."] = append(fam["ui.prod.type."], string(pt))
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
