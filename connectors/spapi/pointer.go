package spapi

import (
	"strconv"
	"strings"
)

// pointerTokens splits a JSON pointer (RFC 6901) into its unescaped
// reference tokens; "" (the whole document) gives nil.
func pointerTokens(ptr string) []string {
	if ptr == "" {
		return nil
	}
	tokens := strings.Split(strings.TrimPrefix(ptr, "/"), "/")
	for i, t := range tokens {
		tokens[i] = strings.ReplaceAll(strings.ReplaceAll(t, "~1", "/"), "~0", "~")
	}
	return tokens
}

// resolvePointer returns the part of a JSON value (see component.Message)
// the tokens point at, or nil when there is none.
func resolvePointer(v any, tokens []string) any {
	for _, t := range tokens {
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
