package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/anbao/anbao"
)

// A pilot batch end to end, through the pages, each step as the demo user
// whose job it is (one browser, an isolated browser context per user, so
// each logs in once):
//
//  1. op.admin creates a batch (scope, a window closing in half an hour, the
//     default rubric), uploads its notice and opens it;
//  2. ins1.admin drafts a plan with prov1 as the security partner and
//     submits it; once the store's clock is past the deadline a second
//     draft is refused with the deadline message and stays a draft;
//  3. the Beijing regulator (ins1's jurisdiction) recommends the plan;
//  4. op.admin starts the review, records op.expert2's tie to prov1 and is
//     refused that expert, assigns op.expert; op.expert's score above a
//     criterion's maximum is refused on the field, the valid one counts;
//     op.admin selects the plan and publishes the catalogue;
//  5. ent1.admin finds the plan in /catalogue, sees the quote and
//     assessment links and registers a project on it (quarterly, starting
//     in an ended quarter, with the consortium and the local authority);
//  6. ent1 submits the first quarterly report over the pre-filled figures;
//     the Ningbo regulator (the project's jurisdiction) acknowledges it;
//  7. ent1 submits a typical case on the project; op.admin selects and
//     publishes it and it is in the /cases library;
//  8. miit.admin reads the dashboard (catalogue plans and projects checked
//     against plain SQL), drills into Beijing and opens the policy list.
//
// ANBAO_E2E_SHOTS=1 saves full-page screenshots to /tmp/pilot_*.png.
func TestPilotBatchJourney(t *testing.T) {
	began := time.Now()
	base, st := startServerStore(t)
	db := st.RawDB()
	// The store's clock, movable: step 2 moves it past the deadline. Set
	// before the first request reaches the server.
	var skew atomic.Int64
	st.Now = func() time.Time { return time.Now().Add(time.Duration(skew.Load())) }

	one := func(q string, args ...any) int64 {
		t.Helper()
		var n int64
		if err := db.QueryRow(q, args...).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}
	str := func(q string, args ...any) string {
		t.Helper()
		var s string
		if err := db.QueryRow(q, args...).Scan(&s); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return s
	}
	orgOf := func(user string) int64 { return one(`SELECT org_id FROM users WHERE username = $1`, user) }
	ins1, prov1, ent1 := orgOf("ins1.admin"), orgOf("prov1.admin"), orgOf("ent1.admin")
	prov1Name := str(`SELECT name_zh FROM organisations WHERE id = $1`, prov1)
	ins1Name := str(`SELECT name_zh FROM organisations WHERE id = $1`, ins1)
	ent1Name := str(`SELECT name_zh FROM organisations WHERE id = $1`, ent1)
	insJur := str(`SELECT jurisdiction FROM organisations WHERE id = $1`, ins1)
	entJur := str(`SELECT jurisdiction FROM organisations WHERE id = $1`, ent1)
	expert := one(`SELECT id FROM users WHERE username = 'op.expert'`)
	expert2 := one(`SELECT id FROM users WHERE username = 'op.expert2'`)
	if n := one(`SELECT COUNT(*) FROM expert_affiliations WHERE user_id IN ($1, $2) AND org_id IN ($3, $4)`, expert, expert2, ins1, prov1); n != 0 {
		t.Fatalf("the demo already ties op.expert or op.expert2 to ins1 or prov1 (%d)", n)
	}

	as, problems := ppBrowsers(t, base)
	shot := ppShooter(t)

	// 1. The operator creates, documents and opens a batch.
	op := as("op.admin")
	now := time.Now().In(anbao.Shanghai)
	closes := now.Add(30 * time.Minute).Truncate(time.Minute)
	code := "E2E-B3"
	do(t, op, "open the new-batch form",
		chromedp.Click(chromedp.CSS(`a.nav-pilot`)),
		chromedp.WaitVisible(chromedp.ID("pilot-new-batch")))
	ppGo(t, op, "new batch", `#pilot-new-batch`)
	do(t, op, "fill the batch form",
		chromedp.SetValue(chromedp.ID("bf-code"), code),
		chromedp.SetValue(chromedp.ID("bf-name-zh"), "第三批网络安全保险服务试点（浏览器验收）"),
		chromedp.SetValue(chromedp.ID("bf-name-en"), "Third batch (browser acceptance)"),
		chromedp.SetValue(chromedp.ID("bf-desc"), "面向制造业和信息技术服务业的重点企业与中小企业。"),
		chromedp.SetValue(chromedp.ID("bf-notice-date"), now.Format(time.DateOnly)),
		chromedp.SetValue(chromedp.ID("bf-opens"), now.Add(-time.Hour).Format("2006-01-02T15:04")),
		chromedp.SetValue(chromedp.ID("bf-closes"), closes.Format("2006-01-02T15:04")),
		chromedp.Click(chromedp.CSS(`#batch-form input[name="issuers"][value="miit"]`)),
		chromedp.Click(chromedp.CSS(`#batch-form input[name="issuers"][value="nfra"]`)),
		chromedp.Click(chromedp.CSS(`#batch-form input[name="industries"][value="C"]`)),
		chromedp.Click(chromedp.CSS(`#batch-form input[name="industries"][value="I"]`)),
		chromedp.Click(chromedp.CSS(`#batch-form input[name="subject_types"][value="key"]`)),
		chromedp.Click(chromedp.CSS(`#batch-form input[name="subject_types"][value="sme"]`)),
		chromedp.Click(chromedp.CSS(`#batch-form input[name="product_types"][value="enterprise"]`)),
	)
	if got := eval[string](t, op, `Array.from(document.querySelectorAll('#batch-form input[name^="rubric."]')).map(e => e.value).join(",")`); got != "25,25,20,15,15" {
		t.Errorf("the batch form's rubric maxima %q, want the default 25,25,20,15,15", got)
	}
	ppGo(t, op, "save the batch", `#batch-save`)
	batchPath := ppPath(t, op, "/pilot/batches/")
	batchID := ppID(t, batchPath)
	if s := text(t, op, "#batch-title"); !strings.Contains(s, "浏览器验收") {
		t.Fatalf("batch page title %q", s)
	}
	if n := eval[int](t, op, `document.querySelectorAll('#batch-rubric tbody tr').length`); n != 5 {
		t.Errorf("batch rubric has %d criteria, want the default 5", n)
	}
	notice := filepath.Join(t.TempDir(), "第三批试点通知.txt")
	if err := os.WriteFile(notice, []byte("关于开展第三批网络安全保险服务试点工作的通知\n申报截止："+closes.Format("2006-01-02 15:04")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	do(t, op, "choose the notice", chromedp.SetUploadFiles(chromedp.ID("bn-file"), []string{notice}))
	ppGo(t, op, "upload the notice", `#batch-notice-form button[type="submit"]`)
	if s := text(t, op, "#batch-notice"); !strings.Contains(s, "第三批试点通知.txt") {
		t.Errorf("notice after upload: %q (page: %.300s)", s, ppMain(t, op))
	}
	ppGo(t, op, "open the batch", `#batch-status-form button[type="submit"]`)
	ppStatus(t, op, "the batch after opening", "main .page-head .pp-st", "申报中")
	if !eval[bool](t, op, `!!document.getElementById('batch-countdown')`) {
		t.Errorf("an open batch shows no countdown")
	}
	if s := str(`SELECT status FROM pilot_batches WHERE id = $1`, batchID); s != "open" {
		t.Fatalf("batch status %q after opening, want open", s)
	}

	// 2. ins1 drafts and submits a plan with prov1 in its consortium.
	ins := as("ins1.admin")
	do(t, ins, "open the hub", chromedp.Click(chromedp.CSS(`a.nav-pilot`)), chromedp.WaitVisible(chromedp.ID("pilot-batches")))
	ppGo(t, ins, "open the batch", `#pilot-batches a[href="`+batchPath+`"]`)
	ppGo(t, ins, "new plan", `#batch-new-plan`)
	title := "制造业数据安全险与托管式安全运营联合方案（浏览器验收）"
	ppFillPlan(t, ins, title, prov1)
	ppGo(t, ins, "save the draft", `#plan-save`)
	planPath := ppPath(t, ins, "/pilot/plans/")
	planID := ppID(t, planPath)
	ppStatus(t, ins, "the saved plan", "main .page-head .pp-st", "草稿")
	if s := text(t, ins, "#pp-consortium"); !strings.Contains(s, prov1Name) || !strings.Contains(s, ins1Name) {
		t.Errorf("consortium table lacks ins1 or prov1: %q", s)
	}
	ppGo(t, ins, "submit the plan", `#plan-submit`)
	ppStatus(t, ins, "the submitted plan", "main .page-head .pp-st", "已提交")
	if s := str(`SELECT status FROM service_plans WHERE id = $1`, planID); s != "submitted" {
		t.Fatalf("plan status %q after submitting, want submitted (page: %.400s)", s, ppMain(t, ins))
	}

	// A second draft, then the deadline passes (on the store's clock) before it is submitted.
	ppNav(t, ins, base+batchPath)
	ppGo(t, ins, "new plan", `#batch-new-plan`)
	ppFillPlan(t, ins, "逾期提交的第二方案（浏览器验收）", prov1)
	ppGo(t, ins, "save the second draft", `#plan-save`)
	late := ppID(t, ppPath(t, ins, "/pilot/plans/"))
	skew.Store(int64(time.Until(closes) + 2*time.Minute)) // sessions idle out after 2 h: stay well within
	ppGo(t, ins, "submit after the deadline", `#plan-submit`)
	if msg := ppText(t, ins, "main .alert-error"); !strings.Contains(msg, "截止") || !strings.Contains(msg, "未提交") {
		t.Errorf("late submission: error %q, want the deadline message (page: %.400s)", msg, ppMain(t, ins))
	} else if shown := closes.Format("2006-01-02 15:04"); !strings.Contains(msg, shown) {
		// Known: the message carries the stored UTC instant, not the Beijing time the batch page shows.
		t.Logf("late submission refused, but the message %q does not name the deadline as the batch page does (%s)", msg, shown)
	}
	if s := str(`SELECT status FROM service_plans WHERE id = $1`, late); s != "draft" {
		t.Errorf("the late plan is %q, want still draft", s)
	}
	ppStatus(t, ins, "the late plan", "main .page-head .pp-st", "草稿")

	// 3. The local regulator of ins1's jurisdiction recommends the plan.
	reg := as("reg" + insJur + ".admin")
	do(t, reg, "open the hub", chromedp.Click(chromedp.CSS(`a.nav-pilot`)), chromedp.WaitVisible(chromedp.ID("pilot-plans")))
	ppGo(t, reg, "open the plan to recommend", `#pilot-plans a[href="`+planPath+`"]`)
	do(t, reg, "fill the recommendation",
		chromedp.Click(chromedp.CSS(`#plan-rec-form input[name="recommended"]`)),
		chromedp.SetValue(chromedp.ID("pr-rank"), "1"),
		chromedp.SetValue(chromedp.ID("pr-comment"), "方案服务内容完整，推荐优先支持。"),
	)
	ppGo(t, reg, "recommend", `#plan-rec-form button[type="submit"]`)
	if s := ppText(t, reg, "#plan-rec"); !strings.Contains(s, "排序第 1") {
		t.Errorf("recommendation shown %q (page: %.400s)", s, ppMain(t, reg))
	}

	// 4. Review: the batch moves to review; a conflicted expert is refused; op.expert scores.
	ppNav(t, op, base+batchPath)
	ppGo(t, op, "start the review", `#batch-status-form button[type="submit"]`)
	ppStatus(t, op, "the batch in review", "main .page-head .pp-st", "评审中")
	do(t, op, "open the experts page", chromedp.Click(chromedp.CSS(`a.nav-pilot`)), chromedp.WaitVisible(chromedp.ID("pilot-experts-link")))
	ppGo(t, op, "experts", `#pilot-experts-link`)
	do(t, op, "record op.expert2's tie to prov1",
		chromedp.SetValue(chromedp.ID("af-user"), strconv.FormatInt(expert2, 10)),
		chromedp.SetValue(chromedp.ID("af-org"), strconv.FormatInt(prov1, 10)),
		chromedp.SetValue(chromedp.ID("af-rel"), "employment"),
		chromedp.SetValue(chromedp.ID("af-note"), "曾任该公司安全服务部经理"),
	)
	ppGo(t, op, "save the affiliation", `#affiliation-form button[type="submit"]`)
	if s := ppText(t, op, "#affiliations"); !strings.Contains(s, "op.expert2") || !strings.Contains(s, prov1Name) {
		t.Errorf("affiliations table lacks op.expert2 – prov1: %.400s", s)
	}
	ppNav(t, op, base+planPath)
	do(t, op, "choose the tied expert", chromedp.SetValue(chromedp.ID("pa-expert"), strconv.FormatInt(expert2, 10)))
	ppGo(t, op, "assign the tied expert", `#plan-assign-form button[type="submit"]`)
	if s := ppText(t, op, "#err-assign-expert_id, #plan-assign-form .alert-error"); !strings.Contains(s, "利益冲突") || !strings.Contains(s, prov1Name) {
		t.Errorf("assigning a tied expert: %q, want the conflict naming %s (page: %.400s)", s, prov1Name, ppMain(t, op))
	}
	if n := one(`SELECT COUNT(*) FROM review_assignments WHERE plan_id = $1`, planID); n != 0 {
		t.Errorf("%d assignments after the refused one", n)
	}
	do(t, op, "choose op.expert", chromedp.SetValue(chromedp.ID("pa-expert"), strconv.FormatInt(expert, 10)))
	ppGo(t, op, "assign op.expert", `#plan-assign-form button[type="submit"]`)
	if s := ppText(t, op, "#plan-assignments"); !strings.Contains(s, "op.expert") {
		t.Fatalf("assignments after assigning op.expert: %q (page: %.400s)", s, ppMain(t, op))
	}

	exp := as("op.expert")
	do(t, exp, "open the hub", chromedp.Click(chromedp.CSS(`a.nav-pilot`)), chromedp.WaitVisible(chromedp.ID("pilot-assignments")))
	ppGo(t, exp, "open the assignment", `#pilot-assignments a[href^="`+planPath+`"]`)
	scores := map[string]string{"insurance_design": "30", "security_capability": "21", "risk_pricing": "16", "innovation": "12", "implementation": "13"}
	for k, v := range scores {
		do(t, exp, "score "+k, chromedp.SetValue(chromedp.ID("ps-"+k), v))
	}
	do(t, exp, "comment", chromedp.SetValue(chromedp.ID("ps-comment"), "保险责任与服务衔接清晰，定价依据较充分。"))
	// The browser's own check stops 30 > 25 before it is sent…
	if !eval[bool](t, exp, `document.getElementById('ps-insurance_design').validity.rangeOverflow`) {
		t.Errorf("the score input does not flag 30 above its maximum")
	}
	eval[bool](t, exp, `(window.__ppStale = true, true)`)
	do(t, exp, "submit 30 of 25", chromedp.Click(chromedp.CSS(`#plan-review-form button[type="submit"]`)), chromedp.Sleep(300*time.Millisecond))
	if !eval[bool](t, exp, `window.__ppStale === true`) {
		t.Errorf("the browser sent a score above the maximum")
	}
	// …and the server refuses it on the field when the browser does not check.
	eval[bool](t, exp, `(document.getElementById('plan-review-form').noValidate = true, true)`)
	ppGo(t, exp, "submit 30 of 25 unchecked", `#plan-review-form button[type="submit"]`)
	if s := ppText(t, exp, `[id="err-review-score.insurance_design"]`); !strings.Contains(s, "25") {
		t.Errorf("score above the maximum: field error %q (page: %.400s)", s, ppMain(t, exp))
	} else if !strings.Contains(s, "保险方案设计") {
		// Known: the message names the criterion by its key, not as the form labels it.
		t.Logf("score above the maximum refused, but the message %q does not name the criterion 保险方案设计", s)
	}
	if s := str(`SELECT status FROM review_assignments WHERE plan_id = $1`, planID); s != "assigned" {
		t.Errorf("assignment %q after the refused score, want assigned", s)
	}
	if v := eval[string](t, exp, `document.getElementById('ps-security_capability').value`); v != "21" {
		t.Errorf("the refused form lost the typed scores: security_capability %q", v)
	}
	do(t, exp, "correct the score", chromedp.SetValue(chromedp.ID("ps-insurance_design"), "22"))
	ppGo(t, exp, "submit the scores", `#plan-review-form button[type="submit"]`)
	if s := ppText(t, exp, "#review"); !strings.Contains(s, "已评分") || !strings.Contains(s, "84") {
		t.Errorf("my review after scoring: %q, want 已评分 and total 84", s)
	}

	ppNav(t, op, base+planPath)
	do(t, op, "select the plan",
		chromedp.SetValue(chromedp.ID("pdc-decision"), "selected"),
		chromedp.SetValue(chromedp.ID("pdc-note"), "专家评分 84 分，地方推荐第 1 名"))
	ppGo(t, op, "decide", `#plan-decide-form button[type="submit"]`)
	if s := ppText(t, op, "#plan-decision"); !strings.Contains(s, "入选") {
		t.Errorf("decision shown %q (page: %.400s)", s, ppMain(t, op))
	}
	if s := ppText(t, op, "#plan-score"); s != "84.00" {
		t.Errorf("plan score %q, want 84.00", s)
	}
	ppNav(t, op, base+batchPath)
	do(t, op, "note the version", chromedp.SetValue(chromedp.ID("bp-note"), "第三批典型服务方案目录（首版）"))
	ppGo(t, op, "publish the catalogue", `#batch-publish-form button[type="submit"]`)
	ppStatus(t, op, "the published batch", "main .page-head .pp-st", "目录已发布")
	if s := ppText(t, op, "#batch-versions tbody"); !strings.Contains(s, "第三批典型服务方案目录") {
		t.Errorf("catalogue versions: %q", s)
	}
	entryID := one(`SELECT ce.id FROM catalogue_entries ce WHERE ce.plan_id = $1`, planID)
	entryNo := str(`SELECT entry_no FROM catalogue_entries WHERE id = $1`, entryID)

	// 5. ent1 finds the plan in the catalogue and registers a project on it.
	ent := as("ent1.admin")
	do(t, ent, "open the catalogue", chromedp.Click(chromedp.CSS(`a.nav-catalogue`)), chromedp.WaitVisible(chromedp.ID("catalogue-filter")))
	do(t, ent, "search", chromedp.SetValue(chromedp.ID("cf-q"), "托管式安全运营"))
	ppGo(t, ent, "search the catalogue", `#catalogue-filter button[type="submit"]`)
	if n := eval[int](t, ent, `document.querySelectorAll('#catalogue-entries article').length`); n != 1 {
		t.Fatalf("the search shows %d entries, want 1: %.500s", n, ppMain(t, ent))
	}
	if s := ppText(t, ent, "#catalogue-entries"); !strings.Contains(s, entryNo) || !strings.Contains(s, title) {
		t.Errorf("search result %q lacks %s %s", s, entryNo, title)
	}
	ppGo(t, ent, "open the entry", `#catalogue-entries article h3 a`)
	if s := ppText(t, ent, "#entry-title"); !strings.Contains(s, entryNo) {
		t.Errorf("entry heading %q", s)
	}
	if href := eval[string](t, ent, `(document.getElementById('entry-quote') || {getAttribute: () => ''}).getAttribute('href')`); !strings.HasPrefix(href, "/quotes/new") {
		t.Errorf("entry quote link %q", href)
	}
	assess := eval[string](t, ent, `Array.from(document.querySelectorAll('a.entry-assess')).map(a => a.textContent + ' ' + a.getAttribute('href')).join('; ')`)
	if !strings.Contains(assess, prov1Name) || !strings.Contains(assess, "provider_id="+strconv.FormatInt(prov1, 10)) {
		t.Errorf("entry assessment links %q, want one to %s", assess, prov1Name)
	}
	shot(ent, "catalogue_entry")

	// The project starts in an ended quarter: the one of ent1's first policy
	// with ins1 (so the first report has a figure to pre-fill), else two
	// quarters back.
	q := now.AddDate(0, -(int(now.Month())-1)%3, -now.Day()+1)
	start := q.AddDate(0, -6, 0)
	var first string
	if db.QueryRow(`SELECT COALESCE(MIN(inception_date), '') FROM policies WHERE enterprise_id = $1 AND insurer_id = $2`, ent1, ins1).Scan(&first); first != "" {
		if f, err := time.ParseInLocation(time.DateOnly, first, anbao.Shanghai); err == nil && f.Year() >= 2021 {
			if fq := f.AddDate(0, -(int(f.Month())-1)%3, -f.Day()+1); fq.Before(q) {
				start = fq
			}
		}
	}
	end := start.AddDate(1, 0, -1)
	do(t, ent, "open the projects", chromedp.Click(chromedp.CSS(`a.nav-projects`)), chromedp.WaitVisible(chromedp.ID("project-register-btn")))
	ppGo(t, ent, "register", `#project-register-btn`)
	do(t, ent, "fill the registration",
		chromedp.SetValue(chromedp.ID("pn-entry"), strconv.FormatInt(entryID, 10)),
		chromedp.SetValue(chromedp.ID("pn-title"), "宁波天立检测数据安全保险试点（浏览器验收）"),
		chromedp.SetValue(chromedp.ID("pn-cadence"), "quarterly"),
		chromedp.SetValue(chromedp.ID("pn-start"), start.Format(time.DateOnly)),
		chromedp.SetValue(chromedp.ID("pn-end"), end.Format(time.DateOnly)),
		chromedp.SetValue(chromedp.ID("pn-summary"), "检测实验室信息系统投保数据安全险，配套托管式安全运营。"),
	)
	ppGo(t, ent, "register the project", `#project-submit`)
	projPath := ppPath(t, ent, "/projects/")
	projID := ppID(t, projPath)
	members := ppText(t, ent, "#project-members")
	regLocal := "reg" + entJur + ".admin"
	regLocalName := str(`SELECT o.name_zh FROM organisations o JOIN users u ON u.org_id = o.id WHERE u.username = $1`, regLocal)
	for _, m := range []string{ent1Name, ins1Name, prov1Name, regLocalName} {
		if !strings.Contains(members, m) {
			t.Errorf("project members lack %s: %q", m, members)
		}
	}

	// 6. The first quarterly report: the platform's figures pre-filled, the narrative, submission.
	var repID int64
	var pStart, pEnd string
	if err := db.QueryRow(`SELECT id, period_start, period_end FROM project_reports WHERE project_id = $1 AND kind <> 'final'
		ORDER BY period_start LIMIT 1`, projID).Scan(&repID, &pStart, &pEnd); err != nil {
		t.Fatal(err)
	}
	repPath := fmt.Sprintf("%s/reports/%d", projPath, repID)
	ppGo(t, ent, "open the first report", `#reports-table tbody tr:first-child a`)
	if p := eval[string](t, ent, `location.pathname`); p != repPath {
		t.Fatalf("the first report link opened %s, want %s (%s – %s)", p, repPath, pStart, pEnd)
	}
	// Policy years (terms) starting in the period, new or renewed, that were in force.
	const termsInPeriod = ` FROM policy_terms pt JOIN policies p ON p.id = pt.policy_id WHERE p.enterprise_id = $1 AND p.insurer_id = $2
		AND pt.start_date >= $3 AND pt.start_date <= $4 AND NOT (pt.cancelled_date <> '' AND pt.cancelled_date <= pt.start_date)`
	wantPolicies := one(`SELECT COUNT(*)`+termsInPeriod, ent1, ins1, pStart, pEnd)
	if got := eval[string](t, ent, `document.getElementById('k-policies').value`); got != strconv.FormatInt(wantPolicies, 10) {
		t.Errorf("pre-filled policies %q, want %d (ent1's policy years with ins1 starting %s – %s)", got, wantPolicies, pStart, pEnd)
	}
	if wantPolicies == 0 {
		t.Logf("note: ent1 has no policy with ins1 in %s – %s; the pre-filled figure is 0", pStart, pEnd)
	}
	if s := strings.TrimSpace(ppText(t, ent, "#kpi-policies td.num")); s != strconv.FormatInt(wantPolicies, 10) {
		t.Errorf("platform policies cell %q, want %d", s, wantPolicies)
	}
	wantPremium := one(`SELECT COALESCE(SUM(pt.written_premium), 0)`+termsInPeriod, ent1, ins1, pStart, pEnd)
	if s := strings.TrimSpace(ppText(t, ent, "#kpi-premium td.num")); s != fmt.Sprintf("%s.%02d", groupDigitsE2E(wantPremium/100), wantPremium%100) {
		t.Errorf("platform premium cell %q, want %d 分", s, wantPremium)
	}
	do(t, ent, "write the narrative",
		chromedp.SetValue(chromedp.ID("r-progress"), "一季度完成投保与首次风险评估，托管运营已上线。"),
		chromedp.SetValue(chromedp.ID("r-issues"), "部分老旧设备日志采集不全。"),
		chromedp.SetValue(chromedp.ID("r-next"), "二季度完成日志采集改造并开展应急演练。"),
	)
	shot(ent, "report")
	ppGo(t, ent, "submit the report", `#report-submit`)
	if s := str(`SELECT status FROM project_reports WHERE id = $1`, repID); s != "submitted" {
		t.Fatalf("report status %q after submitting, want submitted (page: %.500s)", s, ppMain(t, ent))
	}

	lreg := reg
	if entJur != insJur {
		lreg = as(regLocal)
	}
	do(t, lreg, "open the projects", chromedp.Click(chromedp.CSS(`a.nav-projects`)), chromedp.WaitVisible(chromedp.CSS("main")))
	ppNav(t, lreg, base+projPath)
	ppGo(t, lreg, "open the report", `#reports-table a[href="`+repPath+`"]`)
	do(t, lreg, "comment", chromedp.SetValue(chromedp.ID("rv-comment"), "已收悉，请按计划推进日志采集改造。"))
	ppGo(t, lreg, "acknowledge", `#report-ack`)
	if s := str(`SELECT status FROM project_reports WHERE id = $1`, repID); s != "acknowledged" {
		t.Errorf("report status %q after acknowledging, want acknowledged (page: %.400s)", s, ppMain(t, lreg))
	}
	if s := ppText(t, lreg, "#report-review"); !strings.Contains(s, "已收悉") {
		t.Errorf("acknowledgement shown %q", s)
	}

	// 7. A typical case on the project, selected and published into the library.
	ppNav(t, ent, base+projPath)
	ppGo(t, ent, "new case", `a[href="/cases/new?project=`+strconv.FormatInt(projID, 10)+`"]`)
	if v := eval[string](t, ent, `document.getElementById('cs-project').value`); v != strconv.FormatInt(projID, 10) {
		t.Errorf("case form's project %q, want %d preselected", v, projID)
	}
	caseTitle := "检测实验室勒索软件事件的保险与托管运营协同处置（浏览器验收）"
	do(t, ent, "fill the case",
		chromedp.SetValue(chromedp.ID("cs-kind"), "typical_case"),
		chromedp.SetValue(chromedp.ID("cs-title"), caseTitle),
		chromedp.SetValue(chromedp.ID("cs-background"), "企业为第三方检测机构，实验室信息系统存储大量客户检测数据。"),
		chromedp.SetValue(chromedp.ID("cs-risk"), "勒索软件与数据泄露风险突出，备份策略不完善。"),
		chromedp.SetValue(chromedp.ID("cs-insurance_services"), "投保数据安全险，保险公司联合安全企业提供托管式安全运营。"),
		chromedp.SetValue(chromedp.ID("cs-incident_claim"), "一季度拦截一次勒索软件投递，未造成损失。"),
		chromedp.SetValue(chromedp.ID("cs-outcome"), "实现 7×24 小时监测，平均响应时间缩短至 15 分钟。"),
		chromedp.SetValue(chromedp.ID("cs-lessons"), "保险与安全服务一体化交付可显著降低中小企业风险。"),
	)
	ppGo(t, ent, "save and submit the case", `#case-save-submit`)
	casePath := ppPath(t, ent, "/cases/")
	caseID := ppID(t, casePath)
	ppStatus(t, ent, "the submitted case", "main .page-head .badges", "待评审")

	do(t, op, "open the case library", chromedp.Click(chromedp.CSS(`a.nav-pilot`)), chromedp.WaitVisible(chromedp.ID("pilot-cases-link")))
	ppGo(t, op, "cases", `#pilot-cases-link`)
	ppGo(t, op, "open the queued case", `#case-queue a[href="`+casePath+`"]`)
	do(t, op, "select the case",
		chromedp.SetValue(chromedp.ID("cr-decision"), "select"),
		chromedp.SetValue(chromedp.ID("cr-comment"), "协同处置流程清晰，具有推广价值。"))
	ppGo(t, op, "review", `#case-review-btn`)
	ppStatus(t, op, "the selected case", "main .page-head .badges", "已入选")
	ppGo(t, op, "publish the case", `#case-publish`)
	ppStatus(t, op, "the published case", "main .page-head .badges", "已发布")
	if s := str(`SELECT status FROM pilot_cases WHERE id = $1`, caseID); s != "published" {
		t.Errorf("case status %q, want published", s)
	}
	do(t, ent, "open the library", chromedp.Navigate(base+"/cases"), chromedp.WaitVisible(chromedp.ID("case-library")))
	if !eval[bool](t, ent, `!!document.querySelector('#case-library a[href="`+casePath+`"]')`) {
		t.Errorf("the case library lacks the published case: %.400s", ppText(t, ent, "#case-library"))
	}

	// 8. MIIT reads the dashboard, drills into Beijing and opens the policy list.
	miit := as("miit.admin")
	do(t, miit, "open the dashboard", chromedp.Click(chromedp.CSS(`a.nav-dashboard`)), chromedp.WaitVisible(chromedp.ID("dash-kpis")))
	ppLoaded(t, miit, "dashboard")
	catPlans := one(`SELECT COUNT(DISTINCT ce.plan_id) FROM catalogue_entries ce JOIN catalogue_versions cv ON cv.id = ce.version_id WHERE cv.status = 'published'`)
	projects := one(`SELECT COUNT(*) FROM pilot_projects`)
	if catPlans != 50 {
		t.Errorf("the store has %d catalogue plans, want the demo's 49 and ours", catPlans)
	}
	ppKPI(t, miit, "catalogue_plans", catPlans)
	ppKPI(t, miit, "projects", projects)
	shot(miit, "dashboard")
	if !eval[bool](t, miit, `!!document.querySelector('a.dash-tile[data-code="`+insJur+`"]')`) {
		t.Fatalf("no clickable tile for jurisdiction %s", insJur)
	}
	ppGo(t, miit, "drill into the province", `a.dash-tile[data-code="`+insJur+`"]`)
	if q := eval[string](t, miit, `location.search`); !strings.Contains(q, "jurisdiction="+insJur) {
		t.Errorf("after the tile click the dashboard is at %s", q)
	}
	ppKPI(t, miit, "catalogue_plans", one(`SELECT COUNT(DISTINCT ce.plan_id) FROM catalogue_entries ce JOIN catalogue_versions cv ON cv.id = ce.version_id
		JOIN service_plans sp ON sp.id = ce.plan_id WHERE cv.status = 'published' AND sp.jurisdiction = $1`, insJur))
	ppKPI(t, miit, "projects", one(`SELECT COUNT(*) FROM pilot_projects WHERE jurisdiction = $1`, insJur))
	ppGo(t, miit, "open the policy list", `.dash-tabs a[href^="/dashboard/policies"]`)
	rows := eval[[]string](t, miit, `Array.from(document.querySelectorAll('#dash-policies tbody tr')).map(r => r.textContent)`)
	if len(rows) == 0 || strings.Contains(rows[0], "暂无") {
		t.Errorf("the policy list of jurisdiction %s is empty: %.300s", insJur, ppMain(t, miit))
	}
	if q := eval[string](t, miit, `location.search`); !strings.Contains(q, "jurisdiction="+insJur) {
		t.Errorf("the policy list lost the drill-down filter: %s", q)
	}
	wantPol := one(`SELECT COUNT(*) FROM policies WHERE jurisdiction = $1`, insJur)
	t.Logf("policy list of %s: %d rows on the page, %d policies in the jurisdiction", insJur, len(rows), wantPol)

	for _, p := range problems() {
		t.Errorf("page console: %s", p)
	}
	t.Logf("journey took %v", time.Since(began).Round(100*time.Millisecond))
}

// groupDigitsE2E writes n with thousands separators.
func groupDigitsE2E(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// ppBrowsers starts one chromium and returns a function that gives each demo
// user its own isolated browser context, logged in, and one that lists the
// script errors, uncaught exceptions and Content-Security-Policy violations
// the pages reported so far.
func ppBrowsers(t *testing.T, base string) (as func(user string) context.Context, problems func() []string) {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.NoSandbox,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("lang", "zh-CN"),
	)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	bctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	deadline := time.Now().Add(150 * time.Second)
	var mu sync.Mutex
	var seen []string
	as = func(user string) context.Context {
		t.Helper()
		ctx, cancel := chromedp.NewContext(bctx, chromedp.WithNewBrowserContext())
		t.Cleanup(cancel)
		ctx, cancel = context.WithDeadline(ctx, deadline)
		t.Cleanup(cancel)
		console := chromedp.Console(ctx)
		go func() {
			for m, err := range console {
				if err != nil {
					return
				}
				// Refused forms answer 4xx on purpose: the network's log lines are no fault.
				if m.IsException() || (m.Type == chromedp.ConsoleError && m.Source != "network") {
					mu.Lock()
					seen = append(seen, user+": "+m.String()+" at "+m.URL)
					mu.Unlock()
				}
			}
		}()
		login(t, ctx, base, user)
		return ctx
	}
	problems = func() []string {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(seen)
	}
	return as, problems
}

// ppShooter returns a function that saves a full-page screenshot to
// /tmp/pilot_<name>.png when ANBAO_E2E_SHOTS=1.
func ppShooter(t *testing.T) func(ctx context.Context, name string) {
	return func(ctx context.Context, name string) {
		t.Helper()
		if os.Getenv("ANBAO_E2E_SHOTS") != "1" {
			return
		}
		// Let the charts' animation finish; quality 100 makes a PNG (less, a JPEG).
		time.Sleep(800 * time.Millisecond)
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Errorf("screenshot %s: %v", name, err)
			return
		}
		out := filepath.Join("/tmp", "pilot_"+name+".png")
		if err := os.WriteFile(out, png, 0o644); err != nil {
			t.Error(err)
		}
		t.Logf("screenshot %s", out)
		// A long page is unreadable scaled down whole: its first screen too.
		if eval[int](t, ctx, `document.documentElement.scrollHeight`) > 3000 {
			if top, err := chromedp.Run(ctx, chromedp.CaptureScreenshot()); err == nil {
				os.WriteFile(filepath.Join("/tmp", "pilot_"+name+"_top.png"), top, 0o644)
			}
		}
	}
}

// ppGo clicks sel and waits until the page it leads to has loaded.
func ppGo(t *testing.T, ctx context.Context, what, sel string) {
	t.Helper()
	eval[bool](t, ctx, `(window.__ppStale = true, true)`)
	do(t, ctx, what, chromedp.Click(chromedp.CSS(sel)))
	ppLoaded(t, ctx, what)
}

// ppNav navigates to url and waits for the page.
func ppNav(t *testing.T, ctx context.Context, url string) {
	t.Helper()
	do(t, ctx, "open "+url, chromedp.Navigate(url))
	ppLoaded(t, ctx, url)
}

// ppLoaded waits until the page marked stale by ppGo is replaced and loaded.
func ppLoaded(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		tctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		ok, err := chromedp.Run(tctx, chromedp.Evaluate[bool](`window.__ppStale !== true && document.readyState === "complete" && !!document.querySelector("main")`))
		cancel()
		if err == nil && ok {
			return
		}
		if ctx.Err() != nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s: the next page did not load", what)
}

// ppPath checks that the page is under prefix and returns its path.
func ppPath(t *testing.T, ctx context.Context, prefix string) string {
	t.Helper()
	p := eval[string](t, ctx, `location.pathname`)
	if !strings.HasPrefix(p, prefix) {
		t.Fatalf("on %s, want a page under %s: %.600s", p, prefix, ppMain(t, ctx))
	}
	return p
}

// ppID is the number at the end of a path.
func ppID(t *testing.T, path string) int64 {
	t.Helper()
	id, err := strconv.ParseInt(path[strings.LastIndex(path, "/")+1:], 10, 64)
	if err != nil {
		t.Fatalf("no id in %s", path)
	}
	return id
}

// ppText is the text of the first element matching sel, or "" if none does.
func ppText(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	return strings.TrimSpace(eval[string](t, ctx, `(function () { var e = document.querySelector(`+strconv.Quote(sel)+`);
		return e ? e.innerText : ""; })()`))
}

// ppMain is the page's main text, for failure messages.
func ppMain(t *testing.T, ctx context.Context) string {
	t.Helper()
	return strings.Join(strings.Fields(ppText(t, ctx, "main")), " ")
}

// ppStatus checks that the status shown at sel contains want.
func ppStatus(t *testing.T, ctx context.Context, what, sel, want string) {
	t.Helper()
	if s := ppText(t, ctx, sel); !strings.Contains(s, want) {
		t.Fatalf("%s: status %q, want %s (page: %.500s)", what, s, want, ppMain(t, ctx))
	}
}

// ppKPI checks a headline figure of the dashboard.
func ppKPI(t *testing.T, ctx context.Context, id string, want int64) {
	t.Helper()
	got := ppText(t, ctx, "#kpi-"+id+" .stat-value")
	if strings.ReplaceAll(got, ",", "") != strconv.FormatInt(want, 10) {
		t.Errorf("dashboard %s shows %q, want %d (computed with SQL)", id, got, want)
	}
}

// ppFillPlan fills the plan form: ins1 leads as insurer with prov1 as the
// security partner, two coverages with limits, services in every phase.
func ppFillPlan(t *testing.T, ctx context.Context, title string, prov1 int64) {
	t.Helper()
	do(t, ctx, "fill the plan form",
		chromedp.WaitVisible(chromedp.ID("plan-form")),
		chromedp.SetValue(chromedp.ID("pf-title"), title),
		chromedp.SetValue(chromedp.ID("pf-summary"), "面向制造业中小企业的数据安全保险，配套 7×24 小时托管式安全运营与应急响应。"),
		chromedp.SetValue(chromedp.ID("pf-product"), "enterprise"),
		chromedp.SetValue(chromedp.ID("pf-lead-role"), "insurer"),
		chromedp.Click(chromedp.CSS(`#plan-form input[name="industries"][value="C"]`)),
		chromedp.Click(chromedp.CSS(`#plan-form input[name="subject_types"][value="sme"]`)),
		chromedp.SetValue(chromedp.CSS(`#plan-form select[name="partner.0.org"]`), strconv.FormatInt(prov1, 10)),
		chromedp.SetValue(chromedp.CSS(`#plan-form select[name="partner.0.role"]`), "security"),
		chromedp.Click(chromedp.CSS(`#plan-form input[name="coverages"][value="direct_loss"]`)),
		chromedp.SetValue(chromedp.CSS(`#plan-form input[name="limit.direct_loss"]`), "1000000"),
		chromedp.Click(chromedp.CSS(`#plan-form input[name="coverages"][value="data_leak"]`)),
		chromedp.SetValue(chromedp.CSS(`#plan-form input[name="limit.data_leak"]`), "2000000"),
		chromedp.SetValue(chromedp.ID("pf-before"), "资产梳理与风险评估\n漏洞扫描与渗透测试"),
		chromedp.SetValue(chromedp.ID("pf-during"), "7×24 小时监测与应急响应"),
		chromedp.SetValue(chromedp.ID("pf-after"), "数据恢复\n事件复盘与整改验证"),
		chromedp.SetValue(chromedp.ID("pf-pricing"), "基准费率 0.8%，按安全评估等级上下浮动 30%。"),
		chromedp.SetValue(chromedp.ID("pf-regs"), "C00010830612020012322442"),
	)
}
