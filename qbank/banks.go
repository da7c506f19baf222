package qbank

// The bank versions. GB/T 22239-2019 references are clauses of its level-3
// requirements (8.1); they are from memory of the standard's structure and
// marked [M] in docs/assessment/questions.md until checked against the text.

func ch(pairs ...string) []Choice {
	var out []Choice
	for i := 0; i+2 < len(pairs); i += 3 {
		out = append(out, Choice{Value: pairs[i], ZH: pairs[i+1], EN: pairs[i+2]})
	}
	return out
}

func q(id, typ, domain string, effects []string, gb, zh, en, hzh, hen string) Question {
	return Question{ID: id, Type: typ, Domain: domain, Effects: effects, GBT22239: gb, TextZH: zh, TextEN: en, HelpZH: hzh, HelpEN: hen, Required: true}
}

func when(qq Question, c Cond) Question { qq.When = &c; return qq }
func withChoices(qq Question, cs []Choice) Question {
	qq.Choices = cs
	return qq
}
func optional(qq Question) Question { qq.Required = false; return qq }

var (
	G  = []string{EffGate}
	GS = []string{EffGate, EffScan}
	P  = []string{EffPrice}
	PS = []string{EffPrice, EffScan}
	PT = []string{EffPrice, EffTerms}
	T  = []string{EffTerms}
	GP = []string{EffGate, EffPrice}
	GT = []string{EffGate, EffTerms}
)

var sectionChoices = ch(
	"A", "农、林、牧、渔业", "Agriculture, forestry, animal husbandry and fishery",
	"B", "采矿业", "Mining", "C", "制造业", "Manufacturing",
	"D", "电力、热力、燃气及水生产和供应业", "Electricity, heat, gas and water",
	"E", "建筑业", "Construction", "F", "批发和零售业", "Wholesale and retail",
	"G", "交通运输、仓储和邮政业", "Transport, storage and post", "H", "住宿和餐饮业", "Accommodation and catering",
	"I", "信息传输、软件和信息技术服务业", "Information transmission, software and IT services",
	"J", "金融业", "Finance", "K", "房地产业", "Real estate", "L", "租赁和商务服务业", "Leasing and business services",
	"M", "科学研究和技术服务业", "Scientific research and technical services",
	"N", "水利、环境和公共设施管理业", "Water, environment and public facilities",
	"O", "居民服务、修理和其他服务业", "Resident, repair and other services", "P", "教育", "Education",
	"Q", "卫生和社会工作", "Health and social work", "R", "文化、体育和娱乐业", "Culture, sports and entertainment",
	"S", "公共管理、社会保障和社会组织", "Public administration and social organisations", "T", "国际组织", "International organisations")

// base2026 is the question set shared by both versions.
func base2026() []Question {
	return []Question{
		// Business profile.
		q("revenue", TMoney, "business_profile", PT, "", "上一财年营业收入（元）", "Revenue in the last financial year (yuan)",
			"按经审计或申报的营业收入填写；新设企业填预计收入。决定基础保费和可选限额。", "Audited or declared revenue; projected revenue for a new business. Sets the base premium and the limits offered."),
		withChoices(q("industry", TChoice, "business_profile", PT, "", "所属行业门类（GB/T 4754-2017）", "Industry section (GB/T 4754-2017)",
			"按营业执照主营业务选择门类。部分行业有强制条款（等待期、子限额）。", "The section of the main business on the business licence. Some industries carry forced terms (waiting period, sublimits)."), sectionChoices),
		withChoices(q("employees_band", TChoice, "business_profile", P, "", "员工人数", "Number of employees",
			"含劳务派遣人员。", "Including agency staff."),
			ch("lt50", "50 人以下", "Under 50", "50_299", "50–299 人", "50–299", "300_999", "300–999 人", "300–999", "1000_4999", "1000–4999 人", "1,000–4,999", "ge5000", "5000 人及以上", "5,000 or more")),
		withChoices(q("high_risk_activities", TMulti, "business_profile", G, "", "是否从事以下业务（可多选，都不涉及则不选）", "Does the business do any of the following (none: leave all unticked)",
			"这些业务需要核保人员人工审核。", "These activities are referred to an underwriter."),
			ch("crypto", "虚拟货币相关业务", "Crypto-asset business", "gambling", "博彩", "Gambling", "payment_processing", "支付清算服务", "Payment processing",
				"msp", "IT 托管或安全托管服务（MSP/MSSP）", "Managed IT or security services (MSP/MSSP)", "debt_collection", "催收", "Debt collection",
				"online_lending", "网络借贷", "Online lending")),
		withChoices(q("prior_incidents_3y", TChoice, "business_profile", GP, "8.1.10.12", "近三年发生网络安全事件（损失超过 10 万元）的次数", "Cyber incidents in the last three years with a loss above 100,000 yuan",
			"包括勒索、数据泄露、资金诈骗、业务中断等。", "Ransomware, data breach, funds-transfer fraud, business interruption and the like."),
			ch("0", "无", "None", "1", "1 次", "One", "2", "2 次", "Two", "3plus", "3 次及以上", "Three or more")),
		q("known_circumstances", TBool, "business_profile", GT, "", "是否知悉可能引发索赔的事件或情况", "Do you know of any circumstance that could give rise to a claim",
			"如已发现但尚未处置的入侵迹象。已知情况不在保险责任范围内。", "Such as signs of an intrusion not yet dealt with. Known circumstances are excluded from cover."),
		q("legal_actions", TBool, "business_profile", G, "", "近三年是否因网络安全或个人信息问题受到行政处罚或诉讼", "Any administrative penalty or lawsuit over cybersecurity or personal information in the last three years",
			"如网信、公安等部门的处罚，或个人信息保护诉讼。", "Penalties by the cyberspace or public-security authorities, or personal-information lawsuits."),
		// Identity and access.
		q("mfa_email", TBool, "identity_access", GS, "8.1.4.1", "所有邮箱账户是否启用多因素认证", "Is multi-factor authentication on for every email account",
			"包括云邮箱和自建邮箱的网页端及客户端。未启用将限制承保等级。", "Web and client access, cloud or on-premises. Without it the grade is capped."),
		q("mfa_remote", TBool, "identity_access", GS, "8.1.4.1", "所有远程访问（VPN、远程桌面、远程运维）是否启用多因素认证", "Is MFA required for all remote access (VPN, remote desktop, remote administration)",
			"勒索攻击多数经远程访问入口进入。", "Most ransomware enters through remote access."),
		q("mfa_privileged", TBool, "identity_access", GT, "8.1.4.1", "管理员账户、云控制台和供应商远程访问是否启用多因素认证", "Is MFA on for administrator accounts, cloud consoles and vendor access",
			"只有覆盖关键数据、全部远程访问和管理员账户时，多因素认证才显著降低事件发生率。", "MFA cuts incidents markedly only when it covers critical data, all remote access and admin accounts."),
		q("pam", TBool, "identity_access", P, "8.1.4.2", "是否部署特权访问管理（堡垒机、特权账户托管）", "Is privileged access management in place (jump host, vaulted admin accounts)",
			"", ""),
		// Endpoint.
		withChoices(q("edr", TChoice, "endpoint", GP, "8.1.4.5", "终端防护方式", "Endpoint protection",
			"EDR：终端检测与响应；MDR：由专业团队 7×24 小时值守的托管检测与响应。", "EDR: endpoint detection and response; MDR: managed detection and response, watched 24×7."),
			ch("none", "无", "None", "antivirus", "仅传统杀毒软件", "Antivirus only", "edr", "EDR", "EDR", "mdr", "MDR 托管服务", "MDR service")),
		withChoices(q("device_encryption", TChoice, "endpoint", T, "8.1.4.8", "笔记本电脑和移动存储介质是否加密", "Are laptops and portable media encrypted",
			"", ""), ch("yes", "全部加密", "All", "partial", "部分加密", "Some", "no", "未加密", "None")),
		q("hardening_baseline", TBool, "endpoint", P, "8.1.10.8", "服务器和终端是否按安全基线（如 CIS）加固", "Are servers and endpoints hardened to a baseline (CIS or similar)",
			"", ""),
		// Backup and recovery.
		withChoices(q("backup_frequency", TChoice, "backup_recovery", GT, "8.1.4.9", "关键数据的备份频率", "How often are critical data backed up",
			"", ""), ch("none", "不备份", "No backups", "monthly", "每月", "Monthly", "weekly", "每周", "Weekly", "daily", "每日或更频繁", "Daily or more often")),
		when(q("backup_offline", TBool, "backup_recovery", GT, "8.1.4.9", "是否保留离线、隔离或不可变的备份副本，并使用独立凭据", "Is there an offline, isolated or immutable copy with separate credentials",
			"勒索软件会加密或删除在线备份。", "Ransomware encrypts or deletes online backups."), Cond{Question: "backup_frequency", Op: "not_in", Values: []string{"none"}}),
		when(q("backup_tested", TBool, "backup_recovery", T, "8.1.10.11", "过去一年是否做过恢复演练", "Was a restore tested in the last year",
			"", ""), Cond{Question: "backup_frequency", Op: "not_in", Values: []string{"none"}}),
		q("rto_hours", TNumber, "backup_recovery", P, "", "关键业务恢复时间目标 RTO（小时）", "Recovery time objective of the critical business (hours)",
			"业务中断后恢复的目标时长。", "The target time to restore after an interruption."),
		q("rpo_hours", TNumber, "backup_recovery", P, "", "恢复点目标 RPO（小时）", "Recovery point objective (hours)",
			"可接受的最大数据丢失时长。", "The most data, in hours, that may be lost."),
		q("ddos_protection", TBool, "backup_recovery", P, "8.1.3.3", "是否采购抗 DDoS 防护服务", "Is an anti-DDoS service in place", "", ""),
		// Patching and vulnerabilities.
		withChoices(q("patch_critical_days", TChoice, "patching_vulns", PS, "8.1.10.5", "高危漏洞通常在多少天内修复", "Within how many days are critical vulnerabilities usually patched",
			"7 天内修复高危漏洞可使事件概率减半。", "Patching critical vulnerabilities within 7 days halves the probability of an incident."),
			ch("le7", "7 天内", "Within 7 days", "le30", "30 天内", "Within 30 days", "gt30", "超过 30 天", "Over 30 days", "none", "无固定流程", "No set process")),
		withChoices(q("eol_software", TChoice, "patching_vulns", PS, "8.1.10.5", "是否仍在使用已停止支持的软件或系统", "Is end-of-life software still in use",
			"如 Windows Server 2008、CentOS 7。", "Windows Server 2008 or CentOS 7, say."),
			ch("none", "没有", "None", "segregated", "有，但已隔离", "Yes, segregated", "present", "有，未隔离", "Yes, not segregated")),
		q("boundary_devices_patched", TBool, "patching_vulns", PS, "8.1.10.5", "VPN、防火墙等边界设备是否已更新到厂商最新安全版本", "Are VPN appliances and firewalls on the vendor's latest security release",
			"边界设备是勒索攻击最常见的入口之一。", "Boundary devices are among the commonest ransomware entries."),
		// Exposure.
		q("domains", TList, "exposure", []string{EffScan}, "", "企业使用的全部域名（网站、邮件、内部系统）", "Every domain the enterprise uses (web, email, internal)",
			"每行一个；服务机构据此确定检测范围。", "One per line; providers scope their scans from it."),
		q("exposed_remote_ports", TBool, "exposure", GS, "8.1.3.1", "是否有远程桌面、VNC、SMB 等端口直接暴露在互联网", "Are RDP, VNC, SMB or RPC ports exposed to the internet",
			"端口 3389、5900、445、135。", "Ports 3389, 5900, 445, 135."),
		q("dmz", TBool, "exposure", P, "8.1.3.1", "对外服务系统是否与内网隔离（DMZ 或托管）", "Are internet-facing systems segregated (DMZ or hosted)", "", ""),
		// Email and funds transfer.
		q("email_gateway", TBool, "email_funds", P, "8.1.3.4", "是否部署邮件安全网关", "Is there an email security gateway", "", ""),
		when(withChoices(q("dmarc", TChoice, "email_funds", PS, "", "邮件域名的 DMARC 策略", "DMARC policy of the mail domain",
			"可由服务机构扫描核实。", "Providers can verify it by a scan."),
			ch("none", "未配置", "None", "p_none", "p=none（仅监测）", "p=none (monitor)", "quarantine", "p=quarantine", "p=quarantine", "reject", "p=reject", "p=reject")),
			Cond{Question: "domains", Op: "nonempty"}),
		withChoices(q("funds_transfer_controls", TMulti, "email_funds", T, "", "资金转账控制措施（可多选）", "Funds-transfer controls (tick all that apply)",
			"缺少任一项将影响社会工程诈骗责任的承保。", "Missing any of them affects the social-engineering cover."),
			ch("dual_approval", "大额转账双人审批", "Dual approval of large transfers", "callback", "电话回拨核实", "Call-back verification",
				"authorised_staff", "仅授权人员可发起转账", "Only authorised staff initiate transfers", "new_payee_check", "新增或变更收款账户须核验", "New or changed payee details verified")),
		q("security_training", TBool, "email_funds", GP, "8.1.8.3", "是否每年开展安全意识培训和钓鱼演练", "Is there annual security awareness training with phishing drills", "", ""),
		// Governance and MLPS.
		withChoices(q("mlps_level_max", TChoice, "governance_mlps", PT, "", "已定级备案系统的最高安全保护等级", "Highest MLPS (等保) level of the filed systems",
			"未定级的选“无”。", "None if no system is graded."),
			ch("none", "无", "None", "1", "第一级", "Level 1", "2", "第二级", "Level 2", "3", "第三级", "Level 3", "4", "第四级", "Level 4", "5", "第五级", "Level 5")),
		when(q("mlps_evaluated", TBool, "governance_mlps", PT, "8.1.9.9", "最近一年是否完成等级测评", "Was an MLPS evaluation (等级测评) done in the last year",
			"第三级及以上系统应每年测评。", "Level 3 and above are evaluated every year."), Cond{Question: "mlps_level_max", Op: "gte", Values: []string{"2"}}),
		when(withChoices(q("mlps_evaluation_result", TChoice, "governance_mlps", PT, "8.1.9.9", "最近一次等级测评结论", "Conclusion of the last MLPS evaluation",
			"", ""), ch("pass", "符合", "Conforms", "basic_pass", "基本符合", "Basically conforms", "fail", "不符合", "Does not conform")),
			Cond{Question: "mlps_evaluated", Op: "yes"}),
		q("cii_operator", TBool, "governance_mlps", T, "", "是否被认定为关键信息基础设施运营者", "Has the enterprise been identified as a critical information infrastructure (CII) operator",
			"关键信息基础设施运营者须在 1 小时内报告重大事件。", "CII operators report major incidents within one hour."),
		q("ir_plan_tested", TBool, "governance_mlps", P, "8.1.10.13", "是否有应急响应预案并在过去一年演练", "Is there an incident response plan, exercised in the last year", "", ""),
		q("security_contact", TContact, "governance_mlps", nil, "8.1.7.1", "网络安全负责人及联系方式", "Security officer and contact",
			"事件告警和应急联络使用。", "Used for alerts and incident response."),
		// Third party.
		q("vendor_management", TBool, "third_party", P, "8.1.9.10", "是否对 IT 供应商和外包方进行安全管理（准入、合同条款、定期评估）", "Are IT suppliers and outsourcers managed for security (onboarding, contract terms, reviews)", "", ""),
		// Data protection.
		withChoices(q("pi_records_band", TChoice, "data_protection", GP, "8.1.4.11", "持有的个人信息规模（自然人数）", "Personal information held (individuals)",
			"", ""), ch("none", "无", "None", "lt10k", "1 万以下", "Under 10,000", "10k_100k", "1 万–10 万", "10,000–100,000",
			"100k_1m", "10 万–100 万", "100,000–1 million", "1m_10m", "100 万–1000 万", "1–10 million", "ge10m", "1000 万及以上", "10 million or more")),
		q("sensitive_pi", TBool, "data_protection", PT, "8.1.4.11", "是否处理敏感个人信息（生物识别、医疗健康、金融账户、行踪轨迹等）", "Is sensitive personal information processed (biometrics, health, financial accounts, location)",
			"《个人信息保护法》第二十八条。", "PIPL article 28."),
		q("important_data", TBool, "data_protection", T, "", "是否处理重要数据", "Is important data (重要数据) processed", "按所在行业、地区的重要数据目录判断。", "Per the catalogues of important data of the sector and region."),
		q("data_security_officer", TBool, "data_protection", P, "", "是否明确数据安全负责人和管理机构", "Is there a named data security officer and function", "", ""),
		q("cross_border_data", TBool, "data_protection", T, "", "是否向境外提供个人信息或重要数据（数据出境）", "Is personal information or important data transferred abroad (数据出境)", "", ""),
		when(withChoices(q("cross_border_mechanism", TChoice, "data_protection", T, "", "数据出境采用的合规路径", "The legal route of the transfers abroad",
			"", ""), ch("security_assessment", "通过网信部门安全评估", "CAC security assessment", "standard_contract", "个人信息出境标准合同备案", "Standard contract filed",
			"certification", "个人信息保护认证", "Personal-information protection certification", "exempt", "符合豁免情形", "Exempt", "none", "尚未办理", "None yet")),
			Cond{Question: "cross_border_data", Op: "yes"}),
	}
}

var banks = func() []*Bank {
	v1 := &Bank{Version: "2026.1", Status: Retired, Published: "2026-09-01",
		NotesZH: "首个版本：platforms.md §5.1 的 30 个通用核保问题，按中国情况加入等级保护、关键信息基础设施、数据出境与重要数据。",
		NotesEN: "First version: the 30 canonical underwriting questions of platforms.md §5.1, adapted to China with MLPS, CII, cross-border transfers and important data.",
		Questions: append(base2026(),
			optional(q("log_monitoring", TBool, "governance_mlps", P, "8.1.5.3", "是否集中收集和审计安全日志", "Are security logs collected and reviewed centrally", "", "")),
			optional(withChoices(q("cloud_usage", TMulti, "third_party", P, "", "使用的云服务类型（可多选）", "Kinds of cloud used (tick all)", "", ""),
				ch("public", "公有云", "Public cloud", "private", "私有云", "Private cloud", "hybrid", "混合云", "Hybrid cloud", "idc", "IDC 托管", "Colocation (IDC)"))))}
	v2 := &Bank{Version: "2026.2", Status: Current, Published: "2026-11-01",
		NotesZH: "新增“7×24 安全监测”（取代“安全日志集中审计”）与“软件物料清单”；云服务类型不再区分 IDC 托管。旧答案可一键沿用。",
		NotesEN: "Adds 24×7 security monitoring (replacing central log review) and a software bill of materials; cloud usage no longer lists colocation. Old answers carry forward in one step.",
		Questions: append(base2026(),
			func() Question {
				x := optional(q("security_monitoring", TBool, "governance_mlps", P, "8.1.5.3", "是否有 7×24 小时安全监测（自建 SOC 或托管服务）", "Is there 24×7 security monitoring (own SOC or a managed service)", "", ""))
				x.Replaces = "log_monitoring"
				return x
			}(),
			optional(q("sbom", TBool, "third_party", P, "", "关键系统是否维护软件物料清单（SBOM）", "Is a software bill of materials kept for the critical systems", "", "")),
			optional(withChoices(q("cloud_usage", TMulti, "third_party", P, "", "使用的云服务类型（可多选）", "Kinds of cloud used (tick all)", "", ""),
				ch("public", "公有云", "Public cloud", "private", "私有云", "Private cloud", "hybrid", "混合云", "Hybrid cloud"))))}
	for _, b := range []*Bank{v1, v2} {
		b.index = map[string]int{}
		for i, qq := range b.Questions {
			b.index[qq.ID] = i
		}
	}
	return []*Bank{v1, v2}
}()
