package server

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/i18n"
	"github.com/anbao/anbao/refdata"
	"github.com/anbao/anbao/store"
)

// The pilot pages (issue #7): the hub (/pilot) with the batches and, by
// role, the caller's plans, the plans to recommend or the review
// assignments; a batch with its scope, window (with a countdown), notice and
// the operator's controls; the plan form and page with the consortium,
// services by phase, and the steps of each role (submit and withdraw,
// recommend, assign with conflicts shown, score against the rubric,
// decide); the experts' affiliations; the catalogue with its filters and
// entries, from which an enterprise asks the consortium for a quote or an
// assessment. The store scopes and checks everything.

var pilotPageNames = []string{"pilot", "pilot_batch", "pilot_batch_form", "pilot_plan", "pilot_plan_form", "pilot_experts",
	"catalogue", "catalogue_entry"}

// pilotPartnerRows is how many consortium rows the plan form offers.
const pilotPartnerRows = 10

var pilotFuncs = template.FuncMap{
	"ppSection": func(p *uiPage, letter string) string {
		if s, ok := refdata.SectionByCode(letter); ok {
			return s.Code + " " + s.Name(p.Lang)
		}
		return letter
	},
	"ppT": func(p *uiPage, prefix string, v any) string {
		k := prefix + fmt.Sprint(v)
		if i18n.Has(p.Lang, k) {
			return p.T(k)
		}
		return fmt.Sprint(v)
	},
	"ppScore": func(x float64) string { return strconv.FormatFloat(x, 'f', 2, 64) },
	"ppLines": func(xs []string) string { return strings.Join(xs, "\n") },
	"ppHasStr": func(xs any, v string) bool {
		switch l := xs.(type) {
		case []string:
			return slices.Contains(l, v)
		case []anbao.SubjectType:
			return slices.Contains(l, anbao.SubjectType(v))
		case []anbao.PilotProductType:
			return slices.Contains(l, anbao.PilotProductType(v))
		}
		return false
	},
	"ppSep": func(p *uiPage) string {
		if p.En() {
			return ", "
		}
		return "、"
	},
	"ppDate": func(s string) string { return formatStored(s, "2006-01-02") },
	"ppPlans": func(p *uiPage, id string, plans []*anbao.ServicePlan) ppPlansCtx {
		return ppPlansCtx{P: p, ID: id, Plans: plans}
	},
	"ppContent": func(p *uiPage, partners []anbao.PlanPartner, cov []anbao.PlanCoverage, svc anbao.PlanServices) ppContentCtx {
		return ppContentCtx{P: p, Partners: partners, Coverages: cov, Services: svc}
	},
	"ppAdd":          func(a, b int) int { return a + b },
	"list_relations": func() []string { return anbao.AffiliationRelations },
	"shortHash":      shortHash,
}

// ppPlansCtx is a table of plans.
type ppPlansCtx struct {
	P     *uiPage
	ID    string
	Plans []*anbao.ServicePlan
}

// ppContentCtx is what the consortium and coverage partial shows.
type ppContentCtx struct {
	P         *uiPage
	Partners  []anbao.PlanPartner
	Coverages []anbao.PlanCoverage
	Services  anbao.PlanServices
}

// IsProperty reports whether a coverage item is a property (first-party) item.
func (c ppContentCtx) IsProperty(item string) bool {
	return slices.Contains(anbao.PropertyCoverages, item)
}

func (u *uiRenderer) addPilotPages() error {
	funcs := template.FuncMap{}
	for k, v := range quoteFuncs {
		funcs[k] = v
	}
	for k, v := range pilotFuncs {
		funcs[k] = v
	}
	pages := map[string]string{}
	for _, name := range pilotPageNames {
		pages[name] = "templates/" + name + ".html"
	}
	return u.addPageSet(funcs, "templates/pilot_parts.html", pages)
}

// registerPilotPlanPages registers the pilot pages: /pilot, batches, plans and /catalogue.
func (s *Server) registerPilotPlanPages() error {
	if err := s.ui.addPilotPages(); err != nil {
		return err
	}
	s.allowBody("/pilot/", store.MaxNoticeBytes+1<<20)
	m := s.mux
	m.HandleFunc("GET /pilot", s.uiAuth(s.uiPilot))
	m.HandleFunc("GET /pilot/batches/new", s.uiAuth(s.uiBatchNew))
	m.HandleFunc("POST /pilot/batches/new", s.uiAuth(s.uiBatchSave))
	m.HandleFunc("GET /pilot/batches/{bid}", s.uiAuth(s.uiBatch))
	m.HandleFunc("GET /pilot/batches/{bid}/edit", s.uiAuth(s.uiBatchEdit))
	m.HandleFunc("POST /pilot/batches/{bid}/edit", s.uiAuth(s.uiBatchSave))
	for _, step := range []string{"status", "notice", "publish"} {
		m.HandleFunc("POST /pilot/batches/{bid}/"+step, s.uiAuth(s.uiBatchStep(step)))
	}
	m.HandleFunc("GET /pilot/plans/new", s.uiAuth(s.uiPlanNew))
	m.HandleFunc("POST /pilot/plans/new", s.uiAuth(s.uiPlanSave))
	m.HandleFunc("GET /pilot/plans/{plid}", s.uiAuth(s.uiPlan))
	m.HandleFunc("GET /pilot/plans/{plid}/edit", s.uiAuth(s.uiPlanEdit))
	m.HandleFunc("POST /pilot/plans/{plid}/edit", s.uiAuth(s.uiPlanSave))
	for _, step := range pilotPlanSteps {
		m.HandleFunc("POST /pilot/plans/{plid}/"+step, s.uiAuth(s.uiPlanStep(step)))
	}
	m.HandleFunc("GET /pilot/experts", s.uiAuth(s.uiExperts))
	m.HandleFunc("POST /pilot/experts/affiliations", s.uiAuth(s.uiAffiliationAdd))
	m.HandleFunc("POST /pilot/experts/affiliations/{afid}/remove", s.uiAuth(s.uiAffiliationRemove))
	m.HandleFunc("GET /catalogue", s.uiAuth(s.uiCatalogue))
	m.HandleFunc("GET /catalogue/{eid}", s.uiAuth(s.uiCatalogueEntry))
	return nil
}

// ppFlash shows the success message a redirect asks for with ?done=.
func ppFlash(p *uiPage, r *http.Request) {
	if k := r.URL.Query().Get("done"); k != "" && i18n.Has(p.Lang, "pp.done."+k) {
		p.Flash = p.T("pp.done." + k)
	}
}

// ---------------------------------------------------------------------------
// The hub.

type uiPilotData struct {
	Batches     []*anbao.PilotBatch
	OpenBatches []*anbao.PilotBatch
	CanManage   bool // batches
	CanLead     bool // may lead plans
	CanAssign   bool // operator admin
	IsExpert    bool
	IsLocal     bool // a local regulator
	IsReader    bool // national overview of submitted plans
	Plans       []*anbao.ServicePlan
	PlansTitle  string
	Assignments []*anbao.ReviewAssignment
}

func (s *Server) uiPilot(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "pp.hub.title", "pilot")
	ppFlash(p, r)
	ctx := r.Context()
	pr := p.P
	d := &uiPilotData{}
	var err error
	if d.Batches, err = s.store.ListBatches(ctx); err != nil {
		s.writeError(w, r, err)
		return
	}
	for _, b := range d.Batches {
		if b.Status == anbao.BatchOpen {
			d.OpenBatches = append(d.OpenBatches, b)
		}
	}
	d.CanManage = anbao.Can(pr, anbao.ActBatchManage) && pr.IsNational()
	d.CanLead = anbao.Can(pr, anbao.ActPlanSubmit)
	d.CanAssign = anbao.Can(pr, anbao.ActReviewAssign)
	d.IsExpert = anbao.Can(pr, anbao.ActPlanReview)
	d.IsLocal = pr.OrgKind == anbao.KindRegulator && pr.Jurisdiction != ""
	f := store.PlanFilter{Page: anbao.Page{Limit: anbao.MaxPageLimit}}
	switch {
	case pr.OrgKind == anbao.KindInsurer || pr.OrgKind == anbao.KindProvider || pr.OrgKind == anbao.KindEnterprise:
		f.Mine, d.PlansTitle = true, "pp.hub.my_plans"
	case d.IsLocal:
		d.PlansTitle = "pp.hub.to_recommend"
	case pr.OrgKind == anbao.KindRegulator || d.CanAssign || pr.HasRole(anbao.RoleAnalyst):
		d.PlansTitle, d.IsReader = "pp.hub.submitted", true
	}
	if d.PlansTitle != "" {
		l, err := s.store.ListPlans(ctx, f)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		d.Plans = l.Items
	}
	if d.IsExpert {
		if d.Assignments, err = s.store.MyAssignments(ctx); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "pilot", p)
}

// ---------------------------------------------------------------------------
// Batches.

type uiBatchData struct {
	B         *anbao.PilotBatch
	CanManage bool
	CanLead   bool
	CanAssign bool
	Plans     []*anbao.ServicePlan
	ShowPlans bool
	Versions  []*anbao.CatalogueVersion
	Next      anbao.BatchStatus
	Countdown string // RFC 3339 of the deadline while open
	Selected  int
}

func (s *Server) batchPage(w http.ResponseWriter, r *http.Request, status int, id int64, form string, formErr error) {
	p := s.newPage(r, "pp.batch.title", "pilot")
	ppFlash(p, r)
	ctx := r.Context()
	d := &uiBatchData{}
	var err error
	if d.B, err = s.store.GetBatch(ctx, id); err != nil {
		s.writeError(w, r, err)
		return
	}
	p.Title = d.B.Name(p.Lang)
	pr := p.P
	d.CanManage = anbao.Can(pr, anbao.ActBatchManage) && pr.IsNational()
	d.CanLead = anbao.Can(pr, anbao.ActPlanSubmit) && (pr.OrgKind == anbao.KindInsurer || pr.OrgKind == anbao.KindProvider) &&
		d.B.Status == anbao.BatchOpen
	d.CanAssign = anbao.Can(pr, anbao.ActReviewAssign)
	if i := slices.Index(anbao.BatchStatuses, d.B.Status); i >= 0 && i+1 < len(anbao.BatchStatuses) {
		d.Next = anbao.BatchStatuses[i+1]
	}
	if d.B.Status == anbao.BatchOpen {
		if t, err := anbao.ParseTime(d.B.ClosesAt); err == nil && t.After(s.store.Now()) {
			d.Countdown = t.Format(time.RFC3339)
		}
	}
	if d.B.Status != anbao.BatchDraft {
		l, err := s.store.ListPlans(ctx, store.PlanFilter{BatchID: id, Page: anbao.Page{Limit: anbao.MaxPageLimit}})
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		d.Plans, d.ShowPlans = l.Items, len(l.Items) > 0 || d.CanAssign
		for _, pl := range l.Items {
			if pl.Status == anbao.PlanSelected {
				d.Selected++
			}
		}
		if d.Versions, err = s.store.ListCatalogueVersions(ctx, id); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	if formErr != nil {
		status = p.setError(form, r.PostForm, formErr, s, r)
	}
	p.Data = d
	s.render(w, r, status, "pilot_batch", p)
}

func (s *Server) uiBatch(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "bid")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.batchPage(w, r, http.StatusOK, id, "", nil)
}

type uiBatchFormData struct {
	B            *anbao.PilotBatch // nil for a new batch
	Sections     []refdata.Section
	SubjectTypes []anbao.SubjectType
	ProductTypes []anbao.PilotProductType
	Issuers      []string
	Rubric       []anbao.RubricCriterion
}

func (s *Server) batchFormPage(w http.ResponseWriter, r *http.Request, status int, b *anbao.PilotBatch, formErr error) {
	p := s.newPage(r, "pp.batch.new_title", "pilot")
	if err := anbao.Authorize(p.P, anbao.ActBatchManage); err != nil || !p.P.IsNational() {
		s.writeError(w, r, anbao.Errorf(anbao.EFORBIDDEN, "pilot.national_only"))
		return
	}
	d := &uiBatchFormData{B: b, Sections: refdata.Sections(), SubjectTypes: anbao.SubjectTypes, ProductTypes: anbao.PilotProductTypes,
		Issuers: anbao.BatchIssuers, Rubric: anbao.DefaultRubric()}
	p.FormID = "batch"
	if b != nil {
		p.Title = p.T("pp.batch.edit_title")
		d.Rubric = b.Rubric
		v := url.Values{"code": {b.Code}, "name_zh": {b.NameZH}, "name_en": {b.NameEN}, "description": {b.Description},
			"notice_date": {b.NoticeDate}, "opens_at": {bjInput(b.OpensAt)}, "closes_at": {bjInput(b.ClosesAt)},
			"version": {strconv.Itoa(b.Version)}}
		v["issuers"] = b.Issuers
		v["industries"] = b.Industries
		for _, x := range b.SubjectTypes {
			v.Add("subject_types", string(x))
		}
		for _, x := range b.ProductTypes {
			v.Add("product_types", string(x))
		}
		for _, c := range b.Rubric {
			v.Set("rubric."+c.Key, strconv.Itoa(c.Max))
		}
		p.Form = v
	} else {
		v := url.Values{}
		for _, c := range d.Rubric {
			v.Set("rubric."+c.Key, strconv.Itoa(c.Max))
		}
		p.Form = v
	}
	if formErr != nil {
		status = p.setError("batch", r.PostForm, formErr, s, r)
	}
	p.Data = d
	s.render(w, r, status, "pilot_batch_form", p)
}

func (s *Server) uiBatchNew(w http.ResponseWriter, r *http.Request) {
	s.batchFormPage(w, r, http.StatusOK, nil, nil)
}

func (s *Server) uiBatchEdit(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "bid")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	b, err := s.store.GetBatch(r.Context(), id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.batchFormPage(w, r, http.StatusOK, b, nil)
}

// batchFormInput reads the batch form. The rubric keeps the default
// criteria with the maxima typed in.
func batchFormInput(form url.Values) store.BatchInput {
	in := store.BatchInput{Code: form.Get("code"), NameZH: form.Get("name_zh"), NameEN: form.Get("name_en"),
		Description: form.Get("description"), Issuers: form["issuers"], NoticeDate: strings.TrimSpace(form.Get("notice_date")),
		Industries: form["industries"], OpensAt: form.Get("opens_at"), ClosesAt: form.Get("closes_at")}
	in.Version, _ = strconv.Atoi(form.Get("version"))
	for _, x := range form["subject_types"] {
		in.SubjectTypes = append(in.SubjectTypes, anbao.SubjectType(x))
	}
	for _, x := range form["product_types"] {
		in.ProductTypes = append(in.ProductTypes, anbao.PilotProductType(x))
	}
	rubric := anbao.DefaultRubric()
	changed := false
	for i, c := range rubric {
		if v := strings.TrimSpace(form.Get("rubric." + c.Key)); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				n = -1
			}
			rubric[i].Max = n
			changed = true
		}
	}
	if changed {
		in.Rubric = rubric
	}
	return in
}

func (s *Server) uiBatchSave(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	in := batchFormInput(r.PostForm)
	var b *anbao.PilotBatch
	var err error
	if r.PathValue("bid") == "" {
		b, err = s.store.CreateBatch(r.Context(), in)
	} else {
		var id int64
		if id, err = pathID(r, "bid"); err == nil {
			if b, err = s.store.UpdateBatch(r.Context(), id, in); err != nil {
				old, gerr := s.store.GetBatch(r.Context(), id)
				if gerr != nil {
					s.writeError(w, r, gerr)
					return
				}
				s.batchFormPage(w, r, 0, old, err)
				return
			}
		}
	}
	if err != nil {
		if quoteStepError(err) {
			s.writeError(w, r, err)
			return
		}
		s.batchFormPage(w, r, 0, nil, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/pilot/batches/%d?done=saved", b.ID), http.StatusSeeOther)
}

func (s *Server) uiBatchStep(step string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, "bid")
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		ctx := r.Context()
		switch step {
		case "notice":
			var up *store.EvidenceUpload
			if up, err = formFile(r, "file"); err == nil {
				if up == nil {
					err = anbao.FieldError("file", "evidence.empty")
				} else {
					_, err = s.store.SetBatchNotice(ctx, id, up)
				}
			}
		case "status":
			r.ParseForm()
			v, _ := strconv.Atoi(r.PostForm.Get("version"))
			_, err = s.store.SetBatchStatus(ctx, id, store.BatchStatusInput{Status: anbao.BatchStatus(r.PostForm.Get("status")), Version: v})
		case "publish":
			r.ParseForm()
			_, err = s.store.PublishCatalogue(ctx, id, store.PublishInput{Note: r.PostForm.Get("note")})
		}
		if err != nil {
			if quoteStepError(err) {
				s.writeError(w, r, err)
				return
			}
			s.batchPage(w, r, 0, id, step, err)
			return
		}
		http.Redirect(w, r, fmt.Sprintf("/pilot/batches/%d?done=%s", id, step), http.StatusSeeOther)
	}
}

// ---------------------------------------------------------------------------
// Plans.

type uiPlanFormData struct {
	B            *anbao.PilotBatch
	Plan         *anbao.ServicePlan // nil for a new plan
	Orgs         []*anbao.Organisation
	Roles        []anbao.PartnerRole
	LeadRoles    []anbao.PartnerRole
	Rows         []int
	Property     []string
	Liability    []string
	SubjectTypes []anbao.SubjectType
}

// planOrgs lists the active insurers and providers a consortium may take in.
func (s *Server) planOrgs(r *http.Request) []*anbao.Organisation {
	var out []*anbao.Organisation
	for _, k := range []anbao.OrgKind{anbao.KindInsurer, anbao.KindProvider} {
		l, err := s.store.ListOrganisations(r.Context(), anbao.OrgFilter{Kind: k, Status: anbao.OrgActive,
			Page: anbao.Page{Limit: anbao.MaxPageLimit}})
		if err == nil {
			out = append(out, l.Items...)
		}
	}
	return out
}

func (s *Server) planFormPage(w http.ResponseWriter, r *http.Request, status int, batchID int64, pl *anbao.ServicePlan, formErr error) {
	p := s.newPage(r, "pp.plan.new_title", "pilot")
	ctx := r.Context()
	if err := anbao.Authorize(p.P, anbao.ActPlanSubmit); err != nil {
		s.writeError(w, r, err)
		return
	}
	d := &uiPlanFormData{Plan: pl, Roles: anbao.PartnerRoles, Property: anbao.PropertyCoverages, Liability: anbao.LiabilityCoverages}
	var err error
	if pl != nil {
		batchID = pl.BatchID
		p.Title = p.T("pp.plan.edit_title")
	}
	if d.B, err = s.store.GetBatch(ctx, batchID); err != nil {
		s.writeError(w, r, err)
		return
	}
	for _, role := range anbao.PartnerRoles {
		if role.FitsKind(p.P.OrgKind) {
			d.LeadRoles = append(d.LeadRoles, role)
		}
	}
	d.Orgs = s.planOrgs(r)
	for i := range pilotPartnerRows {
		d.Rows = append(d.Rows, i)
	}
	p.FormID = "plan"
	if pl != nil {
		p.Form = planFormValues(pl)
	} else {
		p.Form = url.Values{"batch_id": {strconv.FormatInt(batchID, 10)}, "lead_role": {string(anbao.PartnerInsurer)}}
		if p.P.OrgKind == anbao.KindProvider {
			p.Form.Set("lead_role", string(anbao.PartnerSecurity))
		}
	}
	if formErr != nil {
		status = p.setError("plan", r.PostForm, formErr, s, r)
	}
	p.Data = d
	s.render(w, r, status, "pilot_plan_form", p)
}

// planFormValues writes a stored plan as form values.
func planFormValues(pl *anbao.ServicePlan) url.Values {
	v := url.Values{"batch_id": {strconv.FormatInt(pl.BatchID, 10)}, "title": {pl.Title}, "summary": {pl.Summary},
		"product_type": {string(pl.ProductType)}, "pricing": {pl.Pricing}, "registrations": {strings.Join(pl.Registrations, "\n")},
		"services.before": {strings.Join(pl.Services.Before, "\n")}, "services.during": {strings.Join(pl.Services.During, "\n")},
		"services.after": {strings.Join(pl.Services.After, "\n")}, "version": {strconv.Itoa(pl.Version)}}
	v["industries"] = pl.Industries
	for _, x := range pl.SubjectTypes {
		v.Add("subject_types", string(x))
	}
	for _, c := range pl.Coverages {
		v.Add("coverages", c.Item)
		if c.LimitFen > 0 {
			v.Set("limit."+c.Item, formatAmount(c.LimitFen, "yuan"))
		}
	}
	i := 0
	for _, x := range pl.Partners {
		if x.Lead {
			v.Set("lead_role", string(x.Role))
			continue
		}
		v.Set(fmt.Sprintf("partner.%d.org", i), strconv.FormatInt(x.OrgID, 10))
		v.Set(fmt.Sprintf("partner.%d.role", i), string(x.Role))
		i++
	}
	return v
}

func splitLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// planFormInput reads the plan form.
func planFormInput(form url.Values) (store.PlanInput, error) {
	in := store.PlanInput{Title: form.Get("title"), Summary: form.Get("summary"), ProductType: anbao.PilotProductType(form.Get("product_type")),
		Industries: form["industries"], Pricing: form.Get("pricing"), Registrations: splitLines(form.Get("registrations")),
		LeadRole: anbao.PartnerRole(form.Get("lead_role")),
		Services: anbao.PlanServices{Before: splitLines(form.Get("services.before")), During: splitLines(form.Get("services.during")),
			After: splitLines(form.Get("services.after"))}}
	in.BatchID, _ = strconv.ParseInt(form.Get("batch_id"), 10, 64)
	in.Version, _ = strconv.Atoi(form.Get("version"))
	for _, x := range form["subject_types"] {
		in.SubjectTypes = append(in.SubjectTypes, anbao.SubjectType(x))
	}
	for _, item := range form["coverages"] {
		c := anbao.PlanCoverage{Item: item}
		if strings.TrimSpace(form.Get("limit."+item)) != "" {
			fen, err := parseYuanField(form, "limit."+item, true)
			if err != nil {
				return in, err
			}
			c.LimitFen = fen
		}
		in.Coverages = append(in.Coverages, c)
	}
	for i := range pilotPartnerRows {
		org := strings.TrimSpace(form.Get(fmt.Sprintf("partner.%d.org", i)))
		if org == "" {
			continue
		}
		id, err := strconv.ParseInt(org, 10, 64)
		if err != nil || id <= 0 {
			return in, anbao.FieldError(fmt.Sprintf("partners.%d", i), "pilot.partner_unknown", org)
		}
		in.Partners = append(in.Partners, store.PartnerInput{OrgID: id, Role: anbao.PartnerRole(form.Get(fmt.Sprintf("partner.%d.role", i)))})
	}
	return in, nil
}

func (s *Server) uiPlanNew(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseInt(r.URL.Query().Get("batch"), 10, 64)
	s.planFormPage(w, r, http.StatusOK, id, nil, nil)
}

func (s *Server) uiPlanEdit(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "plid")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	pl, err := s.store.GetPlan(r.Context(), id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.planFormPage(w, r, http.StatusOK, 0, pl, nil)
}

func (s *Server) uiPlanSave(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	ctx := r.Context()
	in, err := planFormInput(r.PostForm)
	var pl, old *anbao.ServicePlan
	if r.PathValue("plid") != "" {
		id, perr := pathID(r, "plid")
		if perr != nil {
			s.writeError(w, r, perr)
			return
		}
		if old, perr = s.store.GetPlan(ctx, id); perr != nil {
			s.writeError(w, r, perr)
			return
		}
		if err == nil {
			pl, err = s.store.UpdatePlan(ctx, id, in)
		}
	} else if err == nil {
		pl, err = s.store.CreatePlan(ctx, in)
	}
	if err != nil {
		if quoteStepError(err) {
			s.writeError(w, r, err)
			return
		}
		s.planFormPage(w, r, 0, in.BatchID, old, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/pilot/plans/%d?done=saved", pl.ID), http.StatusSeeOther)
}

var pilotPlanSteps = []string{"submit", "withdraw", "attach", "recommend", "assign", "decide", "review", "recuse", "declare"}

type uiPlanData struct {
	Pl           *anbao.ServicePlan
	B            *anbao.PilotBatch
	IsLead       bool
	CanSubmit    bool
	CanWithdraw  bool
	CanRecommend bool
	CanAssign    bool
	CanDecide    bool
	Experts      []store.Expert
	MyReview     *anbao.ReviewAssignment
	CanScore     bool
	RecVersion   int
}

func (s *Server) planPage(w http.ResponseWriter, r *http.Request, status int, id int64, form string, formErr error) {
	p := s.newPage(r, "pp.plan.title", "pilot")
	ppFlash(p, r)
	ctx := r.Context()
	pr := p.P
	d := &uiPlanData{}
	var err error
	if d.Pl, err = s.store.GetPlan(ctx, id); err != nil {
		s.writeError(w, r, err)
		return
	}
	if d.B, err = s.store.GetBatch(ctx, d.Pl.BatchID); err != nil {
		s.writeError(w, r, err)
		return
	}
	p.Title = d.Pl.Title
	pl, b := d.Pl, d.B
	d.IsLead = pr.OrgID == pl.LeadOrgID && anbao.Can(pr, anbao.ActPlanSubmit)
	d.CanSubmit = d.IsLead && pl.Status == anbao.PlanDraft && b.Status == anbao.BatchOpen
	d.CanWithdraw = d.IsLead && pl.Status == anbao.PlanSubmitted && b.Status == anbao.BatchOpen
	reviewable := (pl.Status == anbao.PlanSubmitted || pl.Status == anbao.PlanReviewing) &&
		(b.Status == anbao.BatchOpen || b.Status == anbao.BatchReviewing)
	d.CanRecommend = reviewable && anbao.Can(pr, anbao.ActPlanRecommend) && pr.OrgKind == anbao.KindRegulator &&
		pr.Jurisdiction != "" && pr.Jurisdiction == pl.Jurisdiction
	if pl.Recommendation != nil {
		d.RecVersion = pl.Recommendation.Version
	}
	d.CanAssign = reviewable && anbao.Can(pr, anbao.ActReviewAssign)
	d.CanDecide = pl.Status.Submitted() && anbao.Can(pr, anbao.ActReviewAssign) &&
		(b.Status == anbao.BatchReviewing || b.Status == anbao.BatchPublished)
	if d.CanAssign {
		if d.Experts, err = s.store.ListExperts(ctx); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	if anbao.Can(pr, anbao.ActPlanReview) {
		for _, a := range pl.Assignments {
			if a.ExpertID == pr.UserID {
				d.MyReview = a
			}
		}
		d.CanScore = d.MyReview != nil && d.MyReview.Status != anbao.ReviewRecused && (pl.Outcome == nil || pl.Outcome.Decision == "") &&
			(b.Status == anbao.BatchOpen || b.Status == anbao.BatchReviewing)
	}
	p.Form = url.Values{}
	if rec := pl.Recommendation; rec != nil {
		if rec.Recommended {
			p.Form.Set("recommended", "1")
			p.Form.Set("rank", strconv.Itoa(rec.Rank))
		}
		p.Form.Set("comment", rec.Comment)
	}
	if a := d.MyReview; a != nil {
		for k, v := range a.Scores {
			p.Form.Set("score."+k, strconv.Itoa(v))
		}
		p.Form.Set("review_comment", a.Comment)
	}
	if formErr != nil {
		status = p.setError(form, r.PostForm, formErr, s, r)
	}
	p.Data = d
	s.render(w, r, status, "pilot_plan", p)
}

func (s *Server) uiPlan(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "plid")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.planPage(w, r, http.StatusOK, id, "", nil)
}

func (s *Server) uiPlanStep(step string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, "plid")
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		ctx := r.Context()
		var up *store.EvidenceUpload
		if step == "attach" {
			if up, err = formFile(r, "file"); err == nil && up == nil {
				err = anbao.FieldError("file", "evidence.empty")
			}
		} else {
			r.ParseForm()
		}
		form := r.PostForm
		num := func(name string) int {
			n, perr := strconv.Atoi(strings.TrimSpace(form.Get(name)))
			if perr != nil && err == nil && strings.TrimSpace(form.Get(name)) != "" {
				err = anbao.FieldError(name, "pp.err.number", form.Get(name))
			}
			return n
		}
		version := num("version")
		if err == nil {
			switch step {
			case "submit":
				_, err = s.store.SubmitPlan(ctx, id, store.VersionInput{Version: version})
			case "withdraw":
				_, err = s.store.WithdrawPlan(ctx, id, store.VersionInput{Version: version})
			case "attach":
				_, err = s.store.AddPlanAttachment(ctx, id, up)
			case "recommend":
				rec := formBool(form.Get("recommended"))
				rank := 0
				if rec {
					rank = num("rank")
				}
				if err == nil {
					_, err = s.store.RecommendPlan(ctx, id, store.RecommendInput{Recommended: rec, Rank: rank, Comment: form.Get("comment"),
						Version: version})
				}
			case "assign":
				eid, _ := strconv.ParseInt(form.Get("expert_id"), 10, 64)
				_, err = s.store.AssignReviewer(ctx, id, store.AssignInput{ExpertID: eid})
			case "decide":
				_, err = s.store.DecidePlan(ctx, id, store.DecisionInput{Decision: form.Get("decision"), Note: form.Get("note"), Version: version})
			case "review", "recuse", "declare":
				aid, _ := strconv.ParseInt(form.Get("assignment_id"), 10, 64)
				switch step {
				case "review":
					scores := map[string]int{}
					for k := range form {
						if key, ok := strings.CutPrefix(k, "score."); ok && strings.TrimSpace(form.Get(k)) != "" {
							scores[key] = num(k)
						}
					}
					if err == nil {
						_, err = s.store.SubmitReview(ctx, aid, store.ReviewInput{Scores: scores, Comment: form.Get("review_comment"), Version: version})
						// The form names the inputs score.<criterion>.
						var ae *anbao.Error
						if errors.As(err, &ae) && strings.HasPrefix(ae.Field, "scores.") {
							e2 := *ae
							e2.Field = "score." + strings.TrimPrefix(ae.Field, "scores.")
							err = &e2
						}
					}
				case "recuse":
					_, err = s.store.RecuseReview(ctx, aid, store.RecuseInput{Reason: form.Get("reason"), Version: version})
				case "declare":
					org, _ := strconv.ParseInt(form.Get("org_id"), 10, 64)
					_, err = s.store.AddAffiliation(ctx, store.AffiliationInput{UserID: anbao.PrincipalFrom(ctx).UserID, OrgID: org,
						Relation: form.Get("relation"), Note: form.Get("note")})
				}
			}
		}
		if err != nil {
			if quoteStepError(err) {
				s.writeError(w, r, err)
				return
			}
			s.planPage(w, r, 0, id, step, err)
			return
		}
		http.Redirect(w, r, fmt.Sprintf("/pilot/plans/%d?done=%s", id, step), http.StatusSeeOther)
	}
}

// ---------------------------------------------------------------------------
// Experts and their affiliations.

type uiExpertsData struct {
	Experts      []store.Expert
	Affiliations []*anbao.ExpertAffiliation
	Orgs         []*anbao.Organisation
	Relations    []string
}

func (s *Server) expertsPage(w http.ResponseWriter, r *http.Request, status int, formErr error) {
	p := s.newPage(r, "pp.experts.title", "pilot")
	ppFlash(p, r)
	ctx := r.Context()
	d := &uiExpertsData{Relations: anbao.AffiliationRelations}
	var err error
	if d.Experts, err = s.store.ListExperts(ctx); err != nil {
		s.writeError(w, r, err)
		return
	}
	if d.Affiliations, err = s.store.ListAffiliations(ctx, 0); err != nil {
		s.writeError(w, r, err)
		return
	}
	d.Orgs = s.planOrgs(r)
	if formErr != nil {
		status = p.setError("affiliation", r.PostForm, formErr, s, r)
	}
	p.Data = d
	s.render(w, r, status, "pilot_experts", p)
}

func (s *Server) uiExperts(w http.ResponseWriter, r *http.Request) {
	s.expertsPage(w, r, http.StatusOK, nil)
}

func (s *Server) uiAffiliationAdd(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	uid, _ := strconv.ParseInt(r.PostForm.Get("user_id"), 10, 64)
	org, _ := strconv.ParseInt(r.PostForm.Get("org_id"), 10, 64)
	_, err := s.store.AddAffiliation(r.Context(), store.AffiliationInput{UserID: uid, OrgID: org, Relation: r.PostForm.Get("relation"),
		Note: r.PostForm.Get("note")})
	if err != nil {
		if quoteStepError(err) {
			s.writeError(w, r, err)
			return
		}
		s.expertsPage(w, r, 0, err)
		return
	}
	http.Redirect(w, r, "/pilot/experts?done=affiliation", http.StatusSeeOther)
}

func (s *Server) uiAffiliationRemove(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "afid")
	if err == nil {
		err = s.store.RemoveAffiliation(r.Context(), id)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	http.Redirect(w, r, "/pilot/experts?done=affiliation_removed", http.StatusSeeOther)
}

// ---------------------------------------------------------------------------
// The catalogue.

type uiCatalogueData struct {
	List         *anbao.CatalogueList
	Batches      []*anbao.PilotBatch
	Sections     []refdata.Section
	SubjectTypes []anbao.SubjectType
	ProductTypes []anbao.PilotProductType
	Filter       anbao.CatalogueFilter
	Jurs         []string
	Pager        uiPager
}

func (s *Server) uiCatalogue(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "pp.cat.title", "catalogue")
	ctx := r.Context()
	q := r.URL.Query()
	pg, err := page(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	pg.Limit = min(max(pg.Limit, 1), 60)
	if q.Get("limit") == "" {
		pg.Limit = 30
	}
	d := &uiCatalogueData{Sections: refdata.Sections(), SubjectTypes: anbao.SubjectTypes, ProductTypes: anbao.PilotProductTypes}
	f := anbao.CatalogueFilter{Industry: q.Get("industry"), Jurisdiction: q.Get("jurisdiction"), SubjectType: anbao.SubjectType(q.Get("subject_type")),
		ProductType: anbao.PilotProductType(q.Get("product_type")), Query: q.Get("q"), Page: pg}
	f.BatchID, _ = strconv.ParseInt(q.Get("batch"), 10, 64)
	d.Filter = f
	if d.List, err = s.store.ListCatalogue(ctx, f); err != nil {
		s.writeError(w, r, err)
		return
	}
	if d.Batches, err = s.store.ListBatches(ctx); err != nil {
		s.writeError(w, r, err)
		return
	}
	for _, j := range refdata.Jurisdictions() {
		if j.Active {
			d.Jurs = append(d.Jurs, j.Code)
		}
	}
	d.Pager = makePager("/catalogue", q, pg, d.List.Total, len(d.List.Items))
	p.Form = q
	p.Data = d
	s.render(w, r, http.StatusOK, "catalogue", p)
}

type uiCatalogueEntryData struct {
	E          *anbao.CatalogueEntry
	CanRequest bool   // an enterprise user who may ask for quotes or engage providers
	QuoteURL   string // the quote-request form with the consortium's insurers' products
	Assess     []uiAssessLink
}

type uiAssessLink struct {
	Name, URL string
}

func (s *Server) uiCatalogueEntry(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "pp.cat.entry_title", "catalogue")
	ctx := r.Context()
	id, err := pathID(r, "eid")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	d := &uiCatalogueEntryData{}
	if d.E, err = s.store.CatalogueEntry(ctx, id); err != nil {
		s.writeError(w, r, err)
		return
	}
	p.Title = d.E.EntryNo + " " + d.E.Title
	pr := p.P
	if pr.OrgKind == anbao.KindEnterprise && (anbao.Can(pr, anbao.ActQuoteRequest) || anbao.Can(pr, anbao.ActEngagementManage)) {
		d.CanRequest = true
		// The quote form takes ?product=… (one per product) to preselect the
		// consortium insurers' active products.
		v := url.Values{}
		for _, ins := range d.E.Insurers() {
			l, err := s.store.ListProducts(ctx, store.ProductFilter{InsurerID: ins.OrgID, Status: store.ProductActive,
				Page: anbao.Page{Limit: 20}})
			if err != nil {
				continue
			}
			for _, pd := range l.Items {
				v.Add("product", strconv.FormatInt(pd.ID, 10))
			}
		}
		d.QuoteURL = "/quotes/new"
		if len(v) > 0 {
			d.QuoteURL += "?" + v.Encode()
		}
		for _, prov := range d.E.Providers() {
			d.Assess = append(d.Assess, uiAssessLink{Name: prov.Name,
				URL: fmt.Sprintf("/engagements?enterprise=%d&provider_id=%d#eng-form", pr.OrgID, prov.OrgID)})
		}
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "catalogue_entry", p)
}
