package client

import (
	"errors"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"

	"github.com/pipewright/pipewright/connectors/spapi/models"
)

// Request is one call of an operation.
type Request struct {
	// Operation is the operation to call.
	Operation *models.Operation
	// Path holds the path parameters by name.
	Path map[string]string
	// Query holds the query parameters by name; an array parameter takes
	// several values (sent comma-separated), the others exactly one.
	Query map[string][]string
	// Header holds header parameters the model declares (e.g.
	// x-amzn-idempotency-token).
	Header map[string]string
	// Body is the JSON request body, or nil.
	Body []byte
	// Marketplace scopes the rate-limit bucket for operations limited per
	// marketplace; "" otherwise.
	Marketplace string
	// Detach lets an attempt that was sent finish even when ctx ends, for
	// calls whose outcome must be recorded (createFeed: an answer lost to a
	// shutdown would make the caller submit the feed again). Waits before
	// sending still end with ctx.
	Detach bool
}

// target checks the request against the operation and returns the path and
// encoded query to send. Every problem is reported at once.
func (r *Request) target() (string, string, error) {
	op := r.Operation
	var errs []error
	for _, name := range slices.Sorted(maps.Keys(r.Path)) {
		if err := op.CheckParam("path", name); err != nil {
			errs = append(errs, err)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(r.Query)) {
		if err := op.CheckParam("query", name); err != nil {
			errs = append(errs, err)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(r.Header)) {
		if err := op.CheckParam("header", name); err != nil {
			errs = append(errs, err)
		}
	}
	path := op.Path
	q := url.Values{}
	for _, p := range op.Parameters {
		switch p.In {
		case "path":
			v := r.Path[p.Name]
			if v == "" {
				errs = append(errs, fmt.Errorf("%s: path parameter %s is required", op.Name, p.Name))
			}
			path = strings.ReplaceAll(path, "{"+p.Name+"}", url.PathEscape(v))
		case "query":
			vs, ok := r.Query[p.Name]
			if err := checkQueryValues(p, vs, ok); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", op.Name, err))
			} else if ok {
				q.Set(p.Name, strings.Join(vs, ","))
			}
		case "header":
			if p.Required && r.Header[p.Name] == "" {
				errs = append(errs, fmt.Errorf("%s: header %s is required", op.Name, p.Name))
			}
		}
	}
	switch {
	case op.Body == nil && r.Body != nil:
		errs = append(errs, fmt.Errorf("%s takes no request body", op.Name))
	case op.Body != nil && op.Body.Required && r.Body == nil:
		errs = append(errs, fmt.Errorf("%s requires a request body", op.Name))
	}
	return path, q.Encode(), errors.Join(errs...)
}

func checkQueryValues(p models.Parameter, vs []string, given bool) error {
	if !given {
		if p.Required {
			return fmt.Errorf("query parameter %s is required", p.Name)
		}
		return nil
	}
	return p.CheckValues(vs)
}
