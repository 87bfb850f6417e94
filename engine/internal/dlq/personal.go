package dlq

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/pipewright/pipewright/engine/component"
)

// Markers put in place of personal data.
const (
	// Removed replaces personal data that the retention removed.
	Removed = "[removed]"
	// Masked replaces personal data in output for people who do not need it.
	Masked = "[masked]"
)

// Paths are JSON pointer patterns of personal data ("/recipient",
// "/buyer/buyerEmail", "/lines/*/giftMessage"): "*" stands for every member
// of an object or element of a list.
type Paths [][]string

// ParsePaths parses JSON pointer patterns.
func ParsePaths(patterns []string) (Paths, error) {
	var ps Paths
	for _, p := range patterns {
		if !strings.HasPrefix(p, "/") || p == "/" {
			return nil, fmt.Errorf("personal data path %q: want a JSON pointer such as /recipient or /lines/*/name", p)
		}
		segs := strings.Split(p[1:], "/")
		for i, s := range segs {
			segs[i] = strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
		}
		ps = append(ps, segs)
	}
	return ps, nil
}

// Scrub replaces the personal data of r's bodies (original, input, vars)
// with marker, and the quoted values of its error text too (an expression
// may quote the value it could not use, such as an address line). It
// reports whether anything changed. Reason, ids, key and amounts stay.
func Scrub(r *Record, paths Paths, marker string) bool {
	changed := false
	for _, body := range []*json.RawMessage{&r.Original, &r.Input, &r.Vars} {
		if out, ok := scrubJSON(*body, paths, marker); ok {
			*body, changed = out, true
		}
	}
	if e := doubleQuoted.ReplaceAllString(r.Error, `"`+marker+`"`); e != r.Error {
		r.Error, changed = e, true
	}
	return changed
}

func scrubJSON(raw json.RawMessage, paths Paths, marker string) (json.RawMessage, bool) {
	if len(raw) == 0 || len(paths) == 0 {
		return raw, false
	}
	v, err := component.DecodeJSON(raw)
	if err != nil {
		return raw, false
	}
	changed := false
	for _, p := range paths {
		var ok bool
		v, ok = replaceAt(v, p, marker)
		changed = changed || ok
	}
	if !changed {
		return raw, false
	}
	out, err := component.EncodeJSON(v)
	if err != nil {
		return raw, false
	}
	return out, true
}

// replaceAt replaces the values at path in v with marker (null values stay).
func replaceAt(v any, path []string, marker string) (any, bool) {
	if len(path) == 0 {
		if v == nil || v == marker {
			return v, false
		}
		return marker, true
	}
	head, rest := path[0], path[1:]
	changed := false
	switch x := v.(type) {
	case map[string]any:
		for k, child := range x {
			if head == "*" || head == k {
				nv, ok := replaceAt(child, rest, marker)
				if ok {
					x[k], changed = nv, true
				}
			}
		}
	case []any:
		for i, child := range x {
			if head == "*" || head == strconv.Itoa(i) {
				nv, ok := replaceAt(child, rest, marker)
				if ok {
					x[i], changed = nv, true
				}
			}
		}
	}
	return v, changed
}
