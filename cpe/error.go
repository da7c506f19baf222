package cpe

import (
	"fmt"
	"strconv"
)

// Error codes: stable strings for the API and the message catalogue.
const (
	CodeEmpty      = "cpe.empty"      // the name or one of its values is empty
	CodeTooLong    = "cpe.too_long"   // longer than MaxLength: Args[0] = MaxLength
	CodeURIBinding = "cpe.uri"        // a CPE 2.2 URI (cpe:/...) was given
	CodePrefix     = "cpe.prefix"     // does not start with "cpe:2.3:"
	CodeComponents = "cpe.components" // not 13 colon-separated components: Args[0] = the count found
	CodePart       = "cpe.part"       // part is not a, o, h, * or -
	CodeChar       = "cpe.char"       // a character that must be quoted, or may not appear at all
	CodeEscape     = "cpe.escape"     // a backslash before a letter or digit, or at the end
	CodeWildcard   = "cpe.wildcard"   // * or ? inside a value, or a value of wildcards only
	CodeLanguage   = "cpe.language"   // the language attribute is not a language tag
)

// Error is a fault in a CPE name. Component is the attribute at fault (e.g.
// "version"), or "" for faults of the whole name; Index is its 1-based
// position among the 13 colon-separated components (3 for part … 13 for
// other), or 0; Offset is the 0-based byte offset in the input where the
// fault was found. Error() is English; the HTTP layer translates Code.
type Error struct {
	Code      string
	Component string
	Index     int
	Offset    int
	Args      []any
	msg       string
}

func (e *Error) Error() string {
	if e.Component == "" {
		return "cpe: " + e.msg
	}
	return "cpe: " + e.Component + " (component " + strconv.Itoa(e.Index) + " of 13, byte " +
		strconv.Itoa(e.Offset) + ") " + e.msg
}

// Message is the English text without the prefix and the position.
func (e *Error) Message() string { return e.msg }

func newError(code string, offset int, format string, args ...any) *Error {
	return &Error{Code: code, Offset: offset, Args: args, msg: fmt.Sprintf(format, args...)}
}

func attrError(code string, idx, offset int, format string, args ...any) *Error {
	return &Error{Code: code, Component: attrNames[idx], Index: idx + 3, Offset: offset,
		Args: args, msg: fmt.Sprintf(format, args...)}
}
