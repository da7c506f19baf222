// Package cover is the coverage model of Anbao's underwriting: insurance
// products, their coverages from the pilot's taxonomy, exclusions as
// versioned clauses, approved providers, service entitlements in kind, and
// the terms a policy is bound on. It is pure: no I/O, no project imports.
// The rating engine (package rating), the store and the claims calculator
// all speak these types.
//
// Money is int64 分 throughout. Shares (coinsurance, rates) are basis points
// (1 bp = 0.01%, 10000 bp = 100%) so that every amount stays exact.
package cover

import (
	"fmt"
	"strconv"
)

// ProductType is the pilot's insurance type (试点险种).
type ProductType string

const (
	TypeProperty       ProductType = "property"        // 网络安全财产类
	TypeLiability      ProductType = "liability"       // 网络安全责任类
	TypeCombined       ProductType = "combined"        // 综合（财产 + 责任）
	TypeProductService ProductType = "product_service" // 产品服务类: tied to a security product
)

// ProductTypes lists the types in display order.
var ProductTypes = []ProductType{TypeProperty, TypeLiability, TypeCombined, TypeProductService}

// Security products a product-service insurance can be tied to (second-batch notice).
var SecurityProducts = []string{"anti_ddos", "anti_ransomware", "endpoint_protection", "managed_cloud_security"}

// Side is first party (the insured's own loss) or third party (liability).
type Side string

const (
	FirstParty Side = "first_party"
	ThirdParty Side = "third_party"
)

// Trigger is what makes a loss fall in a policy's term.
type Trigger string

const (
	// ClaimsMade: the claim is first made against the insured and reported in
	// the term (or the post-expiry reporting window), for acts on or after the
	// retroactive date.
	ClaimsMade Trigger = "claims_made"
	// Discovered: the incident is discovered and reported in the term.
	Discovered Trigger = "discovered"
	// Occurrence: the incident occurs in the term, whenever reported.
	Occurrence Trigger = "occurrence"
)

// Waiting-period modes for business interruption.
const (
	// WaitTimeDeductible: the first hours of an outage are the insured's.
	WaitTimeDeductible = "time_deductible"
	// WaitTrigger: an outage shorter than the waiting period is not covered;
	// a longer one is covered from hour zero.
	WaitTrigger = "trigger"
)

// CoverageKind is one insuring agreement of the pilot taxonomy.
type CoverageKind struct {
	Code   string `json:"code"`
	Side   Side   `json:"side"`
	NameZH string `json:"name_zh"`
	NameEN string `json:"name_en"`
	// BI marks business interruption, the only kind with a waiting period
	// and an indemnity period.
	BI bool `json:"bi,omitempty"`
	// Consent marks cover that is never paid without the insurer's express
	// consent (ransom): the claims calculator refuses to approve it alone.
	Consent bool `json:"consent,omitempty"`
	// Liability kinds may carry defence costs inside or outside the limit.
	Liability bool `json:"liability,omitempty"`
}

// Coverage codes. The first-party list is the pilot notice's property type
// (直接损失、营业中断、数据资产恢复、硬件改良、应急响应、公关与法律费用) plus
// extortion and funds-transfer fraud, which real wordings carry as separate
// insuring agreements; the third-party list is its liability type.
const (
	CovDirectLoss           = "direct_loss"
	CovBusinessInterruption = "business_interruption"
	CovDataRestoration      = "data_restoration"
	CovHardware             = "hardware"
	CovEmergencyResponse    = "emergency_response"
	CovPublicRelations      = "public_relations"
	CovLegal                = "legal_costs"
	CovExtortion            = "cyber_extortion"
	CovFundsTransfer        = "funds_transfer_fraud"
	CovDataLeakLiability    = "data_leak_liability"
	CovSecurityLiability    = "network_security_liability"
	CovMediaLiability       = "media_liability"
	CovOutsourcerLiability  = "outsourcer_liability"
	CovProductLiability     = "product_liability"
	CovProfessional         = "professional_liability"
)

// Kinds is the taxonomy in display order.
var Kinds = []CoverageKind{
	{Code: CovDirectLoss, Side: FirstParty, NameZH: "直接财产损失", NameEN: "Direct physical loss"},
	{Code: CovBusinessInterruption, Side: FirstParty, NameZH: "营业中断损失", NameEN: "Business interruption", BI: true},
	{Code: CovDataRestoration, Side: FirstParty, NameZH: "数据资产恢复费用", NameEN: "Data-asset restoration"},
	{Code: CovHardware, Side: FirstParty, NameZH: "硬件更换与改良费用", NameEN: "Hardware replacement and improvement"},
	{Code: CovEmergencyResponse, Side: FirstParty, NameZH: "应急响应费用", NameEN: "Emergency response"},
	{Code: CovPublicRelations, Side: FirstParty, NameZH: "公关费用", NameEN: "Public relations"},
	{Code: CovLegal, Side: FirstParty, NameZH: "法律费用", NameEN: "Legal costs"},
	{Code: CovExtortion, Side: FirstParty, NameZH: "网络勒索（赎金须经保险人同意）", NameEN: "Cyber extortion (ransom only with the insurer's consent)", Consent: true},
	{Code: CovFundsTransfer, Side: FirstParty, NameZH: "资金转账欺诈", NameEN: "Funds-transfer fraud"},
	{Code: CovDataLeakLiability, Side: ThirdParty, NameZH: "数据泄露责任", NameEN: "Data-leak liability", Liability: true},
	{Code: CovSecurityLiability, Side: ThirdParty, NameZH: "网络安全事故责任", NameEN: "Network-security liability", Liability: true},
	{Code: CovMediaLiability, Side: ThirdParty, NameZH: "媒体侵权责任", NameEN: "Media liability", Liability: true},
	{Code: CovOutsourcerLiability, Side: ThirdParty, NameZH: "外包服务相关责任", NameEN: "Outsourcer-related liability", Liability: true},
	{Code: CovProductLiability, Side: ThirdParty, NameZH: "产品责任", NameEN: "Product liability", Liability: true},
	{Code: CovProfessional, Side: ThirdParty, NameZH: "技术服务职业责任", NameEN: "Technology professional liability", Liability: true},
}

// Kind returns the taxonomy entry of code.
func Kind(code string) (CoverageKind, bool) {
	for _, k := range Kinds {
		if k.Code == code {
			return k, true
		}
	}
	return CoverageKind{}, false
}

// Coverage is one insuring agreement of a product or a policy, with its
// financial terms.
type Coverage struct {
	Code string `json:"code"`
	// Sublimit caps what this coverage pays per policy term; 0 means up to
	// the aggregate limit.
	Sublimit int64 `json:"sublimit"`
	// Outside puts the sublimit outside (on top of) the aggregate; by
	// default sublimits erode the aggregate, as in most Chinese wordings.
	Outside bool `json:"outside,omitempty"`
	// Deductible is the per-item deductible (每项免赔额) applied before the sublimit.
	Deductible int64 `json:"deductible"`
	// WaitingHours and WaitingMode apply to business interruption only.
	WaitingHours int    `json:"waiting_hours,omitempty"`
	WaitingMode  string `json:"waiting_mode,omitempty"`
	// IndemnityDays is the BI indemnity period (赔偿期), 0 for other kinds.
	IndemnityDays int `json:"indemnity_days,omitempty"`
	// CoinsuranceBP is the insured's share of each loss after retentions, in bp.
	CoinsuranceBP int     `json:"coinsurance_bp,omitempty"`
	Trigger       Trigger `json:"trigger"`
	// ReportingDays is the post-expiry window for reporting claims-made claims.
	ReportingDays int `json:"reporting_days,omitempty"`
	// DefenceInside: defence costs erode the limit (liability kinds).
	DefenceInside bool `json:"defence_inside,omitempty"`
}

// ClauseRef names one version of an exclusion clause of the insurer's clause
// library; Title is copied for documents.
type ClauseRef struct {
	Code    string `json:"code"`
	Version int    `json:"version"`
	TitleZH string `json:"title_zh,omitempty"`
	TitleEN string `json:"title_en,omitempty"`
}

// Service kinds a policy can give in kind (服务给付).
var ServiceKinds = []string{
	"vulnerability_scan", "penetration_test", "risk_assessment", "emergency_drill",
	"security_training", "incident_response_hours", "forensics", "data_recovery", "ddos_mitigation",
}

// Units of a service entitlement.
const (
	UnitTimes = "times"
	UnitHours = "hours"
	UnitDays  = "days"
)

// Entitlement is a service in kind drawn from its own limit, apart from the
// cash limits: Quantity units worth at most ValueFen in all.
type Entitlement struct {
	Service  string `json:"service"`
	Unit     string `json:"unit"`
	Quantity int    `json:"quantity"`
	ValueFen int64  `json:"value_fen"`
}

// ContingencyTemplate is a subjectivity every quote of the product carries.
type ContingencyTemplate struct {
	Kind    string `json:"kind"` // pre_bind | post_bind
	TextZH  string `json:"text_zh"`
	TextEN  string `json:"text_en,omitempty"`
	DueDays int    `json:"due_days"` // days after the quote (pre-bind) or inception (post-bind)
}

// Contingency kinds.
const (
	PreBind  = "pre_bind"
	PostBind = "post_bind"
)

// Definition is the content of one product version: everything a policy
// sold on it is bound by, except the option's limit and retention.
type Definition struct {
	Type ProductType `json:"type"`
	// SecurityProduct names the security product a product-service insurance
	// is tied to (one of SecurityProducts), "" otherwise.
	SecurityProduct string `json:"security_product,omitempty"`
	// The range of options an insured may ask for.
	MinLimit     int64 `json:"min_limit"`
	MaxLimit     int64 `json:"max_limit"`
	MinRetention int64 `json:"min_retention"`
	// TermMonths is the policy period (usually 12); QuoteValidDays how long a quote stands.
	TermMonths     int `json:"term_months"`
	QuoteValidDays int `json:"quote_valid_days"`
	// NoticeHours is the window within which the insured must notify the
	// insurer of an incident (Ping An B款: 24 hours); 0 means 24.
	NoticeHours int `json:"notice_hours,omitempty"`
	// RetroRequired: claims-made coverages need a retroactive date on the policy.
	Coverages     []Coverage            `json:"coverages"`
	Exclusions    []ClauseRef           `json:"exclusions"`
	Providers     []int64               `json:"providers"` // approved provider organisation ids
	Entitlements  []Entitlement         `json:"entitlements"`
	Contingencies []ContingencyTemplate `json:"contingencies"`
}

// Terms are the financial terms of one policy segment (or one quote): the
// option chosen, the coverages after the rating rules, and everything the
// product version fixes.
type Terms struct {
	AggregateLimit int64         `json:"aggregate_limit"`
	Retention      int64         `json:"retention"` // per-occurrence deductible (每次事故免赔额)
	Coverages      []Coverage    `json:"coverages"`
	Exclusions     []ClauseRef   `json:"exclusions"`
	Providers      []int64       `json:"providers"`
	Entitlements   []Entitlement `json:"entitlements"`
	// RetroDate is the retroactive date for claims-made coverages (YYYY-MM-DD).
	RetroDate string `json:"retro_date,omitempty"`
	// NoticeHours is the insurer's notice window for incidents; 0 means 24.
	NoticeHours int `json:"notice_hours,omitempty"`
}

// Coverage returns the coverage of code in t, or nil.
func (t *Terms) Coverage(code string) *Coverage {
	for i := range t.Coverages {
		if t.Coverages[i].Code == code {
			return &t.Coverages[i]
		}
	}
	return nil
}

// SumInsured is the most the policy can pay in cash in one term: the
// aggregate plus every sublimit that sits outside it.
func (t *Terms) SumInsured() int64 {
	s := t.AggregateLimit
	for _, c := range t.Coverages {
		if c.Outside {
			s += c.Sublimit
		}
	}
	return s
}

// Clone returns a deep copy of t.
func (t *Terms) Clone() *Terms {
	c := *t
	c.Coverages = append([]Coverage(nil), t.Coverages...)
	c.Exclusions = append([]ClauseRef(nil), t.Exclusions...)
	c.Providers = append([]int64(nil), t.Providers...)
	c.Entitlements = append([]Entitlement(nil), t.Entitlements...)
	return &c
}

// ClaimsMade reports whether any coverage of t is claims-made.
func (t *Terms) ClaimsMade() bool {
	for _, c := range t.Coverages {
		if c.Trigger == ClaimsMade {
			return true
		}
	}
	return false
}

// NewTerms makes the terms of an option on a product version.
func NewTerms(d *Definition, limit, retention int64, retro string) *Terms {
	t := &Terms{AggregateLimit: limit, Retention: retention, RetroDate: retro, NoticeHours: d.NoticeHours,
		Coverages: append([]Coverage(nil), d.Coverages...), Exclusions: append([]ClauseRef(nil), d.Exclusions...),
		Providers: append([]int64(nil), d.Providers...), Entitlements: append([]Entitlement(nil), d.Entitlements...)}
	return t
}

// Yuan formats an amount in 分 as yuan for messages: ¥1,234,567.89.
func Yuan(fen int64) string {
	sign := ""
	u := uint64(fen)
	if fen < 0 {
		sign, u = "-", uint64(-(fen+1))+1 // −MinInt64 does not fit an int64
	}
	y, f := u/100, u%100
	s := []byte(strconv.FormatUint(y, 10))
	var out []byte
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, c)
	}
	return fmt.Sprintf("%s¥%s.%02d", sign, out, f)
}
