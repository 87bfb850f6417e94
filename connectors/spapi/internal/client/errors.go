package client

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/pipewright/pipewright/connectors/internal/httpretry"
)

// Error is an SP-API call that ended with an error status. It carries
// Amazon's error list ({"errors":[{"code","message","details"}]}) and the
// request id for support cases, never the request's credentials or body.
type Error struct {
	// Operation is the operation's name.
	Operation string
	// Status is the HTTP status.
	Status int
	// Code, Message and Details are those of Amazon's first error.
	Code, Message, Details string
	// Errors is Amazon's whole error list.
	Errors []ErrorDetail
	// RequestID is the x-amzn-RequestId response header.
	RequestID string
}

// ErrorDetail is one entry of Amazon's error list.
type ErrorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Details string `json:"details,omitempty"`
}

// Error returns "<operation>: HTTP <status> <code>: <message> (<details>)"
// with the number of further errors and the request id.
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: HTTP %d", e.Operation, e.Status)
	if e.Code != "" {
		b.WriteString(" " + e.Code)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.Details != "" && e.Details != e.Message {
		b.WriteString(" (" + e.Details + ")")
	}
	if n := len(e.Errors); n > 1 {
		fmt.Fprintf(&b, " and %d more", n-1)
	}
	if e.RequestID != "" {
		b.WriteString(" [request id " + e.RequestID + "]")
	}
	return b.String()
}

// Retryable reports whether the same call may succeed later: 408, 429 and
// 5xx. Other statuses are permanent for the data sent.
func (e *Error) Retryable() bool { return httpretry.RetryableStatus(e.Status) }

// parseError reads Amazon's error shape from a failed response; a body in
// another shape keeps the status text as message.
func parseError(op string, status int, header http.Header, body []byte) *Error {
	e := &Error{Operation: op, Status: status, RequestID: header.Get("x-amzn-RequestId")}
	var shape struct {
		Errors []ErrorDetail `json:"errors"`
	}
	if json.Unmarshal(body, &shape) == nil && len(shape.Errors) > 0 {
		e.Errors = shape.Errors
		e.Code, e.Message, e.Details = shape.Errors[0].Code, shape.Errors[0].Message, shape.Errors[0].Details
		return e
	}
	e.Message = http.StatusText(status)
	return e
}
