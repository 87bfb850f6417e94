package componenttest

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/pipewright/pipewright/engine/component"
)

// ValidateHasNoSideEffects checks that a factory's Validate only checks:
// the defaults belong in NewConfig (or where a value is used), not in
// Validate. It validates the config NewConfig returns, and one with every
// optional object present (nil pointers to structs set to what decoding {}
// gives, one such element in each list and map of structs), and compares
// each with an untouched twin, whether or not Validate accepts it.
func ValidateHasNoSideEffects(t *testing.T, f component.Factory) {
	t.Helper()
	for _, filled := range []bool{false, true} {
		cfg, twin := f.NewConfig(), f.NewConfig()
		if filled {
			fill(reflect.ValueOf(cfg))
			fill(reflect.ValueOf(twin))
		}
		v, ok := cfg.(component.Validator)
		if !ok {
			return
		}
		_ = v.Validate()
		require.NotPanics(t, func() { _ = v.Validate() }, "%s %s: Validate twice", f.Kind(), f.Type())
		assert.Equal(t, twin, cfg, "%s %s: Validate changed the config (filled optional objects: %t); set defaults in NewConfig or where the value is used", f.Kind(), f.Type(), filled)
	}
}

// fill makes every optional object of v present, recursively.
func fill(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			if v.Type().Elem().Kind() != reflect.Struct || !v.CanSet() {
				return
			}
			v.Set(emptyDecoded(v.Type().Elem()))
		}
		fill(v.Elem())
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i))
			}
		}
	case reflect.Slice:
		if v.Len() == 0 && v.CanSet() && structLike(v.Type().Elem()) {
			v.Set(reflect.Append(v, emptyDecoded(v.Type().Elem()).Elem()))
		}
		for i := range v.Len() {
			fill(v.Index(i))
		}
	case reflect.Map:
		if v.Type().Key().Kind() != reflect.String || !structLike(v.Type().Elem()) {
			return
		}
		if v.IsNil() && v.CanSet() {
			v.Set(reflect.MakeMap(v.Type()))
		}
		if v.Len() == 0 && !v.IsNil() {
			e := emptyDecoded(v.Type().Elem()).Elem()
			fill(e)
			v.SetMapIndex(reflect.ValueOf("x").Convert(v.Type().Key()), e)
		}
	}
}

// structLike reports whether t is a struct or a pointer to one.
func structLike(t reflect.Type) bool {
	return t.Kind() == reflect.Struct || t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Struct
}

// emptyDecoded returns a pointer to what decoding {} into a new t gives.
func emptyDecoded(t reflect.Type) reflect.Value {
	p := reflect.New(t)
	var empty yaml.Node
	if yaml.Unmarshal([]byte("{}"), &empty) == nil {
		_ = empty.Content[0].Decode(p.Interface())
	}
	return p
}
