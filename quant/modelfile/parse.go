// Package modelfile reads and writes quant models as YAML files (JSON is
// read too, being YAML). Every problem is reported at the line and column
// where it was written, including those found by quant's validation.
//
// The format is documented in docs/quant/model-format.md.
package modelfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/anbao/anbao/quant"
	"go.yaml.in/yaml/v3"
)

// MaxSize is the largest model file Parse reads, in bytes.
const MaxSize = 1 << 20

// Parse reads a model file and validates the model. On failure the error is
// an *Error listing every problem with its line and column, unless
// validation itself failed for another reason.
func Parse(data []byte) (*quant.Model, error) {
	if len(data) > MaxSize {
		return nil, &Error{[]Problem{{Code: CodeTooLarge, Args: []any{len(data), MaxSize},
			Message: fmt.Sprintf("the file is too large: a model file may have at most %d bytes (1 MiB)", MaxSize)}}}
	}
	m, d, err := decode(data)
	if err != nil {
		return nil, err
	}
	if err := m.Validate(); err != nil {
		return nil, d.validation(err)
	}
	return m, nil
}

// decode reads the file into a model without validating it, keeping the
// decoder for the positions of its paths.
func decode(data []byte) (*quant.Model, *decoder, error) {
	root, err := parseYAML(data)
	if err != nil {
		return nil, nil, err
	}
	d := &decoder{pos: map[string]position{}}
	m := d.model(root)
	if len(d.problems) > 0 {
		sortProblems(d.problems)
		if d.truncated {
			d.problems = append(d.problems, Problem{Code: quant.CodeTooMany, Args: []any{maxProblems},
				Message: fmt.Sprintf("more than %d problems; stopped reading", maxProblems)})
		}
		return nil, nil, &Error{d.problems}
	}
	return m, d, nil
}

// parseYAML returns the root node of the file's one document.
func parseYAML(data []byte) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := decodeNode(dec, &doc); errors.Is(err, io.EOF) {
		return nil, &Error{[]Problem{{Line: 1, Column: 1, Code: CodeSyntax, Message: "the file is empty"}}}
	} else if err != nil {
		return nil, syntaxError(err, data)
	}
	var extra yaml.Node
	if err := decodeNode(dec, &extra); err == nil {
		return nil, &Error{[]Problem{{Line: extra.Line, Column: extra.Column, Code: CodeSyntax,
			Message: "a model file holds one YAML document; remove the second (after ---)"}}}
	} else if !errors.Is(err, io.EOF) {
		return nil, syntaxError(err, data)
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	if r := resolve(root); r.Kind == yaml.ScalarNode && r.ShortTag() == "!!null" {
		return nil, &Error{[]Problem{{Line: 1, Column: 1, Code: CodeSyntax, Message: "the file is empty"}}}
	}
	return root, nil
}

// decodeNode shields Parse from a panic in the YAML library: a model file is
// outside input, and a crafted one must cost an error, not the process.
func decodeNode(dec *yaml.Decoder, n *yaml.Node) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("yaml: %v", r)
		}
	}()
	return dec.Decode(n)
}

var (
	yamlErrRE = regexp.MustCompile(`^yaml: (?:line (\d+): )?`)
	anchorRE  = regexp.MustCompile(`^unknown anchor '(.*)' referenced$`)
)

// parserProblems are the messages of the YAML library's parser (as opposed
// to its scanner), whose line it reports counting from 0.
var parserProblems = []string{
	"did not find expected ',' or ']'", "did not find expected ',' or '}'",
	"did not find expected '-' indicator", "did not find expected <document start>",
	"did not find expected <stream-start>", "did not find expected key",
	"did not find expected node content", "found duplicate %TAG directive",
	"found duplicate %YAML directive", "found incompatible YAML document",
	"found undefined tag handle",
}

// syntaxError turns the YAML library's error into a Problem. The library
// gives a line only (for a parser error, that of the list or mapping being
// read, counted from 0), none when it is the first line, and none for an
// alias to an unknown anchor, which is looked up here.
func syntaxError(err error, data []byte) error {
	msg := err.Error()
	p := Problem{Code: CodeSyntax}
	if m := yamlErrRE.FindStringSubmatch(msg); m != nil {
		p.Line, _ = strconv.Atoi(m[1])
		msg = msg[len(m[0]):]
		if p.Line > 0 && slices.Contains(parserProblems, msg) {
			p.Line++
		}
	}
	if p.Line == 0 {
		if m := anchorRE.FindStringSubmatch(msg); m != nil {
			if i := bytes.Index(data, []byte("*"+m[1])); i >= 0 {
				p.Line = 1 + bytes.Count(data[:i], []byte("\n"))
				p.Column = 1 + utf8.RuneCount(data[bytes.LastIndexByte(data[:i], '\n')+1:i])
			}
		} else {
			p.Line = 1
		}
	}
	p.Args = []any{msg}
	p.Message = "not valid YAML: " + msg
	return &Error{[]Problem{p}}
}

// validation places quant's validation errors in the file.
func (d *decoder) validation(err error) error {
	var list []*quant.FieldError
	var ve quant.ValidationError
	var fe *quant.FieldError
	switch {
	case errors.As(err, &ve):
		list = ve
	case errors.As(err, &fe):
		list = []*quant.FieldError{fe}
	default:
		return err
	}
	probs := make([]Problem, 0, len(list))
	for _, f := range list {
		at := d.locate(f.Path)
		msg := f.Message()
		if msg == "" {
			msg = f.Error()
		}
		probs = append(probs, Problem{Line: at.line, Column: at.col, Path: f.Path, Code: f.Code, Args: f.Args, Message: msg})
	}
	sortProblems(probs)
	return &Error{probs}
}

// sortProblems puts problems in the order of the file; those without a
// place keep their order at the start.
func sortProblems(probs []Problem) {
	slices.SortStableFunc(probs, func(a, b Problem) int {
		if a.Line != b.Line {
			return a.Line - b.Line
		}
		return a.Column - b.Column
	})
}
