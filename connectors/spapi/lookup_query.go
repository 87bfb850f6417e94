package spapi

import (
	"fmt"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/pipewright/pipewright/connectors/internal/jsonptr"
	"github.com/pipewright/pipewright/connectors/spapi/internal/client"
	"github.com/pipewright/pipewright/connectors/spapi/models"
	"github.com/pipewright/pipewright/engine/component"
)

// lookupQuery is a query of the queries option ready to be called.
type lookupQuery struct {
	op     *models.Operation
	params []queryParam    // in model order
	result jsonptr.Pointer // nil for the whole body
}

// queryParam is a parameter of a lookup query and how its values are made.
type queryParam struct {
	models.Parameter
	elems []paramElem
}

// paramElem is literal values or a reference to a lookup parameter.
type paramElem struct {
	values []string
	ref    string
}

var paramRef = regexp.MustCompile(`^@[A-Za-z_][A-Za-z0-9_]*$`)

// compileQueries compiles the queries option; every problem is reported as
// a FieldError under queries.<name>.
func compileQueries(qs map[string]QueryConfig) (map[string]*lookupQuery, []error) {
	out := make(map[string]*lookupQuery, len(qs))
	var errs []error
	for _, name := range slices.Sorted(maps.Keys(qs)) {
		q, qerrs := compileQuery("queries."+name, qs[name])
		out[name] = q
		errs = append(errs, qerrs...)
	}
	return out, errs
}

// compileQuery checks a query against its operation's model: a GET
// operation, known parameter names, every required one given, literal
// values allowed.
func compileQuery(option string, c QueryConfig) (*lookupQuery, []error) {
	op, err := models.LookupOperation(c.Operation)
	if err != nil {
		return nil, []error{component.FieldErrorf(option+".operation", "%v", err)}
	}
	if op.Method != http.MethodGet {
		return nil, []error{component.FieldErrorf(option+".operation", "%s is a %s operation: lookups only read (GET); spapi.call changes data", op.Name, op.Method)}
	}
	q := &lookupQuery{op: op, result: jsonptr.Parse(c.Result)}
	errs := checkParams(op, "", option+".params", c.Params)
	for _, p := range op.Parameters {
		given, ok := c.Params[p.Name]
		if !ok {
			continue
		}
		qp, err := compileParam(p, given)
		if err != nil {
			errs = append(errs, component.FieldErrorf(option+".params."+p.Name, "%v", err))
		}
		q.params = append(q.params, qp)
	}
	return q, errs
}

// compileParam sorts a parameter's elements into literals (split at commas
// for arrays) and references, and checks the literals.
func compileParam(p models.Parameter, given QueryParam) (queryParam, error) {
	qp := queryParam{Parameter: p}
	var literals []string
	refs := 0
	for _, e := range given {
		if strings.HasPrefix(e, "@") {
			if !paramRef.MatchString(e) {
				return qp, fmt.Errorf("%q is not a parameter reference (@ and a name of letters, digits and _)", e)
			}
			qp.elems = append(qp.elems, paramElem{ref: e[1:]})
			refs++
			continue
		}
		vs := []string{e}
		if p.Type == "array" {
			vs = strings.Split(e, ",")
			for i := range vs {
				vs[i] = strings.TrimSpace(vs[i])
			}
		}
		literals = append(literals, vs...)
		qp.elems = append(qp.elems, paramElem{values: vs})
	}
	switch {
	case refs == 0 || p.Type == "array":
		return qp, p.CheckValues(literals) // with references: what the literals alone break
	case len(given) > 1:
		return qp, fmt.Errorf("%s parameter %s takes one value, got %d", p.In, p.Name, len(given))
	}
	return qp, nil
}

// request builds the call; value returns a lookup parameter's value.
func (q *lookupQuery) request(value func(name string) (any, bool)) (*client.Request, error) {
	req := &client.Request{Operation: q.op, Path: map[string]string{}, Query: map[string][]string{}, Header: map[string]string{}}
	for _, p := range q.params {
		vs, err := p.values(value)
		if err != nil {
			return nil, err
		}
		if p.In == "query" {
			req.Query[p.Name] = vs
			continue
		}
		if err := p.CheckValues(vs); err != nil {
			return nil, err
		}
		if p.In == "path" {
			req.Path[p.Name] = vs[0]
		} else {
			req.Header[p.Name] = vs[0]
		}
	}
	scopeToMarketplace(req)
	return req, nil
}

// values returns the parameter's values, references resolved.
func (p queryParam) values(value func(name string) (any, bool)) ([]string, error) {
	var out []string
	for _, e := range p.elems {
		if e.ref == "" {
			out = append(out, e.values...)
			continue
		}
		v, ok := value(e.ref)
		if !ok {
			return nil, fmt.Errorf("parameter %s is not given", e.ref)
		}
		vs, err := paramStrings(v)
		if err != nil {
			return nil, fmt.Errorf("parameter %s: %w", e.ref, err)
		}
		out = append(out, vs...)
	}
	return out, nil
}
