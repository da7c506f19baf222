package vulnfeed

import (
	"fmt"
	"strconv"
)

// Error codes: stable strings for the API and the message catalogue.
const (
	CodeEmpty        = "feed.empty"         // the input has no content
	CodeTooLarge     = "feed.too_large"     // the (decompressed) input exceeds the limit: Args[0] = limit in bytes
	CodeRead         = "feed.read"          // the input could not be read
	CodeGzip         = "feed.gzip"          // the input starts like gzip but is not valid gzip
	CodeSyntax       = "feed.syntax"        // malformed JSON
	CodeDepth        = "feed.depth"         // JSON nested too deeply in an unknown field
	CodeTrailing     = "feed.trailing_data" // data after the end of the JSON document
	CodeType         = "feed.type"          // a JSON value of the wrong type
	CodeRequired     = "feed.required"      // a required field is missing or blank
	CodeDuplicateKey = "feed.duplicate_key" // a JSON object gives a field twice
	CodeTooLong      = "feed.too_long"      // a string or line longer than allowed: Args[0] = limit
	CodeControl      = "feed.control_char"  // a string holds a NUL or other control character
	CodeCVE          = "feed.cve_id"        // not a CVE id (^CVE-[0-9]{4}-[0-9]{4,19}$)
	CodeDate         = "feed.date"          // not a date or timestamp in the expected format
	CodeEnum         = "feed.enum"          // a value outside its allowed set
	CodeCWE          = "feed.cwe"           // not a CWE id (^CWE-[0-9]+$)
	CodeTooMany      = "feed.too_many"      // more items than allowed: Args[0] = limit
	CodeCount        = "feed.count"         // KEV count differs from the entries: Args = count, entries
	CodeDuplicate    = "feed.duplicate"     // a CVE id appears twice: Args = id, first place, second place
	CodeHeader       = "feed.header"        // EPSS first line (#model_version:…,score_date:…) missing or malformed
	CodeColumns      = "feed.columns"       // EPSS column header or field count wrong
	CodeNumber       = "feed.number"        // EPSS value is not a plain decimal number
	CodeRange        = "feed.range"         // EPSS value outside [0, 1]
	CodeBlankLine    = "feed.blank_line"    // a blank line before more rows
)

// Error is a fault in a feed file. The whole file is rejected.
//
// For KEV files, Entry is the index in vulnerabilities[] (-1 when the fault
// is not inside an entry), Field the JSON field, CVE the entry's id when it
// was read before the fault, and Offset the byte offset in the JSON text
// (after decompression and any byte-order mark) just after the token at
// fault, or of the syntax error. For EPSS files, Line is the 1-based line
// number, Field the column ("cve", "epss", "percentile") or header key, and
// CVE the row's id when it was valid. Fields that do not apply are -1 or
// empty. Error() is English; the HTTP layer translates Code with Args.
type Error struct {
	Code   string
	Feed   string // "kev" or "epss"
	Entry  int
	Field  string
	CVE    string
	Line   int
	Offset int64
	Args   []any
	Err    error // underlying I/O, gzip or JSON error, never shown to users as is
	msg    string
}

func (e *Error) Error() string {
	s := e.Feed + ": "
	switch {
	case e.Line > 0:
		s += "line " + strconv.Itoa(e.Line) + ": "
		if e.Field != "" {
			s += e.Field + ": "
		}
	case e.Entry >= 0:
		s += "vulnerabilities[" + strconv.Itoa(e.Entry) + "]"
		if e.CVE != "" {
			s += " (" + e.CVE + ")"
		}
		if e.Field != "" {
			s += "." + e.Field
		}
		s += ": "
	case e.Field != "":
		s += e.Field + ": "
	}
	s += e.msg
	if e.Offset >= 0 && e.Line == 0 {
		s += " (byte " + strconv.FormatInt(e.Offset, 10) + ")"
	}
	return s
}

// Message is the English text without the position.
func (e *Error) Message() string { return e.msg }

func (e *Error) Unwrap() error { return e.Err }

func kevError(code string, entry int, field, cve string, offset int64, format string, args ...any) *Error {
	return &Error{Code: code, Feed: "kev", Entry: entry, Field: field, CVE: cve, Offset: offset,
		Args: args, msg: fmt.Sprintf(format, args...)}
}

func epssError(code string, line int, field, cve string, format string, args ...any) *Error {
	return &Error{Code: code, Feed: "epss", Entry: -1, Field: field, CVE: cve, Line: line, Offset: -1,
		Args: args, msg: fmt.Sprintf(format, args...)}
}
