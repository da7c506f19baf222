package modelfile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/anbao/anbao/quant"
)

const examplesDir = "../../docs/quant/models"

func examples(t testing.TB) map[string][]byte {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(examplesDir, "*.yaml"))
	if err != nil || len(files) < 4 {
		t.Fatalf("example models: %v (found %d)", err, len(files))
	}
	out := map[string][]byte{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(f)] = data
	}
	return out
}

func mustParse(t *testing.T, src string) *quant.Model {
	t.Helper()
	m, err := Parse([]byte(src))
	if err != nil {
		t.Fatalf("Parse:\n%s\nerror:\n%v", src, err)
	}
	return m
}

func TestParseNumber(t *testing.T) {
	good := []struct {
		in   string
		want float64
	}{
		{"2500000", 2500000}, {"2.5e6", 2500000}, {"2.5E+6", 2500000}, {"2_500_000", 2500000},
		{"250k", 250000}, {"250K", 250000}, {"2.5M", 2500000}, {"1.2B", 1.2e9},
		{"25万", 250000}, {"1.5亿", 150000000}, {"0.1k", 100}, {"0.3M", 300000},
		{"-3", -3}, {"+4", 4}, {".5", 0.5}, {"5.", 5}, {"1e-3", 0.001}, {"2.5e3k", 2.5e6},
		{"0", 0}, {"1_000.000_1", 1000.0001}, {"7e-400", 0}, // underflow to 0 is a number, not an error
	}
	for _, c := range good {
		got, err := parseNumber(c.in)
		if err != nil && c.in == "7e-400" {
			continue // strconv may report underflow as out of range; either is acceptable
		}
		if err != nil || got != c.want {
			t.Errorf("parseNumber(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
	bad := []struct {
		in   string
		want error
	}{
		{"2.5x", errSyntax}, {"0x10", errSyntax}, {"1__0", errSyntax}, {"_1", errSyntax}, {"1_", errSyntax},
		{"1e", errSyntax}, {"k", errSyntax}, {"", errSyntax}, {"1.2.3", errSyntax}, {"1,000", errSyntax},
		{"2.5 M", errSyntax}, {"5%", errSyntax}, {"1kk", errSyntax},
		{"nan", errNonFinite}, {"NaN", errNonFinite}, {".nan", errNonFinite}, {".inf", errNonFinite},
		{"-.inf", errNonFinite}, {"Infinity", errNonFinite},
		{"1e400", errOutOfRange}, {"1e9999999999", errOutOfRange}, {"2e308k", errOutOfRange},
	}
	for _, c := range bad {
		if got, err := parseNumber(c.in); !errors.Is(err, c.want) {
			t.Errorf("parseNumber(%q) = %v, %v; want error %v", c.in, got, err, c.want)
		}
	}
}

func TestFormatNumberRoundTrips(t *testing.T) {
	for _, x := range []float64{0, math.Copysign(0, -1), 1, -1, 0.1, 2500000, 1e15, 1e16, 123456789.125,
		math.MaxFloat64, math.SmallestNonzeroFloat64, 1.0 / 3, -2.5e-7, 9007199254740993} {
		s := formatNumber(x)
		got, err := parseNumber(s)
		if err != nil || got != x || math.Signbit(got) != math.Signbit(x) {
			t.Errorf("formatNumber(%v) = %q, read back as %v, %v", x, s, got, err)
		}
	}
	if s := formatNumber(2500000); s != "2500000" {
		t.Errorf("formatNumber(2500000) = %q, want plain digits", s)
	}
}

// TestSuffixesInModel reads every numeric form through a whole file.
func TestSuffixesInModel(t *testing.T) {
	m := mustParse(t, `
scenarios:
  - id: a
    frequency: 5e-1
    magnitude: {dist: pert, low: 25万, mode: 2.5M, high: 1_000_000_000}
  - id: b
    frequency: 0.25
    magnitude: {dist: triangular, low: 250k, mode: 1.5亿, high: 1.2B}
`)
	s := m.Scenarios
	check := func(name string, got *float64, want float64) {
		t.Helper()
		if got == nil || *got != want {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	check("a.frequency", s[0].Frequency.Value, 0.5)
	check("a.low", s[0].Magnitude.Low, 250_000)
	check("a.mode", s[0].Magnitude.Mode, 2_500_000)
	check("a.high", s[0].Magnitude.High, 1e9)
	check("b.low", s[1].Magnitude.Low, 250_000)
	check("b.mode", s[1].Magnitude.Mode, 150_000_000)
	check("b.high", s[1].Magnitude.High, 1.2e9)
	if s[0].Frequency.Kind != quant.KindConstant {
		t.Errorf("a plain number is a %q distribution, want constant", s[0].Frequency.Kind)
	}
}

func TestExamples(t *testing.T) {
	ex := examples(t)
	for name, data := range ex {
		if _, err := Parse(data); err != nil {
			t.Errorf("%s:\n%v", name, err)
		}
	}
	m := mustParse(t, string(ex["single.yaml"]))
	want := quant.Scenario{ID: "incident", Name: "网络安全事件 Cyber incident", Semantics: quant.Compound,
		Frequency: &quant.Dist{Kind: quant.KindConstant, Value: quant.P(0.5)},
		Magnitude: &quant.Dist{Kind: quant.KindLognormal, Low: quant.P(50_000), High: quant.P(2_500_000)}}
	if len(m.Scenarios) != 1 || !reflect.DeepEqual(m.Scenarios[0], want) {
		t.Errorf("single.yaml scenarios = %+v", m.Scenarios)
	}
	m = mustParse(t, string(ex["portfolio5.yaml"]))
	var ids []string
	for _, s := range m.Scenarios {
		ids = append(ids, s.ID)
	}
	if got := strings.Join(ids, ","); got != "ransomware,data_breach,bec,ddos,supply_chain" {
		t.Errorf("portfolio5.yaml ids = %s", got)
	}
	if m.Correlation != nil {
		t.Errorf("portfolio5.yaml: the correlation example should be commented out, got %+v", m.Correlation)
	}
}

func TestShorthand(t *testing.T) {
	ex := examples(t)
	m := mustParse(t, string(ex["simple.yaml"]))
	if len(m.Scenarios) != 1 || m.Scenarios[0].ID != ShorthandID || m.Semantics != quant.Product {
		t.Fatalf("simple.yaml = %+v", m)
	}
	want := &quant.Dist{Kind: quant.KindPERT, Low: quant.P(0.1), Mode: quant.P(0.5), High: quant.P(2)}
	if !reflect.DeepEqual(m.Scenarios[0].Frequency, want) {
		t.Errorf("simple.yaml frequency = %+v", m.Scenarios[0].Frequency)
	}
	m = mustParse(t, string(ex["fair-tree.yaml"]))
	s := m.Scenarios[0]
	if s.ID != "fair" || m.Name != "FAIR tree" || s.ContactFrequency == nil || s.SecondaryMagnitude == nil || s.Frequency != nil {
		t.Errorf("fair-tree.yaml = %+v", m)
	}
	// The short form is the long form with one scenario.
	short := mustParse(t, "name: n\nid: x\nsemantics: product\nfrequency: 2\nmagnitude: 3\n")
	long := mustParse(t, "name: n\nsemantics: product\nscenarios:\n  - {id: x, frequency: 2, magnitude: 3}\n")
	if !reflect.DeepEqual(short, long) {
		t.Errorf("short form %+v != long form %+v", short, long)
	}
}

func TestJSON(t *testing.T) {
	for name, data := range examples(t) {
		m := mustParse(t, string(data))
		js, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		back, err := Parse(js)
		if err != nil {
			t.Fatalf("%s as JSON:\n%s\n%v", name, js, err)
		}
		if !reflect.DeepEqual(back, m) {
			t.Errorf("%s: JSON read back differs:\n%+v\n%+v", name, back, m)
		}
	}
}

func TestAliases(t *testing.T) {
	m := mustParse(t, `
scenarios:
  - id: a
    frequency: &rate 0.5
    magnitude: &loss {dist: pert, low: 1k, mode: 5k, high: 50k}
  - id: b
    frequency: *rate
    magnitude: *loss
`)
	if !reflect.DeepEqual(m.Scenarios[0].Magnitude, m.Scenarios[1].Magnitude) || *m.Scenarios[1].Frequency.Value != 0.5 {
		t.Errorf("aliases not followed: %+v", m.Scenarios)
	}
}

// TestErrors checks each kind of problem and the exact line and column it
// is reported at.
func TestErrors(t *testing.T) {
	many := "scenarios:\n" + strings.Repeat("  - {id: s, frequency: 1, magnitude: 1}\n", quant.MaxScenarios+1)
	cases := []struct {
		name, src string
		code      string
		want      string // Error(), exactly
	}{
		// The YAML library names the line of the list or mapping it was
		// reading, not always the line of the mistake (here line 4).
		{"syntax", "scenarios:\n  - id: a\n    frequency: 1\n   magnitude: 2\n", CodeSyntax,
			"line 2: not valid YAML: did not find expected '-' indicator"},
		{"unclosed flow mapping", "frequency: 1\nmagnitude: {dist: pert, low: 1\n", CodeSyntax,
			"line 2: not valid YAML: did not find expected ',' or '}'"},
		{"syntax on line 1", "name: a: b\n", CodeSyntax,
			"line 1: not valid YAML: mapping values are not allowed in this context"},
		{"tab", "scenarios:\n\t- id: a\n", CodeSyntax,
			"line 2: not valid YAML: found character that cannot start any token"},
		{"unknown anchor", "frequency: 1\nmagnitude: *m\n", CodeSyntax,
			"line 2, column 12: not valid YAML: unknown anchor 'm' referenced"},
		{"empty", "# nothing\n", CodeSyntax, "line 1, column 1: the file is empty"},
		{"two documents", "frequency: 1\nmagnitude: 1\n---\nfrequency: 2\n", CodeSyntax,
			"line 3, column 1: a model file holds one YAML document; remove the second (after ---)"},
		{"unknown key with suggestion", "name: x\nscenarios:\n  - id: a\n    frequncy: 1\n    magnitude: 1\n", CodeUnknownKey,
			`line 4, column 5: scenarios[0].frequncy: unknown key "frequncy" (did you mean "frequency"?)`},
		{"unknown key in a distribution", "frequency: 1\nmagnitude: {dist: pert, lo: 1, mode: 2, high: 3}\n", CodeUnknownKey,
			`line 2, column 25: scenarios[0].magnitude.lo: unknown key "lo" (did you mean "low"?)`},
		{"synonym", "frequency: 1\nmagnitude: {type: pert, low: 1, mode: 2, high: 3}\n", CodeUnknownKey,
			`line 2, column 13: scenarios[0].magnitude.type: unknown key "type" (did you mean "dist"?)`},
		{"unknown key without suggestion", "colour: blue\nfrequency: 1\nmagnitude: 1\n", CodeUnknownKey,
			`line 1, column 1: colour: unknown key "colour"`},
		{"scenario key beside scenarios", "scenarios:\n  - {id: a, frequency: 1, magnitude: 1}\nfrequency: 2\n", CodeUnknownKey,
			`line 3, column 1: frequency: "frequency" belongs to a scenario: put it in an entry under scenarios:, or remove scenarios: to write a single-scenario file`},
		{"parameter outside a distribution", "frequency: 1\nmagnitude: 1\nlow: 3\n", CodeUnknownKey,
			`line 3, column 1: low: "low" is a distribution parameter: write it inside a distribution, e.g. magnitude: {dist: pert, low: …, mode: …, high: …}`},
		{"duplicate key", "frequency: 1\nmagnitude: 1\nfrequency: 2\n", CodeDuplicateKey,
			`line 3, column 1: frequency: key "frequency" is already given at line 1`},
		{"duplicate key in a distribution", "frequency: 1\nmagnitude:\n  dist: pert\n  low: 1\n  low: 2\n", CodeDuplicateKey,
			`line 5, column 3: scenarios[0].magnitude.low: key "low" is already given at line 4`},
		{"string for a number", "frequency: 1\nmagnitude: {dist: pert, low: abc, mode: 2, high: 3}\n", CodeType,
			`line 2, column 30: scenarios[0].magnitude.low: expected a number, found the string "abc"`},
		{"quoted number", "frequency: 1\nmagnitude: {dist: pert, low: \"1\", mode: 2, high: 3}\n", CodeType,
			`line 2, column 30: scenarios[0].magnitude.low: expected a number, found the string "1"`},
		{"null for a number", "frequency: 1\nmagnitude: {dist: pert, low: , mode: 2, high: 3}\n", CodeType,
			`line 2, column 30: scenarios[0].magnitude.low: expected a number, found nothing (null)`},
		{"list for a mapping", "scenarios:\n  - [a, 1, 2]\n", CodeType,
			`line 2, column 5: scenarios[0]: expected a scenario (a mapping with id:, frequency:, magnitude: …), found a list`},
		{"mapping for a list", "scenarios:\n  id: a\n", CodeType,
			`line 2, column 3: scenarios: expected a list of scenarios, found a mapping`},
		{"list for a distribution", "frequency: [1, 2]\nmagnitude: 1\n", CodeType,
			`line 1, column 12: scenarios[0].frequency: expected a number or a distribution such as {dist: pert, low: …, mode: …, high: …}, found a list`},
		{"word for a distribution", "frequency: 1\nmagnitude: pert\n", CodeType,
			`line 2, column 12: scenarios[0].magnitude: expected a number or a distribution such as {dist: pert, low: …, mode: …, high: …}, found the string "pert"`},
		{"mapping for a string", "name: {a: 1}\nfrequency: 1\nmagnitude: 1\n", CodeType,
			`line 1, column 7: name: expected a string, found a mapping`},
		{"not a boolean", "frequency: 1\nmagnitude: {dist: normal, mean: 1, sd: 1, truncate: yes}\n", CodeType,
			`line 2, column 53: scenarios[0].magnitude.truncate: expected true or false, found the string "yes"`},
		{"top level not a mapping", "- 1\n- 2\n", CodeType,
			`line 1, column 1: expected a mapping (name:, scenarios: …) at the top of the file, found a list`},
		{"bad number", "frequency: 1\nmagnitude: {dist: pert, low: 2.5x, mode: 2, high: 3}\n", CodeNumber,
			`line 2, column 30: scenarios[0].magnitude.low: "2.5x" is not a number (write e.g. 2500000, 2.5e6, 2_500_000, 2.5M, 250k or 250万)`},
		{"hexadecimal", "frequency: 0x10\nmagnitude: 1\n", CodeNumber,
			`line 1, column 12: scenarios[0].frequency: "0x10" is not a number (write e.g. 2500000, 2.5e6, 2_500_000, 2.5M, 250k or 250万)`},
		{"NaN", "frequency: .nan\nmagnitude: 1\n", CodeNumber,
			`line 1, column 12: scenarios[0].frequency: NaN and infinities are not allowed (found .nan)`},
		{"infinity", "frequency: 1\nmagnitude: {dist: uniform, low: 0, high: .inf}\n", CodeNumber,
			`line 2, column 42: scenarios[0].magnitude.high: NaN and infinities are not allowed (found .inf)`},
		{"overflow", "frequency: 1\nmagnitude: 1e999\n", CodeNumber,
			`line 2, column 12: scenarios[0].magnitude: 1e999 is out of range for a number`},
		{"too many scenarios", many, quant.CodeTooMany,
			"line 1, column 1: scenarios: 65 scenarios; a model may have at most 64"},
		{"several problems in file order", "frequency: x\nmagnitude: {dist: pert, low: 1, low: 2}\nnmae: a\n", CodeType,
			"line 1, column 12: scenarios[0].frequency: expected a number or a distribution such as {dist: pert, low: …, mode: …, high: …}, found the string \"x\"\n" +
				"line 2, column 33: scenarios[0].magnitude.low: key \"low\" is already given at line 2\n" +
				"line 3, column 1: nmae: unknown key \"nmae\" (did you mean \"name\"?)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse([]byte(c.src))
			var fe *Error
			if !errors.As(err, &fe) {
				t.Fatalf("Parse:\n%s\nerror = %v (%T), want *Error", c.src, err, err)
			}
			if got := err.Error(); got != c.want {
				t.Errorf("Parse:\n%s\nerror:\n%s\nwant:\n%s", c.src, got, c.want)
			}
			if fe.Problems[0].Code != c.code {
				t.Errorf("code = %q, want %q", fe.Problems[0].Code, c.code)
			}
		})
	}
}

func TestTooLarge(t *testing.T) {
	data := []byte("frequency: 1\nmagnitude: 1\n" + "#" + strings.Repeat("x", MaxSize))
	_, err := Parse(data)
	var fe *Error
	if !errors.As(err, &fe) || fe.Problems[0].Code != CodeTooLarge || !strings.Contains(err.Error(), "at most 1048576 bytes (1 MiB)") {
		t.Fatalf("err = %v", err)
	}
}

// TestProblemLimit checks that a file with very many problems, even
// multiplied by aliases, is answered quickly with the first ones.
func TestProblemLimit(t *testing.T) {
	var bad strings.Builder
	bad.WriteString("bad: &bad {")
	for i := range 5000 {
		fmt.Fprintf(&bad, "k%d: 1, ", i)
	}
	bad.WriteString("}\nscenarios:\n")
	for i := range quant.MaxScenarios {
		fmt.Fprintf(&bad, "  - {id: s%d", i)
		for _, k := range scenarioKeys[3:] {
			fmt.Fprintf(&bad, ", %s: *bad", k)
		}
		bad.WriteString("}\n")
	}
	_, err := Parse([]byte(bad.String()))
	var fe *Error
	if !errors.As(err, &fe) || len(fe.Problems) != maxProblems+1 {
		t.Fatalf("err = %v", err)
	}
	if last := fe.Problems[maxProblems]; last.Code != quant.CodeTooMany || last.Message != "more than 100 problems; stopped reading" {
		t.Errorf("last problem = %+v", last)
	}
}

// TestValidationPositions checks that quant's validation errors are placed
// at the line and column of the value they name, or of its nearest parent.
func TestValidationPositions(t *testing.T) {
	src := `name: positions
scenarios:
  - id: a
    frequency: 0.5
    magnitude: {dist: pert, low: 1, mode: 2, high: 3}
  - id: b
    frequency: 0.5
    magnitude: {dist: pert, low: 1, high: 3}
  - id: c
    frequency: 0.5
    magnitude:
      dist: pert
      low: 5
      mode: 6
      high: 1
correlation:
  - {a: a, b: b, rho: 1.5}
`
	_, err := Parse([]byte(src))
	var fe *Error
	if !errors.As(err, &fe) {
		t.Fatalf("err = %v (%T), want *Error", err, err)
	}
	want := []struct {
		line, col  int
		path, code string
	}{
		{8, 5, "scenarios[1].magnitude.mode", quant.CodeRequired}, // not written: placed at magnitude
		{15, 7, "scenarios[2].magnitude.high", quant.CodeOrder},
		{17, 18, "correlation[0].rho", quant.CodeRho},
	}
	if len(fe.Problems) != len(want) {
		t.Fatalf("problems:\n%v\nwant %d", err, len(want))
	}
	for i, w := range want {
		p := fe.Problems[i]
		if p.Line != w.line || p.Column != w.col || p.Path != w.path || p.Code != w.code {
			t.Errorf("problem %d = %+v, want line %d, column %d, %s, %s", i, p, w.line, w.col, w.path, w.code)
		}
	}
	if !strings.HasPrefix(err.Error(), "line 8, column 5: scenarios[1].magnitude.mode: ") {
		t.Errorf("Error() = %q", err.Error())
	}
}

func TestLocate(t *testing.T) {
	d := &decoder{pos: map[string]position{"": {1, 1}, "scenarios": {2, 1}, "scenarios[3]": {9, 5}, "scenarios[3].magnitude": {10, 5}}}
	for path, want := range map[string]position{
		"scenarios[3].magnitude.high": {10, 5},
		"scenarios[3].frequency":      {9, 5},
		"scenarios[4].id":             {2, 1},
		"correlation[0].rho":          {1, 1},
		"":                            {1, 1},
	} {
		if got := d.locate(path); got != want {
			t.Errorf("locate(%q) = %v, want %v", path, got, want)
		}
	}
}

// allKinds is a model that uses every distribution, every way of giving a
// lognormal, every FAIR node and strings that need quoting.
func allKinds() *quant.Model {
	return &quant.Model{
		Name:      `Quote me: "yes" # not a comment`,
		Currency:  "USD",
		Semantics: quant.Compound,
		Scenarios: []quant.Scenario{
			{ID: "true", Name: "123", Frequency: &quant.Dist{Kind: quant.KindPoisson, Mean: quant.P(0.2)},
				Magnitude: &quant.Dist{Kind: quant.KindLognormal, Mean: quant.P(1e5), SD: quant.P(3e5)}},
			{ID: "123", Name: "null", Semantics: quant.Product,
				TEF:           &quant.Dist{Kind: quant.KindTriangular, Low: quant.P(1), Mode: quant.P(2), High: quant.P(5)},
				Vulnerability: &quant.Dist{Kind: quant.KindBeta, Alpha: quant.P(2), Beta: quant.P(5)},
				PrimaryLoss:   &quant.Dist{Kind: quant.KindLognormal, Mu: quant.P(11.5), Sigma: quant.P(1.2)},
				SecondaryFrequency: &quant.Dist{Kind: quant.KindBeta, Alpha: quant.P(1.5), Beta: quant.P(3),
					Low: quant.P(0.1), High: quant.P(0.9)},
				SecondaryMagnitude: &quant.Dist{Kind: quant.KindNormal, Mean: quant.P(2e4), SD: quant.P(1e4), Truncate: true}},
			{ID: "c.d-e_f", Name: "多行\n名称",
				ContactFrequency:    &quant.Dist{Kind: quant.KindUniform, Low: quant.P(1), High: quant.P(10)},
				ProbabilityOfAction: &quant.Dist{Kind: quant.KindPERT, Low: quant.P(0.1), Mode: quant.P(0.2), High: quant.P(0.9), Shape: quant.P(6), Variant: "pyfair"},
				ThreatCapability:    &quant.Dist{Kind: quant.KindPERT, Low: quant.P(0), Mode: quant.P(0.5), High: quant.P(1)},
				ResistanceStrength:  &quant.Dist{Kind: quant.KindConstant, Value: quant.P(0.6)},
				Magnitude:           &quant.Dist{Kind: quant.KindPERT, Low: quant.P(0.1), Mode: quant.P(1.0 / 3), High: quant.P(123456789.125), Variant: "modified"}},
		},
		Correlation: []quant.Correlation{{A: "true", B: "123", Rho: -0.25}},
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	models := map[string]*quant.Model{"all kinds": allKinds()}
	for name, data := range examples(t) {
		models[name] = mustParse(t, string(data))
	}
	for name, m := range models {
		out, err := Marshal(m)
		if err != nil {
			t.Fatalf("%s: Marshal: %v", name, err)
		}
		back, err := Parse(out)
		if err != nil {
			t.Fatalf("%s: Parse(Marshal):\n%s\n%v", name, out, err)
		}
		if !reflect.DeepEqual(back, m) {
			t.Errorf("%s: round trip differs:\n%s", name, out)
		}
		again, _ := Marshal(back)
		if !bytes.Equal(again, out) {
			t.Errorf("%s: Marshal is not stable:\n%s\n---\n%s", name, out, again)
		}
	}
}

func TestMarshalStyle(t *testing.T) {
	m := mustParse(t, string(examples(t)["simple.yaml"]))
	out, err := Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	want := `name: Simple FAIR (LEF × LM)
currency: CNY
semantics: product
scenarios:
  - id: main
    frequency: {dist: pert, low: 0.1, mode: 0.5, high: 2}
    magnitude: {dist: pert, low: 50000, mode: 250000, high: 2500000}
`
	if string(out) != want {
		t.Errorf("Marshal:\n%s\nwant:\n%s", out, want)
	}
}

func TestMarshalRejectsNonFinite(t *testing.T) {
	m := &quant.Model{Scenarios: []quant.Scenario{{ID: "a",
		Frequency: &quant.Dist{Kind: quant.KindConstant, Value: quant.P(math.NaN())},
		Magnitude: &quant.Dist{Kind: quant.KindConstant, Value: quant.P(1)}}}}
	if _, err := Marshal(m); err == nil || !strings.Contains(err.Error(), "scenarios[0].frequency") {
		t.Errorf("Marshal(NaN) error = %v", err)
	}
	if _, err := Marshal(nil); err == nil {
		t.Error("Marshal(nil) succeeded")
	}
}

func FuzzParse(f *testing.F) {
	for _, data := range examples(f) {
		f.Add(data)
	}
	f.Add([]byte("frequency: 1\nmagnitude: {dist: pert, low: 1k, mode: 2万, high: 3M}\n"))
	f.Add([]byte(`{"scenarios": [{"id": "a", "frequency": 0.5, "magnitude": {"dist": "lognormal", "mu": 10, "sigma": 1}}]}`))
	f.Add([]byte("frequency: &r 1\nmagnitude: *r\nname: \"x: y\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Parse(data)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			return
		}
		out, err := Marshal(m)
		if err != nil {
			t.Fatalf("Marshal of a parsed model: %v", err)
		}
		back, err := Parse(out)
		if err != nil {
			t.Fatalf("Parse(Marshal(m)):\n%s\n%v", out, err)
		}
		if !reflect.DeepEqual(back, m) {
			t.Fatalf("round trip differs:\n%s", out)
		}
	})
}
