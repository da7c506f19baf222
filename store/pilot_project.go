package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/refdata"
)

// Pilot projects (issue #7 item 5). A local authority (the admin of a local
// regulator, in its own jurisdiction only), a service institution of the
// plan's consortium (insurer or provider admin) or an enterprise admin
// registers a project against an entry of a published catalogue version.
// Its members are the registrant and the organisations it adds: consortium
// members of the plan (at least one insurer), enterprises taking part and
// the local authority of the project's jurisdiction. An enterprise can be
// proposed only with a link (see enterpriseLinked) and, unless it is the
// caller's own, is invited: its records enter the project's figures only
// once its admin accepts (AcceptProjectMembership). An invited enterprise
// sees the project's page, not its reports. Members, the regulators of the jurisdiction,
// the national regulators and the operator's admins and analysts read it;
// anyone else gets not found. National regulators supervise, they do not
// register projects.

// Bounds of one project.
const (
	MaxProjectMembers    = 300
	MaxProjectMilestones = 60
	MaxProjectYears      = 5
)

// ProjectInput registers a project.
type ProjectInput struct {
	CatalogueEntryID int64               `json:"catalogue_entry_id"`
	Title            string              `json:"title"`
	Summary          string              `json:"summary,omitempty"`
	Jurisdiction     string              `json:"jurisdiction,omitempty"` // default: the registrant's own
	Cadence          anbao.ReportCadence `json:"cadence"`
	StartDate        string              `json:"start_date"`
	EndDate          string              `json:"end_date"`
	MemberIDs        []int64             `json:"member_ids,omitempty"`
	Milestones       []MilestoneInput    `json:"milestones,omitempty"`
}

// MembersInput adds organisations to a project.
type MembersInput struct {
	OrgIDs  []int64 `json:"org_ids"`
	Version int     `json:"version,omitempty"`
}

// ProjectStatusInput completes or terminates a project.
type ProjectStatusInput struct {
	Status  anbao.ProjectStatus `json:"status"`
	Note    string              `json:"note,omitempty"`
	Version int                 `json:"version,omitempty"`
}

// MilestoneInput creates or updates a milestone.
type MilestoneInput struct {
	Title    string `json:"title"`
	DueDate  string `json:"due_date"`
	DoneDate string `json:"done_date,omitempty"`
	Note     string `json:"note,omitempty"`
	Version  int    `json:"version,omitempty"`
}

// ProjectFilter selects projects in a list.
type ProjectFilter struct {
	BatchID      int64
	PlanID       int64
	Jurisdiction string
	Status       anbao.ProjectStatus
	Query        string // matches the title
	OrgID        int64  // projects this organisation takes part in
	Mine         bool   // only projects the caller's organisation takes part in
	Overdue      bool   // only projects with an overdue report
	anbao.Page
}

const projectColumns = `pp.id, pp.batch_id, pp.catalogue_entry_id, pp.plan_id, pp.registrant_org_id, o.name_zh, pp.registered_by,
	pp.jurisdiction, pp.title, pp.summary, pp.cadence, pp.status, pp.status_note, pp.start_date, pp.end_date, pp.created_at,
	pp.updated_at, pp.version`

const projectFrom = ` FROM pilot_projects pp JOIN organisations o ON o.id = pp.registrant_org_id`

func scanProject(sc scanner) (*anbao.PilotProject, error) {
	var p anbao.PilotProject
	err := sc.Scan(&p.ID, &p.BatchID, &p.CatalogueEntryID, &p.PlanID, &p.RegistrantOrgID, &p.RegistrantName, &p.RegisteredBy,
		&p.Jurisdiction, &p.Title, &p.Summary, &p.Cadence, &p.Status, &p.StatusNote, &p.StartDate, &p.EndDate, &p.CreatedAt,
		&p.UpdatedAt, &p.Version)
	return &p, err
}

// projectScope restricts a query on projects (alias pp) to those p may
// read: its organisation's (as a member, invited or accepted), those of a
// local regulator's jurisdiction, all for national regulators and the
// operator's admins and analysts; none for the operator's other roles.
func projectScope(p *anbao.Principal, w *where) { scopeProjects(p, w, false) }

// reportScope restricts a query on projects (alias pp) to those whose
// reports and figures p may read: as projectScope, but a member's
// organisation must have accepted (an invited enterprise sees the project's
// page, not its figures).
func reportScope(p *anbao.Principal, w *where) { scopeProjects(p, w, true) }

func scopeProjects(p *anbao.Principal, w *where, accepted bool) {
	member := "EXISTS (SELECT 1 FROM project_members pm WHERE pm.project_id = pp.id AND pm.org_id = ? AND pm.status IN ('invited', 'accepted'))"
	if accepted {
		member = "EXISTS (SELECT 1 FROM project_members pm WHERE pm.project_id = pp.id AND pm.org_id = ? AND pm.status = 'accepted')"
	}
	switch {
	case p.System:
	case p.OrgKind == anbao.KindOperator:
		if !p.HasRole(anbao.RoleAdmin) && !p.HasRole(anbao.RoleAnalyst) {
			w.add("1 = 0")
		}
	case p.OrgKind == anbao.KindRegulator && p.Jurisdiction == "":
	case p.OrgKind == anbao.KindRegulator:
		w.add("(pp.jurisdiction = ? OR "+member+")", p.Jurisdiction, p.OrgID)
	default:
		w.add(member, p.OrgID)
	}
}

// overdueCond is true for a report (alias pr) past its due date and still open.
const overdueCond = "pr.status IN ('due', 'draft', 'returned') AND pr.due_date < ?"

// getProject reads project id within p's scope (no children).
func (s *Store) getProject(ctx context.Context, db queryer, p *anbao.Principal, id int64, lock string) (*anbao.PilotProject, error) {
	var w where
	w.add("pp.id = ?", id)
	projectScope(p, &w)
	if lock != "" {
		lock = " FOR UPDATE OF pp"
	}
	pr, err := scanProject(db.QueryRowContext(ctx, "SELECT "+projectColumns+projectFrom+w.String()+lock, w.args...))
	if isNoRows(err) {
		return nil, anbao.ErrNotFound("project")
	}
	return pr, err
}

// isProjectMember reports whether org takes part in project id (an
// accepted member: an invited or declined enterprise does not).
func isProjectMember(ctx context.Context, db queryer, projectID, org int64) (bool, error) {
	var n int
	err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM project_members WHERE project_id = $1 AND org_id = $2 AND status = 'accepted'",
		projectID, org).Scan(&n)
	return n > 0, err
}

// memberStatus is org's membership status in project id ("" if none).
func memberStatus(ctx context.Context, db queryer, projectID, org int64) (anbao.MemberStatus, error) {
	var st anbao.MemberStatus
	err := db.QueryRowContext(ctx, "SELECT status FROM project_members WHERE project_id = $1 AND org_id = $2", projectID, org).Scan(&st)
	if isNoRows(err) {
		return "", nil
	}
	return st, err
}

// GetProject returns a project with its members, milestones, report
// schedule and reminders.
func (s *Store) GetProject(ctx context.Context, id int64) (*anbao.PilotProject, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActPilotRead); err != nil {
		return nil, err
	}
	pr, err := s.getProject(ctx, s.read, p, id, "")
	if err != nil {
		return nil, err
	}
	if pr.Members, err = s.projectMembers(ctx, s.read, pr); err != nil {
		return nil, err
	}
	today := s.today()
	pr.Milestones = []anbao.Milestone{}
	err = eachRow(ctx, s.read, `SELECT id, project_id, title, due_date, done_date, note, updated_by, updated_at, version
		FROM project_milestones WHERE project_id = $1 ORDER BY due_date, id`, []any{id}, func(sc scanner) error {
		var m anbao.Milestone
		err := sc.Scan(&m.ID, &m.ProjectID, &m.Title, &m.DueDate, &m.DoneDate, &m.Note, &m.UpdatedBy, &m.UpdatedAt, &m.Version)
		m.Late = m.DoneDate == "" && m.DueDate < today
		pr.Milestones = append(pr.Milestones, m)
		return err
	})
	if err != nil {
		return nil, err
	}
	list, err := s.listReports(ctx, p, ReportFilter{ProjectID: id, Page: anbao.Page{Limit: anbao.MaxPageLimit}}, "CASE WHEN pr.kind = 'final' THEN 1 ELSE 0 END, pr.period_start, pr.id")
	if err != nil {
		return nil, err
	}
	pr.Reports = list.Items
	for _, r := range pr.Reports {
		if r.Overdue {
			pr.OverdueReports++
		}
	}
	pr.Reminders = []anbao.ReportReminder{}
	err = eachRow(ctx, s.read, `SELECT rr.id, rr.report_id, rr.project_id, pr.period, rr.kind, rr.days_overdue, rr.created_at
		FROM report_reminders rr JOIN project_reports pr ON pr.id = rr.report_id WHERE rr.project_id = $1 ORDER BY rr.id DESC`,
		[]any{id}, func(sc scanner) error {
			var r anbao.ReportReminder
			err := sc.Scan(&r.ID, &r.ReportID, &r.ProjectID, &r.Period, &r.Kind, &r.DaysOverdue, &r.CreatedAt)
			pr.Reminders = append(pr.Reminders, r)
			return err
		})
	return pr, err
}

func (s *Store) projectMembers(ctx context.Context, db querier, pr *anbao.PilotProject) ([]anbao.ProjectMember, error) {
	out := []anbao.ProjectMember{}
	err := eachRow(ctx, db, `SELECT m.org_id, o.name_zh, o.name_en, o.kind, m.role, o.jurisdiction, m.status, m.added_by, m.added_at,
		m.responded_by, m.responded_at FROM project_members m JOIN organisations o ON o.id = m.org_id WHERE m.project_id = $1
		ORDER BY CASE m.role WHEN 'local_authority' THEN 0 WHEN 'insurer' THEN 1 WHEN 'provider' THEN 2 ELSE 3 END, o.name_zh, m.org_id`,
		[]any{pr.ID}, func(sc scanner) error {
			var m anbao.ProjectMember
			err := sc.Scan(&m.OrgID, &m.NameZH, &m.NameEN, &m.Kind, &m.Role, &m.Jurisdiction, &m.Status, &m.AddedBy, &m.AddedAt,
				&m.RespondedBy, &m.RespondedAt)
			m.Registrant = m.OrgID == pr.RegistrantOrgID
			out = append(out, m)
			return err
		})
	return out, err
}

// ListProjects lists the projects the caller may read, newest first, each
// with its count of overdue reports.
func (s *Store) ListProjects(ctx context.Context, f ProjectFilter) (*ItemList[*anbao.PilotProject], error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActPilotRead); err != nil {
		return nil, err
	}
	f.Page = f.Page.Normalize()
	var w where
	projectScope(p, &w)
	if f.BatchID != 0 {
		w.add("pp.batch_id = ?", f.BatchID)
	}
	if f.PlanID != 0 {
		w.add("pp.plan_id = ?", f.PlanID)
	}
	if f.Jurisdiction != "" {
		if _, ok := refdata.JurisdictionByCode(f.Jurisdiction); !ok {
			return nil, anbao.FieldError("jurisdiction", "project.jurisdiction_invalid", f.Jurisdiction)
		}
		w.add("pp.jurisdiction = ?", f.Jurisdiction)
	}
	if f.Status != "" {
		if !f.Status.Valid() {
			return nil, anbao.FieldError("status", "project.status_invalid", f.Status)
		}
		w.add("pp.status = ?", f.Status)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		if len(q) > 200 {
			return nil, anbao.FieldError("q", "pilot.too_long", 200)
		}
		w.add("LOWER(pp.title) LIKE ?", "%"+strings.ToLower(likeEscape(q))+"%")
	}
	if f.OrgID != 0 {
		w.add("EXISTS (SELECT 1 FROM project_members pm2 WHERE pm2.project_id = pp.id AND pm2.org_id = ? AND pm2.status = 'accepted')", f.OrgID)
	}
	if f.Mine && !p.System {
		w.add("EXISTS (SELECT 1 FROM project_members pm3 WHERE pm3.project_id = pp.id AND pm3.org_id = ? AND pm3.status IN ('invited', 'accepted'))", p.OrgID)
	}
	today := s.today()
	if f.Overdue {
		w.add("EXISTS (SELECT 1 FROM project_reports pr WHERE pr.project_id = pp.id AND "+overdueCond+")", today)
	}
	list := &ItemList[*anbao.PilotProject]{Items: []*anbao.PilotProject{}}
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*)"+projectFrom+w.String(), w.args...).Scan(&list.Total); err != nil {
		return nil, err
	}
	od := w.next(today)
	q := "SELECT " + projectColumns + ", (SELECT COUNT(*) FROM project_reports pr WHERE pr.project_id = pp.id AND " +
		strings.Replace(overdueCond, "?", od, 1) + ")" + projectFrom + w.String() + " ORDER BY pp.start_date DESC, pp.id DESC LIMIT " +
		w.next(f.Limit) + " OFFSET " + w.next(f.Offset)
	err := eachRow(ctx, s.read, q, w.args, func(sc scanner) error {
		var pr anbao.PilotProject
		err := sc.Scan(&pr.ID, &pr.BatchID, &pr.CatalogueEntryID, &pr.PlanID, &pr.RegistrantOrgID, &pr.RegistrantName, &pr.RegisteredBy,
			&pr.Jurisdiction, &pr.Title, &pr.Summary, &pr.Cadence, &pr.Status, &pr.StatusNote, &pr.StartDate, &pr.EndDate, &pr.CreatedAt,
			&pr.UpdatedAt, &pr.Version, &pr.OverdueReports)
		list.Items = append(list.Items, &pr)
		return err
	})
	return list, err
}

// likeEscape drops LIKE wildcards from user text.
func likeEscape(s string) string {
	return strings.NewReplacer("%", "", "_", "").Replace(s)
}

// checkProjectInput validates the fields of a registration that need no database.
func checkProjectInput(in *ProjectInput) (start, end time.Time, err error) {
	if in.CatalogueEntryID <= 0 {
		return start, end, anbao.FieldError("catalogue_entry_id", "pilot.required")
	}
	in.Title = strings.TrimSpace(in.Title)
	if err := anbao.CheckPilotText("title", in.Title, true, anbao.MaxTitleChars); err != nil {
		return start, end, err
	}
	if err := anbao.CheckPilotText("summary", in.Summary, false, anbao.MaxNarrativeChars); err != nil {
		return start, end, err
	}
	if !in.Cadence.Valid() {
		return start, end, anbao.FieldError("cadence", "project.cadence_invalid", in.Cadence)
	}
	if start, err = anbao.ParsePilotDate("start_date", in.StartDate); err != nil {
		return start, end, err
	}
	if end, err = anbao.ParsePilotDate("end_date", in.EndDate); err != nil {
		return start, end, err
	}
	if end.Before(start) {
		return start, end, anbao.FieldError("end_date", "project.end_before_start")
	}
	if end.After(start.AddDate(MaxProjectYears, 0, 0)) {
		return start, end, anbao.FieldError("end_date", "project.too_long", MaxProjectYears)
	}
	if start.Year() < 2020 {
		return start, end, anbao.FieldError("start_date", "pilot.date_invalid", in.StartDate)
	}
	if len(in.MemberIDs) > MaxProjectMembers {
		return start, end, anbao.FieldError("member_ids", "project.too_many_members", MaxProjectMembers)
	}
	if len(in.Milestones) > MaxProjectMilestones {
		return start, end, anbao.FieldError("milestones", "project.too_many_milestones", MaxProjectMilestones)
	}
	for i := range in.Milestones {
		if err := checkMilestone(fmt.Sprintf("milestones[%d].", i), &in.Milestones[i]); err != nil {
			return start, end, err
		}
	}
	return start, end, nil
}

func checkMilestone(prefix string, m *MilestoneInput) error {
	m.Title = strings.TrimSpace(m.Title)
	if err := anbao.CheckPilotText(prefix+"title", m.Title, true, anbao.MaxTitleChars); err != nil {
		return err
	}
	if _, err := anbao.ParsePilotDate(prefix+"due_date", m.DueDate); err != nil {
		return err
	}
	if m.DoneDate != "" {
		if _, err := anbao.ParsePilotDate(prefix+"done_date", m.DoneDate); err != nil {
			return err
		}
	}
	return anbao.CheckPilotText(prefix+"note", m.Note, false, anbao.MaxCommentChars)
}

// catalogueEntryRef is what a project needs of its catalogue entry.
type catalogueEntryRef struct {
	BatchID, PlanID int64
	Consortium      []int64
}

// publishedEntry reads a catalogue entry of a published catalogue version
// and its plan's consortium (the lead and the partners).
func publishedEntry(ctx context.Context, db dbReader, id int64) (*catalogueEntryRef, error) {
	var ref catalogueEntryRef
	err := db.QueryRowContext(ctx, `SELECT e.batch_id, e.plan_id FROM catalogue_entries e JOIN catalogue_versions v ON v.id = e.version_id
		WHERE e.id = $1 AND v.status = 'published'`, id).Scan(&ref.BatchID, &ref.PlanID)
	if isNoRows(err) {
		return nil, anbao.FieldError("catalogue_entry_id", "project.entry_not_published", id)
	}
	if err != nil {
		return nil, err
	}
	ref.Consortium, err = planConsortium(ctx, db, ref.PlanID)
	return &ref, err
}

// planConsortium lists the organisations of a plan's consortium: the lead and the partners.
func planConsortium(ctx context.Context, db querier, plan int64) ([]int64, error) {
	var out []int64
	err := eachRow(ctx, db, `SELECT lead_org_id FROM service_plans WHERE id = $1 UNION SELECT org_id FROM plan_partners WHERE plan_id = $1`,
		[]any{plan}, func(sc scanner) error {
			var o int64
			err := sc.Scan(&o)
			out = append(out, o)
			return err
		})
	return out, err
}

// RegisterProject registers a pilot project against a catalogue entry of a
// published catalogue, with its members, milestones and report schedule.
func (s *Store) RegisterProject(ctx context.Context, in ProjectInput) (*anbao.PilotProject, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActProjectRegister); err != nil {
		return nil, err
	}
	if !p.System && p.OrgKind == anbao.KindRegulator && p.Jurisdiction == "" {
		return nil, anbao.Errorf(anbao.EFORBIDDEN, "project.national_cannot_register")
	}
	start, end, err := checkProjectInput(&in)
	if err != nil {
		return nil, err
	}
	var id int64
	err = s.inTx(ctx, func(t *tx) error {
		var ownJur string
		var kind anbao.OrgKind
		if err := t.QueryRowContext(ctx, "SELECT jurisdiction, kind FROM organisations WHERE id = $1", p.OrgID).Scan(&ownJur, &kind); err != nil {
			if isNoRows(err) {
				return anbao.Errorf(anbao.EFORBIDDEN, "project.registrant_unknown")
			}
			return err
		}
		switch {
		case in.Jurisdiction == "":
			in.Jurisdiction = ownJur
		case kind == anbao.KindRegulator && in.Jurisdiction != ownJur:
			return anbao.FieldError("jurisdiction", "project.jurisdiction_not_own", in.Jurisdiction)
		}
		if _, ok := refdata.JurisdictionByCode(in.Jurisdiction); !ok {
			return anbao.FieldError("jurisdiction", "project.jurisdiction_invalid", in.Jurisdiction)
		}
		ref, err := publishedEntry(ctx, t, in.CatalogueEntryID)
		if err != nil {
			return err
		}
		if (kind == anbao.KindInsurer || kind == anbao.KindProvider) && !slices.Contains(ref.Consortium, p.OrgID) {
			return anbao.Errorf(anbao.EFORBIDDEN, "project.not_in_consortium")
		}
		now := s.now()
		err = t.QueryRowContext(ctx, `INSERT INTO pilot_projects (batch_id, catalogue_entry_id, plan_id, registrant_org_id, registered_by,
			jurisdiction, title, summary, cadence, status, start_date, end_date, created_at, updated_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$13) RETURNING id`, ref.BatchID, in.CatalogueEntryID, ref.PlanID, p.OrgID,
			p.Username, in.Jurisdiction, in.Title, in.Summary, string(in.Cadence), string(anbao.ProjectActive), in.StartDate, in.EndDate,
			now).Scan(&id)
		if err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, `INSERT INTO project_members (project_id, org_id, role, status, added_by, added_at) VALUES ($1,$2,$3,$4,$5,$6)`,
			id, p.OrgID, string(anbao.MemberRoleOf(kind)), string(anbao.MemberAccepted), p.Username, now); err != nil {
			return err
		}
		added, err := t.addMembers(id, in.Jurisdiction, ref.Consortium, in.MemberIDs, "member_ids")
		if err != nil {
			return err
		}
		// The figures are those shared with a member insurer: a project needs one of the plan's consortium.
		var insurers int
		if err := t.QueryRowContext(ctx, "SELECT COUNT(*) FROM project_members WHERE project_id = $1 AND role = $2", id,
			string(anbao.MemberInsurer)).Scan(&insurers); err != nil {
			return err
		}
		if insurers == 0 {
			return anbao.FieldError("member_ids", "project.insurer_required")
		}
		for _, m := range in.Milestones {
			if _, err := t.ExecContext(ctx, `INSERT INTO project_milestones (project_id, title, due_date, done_date, note, updated_by, updated_at)
				VALUES ($1,$2,$3,$4,$5,$6,$7)`, id, m.Title, m.DueDate, m.DoneDate, m.Note, p.Username, now); err != nil {
				return err
			}
		}
		slots := ReportSchedule(start, end, in.Cadence)
		for _, sl := range slots {
			if _, err := t.ExecContext(ctx, `INSERT INTO project_reports (project_id, kind, period, period_start, period_end, due_date, status)
				VALUES ($1,$2,$3,$4,$5,$6,$7)`, id, string(sl.Kind), sl.Period, sl.Start, sl.End, sl.Due, string(anbao.ReportDue)); err != nil {
				return err
			}
		}
		return t.audit(auditChange{"project.register", "pilot_project", id, p.OrgID, nil, map[string]any{
			"catalogue_entry_id": in.CatalogueEntryID, "plan_id": ref.PlanID, "batch_id": ref.BatchID, "jurisdiction": in.Jurisdiction,
			"title": in.Title, "cadence": in.Cadence, "start_date": in.StartDate, "end_date": in.EndDate, "members": added,
			"milestones": len(in.Milestones), "reports": len(slots)}})
	})
	if err != nil {
		return nil, err
	}
	if skipReadBack(ctx) {
		return &anbao.PilotProject{ID: id}, nil
	}
	return s.GetProject(ctx, id)
}

// addMembers adds organisations to project id, checking each: active, not
// the operator, a local authority of the project's jurisdiction, an
// institution of the plan's consortium, an enterprise linked to the caller
// (see enterpriseLinked). An enterprise other than the caller's own is
// invited: its records count only once its admin accepts. It returns the ids
// added (members already there are skipped).
func (t *tx) addMembers(id int64, jurisdiction string, consortium, orgs []int64, field string) ([]int64, error) {
	p := anbao.PrincipalFrom(t.ctx)
	added := []int64{}
	seen := map[int64]bool{}
	for _, o := range orgs {
		if seen[o] {
			continue
		}
		seen[o] = true
		var kind anbao.OrgKind
		var status, jur string
		err := t.QueryRowContext(t.ctx, "SELECT kind, status, jurisdiction FROM organisations WHERE id = $1", o).Scan(&kind, &status, &jur)
		if isNoRows(err) || (err == nil && status != string(anbao.OrgActive)) {
			return nil, anbao.FieldError(field, "project.member_unknown", o)
		}
		if err != nil {
			return nil, err
		}
		mst := anbao.MemberAccepted
		switch kind {
		case anbao.KindRegulator:
			if jur == "" || jur != jurisdiction {
				return nil, anbao.FieldError(field, "project.member_jurisdiction", o)
			}
		case anbao.KindInsurer, anbao.KindProvider:
			if !slices.Contains(consortium, o) {
				return nil, anbao.FieldError(field, "project.member_not_in_consortium", o)
			}
		case anbao.KindEnterprise:
			if p.System || o != p.OrgID {
				mst = anbao.MemberInvited
			}
			ok, err := t.enterpriseLinked(p, o, jur)
			if err != nil {
				return nil, err
			}
			if !ok {
				return nil, anbao.FieldError(field, "project.member_unrelated", o)
			}
		default:
			return nil, anbao.FieldError(field, "project.member_kind", o)
		}
		if cur, err := memberStatus(t.ctx, t, id, o); err != nil {
			return nil, err
		} else if cur != "" {
			continue
		}
		if _, err := t.ExecContext(t.ctx, `INSERT INTO project_members (project_id, org_id, role, status, added_by, added_at) VALUES ($1,$2,$3,$4,$5,$6)`,
			id, o, string(anbao.MemberRoleOf(kind)), string(mst), p.Username, t.s.now()); err != nil {
			return nil, err
		}
		added = append(added, o)
	}
	return added, nil
}

// enterpriseLinked reports whether p's organisation may propose enterprise
// ent (of jurisdiction jur) as a project member: its own; for a local
// authority, an enterprise of its jurisdiction; for an insurer, one it
// insures or that consented to it; for a provider, one that engaged it. The
// platform's own jobs (system principals) may propose any.
func (t *tx) enterpriseLinked(p *anbao.Principal, ent int64, jur string) (bool, error) {
	if p.System || ent == p.OrgID {
		return true, nil
	}
	var n int
	var err error
	switch p.OrgKind {
	case anbao.KindRegulator:
		return p.Jurisdiction != "" && jur == p.Jurisdiction, nil
	case anbao.KindInsurer:
		err = t.QueryRowContext(t.ctx, `SELECT (SELECT COUNT(*) FROM policies WHERE insurer_id = $1 AND enterprise_id = $2)
			+ (SELECT COUNT(*) FROM relationships WHERE party_org_id = $1 AND enterprise_id = $2 AND kind = $3 AND ended_at = '')`,
			p.OrgID, ent, string(RelConsent)).Scan(&n)
	case anbao.KindProvider:
		err = t.QueryRowContext(t.ctx, `SELECT COUNT(*) FROM relationships WHERE party_org_id = $1 AND enterprise_id = $2 AND kind = $3
			AND ended_at = ''`, p.OrgID, ent, string(RelEngagement)).Scan(&n)
	}
	return n > 0, err
}

// stepProject runs fn on project id, locked, after checking that the caller
// may act: action permitted, project in scope, and (unless regulatorToo)
// the caller's organisation a member; then bumps the version and audits.
func (s *Store) stepProject(ctx context.Context, id int64, version int, action anbao.Action, fn func(t *tx, pr *anbao.PilotProject) (string, any, any, error)) (*anbao.PilotProject, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, action); err != nil {
		return nil, err
	}
	err := s.inTx(ctx, func(t *tx) error {
		pr, err := s.getProject(ctx, t, p, id, t.forUpdate())
		if err != nil {
			return err
		}
		if !p.System {
			member, err := isProjectMember(ctx, t, id, p.OrgID)
			if err != nil {
				return err
			}
			if !member {
				return anbao.Errorf(anbao.EFORBIDDEN, "project.not_member")
			}
		}
		if version != 0 && pr.Version != version {
			return anbao.Errorf(anbao.ECONFLICT, "error.version_conflict", pr.Version)
		}
		kind, before, after, err := fn(t, pr)
		if err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, "UPDATE pilot_projects SET updated_at = $1, version = version + 1 WHERE id = $2", s.now(), id); err != nil {
			return err
		}
		return t.audit(auditChange{"project." + kind, "pilot_project", id, pr.RegistrantOrgID, before, after})
	})
	if err != nil {
		return nil, err
	}
	if skipReadBack(ctx) {
		return &anbao.PilotProject{ID: id}, nil
	}
	return s.GetProject(ctx, id)
}

// AddProjectMembers adds organisations to a project: the registrant's
// organisation does, with the same checks as at registration.
func (s *Store) AddProjectMembers(ctx context.Context, id int64, in MembersInput) (*anbao.PilotProject, error) {
	if err := anbao.Authorize(anbao.PrincipalFrom(ctx), anbao.ActProjectRegister); err != nil {
		return nil, err
	}
	if len(in.OrgIDs) == 0 {
		return nil, anbao.FieldError("org_ids", "pilot.required")
	}
	if len(in.OrgIDs) > MaxProjectMembers {
		return nil, anbao.FieldError("org_ids", "project.too_many_members", MaxProjectMembers)
	}
	return s.stepProject(ctx, id, in.Version, anbao.ActProjectRegister, func(t *tx, pr *anbao.PilotProject) (string, any, any, error) {
		if p := anbao.PrincipalFrom(ctx); !p.System && p.OrgID != pr.RegistrantOrgID {
			return "", nil, nil, anbao.Errorf(anbao.EFORBIDDEN, "project.registrant_only")
		}
		if pr.Status != anbao.ProjectActive {
			return "", nil, nil, anbao.Errorf(anbao.ECONFLICT, "project.not_active", pr.Status)
		}
		var n int
		if err := t.QueryRowContext(ctx, "SELECT COUNT(*) FROM project_members WHERE project_id = $1", id).Scan(&n); err != nil {
			return "", nil, nil, err
		}
		if n+len(in.OrgIDs) > MaxProjectMembers {
			return "", nil, nil, anbao.FieldError("org_ids", "project.too_many_members", MaxProjectMembers)
		}
		consortium, err := planConsortium(ctx, t, pr.PlanID)
		if err != nil {
			return "", nil, nil, err
		}
		added, err := t.addMembers(id, pr.Jurisdiction, consortium, in.OrgIDs, "org_ids")
		if err != nil {
			return "", nil, nil, err
		}
		if len(added) == 0 {
			return "", nil, nil, anbao.Errorf(anbao.ECONFLICT, "project.members_exist")
		}
		return "add_members", nil, map[string]any{"added": added}, nil
	})
}

// MemberResponseInput accepts or declines an invitation to a project.
type MemberResponseInput struct {
	Version int `json:"version,omitempty"` // the project's version, if given
}

// AcceptProjectMembership: the admin of an invited enterprise accepts; from
// then on its records shared with the project's member institutions enter
// the project's figures.
func (s *Store) AcceptProjectMembership(ctx context.Context, projectID, orgID int64, in MemberResponseInput) (*anbao.PilotProject, error) {
	return s.respondMembership(ctx, projectID, orgID, in, anbao.MemberAccepted)
}

// DeclineProjectMembership: the admin of an invited enterprise declines; it
// takes no part and no longer sees the project.
func (s *Store) DeclineProjectMembership(ctx context.Context, projectID, orgID int64, in MemberResponseInput) (*anbao.PilotProject, error) {
	return s.respondMembership(ctx, projectID, orgID, in, anbao.MemberDeclined)
}

func (s *Store) respondMembership(ctx context.Context, projectID, orgID int64, in MemberResponseInput, to anbao.MemberStatus) (*anbao.PilotProject, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActProjectRegister); err != nil {
		return nil, err
	}
	var registrant int64
	err := s.inTx(ctx, func(t *tx) error {
		pr, err := s.getProject(ctx, t, p, projectID, t.forUpdate())
		if err != nil {
			return err
		}
		registrant = pr.RegistrantOrgID
		if p.System || p.OrgID != orgID || p.OrgKind != anbao.KindEnterprise || !p.HasRole(anbao.RoleAdmin) {
			return anbao.Errorf(anbao.EFORBIDDEN, "project.respond_own_only")
		}
		cur, err := memberStatus(ctx, t, projectID, orgID)
		if err != nil {
			return err
		}
		if in.Version != 0 && pr.Version != in.Version {
			return anbao.Errorf(anbao.ECONFLICT, "error.version_conflict", pr.Version)
		}
		if cur != anbao.MemberInvited {
			return anbao.Errorf(anbao.ECONFLICT, "project.member_not_invited", cur)
		}
		now := s.now()
		if _, err := t.ExecContext(ctx, `UPDATE project_members SET status = $1, responded_by = $2, responded_at = $3 WHERE project_id = $4 AND org_id = $5`,
			string(to), p.Username, now, projectID, orgID); err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, "UPDATE pilot_projects SET updated_at = $1, version = version + 1 WHERE id = $2", now, projectID); err != nil {
			return err
		}
		action := "project.member_accept"
		if to == anbao.MemberDeclined {
			action = "project.member_decline"
		}
		return t.audit(auditChange{action, "pilot_project", projectID, registrant, map[string]any{"org_id": orgID, "status": cur},
			map[string]any{"org_id": orgID, "status": to}})
	})
	if err != nil {
		return nil, err
	}
	if skipReadBack(ctx) || to == anbao.MemberDeclined {
		return &anbao.PilotProject{ID: projectID, RegistrantOrgID: registrant}, nil
	}
	return s.GetProject(ctx, projectID)
}

// SetProjectStatus completes or terminates an active project: the
// registrant's organisation does. Terminating cancels the periodic reports
// of periods that have not begun; the final report stays due.
func (s *Store) SetProjectStatus(ctx context.Context, id int64, in ProjectStatusInput) (*anbao.PilotProject, error) {
	if err := anbao.Authorize(anbao.PrincipalFrom(ctx), anbao.ActProjectRegister); err != nil {
		return nil, err
	}
	if in.Status != anbao.ProjectCompleted && in.Status != anbao.ProjectTerminated {
		return nil, anbao.FieldError("status", "project.status_invalid", in.Status)
	}
	if err := anbao.CheckPilotText("note", in.Note, in.Status == anbao.ProjectTerminated, anbao.MaxCommentChars); err != nil {
		return nil, err
	}
	return s.stepProject(ctx, id, in.Version, anbao.ActProjectRegister, func(t *tx, pr *anbao.PilotProject) (string, any, any, error) {
		if p := anbao.PrincipalFrom(ctx); !p.System && p.OrgID != pr.RegistrantOrgID {
			return "", nil, nil, anbao.Errorf(anbao.EFORBIDDEN, "project.registrant_only")
		}
		if pr.Status != anbao.ProjectActive {
			return "", nil, nil, anbao.Errorf(anbao.ECONFLICT, "project.not_active", pr.Status)
		}
		if _, err := t.ExecContext(ctx, "UPDATE pilot_projects SET status = $1, status_note = $2 WHERE id = $3",
			string(in.Status), in.Note, id); err != nil {
			return "", nil, nil, err
		}
		if in.Status == anbao.ProjectTerminated {
			if _, err := t.ExecContext(ctx, `UPDATE project_reports SET status = $1, version = version + 1 WHERE project_id = $2
				AND kind <> 'final' AND status IN ('due', 'draft', 'returned') AND period_start > $3`,
				string(anbao.ReportCancelled), id, s.today()); err != nil {
				return "", nil, nil, err
			}
		}
		return string(in.Status), map[string]any{"status": pr.Status}, map[string]any{"status": in.Status, "note": in.Note}, nil
	})
}

// AddMilestone adds a milestone to a project: any member with the right to
// keep milestones.
func (s *Store) AddMilestone(ctx context.Context, projectID int64, in MilestoneInput) (*anbao.PilotProject, error) {
	if err := anbao.Authorize(anbao.PrincipalFrom(ctx), anbao.ActProjectRegister); err != nil {
		return nil, err
	}
	if err := checkMilestone("", &in); err != nil {
		return nil, err
	}
	return s.stepProject(ctx, projectID, 0, anbao.ActProjectRegister, func(t *tx, pr *anbao.PilotProject) (string, any, any, error) {
		var n int
		if err := t.QueryRowContext(ctx, "SELECT COUNT(*) FROM project_milestones WHERE project_id = $1", projectID).Scan(&n); err != nil {
			return "", nil, nil, err
		}
		if n >= MaxProjectMilestones {
			return "", nil, nil, anbao.FieldError("title", "project.too_many_milestones", MaxProjectMilestones)
		}
		var mid int64
		if err := t.QueryRowContext(ctx, `INSERT INTO project_milestones (project_id, title, due_date, done_date, note, updated_by, updated_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7) RETURNING id`, projectID, in.Title, in.DueDate, in.DoneDate, in.Note,
			anbao.PrincipalFrom(ctx).Username, s.now()).Scan(&mid); err != nil {
			return "", nil, nil, err
		}
		return "milestone_add", nil, map[string]any{"milestone_id": mid, "title": in.Title, "due_date": in.DueDate, "done_date": in.DoneDate}, nil
	})
}

// UpdateMilestone changes a milestone (typically: records it done).
func (s *Store) UpdateMilestone(ctx context.Context, projectID, milestoneID int64, in MilestoneInput) (*anbao.PilotProject, error) {
	if err := anbao.Authorize(anbao.PrincipalFrom(ctx), anbao.ActProjectRegister); err != nil {
		return nil, err
	}
	if err := checkMilestone("", &in); err != nil {
		return nil, err
	}
	return s.stepProject(ctx, projectID, 0, anbao.ActProjectRegister, func(t *tx, pr *anbao.PilotProject) (string, any, any, error) {
		var before MilestoneInput
		err := t.QueryRowContext(ctx, `SELECT title, due_date, done_date, note, version FROM project_milestones WHERE id = $1 AND project_id = $2`,
			milestoneID, projectID).Scan(&before.Title, &before.DueDate, &before.DoneDate, &before.Note, &before.Version)
		if isNoRows(err) {
			return "", nil, nil, anbao.ErrNotFound("milestone")
		}
		if err != nil {
			return "", nil, nil, err
		}
		if in.Version != 0 && in.Version != before.Version {
			return "", nil, nil, anbao.Errorf(anbao.ECONFLICT, "error.version_conflict", before.Version)
		}
		if _, err := t.ExecContext(ctx, `UPDATE project_milestones SET title = $1, due_date = $2, done_date = $3, note = $4, updated_by = $5,
			updated_at = $6, version = version + 1 WHERE id = $7`, in.Title, in.DueDate, in.DoneDate, in.Note,
			anbao.PrincipalFrom(ctx).Username, s.now(), milestoneID); err != nil {
			return "", nil, nil, err
		}
		in.Version = before.Version + 1
		return "milestone_update", before, in, nil
	})
}

// ReportSlot is one period of a report schedule.
type ReportSlot struct {
	Kind              anbao.ReportKind
	Period            string
	Start, End, Due   string
	startT, endT, due time.Time
}

// ReportSchedule lays out a project's reports: one per calendar month (or
// quarter) overlapping [start, end], clipped to the project's period, each
// due anbao.ReportDueDays days after its period ends; then the final report
// over the whole period, due anbao.FinalReportDueDays days after the end.
func ReportSchedule(start, end time.Time, cadence anbao.ReportCadence) []ReportSlot {
	var out []ReportSlot
	step, kind := 1, anbao.ReportMonthly
	if cadence == anbao.CadenceQuarterly {
		step, kind = 3, anbao.ReportQuarterly
	}
	m := time.Date(start.Year(), time.Month((int(start.Month())-1)/step*step+1), 1, 0, 0, 0, 0, time.UTC)
	for !m.After(end) {
		next := m.AddDate(0, step, 0)
		ps, pe := m, next.AddDate(0, 0, -1)
		if ps.Before(start) {
			ps = start
		}
		if pe.After(end) {
			pe = end
		}
		label := m.Format("2006-01")
		if step == 3 {
			label = fmt.Sprintf("%dQ%d", m.Year(), (int(m.Month())-1)/3+1)
		}
		due := pe.AddDate(0, 0, anbao.ReportDueDays)
		out = append(out, ReportSlot{Kind: kind, Period: label, Start: ps.Format(time.DateOnly), End: pe.Format(time.DateOnly),
			Due: due.Format(time.DateOnly), startT: ps, endT: pe, due: due})
		m = next
	}
	due := end.AddDate(0, 0, anbao.FinalReportDueDays)
	out = append(out, ReportSlot{Kind: anbao.ReportFinal, Period: "final", Start: start.Format(time.DateOnly), End: end.Format(time.DateOnly),
		Due: due.Format(time.DateOnly), startT: start, endT: end, due: due})
	return out
}
