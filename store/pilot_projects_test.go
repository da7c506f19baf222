package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/store"
	"github.com/anbao/anbao/store/storetest"
)

// userOrgID reads the organisation of a demo user.
func userOrgID(t testing.TB, st *store.Store, username string) int64 {
	t.Helper()
	return count(t, st, "SELECT org_id FROM users WHERE username = $1", username)
}

func orgJurisdiction(t testing.TB, st *store.Store, id int64) string {
	t.Helper()
	var j string
	if err := st.RawDB().QueryRow("SELECT jurisdiction FROM organisations WHERE id = $1", id).Scan(&j); err != nil {
		t.Fatal(err)
	}
	return j
}

// projectCatalogue inserts (raw) a batch, a plan led by lead with partners,
// and a catalogue version holding it; published or not. It returns the
// catalogue entry's id.
func projectCatalogue(t testing.TB, st *store.Store, code string, published bool, lead int64, partners ...int64) int64 {
	t.Helper()
	db := st.RawDB()
	now := anbao.FormatTime(time.Now())
	var batch, plan, version, entry int64
	must(t, db.QueryRow(`INSERT INTO pilot_batches (code, name_zh, status, opens_at, closes_at, created_at, updated_at)
		VALUES ($1, $2, 'published', $3, $3, $3, $3) RETURNING id`, code, "测试批次"+code, now).Scan(&batch))
	must(t, db.QueryRow(`INSERT INTO service_plans (batch_id, lead_org_id, jurisdiction, status, product_type, title, created_at, updated_at)
		VALUES ($1, $2, '', 'selected', 'enterprise', $3, $4, $4) RETURNING id`, batch, lead, "测试方案"+code, now).Scan(&plan))
	storetest.Exec(t, st, `INSERT INTO plan_partners (plan_id, org_id, role, lead) VALUES ($1, $2, 'insurer', TRUE)`, plan, lead)
	for _, o := range partners {
		storetest.Exec(t, st, `INSERT INTO plan_partners (plan_id, org_id, role, lead) VALUES ($1, $2, 'provider', FALSE)`, plan, o)
	}
	status, at := "draft", ""
	if published {
		status, at = "published", now
	}
	must(t, db.QueryRow(`INSERT INTO catalogue_versions (batch_id, number, status, published_at, created_at) VALUES ($1, 1, $2, $3, $4)
		RETURNING id`, batch, status, at, now).Scan(&version))
	must(t, db.QueryRow(`INSERT INTO catalogue_entries (version_id, batch_id, plan_id, entry_no, created_at) VALUES ($1, $2, $3, $4, $5)
		RETURNING id`, version, batch, plan, code+"-001", now).Scan(&entry))
	return entry
}

// unchanged runs fn and checks that it fails with code and key and that
// neither the audit chain nor the given tables moved.
func unchanged(t *testing.T, st *store.Store, code, key string, fn func() error) {
	t.Helper()
	tables := []string{"pilot_projects", "project_members", "project_milestones", "project_reports", "report_reminders", "pilot_cases", "case_reviews"}
	before := map[string]int64{}
	for _, tb := range tables {
		before[tb] = count(t, st, "SELECT COUNT(*) FROM "+tb)
	}
	head := headSeq(t, st)
	wantErr(t, fn(), code, key)
	if headSeq(t, st) != head {
		t.Errorf("%s: the audit chain moved", key)
	}
	for _, tb := range tables {
		if n := count(t, st, "SELECT COUNT(*) FROM "+tb); n != before[tb] {
			t.Errorf("%s: %s has %d rows, had %d", key, tb, n, before[tb])
		}
	}
}

type projectWorld struct {
	t                          *testing.T
	st                         *store.Store
	clock                      *clock
	ent1, ent2, ent3, ins1     int64
	ins2, prov1, reg, regx     int64
	jur                        string
	regUser, regxUser, entry   string
	entryID, draftEntryID      int64
	ent1Ctx, ent3Ctx, regCtx   context.Context
	regxCtx, miitCtx, prov1Ctx context.Context
}

func newProjectWorld(t *testing.T, st *store.Store) *projectWorld {
	loadPilot(t, st)
	w := &projectWorld{t: t, st: st}
	w.clock = setClock(st, time.Date(2025, 2, 20, 2, 0, 0, 0, time.UTC))
	w.ent1, w.ent2, w.ent3 = userOrgID(t, st, "ent1.admin"), userOrgID(t, st, "ent2.admin"), userOrgID(t, st, "ent3.admin")
	w.ins1, w.ins2, w.prov1 = userOrgID(t, st, "ins1.admin"), userOrgID(t, st, "ins2.admin"), userOrgID(t, st, "prov1.admin")
	w.jur = orgJurisdiction(t, st, w.ent1)
	w.regUser = "reg" + w.jur + ".admin"
	w.reg = userOrgID(t, st, w.regUser)
	xjur := "11"
	if w.jur == xjur {
		xjur = "31"
	}
	w.regxUser = "reg" + xjur + ".admin"
	w.regx = userOrgID(t, st, w.regxUser)
	w.entryID = projectCatalogue(t, st, "T1", true, w.ins1, w.prov1)
	w.draftEntryID = projectCatalogue(t, st, "T2", false, w.ins1)
	w.ent1Ctx, w.ent3Ctx = as(t, st, "ent1.admin"), as(t, st, "ent3.admin")
	w.regCtx, w.regxCtx, w.miitCtx = as(t, st, w.regUser), as(t, st, w.regxUser), as(t, st, "miit.admin")
	w.prov1Ctx = as(t, st, "prov1.admin")
	return w
}

// ctx logs a user in (outside the checks of unchanged: logins are audited).
func (w *projectWorld) ctx(user string) context.Context { return as(w.t, w.st, user) }

func (w *projectWorld) input() store.ProjectInput {
	return store.ProjectInput{CatalogueEntryID: w.entryID, Title: "苏州工业互联网网络安全保险试点", Cadence: anbao.CadenceQuarterly,
		StartDate: "2024-10-01", EndDate: "2025-09-30", MemberIDs: []int64{w.ins1, w.prov1, w.reg},
		Milestones: []store.MilestoneInput{{Title: "启动会", DueDate: "2024-10-15", DoneDate: "2024-10-12"}, {Title: "中期评估", DueDate: "2025-03-31"}}}
}

func TestPilotProjectRegistration(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		w := newProjectWorld(t, st)
		// Bad input: nothing written.
		bad := func(mod func(*store.ProjectInput)) store.ProjectInput { in := w.input(); mod(&in); return in }
		for _, c := range []struct {
			ctx       context.Context
			in        store.ProjectInput
			code, key string
		}{
			{w.miitCtx, w.input(), anbao.EFORBIDDEN, "project.national_cannot_register"},
			{w.ctx("ent1.member"), w.input(), anbao.EFORBIDDEN, "error.forbidden"},
			{w.ctx("ins2.admin"), w.input(), anbao.EFORBIDDEN, "project.not_in_consortium"},
			{w.regCtx, bad(func(in *store.ProjectInput) { in.Jurisdiction = "11"; in.MemberIDs = nil }), anbao.EINVALID, "project.jurisdiction_not_own"},
			{w.ent1Ctx, bad(func(in *store.ProjectInput) { in.CatalogueEntryID = w.draftEntryID }), anbao.EINVALID, "project.entry_not_published"},
			{w.ent1Ctx, bad(func(in *store.ProjectInput) { in.CatalogueEntryID = 999999 }), anbao.EINVALID, "project.entry_not_published"},
			{w.ent1Ctx, bad(func(in *store.ProjectInput) { in.MemberIDs = append(in.MemberIDs, w.ins2) }), anbao.EINVALID, "project.member_not_in_consortium"},
			{w.ent1Ctx, bad(func(in *store.ProjectInput) { in.MemberIDs = append(in.MemberIDs, w.regx) }), anbao.EINVALID, "project.member_jurisdiction"},
			{w.ent1Ctx, bad(func(in *store.ProjectInput) { in.MemberIDs = append(in.MemberIDs, 999999) }), anbao.EINVALID, "project.member_unknown"},
			// An enterprise may be proposed only with a link: another enterprise, or one of another jurisdiction for a local authority.
			{w.ent1Ctx, bad(func(in *store.ProjectInput) { in.MemberIDs = append(in.MemberIDs, w.ent2) }), anbao.EINVALID, "project.member_unrelated"},
			{w.regCtx, bad(func(in *store.ProjectInput) { in.MemberIDs = []int64{w.ins1, w.ent2} }), anbao.EINVALID, "project.member_unrelated"},
			{w.prov1Ctx, bad(func(in *store.ProjectInput) { in.MemberIDs = []int64{w.ins1, w.ent2, w.ins2} }), anbao.EINVALID, "project.member_not_in_consortium"},
			// The figures are those shared with a member insurer: none, no project.
			{w.ent1Ctx, bad(func(in *store.ProjectInput) { in.MemberIDs = []int64{w.prov1, w.reg} }), anbao.EINVALID, "project.insurer_required"},
			{w.ent1Ctx, bad(func(in *store.ProjectInput) { in.EndDate = "2024-09-30" }), anbao.EINVALID, "project.end_before_start"},
			{w.ent1Ctx, bad(func(in *store.ProjectInput) { in.EndDate = "2030-12-31" }), anbao.EINVALID, "project.too_long"},
			{w.ent1Ctx, bad(func(in *store.ProjectInput) { in.StartDate = "2024-13-01" }), anbao.EINVALID, "pilot.date_invalid"},
			{w.ent1Ctx, bad(func(in *store.ProjectInput) { in.Cadence = "weekly" }), anbao.EINVALID, "project.cadence_invalid"},
			{w.ent1Ctx, bad(func(in *store.ProjectInput) { in.Title = "  " }), anbao.EINVALID, "pilot.required"},
			{w.ent1Ctx, bad(func(in *store.ProjectInput) { in.Jurisdiction = "99" }), anbao.EINVALID, "project.jurisdiction_invalid"},
			{w.ent1Ctx, bad(func(in *store.ProjectInput) { in.Milestones[1].DueDate = "soon" }), anbao.EINVALID, "pilot.date_invalid"},
		} {
			unchanged(t, st, c.code, c.key, func() error { _, err := st.RegisterProject(c.ctx, c.in); return err })
		}

		pr, err := st.RegisterProject(w.ent1Ctx, w.input())
		must(t, err)
		if pr.Jurisdiction != w.jur || pr.Status != anbao.ProjectActive || len(pr.Members) != 4 || len(pr.Milestones) != 2 {
			t.Fatalf("project = %+v", pr)
		}
		var periods []string
		for _, r := range pr.Reports {
			periods = append(periods, r.Period+"@"+r.DueDate)
		}
		if want := "[2024Q4@2025-01-10 2025Q1@2025-04-10 2025Q2@2025-07-10 2025Q3@2025-10-10 final@2025-10-30]"; sprint(periods) != want {
			t.Errorf("schedule = %v, want %s", periods, want)
		}
		if pr.OverdueReports != 1 || !pr.Reports[0].Overdue || pr.Reports[0].DaysOverdue != 41 {
			t.Errorf("overdue = %d, first %+v", pr.OverdueReports, pr.Reports[0])
		}
		if e := lastAudit(t, st); e.Action != "project.register" || e.ActorName != "ent1.admin" {
			t.Errorf("audit = %+v", e)
		}
		for _, m := range pr.Members {
			if m.Status != anbao.MemberAccepted {
				t.Errorf("member %+v of an enterprise's own project is not accepted", m)
			}
		}
		// A local authority registers in its own jurisdiction by default; an enterprise of its jurisdiction is invited.
		pr2, err := st.RegisterProject(w.regCtx, store.ProjectInput{CatalogueEntryID: w.entryID, Title: "地方试点", Cadence: anbao.CadenceMonthly,
			StartDate: "2025-01-01", EndDate: "2025-03-31", MemberIDs: []int64{w.ins1, w.ent1}})
		must(t, err)
		if pr2.Jurisdiction != w.jur || len(pr2.Reports) != 4 || pr2.Members[0].Role != anbao.MemberLocalAuthority {
			t.Errorf("regulator's project = %+v", pr2)
		}
		for _, m := range pr2.Members {
			if want := map[bool]anbao.MemberStatus{true: anbao.MemberInvited, false: anbao.MemberAccepted}[m.OrgID == w.ent1]; m.Status != want {
				t.Errorf("member %d: %s, want %s", m.OrgID, m.Status, want)
			}
		}

		// Visibility: members, the jurisdiction's and national regulators, the operator's admins and analysts.
		for user, want := range map[string]bool{"ent1.member": true, "ent2.admin": false, "ins1.uw": true, "prov1.analyst": true,
			w.regUser: true, "reg" + w.jur + ".analyst": true, w.regxUser: false, "miit.admin": true, "nfra.analyst": true,
			"op.admin": true, "op.auditor": false, "op.expert": false, "ent3.admin": false, "ins2.admin": false} {
			ctx := as(t, st, user)
			_, err := st.GetProject(ctx, pr.ID)
			if got := err == nil; got != want {
				t.Errorf("%s reads the project: %v (%v), want %v", user, got, err, want)
			} else if !want {
				wantErr(t, err, anbao.ENOTFOUND, "error.not_found")
			}
			l, err := st.ListProjects(ctx, store.ProjectFilter{})
			must(t, err)
			found := false
			for _, x := range l.Items {
				found = found || x.ID == pr.ID
			}
			if found != want {
				t.Errorf("%s lists the project: %v, want %v", user, found, want)
			}
		}
		if l, err := st.ListProjects(w.ent3Ctx, store.ProjectFilter{}); err != nil || l.Total != 0 {
			t.Errorf("ent3 lists %v %v, want none", l, err)
		}
		if l, err := st.ListProjects(w.regCtx, store.ProjectFilter{Overdue: true}); err != nil || l.Total != 2 || l.Items[1].OverdueReports != 1 {
			t.Errorf("overdue list = %+v %v", l, err)
		}
		_, err = st.ListProjects(w.regCtx, store.ProjectFilter{Status: "paused"})
		wantErr(t, err, anbao.EINVALID, "project.status_invalid")

		// Members and milestones.
		unchanged(t, st, anbao.EFORBIDDEN, "project.registrant_only", func() error {
			_, err := st.AddProjectMembers(w.prov1Ctx, pr.ID, store.MembersInput{OrgIDs: []int64{w.ent3}})
			return err
		})
		unchanged(t, st, anbao.ENOTFOUND, "error.not_found", func() error {
			_, err := st.AddProjectMembers(w.ent3Ctx, pr.ID, store.MembersInput{OrgIDs: []int64{w.ent3}})
			return err
		})
		unchanged(t, st, anbao.ECONFLICT, "project.members_exist", func() error {
			_, err := st.AddProjectMembers(w.ent1Ctx, pr.ID, store.MembersInput{OrgIDs: []int64{w.ins1}})
			return err
		})
		unchanged(t, st, anbao.EINVALID, "project.member_unrelated", func() error {
			_, err := st.AddProjectMembers(w.ent1Ctx, pr.ID, store.MembersInput{OrgIDs: []int64{w.ent3}})
			return err
		})
		unchanged(t, st, anbao.EINVALID, "pilot.date_invalid", func() error {
			_, err := st.AddMilestone(w.prov1Ctx, pr.ID, store.MilestoneInput{Title: "x", DueDate: "2025-02-30"})
			return err
		})
		unchanged(t, st, anbao.ENOTFOUND, "error.not_found", func() error {
			_, err := st.AddMilestone(w.regxCtx, pr.ID, store.MilestoneInput{Title: "x", DueDate: "2025-02-28"})
			return err
		})
		nfra := w.ctx("nfra.admin")
		unchanged(t, st, anbao.EFORBIDDEN, "project.not_member", func() error {
			_, err := st.AddMilestone(nfra, pr.ID, store.MilestoneInput{Title: "x", DueDate: "2025-02-28"})
			return err
		})
		pr, err = st.AddMilestone(w.prov1Ctx, pr.ID, store.MilestoneInput{Title: "攻防演练", DueDate: "2025-02-10"})
		must(t, err)
		var late *anbao.Milestone
		for i := range pr.Milestones {
			if pr.Milestones[i].Title == "攻防演练" {
				late = &pr.Milestones[i]
			}
		}
		if late == nil || !late.Late {
			t.Fatalf("milestone = %+v", late)
		}
		pr, err = st.UpdateMilestone(w.ent1Ctx, pr.ID, late.ID, store.MilestoneInput{Title: "攻防演练", DueDate: "2025-02-10", DoneDate: "2025-02-18", Version: late.Version})
		must(t, err)
		ins1 := w.ctx("ins1.admin")
		unchanged(t, st, anbao.ENOTFOUND, "error.not_found", func() error {
			_, err := st.UpdateMilestone(ins1, pr2.ID, late.ID, store.MilestoneInput{Title: "x", DueDate: "2025-02-10"})
			return err
		})

		// Termination cancels the periodic reports not yet begun.
		unchanged(t, st, anbao.EINVALID, "pilot.required", func() error {
			_, err := st.SetProjectStatus(w.regCtx, pr2.ID, store.ProjectStatusInput{Status: anbao.ProjectTerminated})
			return err
		})
		pr2, err = st.SetProjectStatus(w.regCtx, pr2.ID, store.ProjectStatusInput{Status: anbao.ProjectTerminated, Note: "资金调整"})
		must(t, err)
		var st2 []string
		for _, r := range pr2.Reports {
			st2 = append(st2, r.Period+":"+string(r.Status))
		}
		if want := "[2025-01:due 2025-02:due 2025-03:cancelled final:due]"; sprint(st2) != want {
			t.Errorf("after termination %v, want %s", st2, want)
		}
		unchanged(t, st, anbao.ECONFLICT, "project.not_active", func() error {
			_, err := st.SetProjectStatus(w.regCtx, pr2.ID, store.ProjectStatusInput{Status: anbao.ProjectCompleted})
			return err
		})
	})
}

func sprint(v any) string { return fmt.Sprint(v) }

func TestPilotProjectReports(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		w := newProjectWorld(t, st)
		pr, err := st.RegisterProject(w.ent1Ctx, w.input())
		must(t, err)
		q4, q1 := pr.Reports[0], pr.Reports[1]

		// Reminders: one overdue and one escalation (41 days late), once.
		n, err := st.RemindOverdueReports(context.Background(), w.clock.now())
		must(t, err)
		if n != 2 {
			t.Errorf("reminders = %d, want 2", n)
		}
		head := headSeq(t, st)
		if n, err := st.RemindOverdueReports(context.Background(), w.clock.now()); err != nil || n != 0 || headSeq(t, st) != head {
			t.Errorf("second run = %d %v", n, err)
		}
		if got, _ := st.GetProject(w.ent1Ctx, pr.ID); len(got.Reminders) != 2 {
			t.Errorf("reminders on the project = %+v", got.Reminders)
		}
		if l, err := st.ListProjectReports(as(t, st, "ins1.admin"), store.ReportFilter{Overdue: true, Mine: true}); err != nil || l.Total != 1 {
			t.Errorf("my overdue reports = %+v %v", l, err)
		}

		// Who may fill it.
		in := store.ReportInput{Progress: "完成12家企业承保", Reported: &anbao.ProjectKPIs{Policies: 12, Premium: 36_000_00}}
		unchanged(t, st, anbao.ENOTFOUND, "error.not_found", func() error { _, err := st.SubmitReport(w.ent3Ctx, q4.ID, in); return err })
		unchanged(t, st, anbao.EFORBIDDEN, "report.not_member", func() error { _, err := st.SubmitReport(w.miitCtx, q4.ID, in); return err })
		member := w.ctx("ent1.member")
		unchanged(t, st, anbao.EFORBIDDEN, "error.forbidden", func() error {
			_, err := st.SubmitReport(member, q4.ID, in)
			return err
		})
		unchanged(t, st, anbao.EINVALID, "pilot.required", func() error {
			_, err := st.SubmitReport(w.ent1Ctx, q4.ID, store.ReportInput{})
			return err
		})
		unchanged(t, st, anbao.EINVALID, "pilot.kpi_out_of_range", func() error {
			_, err := st.SaveReport(w.ent1Ctx, q4.ID, store.ReportInput{Reported: &anbao.ProjectKPIs{Premium: -1}})
			return err
		})
		unchanged(t, st, anbao.ECONFLICT, "report.period_not_ended", func() error { _, err := st.SubmitReport(w.ent1Ctx, q1.ID, in); return err })

		// Platform figures are computed live, then frozen with the reported ones.
		got, err := st.GetProjectReport(w.ent1Ctx, q4.ID)
		must(t, err)
		if got.Platform == nil || got.Reported != nil {
			t.Fatalf("open report = %+v", got)
		}
		d, err := st.SaveReport(w.prov1Ctx, q4.ID, store.ReportInput{Progress: "草稿"})
		must(t, err)
		if d.Status != anbao.ReportDraft || *d.Reported != *d.Platform {
			t.Errorf("draft = %+v", d)
		}
		sub, err := st.SubmitReport(w.ent1Ctx, q4.ID, in)
		must(t, err)
		if sub.Status != anbao.ReportSubmitted || sub.Reported.Policies != 12 || sub.Platform == nil || sub.SubmittedBy != "ent1.admin" || sub.Overdue {
			t.Errorf("submitted = %+v", sub)
		}
		unchanged(t, st, anbao.ECONFLICT, "report.already_submitted", func() error { _, err := st.SubmitReport(w.ent1Ctx, q4.ID, in); return err })
		unchanged(t, st, anbao.ECONFLICT, "report.not_editable", func() error { _, err := st.SaveReport(w.ent1Ctx, q4.ID, in); return err })

		// The regulator acknowledges or returns.
		unchanged(t, st, anbao.ENOTFOUND, "error.not_found", func() error {
			_, err := st.AcknowledgeReport(w.regxCtx, q4.ID, store.ReportReviewInput{})
			return err
		})
		unchanged(t, st, anbao.EFORBIDDEN, "error.forbidden", func() error {
			_, err := st.AcknowledgeReport(w.ent1Ctx, q4.ID, store.ReportReviewInput{})
			return err
		})
		unchanged(t, st, anbao.EINVALID, "pilot.required", func() error {
			_, err := st.ReturnReport(w.regCtx, q4.ID, store.ReportReviewInput{})
			return err
		})
		unchanged(t, st, anbao.ECONFLICT, "report.not_submitted", func() error {
			_, err := st.AcknowledgeReport(w.regCtx, q1.ID, store.ReportReviewInput{})
			return err
		})
		ret, err := st.ReturnReport(w.regCtx, q4.ID, store.ReportReviewInput{Comment: "保费口径请与保单一致"})
		must(t, err)
		if ret.Status != anbao.ReportReturned || ret.ReviewComment == "" || !ret.Overdue {
			t.Errorf("returned = %+v", ret)
		}
		_, err = st.SubmitReport(w.ent1Ctx, q4.ID, store.ReportInput{Progress: "已更正", Version: ret.Version})
		must(t, err)
		ack, err := st.AcknowledgeReport(w.miitCtx, q4.ID, store.ReportReviewInput{Comment: "收悉"})
		must(t, err)
		if ack.Status != anbao.ReportAcknowledged || ack.ReviewedBy != "miit.admin" {
			t.Errorf("acknowledged = %+v", ack)
		}
		unchanged(t, st, anbao.ECONFLICT, "report.not_submitted", func() error {
			_, err := st.AcknowledgeReport(w.regCtx, q4.ID, store.ReportReviewInput{})
			return err
		})
		if e := lastAudit(t, st); e.Action != "report.acknowledge" || e.EntityKind != "project_report" {
			t.Errorf("audit = %+v", e)
		}
	})
}

// TestPilotProjectKPIs compares the pre-filled figures with independent SQL
// over the demo underwriting and incident data: accepted enterprise members
// (an invited one adds nothing), policy terms with member insurers,
// engagements and assessments with member providers; then checks each
// numeric rule of the review: renewals counted by term and written premium,
// flat-cancelled terms left out, claims paid net of recoveries, declined
// claims counted once.
func TestPilotProjectKPIs(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		loadDemoIncidents(t, st, 60)
		ins1 := userOrgID(t, st, "ins1.admin")
		entry := projectCatalogue(t, st, "K1", true, ins1)
		var ents, insurers, provs []int64
		must(t, eachID(st, `SELECT DISTINCT enterprise_id FROM policies ORDER BY enterprise_id`, &ents))
		if len(ents) < 5 {
			t.Fatalf("only %d insured enterprises", len(ents))
		}
		accepted, invited := ents[:len(ents)-1], ents[len(ents)-1]
		must(t, eachID(st, `SELECT DISTINCT insurer_id FROM policies ORDER BY insurer_id`, &insurers))
		must(t, eachID(st, `SELECT DISTINCT provider_id FROM engagements ORDER BY provider_id`, &provs))
		ctx := as(t, st, "ins1.admin")
		pr, err := st.RegisterProject(ctx, store.ProjectInput{CatalogueEntryID: entry, Title: "KPI", Cadence: anbao.CadenceQuarterly,
			StartDate: "2024-01-01", EndDate: "2026-11-29"})
		must(t, err)
		// Members written directly: the figures are under test here, not the membership rules.
		member := func(org int64, role, status string) {
			storetest.Exec(t, st, `INSERT INTO project_members (project_id, org_id, role, status, added_by, added_at) VALUES ($1, $2, $3, $4, 'test', '')
				ON CONFLICT DO NOTHING`, pr.ID, org, role, status)
		}
		for _, e := range accepted {
			member(e, "enterprise", "accepted")
		}
		member(invited, "enterprise", "invited")
		for _, o := range insurers {
			member(o, "insurer", "accepted")
		}
		if len(provs) > 1 {
			provs = provs[:len(provs)-1] // one provider stays out
		}
		for _, o := range provs {
			member(o, "provider", "accepted")
		}
		list := func(ids []int64) string {
			var b strings.Builder
			for i, id := range ids {
				if i > 0 {
					b.WriteString(",")
				}
				fmt.Fprint(&b, id)
			}
			return "(" + b.String() + ")"
		}
		E, I, P := list(accepted), list(insurers), list(provs)
		lo, hi := "2023-12-31T16:00:00.000000Z", "2026-11-29T16:00:00.000000Z"
		terms := " FROM policy_terms pt JOIN policies p ON p.id = pt.policy_id WHERE p.enterprise_id IN " + E + " AND p.insurer_id IN " + I +
			" AND pt.start_date BETWEEN '2024-01-01' AND '2026-11-29' AND (pt.cancelled_date = '' OR pt.cancelled_date > pt.start_date)"
		claims := " claims c WHERE c.enterprise_id IN " + E + " AND c.insurer_id IN " + I
		pols := "SELECT id FROM policies WHERE enterprise_id IN " + E + " AND insurer_id IN " + I
		want := func() anbao.ProjectKPIs {
			return anbao.ProjectKPIs{
				Policies:       count(t, st, "SELECT COUNT(*)"+terms),
				Premium:        count(t, st, "SELECT COALESCE(SUM(pt.written_premium), 0)"+terms),
				SumInsured:     count(t, st, "SELECT COALESCE(SUM(pt.sum_insured), 0)"+terms),
				Subsidies:      count(t, st, "SELECT COUNT(*) FROM policy_subsidies WHERE policy_id IN ("+pols+") AND created_at >= $1 AND created_at < $2", lo, hi),
				SubsidyAmount:  count(t, st, "SELECT COALESCE(SUM(amount), 0) FROM policy_subsidies WHERE policy_id IN ("+pols+") AND created_at >= $1 AND created_at < $2", lo, hi),
				Assessments:    count(t, st, "SELECT COUNT(*) FROM reports WHERE enterprise_id IN "+E+" AND provider_id IN "+P+" AND signed_at >= $1 AND signed_at < $2", lo, hi),
				Engagements:    count(t, st, "SELECT COUNT(*) FROM engagements WHERE enterprise_id IN "+E+" AND provider_id IN "+P+" AND created_at >= $1 AND created_at < $2", lo, hi),
				Dispatches:     count(t, st, "SELECT COUNT(*) FROM dispatches WHERE policy_id IN ("+pols+") AND requested_at >= $1 AND requested_at < $2", lo, hi),
				InKindServices: count(t, st, "SELECT COUNT(*) FROM entitlement_usage WHERE policy_id IN ("+pols+") AND recorded_at >= $1 AND recorded_at < $2", lo, hi),
				InKindValue:    count(t, st, "SELECT COALESCE(SUM(value_fen), 0) FROM entitlement_usage WHERE policy_id IN ("+pols+") AND recorded_at >= $1 AND recorded_at < $2", lo, hi),
				Incidents:      count(t, st, "SELECT COUNT(*) FROM incidents WHERE policy_id IN ("+pols+") AND discovered_at >= $1 AND discovered_at < $2", lo, hi),
				ClaimsOpened:   count(t, st, "SELECT COUNT(*) FROM"+claims+" AND c.created_at >= $1 AND c.created_at < $2", lo, hi),
				ClaimsPaid: count(t, st, "SELECT COALESCE(SUM(amount), 0) FROM claim_payments WHERE claim_id IN (SELECT c.id FROM"+claims+") AND paid_at >= $1 AND paid_at < $2", lo, hi) -
					count(t, st, "SELECT COALESCE(SUM(amount), 0) FROM claim_recoveries WHERE claim_id IN (SELECT c.id FROM"+claims+") AND recorded_at >= $1 AND recorded_at < $2", lo, hi),
				ClaimsDeclined: count(t, st, "SELECT COUNT(*) FROM"+claims+" AND c.status = 'declined' AND (SELECT MAX(at) FROM claim_events e WHERE e.claim_id = c.id AND e.kind = 'declined') >= $1 AND (SELECT MAX(at) FROM claim_events e WHERE e.claim_id = c.id AND e.kind = 'declined') < $2", lo, hi),
			}
		}
		kpis := func() anbao.ProjectKPIs {
			t.Helper()
			k, err := st.ProjectKPIs(ctx, pr.ID, "2024-01-01", "2026-11-29")
			must(t, err)
			return *k
		}
		base := kpis()
		if w := want(); base != w {
			t.Errorf("figures\n got  %+v\n want %+v", base, w)
		}
		if base.Policies == 0 || base.Premium == 0 || base.Incidents == 0 {
			t.Errorf("thin figures: %+v", base)
		}
		// Renewals count by term with their own written premium, not the policy's current premium.
		var pol, termID, written, insured int64
		must(t, st.RawDB().QueryRow(`SELECT pt.policy_id, pt.id, pt.written_premium, pt.sum_insured FROM policy_terms pt JOIN policies p ON p.id = pt.policy_id
			WHERE p.enterprise_id IN `+E+` AND p.insurer_id IN `+I+` AND pt.start_date BETWEEN '2024-01-01' AND '2025-06-30' AND pt.cancelled_date = ''
			ORDER BY pt.id LIMIT 1`).Scan(&pol, &termID, &written, &insured))
		storetest.Exec(t, st, `INSERT INTO policy_terms (policy_id, term_no, product_version_id, status, start_date, end_date, annual_premium,
			written_premium, sum_insured, created_at) SELECT policy_id, 99, product_version_id, status, '2026-06-01', '2027-05-31', annual_premium,
			1234500, 7654300, created_at FROM policy_terms WHERE id = $1`, termID)
		k := kpis()
		if k.Policies != base.Policies+1 || k.Premium != base.Premium+1234500 || k.SumInsured != base.SumInsured+7654300 {
			t.Errorf("renewal: %+v, base %+v", k, base)
		}
		// A term cancelled flat (never in force) counts for nothing.
		storetest.Exec(t, st, "UPDATE policy_terms SET cancelled_date = start_date WHERE id = $1", termID)
		k = kpis()
		if k.Policies != base.Policies || k.Premium != base.Premium+1234500-written || k.SumInsured != base.SumInsured+7654300-insured {
			t.Errorf("flat cancellation: %+v, base %+v", k, base)
		}
		_ = pol
		// Claims paid are net of the recoveries recorded in the period.
		var claim int64
		must(t, st.RawDB().QueryRow("SELECT MIN(c.id) FROM"+claims).Scan(&claim))
		storetest.Exec(t, st, `INSERT INTO claim_recoveries (claim_id, amount, source, recorded_by, recorded_at) VALUES ($1, 50000, 'subrogation', 'test',
			'2025-03-01T02:00:00.000000Z'), ($1, 70000, 'subrogation', 'test', '2027-01-01T02:00:00.000000Z')`, claim)
		if k2 := kpis(); k2.ClaimsPaid != k.ClaimsPaid-50000 {
			t.Errorf("claims paid %d, want %d net of the recovery in the period", k2.ClaimsPaid, k.ClaimsPaid-50000)
		}
		// A claim declined twice (declined, reopened, declined again) counts once; a claim reopened after its decline not at all.
		var declined int64
		if err := st.RawDB().QueryRow("SELECT MIN(c.id) FROM" + claims + " AND c.status = 'declined'").Scan(&declined); err == nil && declined != 0 {
			storetest.Exec(t, st, `INSERT INTO claim_events (claim_id, kind, status, by_org, by_user, at) SELECT claim_id, kind, status, by_org, by_user, at
				FROM claim_events WHERE claim_id = $1 AND kind = 'declined'`, declined)
			if k3 := kpis(); k3.ClaimsDeclined != base.ClaimsDeclined {
				t.Errorf("a claim declined twice: %d, want %d", k3.ClaimsDeclined, base.ClaimsDeclined)
			}
			storetest.Exec(t, st, "UPDATE claims SET status = 'reopened' WHERE id = $1", declined)
			if k3 := kpis(); k3.ClaimsDeclined != base.ClaimsDeclined-1 {
				t.Errorf("a reopened claim: %d, want %d", k3.ClaimsDeclined, base.ClaimsDeclined-1)
			}
		} else {
			t.Logf("no declined claim in the scope (%v)", err)
		}
		// The invited enterprise adds nothing; accepted, it does.
		storetest.Exec(t, st, "UPDATE project_members SET status = 'accepted' WHERE project_id = $1 AND org_id = $2", pr.ID, invited)
		if k4 := kpis(); k4.Policies <= k.Policies && count(t, st, "SELECT COUNT(*) FROM policies WHERE enterprise_id = $1 AND inception_date >= '2024-01-01'", invited) > 0 {
			t.Errorf("accepting adds no policies: %+v", k4)
		}
	})
}

func eachID(st *store.Store, q string, dst *[]int64) error {
	rows, err := st.RawDB().Query(q)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return err
		}
		*dst = append(*dst, id)
	}
	return rows.Err()
}

func TestPilotCases(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		w := newProjectWorld(t, st)
		pr, err := st.RegisterProject(w.ent1Ctx, w.input())
		must(t, err)
		full := store.CaseInput{Kind: anbao.CaseTypical, Title: "勒索软件事件快速理赔", ProjectID: pr.ID, Industry: "65",
			Background: "某软件企业", Risk: "勒索软件", InsuranceServices: "网络安全保险+应急响应", IncidentClaim: "48小时赔付",
			Outcome: "业务两日内恢复", Lessons: "离线备份"}
		unchanged(t, st, anbao.EINVALID, "case.project_not_member", func() error {
			in := full
			_, err := st.CreateCase(w.ent3Ctx, in)
			return err
		})
		unchanged(t, st, anbao.EINVALID, "case.kind_invalid", func() error {
			in := full
			in.Kind = "story"
			_, err := st.CreateCase(w.ent1Ctx, in)
			return err
		})
		member := w.ctx("ent1.member")
		expert := w.ctx("op.expert")
		unchanged(t, st, anbao.EFORBIDDEN, "error.forbidden", func() error { _, err := st.CreateCase(member, full); return err })
		draft := full
		draft.Lessons = ""
		c, err := st.CreateCase(w.ent1Ctx, draft)
		must(t, err)
		if c.Status != anbao.CaseDraft || c.Jurisdiction != w.jur {
			t.Fatalf("case = %+v", c)
		}
		unchanged(t, st, anbao.EINVALID, "pilot.required", func() error { _, err := st.SubmitCase(w.ent1Ctx, c.ID, 0); return err })
		for _, u := range []string{"op.expert", "miit.admin", w.regUser, "ent3.admin"} {
			if _, err := st.GetCase(as(t, st, u), c.ID); anbao.ErrorCode(err) != anbao.ENOTFOUND {
				t.Errorf("%s reads a draft: %v", u, err)
			}
		}
		c, err = st.UpdateCase(w.ent1Ctx, c.ID, full)
		must(t, err)
		c, err = st.SubmitCase(w.ent1Ctx, c.ID, c.Version)
		must(t, err)
		unchanged(t, st, anbao.ECONFLICT, "case.not_draft", func() error { _, err := st.SubmitCase(w.ent1Ctx, c.ID, 0); return err })
		unchanged(t, st, anbao.ECONFLICT, "case.not_draft", func() error { _, err := st.UpdateCase(w.ent1Ctx, c.ID, full); return err })
		unchanged(t, st, anbao.ENOTFOUND, "error.not_found", func() error { _, err := st.GetCase(w.ent3Ctx, c.ID); return err })

		// The local regulator comments; only national reviewers decide.
		reg := w.regCtx
		unchanged(t, st, anbao.EFORBIDDEN, "case.decision_national_only", func() error {
			_, err := st.ReviewCase(reg, c.ID, store.CaseReviewInput{Decision: "select"})
			return err
		})
		unchanged(t, st, anbao.ENOTFOUND, "error.not_found", func() error {
			_, err := st.ReviewCase(w.regxCtx, c.ID, store.CaseReviewInput{Decision: "recommend"})
			return err
		})
		unchanged(t, st, anbao.EINVALID, "case.decision_invalid", func() error {
			_, err := st.ReviewCase(expert, c.ID, store.CaseReviewInput{Decision: "love"})
			return err
		})
		unchanged(t, st, anbao.EINVALID, "pilot.required", func() error {
			_, err := st.ReviewCase(expert, c.ID, store.CaseReviewInput{Decision: "reject"})
			return err
		})
		_, err = st.ReviewCase(reg, c.ID, store.CaseReviewInput{Decision: "recommend", Comment: "推荐"})
		must(t, err)
		unchanged(t, st, anbao.ECONFLICT, "case.not_selected", func() error { _, err := st.PublishCase(w.miitCtx, c.ID, 0); return err })
		c, err = st.ReviewCase(expert, c.ID, store.CaseReviewInput{Decision: "select"})
		must(t, err)
		if c.Status != anbao.CaseSelected || len(c.Reviews) != 2 {
			t.Errorf("selected = %+v", c)
		}
		unchanged(t, st, anbao.EFORBIDDEN, "case.publish_national_only", func() error {
			_, err := st.PublishCase(expert, c.ID, 0)
			return err
		})
		unchanged(t, st, anbao.EFORBIDDEN, "error.forbidden", func() error { _, err := st.PublishCase(w.ent1Ctx, c.ID, 0); return err })
		if l, _ := st.ListCases(w.ent3Ctx, store.CaseFilter{Library: true}); l.Total != 0 {
			t.Errorf("library before publication = %d", l.Total)
		}
		c, err = st.PublishCase(w.miitCtx, c.ID, c.Version)
		must(t, err)
		if c.Status != anbao.CasePublished || c.PublishedBy != "miit.admin" {
			t.Errorf("published = %+v", c)
		}
		unchanged(t, st, anbao.ECONFLICT, "case.already_published", func() error { _, err := st.PublishCase(w.miitCtx, c.ID, 0); return err })
		l, err := st.ListCases(w.ent3Ctx, store.CaseFilter{Library: true, Query: "勒索"})
		must(t, err)
		if l.Total != 1 {
			t.Errorf("library search = %d", l.Total)
		}
		if got, err := st.GetCase(w.ent3Ctx, c.ID); err != nil || len(got.Reviews) != 0 {
			t.Errorf("library reader: %+v %v", got, err)
		}
		if e := lastAudit(t, st); e.Action != "case.publish" {
			t.Errorf("audit = %+v", e)
		}
	})
}

func TestPilotProjectsDemo(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		loadDemoIncidents(t, st, 80)
		must(t, st.LoadDemoPlans(sys(), 2026))
		start := time.Now()
		must(t, st.LoadDemoProjects(sys(), 2026))
		took := time.Since(start)
		t.Logf("%s: demo projects loaded in %v", st.Engine(), took)
		// The target is under a second; the bound leaves room for a loaded machine.
		if took > 10*time.Second {
			t.Errorf("loading took %v, want < 1s", took)
		}
		// The first batch's 68 participating units.
		var batch int64
		must(t, st.RawDB().QueryRow("SELECT MIN(batch_id) FROM pilot_projects").Scan(&batch))
		units := map[string]int64{}
		rows, err := st.RawDB().Query(`SELECT o.kind, COUNT(DISTINCT m.org_id) FROM project_members m JOIN pilot_projects p ON p.id = m.project_id
			JOIN organisations o ON o.id = m.org_id WHERE p.batch_id = $1 GROUP BY o.kind`, batch)
		must(t, err)
		for rows.Next() {
			var k string
			var n int64
			must(t, rows.Scan(&k, &n))
			units[k] = n
		}
		rows.Close()
		if units["regulator"] != 13 || units["insurer"]+units["provider"] != 34 || units["enterprise"] != 21 {
			t.Errorf("participating units = %v, want 13 local authorities, 34 institutions, 21 enterprises", units)
		}
		projects := count(t, st, "SELECT COUNT(*) FROM pilot_projects WHERE batch_id = $1", batch)
		if projects < 30 || projects > 40 {
			t.Errorf("projects = %d", projects)
		}
		total := count(t, st, "SELECT COUNT(*) FROM project_reports")
		acked := count(t, st, "SELECT COUNT(*) FROM project_reports WHERE status = 'acknowledged'")
		overdue := count(t, st, "SELECT COUNT(*) FROM project_reports WHERE status IN ('due', 'draft', 'returned') AND due_date < $1",
			st.Now().In(anbao.Shanghai).Format(time.DateOnly))
		if acked*2 < total || overdue == 0 || overdue*10 > total {
			t.Errorf("reports: %d, acknowledged %d, overdue %d", total, acked, overdue)
		}
		if n := count(t, st, "SELECT COUNT(*) FROM report_reminders"); n < overdue {
			t.Errorf("reminders = %d for %d overdue", n, overdue)
		}
		pub := count(t, st, "SELECT COUNT(*) FROM pilot_cases WHERE status = 'published'")
		review := count(t, st, "SELECT COUNT(*) FROM pilot_cases WHERE status IN ('submitted', 'selected')")
		if pub < 5 || pub > 8 || review == 0 {
			t.Errorf("cases: published %d, under review %d", pub, review)
		}
		if n := count(t, st, "SELECT COUNT(*) FROM project_reports WHERE reported_kpis <> platform_kpis AND status = 'acknowledged'"); n == 0 {
			t.Errorf("no report corrects the platform's figures")
		}
		// Every enterprise member consented; no report was reviewed by the organisation that filed it.
		if n := count(t, st, "SELECT COUNT(*) FROM project_members WHERE role = 'enterprise' AND status <> 'accepted'"); n != 0 {
			t.Errorf("%d enterprise members have not accepted", n)
		}
		if n := count(t, st, "SELECT COUNT(*) FROM project_reports WHERE reviewed_org_id <> 0 AND reviewed_org_id = reporter_org_id"); n != 0 {
			t.Errorf("%d reports reviewed by their own reporter", n)
		}
		if n := count(t, st, "SELECT COUNT(*) FROM pilot_projects pp WHERE NOT EXISTS (SELECT 1 FROM project_members m WHERE m.project_id = pp.id AND m.role = 'insurer')"); n != 0 {
			t.Errorf("%d projects without an insurer", n)
		}
		// ent1.admin sees a project; the audit chain holds.
		if l, err := st.ListProjects(as(t, st, "ent1.admin"), store.ProjectFilter{}); err != nil || l.Total == 0 {
			t.Errorf("ent1.admin sees %v %v", l, err)
		}
		verifyOK(t, st, -1)
		wantErr(t, st.LoadDemoProjects(sys(), 2026), anbao.ECONFLICT, "demo.not_empty")
	})
}

// A regulator taking part in a project fills its reports but never
// acknowledges or returns one its own organisation submitted.
func TestPilotProjectOwnReport(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		w := newProjectWorld(t, st)
		pr, err := st.RegisterProject(w.ent1Ctx, w.input())
		must(t, err)
		q4 := pr.Reports[0]
		sub, err := st.SubmitReport(w.regCtx, q4.ID, store.ReportInput{Progress: "本辖区组织推进"})
		must(t, err)
		unchanged(t, st, anbao.EFORBIDDEN, "report.own", func() error {
			_, err := st.AcknowledgeReport(w.regCtx, q4.ID, store.ReportReviewInput{Version: sub.Version})
			return err
		})
		unchanged(t, st, anbao.EFORBIDDEN, "report.own", func() error {
			_, err := st.ReturnReport(w.regCtx, q4.ID, store.ReportReviewInput{Comment: "自行退回", Version: sub.Version})
			return err
		})
		ack, err := st.AcknowledgeReport(w.miitCtx, q4.ID, store.ReportReviewInput{Comment: "收悉"})
		must(t, err)
		if ack.Status != anbao.ReportAcknowledged {
			t.Errorf("acknowledged = %+v", ack)
		}
	})
}

// A local regulator of another jurisdiction reads a published case without
// its review trail (the comments of the case's own jurisdiction and of the
// national reviewers); the submitter and the reviewers keep it.
func TestPilotCaseTrail(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		w := newProjectWorld(t, st)
		pr, err := st.RegisterProject(w.ent1Ctx, w.input())
		must(t, err)
		c, err := st.CreateCase(w.ent1Ctx, store.CaseInput{Kind: anbao.CaseTypical, Title: "勒索软件事件快速理赔", ProjectID: pr.ID,
			Background: "某软件企业", Risk: "勒索软件", InsuranceServices: "网络安全保险+应急响应", Outcome: "业务两日内恢复", Lessons: "离线备份"})
		must(t, err)
		c, err = st.SubmitCase(w.ent1Ctx, c.ID, c.Version)
		must(t, err)
		_, err = st.ReviewCase(w.regCtx, c.ID, store.CaseReviewInput{Decision: "recommend", Comment: "本辖区推荐"})
		must(t, err)
		_, err = st.ReviewCase(w.miitCtx, c.ID, store.CaseReviewInput{Decision: "select"})
		must(t, err)
		_, err = st.PublishCase(w.miitCtx, c.ID, 0)
		must(t, err)
		got, err := st.GetCase(w.regxCtx, c.ID)
		must(t, err)
		if len(got.Reviews) != 0 {
			t.Errorf("another jurisdiction's regulator reads the review trail: %+v", got.Reviews)
		}
		for _, ctx := range []context.Context{w.regCtx, w.miitCtx, w.ent1Ctx} {
			if got, err := st.GetCase(ctx, c.ID); err != nil || len(got.Reviews) != 3 {
				t.Errorf("trail for %s = %d reviews, %v", anbao.PrincipalFrom(ctx).Username, len(got.Reviews), err)
			}
		}
	})
}

// TestPilotProjectKPIScope: the release blocker of the review of issue #7.
// A project's platform figures aggregate only the records of enterprises
// that accepted to take part, and only those shared with the project's
// member institutions. An unrelated enterprise (or a local authority of
// another jurisdiction) cannot add an enterprise; an invited enterprise
// contributes nothing until it accepts; an accepted one contributes only its
// policies with member insurers.
func TestPilotProjectKPIScope(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		loadDemoIncidents(t, st, 60)
		// An insured enterprise, one of its insurers and an enterprise admin with no relation to it.
		var victim, ins int64
		var vjur, admin string
		must(t, st.RawDB().QueryRow(`SELECT p.enterprise_id, MIN(p.insurer_id), o.jurisdiction FROM policies p JOIN organisations o ON o.id = p.enterprise_id
			WHERE EXISTS (SELECT 1 FROM users u WHERE u.org_id = o.id AND u.roles LIKE '%admin%')
			GROUP BY p.enterprise_id, o.jurisdiction ORDER BY COUNT(DISTINCT p.insurer_id) DESC, COUNT(*) DESC, p.enterprise_id LIMIT 1`).Scan(&victim, &ins, &vjur))
		must(t, st.RawDB().QueryRow(`SELECT MIN(u.username) FROM users u JOIN organisations o ON o.id = u.org_id
			WHERE o.kind = 'enterprise' AND u.roles LIKE '%admin%' AND o.id <> $1`, victim).Scan(&admin))
		var insAdmin, vAdmin string
		must(t, st.RawDB().QueryRow(`SELECT MIN(username) FROM users WHERE org_id = $1 AND roles LIKE '%admin%'`, ins).Scan(&insAdmin))
		must(t, st.RawDB().QueryRow(`SELECT COALESCE(MIN(username), '') FROM users WHERE org_id = $1 AND roles LIKE '%admin%'`, victim).Scan(&vAdmin))
		if vAdmin == "" {
			t.Skip("the insured enterprise has no admin")
		}
		entry := projectCatalogue(t, st, "LEAK", true, ins)
		in := store.ProjectInput{CatalogueEntryID: entry, Title: "无关企业项目", Cadence: anbao.CadenceQuarterly,
			StartDate: "2024-01-01", EndDate: "2026-11-29", MemberIDs: []int64{ins, victim}}
		// The reproduction: an unrelated enterprise's admin is refused, nothing written.
		ctx := as(t, st, admin)
		unchanged(t, st, anbao.EINVALID, "project.member_unrelated", func() error { _, err := st.RegisterProject(ctx, in); return err })
		// So is a local authority of another jurisdiction.
		var xreg string
		must(t, st.RawDB().QueryRow(`SELECT MIN(u.username) FROM users u JOIN organisations o ON o.id = u.org_id
			WHERE o.kind = 'regulator' AND o.jurisdiction <> '' AND o.jurisdiction <> $1 AND u.roles LIKE '%admin%'`, vjur).Scan(&xreg))
		xctx := as(t, st, xreg)
		unchanged(t, st, anbao.EINVALID, "project.member_unrelated", func() error {
			in := in
			in.Jurisdiction = ""
			_, err := st.RegisterProject(xctx, in)
			return err
		})

		// The insurer, which insures it, invites it: nothing counts until it accepts.
		ictx := as(t, st, insAdmin)
		pr, err := st.RegisterProject(ictx, in)
		must(t, err)
		k, err := st.ProjectKPIs(ictx, pr.ID, "2024-01-01", "2026-11-29")
		must(t, err)
		if *k != (anbao.ProjectKPIs{}) {
			t.Errorf("an invited enterprise's records count: %+v", k)
		}
		vctx := as(t, st, vAdmin)
		if _, err := st.GetProject(vctx, pr.ID); err != nil {
			t.Errorf("the invited enterprise does not see the project: %v", err)
		}
		if _, err := st.ProjectKPIs(vctx, pr.ID, "2024-01-01", "2026-11-29"); anbao.ErrorCode(err) != anbao.ENOTFOUND {
			t.Errorf("the invited enterprise reads the figures: %v", err)
		}
		_, err = st.AcceptProjectMembership(vctx, pr.ID, victim, store.MemberResponseInput{})
		must(t, err)
		k, err = st.ProjectKPIs(ictx, pr.ID, "2024-01-01", "2026-11-29")
		must(t, err)
		// Accepted: only its policies with the member insurer.
		want := count(t, st, `SELECT COUNT(*) FROM policy_terms pt JOIN policies p ON p.id = pt.policy_id WHERE p.enterprise_id = $1 AND p.insurer_id = $2
			AND pt.start_date BETWEEN '2024-01-01' AND '2026-11-29' AND NOT (pt.cancelled_date <> '' AND pt.cancelled_date <= pt.start_date)`, victim, ins)
		all := count(t, st, `SELECT COUNT(*) FROM policy_terms pt JOIN policies p ON p.id = pt.policy_id WHERE p.enterprise_id = $1
			AND pt.start_date BETWEEN '2024-01-01' AND '2026-11-29' AND NOT (pt.cancelled_date <> '' AND pt.cancelled_date <= pt.start_date)`, victim)
		if k.Policies != want || want == 0 {
			t.Errorf("accepted enterprise: %d policy terms, want %d with the member insurer (%d with all insurers)", k.Policies, want, all)
		}
		if all > want {
			t.Logf("policies with other insurers left out: %d", all-want)
		}
	})
}

// TestPilotProjectMembership walks an invitation: an insurer proposes
// enterprises that consented to it; they see the project but not its
// reports until their admin accepts; declining removes the project from
// their view. Only the invited enterprise's admin answers.
func TestPilotProjectMembership(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		w := newProjectWorld(t, st)
		insCtx := w.ctx("ins1.admin")
		in := w.input()
		in.Title, in.MemberIDs = "保险机构项目", []int64{w.prov1, w.ent2}
		pr, err := st.RegisterProject(insCtx, in)
		must(t, err)
		pr, err = st.AddProjectMembers(insCtx, pr.ID, store.MembersInput{OrgIDs: []int64{w.ent3}, Version: pr.Version})
		must(t, err)
		status := map[int64]anbao.MemberStatus{}
		for _, m := range pr.Members {
			status[m.OrgID] = m.Status
		}
		if status[w.ins1] != anbao.MemberAccepted || status[w.prov1] != anbao.MemberAccepted || status[w.ent2] != anbao.MemberInvited ||
			status[w.ent3] != anbao.MemberInvited {
			t.Fatalf("statuses = %v", status)
		}
		ent2 := w.ctx("ent2.admin")
		got, err := st.GetProject(ent2, pr.ID)
		must(t, err)
		if len(got.Reports) != 0 {
			t.Errorf("an invited enterprise reads %d reports", len(got.Reports))
		}
		unchanged(t, st, anbao.ENOTFOUND, "error.not_found", func() error { _, err := st.GetProjectReport(ent2, pr.Reports[0].ID); return err })
		unchanged(t, st, anbao.ENOTFOUND, "error.not_found", func() error {
			_, err := st.SaveReport(ent2, pr.Reports[0].ID, store.ReportInput{Progress: "x"})
			return err
		})
		unchanged(t, st, anbao.EFORBIDDEN, "project.not_member", func() error {
			_, err := st.AddMilestone(ent2, pr.ID, store.MilestoneInput{Title: "x", DueDate: "2025-02-28"})
			return err
		})
		if l, err := st.ListProjectReports(ent2, store.ReportFilter{ProjectID: pr.ID}); err != nil || l.Total != 0 {
			t.Errorf("an invited enterprise lists reports: %v %v", l, err)
		}
		// Who may answer.
		ent2member := w.ctx("ent2.member")
		unchanged(t, st, anbao.EFORBIDDEN, "error.forbidden", func() error {
			_, err := st.AcceptProjectMembership(ent2member, pr.ID, w.ent2, store.MemberResponseInput{})
			return err
		})
		unchanged(t, st, anbao.EFORBIDDEN, "project.respond_own_only", func() error {
			_, err := st.AcceptProjectMembership(w.ent3Ctx, pr.ID, w.ent2, store.MemberResponseInput{})
			return err
		})
		unchanged(t, st, anbao.EFORBIDDEN, "project.respond_own_only", func() error {
			_, err := st.AcceptProjectMembership(insCtx, pr.ID, w.ent2, store.MemberResponseInput{})
			return err
		})
		unchanged(t, st, anbao.ENOTFOUND, "error.not_found", func() error {
			_, err := st.AcceptProjectMembership(w.ent1Ctx, pr.ID, w.ent1, store.MemberResponseInput{})
			return err
		})
		unchanged(t, st, anbao.ECONFLICT, "error.version_conflict", func() error {
			_, err := st.AcceptProjectMembership(ent2, pr.ID, w.ent2, store.MemberResponseInput{Version: 999})
			return err
		})
		got, err = st.AcceptProjectMembership(ent2, pr.ID, w.ent2, store.MemberResponseInput{Version: pr.Version})
		must(t, err)
		if e := lastAudit(t, st); e.Action != "project.member_accept" || e.ActorName != "ent2.admin" {
			t.Errorf("audit = %+v", e)
		}
		if len(got.Reports) == 0 {
			t.Errorf("an accepted enterprise reads no reports")
		}
		for _, m := range got.Members {
			if m.OrgID == w.ent2 && (m.Status != anbao.MemberAccepted || m.RespondedBy != "ent2.admin" || m.RespondedAt == "") {
				t.Errorf("accepted member = %+v", m)
			}
		}
		unchanged(t, st, anbao.ECONFLICT, "project.member_not_invited", func() error {
			_, err := st.DeclineProjectMembership(ent2, pr.ID, w.ent2, store.MemberResponseInput{})
			return err
		})
		_, err = st.SaveReport(ent2, pr.Reports[0].ID, store.ReportInput{Progress: "已参加"})
		must(t, err)
		_, err = st.DeclineProjectMembership(w.ent3Ctx, pr.ID, w.ent3, store.MemberResponseInput{})
		must(t, err)
		if e := lastAudit(t, st); e.Action != "project.member_decline" {
			t.Errorf("audit = %+v", e)
		}
		unchanged(t, st, anbao.ENOTFOUND, "error.not_found", func() error { _, err := st.GetProject(w.ent3Ctx, pr.ID); return err })
	})
}
