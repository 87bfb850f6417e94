package sage500

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/pipewright/pipewright/connectors/sage500/internal/catalog"
	"github.com/pipewright/pipewright/connectors/sage500/internal/dialect"
	"github.com/pipewright/pipewright/engine/component"
)

// FieldsDiff is the difference between the custom fields a connection
// declares and its database's extension tables.
type FieldsDiff struct {
	// Changes are what ApplyFields does, in order: create missing tables,
	// add missing columns, create missing unique indexes.
	Changes []FieldChange
	// Conflicts are differences ApplyFields leaves alone because fixing
	// them would drop, narrow or retype a column.
	Conflicts []FieldConflict
	// Extra lists database columns of extension tables that the config does
	// not declare; they are kept.
	Extra []string
}

// FieldChange is one DDL statement ApplyFields runs.
type FieldChange struct {
	Entity string
	Table  string
	// Action is "create table", "add column" or "create unique index".
	Action string
	// Column is the column or index the change is about ("" for a table).
	Column string
	SQL    string
}

// FieldConflict is a column whose database definition does not hold what
// the config declares.
type FieldConflict struct {
	Entity, Table, Column string
	Message               string
}

// UpToDate reports whether the database holds every declared field.
func (d *FieldsDiff) UpToDate() bool { return len(d.Changes) == 0 && len(d.Conflicts) == 0 }

// String lists the changes ("+", each with its SQL), conflicts ("!") and
// extra columns ("=").
func (d *FieldsDiff) String() string {
	var b strings.Builder
	for _, c := range d.Changes {
		fmt.Fprintf(&b, "+ %s: %s %s\n    %s\n", c.Table, c.Action, c.Column, strings.ReplaceAll(c.SQL, "\n", "\n    "))
	}
	for _, c := range d.Conflicts {
		fmt.Fprintf(&b, "! %s.%s: %s\n", c.Table, c.Column, c.Message)
	}
	for _, e := range d.Extra {
		fmt.Fprintf(&b, "= %s: not declared, kept\n", e)
	}
	if d.UpToDate() {
		b.WriteString("custom fields are up to date\n")
	}
	return b.String()
}

// DiffFields compares the declared custom fields with the database.
func (c *Connection) DiffFields(ctx context.Context) (*FieldsDiff, error) {
	diff := &FieldsDiff{}
	for _, e := range entities {
		fs, ok := c.fields[e.Name]
		if !ok {
			continue
		}
		if err := diffEntity(ctx, c.dialect, c.db, fs, diff); err != nil {
			return nil, err
		}
	}
	return diff, nil
}

// ApplyFields creates the missing extension tables, columns and unique
// indexes. It never drops, narrows or retypes anything, so running it again
// changes nothing. It returns what it found before applying.
func (c *Connection) ApplyFields(ctx context.Context) (*FieldsDiff, error) {
	diff, err := c.DiffFields(ctx)
	if err != nil {
		return nil, err
	}
	for _, ch := range diff.Changes {
		if _, err := c.db.ExecContext(ctx, ch.SQL); err != nil {
			return diff, fmt.Errorf("%s %s %s: %w", ch.Action, ch.Table, ch.Column, c.dialect.Classify(err))
		}
	}
	return diff, nil
}

func diffEntity(ctx context.Context, d dialect.Dialect, q dialect.Querier, fs *fieldSet, diff *FieldsDiff) error {
	want := fs.table
	have, err := d.Columns(ctx, q, want.Name)
	if err != nil {
		return err
	}
	change := func(action, column, sql string) {
		diff.Changes = append(diff.Changes, FieldChange{Entity: fs.Name, Table: want.Name, Action: action, Column: column, SQL: sql})
	}
	if have == nil {
		stmts := d.CreateTable(want)
		change("create table", "", stmts[0])
		for i, ix := range want.Indexes {
			change("create unique index", ix.Name, stmts[i+1])
		}
		return nil
	}
	existing := catalog.NewTable(want.Name, nil, have...)
	for _, col := range want.Columns {
		got, ok := existing.Column(col.Name)
		switch {
		case !ok && col.Name == fs.Key:
			diff.Conflicts = append(diff.Conflicts, FieldConflict{fs.Name, want.Name, col.Name, "the table has no key column " + fs.Key + "; it is not an extension table the connector can use"})
		case !ok:
			change("add column", col.Name, d.AddColumn(want.Name, col))
		case col.Name != fs.Key && (!got.Type.Covers(col.Type) || got.NotNull):
			diff.Conflicts = append(diff.Conflicts, FieldConflict{fs.Name, want.Name, col.Name, conflictMessage(got, col)})
		}
	}
	for _, col := range have {
		if _, ok := want.Column(col.Name); !ok {
			diff.Extra = append(diff.Extra, want.Name+"."+col.Name)
		}
	}
	indexes, err := d.Indexes(ctx, q, want.Name)
	if err != nil {
		return err
	}
	for _, ix := range want.Indexes {
		if !hasUniqueIndex(indexes, ix.Columns) {
			change("create unique index", ix.Name, d.CreateIndex(want, ix))
		}
	}
	return nil
}

func conflictMessage(got, want catalog.Column) string {
	if got.NotNull && got.Type.Covers(want.Type) {
		return "is NOT NULL in the database; custom fields must be nullable (change it by hand)"
	}
	return fmt.Sprintf("is %s in the database but declared %s; the connector never narrows or retypes a column (change it by hand or declare what is there)", got.Type, want.Type)
}

func hasUniqueIndex(indexes []catalog.Index, cols []string) bool {
	for _, ix := range indexes {
		if ix.Unique && slices.EqualFunc(ix.Columns, cols, strings.EqualFold) {
			return true
		}
	}
	return false
}

// DiffFields opens the database a connection config names and compares its
// custom fields with it (for `pipewright sage500 fields DIR`).
func DiffFields(ctx context.Context, cfg *ConnectionConfig) (*FieldsDiff, error) {
	return withTool(ctx, cfg, (*Connection).DiffFields)
}

// ApplyFields opens the database a connection config names and applies its
// custom fields (for `pipewright sage500 fields --apply DIR`).
func ApplyFields(ctx context.Context, cfg *ConnectionConfig) (*FieldsDiff, error) {
	return withTool(ctx, cfg, (*Connection).ApplyFields)
}

// withTool runs fn on a connection opened for a command-line tool.
func withTool[T any](ctx context.Context, cfg *ConnectionConfig, fn func(*Connection, context.Context) (T, error)) (T, error) {
	var zero T
	c, err := openConnection(toolSettings(component.WallClock{}), cfg)
	if err != nil {
		return zero, err
	}
	defer c.Shutdown(ctx)
	if err := c.Check(ctx); err != nil {
		return zero, err
	}
	return fn(c, ctx)
}
