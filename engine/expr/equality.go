package expr

import (
	"maps"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/ast"
	"github.com/google/cel-go/common/operators"
)

// CEL declares == and != once, for two operands of the same type, and
// refuses any further overload of them, so `money(x) == 0` cannot type-check
// through an overload. When checking fails, Compile therefore renames the
// == and != calls the checker rejected to the hidden functions below (users
// cannot spell a name starting with '@'), which take exactly (decimal, int)
// and (int, decimal), and checks again. A call the hidden function rejects
// too was not a decimal-int comparison: it keeps its name and the checker's
// own message. Only the ids of the rejected calls are read, never the text
// of the checker's messages.
const (
	decimalEquals    = "@decimal_equals"
	decimalNotEquals = "@decimal_not_equals"
)

// hiddenEquality maps == and != to their decimal-int functions.
var hiddenEquality = map[string]string{operators.Equals: decimalEquals, operators.NotEquals: decimalNotEquals}

// checkAST type-checks parsed (the parse of src, which the checker may
// rewrite), rewriting == and != between a decimal and an int.
func (e *Env) checkAST(src string, parsed *cel.Ast) (*cel.Ast, *cel.Issues) {
	checked, iss := e.cel.Check(parsed)
	if iss.Err() == nil {
		return checked, nil
	}
	rename := map[int64]bool{}
	for _, err := range iss.Errors() {
		rename[err.ExprID] = true
	}
	// Each round drops the calls the hidden functions reject; the set only
	// shrinks, so this ends.
	for {
		parsed := e.renameEqualities(src, rename)
		if len(rename) == 0 {
			return nil, iss
		}
		again, iss2 := e.cel.Check(parsed)
		if iss2.Err() == nil {
			return again, nil
		}
		rejected := false
		for _, err := range iss2.Errors() {
			if rename[err.ExprID] {
				delete(rename, err.ExprID)
				rejected = true
			}
		}
		if !rejected {
			return nil, iss2
		}
	}
}

// renameEqualities parses src again (ids are deterministic; the checker may
// have rewritten the first parse) and renames the == and != calls whose ids
// are in ids. It leaves in ids the ids of the calls it renamed only.
func (e *Env) renameEqualities(src string, ids map[int64]bool) *cel.Ast {
	parsed, iss := e.cel.Parse(src)
	if iss.Err() != nil {
		clear(ids)
		return nil
	}
	fac := ast.NewExprFactory()
	renamed := map[int64]bool{}
	for _, x := range ast.MatchDescendants(ast.NavigateAST(parsed.NativeRep()), func(x ast.NavigableExpr) bool { return ids[x.ID()] }) {
		if x.Kind() != ast.CallKind || x.AsCall().IsMemberFunction() {
			continue
		}
		if hidden, ok := hiddenEquality[x.AsCall().FunctionName()]; ok {
			x.SetKindCase(fac.NewCall(x.ID(), hidden, x.AsCall().Args()...))
			renamed[x.ID()] = true
		}
	}
	clear(ids)
	maps.Copy(ids, renamed)
	return parsed
}
