package anbao

// Supervision statistics (issue #7): the figures regulators publish and the
// breakdowns they drill into. Money is in 分.

// StatsDim is a dimension a dashboard breaks its figures down by.
type StatsDim string

const (
	DimJurisdiction StatsDim = "jurisdiction" // GB/T 2260 province or separately-planned city
	DimIndustry     StatsDim = "industry"     // GB/T 4754 section letter
	DimSize         StatsDim = "size"         // SizeClass
	DimProductType  StatsDim = "product_type" // cover.ProductType
	DimInsurer      StatsDim = "insurer"      // insurer organisation id
	DimMonth        StatsDim = "month"        // YYYY-MM (Asia/Shanghai) of a policy term's start, an incident's discovery
)

// StatsDims lists every dimension in display order.
var StatsDims = []StatsDim{DimJurisdiction, DimIndustry, DimSize, DimProductType, DimInsurer, DimMonth}

// Valid reports whether d is a known dimension.
func (d StatsDim) Valid() bool {
	for _, x := range StatsDims {
		if x == d {
			return true
		}
	}
	return false
}

// StatsFilter narrows the figures. Empty fields match everything. The store
// forces Jurisdiction to a local regulator's own and InsurerID to an
// insurer's own organisation.
type StatsFilter struct {
	Jurisdiction string    `json:"jurisdiction,omitempty"`
	Industry     string    `json:"industry,omitempty"` // section letter
	Size         SizeClass `json:"size,omitempty"`
	ProductType  string    `json:"product_type,omitempty"`
	InsurerID    int64     `json:"insurer_id,omitempty"`
	From         string    `json:"from,omitempty"` // YYYY-MM, inclusive
	To           string    `json:"to,omitempty"`   // YYYY-MM, inclusive
}

// StatsFigures are the figures of one cell: the whole filter, or one row of a
// breakdown. Policies count policy terms (new business and each renewal) by
// the month the term starts; incidents by discovery month; claims by the
// month their term started (so a loss ratio compares a cohort's claims with
// its own premium).
type StatsFigures struct {
	Policies    int64 `json:"policies"`    // policy terms written (new business and renewals)
	Premium     int64 `json:"premium"`     // written premium of those terms, enterprise line
	SumInsured  int64 `json:"sum_insured"` // of those terms, enterprise line
	Subsidy     int64 `json:"subsidy"`     // premium subsidies granted
	Enterprises int64 `json:"enterprises"` // distinct insured enterprises

	Incidents      int64 `json:"incidents"`
	Claims         int64 `json:"claims"`
	ClaimsPaid     int64 `json:"claims_paid"`     // claims with a payment
	PaidAmount     int64 `json:"paid_amount"`     // paid less recovered
	ClaimsDeclined int64 `json:"claims_declined"` // claims declined
	Outstanding    int64 `json:"outstanding"`     // open reserves
	// LossRatio is PaidAmount / Premium; nil when there is no premium or the
	// viewer may not see it (insurers do not see loss ratios).
	LossRatio *float64 `json:"loss_ratio,omitempty"`
}

// StatsRow is one row of a breakdown.
type StatsRow struct {
	Key   string `json:"key"`
	Label string `json:"label"` // in the viewer's language
	StatsFigures
}

// StatsBreakdown is the figures broken down by one dimension.
type StatsBreakdown struct {
	Dim  StatsDim   `json:"dim"`
	Rows []StatsRow `json:"rows"`
}

// StatsCount is a labelled count (incidents by grade, plans by status…).
type StatsCount struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	Count int64  `json:"count"`
}

// StatsOverview is a dashboard: the headline figures (as MIIT publishes them),
// the pilot's own counts, and every breakdown.
type StatsOverview struct {
	Filter StatsFilter  `json:"filter"`
	AsOf   string       `json:"as_of"` // when the figures were computed (UTC, RFC 3339)
	Totals StatsFigures `json:"totals"`

	// The retail line (e.g. anti-fraud cover sold to residents), declared by
	// insurers as monthly aggregates per jurisdiction.
	RetailPolicies   int64 `json:"retail_policies"`
	RetailPremium    int64 `json:"retail_premium"`
	RetailSumInsured int64 `json:"retail_sum_insured"`

	// The pilot itself.
	Plans           int64        `json:"plans"`           // service plans submitted
	CataloguePlans  int64        `json:"catalogue_plans"` // in a published catalogue
	Projects        int64        `json:"projects"`
	Units           []StatsCount `json:"units"`            // participating units by kind
	Assessments     int64        `json:"assessments"`      // professional assessments (engagements) completed in the period
	SelfAssessments int64        `json:"self_assessments"` // questionnaire attestations in the period
	Services        int64        `json:"services"`         // response dispatches and in-kind services delivered

	IncidentsByGrade    []StatsCount `json:"incidents_by_grade"`
	IncidentsByCategory []StatsCount `json:"incidents_by_category"`
	DeclinedByReason    []StatsCount `json:"declined_by_reason"`

	Breakdowns []StatsBreakdown `json:"breakdowns"`
}
