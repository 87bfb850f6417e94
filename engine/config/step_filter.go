package config

import (
	"context"

	"gopkg.in/yaml.v3"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/expr"
)

// filterKind keeps the messages its expression is true for.
type filterKind struct{}

func (filterKind) name() string { return "filter" }

func (filterKind) schema() string {
	return `{
  "$ref": "#/$defs/expr",
  "description": "Keeps the message when the expression is true; drops it (counted, acknowledged) when false."
}`
}

func (filterKind) compile(c *stepContext, n *yaml.Node) stepRunner {
	return &FilterStep{Keep: c.expr(n)}
}

// FilterStep drops the messages Keep is false for.
type FilterStep struct {
	Keep *expr.Program
}

func (s *FilterStep) keepsBody() {}

func (s *FilterStep) run(_ context.Context, _ *Step, env *StepEnv, msg *component.Message) (StepResult, error) {
	keep, err := evalBool(s.Keep, env.Globals.Activation(msg))
	return StepResult{Msg: msg, Dropped: !keep}, err
}

// evalBool evaluates a condition; an error or a value that is not a bool
// is permanent.
func evalBool(p *expr.Program, act *expr.Activation) (bool, error) {
	v, err := p.Eval(act)
	if err != nil {
		return false, component.Permanent(err)
	}
	b, ok := v.(bool)
	if !ok {
		return false, component.Permanentf("want a bool, got %s", component.TypeName(v))
	}
	return b, nil
}
