package rating

import "github.com/anbao/anbao/cover"

// Seed data: a default rating configuration for a Chinese SME cyber product
// in CNY, and a typical product definition it is designed for. An insurer
// starts from these in the product designer and replaces every number with
// its own. Numbers marked [A] are Anbao judgement, not market data; the
// rules translate Cowbell's automatic overrides (platforms.md §2.3) to
// GB/T 4754-2017 sections and CNY amounts.

const cny = 100 // 分 per yuan

// SeedConfig returns a fresh copy of the default configuration.
func SeedConfig() *Config {
	maxClaims := 2
	return &Config{
		// Five bands: ≤ ¥5M, ≤ ¥20M, ≤ ¥100M, ≤ ¥500M, above (the last bound
		// only closes the table: revenue above it stays in the last band and
		// is referred by the envelope). [A]
		RevenueBands: []int64{5_000_000 * cny, 20_000_000 * cny, 100_000_000 * cny, 500_000_000 * cny, 1_000_000_000 * cny},
		// Hazard classes by GB/T 4754-2017 section [A]: 3 for finance (J;
		// K is real estate in GB/T 4754, finance only in ISIC and NAICS),
		// information transmission and software (I) and health (Q), whose
		// data and payment flows attract attackers; 2 for manufacturing (C)
		// and wholesale/retail (F), exposed to interruption and payment
		// fraud; 1 for the rest.
		IndustryClasses: map[string]int{"J": 3, "I": 3, "Q": 3, "C": 2, "F": 2},
		DefaultClass:    1,
		// Annual premium at the reference option (¥1M limit, ¥10K
		// retention), per class and band. [A] Set so that a small class-1
		// firm with average controls pays a few thousand yuan for ¥1M; not
		// calibrated on any insurer's experience.
		BaseRates: [][]int64{
			{3_500 * cny, 6_000 * cny, 11_000 * cny, 20_000 * cny, 36_000 * cny},
			{4_500 * cny, 8_000 * cny, 14_000 * cny, 26_000 * cny, 46_000 * cny},
			{6_000 * cny, 10_500 * cny, 18_500 * cny, 34_000 * cny, 60_000 * cny},
		},
		ReferenceLimit:     1_000_000 * cny,
		ReferenceRetention: 10_000 * cny,
		// Increased-limit factors, concave as usual (a second million costs
		// less than the first). [A]
		LimitFactors: []Point{
			{100_000 * cny, 3500}, {250_000 * cny, 5500}, {500_000 * cny, 7500}, {1_000_000 * cny, 10000},
			{2_000_000 * cny, 13500}, {3_000_000 * cny, 16000}, {5_000_000 * cny, 20000}, {10_000_000 * cny, 27000},
			{20_000_000 * cny, 36000}, {50_000_000 * cny, 55000},
		},
		// Retention credits: a higher retention lowers the premium. [A]
		RetentionFactors: []Point{
			{0, 11500}, {5_000 * cny, 10500}, {10_000 * cny, 10000}, {25_000 * cny, 9300}, {50_000 * cny, 8700},
			{100_000 * cny, 8000}, {250_000 * cny, 7000}, {500_000 * cny, 6200}, {1_000_000 * cny, 5500},
		},
		// Anbao score grades: A 0.85 … E 1.60; ungraded 1.25, between C and
		// D, so that not being scored never pays. [A]
		GradeFactors:   map[string]int{"A": 8500, "B": 9500, "C": 11000, "D": 13000, "E": 16000},
		UngradedFactor: 12500,
		// Credits and debits per control (quant.Controls ids). The largest
		// for MFA and offline backups, the controls insurers' ransomware
		// questionnaires gate on; secondary sources cite 15–28% credits for
		// MFA, backups and EDR together (platforms.md §5.2, unverified). All
		// present gives ×0.61 and all absent ×2.04 before the bounds. [A]
		ControlFactors: []ControlFactor{
			{"mfa", 9000, 11500},
			{"edr", 9300, 11000},
			{"offline_backups", 9000, 11500},
			{"patching", 9500, 11000},
			{"email_security", 9700, 10500},
			{"funds_transfer_controls", 9800, 10300},
			{"training", 9800, 10300},
			{"ddos_protection", 9800, 10200},
			{"business_continuity", 9700, 10500},
			{"vendor_management", 9900, 10200},
			{"incident_response_plan", 9700, 10500},
		},
		ControlFloor: 7000,  // [A] at most a 30% credit for controls
		ControlCap:   15000, // [A] at most a 50% debit
		// 0, 1, 2, 3+ cyber claims in five years. [A]
		LossHistoryFactors: []int{10000, 12500, 16000, 20000},
		// The tariff may not fall below the technical premium of the
		// quantified expected loss: EL ÷ 60% × 1.25 × 1.05 = EL × 2.1875. [A]
		ExpectedLoss:   ExpectedLossRule{Mode: ELFloor, TargetLossRatio: 6000, ExpenseLoading: 2500, ProfitLoading: 500},
		MinimumPremium: 3_000 * cny, // [A]
		Rules:          seedRules(),
		Envelope: Envelope{
			MaxLimit:      5_000_000 * cny,     // At-Bay auto-quotes ≤ $3M (§5.2); ¥5M [A]
			MaxRevenue:    1_000_000_000 * cny, // At-Bay ≤ $100M revenue; ¥1B [A]
			Grades:        []string{"A", "B", "C"},
			DeclineGrades: []string{"E"},
			ReferOnGates:  true,
			RequireScore:  true,
			MaxClaims:     &maxClaims,
			MaxPremium:    300_000 * cny, // [A]
			MaxELShare:    1000,          // EL above 10% of the limit [A]
			// Banks (66) and insurers (68) buy bespoke cover. [A]
			ReferIndustries: []string{"66", "68"},
		},
	}
}

func seedRules() []Rule {
	yes := true
	bi, ext, ftf := cover.CovBusinessInterruption, cover.CovExtortion, cover.CovFundsTransfer
	public := []string{"P", "S"} // education; public administration (Cowbell: NAICS 61/92)
	return []Rule{
		// Cowbell: 12 h waiting period for NAICS 31–33.
		{ID: "bi_waiting_manufacturing", When: When{Industries: []string{"C"}},
			Then:      Action{Kind: ActWaitingPeriod, Coverage: bi, Hours: 12, WaitingMode: cover.WaitTimeDeductible},
			MessageZH: "制造业营业中断等待期为 12 小时", MessageEN: "Manufacturing: the business-interruption waiting period is 12 hours"},
		// Cowbell: deductible floors by revenue ($2.5K/$5K/$10K); here the
		// product minimum for small firms, ¥20K and ¥50K above. [A]
		{ID: "retention_floor_mid", When: When{RevenueMin: 20_000_000*cny + 1, RevenueMax: 100_000_000 * cny},
			Then:      Action{Kind: ActRetentionFloor, Amount: 20_000 * cny},
			MessageZH: "年营业收入 2,000 万元至 1 亿元的企业免赔额不低于 2 万元", MessageEN: "Revenue ¥20M–¥100M: the retention is at least ¥20,000"},
		{ID: "retention_floor_large", When: When{RevenueMin: 100_000_000*cny + 1},
			Then:      Action{Kind: ActRetentionFloor, Amount: 50_000 * cny},
			MessageZH: "年营业收入超过 1 亿元的企业免赔额不低于 5 万元", MessageEN: "Revenue above ¥100M: the retention is at least ¥50,000"},
		// Cowbell: $25K deductible and $1M limit for education and public administration.
		{ID: "retention_floor_public", When: When{Industries: public},
			Then:      Action{Kind: ActRetentionFloor, Amount: 50_000 * cny},
			MessageZH: "教育及公共管理类单位免赔额不低于 5 万元", MessageEN: "Education and public administration: the retention is at least ¥50,000"},
		{ID: "limit_cap_public", When: When{Industries: public},
			Then:      Action{Kind: ActLimitCap, Amount: 1_000_000 * cny},
			MessageZH: "教育及公共管理类单位累计赔偿限额最高 100 万元", MessageEN: "Education and public administration: the limit is at most ¥1,000,000"},
		// Cowbell: limit ≤ $2M when $3M+ is asked and revenue < $5M.
		{ID: "limit_cap_small", When: When{RevenueMax: 5_000_000 * cny, LimitMin: 3_000_000 * cny},
			Then:      Action{Kind: ActLimitCap, Amount: 2_000_000 * cny},
			MessageZH: "年营业收入 500 万元以下的企业累计赔偿限额最高 200 万元", MessageEN: "Revenue up to ¥5M: the limit is at most ¥2,000,000"},
		// Cowbell: ransom limit $1M for class 1, $500K for classes 2–3.
		{ID: "extortion_sublimit", Then: Action{Kind: ActSublimitCap, Coverage: ext, Amount: 1_000_000 * cny},
			MessageZH: "网络勒索分项限额最高 100 万元", MessageEN: "Cyber extortion is sublimited to at most ¥1,000,000"},
		{ID: "extortion_sublimit_hazard", When: When{Industries: []string{"C", "F", "I", "J", "Q"}},
			Then:      Action{Kind: ActSublimitCap, Coverage: ext, Amount: 500_000 * cny},
			MessageZH: "该行业网络勒索分项限额最高 50 万元", MessageEN: "In this industry cyber extortion is sublimited to at most ¥500,000"},
		// Hard-market lever (AIG 2021–22, §5.2): ransomware coinsurance
		// without offline backups; 20% [A].
		{ID: "extortion_coinsurance_no_backups", When: When{MissingAny: []string{"offline_backups"}},
			Then:      Action{Kind: ActCoinsurance, Coverage: ext, BP: 2000},
			MessageZH: "未落实离线备份的，网络勒索损失由被保险人自担 20%", MessageEN: "Without offline backups the insured bears 20% of each extortion loss"},
		// Cowbell: social engineering only with all three funds-transfer controls.
		{ID: "funds_transfer_removed", When: When{MissingAny: []string{"funds_transfer_controls"}},
			Then:      Action{Kind: ActRemoveCoverage, Coverage: ftf},
			MessageZH: "未落实资金转账控制措施（回拨核实、新收款人核验、双人审批），不承保资金转账欺诈",
			MessageEN: "Funds-transfer fraud is not covered without funds-transfer controls (call-back, new-payee check, dual approval)"},
		// Cowbell: social-engineering limit $100K for finance (NAICS 52); ¥500K [A].
		{ID: "funds_transfer_finance", When: When{Industries: []string{"J"}},
			Then:      Action{Kind: ActSublimitCap, Coverage: ftf, Amount: 500_000 * cny},
			MessageZH: "金融业资金转账欺诈分项限额最高 50 万元", MessageEN: "Finance: funds-transfer fraud is sublimited to at most ¥500,000"},
		// Cowbell: social-engineering deductible $25K for NAICS 61/92.
		{ID: "funds_transfer_deductible_public", When: When{Industries: public},
			Then:      Action{Kind: ActDeductible, Coverage: ftf, Amount: 50_000 * cny},
			MessageZH: "教育及公共管理类单位资金转账欺诈每次免赔额不低于 5 万元", MessageEN: "Education and public administration: the funds-transfer fraud deductible is at least ¥50,000"},
		{ID: "refer_cii", When: When{CII: &yes}, Then: Action{Kind: ActRefer},
			MessageZH: "关键信息基础设施运营者须人工核保", MessageEN: "Critical information infrastructure operators are underwritten by hand"},
		{ID: "refer_assessment", When: When{HasReferral: true}, Then: Action{Kind: ActRefer},
			MessageZH: "风险评估提出了转人工核保事项", MessageEN: "The risk assessment raised a referral"},
		{ID: "decline_claims", When: When{ClaimsMin: 4}, Then: Action{Kind: ActDecline},
			MessageZH: "近五年网络安全出险 4 次及以上，不予承保", MessageEN: "Four or more cyber claims in five years: declined"},
	}
}

// SeedDefinition returns a typical combined (property and liability) SME
// product the seed configuration is designed for: limits ¥100K–¥20M, a
// ¥5,000 minimum retention, one-year term.
func SeedDefinition() *cover.Definition {
	d := cover.Discovered
	return &cover.Definition{
		Type:     cover.TypeCombined,
		MinLimit: 100_000 * cny, MaxLimit: 20_000_000 * cny, MinRetention: 5_000 * cny,
		TermMonths: 12, QuoteValidDays: 30,
		Coverages: []cover.Coverage{
			{Code: cover.CovDirectLoss, Trigger: d},
			{Code: cover.CovBusinessInterruption, WaitingHours: 8, WaitingMode: cover.WaitTimeDeductible, IndemnityDays: 90, Trigger: d},
			{Code: cover.CovDataRestoration, Trigger: d},
			{Code: cover.CovEmergencyResponse, Trigger: d},
			{Code: cover.CovPublicRelations, Sublimit: 200_000 * cny, Trigger: d},
			{Code: cover.CovLegal, Sublimit: 500_000 * cny, Trigger: d},
			{Code: cover.CovExtortion, Trigger: d},
			{Code: cover.CovFundsTransfer, Sublimit: 1_000_000 * cny, Deductible: 10_000 * cny, Trigger: d},
			{Code: cover.CovDataLeakLiability, Trigger: cover.ClaimsMade, ReportingDays: 60, DefenceInside: true},
			{Code: cover.CovSecurityLiability, Trigger: cover.ClaimsMade, ReportingDays: 60, DefenceInside: true},
		},
		Exclusions: []cover.ClauseRef{
			{Code: "war_cyber_operation", Version: 1, TitleZH: "战争及国家网络行动除外", TitleEN: "War and state cyber operations"},
			{Code: "infrastructure_outage", Version: 1, TitleZH: "公共基础设施故障除外", TitleEN: "Infrastructure outage"},
			{Code: "prior_known", Version: 1, TitleZH: "投保前已知事件除外", TitleEN: "Prior known circumstances"},
		},
		Entitlements: []cover.Entitlement{
			{Service: "vulnerability_scan", Unit: cover.UnitTimes, Quantity: 2, ValueFen: 10_000 * cny},
			{Service: "incident_response_hours", Unit: cover.UnitHours, Quantity: 20, ValueFen: 30_000 * cny},
			{Service: "security_training", Unit: cover.UnitTimes, Quantity: 1, ValueFen: 5_000 * cny},
		},
		Contingencies: []cover.ContingencyTemplate{
			{Kind: cover.PreBind, TextZH: "提交经签章的投保单", TextEN: "Submit the signed and sealed application", DueDays: 30},
			{Kind: cover.PostBind, TextZH: "起保后 60 日内对远程访问和管理员账户启用多因素认证", TextEN: "Enable MFA for remote access and administrator accounts within 60 days of inception", DueDays: 60},
		},
	}
}
