package sage500

import (
	"database/sql"
	"fmt"
	"time"

	"github.com/govalues/decimal"

	"github.com/pipewright/pipewright/connectors/sage500/internal/catalog"
	"github.com/pipewright/pipewright/connectors/sage500/internal/dialect"
	"github.com/pipewright/pipewright/connectors/sage500/internal/sqltext"
	"github.com/pipewright/pipewright/engine/component"
)

// namedSQL is a query or statement from the connection's config with the
// @name parameters it uses.
type namedSQL struct {
	name   string
	sql    string
	result string
	params []string
	types  map[string]catalog.Type // declared types of result columns
}

func newNamedSQL(name, text, result string, types map[string]string) *namedSQL {
	if result == "" {
		result = "row"
	}
	n := &namedSQL{name: name, sql: text, result: result, params: sqltext.Params(text), types: map[string]catalog.Type{}}
	for col, typ := range types {
		n.types[col], _ = catalog.ParseType(typ)
	}
	return n
}

// args binds the parameters from values; a missing parameter or a value
// that cannot be bound is a permanent error.
func (n *namedSQL) args(d dialect.Dialect, values map[string]any) ([]any, error) {
	out := make([]any, len(n.params))
	for i, p := range n.params {
		v, ok := values[p]
		if !ok {
			return nil, component.Permanentf("%s: no value for parameter @%s", n.name, p)
		}
		bv, err := bindable(v)
		if err != nil {
			return nil, component.Permanentf("%s: parameter @%s: %v", n.name, p, err)
		}
		out[i] = sql.Named(p, d.Arg(bv))
	}
	return out, nil
}

// bindable converts a message value to what dialect.Arg takes.
func bindable(v any) (any, error) {
	switch x := v.(type) {
	case nil, string, int64, float64, decimal.Decimal, time.Time:
		return x, nil
	case int:
		return int64(x), nil
	case bool:
		if x {
			return int64(1), nil
		}
		return int64(0), nil
	}
	return nil, fmt.Errorf("cannot bind a %s", component.TypeName(v))
}
