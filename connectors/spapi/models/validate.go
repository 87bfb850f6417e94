package models

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// SchemaError reports a JSON document that does not match its schema.
type SchemaError struct {
	// Subject names what was validated, e.g. "getOrder response 200".
	Subject string
	// Problems lists each violation as "<JSON pointer>: <message>".
	Problems []string
}

// Error names the subject and its first five problems.
func (e *SchemaError) Error() string {
	const show = 5
	p := e.Problems
	more := ""
	if len(p) > show {
		more = fmt.Sprintf(" (and %d more)", len(p)-show)
		p = p[:show]
	}
	return fmt.Sprintf("%s does not match the schema: %s%s", e.Subject, strings.Join(p, "; "), more)
}

// ValidateResponse checks a response body against the schema the model
// declares for status. A status the model does not declare is an error; a
// declared status without a schema accepts any body.
func (op *Operation) ValidateResponse(status int, body []byte) error {
	r, ok := op.responses[status]
	if !ok {
		return fmt.Errorf("%s: the model declares no response with status %d (declared: %v)", op.Name, status, op.Statuses())
	}
	if r.schema == nil {
		return nil
	}
	r.once.Do(func() { r.sch, r.err = op.model.compile(op.responseDefinition(status)) })
	if r.err != nil {
		return r.err
	}
	return validate(r.sch, fmt.Sprintf("%s response %d", op.Name, status), body)
}

// ValidateRequest checks a request body against the model's body schema. An
// operation without a body parameter accepts only an empty body.
func (op *Operation) ValidateRequest(body []byte) error {
	if op.Body == nil {
		if len(strings.TrimSpace(string(body))) > 0 {
			return fmt.Errorf("%s takes no request body", op.Name)
		}
		return nil
	}
	op.bodyOnce.Do(func() { op.bodySch, op.bodyErr = op.model.compile(op.bodyDefinition()) })
	if op.bodyErr != nil {
		return op.bodyErr
	}
	return validate(op.bodySch, op.Name+" request body", body)
}

func validate(sch *jsonschema.Schema, subject string, body []byte) error {
	v, err := decodeJSON(body)
	if err != nil {
		return fmt.Errorf("%s is not JSON: %w", subject, err)
	}
	if err := sch.Validate(v); err != nil {
		var ve *jsonschema.ValidationError
		if errors.As(err, &ve) {
			return &SchemaError{Subject: subject, Problems: schemaProblems(ve)}
		}
		return fmt.Errorf("validating %s: %w", subject, err)
	}
	return nil
}

// schemaProblems flattens a validation error to its leaf causes.
func schemaProblems(ve *jsonschema.ValidationError) []string {
	var out []string
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			loc := e.InstanceLocation
			if loc == "" {
				loc = "/"
			}
			out = append(out, loc+": "+e.Message)
			return
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)
	sort.Strings(out)
	return out
}
