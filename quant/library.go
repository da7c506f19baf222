package quant

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// The scenario library: a first, documented five-scenario model of a Chinese
// enterprise built from its profile, and the effect of its security
// controls. The methodology, with every number, formula, source and
// confidence mark, is docs/quant/scenarios.md; every constant is in
// libCalib below, each with its source so an actuary can trace it.

// LibraryVersion identifies the library's parameters. It changes whenever a
// number in libCalib or Controls changes, and is carried in the model's name.
const LibraryVersion = "library/2026.2"

// Profile is what the scenario library needs to know of an enterprise.
type Profile struct {
	// Industry is the GB/T 4754-2017 section letter, A–T. A two-digit
	// division code ("65") is also accepted: it is mapped to its section and
	// refines the size classification (wholesale or retail, say).
	Industry    string   `json:"industry"`
	Revenue     float64  `json:"revenue"`      // yuan per year, > 0
	Employees   int      `json:"employees"`    // staff; 0 = not known
	PIRecords   int64    `json:"pi_records"`   // personal-information records held; 0 = not known
	SensitivePI bool     `json:"sensitive_pi"` // holds sensitive personal information (PIPL art. 28)
	CII         bool     `json:"cii"`          // critical information infrastructure operator
	Controls    []string `json:"controls"`     // ids of the controls in place (see Controls)
}

// Control is a security control and its documented effect on the library's
// scenarios.
type Control struct {
	ID      string   `json:"id"`
	NameZH  string   `json:"name_zh"`
	NameEN  string   `json:"name_en"`
	Effects []Effect `json:"effects"`
	Source  string   `json:"source"`
}

// Effect multiplies one scenario's frequency (the rate of loss events) or
// magnitude (the loss per event) by Factor, in (0, 1].
type Effect struct {
	Scenario string  `json:"scenario"`
	Target   string  `json:"target"` // TargetFrequency or TargetMagnitude
	Factor   float64 `json:"factor"`
}

// Effect targets.
const (
	TargetFrequency = "frequency"
	TargetMagnitude = "magnitude"
)

// The library's scenario ids, in the order of the model.
const (
	ScenarioRansomware  = "ransomware"
	ScenarioDataBreach  = "data_breach"
	ScenarioBEC         = "bec"
	ScenarioDDoSBI      = "ddos_bi"
	ScenarioSupplyChain = "supply_chain"
)

// Codes of profile errors beyond the engine's validation codes.
const (
	CodeUnknownIndustry = "unknown_industry" // Args[0] = the industry given
	CodeUnknownControl  = "unknown_control"  // Args[0] = the control id given
)

// Limits on a profile, far above any real enterprise, so that every
// magnitude stays well inside the engine's maxMean.
const (
	maxProfileRevenue = 1e14 // yuan: 100 trillion, as the store's revenue bound
	maxProfileRecords = 1e11 // records: ten times the world's population
)

// Size classes of the Chinese SME classification.
const (
	sizeLarge  = "large"  // 大型
	sizeMedium = "medium" // 中型
	sizeSmall  = "small"  // 小型
	sizeMicro  = "micro"  // 微型
)

// libScenario is the frequency side of one scenario.
type libScenario struct {
	id, nameZH, nameEN string
	rate               float64 // base loss events a year: medium firm, industry factor 1, no CII, no controls
	cii                float64 // rate multiplier for a CII operator
}

// interval is a 90% interval of a loss component, 5th and 95th percentile.
type interval struct{ low, high float64 }

// sizeRule gives the lower bounds of large, medium and small in one industry
// group of the SME classification; 0 = the criterion is not used. A class
// needs every used bound met; below small is micro.
type sizeRule struct {
	employees [3]float64 // staff: large, medium, small
	revenue   [3]float64 // yuan: large, medium, small
}

// libCalibration holds every number of the library.
type libCalibration struct {
	// Money.
	cnyPerUSD         float64 // market exchange rate
	usCostToChina     float64 // US response work → the same work in China (ratio of USD costs)
	globalCostToChina float64 // an IBM global-average cost → China (ratio of USD costs)
	refRevenueUSD     float64 // revenue of the typical firm behind the SME claims anchors
	revenueElasticity float64 // response costs and BEC amounts ∝ revenue^this

	scenarios []libScenario

	// Frequency factors.
	industry      map[string]float64 // section letter → rate multiplier
	sizeShareHit  map[string]float64 // size class → share of firms with a breach or attack a year
	sizeRef       string             // the class whose factor is 1
	sizeRules     map[string]sizeRule
	sectionGroup  map[string]string // section → its size-rule group
	divisionGroup map[string]string // division → its size-rule group, where it differs from its section's
	sizeFallback  sizeRule          // employees-only groups when the staff count is not known

	// Ransomware: d = revenue/365; loss = days × share × d + response.
	ransomDays     interval
	ransomShare    float64
	ransomResponse interval // USD at the reference revenue

	// Data breach: mean per breach from the IBM log–log line, then a lognormal.
	breachIBMMeanUSD     float64 // global mean cost of a breach
	breachIBMRecords     float64 // records in IBM's typical breach
	breachElasticity     float64 // cost ∝ records^this
	breachMinRecords     float64 // floor of the records figure
	breachExposedMin     float64 // smallest share of the records held that a breach exposes
	breachIBMRevenueUSD  float64 // typical revenue of an IBM participant
	breachSizeElasticity float64 // cost ∝ (revenue/IBM revenue)^this, at most 1
	breachIndustry       map[string]float64
	breachSensitivePI    float64
	breachSigma          float64

	// BEC: mean per loss.
	becMeanUSD  float64
	becCapShare float64 // mean at most this share of revenue
	becSigma    float64

	// DDoS / business interruption: loss = hours/24 × share × d + response.
	ddosHours    interval
	ddosShare    float64
	ddosResponse interval // USD at the reference revenue

	// Supply-chain or cloud outage: loss = days × share × d + response.
	supplyDays     interval
	supplyShare    float64
	supplyResponse interval // USD at the reference revenue

	// Controls.
	minCombinedFactor float64 // floor of the product of the factors on one scenario's frequency or magnitude
}

// libCalib: every number of the library, with its source. Marks: [P] a
// primary source, [S] secondary reporting of one, [M] from memory of a
// source, not re-verified, as in the domain notes (quant.md §5,
// platforms.md); [A] Anbao's own assumption or derivation, stated as such.
var libCalib = libCalibration{
	// [A] Market rate, 2025–26 average rounded; check it against the PBOC
	// central parity when recalibrating.
	cnyPerUSD: 7.1,
	// [A] China's price level ≈ 0.55 of the US (PPP conversion factor ≈ 3.9
	// yuan per international dollar [M] over 7.1), times ≈ 0.7, the typical
	// ratio of breach cost to price level outside the US in IBM's country
	// table (Japan $4.52M, UK $4.21M against US $9.48M in 2023 [S]; Germany
	// $5.31M, India $2.35M against US $9.36M in 2024 [P/S]; price levels
	// ≈ 0.6, 0.85, 0.85, 0.25 of the US [M] give 0.8, 0.5, 0.7, 1.0):
	// 0.55 × 0.7 ≈ 0.40.
	usCostToChina: 0.40,
	// [A] The same China cost level against IBM's global average rather than
	// the US: 0.40 × US $9.36M / global $4.88M (IBM 2024 [P]) = 0.77 ≈ 0.75.
	// IBM does not break China out in any edition (quant.md §5.1): a known gap.
	globalCostToChina: 0.75,
	// [A] NetDiligence's SME claims: 98% of claimants under $2B revenue, 60%
	// under $300M [S]; we take $50M as the typical claimant.
	refRevenueUSD: 50e6,
	// [P] DAV notebook: log severity = 2.93 + 0.23·ln(revenue) ⇒ elasticity
	// 0.23; Romanosky (2016) ≈ 0.3 [M]. We take 0.25.
	revenueElasticity: 0.25,

	scenarios: []libScenario{
		// 0.03: Cyentia IRIS 2025, 9.3% a year for a significant incident at a
		// typical organisation [S] × ransomware in 44% of breaches (Verizon DBIR
		// 2025) [S] = 0.041; UK CSBS 2025, ransomware at ~1% of businesses [P],
		// mostly micro (size factor 0.37) ⇒ 0.027 for a medium firm. CII ×1.5 [A].
		{ScenarioRansomware, "勒索软件", "Ransomware", 0.03, 1.5},
		// 0.04: IRIS 9.3% [S] × the 56% of breaches without ransomware (DBIR
		// 2025) [S] = 0.052, less the non-breach incidents in IRIS's count [A].
		{ScenarioDataBreach, "数据泄露", "Data breach", 0.04, 1.5},
		// 0.10: BEC / funds-transfer fraud is 32% (At-Bay 2025) to 56%
		// (Coalition 2023, with FTF) of claims [S, vendor]; against the other
		// four scenarios' 0.14 that is 0.07–0.18; geometric middle ≈ 0.11,
		// rounded down. CII ×1: BEC does not target CII more [A].
		{ScenarioBEC, "商业邮件欺诈与资金转账诈骗", "BEC / funds-transfer fraud", 0.10, 1},
		// 0.04 [A]: no anchor in the corpus for DDoS or attack outages of a
		// firm's own services. CII ×1.5 [A].
		{ScenarioDDoSBI, "DDoS 攻击与业务中断", "DDoS and business interruption", 0.04, 1.5},
		// 0.03: IRIS 9.3% [S] × third parties involved in 30% of breaches (DBIR
		// 2025) [S] = 0.028. CII ×1.2 [A].
		{ScenarioSupplyChain, "供应链或云服务中断", "Supply-chain or cloud outage", 0.03, 1.2},
	},

	// [A] One factor per GB/T 4754 section, inside the DAV notebook's range
	// of industry factors 0.26–1.31 [P]. The order follows IBM's industry
	// ranking (healthcare and finance highest, public sector lowest) [P] and
	// manufacturing as the most-attacked industry in IBM X-Force 2022–2024
	// [M]; the rest is judgement.
	industry: map[string]float64{
		"A": 0.5, "B": 0.7, "C": 1.1, "D": 1.1, "E": 0.7, "F": 1.0, "G": 1.0, "H": 0.8, "I": 1.2, "J": 1.3,
		"K": 0.8, "L": 1.0, "M": 1.1, "N": 0.8, "O": 0.6, "P": 1.1, "Q": 1.3, "R": 0.8, "S": 0.9, "T": 0.8,
	},
	// [P] UK Cyber Security Breaches Survey 2025: share of businesses with a
	// breach or attack in 12 months, micro 35%, small 42%, medium 67–70% (we
	// take 68.5%), large 74%. Each becomes a rate −ln(1 − share) and the
	// factor is its ratio to medium's [A]: 0.37, 0.47, 1, 1.17.
	sizeShareHit: map[string]float64{sizeMicro: 0.35, sizeSmall: 0.42, sizeMedium: 0.685, sizeLarge: 0.74},
	sizeRef:      sizeMedium,
	// [M] 统计上大中小微型企业划分办法（2017）(NBS), by industry group; the
	// 2011 MIIT rules (工信部联企业〔2011〕300号) have the same bounds. Large,
	// medium and small need every bound met. Total assets, used for
	// construction, real estate and leasing, is not in the profile and is
	// left out. Revenue in yuan (the rules use 万元).
	sizeRules: map[string]sizeRule{
		"agriculture":  {revenue: [3]float64{200e6, 5e6, 0.5e6}},
		"industry":     {employees: [3]float64{1000, 300, 20}, revenue: [3]float64{400e6, 20e6, 3e6}},
		"construction": {revenue: [3]float64{800e6, 60e6, 3e6}},
		"wholesale":    {employees: [3]float64{200, 20, 5}, revenue: [3]float64{400e6, 50e6, 10e6}},
		"retail":       {employees: [3]float64{300, 50, 10}, revenue: [3]float64{200e6, 5e6, 1e6}},
		"transport":    {employees: [3]float64{1000, 300, 20}, revenue: [3]float64{300e6, 30e6, 2e6}},
		"warehousing":  {employees: [3]float64{200, 100, 20}, revenue: [3]float64{300e6, 10e6, 1e6}},
		"postal":       {employees: [3]float64{1000, 300, 20}, revenue: [3]float64{300e6, 20e6, 1e6}},
		"hospitality":  {employees: [3]float64{300, 100, 10}, revenue: [3]float64{100e6, 20e6, 1e6}},
		"telecom":      {employees: [3]float64{2000, 100, 10}, revenue: [3]float64{1000e6, 10e6, 1e6}},
		"software":     {employees: [3]float64{300, 100, 10}, revenue: [3]float64{100e6, 10e6, 0.5e6}},
		"real_estate":  {revenue: [3]float64{2000e6, 10e6, 1e6}},
		"leasing":      {employees: [3]float64{300, 100, 10}},
		"other":        {employees: [3]float64{300, 100, 10}},
	},
	// [A] A section given without its division takes the group of most of
	// its firms: F retail, G transport, I software and IT services.
	sectionGroup: map[string]string{
		"A": "agriculture", "B": "industry", "C": "industry", "D": "industry", "E": "construction",
		"F": "retail", "G": "transport", "H": "hospitality", "I": "software", "J": "other",
		"K": "real_estate", "L": "leasing", "M": "other", "N": "other", "O": "other",
		"P": "other", "Q": "other", "R": "other", "S": "other", "T": "other",
	},
	// [M] The divisions the 2017 rules split out of their section.
	divisionGroup: map[string]string{
		"51": "wholesale", "52": "retail", "59": "warehousing", "60": "postal", "63": "telecom", "64": "telecom",
	},
	// [A] Where a group uses only staff and the count is not known, the
	// industry group's revenue bounds decide.
	sizeFallback: sizeRule{revenue: [3]float64{400e6, 20e6, 3e6}},

	// Ransomware. [A] Interruption of 1 to 21 days (the corpus has no
	// downtime survey; NetDiligence: ransomware causes 81% of SME BI claims
	// [S]) at half of daily revenue lost (margin and extra expense, partial
	// operation) [A].
	ransomDays:  interval{1, 21},
	ransomShare: 0.5,
	// [S] Response, forensics, restoration and any ransom, at the reference
	// revenue: $20k, near the median ransomware loss ($26k, DBIR 2023), to
	// $1M, where DBIR 2023 puts the top 5% of losses ($1–2.25M). Its mean,
	// $286k, lies between NetDiligence's SME crisis-services mean ($152k) and
	// SME ransomware mean ($631k, with BI) [S].
	ransomResponse: interval{20e3, 1e6},

	// Data breach, the log–log approach of quant.md §5.1 (Jacobs 2014: the
	// records × $/record model fits badly; regress log cost on log records
	// [S]). IBM 2024 [P]: $4.88M global mean for breaches of 2,100–113,000
	// records (typical size: the geometric middle, ≈ 15,400 [A]); ≥ 1M
	// records $42M; 50–65M records $375M. Slopes between those points:
	// 0.516 and 0.540 ⇒ elasticity 0.53 [A]. IBM warns that per-record cost
	// must not be extrapolated beyond 100,000 records; the log–log line is
	// the alternative it leaves.
	breachIBMMeanUSD: 4.88e6,
	breachIBMRecords: 15_400,
	breachElasticity: 0.53,
	// [A] A breach exposes at least the staff's own records; below 1,000
	// records the fixed costs (forensics, legal) dominate (Jacobs 2014 [S]).
	breachMinRecords: 1000,
	// [A] A breach exposes a share of the records held, log-uniform between
	// 1% and 100% (most breaches take part of a database, a few take all of
	// it: breach sizes are heavy-tailed, Edwards et al. 2016 and Wheatley et
	// al. 2016 [P]). The mean cost is then IBM's cost at the records held
	// times E[share^0.53] = (1 − 0.01^0.53)/(0.53 · ln 100) = 0.374.
	breachExposedMin: 0.01,
	// [A] IBM's participants are mostly large organisations; we take $1bn of
	// revenue as typical and scale smaller firms down by (revenue/$1bn)^0.6,
	// at most 1. 0.6 echoes Wheatley, Maillart & Sornette (2016), severity
	// ∝ size^0.6 [P]; it puts a ¥100M manufacturer with 20,000 records at
	// ¥0.87M a breach, between NetDiligence's SME crisis-services mean ($152k
	// → ¥0.6M) and SME ransomware mean ($631k → ¥2.5M) [S].
	breachIBMRevenueUSD:  1e9,
	breachSizeElasticity: 0.6,
	// [P] IBM 2024 industry means over the global mean: healthcare
	// $9.77M/$4.88M = 2.0, financial $6.08M/$4.88M = 1.25, public sector
	// $2.55M/$4.88M = 0.52. Other sections: 1 (not broken out in the corpus).
	breachIndustry: map[string]float64{"Q": 2.0, "J": 1.25, "S": 0.52},
	// [A] Sensitive personal information (PIPL art. 28: stricter duties,
	// fines up to 5% of turnover [M]): at least ×1.5, taken once: an industry
	// factor already above 1.5 (healthcare) is not raised further.
	breachSensitivePI: 1.5,
	// [A] σ of the log loss, 1.35 (90% interval high/low ≈ 85). Pooled
	// claims imply more (NetDiligence mean/median ⇒ 1.78 [S]; DAV 1.643
	// [P]) because they mix firms of every size, which the profile already
	// separates; 1.35 stays below the engine's wide-lognormal warning (100).
	breachSigma: 1.35,

	// BEC. [S] FBI IC3 2024: $2.77bn on 21,442 complaints = $129k a
	// complaint, between NetDiligence's SME BEC mean of $98k (5 years) and
	// $183k (2023) [S]. Money transferred, so converted at the market rate
	// only, and scaled by revenue^0.25 from the reference revenue.
	becMeanUSD: 129e3,
	// [A] The mean is at most 2% of revenue (so the 95th percentile, 3.7 ×
	// the mean at σ 1.35, stays under a month of revenue): a fraudulent
	// transfer is one payment run.
	becCapShare: 0.02,
	becSigma:    1.35, // [A] as the data breach's

	// DDoS / BI. [A] Outages of 2 to 48 hours (Coalition's 1-hour DDoS
	// waiting period shows hours matter [S, vendor]; the national incident
	// grading counts outages in hours [S]) with 30% of revenue lost while down
	// (online channels only) [A]; mitigation and response $5k–$150k at the
	// reference revenue [A].
	ddosHours:    interval{2, 48},
	ddosShare:    0.3,
	ddosResponse: interval{5e3, 150e3},

	// Supply-chain or cloud outage. Six hours to six days: AWS us-east-1
	// was down 15 hours in October 2025 [P]; Lloyd's & AIR "Cloud Down"
	// (2018) takes 3–6 days for a top provider [S]. 30% of revenue lost while
	// down, response $10k–$300k at the reference revenue [A].
	supplyDays:     interval{0.25, 6},
	supplyShare:    0.3,
	supplyResponse: interval{10e3, 300e3},

	// [A] Controls overlap (MFA and email security both stop phishing), so
	// their factors on one scenario's frequency or magnitude multiply down to
	// at most a five-fold reduction; Marsh's strongest single control
	// (hardening) is credited with about six-fold [S].
	minCombinedFactor: 0.2,
}

// Controls lists the controls the library knows and their effects, in the
// order a questionnaire asks about them. Published control effects are
// vendor- or broker-reported with unknown methods (platforms.md: "use them as
// directional rating inputs, not calibrated factors"); each factor states its
// anchor, and those marked [A] are Anbao's judgement.
var Controls = []Control{
	{
		ID: "mfa", NameZH: "多因素认证（邮件、远程访问、管理员账户）", NameEN: "MFA on email, remote access and admin accounts",
		// Marsh McLennan Cyber Risk Analytics Center: broad MFA (critical data,
		// all remote access, admin) → 1.4× fewer incidents ⇒ ×1/1.4 = 0.71 [S].
		// Coalition 2023: MFA would have stopped most phishing claims ⇒ BEC ×0.5 [S].
		Effects: []Effect{
			{ScenarioRansomware, TargetFrequency, 0.71},
			{ScenarioDataBreach, TargetFrequency, 0.71},
			{ScenarioBEC, TargetFrequency, 0.5},
		},
		Source: "Marsh McLennan Cyber Risk Analytics Center: broad MFA, 1.4× fewer incidents [S]; Coalition 2023 Cyber Claims Report: MFA would have stopped most phishing claims [S]",
	},
	{
		ID: "edr", NameZH: "终端检测与响应（EDR/MDR）", NameEN: "Endpoint detection and response (EDR/MDR)",
		// Marsh top-five control [S] without a published factor; brokers call
		// EDR the biggest premium lever [S]; secondary sources credit MFA,
		// backups and EDR with 15–28% premium reductions (unverified). [A]:
		// ransomware caught before encryption ×0.7, earlier containment ×0.85,
		// intrusions leading to exfiltration ×0.85.
		Effects: []Effect{
			{ScenarioRansomware, TargetFrequency, 0.7},
			{ScenarioRansomware, TargetMagnitude, 0.85},
			{ScenarioDataBreach, TargetFrequency, 0.85},
		},
		Source: "Marsh 12 key controls (top five) [S]; broker reports [S]; factors Anbao judgement [A]",
	},
	{
		ID: "offline_backups", NameZH: "离线或不可变备份（定期恢复演练）", NameEN: "Offline or immutable backups, restore tested",
		// Marsh top-five control; ransomware sublimit and coinsurance lever in
		// underwriting [S]. [A]: restoring without paying shortens the
		// interruption and avoids the ransom, ×0.6; data theft and extortion
		// remain (pure extortion is 9% of breaches, DBIR 2024 [P]). Data held
		// at a failed provider restored from own copies: supply chain ×0.85.
		Effects: []Effect{
			{ScenarioRansomware, TargetMagnitude, 0.6},
			{ScenarioSupplyChain, TargetMagnitude, 0.85},
		},
		Source: "Marsh 12 key controls (top five) [S]; underwriting practice [S]; factors Anbao judgement [A]",
	},
	{
		ID: "patching", NameZH: "漏洞管理与及时修补（高危漏洞 7 天内）", NameEN: "Vulnerability management, critical patches within 7 days",
		// Coalition 2023: one unresolved critical CVE → 33% more claims ⇒
		// ×1/1.33 = 0.75 on ransomware [S] (Marsh's "halves incident
		// probability" is the optimistic end [S]); DBIR 2025: exploitation is
		// 20% of initial access ⇒ at best ×0.8 on data breach [S].
		Effects: []Effect{
			{ScenarioRansomware, TargetFrequency, 0.75},
			{ScenarioDataBreach, TargetFrequency, 0.8},
		},
		Source: "Coalition 2023 Cyber Claims Report: unresolved critical CVE +33% claims [S]; Marsh: patching within 7 days halves incident probability [S]; Verizon DBIR 2025: exploitation 20% of initial access [S]",
	},
	{
		ID: "email_security", NameZH: "邮件安全网关与 SPF/DKIM/DMARC", NameEN: "Email security gateway and SPF/DKIM/DMARC",
		// [A] the gateway stops half of email-borne attacks. Shares that begin
		// by email (At-Bay 2025 [S, vendor]): 83% of financial fraud ⇒ BEC
		// 1 − 0.83/2 ≈ 0.6; ransomware mostly enters by remote access (80%), so
		// at most 20% by email ⇒ 0.9. Data breach 0.9 [A].
		Effects: []Effect{
			{ScenarioBEC, TargetFrequency, 0.6},
			{ScenarioRansomware, TargetFrequency, 0.9},
			{ScenarioDataBreach, TargetFrequency, 0.9},
		},
		Source: "At-Bay 2025 InsurSec Report: 83% of financial fraud began by email, remote access behind 80% of ransomware [S]; half stopped Anbao assumption [A]",
	},
	{
		ID: "funds_transfer_controls", NameZH: "资金转账控制（双人复核、电话回拨核实、核验新收款账户）", NameEN: "Funds-transfer controls (dual approval, call-back, new-payee checks)",
		// [A] out-of-band call-back stops most fraudulent transfers before the
		// money leaves: BEC loss events ×0.4. Insurers make social-engineering
		// cover conditional on these controls (Cowbell) [S].
		Effects: []Effect{
			{ScenarioBEC, TargetFrequency, 0.4},
		},
		Source: "Cowbell: social-engineering endorsement removed without funds-transfer controls [S]; factor Anbao judgement [A]",
	},
	{
		ID: "training", NameZH: "安全意识培训与钓鱼演练（每年）", NameEN: "Security awareness training and phishing drills (annual)",
		// DBIR 2024: the human element is in 68% of breaches [P]. [A] training
		// cuts successful social engineering by about 30%: BEC 1 − 0.68 × 0.3 ≈
		// 0.8; ransomware and data breach ×0.9.
		Effects: []Effect{
			{ScenarioBEC, TargetFrequency, 0.8},
			{ScenarioRansomware, TargetFrequency, 0.9},
			{ScenarioDataBreach, TargetFrequency, 0.9},
		},
		Source: "Verizon DBIR 2024: human element in 68% of breaches [P]; Marsh 12 key controls [S]; factors Anbao judgement [A]",
	},
	{
		ID: "ddos_protection", NameZH: "抗 DDoS 防护服务", NameEN: "Anti-DDoS protection service",
		// Anti-DDoS is one of the security products the pilot's second batch
		// ties product-service insurance to [S]. [A] scrubbing keeps half of the
		// attacks from becoming outages and shortens the rest: ×0.5, ×0.7.
		Effects: []Effect{
			{ScenarioDDoSBI, TargetFrequency, 0.5},
			{ScenarioDDoSBI, TargetMagnitude, 0.7},
		},
		Source: "Pilot second batch: product-service insurance for anti-DDoS products [S]; factors Anbao judgement [A]",
	},
	{
		ID: "business_continuity", NameZH: "业务连续性与灾备（RTO/RPO，已演练）", NameEN: "Business continuity and disaster recovery (tested RTO/RPO)",
		// Insurers ask for RTO/RPO because they drive BI severity [S]. [A]
		// shorter outages: DDoS/BI and supply chain ×0.7, ransomware ×0.85.
		Effects: []Effect{
			{ScenarioDDoSBI, TargetMagnitude, 0.7},
			{ScenarioSupplyChain, TargetMagnitude, 0.7},
			{ScenarioRansomware, TargetMagnitude, 0.85},
		},
		Source: "Renewal questionnaires ask RTO/RPO as BI-severity factors [S]; factors Anbao judgement [A]",
	},
	{
		ID: "vendor_management", NameZH: "供应商与第三方安全管理", NameEN: "Vendor and third-party security management",
		// DBIR 2025: third parties in 30% of breaches [S]; At-Bay: third-party
		// incidents +43% [S, vendor]. [A] it can prevent some third-party
		// compromises, not a provider's outage: supply chain ×0.85.
		Effects: []Effect{
			{ScenarioSupplyChain, TargetFrequency, 0.85},
		},
		Source: "Verizon DBIR 2025: third parties in 30% of breaches [S]; At-Bay 2025: third-party incidents +43% [S]; factor Anbao judgement [A]",
	},
	{
		ID: "incident_response_plan", NameZH: "应急响应预案（已演练）", NameEN: "Incident response plan, tested",
		// IBM's reports list a tested IR plan among the largest cost
		// reducers [M]; Marsh 12 key controls [S]. [A] data breach ×0.85,
		// ransomware ×0.9.
		Effects: []Effect{
			{ScenarioDataBreach, TargetMagnitude, 0.85},
			{ScenarioRansomware, TargetMagnitude, 0.9},
		},
		Source: "IBM Cost of a Data Breach: IR planning and testing reduce cost [M]; Marsh 12 key controls [S]; factors Anbao judgement [A]",
	},
}

// Library returns the five-scenario compound model of an enterprise, in
// yuan, with the effects of the controls it has in place. A profile the
// library cannot use gets a *FieldError naming the field (profile.revenue,
// profile.controls[2], …).
func Library(p Profile) (*Model, error) {
	section, division, err := checkProfile(&p)
	if err != nil {
		return nil, err
	}
	c := &libCalib
	size := libSizeClass(section, division, p.Revenue, p.Employees)
	m := &Model{
		Name:      fmt.Sprintf("情景库 Scenario library (%s; section %s, %s)", LibraryVersion, section, size),
		Currency:  "CNY",
		Semantics: Compound,
	}
	freqF, magF := controlFactors(p.Controls)
	sizeF := libSizeFactor(size)
	for _, s := range c.scenarios {
		rate := s.rate * c.industry[section] * sizeF
		if p.CII {
			rate *= s.cii
		}
		freq := Dist{Kind: KindConstant, Value: P(roundSig(rate, 3))}
		mag := libMagnitude(s.id, &p, section)
		if f, ok := freqF[s.id]; ok {
			freq = tidyDist(freq.Scaled(f))
		}
		if f, ok := magF[s.id]; ok {
			mag = tidyDist(mag.Scaled(f))
		}
		m.Scenarios = append(m.Scenarios, Scenario{
			ID: s.id, Name: s.nameZH + " (" + s.nameEN + ")",
			Frequency: &freq, Magnitude: &mag,
		})
	}
	return m, nil
}

// WhatIf returns the library model of p as it is (before) and with the
// controls in add put in place too (after), for a comparison on common random
// numbers (Compare). A control already in place changes nothing; an unknown
// id in add is a *FieldError at add[i]. p is not modified.
func WhatIf(p Profile, add []string) (before, after *Model, err error) {
	if before, err = Library(p); err != nil {
		return nil, nil, err
	}
	for i, id := range add {
		if libControl(id) == nil {
			return nil, nil, ferr(idxPath("add", i), CodeUnknownControl, "unknown control %q", id)
		}
	}
	q := p
	q.Controls = append(slices.Clone(p.Controls), add...)
	if after, err = Library(q); err != nil {
		return nil, nil, err
	}
	return before, after, nil
}

// checkProfile returns the profile's section and division (when a division
// was given), or the first problem with it.
func checkProfile(p *Profile) (section, division string, err *FieldError) {
	section, division, ok := libIndustry(p.Industry)
	switch {
	case !ok:
		return "", "", ferr("profile.industry", CodeUnknownIndustry,
			"unknown industry %q: give a GB/T 4754-2017 section letter A–T or a two-digit division code", p.Industry)
	case math.IsNaN(p.Revenue) || math.IsInf(p.Revenue, 0):
		return "", "", ferr("profile.revenue", CodeNotFinite, "%s must be a finite number", "revenue")
	case !(p.Revenue > 0):
		return "", "", ferr("profile.revenue", CodePositive, "%s must be greater than 0", "revenue")
	case p.Revenue > maxProfileRevenue:
		return "", "", ferr("profile.revenue", CodeTooLarge, "%s must not exceed %v", "revenue", maxProfileRevenue)
	case p.Employees < 0:
		return "", "", ferr("profile.employees", CodeNonNegative, "%s must not be negative", "employees")
	case p.PIRecords < 0:
		return "", "", ferr("profile.pi_records", CodeNonNegative, "%s must not be negative", "pi_records")
	case float64(p.PIRecords) > maxProfileRecords:
		return "", "", ferr("profile.pi_records", CodeTooLarge, "%s must not exceed %v", "pi_records", maxProfileRecords)
	}
	for i, id := range p.Controls {
		if libControl(id) == nil {
			return "", "", ferr(idxPath("profile.controls", i), CodeUnknownControl, "unknown control %q", id)
		}
	}
	return section, division, nil
}

// libIndustry reads an industry as a section letter or a two-digit division.
func libIndustry(s string) (section, division string, ok bool) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if _, known := libCalib.industry[s]; known {
		return s, "", true
	}
	if len(s) == 2 {
		if n, err := strconv.Atoi(s); err == nil && n >= 1 {
			if sec := sectionOfDivision(n); sec != "" {
				return sec, s, true
			}
		}
	}
	return "", "", false
}

// sectionOfDivision maps a GB/T 4754-2017 division (01–97) to its section:
// the sections hold consecutive divisions, and each entry is the last
// division of its section.
func sectionOfDivision(div int) string {
	last := []struct {
		div     int
		section string
	}{
		{5, "A"}, {12, "B"}, {43, "C"}, {46, "D"}, {50, "E"}, {52, "F"}, {60, "G"}, {62, "H"}, {65, "I"}, {69, "J"},
		{70, "K"}, {72, "L"}, {75, "M"}, {79, "N"}, {82, "O"}, {83, "P"}, {85, "Q"}, {90, "R"}, {96, "S"}, {97, "T"},
	}
	for _, l := range last {
		if div <= l.div {
			return l.section
		}
	}
	return ""
}

// libSizeClass classifies an enterprise after the SME rules: the largest
// class whose every bound is met. A staff count of 0 is "not known" and its
// bound is skipped; a group that has only a staff bound then falls back to
// revenue bounds.
func libSizeClass(section, division string, revenue float64, employees int) string {
	group := libCalib.sectionGroup[section]
	if g, ok := libCalib.divisionGroup[division]; ok {
		group = g
	}
	rule := libCalib.sizeRules[group]
	if employees == 0 && rule.revenue == [3]float64{} {
		rule = libCalib.sizeFallback
	}
	for i, class := range []string{sizeLarge, sizeMedium, sizeSmall} {
		if e := rule.employees[i]; e > 0 && employees > 0 && float64(employees) < e {
			continue
		}
		if r := rule.revenue[i]; r > 0 && revenue < r {
			continue
		}
		return class
	}
	return sizeMicro
}

// libSizeFactor is the frequency multiplier of a size class: the ratio of
// the Poisson rates −ln(1 − share) behind the survey shares.
func libSizeFactor(class string) float64 {
	rate := func(c string) float64 { return -math.Log1p(-libCalib.sizeShareHit[c]) }
	return rate(class) / rate(libCalib.sizeRef)
}

// libMagnitude is the loss per event of one scenario, a lognormal given by
// its 90% interval in yuan.
func libMagnitude(id string, p *Profile, section string) Dist {
	c := &libCalib
	daily := p.Revenue / 365
	// A cost of US response work at the reference revenue, as yuan for this firm.
	usCost := func(usd float64) float64 {
		return usd * c.cnyPerUSD * c.usCostToChina * libRevenueScale(p.Revenue)
	}
	switch id {
	case ScenarioRansomware:
		return libInterval(
			c.ransomDays.low*c.ransomShare*daily+usCost(c.ransomResponse.low),
			c.ransomDays.high*c.ransomShare*daily+usCost(c.ransomResponse.high))
	case ScenarioDataBreach:
		return libFromMean(libBreachMean(p, section), c.breachSigma)
	case ScenarioBEC:
		mean := math.Min(c.becMeanUSD*c.cnyPerUSD*libRevenueScale(p.Revenue), c.becCapShare*p.Revenue)
		return libFromMean(mean, c.becSigma)
	case ScenarioDDoSBI:
		return libInterval(
			c.ddosHours.low/24*c.ddosShare*daily+usCost(c.ddosResponse.low),
			c.ddosHours.high/24*c.ddosShare*daily+usCost(c.ddosResponse.high))
	case ScenarioSupplyChain:
		return libInterval(
			c.supplyDays.low*c.supplyShare*daily+usCost(c.supplyResponse.low),
			c.supplyDays.high*c.supplyShare*daily+usCost(c.supplyResponse.high))
	}
	panic("quant: no magnitude for library scenario " + id)
}

// libRevenueScale is (revenue / reference revenue)^elasticity.
func libRevenueScale(revenue float64) float64 {
	return math.Pow(revenue/(libCalib.refRevenueUSD*libCalib.cnyPerUSD), libCalib.revenueElasticity)
}

// libBreachMean is the mean loss of one data breach in yuan: IBM's log–log
// line at the records held, averaged over the share a breach exposes,
// converted to China, scaled down for firms smaller than IBM's, and raised
// for the industry or sensitive data.
func libBreachMean(p *Profile, section string) float64 {
	c := &libCalib
	records := math.Max(float64(p.PIRecords), math.Max(float64(p.Employees), c.breachMinRecords))
	usd := c.breachIBMMeanUSD * math.Pow(records/c.breachIBMRecords, c.breachElasticity) * libExposedShareFactor()
	size := math.Min(1, math.Pow(p.Revenue/(c.breachIBMRevenueUSD*c.cnyPerUSD), c.breachSizeElasticity))
	f, ok := c.breachIndustry[section]
	if !ok {
		f = 1
	}
	if p.SensitivePI {
		f = math.Max(f, c.breachSensitivePI)
	}
	return usd * c.cnyPerUSD * c.globalCostToChina * size * f
}

// libExposedShareFactor is E[s^b] for a share s of the records held that is
// log-uniform on [a, 1], b the records elasticity:
// ∫ s^b ds/(s ln(1/a)) = (1 − a^b)/(b ln(1/a)).
func libExposedShareFactor() float64 {
	a, b := libCalib.breachExposedMin, libCalib.breachElasticity
	return (1 - math.Pow(a, b)) / (b * math.Log(1/a))
}

// libInterval is a lognormal from a 90% interval, rounded to three
// significant digits so that model files stay readable. Adding the 5th
// percentiles of the interruption and the response, and their 95th, treats
// the two as moving together: slightly wider than independent parts.
func libInterval(low, high float64) Dist {
	return Dist{Kind: KindLognormal, Low: P(roundSig(low, 3)), High: P(roundSig(high, 3))}
}

// libFromMean is the lognormal with this mean and σ, written as its 90%
// interval: median = mean·e^(−σ²/2), interval = median·e^(∓z95·σ).
func libFromMean(mean, sigma float64) Dist {
	med := mean * math.Exp(-sigma*sigma/2)
	w := math.Exp(z95 * sigma)
	return libInterval(med/w, med*w)
}

// controlFactors multiplies the effects of the listed controls (each once)
// per scenario, floored at minCombinedFactor.
func controlFactors(ids []string) (freq, mag map[string]float64) {
	freq, mag = map[string]float64{}, map[string]float64{}
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		for _, e := range libControl(id).Effects {
			m := freq
			if e.Target == TargetMagnitude {
				m = mag
			}
			if _, ok := m[e.Scenario]; !ok {
				m[e.Scenario] = 1
			}
			m[e.Scenario] *= e.Factor
		}
	}
	for _, m := range []map[string]float64{freq, mag} {
		for k, v := range m {
			m[k] = math.Max(v, libCalib.minCombinedFactor)
		}
	}
	return freq, mag
}

// libControl is the control with this id, or nil.
func libControl(id string) *Control {
	for i := range Controls {
		if Controls[i].ID == id {
			return &Controls[i]
		}
	}
	return nil
}

// roundSig rounds x to n significant digits.
func roundSig(x float64, n int) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'g', n, 64), 64)
	return v
}

// tidyDist rounds a scaled distribution's parameters to 12 significant
// digits, removing the binary noise of the multiplication (0.7 × 0.03 =
// 0.020999999999999998) without changing any figure that matters.
func tidyDist(d Dist) Dist {
	for _, p := range []*float64{d.Value, d.Low, d.Mode, d.High, d.Mean, d.SD, d.Mu} {
		if p != nil {
			*p = roundSig(*p, 12)
		}
	}
	return d
}
