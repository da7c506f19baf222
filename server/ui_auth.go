package server

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"
	"regexp"
	"time"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/demo"
	"github.com/anbao/anbao/i18n"
	"github.com/anbao/anbao/store"
)

// The pages reached before login: log in, second factor, language switch,
// self-registration. Their forms carry a double-submit token (cookie
// preCSRFCookie and hidden field "csrf"), since there is no session yet.

var preTokenRE = regexp.MustCompile(`^[A-Za-z0-9_-]{32,64}$`)

// preCSRF returns the pre-login form token, setting its cookie when missing.
func (s *Server) preCSRF(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(preCSRFCookie); err == nil && preTokenRE.MatchString(c.Value) {
		return c.Value
	}
	b := make([]byte, 32)
	rand.Read(b)
	tok := base64.RawURLEncoding.EncodeToString(b)
	http.SetCookie(w, &http.Cookie{Name: preCSRFCookie, Value: tok, Path: "/", HttpOnly: true,
		Secure: s.cfg.SecureCookies, SameSite: http.SameSiteStrictMode})
	return tok
}

// checkPreCSRF compares the posted token with the cookie in constant time.
func checkPreCSRF(r *http.Request) bool {
	c, err := r.Cookie(preCSRFCookie)
	if err != nil || !preTokenRE.MatchString(c.Value) {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(r.PostFormValue("csrf")), []byte(c.Value)) == 1
}

// uiDemoLogin is one row of the demo logins table.
type uiDemoLogin struct{ Username, RoleKey string }

var uiDemoLogins = []uiDemoLogin{
	{"op.admin", "ui.demo.op_admin"}, {"op.auditor", "ui.demo.op_auditor"}, {"miit.admin", "ui.demo.miit_admin"},
	{"reg32.admin", "ui.demo.reg32_admin"}, {"reg4403.analyst", "ui.demo.reg4403_analyst"}, {"ins1.uw", "ui.demo.ins1_uw"},
	{"prov1.admin", "ui.demo.prov1_admin"}, {"ent1.admin", "ui.demo.ent1_admin"},
}

type uiLoginData struct {
	Next         string
	DemoLogins   []uiDemoLogin
	DemoPassword string
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) *uiPage {
	p := s.newPage(r, "ui.login.title", "")
	p.CSRF = s.preCSRF(w, r)
	d := &uiLoginData{Next: localPath(r.FormValue("next"), "")}
	if s.cfg.Demo {
		d.DemoLogins, d.DemoPassword = uiDemoLogins, demo.Password
	}
	p.Data = d
	return p
}

func (s *Server) uiLoginPage(w http.ResponseWriter, r *http.Request) {
	if anbao.PrincipalFrom(r.Context()) != nil {
		http.Redirect(w, r, localPath(r.URL.Query().Get("next"), "/"), http.StatusSeeOther)
		return
	}
	p := s.loginPage(w, r)
	p.Path = "/login"
	if next := p.Data.(*uiLoginData).Next; next != "" {
		p.Path += "?next=" + url.QueryEscape(next)
	}
	s.render(w, r, http.StatusOK, "login", p)
}

func (s *Server) uiLogin(w http.ResponseWriter, r *http.Request) {
	p := s.loginPage(w, r)
	p.Path = "/login"
	values := url.Values{"username": {r.PostFormValue("username")}}
	fail := func(err error) {
		s.render(w, r, p.setError("login", values, err, s, r), "login", p)
	}
	if !checkPreCSRF(r) {
		fail(errCSRF())
		return
	}
	if !s.limiter.allow("login:" + clientIP(r)) {
		fail(anbao.Errorf(anbao.ETOOMANY, "error.rate_limited"))
		return
	}
	sess, err := s.store.Login(r.Context(), r.PostFormValue("username"), r.PostFormValue("password"), clientIP(r), r.UserAgent())
	if err != nil {
		fail(err)
		return
	}
	s.setSession(w, sess)
	http.SetCookie(w, &http.Cookie{Name: preCSRFCookie, Value: "", Path: "/", HttpOnly: true,
		Secure: s.cfg.SecureCookies, SameSite: http.SameSiteStrictMode, MaxAge: -1})
	s.adoptUserLocale(w, r, sess.Token)
	next := localPath(r.PostFormValue("next"), "/")
	switch {
	case sess.MFAPending:
		target := "/login/totp"
		if next != "/" {
			target += "?next=" + url.QueryEscape(next)
		}
		http.Redirect(w, r, target, http.StatusSeeOther)
	case sess.MustEnrolTOTP:
		http.Redirect(w, r, "/account/totp", http.StatusSeeOther)
	default:
		http.Redirect(w, r, next, http.StatusSeeOther)
	}
}

// adoptUserLocale sets the language cookie to the user's saved language when
// the browser has not chosen one yet.
func (s *Server) adoptUserLocale(w http.ResponseWriter, r *http.Request, token string) {
	if _, err := r.Cookie(langCookie); err == nil {
		return
	}
	p, _, err := s.store.SessionPrincipal(r.Context(), token)
	if err != nil {
		return
	}
	u, err := s.store.GetUser(anbao.WithPrincipal(r.Context(), p), p.UserID)
	if err != nil || u.Locale == "" {
		return
	}
	s.setLangCookie(w, u.Locale)
}

func (s *Server) setLangCookie(w http.ResponseWriter, l string) {
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: i18n.Normalize(l), Path: "/", HttpOnly: true,
		Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode, MaxAge: int((365 * 24 * time.Hour).Seconds())})
}

func (s *Server) uiLoginTOTPPage(w http.ResponseWriter, r *http.Request) {
	sess := sessionFrom(r.Context())
	next := localPath(r.URL.Query().Get("next"), "/")
	if sess == nil {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	if !sess.MFAPending {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	p := s.newPage(r, "ui.totp.login_title", "")
	p.Data = next
	s.render(w, r, http.StatusOK, "login_totp", p)
}

func (s *Server) uiLoginTOTP(w http.ResponseWriter, r *http.Request) {
	sess := sessionFrom(r.Context())
	if sess == nil {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	next := localPath(r.PostFormValue("next"), "/")
	if !sess.MFAPending {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	p := s.newPage(r, "ui.totp.login_title", "")
	p.Path, p.Data = "/login/totp", next
	fail := func(err error) { s.render(w, r, p.setError("totp", nil, err, s, r), "login_totp", p) }
	if !s.limiter.allow("login:" + clientIP(r)) {
		fail(anbao.Errorf(anbao.ETOOMANY, "error.rate_limited"))
		return
	}
	if err := s.store.CompleteMFA(r.Context(), sess.Token, r.PostFormValue("code")); err != nil {
		if anbao.ErrorCode(err) == anbao.EUNAUTHORIZED {
			s.clearSession(w)
			http.Redirect(w, r, "/login", http.StatusSeeOther)
			return
		}
		fail(err)
		return
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) uiLogout(w http.ResponseWriter, r *http.Request) {
	if sess := sessionFrom(r.Context()); sess != nil {
		if err := s.store.Logout(r.Context(), sess.Token); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	s.clearSession(w)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// uiLang switches the UI language and returns to the page it was asked from.
func (s *Server) uiLang(w http.ResponseWriter, r *http.Request) {
	s.setLangCookie(w, r.URL.Query().Get("l"))
	http.Redirect(w, r, localPath(r.URL.Query().Get("next"), "/"), http.StatusSeeOther)
}

// uiRegisterKinds are the kinds that may apply to join.
var uiRegisterKinds = []anbao.OrgKind{anbao.KindEnterprise, anbao.KindInsurer, anbao.KindProvider, anbao.KindRegulator}

type uiRegisterData struct {
	Kinds []anbao.OrgKind
	Done  bool
}

func (s *Server) uiRegisterPage(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("done") == "1" {
		p := s.newPage(r, "ui.register.done_title", "")
		s.render(w, r, http.StatusOK, "register_done", p)
		return
	}
	p := s.newPage(r, "ui.register.title", "")
	p.CSRF = s.preCSRF(w, r)
	p.Form.Set("kind", string(anbao.KindEnterprise))
	p.Form.Set("revenue_unit", revenueUnit(p.Lang))
	p.Data = &uiRegisterData{Kinds: uiRegisterKinds}
	s.render(w, r, http.StatusOK, "register", p)
}

func (s *Server) uiRegister(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "ui.register.title", "")
	p.CSRF = s.preCSRF(w, r)
	p.Data = &uiRegisterData{Kinds: uiRegisterKinds}
	values := postedForm(r) // without the token and the passwords
	fail := func(err error) { s.render(w, r, p.setError("register", values, err, s, r), "register", p) }
	if !checkPreCSRF(r) {
		fail(errCSRF())
		return
	}
	if !s.limiter.allow("register:" + clientIP(r)) {
		fail(anbao.Errorf(anbao.ETOOMANY, "error.rate_limited"))
		return
	}
	o, err := orgFromForm(r.PostForm, true)
	if err != nil {
		fail(err)
		return
	}
	if r.PostFormValue("password") != r.PostFormValue("password2") {
		fail(anbao.FieldError("password2", "ui.err.password_mismatch"))
		return
	}
	admin := anbao.User{Username: r.PostFormValue("username"), DisplayName: r.PostFormValue("display_name"),
		Email: r.PostFormValue("email"), Locale: p.Lang}
	if _, _, err := s.store.RegisterOrganisation(r.Context(), &store.Registration{Org: *o, Admin: admin,
		Password: r.PostFormValue("password")}); err != nil {
		fail(err)
		return
	}
	http.Redirect(w, r, "/register?done=1", http.StatusSeeOther)
}
