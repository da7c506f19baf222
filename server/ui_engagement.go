package server

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/cvss"
	"github.com/anbao/anbao/store"
	"github.com/anbao/anbao/ui"
)

// The engagement pages: the list (with the form to engage a provider), one
// engagement with its findings, and one finding with its history, resolution,
// dispute, review and evidence forms. Forms post plain HTML (multipart where
// a file goes with them); after an error the page is shown again with it.

type uiEngData struct {
	EnterpriseID int64 // the list's enterprise filter, 0 for all
	List         *store.ItemList[*store.Engagement]
	Providers    []*anbao.Organisation
	CanCreate    bool
	Eng          *store.Engagement
	Findings     *store.ItemList[*store.Finding]
	Finding      *store.Finding
	Today        string
	Reports      []*store.Report // the engagement's signed reports
}

func (u *uiRenderer) addEngagementPages() error {
	base, ok := u.pages["error"]
	if !ok {
		return errors.New("ui: no base page to clone for engagements")
	}
	for _, name := range []string{"engagements", "engagement", "finding"} {
		t, err := base.Clone()
		if err != nil {
			return err
		}
		if t, err = t.ParseFS(ui.Templates(), "templates/"+name+".html", "templates/engagement_parts.html"); err != nil {
			return fmt.Errorf("ui template %s: %w", name, err)
		}
		u.pages[name] = t
	}
	return nil
}

func (s *Server) registerEngagementUI() error {
	if err := s.ui.addEngagementPages(); err != nil {
		return err
	}
	s.allowBody("/engagements", store.MaxEvidenceBytes+1<<20)
	s.allowBody("/findings/", store.MaxEvidenceBytes+1<<20)
	m := s.mux
	m.HandleFunc("GET /engagements", s.uiAuth(s.uiEngagements))
	m.HandleFunc("POST /engagements", s.uiAuth(s.uiCreateEngagement))
	m.HandleFunc("GET /engagements/{eid}", s.uiAuth(s.uiEngagement))
	m.HandleFunc("POST /engagements/{eid}/step/{act}", s.uiAuth(s.uiEngagementStep))
	m.HandleFunc("POST /engagements/{eid}/findings", s.uiAuth(s.uiCreateFinding))
	m.HandleFunc("POST /engagements/{eid}/evidence", s.uiAuth(s.uiUpload("engagement")))
	m.HandleFunc("GET /findings/{fid}", s.uiAuth(s.uiFinding))
	m.HandleFunc("POST /findings/{fid}/step/{step}", s.uiAuth(s.uiFindingStep))
	m.HandleFunc("POST /findings/{fid}/evidence", s.uiAuth(s.uiUpload("finding")))
	return nil
}

// formFile reads the optional file of a multipart form; nil when none was chosen.
func formFile(r *http.Request, name string) (*store.EvidenceUpload, error) {
	f, h, err := r.FormFile(name)
	if errors.Is(err, http.ErrMissingFile) || errors.Is(err, http.ErrNotMultipart) {
		return nil, nil
	}
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, &anbao.Error{Code: anbao.ETOOLARGE, Key: "evidence.too_large", Args: []any{store.MaxEvidenceBytes >> 20}, Field: "file"}
		}
		return nil, anbao.FieldError("file", "evidence.empty")
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, store.MaxEvidenceBytes+1))
	if err != nil {
		return nil, err
	}
	if h.Size == 0 && h.Filename == "" {
		return nil, nil
	}
	return &store.EvidenceUpload{Filename: h.Filename, Data: b}, nil
}

func (s *Server) engListPage(w http.ResponseWriter, r *http.Request, status int, entID int64, formErr error) {
	p := s.newPage(r, "ui.eng.title", "engagements")
	d := &uiEngData{EnterpriseID: entID, Today: s.store.Now().In(anbao.Shanghai).Format(time.DateOnly)}
	ctx := r.Context()
	pg, _ := page(r)
	var err error
	if d.List, err = s.store.ListEngagements(ctx, store.EngagementFilter{EnterpriseID: entID, Page: pg}); err != nil {
		s.writeError(w, r, err)
		return
	}
	if entID != 0 && store.MayManageEngagements(p.P, entID) == nil {
		d.CanCreate = true
		if d.Providers, err = s.store.ActiveProviders(ctx); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	if formErr != nil {
		status = p.setError("engage", r.PostForm, formErr, s, r)
	} else if r.Method == http.MethodGet {
		// A preselected provider, e.g. from a catalogue plan's consortium.
		p.Form = r.URL.Query()
	}
	p.Data = d
	s.render(w, r, status, "engagements", p)
}

func (s *Server) uiEngagements(w http.ResponseWriter, r *http.Request) {
	var ent int64
	if v := r.URL.Query().Get("enterprise"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			s.writeError(w, r, anbao.ErrNotFound("enterprise"))
			return
		}
		ent = n
	}
	s.engListPage(w, r, http.StatusOK, ent, nil)
}

func (s *Server) uiCreateEngagement(w http.ResponseWriter, r *http.Request) {
	ent, _ := strconv.ParseInt(r.PostFormValue("enterprise_id"), 10, 64)
	if err := store.MayManageEngagements(anbao.PrincipalFrom(r.Context()), ent); err != nil {
		s.writeError(w, r, err)
		return
	}
	prov, _ := strconv.ParseInt(r.PostFormValue("provider_id"), 10, 64)
	in := store.EngagementInput{ProviderID: prov, Scope: r.PostFormValue("scope"), TestTypes: r.PostFormValue("test_types"),
		WindowStart: r.PostFormValue("window_start"), WindowEnd: r.PostFormValue("window_end"),
		AuthorisationText: r.PostFormValue("authorisation_text"), AuthorisedBy: r.PostFormValue("authorised_by")}
	up, err := formFile(r, "file")
	if err == nil {
		in.Authorisation = up
		var e *store.Engagement
		if e, err = s.store.CreateEngagement(r.Context(), ent, in); err == nil {
			http.Redirect(w, r, fmt.Sprintf("/engagements/%d", e.ID), http.StatusSeeOther)
			return
		}
	}
	s.engListPage(w, r, 0, ent, err)
}

func (s *Server) engPage(w http.ResponseWriter, r *http.Request, status int, id int64, form string, formErr error) {
	p := s.newPage(r, "ui.eng.title", "engagements")
	ctx := r.Context()
	d := &uiEngData{}
	var err error
	if d.Eng, err = s.store.GetEngagement(ctx, id); err != nil {
		s.writeError(w, r, err)
		return
	}
	// The findings stay hidden from a provider whose view has closed.
	if d.Findings, err = s.store.ListFindings(ctx, id, store.FindingFilter{Page: anbao.Page{Limit: anbao.MaxPageLimit}}); err != nil {
		if anbao.ErrorCode(err) != anbao.ENOTFOUND {
			s.writeError(w, r, err)
			return
		}
		d.Findings = nil
	}
	if d.Findings != nil {
		d.Reports, _ = s.store.ListReports(ctx, id)
	}
	if formErr != nil {
		status = p.setError(form, r.PostForm, formErr, s, r)
	}
	p.Data = d
	s.render(w, r, status, "engagement", p)
}

func (s *Server) uiEngagement(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "eid")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.engPage(w, r, http.StatusOK, id, "", nil)
}

func (s *Server) uiEngagementStep(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "eid")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	act := store.EngagementAction(r.PathValue("act"))
	if _, err := s.store.ActEngagement(r.Context(), id, act, r.PostFormValue("reason")); err != nil {
		if c := anbao.ErrorCode(err); c == anbao.ENOTFOUND || c == anbao.EFORBIDDEN || c == anbao.EUNAUTHORIZED {
			s.writeError(w, r, err)
			return
		}
		s.engPage(w, r, 0, id, "step-"+string(act), err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/engagements/%d?ok=saved", id), http.StatusSeeOther)
}

func (s *Server) uiCreateFinding(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "eid")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := anbao.Authorize(anbao.PrincipalFrom(r.Context()), anbao.ActFindingWrite); err != nil {
		s.writeError(w, r, err)
		return
	}
	in := store.FindingInput{Type: r.PostFormValue("type"), Asset: r.PostFormValue("asset"), Title: r.PostFormValue("title"),
		Description: r.PostFormValue("description"), Severity: r.PostFormValue("severity"), CVSSVector: r.PostFormValue("cvss_vector"),
		InternetFacing: formBool(r.PostFormValue("internet_facing")), Remediation: r.PostFormValue("remediation"),
		CVE: splitList(r.PostFormValue("cve")), CNVD: splitList(r.PostFormValue("cnvd")), CNNVD: splitList(r.PostFormValue("cnnvd"))}
	if v := strings.TrimSpace(r.PostFormValue("asset_id")); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			s.engPage(w, r, 0, id, "finding", anbao.FieldError("asset_id", "error.bad_query", "asset_id"))
			return
		}
		in.AssetID = &n
	}
	f, err := s.store.CreateFinding(r.Context(), id, in)
	if err != nil {
		if c := anbao.ErrorCode(err); c == anbao.ENOTFOUND {
			s.writeError(w, r, err)
			return
		}
		s.engPage(w, r, 0, id, "finding", err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/findings/%d?ok=saved", f.ID), http.StatusSeeOther)
}

// splitList splits ids typed with commas, spaces or new lines.
func splitList(v string) []string {
	return strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == '，' || r == ' ' || r == '\n' || r == '\r' || r == ';' })
}

func (s *Server) findingPage(w http.ResponseWriter, r *http.Request, status int, id int64, form string, formErr error) {
	p := s.newPage(r, "ui.finding.title", "engagements")
	d := &uiEngData{}
	var err error
	if d.Finding, err = s.store.GetFinding(r.Context(), id); err != nil {
		s.writeError(w, r, err)
		return
	}
	if d.Eng, err = s.store.GetEngagement(r.Context(), d.Finding.EngagementID); err != nil {
		s.writeError(w, r, err)
		return
	}
	if formErr != nil {
		status = p.setError(form, r.PostForm, formErr, s, r)
	}
	p.Data = d
	s.render(w, r, status, "finding", p)
}

func (s *Server) uiFinding(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "fid")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.findingPage(w, r, http.StatusOK, id, "", nil)
}

func (s *Server) uiFindingStep(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "fid")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	step := r.PathValue("step")
	st := store.FindingStep{Status: r.PostFormValue("status"), Decision: r.PostFormValue("decision"), Reason: r.PostFormValue("reason")}
	up, err := formFile(r, "file")
	if err == nil {
		if up != nil {
			st.Files = []*store.EvidenceUpload{up}
		}
		ctx := r.Context()
		switch step {
		case "resolution":
			_, err = s.store.ResolveFinding(ctx, id, st)
		case "dispute":
			_, err = s.store.DisputeFinding(ctx, id, st)
		case "review":
			_, err = s.store.ReviewFinding(ctx, id, st)
		case "verify":
			_, err = s.store.VerifyFinding(ctx, id, st)
		default:
			err = anbao.ErrNotFound("step")
		}
	}
	if err != nil {
		if c := anbao.ErrorCode(err); c == anbao.ENOTFOUND || c == anbao.EFORBIDDEN {
			s.writeError(w, r, err)
			return
		}
		s.findingPage(w, r, 0, id, "step-"+step, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/findings/%d?ok=saved", id), http.StatusSeeOther)
}

// uiUpload stores an evidence file on a finding or an engagement.
func (s *Server) uiUpload(kind string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		param, back := "fid", "/findings/%d"
		if kind == "engagement" {
			param, back = "eid", "/engagements/%d"
		}
		id, err := pathID(r, param)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		up, err := formFile(r, "file")
		if err == nil && up == nil {
			err = anbao.FieldError("file", "evidence.empty")
		}
		if err == nil {
			target := store.EvidenceTarget{FindingID: id}
			if kind == "engagement" {
				target = store.EvidenceTarget{EngagementID: id}
			}
			_, err = s.store.UploadEvidence(r.Context(), target, up)
		}
		if err != nil {
			if c := anbao.ErrorCode(err); c == anbao.ENOTFOUND || c == anbao.EFORBIDDEN {
				s.writeError(w, r, err)
				return
			}
			if kind == "engagement" {
				s.engPage(w, r, 0, id, "evidence", err)
			} else {
				s.findingPage(w, r, 0, id, "evidence", err)
			}
			return
		}
		http.Redirect(w, r, fmt.Sprintf(back+"?ok=saved", id), http.StatusSeeOther)
	}
}

// Template helpers.

func (d *uiEngData) IsEnterprise(p *uiPage) bool {
	return d.Eng != nil && p.P.OrgID == d.Eng.EnterpriseID
}
func (d *uiEngData) IsProvider(p *uiPage) bool { return d.Eng != nil && p.P.OrgID == d.Eng.ProviderID }
func (d *uiEngData) Types() []string           { return store.FindingTypes }
func (d *uiEngData) Severities() []string      { return store.FindingSeverities }

// Resolutions are the enterprise's choices on a finding.
func (d *uiEngData) Resolutions() []string {
	return []string{store.StatusFixed, store.StatusAcceptedRisk, store.StatusThirdParty, store.StatusFalsePositive, store.StatusOpen}
}

// Score formats a CVSS score.
func (d *uiEngData) Score(x *float64) string {
	if x == nil {
		return "—"
	}
	return cvss.FormatScore(*x)
}

// Pct formats an EPSS probability as a percentage.
func (d *uiEngData) Pct(x *float64) string {
	if x == nil {
		return ""
	}
	return strconv.FormatFloat(*x*100, 'f', 1, 64) + "%"
}

// Open reports whether an engagement is in a state its provider may still work in.
func (d *uiEngData) Workable() bool {
	return d.Eng != nil && (d.Eng.Status == store.EngActive || d.Eng.Status == store.EngCompleted)
}

// ShortSHA abbreviates a hash for tables (the full one is in the title).
func (d *uiEngData) ShortSHA(h string) string {
	if len(h) > 16 {
		return h[:16] + "…"
	}
	return h
}

// KiB formats a size.
func (d *uiEngData) KiB(n int64) string {
	if n < 1024 {
		return strconv.FormatInt(n, 10) + " B"
	}
	return strconv.FormatFloat(float64(n)/1024, 'f', 1, 64) + " KiB"
}
