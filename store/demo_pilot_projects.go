package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/refdata"
)

// Demo pilot projects, periodic reports and cases (issue #7 item 9).
//
// LoadDemoProjects runs after the plans' demo (LoadDemoPlans), whose first
// batch has a published catalogue. Like the real first batch, the batch's
// projects involve 68 participating units: 13 local authorities (the local
// regulators of 13 jurisdictions), 34 service institutions (consortium
// members of the catalogue's plans) and 21 industry enterprises (ent1
// among them). Each project runs against one catalogue entry with some of
// its consortium, enterprises of its jurisdiction and the local authority;
// its reports (monthly or quarterly, then final) are mostly submitted and
// acknowledged, a few returned, a few left overdue. Every step goes through
// the store API with the store's clock set to the step's time, in time
// order; then the reminders run at the real time. A handful of cases are
// published, some are under review.

// Demo figures of the first batch.
const (
	DemoLocalAuthorities = 13
	DemoInstitutions     = 34
	DemoEnterprises      = 21
	DemoProjects         = 36
)

type dpOrg struct {
	id        int64
	kind      anbao.OrgKind
	jur, name string
	user      string // an admin's username, if the organisation has one
}

func (o *dpOrg) principal() *anbao.Principal {
	u := o.user
	if u == "" {
		u = "demo"
	}
	return &anbao.Principal{Username: u, OrgID: o.id, OrgKind: o.kind, Jurisdiction: o.jur, Roles: []anbao.Role{anbao.RoleAdmin}}
}

type dpEntry struct {
	id, plan   int64
	no, title  string
	consortium []int64
}

type dpStep struct {
	at  time.Time
	seq int
	fn  func(ctx context.Context) error
}

type dpLoader struct {
	s       *Store
	r       *rand.Rand
	now     time.Time
	cur     time.Time
	orgs    map[int64]*dpOrg
	steps   []*dpStep
	reports map[int][]int64 // project index → report ids in schedule order
	project map[int]int64   // project index → id
	nat     *dpOrg          // a national regulator
}

func (l *dpLoader) add(at time.Time, fn func(ctx context.Context) error) {
	l.steps = append(l.steps, &dpStep{at: at, seq: len(l.steps), fn: fn})
}

// LoadDemoProjects adds the demo projects, reports and cases of the first
// batch with a published catalogue, deterministically from seed. It
// refuses a database that already holds projects.
func (s *Store) LoadDemoProjects(ctx context.Context, seed uint64) error {
	p := anbao.PrincipalFrom(ctx)
	if p == nil || !p.System {
		return anbao.Errorf(anbao.EFORBIDDEN, "error.forbidden")
	}
	var n int
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM pilot_projects").Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return anbao.Errorf(anbao.ECONFLICT, "demo.not_empty")
	}
	clock := s.Now
	defer func() { s.Now = clock }()
	l := &dpLoader{s: s, r: rand.New(rand.NewPCG(seed, 0x70726f6a65637473)), // "projects"
		now: clock().UTC().Truncate(time.Minute), orgs: map[int64]*dpOrg{}, reports: map[int][]int64{}, project: map[int]int64{}}
	if err := l.plan(ctx); err != nil {
		return fmt.Errorf("demo projects: %w", err)
	}
	sort.SliceStable(l.steps, func(i, j int) bool {
		if !l.steps[i].at.Equal(l.steps[j].at) {
			return l.steps[i].at.Before(l.steps[j].at)
		}
		return l.steps[i].seq < l.steps[j].seq
	})
	s.Now = func() time.Time { return l.cur }
	rctx := withoutReadBack(ctx)
	for _, st := range l.steps {
		if st.at.After(l.now) {
			continue
		}
		l.cur = st.at
		if err := st.fn(rctx); err != nil {
			return fmt.Errorf("demo projects at %s: %w", st.at.Format(time.DateTime), err)
		}
	}
	s.Now = clock
	if _, err := s.RemindOverdueReports(ctx, l.now); err != nil {
		return err
	}
	return nil
}

func (l *dpLoader) plan(ctx context.Context) error {
	s := l.s
	err := eachRow(ctx, s.read, `SELECT o.id, o.kind, o.jurisdiction, o.name_zh, COALESCE((SELECT MIN(u.username) FROM users u
		WHERE u.org_id = o.id AND u.roles LIKE '%admin%' AND u.disabled = FALSE), '') FROM organisations o WHERE o.status = 'active' ORDER BY o.id`, nil,
		func(sc scanner) error {
			var o dpOrg
			err := sc.Scan(&o.id, &o.kind, &o.jur, &o.name, &o.user)
			l.orgs[o.id] = &o
			return err
		})
	if err != nil {
		return err
	}
	for _, id := range sortedKeys(l.orgs) {
		if o := l.orgs[id]; o.kind == anbao.KindRegulator && o.jur == "" && l.nat == nil {
			l.nat = o
		}
	}
	// The first batch with a published catalogue, its latest published version.
	var version int64
	err = s.read.QueryRowContext(ctx, `SELECT v.id FROM catalogue_versions v WHERE v.status = 'published'
		AND v.batch_id = (SELECT MIN(v2.batch_id) FROM catalogue_versions v2 WHERE v2.status = 'published')
		ORDER BY v.number DESC, v.id DESC LIMIT 1`).Scan(&version)
	if isNoRows(err) {
		return fmt.Errorf("no published catalogue: load the plans' demo first")
	}
	if err != nil {
		return err
	}
	var entries []*dpEntry
	byPlan := map[int64]*dpEntry{}
	jointApplicants := map[int64]bool{} // enterprises in the plans' consortia
	err = eachRow(ctx, s.read, `SELECT e.id, e.plan_id, e.entry_no, sp.title FROM catalogue_entries e JOIN service_plans sp ON sp.id = e.plan_id
		WHERE e.version_id = $1 ORDER BY e.entry_no, e.id`, []any{version}, func(sc scanner) error {
		var e dpEntry
		err := sc.Scan(&e.id, &e.plan, &e.no, &e.title)
		entries = append(entries, &e)
		byPlan[e.plan] = &e
		return err
	})
	if err != nil {
		return err
	}
	err = eachRow(ctx, s.read, `SELECT pp.plan_id, pp.org_id FROM plan_partners pp JOIN catalogue_entries e ON e.plan_id = pp.plan_id
		WHERE e.version_id = $1 UNION SELECT sp.id, sp.lead_org_id FROM service_plans sp JOIN catalogue_entries e ON e.plan_id = sp.id
		WHERE e.version_id = $1 ORDER BY 1, 2`, []any{version}, func(sc scanner) error {
		var plan, org int64
		if err := sc.Scan(&plan, &org); err != nil {
			return err
		}
		if o := l.orgs[org]; o != nil && (o.kind == anbao.KindInsurer || o.kind == anbao.KindProvider) {
			byPlan[plan].consortium = append(byPlan[plan].consortium, org)
		} else if o != nil && o.kind == anbao.KindEnterprise {
			jointApplicants[org] = true
		}
		return nil
	})
	if err != nil {
		return err
	}
	// The service institutions: the first DemoInstitutions consortium members by id.
	var insts []int64
	for _, e := range entries {
		for _, o := range e.consortium {
			if !slices.Contains(insts, o) {
				insts = append(insts, o)
			}
		}
	}
	slices.Sort(insts)
	if len(insts) > DemoInstitutions {
		insts = insts[:DemoInstitutions]
	}
	// Entries: a greedy cover of the institutions, then the rest in order.
	var chosen []*dpEntry
	covered := map[int64]bool{}
	used := map[*dpEntry]bool{}
	for len(covered) < len(insts) {
		var best *dpEntry
		bestN := 0
		for _, e := range entries {
			if used[e] {
				continue
			}
			n := 0
			for _, o := range e.consortium {
				if slices.Contains(insts, o) && !covered[o] {
					n++
				}
			}
			if n > bestN {
				best, bestN = e, n
			}
		}
		if best == nil {
			break
		}
		used[best] = true
		chosen = append(chosen, best)
		for _, o := range best.consortium {
			covered[o] = true
		}
	}
	for _, e := range entries {
		if len(chosen) >= DemoProjects {
			break
		}
		if !used[e] && slices.ContainsFunc(e.consortium, func(o int64) bool { return slices.Contains(insts, o) }) {
			used[e] = true
			chosen = append(chosen, e)
		}
	}
	if len(chosen) == 0 {
		return fmt.Errorf("the catalogue's plans have no consortium institutions")
	}
	for i := 0; len(chosen) < DemoProjects; i++ {
		chosen = append(chosen, chosen[i])
	}
	l.r.Shuffle(len(chosen), func(i, j int) { chosen[i], chosen[j] = chosen[j], chosen[i] })

	// Enterprises and jurisdictions: ent1 first, then enterprises with users, then the rest.
	regOf := map[string]*dpOrg{}
	var cands []*dpOrg
	var ent1 *dpOrg
	for _, id := range sortedKeys(l.orgs) {
		o := l.orgs[id]
		switch {
		case o.kind == anbao.KindRegulator && o.jur != "" && regOf[o.jur] == nil:
			regOf[o.jur] = o
		case o.kind == anbao.KindEnterprise && o.user == "ent1.admin":
			ent1 = o
		case o.kind == anbao.KindEnterprise:
			cands = append(cands, o)
		}
	}
	// The plans' joint applicants first, then enterprises with users.
	rank := func(o *dpOrg) int {
		switch {
		case jointApplicants[o.id]:
			return 0
		case o.user != "":
			return 1
		}
		return 2
	}
	sort.SliceStable(cands, func(i, j int) bool { return rank(cands[i]) < rank(cands[j]) })
	if ent1 != nil {
		cands = append([]*dpOrg{ent1}, cands...)
	}
	var jurs []string
	var ents []*dpOrg
	for _, o := range cands {
		if len(jurs) < DemoLocalAuthorities && regOf[o.jur] != nil && !slices.Contains(jurs, o.jur) {
			jurs = append(jurs, o.jur)
			ents = append(ents, o)
		}
	}
	for _, pass := range []bool{true, false} {
		for _, o := range cands {
			if len(ents) < DemoEnterprises && !slices.Contains(ents, o) && (!pass || slices.Contains(jurs, o.jur)) {
				ents = append(ents, o)
			}
		}
	}
	if len(jurs) == 0 {
		return fmt.Errorf("no enterprises with a local regulator")
	}
	entsOf := map[string][]*dpOrg{}
	for _, o := range ents {
		j := o.jur
		if !slices.Contains(jurs, j) {
			j = jurs[len(entsOf)%len(jurs)]
		}
		entsOf[j] = append(entsOf[j], o)
	}
	projectsOf := map[string]int{}
	for i := range chosen {
		projectsOf[jurs[i%len(jurs)]]++
	}

	// The projects.
	seen := map[string]int{}
	for i, e := range chosen {
		jur := jurs[i%len(jurs)]
		k := seen[jur]
		seen[jur]++
		var members []int64
		var instMembers []int64
		for _, o := range e.consortium {
			if slices.Contains(insts, o) {
				instMembers = append(instMembers, o)
			}
		}
		pool := entsOf[jur]
		per := (len(pool) + projectsOf[jur] - 1) / projectsOf[jur]
		var entMembers []*dpOrg
		for x := 0; x < max(per, 1) && len(pool) > 0; x++ {
			o := pool[(k*max(per, 1)+x)%len(pool)]
			if !slices.Contains(entMembers, o) {
				entMembers = append(entMembers, o)
			}
		}
		reg := regOf[jur]
		var registrant *dpOrg
		switch {
		case i%3 == 1 && len(instMembers) > 0:
			registrant = l.orgs[instMembers[0]]
		case i%3 == 2 && len(entMembers) > 0:
			registrant = entMembers[0]
		default:
			registrant = reg
		}
		members = append(members, reg.id)
		members = append(members, instMembers...)
		if registrant.kind == anbao.KindEnterprise {
			members = append(members, registrant.id)
		}
		// The reports are filed by a member institution or enterprise, not by the local authority that acknowledges them.
		reporter := registrant
		if registrant.kind == anbao.KindRegulator {
			switch {
			case len(instMembers) > 0:
				reporter = l.orgs[instMembers[0]]
			case len(entMembers) > 0:
				reporter = entMembers[0]
			}
		}
		l.planProject(i, e, jur, registrant, reg, reporter, members, entMembers)
	}
	l.planCases()
	return nil
}

func sortedKeys[V any](m map[int64]V) []int64 {
	out := make([]int64, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

var dpMilestones = []string{"方案对接与任务分解", "首批企业承保", "风险评估全覆盖", "应急演练", "中期评估", "总结验收"}

var dpProgress = []string{
	"本期新增承保企业%d家，完成投保前风险评估和安全加固建议，保险+服务方案按计划推进。",
	"本期完成渗透测试与漏洞扫描服务，组织一次勒索软件应急演练，参保企业整改率持续提升。",
	"本期持续开展7×24小时安全监测，处置告警并推动高危漏洞修复，理赔服务流程运行顺畅。",
	"本期召开联合体推进会，与地方主管部门对接保费补贴政策，扩大园区企业覆盖面。",
}

var dpIssues = []string{"", "部分中小企业投保意愿不足，保费补贴申领流程较长。", "个别企业资产清单不完整，影响风险评估准确性。",
	"理赔材料中电子证据保全不规范，已组织专项培训。"}

var dpNext = []string{"继续扩大承保覆盖面，推进产品服务类保险落地。", "完善理赔快速通道，开展第二轮应急演练。",
	"总结可复制做法，准备典型案例申报。"}

func (l *dpLoader) planProject(i int, e *dpEntry, jur string, registrant, reg, reporterOrg *dpOrg, members []int64, entMembers []*dpOrg) {
	s, r := l.s, l.r
	start := time.Date(2024, time.Month(4+i%6), 1, 0, 0, 0, 0, time.UTC)
	months := 12 + r.IntN(13)
	if i%5 == 0 {
		months = 30 + r.IntN(6) // still running
	}
	end := start.AddDate(0, months, -1)
	cadence := anbao.CadenceQuarterly
	if i%12 == 1 {
		cadence = anbao.CadenceMonthly
	}
	at := func(d time.Time, hour int) time.Time {
		return time.Date(d.Year(), d.Month(), d.Day(), hour-8, r.IntN(60), 0, 0, time.UTC)
	}
	var ms []MilestoneInput
	span := end.Sub(start)
	for k, title := range dpMilestones {
		due := start.Add(span*time.Duration(k)/time.Duration(len(dpMilestones)-1)).AddDate(0, 0, 14)
		m := MilestoneInput{Title: title, DueDate: due.Format(time.DateOnly)}
		if done := due.AddDate(0, 0, r.IntN(20)-10); done.Before(l.now) && r.IntN(10) > 0 {
			m.DoneDate = done.Format(time.DateOnly)
		}
		ms = append(ms, m)
	}
	title := strings.TrimSpace(e.title)
	if title == "" {
		title = "网络安全保险服务试点"
	}
	title = fmt.Sprintf("%s（%s试点）", title, regionName(jur))
	in := ProjectInput{CatalogueEntryID: e.id, Title: title, Jurisdiction: jur, Cadence: cadence,
		StartDate: start.Format(time.DateOnly), EndDate: end.Format(time.DateOnly), MemberIDs: members, Milestones: ms,
		Summary: "依据典型服务方案目录 " + e.no + " 开展网络安全保险+服务试点：投保前风险评估、保中监测预警、出险后应急响应与快速理赔。"}
	regAt := at(start.AddDate(0, 0, -20+r.IntN(10)), 10)
	l.add(regAt, func(ctx context.Context) error {
		pr, err := s.RegisterProject(anbao.WithPrincipal(ctx, registrant.principal()), in)
		if err != nil {
			return err
		}
		l.project[i] = pr.ID
		// The enterprises are invited (the demo's own job proposes them) and each one's admin accepts.
		var invite []int64
		for _, o := range entMembers {
			if o != registrant {
				invite = append(invite, o.id)
			}
		}
		if len(invite) > 0 {
			sys := anbao.WithPrincipal(ctx, anbao.SystemPrincipal("demo"))
			if _, err := s.AddProjectMembers(sys, pr.ID, MembersInput{OrgIDs: invite}); err != nil {
				return err
			}
			for _, o := range entMembers {
				if o == registrant {
					continue
				}
				if _, err := s.AcceptProjectMembership(anbao.WithPrincipal(ctx, o.principal()), pr.ID, o.id, MemberResponseInput{}); err != nil {
					return err
				}
			}
		}
		return eachRow(ctx, s.read, `SELECT id FROM project_reports WHERE project_id = $1
			ORDER BY CASE WHEN kind = 'final' THEN 1 ELSE 0 END, period_start, id`, []any{pr.ID}, func(sc scanner) error {
			var id int64
			err := sc.Scan(&id)
			l.reports[i] = append(l.reports[i], id)
			return err
		})
	})
	// Termination of two projects half-way.
	var terminated time.Time
	if i == 7 || i == 23 {
		terminated = at(start.Add(span/2), 15)
		l.add(terminated, func(ctx context.Context) error {
			_, err := s.SetProjectStatus(anbao.WithPrincipal(ctx, registrant.principal()), l.project[i],
				ProjectStatusInput{Status: anbao.ProjectTerminated, Note: "联合体成员调整，项目提前终止，已妥善安排在保企业的后续服务。"})
			return err
		})
	}
	slots := ReportSchedule(start, end, cadence)
	reporter := reporterOrg.principal()
	regP := reg.principal()
	if reporterOrg == reg && l.nat != nil {
		regP = l.nat.principal() // the local authority filed: a national regulator acknowledges
	}
	lastOpen := -1
	for k, sl := range slots {
		if sl.due.Before(l.now) && sl.Kind != anbao.ReportFinal {
			lastOpen = k
		}
	}
	for k, sl := range slots {
		k, sl := k, sl
		if !terminated.IsZero() && sl.Kind != anbao.ReportFinal && sl.startT.After(terminated) {
			continue
		}
		// A few stay overdue: the latest periodic report of some running projects, and a few random ones.
		if (k == lastOpen && end.After(l.now) && i%2 == 0) || r.IntN(40) == 0 {
			continue
		}
		submit := at(sl.due.AddDate(0, 0, -1-r.IntN(8)), 16)
		if r.IntN(10) == 0 {
			submit = at(sl.due.AddDate(0, 0, 1+r.IntN(5)), 11) // late
		}
		if !submit.After(at(sl.endT.AddDate(0, 0, 1), 9)) {
			submit = at(sl.endT.AddDate(0, 0, 2), 16)
		}
		progress := dpProgress[r.IntN(len(dpProgress))]
		if n := 1 + r.IntN(6); strings.Contains(progress, "%d") {
			progress = fmt.Sprintf(progress, n)
		}
		issues, next := dpIssues[r.IntN(len(dpIssues))], dpNext[r.IntN(len(dpNext))]
		adjust := r.IntN(5) == 0
		extra := int64(1 + r.IntN(3))
		fill := func(ctx context.Context, pr string) error {
			ctx = anbao.WithPrincipal(ctx, reporter)
			id := l.reports[i][k]
			in := ReportInput{Progress: pr, Issues: issues, NextSteps: next}
			if adjust {
				// The reporter adds policies issued offline, not yet declared on the platform.
				k, err := s.projectKPIs(ctx, s.read, l.project[i], sl.Start, sl.End)
				if err != nil {
					return err
				}
				k.Policies += extra
				k.Premium += extra * 30_000_00
				k.SumInsured += extra * 1_000_000_00
				in.Reported = k
			}
			_, err := s.SubmitReport(ctx, id, in)
			return err
		}
		l.add(submit, func(ctx context.Context) error { return fill(ctx, progress) })
		review := at(submit.AddDate(0, 0, 2+r.IntN(8)), 10)
		switch x := r.IntN(20); {
		case x == 0 && k == len(slots)-2:
			// Returned and not yet corrected.
			l.add(review, func(ctx context.Context) error {
				_, err := s.ReturnReport(anbao.WithPrincipal(ctx, regP), l.reports[i][k], ReportReviewInput{Comment: "保费口径与保单数据不一致，请核对后重新报送。"})
				return err
			})
		case x <= 1:
			l.add(review, func(ctx context.Context) error {
				_, err := s.ReturnReport(anbao.WithPrincipal(ctx, regP), l.reports[i][k], ReportReviewInput{Comment: "请补充服务开展情况和下一步计划。"})
				return err
			})
			again := review.AddDate(0, 0, 3)
			l.add(again, func(ctx context.Context) error { return fill(ctx, progress+"已按要求补充服务开展情况。") })
			l.add(again.AddDate(0, 0, 2), func(ctx context.Context) error {
				_, err := s.AcknowledgeReport(anbao.WithPrincipal(ctx, regP), l.reports[i][k], ReportReviewInput{Comment: "已收悉，补充内容符合要求。"})
				return err
			})
		case x <= 17:
			l.add(review, func(ctx context.Context) error {
				_, err := s.AcknowledgeReport(anbao.WithPrincipal(ctx, regP), l.reports[i][k], ReportReviewInput{Comment: "已收悉。"})
				return err
			})
		}
	}
	if terminated.IsZero() && end.Before(l.now) {
		l.add(at(end.AddDate(0, 0, anbao.FinalReportDueDays+5), 11), func(ctx context.Context) error {
			_, err := s.SetProjectStatus(anbao.WithPrincipal(ctx, registrant.principal()), l.project[i],
				ProjectStatusInput{Status: anbao.ProjectCompleted, Note: "试点任务完成，通过总结验收。"})
			return err
		})
	}
}

func regionName(jur string) string {
	if j, ok := refdata.JurisdictionByCode(jur); ok {
		return j.Name("zh-CN")
	}
	return jur
}

// dpCase is one demo case's text.
type dpCase struct {
	kind                                                 anbao.CaseKind
	title, background, risk, services, incident, outcome string
	lessons                                              string
}

var dpCases = []dpCase{
	{anbao.CaseTypical, "制造企业遭勒索软件攻击后48小时恢复生产", "某汽车零部件制造企业，生产管理系统和设计图纸服务器集中部署。",
		"勒索软件经远程桌面弱口令入侵，加密生产管理系统，停产风险高。", "投保网络安全财产险，附带应急响应、数据恢复服务；联合体安全企业提供7×24小时监测。",
		"出险后2小时内远程响应，24小时内现场取证；保险公司启动快速理赔，5个工作日内预付赔款。", "48小时内恢复生产，营业中断损失得到补偿。", "离线备份、远程访问多因素认证和应急预案演练是关键。"},
	{anbao.CaseGoodPractice, "园区保：工业园区中小企业普惠式网络安全保险", "某省级工业园区入驻中小企业300余家，安全投入普遍不足。",
		"中小企业缺乏专业安全团队，网络攻击导致业务中断和数据泄露风险突出。", "园区统一投保，保险+服务覆盖风险评估、漏洞扫描、安全培训和应急响应。",
		"", "一年内覆盖企业210家，高危漏洞整改率达到92%。", "园区统筹、财政补贴、服务前置，能有效降低中小企业投保门槛。"},
	{anbao.CaseTypical, "电商平台数据泄露事件的责任险赔付", "某电商平台企业存储大量个人信息。",
		"第三方外包接口配置错误导致用户信息泄露。", "投保网络安全责任险，含数据泄露责任和事件响应费用。",
		"事件发生后按《国家网络安全事件报告管理办法》报告；保险公司承担通知用户、法律咨询等费用。", "用户投诉得到及时处置，企业完成整改。", "外包方安全管理应纳入承保前评估。"},
	{anbao.CaseGoodPractice, "承保前风险评估与保费差异化定价联动", "联合体以安全评估结果作为核保依据。",
		"传统核保缺乏对企业网络安全水平的量化评估。", "投保前由测评机构开展评估，评分直接映射到费率因子。",
		"", "评估后企业平均整改高危问题5项，优质企业保费下降15%。", "评估结果结构化、可复核，是差异化定价的基础。"},
	{anbao.CaseGoodPractice, "产品服务类保险为国产终端安全产品增信", "某终端安全厂商联合保险公司推出产品责任保险。",
		"用户担心安全产品失效导致损失无人承担。", "产品随附保险，产品失效导致的事件处置和修复费用由保险赔付。",
		"", "产品中标率明显提升，带动中小企业采购。", "产品与保险捆绑，需要明确失效认定标准。"},
	{anbao.CaseTypical, "DDoS攻击导致营业中断的快速理赔", "某在线教育企业业务高度依赖互联网访问。",
		"大流量DDoS攻击造成平台中断6小时。", "投保营业中断险并附带抗DDoS服务。",
		"服务商10分钟内完成流量清洗；保险公司按逐日损失核定赔款。", "赔款在15个工作日内到账。", "等待期和逐日损失的约定要清晰。"},
	{anbao.CaseGoodPractice, "地方主管部门保费补贴政策推动试点落地", "某市工信局出台网络安全保险保费补贴政策。",
		"企业对网络安全保险认识不足，投保率低。", "对参保中小企业按保费的30%给予补贴，并组织宣讲。",
		"", "政策实施一年内参保企业数量增长3倍。", "补贴政策与服务质量考核挂钩。"},
	{anbao.CaseTypical, "供应链攻击事件中的电子证据保全与定损", "某软件企业遭供应链投毒攻击。",
		"第三方组件被植入后门，影响下游客户。", "保险+服务含司法鉴定机构参与的取证定损。",
		"电子证据按链式保管记录，定损结论被各方认可。", "理赔争议显著减少。", "取证定损应在事件初期介入。"},
	{anbao.CaseGoodPractice, "保险+服务联合体的分工协作机制", "联合体由保险公司、安全企业、测评机构和电信运营商组成。",
		"各方服务标准不一、衔接不畅。", "建立统一服务目录、响应时限和结算机制。", "", "服务响应时间缩短40%。", "明确牵头单位和服务SLA是联合体运作的关键。"},
	{anbao.CaseTypical, "工业控制系统安全事件应急处置", "某化工企业工控网络与办公网络未有效隔离。",
		"恶意代码从办公网扩散至工控主机。", "投保网络安全财产险，联合体提供工控安全应急服务。",
		"现场隔离处置，未造成生产安全事故；保险赔付应急响应费用。", "恢复后完成网络分区改造。", "工控环境需要专门的应急能力储备。"},
	{anbao.CaseGoodPractice, "中小企业网络安全保险线上化投保与服务", "面向量大面广的小微企业。", "单笔保费低、服务成本高。",
		"线上问卷评估、标准化产品和远程服务包。", "", "单户服务成本下降60%。", "标准化和线上化是普惠的前提。"},
	{anbao.CaseTypical, "钓鱼邮件导致资金损失的理赔争议处理", "某外贸企业财务人员被钓鱼邮件诱导转账。",
		"社会工程学攻击造成资金损失。", "保单含社会工程欺诈扩展条款。", "理赔中就免赔额和条款适用产生争议，经调解达成一致。", "争议得到化解。", "条款表述需通俗清晰。"},
}

func (l *dpLoader) planCases() {
	s, r := l.s, l.r
	var op, nat *dpOrg
	for _, id := range sortedKeys(l.orgs) {
		o := l.orgs[id]
		if o.kind == anbao.KindOperator && op == nil {
			op = o
		}
		if o.kind == anbao.KindRegulator && o.jur == "" && nat == nil {
			nat = o
		}
	}
	// Published: 7; selected awaiting publication: 1; submitted: 2; rejected: 1; drafts: 1.
	fates := []string{"pub", "pub", "pub", "pub", "pub", "pub", "pub", "sel", "sub", "sub", "rej", "draft"}
	base := time.Date(2025, 3, 1, 2, 0, 0, 0, time.UTC)
	for k, c := range dpCases {
		k, c, fate := k, c, fates[k%len(fates)]
		pi := (k*5 + 1) % DemoProjects
		at := base.Add(time.Duration(k*19+r.IntN(10)) * 24 * time.Hour)
		var sub *anbao.Principal
		var id int64
		l.add(at, func(ctx context.Context) error {
			// The submitter: the project's registrant.
			var org int64
			if err := s.read.QueryRowContext(ctx, "SELECT registrant_org_id FROM pilot_projects WHERE id = $1", l.project[pi]).Scan(&org); err != nil {
				return err
			}
			sub = l.orgs[org].principal()
			in := CaseInput{Kind: c.kind, Title: c.title, ProjectID: l.project[pi], Background: c.background, Risk: c.risk,
				InsuranceServices: c.services, IncidentClaim: c.incident, Outcome: c.outcome, Lessons: c.lessons}
			cs, err := s.CreateCase(anbao.WithPrincipal(ctx, sub), in)
			if err == nil {
				id = cs.ID
			}
			return err
		})
		if fate == "draft" {
			continue
		}
		l.add(at.Add(48*time.Hour), func(ctx context.Context) error {
			_, err := s.SubmitCase(anbao.WithPrincipal(ctx, sub), id, 0)
			return err
		})
		if fate == "sub" || op == nil || nat == nil {
			continue
		}
		opP := op.principal()
		l.add(at.Add(10*24*time.Hour), func(ctx context.Context) error {
			in := CaseReviewInput{Decision: anbao.CaseDecisionSelect, Comment: "做法具有可复制性，建议入选。"}
			if fate == "rej" {
				in = CaseReviewInput{Decision: anbao.CaseDecisionReject, Comment: "材料不完整，成效数据缺少佐证。"}
			}
			_, err := s.ReviewCase(anbao.WithPrincipal(ctx, opP), id, in)
			return err
		})
		if fate == "pub" {
			l.add(at.Add(20*24*time.Hour), func(ctx context.Context) error {
				_, err := s.PublishCase(anbao.WithPrincipal(ctx, nat.principal()), id, 0)
				return err
			})
		}
	}
}
