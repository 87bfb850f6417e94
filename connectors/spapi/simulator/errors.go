package simulator

import (
	"fmt"
	"net/http"
)

// response is what an operation handler answers: a status and a value that
// encodes to the JSON body (nil for none).
type response struct {
	status int
	body   any
}

// apiError is one entry of Amazon's error list.
type apiError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Details string `json:"details,omitempty"`
}

// errorList is Amazon's error shape, the same in every API:
// {"errors":[{"code":...,"message":...,"details":...}]}.
type errorList struct {
	Errors []apiError `json:"errors"`
}

// Error codes the simulator answers with.
const (
	codeInvalidInput   = "InvalidInput"
	codeInvalidRequest = "InvalidRequest" // the Tokens API's name for InvalidInput
	codeNotFound       = "NotFound"
	codeUnauthorized   = "Unauthorized"
	codeQuotaExceeded  = "QuotaExceeded"
	codeInternal       = "InternalFailure"
	codeUnavailable    = "ServiceUnavailable"
)

func errorResponse(status int, code, message, details string) response {
	return response{status: status, body: errorList{Errors: []apiError{{Code: code, Message: message, Details: details}}}}
}

func invalidInput(format string, args ...any) response {
	return errorResponse(http.StatusBadRequest, codeInvalidInput, fmt.Sprintf(format, args...), "")
}

func notFound(format string, args ...any) response {
	return errorResponse(http.StatusNotFound, codeNotFound, fmt.Sprintf(format, args...), "")
}

func unauthorized(details string) response {
	return errorResponse(http.StatusForbidden, codeUnauthorized, "Access to requested resource is denied.", details)
}

func quotaExceeded() response {
	return errorResponse(http.StatusTooManyRequests, codeQuotaExceeded, "You exceeded your quota for the requested resource.", "")
}

func ok(body any) response { return response{status: http.StatusOK, body: body} }
