package dialect

import (
	"context"
	"fmt"
	"time"

	"github.com/pipewright/pipewright/connectors/sage500/internal/catalog"
	"github.com/pipewright/pipewright/engine/component"
)

// InsertColumns returns the indexes of the columns of table an insert of
// rows writes: those given in a row or with a default, never an identity
// column.
func InsertColumns(table *catalog.Table, rows []map[string]any) []int {
	var cols []int
	for i, col := range table.Columns {
		if col.Identity {
			continue
		}
		include := col.Default != ""
		for _, row := range rows {
			if _, ok := row[col.Name]; ok {
				include = true
				break
			}
		}
		if include {
			cols = append(cols, i)
		}
	}
	return cols
}

// InsertArgs returns the arguments of an insert of rows into the columns
// cols of table, row after row: a given value coerced to its column's type
// (a bad value is a permanent error naming the column), a missing one the
// column's default in env; times are written in loc. A row value that
// names no column of cols is an error.
func InsertArgs(d Dialect, table *catalog.Table, cols []int, rows []map[string]any, env catalog.Env, loc *time.Location) ([]any, error) {
	args := make([]any, 0, len(cols)*len(rows))
	for _, row := range rows {
		given := 0
		for _, i := range cols {
			col := table.Columns[i]
			v, ok := row[col.Name]
			if ok {
				given++
				cv, err := catalog.Coerce(col, v, loc)
				if err != nil {
					return nil, component.Permanent(err)
				}
				v = cv
			} else {
				v, _ = col.DefaultValue(env)
			}
			if v == nil && col.NotNull {
				return nil, component.Permanentf("%s.%s is required", table.Name, col.Name)
			}
			args = append(args, d.Arg(v))
		}
		if given != len(row) {
			return nil, fmt.Errorf("insert into %s: %d of the values name no column", table.Name, len(row)-given)
		}
	}
	return args, nil
}

// InsertRow writes one row of table through q as InsertArgs makes it, with
// a statement of its own (the connector's sinks cache theirs): for tools
// and seeding.
func InsertRow(ctx context.Context, d Dialect, q Querier, table *catalog.Table, row map[string]any, env catalog.Env, loc *time.Location) error {
	cols := InsertColumns(table, []map[string]any{row})
	args, err := InsertArgs(d, table, cols, []map[string]any{row}, env, loc)
	if err != nil {
		return err
	}
	names := make([]string, len(cols))
	for i, ci := range cols {
		names[i] = table.Columns[ci].Name
	}
	if _, err := q.ExecContext(ctx, Insert(d, table.Name, names), args...); err != nil {
		return fmt.Errorf("inserting into %s: %w", table.Name, d.Classify(err))
	}
	return nil
}
