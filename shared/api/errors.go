// Package api holds OrderCloud's HTTP conventions: the error shape, JSON
// responses, list pages and the list query language. It knows nothing of
// storage or of any particular resource.
package api

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"github.com/ordercloud-serverless/occ/shared/contract"
)

// Error is one API error with its HTTP status. Handlers return it as a
// value; Write renders it in OrderCloud's shape.
type Error struct {
	Status  int
	Code    string
	Message string
	Data    any
	// Extra errors returned alongside this one.
	More []*Error
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// E builds an error with the contract's message for code.
func E(status int, code string, data any) *Error {
	msg, _ := contract.ErrorMessage(code)
	if msg == "" {
		msg = code
	}
	return &Error{Status: status, Code: code, Message: msg, Data: data}
}

// WithMessage replaces the message.
func (e *Error) WithMessage(m string) *Error { c := *e; c.Message = m; return &c }

// NotFound is OrderCloud's 404 for a missing object.
func NotFound(objectType, id string) *Error {
	return E(http.StatusNotFound, "NotFound", map[string]any{"ObjectType": objectType, "ObjectID": id})
}

// RouteNotFound is the 404 for a path that is no API route. It carries no
// Data, and its code is not "NotFound": the official JS SDK reads
// Data.ObjectType of every NotFound error and would crash on this one.
func RouteNotFound() *Error {
	return &Error{Status: http.StatusNotFound, Code: "RouteNotFound", Message: "No API route matches this method and path."}
}

// Validation is a 400 ValidationFailure naming the property.
func Validation(property, message string) *Error {
	return &Error{Status: http.StatusBadRequest, Code: "ValidationFailure", Message: message,
		Data: map[string]any{"Property": property}}
}

// InvalidBody is the 400 for malformed JSON or wrongly typed values.
func InvalidBody(detail string) *Error {
	e := E(http.StatusBadRequest, "Request.InvalidRequestBody", nil)
	if detail != "" {
		e.Message = e.Message + " " + detail
	}
	return e
}

// IDExists is the 409 for a create whose ID is taken in its scope.
func IDExists(objectType, id string) *Error {
	return &Error{Status: http.StatusConflict, Code: "IdExists", Message: "Object already exists.",
		Data: map[string]any{"ObjectType": objectType, "ObjectID": id}}
}

// Conflict is the 409 for a write that kept losing to concurrent writes of
// the same object (after retrying); the caller may simply send it again.
func Conflict() *Error {
	return &Error{Status: http.StatusConflict, Code: "Conflict",
		Message: "The object was changed by other requests at the same time; send the request again."}
}

// Unauthorized is the 401 for a missing, bad or expired token.
func Unauthorized(msg string) *Error {
	return &Error{Status: http.StatusUnauthorized, Code: "InvalidToken", Message: msg}
}

// NotForUserType is the 403 for what a kind of user may never do,
// whatever its roles (Auth.UserNotAuthorizedToAdmin); why, when given,
// replaces the contract's message.
func NotForUserType(why string) *Error {
	e := E(http.StatusForbidden, "Auth.UserNotAuthorizedToAdmin", nil)
	if why != "" {
		e.Message = why
	}
	return e
}

// InsufficientRoles is the 403 naming the roles that would allow the call.
func InsufficientRoles(allowed []string) *Error {
	return E(http.StatusForbidden, "Auth.InsufficientRoles", map[string]any{"SufficientRoles": allowed})
}

type wireError struct {
	ErrorCode string
	Message   string
	Data      any
}

// Body is the JSON error body for err.
func Body(e *Error) map[string]any {
	errs := []wireError{{e.Code, e.Message, e.Data}}
	for _, m := range e.More {
		errs = append(errs, wireError{m.Code, m.Message, m.Data})
	}
	return map[string]any{"Errors": errs}
}

// Coded is an error that carries the contract's code for itself: a domain
// rule refusing what was asked (commerce.Refusal). The method is named so
// that no other library's errors match by accident (the AWS SDK's carry an
// ErrorCode method, and a DynamoDB outage is no 400).
type Coded interface {
	error
	ContractCode() string
}

// Refused is the 400 for a domain refusal, with data; other errors pass
// through.
func Refused(err error, data any) error {
	var coded Coded
	if errors.As(err, &coded) {
		return E(http.StatusBadRequest, coded.ContractCode(), data)
	}
	return err
}

// AsError converts any error to an *Error: a Coded one is a 400 with its
// code; unknown errors become a 500 ServerError (and are logged, since they
// are bugs or outages).
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	var coded Coded
	if errors.As(err, &coded) {
		return E(http.StatusBadRequest, coded.ContractCode(), nil)
	}
	slog.Error("unhandled error", "err", err)
	return E(http.StatusInternalServerError, "ServerError", nil)
}

// WriteError renders err in OrderCloud's error shape.
func WriteError(w http.ResponseWriter, err error) {
	e := AsError(err)
	WriteJSON(w, e.Status, Body(e))
}

// WriteJSON writes v as JSON with status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	if v == nil {
		return
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// NoContent writes a 204.
func NoContent(w http.ResponseWriter) { w.WriteHeader(http.StatusNoContent) }
