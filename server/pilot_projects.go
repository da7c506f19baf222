package server

import (
	"context"
	"net/http"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/store"
)

// Pilot projects, milestones, periodic reports and the case library
// (issue #7 items 5 and 6). The store scopes every read and checks every
// step; these handlers decode, delegate and shape.

// CaseStepRequest submits or publishes a case.
type CaseStepRequest struct {
	Version int `json:"version,omitempty"`
}

func (s *Server) registerPilotProjectAPI() {
	const tag = "pilot-projects"
	projQ := append([]qparam{
		{Name: "batch_id", Type: "integer", Desc: "the pilot batch"},
		{Name: "plan_id", Type: "integer", Desc: "the catalogue plan"},
		{Name: "jurisdiction", Type: "string", Desc: "GB/T 2260 jurisdiction code"},
		{Name: "status", Type: "string", Desc: "project status", Enum: enumOf(anbao.ProjectStatuses)},
		{Name: "q", Type: "string", Desc: "matches the title"},
		{Name: "org_id", Type: "integer", Desc: "projects this organisation takes part in"},
		{Name: "mine", Type: "boolean", Desc: "only projects the caller's organisation takes part in"},
		{Name: "overdue", Type: "boolean", Desc: "only projects with an overdue report"},
	}, pageParams...)
	s.api(route{Method: "GET", Path: "/api/v1/pilot/projects", OpID: "listPilotProjects", Tag: tag, Query: projQ,
		Summary: "Pilot projects: members see theirs, regulators those of their jurisdiction (national ones all), the operator's admins and analysts all",
		Resp:    ListResponse[*anbao.PilotProject]{}, handle: s.apiListProjects})
	s.api(route{Method: "POST", Path: "/api/v1/pilot/projects", OpID: "registerPilotProject", Tag: tag, Status: 201,
		Summary: "Register a pilot project against an entry of a published catalogue (a local authority in its own jurisdiction, an " +
			"institution of the plan's consortium, an enterprise), with members, milestones and the report schedule",
		Body: store.ProjectInput{}, Resp: anbao.PilotProject{}, handle: s.apiRegisterProject})
	s.api(route{Method: "GET", Path: "/api/v1/pilot/projects/{pid}", OpID: "getPilotProject", Tag: tag,
		Summary: "One project with its members, milestones, report schedule (overdue flags) and reminders", Resp: anbao.PilotProject{},
		handle: s.apiGetProject})
	s.api(route{Method: "POST", Path: "/api/v1/pilot/projects/{pid}/members", OpID: "addPilotProjectMembers", Tag: tag,
		Summary: "The registrant adds members: consortium institutions of the plan, enterprises, the local authority of the jurisdiction",
		Body:    store.MembersInput{}, Resp: anbao.PilotProject{}, handle: s.apiAddMembers})
	s.api(route{Method: "POST", Path: "/api/v1/pilot/projects/{pid}/members/{oid}/accept", OpID: "acceptPilotProjectMembership", Tag: tag,
		Summary: "The admin of an enterprise invited to the project accepts: from then on its records shared with the member institutions " +
			"enter the project's figures", Body: store.MemberResponseInput{}, Resp: anbao.PilotProject{}, handle: s.apiMemberRespond(true)})
	s.api(route{Method: "POST", Path: "/api/v1/pilot/projects/{pid}/members/{oid}/decline", OpID: "declinePilotProjectMembership", Tag: tag,
		Summary: "The admin of an enterprise invited to the project declines: it takes no part", Body: store.MemberResponseInput{},
		Resp: anbao.PilotProject{}, handle: s.apiMemberRespond(false)})
	s.api(route{Method: "POST", Path: "/api/v1/pilot/projects/{pid}/status", OpID: "setPilotProjectStatus", Tag: tag,
		Summary: "The registrant completes or terminates the project (terminating cancels the periodic reports of periods not begun)",
		Body:    store.ProjectStatusInput{}, Resp: anbao.PilotProject{}, handle: s.apiProjectStatus})
	s.api(route{Method: "POST", Path: "/api/v1/pilot/projects/{pid}/milestones", OpID: "addPilotMilestone", Tag: tag, Status: 201,
		Summary: "A member adds a milestone", Body: store.MilestoneInput{}, Resp: anbao.PilotProject{}, handle: s.apiAddMilestone})
	s.api(route{Method: "PUT", Path: "/api/v1/pilot/projects/{pid}/milestones/{mid}", OpID: "updatePilotMilestone", Tag: tag,
		Summary: "A member updates a milestone (records it done)", Body: store.MilestoneInput{}, Resp: anbao.PilotProject{},
		handle: s.apiUpdateMilestone})

	repQ := append([]qparam{
		{Name: "project_id", Type: "integer", Desc: "the project"},
		{Name: "status", Type: "string", Desc: "report status", Enum: enumOf(anbao.ReportStatuses)},
		{Name: "kind", Type: "string", Desc: "report kind", Enum: []string{"monthly", "quarterly", "final"}},
		{Name: "jurisdiction", Type: "string", Desc: "the project's jurisdiction"},
		{Name: "overdue", Type: "boolean", Desc: "only reports past their due date and not submitted"},
		{Name: "mine", Type: "boolean", Desc: "only reports of projects the caller's organisation takes part in"},
	}, pageParams...)
	s.api(route{Method: "GET", Path: "/api/v1/pilot/reports", OpID: "listPilotReports", Tag: tag, Query: repQ,
		Summary: "Periodic reports of the projects the caller may read, by due date (overdue=true&mine=true: my overdue reports)",
		Resp:    ListResponse[*anbao.PeriodicReport]{}, handle: s.apiListProjectReports})
	s.api(route{Method: "GET", Path: "/api/v1/pilot/reports/{rid}", OpID: "getPilotReport", Tag: tag,
		Summary: "One periodic report; while open, with the platform's figures for its period and project scope computed now",
		Resp:    anbao.PeriodicReport{}, handle: s.apiGetProjectReport})
	s.api(route{Method: "PUT", Path: "/api/v1/pilot/reports/{rid}", OpID: "savePilotReport", Tag: tag,
		Summary: "A member saves a draft: reported figures (omitted: the platform's) and narrative", Body: store.ReportInput{},
		Resp: anbao.PeriodicReport{}, handle: s.apiSaveProjectReport})
	s.api(route{Method: "POST", Path: "/api/v1/pilot/reports/{rid}/submit", OpID: "submitPilotReport", Tag: tag,
		Summary: "A member submits the report after its period ended; the platform's and the reported figures are frozen",
		Body:    store.ReportInput{}, Resp: anbao.PeriodicReport{}, handle: s.apiSubmitProjectReport})
	s.api(route{Method: "POST", Path: "/api/v1/pilot/reports/{rid}/acknowledge", OpID: "acknowledgePilotReport", Tag: tag,
		Summary: "The regulator of the project's jurisdiction (or a national one) acknowledges a submitted report",
		Body:    store.ReportReviewInput{}, Resp: anbao.PeriodicReport{}, handle: s.apiAcknowledgeReport})
	s.api(route{Method: "POST", Path: "/api/v1/pilot/reports/{rid}/return", OpID: "returnPilotReport", Tag: tag,
		Summary: "The regulator returns a submitted report for correction, with a comment", Body: store.ReportReviewInput{},
		Resp: anbao.PeriodicReport{}, handle: s.apiReturnReport})

	const ctag = "pilot-cases"
	caseQ := append([]qparam{
		{Name: "status", Type: "string", Desc: "case status", Enum: enumOf(anbao.CaseStatuses)},
		{Name: "kind", Type: "string", Desc: "case kind", Enum: enumOf(anbao.CaseKinds)},
		{Name: "q", Type: "string", Desc: "matches title, sections and submitter"},
		{Name: "project_id", Type: "integer", Desc: "the linked project"},
		{Name: "library", Type: "boolean", Desc: "only published cases (the library)"},
	}, pageParams...)
	s.api(route{Method: "GET", Path: "/api/v1/pilot/cases", OpID: "listPilotCases", Tag: ctag, Query: caseQ,
		Summary: "Cases: the published library for everyone; drafts for their submitter; submitted ones for the reviewers",
		Resp:    ListResponse[*anbao.PilotCase]{}, handle: s.apiListCases})
	s.api(route{Method: "POST", Path: "/api/v1/pilot/cases", OpID: "createPilotCase", Tag: ctag, Status: 201,
		Summary: "Draft a good practice or typical case on the template (an organisation's admin), optionally linked to an own project",
		Body:    store.CaseInput{}, Resp: anbao.PilotCase{}, handle: s.apiCreateCase})
	s.api(route{Method: "GET", Path: "/api/v1/pilot/cases/{cid}", OpID: "getPilotCase", Tag: ctag,
		Summary: "One case; its review trail for the submitter and the reviewers", Resp: anbao.PilotCase{}, handle: s.apiGetCase})
	s.api(route{Method: "PUT", Path: "/api/v1/pilot/cases/{cid}", OpID: "updatePilotCase", Tag: ctag,
		Summary: "The submitter edits a draft case", Body: store.CaseInput{}, Resp: anbao.PilotCase{}, handle: s.apiUpdateCase})
	s.api(route{Method: "POST", Path: "/api/v1/pilot/cases/{cid}/submit", OpID: "submitPilotCase", Tag: ctag,
		Summary: "The submitter submits a complete draft for review", Body: CaseStepRequest{}, Resp: anbao.PilotCase{},
		handle: s.apiSubmitCase})
	s.api(route{Method: "POST", Path: "/api/v1/pilot/cases/{cid}/review", OpID: "reviewPilotCase", Tag: ctag,
		Summary: "Review: the operator's admins and experts and national regulators select, reject or return; a local regulator " +
			"only comments on or recommends cases of its jurisdiction", Body: store.CaseReviewInput{}, Resp: anbao.PilotCase{},
		handle: s.apiReviewCase})
	s.api(route{Method: "POST", Path: "/api/v1/pilot/cases/{cid}/publish", OpID: "publishPilotCase", Tag: ctag,
		Summary: "The operator's admin or a national regulator publishes a selected case into the library", Body: CaseStepRequest{},
		Resp: anbao.PilotCase{}, handle: s.apiPublishCase})
}

func enumOf[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

func (s *Server) apiListProjects(w http.ResponseWriter, r *http.Request) (any, error) {
	pg, err := page(r)
	if err != nil {
		return nil, err
	}
	f := store.ProjectFilter{Page: pg}
	for name, dst := range map[string]*int64{"batch_id": &f.BatchID, "plan_id": &f.PlanID, "org_id": &f.OrgID} {
		if *dst, err = queryInt64(r, name); err != nil {
			return nil, err
		}
	}
	for name, dst := range map[string]*bool{"mine": &f.Mine, "overdue": &f.Overdue} {
		if *dst, err = queryBool(r, name); err != nil {
			return nil, err
		}
	}
	q := r.URL.Query()
	f.Jurisdiction, f.Status, f.Query = q.Get("jurisdiction"), anbao.ProjectStatus(q.Get("status")), q.Get("q")
	l, err := s.store.ListProjects(r.Context(), f)
	if err != nil {
		return nil, err
	}
	return ListResponse[*anbao.PilotProject]{Items: l.Items, Total: l.Total, Limit: pg.Limit, Offset: pg.Offset}, nil
}

func (s *Server) apiRegisterProject(w http.ResponseWriter, r *http.Request) (any, error) {
	var in store.ProjectInput
	if err := decodeJSON(r, &in); err != nil {
		return nil, err
	}
	return s.store.RegisterProject(r.Context(), in)
}

func (s *Server) apiGetProject(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r, "pid")
	if err != nil {
		return nil, err
	}
	return s.store.GetProject(r.Context(), id)
}

func (s *Server) apiAddMembers(w http.ResponseWriter, r *http.Request) (any, error) {
	id, in, err := idBody[store.MembersInput](r, "pid")
	if err != nil {
		return nil, err
	}
	return s.store.AddProjectMembers(r.Context(), id, *in)
}

func (s *Server) apiMemberRespond(accept bool) func(w http.ResponseWriter, r *http.Request) (any, error) {
	return func(w http.ResponseWriter, r *http.Request) (any, error) {
		id, in, err := idBody[store.MemberResponseInput](r, "pid")
		if err != nil {
			return nil, err
		}
		oid, err := pathID(r, "oid")
		if err != nil {
			return nil, err
		}
		if accept {
			return s.store.AcceptProjectMembership(r.Context(), id, oid, *in)
		}
		return s.store.DeclineProjectMembership(r.Context(), id, oid, *in)
	}
}

func (s *Server) apiProjectStatus(w http.ResponseWriter, r *http.Request) (any, error) {
	id, in, err := idBody[store.ProjectStatusInput](r, "pid")
	if err != nil {
		return nil, err
	}
	return s.store.SetProjectStatus(r.Context(), id, *in)
}

func (s *Server) apiAddMilestone(w http.ResponseWriter, r *http.Request) (any, error) {
	id, in, err := idBody[store.MilestoneInput](r, "pid")
	if err != nil {
		return nil, err
	}
	return s.store.AddMilestone(r.Context(), id, *in)
}

func (s *Server) apiUpdateMilestone(w http.ResponseWriter, r *http.Request) (any, error) {
	id, in, err := idBody[store.MilestoneInput](r, "pid")
	if err != nil {
		return nil, err
	}
	mid, err := pathID(r, "mid")
	if err != nil {
		return nil, err
	}
	return s.store.UpdateMilestone(r.Context(), id, mid, *in)
}

func (s *Server) apiListProjectReports(w http.ResponseWriter, r *http.Request) (any, error) {
	pg, err := page(r)
	if err != nil {
		return nil, err
	}
	f := store.ReportFilter{Page: pg}
	if f.ProjectID, err = queryInt64(r, "project_id"); err != nil {
		return nil, err
	}
	for name, dst := range map[string]*bool{"mine": &f.Mine, "overdue": &f.Overdue} {
		if *dst, err = queryBool(r, name); err != nil {
			return nil, err
		}
	}
	q := r.URL.Query()
	f.Status, f.Kind, f.Jurisdiction = anbao.ReportStatus(q.Get("status")), anbao.ReportKind(q.Get("kind")), q.Get("jurisdiction")
	l, err := s.store.ListProjectReports(r.Context(), f)
	if err != nil {
		return nil, err
	}
	return ListResponse[*anbao.PeriodicReport]{Items: l.Items, Total: l.Total, Limit: pg.Limit, Offset: pg.Offset}, nil
}

func (s *Server) apiGetProjectReport(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r, "rid")
	if err != nil {
		return nil, err
	}
	return s.store.GetProjectReport(r.Context(), id)
}

func (s *Server) apiSaveProjectReport(w http.ResponseWriter, r *http.Request) (any, error) {
	id, in, err := idBody[store.ReportInput](r, "rid")
	if err != nil {
		return nil, err
	}
	return s.store.SaveReport(r.Context(), id, *in)
}

func (s *Server) apiSubmitProjectReport(w http.ResponseWriter, r *http.Request) (any, error) {
	id, in, err := idBody[store.ReportInput](r, "rid")
	if err != nil {
		return nil, err
	}
	return s.store.SubmitReport(r.Context(), id, *in)
}

func (s *Server) apiAcknowledgeReport(w http.ResponseWriter, r *http.Request) (any, error) {
	id, in, err := idBody[store.ReportReviewInput](r, "rid")
	if err != nil {
		return nil, err
	}
	return s.store.AcknowledgeReport(r.Context(), id, *in)
}

func (s *Server) apiReturnReport(w http.ResponseWriter, r *http.Request) (any, error) {
	id, in, err := idBody[store.ReportReviewInput](r, "rid")
	if err != nil {
		return nil, err
	}
	return s.store.ReturnReport(r.Context(), id, *in)
}

func (s *Server) apiListCases(w http.ResponseWriter, r *http.Request) (any, error) {
	pg, err := page(r)
	if err != nil {
		return nil, err
	}
	f := store.CaseFilter{Page: pg}
	if f.ProjectID, err = queryInt64(r, "project_id"); err != nil {
		return nil, err
	}
	if f.Library, err = queryBool(r, "library"); err != nil {
		return nil, err
	}
	q := r.URL.Query()
	f.Status, f.Kind, f.Query = anbao.CaseStatus(q.Get("status")), anbao.CaseKind(q.Get("kind")), q.Get("q")
	l, err := s.store.ListCases(r.Context(), f)
	if err != nil {
		return nil, err
	}
	return ListResponse[*anbao.PilotCase]{Items: l.Items, Total: l.Total, Limit: pg.Limit, Offset: pg.Offset}, nil
}

func (s *Server) apiCreateCase(w http.ResponseWriter, r *http.Request) (any, error) {
	var in store.CaseInput
	if err := decodeJSON(r, &in); err != nil {
		return nil, err
	}
	return s.store.CreateCase(r.Context(), in)
}

func (s *Server) apiGetCase(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r, "cid")
	if err != nil {
		return nil, err
	}
	return s.store.GetCase(r.Context(), id)
}

func (s *Server) apiUpdateCase(w http.ResponseWriter, r *http.Request) (any, error) {
	id, in, err := idBody[store.CaseInput](r, "cid")
	if err != nil {
		return nil, err
	}
	return s.store.UpdateCase(r.Context(), id, *in)
}

func (s *Server) apiSubmitCase(w http.ResponseWriter, r *http.Request) (any, error) {
	id, in, err := idBody[CaseStepRequest](r, "cid")
	if err != nil {
		return nil, err
	}
	return s.store.SubmitCase(r.Context(), id, in.Version)
}

func (s *Server) apiReviewCase(w http.ResponseWriter, r *http.Request) (any, error) {
	id, in, err := idBody[store.CaseReviewInput](r, "cid")
	if err != nil {
		return nil, err
	}
	return s.store.ReviewCase(r.Context(), id, *in)
}

func (s *Server) apiPublishCase(w http.ResponseWriter, r *http.Request) (any, error) {
	id, in, err := idBody[CaseStepRequest](r, "cid")
	if err != nil {
		return nil, err
	}
	return s.store.PublishCase(r.Context(), id, in.Version)
}

func (s *Server) registerPilotProjectUI() error { return s.registerProjectPages() }

// remindReports raises reminders for periodic reports past their due date.
func (s *Server) remindReports(ctx context.Context) {
	n, err := s.store.RemindOverdueReports(ctx, s.store.Now())
	if err != nil && ctx.Err() == nil {
		s.log.Error("report reminders", "err", err)
	} else if n > 0 {
		s.log.Info("report reminders", "raised", n)
	}
}
