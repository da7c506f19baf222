package server

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/anbao/anbao/incident"
	"github.com/chromedp/chromedp"
)

// The draft statutory report and the 30-day summary (issue #6 item 2), as
// plain text to paste into 12387 and as a PDF, Chinese unless ?lang=en. Both
// come from store.IncidentReport, which reads the incident within the
// caller's scope. Anbao prepares; it is not the statutory channel.

var incidentReportTemplate = template.Must(template.New("increport").Parse(`<!doctype html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><title>{{.Title}}</title>
<style>
body{font-family:'Noto Sans CJK SC','Noto Sans SC',sans-serif;font-size:10.5pt;color:#111;margin:0}
h1{font-size:16pt;text-align:center;margin:0 0 4mm}
.sub{text-align:center;color:#555;margin-bottom:6mm}
table{width:100%;border-collapse:collapse}
th{width:28%;text-align:left;vertical-align:top;background:#f3f4f6;padding:2.5mm;border:1px solid #999;font-weight:600}
td{padding:2.5mm;border:1px solid #999;white-space:pre-wrap;vertical-align:top}
.missing{color:#b91c1c}
.notice{margin-top:6mm;font-size:9pt;color:#333;border-top:1px solid #999;padding-top:3mm}
.notice p{margin:1.5mm 0}
</style></head><body>
<h1>{{.Title}}</h1>
<div class="sub">{{.Sub}}</div>
<table>{{range .Sections}}<tr><th>{{.Title}}{{if .Mandatory}} *{{end}}</th><td{{if .Missing}} class="missing"{{end}}>{{.Body}}</td></tr>{{end}}</table>
<div class="notice">{{range .Notice}}<p>{{.}}</p>{{end}}</div>
</body></html>`))

type reportSection struct {
	Title, Body        string
	Mandatory, Missing bool
}

type reportView struct {
	Lang, Title, Sub string
	Sections         []reportSection
	Notice           []string
}

func (s *Server) incidentReport(r *http.Request) (*incident.Report, int64, string, string, error) {
	id, err := pathID(r, "iid")
	if err != nil {
		return nil, 0, "", "", err
	}
	lang, err := docLang(r)
	if err != nil {
		return nil, 0, "", "", err
	}
	kind := r.URL.Query().Get("kind")
	rep, err := s.store.IncidentReport(r.Context(), id, kind)
	if kind == "" {
		kind = "draft"
	}
	return rep, id, lang, kind, err
}

func (s *Server) apiIncidentReportText(w http.ResponseWriter, r *http.Request) error {
	rep, _, lang, _, err := s.incidentReport(r)
	if err != nil {
		return err
	}
	text := rep.Text(lang)
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Length", strconv.Itoa(len(text)))
	w.WriteHeader(http.StatusOK)
	_, err = w.Write([]byte(text))
	return err
}

func (s *Server) apiIncidentReportPDF(w http.ResponseWriter, r *http.Request) error {
	rep, id, lang, kind, err := s.incidentReport(r)
	if err != nil {
		return err
	}
	en := strings.HasPrefix(lang, "en")
	v := reportView{Lang: lang, Title: rep.TitleZH, Notice: rep.NoticeZH, Sub: fmt.Sprintf("安保平台编制 · 事件编号 %d · 本平台不是法定报告渠道", id)}
	if en {
		v.Title, v.Notice, v.Sub = rep.TitleEN, rep.NoticeEN, fmt.Sprintf("Prepared by Anbao · incident %d · Anbao is not a statutory channel", id)
	}
	for _, sec := range rep.Sections {
		rs := reportSection{Title: sec.TitleZH, Body: sec.BodyZH, Mandatory: sec.Mandatory, Missing: sec.Missing}
		if en {
			rs.Title, rs.Body = sec.TitleEN, sec.BodyEN
		}
		if sec.Missing {
			rs.Body = "【待补充】"
			if en {
				rs.Body = "[to be completed]"
			}
		}
		v.Sections = append(v.Sections, rs)
	}
	var doc bytes.Buffer
	if err := incidentReportTemplate.Execute(&doc, v); err != nil {
		return err
	}
	pdf, err := printHTML(r.Context(), doc.Bytes(), "pdoc.pdf_unavailable", chromedp.PDFPaper(chromedp.PaperA4),
		chromedp.PDFMargins(0.6, 0.6, 0.6, 0.6), chromedp.PDFPrintBackground())
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "application/pdf")
	h.Set("Content-Length", strconv.Itoa(len(pdf)))
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="anbao-incident-%d-%s-%s.pdf"`, id, kind, lang))
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(pdf)
	return err
}
