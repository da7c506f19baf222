package server

// Pilot batches, service plans, review and the typical service-plan catalogue.

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/store"
)

// PilotReference is what the batch and plan forms need: subject types,
// product types, issuers, partner roles, coverage items, the default rubric.
type PilotReference struct {
	BatchStatuses      []anbao.BatchStatus      `json:"batch_statuses"`
	PlanStatuses       []anbao.PlanStatus       `json:"plan_statuses"`
	SubjectTypes       []anbao.SubjectType      `json:"subject_types"`
	ProductTypes       []anbao.PilotProductType `json:"product_types"`
	Issuers            []string                 `json:"issuers"`
	PartnerRoles       []anbao.PartnerRole      `json:"partner_roles"`
	PropertyCoverages  []string                 `json:"property_coverages"`
	LiabilityCoverages []string                 `json:"liability_coverages"`
	Relations          []string                 `json:"affiliation_relations"`
	DefaultRubric      []anbao.RubricCriterion  `json:"default_rubric"`
	ScoreRule          string                   `json:"score_rule"`
	VisibilityRule     string                   `json:"visibility_rule"`
	SelectionRule      string                   `json:"selection_rule"`
}

// The rules, as stated to API clients.
const (
	pilotScoreRule      = "consolidated score = arithmetic mean of the totals of the submitted reviews, rounded half away from zero to 2 decimals; recused and pending reviews do not count"
	pilotVisibilityRule = "applicants never see experts' names or individual scores; the consolidated score, the local recommendation and the decision become visible to them once the batch's catalogue is published"
	pilotSelectionRule  = "only a plan recommended by the local regulator of its jurisdiction and with at least one submitted review can be selected"
)

func (s *Server) registerPilotPlanAPI() {
	const tag = "pilot"
	s.allowBody("/api/v1/pilot/batches/", store.MaxNoticeBytes+1<<20)
	s.allowBody("/api/v1/pilot/plans/", store.MaxPlanAttachmentSize+1<<20)
	s.api(route{Method: "GET", Path: "/api/v1/pilot/reference", OpID: "pilotReference", Tag: tag,
		Summary: "Subject types, product types, issuers, partner roles, the notice's coverage items, the default rubric and the review rules",
		Resp:    PilotReference{}, handle: s.ppPilotReference})
	s.api(route{Method: "GET", Path: "/api/v1/pilot/batches", OpID: "listPilotBatches", Tag: tag,
		Summary: "Pilot batches, newest first (drafts only for the operator and national regulators)", Resp: []*anbao.PilotBatch{},
		handle: s.ppListBatches})
	s.api(route{Method: "POST", Path: "/api/v1/pilot/batches", OpID: "createPilotBatch", Tag: tag, Status: 201,
		Summary: "Create a draft batch: scope (GB/T 4754 sections, subject types, product types, issuers), window and rubric " +
			"(the operator's admins and national regulators' admins)", Body: store.BatchInput{}, Resp: anbao.PilotBatch{}, handle: s.ppCreateBatch})
	s.api(route{Method: "GET", Path: "/api/v1/pilot/batches/{bid}", OpID: "getPilotBatch", Tag: tag,
		Summary: "One batch", Resp: anbao.PilotBatch{}, handle: s.ppGetBatch})
	s.api(route{Method: "PUT", Path: "/api/v1/pilot/batches/{bid}", OpID: "updatePilotBatch", Tag: tag,
		Summary: "Edit a draft batch", Body: store.BatchInput{}, Resp: anbao.PilotBatch{}, handle: s.ppUpdateBatch})
	s.api(route{Method: "POST", Path: "/api/v1/pilot/batches/{bid}/status", OpID: "setPilotBatchStatus", Tag: tag,
		Summary: "Move a batch one step: draft → open → reviewing (after the window) → published (after a catalogue version) → closed",
		Body:    store.BatchStatusInput{}, Resp: anbao.PilotBatch{}, handle: s.ppBatchStatus})
	s.rawAPI(route{Method: "POST", Path: "/api/v1/pilot/batches/{bid}/notice", OpID: "uploadPilotBatchNotice", Tag: tag,
		Summary: "Upload the batch's notice (multipart part \"file\", or raw body with ?filename=): PDF, DOCX or text, at most 10 MiB, " +
			"stored with its SHA-256"}, s.ppUploadNotice)
	s.rawAPI(route{Method: "GET", Path: "/api/v1/pilot/batches/{bid}/notice", OpID: "getPilotBatchNotice", Tag: tag,
		Summary: "Download the batch's notice"}, s.ppGetNotice)
	s.api(route{Method: "GET", Path: "/api/v1/pilot/batches/{bid}/catalogue", OpID: "listCatalogueVersions", Tag: tag,
		Summary: "The published versions of a batch's catalogue, newest first", Resp: []*anbao.CatalogueVersion{}, handle: s.ppListVersions})
	s.api(route{Method: "POST", Path: "/api/v1/pilot/batches/{bid}/catalogue", OpID: "publishCatalogue", Tag: tag, Status: 201,
		Summary: "Publish the next catalogue version from the selected plans (immutable; a later version needs a note)",
		Body:    store.PublishInput{}, Resp: anbao.CatalogueVersion{}, handle: s.ppPublishCatalogue})

	planQ := append([]qparam{
		{Name: "batch_id", Type: "integer", Desc: "the batch"},
		{Name: "status", Type: "string", Desc: "plan status"},
		{Name: "jurisdiction", Type: "string", Desc: "the lead's jurisdiction"},
		{Name: "mine", Type: "boolean", Desc: "only plans whose consortium includes the caller's organisation"},
		{Name: "q", Type: "string", Desc: "title or lead name"},
	}, pageParams...)
	s.api(route{Method: "GET", Path: "/api/v1/pilot/plans", OpID: "listServicePlans", Tag: tag, Query: planQ,
		Summary: "Service plans within scope: the consortium its own; once submitted, the local regulator of the plan's jurisdiction, " +
			"national regulators and the operator; an expert those assigned", Resp: ListResponse[*anbao.ServicePlan]{}, handle: s.ppListPlans})
	s.api(route{Method: "POST", Path: "/api/v1/pilot/plans", OpID: "createServicePlan", Tag: tag, Status: 201,
		Summary: "Draft a service plan led by the caller's insurer or provider organisation, with its consortium",
		Body:    store.PlanInput{}, Resp: anbao.ServicePlan{}, handle: s.ppCreatePlan})
	s.api(route{Method: "GET", Path: "/api/v1/pilot/plans/{plid}", OpID: "getServicePlan", Tag: tag,
		Summary: "One plan with what the caller may see of its review", Resp: anbao.ServicePlan{}, handle: s.ppGetPlan})
	s.api(route{Method: "PUT", Path: "/api/v1/pilot/plans/{plid}", OpID: "updateServicePlan", Tag: tag,
		Summary: "Edit a draft (the lead)", Body: store.PlanInput{}, Resp: anbao.ServicePlan{}, handle: s.ppUpdatePlan})
	s.api(route{Method: "POST", Path: "/api/v1/pilot/plans/{plid}/submit", OpID: "submitServicePlan", Tag: tag,
		Summary: "Submit a draft within the window (late: 409 pilot.deadline_passed, nothing written)", Body: VersionRequest{},
		Resp: anbao.ServicePlan{}, handle: s.ppSubmitPlan})
	s.api(route{Method: "POST", Path: "/api/v1/pilot/plans/{plid}/withdraw", OpID: "withdrawServicePlan", Tag: tag,
		Summary: "Withdraw a submitted plan before review starts", Body: VersionRequest{}, Resp: anbao.ServicePlan{}, handle: s.ppWithdrawPlan})
	s.rawAPI(route{Method: "POST", Path: "/api/v1/pilot/plans/{plid}/attachments", OpID: "addPlanAttachment", Tag: tag,
		Summary: "Attach a file to a draft (multipart part \"file\", or raw body with ?filename=): PDF, DOCX or text, at most 2 MiB, 5 files"},
		s.ppAddPlanAttachment)
	s.rawAPI(route{Method: "GET", Path: "/api/v1/pilot/plans/{plid}/attachments/{aid}", OpID: "getPlanAttachment", Tag: tag,
		Summary: "Download an attachment of a plan the caller may read"}, s.ppGetPlanAttachment)
	s.api(route{Method: "PUT", Path: "/api/v1/pilot/plans/{plid}/recommendation", OpID: "recommendServicePlan", Tag: tag,
		Summary: "The local regulator of the plan's jurisdiction recommends it or not, with a rank unique in the jurisdiction and batch",
		Body:    store.RecommendInput{}, Resp: anbao.PlanRecommendation{}, handle: s.ppRecommend})
	s.api(route{Method: "GET", Path: "/api/v1/pilot/plans/{plid}/assignments", OpID: "listPlanAssignments", Tag: tag,
		Summary: "A plan's expert assignments with scores (the operator's admins)", Resp: []*anbao.ReviewAssignment{}, handle: s.ppPlanAssignments})
	s.api(route{Method: "POST", Path: "/api/v1/pilot/plans/{plid}/assignments", OpID: "assignPlanReviewer", Tag: tag, Status: 201,
		Summary: "Assign an expert; refused (409 pilot.review_conflict) if the expert is affiliated with a consortium member",
		Body:    store.AssignInput{}, Resp: anbao.ReviewAssignment{}, handle: s.ppAssign})
	s.api(route{Method: "POST", Path: "/api/v1/pilot/plans/{plid}/decision", OpID: "decideServicePlan", Tag: tag,
		Summary: "Select or reject a plan with a note. " + pilotSelectionRule, Body: store.DecisionInput{}, Resp: anbao.ServicePlan{},
		handle: s.ppDecide})
	s.api(route{Method: "GET", Path: "/api/v1/pilot/assignments", OpID: "myReviewAssignments", Tag: tag,
		Summary: "The caller's review assignments (an expert)", Resp: []*anbao.ReviewAssignment{}, handle: s.ppMyAssignments})
	s.api(route{Method: "POST", Path: "/api/v1/pilot/assignments/{aid}/review", OpID: "submitPlanReview", Tag: tag,
		Summary: "Score every rubric criterion with an integer 0..max (an expert with a declared tie to a member cannot)",
		Body:    store.ReviewInput{}, Resp: anbao.ReviewAssignment{}, handle: s.ppReview})
	s.api(route{Method: "POST", Path: "/api/v1/pilot/assignments/{aid}/recuse", OpID: "recusePlanReview", Tag: tag,
		Summary: "Recuse from an assignment not yet scored", Body: store.RecuseInput{}, Resp: anbao.ReviewAssignment{}, handle: s.ppRecuse})
	s.api(route{Method: "GET", Path: "/api/v1/pilot/experts", OpID: "listPilotExperts", Tag: tag,
		Summary: "The operator's expert reviewers (the operator's admins)", Resp: []store.Expert{}, handle: s.ppExperts})
	s.api(route{Method: "GET", Path: "/api/v1/pilot/affiliations", OpID: "listExpertAffiliations", Tag: tag,
		Query:   []qparam{{Name: "user_id", Type: "integer", Desc: "one expert (the operator's admins)"}},
		Summary: "Experts' affiliations: the operator's admins all, an expert their own", Resp: []*anbao.ExpertAffiliation{},
		handle: s.ppAffiliations})
	s.api(route{Method: "POST", Path: "/api/v1/pilot/affiliations", OpID: "addExpertAffiliation", Tag: tag, Status: 201,
		Summary: "Record an expert's tie to an organisation (the operator's admins; an expert may declare their own)",
		Body:    store.AffiliationInput{}, Resp: anbao.ExpertAffiliation{}, handle: s.ppAddAffiliation})
	s.api(route{Method: "DELETE", Path: "/api/v1/pilot/affiliations/{afid}", OpID: "removeExpertAffiliation", Tag: tag, Status: 204,
		Summary: "Remove an affiliation (the operator's admins)", handle: s.ppRemoveAffiliation})

	catQ := append([]qparam{
		{Name: "batch_id", Type: "integer", Desc: "the batch"},
		{Name: "version_id", Type: "integer", Desc: "a published version (default: the latest of each batch)"},
		{Name: "industry", Type: "string", Desc: "GB/T 4754 section letter"},
		{Name: "jurisdiction", Type: "string", Desc: "the lead's jurisdiction"},
		{Name: "subject_type", Type: "string", Desc: "subject type", Enum: []string{"key", "sme", "park"}},
		{Name: "product_type", Type: "string", Desc: "product type", Enum: []string{"enterprise", "product_service"}},
		{Name: "q", Type: "string", Desc: "title, summary, entry number, member names"},
	}, pageParams...)
	s.api(route{Method: "GET", Path: "/api/v1/pilot/catalogue", OpID: "searchCatalogue", Tag: tag, Query: catQ,
		Summary: "Search the typical service-plan catalogue (every logged-in user)", Resp: ListResponse[*anbao.CatalogueEntry]{},
		handle: s.ppSearchCatalogue})
	s.api(route{Method: "GET", Path: "/api/v1/pilot/catalogue/entries/{eid}", OpID: "getCatalogueEntry", Tag: tag,
		Summary: "One catalogue entry with its consortium, coverages and services by phase", Resp: anbao.CatalogueEntry{},
		handle: s.ppCatalogueEntry})
	s.api(route{Method: "GET", Path: "/api/v1/pilot/catalogue/versions/{vid}", OpID: "getCatalogueVersion", Tag: tag,
		Summary: "One published catalogue version with the entry numbers it added and removed", Resp: anbao.CatalogueVersion{},
		handle: s.ppCatalogueVersion})
}

func (s *Server) registerPilotPlanUI() error { return s.registerPilotPlanPages() }

func (s *Server) ppPilotReference(w http.ResponseWriter, r *http.Request) (any, error) {
	if err := anbao.Authorize(anbao.PrincipalFrom(r.Context()), anbao.ActPilotRead); err != nil {
		return nil, err
	}
	return PilotReference{BatchStatuses: anbao.BatchStatuses, PlanStatuses: anbao.PlanStatuses, SubjectTypes: anbao.SubjectTypes,
		ProductTypes: anbao.PilotProductTypes, Issuers: anbao.BatchIssuers, PartnerRoles: anbao.PartnerRoles,
		PropertyCoverages: anbao.PropertyCoverages, LiabilityCoverages: anbao.LiabilityCoverages, Relations: anbao.AffiliationRelations,
		DefaultRubric: anbao.DefaultRubric(), ScoreRule: pilotScoreRule, VisibilityRule: pilotVisibilityRule,
		SelectionRule: pilotSelectionRule}, nil
}

func (s *Server) ppListBatches(w http.ResponseWriter, r *http.Request) (any, error) {
	return s.store.ListBatches(r.Context())
}

func (s *Server) ppCreateBatch(w http.ResponseWriter, r *http.Request) (any, error) {
	var in store.BatchInput
	if err := decodeJSON(r, &in); err != nil {
		return nil, err
	}
	return s.store.CreateBatch(r.Context(), in)
}

func (s *Server) ppGetBatch(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r, "bid")
	if err != nil {
		return nil, err
	}
	return s.store.GetBatch(r.Context(), id)
}

func (s *Server) ppUpdateBatch(w http.ResponseWriter, r *http.Request) (any, error) {
	id, in, err := idBody[store.BatchInput](r, "bid")
	if err != nil {
		return nil, err
	}
	return s.store.UpdateBatch(r.Context(), id, *in)
}

func (s *Server) ppBatchStatus(w http.ResponseWriter, r *http.Request) (any, error) {
	id, in, err := idBody[store.BatchStatusInput](r, "bid")
	if err != nil {
		return nil, err
	}
	return s.store.SetBatchStatus(r.Context(), id, *in)
}

func (s *Server) ppUploadNotice(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "bid")
	if err != nil {
		return err
	}
	up, err := readEvidence(r)
	if err != nil {
		return err
	}
	b, err := s.store.SetBatchNotice(r.Context(), id, up)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, b)
	return nil
}

// sendFile writes a stored file as an attachment download.
func ppSendFile(w http.ResponseWriter, prefix string, id int64, name, ct string, data []byte) error {
	w.Header().Set("Content-Type", ct)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-%d"; filename*=UTF-8''%s`, prefix, id, rfc5987(name)))
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	_, err := w.Write(data)
	return err
}

func (s *Server) ppGetNotice(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "bid")
	if err != nil {
		return err
	}
	n, data, err := s.store.BatchNoticeFile(r.Context(), id)
	if err != nil {
		return err
	}
	return ppSendFile(w, "notice", id, n.Name, n.ContentType, data)
}

func (s *Server) ppListVersions(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r, "bid")
	if err != nil {
		return nil, err
	}
	return s.store.ListCatalogueVersions(r.Context(), id)
}

func (s *Server) ppPublishCatalogue(w http.ResponseWriter, r *http.Request) (any, error) {
	id, in, err := idBody[store.PublishInput](r, "bid")
	if err != nil {
		return nil, err
	}
	return s.store.PublishCatalogue(r.Context(), id, *in)
}

func (s *Server) ppListPlans(w http.ResponseWriter, r *http.Request) (any, error) {
	pg, err := page(r)
	if err != nil {
		return nil, err
	}
	f := store.PlanFilter{Page: pg}
	if f.BatchID, err = queryInt64(r, "batch_id"); err != nil {
		return nil, err
	}
	q := r.URL.Query()
	f.Status, f.Jurisdiction, f.Query = anbao.PlanStatus(q.Get("status")), q.Get("jurisdiction"), q.Get("q")
	switch q.Get("mine") {
	case "", "false", "0":
	case "true", "1":
		f.Mine = true
	default:
		return nil, anbao.FieldError("mine", "error.bool_invalid", q.Get("mine"))
	}
	l, err := s.store.ListPlans(r.Context(), f)
	if err != nil {
		return nil, err
	}
	return ListResponse[*anbao.ServicePlan]{Items: l.Items, Total: l.Total, Limit: pg.Limit, Offset: pg.Offset}, nil
}

func (s *Server) ppCreatePlan(w http.ResponseWriter, r *http.Request) (any, error) {
	var in store.PlanInput
	if err := decodeJSON(r, &in); err != nil {
		return nil, err
	}
	return s.store.CreatePlan(r.Context(), in)
}

func (s *Server) ppGetPlan(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r, "plid")
	if err != nil {
		return nil, err
	}
	return s.store.GetPlan(r.Context(), id)
}

func (s *Server) ppUpdatePlan(w http.ResponseWriter, r *http.Request) (any, error) {
	id, in, err := idBody[store.PlanInput](r, "plid")
	if err != nil {
		return nil, err
	}
	return s.store.UpdatePlan(r.Context(), id, *in)
}

func (s *Server) ppSubmitPlan(w http.ResponseWriter, r *http.Request) (any, error) {
	id, in, err := idBody[VersionRequest](r, "plid")
	if err != nil {
		return nil, err
	}
	return s.store.SubmitPlan(r.Context(), id, store.VersionInput{Version: in.Version})
}

func (s *Server) ppWithdrawPlan(w http.ResponseWriter, r *http.Request) (any, error) {
	id, in, err := idBody[VersionRequest](r, "plid")
	if err != nil {
		return nil, err
	}
	return s.store.WithdrawPlan(r.Context(), id, store.VersionInput{Version: in.Version})
}

func (s *Server) ppAddPlanAttachment(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "plid")
	if err != nil {
		return err
	}
	up, err := readEvidence(r)
	if err != nil {
		return err
	}
	a, err := s.store.AddPlanAttachment(r.Context(), id, up)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, a)
	return nil
}

func (s *Server) ppGetPlanAttachment(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "plid")
	if err != nil {
		return err
	}
	aid, err := pathID(r, "aid")
	if err != nil {
		return err
	}
	a, data, err := s.store.PlanAttachmentFile(r.Context(), id, aid)
	if err != nil {
		return err
	}
	return ppSendFile(w, "attachment", aid, a.Name, a.ContentType, data)
}

func (s *Server) ppRecommend(w http.ResponseWriter, r *http.Request) (any, error) {
	id, in, err := idBody[store.RecommendInput](r, "plid")
	if err != nil {
		return nil, err
	}
	return s.store.RecommendPlan(r.Context(), id, *in)
}

func (s *Server) ppPlanAssignments(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r, "plid")
	if err != nil {
		return nil, err
	}
	return s.store.PlanAssignments(r.Context(), id)
}

func (s *Server) ppAssign(w http.ResponseWriter, r *http.Request) (any, error) {
	id, in, err := idBody[store.AssignInput](r, "plid")
	if err != nil {
		return nil, err
	}
	return s.store.AssignReviewer(r.Context(), id, *in)
}

func (s *Server) ppDecide(w http.ResponseWriter, r *http.Request) (any, error) {
	id, in, err := idBody[store.DecisionInput](r, "plid")
	if err != nil {
		return nil, err
	}
	return s.store.DecidePlan(r.Context(), id, *in)
}

func (s *Server) ppMyAssignments(w http.ResponseWriter, r *http.Request) (any, error) {
	return s.store.MyAssignments(r.Context())
}

func (s *Server) ppReview(w http.ResponseWriter, r *http.Request) (any, error) {
	id, in, err := idBody[store.ReviewInput](r, "aid")
	if err != nil {
		return nil, err
	}
	return s.store.SubmitReview(r.Context(), id, *in)
}

func (s *Server) ppRecuse(w http.ResponseWriter, r *http.Request) (any, error) {
	id, in, err := idBody[store.RecuseInput](r, "aid")
	if err != nil {
		return nil, err
	}
	return s.store.RecuseReview(r.Context(), id, *in)
}

func (s *Server) ppExperts(w http.ResponseWriter, r *http.Request) (any, error) {
	return s.store.ListExperts(r.Context())
}

func (s *Server) ppAffiliations(w http.ResponseWriter, r *http.Request) (any, error) {
	uid, err := queryInt64(r, "user_id")
	if err != nil {
		return nil, err
	}
	return s.store.ListAffiliations(r.Context(), uid)
}

func (s *Server) ppAddAffiliation(w http.ResponseWriter, r *http.Request) (any, error) {
	var in store.AffiliationInput
	if err := decodeJSON(r, &in); err != nil {
		return nil, err
	}
	return s.store.AddAffiliation(r.Context(), in)
}

func (s *Server) ppRemoveAffiliation(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r, "afid")
	if err != nil {
		return nil, err
	}
	return nil, s.store.RemoveAffiliation(r.Context(), id)
}

func (s *Server) ppSearchCatalogue(w http.ResponseWriter, r *http.Request) (any, error) {
	pg, err := page(r)
	if err != nil {
		return nil, err
	}
	f := anbao.CatalogueFilter{Page: pg}
	if f.BatchID, err = queryInt64(r, "batch_id"); err != nil {
		return nil, err
	}
	if f.VersionID, err = queryInt64(r, "version_id"); err != nil {
		return nil, err
	}
	q := r.URL.Query()
	f.Industry, f.Jurisdiction, f.Query = q.Get("industry"), q.Get("jurisdiction"), q.Get("q")
	f.SubjectType, f.ProductType = anbao.SubjectType(q.Get("subject_type")), anbao.PilotProductType(q.Get("product_type"))
	l, err := s.store.ListCatalogue(r.Context(), f)
	if err != nil {
		return nil, err
	}
	return ListResponse[*anbao.CatalogueEntry]{Items: l.Items, Total: l.Total, Limit: pg.Limit, Offset: pg.Offset}, nil
}

func (s *Server) ppCatalogueEntry(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r, "eid")
	if err != nil {
		return nil, err
	}
	return s.store.CatalogueEntry(r.Context(), id)
}

func (s *Server) ppCatalogueVersion(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r, "vid")
	if err != nil {
		return nil, err
	}
	return s.store.GetCatalogueVersion(r.Context(), id)
}
