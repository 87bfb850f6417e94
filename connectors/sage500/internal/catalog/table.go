package catalog

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Column is one column of a table.
type Column struct {
	// Table is the name of the table the column belongs to.
	Table string
	Name  string
	Type  Type
	// NotNull is true for NOT NULL columns.
	NotNull bool
	// Identity marks a column the database numbers itself (never written).
	Identity bool
	// Default is the value written into a NOT NULL column that got none, as
	// written in tables.txt: a number, a 'quoted string', now, user or
	// company; "" for none.
	Default string
}

// Index is a (possibly unique) index of a table.
type Index struct {
	Name    string
	Columns []string
	Unique  bool
}

// Table is a table with its primary key, columns and indexes.
type Table struct {
	Name    string
	Key     []string
	Columns []Column
	Indexes []Index
	pos     map[string]int
}

// NewTable returns a table with the given primary key and columns, which
// take the table's name.
func NewTable(name string, key []string, cols ...Column) *Table {
	t := &Table{Name: name, Key: key, pos: map[string]int{}}
	for _, c := range cols {
		t.add(c)
	}
	return t
}

func (t *Table) add(c Column) {
	c.Table = t.Name
	t.pos[strings.ToLower(c.Name)] = len(t.Columns)
	t.Columns = append(t.Columns, c)
}

// Column returns the named column (matched case-insensitively, as SQL Server
// does).
func (t *Table) Column(name string) (Column, bool) {
	i, ok := t.pos[strings.ToLower(name)]
	if !ok {
		return Column{}, false
	}
	return t.Columns[i], true
}

// Env is what the default words of tables.txt stand for.
type Env struct {
	Now     time.Time
	User    string
	Company string
}

// DefaultValue returns the value of c's default in env, or false when c has
// none.
func (c Column) DefaultValue(env Env) (any, bool) {
	switch d := c.Default; {
	case d == "":
		return nil, false
	case d == "now":
		return env.Now, true
	case d == "user":
		return env.User, true
	case d == "company":
		return env.Company, true
	case strings.HasPrefix(d, "'"):
		return strings.Trim(d, "'"), true
	default:
		if n, err := strconv.ParseInt(d, 10, 64); err == nil {
			return n, true
		}
		panic(fmt.Sprintf("catalog: bad default %q of %s.%s", d, c.Table, c.Name))
	}
}

// tables parses tables.txt on first use: a run that uses no Sage table
// does not pay for it.
var tables = sync.OnceValue(func() []*Table { return mustParse(tablesText) })

// Lookup returns the named Sage table, or nil when the catalogue does not
// describe it.
func Lookup(name string) *Table {
	for _, t := range tables() {
		if t.Name == name {
			return t
		}
	}
	return nil
}

// MustLookup is Lookup for tables the connector's own code names.
func MustLookup(name string) *Table {
	t := Lookup(name)
	if t == nil {
		panic("catalog: no table " + name)
	}
	return t
}

// Tables returns every table of the catalogue in the order of tables.txt.
func Tables() []*Table { return append([]*Table(nil), tables()...) }
