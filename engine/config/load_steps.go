package config

import (
	"context"
	"fmt"
	"slices"

	"gopkg.in/yaml.v3"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/expr"
)

// builtinVars are the variables every expression has; a lookup cannot bind
// one of these names.
var builtinVars = map[string]bool{"msg": true, "meta": true, "vars": true, "tables": true, "env": true, "now": true}

// stepContext is what a kind's compile sees of the loader: the step's
// place, the expressions' scope, and where problems go.
type stepContext struct {
	l *loader
	f *yamlFile
	// ptr is the kind's value, /steps/N/<kind>.
	ptr string
	// index is the step's position; last is set for the pipeline's last step.
	index int
	last  bool
	// vars are the lookup variables bound before the step.
	vars *[]string
}

// env is the CEL environment of the step's expressions.
func (c *stepContext) env() *expr.Env { return c.l.compiler.env(*c.vars) }

// expr compiles the expression in scalar node n with the step's scope, or
// returns nil after reporting its problems.
func (c *stepContext) expr(n *yaml.Node) *expr.Program { return c.l.compiler.expr(c.f, n, c.env()) }

// problem reports a problem at sub, a pointer below the kind's value ("" for
// the value itself).
func (c *stepContext) problem(sub, format string, args ...any) {
	c.l.add(c.f.at(c.ptr+sub, format, args...))
}

// problemAtKey reports a problem at the key of sub.
func (c *stepContext) problemAtKey(sub, format string, args ...any) {
	c.l.add(c.f.atKey(c.ptr+sub, format, args...))
}

// bindVar makes name a variable of the later steps, of shape s (nil:
// unknown). A name that cannot be a variable, or is one already, is left
// for the kind to report.
func (c *stepContext) bindVar(name string, s *expr.Shape) {
	if addVar(c.vars, name) {
		c.setShape(name, s)
	}
}

// addVar adds name to vars when it can be a variable and is not one yet.
func addVar(vars *[]string, name string) bool {
	if expr.CheckVarName(name) != nil || slices.Contains(*vars, name) {
		return false
	}
	*vars = append(*vars, name)
	return true
}

// setBody tells the later steps the shape of the body (nil: unknown).
func (c *stepContext) setBody(s *expr.Shape) { c.setShape("msg", s) }

// setShape binds name to s (nil: unknown) for the later expressions.
func (c *stepContext) setShape(name string, s *expr.Shape) {
	c.l.compiler.shapes = c.l.compiler.withShape(name, s)
}

// decodeSteps compiles the steps and returns the lookup variables bound by
// the end of the pipeline. A step with a schema problem is skipped (its
// problems are reported), but a variable it names stays declared so later
// steps are not blamed for it.
func (l *loader) decodeSteps(f *yamlFile, pl *Pipeline) []string {
	var vars []string
	names := map[string]int{}
	stepsNode := mappingValue(f.root, "steps")
	if stepsNode == nil || stepsNode.Kind != yaml.SequenceNode {
		return nil
	}
	for i, sn := range stepsNode.Content {
		ptr := fmt.Sprintf("/steps/%d", i)
		kinds := kindsOf(sn)
		if f.isBad(ptr) {
			for _, k := range kinds {
				if d, ok := k.(varDeclarer); ok {
					for _, v := range d.declaredVars(mappingValue(sn, k.name())) {
						addVar(&vars, v)
					}
				}
			}
			continue
		}
		switch len(kinds) {
		case 0:
			l.add(f.at(ptr, "step has no kind: want one of %s", joinKinds(stepKinds)))
			continue
		case 1:
		default:
			l.add(f.at(ptr, "step has several kinds (%s): split it into one step per kind", joinKinds(kinds)))
			continue
		}
		kind := kinds[0]
		st := &Step{Kind: kind.name(), Index: i}
		if n := mappingValue(sn, "name"); n != nil {
			st.Name = n.Value
		}
		if st.Name == "" {
			st.Name = fmt.Sprintf("%s-%d", st.Kind, i+1)
		}
		if prev, dup := names[st.Name]; dup {
			l.add(f.at(ptr+"/name", "step name %q is already used by step %d", st.Name, prev+1))
		}
		names[st.Name] = i
		c := &stepContext{l: l, f: f, ptr: ptr + "/" + st.Kind, index: i, last: i == len(stepsNode.Content)-1, vars: &vars}
		st.runner = kind.compile(c, resolveAlias(mappingValue(sn, st.Kind)))
		if st.runner == nil {
			st.runner = brokenStep{}
		}
		pl.Steps = append(pl.Steps, st)
	}
	return vars
}

// kindsOf returns the kinds whose keys a step node has, in table order.
func kindsOf(sn *yaml.Node) []stepKind {
	var kinds []stepKind
	for _, k := range stepKinds {
		if mappingValue(sn, k.name()) != nil {
			kinds = append(kinds, k)
		}
	}
	return kinds
}

// brokenStep stands for a step whose value had problems: Load fails, so it
// never runs.
type brokenStep struct{}

func (brokenStep) run(context.Context, *Step, *StepEnv, *component.Message) (StepResult, error) {
	return StepResult{}, fmt.Errorf("the step did not compile")
}
