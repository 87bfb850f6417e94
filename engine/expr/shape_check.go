package expr

import (
	"fmt"
	"slices"
	"strings"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/ast"
	"github.com/google/cel-go/common/operators"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
)

// shapeChecker follows table rows, lookup results and message fields of
// known shape through an expression (indexing, optionals, comprehensions,
// cel.bind) and reports what cannot work: a column the rows do not have,
// a literal key a table lacks, a column compared with a literal of another
// type or with a value it never holds. It also records every env.NAME read.
type shapeChecker struct {
	env     *Env
	parsed  *cel.Ast
	issues  []Issue
	envUses []EnvUse
	// replaced are the positions of comparisons explained by an issue
	// here; the checker's own issue there (the operand types) is dropped.
	replaced map[[2]int]bool
}

// sval is what the shape checker knows about a sub-expression's value.
type sval struct {
	tablesVar bool
	table     *Table
	shape     *Shape   // a row, or rows when shape.List
	col       *colInfo // a column of a known row, or a scalar table's value
	opt       bool     // an optional row or value (table[?key])
	lit       ref.Val  // a literal
}

type colInfo struct {
	what   string // `column "x" of table "t"`
	typ    ValueType
	values []string // every value a string column holds, when known
	hint   string
}

// row returns the row shape v holds, or nil.
func (v sval) row() *Shape {
	if v.shape != nil && !v.shape.List && !v.opt {
		return v.shape
	}
	return nil
}

func (c *shapeChecker) issue(id int64, start bool, format string, args ...any) (int, int) {
	line, col := c.position(id, start)
	c.issues = append(c.issues, Issue{Line: line, Column: col, Message: fmt.Sprintf(format, args...)})
	return line, col
}

// position is where node id starts (start) or its own offset (an
// operator, a field after its dot).
func (c *shapeChecker) position(id int64, start bool) (int, int) {
	info := c.parsed.NativeRep().SourceInfo()
	off := info.GetStartLocation(id)
	if !start {
		r, _ := info.GetOffsetRange(id)
		return location(c.parsed, r.Start)
	}
	return off.Line(), off.Column() + 1
}

func (c *shapeChecker) visit(x ast.Expr, scope map[string]*Shape) sval {
	switch x.Kind() {
	case ast.LiteralKind:
		return sval{lit: x.AsLiteral()}
	case ast.IdentKind:
		if x.AsIdent() == "tables" {
			return sval{tablesVar: true}
		}
		return sval{shape: scope[x.AsIdent()]}
	case ast.SelectKind:
		return c.visitSelect(x, scope)
	case ast.CallKind:
		return c.visitCall(x, scope)
	case ast.ComprehensionKind:
		return c.visitComprehension(x, scope)
	case ast.ListKind:
		for _, e := range x.AsList().Elements() {
			c.visit(e, scope)
		}
	case ast.MapKind:
		return c.visitMap(x, scope)
	case ast.StructKind:
		for _, f := range x.AsStruct().Fields() {
			c.visit(f.AsStructField().Value(), scope)
		}
	}
	return sval{}
}

func (c *shapeChecker) visitSelect(x ast.Expr, scope map[string]*Shape) sval {
	sel := x.AsSelect()
	if c.envUse(x, "") {
		return sval{}
	}
	o := c.visit(sel.Operand(), scope)
	switch {
	case o.tablesVar:
		if t, ok := c.env.typed[sel.FieldName()]; ok {
			return sval{table: t}
		}
	case o.row() != nil:
		return c.column(x.ID(), true, o.row(), sel.FieldName())
	}
	return sval{}
}

// column checks a column read of a row and describes the column. A
// select's offset is its dot: the name starts after it.
func (c *shapeChecker) column(id int64, selected bool, row *Shape, name string) sval {
	if row.Columns == nil {
		return sval{}
	}
	typ, ok := row.Columns[name]
	if !ok {
		names := row.columnNames()
		msg := fmt.Sprintf("%s has no column %q", row.Source, name)
		if near := Closest(name, names); near != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", near)
		} else {
			msg += " (columns: " + strings.Join(names, ", ") + ")"
		}
		line, col := c.position(id, false)
		if selected {
			col++
		}
		c.issues = append(c.issues, Issue{Line: line, Column: col, Message: msg})
		return sval{}
	}
	return sval{col: &colInfo{what: fmt.Sprintf("column %q of %s", name, row.Source), typ: typ, values: row.Values[name], hint: row.Hint}}
}

// conversions are the functions that turn an env value (a string) into
// another type; validation checks every env value they are given.
var conversions = map[string]bool{"int": true, "uint": true, "double": true, "decimal": true, "money": true,
	"bool": true, "timestamp": true, "duration": true}

func (c *shapeChecker) visitCall(x ast.Expr, scope map[string]*Shape) sval {
	call := x.AsCall()
	fn, args := call.FunctionName(), call.Args()
	if conversions[fn] && !call.IsMemberFunction() && len(args) == 1 && c.envUse(args[0], fn) || c.envUse(x, "") {
		return sval{}
	}
	var target sval
	if call.IsMemberFunction() {
		target = c.visit(call.Target(), scope)
	}
	vals := make([]sval, len(args))
	for i, a := range args {
		vals[i] = c.visit(a, scope)
	}
	switch fn {
	case operators.Index, operators.OptIndex:
		return c.index(x, fn == operators.OptIndex, vals[0], vals[1])
	case operators.Equals, operators.NotEquals:
		c.compare(x, fn == operators.Equals, vals[0], vals[1])
	case "orValue", "value":
		if target.opt {
			target.opt = false
			return target
		}
	case "get":
		if target.table != nil && len(args) == 2 {
			return rowOf(target.table, false)
		}
	}
	return sval{}
}

// index is table[key], table[?key], row["column"] or rows[i].
func (c *shapeChecker) index(x ast.Expr, optional bool, o, k sval) sval {
	key, isString := k.lit.(types.String)
	switch {
	case o.table != nil:
		if isString && !optional && !o.table.hasKey(string(key)) {
			c.issue(x.AsCall().Args()[1].ID(), true, "table %q has no key %q (keys: %s)", o.table.name, string(key), o.table.keyNames(8))
		}
		return rowOf(o.table, optional)
	case o.tablesVar && isString:
		if t, ok := c.env.typed[string(key)]; ok {
			return sval{table: t}
		}
	case o.row() != nil && isString && !optional:
		return c.column(x.AsCall().Args()[1].ID(), false, o.row(), string(key))
	case o.shape != nil && o.shape.List && !o.opt:
		return sval{shape: o.shape.Element(), opt: optional}
	}
	return sval{}
}

// rowOf is a table's row: its shape, or its scalar value's type and values.
func rowOf(t *Table, optional bool) sval {
	switch {
	case t.shape != nil:
		return sval{shape: t.shape, opt: optional}
	case t.valueType != "":
		return sval{col: &colInfo{what: fmt.Sprintf("a value of table %q", t.name), typ: t.valueType, values: t.values, hint: t.opts.TypeHint}, opt: optional}
	}
	return sval{}
}

// compare checks col == literal (either way round).
func (c *shapeChecker) compare(x ast.Expr, equals bool, a, b sval) {
	if a.col == nil || a.opt {
		a, b = b, a
	}
	if a.col == nil || a.opt || b.lit == nil {
		return
	}
	col, lit := a.col, b.lit
	never := "never true"
	if !equals {
		never = "always true"
	}
	litType := literalType(lit)
	switch {
	case litType == "" || col.typ == TypeDyn || litType == col.typ || (numeric(litType) && numeric(col.typ)):
	default:
		hint := ""
		if col.hint != "" && col.typ == TypeString {
			hint = " (" + col.hint + ")"
		}
		line, column := c.issue(x.ID(), false, "%s is %s, compared with %s, %s: the comparison is %s%s",
			col.what, col.typ.article(), literalText(lit), litType.article(), never, hint)
		c.replaced[[2]int{line, column}] = true
		return
	}
	s, isString := lit.(types.String)
	if isString && col.typ == TypeString && col.values != nil && !slices.Contains(col.values, string(s)) {
		c.issue(x.ID(), false, "%s never holds %q (it holds %s): the comparison is %s", col.what, string(s), listSome(col.values, 8), never)
	}
}

func literalType(v ref.Val) ValueType {
	switch v.(type) {
	case types.String:
		return TypeString
	case types.Int, types.Uint:
		return TypeInt
	case types.Double:
		return TypeDouble
	case types.Bool:
		return TypeBool
	}
	return ""
}

func literalText(v ref.Val) string {
	if s, ok := v.(types.String); ok {
		return fmt.Sprintf("%q", string(s))
	}
	return fmt.Sprint(v.Value())
}

func numeric(t ValueType) bool { return t == TypeInt || t == TypeDecimal || t == TypeDouble }
