package flow

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/config"
)

// assertStep checks the business rules in order; the first that does not
// hold fails the message permanently with its message.
func (e *Executor) assertStep(st *config.Step, msg *component.Message) error {
	act := e.globals.Activation(msg)
	for i, r := range st.Assert {
		ok, err := evalBool(r.That, act)
		if err != nil {
			return fmt.Errorf("rule %d: %w", i+1, err)
		}
		if ok {
			continue
		}
		text, err := r.Message.Eval(act)
		if err != nil {
			return component.Permanentf("rule %d does not hold (and its message failed: %v)", i+1, err)
		}
		s, isString := text.(string)
		if !isString {
			s = fmt.Sprint(text)
		}
		return component.Permanent(fmt.Errorf("%s", s))
	}
	return nil
}

// changedStep drops a message whose value equals the last one delivered
// for its key. The new value is returned as a write for after delivery.
func (e *Executor) changedStep(ctx context.Context, st *config.Step, msg *component.Message) (stepOut, error) {
	act := e.globals.Activation(msg)
	k, err := st.Changed.Key.Eval(act)
	if err != nil {
		return stepOut{}, component.Permanentf("key: %v", err)
	}
	key, ok := k.(string)
	if !ok {
		return stepOut{}, component.Permanentf("key: want a string, got %s", component.TypeName(k))
	}
	v, err := st.Changed.Value.Eval(act)
	if err != nil {
		return stepOut{}, component.Permanentf("value: %v", err)
	}
	enc, err := component.EncodeJSON(v)
	if err != nil {
		return stepOut{}, component.Permanentf("value: %v", err)
	}
	stateKey := ChangedKey(st.Name, key)
	if e.state != nil {
		last, found, err := e.state(ctx, stateKey)
		if err != nil {
			return stepOut{}, component.Retryable(fmt.Errorf("reading the last value of %q: %w", key, err))
		}
		if found && bytes.Equal(last, enc) {
			return stepOut{msg: msg, dropped: true}, nil
		}
	}
	return stepOut{msg: msg, write: &StateWrite{Key: stateKey, Value: enc}}, nil
}

// ChangedKey is the state key of a changed step's last value for key:
// "changed/<step>/<key>", with characters a key/value store does not take
// escaped as =XX.
func ChangedKey(step, key string) string {
	var b strings.Builder
	b.WriteString("changed/")
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
