package expr

import (
	"fmt"
	"strings"
	"sync"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/ast"
	"github.com/google/cel-go/common/operators"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/interpreter"
)

// Origin maps a position inside an expression (1-based line and column)
// to where it is written, as "file:line:col".
type Origin func(line, column int) string

// SetOrigin makes evaluation errors name where the failing operation is
// written. Call it before the program is used.
func (p *Program) SetOrigin(o Origin) { p.origin = o }

// EvalError is an evaluation error with the operation that raised it: its
// position in the file (when the program has an Origin) and, for an
// operator or function, the types of the values it was given.
type EvalError struct {
	// Where is "file:line:col", or "" when unknown.
	Where string
	// Operation shows the failing call with its operands' types, such as
	// "int + string" or "int(string)"; "" when not a call. Error shows it
	// for type errors (no such overload, failed conversions).
	Operation string
	Err       error
}

// Error implements error: "file:line:col: message (operation)".
func (e *EvalError) Error() string {
	msg := e.Err.Error()
	switch {
	case e.Operation == "":
	case strings.HasPrefix(msg, "no such overload"):
		msg = "no such overload: " + e.Operation
	case isTypeError(msg):
		msg += " (in " + e.Operation + ")"
	}
	if e.Where != "" {
		msg = e.Where + ": " + msg
	}
	return msg
}

// isTypeError reports whether an error message is about a value's type,
// where the operand types are what the reader needs.
func isTypeError(msg string) bool {
	return strings.Contains(msg, "conversion") || strings.Contains(msg, "unsupported") || strings.Contains(msg, "type")
}

// Unwrap returns the evaluation error.
func (e *EvalError) Unwrap() error { return e.Err }

// explainer plans, once, the program that replays a failed evaluation
// with every intermediate value kept.
type explainer struct {
	once   sync.Once
	replay cel.Program
}

// explain replays a failed evaluation to find the operation that failed
// and the types it was given. It costs one more evaluation, on errors only.
func (p *Program) explain(a *Activation, err error) error {
	if p.checked == nil || strings.Contains(err.Error(), "cost limit") {
		return err
	}
	p.once.Do(func() {
		p.replay, _ = p.env.cel.Program(p.checked, cel.EvalOptions(cel.OptTrackState),
			cel.CustomDecoratorV2(mixedDecorator(p.checked.NativeRep())))
	})
	if p.replay == nil {
		return err
	}
	_, det, _ := p.replay.Eval(a)
	if det == nil || det.State() == nil {
		return err
	}
	failed := failingNode(p.checked.NativeRep().Expr(), det.State())
	if failed == nil {
		return &EvalError{Where: p.where(p.checked.NativeRep().Expr()), Err: err}
	}
	return &EvalError{Where: p.where(failed), Operation: operation(failed, det.State()), Err: err}
}

// failingNode returns the deepest node whose value is an error while its
// operands' values are not.
func failingNode(root ast.Expr, state interpreter.EvalState) ast.Expr {
	var found ast.Expr
	ast.PostOrderVisit(root, ast.NewExprVisitor(func(x ast.Expr) {
		if found != nil || !isErrorAt(state, x.ID()) {
			return
		}
		for _, op := range operands(x) {
			if isErrorAt(state, op.ID()) {
				return
			}
		}
		found = x
	}))
	return found
}

func isErrorAt(state interpreter.EvalState, id int64) bool {
	v, ok := state.Value(id)
	return ok && types.IsError(v)
}

// operands are the sub-expressions a node applies its operation to.
func operands(x ast.Expr) []ast.Expr {
	switch x.Kind() {
	case ast.CallKind:
		call := x.AsCall()
		if call.IsMemberFunction() {
			return append([]ast.Expr{call.Target()}, call.Args()...)
		}
		return call.Args()
	case ast.SelectKind:
		return []ast.Expr{x.AsSelect().Operand()}
	}
	return nil
}

// where locates node x in the file.
func (p *Program) where(x ast.Expr) string {
	if p.origin == nil {
		return ""
	}
	r, _ := p.checked.NativeRep().SourceInfo().GetOffsetRange(x.ID())
	line, col := location(p.checked, r.Start)
	return p.origin(line, col)
}

// operation renders a failed call with its operands' types.
func operation(x ast.Expr, state interpreter.EvalState) string {
	if x.Kind() != ast.CallKind {
		return ""
	}
	call := x.AsCall()
	var typesOf []string
	for _, op := range operands(x) {
		t := "?"
		if v, ok := state.Value(op.ID()); ok {
			t = typeNameOf(v)
		}
		typesOf = append(typesOf, t)
	}
	fn := call.FunctionName()
	switch sym, isOp := operators.FindReverse(fn); {
	case fn == operators.Index:
		return fmt.Sprintf("%s[%s]", typesOf[0], typesOf[1])
	case isOp && len(typesOf) == 2:
		return fmt.Sprintf("%s %s %s", typesOf[0], sym, typesOf[1])
	case isOp && len(typesOf) == 1:
		return sym + typesOf[0]
	case call.IsMemberFunction():
		return fmt.Sprintf("%s.%s(%s)", typesOf[0], fn, strings.Join(typesOf[1:], ", "))
	}
	return fmt.Sprintf("%s(%s)", fn, strings.Join(typesOf, ", "))
}

// typeNameOf names a value's type as CEL expressions spell it.
func typeNameOf(v ref.Val) string {
	switch v.Type() {
	case types.NullType:
		return "null"
	case types.TimestampType:
		return "timestamp"
	}
	return v.Type().TypeName()
}
