package modelfile

import (
	"strconv"
	"strings"
)

// Codes of problems found while reading a file, before validation. The
// validation codes are quant's (quant.CodeRequired and the rest).
const (
	CodeSyntax       = "syntax"        // not YAML, or not one document: Args[0] = the parser's message
	CodeUnknownKey   = "unknown_key"   // Args = key, and the suggested key when one is close
	CodeType         = "type"          // Args = what was expected, what was found
	CodeDuplicateKey = "duplicate_key" // Args = key, line of its first use
	CodeNumber       = "number"        // Args[0] = the text that is not a usable number
	CodeTooLarge     = "too_large"     // the file is over MaxSize: Args = size, limit
)

// Problem is one thing wrong with a model file, at the place it was written.
// Line and Column start at 1; 0 means the place is unknown (a YAML syntax
// error reports its line only, a file that is too large no place at all).
// Code and Args are stable and let a user interface translate Message,
// which is English.
type Problem struct {
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Path    string `json:"path,omitempty"`
	Code    string `json:"code"`
	Args    []any  `json:"args,omitempty"`
	Message string `json:"message"`
}

func (p Problem) String() string {
	var b strings.Builder
	if p.Line > 0 {
		b.WriteString("line ")
		b.WriteString(strconv.Itoa(p.Line))
		if p.Column > 0 {
			b.WriteString(", column ")
			b.WriteString(strconv.Itoa(p.Column))
		}
		b.WriteString(": ")
	}
	if p.Path != "" {
		b.WriteString(p.Path)
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// Error lists every problem found in a model file, in the order of the file.
type Error struct {
	Problems []Problem
}

// Error prints one line per problem: "line 12, column 7: scenarios[2].magnitude.high: message".
func (e *Error) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}
