package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/incident"
	"github.com/anbao/anbao/refdata"
)

// Incidents (issue #6 items 1 and 2): first notice of loss by the
// enterprise or by a provider on its behalf, graded by the statutory
// grading helper (package incident) against the rule table in force at
// discovery, with the reporting route, the statutory deadline and the
// insurer's notice window kept as timers (timer.go). Anbao prepares the
// statutory report; the enterprise files it through 12387 or the competent
// authority and records here when and how it did.

// Incident statuses.
const (
	IncidentOpen    = "open"    // being handled
	IncidentHandled = "handled" // handling ended; the 30-day summary may be due
	IncidentClosed  = "closed"  // summary submitted, or none due
)

// DefaultNoticeHours is the insurer's notice window when the policy names
// none (Ping An B款: notify within 24 hours of engaging a provider).
const DefaultNoticeHours = 24

// Ransomware is the ransomware sub-form.
type Ransomware struct {
	Family           string `json:"family,omitempty"`
	RansomDemandFen  int64  `json:"ransom_demand_fen,omitempty"`
	Currency         string `json:"currency,omitempty"` // as demanded: BTC, USDT, CNY…
	Paid             bool   `json:"paid,omitempty"`
	EncryptedSystems string `json:"encrypted_systems,omitempty"`
	ContactChannel   string `json:"contact_channel,omitempty"`
}

// IncidentDetails is the narrative of an incident, the report's free text.
type IncidentDetails struct {
	AffectedSystems string      `json:"affected_systems"`
	AffectedData    string      `json:"affected_data,omitempty"`
	Measures        string      `json:"measures,omitempty"`
	Trend           string      `json:"trend,omitempty"`
	Cause           string      `json:"cause,omitempty"`
	Leads           string      `json:"leads,omitempty"`
	NextSteps       string      `json:"next_steps,omitempty"`
	Preservation    string      `json:"preservation,omitempty"`
	CrimeSuspected  bool        `json:"crime_suspected,omitempty"`
	PoliceRef       string      `json:"police_ref,omitempty"`
	Ransomware      *Ransomware `json:"ransomware,omitempty"`
}

// IncidentInput is a first notice of loss.
type IncidentInput struct {
	// PolicyID is the policy the incident falls under; 0 lets Anbao pick the
	// enterprise's policy in force at the time of occurrence, if any.
	PolicyID     int64           `json:"policy_id,omitempty"`
	Title        string          `json:"title"`
	Category     string          `json:"category"`
	SubCategory  string          `json:"sub_category"`
	OccurredAt   string          `json:"occurred_at"`   // RFC 3339, or YYYY-MM-DDTHH:MM in Beijing time
	DiscoveredAt string          `json:"discovered_at"` // same
	OperatorType string          `json:"operator_type"` // cii | central_state | other
	Facts        incident.Facts  `json:"facts"`
	Details      IncidentDetails `json:"details"`
	// NotifyInsurer notifies the policy's insurer at once (proof of time).
	NotifyInsurer bool `json:"notify_insurer,omitempty"`
}

// IncidentUpdate is a later update of the facts (as the handling learns more).
type IncidentUpdate struct {
	Title        string          `json:"title"`
	Category     string          `json:"category"`
	SubCategory  string          `json:"sub_category"`
	OperatorType string          `json:"operator_type"`
	Facts        incident.Facts  `json:"facts"`
	Details      IncidentDetails `json:"details"`
	Note         string          `json:"note,omitempty"`
	Version      int             `json:"version"`
}

// Incident is one incident with its grading and statutory state.
type Incident struct {
	ID                 int64               `json:"id"`
	EnterpriseID       int64               `json:"enterprise_id"`
	EnterpriseName     string              `json:"enterprise_name"`
	PolicyID           int64               `json:"policy_id,omitempty"`
	PolicyNumber       string              `json:"policy_number,omitempty"`
	InsurerID          int64               `json:"insurer_id,omitempty"`
	ReportedByOrg      int64               `json:"reported_by_org"`
	ReportedBy         string              `json:"reported_by"`
	Title              string              `json:"title"`
	Category           string              `json:"category"`
	SubCategory        string              `json:"sub_category"`
	OccurredAt         string              `json:"occurred_at"`
	DiscoveredAt       string              `json:"discovered_at"`
	OperatorType       string              `json:"operator_type"`
	Details            IncidentDetails     `json:"details"`
	Facts              incident.Facts      `json:"facts"`
	Grade              string              `json:"grade"`
	TableVersion       string              `json:"table_version"`
	Grading            incident.Assessment `json:"grading"`
	Mandatory          bool                `json:"mandatory"`
	ReportDueAt        string              `json:"report_due_at,omitempty"`
	ReportedAt         string              `json:"reported_at,omitempty"`
	ReportChannel      string              `json:"report_channel,omitempty"`
	ReportRef          string              `json:"report_ref,omitempty"`
	InsurerNotifiedAt  string              `json:"insurer_notified_at,omitempty"`
	NoticeDueAt        string              `json:"notice_due_at,omitempty"`
	Status             string              `json:"status"`
	HandlingEndedAt    string              `json:"handling_ended_at,omitempty"`
	Summary            *SummaryInput       `json:"summary,omitempty"`
	SummarySubmittedAt string              `json:"summary_submitted_at,omitempty"`
	CreatedAt          string              `json:"created_at"`
	UpdatedAt          string              `json:"updated_at"`
	Version            int                 `json:"version"`

	// Filled by GetIncident.
	Route      *incident.RouteInfo `json:"route,omitempty"`
	Timers     []*Timer            `json:"timers,omitempty"`
	Events     []*IncidentEvent    `json:"events,omitempty"`
	Dispatches []*Dispatch         `json:"dispatches,omitempty"`
	Evidence   []*IncidentEvidence `json:"evidence,omitempty"`
	Claims     []*Claim            `json:"claims,omitempty"`
}

// IncidentEvent is one step of an incident's history.
type IncidentEvent struct {
	ID     int64           `json:"id"`
	Kind   string          `json:"kind"`
	ByOrg  int64           `json:"by_org,omitempty"`
	ByUser string          `json:"by_user,omitempty"`
	Detail json.RawMessage `json:"detail,omitempty"`
	At     string          `json:"at"`
}

// StatutoryReportInput records the report the enterprise filed itself.
type StatutoryReportInput struct {
	ReportedAt string `json:"reported_at"`
	Channel    string `json:"channel"`
	Reference  string `json:"reference,omitempty"`
	Version    int    `json:"version"`
}

// ReportChannels are where a statutory report can be filed: the 12387
// channels and the competent authority (主管部门) or the police.
var ReportChannels = []string{"12387_hotline", "12387_web", "12387_wechat", "cncert_wechat", "12387_email", "12387_fax",
	"competent_authority", "police"}

// SummaryInput is the 30-day summary report (《办法》: cause, measures,
// harm, accountability, rectification, lessons).
type SummaryInput struct {
	Cause          string `json:"cause"`
	Measures       string `json:"measures"`
	Harm           string `json:"harm"`
	Accountability string `json:"accountability"`
	Rectification  string `json:"rectification"`
	Lessons        string `json:"lessons"`
	SubmittedAt    string `json:"submitted_at,omitempty"`
	Channel        string `json:"channel,omitempty"`
	Version        int    `json:"version,omitempty"`
}

// IncidentFilter narrows ListIncidents.
type IncidentFilter struct {
	EnterpriseID int64
	PolicyID     int64
	Status       string
	Grade        string
	Overdue      bool // a statutory, insurer-notice or summary deadline passed and not met
	anbao.Page
}

// OperatorTypes are the reporting routes of Art. 4.
var OperatorTypes = []string{string(incident.OperatorCII), string(incident.OperatorCentralState), string(incident.OperatorOther)}

// maxSkew is how far in the future a reported instant may be (clock drift).
const maxSkew = 5 * time.Minute

// parseInstant reads an instant given as RFC 3339 or as a Beijing local
// time YYYY-MM-DDTHH:MM (what a datetime-local field sends).
func parseInstant(field, v string) (time.Time, error) {
	v = strings.TrimSpace(v)
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t.UTC(), nil
	}
	for _, f := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(f, v, anbao.Shanghai); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, anbao.FieldError(field, "incident.time_format", v)
}

// incidentError turns an error of package incident into an application error.
func incidentError(prefix string, err error) error {
	var fe *incident.FieldError
	if errors.As(err, &fe) {
		field := fe.Field
		if prefix != "" && field != "" {
			field = prefix + "." + field
		}
		return anbao.FieldError(field, fe.Code, fe.Args...)
	}
	return err
}

func checkDetails(d *IncidentDetails) error {
	fields := []struct {
		name string
		v    *string
		min  int
		max  int
	}{
		{"details.affected_systems", &d.AffectedSystems, 2, 2000}, {"details.affected_data", &d.AffectedData, 0, 2000},
		{"details.measures", &d.Measures, 0, 4000}, {"details.trend", &d.Trend, 0, 2000}, {"details.cause", &d.Cause, 0, 4000},
		{"details.leads", &d.Leads, 0, 4000}, {"details.next_steps", &d.NextSteps, 0, 2000},
		{"details.preservation", &d.Preservation, 0, 2000}, {"details.police_ref", &d.PoliceRef, 0, 100},
	}
	for _, f := range fields {
		v, err := trimText(f.name, *f.v, f.min, f.max)
		if err != nil {
			return err
		}
		*f.v = v
	}
	if d.PoliceRef != "" && !d.CrimeSuspected {
		return anbao.FieldError("details.police_ref", "incident.police_without_crime")
	}
	if r := d.Ransomware; r != nil {
		if r.RansomDemandFen < 0 || r.RansomDemandFen > 1_000_000_000_000 {
			return anbao.FieldError("details.ransomware.ransom_demand_fen", "incident.amount_range", r.RansomDemandFen)
		}
		for _, f := range []struct {
			name string
			v    *string
		}{{"details.ransomware.family", &r.Family}, {"details.ransomware.currency", &r.Currency},
			{"details.ransomware.encrypted_systems", &r.EncryptedSystems}, {"details.ransomware.contact_channel", &r.ContactChannel}} {
			v, err := trimText(f.name, *f.v, 0, 500)
			if err != nil {
				return err
			}
			*f.v = v
		}
	}
	return nil
}

// checkClassification checks the GB/T 20986-2023 category pair, the
// operator type and the facts, and grades them.
func (s *Store) classify(category, sub, op string, facts incident.Facts, discovered time.Time, ransom *Ransomware) (incident.Assessment, error) {
	if err := incident.ValidateClass(category, sub); err != nil {
		return incident.Assessment{}, incidentError("", err)
	}
	if ransom != nil && !incident.IsRansomware(sub) {
		return incident.Assessment{}, anbao.FieldError("details.ransomware", "incident.ransomware_not_ransomware", sub)
	}
	switch op {
	case string(incident.OperatorCII), string(incident.OperatorCentralState), string(incident.OperatorOther):
	default:
		return incident.Assessment{}, anbao.FieldError("operator_type", "incident.operator_type_unknown", op)
	}
	if err := incident.ValidateFacts(facts); err != nil {
		return incident.Assessment{}, incidentError("facts", err)
	}
	table, ok := incident.Current(discovered)
	if !ok {
		return incident.Assessment{}, anbao.FieldError("discovered_at", "incident.no_rule_table", anbao.FormatTime(discovered))
	}
	return table.Grade(facts), nil
}

const incidentColumns = `i.id, i.enterprise_id, e.name_zh, COALESCE(i.policy_id, 0), COALESCE(pol.number, ''), COALESCE(pol.insurer_id, 0),
	i.reported_by_org, i.reported_by, i.title, i.category, i.sub_category, i.occurred_at, i.discovered_at, i.operator_type, i.details,
	i.facts, i.grade, i.table_version, i.grading, i.mandatory, i.report_due_at, i.reported_at, i.report_channel, i.report_ref,
	i.insurer_notified_at, i.notice_due_at, i.status, i.handling_ended_at, i.summary, i.summary_submitted_at, i.created_at,
	i.updated_at, i.version`

const incidentFrom = ` FROM incidents i JOIN organisations e ON e.id = i.enterprise_id LEFT JOIN policies pol ON pol.id = i.policy_id`

func scanIncident(sc scanner) (*Incident, error) {
	var in Incident
	var details, facts, grading, summary string
	var mandatory int
	if err := sc.Scan(&in.ID, &in.EnterpriseID, &in.EnterpriseName, &in.PolicyID, &in.PolicyNumber, &in.InsurerID, &in.ReportedByOrg,
		&in.ReportedBy, &in.Title, &in.Category, &in.SubCategory, &in.OccurredAt, &in.DiscoveredAt, &in.OperatorType, &details,
		&facts, &in.Grade, &in.TableVersion, &grading, &mandatory, &in.ReportDueAt, &in.ReportedAt, &in.ReportChannel, &in.ReportRef,
		&in.InsurerNotifiedAt, &in.NoticeDueAt, &in.Status, &in.HandlingEndedAt, &summary, &in.SummarySubmittedAt, &in.CreatedAt,
		&in.UpdatedAt, &in.Version); err != nil {
		return nil, err
	}
	in.Mandatory = mandatory != 0
	if err := json.Unmarshal([]byte(details), &in.Details); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(facts), &in.Facts); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(grading), &in.Grading); err != nil {
		return nil, err
	}
	if summary != "" {
		in.Summary = &SummaryInput{}
		if err := json.Unmarshal([]byte(summary), in.Summary); err != nil {
			return nil, err
		}
	}
	return &in, nil
}

// incidentScope restricts a query on incidents (alias i, policies pol) to
// those p may read: the enterprise its own; a provider those it reported or
// is dispatched to; an insurer those under its policies or claimed on them.
func incidentScope(p *anbao.Principal, w *where) {
	switch {
	case p.System:
	case p.OrgKind == anbao.KindEnterprise:
		w.add("i.enterprise_id = ?", p.OrgID)
	case p.OrgKind == anbao.KindProvider:
		w.add("(i.reported_by_org = ? OR EXISTS (SELECT 1 FROM dispatches d WHERE d.incident_id = i.id AND d.provider_id = ?))",
			p.OrgID, p.OrgID)
	case p.OrgKind == anbao.KindInsurer:
		w.add("(pol.insurer_id = ? OR EXISTS (SELECT 1 FROM claims c WHERE c.incident_id = i.id AND c.insurer_id = ?))", p.OrgID, p.OrgID)
	default:
		w.add("1 = 0")
	}
}

// mayReportFor checks that p may report an incident of enterprise id: its
// own, or, for a provider, an enterprise it is engaged on or on whose
// policy's roster it stands.
func (s *Store) mayReportFor(ctx context.Context, db dbReader, p *anbao.Principal, id int64) error {
	if err := anbao.Authorize(p, anbao.ActIncidentReport); err != nil {
		return err
	}
	switch {
	case p.System:
		return nil
	case p.OrgKind == anbao.KindEnterprise:
		if p.OrgID != id {
			return anbao.ErrNotFound("enterprise")
		}
		return nil
	case p.OrgKind == anbao.KindProvider:
		var n int
		err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM relationships WHERE party_org_id = $1 AND enterprise_id = $2 AND kind = $3
			AND ended_at = ''`, p.OrgID, id, string(RelEngagement)).Scan(&n)
		if err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		if ok, err := s.onRosterOf(ctx, db, p.OrgID, id); err != nil || ok {
			return err
		}
	}
	return anbao.ErrNotFound("enterprise")
}

// MayReportFor checks that the caller may report an incident of enterprise id.
func (s *Store) MayReportFor(ctx context.Context, id int64) error {
	return s.mayReportFor(ctx, s.read, anbao.PrincipalFrom(ctx), id)
}

// EnterpriseRef names an enterprise.
type EnterpriseRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// ReportableEnterprises lists the enterprises a provider may report
// incidents for: those it is engaged on and those on whose active policy's
// approved roster it stands.
func (s *Store) ReportableEnterprises(ctx context.Context) ([]EnterpriseRef, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActIncidentReport); err != nil {
		return nil, err
	}
	out := []EnterpriseRef{}
	if p.OrgKind != anbao.KindProvider {
		return out, nil
	}
	seen := map[int64]bool{}
	add := func(q string, args ...any) error {
		return eachRow(ctx, s.read, q, args, func(sc scanner) error {
			var e EnterpriseRef
			var raw string
			if err := sc.Scan(&e.ID, &e.Name, &raw); err != nil {
				return err
			}
			if seen[e.ID] {
				return nil
			}
			if raw != "" {
				var t struct {
					Providers []int64 `json:"providers"`
				}
				if err := json.Unmarshal([]byte(raw), &t); err != nil {
					return err
				}
				found := false
				for _, x := range t.Providers {
					found = found || x == p.OrgID
				}
				if !found {
					return nil
				}
			}
			seen[e.ID] = true
			out = append(out, e)
			return nil
		})
	}
	if err := add(`SELECT o.id, o.name_zh, '' FROM relationships r JOIN organisations o ON o.id = r.enterprise_id
		WHERE r.party_org_id = $1 AND r.kind = $2 AND r.ended_at = '' ORDER BY o.name_zh`, p.OrgID, string(RelEngagement)); err != nil {
		return nil, err
	}
	today := s.today()
	if err := add(`SELECT o.id, o.name_zh, g.terms FROM policies pol JOIN organisations o ON o.id = pol.enterprise_id
		JOIN policy_segments g ON g.policy_id = pol.id WHERE pol.status = 'active' AND pol.expiry_date > $1 AND g.end_date > $1
		AND g.terms LIKE $2 ORDER BY o.name_zh`, today, "%"+strconv.FormatInt(p.OrgID, 10)+"%"); err != nil {
		return nil, err
	}
	return out, nil
}

// onRosterOf reports whether provider is on the approved roster of an
// active policy of enterprise.
func (s *Store) onRosterOf(ctx context.Context, db dbReader, provider, enterprise int64) (bool, error) {
	today := s.today()
	found := false
	err := eachRow(ctx, db, `SELECT g.terms FROM policies pol JOIN policy_segments g ON g.policy_id = pol.id
		WHERE pol.enterprise_id = $1 AND pol.status = 'active' AND pol.expiry_date > $2 AND g.end_date > $2`, []any{enterprise, today},
		func(sc scanner) error {
			var raw string
			if err := sc.Scan(&raw); err != nil {
				return err
			}
			if !found && strings.Contains(raw, `"providers"`) {
				var t struct {
					Providers []int64 `json:"providers"`
				}
				if err := json.Unmarshal([]byte(raw), &t); err != nil {
					return err
				}
				for _, x := range t.Providers {
					found = found || x == provider
				}
			}
			return nil
		})
	return found, err
}

// policyForIncident finds the policy an incident falls under: the given one,
// which must be the enterprise's, or the enterprise's policy in force on the
// day of occurrence. It returns 0 when the enterprise has none.
func (s *Store) policyForIncident(ctx context.Context, db queryer, enterprise, policyID int64, occurred time.Time) (int64, error) {
	day := occurred.In(anbao.Shanghai).Format(time.DateOnly)
	if policyID != 0 {
		var ent int64
		err := db.QueryRowContext(ctx, `SELECT enterprise_id FROM policies WHERE id = $1`, policyID).Scan(&ent)
		if isNoRows(err) || (err == nil && ent != enterprise) {
			return 0, anbao.FieldError("policy_id", "incident.policy_not_enterprise", policyID)
		}
		return policyID, err
	}
	var id int64
	err := db.QueryRowContext(ctx, `SELECT t.policy_id FROM policy_terms t JOIN policies pol ON pol.id = t.policy_id
		WHERE pol.enterprise_id = $1 AND t.start_date <= $2 AND t.end_date > $2 AND t.status = 'active'
		ORDER BY t.policy_id DESC LIMIT 1`, enterprise, day).Scan(&id)
	if isNoRows(err) {
		return 0, nil
	}
	return id, err
}

// noticeHours is the insurer's notice window of a policy.
func (s *Store) noticeHours(ctx context.Context, db queryer, policyID int64) (int, error) {
	var raw string
	err := db.QueryRowContext(ctx, `SELECT g.terms FROM policy_segments g WHERE g.policy_id = $1 ORDER BY g.start_date DESC, g.seq DESC LIMIT 1`,
		policyID).Scan(&raw)
	if err != nil {
		if isNoRows(err) {
			return DefaultNoticeHours, nil
		}
		return 0, err
	}
	var t struct {
		NoticeHours int `json:"notice_hours"`
	}
	if err := json.Unmarshal([]byte(raw), &t); err != nil {
		return 0, err
	}
	if t.NoticeHours <= 0 {
		return DefaultNoticeHours, nil
	}
	return t.NoticeHours, nil
}

// ReportIncident records a first notice of loss for enterprise id, grades
// it and starts its timers.
func (s *Store) ReportIncident(ctx context.Context, enterpriseID int64, in IncidentInput) (*Incident, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := s.mayReportFor(ctx, s.read, p, enterpriseID); err != nil {
		return nil, err
	}
	var err error
	if in.Title, err = trimText("title", in.Title, 2, 200); err != nil {
		return nil, err
	}
	occurred, err := parseInstant("occurred_at", in.OccurredAt)
	if err != nil {
		return nil, err
	}
	discovered, err := parseInstant("discovered_at", in.DiscoveredAt)
	if err != nil {
		return nil, err
	}
	now := s.Now().UTC()
	if occurred.After(now.Add(maxSkew)) {
		return nil, anbao.FieldError("occurred_at", "incident.time_future", in.OccurredAt)
	}
	if discovered.After(now.Add(maxSkew)) {
		return nil, anbao.FieldError("discovered_at", "incident.time_future", in.DiscoveredAt)
	}
	if discovered.Before(occurred) {
		return nil, anbao.FieldError("discovered_at", "incident.time_order", in.DiscoveredAt, in.OccurredAt)
	}
	if now.Sub(occurred) > 10*365*24*time.Hour {
		return nil, anbao.FieldError("occurred_at", "incident.time_too_old", in.OccurredAt)
	}
	if err := checkDetails(&in.Details); err != nil {
		return nil, err
	}
	grading, err := s.classify(in.Category, in.SubCategory, in.OperatorType, in.Facts, discovered, in.Details.Ransomware)
	if err != nil {
		return nil, err
	}
	var id int64
	err = s.inTx(ctx, func(t *tx) error {
		var kind anbao.OrgKind
		var province string
		err := t.QueryRowContext(ctx, `SELECT kind, jurisdiction FROM organisations WHERE id = $1`, enterpriseID).Scan(&kind, &province)
		if isNoRows(err) || (err == nil && kind != anbao.KindEnterprise) {
			return anbao.ErrNotFound("enterprise")
		}
		if err != nil {
			return err
		}
		policyID, err := s.policyForIncident(ctx, t, enterpriseID, in.PolicyID, occurred)
		if err != nil {
			return err
		}
		if in.NotifyInsurer && policyID == 0 {
			return anbao.FieldError("notify_insurer", "incident.no_policy")
		}
		route := incident.Route(incident.OperatorType(in.OperatorType), grading.Grade, provinceName(province))
		nowS := anbao.FormatTime(now)
		details, _ := json.Marshal(in.Details)
		facts, _ := json.Marshal(in.Facts)
		gr, _ := json.Marshal(grading)
		reportDue := ""
		if route.Mandatory {
			reportDue = anbao.FormatTime(discovered.Add(time.Duration(route.DeadlineMinutes) * time.Minute))
		}
		noticeDue := ""
		if policyID != 0 {
			h, err := s.noticeHours(ctx, t, policyID)
			if err != nil {
				return err
			}
			noticeDue = anbao.FormatTime(discovered.Add(time.Duration(h) * time.Hour))
		}
		var pid any
		if policyID != 0 {
			pid = policyID
		}
		err = t.QueryRowContext(ctx, `INSERT INTO incidents (enterprise_id, policy_id, reported_by_org, reported_by, title, category,
			sub_category, occurred_at, discovered_at, operator_type, details, facts, grade, table_version, grading, mandatory, report_due_at,
			notice_due_at, status, created_at, updated_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$20) RETURNING id`,
			enterpriseID, pid, p.OrgID, p.Username, in.Title, in.Category, in.SubCategory, anbao.FormatTime(occurred),
			anbao.FormatTime(discovered), in.OperatorType, string(details), string(facts), string(grading.Grade), grading.TableVersion,
			string(gr), boolInt(route.Mandatory), reportDue, noticeDue, IncidentOpen, nowS).Scan(&id)
		if err != nil {
			return err
		}
		if err := t.incidentEvent(id, "reported", map[string]any{"grade": grading.Grade, "table_version": grading.TableVersion,
			"mandatory": route.Mandatory, "policy_id": policyID}); err != nil {
			return err
		}
		if route.Mandatory {
			op := incident.OperatorType(in.OperatorType)
			if err := t.startTimerWarn(id, 0, TimerStatutory, discovered, incident.WarnAt(discovered, op), incident.Deadline(discovered, op)); err != nil {
				return err
			}
		}
		if noticeDue != "" {
			due, _ := anbao.ParseTime(noticeDue)
			if err := t.startTimer(id, 0, TimerInsurerNotice, discovered, due); err != nil {
				return err
			}
			if in.NotifyInsurer {
				if err := t.notifyInsurer(id, policyID, now, "anbao"); err != nil {
					return err
				}
			}
		}
		return t.audit(auditChange{"incident.report", "incident", id, enterpriseID, nil, map[string]any{"title": in.Title,
			"sub_category": in.SubCategory, "grade": grading.Grade, "policy_id": policyID}})
	})
	if err != nil {
		return nil, err
	}
	if skipReadBack(ctx) {
		return &Incident{ID: id}, nil
	}
	return s.GetIncident(ctx, id)
}

// readBackKey marks a context whose writes need not read the record back
// (the demo loader, which runs hundreds of steps and keeps its own ids).
type readBackKey struct{}

func withoutReadBack(ctx context.Context) context.Context {
	return context.WithValue(ctx, readBackKey{}, true)
}

func skipReadBack(ctx context.Context) bool { v, _ := ctx.Value(readBackKey{}).(bool); return v }

// provinceName names the province-level unit whose cyberspace
// administration receives an ordinary operator's report (属地省级网信部门):
// the province of a separately-planned city (宁波 → 浙江省).
func provinceName(code string) string {
	j, ok := refdata.JurisdictionByCode(code)
	if ok && j.Kind == refdata.KindPlanCity {
		j, ok = refdata.JurisdictionByCode(j.Parent)
	}
	if !ok {
		return ""
	}
	return j.FullNameZH
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// incidentEvent appends an event to an incident's history.
func (t *tx) incidentEvent(id int64, kind string, detail any) error {
	p := anbao.PrincipalFrom(t.ctx)
	raw := ""
	if detail != nil {
		b, err := json.Marshal(detail)
		if err != nil {
			return err
		}
		raw = string(b)
	}
	var org int64
	var user string
	if p != nil {
		org, user = p.OrgID, p.Username
	}
	_, err := t.ExecContext(t.ctx, `INSERT INTO incident_events (incident_id, kind, by_org, by_user, detail, at) VALUES ($1,$2,$3,$4,$5,$6)`,
		id, kind, org, user, raw, t.s.now())
	return err
}

// notifyInsurer records the insurer's notice with a proof of time: the
// SHA-256 of the incident, the policy and the instant, kept in the event and
// the audit chain.
func (t *tx) notifyInsurer(id, policyID int64, at time.Time, channel string) error {
	var number string
	var insurer int64
	if err := t.QueryRowContext(t.ctx, `SELECT number, insurer_id FROM policies WHERE id = $1`, policyID).Scan(&number, &insurer); err != nil {
		return err
	}
	atS := anbao.FormatTime(at)
	sum := sha256.Sum256([]byte("anbao-insurer-notice\x00" + strconv.FormatInt(id, 10) + "\x00" + number + "\x00" + atS))
	proof := hex.EncodeToString(sum[:])
	if _, err := t.ExecContext(t.ctx, `UPDATE incidents SET insurer_notified_at = $1, updated_at = $1 WHERE id = $2`, atS, id); err != nil {
		return err
	}
	if err := t.meetTimers(id, 0, TimerInsurerNotice, at); err != nil {
		return err
	}
	detail := map[string]any{"policy_number": number, "insurer_id": insurer, "proof": proof, "channel": channel, "notified_at": atS}
	if err := t.incidentEvent(id, "insurer_notified", detail); err != nil {
		return err
	}
	return t.audit(auditChange{"incident.notify_insurer", "incident", id, insurer, nil, detail})
}

// getIncident reads incident id within p's scope.
func (s *Store) getIncident(ctx context.Context, db queryer, p *anbao.Principal, id int64, lock string) (*Incident, error) {
	var w where
	w.add("i.id = ?", id)
	incidentScope(p, &w)
	if lock != "" {
		lock = " FOR UPDATE OF i"
	}
	in, err := scanIncident(db.QueryRowContext(ctx, "SELECT "+incidentColumns+incidentFrom+w.String()+lock, w.args...))
	if isNoRows(err) {
		return nil, anbao.ErrNotFound("incident")
	}
	return in, err
}

// GetIncident returns an incident with its route, timers, history,
// dispatches, evidence and claims.
func (s *Store) GetIncident(ctx context.Context, id int64) (*Incident, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActIncidentRead); err != nil {
		return nil, err
	}
	in, err := s.getIncident(ctx, s.read, p, id, "")
	if err != nil {
		return nil, err
	}
	var province string
	if err := s.read.QueryRowContext(ctx, `SELECT jurisdiction FROM organisations WHERE id = $1`, in.EnterpriseID).Scan(&province); err != nil {
		return nil, err
	}
	r := incident.Route(incident.OperatorType(in.OperatorType), incident.Grade(in.Grade), provinceName(province)).WithCrime(in.Details.CrimeSuspected)
	in.Route = &r
	if in.Timers, err = s.listTimers(ctx, id); err != nil {
		return nil, err
	}
	in.Events = []*IncidentEvent{}
	err = eachRow(ctx, s.read, `SELECT id, kind, by_org, by_user, detail, at FROM incident_events WHERE incident_id = $1 ORDER BY id`,
		[]any{id}, func(sc scanner) error {
			var e IncidentEvent
			var d string
			if err := sc.Scan(&e.ID, &e.Kind, &e.ByOrg, &e.ByUser, &d, &e.At); err != nil {
				return err
			}
			if d != "" {
				e.Detail = json.RawMessage(d)
			}
			in.Events = append(in.Events, &e)
			return nil
		})
	if err != nil {
		return nil, err
	}
	if in.Dispatches, err = s.listDispatches(ctx, in); err != nil {
		return nil, err
	}
	if in.Evidence, err = s.listIncidentEvidence(ctx, id); err != nil {
		return nil, err
	}
	in.Claims = []*Claim{}
	if anbao.Can(p, anbao.ActClaimRead) {
		list, err := s.ListClaims(ctx, ClaimFilter{IncidentID: id})
		if err != nil {
			return nil, err
		}
		in.Claims = list.Items
	}
	return in, nil
}

// ListIncidents lists the incidents p may read, newest first.
func (s *Store) ListIncidents(ctx context.Context, f IncidentFilter) (*ItemList[*Incident], error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActIncidentRead); err != nil {
		return nil, err
	}
	f.Page = f.Page.Normalize()
	var w where
	incidentScope(p, &w)
	if f.EnterpriseID != 0 {
		w.add("i.enterprise_id = ?", f.EnterpriseID)
	}
	if f.PolicyID != 0 {
		w.add("i.policy_id = ?", f.PolicyID)
	}
	switch f.Status {
	case "":
	case IncidentOpen, IncidentHandled, IncidentClosed:
		w.add("i.status = ?", f.Status)
	default:
		return nil, anbao.FieldError("status", "incident.status_invalid", f.Status)
	}
	if f.Grade != "" {
		if !incident.Grade(f.Grade).Valid() {
			return nil, anbao.FieldError("grade", "incident.grade_invalid", f.Grade)
		}
		w.add("i.grade = ?", f.Grade)
	}
	if f.Overdue {
		w.add("EXISTS (SELECT 1 FROM timers tm WHERE tm.incident_id = i.id AND tm.state = 'expired' AND tm.met_at = '' AND tm.kind IN (?, ?, ?))",
			TimerStatutory, TimerInsurerNotice, TimerSummary)
	}
	list := &ItemList[*Incident]{Items: []*Incident{}}
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*)"+incidentFrom+w.String(), w.args...).Scan(&list.Total); err != nil {
		return nil, err
	}
	q := "SELECT " + incidentColumns + incidentFrom + w.String() + " ORDER BY i.discovered_at DESC, i.id DESC LIMIT " + w.next(f.Limit) +
		" OFFSET " + w.next(f.Offset)
	err := eachRow(ctx, s.read, q, w.args, func(sc scanner) error {
		in, err := scanIncident(sc)
		if err == nil {
			list.Items = append(list.Items, in)
		}
		return err
	})
	return list, err
}

// stepIncident runs fn on incident id locked in a transaction, after
// checking that p may act on it for action (the enterprise, or a provider
// that reported it or is dispatched to it), then bumps its version.
func (s *Store) stepIncident(ctx context.Context, id int64, version int, action anbao.Action, fn func(t *tx, in *Incident) (string, any, error)) (*Incident, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, action); err != nil {
		return nil, err
	}
	err := s.inTx(ctx, func(t *tx) error {
		in, err := s.getIncident(ctx, t, p, id, t.forUpdate())
		if err != nil {
			return err
		}
		// The incident's own file (facts, statutory report, handling, summary)
		// is the enterprise's, or the provider's that reported it on its
		// behalf; a provider only dispatched to it responds, it does not report.
		if action == anbao.ActIncidentReport && !p.System && p.OrgKind == anbao.KindProvider && in.ReportedByOrg != p.OrgID {
			return anbao.Errorf(anbao.EFORBIDDEN, "error.forbidden")
		}
		if version != 0 && in.Version != version {
			return anbao.Errorf(anbao.ECONFLICT, "error.version_conflict", in.Version)
		}
		kind, detail, err := fn(t, in)
		if err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, `UPDATE incidents SET updated_at = $1, version = version + 1 WHERE id = $2`, s.now(), id); err != nil {
			return err
		}
		if kind == "" {
			return nil
		}
		if err := t.incidentEvent(id, kind, detail); err != nil {
			return err
		}
		return t.audit(auditChange{"incident." + kind, "incident", id, in.EnterpriseID, nil, detail})
	})
	if err != nil {
		return nil, err
	}
	if skipReadBack(ctx) {
		return &Incident{ID: id}, nil
	}
	return s.GetIncident(ctx, id)
}

// UpdateIncident updates an open incident's facts and narrative and grades
// it again. A grade that becomes mandatory starts the statutory timer from
// the discovery time (the deadline is the law's, not the update's).
func (s *Store) UpdateIncident(ctx context.Context, id int64, up IncidentUpdate) (*Incident, error) {
	if err := anbao.Authorize(anbao.PrincipalFrom(ctx), anbao.ActIncidentReport); err != nil {
		return nil, err
	}
	var err error
	if up.Title, err = trimText("title", up.Title, 2, 200); err != nil {
		return nil, err
	}
	if up.Note, err = trimText("note", up.Note, 0, 1000); err != nil {
		return nil, err
	}
	if err := checkDetails(&up.Details); err != nil {
		return nil, err
	}
	return s.stepIncident(ctx, id, up.Version, anbao.ActIncidentReport, func(t *tx, in *Incident) (string, any, error) {
		if in.Status != IncidentOpen {
			return "", nil, anbao.Errorf(anbao.ECONFLICT, "incident.state", in.Status)
		}
		discovered, _ := anbao.ParseTime(in.DiscoveredAt)
		grading, err := s.classify(up.Category, up.SubCategory, up.OperatorType, up.Facts, discovered, up.Details.Ransomware)
		if err != nil {
			return "", nil, err
		}
		var province string
		if err := t.QueryRowContext(ctx, `SELECT jurisdiction FROM organisations WHERE id = $1`, in.EnterpriseID).Scan(&province); err != nil {
			return "", nil, err
		}
		route := incident.Route(incident.OperatorType(up.OperatorType), grading.Grade, provinceName(province))
		reportDue := in.ReportDueAt
		if route.Mandatory {
			op := incident.OperatorType(up.OperatorType)
			due := incident.Deadline(discovered, op)
			reportDue = anbao.FormatTime(due)
			if err := t.restartTimer(id, TimerStatutory, discovered, incident.WarnAt(discovered, op), due, in.ReportedAt != ""); err != nil {
				return "", nil, err
			}
		} else {
			reportDue = ""
			if err := t.cancelTimers(id, TimerStatutory); err != nil {
				return "", nil, err
			}
		}
		details, _ := json.Marshal(up.Details)
		facts, _ := json.Marshal(up.Facts)
		gr, _ := json.Marshal(grading)
		_, err = t.ExecContext(ctx, `UPDATE incidents SET title = $1, category = $2, sub_category = $3, operator_type = $4, details = $5,
			facts = $6, grade = $7, table_version = $8, grading = $9, mandatory = $10, report_due_at = $11 WHERE id = $12`,
			up.Title, up.Category, up.SubCategory, up.OperatorType, string(details), string(facts), string(grading.Grade),
			grading.TableVersion, string(gr), boolInt(route.Mandatory), reportDue, id)
		if err != nil {
			return "", nil, err
		}
		return "updated", map[string]any{"grade_before": in.Grade, "grade": grading.Grade, "note": up.Note}, nil
	})
}

// NotifyInsurer notifies the insurer of the incident's policy (once).
func (s *Store) NotifyInsurer(ctx context.Context, id int64, version int) (*Incident, error) {
	return s.stepIncident(ctx, id, version, anbao.ActDispatchRequest, func(t *tx, in *Incident) (string, any, error) {
		p := anbao.PrincipalFrom(ctx)
		if p.OrgKind == anbao.KindInsurer && !p.System {
			return "", nil, anbao.ErrNotFound("incident")
		}
		if in.PolicyID == 0 {
			return "", nil, anbao.Errorf(anbao.ECONFLICT, "incident.no_policy")
		}
		if in.InsurerNotifiedAt != "" {
			return "", nil, anbao.Errorf(anbao.ECONFLICT, "incident.already_notified", in.InsurerNotifiedAt)
		}
		return "", nil, t.notifyInsurer(id, in.PolicyID, s.Now(), "anbao")
	})
}

// NoticeChannels are how an insurer may have received notice of an
// incident outside Anbao.
var NoticeChannels = []string{"hotline", "email", "app", "agent", "letter"}

// NoticeReceivedInput is a notice the insurer received outside Anbao.
type NoticeReceivedInput struct {
	ReceivedAt string `json:"received_at"`
	Channel    string `json:"channel"`
	Version    int    `json:"version"`
}

// RecordNoticeReceived lets the insurer of the incident's policy record a
// notice it received outside Anbao (its claims hotline, an email…), at the
// time it was received, with the same proof of time as a notice through
// Anbao. It meets the insurer-notice timer at that time (late if it was).
func (s *Store) RecordNoticeReceived(ctx context.Context, id int64, in NoticeReceivedInput) (*Incident, error) {
	if err := anbao.Authorize(anbao.PrincipalFrom(ctx), anbao.ActClaimHandle); err != nil {
		return nil, err
	}
	at, err := parseInstant("received_at", in.ReceivedAt)
	if err != nil {
		return nil, err
	}
	if at.After(s.Now().Add(maxSkew)) {
		return nil, anbao.FieldError("received_at", "incident.time_future", in.ReceivedAt)
	}
	if !slices.Contains(NoticeChannels, in.Channel) {
		return nil, anbao.FieldError("channel", "incident.channel_unknown", in.Channel)
	}
	return s.stepIncident(ctx, id, in.Version, anbao.ActClaimHandle, func(t *tx, inc *Incident) (string, any, error) {
		p := anbao.PrincipalFrom(ctx)
		if !p.System && (inc.PolicyID == 0 || inc.InsurerID != p.OrgID) {
			return "", nil, anbao.ErrNotFound("incident")
		}
		if inc.InsurerNotifiedAt != "" {
			return "", nil, anbao.Errorf(anbao.ECONFLICT, "incident.already_notified", inc.InsurerNotifiedAt)
		}
		if anbao.FormatTime(at) < inc.OccurredAt {
			return "", nil, anbao.FieldError("received_at", "incident.notice_before_occurrence", in.ReceivedAt)
		}
		return "", nil, t.notifyInsurer(id, inc.PolicyID, at, in.Channel)
	})
}

// RecordStatutoryReport records when and through which channel the
// enterprise filed its statutory report; it meets the statutory timer.
func (s *Store) RecordStatutoryReport(ctx context.Context, id int64, in StatutoryReportInput) (*Incident, error) {
	if err := anbao.Authorize(anbao.PrincipalFrom(ctx), anbao.ActIncidentReport); err != nil {
		return nil, err
	}
	at, err := parseInstant("reported_at", in.ReportedAt)
	if err != nil {
		return nil, err
	}
	if at.After(s.Now().Add(maxSkew)) {
		return nil, anbao.FieldError("reported_at", "incident.time_future", in.ReportedAt)
	}
	if !slices.Contains(ReportChannels, in.Channel) {
		return nil, anbao.FieldError("channel", "incident.channel_unknown", in.Channel)
	}
	if in.Reference, err = trimText("reference", in.Reference, 0, 100); err != nil {
		return nil, err
	}
	return s.stepIncident(ctx, id, in.Version, anbao.ActIncidentReport, func(t *tx, inc *Incident) (string, any, error) {
		if inc.ReportedAt != "" {
			return "", nil, anbao.Errorf(anbao.ECONFLICT, "incident.already_reported", inc.ReportedAt)
		}
		if at.Format(anbao.TimeFormat) < inc.DiscoveredAt {
			return "", nil, anbao.FieldError("reported_at", "incident.report_before_discovery", in.ReportedAt)
		}
		atS := anbao.FormatTime(at)
		if _, err := t.ExecContext(ctx, `UPDATE incidents SET reported_at = $1, report_channel = $2, report_ref = $3 WHERE id = $4`,
			atS, in.Channel, in.Reference, id); err != nil {
			return "", nil, err
		}
		if err := t.meetTimers(id, 0, TimerStatutory, at); err != nil {
			return "", nil, err
		}
		late := inc.ReportDueAt != "" && atS > inc.ReportDueAt
		return "statutory_reported", map[string]any{"reported_at": atS, "channel": in.Channel, "reference": in.Reference, "late": late}, nil
	})
}

// EndHandling ends the handling of an incident; the 30-day summary falls
// due when the incident was reportable.
func (s *Store) EndHandling(ctx context.Context, id int64, version int) (*Incident, error) {
	return s.stepIncident(ctx, id, version, anbao.ActIncidentReport, func(t *tx, in *Incident) (string, any, error) {
		if in.Status != IncidentOpen {
			return "", nil, anbao.Errorf(anbao.ECONFLICT, "incident.state", in.Status)
		}
		var open int
		if err := t.QueryRowContext(ctx, `SELECT COUNT(*) FROM dispatches WHERE incident_id = $1 AND status IN ('requested', 'acknowledged', 'assigned')`,
			id).Scan(&open); err != nil {
			return "", nil, err
		}
		if open > 0 {
			return "", nil, anbao.Errorf(anbao.ECONFLICT, "incident.dispatch_open", open)
		}
		now := s.Now()
		status := IncidentClosed
		if in.Mandatory {
			status = IncidentHandled
			if err := t.startTimer(id, 0, TimerSummary, now, incident.SummaryDue(now)); err != nil {
				return "", nil, err
			}
		}
		if _, err := t.ExecContext(ctx, `UPDATE incidents SET status = $1, handling_ended_at = $2 WHERE id = $3`, status, anbao.FormatTime(now), id); err != nil {
			return "", nil, err
		}
		return "handling_ended", map[string]any{"status": status}, nil
	})
}

// SubmitSummary records the 30-day summary report and closes the incident.
func (s *Store) SubmitSummary(ctx context.Context, id int64, in SummaryInput) (*Incident, error) {
	if err := anbao.Authorize(anbao.PrincipalFrom(ctx), anbao.ActIncidentReport); err != nil {
		return nil, err
	}
	for _, f := range []struct {
		name string
		v    *string
	}{{"cause", &in.Cause}, {"measures", &in.Measures}, {"harm", &in.Harm}, {"accountability", &in.Accountability},
		{"rectification", &in.Rectification}, {"lessons", &in.Lessons}} {
		v, err := trimText(f.name, *f.v, 2, 4000)
		if err != nil {
			return nil, err
		}
		*f.v = v
	}
	if in.Channel != "" && !slices.Contains(ReportChannels, in.Channel) {
		return nil, anbao.FieldError("channel", "incident.channel_unknown", in.Channel)
	}
	at := s.Now()
	if in.SubmittedAt != "" {
		var err error
		if at, err = parseInstant("submitted_at", in.SubmittedAt); err != nil {
			return nil, err
		}
		if at.After(s.Now().Add(maxSkew)) {
			return nil, anbao.FieldError("submitted_at", "incident.time_future", in.SubmittedAt)
		}
	}
	version := in.Version
	in.Version = 0
	in.SubmittedAt = anbao.FormatTime(at)
	return s.stepIncident(ctx, id, version, anbao.ActIncidentReport, func(t *tx, inc *Incident) (string, any, error) {
		if inc.Status != IncidentHandled {
			return "", nil, anbao.Errorf(anbao.ECONFLICT, "incident.state", inc.Status)
		}
		if in.SubmittedAt < inc.HandlingEndedAt {
			return "", nil, anbao.FieldError("submitted_at", "incident.summary_before_end", in.SubmittedAt)
		}
		raw, _ := json.Marshal(in)
		if _, err := t.ExecContext(ctx, `UPDATE incidents SET summary = $1, summary_submitted_at = $2, status = $3 WHERE id = $4`,
			string(raw), in.SubmittedAt, IncidentClosed, id); err != nil {
			return "", nil, err
		}
		if err := t.meetTimers(id, 0, TimerSummary, at); err != nil {
			return "", nil, err
		}
		return "summary_submitted", map[string]any{"submitted_at": in.SubmittedAt, "channel": in.Channel}, nil
	})
}
