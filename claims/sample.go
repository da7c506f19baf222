package claims

import "github.com/anbao/anbao/cover"

// SampleTerms are the terms of a combined cyber policy of a mid-sized
// manufacturer: ¥5,000,000 aggregate, ¥10,000 per-occurrence deductible,
// first-party coverages with sublimits (public relations outside the
// aggregate), an 8-hour time-deductible BI waiting period over a 90-day
// indemnity period, 25% coinsurance on extortion, and claims-made liability
// with a 60-day reporting window and a retroactive date.
func SampleTerms() cover.Terms {
	return cover.Terms{
		AggregateLimit: 500_000_000,
		Retention:      1_000_000,
		RetroDate:      "2024-01-01",
		Coverages: []cover.Coverage{
			{Code: cover.CovEmergencyResponse, Sublimit: 50_000_000, Trigger: cover.Discovered},
			{Code: cover.CovDataRestoration, Sublimit: 30_000_000, Trigger: cover.Discovered},
			{Code: cover.CovHardware, Sublimit: 20_000_000, Deductible: 500_000, Trigger: cover.Discovered},
			{Code: cover.CovDirectLoss, Trigger: cover.Discovered},
			{Code: cover.CovBusinessInterruption, Sublimit: 100_000_000, WaitingHours: 8, WaitingMode: cover.WaitTimeDeductible,
				IndemnityDays: 90, Trigger: cover.Discovered},
			{Code: cover.CovPublicRelations, Sublimit: 10_000_000, Outside: true, Trigger: cover.Discovered},
			{Code: cover.CovLegal, Sublimit: 20_000_000, Trigger: cover.Discovered},
			{Code: cover.CovExtortion, Sublimit: 50_000_000, CoinsuranceBP: 2500, Trigger: cover.Discovered},
			{Code: cover.CovFundsTransfer, Sublimit: 20_000_000, Deductible: 1_000_000, Trigger: cover.Discovered},
			{Code: cover.CovDataLeakLiability, Sublimit: 200_000_000, Trigger: cover.ClaimsMade, ReportingDays: 60},
			{Code: cover.CovSecurityLiability, Trigger: cover.ClaimsMade, ReportingDays: 60, DefenceInside: true},
		},
		Exclusions: []cover.ClauseRef{
			{Code: "war_cyber_operation", Version: 1, TitleZH: "战争及国家网络行动除外", TitleEN: "War and state cyber operation"},
			{Code: "infrastructure_failure", Version: 1, TitleZH: "公共基础设施故障除外", TitleEN: "Infrastructure failure"},
			{Code: "unencrypted_device", Version: 2, TitleZH: "未加密移动设备除外", TitleEN: "Unencrypted portable devices"},
		},
	}
}

// Sample is a realistic mixed claim on SampleTerms: a ransomware attack
// with forensics, data restoration, hardware, four days of business
// interruption and extra expense, public relations, a ransom demand and its
// handling costs, two of three exclusions assessed, and an open finding that
// caused the loss. The benchmark and bench/claims calculate it.
func Sample() *Input {
	return &Input{
		Terms:        SampleTerms(),
		TermStart:    "2026-01-01",
		TermEnd:      "2027-01-01",
		OccurredAt:   "2026-05-18",
		DiscoveredAt: "2026-05-19",
		ReportedAt:   "2026-05-19",
		Items: []Item{
			{ID: "forensics", Kind: KindForensics, Coverage: cover.CovEmergencyResponse, Amount: 18_000_000},
			{ID: "restore", Kind: KindDataRestoration, Coverage: cover.CovDataRestoration, Amount: 32_500_000},
			{ID: "servers", Kind: KindHardware, Coverage: cover.CovHardware, Amount: 6_400_000},
			{ID: "bi", Kind: KindBILoss, Coverage: cover.CovBusinessInterruption, Amount: 19_200_000, OutageHours: 80,
				DailyLoss: []int64{7_200_000, 6_000_000, 4_800_000, 1_200_000}},
			{ID: "overtime", Kind: KindExtraExpense, Coverage: cover.CovBusinessInterruption, Amount: 2_300_000},
			{ID: "pr", Kind: KindPR, Coverage: cover.CovPublicRelations, Amount: 4_500_000},
			{ID: "ransom", Kind: KindRansom, Coverage: cover.CovExtortion, Amount: 40_000_000},
			{ID: "negotiator", Kind: KindRansomHandling, Coverage: cover.CovExtortion, Amount: 3_000_000},
		},
		Exclusions: []ExclusionFact{
			{Code: "war_cyber_operation", Version: 1, Applies: false, Note: "无国家归因证据"},
			{Code: "infrastructure_failure", Version: 1, Applies: false},
		},
		FindingCaused: true,
		Paid:          Usage{Aggregate: 12_000_000, Coverage: map[string]int64{cover.CovEmergencyResponse: 12_000_000}},
	}
}
