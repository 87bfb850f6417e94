package expr

import (
	"github.com/google/cel-go/common/ast"
	"github.com/google/cel-go/interpreter"
)

// The fast paths are specialised plans for what mappings do most, each
// giving the result and the error CEL's own plan gives:
//
//   - direct.go: an expression that only reads a field path of a message
//     value (msg.ShippingAddress.City), or a variable alone, walks the Go
//     maps, no interpreter;
//   - arith.go: money arithmetic over fields and variables (+ - * /,
//     money(), round(n)) is computed on the Go decimals, at the top of an
//     expression and in the entries of an object body (below);
//   - fastfold.go: map, filter, transformList and sum comprehensions over a
//     list append to a slice or add decimals, without CEL's general fold;
//   - inplace.go: fold bodies that only read fields of the element, possibly
//     through money(), are evaluated from the Go values;
//   - fastfold_object.go: a fold giving the result whose body is an object
//     literal builds each element as a Go map, its field-reading entries
//     from the Go values;
//   - bind.go: cel.bind binds its variable without a fold.
//
// They are on unless Options.Plain is set, and only for programs without
// runtime cost tracking (cost tracking needs every step counted). They use
// cel-go's public planning API only: a CustomDecoratorV2 replaces the
// comprehension nodes, whose parts stay the interpretables cel-go planned,
// and a comprehension's variables are bound in a frame made with
// interpreter.AsFrame over an activation whose parent is the frame it was
// given (AsFrame then shares that frame's evaluation context), as a custom
// interpretable may. What they rely on and could change with a cel-go
// upgrade is checked by tests that fail loudly: the shapes cel-go's macros
// expand into and the order in which the planner decorates nodes
// (fastpaths_test.go: every comprehension of the order mapping is planned
// fast), and the equality of results and errors with the plain plan
// (FuzzFastPaths, with a seed corpus run by every go test).
//
// The int-decimal operators (mixed.go) and the decimal-int equality
// (equality.go) are not fast paths: they are what those operators mean, in
// both plans.

// planDecorator specialises the plan of a checked expression: operators that
// may mix ints and decimals (mixed.go) and, when fast, the comprehensions
// (fastfold.go, bind.go). It sees every node after its parts, and remembers
// them for the comprehensions.
func planDecorator(checked *ast.AST, fast bool) interpreter.InterpretableDecoratorV2 {
	mixed := mixedDecorator(checked)
	if !fast {
		return mixed
	}
	folds, binds := foldShapes(checked), bindShapes(checked)
	planned := map[int64]interpreter.InterpretableV2{}
	return func(i interpreter.InterpretableV2) (interpreter.InterpretableV2, error) {
		i, err := mixed(i)
		if err != nil {
			return nil, err
		}
		planned[i.ID()] = i
		if _, ok := i.(interpreter.InterpretableAttribute); ok {
			return i, nil // an attribute over a comprehension shares its id
		}
		var fast interpreter.InterpretableV2
		if shape, ok := folds[i.ID()]; ok {
			fast = newFastFold(i, shape, planned)
		} else if shape, ok := binds[i.ID()]; ok {
			fast = newFastBind(i.ID(), shape, planned)
		}
		if fast == nil {
			return i, nil
		}
		return fast, nil
	}
}
