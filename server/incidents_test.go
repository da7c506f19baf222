package server

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/claims"
	"github.com/anbao/anbao/incident"
	"github.com/anbao/anbao/rating"
	"github.com/anbao/anbao/store"
	"github.com/anbao/anbao/store/storetest"
)

// rosterProduct is a published product of insurer ins whose approved
// roster is providers.
func (e *testEnv) rosterProduct(ins int64, code string, providers ...int64) *store.Product {
	t := e.t
	t.Helper()
	ctx := actAs(ins, anbao.KindInsurer, anbao.RoleUnderwriter)
	def := *rating.SeedDefinition()
	def.Providers = providers
	cfg := rating.SeedConfig()
	cfg.Envelope = rating.Envelope{}
	pr, err := e.st.CreateProduct(ctx, store.ProductInput{Code: code, NameZH: "矩阵应急产品" + code, ProductVersionInput: store.ProductVersionInput{
		RegistrationNo: "C00010830612020012322442", Definition: def, Rating: *cfg}})
	if err != nil {
		t.Fatal(err)
	}
	if pr, err = e.st.PublishProduct(ctx, pr.ID, 0); err != nil {
		t.Fatal(err)
	}
	return pr
}

// incidentFixtures gives ent1 (policy at ins1, prov1 on the roster) and the
// foreign enterprise (policy at ins2, prov2 on the roster) each an incident
// with a dispatch acknowledged by the provider, an evidence file, and a
// claim approved and partly paid. The policies start tomorrow, so the
// fixtures are made with the clock 36 hours ahead.
func (e *testEnv) incidentFixtures(f *fixtures) {
	t := e.t
	prov2 := e.userOrg("prov2.admin")
	for _, who := range []struct {
		key           string
		ent, ins, prv int64
	}{
		{"ent1", mustID(t, f.vals["ent1"]), mustID(t, f.vals["ins1"]), mustID(t, f.vals["prov1"])},
		{"foreign", mustID(t, f.vals["foreign_ent"]), mustID(t, f.vals["ins2"]), mustID(t, prov2)},
	} {
		pr := e.rosterProduct(who.ins, "IR-"+who.key, who.prv)
		_, _, pol := e.uwBound(who.ent, who.ins, pr.ID, 1_000_000_00, false)
		now := e.st.Now
		e.st.Now = func() time.Time { return now().Add(36 * time.Hour) }
		entCtx := actAs(who.ent, anbao.KindEnterprise, anbao.RoleAdmin)
		insCtx := actAs(who.ins, anbao.KindInsurer, anbao.RoleClaimsHandler)
		at := e.st.Now().Add(-2 * time.Hour).Format(time.RFC3339)
		inc, err := e.st.ReportIncident(entCtx, who.ent, store.IncidentInput{PolicyID: pol.ID, Title: who.key + "矩阵事件",
			Category: incident.CategoryNetworkAttack, SubCategory: incident.SubDenialOfService, OccurredAt: at, DiscoveredAt: at,
			OperatorType: "other", Details: store.IncidentDetails{AffectedSystems: "官网"}, NotifyInsurer: true})
		if err != nil {
			t.Fatal(err)
		}
		if inc, err = e.st.DispatchProvider(entCtx, inc.ID, store.DispatchInput{ProviderID: who.prv, Mode: store.ModeRemote}); err != nil {
			t.Fatal(err)
		}
		d := inc.Dispatches[0]
		if _, err = e.st.StepDispatch(actAs(who.prv, anbao.KindProvider, anbao.RoleAdmin), d.ID, "acknowledge", store.DispatchStepInput{}); err != nil {
			t.Fatal(err)
		}
		content := []byte("matrix evidence of " + who.key)
		sum := sha256.Sum256(content)
		if inc, err = e.st.AddEvidence(entCtx, inc.ID, store.EvidenceInput{Kind: "log", Name: "web.log", Content: content}); err != nil {
			t.Fatal(err)
		}
		c, err := e.st.OpenClaim(entCtx, inc.ID, store.ClaimInput{Items: []store.ClaimItem{{Item: claims.Item{ID: "r", Kind: "data_restoration",
			Coverage: "data_restoration", Amount: 100_000_00}}}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err = e.st.AssessClaim(insCtx, c.ID, store.AssessInput{}); err != nil {
			t.Fatal(err)
		}
		if _, err = e.st.ApproveClaim(insCtx, c.ID, "", 0); err != nil {
			t.Fatal(err)
		}
		if c, err = e.st.PayClaim(insCtx, c.ID, store.PaymentInput{Amount: 10_000_00, Key: "k1"}); err != nil {
			t.Fatal(err)
		}
		e.st.Now = now
		f.vals[who.key+"_incident"], f.vals[who.key+"_dispatch"], f.vals[who.key+"_inc_evidence"] = fmt.Sprint(inc.ID), fmt.Sprint(d.ID),
			fmt.Sprint(inc.Evidence[0].ID)
		f.vals[who.key+"_evidence_sha"], f.vals[who.key+"_claim"], f.vals[who.key+"_claim_no"] = hex.EncodeToString(sum[:]),
			fmt.Sprint(c.ID), c.Number
		f.vals[who.key+"_ir_policy"], f.vals[who.key+"_prov"] = fmt.Sprint(pol.ID), fmt.Sprint(who.prv)
	}
}

// incidentMatrixCases are the access-matrix rows of the incident and claim
// API: every route against ent1's records (whose insurer is ins1 and whose
// dispatched provider is prov1) and the foreign enterprise's (ins2, prov2).
// Writes send valid bodies that stop on a state or version conflict, so a
// 409 means "allowed, reached the record" and 404 "not in scope".
func incidentMatrixCases() []matrixCase {
	statuses := func(def int, kv ...any) map[string]int {
		m := map[string]int{"anon": 401, "*": def}
		for i := 0; i < len(kv); i += 2 {
			for _, r := range kv[i].([]string) {
				m[r] = kv[i+1].(int)
			}
		}
		return m
	}
	ent := []string{"ent1.admin", "ent1.member"}
	ins1 := []string{"ins1.admin", "ins1.uw", "ins1.claims"}
	handlers := []string{"ins1.admin", "ins1.claims"}
	prov := []string{"prov1.admin", "prov1.analyst"}
	cat := func(xs ...[]string) []string {
		var out []string
		for _, x := range xs {
			out = append(out, x...)
		}
		return out
	}
	readers := cat(ent, ins1, prov)
	// Reading: the parties of the incident; everyone else either may not read incidents at all (403) or not this one (404).
	readOwn := statuses(403, readers, 200)
	readForeign := statuses(403, readers, 404)
	// Reporting: the enterprise and its engaged provider; on an incident the
	// enterprise reported, a provider only dispatched to it may not act for it (403).
	reporters := cat(ent, prov)
	stepOwn := func(roles []string, own int) map[string]int { return statuses(403, roles, own) }
	stepForeign := func(roles []string) map[string]int { return statuses(403, roles, 404) }
	dispatchers := cat(ent, handlers)
	evidence := cat(ent, prov, handlers)
	claimReaders := cat(ent, ins1)
	opener := cat([]string{"ent1.admin"}, handlers)
	validUpdate := `{"title":"矩阵事件","category":"NA","sub_category":"NADOS","operator_type":"other","details":{"affected_systems":"官网"},"version":999}`
	summary := `{"cause":"原因","measures":"措施","harm":"危害","accountability":"追责","rectification":"整改","lessons":"教训","version":999}`
	items := `{"items":[{"id":"r","kind":"data_restoration","coverage":"data_restoration","amount":100}]`
	cases := []matrixCase{
		{route: "GET /api/v1/incidents/catalog", path: "/api/v1/incidents/catalog", want: statuses(200), marker: "MPRANS",
			see: cat(readers, []string{"op.admin", "op.auditor", "op.expert", "miit.admin", "reg.admin", "reg.analyst", "regx.admin"})},
		{route: "GET /api/v1/incidents", path: "/api/v1/incidents?limit=500", want: statuses(403, readers, 200),
			marker: "ent1矩阵事件", see: readers},
		{route: "GET /api/v1/incidents", path: "/api/v1/incidents?limit=500", want: statuses(403, readers, 200),
			marker: "foreign矩阵事件", see: nil},
		{route: "POST /api/v1/enterprises/{id}/incidents", path: "/api/v1/enterprises/{ent1}/incidents", body: `{}`,
			want: stepOwn(reporters, 400)},
		{route: "POST /api/v1/enterprises/{id}/incidents", path: "/api/v1/enterprises/{foreign_ent}/incidents", body: `{}`,
			want: stepForeign(reporters)},
		{route: "GET /api/v1/incidents/{iid}", path: "/api/v1/incidents/{ent1_incident}", want: readOwn, marker: "ent1矩阵事件", see: readers},
		{route: "GET /api/v1/incidents/{iid}", path: "/api/v1/incidents/{foreign_incident}", want: readForeign},
		{route: "PUT /api/v1/incidents/{iid}", path: "/api/v1/incidents/{ent1_incident}", body: validUpdate, want: stepOwn(ent, 409)},
		{route: "PUT /api/v1/incidents/{iid}", path: "/api/v1/incidents/{foreign_incident}", body: validUpdate, want: stepForeign(reporters)},
		{route: "POST /api/v1/incidents/{iid}/notify-insurer", path: "/api/v1/incidents/{ent1_incident}/notify-insurer", body: `{"version":999}`,
			want: stepOwn(dispatchers, 409)},
		{route: "POST /api/v1/incidents/{iid}/notify-insurer", path: "/api/v1/incidents/{foreign_incident}/notify-insurer", body: `{"version":999}`,
			want: stepForeign(dispatchers)},
		{route: "POST /api/v1/incidents/{iid}/notice-received", path: "/api/v1/incidents/{ent1_incident}/notice-received",
			body: `{"received_at":"2020-01-01T08:00","channel":"hotline","version":999}`, want: stepOwn(handlers, 409)},
		{route: "POST /api/v1/incidents/{iid}/notice-received", path: "/api/v1/incidents/{foreign_incident}/notice-received",
			body: `{"received_at":"2020-01-01T08:00","channel":"hotline","version":999}`, want: stepForeign(handlers)},
		{route: "POST /api/v1/incidents/{iid}/statutory-report", path: "/api/v1/incidents/{ent1_incident}/statutory-report",
			body: `{"reported_at":"2020-01-01T08:00","channel":"12387_hotline","version":999}`, want: stepOwn(ent, 409)},
		{route: "POST /api/v1/incidents/{iid}/statutory-report", path: "/api/v1/incidents/{foreign_incident}/statutory-report",
			body: `{"reported_at":"2020-01-01T08:00","channel":"12387_hotline","version":999}`, want: stepForeign(reporters)},
		{route: "POST /api/v1/incidents/{iid}/end-handling", path: "/api/v1/incidents/{ent1_incident}/end-handling", body: `{"version":999}`,
			want: stepOwn(ent, 409)},
		{route: "POST /api/v1/incidents/{iid}/end-handling", path: "/api/v1/incidents/{foreign_incident}/end-handling", body: `{"version":999}`,
			want: stepForeign(reporters)},
		{route: "POST /api/v1/incidents/{iid}/summary", path: "/api/v1/incidents/{ent1_incident}/summary", body: summary,
			want: stepOwn(ent, 409)},
		{route: "POST /api/v1/incidents/{iid}/summary", path: "/api/v1/incidents/{foreign_incident}/summary", body: summary,
			want: stepForeign(reporters)},
		{route: "POST /api/v1/incidents/{iid}/dispatches", path: "/api/v1/incidents/{ent1_incident}/dispatches",
			body: `{"provider_id":{ent1_prov},"mode":"remote"}`, want: stepOwn(dispatchers, 409)},
		{route: "POST /api/v1/incidents/{iid}/dispatches", path: "/api/v1/incidents/{foreign_incident}/dispatches",
			body: `{"provider_id":{foreign_prov},"mode":"remote"}`, want: stepForeign(dispatchers)},
		{route: "POST /api/v1/dispatches/{did}/{step}", path: "/api/v1/dispatches/{ent1_dispatch}/acknowledge", body: `{}`,
			want: stepOwn(prov, 409)},
		{route: "POST /api/v1/dispatches/{did}/{step}", path: "/api/v1/dispatches/{foreign_dispatch}/acknowledge", body: `{}`,
			want: stepForeign(prov)},
		{route: "POST /api/v1/dispatches/{did}/usage", path: "/api/v1/dispatches/{ent1_dispatch}/usage",
			body: `{"service":"incident_response_hours","quantity":999}`, want: stepOwn(prov, 400)},
		{route: "POST /api/v1/dispatches/{did}/usage", path: "/api/v1/dispatches/{foreign_dispatch}/usage",
			body: `{"service":"incident_response_hours","quantity":999}`, want: stepForeign(prov)},
		{route: "GET /api/v1/policies/{polid}/entitlements", path: "/api/v1/policies/{ent1_ir_policy}/entitlements",
			want: statuses(403, cat(ent, ins1, []string{"op.admin", "op.auditor", "miit.admin", "reg.admin", "reg.analyst"}), 200, []string{"regx.admin"}, 404,
				[]string{"op.expert"}, 403)},
		{route: "GET /api/v1/policies/{polid}/entitlements", path: "/api/v1/policies/{foreign_ir_policy}/entitlements",
			want: statuses(403, cat(ent, ins1, []string{"reg.admin", "reg.analyst"}), 404, []string{"op.admin", "op.auditor", "miit.admin", "regx.admin"}, 200)},
		{route: "POST /api/v1/incidents/{iid}/evidence", path: "/api/v1/incidents/{ent1_incident}/evidence?kind=log&name=x&sha256={ent1_evidence_sha}",
			want: stepOwn(evidence, 409)},
		{route: "POST /api/v1/incidents/{iid}/evidence", path: "/api/v1/incidents/{foreign_incident}/evidence?kind=log&name=x&sha256={foreign_evidence_sha}",
			want: stepForeign(evidence)},
		{route: "POST /api/v1/incident-evidence/{vid}/custody", path: "/api/v1/incident-evidence/{ent1_inc_evidence}/custody",
			body: `{"action":"verify","sha256":"{ent1_evidence_sha}"}`, want: statuses(403, ent, 200, prov, 409, handlers, 409)},
		{route: "POST /api/v1/incident-evidence/{vid}/custody", path: "/api/v1/incident-evidence/{foreign_inc_evidence}/custody",
			body: `{"action":"verify","sha256":"{foreign_evidence_sha}"}`, want: stepForeign(evidence)},
		{route: "GET /api/v1/incident-evidence/{vid}/content", path: "/api/v1/incident-evidence/{ent1_inc_evidence}/content", want: readOwn,
			marker: "matrix evidence of ent1", see: readers},
		{route: "GET /api/v1/incident-evidence/{vid}/content", path: "/api/v1/incident-evidence/{foreign_inc_evidence}/content", want: readForeign},
		{route: "GET /api/v1/incidents/{iid}/report.txt", path: "/api/v1/incidents/{ent1_incident}/report.txt", want: readOwn,
			marker: "ent1矩阵事件", see: nil},
		{route: "GET /api/v1/incidents/{iid}/report.txt", path: "/api/v1/incidents/{ent1_incident}/report.txt", want: readOwn,
			marker: "12387", see: readers},
		{route: "GET /api/v1/incidents/{iid}/report.txt", path: "/api/v1/incidents/{foreign_incident}/report.txt", want: readForeign},
		{route: "GET /api/v1/incidents/{iid}/report.pdf", path: "/api/v1/incidents/{ent1_incident}/report.pdf?kind=bogus",
			want: statuses(403, readers, 400)},
		{route: "GET /api/v1/incidents/{iid}/report.pdf", path: "/api/v1/incidents/{foreign_incident}/report.pdf?kind=bogus", want: readForeign},

		{route: "GET /api/v1/claims", path: "/api/v1/claims?limit=500", want: statuses(403, claimReaders, 200, []string{"ins1.uw"}, 200),
			marker: "{ent1_claim_no}", see: claimReaders},
		{route: "GET /api/v1/claims", path: "/api/v1/claims?limit=500", want: statuses(403, claimReaders, 200), marker: "{foreign_claim_no}"},
		{route: "POST /api/v1/incidents/{iid}/claims", path: "/api/v1/incidents/{ent1_incident}/claims", body: items + `}`,
			want: stepOwn(opener, 409)},
		{route: "POST /api/v1/incidents/{iid}/claims", path: "/api/v1/incidents/{foreign_incident}/claims", body: items + `}`,
			want: stepForeign(opener)},
		{route: "GET /api/v1/claims/{cid}", path: "/api/v1/claims/{ent1_claim}", want: statuses(403, claimReaders, 200),
			marker: `"open_findings"`, see: ins1},
		{route: "GET /api/v1/claims/{cid}", path: "/api/v1/claims/{foreign_claim}", want: statuses(403, claimReaders, 404)},
		{route: "PUT /api/v1/claims/{cid}/items", path: "/api/v1/claims/{ent1_claim}/items", body: items + `,"version":999}`,
			want: stepOwn(opener, 409)},
		{route: "PUT /api/v1/claims/{cid}/items", path: "/api/v1/claims/{foreign_claim}/items", body: items + `,"version":999}`,
			want: stepForeign(opener)},
	}
	for _, step := range []struct{ route, body string }{
		{"assess", `{"version":999}`}, {"ransom-consent", `{"note":"经书面同意，依法合规支付赎金","version":999}`},
		{"reserve", `{"loss":1,"expense":0,"version":999}`}, {"approve", `{"version":999}`},
		{"decline", `{"code":"other","note":"矩阵拒赔说明","version":999}`}, {"reopen", `{"note":"矩阵重开说明","version":999}`},
		{"payments", `{"amount":100,"key":"k1"}`}, {"recoveries", `{"amount":999999999,"source":"other"}`},
	} {
		own := 409
		if step.route == "recoveries" {
			own = 400
		}
		cases = append(cases,
			matrixCase{route: "POST /api/v1/claims/{cid}/" + step.route, path: "/api/v1/claims/{ent1_claim}/" + step.route, body: step.body,
				want: stepOwn(handlers, own)},
			matrixCase{route: "POST /api/v1/claims/{cid}/" + step.route, path: "/api/v1/claims/{foreign_claim}/" + step.route, body: step.body,
				want: stepForeign(handlers)})
	}
	return cases
}

// TestIncidentAPIFlow takes an incident through the API: intake graded
// and routed, a statutory report text, dispatch and a claim to payment.
func TestIncidentAPIFlow(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		e := newTestEnv(t, st, 60)
		ins1, ent1, prov1 := mustID(t, e.userOrg("ins1.admin")), mustID(t, e.userOrg("ent1.admin")), mustID(t, e.userOrg("prov1.admin"))
		pr := e.rosterProduct(ins1, "IR-FLOW", prov1)
		_, _, pol := e.uwBound(ent1, ins1, pr.ID, 2_000_000_00, false)
		now := st.Now
		st.Now = func() time.Time { return now().Add(40 * time.Hour) }
		defer func() { st.Now = now }()
		at := st.Now().Add(-30 * time.Minute).Format(time.RFC3339)
		body := fmt.Sprintf(`{"policy_id":%d,"title":"客户数据库遭拖库","category":"DS","sub_category":"DSDATALEAK","occurred_at":%q,
			"discovered_at":%q,"operator_type":"other","facts":{"pi_leaked_people":1200000},
			"details":{"affected_systems":"会员数据库","crime_suspected":true},"notify_insurer":true}`, pol.ID, at, at)
		rec := e.as("ent1.admin", "POST", fmt.Sprintf("/api/v1/enterprises/%d/incidents", ent1), body)
		if rec.Code != http.StatusCreated {
			t.Fatalf("report: %d %s", rec.Code, rec.Body)
		}
		inc := decodeBody[store.Incident](t, rec)
		if inc.Grade != "relatively_major" || inc.Route == nil || inc.Route.DeadlineMinutes != 240 || !inc.Route.PoliceReport {
			t.Fatalf("graded %s route %+v", inc.Grade, inc.Route)
		}
		// Bad input: a time in the future; nothing written.
		bad := strings.Replace(body, at, st.Now().Add(2*time.Hour).Format(time.RFC3339), 1)
		rec = e.as("ent1.admin", "POST", fmt.Sprintf("/api/v1/enterprises/%d/incidents", ent1), bad)
		if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), `"field":"occurred_at"`) || !strings.Contains(rec.Body.String(), "晚于当前时间") {
			t.Errorf("future time: %d %s", rec.Code, rec.Body)
		}
		rec = e.as("ent1.admin", "GET", fmt.Sprintf("/api/v1/incidents/%d/report.txt", inc.ID), "")
		txt := rec.Body.String()
		if rec.Code != 200 || !strings.Contains(txt, "客户数据库遭拖库") && !strings.Contains(txt, "会员数据库") || !strings.Contains(txt, "12387") {
			t.Errorf("report text: %d %s", rec.Code, txt)
		}
		rec = e.as("ins1.claims", "POST", fmt.Sprintf("/api/v1/incidents/%d/dispatches", inc.ID), fmt.Sprintf(`{"provider_id":%d,"mode":"on_site"}`, prov1))
		if rec.Code != http.StatusCreated {
			t.Fatalf("dispatch: %d %s", rec.Code, rec.Body)
		}
		rec = e.as("ent1.admin", "POST", fmt.Sprintf("/api/v1/incidents/%d/claims", inc.ID),
			`{"claim_made_at":"`+st.Now().In(anbao.Shanghai).Format("2006-01-02")+`","items":[{"id":"notify","kind":"third_party","coverage":"data_leak_liability","amount":30000000},{"id":"pr","kind":"pr","coverage":"public_relations","amount":5000000}]}`)
		if rec.Code != http.StatusCreated {
			t.Fatalf("claim: %d %s", rec.Code, rec.Body)
		}
		c := decodeBody[store.Claim](t, rec)
		rec = e.as("ins1.claims", "POST", fmt.Sprintf("/api/v1/claims/%d/assess", c.ID), `{}`)
		c = decodeBody[store.Claim](t, rec)
		if rec.Code != 200 || c.Payable <= 0 || len(c.Calculation.Steps) == 0 {
			t.Fatalf("assess: %d %s", rec.Code, rec.Body)
		}
		rec = e.as("ins1.claims", "POST", fmt.Sprintf("/api/v1/claims/%d/approve", c.ID), `{}`)
		if rec.Code != 200 {
			t.Fatalf("approve: %d %s", rec.Code, rec.Body)
		}
		pay := fmt.Sprintf(`{"amount":%d,"key":"bank-001"}`, c.Payable)
		if rec = e.as("ins1.claims", "POST", fmt.Sprintf("/api/v1/claims/%d/payments", c.ID), pay); rec.Code != http.StatusCreated {
			t.Fatalf("pay: %d %s", rec.Code, rec.Body)
		}
		if rec = e.as("ins1.claims", "POST", fmt.Sprintf("/api/v1/claims/%d/payments", c.ID), pay); rec.Code != http.StatusConflict {
			t.Errorf("a second payment with the same key: %d %s", rec.Code, rec.Body)
		}
		mine := decodeBody[store.Claim](t, e.as("ent1.member", "GET", fmt.Sprintf("/api/v1/claims/%d", c.ID), ""))
		if mine.Status != store.ClaimClosed || mine.Paid != c.Payable || len(mine.Events) != 4 {
			t.Errorf("the insured sees %s paid %d with %d steps", mine.Status, mine.Paid, len(mine.Events))
		}
	})
}
