package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/i18n"
	"github.com/anbao/anbao/refdata"
	"github.com/anbao/anbao/ui"
)

// uiRenderer renders the server-side web UI: one template set per page
// (the shared layout and partials plus the page's own blocks) and the
// embedded static files with their content hashes for cache busting.
type uiRenderer struct {
	pages  map[string]*template.Template
	static fs.FS
	hashes map[string]string // static file name → short content hash
}

// uiPageNames lists the page templates (templates/<name>.html).
var uiPageNames = []string{"login", "login_totp", "register", "register_done", "home", "enterprises", "enterprise",
	"organisations", "organisation", "organisation_new", "account", "account_totp", "token_created", "audit", "error", "quant"}

func newUIRenderer() (*uiRenderer, error) {
	u := &uiRenderer{pages: map[string]*template.Template{}, static: ui.Static(), hashes: map[string]string{}}
	err := fs.WalkDir(u.static, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(u.static, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		u.hashes[name] = hex.EncodeToString(sum[:5])
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("ui static files: %w", err)
	}
	funcs := template.FuncMap{
		"static": u.staticURL,
		"htmx":   func() string { return u.staticURL(ui.HTMX) },
		"add":    func(a, b int) int { return a + b },
		"prettyJSON": func(raw json.RawMessage) string {
			if len(raw) == 0 {
				return ""
			}
			var buf bytes.Buffer
			if err := json.Indent(&buf, raw, "", "  "); err != nil {
				return string(raw)
			}
			return buf.String()
		},
		"str": func(v any) string { return fmt.Sprint(v) },
		"hasRole": func(roles []anbao.Role, r any) bool {
			return slices.Contains(roles, anbao.Role(fmt.Sprint(r)))
		},
		"hasScope": func(scopes []anbao.TokenScope, sc string) bool {
			return slices.Contains(scopes, anbao.TokenScope(sc))
		},
	}
	if _, err := uiOptionSets(); err != nil {
		return nil, err
	}
	for _, name := range uiPageNames {
		t, err := template.New(name).Funcs(funcs).ParseFS(ui.Templates(),
			"templates/layout.html", "templates/partials.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("ui template %s: %w", name, err)
		}
		u.pages[name] = t
	}
	return u, nil
}

// staticURL is the address of a static file, carrying its content hash so
// that it can be cached for good.
func (u *uiRenderer) staticURL(name string) string {
	return "/static/" + name + "?v=" + u.hashes[name]
}

// uiNavItem is one entry of the main navigation.
type uiNavItem struct {
	Key, Href, Label string
	Active           bool
}

// uiError is an error shown on a page: its message and the input at fault.
type uiError struct {
	Message string
	Field   string
}

// uiPage is what every template receives: the request's language and
// principal, the layout's data and the page's own Data. Methods give the
// templates translation and formatting in the request's language.
type uiPage struct {
	Lang       string
	Title      string
	Active     string // navigation key of the page
	Nav        []uiNavItem
	P          *anbao.Principal
	User       *anbao.User
	Org        *anbao.Organisation
	CSRF       string
	Path       string // where the language switch returns to
	RequestID  string
	Demo       bool
	Restricted bool // the session owes a second factor or its enrolment: no navigation
	Session    bool // a login session exists (the logout button shows)
	Flash      string
	// Form holds the values of the form named FormID (posted values after an
	// error, stored values otherwise); Err is that form's error.
	Form   url.Values
	FormID string
	Err    *uiError
	Data   any

	shown map[string]bool // fields whose error was shown next to them
}

// uiFlashKeys are the success messages a redirect may ask for with ?ok=.
var uiFlashKeys = map[string]bool{
	"saved": true, "org_created": true, "user_created": true, "user_updated": true, "decided": true,
	"password_changed": true, "token_revoked": true, "totp_enabled": true, "profile_saved": true,
}

// newPage prepares the data of a page for this request.
func (s *Server) newPage(r *http.Request, titleKey, active string) *uiPage {
	l := lang(r)
	p := &uiPage{Lang: l, Title: i18n.T(l, titleKey), Active: active, P: anbao.PrincipalFrom(r.Context()),
		RequestID: anbao.RequestIDFrom(r.Context()), Demo: s.cfg.Demo, Form: url.Values{}, shown: map[string]bool{}}
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		p.Path = r.URL.RequestURI()
	} else {
		p.Path = r.URL.Path
	}
	if sess := sessionFrom(r.Context()); sess != nil {
		p.CSRF, p.Session = sess.CSRF, true
		p.Restricted = sess.MustEnrolTOTP || sess.MFAPending
	}
	if k := r.URL.Query().Get("ok"); uiFlashKeys[k] {
		p.Flash = i18n.T(l, "ui.flash."+k)
	}
	if p.P != nil && p.P.UserID != 0 {
		// The top bar names the user and their organisation; a failure here only hides the names.
		if u, err := s.store.GetUser(r.Context(), p.P.UserID); err == nil {
			p.User = u
		}
		if o, err := s.store.GetOrganisation(r.Context(), p.P.OrgID); err == nil {
			p.Org = o
		}
	}
	if p.P != nil && !p.Restricted {
		p.Nav = s.navFor(p)
	}
	return p
}

// navFor lists the navigation entries the principal may use; the store still
// decides what each page shows.
func (s *Server) navFor(p *uiPage) []uiNavItem {
	pr := p.P
	var nav []uiNavItem
	add := func(key, href string) {
		nav = append(nav, uiNavItem{Key: key, Href: href, Label: p.T("ui.nav." + key), Active: p.Active == key})
	}
	add("home", "/")
	if anbao.Can(pr, anbao.ActEnterpriseRead) {
		add("enterprises", "/enterprises")
	}
	if anbao.Can(pr, anbao.ActOrgRead) {
		add("organisations", "/organisations")
	}
	if anbao.Can(pr, anbao.ActOrgApprove) {
		add("approvals", "/organisations?status=pending")
	}
	if pr.OrgID != 0 && anbao.Can(pr, anbao.ActOrgRead) {
		add("myorg", "/organisations/"+strconv.FormatInt(pr.OrgID, 10))
	}
	if pr.OrgKind == anbao.KindProvider || pr.OrgKind == anbao.KindEnterprise {
		add("engagements", "/engagements")
	}
	if anbao.Can(pr, anbao.ActProductManage) || (anbao.Can(pr, anbao.ActProductRead) &&
		(pr.OrgKind == anbao.KindOperator || pr.OrgKind == anbao.KindRegulator)) {
		add("products", "/products")
	}
	if anbao.Can(pr, anbao.ActQuoteUnderwrite) {
		add("underwriting", "/underwriting")
	}
	if anbao.Can(pr, anbao.ActQuoteRead) {
		add("quotes", "/quotes")
	}
	if anbao.Can(pr, anbao.ActPolicyRead) {
		add("policies", "/policies")
	}
	if anbao.Can(pr, anbao.ActIncidentRead) {
		add("incidents", "/incidents")
	}
	if anbao.Can(pr, anbao.ActClaimRead) {
		add("claims", "/claims")
	}
	if anbao.Can(pr, anbao.ActPilotRead) {
		add("pilot", "/pilot")
		add("catalogue", "/catalogue")
		add("projects", "/projects")
	}
	if anbao.Can(pr, anbao.ActStatsRead) {
		add("dashboard", "/dashboard")
	}
	if anbao.Can(pr, anbao.ActQuantRun) {
		add("quant", "/quant")
	}
	if anbao.Can(pr, anbao.ActAssessmentAggregate) {
		add("supervision", "/supervision/scores")
	}
	add("methodology", "/methodology")
	if anbao.Can(pr, anbao.ActVulnFeedImport) {
		add("vulnfeeds", "/vulnfeeds")
	}
	if anbao.Can(pr, anbao.ActAuditRead) {
		add("audit", "/audit")
	}
	if anbao.Can(pr, anbao.ActAccount) {
		add("account", "/account")
	}
	return nav
}

// setError records err as the error of form, with the posted values to show again.
func (p *uiPage) setError(form string, values url.Values, err error, s *Server, r *http.Request) int {
	status, e := s.uiError(r, err)
	p.FormID, p.Err = form, e
	if values != nil {
		p.Form = values
	}
	return status
}

// uiError turns an error into its status and the message shown in a form.
// Field names among the message arguments are replaced by their labels.
func (s *Server) uiError(r *http.Request, err error) (int, *uiError) {
	status, body := s.errorBody(r, err)
	var e *anbao.Error
	if errors.As(err, &e) && e.Code != anbao.EINTERNAL {
		l := lang(r)
		args := slices.Clone(e.Args)
		for i, a := range args {
			if name, ok := a.(string); ok && i18n.Has(l, "ui.field."+name) {
				args[i] = i18n.T(l, "ui.field."+name)
			}
		}
		body.Message = i18n.T(l, e.Key, args...)
	}
	field := body.Field
	if alias, ok := uiFieldAlias[field]; ok {
		field = alias
	}
	return status, &uiError{Message: body.Message, Field: field}
}

// uiFieldAlias maps a store field name to the form input that carries it.
var uiFieldAlias = map[string]string{"revenue_fen": "revenue", "profile": "industry"}

// T translates a catalogue key.
func (p *uiPage) T(key string, args ...any) string { return i18n.T(p.Lang, key, args...) }

// En reports whether the page is in English.
func (p *uiPage) En() bool { return p.Lang == "en" }

// Can reports whether the principal may perform an action at all; templates use it to hide links.
func (p *uiPage) Can(action string) bool { return anbao.Can(p.P, anbao.Action(action)) }

// V is the value of a form field.
func (p *uiPage) V(name string) string { return p.Form.Get(name) }

// Is reports whether form field name has value v.
func (p *uiPage) Is(name string, v any) bool { return p.Form.Get(name) == fmt.Sprint(v) }

// Has reports whether the multi-valued form field name contains v.
func (p *uiPage) Has(name string, v any) bool { return slices.Contains(p.Form[name], fmt.Sprint(v)) }

// Checked reports whether a checkbox field is on.
func (p *uiPage) Checked(name string) bool { return formBool(p.Form.Get(name)) }

// uiFormCtx names one form of a page, for the partials that render its fields.
type uiFormCtx struct {
	P *uiPage
	F string
}

// In returns the context of form id for a partial.
func (p *uiPage) In(form string) uiFormCtx { return uiFormCtx{P: p, F: form} }

// Invalid marks an input whose value the form's error is about.
func (p *uiPage) Invalid(form, field string) template.HTMLAttr {
	if p.Err == nil || p.FormID != form || p.Err.Field != field {
		return ""
	}
	return template.HTMLAttr(`aria-invalid="true" aria-describedby="err-` + template.HTMLEscapeString(form+"-"+field) + `"`)
}

// uiFieldCtx names one field of one form, for the field-error partial.
type uiFieldCtx struct {
	P       *uiPage
	F, Name string
}

// FieldCtx returns the context of one field of form for a partial.
func (p *uiPage) FieldCtx(form, name string) uiFieldCtx { return uiFieldCtx{P: p, F: form, Name: name} }

// uiStatusCtx is a status for the status-badge partial.
type uiStatusCtx struct {
	P *uiPage
	S string
}

// StatusCtx returns the context of the status-badge partial.
func (p *uiPage) StatusCtx(v any) uiStatusCtx { return uiStatusCtx{P: p, S: fmt.Sprint(v)} }

// UserName is how the acting user is addressed.
func (p *uiPage) UserName() string {
	switch {
	case p.User != nil && p.User.DisplayName != "":
		return p.User.DisplayName
	case p.User != nil:
		return p.User.Username
	case p.P != nil:
		return p.P.Username
	}
	return ""
}

// OrgStatuses lists the registration statuses for filters.
func (p *uiPage) OrgStatuses() []anbao.OrgStatus {
	return []anbao.OrgStatus{anbao.OrgPending, anbao.OrgActive, anbao.OrgRejected, anbao.OrgSuspended}
}

// Locked reports whether a lockout instant is still ahead.
func (p *uiPage) Locked(until string) bool {
	return until != "" && until > anbao.FormatTime(time.Now())
}

// uiUserAction is one administrative button on a user row.
type uiUserAction struct {
	P                             *uiPage
	U                             *anbao.User
	Action, Label, Class, Confirm string
}

// UserAction describes the button for action on u; "disable" turns into "enable" for a disabled user.
func (p *uiPage) UserAction(u *anbao.User, action string) uiUserAction {
	a := uiUserAction{P: p, U: u, Action: action, Class: "btn-secondary"}
	switch {
	case action == "disable" && u.Disabled:
		a.Action = "enable"
	case action == "disable":
		a.Class, a.Confirm = "btn-danger", "ui.user.confirm_disable"
	case action == "reset_totp":
		a.Confirm = "ui.user.confirm_reset_totp"
	}
	a.Label = "ui.user.action." + a.Action
	return a
}

// uiBadge is a small coloured label.
type uiBadge struct{ Class, Label string }

// Flags are the badges of an enterprise: CII, 专精特新, central organ.
func (p *uiPage) Flags(o *anbao.Organisation) []uiBadge {
	var out []uiBadge
	if o == nil || o.Profile == nil {
		return out
	}
	if o.Profile.CII {
		out = append(out, uiBadge{"flag-cii", p.T("ui.flag.cii_short")})
	}
	if o.Profile.Specialised {
		out = append(out, uiBadge{"flag-spec", p.T("ui.flag.specialised_short")})
	}
	if o.Profile.CentralOrgan {
		out = append(out, uiBadge{"flag-central", p.T("ui.flag.central_organ_short")})
	}
	return out
}

// FieldErr is the error message for one field of one form, or "".
func (p *uiPage) FieldErr(form, field string) string {
	if p.Err == nil || p.FormID != form || p.Err.Field != field {
		return ""
	}
	p.shown[field] = true
	return p.Err.Message
}

// FormErr is the error of a form not already shown next to a field, or "".
// Templates call it after the fields, beside the submit button.
func (p *uiPage) FormErr(form string) string {
	if p.Err == nil || p.FormID != form || (p.Err.Field != "" && p.shown[p.Err.Field]) {
		return ""
	}
	return p.Err.Message
}

// Time shows a stored UTC instant in Asia/Shanghai, to the minute.
func (p *uiPage) Time(s string) string { return formatStored(s, "2006-01-02 15:04") }

// TimeSec shows a stored UTC instant in Asia/Shanghai, to the second.
func (p *uiPage) TimeSec(s string) string { return formatStored(s, "2006-01-02 15:04:05") }

func formatStored(s, layout string) string {
	if s == "" {
		return "—"
	}
	t, err := anbao.ParseTime(s)
	if err != nil {
		if t, err = time.Parse(time.RFC3339Nano, s); err != nil {
			return s
		}
	}
	return t.In(anbao.Shanghai).Format(layout)
}

// Money shows an amount in 分: 万元 with two decimals in Chinese, whole yuan in English.
func (p *uiPage) Money(fen int64) string {
	if p.Lang == "en" {
		return "CNY " + groupDigits(roundDiv(fen, 100))
	}
	h := roundDiv(fen, 10_000) // hundredths of 万元
	sign := ""
	if h < 0 {
		sign, h = "-", -h
	}
	return fmt.Sprintf("%s%s.%02d %s", sign, groupDigits(h/100), h%100, p.T("ui.unit.wan_yuan"))
}

// roundDiv divides rounding half away from zero.
func roundDiv(a, b int64) int64 {
	if a < 0 {
		return -((-a + b/2) / b)
	}
	return (a + b/2) / b
}

// Num shows an integer with thousands separators.
func (p *uiPage) Num(n any) string {
	switch v := n.(type) {
	case int:
		return groupDigits(int64(v))
	case int64:
		return groupDigits(v)
	}
	return fmt.Sprint(n)
}

func groupDigits(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// Jur names a jurisdiction; "" is national.
func (p *uiPage) Jur(code string) string {
	if code == "" {
		return p.T("ui.jur.national")
	}
	if j, ok := refdata.JurisdictionByCode(code); ok {
		return j.Name(p.Lang)
	}
	return code
}

// Division names an industry division with its code.
func (p *uiPage) Division(code string) string {
	if d, ok := refdata.DivisionByCode(code); ok {
		return d.Code + " " + d.Name(p.Lang)
	}
	if code == "" {
		return "—"
	}
	return code
}

// SectionOf names the section of an industry division with its letter.
func (p *uiPage) SectionOf(code string) string {
	if d, ok := refdata.DivisionByCode(code); ok {
		if sec, ok := refdata.SectionByCode(d.Section); ok {
			return sec.Code + " " + sec.Name(p.Lang)
		}
	}
	return "—"
}

// Kind, Status, Size, Role and Scope name enumerated values.
func (p *uiPage) Kind(v any) string   { return p.T("ui.kind." + fmt.Sprint(v)) }
func (p *uiPage) Status(v any) string { return p.T("ui.status." + fmt.Sprint(v)) }
func (p *uiPage) Size(v any) string {
	if fmt.Sprint(v) == "" {
		return "—"
	}
	return p.T("ui.size." + fmt.Sprint(v))
}
func (p *uiPage) Role(v any) string  { return p.T("ui.role." + fmt.Sprint(v)) }
func (p *uiPage) Scope(v any) string { return p.T("ui.scope." + fmt.Sprint(v)) }

// Entity names an audited record kind, or shows it as stored when it has no name.
func (p *uiPage) Entity(kind string) string {
	if i18n.Has(p.Lang, "ui.entity."+kind) {
		return p.T("ui.entity." + kind)
	}
	return kind
}

// Roles names a list of roles.
func (p *uiPage) Roles(rs []anbao.Role) string {
	names := make([]string, len(rs))
	for i, r := range rs {
		names[i] = p.Role(r)
	}
	sep := "、"
	if p.Lang == "en" {
		sep = ", "
	}
	return strings.Join(names, sep)
}

// OrgName is an organisation's name in the page's language.
func (p *uiPage) OrgName(o *anbao.Organisation) string {
	if o == nil {
		return ""
	}
	return o.Name(p.Lang)
}

// OrgKinds, SizeClasses and Jurisdictions feed selects.
func (p *uiPage) OrgKinds() []anbao.OrgKind      { return anbao.OrgKinds }
func (p *uiPage) SizeClasses() []anbao.SizeClass { return anbao.SizeClasses }

// ActiveJurisdictions lists the jurisdictions of the pilot.
func (p *uiPage) ActiveJurisdictions() []refdata.Jurisdiction {
	var out []refdata.Jurisdiction
	for _, j := range refdata.Jurisdictions() {
		if j.Active {
			out = append(out, j)
		}
	}
	return out
}

// uiSection is an industry section with its divisions, for grouped selects.
type uiSection struct {
	Code, Name string
	Divisions  []uiOption
}

type uiOption struct{ Value, Label string }

// Industries lists the sections and their divisions in the page's language.
func (p *uiPage) Industries() []uiSection {
	var out []uiSection
	for _, sec := range refdata.Sections() {
		us := uiSection{Code: sec.Code, Name: sec.Name(p.Lang)}
		for _, d := range refdata.DivisionsOf(sec.Code) {
			us.Divisions = append(us.Divisions, uiOption{d.Code, d.Code + " " + d.Name(p.Lang)})
		}
		out = append(out, us)
	}
	return out
}

// RolesOf lists the roles an organisation of kind k may grant.
func (p *uiPage) RolesOf(k anbao.OrgKind) []anbao.Role { return anbao.RolesByKind[k] }

// render writes a whole page, buffered so that a template failure never sends half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p *uiPage) {
	s.renderBlock(w, r, status, name, "layout", p)
}

// renderBlock writes one named template of a page (a fragment for htmx, or the layout).
func (s *Server) renderBlock(w http.ResponseWriter, r *http.Request, status int, name, block string, p *uiPage) {
	t := s.ui.pages[name]
	var buf bytes.Buffer
	if t == nil {
		s.log.ErrorContext(r.Context(), "unknown ui page", "page", name)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	if err := t.ExecuteTemplate(&buf, block, p); err != nil {
		s.log.ErrorContext(r.Context(), "render ui page", "page", name, "err", err)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusInternalServerError)
		w.Write([]byte(i18n.T(p.Lang, "error.internal", p.RequestID) + "\n"))
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Add("Vary", "HX-Request, Cookie")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// isHX reports whether the request is an htmx fragment request (not a history restore).
func isHX(r *http.Request) bool {
	return r.Header.Get("HX-Request") == "true" && r.Header.Get("HX-History-Restore-Request") != "true"
}

// uiAuth lets only requests with a principal through; others are sent to log in.
func (s *Server) uiAuth(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if anbao.PrincipalFrom(r.Context()) == nil {
			s.writeError(w, r, anbao.Errorf(anbao.EUNAUTHORIZED, "error.unauthorized"))
			return
		}
		h(w, r)
	}
}

func (s *Server) registerUI() {
	m := s.mux
	m.HandleFunc("GET /static/{path...}", s.uiStatic)
	m.HandleFunc("GET /lang", s.uiLang)
	m.HandleFunc("GET /login", s.uiLoginPage)
	m.HandleFunc("POST /login", s.uiLogin)
	m.HandleFunc("GET /login/totp", s.uiLoginTOTPPage)
	m.HandleFunc("POST /login/totp", s.uiLoginTOTP)
	m.HandleFunc("POST /logout", s.uiLogout)
	m.HandleFunc("GET /register", s.uiRegisterPage)
	m.HandleFunc("POST /register", s.uiRegister)
	m.HandleFunc("GET /uscc-check", s.uiUSCCCheck)

	m.HandleFunc("GET /{$}", s.uiAuth(s.uiHome))
	m.HandleFunc("GET /enterprises", s.uiAuth(s.uiEnterprises))
	m.HandleFunc("GET /enterprises/{id}", s.uiAuth(s.uiEnterprise))
	m.HandleFunc("POST /enterprises/{id}", s.uiAuth(s.uiEnterpriseUpdate))
	m.HandleFunc("GET /organisations", s.uiAuth(s.uiOrganisations))
	m.HandleFunc("GET /organisations/new", s.uiAuth(s.uiOrganisationNew))
	m.HandleFunc("POST /organisations/new", s.uiAuth(s.uiOrganisationCreate))
	m.HandleFunc("GET /organisations/{id}", s.uiAuth(s.uiOrganisation))
	m.HandleFunc("POST /organisations/{id}", s.uiAuth(s.uiOrganisationUpdate))
	m.HandleFunc("POST /organisations/{id}/decision", s.uiAuth(s.uiOrganisationDecide))
	m.HandleFunc("POST /organisations/{id}/users", s.uiAuth(s.uiUserCreate))
	m.HandleFunc("POST /users/{id}", s.uiAuth(s.uiUserUpdate))
	m.HandleFunc("GET /account", s.uiAuth(s.uiAccount))
	m.HandleFunc("POST /account", s.uiAuth(s.uiAccountUpdate))
	m.HandleFunc("POST /account/password", s.uiAuth(s.uiPasswordChange))
	m.HandleFunc("POST /account/tokens", s.uiAuth(s.uiTokenCreate))
	m.HandleFunc("POST /account/tokens/{id}/revoke", s.uiAuth(s.uiTokenRevoke))
	m.HandleFunc("GET /account/totp", s.uiAuth(s.uiTOTPPage))
	m.HandleFunc("POST /account/totp/begin", s.uiAuth(s.uiTOTPBegin))
	m.HandleFunc("POST /account/totp/confirm", s.uiAuth(s.uiTOTPConfirm))
	m.HandleFunc("GET /audit", s.uiAuth(s.uiAudit))
	m.HandleFunc("POST /audit/verify", s.uiAuth(s.uiAuditVerify))

	// Everything else is a friendly 404 (JSON under /api/).
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, anbao.ErrNotFound("page"))
	})
}

// uiStatic serves the embedded static files. A request carrying the current
// content hash may be cached for a year; others are revalidated.
func (s *Server) uiStatic(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("path")
	hash, ok := s.ui.hashes[name]
	if !ok || !fs.ValidPath(name) {
		http.NotFound(w, r)
		return
	}
	b, err := fs.ReadFile(s.ui.static, name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	ctype := mime.TypeByExtension(path.Ext(name))
	switch path.Ext(name) {
	case ".js":
		ctype = "text/javascript; charset=utf-8"
	case ".css":
		ctype = "text/css; charset=utf-8"
	case ".svg", ".png", ".ico":
	default:
		ctype = "text/plain; charset=utf-8"
	}
	h.Set("Content-Type", ctype)
	h.Set("ETag", `"`+hash+`"`)
	if r.URL.Query().Get("v") == hash {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "public, max-age=300")
	}
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(b))
}

// renderErrorPage shows an error as a page. A GET without a principal is sent
// to the login page and back; htmx and API callers never get here.
func (s *Server) renderErrorPage(w http.ResponseWriter, r *http.Request, status int, body ErrorBody) {
	if status == http.StatusUnauthorized && (r.Method == http.MethodGet || r.Method == http.MethodHead) &&
		anbao.PrincipalFrom(r.Context()) == nil && r.URL.Path != "/login" {
		target := "/login"
		if r.URL.Path != "/" {
			target += "?next=" + url.QueryEscape(r.URL.RequestURI())
		}
		http.Redirect(w, r, target, http.StatusSeeOther)
		return
	}
	titleKey := "ui.error.title"
	switch status {
	case http.StatusUnauthorized:
		titleKey = "ui.error.title_401"
	case http.StatusForbidden:
		titleKey = "ui.error.title_403"
	case http.StatusNotFound:
		titleKey = "ui.error.title_404"
	case http.StatusTooManyRequests:
		titleKey = "ui.error.title_429"
	case http.StatusInternalServerError:
		titleKey = "ui.error.title_500"
	}
	p := s.newPage(r, titleKey, "")
	if r.Method != http.MethodGet {
		p.Path = "/"
	}
	p.Data = struct {
		Status int
		Body   ErrorBody
	}{status, body}
	s.render(w, r, status, "error", p)
}

// formBool reads a checkbox value.
func formBool(v string) bool { return v == "on" || v == "true" || v == "1" }

// localPath returns next if it is a path on this site, else fallback.
func localPath(next, fallback string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") ||
		strings.ContainsAny(next, "\\\r\n\t") {
		return fallback
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return fallback
	}
	return next
}
