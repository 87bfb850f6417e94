package schemagen

import (
	"reflect"
	"strings"
	"time"
)

// defaultOf is the "default" of an option of type t holding v: its value
// as written in YAML, unless it is zero or an object (whose properties
// carry their own defaults).
func defaultOf(t reflect.Type, v reflect.Value) (any, bool) {
	if !v.IsValid() || v.IsZero() || t == exprType || t == templateType {
		return nil, false
	}
	base := t
	for base.Kind() == reflect.Pointer {
		base = base.Elem()
	}
	if base.Kind() == reflect.Struct && base != durationType && !base.Implements(schemerType) {
		return nil, false
	}
	return jsonValue(v), true
}

// jsonValue is v as the JSON value its YAML spelling decodes to.
func jsonValue(v reflect.Value) any {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	if v.Type() == durationType {
		return shortDuration(time.Duration(v.Int()))
	}
	switch v.Kind() {
	case reflect.Slice:
		out := make([]any, v.Len())
		for i := range out {
			out[i] = jsonValue(v.Index(i))
		}
		return out
	case reflect.Map:
		out := make(map[string]any, v.Len())
		for it := v.MapRange(); it.Next(); {
			out[it.Key().String()] = jsonValue(it.Value())
		}
		return out
	case reflect.Struct:
		out := map[string]any{}
		for i := range v.NumField() {
			name, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("yaml"), ",")
			if name != "" && name != "-" && v.Type().Field(i).IsExported() && !absent(v.Field(i)) {
				out[name] = jsonValue(v.Field(i))
			}
		}
		return out
	}
	return v.Interface()
}

// absent reports whether a field of a default object is left out: an
// empty string, list, map or object; numbers and booleans are kept (a
// status 0 is a value).
func absent(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return v.Type() == durationType && v.IsZero()
	}
	return v.IsZero()
}

// shortDuration writes a duration the way people do: 30m, not 30m0s.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
