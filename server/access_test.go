package server

import (
	"fmt"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/anbao/anbao/store"
	"github.com/anbao/anbao/store/storetest"
)

// The access-control matrix: every API operation, called by every kind of
// principal, on its own records and on another tenant's. Each case states the
// status every role must get; a marker string, where given, must appear in the
// body for exactly the roles in see. Roles are demo users; "reg" is the
// regulator of ent1's jurisdiction and "regx" the regulator of a foreign
// enterprise's jurisdiction. A new endpoint must join this table: the test
// fails for any route with no case.

var matrixRoles = []string{"anon", "op.admin", "op.auditor", "op.expert", "miit.admin", "reg.admin", "reg.analyst",
	"regx.admin", "ins1.admin", "ins1.uw", "ins1.claims", "prov1.admin", "prov1.analyst", "ent1.admin", "ent1.member"}

type matrixCase struct {
	route  string // "METHOD pattern" as registered
	path   string // with {placeholders}
	body   string
	want   map[string]int // role → status; "*" for the rest
	marker string         // optional text that must appear for exactly the roles in see
	see    []string
	fresh  bool // use a throwaway session (logout)
	// relogin drops every cached session after each call: role changes end sessions.
	relogin bool
}

// fixtures are the ids the matrix needs, looked up in the loaded demo.
type fixtures struct {
	vals  map[string]string
	users map[string]string // alias → real username
}

func (e *testEnv) fixtures() *fixtures {
	t := e.t
	db := e.st.RawDB()
	one := func(q string, args ...any) string {
		var v string
		if err := db.QueryRow(q, args...).Scan(&v); err != nil {
			t.Fatalf("fixture %s: %v", q, err)
		}
		return v
	}
	f := &fixtures{vals: map[string]string{}, users: map[string]string{}}
	userOrg := func(u string) string { return one("SELECT CAST(org_id AS TEXT) FROM users WHERE username = $1", u) }
	f.vals["ent1"] = userOrg("ent1.admin")
	f.vals["ins1"] = userOrg("ins1.admin")
	f.vals["prov1"] = userOrg("prov1.admin")
	f.vals["ins2"] = userOrg("ins2.admin")
	jur := one("SELECT jurisdiction FROM organisations WHERE id = $1", f.vals["ent1"])
	unrelated := `kind = 'enterprise' AND status = 'active' AND id NOT IN
		(SELECT enterprise_id FROM relationships WHERE party_org_id IN ($1, $2))`
	f.vals["foreign_ent"] = one("SELECT CAST(MIN(id) AS TEXT) FROM organisations WHERE "+unrelated+" AND jurisdiction <> $3",
		f.vals["ins1"], f.vals["prov1"], jur)
	f.vals["foreign_uscc"] = one("SELECT uscc FROM organisations WHERE id = $1", f.vals["foreign_ent"])
	xjur := one("SELECT jurisdiction FROM organisations WHERE id = $1", f.vals["foreign_ent"])
	f.vals["foreign_jur"] = xjur
	for _, k := range []string{"ent1", "foreign_ent"} {
		id, _ := strconv.ParseInt(f.vals[k], 10, 64)
		rec, err := e.st.CurrentScore(sysCtx(), id)
		if err != nil {
			t.Fatalf("fixture score of %s: %v", k, err)
		}
		f.vals[k+"_score"] = strconv.FormatInt(rec.ID, 10)
	}
	f.vals["pending"] = one("SELECT CAST(MIN(id) AS TEXT) FROM organisations WHERE status = 'pending'")
	f.vals["ent1_admin_user"] = one("SELECT CAST(id AS TEXT) FROM users WHERE username = 'ent1.admin'")
	f.vals["ent1_uscc"] = one("SELECT uscc FROM organisations WHERE id = $1", f.vals["ent1"])
	f.users["reg.admin"] = "reg" + jur + ".admin"
	f.users["reg.analyst"] = "reg" + jur + ".analyst"
	f.users["regx.admin"] = "reg" + xjur + ".admin"
	return f
}

func (f *fixtures) username(role string) string {
	if u, ok := f.users[role]; ok {
		return u
	}
	if role == "anon" {
		return ""
	}
	return role
}

func matrixCases() []matrixCase {
	all := func(status int) map[string]int { return map[string]int{"anon": 401, "*": status} }
	only := func(status, other int, roles ...string) map[string]int {
		m := map[string]int{"anon": 401, "*": other}
		for _, r := range roles {
			m[r] = status
		}
		return m
	}
	with := func(m map[string]int, kv ...any) map[string]int {
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1].(int)
		}
		return m
	}
	admins := []string{"op.admin", "miit.admin", "reg.admin", "regx.admin", "ins1.admin", "prov1.admin", "ent1.admin"}
	userReaders := append([]string{"op.auditor"}, admins...)
	seeEnt1 := []string{"op.admin", "op.auditor", "miit.admin", "reg.admin", "reg.analyst", "ins1.admin", "ins1.uw",
		"ins1.claims", "prov1.admin", "prov1.analyst", "ent1.admin", "ent1.member"}
	seeForeign := []string{"op.admin", "op.auditor", "miit.admin", "regx.admin"}
	visible := func(roles []string) map[string]int { return only(200, 404, roles...) }
	public := map[string]int{"*": 200}

	readEnt1 := with(visible(seeEnt1), "op.expert", 403)
	readForeign := with(visible(seeForeign), "op.expert", 403)
	readNone := with(all(404), "op.expert", 403)
	entUsers := []string{"ent1.admin", "ent1.member"}
	asmSee1 := []string{"op.admin", "op.auditor", "ins1.admin", "ins1.uw", "prov1.admin", "prov1.analyst", "ent1.admin", "ent1.member"}
	asmRead1 := only(200, 403, asmSee1...)
	asmSeeForeign := []string{"op.admin", "op.auditor"}
	asmReadForeign := with(only(200, 403, asmSeeForeign...), "ins1.admin", 404, "ins1.uw", 404, "prov1.admin", 404, "prov1.analyst", 404,
		"ent1.admin", 404, "ent1.member", 404)
	writeEnt1 := func(status int) map[string]int { return only(status, 403, entUsers...) }
	writeForeign := only(404, 403, entUsers...)
	rp := func(path string) string { return "/api/v1/enterprises/" + path }
	rpCases := []matrixCase{
		{route: "GET /api/v1/enterprises/{id}/mlps-systems", path: rp("{ent1}/mlps-systems"), want: readEnt1, marker: "矩阵定级系统", see: seeEnt1},
		{route: "GET /api/v1/enterprises/{id}/mlps-systems", path: rp("{foreign_ent}/mlps-systems"), want: readForeign, marker: "外部定级系统", see: seeForeign},
		{route: "GET /api/v1/enterprises/{id}/mlps-systems", path: rp("{ins2}/mlps-systems"), want: readNone},
		{route: "POST /api/v1/enterprises/{id}/mlps-systems", path: rp("{ent1}/mlps-systems"), body: `{"name":"矩阵","level":9}`, want: writeEnt1(400)},
		{route: "POST /api/v1/enterprises/{id}/mlps-systems", path: rp("{foreign_ent}/mlps-systems"), body: `{"name":"矩阵","level":9}`, want: writeForeign},
		{route: "GET /api/v1/enterprises/{id}/mlps-systems/{system_id}", path: rp("{ent1}/mlps-systems/{ent1_mlps}"), want: readEnt1},
		{route: "GET /api/v1/enterprises/{id}/mlps-systems/{system_id}", path: rp("{foreign_ent}/mlps-systems/{foreign_mlps}"), want: readForeign},
		{route: "GET /api/v1/enterprises/{id}/mlps-systems/{system_id}", path: rp("{ent1}/mlps-systems/{foreign_mlps}"), want: readNone},
		{route: "PUT /api/v1/enterprises/{id}/mlps-systems/{system_id}", path: rp("{ent1}/mlps-systems/{ent1_mlps}"),
			body: `{"name":"矩阵定级系统","level":3}`, want: writeEnt1(200)},
		{route: "PUT /api/v1/enterprises/{id}/mlps-systems/{system_id}", path: rp("{foreign_ent}/mlps-systems/{foreign_mlps}"),
			body: `{"name":"矩阵","level":2}`, want: writeForeign},
		{route: "DELETE /api/v1/enterprises/{id}/mlps-systems/{system_id}", path: rp("{ent1}/mlps-systems/{ent1_mlps}?version=999"), want: writeEnt1(409)},
		{route: "DELETE /api/v1/enterprises/{id}/mlps-systems/{system_id}", path: rp("{foreign_ent}/mlps-systems/{foreign_mlps}"), want: writeForeign},
		{route: "DELETE /api/v1/enterprises/{id}/mlps-systems/{system_id}", path: rp("{ent1}/mlps-systems/{foreign_mlps}"), want: writeEnt1(404)},

		{route: "GET /api/v1/enterprises/{id}/assets", path: rp("{ent1}/assets"), want: readEnt1, marker: `"value":"198.51.100.21"`, see: seeEnt1},
		{route: "GET /api/v1/enterprises/{id}/assets", path: rp("{foreign_ent}/assets?kind=ip"), want: readForeign, marker: `"value":"198.51.100.22"`, see: seeForeign},
		{route: "GET /api/v1/enterprises/{id}/assets", path: rp("{ent1}/assets?kind=printer"), want: with(only(400, 404, seeEnt1...), "op.expert", 403)},
		{route: "POST /api/v1/enterprises/{id}/assets", path: rp("{ent1}/assets"), body: `{"kind":"ip","value":"999.0.0.1"}`, want: writeEnt1(400)},
		{route: "POST /api/v1/enterprises/{id}/assets", path: rp("{foreign_ent}/assets"), body: `{"kind":"ip","value":"192.0.2.1"}`, want: writeForeign},
		{route: "POST /api/v1/enterprises/{id}/assets/import", path: rp("{ent1}/assets/import?dry_run=true"), body: `[{"kind":"ip","value":"192.0.2.77"}]`,
			want: writeEnt1(200), marker: `"status":"created"`, see: entUsers},
		{route: "POST /api/v1/enterprises/{id}/assets/import", path: rp("{foreign_ent}/assets/import?dry_run=true"), body: `[{"kind":"ip","value":"192.0.2.77"}]`, want: writeForeign},
		{route: "GET /api/v1/enterprises/{id}/assets/{asset_id}", path: rp("{ent1}/assets/{ent1_asset}"), want: readEnt1},
		{route: "GET /api/v1/enterprises/{id}/assets/{asset_id}", path: rp("{foreign_ent}/assets/{foreign_asset}"), want: readForeign},
		{route: "GET /api/v1/enterprises/{id}/assets/{asset_id}", path: rp("{ent1}/assets/{foreign_asset}"), want: readNone},
		{route: "PUT /api/v1/enterprises/{id}/assets/{asset_id}", path: rp("{ent1}/assets/{ent1_asset}"),
			body: `{"kind":"ip","value":"198.51.100.21","note":"矩阵"}`, want: writeEnt1(200)},
		{route: "PUT /api/v1/enterprises/{id}/assets/{asset_id}", path: rp("{foreign_ent}/assets/{foreign_asset}"), body: `{"kind":"ip","value":"192.0.2.1"}`, want: writeForeign},
		{route: "DELETE /api/v1/enterprises/{id}/assets/{asset_id}", path: rp("{ent1}/assets/{ent1_asset}?version=999"), want: writeEnt1(409)},
		{route: "DELETE /api/v1/enterprises/{id}/assets/{asset_id}", path: rp("{foreign_ent}/assets/{foreign_asset}"), want: writeForeign},

		{route: "GET /api/v1/enterprises/{id}/dependencies", path: rp("{ent1}/dependencies"), want: readEnt1, marker: "矩阵云", see: seeEnt1},
		{route: "GET /api/v1/enterprises/{id}/dependencies", path: rp("{foreign_ent}/dependencies"), want: readForeign, marker: "外部云", see: seeForeign},
		{route: "POST /api/v1/enterprises/{id}/dependencies", path: rp("{ent1}/dependencies"), body: `{"kind":"bank","name":"矩阵"}`, want: writeEnt1(400)},
		{route: "POST /api/v1/enterprises/{id}/dependencies", path: rp("{foreign_ent}/dependencies"), body: `{"kind":"it_outsourcer","name":"矩阵"}`, want: writeForeign},
		{route: "GET /api/v1/enterprises/{id}/dependencies/{dependency_id}", path: rp("{ent1}/dependencies/{ent1_dep}"), want: readEnt1},
		{route: "GET /api/v1/enterprises/{id}/dependencies/{dependency_id}", path: rp("{foreign_ent}/dependencies/{foreign_dep}"), want: readForeign},
		{route: "GET /api/v1/enterprises/{id}/dependencies/{dependency_id}", path: rp("{ent1}/dependencies/{foreign_dep}"), want: readNone},
		{route: "PUT /api/v1/enterprises/{id}/dependencies/{dependency_id}", path: rp("{ent1}/dependencies/{ent1_dep}"),
			body: `{"kind":"cloud_provider","name":"矩阵云","service":"对象存储","critical":true}`, want: writeEnt1(200)},
		{route: "PUT /api/v1/enterprises/{id}/dependencies/{dependency_id}", path: rp("{foreign_ent}/dependencies/{foreign_dep}"),
			body: `{"kind":"cloud_provider","name":"矩阵云"}`, want: writeForeign},
		{route: "DELETE /api/v1/enterprises/{id}/dependencies/{dependency_id}", path: rp("{ent1}/dependencies/{ent1_dep}?version=999"), want: writeEnt1(409)},
		{route: "DELETE /api/v1/enterprises/{id}/dependencies/{dependency_id}", path: rp("{foreign_ent}/dependencies/{foreign_dep}"), want: writeForeign},

		{route: "GET /api/v1/enterprises/{id}/data-holdings", path: rp("{ent1}/data-holdings"), want: readEnt1, marker: `"pi_records":"100k_1m"`, see: seeEnt1},
		{route: "GET /api/v1/enterprises/{id}/data-holdings", path: rp("{foreign_ent}/data-holdings"), want: readForeign},
		{route: "GET /api/v1/enterprises/{id}/data-holdings", path: rp("{ins2}/data-holdings"), want: readNone},
		{route: "PUT /api/v1/enterprises/{id}/data-holdings", path: rp("{ent1}/data-holdings"),
			body: `{"pi_records":"100k_1m","sensitive_pi":true,"rto_hours":24}`, want: writeEnt1(200)},
		{route: "PUT /api/v1/enterprises/{id}/data-holdings", path: rp("{ent1}/data-holdings"), body: `{"pi_records":"none","sensitive_pi":true}`, want: writeEnt1(400)},
		{route: "PUT /api/v1/enterprises/{id}/data-holdings", path: rp("{foreign_ent}/data-holdings"), body: `{"pi_records":"none"}`, want: writeForeign},
	}

	return append([]matrixCase{
		{route: "GET /api/v1/reference/jurisdictions", path: "/api/v1/reference/jurisdictions", want: public, marker: `"4403"`, see: matrixRoles},
		{route: "GET /api/v1/reference/industries", path: "/api/v1/reference/industries", want: public},
		{route: "GET /api/v1/reference/uscc/{code}", path: "/api/v1/reference/uscc/{ent1_uscc}", want: public},
		{route: "POST /api/v1/registrations", path: "/api/v1/registrations", body: `{}`, want: map[string]int{"*": 400}},
		{route: "POST /api/v1/sessions", path: "/api/v1/sessions", body: `{"username":"nobody","password":"wrong-password"}`, want: map[string]int{"*": 401}},
		{route: "POST /api/v1/sessions/totp", path: "/api/v1/sessions/totp", body: `{"code":"000000"}`, want: all(200)},
		{route: "DELETE /api/v1/sessions/current", path: "/api/v1/sessions/current", want: map[string]int{"*": 204}, fresh: true},
		{route: "GET /api/v1/me", path: "/api/v1/me", want: all(200)},
		{route: "PATCH /api/v1/me", path: "/api/v1/me", body: `{"display_name":"矩阵测试"}`, want: all(200)},
		{route: "POST /api/v1/me/password", path: "/api/v1/me/password", body: `{"current_password":"x","new_password":"short"}`, want: all(400)},
		{route: "POST /api/v1/me/totp", path: "/api/v1/me/totp", want: all(200)},
		{route: "POST /api/v1/me/totp/confirm", path: "/api/v1/me/totp/confirm", body: `{"code":"abc"}`, want: all(400)},
		{route: "GET /api/v1/tokens", path: "/api/v1/tokens", want: all(200)},
		{route: "POST /api/v1/tokens", path: "/api/v1/tokens", body: `{"name":"matrix","scopes":["read"],"expires_in_days":1}`, want: all(201)},
		{route: "DELETE /api/v1/tokens/{id}", path: "/api/v1/tokens/{ins1_token}", want: only(204, 404, "ins1.admin")},

		{route: "GET /api/v1/organisations", path: "/api/v1/organisations?q={foreign_uscc}", want: all(200), marker: "{foreign_uscc}", see: seeForeign},
		{route: "GET /api/v1/organisations", path: "/api/v1/organisations?q={ent1_uscc}", want: all(200), marker: "{ent1_uscc}", see: seeEnt1},
		{route: "POST /api/v1/organisations", path: "/api/v1/organisations", body: `{"kind":"enterprise"}`, want: only(400, 403, "op.admin")},
		{route: "GET /api/v1/organisations/{id}", path: "/api/v1/organisations/{ent1}", want: visible(seeEnt1)},
		{route: "GET /api/v1/organisations/{id}", path: "/api/v1/organisations/{foreign_ent}", want: visible(seeForeign)},
		{route: "GET /api/v1/organisations/{id}", path: "/api/v1/organisations/{ins2}", want: all(200)},
		{route: "GET /api/v1/organisations/{id}", path: "/api/v1/organisations/{pending}", want: visible([]string{"op.admin", "op.auditor"})},
		{route: "GET /api/v1/organisations/{id}", path: "/api/v1/organisations/999999", want: all(404)},
		{route: "PATCH /api/v1/organisations/{id}", path: "/api/v1/organisations/{own_org}", body: `{"name_en":"Matrix Org"}`, want: only(200, 403, admins...)},
		{route: "PATCH /api/v1/organisations/{id}", path: "/api/v1/organisations/{ent1}", body: `{"name_en":"Matrix Ent"}`,
			want: with(only(200, 403, "op.admin", "ent1.admin"), "regx.admin", 404)},
		{route: "PATCH /api/v1/organisations/{id}", path: "/api/v1/organisations/{foreign_ent}", body: `{"name_en":"Matrix Foreign"}`,
			want: with(only(200, 403, "op.admin"), "reg.admin", 404, "ins1.admin", 404, "prov1.admin", 404, "ent1.admin", 404)},
		{route: "POST /api/v1/organisations/{id}/decision", path: "/api/v1/organisations/{pending}/decision", body: `{"decision":"bogus"}`, want: only(400, 403, "op.admin")},
		{route: "GET /api/v1/organisations/{id}/users", path: "/api/v1/organisations/{own_org}/users", want: only(200, 403, userReaders...)},
		{route: "GET /api/v1/organisations/{id}/users", path: "/api/v1/organisations/{ent1}/users",
			want: with(only(200, 403, "op.admin", "op.auditor", "ent1.admin"), "regx.admin", 404)},
		{route: "POST /api/v1/organisations/{id}/users", path: "/api/v1/organisations/{own_org}/users", body: `{"username":"x"}`, want: only(400, 403, admins...)},
		{route: "POST /api/v1/organisations/{id}/users", path: "/api/v1/organisations/{ent1}/users", body: `{"username":"x"}`,
			want: with(only(400, 403, "op.admin", "ent1.admin"), "regx.admin", 404)},
		{route: "GET /api/v1/users/{id}", path: "/api/v1/users/{ent1_admin_user}", want: only(200, 404, "op.admin", "op.auditor", "ent1.admin")},
		{route: "PATCH /api/v1/users/{id}", path: "/api/v1/users/{ent1_admin_user}", body: `{"display_name":"矩阵"}`,
			want: with(only(200, 404, "op.admin", "ent1.admin"), "op.auditor", 403)},
		{route: "PATCH /api/v1/users/{id}", path: "/api/v1/users/{ent1_admin_user}", body: `{"roles":["admin","member"]}`,
			want: with(only(200, 404, "op.admin"), "op.auditor", 403, "ent1.admin", 403), relogin: true},
		{route: "POST /api/v1/relationships", path: "/api/v1/relationships", body: `{"party_id":{ins2},"enterprise_id":{foreign_ent},"kind":"bogus"}`, want: only(400, 403, "op.admin")},

		{route: "GET /api/v1/enterprises", path: "/api/v1/enterprises?q={foreign_uscc}", want: with(all(200), "op.expert", 403), marker: "{foreign_uscc}", see: seeForeign},
		{route: "GET /api/v1/enterprises", path: "/api/v1/enterprises?q={ent1_uscc}", want: with(all(200), "op.expert", 403), marker: "{ent1_uscc}", see: seeEnt1},
		{route: "GET /api/v1/enterprises/{id}", path: "/api/v1/enterprises/{ent1}", want: visible(seeEnt1)},
		{route: "GET /api/v1/enterprises/{id}", path: "/api/v1/enterprises/{foreign_ent}", want: visible(seeForeign)},
		{route: "GET /api/v1/enterprises/{id}", path: "/api/v1/enterprises/{ins2}", want: all(404)},

		{route: "POST /api/v1/quant/simulate", path: "/api/v1/quant/simulate", want: all(200), marker: `"mean":`, see: matrixRoles[1:],
			body: `{"model":{"scenarios":[{"id":"a","frequency":0.5,"magnitude":{"dist":"lognormal","low":1000,"high":100000}}]},"trials":1000}`},
		{route: "POST /api/v1/quant/simulate", path: "/api/v1/quant/simulate", body: `{"model_yaml":"scenarios: [\n"}`, want: all(400)},
		{route: "GET /api/v1/quant/controls", path: "/api/v1/quant/controls", want: all(200)},
		{route: "GET /api/v1/quant/library", path: "/api/v1/quant/library?enterprise={ent1}", want: visible(seeEnt1), marker: `"model_yaml"`, see: seeEnt1},
		{route: "GET /api/v1/quant/library", path: "/api/v1/quant/library?enterprise={foreign_ent}", want: visible(seeForeign), marker: `"model_yaml"`, see: seeForeign},
		{route: "GET /api/v1/quant/library", path: "/api/v1/quant/library?enterprise={ins2}", want: all(404)},
		{route: "GET /api/v1/quant/library", path: "/api/v1/quant/library?enterprise={ent1}&controls=telepathy",
			want: with(only(400, 404, seeEnt1...), "anon", 401)},

		// Sharing: only the enterprise and the operator list it; only the enterprise's admin changes it.
		{route: "GET /api/v1/enterprises/{id}/shares", path: rp("{ent1}/shares"), marker: `"insurer_id":{ins1}`,
			see:  []string{"op.admin", "op.auditor", "ent1.admin", "ent1.member"},
			want: with(only(200, 403, "op.admin", "op.auditor", "ent1.admin", "ent1.member"), "ins1.admin", 404, "ins1.uw", 404, "prov1.admin", 404, "prov1.analyst", 404)},
		{route: "GET /api/v1/enterprises/{id}/shares", path: rp("{foreign_ent}/shares"),
			want: with(only(200, 403, "op.admin", "op.auditor"), "ins1.admin", 404, "ins1.uw", 404, "prov1.admin", 404, "prov1.analyst", 404, "ent1.admin", 404, "ent1.member", 404)},
		{route: "POST /api/v1/enterprises/{id}/shares", path: rp("{ent1}/shares"), body: `{"insurer_id":{prov1}}`, want: only(400, 403, "ent1.admin")},
		{route: "POST /api/v1/enterprises/{id}/shares", path: rp("{foreign_ent}/shares"), body: `{"insurer_id":{ins2}}`, want: only(404, 403, "ent1.admin")},
		{route: "DELETE /api/v1/enterprises/{id}/shares/{insurer_id}", path: rp("{ent1}/shares/{prov1}"), want: only(404, 403, "ent1.admin")},
		{route: "DELETE /api/v1/enterprises/{id}/shares/{insurer_id}", path: rp("{foreign_ent}/shares/{ins1}"), want: only(404, 403, "ent1.admin")},

		// Aggregates: regulators in their own jurisdiction, national bodies and the operator anywhere.
		{route: "GET /api/v1/assessment/aggregates", path: "/api/v1/assessment/aggregates", marker: `"by_industry"`,
			see:  []string{"op.admin", "miit.admin", "reg.admin", "reg.analyst", "regx.admin"},
			want: only(200, 403, "op.admin", "miit.admin", "reg.admin", "reg.analyst", "regx.admin")},
		{route: "GET /api/v1/assessment/aggregates", path: "/api/v1/assessment/aggregates?jurisdiction={foreign_jur}",
			want: only(200, 403, "op.admin", "miit.admin", "regx.admin")},

		// Scores and expected loss: the assessment's readers (providers by engagement, insurers by sharing; no regulators).
		{route: "GET /api/v1/enterprises/{id}/score", path: rp("{ent1}/score"), want: asmRead1, marker: `"input_sha256"`, see: asmSee1},
		{route: "GET /api/v1/enterprises/{id}/score", path: rp("{foreign_ent}/score"), want: asmReadForeign, marker: `"input_sha256"`, see: asmSeeForeign},
		{route: "GET /api/v1/enterprises/{id}/score", path: rp("{ins2}/score"), want: with(only(404, 403, asmSee1...), "ins1.claims", 403)},
		{route: "GET /api/v1/enterprises/{id}/scores", path: rp("{ent1}/scores"), want: asmRead1, marker: `"methodology"`, see: asmSee1},
		{route: "GET /api/v1/enterprises/{id}/scores", path: rp("{foreign_ent}/scores"), want: asmReadForeign},
		{route: "GET /api/v1/enterprises/{id}/scores/{score_id}", path: rp("{ent1}/scores/{ent1_score}"), want: asmRead1, marker: `"input"`, see: asmSee1},
		{route: "GET /api/v1/enterprises/{id}/scores/{score_id}", path: rp("{ent1}/scores/{foreign_ent_score}"), want: only(404, 403, asmSee1...)},
		{route: "GET /api/v1/enterprises/{id}/scores/{score_id}", path: rp("{foreign_ent}/scores/{foreign_ent_score}"), want: asmReadForeign},
		{route: "GET /api/v1/enterprises/{id}/scores/{score_id}/reproduce", path: rp("{ent1}/scores/{ent1_score}/reproduce"), want: asmRead1, marker: `"identical":true`, see: asmSee1},
		{route: "GET /api/v1/enterprises/{id}/scores/{score_id}/reproduce", path: rp("{foreign_ent}/scores/{foreign_ent_score}/reproduce"), want: asmReadForeign},
		{route: "GET /api/v1/enterprises/{id}/expected-loss", path: rp("{ent1}/expected-loss"), want: asmRead1, marker: `"what_if"`, see: asmSee1},
		{route: "GET /api/v1/enterprises/{id}/expected-loss", path: rp("{foreign_ent}/expected-loss"), want: asmReadForeign},
		{route: "POST /api/v1/scores/recompute", path: "/api/v1/scores/recompute", want: only(200, 403, "op.admin"), marker: `"enterprises"`, see: []string{"op.admin"}},
		{route: "GET /api/v1/score-methodologies", path: "/api/v1/score-methodologies", want: all(200), marker: `"score/2026.2"`, see: matrixRoles[1:]},
		{route: "GET /api/v1/score-methodologies/{version...}", path: "/api/v1/score-methodologies/score/2026.1", want: all(200), marker: `"rules"`, see: matrixRoles[1:]},
		{route: "GET /api/v1/score-methodologies/{version...}", path: "/api/v1/score-methodologies/score/1999.1", want: all(404)},

		// Vulnerability feeds: the operator's admin imports, everyone looks up.
		{route: "POST /api/v1/vulnfeeds/kev", path: "/api/v1/vulnfeeds/kev", body: `{"catalogVersion":`, want: only(400, 403, "op.admin")},
		{route: "POST /api/v1/vulnfeeds/epss", path: "/api/v1/vulnfeeds/epss", body: "cve,epss\n", want: only(400, 403, "op.admin")},
		{route: "GET /api/v1/vulnfeeds", path: "/api/v1/vulnfeeds", want: all(200)},
		{route: "GET /api/v1/vulnfeeds/cve/{cve}", path: "/api/v1/vulnfeeds/cve/CVE-2021-44228", want: all(404)},
		{route: "GET /api/v1/vulnfeeds/cve/{cve}", path: "/api/v1/vulnfeeds/cve/log4shell", want: all(400)},

		// The questionnaire: the assessment's readers read; the enterprise's users answer, its admin attests.
		{route: "GET /api/v1/questionnaire/banks", path: "/api/v1/questionnaire/banks", want: all(200), marker: `"2026.2"`, see: matrixRoles[1:]},
		{route: "GET /api/v1/questionnaire/banks/{version}", path: "/api/v1/questionnaire/banks/2026.1", want: all(200), marker: `"mfa_remote"`, see: matrixRoles[1:]},
		{route: "GET /api/v1/questionnaire/banks/{version}", path: "/api/v1/questionnaire/banks/1999.1", want: all(404)},
		{route: "GET /api/v1/enterprises/{id}/questionnaire", path: rp("{ent1}/questionnaire"), want: asmRead1, marker: `"bank_version"`, see: asmSee1},
		{route: "GET /api/v1/enterprises/{id}/questionnaire", path: rp("{foreign_ent}/questionnaire"), want: asmReadForeign},
		{route: "PUT /api/v1/enterprises/{id}/questionnaire/answers", path: rp("{ent1}/questionnaire/answers"),
			body: `{"bank_version":"2026.2","answers":{"edr":{"value":{"choice":"xdr"}}}}`, want: writeEnt1(400)},
		{route: "PUT /api/v1/enterprises/{id}/questionnaire/answers", path: rp("{foreign_ent}/questionnaire/answers"),
			body: `{"bank_version":"2026.2","answers":{"edr":{"value":{"choice":"edr"}}}}`, want: writeForeign},
		{route: "POST /api/v1/enterprises/{id}/questionnaire/attest", path: rp("{ent1}/questionnaire/attest"), body: `{"statement":""}`, want: only(400, 403, "ent1.admin")},
		{route: "POST /api/v1/enterprises/{id}/questionnaire/attest", path: rp("{foreign_ent}/questionnaire/attest"), body: `{"statement":"x"}`, want: only(404, 403, "ent1.admin")},
		{route: "GET /api/v1/enterprises/{id}/questionnaire/attestations", path: rp("{ent1}/questionnaire/attestations"), want: asmRead1},
		{route: "GET /api/v1/enterprises/{id}/questionnaire/attestations", path: rp("{foreign_ent}/questionnaire/attestations"), want: asmReadForeign},
		{route: "GET /api/v1/enterprises/{id}/questionnaire/attestations/{attestation_id}", path: rp("{ent1}/questionnaire/attestations/999999"),
			want: only(404, 403, asmSee1...)},
		{route: "POST /api/v1/enterprises/{id}/questionnaire/carry-forward", path: rp("{ent1}/questionnaire/carry-forward"), want: writeEnt1(409)},
		{route: "POST /api/v1/enterprises/{id}/questionnaire/carry-forward", path: rp("{foreign_ent}/questionnaire/carry-forward"), want: writeForeign},

		// Signed reports: the engaged provider's admin signs; the assessment's readers read.
		{route: "POST /api/v1/engagements/{eid}/report", path: "/api/v1/engagements/999999/report", body: `{"conclusion":"x"}`, want: only(404, 403, "prov1.admin")},
		{route: "GET /api/v1/engagements/{eid}/reports", path: "/api/v1/engagements/999999/reports", want: only(404, 403, asmSee1...)},
		{route: "GET /api/v1/reports/{rid}", path: "/api/v1/reports/999999", want: only(404, 403, asmSee1...)},

		{route: "POST /api/v1/enterprises/{id}/questionnaire/evidence", path: rp("{ent1}/questionnaire/evidence?question=telepathy&filename=a.txt"),
			body: "hello", want: writeEnt1(400)},
		{route: "POST /api/v1/enterprises/{id}/questionnaire/evidence", path: rp("{foreign_ent}/questionnaire/evidence?question=mfa_email&filename=a.txt"),
			body: "hello", want: writeForeign},
		{route: "GET /api/v1/enterprises/{id}/questionnaire/evidence", path: rp("{ent1}/questionnaire/evidence"), want: asmRead1},
		{route: "GET /api/v1/enterprises/{id}/questionnaire/evidence", path: rp("{foreign_ent}/questionnaire/evidence"), want: asmReadForeign},

		{route: "GET /api/v1/audit", path: "/api/v1/audit?limit=500&action=demo.load", want: only(200, 403, userReaders...), marker: `"action":"demo.load"`, see: []string{"op.admin", "op.auditor"}},
		{route: "GET /api/v1/audit", path: "/api/v1/audit?org_id={foreign_ent}&action=org.", want: only(200, 403, userReaders...), marker: `"entity_id":"{foreign_ent}"`, see: []string{"op.admin", "op.auditor"}},
		{route: "GET /api/v1/audit/verify", path: "/api/v1/audit/verify", want: only(200, 403, "op.admin", "op.auditor"), marker: `"ok":true`, see: []string{"op.admin", "op.auditor"}},
	}, append(append(append(append(append(rpCases, engagementMatrixCases()...), underwritingMatrixCases()...), policyDocMatrixCases()...), declareMatrixCases()...), incidentMatrixCases()...)...)
}

func pilotMatrixCases() []matrixCase {
	return slices.Concat(pilotPlanMatrixCases(), pilotProjectMatrixCases(), statsMatrixCases(), exportMatrixCases())
}

func TestAccessMatrix(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		e := newTestEnv(t, st, 600)
		f := e.fixtures()
		// A token owned by ins1.admin that only ins1.admin may revoke.
		tok := decodeBody[TokenCreated](t, e.as("ins1.admin", "POST", "/api/v1/tokens", `{"name":"owned","scopes":["read"],"expires_in_days":3}`))
		f.vals["ins1_token"] = fmt.Sprint(tok.Detail.ID)
		e.riskProfileFixtures(f)
		e.engagementFixtures(f)
		e.underwritingFixtures(f)
		e.incidentFixtures(f)
		e.pilotPlanFixtures(f)
		e.pilotProjectFixtures(f)
		e.statsFixtures(f)
		e.exportFixtures(f)

		covered := map[string]bool{}
		for _, c := range append(matrixCases(), pilotMatrixCases()...) {
			covered[c.route] = true
			for _, role := range matrixRoles {
				user := f.username(role)
				vals := map[string]string{}
				for k, v := range f.vals {
					vals[k] = v
				}
				vals["own_org"] = f.vals["ent1"]
				if user != "" {
					vals["own_org"] = e.userOrg(user)
				}
				fill := func(s string) string {
					for k, v := range vals {
						s = strings.ReplaceAll(s, "{"+k+"}", v)
					}
					return s
				}
				path, body := fill(c.path), fill(c.body)
				want, ok := c.want[role]
				if !ok {
					want = c.want["*"]
				}
				if user != "" && !c.fresh {
					e.login(user) // log in first: the login itself is audited
				}
				head := e.auditHead()
				var rec = e.call(user, c.method(), path, body, c.fresh)
				if c.relogin {
					clear(e.sess)
				}
				if rec.Code != want {
					t.Errorf("%s %s as %s (%s): status %d, want %d: %s", c.method(), path, role, user, rec.Code, want, rec.Body)
					continue
				}
				if rec.Code >= 400 && rec.Code != 401 && e.auditHead() != head && c.route != "POST /api/v1/sessions" {
					t.Errorf("%s %s as %s: refused with %d but the audit log grew", c.method(), path, role, rec.Code)
				}
				if c.marker != "" {
					m := fill(c.marker)
					sees := contains(c.see, role)
					if got := strings.Contains(rec.Body.String(), m); got != sees {
						t.Errorf("%s %s as %s: marker %s present=%v, want %v", c.method(), path, role, m, got, sees)
					}
				}
			}
		}
		for _, rt := range e.srv.routes {
			if !covered[rt.Method+" "+rt.Path] {
				t.Errorf("route %s %s has no access-matrix case", rt.Method, rt.Path)
			}
		}
	})
}

func (c matrixCase) method() string { m, _, _ := strings.Cut(c.route, " "); return m }

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func (e *testEnv) userOrg(username string) string {
	var id string
	if err := e.st.RawDB().QueryRow("SELECT CAST(org_id AS TEXT) FROM users WHERE username = $1", username).Scan(&id); err != nil {
		e.t.Fatalf("user %s: %v", username, err)
	}
	return id
}

// call sends a request as user; fresh uses a new session that the request may end.
func (e *testEnv) call(user, method, path, body string, fresh bool) *httptest.ResponseRecorder {
	if fresh && user != "" {
		delete(e.sess, user)
		rec := e.as(user, method, path, body)
		delete(e.sess, user)
		return rec
	}
	return e.as(user, method, path, body)
}
