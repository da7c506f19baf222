package store

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/anbao/anbao"
)

// Service plans (服务方案) of pilot batches. A plan is led by an insurer or a
// provider organisation (the principal's own, ActPlanSubmit) heading a
// consortium of active insurer, provider and enterprise organisations, each
// in a role that fits its kind, with at least one member on the insurance
// side and one on the service side. The lead edits drafts while the batch
// is open, submits within the application window (after closes_at the
// submission fails with pilot.deadline_passed and writes nothing) and may
// withdraw until review starts (an expert is assigned, or the batch moves to
// review). The plan's jurisdiction is the lead organisation's.
//
// Who reads a plan: the consortium (lead and partners) always; once
// submitted, the local regulator of the plan's jurisdiction, the national
// regulators and the operator's administrators and analysts; an expert the
// plans assigned to them. Everyone else gets not-found.
//
// What applicants see of the review, and when: never the experts' names or
// individual scores; the consolidated score, the number of reviews, the
// local recommendation and the operator's decision only once the batch's
// catalogue is published (batch status published or closed), so that
// decisions can still be revised before publication.

// Plan limits.
const (
	MaxPlanPartners       = 30
	MaxPlanAttachments    = 5
	MaxPlanAttachmentSize = 2 << 20
	maxPlanServices       = 20
)

// PartnerInput is one consortium member of a plan input (the lead is implied).
type PartnerInput struct {
	OrgID int64             `json:"org_id"`
	Role  anbao.PartnerRole `json:"role"`
}

// PlanInput creates or edits a draft plan.
type PlanInput struct {
	BatchID       int64                  `json:"batch_id"`
	Title         string                 `json:"title"`
	Summary       string                 `json:"summary"`
	ProductType   anbao.PilotProductType `json:"product_type"`
	Industries    []string               `json:"industries"`
	SubjectTypes  []anbao.SubjectType    `json:"subject_types"`
	Coverages     []anbao.PlanCoverage   `json:"coverages"`
	Services      anbao.PlanServices     `json:"services"`
	Pricing       string                 `json:"pricing"`
	Registrations []string               `json:"registrations"`
	// LeadRole is the lead's role; by default insurer for an insurer and security for a provider.
	LeadRole anbao.PartnerRole `json:"lead_role,omitempty"`
	Partners []PartnerInput    `json:"partners"`
	Version  int               `json:"version"`
}

// VersionInput carries the version of the record a step applies to.
type VersionInput struct {
	Version int `json:"version"`
}

// PlanFilter narrows ListPlans; the caller's scope always applies.
type PlanFilter struct {
	BatchID      int64
	Status       anbao.PlanStatus
	Jurisdiction string
	LeadOrgID    int64
	Mine         bool // plans whose consortium includes the caller's organisation
	Query        string
	anbao.Page
}

// PlanList is a page of plans and the total matched.
type PlanList struct {
	Items []*anbao.ServicePlan `json:"items"`
	Total int                  `json:"total"`
}

const planColumns = `pl.id, pl.batch_id, b.code, pl.lead_org_id, o.name_zh, pl.jurisdiction, pl.status, pl.product_type, pl.industries,
	pl.subject_types, pl.title, pl.summary, pl.coverages, pl.services, pl.pricing, pl.registrations, pl.submitted_at, pl.withdrawn_at,
	pl.created_at, pl.updated_at, pl.version, pl.decision, pl.decision_note, pl.decided_at, b.status,
	COALESCE((SELECT ce.entry_no FROM catalogue_entries ce WHERE ce.plan_id = pl.id AND ce.version_id =
		(SELECT MAX(cv.id) FROM catalogue_versions cv WHERE cv.batch_id = pl.batch_id AND cv.status = 'published')), '')`

const planFrom = ` FROM service_plans pl JOIN pilot_batches b ON b.id = pl.batch_id JOIN organisations o ON o.id = pl.lead_org_id`

// planRow is a plan with what the store needs besides it.
type planRow struct {
	*anbao.ServicePlan
	decision, decisionNote, decidedAt string
	batchStatus                       anbao.BatchStatus
}

func scanPlan(sc scanner) (*planRow, error) {
	pl := &anbao.ServicePlan{}
	r := &planRow{ServicePlan: pl}
	var inds, subj, cov, svc, regs string
	if err := sc.Scan(&pl.ID, &pl.BatchID, &pl.BatchCode, &pl.LeadOrgID, &pl.LeadName, &pl.Jurisdiction, &pl.Status, &pl.ProductType,
		&inds, &subj, &pl.Title, &pl.Summary, &cov, &svc, &pl.Pricing, &regs, &pl.SubmittedAt, &pl.WithdrawnAt, &pl.CreatedAt,
		&pl.UpdatedAt, &pl.Version, &r.decision, &r.decisionNote, &r.decidedAt, &r.batchStatus, &pl.EntryNo); err != nil {
		return nil, err
	}
	for _, x := range []struct {
		raw string
		v   any
	}{{inds, &pl.Industries}, {subj, &pl.SubjectTypes}, {cov, &pl.Coverages}, {svc, &pl.Services}, {regs, &pl.Registrations}} {
		if err := json.Unmarshal([]byte(x.raw), x.v); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// isPlanOperator reports whether p sees every submitted plan and the
// review's details: the operator's administrators and analysts.
func isPlanOperator(p *anbao.Principal) bool {
	return p.System || (p.OrgKind == anbao.KindOperator && (p.HasRole(anbao.RoleAdmin) || p.HasRole(anbao.RoleAnalyst)))
}

// seesDecisions reports whether p sees the operator's decision on every plan
// it reads as soon as it is taken: the operator's administrators and
// analysts and the regulators (national, or local for the plans of their
// jurisdiction, the only ones they read). Applicants and experts see it once
// the batch's catalogue is published.
func seesDecisions(p *anbao.Principal) bool {
	return isPlanOperator(p) || p.OrgKind == anbao.KindRegulator
}

// planBatchPublished is the SQL condition that plan pl's batch (alias b)
// has its catalogue published.
const planBatchPublished = "b.status IN ('published', 'closed')"

// planStatusShown is the SQL of the status a viewer who does not see
// decisions yet reads: a decided plan of an unpublished batch is still
// under review.
const planStatusShown = "CASE WHEN pl.status IN ('selected', 'rejected') AND NOT " + planBatchPublished +
	" THEN 'reviewing' ELSE pl.status END"

// hideDecision shows a decided plan as under review to a viewer who may not
// see the decision yet (the status would tell it before publication).
func hideDecision(p *anbao.Principal, r *planRow) {
	if seesDecisions(p) || r.batchStatus == anbao.BatchPublished || r.batchStatus == anbao.BatchClosed {
		return
	}
	if r.Status == anbao.PlanSelected || r.Status == anbao.PlanRejected {
		r.Status = anbao.PlanReviewing
	}
}

// planScope restricts a query on service_plans (alias pl) to the plans p may read.
func planScope(p *anbao.Principal, w *where) {
	if p.System {
		return
	}
	var or []string
	var args []any
	member := false
	switch p.OrgKind {
	case anbao.KindOperator:
		if isPlanOperator(p) {
			or = append(or, "pl.submitted_at <> ''")
		}
		if p.HasRole(anbao.RoleReviewer) {
			or = append(or, "EXISTS (SELECT 1 FROM review_assignments ra WHERE ra.plan_id = pl.id AND ra.expert_id = ?)")
			args = append(args, p.UserID)
		}
	case anbao.KindRegulator:
		if p.Jurisdiction == "" {
			or = append(or, "pl.submitted_at <> ''")
		} else {
			or = append(or, "(pl.submitted_at <> '' AND pl.jurisdiction = ?)")
			args = append(args, p.Jurisdiction)
		}
	case anbao.KindInsurer, anbao.KindProvider, anbao.KindEnterprise:
		member = true
	}
	if member {
		or = append(or, "EXISTS (SELECT 1 FROM plan_partners pp WHERE pp.plan_id = pl.id AND pp.org_id = ?)")
		args = append(args, p.OrgID)
	}
	if len(or) == 0 {
		w.add("1 = 0")
		return
	}
	w.add("("+strings.Join(or, " OR ")+")", args...)
}

// getPlan reads a plan within p's scope (nil p: no scope).
func (s *Store) getPlan(ctx context.Context, db dbReader, p *anbao.Principal, id int64, lock string) (*planRow, error) {
	w := &where{}
	w.add("pl.id = ?", id)
	if p != nil {
		planScope(p, w)
	}
	r, err := scanPlan(db.QueryRowContext(ctx, "SELECT "+planColumns+planFrom+w.String()+lock, w.args...))
	if isNoRows(err) {
		return nil, anbao.ErrNotFound("plan")
	}
	if err != nil {
		return nil, err
	}
	if r.Partners, err = s.planPartners(ctx, db, id); err != nil {
		return nil, err
	}
	return r, nil
}

func (s *Store) planPartners(ctx context.Context, db querier, id int64) ([]anbao.PlanPartner, error) {
	out := []anbao.PlanPartner{}
	err := eachRow(ctx, db, `SELECT pp.org_id, o.name_zh, o.kind, pp.role, pp.lead FROM plan_partners pp
		JOIN organisations o ON o.id = pp.org_id WHERE pp.plan_id = $1 ORDER BY pp.lead DESC, o.kind, o.id`, []any{id},
		func(sc scanner) error {
			var x anbao.PlanPartner
			if err := sc.Scan(&x.OrgID, &x.Name, &x.Kind, &x.Role, &x.Lead); err != nil {
				return err
			}
			out = append(out, x)
			return nil
		})
	return out, err
}

// planHasMember reports whether org is in the plan's consortium.
func planHasMember(pl *anbao.ServicePlan, org int64) bool {
	return slices.ContainsFunc(pl.Partners, func(x anbao.PlanPartner) bool { return x.OrgID == org })
}

// GetPlan reads a plan with what the caller may see of its review.
func (s *Store) GetPlan(ctx context.Context, id int64) (*anbao.ServicePlan, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActPilotRead); err != nil {
		return nil, err
	}
	r, err := s.getPlan(ctx, s.read, p, id, "")
	if err != nil {
		return nil, err
	}
	hideDecision(p, r)
	pl := r.ServicePlan
	published := r.batchStatus == anbao.BatchPublished || r.batchStatus == anbao.BatchClosed
	applicant := !p.System && planHasMember(pl, p.OrgID) && p.OrgKind != anbao.KindOperator && p.OrgKind != anbao.KindRegulator
	operator := isPlanOperator(p)
	national := operator || (p.OrgKind == anbao.KindRegulator && p.Jurisdiction == "")
	local := p.OrgKind == anbao.KindRegulator && p.Jurisdiction != "" && p.Jurisdiction == pl.Jurisdiction

	pl.Attachments = []anbao.PlanAttachment{}
	err = eachRow(ctx, s.read, `SELECT id, name, content_type, size, sha256, created_at FROM plan_attachments WHERE plan_id = $1 ORDER BY id`,
		[]any{id}, func(sc scanner) error {
			var a anbao.PlanAttachment
			if err := sc.Scan(&a.ID, &a.Name, &a.ContentType, &a.Size, &a.SHA256, &a.CreatedAt); err != nil {
				return err
			}
			pl.Attachments = append(pl.Attachments, a)
			return nil
		})
	if err != nil {
		return nil, err
	}
	if national || local || published {
		if pl.Recommendation, err = s.planRecommendation(ctx, s.read, id); err != nil {
			return nil, err
		}
	}
	if national || ((local || applicant) && published) {
		o := &anbao.PlanOutcome{}
		if o.Score, o.Reviews, err = s.planScore(ctx, s.read, id); err != nil {
			return nil, err
		}
		o.Decision, o.DecisionNote, o.DecidedAt = r.decision, r.decisionNote, r.decidedAt
		pl.Outcome = o
	}
	if operator {
		if pl.Assignments, err = s.listAssignments(ctx, "ra.plan_id = $1", id); err != nil {
			return nil, err
		}
	} else if p.OrgKind == anbao.KindOperator && p.HasRole(anbao.RoleReviewer) {
		if pl.Assignments, err = s.listAssignments(ctx, "ra.plan_id = $1 AND ra.expert_id = $2", id, p.UserID); err != nil {
			return nil, err
		}
	}
	q := `SELECT id, kind, by_org, by_user, detail, at FROM plan_events WHERE plan_id = $1`
	if !national {
		q += " AND applicant_visible = TRUE"
	}
	pl.Events = []*anbao.PlanEvent{}
	err = eachRow(ctx, s.read, q+" ORDER BY at, id", []any{id}, func(sc scanner) error {
		e := &anbao.PlanEvent{}
		if err := sc.Scan(&e.ID, &e.Kind, &e.ByOrg, &e.ByUser, &e.Detail, &e.At); err != nil {
			return err
		}
		if !national && !applicant && !local {
			e.ByUser = ""
		}
		pl.Events = append(pl.Events, e)
		return nil
	})
	return pl, err
}

// planScore is the consolidated score of a plan: the arithmetic mean of the
// totals of its submitted reviews, rounded half away from zero to 2
// decimals, and how many reviews it counts. No submitted review: 0, 0.
func (s *Store) planScore(ctx context.Context, db queryer, id int64) (float64, int, error) {
	var sum, n int
	if err := db.QueryRowContext(ctx, `SELECT COALESCE(SUM(total), 0), COUNT(*) FROM review_assignments WHERE plan_id = $1 AND status = $2`,
		id, anbao.ReviewSubmitted).Scan(&sum, &n); err != nil {
		return 0, 0, err
	}
	return ConsolidatedScore(sum, n), n, nil
}

// ConsolidatedScore is the mean of n review totals adding up to sum,
// rounded half away from zero to 2 decimals (0 when n is 0).
func ConsolidatedScore(sum, n int) float64 {
	if n == 0 {
		return 0
	}
	return math.Round(float64(sum)*100/float64(n)) / 100
}

// ListPlans lists the plans the caller may read, newest first.
func (s *Store) ListPlans(ctx context.Context, f PlanFilter) (*PlanList, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActPilotRead); err != nil {
		return nil, err
	}
	w := &where{}
	planScope(p, w)
	if f.BatchID != 0 {
		w.add("pl.batch_id = ?", f.BatchID)
	}
	if f.Status != "" {
		if seesDecisions(p) {
			w.add("pl.status = ?", string(f.Status))
		} else {
			w.add(planStatusShown+" = ?", string(f.Status))
		}
	}
	if f.Jurisdiction != "" {
		w.add("pl.jurisdiction = ?", f.Jurisdiction)
	}
	if f.LeadOrgID != 0 {
		w.add("pl.lead_org_id = ?", f.LeadOrgID)
	}
	if f.Mine {
		w.add("EXISTS (SELECT 1 FROM plan_partners pm WHERE pm.plan_id = pl.id AND pm.org_id = ?)", p.OrgID)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		like := "%" + strings.ToLower(q) + "%"
		w.add("(LOWER(pl.title) LIKE ? OR LOWER(o.name_zh) LIKE ?)", like, like)
	}
	out := &PlanList{Items: []*anbao.ServicePlan{}}
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*)"+planFrom+w.String(), w.args...).Scan(&out.Total); err != nil {
		return nil, err
	}
	pg := f.Page.Normalize()
	lim, off := w.next(pg.Limit), w.next(pg.Offset)
	err := eachRow(ctx, s.read, "SELECT "+planColumns+planFrom+w.String()+" ORDER BY pl.id DESC LIMIT "+lim+" OFFSET "+off, w.args,
		func(sc scanner) error {
			r, err := scanPlan(sc)
			if err != nil {
				return err
			}
			hideDecision(p, r)
			out.Items = append(out.Items, r.ServicePlan)
			return nil
		})
	if err != nil {
		return nil, err
	}
	for _, pl := range out.Items {
		if pl.Partners, err = s.planPartners(ctx, s.read, pl.ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// normalizePlan checks a plan input against its batch. complete adds the
// checks of a submission (every required part present).
func (s *Store) normalizePlan(ctx context.Context, db dbReader, lead *anbao.Organisation, b *anbao.PilotBatch, in *PlanInput, complete bool) error {
	var err error
	if in.Title, err = trimText("title", in.Title, 2, 200); err != nil {
		return err
	}
	if in.Summary, err = trimText("summary", in.Summary, 0, 4000); err != nil {
		return err
	}
	if in.Pricing, err = trimText("pricing", in.Pricing, 0, 2000); err != nil {
		return err
	}
	if !in.ProductType.Valid() || !slices.Contains(b.ProductTypes, in.ProductType) {
		return anbao.FieldError("product_type", "pilot.product_type_scope", string(in.ProductType))
	}
	seen := map[string]bool{}
	for _, x := range in.Industries {
		if !slices.Contains(b.Industries, x) || seen[x] {
			return anbao.FieldError("industries", "pilot.industry_scope", x)
		}
		seen[x] = true
	}
	slices.Sort(in.Industries)
	seen = map[string]bool{}
	for _, x := range in.SubjectTypes {
		if !slices.Contains(b.SubjectTypes, x) || seen[string(x)] {
			return anbao.FieldError("subject_types", "pilot.subject_scope", string(x))
		}
		seen[string(x)] = true
	}
	if len(in.Coverages) > 20 {
		return anbao.FieldError("coverages", "pilot.too_many", 20)
	}
	seen = map[string]bool{}
	for i := range in.Coverages {
		c := &in.Coverages[i]
		if !anbao.ValidCoverage(c.Item) || seen[c.Item] {
			return anbao.FieldError("coverages", "pilot.coverage_unknown", c.Item)
		}
		seen[c.Item] = true
		if c.LimitFen < 0 || c.LimitFen > 1_000_000_000_000 {
			return anbao.FieldError("coverages", "pilot.coverage_limit", c.Item)
		}
		if c.Note, err = trimText("coverages", c.Note, 0, 500); err != nil {
			return err
		}
	}
	for _, ph := range []struct {
		name string
		v    *[]string
	}{{"services.before", &in.Services.Before}, {"services.during", &in.Services.During}, {"services.after", &in.Services.After}} {
		var kept []string
		for _, x := range *ph.v {
			x, err := trimText(ph.name, x, 0, 300)
			if err != nil {
				return err
			}
			if x != "" {
				kept = append(kept, x)
			}
		}
		if len(kept) > maxPlanServices {
			return anbao.FieldError(ph.name, "pilot.too_many", maxPlanServices)
		}
		if kept == nil {
			kept = []string{}
		}
		*ph.v = kept
		if complete && len(kept) == 0 {
			return anbao.FieldError(ph.name, "pilot.services_phase")
		}
	}
	var regs []string
	for _, x := range in.Registrations {
		x, err := trimText("registrations", x, 0, 100)
		if err != nil {
			return err
		}
		if x != "" && !slices.Contains(regs, x) {
			regs = append(regs, x)
		}
	}
	if len(regs) > 20 {
		return anbao.FieldError("registrations", "pilot.too_many", 20)
	}
	if regs == nil {
		regs = []string{}
	}
	in.Registrations = regs
	if in.Industries == nil {
		in.Industries = []string{}
	}
	if in.SubjectTypes == nil {
		in.SubjectTypes = []anbao.SubjectType{}
	}
	if in.Coverages == nil {
		in.Coverages = []anbao.PlanCoverage{}
	}
	// The consortium.
	if in.LeadRole == "" {
		in.LeadRole = anbao.PartnerInsurer
		if lead.Kind == anbao.KindProvider {
			in.LeadRole = anbao.PartnerSecurity
		}
	}
	if !in.LeadRole.Valid() || !in.LeadRole.FitsKind(lead.Kind) {
		return anbao.FieldError("lead_role", "pilot.role_kind", string(in.LeadRole))
	}
	if len(in.Partners) > MaxPlanPartners {
		return anbao.FieldError("partners", "pilot.too_many", MaxPlanPartners)
	}
	insurer, service := in.LeadRole.InsurerSide(), in.LeadRole.ServiceSide()
	ids := map[int64]bool{lead.ID: true}
	for i, x := range in.Partners {
		field := fmt.Sprintf("partners.%d", i)
		if ids[x.OrgID] {
			return anbao.FieldError(field, "pilot.partner_duplicate", x.OrgID)
		}
		ids[x.OrgID] = true
		var kind, status string
		err := db.QueryRowContext(ctx, "SELECT kind, status FROM organisations WHERE id = $1", x.OrgID).Scan(&kind, &status)
		if isNoRows(err) || (err == nil && status != string(anbao.OrgActive)) {
			return anbao.FieldError(field, "pilot.partner_unknown", x.OrgID)
		}
		if err != nil {
			return err
		}
		if !x.Role.Valid() || !x.Role.FitsKind(anbao.OrgKind(kind)) {
			return anbao.FieldError(field, "pilot.role_kind", string(x.Role))
		}
		insurer = insurer || x.Role.InsurerSide()
		service = service || x.Role.ServiceSide()
	}
	if complete {
		switch {
		case len(in.Industries) == 0:
			return anbao.FieldError("industries", "error.required", "industries")
		case len(in.SubjectTypes) == 0:
			return anbao.FieldError("subject_types", "error.required", "subject_types")
		case len(in.Coverages) == 0:
			return anbao.FieldError("coverages", "error.required", "coverages")
		case in.Pricing == "":
			return anbao.FieldError("pricing", "error.required", "pricing")
		case !insurer || !service:
			return anbao.FieldError("partners", "pilot.consortium_sides")
		}
	}
	return nil
}

// planLead checks that p may lead plans: ActPlanSubmit with its own active
// insurer or provider organisation, which it returns.
func (s *Store) planLead(ctx context.Context, db queryer, p *anbao.Principal) (*anbao.Organisation, error) {
	if err := anbao.Authorize(p, anbao.ActPlanSubmit); err != nil {
		return nil, err
	}
	if p.OrgKind != anbao.KindInsurer && p.OrgKind != anbao.KindProvider {
		return nil, anbao.Errorf(anbao.EFORBIDDEN, "error.forbidden")
	}
	o, err := scanOrg(db.QueryRowContext(ctx, "SELECT "+orgColumns+" FROM organisations WHERE id = $1", p.OrgID))
	if err != nil {
		return nil, err
	}
	if o.Status != anbao.OrgActive {
		return nil, anbao.Errorf(anbao.EFORBIDDEN, "error.forbidden")
	}
	return o, nil
}

// planEvent appends a step to a plan's history.
func (t *tx) planEvent(planID int64, kind string, detail string, visible bool) error {
	p := anbao.PrincipalFrom(t.ctx)
	var org int64
	var user string
	if p != nil {
		org, user = p.OrgID, p.Username
	}
	_, err := t.ExecContext(t.ctx, `INSERT INTO plan_events (plan_id, kind, by_org, by_user, detail, applicant_visible, at)
		VALUES ($1,$2,$3,$4,$5,$6,$7)`, planID, kind, org, user, detail, visible, t.s.now())
	return err
}

func (t *tx) writePartners(planID int64, lead *anbao.Organisation, in *PlanInput) error {
	if _, err := t.ExecContext(t.ctx, "DELETE FROM plan_partners WHERE plan_id = $1", planID); err != nil {
		return err
	}
	if _, err := t.ExecContext(t.ctx, "INSERT INTO plan_partners (plan_id, org_id, role, lead) VALUES ($1,$2,$3,$4)",
		planID, lead.ID, string(in.LeadRole), true); err != nil {
		return err
	}
	for _, x := range in.Partners {
		if _, err := t.ExecContext(t.ctx, "INSERT INTO plan_partners (plan_id, org_id, role, lead) VALUES ($1,$2,$3,$4)",
			planID, x.OrgID, string(x.Role), false); err != nil {
			return err
		}
	}
	return nil
}

// CreatePlan creates a draft plan led by the caller's organisation in an open batch.
func (s *Store) CreatePlan(ctx context.Context, in PlanInput) (*anbao.ServicePlan, error) {
	p := anbao.PrincipalFrom(ctx)
	lead, err := s.planLead(ctx, s.read, p)
	if err != nil {
		return nil, err
	}
	var id int64
	err = s.inTx(ctx, func(t *tx) error {
		b, err := s.getBatch(ctx, t, in.BatchID, "")
		if err != nil || !batchVisible(p, b) {
			return anbao.FieldError("batch_id", "pilot.batch_unknown", in.BatchID)
		}
		if b.Status != anbao.BatchOpen {
			return anbao.Errorf(anbao.ECONFLICT, "pilot.batch_not_open")
		}
		if err := s.normalizePlan(ctx, t, lead, b, &in, false); err != nil {
			return err
		}
		now := s.now()
		if err := t.QueryRowContext(ctx, `INSERT INTO service_plans (batch_id, lead_org_id, jurisdiction, status, product_type, industries,
			subject_types, title, summary, coverages, services, pricing, registrations, created_by, created_at, updated_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$15) RETURNING id`, b.ID, lead.ID, lead.Jurisdiction,
			string(anbao.PlanDraft), string(in.ProductType), pilotJSON(in.Industries), pilotJSON(in.SubjectTypes), in.Title, in.Summary,
			pilotJSON(in.Coverages), pilotJSON(in.Services), in.Pricing, pilotJSON(in.Registrations), p.Username, now).Scan(&id); err != nil {
			return err
		}
		if err := t.writePartners(id, lead, &in); err != nil {
			return err
		}
		if err := t.planEvent(id, "created", "", true); err != nil {
			return err
		}
		r, err := s.getPlan(ctx, t, nil, id, "")
		if err != nil {
			return err
		}
		return t.audit(auditChange{"plan.create", "service_plan", id, lead.ID, nil, r.ServicePlan})
	})
	if err != nil {
		return nil, err
	}
	if skipReadBack(ctx) {
		return &anbao.ServicePlan{ID: id}, nil
	}
	return s.GetPlan(ctx, id)
}

// leadPlan reads a plan for a write by its lead, locked.
func (s *Store) leadPlan(ctx context.Context, t *tx, p *anbao.Principal, id int64) (*planRow, *anbao.PilotBatch, error) {
	r, err := s.getPlan(ctx, t, p, id, t.forUpdate())
	if err != nil {
		return nil, nil, err
	}
	if !p.System && r.LeadOrgID != p.OrgID {
		return nil, nil, anbao.Errorf(anbao.EFORBIDDEN, "pilot.lead_only")
	}
	b, err := s.getBatch(ctx, t, r.BatchID, "")
	if err != nil {
		return nil, nil, err
	}
	return r, b, nil
}

// UpdatePlan edits a draft plan (its lead, while the batch is open).
func (s *Store) UpdatePlan(ctx context.Context, id int64, in PlanInput) (*anbao.ServicePlan, error) {
	p := anbao.PrincipalFrom(ctx)
	lead, err := s.planLead(ctx, s.read, p)
	if err != nil {
		return nil, err
	}
	err = s.inTx(ctx, func(t *tx) error {
		r, b, err := s.leadPlan(ctx, t, p, id)
		if err != nil {
			return err
		}
		if r.Version != in.Version {
			return anbao.Errorf(anbao.ECONFLICT, "error.version_conflict", r.Version)
		}
		if r.Status != anbao.PlanDraft {
			return anbao.Errorf(anbao.ECONFLICT, "pilot.plan_not_draft")
		}
		if b.Status != anbao.BatchOpen {
			return anbao.Errorf(anbao.ECONFLICT, "pilot.batch_not_open")
		}
		in.BatchID = r.BatchID
		if err := s.normalizePlan(ctx, t, lead, b, &in, false); err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, `UPDATE service_plans SET product_type = $1, industries = $2, subject_types = $3, title = $4,
			summary = $5, coverages = $6, services = $7, pricing = $8, registrations = $9, updated_at = $10, version = version + 1
			WHERE id = $11`, string(in.ProductType), pilotJSON(in.Industries), pilotJSON(in.SubjectTypes), in.Title, in.Summary,
			pilotJSON(in.Coverages), pilotJSON(in.Services), in.Pricing, pilotJSON(in.Registrations), s.now(), id); err != nil {
			return err
		}
		if err := t.writePartners(id, lead, &in); err != nil {
			return err
		}
		if err := t.planEvent(id, "updated", "", true); err != nil {
			return err
		}
		after, err := s.getPlan(ctx, t, nil, id, "")
		if err != nil {
			return err
		}
		return t.audit(auditChange{"plan.update", "service_plan", id, r.LeadOrgID, r.ServicePlan, after.ServicePlan})
	})
	if err != nil {
		return nil, err
	}
	return s.GetPlan(ctx, id)
}

// planInputOf rebuilds the input of a stored plan, to check it for submission.
func planInputOf(pl *anbao.ServicePlan) PlanInput {
	in := PlanInput{BatchID: pl.BatchID, Title: pl.Title, Summary: pl.Summary, ProductType: pl.ProductType,
		Industries: slices.Clone(pl.Industries), SubjectTypes: slices.Clone(pl.SubjectTypes), Coverages: slices.Clone(pl.Coverages),
		Services: pl.Services, Pricing: pl.Pricing, Registrations: slices.Clone(pl.Registrations), Version: pl.Version}
	for _, x := range pl.Partners {
		if x.Lead {
			in.LeadRole = x.Role
		} else {
			in.Partners = append(in.Partners, PartnerInput{OrgID: x.OrgID, Role: x.Role})
		}
	}
	return in
}

// SubmitPlan submits a draft within the batch's window. After closes_at (or
// once the batch left the open state) it fails with pilot.deadline_passed.
func (s *Store) SubmitPlan(ctx context.Context, id int64, in VersionInput) (*anbao.ServicePlan, error) {
	p := anbao.PrincipalFrom(ctx)
	lead, err := s.planLead(ctx, s.read, p)
	if err != nil {
		return nil, err
	}
	err = s.inTx(ctx, func(t *tx) error {
		r, b, err := s.leadPlan(ctx, t, p, id)
		if err != nil {
			return err
		}
		if r.Version != in.Version {
			return anbao.Errorf(anbao.ECONFLICT, "error.version_conflict", r.Version)
		}
		if r.Status != anbao.PlanDraft {
			return anbao.Errorf(anbao.ECONFLICT, "pilot.plan_not_draft")
		}
		now := s.now()
		switch {
		case b.Status == anbao.BatchDraft || (b.Status == anbao.BatchOpen && now < b.OpensAt):
			return anbao.Errorf(anbao.ECONFLICT, "pilot.window_not_open", beijingMinute(b.OpensAt))
		case b.Status != anbao.BatchOpen || now >= b.ClosesAt:
			return anbao.Errorf(anbao.ECONFLICT, "pilot.deadline_passed", beijingMinute(b.ClosesAt))
		}
		pin := planInputOf(r.ServicePlan)
		if err := s.normalizePlan(ctx, t, lead, b, &pin, true); err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, `UPDATE service_plans SET status = $1, submitted_at = $2, updated_at = $2, version = version + 1
			WHERE id = $3`, string(anbao.PlanSubmitted), now, id); err != nil {
			return err
		}
		if err := t.planEvent(id, "submitted", "", true); err != nil {
			return err
		}
		return t.audit(auditChange{"plan.submit", "service_plan", id, r.LeadOrgID, map[string]any{"status": r.Status},
			map[string]any{"status": anbao.PlanSubmitted, "submitted_at": now}})
	})
	if err != nil {
		return nil, err
	}
	if skipReadBack(ctx) {
		return &anbao.ServicePlan{ID: id}, nil
	}
	return s.GetPlan(ctx, id)
}

// WithdrawPlan withdraws a submitted plan before review starts (no expert
// assigned and the batch still open).
func (s *Store) WithdrawPlan(ctx context.Context, id int64, in VersionInput) (*anbao.ServicePlan, error) {
	p := anbao.PrincipalFrom(ctx)
	if _, err := s.planLead(ctx, s.read, p); err != nil {
		return nil, err
	}
	err := s.inTx(ctx, func(t *tx) error {
		r, b, err := s.leadPlan(ctx, t, p, id)
		if err != nil {
			return err
		}
		if r.Version != in.Version {
			return anbao.Errorf(anbao.ECONFLICT, "error.version_conflict", r.Version)
		}
		if r.Status != anbao.PlanSubmitted || b.Status != anbao.BatchOpen {
			return anbao.Errorf(anbao.ECONFLICT, "pilot.withdraw_too_late")
		}
		now := s.now()
		if _, err := t.ExecContext(ctx, `UPDATE service_plans SET status = $1, withdrawn_at = $2, updated_at = $2, version = version + 1
			WHERE id = $3`, string(anbao.PlanWithdrawn), now, id); err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, "DELETE FROM plan_recommendations WHERE plan_id = $1", id); err != nil {
			return err
		}
		if err := t.planEvent(id, "withdrawn", "", true); err != nil {
			return err
		}
		return t.audit(auditChange{"plan.withdraw", "service_plan", id, r.LeadOrgID, map[string]any{"status": r.Status},
			map[string]any{"status": anbao.PlanWithdrawn}})
	})
	if err != nil {
		return nil, err
	}
	return s.GetPlan(ctx, id)
}

// AddPlanAttachment attaches a small file (PDF, DOCX, text; at most
// MaxPlanAttachmentSize, MaxPlanAttachments per plan) to a draft.
func (s *Store) AddPlanAttachment(ctx context.Context, id int64, up *EvidenceUpload) (*anbao.PlanAttachment, error) {
	p := anbao.PrincipalFrom(ctx)
	if _, err := s.planLead(ctx, s.read, p); err != nil {
		return nil, err
	}
	if r, err := s.getPlan(ctx, s.read, p, id, ""); err != nil {
		return nil, err
	} else if !p.System && r.LeadOrgID != p.OrgID {
		return nil, anbao.Errorf(anbao.EFORBIDDEN, "pilot.lead_only")
	}
	name, ct, sum, err := checkPilotDocument(up, MaxPlanAttachmentSize)
	if err != nil {
		return nil, err
	}
	a := &anbao.PlanAttachment{Name: name, ContentType: ct, Size: int64(len(up.Data)), SHA256: sum, CreatedAt: s.now()}
	err = s.inTx(ctx, func(t *tx) error {
		r, _, err := s.leadPlan(ctx, t, p, id)
		if err != nil {
			return err
		}
		if r.Status != anbao.PlanDraft {
			return anbao.Errorf(anbao.ECONFLICT, "pilot.plan_not_draft")
		}
		var n int
		if err := t.QueryRowContext(ctx, "SELECT COUNT(*) FROM plan_attachments WHERE plan_id = $1", id).Scan(&n); err != nil {
			return err
		}
		if n >= MaxPlanAttachments {
			return anbao.Errorf(anbao.ECONFLICT, "evidence.limit", MaxPlanAttachments)
		}
		if err := t.QueryRowContext(ctx, `INSERT INTO plan_attachments (plan_id, name, content_type, size, sha256, data, created_by, created_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING id`, id, a.Name, a.ContentType, a.Size, a.SHA256, up.Data, p.Username,
			a.CreatedAt).Scan(&a.ID); err != nil {
			return err
		}
		if err := t.planEvent(id, "attachment", a.Name, true); err != nil {
			return err
		}
		return t.audit(auditChange{"plan.attachment", "plan_attachment", a.ID, r.LeadOrgID, nil, a})
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// PlanAttachmentFile returns an attachment of a plan the caller may read, with its bytes.
func (s *Store) PlanAttachmentFile(ctx context.Context, planID, id int64) (*anbao.PlanAttachment, []byte, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActPilotRead); err != nil {
		return nil, nil, err
	}
	if _, err := s.getPlan(ctx, s.read, p, planID, ""); err != nil {
		return nil, nil, err
	}
	a := &anbao.PlanAttachment{}
	var data []byte
	err := s.read.QueryRowContext(ctx, `SELECT id, name, content_type, size, sha256, created_at, data FROM plan_attachments
		WHERE id = $1 AND plan_id = $2`, id, planID).Scan(&a.ID, &a.Name, &a.ContentType, &a.Size, &a.SHA256, &a.CreatedAt, &data)
	if isNoRows(err) {
		return nil, nil, anbao.ErrNotFound("attachment")
	}
	return a, data, err
}
