package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/store"
)

// uiAuditKinds are the entity kinds offered by the audit filter.
var uiAuditKinds = []string{"organisation", "user", "api_token", "platform"}

type uiAuditData struct {
	List      *anbao.AuditList
	Pager     uiPager
	Kinds     []string
	CanVerify bool
	Report    *store.AuditReport
}

// auditFilter reads the audit page's filters; dates are days in Asia/Shanghai, both ends included.
func auditFilter(q url.Values) (anbao.AuditFilter, error) {
	f := anbao.AuditFilter{Action: strings.TrimSpace(q.Get("action")), EntityKind: q.Get("entity_kind"),
		Page: anbao.Page{Limit: uiPageSize}}
	if v := strings.TrimSpace(q.Get("actor_id")); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return f, anbao.FieldError("actor_id", "ui.err.integer")
		}
		f.ActorID = n
	}
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return f, anbao.FieldError("offset", "error.bad_query", "offset")
		}
		f.Offset = n
	}
	for _, name := range []string{"from", "to"} {
		v := strings.TrimSpace(q.Get(name))
		if v == "" {
			continue
		}
		t, err := time.ParseInLocation("2006-01-02", v, anbao.Shanghai)
		if err != nil {
			return f, anbao.FieldError(name, "ui.err.date_format")
		}
		if name == "from" {
			f.Since = anbao.FormatTime(t)
		} else {
			f.Until = anbao.FormatTime(t.AddDate(0, 0, 1))
		}
	}
	return f, nil
}

func (s *Server) uiAudit(w http.ResponseWriter, r *http.Request) {
	s.showAudit(w, r, nil)
}

func (s *Server) showAudit(w http.ResponseWriter, r *http.Request, report *store.AuditReport) {
	p := s.newPage(r, "ui.audit.title", "audit")
	if err := anbao.Authorize(p.P, anbao.ActAuditRead); err != nil {
		s.writeError(w, r, err)
		return
	}
	if r.Method != http.MethodGet {
		p.Path = "/audit"
	}
	q := r.URL.Query()
	p.Form, p.FormID = q, "filter"
	d := &uiAuditData{List: &anbao.AuditList{}, Kinds: uiAuditKinds, CanVerify: anbao.Can(p.P, anbao.ActAuditVerify), Report: report}
	p.Data = d
	status := http.StatusOK
	f, err := auditFilter(q)
	if err == nil {
		var list *anbao.AuditList
		if list, err = s.store.ListAudit(r.Context(), f); err == nil {
			d.List = list
			d.Pager = makePager("/audit", q, f.Page, list.Total, len(list.Items))
		}
	}
	if err != nil {
		if status = p.setError("filter", q, err, s, r); status >= 500 {
			s.writeError(w, r, err)
			return
		}
	}
	s.render(w, r, status, "audit", p)
}

// uiAuditVerify walks the whole chain; with htmx it answers the report box only.
func (s *Server) uiAuditVerify(w http.ResponseWriter, r *http.Request) {
	report, err := s.store.VerifyAudit(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if isHX(r) {
		p := s.newPage(r, "ui.audit.title", "audit")
		p.Data = &uiAuditData{Report: report, CanVerify: true}
		s.renderBlock(w, r, http.StatusOK, "audit", "verify-result", p)
		return
	}
	s.showAudit(w, r, report)
}
