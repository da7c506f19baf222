package server

import (
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/qr"
	"github.com/anbao/anbao/store"
	"github.com/anbao/anbao/totp"
)

type uiAccountData struct {
	Tokens []*anbao.APIToken
	Now    string // for telling expired tokens
}

func (s *Server) uiAccount(w http.ResponseWriter, r *http.Request) {
	s.showAccount(w, r, http.StatusOK, "", nil, nil)
}

// showAccount renders the account page, with one form's error and values after a failed post.
func (s *Server) showAccount(w http.ResponseWriter, r *http.Request, status int, formID string, values url.Values, formErr error) {
	p := s.newPage(r, "ui.account.title", "account")
	p.Path = "/account"
	if p.User == nil {
		s.writeError(w, r, anbao.Errorf(anbao.EUNAUTHORIZED, "error.unauthorized"))
		return
	}
	tokens, err := s.store.ListTokens(r.Context())
	if err != nil && anbao.ErrorCode(err) != anbao.EFORBIDDEN {
		s.writeError(w, r, err)
		return
	}
	p.Data = &uiAccountData{Tokens: tokens, Now: anbao.FormatTime(time.Now())}
	p.Form.Set("display_name", p.User.DisplayName)
	p.Form.Set("email", p.User.Email)
	p.Form.Set("locale", p.User.Locale)
	p.Form.Set("version", strconv.Itoa(p.User.Version))
	p.Form.Set("expires_in_days", "90")
	p.Form.Set("scopes", string(anbao.ScopeRead))
	if formErr != nil {
		status = p.setError(formID, nil, formErr, s, r)
		for k, v := range values {
			p.Form[k] = v
		}
		if formID == "password" && p.Err.Field == "password" {
			p.Err.Field = "new_password"
		}
		if formID == "token" && p.Err.Field == "name" {
			p.Err.Field = "token_name"
		}
	}
	s.render(w, r, status, "account", p)
}

// accountFormError re-renders the account page after a failed form.
func (s *Server) accountFormError(w http.ResponseWriter, r *http.Request, form string, values url.Values, err error) {
	switch anbao.ErrorCode(err) {
	case anbao.EINTERNAL, anbao.EUNAUTHORIZED:
		s.writeError(w, r, err)
		return
	}
	s.showAccount(w, r, http.StatusBadRequest, form, values, err)
}

func (s *Server) uiAccountUpdate(w http.ResponseWriter, r *http.Request) {
	form := postedForm(r)
	patch := store.UserPatch{DisplayName: ptr(form.Get("display_name")), Email: ptr(form.Get("email")),
		Locale: ptr(form.Get("locale")), Version: formVersion(form)}
	u, err := s.store.UpdateUser(r.Context(), anbao.PrincipalFrom(r.Context()).UserID, patch)
	if err != nil {
		s.accountFormError(w, r, "profile", form, err)
		return
	}
	s.setLangCookie(w, u.Locale)
	http.Redirect(w, r, "/account?ok=saved", http.StatusSeeOther)
}

func (s *Server) uiPasswordChange(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	next := r.PostFormValue("new_password")
	if next != r.PostFormValue("new_password2") {
		s.accountFormError(w, r, "password", nil, anbao.FieldError("new_password2", "ui.err.password_mismatch"))
		return
	}
	if err := s.store.ChangePassword(r.Context(), r.PostFormValue("current_password"), next); err != nil {
		s.accountFormError(w, r, "password", nil, err)
		return
	}
	http.Redirect(w, r, "/account?ok=password_changed", http.StatusSeeOther)
}

type uiTokenCreated struct {
	Secret string
	Token  *anbao.APIToken
}

func (s *Server) uiTokenCreate(w http.ResponseWriter, r *http.Request) {
	form := postedForm(r)
	var scopes []anbao.TokenScope
	for _, sc := range form["scopes"] {
		scopes = append(scopes, anbao.TokenScope(sc))
	}
	days, err := strconv.Atoi(strings.TrimSpace(form.Get("expires_in_days")))
	if err != nil {
		s.accountFormError(w, r, "token", form, anbao.FieldError("expires_in_days", "ui.err.integer"))
		return
	}
	secret, tok, err := s.store.CreateToken(r.Context(), form.Get("token_name"), scopes, time.Duration(days)*24*time.Hour)
	if err != nil {
		s.accountFormError(w, r, "token", form, err)
		return
	}
	p := s.newPage(r, "ui.token.created_title", "account")
	p.Path = "/account"
	p.Data = &uiTokenCreated{Secret: secret, Token: tok}
	s.render(w, r, http.StatusCreated, "token_created", p)
}

func (s *Server) uiTokenRevoke(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err == nil {
		err = s.store.RevokeToken(r.Context(), id)
	}
	if err != nil {
		s.accountFormError(w, r, "tokens", nil, err)
		return
	}
	http.Redirect(w, r, "/account?ok=token_revoked", http.StatusSeeOther)
}

type uiTOTPData struct {
	Enrolling bool
	Secret    string // grouped in fours for reading
	RawSecret string
	URI       string
	QR        template.HTML
}

var totpSecretRE = regexp.MustCompile(`^[A-Z2-7]{16,128}$`)

func (s *Server) uiTOTPPage(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "ui.totp.title", "account")
	p.Data = &uiTOTPData{}
	s.render(w, r, http.StatusOK, "account_totp", p)
}

// totpPage shows an enrolment in progress: the secret, its URI and QR code.
func (s *Server) totpPage(r *http.Request, secret string) *uiPage {
	p := s.newPage(r, "ui.totp.title", "account")
	p.Path = "/account/totp"
	d := &uiTOTPData{Enrolling: true, RawSecret: secret, URI: totp.URI("Anbao", anbao.PrincipalFrom(r.Context()).Username, secret)}
	var groups []string
	for i := 0; i < len(secret); i += 4 {
		groups = append(groups, secret[i:min(i+4, len(secret))])
	}
	d.Secret = strings.Join(groups, " ")
	if code, err := qr.Encode([]byte(d.URI)); err == nil {
		d.QR = template.HTML(code.SVG(4)) // generated from module positions only: no user text
	}
	p.Data = d
	return p
}

func (s *Server) uiTOTPBegin(w http.ResponseWriter, r *http.Request) {
	secret, _, err := s.store.BeginTOTP(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "account_totp", s.totpPage(r, secret))
}

func (s *Server) uiTOTPConfirm(w http.ResponseWriter, r *http.Request) {
	err := s.store.ConfirmTOTP(r.Context(), r.PostFormValue("code"))
	if err == nil {
		http.Redirect(w, r, "/account?ok=totp_enabled", http.StatusSeeOther)
		return
	}
	switch anbao.ErrorCode(err) {
	case anbao.EINTERNAL, anbao.EUNAUTHORIZED:
		s.writeError(w, r, err)
		return
	}
	// Show the enrolment again: the secret comes back from the page that
	// showed it to this user; the store checks the code against its own copy.
	secret := r.PostFormValue("secret")
	var p *uiPage
	if totpSecretRE.MatchString(secret) {
		p = s.totpPage(r, secret)
	} else {
		p = s.newPage(r, "ui.totp.title", "account")
		p.Path = "/account/totp"
		p.Data = &uiTOTPData{}
	}
	s.render(w, r, p.setError("totp", nil, err, s, r), "account_totp", p)
}
