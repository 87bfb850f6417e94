package config

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/expr"
)

// compiler compiles CEL in one directory, caching environments by their
// variable sets and collecting problems.
type compiler struct {
	tables   []string
	envs     map[string]*expr.Env
	globals  *Globals
	problems []Problem
	// bound counts the expressions and templates bound into component
	// configs.
	bound int
	// shapes are what is known of the variables in the current scope: the
	// message, lookup results and let values (see expr.Shape).
	shapes map[string]*expr.Shape
	// envUses are the env values expressions read, located in their files.
	envUses []envUseAt
}

// envUseAt is an env value read by an expression, located in its file.
type envUseAt struct {
	expr.EnvUse
	where Problem // the file, line and column of the read
}

func newCompiler(tables []string, globals *Globals) *compiler {
	return &compiler{tables: tables, envs: map[string]*expr.Env{}, globals: globals, shapes: map[string]*expr.Shape{}}
}

// withShape returns the current shapes with name bound to s (nil: unknown).
func (c *compiler) withShape(name string, s *expr.Shape) map[string]*expr.Shape {
	out := make(map[string]*expr.Shape, len(c.shapes)+1)
	for k, v := range c.shapes {
		out[k] = v
	}
	if s == nil {
		delete(out, name)
	} else {
		out[name] = s
	}
	return out
}

// env returns the environment with the given extra variables.
func (c *compiler) env(vars []string) *expr.Env {
	sorted := append([]string(nil), vars...)
	sort.Strings(sorted)
	key := strings.Join(sorted, ",")
	if e, ok := c.envs[key]; ok {
		return e
	}
	e, err := expr.NewEnv(expr.Options{Tables: c.tables, Typed: c.globals.Tables, Vars: sorted})
	if err != nil {
		panic(fmt.Sprintf("building the CEL environment: %v", err)) // a bug, not a user error
	}
	c.envs[key] = e
	return e
}

// expr compiles the expression in scalar node n of f. It returns nil and
// records problems when the expression is invalid.
func (c *compiler) expr(f *yamlFile, n *yaml.Node, env *expr.Env) *expr.Program {
	if n == nil {
		return nil
	}
	if n.Kind != yaml.ScalarNode {
		c.problems = append(c.problems, f.atNode(n, "want a CEL expression (a string)"))
		return nil
	}
	prog, issues := env.Compile(n.Value, expr.WithShapes(c.shapes))
	for _, is := range issues {
		line, col := f.exprPosition(n, is.Line, is.Column)
		c.problems = append(c.problems, Problem{File: f.path, Line: line, Column: col, Message: is.Message})
	}
	if len(issues) > 0 {
		return nil
	}
	prog.SetOrigin(func(line, col int) string {
		l, cc := f.exprPosition(n, line, col)
		return fmt.Sprintf("%s:%d:%d", relPath(f.path), l, cc)
	})
	for _, u := range prog.EnvUses() {
		line, col := f.exprPosition(n, u.Line, u.Column)
		c.envUses = append(c.envUses, envUseAt{EnvUse: u, where: Problem{File: f.path, Line: line, Column: col}})
	}
	return prog
}

// template compiles a YAML structure whose string leaves are expressions.
func (c *compiler) template(f *yamlFile, n *yaml.Node, env *expr.Env) *Template {
	root := c.tnode(f, resolveAlias(n), env)
	if root == nil {
		return nil
	}
	return &Template{root: root, file: f}
}

func (c *compiler) tnode(f *yamlFile, n *yaml.Node, env *expr.Env) *tnode {
	ok := true
	switch n.Kind {
	case yaml.MappingNode:
		t := &tnode{isObj: true, node: n}
		for i := 0; i+1 < len(n.Content); i += 2 {
			v := c.tnode(f, resolveAlias(n.Content[i+1]), env)
			ok = ok && v != nil
			t.keys = append(t.keys, n.Content[i].Value)
			t.keyNodes = append(t.keyNodes, n.Content[i])
			t.vals = append(t.vals, v)
		}
		return okOrNil(t, ok)
	case yaml.SequenceNode:
		t := &tnode{isArr: true, node: n}
		for _, it := range n.Content {
			v := c.tnode(f, resolveAlias(it), env)
			ok = ok && v != nil
			t.items = append(t.items, v)
		}
		return okOrNil(t, ok)
	}
	if n.ShortTag() == "!!str" {
		p := c.expr(f, n, env)
		return okOrNil(&tnode{prog: p, node: n}, p != nil)
	}
	lit, err := literal(n)
	if err != nil {
		c.problems = append(c.problems, f.atNode(n, "%v", err))
		return nil
	}
	return &tnode{lit: lit, node: n}
}

func okOrNil(t *tnode, ok bool) *tnode {
	if !ok {
		return nil
	}
	return t
}

// literal converts a non-string scalar to the message value model.
func literal(n *yaml.Node) (any, error) {
	v, err := component.DecodeJSON([]byte(scalarJSON(n)))
	if err != nil {
		return nil, fmt.Errorf("invalid literal %q", n.Value)
	}
	return v, nil
}

// scalarJSON renders a non-string scalar as JSON text.
func scalarJSON(n *yaml.Node) string {
	switch n.ShortTag() {
	case "!!null":
		return "null"
	case "!!bool":
		var b bool
		_ = n.Decode(&b)
		return fmt.Sprint(b)
	case "!!int":
		var i int64
		if n.Decode(&i) == nil {
			return fmt.Sprint(i)
		}
	}
	return strings.ReplaceAll(n.Value, "_", "")
}

// bindConfig compiles every component.Expr and component.Template inside a
// decoded component config and binds programs that evaluate them.
func (c *compiler) bindConfig(f *yamlFile, cfg any, env *expr.Env) {
	c.walkConfig(f, reflect.ValueOf(cfg), env, map[uintptr]bool{})
}

var (
	exprType     = reflect.TypeOf(component.Expr{})
	templateType = reflect.TypeOf(component.Template{})
)

func (c *compiler) walkConfig(f *yamlFile, v reflect.Value, env *expr.Env, seen map[uintptr]bool) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return
		}
		if v.Kind() == reflect.Pointer {
			if seen[v.Pointer()] {
				return
			}
			seen[v.Pointer()] = true
		}
		c.walkConfig(f, v.Elem(), env, seen)
	case reflect.Struct:
		switch {
		case v.Type() == exprType && v.CanAddr():
			e := v.Addr().Interface().(*component.Expr)
			if e.Node() == nil {
				return
			}
			if p := c.expr(f, e.Node(), env); p != nil {
				e.Bind(c.globals.program(p))
			}
			c.bound++
			return
		case v.Type() == templateType && v.CanAddr():
			t := v.Addr().Interface().(*component.Template)
			if t.Node() == nil {
				return
			}
			if tp := c.template(f, t.Node(), env); tp != nil {
				t.Bind(c.globals.templateProgram(tp))
			}
			c.bound++
			return
		}
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				c.walkConfig(f, v.Field(i), env, seen)
			}
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			c.walkConfig(f, v.Index(i), env, seen)
		}
	case reflect.Map:
		// Map values are not addressable: copy, bind, store back.
		iter := v.MapRange()
		for iter.Next() {
			val := reflect.New(iter.Value().Type()).Elem()
			val.Set(iter.Value())
			c.walkConfig(f, val, env, seen)
			v.SetMapIndex(iter.Key(), val)
		}
	}
}

// Globals are the run-time values that compiled expressions read: the
// tables, the env values and the clock, read as now once per activation.
// The runtime replaces the clock with its own; the test runner builds
// Globals of its own with a fixed clock and the tests' env values.
type Globals struct {
	Tables expr.Tables
	Env    map[string]string
	Clock  component.Clock
}

// Activation returns the activation for msg, for step execution.
func (g *Globals) Activation(msg *component.Message) *expr.Activation {
	return expr.NewActivation(g.Data(msg))
}

// Data returns the activation data for msg (for steps that add let values).
func (g *Globals) Data(msg *component.Message) expr.Data {
	return expr.Data{Msg: msg.Body, Meta: msg.Metadata, Vars: msg.Vars, Tables: g.Tables, Env: g.Env, Now: g.Clock.Now()}
}

func (g *Globals) program(p *expr.Program) component.Program {
	return component.ProgramFunc(func(_ context.Context, msg *component.Message) (any, error) {
		return p.Eval(g.Activation(msg))
	})
}

func (g *Globals) templateProgram(t *Template) component.Program {
	return component.ProgramFunc(func(_ context.Context, msg *component.Message) (any, error) {
		return t.Eval(g.Activation(msg))
	})
}
