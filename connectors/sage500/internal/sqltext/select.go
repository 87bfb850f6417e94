package sqltext

import (
	"regexp"
	"strings"
	"sync"
)

// SelectColumns returns the names of the columns a query's (first, outer)
// select list gives its rows: aliases (expr AS name, name = expr) and
// plain column references (t.Col gives Col). It reports false when a name
// cannot be known: a * or an expression without an alias.
func SelectColumns(sql string) ([]string, bool) {
	masked := mask(sql)
	p := patterns()
	sel := p.keyword.FindStringIndex(masked)
	if sel == nil || !strings.EqualFold(masked[sel[0]:sel[1]], "select") {
		return nil, false
	}
	end := len(sql)
	if loc := p.fromKeyword.FindStringIndex(masked[sel[1]:]); loc != nil {
		end = sel[1] + loc[0]
	}
	list, listMask := sql[sel[1]:end], masked[sel[1]:end]
	if m := p.selectPrefix.FindStringSubmatchIndex(listMask); m != nil && (m[2] >= 0 || m[4] >= 0) {
		list, listMask = list[m[1]:], listMask[m[1]:]
	}
	var cols []string
	start := 0
	for i := 0; i <= len(listMask); i++ {
		if i < len(listMask) && listMask[i] != ',' {
			continue
		}
		name, ok := itemName(list[start:i], listMask[start:i])
		if !ok {
			return nil, false
		}
		cols = append(cols, name)
		start = i + 1
	}
	return cols, len(cols) > 0
}

// selectPatterns are the patterns SelectColumns uses, compiled when it is
// first called (a run that reads no query does not pay for them).
type selectPatterns struct {
	keyword, fromKeyword, selectPrefix, asAlias, eqAlias, columnRef *regexp.Regexp
}

var patterns = sync.OnceValue(func() *selectPatterns {
	return &selectPatterns{
		keyword:      regexp.MustCompile(`(?i)\bselect\b`),
		fromKeyword:  regexp.MustCompile(`(?i)\b(from|into)\b`),
		selectPrefix: regexp.MustCompile(`(?i)^\s*(distinct\s+|all\s+)?(top\s*(\(\s*[^)]*\)|\d+)\s*(percent\s+)?(with\s+ties\s+)?)?`),
		asAlias:      regexp.MustCompile(`(?i)\s+as\s+?(\S*\s*)$`),
		eqAlias:      regexp.MustCompile(`^\s*([A-Za-z_][A-Za-z0-9_]*|\[[^\]]+\])\s*=[^=]`),
		columnRef:    regexp.MustCompile(`^\s*(?:(?:[A-Za-z_][A-Za-z0-9_]*|\[[^\]]+\])\s*\.\s*)*([A-Za-z_][A-Za-z0-9_]*|\[[^\]]+\])\s*$`),
	}
})

// itemName is the column name one select item gives (its text and masked text).
func itemName(item, masked string) (string, bool) {
	if strings.Contains(masked, "*") {
		return "", false
	}
	if m := patterns().asAlias.FindStringSubmatchIndex(masked); m != nil {
		return unquote(strings.TrimSpace(item[m[2]:])), true
	}
	if m := patterns().eqAlias.FindStringSubmatch(item); m != nil {
		return unquote(m[1]), true
	}
	if m := patterns().columnRef.FindStringSubmatch(item); m != nil {
		return unquote(m[1]), true
	}
	return "", false
}

func unquote(name string) string {
	if len(name) >= 2 && (name[0] == '[' && name[len(name)-1] == ']' || name[0] == '"' && name[len(name)-1] == '"') {
		return name[1 : len(name)-1]
	}
	return name
}

// mask blanks (with NULs, which no pattern here takes for space) what is inside literals, quoted identifiers, comments and
// parentheses, so that keywords and commas found in it are top-level ones.
func mask(sql string) string {
	out := []byte(strings.Repeat("\x00", len(sql)))
	depth := 0
	walk(sql, func(i int) int {
		switch c := sql[i]; {
		case c == '(':
			depth++
		case c == ')':
			depth--
		case depth == 0:
			out[i] = c
		}
		return i
	})
	return string(out)
}
