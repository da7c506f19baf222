package modelfile

import (
	"bytes"
	"errors"
	"fmt"
	"math"

	"github.com/anbao/anbao/quant"
	"go.yaml.in/yaml/v3"
)

// Marshal writes m as a tidy model file: the full form with a scenarios:
// list, each distribution on one line in flow style
// ({dist: pert, low: 50000, mode: 250000, high: 2500000}) and constants as
// plain numbers. Parse reads it back to an equal model.
func Marshal(m *quant.Model) ([]byte, error) {
	if m == nil {
		return nil, errors.New("modelfile: nil model")
	}
	w := &writer{}
	root := mapNode(0)
	w.str(root, "name", m.Name)
	w.str(root, "currency", m.Currency)
	w.str(root, "semantics", m.Semantics)
	scen := &yaml.Node{Kind: yaml.SequenceNode}
	for i := range m.Scenarios {
		scen.Content = append(scen.Content, w.scenario(&m.Scenarios[i], idxPath("scenarios", i)))
	}
	if len(scen.Content) == 0 {
		scen.Style = yaml.FlowStyle
	}
	root.Content = append(root.Content, strNode("scenarios"), scen)
	if len(m.Correlation) > 0 {
		corr := &yaml.Node{Kind: yaml.SequenceNode}
		for i, c := range m.Correlation {
			n := mapNode(yaml.FlowStyle)
			n.Content = append(n.Content, strNode("a"), strNode(c.A), strNode("b"), strNode(c.B))
			n.Content = append(n.Content, strNode("rho"), w.num(c.Rho, idxPath("correlation", i)+".rho"))
			corr.Content = append(corr.Content, n)
		}
		root.Content = append(root.Content, strNode("correlation"), corr)
	}
	if w.err != nil {
		return nil, w.err
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(root); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// writer builds the node tree and keeps the first value it cannot write.
type writer struct{ err error }

func mapNode(style yaml.Style) *yaml.Node { return &yaml.Node{Kind: yaml.MappingNode, Style: style} }

// strNode is a string the encoder quotes whenever it would otherwise read
// back as something else ("true", "123", "").
func strNode(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }

func (w *writer) str(n *yaml.Node, key, value string) {
	if value != "" {
		n.Content = append(n.Content, strNode(key), strNode(value))
	}
}

func (w *writer) num(x float64, path string) *yaml.Node {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		if w.err == nil {
			w.err = fmt.Errorf("modelfile: %s is %v, which a model file cannot hold", path, x)
		}
		x = 0
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Value: formatNumber(x)}
}

func (w *writer) scenario(s *quant.Scenario, path string) *yaml.Node {
	n := mapNode(0)
	w.str(n, "id", s.ID)
	w.str(n, "name", s.Name)
	w.str(n, "semantics", s.Semantics)
	for _, key := range scenarioKeys[3:] {
		if dd := *scenarioDist(s, key); dd != nil {
			n.Content = append(n.Content, strNode(key), w.dist(dd, path+"."+key))
		}
	}
	return n
}

// dist writes a bare constant as a plain number and anything else as a
// flow mapping with its keys in the order of distKeys.
func (w *writer) dist(dd *quant.Dist, path string) *yaml.Node {
	if dd.Kind == quant.KindConstant && dd.Value != nil && *dd == (quant.Dist{Kind: dd.Kind, Value: dd.Value}) {
		return w.num(*dd.Value, path)
	}
	n := mapNode(yaml.FlowStyle)
	w.str(n, "dist", dd.Kind)
	for _, key := range distKeys[1:] {
		switch key {
		case "variant":
			w.str(n, key, dd.Variant)
		case "truncate":
			if dd.Truncate {
				n.Content = append(n.Content, strNode(key), &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: "true"})
			}
		default:
			if p := *distNumber(dd, key); p != nil {
				n.Content = append(n.Content, strNode(key), w.num(*p, path+"."+key))
			}
		}
	}
	return n
}
