package server

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/report"
	"github.com/anbao/anbao/store"
)

// Signed final reports: the engaged provider's admin signs; whoever may read
// the assessment reads it, with the signature verified on every display; the
// PDF is the same page printed by Chromium (Chinese needs fonts-noto-cjk).

// SignReportRequest is the body of POST /api/v1/engagements/{eid}/report.
type SignReportRequest struct {
	Conclusion string `json:"conclusion"`
}

func (s *Server) registerReportAPI() {
	const tag = "reports"
	s.api(route{Method: "POST", Path: "/api/v1/engagements/{eid}/report", OpID: "signReport", Tag: tag, Status: 201,
		Summary: "Sign the engagement's final report (the engaged provider's admin): the engagement, its authorisation and every finding " +
			"as they stand, with the conclusion, as canonical JSON signed with the provider's Ed25519 key",
		Body: SignReportRequest{}, Resp: store.Report{}, handle: s.apiSignReport})
	s.api(route{Method: "GET", Path: "/api/v1/engagements/{eid}/reports", OpID: "listReports", Tag: tag,
		Summary: "The engagement's signed reports, newest first, each verified now", Resp: []*store.Report{}, handle: s.apiListReports})
	s.api(route{Method: "GET", Path: "/api/v1/reports/{rid}", OpID: "getReport", Tag: tag,
		Summary: "One signed report with the payload, signature and public key, verified now (verified: false if anything was altered)",
		Resp:    store.Report{}, handle: s.apiGetReport})
}

func (s *Server) apiSignReport(w http.ResponseWriter, r *http.Request) (any, error) {
	eid, err := pathID(r, "eid")
	if err != nil {
		return nil, err
	}
	if err := anbao.Authorize(anbao.PrincipalFrom(r.Context()), anbao.ActReportSign); err != nil {
		return nil, err
	}
	var in SignReportRequest
	if err := decodeJSON(r, &in); err != nil {
		return nil, err
	}
	return s.store.SignReport(r.Context(), eid, in.Conclusion)
}

func (s *Server) apiListReports(w http.ResponseWriter, r *http.Request) (any, error) {
	eid, err := pathID(r, "eid")
	if err != nil {
		return nil, err
	}
	return s.store.ListReports(r.Context(), eid)
}

func (s *Server) apiGetReport(w http.ResponseWriter, r *http.Request) (any, error) {
	rid, err := pathID(r, "rid")
	if err != nil {
		return nil, err
	}
	return s.store.GetReport(r.Context(), rid)
}

func (s *Server) registerReportUI() error {
	if err := s.ui.addExtraPage("report"); err != nil {
		return err
	}
	s.mux.HandleFunc("GET /reports/{rid}", s.uiAuth(s.uiReport))
	s.mux.HandleFunc("GET /reports/{rid}/pdf", s.uiAuth(s.uiReportPDF))
	s.mux.HandleFunc("POST /engagements/{eid}/report", s.uiAuth(s.uiSignReport))
	return nil
}

func (s *Server) reportPage(r *http.Request) (*uiPage, error) {
	p := s.newPage(r, "ui.report.title", "engagements")
	rid, err := pathID(r, "rid")
	if err != nil {
		return nil, err
	}
	rep, err := s.store.GetReport(r.Context(), rid)
	if err != nil {
		return nil, err
	}
	p.Data = rep
	return p, nil
}

func (s *Server) uiReport(w http.ResponseWriter, r *http.Request) {
	p, err := s.reportPage(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "report", p)
}

func (s *Server) uiSignReport(w http.ResponseWriter, r *http.Request) {
	eid, err := pathID(r, "eid")
	var rep *store.Report
	if err == nil {
		rep, err = s.store.SignReport(r.Context(), eid, r.PostFormValue("conclusion"))
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/reports/%d", rep.ID), http.StatusSeeOther)
}

// chromiumPath finds Chromium: ANBAO_CHROMIUM, then the usual names on PATH.
func chromiumPath() string {
	for _, c := range []string{os.Getenv("ANBAO_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"} {
		if c == "" {
			continue
		}
		if p, err := exec.LookPath(c); err == nil {
			return p
		}
	}
	return ""
}

func (s *Server) uiReportPDF(w http.ResponseWriter, r *http.Request) {
	p, err := s.reportPage(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var doc bytes.Buffer
	if err := s.ui.pages["report"].ExecuteTemplate(&doc, "report-print", p); err != nil {
		s.writeError(w, r, err)
		return
	}
	pdf, err := printPDF(r.Context(), doc.Bytes())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	rep := p.Data.(*store.Report)
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="anbao-report-%d.pdf"`, rep.ID))
	w.Header().Set("X-Anbao-Report-SHA256", rep.SHA256)
	w.Write(pdf)
}

// printPDF renders an HTML document to PDF with headless Chromium.
func printPDF(ctx context.Context, html []byte) ([]byte, error) {
	return printHTML(ctx, html, "report.pdf_unavailable")
}

// ReportSeverities lists the severities in report order.
func (p *uiPage) ReportSeverities() []string { return report.Severities }
