package assess

import (
	"slices"
	"strconv"
)

// Rule is one published rule of the methodology: which input it reads, how
// many points each value takes from its factor, and what to do about it.
// Every factor starts at 100; the rules' points are subtracted and the factor
// is floored at 0.
type Rule struct {
	ID       string        `json:"id"`
	Factor   string        `json:"factor"`
	Input    string        `json:"input"`             // question id, "findings" or "profile.<field>"
	Values   []ValuePoints `json:"values"`            // points lost per value; values not listed lose none
	Unknown  int           `json:"unknown,omitempty"` // points lost when unanswered; 0 = not scored
	Gate     string        `json:"gate,omitempty"`    // grade cap when failed (and when unanswered)
	GateOn   []string      `json:"gate_on,omitempty"` // the values that fail the gate
	Effort   int           `json:"effort"`            // effort of the remedy, 1–5; 0 = not remediable
	Control  string        `json:"control,omitempty"` // the quant control the remedy puts in place (quant.Controls)
	Evidence string        `json:"evidence"`          // source tags of platforms.md / china_pilot.md
	// Judgement says which part of the rule is Anbao's own judgement [A].
	Judgement string `json:"judgement,omitempty"`
	ReasonZH  string `json:"reason_zh"`
	ReasonEN  string `json:"reason_en"`
	RemedyZH  string `json:"remedy_zh,omitempty"`
	RemedyEN  string `json:"remedy_en,omitempty"`
	Applies   string `json:"applies,omitempty"` // when the rule is scored, if not always
}

// ValuePoints is the points a value of the rule's input takes.
type ValuePoints struct {
	Value  string `json:"value"`
	Points int    `json:"points"`
}

// points returns the points of value v.
func (r *Rule) points(v string) int {
	for _, p := range r.Values {
		if p.Value == v {
			return p.Points
		}
	}
	return 0
}

// worst is the largest points of any value.
func (r *Rule) worst() int {
	w := 0
	for _, p := range r.Values {
		w = max(w, p.Points)
	}
	return w
}

type ruleDef struct {
	Rule
	eval func(s *scorer, r *Rule)
}

// Rules returns the methodology's rules as data, for the methodology page.
// The finding rules carry this version's finding points.
func (m Methodology) Rules() []Rule {
	out := make([]Rule, 0, len(ruleTable))
	for _, d := range ruleTable {
		r := d.Rule
		r.Values = slices.Clone(r.Values)
		r.GateOn = slices.Clone(r.GateOn)
		if r.Input == "findings" {
			r.Values = findingValues(&m.Findings)
		}
		out = append(out, r)
	}
	return out
}

func findingValues(fp *FindingPoints) []ValuePoints {
	var v []ValuePoints
	for _, s := range severities {
		v = append(v, ValuePoints{s, fp.Severity[s]})
	}
	return append(v, ValuePoints{"+kev", fp.KEV}, ValuePoints{"+internet_facing", fp.InternetFacing},
		ValuePoints{"+epss", fp.EPSS})
}

// yes / no values of a yes-no question.
const (
	vYes     = "yes"
	vNo      = "no"
	vUnknown = "unknown"
)

func no(points int) []ValuePoints { return []ValuePoints{{vNo, points}} }

// boolRule is a yes-no question where "no" (or, with bad = true, "yes") loses points.
func boolRule(r Rule, fixYes bool) *ruleDef {
	return &ruleDef{Rule: r, eval: func(s *scorer, r *Rule) {
		v, known, src := s.boolQ(r.Input)
		val := vNo
		if v {
			val = vYes
		}
		s.valueHit(r, known, val, src, func(in *Input) { setBool(in, r.Input, fixYes) })
	}}
}

// choiceRule is a single-choice question; the fix sets fix.
func choiceRule(r Rule, fix string) *ruleDef {
	return &ruleDef{Rule: r, eval: func(s *scorer, r *Rule) {
		v, src := s.choiceQ(r.Input)
		s.valueHit(r, v != "", v, src, func(in *Input) { setChoice(in, r.Input, fix) })
	}}
}

// hoursRule scores a recovery objective in hours: above hi loses the most,
// above lo less; the fix sets lo.
func hoursRule(r Rule, lo, hi float64) *ruleDef {
	return &ruleDef{Rule: r, eval: func(s *scorer, r *Rule) {
		h, known, src := s.hoursQ(r.Input)
		val := "le" + ftoa(lo)
		switch {
		case h > hi:
			val = "gt" + ftoa(hi)
		case h > lo:
			val = "gt" + ftoa(lo)
		}
		s.valueHit(r, known, val, src, func(in *Input) { setNumber(in, r.Input, lo) })
	}}
}

func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// The rule table of score/2026.x. Points are Anbao's judgement [A] in their
// size; the ranking of rules and factors follows the cited evidence (the
// larger the documented effect, the more points). Evidence tags are those of
// ../shared/domain/platforms.md §10 ([Sn]) and china_pilot.md.
var ruleTable = []*ruleDef{
	// Identity & access.
	boolRule(Rule{ID: "ia.mfa_remote", Factor: FactorIdentity, Input: "mfa_remote", Values: no(35), Unknown: 35,
		Gate: "C", GateOn: []string{vNo, vUnknown}, Effort: EffortDays, Control: "mfa",
		Evidence:  "platforms.md §5.1 #11 (gate); Travelers v. ICS rescission [S107]; remote access behind 80–87% of ransomware (At-Bay [S21][S22])",
		Judgement: "points and the C cap",
		ReasonZH:  "远程访问（VPN/RDP/远程管理）未全部启用多因素认证", ReasonEN: "Remote access (VPN, RDP, remote admin) is not all behind MFA",
		RemedyZH: "为所有远程访问启用多因素认证", RemedyEN: "Enforce MFA on all remote access"}, true),
	boolRule(Rule{ID: "ia.mfa_email", Factor: FactorIdentity, Input: "mfa_email", Values: no(25), Unknown: 25,
		Gate: "C", GateOn: []string{vNo, vUnknown}, Effort: EffortDays, Control: "mfa",
		Evidence:  "platforms.md §5.1 #10 (gate); no MFA → non-renewal or retention +100% [S111][S119]; MFA would have stopped most phishing claims (Coalition [S10])",
		Judgement: "points and the C cap",
		ReasonZH:  "邮箱未全部启用多因素认证", ReasonEN: "Email is not all behind MFA",
		RemedyZH: "为所有邮箱账户启用多因素认证", RemedyEN: "Enforce MFA on all email accounts"}, true),
	boolRule(Rule{ID: "ia.mfa_privileged", Factor: FactorIdentity, Input: "mfa_privileged", Values: no(20), Unknown: 10,
		Effort: EffortDays, Control: "mfa",
		Evidence:  "platforms.md §5.1 #12; broad MFA (critical data, remote, admin) → 1.4× fewer incidents (Marsh [S110])",
		Judgement: "points",
		ReasonZH:  "特权/管理员账户未启用多因素认证", ReasonEN: "Privileged and admin accounts are not behind MFA",
		RemedyZH: "为管理员、云控制台和供应商访问启用多因素认证", RemedyEN: "Enforce MFA on admin accounts, cloud consoles and vendor access"}, true),
	boolRule(Rule{ID: "ia.pam", Factor: FactorIdentity, Input: "pam", Values: no(10), Unknown: 5,
		Effort:    EffortQuarter,
		Evidence:  "platforms.md §5.1 #24; PAM among Marsh's top-five controls [S109]",
		Judgement: "points",
		ReasonZH:  "未实施特权访问管理（PAM）", ReasonEN: "No privileged access management (PAM)",
		RemedyZH: "实施特权访问管理：集中保管、审批与审计管理员凭据", RemedyEN: "Put privileged credentials in a PAM vault with approval and audit"}, true),

	// Endpoint.
	choiceRule(Rule{ID: "ep.edr", Factor: FactorEndpoint, Input: "edr",
		Values: []ValuePoints{{"none", 45}, {"antivirus", 25}}, Unknown: 45,
		Gate: "C", GateOn: []string{"none", vUnknown}, Effort: EffortWeeks, Control: "edr",
		Evidence:  "platforms.md §5.1 #14 (gate/price); Marsh top-five control [S109]; EDR the biggest premium lever (brokers [S117])",
		Judgement: "points, antivirus at about half of none, and the C cap",
		ReasonZH:  "终端未部署 EDR/MDR", ReasonEN: "Endpoints lack EDR/MDR",
		RemedyZH: "在全部终端和服务器部署 EDR（或托管的 MDR）", RemedyEN: "Deploy EDR (or managed MDR) on all endpoints and servers"}, "edr"),
	boolRule(Rule{ID: "ep.hardening", Factor: FactorEndpoint, Input: "hardening_baseline", Values: no(20), Unknown: 10,
		Effort:    EffortQuarter,
		Evidence:  "platforms.md §5.1 #27; hardening → about 6× lower likelihood of a successful attack, the strongest control studied (Marsh [S110])",
		Judgement: "points",
		ReasonZH:  "未采用安全基线（CIS 类）加固", ReasonEN: "No hardening baseline (CIS-style)",
		RemedyZH: "按安全基线加固操作系统与中间件并定期核查", RemedyEN: "Apply and check a hardening baseline for systems and middleware"}, true),

	// Backup & recovery.
	{Rule: Rule{ID: "br.backup_frequency", Factor: FactorBackup, Input: "backup_frequency",
		Values: []ValuePoints{{"none", 70}, {"monthly", 15}, {"weekly", 5}}, Unknown: 70,
		Gate: "D", GateOn: []string{"none", vUnknown}, Effort: EffortWeeks, Control: "offline_backups",
		Evidence:  "platforms.md §5.1 #13 (gate/terms); Marsh top-five control [S109]; ransomware sublimit and coinsurance lever [S42]",
		Judgement: "points and the D cap; with no backups the offline and tested questions are skipped, so \"none\" carries their points",
		ReasonZH:  "备份频率不足或没有备份", ReasonEN: "Backups are missing or infrequent",
		RemedyZH: "建立每日备份，保留离线或不可变副本并定期恢复演练", RemedyEN: "Back up daily, keep an offline or immutable copy and test restores",
		Applies: "always; the fix of \"none\" is daily, offline and tested backups"},
		eval: func(s *scorer, r *Rule) {
			v, src := s.choiceQ(r.Input)
			s.valueHit(r, v != "", v, src, func(in *Input) {
				setChoice(in, r.Input, "daily")
				if v == "none" || v == "" {
					setBool(in, "backup_offline", true)
					setBool(in, "backup_tested", true)
				}
			})
		}},
	skipIfNoBackups(boolRule(Rule{ID: "br.backup_offline", Factor: FactorBackup, Input: "backup_offline", Values: no(25), Unknown: 13,
		Effort: EffortWeeks, Control: "offline_backups",
		Evidence:  "platforms.md §5.1 #13; Beazley minimum: backups offline or in a purpose-built cloud service [S50]",
		Judgement: "points",
		ReasonZH:  "没有离线、隔离或不可变的备份副本", ReasonEN: "No offline, air-gapped or immutable backup copy",
		RemedyZH: "保留离线或不可变备份副本，并使用独立凭据", RemedyEN: "Keep an offline or immutable copy under separate credentials",
		Applies: "backup_frequency is not none"}, true)),
	skipIfNoBackups(boolRule(Rule{ID: "br.backup_tested", Factor: FactorBackup, Input: "backup_tested", Values: no(15), Unknown: 8,
		Effort: EffortDays, Control: "offline_backups",
		Evidence:  "platforms.md §5.1 #13; Cowbell backupTypes: tested annually [S29]",
		Judgement: "points",
		ReasonZH:  "备份未做恢复演练", ReasonEN: "Backup restores are not tested",
		RemedyZH: "至少每年进行一次备份恢复演练", RemedyEN: "Test a restore at least once a year",
		Applies: "backup_frequency is not none"}, true)),
	hoursRule(Rule{ID: "br.rto", Factor: FactorBackup, Input: "rto_hours",
		Values: []ValuePoints{{"gt72", 10}, {"gt24", 5}}, Unknown: 5,
		Effort: EffortQuarter, Control: "business_continuity",
		Evidence:  "platforms.md §5.1 #29: RTO/RPO drive business-interruption severity [S32][S116]",
		Judgement: "thresholds (24 h, 72 h) and points",
		ReasonZH:  "恢复时间目标（RTO）过长或未确定", ReasonEN: "Recovery time objective (RTO) is long or not set",
		RemedyZH: "制定并演练业务连续性计划，使关键系统 RTO ≤ 24 小时", RemedyEN: "Plan and rehearse continuity so key systems recover within 24 hours"}, 24, 72),
	hoursRule(Rule{ID: "br.rpo", Factor: FactorBackup, Input: "rpo_hours",
		Values: []ValuePoints{{"gt24", 5}}, Unknown: 3,
		Effort: EffortWeeks, Control: "business_continuity",
		Evidence:  "platforms.md §5.1 #29 [S32][S116]",
		Judgement: "threshold (24 h) and points",
		ReasonZH:  "恢复点目标（RPO）超过 24 小时或未确定", ReasonEN: "Recovery point objective (RPO) above 24 hours or not set",
		RemedyZH: "提高备份频率，使 RPO ≤ 24 小时", RemedyEN: "Back up often enough for an RPO of 24 hours or less"}, 24, 24),

	// Patching & vulnerabilities.
	choiceRule(Rule{ID: "pv.patch_critical_days", Factor: FactorPatching, Input: "patch_critical_days",
		Values: []ValuePoints{{"none", 35}, {"gt30", 25}, {"le30", 12}}, Unknown: 18,
		Effort: EffortWeeks, Control: "patching",
		Evidence:  "platforms.md §5.1 #18; patching high-severity within 7 days halves incident probability, only 24% do (Marsh [S110]); one unresolved critical CVE +33% claims (Coalition [S10])",
		Judgement: "points per band",
		ReasonZH:  "高危漏洞未在 7 天内修补", ReasonEN: "Critical patches are not applied within 7 days",
		RemedyZH: "建立漏洞管理流程，高危补丁 7 天内完成", RemedyEN: "Run vulnerability management with a 7-day SLA for critical patches"}, "le7"),
	{Rule: Rule{ID: "pv.eol_software", Factor: FactorPatching, Input: "eol_software",
		Values: []ValuePoints{{"present", 25}, {"segregated", 8}}, Unknown: 13,
		Effort:    EffortWeeks,
		Evidence:  "platforms.md §5.1 #19; EOL software → 3× claims (Coalition [S10]); Beazley minimum: EOL software segregated [S50]",
		Judgement: "points; a profile that lists EOL software overrides an answer of none or no answer",
		ReasonZH:  "存在已停止支持（EOL）的软件", ReasonEN: "End-of-life software is in use",
		RemedyZH: "隔离 EOL 软件（present → segregated，工作量 3），再替换（segregated → none，工作量 5）",
		RemedyEN: "Segregate EOL software (present → segregated, effort 3), then replace it (segregated → none, effort 5)"},
		eval: evalEOL},
	findingRule(FactorPatching, "pv.findings", "vulnerability", "patching"),

	// Exposure.
	boolRule(Rule{ID: "ex.exposed_remote_ports", Factor: FactorExposure, Input: "exposed_remote_ports",
		Values: []ValuePoints{{vYes, 35}}, Unknown: 35,
		Gate: "C", GateOn: []string{vYes, vUnknown}, Effort: EffortDays,
		Evidence:  "platforms.md §5.1 #20 (gate: Beazley red ports 3389/5900/135/445 [S50]); exposed RDP → 2.5× claims (Coalition [S9])",
		Judgement: "points and the C cap",
		ReasonZH:  "远程桌面/VNC/SMB/RPC 端口暴露在公网", ReasonEN: "RDP, VNC, SMB or RPC ports are open to the internet",
		RemedyZH: "关闭公网 3389/5900/135/445 端口，改经带多因素认证的 VPN 访问", RemedyEN: "Close ports 3389/5900/135/445 to the internet; reach them through VPN with MFA"}, false),
	boolRule(Rule{ID: "ex.boundary_devices", Factor: FactorExposure, Input: "boundary_devices_patched", Values: no(25), Unknown: 13,
		Effort: EffortDays, Control: "patching",
		Evidence:  "platforms.md §5.1 #21; Cisco ASA ≈ 5×, Fortinet 2× claims (Coalition [S9]); VPN 66–73% of ransomware entries (At-Bay [S21][S22])",
		Judgement: "points",
		ReasonZH:  "边界设备（VPN/防火墙）未及时修补", ReasonEN: "Boundary devices (VPN, firewall) are not patched promptly",
		RemedyZH: "将 VPN、防火墙等边界设备升级到厂商修复版本", RemedyEN: "Update VPN and firewall appliances to fixed releases"}, true),
	boolRule(Rule{ID: "ex.dmz", Factor: FactorExposure, Input: "dmz", Values: no(10), Unknown: 5,
		Effort:    EffortQuarter,
		Evidence:  "platforms.md §5.1 #25; Cowbell dmzSeparation [S28]",
		Judgement: "points",
		ReasonZH:  "面向互联网的系统未隔离（无 DMZ）", ReasonEN: "Internet-facing systems are not segregated (no DMZ)",
		RemedyZH: "将面向互联网的系统置于 DMZ 或第三方托管", RemedyEN: "Move internet-facing systems to a DMZ or a third-party host"}, true),
	boolRule(Rule{ID: "ex.ddos", Factor: FactorExposure, Input: "ddos_protection", Values: no(10), Unknown: 5,
		Effort: EffortDays, Control: "ddos_protection",
		Evidence:  "Coalition: 1-hour DDoS waiting period with an approved mitigation provider [S7]; anti-DDoS product-service insurance in the pilot's second batch (china_pilot.md §5)",
		Judgement: "points",
		ReasonZH:  "未采用抗 DDoS 防护服务", ReasonEN: "No anti-DDoS protection",
		RemedyZH: "为对外业务采购抗 DDoS 清洗服务", RemedyEN: "Put public services behind an anti-DDoS scrubbing service"}, true),
	findingRule(FactorExposure, "ex.findings", "exposure, or misconfiguration of an internet-facing asset", ""),

	// Email & funds transfer.
	boolRule(Rule{ID: "ef.email_gateway", Factor: FactorEmailFunds, Input: "email_gateway", Values: no(15), Unknown: 8,
		Effort: EffortDays, Control: "email_security",
		Evidence:  "platforms.md §5.1 #15 (At-Bay Q2302 [S16]); email drove 43% of claims (At-Bay [S21])",
		Judgement: "points",
		ReasonZH:  "未部署安全邮件网关", ReasonEN: "No secure email gateway",
		RemedyZH: "部署安全邮件网关（反钓鱼、附件沙箱）", RemedyEN: "Deploy a secure email gateway (anti-phishing, attachment sandbox)"}, true),
	choiceRule(Rule{ID: "ef.dmarc", Factor: FactorEmailFunds, Input: "dmarc",
		Values: []ValuePoints{{"none", 15}, {"p_none", 10}, {"quarantine", 3}}, Unknown: 8,
		Effort: EffortAnswer, Control: "email_security",
		Evidence:  "platforms.md §5.1 #15 (SPF/DKIM/DMARC, scan-verifiable); BitSight spf/dkim risk vectors [S62]; FTF/BEC 56% of claims (Coalition [S9])",
		Judgement: "points per policy",
		ReasonZH:  "邮件域名 DMARC 策略缺失或过宽", ReasonEN: "The mail domain's DMARC policy is missing or lax",
		RemedyZH: "发布 DMARC 记录并收紧到 p=reject", RemedyEN: "Publish DMARC and tighten it to p=reject"}, "reject"),
	{Rule: Rule{ID: "ef.funds_transfer", Factor: FactorEmailFunds, Input: "funds_transfer_controls",
		Values: []ValuePoints{{"dual_approval", 8}, {"callback", 8}, {"authorised_staff", 8}, {"new_payee_check", 8}}, Unknown: 16,
		Effort: EffortAnswer, Control: "funds_transfer_controls",
		Evidence:  "platforms.md §5.1 #16 (terms); Cowbell removes the social-engineering endorsement unless all are in place [S27]; FTF/BEC 56% of claims (Coalition [S9])",
		Judgement: "points; each missing control is an item (the points listed are for a missing value)",
		ReasonZH:  "缺少资金转账控制", ReasonEN: "A funds-transfer control is missing",
		RemedyZH: "落实双人复核、电话回拨核实、授权人员操作、新收款账户核验", RemedyEN: "Require dual approval, call-back verification, authorised staff and new-payee checks"},
		eval: evalFundsTransfer},
	boolRule(Rule{ID: "ef.training", Factor: FactorEmailFunds, Input: "security_training", Values: no(15), Unknown: 8,
		Effort: EffortDays, Control: "training",
		Evidence:  "platforms.md §5.1 #22 (gate/price); Marsh 12 key controls [S109]; human element in 68% of breaches (DBIR 2024)",
		Judgement: "points",
		ReasonZH:  "未开展年度安全意识培训与钓鱼演练", ReasonEN: "No annual security awareness training and phishing drills",
		RemedyZH: "每年开展安全意识培训和钓鱼演练", RemedyEN: "Run awareness training and phishing drills every year"}, true),

	// Governance & MLPS.
	{Rule: Rule{ID: "gm.mlps_level", Factor: FactorGovernance, Input: "mlps_level_max",
		Values: []ValuePoints{{"none", 15}}, Unknown: 8,
		Effort:    EffortMajor,
		Evidence:  "GB/T 22239-2019 / GB/T 22240-2020: network operators grade and file their systems; declared MLPS level is an underwriting fact and a risk-increase trigger (china_pilot.md §7.2, §8)",
		Judgement: "points",
		ReasonZH:  "信息系统未定级备案（等保）", ReasonEN: "No system graded and filed under MLPS (等保)",
		RemedyZH: "完成等保定级、备案和测评", RemedyEN: "Grade, file and evaluate systems under MLPS",
		Applies: "always; the answer falls back to the highest level in the profile"},
		eval: evalMLPSLevel},
	{Rule: Rule{ID: "gm.mlps_evaluated", Factor: FactorGovernance, Input: "mlps_evaluated",
		Values: []ValuePoints{{"no_level3plus", 15}, {"no_level2", 8}}, Unknown: 8,
		Effort:    EffortQuarter,
		Evidence:  "MLPS evaluation (等级测评): level 3 and above yearly (MLPS rules [M]); a failed or lapsed level must be notified to the insurer (Ping An B款 §29, china_pilot.md §7.2)",
		Judgement: "points; level 1 is not required to be evaluated",
		ReasonZH:  "已定级系统未做等级测评", ReasonEN: "Graded systems have not been evaluated",
		RemedyZH: "委托测评机构完成等级测评", RemedyEN: "Have an accredited body evaluate the systems",
		Applies: "mlps_level_max is 2 or above"},
		eval: evalMLPSEvaluated},
	choiceRuleIf(Rule{ID: "gm.mlps_result", Factor: FactorGovernance, Input: "mlps_evaluation_result",
		Values: []ValuePoints{{"fail", 15}, {"basic_pass", 5}}, Unknown: 8,
		Effort:    EffortQuarter,
		Evidence:  "MLPS evaluation result (优/良/中/差 reported as pass, basic pass, fail) (china_pilot.md §7.2, §8)",
		Judgement: "points",
		ReasonZH:  "等级测评结论未达到符合", ReasonEN: "The MLPS evaluation did not pass in full",
		RemedyZH: "整改测评发现的问题并复测", RemedyEN: "Fix the evaluation's findings and re-evaluate",
		Applies: "mlps_evaluated is yes"}, "pass", func(s *scorer) bool { v, known, _ := s.mlpsEvaluated(); return known && v }),
	{Rule: Rule{ID: "gm.mlps_stale", Factor: FactorGovernance, Input: "profile.mlps",
		Values:    []ValuePoints{{"level3plus_over_365d", 8}, {"level2_over_730d", 4}},
		Effort:    EffortQuarter,
		Evidence:  "yearly evaluation of level 3 and above (MLPS rules [M]); 2 years for level 2 is Anbao judgement",
		Judgement: "points; the level 2 interval",
		ReasonZH:  "等保测评已过期", ReasonEN: "An MLPS evaluation has lapsed",
		RemedyZH: "按期开展等级测评", RemedyEN: "Re-evaluate on schedule",
		Applies: "as_of is set; once per input, for the worst lapsed system"},
		eval: evalMLPSStale},
	{Rule: Rule{ID: "gm.cii_level", Factor: FactorGovernance, Input: "cii_operator",
		Values:    []ValuePoints{{"cii_below_level3", 10}},
		Effort:    EffortMajor,
		Evidence:  "GB/T 39204-2022: CII is protected at MLPS level 3 or above (china_pilot.md §8 [M])",
		Judgement: "points",
		ReasonZH:  "关键信息基础设施运营者的系统低于等保三级", ReasonEN: "A CII operator with no system at MLPS level 3 or above",
		RemedyZH: "将关键信息基础设施系统定为三级及以上并测评", RemedyEN: "Grade CII systems at level 3 or above and evaluate them",
		Applies: "cii_operator is yes (answer or profile)"},
		eval: evalCIILevel},
	boolRule(Rule{ID: "gm.ir_plan", Factor: FactorGovernance, Input: "ir_plan_tested", Values: no(20), Unknown: 10,
		Effort: EffortWeeks, Control: "incident_response_plan",
		Evidence:  "platforms.md §5.1 #23; Marsh 12 key controls [S109]; GB/T 43269-2023 emergency capability (china_pilot.md §8)",
		Judgement: "points",
		ReasonZH:  "没有经过演练的应急响应预案", ReasonEN: "No tested incident response plan",
		RemedyZH: "制定应急响应预案并每年开展桌面演练", RemedyEN: "Write an incident response plan and run a tabletop exercise each year"}, true),
	{Rule: Rule{ID: "gm.security_contact", Factor: FactorGovernance, Input: "security_contact",
		Values:    []ValuePoints{{"missing", 5}},
		Effort:    EffortAnswer,
		Evidence:  "platforms.md §5.1 #28: alert routing and breach response need a named contact (Cowbell [S28]; BBR [S52])",
		Judgement: "points",
		ReasonZH:  "未指定信息安全联系人", ReasonEN: "No designated security contact",
		RemedyZH: "指定信息安全与事件响应联系人", RemedyEN: "Name a security and breach-response contact"},
		eval: func(s *scorer, r *Rule) {
			a, ok := s.in.Answers[r.Input]
			if ok && a.Text != "" {
				return
			}
			s.hit(r, asrc(r.Input), "missing", 5, false, "", func(in *Input) {
				setAnswer(in, r.Input, Answer{Text: "contact"})
			})
		}},
	{Rule: Rule{ID: "gm.prior_incidents", Factor: FactorGovernance, Input: "prior_incidents_3y",
		Values: []ValuePoints{{"1", 5}, {"2", 10}, {"3plus", 15}}, Unknown: 8,
		Evidence:  "platforms.md §5.1 #7: loss history feeds rating (Coalition [S6]; Cowbell claimHistory [S28]; a rating tool that ignored it [S151])",
		Judgement: "points; history cannot be remedied, so no recommendation",
		ReasonZH:  "近三年发生过网络安全事件", ReasonEN: "Cyber incidents in the last three years"},
		eval: func(s *scorer, r *Rule) {
			v, src := s.choiceQ(r.Input)
			var fix func(*Input)
			if v == "" {
				fix = func(in *Input) { setChoice(in, r.Input, "0") }
			}
			s.valueHit(r, v != "", v, src, fix)
		}},
	findingRule(FactorGovernance, "gm.findings", "policy", ""),

	// Third party.
	boolRule(Rule{ID: "tp.vendor_management", Factor: FactorThirdParty, Input: "vendor_management", Values: no(40), Unknown: 20,
		Effort: EffortWeeks, Control: "vendor_management",
		Evidence:  "platforms.md §5.1 #26 (Cowbell vendorManagement [S29]); third-party incidents +43%, cost +72% (At-Bay [S21])",
		Judgement: "points",
		ReasonZH:  "没有供应商与第三方安全管理", ReasonEN: "No vendor and third-party security management",
		RemedyZH: "建立供应商安全评估、合同条款与访问管理", RemedyEN: "Assess vendors, set security terms in contracts and manage their access"}, true),
	{Rule: Rule{ID: "tp.critical_deps", Factor: FactorThirdParty, Input: "profile.dependencies.critical",
		Values: []ValuePoints{{"critical_unmanaged", 15}},
		Effort: EffortWeeks, Control: "vendor_management",
		Evidence:  "Cowbell Supply Chain factor [S24]; third parties in 30% of breaches (DBIR 2025)",
		Judgement: "points",
		ReasonZH:  "存在关键依赖但未做供应商管理", ReasonEN: "Critical dependencies without vendor management",
		RemedyZH: "对关键供应商开展安全评估并约定应急与恢复责任", RemedyEN: "Assess critical suppliers and agree incident and recovery duties",
		Applies: "the profile lists critical dependencies and vendor_management is not yes"},
		eval: func(s *scorer, r *Rule) {
			if s.in.Profile.Dependencies.Critical == 0 {
				return
			}
			if v, known, _ := s.boolQ("vendor_management"); known && v {
				return
			}
			s.hit(r, "profile.dependencies.critical", "critical_unmanaged", 15, false, "", func(in *Input) {
				setBool(in, "vendor_management", true)
			})
		}},
	{Rule: Rule{ID: "tp.outsourcer_pam", Factor: FactorThirdParty, Input: "profile.dependencies.kinds",
		Values:    []ValuePoints{{"outsourcer_without_pam", 10}},
		Effort:    EffortQuarter,
		Evidence:  "an unapproved IT outsourcer's error excludes the whole claim (Ping An B款, china_pilot.md §7.2); PAM a Marsh top-five control [S109]",
		Judgement: "rule and points",
		ReasonZH:  "IT 外包方访问未纳入特权访问管理", ReasonEN: "IT outsourcers' access is not under privileged access management",
		RemedyZH: "将外包方的管理权限纳入 PAM 审批与审计", RemedyEN: "Put outsourcers' admin access under PAM approval and audit",
		Applies: "the profile lists an outsourcer and pam is not yes"},
		eval: func(s *scorer, r *Rule) {
			if !slices.Contains(s.in.Profile.Dependencies.Kinds, "outsourcer") {
				return
			}
			if v, known, _ := s.boolQ("pam"); known && v {
				return
			}
			s.hit(r, "profile.dependencies.kinds", "outsourcer_without_pam", 10, false, "", func(in *Input) {
				setBool(in, "pam", true)
			})
		}},
	findingRule(FactorThirdParty, "tp.findings", "any type, status third_party", ""),

	// Data protection.
	choiceRule(Rule{ID: "dp.device_encryption", Factor: FactorData, Input: "device_encryption",
		Values: []ValuePoints{{"no", 25}, {"partial", 12}}, Unknown: 13,
		Effort:    EffortDays,
		Evidence:  "platforms.md §5.1 #17 (terms; Coalition [S6]); unencrypted-device exclusions [S100]",
		Judgement: "points",
		ReasonZH:  "笔记本和移动介质未全部加密", ReasonEN: "Laptops and portable media are not all encrypted",
		RemedyZH: "对全部笔记本和移动介质启用全盘加密", RemedyEN: "Turn on full-disk encryption on all laptops and portable media"}, "yes"),
	{Rule: Rule{ID: "dp.cross_border", Factor: FactorData, Input: "cross_border_mechanism",
		Values: []ValuePoints{{"none", 25}}, Unknown: 13,
		Effort:    EffortWeeks,
		Evidence:  "PIPL art. 38 and the CAC data-export rules: security assessment, standard contract or certification (china_pilot.md §14.3 F2.2 [M])",
		Judgement: "points",
		ReasonZH:  "数据出境未履行合规机制", ReasonEN: "Cross-border data transfer without a legal mechanism",
		RemedyZH: "按规定完成数据出境安全评估、标准合同备案或认证", RemedyEN: "Complete the security assessment, standard-contract filing or certification",
		Applies: "cross_border_data is yes (answer or profile)"},
		eval: evalCrossBorder},
	{Rule: Rule{ID: "dp.data_security_officer", Factor: FactorData, Input: "data_security_officer",
		Values: []ValuePoints{{"no_high_holdings", 15}, {"no", 5}}, Unknown: 8,
		Effort:    EffortDays,
		Evidence:  "DSL art. 27 (important data: a named person responsible); PIPL art. 52 (PI protection officer above the CAC threshold) [M]; Cowbell isSecurityOfficer [S28]",
		Judgement: "points; \"high holdings\" = important data, sensitive PI or ≥ 1M PI records; unanswered loses half the applicable points, rounded up (8 or 3)",
		ReasonZH:  "未设数据安全负责人", ReasonEN: "No data security officer",
		RemedyZH: "任命数据安全（个人信息保护）负责人", RemedyEN: "Appoint a data security (PI protection) officer"},
		eval: evalDSO},
	{Rule: Rule{ID: "dp.pi_volume", Factor: FactorData, Input: "pi_records_band",
		Values:    []ValuePoints{{"1m_10m", 5}, {"ge10m", 10}},
		Evidence:  "platforms.md §5.1 #6: > 500k individuals' records is a severity driver and a referral (At-Bay Q2159 [S16])",
		Judgement: "points; inherent exposure, not remediable here (the expected loss scales with it)",
		ReasonZH:  "持有大量个人信息", ReasonEN: "Large personal-information holdings",
		Applies: "always; the answer falls back to the profile's band"},
		eval: func(s *scorer, r *Rule) {
			v, src := s.choiceQ(r.Input)
			s.valueHit(r, true, v, src, nil)
		}},
}
