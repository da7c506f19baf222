package server

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/anbao/anbao/store"
	"github.com/anbao/anbao/store/storetest"
)

// The OpenAPI document lists exactly the registered API routes, each once, with
// its path parameters declared and a response for its success status.
func TestOpenAPIInStepWithRoutes(t *testing.T) {
	e := newTestEnv(t, storetest.Open(t, store.SQLite), 30)
	rec := e.raw("GET", "/api/openapi.json", "", nil)
	if rec.Code != 200 {
		t.Fatalf("status %d", rec.Code)
	}
	var doc struct {
		OpenAPI string                                       `json:"openapi"`
		Paths   map[string]map[string]map[string]any         `json:"paths"`
		Comps   struct{ Schemas map[string]json.RawMessage } `json:"components"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi = %q", doc.OpenAPI)
	}
	ops := 0
	for _, item := range doc.Paths {
		ops += len(item)
	}
	if ops != len(e.srv.routes) {
		t.Errorf("document has %d operations, server has %d routes", ops, len(e.srv.routes))
	}
	ids := map[string]bool{}
	for _, rt := range e.srv.routes {
		op, ok := doc.Paths[rt.Path][strings.ToLower(rt.Method)]
		if !ok {
			t.Errorf("%s %s missing from the document", rt.Method, rt.Path)
			continue
		}
		id, _ := op["operationId"].(string)
		if id == "" || ids[id] {
			t.Errorf("%s %s: operationId %q empty or repeated", rt.Method, rt.Path, id)
		}
		ids[id] = true
		declared := map[string]bool{}
		params, _ := op["parameters"].([]any)
		for _, p := range params {
			pm := p.(map[string]any)
			if pm["in"] == "path" {
				declared[pm["name"].(string)] = true
			}
		}
		for _, m := range regexp.MustCompile(`\{([a-z_]+)\}`).FindAllStringSubmatch(rt.Path, -1) {
			if !declared[m[1]] {
				t.Errorf("%s %s: path parameter %s undeclared", rt.Method, rt.Path, m[1])
			}
		}
		resp := op["responses"].(map[string]any)
		if _, ok := resp[http.StatusText(rt.Status)]; !ok {
			if _, ok := resp[itoa(rt.Status)]; !ok {
				t.Errorf("%s %s: no %d response", rt.Method, rt.Path, rt.Status)
			}
		}
	}
	for _, name := range []string{"Organisation", "ErrorBody", "ListResponseOfOrganisation", "AuditEntry"} {
		if _, ok := doc.Comps.Schemas[name]; !ok {
			t.Errorf("schema %s missing", name)
		}
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// Errors carry a machine code and a message in the caller's language.
func TestErrorsInCallersLanguage(t *testing.T) {
	e := newTestEnv(t, storetest.Open(t, store.SQLite), 30)
	cases := []struct {
		hdr  map[string]string
		path string
		want string
	}{
		{nil, "/api/v1/me", "请先登录"},
		{map[string]string{"Accept-Language": "en-GB,en;q=0.9"}, "/api/v1/me", "Please log in"},
		{nil, "/api/v1/me?lang=en", "Please log in"},
		{map[string]string{"Cookie": langCookie + "=en"}, "/api/v1/me", "Please log in"},
		{map[string]string{"Accept-Language": "en"}, "/api/v1/reference/uscc/91110108MA0000007", "18 characters"},
		{nil, "/api/v1/reference/uscc/9111010SMA00000070", "第 8 位"},
	}
	for _, c := range cases {
		rec := e.raw("GET", c.path, "", c.hdr)
		body := decodeBody[ErrorBody](t, rec)
		if rec.Code < 400 || body.Code == "" || !strings.Contains(body.Message, c.want) {
			t.Errorf("%s %v: %d %+v, want message containing %q", c.path, c.hdr, rec.Code, body, c.want)
		}
	}
}

// Bad bodies get specific errors and write nothing.
func TestBadInputWritesNothing(t *testing.T) {
	e := newTestEnv(t, storetest.Open(t, store.SQLite), 300)
	e.srv.cfg.MaxBodyBytes = 4096
	big := `{"name_zh":"` + strings.Repeat("大", 3000) + `"}`
	cases := []struct {
		name, method, path, body string
		status                   int
		code, field              string
	}{
		{"malformed JSON", "POST", "/api/v1/organisations", `{"kind":`, 400, "invalid", ""},
		{"trailing data", "POST", "/api/v1/organisations", `{} {}`, 400, "invalid", ""},
		{"unknown field", "POST", "/api/v1/organisations", `{"kind":"enterprise","colour":"red"}`, 400, "invalid", ""},
		{"wrong type", "POST", "/api/v1/organisations", `{"kind":5}`, 400, "invalid", "kind"},
		{"empty body", "POST", "/api/v1/organisations", ``, 400, "invalid", ""},
		{"oversized", "POST", "/api/v1/organisations", big, 413, "too_large", ""},
		{"bad uscc", "POST", "/api/v1/organisations", `{"kind":"insurer","name_zh":"测试保险","uscc":"91110108MA00000071","jurisdiction":"11"}`, 400, "invalid", "uscc"},
		{"bad jurisdiction", "POST", "/api/v1/organisations", `{"kind":"insurer","name_zh":"测试保险","uscc":"91110108MA00000070","jurisdiction":"99"}`, 400, "invalid", "jurisdiction"},
		{"duplicate uscc", "POST", "/api/v1/organisations", `{"kind":"insurer","name_zh":"测试保险","uscc":"{ent1_uscc}","jurisdiction":"11"}`, 409, "conflict", ""},
		{"bad limit", "GET", "/api/v1/organisations?limit=0", ``, 400, "invalid", "limit"},
		{"bad cii", "GET", "/api/v1/enterprises?cii=maybe", ``, 400, "invalid", "cii"},
		{"bad size", "GET", "/api/v1/enterprises?size=huge", ``, 400, "invalid", "size"},
		{"bad id", "GET", "/api/v1/organisations/abc", ``, 404, "not_found", ""},
		{"bad since", "GET", "/api/v1/audit?since=yesterday", ``, 400, "invalid", "since"},
		{"bad decision", "POST", "/api/v1/organisations/{ent1}/decision", `{"decision":"maybe"}`, 400, "invalid", "decision"},
		{"bad token ttl", "POST", "/api/v1/tokens", `{"name":"ci","scopes":["read"],"expires_in_days":400}`, 400, "invalid", "expires_in_days"},
	}
	f := e.fixtures()
	for _, c := range cases {
		path := strings.ReplaceAll(c.path, "{ent1}", f.vals["ent1"])
		body := strings.ReplaceAll(c.body, "{ent1_uscc}", f.vals["ent1_uscc"])
		e.login("op.admin")
		head := e.auditHead()
		rec := e.as("op.admin", c.method, path, body)
		got := decodeBody[ErrorBody](t, rec)
		if rec.Code != c.status || got.Code != c.code || (c.field != "" && got.Field != c.field) || got.Message == "" {
			t.Errorf("%s: %d %+v, want %d %s field %q", c.name, rec.Code, got, c.status, c.code, c.field)
		}
		if e.auditHead() != head {
			t.Errorf("%s: the audit log grew", c.name)
		}
	}
}

// A cookie-authenticated write needs the CSRF token; a cross-site browser request is refused.
func TestCSRF(t *testing.T) {
	e := newTestEnv(t, storetest.Open(t, store.SQLite), 30)
	s := e.login("ent1.admin")
	body := `{"display_name":"改名"}`
	rec := e.raw("PATCH", "/api/v1/me", body, map[string]string{"Cookie": sessionCookie + "=" + s.cookie})
	if rec.Code != 403 || !strings.Contains(rec.Body.String(), "csrf") && !strings.Contains(rec.Body.String(), "表单") {
		t.Errorf("no token: %d %s", rec.Code, rec.Body)
	}
	rec = e.raw("PATCH", "/api/v1/me", body, map[string]string{"Cookie": sessionCookie + "=" + s.cookie, "X-CSRF-Token": "wrong"})
	if rec.Code != 403 {
		t.Errorf("wrong token: %d", rec.Code)
	}
	rec = e.raw("PATCH", "/api/v1/me", body, map[string]string{"Cookie": sessionCookie + "=" + s.cookie, "X-CSRF-Token": s.csrf,
		"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"})
	if rec.Code != 403 {
		t.Errorf("cross-site: %d", rec.Code)
	}
	rec = e.raw("PATCH", "/api/v1/me", body, map[string]string{"Cookie": sessionCookie + "=" + s.cookie, "X-CSRF-Token": s.csrf})
	if rec.Code != 200 {
		t.Errorf("with token: %d %s", rec.Code, rec.Body)
	}
}

// API tokens: shown once, scoped, revocable; a read token cannot write.
func TestTokens(t *testing.T) {
	e := newTestEnv(t, storetest.Open(t, store.SQLite), 30)
	created := decodeBody[TokenCreated](t, e.as("ent1.admin", "POST", "/api/v1/tokens", `{"name":"ci","scopes":["read"],"expires_in_days":30}`))
	bearer := map[string]string{"Authorization": "Bearer " + created.Token}
	if rec := e.raw("GET", "/api/v1/me", "", bearer); rec.Code != 200 {
		t.Fatalf("read with token: %d", rec.Code)
	}
	if rec := e.raw("PATCH", "/api/v1/organisations/"+e.userOrg("ent1.admin"), `{"name_en":"X"}`, bearer); rec.Code != 403 {
		t.Errorf("write with read token: %d", rec.Code)
	}
	if rec := e.raw("POST", "/api/v1/tokens", `{"name":"again","scopes":["write"],"expires_in_days":1}`, bearer); rec.Code != 403 {
		t.Errorf("token minting a token: %d", rec.Code)
	}
	list := e.as("ent1.admin", "GET", "/api/v1/tokens", "")
	if strings.Contains(list.Body.String(), created.Token) {
		t.Error("token list shows the secret")
	}
	if rec := e.as("ent1.admin", "DELETE", "/api/v1/tokens/"+itoa(int(created.Detail.ID)), ""); rec.Code != 204 {
		t.Fatalf("revoke: %d", rec.Code)
	}
	rec := e.raw("GET", "/api/v1/me", "", bearer)
	if rec.Code != 401 || !strings.Contains(rec.Body.String(), "token_revoked") && !strings.Contains(rec.Body.String(), "撤销") {
		t.Errorf("revoked token: %d %s", rec.Code, rec.Body)
	}
	if rec := e.raw("GET", "/api/v1/me", "", map[string]string{"Authorization": "Bearer anb_nonsense"}); rec.Code != 401 {
		t.Errorf("unknown token: %d", rec.Code)
	}
	if rec := e.raw("GET", "/api/v1/me", "", map[string]string{"Authorization": "Basic Zm9vOmJhcg=="}); rec.Code != 401 {
		t.Errorf("basic auth: %d", rec.Code)
	}
}

// A POST retried with the same Idempotency-Key has one effect; reusing the key
// for another body is refused.
func TestIdempotencyKey(t *testing.T) {
	e := newTestEnv(t, storetest.Open(t, store.SQLite), 30)
	s := e.login("op.admin")
	hdr := map[string]string{"Cookie": sessionCookie + "=" + s.cookie, "X-CSRF-Token": s.csrf, "Idempotency-Key": "create-ins-1"}
	body := `{"kind":"insurer","name_zh":"幂等测试财产保险股份有限公司","uscc":"91110108MA00000070","jurisdiction":"11"}`
	head := e.auditHead()
	first := e.raw("POST", "/api/v1/organisations", body, hdr)
	if first.Code != 201 {
		t.Fatalf("first: %d %s", first.Code, first.Body)
	}
	second := e.raw("POST", "/api/v1/organisations", body, hdr)
	if second.Code != 201 || second.Body.String() != first.Body.String() || second.Header().Get("Idempotent-Replayed") != "true" {
		t.Errorf("replay: %d %s", second.Code, second.Body)
	}
	if got := e.auditHead(); got != head+1 {
		t.Errorf("audit grew by %d, want 1", got-head)
	}
	other := e.raw("POST", "/api/v1/organisations", strings.Replace(body, "幂等测试", "另一个", 1), hdr)
	if other.Code != 422 {
		t.Errorf("reused key: %d %s", other.Code, other.Body)
	}
	hdr["Idempotency-Key"] = "bad key with spaces"
	if rec := e.raw("POST", "/api/v1/organisations", body, hdr); rec.Code != 400 {
		t.Errorf("invalid key: %d", rec.Code)
	}
	// A failed request is remembered too: the retry gets the same error without running again.
	hdr["Idempotency-Key"] = "dup"
	a := e.raw("POST", "/api/v1/organisations", body, hdr)
	b := e.raw("POST", "/api/v1/organisations", body, hdr)
	if a.Code != 409 || b.Code != 409 || b.Header().Get("Idempotent-Replayed") != "true" {
		t.Errorf("conflict replay: %d %d", a.Code, b.Code)
	}
}

// Operational endpoints answer without a login.
func TestOperationalEndpoints(t *testing.T) {
	e := newTestEnv(t, storetest.Open(t, store.SQLite), 30)
	e.as("reg32.admin", "GET", "/api/v1/enterprises", "")
	for path, want := range map[string]string{"/healthz": "ok", "/readyz": "ready",
		"/metrics": `anbao_http_requests_total{route="GET /api/v1/enterprises",method="GET",status="2xx"} 1`} {
		rec := e.raw("GET", path, "", nil)
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), want) {
			t.Errorf("%s: %d %s", path, rec.Code, rec.Body)
		}
	}
	rec := e.raw("GET", "/metrics", "", nil)
	for _, want := range []string{"anbao_http_request_duration_seconds_bucket", "anbao_db_connections{pool=\"read\",state=\"open\"}", "anbao_go_goroutines"} {
		if !strings.Contains(rec.Body.String(), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if id := rec.Header().Get("X-Request-ID"); len(id) != 16 {
		t.Errorf("request id %q", id)
	}
}
