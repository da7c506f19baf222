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
	"github.com/anbao/anbao/store"
	"github.com/anbao/anbao/store/storetest"
)

// projectTestCatalogue inserts (raw SQL, the catalogue's store being
// another helper's) a batch, a plan led by lead with partners, and a
// published catalogue version holding it; it returns the entry's id.
func (e *testEnv) projectTestCatalogue(code string, lead int64, partners ...int64) int64 {
	t := e.t
	db := e.st.RawDB()
	now := anbao.FormatTime(time.Now())
	var batch, plan, version, entry int64
	if err := db.QueryRow(`INSERT INTO pilot_batches (code, name_zh, status, opens_at, closes_at, created_at, updated_at)
		VALUES ($1, $2, 'published', $3, $3, $3, $3) RETURNING id`, code, "项目测试批次"+code, now).Scan(&batch); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`INSERT INTO service_plans (batch_id, lead_org_id, jurisdiction, status, product_type, title, created_at, updated_at)
		VALUES ($1, $2, '', 'selected', 'enterprise', $3, $4, $4) RETURNING id`, batch, lead, "项目测试方案"+code, now).Scan(&plan); err != nil {
		t.Fatal(err)
	}
	for i, o := range append([]int64{lead}, partners...) {
		if _, err := db.Exec(`INSERT INTO plan_partners (plan_id, org_id, role, lead) VALUES ($1, $2, 'member', $3)`, plan, o, i == 0); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.QueryRow(`INSERT INTO catalogue_versions (batch_id, number, status, published_at, created_at) VALUES ($1, 1, 'published', $2, $2)
		RETURNING id`, batch, now).Scan(&version); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`INSERT INTO catalogue_entries (version_id, batch_id, plan_id, entry_no, created_at) VALUES ($1, $2, $3, $4, $5)
		RETURNING id`, version, batch, plan, code+"-001", now).Scan(&entry); err != nil {
		t.Fatal(err)
	}
	return entry
}

// pilotProjectFixtures adds the records the access matrix needs to f: a
// project of ent1 (with ins1, prov1 and ent1's local regulator) and one of
// the foreign enterprise, each with an open and a submitted report; cases
// of ent1 (draft, submitted) and of the foreign enterprise (submitted,
// published).
func (e *testEnv) pilotProjectFixtures(f *fixtures) {
	t := e.t
	ent1, ins1, prov1 := mustID(t, f.vals["ent1"]), mustID(t, f.vals["ins1"]), mustID(t, f.vals["prov1"])
	foreign, ins2 := mustID(t, f.vals["foreign_ent"]), mustID(t, f.vals["ins2"])
	reg := mustID(t, e.userOrg(f.username("reg.admin")))
	f.vals["pp_entry"] = fmt.Sprint(e.projectTestCatalogue("PPM1", ins1, prov1))
	xentry := e.projectTestCatalogue("PPM2", ins2)
	entCtx := actAs(ent1, anbao.KindEnterprise, anbao.RoleAdmin)
	xCtx := actAs(foreign, anbao.KindEnterprise, anbao.RoleAdmin)
	for _, p := range []struct {
		key, title string
		ctx        context.Context
		entry      int64
		members    []int64
	}{
		{"pp", "矩阵本方项目", entCtx, mustID(t, f.vals["pp_entry"]), []int64{ins1, prov1, reg}},
		{"xpp", "矩阵外方项目", xCtx, xentry, []int64{ins2}},
	} {
		ctx := p.ctx
		pr, err := e.st.RegisterProject(ctx, store.ProjectInput{CatalogueEntryID: p.entry, Title: p.title, Cadence: anbao.CadenceQuarterly,
			StartDate: "2024-10-01", EndDate: "2025-09-30", MemberIDs: p.members,
			Milestones: []store.MilestoneInput{{Title: "启动", DueDate: "2024-10-15"}}})
		if err != nil {
			t.Fatal(err)
		}
		f.vals[p.key] = fmt.Sprint(pr.ID)
		f.vals[p.key+"_ms"] = fmt.Sprint(pr.Milestones[0].ID)
		f.vals[p.key+"_rep"] = fmt.Sprint(pr.Reports[0].ID)
		f.vals[p.key+"_sub"] = fmt.Sprint(pr.Reports[1].ID)
		if _, err := e.st.SubmitReport(ctx, pr.Reports[1].ID, store.ReportInput{Progress: "矩阵进展"}); err != nil {
			t.Fatal(err)
		}
	}
	// A project of ent1's local authority to which ent1 is invited (not yet accepted).
	var regJur string
	if err := e.st.RawDB().QueryRow("SELECT jurisdiction FROM organisations WHERE id = $1", reg).Scan(&regJur); err != nil {
		t.Fatal(err)
	}
	regCtx := anbao.WithPrincipal(context.Background(), &anbao.Principal{UserID: 1, Username: "fixture", OrgID: reg, OrgKind: anbao.KindRegulator,
		Jurisdiction: regJur, Roles: []anbao.Role{anbao.RoleAdmin}})
	ipp, err := e.st.RegisterProject(regCtx, store.ProjectInput{CatalogueEntryID: mustID(t, f.vals["pp_entry"]), Title: "矩阵邀请项目",
		Cadence: anbao.CadenceQuarterly, StartDate: "2024-10-01", EndDate: "2025-09-30", MemberIDs: []int64{ins1, ent1}})
	if err != nil {
		t.Fatal(err)
	}
	f.vals["ipp"] = fmt.Sprint(ipp.ID)
	template := store.CaseInput{Kind: anbao.CaseTypical, Background: "背景", Risk: "风险", InsuranceServices: "保险+服务", Outcome: "成效", Lessons: "经验"}
	mk := func(key, title string, ctx context.Context, submit, publish bool) {
		in := template
		in.Title = title
		cs, err := e.st.CreateCase(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		f.vals[key] = fmt.Sprint(cs.ID)
		if submit {
			if _, err := e.st.SubmitCase(ctx, cs.ID, 0); err != nil {
				t.Fatal(err)
			}
		}
		if publish {
			if _, err := e.st.ReviewCase(sysCtx(), cs.ID, store.CaseReviewInput{Decision: "select"}); err != nil {
				t.Fatal(err)
			}
			if _, err := e.st.PublishCase(sysCtx(), cs.ID, 0); err != nil {
				t.Fatal(err)
			}
		}
	}
	mk("case_draft", "矩阵草稿案例", entCtx, false, false)
	mk("case_sub", "矩阵待审案例", entCtx, true, false)
	mk("xcase_sub", "矩阵外方待审案例", xCtx, true, false)
	mk("xcase_pub", "矩阵已发布案例", xCtx, true, true)
}

// pilotProjectMatrixCases are the access-matrix rows of these routes:
// every route on ent1's project (members ent1, ins1, prov1 and ent1's
// local regulator "reg") and on the foreign enterprise's (seen by "regx").
// Writes send valid bodies that stop on a version conflict, so 409 means
// "allowed, reached the record", 404 "not in scope", 403 "may not".
func pilotProjectMatrixCases() []matrixCase {
	st := func(def int, kv ...any) map[string]int {
		m := map[string]int{"anon": 401, "*": def}
		for i := 0; i < len(kv); i += 2 {
			for _, r := range kv[i].([]string) {
				m[r] = kv[i+1].(int)
			}
		}
		return m
	}
	r := func(xs ...string) []string { return xs }
	members := r("reg.admin", "reg.analyst", "ins1.admin", "ins1.uw", "ins1.claims", "prov1.admin", "prov1.analyst", "ent1.admin", "ent1.member")
	seeOwn := append(r("op.admin", "miit.admin"), members...)
	seeForeign := r("op.admin", "miit.admin", "regx.admin")
	// Keep milestones and membership: the registering roles among the members.
	keepers := r("reg.admin", "ins1.admin", "ins1.uw", "prov1.admin", "ent1.admin")
	reporters := r("reg.admin", "reg.analyst", "ins1.admin", "ins1.uw", "prov1.admin", "prov1.analyst", "ent1.admin")
	registrars := r("reg.admin", "regx.admin", "ins1.admin", "ins1.uw", "prov1.admin", "ent1.admin")
	caseSubmitters := r("reg.admin", "regx.admin", "miit.admin", "ins1.admin", "prov1.admin", "ent1.admin")
	p := "/api/v1/pilot/projects/"
	rp := "/api/v1/pilot/reports/"
	cp := "/api/v1/pilot/cases/"
	all := append(r("op.admin", "op.auditor", "op.expert", "miit.admin", "regx.admin"), members...)
	return []matrixCase{
		{route: "GET /api/v1/pilot/projects", path: "/api/v1/pilot/projects?limit=500", want: st(200), marker: "矩阵本方项目", see: seeOwn},
		{route: "GET /api/v1/pilot/projects", path: "/api/v1/pilot/projects?limit=500", want: st(200), marker: "矩阵外方项目", see: seeForeign},
		{route: "GET /api/v1/pilot/projects", path: "/api/v1/pilot/projects?status=paused", want: st(400)},
		{route: "POST /api/v1/pilot/projects", path: "/api/v1/pilot/projects",
			body: `{"catalogue_entry_id":{pp_entry},"title":"矩阵","cadence":"quarterly","start_date":"2025-01-01","end_date":"2024-01-01"}`,
			want: st(403, registrars, 400)},
		{route: "GET /api/v1/pilot/projects/{pid}", path: p + "{pp}", want: st(404, seeOwn, 200), marker: "矩阵本方项目", see: seeOwn},
		{route: "GET /api/v1/pilot/projects/{pid}", path: p + "{xpp}", want: st(404, seeForeign, 200)},
		{route: "POST /api/v1/pilot/projects/{pid}/members", path: p + "{pp}/members", body: `{"org_ids":[{ent1}]}`,
			want: st(403, r("ent1.admin"), 409, r("regx.admin"), 404)},
		{route: "POST /api/v1/pilot/projects/{pid}/members", path: p + "{xpp}/members", body: `{"org_ids":[{ent1}]}`,
			want: st(403, keepers, 404)},
		// Only the invited enterprise's admin answers: 409 is "allowed" (stale version, or no longer invited).
		{route: "POST /api/v1/pilot/projects/{pid}/members/{oid}/accept", path: p + "{ipp}/members/{ent1}/accept", body: `{"version":999}`,
			want: st(403, r("regx.admin", "prov1.admin"), 404, r("ent1.admin"), 409)},
		{route: "POST /api/v1/pilot/projects/{pid}/members/{oid}/accept", path: p + "{pp}/members/{ent1}/accept", body: `{}`,
			want: st(403, r("regx.admin"), 404, r("ent1.admin"), 409)},
		{route: "POST /api/v1/pilot/projects/{pid}/members/{oid}/accept", path: p + "{xpp}/members/{foreign_ent}/accept", body: `{}`,
			want: st(403, r("reg.admin", "ins1.admin", "ins1.uw", "prov1.admin", "ent1.admin"), 404)},
		{route: "POST /api/v1/pilot/projects/{pid}/members/{oid}/decline", path: p + "{ipp}/members/{ent1}/decline", body: `{"version":999}`,
			want: st(403, r("regx.admin", "prov1.admin"), 404, r("ent1.admin"), 409)},
		{route: "POST /api/v1/pilot/projects/{pid}/members/{oid}/decline", path: p + "{pp}/members/{ent1}/decline", body: `{}`,
			want: st(403, r("regx.admin"), 404, r("ent1.admin"), 409)},
		{route: "POST /api/v1/pilot/projects/{pid}/members/{oid}/decline", path: p + "{xpp}/members/{foreign_ent}/decline", body: `{}`,
			want: st(403, r("reg.admin", "ins1.admin", "ins1.uw", "prov1.admin", "ent1.admin"), 404)},
		{route: "POST /api/v1/pilot/projects/{pid}/status", path: p + "{pp}/status", body: `{"status":"completed","version":999}`,
			want: st(403, keepers, 409, r("regx.admin"), 404)},
		{route: "POST /api/v1/pilot/projects/{pid}/status", path: p + "{xpp}/status", body: `{"status":"completed","version":999}`,
			want: st(403, keepers, 404)},
		{route: "POST /api/v1/pilot/projects/{pid}/milestones", path: p + "{pp}/milestones", body: `{"title":"矩阵里程碑","due_date":"2025-06-30"}`,
			want: st(403, keepers, 201, r("regx.admin"), 404)},
		{route: "POST /api/v1/pilot/projects/{pid}/milestones", path: p + "{xpp}/milestones", body: `{"title":"矩阵里程碑","due_date":"2025-06-30"}`,
			want: st(403, keepers, 404)},
		{route: "POST /api/v1/pilot/projects/{pid}/milestones", path: p + "{pp}/milestones", body: `{"title":"矩阵","due_date":"2025-13-01"}`,
			want: st(403, append(r("regx.admin", "miit.admin"), keepers...), 400)},
		{route: "PUT /api/v1/pilot/projects/{pid}/milestones/{mid}", path: p + "{pp}/milestones/{pp_ms}",
			body: `{"title":"启动","due_date":"2024-10-15","version":999}`, want: st(403, keepers, 409, r("regx.admin"), 404)},
		{route: "PUT /api/v1/pilot/projects/{pid}/milestones/{mid}", path: p + "{pp}/milestones/{xpp_ms}",
			body: `{"title":"启动","due_date":"2024-10-15"}`, want: st(403, keepers, 404, r("regx.admin"), 404)},

		{route: "GET /api/v1/pilot/reports", path: "/api/v1/pilot/reports?limit=500", want: st(200), marker: "矩阵本方项目", see: seeOwn},
		{route: "GET /api/v1/pilot/reports", path: "/api/v1/pilot/reports?overdue=maybe", want: st(400)},
		{route: "GET /api/v1/pilot/reports/{rid}", path: rp + "{pp_rep}", want: st(404, seeOwn, 200), marker: `"platform"`, see: seeOwn},
		{route: "GET /api/v1/pilot/reports/{rid}", path: rp + "{xpp_rep}", want: st(404, seeForeign, 200)},
		{route: "PUT /api/v1/pilot/reports/{rid}", path: rp + "{pp_rep}", body: `{"progress":"矩阵","version":999}`,
			want: st(403, reporters, 409, r("regx.admin"), 404)},
		{route: "PUT /api/v1/pilot/reports/{rid}", path: rp + "{xpp_rep}", body: `{"progress":"矩阵","version":999}`,
			want: st(403, reporters, 404)},
		{route: "POST /api/v1/pilot/reports/{rid}/submit", path: rp + "{pp_rep}/submit", body: `{"progress":"矩阵","version":999}`,
			want: st(403, reporters, 409, r("regx.admin"), 404)},
		{route: "POST /api/v1/pilot/reports/{rid}/submit", path: rp + "{pp_sub}/submit", body: `{"progress":"矩阵"}`,
			want: st(403, reporters, 409, r("regx.admin"), 404)},
		{route: "POST /api/v1/pilot/reports/{rid}/submit", path: rp + "{xpp_rep}/submit", body: `{"progress":"矩阵"}`,
			want: st(403, reporters, 404)},
		{route: "POST /api/v1/pilot/reports/{rid}/acknowledge", path: rp + "{pp_sub}/acknowledge", body: `{"version":999}`,
			want: st(403, r("reg.admin", "reg.analyst", "miit.admin"), 409, r("regx.admin"), 404)},
		{route: "POST /api/v1/pilot/reports/{rid}/acknowledge", path: rp + "{xpp_sub}/acknowledge", body: `{"version":999}`,
			want: st(403, r("regx.admin", "miit.admin"), 409, r("reg.admin", "reg.analyst"), 404)},
		{route: "POST /api/v1/pilot/reports/{rid}/return", path: rp + "{pp_sub}/return", body: `{"comment":"请更正","version":999}`,
			want: st(403, r("reg.admin", "reg.analyst", "miit.admin"), 409, r("regx.admin"), 404)},
		{route: "POST /api/v1/pilot/reports/{rid}/return", path: rp + "{xpp_sub}/return", body: `{"comment":"请更正","version":999}`,
			want: st(403, r("regx.admin", "miit.admin"), 409, r("reg.admin", "reg.analyst"), 404)},

		{route: "GET /api/v1/pilot/cases", path: "/api/v1/pilot/cases?limit=500", want: st(200), marker: "矩阵已发布案例", see: all},
		{route: "GET /api/v1/pilot/cases", path: "/api/v1/pilot/cases?limit=500", want: st(200), marker: "矩阵草稿案例", see: r("ent1.admin", "ent1.member")},
		{route: "GET /api/v1/pilot/cases", path: "/api/v1/pilot/cases?kind=story", want: st(400)},
		{route: "POST /api/v1/pilot/cases", path: "/api/v1/pilot/cases", body: `{"kind":"story","title":"矩阵"}`, want: st(403, caseSubmitters, 400)},
		{route: "GET /api/v1/pilot/cases/{cid}", path: cp + "{case_draft}", want: st(404, r("ent1.admin", "ent1.member"), 200)},
		{route: "GET /api/v1/pilot/cases/{cid}", path: cp + "{case_sub}", want: st(404, r("ent1.admin", "ent1.member", "op.admin", "op.expert", "miit.admin", "reg.admin"), 200)},
		{route: "GET /api/v1/pilot/cases/{cid}", path: cp + "{xcase_sub}", want: st(404, r("op.admin", "op.expert", "miit.admin", "regx.admin"), 200)},
		{route: "GET /api/v1/pilot/cases/{cid}", path: cp + "{xcase_pub}", want: st(200), marker: "矩阵已发布案例", see: all},
		{route: "PUT /api/v1/pilot/cases/{cid}", path: cp + "{case_draft}", body: `{"kind":"typical_case","title":"矩阵","version":999}`,
			want: st(403, caseSubmitters, 404, r("ent1.admin"), 409)},
		{route: "POST /api/v1/pilot/cases/{cid}/submit", path: cp + "{case_draft}/submit", body: `{"version":999}`,
			want: st(403, caseSubmitters, 404, r("ent1.admin"), 409)},
		{route: "POST /api/v1/pilot/cases/{cid}/submit", path: cp + "{xcase_pub}/submit", body: `{}`,
			want: st(403, caseSubmitters, 403, r("regx.admin"), 403)},
		{route: "POST /api/v1/pilot/cases/{cid}/review", path: cp + "{case_sub}/review", body: `{"decision":"comment","comment":"矩阵","version":999}`,
			want: st(403, r("op.admin", "op.expert", "miit.admin", "reg.admin"), 409, r("regx.admin"), 404)},
		{route: "POST /api/v1/pilot/cases/{cid}/review", path: cp + "{case_sub}/review", body: `{"decision":"select","version":999}`,
			want: st(403, r("op.admin", "op.expert", "miit.admin"), 409)},
		{route: "POST /api/v1/pilot/cases/{cid}/publish", path: cp + "{case_sub}/publish", body: `{"version":999}`,
			want: st(403, r("op.admin", "miit.admin"), 409)},
	}
}

// projectTestIDs is the small fixture set of the flow tests (the access
// matrix's needs a larger pilot).
func (e *testEnv) projectTestIDs() *fixtures {
	f := &fixtures{vals: map[string]string{}, users: map[string]string{}}
	for _, k := range []string{"ent1", "ins1", "prov1", "ins2"} {
		f.vals[k] = e.userOrg(k + ".admin")
	}
	var jur string
	if err := e.st.RawDB().QueryRow("SELECT jurisdiction FROM organisations WHERE id = $1", f.vals["ent1"]).Scan(&jur); err != nil {
		e.t.Fatal(err)
	}
	xjur := "11"
	if jur == xjur {
		xjur = "31"
	}
	f.users["reg.admin"], f.users["regx.admin"] = "reg"+jur+".admin", "reg"+xjur+".admin"
	return f
}

// TestPilotProjectAPIFlow runs a project end to end through the API:
// register, milestone, report (pre-filled, corrected, submitted),
// acknowledgement, reminders, and a case to publication.
func TestPilotProjectAPIFlow(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		e := newTestEnv(t, st, 30)
		f := e.projectTestIDs()
		ent1, ins1, prov1 := mustID(t, f.vals["ent1"]), mustID(t, f.vals["ins1"]), mustID(t, f.vals["prov1"])
		entry := e.projectTestCatalogue("FLOW", ins1, prov1)
		regUser := f.username("reg.admin")
		reg := e.userOrg(regUser)
		_ = ent1

		rec := e.as("ent1.admin", "POST", "/api/v1/pilot/projects", fmt.Sprintf(`{"catalogue_entry_id":%d,"title":"流程项目","cadence":"monthly",
			"start_date":"2025-01-01","end_date":"2025-06-30","member_ids":[%d,%d,%s]}`, entry, ins1, prov1, reg))
		if rec.Code != http.StatusCreated {
			t.Fatalf("register: %d %s", rec.Code, rec.Body)
		}
		pr := decodeBody[anbao.PilotProject](t, rec)
		if len(pr.Reports) != 7 || len(pr.Members) != 4 {
			t.Fatalf("project: %+v", pr)
		}
		if rec := e.as("prov1.admin", "POST", fmt.Sprintf("/api/v1/pilot/projects/%d/milestones", pr.ID), `{"title":"首批承保","due_date":"2025-03-31","done_date":"2025-03-20"}`); rec.Code != 201 {
			t.Fatalf("milestone: %d %s", rec.Code, rec.Body)
		}
		jan := pr.Reports[0]
		rec = e.as("ins1.uw", "GET", fmt.Sprintf("/api/v1/pilot/reports/%d", jan.ID), "")
		rep := decodeBody[anbao.PeriodicReport](t, rec)
		if rep.Platform == nil || !rep.Overdue {
			t.Fatalf("report: %s", rec.Body)
		}
		body := `{"progress":"完成首批承保","issues":"无","next_steps":"扩大覆盖","reported":{"policies":3,"premium":900000}}`
		if rec := e.as("ins1.uw", "PUT", fmt.Sprintf("/api/v1/pilot/reports/%d", jan.ID), body); rec.Code != 200 {
			t.Fatalf("save: %d %s", rec.Code, rec.Body)
		}
		if rec := e.as("ent1.admin", "POST", fmt.Sprintf("/api/v1/pilot/reports/%d/submit", jan.ID), body); rec.Code != 200 {
			t.Fatalf("submit: %d %s", rec.Code, rec.Body)
		}
		head := e.auditHead()
		if rec := e.as("ent1.admin", "POST", fmt.Sprintf("/api/v1/pilot/reports/%d/submit", jan.ID), body); rec.Code != 409 ||
			!strings.Contains(rec.Body.String(), "报告已提交") || e.auditHead() != head {
			t.Errorf("second submit: %d %s", rec.Code, rec.Body)
		}
		rec = e.as(regUser, "POST", fmt.Sprintf("/api/v1/pilot/reports/%d/acknowledge", jan.ID), `{"comment":"收悉"}`)
		if rec.Code != 200 || decodeBody[anbao.PeriodicReport](t, rec).Status != anbao.ReportAcknowledged {
			t.Fatalf("acknowledge: %d %s", rec.Code, rec.Body)
		}
		e.srv.remindReports(sysCtx())
		rec = e.as("ent1.admin", "GET", "/api/v1/pilot/reports?overdue=true&mine=true", "")
		mine := decodeBody[ListResponse[*anbao.PeriodicReport]](t, rec)
		if mine.Total < 6 {
			t.Errorf("my overdue reports = %d", mine.Total)
		}
		rec = e.as("ent1.admin", "GET", fmt.Sprintf("/api/v1/pilot/projects/%d", pr.ID), "")
		if got := decodeBody[anbao.PilotProject](t, rec); len(got.Reminders) < 6 {
			t.Errorf("reminders = %d", len(got.Reminders))
		}

		// A case to publication.
		rec = e.as("ent1.admin", "POST", "/api/v1/pilot/cases", fmt.Sprintf(`{"kind":"good_practice","title":"流程优秀做法","project_id":%d,
			"background":"背景","risk":"风险","insurance_services":"保险+服务","outcome":"成效","lessons":"经验"}`, pr.ID))
		if rec.Code != 201 {
			t.Fatalf("case: %d %s", rec.Code, rec.Body)
		}
		c := decodeBody[anbao.PilotCase](t, rec)
		for _, step := range []struct{ user, path, body string }{
			{"ent1.admin", "submit", `{}`},
			{regUser, "review", `{"decision":"recommend","comment":"推荐"}`},
			{"op.expert", "review", `{"decision":"select"}`},
			{"op.admin", "publish", `{}`},
		} {
			if rec := e.as(step.user, "POST", fmt.Sprintf("/api/v1/pilot/cases/%d/%s", c.ID, step.path), step.body); rec.Code != 200 {
				t.Fatalf("%s %s: %d %s", step.user, step.path, rec.Code, rec.Body)
			}
		}
		rec = e.as("ent5.member", "GET", "/api/v1/pilot/cases?library=true&q=流程", "")
		if l := decodeBody[ListResponse[*anbao.PilotCase]](t, rec); l.Total != 1 {
			t.Errorf("library: %s", rec.Body)
		}
	})
}

// TestPilotProjectAPIBadInput checks that bad input gets a specific error
// and writes nothing.
func TestPilotProjectAPIBadInput(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		e := newTestEnv(t, st, 30)
		f := e.projectTestIDs()
		ins1, prov1 := mustID(t, f.vals["ins1"]), mustID(t, f.vals["prov1"])
		entry := e.projectTestCatalogue("BAD", ins1, prov1)
		regx := f.username("regx.admin")
		ok := fmt.Sprintf(`{"catalogue_entry_id":%d,"title":"坏输入项目","cadence":"quarterly","start_date":"2025-01-01","end_date":"2025-12-31","member_ids":[%d]}`, entry, ins1)
		rec := e.as("ent1.admin", "POST", "/api/v1/pilot/projects", ok)
		if rec.Code != 201 {
			t.Fatalf("register: %d %s", rec.Code, rec.Body)
		}
		pr := decodeBody[anbao.PilotProject](t, rec)
		for _, u := range []string{regx, "ent3.admin", "miit.admin", "ins2.admin"} {
			e.login(u)
		}
		for _, c := range []struct {
			user, method, path, body string
			status                   int
			marker                   string
		}{
			{"ent1.admin", "POST", "/api/v1/pilot/projects", `{"title":`, 400, `"code":"invalid"`},
			{"ent1.admin", "POST", "/api/v1/pilot/projects", `{"title":"x","bogus":1}`, 400, "bogus"},
			{"ent1.admin", "POST", "/api/v1/pilot/projects", strings.Replace(ok, `"quarterly"`, `"weekly"`, 1), 400, `"field":"cadence"`},
			{"ent1.admin", "POST", "/api/v1/pilot/projects", strings.Replace(ok, `"2025-12-31"`, `"2024-12-31"`, 1), 400, `"field":"end_date"`},
			{"ent1.admin", "POST", "/api/v1/pilot/projects", strings.Replace(ok, fmt.Sprint(entry), "999999", 1), 400, `"field":"catalogue_entry_id"`},
			{"ent1.admin", "POST", "/api/v1/pilot/projects", strings.Replace(ok, fmt.Sprintf("[%d]", ins1), "[999999]", 1), 400, `"field":"member_ids","request`},
			{"ent1.admin", "POST", "/api/v1/pilot/projects", strings.Replace(ok, fmt.Sprintf("[%d]", ins1), "["+f.vals["ins2"]+"]", 1), 400, "联合体"},
			{"ent1.admin", "POST", "/api/v1/pilot/projects", strings.Replace(ok, fmt.Sprintf("[%d]", ins1), fmt.Sprintf("[%d,%s]", ins1, e.userOrg("ent3.admin")), 1), 400, "没有关联"},
			{"ent1.admin", "POST", "/api/v1/pilot/projects", strings.Replace(ok, fmt.Sprintf("[%d]", ins1), fmt.Sprintf("[%d]", prov1), 1), 400, "至少须有一家"},
			{"ent3.admin", "POST", fmt.Sprintf("/api/v1/pilot/projects/%d/members/%s/accept", pr.ID, e.userOrg("ent3.admin")), `{}`, 404, `"code":"not_found"`},
			{"ent1.admin", "POST", fmt.Sprintf("/api/v1/pilot/projects/%d/members/%d/accept", pr.ID, ins1), `{}`, 403, "被邀请企业的管理员"},
			{regx, "POST", "/api/v1/pilot/projects", strings.Replace(ok, `}`, `,"jurisdiction":"`+strings.TrimPrefix(strings.TrimSuffix(f.username("reg.admin"), ".admin"), "reg")+`"}`, 1), 400, `"field":"jurisdiction"`},
			{"miit.admin", "POST", "/api/v1/pilot/projects", ok, 403, "国家主管部门"},
			{"ins2.admin", "POST", "/api/v1/pilot/projects", ok, 403, "联合体"},
			{"ent3.admin", "PUT", fmt.Sprintf("/api/v1/pilot/reports/%d", pr.Reports[0].ID), `{"progress":"x"}`, 404, `"code":"not_found"`},
			{"ent1.admin", "PUT", fmt.Sprintf("/api/v1/pilot/reports/%d", pr.Reports[0].ID), `{"reported":{"premium":-5}}`, 400, `"field":"reported.premium"`},
			{"ent1.admin", "POST", fmt.Sprintf("/api/v1/pilot/reports/%d/submit", pr.Reports[0].ID), `{"progress":""}`, 400, `"field":"progress"`},
			{regx, "POST", fmt.Sprintf("/api/v1/pilot/reports/%d/acknowledge", pr.Reports[0].ID), `{}`, 404, `"code":"not_found"`},
			{"ent1.admin", "POST", fmt.Sprintf("/api/v1/pilot/projects/%d/milestones", pr.ID), `{"title":"","due_date":"2025-01-01"}`, 400, `"field":"title"`},
			{"ent1.admin", "POST", fmt.Sprintf("/api/v1/pilot/projects/%d/status", pr.ID), `{"status":"paused"}`, 400, `"field":"status"`},
			{"ent1.admin", "POST", fmt.Sprintf("/api/v1/pilot/projects/%d/status", pr.ID), `{"status":"terminated"}`, 400, `"field":"note"`},
			{"ent1.admin", "POST", "/api/v1/pilot/cases", `{"kind":"good_practice","title":"x","industry":"ZZ"}`, 400, `"field":"industry"`},
			{"ent1.admin", "POST", "/api/v1/pilot/cases", `{"kind":"good_practice","title":"x","project_id":999999}`, 400, `"field":"project_id"`},
			{"ent1.admin", "GET", "/api/v1/pilot/projects?jurisdiction=ZZ", "", 400, `"field":"jurisdiction"`},
		} {
			head := e.auditHead()
			var n int
			e.st.RawDB().QueryRow("SELECT (SELECT COUNT(*) FROM pilot_projects) + (SELECT COUNT(*) FROM pilot_cases) + (SELECT COUNT(*) FROM project_milestones)").Scan(&n)
			rec := e.as(c.user, c.method, c.path, c.body)
			if rec.Code != c.status || !strings.Contains(rec.Body.String(), c.marker) {
				t.Errorf("%s %s %s as %s: %d %s, want %d %s", c.method, c.path, c.body, c.user, rec.Code, rec.Body, c.status, c.marker)
			}
			var m int
			e.st.RawDB().QueryRow("SELECT (SELECT COUNT(*) FROM pilot_projects) + (SELECT COUNT(*) FROM pilot_cases) + (SELECT COUNT(*) FROM project_milestones)").Scan(&m)
			if e.auditHead() != head || m != n {
				t.Errorf("%s %s as %s: refused but wrote", c.method, c.path, c.user)
			}
		}
	})
}

// TestPilotProjectUI walks the pages: register through the form, the
// project page, a report filled, corrected and acknowledged through its
// forms, the case form, review and the library, in both languages.
func TestPilotProjectUI(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		e := newTestEnv(t, st, 30)
		f := e.projectTestIDs()
		ins1, prov1 := mustID(t, f.vals["ins1"]), mustID(t, f.vals["prov1"])
		entry := e.projectTestCatalogue("UI", ins1, prov1)
		regUser := f.username("reg.admin")
		post := func(user, path string, v url.Values) *httptest.ResponseRecorder {
			t.Helper()
			return e.send(user, "POST", path, "application/x-www-form-urlencoded", v.Encode(), nil)
		}
		get := func(user, path string, want int, contains ...string) string {
			t.Helper()
			rec := e.page(user, path)
			if rec.Code != want {
				t.Fatalf("GET %s as %s: %d %s", path, user, rec.Code, rec.Body)
			}
			for _, c := range contains {
				if !strings.Contains(rec.Body.String(), c) {
					t.Errorf("GET %s as %s: no %q", path, user, c)
				}
			}
			return rec.Body.String()
		}
		get("ent1.admin", "/projects", 200, "试点项目", `id="project-register-btn"`)
		if body := get("miit.admin", "/projects", 200); strings.Contains(body, `id="project-register-btn"`) {
			t.Error("a national regulator is offered registration")
		}
		get("ent1.admin", "/projects/new", 200, fmt.Sprintf(`value="%d"`, entry))
		// A refused registration shows the field error on the form.
		bad := url.Values{"catalogue_entry_id": {fmt.Sprint(entry)}, "title": {"界面项目"}, "cadence": {"quarterly"},
			"start_date": {"2025-01-01"}, "end_date": {"2024-01-01"}, "consortium": {"1"}, "authority": {"1"}}
		if rec := post("ent1.admin", "/projects/new", bad); rec.Code != 400 || !strings.Contains(rec.Body.String(), `id="err-register-end_date"`) {
			t.Fatalf("bad registration: %d %s", rec.Code, rec.Body)
		}
		good := url.Values{"catalogue_entry_id": {fmt.Sprint(entry)}, "title": {"界面项目"}, "cadence": {"quarterly"},
			"start_date": {"2025-01-01"}, "end_date": {"2025-12-31"}, "consortium": {"1"}, "authority": {"1"}}
		rec := post("ent1.admin", "/projects/new", good)
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("registration: %d %s", rec.Code, rec.Body)
		}
		loc := rec.Header().Get("Location")
		var pid int64
		fmt.Sscanf(loc, "/projects/%d", &pid)
		pr, err := st.GetProject(sysCtx(), pid)
		if err != nil || len(pr.Members) != 4 {
			t.Fatalf("registered: %+v %v", pr, err)
		}
		get("ent1.admin", loc, 200, "界面项目", `id="reports-table"`, "2025Q1", `id="milestone-form"`)
		// An invitation: the local authority proposes ent1; ent1's admin sees the project, not its reports, and accepts.
		rec = e.as(regUser, "POST", "/api/v1/pilot/projects", fmt.Sprintf(`{"catalogue_entry_id":%d,"title":"邀请项目","cadence":"quarterly",
			"start_date":"2025-01-01","end_date":"2025-12-31","member_ids":[%d,%s]}`, entry, ins1, f.vals["ent1"]))
		if rec.Code != http.StatusCreated {
			t.Fatalf("invitation: %d %s", rec.Code, rec.Body)
		}
		inv := decodeBody[anbao.PilotProject](t, rec)
		ip := fmt.Sprintf("/projects/%d", inv.ID)
		if body := get("ent1.admin", ip, 200, `id="project-invitation"`, `data-member-status="invited"`, "同意参加"); strings.Contains(body, `id="reports-table"`) &&
			strings.Contains(body, "2025Q1") {
			t.Error("an invited enterprise sees the reports")
		}
		if body := get("ent1.member", ip, 200); strings.Contains(body, `id="project-invitation"`) {
			t.Error("an enterprise member is offered the invitation")
		}
		get(regUser, ip+"?lang=en", 200, "Invited, awaiting consent")
		if rec := post("ent1.admin", ip+"/accept", url.Values{"version": {fmt.Sprint(inv.Version)}}); rec.Code != http.StatusSeeOther {
			t.Fatalf("accept: %d %s", rec.Code, rec.Body)
		}
		if body := get("ent1.admin", ip, 200, `data-member-status="accepted"`, "2025Q1"); strings.Contains(body, `id="project-invitation"`) {
			t.Error("still invited after accepting")
		}
		get(regUser, fmt.Sprintf("/projects/%d?lang=en", pid), 200, "Participating units", "Local authority")
		get("ent3.admin", fmt.Sprintf("/projects/%d", pid), 404)
		get("ent1.admin", "/projects?overdue=1", 200, `id="my-overdue"`, "我的逾期报告", "界面项目")
		get(regUser, "/projects", 200, "辖区内逾期报告")
		post("ent1.admin", fmt.Sprintf("/projects/%d/milestones", pid), url.Values{"title": {"启动会"}, "due_date": {"2025-01-20"}})

		q1 := pr.Reports[0]
		rp := fmt.Sprintf("/projects/%d/reports/%d", pid, q1.ID)
		get("ins1.uw", rp, 200, `id="kpi-table"`, `name="kpi.premium"`, "平台数据")
		form := url.Values{"version": {fmt.Sprint(q1.Version)}, "progress": {"首季度完成承保"}, "kpi.policies": {"4"}, "kpi.premium": {"12,000.50"}}
		if rec := post("ins1.uw", rp+"/submit", url.Values{"progress": {"x"}, "kpi.premium": {"12.345"}}); rec.Code != 400 ||
			!strings.Contains(rec.Body.String(), `id="err-submit-reported.premium"`) {
			t.Fatalf("bad amount: %d %s", rec.Code, rec.Body)
		}
		if rec := post("ins1.uw", rp+"/submit", form); rec.Code != http.StatusSeeOther {
			t.Fatalf("submit: %d %s", rec.Code, rec.Body)
		}
		got, _ := st.GetProjectReport(sysCtx(), q1.ID)
		if got.Status != anbao.ReportSubmitted || got.Reported.Premium != 1_200_050 || got.Reported.Policies != 4 {
			t.Fatalf("submitted via the form: %+v", got.Reported)
		}
		get(regUser, rp, 200, `id="review-form"`, "&#43;4", "pj-differs")
		if rec := post(regUser, rp+"/return", url.Values{"version": {fmt.Sprint(got.Version)}}); rec.Code != 400 {
			t.Fatalf("return without comment: %d", rec.Code)
		}
		if rec := post(regUser, rp+"/acknowledge", url.Values{"version": {fmt.Sprint(got.Version)}, "comment": {"收悉"}}); rec.Code != http.StatusSeeOther {
			t.Fatalf("acknowledge: %d %s", rec.Code, rec.Body)
		}
		get("ent1.admin", rp, 200, "已确认")

		// A case through the form, reviewed and published from its page.
		get("ent1.admin", "/cases/new?project="+fmt.Sprint(pid), 200, `id="case-form"`, "背景")
		cf := url.Values{"kind": {"typical_case"}, "title": {"界面案例"}, "project_id": {fmt.Sprint(pid)}, "background": {"背景"},
			"risk": {"风险"}, "insurance_services": {"服务"}, "outcome": {"成效"}, "lessons": {"经验"}, "then": {"submit"}}
		rec = post("ent1.admin", "/cases/new", cf)
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("case: %d %s", rec.Code, rec.Body)
		}
		cl := rec.Header().Get("Location")
		cl = cl[:strings.Index(cl, "?")]
		get("op.expert", cl, 200, `id="case-review-form"`)
		get(regUser, cl, 200, `id="case-review-form"`, "地方主管部门可对本辖区案例")
		if rec := post("op.expert", cl+"/review", url.Values{"decision": {"select"}}); rec.Code != http.StatusSeeOther {
			t.Fatalf("select: %d %s", rec.Code, rec.Body)
		}
		if rec := post("op.expert", cl+"/publish", url.Values{}); rec.Code != 403 {
			t.Fatalf("expert publishes: %d", rec.Code)
		}
		if rec := post("miit.admin", cl+"/publish", url.Values{}); rec.Code != http.StatusSeeOther {
			t.Fatalf("publish: %d %s", rec.Code, rec.Body)
		}
		get("ent5.member", "/cases?q=界面", 200, "界面案例", `id="case-library"`)
		get("ent5.member", "/cases?lang=en", 200, "Case library")
		get("ent5.member", cl, 200, "界面案例")
	})
}

// TestPilotProjectAPIOwnReport: a local regulator taking part in a project
// may fill and submit a report, but should not acknowledge or return the
// report its own organisation submitted (403, nothing written).
func TestPilotProjectAPIOwnReport(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		e := newTestEnv(t, st, 30)
		f := e.projectTestIDs()
		ins1, prov1 := mustID(t, f.vals["ins1"]), mustID(t, f.vals["prov1"])
		entry := e.projectTestCatalogue("OWN", ins1, prov1)
		regUser := f.username("reg.admin")
		reg := e.userOrg(regUser)
		rec := e.as("ent1.admin", "POST", "/api/v1/pilot/projects", fmt.Sprintf(`{"catalogue_entry_id":%d,"title":"自审项目","cadence":"monthly",
			"start_date":"2025-01-01","end_date":"2025-06-30","member_ids":[%d,%d,%s]}`, entry, ins1, prov1, reg))
		if rec.Code != http.StatusCreated {
			t.Fatalf("register: %d %s", rec.Code, rec.Body)
		}
		pr := decodeBody[anbao.PilotProject](t, rec)
		jan := pr.Reports[0]
		if rec := e.as(regUser, "POST", fmt.Sprintf("/api/v1/pilot/reports/%d/submit", jan.ID), `{"progress":"本辖区组织推进"}`); rec.Code != 200 {
			t.Fatalf("submit: %d %s", rec.Code, rec.Body)
		}
		for _, step := range []struct{ path, body string }{{"acknowledge", `{"comment":"收悉"}`}, {"return", `{"comment":"自行退回"}`}} {
			head := e.auditHead()
			rec := e.as(regUser, "POST", fmt.Sprintf("/api/v1/pilot/reports/%d/%s", jan.ID, step.path), step.body)
			if rec.Code != http.StatusForbidden || !strings.Contains(rec.Body.String(), "本单位提交的报告") || e.auditHead() != head {
				t.Errorf("own report %s: %d %s", step.path, rec.Code, rec.Body)
			}
		}
		rec = e.as(regUser, "GET", fmt.Sprintf("/api/v1/pilot/reports/%d", jan.ID), "")
		if got := decodeBody[anbao.PeriodicReport](t, rec); got.Status != anbao.ReportSubmitted || got.ReviewedBy != "" {
			t.Errorf("after the refusals: %s", rec.Body)
		}
		if rec := e.as("miit.admin", "POST", fmt.Sprintf("/api/v1/pilot/reports/%d/acknowledge", jan.ID), `{"comment":"收悉"}`); rec.Code != 200 {
			t.Errorf("national acknowledgement: %d %s", rec.Code, rec.Body)
		}

	})
}

// TestPilotCaseAPITrail: a published case's review trail is not shown to a
// local regulator of another jurisdiction.
func TestPilotCaseAPITrail(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		e := newTestEnv(t, st, 30)
		f := e.projectTestIDs()
		ins1, prov1 := mustID(t, f.vals["ins1"]), mustID(t, f.vals["prov1"])
		entry := e.projectTestCatalogue("TRAIL", ins1, prov1)
		regUser, regxUser := f.username("reg.admin"), f.username("regx.admin")
		reg := e.userOrg(regUser)
		rec := e.as("ent1.admin", "POST", "/api/v1/pilot/projects", fmt.Sprintf(`{"catalogue_entry_id":%d,"title":"痕迹项目","cadence":"monthly",
			"start_date":"2025-01-01","end_date":"2025-06-30","member_ids":[%d,%d,%s]}`, entry, ins1, prov1, reg))
		if rec.Code != http.StatusCreated {
			t.Fatalf("register: %d %s", rec.Code, rec.Body)
		}
		pr := decodeBody[anbao.PilotProject](t, rec)
		// A published case: the trail for the submitter and the reviewers, not for another jurisdiction.
		rec = e.as("ent1.admin", "POST", "/api/v1/pilot/cases", fmt.Sprintf(`{"kind":"good_practice","title":"审核痕迹案例","project_id":%d,
			"background":"背景","risk":"风险","insurance_services":"保险+服务","outcome":"成效","lessons":"经验"}`, pr.ID))
		if rec.Code != 201 {
			t.Fatalf("case: %d %s", rec.Code, rec.Body)
		}
		c := decodeBody[anbao.PilotCase](t, rec)
		for _, step := range []struct{ user, path, body string }{
			{"ent1.admin", "submit", `{}`},
			{regUser, "review", `{"decision":"recommend","comment":"本辖区推荐意见"}`},
			{"op.expert", "review", `{"decision":"select"}`},
			{"op.admin", "publish", `{}`},
		} {
			if rec := e.as(step.user, "POST", fmt.Sprintf("/api/v1/pilot/cases/%d/%s", c.ID, step.path), step.body); rec.Code != 200 {
				t.Fatalf("%s %s: %d %s", step.user, step.path, rec.Code, rec.Body)
			}
		}
		rec = e.as(regxUser, "GET", fmt.Sprintf("/api/v1/pilot/cases/%d", c.ID), "")
		if got := decodeBody[anbao.PilotCase](t, rec); rec.Code != 200 || len(got.Reviews) != 0 || strings.Contains(rec.Body.String(), "本辖区推荐意见") {
			t.Errorf("another jurisdiction's regulator reads the trail: %d %s", rec.Code, rec.Body)
		}
		rec = e.as(regUser, "GET", fmt.Sprintf("/api/v1/pilot/cases/%d", c.ID), "")
		if got := decodeBody[anbao.PilotCase](t, rec); len(got.Reviews) != 3 {
			t.Errorf("own jurisdiction's regulator: %s", rec.Body)
		}
	})
}
