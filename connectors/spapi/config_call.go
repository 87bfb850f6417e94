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
//
// Calls any SP-API operation of the embedded models per message
// (confirmShipment, patchListingsItem...). 2xx is done; 429, 5xx and
// timeouts are retried; other 4xx and Listings answers with status INVALID
// are permanent.
type CallConfig struct {
	// Operation name: the operationId, or <api>/<version>/<operationId> when
	// several APIs define it (e.g. orders/v0/getOrder).
	Operation string `yaml:"operation" schema:"required"`
	// Path parameters by name (CEL expressions).
	Path map[string]component.Expr `yaml:"path"`
	// Query parameters by name; a list for array parameters (CEL
	// expressions).
	Query map[string]component.Expr `yaml:"query"`
	// The JSON request body (YAML whose string leaves are CEL expressions).
	Body component.Template `yaml:"body"`
	// Error answers that mean the call's effect is already in place (for
	// example confirmShipment of a package confirmed before a crash): the
	// message is done, not dead-lettered. Each needs the HTTP status and
	// text that one of Amazon's error messages contains (case-insensitive).
	DoneOn []DoneOn `yaml:"done_on"`
}

// DoneOn matches an SP-API error answer by status and message.
//
// An error answer that counts as done.
type DoneOn struct {
	// The HTTP status: a 4xx other than 408 and 429 (those are retried).
	Status int `yaml:"status" schema:"required,minimum=400"`
	// Text one of Amazon's error messages or details contains
	// (case-insensitive).
	Message string `yaml:"message" schema:"required"`
}

func newCallConfig() *CallConfig { return &CallConfig{} }

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
