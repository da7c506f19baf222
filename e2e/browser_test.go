// Package e2e drives Debian's chromium through the web UI of a real Anbao
// server listening on a loopback port. The tests skip when chromium is absent,
// unless ANBAO_REQUIRE_BROWSER=1 (CI) makes that a failure.
package e2e

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/demo"
	"github.com/anbao/anbao/server"
	"github.com/anbao/anbao/store"
)

func chromiumPath(t *testing.T) string {
	for _, p := range []string{os.Getenv("ANBAO_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p == "" {
			continue
		}
		if _, err := exec.LookPath(p); err == nil {
			return p
		}
	}
	if os.Getenv("ANBAO_REQUIRE_BROWSER") == "1" {
		t.Fatal("chromium not found but ANBAO_REQUIRE_BROWSER=1")
	}
	t.Skip("chromium not installed")
	return ""
}

// startServer runs Anbao with a demo pilot on a fresh SQLite store.
func startServer(t *testing.T) string {
	t.Helper()
	u, _ := startServerStore(t)
	return u
}

// startServerStore is startServer that also returns the store, for fixtures.
func startServerStore(t *testing.T) (string, *store.Store) {
	t.Helper()
	st, err := store.Open(context.Background(), store.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ctx := anbao.WithPrincipal(context.Background(), anbao.SystemPrincipal("e2e"))
	pilot := demo.Generate(2026, 400)
	if err := st.LoadDemo(ctx, pilot); err != nil {
		t.Fatal(err)
	}
	as := demo.GenerateAssessments(pilot, 2026)
	if err := st.LoadDemoAssessments(ctx, pilot, as); err != nil {
		t.Fatal(err)
	}
	if err := st.LoadDemoUnderwriting(ctx, pilot, demo.GenerateUnderwriting(pilot, as, 2026, st.Now())); err != nil {
		t.Fatal(err)
	}
	if _, err := st.LoadDemoIncidents(ctx, 2026); err != nil {
		t.Fatal(err)
	}
	if err := st.LoadDemoPlans(ctx, 2026); err != nil {
		t.Fatal(err)
	}
	if err := st.LoadDemoProjects(ctx, 2026); err != nil {
		t.Fatal(err)
	}
	if _, err := st.LoadDemoRetail(ctx, 2026); err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(st, nil, server.Config{Demo: true, SecureCookies: true})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return ts.URL, st
}

func newBrowser(t *testing.T) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.NoSandbox,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("lang", "zh-CN"),
	)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	ctx, cancel3 := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(cancel3)
	return ctx
}

func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

func do(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// A provincial regulator logs in, filters the enterprise directory, opens an
// enterprise, switches to English and logs out.
func TestRegulatorJourney(t *testing.T) {
	base := startServer(t)
	ctx := newBrowser(t)

	do(t, ctx, "open login", chromedp.Navigate(base+"/enterprises"))
	if loc := eval[string](t, ctx, "location.pathname"); loc != "/login" {
		t.Fatalf("anonymous directory visit landed on %s, want /login", loc)
	}
	if lang := eval[string](t, ctx, "document.documentElement.lang"); lang != "zh-CN" {
		t.Errorf("default page language %q, want zh-CN", lang)
	}
	do(t, ctx, "log in",
		chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), "reg32.admin"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), demo.Password),
		chromedp.Click(chromedp.CSS(`form[action^="/login"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/logout"]`)),
	)

	// The directory, filtered to small enterprises with a search term.
	do(t, ctx, "open directory", chromedp.Navigate(base+"/enterprises"), chromedp.WaitVisible(chromedp.ID("directory-results")))
	all := eval[int](t, ctx, `document.querySelectorAll("#directory-results tr.ent-row").length`)
	if all == 0 {
		t.Fatal("directory is empty for the Jiangsu regulator")
	}
	do(t, ctx, "filter by size",
		chromedp.SetValue(chromedp.CSS(`#directory-filter select[name="size"]`), "small"),
		chromedp.Submit(chromedp.CSS(`#directory-filter`)),
	)
	var rows int
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		// htmx may push the URL a moment before it swaps the rows in: wait for both.
		if strings.Contains(eval[string](t, ctx, "location.search"), "size=small") {
			rows = eval[int](t, ctx, `document.querySelectorAll("#directory-results tr.ent-row").length`)
			if rows > 0 {
				break
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	if rows == 0 {
		t.Fatalf("filtered directory shows no rows (url %s)", eval[string](t, ctx, "location.href"))
	}
	table := text(t, ctx, "#directory-results")
	if strings.Contains(table, "广东") || strings.Contains(table, "北京") {
		t.Errorf("the Jiangsu regulator's directory shows another jurisdiction:\n%s", table)
	}
	if !strings.Contains(table, "小型") && !strings.Contains(table, "小") {
		t.Errorf("filtered rows do not show the small size class:\n%s", table)
	}

	// Open the first enterprise.
	name := text(t, ctx, "#directory-results tr.ent-row a.ent-link")
	do(t, ctx, "open enterprise", chromedp.Click(chromedp.CSS("#directory-results tr.ent-row a.ent-link")),
		chromedp.WaitVisible(chromedp.ID("org-name")))
	if got := text(t, ctx, "#org-name"); !strings.Contains(got, name) && !strings.Contains(name, got) {
		t.Errorf("enterprise page heading %q, clicked %q", got, name)
	}
	if !strings.HasPrefix(eval[string](t, ctx, "location.pathname"), "/enterprises/") {
		t.Errorf("not on an enterprise page: %s", eval[string](t, ctx, "location.pathname"))
	}

	// Switch to English on the same page.
	do(t, ctx, "switch to English", chromedp.Click(chromedp.CSS(`a[href^="/lang?l=en"]`)), chromedp.WaitVisible(chromedp.ID("org-name")))
	if lang := eval[string](t, ctx, "document.documentElement.lang"); lang != "en" {
		t.Errorf("after switching, page language %q", lang)
	}
	if body := text(t, ctx, "body"); !strings.Contains(body, "Log out") && !strings.Contains(body, "Sign out") {
		t.Errorf("English page lacks the log-out label")
	}

	// Log out: back at the login page, and the directory asks for a login again.
	do(t, ctx, "log out", chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`input[name="username"]`)))
	do(t, ctx, "directory after logout", chromedp.Navigate(base+"/enterprises"), chromedp.WaitVisible(chromedp.CSS(`input[name="username"]`)))
	if loc := eval[string](t, ctx, "location.pathname"); loc != "/login" {
		t.Errorf("after logout the directory is at %s, want /login", loc)
	}
	// The session is gone on the server too: the old cookie no longer works.
	resp, err := http.Get(base + "/api/v1/me")
	if err == nil {
		resp.Body.Close()
		if resp.StatusCode != 401 {
			t.Errorf("anonymous /api/v1/me: %d", resp.StatusCode)
		}
	}
}

// An insurer's underwriter opens risk quantification, chooses the
// five-scenario portfolio, runs it and sees the figures and both charts
// drawn, under the strict Content-Security-Policy. The page is captured to
// $ANBAO_QUANT_SCREENSHOT (default /tmp/quant.png) for a look.
func TestQuantJourney(t *testing.T) {
	base := startServer(t)
	ctx := newBrowser(t)

	do(t, ctx, "log in",
		chromedp.Navigate(base+"/login"),
		chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), "ins1.uw"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), demo.Password),
		chromedp.Click(chromedp.CSS(`form[action^="/login"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/logout"]`)),
	)
	do(t, ctx, "open /quant from the navigation",
		chromedp.Click(chromedp.CSS(`a.nav-quant`)),
		chromedp.WaitVisible(chromedp.ID("quant-model")),
		chromedp.Poll[chromedp.Void](`document.readyState === "complete"`, chromedp.WithPollingTimeout(10*time.Second)),
	)
	// Record any violation of the Content-Security-Policy from here on.
	eval[bool](t, ctx, `(document.addEventListener("securitypolicyviolation", function (e) {
		window.cspViolations = (window.cspViolations || []).concat(e.violatedDirective + " " + e.blockedURI); }), true)`)
	if n := eval[int](t, ctx, `typeof echarts === "object" ? 1 : 0`); n != 1 {
		t.Fatal("ECharts did not load")
	}
	do(t, ctx, "choose the portfolio template",
		chromedp.Evaluate[chromedp.Void](`(function () { var s = document.getElementById("quant-template");
			s.value = "portfolio5"; s.dispatchEvent(new Event("change", { bubbles: true })); })()`))
	if model := eval[string](t, ctx, `document.getElementById("quant-model").value`); !strings.Contains(model, "ransomware") {
		t.Fatalf("the editor does not hold the portfolio:\n%s", model)
	}
	do(t, ctx, "run",
		chromedp.Click(chromedp.ID("quant-run")),
		chromedp.WaitVisible(chromedp.ID("quant-ale")),
		chromedp.Poll[chromedp.Void](`document.querySelector("#quant-lec canvas") && document.querySelector("#quant-contrib canvas") &&
			document.querySelector("#quant-lec canvas").width > 0`, chromedp.WithPollingTimeout(20*time.Second)),
		chromedp.Sleep(700*time.Millisecond), // let the charts' short animation finish before the capture
	)
	ale := text(t, ctx, "#quant-ale")
	if ale == "" || !strings.Contains(ale, "元") || !strings.ContainsAny(ale, "0123456789") {
		t.Errorf("ALE cell %q", ale)
	}
	// The curve is drawn: the canvas holds more than one colour.
	colours := eval[int](t, ctx, `(function () { var c = document.querySelector("#quant-lec canvas");
		var d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data, seen = {};
		for (var i = 0; i < d.length; i += 4 * 97) { seen[d[i] + "," + d[i+1] + "," + d[i+2] + "," + d[i+3]] = 1; }
		return Object.keys(seen).length; })()`)
	if colours < 3 {
		t.Errorf("the loss exceedance curve looks empty (%d colours)", colours)
	}
	if rows := eval[int](t, ctx, `document.querySelectorAll("#quant-scenarios tbody tr").length`); rows != 5 {
		t.Errorf("%d scenario rows, want 5", rows)
	}
	if png := eval[string](t, ctx, `echarts.getInstanceByDom(document.getElementById("quant-lec")).getDataURL({type: "png"}).slice(0, 22)`); png != "data:image/png;base64," {
		t.Errorf("chart export: %q", png)
	}
	if v := eval[string](t, ctx, `(window.cspViolations || []).join("; ")`); v != "" {
		t.Errorf("Content-Security-Policy violations: %s", v)
	}
	do(t, ctx, "scroll to the top", chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`))
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	out := os.Getenv("ANBAO_QUANT_SCREENSHOT")
	if out == "" {
		out = filepath.Join(os.TempDir(), "quant.png")
	}
	if err := os.WriteFile(out, shot, 0o644); err != nil {
		t.Error(err)
	}

	// A mistake in the model shows its line beside the editor.
	do(t, ctx, "break the model",
		chromedp.Evaluate[chromedp.Void](`document.getElementById("quant-model").value = "name: x\nscenarios:\n  - id: a\n    frequncy: 1\n"`),
		chromedp.Click(chromedp.ID("quant-run")),
		chromedp.WaitVisible(chromedp.CSS(`#quant-model-errors [data-quant-line="4"]`)),
	)
	if msg := text(t, ctx, "#quant-model-errors"); !strings.Contains(msg, "第 4 行") {
		t.Errorf("model error %q", msg)
	}
}
