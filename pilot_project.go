package anbao

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Pilot projects (试点项目), their periodic reports (月报 / 季报 / 总结报告)
// and the good-practice and typical-case library (优秀做法 / 典型案例) of
// issue #7. A local authority, a service institution or an enterprise
// registers a project against an entry of a published typical service-plan
// catalogue; its members report on a schedule, the regulator of the
// project's jurisdiction acknowledges the reports; anyone may submit a case,
// the operator and the national regulators select and publish them.

// ProjectStatus is where a pilot project stands.
type ProjectStatus string

const (
	ProjectActive     ProjectStatus = "active"     // running
	ProjectCompleted  ProjectStatus = "completed"  // ended as planned (the final report still falls due)
	ProjectTerminated ProjectStatus = "terminated" // stopped early; later periodic reports are cancelled
)

// ProjectStatuses lists the statuses in display order.
var ProjectStatuses = []ProjectStatus{ProjectActive, ProjectCompleted, ProjectTerminated}

// Valid reports whether s is a known status.
func (s ProjectStatus) Valid() bool { return projectContains(ProjectStatuses, s) }

// MemberRole is the part an organisation plays in a project; it follows the
// organisation's kind.
type MemberRole string

const (
	MemberLocalAuthority MemberRole = "local_authority" // a local industry and IT department or communications administration
	MemberInsurer        MemberRole = "insurer"         // an insurer, reinsurer or intermediary of the plan's consortium
	MemberProvider       MemberRole = "provider"        // a security service institution of the plan's consortium
	MemberEnterprise     MemberRole = "enterprise"      // an industry enterprise taking part
)

// MemberRoles lists the member roles in display order.
var MemberRoles = []MemberRole{MemberLocalAuthority, MemberInsurer, MemberProvider, MemberEnterprise}

// MemberRoleOf is the member role of an organisation kind ("" for the operator).
func MemberRoleOf(k OrgKind) MemberRole {
	switch k {
	case KindRegulator:
		return MemberLocalAuthority
	case KindInsurer:
		return MemberInsurer
	case KindProvider:
		return MemberProvider
	case KindEnterprise:
		return MemberEnterprise
	}
	return ""
}

// MemberStatus is where an organisation's membership of a project stands.
// An enterprise's records enter a project's figures only once it accepted:
// an enterprise added by another organisation is invited until its admin
// accepts or declines; one that registers the project or adds itself, and
// every institution and local authority, is accepted at once.
type MemberStatus string

const (
	MemberInvited  MemberStatus = "invited"  // added by another organisation, awaiting the enterprise's answer
	MemberAccepted MemberStatus = "accepted" // takes part
	MemberDeclined MemberStatus = "declined" // the enterprise declined; it takes no part
)

// ReportCadence is how often a project reports between its final reports.
type ReportCadence string

const (
	CadenceMonthly   ReportCadence = "monthly"
	CadenceQuarterly ReportCadence = "quarterly"
)

// Valid reports whether c is a known cadence.
func (c ReportCadence) Valid() bool { return c == CadenceMonthly || c == CadenceQuarterly }

// ReportKind is the kind of a periodic report.
type ReportKind string

const (
	ReportMonthly   ReportKind = "monthly"   // 月报
	ReportQuarterly ReportKind = "quarterly" // 季报
	ReportFinal     ReportKind = "final"     // 总结报告, over the whole project period
)

// ReportStatus is where a periodic report stands.
type ReportStatus string

const (
	ReportDue          ReportStatus = "due"          // scheduled, nothing saved yet
	ReportDraft        ReportStatus = "draft"        // saved by a member, not submitted
	ReportSubmitted    ReportStatus = "submitted"    // submitted, awaiting the regulator
	ReportAcknowledged ReportStatus = "acknowledged" // acknowledged by the regulator
	ReportReturned     ReportStatus = "returned"     // returned by the regulator for correction
	ReportCancelled    ReportStatus = "cancelled"    // no longer due (the project was terminated before the period)
)

// ReportStatuses lists the report statuses in display order.
var ReportStatuses = []ReportStatus{ReportDue, ReportDraft, ReportSubmitted, ReportAcknowledged, ReportReturned, ReportCancelled}

// Valid reports whether s is a known status.
func (s ReportStatus) Valid() bool { return projectContains(ReportStatuses, s) }

// Open reports whether a report in status s still waits for its reporter.
func (s ReportStatus) Open() bool { return s == ReportDue || s == ReportDraft || s == ReportReturned }

// Report schedule rules: a periodic report falls due ReportDueDays days after
// the end of its period, the final report FinalReportDueDays days after the
// project's end; a reminder escalates to the regulator EscalateAfterDays days
// after the due date.
const (
	ReportDueDays      = 10
	FinalReportDueDays = 30
	EscalateAfterDays  = 7
)

// ProjectKPIs are the figures of one reporting period for a project's scope.
// Amounts are in 分.
type ProjectKPIs struct {
	Policies       int64 `json:"policies"`         // policy terms (new and renewed) of accepted member enterprises with member insurers starting in the period, never-in-force terms excluded
	Premium        int64 `json:"premium"`          // their written premium
	SumInsured     int64 `json:"sum_insured"`      // their sum insured
	Subsidies      int64 `json:"subsidies"`        // premium subsidies granted in the period (count)
	SubsidyAmount  int64 `json:"subsidy_amount"`   // and their amount
	Assessments    int64 `json:"assessments"`      // signed assessment reports
	Engagements    int64 `json:"engagements"`      // assessment engagements started
	Dispatches     int64 `json:"dispatches"`       // emergency-response dispatches
	InKindServices int64 `json:"in_kind_services"` // in-kind services drawn from entitlements
	InKindValue    int64 `json:"in_kind_value"`    // their value
	Incidents      int64 `json:"incidents"`        // incidents discovered
	ClaimsOpened   int64 `json:"claims_opened"`    // claims opened
	ClaimsPaid     int64 `json:"claims_paid"`      // amount paid on claims in the period, net of the recoveries recorded in it (may be negative)
	ClaimsDeclined int64 `json:"claims_declined"`  // distinct claims declined whose last decline falls in the period
}

// KPIField is one figure of ProjectKPIs, for forms and tables.
type KPIField struct {
	Key   string // the JSON name, also the i18n suffix
	Money bool   // an amount in 分
	Ptr   *int64
}

// Fields lists k's figures in display order with pointers into k.
func (k *ProjectKPIs) Fields() []KPIField {
	return []KPIField{
		{"policies", false, &k.Policies}, {"premium", true, &k.Premium}, {"sum_insured", true, &k.SumInsured},
		{"subsidies", false, &k.Subsidies}, {"subsidy_amount", true, &k.SubsidyAmount},
		{"assessments", false, &k.Assessments}, {"engagements", false, &k.Engagements},
		{"dispatches", false, &k.Dispatches}, {"in_kind_services", false, &k.InKindServices}, {"in_kind_value", true, &k.InKindValue},
		{"incidents", false, &k.Incidents}, {"claims_opened", false, &k.ClaimsOpened}, {"claims_paid", true, &k.ClaimsPaid},
		{"claims_declined", false, &k.ClaimsDeclined},
	}
}

// KPIKeys lists the figure keys in display order.
func KPIKeys() []string {
	var k ProjectKPIs
	var out []string
	for _, f := range k.Fields() {
		out = append(out, f.Key)
	}
	return out
}

// Validate checks that every figure is non-negative and within bounds.
func (k *ProjectKPIs) Validate(prefix string) error {
	for _, f := range k.Fields() {
		lo := int64(0)
		if f.Key == "claims_paid" { // net of recoveries: may be negative
			lo = -MaxKPIValue
		}
		if *f.Ptr < lo || *f.Ptr > MaxKPIValue {
			return FieldError(prefix+f.Key, "pilot.kpi_out_of_range", *f.Ptr)
		}
	}
	return nil
}

// MaxKPIValue bounds a reported figure (10¹⁵ 分, ten trillion yuan).
const MaxKPIValue = 1_000_000_000_000_000

// CaseKind distinguishes good practices from typical cases.
type CaseKind string

const (
	CaseGoodPractice CaseKind = "good_practice" // 优秀做法
	CaseTypical      CaseKind = "typical_case"  // 典型案例
)

// CaseKinds lists the case kinds in display order.
var CaseKinds = []CaseKind{CaseGoodPractice, CaseTypical}

// Valid reports whether k is a known kind.
func (k CaseKind) Valid() bool { return k == CaseGoodPractice || k == CaseTypical }

// CaseStatus is where a case stands in selection.
type CaseStatus string

const (
	CaseDraft     CaseStatus = "draft"     // being written by the submitter
	CaseSubmitted CaseStatus = "submitted" // awaiting review
	CaseSelected  CaseStatus = "selected"  // selected by a reviewer, awaiting publication
	CaseRejected  CaseStatus = "rejected"  // not selected
	CasePublished CaseStatus = "published" // in the case library, readable by everyone
)

// CaseStatuses lists the case statuses in display order.
var CaseStatuses = []CaseStatus{CaseDraft, CaseSubmitted, CaseSelected, CaseRejected, CasePublished}

// Valid reports whether s is a known status.
func (s CaseStatus) Valid() bool { return projectContains(CaseStatuses, s) }

// Text bounds of the pilot forms, in characters.
const (
	MaxTitleChars     = 200
	MaxNarrativeChars = 20_000
	MaxCommentChars   = 4_000
)

// CheckPilotText validates a free-text field: required when min > 0, at most max
// characters, valid UTF-8, no control characters but newlines and tabs.
func CheckPilotText(field, v string, required bool, max int) error {
	if !utf8.ValidString(v) || strings.ContainsFunc(v, func(r rune) bool { return r < 0x20 && r != '\n' && r != '\r' && r != '\t' }) {
		return FieldError(field, "pilot.text_invalid")
	}
	if required && strings.TrimSpace(v) == "" {
		return FieldError(field, "pilot.required")
	}
	if utf8.RuneCountInString(v) > max {
		return FieldError(field, "pilot.too_long", max)
	}
	return nil
}

// ParsePilotDate reads a calendar date (YYYY-MM-DD).
func ParsePilotDate(field, v string) (time.Time, error) {
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return time.Time{}, FieldError(field, "pilot.date_invalid", v)
	}
	return t, nil
}

func projectContains[T ~string](xs []T, x T) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// PilotProject is a pilot project registered against a catalogue entry.
type PilotProject struct {
	ID               int64         `json:"id"`
	BatchID          int64         `json:"batch_id"`
	CatalogueEntryID int64         `json:"catalogue_entry_id"`
	PlanID           int64         `json:"plan_id"`
	RegistrantOrgID  int64         `json:"registrant_org_id"`
	RegistrantName   string        `json:"registrant_name"`
	RegisteredBy     string        `json:"registered_by"`
	Jurisdiction     string        `json:"jurisdiction"`
	Title            string        `json:"title"`
	Summary          string        `json:"summary"`
	Cadence          ReportCadence `json:"cadence"`
	Status           ProjectStatus `json:"status"`
	StatusNote       string        `json:"status_note,omitempty"`
	StartDate        string        `json:"start_date"`
	EndDate          string        `json:"end_date"`
	// OverdueReports counts the reports past their due date and not submitted.
	OverdueReports int               `json:"overdue_reports"`
	Members        []ProjectMember   `json:"members,omitempty"`
	Milestones     []Milestone       `json:"milestones,omitempty"`
	Reports        []*PeriodicReport `json:"reports,omitempty"`
	Reminders      []ReportReminder  `json:"reminders,omitempty"`
	CreatedAt      string            `json:"created_at"`
	UpdatedAt      string            `json:"updated_at"`
	Version        int               `json:"version"`
}

// ProjectMember is one participating unit of a project.
type ProjectMember struct {
	OrgID        int64        `json:"org_id"`
	NameZH       string       `json:"name_zh"`
	NameEN       string       `json:"name_en"`
	Kind         OrgKind      `json:"kind"`
	Role         MemberRole   `json:"role"`
	Jurisdiction string       `json:"jurisdiction"`
	Registrant   bool         `json:"registrant"`
	Status       MemberStatus `json:"status"`
	AddedBy      string       `json:"added_by"`
	AddedAt      string       `json:"added_at"`
	RespondedBy  string       `json:"responded_by,omitempty"`
	RespondedAt  string       `json:"responded_at,omitempty"`
}

// Name returns the member's name in lang, falling back to Chinese.
func (m ProjectMember) Name(lang string) string {
	if lang == "en" && m.NameEN != "" {
		return m.NameEN
	}
	return m.NameZH
}

// Milestone is a step of a project kept by its members.
type Milestone struct {
	ID        int64  `json:"id"`
	ProjectID int64  `json:"project_id"`
	Title     string `json:"title"`
	DueDate   string `json:"due_date"`
	DoneDate  string `json:"done_date,omitempty"`
	Note      string `json:"note,omitempty"`
	Late      bool   `json:"late"` // not done and past its due date
	UpdatedBy string `json:"updated_by"`
	UpdatedAt string `json:"updated_at"`
	Version   int    `json:"version"`
}

// PeriodicReport is one report of a project's schedule. Platform holds the
// platform's figures (computed live while the report is open, frozen at
// submission); Reported the reporter's, which may correct them.
type PeriodicReport struct {
	ID            int64        `json:"id"`
	ProjectID     int64        `json:"project_id"`
	ProjectTitle  string       `json:"project_title"`
	Jurisdiction  string       `json:"jurisdiction"`
	Kind          ReportKind   `json:"kind"`
	Period        string       `json:"period"` // 2024-03, 2024Q1 or final
	PeriodStart   string       `json:"period_start"`
	PeriodEnd     string       `json:"period_end"`
	DueDate       string       `json:"due_date"`
	Status        ReportStatus `json:"status"`
	Overdue       bool         `json:"overdue"`
	DaysOverdue   int          `json:"days_overdue,omitempty"`
	Platform      *ProjectKPIs `json:"platform,omitempty"`
	Reported      *ProjectKPIs `json:"reported,omitempty"`
	Progress      string       `json:"progress,omitempty"`
	Issues        string       `json:"issues,omitempty"`
	NextSteps     string       `json:"next_steps,omitempty"`
	ReporterOrgID int64        `json:"reporter_org_id,omitempty"`
	SavedBy       string       `json:"saved_by,omitempty"`
	SavedAt       string       `json:"saved_at,omitempty"`
	SubmittedBy   string       `json:"submitted_by,omitempty"`
	SubmittedAt   string       `json:"submitted_at,omitempty"`
	ReviewedBy    string       `json:"reviewed_by,omitempty"`
	ReviewedAt    string       `json:"reviewed_at,omitempty"`
	ReviewComment string       `json:"review_comment,omitempty"`
	Version       int          `json:"version"`
}

// ReportReminder is a reminder raised for an overdue report: "overdue" to
// the project's members, "escalation" to the regulator of its jurisdiction.
type ReportReminder struct {
	ID          int64  `json:"id"`
	ReportID    int64  `json:"report_id"`
	ProjectID   int64  `json:"project_id"`
	Period      string `json:"period"`
	Kind        string `json:"kind"`
	DaysOverdue int    `json:"days_overdue"`
	CreatedAt   string `json:"created_at"`
}

// Reminder kinds.
const (
	ReminderOverdue    = "overdue"
	ReminderEscalation = "escalation"
)

// PilotCase is a good practice or typical case, with the submission
// template's sections.
type PilotCase struct {
	ID                int64        `json:"id"`
	Kind              CaseKind     `json:"kind"`
	Status            CaseStatus   `json:"status"`
	Title             string       `json:"title"`
	OrgID             int64        `json:"org_id"`
	OrgName           string       `json:"org_name"`
	CreatedBy         string       `json:"created_by"`
	ProjectID         int64        `json:"project_id,omitempty"`
	Jurisdiction      string       `json:"jurisdiction"`
	Industry          string       `json:"industry,omitempty"`
	Background        string       `json:"background"`
	Risk              string       `json:"risk"`
	InsuranceServices string       `json:"insurance_services"`
	IncidentClaim     string       `json:"incident_claim,omitempty"`
	Outcome           string       `json:"outcome"`
	Lessons           string       `json:"lessons"`
	SubmittedAt       string       `json:"submitted_at,omitempty"`
	DecidedBy         string       `json:"decided_by,omitempty"`
	DecidedAt         string       `json:"decided_at,omitempty"`
	PublishedBy       string       `json:"published_by,omitempty"`
	PublishedAt       string       `json:"published_at,omitempty"`
	Reviews           []CaseReview `json:"reviews,omitempty"`
	CreatedAt         string       `json:"created_at"`
	UpdatedAt         string       `json:"updated_at"`
	Version           int          `json:"version"`
}

// CaseReview is one entry of a case's review trail.
type CaseReview struct {
	ID       int64  `json:"id"`
	OrgID    int64  `json:"org_id"`
	Reviewer string `json:"reviewer"`
	Decision string `json:"decision"` // comment, recommend, select, reject, return, publish
	Comment  string `json:"comment,omitempty"`
	At       string `json:"at"`
}

// Case review decisions.
const (
	CaseDecisionComment   = "comment"
	CaseDecisionRecommend = "recommend"
	CaseDecisionSelect    = "select"
	CaseDecisionReject    = "reject"
	CaseDecisionReturn    = "return"
	CaseDecisionPublish   = "publish"
)
