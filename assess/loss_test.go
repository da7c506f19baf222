package assess

import (
	"errors"
	"slices"
	"testing"

	"github.com/anbao/anbao/quant"
)

func knownControl(id string) bool {
	for _, c := range quant.Controls {
		if c.ID == id {
			return true
		}
	}
	return false
}

// TestLossInputsAccepted: quant.Library and quant.WhatIf accept every
// profile and every what-if list derived from an input.
func TestLossInputsAccepted(t *testing.T) {
	for n, in := range synthMany(300, 5) {
		p, ctl, err := LossInputs(in)
		if err != nil {
			t.Fatalf("input %d: %v", n, err)
		}
		if !slices.Equal(p.Controls, ctl) {
			t.Fatalf("input %d: controls differ", n)
		}
		r, _ := Score(Current().Version, in)
		add := WhatIfControls(r)
		for _, c := range add {
			if slices.Contains(ctl, c) {
				t.Fatalf("input %d: what-if adds %s, already in place", n, c)
			}
		}
		if _, _, err := quant.WhatIf(p, add); err != nil {
			t.Fatalf("input %d: WhatIf: %v", n, err)
		}
	}
}

func TestLossInputsCase(t *testing.T) {
	cs := loadCases(t)
	c := cs[4] // profile fills gaps
	p, _, err := LossInputs(&c.Input)
	if err != nil {
		t.Fatal(err)
	}
	want := quant.Profile{Industry: "C", Revenue: 80e6, Employees: 550, PIRecords: 3_000_000, SensitivePI: true, CII: true,
		Controls: c.Controls}
	if !slices.Equal(p.Controls, want.Controls) {
		t.Fatalf("controls %v", p.Controls)
	}
	p.Controls, want.Controls = nil, nil
	if !profileEq(p, want) {
		t.Fatalf("profile %+v, want %+v", p, want)
	}
	// An open KEV finding removes the patching credit.
	in := c.Input
	in.Findings = []Finding{{ID: "K", Type: "vulnerability", Severity: "high", KEV: true, Status: "open"}}
	_, ctl, _ := LossInputs(&in)
	if slices.Contains(ctl, "patching") {
		t.Fatal("patching credited with an open KEV finding")
	}
	in.Findings[0].Status = "fixed"
	if _, ctl, _ = LossInputs(&in); !slices.Contains(ctl, "patching") {
		t.Fatal("patching not credited once the KEV finding is fixed")
	}
	// No revenue anywhere.
	if _, _, err := LossInputs(&Input{}); !errors.Is(err, ErrNoRevenue) {
		t.Fatalf("no revenue: %v", err)
	}
}

func profileEq(a, b quant.Profile) bool {
	return a.Industry == b.Industry && a.Revenue == b.Revenue && a.Employees == b.Employees &&
		a.PIRecords == b.PIRecords && a.SensitivePI == b.SensitivePI && a.CII == b.CII
}

// TestRecommendationsNameControls: fixing MFA on remote access, when email
// and privileged MFA are in place, adds the mfa control.
func TestRecommendationsNameControls(t *testing.T) {
	c := loadCases(t)[0]
	in := c.Input
	in.Answers = cloneInput(&in).Answers
	f := false
	in.Answers["mfa_remote"] = Answer{Bool: &f}
	r, err := Score(Current().Version, &in)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Recommendations) != 1 || r.Recommendations[0].Rule != "ia.mfa_remote" ||
		!slices.Equal(r.Recommendations[0].ControlsAdded, []string{"mfa"}) || r.Grade != "C" || r.Recommendations[0].GradeIfFixed != "A" {
		t.Fatalf("%+v grade %s", r.Recommendations, r.Grade)
	}
	// 35 points of identity (weight 15) = 5.25.
	if r.Recommendations[0].Gain != 5.25 || r.Overall != 94.75 {
		t.Fatalf("gain %v overall %v", r.Recommendations[0].Gain, r.Overall)
	}
	if got := WhatIfControls(r); !slices.Equal(got, []string{"mfa"}) {
		t.Fatalf("what-if %v", got)
	}
}
