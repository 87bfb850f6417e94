package models

import "encoding/json"

// SandboxCase is one static sandbox case of an operation, from the model's
// x-amzn-api-sandbox extension: the request Amazon's sandbox matches and the
// exact response it returns.
type SandboxCase struct {
	// Status is the HTTP status of the response.
	Status int
	// Params holds the request's path, query and header parameter values by
	// name, as JSON (a string, number, boolean or array).
	Params map[string]json.RawMessage
	// RequestBody is the request body, or nil.
	RequestBody json.RawMessage
	// Response is the response body; empty for responses without one.
	Response json.RawMessage
}

// SandboxCases returns the operation's static sandbox cases, by status.
func (op *Operation) SandboxCases() []SandboxCase { return op.sandbox }

func (op *Operation) newSandboxCase(status int, params map[string]sandboxParam, resp json.RawMessage) SandboxCase {
	c := SandboxCase{Status: status, Params: map[string]json.RawMessage{}, Response: resp}
	for name, p := range params {
		if len(p.Value) == 0 {
			continue // e.g. getListingsItem's case lists an empty "body"
		}
		// The sandbox names the body "body" even where the model calls the
		// parameter "payload".
		if op.Body != nil && (name == op.Body.Name || name == "body") {
			c.RequestBody = p.Value
			continue
		}
		c.Params[name] = p.Value
	}
	return c
}
