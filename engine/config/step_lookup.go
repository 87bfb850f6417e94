package config

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/expr"
)

// lookupKind enriches messages with a connection's named query.
type lookupKind struct{}

func (lookupKind) name() string { return "lookup" }

func (lookupKind) schema() string {
	return `{
  "description": "Enrichment: runs a named query of a connection and binds the result to a variable for later steps.",
  "type": "object",
  "additionalProperties": false,
  "required": ["connection", "query", "as"],
  "properties": {
    "connection": {
      "description": "Connection name from the project file.",
      "type": "string"
    },
    "query": {
      "description": "Query name defined on that connection.",
      "type": "string"
    },
    "params": {
      "description": "Query parameters by name, each a CEL expression.",
      "type": "object",
      "additionalProperties": {"$ref": "#/$defs/expr"}
    },
    "as": {
      "description": "Variable name the result is bound to (also vars.NAME).",
      "type": "string",
      "pattern": "^[a-z_][a-zA-Z0-9_]*$"
    },
    "required": {
      "description": "A lookup that finds nothing is a permanent error (default true); when false the variable is null.",
      "type": "boolean"
    },
    "wait": {
      "description": "A lookup that finds nothing waits instead: the message is retried until the row is there (written later by another flow, e.g. the order of a refund), for at most the pipeline's errors.max_wait, then dead-lettered. Needs required (the default).",
      "type": "boolean"
    }
  }
}`
}

// declaredVars is the as of a lookup that did not compile.
func (lookupKind) declaredVars(n *yaml.Node) []string {
	if as := mappingValue(n, "as"); as != nil && as.Kind == yaml.ScalarNode {
		return []string{as.Value}
	}
	return nil
}

func (lookupKind) compile(c *stepContext, n *yaml.Node) stepRunner {
	var d struct {
		Connection string                    `yaml:"connection"`
		Query      string                    `yaml:"query"`
		Params     map[string]component.Expr `yaml:"params"`
		As         string                    `yaml:"as"`
		Required   *bool                     `yaml:"required"`
		Wait       bool                      `yaml:"wait"`
	}
	if err := n.Decode(&d); err != nil {
		c.problem("", "%v", err)
		return nil
	}
	s := &LookupStep{Connection: d.Connection, Query: d.Query, As: d.As, Required: d.Required == nil || *d.Required, Wait: d.Wait}
	if s.Wait && !s.Required {
		c.problem("/wait", "wait needs required: a lookup that may find nothing has nothing to wait for")
	}
	switch err := expr.CheckVarName(d.As); {
	case builtinVars[d.As]:
		c.problem("/as", "%q is a built-in variable: choose another name", d.As)
	case err != nil:
		c.problem("/as", "%v: choose another name", err)
	case slices.Contains(*c.vars, d.As):
		c.problem("/as", "variable %q is already bound by an earlier lookup", d.As)
	}
	for name := range d.Params {
		s.ParamNames = append(s.ParamNames, name)
	}
	sort.Strings(s.ParamNames)
	var shape *expr.Shape
	if conn := c.l.connection(c.f, c.ptr+"/connection", d.Connection, ""); conn != nil {
		lv, ok := conn.Config.(component.LookupValidator)
		switch {
		case !ok:
			c.problem("/connection", "connection %q (%s) does not serve lookups", d.Connection, conn.Type)
		default:
			if err := lv.ValidateLookup(d.Query, s.ParamNames); err != nil {
				c.problem("/query", "%v", err)
			} else {
				shape = lookupShape(conn, d.Query)
			}
		}
	}
	for _, name := range s.ParamNames {
		e := d.Params[name]
		s.Params = append(s.Params, c.expr(e.Node()))
	}
	c.bindVar(d.As, shape)
	return s
}

// lookupShape is what a connection tells of a query's result, or nil.
func lookupShape(conn *Connection, query string) *expr.Shape {
	ld, ok := conn.Config.(component.LookupDescriber)
	if !ok {
		return nil
	}
	res, ok := ld.DescribeLookup(query)
	if !ok {
		return nil
	}
	s := &expr.Shape{Source: fmt.Sprintf("the result of query %s", query), Columns: map[string]expr.ValueType{}, List: res.Rows,
		Hint: fmt.Sprintf("declare the column's type under types of query %s", query)}
	for c, t := range res.Columns {
		s.Columns[c] = expr.TypeDyn
		if t != "" {
			s.Columns[c] = expr.ValueType(t)
		}
	}
	return s
}

// LookupStep runs a connection's named query and binds the result to As.
type LookupStep struct {
	Connection string
	Query      string
	// Params are compiled in name order.
	ParamNames []string
	Params     []*expr.Program
	As         string
	Required   bool
	// Wait makes a lookup that finds nothing a component.Waiting failure.
	Wait bool
}

func (s *LookupStep) keepsBody() {}

func (s *LookupStep) connections() []string { return []string{s.Connection} }

func (s *LookupStep) run(ctx context.Context, st *Step, env *StepEnv, msg *component.Message) (StepResult, error) {
	act := env.Globals.Activation(msg)
	params := make(map[string]any, len(s.Params))
	for i, p := range s.Params {
		v, err := p.Eval(act)
		if err != nil {
			return StepResult{}, component.Permanentf("param %s: %v", s.ParamNames[i], err)
		}
		params[s.ParamNames[i]] = v
	}
	if env.Lookup == nil {
		return StepResult{}, component.Permanentf("lookups are not available here")
	}
	result, err := env.Lookup(ctx, LookupQuery{Step: st.Name, Connection: s.Connection, Query: s.Query, Params: params})
	if err != nil {
		return StepResult{}, fmt.Errorf("query %s on %s: %w", s.Query, s.Connection, err)
	}
	if result == nil && s.Wait {
		return StepResult{}, component.Waiting(fmt.Errorf("query %s on %s found nothing (yet) for %s", s.Query, s.Connection, describeParams(s.ParamNames, params)))
	}
	if result == nil && s.Required {
		return StepResult{}, component.Permanentf("query %s on %s found nothing for %s", s.Query, s.Connection, describeParams(s.ParamNames, params))
	}
	out := msg.Clone()
	if out.Vars == nil {
		out.Vars = map[string]any{}
	}
	out.Vars[s.As] = result
	return StepResult{Msg: out}, nil
}

func describeParams(names []string, params map[string]any) string {
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = fmt.Sprintf("%s=%v", n, params[n])
	}
	return strings.Join(parts, ", ")
}

// Test support: a case's mocks section gives, by lookup step, the result
// or the error the query returns.

// Mock is a mocked lookup outcome.
type Mock struct {
	Result    any
	Error     string
	Retryable bool
}

func (lookupKind) testSection() string { return "mocks" }

func (lookupKind) decodeFixture(l *loader, f *yamlFile, ptr, step string, n *yaml.Node, tc *TestCase) {
	m := Mock{}
	if r := mappingValue(n, "result"); r != nil {
		m.Result = l.value(f, ptr+"/result", r)
	}
	if e := mappingValue(n, "error"); e != nil {
		m.Error = e.Value
	}
	if r := mappingValue(n, "retryable"); r != nil {
		m.Retryable = r.Value == "true"
	}
	if tc.Mocks == nil {
		tc.Mocks = map[string]Mock{}
	}
	tc.Mocks[step] = m
}

// double serves the case's mocks to lookup steps; a lookup without a mock
// fails the case.
func (lookupKind) double(tc *TestCase, env *StepEnv) {
	env.Lookup = func(_ context.Context, q LookupQuery) (any, error) {
		m, ok := tc.Mocks[q.Step]
		if !ok {
			return nil, component.Permanentf("no mock for lookup step %q in this test case", q.Step)
		}
		switch {
		case m.Error != "" && m.Retryable:
			return nil, component.Retryable(errors.New(m.Error))
		case m.Error != "":
			return nil, component.Permanent(errors.New(m.Error))
		}
		return m.Result, nil
	}
}
