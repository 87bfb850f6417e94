package expr

import (
	"sort"
	"time"

	"github.com/google/cel-go/cel"
	"github.com/govalues/decimal"
)

// ValueType names the type of a column or value as the checks know it.
type ValueType string

// The value types; TypeDyn means unknown or mixed.
const (
	TypeDyn       ValueType = "dyn"
	TypeString    ValueType = "string"
	TypeInt       ValueType = "int"
	TypeDecimal   ValueType = "decimal"
	TypeDouble    ValueType = "double"
	TypeBool      ValueType = "bool"
	TypeTimestamp ValueType = "timestamp"
	TypeList      ValueType = "list"
	TypeMap       ValueType = "map"
)

// Shape is what is known before running about rows: a lookup table's or a
// lookup query's, or the fields of a message. Expressions that read a
// column a shape does not have, compare a column with a literal of another
// type, or with a value the column never holds, are compile errors.
type Shape struct {
	// Source names the rows in messages: `table "skus"`, `query items`.
	Source string
	// Columns maps each column to its type; nil when the columns are unknown.
	Columns map[string]ValueType
	// Values lists the distinct values of each string column, when all of
	// them are known (a table's); nil otherwise.
	Values map[string][]string
	// List marks a list of such rows (a query's result: rows).
	List bool
	// Hint ends the message about a column's type (how to declare it).
	Hint string
	// Fields are the shapes of columns that hold objects (or lists of
	// them), when known: a map literal inside a map literal.
	Fields map[string]*Shape
}

// listOf is the shape of a list of rows of shape s.
func listOf(s *Shape) *Shape {
	l := *s
	l.List = true
	return &l
}

// Element returns the shape of one row of a list shape.
func (s *Shape) Element() *Shape {
	if s == nil || !s.List {
		return nil
	}
	e := *s
	e.List = false
	return &e
}

// columnNames lists the shape's columns, sorted.
func (s *Shape) columnNames() []string { return sortedKeys(s.Columns) }

// sortedKeys lists a map's keys, sorted.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// TypeOf returns the type of a message value (TypeDyn for null).
func TypeOf(v any) ValueType {
	if t, ok := typeOfValue(v); ok {
		return t
	}
	return TypeDyn
}

// typeOfValue returns the type of a message value.
func typeOfValue(v any) (ValueType, bool) {
	switch v.(type) {
	case nil:
		return "", false
	case string:
		return TypeString, true
	case int64:
		return TypeInt, true
	case decimal.Decimal:
		return TypeDecimal, true
	case float64:
		return TypeDouble, true
	case bool:
		return TypeBool, true
	case time.Time:
		return TypeTimestamp, true
	case []any:
		return TypeList, true
	case map[string]any:
		return TypeMap, true
	}
	return TypeDyn, true
}

// typeUnion folds one more value's type into t ("" for none yet); nulls
// do not count.
func typeUnion(t ValueType, v any) ValueType {
	vt, ok := typeOfValue(v)
	switch {
	case !ok:
		return t
	case t == "" || t == vt:
		return vt
	}
	return TypeDyn
}

// celType is the CEL type the checker gives a value of type t.
func (t ValueType) celType() *cel.Type {
	switch t {
	case TypeString:
		return cel.StringType
	case TypeInt:
		return cel.IntType
	case TypeDecimal:
		return DecimalType
	case TypeDouble:
		return cel.DoubleType
	case TypeBool:
		return cel.BoolType
	case TypeTimestamp:
		return cel.TimestampType
	case TypeList:
		return cel.ListType(cel.DynType)
	case TypeMap:
		return cel.MapType(cel.StringType, cel.DynType)
	}
	return cel.DynType
}

// article is "a" or "an" for a type name in messages.
func (t ValueType) article() string {
	switch t {
	case TypeInt:
		return "an int"
	case TypeDyn:
		return "a value of any type"
	case TypeList:
		return "a list"
	case TypeMap:
		return "a map"
	}
	return "a " + string(t)
}
