package component

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/govalues/decimal"
	"gopkg.in/yaml.v3"
)

// Program is a compiled CEL program bound into an Expr or Template by the
// loader. It is stateless and safe for concurrent use.
//
// Eval binds these variables: msg (the message body), meta (its metadata),
// vars (lookup results by name; each is also a top-level variable), tables
// (the directory's lookup tables), env (the project's env values) and now
// (the engine clock's time).
type Program interface {
	Eval(ctx context.Context, msg *Message) (any, error)
}

// ErrUnbound is returned when an Expr or Template is evaluated before the
// loader compiled it.
var ErrUnbound = errors.New("expression was not compiled")

// Expr is a CEL expression written in configuration as a YAML string. Config
// structs declare fields of type Expr (or *Expr, []Expr, map[string]Expr); the
// loader compiles every one while validating, reports errors at the
// expression's own line and column, and binds the program.
type Expr struct {
	// Source is the expression text.
	Source string
	node   *yaml.Node
	prog   Program
}

// UnmarshalYAML keeps the expression text and its node for positions.
func (e *Expr) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: expected a CEL expression (a string)", n.Line)
	}
	e.Source, e.node = n.Value, n
	return nil
}

// NewExpr returns an unbound expression, for building configs in code.
func NewExpr(src string) Expr {
	return Expr{Source: src, node: &yaml.Node{Kind: yaml.ScalarNode, Value: src}}
}

// Node returns the YAML node the expression came from (nil if none).
func (e *Expr) Node() *yaml.Node { return e.node }

// Bind sets the compiled program. The loader calls it.
func (e *Expr) Bind(p Program) { e.prog = p }

// IsZero reports whether no expression was given.
func (e Expr) IsZero() bool { return e.Source == "" }

// Eval evaluates the expression for msg.
func (e *Expr) Eval(ctx context.Context, msg *Message) (any, error) {
	if e.prog == nil {
		return nil, ErrUnbound
	}
	return e.prog.Eval(ctx, msg)
}

// EvalString evaluates the expression and requires a string result.
func (e *Expr) EvalString(ctx context.Context, msg *Message) (string, error) {
	v, err := e.Eval(ctx, msg)
	if err != nil {
		return "", err
	}
	s, ok := v.(string)
	if !ok {
		return "", Permanentf("expression %q: want a string, got %s", e.Source, TypeName(v))
	}
	return s, nil
}

// Template is a YAML value whose string leaves are CEL expressions: a mapping
// builds an object, a sequence a list, a scalar one value. Non-string scalars
// (numbers, booleans, null) are literals. The loader compiles it as a whole.
type Template struct {
	node *yaml.Node
	prog Program
}

// UnmarshalYAML keeps the node for compilation.
func (t *Template) UnmarshalYAML(n *yaml.Node) error {
	t.node = n
	return nil
}

// Node returns the YAML node the template came from (nil if none).
func (t *Template) Node() *yaml.Node { return t.node }

// Bind sets the compiled program. The loader calls it.
func (t *Template) Bind(p Program) { t.prog = p }

// IsZero reports whether no template was given.
func (t Template) IsZero() bool { return t.node == nil }

// Eval evaluates the template for msg.
func (t *Template) Eval(ctx context.Context, msg *Message) (any, error) {
	if t.prog == nil {
		return nil, ErrUnbound
	}
	return t.prog.Eval(ctx, msg)
}

// TypeName names the JSON-like type of v for error messages.
func TypeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "bool"
	case string:
		return "string"
	case int64, int, int32:
		return "int"
	case float64:
		return "double"
	case []any:
		return "list"
	case map[string]any:
		return "map"
	case decimal.Decimal:
		return "decimal"
	case time.Time:
		return "timestamp"
	}
	return fmt.Sprintf("%T", v)
}

// ProgramFunc adapts a function to Program, for tests and for programs built
// in code.
type ProgramFunc func(ctx context.Context, msg *Message) (any, error)

// Eval calls f.
func (f ProgramFunc) Eval(ctx context.Context, msg *Message) (any, error) { return f(ctx, msg) }
