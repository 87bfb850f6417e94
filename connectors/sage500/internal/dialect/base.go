package dialect

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/pipewright/pipewright/connectors/sage500/internal/catalog"
)

// base is what both dialects share: quoting and the time zone.
type base struct {
	loc         *time.Location
	open, close string
}

func (b *base) Quote(ident string) string { return b.open + ident + b.close }

// readType parses a declared type, keeping unsupported ones as written.
func readType(s string) catalog.Type {
	if t, err := catalog.ParseType(s); err == nil {
		return t
	}
	return catalog.Type{Other: strings.ToLower(s)}
}

// readIndexes reads rows of (index name, unique flag, column name) ordered
// by index and column position.
func readIndexes(ctx context.Context, d Dialect, q Querier, table any, query string) ([]catalog.Index, error) {
	rows, err := q.QueryContext(ctx, query, table)
	if err != nil {
		return nil, fmt.Errorf("reading the indexes of %v: %w", table, d.Classify(err))
	}
	defer rows.Close()
	var out []catalog.Index
	for rows.Next() {
		var name, col string
		var unique int64
		if err := rows.Scan(&name, &unique, &col); err != nil {
			return nil, err
		}
		if n := len(out); n > 0 && out[n-1].Name == name {
			out[n-1].Columns = append(out[n-1].Columns, col)
			continue
		}
		out = append(out, catalog.Index{Name: name, Unique: unique == 1, Columns: []string{col}})
	}
	return out, rows.Err()
}
