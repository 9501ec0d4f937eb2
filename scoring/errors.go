package scoring

import (
	"errors"
	"fmt"
)

// Error codes shared by the whole application; the API maps each to one HTTP status.
const (
	Invalid      = "invalid"
	NotFound     = "not_found"
	Conflict     = "conflict"
	Unauthorized = "unauthorized"
	Forbidden    = "forbidden"
	Internal     = "internal"
)

// Error is the application's one error type: a code and a message for the user.
type Error struct {
	Code    string
	Message string
	// Fields lists per-field reasons, for validation errors.
	Fields []FieldError
}

// FieldError names a field (or a key path, or file:row:column) and what is wrong with it.
type FieldError struct {
	Field  string `json:"field"`
	Reason string `json:"reason"`
}

func (e *Error) Error() string { return e.Message }

func errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Errorf returns an *Error with the code and formatted message.
func Errorf(code, format string, args ...any) *Error { return errorf(code, format, args...) }

// ErrorCode returns the code of the *Error in err's chain, or Internal.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}
