package server

import (
	"fmt"
	"html/template"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/i18n"
	"github.com/anbao/anbao/store"
)

// The pilot project pages (issue #7 items 5 and 6): the project register
// with filters and overdue badges and the caller's overdue reports; the
// registration form; a project with its members, milestones, report
// schedule and reminders; a periodic report with the platform's figures
// beside the reported ones and the difference, the narrative, and the
// regulator's acknowledgement; the case library, a case with its template
// sections and review trail, and the submission form. The store scopes and
// checks everything; these handlers parse forms and show refused steps on
// the form they came from.

var projectPageNames = []string{"projects", "project", "project_new", "project_report", "cases", "case", "case_form"}

var projectFuncs = template.FuncMap{
	"pjT": func(p *uiPage, prefix string, v any) string {
		k := prefix + fmt.Sprint(v)
		if i18n.Has(p.Lang, k) {
			return p.T(k)
		}
		return fmt.Sprint(v)
	},
	"pjKPI": func(p *uiPage, f anbao.KPIField, v int64) string {
		if f.Money {
			return fmtYuan(v)
		}
		return p.Num(v)
	},
	"pjInput": func(f anbao.KPIField, v int64) string {
		if f.Money {
			return formatAmount(v, "yuan")
		}
		return strconv.FormatInt(v, 10)
	},
	"pjDiff": func(p *uiPage, f anbao.KPIField, a, b int64) string {
		d := b - a
		if d == 0 {
			return ""
		}
		sign := "+"
		if d < 0 {
			sign, d = "−", -d
		}
		if f.Money {
			return sign + fmtYuan(d)
		}
		return sign + p.Num(d)
	},
	"pjMember": func(p *uiPage, m anbao.ProjectMember) string { return m.Name(p.Lang) },
	"pjLines":  func(s string) []string { return strings.Split(strings.TrimSpace(s), "\n") },
}

func (u *uiRenderer) addProjectPages() error {
	funcs := template.FuncMap{}
	maps.Copy(funcs, quoteFuncs)
	maps.Copy(funcs, projectFuncs)
	pages := map[string]string{}
	for _, name := range projectPageNames {
		pages[name] = "templates/" + name + ".html"
	}
	return u.addPageSet(funcs, "templates/project_parts.html", pages)
}

// registerProjectPages registers the project, report and case pages.
func (s *Server) registerProjectPages() error {
	if err := s.ui.addProjectPages(); err != nil {
		return err
	}
	m := s.mux
	m.HandleFunc("GET /projects", s.uiAuth(s.uiProjects))
	m.HandleFunc("GET /projects/new", s.uiAuth(s.uiProjectNew))
	m.HandleFunc("POST /projects/new", s.uiAuth(s.uiProjectCreate))
	m.HandleFunc("GET /projects/{pid}", s.uiAuth(s.uiProject))
	for _, step := range []string{"members", "milestones", "status", "accept", "decline"} {
		m.HandleFunc("POST /projects/{pid}/"+step, s.uiAuth(s.uiProjectStep(step)))
	}
	m.HandleFunc("POST /projects/{pid}/milestones/{mid}", s.uiAuth(s.uiProjectStep("milestone")))
	m.HandleFunc("GET /projects/{pid}/reports/{rid}", s.uiAuth(s.uiProjectReport))
	for _, step := range []string{"save", "submit", "acknowledge", "return"} {
		m.HandleFunc("POST /projects/{pid}/reports/{rid}/"+step, s.uiAuth(s.uiReportStep(step)))
	}
	m.HandleFunc("GET /cases", s.uiAuth(s.uiCases))
	m.HandleFunc("GET /cases/new", s.uiAuth(s.uiCaseNew))
	m.HandleFunc("POST /cases/new", s.uiAuth(s.uiCaseSave))
	m.HandleFunc("GET /cases/{cid}", s.uiAuth(s.uiCase))
	m.HandleFunc("GET /cases/{cid}/edit", s.uiAuth(s.uiCaseEdit))
	m.HandleFunc("POST /cases/{cid}/edit", s.uiAuth(s.uiCaseSave))
	for _, step := range []string{"submit", "review", "publish"} {
		m.HandleFunc("POST /cases/{cid}/"+step, s.uiAuth(s.uiCaseStep(step)))
	}
	return nil
}

// pjFlash shows the success message a redirect asks for with ?done=.
func pjFlash(p *uiPage, r *http.Request) {
	if k := r.URL.Query().Get("done"); k != "" && i18n.Has(p.Lang, "pj.flash."+k) {
		p.Flash = p.T("pj.flash." + k)
	}
}

// mayRegisterProject reports whether p may register projects at all.
func mayRegisterProject(p *anbao.Principal) bool {
	return anbao.Can(p, anbao.ActProjectRegister) && !(p.OrgKind == anbao.KindRegulator && p.Jurisdiction == "")
}

// The project register.

type uiProjectsData struct {
	Items       []*anbao.PilotProject
	Overdue     []*anbao.PeriodicReport
	Statuses    []anbao.ProjectStatus
	Status, Q   string
	Mine, Late  bool
	CanRegister bool
	Supervisor  bool // a regulator: the overdue reports of its scope
	Total       int
	Pager       uiPager
}

func (s *Server) uiProjects(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "pj.title", "projects")
	pjFlash(p, r)
	if err := anbao.Authorize(p.P, anbao.ActPilotRead); err != nil {
		s.writeError(w, r, err)
		return
	}
	pg, err := page(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	q := r.URL.Query()
	d := &uiProjectsData{Statuses: anbao.ProjectStatuses, Status: q.Get("status"), Q: q.Get("q"), Mine: formBool(q.Get("mine")),
		Late: formBool(q.Get("overdue")), CanRegister: mayRegisterProject(p.P)}
	status := http.StatusOK
	list, err := s.store.ListProjects(r.Context(), store.ProjectFilter{Status: anbao.ProjectStatus(d.Status), Query: d.Q, Mine: d.Mine,
		Overdue: d.Late, Jurisdiction: q.Get("jurisdiction"), Page: pg})
	if err != nil {
		if anbao.ErrorCode(err) != anbao.EINVALID {
			s.writeError(w, r, err)
			return
		}
		status = p.setError("filter", nil, err, s, r)
		list = &store.ItemList[*anbao.PilotProject]{Items: []*anbao.PilotProject{}}
	}
	d.Items, d.Total = list.Items, list.Total
	d.Pager = makePager("/projects", q, pg, list.Total, len(list.Items))
	// Members see their overdue reports; regulators those of their jurisdiction.
	d.Supervisor = p.P.OrgKind == anbao.KindRegulator
	if late, err := s.store.ListProjectReports(r.Context(), store.ReportFilter{Overdue: true, Mine: !d.Supervisor,
		Page: anbao.Page{Limit: 20}}); err == nil {
		d.Overdue = late.Items
	}
	p.Data = d
	s.render(w, r, status, "projects", p)
}

// The registration form.

type uiProjectNewData struct {
	Entries   []*anbao.CatalogueEntry
	Cadences  []anbao.ReportCadence
	Regulator bool // a local authority: its own jurisdiction only
}

func (s *Server) uiProjectNew(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "pj.new_title", "projects")
	if !mayRegisterProject(p.P) {
		s.writeError(w, r, anbao.Errorf(anbao.EFORBIDDEN, "error.forbidden"))
		return
	}
	p.Form = url.Values{"cadence": {string(anbao.CadenceQuarterly)}, "consortium": {"1"}, "authority": {"1"}}
	if e := r.URL.Query().Get("entry"); e != "" {
		p.Form.Set("catalogue_entry_id", e)
	}
	s.projectNewPage(w, r, p, http.StatusOK)
}

func (s *Server) projectNewPage(w http.ResponseWriter, r *http.Request, p *uiPage, status int) {
	d := &uiProjectNewData{Cadences: []anbao.ReportCadence{anbao.CadenceMonthly, anbao.CadenceQuarterly},
		Regulator: p.P.OrgKind == anbao.KindRegulator}
	if l, err := s.store.ListCatalogue(r.Context(), anbao.CatalogueFilter{Page: anbao.Page{Limit: anbao.MaxPageLimit}}); err == nil {
		d.Entries = l.Items
	}
	p.Data = d
	s.render(w, r, status, "project_new", p)
}

func (s *Server) uiProjectCreate(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "pj.new_title", "projects")
	r.ParseForm()
	f := r.PostForm
	ctx := r.Context()
	in := store.ProjectInput{Title: f.Get("title"), Summary: f.Get("summary"), Jurisdiction: f.Get("jurisdiction"),
		Cadence: anbao.ReportCadence(f.Get("cadence")), StartDate: strings.TrimSpace(f.Get("start_date")), EndDate: strings.TrimSpace(f.Get("end_date"))}
	var err error
	if in.CatalogueEntryID, err = strconv.ParseInt(f.Get("catalogue_entry_id"), 10, 64); err != nil {
		err = anbao.FieldError("catalogue_entry_id", "pilot.required")
	}
	if err == nil {
		in.MemberIDs, err = pjOrgIDs(f.Get("member_ids"), "member_ids")
	}
	if err == nil && formBool(f.Get("consortium")) {
		if e, cerr := s.store.CatalogueEntry(ctx, in.CatalogueEntryID); cerr == nil {
			for _, m := range e.Partners {
				if m.OrgID != p.P.OrgID && (m.Kind == anbao.KindInsurer || m.Kind == anbao.KindProvider) {
					in.MemberIDs = append(in.MemberIDs, m.OrgID)
				}
			}
		}
	}
	if err == nil && formBool(f.Get("authority")) && p.P.OrgKind != anbao.KindRegulator {
		jur := in.Jurisdiction
		if jur == "" && p.Org != nil {
			jur = p.Org.Jurisdiction
		}
		if jur != "" {
			if l, lerr := s.store.ListOrganisations(ctx, anbao.OrgFilter{Kind: anbao.KindRegulator, Status: anbao.OrgActive, Jurisdiction: jur,
				Page: anbao.Page{Limit: 5}}); lerr == nil {
				for _, o := range l.Items {
					if o.Jurisdiction == jur {
						in.MemberIDs = append(in.MemberIDs, o.ID)
						break
					}
				}
			}
		}
	}
	var pr *anbao.PilotProject
	if err == nil {
		pr, err = s.store.RegisterProject(ctx, in)
	}
	if err != nil {
		if quoteStepError(err) {
			s.writeError(w, r, err)
			return
		}
		status := p.setError("register", f, err, s, r)
		s.projectNewPage(w, r, p, status)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/projects/%d?done=registered", pr.ID), http.StatusSeeOther)
}

// pjOrgIDs reads organisation ids separated by commas, spaces or new lines.
func pjOrgIDs(v, field string) ([]int64, error) {
	var out []int64
	for _, x := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == '，' || r == ' ' || r == '\n' || r == '\r' || r == '\t' }) {
		n, err := strconv.ParseInt(x, 10, 64)
		if err != nil || n <= 0 {
			return nil, anbao.FieldError(field, "pj.err.org_ids", x)
		}
		out = append(out, n)
	}
	return out, nil
}

// One project.

type uiProjectData struct {
	Pr                     *anbao.PilotProject
	Entry                  *anbao.CatalogueEntry
	IsMember, IsRegistrant bool
	CanKeep, CanReport     bool
	// CanRespond: the caller is the admin of an enterprise invited to the project.
	CanRespond bool
	Candidates []*anbao.Organisation
	Cases      []*anbao.PilotCase
	Today      string
}

func (s *Server) uiProject(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "pid")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.projectPage(w, r, http.StatusOK, id, "", nil)
}

func (s *Server) projectPage(w http.ResponseWriter, r *http.Request, status int, id int64, form string, formErr error) {
	p := s.newPage(r, "pj.detail_title", "projects")
	pjFlash(p, r)
	ctx := r.Context()
	pr, err := s.store.GetProject(ctx, id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	p.Title = pr.Title
	d := &uiProjectData{Pr: pr, Today: s.store.Now().In(anbao.Shanghai).Format("2006-01-02")}
	for _, m := range pr.Members {
		if m.OrgID == p.P.OrgID {
			d.IsMember = m.Status == anbao.MemberAccepted
			d.CanRespond = m.Status == anbao.MemberInvited && p.P.OrgKind == anbao.KindEnterprise && p.P.HasRole(anbao.RoleAdmin)
		}
	}
	d.IsRegistrant = pr.RegistrantOrgID == p.P.OrgID
	d.CanKeep = d.IsMember && anbao.Can(p.P, anbao.ActProjectRegister)
	d.CanReport = d.IsMember && anbao.Can(p.P, anbao.ActProjectReport)
	if e, err := s.store.CatalogueEntry(ctx, pr.CatalogueEntryID); err == nil {
		d.Entry = e
	}
	if d.IsRegistrant && pr.Status == anbao.ProjectActive && anbao.Can(p.P, anbao.ActProjectRegister) {
		have := map[int64]bool{}
		for _, m := range pr.Members {
			have[m.OrgID] = true
		}
		if d.Entry != nil {
			for _, m := range d.Entry.Partners {
				if !have[m.OrgID] {
					have[m.OrgID] = true
					d.Candidates = append(d.Candidates, &anbao.Organisation{ID: m.OrgID, NameZH: m.Name, Kind: m.Kind})
				}
			}
		}
		for _, k := range []anbao.OrgKind{anbao.KindRegulator, anbao.KindEnterprise} {
			f := anbao.OrgFilter{Kind: k, Status: anbao.OrgActive, Page: anbao.Page{Limit: 200}}
			if k == anbao.KindRegulator {
				f.Jurisdiction = pr.Jurisdiction
			}
			if k == anbao.KindEnterprise && p.P.OrgKind == anbao.KindEnterprise {
				continue // an enterprise proposes no other enterprise
			}
			if k == anbao.KindEnterprise && p.P.OrgKind == anbao.KindRegulator {
				f.Jurisdiction = p.P.Jurisdiction // a local authority proposes enterprises of its jurisdiction
			}
			if l, err := s.store.ListOrganisations(ctx, f); err == nil {
				for _, o := range l.Items {
					if !have[o.ID] && (k != anbao.KindRegulator || o.Jurisdiction == pr.Jurisdiction) {
						d.Candidates = append(d.Candidates, o)
					}
				}
			}
		}
	}
	if l, err := s.store.ListCases(ctx, store.CaseFilter{ProjectID: id, Page: anbao.Page{Limit: 50}}); err == nil {
		d.Cases = l.Items
	}
	if formErr != nil {
		status = p.setError(form, nil, formErr, s, r)
		if r.PostForm != nil {
			p.Form = r.PostForm
		}
	}
	p.Data = d
	s.render(w, r, status, "project", p)
}

// uiProjectStep runs one step on a project from its form.
func (s *Server) uiProjectStep(step string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, "pid")
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		r.ParseForm()
		ctx, f := r.Context(), r.PostForm
		version, _ := strconv.Atoi(f.Get("version"))
		anchor := ""
		switch step {
		case "members":
			var ids []int64
			if ids, err = pjOrgIDs(strings.Join(append(f["org_id"], f.Get("org_ids")), ","), "org_ids"); err == nil {
				_, err = s.store.AddProjectMembers(ctx, id, store.MembersInput{OrgIDs: ids, Version: version})
			}
			anchor = "#members"
		case "milestones":
			_, err = s.store.AddMilestone(ctx, id, store.MilestoneInput{Title: f.Get("title"), DueDate: strings.TrimSpace(f.Get("due_date")),
				DoneDate: strings.TrimSpace(f.Get("done_date")), Note: f.Get("note")})
			anchor = "#milestones"
		case "milestone":
			var mid int64
			if mid, err = pathID(r, "mid"); err == nil {
				_, err = s.store.UpdateMilestone(ctx, id, mid, store.MilestoneInput{Title: f.Get("title"), DueDate: strings.TrimSpace(f.Get("due_date")),
					DoneDate: strings.TrimSpace(f.Get("done_date")), Note: f.Get("note"), Version: version})
			}
			anchor = "#milestones"
		case "status":
			_, err = s.store.SetProjectStatus(ctx, id, store.ProjectStatusInput{Status: anbao.ProjectStatus(f.Get("status")),
				Note: f.Get("note"), Version: version})
		case "accept":
			_, err = s.store.AcceptProjectMembership(ctx, id, anbao.PrincipalFrom(ctx).OrgID, store.MemberResponseInput{Version: version})
			anchor = "#members"
		case "decline":
			if _, err = s.store.DeclineProjectMembership(ctx, id, anbao.PrincipalFrom(ctx).OrgID, store.MemberResponseInput{Version: version}); err == nil {
				http.Redirect(w, r, "/projects?done=declined", http.StatusSeeOther)
				return
			}
		}
		if err != nil {
			if quoteStepError(err) {
				s.writeError(w, r, err)
				return
			}
			s.projectPage(w, r, 0, id, step, err)
			return
		}
		http.Redirect(w, r, fmt.Sprintf("/projects/%d?done=%s%s", id, step, anchor), http.StatusSeeOther)
	}
}

// A periodic report.

type uiKPIRow struct {
	Field              anbao.KPIField
	Platform, Reported int64
	Input              string
	Differs            bool
}

type uiReportData struct {
	R                  *anbao.PeriodicReport
	Pr                 *anbao.PilotProject
	Rows               []uiKPIRow
	CanFill, CanReview bool
	Frozen             bool
}

func (s *Server) uiProjectReport(w http.ResponseWriter, r *http.Request) {
	s.projectReportPage(w, r, http.StatusOK, "", nil)
}

func (s *Server) projectReportPage(w http.ResponseWriter, r *http.Request, status int, form string, formErr error) {
	p := s.newPage(r, "pj.report_title", "projects")
	pjFlash(p, r)
	ctx := r.Context()
	pid, err := pathID(r, "pid")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	rid, err := pathID(r, "rid")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	rep, err := s.store.GetProjectReport(ctx, rid)
	if err == nil && rep.ProjectID != pid {
		err = anbao.ErrNotFound("report")
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	pr, err := s.store.GetProject(ctx, pid)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	d := &uiReportData{R: rep, Pr: pr, Frozen: !rep.Status.Open()}
	member := slices.ContainsFunc(pr.Members, func(m anbao.ProjectMember) bool {
		return m.OrgID == p.P.OrgID && m.Status == anbao.MemberAccepted
	})
	d.CanFill = member && anbao.Can(p.P, anbao.ActProjectReport) && rep.Status.Open()
	d.CanReview = anbao.Can(p.P, anbao.ActReportAcknowledge) && rep.Status == anbao.ReportSubmitted &&
		(p.P.Jurisdiction == "" || p.P.Jurisdiction == pr.Jurisdiction) && rep.ReporterOrgID != p.P.OrgID
	platform := rep.Platform
	if platform == nil {
		platform = &anbao.ProjectKPIs{}
	}
	reported := rep.Reported
	if reported == nil {
		reported = platform
	}
	pf, rf := platform.Fields(), reported.Fields()
	for i, f := range pf {
		row := uiKPIRow{Field: f, Platform: *f.Ptr, Reported: *rf[i].Ptr}
		row.Differs = row.Platform != row.Reported
		if f.Money {
			row.Input = formatAmount(row.Reported, "yuan")
		} else {
			row.Input = strconv.FormatInt(row.Reported, 10)
		}
		d.Rows = append(d.Rows, row)
	}
	p.Title = pr.Title + " · " + rep.Period
	if formErr != nil {
		status = p.setError(form, nil, formErr, s, r)
		if r.PostForm != nil {
			p.Form = r.PostForm
			for i := range d.Rows {
				d.Rows[i].Input = r.PostForm.Get("kpi." + d.Rows[i].Field.Key)
			}
		}
	} else {
		p.Form = url.Values{"progress": {rep.Progress}, "issues": {rep.Issues}, "next_steps": {rep.NextSteps}}
	}
	p.Data = d
	s.render(w, r, status, "project_report", p)
}

// pjKPIs reads the reported figures of the report form.
func pjKPIs(f url.Values) (*anbao.ProjectKPIs, error) {
	k := &anbao.ProjectKPIs{}
	for _, fd := range k.Fields() {
		v := strings.TrimSpace(f.Get("kpi." + fd.Key))
		if fd.Money {
			fen, ok := parseAmount(v, "yuan")
			if !ok {
				return nil, anbao.FieldError("reported."+fd.Key, "pj.err.amount", v)
			}
			*fd.Ptr = fen
			continue
		}
		if v == "" {
			continue
		}
		n, err := strconv.ParseInt(strings.ReplaceAll(v, ",", ""), 10, 64)
		if err != nil {
			return nil, anbao.FieldError("reported."+fd.Key, "pj.err.count", v)
		}
		*fd.Ptr = n
	}
	return k, nil
}

func (s *Server) uiReportStep(step string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		pid, err := pathID(r, "pid")
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		rid, err := pathID(r, "rid")
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		r.ParseForm()
		ctx, f := r.Context(), r.PostForm
		version, _ := strconv.Atoi(f.Get("version"))
		// The report must belong to the project of the path.
		if rep, gerr := s.store.GetProjectReport(ctx, rid); gerr != nil || rep.ProjectID != pid {
			s.writeError(w, r, anbao.ErrNotFound("report"))
			return
		}
		switch step {
		case "save", "submit":
			var k *anbao.ProjectKPIs
			if k, err = pjKPIs(f); err == nil {
				in := store.ReportInput{Reported: k, Progress: f.Get("progress"), Issues: f.Get("issues"), NextSteps: f.Get("next_steps"), Version: version}
				if step == "save" {
					_, err = s.store.SaveReport(ctx, rid, in)
				} else {
					_, err = s.store.SubmitReport(ctx, rid, in)
				}
			}
		case "acknowledge":
			_, err = s.store.AcknowledgeReport(ctx, rid, store.ReportReviewInput{Comment: f.Get("comment"), Version: version})
		case "return":
			_, err = s.store.ReturnReport(ctx, rid, store.ReportReviewInput{Comment: f.Get("comment"), Version: version})
		}
		if err != nil {
			if quoteStepError(err) {
				s.writeError(w, r, err)
				return
			}
			s.projectReportPage(w, r, 0, step, err)
			return
		}
		http.Redirect(w, r, fmt.Sprintf("/projects/%d/reports/%d?done=report_%s", pid, rid, step), http.StatusSeeOther)
	}
}

// The case library.

type uiCasesData struct {
	Library, Mine, Queue []*anbao.PilotCase
	Kinds                []anbao.CaseKind
	Kind, Q              string
	CanSubmit, Reviewer  bool
	Total                int
	Pager                uiPager
}

func (s *Server) uiCases(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "case.title", "pilot")
	pjFlash(p, r)
	if err := anbao.Authorize(p.P, anbao.ActPilotRead); err != nil {
		s.writeError(w, r, err)
		return
	}
	pg, err := page(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	ctx := r.Context()
	q := r.URL.Query()
	d := &uiCasesData{Kinds: anbao.CaseKinds, Kind: q.Get("kind"), Q: q.Get("q"), CanSubmit: anbao.Can(p.P, anbao.ActCaseSubmit),
		Reviewer: anbao.Can(p.P, anbao.ActCaseReview)}
	status := http.StatusOK
	lib, err := s.store.ListCases(ctx, store.CaseFilter{Library: true, Kind: anbao.CaseKind(d.Kind), Query: d.Q, Page: pg})
	if err != nil {
		if anbao.ErrorCode(err) != anbao.EINVALID {
			s.writeError(w, r, err)
			return
		}
		status = p.setError("filter", nil, err, s, r)
		lib = &store.ItemList[*anbao.PilotCase]{Items: []*anbao.PilotCase{}}
	}
	d.Library, d.Total = lib.Items, lib.Total
	d.Pager = makePager("/cases", q, pg, lib.Total, len(lib.Items))
	if all, err := s.store.ListCases(ctx, store.CaseFilter{Page: anbao.Page{Limit: 200}}); err == nil {
		for _, c := range all.Items {
			switch {
			case c.OrgID == p.P.OrgID && c.Status != anbao.CasePublished:
				d.Mine = append(d.Mine, c)
			case d.Reviewer && (c.Status == anbao.CaseSubmitted || c.Status == anbao.CaseSelected):
				d.Queue = append(d.Queue, c)
			}
		}
	}
	p.Data = d
	s.render(w, r, status, "cases", p)
}

type uiCaseData struct {
	C                     *anbao.PilotCase
	Project               *anbao.PilotProject
	CanEdit, CanSubmit    bool
	CanDecide, CanComment bool
	CanPublish            bool
	Decisions             []string
	Sections              []string
}

var caseSections = []string{"background", "risk", "insurance_services", "incident_claim", "outcome", "lessons"}

func (s *Server) uiCase(w http.ResponseWriter, r *http.Request) {
	s.casePage(w, r, http.StatusOK, "", nil)
}

func (s *Server) casePage(w http.ResponseWriter, r *http.Request, status int, form string, formErr error) {
	p := s.newPage(r, "case.detail_title", "pilot")
	pjFlash(p, r)
	id, err := pathID(r, "cid")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	c, err := s.store.GetCase(r.Context(), id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	p.Title = c.Title
	pr := p.P
	own := c.OrgID == pr.OrgID
	national := anbao.Can(pr, anbao.ActCaseReview) && pr.IsNational()
	d := &uiCaseData{C: c, Sections: caseSections,
		CanEdit:    own && anbao.Can(pr, anbao.ActCaseSubmit) && c.Status == anbao.CaseDraft,
		CanDecide:  national && (c.Status == anbao.CaseSubmitted || c.Status == anbao.CaseSelected || c.Status == anbao.CaseRejected),
		CanComment: anbao.Can(pr, anbao.ActCaseReview) && (c.Status == anbao.CaseSubmitted || c.Status == anbao.CaseSelected),
		CanPublish: national && pr.HasRole(anbao.RoleAdmin) && c.Status == anbao.CaseSelected}
	d.CanSubmit = d.CanEdit
	if national {
		d.Decisions = []string{anbao.CaseDecisionSelect, anbao.CaseDecisionReject, anbao.CaseDecisionReturn, anbao.CaseDecisionComment}
	} else {
		d.Decisions = []string{anbao.CaseDecisionRecommend, anbao.CaseDecisionComment}
	}
	if c.ProjectID != 0 {
		if pj, err := s.store.GetProject(r.Context(), c.ProjectID); err == nil {
			d.Project = pj
		}
	}
	if formErr != nil {
		status = p.setError(form, r.PostForm, formErr, s, r)
	}
	p.Data = d
	s.render(w, r, status, "case", p)
}

type uiCaseFormData struct {
	ID       int64
	Version  int
	Kinds    []anbao.CaseKind
	Projects []*anbao.PilotProject
	Sections []string
}

func (s *Server) uiCaseNew(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "case.new_title", "pilot")
	if err := anbao.Authorize(p.P, anbao.ActCaseSubmit); err != nil {
		s.writeError(w, r, err)
		return
	}
	p.Form = url.Values{"kind": {string(anbao.CaseGoodPractice)}, "project_id": {r.URL.Query().Get("project")}}
	s.caseFormPage(w, r, p, http.StatusOK, 0, 0)
}

func (s *Server) uiCaseEdit(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "case.edit_title", "pilot")
	id, err := pathID(r, "cid")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	c, err := s.store.GetCase(r.Context(), id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if c.OrgID != p.P.OrgID || c.Status != anbao.CaseDraft || !anbao.Can(p.P, anbao.ActCaseSubmit) {
		s.writeError(w, r, anbao.Errorf(anbao.EFORBIDDEN, "case.submitter_only"))
		return
	}
	p.Form = url.Values{"kind": {string(c.Kind)}, "title": {c.Title}, "industry": {c.Industry}, "background": {c.Background},
		"risk": {c.Risk}, "insurance_services": {c.InsuranceServices}, "incident_claim": {c.IncidentClaim}, "outcome": {c.Outcome},
		"lessons": {c.Lessons}}
	if c.ProjectID != 0 {
		p.Form.Set("project_id", strconv.FormatInt(c.ProjectID, 10))
	}
	s.caseFormPage(w, r, p, http.StatusOK, c.ID, c.Version)
}

func (s *Server) caseFormPage(w http.ResponseWriter, r *http.Request, p *uiPage, status int, id int64, version int) {
	d := &uiCaseFormData{ID: id, Version: version, Kinds: anbao.CaseKinds, Sections: caseSections}
	if l, err := s.store.ListProjects(r.Context(), store.ProjectFilter{Mine: true, Page: anbao.Page{Limit: 200}}); err == nil {
		d.Projects = l.Items
	}
	p.Data = d
	s.render(w, r, status, "case_form", p)
}

func (s *Server) uiCaseSave(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "case.new_title", "pilot")
	r.ParseForm()
	f := r.PostForm
	var id int64
	if r.PathValue("cid") != "" {
		var err error
		if id, err = pathID(r, "cid"); err != nil {
			s.writeError(w, r, err)
			return
		}
		p.Title = p.T("case.edit_title")
	}
	version, _ := strconv.Atoi(f.Get("version"))
	in := store.CaseInput{Kind: anbao.CaseKind(f.Get("kind")), Title: f.Get("title"), Industry: strings.TrimSpace(f.Get("industry")),
		Background: f.Get("background"), Risk: f.Get("risk"), InsuranceServices: f.Get("insurance_services"),
		IncidentClaim: f.Get("incident_claim"), Outcome: f.Get("outcome"), Lessons: f.Get("lessons"), Version: version}
	var err error
	if v := f.Get("project_id"); v != "" {
		if in.ProjectID, err = strconv.ParseInt(v, 10, 64); err != nil {
			err = anbao.FieldError("project_id", "case.project_not_member", v)
		}
	}
	var c *anbao.PilotCase
	if err == nil {
		if id == 0 {
			c, err = s.store.CreateCase(r.Context(), in)
		} else {
			c, err = s.store.UpdateCase(r.Context(), id, in)
		}
	}
	if err == nil && f.Get("then") == "submit" {
		if _, serr := s.store.SubmitCase(r.Context(), c.ID, 0); serr != nil {
			r.Method = http.MethodGet
			r.SetPathValue("cid", strconv.FormatInt(c.ID, 10))
			s.casePage(w, r, 0, "submit", serr)
			return
		}
		http.Redirect(w, r, fmt.Sprintf("/cases/%d?done=case_submit", c.ID), http.StatusSeeOther)
		return
	}
	if err != nil {
		if quoteStepError(err) {
			s.writeError(w, r, err)
			return
		}
		status := p.setError("case", f, err, s, r)
		s.caseFormPage(w, r, p, status, id, version)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/cases/%d?done=case_saved", c.ID), http.StatusSeeOther)
}

func (s *Server) uiCaseStep(step string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, "cid")
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		r.ParseForm()
		ctx, f := r.Context(), r.PostForm
		version, _ := strconv.Atoi(f.Get("version"))
		switch step {
		case "submit":
			_, err = s.store.SubmitCase(ctx, id, version)
		case "review":
			_, err = s.store.ReviewCase(ctx, id, store.CaseReviewInput{Decision: f.Get("decision"), Comment: f.Get("comment"), Version: version})
		case "publish":
			_, err = s.store.PublishCase(ctx, id, version)
		}
		if err != nil {
			if quoteStepError(err) {
				s.writeError(w, r, err)
				return
			}
			s.casePage(w, r, 0, step, err)
			return
		}
		http.Redirect(w, r, fmt.Sprintf("/cases/%d?done=case_%s", id, step), http.StatusSeeOther)
	}
}
