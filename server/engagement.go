package server

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/store"
)

// Provider engagements, findings, their resolution and disputes, and evidence
// files. The store decides who may see and do what; a provider acting on an
// enterprise without an engagement gets not found.

// ReasonRequest is the body of an engagement step (optional for accept, complete and end).
type ReasonRequest struct {
	Reason string `json:"reason,omitempty"`
}

func (s *Server) registerEngagementAPI() {
	const tag = "assessment"
	statusQ := []qparam{{Name: "status", Type: "string", Desc: "engagement status",
		Enum: []string{"requested", "accepted", "active", "declined", "completed", "ended"}}}
	s.api(route{Method: "GET", Path: "/api/v1/enterprises/{id}/engagements", OpID: "listEnterpriseEngagements", Tag: tag,
		Summary: "An enterprise's provider engagements (a provider sees only its own)", Query: append(statusQ, pageParams...),
		Resp: ListResponse[*store.Engagement]{}, handle: s.apiListEntEngagements})
	s.api(route{Method: "POST", Path: "/api/v1/enterprises/{id}/engagements", OpID: "createEngagement", Tag: tag, Status: 201,
		Summary: "Engage an active provider with a scope, a test window and a written authorisation (the enterprise's admin)",
		Body:    store.EngagementInput{}, Resp: store.Engagement{}, handle: s.apiCreateEngagement})
	s.api(route{Method: "GET", Path: "/api/v1/engagements", OpID: "listEngagements", Tag: tag,
		Summary: "The engagements the caller may see: a provider's work list, an enterprise's own", Query: append(statusQ, pageParams...),
		Resp: ListResponse[*store.Engagement]{}, handle: s.apiListEngagements})
	s.api(route{Method: "GET", Path: "/api/v1/engagements/{eid}", OpID: "getEngagement", Tag: tag,
		Summary: "One engagement with its authorisation evidence", Resp: store.Engagement{}, handle: s.apiGetEngagement})
	for _, act := range []store.EngagementAction{store.EngActAccept, store.EngActDecline, store.EngActComplete, store.EngActEnd} {
		summary := map[store.EngagementAction]string{
			store.EngActAccept:   "Accept a requested engagement (the provider's admin); opens the provider's view of the enterprise",
			store.EngActDecline:  "Decline a requested engagement with a reason (the provider's admin)",
			store.EngActComplete: "Mark an active engagement completed (the provider's admin); the provider keeps its view until the enterprise ends it",
			store.EngActEnd:      "End an engagement at any time (the enterprise's admin); closes the provider's view",
		}[act]
		s.api(route{Method: "POST", Path: "/api/v1/engagements/{eid}/" + string(act), OpID: string(act) + "Engagement", Tag: tag,
			Summary: summary, Body: ReasonRequest{}, Resp: store.Engagement{}, handle: s.apiEngagementStep(act)})
	}
	findingQ := append([]qparam{
		{Name: "status", Type: "string", Desc: "finding status", Enum: store.FindingStatuses},
		{Name: "severity", Type: "string", Desc: "severity", Enum: store.FindingSeverities},
	}, pageParams...)
	s.api(route{Method: "GET", Path: "/api/v1/engagements/{eid}/findings", OpID: "listFindings", Tag: tag,
		Summary: "An engagement's findings, most severe first, with KEV and EPSS from the imported feeds", Query: findingQ,
		Resp: ListResponse[*store.Finding]{}, handle: s.apiListFindings})
	s.api(route{Method: "POST", Path: "/api/v1/engagements/{eid}/findings", OpID: "createFinding", Tag: tag, Status: 201,
		Summary: "Record a finding on an active engagement (the provider's admins and analysts); CVSS vectors are validated and scored",
		Body:    store.FindingInput{}, Resp: store.Finding{}, handle: s.apiCreateFinding})
	s.api(route{Method: "GET", Path: "/api/v1/findings/{fid}", OpID: "getFinding", Tag: tag,
		Summary: "One finding with its history and evidence", Resp: store.Finding{}, handle: s.apiGetFinding})
	s.api(route{Method: "PATCH", Path: "/api/v1/findings/{fid}", OpID: "updateFinding", Tag: tag,
		Summary: "Change a finding's recorded facts (its provider); the fields given replace the stored ones",
		Body:    store.FindingInput{}, Resp: store.Finding{}, handle: s.apiUpdateFinding})
	steps := []struct{ path, op, summary string }{
		{"resolution", "resolveFinding", "The enterprise resolves a finding: fixed (→ provider re-verification), accepted_risk, third_party, " +
			"false_positive (a critical finding's waiver waits for the provider's review), or open to withdraw a waiver"},
		{"dispute", "disputeFinding", "The enterprise disputes a finding; the provider reviews it within 5 working days"},
		{"review", "reviewFinding", "The provider upholds or rejects a dispute or a critical waiver (decision uphold|reject)"},
		{"verify", "verifyFinding", "The provider re-verifies a fix (decision fixed|reopen)"},
	}
	for _, st := range steps {
		s.api(route{Method: "POST", Path: "/api/v1/findings/{fid}/" + st.path, OpID: st.op, Tag: tag, Summary: st.summary,
			Body: store.FindingStep{}, Resp: store.Finding{}, handle: s.apiFindingStep(st.path)})
	}
	s.allowBody("/api/v1/evidence", store.MaxEvidenceBytes+1<<20)
	s.api(route{Method: "POST", Path: "/api/v1/evidence", OpID: "uploadEvidence", Tag: tag, Status: 201,
		Summary: "Upload an evidence file (PDF, PNG, JPEG, text, CSV, JSON or ZIP; at most 10 MiB) to a finding or an engagement: " +
			"the raw bytes as the body with ?filename=, or multipart/form-data with a part named file",
		Query: []qparam{{Name: "finding_id", Type: "integer", Desc: "the finding"}, {Name: "engagement_id", Type: "integer", Desc: "or the engagement"},
			{Name: "filename", Type: "string", Desc: "the file's name (raw uploads)"}},
		Resp: store.EvidenceFile{}, handle: s.apiUploadEvidence})
	s.rawAPI(route{Method: "GET", Path: "/api/v1/evidence/{evid}", OpID: "downloadEvidence", Tag: tag,
		Summary: "Download an evidence file (as an attachment; X-Content-SHA256 carries its hash)"}, s.apiDownloadEvidence)
}

// rawAPI registers an operation that writes its own response (a file download).
func (s *Server) rawAPI(rt route, h func(w http.ResponseWriter, r *http.Request) error) {
	rt.Status = http.StatusOK
	s.routes = append(s.routes, &rt)
	s.mux.HandleFunc(rt.Method+" "+rt.Path, func(w http.ResponseWriter, r *http.Request) {
		if anbao.PrincipalFrom(r.Context()) == nil {
			s.writeError(w, r, anbao.Errorf(anbao.EUNAUTHORIZED, "error.unauthorized"))
			return
		}
		if err := h(w, r); err != nil {
			s.writeError(w, r, err)
		}
	})
}

// decodeOptionalJSON is decodeJSON for bodies that may be absent.
func decodeOptionalJSON(r *http.Request, v any) error {
	if r.ContentLength == 0 {
		return nil
	}
	return decodeJSON(r, v)
}

func engFilter(r *http.Request) (store.EngagementFilter, error) {
	pg, err := page(r)
	return store.EngagementFilter{Status: store.EngagementStatus(r.URL.Query().Get("status")), Page: pg}, err
}

func (s *Server) apiListEntEngagements(w http.ResponseWriter, r *http.Request) (any, error) {
	ent, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	f, err := engFilter(r)
	if err != nil {
		return nil, err
	}
	f.EnterpriseID = ent
	l, err := s.store.ListEngagements(r.Context(), f)
	if err != nil {
		return nil, err
	}
	return ListResponse[*store.Engagement]{Items: l.Items, Total: l.Total, Limit: f.Limit, Offset: f.Offset}, nil
}

func (s *Server) apiListEngagements(w http.ResponseWriter, r *http.Request) (any, error) {
	f, err := engFilter(r)
	if err != nil {
		return nil, err
	}
	l, err := s.store.ListEngagements(r.Context(), f)
	if err != nil {
		return nil, err
	}
	return ListResponse[*store.Engagement]{Items: l.Items, Total: l.Total, Limit: f.Limit, Offset: f.Offset}, nil
}

func (s *Server) apiCreateEngagement(w http.ResponseWriter, r *http.Request) (any, error) {
	ent, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	if err := store.MayManageEngagements(anbao.PrincipalFrom(r.Context()), ent); err != nil {
		return nil, err
	}
	var in store.EngagementInput
	if err := decodeJSON(r, &in); err != nil {
		return nil, err
	}
	return s.store.CreateEngagement(r.Context(), ent, in)
}

func (s *Server) apiGetEngagement(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r, "eid")
	if err != nil {
		return nil, err
	}
	return s.store.GetEngagement(r.Context(), id)
}

func (s *Server) apiEngagementStep(act store.EngagementAction) func(w http.ResponseWriter, r *http.Request) (any, error) {
	return func(w http.ResponseWriter, r *http.Request) (any, error) {
		id, err := pathID(r, "eid")
		if err != nil {
			return nil, err
		}
		var req ReasonRequest
		if err := decodeOptionalJSON(r, &req); err != nil {
			return nil, err
		}
		return s.store.ActEngagement(r.Context(), id, act, req.Reason)
	}
}

func (s *Server) apiListFindings(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r, "eid")
	if err != nil {
		return nil, err
	}
	pg, err := page(r)
	if err != nil {
		return nil, err
	}
	q := r.URL.Query()
	l, err := s.store.ListFindings(r.Context(), id, store.FindingFilter{Status: q.Get("status"), Severity: q.Get("severity"), Page: pg})
	if err != nil {
		return nil, err
	}
	return ListResponse[*store.Finding]{Items: l.Items, Total: l.Total, Limit: pg.Limit, Offset: pg.Offset}, nil
}

func (s *Server) apiCreateFinding(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r, "eid")
	if err != nil {
		return nil, err
	}
	if err := anbao.Authorize(anbao.PrincipalFrom(r.Context()), anbao.ActFindingWrite); err != nil {
		return nil, err
	}
	var in store.FindingInput
	if err := decodeJSON(r, &in); err != nil {
		return nil, err
	}
	return s.store.CreateFinding(r.Context(), id, in)
}

func (s *Server) apiGetFinding(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r, "fid")
	if err != nil {
		return nil, err
	}
	return s.store.GetFinding(r.Context(), id)
}

func (s *Server) apiUpdateFinding(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r, "fid")
	if err != nil {
		return nil, err
	}
	if err := anbao.Authorize(anbao.PrincipalFrom(r.Context()), anbao.ActFindingWrite); err != nil {
		return nil, err
	}
	f, err := s.store.GetFinding(r.Context(), id)
	if err != nil {
		return nil, err
	}
	in := f.Input() // the body's fields replace these
	if err := decodeJSON(r, &in); err != nil {
		return nil, err
	}
	return s.store.UpdateFinding(r.Context(), id, in)
}

func (s *Server) apiFindingStep(step string) func(w http.ResponseWriter, r *http.Request) (any, error) {
	return func(w http.ResponseWriter, r *http.Request) (any, error) {
		id, err := pathID(r, "fid")
		if err != nil {
			return nil, err
		}
		need := anbao.ActFindingWrite
		if step == "resolution" || step == "dispute" {
			need = anbao.ActFindingResolve
		}
		if err := anbao.Authorize(anbao.PrincipalFrom(r.Context()), need); err != nil {
			return nil, err
		}
		var st store.FindingStep
		if err := decodeJSON(r, &st); err != nil {
			return nil, err
		}
		switch step {
		case "resolution":
			return s.store.ResolveFinding(r.Context(), id, st)
		case "dispute":
			return s.store.DisputeFinding(r.Context(), id, st)
		case "review":
			return s.store.ReviewFinding(r.Context(), id, st)
		}
		return s.store.VerifyFinding(r.Context(), id, st)
	}
}

// readEvidence reads an upload: multipart/form-data (part "file") or the raw body.
func readEvidence(r *http.Request) (*store.EvidenceUpload, error) {
	tooLarge := &anbao.Error{Code: anbao.ETOOLARGE, Key: "evidence.too_large", Args: []any{store.MaxEvidenceBytes >> 20}, Field: "file"}
	readAll := func(rd io.Reader) ([]byte, error) {
		b, err := io.ReadAll(io.LimitReader(rd, store.MaxEvidenceBytes+1))
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) || len(b) > store.MaxEvidenceBytes {
			return nil, tooLarge
		}
		return b, err
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "multipart/form-data" {
		b, err := readAll(r.Body)
		if err != nil {
			return nil, err
		}
		return &store.EvidenceUpload{Filename: r.URL.Query().Get("filename"), Data: b}, nil
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, anbao.FieldError("file", "evidence.empty")
	}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return nil, anbao.FieldError("file", "evidence.empty")
		}
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return nil, tooLarge
			}
			return nil, anbao.FieldError("file", "evidence.empty")
		}
		if part.FormName() != "file" {
			continue
		}
		b, err := readAll(part)
		if err != nil {
			return nil, err
		}
		return &store.EvidenceUpload{Filename: part.FileName(), Data: b}, nil
	}
}

func (s *Server) apiUploadEvidence(w http.ResponseWriter, r *http.Request) (any, error) {
	fid, err := queryInt64(r, "finding_id")
	if err != nil {
		return nil, err
	}
	eid, err := queryInt64(r, "engagement_id")
	if err != nil {
		return nil, err
	}
	p := anbao.PrincipalFrom(r.Context())
	if !anbao.Can(p, anbao.ActFindingResolve) && !anbao.Can(p, anbao.ActFindingWrite) && !anbao.Can(p, anbao.ActEngagementManage) &&
		!anbao.Can(p, anbao.ActEngagementRespond) {
		return nil, anbao.Authorize(p, anbao.ActFindingResolve)
	}
	up, err := readEvidence(r)
	if err != nil {
		return nil, err
	}
	return s.store.UploadEvidence(r.Context(), store.EvidenceTarget{FindingID: fid, EngagementID: eid}, up)
}

func (s *Server) apiDownloadEvidence(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "evid")
	if err != nil {
		return err
	}
	ev, data, err := s.store.GetEvidence(r.Context(), id)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", ev.ContentType)
	h.Set("Content-Length", strconv.Itoa(len(data)))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Content-SHA256", ev.SHA256)
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Security-Policy", "sandbox")
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="evidence-%d"; filename*=UTF-8''%s`, ev.ID, rfc5987(ev.Filename)))
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(data)
	if err != nil {
		s.log.WarnContext(r.Context(), "evidence download", "err", err)
	}
	return nil
}

// rfc5987 percent-encodes a file name for filename* (RFC 8187 attr-char).
func rfc5987(name string) string {
	var b strings.Builder
	for _, c := range []byte(name) {
		if c < 0x80 && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0) {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}
