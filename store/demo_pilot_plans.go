package store

import (
	"context"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"sort"
	"time"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/uscc"
)

// Demo pilot batches, service plans, their review and the catalogue
// (issue #7), on a loaded demo pilot (LoadDemo; the underwriting and
// incident demos may or may not be loaded). Like LoadDemoIncidents it goes
// through the store's own operations, as the users who would take each
// step, with the store's clock set to each step's instant:
//
//   - Batch 1 (notice 2023-12-21, MIIT alone): open from 2023-12-21 to
//     2024-02-29; 64 plans submitted by consortia of the 6 insurers and 8
//     providers of the demo with 20 more service institutions registered
//     here (reinsurers, intermediaries, insurtechs, telecom operators,
//     testing bodies, forensic institutions, security firms: 34 service
//     institutions in all) and 21 industry enterprises as joint applicants;
//     two withdrawn; local recommendations by the regulators of the leads'
//     jurisdictions; three reviews per plan by six experts (op.expert and
//     op.expert2…op.expert6, created here), with recorded affiliations so
//     that conflicts of interest exist and were avoided, one recusal; 49
//     plans selected and published as catalogue version 1 in May 2024; the
//     batch stands published.
//   - Batch 2 (notice 2025-11-07, MIIT and NFRA): open until 2026-12-31 (or 30
//     days after the load, if that is later), with drafts, submitted plans, local
//     recommendations and plans under review.
//
// The same database and seed give the same data. Nothing else may use the
// store meanwhile: load before serving.

// DemoPlanReport counts what LoadDemoPlans wrote.
type DemoPlanReport struct {
	Batches      int `json:"batches"`
	Plans        int `json:"plans"`
	Institutions int `json:"institutions"` // service institutions registered here
	Reviews      int `json:"reviews"`
	Entries      int `json:"entries"`
}

// dplInstitution is a service institution the demo registers.
type dplInstitution struct {
	slug, zh, en string
	kind         anbao.OrgKind
	role         anbao.PartnerRole
	auth, cat    byte
	div          string
}

// The extra service institutions of the first batch. The names are made up.
var dplInstitutions = []dplInstitution{
	{"re1", "瀚海再保险股份有限公司", "Hanhai Reinsurance Co., Ltd.", anbao.KindInsurer, anbao.PartnerReinsurer, '9', '1', "310115"},
	{"re2", "中衡再保险（示例）有限公司", "Zhongheng Reinsurance (Demo) Co., Ltd.", anbao.KindInsurer, anbao.PartnerReinsurer, '9', '1', "110102"},
	{"bk1", "信达远保险经纪有限公司", "Xindayuan Insurance Brokers Co., Ltd.", anbao.KindInsurer, anbao.PartnerIntermediary, '9', '1', "110105"},
	{"bk2", "沪安保险经纪股份有限公司", "Hu'an Insurance Brokers Co., Ltd.", anbao.KindInsurer, anbao.PartnerIntermediary, '9', '1', "310104"},
	{"it1", "数保云保险科技有限公司", "Shubaoyun Insurtech Co., Ltd.", anbao.KindInsurer, anbao.PartnerInsurtech, '9', '1', "330106"},
	{"it2", "深圳量衡风险科技有限公司", "Shenzhen Liangheng Risk Technology Co., Ltd.", anbao.KindProvider, anbao.PartnerInsurtech, '9', '1', "440305"},
	{"tc1", "华联通信股份有限公司网络安全事业部", "Hualian Telecom Co., Ltd. Cybersecurity Division", anbao.KindProvider, anbao.PartnerTelecom, '9', '1', "110102"},
	{"tc2", "东昇移动通信集团安全科技有限公司", "Dongsheng Mobile Security Technology Co., Ltd.", anbao.KindProvider, anbao.PartnerTelecom, '9', '1', "110108"},
	{"tc3", "川信云网科技有限公司", "Chuanxin Cloud Network Technology Co., Ltd.", anbao.KindProvider, anbao.PartnerTelecom, '9', '1', "510107"},
	{"ts1", "华东网安测评中心（示例）", "East China Cybersecurity Testing Center (Demo)", anbao.KindProvider, anbao.PartnerTesting, '1', '2', "320100"},
	{"ts2", "北方信息安全测评技术中心（示例）", "North China Information Security Testing Center (Demo)", anbao.KindProvider, anbao.PartnerTesting, '1', '2', "110108"},
	{"ts3", "岭南网络安全检测有限公司", "Lingnan Cybersecurity Inspection Co., Ltd.", anbao.KindProvider, anbao.PartnerTesting, '9', '1', "440106"},
	{"ts4", "西部工控安全测评实验室（示例）", "West China ICS Security Testing Lab (Demo)", anbao.KindProvider, anbao.PartnerTesting, '1', '2', "510107"},
	{"fs1", "京衡电子数据司法鉴定中心", "Jingheng Electronic Data Forensic Center", anbao.KindProvider, anbao.PartnerForensic, '3', '4', "110105"},
	{"fs2", "浙辰司法鉴定所", "Zhechen Forensic Institute", anbao.KindProvider, anbao.PartnerForensic, '3', '4', "330106"},
	{"sc1", "苏州墨盾信息技术有限公司", "Suzhou Modun Information Technology Co., Ltd.", anbao.KindProvider, anbao.PartnerSecurity, '9', '1', "320100"},
	{"sc2", "武汉云堤网络安全有限公司", "Wuhan Yundi Cybersecurity Co., Ltd.", anbao.KindProvider, anbao.PartnerSecurity, '9', '1', "420100"},
	{"sc3", "青岛海屏数据安全技术有限公司", "Qingdao Haiping Data Security Technology Co., Ltd.", anbao.KindProvider, anbao.PartnerSecurity, '9', '1', "370200"},
	{"sc4", "西安秦盾信息安全股份有限公司", "Xi'an Qindun Information Security Co., Ltd.", anbao.KindProvider, anbao.PartnerSecurity, '9', '1', "610100"},
	{"sc5", "合肥量安终端安全科技有限公司", "Hefei Liang'an Endpoint Security Technology Co., Ltd.", anbao.KindProvider, anbao.PartnerSecurity, '9', '1', "340100"},
}

// dplTheme is a plan theme: a title, industries, subject types, product type, coverages and services.
type dplTheme struct {
	title      string
	industries []string
	subjects   []anbao.SubjectType
	product    anbao.PilotProductType
	cover      []string
	before     []string
	during     []string
	after      []string
	pricing    string
}

var dplThemes = []dplTheme{
	{"电信和互联网企业网络安全综合保险服务方案", []string{"I"}, []anbao.SubjectType{"key"}, "enterprise",
		[]string{"business_interruption", "data_restoration", "emergency_response", "data_leak", "incident_liability"},
		[]string{"网络安全风险评估", "等级保护差距分析"}, []string{"7×24 小时安全监测", "威胁情报预警"}, []string{"应急响应与处置", "损失评估与理赔协助"},
		"基础费率×等级保护级别系数×风险评估得分系数"},
	{"云网融合数据中心网络安全保险+监测服务方案", []string{"I"}, []anbao.SubjectType{"key", "sme"}, "enterprise",
		[]string{"direct_loss", "business_interruption", "hardware_improvement", "emergency_response"},
		[]string{"数据中心资产梳理", "安全基线加固"}, []string{"流量异常监测", "DDoS 流量清洗"}, []string{"应急响应与处置", "复盘与整改建议"},
		"按机柜规模与防护等级分档定价"},
	{"工业互联网平台企业网络安全保险服务方案", []string{"C", "I"}, []anbao.SubjectType{"key"}, "enterprise",
		[]string{"business_interruption", "data_restoration", "emergency_response", "outsourcer_liability"},
		[]string{"工控系统安全评估", "渗透测试"}, []string{"工控流量监测", "漏洞预警"}, []string{"生产系统恢复支持", "电子数据取证"},
		"基于风险量化模型的期望损失加成定价"},
	{"制造业工控系统网络安全综合保险方案", []string{"C"}, []anbao.SubjectType{"key", "sme"}, "enterprise",
		[]string{"direct_loss", "business_interruption", "hardware_improvement", "emergency_response"},
		[]string{"工控资产识别", "安全基线加固"}, []string{"工控异常行为检测"}, []string{"应急处置", "损失评估与理赔协助"},
		"基础费率×行业系数×工控暴露面系数"},
	{"专精特新中小企业网络安全保险+托管服务方案", []string{"C", "I"}, []anbao.SubjectType{"sme"}, "enterprise",
		[]string{"data_restoration", "emergency_response", "pr_legal", "data_leak"},
		[]string{"在线安全自评估", "员工安全意识培训"}, []string{"托管检测与响应（MDR）"}, []string{"远程应急响应", "数据恢复"},
		"按员工人数分档的普惠费率"},
	{"车联网企业网络安全保险服务方案", []string{"C", "I"}, []anbao.SubjectType{"key"}, "enterprise",
		[]string{"business_interruption", "data_leak", "incident_liability", "product_professional"},
		[]string{"车联网平台渗透测试", "车载终端安全检测"}, []string{"车联网安全态势监测"}, []string{"应急响应与处置", "电子数据取证与司法鉴定"},
		"按联网车辆规模与平台等级保护级别定价"},
	{"数据安全责任保险+合规评估服务方案", []string{"I"}, []anbao.SubjectType{"key", "sme"}, "enterprise",
		[]string{"data_leak", "pr_legal", "emergency_response", "media_infringement"},
		[]string{"数据资产梳理", "个人信息保护合规评估"}, []string{"数据泄露监测"}, []string{"事件通报支持", "法律与公关协助"},
		"按数据规模与敏感级别分档定价"},
	{"中小互联网企业普惠网络安全保险方案", []string{"I"}, []anbao.SubjectType{"sme"}, "enterprise",
		[]string{"data_restoration", "emergency_response", "data_leak"},
		[]string{"网站安全体检"}, []string{"网页篡改监测"}, []string{"远程应急响应"},
		"统一普惠费率，按营业收入分三档"},
	{"抗DDoS服务产品责任保险方案", []string{"I"}, []anbao.SubjectType{"key", "sme"}, "product_service",
		[]string{"business_interruption", "product_professional"},
		[]string{"防护策略评估"}, []string{"DDoS 流量清洗", "攻击态势通报"}, []string{"防护失效损失核定"},
		"保费随防护服务订阅费按带宽分档打包"},
	{"勒索软件防护产品保险方案", []string{"C", "I"}, []anbao.SubjectType{"sme"}, "product_service",
		[]string{"data_restoration", "business_interruption", "product_professional"},
		[]string{"备份策略检查"}, []string{"勒索软件行为检测"}, []string{"数据恢复", "勒索事件取证"},
		"按终端数量计费，保费随安全产品订阅费打包"},
	{"终端安全产品增信保险方案", []string{"C", "I"}, []anbao.SubjectType{"sme", "key"}, "product_service",
		[]string{"data_restoration", "emergency_response", "product_professional"},
		[]string{"终端安全基线检查"}, []string{"终端威胁检测与响应（EDR）"}, []string{"应急处置", "损失核定"},
		"按终端数量与产品版本分档定价"},
	{"安全托管云服务责任保险方案", []string{"I"}, []anbao.SubjectType{"sme"}, "product_service",
		[]string{"business_interruption", "data_leak", "product_professional"},
		[]string{"云上资产安全评估"}, []string{"安全托管运营（MSS）"}, []string{"云上事件响应", "损失评估与理赔协助"},
		"按云资源规模与托管服务等级定价"},
	{"Web应用防火墙产品服务保险方案", []string{"I"}, []anbao.SubjectType{"sme"}, "product_service",
		[]string{"data_leak", "product_professional", "emergency_response"},
		[]string{"Web 应用漏洞扫描"}, []string{"Web 攻击拦截与告警"}, []string{"网页篡改恢复"},
		"按防护域名数量分档定价"},
	{"金融机构网络与数据安全保险服务方案", []string{"J"}, []anbao.SubjectType{"key"}, "enterprise",
		[]string{"business_interruption", "data_leak", "incident_liability", "pr_legal"},
		[]string{"金融信息系统风险评估（GB/T 42926）"}, []string{"交易系统异常监测"}, []string{"应急响应与处置", "监管报告支持"},
		"基础费率×机构类型系数×风险评估得分系数"},
	{"园区保：产业园区网络安全统保服务方案", []string{"C", "I"}, []anbao.SubjectType{"park", "sme"}, "enterprise",
		[]string{"data_restoration", "emergency_response", "business_interruption"},
		[]string{"园区企业批量安全体检"}, []string{"园区统一安全监测"}, []string{"园区应急响应队伍驻场处置"},
		"园区统保，按入驻企业数量计费"},
}

// dplBody derives a seed-independent organisation-code body from a slug.
func dplBody(slug string, company bool) string {
	h := fnv.New64a()
	h.Write([]byte("anbao-demo-pilot/" + slug))
	x := h.Sum64()
	b := make([]byte, 8)
	if company {
		b[0], b[1] = 'M', 'A'
		for i := 2; i < 8; i++ {
			b[i] = uscc.Charset[x%uint64(len(uscc.Charset))]
			x /= uint64(len(uscc.Charset))
		}
		return string(b)
	}
	for i := range b {
		b[i] = byte('0' + x%10)
		x /= 10
	}
	return string(b)
}

// dplOrg is a service institution of the demo with its role and, if it has demo users, its admin.
type dplOrg struct {
	id    int64
	name  string
	kind  anbao.OrgKind
	jur   string
	role  anbao.PartnerRole
	admin *anbao.Principal
}

type dplLoader struct {
	s       *Store
	ctx     context.Context
	r       *rand.Rand
	now     time.Time
	leads   []*dplOrg // insurers and providers with demo users
	extra   []*dplOrg // institutions registered here
	ents    []int64   // enterprises joining as applicants
	regs    map[string]*anbao.Principal
	op      *anbao.Principal
	experts []*anbao.Principal
	rep     *DemoPlanReport
}

// at sets the store's clock.
func (l *dplLoader) at(t time.Time) { l.s.Now = func() time.Time { return t } }

func (l *dplLoader) as(p *anbao.Principal) context.Context {
	return anbao.WithPrincipal(withoutReadBack(l.ctx), p)
}

// LoadDemoPlans adds the demo batches, plans, reviews and catalogue (see
// above), deterministically from seed. It refuses a database that already
// holds batches.
func (s *Store) LoadDemoPlans(ctx context.Context, seed uint64) error {
	_, err := s.loadDemoPlans(ctx, seed)
	return err
}

// LoadDemoPlansReport is LoadDemoPlans returning what it wrote.
func (s *Store) LoadDemoPlansReport(ctx context.Context, seed uint64) (*DemoPlanReport, error) {
	return s.loadDemoPlans(ctx, seed)
}

func (s *Store) loadDemoPlans(ctx context.Context, seed uint64) (*DemoPlanReport, error) {
	p := anbao.PrincipalFrom(ctx)
	if p == nil || !p.System {
		return nil, anbao.Errorf(anbao.EFORBIDDEN, "error.forbidden")
	}
	var n int
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM pilot_batches").Scan(&n); err != nil {
		return nil, err
	}
	if n > 0 {
		return nil, anbao.Errorf(anbao.ECONFLICT, "demo.not_empty")
	}
	clock := s.Now
	defer func() { s.Now = clock }()
	l := &dplLoader{s: s, ctx: ctx, now: clock().UTC(), r: rand.New(rand.NewPCG(seed, 0x70696c6f74706c6e)), // "pilotpln"
		regs: map[string]*anbao.Principal{}, rep: &DemoPlanReport{}}
	if err := l.read(); err != nil {
		return nil, fmt.Errorf("demo plans: %w", err)
	}
	if err := l.register(); err != nil {
		return nil, fmt.Errorf("demo plans: institutions: %w", err)
	}
	if err := l.batch1(); err != nil {
		return nil, fmt.Errorf("demo plans: batch 1: %w", err)
	}
	if err := l.batch2(); err != nil {
		return nil, fmt.Errorf("demo plans: batch 2: %w", err)
	}
	s.Now = clock
	if s.engine == Postgres {
		_, err := s.write.ExecContext(ctx, "ANALYZE pilot_batches, service_plans, plan_partners, plan_recommendations, review_assignments, "+
			"catalogue_versions, catalogue_entries, plan_events, expert_affiliations")
		return l.rep, err
	}
	return l.rep, nil
}

// read finds the demo's leads, enterprises, regulators and the operator.
func (l *dplLoader) read() error {
	s, ctx := l.s, l.ctx
	load := func(username string) (*anbao.Principal, error) {
		r, err := s.loadAuth(ctx, s.read, "u.username = $1", username)
		if err != nil {
			return nil, fmt.Errorf("user %s: %w", username, err)
		}
		return r.principal(), nil
	}
	var err error
	if l.op, err = load("op.admin"); err != nil {
		return err
	}
	ex, err := load("op.expert")
	if err != nil {
		return err
	}
	l.experts = append(l.experts, ex)
	for _, u := range []string{"ins1", "ins2", "ins3", "ins4", "ins5", "ins6", "prov1", "prov2", "prov3", "prov4", "prov5", "prov6", "prov7", "prov8"} {
		p, err := load(u + ".admin")
		if err != nil {
			return err
		}
		o := &dplOrg{id: p.OrgID, kind: p.OrgKind, jur: p.Jurisdiction, admin: p}
		if err := s.read.QueryRowContext(ctx, "SELECT name_zh FROM organisations WHERE id = $1", p.OrgID).Scan(&o.name); err != nil {
			return err
		}
		o.role = anbao.PartnerInsurer
		if p.OrgKind == anbao.KindProvider {
			o.role = anbao.PartnerSecurity
			switch u {
			case "prov4":
				o.role = anbao.PartnerTelecom
			case "prov5":
				o.role = anbao.PartnerTesting
			case "prov6":
				o.role = anbao.PartnerForensic
			}
		}
		l.leads = append(l.leads, o)
	}
	err = eachRow(ctx, s.read, `SELECT o.id FROM organisations o WHERE o.kind = 'enterprise' AND o.status = 'active' ORDER BY o.id LIMIT 21`,
		nil, func(sc scanner) error {
			var id int64
			if err := sc.Scan(&id); err != nil {
				return err
			}
			l.ents = append(l.ents, id)
			return nil
		})
	return err
}

// register adds the extra institutions and the experts, in December 2023.
func (l *dplLoader) register() error {
	s := l.s
	l.at(time.Date(2023, 12, 1, 2, 0, 0, 0, time.UTC))
	sys := anbao.WithPrincipal(l.ctx, anbao.SystemPrincipal("demo"))
	for _, in := range dplInstitutions {
		code, err := uscc.Make(in.auth, in.cat, in.div, dplBody(in.slug, in.auth == '9'))
		if err != nil {
			return err
		}
		o, err := s.CreateOrganisation(sys, &anbao.Organisation{Kind: in.kind, USCC: code, NameZH: in.zh, NameEN: in.en}, "")
		if err != nil {
			return fmt.Errorf("%s: %w", in.slug, err)
		}
		l.extra = append(l.extra, &dplOrg{id: o.ID, name: o.NameZH, kind: in.kind, jur: o.Jurisdiction, role: in.role})
		l.rep.Institutions++
	}
	// The experts: op.expert2…op.expert6 with op.expert's password.
	var hash string
	if err := s.read.QueryRowContext(l.ctx, "SELECT password_hash FROM users WHERE id = $1", l.experts[0].UserID).Scan(&hash); err != nil {
		return err
	}
	names := []string{"", "", "王立衡", "陈思远", "刘晓岚", "赵一鸣", "孙维清"}
	for i := 2; i <= 6; i++ {
		u := &anbao.User{OrgID: l.op.OrgID, Username: fmt.Sprintf("op.expert%d", i), DisplayName: names[i] + "（评审专家）",
			Email: fmt.Sprintf("expert%d@demo.anbao.example", i), Roles: []anbao.Role{anbao.RoleReviewer}, Locale: "zh-CN"}
		err := s.inTx(sys, func(t *tx) error {
			if err := t.insertUser(u, hash); err != nil {
				return err
			}
			return t.audit(auditChange{"user.create", "user", u.ID, u.OrgID, nil, u})
		})
		if err != nil {
			return err
		}
		l.experts = append(l.experts, &anbao.Principal{UserID: u.ID, Username: u.Username, OrgID: u.OrgID, OrgKind: anbao.KindOperator,
			Roles: u.Roles})
	}
	return nil
}

// regulator returns the local regulator administrator of a jurisdiction.
func (l *dplLoader) regulator(jur string) (*anbao.Principal, error) {
	if p, ok := l.regs[jur]; ok {
		return p, nil
	}
	r, err := l.s.loadAuth(l.ctx, l.s.read, "u.username = $1", "reg"+jur+".admin")
	if err != nil {
		return nil, fmt.Errorf("regulator of %s: %w", jur, err)
	}
	l.regs[jur] = r.principal()
	return l.regs[jur], nil
}

// dplPlan is a plan the loader plans.
type dplPlan struct {
	lead      *dplOrg
	theme     dplTheme
	partners  []PartnerInput
	quality   int  // the experts' mean, about
	good      bool // to be selected
	recommend bool
	id        int64
	version   int
}

func (l *dplLoader) batchInput(code, zh, en, desc string, issuers []string, notice string, inds []string, subj []anbao.SubjectType,
	opens, closes time.Time) BatchInput {
	return BatchInput{Code: code, NameZH: zh, NameEN: en, Description: desc, Issuers: issuers, NoticeDate: notice, Industries: inds,
		SubjectTypes: subj, ProductTypes: []anbao.PilotProductType{anbao.PilotEnterprise, anbao.PilotProductService},
		OpensAt: anbao.FormatTime(opens), ClosesAt: anbao.FormatTime(closes)}
}

// plans builds n plans with the leads in turn and partners taken round-robin from pool.
func (l *dplLoader) plans(n int, themes []dplTheme, pool []*dplOrg) []*dplPlan {
	var out []*dplPlan
	next := 0
	ent := 0
	used := map[string]bool{}
	for i := range n {
		lead := l.leads[i%len(l.leads)]
		var th dplTheme
		for k := 0; ; k++ {
			th = themes[(i*7+k+l.r.IntN(3))%len(themes)]
			if !used[lead.name+th.title] || k > len(themes) {
				break
			}
		}
		used[lead.name+th.title] = true
		pl := &dplPlan{lead: lead, theme: th}
		have := map[int64]bool{lead.id: true}
		insurer, service := lead.role.InsurerSide(), lead.role.ServiceSide()
		add := func(o *dplOrg) {
			if have[o.id] {
				return
			}
			have[o.id] = true
			pl.partners = append(pl.partners, PartnerInput{OrgID: o.id, Role: o.role})
			insurer = insurer || o.role.InsurerSide()
			service = service || o.role.ServiceSide()
		}
		// The counterpart a consortium must have: an insurer for a provider-led plan, a provider for an insurer-led one.
		for !insurer || !service {
			var o *dplOrg
			if !insurer {
				o = l.leads[l.r.IntN(6)] // an insurer of the demo
			} else {
				o = l.leads[6+l.r.IntN(8)] // a provider of the demo
			}
			add(o)
		}
		// One or two more institutions, in turn, so that every one takes part.
		for range 1 + l.r.IntN(2) {
			add(pool[next%len(pool)])
			next++
		}
		if len(l.ents) > 0 && i%3 == 0 {
			pl.partners = append(pl.partners, PartnerInput{OrgID: l.ents[ent%len(l.ents)], Role: anbao.PartnerEnterprise})
			ent++
		}
		out = append(out, pl)
	}
	return out
}

func (l *dplLoader) planInput(batch int64, pl *dplPlan, n int) PlanInput {
	th := pl.theme
	in := PlanInput{BatchID: batch, Title: fmt.Sprintf("%s·%s", dplShort(pl.lead.name), th.title), ProductType: th.product,
		Industries: slices.Clone(th.industries), SubjectTypes: slices.Clone(th.subjects), Pricing: th.pricing, LeadRole: pl.lead.role,
		Partners: pl.partners,
		Summary: fmt.Sprintf("以保险为核心、联合体成员分工协作的全流程网络安全风险管理方案：事前评估加固、事中监测预警、事后应急处置与理赔协助。%s",
			map[bool]string{true: "面向安全产品用户，为产品增信。", false: "面向重点行业企业。"}[th.product == anbao.PilotProductService]),
		Services: anbao.PlanServices{Before: slices.Clone(th.before), During: slices.Clone(th.during), After: slices.Clone(th.after)}}
	for k, c := range th.cover {
		in.Coverages = append(in.Coverages, anbao.PlanCoverage{Item: c, LimitFen: int64(50+50*((n+k)%6)) * 10_000_00})
	}
	if pl.lead.kind == anbao.KindInsurer {
		in.Registrations = []string{fmt.Sprintf("（%s）（备-网络安全险）[%d]%03d号", dplShort(pl.lead.name), 2023+n%2, 1+n)}
	}
	return in
}

// dplShort is the brand of a company name (its first four characters).
func dplShort(name string) string {
	r := []rune(name)
	if len(r) > 4 {
		r = r[:4]
	}
	return string(r)
}

// scores splits a target total over the rubric.
func (l *dplLoader) scores(rubric []anbao.RubricCriterion, target int) map[string]int {
	out := map[string]int{}
	for _, c := range rubric {
		v := (c.Max*target + 50) / 100
		v += l.r.IntN(3) - 1
		out[c.Key] = max(0, min(c.Max, v))
	}
	return out
}

// step is the instant of the i-th of n steps spread between from and to.
func dplStep(from, to time.Time, i, n int) time.Time {
	if n <= 1 {
		return from
	}
	return from.Add(time.Duration(int64(to.Sub(from)) / int64(n) * int64(i))).Truncate(time.Minute)
}

func (l *dplLoader) batch1() error {
	s := l.s
	op := l.as(l.op)
	miit := anbao.WithPrincipal(l.ctx, anbao.SystemPrincipal("demo"))
	if p, err := s.loadAuth(l.ctx, s.read, "u.username = $1", "miit.admin"); err == nil {
		miit = l.as(p.principal())
	}
	cst := anbao.Shanghai
	opens := time.Date(2023, 12, 21, 9, 0, 0, 0, cst)
	closes := time.Date(2024, 2, 29, 0, 0, 0, 0, cst)
	l.at(time.Date(2023, 12, 20, 10, 0, 0, 0, cst))
	b, err := s.CreateBatch(miit, l.batchInput("2023-B1", "网络安全保险服务试点（第一批）", "Cyber-Insurance Service Pilot, Batch 1",
		"工业和信息化部办公厅组织开展网络安全保险服务试点工作：面向电信和互联网、工业互联网、车联网等重点行业领域的企业类保险，以及网络安全产品、IT 产品和安全服务的产品服务类保险，征集网络安全保险服务方案，遴选形成典型服务方案目录。",
		[]string{"miit"}, "2023-12-21", []string{"C", "I"}, []anbao.SubjectType{anbao.SubjectKey, anbao.SubjectSME}, opens, closes.Add(-time.Second)))
	if err != nil {
		return err
	}
	l.rep.Batches++
	if b, err = s.SetBatchNotice(miit, b.ID, &EvidenceUpload{Filename: "工业和信息化部办公厅关于组织开展网络安全保险服务试点工作的通知（演示摘要）.txt",
		Data: []byte(dplNotice1)}); err != nil {
		return err
	}
	l.at(opens)
	if b, err = s.SetBatchStatus(miit, b.ID, BatchStatusInput{Status: anbao.BatchOpen, Version: b.Version}); err != nil {
		return err
	}
	// Affiliations: op.expert2 works for a testing body, op.expert4 advises an insurer; op.expert3 declares a tie himself.
	conflicts := map[int64][]int64{} // expert user → organisations
	addAff := func(ctx context.Context, e *anbao.Principal, org int64, rel, note string) error {
		if _, err := s.AddAffiliation(ctx, AffiliationInput{UserID: e.UserID, OrgID: org, Relation: rel, Note: note}); err != nil {
			return err
		}
		conflicts[e.UserID] = append(conflicts[e.UserID], org)
		return nil
	}
	l.at(opens.Add(24 * time.Hour))
	if err := addAff(op, l.experts[1], l.extra[9].id, "employment", "测评中心高级工程师"); err != nil {
		return err
	}
	if err := addAff(op, l.experts[3], l.leads[2].id, "advisory", "曾任该公司网络安全保险产品顾问"); err != nil {
		return err
	}
	if err := addAff(l.as(l.experts[2]), l.experts[2], l.leads[7].id, "shareholding", "持有少量股份"); err != nil {
		return err
	}

	// 66 plans: the pool rotation starts with the registered institutions,
	// so the first 49 (selected) hold every institution; 7 more are
	// recommended but weaker, 8 not recommended, the last 2 withdrawn.
	var themes []dplTheme
	for _, th := range dplThemes {
		if !slices.Contains(th.industries, "J") && !slices.Contains(th.subjects, anbao.SubjectPark) {
			themes = append(themes, th)
		}
	}
	pool := append(slices.Clone(l.extra), l.leads...)
	plans := l.plans(66, themes, pool)
	for i, pl := range plans {
		switch {
		case i < 49:
			pl.good, pl.recommend, pl.quality = true, true, 76+l.r.IntN(16)
		case i < 56:
			pl.recommend, pl.quality = true, 55+l.r.IntN(14)
		default:
			pl.quality = 50 + l.r.IntN(15)
		}
	}
	when := l.r.Perm(len(plans)) // the order of submission
	subFrom, subTo := opens.Add(10*24*time.Hour), closes.Add(-24*time.Hour)
	for i, pl := range plans {
		t := dplStep(subFrom, subTo, when[i], len(plans))
		l.at(t)
		lead := l.as(pl.lead.admin)
		created, err := s.CreatePlan(lead, l.planInput(b.ID, pl, i))
		if err != nil {
			return fmt.Errorf("plan %d: %w", i, err)
		}
		pl.id, pl.version = created.ID, 1
		l.at(t.Add(36 * time.Hour))
		if _, err := s.SubmitPlan(lead, pl.id, VersionInput{Version: 1}); err != nil {
			return fmt.Errorf("submit %d: %w", i, err)
		}
		pl.version = 2
		l.rep.Plans++
	}
	// Two withdrawn.
	for k, i := range []int{len(plans) - 1, len(plans) - 2} {
		pl := plans[i]
		l.at(closes.Add(-time.Duration(12+k) * time.Hour))
		if _, err := s.WithdrawPlan(l.as(pl.lead.admin), pl.id, VersionInput{Version: pl.version}); err != nil {
			return fmt.Errorf("withdraw: %w", err)
		}
	}
	live := plans[:len(plans)-2]
	l.at(closes.Add(2 * time.Hour))
	if b, err = s.GetBatch(op, b.ID); err != nil {
		return err
	}
	if b, err = s.SetBatchStatus(miit, b.ID, BatchStatusInput{Status: anbao.BatchReviewing, Version: b.Version}); err != nil {
		return err
	}
	// Local recommendations, by jurisdiction, best first.
	byJur := map[string][]*dplPlan{}
	var jurs []string
	for _, pl := range live {
		if _, ok := byJur[pl.lead.jur]; !ok {
			jurs = append(jurs, pl.lead.jur)
		}
		byJur[pl.lead.jur] = append(byJur[pl.lead.jur], pl)
	}
	recAt := time.Date(2024, 3, 4, 9, 0, 0, 0, cst)
	for ji, jur := range jurs {
		reg, err := l.regulator(jur)
		if err != nil {
			return err
		}
		list := byJur[jur]
		sort.SliceStable(list, func(i, j int) bool { return list[i].quality > list[j].quality })
		rank := 0
		for k, pl := range list {
			l.at(recAt.Add(time.Duration(ji)*24*time.Hour + time.Duration(k)*10*time.Minute))
			in := RecommendInput{Recommended: pl.recommend, Comment: "材料齐全，联合体分工清晰，建议推荐。"}
			if pl.recommend {
				rank++
				in.Rank = rank
			} else {
				in.Comment = "服务能力描述不够具体，本地区暂不推荐。"
			}
			if _, err := s.RecommendPlan(l.as(reg), pl.id, in); err != nil {
				return fmt.Errorf("recommend: %w", err)
			}
		}
	}
	// Expert review: three experts a plan, never one with a tie to a member.
	rubric := b.Rubric
	conflicted := func(e *anbao.Principal, pl *dplPlan) bool {
		for _, org := range conflicts[e.UserID] {
			if org == pl.lead.id || slices.ContainsFunc(pl.partners, func(x PartnerInput) bool { return x.OrgID == org }) {
				return true
			}
		}
		return false
	}
	revAt := time.Date(2024, 3, 18, 9, 0, 0, 0, cst)
	next := 0
	recused := false
	for i, pl := range live {
		var chosen []*anbao.Principal
		for k := 0; len(chosen) < 3 && k < 2*len(l.experts); k++ {
			e := l.experts[(next+k)%len(l.experts)]
			if !conflicted(e, pl) && !slices.Contains(chosen, e) {
				chosen = append(chosen, e)
			}
		}
		next++
		t := dplStep(revAt, revAt.Add(14*24*time.Hour), i, len(live))
		for k, e := range chosen {
			l.at(t.Add(time.Duration(k) * time.Minute))
			a, err := s.AssignReviewer(op, pl.id, AssignInput{ExpertID: e.UserID})
			if err != nil {
				return fmt.Errorf("assign: %w", err)
			}
			l.at(t.Add(time.Duration(3+k)*24*time.Hour + time.Hour))
			if !recused && k == 2 {
				// One expert recuses; the plan keeps two reviews.
				recused = true
				if _, err := s.RecuseReview(l.as(e), a.ID, RecuseInput{Reason: "曾参与该联合体成员单位的项目咨询，申请回避。", Version: 1}); err != nil {
					return fmt.Errorf("recuse: %w", err)
				}
				continue
			}
			if _, err := s.SubmitReview(l.as(e), a.ID, ReviewInput{Scores: l.scores(rubric, pl.quality+l.r.IntN(7)-3),
				Comment: "方案完整，保险与服务衔接较好。", Version: 1}); err != nil {
				return fmt.Errorf("review: %w", err)
			}
			l.rep.Reviews++
		}
	}
	// Decisions in April, the catalogue in May.
	decAt := time.Date(2024, 4, 15, 10, 0, 0, 0, cst)
	for i, pl := range live {
		l.at(decAt.Add(time.Duration(i) * 5 * time.Minute))
		d := DecisionInput{Decision: string(anbao.PlanSelected), Note: "综合评分较高，入选典型服务方案目录。", Version: 0}
		if !pl.good {
			d = DecisionInput{Decision: string(anbao.PlanRejected), Note: "综合评分未达入选线。"}
			if !pl.recommend {
				d.Note = "未获地方推荐。"
			}
		}
		var v int
		if err := s.read.QueryRowContext(l.ctx, "SELECT version FROM service_plans WHERE id = $1", pl.id).Scan(&v); err != nil {
			return err
		}
		d.Version = v
		if _, err := s.DecidePlan(op, pl.id, d); err != nil {
			return fmt.Errorf("decide: %w", err)
		}
	}
	l.at(time.Date(2024, 5, 20, 10, 0, 0, 0, cst))
	v, err := s.PublishCatalogue(op, b.ID, PublishInput{Note: "网络安全保险典型服务方案目录（第一批）"})
	if err != nil {
		return err
	}
	l.rep.Entries += v.Entries
	return nil
}

func (l *dplLoader) batch2() error {
	s := l.s
	op := l.as(l.op)
	nat := anbao.WithPrincipal(l.ctx, anbao.SystemPrincipal("demo"))
	if p, err := s.loadAuth(l.ctx, s.read, "u.username = $1", "nfra.admin"); err == nil {
		nat = l.as(p.principal())
	}
	cst := anbao.Shanghai
	created := time.Date(2025, 11, 7, 10, 0, 0, 0, cst)
	opens := time.Date(2025, 11, 20, 9, 0, 0, 0, cst)
	closes := time.Date(2026, 12, 31, 17, 0, 0, 0, cst)
	if min := l.now.Add(30 * 24 * time.Hour); closes.Before(min) {
		closes = min
	}
	last := l.now.Add(-time.Hour) // no step after the load's instant
	if last.Before(opens.Add(24 * time.Hour)) {
		last = opens.Add(24 * time.Hour)
	}
	l.at(created)
	b, err := s.CreateBatch(nat, l.batchInput("2025-B2", "网络安全保险服务试点（第二批）", "Cyber-Insurance Service Pilot, Batch 2",
		"工业和信息化部办公厅、国家金融监督管理总局办公厅联合组织开展第二批次网络安全保险服务试点：面向电信和互联网、工业、金融等重点行业，聚焦网络和数据安全；重点投保主体为重点企业、中小企业（含专精特新、普惠式保险）和产业园区（“园区保”）；产品服务类保险覆盖抗DDoS、抗勒索、终端防护、安全托管云服务等主流网络安全产品。",
		[]string{"miit", "nfra"}, "2025-11-07", []string{"C", "I", "J"}, []anbao.SubjectType{anbao.SubjectKey, anbao.SubjectSME, anbao.SubjectPark},
		opens, closes))
	if err != nil {
		return err
	}
	l.rep.Batches++
	if b, err = s.SetBatchNotice(nat, b.ID, &EvidenceUpload{Filename: "关于组织开展第二批次网络安全保险服务试点工作的通知（演示摘要）.txt",
		Data: []byte(dplNotice2)}); err != nil {
		return err
	}
	l.at(opens)
	if b, err = s.SetBatchStatus(nat, b.ID, BatchStatusInput{Status: anbao.BatchOpen, Version: b.Version}); err != nil {
		return err
	}
	themes := []dplTheme{dplThemes[13], dplThemes[14], dplThemes[8], dplThemes[9], dplThemes[10], dplThemes[11], dplThemes[2],
		dplThemes[4], dplThemes[6], dplThemes[5]}
	pool := append(slices.Clone(l.extra), l.leads...)
	l.r.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
	plans := l.plans(10, themes, pool)
	for i, pl := range plans {
		pl.theme = themes[i%len(themes)]
		t := dplStep(opens.Add(3*24*time.Hour), last, i, len(plans)+2)
		l.at(t)
		lead := l.as(pl.lead.admin)
		c, err := s.CreatePlan(lead, l.planInput(b.ID, pl, 100+i))
		if err != nil {
			return fmt.Errorf("plan %d: %w", i, err)
		}
		pl.id, pl.version = c.ID, 1
		l.rep.Plans++
		if i >= 7 { // drafts
			continue
		}
		l.at(t.Add(2 * time.Hour))
		if _, err := s.SubmitPlan(lead, pl.id, VersionInput{Version: 1}); err != nil {
			return fmt.Errorf("submit %d: %w", i, err)
		}
	}
	// Recommendations of the first four, then two under review.
	ranks := map[string]int{}
	for i, pl := range plans[:4] {
		reg, err := l.regulator(pl.lead.jur)
		if err != nil {
			return err
		}
		ranks[pl.lead.jur]++
		l.at(dplStep(opens.Add(10*24*time.Hour), last, i+6, 12).Add(3 * time.Hour))
		if _, err := s.RecommendPlan(l.as(reg), pl.id, RecommendInput{Recommended: true, Rank: ranks[pl.lead.jur],
			Comment: "符合本地区重点行业需求，推荐。"}); err != nil {
			return fmt.Errorf("recommend: %w", err)
		}
	}
	for i, pl := range plans[:2] {
		l.at(dplStep(opens.Add(10*24*time.Hour), last, i+8, 12).Add(5 * time.Hour))
		for k, e := range []*anbao.Principal{l.experts[4], l.experts[5]} {
			a, err := s.AssignReviewer(op, pl.id, AssignInput{ExpertID: e.UserID})
			if err != nil {
				return fmt.Errorf("assign: %w", err)
			}
			if i == 0 && k == 0 {
				if _, err := s.SubmitReview(l.as(e), a.ID, ReviewInput{Scores: l.scores(b.Rubric, 82), Comment: "园区统保模式有推广价值。",
					Version: 1}); err != nil {
					return fmt.Errorf("review: %w", err)
				}
				l.rep.Reviews++
			}
		}
	}
	return nil
}

const dplNotice1 = `工业和信息化部办公厅关于组织开展网络安全保险服务试点工作的通知（演示摘要，非官方文本）

一、试点目标：帮助企业提升网络安全风险管理能力；针对核保、承保、理赔等重点环节完善流程标准和要求；形成一批可复制可推广的网络安全保险解决方案。
二、试点险种：网络安全财产类保险（直接财产损失、营业中断损失、数据资产恢复费用、硬件改良费用、应急响应费用、公关及法律费用）；网络安全责任类保险（数据泄露责任、网络安全事故责任、媒体侵权责任、外包商相关责任、产品责任或技术服务职业责任）。
三、试点内容：面向电信和互联网、工业互联网、车联网等重点行业领域的企业类保险；面向网络安全产品、IT 产品和安全服务的产品服务类保险。
四、申报方式：网络安全保险服务机构组成联合体，在本平台提交服务方案；地方主管部门推荐；组织专家评审，遴选形成典型服务方案目录。
`

const dplNotice2 = `工业和信息化部办公厅 国家金融监督管理总局办公厅关于组织开展第二批次网络安全保险服务试点工作的通知（演示摘要，非官方文本）

一、重点行业：电信和互联网、工业、金融等行业，聚焦网络和数据安全。
二、重点投保主体：重点企业；中小企业（专精特新企业全流程风险管理，量大面广的中小微企业普惠式保险）；产业园区（“园区保”）。
三、产品服务类保险：抗DDoS、抗勒索、终端防护、安全托管云服务等主流网络安全产品，为网络安全产品增信。
四、申报主体：保险公司、再保险公司、保险中介机构、网络安全企业、基础电信运营商、保险科技公司、专业测评机构、司法鉴定机构等组成联合体申报。
`
