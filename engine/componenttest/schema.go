package componenttest

import (
	"encoding/json"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/component"
)

// SchemaMatchesConfig checks that a factory's schema and its config struct
// are one declaration in two forms: every yaml tag of the struct is a
// schema property and the other way round, at every level (nested structs,
// maps of structs, inline fields), every object rejects unknown keys and
// every property has a description.
func SchemaMatchesConfig(t *testing.T, f component.Factory) {
	t.Helper()
	var schema map[string]any
	require.NoError(t, json.Unmarshal(f.Schema(), &schema))
	compareSchema(t, string(f.Type()), schema, reflect.TypeOf(f.NewConfig()).Elem())
}

// leafTypes are config types the schema describes as one value.
var leafTypes = map[reflect.Type]bool{
	reflect.TypeOf(component.Expr{}): true, reflect.TypeOf(component.Template{}): true, reflect.TypeOf(component.Duration(0)): true,
}

func compareSchema(t *testing.T, path string, schema map[string]any, typ reflect.Type) {
	t.Helper()
	for typ.Kind() == reflect.Pointer {
		typ = typ.Elem()
	}
	if typ.Kind() == reflect.Map && !leafTypes[typ.Elem()] && typ.Elem().Kind() == reflect.Struct {
		values, _ := schema["additionalProperties"].(map[string]any)
		require.NotNil(t, values, "%s: a map of objects", path)
		compareSchema(t, path+".*", values, typ.Elem())
		return
	}
	if typ.Kind() != reflect.Struct || leafTypes[typ] {
		return
	}
	assert.Equal(t, false, schema["additionalProperties"], "%s rejects unknown keys", path)
	props, _ := schema["properties"].(map[string]any)
	tags := []string{}
	var walk func(reflect.Type)
	walk = func(st reflect.Type) {
		for i := 0; i < st.NumField(); i++ {
			fld := st.Field(i)
			tag := strings.Split(fld.Tag.Get("yaml"), ",")
			if len(tag) > 1 && tag[1] == "inline" {
				walk(fld.Type)
				continue
			}
			if !fld.IsExported() || tag[0] == "" {
				continue
			}
			tags = append(tags, tag[0])
			prop, ok := props[tag[0]].(map[string]any)
			if !assert.True(t, ok, "%s.%s is in the schema", path, tag[0]) {
				continue
			}
			assert.NotEmpty(t, prop["description"], "%s.%s has a description", path, tag[0])
			compareSchema(t, path+"."+tag[0], prop, fld.Type)
		}
	}
	walk(typ)
	names := make([]string, 0, len(props))
	for name := range props {
		names = append(names, name)
	}
	sort.Strings(names)
	sort.Strings(tags)
	assert.Equal(t, names, tags, "%s: schema properties and yaml tags", path)
}
