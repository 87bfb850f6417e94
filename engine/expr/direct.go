package expr

import (
	"strings"

	"github.com/google/cel-go/common/ast"
)

// directPath is an expression that only reads fields of a message value
// (`msg.ShippingAddress.City`), or a variable holding one (a let value,
// `subTotal`), the most common kinds of field mapping. It is
// evaluated by walking the Go maps, with no interpreter and no conversion;
// when a field is missing the program runs CEL, which reports the error.
type directPath struct {
	root string
	path []string
}

// directPathOf returns the path a checked expression reads, or nil. Only
// variables holding message values qualify: msg, vars and the lookup
// variables.
func directPathOf(checked *ast.AST) *directPath {
	e := checked.Expr()
	root, path := selectPath(e)
	if path == nil && e.Kind() == ast.IdentKind {
		root, path = e.AsIdent(), []string{}
	}
	if path == nil || !directRoot(root) {
		return nil
	}
	return &directPath{root: root, path: path}
}

// directRoot reports whether the variable root holds message values: msg,
// vars and the lookup and let variables, not meta, env, tables or now.
func directRoot(root string) bool {
	return root != "meta" && root != "env" && root != "tables" && root != "now" && !strings.HasPrefix(root, "tables.")
}

// eval reads the path, or reports false when it cannot. With checked
// set, a value that holds anything but message values is refused too.
func (d *directPath) eval(a *Activation, checked bool) (any, bool) {
	v, ok := a.ResolveName(d.root)
	if !ok {
		return nil, false
	}
	if v, ok = walk(v, d.path); !ok || (checked && !isValue(v)) {
		return nil, false
	}
	return v, true
}
