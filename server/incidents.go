package server

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/claims"
	"github.com/anbao/anbao/incident"
	"github.com/anbao/anbao/store"
)

// Incidents, response and claims API (issue #6). The store scopes every
// read and checks every step; these handlers decode, delegate and shape.

// IncidentCatalog is what an intake form needs: the GB/T 20986-2023
// taxonomy, the grading rule tables, operator types, report channels,
// dispatch modes, evidence kinds, loss-item kinds and claim reason codes.
type IncidentCatalog struct {
	Categories      []incident.Category `json:"categories"`
	RuleTables      []*incident.Table   `json:"rule_tables"`
	OperatorTypes   []string            `json:"operator_types"`
	ReportChannels  []string            `json:"report_channels"`
	StatutoryLinks  []incident.Channel  `json:"statutory_channels"`
	DispatchModes   []string            `json:"dispatch_modes"`
	EvidenceKinds   []string            `json:"evidence_kinds"`
	CustodyActions  []string            `json:"custody_actions"`
	ItemKinds       []claims.ItemKind   `json:"item_kinds"`
	DeclineReasons  []string            `json:"decline_reasons"`
	RecoverySources []string            `json:"recovery_sources"`
}

// ConsentRequest records ransom consent.
type ConsentRequest struct {
	Note    string `json:"note"`
	Version int    `json:"version,omitempty"`
}

func (s *Server) registerIncidentAPI() {
	const tag = "incidents"
	s.allowBody("/api/v1/incidents/", store.MaxEvidenceBytes+1<<20)
	s.api(route{Method: "GET", Path: "/api/v1/incidents/catalog", OpID: "incidentCatalog", Tag: tag,
		Summary: "GB/T 20986-2023 categories, the statutory grading rule tables, operator types, report channels, dispatch modes, " +
			"evidence kinds, loss-item kinds, decline reasons and recovery sources", Resp: IncidentCatalog{}, handle: s.apiIncidentCatalog})
	incQ := append([]qparam{
		{Name: "status", Type: "string", Desc: "incident status", Enum: []string{store.IncidentOpen, store.IncidentHandled, store.IncidentClosed}},
		{Name: "grade", Type: "string", Desc: "statutory grade", Enum: gradeNames()},
		{Name: "enterprise_id", Type: "integer", Desc: "the enterprise"},
		{Name: "policy_id", Type: "integer", Desc: "the policy"},
		{Name: "overdue", Type: "boolean", Desc: "only incidents with an expired deadline"},
	}, pageParams...)
	s.api(route{Method: "GET", Path: "/api/v1/incidents", OpID: "listIncidents", Tag: tag, Query: incQ,
		Summary: "Incidents: the enterprise its own, a provider those it reported or is dispatched to, an insurer those under its policies",
		Resp:    ListResponse[*store.Incident]{}, handle: s.apiListIncidents})
	s.api(route{Method: "POST", Path: "/api/v1/enterprises/{id}/incidents", OpID: "reportIncident", Tag: tag, Status: 201,
		Summary: "First notice of an incident by the enterprise, or by its engaged or approved provider on its behalf: graded at once " +
			"(一般/较大/重大/特别重大 from the rule table in force), with the reporting route and deadline started as timers",
		Body: store.IncidentInput{}, Resp: store.Incident{}, handle: s.apiReportIncident})
	s.api(route{Method: "GET", Path: "/api/v1/incidents/{iid}", OpID: "getIncident", Tag: tag,
		Summary: "One incident with its grading, route, timers, history, dispatches, evidence and claims", Resp: store.Incident{},
		handle: s.apiGetIncident})
	s.api(route{Method: "PUT", Path: "/api/v1/incidents/{iid}", OpID: "updateIncident", Tag: tag,
		Summary: "Update an open incident's facts: graded again; the deadline stays anchored on discovery", Body: store.IncidentUpdate{},
		Resp: store.Incident{}, handle: s.apiUpdateIncident})
	s.api(route{Method: "POST", Path: "/api/v1/incidents/{iid}/notify-insurer", OpID: "notifyInsurer", Tag: tag,
		Summary: "Notify the policy's insurer (once), with a proof of time in the history and the audit chain", Body: VersionRequest{},
		Resp: store.Incident{}, handle: s.apiNotifyInsurer})
	s.api(route{Method: "POST", Path: "/api/v1/incidents/{iid}/notice-received", OpID: "recordNoticeReceived", Tag: tag,
		Summary: "The policy's insurer records a notice it received outside Anbao (hotline, email…) at the time it came, with a proof of time",
		Body:    store.NoticeReceivedInput{}, Resp: store.Incident{}, handle: s.apiNoticeReceived})
	s.api(route{Method: "POST", Path: "/api/v1/incidents/{iid}/statutory-report", OpID: "recordStatutoryReport", Tag: tag,
		Summary: "Record when and through which channel the enterprise filed its statutory report (12387 or the competent authority; " +
			"Anbao is not the statutory channel)", Body: store.StatutoryReportInput{}, Resp: store.Incident{}, handle: s.apiStatutoryReport})
	s.api(route{Method: "POST", Path: "/api/v1/incidents/{iid}/end-handling", OpID: "endIncidentHandling", Tag: tag,
		Summary: "End the handling: the 30-day summary falls due for a reportable incident", Body: VersionRequest{}, Resp: store.Incident{},
		handle: s.apiEndHandling})
	s.api(route{Method: "POST", Path: "/api/v1/incidents/{iid}/summary", OpID: "submitIncidentSummary", Tag: tag,
		Summary: "Record the 30-day summary report (cause, measures, harm, accountability, rectification, lessons)",
		Body:    store.SummaryInput{}, Resp: store.Incident{}, handle: s.apiSubmitSummary})
	s.api(route{Method: "POST", Path: "/api/v1/incidents/{iid}/dispatches", OpID: "dispatchProvider", Tag: tag, Status: 201,
		Summary: "Dispatch a provider on the policy's approved roster, remote or on site; SLA clocks start",
		Body:    store.DispatchInput{}, Resp: store.Incident{}, handle: s.apiDispatch})
	s.api(route{Method: "POST", Path: "/api/v1/dispatches/{did}/{step}", OpID: "stepDispatch", Tag: tag,
		Summary: "The dispatched provider acknowledges, declines, assigns an engineer, contains or closes",
		Body:    store.DispatchStepInput{}, Resp: store.Incident{}, handle: s.apiStepDispatch})
	s.api(route{Method: "POST", Path: "/api/v1/dispatches/{did}/usage", OpID: "useEntitlement", Tag: tag, Status: 201,
		Summary: "The dispatched provider records services delivered in kind, drawn from the policy's entitlement ledger",
		Body:    store.UseInput{}, Resp: store.Incident{}, handle: s.apiUseEntitlement})
	s.api(route{Method: "GET", Path: "/api/v1/policies/{polid}/entitlements", OpID: "entitlementLedger", Tag: tag,
		Query:   []qparam{{Name: "term", Type: "integer", Desc: "term number (default: the current term)"}},
		Summary: "The policy term's in-kind entitlement ledger: granted, used, remaining, entries", Resp: store.Ledger{},
		handle: s.apiLedger})
	s.rawAPI(route{Method: "POST", Path: "/api/v1/incidents/{iid}/evidence", OpID: "addIncidentEvidence", Tag: tag,
		Summary: "Register evidence: upload a file (multipart part \"file\", or raw body with ?filename=) hashed with SHA-256 here, or " +
			"give ?sha256= for what cannot be uploaded; ?kind= and ?note=. The collector holds it."}, s.apiAddEvidence)
	s.api(route{Method: "POST", Path: "/api/v1/incident-evidence/{vid}/custody", OpID: "recordCustody", Tag: tag,
		Summary: "The current holder transfers, verifies or seals evidence; the SHA-256 it computed must match; each entry chains to the last",
		Body:    store.CustodyInput{}, Resp: store.Incident{}, handle: s.apiCustody})
	s.rawAPI(route{Method: "GET", Path: "/api/v1/incident-evidence/{vid}/content", OpID: "getIncidentEvidence", Tag: tag,
		Summary: "An uploaded evidence file, for the parties of its incident"}, s.apiEvidenceContent)
	s.rawAPI(route{Method: "GET", Path: "/api/v1/incidents/{iid}/report.txt", OpID: "incidentReportText", Tag: tag,
		Query:   []qparam{{Name: "kind", Type: "string", Desc: "draft (the statutory report) or summary (the 30-day summary)", Enum: []string{"draft", "summary"}}},
		Summary: "The draft statutory report (or the 30-day summary) as plain text to paste into 12387"}, s.apiIncidentReportText)
	s.rawAPI(route{Method: "GET", Path: "/api/v1/incidents/{iid}/report.pdf", OpID: "incidentReportPDF", Tag: tag,
		Query:   []qparam{{Name: "kind", Type: "string", Desc: "draft or summary", Enum: []string{"draft", "summary"}}},
		Summary: "The draft statutory report (or the 30-day summary) as PDF (503 unavailable without Chromium)"}, s.apiIncidentReportPDF)

	const ctag = "claims"
	claimQ := append([]qparam{
		{Name: "status", Type: "string", Desc: "claim status, or several separated by commas (given: the handler's queue, oldest first)"},
		{Name: "policy_id", Type: "integer", Desc: "the policy"},
		{Name: "incident_id", Type: "integer", Desc: "the incident"},
		{Name: "enterprise_id", Type: "integer", Desc: "the insured"},
	}, pageParams...)
	s.api(route{Method: "GET", Path: "/api/v1/claims", OpID: "listClaims", Tag: ctag, Query: claimQ,
		Summary: "Claims: the insured its own, the insurer its own", Resp: ListResponse[*store.Claim]{}, handle: s.apiListClaims})
	s.api(route{Method: "POST", Path: "/api/v1/incidents/{iid}/claims", OpID: "openClaim", Tag: ctag, Status: 201,
		Summary: "Open a claim from an incident against the policy term in force at the occurrence, with loss items mapped to coverages",
		Body:    store.ClaimInput{}, Resp: store.Claim{}, handle: s.apiOpenClaim})
	s.api(route{Method: "GET", Path: "/api/v1/claims/{cid}", OpID: "getClaim", Tag: ctag,
		Summary: "One claim with its calculation trace, path (理赔路径), payments, recoveries and the term's limits", Resp: store.Claim{},
		handle: s.apiGetClaim})
	s.api(route{Method: "PUT", Path: "/api/v1/claims/{cid}/items", OpID: "updateClaimItems", Tag: ctag,
		Summary: "Replace the loss items of an open or assessed claim", Body: store.ClaimItemsInput{}, Resp: store.Claim{},
		handle: s.apiClaimItems})
	s.api(route{Method: "POST", Path: "/api/v1/claims/{cid}/assess", OpID: "assessClaim", Tag: ctag,
		Summary: "Record exclusion facts and a causal finding, and calculate (actual loss → item deductible → sublimit → the higher of the " +
			"per-occurrence deductible and the waiting-period retention → coinsurance → aggregate)", Body: store.AssessInput{},
		Resp: store.Claim{}, handle: s.apiAssessClaim})
	s.api(route{Method: "POST", Path: "/api/v1/claims/{cid}/ransom-consent", OpID: "consentRansom", Tag: ctag,
		Summary: "Record the insurer's express consent to the held ransom item and calculate again", Body: ConsentRequest{},
		Resp: store.Claim{}, handle: s.apiConsentRansom})
	s.api(route{Method: "POST", Path: "/api/v1/claims/{cid}/reserve", OpID: "setClaimReserve", Tag: ctag,
		Summary: "Set the loss and expense reserves", Body: store.ReserveInput{}, Resp: store.Claim{}, handle: s.apiReserve})
	s.api(route{Method: "POST", Path: "/api/v1/claims/{cid}/approve", OpID: "approveClaim", Tag: ctag,
		Summary: "Approve the payable, recalculated on today's limits", Body: NoteRequest{}, Resp: store.Claim{}, handle: s.apiApproveClaim})
	s.api(route{Method: "POST", Path: "/api/v1/claims/{cid}/payments", OpID: "payClaim", Tag: ctag, Status: 201,
		Summary: "Pay part or the rest of the approved amount; the key makes a second submission fail; never beyond the limits left",
		Body:    store.PaymentInput{}, Resp: store.Claim{}, handle: s.apiPayClaim})
	s.api(route{Method: "POST", Path: "/api/v1/claims/{cid}/recoveries", OpID: "recordRecovery", Tag: ctag, Status: 201,
		Summary: "Record a recovery (subrogation, funds recalled…) on a paid claim", Body: store.RecoveryInput{}, Resp: store.Claim{},
		handle: s.apiRecovery})
	s.api(route{Method: "POST", Path: "/api/v1/claims/{cid}/decline", OpID: "declineClaim", Tag: ctag,
		Summary: "Decline a claim with a reason code (nothing paid yet)", Body: store.DeclineInput{}, Resp: store.Claim{},
		handle: s.apiDeclineClaim})
	s.api(route{Method: "POST", Path: "/api/v1/claims/{cid}/reopen", OpID: "reopenClaim", Tag: ctag,
		Summary: "Reopen a declined or closed claim", Body: NoteRequest{}, Resp: store.Claim{}, handle: s.apiReopenClaim})
}

func gradeNames() []string {
	out := make([]string, len(incident.Grades))
	for i, g := range incident.Grades {
		out[i] = string(g)
	}
	return out
}

func (s *Server) apiIncidentCatalog(w http.ResponseWriter, r *http.Request) (any, error) {
	return IncidentCatalog{Categories: incident.Categories(), RuleTables: incident.Tables(), OperatorTypes: store.OperatorTypes,
		ReportChannels: store.ReportChannels, StatutoryLinks: incident.StatutoryChannels(), DispatchModes: []string{store.ModeRemote, store.ModeOnSite},
		EvidenceKinds: store.EvidenceKinds, CustodyActions: store.CustodyActions, ItemKinds: claims.ItemKinds,
		DeclineReasons: store.DeclineReasons, RecoverySources: store.RecoverySources}, nil
}

func (s *Server) apiListIncidents(w http.ResponseWriter, r *http.Request) (any, error) {
	pg, err := page(r)
	if err != nil {
		return nil, err
	}
	f := store.IncidentFilter{Page: pg}
	for name, dst := range map[string]*int64{"enterprise_id": &f.EnterpriseID, "policy_id": &f.PolicyID} {
		if *dst, err = queryInt64(r, name); err != nil {
			return nil, err
		}
	}
	q := r.URL.Query()
	f.Status, f.Grade = q.Get("status"), q.Get("grade")
	switch q.Get("overdue") {
	case "", "false", "0":
	case "true", "1":
		f.Overdue = true
	default:
		return nil, anbao.FieldError("overdue", "error.bool_invalid", q.Get("overdue"))
	}
	l, err := s.store.ListIncidents(r.Context(), f)
	if err != nil {
		return nil, err
	}
	return ListResponse[*store.Incident]{Items: l.Items, Total: l.Total, Limit: pg.Limit, Offset: pg.Offset}, nil
}

// idBody decodes the body of a step on the object named by path value name.
func idBody[T any](r *http.Request, name string) (int64, *T, error) {
	id, err := pathID(r, name)
	if err != nil {
		return 0, nil, err
	}
	var in T
	if err := decodeJSON(r, &in); err != nil {
		return 0, nil, err
	}
	return id, &in, nil
}

func (s *Server) apiReportIncident(w http.ResponseWriter, r *http.Request) (any, error) {
	id, in, err := idBody[store.IncidentInput](r, "id")
	if err != nil {
		return nil, err
	}
	return s.store.ReportIncident(r.Context(), id, *in)
}

func (s *Server) apiGetIncident(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r, "iid")
	if err != nil {
		return nil, err
	}
	return s.store.GetIncident(r.Context(), id)
}

func (s *Server) apiUpdateIncident(w http.ResponseWriter, r *http.Request) (any, error) {
	id, in, err := idBody[store.IncidentUpdate](r, "iid")
	if err != nil {
		return nil, err
	}
	return s.store.UpdateIncident(r.Context(), id, *in)
}

func (s *Server) apiNotifyInsurer(w http.ResponseWriter, r *http.Request) (any, error) {
	id, in, err := idBody[VersionRequest](r, "iid")
	if err != nil {
		return nil, err
	}
	return s.store.NotifyInsurer(r.Context(), id, in.Version)
}

func (s *Server) apiNoticeReceived(w http.ResponseWriter, r *http.Request) (any, error) {
	id, in, err := idBody[store.NoticeReceivedInput](r, "iid")
	if err != nil {
		return nil, err
	}
	return s.store.RecordNoticeReceived(r.Context(), id, *in)
}

func (s *Server) apiStatutoryReport(w http.ResponseWriter, r *http.Request) (any, error) {
	id, in, err := idBody[store.StatutoryReportInput](r, "iid")
	if err != nil {
		return nil, err
	}
	return s.store.RecordStatutoryReport(r.Context(), id, *in)
}

func (s *Server) apiEndHandling(w http.ResponseWriter, r *http.Request) (any, error) {
	id, in, err := idBody[VersionRequest](r, "iid")
	if err != nil {
		return nil, err
	}
	return s.store.EndHandling(r.Context(), id, in.Version)
}

func (s *Server) apiSubmitSummary(w http.ResponseWriter, r *http.Request) (any, error) {
	id, in, err := idBody[store.SummaryInput](r, "iid")
	if err != nil {
		return nil, err
	}
	return s.store.SubmitSummary(r.Context(), id, *in)
}

func (s *Server) apiDispatch(w http.ResponseWriter, r *http.Request) (any, error) {
	id, in, err := idBody[store.DispatchInput](r, "iid")
	if err != nil {
		return nil, err
	}
	return s.store.DispatchProvider(r.Context(), id, *in)
}

func (s *Server) apiStepDispatch(w http.ResponseWriter, r *http.Request) (any, error) {
	id, in, err := idBody[store.DispatchStepInput](r, "did")
	if err != nil {
		return nil, err
	}
	return s.store.StepDispatch(r.Context(), id, r.PathValue("step"), *in)
}

func (s *Server) apiUseEntitlement(w http.ResponseWriter, r *http.Request) (any, error) {
	id, in, err := idBody[store.UseInput](r, "did")
	if err != nil {
		return nil, err
	}
	return s.store.UseEntitlement(r.Context(), id, *in)
}

func (s *Server) apiLedger(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r, "polid")
	if err != nil {
		return nil, err
	}
	term, err := queryInt(r, "term", 0, 0, 1000)
	if err != nil {
		return nil, err
	}
	return s.store.EntitlementLedger(r.Context(), id, term)
}

func (s *Server) apiAddEvidence(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "iid")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	in := store.EvidenceInput{Kind: q.Get("kind"), Name: q.Get("name"), SHA256: q.Get("sha256"), Note: q.Get("note")}
	if in.SHA256 == "" || r.ContentLength > 0 || r.Header.Get("Content-Type") != "" {
		up, err := readEvidence(r)
		if err != nil {
			return err
		}
		if len(up.Data) > 0 {
			in.Content = up.Data
			if in.Name == "" {
				in.Name = up.Filename
			}
		} else if in.SHA256 == "" {
			return anbao.FieldError("file", "evidence.empty")
		}
	}
	inc, err := s.store.AddEvidence(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, inc)
	return nil
}

func (s *Server) apiCustody(w http.ResponseWriter, r *http.Request) (any, error) {
	id, in, err := idBody[store.CustodyInput](r, "vid")
	if err != nil {
		return nil, err
	}
	return s.store.RecordCustody(r.Context(), id, *in)
}

func (s *Server) apiEvidenceContent(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "vid")
	if err != nil {
		return err
	}
	name, ct, data, err := s.store.EvidenceContent(r.Context(), id)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="evidence-%d"; filename*=UTF-8''%s`, id, rfc5987(name)))
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	_, err = w.Write(data)
	return err
}

func (s *Server) apiListClaims(w http.ResponseWriter, r *http.Request) (any, error) {
	pg, err := page(r)
	if err != nil {
		return nil, err
	}
	f := store.ClaimFilter{Page: pg}
	if st := r.URL.Query().Get("status"); strings.Contains(st, ",") {
		f.Statuses = strings.Split(st, ",")
	} else {
		f.Status = st
	}
	for name, dst := range map[string]*int64{"policy_id": &f.PolicyID, "incident_id": &f.IncidentID, "enterprise_id": &f.EnterpriseID} {
		if *dst, err = queryInt64(r, name); err != nil {
			return nil, err
		}
	}
	l, err := s.store.ListClaims(r.Context(), f)
	if err != nil {
		return nil, err
	}
	return ListResponse[*store.Claim]{Items: l.Items, Total: l.Total, Limit: pg.Limit, Offset: pg.Offset}, nil
}

func (s *Server) apiOpenClaim(w http.ResponseWriter, r *http.Request) (any, error) {
	id, in, err := idBody[store.ClaimInput](r, "iid")
	if err != nil {
		return nil, err
	}
	return s.store.OpenClaim(r.Context(), id, *in)
}

func (s *Server) apiGetClaim(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r, "cid")
	if err != nil {
		return nil, err
	}
	return s.store.GetClaim(r.Context(), id)
}

func (s *Server) apiClaimItems(w http.ResponseWriter, r *http.Request) (any, error) {
	id, in, err := idBody[store.ClaimItemsInput](r, "cid")
	if err != nil {
		return nil, err
	}
	return s.store.UpdateClaimItems(r.Context(), id, *in)
}

func (s *Server) apiAssessClaim(w http.ResponseWriter, r *http.Request) (any, error) {
	id, in, err := idBody[store.AssessInput](r, "cid")
	if err != nil {
		return nil, err
	}
	return s.store.AssessClaim(r.Context(), id, *in)
}

func (s *Server) apiConsentRansom(w http.ResponseWriter, r *http.Request) (any, error) {
	id, in, err := idBody[ConsentRequest](r, "cid")
	if err != nil {
		return nil, err
	}
	return s.store.ConsentRansom(r.Context(), id, in.Note, in.Version)
}

func (s *Server) apiReserve(w http.ResponseWriter, r *http.Request) (any, error) {
	id, in, err := idBody[store.ReserveInput](r, "cid")
	if err != nil {
		return nil, err
	}
	return s.store.SetReserve(r.Context(), id, *in)
}

func (s *Server) apiApproveClaim(w http.ResponseWriter, r *http.Request) (any, error) {
	id, in, err := idBody[NoteRequest](r, "cid")
	if err != nil {
		return nil, err
	}
	return s.store.ApproveClaim(r.Context(), id, in.Note, in.Version)
}

func (s *Server) apiPayClaim(w http.ResponseWriter, r *http.Request) (any, error) {
	id, in, err := idBody[store.PaymentInput](r, "cid")
	if err != nil {
		return nil, err
	}
	return s.store.PayClaim(r.Context(), id, *in)
}

func (s *Server) apiRecovery(w http.ResponseWriter, r *http.Request) (any, error) {
	id, in, err := idBody[store.RecoveryInput](r, "cid")
	if err != nil {
		return nil, err
	}
	return s.store.RecordRecovery(r.Context(), id, *in)
}

func (s *Server) apiDeclineClaim(w http.ResponseWriter, r *http.Request) (any, error) {
	id, in, err := idBody[store.DeclineInput](r, "cid")
	if err != nil {
		return nil, err
	}
	return s.store.DeclineClaim(r.Context(), id, *in)
}

func (s *Server) apiReopenClaim(w http.ResponseWriter, r *http.Request) (any, error) {
	id, in, err := idBody[NoteRequest](r, "cid")
	if err != nil {
		return nil, err
	}
	return s.store.ReopenClaim(r.Context(), id, in.Note, in.Version)
}
