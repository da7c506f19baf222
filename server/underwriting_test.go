package server

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/cover"
	"github.com/anbao/anbao/rating"
	"github.com/anbao/anbao/store"
	"github.com/anbao/anbao/store/storetest"
)

// uwProduct creates and (unless draft) publishes a product of insurer ins
// that auto-quotes anything (no referral envelope), with its clauses.
func (e *testEnv) uwProduct(ins int64, code string, draft bool) *store.Product {
	t := e.t
	t.Helper()
	ctx := actAs(ins, anbao.KindInsurer, anbao.RoleUnderwriter)
	def := *rating.SeedDefinition()
	for _, c := range def.Exclusions {
		if _, err := e.st.AddClause(ctx, store.ClauseInput{Code: c.Code, TitleZH: c.TitleZH, TitleEN: c.TitleEN,
			TextZH: "因" + c.TitleZH + "导致的损失，保险人不负责赔偿。"}); err != nil {
			t.Fatal(err)
		}
	}
	cfg := rating.SeedConfig()
	cfg.Envelope = rating.Envelope{}
	pr, err := e.st.CreateProduct(ctx, store.ProductInput{Code: code, NameZH: "矩阵产品" + code, ProductVersionInput: store.ProductVersionInput{
		RegistrationNo: "C00010830612020012322442", Definition: def, Rating: *cfg}})
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

// uwBound has enterprise ent request a quote on product pid, and binds it
// unless open; it returns the request, the quote and the policy (nil when open).
func (e *testEnv) uwBound(ent, ins, pid int64, limit int64, open bool) (*store.QuoteRequest, *store.Quote, *store.Policy) {
	t := e.t
	t.Helper()
	entCtx := actAs(ent, anbao.KindEnterprise, anbao.RoleAdmin)
	insCtx := actAs(ins, anbao.KindInsurer, anbao.RoleUnderwriter)
	today := e.st.Now().In(anbao.Shanghai)
	r, err := e.st.RequestQuotes(entCtx, ent, store.QuoteRequestInput{Products: []int64{pid},
		Options:       []store.QuoteOption{{Limit: limit, Retention: 1_000_000}},
		InceptionDate: today.AddDate(0, 0, 1).Format("2006-01-02"), RetroDate: today.AddDate(-1, 0, 0).Format("2006-01-02")})
	if err != nil {
		t.Fatal(err)
	}
	q := r.Quotes[0]
	if open {
		return r, q, nil
	}
	if q, err = e.st.RequestBind(entCtx, q.ID, 0); err != nil {
		t.Fatal(err)
	}
	for _, c := range q.Contingencies {
		if c.Kind == cover.PreBind {
			if q, err = e.st.ResolveContingency(insCtx, q.ID, c.ID, store.ContSatisfied, "矩阵"); err != nil {
				t.Fatal(err)
			}
		}
	}
	pol, err := e.st.BindQuote(insCtx, q.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	return r, q, pol
}

// underwritingFixtures gives ins1 a published product, a draft and a
// retired one; ins2 a product; ent1 an open quote with ins1 and a bound
// policy with an acknowledged risk notice; the foreign enterprise the same
// with ins2.
func (e *testEnv) underwritingFixtures(f *fixtures) {
	t := e.t
	ins1, ins2 := mustID(t, f.vals["ins1"]), mustID(t, f.vals["ins2"])
	ent1, foreign := mustID(t, f.vals["ent1"]), mustID(t, f.vals["foreign_ent"])
	p1 := e.uwProduct(ins1, "M1", false)
	draft := e.uwProduct(ins1, "M1-DRAFT", true)
	retired := e.uwProduct(ins1, "M1-OLD", false)
	if _, err := e.st.RetireProduct(actAs(ins1, anbao.KindInsurer, anbao.RoleAdmin), retired.ID); err != nil {
		t.Fatal(err)
	}
	p2 := e.uwProduct(ins2, "M2", false)
	f.vals["ins1_product"], f.vals["ins1_draft"], f.vals["ins1_retired"], f.vals["ins2_product"] =
		fmt.Sprint(p1.ID), fmt.Sprint(draft.ID), fmt.Sprint(retired.ID), fmt.Sprint(p2.ID)
	for _, who := range []struct {
		key       string
		ent, ins  int64
		product   int64
		entLookup string
	}{{"ent1", ent1, ins1, p1.ID, "ent1"}, {"foreign", foreign, ins2, p2.ID, "foreign_ent"}} {
		r, q, _ := e.uwBound(who.ent, who.ins, who.product, 2_000_000_00, true)
		_, bq, pol := e.uwBound(who.ent, who.ins, who.product, 1_000_000_00, false)
		n, err := e.st.RaiseRiskNotice(actAs(who.ent, anbao.KindEnterprise, anbao.RoleAdmin), pol.ID,
			store.RiskNoticeInput{Kind: "mlps_level_lost", Detail: who.key + "矩阵风险通知"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.st.AcknowledgeRiskNotice(actAs(who.ins, anbao.KindInsurer, anbao.RoleUnderwriter), n.ID, "已收到"); err != nil {
			t.Fatal(err)
		}
		var cont int64
		for _, c := range bq.Contingencies {
			if c.Kind == cover.PreBind {
				cont = c.ID
			}
		}
		f.vals[who.key+"_req"], f.vals[who.key+"_quote"], f.vals[who.key+"_bound_quote"] = fmt.Sprint(r.ID), fmt.Sprint(q.ID), fmt.Sprint(bq.ID)
		f.vals[who.key+"_cont"], f.vals[who.key+"_policy"], f.vals[who.key+"_policy_no"] = fmt.Sprint(cont), fmt.Sprint(pol.ID), pol.Number
		f.vals[who.key+"_notice"] = fmt.Sprint(n.ID)
	}
}

// underwritingMatrixCases are the access-matrix rows of the underwriting API.
func underwritingMatrixCases() []matrixCase {
	statuses := func(def int, kv ...any) map[string]int {
		m := map[string]int{"anon": 401, "*": def}
		for i := 0; i < len(kv); i += 2 {
			for _, r := range kv[i].([]string) {
				m[r] = kv[i+1].(int)
			}
		}
		return m
	}
	ins1 := []string{"ins1.admin", "ins1.uw", "ins1.claims"}
	uw := []string{"ins1.admin", "ins1.uw"}
	ent := []string{"ent1.admin", "ent1.member"}
	ops := []string{"op.admin", "op.auditor"}
	regs := []string{"miit.admin", "reg.admin", "reg.analyst", "regx.admin"}
	prov := []string{"prov1.admin", "prov1.analyst"}
	expert := []string{"op.expert"}
	cat := func(xs ...[]string) []string {
		var out []string
		for _, x := range xs {
			out = append(out, x...)
		}
		return out
	}
	// Products: published ones readable by all but the operator's experts;
	// rate tables and drafts by the insurer, the operator and regulators.
	prodAll := statuses(200, expert, 403)
	prodOther := statuses(200, expert, 403, ins1, 404)
	prodDraft := statuses(404, expert, 403, ins1, 200, ops, 200, regs, 200)
	rates := cat(ins1, ops, regs)
	// Quotes: the enterprise and the insurer (not its claims handlers), the operator's readers.
	quoteReaders := cat([]string{"ins1.admin", "ins1.uw"}, ent, ops)
	quoteNo := cat(expert, regs, prov, []string{"ins1.claims"})
	quoteOwn := statuses(404, quoteReaders, 200, quoteNo, 403)
	quoteForeign := statuses(404, ops, 200, quoteNo, 403)
	// Policies: the registry for regulators within jurisdiction.
	polNo := cat(expert, prov)
	polReaders1 := cat(ins1, ent, ops, []string{"miit.admin", "reg.admin", "reg.analyst"})
	polReadersX := cat(ops, []string{"miit.admin", "regx.admin"})
	polOwn := statuses(404, polReaders1, 200, polNo, 403)
	polForeign := statuses(404, polReadersX, 200, polNo, 403)
	manage := func(own int) map[string]int { return statuses(403, uw, own) }
	bothQuote := cat(uw, ent)
	future := `"2099-01-01"`
	return []matrixCase{
		{route: "GET /api/v1/underwriting/catalog", path: "/api/v1/underwriting/catalog", want: statuses(200, expert, 403)},
		{route: "GET /api/v1/products", path: "/api/v1/products?limit=500", want: statuses(200, expert, 403),
			marker: "矩阵产品M1-DRAFT", see: cat(ins1, ops, regs)},
		{route: "POST /api/v1/products", path: "/api/v1/products", body: `{"code":"X","name_zh":"矩阵"}`, want: manage(400)},
		{route: "GET /api/v1/products/{pid}", path: "/api/v1/products/{ins1_product}", want: prodAll, marker: `"base_rates"`, see: rates},
		{route: "GET /api/v1/products/{pid}", path: "/api/v1/products/{ins2_product}", want: prodOther, marker: `"base_rates"`, see: cat(ops, regs)},
		{route: "GET /api/v1/products/{pid}", path: "/api/v1/products/{ins1_draft}", want: prodDraft},
		{route: "GET /api/v1/products/{pid}/versions/{n}", path: "/api/v1/products/{ins1_product}/versions/1", want: prodAll},
		{route: "GET /api/v1/products/{pid}/versions/{n}", path: "/api/v1/products/{ins2_product}/versions/1", want: prodOther},
		{route: "PUT /api/v1/products/{pid}/draft", path: "/api/v1/products/{ins1_product}/draft", body: `{"registration_no":"X"}`, want: manage(400)},
		{route: "PUT /api/v1/products/{pid}/draft", path: "/api/v1/products/{ins2_product}/draft", body: `{"registration_no":"X"}`, want: manage(400)},
		{route: "POST /api/v1/products/{pid}/publish", path: "/api/v1/products/{ins1_product}/publish", want: manage(409)},
		{route: "POST /api/v1/products/{pid}/publish", path: "/api/v1/products/{ins2_product}/publish", want: manage(404)},
		{route: "POST /api/v1/products/{pid}/retire", path: "/api/v1/products/{ins1_retired}/retire", want: manage(409)},
		{route: "POST /api/v1/products/{pid}/retire", path: "/api/v1/products/{ins2_product}/retire", want: manage(404)},
		{route: "POST /api/v1/products/{pid}/rate", path: "/api/v1/products/{ins1_product}/rate", body: `{"input":{"industry":"65","limit":0}}`,
			want: statuses(404, expert, 403, rates, 400)},
		{route: "POST /api/v1/products/{pid}/rate", path: "/api/v1/products/{ins2_product}/rate", body: `{"input":{"industry":"65","limit":0}}`,
			want: statuses(404, expert, 403, cat(ops, regs), 400)},
		{route: "GET /api/v1/insurers/{id}/clauses", path: "/api/v1/insurers/{ins1}/clauses", want: statuses(404, expert, 403, rates, 200)},
		{route: "GET /api/v1/insurers/{id}/clauses", path: "/api/v1/insurers/{ins2}/clauses", want: statuses(404, expert, 403, cat(ops, regs), 200)},
		{route: "POST /api/v1/clauses", path: "/api/v1/clauses", body: `{"code":"?","title_zh":"矩阵"}`, want: manage(400)},

		// An insurer's admins and underwriters may ask as an intermediary, under a mandate none holds here.
		{route: "POST /api/v1/enterprises/{id}/quote-requests", path: "/api/v1/enterprises/{ent1}/quote-requests", body: `{"products":[]}`,
			want: statuses(403, ent, 400, uw, 404)},
		{route: "POST /api/v1/enterprises/{id}/quote-requests", path: "/api/v1/enterprises/{foreign_ent}/quote-requests", body: `{"products":[]}`,
			want: statuses(403, cat(ent, uw), 404)},
		{route: "GET /api/v1/enterprises/{id}/intermediaries", path: "/api/v1/enterprises/{ent1}/intermediaries",
			want: statuses(404, cat(ent, ops, expert), 200)},
		{route: "GET /api/v1/enterprises/{id}/intermediaries", path: "/api/v1/enterprises/{foreign_ent}/intermediaries",
			want: statuses(404, cat(ops, expert), 200)},
		{route: "POST /api/v1/enterprises/{id}/intermediaries", path: "/api/v1/enterprises/{ent1}/intermediaries", body: `{"intermediary_id":{prov1}}`,
			want: statuses(403, []string{"ent1.admin"}, 400)},
		{route: "POST /api/v1/enterprises/{id}/intermediaries", path: "/api/v1/enterprises/{foreign_ent}/intermediaries", body: `{"intermediary_id":{ins1}}`,
			want: statuses(403, []string{"ent1.admin"}, 404)},
		{route: "DELETE /api/v1/enterprises/{id}/intermediaries/{org}", path: "/api/v1/enterprises/{ent1}/intermediaries/{ins2}",
			want: statuses(403, []string{"ent1.admin"}, 404)},
		{route: "DELETE /api/v1/enterprises/{id}/intermediaries/{org}", path: "/api/v1/enterprises/{foreign_ent}/intermediaries/{ins1}",
			want: statuses(403, []string{"ent1.admin"}, 404)},
		{route: "GET /api/v1/quote-requests/{rid}", path: "/api/v1/quote-requests/{ent1_req}", want: quoteOwn},
		{route: "GET /api/v1/quote-requests/{rid}", path: "/api/v1/quote-requests/{foreign_req}", want: quoteForeign},
		{route: "GET /api/v1/quotes", path: "/api/v1/quotes?limit=500", want: statuses(200, quoteNo, 403),
			marker: `"id":{ent1_quote},`, see: quoteReaders},
		{route: "GET /api/v1/quotes/{qid}", path: "/api/v1/quotes/{ent1_quote}", want: quoteOwn, marker: `"trail"`, see: quoteReaders},
		{route: "GET /api/v1/quotes/{qid}", path: "/api/v1/quotes/{foreign_quote}", want: quoteForeign},
		{route: "PUT /api/v1/quotes/{qid}", path: "/api/v1/quotes/{ent1_quote}", body: `{"limit":1,"inception_date":"2001-01-01"}`,
			want: statuses(403, bothQuote, 400)},
		{route: "PUT /api/v1/quotes/{qid}", path: "/api/v1/quotes/{foreign_quote}", body: `{"limit":100000000,"retention":1000000,"inception_date":` +
			future + `}`, want: statuses(403, bothQuote, 400)},
		{route: "POST /api/v1/quotes/{qid}/rate", path: "/api/v1/quotes/{ent1_quote}/rate", want: statuses(403, bothQuote, 409)},
		{route: "POST /api/v1/quotes/{qid}/rate", path: "/api/v1/quotes/{foreign_quote}/rate", want: statuses(403, bothQuote, 404)},
		{route: "POST /api/v1/quotes/{qid}/decision", path: "/api/v1/quotes/{ent1_quote}/decision", body: `{"decision":"quote","note":"矩阵"}`,
			want: manage(409)},
		{route: "POST /api/v1/quotes/{qid}/decision", path: "/api/v1/quotes/{foreign_quote}/decision", body: `{"decision":"quote","note":"矩阵"}`,
			want: manage(404)},
		{route: "POST /api/v1/quotes/{qid}/withdraw", path: "/api/v1/quotes/{ent1_bound_quote}/withdraw", want: statuses(403, bothQuote, 409)},
		{route: "POST /api/v1/quotes/{qid}/withdraw", path: "/api/v1/quotes/{foreign_quote}/withdraw", want: statuses(403, bothQuote, 404)},
		{route: "POST /api/v1/quotes/{qid}/bind-request", path: "/api/v1/quotes/{ent1_bound_quote}/bind-request",
			want: statuses(403, []string{"ent1.admin"}, 409)},
		{route: "POST /api/v1/quotes/{qid}/bind-request", path: "/api/v1/quotes/{foreign_quote}/bind-request",
			want: statuses(403, []string{"ent1.admin"}, 404)},
		{route: "POST /api/v1/quotes/{qid}/bind", path: "/api/v1/quotes/{ent1_bound_quote}/bind", want: manage(409)},
		{route: "POST /api/v1/quotes/{qid}/bind", path: "/api/v1/quotes/{foreign_bound_quote}/bind", want: manage(404)},
		{route: "POST /api/v1/quotes/{qid}/contingencies/{cid}", path: "/api/v1/quotes/{ent1_bound_quote}/contingencies/{ent1_cont}",
			body: `{"status":"waived"}`, want: manage(409)},
		{route: "POST /api/v1/quotes/{qid}/contingencies/{cid}", path: "/api/v1/quotes/{foreign_bound_quote}/contingencies/{foreign_cont}",
			body: `{"status":"waived"}`, want: manage(404)},

		{route: "GET /api/v1/policies", path: "/api/v1/policies?limit=500", want: statuses(200, polNo, 403),
			marker: "{ent1_policy_no}", see: polReaders1},
		{route: "GET /api/v1/policies/{polid}", path: "/api/v1/policies/{ent1_policy}", want: polOwn, marker: "矩阵风险通知", see: polReaders1},
		{route: "GET /api/v1/policies/{polid}", path: "/api/v1/policies/{foreign_policy}", want: polForeign},
		{route: "POST /api/v1/policies/{polid}/endorsements", path: "/api/v1/policies/{ent1_policy}/endorsements", body: `{"note":"矩阵"}`,
			want: manage(400)},
		{route: "POST /api/v1/policies/{polid}/endorsements", path: "/api/v1/policies/{foreign_policy}/endorsements",
			body: `{"note":"矩阵","effective_date":` + future + `,"limit":300000000,"retention":1000000}`, want: manage(404)},
		{route: "POST /api/v1/policies/{polid}/cancel", path: "/api/v1/policies/{ent1_policy}/cancel", body: `{"reason_code":"bored"}`,
			want: manage(400)},
		{route: "POST /api/v1/policies/{polid}/cancel", path: "/api/v1/policies/{foreign_policy}/cancel",
			body: `{"reason_code":"other","method":"pro_rata","effective_date":` + future + `}`, want: manage(404)},
		{route: "POST /api/v1/policies/{polid}/reinstate", path: "/api/v1/policies/{ent1_policy}/reinstate", body: `{"note":"矩阵"}`, want: manage(409)},
		{route: "POST /api/v1/policies/{polid}/reinstate", path: "/api/v1/policies/{foreign_policy}/reinstate", body: `{"note":"矩阵"}`, want: manage(404)},
		{route: "POST /api/v1/policies/{polid}/renew", path: "/api/v1/policies/{ent1_policy}/renew", want: manage(409)},
		{route: "POST /api/v1/policies/{polid}/renew", path: "/api/v1/policies/{foreign_policy}/renew", want: manage(404)},
		{route: "POST /api/v1/policies/{polid}/members", path: "/api/v1/policies/{ent1_policy}/members",
			body: `{"enterprise_id":{foreign_ent},"limit":100,"joined_date":` + future + `}`, want: manage(409)},
		{route: "POST /api/v1/policies/{polid}/members", path: "/api/v1/policies/{foreign_policy}/members",
			body: `{"enterprise_id":{ent1},"limit":100,"joined_date":` + future + `}`, want: manage(404)},
		{route: "POST /api/v1/policies/{polid}/members/{mid}/leave", path: "/api/v1/policies/{ent1_policy}/members/999999/leave",
			body: `{"left_date":` + future + `}`, want: manage(404)},
		{route: "POST /api/v1/policies/{polid}/subsidies", path: "/api/v1/policies/{ent1_policy}/subsidies",
			body: `{"jurisdiction":"11","grantor":"矩阵","local_policy":"矩阵补贴政策","amount":0}`, want: manage(400)},
		{route: "POST /api/v1/policies/{polid}/subsidies", path: "/api/v1/policies/{foreign_policy}/subsidies",
			body: `{"jurisdiction":"11","grantor":"矩阵","local_policy":"矩阵补贴政策","amount":1}`, want: manage(404)},
		{route: "POST /api/v1/policies/{polid}/notices", path: "/api/v1/policies/{ent1_policy}/notices", body: `{"kind":"bogus","detail":"矩阵通知"}`,
			want: statuses(403, []string{"ent1.admin"}, 400)},
		{route: "POST /api/v1/policies/{polid}/notices", path: "/api/v1/policies/{foreign_policy}/notices",
			body: `{"kind":"other","detail":"矩阵通知内容"}`, want: statuses(403, []string{"ent1.admin"}, 404)},
		{route: "GET /api/v1/risk-notices", path: "/api/v1/risk-notices", want: statuses(200, polNo, 403),
			marker: "ent1矩阵风险通知", see: polReaders1},
		{route: "POST /api/v1/risk-notices/{nid}/acknowledge", path: "/api/v1/risk-notices/{ent1_notice}/acknowledge", body: `{"response":"矩阵"}`,
			want: manage(409)},
		{route: "POST /api/v1/risk-notices/{nid}/acknowledge", path: "/api/v1/risk-notices/{foreign_notice}/acknowledge", body: `{"response":"矩阵"}`,
			want: manage(404)},
	}
}

func TestUnderwritingAPI(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		e := newTestEnv(t, st, 60)
		ins1 := mustID(t, e.userOrg("ins1.admin"))
		pr := e.uwProduct(ins1, "API-1", false)
		ent1 := e.userOrg("ent1.admin")
		today := st.Now().In(anbao.Shanghai)
		inception := today.AddDate(0, 0, 7).Format("2006-01-02")
		retro := today.AddDate(-1, 0, 0).Format("2006-01-02")

		// Bad input: a clear error naming the field, nothing written.
		before := countRows(t, st, "quotes")
		rec := e.as("ent1.admin", "POST", "/api/v1/enterprises/"+ent1+"/quote-requests",
			fmt.Sprintf(`{"products":[%d],"options":[{"limit":100000000,"retention":100000000}],"inception_date":%q,"retro_date":%q}`, pr.ID, inception, retro))
		if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), `"field":"options[0].retention"`) {
			t.Errorf("retention = limit: %d %s", rec.Code, rec.Body)
		}
		if countRows(t, st, "quotes") != before {
			t.Error("a refused request wrote quotes")
		}

		// The whole path by API: request, compare, bind request, contingency, bind, policy.
		rec = e.as("ent1.admin", "POST", "/api/v1/enterprises/"+ent1+"/quote-requests",
			fmt.Sprintf(`{"products":[%d],"options":[{"limit":100000000,"retention":1000000},{"limit":300000000,"retention":2000000}],"inception_date":%q,"retro_date":%q}`,
				pr.ID, inception, retro))
		if rec.Code != http.StatusCreated {
			t.Fatalf("request: %d %s", rec.Code, rec.Body)
		}
		req := decodeBody[store.QuoteRequest](t, rec)
		if len(req.Quotes) != 2 || req.Quotes[0].Premium >= req.Quotes[1].Premium {
			t.Fatalf("comparison: %+v", req.Quotes)
		}
		q := req.Quotes[0]
		rec = e.as("ent1.admin", "POST", fmt.Sprintf("/api/v1/quotes/%d/bind-request", q.ID), "")
		if rec.Code != http.StatusOK {
			t.Fatalf("bind request: %d %s", rec.Code, rec.Body)
		}
		rec = e.as("ins1.uw", "POST", fmt.Sprintf("/api/v1/quotes/%d/bind", q.ID), "")
		if rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), "承保前附加条件") {
			t.Errorf("bind with open contingencies: %d %s", rec.Code, rec.Body)
		}
		got := decodeBody[store.Quote](t, e.as("ins1.uw", "GET", fmt.Sprintf("/api/v1/quotes/%d", q.ID), ""))
		for _, c := range got.Contingencies {
			if c.Kind == cover.PreBind {
				rec = e.as("ins1.uw", "POST", fmt.Sprintf("/api/v1/quotes/%d/contingencies/%d", q.ID, c.ID), `{"status":"satisfied","note":"已收到"}`)
				if rec.Code != http.StatusOK {
					t.Fatalf("contingency: %d %s", rec.Code, rec.Body)
				}
			}
		}
		rec = e.as("ins1.uw", "POST", fmt.Sprintf("/api/v1/quotes/%d/bind", q.ID), "")
		if rec.Code != http.StatusCreated {
			t.Fatalf("bind: %d %s", rec.Code, rec.Body)
		}
		pol := decodeBody[store.Policy](t, rec)
		if pol.Premium != q.Premium || !strings.HasPrefix(pol.Number, "AB") {
			t.Errorf("policy %s premium %d, quote %d", pol.Number, pol.Premium, q.Premium)
		}
		// Another insurer's underwriter cannot see it; the enterprise can.
		if rec := e.as("ins2.uw", "GET", fmt.Sprintf("/api/v1/policies/%d", pol.ID), ""); rec.Code != http.StatusNotFound {
			t.Errorf("ins2 reads ins1's policy: %d", rec.Code)
		}
		if rec := e.as("ent1.member", "GET", fmt.Sprintf("/api/v1/policies/%d", pol.ID), ""); rec.Code != http.StatusOK {
			t.Errorf("ent1 reads its policy: %d", rec.Code)
		}
		// The catalogue carries the taxonomy and a seed configuration that validates.
		cat := decodeBody[UnderwritingCatalog](t, e.as("ins1.uw", "GET", "/api/v1/underwriting/catalog", ""))
		if len(cat.Coverages) != len(cover.Kinds) || cat.SeedRating == nil || len(cat.SeedRating.Validate()) != 0 {
			t.Errorf("catalogue: %d coverages", len(cat.Coverages))
		}
	})
}

func countRows(t *testing.T, st *store.Store, table string) int {
	t.Helper()
	var n int
	if err := st.RawDB().QueryRowContext(context.Background(), "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
