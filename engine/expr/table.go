package expr

import (
	"fmt"
	"sort"
	"strings"
)

// Tables holds the directory's lookup tables by name.
type Tables map[string]*Table

// TableOptions configures a lookup table.
type TableOptions struct {
	// Default is the row a missing key returns when HasDefault is set.
	Default any
	// HasDefault makes a missing key return Default instead of an error.
	HasDefault bool
	// CaseInsensitive matches keys regardless of case (Unicode simple
	// folding via strings.ToLower).
	CaseInsensitive bool
	// TypeHint ends messages about a column's type: how to declare it
	// (e.g. for CSV tables, whose cells are strings unless declared).
	TypeHint string
}

// Table is a lookup table: rows by string key, each row a string or a map of
// column to value (message value model). It is immutable and safe for
// concurrent use.
type Table struct {
	name string
	rows map[string]any
	opts TableOptions
	// What the checker knows (table_shape.go): the rows' shape when they
	// are maps, else the type and distinct values of the scalar rows.
	shape     *Shape
	valueType ValueType
	values    []string
}

// NewTable returns a table. It keeps rows; do not change the map afterwards.
// With CaseInsensitive, keys that differ only in case collapse to the first
// in sorted order.
func NewTable(name string, rows map[string]any, opts TableOptions) *Table {
	if opts.CaseInsensitive {
		keys := make([]string, 0, len(rows))
		for k := range rows {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		folded := make(map[string]any, len(rows))
		for _, k := range keys {
			if _, dup := folded[strings.ToLower(k)]; !dup {
				folded[strings.ToLower(k)] = rows[k]
			}
		}
		rows = folded
	}
	t := &Table{name: name, rows: rows, opts: opts}
	t.analyse()
	return t
}

// Name returns the table's name.
func (t *Table) Name() string { return t.name }

// Len returns the number of rows.
func (t *Table) Len() int { return len(t.rows) }

// Lookup returns the row for key, or the default when the table has one.
// A missing key is an error naming the table and the key.
func (t *Table) Lookup(key string) (any, error) {
	if row, ok := t.find(key); ok {
		return row, nil
	}
	if t.opts.HasDefault {
		return t.opts.Default, nil
	}
	return nil, fmt.Errorf("table %q has no key %q", t.name, key)
}

// Has reports whether the table has a row for key (defaults do not count).
func (t *Table) Has(key string) bool {
	_, ok := t.find(key)
	return ok
}

func (t *Table) find(key string) (any, bool) {
	if t.opts.CaseInsensitive {
		key = strings.ToLower(key)
	}
	row, ok := t.rows[key]
	return row, ok
}
