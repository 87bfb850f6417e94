package expr

import (
	"fmt"
	"reflect"
	"strconv"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/common/types/traits"
)

var (
	// tableRow is the type of a table's rows in the table functions'
	// signatures; tableType is a lookup table, tables.<name>, whose rows
	// have type tableRow (a map of column to value, or a scalar).
	tableRow  = cel.TypeParamType("R")
	tableType = cel.OpaqueType("table", tableRow)
	// anyTableType is the type of tables["name"], whose row type is unknown.
	anyTableType     = cel.OpaqueType("table", cel.DynType)
	tableRuntimeType = types.NewObjectType("table", traits.ContainerType, traits.IndexerType)
	// tablesRuntimeType is the run-time type of the tables variable, which
	// the checker sees as map(string, table).
	tablesRuntimeType = types.NewObjectType("tables", traits.ContainerType, traits.IndexerType, traits.SizerType)
)

// tableVal is a table as a CEL value: tables.skus[key], key in tables.skus,
// tables.skus[?key] and tables.skus.get(key, default).
type tableVal struct{ t *Table }

// ConvertToNative implements ref.Val.
func (v tableVal) ConvertToNative(reflect.Type) (any, error) {
	return nil, fmt.Errorf("table %q is not a value: look a key up in it", v.t.name)
}

// ConvertToType implements ref.Val.
func (v tableVal) ConvertToType(t ref.Type) ref.Val {
	if t == types.TypeType {
		return tableRuntimeType
	}
	return types.NewErr("table %q is not a value: look a key up in it", v.t.name)
}

// Equal implements ref.Val.
func (v tableVal) Equal(other ref.Val) ref.Val {
	o, ok := other.(tableVal)
	return types.Bool(ok && o.t == v.t)
}

// Type implements ref.Val.
func (v tableVal) Type() ref.Type { return tableRuntimeType }

// Value implements ref.Val.
func (v tableVal) Value() any { return v.t }

// Get implements traits.Indexer: the row, the default or an error.
func (v tableVal) Get(key ref.Val) ref.Val {
	k, errVal := tableKey(v.t, key)
	if errVal != nil {
		return errVal
	}
	row, err := v.t.Lookup(k)
	if err != nil {
		return types.WrapErr(err)
	}
	return valueAdapter.NativeToValue(row)
}

// Contains implements traits.Container.
func (v tableVal) Contains(key ref.Val) ref.Val {
	k, errVal := tableKey(v.t, key)
	if errVal != nil {
		return errVal
	}
	return types.Bool(v.t.Has(k))
}

// IsSet implements traits.FieldTester, for tables.skus[?key].
func (v tableVal) IsSet(key ref.Val) ref.Val { return v.Contains(key) }

// getOrDefault implements tables.<name>.get(key, default).
func getOrDefault(a ...ref.Val) ref.Val {
	v := a[0].(tableVal)
	k, errVal := tableKey(v.t, a[1])
	if errVal != nil {
		return errVal
	}
	if row, ok := v.t.find(k); ok {
		return valueAdapter.NativeToValue(row)
	}
	return a[2]
}

// tableKey converts a key: strings as they are, ints in decimal.
func tableKey(t *Table, key ref.Val) (string, ref.Val) {
	switch k := key.(type) {
	case types.String:
		return string(k), nil
	case types.Int:
		return strconv.FormatInt(int64(k), 10), nil
	case types.Uint:
		return strconv.FormatUint(uint64(k), 10), nil
	}
	if types.IsError(key) {
		return "", key
	}
	return "", types.NewErr("table %q: a key must be a string or an int, got %s", t.name, key.Type().TypeName())
}

// tablesVal is the tables variable.
type tablesVal struct{ ts Tables }

// ConvertToNative implements ref.Val.
func (v tablesVal) ConvertToNative(reflect.Type) (any, error) {
	return nil, fmt.Errorf("tables is not a value: use tables.<name>[key]")
}

// ConvertToType implements ref.Val.
func (v tablesVal) ConvertToType(t ref.Type) ref.Val {
	if t == types.TypeType {
		return tablesRuntimeType
	}
	return types.NewErr("tables is not a value: use tables.<name>[key]")
}

// Equal implements ref.Val.
func (v tablesVal) Equal(other ref.Val) ref.Val { return types.False }

// Type implements ref.Val.
func (v tablesVal) Type() ref.Type { return tablesRuntimeType }

// Value implements ref.Val.
func (v tablesVal) Value() any { return v.ts }

// Get implements traits.Indexer.
func (v tablesVal) Get(name ref.Val) ref.Val {
	n, ok := name.(types.String)
	if !ok {
		return types.MaybeNoSuchOverloadErr(name)
	}
	t, ok := v.ts[string(n)]
	if !ok {
		return types.NewErr("no lookup table %q", string(n))
	}
	return tableVal{t}
}

// Contains implements traits.Container.
func (v tablesVal) Contains(name ref.Val) ref.Val {
	n, ok := name.(types.String)
	_, found := v.ts[string(n)]
	return types.Bool(ok && found)
}

// Size implements traits.Sizer.
func (v tablesVal) Size() ref.Val { return types.Int(len(v.ts)) }
