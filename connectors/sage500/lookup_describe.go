package sage500

import (
	"github.com/pipewright/pipewright/connectors/sage500/internal/catalog"
	"github.com/pipewright/pipewright/connectors/sage500/internal/sqltext"
	"github.com/pipewright/pipewright/engine/component"
)

var _ component.LookupDescriber = (*ConnectionConfig)(nil)

// DescribeLookup implements component.LookupDescriber: the columns come
// from the query's columns declaration or else its select list, the types
// from its types declaration.
func (c *ConnectionConfig) DescribeLookup(query string) (component.LookupResult, bool) {
	q, ok := c.Queries[query]
	if !ok {
		return component.LookupResult{}, false
	}
	names := q.Columns
	if len(names) == 0 {
		if names, ok = sqltext.SelectColumns(q.SQL); !ok {
			return component.LookupResult{}, false
		}
	}
	res := component.LookupResult{Columns: map[string]string{}, Rows: q.Result == "rows"}
	for _, n := range names {
		res.Columns[n] = ""
		if t, err := catalog.ParseType(q.Types[n]); err == nil {
			res.Columns[n] = valueType(t.Kind)
		}
	}
	return res, true
}

// valueType is the message value type a SQL type's values read as.
func valueType(k catalog.Kind) string {
	switch k {
	case catalog.KindInt, catalog.KindSmallInt:
		return "int"
	case catalog.KindDecimal:
		return "decimal"
	case catalog.KindFloat:
		return "double"
	case catalog.KindDateTime:
		return "timestamp"
	case catalog.KindVarChar:
		return "string"
	}
	return ""
}
