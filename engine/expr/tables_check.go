package expr

import (
	"fmt"
	"strings"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/ast"
	"github.com/google/cel-go/common/operators"
	"github.com/google/cel-go/common/types"
)

// checkTables reports every tables.<name> (and tables["name"]) whose name is
// not one of the environment's tables, at the position of the name.
func (e *Env) checkTables(checked *cel.Ast) []Issue {
	info := checked.NativeRep().SourceInfo()
	var issues []Issue
	ast.PostOrderVisit(checked.NativeRep().Expr(), ast.NewExprVisitor(func(x ast.Expr) {
		name, offset, ok := tableSelection(x, info)
		if !ok || e.tables[name] {
			return
		}
		line, col := location(checked, offset)
		known := "the directory has no tables"
		if len(e.tables) > 0 {
			known = "known tables: " + strings.Join(e.tableNames(), ", ")
		}
		issues = append(issues, Issue{Line: line, Column: col,
			Message: fmt.Sprintf("unknown table %q (%s)", name, known)})
	}))
	sortIssues(issues)
	return issues
}

// tableSelection recognises tables.name, tables.?name, tables["name"] and
// tables[?"name"], returning the name and the offset it starts at.
func tableSelection(x ast.Expr, info *ast.SourceInfo) (string, int32, bool) {
	switch x.Kind() {
	case ast.SelectKind:
		sel := x.AsSelect()
		if isTablesIdent(sel.Operand()) {
			r, _ := info.GetOffsetRange(x.ID()) // starts at the dot
			return sel.FieldName(), r.Start + 1, true
		}
	case ast.CallKind:
		call := x.AsCall()
		switch call.FunctionName() {
		case operators.Index, operators.OptIndex, operators.OptSelect:
		default:
			return "", 0, false
		}
		if len(call.Args()) != 2 || !isTablesIdent(call.Args()[0]) || call.Args()[1].Kind() != ast.LiteralKind {
			return "", 0, false
		}
		name, ok := call.Args()[1].AsLiteral().(types.String)
		if !ok {
			return "", 0, false
		}
		r, _ := info.GetOffsetRange(call.Args()[1].ID())
		return string(name), r.Start, true
	}
	return "", 0, false
}

func isTablesIdent(x ast.Expr) bool {
	return x.Kind() == ast.IdentKind && x.AsIdent() == "tables"
}
