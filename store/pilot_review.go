package store

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/anbao/anbao"
)

// The review of submitted plans:
//
//   - Local recommendation (ActPlanRecommend): an administrator of the local
//     regulator of the plan's jurisdiction recommends a plan or not, with a
//     rank unique within the jurisdiction and batch (1..n, n the number of
//     submitted plans of the jurisdiction in the batch) and a comment, while
//     the batch is open (once the plan is submitted) or in review. National
//     regulators have no jurisdiction and may not recommend
//     (pilot.jurisdiction_forbidden); a local regulator of another
//     jurisdiction does not see the plan (not found).
//   - Expert review: the operator's administrators (ActReviewAssign) keep
//     the experts' affiliations and assign experts to plans. An expert
//     affiliated with the lead or any partner is refused
//     (pilot.review_conflict); an expert who later declares such a tie
//     cannot submit a score; an expert may recuse. An expert (an operator
//     user with the reviewer role, ActPlanReview) scores every criterion of
//     the batch's rubric with an integer 0..max.
//   - Decision: the operator's administrators select or reject a plan with
//     a note while the batch is in review or published. Only a plan
//     recommended by its local regulator and with at least one submitted
//     review can be selected (pilot.select_requires).

// RecommendInput is a local regulator's recommendation. Version is 0 for
// the first recommendation of a plan, then the recommendation's version.
type RecommendInput struct {
	Recommended bool   `json:"recommended"`
	Rank        int    `json:"rank"`
	Comment     string `json:"comment"`
	Version     int    `json:"version"`
}

// AffiliationInput records an expert's tie to an organisation.
type AffiliationInput struct {
	UserID   int64  `json:"user_id"`
	OrgID    int64  `json:"org_id"`
	Relation string `json:"relation"`
	Note     string `json:"note"`
}

// AssignInput assigns an expert to a plan.
type AssignInput struct {
	ExpertID int64 `json:"expert_id"`
}

// ReviewInput is an expert's scores. Version is the assignment's.
type ReviewInput struct {
	Scores  map[string]int `json:"scores"`
	Comment string         `json:"comment"`
	Version int            `json:"version"`
}

// RecuseInput is an expert's recusal.
type RecuseInput struct {
	Reason  string `json:"reason"`
	Version int    `json:"version"`
}

// DecisionInput is the operator's decision on a plan. Version is the plan's.
type DecisionInput struct {
	Decision string `json:"decision"` // selected or rejected
	Note     string `json:"note"`
	Version  int    `json:"version"`
}

// Expert is an operator user with the reviewer role.
type Expert struct {
	ID          int64  `json:"id"`
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
}

func (s *Store) planRecommendation(ctx context.Context, db queryer, id int64) (*anbao.PlanRecommendation, error) {
	r := &anbao.PlanRecommendation{}
	err := db.QueryRowContext(ctx, `SELECT plan_id, jurisdiction, recommended, rank_no, comment, by_user, updated_at, version
		FROM plan_recommendations WHERE plan_id = $1`, id).Scan(&r.PlanID, &r.Jurisdiction, &r.Recommended, &r.Rank, &r.Comment,
		&r.ByUser, &r.UpdatedAt, &r.Version)
	if isNoRows(err) {
		return nil, nil
	}
	return r, err
}

// RecommendPlan records the local regulator's recommendation of a plan.
func (s *Store) RecommendPlan(ctx context.Context, id int64, in RecommendInput) (*anbao.PlanRecommendation, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActPlanRecommend); err != nil {
		return nil, err
	}
	if !p.System && (p.OrgKind != anbao.KindRegulator || p.Jurisdiction == "") {
		return nil, anbao.Errorf(anbao.EFORBIDDEN, "pilot.jurisdiction_forbidden")
	}
	var err error
	if in.Comment, err = trimText("comment", in.Comment, 0, 2000); err != nil {
		return nil, err
	}
	if !in.Recommended && in.Rank != 0 {
		return nil, anbao.FieldError("rank", "pilot.rank_unrecommended")
	}
	var out *anbao.PlanRecommendation
	err = s.inTx(ctx, func(t *tx) error {
		r, err := s.getPlan(ctx, t, p, id, t.forUpdate())
		if err != nil {
			return err
		}
		if !p.System && r.Jurisdiction != p.Jurisdiction {
			return anbao.Errorf(anbao.EFORBIDDEN, "pilot.jurisdiction_forbidden")
		}
		if r.Status != anbao.PlanSubmitted && r.Status != anbao.PlanReviewing ||
			r.batchStatus != anbao.BatchOpen && r.batchStatus != anbao.BatchReviewing {
			return anbao.Errorf(anbao.ECONFLICT, "pilot.recommend_closed")
		}
		if in.Recommended {
			var n int
			if err := t.QueryRowContext(ctx, `SELECT COUNT(*) FROM service_plans WHERE batch_id = $1 AND jurisdiction = $2
				AND status IN ('submitted', 'reviewing', 'selected', 'rejected')`, r.BatchID, r.Jurisdiction).Scan(&n); err != nil {
				return err
			}
			if in.Rank < 1 || in.Rank > n {
				return anbao.FieldError("rank", "pilot.rank_range", n)
			}
			var other int64
			err := t.QueryRowContext(ctx, `SELECT plan_id FROM plan_recommendations WHERE batch_id = $1 AND jurisdiction = $2
				AND rank_no = $3 AND plan_id <> $4`, r.BatchID, r.Jurisdiction, in.Rank, id).Scan(&other)
			if err == nil {
				return anbao.FieldError("rank", "pilot.rank_taken", in.Rank)
			} else if !isNoRows(err) {
				return err
			}
		}
		before, err := s.planRecommendation(ctx, t, id)
		if err != nil {
			return err
		}
		now := s.now()
		if before == nil {
			if in.Version != 0 {
				return anbao.Errorf(anbao.ECONFLICT, "error.version_conflict", 0)
			}
			_, err = t.ExecContext(ctx, `INSERT INTO plan_recommendations (plan_id, batch_id, jurisdiction, recommended, rank_no, comment,
				by_org, by_user, created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$9)`, id, r.BatchID, r.Jurisdiction,
				in.Recommended, in.Rank, in.Comment, p.OrgID, p.Username, now)
		} else {
			if in.Version != before.Version {
				return anbao.Errorf(anbao.ECONFLICT, "error.version_conflict", before.Version)
			}
			_, err = t.ExecContext(ctx, `UPDATE plan_recommendations SET recommended = $1, rank_no = $2, comment = $3, by_org = $4,
				by_user = $5, updated_at = $6, version = version + 1 WHERE plan_id = $7`, in.Recommended, in.Rank, in.Comment, p.OrgID,
				p.Username, now, id)
		}
		if isUniqueViolation(err) {
			return anbao.FieldError("rank", "pilot.rank_taken", in.Rank)
		}
		if err != nil {
			return err
		}
		kind := "not_recommended"
		if in.Recommended {
			kind = "recommended"
		}
		if err := t.planEvent(id, kind, "", false); err != nil {
			return err
		}
		if out, err = s.planRecommendation(ctx, t, id); err != nil {
			return err
		}
		// Filed under the regulator, not the lead: the applicants' audit log
		// must not show the recommendation before publication.
		return t.audit(auditChange{"plan.recommend", "service_plan", id, p.OrgID, before, out})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// mayAssignReviews checks ActReviewAssign (the operator's administrators).
func mayAssignReviews(p *anbao.Principal) error { return anbao.Authorize(p, anbao.ActReviewAssign) }

// isExpert checks that user id is an active operator user with the reviewer role.
func (s *Store) isExpert(ctx context.Context, db queryer, id int64) error {
	var roles, kind string
	var disabled bool
	err := db.QueryRowContext(ctx, `SELECT u.roles, o.kind, u.disabled FROM users u JOIN organisations o ON o.id = u.org_id WHERE u.id = $1`,
		id).Scan(&roles, &kind, &disabled)
	if isNoRows(err) || (err == nil && (kind != string(anbao.KindOperator) || disabled ||
		!strings.Contains(","+roles+",", ","+string(anbao.RoleReviewer)+","))) {
		return anbao.FieldError("expert_id", "pilot.expert_unknown", id)
	}
	return err
}

// ListExperts lists the operator's experts (ActReviewAssign).
func (s *Store) ListExperts(ctx context.Context) ([]Expert, error) {
	if err := mayAssignReviews(anbao.PrincipalFrom(ctx)); err != nil {
		return nil, err
	}
	out := []Expert{}
	err := eachRow(ctx, s.read, `SELECT u.id, u.username, u.display_name, u.roles FROM users u JOIN organisations o ON o.id = u.org_id
		WHERE o.kind = 'operator' AND u.disabled = FALSE ORDER BY u.username`, nil, func(sc scanner) error {
		var e Expert
		var roles string
		if err := sc.Scan(&e.ID, &e.Username, &e.DisplayName, &roles); err != nil {
			return err
		}
		if strings.Contains(","+roles+",", ","+string(anbao.RoleReviewer)+",") {
			out = append(out, e)
		}
		return nil
	})
	return out, err
}

// AddAffiliation records an expert's tie to an organisation: the operator's
// administrators for any expert, an expert for themself (a declaration).
func (s *Store) AddAffiliation(ctx context.Context, in AffiliationInput) (*anbao.ExpertAffiliation, error) {
	p := anbao.PrincipalFrom(ctx)
	source := "operator"
	if mayAssignReviews(p) != nil {
		if err := anbao.Authorize(p, anbao.ActPlanReview); err != nil {
			return nil, err
		}
		if in.UserID != p.UserID {
			return nil, anbao.Errorf(anbao.EFORBIDDEN, "error.forbidden")
		}
		source = "self"
	}
	var err error
	if in.Relation == "" {
		in.Relation = "employment"
	}
	if !pilotContains(anbao.AffiliationRelations, in.Relation) {
		return nil, anbao.FieldError("relation", "pilot.relation_unknown", in.Relation)
	}
	if in.Note, err = trimText("note", in.Note, 0, 500); err != nil {
		return nil, err
	}
	var out *anbao.ExpertAffiliation
	err = s.inTx(ctx, func(t *tx) error {
		if err := s.isExpert(ctx, t, in.UserID); err != nil {
			return anbao.FieldError("user_id", "pilot.expert_unknown", in.UserID)
		}
		var kind string
		if err := t.QueryRowContext(ctx, "SELECT kind FROM organisations WHERE id = $1", in.OrgID).Scan(&kind); err != nil {
			if isNoRows(err) {
				return anbao.FieldError("org_id", "pilot.partner_unknown", in.OrgID)
			}
			return err
		}
		var id int64
		err := t.QueryRowContext(ctx, `INSERT INTO expert_affiliations (user_id, org_id, relation, note, source, created_by, created_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7) RETURNING id`, in.UserID, in.OrgID, in.Relation, in.Note, source, p.Username, s.now()).Scan(&id)
		if isUniqueViolation(err) {
			return anbao.FieldError("org_id", "pilot.affiliation_exists")
		}
		if err != nil {
			return err
		}
		list, err := s.affiliations(ctx, t, "a.id = $1", id)
		if err != nil {
			return err
		}
		out = list[0]
		return t.audit(auditChange{"expert.affiliation", "expert_affiliation", id, p.OrgID, nil, out})
	})
	return out, err
}

func pilotContains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func (s *Store) affiliations(ctx context.Context, db querier, cond string, args ...any) ([]*anbao.ExpertAffiliation, error) {
	out := []*anbao.ExpertAffiliation{}
	err := eachRow(ctx, db, `SELECT a.id, a.user_id, u.username, a.org_id, o.name_zh, a.relation, a.note, a.source, a.created_at
		FROM expert_affiliations a JOIN users u ON u.id = a.user_id JOIN organisations o ON o.id = a.org_id WHERE `+cond+
		` ORDER BY u.username, o.name_zh`, args, func(sc scanner) error {
		a := &anbao.ExpertAffiliation{}
		if err := sc.Scan(&a.ID, &a.UserID, &a.Username, &a.OrgID, &a.OrgName, &a.Relation, &a.Note, &a.Source, &a.CreatedAt); err != nil {
			return err
		}
		out = append(out, a)
		return nil
	})
	return out, err
}

// ListAffiliations lists affiliations: the operator's administrators all
// (or one expert's with userID), an expert their own.
func (s *Store) ListAffiliations(ctx context.Context, userID int64) ([]*anbao.ExpertAffiliation, error) {
	p := anbao.PrincipalFrom(ctx)
	if mayAssignReviews(p) == nil {
		if userID == 0 {
			return s.affiliations(ctx, s.read, "1 = 1")
		}
		return s.affiliations(ctx, s.read, "a.user_id = $1", userID)
	}
	if err := anbao.Authorize(p, anbao.ActPlanReview); err != nil {
		return nil, err
	}
	return s.affiliations(ctx, s.read, "a.user_id = $1", p.UserID)
}

// RemoveAffiliation deletes an affiliation (the operator's administrators).
func (s *Store) RemoveAffiliation(ctx context.Context, id int64) error {
	p := anbao.PrincipalFrom(ctx)
	if err := mayAssignReviews(p); err != nil {
		return err
	}
	return s.inTx(ctx, func(t *tx) error {
		list, err := s.affiliations(ctx, t, "a.id = $1", id)
		if err != nil {
			return err
		}
		if len(list) == 0 {
			return anbao.ErrNotFound("affiliation")
		}
		if _, err := t.ExecContext(ctx, "DELETE FROM expert_affiliations WHERE id = $1", id); err != nil {
			return err
		}
		return t.audit(auditChange{"expert.affiliation_remove", "expert_affiliation", id, p.OrgID, list[0], nil})
	})
}

// conflictOf returns the name of a consortium member of plan id the expert
// is affiliated with, or "".
func (s *Store) conflictOf(ctx context.Context, db queryer, planID, expert int64) (string, error) {
	var name string
	err := db.QueryRowContext(ctx, `SELECT o.name_zh FROM expert_affiliations a JOIN plan_partners pp ON pp.org_id = a.org_id
		JOIN organisations o ON o.id = a.org_id WHERE a.user_id = $1 AND pp.plan_id = $2 ORDER BY o.id LIMIT 1`, expert, planID).Scan(&name)
	if isNoRows(err) {
		return "", nil
	}
	return name, err
}

func reviewConflict(name string) error {
	return &anbao.Error{Code: anbao.ECONFLICT, Key: "pilot.review_conflict", Args: []any{name}, Field: "expert_id"}
}

const assignmentColumns = `ra.id, ra.plan_id, pl.title, ra.batch_id, ra.expert_id, u.username, ra.status, ra.scores, ra.total, ra.comment,
	ra.recusal_reason, ra.assigned_at, ra.submitted_at, ra.recused_at, ra.version`

const assignmentFrom = ` FROM review_assignments ra JOIN service_plans pl ON pl.id = ra.plan_id JOIN users u ON u.id = ra.expert_id`

func scanAssignment(sc scanner) (*anbao.ReviewAssignment, error) {
	a := &anbao.ReviewAssignment{}
	var scores string
	if err := sc.Scan(&a.ID, &a.PlanID, &a.PlanTitle, &a.BatchID, &a.ExpertID, &a.ExpertName, &a.Status, &scores, &a.Total, &a.Comment,
		&a.RecusalReason, &a.AssignedAt, &a.SubmittedAt, &a.RecusedAt, &a.Version); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(scores), &a.Scores); err != nil {
		return nil, err
	}
	return a, nil
}

func (s *Store) listAssignments(ctx context.Context, cond string, args ...any) ([]*anbao.ReviewAssignment, error) {
	out := []*anbao.ReviewAssignment{}
	err := eachRow(ctx, s.read, "SELECT "+assignmentColumns+assignmentFrom+" WHERE "+cond+" ORDER BY ra.id", args, func(sc scanner) error {
		a, err := scanAssignment(sc)
		if err != nil {
			return err
		}
		out = append(out, a)
		return nil
	})
	return out, err
}

// MyAssignments lists the caller's review assignments (an expert).
func (s *Store) MyAssignments(ctx context.Context) ([]*anbao.ReviewAssignment, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActPlanReview); err != nil {
		return nil, err
	}
	return s.listAssignments(ctx, "ra.expert_id = $1", p.UserID)
}

// PlanAssignments lists a plan's assignments (the operator's administrators).
func (s *Store) PlanAssignments(ctx context.Context, planID int64) ([]*anbao.ReviewAssignment, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := mayAssignReviews(p); err != nil {
		return nil, err
	}
	if _, err := s.getPlan(ctx, s.read, p, planID, ""); err != nil {
		return nil, err
	}
	return s.listAssignments(ctx, "ra.plan_id = $1", planID)
}

// AssignReviewer assigns an expert to a submitted plan while the batch is
// open or in review; an expert affiliated with a consortium member is
// refused. The plan goes to review (it can no longer be withdrawn).
func (s *Store) AssignReviewer(ctx context.Context, planID int64, in AssignInput) (*anbao.ReviewAssignment, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := mayAssignReviews(p); err != nil {
		return nil, err
	}
	var id int64
	err := s.inTx(ctx, func(t *tx) error {
		r, err := s.getPlan(ctx, t, p, planID, t.forUpdate())
		if err != nil {
			return err
		}
		if r.Status != anbao.PlanSubmitted && r.Status != anbao.PlanReviewing ||
			r.batchStatus != anbao.BatchOpen && r.batchStatus != anbao.BatchReviewing {
			return anbao.Errorf(anbao.ECONFLICT, "pilot.review_closed")
		}
		if err := s.isExpert(ctx, t, in.ExpertID); err != nil {
			return err
		}
		if name, err := s.conflictOf(ctx, t, planID, in.ExpertID); err != nil {
			return err
		} else if name != "" {
			return reviewConflict(name)
		}
		now := s.now()
		err = t.QueryRowContext(ctx, `INSERT INTO review_assignments (plan_id, batch_id, expert_id, status, assigned_by, assigned_at)
			VALUES ($1,$2,$3,$4,$5,$6) RETURNING id`, planID, r.BatchID, in.ExpertID, anbao.ReviewAssigned, p.Username, now).Scan(&id)
		if isUniqueViolation(err) {
			return anbao.FieldError("expert_id", "pilot.already_assigned")
		}
		if err != nil {
			return err
		}
		if r.Status == anbao.PlanSubmitted {
			if _, err := t.ExecContext(ctx, `UPDATE service_plans SET status = $1, updated_at = $2, version = version + 1 WHERE id = $3`,
				string(anbao.PlanReviewing), now, planID); err != nil {
				return err
			}
			if err := t.planEvent(planID, "review_started", "", true); err != nil {
				return err
			}
		}
		if err := t.planEvent(planID, "assigned", "", false); err != nil {
			return err
		}
		// Filed under the operator: applicants never learn who reviews them.
		return t.audit(auditChange{"review.assign", "review_assignment", id, p.OrgID, nil,
			map[string]any{"plan_id": planID, "expert_id": in.ExpertID}})
	})
	if err != nil {
		return nil, err
	}
	if skipReadBack(ctx) {
		return &anbao.ReviewAssignment{ID: id}, nil
	}
	list, err := s.listAssignments(ctx, "ra.id = $1", id)
	if err != nil {
		return nil, err
	}
	return list[0], nil
}

// expertAssignment reads the caller's assignment id, locked.
func (s *Store) expertAssignment(ctx context.Context, t *tx, p *anbao.Principal, id int64) (*anbao.ReviewAssignment, error) {
	a, err := scanAssignment(t.QueryRowContext(ctx, "SELECT "+assignmentColumns+assignmentFrom+" WHERE ra.id = $1"+t.forUpdate(), id))
	if isNoRows(err) || (err == nil && !p.System && a.ExpertID != p.UserID) {
		return nil, anbao.ErrNotFound("assignment")
	}
	return a, err
}

// SubmitReview records an expert's scores on an assignment: every rubric
// criterion an integer 0..max, nothing else. An expert who declared a tie
// to a consortium member cannot submit. Scores may be revised until the
// operator decides.
func (s *Store) SubmitReview(ctx context.Context, id int64, in ReviewInput) (*anbao.ReviewAssignment, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActPlanReview); err != nil {
		return nil, err
	}
	var err error
	if in.Comment, err = trimText("comment", in.Comment, 0, 4000); err != nil {
		return nil, err
	}
	err = s.inTx(ctx, func(t *tx) error {
		a, err := s.expertAssignment(ctx, t, p, id)
		if err != nil {
			return err
		}
		if a.Version != in.Version {
			return anbao.Errorf(anbao.ECONFLICT, "error.version_conflict", a.Version)
		}
		r, err := s.getPlan(ctx, t, nil, a.PlanID, "")
		if err != nil {
			return err
		}
		if a.Status == anbao.ReviewRecused || r.decision != "" ||
			r.batchStatus != anbao.BatchOpen && r.batchStatus != anbao.BatchReviewing {
			return anbao.Errorf(anbao.ECONFLICT, "pilot.review_closed")
		}
		b, err := s.getBatch(ctx, t, a.BatchID, "")
		if err != nil {
			return err
		}
		total, err := anbao.ScoreRubric(b.Rubric, in.Scores)
		if err != nil {
			return err
		}
		if name, err := s.conflictOf(ctx, t, a.PlanID, a.ExpertID); err != nil {
			return err
		} else if name != "" {
			return reviewConflict(name)
		}
		if _, err := t.ExecContext(ctx, `UPDATE review_assignments SET status = $1, scores = $2, total = $3, comment = $4,
			submitted_at = $5, version = version + 1 WHERE id = $6`, anbao.ReviewSubmitted, pilotJSON(in.Scores), total, in.Comment,
			s.now(), id); err != nil {
			return err
		}
		if err := t.planEvent(a.PlanID, "reviewed", "", false); err != nil {
			return err
		}
		// Filed under the operator: applicants never read an expert's name or scores.
		return t.audit(auditChange{"review.submit", "review_assignment", id, p.OrgID,
			map[string]any{"status": a.Status, "scores": a.Scores, "total": a.Total},
			map[string]any{"status": anbao.ReviewSubmitted, "scores": in.Scores, "total": total}})
	})
	if err != nil {
		return nil, err
	}
	if skipReadBack(ctx) {
		return &anbao.ReviewAssignment{ID: id}, nil
	}
	list, err := s.listAssignments(ctx, "ra.id = $1", id)
	if err != nil {
		return nil, err
	}
	return list[0], nil
}

// RecuseReview withdraws the caller from an assignment not yet submitted.
func (s *Store) RecuseReview(ctx context.Context, id int64, in RecuseInput) (*anbao.ReviewAssignment, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActPlanReview); err != nil {
		return nil, err
	}
	var err error
	if in.Reason, err = trimText("reason", in.Reason, 2, 1000); err != nil {
		return nil, err
	}
	err = s.inTx(ctx, func(t *tx) error {
		a, err := s.expertAssignment(ctx, t, p, id)
		if err != nil {
			return err
		}
		if a.Version != in.Version {
			return anbao.Errorf(anbao.ECONFLICT, "error.version_conflict", a.Version)
		}
		if a.Status != anbao.ReviewAssigned {
			return anbao.Errorf(anbao.ECONFLICT, "pilot.review_closed")
		}
		if _, err := t.ExecContext(ctx, `UPDATE review_assignments SET status = $1, recusal_reason = $2, recused_at = $3,
			version = version + 1 WHERE id = $4`, anbao.ReviewRecused, in.Reason, s.now(), id); err != nil {
			return err
		}
		if err := t.planEvent(a.PlanID, "recused", "", false); err != nil {
			return err
		}
		return t.audit(auditChange{"review.recuse", "review_assignment", id, 0, map[string]any{"status": a.Status},
			map[string]any{"status": anbao.ReviewRecused, "reason": in.Reason}})
	})
	if err != nil {
		return nil, err
	}
	list, err := s.listAssignments(ctx, "ra.id = $1", id)
	if err != nil {
		return nil, err
	}
	return list[0], nil
}

// DecidePlan records the operator's decision on a plan (see the rule above).
func (s *Store) DecidePlan(ctx context.Context, id int64, in DecisionInput) (*anbao.ServicePlan, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := mayAssignReviews(p); err != nil {
		return nil, err
	}
	var err error
	if in.Decision != string(anbao.PlanSelected) && in.Decision != string(anbao.PlanRejected) {
		return nil, anbao.FieldError("decision", "pilot.decision_unknown", in.Decision)
	}
	if in.Note, err = trimText("note", in.Note, 0, 2000); err != nil {
		return nil, err
	}
	err = s.inTx(ctx, func(t *tx) error {
		r, err := s.getPlan(ctx, t, p, id, t.forUpdate())
		if err != nil {
			return err
		}
		if r.Version != in.Version {
			return anbao.Errorf(anbao.ECONFLICT, "error.version_conflict", r.Version)
		}
		if !r.Status.Submitted() || r.batchStatus != anbao.BatchReviewing && r.batchStatus != anbao.BatchPublished {
			return anbao.Errorf(anbao.ECONFLICT, "pilot.decision_closed")
		}
		if in.Decision == string(anbao.PlanSelected) {
			rec, err := s.planRecommendation(ctx, t, id)
			if err != nil {
				return err
			}
			_, n, err := s.planScore(ctx, t, id)
			if err != nil {
				return err
			}
			if rec == nil || !rec.Recommended || n == 0 {
				return anbao.FieldError("decision", "pilot.select_requires")
			}
		}
		now := s.now()
		if _, err := t.ExecContext(ctx, `UPDATE service_plans SET status = $1, decision = $1, decision_note = $2, decided_at = $3,
			decided_by = $4, updated_at = $3, version = version + 1 WHERE id = $5`, in.Decision, in.Note, now, p.Username, id); err != nil {
			return err
		}
		if err := t.planEvent(id, "decided_"+in.Decision, "", false); err != nil {
			return err
		}
		// Filed under the operator: the decision reaches the applicants with the catalogue.
		return t.audit(auditChange{"plan.decide", "service_plan", id, p.OrgID,
			map[string]any{"status": r.Status, "decision": r.decision}, map[string]any{"status": in.Decision, "decision": in.Decision,
				"note": in.Note}})
	})
	if err != nil {
		return nil, err
	}
	if skipReadBack(ctx) {
		return &anbao.ServicePlan{ID: id}, nil
	}
	return s.GetPlan(ctx, id)
}
