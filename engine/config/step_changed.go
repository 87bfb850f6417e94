package config

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/expr"
)

// changedKind passes a message only when its value changed for its key.
type changedKind struct{}

func (changedKind) name() string { return "changed" }

func (changedKind) schema() string {
	return `{
  "description": "Passes a message only when its value differs from the last value delivered for its key; otherwise drops it (counted). The value is remembered in the engine's state after the sink completed the message, so a retried or failed message is not taken for unchanged.",
  "type": "object",
  "additionalProperties": false,
  "required": ["key", "value"],
  "properties": {
    "key": {
      "$ref": "#/$defs/expr",
      "description": "The key, e.g. msg.sku (a string)."
    },
    "value": {
      "$ref": "#/$defs/expr",
      "description": "The value compared with the last one delivered, e.g. msg.quantity."
    }
  }
}`
}

func (changedKind) compile(c *stepContext, n *yaml.Node) stepRunner {
	var doc struct {
		Key   component.Expr `yaml:"key"`
		Value component.Expr `yaml:"value"`
	}
	if err := n.Decode(&doc); err != nil {
		c.problem("", "%v", err)
		return nil
	}
	return &ChangedStep{Key: c.expr(doc.Key.Node()), Value: c.expr(doc.Value.Node())}
}

// ChangedStep drops a message whose value equals the last one delivered
// for its key. The new value is a write for after delivery.
type ChangedStep struct {
	Key   *expr.Program
	Value *expr.Program
}

func (s *ChangedStep) keepsBody() {}

func (s *ChangedStep) run(ctx context.Context, st *Step, env *StepEnv, msg *component.Message) (StepResult, error) {
	act := env.Globals.Activation(msg)
	k, err := s.Key.Eval(act)
	if err != nil {
		return StepResult{}, component.Permanentf("key: %v", err)
	}
	key, ok := k.(string)
	if !ok {
		return StepResult{}, component.Permanentf("key: want a string, got %s", component.TypeName(k))
	}
	v, err := s.Value.Eval(act)
	if err != nil {
		return StepResult{}, component.Permanentf("value: %v", err)
	}
	enc, err := component.EncodeJSON(v)
	if err != nil {
		return StepResult{}, component.Permanentf("value: %v", err)
	}
	sk := ChangedKey(st.Name, key)
	if env.State != nil {
		last, found, err := env.State(ctx, sk)
		if err != nil {
			return StepResult{}, component.Retryable(fmt.Errorf("reading the last value of %q: %w", key, err))
		}
		if found && bytes.Equal(last, enc) {
			return StepResult{Msg: msg, Dropped: true}, nil
		}
	}
	return StepResult{Msg: msg, Writes: []StateWrite{{Key: sk, Value: enc}}}, nil
}

// ChangedKey is the state key of a changed step's last value for key:
// "changed/<step>/<key>", with characters a key/value store does not take
// escaped as =XX.
func ChangedKey(step, key string) string { return stateKey("changed", step, key) }

// stateKey is "<kind>/<step>/<key>" with the key's characters that a
// key/value store does not take escaped as =XX.
func stateKey(kind, step, key string) string {
	var b strings.Builder
	b.WriteString(kind)
	b.WriteByte('/')
	b.WriteString(step)
	b.WriteByte('/')
	for i := 0; i < len(key); i++ {
		c := key[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_':
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "=%02X", c)
		}
	}
	return b.String()
}

// Test support: a case's delivered section gives, by changed step and
// key, the last values delivered; the case's state serves them.

func (changedKind) testSection() string { return "delivered" }

func (changedKind) decodeFixture(l *loader, f *yamlFile, ptr, step string, n *yaml.Node, tc *TestCase) {
	values, _ := l.value(f, ptr, n).(map[string]any)
	if tc.Delivered == nil {
		tc.Delivered = map[string]map[string]any{}
	}
	tc.Delivered[step] = values
}

// double serves the case's delivered values to changed steps as state.
func (changedKind) double(tc *TestCase, env *StepEnv) {
	env.State = deliveredState(tc)
}

// deliveredState serves a case's delivered values to changed steps.
func deliveredState(tc *TestCase) StateFunc {
	state := map[string][]byte{}
	for step, values := range tc.Delivered {
		for key, v := range values {
			if enc, err := component.EncodeJSON(v); err == nil {
				state[ChangedKey(step, key)] = enc
			}
		}
	}
	return func(_ context.Context, key string) ([]byte, bool, error) {
		v, ok := state[key]
		return v, ok, nil
	}
}
