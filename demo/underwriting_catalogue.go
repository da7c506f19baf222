package demo

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/anbao/anbao/cover"
	"github.com/anbao/anbao/rating"
)

// The demo insurers' product catalogue: clause libraries, product definitions and tariffs.

// The catalogue.

const yuan = 100

// uwInsurer is what the generator knows of demo insurer i (ins1…ins6).
type uwInsurer struct {
	company  string  // five digits of the registration numbers [A]
	extPre   string  // prefix of its own policy numbers
	share    int     // relative share of the book
	level    float64 // base-rate level against the seed tariff
	products []uwProductSpec
}

// uwProductSpec describes a product to build.
type uwProductSpec struct {
	code, zh, en string
	market       string
	launch       string // v1 effective (YYYY-MM-DD)
	v2           string // v2 effective, "" for none
}

var uwInsurers = []uwInsurer{
	{"00127", "PCYA", 27, 1.00, []uwProductSpec{
		{"CY-SME", "网络安全保险（中小企业版）", "Cyber Insurance (SME Edition)", "sme", "2024-01-01", "2025-07-01"},
		{"CY-DSL", "数据安全责任保险", "Data Security Liability Insurance", "liability", "2024-03-01", ""},
		{"CY-PARK", "园区网络安全综合保险", "Industrial Park Cyber Insurance", "park", "2024-06-01", ""},
	}},
	{"00239", "AYHB", 22, 1.10, []uwProductSpec{
		{"YH-PROP", "网络安全财产损失保险", "Cyber Property Loss Insurance", "property", "2024-01-01", "2025-04-01"},
		{"YH-ARW-2026", "抗勒索软件产品服务保险（2026版）", "Anti-Ransomware Product-Service Insurance (2026 Edition)", "ps:anti_ransomware", "2026-01-01", ""},
		{"YH-CII", "关键信息基础设施网络安全综合保险", "Critical Information Infrastructure Cyber Insurance", "large", "2024-01-01", ""},
	}},
	{"00318", "PLCW", 18, 0.95, []uwProductSpec{
		{"LC-SRDI", "网络安全综合保险（专精特新版）", "Cyber Insurance (Specialised SME Edition)", "specialised", "2024-02-01", "2025-10-01"},
		{"LC-DDOS", "抗DDoS攻击产品服务保险", "Anti-DDoS Product-Service Insurance", "ps:anti_ddos", "2024-06-01", ""},
	}},
	{"00452", "SYWX", 14, 1.05, []uwProductSpec{
		{"SY-LIAB", "网络安全责任保险", "Cyber Liability Insurance", "liability", "2024-01-01", ""},
		{"SY-EPP", "终端安全防护产品服务保险", "Endpoint Protection Product-Service Insurance", "ps:endpoint_protection", "2024-09-01", ""},
		{"SY-PARK", "园区保·网络安全综合保险", "Park Cyber Insurance (园区保)", "park", "2025-01-01", ""},
	}},
	{"00561", "YNCA", 11, 0.90, []uwProductSpec{
		{"YN-IIOT", "工业互联网网络安全保险", "Industrial Internet Cyber Insurance", "industrial", "2024-01-01", ""},
		{"YN-MCS", "安全托管云服务产品服务保险", "Managed Cloud Security Product-Service Insurance", "ps:managed_cloud_security", "2025-03-01", ""},
	}},
	{"00674", "JHWB", 8, 1.15, []uwProductSpec{
		{"JH-INCL", "网络安全保险（普惠版）", "Cyber Insurance (Inclusive Edition)", "inclusive", "2024-04-01", ""},
		{"JH-FIN", "金融机构网络安全综合保险", "Financial Institutions Cyber Insurance", "finance", "2024-01-01", ""},
	}},
}

// uwClause is a clause of every insurer's library; v2 holds the second
// version's text where there is one.
type uwClause struct {
	code, zh, en, textZH, textEN string
	v2ZH, v2EN                   string
}

var uwClauses = []uwClause{
	{"war_cyber_operation", "战争及国家网络行动除外", "War and state cyber operations",
		"由于战争、类似战争行为、敌对行为、军事行动、武装冲突、恐怖活动、叛乱、暴动，或由任何国家或其代表实施、指使的网络行动直接或间接造成的损失、费用和责任，保险人不负责赔偿。网络行动是否可归因于某一国家，以该国政府或联合国的正式认定为准；无正式认定的，由保险人承担举证责任。",
		"The insurer is not liable for any loss, cost or liability caused directly or indirectly by war, warlike acts, hostilities, military operations, armed conflict, terrorism, rebellion or riot, or by a cyber operation carried out or directed by a state or on its behalf. Whether a cyber operation is attributable to a state is decided by a formal attribution of a government or of the United Nations; absent one, the insurer bears the burden of proof.",
		"由于战争、类似战争行为、敌对行为、军事行动、武装冲突、恐怖活动、叛乱、暴动，或由任何国家或其代表实施、指使的网络行动直接或间接造成的损失、费用和责任，保险人不负责赔偿。本条所称网络行动，指一国或其代表针对另一国计算机系统实施、对该国安全或重要功能造成重大不利影响的网络攻击；被保险人的计算机系统并非该网络行动的直接目标、仅受附带影响的，不适用本条。网络行动的归因以政府或联合国的正式认定为准，无正式认定的由保险人承担举证责任。",
		"The insurer is not liable for any loss, cost or liability caused directly or indirectly by war, warlike acts, hostilities, military operations, armed conflict, terrorism, rebellion or riot, or by a cyber operation carried out or directed by a state or on its behalf. A cyber operation here is a cyber attack by a state or on its behalf against another state's computer systems that significantly impairs that state's security or essential functions; this exclusion does not apply where the insured's computer system was not a direct target and was affected only incidentally. Attribution follows a formal attribution of a government or of the United Nations; absent one, the insurer bears the burden of proof."},
	{"infrastructure_outage", "公共基础设施故障除外", "Infrastructure outage",
		"因电力、燃气、供水中断，或电信运营商骨干网络、互联网域名根服务、卫星等公共基础设施中断或故障造成的损失，保险人不负责赔偿，但该中断或故障完全发生于被保险人控制的计算机系统内的除外。被保险人租用的云服务中断不属于本条所称公共基础设施故障。",
		"The insurer is not liable for loss caused by an interruption of electricity, gas or water, or by an outage or failure of public infrastructure such as a telecom operator's backbone network, the internet's root name service or satellites, unless the outage or failure occurred entirely within computer systems under the insured's control. An outage of cloud services the insured rents is not an infrastructure outage under this clause.", "", ""},
	{"prior_known", "已知情况及追溯期前事件除外", "Prior known circumstances and acts before the retroactive date",
		"保险期间开始前被保险人已知或应当知道可能引起索赔的事件或情况，以及在保险单载明的追溯期开始日之前发生的网络安全事件或不当行为引起的损失和索赔，保险人不负责赔偿。被保险人已在投保时如实告知、且保险人书面同意承保的情况除外。",
		"The insurer is not liable for loss or claims arising from events or circumstances the insured knew or should have known before the period of insurance began and that could give rise to a claim, or from security incidents or wrongful acts before the retroactive date in the schedule, unless the insured disclosed them truthfully on application and the insurer agreed in writing to cover them.", "", ""},
	{"intentional_acts", "故意行为除外", "Intentional acts",
		"被保险人及其董事、监事、高级管理人员的故意行为、欺诈行为或违法犯罪行为造成的损失、费用和责任，保险人不负责赔偿。雇员的故意行为未经被保险人管理层授意、纵容或知情的，不适用本条。",
		"The insurer is not liable for loss, cost or liability caused by intentional, fraudulent or criminal acts of the insured or its directors, supervisors or senior managers. Intentional acts of an employee that the insured's management neither directed, condoned nor knew of are not excluded.", "", ""},
	{"fines_penalties", "罚款罚金（依法不可承保部分）除外", "Fines and penalties (where uninsurable by law)",
		"被保险人被依法处以的罚金、没收违法所得以及惩罚性赔偿，保险人不负责赔偿。行政罚款依照中华人民共和国法律不得由保险承担的，保险人不负责赔偿；依法可以承保的，以保险单另行约定的分项限额为限。",
		"The insurer does not pay criminal fines, confiscated illegal gains or punitive damages imposed on the insured. Administrative fines are not paid where Chinese law does not allow them to be insured; where it does, they are paid up to the sublimit agreed in the schedule.", "", ""},
	{"unpatched_critical", "未修复已知高危漏洞除外", "Known critical vulnerabilities left unremediated",
		"保险人或其认可的服务机构在安全评估中书面告知被保险人的高危及以上漏洞，被保险人自收到通知之日起三十日内既未修复、也未采取经保险人认可的缓解措施的，由该漏洞直接导致的损失，保险人不负责赔偿。已修复或已采取缓解措施的，不受本条限制。",
		"The insurer is not liable for loss directly caused by a high or critical vulnerability that the insurer or an approved provider notified to the insured in writing in a security assessment, where the insured neither fixed it nor applied a mitigation the insurer accepts within thirty days of the notice. A vulnerability fixed or mitigated is not excluded.",
		"保险人或其认可的服务机构在安全评估中书面告知被保险人的高危及以上漏洞，以及列入国家信息安全漏洞共享平台（CNVD）或美国网络安全与基础设施安全局已知被利用漏洞目录（KEV）的漏洞，被保险人自收到通知或漏洞公开之日起三十日内既未修复、也未采取经保险人认可的缓解措施的，由该漏洞直接导致的损失，保险人不负责赔偿；但保险人可按保险单约定提高每次事故免赔额后予以赔偿的除外。",
		"The insurer is not liable for loss directly caused by a high or critical vulnerability that the insurer or an approved provider notified to the insured in writing, or that is listed in CNVD or in CISA's Known Exploited Vulnerabilities catalogue, where the insured neither fixed it nor applied a mitigation the insurer accepts within thirty days of the notice or the publication, unless the schedule lets the insurer pay with a raised per-occurrence deductible."},
	{"contractual_liability", "合同责任除外", "Contractual liability",
		"被保险人通过合同或者协议承担的赔偿责任，保险人不负责赔偿；但即使没有该合同或者协议，被保险人依法仍应承担的赔偿责任除外。",
		"The insurer does not pay liability the insured assumed under a contract or agreement, except liability the insured would bear by law without it.", "", ""},
	{"bodily_injury", "人身伤亡及有形财产损失除外", "Bodily injury and property damage",
		"任何人的人身伤亡、疾病，以及有形财产的损毁或灭失，保险人不负责赔偿；因网络安全事件侵害个人信息权益，依法应由被保险人承担的精神损害赔偿除外。",
		"The insurer does not pay for bodily injury, sickness or death of any person, or for the destruction or loss of tangible property, except damages for emotional distress the insured must bear by law for an infringement of personal-information rights in a security incident.", "", ""},
	{"unlawful_collection", "违法收集使用个人信息除外", "Unlawful collection of personal information",
		"被保险人违反《中华人民共和国个人信息保护法》等法律法规，未经同意或者超出约定范围收集、使用、向他人提供个人信息引起的损失和责任，保险人不负责赔偿。",
		"The insurer is not liable for loss or liability arising from the insured collecting, using or providing personal information without consent or beyond the agreed scope in breach of the Personal Information Protection Law or other laws.", "", ""},
}

// clauseV2 names the insurers (1-based) whose library has a second version of a clause, and when.
var clauseV2 = map[string]map[int]string{
	"war_cyber_operation": {1: "2025-06-10", 2: "2025-03-15", 3: "2025-09-12"},
	"unpatched_critical":  {2: "2025-03-15", 4: "2025-11-20"},
}

// The standard contingencies.
var (
	contApplication = cover.ContingencyTemplate{Kind: cover.PreBind, TextZH: "签署投保单并加盖公章，如实填写网络安全风险问卷",
		TextEN: "Sign and seal the application and answer the cyber-risk questionnaire truthfully", DueDays: 30}
	contAssessment = cover.ContingencyTemplate{Kind: cover.PostBind, TextZH: "起保后 30 日内完成由保险人认可的服务机构实施的网络安全评估",
		TextEN: "Complete a security assessment by an approved provider within 30 days of inception", DueDays: 30}
	contMFA = cover.ContingencyTemplate{Kind: cover.PostBind, TextZH: "起保后 60 日内对远程访问和管理员账户启用多因素认证",
		TextEN: "Enable MFA for remote access and administrator accounts within 60 days of inception", DueDays: 60}
	contMLPS = cover.ContingencyTemplate{Kind: cover.PreBind, TextZH: "提供核心业务系统的等级保护备案证明及最近一次测评报告",
		TextEN: "Provide the MLPS filing certificate of the core systems and the latest evaluation report", DueDays: 30}
)

var securityProductZH = map[string]string{
	"anti_ransomware":        "防勒索软件防护产品",
	"anti_ddos":              "抗 DDoS 攻击防护服务",
	"endpoint_protection":    "终端安全防护产品",
	"managed_cloud_security": "安全托管云服务",
}

// definition builds the product definition of a market; v2 is the second version.
func definition(market string, v2 bool) (cover.Definition, []string) {
	d, o, cm := cover.Discovered, cover.Occurrence, cover.ClaimsMade
	liab := func(code string) cover.Coverage {
		return cover.Coverage{Code: code, Trigger: cm, ReportingDays: 60, DefenceInside: true}
	}
	bi := func(hours, days int) cover.Coverage {
		return cover.Coverage{Code: cover.CovBusinessInterruption, WaitingHours: hours, WaitingMode: cover.WaitTimeDeductible, IndemnityDays: days, Trigger: d}
	}
	ext := func(sub int64, coins int) cover.Coverage {
		return cover.Coverage{Code: cover.CovExtortion, Sublimit: sub * yuan, CoinsuranceBP: coins, Trigger: d}
	}
	first := []cover.Coverage{
		{Code: cover.CovDirectLoss, Trigger: o},
		bi(10, 90),
		{Code: cover.CovDataRestoration, Trigger: d},
		{Code: cover.CovHardware, Sublimit: 200_000 * yuan, Trigger: d},
		{Code: cover.CovEmergencyResponse, Trigger: d},
		{Code: cover.CovPublicRelations, Sublimit: 200_000 * yuan, Trigger: d},
		{Code: cover.CovLegal, Sublimit: 500_000 * yuan, Trigger: d},
		ext(500_000, 2000),
		{Code: cover.CovFundsTransfer, Sublimit: 500_000 * yuan, Deductible: 10_000 * yuan, Trigger: d},
	}
	core := []string{"war_cyber_operation", "infrastructure_outage", "prior_known", "intentional_acts", "fines_penalties", "unpatched_critical"}
	liabX := []string{"war_cyber_operation", "prior_known", "intentional_acts", "fines_penalties", "contractual_liability", "bodily_injury", "unlawful_collection"}
	def := cover.Definition{TermMonths: 12, QuoteValidDays: 30,
		Contingencies: []cover.ContingencyTemplate{contApplication, contAssessment}}
	var excl []string
	switch {
	case market == "sme":
		def.Type, def.MinLimit, def.MaxLimit, def.MinRetention = cover.TypeCombined, 300_000*yuan, 10_000_000*yuan, 5_000*yuan
		def.Coverages = append(slices.Clone(first), liab(cover.CovDataLeakLiability), liab(cover.CovSecurityLiability))
		def.Entitlements = []cover.Entitlement{
			{Service: "vulnerability_scan", Unit: cover.UnitTimes, Quantity: 2, ValueFen: 10_000 * yuan},
			{Service: "emergency_drill", Unit: cover.UnitTimes, Quantity: 1, ValueFen: 8_000 * yuan},
			{Service: "incident_response_hours", Unit: cover.UnitHours, Quantity: 40, ValueFen: 60_000 * yuan},
		}
		if v2 {
			// v2: a 12-hour waiting period, a 120-day indemnity period and a training day.
			def.Coverages[1] = bi(12, 120)
			def.Entitlements = append(def.Entitlements, cover.Entitlement{Service: "security_training", Unit: cover.UnitTimes, Quantity: 1, ValueFen: 5_000 * yuan})
		}
		excl = core
	case market == "specialised":
		def.Type, def.MinLimit, def.MaxLimit, def.MinRetention = cover.TypeCombined, 500_000*yuan, 20_000_000*yuan, 10_000*yuan
		def.Coverages = append(slices.Clone(first), liab(cover.CovDataLeakLiability), liab(cover.CovSecurityLiability), liab(cover.CovProductLiability))
		def.Coverages[1] = bi(8, 120)
		def.Entitlements = []cover.Entitlement{
			{Service: "risk_assessment", Unit: cover.UnitTimes, Quantity: 1, ValueFen: 30_000 * yuan},
			{Service: "penetration_test", Unit: cover.UnitTimes, Quantity: 1, ValueFen: 40_000 * yuan},
			{Service: "incident_response_hours", Unit: cover.UnitHours, Quantity: 40, ValueFen: 60_000 * yuan},
		}
		if v2 {
			def.Coverages[1] = bi(8, 180)
			def.Entitlements = append(def.Entitlements, cover.Entitlement{Service: "emergency_drill", Unit: cover.UnitTimes, Quantity: 1, ValueFen: 8_000 * yuan})
		}
		excl = core
	case market == "inclusive":
		def.Type, def.MinLimit, def.MaxLimit, def.MinRetention = cover.TypeCombined, 100_000*yuan, 1_000_000*yuan, 2_000*yuan
		def.Coverages = []cover.Coverage{
			bi(12, 90),
			{Code: cover.CovDataRestoration, Trigger: d},
			{Code: cover.CovEmergencyResponse, Trigger: d},
			ext(50_000, 3000),
			liab(cover.CovDataLeakLiability),
		}
		def.Entitlements = []cover.Entitlement{
			{Service: "vulnerability_scan", Unit: cover.UnitTimes, Quantity: 1, ValueFen: 3_000 * yuan},
			{Service: "incident_response_hours", Unit: cover.UnitHours, Quantity: 8, ValueFen: 10_000 * yuan},
		}
		def.Contingencies = []cover.ContingencyTemplate{contApplication}
		excl = []string{"war_cyber_operation", "infrastructure_outage", "prior_known", "intentional_acts", "fines_penalties"}
	case market == "liability":
		def.Type, def.MinLimit, def.MaxLimit, def.MinRetention = cover.TypeLiability, 1_000_000*yuan, 50_000_000*yuan, 10_000*yuan
		def.Coverages = []cover.Coverage{liab(cover.CovDataLeakLiability), liab(cover.CovSecurityLiability),
			{Code: cover.CovMediaLiability, Sublimit: 1_000_000 * yuan, Trigger: cm, ReportingDays: 60, DefenceInside: true},
			liab(cover.CovOutsourcerLiability), liab(cover.CovProfessional)}
		def.Entitlements = []cover.Entitlement{
			{Service: "risk_assessment", Unit: cover.UnitTimes, Quantity: 1, ValueFen: 30_000 * yuan},
			{Service: "forensics", Unit: cover.UnitTimes, Quantity: 1, ValueFen: 50_000 * yuan},
		}
		excl = liabX
	case market == "property", market == "industrial":
		def.Type, def.MinLimit, def.MaxLimit, def.MinRetention = cover.TypeProperty, 500_000*yuan, 50_000_000*yuan, 10_000*yuan
		def.Coverages = slices.Clone(first[:8])
		def.Coverages[7] = ext(1_000_000, 2000)
		def.Coverages[1] = bi(12, 120)
		def.Entitlements = []cover.Entitlement{
			{Service: "vulnerability_scan", Unit: cover.UnitTimes, Quantity: 2, ValueFen: 10_000 * yuan},
			{Service: "data_recovery", Unit: cover.UnitTimes, Quantity: 1, ValueFen: 50_000 * yuan},
			{Service: "incident_response_hours", Unit: cover.UnitHours, Quantity: 40, ValueFen: 60_000 * yuan},
		}
		if market == "industrial" {
			def.Coverages[1] = bi(12, 180)
			def.Entitlements[0] = cover.Entitlement{Service: "risk_assessment", Unit: cover.UnitTimes, Quantity: 1, ValueFen: 40_000 * yuan}
			def.Contingencies = append(def.Contingencies, contMFA)
		}
		if v2 {
			def.Coverages[1] = bi(8, 150)
		}
		excl = core
	case market == "large", market == "finance", market == "park":
		def.Type, def.MinLimit, def.MaxLimit, def.MinRetention = cover.TypeCombined, 5_000_000*yuan, 200_000_000*yuan, 50_000*yuan
		def.Coverages = append(slices.Clone(first),
			liab(cover.CovDataLeakLiability), liab(cover.CovSecurityLiability), liab(cover.CovMediaLiability), liab(cover.CovOutsourcerLiability))
		def.Coverages[1] = bi(12, 180)
		def.Coverages[3].Sublimit = 2_000_000 * yuan
		def.Coverages[7] = ext(2_000_000, 2000)
		def.Entitlements = []cover.Entitlement{
			{Service: "penetration_test", Unit: cover.UnitTimes, Quantity: 2, ValueFen: 80_000 * yuan},
			{Service: "emergency_drill", Unit: cover.UnitTimes, Quantity: 1, ValueFen: 20_000 * yuan},
			{Service: "incident_response_hours", Unit: cover.UnitHours, Quantity: 120, ValueFen: 180_000 * yuan},
			{Service: "forensics", Unit: cover.UnitTimes, Quantity: 1, ValueFen: 100_000 * yuan},
		}
		excl = append(slices.Clone(core), "contractual_liability", "bodily_injury")
		switch market {
		case "large":
			// Emergency response sits on top of the aggregate (a limit outside it).
			def.Coverages[4] = cover.Coverage{Code: cover.CovEmergencyResponse, Sublimit: 2_000_000 * yuan, Outside: true, Trigger: d}
			def.Contingencies = append(def.Contingencies, contMLPS)
		case "finance":
			def.Coverages[8].Sublimit = 1_000_000 * yuan
			def.Contingencies = append(def.Contingencies, contMLPS)
		case "park":
			def.MinLimit, def.MinRetention = 5_000_000*yuan, 10_000*yuan
			def.Entitlements = []cover.Entitlement{
				{Service: "vulnerability_scan", Unit: cover.UnitTimes, Quantity: 30, ValueFen: 150_000 * yuan},
				{Service: "security_training", Unit: cover.UnitTimes, Quantity: 4, ValueFen: 20_000 * yuan},
				{Service: "emergency_drill", Unit: cover.UnitTimes, Quantity: 1, ValueFen: 20_000 * yuan},
				{Service: "incident_response_hours", Unit: cover.UnitHours, Quantity: 200, ValueFen: 300_000 * yuan},
			}
		}
	case strings.HasPrefix(market, "ps:"):
		sp := strings.TrimPrefix(market, "ps:")
		def.Type, def.SecurityProduct = cover.TypeProductService, sp
		def.MinLimit, def.MaxLimit, def.MinRetention = 100_000*yuan, 5_000_000*yuan, 2_000*yuan
		def.Contingencies = []cover.ContingencyTemplate{contApplication, {Kind: cover.PreBind,
			TextZH: "提供有效期内的" + securityProductZH[sp] + "服务合同，保险期间内保持产品正常运行并及时升级",
			TextEN: "Provide the service contract of the security product, in force, and keep the product running and up to date during the period", DueDays: 30}}
		switch sp {
		case "anti_ransomware":
			def.Coverages = []cover.Coverage{ext(300_000, 2000), {Code: cover.CovDataRestoration, Trigger: d}, bi(12, 90),
				{Code: cover.CovEmergencyResponse, Trigger: d}}
			def.Entitlements = []cover.Entitlement{
				{Service: "data_recovery", Unit: cover.UnitTimes, Quantity: 1, ValueFen: 50_000 * yuan},
				{Service: "incident_response_hours", Unit: cover.UnitHours, Quantity: 24, ValueFen: 36_000 * yuan},
			}
		case "anti_ddos":
			def.Coverages = []cover.Coverage{{Code: cover.CovBusinessInterruption, WaitingHours: 8, WaitingMode: cover.WaitTrigger, IndemnityDays: 90, Trigger: d},
				{Code: cover.CovEmergencyResponse, Trigger: d}, liab(cover.CovSecurityLiability)}
			def.Entitlements = []cover.Entitlement{
				{Service: "ddos_mitigation", Unit: cover.UnitDays, Quantity: 30, ValueFen: 60_000 * yuan},
				{Service: "incident_response_hours", Unit: cover.UnitHours, Quantity: 16, ValueFen: 24_000 * yuan},
			}
		case "endpoint_protection":
			def.Coverages = []cover.Coverage{{Code: cover.CovDataRestoration, Trigger: d}, {Code: cover.CovHardware, Sublimit: 100_000 * yuan, Trigger: d},
				{Code: cover.CovEmergencyResponse, Trigger: d}, ext(200_000, 3000)}
			def.Entitlements = []cover.Entitlement{
				{Service: "forensics", Unit: cover.UnitTimes, Quantity: 1, ValueFen: 20_000 * yuan},
				{Service: "incident_response_hours", Unit: cover.UnitHours, Quantity: 16, ValueFen: 24_000 * yuan},
			}
		case "managed_cloud_security":
			def.Coverages = []cover.Coverage{{Code: cover.CovDataRestoration, Trigger: d}, {Code: cover.CovEmergencyResponse, Trigger: d},
				liab(cover.CovDataLeakLiability), liab(cover.CovSecurityLiability)}
			def.Entitlements = []cover.Entitlement{
				{Service: "vulnerability_scan", Unit: cover.UnitTimes, Quantity: 4, ValueFen: 20_000 * yuan},
				{Service: "incident_response_hours", Unit: cover.UnitHours, Quantity: 24, ValueFen: 36_000 * yuan},
			}
		}
		excl = []string{"war_cyber_operation", "infrastructure_outage", "prior_known", "intentional_acts", "unpatched_critical"}
	default:
		panic("demo: unknown market " + market)
	}
	return def, excl
}

// marketLevel prices the markets against the seed tariff.
var marketLevel = map[string]float64{"sme": 2.3, "specialised": 2.2, "inclusive": 1.1, "liability": 2.1, "property": 2.2,
	"industrial": 2.3, "large": 3.9, "finance": 4.0, "park": 5.0}

// ratingConfig builds an insurer's tariff for a product from the seed: its
// base-rate level, a rule or two and its authority envelope.
func ratingConfig(ins int, market string, v2 bool) rating.Config {
	c := rating.SeedConfig()
	level := uwInsurers[ins].level
	if strings.HasPrefix(market, "ps:") {
		level *= 1.0
		c.MinimumPremium = 800 * yuan
		c.Envelope.MaxLimit = 5_000_000 * yuan
	} else {
		level *= marketLevel[market]
	}
	if v2 {
		level *= 0.95 // the second version: a 5% rate reduction on the first year's experience [A]
	}
	for i := range c.BaseRates {
		for j := range c.BaseRates[i] {
			c.BaseRates[i][j] = int64(math.Round(float64(c.BaseRates[i][j])*level/(100*yuan))) * 100 * yuan
		}
	}
	switch market {
	case "large", "finance", "park":
		// Towers up to ¥200M: the increased-limit curve goes on.
		c.LimitFactors = append(c.LimitFactors, rating.Point{Amount: 100_000_000 * yuan, Factor: 75000}, rating.Point{Amount: 200_000_000 * yuan, Factor: 95000})
		c.Envelope.MaxLimit, c.Envelope.MaxPremium, c.Envelope.MaxRevenue = 30_000_000*yuan, 1_500_000*yuan, 0
		c.MinimumPremium = 20_000 * yuan
		if market == "finance" {
			c.Envelope.ReferIndustries = nil // built for banks and insurers
		}
	case "inclusive":
		c.MinimumPremium = 600 * yuan
		c.Envelope.MaxLimit = 1_000_000 * yuan
		c.Envelope.Grades = []string{"A", "B", "C", "D"}
	case "liability":
		c.Envelope.MaxLimit = 10_000_000 * yuan
	}
	switch ins {
	case 0, 2, 5:
		// These insurers decline no grade outright: an underwriter looks at
		// grade E with the enterprise's remediation plan.
		c.Envelope.DeclineGrades = nil
		c.Rules = append(c.Rules, rating.Rule{ID: "refer_grade_e", When: rating.When{Grades: []string{"E"}}, Then: rating.Action{Kind: rating.ActRefer},
			MessageZH: "安保评分等级 E，须由核保人结合整改计划审核", MessageEN: "Anbao grade E: an underwriter reviews it with the remediation plan"})
	}
	switch ins {
	case 0:
		c.Envelope.MaxLimit = max(c.Envelope.MaxLimit, 10_000_000*yuan)
	case 1:
		c.Rules = append(c.Rules, rating.Rule{ID: "finance_loading", When: rating.When{Industries: []string{"J"}},
			Then: rating.Action{Kind: rating.ActSurcharge, BP: 11000}, MessageZH: "金融业附加费率 10%", MessageEN: "Finance: a 10% loading"})
	case 2:
		c.Rules = append(c.Rules, rating.Rule{ID: "bi_waiting_internet", When: rating.When{Industries: []string{"I"}},
			Then:      rating.Action{Kind: rating.ActWaitingPeriod, Coverage: cover.CovBusinessInterruption, Hours: 10, WaitingMode: cover.WaitTimeDeductible},
			MessageZH: "信息传输、软件和信息技术服务业营业中断等待期为 10 小时", MessageEN: "Information and software services: the business-interruption waiting period is 10 hours"})
	case 3:
		for i := range c.Rules {
			if c.Rules[i].ID == "extortion_coinsurance_no_backups" {
				c.Rules[i].Then.BP = 3000
				c.Rules[i].MessageZH = "未落实离线备份的，网络勒索损失由被保险人自担 30%"
				c.Rules[i].MessageEN = "Without offline backups the insured bears 30% of each extortion loss"
			}
		}
	case 4:
		c.Rules = append(c.Rules, rating.Rule{ID: "refer_grade_d", When: rating.When{Grades: []string{"D"}},
			Then: rating.Action{Kind: rating.ActRefer}, MessageZH: "安保评分等级 D 须人工核保", MessageEN: "Anbao grade D is underwritten by hand"})
		if !strings.HasPrefix(market, "ps:") {
			c.Envelope.MaxLimit = min(c.Envelope.MaxLimit, 3_000_000*yuan)
		}
	case 5:
		c.Rules = append(c.Rules, rating.Rule{ID: "mfa_missing_loading", When: rating.When{MissingAny: []string{"mfa"}},
			Then: rating.Action{Kind: rating.ActSurcharge, BP: 10500}, MessageZH: "未全面启用多因素认证，附加费率 5%", MessageEN: "MFA not in place everywhere: a 5% loading"})
	}
	return *c
}

// regNo makes a product registration number in the real format, "C" and 23
// digits: the company code, the line, the clause kind, the filing date and a
// sequence. The field meanings are approximate [A].
func regNo(company string, typ cover.ProductType, filed time.Time, seq int) string {
	t := map[cover.ProductType]string{cover.TypeProperty: "6", cover.TypeLiability: "7", cover.TypeCombined: "8", cover.TypeProductService: "9"}[typ]
	return "C" + company + "830" + t + "1" + filed.Format("20060102") + fmt.Sprintf("%05d", seq%100000)
}

// ---------------------------------------------------------------------------
