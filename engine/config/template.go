package config

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/pipewright/pipewright/engine/expr"
)

// Template is a compiled output structure: objects and lists whose string
// leaves are CEL programs and whose other scalars are literals.
type Template struct {
	root *tnode
	file *yamlFile // where it is written, for problems
}

type tnode struct {
	prog     *expr.Program // a leaf expression
	lit      any           // a literal leaf (when prog, keys and items are nil)
	keys     []string      // an object: keys and their values
	keyNodes []*yaml.Node
	vals     []*tnode
	items    []*tnode // a list
	isObj    bool
	isArr    bool
	node     *yaml.Node // the node it was compiled from
}

// Eval builds the output for one message. An error names where in the
// template it happened (ShipTo.City, Lines[0]).
func (t *Template) Eval(a *expr.Activation) (any, error) {
	v, err := t.root.eval(a)
	if err != nil {
		return nil, err.(*templateError).located()
	}
	return v, nil
}

// templateError is the error of a leaf with the path up to it, built on
// the way back up (in reverse), so that evaluating builds no paths.
type templateError struct {
	rev []string // ".key" or "[i]", innermost first
	err error
}

func (e *templateError) Error() string { return e.located().Error() }
func (e *templateError) Unwrap() error { return e.err }

// located is the error as "path: error", or the error alone at the root.
func (e *templateError) located() error {
	if len(e.rev) == 0 {
		return e.err
	}
	var path strings.Builder
	for i := len(e.rev) - 1; i >= 0; i-- {
		seg := e.rev[i]
		if path.Len() == 0 {
			seg = strings.TrimPrefix(seg, ".")
		}
		path.WriteString(seg)
	}
	return fmt.Errorf("%s: %w", path.String(), e.err)
}

// within adds a path segment to an error from a child node.
func within(err error, seg string) error {
	e := err.(*templateError)
	e.rev = append(e.rev, seg)
	return e
}

func (n *tnode) eval(a *expr.Activation) (any, error) {
	switch {
	case n.prog != nil:
		v, err := n.prog.Eval(a)
		if err != nil {
			return nil, &templateError{err: err}
		}
		return v, nil
	case n.isObj:
		m := make(map[string]any, len(n.keys))
		for i, k := range n.keys {
			v, err := n.vals[i].eval(a)
			if err != nil {
				return nil, within(err, "."+k)
			}
			m[k] = v
		}
		return m, nil
	case n.isArr:
		l := make([]any, len(n.items))
		for i, it := range n.items {
			v, err := it.eval(a)
			if err != nil {
				return nil, within(err, fmt.Sprintf("[%d]", i))
			}
			l[i] = v
		}
		return l, nil
	}
	return n.lit, nil
}

// shape is what the checks know of the output: an object's keys, or the
// shape of a single expression's value.
func (t *Template) shape() *expr.Shape {
	if t == nil {
		return nil
	}
	switch n := t.root; {
	case n.prog != nil:
		return n.prog.Shape()
	case n.isObj:
		s := &expr.Shape{Source: "the message (the output of the map step before)", Columns: map[string]expr.ValueType{}}
		for i, k := range n.keys {
			s.Columns[k] = n.vals[i].valueType()
		}
		return s
	}
	return nil
}

// valueType is the type a template node gives, when known without running.
func (n *tnode) valueType() expr.ValueType {
	switch {
	case n.isObj:
		return expr.TypeMap
	case n.isArr:
		return expr.TypeList
	case n.prog != nil:
		return expr.TypeDyn
	}
	return expr.TypeOf(n.lit)
}
