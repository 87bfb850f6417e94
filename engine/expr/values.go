package expr

import (
	"maps"
	"reflect"
	"slices"

	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/common/types/traits"
)

// mapVal and listVal are a message's objects and arrays as CEL values. They
// read the Go values in place and convert an element only when it is read,
// without allocating for the wrapper (mapVal) or per element. The
// operations expressions rarely use on message data (equality, iteration,
// conversion) are delegated to cel-go's own lazy map and list.

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

// Iterator implements traits.Iterable. It visits the keys in sorted order,
// so that a comprehension over a message object (keys.map(k, ...),
// transformMap, exists, ...) gives the same result every time, which Go's
// map order would not.
func (v mapVal) Iterator() traits.Iterator {
	keys := make([]any, 0, len(v.m))
	for _, k := range slices.Sorted(maps.Keys(v.m)) {
		keys = append(keys, k)
	}
	return listVal{l: keys}.Iterator()
}

// Size implements traits.Sizer.
func (v mapVal) Size() ref.Val { return types.Int(len(v.m)) }

// IsZeroValue implements traits.Zeroer.
func (v mapVal) IsZeroValue() bool { return len(v.m) == 0 }

// sliceList is a Go slice as a CEL list: a message's own []any (listVal),
// read in place and converted per element as it is read, or the []ref.Val a
// fast fold builds (refList), whose elements need no conversion (the adapter
// passes CEL values through). pure marks a list known to hold only
// message values (built of them), which toValue then returns without
// walking it again.
type sliceList[E any] struct {
	l    []E
	pure bool
}

// listVal is a message's []any as a CEL list.
type listVal = sliceList[any]

// refList is a list of CEL values built by a fastFold.
type refList = sliceList[ref.Val]

func (v sliceList[E]) cel() traits.Lister { return types.NewDynamicList(valueAdapter, v.l) }

// ConvertToNative implements ref.Val.
func (v sliceList[E]) ConvertToNative(t reflect.Type) (any, error) { return v.cel().ConvertToNative(t) }

// ConvertToType implements ref.Val.
func (v sliceList[E]) ConvertToType(t ref.Type) ref.Val { return v.cel().ConvertToType(t) }

// Equal implements ref.Val.
func (v sliceList[E]) Equal(other ref.Val) ref.Val { return v.cel().Equal(other) }

// Type implements ref.Val.
func (v sliceList[E]) Type() ref.Type { return types.ListType }

// Value implements ref.Val.
func (v sliceList[E]) Value() any { return v.l }

// Add implements traits.Adder.
func (v sliceList[E]) Add(other ref.Val) ref.Val { return v.cel().Add(other) }

// Contains implements traits.Container.
func (v sliceList[E]) Contains(e ref.Val) ref.Val { return v.cel().Contains(e) }

// Get implements traits.Indexer.
func (v sliceList[E]) Get(index ref.Val) ref.Val {
	i, ok := index.(types.Int)
	if !ok || i < 0 || int(i) >= len(v.l) {
		return v.cel().Get(index) // the error cel-go gives
	}
	return valueAdapter.NativeToValue(v.l[i])
}

// Iterator implements traits.Iterable.
func (v sliceList[E]) Iterator() traits.Iterator { return v.cel().Iterator() }

// Fold implements traits.Foldable.
func (v sliceList[E]) Fold(f traits.Folder) {
	for i, e := range v.l {
		if !f.FoldEntry(i, e) {
			return
		}
	}
}

// Size implements traits.Sizer.
func (v sliceList[E]) Size() ref.Val { return types.Int(len(v.l)) }

// IsZeroValue implements traits.Zeroer.
func (v sliceList[E]) IsZeroValue() bool { return len(v.l) == 0 }
