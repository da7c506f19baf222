package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/anbao/anbao"
)

// Periodic reports of pilot projects (issue #7 item 5). The schedule is laid
// out at registration (see ReportSchedule). A member organisation's user
// with the right to report fills a report: the platform's figures for the
// period and the project's scope are computed live (see projectKPIs: the
// accepted member enterprises' records shared with member institutions), the
// reporter may correct each figure (both are kept), writes the narrative and
// submits once the period has ended. The regulator of the project's
// jurisdiction (or a national one) acknowledges it or returns it for
// correction, never one its own organisation submitted. Overdue reports get one reminder to the members and, after
// anbao.EscalateAfterDays more days, one escalation to the regulator.

// ReportInput saves or submits a report.
type ReportInput struct {
	// Reported holds the reporter's figures; nil takes the platform's.
	Reported  *anbao.ProjectKPIs `json:"reported,omitempty"`
	Progress  string             `json:"progress"`
	Issues    string             `json:"issues,omitempty"`
	NextSteps string             `json:"next_steps,omitempty"`
	Version   int                `json:"version,omitempty"`
}

// ReportReviewInput acknowledges or returns a report.
type ReportReviewInput struct {
	Comment string `json:"comment,omitempty"`
	Version int    `json:"version,omitempty"`
}

// ReportFilter selects reports in a list.
type ReportFilter struct {
	ProjectID    int64
	Status       anbao.ReportStatus
	Kind         anbao.ReportKind
	Jurisdiction string
	Overdue      bool // only reports past their due date and not submitted
	Mine         bool // only reports of projects the caller's organisation takes part in
	anbao.Page
}

const reportColumns = `pr.id, pr.project_id, pp.title, pp.jurisdiction, pr.kind, pr.period, pr.period_start, pr.period_end, pr.due_date,
	pr.status, pr.platform_kpis, pr.reported_kpis, pr.progress, pr.issues, pr.next_steps, pr.reporter_org_id, pr.saved_by, pr.saved_at,
	pr.submitted_by, pr.submitted_at, pr.reviewed_by, pr.reviewed_at, pr.review_comment, pr.version`

const reportFrom = ` FROM project_reports pr JOIN pilot_projects pp ON pp.id = pr.project_id`

func scanReport(sc scanner, today string) (*anbao.PeriodicReport, error) {
	var r anbao.PeriodicReport
	var platform, reported string
	if err := sc.Scan(&r.ID, &r.ProjectID, &r.ProjectTitle, &r.Jurisdiction, &r.Kind, &r.Period, &r.PeriodStart, &r.PeriodEnd, &r.DueDate,
		&r.Status, &platform, &reported, &r.Progress, &r.Issues, &r.NextSteps, &r.ReporterOrgID, &r.SavedBy, &r.SavedAt,
		&r.SubmittedBy, &r.SubmittedAt, &r.ReviewedBy, &r.ReviewedAt, &r.ReviewComment, &r.Version); err != nil {
		return nil, err
	}
	for _, x := range []struct {
		s   string
		dst **anbao.ProjectKPIs
	}{{platform, &r.Platform}, {reported, &r.Reported}} {
		if x.s != "" {
			*x.dst = &anbao.ProjectKPIs{}
			if err := json.Unmarshal([]byte(x.s), *x.dst); err != nil {
				return nil, err
			}
		}
	}
	if r.Status.Open() && r.DueDate < today {
		r.Overdue = true
		r.DaysOverdue = daysBetween(r.DueDate, today)
	}
	return &r, nil
}

// daysBetween counts the days from date a to date b (both YYYY-MM-DD).
func daysBetween(a, b string) int {
	ta, err1 := time.Parse(time.DateOnly, a)
	tb, err2 := time.Parse(time.DateOnly, b)
	if err1 != nil || err2 != nil {
		return 0
	}
	return int(tb.Sub(ta).Hours() / 24)
}

func (s *Store) listReports(ctx context.Context, p *anbao.Principal, f ReportFilter, order string) (*ItemList[*anbao.PeriodicReport], error) {
	f.Page = f.Page.Normalize()
	var w where
	reportScope(p, &w)
	if f.ProjectID != 0 {
		w.add("pr.project_id = ?", f.ProjectID)
	}
	if f.Status != "" {
		if !f.Status.Valid() {
			return nil, anbao.FieldError("status", "report.status_invalid", f.Status)
		}
		w.add("pr.status = ?", f.Status)
	}
	switch f.Kind {
	case "":
	case anbao.ReportMonthly, anbao.ReportQuarterly, anbao.ReportFinal:
		w.add("pr.kind = ?", f.Kind)
	default:
		return nil, anbao.FieldError("kind", "report.kind_invalid", f.Kind)
	}
	if f.Jurisdiction != "" {
		w.add("pp.jurisdiction = ?", f.Jurisdiction)
	}
	today := s.today()
	if f.Overdue {
		w.add(overdueCond, today)
	}
	if f.Mine && !p.System {
		w.add("EXISTS (SELECT 1 FROM project_members pm3 WHERE pm3.project_id = pp.id AND pm3.org_id = ? AND pm3.status = 'accepted')", p.OrgID)
	}
	list := &ItemList[*anbao.PeriodicReport]{Items: []*anbao.PeriodicReport{}}
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*)"+reportFrom+w.String(), w.args...).Scan(&list.Total); err != nil {
		return nil, err
	}
	q := "SELECT " + reportColumns + reportFrom + w.String() + " ORDER BY " + order + " LIMIT " + w.next(f.Limit) + " OFFSET " + w.next(f.Offset)
	err := eachRow(ctx, s.read, q, w.args, func(sc scanner) error {
		r, err := scanReport(sc, today)
		if err == nil {
			list.Items = append(list.Items, r)
		}
		return err
	})
	return list, err
}

// ListProjectReports lists the reports of the projects the caller may read; by
// due date, oldest first (the overdue ones lead).
func (s *Store) ListProjectReports(ctx context.Context, f ReportFilter) (*ItemList[*anbao.PeriodicReport], error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActPilotRead); err != nil {
		return nil, err
	}
	return s.listReports(ctx, p, f, "pr.due_date, pr.id")
}

func (s *Store) getProjectReport(ctx context.Context, db queryer, p *anbao.Principal, id int64, lock string) (*anbao.PeriodicReport, error) {
	var w where
	w.add("pr.id = ?", id)
	reportScope(p, &w)
	if lock != "" {
		lock = " FOR UPDATE OF pr"
	}
	r, err := scanReport(db.QueryRowContext(ctx, "SELECT "+reportColumns+reportFrom+w.String()+lock, w.args...), s.today())
	if isNoRows(err) {
		return nil, anbao.ErrNotFound("report")
	}
	return r, err
}

// GetProjectReport returns a report; while it is open, with the platform's figures
// computed now for its period and its project's scope.
func (s *Store) GetProjectReport(ctx context.Context, id int64) (*anbao.PeriodicReport, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActPilotRead); err != nil {
		return nil, err
	}
	r, err := s.getProjectReport(ctx, s.read, p, id, "")
	if err != nil {
		return nil, err
	}
	if r.Status.Open() {
		if r.Platform, err = s.projectKPIs(ctx, s.read, r.ProjectID, r.PeriodStart, r.PeriodEnd); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// ProjectKPIs computes the platform's figures of project id for the dates
// [start, end], within the caller's scope of the project.
func (s *Store) ProjectKPIs(ctx context.Context, id int64, start, end string) (*anbao.ProjectKPIs, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActPilotRead); err != nil {
		return nil, err
	}
	var w where
	w.add("pp.id = ?", id)
	reportScope(p, &w)
	var n int
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM pilot_projects pp"+w.String(), w.args...).Scan(&n); err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, anbao.ErrNotFound("project")
	}
	if _, err := anbao.ParsePilotDate("start", start); err != nil {
		return nil, err
	}
	if _, err := anbao.ParsePilotDate("end", end); err != nil {
		return nil, err
	}
	return s.projectKPIs(ctx, s.read, id, start, end)
}

// dayStart is the UTC instant at which a Beijing calendar date begins.
func dayStart(date string) string {
	t, err := time.ParseInLocation(time.DateOnly, date, anbao.Shanghai)
	if err != nil {
		return date
	}
	return anbao.FormatTime(t)
}

// projectKPIs computes the figures of project id's scope for [start, end]:
// only the records of the ACCEPTED member enterprises that they share with
// the project's member institutions. Policies, premium and sum insured are
// the policy terms (new business and renewals) starting in the period with a
// member insurer, never-in-force terms (cancelled flat) left out; subsidies,
// in-kind services, dispatches, incidents and claims are those under
// policies with a member insurer; assessments and engagements those with a
// member provider. Claims paid are net of the recoveries recorded in the
// period; claims declined are the distinct claims still declined whose last
// decline falls in the period.
func (s *Store) projectKPIs(ctx context.Context, db queryer, id int64, start, end string) (*anbao.ProjectKPIs, error) {
	k := &anbao.ProjectKPIs{}
	endT, err := time.Parse(time.DateOnly, end)
	if err != nil {
		return nil, err
	}
	lo, hi := dayStart(start), dayStart(endT.AddDate(0, 0, 1).Format(time.DateOnly))
	ents := "(SELECT org_id FROM project_members WHERE project_id = $1 AND role = 'enterprise' AND status = 'accepted')"
	ins := "(SELECT org_id FROM project_members WHERE project_id = $1 AND role = 'insurer' AND status = 'accepted')"
	provs := "(SELECT org_id FROM project_members WHERE project_id = $1 AND role = 'provider' AND status = 'accepted')"
	shared := func(alias string) string {
		return alias + ".enterprise_id IN " + ents + " AND " + alias + ".insurer_id IN " + ins
	}
	terms := ` FROM policy_terms pt JOIN policies pol ON pol.id = pt.policy_id WHERE ` + shared("pol") + `
		AND pt.start_date >= $2 AND pt.start_date <= $3 AND NOT (pt.cancelled_date <> '' AND pt.cancelled_date <= pt.start_date)`
	// One statement, one round trip: $2 and $3 are the dates, $4 and $5 the instants.
	q := `SELECT
		(SELECT COUNT(*)` + terms + `),
		(SELECT COALESCE(SUM(pt.written_premium), 0)` + terms + `),
		(SELECT COALESCE(SUM(pt.sum_insured), 0)` + terms + `),
		(SELECT COUNT(*) FROM policy_subsidies ps JOIN policies pol ON pol.id = ps.policy_id
			WHERE ` + shared("pol") + ` AND ps.created_at >= $4 AND ps.created_at < $5),
		(SELECT COALESCE(SUM(ps.amount), 0) FROM policy_subsidies ps JOIN policies pol ON pol.id = ps.policy_id
			WHERE ` + shared("pol") + ` AND ps.created_at >= $4 AND ps.created_at < $5),
		(SELECT COUNT(*) FROM reports r WHERE r.enterprise_id IN ` + ents + ` AND r.provider_id IN ` + provs + ` AND r.signed_at >= $4 AND r.signed_at < $5),
		(SELECT COUNT(*) FROM engagements e WHERE e.enterprise_id IN ` + ents + ` AND e.provider_id IN ` + provs + ` AND e.created_at >= $4 AND e.created_at < $5),
		(SELECT COUNT(*) FROM dispatches d JOIN policies pol ON pol.id = d.policy_id WHERE ` + shared("pol") + `
			AND d.requested_at >= $4 AND d.requested_at < $5),
		(SELECT COUNT(*) FROM entitlement_usage eu JOIN policies pol ON pol.id = eu.policy_id
			WHERE ` + shared("pol") + ` AND eu.recorded_at >= $4 AND eu.recorded_at < $5),
		(SELECT COALESCE(SUM(eu.value_fen), 0) FROM entitlement_usage eu JOIN policies pol ON pol.id = eu.policy_id
			WHERE ` + shared("pol") + ` AND eu.recorded_at >= $4 AND eu.recorded_at < $5),
		(SELECT COUNT(*) FROM incidents i JOIN policies pol ON pol.id = i.policy_id WHERE ` + shared("pol") + `
			AND i.discovered_at >= $4 AND i.discovered_at < $5),
		(SELECT COUNT(*) FROM claims c WHERE ` + shared("c") + ` AND c.created_at >= $4 AND c.created_at < $5),
		(SELECT COALESCE(SUM(cp.amount), 0) FROM claim_payments cp JOIN claims c ON c.id = cp.claim_id WHERE ` + shared("c") + `
			AND cp.paid_at >= $4 AND cp.paid_at < $5)
		- (SELECT COALESCE(SUM(cr.amount), 0) FROM claim_recoveries cr JOIN claims c ON c.id = cr.claim_id WHERE ` + shared("c") + `
			AND cr.recorded_at >= $4 AND cr.recorded_at < $5),
		(SELECT COUNT(*) FROM claims c WHERE ` + shared("c") + ` AND c.status = 'declined'
			AND (SELECT MAX(ce.at) FROM claim_events ce WHERE ce.claim_id = c.id AND ce.kind = 'declined') >= $4
			AND (SELECT MAX(ce.at) FROM claim_events ce WHERE ce.claim_id = c.id AND ce.kind = 'declined') < $5)`
	if err := db.QueryRowContext(ctx, q, id, start, end, lo, hi).Scan(&k.Policies, &k.Premium, &k.SumInsured, &k.Subsidies, &k.SubsidyAmount,
		&k.Assessments, &k.Engagements, &k.Dispatches, &k.InKindServices, &k.InKindValue, &k.Incidents, &k.ClaimsOpened, &k.ClaimsPaid,
		&k.ClaimsDeclined); err != nil {
		return nil, err
	}
	return k, nil
}

func checkReportInput(in *ReportInput, submit bool) error {
	if in.Reported != nil {
		if err := in.Reported.Validate("reported."); err != nil {
			return err
		}
	}
	if err := anbao.CheckPilotText("progress", in.Progress, submit, anbao.MaxNarrativeChars); err != nil {
		return err
	}
	if err := anbao.CheckPilotText("issues", in.Issues, false, anbao.MaxNarrativeChars); err != nil {
		return err
	}
	return anbao.CheckPilotText("next_steps", in.NextSteps, false, anbao.MaxNarrativeChars)
}

// stepReport runs fn on report id locked in a transaction after the
// checks common to every step (fn checks the version after its own access
// checks); fn returns the audit action and details.
func (s *Store) stepReport(ctx context.Context, id int64, action anbao.Action, fn func(t *tx, r *anbao.PeriodicReport, pr *anbao.PilotProject) (string, any, error)) (*anbao.PeriodicReport, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, action); err != nil {
		return nil, err
	}
	err := s.inTx(ctx, func(t *tx) error {
		r, err := s.getProjectReport(ctx, t, p, id, t.forUpdate())
		if err != nil {
			return err
		}
		pr, err := s.getProject(ctx, t, p, r.ProjectID, "")
		if err != nil {
			return err
		}
		kind, detail, err := fn(t, r, pr)
		if err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, "UPDATE project_reports SET version = version + 1 WHERE id = $1", id); err != nil {
			return err
		}
		return t.audit(auditChange{"report." + kind, "project_report", id, pr.RegistrantOrgID, map[string]any{"status": r.Status}, detail})
	})
	if err != nil {
		return nil, err
	}
	if skipReadBack(ctx) {
		return &anbao.PeriodicReport{ID: id}, nil
	}
	return s.GetProjectReport(ctx, id)
}

// SaveReport saves a draft of an open report: a member's reporter.
func (s *Store) SaveReport(ctx context.Context, id int64, in ReportInput) (*anbao.PeriodicReport, error) {
	return s.fillReport(ctx, id, in, false)
}

// SubmitReport submits a report once its period has ended: a member's
// reporter. The platform's figures are frozen with the reported ones.
func (s *Store) SubmitReport(ctx context.Context, id int64, in ReportInput) (*anbao.PeriodicReport, error) {
	return s.fillReport(ctx, id, in, true)
}

func (s *Store) fillReport(ctx context.Context, id int64, in ReportInput, submit bool) (*anbao.PeriodicReport, error) {
	if err := anbao.Authorize(anbao.PrincipalFrom(ctx), anbao.ActProjectReport); err != nil {
		return nil, err
	}
	if err := checkReportInput(&in, submit); err != nil {
		return nil, err
	}
	return s.stepReport(ctx, id, anbao.ActProjectReport, func(t *tx, r *anbao.PeriodicReport, pr *anbao.PilotProject) (string, any, error) {
		p := anbao.PrincipalFrom(ctx)
		if !p.System {
			member, err := isProjectMember(ctx, t, pr.ID, p.OrgID)
			if err != nil {
				return "", nil, err
			}
			if !member {
				return "", nil, anbao.Errorf(anbao.EFORBIDDEN, "report.not_member")
			}
		}
		if in.Version != 0 && r.Version != in.Version {
			return "", nil, anbao.Errorf(anbao.ECONFLICT, "error.version_conflict", r.Version)
		}
		switch r.Status {
		case anbao.ReportSubmitted:
			if submit {
				return "", nil, anbao.Errorf(anbao.ECONFLICT, "report.already_submitted")
			}
			return "", nil, anbao.Errorf(anbao.ECONFLICT, "report.not_editable", r.Status)
		case anbao.ReportAcknowledged, anbao.ReportCancelled:
			return "", nil, anbao.Errorf(anbao.ECONFLICT, "report.not_editable", r.Status)
		}
		if submit && r.PeriodEnd >= s.today() {
			return "", nil, anbao.Errorf(anbao.ECONFLICT, "report.period_not_ended", r.PeriodEnd)
		}
		platform, err := s.projectKPIs(ctx, t, pr.ID, r.PeriodStart, r.PeriodEnd)
		if err != nil {
			return "", nil, err
		}
		reported := in.Reported
		if reported == nil {
			reported = platform
		}
		pj, _ := json.Marshal(platform)
		rj, _ := json.Marshal(reported)
		status, kind := anbao.ReportDraft, "save"
		now := s.now()
		subBy, subAt := "", ""
		if submit {
			status, kind, subBy, subAt = anbao.ReportSubmitted, "submit", p.Username, now
		}
		if _, err := t.ExecContext(ctx, `UPDATE project_reports SET status = $1, platform_kpis = $2, reported_kpis = $3, progress = $4,
			issues = $5, next_steps = $6, reporter_org_id = $7, saved_by = $8, saved_at = $9, submitted_by = $10, submitted_at = $11
			WHERE id = $12`, string(status), string(pj), string(rj), in.Progress, in.Issues, in.NextSteps, p.OrgID, p.Username, now,
			subBy, subAt, id); err != nil {
			return "", nil, err
		}
		return kind, map[string]any{"status": status, "period": r.Period, "platform": platform, "reported": reported,
			"differs": *platform != *reported}, nil
	})
}

// AcknowledgeReport acknowledges a submitted report: a regulator of the
// project's jurisdiction or a national one.
func (s *Store) AcknowledgeReport(ctx context.Context, id int64, in ReportReviewInput) (*anbao.PeriodicReport, error) {
	return s.reviewReport(ctx, id, in, anbao.ReportAcknowledged)
}

// ReturnReport returns a submitted report to its reporters for correction,
// with a comment saying what to correct.
func (s *Store) ReturnReport(ctx context.Context, id int64, in ReportReviewInput) (*anbao.PeriodicReport, error) {
	return s.reviewReport(ctx, id, in, anbao.ReportReturned)
}

func (s *Store) reviewReport(ctx context.Context, id int64, in ReportReviewInput, to anbao.ReportStatus) (*anbao.PeriodicReport, error) {
	if err := anbao.Authorize(anbao.PrincipalFrom(ctx), anbao.ActReportAcknowledge); err != nil {
		return nil, err
	}
	if err := anbao.CheckPilotText("comment", in.Comment, to == anbao.ReportReturned, anbao.MaxCommentChars); err != nil {
		return nil, err
	}
	return s.stepReport(ctx, id, anbao.ActReportAcknowledge, func(t *tx, r *anbao.PeriodicReport, pr *anbao.PilotProject) (string, any, error) {
		p := anbao.PrincipalFrom(ctx)
		if !p.System && p.Jurisdiction != "" && p.Jurisdiction != pr.Jurisdiction {
			return "", nil, anbao.Errorf(anbao.EFORBIDDEN, "report.other_jurisdiction")
		}
		if !p.System && r.ReporterOrgID == p.OrgID {
			return "", nil, anbao.Errorf(anbao.EFORBIDDEN, "report.own")
		}
		if in.Version != 0 && r.Version != in.Version {
			return "", nil, anbao.Errorf(anbao.ECONFLICT, "error.version_conflict", r.Version)
		}
		if r.Status != anbao.ReportSubmitted {
			return "", nil, anbao.Errorf(anbao.ECONFLICT, "report.not_submitted", r.Status)
		}
		if _, err := t.ExecContext(ctx, `UPDATE project_reports SET status = $1, reviewed_by = $2, reviewed_org_id = $3, reviewed_at = $4,
			review_comment = $5 WHERE id = $6`, string(to), p.Username, p.OrgID, s.now(), in.Comment, id); err != nil {
			return "", nil, err
		}
		kind := "acknowledge"
		if to == anbao.ReportReturned {
			kind = "return"
		}
		return kind, map[string]any{"status": to, "period": r.Period, "comment": in.Comment}, nil
	})
}

// RemindOverdueReports raises one reminder for each report past its due
// date and still open, and one escalation to the regulator once it is
// anbao.EscalateAfterDays days overdue. Running it again adds nothing. It
// returns the number of reminders written.
func (s *Store) RemindOverdueReports(ctx context.Context, now time.Time) (int, error) {
	ctx = anbao.WithPrincipal(ctx, anbao.SystemPrincipal("reminders"))
	today := now.In(anbao.Shanghai).Format(time.DateOnly)
	type due struct {
		id, project, org int64
		date, period     string
		overdue, escal   bool
	}
	var todo []due
	err := eachRow(ctx, s.read, `SELECT pr.id, pr.project_id, pp.registrant_org_id, pr.due_date, pr.period,
		EXISTS (SELECT 1 FROM report_reminders rr WHERE rr.report_id = pr.id AND rr.kind = 'overdue'),
		EXISTS (SELECT 1 FROM report_reminders rr WHERE rr.report_id = pr.id AND rr.kind = 'escalation')
		FROM project_reports pr JOIN pilot_projects pp ON pp.id = pr.project_id
		WHERE pr.status IN ('due', 'draft', 'returned') AND pr.due_date < $1 ORDER BY pr.due_date, pr.id`, []any{today},
		func(sc scanner) error {
			var d due
			err := sc.Scan(&d.id, &d.project, &d.org, &d.date, &d.period, &d.overdue, &d.escal)
			todo = append(todo, d)
			return err
		})
	if err != nil {
		return 0, err
	}
	n := 0
	at := anbao.FormatTime(now)
	for _, d := range todo {
		days := daysBetween(d.date, today)
		var kinds []string
		if !d.overdue {
			kinds = append(kinds, anbao.ReminderOverdue)
		}
		if !d.escal && days > anbao.EscalateAfterDays {
			kinds = append(kinds, anbao.ReminderEscalation)
		}
		if len(kinds) == 0 {
			continue
		}
		err := s.inTx(ctx, func(t *tx) error {
			for _, k := range kinds {
				r, err := t.ExecContext(ctx, `INSERT INTO report_reminders (report_id, project_id, kind, days_overdue, created_at)
					SELECT $1, $2, $3, $4, $5 WHERE NOT EXISTS (SELECT 1 FROM report_reminders WHERE report_id = $1 AND kind = $3)`,
					d.id, d.project, k, days, at)
				if err != nil {
					return err
				}
				if c, _ := r.RowsAffected(); c == 0 {
					continue
				}
				n++
				if err := t.audit(auditChange{"report.remind", "project_report", d.id, d.org, nil,
					map[string]any{"kind": k, "period": d.period, "due_date": d.date, "days_overdue": days}}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
