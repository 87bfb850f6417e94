package config

import (
	"fmt"
	"slices"

	"gopkg.in/yaml.v3"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/expr"
	"github.com/pipewright/pipewright/engine/internal/history"
)

// guardKind holds or flags values that break data-quality rules.
type guardKind struct{}

func (guardKind) name() string { return "guard" }

// DefaultGuardWindow is how many values a guard keeps per key by default.
const DefaultGuardWindow = 30

// guardVars are the variables a guard's rules read besides the step's.
var guardVars = []string{"key", "value", "history", "item"}

func (guardKind) schema() string {
	return fmt.Sprintf(`{
  "description": "Data-quality guard: keeps, per key, the last values that went through (a window in the engine's state) and checks each new value with rules. A rule that says hold stops the message for review: it becomes a dead letter of class held that an operator approves (the message continues past the guard) or rejects (it is dropped). A rule that says flag lets the message pass, counted and alerted. Values are remembered only once the message is delivered, so held values never shift the history. Rules read key, value, item (the element, with for_each) and history: count, median, mad (median absolute deviation), last, min and max (null while count is 0).",
  "type": "object",
  "additionalProperties": false,
  "required": ["key", "value", "rules"],
  "properties": {
    "key": {
      "$ref": "#/$defs/expr",
      "description": "The statistics key (a string), e.g. msg.marketplaceId + \"/\" + msg.sku."
    },
    "value": {
      "$ref": "#/$defs/expr",
      "description": "The value checked and remembered: a number or decimal (money stays exact), e.g. msg.price."
    },
    "for_each": {
      "$ref": "#/$defs/expr",
      "description": "A list (e.g. msg.lines): key, value and the rules are evaluated for each element, bound to item; a rule broken by any element holds or flags the whole message."
    },
    "when": {
      "$ref": "#/$defs/expr",
      "description": "Only messages for which this is true are guarded (a bool, e.g. sage_order == null for new orders only); the others pass and are not remembered."
    },
    "hold_once": {
      "description": "A value held for a key is held once: while it waits for review, and after it is rejected, the same value for the same key is dropped (counted), not held again; for flows that send the same value again and again (a scheduled price poll). Default false.",
      "type": "boolean"
    },
    "window": {
      "description": "How many values are kept per key (default %d, at most %d); the statistics are of these.",
      "type": "integer",
      "minimum": 1,
      "maximum": %d
    },
    "rules": {
      "type": "array",
      "minItems": 1,
      "items": {
        "type": "object",
        "additionalProperties": false,
        "required": ["name", "message"],
        "properties": {
          "name": {
            "description": "The rule's name, in metrics, alerts and dead letters.",
            "type": "string",
            "pattern": "^[a-z][a-z0-9-]*$"
          },
          "hold": {
            "$ref": "#/$defs/expr",
            "description": "When true, the message is held for review (a bool; give hold or flag), e.g. history.count >= 1 && value < history.last * 0.5."
          },
          "flag": {
            "$ref": "#/$defs/expr",
            "description": "When true, the message passes but is flagged: counted and alerted (a bool)."
          },
          "min_history": {
            "description": "The rule is checked only once the key's history holds at least this many values (default 0: always).",
            "type": "integer",
            "minimum": 0
          },
          "message": {
            "$ref": "#/$defs/expr",
            "description": "What the reviewer reads (a string), e.g. '\"price of \" + msg.sku + \" drops from \" + string(history.last) + \" to \" + string(value)'."
          }
        }
      }
    }
  }
}`, DefaultGuardWindow, history.MaxWindow, history.MaxWindow)
}

// historyShape is what rules know of history: its fields and their types.
var historyShape = &expr.Shape{Source: "guard history", Columns: map[string]expr.ValueType{
	"count": expr.TypeInt, "median": expr.TypeDecimal, "mad": expr.TypeDecimal,
	"last": expr.TypeDecimal, "min": expr.TypeDecimal, "max": expr.TypeDecimal,
}}

// guardDoc is a guard step's value as written.
type guardDoc struct {
	Key      component.Expr `yaml:"key"`
	Value    component.Expr `yaml:"value"`
	ForEach  component.Expr `yaml:"for_each"`
	When     component.Expr `yaml:"when"`
	HoldOnce bool           `yaml:"hold_once"`
	Window   int            `yaml:"window"`
	Rules    []struct {
		Name       string         `yaml:"name"`
		Hold       component.Expr `yaml:"hold"`
		Flag       component.Expr `yaml:"flag"`
		MinHistory int            `yaml:"min_history"`
		Message    component.Expr `yaml:"message"`
	} `yaml:"rules"`
}

func (guardKind) compile(c *stepContext, n *yaml.Node) stepRunner {
	var doc guardDoc
	if err := n.Decode(&doc); err != nil {
		c.problem("", "%v", err)
		return nil
	}
	for _, v := range guardVars {
		if slices.Contains(*c.vars, v) {
			c.problem("", "a lookup binds %s, which the guard's rules read as their own: rename the lookup's as", v)
			return nil
		}
	}
	s := &GuardStep{Window: doc.Window, HoldOnce: doc.HoldOnce, When: c.exprIf(doc.When), ForEach: c.exprIf(doc.ForEach)}
	if s.Window == 0 {
		s.Window = DefaultGuardWindow
	}
	// key, value and the rules see item as dyn, history as its fields.
	env := c.l.compiler.env(append(slices.Clone(*c.vars), guardVars...))
	outer := c.l.compiler.shapes
	c.l.compiler.shapes = c.l.compiler.withShape("history", historyShape)
	defer func() { c.l.compiler.shapes = outer }()
	s.Key = c.l.compiler.expr(c.f, doc.Key.Node(), env)
	s.Value = c.l.compiler.expr(c.f, doc.Value.Node(), env)
	names := map[string]bool{}
	for i, r := range doc.Rules {
		if names[r.Name] {
			c.problem(fmt.Sprintf("/rules/%d/name", i), "rule name %q is already used in this guard", r.Name)
		}
		names[r.Name] = true
		rule := GuardRule{Name: r.Name, Action: GuardHold, MinHistory: r.MinHistory, Message: c.l.compiler.expr(c.f, r.Message.Node(), env)}
		cond := r.Hold
		switch hold, flag := r.Hold.Node() != nil, r.Flag.Node() != nil; {
		case hold && flag:
			c.problemAtKey(fmt.Sprintf("/rules/%d/flag", i), "a rule either holds or flags: give hold or flag, not both")
			continue
		case !hold && !flag:
			c.problem(fmt.Sprintf("/rules/%d", i), "give the rule's condition as hold (stop for review) or flag (pass, alerted)")
			continue
		case flag:
			rule.Action, cond = GuardFlag, r.Flag
		}
		rule.When = c.l.compiler.expr(c.f, cond.Node(), env)
		s.Rules = append(s.Rules, rule)
	}
	return s
}

// exprIf compiles an optional expression of the step's scope.
func (c *stepContext) exprIf(e component.Expr) *expr.Program {
	if e.Node() == nil {
		return nil
	}
	return c.expr(e.Node())
}

// Guard rule actions.
const (
	// GuardHold stops the message for review.
	GuardHold = "hold"
	// GuardFlag lets the message pass, counted and alerted.
	GuardFlag = "flag"
)

// GuardStep checks values against rules and the key's history (see the
// kind's schema).
type GuardStep struct {
	Key, Value, ForEach, When *expr.Program
	Window                    int
	// HoldOnce drops a value already held for its key (see the schema).
	HoldOnce bool
	Rules    []GuardRule
}

// GuardRule is one rule of a guard step: when When is true, Action.
type GuardRule struct {
	Name       string
	Action     string
	When       *expr.Program
	MinHistory int
	Message    *expr.Program
}

func (s *GuardStep) keepsBody() {}
