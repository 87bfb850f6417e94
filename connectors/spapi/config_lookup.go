package spapi

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// QueryConfig is a named lookup of the connection's queries option: an
// operation called with parameters given literally or from the lookup
// step's parameters.
//
// A lookup.
type QueryConfig struct {
	// Operation name, e.g. getListingsItem or getInventorySummaries: the
	// operationId, or <api>/<version>/<operationId> when several APIs define
	// it. GET operations only.
	Operation string `yaml:"operation" schema:"required"`
	// Path and query parameters by name (as the operation's model names
	// them).
	Params map[string]QueryParam `yaml:"params"`
	// JSON pointer to the part of the response body to return, e.g.
	// /payload/inventorySummaries (default: the whole body). A part that is
	// absent gives null.
	Result string `yaml:"result" pattern:"^(/.*)?$"`
}

// QueryParam is the value of a lookup query's parameter: a scalar or a
// list of them. An element "@name" is the lookup step's parameter name
// (@seller_id is the connection's seller); other elements are literal, and
// a literal of an array parameter is split at commas.
type QueryParam []string

// JSONSchema declares a scalar or a list of scalars.
func (QueryParam) JSONSchema() map[string]any {
	scalar := []any{"string", "number", "boolean"}
	return map[string]any{
		"type":        append(scalar, "array"),
		"items":       map[string]any{"type": scalar, "description": "A literal or @name."},
		"description": `A literal value, "@name" for the lookup step's parameter name (@seller_id: the connection's seller), or a list of these; literals of array parameters may be comma-separated.`,
	}
}

// UnmarshalYAML reads a scalar or a list of scalars as their text.
func (p *QueryParam) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		*p = QueryParam{n.Value}
		return nil
	case yaml.SequenceNode:
		out := make(QueryParam, 0, len(n.Content))
		for _, e := range n.Content {
			if e.Kind != yaml.ScalarNode {
				return fmt.Errorf("line %d: a parameter's list holds scalars only", e.Line)
			}
			out = append(out, e.Value)
		}
		*p = out
		return nil
	}
	return fmt.Errorf("line %d: a parameter is a scalar or a list of scalars", n.Line)
}

// paramSellerID is the pre-bound lookup parameter holding the connection's
// seller id.
const paramSellerID = "seller_id"

// ValidateLookup checks that query is defined and that params are exactly
// the @names its parameters use besides the pre-bound @seller_id.
func (c *ConnectionConfig) ValidateLookup(query string, params []string) error {
	q, ok := c.Queries[query]
	if !ok {
		names := slices.Sorted(maps.Keys(c.Queries))
		if len(names) == 0 {
			return fmt.Errorf("connection has no query %q (it defines no queries)", query)
		}
		return fmt.Errorf("connection has no query %q (queries: %s)", query, strings.Join(names, ", "))
	}
	want := q.refs()
	var missing, extra []string
	for _, p := range want {
		if !slices.Contains(params, p) {
			missing = append(missing, p)
		}
	}
	for _, p := range params {
		if !slices.Contains(want, p) {
			extra = append(extra, p)
		}
	}
	slices.Sort(extra)
	var errs []error
	if len(missing) > 0 {
		errs = append(errs, fmt.Errorf("query %s needs parameter(s) %s", query, strings.Join(missing, ", ")))
	}
	if len(extra) > 0 {
		errs = append(errs, fmt.Errorf("query %s takes no parameter(s) %s (it takes %s)", query, strings.Join(extra, ", "), describeRefs(want)))
	}
	return errors.Join(errs...)
}

// refs returns the lookup parameter names the query uses besides the
// pre-bound ones, sorted and unique.
func (q QueryConfig) refs() []string {
	var out []string
	for _, p := range q.Params {
		for _, e := range p {
			if name, ok := strings.CutPrefix(e, "@"); ok && name != paramSellerID && !slices.Contains(out, name) {
				out = append(out, name)
			}
		}
	}
	slices.Sort(out)
	return out
}

func describeRefs(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}
