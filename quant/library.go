package quant

import (
	"fmt"
	"math"
	"slices"
	"strconv"
)

// LibraryVersion identifies the scenario library's parameters; it changes
// whenever a number below changes, and is carried in the model's name.
const LibraryVersion = "library/2026.1"

// Profile is what the scenario library needs to know of an enterprise.
type Profile struct {
	Industry    string   `json:"industry"`     // GB/T 4754-2017 section letter, A–T
	Revenue     float64  `json:"revenue"`      // yuan per year
	Employees   int      `json:"employees"`    // staff
	PIRecords   int64    `json:"pi_records"`   // personal-information records held (0: not known)
	SensitivePI bool     `json:"sensitive_pi"` // holds sensitive personal information (PIPL art. 28)
	CII         bool     `json:"cii"`          // critical information infrastructure operator
	Controls    []string `json:"controls"`     // ids of the controls in place
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

// Effect multiplies one scenario's frequency (the rate) or magnitude (the
// loss per event) by Factor, in (0, 1].
type Effect struct {
	Scenario string  `json:"scenario"`
	Target   string  `json:"target"` // "frequency" or "magnitude"
	Factor   float64 `json:"factor"`
}

// Every number of the library, in one place. The confidence marks follow
// docs/quant/scenarios.md and the domain notes: [P] a primary source,
// [S] secondary reporting of one, [A] Anbao's assumption, stated as such.
// Money is in yuan; US figures become Chinese costs at cnyPerUSD × chinaCostLevel.
const (
	// Exchange rate and cost level.
	cnyPerUSD      = 7.1  // [A] 2025–26 average, rounded
	chinaCostLevel = 0.55 // [A] China's price level against the US (PPP conversion factor ≈ 3.9 yuan per international dollar / 7.1): breach response, forensics and legal work cost about half
	usdCost        = cnyPerUSD * chinaCostLevel

	// The 90%-interval width of every magnitude: σ of the log loss.
	// NetDiligence implies σ ≈ 1.8 (mean/median of SME incident response, [S]);
	// the DAV notebook uses 1.643 [P]; a single enterprise's own scenario is
	// narrower than a market's spread, so we take σ = 1.2–1.4 (ratio high/low 50–100).
	sigmaRansomware  = 1.2
	sigmaBreach      = 1.3
	sigmaBEC         = 1.2
	sigmaDDoS        = 1.1
	sigmaSupplyChain = 1.35
)

// scenarioDef is one library scenario: its base annual rate for a medium
// enterprise in an industry of factor 1, and how its median loss follows the profile.
type scenarioDef struct {
	id, nameZH, nameEN string
	rate               float64 // base loss events per year
	ciiFactor          float64 // frequency multiplier for a CII operator
	sigma              float64
	median             func(p *Profile) float64
	source             string
}

// dailyRevenue is revenue per day.
func dailyRevenue(p *Profile) float64 { return p.Revenue / 365 }

// effectiveRecords is the records figure a breach scales with: the records
// held, or, when unknown, 50 per employee with a floor of 1,000 [A].
func effectiveRecords(p *Profile) float64 {
	if p.PIRecords > 0 {
		return float64(p.PIRecords)
	}
	return math.Max(1000, 50*float64(p.Employees))
}

var libraryScenarios = []scenarioDef{
	{
		id: "ransomware", nameZH: "勒索软件", nameEN: "Ransomware",
		// 9.3% a year for a significant incident (Cyentia IRIS 2025 [S]) × 44% of breaches involving
		// ransomware (Verizon DBIR 2025 [S]) ≈ 0.04.
		rate: 0.04, ciiFactor: 1.5, sigma: sigmaRansomware,
		// Response, forensics, restoration and a ransom if paid: median ¥300k (NetDiligence SME crisis
		// services $152k mean, median ≈ a quarter of it [S], × usdCost, plus DBIR 2025's median ransom
		// $115k paid by 36% [S]); plus a week of interruption at half of daily revenue [A].
		median: func(p *Profile) float64 { return 300e3 + 7*0.5*dailyRevenue(p) },
		source: "Cyentia IRIS 2025 [S]; Verizon DBIR 2025 [S]; NetDiligence 2025 SME ransomware $631k mean [S]",
	},
	{
		id: "data_breach", nameZH: "数据泄露", nameEN: "Data breach",
		// IRIS 9.3% × the share of breaches without ransomware that expose data ≈ 0.03 [A].
		rate: 0.03, ciiFactor: 1.5, sigma: sigmaBreach,
		// Mean loss per breach: a fixed part, the NetDiligence SME crisis-services mean $152k [S] ×
		// usdCost ≈ ¥594k (forensics, legal, notification, PR), plus ¥50 a record [A] for the first
		// 100,000 records and records^0.6 beyond (IBM warns against scaling per record past 100,000
		// [P]; Wheatley, Maillart & Sornette 2016 find size effects as s^0.6 [P]). IBM's own
		// $178 a record ($4.44M at about 25,000 records, 2025 [P]) describes large organisations with
		// US-style notification; Jacobs (2014) shows the fixed part dominates [S]. Sensitive personal
		// information ×1.5 (PIPL's stricter duties) [A]. Median = mean / exp(σ²/2).
		median: func(p *Profile) float64 {
			r := effectiveRecords(p)
			perRecord := 50 * math.Min(r, 100e3)
			if r > 100e3 {
				perRecord = 50 * 100e3 * math.Pow(r/100e3, 0.6)
			}
			mean := 152e3*usdCost + perRecord
			if p.SensitivePI {
				mean *= 1.5
			}
			return mean / math.Exp(sigmaBreach*sigmaBreach/2)
		},
		source: "NetDiligence 2025 [S]; IBM Cost of a Data Breach 2025 [P]; Wheatley et al. 2016 [P]; Jacobs 2014 [S]",
	},
	{
		id: "bec", nameZH: "商务邮件欺诈与资金转账诈骗", nameEN: "BEC and funds-transfer fraud",
		// Attempts are frequent; a loss a year in twenty for a medium firm [A] (FBI IC3 2024: 21,442
		// BEC complaints with $2.77bn lost [S]).
		rate: 0.05, ciiFactor: 1, sigma: sigmaBEC,
		// Money transferred is not cost-adjusted: mean $98k (NetDiligence SME BEC [S]; FBI IC3 $129k
		// [S]) × cnyPerUSD at ¥200M revenue, with revenue elasticity 0.3 (Romanosky 2016 [M]),
		// capped at 2% of revenue [A].
		median: func(p *Profile) float64 {
			mean := math.Min(98e3*cnyPerUSD*math.Pow(p.Revenue/200e6, 0.3), 0.02*p.Revenue)
			return mean / math.Exp(sigmaBEC*sigmaBEC/2)
		},
		source: "NetDiligence 2025 [S]; FBI IC3 2024 [S]; Romanosky 2016 [M]",
	},
	{
		id: "ddos_bi", nameZH: "DDoS 与业务中断", nameEN: "DDoS and business interruption",
		rate: 0.04, ciiFactor: 1.5, sigma: sigmaDDoS, // [A]
		// Eight hours of outage at half of hourly revenue plus ¥30k of mitigation and response [A];
		// NetDiligence: BI drives the largest SME claims [S].
		median: func(p *Profile) float64 { return 30e3 + 8*0.5*p.Revenue/(365*24) },
		source: "NetDiligence 2025 (BI claims) [S]; Anbao assumption [A]",
	},
	{
		id: "supply_chain", nameZH: "供应链或云服务中断", nameEN: "Supply-chain or cloud outage",
		// IRIS 9.3% × third-party involvement in 30% of breaches (DBIR 2025 [S]) ≈ 0.03.
		rate: 0.03, ciiFactor: 1.2, sigma: sigmaSupplyChain,
		// A day and a half of interruption at half of daily revenue plus ¥50k of response [A]; cloud
		// outages last hours to days (Lloyd's/AIR "Cloud Down" 3–6 days [S]).
		median: func(p *Profile) float64 { return 50e3 + 1.5*0.5*dailyRevenue(p) },
		source: "Verizon DBIR 2025 [S]; Lloyd's & AIR Cloud Down 2018 [S]",
	},
}

// industryFactor scales every scenario's frequency by GB/T 4754 section,
// within the DAV notebook's range 0.26–1.31 [P]; the order follows IBM's
// industry ranking (healthcare and finance highest, public sector lowest) [P]
// and is otherwise Anbao's assumption [A].
var industryFactor = map[string]float64{
	"A": 0.5, "B": 0.7, "C": 1.0, "D": 1.1, "E": 0.7, "F": 1.0, "G": 1.0, "H": 0.8, "I": 1.2, "J": 1.3,
	"K": 0.8, "L": 1.0, "M": 1.1, "N": 0.8, "O": 0.6, "P": 1.1, "Q": 1.3, "R": 0.8, "S": 0.9, "T": 0.8,
}

// sizeFactor scales every frequency by size: the UK Cyber Security Breaches
// Survey 2025's share of businesses with a breach or attack in a year —
// micro 35%, small 42%, medium 67%, large 74% [P] — against medium.
func sizeFactor(p *Profile) (float64, string) {
	// Revenue bands after the Chinese SME classification (统计上大中小微型企业划分办法 2017), simplified [A].
	switch {
	case p.Revenue < 3e6 && p.Employees < 20:
		return 0.35 / 0.67, "micro"
	case p.Revenue < 20e6 && p.Employees < 300:
		return 0.42 / 0.67, "small"
	case p.Revenue < 400e6 && p.Employees < 1000:
		return 1, "medium"
	default:
		return 0.74 / 0.67, "large"
	}
}

// Controls lists the controls the library knows and their effects. The
// factors are directional: published control effects are vendor- or
// broker-reported (platforms.md: "use them as directional inputs, not
// calibrated factors"); each states its anchor.
var Controls = []Control{
	{ID: "mfa", NameZH: "多因素认证（邮件、远程访问、管理员）", NameEN: "MFA on email, remote access and admin accounts",
		Effects: []Effect{{"ransomware", "frequency", 0.7}, {"data_breach", "frequency", 0.7}, {"bec", "frequency", 0.5}},
		Source:  "Marsh McLennan Cyber Risk Analytics Center: broad MFA, 1.4× fewer incidents (×0.7) [S]; Coalition: MFA would have stopped most phishing claims (BEC ×0.5, directional) [S]"},
	{ID: "edr", NameZH: "终端检测与响应（EDR）", NameEN: "Endpoint detection and response (EDR)",
		Effects: []Effect{{"ransomware", "frequency", 0.6}, {"ransomware", "magnitude", 0.8}, {"data_breach", "frequency", 0.85}},
		Source:  "Marsh top-five controls [S]; MDR users' claims far lower (vendor-commissioned, directional) [S]"},
	{ID: "offline_backups", NameZH: "离线或不可变备份（定期恢复演练）", NameEN: "Offline or immutable backups, restore tested",
		Effects: []Effect{{"ransomware", "magnitude", 0.5}, {"supply_chain", "magnitude", 0.85}},
		Source:  "Marsh top-five controls [S]; ransomware sublimit and coinsurance lever in underwriting [S]; restoration without paying halves the loss [A]"},
	{ID: "patching", NameZH: "漏洞管理与及时修补", NameEN: "Vulnerability management and timely patching",
		Effects: []Effect{{"ransomware", "frequency", 0.8}, {"data_breach", "frequency", 0.8}},
		Source:  "Verizon DBIR 2025: exploitation of vulnerabilities is 20% of initial access [S]"},
	{ID: "email_security", NameZH: "邮件安全网关与防钓鱼", NameEN: "Email security and anti-phishing",
		Effects: []Effect{{"bec", "frequency", 0.7}, {"ransomware", "frequency", 0.85}},
		Source:  "UK CSBS 2025: phishing in 85% of breaches [P]; directional factors [A]"},
	{ID: "funds_transfer_controls", NameZH: "资金转账双人复核与电话回拨确认", NameEN: "Funds-transfer controls (dual approval, call-back)",
		Effects: []Effect{{"bec", "magnitude", 0.3}},
		Source:  "Cowbell removes funds-transfer cover without them [S]; call-back stops most fraudulent transfers (directional) [A]"},
	{ID: "training", NameZH: "安全意识培训与钓鱼演练", NameEN: "Security awareness training and phishing drills",
		Effects: []Effect{{"bec", "frequency", 0.8}, {"ransomware", "frequency", 0.9}, {"data_breach", "frequency", 0.9}},
		Source:  "Verizon DBIR 2024: human element in 68% of breaches [P]; directional factors [A]"},
	{ID: "ddos_protection", NameZH: "抗 DDoS 防护服务", NameEN: "Anti-DDoS protection service",
		Effects: []Effect{{"ddos_bi", "frequency", 0.5}, {"ddos_bi", "magnitude", 0.6}},
		Source:  "Product-service insurance tied to anti-DDoS (pilot catalogue) [P]; directional factors [A]"},
}

// Library returns the five-scenario compound model of an enterprise, with
// the effects of the controls it has in place.
func Library(p Profile) (*Model, error) {
	var errs ValidationError
	f, ok := industryFactor[p.Industry]
	if !ok {
		errs = append(errs, ferr("profile.industry", CodeUnknownKind, "unknown GB/T 4754 section %q (A–T)", p.Industry))
	}
	if !(p.Revenue > 0) || math.IsInf(p.Revenue, 0) {
		errs = append(errs, ferr("profile.revenue", CodePositive, "%s must be greater than 0", "revenue"))
	} else if p.Revenue > 1e13 {
		errs = append(errs, ferr("profile.revenue", CodeTooLarge, "%s must not exceed %v", "revenue", 1e13))
	}
	if p.Employees < 0 {
		errs = append(errs, ferr("profile.employees", CodeNonNegative, "%s must not be negative", "employees"))
	}
	if p.PIRecords < 0 {
		errs = append(errs, ferr("profile.pi_records", CodeNonNegative, "%s must not be negative", "pi_records"))
	} else if p.PIRecords > 1e10 {
		errs = append(errs, ferr("profile.pi_records", CodeTooLarge, "%s must not exceed %v", "pi_records", 1e10))
	}
	freq, mag := map[string]float64{}, map[string]float64{}
	for i, id := range p.Controls {
		k := slices.IndexFunc(Controls, func(c Control) bool { return c.ID == id })
		switch {
		case k < 0:
			errs = append(errs, ferr(idxPath("profile.controls", i), CodeUnknownID, "unknown control %q", id))
			continue
		case slices.Index(p.Controls, id) < i:
			continue // listed twice: counted once
		}
		for _, e := range Controls[k].Effects {
			m := freq
			if e.Target == "magnitude" {
				m = mag
			}
			if _, seen := m[e.Scenario]; !seen {
				m[e.Scenario] = 1
			}
			m[e.Scenario] *= e.Factor
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	size, sizeName := sizeFactor(&p)
	m := &Model{Name: fmt.Sprintf("情景库 Scenario library (%s, section %s, %s)", LibraryVersion, p.Industry, sizeName), Currency: "CNY"}
	for _, d := range libraryScenarios {
		rate := d.rate * f * size
		if p.CII {
			rate *= d.ciiFactor
		}
		if v, ok := freq[d.id]; ok {
			rate *= v
		}
		med := d.median(&p)
		if v, ok := mag[d.id]; ok {
			med *= v
		}
		w := math.Exp(z95 * d.sigma)
		m.Scenarios = append(m.Scenarios, Scenario{
			ID: d.id, Name: d.nameZH + " " + d.nameEN,
			Frequency: &Dist{Kind: KindConstant, Value: P(round3(rate))},
			Magnitude: &Dist{Kind: KindLognormal, Low: P(roundMoney(med / w)), High: P(roundMoney(med * w))},
		})
	}
	return m, nil
}

// WhatIf returns the library model of p as it is and with the controls in
// add put in place too, for a before/after comparison.
func WhatIf(p Profile, add []string) (before, after *Model, err error) {
	if before, err = Library(p); err != nil {
		return nil, nil, err
	}
	q := p
	q.Controls = append(slices.Clone(p.Controls), add...)
	if after, err = Library(q); err != nil {
		return nil, nil, err
	}
	return before, after, nil
}

// round3 keeps three significant digits of a rate, so model files stay readable.
func round3(x float64) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'g', 3, 64), 64)
	return v
}

// roundMoney rounds a loss to three significant digits (at least whole yuan).
func roundMoney(x float64) float64 { return math.Max(1, round3(x)) }
