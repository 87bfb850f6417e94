package expr

import (
	"fmt"

	"github.com/google/cel-go/common/ast"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/interpreter"
)

// A map or transformList whose result is the program's result and whose
// body is an object literal with string keys, the usual way a mapping
// builds order lines:
//
//	items.transformList(n, i, {"LineNum": n + 1, "ItemCode": i.SellerSKU, ...})
//
// builds each element as a map[string]any from the values of the entries,
// instead of a CEL map that is then converted entry by entry. An entry that
// only reads a field of a message's own element, possibly through money()
// (inplace.go), takes the Go value; others, and those whose field is
// missing or not what they expect, are evaluated by CEL. The entries are
// evaluated in order and the first error is the element's, as CEL's map
// literal does (pipewright evaluates no unknowns).

// objectBody is an object literal body: its keys and the ids of its
// values.
type objectBody struct {
	keys   []string
	valIDs []int64
	// native holds, per entry, its value when evaluated from the Go
	// element (inplace.go), else nil; arith, the entry's money
	// arithmetic over the element's fields (arith.go), else nil.
	native []*nativeBody
	arith  []*arithExpr
}

// objectBodyOf recognises an object literal whose keys are distinct string
// literals and whose entries are not optional, or returns nil. elem is the
// variable holding the element.
func objectBodyOf(checked *ast.AST, body ast.Expr, elem string) *objectBody {
	if body.Kind() != ast.MapKind {
		return nil
	}
	o := &objectBody{}
	seen := map[string]bool{}
	for _, e := range body.AsMap().Entries() {
		if e.Kind() != ast.MapEntryKind {
			return nil
		}
		entry := e.AsMapEntry()
		k := entry.Key()
		if entry.IsOptional() || k.Kind() != ast.LiteralKind {
			return nil
		}
		key, ok := k.AsLiteral().(types.String)
		if !ok || seen[string(key)] {
			return nil
		}
		seen[string(key)] = true
		o.keys = append(o.keys, string(key))
		o.valIDs = append(o.valIDs, entry.Value().ID())
		o.native = append(o.native, nativeBodyOf(checked, entry.Value(), elem, mapFold))
		o.arith = append(o.arith, arithOf(checked, entry.Value(), elem))
	}
	return o
}

// objectVals returns the planned values of o, or nil when o is nil or a
// value was not planned.
func objectVals(o *objectBody, planned map[int64]interpreter.InterpretableV2) []interpreter.InterpretableV2 {
	if o == nil {
		return nil
	}
	vals := make([]interpreter.InterpretableV2, len(o.valIDs))
	for i, id := range o.valIDs {
		if vals[i] = planned[id]; vals[i] == nil {
			return nil
		}
	}
	return vals
}

// addObject adds the object the body builds for elem, or returns the
// error to stop with (as add does for the body's CEL value).
func (a *foldAcc) addObject(o *objectBody, vals []interpreter.InterpretableV2, elem any, frame *interpreter.ExecutionFrame) ref.Val {
	keys := o.keys
	m := make(map[string]any, len(keys))
	for i, val := range vals {
		if nb := o.native[i]; nb != nil {
			if v, ok := nb.goValue(elem); ok {
				m[keys[i]] = v
				a.impure = a.impure || !isValue(v)
				continue
			}
		} else if ar := o.arith[i]; ar != nil {
			if d, ok := ar.value(arithScope{elem: elem}); ok {
				m[keys[i]] = d
				continue
			}
		}
		v := val.Exec(frame)
		if types.IsUnknownOrError(v) {
			return v
		}
		nv, err := toValue(v)
		if err != nil {
			return types.NewErr("[%d]: %v", len(a.values), fmt.Errorf("%s: %w", keys[i], err))
		}
		m[keys[i]] = nv
	}
	a.values = append(a.values, m)
	return nil
}

// goValue evaluates a one-term body for elem as a message value; false
// means "let CEL do it".
func (b *nativeBody) goValue(elem any) (any, bool) {
	switch t := b.terms[0]; {
	case t.dec != nil:
		return b.decimal(elem)
	case t.unary == nil:
		return walk(elem, t.path)
	default:
		val, ok := t.value(elem)
		if !ok {
			return nil, false
		}
		v, err := toValue(val)
		return v, err == nil
	}
}
