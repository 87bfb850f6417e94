package sage500

import (
	"context"
	"fmt"
	"maps"

	"github.com/pipewright/pipewright/connectors/sage500/internal/dialect"
	"github.com/pipewright/pipewright/engine/component"
)

// Lookup runs a named query for the lookup step. A "row" query returns its
// row as a map (column name to value) or nil when nothing matched, and more
// than one row is a permanent error; a "rows" query returns a list of maps.
// company_id is bound from the connection. Results are cached for the
// lookup_cache TTL, keyed by query and parameters; a lookup for a
// dead-letter replay (component.FreshLookups) asks the database again and
// refreshes the cache.
func (c *Connection) Lookup(ctx context.Context, query string, params map[string]any) (any, error) {
	q, ok := c.queries[query]
	if !ok {
		return nil, component.Permanentf("sage500: no query %q (queries: %s)", query, describeKeys(c.queries))
	}
	key, err := cacheKey(query, params)
	if err != nil {
		return nil, component.Permanentf("sage500 lookup %s: %v", query, err)
	}
	now := c.clock.Now()
	if v, ok := c.lookups.get(key, now); ok && !component.FreshLookups(ctx) {
		c.metrics.lookups.WithLabelValues(query, "hit").Inc()
		return copyResult(v), nil
	}
	c.metrics.lookups.WithLabelValues(query, "miss").Inc()
	v, err := c.runQuery(ctx, q, params)
	if err != nil {
		return nil, fmt.Errorf("sage500 lookup %s: %w", query, err)
	}
	c.lookups.put(key, v, now)
	return copyResult(v), nil
}

// runQuery runs q with params plus the built-in parameters and returns its
// result shaped by q.result.
func (c *Connection) runQuery(ctx context.Context, q *namedSQL, params map[string]any) (any, error) {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout.D())
	defer cancel()
	args, err := q.args(c.dialect, c.withBuiltins(params))
	if err != nil {
		return nil, err
	}
	rows, err := c.db.QueryContext(ctx, q.sql, args...)
	if err != nil {
		return nil, c.dialect.Classify(err)
	}
	list := []any{}
	err = dialect.EachRow(c.dialect, rows, q.types, func(row map[string]any) error {
		if q.result == "row" && len(list) == 1 {
			return component.Permanentf("query returned more than one row")
		}
		list = append(list, row)
		return nil
	})
	switch {
	case err != nil:
		return nil, err
	case q.result == "rows":
		return list, nil
	case len(list) == 0:
		return nil, nil
	}
	return list[0], nil
}

// withBuiltins adds the built-in parameters to params.
func (c *Connection) withBuiltins(params map[string]any) map[string]any {
	all := make(map[string]any, len(params)+1)
	maps.Copy(all, params)
	all[paramCompanyID] = c.cfg.CompanyID
	return all
}

func cacheKey(query string, params map[string]any) (string, error) {
	b, err := component.EncodeJSON(params)
	if err != nil {
		return "", err
	}
	return query + "\x00" + string(b), nil
}

// copyResult copies a cached result so that a step changing it does not
// change the cache.
func copyResult(v any) any {
	switch x := v.(type) {
	case map[string]any:
		return maps.Clone(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = copyResult(e)
		}
		return out
	}
	return v
}
