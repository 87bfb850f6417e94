package config

import (
	"gopkg.in/yaml.v3"

	"github.com/pipewright/pipewright/engine/component"
)

// stringList decodes a string or a list of strings.
type stringList []string

func (l *stringList) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*l = []string{n.Value}
		return nil
	}
	var s []string
	if err := n.Decode(&s); err != nil {
		return err
	}
	*l = s
	return nil
}

// namedExpr is one entry of an ordered mapping of expressions.
type namedExpr struct {
	Name string
	Key  *yaml.Node
	Expr component.Expr
}

// orderedExprs decodes a mapping of name -> expression keeping file order
// (let bindings see the ones before them).
type orderedExprs []namedExpr

func (o *orderedExprs) UnmarshalYAML(n *yaml.Node) error {
	for i := 0; i+1 < len(n.Content); i += 2 {
		var e component.Expr
		if err := n.Content[i+1].Decode(&e); err != nil {
			return err
		}
		*o = append(*o, namedExpr{Name: n.Content[i].Value, Key: n.Content[i], Expr: e})
	}
	return nil
}
