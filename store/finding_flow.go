package store

import (
	"context"
	"slices"
	"time"

	"github.com/anbao/anbao"
)

// Finding resolution and disputes (issue #4, item 5), after Coalition Control
// and SecurityScorecard (platforms.md §2.1, §2.9):
//
//   - the enterprise marks a finding fixed → fixed_pending_verification; its
//     provider verifies (→ fixed) or reopens (→ open);
//   - the enterprise waives a finding as accepted_risk, third_party or
//     false_positive with a reason; a critical finding cannot be waived by the
//     enterprise alone: the waiver waits (pending_status) for the provider's review;
//   - the enterprise disputes a finding → disputed; the provider upholds the
//     dispute (→ false_positive) or rejects it (→ open);
//   - reviews run on an SLA clock of ReviewWorkingDays working days (review_due_at).
//
// Every step writes a finding event and an audit entry in one transaction.

// ReviewWorkingDays is the provider's SLA for a dispute or a waiver review.
const ReviewWorkingDays = 5

// FindingEvent is one step of a finding's history.
type FindingEvent struct {
	ID         int64  `json:"id"`
	FindingID  int64  `json:"finding_id"`
	At         string `json:"at"`
	ActorName  string `json:"actor_name"`
	ActorOrgID int64  `json:"actor_org_id"`
	// Action: create, update, resolve, waiver_request, withdraw, dispute, review, verify.
	Action     string `json:"action"`
	FromStatus string `json:"from_status"`
	ToStatus   string `json:"to_status"`
	Reason     string `json:"reason,omitempty"`
	DueAt      string `json:"due_at,omitempty"`
	// Evidence ids attached to this step; filled by GetFinding.
	EvidenceIDs []int64 `json:"evidence_ids,omitempty"`
}

// FindingStep is the body of a resolution, dispute, review or verification.
type FindingStep struct {
	// Status, for a resolution: fixed, accepted_risk, third_party, false_positive, or open to withdraw a waiver.
	Status string `json:"status,omitempty"`
	// Decision, for a review: uphold (the enterprise is right) or reject; for a verification: fixed or reopen.
	Decision string `json:"decision,omitempty"`
	Reason   string `json:"reason"`
	// EvidenceIDs are files already uploaded to the finding, attached to this step.
	EvidenceIDs []int64 `json:"evidence_ids,omitempty"`
	// Files are new files attached to this step (the web form's uploads).
	Files []*EvidenceUpload `json:"-"`
}

// AddWorkingDays returns t plus n working days (Monday to Friday, Beijing
// time), at the same time of day. Public holidays are not known here.
func AddWorkingDays(t time.Time, n int) time.Time {
	d := t.In(anbao.Shanghai)
	for n > 0 {
		d = d.AddDate(0, 0, 1)
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n--
		}
	}
	return d.UTC()
}

func (t *tx) addEvent(findingID int64, action, from, to, reason, due string) (int64, error) {
	p := anbao.PrincipalFrom(t.ctx)
	var actorID, orgID int64
	name := "system"
	if p != nil {
		actorID, orgID, name = p.UserID, p.OrgID, p.Username
	}
	var id int64
	err := t.QueryRowContext(t.ctx, `INSERT INTO finding_events (finding_id, at, actor_id, actor_name, actor_org_id, action,
		from_status, to_status, reason, due_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) RETURNING id`,
		findingID, t.s.now(), actorID, name, orgID, action, from, to, reason, due).Scan(&id)
	return id, err
}

func (s *Store) listFindingEvents(ctx context.Context, findingID int64) ([]*FindingEvent, error) {
	out := []*FindingEvent{}
	byID := map[int64]*FindingEvent{}
	err := eachRow(ctx, s.read, `SELECT id, finding_id, at, actor_name, actor_org_id, action, from_status, to_status, reason, due_at
		FROM finding_events WHERE finding_id = $1 ORDER BY id`, []any{findingID}, func(sc scanner) error {
		e := &FindingEvent{}
		if err := sc.Scan(&e.ID, &e.FindingID, &e.At, &e.ActorName, &e.ActorOrgID, &e.Action, &e.FromStatus, &e.ToStatus,
			&e.Reason, &e.DueAt); err != nil {
			return err
		}
		out = append(out, e)
		byID[e.ID] = e
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = eachRow(ctx, s.read, `SELECT id, event_id FROM evidence_files WHERE finding_id = $1 AND event_id IS NOT NULL ORDER BY id`,
		[]any{findingID}, func(sc scanner) error {
			var id, ev int64
			if err := sc.Scan(&id, &ev); err != nil {
				return err
			}
			if e := byID[ev]; e != nil {
				e.EvidenceIDs = append(e.EvidenceIDs, id)
			}
			return nil
		})
	return out, err
}

// stepKind names the four steps.
type stepKind string

const (
	stepResolve stepKind = "resolve"
	stepDispute stepKind = "dispute"
	stepReview  stepKind = "review"
	stepVerify  stepKind = "verify"
)

// ResolveFinding applies the enterprise's resolution (see FindingStep.Status).
func (s *Store) ResolveFinding(ctx context.Context, id int64, st FindingStep) (*Finding, error) {
	return s.findingStep(ctx, id, stepResolve, st)
}

// DisputeFinding contests a finding; the provider reviews it within the SLA.
func (s *Store) DisputeFinding(ctx context.Context, id int64, st FindingStep) (*Finding, error) {
	return s.findingStep(ctx, id, stepDispute, st)
}

// ReviewFinding is the provider's decision on a dispute or a pending waiver.
func (s *Store) ReviewFinding(ctx context.Context, id int64, st FindingStep) (*Finding, error) {
	return s.findingStep(ctx, id, stepReview, st)
}

// VerifyFinding is the provider's re-verification of a fix.
func (s *Store) VerifyFinding(ctx context.Context, id int64, st FindingStep) (*Finding, error) {
	return s.findingStep(ctx, id, stepVerify, st)
}

var waivers = []string{StatusAcceptedRisk, StatusThirdParty, StatusFalsePositive}

func (s *Store) findingStep(ctx context.Context, id int64, kind stepKind, st FindingStep) (*Finding, error) {
	p := anbao.PrincipalFrom(ctx)
	enterpriseSide := kind == stepResolve || kind == stepDispute
	need := anbao.ActFindingWrite
	if enterpriseSide {
		need = anbao.ActFindingResolve
	}
	if err := anbao.Authorize(p, need); err != nil {
		return nil, err
	}
	reason, err := trimText("reason", st.Reason, 2, 2000)
	if err != nil {
		return nil, err
	}
	switch kind {
	case stepResolve:
		if st.Status != StatusFixed && st.Status != StatusOpen && !slices.Contains(waivers, st.Status) {
			return nil, anbao.FieldError("status", "finding.resolution_invalid", st.Status)
		}
	case stepReview:
		if st.Decision != "uphold" && st.Decision != "reject" {
			return nil, anbao.FieldError("decision", "finding.review_decision", st.Decision)
		}
	case stepVerify:
		if st.Decision != StatusFixed && st.Decision != "reopen" {
			return nil, anbao.FieldError("decision", "finding.verify_decision", st.Decision)
		}
	}
	var ups []*checkedUpload
	for _, f := range st.Files {
		u, err := checkUpload(f)
		if err != nil {
			return nil, err
		}
		ups = append(ups, u)
	}
	var out *Finding
	err = s.inTx(ctx, func(t *tx) error {
		f, err := s.getFinding(ctx, t, p, id, t.forUpdate())
		if err != nil {
			return err
		}
		if enterpriseSide {
			if !p.System && p.OrgID != f.EnterpriseID {
				return anbao.ErrNotFound("finding")
			}
		} else if _, err := s.providerEngagement(t, p, f.EngagementID, EngActive, EngCompleted); err != nil {
			return err
		}
		before := *f
		to, pending, due := f.Status, f.PendingStatus, f.ReviewDueAt
		action := string(kind)
		conflict := func() error {
			return anbao.Errorf(anbao.ECONFLICT, "finding.step_state", action, f.Status)
		}
		switch kind {
		case stepResolve:
			switch {
			case f.Status == StatusDisputed || f.Status == StatusFixed || f.Status == StatusFixedPending:
				return conflict()
			case st.Status == StatusOpen:
				// Withdraw a waiver (or a pending waiver request).
				if f.PendingStatus == "" && !slices.Contains(waivers, f.Status) {
					return conflict()
				}
				to, pending, due, action = StatusOpen, "", "", "withdraw"
			case f.PendingStatus != "":
				return anbao.Errorf(anbao.ECONFLICT, "finding.review_pending")
			case st.Status == f.Status:
				return conflict()
			case st.Status == StatusFixed:
				to = StatusFixedPending
			case f.Severity == "critical":
				// A critical finding is not waived by the enterprise alone.
				pending, due, action = st.Status, anbao.FormatTime(AddWorkingDays(s.Now(), ReviewWorkingDays)), "waiver_request"
			default:
				to = st.Status
			}
		case stepDispute:
			if f.Status != StatusOpen || f.PendingStatus != "" {
				return conflict()
			}
			to, due = StatusDisputed, anbao.FormatTime(AddWorkingDays(s.Now(), ReviewWorkingDays))
		case stepReview:
			switch {
			case f.Status == StatusDisputed && st.Decision == "uphold":
				to = StatusFalsePositive
			case f.Status == StatusDisputed:
				to = StatusOpen
			case f.PendingStatus != "" && st.Decision == "uphold":
				to = f.PendingStatus
			case f.PendingStatus != "":
			default:
				return anbao.Errorf(anbao.ECONFLICT, "finding.nothing_to_review")
			}
			pending, due = "", ""
		case stepVerify:
			if f.Status != StatusFixedPending {
				return conflict()
			}
			to = StatusOpen
			if st.Decision == StatusFixed {
				to = StatusFixed
			}
		}
		now := s.now()
		if _, err := t.ExecContext(ctx, `UPDATE findings SET status = $1, pending_status = $2, review_due_at = $3, updated_at = $4,
			version = version + 1 WHERE id = $5`, to, pending, due, now, f.ID); err != nil {
			return err
		}
		evID, err := t.addEvent(f.ID, action, f.Status, to, reason, due)
		if err != nil {
			return err
		}
		if err := t.attachEvidence(f, evID, st.EvidenceIDs); err != nil {
			return err
		}
		for _, u := range ups {
			fid := f.ID
			if _, err := t.insertEvidence(u, f.EnterpriseID, f.EngagementID, &fid, &evID); err != nil {
				return err
			}
		}
		g, err := s.getFinding(ctx, t, p, id, "")
		if err != nil {
			return err
		}
		out = g
		return t.audit(auditChange{"finding." + action, "finding", f.ID, f.EnterpriseID,
			map[string]any{"status": before.Status, "pending_status": before.PendingStatus},
			map[string]any{"status": to, "pending_status": pending, "review_due_at": due, "reason": reason, "decision": st.Decision,
				"evidence_ids": st.EvidenceIDs}})
	})
	if err != nil {
		return nil, err
	}
	return s.GetFinding(ctx, out.ID) // with its history and evidence
}
