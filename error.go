package anbao

import (
	"errors"
	"fmt"
)

// Application error codes. The HTTP layer maps each to one status.
const (
	ECONFLICT     = "conflict"
	EINVALID      = "invalid"
	ENOTFOUND     = "not_found"
	EUNAUTHORIZED = "unauthorized"
	EFORBIDDEN    = "forbidden"
	EINTERNAL     = "internal"
	ETOOMANY      = "too_many_requests"
	ETOOLARGE     = "too_large"
	EPRECONDITION = "precondition_required"
	EUNAVAILABLE  = "unavailable" // a service the request needs is not available here (503)
)

// Error is an application error: a machine code, a message key that the UI and
// API translate, the arguments of that message, and optionally the field at fault.
type Error struct {
	Code  string
	Key   string // message catalogue key, e.g. "uscc.checksum"
	Args  []any  // arguments for the message template
	Field string // the input field at fault, if any
	Err   error  // wrapped cause, never shown to users
}

func (e *Error) Error() string {
	s := e.Code + ": " + e.Key
	if len(e.Args) > 0 {
		s += fmt.Sprint(e.Args)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf makes an application error with a message key and its arguments.
func Errorf(code, key string, args ...any) *Error {
	return &Error{Code: code, Key: key, Args: args}
}

// FieldError makes an EINVALID error about one input field.
func FieldError(field, key string, args ...any) *Error {
	return &Error{Code: EINVALID, Key: key, Args: args, Field: field}
}

// ErrorCode returns the application code of err, EINTERNAL for foreign errors and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrNotFound is the generic "no such record, or not yours" error.
// kind names the record kind for logs; users see one message for every kind.
func ErrNotFound(kind string) *Error {
	return &Error{Code: ENOTFOUND, Key: "error.not_found", Field: kind}
}
