package server

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/refdata"
	"github.com/anbao/anbao/store"
	"github.com/anbao/anbao/uscc"
)

// uiPageSize is the number of rows of the UI's lists.
const uiPageSize = 25

// uiListFilter reads the list filters of the directory and the participants list.
func uiListFilter(r *http.Request) (anbao.OrgFilter, error) {
	f, err := orgFilter(r)
	if r.URL.Query().Get("limit") == "" {
		f.Limit = uiPageSize
	}
	return f, err
}

type uiDirectoryData struct {
	List          *anbao.OrgList
	Pager         uiPager
	Jurisdictions []refdata.Jurisdiction
	LocalOnly     bool // a local regulator: the jurisdiction filter is its own
	ShowStatus    bool
	Rows          template.HTML // the table rows of List.Items, see dirRows
}

// uiHTMLEscaper escapes text as html/template does in element content and
// quoted attributes (its htmlReplacementTable; all of its entries are ASCII).
var uiHTMLEscaper = strings.NewReplacer("\x00", "\uFFFD", `"`, "&#34;", "&", "&amp;", "'", "&#39;", "+", "&#43;", "<", "&lt;", ">", "&gt;")

// dirRows renders the rows of the directory table. They are written here
// rather than in enterprises.html because a template action per cell of every
// row cost more than the rest of the page; the markup is what the template
// produced, with the same escaping.
func dirRows(p *uiPage, items []*anbao.Organisation, showStatus bool) template.HTML {
	var b strings.Builder
	b.Grow(len(items) * 700)
	esc := func(s string) { uiHTMLEscaper.WriteString(&b, s) }
	en := p.En()
	for _, o := range items {
		b.WriteString(`<tr class="ent-row">` + "\n      " + `<td class="name-cell"><a class="ent-link" href="/enterprises/`)
		b.WriteString(strconv.FormatInt(o.ID, 10))
		b.WriteString(`">`)
		esc(p.OrgName(o))
		b.WriteString(`</a>`)
		if !en && o.NameEN != "" {
			b.WriteString(`<span class="sub" lang="en">`)
			esc(o.NameEN)
			b.WriteString(`</span>`)
		}
		b.WriteString("</td>\n      " + `<td class="mono nowrap">`)
		esc(o.USCC)
		b.WriteString("</td>\n      " + `<td class="nowrap">`)
		esc(p.Jur(o.Jurisdiction))
		b.WriteString("</td>\n      <td>")
		if o.Profile != nil {
			esc(p.Division(o.Profile.Industry))
		}
		b.WriteString("</td>\n      " + `<td class="nowrap">`)
		if o.Profile != nil {
			esc(p.Size(o.Profile.Size))
		}
		b.WriteString("</td>\n      " + `<td class="num nowrap">`)
		if o.Profile != nil {
			esc(p.Money(o.Profile.RevenueFen))
		}
		b.WriteString("</td>\n      <td>")
		for _, f := range p.Flags(o) {
			b.WriteString(`<span class="badge `)
			esc(f.Class)
			b.WriteString(`">`)
			esc(f.Label)
			b.WriteString(`</span> `)
		}
		b.WriteString("</td>\n      ")
		if showStatus {
			b.WriteString(`<td><span class="badge status-`)
			esc(string(o.Status))
			b.WriteString(`">`)
			esc(p.Status(o.Status))
			b.WriteString(`</span></td>`)
		}
		b.WriteString("\n    </tr>\n    ")
	}
	return template.HTML(b.String())
}

// uiEnterprises is the enterprise directory; with htmx it answers the results table only.
func (s *Server) uiEnterprises(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "ui.enterprises.title", "enterprises")
	if err := anbao.Authorize(p.P, anbao.ActEnterpriseRead); err != nil {
		s.writeError(w, r, err)
		return
	}
	q := r.URL.Query()
	p.Form, p.FormID = q, "filter"
	d := &uiDirectoryData{List: &anbao.OrgList{}, Jurisdictions: p.ActiveJurisdictions(),
		ShowStatus: p.P.OrgKind == anbao.KindOperator}
	if p.P.OrgKind == anbao.KindRegulator && p.P.Jurisdiction != "" {
		if j, ok := refdata.JurisdictionByCode(p.P.Jurisdiction); ok {
			d.Jurisdictions, d.LocalOnly = []refdata.Jurisdiction{j}, true
		}
	}
	p.Data = d
	status := http.StatusOK
	f, err := uiListFilter(r)
	if err == nil {
		f.Kind = anbao.KindEnterprise
		var list *anbao.OrgList
		if list, err = s.store.ListOrganisations(r.Context(), f); err == nil {
			d.List = list
			d.Rows = dirRows(p, list.Items, d.ShowStatus)
			d.Pager = makePager("/enterprises", q, f.Page, list.Total, len(list.Items))
		}
	}
	if err != nil {
		status = p.setError("filter", q, err, s, r)
		if status >= 500 {
			s.writeError(w, r, err)
			return
		}
	}
	if isHX(r) && r.Header.Get("HX-Target") == "directory-results" {
		s.renderBlock(w, r, status, "enterprises", "directory-results", p)
		return
	}
	s.render(w, r, status, "enterprises", p)
}

// uiUSCC is a decoded USCC for display.
type uiUSCC struct {
	Code                           string
	Valid, ChecksumOK              bool
	Message                        string
	Authority, Category            string
	Division, DivisionJurisdiction string
}

func decodeUSCC(p *uiPage, s *Server, r *http.Request, code string) *uiUSCC {
	out := &uiUSCC{Code: code}
	c, err := uscc.Parse(code)
	if err != nil {
		_, e := s.uiError(r, store.USCCErrorKey(err))
		out.Message = e.Message
		return out
	}
	out.Valid, out.ChecksumOK = true, true
	out.Code, out.Authority, out.Category, out.Division = c.Raw, c.AuthorityName(p.Lang), c.CategoryName(p.Lang), c.Division
	if j, ok := refdata.JurisdictionForDivision(c.Division); ok {
		out.DivisionJurisdiction = j.Name(p.Lang)
	}
	if err := c.Checksum(); err != nil {
		_, e := s.uiError(r, store.USCCErrorKey(err))
		out.ChecksumOK, out.Message = false, e.Message
	}
	return out
}

type uiEnterpriseData struct {
	Org     *anbao.Organisation
	USCC    *uiUSCC
	CanEdit bool
	// CanMove: only the operator changes an organisation's jurisdiction.
	CanMove bool
}

// canEditOrg mirrors the store's rule for the edit button: own admins or the operator's.
func canEditOrg(p *anbao.Principal, o *anbao.Organisation) bool {
	return anbao.Can(p, anbao.ActOrgUpdate) && (p.OrgID == o.ID || p.OrgKind == anbao.KindOperator)
}

func (s *Server) uiEnterprise(w http.ResponseWriter, r *http.Request) {
	s.showEnterprise(w, r, http.StatusOK, nil, nil)
}

// showEnterprise renders an enterprise profile, with the edit form's error and values after a failed save.
func (s *Server) showEnterprise(w http.ResponseWriter, r *http.Request, status int, values url.Values, formErr error) {
	id, err := pathID(r, "id")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	o, err := s.store.GetOrganisation(r.Context(), id)
	if err == nil && o.Kind != anbao.KindEnterprise {
		err = anbao.ErrNotFound("enterprise")
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	p := s.newPage(r, "", "enterprises")
	p.Title, p.Path = o.Name(p.Lang), "/enterprises/"+strconv.FormatInt(o.ID, 10)
	p.Form, p.FormID = orgFormValues(o, p.Lang), "edit"
	if formErr != nil {
		status = p.setError("edit", values, formErr, s, r)
	}
	p.Data = &uiEnterpriseData{Org: o, USCC: decodeUSCC(p, s, r, o.USCC), CanEdit: canEditOrg(p.P, o),
		CanMove: canEditOrg(p.P, o) && p.P.OrgKind == anbao.KindOperator}
	s.render(w, r, status, "enterprise", p)
}

func (s *Server) uiEnterpriseUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	r.ParseForm()
	form := r.PostForm
	form.Del("csrf")
	pr, err := profileFromForm(form)
	if err == nil {
		patch := store.OrgPatch{NameZH: ptr(form.Get("name_zh")), NameEN: ptr(form.Get("name_en")), Profile: pr, Version: formVersion(form)}
		if form.Has("jurisdiction") {
			patch.Jurisdiction = ptr(form.Get("jurisdiction"))
		}
		_, err = s.store.UpdateOrganisation(r.Context(), id, patch)
	}
	if err != nil {
		if code := anbao.ErrorCode(err); code == anbao.ENOTFOUND || code == anbao.EINTERNAL {
			s.writeError(w, r, err)
			return
		}
		s.showEnterprise(w, r, http.StatusBadRequest, form, err)
		return
	}
	http.Redirect(w, r, "/enterprises/"+strconv.FormatInt(id, 10)+"?ok=profile_saved", http.StatusSeeOther)
}

func ptr[T any](v T) *T { return &v }

type uiOrganisationsData struct {
	List       *anbao.OrgList
	Pager      uiPager
	Pending    int  // organisations awaiting approval, for the operator's tab
	PendingTab bool // the list shows the pending tab
}

func (s *Server) uiOrganisations(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	active := "organisations"
	if q.Get("status") == string(anbao.OrgPending) && anbao.Can(anbao.PrincipalFrom(r.Context()), anbao.ActOrgApprove) {
		active = "approvals"
	}
	p := s.newPage(r, "ui.orgs.title", active)
	p.Form, p.FormID = q, "filter"
	d := &uiOrganisationsData{List: &anbao.OrgList{}, PendingTab: active == "approvals"}
	p.Data = d
	status := http.StatusOK
	f, err := uiListFilter(r)
	if err == nil {
		var list *anbao.OrgList
		if list, err = s.store.ListOrganisations(r.Context(), f); err == nil {
			d.List = list
			d.Pager = makePager("/organisations", q, f.Page, list.Total, len(list.Items))
		}
	}
	if err != nil {
		status = p.setError("filter", q, err, s, r)
		if status >= 500 {
			s.writeError(w, r, err)
			return
		}
	}
	if anbao.Can(p.P, anbao.ActOrgApprove) {
		if pl, err := s.store.ListOrganisations(r.Context(), anbao.OrgFilter{Status: anbao.OrgPending, Page: anbao.Page{Limit: 1}}); err == nil {
			d.Pending = pl.Total
		}
	}
	s.render(w, r, status, "organisations", p)
}

type uiOrganisationData struct {
	Org            *anbao.Organisation
	USCC           *uiUSCC
	Users          []*anbao.User
	UsersTotal     int
	CanListUsers   bool
	CanManageUsers bool
	CanEdit        bool
	CanEditJur     bool
	Decisions      []store.OrgDecision
	Self           int64 // the acting user, who cannot change their own roles
}

// decisionsFor lists the decisions possible from a status.
func decisionsFor(st anbao.OrgStatus) []store.OrgDecision {
	switch st {
	case anbao.OrgPending:
		return []store.OrgDecision{store.DecisionApprove, store.DecisionReject}
	case anbao.OrgActive:
		return []store.OrgDecision{store.DecisionSuspend}
	case anbao.OrgSuspended:
		return []store.OrgDecision{store.DecisionReactivate}
	}
	return nil
}

func (s *Server) uiOrganisation(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.showOrganisation(w, r, id, http.StatusOK, "", nil, nil)
}

// showOrganisation renders an organisation's page; after a failed form it
// shows that form's error and posted values.
func (s *Server) showOrganisation(w http.ResponseWriter, r *http.Request, id int64, status int, formID string, values url.Values, formErr error) {
	ctx := r.Context()
	o, err := s.store.GetOrganisation(ctx, id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	pr := anbao.PrincipalFrom(ctx)
	active := "organisations"
	if o.ID == pr.OrgID {
		active = "myorg"
	}
	p := s.newPage(r, "", active)
	p.Title, p.Path = o.Name(p.Lang), "/organisations/"+strconv.FormatInt(o.ID, 10)
	own := pr.OrgID == o.ID || pr.OrgKind == anbao.KindOperator
	d := &uiOrganisationData{Org: o, USCC: decodeUSCC(p, s, r, o.USCC), CanEdit: canEditOrg(pr, o),
		CanEditJur:     o.Kind != anbao.KindRegulator || pr.OrgKind == anbao.KindOperator,
		CanListUsers:   anbao.Can(pr, anbao.ActUserRead) && own,
		CanManageUsers: anbao.Can(pr, anbao.ActUserManage) && own, Self: pr.UserID}
	if anbao.Can(pr, anbao.ActOrgApprove) && o.ID != pr.OrgID {
		d.Decisions = decisionsFor(o.Status)
	}
	if d.CanListUsers {
		users, total, err := s.store.ListUsers(ctx, o.ID, anbao.Page{Limit: anbao.MaxPageLimit})
		if err != nil && anbao.ErrorCode(err) != anbao.EFORBIDDEN {
			s.writeError(w, r, err)
			return
		}
		d.Users, d.UsersTotal = users, total
		d.CanListUsers = err == nil
	}
	p.Form, p.FormID = orgFormValues(o, p.Lang), "edit"
	if formErr != nil {
		if formID == "edit" {
			status = p.setError(formID, values, formErr, s, r)
		} else {
			// Another form failed: the edit form keeps the stored values beside the posted ones.
			status = p.setError(formID, nil, formErr, s, r)
			for k, v := range values {
				if k != "version" {
					p.Form[k] = v
				}
			}
		}
	}
	p.Data = d
	s.render(w, r, status, "organisation", p)
}

// orgFormError re-renders the organisation page after a failed form, or the
// error page when the failure is not about the input.
func (s *Server) orgFormError(w http.ResponseWriter, r *http.Request, id int64, form string, values url.Values, err error) {
	switch anbao.ErrorCode(err) {
	case anbao.ENOTFOUND, anbao.EINTERNAL, anbao.EUNAUTHORIZED:
		s.writeError(w, r, err)
		return
	}
	s.showOrganisation(w, r, id, http.StatusBadRequest, form, values, err)
}

func postedForm(r *http.Request) url.Values {
	r.ParseForm()
	v := url.Values{}
	for k, vs := range r.PostForm {
		if k != "csrf" && !strings.Contains(k, "password") {
			v[k] = vs
		}
	}
	return v
}

func (s *Server) uiOrganisationUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	form := postedForm(r)
	patch := store.OrgPatch{NameZH: ptr(form.Get("name_zh")), NameEN: ptr(form.Get("name_en")),
		RequireTOTP: ptr(formBool(form.Get("require_totp"))), Version: formVersion(form)}
	if form.Has("jurisdiction") {
		patch.Jurisdiction = ptr(form.Get("jurisdiction"))
	}
	if _, err := s.store.UpdateOrganisation(r.Context(), id, patch); err != nil {
		s.orgFormError(w, r, id, "edit", form, err)
		return
	}
	http.Redirect(w, r, "/organisations/"+strconv.FormatInt(id, 10)+"?ok=saved", http.StatusSeeOther)
}

func (s *Server) uiOrganisationDecide(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	form := postedForm(r)
	if _, err := s.store.DecideOrganisation(r.Context(), id, store.OrgDecision(form.Get("decision")), form.Get("reason")); err != nil {
		s.orgFormError(w, r, id, "decision", form, err)
		return
	}
	http.Redirect(w, r, "/organisations/"+strconv.FormatInt(id, 10)+"?ok=decided", http.StatusSeeOther)
}

func (s *Server) uiUserCreate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	form := postedForm(r)
	u := &anbao.User{Username: form.Get("username"), DisplayName: form.Get("display_name"), Email: form.Get("email"),
		Locale: form.Get("locale")}
	for _, role := range form["roles"] {
		u.Roles = append(u.Roles, anbao.Role(role))
	}
	if _, err := s.store.CreateUser(r.Context(), id, u, r.PostFormValue("password")); err != nil {
		s.orgFormError(w, r, id, "adduser", form, err)
		return
	}
	http.Redirect(w, r, "/organisations/"+strconv.FormatInt(id, 10)+"?ok=user_created#users", http.StatusSeeOther)
}

// uiUserUpdate applies one administrative action to a user.
func (s *Server) uiUserUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	u, err := s.store.GetUser(r.Context(), id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	form := postedForm(r)
	patch := store.UserPatch{Version: formVersion(form)}
	switch form.Get("action") {
	case "roles":
		roles := []anbao.Role{}
		for _, role := range form["roles"] {
			roles = append(roles, anbao.Role(role))
		}
		patch.Roles = &roles
	case "disable":
		patch.Disabled = ptr(true)
	case "enable":
		patch.Disabled = ptr(false)
	case "unlock":
		patch.Unlock = true
	case "reset_totp":
		patch.ResetTOTP = true
	default:
		s.orgFormError(w, r, u.OrgID, "user-"+strconv.FormatInt(id, 10), form, anbao.FieldError("action", "ui.err.action_unknown"))
		return
	}
	if _, err := s.store.UpdateUser(r.Context(), id, patch); err != nil {
		s.orgFormError(w, r, u.OrgID, "user-"+strconv.FormatInt(id, 10), form, err)
		return
	}
	http.Redirect(w, r, "/organisations/"+strconv.FormatInt(u.OrgID, 10)+"?ok=user_updated#users", http.StatusSeeOther)
}

type uiOrgNewData struct {
	Kinds []anbao.OrgKind
}

func (s *Server) uiOrganisationNew(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "ui.orgnew.title", "organisations")
	if err := anbao.Authorize(p.P, anbao.ActOrgCreate); err != nil {
		s.writeError(w, r, err)
		return
	}
	p.Form.Set("kind", string(anbao.KindEnterprise))
	p.Form.Set("revenue_unit", revenueUnit(p.Lang))
	p.Data = &uiOrgNewData{Kinds: anbao.OrgKinds}
	s.render(w, r, http.StatusOK, "organisation_new", p)
}

func (s *Server) uiOrganisationCreate(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "ui.orgnew.title", "organisations")
	p.Path = "/organisations/new"
	p.Data = &uiOrgNewData{Kinds: anbao.OrgKinds}
	form := postedForm(r)
	o, err := orgFromForm(form, false)
	if err == nil {
		o, err = s.store.CreateOrganisation(r.Context(), o, form.Get("uscc_override"))
	}
	if err != nil {
		status := p.setError("create", form, err, s, r)
		if status >= 500 || status == http.StatusUnauthorized {
			s.writeError(w, r, err)
			return
		}
		s.render(w, r, status, "organisation_new", p)
		return
	}
	http.Redirect(w, r, "/organisations/"+strconv.FormatInt(o.ID, 10)+"?ok=org_created", http.StatusSeeOther)
}

// uiUSCCCheck decodes a USCC as it is typed (an htmx fragment; public, like the API's check).
func (s *Server) uiUSCCCheck(w http.ResponseWriter, r *http.Request) {
	p := &uiPage{Lang: lang(r), Form: url.Values{}, shown: map[string]bool{}}
	code := strings.TrimSpace(r.URL.Query().Get("uscc"))
	if code != "" {
		p.Data = decodeUSCC(p, s, r, code)
	}
	s.renderBlock(w, r, http.StatusOK, "register", "uscc-check", p)
}
