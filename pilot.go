package anbao

import (
	"regexp"
	"slices"
)

// Pilot batches, consortium service plans, their review and the typical
// service-plan catalogue (典型服务方案目录), issue #7. The workflow follows
// the first-batch notice (china_pilot.md §3): submission (申报) → local
// recommendation (地方推荐) → expert review (专家评审) → the operator's
// decision → catalogue publication (目录发布).

// BatchStatus is the state of a pilot batch.
type BatchStatus string

// Batch statuses, in order.
const (
	BatchDraft     BatchStatus = "draft"     // being prepared; scope, window and rubric editable
	BatchOpen      BatchStatus = "open"      // accepting submissions within the window
	BatchReviewing BatchStatus = "reviewing" // closed for submissions; recommendation and review
	BatchPublished BatchStatus = "published" // a catalogue version is published
	BatchClosed    BatchStatus = "closed"    // archived
)

// BatchStatuses lists every batch status in order.
var BatchStatuses = []BatchStatus{BatchDraft, BatchOpen, BatchReviewing, BatchPublished, BatchClosed}

// Valid reports whether s is a known batch status.
func (s BatchStatus) Valid() bool { return slices.Contains(BatchStatuses, s) }

// CanMoveTo reports whether a batch may go from s to t: strictly forward, one step.
func (s BatchStatus) CanMoveTo(t BatchStatus) bool {
	i, j := slices.Index(BatchStatuses, s), slices.Index(BatchStatuses, t)
	return i >= 0 && j == i+1
}

// SubjectType is a key insured subject of the batch-2 notice (重点投保主体).
type SubjectType string

// Subject types.
const (
	SubjectKey  SubjectType = "key"  // 重点企业
	SubjectSME  SubjectType = "sme"  // 中小企业 (incl. 专精特新 and inclusive cover)
	SubjectPark SubjectType = "park" // 园区 ("园区保")
)

// SubjectTypes lists every subject type.
var SubjectTypes = []SubjectType{SubjectKey, SubjectSME, SubjectPark}

// Valid reports whether t is a known subject type.
func (t SubjectType) Valid() bool { return slices.Contains(SubjectTypes, t) }

// PilotProductType is the kind of insurance a plan offers.
type PilotProductType string

// Pilot product types.
const (
	PilotEnterprise     PilotProductType = "enterprise"      // 企业类保险
	PilotProductService PilotProductType = "product_service" // 产品服务类保险 (anti-DDoS, anti-ransomware, …)
)

// PilotProductTypes lists every product type.
var PilotProductTypes = []PilotProductType{PilotEnterprise, PilotProductService}

// Valid reports whether t is a known product type.
func (t PilotProductType) Valid() bool { return slices.Contains(PilotProductTypes, t) }

// BatchIssuers are the authorities that may issue a batch notice.
var BatchIssuers = []string{"miit", "nfra", "cac", "most"}

// RubricCriterion is one criterion of a batch's review rubric: an expert
// gives it an integer score 0..Max.
type RubricCriterion struct {
	Key    string `json:"key"`
	NameZH string `json:"name_zh"`
	NameEN string `json:"name_en"`
	Max    int    `json:"max"`
}

// Localize names the criterion in error messages (i18n.Localizer).
func (c RubricCriterion) Localize(lang string) string { return c.Name(lang) }

// Name returns the criterion's name in lang.
func (c RubricCriterion) Name(lang string) string {
	if lang == "en" && c.NameEN != "" {
		return c.NameEN
	}
	return c.NameZH
}

// RubricTotal is what the maxima of a rubric must add up to.
const RubricTotal = 100

// DefaultRubric is the rubric a batch gets unless the operator sets another.
func DefaultRubric() []RubricCriterion {
	return []RubricCriterion{
		{"insurance_design", "保险方案设计", "Insurance design", 25},
		{"security_capability", "安全服务能力", "Security service capability", 25},
		{"risk_pricing", "风险评估与定价", "Risk assessment and pricing", 20},
		{"innovation", "创新性与可推广性", "Innovation and replicability", 15},
		{"implementation", "实施保障", "Implementation assurance", 15},
	}
}

var rubricKey = regexp.MustCompile(`^[a-z][a-z0-9_]{1,39}$`)

// ValidateRubric checks a rubric: 1..10 criteria with unique keys, names,
// positive maxima adding up to RubricTotal.
func ValidateRubric(r []RubricCriterion) error {
	if len(r) == 0 || len(r) > 10 {
		return FieldError("rubric", "pilot.rubric_size", 10)
	}
	seen := map[string]bool{}
	sum := 0
	for _, c := range r {
		if !rubricKey.MatchString(c.Key) || seen[c.Key] {
			return FieldError("rubric", "pilot.rubric_key", c.Key)
		}
		seen[c.Key] = true
		if c.NameZH == "" || len([]rune(c.NameZH)) > 50 || len([]rune(c.NameEN)) > 100 {
			return FieldError("rubric", "pilot.rubric_name", c.Key)
		}
		if c.Max <= 0 || c.Max > RubricTotal {
			return FieldError("rubric", "pilot.rubric_max", c.Key)
		}
		sum += c.Max
	}
	if sum != RubricTotal {
		return FieldError("rubric", "pilot.rubric_sum", sum, RubricTotal)
	}
	return nil
}

// ScoreRubric checks an expert's scores against a rubric and returns their
// total: every criterion scored, none unknown, each an integer 0..Max.
func ScoreRubric(r []RubricCriterion, scores map[string]int) (int, error) {
	total := 0
	for k := range scores {
		if !slices.ContainsFunc(r, func(c RubricCriterion) bool { return c.Key == k }) {
			return 0, FieldError("scores."+k, "pilot.score_unknown", k)
		}
	}
	for _, c := range r {
		v, ok := scores[c.Key]
		if !ok {
			return 0, FieldError("scores."+c.Key, "pilot.score_missing", c)
		}
		if v < 0 || v > c.Max {
			return 0, FieldError("scores."+c.Key, "pilot.score_range", c, c.Max)
		}
		total += v
	}
	return total, nil
}

// PartnerRole is what a member of a consortium does.
type PartnerRole string

// Partner roles (china_pilot.md §5: eligible applicants).
const (
	PartnerInsurer      PartnerRole = "insurer"      // 保险公司
	PartnerReinsurer    PartnerRole = "reinsurer"    // 再保险公司
	PartnerIntermediary PartnerRole = "intermediary" // 保险中介机构
	PartnerSecurity     PartnerRole = "security"     // 网络安全企业
	PartnerTelecom      PartnerRole = "telecom"      // 基础电信运营商
	PartnerTesting      PartnerRole = "testing"      // 专业测评机构
	PartnerForensic     PartnerRole = "forensic"     // 司法鉴定机构
	PartnerInsurtech    PartnerRole = "insurtech"    // 保险科技公司
	PartnerEnterprise   PartnerRole = "enterprise"   // 行业企业 (joint applicant)
)

// PartnerRoles lists every partner role in display order.
var PartnerRoles = []PartnerRole{PartnerInsurer, PartnerReinsurer, PartnerIntermediary, PartnerInsurtech, PartnerSecurity, PartnerTelecom,
	PartnerTesting, PartnerForensic, PartnerEnterprise}

// Valid reports whether r is a known role.
func (r PartnerRole) Valid() bool { return slices.Contains(PartnerRoles, r) }

// InsurerSide reports whether r is on the insurance side of a consortium.
func (r PartnerRole) InsurerSide() bool {
	return r == PartnerInsurer || r == PartnerReinsurer || r == PartnerIntermediary || r == PartnerInsurtech
}

// ServiceSide reports whether r provides security services.
func (r PartnerRole) ServiceSide() bool {
	return r == PartnerSecurity || r == PartnerTelecom || r == PartnerTesting || r == PartnerForensic
}

// FitsKind reports whether an organisation of kind k may take role r:
// insurance roles for insurers (an insurtech may be registered either way),
// service roles for providers, the enterprise role for enterprises.
func (r PartnerRole) FitsKind(k OrgKind) bool {
	switch {
	case r == PartnerInsurtech:
		return k == KindInsurer || k == KindProvider
	case r.InsurerSide():
		return k == KindInsurer
	case r.ServiceSide():
		return k == KindProvider
	case r == PartnerEnterprise:
		return k == KindEnterprise
	}
	return false
}

// Coverage items of the first-batch notice (china_pilot.md §3): property
// items (first-party loss) and liability items (third-party liability).
var (
	PropertyCoverages  = []string{"direct_loss", "business_interruption", "data_restoration", "hardware_improvement", "emergency_response", "pr_legal"}
	LiabilityCoverages = []string{"data_leak", "incident_liability", "media_infringement", "outsourcer_liability", "product_professional"}
)

// ValidCoverage reports whether item is a coverage item of the notice.
func ValidCoverage(item string) bool {
	return slices.Contains(PropertyCoverages, item) || slices.Contains(LiabilityCoverages, item)
}

// PlanStatus is the state of a service plan.
type PlanStatus string

// Plan statuses.
const (
	PlanDraft     PlanStatus = "draft"     // editable by the lead
	PlanSubmitted PlanStatus = "submitted" // submitted in the window; may be withdrawn until review starts
	PlanWithdrawn PlanStatus = "withdrawn" // withdrawn by the lead
	PlanReviewing PlanStatus = "reviewing" // an expert was assigned
	PlanSelected  PlanStatus = "selected"  // the operator selected it for the catalogue
	PlanRejected  PlanStatus = "rejected"  // the operator did not select it
)

// PlanStatuses lists every plan status.
var PlanStatuses = []PlanStatus{PlanDraft, PlanSubmitted, PlanWithdrawn, PlanReviewing, PlanSelected, PlanRejected}

// Valid reports whether s is a known plan status.
func (s PlanStatus) Valid() bool { return slices.Contains(PlanStatuses, s) }

// Submitted reports whether the plan was submitted and not withdrawn.
func (s PlanStatus) Submitted() bool {
	return s == PlanSubmitted || s == PlanReviewing || s == PlanSelected || s == PlanRejected
}

// BatchNotice describes the notice file of a batch (its bytes are served apart).
type BatchNotice struct {
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
}

// PilotBatch is one batch of the pilot.
type PilotBatch struct {
	ID           int64              `json:"id"`
	Code         string             `json:"code"`
	NameZH       string             `json:"name_zh"`
	NameEN       string             `json:"name_en"`
	Description  string             `json:"description"`
	Issuers      []string           `json:"issuers"`
	NoticeDate   string             `json:"notice_date"` // YYYY-MM-DD
	Industries   []string           `json:"industries"`  // GB/T 4754 section letters
	SubjectTypes []SubjectType      `json:"subject_types"`
	ProductTypes []PilotProductType `json:"product_types"`
	Rubric       []RubricCriterion  `json:"rubric"`
	Status       BatchStatus        `json:"status"`
	OpensAt      string             `json:"opens_at"`
	ClosesAt     string             `json:"closes_at"`
	Notice       *BatchNotice       `json:"notice,omitempty"`
	CreatedAt    string             `json:"created_at"`
	UpdatedAt    string             `json:"updated_at"`
	Version      int                `json:"version"`
	// Plans is the number of plans the caller can see in the batch.
	Plans int `json:"plans"`
}

// Name returns the batch's name in lang.
func (b *PilotBatch) Name(lang string) string {
	if lang == "en" && b.NameEN != "" {
		return b.NameEN
	}
	return b.NameZH
}

// Published reports whether the batch's catalogue is out (outcomes visible to applicants).
func (b *PilotBatch) Published() bool { return b.Status == BatchPublished || b.Status == BatchClosed }

// PlanPartner is a member of a plan's consortium.
type PlanPartner struct {
	OrgID int64       `json:"org_id"`
	Name  string      `json:"name"`
	Kind  OrgKind     `json:"kind"`
	Role  PartnerRole `json:"role"`
	Lead  bool        `json:"lead"`
}

// PlanCoverage is one coverage item of a plan with its indicative limit.
type PlanCoverage struct {
	Item     string `json:"item"`
	LimitFen int64  `json:"limit_fen,omitempty"`
	Note     string `json:"note,omitempty"`
}

// PlanServices are the security services of a plan by phase (事前、事中、事后).
type PlanServices struct {
	Before []string `json:"before"`
	During []string `json:"during"`
	After  []string `json:"after"`
}

// PlanAttachment describes a file attached to a plan.
type PlanAttachment struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
	CreatedAt   string `json:"created_at"`
}

// PlanRecommendation is the local regulator's recommendation of a plan.
type PlanRecommendation struct {
	PlanID       int64  `json:"plan_id"`
	Jurisdiction string `json:"jurisdiction"`
	Recommended  bool   `json:"recommended"`
	Rank         int    `json:"rank,omitempty"`
	Comment      string `json:"comment,omitempty"`
	ByUser       string `json:"by_user,omitempty"`
	UpdatedAt    string `json:"updated_at"`
	Version      int    `json:"version"`
}

// Review assignment statuses.
const (
	ReviewAssigned  = "assigned"
	ReviewSubmitted = "submitted"
	ReviewRecused   = "recused"
)

// ReviewAssignment is one expert's review of one plan. Applicants never see it.
type ReviewAssignment struct {
	ID            int64          `json:"id"`
	PlanID        int64          `json:"plan_id"`
	PlanTitle     string         `json:"plan_title,omitempty"`
	BatchID       int64          `json:"batch_id"`
	ExpertID      int64          `json:"expert_id"`
	ExpertName    string         `json:"expert_name,omitempty"`
	Status        string         `json:"status"`
	Scores        map[string]int `json:"scores,omitempty"`
	Total         int            `json:"total"`
	Comment       string         `json:"comment,omitempty"`
	RecusalReason string         `json:"recusal_reason,omitempty"`
	AssignedAt    string         `json:"assigned_at"`
	SubmittedAt   string         `json:"submitted_at,omitempty"`
	RecusedAt     string         `json:"recused_at,omitempty"`
	Version       int            `json:"version"`
}

// ExpertAffiliation records that an expert works for or has ties to an organisation.
type ExpertAffiliation struct {
	ID        int64  `json:"id"`
	UserID    int64  `json:"user_id"`
	Username  string `json:"username"`
	OrgID     int64  `json:"org_id"`
	OrgName   string `json:"org_name"`
	Relation  string `json:"relation"` // employment, advisory, shareholding, other
	Note      string `json:"note,omitempty"`
	Source    string `json:"source"` // operator or self
	CreatedAt string `json:"created_at"`
}

// AffiliationRelations are the kinds of tie an expert may have.
var AffiliationRelations = []string{"employment", "advisory", "shareholding", "other"}

// PlanOutcome is the consolidated result of the review. The consolidated
// score is the arithmetic mean of the totals of the submitted reviews,
// rounded half away from zero to 2 decimals; recused and pending reviews do
// not count. Applicants see it (and the decision) only once the batch's
// catalogue is published; individual scores and expert names never.
type PlanOutcome struct {
	Score        float64 `json:"score"`
	Reviews      int     `json:"reviews"`
	Decision     string  `json:"decision,omitempty"` // selected, rejected or ""
	DecisionNote string  `json:"decision_note,omitempty"`
	DecidedAt    string  `json:"decided_at,omitempty"`
}

// PlanEvent is one step of a plan's history.
type PlanEvent struct {
	ID     int64  `json:"id"`
	Kind   string `json:"kind"`
	ByOrg  int64  `json:"by_org,omitempty"`
	ByUser string `json:"by_user,omitempty"`
	Detail string `json:"detail,omitempty"`
	At     string `json:"at"`
}

// ServicePlan is a consortium's service plan (服务方案).
type ServicePlan struct {
	ID            int64            `json:"id"`
	BatchID       int64            `json:"batch_id"`
	BatchCode     string           `json:"batch_code"`
	LeadOrgID     int64            `json:"lead_org_id"`
	LeadName      string           `json:"lead_name"`
	Jurisdiction  string           `json:"jurisdiction"`
	Status        PlanStatus       `json:"status"`
	ProductType   PilotProductType `json:"product_type"`
	Industries    []string         `json:"industries"`
	SubjectTypes  []SubjectType    `json:"subject_types"`
	Title         string           `json:"title"`
	Summary       string           `json:"summary"`
	Coverages     []PlanCoverage   `json:"coverages"`
	Services      PlanServices     `json:"services"`
	Pricing       string           `json:"pricing"`
	Registrations []string         `json:"registrations"`
	Partners      []PlanPartner    `json:"partners"`
	SubmittedAt   string           `json:"submitted_at,omitempty"`
	WithdrawnAt   string           `json:"withdrawn_at,omitempty"`
	CreatedAt     string           `json:"created_at"`
	UpdatedAt     string           `json:"updated_at"`
	Version       int              `json:"version"`
	// EntryNo is the plan's number in the latest published catalogue version, if any.
	EntryNo string `json:"entry_no,omitempty"`

	// Filled by GetPlan within what the caller may see.
	Attachments    []PlanAttachment    `json:"attachments,omitempty"`
	Recommendation *PlanRecommendation `json:"recommendation,omitempty"`
	Outcome        *PlanOutcome        `json:"outcome,omitempty"`
	Assignments    []*ReviewAssignment `json:"assignments,omitempty"`
	Events         []*PlanEvent        `json:"events,omitempty"`
}

// CatalogueVersion is one published version of a batch's catalogue.
type CatalogueVersion struct {
	ID          int64  `json:"id"`
	BatchID     int64  `json:"batch_id"`
	Number      int    `json:"number"`
	Status      string `json:"status"`
	Note        string `json:"note,omitempty"`
	PublishedAt string `json:"published_at"`
	PublishedBy string `json:"published_by,omitempty"`
	Entries     int    `json:"entries"`
	// Added and Removed list the entry numbers that changed against the previous version.
	Added   []string `json:"added,omitempty"`
	Removed []string `json:"removed,omitempty"`
}

// CatalogueEntry is one plan of a published catalogue version, with what an
// enterprise needs to choose it: the consortium, coverages, services by phase.
type CatalogueEntry struct {
	ID            int64            `json:"id"`
	VersionID     int64            `json:"version_id"`
	VersionNumber int              `json:"version_number"`
	BatchID       int64            `json:"batch_id"`
	BatchCode     string           `json:"batch_code"`
	PlanID        int64            `json:"plan_id"`
	EntryNo       string           `json:"entry_no"`
	Title         string           `json:"title"`
	Summary       string           `json:"summary"`
	LeadOrgID     int64            `json:"lead_org_id"`
	LeadName      string           `json:"lead_name"`
	Jurisdiction  string           `json:"jurisdiction"`
	ProductType   PilotProductType `json:"product_type"`
	Industries    []string         `json:"industries"`
	SubjectTypes  []SubjectType    `json:"subject_types"`
	Coverages     []PlanCoverage   `json:"coverages"`
	Services      PlanServices     `json:"services"`
	Pricing       string           `json:"pricing"`
	Registrations []string         `json:"registrations"`
	Partners      []PlanPartner    `json:"partners"`
	PublishedAt   string           `json:"published_at"`
}

// Insurers returns the consortium's members on the insurance side that are insurer organisations.
func (e *CatalogueEntry) Insurers() []PlanPartner {
	var out []PlanPartner
	for _, p := range e.Partners {
		if p.Kind == KindInsurer && (p.Role == PartnerInsurer || p.Role == PartnerReinsurer) {
			out = append(out, p)
		}
	}
	return out
}

// Providers returns the consortium's security-service members.
func (e *CatalogueEntry) Providers() []PlanPartner {
	var out []PlanPartner
	for _, p := range e.Partners {
		if p.Kind == KindProvider {
			out = append(out, p)
		}
	}
	return out
}

// CatalogueFilter selects catalogue entries. By default the latest
// published version of each batch is searched.
type CatalogueFilter struct {
	BatchID      int64
	VersionID    int64  // a specific published version instead of the latest
	Industry     string // GB/T 4754 section letter
	Jurisdiction string
	SubjectType  SubjectType
	ProductType  PilotProductType
	Query        string // title, summary, entry number, member names
	Page
}

// CatalogueList is a page of catalogue entries and the total matched.
type CatalogueList struct {
	Items []*CatalogueEntry `json:"items"`
	Total int               `json:"total"`
}
