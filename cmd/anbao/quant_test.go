package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/anbao/anbao/quant"
)

const modelsDir = "../../docs/quant/models/"

// z95 is the standard normal 95th percentile.
const z95 = 1.6448536269514722

// quantCLI runs "anbao quant ARGS…" in-process and returns its output and exit status.
func quantCLI(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), append([]string{"quant"}, args...), &out, &errb)
	if err != nil {
		code = exitCode(err)
		errb.WriteString("\nanbao: " + err.Error())
	}
	return out.String(), errb.String(), code
}

func quantJSON[T any](t *testing.T, args ...string) *T {
	t.Helper()
	out, errs, code := quantCLI(t, append(args, "--format", "json")...)
	if code != 0 {
		t.Fatalf("anbao quant %v: exit %d\n%s", args, code, errs)
	}
	var v T
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("anbao quant %v: %v\n%s", args, err, out)
	}
	return &v
}

// lognormalMean is the mean of a lognormal given by its 90% interval.
func lognormalMean(lo, hi float64) float64 {
	mu := (math.Log(lo) + math.Log(hi)) / 2
	sigma := (math.Log(hi) - math.Log(lo)) / (2 * z95)
	return math.Exp(mu + sigma*sigma/2)
}

// pertMean is the mean of a (modified, λ = 4) PERT.
func pertMean(lo, mode, hi float64) float64 { return (lo + 4*mode + hi) / 6 }

// within fails unless got is within k standard errors of want.
func within(t *testing.T, what string, got, want, se, k float64) {
	t.Helper()
	if !(se > 0) || math.Abs(got-want) > k*se {
		t.Errorf("%s = %.6g, want %.6g ± %g·%.4g (off by %.2f SE)", what, got, want, k, se, math.Abs(got-want)/se)
	}
}

func TestQuantSingleAnalytic(t *testing.T) {
	r := quantJSON[quant.Result](t, "run", modelsDir+"single.yaml", "--trials", "200000")
	want := 0.5 * lognormalMean(50_000, 2_500_000)
	within(t, "ALE", r.Mean, want, r.MeanSE, 4)
	p := 1 - math.Exp(-0.5) // P(at least one event)
	within(t, "P(loss > 0)", r.PLoss, p, math.Sqrt(p*(1-p)/float64(r.Trials)), 4)
	if r.Trials != 200000 || r.Seed != 1 || r.Engine != quant.EngineVersion || r.Currency != "CNY" {
		t.Errorf("run = %d trials, seed %d, engine %s, currency %s", r.Trials, r.Seed, r.Engine, r.Currency)
	}
	// Reproducible whatever the number of workers.
	a, _, _ := quantCLI(t, "run", modelsDir+"single.yaml", "--trials", "5000", "--seed", "7", "--workers", "1", "--format", "json")
	b, _, _ := quantCLI(t, "run", "--workers", "3", modelsDir+"single.yaml", "--trials", "5000", "--seed", "7", "--format", "json")
	if a != b || a == "" {
		t.Error("the same seed gave different results with 1 and 3 workers")
	}
}

func TestQuantSimpleProduct(t *testing.T) {
	r := quantJSON[quant.Result](t, "run", modelsDir+"simple.yaml")
	want := pertMean(0.1, 0.5, 2) * pertMean(50_000, 250_000, 2_500_000)
	within(t, "ALE", r.Mean, want, r.MeanSE, 4)
	if r.PLoss != 1 || r.Min <= 0 {
		t.Errorf("product semantics: P(loss > 0) = %v, min = %v; want a loss every year", r.PLoss, r.Min)
	}
	if r.Trials != quant.DefaultTrials {
		t.Errorf("default trials = %d, want %d", r.Trials, quant.DefaultTrials)
	}
}

// pertVulnerability is P(TC > RS) for independent PERTs, by quadrature.
func pertVulnerability(tc, rs [3]float64) float64 {
	pdf := func(p [3]float64, x float64) float64 {
		lo, m, hi := p[0], p[1], p[2]
		if x <= lo || x >= hi {
			return 0
		}
		a := 1 + 4*(m-lo)/(hi-lo)
		b := 1 + 4*(hi-m)/(hi-lo)
		la, _ := math.Lgamma(a)
		lb, _ := math.Lgamma(b)
		lab, _ := math.Lgamma(a + b)
		u := (x - lo) / (hi - lo)
		return math.Exp(lab-la-lb+(a-1)*math.Log(u)+(b-1)*math.Log1p(-u)) / (hi - lo)
	}
	const n = 200_000
	h := 1.0 / n
	var v, cdfRS, prevRS float64
	for i := 1; i <= n; i++ {
		x := float64(i) * h
		f := pdf(rs, x)
		cdfRS += (prevRS + f) / 2 * h
		prevRS = f
		v += pdf(tc, x) * cdfRS * h
	}
	return v
}

func TestQuantFAIRTree(t *testing.T) {
	r := quantJSON[quant.Result](t, "run", modelsDir+"fair-tree.yaml")
	if len(r.Scenarios) != 1 {
		t.Fatalf("scenarios = %+v", r.Scenarios)
	}
	v := pertVulnerability([3]float64{0.3, 0.6, 0.95}, [3]float64{0.5, 0.7, 0.9})
	got := r.Scenarios[0].Vulnerability
	// The engine estimates V as the share of trials with TC > RS.
	within(t, "vulnerability", got, v, math.Sqrt(v*(1-v)/float64(r.Trials)), 4)
	// Product semantics with a scalar vulnerability: the mean is exact given it.
	tef := pertMean(2, 10, 40) * pertMean(0.2, 0.5, 0.8)
	lm := pertMean(50_000, 250_000, 2_500_000) + pertMean(0.1, 0.3, 0.6)*pertMean(10_000, 100_000, 1_000_000)
	within(t, "ALE", r.Mean, tef*got*lm, r.MeanSE, 4)
	if len(r.Warnings) == 0 || r.Warnings[0].Code != quant.WarnProductTail {
		t.Errorf("warnings = %+v, want the product-semantics warning", r.Warnings)
	}
}

var portfolio5 = []struct {
	id       string
	rate     float64
	low, hig float64
}{
	{"ransomware", 0.10, 200e3, 10e6},
	{"data_breach", 0.15, 100e3, 8e6},
	{"bec", 0.50, 20e3, 1.5e6},
	{"ddos", 0.30, 10e3, 2e6},
	{"supply_chain", 0.05, 100e3, 15e6},
}

func TestQuantPortfolio(t *testing.T) {
	r := quantJSON[quant.Result](t, "run", modelsDir+"portfolio5.yaml", "--levels", "0.9,0.99")
	var want, shares float64
	if len(r.Scenarios) != len(portfolio5) {
		t.Fatalf("scenarios = %+v", r.Scenarios)
	}
	for i, s := range portfolio5 {
		m := s.rate * lognormalMean(s.low, s.hig)
		want += m
		got := r.Scenarios[i]
		if got.ID != s.id {
			t.Errorf("scenario %d = %s, want %s", i, got.ID, s.id)
		}
		within(t, s.id+" mean", got.Mean, m, got.MeanSE, 4)
		shares += got.MeanShare
	}
	within(t, "ALE", r.Mean, want, r.MeanSE, 4)
	if math.Abs(shares-1) > 1e-9 {
		t.Errorf("mean shares sum to %v", shares)
	}
	if len(r.Risk) != 2 || r.Risk[0].Level != 0.9 || r.Risk[1].Level != 0.99 {
		t.Fatalf("risk levels = %+v, want 0.9 and 0.99", r.Risk)
	}
	for li, lv := range r.Risk {
		var sum float64
		for _, s := range r.Scenarios {
			sum += s.TVaR[li].Value
		}
		if math.Abs(sum-lv.TVaR) > 1e-9*lv.TVaR {
			t.Errorf("TVaR %v: contributions sum to %v, want %v", lv.Level, sum, lv.TVaR)
		}
	}
}

func TestQuantCompare(t *testing.T) {
	src, err := os.ReadFile(modelsDir + "single.yaml")
	if err != nil {
		t.Fatal(err)
	}
	after := filepath.Join(t.TempDir(), "after.yaml")
	halved := strings.Replace(string(src), "frequency: 0.5", "frequency: 0.25", 1)
	if err := os.WriteFile(after, []byte(halved), 0o600); err != nil {
		t.Fatal(err)
	}
	c := quantJSON[quant.Comparison](t, "run", modelsDir+"single.yaml", "--compare", after)
	want := 0.25 * lognormalMean(50_000, 2_500_000)
	within(t, "ALE reduction", c.ALEReduction, want, c.ALEReductionSE, 4)
	within(t, "ALE before", c.Before.Mean, 2*want, c.Before.MeanSE, 4)
	within(t, "ALE after", c.After.Mean, want, c.After.MeanSE, 4)
	if len(c.VaRReduction) != len(quant.DefaultLevels) {
		t.Errorf("VaR reductions = %+v", c.VaRReduction)
	}

	out, errs, code := quantCLI(t, "run", modelsDir+"single.yaml", "--compare", after, "--trials", "20000")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	for _, s := range []string{"Before", "After", "Reduction", "ALE (mean)", "VaR 99%", "TVaR 99%", "20,000 trials"} {
		if !strings.Contains(out, s) {
			t.Errorf("comparison report lacks %q:\n%s", s, out)
		}
	}
	out, _, _ = quantCLI(t, "run", modelsDir+"single.yaml", "--compare", after, "--trials", "20000", "--format", "csv")
	if !strings.HasPrefix(out, "metric,before,after,reduction\n") || !strings.Contains(out, "\nmean_reduction_se,,,") {
		t.Errorf("comparison CSV:\n%s", out)
	}
}

func TestQuantTable(t *testing.T) {
	out, errs, code := quantCLI(t, "run", modelsDir+"portfolio5.yaml")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	for _, s := range []string{
		"五场景组合 Five-scenario portfolio (" + modelsDir + "portfolio5.yaml)",
		quant.EngineVersion, "100,000 trials, seed 1", "CNY", "ALE (mean)", "(standard error)",
		"Standard deviation", "P(loss > 0)", "95% CI", "99.9%", "VaR", "TVaR 99.5%",
		"ransomware", "supply_chain", "Warnings", "scenarios[3].magnitude",
	} {
		if !strings.Contains(out, s) {
			t.Errorf("report lacks %q:\n%s", s, out)
		}
	}
	if !regexp.MustCompile(`ALE \(mean\) +\d{1,3}(,\d{3})+ ± \d{1,3}(,\d{3})*`).MatchString(out) {
		t.Errorf("ALE is not written with thousands separators:\n%s", out)
	}
	if !regexp.MustCompile(`Run +100,000 trials, seed 1, \d+ workers?, \d+(\.\d+)? m?s\n`).MatchString(out) {
		t.Errorf("report lacks the elapsed time:\n%s", out)
	}
}

func TestQuantCSVAndLEC(t *testing.T) {
	lec := filepath.Join(t.TempDir(), "lec.csv")
	out, errs, code := quantCLI(t, "run", modelsDir+"single.yaml", "--trials", "50000", "--format", "csv", "--lec", lec, "--lec-points", "25")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(rows) < 10 || rows[0][0] != "metric" || rows[0][1] != "value" {
		t.Fatalf("summary CSV (%v):\n%s", err, out)
	}
	got := map[string]string{}
	for _, r := range rows[1:] {
		got[r[0]] = r[1]
	}
	r := quantJSON[quant.Result](t, "run", modelsDir+"single.yaml", "--trials", "50000")
	if got["mean"] != strconv.FormatFloat(r.Mean, 'g', -1, 64) || got["trials"] != "50000" || got["engine"] != quant.EngineVersion {
		t.Errorf("CSV mean %s, trials %s, engine %s; JSON mean %v", got["mean"], got["trials"], got["engine"], r.Mean)
	}
	for _, k := range []string{"mean_se", "sd", "p_loss", "quantile_0.99", "quantile_0.99_ci_low", "var_0.99", "tvar_0.99", "scenario.incident.mean_share", "scenario.incident.tvar_share_0.99"} {
		if _, ok := got[k]; !ok {
			t.Errorf("CSV lacks %s", k)
		}
	}

	data, err := os.ReadFile(lec)
	if err != nil {
		t.Fatal(err)
	}
	pts, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil || len(pts) < 3 || pts[0][0] != "loss" || pts[0][1] != "probability" {
		t.Fatalf("LEC file (%v):\n%s", err, data)
	}
	prevLoss, prevP := math.Inf(-1), 1.0
	for _, p := range pts[1:] {
		loss, _ := strconv.ParseFloat(p[0], 64)
		prob, _ := strconv.ParseFloat(p[1], 64)
		if loss < prevLoss || prob > prevP || prob <= 0 {
			t.Fatalf("LEC not a decreasing curve by ascending loss at %v:\n%s", p, data)
		}
		prevLoss, prevP = loss, prob
	}
}

func TestQuantBadFile(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("name: bad\nscenarios:\n  - id: a\n    frequncy: 0.5\n    magnitude: 1\n"), 0o600)
	_, errs, code := quantCLI(t, "run", bad)
	if code != 1 || !strings.Contains(errs, bad+`: line 4, column 5: scenarios[0].frequncy: unknown key "frequncy" (did you mean "frequency"?)`) {
		t.Errorf("exit %d, stderr:\n%s", code, errs)
	}
	invalid := filepath.Join(dir, "invalid.yaml")
	os.WriteFile(invalid, []byte("frequency: 0.5\nmagnitude:\n  dist: pert\n  low: 10\n  mode: 5\n  high: 20\n"), 0o600)
	_, errs, code = quantCLI(t, "run", invalid)
	if code != 1 || !strings.Contains(errs, invalid+": line 5, column 3: scenarios[0].magnitude.mode: ") {
		t.Errorf("exit %d, stderr:\n%s", code, errs)
	}
	// A bad --compare file is reported the same way.
	_, errs, code = quantCLI(t, "run", modelsDir+"single.yaml", "--compare", bad)
	if code != 1 || !strings.Contains(errs, bad+": line 4, column 5:") {
		t.Errorf("exit %d, stderr:\n%s", code, errs)
	}
	_, _, code = quantCLI(t, "run", filepath.Join(dir, "missing.yaml"))
	if code != 1 {
		t.Errorf("missing file: exit %d, want 1", code)
	}
}

func TestQuantBadFlags(t *testing.T) {
	single := modelsDir + "single.yaml"
	for _, args := range [][]string{
		{},
		{"simulate", single},
		{"run"},
		{"run", single, single},
		{"run", single, "--trials", "0"},
		{"run", single, "--trials", "many"},
		{"run", single, "--trials", "10"}, // below the engine's minimum
		{"run", single, "--format", "xml"},
		{"run", single, "--levels", "0.9,1.5"},
		{"run", single, "--quantiles", "0"},
		{"run", single, "--lec-points", "0"},
		{"run", single, "--workers", "-1"},
		{"run", single, "--seed", "-1"},
		{"run", single, "--no-such-flag"},
	} {
		_, errs, code := quantCLI(t, args...)
		if code != 2 {
			t.Errorf("anbao quant %s: exit %d, want 2\n%s", strings.Join(args, " "), code, errs)
		} else if !strings.Contains(errs, "Usage: anbao quant run") {
			t.Errorf("anbao quant %s: no usage printed\n%s", strings.Join(args, " "), errs)
		}
	}
}
