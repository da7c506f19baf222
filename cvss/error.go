package cvss

import (
	"fmt"
	"strconv"
)

// Error codes: stable strings for the API and the message catalogue.
const (
	CodeEmpty         = "cvss.empty"          // the vector is empty
	CodeTooLong       = "cvss.too_long"       // longer than MaxLength
	CodePrefix        = "cvss.prefix"         // does not start with "CVSS:"
	CodeVersion       = "cvss.version"        // a version other than 3.0, 3.1 and 4.0 (v2 included)
	CodeSyntax        = "cvss.syntax"         // an empty metric or one not of the form METRIC:VALUE
	CodeUnknownMetric = "cvss.unknown_metric" // a metric the version does not define
	CodeValue         = "cvss.value"          // a value the metric does not allow
	CodeDuplicate     = "cvss.duplicate"      // a metric given twice
	CodeMissing       = "cvss.missing"        // a mandatory (base) metric is missing: Metric names it
	CodeOrder         = "cvss.order"          // v4.0 metrics out of the specification's order
	CodeInvalid       = "cvss.invalid"        // the scoring library rejected a vector Parse had accepted
)

// Error is a fault in a CVSS vector. Metric is the abbreviation of the
// metric at fault ("" when none); Position is the 1-based position of the
// metric at fault among the vector's metrics (0 when the fault is not at one
// metric); Offset is the 0-based byte offset in the input. Error() is
// English; the HTTP layer translates Code.
type Error struct {
	Code     string
	Metric   string
	Position int
	Offset   int
	Args     []any
	msg      string
}

func (e *Error) Error() string {
	return "cvss: " + e.msg + " (byte " + strconv.Itoa(e.Offset) + ")"
}

// Message is the English text without the prefix and the position.
func (e *Error) Message() string { return e.msg }

func vecError(code, metric string, pos, offset int, format string, args ...any) *Error {
	return &Error{Code: code, Metric: metric, Position: pos, Offset: offset, Args: args, msg: fmt.Sprintf(format, args...)}
}
