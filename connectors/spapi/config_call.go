package spapi

import (
	"errors"

	"github.com/pipewright/pipewright/connectors/spapi/models"
	"github.com/pipewright/pipewright/engine/component"
)

// CallConfig is the options of the spapi.call sink.
type CallConfig struct {
	// Operation is the operation's name (see models.LookupOperation).
	Operation string `yaml:"operation"`
	// Path gives each path parameter.
	Path map[string]component.Expr `yaml:"path"`
	// Query gives query parameters: a string, or a list for array
	// parameters.
	Query map[string]component.Expr `yaml:"query"`
	// Body builds the JSON request body.
	Body component.Template `yaml:"body"`
}

func newCallConfig() *CallConfig { return &CallConfig{} }

func callSchema() jsonSchema {
	return object("Calls any SP-API operation of the embedded models per message (confirmShipment, patchListingsItem...). 2xx is done; 429, 5xx and timeouts are retried; other 4xx and Listings answers with status INVALID are permanent.", jsonSchema{
		"operation": str("Operation name: the operationId, or <api>/<version>/<operationId> when several APIs define it (e.g. orders/v0/getOrder)."),
		"path":      mapOf("Path parameters by name.", celExpr("A path parameter value")),
		"query":     mapOf("Query parameters by name; a list for array parameters.", celExpr("A query parameter value")),
		"body":      celTemplate("The JSON request body"),
	}, "operation")
}

// Validate checks the operation and its parameter names against the model.
func (c *CallConfig) Validate() error {
	op, err := models.LookupOperation(c.Operation)
	if err != nil {
		return component.FieldErrorf("operation", "%v", err)
	}
	errs := append(checkParams(op, "path", "path", c.Path), checkParams(op, "query", "query", c.Query)...)
	switch {
	case op.Body == nil && !c.Body.IsZero():
		errs = append(errs, component.FieldErrorf("body", "%s takes no request body", op.Name))
	case op.Body != nil && op.Body.Required && c.Body.IsZero():
		errs = append(errs, component.FieldErrorf("body", "%s needs a request body", op.Name))
	}
	return errors.Join(errs...)
}
