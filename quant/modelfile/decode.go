package modelfile

import (
	"errors"
	"fmt"
	"strconv"

	"go.yaml.in/yaml/v3"
)

// Keys of each kind of mapping, in the order Marshal writes them.
var (
	modelKeys    = []string{"name", "currency", "semantics", "scenarios", "correlation"}
	scenarioKeys = []string{"id", "name", "semantics",
		"frequency", "tef", "contact_frequency", "probability_of_action",
		"vulnerability", "threat_capability", "resistance_strength",
		"magnitude", "primary_loss", "secondary_frequency", "secondary_magnitude"}
	distKeys        = []string{"dist", "value", "low", "mode", "high", "shape", "variant", "mean", "sd", "mu", "sigma", "alpha", "beta", "truncate"}
	correlationKeys = []string{"a", "b", "rho"}
)

// position is where a value was written.
type position struct{ line, col int }

// decoder turns a YAML node tree into a quant.Model, collecting every
// problem on the way and remembering where each path was written so that
// validation errors can be placed in the file.
type decoder struct {
	problems  []Problem
	truncated bool // more than maxProblems were found: the rest are dropped
	pos       map[string]position
}

// maxProblems bounds the problems reported, and so the work a hostile file
// can cause (an alias repeats a bad mapping's problems wherever it is used).
const maxProblems = 100

func (d *decoder) add(n *yaml.Node, path, code string, args []any, format string, fargs ...any) {
	if len(d.problems) >= maxProblems {
		d.truncated = true
		return
	}
	p := Problem{Path: path, Code: code, Args: args, Message: fmt.Sprintf(format, fargs...)}
	if n != nil {
		p.Line, p.Column = n.Line, n.Column
	}
	d.problems = append(d.problems, p)
}

func (d *decoder) mark(path string, n *yaml.Node) {
	if _, ok := d.pos[path]; !ok {
		d.pos[path] = position{n.Line, n.Column}
	}
}

// locate finds where path was written, or failing that its nearest parent.
func (d *decoder) locate(path string) position {
	for {
		if p, ok := d.pos[path]; ok {
			return p
		}
		if path == "" {
			return position{}
		}
		path = parent(path)
	}
}

// parent strips the last ".field" or "[i]" from a JSON-style path.
func parent(path string) string {
	for i := len(path) - 1; i >= 0; i-- {
		switch path[i] {
		case '.':
			return path[:i]
		case '[':
			if i > 0 {
				return path[:i]
			}
			return ""
		}
	}
	return ""
}

// resolve follows aliases to the node they name. Anchors cannot refer to
// themselves, so the chain ends; the bound only guards against a malformed tree.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 100; i++ {
		n = n.Alias
	}
	return n
}

// describe names what a node holds, for "expected …, found …" messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
			return "the string " + strconv.Quote(n.Value)
		}
		switch n.ShortTag() {
		case "!!null":
			return "nothing (null)"
		case "!!bool":
			return "the boolean " + n.Value
		case "!!int", "!!float":
			return "the number " + n.Value
		}
		return "the string " + strconv.Quote(n.Value)
	}
	return "something else"
}

// entry is one key and its value in a mapping.
type entry struct {
	key   string
	kn, v *yaml.Node
}

// entries checks a mapping's keys (each a scalar, each once, each one of
// known) and returns the good ones. Every key's position is recorded under
// path.key. misplaced, if set, explains a key that is known elsewhere.
func (d *decoder) entries(n *yaml.Node, path string, known []string, misplaced func(string) string) []entry {
	var out []entry
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content) && !d.truncated; i += 2 {
		kn, v := resolve(n.Content[i]), n.Content[i+1]
		if kn.Kind != yaml.ScalarNode {
			d.add(kn, path, CodeType, []any{"a key name", describe(kn)}, "expected a key name, found %s", describe(kn))
			continue
		}
		key := kn.Value
		kpath := joinPath(path, key)
		if first, dup := seen[key]; dup {
			d.add(kn, kpath, CodeDuplicateKey, []any{key, first}, "key %q is already given at line %d", key, first)
			continue
		}
		seen[key] = kn.Line
		if !contains(known, key) {
			d.unknownKey(kn, path, key, known, misplaced)
			continue
		}
		d.mark(kpath, kn)
		out = append(out, entry{key, kn, v})
	}
	return out
}

func (d *decoder) unknownKey(kn *yaml.Node, parentPath, key string, known []string, misplaced func(string) string) {
	path := joinPath(parentPath, key)
	if kn.ShortTag() == "!!merge" {
		d.add(kn, path, CodeUnknownKey, []any{key}, "merge keys (<<) are not supported; use an alias (*name) for a whole value")
		return
	}
	if misplaced != nil {
		if msg := misplaced(key); msg != "" {
			d.add(kn, path, CodeUnknownKey, []any{key}, "%s", msg)
			return
		}
	}
	if s := suggest(key, known); s != "" {
		d.add(kn, path, CodeUnknownKey, []any{key, s}, "unknown key %q (did you mean %q?)", key, s)
		return
	}
	d.add(kn, path, CodeUnknownKey, []any{key}, "unknown key %q", key)
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// mapping returns n as a mapping, or nil after reporting what it is instead.
func (d *decoder) mapping(n *yaml.Node, path, what string) *yaml.Node {
	n = resolve(n)
	if n.Kind != yaml.MappingNode {
		d.add(n, path, CodeType, []any{what, describe(n)}, "expected %s, found %s", what, describe(n))
		return nil
	}
	return n
}

func (d *decoder) sequence(n *yaml.Node, path, what string) *yaml.Node {
	n = resolve(n)
	if n.Kind != yaml.SequenceNode {
		d.add(n, path, CodeType, []any{what, describe(n)}, "expected %s, found %s", what, describe(n))
		return nil
	}
	return n
}

// str reads a scalar as text. Numbers and booleans are taken as written
// (an id may be 2024); null, lists and mappings are type errors.
func (d *decoder) str(n *yaml.Node, path string) string {
	n = resolve(n)
	if n.Kind != yaml.ScalarNode || n.ShortTag() == "!!null" {
		d.add(n, path, CodeType, []any{"a string", describe(n)}, "expected a string, found %s", describe(n))
		return ""
	}
	return n.Value
}

func (d *decoder) boolean(n *yaml.Node, path string) bool {
	n = resolve(n)
	b, err := strconv.ParseBool(n.Value)
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" || err != nil {
		d.add(n, path, CodeType, []any{"true or false", describe(n)}, "expected true or false, found %s", describe(n))
		return false
	}
	return b
}

// number reads a plain scalar as a number; see parseNumber for the forms.
func (d *decoder) number(n *yaml.Node, path string) (float64, bool) {
	return d.numberOr(n, path, "a number")
}

// numberOr is number with what was expected named for the type error.
func (d *decoder) numberOr(n *yaml.Node, path, what string) (float64, bool) {
	n = resolve(n)
	quoted := n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) != 0
	if n.Kind != yaml.ScalarNode || quoted || n.ShortTag() == "!!null" || n.ShortTag() == "!!bool" {
		d.add(n, path, CodeType, []any{what, describe(n)}, "expected %s, found %s", what, describe(n))
		return 0, false
	}
	x, err := parseNumber(n.Value)
	switch {
	case err == nil:
		return x, true
	case errors.Is(err, errNonFinite):
		d.add(n, path, CodeNumber, []any{n.Value}, "NaN and infinities are not allowed (found %s)", n.Value)
	case errors.Is(err, errOutOfRange):
		d.add(n, path, CodeNumber, []any{n.Value}, "%s is out of range for a number", n.Value)
	case looksNumeric(n.Value):
		d.add(n, path, CodeNumber, []any{n.Value}, "%q is not a number (write e.g. 2500000, 2.5e6, 2_500_000, 2.5M, 250k or 250万)", n.Value)
	default:
		d.add(n, path, CodeType, []any{what, describe(n)}, "expected %s, found %s", what, describe(n))
	}
	return 0, false
}

func looksNumeric(s string) bool {
	if s == "" {
		return false
	}
	c := s[0]
	return c == '+' || c == '-' || c == '.' || (c >= '0' && c <= '9')
}
