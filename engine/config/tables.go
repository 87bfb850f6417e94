package config

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/govalues/decimal"
	"gopkg.in/yaml.v3"

	"github.com/pipewright/pipewright/engine/expr"
)

// TablesDir is the directory of lookup tables inside a pipeline directory.
const TablesDir = "tables"

// loadTables reads every table under dir/tables plus the ones the project
// file names, applying the project's options. It returns the tables that
// loaded and the names of all of them (a table with a problem still has
// its name, so that expressions using it are not blamed too); digest
// fingerprints the rows and options loaded; the files read are added to read.
func loadTables(dir string, opts map[string]TableOptions, pf *yamlFile, read map[string]bool) (_ expr.Tables, _ []string, digest string, _ []Problem) {
	files := map[string]string{}
	entries, _ := os.ReadDir(filepath.Join(dir, TablesDir))
	for _, e := range entries {
		ext := filepath.Ext(e.Name())
		if e.IsDir() || (ext != ".csv" && ext != ".yaml" && ext != ".yml") {
			continue
		}
		files[strings.TrimSuffix(e.Name(), ext)] = filepath.Join(dir, TablesDir, e.Name())
	}
	var problems []Problem
	for name, o := range opts {
		if o.File != "" {
			files[name] = filepath.Join(dir, o.File)
		} else if _, ok := files[name]; !ok {
			problems = append(problems, pf.atKey("/tables/"+escapePointer(name), "table %q has no file: add %s/%s.csv or set file", name, TablesDir, name))
		}
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	tables := expr.Tables{}
	var parts []any
	var valid []string
	for _, name := range names {
		if !tableName.MatchString(name) {
			problems = append(problems, Problem{File: files[name], Message: fmt.Sprintf("table name %q: want lower-case letters, digits and underscores", name)})
			continue
		}
		valid = append(valid, name)
		o := opts[name]
		read[files[name]] = true
		var rows map[string]any
		var ps []Problem
		topts := expr.TableOptions{Default: o.Default, HasDefault: o.HasDefault, CaseInsensitive: o.CaseInsensitive}
		if filepath.Ext(files[name]) == ".csv" {
			rows, ps = readCSVTable(files[name], o)
			topts.TypeHint = fmt.Sprintf("CSV cells are strings unless %s declares the column's type under tables.%s.types", ProjectFile, name)
		} else {
			rows, ps = readYAMLTable(files[name])
			if len(o.Types) > 0 {
				ps = append(ps, pf.atKey("/tables/"+escapePointer(name)+"/types", "types only applies to CSV tables (YAML values have their own types)"))
			}
		}
		problems = append(problems, ps...)
		if len(ps) == 0 {
			tables[name] = expr.NewTable(name, rows, topts)
			parts = append(parts, name, rows, o)
		}
	}
	return tables, valid, fingerprint(parts...), problems
}

func readCSVTable(path string, o TableOptions) (map[string]any, []Problem) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, []Problem{{File: path, Message: err.Error()}}
	}
	defer fh.Close()
	r := csv.NewReader(fh)
	r.Comment = '#'
	r.TrimLeadingSpace = true
	header, err := r.Read()
	if err != nil {
		return nil, []Problem{csvProblem(path, err, "reading the header row")}
	}
	header[0] = strings.TrimPrefix(header[0], "\ufeff")
	keyCol, valCol, problems := tableColumns(path, header, o)
	for col := range o.Types {
		if !slices.Contains(header, col) {
			problems = append(problems, Problem{File: path, Line: 1, Column: 1, Message: fmt.Sprintf("types names column %q, which the table does not have (columns: %s)", col, strings.Join(header, ", "))})
		}
	}
	if len(problems) > 0 {
		return nil, problems
	}
	rows := map[string]any{}
	firstLine := map[string]int{}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			problems = append(problems, csvProblem(path, err, "reading a row"))
			break
		}
		line, _ := r.FieldPos(0)
		key := strings.TrimSpace(rec[keyCol])
		if o.CaseInsensitive {
			key = strings.ToUpper(key)
		}
		if prev, dup := firstLine[key]; dup {
			problems = append(problems, Problem{File: path, Line: line, Column: 1, Message: fmt.Sprintf("key %q repeated (first on line %d)", key, prev)})
			continue
		}
		firstLine[key] = line
		cell := func(i int) any {
			v, err := convertCell(rec[i], o.Types[header[i]])
			if err != nil {
				l, c := r.FieldPos(i)
				problems = append(problems, Problem{File: path, Line: l, Column: c, Message: fmt.Sprintf("column %s: %v", header[i], err)})
			}
			return v
		}
		if valCol >= 0 {
			rows[key] = cell(valCol)
			continue
		}
		row := make(map[string]any, len(header))
		for i, h := range header {
			row[h] = cell(i)
		}
		rows[key] = row
	}
	return rows, problems
}

// convertCell converts a CSV cell to its column's declared type.
func convertCell(s, typ string) (any, error) {
	t := strings.TrimSpace(s)
	switch typ {
	case "int":
		n, err := strconv.ParseInt(t, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("want an int, got %q", s)
		}
		return n, nil
	case "decimal":
		d, err := decimal.Parse(t)
		if err != nil {
			return nil, fmt.Errorf("want a decimal, got %q", s)
		}
		return d, nil
	case "bool":
		switch strings.ToLower(t) {
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
		return nil, fmt.Errorf("want true or false, got %q", s)
	}
	return s, nil
}

// tableColumns finds the key and value columns (-1: the whole row).
func tableColumns(path string, header []string, o TableOptions) (key, val int, problems []Problem) {
	find := func(name string) int {
		for i, h := range header {
			if h == name {
				return i
			}
		}
		problems = append(problems, Problem{File: path, Line: 1, Column: 1, Message: fmt.Sprintf("no column %q (columns: %s)", name, strings.Join(header, ", "))})
		return 0
	}
	key, val = 0, -1
	if o.Key != "" {
		key = find(o.Key)
	}
	switch {
	case o.Value != "":
		val = find(o.Value)
	case len(header) == 2:
		val = 1 - key
	}
	return key, val, problems
}

func csvProblem(path string, err error, doing string) Problem {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return Problem{File: path, Line: pe.Line, Column: pe.Column, Message: pe.Err.Error()}
	}
	return Problem{File: path, Message: fmt.Sprintf("%s: %v", doing, err)}
}

func readYAMLTable(path string) (map[string]any, []Problem) {
	f, p := parseYAMLFile(path)
	if p != nil {
		return nil, []Problem{*p}
	}
	rows := map[string]any{}
	var problems []Problem
	for i := 0; i+1 < len(f.root.Content); i += 2 {
		k, v := f.root.Content[i], f.root.Content[i+1]
		val, err := nodeValue(v)
		if err != nil {
			problems = append(problems, f.atNode(v, "%v", err))
			continue
		}
		rows[k.Value] = val
	}
	return rows, problems
}

// nodeValue converts a YAML node to the message value model (strings stay
// strings; numbers keep their exact text as int64 or decimal).
func nodeValue(n *yaml.Node) (any, error) {
	n = resolveAlias(n)
	switch n.Kind {
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			v, err := nodeValue(n.Content[i+1])
			if err != nil {
				return nil, err
			}
			m[n.Content[i].Value] = v
		}
		return m, nil
	case yaml.SequenceNode:
		l := make([]any, len(n.Content))
		for i, c := range n.Content {
			v, err := nodeValue(c)
			if err != nil {
				return nil, err
			}
			l[i] = v
		}
		return l, nil
	}
	if n.ShortTag() == "!!str" {
		return n.Value, nil
	}
	return literal(n)
}

var tableName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)
