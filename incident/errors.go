package incident

import (
	"fmt"
	"strings"
)

// Error codes: stable strings for the API and the message catalogue. The
// package comment describes each one.
const (
	CodeNegative            = "incident.negative"
	CodeTooLarge            = "incident.too_large"
	CodeShareRange          = "incident.share_range"
	CodeSiteKindUnknown     = "incident.site_kind_unknown"
	CodeSiteKindRequired    = "incident.site_kind_required"
	CodeLevelUnknown        = "incident.level_unknown"
	CodeLevelInvalid        = "incident.level_invalid"
	CodeRegionLevelRequired = "incident.region_level_required"
	CodeSeriousnessUnknown  = "incident.seriousness_unknown"
	CodeSpreadUnknown       = "incident.spread_unknown"
	CodeCategoryUnknown     = "incident.category_unknown"
	CodeSubUnknown          = "incident.subcategory_unknown"
	CodeSubMismatch         = "incident.subcategory_mismatch"
	CodeSubRequired         = "incident.subcategory_required"
	CodeSubNotAllowed       = "incident.subcategory_not_allowed"
	CodeGradeUnknown        = "incident.grade_unknown"
	CodeOperatorUnknown     = "incident.operator_unknown"
	CodeTableInvalid        = "incident.table_invalid"
)

// FieldError is one validation failure: the path of the field at fault
// ("direct_loss_fen", "indicators[3].thresholds[1].value"), a message code
// (one of the Code constants, all prefixed "incident.") and the message's
// arguments. Error() is English; the HTTP layer translates Code.
type FieldError struct {
	Field string
	Code  string
	Args  []any
}

func (e *FieldError) Error() string { return fmt.Sprintf("%s: %s %v", e.Field, e.Code, e.Args) }

func ferr(field, code string, args ...any) *FieldError {
	return &FieldError{Field: field, Code: code, Args: args}
}

// Errors is every problem a validation found, in field order. It is returned
// as an error only when it is not empty; errors.As(err, &fe) with a
// *FieldError finds the first one.
type Errors []*FieldError

func (es Errors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "; ")
}

// Unwrap exposes each FieldError to errors.Is and errors.As.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// orNil returns es as an error, or nil when it is empty (a nil Errors in an
// error interface would not compare equal to nil).
func (es Errors) orNil() error {
	if len(es) == 0 {
		return nil
	}
	return es
}
