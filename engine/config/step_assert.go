package config

import (
	"context"
	"fmt"

	"gopkg.in/yaml.v3"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/expr"
)

// assertKind checks business rules.
type assertKind struct{}

func (assertKind) name() string { return "assert" }

func (assertKind) schema() string {
	return `{
  "description": "Business rules: each that must be true, else the message fails permanently with the message (a CEL expression giving a string).",
  "type": "array",
  "minItems": 1,
  "items": {
    "type": "object",
    "additionalProperties": false,
    "required": ["that", "message"],
    "properties": {
      "that": {
        "$ref": "#/$defs/expr",
        "description": "Condition that must hold (a bool)."
      },
      "message": {
        "$ref": "#/$defs/expr",
        "description": "Error text when it does not, e.g. '\"journal unbalanced: \" + string(d)'."
      }
    }
  }
}`
}

func (assertKind) compile(c *stepContext, n *yaml.Node) stepRunner {
	var doc []struct {
		That    component.Expr `yaml:"that"`
		Message component.Expr `yaml:"message"`
	}
	if err := n.Decode(&doc); err != nil {
		c.problem("", "%v", err)
		return nil
	}
	s := &AssertStep{}
	for _, a := range doc {
		s.Rules = append(s.Rules, AssertRule{That: c.expr(a.That.Node()), Message: c.expr(a.Message.Node())})
	}
	return s
}

// AssertStep checks its rules in order; the first that does not hold
// fails the message permanently with its message.
type AssertStep struct {
	Rules []AssertRule
}

// AssertRule is one business rule of an assert step.
type AssertRule struct {
	That    *expr.Program
	Message *expr.Program
}

func (s *AssertStep) keepsBody() {}

func (s *AssertStep) run(_ context.Context, _ *Step, env *StepEnv, msg *component.Message) (StepResult, error) {
	act := env.Globals.Activation(msg)
	for i, r := range s.Rules {
		ok, err := evalBool(r.That, act)
		if err != nil {
			return StepResult{}, fmt.Errorf("rule %d: %w", i+1, err)
		}
		if ok {
			continue
		}
		text, err := r.Message.Eval(act)
		if err != nil {
			return StepResult{}, component.Permanentf("rule %d does not hold (and its message failed: %v)", i+1, err)
		}
		s, isString := text.(string)
		if !isString {
			s = fmt.Sprint(text)
		}
		return StepResult{}, component.Permanent(fmt.Errorf("%s", s))
	}
	return StepResult{Msg: msg}, nil
}
