package quant

import (
	"context"
	"errors"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode"
)

var libScenarioIDs = []string{"ransomware", "data_breach", "bec", "ddos_bi", "supply_chain"}

// libMediumProfile is the worked example of docs/quant/scenarios.md: a
// medium manufacturer with no controls.
func libMediumProfile() Profile {
	return Profile{Industry: "C", Revenue: 100e6, Employees: 300, PIRecords: 20_000}
}

// libLognormalMean is the mean of a lognormal given by its 90% interval,
// computed here from the textbook formula: μ = (ln low + ln high)/2,
// σ = ln(high/low)/(2·1.6449), mean = exp(μ + σ²/2).
func libLognormalMean(t *testing.T, d *Dist) float64 {
	t.Helper()
	if d.Kind != KindLognormal || d.Low == nil || d.High == nil || !(*d.Low > 0 && *d.Low < *d.High) {
		t.Fatalf("not a lognormal 90%% interval: %+v", d)
	}
	const z = 1.6448536269514722
	mu := (math.Log(*d.Low) + math.Log(*d.High)) / 2
	s := (math.Log(*d.High) - math.Log(*d.Low)) / (2 * z)
	return math.Exp(mu + s*s/2)
}

// libRate is a library scenario's constant rate.
func libRate(t *testing.T, sc Scenario) float64 {
	t.Helper()
	if sc.Frequency == nil || sc.Frequency.Kind != KindConstant || sc.Frequency.Value == nil {
		t.Fatalf("%s: frequency is not a constant rate: %+v", sc.ID, sc.Frequency)
	}
	return *sc.Frequency.Value
}

// libAnnualMean is a scenario's analytic annual mean: rate × lognormal mean.
func libAnnualMean(t *testing.T, sc Scenario) float64 {
	t.Helper()
	return libRate(t, sc) * libLognormalMean(t, sc.Magnitude)
}

func libScenarioOf(t *testing.T, m *Model, id string) Scenario {
	t.Helper()
	for _, s := range m.Scenarios {
		if s.ID == id {
			return s
		}
	}
	t.Fatalf("no scenario %q", id)
	return Scenario{}
}

func libMust(t *testing.T, p Profile) *Model {
	t.Helper()
	m, err := Library(p)
	if err != nil {
		t.Fatalf("Library(%+v): %v", p, err)
	}
	return m
}

func libAllControlIDs() []string {
	var ids []string
	for _, c := range Controls {
		ids = append(ids, c.ID)
	}
	return ids
}

// Every library model, whatever the profile, is a valid compound model of
// the five scenarios, in yuan, with Chinese names and English in brackets.
func TestLibraryModelsValidate(t *testing.T) {
	var profiles []Profile
	for _, sec := range "ABCDEFGHIJKLMNOPQRST" {
		for _, size := range []struct {
			rev float64
			emp int
		}{{2e5, 0}, {5e6, 15}, {100e6, 300}, {5e9, 20_000}} {
			profiles = append(profiles, Profile{Industry: string(sec), Revenue: size.rev, Employees: size.emp})
		}
	}
	profiles = append(profiles,
		Profile{Industry: "J", Revenue: 10e9, Employees: 5000, PIRecords: 10_000_000, SensitivePI: true, CII: true, Controls: libAllControlIDs()},
		Profile{Industry: "65", Revenue: 30e6, Employees: 80, PIRecords: 200_000, Controls: []string{"mfa", "mfa"}},
		Profile{Industry: "Q", Revenue: 1, PIRecords: 1e11},
		Profile{Industry: "D", Revenue: 1e14, Employees: 1e7, CII: true},
	)
	for _, p := range profiles {
		m := libMust(t, p)
		if err := m.Validate(); err != nil {
			t.Fatalf("profile %+v: library model invalid: %v", p, err)
		}
		if m.Currency != "CNY" || m.Semantics != Compound || !strings.Contains(m.Name, LibraryVersion) {
			t.Errorf("profile %+v: model header %q %q %q", p, m.Name, m.Currency, m.Semantics)
		}
		var ids []string
		for _, s := range m.Scenarios {
			ids = append(ids, s.ID)
			zh, en, ok := strings.Cut(s.Name, " (")
			if !ok || !strings.HasSuffix(en, ")") || !strings.ContainsFunc(zh, func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
				t.Errorf("%s: name %q is not \"中文 (English)\"", s.ID, s.Name)
			}
			if r := libRate(t, s); !(r > 0) {
				t.Errorf("%s: rate %v", s.ID, r)
			}
			libLognormalMean(t, s.Magnitude)
			if ratio := *s.Magnitude.High / *s.Magnitude.Low; ratio > 100 {
				t.Errorf("%s: 90%% interval spans ×%.0f, over the engine's warning limit", s.ID, ratio)
			}
		}
		if !slices.Equal(ids, libScenarioIDs) {
			t.Fatalf("scenarios %v, want %v", ids, libScenarioIDs)
		}
	}
}

// The engine's simulated mean of a library model matches the analytic sum
// of rate × mean loss, and the model draws no warnings.
func TestLibrarySimulates(t *testing.T) {
	m := libMust(t, libMediumProfile())
	want := 0.0
	for _, s := range m.Scenarios {
		want += libAnnualMean(t, s)
	}
	r, err := Simulate(context.Background(), m, Options{Trials: 200_000, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(r.Mean-want) > 4*r.MeanSE {
		t.Errorf("simulated ALE %.0f, analytic %.0f (4 SE = %.0f)", r.Mean, want, 4*r.MeanSE)
	}
	if len(r.Warnings) != 0 {
		t.Errorf("library model draws warnings: %+v", r.Warnings)
	}
}

// The worked example of docs/quant/scenarios.md, with the constants written
// out so that a change to the calibration shows here.
func TestLibraryWorkedExample(t *testing.T) {
	m := libMust(t, libMediumProfile())
	if !strings.Contains(m.Name, "section C, medium") {
		t.Errorf("model name %q: want section C, medium", m.Name)
	}
	round3 := func(x float64) float64 { return roundSig(x, 3) }
	daily := 100e6 / 365
	scale := math.Pow(100e6/(50e6*7.1), 0.25) // revenue over the $50M reference, elasticity 0.25
	usCost := func(usd float64) float64 { return usd * 7.1 * 0.40 * scale }
	fromMean := func(mean, sigma float64) (float64, float64) {
		med := mean * math.Exp(-sigma*sigma/2)
		w := math.Exp(1.6448536269514722 * sigma)
		return round3(med / w), round3(med * w)
	}
	// Industry C ×1.1, medium ×1.
	want := map[string]struct{ rate, low, high float64 }{
		"ransomware": {0.033, round3(1*0.5*daily + usCost(20e3)), round3(21*0.5*daily + usCost(1e6))},
		"ddos_bi":    {0.044, round3(2.0/24*0.3*daily + usCost(5e3)), round3(48.0/24*0.3*daily + usCost(150e3))},
		"supply_chain": {0.033, round3(0.25*0.3*daily + usCost(10e3)),
			round3(6*0.3*daily + usCost(300e3))},
	}
	// Data breach: IBM $4.88M × (20,000/15,400)^0.53 × E[share^0.53] × 7.1 ×
	// 0.75 × (¥100M/¥7.1bn)^0.6.
	exposed := (1 - math.Pow(0.01, 0.53)) / (0.53 * math.Log(100))
	breach := 4.88e6 * math.Pow(20_000/15_400.0, 0.53) * exposed * 7.1 * 0.75 * math.Pow(100e6/7.1e9, 0.6)
	lo, hi := fromMean(breach, 1.35)
	want["data_breach"] = struct{ rate, low, high float64 }{0.044, lo, hi}
	// BEC: $129k × 7.1 × scale, under the cap of 2% of revenue.
	lo, hi = fromMean(math.Min(129e3*7.1*scale, 0.02*100e6), 1.35)
	want["bec"] = struct{ rate, low, high float64 }{0.11, lo, hi}

	for id, w := range want {
		s := libScenarioOf(t, m, id)
		if r := libRate(t, s); r != w.rate {
			t.Errorf("%s: rate %v, want %v", id, r, w.rate)
		}
		if *s.Magnitude.Low != w.low || *s.Magnitude.High != w.high {
			t.Errorf("%s: 90%% interval [%v, %v], want [%v, %v]", id, *s.Magnitude.Low, *s.Magnitude.High, w.low, w.high)
		}
	}
	// The figures quoted in the documentation.
	if got := libScenarioOf(t, m, "ransomware"); *got.Magnitude.Low != 178_000 || *got.Magnitude.High != 4_950_000 {
		t.Errorf("ransomware interval [%v, %v], documented [178000, 4950000]", *got.Magnitude.Low, *got.Magnitude.High)
	}
	if math.Abs(exposed-0.374) > 0.0005 {
		t.Errorf("exposed-share factor %.4f, documented 0.374", exposed)
	}
	for class, f := range map[string]float64{sizeMicro: 0.37, sizeSmall: 0.47, sizeMedium: 1, sizeLarge: 1.17} {
		if got := libSizeFactor(class); math.Abs(got-f) > 0.005 {
			t.Errorf("size factor %s = %.4f, documented %v", class, got, f)
		}
	}
	// Finance and CII. Finance is classed by staff only, and 300 staff is
	// large (×1.166): ransomware 0.03 × 1.3 × 1.166 × 1.5 = 0.0682; BEC is not
	// raised for CII: 0.10 × 1.3 × 1.166 = 0.152.
	p := libMediumProfile()
	p.Industry, p.CII = "J", true
	m2 := libMust(t, p)
	if !strings.Contains(m2.Name, "section J, large") {
		t.Errorf("model name %q: want section J, large", m2.Name)
	}
	if r := libRate(t, libScenarioOf(t, m2, "ransomware")); r != 0.0682 {
		t.Errorf("finance CII ransomware rate %v, want 0.0682", r)
	}
	if r := libRate(t, libScenarioOf(t, m2, "bec")); r != 0.152 {
		t.Errorf("finance CII BEC rate %v, want 0.152", r)
	}
}

// The size classes follow the 2017 SME classification, by industry group.
func TestLibrarySizeClass(t *testing.T) {
	for _, c := range []struct {
		industry  string
		revenue   float64
		employees int
		want      string
	}{
		{"C", 400e6, 1000, sizeLarge},
		{"C", 1e9, 999, sizeMedium}, // large needs both bounds
		{"C", 20e6, 300, sizeMedium},
		{"C", 3e6, 20, sizeSmall},
		{"C", 2.99e6, 500, sizeMicro},
		{"C", 1e9, 0, sizeLarge}, // staff not known: revenue decides
		{"52", 200e6, 300, sizeLarge},
		{"51", 200e6, 300, sizeMedium}, // wholesale: large from ¥400M
		{"F", 200e6, 300, sizeLarge},   // a bare F is classed as retail
		{"J", 1e12, 50, sizeSmall},     // finance: staff only
		{"J", 1e12, 0, sizeLarge},      // … unless unknown: the revenue fallback
		{"A", 200e6, 0, sizeLarge},
		{"A", 0.4e6, 5000, sizeMicro}, // agriculture: revenue only
		{"E", 60e6, 3, sizeMedium},
		{"65", 100e6, 300, sizeLarge},
		{"64", 100e6, 300, sizeMedium}, // telecom: large from 2,000 staff and ¥1bn
		{"I", 0.5e6, 10, sizeSmall},
	} {
		sec, div, ok := libIndustry(c.industry)
		if !ok {
			t.Fatalf("industry %q not read", c.industry)
		}
		if got := libSizeClass(sec, div, c.revenue, c.employees); got != c.want {
			t.Errorf("%s, ¥%v, %d staff: %s, want %s", c.industry, c.revenue, c.employees, got, c.want)
		}
	}
}

func TestLibraryIndustryCodes(t *testing.T) {
	for in, want := range map[string]string{"C": "C", "c": "C", " C ": "C", "13": "C", "43": "C", "44": "D", "65": "I", "01": "A", "97": "T", "70": "K"} {
		if sec, _, ok := libIndustry(in); !ok || sec != want {
			t.Errorf("industry %q: section %q %v, want %q", in, sec, ok, want)
		}
	}
	for _, in := range []string{"", "Z", "U", "CC", "00", "98", "6", "1a", "-1"} {
		if _, _, ok := libIndustry(in); ok {
			t.Errorf("industry %q accepted", in)
		}
	}
	// A division and its section give the same rates.
	p, q := libMediumProfile(), libMediumProfile()
	p.Industry, q.Industry = "65", "I"
	a, b := libMust(t, p), libMust(t, q)
	for i := range a.Scenarios {
		if libRate(t, a.Scenarios[i]) != libRate(t, b.Scenarios[i]) {
			t.Errorf("%s: division 65 and section I differ", a.Scenarios[i].ID)
		}
	}
}

// More revenue never lowers a magnitude (nor a rate, through the size
// class); more records never lower the data-breach magnitude.
func TestLibraryMonotone(t *testing.T) {
	revenues := []float64{1e5, 1e6, 3e6, 1e7, 2e7, 5e7, 1e8, 2e8, 4e8, 1e9, 7.1e9, 1e10, 1e12, 1e14}
	for _, sec := range []string{"A", "C", "E", "F", "51", "I", "64", "J", "K", "Q"} {
		for _, emp := range []int{0, 5, 50, 500, 5000} {
			for _, sensitive := range []bool{false, true} {
				prevMean, prevRate := map[string]float64{}, map[string]float64{}
				for _, rev := range revenues {
					m := libMust(t, Profile{Industry: sec, Revenue: rev, Employees: emp, PIRecords: 50_000, SensitivePI: sensitive})
					for _, s := range m.Scenarios {
						mean, rate := libLognormalMean(t, s.Magnitude), libRate(t, s)
						if mean < prevMean[s.ID] {
							t.Errorf("%s, %d staff: revenue ¥%v lowered the %s magnitude (%v < %v)", sec, emp, rev, s.ID, mean, prevMean[s.ID])
						}
						if rate < prevRate[s.ID] {
							t.Errorf("%s, %d staff: revenue ¥%v lowered the %s rate (%v < %v)", sec, emp, rev, s.ID, rate, prevRate[s.ID])
						}
						prevMean[s.ID], prevRate[s.ID] = mean, rate
					}
				}
			}
		}
	}
	for _, rev := range []float64{1e6, 100e6, 1e10} {
		prev := 0.0
		for _, recs := range []int64{0, 1, 999, 1000, 5000, 20_000, 100_000, 1_000_000, 100_000_000, 1e11} {
			p := libMediumProfile()
			p.Revenue, p.PIRecords = rev, recs
			mean := libLognormalMean(t, libScenarioOf(t, libMust(t, p), "data_breach").Magnitude)
			if mean < prev {
				t.Errorf("revenue ¥%v: %d records lowered the data-breach magnitude (%v < %v)", rev, recs, mean, prev)
			}
			if recs >= 5000 && !(mean > prev) {
				t.Errorf("revenue ¥%v: %d records did not raise the data-breach magnitude", rev, recs)
			}
			prev = mean
		}
	}
	// Sensitive personal information raises the breach magnitude, never lowers it.
	p := libMediumProfile()
	base := libLognormalMean(t, libScenarioOf(t, libMust(t, p), "data_breach").Magnitude)
	p.SensitivePI = true
	if got := libLognormalMean(t, libScenarioOf(t, libMust(t, p), "data_breach").Magnitude); !(got > base*1.45) {
		t.Errorf("sensitive PI: breach mean %v against %v, want ×1.5", got, base)
	}
}

// The control catalogue: unique ids, complete entries, effects on existing
// scenarios with factors in (0, 1].
func TestControlsCatalogue(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range Controls {
		if c.ID == "" || seen[c.ID] {
			t.Errorf("control id %q empty or duplicate", c.ID)
		}
		seen[c.ID] = true
		if c.NameZH == "" || c.NameEN == "" || c.Source == "" || len(c.Effects) == 0 {
			t.Errorf("control %q incomplete: %+v", c.ID, c)
		}
		if !strings.ContainsFunc(c.NameZH, func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
			t.Errorf("control %q: NameZH %q has no Chinese", c.ID, c.NameZH)
		}
		targets := map[[2]string]bool{}
		for _, e := range c.Effects {
			if !slices.Contains(libScenarioIDs, e.Scenario) {
				t.Errorf("control %q: effect on unknown scenario %q", c.ID, e.Scenario)
			}
			if e.Target != TargetFrequency && e.Target != TargetMagnitude {
				t.Errorf("control %q: unknown target %q", c.ID, e.Target)
			}
			if !(e.Factor > 0 && e.Factor <= 1) {
				t.Errorf("control %q: factor %v outside (0, 1]", c.ID, e.Factor)
			}
			k := [2]string{e.Scenario, e.Target}
			if targets[k] {
				t.Errorf("control %q: two effects on %v", c.ID, k)
			}
			targets[k] = true
		}
	}
	for _, id := range []string{"mfa", "edr", "offline_backups", "patching", "email_security", "funds_transfer_controls", "training"} {
		if !seen[id] {
			t.Errorf("control %q missing", id)
		}
	}
}

// Adding one control moves each scenario's analytic annual mean by exactly
// the product of its factors on that scenario, in the right place: a
// frequency effect scales the rate only, a magnitude effect the loss only.
func TestControlEffects(t *testing.T) {
	for _, base := range []Profile{libMediumProfile(), {Industry: "Q", Revenue: 3e9, Employees: 4000, PIRecords: 2e6, SensitivePI: true, CII: true}} {
		for _, c := range Controls {
			before, after, err := WhatIf(base, []string{c.ID})
			if err != nil {
				t.Fatal(err)
			}
			for i, sb := range before.Scenarios {
				sa := after.Scenarios[i]
				wantF, wantM := 1.0, 1.0
				for _, e := range c.Effects {
					if e.Scenario != sb.ID {
						continue
					}
					if e.Target == TargetFrequency {
						wantF *= e.Factor
					} else {
						wantM *= e.Factor
					}
				}
				gotF := libRate(t, sa) / libRate(t, sb)
				gotM := libLognormalMean(t, sa.Magnitude) / libLognormalMean(t, sb.Magnitude)
				gotA := libAnnualMean(t, sa) / libAnnualMean(t, sb)
				if math.Abs(gotF-wantF) > 1e-9 || math.Abs(gotM-wantM) > 1e-9 || math.Abs(gotA-wantF*wantM) > 1e-9 {
					t.Errorf("%s on %s: rate ×%.6f (want %v), loss ×%.6f (want %v), annual mean ×%.6f", c.ID, sb.ID, gotF, wantF, gotM, wantM, gotA)
				}
				// The spread of the loss is unchanged: Scaled moves both ends.
				if rb, ra := *sb.Magnitude.High / *sb.Magnitude.Low, *sa.Magnitude.High / *sa.Magnitude.Low; math.Abs(ra-rb) > 1e-9*rb {
					t.Errorf("%s on %s: the interval's width changed", c.ID, sb.ID)
				}
			}
		}
	}
}

// Overlapping controls are floored: no scenario's rate or loss is cut more
// than five-fold, however many controls are in place.
func TestControlsCombinedFloor(t *testing.T) {
	all := libMediumProfile()
	all.Controls = libAllControlIDs()
	none, full := libMust(t, libMediumProfile()), libMust(t, all)
	for i, s := range none.Scenarios {
		f := libRate(t, full.Scenarios[i]) / libRate(t, s)
		m := libLognormalMean(t, full.Scenarios[i].Magnitude) / libLognormalMean(t, s.Magnitude)
		if f < 0.2-1e-9 || m < 0.2-1e-9 || f > 1 || m > 1 {
			t.Errorf("%s with every control: rate ×%.3f, loss ×%.3f", s.ID, f, m)
		}
	}
	// BEC's controls multiply to 0.5 × 0.6 × 0.4 × 0.8 = 0.096: the floor binds.
	if f := libRate(t, libScenarioOf(t, full, "bec")) / libRate(t, libScenarioOf(t, none, "bec")); math.Abs(f-0.2) > 1e-9 {
		t.Errorf("BEC rate with every control ×%v, want the floor 0.2", f)
	}
}

// WhatIf: before is the profile as it is, after adds the controls; adding
// one already in place changes nothing; the caller's slice is not touched;
// the engine's comparison finds the reduction the factors predict.
func TestWhatIf(t *testing.T) {
	p := libMediumProfile()
	p.Controls = make([]string, 1, 8) // spare capacity: an append would write into it
	p.Controls[0] = "training"
	before, after, err := WhatIf(p, []string{"mfa", "offline_backups"})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(before, libMust(t, p)) {
		t.Error("before is not the profile's library model")
	}
	q := p
	q.Controls = []string{"training", "mfa", "offline_backups"}
	if !reflect.DeepEqual(after, libMust(t, q)) {
		t.Error("after is not the model with the added controls")
	}
	if spare := p.Controls[:2][1]; spare != "" || len(p.Controls) != 1 {
		t.Errorf("WhatIf wrote into the caller's Controls (%q)", spare)
	}
	b2, a2, err := WhatIf(p, []string{"training"})
	if err != nil || !reflect.DeepEqual(b2, a2) {
		t.Errorf("adding a control already in place changed the model (err %v)", err)
	}

	want := 0.0
	for i := range before.Scenarios {
		want += libAnnualMean(t, before.Scenarios[i]) - libAnnualMean(t, after.Scenarios[i])
	}
	cmp, err := Compare(context.Background(), before, after, Options{Trials: 200_000, Seed: 11})
	if err != nil {
		t.Fatal(err)
	}
	if !(cmp.ALEReduction > 0) || math.Abs(cmp.ALEReduction-want) > 5*cmp.ALEReductionSE {
		t.Errorf("ALE reduction %.0f ± %.0f, analytic %.0f", cmp.ALEReduction, cmp.ALEReductionSE, want)
	}
}

// Each bad profile field gets a *FieldError naming it.
func TestLibraryRejectsBadProfiles(t *testing.T) {
	for _, c := range []struct {
		edit func(p *Profile)
		path string
		code string
	}{
		{func(p *Profile) { p.Industry = "Z" }, "profile.industry", CodeUnknownIndustry},
		{func(p *Profile) { p.Industry = "" }, "profile.industry", CodeUnknownIndustry},
		{func(p *Profile) { p.Industry = "99" }, "profile.industry", CodeUnknownIndustry},
		{func(p *Profile) { p.Revenue = 0 }, "profile.revenue", CodePositive},
		{func(p *Profile) { p.Revenue = -1e6 }, "profile.revenue", CodePositive},
		{func(p *Profile) { p.Revenue = math.NaN() }, "profile.revenue", CodeNotFinite},
		{func(p *Profile) { p.Revenue = math.Inf(1) }, "profile.revenue", CodeNotFinite},
		{func(p *Profile) { p.Revenue = 2e14 }, "profile.revenue", CodeTooLarge},
		{func(p *Profile) { p.Employees = -1 }, "profile.employees", CodeNonNegative},
		{func(p *Profile) { p.PIRecords = -5 }, "profile.pi_records", CodeNonNegative},
		{func(p *Profile) { p.PIRecords = 2e11 }, "profile.pi_records", CodeTooLarge},
		{func(p *Profile) { p.Controls = []string{"mfa", "firewall"} }, "profile.controls[1]", CodeUnknownControl},
	} {
		p := libMediumProfile()
		c.edit(&p)
		m, err := Library(p)
		var fe *FieldError
		if m != nil || !errors.As(err, &fe) || fe.Path != c.path || fe.Code != c.code {
			t.Errorf("profile %+v: model %v, err %v; want a %s error at %s", p, m != nil, err, c.code, c.path)
			continue
		}
		if !strings.HasPrefix(err.Error(), c.path+": ") {
			t.Errorf("error text %q does not start with its path", err)
		}
		if _, _, err := WhatIf(p, nil); !errors.As(err, &fe) || fe.Path != c.path {
			t.Errorf("WhatIf on profile %+v: %v", p, err)
		}
	}
	_, _, err := WhatIf(libMediumProfile(), []string{"mfa", "telepathy"})
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Path != "add[1]" || fe.Code != CodeUnknownControl {
		t.Errorf("WhatIf with an unknown control: %v", err)
	}
}
