package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/cover"
)

// Emergency response (issue #6 item 3): dispatch to a provider on the
// policy's approved roster with SLA clocks, the in-kind entitlement ledger
// kept apart from cash limits, and evidence with a SHA-256 chain of custody.

// Dispatch modes and statuses.
const (
	ModeRemote = "remote"  // 远程应急
	ModeOnSite = "on_site" // 现场应急

	DispatchRequested    = "requested"
	DispatchAcknowledged = "acknowledged"
	DispatchAssigned     = "assigned"
	DispatchContained    = "contained"
	DispatchClosed       = "closed"
	DispatchDeclined     = "declined"
)

// SLA is a dispatch's service-level clocks, from the request.
type SLA struct {
	Acknowledge time.Duration
	Engineer    time.Duration
	Contain     time.Duration
}

// SLAs are the default clocks by mode: acknowledged within 15 minutes (the
// anchors' IR-manager triage is within the hour), an engineer on the case
// within 1 hour remotely or 4 hours on site, contained within 24 or 48 hours.
var SLAs = map[string]SLA{
	ModeRemote: {15 * time.Minute, time.Hour, 24 * time.Hour},
	ModeOnSite: {15 * time.Minute, 4 * time.Hour, 48 * time.Hour},
}

// DispatchInput asks a provider to respond.
type DispatchInput struct {
	ProviderID int64  `json:"provider_id"`
	Mode       string `json:"mode"`
	Note       string `json:"note,omitempty"`
}

// DispatchStepInput is a provider's step on a dispatch.
type DispatchStepInput struct {
	Engineer string `json:"engineer,omitempty"` // assign: the engineer's name
	Note     string `json:"note,omitempty"`
	Version  int    `json:"version,omitempty"`
}

// Dispatch is one provider's response to an incident.
type Dispatch struct {
	ID             int64             `json:"id"`
	IncidentID     int64             `json:"incident_id"`
	PolicyID       int64             `json:"policy_id"`
	ProviderID     int64             `json:"provider_id"`
	ProviderName   string            `json:"provider_name"`
	Mode           string            `json:"mode"`
	Status         string            `json:"status"`
	Note           string            `json:"note,omitempty"`
	Engineer       string            `json:"engineer,omitempty"`
	RequestedBy    string            `json:"requested_by"`
	RequestedAt    string            `json:"requested_at"`
	AcknowledgedAt string            `json:"acknowledged_at,omitempty"`
	AssignedAt     string            `json:"assigned_at,omitempty"`
	ContainedAt    string            `json:"contained_at,omitempty"`
	ClosedAt       string            `json:"closed_at,omitempty"`
	Version        int               `json:"version"`
	Usage          []*EntitlementUse `json:"usage"`
	// Entitlements are the services in kind of the policy term the incident
	// falls in, with what every dispatch drew: what the provider may still deliver.
	Entitlements []LedgerLine `json:"entitlements"`
}

// EntitlementUse is one draw on a policy's service entitlements.
type EntitlementUse struct {
	ID         int64  `json:"id"`
	PolicyID   int64  `json:"policy_id"`
	TermNo     int    `json:"term_no"`
	IncidentID int64  `json:"incident_id"`
	DispatchID int64  `json:"dispatch_id,omitempty"`
	Service    string `json:"service"`
	Quantity   int    `json:"quantity"`
	ValueFen   int64  `json:"value_fen"`
	Note       string `json:"note,omitempty"`
	RecordedBy string `json:"recorded_by"`
	RecordedAt string `json:"recorded_at"`
}

// UseInput records services delivered in kind.
type UseInput struct {
	Service  string `json:"service"`
	Quantity int    `json:"quantity"`
	ValueFen int64  `json:"value_fen"`
	Note     string `json:"note,omitempty"`
}

// LedgerLine is one service entitlement of a term with what was drawn.
type LedgerLine struct {
	Service        string `json:"service"`
	Unit           string `json:"unit"`
	Quantity       int    `json:"quantity"`
	ValueFen       int64  `json:"value_fen"`
	UsedQuantity   int    `json:"used_quantity"`
	UsedValueFen   int64  `json:"used_value_fen"`
	RemainingQty   int    `json:"remaining_quantity"`
	RemainingValue int64  `json:"remaining_value_fen"`
}

// Ledger is a policy term's in-kind entitlement ledger.
type Ledger struct {
	PolicyID int64             `json:"policy_id"`
	TermNo   int               `json:"term_no"`
	Lines    []LedgerLine      `json:"lines"`
	Entries  []*EntitlementUse `json:"entries"`
}

// termAt finds the term of policy id in force on day (Beijing date) and
// its terms on that day; ok is false when no term covers the day.
func (s *Store) termAt(ctx context.Context, db dbReader, policyID int64, day string) (term *PolicyTerm, terms *cover.Terms, err error) {
	var termNo int
	err = db.QueryRowContext(ctx, `SELECT term_no FROM policy_terms WHERE policy_id = $1 AND start_date <= $2 AND end_date > $2
		ORDER BY term_no DESC LIMIT 1`, policyID, day).Scan(&termNo)
	if isNoRows(err) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	if term, err = loadTerm(ctx, db, policyID, termNo); err != nil {
		return nil, nil, err
	}
	segs, err := s.listSegments(ctx, db, policyID)
	if err != nil {
		return nil, nil, err
	}
	return term, termsAt(segs, day, termNo), nil
}

// inForce reports whether a term found by termAt covered day: it exists and
// was not cancelled on or before it.
func inForce(term *PolicyTerm, terms *cover.Terms, day string) bool {
	return term != nil && terms != nil && !(term.Status == PolicyCancelled && term.CancelledDate <= day)
}

func dayOf(instant string) string {
	t, err := anbao.ParseTime(instant)
	if err != nil {
		return ""
	}
	return t.In(anbao.Shanghai).Format(time.DateOnly)
}

// DispatchProvider asks a provider of the incident policy's approved roster
// to respond, remotely or on site, and starts the SLA clocks.
func (s *Store) DispatchProvider(ctx context.Context, incidentID int64, in DispatchInput) (*Incident, error) {
	if err := anbao.Authorize(anbao.PrincipalFrom(ctx), anbao.ActDispatchRequest); err != nil {
		return nil, err
	}
	sla, ok := SLAs[in.Mode]
	if !ok {
		return nil, anbao.FieldError("mode", "incident.dispatch.mode_unknown", in.Mode)
	}
	var err error
	if in.Note, err = trimText("note", in.Note, 0, 1000); err != nil {
		return nil, err
	}
	p := anbao.PrincipalFrom(ctx)
	var id int64
	inc, err := s.stepIncident(ctx, incidentID, 0, anbao.ActDispatchRequest, func(t *tx, inc *Incident) (string, any, error) {
		if p.OrgKind == anbao.KindInsurer && !p.System && inc.InsurerID != p.OrgID {
			return "", nil, anbao.ErrNotFound("incident")
		}
		if inc.Status != IncidentOpen {
			return "", nil, anbao.Errorf(anbao.ECONFLICT, "incident.state", inc.Status)
		}
		if inc.PolicyID == 0 {
			return "", nil, anbao.Errorf(anbao.ECONFLICT, "incident.no_policy")
		}
		term, terms, err := s.termAt(ctx, t, inc.PolicyID, dayOf(inc.OccurredAt))
		if err != nil {
			return "", nil, err
		}
		if !inForce(term, terms, dayOf(inc.OccurredAt)) {
			return "", nil, anbao.Errorf(anbao.ECONFLICT, "incident.policy_not_in_force", inc.PolicyNumber)
		}
		approved := false
		for _, x := range terms.Providers {
			approved = approved || x == in.ProviderID
		}
		if !approved {
			return "", nil, anbao.FieldError("provider_id", "incident.dispatch.not_approved", in.ProviderID, inc.PolicyNumber)
		}
		var kind anbao.OrgKind
		var status string
		if err := t.QueryRowContext(ctx, `SELECT kind, status FROM organisations WHERE id = $1`, in.ProviderID).Scan(&kind, &status); err != nil &&
			!isNoRows(err) {
			return "", nil, err
		}
		if kind != anbao.KindProvider || status != string(anbao.OrgActive) {
			return "", nil, anbao.FieldError("provider_id", "incident.dispatch.not_approved", in.ProviderID, inc.PolicyNumber)
		}
		var open int
		if err := t.QueryRowContext(ctx, `SELECT COUNT(*) FROM dispatches WHERE incident_id = $1 AND provider_id = $2
			AND status NOT IN ('closed', 'declined')`, incidentID, in.ProviderID).Scan(&open); err != nil {
			return "", nil, err
		}
		if open > 0 {
			return "", nil, anbao.Errorf(anbao.ECONFLICT, "incident.dispatch.duplicate", in.ProviderID)
		}
		now := s.Now()
		if err := t.QueryRowContext(ctx, `INSERT INTO dispatches (incident_id, policy_id, provider_id, mode, status, note, requested_by,
			requested_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING id`, incidentID, inc.PolicyID, in.ProviderID, in.Mode, DispatchRequested,
			in.Note, p.Username, anbao.FormatTime(now)).Scan(&id); err != nil {
			return "", nil, err
		}
		for _, c := range []struct {
			kind string
			d    time.Duration
		}{{TimerSLAAck, sla.Acknowledge}, {TimerSLAAssign, sla.Engineer}, {TimerSLAContain, sla.Contain}} {
			if err := t.startTimer(incidentID, id, c.kind, now, now.Add(c.d)); err != nil {
				return "", nil, err
			}
		}
		return "dispatched", map[string]any{"dispatch_id": id, "provider_id": in.ProviderID, "mode": in.Mode}, nil
	})
	if err == nil && skipReadBack(ctx) {
		inc.Dispatches = []*Dispatch{{ID: id, IncidentID: incidentID}}
	}
	return inc, err
}

// Dispatch steps a provider takes.
var DispatchSteps = []string{"acknowledge", "decline", "assign", "contain", "close"}

// StepDispatch moves a dispatch on: the dispatched provider acknowledges or
// declines, assigns an engineer, reports containment, closes. Each step
// meets its SLA clock.
func (s *Store) StepDispatch(ctx context.Context, dispatchID int64, step string, in DispatchStepInput) (*Incident, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActDispatchRespond); err != nil {
		return nil, err
	}
	var err error
	if in.Note, err = trimText("note", in.Note, 0, 1000); err != nil {
		return nil, err
	}
	if in.Engineer, err = trimText("engineer", in.Engineer, 0, 100); err != nil {
		return nil, err
	}
	d, err := s.getDispatch(ctx, s.read, dispatchID)
	if err != nil {
		return nil, err
	}
	if !p.System && d.ProviderID != p.OrgID {
		return nil, anbao.ErrNotFound("dispatch")
	}
	return s.stepIncident(ctx, d.IncidentID, 0, anbao.ActDispatchRespond, func(t *tx, inc *Incident) (string, any, error) {
		d, err := s.getDispatch(ctx, t, dispatchID)
		if err != nil {
			return "", nil, err
		}
		if in.Version != 0 && d.Version != in.Version {
			return "", nil, anbao.Errorf(anbao.ECONFLICT, "error.version_conflict", d.Version)
		}
		var from, to, col, timer string
		switch step {
		case "acknowledge":
			from, to, col, timer = DispatchRequested, DispatchAcknowledged, "acknowledged_at", TimerSLAAck
		case "decline":
			from, to, col = DispatchRequested, DispatchDeclined, "closed_at"
			if in.Note == "" {
				return "", nil, anbao.FieldError("note", "incident.dispatch.reason_required")
			}
		case "assign":
			from, to, col, timer = DispatchAcknowledged, DispatchAssigned, "assigned_at", TimerSLAAssign
			if len([]rune(in.Engineer)) < 2 {
				return "", nil, anbao.FieldError("engineer", "incident.dispatch.engineer_required")
			}
		case "contain":
			from, to, col, timer = DispatchAssigned, DispatchContained, "contained_at", TimerSLAContain
		case "close":
			from, to, col = DispatchContained, DispatchClosed, "closed_at"
		default:
			return "", nil, anbao.FieldError("step", "incident.dispatch.step_unknown", step)
		}
		if d.Status != from {
			return "", nil, anbao.Errorf(anbao.ECONFLICT, "incident.dispatch.state", d.Status, step)
		}
		now := s.Now()
		q := `UPDATE dispatches SET status = $1, ` + col + ` = $2, version = version + 1`
		args := []any{to, anbao.FormatTime(now)}
		if step == "assign" {
			q += `, engineer = $3 WHERE id = $4`
			args = append(args, in.Engineer, dispatchID)
		} else {
			q += ` WHERE id = $3`
			args = append(args, dispatchID)
		}
		if _, err := t.ExecContext(ctx, q, args...); err != nil {
			return "", nil, err
		}
		if timer != "" {
			if err := t.meetTimers(d.IncidentID, dispatchID, timer, now); err != nil {
				return "", nil, err
			}
		}
		if step == "decline" {
			for _, k := range []string{TimerSLAAck, TimerSLAAssign, TimerSLAContain} {
				if _, err := t.ExecContext(ctx, `UPDATE timers SET state = 'cancelled' WHERE dispatch_id = $1 AND kind = $2 AND state IN ('pending', 'warned')`,
					dispatchID, k); err != nil {
					return "", nil, err
				}
			}
		}
		return "dispatch_" + to, map[string]any{"dispatch_id": dispatchID, "engineer": in.Engineer, "note": in.Note}, nil
	})
}

const dispatchColumns = `d.id, d.incident_id, d.policy_id, d.provider_id, o.name_zh, d.mode, d.status, d.note, d.engineer, d.requested_by,
	d.requested_at, d.acknowledged_at, d.assigned_at, d.contained_at, d.closed_at, d.version`

func scanDispatch(sc scanner) (*Dispatch, error) {
	var d Dispatch
	err := sc.Scan(&d.ID, &d.IncidentID, &d.PolicyID, &d.ProviderID, &d.ProviderName, &d.Mode, &d.Status, &d.Note, &d.Engineer,
		&d.RequestedBy, &d.RequestedAt, &d.AcknowledgedAt, &d.AssignedAt, &d.ContainedAt, &d.ClosedAt, &d.Version)
	d.Usage = []*EntitlementUse{}
	return &d, err
}

func (s *Store) getDispatch(ctx context.Context, db queryer, id int64) (*Dispatch, error) {
	d, err := scanDispatch(db.QueryRowContext(ctx, "SELECT "+dispatchColumns+` FROM dispatches d JOIN organisations o ON o.id = d.provider_id
		WHERE d.id = $1`, id))
	if isNoRows(err) {
		return nil, anbao.ErrNotFound("dispatch")
	}
	return d, err
}

func (s *Store) listDispatches(ctx context.Context, inc *Incident) ([]*Dispatch, error) {
	incidentID := inc.ID
	out := []*Dispatch{}
	byID := map[int64]*Dispatch{}
	err := eachRow(ctx, s.read, "SELECT "+dispatchColumns+` FROM dispatches d JOIN organisations o ON o.id = d.provider_id
		WHERE d.incident_id = $1 ORDER BY d.id`, []any{incidentID}, func(sc scanner) error {
		d, err := scanDispatch(sc)
		d.Entitlements = []LedgerLine{}
		if err == nil {
			out = append(out, d)
			byID[d.ID] = d
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	uses, err := s.listUsage(ctx, `incident_id = $1`, incidentID)
	if err != nil {
		return nil, err
	}
	for _, u := range uses {
		if d := byID[u.DispatchID]; d != nil {
			d.Usage = append(d.Usage, u)
		}
	}
	if len(out) == 0 || inc.PolicyID == 0 {
		return out, nil
	}
	term, terms, err := s.termAt(ctx, s.read, inc.PolicyID, dayOf(inc.OccurredAt))
	if err != nil || term == nil || terms == nil {
		return out, err
	}
	used, err := s.listUsage(ctx, `policy_id = $1 AND term_no = $2`, inc.PolicyID, term.TermNo)
	if err != nil {
		return nil, err
	}
	lines := ledgerLines(terms, used)
	for _, d := range out {
		if d.PolicyID == inc.PolicyID {
			d.Entitlements = lines
		}
	}
	return out, nil
}

// ledgerLines totals the draws on each entitlement of terms.
func ledgerLines(terms *cover.Terms, used []*EntitlementUse) []LedgerLine {
	lines := []LedgerLine{}
	for _, e := range terms.Entitlements {
		ln := LedgerLine{Service: e.Service, Unit: e.Unit, Quantity: e.Quantity, ValueFen: e.ValueFen}
		for _, u := range used {
			if u.Service == e.Service {
				ln.UsedQuantity += u.Quantity
				ln.UsedValueFen += u.ValueFen
			}
		}
		ln.RemainingQty = ln.Quantity - ln.UsedQuantity
		ln.RemainingValue = ln.ValueFen - ln.UsedValueFen
		lines = append(lines, ln)
	}
	return lines
}

func (s *Store) listUsage(ctx context.Context, cond string, args ...any) ([]*EntitlementUse, error) {
	out := []*EntitlementUse{}
	err := eachRow(ctx, s.read, `SELECT id, policy_id, term_no, incident_id, COALESCE(dispatch_id, 0), service, quantity, value_fen, note,
		recorded_by, recorded_at FROM entitlement_usage WHERE `+cond+` ORDER BY id`, args, func(sc scanner) error {
		var u EntitlementUse
		err := sc.Scan(&u.ID, &u.PolicyID, &u.TermNo, &u.IncidentID, &u.DispatchID, &u.Service, &u.Quantity, &u.ValueFen, &u.Note,
			&u.RecordedBy, &u.RecordedAt)
		out = append(out, &u)
		return err
	})
	return out, err
}

// UseEntitlement records services a dispatched provider delivered in kind:
// they draw on the policy term's entitlement of that service, never beyond
// its quantity or value.
func (s *Store) UseEntitlement(ctx context.Context, dispatchID int64, in UseInput) (*Incident, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActDispatchRespond); err != nil {
		return nil, err
	}
	var err error
	if in.Note, err = trimText("note", in.Note, 0, 500); err != nil {
		return nil, err
	}
	if in.Quantity <= 0 || in.Quantity > 100000 {
		return nil, anbao.FieldError("quantity", "incident.entitlement.quantity_range", in.Quantity)
	}
	if in.ValueFen < 0 || in.ValueFen > cover.MaxAmount {
		return nil, anbao.FieldError("value_fen", "incident.amount_range", in.ValueFen)
	}
	d, err := s.getDispatch(ctx, s.read, dispatchID)
	if err != nil {
		return nil, err
	}
	if !p.System && d.ProviderID != p.OrgID {
		return nil, anbao.ErrNotFound("dispatch")
	}
	return s.stepIncident(ctx, d.IncidentID, 0, anbao.ActDispatchRespond, func(t *tx, inc *Incident) (string, any, error) {
		d, err := s.getDispatch(ctx, t, dispatchID)
		if err != nil {
			return "", nil, err
		}
		switch d.Status {
		case DispatchAcknowledged, DispatchAssigned, DispatchContained, DispatchClosed:
		default:
			return "", nil, anbao.Errorf(anbao.ECONFLICT, "incident.dispatch.state", d.Status, "use")
		}
		// Serialise draws on the policy (PostgreSQL); SQLite writers are serial.
		if t.s.engine == Postgres {
			if _, err := t.ExecContext(ctx, `SELECT id FROM policies WHERE id = $1 FOR UPDATE`, d.PolicyID); err != nil {
				return "", nil, err
			}
		}
		term, terms, err := s.termAt(ctx, t, d.PolicyID, dayOf(inc.OccurredAt))
		if err != nil {
			return "", nil, err
		}
		if term == nil || terms == nil {
			return "", nil, anbao.Errorf(anbao.ECONFLICT, "incident.policy_not_in_force", inc.PolicyNumber)
		}
		var ent *cover.Entitlement
		for i := range terms.Entitlements {
			if terms.Entitlements[i].Service == in.Service {
				ent = &terms.Entitlements[i]
			}
		}
		if ent == nil {
			return "", nil, anbao.FieldError("service", "incident.entitlement.none", in.Service)
		}
		var usedQ int
		var usedV int64
		if err := t.QueryRowContext(ctx, `SELECT COALESCE(SUM(quantity), 0), COALESCE(SUM(value_fen), 0) FROM entitlement_usage
			WHERE policy_id = $1 AND term_no = $2 AND service = $3`, d.PolicyID, term.TermNo, in.Service).Scan(&usedQ, &usedV); err != nil {
			return "", nil, err
		}
		if usedQ+in.Quantity > ent.Quantity {
			return "", nil, anbao.FieldError("quantity", "incident.entitlement.exceeded", in.Quantity, ent.Quantity-usedQ, ent.Unit)
		}
		if ent.ValueFen > 0 && usedV+in.ValueFen > ent.ValueFen {
			return "", nil, anbao.FieldError("value_fen", "incident.entitlement.value_exceeded", cover.Yuan(in.ValueFen),
				cover.Yuan(ent.ValueFen-usedV))
		}
		var id int64
		if err := t.QueryRowContext(ctx, `INSERT INTO entitlement_usage (policy_id, term_no, incident_id, dispatch_id, service, quantity,
			value_fen, note, recorded_by_org, recorded_by, recorded_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11) RETURNING id`,
			d.PolicyID, term.TermNo, d.IncidentID, dispatchID, in.Service, in.Quantity, in.ValueFen, in.Note, p.OrgID, p.Username,
			s.now()).Scan(&id); err != nil {
			return "", nil, err
		}
		return "entitlement_used", map[string]any{"dispatch_id": dispatchID, "service": in.Service, "quantity": in.Quantity,
			"value_fen": in.ValueFen, "remaining": ent.Quantity - usedQ - in.Quantity}, nil
	})
}

// EntitlementLedger is the in-kind ledger of a policy's current term (or
// term termNo when not 0), for those who may read the policy.
func (s *Store) EntitlementLedger(ctx context.Context, policyID int64, termNo int) (*Ledger, error) {
	pol, err := s.GetPolicy(ctx, policyID)
	if err != nil {
		return nil, err
	}
	if termNo == 0 {
		termNo = pol.CurrentTerm
	}
	var term *PolicyTerm
	for _, x := range pol.PolicyTerms {
		if x.TermNo == termNo {
			term = x
		}
	}
	if term == nil {
		return nil, anbao.ErrNotFound("term")
	}
	segs, err := s.listSegments(ctx, s.read, policyID)
	if err != nil {
		return nil, err
	}
	terms := termsAt(segs, term.StartDate, termNo)
	l := &Ledger{PolicyID: policyID, TermNo: termNo, Lines: []LedgerLine{}}
	if l.Entries, err = s.listUsage(ctx, `policy_id = $1 AND term_no = $2`, policyID, termNo); err != nil {
		return nil, err
	}
	if terms == nil {
		return l, nil
	}
	l.Lines = ledgerLines(terms, l.Entries)
	return l, nil
}

// Evidence kinds.
var EvidenceKinds = []string{"log", "disk_image", "memory_image", "malware_sample", "network_capture", "screenshot", "ransom_note",
	"forensic_report", "police_receipt", "other"}

// Custody actions after collection.
var CustodyActions = []string{"transfer", "verify", "seal"}

// EvidenceInput registers evidence: a file uploaded (hashed here) or, for
// what cannot be uploaded (a disk image), its SHA-256 computed at collection.
type EvidenceInput struct {
	Kind        string `json:"kind"`
	Name        string `json:"name"`
	SHA256      string `json:"sha256,omitempty"`
	Note        string `json:"note,omitempty"`
	Content     []byte `json:"-"`
	ContentType string `json:"-"`
}

// CustodyInput is one custody step by the current holder.
type CustodyInput struct {
	Action   string `json:"action"`
	ToOrg    int64  `json:"to_org,omitempty"`
	ToPerson string `json:"to_person,omitempty"`
	SHA256   string `json:"sha256"` // the hash the holder computed now: must match
	Note     string `json:"note,omitempty"`
}

// IncidentEvidence is one item of evidence with its custody chain.
type IncidentEvidence struct {
	ID          int64           `json:"id"`
	IncidentID  int64           `json:"incident_id"`
	Kind        string          `json:"kind"`
	Name        string          `json:"name"`
	SHA256      string          `json:"sha256"`
	Size        int64           `json:"size"`
	HasContent  bool            `json:"has_content"`
	HolderOrg   int64           `json:"holder_org"`
	HolderName  string          `json:"holder_name"`
	Holder      string          `json:"holder"`
	CreatedBy   string          `json:"created_by"`
	CreatedAt   string          `json:"created_at"`
	Custody     []*CustodyEvent `json:"custody"`
	ChainIntact bool            `json:"chain_intact"`
}

// CustodyEvent is one link of the chain of custody.
type CustodyEvent struct {
	Seq        int    `json:"seq"`
	Action     string `json:"action"`
	FromOrg    int64  `json:"from_org,omitempty"`
	FromPerson string `json:"from_person,omitempty"`
	ToOrg      int64  `json:"to_org,omitempty"`
	ToPerson   string `json:"to_person,omitempty"`
	Note       string `json:"note,omitempty"`
	By         string `json:"by"`
	At         string `json:"at"`
	PrevHash   string `json:"prev_hash"`
	Hash       string `json:"hash"`
}

// custodyHash chains a custody event to the one before it.
func custodyHash(evidenceSHA string, e *CustodyEvent) string {
	var b strings.Builder
	for _, s := range []string{"anbao-custody-v1", e.PrevHash, evidenceSHA, strconv.Itoa(e.Seq), e.Action, strconv.FormatInt(e.FromOrg, 10),
		e.FromPerson, strconv.FormatInt(e.ToOrg, 10), e.ToPerson, e.Note, e.By, e.At} {
		b.WriteString(s)
		b.WriteByte(0)
	}
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:])
}

func validSHA256(v string) bool {
	if len(v) != 64 {
		return false
	}
	_, err := hex.DecodeString(v)
	return err == nil && strings.ToLower(v) == v
}

// incidentParty checks that org takes part in incident inc: the enterprise,
// a provider dispatched to it or that reported it, the insurer of its policy.
func (s *Store) incidentParty(ctx context.Context, db queryer, inc *Incident, org int64) (bool, error) {
	if org == inc.EnterpriseID || org == inc.ReportedByOrg || (inc.InsurerID != 0 && org == inc.InsurerID) {
		return true, nil
	}
	var n int
	err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM dispatches WHERE incident_id = $1 AND provider_id = $2`, inc.ID, org).Scan(&n)
	return n > 0, err
}

// AddEvidence registers evidence on an incident; its collector holds it.
func (s *Store) AddEvidence(ctx context.Context, incidentID int64, in EvidenceInput) (*Incident, error) {
	if err := anbao.Authorize(anbao.PrincipalFrom(ctx), anbao.ActEvidenceHandle); err != nil {
		return nil, err
	}
	p := anbao.PrincipalFrom(ctx)
	if !slices.Contains(EvidenceKinds, in.Kind) {
		return nil, anbao.FieldError("kind", "incident.evidence.kind_unknown", in.Kind)
	}
	var err error
	if in.Name, err = trimText("name", in.Name, 1, 200); err != nil {
		return nil, err
	}
	if in.Note, err = trimText("note", in.Note, 0, 1000); err != nil {
		return nil, err
	}
	if len(in.Content) > MaxEvidenceBytes {
		return nil, anbao.FieldError("file", "evidence.too_large", MaxEvidenceBytes>>20)
	}
	in.ContentType = "application/octet-stream"
	if in.Content != nil {
		if ct, _, _ := strings.Cut(http.DetectContentType(in.Content), ";"); slices.Contains(EvidenceTypes, ct) {
			in.ContentType = ct
		}
	}
	size := int64(len(in.Content))
	if in.Content != nil {
		sum := sha256.Sum256(in.Content)
		got := hex.EncodeToString(sum[:])
		if in.SHA256 != "" && strings.ToLower(in.SHA256) != got {
			return nil, anbao.FieldError("sha256", "incident.evidence.hash_mismatch", in.SHA256, got)
		}
		in.SHA256 = got
	} else {
		in.SHA256 = strings.ToLower(strings.TrimSpace(in.SHA256))
		if !validSHA256(in.SHA256) {
			return nil, anbao.FieldError("sha256", "incident.evidence.sha256_invalid", in.SHA256)
		}
	}
	var id int64
	inc, err := s.stepIncident(ctx, incidentID, 0, anbao.ActEvidenceHandle, func(t *tx, inc *Incident) (string, any, error) {
		if ok, err := s.incidentParty(ctx, t, inc, p.OrgID); err != nil {
			return "", nil, err
		} else if !ok && !p.System {
			return "", nil, anbao.ErrNotFound("incident")
		}
		var dup int
		if err := t.QueryRowContext(ctx, `SELECT COUNT(*) FROM incident_evidence WHERE incident_id = $1 AND sha256 = $2`, incidentID,
			in.SHA256).Scan(&dup); err != nil {
			return "", nil, err
		}
		if dup > 0 {
			return "", nil, anbao.Errorf(anbao.ECONFLICT, "incident.evidence.duplicate", in.SHA256)
		}
		now := s.now()
		var content any
		if in.Content != nil {
			content = in.Content
		}
		if err := t.QueryRowContext(ctx, `INSERT INTO incident_evidence (incident_id, kind, name, sha256, size, content, content_type,
			holder_org, holder, created_by_org, created_by, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12) RETURNING id`,
			incidentID, in.Kind, in.Name, in.SHA256, size, content, in.ContentType, p.OrgID, p.Username, p.OrgID, p.Username,
			now).Scan(&id); err != nil {
			return "", nil, err
		}
		e := &CustodyEvent{Seq: 1, Action: "collect", ToOrg: p.OrgID, ToPerson: p.Username, Note: in.Note, By: p.Username, At: now}
		if err := t.insertCustody(id, in.SHA256, e); err != nil {
			return "", nil, err
		}
		return "evidence_added", map[string]any{"evidence_id": id, "kind": in.Kind, "name": in.Name, "sha256": in.SHA256}, nil
	})
	if err == nil && skipReadBack(ctx) {
		inc.Evidence = []*IncidentEvidence{{ID: id, IncidentID: incidentID}}
	}
	return inc, err
}

func (t *tx) insertCustody(evidenceID int64, sha string, e *CustodyEvent) error {
	e.Hash = custodyHash(sha, e)
	_, err := t.ExecContext(t.ctx, `INSERT INTO custody_events (evidence_id, seq, action, from_org, from_person, to_org, to_person, note,
		by_user, at, prev_hash, hash) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)`, evidenceID, e.Seq, e.Action, e.FromOrg, e.FromPerson,
		e.ToOrg, e.ToPerson, e.Note, e.By, e.At, e.PrevHash, e.Hash)
	return err
}

// RecordCustody records a custody step by the evidence's current holder:
// a transfer to another party of the incident (or to a named outside person
// such as the police or a forensic institution), a verification of the
// hash, or sealing. The hash the holder computes must match the registered one.
func (s *Store) RecordCustody(ctx context.Context, evidenceID int64, in CustodyInput) (*Incident, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActEvidenceHandle); err != nil {
		return nil, err
	}
	if !slices.Contains(CustodyActions, in.Action) {
		return nil, anbao.FieldError("action", "incident.evidence.action_unknown", in.Action)
	}
	var err error
	if in.ToPerson, err = trimText("to_person", in.ToPerson, 0, 100); err != nil {
		return nil, err
	}
	if in.Note, err = trimText("note", in.Note, 0, 1000); err != nil {
		return nil, err
	}
	in.SHA256 = strings.ToLower(strings.TrimSpace(in.SHA256))
	if !validSHA256(in.SHA256) {
		return nil, anbao.FieldError("sha256", "incident.evidence.sha256_invalid", in.SHA256)
	}
	if in.Action == "transfer" && in.ToOrg == 0 && in.ToPerson == "" {
		return nil, anbao.FieldError("to_person", "incident.evidence.recipient_required")
	}
	var incidentID int64
	if err := s.read.QueryRowContext(ctx, `SELECT incident_id FROM incident_evidence WHERE id = $1`, evidenceID).Scan(&incidentID); err != nil {
		if isNoRows(err) {
			return nil, anbao.ErrNotFound("evidence")
		}
		return nil, err
	}
	return s.stepIncident(ctx, incidentID, 0, anbao.ActEvidenceHandle, func(t *tx, inc *Incident) (string, any, error) {
		var sha, holder string
		var holderOrg int64
		if err := t.QueryRowContext(ctx, `SELECT sha256, holder_org, holder FROM incident_evidence WHERE id = $1`+t.forUpdate(),
			evidenceID).Scan(&sha, &holderOrg, &holder); err != nil {
			return "", nil, err
		}
		if !p.System && holderOrg != p.OrgID {
			return "", nil, anbao.Errorf(anbao.ECONFLICT, "incident.evidence.not_holder")
		}
		if in.SHA256 != sha {
			return "", nil, anbao.FieldError("sha256", "incident.evidence.hash_mismatch", in.SHA256, sha)
		}
		if in.Action == "transfer" && in.ToOrg != 0 {
			if ok, err := s.incidentParty(ctx, t, inc, in.ToOrg); err != nil {
				return "", nil, err
			} else if !ok {
				return "", nil, anbao.FieldError("to_org", "incident.evidence.recipient_not_party", in.ToOrg)
			}
		}
		var seq int
		var prev string
		if err := t.QueryRowContext(ctx, `SELECT seq, hash FROM custody_events WHERE evidence_id = $1 ORDER BY seq DESC LIMIT 1`,
			evidenceID).Scan(&seq, &prev); err != nil {
			return "", nil, err
		}
		e := &CustodyEvent{Seq: seq + 1, Action: in.Action, FromOrg: holderOrg, FromPerson: holder, Note: in.Note, By: p.Username,
			At: s.now(), PrevHash: prev}
		if in.Action == "transfer" {
			e.ToOrg, e.ToPerson = in.ToOrg, in.ToPerson
			if _, err := t.ExecContext(ctx, `UPDATE incident_evidence SET holder_org = $1, holder = $2 WHERE id = $3`, in.ToOrg, in.ToPerson,
				evidenceID); err != nil {
				return "", nil, err
			}
		}
		if err := t.insertCustody(evidenceID, sha, e); err != nil {
			return "", nil, err
		}
		return "custody_" + in.Action, map[string]any{"evidence_id": evidenceID, "to_org": in.ToOrg, "to_person": in.ToPerson,
			"hash": e.Hash}, nil
	})
}

func (s *Store) listIncidentEvidence(ctx context.Context, incidentID int64) ([]*IncidentEvidence, error) {
	out := []*IncidentEvidence{}
	byID := map[int64]*IncidentEvidence{}
	err := eachRow(ctx, s.read, `SELECT v.id, v.incident_id, v.kind, v.name, v.sha256, v.size, v.content IS NOT NULL, v.holder_org,
		COALESCE(o.name_zh, ''), v.holder, v.created_by, v.created_at FROM incident_evidence v LEFT JOIN organisations o ON o.id = v.holder_org
		WHERE v.incident_id = $1 ORDER BY v.id`, []any{incidentID}, func(sc scanner) error {
		var e IncidentEvidence
		err := sc.Scan(&e.ID, &e.IncidentID, &e.Kind, &e.Name, &e.SHA256, &e.Size, &e.HasContent, &e.HolderOrg, &e.HolderName, &e.Holder,
			&e.CreatedBy, &e.CreatedAt)
		e.Custody = []*CustodyEvent{}
		out = append(out, &e)
		byID[e.ID] = &e
		return err
	})
	if err != nil {
		return nil, err
	}
	err = eachRow(ctx, s.read, `SELECT c.evidence_id, c.seq, c.action, c.from_org, c.from_person, c.to_org, c.to_person, c.note, c.by_user,
		c.at, c.prev_hash, c.hash FROM custody_events c JOIN incident_evidence v ON v.id = c.evidence_id WHERE v.incident_id = $1
		ORDER BY c.evidence_id, c.seq`, []any{incidentID}, func(sc scanner) error {
		var id int64
		var c CustodyEvent
		if err := sc.Scan(&id, &c.Seq, &c.Action, &c.FromOrg, &c.FromPerson, &c.ToOrg, &c.ToPerson, &c.Note, &c.By, &c.At, &c.PrevHash,
			&c.Hash); err != nil {
			return err
		}
		if e := byID[id]; e != nil {
			e.Custody = append(e.Custody, &c)
		}
		return nil
	})
	for _, e := range out {
		e.ChainIntact = VerifyCustody(e.SHA256, e.Custody) == 0
	}
	return out, err
}

// VerifyCustody recomputes a chain of custody and returns the sequence
// number of the first broken link, or 0 when the chain is intact.
func VerifyCustody(evidenceSHA string, chain []*CustodyEvent) int {
	prev := ""
	for i, c := range chain {
		if c.Seq != i+1 || c.PrevHash != prev || custodyHash(evidenceSHA, c) != c.Hash {
			return i + 1
		}
		prev = c.Hash
	}
	return 0
}

// EvidenceContent returns an uploaded evidence file for a party of its incident.
func (s *Store) EvidenceContent(ctx context.Context, evidenceID int64) (name, contentType string, data []byte, err error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActIncidentRead); err != nil {
		return "", "", nil, err
	}
	var incidentID int64
	err = s.read.QueryRowContext(ctx, `SELECT incident_id, name, content_type, content FROM incident_evidence WHERE id = $1`, evidenceID).
		Scan(&incidentID, &name, &contentType, &data)
	if isNoRows(err) {
		return "", "", nil, anbao.ErrNotFound("evidence")
	}
	if err != nil {
		return "", "", nil, err
	}
	if _, err := s.getIncident(ctx, s.read, p, incidentID, ""); err != nil {
		return "", "", nil, anbao.ErrNotFound("evidence")
	}
	if data == nil {
		return "", "", nil, anbao.ErrNotFound("evidence")
	}
	return name, contentType, data, nil
}
