package server

import (
	"net/http"
	"strings"
	"time"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/refdata"
	"github.com/anbao/anbao/store"
	"github.com/anbao/anbao/uscc"
)

// Request and response bodies of the API.
type (
	LoginRequest struct {
		Username string `json:"username"`
		Password string `json:"password"`
	}
	SessionResponse struct {
		CSRFToken     string `json:"csrf_token"`
		MFARequired   bool   `json:"mfa_required"`
		MustEnrolTOTP bool   `json:"must_enrol_totp"`
		ExpiresAt     string `json:"expires_at"`
	}
	CodeRequest struct {
		Code string `json:"code"`
	}
	TOTPEnrolment struct {
		Secret string `json:"secret"`
		URI    string `json:"uri"`
	}
	PasswordChange struct {
		CurrentPassword string `json:"current_password"`
		NewPassword     string `json:"new_password"`
	}
	MeResponse struct {
		User         *anbao.User         `json:"user"`
		Organisation *anbao.Organisation `json:"organisation"`
		Permissions  []anbao.Action      `json:"permissions"`
	}
	TokenRequest struct {
		Name          string             `json:"name"`
		Scopes        []anbao.TokenScope `json:"scopes"`
		ExpiresInDays int                `json:"expires_in_days"`
	}
	TokenCreated struct {
		Token  string          `json:"token"` // shown once
		Detail *anbao.APIToken `json:"detail"`
	}
	OrgCreateRequest struct {
		anbao.Organisation
		// USCCOverrideReason accepts a code whose checksum fails (operator admins only).
		USCCOverrideReason string `json:"uscc_override_reason,omitempty"`
	}
	RegistrationRequest struct {
		Organisation anbao.Organisation `json:"organisation"`
		Admin        anbao.User         `json:"admin"`
		Password     string             `json:"password"`
	}
	RegistrationResponse struct {
		Organisation *anbao.Organisation `json:"organisation"`
		Admin        *anbao.User         `json:"admin"`
	}
	DecisionRequest struct {
		Decision store.OrgDecision `json:"decision"`
		Reason   string            `json:"reason"`
	}
	UserCreateRequest struct {
		anbao.User
		Password string `json:"password"`
	}
	RelationshipRequest struct {
		PartyID      int64                  `json:"party_id"`
		EnterpriseID int64                  `json:"enterprise_id"`
		Kind         store.RelationshipKind `json:"kind"`
	}
	USCCInfo struct {
		Code         string `json:"code"`
		Valid        bool   `json:"valid"`
		ChecksumOK   bool   `json:"checksum_ok"`
		Message      string `json:"message,omitempty"`
		Authority    string `json:"authority"`
		Category     string `json:"category"`
		Division     string `json:"division"`
		Jurisdiction string `json:"jurisdiction"`
		OrgCode      string `json:"org_code"`
	}
	IndustrySection struct {
		Code      string             `json:"code"`
		Name      string             `json:"name"`
		NameZH    string             `json:"name_zh"`
		NameEN    string             `json:"name_en"`
		Divisions []refdata.Division `json:"divisions"`
	}
)

func (s *Server) registerAPI() {
	const v1 = "/api/v1"
	orgFilters := append([]qparam{
		{Name: "kind", Type: "string", Desc: "organisation kind", Enum: []string{"operator", "regulator", "insurer", "provider", "enterprise"}},
		{Name: "status", Type: "string", Desc: "registration status", Enum: []string{"pending", "active", "rejected", "suspended"}},
		{Name: "jurisdiction", Type: "string", Desc: "jurisdiction code, e.g. 32 or 4403"},
		{Name: "industry", Type: "string", Desc: "GB/T 4754 section letter or two-digit division"},
		{Name: "size", Type: "string", Desc: "size class", Enum: []string{"large", "medium", "small", "micro"}},
		{Name: "cii", Type: "boolean", Desc: "critical information infrastructure operators only (true) or excluded (false)"},
		{Name: "q", Type: "string", Desc: "search in names and USCC"},
	}, pageParams...)

	// Reference data and sessions (public).
	s.api(route{Method: "GET", Path: v1 + "/reference/jurisdictions", OpID: "listJurisdictions", Tag: "reference", Public: true,
		Summary: "Jurisdictions: provinces, separately-planned cities, XPCC (GB/T 2260)", Resp: []refdata.Jurisdiction{},
		handle: func(w http.ResponseWriter, r *http.Request) (any, error) { return refdata.Jurisdictions(), nil }})
	s.api(route{Method: "GET", Path: v1 + "/reference/industries", OpID: "listIndustries", Tag: "reference", Public: true,
		Summary: "Industries: GB/T 4754-2017 sections and divisions", Resp: []IndustrySection{}, handle: s.apiIndustries})
	s.api(route{Method: "GET", Path: v1 + "/reference/uscc/{code}", OpID: "checkUSCC", Tag: "reference", Public: true,
		Summary: "Validate and decode a Unified Social Credit Code", Resp: USCCInfo{}, handle: s.apiUSCC})
	s.api(route{Method: "POST", Path: v1 + "/registrations", OpID: "register", Tag: "organisations", Public: true, Status: 201,
		Summary: "Apply to join: an organisation and its first admin, pending operator approval",
		Body:    RegistrationRequest{}, Resp: RegistrationResponse{}, handle: s.apiRegister})
	s.api(route{Method: "POST", Path: v1 + "/sessions", OpID: "login", Tag: "sessions", Public: true, Status: 201,
		Summary: "Log in with username and password; sets the session cookie", Body: LoginRequest{}, Resp: SessionResponse{}, handle: s.apiLogin})
	s.api(route{Method: "POST", Path: v1 + "/sessions/totp", OpID: "loginTOTP", Tag: "sessions", Public: true,
		Summary: "Give the second factor of a pending session", Body: CodeRequest{}, Resp: SessionResponse{}, handle: s.apiLoginTOTP})
	s.api(route{Method: "DELETE", Path: v1 + "/sessions/current", OpID: "logout", Tag: "sessions", Public: true,
		Summary: "Log out", handle: s.apiLogout})

	// The caller's own account.
	s.api(route{Method: "GET", Path: v1 + "/me", OpID: "getMe", Tag: "account", Summary: "The caller, their organisation and permissions",
		Resp: MeResponse{}, handle: s.apiMe})
	s.api(route{Method: "PATCH", Path: v1 + "/me", OpID: "updateMe", Tag: "account", Summary: "Change own display name, e-mail or language",
		Body: store.UserPatch{}, Resp: anbao.User{}, handle: s.apiUpdateMe})
	s.api(route{Method: "POST", Path: v1 + "/me/password", OpID: "changePassword", Tag: "account", Summary: "Change own password",
		Body: PasswordChange{}, handle: s.apiChangePassword})
	s.api(route{Method: "POST", Path: v1 + "/me/totp", OpID: "beginTOTP", Tag: "account", Summary: "Start authenticator enrolment",
		Resp: TOTPEnrolment{}, handle: s.apiBeginTOTP})
	s.api(route{Method: "POST", Path: v1 + "/me/totp/confirm", OpID: "confirmTOTP", Tag: "account", Summary: "Confirm enrolment with a code",
		Body: CodeRequest{}, handle: s.apiConfirmTOTP})
	s.api(route{Method: "GET", Path: v1 + "/tokens", OpID: "listTokens", Tag: "account", Summary: "Own API tokens",
		Resp: []anbao.APIToken{}, handle: s.apiListTokens})
	s.api(route{Method: "POST", Path: v1 + "/tokens", OpID: "createToken", Tag: "account", Status: 201,
		Summary: "Create an API token; the secret is shown once", Body: TokenRequest{}, Resp: TokenCreated{}, handle: s.apiCreateToken})
	s.api(route{Method: "DELETE", Path: v1 + "/tokens/{id}", OpID: "revokeToken", Tag: "account", Summary: "Revoke an API token",
		handle: s.apiRevokeToken})

	// Organisations and users.
	s.api(route{Method: "GET", Path: v1 + "/organisations", OpID: "listOrganisations", Tag: "organisations",
		Summary: "Organisations the caller may see", Query: orgFilters, Resp: ListResponse[*anbao.Organisation]{}, handle: s.apiListOrgs(false)})
	s.api(route{Method: "POST", Path: v1 + "/organisations", OpID: "createOrganisation", Tag: "organisations", Status: 201,
		Summary: "Register an organisation directly (operator)", Body: OrgCreateRequest{}, Resp: anbao.Organisation{}, handle: s.apiCreateOrg})
	s.api(route{Method: "GET", Path: v1 + "/organisations/{id}", OpID: "getOrganisation", Tag: "organisations",
		Summary: "One organisation", Resp: anbao.Organisation{}, handle: s.apiGetOrg})
	s.api(route{Method: "PATCH", Path: v1 + "/organisations/{id}", OpID: "updateOrganisation", Tag: "organisations",
		Summary: "Edit an organisation (own admins, operator)", Body: store.OrgPatch{}, Resp: anbao.Organisation{}, handle: s.apiUpdateOrg})
	s.api(route{Method: "POST", Path: v1 + "/organisations/{id}/decision", OpID: "decideOrganisation", Tag: "organisations",
		Summary: "Approve, reject, suspend or reactivate (operator)", Body: DecisionRequest{}, Resp: anbao.Organisation{}, handle: s.apiDecide})
	s.api(route{Method: "GET", Path: v1 + "/organisations/{id}/users", OpID: "listUsers", Tag: "users",
		Summary: "Users of an organisation", Query: pageParams, Resp: ListResponse[*anbao.User]{}, handle: s.apiListUsers})
	s.api(route{Method: "POST", Path: v1 + "/organisations/{id}/users", OpID: "createUser", Tag: "users", Status: 201,
		Summary: "Add a user to an organisation", Body: UserCreateRequest{}, Resp: anbao.User{}, handle: s.apiCreateUser})
	s.api(route{Method: "GET", Path: v1 + "/users/{id}", OpID: "getUser", Tag: "users", Summary: "One user",
		Resp: anbao.User{}, handle: s.apiGetUser})
	s.api(route{Method: "PATCH", Path: v1 + "/users/{id}", OpID: "updateUser", Tag: "users",
		Summary: "Change a user's roles, standing, lockout or second factor", Body: store.UserPatch{}, Resp: anbao.User{}, handle: s.apiUpdateUser})
	s.api(route{Method: "POST", Path: v1 + "/relationships", OpID: "createRelationship", Tag: "organisations", Status: 204,
		Summary: "Let an insurer (consent) or provider (engagement) see an enterprise (operator)", Body: RelationshipRequest{}, handle: s.apiRelationship})

	// The enterprise directory.
	s.api(route{Method: "GET", Path: v1 + "/enterprises", OpID: "listEnterprises", Tag: "enterprises",
		Summary: "The enterprise directory, within the caller's scope", Query: orgFilters[1:], Resp: ListResponse[*anbao.Organisation]{}, handle: s.apiListOrgs(true)})
	s.api(route{Method: "GET", Path: v1 + "/enterprises/{id}", OpID: "getEnterprise", Tag: "enterprises",
		Summary: "One enterprise profile", Resp: anbao.Organisation{}, handle: s.apiGetEnterprise})

	// Audit.
	s.api(route{Method: "GET", Path: v1 + "/audit", OpID: "listAudit", Tag: "audit", Summary: "Audit entries, newest first",
		Query: append([]qparam{
			{Name: "action", Type: "string", Desc: "action prefix, e.g. org. or user.login"},
			{Name: "entity_kind", Type: "string", Desc: "organisation, user, api_token, …"},
			{Name: "entity_id", Type: "string", Desc: "record id"},
			{Name: "actor_id", Type: "integer", Desc: "acting user id"},
			{Name: "org_id", Type: "integer", Desc: "organisation concerned or acting"},
			{Name: "since", Type: "string", Desc: "from this UTC time (RFC 3339)"},
			{Name: "until", Type: "string", Desc: "before this UTC time (RFC 3339)"},
		}, pageParams...), Resp: ListResponse[*anbao.AuditEntry]{}, handle: s.apiListAudit})
	s.api(route{Method: "GET", Path: v1 + "/audit/verify", OpID: "verifyAudit", Tag: "audit", Summary: "Verify the whole hash chain",
		Resp: store.AuditReport{}, handle: s.apiVerifyAudit})
}

func (s *Server) apiIndustries(w http.ResponseWriter, r *http.Request) (any, error) {
	l := lang(r)
	var out []IndustrySection
	for _, sec := range refdata.Sections() {
		out = append(out, IndustrySection{Code: sec.Code, Name: sec.Name(l), NameZH: sec.NameZH, NameEN: sec.NameEN, Divisions: refdata.DivisionsOf(sec.Code)})
	}
	return out, nil
}

func (s *Server) apiUSCC(w http.ResponseWriter, r *http.Request) (any, error) {
	c, err := uscc.Parse(r.PathValue("code"))
	if err != nil {
		return nil, store.USCCErrorKey(err)
	}
	l := lang(r)
	info := &USCCInfo{Code: c.Raw, Valid: true, ChecksumOK: true, Authority: c.AuthorityName(l), Category: c.CategoryName(l),
		Division: c.Division, OrgCode: c.OrgCode}
	if j, ok := refdata.JurisdictionForDivision(c.Division); ok {
		info.Jurisdiction = j.Code
	}
	if err := c.Checksum(); err != nil {
		_, body := s.errorBody(r, store.USCCErrorKey(err))
		info.ChecksumOK, info.Message = false, body.Message
	}
	return info, nil
}

func (s *Server) apiRegister(w http.ResponseWriter, r *http.Request) (any, error) {
	if !s.limiter.allow("register:" + clientIP(r)) {
		return nil, anbao.Errorf(anbao.ETOOMANY, "error.rate_limited")
	}
	var req RegistrationRequest
	if err := decodeJSON(r, &req); err != nil {
		return nil, err
	}
	o, u, err := s.store.RegisterOrganisation(r.Context(), &store.Registration{Org: req.Organisation, Admin: req.Admin, Password: req.Password})
	if err != nil {
		return nil, err
	}
	return RegistrationResponse{Organisation: o, Admin: u}, nil
}

func (s *Server) apiLogin(w http.ResponseWriter, r *http.Request) (any, error) {
	var req LoginRequest
	if err := decodeJSON(r, &req); err != nil {
		return nil, err
	}
	if !s.limiter.allow("login:" + clientIP(r)) {
		return nil, anbao.Errorf(anbao.ETOOMANY, "error.rate_limited")
	}
	sess, err := s.store.Login(r.Context(), req.Username, req.Password, clientIP(r), r.UserAgent())
	if err != nil {
		return nil, err
	}
	s.setSession(w, sess)
	return SessionResponse{CSRFToken: sess.CSRF, MFARequired: sess.MFAPending, MustEnrolTOTP: sess.MustEnrolTOTP,
		ExpiresAt: anbao.FormatTime(sess.ExpiresAt)}, nil
}

func (s *Server) apiLoginTOTP(w http.ResponseWriter, r *http.Request) (any, error) {
	sess := sessionFrom(r.Context())
	if sess == nil {
		return nil, anbao.Errorf(anbao.EUNAUTHORIZED, "auth.session_expired")
	}
	var req CodeRequest
	if err := decodeJSON(r, &req); err != nil {
		return nil, err
	}
	if err := s.store.CompleteMFA(r.Context(), sess.Token, req.Code); err != nil {
		return nil, err
	}
	return SessionResponse{CSRFToken: sess.CSRF, MustEnrolTOTP: sess.MustEnrolTOTP, ExpiresAt: anbao.FormatTime(sess.ExpiresAt)}, nil
}

func (s *Server) apiLogout(w http.ResponseWriter, r *http.Request) (any, error) {
	if sess := sessionFrom(r.Context()); sess != nil {
		if err := s.store.Logout(r.Context(), sess.Token); err != nil {
			return nil, err
		}
	}
	s.clearSession(w)
	return nil, nil
}

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request) (any, error) {
	p := anbao.PrincipalFrom(r.Context())
	u, err := s.store.GetUser(r.Context(), p.UserID)
	if err != nil {
		return nil, err
	}
	o, err := s.store.GetOrganisation(r.Context(), p.OrgID)
	if err != nil {
		return nil, err
	}
	var perms []anbao.Action
	for a := range anbao.Permissions {
		if anbao.Can(p, a) {
			perms = append(perms, a)
		}
	}
	sortActions(perms)
	return MeResponse{User: u, Organisation: o, Permissions: perms}, nil
}

func (s *Server) apiUpdateMe(w http.ResponseWriter, r *http.Request) (any, error) {
	var patch store.UserPatch
	if err := decodeJSON(r, &patch); err != nil {
		return nil, err
	}
	return s.store.UpdateUser(r.Context(), anbao.PrincipalFrom(r.Context()).UserID, patch)
}

func (s *Server) apiChangePassword(w http.ResponseWriter, r *http.Request) (any, error) {
	var req PasswordChange
	if err := decodeJSON(r, &req); err != nil {
		return nil, err
	}
	return nil, s.store.ChangePassword(r.Context(), req.CurrentPassword, req.NewPassword)
}

func (s *Server) apiBeginTOTP(w http.ResponseWriter, r *http.Request) (any, error) {
	secret, uri, err := s.store.BeginTOTP(r.Context())
	if err != nil {
		return nil, err
	}
	return TOTPEnrolment{Secret: secret, URI: uri}, nil
}

func (s *Server) apiConfirmTOTP(w http.ResponseWriter, r *http.Request) (any, error) {
	var req CodeRequest
	if err := decodeJSON(r, &req); err != nil {
		return nil, err
	}
	return nil, s.store.ConfirmTOTP(r.Context(), req.Code)
}

func (s *Server) apiListTokens(w http.ResponseWriter, r *http.Request) (any, error) {
	return s.store.ListTokens(r.Context())
}

func (s *Server) apiCreateToken(w http.ResponseWriter, r *http.Request) (any, error) {
	var req TokenRequest
	if err := decodeJSON(r, &req); err != nil {
		return nil, err
	}
	secret, tok, err := s.store.CreateToken(r.Context(), req.Name, req.Scopes, time.Duration(req.ExpiresInDays)*24*time.Hour)
	if err != nil {
		return nil, err
	}
	return TokenCreated{Token: secret, Detail: tok}, nil
}

func (s *Server) apiRevokeToken(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	return nil, s.store.RevokeToken(r.Context(), id)
}

// orgFilter reads the directory's query parameters.
func orgFilter(r *http.Request) (anbao.OrgFilter, error) {
	q := r.URL.Query()
	pg, err := page(r)
	if err != nil {
		return anbao.OrgFilter{}, err
	}
	f := anbao.OrgFilter{Kind: anbao.OrgKind(q.Get("kind")), Status: anbao.OrgStatus(q.Get("status")),
		Jurisdiction: q.Get("jurisdiction"), Industry: q.Get("industry"), Size: anbao.SizeClass(q.Get("size")),
		Query: q.Get("q"), Page: pg}
	switch q.Get("cii") {
	case "":
	case "true", "1":
		t := true
		f.CII = &t
	case "false", "0":
		f2 := false
		f.CII = &f2
	default:
		return f, &anbao.Error{Code: anbao.EINVALID, Key: "error.bad_query", Args: []any{"cii"}, Field: "cii"}
	}
	return f, nil
}

func (s *Server) apiListOrgs(enterprises bool) func(w http.ResponseWriter, r *http.Request) (any, error) {
	return func(w http.ResponseWriter, r *http.Request) (any, error) {
		f, err := orgFilter(r)
		if err != nil {
			return nil, err
		}
		if enterprises {
			if err := anbao.Authorize(anbao.PrincipalFrom(r.Context()), anbao.ActEnterpriseRead); err != nil {
				return nil, err
			}
			f.Kind = anbao.KindEnterprise
		}
		list, err := s.store.ListOrganisations(r.Context(), f)
		if err != nil {
			return nil, err
		}
		f.Page = f.Page.Normalize()
		return ListResponse[*anbao.Organisation]{Items: list.Items, Total: list.Total, Limit: f.Limit, Offset: f.Offset}, nil
	}
}

func (s *Server) apiCreateOrg(w http.ResponseWriter, r *http.Request) (any, error) {
	var req OrgCreateRequest
	if err := decodeJSON(r, &req); err != nil {
		return nil, err
	}
	return s.store.CreateOrganisation(r.Context(), &req.Organisation, req.USCCOverrideReason)
}

func (s *Server) apiGetOrg(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	return s.store.GetOrganisation(r.Context(), id)
}

func (s *Server) apiGetEnterprise(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	o, err := s.store.GetOrganisation(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if o.Kind != anbao.KindEnterprise {
		return nil, anbao.ErrNotFound("enterprise")
	}
	return o, nil
}

func (s *Server) apiUpdateOrg(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	var patch store.OrgPatch
	if err := decodeJSON(r, &patch); err != nil {
		return nil, err
	}
	return s.store.UpdateOrganisation(r.Context(), id, patch)
}

func (s *Server) apiDecide(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	var req DecisionRequest
	if err := decodeJSON(r, &req); err != nil {
		return nil, err
	}
	return s.store.DecideOrganisation(r.Context(), id, req.Decision, req.Reason)
}

func (s *Server) apiListUsers(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	pg, err := page(r)
	if err != nil {
		return nil, err
	}
	users, total, err := s.store.ListUsers(r.Context(), id, pg)
	if err != nil {
		return nil, err
	}
	pg = pg.Normalize()
	return ListResponse[*anbao.User]{Items: users, Total: total, Limit: pg.Limit, Offset: pg.Offset}, nil
}

func (s *Server) apiCreateUser(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	var req UserCreateRequest
	if err := decodeJSON(r, &req); err != nil {
		return nil, err
	}
	return s.store.CreateUser(r.Context(), id, &req.User, req.Password)
}

func (s *Server) apiGetUser(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	return s.store.GetUser(r.Context(), id)
}

func (s *Server) apiUpdateUser(w http.ResponseWriter, r *http.Request) (any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	var patch store.UserPatch
	if err := decodeJSON(r, &patch); err != nil {
		return nil, err
	}
	return s.store.UpdateUser(r.Context(), id, patch)
}

func (s *Server) apiRelationship(w http.ResponseWriter, r *http.Request) (any, error) {
	var req RelationshipRequest
	if err := decodeJSON(r, &req); err != nil {
		return nil, err
	}
	return nil, s.store.AddRelationship(r.Context(), req.PartyID, req.EnterpriseID, req.Kind)
}

func (s *Server) apiListAudit(w http.ResponseWriter, r *http.Request) (any, error) {
	q := r.URL.Query()
	pg, err := page(r)
	if err != nil {
		return nil, err
	}
	f := anbao.AuditFilter{Action: q.Get("action"), EntityKind: q.Get("entity_kind"), EntityID: q.Get("entity_id"), Page: pg}
	for _, name := range []string{"actor_id", "org_id"} {
		n, err := queryInt(r, name, 0, 0, 1<<62)
		if err != nil {
			return nil, err
		}
		if name == "actor_id" {
			f.ActorID = int64(n)
		} else {
			f.OrgID = int64(n)
		}
	}
	for name, dst := range map[string]*string{"since": &f.Since, "until": &f.Until} {
		if v := q.Get(name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				if t, err = time.Parse("2006-01-02", v); err != nil {
					return nil, &anbao.Error{Code: anbao.EINVALID, Key: "error.bad_query", Args: []any{name}, Field: name}
				}
			}
			*dst = anbao.FormatTime(t)
		}
	}
	list, err := s.store.ListAudit(r.Context(), f)
	if err != nil {
		return nil, err
	}
	pg = pg.Normalize()
	return ListResponse[*anbao.AuditEntry]{Items: list.Items, Total: list.Total, Limit: pg.Limit, Offset: pg.Offset}, nil
}

func (s *Server) apiVerifyAudit(w http.ResponseWriter, r *http.Request) (any, error) {
	return s.store.VerifyAudit(r.Context())
}

func sortActions(as []anbao.Action) {
	for i := 1; i < len(as); i++ {
		for j := i; j > 0 && strings.Compare(string(as[j-1]), string(as[j])) > 0; j-- {
			as[j-1], as[j] = as[j], as[j-1]
		}
	}
}
