package expr

import (
	"fmt"
	"sort"

	"github.com/google/cel-go/cel"
)

// analyse works out what the checker may know about the table's rows (and
// its default): when every row is a map, their columns with each column's
// type and the distinct values of string columns; when every row is a
// scalar, their type and distinct values.
func (t *Table) analyse() {
	rows := make([]any, 0, len(t.rows)+1)
	for _, r := range t.rows {
		rows = append(rows, r)
	}
	if t.opts.HasDefault {
		rows = append(rows, t.opts.Default)
	}
	maps, scalars := 0, 0
	cols := map[string]ValueType{}
	colValues := map[string]map[string]bool{}
	valueType, values := ValueType(""), map[string]bool{}
	for _, r := range rows {
		m, isMap := r.(map[string]any)
		if !isMap {
			scalars++
			valueType = typeUnion(valueType, r)
			if s, ok := r.(string); ok {
				values[s] = true
			}
			continue
		}
		maps++
		for c, v := range m {
			cols[c] = typeUnion(cols[c], v)
			if s, ok := v.(string); ok {
				if colValues[c] == nil {
					colValues[c] = map[string]bool{}
				}
				colValues[c][s] = true
			}
		}
	}
	switch {
	case maps > 0 && scalars == 0:
		t.shape = &Shape{Source: fmt.Sprintf("table %q", t.name), Columns: map[string]ValueType{}, Values: map[string][]string{}, Hint: t.opts.TypeHint}
		for c, ct := range cols {
			if ct == "" {
				ct = TypeDyn // only nulls
			}
			t.shape.Columns[c] = ct
			if ct == TypeString {
				t.shape.Values[c] = sortedSet(colValues[c])
			}
		}
	case scalars > 0 && maps == 0 && valueType != "":
		t.valueType = valueType
		if valueType == TypeString {
			t.values = sortedSet(values)
		}
	}
}

func sortedSet(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// rowType is the CEL type of a row: a map whose values have the columns'
// common type, the scalar rows' type, or dyn.
func (t *Table) rowType() *cel.Type {
	if t.shape != nil {
		common := ValueType("")
		for _, ct := range t.shape.Columns {
			if common == "" || common == ct {
				common = ct
			} else {
				common = TypeDyn
			}
		}
		if common == "" {
			common = TypeDyn
		}
		return cel.MapType(cel.StringType, common.celType())
	}
	if t.valueType != "" {
		return t.valueType.celType()
	}
	return cel.DynType
}

// hasKey reports whether key has a row, or the table a default.
func (t *Table) hasKey(key string) bool {
	_, ok := t.find(key)
	return ok || t.opts.HasDefault
}

// keyNames lists up to n of the table's keys, sorted, for messages.
func (t *Table) keyNames(n int) string {
	keys := make([]string, 0, len(t.rows))
	for k := range t.rows {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return listSome(keys, n)
}

// listSome joins up to n values in quotes, with how many more there are.
func listSome(values []string, n int) string {
	out := ""
	for i, v := range values {
		if i == n {
			return out + fmt.Sprintf(" and %d more", len(values)-n)
		}
		if i > 0 {
			out += ", "
		}
		out += fmt.Sprintf("%q", v)
	}
	return out
}
