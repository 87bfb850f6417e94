// Package jsonptr resolves JSON pointers (RFC 6901) in the message value
// model (see component.Message): the SP-API lookup's result and the HTTP
// poller's items and cursor.
package jsonptr

import (
	"strconv"
	"strings"
)

// Pointer is a parsed JSON pointer: its unescaped reference tokens.
type Pointer []string

// Parse splits a JSON pointer into its unescaped reference tokens; ""
// (the whole document) gives nil.
func Parse(ptr string) Pointer {
	if ptr == "" {
		return nil
	}
	tokens := strings.Split(strings.TrimPrefix(ptr, "/"), "/")
	for i, t := range tokens {
		tokens[i] = strings.ReplaceAll(strings.ReplaceAll(t, "~1", "/"), "~0", "~")
	}
	return tokens
}

// Resolve returns the part of a JSON value (see component.Message) p
// points at, or nil when there is none.
func (p Pointer) Resolve(v any) any {
	for _, t := range p {
		switch x := v.(type) {
		case map[string]any:
			v = x[t]
		case []any:
			i, err := strconv.Atoi(t)
			if err != nil || i < 0 || i >= len(x) || strconv.Itoa(i) != t {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}
