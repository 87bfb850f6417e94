package config

import (
	"fmt"
	"slices"
	"sort"

	"gopkg.in/yaml.v3"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/expr"
)

// builtinVars are the variables every expression has; a lookup cannot bind
// one of these names.
var builtinVars = map[string]bool{"msg": true, "meta": true, "vars": true, "tables": true, "env": true, "now": true}

// decodeSteps compiles the steps and returns the lookup variables bound by
// the end of the pipeline. A step with a schema problem is skipped (its
// problems are reported), but a lookup variable it names stays declared so
// later steps are not blamed for it.
func (l *loader) decodeSteps(f *yamlFile, pl *Pipeline) []string {
	var vars []string
	names := map[string]int{}
	stepsNode := mappingValue(f.root, "steps")
	if stepsNode == nil || stepsNode.Kind != yaml.SequenceNode {
		return nil
	}
	last := len(stepsNode.Content) - 1
	for i, sn := range stepsNode.Content {
		ptr := fmt.Sprintf("/steps/%d", i)
		if f.isBad(ptr) {
			if as := mappingValue(mappingValue(sn, "lookup"), "as"); as != nil && as.Kind == yaml.ScalarNode {
				vars = append(vars, as.Value)
			}
			continue
		}
		d := &stepDoc{}
		if err := sn.Decode(d); err != nil {
			l.add(f.at(ptr, "%v", err))
			continue
		}
		kind, err := d.kind()
		if err != nil {
			l.add(f.at(ptr, "%v", err))
			continue
		}
		st := &Step{Name: d.Name, Kind: kind, Index: i}
		if st.Name == "" {
			st.Name = fmt.Sprintf("%s-%d", kind, i+1)
		}
		if prev, dup := names[st.Name]; dup {
			l.add(f.at(ptr+"/name", "step name %q is already used by step %d", st.Name, prev+1))
		}
		names[st.Name] = i
		env := l.compiler.env(vars)
		kptr := ptr + "/" + string(kind)
		switch kind {
		case StepMap:
			st.Map = l.mapStep(f, kptr, d.Map, vars)
			l.compiler.shapes = l.compiler.withShape("msg", st.Map.outputShape())
		case StepFilter:
			st.Filter = l.compiler.expr(f, d.Filter.Node(), env)
		case StepSplit:
			st.Split = l.compiler.expr(f, d.Split.Node(), env)
			l.compiler.shapes = l.compiler.withShape("msg", st.Split.Shape().Element())
		case StepValidate:
			st.Validate = l.validateStep(f, kptr, d.Validate)
		case StepAssert:
			for _, a := range d.Assert {
				st.Assert = append(st.Assert, AssertRule{That: l.compiler.expr(f, a.That.Node(), env), Message: l.compiler.expr(f, a.Message.Node(), env)})
			}
		case StepChanged:
			st.Changed = &ChangedStep{Key: l.compiler.expr(f, d.Changed.Key.Node(), env), Value: l.compiler.expr(f, d.Changed.Value.Node(), env)}
		case StepLookup:
			st.Lookup = l.lookupStep(f, kptr, d.Lookup, vars)
			if st.Lookup != nil {
				vars = append(vars, st.Lookup.As)
			}
		case StepRoute:
			if i != last {
				l.add(f.atKey(kptr, "route must be the last step"))
			}
			for ri, r := range d.Route {
				rule := RouteRule{To: r.To}
				if r.When != nil {
					rule.When = l.compiler.expr(f, r.When.Node(), env)
				} else if ri != len(d.Route)-1 {
					l.add(f.at(fmt.Sprintf("%s/%d", kptr, ri), "a rule without when matches everything: only the last rule may leave it out"))
				}
				st.Route = append(st.Route, rule)
			}
		}
		pl.Steps = append(pl.Steps, st)
	}
	return vars
}

func (l *loader) lookupStep(f *yamlFile, ptr string, d *lookupDoc, vars []string) *LookupStep {
	st := &LookupStep{Connection: d.Connection, Query: d.Query, As: d.As, Required: d.Required == nil || *d.Required}
	switch {
	case builtinVars[d.As]:
		l.add(f.at(ptr+"/as", "%q is a built-in variable: choose another name", d.As))
	case slices.Contains(vars, d.As):
		l.add(f.at(ptr+"/as", "variable %q is already bound by an earlier lookup", d.As))
	}
	for name := range d.Params {
		st.ParamNames = append(st.ParamNames, name)
	}
	sort.Strings(st.ParamNames)
	conn := l.connection(f, ptr+"/connection", d.Connection, "")
	var shape *expr.Shape
	if conn != nil {
		lv, ok := conn.Config.(component.LookupValidator)
		switch {
		case !ok:
			l.add(f.at(ptr+"/connection", "connection %q (%s) does not serve lookups", d.Connection, conn.Type))
		default:
			if err := lv.ValidateLookup(d.Query, st.ParamNames); err != nil {
				l.add(f.at(ptr+"/query", "%v", err))
			} else {
				shape = lookupShape(conn, d.Query)
			}
		}
	}
	env := l.compiler.env(vars)
	for _, name := range st.ParamNames {
		e := d.Params[name]
		st.Params = append(st.Params, l.compiler.expr(f, e.Node(), env))
	}
	l.compiler.shapes = l.compiler.withShape(d.As, shape)
	return st
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
