package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/cover"
	"github.com/anbao/anbao/rating"
	"github.com/anbao/anbao/store"
	"github.com/anbao/anbao/store/storetest"
)

// declareEnv is a test server with the declaration route and a published
// product DECL-1 of ins1.
func declareEnv(t *testing.T) (*testEnv, []string) {
	t.Helper()
	e := newTestEnv(t, storetest.Open(t, store.SQLite), 30)
	ins1 := mustID(t, e.userOrg("ins1.admin"))
	ctx := actAs(ins1, anbao.KindInsurer, anbao.RoleUnderwriter)
	def := cover.Definition{Type: cover.TypeCombined, MinLimit: 100_000_00, MaxLimit: 10_000_000_00, MinRetention: 5_000_00,
		TermMonths: 12, QuoteValidDays: 30, Coverages: []cover.Coverage{
			{Code: cover.CovDataRestoration, Trigger: cover.Discovered},
			{Code: cover.CovDataLeakLiability, Trigger: cover.ClaimsMade, ReportingDays: 60}}}
	pr, err := e.st.CreateProduct(ctx, store.ProductInput{Code: "DECL-1", NameZH: "申报接口测试产品", ProductVersionInput: store.ProductVersionInput{
		RegistrationNo: "C00010830612026030200001", Definition: def, Rating: *rating.SeedConfig()}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.PublishProduct(ctx, pr.ID, 0); err != nil {
		t.Fatal(err)
	}
	var usccs []string
	rows, err := e.st.RawDB().Query(`SELECT uscc FROM organisations WHERE kind = 'enterprise' AND status = 'active' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var u string
		rows.Scan(&u)
		usccs = append(usccs, u)
	}
	return e, usccs
}

func declItem(ref, uscc, inception, expiry string) store.DeclaredPolicy {
	return store.DeclaredPolicy{ExternalRef: ref, ProductCode: "DECL-1", EnterpriseUSCC: uscc, InceptionDate: inception,
		ExpiryDate: expiry, Limit: 1_000_000_00, Retention: 10_000_00, Premium: 8_000_00, RetroDate: "2025-01-01"}
}

func declBody(items ...store.DeclaredPolicy) string {
	b, _ := json.Marshal(DeclareRequest{Policies: items})
	return string(b)
}

func TestDeclareAPI(t *testing.T) {
	e, usccs := declareEnv(t)
	if doc := e.raw("GET", "/api/openapi.json", "", nil).Body.String(); !strings.Contains(doc, `"operationId":"declarePolicies"`) ||
		!strings.Contains(doc, `"DeclaredPolicy"`) {
		t.Errorf("the OpenAPI document lacks the declaration")
	}
	body := declBody(declItem("CORE-0001", usccs[0], "2026-01-01", "2027-01-01"), declItem("CORE-0002", usccs[1], "2026-01-01", "2027-01-01"))
	rec := e.as("ins1.uw", "POST", declarePath, body)
	if rec.Code != http.StatusCreated {
		t.Fatalf("declare: %d %s", rec.Code, rec.Body)
	}
	res := decodeBody[store.DeclareResult](t, rec)
	if res.Created != 2 || len(res.Items) != 2 || res.Items[1].Status != store.DeclareCreated || !strings.HasPrefix(res.Items[1].Number, "AB2026") {
		t.Fatalf("result %+v", res)
	}
	// The policy is in the insurer's registry as declared.
	rec = e.as("ins1.uw", "GET", fmt.Sprintf("/api/v1/policies/%d", res.Items[0].PolicyID), "")
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"source":"declared"`) || !strings.Contains(rec.Body.String(), `"external_ref":"CORE-0001"`) {
		t.Errorf("policy: %d %s", rec.Code, rec.Body)
	}
	if rec = e.as("ins2.admin", "GET", fmt.Sprintf("/api/v1/policies/%d", res.Items[0].PolicyID), ""); rec.Code != 404 {
		t.Errorf("another insurer reads a declared policy: %d", rec.Code)
	}

	// Sent again: every policy unchanged, 200, nothing written.
	for _, u := range []string{"ins1.admin", "ins1.claims", "ent1.admin", "prov1.admin"} {
		e.login(u) // logins are audited
	}
	head := e.auditHead()
	rec = e.as("ins1.admin", "POST", declarePath, body)
	if rec.Code != http.StatusOK {
		t.Fatalf("re-send: %d %s", rec.Code, rec.Body)
	}
	if again := decodeBody[store.DeclareResult](t, rec); again.Unchanged != 2 || again.Items[0].PolicyID != res.Items[0].PolicyID {
		t.Errorf("re-send %+v", again)
	}
	if e.auditHead() != head {
		t.Errorf("an unchanged re-send was audited")
	}

	// A refused batch names every problem with its place, in the caller's language.
	bad := declItem("CORE-0004", usccs[3], "2026-01-01", "2027-01-01")
	bad.Limit = 99_000_000_00
	conflict := declItem("CORE-0001", usccs[0], "2026-01-01", "2027-01-01")
	conflict.Premium++
	rec = e.as("ins1.uw", "POST", declarePath+"?lang=en", declBody(declItem("CORE-0003", usccs[2], "2026-01-01", "2027-01-01"), bad, conflict))
	if rec.Code != http.StatusBadRequest {
		t.Fatalf("refused: %d %s", rec.Code, rec.Body)
	}
	eb := decodeBody[ErrorBody](t, rec)
	if eb.Code != anbao.EINVALID || eb.Message != "2 of the declared policies were refused; nothing was written" || eb.Field != "policies[1].limit" ||
		len(eb.Problems) != 2 || eb.Problems[0].Path != "policies[1].limit" || eb.Problems[0].Code != "uw.quote.limit_range" ||
		!strings.Contains(eb.Problems[0].Message, "¥99,000,000.00") || eb.Problems[1].Path != "policies[2].external_ref" ||
		eb.Problems[1].Code != "uw.declare.conflict" || !strings.Contains(eb.Problems[1].Message, res.Items[0].Number) {
		t.Errorf("error body %+v", eb)
	}
	if e.auditHead() != head {
		t.Errorf("a refused batch was audited")
	}
	rec = e.as("ins1.uw", "POST", declarePath, declBody(bad))
	if eb := decodeBody[ErrorBody](t, rec); rec.Code != 400 || len(eb.Problems) != 1 || !strings.HasPrefix(eb.Problems[0].Message, "限额 ¥99,000,000.00 超出") {
		t.Errorf("Chinese problems: %d %+v", rec.Code, eb)
	}

	// Malformed bodies, roles.
	for _, c := range []struct {
		user, body string
		status     int
		key        string
	}{
		{"ins1.uw", `{"policies":[],"extra":1}`, 400, "Unknown field"},
		{"ins1.uw", `{"policies":[]}`, 400, `"code":"invalid"`},
		{"ins1.uw", `{"policies":[{"external_ref":"X","limit":"much"}]}`, 400, "policies.limit"},
		{"ins1.claims", body, 403, "forbidden"},
		{"ent1.admin", body, 403, "forbidden"},
		{"prov1.admin", body, 403, "forbidden"},
		{"", body, 401, "unauthorized"},
	} {
		rec := e.as(c.user, "POST", declarePath+"?lang=en", c.body)
		if rec.Code != c.status || !strings.Contains(rec.Body.String(), c.key) {
			t.Errorf("%s %s: %d %s, want %d with %s", c.user, c.body, rec.Code, rec.Body, c.status, c.key)
		}
	}
	if e.auditHead() != head {
		t.Errorf("refused requests were audited")
	}
}

// A retry with the same Idempotency-Key replays the first response (201),
// where a plain re-send reports the policies unchanged (200).
func TestDeclareAPIIdempotencyKey(t *testing.T) {
	e, usccs := declareEnv(t)
	s := e.login("ins1.uw")
	hdr := map[string]string{"Cookie": sessionCookie + "=" + s.cookie, "X-CSRF-Token": s.csrf, "Idempotency-Key": "declare-batch-1"}
	body := declBody(declItem("IDEM-0001", usccs[0], "2026-01-01", "2027-01-01"))
	first := e.raw("POST", declarePath, body, hdr)
	if first.Code != http.StatusCreated {
		t.Fatalf("first: %d %s", first.Code, first.Body)
	}
	replay := e.raw("POST", declarePath, body, hdr)
	if replay.Code != http.StatusCreated || replay.Header().Get("Idempotent-Replayed") != "true" || replay.Body.String() != first.Body.String() ||
		!strings.HasPrefix(replay.Header().Get("Content-Type"), "application/json") {
		t.Errorf("replay: %d %v %s", replay.Code, replay.Header(), replay.Body)
	}
	// The key with another body is refused; a refusal is stored for replay too.
	if rec := e.raw("POST", declarePath, declBody(declItem("IDEM-0002", usccs[1], "2026-01-01", "2027-01-01")), hdr); rec.Code != http.StatusUnprocessableEntity {
		t.Errorf("key reused: %d %s", rec.Code, rec.Body)
	}
	hdr["Idempotency-Key"] = "declare-batch-2"
	badBody := declBody(declItem("IDEM-0003", "91000000000000000X", "2026-01-01", "2027-01-01"))
	r1, r2 := e.raw("POST", declarePath, badBody, hdr), e.raw("POST", declarePath, badBody, hdr)
	if r1.Code != 400 || r2.Code != 400 || r2.Body.String() != r1.Body.String() || !strings.Contains(r2.Body.String(), "uw.declare.enterprise_unknown") {
		t.Errorf("refusal replay: %d %s / %d %s", r1.Code, r1.Body, r2.Code, r2.Body)
	}
}

// The declaration route takes bodies far above the default 1 MiB cap, up to 16 MiB.
func TestDeclareAPIBodyLimit(t *testing.T) {
	e, usccs := declareEnv(t)
	item, _ := json.Marshal(declItem("BIG-0001", usccs[0], "2026-01-01", "2027-01-01"))
	pad := strings.Repeat(" ", 3<<20)
	rec := e.as("ins1.uw", "POST", declarePath, `{"policies":[`+string(item)+pad+`]}`)
	if rec.Code != http.StatusCreated {
		t.Errorf("3 MiB body: %d %s", rec.Code, rec.Body)
	}
	rec = e.as("ins1.uw", "POST", declarePath, `{"policies":[`+string(item)+strings.Repeat(" ", declareMaxBody)+`]}`)
	if rec.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("over 16 MiB: %d %s", rec.Code, rec.Body)
	}
}

// declareMatrixCases are the access-matrix rows of the declaration API. The
// body names no product, so the roles that may declare get 400 (and nothing
// is written) whatever products the matrix's demo holds.
func declareMatrixCases() []matrixCase {
	body := `{"policies":[{"external_ref":"MATRIX-0001","product_code":"NO-SUCH-PRODUCT","enterprise_uscc":"91000000000000000X",` +
		`"inception_date":"2026-01-01","expiry_date":"2027-01-01","limit":100000000,"retention":1000000,"premium":100000}]}`
	return []matrixCase{
		{route: "POST " + declarePath, path: declarePath, body: body,
			want: map[string]int{"anon": 401, "*": 403, "ins1.admin": 400, "ins1.uw": 400}},
	}
}

// The matrix rows hold for every role (until access_test.go runs them).
func TestDeclareMatrixCases(t *testing.T) {
	e, _ := declareEnv(t)
	// The matrix's role aliases, as fixtures() maps them (without its
	// fixtures, which need a larger pilot).
	db := e.st.RawDB()
	var jur, regx string
	if err := db.QueryRow(`SELECT o.jurisdiction FROM organisations o JOIN users u ON u.org_id = o.id WHERE u.username = 'ent1.admin'`).Scan(&jur); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`SELECT MIN(username) FROM users WHERE username LIKE 'reg%.admin' AND username <> $1`, "reg"+jur+".admin").Scan(&regx); err != nil {
		t.Fatal(err)
	}
	users := map[string]string{"anon": "", "reg.admin": "reg" + jur + ".admin", "reg.analyst": "reg" + jur + ".analyst", "regx.admin": regx}
	for _, role := range matrixRoles {
		if _, ok := users[role]; !ok {
			users[role] = role
		}
		if users[role] != "" {
			e.login(users[role])
		}
	}
	head := e.auditHead()
	for _, c := range declareMatrixCases() {
		for _, role := range matrixRoles {
			want, ok := c.want[role]
			if !ok {
				want = c.want["*"]
			}
			if rec := e.as(users[role], c.method(), c.path, c.body); rec.Code != want {
				t.Errorf("%s as %s: %d, want %d: %s", c.route, role, rec.Code, want, rec.Body)
			}
		}
	}
	if e.auditHead() != head {
		t.Errorf("refused declarations were audited")
	}
}
