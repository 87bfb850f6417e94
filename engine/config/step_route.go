package config

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/expr"
)

// routeKind sends messages to named sinks.
type routeKind struct{}

func (routeKind) name() string { return "route" }

func (routeKind) schema() string {
	return `{
  "description": "Sends the message to the sinks of the first rule whose when is true (a rule without when always matches). No matching rule is a permanent error. Must be the last step.",
  "type": "array",
  "minItems": 1,
  "items": {
    "type": "object",
    "additionalProperties": false,
    "required": ["to"],
    "properties": {
      "when": {
        "$ref": "#/$defs/expr"
      },
      "to": {
        "description": "Sink name, or a list of sink names to fan out to.",
        "oneOf": [
          {"$ref": "#/$defs/name"},
          {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/name"}}
        ]
      }
    }
  }
}`
}

func (routeKind) compile(c *stepContext, n *yaml.Node) stepRunner {
	var doc []struct {
		When *component.Expr `yaml:"when"`
		To   stringList      `yaml:"to"`
	}
	if err := n.Decode(&doc); err != nil {
		c.problem("", "%v", err)
		return nil
	}
	if !c.last {
		c.problemAtKey("", "route must be the last step")
	}
	s := &RouteStep{}
	for ri, r := range doc {
		rule := RouteRule{To: r.To}
		if r.When != nil {
			rule.When = c.expr(r.When.Node())
		} else if ri != len(doc)-1 {
			c.problem(fmt.Sprintf("/%d", ri), "a rule without when matches everything: only the last rule may leave it out")
		}
		s.Rules = append(s.Rules, rule)
	}
	return s
}

// RouteStep sends the message to the sinks of its first matching rule.
type RouteStep struct {
	Rules []RouteRule
}

// RouteRule sends matching messages to sinks.
type RouteRule struct {
	When *expr.Program // nil: always
	To   []string
}

func (s *RouteStep) keepsBody() {}

func (s *RouteStep) run(_ context.Context, _ *Step, env *StepEnv, msg *component.Message) (StepResult, error) {
	act := env.Globals.Activation(msg)
	for _, r := range s.Rules {
		if r.When == nil {
			return StepResult{Msg: msg, Routes: r.To}, nil
		}
		ok, err := evalBool(r.When, act)
		if err != nil {
			return StepResult{}, err
		}
		if ok {
			return StepResult{Msg: msg, Routes: r.To}, nil
		}
	}
	return StepResult{}, component.Permanentf("no route matched")
}

// checkTargets reports route targets that are not sinks.
func (s *RouteStep) checkTargets(l *loader, f *yamlFile, index int, sinks []string) map[string]bool {
	used := map[string]bool{}
	for ri, rule := range s.Rules {
		for ti, to := range rule.To {
			used[to] = true
			if !slices.Contains(sinks, to) {
				ptr := fmt.Sprintf("/steps/%d/route/%d/to", index, ri)
				if _, isList := f.nodes[ptr+"/0"]; isList {
					ptr += fmt.Sprintf("/%d", ti)
				}
				l.add(f.at(ptr, "route to unknown sink %q (sinks: %s)", to, strings.Join(sinks, ", ")))
			}
		}
	}
	return used
}
