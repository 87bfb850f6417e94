// Package httpconn is the generic HTTP connector, whose component types
// are named http.* (the package is not named http, which would shadow the
// standard library's net/http). Its http.webhook source
// serves a path on the engine's HTTP server and turns every authenticated
// JSON request into one message, durably published before the sender is
// answered 202 (see connectors/internal/webhook for the checks and status
// codes).
package httpconn

import "github.com/pipewright/pipewright/engine/component"

// Factories returns the connector's factories for the engine's registry.
func Factories() []component.Factory {
	return []component.Factory{NewWebhookFactory()}
}
