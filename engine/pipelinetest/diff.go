package pipelinetest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/govalues/decimal"

	"github.com/pipewright/pipewright/engine/component"
)

// Diff compares two message values and describes each difference with its
// path. Numbers compare by value (12.3 equals 12.30; an int equals the same
// decimal). With contains, keys missing from want are ignored.
func Diff(path string, want, got any, contains bool) []string {
	if wn, ok := number(want); ok {
		if gn, ok := number(got); ok && wn.Cmp(gn) == 0 {
			return nil
		}
		return []string{fmt.Sprintf("%s: want %s, got %s", path, render(want), render(got))}
	}
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: want an object, got %s", path, render(got))}
		}
		return diffObjects(path, w, g, contains)
	case []any:
		g, ok := got.([]any)
		if !ok {
			return []string{fmt.Sprintf("%s: want a list, got %s", path, render(got))}
		}
		if len(w) != len(g) {
			return []string{fmt.Sprintf("%s: want %d elements, got %d: %s", path, len(w), len(g), render(got))}
		}
		var out []string
		for i := range w {
			out = append(out, Diff(fmt.Sprintf("%s[%d]", path, i), w[i], g[i], contains)...)
		}
		return out
	}
	if render(want) != render(got) {
		return []string{fmt.Sprintf("%s: want %s, got %s", path, render(want), render(got))}
	}
	return nil
}

func diffObjects(path string, w, g map[string]any, contains bool) []string {
	keys := map[string]bool{}
	for k := range w {
		keys[k] = true
	}
	if !contains {
		for k := range g {
			keys[k] = true
		}
	}
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	var out []string
	for _, k := range sorted {
		p := path + "." + k
		wv, inW := w[k]
		gv, inG := g[k]
		switch {
		case !inG:
			out = append(out, fmt.Sprintf("%s: missing, want %s", p, render(wv)))
		case !inW:
			out = append(out, fmt.Sprintf("%s: unexpected, got %s", p, render(gv)))
		default:
			out = append(out, Diff(p, wv, gv, contains)...)
		}
	}
	return out
}

// number converts a numeric value to a decimal for comparison.
func number(v any) (decimal.Decimal, bool) {
	switch n := v.(type) {
	case int64:
		d, err := decimal.New(n, 0)
		return d, err == nil
	case int:
		d, err := decimal.New(int64(n), 0)
		return d, err == nil
	case decimal.Decimal:
		return n, true
	case float64:
		d, err := decimal.NewFromFloat64(n)
		return d, err == nil
	}
	return decimal.Decimal{}, false
}

// render shows a value as compact JSON, shortened when long.
func render(v any) string {
	b, err := component.EncodeJSON(v)
	if err != nil {
		return fmt.Sprintf("%v", v)
	}
	if len(b) > 120 {
		return string(b[:117]) + "..."
	}
	return string(b)
}

func indentJSON(b []byte) []byte {
	var out bytes.Buffer
	if json.Indent(&out, b, "", "  ") != nil {
		return b
	}
	return out.Bytes()
}
