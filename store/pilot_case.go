package store

import (
	"context"
	"strings"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/refdata"
)

// Good practices and typical cases (优秀做法 / 典型案例), issue #7 item 6.
//
// Any organisation's admin drafts a case on the template (background, risk,
// insurance and services delivered, incident and claim if any, outcome,
// lessons), optionally linked to a project its organisation takes part in,
// and submits it. Reviewers are the operator's admins and expert reviewers
// and the national regulators' admins: they comment, select, reject or
// return a case to its submitter. A local regulator's admin may only
// comment on or recommend the submitted cases of its own jurisdiction (the
// decision stays national). The operator's admin or a national regulator
// publishes a selected case into the library, which every logged-in user
// reads. An unpublished case is visible to its submitter's organisation and
// (once submitted) to its reviewers; anyone else gets not found.

// CaseInput drafts or edits a case.
type CaseInput struct {
	Kind              anbao.CaseKind `json:"kind"`
	Title             string         `json:"title"`
	ProjectID         int64          `json:"project_id,omitempty"`
	Industry          string         `json:"industry,omitempty"` // GB/T 4754 division
	Background        string         `json:"background"`
	Risk              string         `json:"risk"`
	InsuranceServices string         `json:"insurance_services"`
	IncidentClaim     string         `json:"incident_claim,omitempty"`
	Outcome           string         `json:"outcome"`
	Lessons           string         `json:"lessons"`
	Version           int            `json:"version,omitempty"`
}

// CaseReviewInput is a reviewer's decision or comment.
type CaseReviewInput struct {
	Decision string `json:"decision"` // comment, recommend, select, reject, return
	Comment  string `json:"comment,omitempty"`
	Version  int    `json:"version,omitempty"`
}

// CaseFilter selects cases in a list.
type CaseFilter struct {
	Status    anbao.CaseStatus
	Kind      anbao.CaseKind
	Query     string // matches title and sections
	ProjectID int64
	Library   bool // only published cases
	anbao.Page
}

const caseColumns = `c.id, c.kind, c.status, c.title, c.org_id, o.name_zh, c.created_by, c.project_id, c.jurisdiction, c.industry,
	c.background, c.risk, c.insurance_services, c.incident_claim, c.outcome, c.lessons, c.submitted_at, c.decided_by, c.decided_at,
	c.published_by, c.published_at, c.created_at, c.updated_at, c.version`

const caseFrom = ` FROM pilot_cases c JOIN organisations o ON o.id = c.org_id`

func scanCase(sc scanner) (*anbao.PilotCase, error) {
	var c anbao.PilotCase
	err := sc.Scan(&c.ID, &c.Kind, &c.Status, &c.Title, &c.OrgID, &c.OrgName, &c.CreatedBy, &c.ProjectID, &c.Jurisdiction, &c.Industry,
		&c.Background, &c.Risk, &c.InsuranceServices, &c.IncidentClaim, &c.Outcome, &c.Lessons, &c.SubmittedAt, &c.DecidedBy, &c.DecidedAt,
		&c.PublishedBy, &c.PublishedAt, &c.CreatedAt, &c.UpdatedAt, &c.Version)
	return &c, err
}

// isCaseReviewer reports whether p decides on cases (selects, rejects, publishes).
func isCaseReviewer(p *anbao.Principal) bool {
	return p.System || (anbao.Can(p, anbao.ActCaseReview) && p.IsNational())
}

// mayReadCaseTrail reports whether p reads the review trail of case c: its
// submitter's organisation, the national reviewers, and a local regulator's
// reviewers for a case of their own jurisdiction. Anyone else (a library
// reader, a local regulator of another jurisdiction) sees the case alone.
func mayReadCaseTrail(p *anbao.Principal, c *anbao.PilotCase) bool {
	switch {
	case p.System || c.OrgID == p.OrgID || isCaseReviewer(p):
		return true
	case anbao.Can(p, anbao.ActCaseReview) && p.OrgKind == anbao.KindRegulator:
		return p.Jurisdiction != "" && c.Jurisdiction == p.Jurisdiction
	}
	return false
}

// caseScope restricts a query on cases (alias c) to those p may read.
func caseScope(p *anbao.Principal, w *where) {
	switch {
	case p.System:
	case isCaseReviewer(p):
		w.add("(c.status <> 'draft' OR c.org_id = ?)", p.OrgID)
	case anbao.Can(p, anbao.ActCaseReview) && p.OrgKind == anbao.KindRegulator:
		w.add("(c.status = 'published' OR c.org_id = ? OR (c.status <> 'draft' AND c.jurisdiction = ?))", p.OrgID, p.Jurisdiction)
	default:
		w.add("(c.status = 'published' OR c.org_id = ?)", p.OrgID)
	}
}

func (s *Store) getCase(ctx context.Context, db queryer, p *anbao.Principal, id int64, lock string) (*anbao.PilotCase, error) {
	var w where
	w.add("c.id = ?", id)
	caseScope(p, &w)
	if lock != "" {
		lock = " FOR UPDATE OF c"
	}
	c, err := scanCase(db.QueryRowContext(ctx, "SELECT "+caseColumns+caseFrom+w.String()+lock, w.args...))
	if isNoRows(err) {
		return nil, anbao.ErrNotFound("case")
	}
	return c, err
}

// GetCase returns a case with its review trail (the trail is for the
// submitter and the reviewers; library readers see the case alone).
func (s *Store) GetCase(ctx context.Context, id int64) (*anbao.PilotCase, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActPilotRead); err != nil {
		return nil, err
	}
	c, err := s.getCase(ctx, s.read, p, id, "")
	if err != nil {
		return nil, err
	}
	c.Reviews = []anbao.CaseReview{}
	if !mayReadCaseTrail(p, c) {
		return c, nil
	}
	err = eachRow(ctx, s.read, `SELECT id, org_id, reviewer, decision, comment, at FROM case_reviews WHERE case_id = $1 ORDER BY id`,
		[]any{id}, func(sc scanner) error {
			var r anbao.CaseReview
			err := sc.Scan(&r.ID, &r.OrgID, &r.Reviewer, &r.Decision, &r.Comment, &r.At)
			c.Reviews = append(c.Reviews, r)
			return err
		})
	return c, err
}

// ListCases lists the cases the caller may read, newest first (published
// ones by publication).
func (s *Store) ListCases(ctx context.Context, f CaseFilter) (*ItemList[*anbao.PilotCase], error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActPilotRead); err != nil {
		return nil, err
	}
	f.Page = f.Page.Normalize()
	var w where
	caseScope(p, &w)
	if f.Library {
		w.add("c.status = 'published'")
	}
	if f.Status != "" {
		if !f.Status.Valid() {
			return nil, anbao.FieldError("status", "case.status_invalid", f.Status)
		}
		w.add("c.status = ?", f.Status)
	}
	if f.Kind != "" {
		if !f.Kind.Valid() {
			return nil, anbao.FieldError("kind", "case.kind_invalid", f.Kind)
		}
		w.add("c.kind = ?", f.Kind)
	}
	if f.ProjectID != 0 {
		w.add("c.project_id = ?", f.ProjectID)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		if len(q) > 200 {
			return nil, anbao.FieldError("q", "pilot.too_long", 200)
		}
		like := "%" + strings.ToLower(likeEscape(q)) + "%"
		w.add("(LOWER(c.title) LIKE ? OR LOWER(c.background) LIKE ? OR LOWER(c.insurance_services) LIKE ? OR LOWER(c.outcome) LIKE ? OR LOWER(o.name_zh) LIKE ?)",
			like, like, like, like, like)
	}
	list := &ItemList[*anbao.PilotCase]{Items: []*anbao.PilotCase{}}
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*)"+caseFrom+w.String(), w.args...).Scan(&list.Total); err != nil {
		return nil, err
	}
	q := "SELECT " + caseColumns + caseFrom + w.String() + " ORDER BY c.published_at DESC, c.updated_at DESC, c.id DESC LIMIT " +
		w.next(f.Limit) + " OFFSET " + w.next(f.Offset)
	err := eachRow(ctx, s.read, q, w.args, func(sc scanner) error {
		c, err := scanCase(sc)
		if err == nil {
			list.Items = append(list.Items, c)
		}
		return err
	})
	return list, err
}

// checkCaseInput validates a case; submit requires every section of the
// template but the incident and claim.
func checkCaseInput(in *CaseInput, submit bool) error {
	if !in.Kind.Valid() {
		return anbao.FieldError("kind", "case.kind_invalid", in.Kind)
	}
	in.Title = strings.TrimSpace(in.Title)
	if err := anbao.CheckPilotText("title", in.Title, true, anbao.MaxTitleChars); err != nil {
		return err
	}
	if in.Industry != "" {
		if _, ok := refdata.DivisionByCode(in.Industry); !ok {
			return anbao.FieldError("industry", "case.industry_invalid", in.Industry)
		}
	}
	for _, f := range []struct {
		name, v string
		req     bool
	}{
		{"background", in.Background, submit}, {"risk", in.Risk, submit}, {"insurance_services", in.InsuranceServices, submit},
		{"incident_claim", in.IncidentClaim, false}, {"outcome", in.Outcome, submit}, {"lessons", in.Lessons, submit},
	} {
		if err := anbao.CheckPilotText(f.name, f.v, f.req, anbao.MaxNarrativeChars); err != nil {
			return err
		}
	}
	return nil
}

// caseJurisdiction checks the project link and returns the case's
// jurisdiction: the project's, or else the submitter's organisation's.
func (t *tx) caseJurisdiction(p *anbao.Principal, projectID int64) (string, error) {
	if projectID != 0 {
		var jur string
		err := t.QueryRowContext(t.ctx, `SELECT pp.jurisdiction FROM pilot_projects pp WHERE pp.id = $1 AND (EXISTS (SELECT 1 FROM
			project_members pm WHERE pm.project_id = pp.id AND pm.org_id = $2 AND pm.status = 'accepted') OR $3)`, projectID, p.OrgID, p.System).Scan(&jur)
		if isNoRows(err) {
			return "", anbao.FieldError("project_id", "case.project_not_member", projectID)
		}
		return jur, err
	}
	var jur string
	err := t.QueryRowContext(t.ctx, "SELECT jurisdiction FROM organisations WHERE id = $1", p.OrgID).Scan(&jur)
	if isNoRows(err) {
		return "", nil
	}
	return jur, err
}

// CreateCase drafts a case for the caller's organisation.
func (s *Store) CreateCase(ctx context.Context, in CaseInput) (*anbao.PilotCase, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActCaseSubmit); err != nil {
		return nil, err
	}
	if err := checkCaseInput(&in, false); err != nil {
		return nil, err
	}
	var id int64
	err := s.inTx(ctx, func(t *tx) error {
		jur, err := t.caseJurisdiction(p, in.ProjectID)
		if err != nil {
			return err
		}
		now := s.now()
		if err := t.QueryRowContext(ctx, `INSERT INTO pilot_cases (kind, status, title, org_id, created_by, project_id, jurisdiction, industry,
			background, risk, insurance_services, incident_claim, outcome, lessons, created_at, updated_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$15) RETURNING id`, string(in.Kind), string(anbao.CaseDraft), in.Title,
			p.OrgID, p.Username, in.ProjectID, jur, in.Industry, in.Background, in.Risk, in.InsuranceServices, in.IncidentClaim, in.Outcome,
			in.Lessons, now).Scan(&id); err != nil {
			return err
		}
		in.Version = 0
		return t.audit(auditChange{"case.create", "pilot_case", id, p.OrgID, nil, in})
	})
	if err != nil {
		return nil, err
	}
	if skipReadBack(ctx) {
		return &anbao.PilotCase{ID: id}, nil
	}
	return s.GetCase(ctx, id)
}

// stepCase runs fn on case id locked in a transaction and audits it.
func (s *Store) stepCase(ctx context.Context, id int64, version int, action anbao.Action, fn func(t *tx, c *anbao.PilotCase) (string, any, error)) (*anbao.PilotCase, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, action); err != nil {
		return nil, err
	}
	err := s.inTx(ctx, func(t *tx) error {
		c, err := s.getCase(ctx, t, p, id, t.forUpdate())
		if err != nil {
			return err
		}
		if version != 0 && c.Version != version {
			return anbao.Errorf(anbao.ECONFLICT, "error.version_conflict", c.Version)
		}
		kind, detail, err := fn(t, c)
		if err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, "UPDATE pilot_cases SET updated_at = $1, version = version + 1 WHERE id = $2", s.now(), id); err != nil {
			return err
		}
		return t.audit(auditChange{"case." + kind, "pilot_case", id, c.OrgID, map[string]any{"status": c.Status}, detail})
	})
	if err != nil {
		return nil, err
	}
	if skipReadBack(ctx) {
		return &anbao.PilotCase{ID: id}, nil
	}
	return s.GetCase(ctx, id)
}

// UpdateCase edits a draft case: its organisation's admin.
func (s *Store) UpdateCase(ctx context.Context, id int64, in CaseInput) (*anbao.PilotCase, error) {
	if err := anbao.Authorize(anbao.PrincipalFrom(ctx), anbao.ActCaseSubmit); err != nil {
		return nil, err
	}
	if err := checkCaseInput(&in, false); err != nil {
		return nil, err
	}
	return s.stepCase(ctx, id, in.Version, anbao.ActCaseSubmit, func(t *tx, c *anbao.PilotCase) (string, any, error) {
		p := anbao.PrincipalFrom(ctx)
		if !p.System && c.OrgID != p.OrgID {
			return "", nil, anbao.Errorf(anbao.EFORBIDDEN, "case.submitter_only")
		}
		if c.Status != anbao.CaseDraft {
			return "", nil, anbao.Errorf(anbao.ECONFLICT, "case.not_draft", c.Status)
		}
		jur, err := t.caseJurisdiction(p, in.ProjectID)
		if err != nil {
			return "", nil, err
		}
		if _, err := t.ExecContext(ctx, `UPDATE pilot_cases SET kind = $1, title = $2, project_id = $3, jurisdiction = $4, industry = $5,
			background = $6, risk = $7, insurance_services = $8, incident_claim = $9, outcome = $10, lessons = $11 WHERE id = $12`,
			string(in.Kind), in.Title, in.ProjectID, jur, in.Industry, in.Background, in.Risk, in.InsuranceServices, in.IncidentClaim,
			in.Outcome, in.Lessons, id); err != nil {
			return "", nil, err
		}
		return "update", in, nil
	})
}

// SubmitCase submits a complete draft for review.
func (s *Store) SubmitCase(ctx context.Context, id int64, version int) (*anbao.PilotCase, error) {
	return s.stepCase(ctx, id, version, anbao.ActCaseSubmit, func(t *tx, c *anbao.PilotCase) (string, any, error) {
		p := anbao.PrincipalFrom(ctx)
		if !p.System && c.OrgID != p.OrgID {
			return "", nil, anbao.Errorf(anbao.EFORBIDDEN, "case.submitter_only")
		}
		if c.Status != anbao.CaseDraft {
			return "", nil, anbao.Errorf(anbao.ECONFLICT, "case.not_draft", c.Status)
		}
		in := CaseInput{Kind: c.Kind, Title: c.Title, Industry: c.Industry, Background: c.Background, Risk: c.Risk,
			InsuranceServices: c.InsuranceServices, IncidentClaim: c.IncidentClaim, Outcome: c.Outcome, Lessons: c.Lessons}
		if err := checkCaseInput(&in, true); err != nil {
			return "", nil, err
		}
		if _, err := t.ExecContext(ctx, "UPDATE pilot_cases SET status = $1, submitted_at = $2 WHERE id = $3",
			string(anbao.CaseSubmitted), s.now(), id); err != nil {
			return "", nil, err
		}
		return "submit", map[string]any{"status": anbao.CaseSubmitted}, nil
	})
}

// ReviewCase records a reviewer's comment or decision. National reviewers
// select, reject or return a submitted case (and may reconsider a selected or
// rejected one); a local regulator's admin only comments or recommends.
func (s *Store) ReviewCase(ctx context.Context, id int64, in CaseReviewInput) (*anbao.PilotCase, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActCaseReview); err != nil {
		return nil, err
	}
	switch in.Decision {
	case anbao.CaseDecisionComment, anbao.CaseDecisionRecommend, anbao.CaseDecisionSelect, anbao.CaseDecisionReject, anbao.CaseDecisionReturn:
	default:
		return nil, anbao.FieldError("decision", "case.decision_invalid", in.Decision)
	}
	needComment := in.Decision != anbao.CaseDecisionSelect && in.Decision != anbao.CaseDecisionRecommend
	if err := anbao.CheckPilotText("comment", in.Comment, needComment, anbao.MaxCommentChars); err != nil {
		return nil, err
	}
	national := isCaseReviewer(p)
	if !national && (in.Decision != anbao.CaseDecisionComment && in.Decision != anbao.CaseDecisionRecommend) {
		return nil, anbao.Errorf(anbao.EFORBIDDEN, "case.decision_national_only")
	}
	return s.stepCase(ctx, id, in.Version, anbao.ActCaseReview, func(t *tx, c *anbao.PilotCase) (string, any, error) {
		if !national && c.Jurisdiction != p.Jurisdiction {
			return "", nil, anbao.ErrNotFound("case")
		}
		next := c.Status
		switch in.Decision {
		case anbao.CaseDecisionComment, anbao.CaseDecisionRecommend:
			if c.Status != anbao.CaseSubmitted && c.Status != anbao.CaseSelected {
				return "", nil, anbao.Errorf(anbao.ECONFLICT, "case.not_under_review", c.Status)
			}
		case anbao.CaseDecisionSelect, anbao.CaseDecisionReject:
			if c.Status != anbao.CaseSubmitted && c.Status != anbao.CaseSelected && c.Status != anbao.CaseRejected {
				return "", nil, anbao.Errorf(anbao.ECONFLICT, "case.not_under_review", c.Status)
			}
			next = anbao.CaseSelected
			if in.Decision == anbao.CaseDecisionReject {
				next = anbao.CaseRejected
			}
			if next == c.Status {
				return "", nil, anbao.Errorf(anbao.ECONFLICT, "case.already_decided", c.Status)
			}
		case anbao.CaseDecisionReturn:
			if c.Status != anbao.CaseSubmitted {
				return "", nil, anbao.Errorf(anbao.ECONFLICT, "case.not_under_review", c.Status)
			}
			next = anbao.CaseDraft
		}
		now := s.now()
		if next != c.Status {
			if _, err := t.ExecContext(ctx, "UPDATE pilot_cases SET status = $1, decided_by = $2, decided_at = $3 WHERE id = $4",
				string(next), p.Username, now, id); err != nil {
				return "", nil, err
			}
		}
		if _, err := t.ExecContext(ctx, `INSERT INTO case_reviews (case_id, org_id, reviewer, decision, comment, at) VALUES ($1,$2,$3,$4,$5,$6)`,
			id, p.OrgID, p.Username, in.Decision, in.Comment, now); err != nil {
			return "", nil, err
		}
		return "review", map[string]any{"decision": in.Decision, "status": next, "comment": in.Comment}, nil
	})
}

// PublishCase publishes a selected case into the library: the operator's
// admin or a national regulator's admin.
func (s *Store) PublishCase(ctx context.Context, id int64, version int) (*anbao.PilotCase, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActCaseReview); err != nil {
		return nil, err
	}
	if !p.System && !(p.IsNational() && p.HasRole(anbao.RoleAdmin)) {
		return nil, anbao.Errorf(anbao.EFORBIDDEN, "case.publish_national_only")
	}
	return s.stepCase(ctx, id, version, anbao.ActCaseReview, func(t *tx, c *anbao.PilotCase) (string, any, error) {
		if c.Status != anbao.CaseSelected {
			if c.Status == anbao.CasePublished {
				return "", nil, anbao.Errorf(anbao.ECONFLICT, "case.already_published")
			}
			return "", nil, anbao.Errorf(anbao.ECONFLICT, "case.not_selected", c.Status)
		}
		now := s.now()
		if _, err := t.ExecContext(ctx, "UPDATE pilot_cases SET status = $1, published_by = $2, published_at = $3 WHERE id = $4",
			string(anbao.CasePublished), p.Username, now, id); err != nil {
			return "", nil, err
		}
		if _, err := t.ExecContext(ctx, `INSERT INTO case_reviews (case_id, org_id, reviewer, decision, comment, at) VALUES ($1,$2,$3,$4,'',$5)`,
			id, p.OrgID, p.Username, anbao.CaseDecisionPublish, now); err != nil {
			return "", nil, err
		}
		return "publish", map[string]any{"status": anbao.CasePublished}, nil
	})
}
