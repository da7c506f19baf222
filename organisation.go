package anbao

// OrgKind is the kind of an organisation taking part in the pilot.
type OrgKind string

const (
	KindOperator   OrgKind = "operator"   // the platform operator and its experts
	KindRegulator  OrgKind = "regulator"  // national or one jurisdiction
	KindInsurer    OrgKind = "insurer"    // insurers, reinsurers, intermediaries
	KindProvider   OrgKind = "provider"   // security firms, testing bodies, forensic institutions
	KindEnterprise OrgKind = "enterprise" // the insured
)

// OrgKinds lists every kind, in display order.
var OrgKinds = []OrgKind{KindOperator, KindRegulator, KindInsurer, KindProvider, KindEnterprise}

// Valid reports whether k is a known kind.
func (k OrgKind) Valid() bool {
	for _, x := range OrgKinds {
		if x == k {
			return true
		}
	}
	return false
}

// OrgStatus is where an organisation stands in its registration.
type OrgStatus string

const (
	OrgPending   OrgStatus = "pending"   // registered, awaiting operator approval
	OrgActive    OrgStatus = "active"    // approved
	OrgRejected  OrgStatus = "rejected"  // refused by an operator
	OrgSuspended OrgStatus = "suspended" // temporarily barred; users cannot log in
)

// SizeClass is the enterprise size class of the MIIT SME classification rules.
type SizeClass string

const (
	SizeLarge  SizeClass = "large"  // 大型
	SizeMedium SizeClass = "medium" // 中型
	SizeSmall  SizeClass = "small"  // 小型
	SizeMicro  SizeClass = "micro"  // 微型
)

// SizeClasses lists the size classes from largest to smallest.
var SizeClasses = []SizeClass{SizeLarge, SizeMedium, SizeSmall, SizeMicro}

// Valid reports whether s is a known size class.
func (s SizeClass) Valid() bool {
	for _, x := range SizeClasses {
		if x == s {
			return true
		}
	}
	return false
}

// Organisation is any party on the platform. Enterprise-only fields are in Profile.
type Organisation struct {
	ID     int64     `json:"id"`
	Kind   OrgKind   `json:"kind"`
	Status OrgStatus `json:"status"`
	// USCC is the 18-character 统一社会信用代码. Required for every kind but the
	// operator's own bootstrap organisation and national regulators may also hold one.
	USCC   string `json:"uscc"`
	NameZH string `json:"name_zh"`
	NameEN string `json:"name_en"`
	// Jurisdiction is the current jurisdiction code (see package refdata); for a
	// regulator it is the jurisdiction it supervises, "" meaning national.
	Jurisdiction string `json:"jurisdiction"`
	// RegistrationDivision is positions 3–8 of the USCC: the registering
	// authority's GB/T 2260 code at registration time, possibly retired.
	RegistrationDivision string `json:"registration_division"`
	// USCCOverride is the reason an operator accepted a USCC whose checksum fails.
	USCCOverride string `json:"uscc_override,omitempty"`
	// RequireTOTP makes a second factor mandatory for every user of the organisation.
	RequireTOTP bool               `json:"require_totp"`
	Profile     *EnterpriseProfile `json:"profile,omitempty"`
	CreatedAt   string             `json:"created_at"`
	UpdatedAt   string             `json:"updated_at"`
	Version     int                `json:"version"`
}

// Name returns the organisation's name in the given language, falling back to Chinese.
func (o *Organisation) Name(lang string) string {
	if lang == "en" && o.NameEN != "" {
		return o.NameEN
	}
	return o.NameZH
}

// EnterpriseProfile holds the basics of an insured enterprise.
type EnterpriseProfile struct {
	Industry     string    `json:"industry"` // GB/T 4754-2017 two-digit division, e.g. "65"
	Size         SizeClass `json:"size"`
	RevenueFen   int64     `json:"revenue_fen"` // annual revenue in 分
	Employees    int       `json:"employees"`
	CII          bool      `json:"cii"`           // 关键信息基础设施 operator
	Specialised  bool      `json:"specialised"`   // 专精特新
	CentralOrgan bool      `json:"central_organ"` // 中央和国家机关 (2-hour reporting route)
}

// OrgFilter selects organisations in a list. Empty fields match everything.
type OrgFilter struct {
	Kind         OrgKind
	Status       OrgStatus
	Jurisdiction string
	Industry     string // division code, or a section letter to match all its divisions
	Size         SizeClass
	CII          *bool
	Query        string // matches names and USCC
	Page
}

// OrgList is a page of organisations and the total matched.
type OrgList struct {
	Items []*Organisation `json:"items"`
	Total int             `json:"total"`
}
