package dialect

import (
	"fmt"
	"strings"

	"github.com/pipewright/pipewright/connectors/sage500/internal/catalog"
)

// ddl is what a dialect contributes to the DDL built here.
type ddl interface {
	Dialect
	// columnDef defines column c of table t.
	columnDef(t *catalog.Table, c catalog.Column) string
	// primaryKey is t's key clause, or "" when a column definition holds it.
	primaryKey(t *catalog.Table) string
	// indexFilter ends a CREATE INDEX statement ("" for none).
	indexFilter(t *catalog.Table, ix catalog.Index) string
	// addColumn is the ALTER TABLE action adding a column.
	addColumn() string
}

func createTable(d ddl, t *catalog.Table) []string {
	defs := make([]string, 0, len(t.Columns)+1)
	for _, c := range t.Columns {
		defs = append(defs, "  "+d.columnDef(t, c))
	}
	if pk := d.primaryKey(t); pk != "" {
		defs = append(defs, "  "+pk)
	}
	stmts := []string{"CREATE TABLE " + d.Quote(t.Name) + " (\n" + strings.Join(defs, ",\n") + "\n)"}
	for _, ix := range t.Indexes {
		stmts = append(stmts, createIndex(d, t, ix))
	}
	return stmts
}

func createIndex(d ddl, t *catalog.Table, ix catalog.Index) string {
	kind := "INDEX"
	if ix.Unique {
		kind = "UNIQUE INDEX"
	}
	return "CREATE " + kind + " " + d.Quote(ix.Name) + " ON " + d.Quote(t.Name) + " (" + QuoteAll(d, ix.Columns) + ")" + d.indexFilter(t, ix)
}

func addColumn(d ddl, table string, c catalog.Column) string {
	c.NotNull = false
	return "ALTER TABLE " + d.Quote(table) + " " + d.addColumn() + " " + d.columnDef(catalog.NewTable(table, nil), c)
}

// soleIdentity reports whether c is t's whole key and numbered by the
// database.
func soleIdentity(t *catalog.Table, c catalog.Column) bool {
	return c.Identity && len(t.Key) == 1 && t.Key[0] == c.Name
}

func (d *sqlite) CreateTable(t *catalog.Table) []string { return createTable(d, t) }
func (d *sqlite) CreateIndex(t *catalog.Table, ix catalog.Index) string {
	return createIndex(d, t, ix)
}
func (d *sqlite) AddColumn(table string, c catalog.Column) string { return addColumn(d, table, c) }
func (*sqlite) addColumn() string                                 { return "ADD COLUMN" }
func (*sqlite) indexFilter(*catalog.Table, catalog.Index) string  { return "" }

// columnDef adds CHECK constraints so that the demo database refuses what
// SQL Server would: overlong strings and decimals too large for their
// column. (Integer ranges are left to the connector's own checks: SQLite
// compiles every CHECK into each INSERT, and Sage's tables have many int
// columns.)
func (d *sqlite) columnDef(t *catalog.Table, c catalog.Column) string {
	q := d.Quote(c.Name)
	if soleIdentity(t, c) {
		return q + " INTEGER PRIMARY KEY"
	}
	def := q + " " + c.Type.String()
	if c.NotNull {
		def += " NOT NULL"
	}
	switch c.Type.Kind {
	case catalog.KindVarChar:
		def += fmt.Sprintf(" CHECK (length(%s) <= %d)", q, c.Type.Length)
	case catalog.KindDecimal:
		def += fmt.Sprintf(" CHECK (abs(%s) < 1%s)", q, strings.Repeat("0", c.Type.Precision-c.Type.Scale))
	}
	return def
}

func (d *sqlite) primaryKey(t *catalog.Table) string {
	if len(t.Key) == 0 {
		return ""
	}
	if c, _ := t.Column(t.Key[0]); soleIdentity(t, c) {
		return ""
	}
	return "PRIMARY KEY (" + QuoteAll(d, t.Key) + ")"
}

func (d *mssql) CreateTable(t *catalog.Table) []string { return createTable(d, t) }
func (d *mssql) CreateIndex(t *catalog.Table, ix catalog.Index) string {
	return createIndex(d, t, ix)
}
func (d *mssql) AddColumn(table string, c catalog.Column) string { return addColumn(d, table, c) }
func (*mssql) addColumn() string                                 { return "ADD" }

func (d *mssql) columnDef(_ *catalog.Table, c catalog.Column) string {
	def := d.Quote(c.Name) + " " + c.Type.String()
	if c.Identity {
		def += " IDENTITY(1,1)"
	}
	if c.NotNull {
		return def + " NOT NULL"
	}
	return def + " NULL"
}

func (d *mssql) primaryKey(t *catalog.Table) string {
	if len(t.Key) == 0 {
		return ""
	}
	return "CONSTRAINT " + d.Quote("PK_"+t.Name) + " PRIMARY KEY (" + QuoteAll(d, t.Key) + ")"
}

// indexFilter lets a unique index over nullable columns hold many NULLs, as
// SQLite's does: custom fields are unique only where they have a value.
func (d *mssql) indexFilter(t *catalog.Table, ix catalog.Index) string {
	if !ix.Unique {
		return ""
	}
	var conds []string
	for _, name := range ix.Columns {
		if c, ok := t.Column(name); ok && !c.NotNull {
			conds = append(conds, d.Quote(name)+" IS NOT NULL")
		}
	}
	if len(conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(conds, " AND ")
}
