package sage500

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/govalues/decimal"

	"github.com/pipewright/pipewright/connectors/sage500/internal/catalog"
)

// column returns a catalogue column; a missing one is a programming error.
func column(table, name string) catalog.Column {
	c, ok := catalog.MustLookup(table).Column(name)
	if !ok {
		panic("sage500: no column " + table + "." + name)
	}
	return c
}

// fieldReader reads the fields of one object of an input document, checks
// each against the Sage column it is written to, and remembers the first
// problem. finish reports fields nobody asked for.
type fieldReader struct {
	path string
	m    map[string]any
	used map[string]bool
	loc  *time.Location
	err  error
}

func newFieldReader(path string, v any, loc *time.Location) *fieldReader {
	r := &fieldReader{path: path, used: map[string]bool{}, loc: loc}
	switch m := v.(type) {
	case map[string]any:
		r.m = m
	case nil:
		r.m = map[string]any{}
	default:
		r.err = fmt.Errorf("%s: want an object, got %T", path, v)
	}
	return r
}

func (r *fieldReader) failf(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf(r.path+"."+format, args...)
	}
}

// value returns field name checked against col, or nil when absent.
func (r *fieldReader) value(name string, col catalog.Column) any {
	r.used[name] = true
	v, ok := r.m[name]
	if !ok || v == nil || r.err != nil {
		return nil
	}
	cv, err := catalog.Coerce(col, v, r.loc)
	if err != nil {
		r.failf("%s: %v", name, err)
		return nil
	}
	return cv
}

// has reports whether the field is present and not null.
func (r *fieldReader) has(name string) bool { return r.m[name] != nil }

// str returns a string field ("" when absent); required fields must be set.
func (r *fieldReader) str(name string, col catalog.Column, required bool) string {
	s, _ := r.value(name, col).(string)
	if required && s == "" {
		r.failf("%s is required", name)
	}
	return s
}

// dec returns a decimal field, or def when absent.
func (r *fieldReader) dec(name string, col catalog.Column, def decimal.Decimal) decimal.Decimal {
	if d, ok := r.value(name, col).(decimal.Decimal); ok {
		return d
	}
	return def
}

// int returns an integer field, or def when absent.
func (r *fieldReader) int(name string, col catalog.Column, def int64) int64 {
	if n, ok := r.value(name, col).(int64); ok {
		return n
	}
	return def
}

// copyTo checks the named fields against the same-named columns of table
// and copies those present into dst.
func (r *fieldReader) copyTo(dst map[string]any, table string, names ...string) {
	for _, name := range names {
		if v := r.value(name, column(table, name)); v != nil {
			dst[name] = v
		}
	}
}

// custom reads the object's "custom" field as custom fields of fs (nil when
// the connection declares none for the entity).
func (r *fieldReader) custom(fs *fieldSet) (map[string]any, error) {
	r.used["custom"] = true
	if !r.has("custom") {
		return map[string]any{}, nil
	}
	m, ok := r.m["custom"].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s.custom: want an object", r.path)
	}
	return fs.coerce(r.path+".custom", m, r.loc)
}

// keyedCustom reads the object's custom fields and finishes it, then
// returns the fields and the document's key, the custom field keyField,
// which is required (what names the document in the error).
func (r *fieldReader) keyedCustom(fs *fieldSet, keyField, what string) (map[string]any, string, error) {
	custom, err := r.custom(fs)
	if err == nil {
		err = r.finish()
	}
	if err != nil {
		return nil, "", err
	}
	key, _ := custom[keyField].(string)
	if key == "" {
		return nil, "", fmt.Errorf("%s.custom.%s: the %s's key is required", what, keyField, what)
	}
	return custom, key, nil
}

// object returns a nested object's reader.
func (r *fieldReader) object(name string) *fieldReader {
	r.used[name] = true
	sub := newFieldReader(r.path+"."+name, r.m[name], r.loc)
	if r.err != nil {
		sub.err = r.err
	}
	return sub
}

// finish returns the first problem, or names the unknown fields.
func (r *fieldReader) finish() error {
	if r.err != nil {
		return r.err
	}
	var unknown []string
	for k := range r.m {
		if !r.used[k] {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	sort.Strings(unknown)
	known := make([]string, 0, len(r.used))
	for k := range r.used {
		known = append(known, k)
	}
	sort.Strings(known)
	return fmt.Errorf("%s: unknown field(s) %s (known: %s)", r.path, strings.Join(unknown, ", "), strings.Join(known, ", "))
}
