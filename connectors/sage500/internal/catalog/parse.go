package catalog

import (
	_ "embed"
	"fmt"
	"regexp"
	"strings"
)

//go:embed tables.txt
var tablesText string

var (
	tableLine  = regexp.MustCompile(`^table (\w+) \(([\w, ]*)\)$`)
	indexLine  = regexp.MustCompile(`^(unique|index) (\w+) \(([\w, ]+)\)$`)
	columnLine = regexp.MustCompile(`^(\w+) ((?:varchar|decimal)\([\d,]+\)|\w+)((?: NN)?)((?: identity)?)(?: = (\S+))?$`)
)

// mustParse reads tables.txt; a mistake in it is a programming error.
func mustParse(text string) []*Table {
	ts, err := parseTables(text)
	if err != nil {
		panic("catalog: tables.txt: " + err.Error())
	}
	return ts
}

func parseTables(text string) ([]*Table, error) {
	var out []*Table
	var cur *Table
	for n, raw := range strings.Split(text, "\n") {
		line := strings.TrimSpace(raw)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if m := tableLine.FindStringSubmatch(line); m != nil {
			cur = NewTable(m[1], splitList(m[2]))
			out = append(out, cur)
			continue
		}
		if cur == nil {
			return nil, fmt.Errorf("line %d: %q before the first table", n+1, line)
		}
		if err := cur.parseLine(line); err != nil {
			return nil, fmt.Errorf("line %d: %w", n+1, err)
		}
	}
	return out, nil
}

func (t *Table) parseLine(line string) error {
	if line == "audit" {
		for _, c := range auditColumns {
			t.add(c)
		}
		return nil
	}
	if m := indexLine.FindStringSubmatch(line); m != nil {
		t.Indexes = append(t.Indexes, Index{Name: m[2], Columns: splitList(m[3]), Unique: m[1] == "unique"})
		return nil
	}
	m := columnLine.FindStringSubmatch(line)
	if m == nil {
		return fmt.Errorf("cannot read %q", line)
	}
	typ, err := ParseType(m[2])
	if err != nil {
		return err
	}
	t.add(Column{Name: m[1], Type: typ, NotNull: m[3] != "", Identity: m[4] != "", Default: m[5]})
	return nil
}

// auditColumns are the audit columns most Sage rows carry (README §0).
var auditColumns = []Column{
	{Name: "CreateDate", Type: Type{Kind: KindDateTime}, Default: "now"},
	{Name: "CreateType", Type: Type{Kind: KindSmallInt}, NotNull: true, Default: "2"},
	{Name: "CreateUserID", Type: Type{Kind: KindVarChar, Length: 30}, Default: "user"},
	{Name: "UpdateDate", Type: Type{Kind: KindDateTime}, Default: "now"},
	{Name: "UpdateUserID", Type: Type{Kind: KindVarChar, Length: 30}, Default: "user"},
	{Name: "UpdateCounter", Type: Type{Kind: KindInt}, NotNull: true, Default: "0"},
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}
