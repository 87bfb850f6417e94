package expr

import (
	"reflect"

	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/common/types/traits"
)

// mapVal and listVal are a message's objects and arrays as CEL values. They
// read the Go values in place and convert an element only when it is read,
// without allocating for the wrapper (mapVal) or per element. The
// operations expressions rarely use on message data (equality, iteration of
// maps, conversion) are delegated to cel-go's own lazy map and list.

// mapVal is a map[string]any as a CEL map.
type mapVal struct{ m map[string]any }

func (v mapVal) cel() traits.Mapper { return types.NewStringInterfaceMap(valueAdapter, v.m) }

// ConvertToNative implements ref.Val.
func (v mapVal) ConvertToNative(t reflect.Type) (any, error) { return v.cel().ConvertToNative(t) }

// ConvertToType implements ref.Val.
func (v mapVal) ConvertToType(t ref.Type) ref.Val { return v.cel().ConvertToType(t) }

// Equal implements ref.Val.
func (v mapVal) Equal(other ref.Val) ref.Val { return v.cel().Equal(other) }

// Type implements ref.Val.
func (v mapVal) Type() ref.Type { return types.MapType }

// Value implements ref.Val.
func (v mapVal) Value() any { return v.m }

// Contains implements traits.Container.
func (v mapVal) Contains(key ref.Val) ref.Val {
	if k, ok := key.(types.String); ok {
		_, found := v.m[string(k)]
		return types.Bool(found)
	}
	return v.cel().Contains(key)
}

// Find implements traits.Mapper.
func (v mapVal) Find(key ref.Val) (ref.Val, bool) {
	if k, ok := key.(types.String); ok {
		e, found := v.m[string(k)]
		if !found {
			return nil, false
		}
		return valueAdapter.NativeToValue(e), true
	}
	return v.cel().Find(key)
}

// Get implements traits.Indexer.
func (v mapVal) Get(key ref.Val) ref.Val {
	if e, found := v.Find(key); found {
		return e
	}
	return v.cel().Get(key) // the error cel-go gives
}

// Iterator implements traits.Iterable.
func (v mapVal) Iterator() traits.Iterator { return v.cel().Iterator() }

// Size implements traits.Sizer.
func (v mapVal) Size() ref.Val { return types.Int(len(v.m)) }

// IsZeroValue implements traits.Zeroer.
func (v mapVal) IsZeroValue() bool { return len(v.m) == 0 }

// listVal is a []any as a CEL list.
type listVal struct{ l []any }

func (v listVal) cel() traits.Lister { return types.NewDynamicList(valueAdapter, v.l) }

// ConvertToNative implements ref.Val.
func (v listVal) ConvertToNative(t reflect.Type) (any, error) { return v.cel().ConvertToNative(t) }

// ConvertToType implements ref.Val.
func (v listVal) ConvertToType(t ref.Type) ref.Val { return v.cel().ConvertToType(t) }

// Equal implements ref.Val.
func (v listVal) Equal(other ref.Val) ref.Val { return v.cel().Equal(other) }

// Type implements ref.Val.
func (v listVal) Type() ref.Type { return types.ListType }

// Value implements ref.Val.
func (v listVal) Value() any { return v.l }

// Add implements traits.Adder.
func (v listVal) Add(other ref.Val) ref.Val { return v.cel().Add(other) }

// Contains implements traits.Container.
func (v listVal) Contains(e ref.Val) ref.Val { return v.cel().Contains(e) }

// Get implements traits.Indexer.
func (v listVal) Get(index ref.Val) ref.Val {
	i, ok := index.(types.Int)
	if !ok || i < 0 || int(i) >= len(v.l) {
		return v.cel().Get(index) // the error cel-go gives
	}
	return valueAdapter.NativeToValue(v.l[i])
}

// Iterator implements traits.Iterable.
func (v listVal) Iterator() traits.Iterator { return &listIter{l: v.l} }

// Fold implements traits.Foldable.
func (v listVal) Fold(f traits.Folder) {
	for i, e := range v.l {
		if !f.FoldEntry(i, e) {
			return
		}
	}
}

// Size implements traits.Sizer.
func (v listVal) Size() ref.Val { return types.Int(len(v.l)) }

// IsZeroValue implements traits.Zeroer.
func (v listVal) IsZeroValue() bool { return len(v.l) == 0 }

// listIter iterates over a listVal's elements.
type listIter struct {
	l []any
	i int
}

// ConvertToNative implements ref.Val.
func (it *listIter) ConvertToNative(reflect.Type) (any, error) {
	return nil, types.NoSuchOverloadErr().(*types.Err)
}

// ConvertToType implements ref.Val.
func (it *listIter) ConvertToType(ref.Type) ref.Val { return types.NoSuchOverloadErr() }

// Equal implements ref.Val.
func (it *listIter) Equal(ref.Val) ref.Val { return types.NoSuchOverloadErr() }

// Type implements ref.Val.
func (it *listIter) Type() ref.Type { return types.IteratorType }

// Value implements ref.Val.
func (it *listIter) Value() any { return nil }

// HasNext implements traits.Iterator.
func (it *listIter) HasNext() ref.Val { return types.Bool(it.i < len(it.l)) }

// Next implements traits.Iterator.
func (it *listIter) Next() ref.Val {
	if it.i >= len(it.l) {
		return nil
	}
	it.i++
	return valueAdapter.NativeToValue(it.l[it.i-1])
}

// refList is a list of CEL values built by a fastFold.
type refList struct{ vals []ref.Val }

func (l refList) cel() traits.Lister { return types.NewRefValList(valueAdapter, l.vals) }

// ConvertToNative implements ref.Val.
func (l refList) ConvertToNative(t reflect.Type) (any, error) { return l.cel().ConvertToNative(t) }

// ConvertToType implements ref.Val.
func (l refList) ConvertToType(t ref.Type) ref.Val { return l.cel().ConvertToType(t) }

// Equal implements ref.Val.
func (l refList) Equal(other ref.Val) ref.Val { return l.cel().Equal(other) }

// Type implements ref.Val.
func (l refList) Type() ref.Type { return types.ListType }

// Value implements ref.Val.
func (l refList) Value() any { return l.vals }

// Add implements traits.Adder.
func (l refList) Add(other ref.Val) ref.Val { return l.cel().Add(other) }

// Contains implements traits.Container.
func (l refList) Contains(v ref.Val) ref.Val { return l.cel().Contains(v) }

// Get implements traits.Indexer.
func (l refList) Get(index ref.Val) ref.Val {
	if i, ok := index.(types.Int); ok && i >= 0 && int(i) < len(l.vals) {
		return l.vals[i]
	}
	return l.cel().Get(index)
}

// Iterator implements traits.Iterable.
func (l refList) Iterator() traits.Iterator { return l.cel().Iterator() }

// Size implements traits.Sizer.
func (l refList) Size() ref.Val { return types.Int(len(l.vals)) }
