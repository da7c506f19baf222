package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html"
	"io/fs"
	"math"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/anbao/anbao/i18n"
	"github.com/anbao/anbao/quant"
	"github.com/anbao/anbao/quant/modelfile"
	"github.com/anbao/anbao/server/quantmodels"
	"github.com/anbao/anbao/store"
	"github.com/anbao/anbao/store/storetest"
	"github.com/anbao/anbao/ui"
)

// engineReady skips a test that needs simulated numbers while the engine is
// still a placeholder.
func engineReady(t *testing.T) {
	t.Helper()
	m := &quant.Model{Scenarios: []quant.Scenario{{ID: "a", Frequency: &quant.Dist{Kind: quant.KindConstant, Value: quant.P(1)},
		Magnitude: &quant.Dist{Kind: quant.KindConstant, Value: quant.P(1)}}}}
	if _, err := quant.Simulate(context.Background(), m, quant.Options{Trials: 1000, Seed: 1}); err != nil {
		t.Skipf("the quant engine is not ready: %v", err)
	}
}

// quantSingle is one compound scenario: Poisson(λ = 0.5) events, each a
// lognormal loss with μ = 10, σ = 1; its mean annual loss is λ·exp(μ+σ²/2).
const quantSingle = `name: analytic
currency: CNY
scenarios:
  - id: incident
    frequency: 0.5
    magnitude: {dist: lognormal, mu: 10, sigma: 1}
`

func quantBody(t *testing.T, fields map[string]any) string {
	t.Helper()
	b, err := json.Marshal(fields)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// A simulation of a model with a known mean finds it, the same model as JSON
// gives the same numbers, and a repeat comes from the cache.
func TestQuantSimulate(t *testing.T) {
	engineReady(t)
	e := newTestEnv(t, storetest.Open(t, store.SQLite), 30)
	body := quantBody(t, map[string]any{"model_yaml": quantSingle, "trials": 200_000, "seed": 7})
	e.login("ins1.uw")
	e.login("ent1.member")
	head := e.auditHead()
	rec := e.as("ins1.uw", "POST", "/api/v1/quant/simulate", body)
	if rec.Code != 200 || rec.Header().Get("X-Anbao-Cache") != "miss" {
		t.Fatalf("first run: %d %q %s", rec.Code, rec.Header().Get("X-Anbao-Cache"), rec.Body)
	}
	res := decodeBody[quant.Result](t, rec)
	want := 0.5 * math.Exp(10+0.5)
	if res.Trials != 200_000 || res.Seed != 7 || res.MeanSE <= 0 || math.Abs(res.Mean-want) > 5*res.MeanSE {
		t.Errorf("mean %.1f ± %.1f over %d trials, analytic %.1f", res.Mean, res.MeanSE, res.Trials, want)
	}
	if wantP := 1 - math.Exp(-0.5); math.Abs(res.PLoss-wantP) > 0.01 {
		t.Errorf("P(loss>0) = %.4f, want %.4f", res.PLoss, wantP)
	}
	if len(res.LEC) == 0 || len(res.Risk) == 0 || len(res.Quantiles) == 0 || len(res.Scenarios) != 1 {
		t.Errorf("result lacks parts: %+v", res)
	}
	again := e.as("ins1.uw", "POST", "/api/v1/quant/simulate", body)
	if again.Code != 200 || again.Header().Get("X-Anbao-Cache") != "hit" || again.Body.String() != rec.Body.String() {
		t.Errorf("repeat: %d %q", again.Code, again.Header().Get("X-Anbao-Cache"))
	}
	// The same model given as JSON: the same key, the same numbers.
	m, err := modelfile.Parse([]byte(quantSingle))
	if err != nil {
		t.Fatal(err)
	}
	asJSON := e.as("ent1.member", "POST", "/api/v1/quant/simulate", quantBody(t, map[string]any{"model": m, "trials": 200_000, "seed": 7}))
	if asJSON.Code != 200 || asJSON.Header().Get("X-Anbao-Cache") != "hit" {
		t.Errorf("JSON model: %d %q %s", asJSON.Code, asJSON.Header().Get("X-Anbao-Cache"), asJSON.Body)
	}
	// Another seed is another result.
	other := e.as("ins1.uw", "POST", "/api/v1/quant/simulate", quantBody(t, map[string]any{"model_yaml": quantSingle, "trials": 200_000, "seed": 8}))
	if other.Header().Get("X-Anbao-Cache") != "miss" {
		t.Errorf("another seed: cache %q", other.Header().Get("X-Anbao-Cache"))
	}
	// A comparison: halving the frequency halves the mean.
	half := strings.Replace(quantSingle, "frequency: 0.5", "frequency: 0.25", 1)
	cmp := e.as("ins1.uw", "POST", "/api/v1/quant/simulate", quantBody(t, map[string]any{"model_yaml": quantSingle, "compare_yaml": half, "trials": 100_000}))
	if cmp.Code != 200 {
		t.Fatalf("compare: %d %s", cmp.Code, cmp.Body)
	}
	c := decodeBody[quant.Comparison](t, cmp)
	if c.Before == nil || c.After == nil || math.Abs(c.ALEReduction-want/2) > 5*c.ALEReductionSE+5*c.Before.MeanSE || len(c.VaRReduction) == 0 {
		t.Errorf("comparison: reduction %.1f ± %.1f, want about %.1f", c.ALEReduction, c.ALEReductionSE, want/2)
	}
	// Options pass through.
	opt := e.as("ins1.uw", "POST", "/api/v1/quant/simulate", quantBody(t, map[string]any{"model_yaml": quantSingle, "trials": 1000,
		"levels": []float64{0.9}, "quantiles": []float64{0.5}, "lec_points": 0, "lec_thresholds": []float64{1e5}}))
	if r := decodeBody[quant.Result](t, opt); opt.Code != 200 || len(r.Risk) != 1 || len(r.Quantiles) != 1 || len(r.LEC) != 1 {
		t.Errorf("options: %d %s", opt.Code, opt.Body)
	}
	if e.auditHead() != head {
		t.Error("simulations wrote to the audit log")
	}
	// A read-only API token may simulate: it changes nothing.
	tok := decodeBody[TokenCreated](t, e.as("ent1.admin", "POST", "/api/v1/tokens", `{"name":"quant","scopes":["read"],"expires_in_days":1}`))
	if rec := e.raw("POST", "/api/v1/quant/simulate", body, map[string]string{"Authorization": "Bearer " + tok.Token}); rec.Code != 200 {
		t.Errorf("read token: %d %s", rec.Code, rec.Body)
	}
	// Every documented example model runs.
	for _, m := range quantmodels.All() {
		rec := e.as("ins1.uw", "POST", "/api/v1/quant/simulate", quantBody(t, map[string]any{"model_yaml": m.Text, "trials": 2000}))
		if rec.Code != 200 {
			t.Errorf("example %s: %d %s", m.ID, rec.Code, rec.Body)
		}
	}
}

// Bad input gets a specific error naming the input, with the model's
// problems at their lines, and writes nothing.
func TestQuantSimulateBadInput(t *testing.T) {
	e := newTestEnv(t, storetest.Open(t, store.SQLite), 30)
	good := `{"scenarios":[{"id":"a","frequency":0.5,"magnitude":{"dist":"lognormal","low":1000,"high":100000}}]}`
	type problem struct {
		line  int
		code  string
		field string
	}
	cases := []struct {
		name, body string
		status     int
		code       string
		field      string
		problem    *problem
		engine     bool // the check needs the engine's validation
	}{
		{"no model", `{"trials":1000}`, 400, "invalid", "model", nil, false},
		{"both forms", `{"model":` + good + `,"model_yaml":"x: 1"}`, 400, "invalid", "model", nil, false},
		{"unknown field", `{"model":` + good + `,"trails":1000}`, 400, "invalid", "", nil, false},
		{"bad yaml", quantBody(t, map[string]any{"model_yaml": "name: x\nscenarios:\n  - id: a\n    frequency: [1, 2\n"}), 400, "invalid", "model_yaml", &problem{line: 4, code: "syntax"}, false},
		{"unknown key", quantBody(t, map[string]any{"model_yaml": "name: x\nscenarios:\n  - id: a\n    frequncy: 1\n    magnitude: 5\n"}), 400, "invalid", "model_yaml.scenarios[0].frequncy", &problem{line: 4, code: "unknown_key"}, false},
		{"not a number", quantBody(t, map[string]any{"model_yaml": "scenarios:\n  - id: a\n    frequency: 1\n    magnitude: 12abc\n"}), 400, "invalid", "model_yaml.scenarios[0].magnitude", &problem{line: 4, code: "number"}, false},
		{"order", quantBody(t, map[string]any{"model_yaml": "scenarios:\n  - id: a\n    frequency: 1\n    magnitude: {dist: pert, low: 5, mode: 1, high: 3}\n"}), 400, "invalid", "model_yaml.scenarios[0].magnitude.high", &problem{line: 4, code: "order"}, true},
		{"bad json model", `{"model":{"scenarios":[{"id":"a","frequency":"often"}]}}`, 400, "invalid", "model.scenarios[0].frequency", &problem{line: 1, code: "type"}, false},
		{"bad compare", `{"model":` + good + `,"compare_yaml":"scenarios: 5\n"}`, 400, "invalid", "compare_yaml.scenarios", &problem{line: 1, code: "type"}, false},
		{"trials over the limit", `{"model":` + good + `,"trials":1000001}`, 400, "invalid", "trials", nil, false},
		{"trials too few", `{"model":` + good + `,"trials":10}`, 400, "invalid", "trials", nil, false},
		{"negative trials", `{"model":` + good + `,"trials":-5}`, 400, "invalid", "trials", nil, false},
		{"level out of range", `{"model":` + good + `,"levels":[0.9,1.5]}`, 400, "invalid", "levels[1]", nil, false},
		{"quantile zero", `{"model":` + good + `,"quantiles":[0]}`, 400, "invalid", "quantiles[0]", nil, false},
		{"lec points", `{"model":` + good + `,"lec_points":100000}`, 400, "invalid", "lec_points", nil, false},
		{"negative threshold", `{"model":` + good + `,"lec_thresholds":[-1]}`, 400, "invalid", "lec_thresholds[0]", nil, false},
		{"wrong type", `{"model":` + good + `,"seed":"abc"}`, 400, "invalid", "seed", nil, false},
	}
	ready := true
	m := &quant.Model{Scenarios: []quant.Scenario{{ID: "a", Frequency: &quant.Dist{Kind: quant.KindConstant, Value: quant.P(1)},
		Magnitude: &quant.Dist{Kind: quant.KindConstant, Value: quant.P(1)}}}}
	if _, err := quant.Simulate(context.Background(), m, quant.Options{Trials: 1000}); err != nil {
		ready = false
	}
	e.login("ins1.uw")
	for _, c := range cases {
		if c.engine && !ready {
			t.Logf("%s: skipped until the engine validates", c.name)
			continue
		}
		head := e.auditHead()
		rec := e.as("ins1.uw", "POST", "/api/v1/quant/simulate", c.body)
		got := decodeBody[ErrorBody](t, rec)
		if rec.Code != c.status || got.Code != c.code || (c.field != "" && got.Field != c.field) || got.Message == "" {
			t.Errorf("%s: %d %+v, want %d %s field %q", c.name, rec.Code, got, c.status, c.code, c.field)
		}
		if c.problem != nil {
			if len(got.Problems) == 0 || got.Problems[0].Line != c.problem.line || got.Problems[0].Code != c.problem.code || got.Problems[0].Message == "" {
				t.Errorf("%s: problems %+v, want line %d code %s", c.name, got.Problems, c.problem.line, c.problem.code)
			} else if !strings.Contains(got.Message, fmt.Sprintf("第 %d 行", c.problem.line)) {
				t.Errorf("%s: message %q does not give the line", c.name, got.Message)
			}
		}
		if e.auditHead() != head {
			t.Errorf("%s: the audit log grew", c.name)
		}
	}
	// In English, the same problem in English.
	rec := e.raw("POST", "/api/v1/quant/simulate?lang=en", cases[4].body, map[string]string{"Cookie": sessionCookie + "=" + e.sess["ins1.uw"].cookie,
		"X-CSRF-Token": e.sess["ins1.uw"].csrf})
	if got := decodeBody[ErrorBody](t, rec); !strings.Contains(got.Message, "line 4") || !strings.Contains(got.Message, `did you mean "frequency"`) {
		t.Errorf("English problem: %+v", got)
	}
	// Anonymous callers are refused before anything is read.
	if rec := e.raw("POST", "/api/v1/quant/simulate", `{"model":`+good+`}`, nil); rec.Code != 401 {
		t.Errorf("anonymous: %d", rec.Code)
	}
}

// One request cannot hold the server: runs beyond the concurrency limit wait
// briefly and get 429, and a run past the time limit stops with a clear error.
func TestQuantLimits(t *testing.T) {
	engineReady(t)
	e := newTestEnv(t, storetest.Open(t, store.SQLite), 30)
	q := e.srv.quant
	body := quantBody(t, map[string]any{"model_yaml": quantSingle, "trials": 1000, "seed": 99})

	// Every slot taken: the request waits, then gives up.
	q.wait = 20 * time.Millisecond
	for i := 0; i < cap(q.slots); i++ {
		q.slots <- struct{}{}
	}
	rec := e.as("ins1.uw", "POST", "/api/v1/quant/simulate", body)
	got := decodeBody[ErrorBody](t, rec)
	if rec.Code != 429 || got.Code != "too_many_requests" || rec.Header().Get("Retry-After") == "" {
		t.Errorf("busy: %d %+v", rec.Code, got)
	}
	for i := 0; i < cap(q.slots); i++ {
		<-q.slots
	}
	if rec := e.as("ins1.uw", "POST", "/api/v1/quant/simulate", body); rec.Code != 200 {
		t.Errorf("after the slots freed: %d %s", rec.Code, rec.Body)
	}

	// A time limit the run cannot meet.
	q.timeout = time.Nanosecond
	rec = e.as("ins1.uw", "POST", "/api/v1/quant/simulate", quantBody(t, map[string]any{"model_yaml": quantSingle, "trials": 1_000_000, "seed": 5}))
	got = decodeBody[ErrorBody](t, rec)
	if rec.Code != 413 || got.Code != "too_large" || !strings.Contains(got.Message, "时限") {
		t.Errorf("timeout: %d %+v", rec.Code, got)
	}
	if q.cache.len() > 2 {
		t.Errorf("a failed run was cached: %d entries", q.cache.len())
	}
}

func TestQuantLRU(t *testing.T) {
	c := newLRU(3)
	for i := 0; i < 5; i++ {
		c.put(fmt.Sprint(i), i)
	}
	if c.len() != 3 {
		t.Fatalf("len %d", c.len())
	}
	if _, ok := c.get("0"); ok {
		t.Error("oldest entry kept")
	}
	c.get("2") // 2 becomes the most recent
	c.put("5", 5)
	if _, ok := c.get("2"); !ok {
		t.Error("recently used entry evicted")
	}
	if _, ok := c.get("3"); ok {
		t.Error("least recently used entry kept")
	}
}

// The library model of an enterprise: only for callers who may read it,
// exactly as its profile; unknown controls and bad parameters are refused.
func TestQuantLibrary(t *testing.T) {
	e := newTestEnv(t, storetest.Open(t, store.SQLite), 300)
	f := e.fixtures()
	ent := f.vals["ent1"]
	rec := e.as("ent1.member", "GET", "/api/v1/quant/library?enterprise="+ent+"&pi_records=50000", "")
	if rec.Code != 200 {
		t.Fatalf("own library: %d %s", rec.Code, rec.Body)
	}
	lib := decodeBody[QuantLibraryResponse](t, rec)
	if lib.Model == nil || len(lib.Model.Scenarios) == 0 || lib.ModelYAML == "" || lib.Profile.PIRecords != 50000 ||
		len(lib.Profile.Industry) != 1 || lib.Profile.Revenue <= 0 {
		t.Errorf("library: %+v", lib)
	}
	if _, err := modelfile.Parse([]byte(lib.ModelYAML)); err != nil && !strings.Contains(err.Error(), "not yet built") {
		t.Errorf("the library model file does not parse: %v", err)
	}
	if len(quant.Controls) > 0 {
		id := quant.Controls[0].ID
		if rec := e.as("ent1.member", "GET", "/api/v1/quant/library?enterprise="+ent+"&controls="+id, ""); rec.Code != 200 {
			t.Errorf("with control %s: %d %s", id, rec.Code, rec.Body)
		}
	}
	ctl := e.as("ent1.member", "GET", "/api/v1/quant/controls", "")
	if ctl.Code != 200 || !strings.HasPrefix(strings.TrimSpace(ctl.Body.String()), "[") {
		t.Errorf("controls: %d %s", ctl.Code, ctl.Body)
	}
	for _, c := range []struct {
		name, user, path string
		status           int
		field            string
	}{
		{"unknown control", "ent1.admin", "?enterprise=" + ent + "&controls=telepathy", 400, "controls"},
		{"no enterprise", "ent1.admin", "", 400, "enterprise"},
		{"bad enterprise", "ent1.admin", "?enterprise=abc", 400, "enterprise"},
		{"bad pi_records", "ent1.admin", "?enterprise=" + ent + "&pi_records=-3", 400, "pi_records"},
		{"bad sensitive_pi", "ent1.admin", "?enterprise=" + ent + "&sensitive_pi=perhaps", 400, "sensitive_pi"},
		{"unknown enterprise", "op.admin", "?enterprise=999999", 404, ""},
		{"another tenant's", "ent1.admin", "?enterprise=" + f.vals["foreign_ent"], 404, ""},
		{"another tenant's, unknown control", "ent1.admin", "?enterprise=" + f.vals["foreign_ent"] + "&controls=telepathy", 404, ""},
		{"not an enterprise", "op.admin", "?enterprise=" + f.vals["ins2"], 404, ""},
	} {
		e.login(c.user)
		head := e.auditHead()
		rec := e.as(c.user, "GET", "/api/v1/quant/library"+c.path, "")
		got := decodeBody[ErrorBody](t, rec)
		if rec.Code != c.status || got.Field != c.field {
			t.Errorf("%s: %d %+v, want %d field %q", c.name, rec.Code, got, c.status, c.field)
		}
		if e.auditHead() != head {
			t.Errorf("%s: the audit log grew", c.name)
		}
	}
	// Another tenant's enterprise answers exactly as its profile does.
	a := e.as("ent1.admin", "GET", "/api/v1/quant/library?enterprise="+f.vals["foreign_ent"], "")
	b := e.as("ent1.admin", "GET", "/api/v1/enterprises/"+f.vals["foreign_ent"], "")
	ea, eb := decodeBody[ErrorBody](t, a), decodeBody[ErrorBody](t, b)
	if a.Code != b.Code || ea.Code != eb.Code || ea.Message != eb.Message {
		t.Errorf("foreign enterprise: library %d %+v, profile %d %+v", a.Code, ea, b.Code, eb)
	}
}

// The OpenAPI document describes both answers of a simulation.
func TestQuantOpenAPI(t *testing.T) {
	e := newTestEnv(t, storetest.Open(t, store.SQLite), 30)
	var doc struct {
		Paths map[string]map[string]struct {
			Responses map[string]struct {
				Content map[string]struct{ Schema map[string]any } `json:"content"`
			} `json:"responses"`
		} `json:"paths"`
		Comps struct{ Schemas map[string]json.RawMessage } `json:"components"`
	}
	if err := json.Unmarshal(e.raw("GET", "/api/openapi.json", "", nil).Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	sch := doc.Paths["/api/v1/quant/simulate"]["post"].Responses["200"].Content["application/json"].Schema
	alts, _ := sch["oneOf"].([]any)
	if len(alts) != 2 {
		t.Errorf("simulate response schema %v", sch)
	}
	for _, name := range []string{"Result", "Comparison", "QuantSimulateRequest", "QuantLibraryResponse", "ErrorProblem", "Model"} {
		if _, ok := doc.Comps.Schemas[name]; !ok {
			t.Errorf("schema %s missing", name)
		}
	}
}

var verbRE = regexp.MustCompile(`%[-+# 0-9.]*[a-zA-Z]`)

// Every problem code of the engine and of modelfile has a message in both
// languages, and every variant's message takes its number of arguments.
func TestQuantProblemCatalogue(t *testing.T) {
	codes := []string{quant.CodeRequired, quant.CodeUnknownKind, quant.CodeNotFinite, quant.CodeOrder, quant.CodePositive,
		quant.CodeNonNegative, quant.CodeProbability, quant.CodeConflict, quant.CodeUnused, quant.CodeVariant, quant.CodeSemantics,
		quant.CodeNoScenarios, quant.CodeTooMany, quant.CodeDuplicateID, quant.CodeBadID, quant.CodeUnknownID, quant.CodeRho,
		quant.CodeNotPosDef, quant.CodeFrequencyDom, quant.CodeMagnitudeDom, quant.CodeTooLarge,
		modelfile.CodeSyntax, modelfile.CodeUnknownKey, modelfile.CodeType, modelfile.CodeDuplicateKey, modelfile.CodeNumber, modelfile.CodeTooLarge}
	for _, c := range codes {
		for _, l := range i18n.Languages {
			if !i18n.Has(l, "errors.quant."+c) {
				t.Errorf("%s: no message errors.quant.%s", l, c)
			}
		}
	}
	for _, v := range quantProblemVariants {
		for _, l := range i18n.Languages {
			msg := i18n.Catalog(l)[v.key]
			if n := len(verbRE.FindAllString(msg, -1)); msg == "" || n != v.args {
				t.Errorf("%s %s: %d verbs for %d arguments: %q", l, v.key, n, v.args, msg)
			}
		}
	}
	// A problem nothing fits keeps its English message.
	p := modelfile.Problem{Code: "brand_new", Message: "something new"}
	if got := problemMessage("zh-CN", p); got != "something new" {
		t.Errorf("unknown code: %q", got)
	}
	p = modelfile.Problem{Code: "order", Args: []any{"high", "low"}, Message: "high must be greater than low"}
	if got := problemMessage("zh-CN", p); got != "high 必须大于 low" {
		t.Errorf("order: %q", got)
	}
}

// The vendored ECharts is the recorded release, with its licence and notice.
func TestQuantVendoredECharts(t *testing.T) {
	b, err := fs.ReadFile(ui.Static(), "vendor/echarts/echarts.min.js")
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	readme, err := os.ReadFile("../ui/static/vendor/README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), hex.EncodeToString(sum[:])) || !strings.Contains(string(readme), "6.1.0") {
		t.Errorf("vendor/README.md does not record echarts.min.js (sha256 %x)", sum)
	}
	for _, f := range []string{"vendor/echarts/LICENSE", "vendor/echarts/NOTICE", "vendor/echarts/LICENSE-d3"} {
		if _, err := fs.Stat(ui.Static(), f); err != nil {
			t.Error(err)
		}
	}
}

// The page opens for every kind of user, with the editor, the templates and
// the chart code; an enterprise user gets their library model and the
// what-if checklist; another tenant's enterprise is not found.
func TestUIQuantPage(t *testing.T) {
	e := newUIEnv(t)
	for _, user := range []string{"op.admin", "op.expert", "miit.admin", "reg32.admin", "ins1.uw", "prov1.analyst", "ent1.admin", "ent1.member"} {
		t.Run(user, func(t *testing.T) {
			b := e.as(user)
			rec := b.get("/quant")
			if rec.Code != 200 {
				t.Fatalf("status %d: %.2000s", rec.Code, rec.Body)
			}
			mustContain(t, rec, `<textarea id="quant-model" name="model_yaml"`, `value="portfolio5"`, `id="quant-templates"`,
				"/static/vendor/echarts/echarts.min.js?v=", "/static/quant.js?v=", `hx-post="/quant/run"`, `formaction="/quant/export.csv"`,
				`class="nav-quant active"`, i18n.T("zh-CN", "ui.quant.title"))
			body := rec.Body.String()
			if strings.Contains(body, " style=") || strings.Contains(body, "<script>") || strings.Contains(body, " onclick=") {
				t.Error("inline style or script, which the CSP blocks")
			}
			if strings.HasPrefix(user, "ent1.") {
				mustContain(t, rec, `<option value="library" selected>`, `name="controls"`, `id="quant-enterprise"`)
			} else {
				mustContain(t, rec, `<option value="portfolio5" selected>`)
			}
		})
	}
	b := e.as("ent1.admin")
	own := e.principal("ent1.admin").OrgID
	var foreign int64
	if err := e.st.RawDB().QueryRow(`SELECT MIN(id) FROM organisations WHERE kind = 'enterprise' AND id <> $1 AND jurisdiction <>
		(SELECT jurisdiction FROM organisations WHERE id = $1)`, own).Scan(&foreign); err != nil {
		t.Fatal(err)
	}
	if rec := b.get(fmt.Sprintf("/quant?enterprise=%d", foreign)); rec.Code != 404 {
		t.Errorf("another tenant's enterprise: %d", rec.Code)
	}
	// The operator may open any enterprise's library model.
	rec := e.as("op.admin").get(fmt.Sprintf("/quant?enterprise=%d&pi_records=1000", foreign))
	if rec.Code != 200 {
		t.Fatalf("operator, enterprise: %d", rec.Code)
	}
	mustContain(t, rec, `<option value="library" selected>`, `name="controls"`, `value="1000"`)
	// English.
	rec = e.as("ins1.uw").get("/quant?lang=en")
	mustContain(t, rec, "Risk quantification", "Run simulation", "Download CSV")
}

// uiRun posts the editor's form as htmx does.
func uiRun(b *uiBrowser, path string, form url.Values, hx bool) *httptest.ResponseRecorder {
	page := b.get("/quant")
	form.Set("csrf", csrfOf(b.e.t, page.Body.String()))
	hdr := map[string]string{}
	if hx {
		hdr["HX-Request"] = "true"
		hdr["HX-Target"] = "quant-results"
	}
	return b.do("POST", path, form, hdr)
}

// A run answers the results partial with the chart data; a model with a
// mistake answers its problems with their lines; the CSV export carries the
// summary and the curve.
func TestUIQuantRun(t *testing.T) {
	engineReady(t)
	e := newUIEnv(t)
	b := e.as("ins1.uw")
	eb := e.as("ent1.admin")
	own := e.principal("ent1.admin").OrgID
	portfolio, _ := quantmodels.Get("portfolio5")
	head := e.auditSeq()
	form := url.Values{"model_yaml": {portfolio.Text}, "trials": {"20,000"}, "seed": {"2026"}}
	rec := uiRun(b, "/quant/run", form, true)
	if rec.Code != 200 {
		t.Fatalf("run: %d %.3000s", rec.Code, rec.Body)
	}
	mustContain(t, rec, `id="quant-ale"`, `id="quant-chart-data" hidden data-chart="{`, `&#34;lec&#34;:[[`, `id="quant-lec"`,
		`id="quant-contrib"`, `id="quant-scenarios"`, `id="quant-model-errors"`, `hx-swap-oob="true"`, " 元", "勒索软件")
	if strings.Contains(rec.Body.String(), "<html") {
		t.Error("the partial is a whole page")
	}
	if m := regexp.MustCompile(`id="quant-ale">([^<]+)<`).FindStringSubmatch(rec.Body.String()); m == nil || !regexp.MustCompile(`^\d{1,3}(,\d{3})+ 元$`).MatchString(m[1]) {
		t.Errorf("ALE cell %q", m)
	}
	var chart uiQuantChart
	raw := regexp.MustCompile(`data-chart="([^"]*)"`).FindStringSubmatch(rec.Body.String())
	if raw == nil || json.Unmarshal([]byte(html.UnescapeString(raw[1])), &chart) != nil || len(chart.LEC) < 5 || len(chart.Names) != 5 || len(chart.TVaRShare) != 5 {
		t.Errorf("chart data %q", raw)
	}
	if again := uiRun(b, "/quant/run", form, true); again.Header().Get("X-Anbao-Cache") != "hit" {
		t.Errorf("repeat run: cache %q", again.Header().Get("X-Anbao-Cache"))
	}
	// Without htmx, the whole page with the results.
	full := uiRun(b, "/quant/run", form, false)
	if full.Code != 200 || !strings.Contains(full.Body.String(), "<html") {
		t.Errorf("plain post: %d", full.Code)
	}
	mustContain(t, full, `id="quant-ale"`, `id="quant-chart-data"`)

	// A mistake on line 4 shows beside the editor, with its line.
	bad := url.Values{"model_yaml": {"name: x\nscenarios:\n  - id: a\n    frequncy: 1\n    magnitude: 5\n"}}
	rec = uiRun(b, "/quant/run", bad, true)
	if rec.Code != 400 {
		t.Errorf("bad model: %d", rec.Code)
	}
	mustContain(t, rec, `data-quant-line="4"`, "第 4 行", esc(`未知的键 “frequncy”（是否想写 “frequency”？）`), `id="quant-error"`)
	if strings.Contains(rec.Body.String(), `id="quant-chart-data"`) {
		t.Error("an error answer carries chart data")
	}
	// A bad field.
	rec = uiRun(b, "/quant/run", url.Values{"model_yaml": {portfolio.Text}, "trials": {"5000000"}}, true)
	if rec.Code != 400 {
		t.Errorf("too many trials: %d", rec.Code)
	}
	mustContain(t, rec, "1,000,000")

	// CSV.
	rec = uiRun(b, "/quant/export.csv", form, false)
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/csv") || !strings.Contains(rec.Header().Get("Content-Disposition"), "attachment") {
		t.Fatalf("csv: %d %v", rec.Code, rec.Header())
	}
	mustContain(t, rec, "metric,value", "\nale,", "\ntrials,20000", "level,var,tvar", "quantile,value,ci_low,ci_high", "loss,exceedance_probability", "ransomware,")

	// What if: the library model without and with a control.
	if len(quant.Controls) > 0 {
		wi := url.Values{"model_yaml": {portfolio.Text}, "trials": {"20000"}, "enterprise": {fmt.Sprint(own)}, "controls": {quant.Controls[0].ID}}
		rec = uiRun(eb, "/quant/run", wi, true)
		if rec.Code != 200 {
			t.Fatalf("what if: %d %.2000s", rec.Code, rec.Body)
		}
		mustContain(t, rec, `id="quant-ale-reduction"`, `id="quant-ale-before"`, `&#34;lec_before&#34;:[[`)
		rec = uiRun(eb, "/quant/export.csv", wi, false)
		mustContain(t, rec, "ale_reduction,", "before_metric,value", "after_metric,value")
		wi.Set("controls", "telepathy")
		if rec = uiRun(eb, "/quant/run", wi, true); rec.Code != 400 {
			t.Errorf("unknown control: %d", rec.Code)
		}
	}
	if e.auditSeq() != head {
		t.Error("runs wrote to the audit log")
	}
	// Without the form token, nothing runs.
	if rec := b.do("POST", "/quant/run", url.Values{"model_yaml": {portfolio.Text}}, map[string]string{"HX-Request": "true"}); rec.Code != 403 {
		t.Errorf("no csrf: %d", rec.Code)
	}
}

// A model error shows its line even before the engine validates models.
func TestUIQuantModelError(t *testing.T) {
	e := newUIEnv(t)
	b := e.as("prov1.analyst")
	rec := uiRun(b, "/quant/run", url.Values{"model_yaml": {"name: x\nscenarios:\n  - id: a\n    frequency: [1, 2\n"}}, true)
	if rec.Code != 400 {
		t.Errorf("syntax error: %d", rec.Code)
	}
	mustContain(t, rec, "第 4 行", "不是有效的 YAML", `data-quant-line="4"`)
	rec = uiRun(b, "/quant/run?lang=en", url.Values{"model_yaml": {""}}, true)
	mustContain(t, rec, "The model is empty")
}
