package config

import (
	"fmt"

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

// Eval builds the output for one message.
func (t *Template) Eval(a *expr.Activation) (any, error) {
	return t.root.eval(a, "")
}

func (n *tnode) eval(a *expr.Activation, path string) (any, error) {
	switch {
	case n.prog != nil:
		v, err := n.prog.Eval(a)
		if err != nil {
			if path == "" {
				return nil, err
			}
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return v, nil
	case n.isObj:
		m := make(map[string]any, len(n.keys))
		for i, k := range n.keys {
			v, err := n.vals[i].eval(a, joinPath(path, k))
			if err != nil {
				return nil, err
			}
			m[k] = v
		}
		return m, nil
	case n.isArr:
		l := make([]any, len(n.items))
		for i, it := range n.items {
			v, err := it.eval(a, fmt.Sprintf("%s[%d]", path, i))
			if err != nil {
				return nil, err
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

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
