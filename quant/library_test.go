package quant

import (
	"context"
	"errors"
	"math"
	"slices"
	"testing"
)

func medium() Profile {
	return Profile{Industry: "C", Revenue: 100e6, Employees: 300 - 1, PIRecords: 20000}
}

// annualMean is the analytic mean of a library scenario: rate × lognormal mean.
func annualMean(t *testing.T, sc Scenario) float64 {
	t.Helper()
	s, errs := compileDist("m", sc.Magnitude, roleMagnitude)
	if errs != nil {
		t.Fatal(errs)
	}
	return *sc.Frequency.Value * s.mean()
}

func scenarioByID(t *testing.T, m *Model, id string) Scenario {
	t.Helper()
	for _, s := range m.Scenarios {
		if s.ID == id {
			return s
		}
	}
	t.Fatalf("no scenario %q", id)
	return Scenario{}
}

func TestLibraryModelIsValidAndRuns(t *testing.T) {
	m, err := Library(medium())
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	ids := []string{}
	want := 0.0
	for _, s := range m.Scenarios {
		ids = append(ids, s.ID)
		want += annualMean(t, s)
	}
	if !slices.Equal(ids, []string{"ransomware", "data_breach", "bec", "ddos_bi", "supply_chain"}) {
		t.Errorf("scenarios %v", ids)
	}
	r, err := Simulate(context.Background(), m, Options{Trials: 200_000, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(r.Mean-want) > 4*r.MeanSE {
		t.Errorf("library ALE %v, analytic %v ± %v", r.Mean, want, 4*r.MeanSE)
	}
	if len(r.Warnings) != 0 {
		t.Errorf("the library should not trigger warnings: %+v", r.Warnings)
	}
}

// Worked by hand for the medium manufacturer (section C, factor 1; medium,
// factor 1; ¥100M revenue): ransomware rate 0.04, median ¥300,000 + 7 × 0.5
// × ¥273,973 = ¥1,258,904, 90% interval median ÷/× exp(1.6449 × 1.2) = 7.1980, so [174,900, 9,061,600]
// rounded to three significant digits.
func TestLibraryHandWorked(t *testing.T) {
	m, _ := Library(medium())
	rw := scenarioByID(t, m, "ransomware")
	if *rw.Frequency.Value != 0.04 {
		t.Errorf("rate %v, want 0.04", *rw.Frequency.Value)
	}
	if lo, hi := *rw.Magnitude.Low, *rw.Magnitude.High; lo != 175000 || hi != 9060000 {
		t.Errorf("ransomware 90%% interval [%v, %v], want [175000, 9060000]", lo, hi)
	}
	// CII and finance raise every rate: 0.04 × 1.3 × 1.5 = 0.078.
	p := medium()
	p.Industry, p.CII = "J", true
	m2, _ := Library(p)
	if v := *scenarioByID(t, m2, "ransomware").Frequency.Value; v != 0.078 {
		t.Errorf("finance CII ransomware rate %v, want 0.078", v)
	}
}

func TestLibraryMonotone(t *testing.T) {
	prev := map[string]float64{}
	for _, rev := range []float64{1e6, 5e6, 30e6, 100e6, 1e9, 2e10} {
		p := medium()
		p.Revenue = rev
		m, err := Library(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range m.Scenarios {
			med := math.Sqrt(*s.Magnitude.Low * *s.Magnitude.High)
			if med < prev[s.ID]*(1-1e-2) {
				t.Errorf("revenue %v lowered the %s magnitude: %v < %v", rev, s.ID, med, prev[s.ID])
			}
			prev[s.ID] = med
		}
	}
	last := 0.0
	for _, recs := range []int64{1000, 10_000, 100_000, 1_000_000, 100_000_000} {
		p := medium()
		p.PIRecords = recs
		m, _ := Library(p)
		s := scenarioByID(t, m, "data_breach")
		if *s.Magnitude.High <= last {
			t.Errorf("%d records did not raise the data-breach magnitude", recs)
		}
		last = *s.Magnitude.High
	}
}

// Each control moves exactly the scenarios it names, by its factor.
func TestControlsEffects(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range Controls {
		if seen[c.ID] || c.NameZH == "" || c.NameEN == "" || c.Source == "" || len(c.Effects) == 0 {
			t.Errorf("control %q: duplicate or incomplete", c.ID)
		}
		seen[c.ID] = true
		before, after, err := WhatIf(medium(), []string{c.ID})
		if err != nil {
			t.Fatal(err)
		}
		for i, sb := range before.Scenarios {
			sa := after.Scenarios[i]
			want := 1.0
			for _, e := range c.Effects {
				if !(e.Factor > 0 && e.Factor <= 1) || (e.Target != "frequency" && e.Target != "magnitude") {
					t.Errorf("%s: bad effect %+v", c.ID, e)
				}
				if slices.IndexFunc(before.Scenarios, func(s Scenario) bool { return s.ID == e.Scenario }) < 0 {
					t.Errorf("%s: effect on unknown scenario %q", c.ID, e.Scenario)
				}
				if e.Scenario == sb.ID {
					want *= e.Factor
				}
			}
			got := annualMean(t, sa) / annualMean(t, sb)
			if math.Abs(got-want) > 0.01*want { // rounding to three significant digits
				t.Errorf("%s on %s: the annual mean moved by ×%.4f, want ×%.4f", c.ID, sb.ID, got, want)
			}
		}
	}
	// The what-if comparison runs, and MFA lowers the ALE.
	before, after, _ := WhatIf(medium(), []string{"mfa"})
	cmp, err := Compare(context.Background(), before, after, Options{Trials: 100_000, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	if !(cmp.ALEReduction > 4*cmp.ALEReductionSE) {
		t.Errorf("MFA reduction %v ± %v", cmp.ALEReduction, cmp.ALEReductionSE)
	}
}

func TestLibraryRejectsBadProfiles(t *testing.T) {
	cases := []struct {
		edit func(p *Profile)
		path string
	}{
		{func(p *Profile) { p.Industry = "Z" }, "profile.industry"},
		{func(p *Profile) { p.Industry = "" }, "profile.industry"},
		{func(p *Profile) { p.Revenue = 0 }, "profile.revenue"},
		{func(p *Profile) { p.Revenue = math.NaN() }, "profile.revenue"},
		{func(p *Profile) { p.Revenue = math.Inf(1) }, "profile.revenue"},
		{func(p *Profile) { p.Employees = -1 }, "profile.employees"},
		{func(p *Profile) { p.PIRecords = -5 }, "profile.pi_records"},
		{func(p *Profile) { p.Controls = []string{"mfa", "firewall"} }, "profile.controls[1]"},
	}
	for _, c := range cases {
		p := medium()
		c.edit(&p)
		_, err := Library(p)
		var ve ValidationError
		if !errors.As(err, &ve) || ve[0].Path != c.path {
			t.Errorf("profile %+v: err %v, want a problem at %s", p, err, c.path)
		}
		if _, _, err := WhatIf(medium(), []string{"nope"}); err == nil {
			t.Error("WhatIf accepted an unknown control")
		}
	}
}

func TestScaled(t *testing.T) {
	for _, d := range []Dist{
		*pert(1, 2, 6), {Kind: KindPERT, Low: P(1), Mode: P(2), High: P(6), Variant: "pyfair"},
		*logn90(1e3, 1e5), {Kind: KindLognormal, Mean: P(10), SD: P(20)}, {Kind: KindLognormal, Mu: P(3), Sigma: P(1)},
		{Kind: KindTriangular, Low: P(0), Mode: P(1), High: P(4)}, {Kind: KindUniform, Low: P(2), High: P(3)},
		{Kind: KindNormal, Mean: P(5), SD: P(1), Truncate: true}, {Kind: KindPoisson, Mean: P(0.3)},
		{Kind: KindBeta, Alpha: P(2), Beta: P(3)}, {Kind: KindBeta, Alpha: P(2), Beta: P(3), Low: P(1), High: P(5)},
		*cnst(7),
	} {
		orig, errs := compileDist("d", &d, roleMagnitude)
		if errs != nil {
			t.Fatal(errs)
		}
		sd := d.Scaled(2.5)
		scaled, errs := compileDist("d", &sd, roleMagnitude)
		if errs != nil {
			t.Fatal(d.Kind, errs)
		}
		if got, want := scaled.mean(), 2.5*orig.mean(); math.Abs(got-want) > 1e-9*want {
			t.Errorf("%s: scaled mean %v, want %v", d.Kind, got, want)
		}
		if d.Low != nil && sd.Low == d.Low {
			t.Errorf("%s: Scaled aliases the input", d.Kind)
		}
	}
}
