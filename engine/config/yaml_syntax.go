package config

import (
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

var yamlErrorLine = regexp.MustCompile(`^yaml: line (\d+): `)

// yamlSyntaxProblem locates a YAML syntax error. yaml.v3 reports the line
// where the enclosing block began, without a column; the line that breaks
// the file is the first from which every longer prefix of the file fails
// to parse, and the column is where that line's content starts (or, for a
// second "key: value" on one line, its colon).
func yamlSyntaxProblem(path string, data []byte, err error) *Problem {
	msg := yamlErrorLine.ReplaceAllString(err.Error(), "")
	msg = strings.TrimPrefix(msg, "yaml: ")
	lines := strings.SplitAfter(string(data), "\n")
	line := len(lines)
	for line > 1 {
		var n yaml.Node
		if yaml.Unmarshal([]byte(strings.Join(lines[:line-1], "")), &n) == nil {
			break
		}
		line--
	}
	text := strings.TrimRight(lines[line-1], "\r\n")
	col := len(text) - len(strings.TrimLeft(text, " ")) + 1
	switch {
	case strings.Contains(msg, "mapping values are not allowed"):
		if i := strings.Index(text, ": "); i >= 0 {
			if j := strings.Index(text[i+2:], ":"); j >= 0 {
				col = i + 2 + j + 1
			}
		}
		msg += " (quote a value that holds \": \", or check the indentation)"
	case strings.Contains(msg, "did not find expected key"), strings.Contains(msg, "did not find expected '-'"):
		msg += " (check the indentation of this line)"
	case strings.Contains(msg, "did not find expected ',' or"):
		if i := strings.IndexAny(text, "{["); i >= 0 {
			col = i + 1
		}
		msg += " (a { or [ here is not closed)"
	case strings.Contains(msg, "found character that cannot start any token"):
		if i := strings.IndexAny(text, "\t@`"); i >= 0 {
			col = i + 1
		}
	}
	if strings.TrimSpace(text) == "" {
		col = 1
	}
	return &Problem{File: path, Line: line, Column: col, Message: "invalid YAML: " + msg}
}
