// Package sqltext reads the SQL a consultant writes in configuration: it
// finds the named parameters (@name) a query uses and checks identifiers
// before they are quoted into generated SQL.
package sqltext

import (
	"regexp"
	"strings"
)

var identPattern = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,127}$`)

// ValidIdent reports whether s may name a table, column or parameter: a
// letter or underscore, then letters, digits or underscores, at most 128
// characters. Anything else is refused before it reaches SQL.
func ValidIdent(s string) bool { return identPattern.MatchString(s) }

// Params returns the names (without @) of the named parameters a SQL text
// uses, in order of first appearance and without repeats. String literals,
// quoted identifiers ("x", [x]), comments and T-SQL's @@ variables are
// skipped.
func Params(sql string) []string {
	var names []string
	seen := map[string]bool{}
	walk(sql, func(i int) int {
		if sql[i] != '@' {
			return i
		}
		if strings.HasPrefix(sql[i:], "@@") {
			return identEnd(sql, i+2) - 1
		}
		end := identEnd(sql, i+1)
		if name := sql[i+1 : end]; name != "" && !seen[name] {
			seen[name] = true
			names = append(names, name)
		}
		return end - 1
	})
	return names
}

// Positional reports whether a SQL text uses a ? parameter marker outside
// literals and comments.
func Positional(sql string) bool {
	found := false
	walk(sql, func(i int) int {
		found = found || sql[i] == '?'
		return i
	})
	return found
}

// walk calls code for each byte of sql outside literals, quoted
// identifiers and comments; code returns the index of the last byte it used.
func walk(sql string, code func(i int) int) {
	for i := 0; i < len(sql); i++ {
		switch c := sql[i]; {
		case c == '\'' || c == '"':
			i = skipQuoted(sql, i, c)
		case c == '[':
			i = skipQuoted(sql, i, ']')
		case c == '-' && strings.HasPrefix(sql[i:], "--"):
			i = skipTo(sql, i, "\n")
		case c == '/' && strings.HasPrefix(sql[i:], "/*"):
			i = skipTo(sql, i+2, "*/") + 1
		default:
			i = code(i)
		}
	}
}

// skipQuoted returns the index of the quote closing the literal opened at i;
// a doubled closing quote is an escaped one.
func skipQuoted(s string, i int, closer byte) int {
	for j := i + 1; j < len(s); j++ {
		if s[j] != closer {
			continue
		}
		if j+1 < len(s) && s[j+1] == closer {
			j++
			continue
		}
		return j
	}
	return len(s)
}

func skipTo(s string, i int, end string) int {
	if k := strings.Index(s[i:], end); k >= 0 {
		return i + k + len(end) - 1
	}
	return len(s)
}

func identEnd(s string, i int) int {
	for i < len(s) {
		c := s[i]
		if c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			i++
			continue
		}
		break
	}
	return i
}
