package expr

import (
	"strings"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/ast"
	"github.com/google/cel-go/common/operators"
)

// CEL declares == and != once, for two operands of the same type, and
// refuses any further overload of them, so `money(x) == 0` cannot type-check
// through an overload. Compile therefore catches the checker's complaint
// about exactly (decimal, int) or (int, decimal), renames those calls to the
// hidden functions below (users cannot spell a name starting with '@'), and
// checks again.
const (
	decimalEquals    = "@decimal_equals"
	decimalNotEquals = "@decimal_not_equals"
)

// mixedEqualityErrors are the checker messages the rewrite answers.
var mixedEqualityErrors = func() map[string]string {
	m := map[string]string{}
	for op, hidden := range map[string]string{operators.Equals: decimalEquals, operators.NotEquals: decimalNotEquals} {
		for _, sig := range []string{"(decimal, int)", "(int, decimal)"} {
			m["found no matching overload for '"+op+"' applied to '"+sig+"'"] = hidden
		}
	}
	return m
}()

// compileAST parses and checks src, rewriting == and != between a decimal
// and an int.
func (e *Env) compileAST(src string) (*cel.Ast, *cel.Issues) {
	checked, iss := e.cel.Compile(src)
	if iss.Err() == nil {
		return checked, nil
	}
	rename := map[int64]string{}
	for _, err := range iss.Errors() {
		if hidden, ok := mixedEqualityErrors[err.Message]; ok {
			rename[err.ExprID] = hidden
		}
	}
	if len(rename) == 0 {
		return nil, iss
	}
	// The checker may have rewritten the first parse; parse again (ids are
	// deterministic), rename the calls and check once more.
	parsed, piss := e.cel.Parse(src)
	if piss.Err() != nil {
		return nil, iss
	}
	fac := ast.NewExprFactory()
	root := ast.NavigateAST(parsed.NativeRep())
	for _, n := range ast.MatchDescendants(root, func(x ast.NavigableExpr) bool { return rename[x.ID()] != "" }) {
		if n.Kind() == ast.CallKind && strings.HasPrefix(n.AsCall().FunctionName(), "_") {
			n.SetKindCase(fac.NewCall(n.ID(), rename[n.ID()], n.AsCall().Args()...))
		}
	}
	return e.cel.Check(parsed)
}
