package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/anbao/anbao/demo"
	"github.com/chromedp/chromedp"
)

// login opens the login page and logs in as a demo user.
func login(t *testing.T, ctx context.Context, base, user string) {
	t.Helper()
	do(t, ctx, "log in as "+user,
		chromedp.Navigate(base+"/login"),
		chromedp.SendKeys(chromedp.CSS(`input[name="username"]`), user),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), demo.Password),
		chromedp.Click(chromedp.CSS(`form[action^="/login"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/logout"]`)),
	)
}

// canvasColours counts the colours sampled from the canvas in box: a drawn chart has several.
func canvasColours(t *testing.T, ctx context.Context, box string) int {
	return eval[int](t, ctx, `(function () { var c = document.querySelector("#`+box+` canvas"); if (!c) { return 0; }
		var d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data, seen = {};
		for (var i = 0; i < d.length; i += 4 * 97) { seen[d[i] + "," + d[i+1] + "," + d[i+2] + "," + d[i+3]] = 1; }
		return Object.keys(seen).length; })()`)
}

// The enterprise admin opens the assessment from the enterprise page: the
// score with its explanation, the factor chart, the expected loss with its
// curve and the what-if table, the history; then shares the assessment with
// an insurer and stops sharing. The methodology page is one click away.
func TestAssessmentJourney(t *testing.T) {
	base := startServer(t)
	ctx := newBrowser(t)
	login(t, ctx, base, "ent1.admin")
	do(t, ctx, "open my organisation's enterprise page, then the assessment",
		chromedp.Navigate(base+"/enterprises"),
		chromedp.Evaluate[chromedp.Void](`location.href = "/enterprises/" + document.querySelector("a.nav-myorg").getAttribute("href").split("/").pop()`),
		chromedp.WaitVisible(chromedp.ID("to-riskprofile")),
	)
	entPage := eval[string](t, ctx, `location.pathname`)
	// The risk profile: add an internet-facing domain to the inventory.
	do(t, ctx, "add an asset to the risk profile",
		chromedp.Click(chromedp.ID("to-riskprofile")),
		chromedp.WaitReady(chromedp.ID("rp-asset-new")),
		chromedp.SetValue(chromedp.ID("asset-new-kind"), "domain"),
		chromedp.SetValue(chromedp.ID("asset-new-value"), "shop.ent1-e2e.cn"),
		chromedp.Evaluate[chromedp.Void](`document.getElementById("rp-asset-new").requestSubmit()`),
		chromedp.Poll[chromedp.Void](`document.getElementById("rp-assets-table") && document.getElementById("rp-assets-table").innerText.indexOf("shop.ent1-e2e.cn") >= 0`,
			chromedp.WithPollingTimeout(10*time.Second)),
	)
	do(t, ctx, "back to the enterprise, then the questionnaire",
		chromedp.Navigate(base+entPage),
		chromedp.WaitVisible(chromedp.ID("to-questionnaire")),
		chromedp.Click(chromedp.ID("to-questionnaire")),
		chromedp.WaitVisible(chromedp.ID("qn-form")),
	)
	// Answer a question in the questionnaire and save: the answer is kept, as a new revision.
	do(t, ctx, "answer MFA on remote access: yes, and save",
		chromedp.Click(chromedp.CSS(`input[name="q_mfa_remote"][value="yes"]`)),
		chromedp.Click(chromedp.ID("qn-save")),
		chromedp.WaitVisible(chromedp.CSS(`.alert-success`)),
	)
	if !eval[bool](t, ctx, `document.querySelector('input[name="q_mfa_remote"][value="yes"]').checked`) {
		t.Fatal("the saved answer is not shown")
	}
	do(t, ctx, "open the score",
		chromedp.Click(chromedp.ID("to-score")),
		chromedp.WaitVisible(chromedp.ID("asm-overall")),
		chromedp.Poll[chromedp.Void](`document.readyState === "complete"`, chromedp.WithPollingTimeout(10*time.Second)),
	)
	eval[bool](t, ctx, `(document.addEventListener("securitypolicyviolation", function (e) {
		window.cspViolations = (window.cspViolations || []).concat(e.violatedDirective + " " + e.blockedURI); }), true)`)
	do(t, ctx, "charts drawn", chromedp.Poll[chromedp.Void](`document.querySelector("#asm-factor-chart canvas") && document.querySelector("#asm-lec-chart canvas")`,
		chromedp.WithPollingTimeout(10*time.Second)), chromedp.Sleep(700*time.Millisecond))
	score := text(t, ctx, "#asm-overall")
	if score == "" || !strings.ContainsAny(score, "0123456789") {
		t.Errorf("score %q", score)
	}
	if g := text(t, ctx, "#asm-grade"); len(g) != 1 || !strings.Contains("ABCDE", g) {
		t.Errorf("grade %q", g)
	}
	for _, box := range []string{"asm-factor-chart", "asm-lec-chart"} {
		if n := canvasColours(t, ctx, box); n < 3 {
			t.Errorf("%s looks empty (%d colours)", box, n)
		}
	}
	if ale := text(t, ctx, "#asm-ale"); !strings.Contains(ale, "元") {
		t.Errorf("ALE %q", ale)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll("#asm-recs tbody tr").length`); n == 0 {
		t.Error("no recommendations")
	}
	if n := eval[int](t, ctx, `document.querySelectorAll("#asm-history tbody tr").length`); n < 2 {
		t.Errorf("%d history rows, want the June score and the current one", n)
	}

	// Share with the first insurer offered, then stop.
	insurer := eval[string](t, ctx, `(function () { var s = document.getElementById("share-insurer"); return s ? s.options[s.selectedIndex].text : ""; })()`)
	if insurer == "" {
		t.Fatal("no insurer offered to share with")
	}
	do(t, ctx, "share", chromedp.Click(chromedp.ID("share-submit")), chromedp.WaitVisible(chromedp.CSS(".alert-success")))
	row := eval[string](t, ctx, `Array.from(document.querySelectorAll("#asm-shares tbody tr")).map(function (r) { return r.innerText; }).filter(function (x) { return x.indexOf(`+jsString(insurer)+`) >= 0; }).join("|")`)
	if !strings.Contains(row, "共享中") {
		t.Fatalf("after sharing, the row of %s reads %q", insurer, row)
	}
	do(t, ctx, "reload without the flash", chromedp.Evaluate[chromedp.Void](`location.href = location.pathname`),
		chromedp.WaitVisible(chromedp.ID("asm-shares")), chromedp.WaitNotPresent(chromedp.CSS(".alert-success")))
	eval[bool](t, ctx, `(window.confirm = function () { return true; }, true)`)
	do(t, ctx, "stop sharing",
		chromedp.Evaluate[chromedp.Void](`Array.from(document.querySelectorAll("#asm-shares tbody tr")).filter(function (r) { return r.innerText.indexOf(`+jsString(insurer)+`) >= 0; })[0].querySelector("button").click()`),
		chromedp.WaitVisible(chromedp.CSS(".alert-success")))
	row = eval[string](t, ctx, `Array.from(document.querySelectorAll("#asm-shares tbody tr")).map(function (r) { return r.innerText; }).filter(function (x) { return x.indexOf(`+jsString(insurer)+`) >= 0; }).join("|")`)
	if !strings.Contains(row, "已于") {
		t.Errorf("after stopping, the row of %s reads %q", insurer, row)
	}
	if v := eval[string](t, ctx, `(window.cspViolations || []).join("; ")`); v != "" {
		t.Errorf("Content-Security-Policy violations: %s", v)
	}
	do(t, ctx, "open the methodology", chromedp.Click(chromedp.CSS(`a.nav-methodology`)), chromedp.WaitVisible(chromedp.ID("meth-rules")))
	if n := eval[int](t, ctx, `document.querySelectorAll("#meth-versions tbody tr").length`); n < 2 {
		t.Errorf("%d methodology versions listed", n)
	}
}

func jsString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}
