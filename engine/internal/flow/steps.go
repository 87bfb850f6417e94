package flow

import (
	"context"
	"fmt"
	"maps"
	"strconv"
	"strings"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/config"
	"github.com/pipewright/pipewright/engine/expr"
)

// stepOut is what one step did: a new message, a drop, routes or a split,
// and a state write to make once the message is delivered.
type stepOut struct {
	msg     *component.Message
	dropped bool
	routes  []string
	split   []*component.Message
	write   *StateWrite
}

func (e *Executor) step(ctx context.Context, st *config.Step, msg *component.Message) (stepOut, error) {
	switch st.Kind {
	case config.StepMap:
		return e.mapStep(st.Map, msg)
	case config.StepFilter:
		keep, err := evalBool(st.Filter, e.globals.Activation(msg))
		return stepOut{msg: msg, dropped: !keep}, err
	case config.StepValidate:
		if problems := st.Validate.Validate(msg.Body); len(problems) > 0 {
			return stepOut{}, component.Permanentf("does not match %s: %s", st.Validate.Schema, strings.Join(problems, "; "))
		}
		return stepOut{msg: msg}, nil
	case config.StepLookup:
		return e.lookupStep(ctx, st, msg)
	case config.StepRoute:
		return e.routeStep(st, msg)
	case config.StepSplit:
		return e.splitStep(st, msg)
	case config.StepAssert:
		return stepOut{msg: msg}, e.assertStep(st, msg)
	case config.StepChanged:
		return e.changedStep(ctx, st, msg)
	}
	return stepOut{}, fmt.Errorf("unknown step kind %q", st.Kind)
}

func (e *Executor) mapStep(m *config.MapStep, msg *component.Message) (stepOut, error) {
	data := e.globals.Data(msg)
	if len(m.Let) > 0 {
		// Let values join a copy of the lookup variables; the activation
		// reads the map as it grows, so each let sees the ones before it.
		data.Vars = make(map[string]any, len(msg.Vars)+len(m.Let))
		maps.Copy(data.Vars, msg.Vars)
	}
	act := expr.NewActivation(data)
	for _, b := range m.Let {
		v, err := b.Prog.Eval(act)
		if err != nil {
			return stepOut{}, component.Permanentf("let %s: %v", b.Name, err)
		}
		data.Vars[b.Name] = v
	}
	body, err := m.Output.Eval(act)
	if err != nil {
		return stepOut{}, component.Permanent(err)
	}
	if m.Merge {
		body = merge(msg.Body, body)
	}
	out := &component.Message{ID: msg.ID, Metadata: msg.Metadata, Body: body, Vars: msg.Vars}
	return stepOut{msg: out}, nil
}

// merge sets the top-level keys of add on a copy of base (when both are objects).
func merge(base, add any) any {
	b, ok1 := base.(map[string]any)
	a, ok2 := add.(map[string]any)
	if !ok1 || !ok2 {
		return add
	}
	out := make(map[string]any, len(b)+len(a))
	maps.Copy(out, b)
	maps.Copy(out, a)
	return out
}

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

func (e *Executor) lookupStep(ctx context.Context, st *config.Step, msg *component.Message) (stepOut, error) {
	lk := st.Lookup
	act := e.globals.Activation(msg)
	params := make(map[string]any, len(lk.Params))
	for i, p := range lk.Params {
		v, err := p.Eval(act)
		if err != nil {
			return stepOut{}, component.Permanentf("param %s: %v", lk.ParamNames[i], err)
		}
		params[lk.ParamNames[i]] = v
	}
	result, err := e.lookup(ctx, st, params)
	if err != nil {
		return stepOut{}, fmt.Errorf("query %s on %s: %w", lk.Query, lk.Connection, err)
	}
	if result == nil && lk.Required {
		return stepOut{}, component.Permanentf("query %s on %s found nothing for %s", lk.Query, lk.Connection, describeParams(lk.ParamNames, params))
	}
	out := msg.Clone()
	if out.Vars == nil {
		out.Vars = map[string]any{}
	}
	out.Vars[lk.As] = result
	return stepOut{msg: out}, nil
}

func describeParams(names []string, params map[string]any) string {
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = fmt.Sprintf("%s=%v", n, params[n])
	}
	return strings.Join(parts, ", ")
}

func (e *Executor) routeStep(st *config.Step, msg *component.Message) (stepOut, error) {
	act := e.globals.Activation(msg)
	for _, r := range st.Route {
		if r.When == nil {
			return stepOut{routes: r.To}, nil
		}
		ok, err := evalBool(r.When, act)
		if err != nil {
			return stepOut{}, err
		}
		if ok {
			return stepOut{routes: r.To}, nil
		}
	}
	return stepOut{}, component.Permanentf("no route matched")
}

func (e *Executor) splitStep(st *config.Step, msg *component.Message) (stepOut, error) {
	v, err := st.Split.Eval(e.globals.Activation(msg))
	if err != nil {
		return stepOut{}, component.Permanent(err)
	}
	list, ok := v.([]any)
	if !ok {
		return stepOut{}, component.Permanentf("want a list to split, got %s", component.TypeName(v))
	}
	children := make([]*component.Message, len(list))
	for i, el := range list {
		c := msg.Clone()
		c.ID = msg.ID + "/" + strconv.Itoa(i)
		c.Body = el
		c.SetMeta(MetaSplitIndex, strconv.Itoa(i))
		children[i] = c
	}
	return stepOut{split: children}, nil
}
