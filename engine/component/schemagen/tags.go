package schemagen

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/pipewright/pipewright/engine/component"
)

// constraints are what a field's tags add to its schema.
type constraints struct {
	required bool
	// own apply to the field's value: a list's minItems, a map's
	// propertyNames, every keyword of a scalar.
	own map[string]any
	// elem apply to a list's or a map's elements.
	elem map[string]any
}

// containerKeywords constrain a list itself rather than its elements.
var containerKeywords = map[string]bool{"minItems": true, "maxItems": true, "uniqueItems": true}

// numberKeywords take a number.
var numberKeywords = map[string]bool{
	"minimum": true, "maximum": true, "exclusiveMinimum": true, "exclusiveMaximum": true,
	"minLength": true, "maxLength": true, "minItems": true, "maxItems": true,
}

// parseTags reads a field's schema, pattern and keys tags. container is
// true for a list or a map field.
func parseTags(tag reflect.StructTag, container bool) (constraints, error) {
	c := constraints{own: map[string]any{}, elem: map[string]any{}}
	target := func(keyword string) map[string]any {
		if container && !containerKeywords[keyword] {
			return c.elem
		}
		return c.own
	}
	if p, ok := tag.Lookup("pattern"); ok {
		target("pattern")["pattern"] = p
	}
	if p, ok := tag.Lookup("keys"); ok {
		c.own["propertyNames"] = map[string]any{"pattern": p}
	}
	spec, ok := tag.Lookup("schema")
	if !ok || spec == "" {
		return c, nil
	}
	for _, opt := range strings.Split(spec, ",") {
		key, value, hasValue := strings.Cut(opt, "=")
		switch {
		case key == "required" && !hasValue:
			c.required = true
		case key == "secret" && !hasValue:
			target(key)[component.SecretKeyword] = true
		case key == "secret" && value == "dsn":
			target(key)[component.SecretKeyword] = "dsn"
		case key == "uniqueItems" && !hasValue:
			c.own[key] = true
		case key == "enum" && hasValue:
			target(key)[key] = splitValues(value)
		case key == "type" && hasValue:
			types := strings.Split(value, "|")
			if len(types) == 1 {
				target(key)[key] = types[0]
			} else {
				target(key)[key] = types
			}
		case key == "const" && hasValue:
			target(key)[key] = literal(value)
		case numberKeywords[key] && hasValue:
			n, err := strconv.ParseFloat(value, 64)
			if err != nil {
				return c, fmt.Errorf("schema tag %s: %q is not a number", key, value)
			}
			target(key)[key] = number(n)
		default:
			return c, fmt.Errorf("schema tag: unknown option %q", opt)
		}
	}
	return c, nil
}

// splitValues splits an enum's values; typedEnum converts them for a
// number or boolean field.
func splitValues(s string) []any {
	var out []any
	for _, v := range strings.Split(s, "|") {
		out = append(out, v)
	}
	return out
}

// typedEnum makes the values of an enum of a non-string field literals.
func typedEnum(s map[string]any) {
	values, ok := s["enum"].([]any)
	if !ok || s["type"] == "string" {
		return
	}
	for i, v := range values {
		if str, ok := v.(string); ok {
			values[i] = literal(str)
		}
	}
}

// literal is a tag value as JSON: a number, a boolean, or a string.
func literal(s string) any {
	if n, err := strconv.ParseFloat(s, 64); err == nil {
		return number(n)
	}
	if b, err := strconv.ParseBool(s); err == nil && (s == "true" || s == "false") {
		return b
	}
	return s
}

// number keeps whole numbers integers in the JSON output.
func number(n float64) any {
	if n == float64(int64(n)) {
		return int64(n)
	}
	return n
}
