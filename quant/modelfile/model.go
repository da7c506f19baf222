package modelfile

import (
	"fmt"
	"strconv"

	"github.com/anbao/anbao/quant"
	"go.yaml.in/yaml/v3"
)

// ShorthandID is the id of the scenario of a single-scenario file that does
// not name it.
const ShorthandID = "main"

const distExample = "{dist: pert, low: …, mode: …, high: …}"

func (d *decoder) model(root *yaml.Node) *quant.Model {
	m := &quant.Model{}
	d.mark("", root)
	top := d.mapping(root, "", "a mapping (name:, scenarios: …) at the top of the file")
	if top == nil {
		return m
	}
	// A file without scenarios: whose top level holds scenario keys is a
	// single-scenario model written in short.
	shorthand := false
	if !hasKey(top, "scenarios") {
		for i := 0; i+1 < len(top.Content); i += 2 {
			if k := resolve(top.Content[i]); k.Kind == yaml.ScalarNode && contains(scenarioKeys, k.Value) && !contains(modelKeys, k.Value) {
				shorthand = true
			}
		}
	}
	known, misplaced := modelKeys, misplacedAtTop
	if shorthand {
		known, misplaced = shorthandKeys(), misplacedInScenario
	}
	var single quant.Scenario
	idGiven := false
	for _, e := range d.entries(top, "", known, misplaced) {
		switch e.key {
		case "name":
			m.Name = d.str(e.v, "name")
		case "currency":
			m.Currency = d.str(e.v, "currency")
		case "semantics":
			m.Semantics = d.str(e.v, "semantics")
		case "scenarios":
			m.Scenarios = d.scenarios(e.kn, e.v)
		case "correlation":
			m.Correlation = d.correlations(e.kn, e.v)
		default:
			idGiven = idGiven || e.key == "id"
			d.scenarioField(&single, "scenarios[0]", e)
		}
	}
	if shorthand {
		if !idGiven {
			single.ID = ShorthandID
		}
		d.mark("scenarios", root)
		d.mark("scenarios[0]", root)
		m.Scenarios = []quant.Scenario{single}
	}
	return m
}

// shorthandKeys are the keys of a single-scenario file: the model's and the scenario's.
func shorthandKeys() []string {
	keys := append([]string{}, modelKeys...)
	for _, k := range scenarioKeys {
		if !contains(keys, k) {
			keys = append(keys, k)
		}
	}
	return keys
}

func hasKey(n *yaml.Node, key string) bool {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := resolve(n.Content[i]); k.Kind == yaml.ScalarNode && k.Value == key {
			return true
		}
	}
	return false
}

func misplacedAtTop(key string) string {
	switch {
	case contains(scenarioKeys, key):
		return fmt.Sprintf("%q belongs to a scenario: put it in an entry under scenarios:, or remove scenarios: to write a single-scenario file", key)
	case contains(distKeys, key):
		return fmt.Sprintf("%q is a distribution parameter: write it inside a distribution, e.g. magnitude: %s", key, distExample)
	}
	return ""
}

func misplacedInScenario(key string) string {
	switch {
	case contains(modelKeys, key):
		return fmt.Sprintf("%q belongs at the top of the file, not in a scenario", key)
	case contains(distKeys, key):
		return fmt.Sprintf("%q is a distribution parameter: write it inside a distribution, e.g. magnitude: %s", key, distExample)
	}
	return ""
}

func misplacedInDist(key string) string {
	if contains(scenarioKeys, key) || contains(modelKeys, key) {
		return fmt.Sprintf("%q is not a distribution parameter: is a closing brace or the indentation misplaced?", key)
	}
	return ""
}

func idxPath(base string, i int) string { return base + "[" + strconv.Itoa(i) + "]" }

func (d *decoder) scenarios(kn, v *yaml.Node) []quant.Scenario {
	seq := d.sequence(v, "scenarios", "a list of scenarios")
	if seq == nil {
		return nil
	}
	if len(seq.Content) > quant.MaxScenarios {
		d.add(kn, "scenarios", quant.CodeTooMany, []any{quant.MaxScenarios},
			"%d scenarios; a model may have at most %d", len(seq.Content), quant.MaxScenarios)
		return nil
	}
	if len(seq.Content) == 0 {
		return nil
	}
	out := make([]quant.Scenario, len(seq.Content))
	for i, item := range seq.Content {
		p := idxPath("scenarios", i)
		d.mark(p, item)
		mp := d.mapping(item, p, "a scenario (a mapping with id:, frequency:, magnitude: …)")
		if mp == nil {
			continue
		}
		for _, e := range d.entries(mp, p, scenarioKeys, misplacedInScenario) {
			d.scenarioField(&out[i], p, e)
		}
	}
	return out
}

func (d *decoder) scenarioField(s *quant.Scenario, base string, e entry) {
	path := joinPath(base, e.key)
	d.mark(path, e.kn)
	switch e.key {
	case "id":
		s.ID = d.str(e.v, path)
	case "name":
		s.Name = d.str(e.v, path)
	case "semantics":
		s.Semantics = d.str(e.v, path)
	default:
		*scenarioDist(s, e.key) = d.dist(e.v, path)
	}
}

// scenarioDist returns the scenario's field for a distribution key.
func scenarioDist(s *quant.Scenario, key string) **quant.Dist {
	switch key {
	case "frequency":
		return &s.Frequency
	case "tef":
		return &s.TEF
	case "contact_frequency":
		return &s.ContactFrequency
	case "probability_of_action":
		return &s.ProbabilityOfAction
	case "vulnerability":
		return &s.Vulnerability
	case "threat_capability":
		return &s.ThreatCapability
	case "resistance_strength":
		return &s.ResistanceStrength
	case "magnitude":
		return &s.Magnitude
	case "primary_loss":
		return &s.PrimaryLoss
	case "secondary_frequency":
		return &s.SecondaryFrequency
	case "secondary_magnitude":
		return &s.SecondaryMagnitude
	}
	panic("modelfile: no distribution field " + key)
}

// distNumber returns the Dist field for a numeric parameter key, or nil.
func distNumber(dd *quant.Dist, key string) **float64 {
	switch key {
	case "value":
		return &dd.Value
	case "low":
		return &dd.Low
	case "mode":
		return &dd.Mode
	case "high":
		return &dd.High
	case "shape":
		return &dd.Shape
	case "mean":
		return &dd.Mean
	case "sd":
		return &dd.SD
	case "mu":
		return &dd.Mu
	case "sigma":
		return &dd.Sigma
	case "alpha":
		return &dd.Alpha
	case "beta":
		return &dd.Beta
	}
	return nil
}

// dist reads a distribution: a plain number (a constant) or a mapping.
func (d *decoder) dist(v *yaml.Node, path string) *quant.Dist {
	n := resolve(v)
	switch n.Kind {
	case yaml.ScalarNode:
		x, ok := d.numberOr(n, path, "a number or a distribution such as "+distExample)
		if !ok {
			return nil
		}
		return &quant.Dist{Kind: quant.KindConstant, Value: &x}
	case yaml.MappingNode:
		dd := &quant.Dist{}
		for _, e := range d.entries(n, path, distKeys, misplacedInDist) {
			fp := joinPath(path, e.key)
			switch e.key {
			case "dist":
				dd.Kind = d.str(e.v, fp)
			case "variant":
				dd.Variant = d.str(e.v, fp)
			case "truncate":
				dd.Truncate = d.boolean(e.v, fp)
			default:
				if x, ok := d.number(e.v, fp); ok {
					*distNumber(dd, e.key) = &x
				}
			}
		}
		return dd
	}
	what := "a number or a distribution such as " + distExample
	d.add(n, path, CodeType, []any{what, describe(n)}, "expected %s, found %s", what, describe(n))
	return nil
}

func (d *decoder) correlations(kn, v *yaml.Node) []quant.Correlation {
	seq := d.sequence(v, "correlation", "a list of correlations such as {a: ransomware, b: data_breach, rho: 0.3}")
	if seq == nil {
		return nil
	}
	if limit := quant.MaxScenarios * (quant.MaxScenarios - 1) / 2; len(seq.Content) > limit {
		d.add(kn, "correlation", quant.CodeTooMany, []any{limit},
			"%d correlations; a model may have at most %d (one per pair of scenarios)", len(seq.Content), limit)
		return nil
	}
	if len(seq.Content) == 0 {
		return nil
	}
	out := make([]quant.Correlation, len(seq.Content))
	for i, item := range seq.Content {
		p := idxPath("correlation", i)
		d.mark(p, item)
		mp := d.mapping(item, p, "a correlation such as {a: ransomware, b: data_breach, rho: 0.3}")
		if mp == nil {
			continue
		}
		for _, e := range d.entries(mp, p, correlationKeys, nil) {
			fp := joinPath(p, e.key)
			switch e.key {
			case "a":
				out[i].A = d.str(e.v, fp)
			case "b":
				out[i].B = d.str(e.v, fp)
			case "rho":
				out[i].Rho, _ = d.number(e.v, fp)
			}
		}
	}
	return out
}
