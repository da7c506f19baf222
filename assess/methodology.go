package assess

import "slices"

// Factor ids, in the order results list them.
const (
	FactorIdentity   = "identity_access"
	FactorEndpoint   = "endpoint"
	FactorBackup     = "backup_recovery"
	FactorPatching   = "patching_vulns"
	FactorExposure   = "exposure"
	FactorEmailFunds = "email_funds"
	FactorGovernance = "governance_mlps"
	FactorThirdParty = "third_party"
	FactorData       = "data_protection"
)

// Factor is one factor of the score and its weight in the overall score.
type Factor struct {
	ID       string `json:"id"`
	NameZH   string `json:"name_zh"`
	NameEN   string `json:"name_en"`
	Weight   int    `json:"weight"` // percent; the weights of a methodology sum to 100
	Evidence string `json:"evidence"`
}

// Grade is a band of the overall score.
type Grade struct {
	Grade string `json:"grade"`
	Min   int    `json:"min"` // lowest overall score of the band
}

// FindingPoints are the points one counted finding takes from its factor.
type FindingPoints struct {
	Severity       map[string]int `json:"severity"`
	KEV            int            `json:"kev"`             // added when in CISA KEV
	InternetFacing int            `json:"internet_facing"` // added for an internet-facing asset, severity medium or above
	EPSS           int            `json:"epss"`            // added when EPSS ≥ EPSSThreshold and not KEV
	EPSSThreshold  float64        `json:"epss_threshold"`
	ThirdParty     int            `json:"third_party_percent"` // share of the points a third_party finding keeps, in third_party
}

// Methodology is one published version of the scoring method.
type Methodology struct {
	Version     string        `json:"version"`
	Announced   string        `json:"announced"` // YYYY-MM-DD
	Effective   string        `json:"effective"` // YYYY-MM-DD
	Status      string        `json:"status"`    // current | superseded
	ChangelogZH string        `json:"changelog_zh"`
	ChangelogEN string        `json:"changelog_en"`
	Factors     []Factor      `json:"factors"`
	Grades      []Grade       `json:"grades"`
	Findings    FindingPoints `json:"findings"`
}

// Methodology statuses.
const (
	StatusCurrent    = "current"
	StatusSuperseded = "superseded"
)

var factors2026 = []Factor{
	{FactorIdentity, "身份与访问", "Identity & access", 15, "MFA gates in every application (platforms.md §5.1 #10–12); remote access behind 80–87% of ransomware (At-Bay [S21][S22]); Travelers v. ICS rescission [S107]"},
	{FactorEndpoint, "终端安全", "Endpoint", 10, "EDR a Marsh top-five control [S109]; brokers call EDR the biggest premium lever [S117]; hardening ≈ 6× lower likelihood (Marsh [S110])"},
	{FactorBackup, "备份与恢复", "Backup & recovery", 12, "Marsh top-five control [S109]; the ransomware sublimit / coinsurance lever [S42]"},
	{FactorPatching, "补丁与漏洞", "Patching & vulnerabilities", 15, "patching cadence among the most predictive factors (SecurityScorecard [S69]); ≤ 7 days halves incidents (Marsh [S110]); one unresolved critical CVE +33%, EOL 3× claims (Coalition [S10])"},
	{FactorExposure, "暴露面", "Exposure", 13, "exposed RDP 2.5×, Cisco ASA ≈ 5× claims (Coalition [S9]); VPN 66–73% of ransomware entries (At-Bay [S21][S22])"},
	{FactorEmailFunds, "邮件与资金转账", "Email & funds transfer", 12, "FTF/BEC 56% of claims (Coalition [S9]); email 43% of claims (At-Bay [S21])"},
	{FactorGovernance, "治理与等级保护", "Governance & MLPS", 9, "MLPS level and evaluation are application facts and a risk-increase trigger (china_pilot.md §7.2, §8); IR plan in Marsh's 12 controls [S109]"},
	{FactorThirdParty, "第三方风险", "Third party", 6, "third-party incidents +43% (At-Bay [S21]); third parties in 30% of breaches (DBIR 2025); Cowbell Supply Chain factor [S24]"},
	{FactorData, "数据保护", "Data protection", 8, "PIPL / DSL duties (sensitive PI, important data, cross-border transfer); unencrypted-device exclusions [S100]"},
}

// Grades: A–E on the 0–100 overall score. [A] Anbao judgement; five bands
// like SecurityScorecard's A–F without its F, since an E already means "the
// basics are missing" [S67].
var grades2026 = []Grade{{"A", 85}, {"B", 70}, {"C", 55}, {"D", 40}, {"E", 0}}

// registry holds every published version, oldest first. A version is never
// edited after publication: old scores are recomputed with their version.
var registry = []*Methodology{
	{
		Version:   "score/2026.1",
		Announced: "2026-09-01",
		Effective: "2026-10-01",
		ChangelogZH: "首个公开版本：九个因子、加权总分 0–100、A–E 等级与硬性门槛（远程访问/邮件无多因素认证、" +
			"公网暴露远程端口、无终端防护、无备份、公网资产存在已知被利用漏洞）。",
		ChangelogEN: "First published version: nine factors, a weighted overall score 0–100, grades A–E and hard gates " +
			"(no MFA on remote access or email, exposed remote ports, no endpoint protection, no backups, an " +
			"internet-facing known-exploited vulnerability).",
		Factors: factors2026,
		Grades:  grades2026,
		Findings: FindingPoints{
			Severity: map[string]int{"critical": 10, "high": 6, "medium": 3, "low": 1, "info": 0},
			KEV:      10, InternetFacing: 3, EPSS: 3, EPSSThreshold: 0.1, ThirdParty: 50,
		},
	},
	{
		Version:   "score/2026.2",
		Announced: "2026-10-20",
		Effective: "2026-11-20",
		ChangelogZH: "已知被利用漏洞（CISA KEV）加权提高：每个计分的 KEV 发现在其因子中的附加扣分由 10 分提高到 15 分。" +
			"其余规则、权重、等级与门槛不变。原因：KEV 是实际被利用的证据，EPSS 不能替代（FIRST）；Coalition：" +
			"一个未修复的严重漏洞使理赔可能性增加 33%。旧评分仍按其版本可复算。",
		ChangelogEN: "Known-exploited vulnerabilities (CISA KEV) weigh more: the extra points a counted KEV finding " +
			"takes from its factor rise from 10 to 15. No other rule, weight, grade or gate changes. Why: KEV is " +
			"evidence of actual exploitation, which EPSS does not replace (FIRST); Coalition: one unresolved " +
			"critical vulnerability raises claim likelihood by 33%. Old scores stay reproducible under their version.",
		Factors: factors2026,
		Grades:  grades2026,
		Findings: FindingPoints{
			Severity: map[string]int{"critical": 10, "high": 6, "medium": 3, "low": 1, "info": 0},
			KEV:      15, InternetFacing: 3, EPSS: 3, EPSSThreshold: 0.1, ThirdParty: 50,
		},
	},
}

func init() {
	for i, m := range registry {
		m.Status = StatusSuperseded
		if i == len(registry)-1 {
			m.Status = StatusCurrent
		}
	}
}

// Methodologies returns every published version, oldest first. The values
// are copies: a caller cannot alter a published version.
func Methodologies() []Methodology {
	out := make([]Methodology, len(registry))
	for i, m := range registry {
		out[i] = m.clone()
	}
	return out
}

// Current returns the version new scores are computed with.
func Current() Methodology { return registry[len(registry)-1].clone() }

// Get returns a version, or false.
func Get(version string) (Methodology, bool) {
	m := lookup(version)
	if m == nil {
		return Methodology{}, false
	}
	return m.clone(), true
}

func lookup(version string) *Methodology {
	for _, m := range registry {
		if m.Version == version {
			return m
		}
	}
	return nil
}

func (m *Methodology) clone() Methodology {
	c := *m
	c.Factors = slices.Clone(m.Factors)
	c.Grades = slices.Clone(m.Grades)
	c.Findings.Severity = make(map[string]int, len(m.Findings.Severity))
	for k, v := range m.Findings.Severity {
		c.Findings.Severity[k] = v
	}
	return c
}

// factorIndex is the position of a factor id in the methodology.
func factorIndex(id string) int {
	for i, f := range factors2026 {
		if f.ID == id {
			return i
		}
	}
	panic("assess: unknown factor " + id)
}

// grade is the band of an overall score in hundredths.
func (m *Methodology) grade(overallBP int) string {
	for _, g := range m.Grades {
		if overallBP >= g.Min*100 {
			return g.Grade
		}
	}
	return m.Grades[len(m.Grades)-1].Grade
}

// worse returns the worse of two grades ("" is no cap).
func worse(a, b string) string {
	if a == "" {
		return b
	}
	if b == "" || a > b { // "A" < "B" < … < "E"
		return a
	}
	return b
}

// Effort scale of remedies, 1–5 (documented in methodology.md).
const (
	EffortAnswer  = 1 // minutes to an hour: answer a question, publish a DNS record, change a setting
	EffortDays    = 2 // days, one administrator: enable MFA, close a port, patch a device
	EffortWeeks   = 3 // weeks, a small project with budget: deploy EDR, offline backups
	EffortQuarter = 4 // a quarter, several teams: hardening baseline, PAM, segmentation
	EffortMajor   = 5 // more than a quarter: replace EOL systems, MLPS filing and evaluation
)
