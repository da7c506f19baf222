package server

import (
	"context"
	"fmt"
	"html"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/demo"
	"github.com/anbao/anbao/i18n"
	"github.com/anbao/anbao/store"
	"github.com/anbao/anbao/totp"
	"github.com/anbao/anbao/ui"
	"github.com/anbao/anbao/uscc"
)

// uiEnv is a server over a small demo pilot on a fresh SQLite store, driven
// through its web UI as a browser would: form posts, cookies, redirects.
type uiEnv struct {
	t   *testing.T
	st  *store.Store
	srv *Server
	h   http.Handler
}

func newUIEnv(t *testing.T) *uiEnv {
	t.Helper()
	st, err := store.Open(context.Background(), store.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.LoadDemo(uiSys(), demo.Generate(1, 60)); err != nil {
		t.Fatal(err)
	}
	srv, err := New(st, nil, Config{Demo: true, SecureCookies: false, LoginRate: 10000})
	if err != nil {
		t.Fatal(err)
	}
	return &uiEnv{t: t, st: st, srv: srv, h: srv.Handler()}
}

func uiSys() context.Context {
	return anbao.WithPrincipal(context.Background(), anbao.SystemPrincipal("ui-test"))
}

// uiBrowser keeps cookies between requests, like a browser.
type uiBrowser struct {
	e       *uiEnv
	cookies map[string]string
}

func (e *uiEnv) browser() *uiBrowser { return &uiBrowser{e: e, cookies: map[string]string{}} }

func (b *uiBrowser) do(method, path string, form url.Values, hdr map[string]string) *httptest.ResponseRecorder {
	b.e.t.Helper()
	var req *http.Request
	if form != nil {
		req = httptest.NewRequest(method, path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		req = httptest.NewRequest(method, path, nil)
	}
	req.RemoteAddr = "192.0.2.10:50000"
	for name, v := range b.cookies {
		req.AddCookie(&http.Cookie{Name: name, Value: v})
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	b.e.h.ServeHTTP(rec, req)
	for _, c := range rec.Result().Cookies() {
		if c.MaxAge < 0 || c.Value == "" {
			delete(b.cookies, c.Name)
		} else {
			b.cookies[c.Name] = c.Value
		}
	}
	return rec
}

func (b *uiBrowser) get(path string) *httptest.ResponseRecorder { return b.do("GET", path, nil, nil) }

var csrfFieldRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrfOf reads the form token from a page.
func csrfOf(t *testing.T, body string) string {
	t.Helper()
	m := csrfFieldRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no csrf field in page:\n%.2000s", body)
	}
	return html.UnescapeString(m[1])
}

// post submits a form carrying the token of the page at from.
func (b *uiBrowser) post(from, path string, form url.Values) *httptest.ResponseRecorder {
	b.e.t.Helper()
	page := b.get(from)
	if page.Code != http.StatusOK {
		b.e.t.Fatalf("GET %s: %d", from, page.Code)
	}
	form.Set("csrf", csrfOf(b.e.t, page.Body.String()))
	return b.do("POST", path, form, nil)
}

// login logs in through the login form and returns the response to the POST.
func (b *uiBrowser) login(username, password string) *httptest.ResponseRecorder {
	b.e.t.Helper()
	return b.post("/login", "/login", url.Values{"username": {username}, "password": {password}})
}

// as returns a browser logged in as a demo user.
func (e *uiEnv) as(username string) *uiBrowser {
	e.t.Helper()
	b := e.browser()
	rec := b.login(username, demo.Password)
	if rec.Code != http.StatusSeeOther || b.cookies[sessionCookie] == "" {
		e.t.Fatalf("login %s: %d %s", username, rec.Code, rec.Body)
	}
	return b
}

// principal returns the principal of a demo user, for checks through the store.
func (e *uiEnv) principal(username string) *anbao.Principal {
	e.t.Helper()
	sess, err := e.st.Login(context.Background(), username, demo.Password, "127.0.0.1", "test")
	if err != nil {
		e.t.Fatal(err)
	}
	p, _, err := e.st.SessionPrincipal(context.Background(), sess.Token)
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

func (e *uiEnv) org(id int64) *anbao.Organisation {
	e.t.Helper()
	o, err := e.st.GetOrganisation(uiSys(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return o
}

func (e *uiEnv) auditSeq() int64 {
	e.t.Helper()
	rep, err := e.st.VerifyAudit(uiSys())
	if err != nil || !rep.OK {
		e.t.Fatalf("verify audit: %+v %v", rep, err)
	}
	return rep.HeadSeq
}

func mustContain(t *testing.T, rec *httptest.ResponseRecorder, wants ...string) {
	t.Helper()
	body := rec.Body.String()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("response (%d) lacks %q:\n%.3000s", rec.Code, w, body)
		}
	}
}

// esc is how html/template writes text.
func esc(s string) string { return html.EscapeString(s) }

func TestUILoginPageLanguage(t *testing.T) {
	e := newUIEnv(t)
	b := e.browser()
	rec := b.get("/login")
	if rec.Code != 200 {
		t.Fatalf("status %d", rec.Code)
	}
	mustContain(t, rec, `<html lang="zh-CN">`, i18n.T("zh-CN", "ui.login.submit"), demo.Password, "ent1.admin", `href="/register"`)
	var pre *http.Cookie
	for _, c := range rec.Result().Cookies() {
		if c.Name == preCSRFCookie {
			pre = c
		}
	}
	if pre == nil || !pre.HttpOnly || pre.SameSite != http.SameSiteStrictMode {
		t.Fatalf("pre-login token cookie: %+v", pre)
	}
	if csrfOf(t, rec.Body.String()) != pre.Value {
		t.Error("the form token differs from the cookie")
	}
	if h := rec.Header().Get("Content-Security-Policy"); !strings.Contains(h, "script-src 'self'") {
		t.Errorf("CSP %q", h)
	}
	if strings.Contains(rec.Body.String(), " style=") || strings.Contains(rec.Body.String(), "<script>") {
		t.Error("inline style or script in the page")
	}

	b.cookies[langCookie] = "en"
	rec = b.get("/login")
	mustContain(t, rec, `<html lang="en">`, "Log in", "Demo accounts")

	// Not in demo mode: no demo logins.
	e.srv.cfg.Demo = false
	rec = e.browser().get("/login")
	if strings.Contains(rec.Body.String(), demo.Password) {
		t.Error("demo password shown outside demo mode")
	}
}

func TestUILoginFailures(t *testing.T) {
	e := newUIEnv(t)
	b := e.browser()
	before := e.auditSeq()

	// Wrong password: the message, no session.
	rec := b.login("ent1.admin", "wrong-password-123")
	if rec.Code != http.StatusUnauthorized {
		t.Errorf("wrong password: status %d", rec.Code)
	}
	mustContain(t, rec, esc(i18n.T("zh-CN", "auth.invalid_credentials")), `value="ent1.admin"`)
	if _, ok := b.cookies[sessionCookie]; ok {
		t.Error("a session cookie was set after a wrong password")
	}

	// No pre-login token: refused before the password is even checked.
	b2 := e.browser()
	rec = b2.do("POST", "/login", url.Values{"username": {"ent1.admin"}, "password": {demo.Password}}, nil)
	if rec.Code != http.StatusForbidden {
		t.Errorf("login without token: %d", rec.Code)
	}
	mustContain(t, rec, esc(i18n.T("zh-CN", "error.csrf")))
	if _, ok := b2.cookies[sessionCookie]; ok {
		t.Error("session set without the form token")
	}
	// A token that does not match its cookie.
	b2.get("/login")
	rec = b2.do("POST", "/login", url.Values{"username": {"ent1.admin"}, "password": {demo.Password}, "csrf": {"x" + strings.Repeat("A", 40)}}, nil)
	if rec.Code != http.StatusForbidden || b2.cookies[sessionCookie] != "" {
		t.Errorf("login with a forged token: %d", rec.Code)
	}
	// Only the failed password attempt was audited.
	if got := e.auditSeq(); got != before+1 {
		t.Errorf("audit grew from %d to %d", before, got)
	}

	// Rate limit.
	e.srv.limiter = newLimiter(1, time.Minute)
	b3 := e.browser()
	b3.login("ent1.admin", "wrong-password-123")
	rec = b3.login("ent1.admin", demo.Password)
	if rec.Code != http.StatusTooManyRequests {
		t.Errorf("rate limited login: %d", rec.Code)
	}
	mustContain(t, rec, esc(i18n.T("zh-CN", "error.rate_limited")))
}

func TestUILoginRedirects(t *testing.T) {
	e := newUIEnv(t)
	// Anonymous pages send to the login page and back.
	b := e.browser()
	rec := b.get("/enterprises?size=small")
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/login?next="+url.QueryEscape("/enterprises?size=small") {
		t.Fatalf("anonymous directory: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	page := b.get(rec.Header().Get("Location"))
	form := url.Values{"username": {"reg32.admin"}, "password": {demo.Password}, "csrf": {csrfOf(t, page.Body.String())},
		"next": {"/enterprises?size=small"}}
	rec = b.do("POST", "/login", form, nil)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/enterprises?size=small" {
		t.Fatalf("login with next: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	// The login page of a logged-in user goes home.
	if rec := b.get("/login"); rec.Code != http.StatusSeeOther {
		t.Errorf("login page when logged in: %d", rec.Code)
	}
	// An off-site next is ignored.
	b2 := e.browser()
	page = b2.get("/login")
	form.Set("csrf", csrfOf(t, page.Body.String()))
	form.Set("next", "//evil.example/x")
	rec = b2.do("POST", "/login", form, nil)
	if rec.Header().Get("Location") != "/" {
		t.Errorf("off-site next followed: %s", rec.Header().Get("Location"))
	}
	// Anonymous form posts get the 401 page, not a redirect.
	rec = e.browser().do("POST", "/account", url.Values{"display_name": {"x"}}, nil)
	if rec.Code != http.StatusUnauthorized {
		t.Errorf("anonymous post: %d", rec.Code)
	}
	mustContain(t, rec, `href="/login"`)
	// Log out ends the session on the server.
	cookie := b.cookies[sessionCookie]
	rec = b.post("/", "/logout", url.Values{})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/login" || b.cookies[sessionCookie] != "" {
		t.Errorf("logout: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	if _, _, err := e.st.SessionPrincipal(context.Background(), cookie); err == nil {
		t.Error("session still valid after logout")
	}
}

func TestUILanguageSwitch(t *testing.T) {
	e := newUIEnv(t)
	b := e.as("ent1.admin")
	rec := b.get("/lang?l=en&next=" + url.QueryEscape("/enterprises?size=small"))
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/enterprises?size=small" || b.cookies[langCookie] != "en" {
		t.Fatalf("switch: %d %s %v", rec.Code, rec.Header().Get("Location"), b.cookies)
	}
	mustContain(t, b.get("/"), `<html lang="en">`, "Log out", `href="/lang?l=zh-CN&amp;next=%2f"`)
	for _, next := range []string{"https://evil.example/", "//evil.example", "/\\evil.example", "javascript:alert(1)"} {
		rec := b.get("/lang?l=zh-CN&next=" + url.QueryEscape(next))
		if loc := rec.Header().Get("Location"); loc != "/" {
			t.Errorf("next %q redirected to %q", next, loc)
		}
	}
	if b.cookies[langCookie] != "zh-CN" {
		t.Errorf("cookie after switching back: %q", b.cookies[langCookie])
	}
}

// The home page renders for a user of every organisation kind, with its own figures.
func TestUIHomeEachKind(t *testing.T) {
	e := newUIEnv(t)
	cases := map[string][]string{
		"op.admin":        {i18n.T("zh-CN", "ui.home.participants"), i18n.T("zh-CN", "ui.home.pending"), `href="/organisations?status=pending"`},
		"op.expert":       {i18n.T("zh-CN", "ui.home.participants")},
		"miit.admin":      {i18n.T("zh-CN", "ui.home.by_size"), i18n.T("zh-CN", "ui.home.by_section")},
		"reg32.admin":     {i18n.T("zh-CN", "ui.home.by_size"), "江苏"},
		"ins1.uw":         {i18n.T("zh-CN", "ui.home.consented")},
		"prov1.admin":     {i18n.T("zh-CN", "ui.home.engaged")},
		"ent1.admin":      {i18n.T("zh-CN", "ui.home.own_profile")},
		"ent1.member":     {i18n.T("zh-CN", "ui.home.own_profile")},
		"reg4403.analyst": {"深圳"},
	}
	for user, wants := range cases {
		t.Run(user, func(t *testing.T) {
			rec := e.as(user).get("/")
			if rec.Code != 200 {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			mustContain(t, rec, wants...)
			mustContain(t, rec, `form class="logout" method="post" action="/logout"`, `hx-headers='{"X-CSRF-Token": "`)
			p := e.principal(user)
			mustContain(t, rec, esc(e.org(p.OrgID).Name("zh-CN")))
		})
	}
}

var navLinkRE = regexp.MustCompile(`<li><a href="([^"]+)" class="nav-`)

// Every page linked in the navigation opens for the users who see the link.
func TestUINavLinksOpen(t *testing.T) {
	e := newUIEnv(t)
	for _, user := range []string{"op.admin", "op.auditor", "op.expert", "miit.admin", "nfra.analyst", "reg32.admin", "reg4403.analyst",
		"ins1.admin", "ins1.uw", "ins1.claims", "prov1.admin", "prov1.analyst", "ent1.admin", "ent1.member"} {
		t.Run(user, func(t *testing.T) {
			b := e.as(user)
			home := b.get("/")
			links := navLinkRE.FindAllStringSubmatch(home.Body.String(), -1)
			if len(links) < 3 {
				t.Fatalf("only %d navigation links", len(links))
			}
			p := e.principal(user)
			for _, m := range links {
				href := html.UnescapeString(m[1])
				rec := b.get(href)
				if rec.Code != 200 {
					t.Errorf("%s: %d", href, rec.Code)
				}
				if body := rec.Body.String(); strings.Contains(body, " style=") || strings.Contains(body, "<script>") || strings.Contains(body, " onclick=") {
					t.Errorf("%s: inline style or script, which the CSP blocks", href)
				}
				if href == "/audit" && !anbao.Can(p, anbao.ActAuditRead) || href == "/enterprises" && !anbao.Can(p, anbao.ActEnterpriseRead) {
					t.Errorf("%s linked without the permission", href)
				}
			}
			// Pages not linked are refused, not shown.
			if !anbao.Can(p, anbao.ActAuditRead) {
				if rec := b.get("/audit"); rec.Code != http.StatusForbidden {
					t.Errorf("/audit without permission: %d", rec.Code)
				}
			}
		})
	}
}

var entLinkRE = regexp.MustCompile(`<a class="ent-link" href="/enterprises/(\d+)">`)

func rowIDs(t *testing.T, body string) []int64 {
	t.Helper()
	var ids []int64
	for _, m := range entLinkRE.FindAllStringSubmatch(body, -1) {
		id, _ := strconv.ParseInt(m[1], 10, 64)
		ids = append(ids, id)
	}
	if strings.Count(body, `<tr class="ent-row">`) != len(ids) {
		t.Errorf("%d rows but %d links", strings.Count(body, `<tr class="ent-row">`), len(ids))
	}
	return ids
}

// A local regulator's directory lists only its own jurisdiction, in every view.
func TestUIRegulatorDirectory(t *testing.T) {
	e := newUIEnv(t)
	b := e.as("reg32.admin")
	rec := b.get("/enterprises?limit=500")
	if rec.Code != 200 {
		t.Fatalf("status %d", rec.Code)
	}
	mustContain(t, rec, `id="directory-filter"`, `name="q"`, `name="jurisdiction"`, `<table id="directory-results"`, `hx-push-url="true"`)
	ids := rowIDs(t, rec.Body.String())
	if len(ids) == 0 {
		t.Fatal("no enterprises for the Jiangsu regulator")
	}
	for _, id := range ids {
		if o := e.org(id); o.Jurisdiction != "32" || o.Kind != anbao.KindEnterprise {
			t.Errorf("row %d: %s in %s", id, o.Kind, o.Jurisdiction)
		}
	}
	// The jurisdiction filter offers only its own jurisdiction.
	sel := regexp.MustCompile(`(?s)<select id="dir-jurisdiction" name="jurisdiction">(.*?)</select>`).FindStringSubmatch(rec.Body.String())
	if sel == nil || strings.Count(sel[1], "<option") != 1 || !strings.Contains(sel[1], `<option value="32" selected>`) && !strings.Contains(sel[1], `<option value="32">`) {
		t.Errorf("jurisdiction options: %v", sel)
	}
	// Asking for another jurisdiction shows nothing.
	if ids := rowIDs(t, b.get("/enterprises?jurisdiction=44").Body.String()); len(ids) != 0 {
		t.Errorf("jurisdiction=44 shows %d rows", len(ids))
	}
	// The htmx request gets the table only, with the pager out of band.
	rec = b.do("GET", "/enterprises?size=small", nil, map[string]string{"HX-Request": "true", "HX-Target": "directory-results"})
	body := rec.Body.String()
	if rec.Code != 200 || !strings.HasPrefix(strings.TrimSpace(body), `<table id="directory-results"`) || strings.Contains(body, "<html") {
		t.Fatalf("htmx fragment: %d %.300s", rec.Code, body)
	}
	mustContain(t, rec, `id="directory-pager" hx-swap-oob="true"`)
	for _, id := range rowIDs(t, body) {
		if o := e.org(id); o.Jurisdiction != "32" || o.Profile.Size != anbao.SizeSmall {
			t.Errorf("fragment row %d: %s %s", id, o.Jurisdiction, o.Profile.Size)
		}
	}
	// A bad filter shows its message and an empty list.
	rec = b.get("/enterprises?industry=ZZ")
	if rec.Code != http.StatusBadRequest {
		t.Errorf("bad industry: %d", rec.Code)
	}
	mustContain(t, rec, esc(i18n.T("zh-CN", "org.industry_unknown", "ZZ")))

	// Searching by name finds the enterprise.
	o := e.org(ids[0])
	if ids := rowIDs(t, b.get("/enterprises?q="+url.QueryEscape(o.NameZH)).Body.String()); len(ids) != 1 || ids[0] != o.ID {
		t.Errorf("search for %s: %v", o.NameZH, ids)
	}
	// Pages of 25 with a next link.
	rec = b.get("/enterprises")
	if n := len(rowIDs(t, rec.Body.String())); n > uiPageSize {
		t.Errorf("%d rows on a page", n)
	}
}

func TestUIEnterprisePage(t *testing.T) {
	e := newUIEnv(t)
	p := e.principal("ent1.admin")
	o := e.org(p.OrgID)
	b := e.as("ent1.admin")
	rec := b.get(fmt.Sprintf("/enterprises/%d", o.ID))
	if rec.Code != 200 {
		t.Fatalf("status %d", rec.Code)
	}
	mustContain(t, rec, `<h1 id="org-name">`+esc(o.NameZH)+`</h1>`, o.USCC, fmt.Sprintf(`action="/enterprises/%d"`, o.ID), fmt.Sprintf(`href="/quant?enterprise=%d"`, o.ID))
	// English names and CNY in English.
	b.cookies[langCookie] = "en"
	rec = b.get(fmt.Sprintf("/enterprises/%d", o.ID))
	if o.NameEN != "" {
		mustContain(t, rec, `<h1 id="org-name">`+esc(o.NameEN)+`</h1>`)
	}
	mustContain(t, rec, "CNY ")

	// The member sees the profile but no edit form.
	rec = e.as("ent1.member").get(fmt.Sprintf("/enterprises/%d", o.ID))
	if rec.Code != 200 || strings.Contains(rec.Body.String(), fmt.Sprintf(`action="/enterprises/%d"`, o.ID)) {
		t.Errorf("member view: %d, edit form shown", rec.Code)
	}
	// A regulator of another jurisdiction gets not found.
	other := "reg32.admin"
	if o.Jurisdiction == "32" {
		other = "reg44.admin"
	}
	if rec := e.as(other).get(fmt.Sprintf("/enterprises/%d", o.ID)); rec.Code != http.StatusNotFound {
		t.Errorf("other regulator: %d", rec.Code)
	}
	// An organisation that is not an enterprise is not an enterprise page.
	if rec := b.get(fmt.Sprintf("/enterprises/%d", e.principal("ins1.uw").OrgID)); rec.Code != http.StatusNotFound {
		t.Errorf("insurer as enterprise: %d", rec.Code)
	}
}

// A form post without the CSRF field is refused and changes nothing.
func TestUICSRFRequired(t *testing.T) {
	e := newUIEnv(t)
	p := e.principal("ent1.admin")
	o := e.org(p.OrgID)
	b := e.as("ent1.admin")
	before := e.auditSeq()
	form := url.Values{"name_zh": {"被篡改的名称有限公司"}, "name_en": {o.NameEN}, "jurisdiction": {o.Jurisdiction},
		"industry": {o.Profile.Industry}, "size": {string(o.Profile.Size)}, "revenue": {"1"}, "revenue_unit": {"wan"},
		"version": {strconv.Itoa(o.Version)}}
	for _, token := range []string{"", "forged-token"} {
		f := url.Values{}
		for k, v := range form {
			f[k] = v
		}
		if token != "" {
			f.Set("csrf", token)
		}
		rec := b.do("POST", fmt.Sprintf("/enterprises/%d", o.ID), f, nil)
		if rec.Code != http.StatusForbidden {
			t.Errorf("token %q: status %d", token, rec.Code)
		}
		mustContain(t, rec, esc(i18n.T("zh-CN", "error.csrf")))
	}
	for path, f := range map[string]url.Values{
		"/account":        {"display_name": {"x"}},
		"/account/tokens": {"token_name": {"t"}, "scopes": {"read"}, "expires_in_days": {"5"}},
		"/logout":         {},
		fmt.Sprintf("/organisations/%d/users", o.ID): {"username": {"sneaky.user"}, "roles": {"member"}, "password": {"long-enough-password-1"}},
	} {
		if rec := b.do("POST", path, f, nil); rec.Code != http.StatusForbidden {
			t.Errorf("%s without token: %d", path, rec.Code)
		}
	}
	if got := e.org(o.ID); got.NameZH != o.NameZH || got.Version != o.Version {
		t.Errorf("organisation changed: %+v", got)
	}
	if got := e.auditSeq(); got != before {
		t.Errorf("audit grew from %d to %d", before, got)
	}
	// The same post with the page's token goes through.
	rec := b.post(fmt.Sprintf("/enterprises/%d", o.ID), fmt.Sprintf("/enterprises/%d", o.ID), form)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("with token: %d %s", rec.Code, rec.Body)
	}
	got := e.org(o.ID)
	if got.NameZH != "被篡改的名称有限公司" || got.Profile.RevenueFen != 1_000_000 {
		t.Errorf("after a valid post: %s %d", got.NameZH, got.Profile.RevenueFen)
	}
}

func TestUIEnterpriseEditErrors(t *testing.T) {
	e := newUIEnv(t)
	p := e.principal("ent1.admin")
	o := e.org(p.OrgID)
	b := e.as("ent1.admin")
	path := fmt.Sprintf("/enterprises/%d", o.ID)
	base := func() url.Values {
		return url.Values{"name_zh": {o.NameZH}, "name_en": {o.NameEN}, "jurisdiction": {o.Jurisdiction},
			"industry": {o.Profile.Industry}, "size": {string(o.Profile.Size)}, "revenue": {"120.5"}, "revenue_unit": {"wan"},
			"employees": {"12"}, "version": {strconv.Itoa(o.Version)}}
	}
	before := e.auditSeq()
	cases := []struct {
		field, value, msg string
		status            int
	}{
		{"revenue", "abc", i18n.T("zh-CN", "ui.err.amount_format"), 400},
		{"employees", "many", i18n.T("zh-CN", "ui.err.integer"), 400},
		{"industry", "00", i18n.T("zh-CN", "org.industry_unknown", "00"), 400},
		{"size", "huge", i18n.T("zh-CN", "org.size_invalid", "huge"), 400},
		{"name_zh", "", i18n.T("zh-CN", "error.required", i18n.T("zh-CN", "ui.field.name_zh")), 400},
		{"jurisdiction", "71", i18n.T("zh-CN", "org.jurisdiction_locked"), 403}, // only the operator moves an organisation
		{"version", "1000", i18n.T("zh-CN", "error.version_conflict", o.Version), 409},
	}
	for _, c := range cases {
		f := base()
		f.Set(c.field, c.value)
		rec := b.post(path, path, f)
		if rec.Code != c.status {
			t.Errorf("%s=%q: status %d", c.field, c.value, rec.Code)
		}
		mustContain(t, rec, esc(c.msg))
		if c.field != "version" && c.field != "name_zh" && c.field != "jurisdiction" {
			// The posted value comes back in the form, the input marked.
			mustContain(t, rec, `aria-invalid="true" aria-describedby="err-edit-`+c.field+`"`)
		}
	}
	if got := e.auditSeq(); got != before {
		t.Errorf("failed edits wrote %d audit entries", got-before)
	}
	if got := e.org(o.ID); got.Version != o.Version {
		t.Errorf("organisation changed to version %d", got.Version)
	}
	// An enterprise admin cannot edit another enterprise.
	other := e.principal("ent2.admin").OrgID
	f := base()
	f.Set("version", strconv.Itoa(e.org(other).Version))
	rec := b.post(path, fmt.Sprintf("/enterprises/%d", other), f)
	if rec.Code != http.StatusNotFound && rec.Code != http.StatusForbidden {
		t.Errorf("editing another enterprise: %d", rec.Code)
	}
}

func TestUIOrganisationAdmin(t *testing.T) {
	e := newUIEnv(t)
	b := e.as("op.admin")
	pending, err := e.st.ListOrganisations(uiSys(), anbao.OrgFilter{Status: anbao.OrgPending})
	if err != nil || len(pending.Items) < 2 {
		t.Fatalf("pending organisations: %v %v", pending, err)
	}
	rec := b.get("/organisations?status=pending")
	mustContain(t, rec, fmt.Sprintf(`href="/organisations/%d"`, pending.Items[0].ID), `aria-current="page"`)

	// Reject without a reason: the message with the field's label; nothing changes.
	target := pending.Items[0]
	path := fmt.Sprintf("/organisations/%d", target.ID)
	before := e.auditSeq()
	rec = b.post(path, path+"/decision", url.Values{"decision": {"reject"}, "reason": {""}})
	if rec.Code != http.StatusBadRequest {
		t.Errorf("reject without reason: %d", rec.Code)
	}
	mustContain(t, rec, esc(i18n.T("zh-CN", "error.required", i18n.T("zh-CN", "ui.field.reason"))), `aria-describedby="err-decision-reason"`)
	if e.auditSeq() != before || e.org(target.ID).Status != anbao.OrgPending {
		t.Error("a refused decision changed something")
	}
	// Approve.
	rec = b.post(path, path+"/decision", url.Values{"decision": {"approve"}})
	if rec.Code != http.StatusSeeOther || e.org(target.ID).Status != anbao.OrgActive {
		t.Fatalf("approve: %d %s", rec.Code, rec.Body)
	}
	mustContain(t, b.get(rec.Header().Get("Location")), esc(i18n.T("zh-CN", "ui.flash.decided")))

	// Add a user, with a role the kind does not allow first.
	rec = b.post(path, path+"/users", url.Values{"username": {"new.person"}, "display_name": {"新人"}, "roles": {"underwriter"},
		"password": {"a-long-enough-passphrase"}, "locale": {"zh-CN"}})
	if rec.Code != http.StatusBadRequest {
		t.Errorf("bad role: %d", rec.Code)
	}
	mustContain(t, rec, `value="new.person"`)
	rec = b.post(path, path+"/users", url.Values{"username": {"new.person"}, "display_name": {"新人"}, "roles": {"member"},
		"password": {"a-long-enough-passphrase"}, "locale": {"zh-CN"}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("add user: %d %s", rec.Code, rec.Body)
	}
	users, _, err := e.st.ListUsers(uiSys(), target.ID, anbao.Page{})
	if err != nil || len(users) == 0 || users[len(users)-1].Username != "new.person" {
		t.Fatalf("users after adding: %v %v", users, err)
	}
	u := users[len(users)-1]
	// Disable, then change roles with a stale version.
	rec = b.post(path, fmt.Sprintf("/users/%d", u.ID), url.Values{"action": {"disable"}, "version": {strconv.Itoa(u.Version)}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("disable: %d %s", rec.Code, rec.Body)
	}
	rec = b.post(path, fmt.Sprintf("/users/%d", u.ID), url.Values{"action": {"roles"}, "roles": {"admin"}, "version": {strconv.Itoa(u.Version)}})
	if rec.Code != http.StatusConflict {
		t.Errorf("stale roles change: %d", rec.Code)
	}
	if got, _ := e.st.GetUser(uiSys(), u.ID); !got.Disabled || len(got.Roles) != 1 || got.Roles[0] != anbao.RoleMember {
		t.Errorf("user after actions: %+v", got)
	}
	mustContain(t, b.get(path), esc(i18n.T("zh-CN", "ui.user.disabled")), `action="/users/`)

	// Only the operator's admins see decisions; an enterprise admin sees its own users but no decisions.
	own := e.principal("ent1.admin").OrgID
	rec = e.as("ent1.admin").get(fmt.Sprintf("/organisations/%d", own))
	if rec.Code != 200 || strings.Contains(rec.Body.String(), "/decision") || !strings.Contains(rec.Body.String(), "ent1.member") {
		t.Errorf("enterprise admin on own organisation: %d", rec.Code)
	}

	// Create an organisation, first with a bad code.
	form := url.Values{"kind": {"provider"}, "uscc": {"91320000MA1234567X"}, "name_zh": {"江苏新安全科技有限公司"}, "jurisdiction": {"32"}}
	before = e.auditSeq()
	rec = b.post("/organisations/new", "/organisations/new", form)
	if rec.Code != http.StatusBadRequest || e.auditSeq() != before {
		t.Errorf("bad code: %d", rec.Code)
	}
	mustContain(t, rec, `aria-describedby="err-create-uscc"`, `value="江苏新安全科技有限公司"`)
	code := uiValidUSCC(t, "320100", "MA1XK7P2")
	form.Set("uscc", code)
	rec = b.post("/organisations/new", "/organisations/new", form)
	if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/organisations/") {
		t.Fatalf("create: %d %s", rec.Code, rec.Body)
	}
	mustContain(t, b.get(rec.Header().Get("Location")), "江苏新安全科技有限公司", code)
	// Not for other users.
	if rec := e.as("reg32.admin").get("/organisations/new"); rec.Code != http.StatusForbidden {
		t.Errorf("new organisation page for a regulator: %d", rec.Code)
	}
}

// uiValidUSCC builds a code with valid check characters.
func uiValidUSCC(t *testing.T, division, body8 string) string {
	t.Helper()
	code, err := uscc.Make('9', '1', division, body8)
	if err != nil {
		t.Fatal(err)
	}
	return code
}

func TestUIRegister(t *testing.T) {
	e := newUIEnv(t)
	b := e.browser()
	rec := b.get("/register")
	mustContain(t, rec, `action="/register"`, `hx-get="/uscc-check"`, `data-show-kind="enterprise"`)
	code := uiValidUSCC(t, "320500", "MA2RG12Q")
	form := url.Values{"kind": {"enterprise"}, "uscc": {code}, "name_zh": {"苏州申请测试有限公司"}, "name_en": {"Suzhou Applicant Ltd."},
		"industry": {"65"}, "size": {"small"}, "revenue": {"1,200.5"}, "revenue_unit": {"wan"}, "employees": {"30"}, "cii": {"on"},
		"username": {"apply.admin"}, "display_name": {"申请人"}, "email": {"apply@example.com"},
		"password": {"a-long-enough-passphrase"}, "password2": {"a-long-enough-passphrase-2"}}
	before := e.auditSeq()
	rec = b.post("/register", "/register", form)
	if rec.Code != http.StatusBadRequest {
		t.Errorf("password mismatch: %d", rec.Code)
	}
	mustContain(t, rec, esc(i18n.T("zh-CN", "ui.err.password_mismatch")), `value="apply.admin"`)
	if strings.Contains(rec.Body.String(), "a-long-enough-passphrase") {
		t.Error("the password was sent back in the page")
	}
	form.Set("password2", "a-long-enough-passphrase")
	form.Set("uscc", "123")
	rec = b.post("/register", "/register", form)
	mustContain(t, rec, esc(i18n.T("zh-CN", "uscc.length")))
	if e.auditSeq() != before {
		t.Error("refused applications wrote to the audit log")
	}
	form.Set("uscc", code)
	rec = b.post("/register", "/register", form)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/register?done=1" {
		t.Fatalf("register: %d %s", rec.Code, rec.Body)
	}
	mustContain(t, b.get("/register?done=1"), esc(i18n.T("zh-CN", "ui.register.done_title")))
	list, _ := e.st.ListOrganisations(uiSys(), anbao.OrgFilter{Query: code})
	if len(list.Items) != 1 || list.Items[0].Status != anbao.OrgPending || list.Items[0].Profile.RevenueFen != 1_200_500_000 || !list.Items[0].Profile.CII {
		t.Fatalf("registered organisation: %+v", list.Items)
	}
	// The applicant cannot log in before approval, and is told why.
	rec = e.browser().login("apply.admin", "a-long-enough-passphrase")
	mustContain(t, rec, esc(i18n.T("zh-CN", "auth.org_pending")))

	// The USCC live check.
	rec = b.get("/uscc-check?uscc=" + code)
	mustContain(t, rec, esc(i18n.T("zh-CN", "ui.uscc.valid")))
	rec = b.get("/uscc-check?uscc=91320000")
	mustContain(t, rec, `uscc-result bad`)
}

func TestUIAccount(t *testing.T) {
	e := newUIEnv(t)
	b := e.as("ins1.uw")
	rec := b.get("/account")
	mustContain(t, rec, `action="/account/password"`, `action="/account/tokens"`)

	rec = b.post("/account", "/account", url.Values{"display_name": {"新名字"}, "email": {"bad-mail"}, "locale": {"zh-CN"},
		"version": {csrfVersion(t, b)}})
	if rec.Code != http.StatusBadRequest {
		t.Errorf("bad e-mail: %d", rec.Code)
	}
	mustContain(t, rec, esc(i18n.T("zh-CN", "user.email_invalid")), `value="bad-mail"`)
	rec = b.post("/account", "/account", url.Values{"display_name": {"新名字"}, "email": {"uw@example.com"}, "locale": {"en"},
		"version": {csrfVersion(t, b)}})
	if rec.Code != http.StatusSeeOther || b.cookies[langCookie] != "en" {
		t.Fatalf("save profile: %d %v", rec.Code, b.cookies)
	}
	mustContain(t, b.get("/account?ok=saved"), "新名字", "Saved.")

	// Passwords.
	rec = b.post("/account", "/account/password", url.Values{"current_password": {demo.Password}, "new_password": {"another-long-pass-1"}, "new_password2": {"x"}})
	mustContain(t, rec, esc(i18n.T("en", "ui.err.password_mismatch")))
	rec = b.post("/account", "/account/password", url.Values{"current_password": {"nope-nope-nope"}, "new_password": {"another-long-pass-1"}, "new_password2": {"another-long-pass-1"}})
	mustContain(t, rec, esc(i18n.T("en", "auth.password_wrong")), `err-password-current_password`)
	rec = b.post("/account", "/account/password", url.Values{"current_password": {demo.Password}, "new_password": {"short"}, "new_password2": {"short"}})
	mustContain(t, rec, `err-password-new_password`)
	rec = b.post("/account", "/account/password", url.Values{"current_password": {demo.Password}, "new_password": {"another-long-pass-1"}, "new_password2": {"another-long-pass-1"}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("change password: %d %s", rec.Code, rec.Body)
	}
	if rec := e.browser().login("ins1.uw", "another-long-pass-1"); rec.Code != http.StatusSeeOther {
		t.Errorf("login with the new password: %d", rec.Code)
	}

	// Tokens: the secret once, then only its prefix.
	rec = b.post("/account", "/account/tokens", url.Values{"token_name": {"core system"}, "scopes": {"read"}, "expires_in_days": {"30"}})
	if rec.Code != http.StatusCreated {
		t.Fatalf("create token: %d %s", rec.Code, rec.Body)
	}
	secret := regexp.MustCompile(`anb_[A-Za-z0-9_-]+`).FindString(rec.Body.String())
	if secret == "" {
		t.Fatal("secret not shown")
	}
	mustContain(t, rec, esc(i18n.T("en", "ui.token.once_warning")))
	page := b.get("/account").Body.String()
	if strings.Contains(page, secret) || !strings.Contains(page, secret[:10]) {
		t.Error("the account page shows the secret, or not its prefix")
	}
	if _, err := e.st.TokenPrincipal(context.Background(), secret); err != nil {
		t.Errorf("new token does not work: %v", err)
	}
	rec = b.post("/account", "/account/tokens", url.Values{"token_name": {"tok"}, "scopes": {"read"}, "expires_in_days": {"9999"}})
	mustContain(t, rec, `err-token-expires_in_days`)
	p, _, err := e.st.SessionPrincipal(context.Background(), b.cookies[sessionCookie])
	if err != nil {
		t.Fatal(err)
	}
	tokens, _ := e.st.ListTokens(anbao.WithPrincipal(context.Background(), p))
	rec = b.post("/account", fmt.Sprintf("/account/tokens/%d/revoke", tokens[0].ID), url.Values{})
	if rec.Code != http.StatusSeeOther {
		t.Errorf("revoke: %d", rec.Code)
	}
	if _, err := e.st.TokenPrincipal(context.Background(), secret); err == nil {
		t.Error("revoked token still works")
	}
}

var versionFieldRE = regexp.MustCompile(`name="version" value="(\d+)"`)

// csrfVersion reads the version field of the account page's profile form.
func csrfVersion(t *testing.T, b *uiBrowser) string {
	t.Helper()
	m := versionFieldRE.FindStringSubmatch(b.get("/account").Body.String())
	if m == nil {
		t.Fatal("no version field")
	}
	return m[1]
}

var secretRE = regexp.MustCompile(`name="secret" value="([A-Z2-7]+)"`)

func TestUITOTP(t *testing.T) {
	e := newUIEnv(t)
	b := e.as("ent1.admin")
	rec := b.post("/account/totp", "/account/totp/begin", url.Values{})
	if rec.Code != 200 {
		t.Fatalf("begin: %d", rec.Code)
	}
	mustContain(t, rec, "<svg", "otpauth://totp/Anbao:ent1.admin")
	m := secretRE.FindStringSubmatch(rec.Body.String())
	if m == nil {
		t.Fatal("no secret")
	}
	secret := m[1]
	// A wrong code shows the enrolment again with the message.
	rec = b.do("POST", "/account/totp/confirm", url.Values{"csrf": {csrfOf(t, rec.Body.String())}, "secret": {secret}, "code": {"000000"}}, nil)
	if rec.Code != http.StatusBadRequest {
		t.Errorf("wrong code: %d", rec.Code)
	}
	mustContain(t, rec, esc(i18n.T("zh-CN", "auth.totp_invalid")), "<svg")
	code, _ := totp.Code(secret, time.Now())
	rec = b.do("POST", "/account/totp/confirm", url.Values{"csrf": {csrfOf(t, rec.Body.String())}, "secret": {secret}, "code": {code}}, nil)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("confirm: %d %s", rec.Code, rec.Body)
	}

	// Next login asks for the code; the rest of the site waits for it.
	e.st.Now = func() time.Time { return time.Now().Add(time.Minute) }
	b2 := e.browser()
	rec = b2.login("ent1.admin", demo.Password)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/login/totp" {
		t.Fatalf("login with 2FA: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	if rec := b2.get("/enterprises"); rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/login/totp" {
		t.Errorf("directory before the code: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	page := b2.get("/login/totp")
	mustContain(t, page, `name="code"`)
	rec = b2.do("POST", "/login/totp", url.Values{"csrf": {csrfOf(t, page.Body.String())}, "code": {"123456"}}, nil)
	mustContain(t, rec, esc(i18n.T("zh-CN", "auth.totp_invalid")))
	code, _ = totp.Code(secret, e.st.Now())
	rec = b2.do("POST", "/login/totp", url.Values{"csrf": {csrfOf(t, page.Body.String())}, "code": {code}}, nil)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/" {
		t.Fatalf("code: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	if rec := b2.get("/"); rec.Code != 200 {
		t.Errorf("home after the code: %d", rec.Code)
	}
}

// An organisation requiring a second factor sends its users to enrol first.
func TestUIMustEnrol(t *testing.T) {
	e := newUIEnv(t)
	orgID := e.principal("prov1.analyst").OrgID
	if _, err := e.st.UpdateOrganisation(uiSys(), orgID, store.OrgPatch{RequireTOTP: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	b := e.browser()
	rec := b.login("prov1.analyst", demo.Password)
	if rec.Header().Get("Location") != "/account/totp" {
		t.Fatalf("login: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	if rec := b.get("/"); rec.Header().Get("Location") != "/account/totp" {
		t.Errorf("home before enrolment: %d", rec.Code)
	}
	rec = b.get("/account/totp")
	if rec.Code != 200 {
		t.Fatalf("enrol page: %d", rec.Code)
	}
	mustContain(t, rec, esc(i18n.T("zh-CN", "ui.totp.required_by_org")), `action="/account/totp/begin"`)
	if strings.Contains(rec.Body.String(), `class="sidenav"`) {
		t.Error("navigation shown before enrolment")
	}
}

func TestUIAudit(t *testing.T) {
	e := newUIEnv(t)
	b := e.as("op.auditor")
	rec := b.get("/audit")
	mustContain(t, rec, "demo.load", `action="/audit/verify"`, "<details")
	rec = b.post("/audit", "/audit/verify", url.Values{})
	if rec.Code != 200 {
		t.Fatalf("verify: %d", rec.Code)
	}
	mustContain(t, rec, `class="alert alert-success"`)
	page := b.get("/audit")
	rec = b.do("POST", "/audit/verify", url.Values{}, map[string]string{"HX-Request": "true", "X-CSRF-Token": csrfOf(t, page.Body.String())})
	if rec.Code != 200 || !strings.HasPrefix(strings.TrimSpace(rec.Body.String()), `<div id="verify-result"`) {
		t.Errorf("htmx verify: %d %.200s", rec.Code, rec.Body)
	}
	// Filters.
	if rec := b.get("/audit?action=user.login&entity_kind=user&from=2020-01-01&to=2099-12-31"); rec.Code != 200 || strings.Contains(rec.Body.String(), "<code>demo.load</code>") {
		t.Errorf("filtered audit: %d", rec.Code)
	}
	rec = b.get("/audit?from=yesterday")
	if rec.Code != http.StatusBadRequest {
		t.Errorf("bad date: %d", rec.Code)
	}
	mustContain(t, rec, esc(i18n.T("zh-CN", "ui.err.date_format")))
	// An enterprise admin reads its own entries and cannot verify.
	eb := e.as("ent1.admin")
	rec = eb.get("/audit")
	if rec.Code != 200 || strings.Contains(rec.Body.String(), `action="/audit/verify"`) || strings.Contains(rec.Body.String(), "<code>demo.load</code>") {
		t.Errorf("enterprise audit view: %d", rec.Code)
	}
	rec = eb.post("/audit", "/audit/verify", url.Values{})
	if rec.Code != http.StatusForbidden {
		t.Errorf("enterprise verify: %d", rec.Code)
	}
}

func TestUIErrorPages(t *testing.T) {
	e := newUIEnv(t)
	b := e.as("ent1.admin")
	rec := b.get("/no/such/page")
	if rec.Code != http.StatusNotFound || !strings.Contains(rec.Header().Get("Content-Type"), "text/html") {
		t.Errorf("404: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	mustContain(t, rec, esc(i18n.T("zh-CN", "error.not_found")), `class="sidenav"`)
	rec = b.get("/api/v1/no-such")
	if rec.Code != http.StatusNotFound || !strings.Contains(rec.Header().Get("Content-Type"), "json") {
		t.Errorf("API 404: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	rec = b.do("GET", "/organisations/999999", nil, map[string]string{"HX-Request": "true"})
	if rec.Code != http.StatusNotFound || !strings.Contains(rec.Header().Get("Content-Type"), "json") {
		t.Errorf("htmx 404: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	if rec := b.get("/organisations/abc"); rec.Code != http.StatusNotFound {
		t.Errorf("bad id: %d", rec.Code)
	}
}

func TestUIStatic(t *testing.T) {
	e := newUIEnv(t)
	b := e.browser()
	page := b.get("/login").Body.String()
	for _, name := range []string{"anbao.css", "anbao.js", ui.HTMX} {
		m := regexp.MustCompile(`"(/static/` + regexp.QuoteMeta(name) + `\?v=[0-9a-f]+)"`).FindStringSubmatch(page)
		if m == nil {
			t.Errorf("%s not linked with its hash", name)
			continue
		}
		rec := b.get(m[1])
		if rec.Code != 200 || !strings.Contains(rec.Header().Get("Cache-Control"), "immutable") {
			t.Errorf("%s: %d %q", name, rec.Code, rec.Header().Get("Cache-Control"))
		}
		if ct := rec.Header().Get("Content-Type"); !strings.Contains(ct, "css") && !strings.Contains(ct, "javascript") {
			t.Errorf("%s: content type %q", name, ct)
		}
	}
	if rec := b.get("/static/anbao.css"); rec.Code != 200 || strings.Contains(rec.Header().Get("Cache-Control"), "immutable") {
		t.Errorf("unversioned css: %d %q", rec.Code, rec.Header().Get("Cache-Control"))
	}
	for _, p := range []string{"/static/nope.js", "/static/../ui.go", "/static/vendor/"} {
		if rec := b.get(p); rec.Code == http.StatusOK {
			t.Errorf("%s: %d", p, rec.Code)
		}
	}
	// The vendored htmx is a 2.0 release, with its licence beside it.
	if !strings.HasPrefix(ui.HTMX, "vendor/htmx-2.0.") {
		t.Errorf("htmx file %s", ui.HTMX)
	}
	if _, err := fs.Stat(ui.Static(), "vendor/htmx.LICENSE"); err != nil {
		t.Error(err)
	}
}

var (
	tplKeyRE  = regexp.MustCompile(`\.T "(ui\.[a-zA-Z0-9_.]+)"`)
	codeKeyRE = regexp.MustCompile(`"(ui\.[a-z0-9_]+\.[a-zA-Z0-9_.]*[a-zA-Z0-9_])"`)
)

// Every catalogue key the templates and handlers name exists in both languages,
// and so do the families built at run time.
func TestUICatalogueComplete(t *testing.T) {
	var keys []string
	err := fs.WalkDir(ui.Templates(), ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(ui.Templates(), name)
		for _, m := range tplKeyRE.FindAllStringSubmatch(string(b), -1) {
			keys = append(keys, m[1])
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	files, _ := fs.Glob(os.DirFS("."), "ui*.go")
	for _, f := range files {
		b, _ := os.ReadFile(f)
		for _, m := range codeKeyRE.FindAllStringSubmatch(string(b), -1) {
			keys = append(keys, m[1])
		}
	}
	for _, k := range anbao.OrgKinds {
		keys = append(keys, "ui.kind."+string(k))
		for _, r := range anbao.RolesByKind[k] {
			keys = append(keys, "ui.role."+string(r))
		}
	}
	for _, s := range []string{"pending", "active", "rejected", "suspended"} {
		keys = append(keys, "ui.status."+s)
	}
	for _, s := range anbao.SizeClasses {
		keys = append(keys, "ui.size."+string(s))
	}
	for _, d := range []string{"approve", "reject", "suspend", "reactivate"} {
		keys = append(keys, "ui.decision."+d)
	}
	for _, a := range []string{"disable", "enable", "unlock", "reset_totp"} {
		keys = append(keys, "ui.user.action."+a)
	}
	for _, n := range []string{"home", "enterprises", "organisations", "approvals", "myorg", "quant", "audit", "account"} {
		keys = append(keys, "ui.nav."+n)
	}
	for k := range uiFlashKeys {
		keys = append(keys, "ui.flash."+k)
	}
	for _, k := range uiAuditKinds {
		keys = append(keys, "ui.entity."+k)
	}
	keys = append(keys, "ui.scope.read", "ui.scope.write")
	if len(keys) < 200 {
		t.Fatalf("only %d keys found", len(keys))
	}
	for _, k := range keys {
		for _, l := range i18n.Languages {
			if !i18n.Has(l, k) {
				t.Errorf("%s: missing %q", l, k)
			}
		}
	}
}

func TestUIFormatting(t *testing.T) {
	zh, en := &uiPage{Lang: "zh-CN"}, &uiPage{Lang: "en"}
	for _, c := range []struct {
		fen    int64
		zh, en string
	}{
		{123_456_789_012, "123,456.79 万元", "CNY 1,234,567,890"},
		{0, "0.00 万元", "CNY 0"},
		{99_999_999, "100.00 万元", "CNY 1,000,000"},
		{1_000_000, "1.00 万元", "CNY 10,000"},
	} {
		if got := zh.Money(c.fen); got != c.zh {
			t.Errorf("zh %d: %q, want %q", c.fen, got, c.zh)
		}
		if got := en.Money(c.fen); got != c.en {
			t.Errorf("en %d: %q, want %q", c.fen, got, c.en)
		}
	}
	for _, c := range []struct {
		in, unit string
		fen      int64
		ok       bool
	}{
		{"1,200.5", "wan", 1_200_500_000, true}, {"0.000001", "wan", 1, true}, {"12.345", "yuan", 0, false},
		{"12.34", "yuan", 1234, true}, {"", "yuan", 0, true}, {"-5", "yuan", 0, false}, {"1e6", "wan", 0, false},
		{"9999999999999999", "wan", 0, false},
	} {
		fen, ok := parseAmount(c.in, c.unit)
		if fen != c.fen || ok != c.ok {
			t.Errorf("parseAmount(%q, %s) = %d %v", c.in, c.unit, fen, ok)
		}
		if ok {
			if back, _ := parseAmount(formatAmount(fen, c.unit), c.unit); back != fen {
				t.Errorf("round trip of %d %s: %d", fen, c.unit, back)
			}
		}
	}
	if got := zh.Time("2026-01-31T16:30:00.000000Z"); got != "2026-02-01 00:30" {
		t.Errorf("Shanghai time %q", got)
	}
	for in, want := range map[string]string{"/a?b=c": "/a?b=c", "": "/", "//x": "/", "https://x": "/", "/\\x": "/", "x": "/"} {
		if got := localPath(in, "/"); got != want {
			t.Errorf("localPath(%q) = %q", in, got)
		}
	}
}
