package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/demo"
	"github.com/anbao/anbao/store"
	"github.com/anbao/anbao/store/storetest"
)

// ppEnv is a small pilot with an open batch and the principals the plan tests act as.
type ppEnv struct {
	st    *store.Store
	clock *clock
	batch *anbao.PilotBatch
	ctx   map[string]context.Context
	org   map[string]int64
}

func (e *ppEnv) as(u string) context.Context { return e.ctx[u] }

func newPPEnv(t *testing.T, st *store.Store) *ppEnv {
	t.Helper()
	loadPilot(t, st)
	e := &ppEnv{st: st, clock: setClock(st, t0), ctx: map[string]context.Context{}, org: map[string]int64{}}
	for _, u := range []string{"op.admin", "op.expert", "op.auditor", "miit.admin", "nfra.admin", "reg11.admin", "reg11.analyst",
		"reg32.admin", "ins1.admin", "ins2.admin", "prov1.admin", "prov2.admin", "ent1.admin"} {
		p, _ := login(t, st, u, demo.Password)
		e.ctx[u] = ctxOf(p)
		e.org[u] = p.OrgID
	}
	// A second expert, created by the operator.
	u, err := st.CreateUser(e.as("op.admin"), e.org["op.admin"], &anbao.User{Username: "op.expert2", DisplayName: "专家二",
		Roles: []anbao.Role{anbao.RoleReviewer}, Locale: "zh-CN"}, demo.Password)
	must(t, err)
	_ = u
	p, _ := login(t, st, "op.expert2", demo.Password)
	e.ctx["op.expert2"], e.org["op.expert2"] = ctxOf(p), p.OrgID
	e.batch, err = st.CreateBatch(e.as("op.admin"), ppBatchInput())
	must(t, err)
	return e
}

func ppBatchInput() store.BatchInput {
	return store.BatchInput{Code: "T1", NameZH: "测试批次", NameEN: "Test batch", Issuers: []string{"miit", "nfra"},
		NoticeDate: "2026-02-20", Industries: []string{"C", "I", "J"}, SubjectTypes: []anbao.SubjectType{"key", "sme", "park"},
		ProductTypes: []anbao.PilotProductType{"enterprise", "product_service"},
		OpensAt:      anbao.FormatTime(t0.Add(-24 * time.Hour)), ClosesAt: anbao.FormatTime(t0.Add(30 * 24 * time.Hour))}
}

func (e *ppEnv) planInput(partners ...store.PartnerInput) store.PlanInput {
	return store.PlanInput{BatchID: e.batch.ID, Title: "工业互联网企业网络安全综合保险服务方案", Summary: "保险+服务",
		ProductType: "enterprise", Industries: []string{"C", "I"}, SubjectTypes: []anbao.SubjectType{"key", "sme"},
		Coverages: []anbao.PlanCoverage{{Item: "business_interruption", LimitFen: 500_000_000}, {Item: "data_leak"}},
		Services:  anbao.PlanServices{Before: []string{"风险评估"}, During: []string{"7×24 监测预警"}, After: []string{"应急处置", "电子数据取证"}},
		Pricing:   "基础费率 × 等保级别系数 × 评估得分系数", Registrations: []string{"澄岳财险（备-网络安全）[2024]001号"},
		Partners: partners}
}

// unchanged asserts that fn writes nothing: neither the audit head nor the plan tables move.
func (e *ppEnv) unchanged(t *testing.T, fn func()) {
	t.Helper()
	head := headSeq(t, e.st)
	rows := func() int64 {
		return count(t, e.st, `SELECT (SELECT COUNT(*) FROM plan_events) + (SELECT COUNT(*) FROM review_assignments)
			+ (SELECT COUNT(*) FROM plan_recommendations) + (SELECT COUNT(*) FROM service_plans) + (SELECT COUNT(*) FROM expert_affiliations)
			+ (SELECT COUNT(*) FROM catalogue_entries)`)
	}
	before := rows()
	fn()
	if h := headSeq(t, e.st); h != head {
		t.Errorf("audit head moved %d → %d", head, h)
	}
	if after := rows(); after != before {
		t.Errorf("rows %d → %d", before, after)
	}
}

func TestPilotPlanRubric(t *testing.T) {
	r := anbao.DefaultRubric()
	if err := anbao.ValidateRubric(r); err != nil {
		t.Fatal(err)
	}
	full := map[string]int{}
	for _, c := range r {
		full[c.Key] = c.Max
	}
	if n, err := anbao.ScoreRubric(r, full); err != nil || n != 100 {
		t.Fatalf("full score = %d, %v", n, err)
	}
	for name, sc := range map[string]map[string]int{
		"unknown":  {"insurance_design": 1, "security_capability": 1, "risk_pricing": 1, "innovation": 1, "implementation": 1, "x": 1},
		"missing":  {"insurance_design": 1},
		"negative": {"insurance_design": -1, "security_capability": 1, "risk_pricing": 1, "innovation": 1, "implementation": 1},
		"above":    {"insurance_design": 26, "security_capability": 1, "risk_pricing": 1, "innovation": 1, "implementation": 1},
	} {
		if _, err := anbao.ScoreRubric(r, sc); anbao.ErrorCode(err) != anbao.EINVALID {
			t.Errorf("%s: err = %v", name, err)
		}
	}
	bad := anbao.DefaultRubric()
	bad[0].Max = 30
	if err := anbao.ValidateRubric(bad); err == nil {
		t.Error("rubric summing to 105 accepted")
	}
	if got := store.ConsolidatedScore(250, 3); got != 83.33 {
		t.Errorf("mean = %v, want 83.33", got)
	}
	if got := store.ConsolidatedScore(251, 3); got != 83.67 {
		t.Errorf("mean = %v, want 83.67", got)
	}
}

func TestPilotPlansFlow(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		e := newPPEnv(t, st)
		ctx := context.Background()

		// Batches: a local regulator may not manage them; a national one may.
		e.unchanged(t, func() {
			_, err := st.CreateBatch(e.as("reg32.admin"), ppBatchInput())
			checkErr(t, err, anbao.EFORBIDDEN, "pilot.national_only")
			bad := ppBatchInput()
			bad.Code = "T2"
			bad.Industries = []string{"Z"}
			_, err = st.CreateBatch(e.as("miit.admin"), bad)
			checkErr(t, err, anbao.EINVALID, "pilot.industry_unknown")
			bad.Industries = []string{"C"}
			bad.ClosesAt = bad.OpensAt
			_, err = st.CreateBatch(e.as("miit.admin"), bad)
			checkErr(t, err, anbao.EINVALID, "pilot.window_order")
		})
		if e.batch.Status != anbao.BatchDraft || len(e.batch.Rubric) != 5 {
			t.Fatalf("batch = %+v", e.batch)
		}
		// A draft batch is invisible to the others and takes no plans.
		_, err := st.GetBatch(e.as("ins1.admin"), e.batch.ID)
		checkErr(t, err, anbao.ENOTFOUND, "")
		e.unchanged(t, func() {
			_, err = st.CreatePlan(e.as("ins1.admin"), e.planInput())
			checkErr(t, err, anbao.EINVALID, "pilot.batch_unknown")
		})
		// The notice.
		_, err = st.SetBatchNotice(e.as("op.admin"), e.batch.ID, &store.EvidenceUpload{Filename: "x.html", Data: []byte("<html><body>x</body></html>")})
		checkErr(t, err, anbao.EINVALID, "pilot.file_type")
		b, err := st.SetBatchNotice(e.as("op.admin"), e.batch.ID, &store.EvidenceUpload{Filename: "通知.txt", Data: []byte("关于组织开展网络安全保险服务试点工作的通知")})
		must(t, err)
		if b.Notice == nil || len(b.Notice.SHA256) != 64 {
			t.Fatalf("notice = %+v", b.Notice)
		}
		b, err = st.SetBatchStatus(e.as("op.admin"), e.batch.ID, store.BatchStatusInput{Status: anbao.BatchOpen, Version: b.Version})
		must(t, err)
		e.unchanged(t, func() {
			_, err = st.SetBatchStatus(e.as("op.admin"), e.batch.ID, store.BatchStatusInput{Status: anbao.BatchReviewing, Version: b.Version})
			checkErr(t, err, anbao.ECONFLICT, "pilot.window_not_closed")
		})

		// A plan: consortium checks.
		prov1, prov2, ent1, ins2 := e.org["prov1.admin"], e.org["prov2.admin"], e.org["ent1.admin"], e.org["ins2.admin"]
		e.unchanged(t, func() {
			_, err = st.CreatePlan(e.as("ins1.admin"), e.planInput(store.PartnerInput{OrgID: prov1, Role: "insurer"}))
			checkErr(t, err, anbao.EINVALID, "pilot.role_kind")
			_, err = st.CreatePlan(e.as("ins1.admin"), e.planInput(store.PartnerInput{OrgID: prov1, Role: "security"},
				store.PartnerInput{OrgID: prov1, Role: "testing"}))
			checkErr(t, err, anbao.EINVALID, "pilot.partner_duplicate")
			_, err = st.CreatePlan(e.as("ins1.admin"), e.planInput(store.PartnerInput{OrgID: 999999, Role: "security"}))
			checkErr(t, err, anbao.EINVALID, "pilot.partner_unknown")
			in := e.planInput()
			in.Industries = []string{"K"}
			_, err = st.CreatePlan(e.as("ins1.admin"), in)
			checkErr(t, err, anbao.EINVALID, "pilot.industry_scope")
			_, err = st.CreatePlan(e.as("ent1.admin"), e.planInput())
			checkErr(t, err, anbao.EFORBIDDEN, "")
			_, err = st.CreatePlan(e.as("reg11.admin"), e.planInput())
			checkErr(t, err, anbao.EFORBIDDEN, "")
		})
		// An insurer alone can save a draft, not submit it.
		pl, err := st.CreatePlan(e.as("ins1.admin"), e.planInput())
		must(t, err)
		if pl.Status != anbao.PlanDraft || pl.Jurisdiction != "11" || len(pl.Partners) != 1 || !pl.Partners[0].Lead {
			t.Fatalf("plan = %+v", pl)
		}
		e.unchanged(t, func() {
			_, err = st.SubmitPlan(e.as("ins1.admin"), pl.ID, store.VersionInput{Version: pl.Version})
			checkErr(t, err, anbao.EINVALID, "pilot.consortium_sides")
		})
		pl, err = st.UpdatePlan(e.as("ins1.admin"), pl.ID, func() store.PlanInput {
			in := e.planInput(store.PartnerInput{OrgID: prov1, Role: "security"}, store.PartnerInput{OrgID: ent1, Role: "enterprise"})
			in.Version = pl.Version
			return in
		}())
		must(t, err)
		if len(pl.Partners) != 3 {
			t.Fatalf("partners = %+v", pl.Partners)
		}
		// Reading a draft: the consortium only.
		for _, u := range []string{"prov1.admin", "ent1.admin"} {
			if _, err := st.GetPlan(e.as(u), pl.ID); err != nil {
				t.Errorf("%s reads the draft: %v", u, err)
			}
		}
		for _, u := range []string{"prov2.admin", "reg11.admin", "op.admin", "miit.admin", "op.expert", "ins2.admin"} {
			_, err := st.GetPlan(e.as(u), pl.ID)
			checkErr(t, err, anbao.ENOTFOUND, "")
		}
		// A partner may not edit or submit.
		e.unchanged(t, func() {
			_, err = st.SubmitPlan(e.as("prov1.admin"), pl.ID, store.VersionInput{Version: pl.Version})
			checkErr(t, err, anbao.EFORBIDDEN, "pilot.lead_only")
		})
		pl, err = st.SubmitPlan(e.as("ins1.admin"), pl.ID, store.VersionInput{Version: pl.Version})
		must(t, err)
		if pl.Status != anbao.PlanSubmitted || pl.SubmittedAt == "" {
			t.Fatalf("plan = %+v", pl)
		}
		for _, u := range []string{"reg11.admin", "reg11.analyst", "op.admin", "miit.admin"} {
			if _, err := st.GetPlan(e.as(u), pl.ID); err != nil {
				t.Errorf("%s reads the submitted plan: %v", u, err)
			}
		}
		for _, u := range []string{"reg32.admin", "op.expert", "op.auditor", "prov2.admin"} {
			_, err := st.GetPlan(e.as(u), pl.ID)
			checkErr(t, err, anbao.ENOTFOUND, "")
		}

		// A second plan, led by a provider, withdrawn; a third left as a draft.
		in2 := e.planInput(store.PartnerInput{OrgID: ins2, Role: "insurer"})
		in2.Title = "抗勒索产品服务类保险方案"
		in2.ProductType = "product_service"
		pl2, err := st.CreatePlan(e.as("prov2.admin"), in2)
		must(t, err)
		if pl2.Jurisdiction != "33" {
			t.Errorf("provider-led jurisdiction = %q", pl2.Jurisdiction)
		}
		pl2, err = st.SubmitPlan(e.as("prov2.admin"), pl2.ID, store.VersionInput{Version: pl2.Version})
		must(t, err)
		pl2, err = st.WithdrawPlan(e.as("prov2.admin"), pl2.ID, store.VersionInput{Version: pl2.Version})
		must(t, err)
		if pl2.Status != anbao.PlanWithdrawn {
			t.Errorf("status = %s", pl2.Status)
		}
		pl3, err := st.CreatePlan(e.as("ins1.admin"), e.planInput(store.PartnerInput{OrgID: prov2, Role: "testing"}))
		must(t, err)

		// Local recommendation.
		e.unchanged(t, func() {
			_, err = st.RecommendPlan(e.as("reg32.admin"), pl.ID, store.RecommendInput{Recommended: true, Rank: 1})
			checkErr(t, err, anbao.ENOTFOUND, "")
			_, err = st.RecommendPlan(e.as("nfra.admin"), pl.ID, store.RecommendInput{Recommended: true, Rank: 1})
			checkErr(t, err, anbao.EFORBIDDEN, "pilot.jurisdiction_forbidden")
			_, err = st.RecommendPlan(e.as("reg11.analyst"), pl.ID, store.RecommendInput{Recommended: true, Rank: 1})
			checkErr(t, err, anbao.EFORBIDDEN, "")
			_, err = st.RecommendPlan(e.as("reg11.admin"), pl.ID, store.RecommendInput{Recommended: true, Rank: 2})
			checkErr(t, err, anbao.EINVALID, "pilot.rank_range")
			_, err = st.RecommendPlan(e.as("reg11.admin"), pl3.ID, store.RecommendInput{Recommended: true, Rank: 1})
			checkErr(t, err, anbao.ENOTFOUND, "") // a draft
		})
		rec, err := st.RecommendPlan(e.as("reg11.admin"), pl.ID, store.RecommendInput{Recommended: true, Rank: 1, Comment: "推荐"})
		must(t, err)
		if !rec.Recommended || rec.Rank != 1 || rec.Version != 1 {
			t.Errorf("recommendation = %+v", rec)
		}

		// Affiliations and conflicts of interest.
		expert2 := anbao.PrincipalFrom(e.as("op.expert2")).UserID
		expert1 := anbao.PrincipalFrom(e.as("op.expert")).UserID
		_, err = st.AddAffiliation(e.as("op.admin"), store.AffiliationInput{UserID: expert1, OrgID: prov1, Relation: "advisory", Note: "技术顾问"})
		must(t, err)
		e.unchanged(t, func() {
			_, err = st.AssignReviewer(e.as("op.admin"), pl.ID, store.AssignInput{ExpertID: expert1})
			checkErr(t, err, anbao.ECONFLICT, "pilot.review_conflict")
			_, err = st.AssignReviewer(e.as("op.admin"), pl.ID, store.AssignInput{ExpertID: anbao.PrincipalFrom(e.as("op.auditor")).UserID})
			checkErr(t, err, anbao.EINVALID, "pilot.expert_unknown")
			_, err = st.AssignReviewer(e.as("miit.admin"), pl.ID, store.AssignInput{ExpertID: expert2})
			checkErr(t, err, anbao.EFORBIDDEN, "")
			_, err = st.AddAffiliation(e.as("op.expert2"), store.AffiliationInput{UserID: expert1, OrgID: prov1})
			checkErr(t, err, anbao.EFORBIDDEN, "")
		})
		a, err := st.AssignReviewer(e.as("op.admin"), pl.ID, store.AssignInput{ExpertID: expert2})
		must(t, err)
		if _, err := st.GetPlan(e.as("op.expert2"), pl.ID); err != nil {
			t.Errorf("the assigned expert reads the plan: %v", err)
		}
		pl, err = st.GetPlan(e.as("ins1.admin"), pl.ID)
		must(t, err)
		if pl.Status != anbao.PlanReviewing {
			t.Errorf("status after assignment = %s", pl.Status)
		}
		e.unchanged(t, func() {
			_, err = st.WithdrawPlan(e.as("ins1.admin"), pl.ID, store.VersionInput{Version: pl.Version})
			checkErr(t, err, anbao.ECONFLICT, "pilot.withdraw_too_late")
		})
		// Scores outside the rubric.
		good := map[string]int{"insurance_design": 22, "security_capability": 20, "risk_pricing": 16, "innovation": 12, "implementation": 13}
		e.unchanged(t, func() {
			for _, sc := range []map[string]int{
				{"insurance_design": 22, "security_capability": 20, "risk_pricing": 16, "innovation": 12, "implementation": 13, "bonus": 5},
				{"insurance_design": 22, "security_capability": 20, "risk_pricing": 16, "innovation": 12},
				{"insurance_design": -1, "security_capability": 20, "risk_pricing": 16, "innovation": 12, "implementation": 13},
				{"insurance_design": 26, "security_capability": 20, "risk_pricing": 16, "innovation": 12, "implementation": 13},
			} {
				_, err = st.SubmitReview(e.as("op.expert2"), a.ID, store.ReviewInput{Scores: sc, Version: a.Version})
				checkErr(t, err, anbao.EINVALID, "")
			}
			_, err = st.SubmitReview(e.as("op.expert"), a.ID, store.ReviewInput{Scores: good, Version: a.Version})
			checkErr(t, err, anbao.ENOTFOUND, "")
		})
		a, err = st.SubmitReview(e.as("op.expert2"), a.ID, store.ReviewInput{Scores: good, Comment: "方案完整", Version: a.Version})
		must(t, err)
		if a.Total != 83 || a.Status != anbao.ReviewSubmitted {
			t.Errorf("review = %+v", a)
		}
		// A tie declared later blocks a new submission.
		_, err = st.AddAffiliation(e.as("op.expert2"), store.AffiliationInput{UserID: expert2, OrgID: ent1, Relation: "shareholding"})
		must(t, err)
		e.unchanged(t, func() {
			_, err = st.SubmitReview(e.as("op.expert2"), a.ID, store.ReviewInput{Scores: good, Version: a.Version})
			checkErr(t, err, anbao.ECONFLICT, "pilot.review_conflict")
		})

		// What each side sees before publication.
		app, err := st.GetPlan(e.as("ins1.admin"), pl.ID)
		must(t, err)
		if app.Outcome != nil || app.Assignments != nil || app.Recommendation != nil {
			t.Errorf("applicant sees the review before publication: %+v %+v %+v", app.Outcome, app.Assignments, app.Recommendation)
		}
		for _, ev := range app.Events {
			if ev.Kind == "reviewed" || ev.Kind == "assigned" || ev.Kind == "recommended" {
				t.Errorf("applicant sees event %s", ev.Kind)
			}
		}
		op, err := st.GetPlan(e.as("op.admin"), pl.ID)
		must(t, err)
		if op.Outcome == nil || op.Outcome.Score != 83 || op.Outcome.Reviews != 1 || len(op.Assignments) != 1 {
			t.Errorf("operator view = %+v %+v", op.Outcome, op.Assignments)
		}

		// Late submission of the draft.
		e.clock.set(t0.Add(31 * 24 * time.Hour))
		pl3, err = st.UpdatePlan(e.as("ins1.admin"), pl3.ID, func() store.PlanInput {
			in := e.planInput(store.PartnerInput{OrgID: prov2, Role: "testing"})
			in.Version = pl3.Version
			return in
		}())
		must(t, err)
		e.unchanged(t, func() {
			_, err = st.SubmitPlan(e.as("ins1.admin"), pl3.ID, store.VersionInput{Version: pl3.Version})
			checkErr(t, err, anbao.ECONFLICT, "pilot.deadline_passed")
		})
		b, err = st.GetBatch(e.as("op.admin"), e.batch.ID)
		must(t, err)
		b, err = st.SetBatchStatus(e.as("miit.admin"), e.batch.ID, store.BatchStatusInput{Status: anbao.BatchReviewing, Version: b.Version})
		must(t, err)

		// Decision and catalogue.
		e.unchanged(t, func() {
			_, err = st.PublishCatalogue(e.as("op.admin"), e.batch.ID, store.PublishInput{})
			checkErr(t, err, anbao.ECONFLICT, "pilot.catalogue_empty")
		})
		op, err = st.DecidePlan(e.as("op.admin"), pl.ID, store.DecisionInput{Decision: "selected", Note: "入选", Version: op.Version})
		must(t, err)
		v1, err := st.PublishCatalogue(e.as("op.admin"), e.batch.ID, store.PublishInput{Note: "第一版"})
		must(t, err)
		year := t0.Add(31 * 24 * time.Hour).Year()
		if v1.Number != 1 || v1.Entries != 1 || len(v1.Added) != 1 || v1.Added[0] != "2026-001" || year != 2026 {
			t.Errorf("version 1 = %+v", v1)
		}
		b, err = st.GetBatch(e.as("ent1.admin"), e.batch.ID)
		must(t, err)
		if b.Status != anbao.BatchPublished {
			t.Errorf("batch status = %s", b.Status)
		}
		app, err = st.GetPlan(e.as("ins1.admin"), pl.ID)
		must(t, err)
		if app.Outcome == nil || app.Outcome.Score != 83 || app.Outcome.Decision != "selected" || app.Assignments != nil || app.EntryNo != "2026-001" {
			t.Errorf("applicant after publication: %+v %+v entry %q", app.Outcome, app.Assignments, app.EntryNo)
		}
		// The catalogue, for everyone.
		for _, f := range []anbao.CatalogueFilter{{}, {Industry: "C"}, {Jurisdiction: "11"}, {SubjectType: "sme"},
			{ProductType: "enterprise"}, {Query: "工业互联网"}, {Query: "砺盾"}} {
			l, err := st.ListCatalogue(e.as("ent1.admin"), f)
			must(t, err)
			if l.Total != 1 || len(l.Items[0].Partners) != 3 {
				t.Errorf("filter %+v: %d entries", f, l.Total)
			}
		}
		for _, f := range []anbao.CatalogueFilter{{Industry: "J"}, {Jurisdiction: "32"}, {SubjectType: "park"},
			{ProductType: "product_service"}, {Query: "不存在"}} {
			l, err := st.ListCatalogue(e.as("ent1.admin"), f)
			must(t, err)
			if l.Total != 0 {
				t.Errorf("filter %+v: %d entries, want 0", f, l.Total)
			}
		}
		l, _ := st.ListCatalogue(e.as("prov2.admin"), anbao.CatalogueFilter{})
		ce, err := st.CatalogueEntry(e.as("reg32.admin"), l.Items[0].ID)
		must(t, err)
		if ce.EntryNo != "2026-001" || len(ce.Insurers()) != 1 || len(ce.Providers()) != 1 {
			t.Errorf("entry = %+v", ce)
		}
		// A second version: nothing changed is refused; a delisting needs a note.
		e.unchanged(t, func() {
			_, err = st.PublishCatalogue(e.as("op.admin"), e.batch.ID, store.PublishInput{Note: "同上"})
			checkErr(t, err, anbao.ECONFLICT, "pilot.catalogue_unchanged")
		})
		_, err = st.DecidePlan(e.as("op.admin"), pl.ID, store.DecisionInput{Decision: "rejected", Note: "撤出", Version: app.Version})
		must(t, err)
		_, err = st.PublishCatalogue(e.as("op.admin"), e.batch.ID, store.PublishInput{})
		checkErr(t, err, anbao.ECONFLICT, "pilot.catalogue_empty")
		vs, err := st.ListCatalogueVersions(e.as("ent1.admin"), e.batch.ID)
		must(t, err)
		if len(vs) != 1 {
			t.Errorf("versions = %d", len(vs))
		}
		// The audit chain holds every write.
		verifyOK(t, st, -1)
		_ = ctx
	})
}

func TestPilotPlansSelectRequires(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		e := newPPEnv(t, st)
		b, err := st.SetBatchStatus(e.as("op.admin"), e.batch.ID, store.BatchStatusInput{Status: anbao.BatchOpen, Version: e.batch.Version})
		must(t, err)
		pl, err := st.CreatePlan(e.as("ins1.admin"), e.planInput(store.PartnerInput{OrgID: e.org["prov1.admin"], Role: "security"}))
		must(t, err)
		pl, err = st.SubmitPlan(e.as("ins1.admin"), pl.ID, store.VersionInput{Version: pl.Version})
		must(t, err)
		e.clock.set(t0.Add(31 * 24 * time.Hour))
		_, err = st.SetBatchStatus(e.as("op.admin"), e.batch.ID, store.BatchStatusInput{Status: anbao.BatchReviewing, Version: b.Version})
		must(t, err)
		e.unchanged(t, func() {
			_, err = st.DecidePlan(e.as("op.admin"), pl.ID, store.DecisionInput{Decision: "selected", Version: pl.Version})
			checkErr(t, err, anbao.EINVALID, "pilot.select_requires")
			_, err = st.DecidePlan(e.as("op.admin"), pl.ID, store.DecisionInput{Decision: "maybe", Version: pl.Version})
			checkErr(t, err, anbao.EINVALID, "pilot.decision_unknown")
		})
		_, err = st.DecidePlan(e.as("op.admin"), pl.ID, store.DecisionInput{Decision: "rejected", Note: "未获推荐", Version: pl.Version})
		must(t, err)
	})
}

// The demo plans load on both engines through the store's operations: two
// batches, 49 catalogue entries in batch 1 involving 34 service
// institutions, reviews by at least five experts with no conflicted
// assignment, and batch 2 open with drafts, submitted, recommended plans and
// plans under review.
func TestPilotPlansDemo(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		st.Now = func() time.Time { return tDemoIncidents }
		must(t, st.LoadDemo(sys(), demo.Generate(2026, 200)))
		start := time.Now()
		rep, err := st.LoadDemoPlansReport(sys(), 2026)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: demo plans loaded in %v: %+v", st.Engine(), time.Since(start).Round(time.Millisecond), rep)
		if !st.Now().Equal(tDemoIncidents) {
			t.Fatalf("clock not restored: %v", st.Now())
		}
		if err := st.LoadDemoPlans(sys(), 2026); anbao.ErrorCode(err) != anbao.ECONFLICT {
			t.Errorf("second load: %v", err)
		}
		bs, err := st.ListBatches(sys())
		must(t, err)
		if len(bs) != 2 {
			t.Fatalf("%d batches", len(bs))
		}
		b2, b1 := bs[0], bs[1]
		if b1.Status != anbao.BatchPublished || b1.NoticeDate != "2023-12-21" || b2.Status != anbao.BatchOpen || len(b2.Issuers) != 2 {
			t.Errorf("batches: %+v %+v", b1, b2)
		}
		l, err := st.ListCatalogue(as(t, st, "ent1.admin"), anbao.CatalogueFilter{BatchID: b1.ID, Page: anbao.Page{Limit: 100}})
		must(t, err)
		if l.Total != 49 || l.Items[0].EntryNo != "2024-001" || l.Items[48].EntryNo != "2024-049" {
			t.Fatalf("catalogue: %d entries, first %q", l.Total, l.Items[0].EntryNo)
		}
		if n := count(t, st, `SELECT COUNT(DISTINCT pp.org_id) FROM catalogue_entries ce JOIN plan_partners pp ON pp.plan_id = ce.plan_id
			JOIN organisations o ON o.id = pp.org_id WHERE ce.batch_id = $1 AND o.kind IN ('insurer', 'provider')`, b1.ID); n != 34 {
			t.Errorf("%d service institutions in the catalogue, want 34", n)
		}
		if n := count(t, st, "SELECT COUNT(DISTINCT expert_id) FROM review_assignments WHERE status = 'submitted'"); n < 5 {
			t.Errorf("%d experts reviewed", n)
		}
		if n := count(t, st, `SELECT COUNT(*) FROM review_assignments ra JOIN plan_partners pp ON pp.plan_id = ra.plan_id
			JOIN expert_affiliations a ON a.user_id = ra.expert_id AND a.org_id = pp.org_id`); n != 0 {
			t.Errorf("%d conflicted assignments", n)
		}
		if n := count(t, st, `SELECT COUNT(*) FROM expert_affiliations a JOIN plan_partners pp ON pp.org_id = a.org_id`); n == 0 {
			t.Error("no affiliation touches a consortium: no conflict in the data")
		}
		for status, want := range map[string]int64{"selected": 49, "withdrawn": 2} {
			if n := count(t, st, "SELECT COUNT(*) FROM service_plans WHERE batch_id = $1 AND status = $2", b1.ID, status); n != want {
				t.Errorf("batch 1 %s = %d, want %d", status, n, want)
			}
		}
		if n := count(t, st, "SELECT COUNT(*) FROM service_plans WHERE batch_id = $1 AND status = 'rejected'", b1.ID); n < 10 {
			t.Errorf("batch 1 rejected = %d", n)
		}
		for status, want := range map[string]int64{"draft": 3, "submitted": 5, "reviewing": 2} {
			if n := count(t, st, "SELECT COUNT(*) FROM service_plans WHERE batch_id = $1 AND status = $2", b2.ID, status); n != want {
				t.Errorf("batch 2 %s = %d, want %d", status, n, want)
			}
		}
		if n := count(t, st, "SELECT COUNT(*) FROM plan_recommendations WHERE batch_id = $1 AND recommended = TRUE", b2.ID); n != 4 {
			t.Errorf("batch 2 recommended = %d", n)
		}
		// The demo users see what their role should.
		mine, err := st.ListPlans(as(t, st, "ins1.admin"), store.PlanFilter{Mine: true})
		must(t, err)
		if mine.Total == 0 {
			t.Error("ins1 has no plans")
		}
		tasks, err := st.MyAssignments(as(t, st, "op.expert"))
		must(t, err)
		if len(tasks) == 0 {
			t.Error("op.expert has no assignments")
		}
		verifyOK(t, st, -1)
	})
}

// The operator's decision stays hidden from the applicants and the experts
// until the catalogue is published: not through the plan's status, nor
// through a status filter of the list.
func TestPilotPlansDecisionHidden(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		e := newPPEnv(t, st)
		b, err := st.SetBatchStatus(e.as("op.admin"), e.batch.ID, store.BatchStatusInput{Status: anbao.BatchOpen, Version: e.batch.Version})
		must(t, err)
		pl, err := st.CreatePlan(e.as("ins1.admin"), e.planInput(store.PartnerInput{OrgID: e.org["prov1.admin"], Role: "security"}))
		must(t, err)
		pl, err = st.SubmitPlan(e.as("ins1.admin"), pl.ID, store.VersionInput{Version: pl.Version})
		must(t, err)
		_, err = st.RecommendPlan(e.as("reg11.admin"), pl.ID, store.RecommendInput{Recommended: true, Rank: 1})
		must(t, err)
		expert2 := anbao.PrincipalFrom(e.as("op.expert2")).UserID
		a, err := st.AssignReviewer(e.as("op.admin"), pl.ID, store.AssignInput{ExpertID: expert2})
		must(t, err)
		good := map[string]int{"insurance_design": 22, "security_capability": 20, "risk_pricing": 16, "innovation": 12, "implementation": 13}
		_, err = st.SubmitReview(e.as("op.expert2"), a.ID, store.ReviewInput{Scores: good, Version: a.Version})
		must(t, err)
		e.clock.set(t0.Add(31 * 24 * time.Hour))
		_, err = st.SetBatchStatus(e.as("op.admin"), e.batch.ID, store.BatchStatusInput{Status: anbao.BatchReviewing, Version: b.Version})
		must(t, err)
		op, err := st.GetPlan(e.as("op.admin"), pl.ID)
		must(t, err)
		_, err = st.DecidePlan(e.as("op.admin"), pl.ID, store.DecisionInput{Decision: "selected", Version: op.Version})
		must(t, err)

		for _, u := range []string{"op.admin", "miit.admin", "reg11.admin"} {
			if got, err := st.GetPlan(e.as(u), pl.ID); err != nil || got.Status != anbao.PlanSelected {
				t.Errorf("%s: status = %v, %v", u, got.Status, err)
			}
		}
		for _, u := range []string{"ins1.admin", "prov1.admin", "op.expert2"} {
			got, err := st.GetPlan(e.as(u), pl.ID)
			must(t, err)
			if got.Status != anbao.PlanReviewing || got.Outcome != nil {
				t.Errorf("%s sees the decision before publication: status %s, outcome %+v", u, got.Status, got.Outcome)
			}
		}
		for _, u := range []string{"ins1.admin", "prov1.admin"} {
			l, err := st.ListPlans(e.as(u), store.PlanFilter{BatchID: e.batch.ID})
			must(t, err)
			if l.Total != 1 || l.Items[0].Status != anbao.PlanReviewing {
				t.Errorf("%s lists %d plans, status %s", u, l.Total, l.Items[0].Status)
			}
			for st0, want := range map[anbao.PlanStatus]int{anbao.PlanSelected: 0, anbao.PlanRejected: 0, anbao.PlanReviewing: 1} {
				l, err := st.ListPlans(e.as(u), store.PlanFilter{BatchID: e.batch.ID, Status: st0})
				must(t, err)
				if l.Total != want {
					t.Errorf("%s filters status %s: %d plans, want %d", u, st0, l.Total, want)
				}
			}
		}
		if l, err := st.ListPlans(e.as("op.admin"), store.PlanFilter{Status: anbao.PlanSelected}); err != nil || l.Total != 1 {
			t.Errorf("operator filters selected: %+v %v", l, err)
		}
		// Nor does the audit log the applicants' administrators read: no
		// recommendation, assignment, score or decision, no expert's name.
		for _, u := range []string{"ins1.admin", "prov1.admin"} {
			l, err := st.ListAudit(e.as(u), anbao.AuditFilter{Page: anbao.Page{Limit: anbao.MaxPageLimit}})
			must(t, err)
			for _, x := range l.Items {
				if strings.HasPrefix(x.Action, "review.") || x.Action == "plan.recommend" || x.Action == "plan.decide" ||
					strings.HasPrefix(x.ActorName, "op.expert") || strings.Contains(string(x.After), "scores") {
					t.Errorf("%s reads audit entry %s by %s: %s", u, x.Action, x.ActorName, x.After)
				}
			}
		}
		// The operator's and the regulator's own audit still hold them.
		for u, action := range map[string]string{"op.auditor": "review.submit", "reg11.admin": "plan.recommend"} {
			if l, err := st.ListAudit(e.as(u), anbao.AuditFilter{Action: action}); err != nil || l.Total != 1 {
				t.Errorf("%s: %s entries = %+v %v", u, action, l, err)
			}
		}

		// Published: the applicants see it.
		_, err = st.PublishCatalogue(e.as("op.admin"), e.batch.ID, store.PublishInput{Note: "第一版"})
		must(t, err)
		got, err := st.GetPlan(e.as("ins1.admin"), pl.ID)
		must(t, err)
		if got.Status != anbao.PlanSelected || got.Outcome == nil || got.Outcome.Decision != "selected" {
			t.Errorf("applicant after publication: %s %+v", got.Status, got.Outcome)
		}
		if l, err := st.ListPlans(e.as("prov1.admin"), store.PlanFilter{Status: anbao.PlanSelected}); err != nil || l.Total != 1 {
			t.Errorf("partner filters selected after publication: %+v %v", l, err)
		}
	})
}

// Two batches whose catalogues are published in the same year continue one
// sequence of numbers: no two plans share a catalogue number.
func TestPilotCatalogueNumbersAcrossBatches(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		e := newPPEnv(t, st)
		publishOne := func(b *anbao.PilotBatch, title string) string {
			t.Helper()
			b, err := st.SetBatchStatus(e.as("op.admin"), b.ID, store.BatchStatusInput{Status: anbao.BatchOpen, Version: b.Version})
			must(t, err)
			in := e.planInput(store.PartnerInput{OrgID: e.org["prov1.admin"], Role: "security"})
			in.BatchID, in.Title = b.ID, title
			pl, err := st.CreatePlan(e.as("ins1.admin"), in)
			must(t, err)
			pl, err = st.SubmitPlan(e.as("ins1.admin"), pl.ID, store.VersionInput{Version: pl.Version})
			must(t, err)
			_, err = st.RecommendPlan(e.as("reg11.admin"), pl.ID, store.RecommendInput{Recommended: true, Rank: 1})
			must(t, err)
			a, err := st.AssignReviewer(e.as("op.admin"), pl.ID, store.AssignInput{ExpertID: anbao.PrincipalFrom(e.as("op.expert")).UserID})
			must(t, err)
			good := map[string]int{"insurance_design": 20, "security_capability": 20, "risk_pricing": 15, "innovation": 10, "implementation": 10}
			_, err = st.SubmitReview(e.as("op.expert"), a.ID, store.ReviewInput{Scores: good, Version: a.Version})
			must(t, err)
			e.clock.set(e.clock.now().Add(31 * 24 * time.Hour))
			_, err = st.SetBatchStatus(e.as("op.admin"), b.ID, store.BatchStatusInput{Status: anbao.BatchReviewing, Version: b.Version})
			must(t, err)
			cur, err := st.GetPlan(e.as("op.admin"), pl.ID)
			must(t, err)
			_, err = st.DecidePlan(e.as("op.admin"), pl.ID, store.DecisionInput{Decision: "selected", Version: cur.Version})
			must(t, err)
			v, err := st.PublishCatalogue(e.as("op.admin"), b.ID, store.PublishInput{Note: "第一版"})
			must(t, err)
			var no string
			if err := st.RawDB().QueryRow(`SELECT entry_no FROM catalogue_entries WHERE version_id = $1`, v.ID).Scan(&no); err != nil {
				t.Fatal(err)
			}
			return no
		}
		first := publishOne(e.batch, "第一批次方案")
		in := ppBatchInput()
		in.Code, in.NameZH, in.NameEN = "T2", "测试批次二", "Test batch 2"
		in.OpensAt, in.ClosesAt = anbao.FormatTime(e.clock.now().Add(-time.Hour)), anbao.FormatTime(e.clock.now().Add(30*24*time.Hour))
		b2, err := st.CreateBatch(e.as("op.admin"), in)
		must(t, err)
		second := publishOne(b2, "第二批次方案")
		year := e.clock.now().In(anbao.Shanghai).Year()
		if first != fmt.Sprintf("%d-001", year) || second != fmt.Sprintf("%d-002", year) {
			t.Errorf("catalogue numbers %s and %s, want %d-001 and %d-002", first, second, year, year)
		}
		if n := count(t, st, "SELECT COUNT(*) FROM catalogue_numbers"); n != 2 {
			t.Errorf("catalogue_numbers has %d rows, want 2", n)
		}
	})
}
