package server

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/demo"
	"github.com/anbao/anbao/i18n"
	"github.com/anbao/anbao/store"
	"github.com/anbao/anbao/store/storetest"
)

// ppAs acts as a real user (its id, organisation, jurisdiction and roles), for fixtures.
func (e *testEnv) ppAs(username string) context.Context {
	e.t.Helper()
	p := &anbao.Principal{Username: username}
	var roles string
	if err := e.st.RawDB().QueryRow(`SELECT u.id, u.org_id, o.kind, o.jurisdiction, u.roles FROM users u JOIN organisations o ON o.id = u.org_id
		WHERE u.username = $1`, username).Scan(&p.UserID, &p.OrgID, &p.OrgKind, &p.Jurisdiction, &roles); err != nil {
		e.t.Fatalf("user %s: %v", username, err)
	}
	for _, r := range strings.Split(roles, ",") {
		p.Roles = append(p.Roles, anbao.Role(r))
	}
	return anbao.WithPrincipal(context.Background(), p)
}

// ppOK returns v, and panics on a fixture that fails to set up.
func ppOK[T any](v T, err error) T {
	if err != nil {
		panic(fmt.Sprintf("pilot plan fixture: %v", err))
	}
	return v
}

func ppBatch(code string, opens, closes time.Time) store.BatchInput {
	return store.BatchInput{Code: code, NameZH: "矩阵批次" + code, NameEN: "Matrix batch " + code, Issuers: []string{"miit"},
		Industries: []string{"C", "I", "J"}, SubjectTypes: []anbao.SubjectType{"key", "sme"},
		ProductTypes: []anbao.PilotProductType{"enterprise", "product_service"}, OpensAt: anbao.FormatTime(opens), ClosesAt: anbao.FormatTime(closes)}
}

func ppPlan(batch int64, title string, partners ...store.PartnerInput) store.PlanInput {
	return store.PlanInput{BatchID: batch, Title: title, Summary: "保险+服务", ProductType: "enterprise", Industries: []string{"I"},
		SubjectTypes: []anbao.SubjectType{"key"}, Coverages: []anbao.PlanCoverage{{Item: "data_restoration", LimitFen: 100_000_000}},
		Services: anbao.PlanServices{Before: []string{"风险评估"}, During: []string{"监测预警"}, After: []string{"应急处置"}},
		Pricing:  "基础费率×调整系数", Partners: partners}
}

var ppFullScores = map[string]int{"insurance_design": 20, "security_capability": 20, "risk_pricing": 15, "innovation": 10, "implementation": 10}

// pilotPlanFixtures adds the records the access matrix needs to f: an open
// batch (mx_batch) with ins1's submitted plan (own_plan: prov1 and ent1 in
// the consortium, jurisdiction that of ent1's regulator, op.expert
// assigned, an attachment), ins1's draft (own_draft), ins2's submitted
// plan in the foreign jurisdiction (foreign_plan, assigned to another
// expert), a draft batch (mx_draft_batch) and a published batch with one
// catalogue entry (mx_entry).
func (e *testEnv) pilotPlanFixtures(f *fixtures) {
	t := e.t
	st := e.st
	now := st.Now()
	op, ins1, ins2 := e.ppAs("op.admin"), e.ppAs("ins1.admin"), e.ppAs("ins2.admin")
	prov1, ent1 := mustID(t, f.vals["prov1"]), mustID(t, f.vals["ent1"])
	prov2 := mustID(t, e.userOrg("prov2.admin"))
	jur := ""
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(st.RawDB().QueryRow("SELECT jurisdiction FROM organisations WHERE id = $1", ent1).Scan(&jur))
	// A second expert.
	opOrg := mustID(t, e.userOrg("op.admin"))
	ppOK(st.CreateUser(sysCtx(), opOrg, &anbao.User{Username: "mx.expert", DisplayName: "矩阵专家", Roles: []anbao.Role{anbao.RoleReviewer},
		Locale: "zh-CN"}, demo.Password))

	// The published batch: created and submitted in the past.
	past := now.Add(-60 * 24 * time.Hour)
	st.Now = func() time.Time { return past }
	pb := ppOK(st.CreateBatch(op, ppBatch("MX-PUB", past.Add(-time.Hour), past.Add(10*24*time.Hour))))
	pb = ppOK(st.SetBatchStatus(op, pb.ID, store.BatchStatusInput{Status: anbao.BatchOpen, Version: pb.Version}))
	cp := ppOK(st.CreatePlan(ins1, ppPlan(pb.ID, "矩阵目录方案", store.PartnerInput{OrgID: prov1, Role: "security"})))
	cp = ppOK(st.SubmitPlan(ins1, cp.ID, store.VersionInput{Version: cp.Version}))
	st.Now = func() time.Time { return now }
	pb = ppOK(st.SetBatchStatus(op, pb.ID, store.BatchStatusInput{Status: anbao.BatchReviewing, Version: pb.Version}))
	_, err := st.RawDB().Exec("UPDATE service_plans SET jurisdiction = $1 WHERE id = $2", jur, cp.ID)
	must(err)
	ppOK(st.RecommendPlan(e.ppAs("reg"+jur+".admin"), cp.ID, store.RecommendInput{Recommended: true, Rank: 1}))
	expert := e.ppAs("op.expert")
	expertID := anbao.PrincipalFrom(expert).UserID
	a := ppOK(st.AssignReviewer(op, cp.ID, store.AssignInput{ExpertID: expertID}))
	ppOK(st.SubmitReview(expert, a.ID, store.ReviewInput{Scores: ppFullScores, Version: a.Version}))
	cp = ppOK(st.GetPlan(op, cp.ID))
	ppOK(st.DecidePlan(op, cp.ID, store.DecisionInput{Decision: "selected", Version: cp.Version}))
	v := ppOK(st.PublishCatalogue(op, pb.ID, store.PublishInput{Note: "矩阵"}))
	l := ppOK(st.ListCatalogue(op, anbao.CatalogueFilter{VersionID: v.ID}))
	f.vals["mx_version"] = fmt.Sprint(v.ID)
	f.vals["mx_entry"] = fmt.Sprint(l.Items[0].ID)
	f.vals["mx_pub_batch"] = fmt.Sprint(pb.ID)

	// The open batch with its plans.
	b := ppOK(st.CreateBatch(op, ppBatch("MX-OPEN", now.Add(-time.Hour), now.Add(300*24*time.Hour))))
	b = ppOK(st.SetBatchNotice(op, b.ID, &store.EvidenceUpload{Filename: "notice.txt", Data: []byte("矩阵通知")}))
	b = ppOK(st.SetBatchStatus(op, b.ID, store.BatchStatusInput{Status: anbao.BatchOpen, Version: b.Version}))
	f.vals["mx_batch"] = fmt.Sprint(b.ID)
	draftBatch := ppOK(st.CreateBatch(e.ppAs("miit.admin"), ppBatch("MX-DRAFT", now.Add(24*time.Hour), now.Add(90*24*time.Hour))))
	f.vals["mx_draft_batch"] = fmt.Sprint(draftBatch.ID)

	own := ppOK(st.CreatePlan(ins1, ppPlan(b.ID, "矩阵方案甲", store.PartnerInput{OrgID: prov1, Role: "security"},
		store.PartnerInput{OrgID: ent1, Role: "enterprise"})))
	att := ppOK(st.AddPlanAttachment(ins1, own.ID, &store.EvidenceUpload{Filename: "plan.txt", Data: []byte("方案说明")}))
	own = ppOK(st.SubmitPlan(ins1, own.ID, store.VersionInput{Version: own.Version}))
	_, err = st.RawDB().Exec("UPDATE service_plans SET jurisdiction = $1 WHERE id = $2", jur, own.ID)
	must(err)
	ownA := ppOK(st.AssignReviewer(op, own.ID, store.AssignInput{ExpertID: expertID}))
	f.vals["own_plan"] = fmt.Sprint(own.ID)
	f.vals["own_att"] = fmt.Sprint(att.ID)
	f.vals["own_assignment"] = fmt.Sprint(ownA.ID)
	draft := ppOK(st.CreatePlan(ins1, ppPlan(b.ID, "矩阵草稿方案", store.PartnerInput{OrgID: prov1, Role: "testing"})))
	f.vals["own_draft"] = fmt.Sprint(draft.ID)

	foreign := ppOK(st.CreatePlan(ins2, ppPlan(b.ID, "矩阵方案乙", store.PartnerInput{OrgID: prov2, Role: "security"})))
	foreign = ppOK(st.SubmitPlan(ins2, foreign.ID, store.VersionInput{Version: foreign.Version}))
	_, err = st.RawDB().Exec("UPDATE service_plans SET jurisdiction = $1 WHERE id = $2", f.vals["foreign_jur"], foreign.ID)
	must(err)
	mx := e.ppAs("mx.expert")
	fa := ppOK(st.AssignReviewer(op, foreign.ID, store.AssignInput{ExpertID: anbao.PrincipalFrom(mx).UserID}))
	f.vals["foreign_plan"] = fmt.Sprint(foreign.ID)
	f.vals["foreign_assignment"] = fmt.Sprint(fa.ID)
	foreignDraft := ppOK(st.CreatePlan(ins2, ppPlan(b.ID, "矩阵草稿乙", store.PartnerInput{OrgID: prov2, Role: "security"})))
	f.vals["foreign_draft"] = fmt.Sprint(foreignDraft.ID)

	af := ppOK(st.AddAffiliation(op, store.AffiliationInput{UserID: anbao.PrincipalFrom(mx).UserID, OrgID: anbao.PrincipalFrom(ins2).OrgID}))
	f.vals["mx_affiliation"] = fmt.Sprint(af.ID)
	f.vals["expert_user"] = fmt.Sprint(expertID)
}

// pilotPlanMatrixCases are the access-matrix rows of these routes.
func pilotPlanMatrixCases() []matrixCase {
	st := func(def int, kv ...any) map[string]int {
		m := map[string]int{"anon": 401, "*": def}
		for i := 0; i < len(kv); i += 2 {
			for _, r := range kv[i].([]string) {
				m[r] = kv[i+1].(int)
			}
		}
		return m
	}
	ins1 := []string{"ins1.admin", "ins1.uw", "ins1.claims"}
	prov1 := []string{"prov1.admin", "prov1.analyst"}
	ent1 := []string{"ent1.admin", "ent1.member"}
	cat := func(xs ...[]string) []string {
		var out []string
		for _, x := range xs {
			out = append(out, x...)
		}
		return out
	}
	managers := []string{"op.admin", "miit.admin"}
	opAdmin := []string{"op.admin"}
	expert := []string{"op.expert"}
	leads := []string{"ins1.admin", "ins1.uw"}        // ins1's users who may lead plans
	submitters := cat(leads, []string{"prov1.admin"}) // prov1.admin may lead too, but is only a partner here
	consortium := cat(ins1, prov1, ent1)
	ownReaders := cat(consortium, []string{"op.admin", "op.expert", "miit.admin", "reg.admin", "reg.analyst"})
	foreignReaders := []string{"op.admin", "miit.admin", "regx.admin"}
	version := `{"version":999}`
	batchBody := `{"code":"MX-X","name_zh":"矩阵","issuers":["miit"],"industries":["C"],"subject_types":["key"],"product_types":["enterprise"],` +
		`"opens_at":"2026-01-01","closes_at":"2027-01-01","version":999}`
	planBody := `{"batch_id":{mx_batch},"title":"矩阵修改","product_type":"enterprise","partners":[],"version":999}`
	p := func(s string) string { return "/api/v1/pilot/" + s }
	return []matrixCase{
		{route: "GET /api/v1/pilot/reference", path: p("reference"), want: st(200), marker: "insurance_design", see: matrixRoles[1:]},
		{route: "GET /api/v1/pilot/batches", path: p("batches"), want: st(200), marker: "MX-DRAFT", see: managers},
		{route: "POST /api/v1/pilot/batches", path: p("batches"), body: `{"code":"x"}`, want: st(403, managers, 400)},
		{route: "GET /api/v1/pilot/batches/{bid}", path: p("batches/{mx_batch}"), want: st(200), marker: "MX-OPEN", see: matrixRoles[1:]},
		{route: "GET /api/v1/pilot/batches/{bid}", path: p("batches/{mx_draft_batch}"), want: st(404, managers, 200)},
		{route: "PUT /api/v1/pilot/batches/{bid}", path: p("batches/{mx_draft_batch}"), body: batchBody, want: st(403, managers, 409)},
		{route: "POST /api/v1/pilot/batches/{bid}/status", path: p("batches/{mx_batch}/status"), body: `{"status":"reviewing","version":999}`,
			want: st(403, managers, 409)},
		{route: "POST /api/v1/pilot/batches/{bid}/notice", path: p("batches/{mx_batch}/notice?filename=n.txt"), want: st(403, managers, 400)},
		{route: "GET /api/v1/pilot/batches/{bid}/notice", path: p("batches/{mx_batch}/notice"), want: st(200), marker: "矩阵通知", see: matrixRoles[1:]},
		{route: "GET /api/v1/pilot/batches/{bid}/notice", path: p("batches/{mx_draft_batch}/notice"), want: st(404)},
		{route: "GET /api/v1/pilot/batches/{bid}/catalogue", path: p("batches/{mx_pub_batch}/catalogue"), want: st(200)},
		{route: "POST /api/v1/pilot/batches/{bid}/catalogue", path: p("batches/{mx_batch}/catalogue"), body: `{"note":"x"}`, want: st(403, opAdmin, 409)},

		{route: "GET /api/v1/pilot/plans", path: p("plans?limit=500"), want: st(200), marker: "矩阵方案甲", see: ownReaders},
		{route: "GET /api/v1/pilot/plans", path: p("plans?limit=500"), want: st(200), marker: "矩阵方案乙", see: foreignReaders},
		{route: "GET /api/v1/pilot/plans", path: p("plans?limit=500&mine=true"), want: st(200), marker: "矩阵草稿方案", see: cat(ins1, prov1)},
		{route: "POST /api/v1/pilot/plans", path: p("plans"), body: `{"batch_id":{mx_batch},"title":"x","product_type":"enterprise"}`,
			want: st(403, submitters, 400)},
		{route: "GET /api/v1/pilot/plans/{plid}", path: p("plans/{own_plan}"), want: st(404, ownReaders, 200)},
		{route: "GET /api/v1/pilot/plans/{plid}", path: p("plans/{foreign_plan}"), want: st(404, foreignReaders, 200)},
		{route: "GET /api/v1/pilot/plans/{plid}", path: p("plans/{own_draft}"), want: st(404, cat(ins1, prov1), 200)},
		{route: "PUT /api/v1/pilot/plans/{plid}", path: p("plans/{own_draft}"), body: planBody, want: st(403, leads, 409)},
		{route: "PUT /api/v1/pilot/plans/{plid}", path: p("plans/{foreign_draft}"), body: planBody, want: st(403, submitters, 404)},
		{route: "POST /api/v1/pilot/plans/{plid}/submit", path: p("plans/{own_draft}/submit"), body: version, want: st(403, leads, 409)},
		{route: "POST /api/v1/pilot/plans/{plid}/submit", path: p("plans/{foreign_draft}/submit"), body: version, want: st(403, submitters, 404)},
		{route: "POST /api/v1/pilot/plans/{plid}/withdraw", path: p("plans/{own_plan}/withdraw"), body: version, want: st(403, leads, 409)},
		{route: "POST /api/v1/pilot/plans/{plid}/withdraw", path: p("plans/{foreign_plan}/withdraw"), body: version, want: st(403, submitters, 404)},
		{route: "POST /api/v1/pilot/plans/{plid}/attachments", path: p("plans/{own_draft}/attachments?filename=a.txt"), want: st(403, leads, 400)},
		{route: "POST /api/v1/pilot/plans/{plid}/attachments", path: p("plans/{foreign_draft}/attachments?filename=a.txt"), want: st(403, submitters, 404)},
		{route: "GET /api/v1/pilot/plans/{plid}/attachments/{aid}", path: p("plans/{own_plan}/attachments/{own_att}"), want: st(404, ownReaders, 200),
			marker: "方案说明", see: ownReaders},
		{route: "GET /api/v1/pilot/plans/{plid}/attachments/{aid}", path: p("plans/{foreign_plan}/attachments/{own_att}"), want: st(404, foreignReaders, 404)},
		{route: "PUT /api/v1/pilot/plans/{plid}/recommendation", path: p("plans/{own_plan}/recommendation"), body: `{"recommended":true,"rank":99}`,
			want: st(403, []string{"reg.admin"}, 400, []string{"regx.admin"}, 404)},
		{route: "PUT /api/v1/pilot/plans/{plid}/recommendation", path: p("plans/{foreign_plan}/recommendation"), body: `{"recommended":true,"rank":99}`,
			want: st(403, []string{"regx.admin"}, 400, []string{"reg.admin"}, 404)},
		{route: "GET /api/v1/pilot/plans/{plid}/assignments", path: p("plans/{own_plan}/assignments"), want: st(403, opAdmin, 200), marker: "op.expert", see: opAdmin},
		{route: "POST /api/v1/pilot/plans/{plid}/assignments", path: p("plans/{own_plan}/assignments"), body: `{"expert_id":0}`, want: st(403, opAdmin, 400)},
		{route: "POST /api/v1/pilot/plans/{plid}/decision", path: p("plans/{own_plan}/decision"), body: `{"decision":"selected","version":999}`,
			want: st(403, opAdmin, 409)},
		{route: "GET /api/v1/pilot/assignments", path: p("assignments"), want: st(403, expert, 200), marker: "矩阵方案甲", see: expert},
		{route: "POST /api/v1/pilot/assignments/{aid}/review", path: p("assignments/{own_assignment}/review"), body: `{"scores":{},"version":999}`,
			want: st(403, expert, 409)},
		{route: "POST /api/v1/pilot/assignments/{aid}/review", path: p("assignments/{foreign_assignment}/review"), body: `{"scores":{},"version":999}`,
			want: st(403, expert, 404)},
		{route: "POST /api/v1/pilot/assignments/{aid}/recuse", path: p("assignments/{own_assignment}/recuse"), body: `{"reason":"回避","version":999}`,
			want: st(403, expert, 409)},
		{route: "POST /api/v1/pilot/assignments/{aid}/recuse", path: p("assignments/{foreign_assignment}/recuse"), body: `{"reason":"回避","version":999}`,
			want: st(403, expert, 404)},
		{route: "GET /api/v1/pilot/experts", path: p("experts"), want: st(403, opAdmin, 200), marker: "mx.expert", see: opAdmin},
		{route: "GET /api/v1/pilot/affiliations", path: p("affiliations"), want: st(403, cat(opAdmin, expert), 200), marker: "mx.expert", see: opAdmin},
		{route: "POST /api/v1/pilot/affiliations", path: p("affiliations"), body: `{"user_id":0,"org_id":0}`, want: st(403, opAdmin, 400)},
		{route: "DELETE /api/v1/pilot/affiliations/{afid}", path: p("affiliations/{mx_affiliation}"), want: st(403, opAdmin, 204)},

		{route: "GET /api/v1/pilot/catalogue", path: p("catalogue?batch_id={mx_pub_batch}"), want: st(200), marker: "矩阵目录方案", see: matrixRoles[1:]},
		{route: "GET /api/v1/pilot/catalogue/entries/{eid}", path: p("catalogue/entries/{mx_entry}"), want: st(200), marker: "矩阵目录方案", see: matrixRoles[1:]},
		{route: "GET /api/v1/pilot/catalogue/entries/{eid}", path: p("catalogue/entries/999999"), want: st(404)},
		{route: "GET /api/v1/pilot/catalogue/versions/{vid}", path: p("catalogue/versions/{mx_version}"), want: st(200)},
	}
}

// ppErr checks a refused API call: its status, field and message, and that the audit head did not move.
func (e *testEnv) ppErr(head int64, rec interface {
	Result() *http.Response
}, body string, status int, msg string) {
	e.t.Helper()
	if got := rec.Result().StatusCode; got != status || !strings.Contains(body, msg) {
		e.t.Errorf("status %d, want %d with %q: %s", got, status, msg, body)
	}
	if h := e.auditHead(); h != head {
		e.t.Errorf("refused call moved the audit head %d → %d", head, h)
	}
}

// The API flow: a batch, a consortium plan, recommendation, review,
// decision and the catalogue, with the bad inputs refused without writing.
func TestPilotPlansAPIFlow(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		e := newTestEnv(t, st, 120)
		now := st.Now()
		call := func(user, method, path, body string, want int) string {
			t.Helper()
			rec := e.as(user, method, path, body)
			if rec.Code != want {
				t.Fatalf("%s %s as %s: %d, want %d: %s", method, path, user, rec.Code, want, rec.Body)
			}
			return rec.Body.String()
		}
		refuse := func(user, method, path, body string, want int, msg string) {
			t.Helper()
			e.login(user) // the login itself is audited
			head := e.auditHead()
			rec := e.as(user, method, path, body)
			e.ppErr(head, rec, rec.Body.String(), want, msg)
		}
		org := func(u string) string { return e.userOrg(u) }
		jur := func(u string) string {
			var j string
			if err := st.RawDB().QueryRow("SELECT o.jurisdiction FROM organisations o JOIN users u ON u.org_id = o.id WHERE u.username = $1", u).Scan(&j); err != nil {
				t.Fatal(err)
			}
			return j
		}
		batch := fmt.Sprintf(`{"code":"API-1","name_zh":"接口批次","issuers":["miit","nfra"],"industries":["C","I"],"subject_types":["key","sme"],`+
			`"product_types":["enterprise"],"opens_at":%q,"closes_at":%q}`, anbao.FormatTime(now.Add(-time.Hour)), anbao.FormatTime(now.Add(48*time.Hour)))
		refuse("reg"+jur("ins1.admin")+".admin", "POST", "/api/v1/pilot/batches", batch, 403, "")
		b := decodeBody[anbao.PilotBatch](t, e.as("op.admin", "POST", "/api/v1/pilot/batches", batch))
		if b.ID == 0 || len(b.Rubric) != 5 {
			t.Fatalf("batch = %+v", b)
		}
		call("op.admin", "POST", fmt.Sprintf("/api/v1/pilot/batches/%d/status", b.ID), fmt.Sprintf(`{"status":"open","version":%d}`, b.Version), 200)

		plan := func(title string, partners string) string {
			return fmt.Sprintf(`{"batch_id":%d,"title":%q,"product_type":"enterprise","industries":["I"],"subject_types":["sme"],`+
				`"coverages":[{"item":"data_leak"},{"item":"emergency_response","limit_fen":50000000}],"services":{"before":["评估"],"during":["监测"],"after":["处置"]},`+
				`"pricing":"按等保级别定价","partners":%s}`, b.ID, title, partners)
		}
		partners := fmt.Sprintf(`[{"org_id":%s,"role":"security"}]`, org("prov1.admin"))
		refuse("ins1.admin", "POST", "/api/v1/pilot/plans", plan("坏方案", fmt.Sprintf(`[{"org_id":%s,"role":"insurer"}]`, org("prov1.admin"))), 400, "")
		refuse("ins1.admin", "POST", "/api/v1/pilot/plans", strings.Replace(plan("坏方案", partners), `"I"`, `"K"`, 1), 400, "")
		pl := decodeBody[anbao.ServicePlan](t, e.as("ins1.admin", "POST", "/api/v1/pilot/plans", plan("接口方案", partners)))
		late := decodeBody[anbao.ServicePlan](t, e.as("ins1.admin", "POST", "/api/v1/pilot/plans", plan("迟交方案", partners)))
		// A non-member cannot read the draft.
		for _, u := range []string{"prov2.admin", "op.admin", "reg" + jur("ins1.admin") + ".admin", "ent1.admin"} {
			refuse(u, "GET", fmt.Sprintf("/api/v1/pilot/plans/%d", pl.ID), "", 404, "")
		}
		call("prov1.admin", "GET", fmt.Sprintf("/api/v1/pilot/plans/%d", pl.ID), "", 200)
		call("ins1.admin", "POST", fmt.Sprintf("/api/v1/pilot/plans/%d/submit", pl.ID), fmt.Sprintf(`{"version":%d}`, pl.Version), 200)

		// Late submission.
		st.Now = func() time.Time { return now.Add(49 * time.Hour) }
		clear(e.sess) // the sessions idled out
		refuse("ins1.admin", "POST", fmt.Sprintf("/api/v1/pilot/plans/%d/submit", late.ID), fmt.Sprintf(`{"version":%d}`, late.Version), 409, "")
		var status string
		if err := st.RawDB().QueryRow("SELECT status FROM service_plans WHERE id = $1", late.ID).Scan(&status); err != nil || status != "draft" {
			t.Errorf("late plan status %q %v", status, err)
		}
		call("op.admin", "POST", fmt.Sprintf("/api/v1/pilot/batches/%d/status", b.ID), fmt.Sprintf(`{"status":"reviewing","version":%d}`, b.Version+1), 200)

		// Recommendation: another jurisdiction's regulator is refused.
		other := "32"
		if jur("ins1.admin") == other {
			other = "44"
		}
		refuse("reg"+other+".admin", "PUT", fmt.Sprintf("/api/v1/pilot/plans/%d/recommendation", pl.ID), `{"recommended":true,"rank":1}`, 404, "")
		refuse("nfra.admin", "PUT", fmt.Sprintf("/api/v1/pilot/plans/%d/recommendation", pl.ID), `{"recommended":true,"rank":1}`, 403, "")
		call("reg"+jur("ins1.admin")+".admin", "PUT", fmt.Sprintf("/api/v1/pilot/plans/%d/recommendation", pl.ID), `{"recommended":true,"rank":1,"comment":"推荐"}`, 200)

		// A conflicted expert.
		var expert int64
		if err := st.RawDB().QueryRow("SELECT id FROM users WHERE username = 'op.expert'").Scan(&expert); err != nil {
			t.Fatal(err)
		}
		call("op.admin", "POST", "/api/v1/pilot/affiliations", fmt.Sprintf(`{"user_id":%d,"org_id":%s,"relation":"employment"}`, expert, org("prov1.admin")), 201)
		refuse("op.admin", "POST", fmt.Sprintf("/api/v1/pilot/plans/%d/assignments", pl.ID), fmt.Sprintf(`{"expert_id":%d}`, expert), 409, "")
		afs := decodeBody[[]*anbao.ExpertAffiliation](t, e.as("op.admin", "GET", "/api/v1/pilot/affiliations", ""))
		call("op.admin", "DELETE", fmt.Sprintf("/api/v1/pilot/affiliations/%d", afs[0].ID), "", 204)
		a := decodeBody[anbao.ReviewAssignment](t, e.as("op.admin", "POST", fmt.Sprintf("/api/v1/pilot/plans/%d/assignments", pl.ID), fmt.Sprintf(`{"expert_id":%d}`, expert)))

		// Scores outside the rubric.
		for _, sc := range []string{`{"insurance_design":20}`, `{"insurance_design":20,"security_capability":20,"risk_pricing":15,"innovation":10,"implementation":16}`,
			`{"insurance_design":-1,"security_capability":20,"risk_pricing":15,"innovation":10,"implementation":10}`,
			`{"insurance_design":20,"security_capability":20,"risk_pricing":15,"innovation":10,"implementation":10,"extra":1}`} {
			refuse("op.expert", "POST", fmt.Sprintf("/api/v1/pilot/assignments/%d/review", a.ID), fmt.Sprintf(`{"scores":%s,"version":%d}`, sc, a.Version), 400, "")
		}
		call("op.expert", "POST", fmt.Sprintf("/api/v1/pilot/assignments/%d/review", a.ID),
			fmt.Sprintf(`{"scores":{"insurance_design":20,"security_capability":20,"risk_pricing":15,"innovation":10,"implementation":10},"comment":"好","version":%d}`, a.Version), 200)
		// The applicant sees no score yet; the operator does.
		if body := call("ins1.admin", "GET", fmt.Sprintf("/api/v1/pilot/plans/%d", pl.ID), "", 200); strings.Contains(body, `"outcome"`) || strings.Contains(body, "op.expert") {
			t.Errorf("applicant sees the review: %s", body)
		}
		got := decodeBody[anbao.ServicePlan](t, e.as("op.admin", "GET", fmt.Sprintf("/api/v1/pilot/plans/%d", pl.ID), ""))
		if got.Outcome == nil || got.Outcome.Score != 75 {
			t.Fatalf("outcome = %+v", got.Outcome)
		}
		call("op.admin", "POST", fmt.Sprintf("/api/v1/pilot/plans/%d/decision", pl.ID), fmt.Sprintf(`{"decision":"selected","note":"入选","version":%d}`, got.Version), 200)
		// The decision stays hidden from the consortium and the expert until
		// the catalogue is published: neither the status nor a status filter tells it.
		for _, u := range []string{"ins1.admin", "prov1.admin", "op.expert"} {
			if got := decodeBody[anbao.ServicePlan](t, e.as(u, "GET", fmt.Sprintf("/api/v1/pilot/plans/%d", pl.ID), "")); got.Status != anbao.PlanReviewing || got.Outcome != nil {
				t.Errorf("%s sees the decision before publication: %s %+v", u, got.Status, got.Outcome)
			}
		}
		for _, u := range []string{"ins1.admin", "prov1.admin"} {
			if l := decodeBody[ListResponse[*anbao.ServicePlan]](t, e.as(u, "GET", fmt.Sprintf("/api/v1/pilot/plans?batch_id=%d&status=selected", b.ID), "")); l.Total != 0 {
				t.Errorf("%s finds the selected plan before publication: %+v", u, l)
			}
		}
		if l := decodeBody[ListResponse[*anbao.ServicePlan]](t, e.as("op.admin", "GET", fmt.Sprintf("/api/v1/pilot/plans?batch_id=%d&status=selected", b.ID), "")); l.Total != 1 {
			t.Errorf("operator's selected plans = %+v", l)
		}
		v := decodeBody[anbao.CatalogueVersion](t, e.as("op.admin", "POST", fmt.Sprintf("/api/v1/pilot/batches/%d/catalogue", b.ID), `{"note":"第一版"}`))
		if v.Entries != 1 {
			t.Fatalf("version = %+v", v)
		}
		l := decodeBody[ListResponse[*anbao.CatalogueEntry]](t, e.as("ent1.member", "GET", "/api/v1/pilot/catalogue?industry=I&q=接口", ""))
		if l.Total != 1 || len(l.Items[0].Partners) != 2 {
			t.Fatalf("catalogue = %+v", l)
		}
		if body := call("ins1.admin", "GET", fmt.Sprintf("/api/v1/pilot/plans/%d", pl.ID), "", 200); !strings.Contains(body, `"score":75`) || strings.Contains(body, "op.expert") {
			t.Errorf("applicant after publication: %s", body)
		}
	})
}

// ppForm posts a form as a demo user.
func (e *testEnv) ppForm(username, path string, form url.Values) *httptest.ResponseRecorder {
	e.t.Helper()
	s := e.login(username)
	return e.raw("POST", path, form.Encode(), map[string]string{"Cookie": sessionCookie + "=" + s.cookie, "X-CSRF-Token": s.csrf,
		"Content-Type": "application/x-www-form-urlencoded"})
}

// The pilot pages render for every role, in both languages, and the forms
// take their steps or show their errors.
func TestPilotPlansUI(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		e := newTestEnv(t, st, 600)
		f := e.fixtures()
		e.pilotPlanFixtures(f)
		fill := func(s string) string {
			for k, v := range f.vals {
				s = strings.ReplaceAll(s, "{"+k+"}", v)
			}
			return s
		}
		pages := []struct {
			user, path string
			want       int
			marker     string
		}{
			{"op.admin", "/pilot", 200, "MX-OPEN"},
			{"op.admin", "/pilot/batches/new", 200, "batch-form"},
			{"op.admin", "/pilot/batches/{mx_batch}", 200, "batch-status-form"},
			{"op.admin", "/pilot/batches/{mx_draft_batch}/edit", 200, "MX-DRAFT"},
			{"op.admin", "/pilot/batches/{mx_pub_batch}", 200, "batch-versions"},
			{"op.admin", "/pilot/plans/{own_plan}", 200, "plan-assign-form"},
			{"op.admin", "/pilot/experts", 200, "mx.expert"},
			{"ins1.admin", "/pilot", 200, "矩阵草稿方案"},
			{"ins1.admin", "/pilot/plans/new?batch={mx_batch}", 200, "plan-form"},
			{"ins1.admin", "/pilot/plans/{own_draft}", 200, "plan-submit"},
			{"ins1.admin", "/pilot/plans/{own_draft}/edit", 200, "矩阵草稿方案"},
			{"ins1.admin", "/pilot/plans/{own_plan}", 200, "plan-attachments"},
			{"prov1.admin", "/pilot/plans/{own_plan}", 200, "矩阵方案甲"},
			{"reg.admin", "/pilot", 200, "矩阵方案甲"},
			{"reg.admin", "/pilot/plans/{own_plan}", 200, "plan-rec-form"},
			{"regx.admin", "/pilot/plans/{own_plan}", 404, ""},
			{"op.expert", "/pilot", 200, "pilot-assignments"},
			{"op.expert", "/pilot/plans/{own_plan}", 200, "plan-review-form"},
			{"ent1.admin", "/catalogue", 200, "矩阵目录方案"},
			{"ent1.admin", "/catalogue?industry=I&q=%E7%9F%A9%E9%98%B5", 200, "矩阵目录方案"},
			{"ent1.admin", "/catalogue?industry=A", 200, "catalogue-empty"},
			{"ent1.admin", "/catalogue/{mx_entry}", 200, "entry-quote"},
			{"nfra.analyst", "/catalogue/{mx_entry}", 200, "矩阵目录方案"},
			{"ins2.uw", "/pilot/batches/{mx_batch}", 200, "batch-countdown"},
			{"ent1.member", "/pilot/batches/{mx_draft_batch}", 404, ""},
		}
		for _, pg := range pages {
			user := f.username(pg.user)
			rec := e.as(user, "GET", fill(pg.path), "")
			if rec.Code != pg.want || (pg.marker != "" && !strings.Contains(rec.Body.String(), fill(pg.marker))) {
				t.Errorf("GET %s as %s: %d, want %d with %q: %.600s", fill(pg.path), user, rec.Code, pg.want, pg.marker, rec.Body)
			}
		}
		// Forms: an expert conflicted with the consortium is refused with the error shown on the plan page.
		var mx string
		if err := st.RawDB().QueryRow("SELECT CAST(id AS TEXT) FROM users WHERE username = 'mx.expert'").Scan(&mx); err != nil {
			t.Fatal(err)
		}
		rec := e.ppForm("op.admin", fill("/pilot/experts/affiliations"), url.Values{"user_id": {mx}, "org_id": {f.vals["prov1"]}, "relation": {"advisory"}})
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("affiliation: %d %.400s", rec.Code, rec.Body)
		}
		head := e.auditHead()
		rec = e.ppForm("op.admin", fill("/pilot/plans/{own_plan}/assign"), url.Values{"expert_id": {mx}})
		if rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), "利益冲突") {
			t.Errorf("conflicted assignment: %d %.600s", rec.Code, rec.Body)
		}
		if e.auditHead() != head {
			t.Error("a refused assignment wrote")
		}
		// Scores outside the rubric are refused on the form.
		rec = e.ppForm("op.expert", fill("/pilot/plans/{own_plan}/review"), url.Values{"assignment_id": {f.vals["own_assignment"]}, "version": {"1"},
			"score.insurance_design": {"30"}, "score.security_capability": {"20"}, "score.risk_pricing": {"15"}, "score.innovation": {"10"},
			"score.implementation": {"10"}})
		if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "err-review-score.insurance_design") {
			t.Errorf("score above max: %d %.600s", rec.Code, rec.Body)
		}
		rec = e.ppForm("op.expert", fill("/pilot/plans/{own_plan}/review"), url.Values{"assignment_id": {f.vals["own_assignment"]}, "version": {"1"},
			"score.insurance_design": {"22"}, "score.security_capability": {"20"}, "score.risk_pricing": {"15"}, "score.innovation": {"10"},
			"score.implementation": {"10"}})
		if rec.Code != http.StatusSeeOther {
			t.Errorf("scores: %d %.600s", rec.Code, rec.Body)
		}
		// A plan from the form.
		form := url.Values{"batch_id": {f.vals["mx_batch"]}, "title": {"表单方案"}, "product_type": {"enterprise"}, "lead_role": {"insurer"},
			"industries": {"C"}, "subject_types": {"sme"}, "coverages": {"data_leak"}, "limit.data_leak": {"1,000,000"},
			"services.before": {"评估\n加固"}, "services.during": {"监测"}, "services.after": {"处置"}, "pricing": {"费率"},
			"partner.0.org": {f.vals["prov1"]}, "partner.0.role": {"security"}}
		rec = e.ppForm("ins1.admin", "/pilot/plans/new", form)
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("plan form: %d %.600s", rec.Code, rec.Body)
		}
		loc := rec.Header().Get("Location")
		page := e.as("ins1.admin", "GET", loc, "")
		if !strings.Contains(page.Body.String(), "表单方案") || !strings.Contains(page.Body.String(), "加固") {
			t.Errorf("plan page: %.600s", page.Body)
		}
		form.Set("partner.0.role", "insurer")
		rec = e.ppForm("ins1.admin", "/pilot/plans/new", form)
		if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "err-plan-partners.0") {
			t.Errorf("bad partner role: %d %.600s", rec.Code, rec.Body)
		}
		// English.
		rec = e.raw("GET", fill("/catalogue/{mx_entry}"), "", map[string]string{"Cookie": sessionCookie + "=" + e.login("ent1.admin").cookie,
			"Accept-Language": "en"})
		if rec.Code != 200 {
			t.Errorf("english entry: %d", rec.Code)
		}
	})
}

// The pages render the demo's batches, plans and catalogue for each role.
func TestPilotPlansDemoUI(t *testing.T) {
	e := newTestEnv(t, storetest.Open(t, store.SQLite), 120)
	if err := e.st.LoadDemoPlans(sysCtx(), 11); err != nil {
		t.Fatal(err)
	}
	var b1, plan, entry, expertPlan string
	db := e.st.RawDB()
	for q, dst := range map[string]*string{
		"SELECT CAST(id AS TEXT) FROM pilot_batches WHERE code = '2023-B1'":                                                                  &b1,
		"SELECT CAST(MIN(plan_id) AS TEXT) FROM catalogue_entries":                                                                           &plan,
		"SELECT CAST(MIN(id) AS TEXT) FROM catalogue_entries":                                                                                &entry,
		"SELECT CAST(MIN(ra.plan_id) AS TEXT) FROM review_assignments ra JOIN users u ON u.id = ra.expert_id WHERE u.username = 'op.expert'": &expertPlan,
	} {
		if err := db.QueryRow(q).Scan(dst); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct{ user, path, marker string }{
		{"op.admin", "/pilot", "2023-B1"},
		{"op.admin", "/pilot/batches/" + b1, "2024-049"},
		{"op.admin", "/pilot/plans/" + plan, "plan-assignments"},
		{"op.admin", "/pilot/experts", "op.expert2"},
		{"op.expert", "/pilot", "pilot-assignments"},
		{"op.expert", "/pilot/plans/" + expertPlan, "review"},
		{"ins1.admin", "/pilot", "pilot-plans"},
		{"reg11.admin", "/pilot", "pilot-plans"},
		{"ent1.admin", "/catalogue", "2024-001"},
		{"ent1.admin", "/catalogue?industry=C&subject_type=sme", "catalogue-entries"},
		{"ent1.admin", "/catalogue/" + entry, "entry-quote"},
		{"nfra.analyst", "/catalogue/" + entry, "pp-consortium"},
	} {
		rec := e.as(c.user, "GET", c.path, "")
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), c.marker) {
			t.Errorf("GET %s as %s: %d, want 200 with %q: %.300s", c.path, c.user, rec.Code, c.marker, rec.Body)
		}
	}
}

// Every enumerated value the pilot pages name has its label in every language.
func TestPilotPlansLabels(t *testing.T) {
	var keys []string
	add := func(prefix string, vs ...string) {
		for _, v := range vs {
			keys = append(keys, prefix+v)
		}
	}
	for _, s := range anbao.PlanStatuses {
		add("pp.plan_status.", string(s))
	}
	for _, s := range anbao.BatchStatuses {
		add("pp.batch_status.", string(s))
	}
	for _, s := range anbao.BatchStatuses[1:] {
		add("pp.batch.to.", string(s))
	}
	for _, r := range anbao.PartnerRoles {
		add("pp.role.", string(r))
	}
	for _, x := range anbao.SubjectTypes {
		add("pp.subject.", string(x))
	}
	for _, x := range anbao.PilotProductTypes {
		add("pp.product.", string(x))
	}
	add("pp.cov.", anbao.PropertyCoverages...)
	add("pp.cov.", anbao.LiabilityCoverages...)
	add("pp.issuer.", anbao.BatchIssuers...)
	add("pp.relation.", anbao.AffiliationRelations...)
	add("pp.source.", "operator", "self")
	add("pp.review_status.", anbao.ReviewAssigned, anbao.ReviewSubmitted, anbao.ReviewRecused)
	add("pp.event.", "created", "updated", "attachment", "submitted", "withdrawn", "review_started", "recommended", "not_recommended",
		"assigned", "reviewed", "recused", "decided_selected", "decided_rejected", "catalogued", "delisted")
	for _, s := range pilotPlanSteps {
		add("pp.done.", s)
	}
	add("pp.done.", "saved", "status", "notice", "publish", "affiliation", "affiliation_removed")
	for _, k := range keys {
		for _, l := range i18n.Languages {
			if !i18n.Has(l, k) {
				t.Errorf("%s: missing %q", l, k)
			}
		}
	}
}
