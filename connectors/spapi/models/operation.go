package models

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// Operation is one operation of an embedded SP-API model, as the client needs
// it to build a call and check what comes back. Operations are shared and
// read-only; their methods are safe for concurrent use.
type Operation struct {
	// Name is how configuration names the operation: the operationId when it
	// is unique across the embedded models, else the qualified name.
	Name string
	// ID is the model's operationId, e.g. "searchOrders".
	ID string
	// API is the API family as the rate-limit table names it, e.g. "orders",
	// "listings-items", "fba-inventory".
	API string
	// Version is the model's version, e.g. "v0" or "2026-01-01".
	Version string
	// Model is the model's file name under api/.
	Model string
	// Method is the upper-case HTTP method.
	Method string
	// Path is the path template, e.g. "/orders/2026-01-01/orders/{orderId}".
	Path string
	// Deprecated is set when the model marks the operation deprecated.
	Deprecated bool
	// Parameters are the path, query and header parameters in model order.
	Parameters []Parameter
	// Body is the request body parameter, or nil when the operation has none.
	Body *Body
	// Consumes and Produces are the media types (operation or model level).
	Consumes, Produces []string
	// UsagePlan is the default rate limit from the operation's description,
	// when it has one (see DefaultRateLimit for the table's value).
	UsagePlan *UsagePlan

	model     *model
	responses map[int]*response
	sandbox   []SandboxCase
	bodyOnce  sync.Once
	bodySch   *jsonschema.Schema
	bodyErr   error
}

// Parameter is a non-body parameter of an operation.
type Parameter struct {
	// In is "path", "query" or "header".
	In string
	// Name is the parameter name as sent on the wire.
	Name string
	// Required is set when the model requires the parameter.
	Required bool
	// Type is the Swagger type: string, integer, number, boolean or array.
	Type string
	// Format is the Swagger format, e.g. "date-time", or "".
	Format string
	// Enum lists the allowed values (of the items for arrays), or is nil.
	Enum []string
	// ItemType is the item type of an array parameter.
	ItemType string
	// MaxItems bounds an array parameter's length (0: no bound).
	MaxItems int
}

// Body is an operation's request body parameter.
type Body struct {
	// Name is the parameter's name in the model ("body", "payload"...).
	Name string
	// Required is set when the model requires a body.
	Required bool
	// Schema is the body's Swagger schema as the model writes it (usually
	// a "$ref" into the model's definitions; see ValidateRequest).
	Schema json.RawMessage
}

type response struct {
	schema json.RawMessage // nil: the model declares no body
	once   sync.Once
	sch    *jsonschema.Schema
	err    error
}

// QualifiedName returns "<api>/<version>/<operationId>", a name that is
// always unique, e.g. "orders/2026-01-01/getOrder".
func (op *Operation) QualifiedName() string { return op.API + "/" + op.Version + "/" + op.ID }

// String returns the operation's name.
func (op *Operation) String() string { return op.Name }

// Param returns the non-body parameter with the given name.
func (op *Operation) Param(name string) (Parameter, bool) {
	for _, p := range op.Parameters {
		if p.Name == name {
			return p, true
		}
	}
	return Parameter{}, false
}

// ResponseSchema returns the Swagger schema the model declares for a
// response status, as the model writes it; ok is false for an undeclared
// status, and the schema is nil for a status without a body (see
// ValidateResponse).
func (op *Operation) ResponseSchema(status int) (schema json.RawMessage, ok bool) {
	r, ok := op.responses[status]
	if !ok {
		return nil, false
	}
	return r.schema, true
}

// Statuses returns the HTTP status codes the model declares, ascending.
func (op *Operation) Statuses() []int {
	out := make([]int, 0, len(op.responses))
	for s := range op.responses {
		out = append(out, s)
	}
	sort.Ints(out)
	return out
}

func newOperation(m *model, doc *swaggerDoc, method, path string, sop *swaggerOp) (*Operation, error) {
	op := &Operation{
		ID: sop.OperationID, API: m.api, Version: m.version, Model: m.file,
		Method: method, Path: path, Deprecated: sop.Deprecated,
		Consumes: firstNonEmpty(sop.Consumes, doc.Consumes), Produces: firstNonEmpty(sop.Produces, doc.Produces),
		UsagePlan: parseUsagePlan(sop.Description),
		model:     m, responses: map[int]*response{},
	}
	for _, sp := range sop.Parameters {
		if sp.In == "body" {
			op.Body = &Body{Name: sp.Name, Required: sp.Required, Schema: sp.Schema}
			m.addSchema(op.bodyDefinition(), sp.Schema)
			continue
		}
		op.Parameters = append(op.Parameters, newParameter(sp))
	}
	for code, sr := range sop.Responses {
		status, err := strconv.Atoi(code)
		if err != nil {
			return nil, fmt.Errorf("response %q: not a status code", code)
		}
		r := &response{schema: sr.Schema}
		if sr.Schema != nil {
			m.addSchema(op.responseDefinition(status), sr.Schema)
		}
		op.responses[status] = r
		for _, c := range sr.Sandbox.Static {
			op.sandbox = append(op.sandbox, op.newSandboxCase(status, c.Request.Parameters, c.Response))
		}
	}
	sort.SliceStable(op.sandbox, func(i, j int) bool { return op.sandbox[i].Status < op.sandbox[j].Status })
	return op, nil
}

func newParameter(sp swaggerParam) Parameter {
	p := Parameter{In: sp.In, Name: sp.Name, Required: sp.Required, Type: sp.Type, Format: sp.Format, Enum: enumStrings(sp.Enum)}
	if sp.Items != nil {
		p.ItemType = sp.Items.Type
		p.Enum = enumStrings(sp.Items.Enum)
	}
	if sp.MaxItems != nil {
		p.MaxItems = *sp.MaxItems
	}
	return p
}

func enumStrings(vs []any) []string {
	if len(vs) == 0 {
		return nil
	}
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = fmt.Sprint(v)
	}
	return out
}

func firstNonEmpty(a, b []string) []string {
	if len(a) > 0 {
		return a
	}
	return b
}
