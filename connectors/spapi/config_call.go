package spapi

import (
	"errors"
	"fmt"
	"strings"

	"github.com/pipewright/pipewright/connectors/spapi/internal/client"
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
	// DoneOn lists error answers that mean the call's effect is already in
	// place (a shipment confirmed before a crash, say): the message is done
	// instead of dead-lettered.
	DoneOn []DoneOn `yaml:"done_on"`
}

// DoneOn matches an SP-API error answer by status and message.
type DoneOn struct {
	// Status is the HTTP status (a 4xx other than 408 and 429).
	Status int `yaml:"status"`
	// Message is text one of Amazon's error messages (or details) must
	// contain, compared case-insensitively.
	Message string `yaml:"message"`
}

func newCallConfig() *CallConfig { return &CallConfig{} }

func callSchema() jsonSchema {
	return object("Calls any SP-API operation of the embedded models per message (confirmShipment, patchListingsItem...). 2xx is done; 429, 5xx and timeouts are retried; other 4xx and Listings answers with status INVALID are permanent.", jsonSchema{
		"operation": str("Operation name: the operationId, or <api>/<version>/<operationId> when several APIs define it (e.g. orders/v0/getOrder)."),
		"path":      mapOf("Path parameters by name.", celExpr("A path parameter value")),
		"query":     mapOf("Query parameters by name; a list for array parameters.", celExpr("A query parameter value")),
		"body":      celTemplate("The JSON request body"),
		"done_on": list("Error answers that mean the call's effect is already in place (for example confirmShipment of a package confirmed before a crash): the message is done, not dead-lettered. Each needs the HTTP status and text that one of Amazon's error messages contains (case-insensitive).",
			object("An error answer that counts as done.", jsonSchema{
				"status":  integer("The HTTP status: a 4xx other than 408 and 429 (those are retried).", 400),
				"message": str("Text one of Amazon's error messages or details contains (case-insensitive)."),
			}, "status", "message")),
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
	for i, d := range c.DoneOn {
		switch {
		case d.Status < 400 || d.Status > 499 || d.Status == 408 || d.Status == 429:
			errs = append(errs, component.FieldErrorf(fmt.Sprintf("done_on.%d.status", i), "%d is not a permanent error status (a 4xx other than 408 and 429)", d.Status))
		case strings.TrimSpace(d.Message) == "":
			errs = append(errs, component.FieldErrorf(fmt.Sprintf("done_on.%d.message", i), "give the text of the error message that means done"))
		}
	}
	return errors.Join(errs...)
}

// matches reports whether err is an SP-API error answer d describes.
func (d DoneOn) matches(e *client.Error) bool {
	if e.Status != d.Status {
		return false
	}
	want := strings.ToLower(d.Message)
	for _, ed := range e.Errors {
		if strings.Contains(strings.ToLower(ed.Message), want) || strings.Contains(strings.ToLower(ed.Details), want) {
			return true
		}
	}
	return strings.Contains(strings.ToLower(e.Message), want)
}
