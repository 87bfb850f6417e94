package config

import (
	"context"
	"fmt"
	"maps"
	"strings"

	"github.com/govalues/decimal"
	"gopkg.in/yaml.v3"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/expr"
	"github.com/pipewright/pipewright/engine/internal/history"
)

// GuardFinding is a guard rule a message broke.
type GuardFinding struct {
	Step string `json:"step"`
	Rule string `json:"rule"`
	// Action is GuardHold or GuardFlag.
	Action string `json:"action"`
	// Key is the statistics key of the value that broke the rule.
	Key     string `json:"key"`
	Message string `json:"message"`
}

// HeldError is a guard's decision to hold a message for review. It is
// returned marked permanent; the runtime stores it as a dead letter of
// class held.
type HeldError struct {
	Step     string
	Findings []GuardFinding
	// Marks are state writes to make when the hold is stored: the held
	// values of a hold_once guard.
	Marks []StateWrite
}

func (e *HeldError) Error() string {
	parts := make([]string, len(e.Findings))
	for i, f := range e.Findings {
		parts[i] = f.Rule + ": " + f.Message
	}
	return "held for review by " + strings.Join(parts, "; ")
}

// Held marks the error as a hold (the error policy classifies by it).
func (e *HeldError) Held() bool { return true }

// ApprovedFunc reports whether msg is a held message an operator approved
// at the guard step called step: the guard lets it pass without checking.
type ApprovedFunc func(ctx context.Context, msg *component.Message, step string) (bool, error)

func (s *GuardStep) run(ctx context.Context, st *Step, env *StepEnv, msg *component.Message) (StepResult, error) {
	data := env.Globals.Data(msg)
	if s.When != nil {
		ok, err := evalBool(s.When, expr.NewActivation(data))
		if err != nil {
			return StepResult{}, fmt.Errorf("when: %w", err)
		}
		if !ok {
			return StepResult{Msg: msg}, nil
		}
	}
	approved := false
	if env.Approved != nil {
		var err error
		if approved, err = env.Approved(ctx, msg, st.Name); err != nil {
			return StepResult{}, component.Retryable(fmt.Errorf("reading the review of a held message: %w", err))
		}
	}
	items := []any{nil}
	if s.ForEach != nil {
		v, err := s.ForEach.Eval(expr.NewActivation(data))
		if err != nil {
			return StepResult{}, component.Permanentf("for_each: %v", err)
		}
		list, ok := v.([]any)
		if !ok {
			return StepResult{}, component.Permanentf("for_each: want a list, got %s", component.TypeName(v))
		}
		items = list
	}
	out := StepResult{Msg: msg}
	var held []GuardFinding
	var marks []StateWrite
	vars := make(map[string]any, len(msg.Vars)+len(guardVars))
	maps.Copy(vars, msg.Vars)
	data.Vars = vars
	act := expr.NewActivation(data)
	for _, item := range items {
		vars["item"] = item
		key, value, err := s.observe(act, vars)
		if err != nil {
			return StepResult{}, err
		}
		sk := GuardKey(st.Name, key)
		heldKey, mark := HeldKey(st.Name, key), []byte(value.String())
		if s.HoldOnce && !approved {
			prev, found, err := s.read(ctx, env, heldKey)
			if err != nil {
				return StepResult{}, err
			}
			if found && string(prev) == string(mark) {
				return StepResult{Msg: msg, Dropped: true}, nil // already held for review
			}
		}
		h, err := s.history(ctx, env, sk)
		if err != nil {
			return StepResult{}, err
		}
		stats, err := h.Stats()
		if err != nil {
			return StepResult{}, component.Permanent(err)
		}
		vars["history"] = statsValue(stats)
		if !approved {
			for _, r := range s.Rules {
				f, broken, err := r.check(act, stats.Count)
				if err != nil {
					return StepResult{}, err
				}
				if !broken {
					continue
				}
				f.Step, f.Key = st.Name, key
				if f.Action == GuardHold {
					held = append(held, f)
					if s.HoldOnce {
						marks = append(marks, StateWrite{Key: heldKey, Value: mark})
					}
				} else {
					out.Flags = append(out.Flags, f)
				}
			}
		}
		out.Writes = append(out.Writes, StateWrite{Key: sk, Merge: s.remember(value)})
		if s.HoldOnce {
			// Delivered: the key holds no value for review any more.
			out.Writes = append(out.Writes, StateWrite{Key: heldKey, Value: []byte{}})
		}
	}
	if len(held) > 0 {
		return StepResult{}, component.Permanent(&HeldError{Step: st.Name, Findings: held, Marks: marks})
	}
	return out, nil
}

// observe evaluates the key and the value, binding them for the rules.
func (s *GuardStep) observe(act *expr.Activation, vars map[string]any) (string, decimal.Decimal, error) {
	k, err := s.Key.Eval(act)
	if err != nil {
		return "", decimal.Decimal{}, component.Permanentf("key: %v", err)
	}
	key, ok := k.(string)
	if !ok {
		return "", decimal.Decimal{}, component.Permanentf("key: want a string, got %s", component.TypeName(k))
	}
	v, err := s.Value.Eval(act)
	if err != nil {
		return "", decimal.Decimal{}, component.Permanentf("value of %s: %v", key, err)
	}
	d, err := decimalOf(v)
	if err != nil {
		return "", decimal.Decimal{}, component.Permanentf("value of %s: %v", key, err)
	}
	vars["key"], vars["value"] = key, d
	return key, d, nil
}

// read reads a state key of the guard (nothing without state).
func (s *GuardStep) read(ctx context.Context, env *StepEnv, key string) ([]byte, bool, error) {
	if env.State == nil {
		return nil, false, nil
	}
	data, found, err := env.State(ctx, key)
	if err != nil {
		return nil, false, component.Retryable(fmt.Errorf("reading guard state %s: %w", key, err))
	}
	return data, found, nil
}

// history reads the values remembered for a key.
func (s *GuardStep) history(ctx context.Context, env *StepEnv, stateKey string) (*history.History, error) {
	data, found, err := s.read(ctx, env, stateKey)
	if err != nil || !found {
		return &history.History{}, err
	}
	h, err := history.Decode(data)
	if err != nil {
		// A history that cannot be read starts again rather than stopping
		// every message of the key.
		return &history.History{}, nil
	}
	return h, nil
}

// remember is the state write that adds value to the key's history once
// the message is delivered.
func (s *GuardStep) remember(value decimal.Decimal) func([]byte) ([]byte, error) {
	return func(prev []byte) ([]byte, error) {
		h, err := history.Decode(prev)
		if err != nil {
			h = &history.History{}
		}
		h.Add(value, s.Window)
		return h.Encode()
	}
}

// check evaluates the rule; a broken rule returns its finding.
func (r *GuardRule) check(act *expr.Activation, count int) (GuardFinding, bool, error) {
	if count < r.MinHistory {
		return GuardFinding{}, false, nil
	}
	broken, err := evalBool(r.When, act)
	if err != nil {
		return GuardFinding{}, false, fmt.Errorf("rule %s: %w", r.Name, err)
	}
	if !broken {
		return GuardFinding{}, false, nil
	}
	text, err := r.Message.Eval(act)
	if err != nil {
		return GuardFinding{}, false, component.Permanentf("rule %s is broken (and its message failed: %v)", r.Name, err)
	}
	msg, ok := text.(string)
	if !ok {
		msg = fmt.Sprint(text)
	}
	return GuardFinding{Rule: r.Name, Action: r.Action, Message: msg}, true, nil
}

// statsValue is the history variable of the rules.
func statsValue(s history.Stats) map[string]any {
	v := map[string]any{"count": int64(s.Count), "median": nil, "mad": nil, "last": nil, "min": nil, "max": nil}
	if s.Count > 0 {
		v["median"], v["mad"], v["last"], v["min"], v["max"] = s.Median, s.MAD, s.Last, s.Min, s.Max
	}
	return v
}

// decimalOf converts a guard's value to a decimal.
func decimalOf(v any) (decimal.Decimal, error) {
	switch x := v.(type) {
	case decimal.Decimal:
		return x, nil
	case int64:
		return decimal.New(x, 0)
	case uint64:
		return decimal.Parse(fmt.Sprint(x))
	case float64:
		return decimal.NewFromFloat64(x)
	case string:
		d, err := decimal.Parse(x)
		if err != nil {
			return d, fmt.Errorf("want a number, got %q", x)
		}
		return d, nil
	}
	return decimal.Decimal{}, fmt.Errorf("want a number, got %s", component.TypeName(v))
}

// GuardKey is the state key of a guard step's history for key:
// "guard/<step>/<key>", escaped like ChangedKey.
func GuardKey(step, key string) string { return stateKey("guard", step, key) }

// HeldKey is the state key of the value a hold_once guard holds for key.
func HeldKey(step, key string) string { return stateKey("guard-held", step, key) }

// Test support: a case's history section gives, by guard step and key,
// the values remembered, oldest first; the case's state serves them.

func (guardKind) testSection() string { return "history" }

func (guardKind) decodeFixture(l *loader, f *yamlFile, ptr, step string, n *yaml.Node, tc *TestCase) {
	values, _ := l.value(f, ptr, n).(map[string]any)
	if tc.History == nil {
		tc.History = map[string]map[string][]any{}
	}
	tc.History[step] = map[string][]any{}
	for key, v := range values {
		list, _ := v.([]any)
		tc.History[step][key] = list
	}
}

// double serves the case's histories to guard steps, and the rest of the
// state as before (changed steps' delivered values).
func (guardKind) double(tc *TestCase, env *StepEnv) {
	state := map[string][]byte{}
	for step, keys := range tc.History {
		for key, values := range keys {
			h := &history.History{}
			for _, v := range values {
				if d, err := decimalOf(v); err == nil {
					h.Add(d, history.MaxWindow)
				}
			}
			if enc, err := h.Encode(); err == nil {
				state[GuardKey(step, key)] = enc
			}
		}
	}
	next := env.State
	env.State = func(ctx context.Context, key string) ([]byte, bool, error) {
		if v, ok := state[key]; ok {
			return v, true, nil
		}
		if next == nil {
			return nil, false, nil
		}
		return next(ctx, key)
	}
}
