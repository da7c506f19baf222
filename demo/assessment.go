package demo

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/refdata"
)

// The demo assessment: for each active enterprise a risk profile, answers to
// the questionnaire, and for enterprises engaged with a provider a set of
// findings. Each enterprise has a latent security maturity in [0, 1] that
// rises with size and in regulated industries (finance, energy, telecoms)
// and drives every answer, so the scores spread as they would in a pilot:
// a few well-run large firms, many small ones with the basics missing.

// Answer is one demo answer, in the question bank's typed form.
type Answer struct {
	Bool    *bool
	Choice  string
	Choices []string
	Int     *int64
	Number  *float64
	Text    string
	List    []string
}

// MLPSSystem is a demo MLPS (等保) system.
type MLPSSystem struct {
	Name, Filing, EvalDate, Result string
	Level                          int
}

// Asset is a demo asset of the risk profile.
type Asset struct {
	Kind, Value, Version string
	EOL, InternetFacing  bool
}

// Finding is a demo provider finding.
type Finding struct {
	Type, Severity, Title, TitleEN, CVE, CVSS, Asset, Remedy string
	InternetFacing                                           bool
	Status                                                   string // open, fixed, accepted_risk, …
}

// Assessment is the demo assessment of one enterprise.
type Assessment struct {
	EnterpriseRef int
	ProviderRef   int // the engaged provider, -1 if none
	Maturity      float64
	Answers       map[string]Answer
	MLPS          []MLPSSystem
	Assets        []Asset
	PIRecords     string // the data-holdings band
	RTOHours      int
	RPOHours      int
	Offline       bool
	Findings      []Finding
}

// industryMaturity shifts maturity by GB/T 4754 section: finance and
// telecoms/IT are regulated or technical, construction and agriculture less so.
var industryMaturity = map[string]float64{"J": 0.18, "I": 0.12, "D": 0.10, "G": 0.05, "Q": -0.02, "C": -0.05,
	"F": -0.12, "A": -0.15, "H": -0.10, "E": -0.10}

var sizeMaturity = map[anbao.SizeClass]float64{anbao.SizeLarge: 0.2, anbao.SizeMedium: 0.08, anbao.SizeSmall: -0.05, anbao.SizeMicro: -0.15}

// demoVulns are real, widely exploited vulnerabilities (all in the CISA KEV
// catalogue) with their NVD CVSS v3.1 vectors, used for demo findings.
var demoVulns = []struct {
	CVE, Vector, ZH, EN, Asset, Remedy string
}{
	{"CVE-2024-3400", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", "PAN-OS GlobalProtect 命令注入", "PAN-OS GlobalProtect command injection", "vpn.%s", "升级 PAN-OS 至厂商修复版本"},
	{"CVE-2024-21762", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "FortiOS SSL VPN 越界写", "FortiOS SSL VPN out-of-bounds write", "vpn.%s", "升级 FortiOS，或关闭 SSL VPN"},
	{"CVE-2023-4966", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", "Citrix NetScaler 会话信息泄露（Citrix Bleed）", "Citrix NetScaler session disclosure (Citrix Bleed)", "remote.%s", "升级 NetScaler 并终止所有会话"},
	{"CVE-2021-44228", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", "Apache Log4j2 远程代码执行（Log4Shell）", "Apache Log4j2 remote code execution (Log4Shell)", "app.%s", "升级 Log4j 至 2.17.1 以上"},
	{"CVE-2019-0708", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "远程桌面服务远程代码执行（BlueKeep）", "Remote Desktop Services RCE (BlueKeep)", "rdp.%s", "安装补丁并关闭公网 3389 端口"},
	{"CVE-2017-0144", "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H", "SMBv1 远程代码执行（永恒之蓝）", "SMBv1 remote code execution (EternalBlue)", "fs.%s", "安装 MS17-010 补丁并禁用 SMBv1"},
	{"CVE-2023-46604", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "Apache ActiveMQ 反序列化远程代码执行", "Apache ActiveMQ deserialisation RCE", "mq.%s", "升级 ActiveMQ 至 5.18.3 以上"},
	{"CVE-2022-22965", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "Spring Framework 远程代码执行（Spring4Shell）", "Spring Framework RCE (Spring4Shell)", "app.%s", "升级 Spring Framework 至 5.3.18 以上"},
}

// demoWeaknesses are findings without a CVE.
var demoWeaknesses = []struct {
	Type, Severity, ZH, EN, Vector, Remedy string
	Internet                               bool
}{
	{"exposure", "high", "公网开放远程桌面端口 3389", "RDP port 3389 open to the internet", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:L", "关闭公网 RDP，改用带多因素认证的 VPN", true},
	{"misconfiguration", "medium", "邮件域名未配置 DMARC 策略", "No DMARC policy on the mail domain", "", "发布 DMARC 记录并逐步收紧至 p=reject", true},
	{"misconfiguration", "medium", "管理后台使用弱口令", "Weak password on an admin console", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:L/A:N", "更换强口令并启用多因素认证", true},
	{"policy", "low", "未开展年度钓鱼演练", "No annual phishing exercise", "", "每年开展安全意识培训与钓鱼演练", false},
	{"misconfiguration", "high", "备份与生产环境使用同一域账户", "Backups share the production domain account", "", "为备份系统使用独立凭据并启用离线副本", false},
	{"exposure", "medium", "TLS 证书已过期", "Expired TLS certificate", "", "更新证书并配置到期提醒", true},
	{"misconfiguration", "low", "Web 服务器泄露版本信息", "Web server discloses its version", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N", "关闭版本回显", true},
}

func pb(b bool) *bool { return &b }

// GenerateAssessments derives the demo assessments of p's active
// enterprises, deterministically from seed.
func GenerateAssessments(p *Pilot, seed uint64) []Assessment {
	r := rand.New(rand.NewPCG(seed, pcgStream^0xa55e55))
	engaged := map[int]int{}
	for _, rel := range p.Relationships {
		if rel.Kind == RelEngagement {
			if _, ok := engaged[rel.EnterpriseRef]; !ok {
				engaged[rel.EnterpriseRef] = rel.PartyRef
			}
		}
	}
	var out []Assessment
	for ref, o := range p.Orgs {
		if o.Kind != anbao.KindEnterprise || o.Status != anbao.OrgActive || o.Profile == nil {
			continue
		}
		prov, ok := engaged[ref]
		if !ok {
			prov = -1
		}
		out = append(out, assessOne(r, ref, o, prov))
	}
	return out
}

func assessOne(r *rand.Rand, ref int, o *anbao.Organisation, prov int) Assessment {
	pr := o.Profile
	section := pr.Industry
	if d, ok := refdata.DivisionByCode(pr.Industry); ok {
		section = d.Section
	}
	m := 0.45 + sizeMaturity[pr.Size] + industryMaturity[section] + 0.22*r.NormFloat64()
	if pr.CII {
		m += 0.08
	}
	m = math.Max(0.02, math.Min(0.98, m))
	// has draws a control present with a probability rising with maturity
	// past the control's difficulty.
	has := func(difficulty float64) bool {
		return r.Float64() < 1/(1+math.Exp(-9*(m-difficulty)))
	}
	a := Assessment{EnterpriseRef: ref, ProviderRef: prov, Maturity: m, Answers: map[string]Answer{}}
	set := func(id string, v Answer) { a.Answers[id] = v }
	yes := func(id string, difficulty float64) bool {
		v := has(difficulty)
		set(id, Answer{Bool: pb(v)})
		return v
	}
	choice := func(id, v string) { set(id, Answer{Choice: v}) }

	revenue := pr.RevenueFen / 100
	set("revenue", Answer{Int: &revenue})
	choice("industry", section)
	switch e := pr.Employees; {
	case e < 50:
		choice("employees_band", "lt50")
	case e < 300:
		choice("employees_band", "50_299")
	case e < 1000:
		choice("employees_band", "300_999")
	case e < 5000:
		choice("employees_band", "1000_4999")
	default:
		choice("employees_band", "ge5000")
	}
	// Personal-information records: consumer-facing sections hold many.
	pi := []string{"lt10k", "10k_100k", "100k_1m", "1m_10m", "ge10m"}
	k := map[anbao.SizeClass]int{anbao.SizeLarge: 3, anbao.SizeMedium: 2, anbao.SizeSmall: 1, anbao.SizeMicro: 0}[pr.Size]
	if section == "J" || section == "I" || section == "G" || section == "Q" {
		k++
	}
	k = max(0, min(len(pi)-1, k+r.IntN(3)-1))
	a.PIRecords = pi[k]
	choice("pi_records_band", pi[k])
	incidents := "0"
	if x := r.Float64(); x < 0.25*(1.2-m) {
		incidents = "1"
		if x < 0.06*(1.2-m) {
			incidents = "2"
		}
	}
	choice("prior_incidents_3y", incidents)
	set("known_circumstances", Answer{Bool: pb(r.Float64() < 0.02)})
	set("legal_actions", Answer{Bool: pb(r.Float64() < 0.01)})
	set("high_risk_activities", Answer{Choices: highRisk(r, section)})

	yes("mfa_email", 0.35)
	yes("mfa_remote", 0.3)
	yes("mfa_privileged", 0.5)
	freq := []string{"none", "monthly", "weekly", "daily"}[min(3, int(m*4.2+r.Float64()*0.6))]
	choice("backup_frequency", freq)
	if freq != "none" {
		a.Offline = yes("backup_offline", 0.45)
		yes("backup_tested", 0.6)
	}
	edr := []string{"none", "antivirus", "edr", "mdr"}[min(3, int(m*3.3+r.Float64()*0.5))]
	choice("edr", edr)
	gw := yes("email_gateway", 0.3)
	domain := fmt.Sprintf("e%d.demo.anbao.cn", ref)
	set("domains", Answer{List: []string{domain}})
	dm := []string{"none", "p_none", "quarantine", "reject"}[min(3, int(m*3.4+r.Float64()*0.4))]
	if !gw && dm == "reject" {
		dm = "quarantine"
	}
	choice("dmarc", dm)
	ftc := []string{}
	for i, c := range []string{"dual_approval", "callback", "authorised_staff", "new_payee_check"} {
		if has(0.25 + 0.1*float64(i)) {
			ftc = append(ftc, c)
		}
	}
	set("funds_transfer_controls", Answer{Choices: ftc})
	choice("device_encryption", []string{"no", "partial", "yes"}[min(2, int(m*2.6+r.Float64()*0.4))])
	choice("patch_critical_days", []string{"none", "gt30", "le30", "le7"}[min(3, int(m*3.6+r.Float64()*0.4))])
	eol := "none"
	if x := r.Float64(); x < 0.7*(1-m) {
		eol = "present"
		if has(0.5) {
			eol = "segregated"
		}
	}
	choice("eol_software", eol)
	rdp := r.Float64() < 0.35*(1-m)
	set("exposed_remote_ports", Answer{Bool: pb(rdp)})
	yes("boundary_devices_patched", 0.4)
	yes("security_training", 0.35)
	yes("ir_plan_tested", 0.6)
	yes("pam", 0.65)
	yes("dmz", 0.4)
	yes("vendor_management", 0.55)
	yes("hardening_baseline", 0.6)
	set("sensitive_pi", Answer{Bool: pb(section == "Q" || section == "J" || r.Float64() < 0.15)})
	set("cii_operator", Answer{Bool: pb(pr.CII)})
	xb := r.Float64() < 0.12
	set("cross_border_data", Answer{Bool: pb(xb)})
	if xb {
		choice("cross_border_mechanism", []string{"none", "standard_contract", "certification", "security_assessment"}[min(3, int(m*3.5))])
	}
	set("important_data", Answer{Bool: pb(pr.CII || (section == "J" && r.Float64() < 0.4) || r.Float64() < 0.05)})
	yes("data_security_officer", 0.4)
	yes("ddos_protection", 0.45)
	rto := []int{168, 72, 24, 8, 4}[min(4, int(m*4.6+r.Float64()*0.5))]
	a.RTOHours, a.RPOHours = rto, max(1, rto/2)
	rtoF, rpoF := float64(rto), float64(a.RPOHours)
	set("rto_hours", Answer{Number: &rtoF})
	set("rpo_hours", Answer{Number: &rpoF})
	set("security_contact", Answer{Text: "信息安全负责人 / security@" + domain})

	// MLPS: large and CII enterprises run level-3 systems; small ones a level-2 system or none.
	levelMax := 0
	switch {
	case pr.CII || pr.Size == anbao.SizeLarge:
		levelMax = 3
	case pr.Size == anbao.SizeMedium:
		levelMax = 2 + r.IntN(2)
	case r.Float64() < 0.5:
		levelMax = 2
	}
	if levelMax == 0 {
		choice("mlps_level_max", "none")
	} else {
		choice("mlps_level_max", fmt.Sprint(levelMax))
		names := []string{"门户网站", "业务管理系统", "客户服务平台"}
		for i := 0; i < 1+r.IntN(len(names)); i++ {
			lvl := max(2, levelMax-i)
			sys := MLPSSystem{Name: names[i], Level: lvl,
				Filing: fmt.Sprintf("%s%05d-%05d", o.RegistrationDivision[:min(6, len(o.RegistrationDivision))], 10000+ref%89999, 20000+i)}
			if lvl >= 3 || has(0.5) {
				sys.EvalDate = fmt.Sprintf("2026-%02d-%02d", 1+r.IntN(10), 1+r.IntN(28))
				sys.Result = []string{"fail", "basic_pass", "pass"}[min(2, int(m*2.8+r.Float64()*0.4))]
			}
			a.MLPS = append(a.MLPS, sys)
		}
		ev := a.MLPS[0].EvalDate != ""
		set("mlps_evaluated", Answer{Bool: pb(ev)})
		if ev {
			choice("mlps_evaluation_result", a.MLPS[0].Result)
		}
	}

	a.Assets = []Asset{{Kind: "domain", Value: domain, InternetFacing: true},
		{Kind: "software", Value: "cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*", Version: "2.14.1", EOL: false},
	}
	if eol == "present" {
		a.Assets = append(a.Assets, Asset{Kind: "software", Value: "cpe:2.3:o:microsoft:windows_server_2008:r2:sp1:*:*:*:*:*:*", Version: "r2", EOL: true})
	}

	if prov >= 0 {
		a.Findings = findings(r, m, domain, rdp, dm)
	}
	return a
}

func highRisk(r *rand.Rand, section string) []string {
	switch {
	case section == "J" && r.Float64() < 0.3:
		return []string{"payment_processing"}
	case section == "I" && r.Float64() < 0.1:
		return []string{"msp"}
	}
	return []string{} // none of these
}

// findings draws a provider's findings: more and worse for low maturity; a
// share of them already resolved.
func findings(r *rand.Rand, m float64, domain string, rdp bool, dmarc string) []Finding {
	var out []Finding
	n := int(math.Round((1-m)*4 + r.Float64()*2))
	for i := 0; i < n; i++ {
		v := demoVulns[r.IntN(len(demoVulns))]
		dup := false
		for _, f := range out {
			dup = dup || f.CVE == v.CVE
		}
		if dup {
			continue
		}
		sev := "critical"
		if v.CVE == "CVE-2023-4966" || v.CVE == "CVE-2017-0144" {
			sev = "high"
		}
		out = append(out, Finding{Type: "vulnerability", Severity: sev, Title: v.ZH, TitleEN: v.EN, CVE: v.CVE, CVSS: v.Vector,
			Asset: fmt.Sprintf(v.Asset, domain), Remedy: v.Remedy, InternetFacing: true, Status: "open"})
	}
	for _, w := range demoWeaknesses {
		want := r.Float64() < 0.3*(1.1-m)
		switch w.EN {
		case "RDP port 3389 open to the internet":
			want = rdp
		case "No DMARC policy on the mail domain":
			want = dmarc == "none"
		}
		if want {
			out = append(out, Finding{Type: w.Type, Severity: w.Severity, Title: w.ZH, TitleEN: w.EN, CVSS: w.Vector,
				Asset: domain, Remedy: w.Remedy, InternetFacing: w.Internet, Status: "open"})
		}
	}
	// Resolution: mature enterprises have fixed more already.
	for i := range out {
		switch x := r.Float64(); {
		case x < 0.5*m:
			out[i].Status = "fixed"
		case x < 0.5*m+0.08 && out[i].Severity != "critical":
			out[i].Status = "accepted_risk"
		case x < 0.5*m+0.12:
			out[i].Status = "fixed_pending_verification"
		}
	}
	return out
}

// FeedEntry is a demo KEV and EPSS record of one CVE.
type FeedEntry struct {
	CVE, Vendor, Product, Name, DateAdded, DueDate string
	Ransomware                                     bool
	EPSS, Percentile                               float64
}

// Feeds is the demo's feed snapshot for the CVEs of its findings, so that the
// KEV badges and the score's KEV rule show before an operator imports the
// real files. The CVEs are in CISA KEV; the dates and EPSS figures are
// approximate (demo data, marked as such in the import log), and an import of
// the real files replaces them.
var Feeds = []FeedEntry{
	{"CVE-2024-3400", "Palo Alto Networks", "PAN-OS", "Palo Alto Networks PAN-OS Command Injection Vulnerability", "2024-04-12", "2024-04-19", false, 0.943, 0.999},
	{"CVE-2024-21762", "Fortinet", "FortiOS", "Fortinet FortiOS Out-of-Bound Write Vulnerability", "2024-02-09", "2024-02-16", false, 0.922, 0.998},
	{"CVE-2023-4966", "Citrix", "NetScaler ADC and NetScaler Gateway", "Citrix NetScaler ADC and NetScaler Gateway Buffer Overflow Vulnerability", "2023-10-18", "2023-11-08", true, 0.944, 0.999},
	{"CVE-2021-44228", "Apache", "Log4j2", "Apache Log4j2 Remote Code Execution Vulnerability", "2021-12-10", "2021-12-24", true, 0.944, 0.999},
	{"CVE-2019-0708", "Microsoft", "Remote Desktop Services", "Microsoft Remote Desktop Services Remote Code Execution Vulnerability", "2021-11-03", "2022-05-03", true, 0.945, 0.999},
	{"CVE-2017-0144", "Microsoft", "SMBv1", "Microsoft SMBv1 Remote Code Execution Vulnerability", "2022-02-10", "2022-08-10", true, 0.943, 0.999},
	{"CVE-2023-46604", "Apache", "ActiveMQ", "Apache ActiveMQ Deserialization of Untrusted Data Vulnerability", "2023-11-02", "2023-11-23", true, 0.941, 0.999},
	{"CVE-2022-22965", "VMware", "Spring Framework", "Spring Framework JDK 9+ Remote Code Execution Vulnerability", "2022-04-04", "2022-04-25", false, 0.943, 0.999},
}
