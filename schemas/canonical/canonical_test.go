package canonical_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	draft  = "https://json-schema.org/draft/2020-12/schema"
	baseID = "https://pipewright.dev/schemas/canonical/"
)

// schemaFile is one schema of this directory, decoded.
type schemaFile struct {
	name string         // file name without ".json", e.g. "sales-order.v1"
	doc  map[string]any // the schema, numbers as json.Number
}

func (s schemaFile) id() string { return baseID + s.name + ".json" }

// loadSchemas reads every schema file here and returns them with a compiler
// that knows them all under their $id (so cross-file $refs resolve offline)
// and asserts formats such as date-time, as the engine's validate step must.
func loadSchemas(t testing.TB) ([]schemaFile, *jsonschema.Compiler) {
	t.Helper()
	paths, err := filepath.Glob("*.v[0-9]*.json")
	require.NoError(t, err)
	require.NotEmpty(t, paths)
	compiler := jsonschema.NewCompiler()
	compiler.Draft = jsonschema.Draft2020
	compiler.AssertFormat = true
	var files []schemaFile
	for _, p := range paths {
		data, err := os.ReadFile(p)
		require.NoError(t, err)
		doc, ok := decode(t, p, data).(map[string]any)
		require.True(t, ok, "%s: not a JSON object", p)
		f := schemaFile{name: strings.TrimSuffix(p, ".json"), doc: doc}
		require.NoError(t, compiler.AddResource(f.id(), bytes.NewReader(data)))
		files = append(files, f)
	}
	return files, compiler
}

// decode parses JSON keeping numbers exact, as the engine does.
func decode(t testing.TB, name string, data []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	require.NoError(t, dec.Decode(&v), "decoding %s", name)
	return v
}

// walkSchemas calls fn for every schema object in node, with its JSON
// pointer. Keyword values that hold instances rather than schemas are skipped.
func walkSchemas(node any, ptr string, fn func(ptr string, schema map[string]any)) {
	switch n := node.(type) {
	case map[string]any:
		fn(ptr, n)
		for k, v := range n {
			switch k {
			case "examples", "const", "enum", "default":
				continue
			}
			walkSchemas(v, ptr+"/"+escape(k), fn)
		}
	case []any:
		for i, v := range n {
			walkSchemas(v, fmt.Sprintf("%s/%d", ptr, i), fn)
		}
	}
}

func escape(key string) string { return strings.NewReplacer("~", "~0", "/", "~1").Replace(key) }

func TestSchemas_compile_under_ids_matching_their_file_names(t *testing.T) {
	files, compiler := loadSchemas(t)
	for _, f := range files {
		t.Run(f.name, func(t *testing.T) {
			assert.Equal(t, draft, f.doc["$schema"])
			assert.Equal(t, f.id(), f.doc["$id"])
			_, err := compiler.Compile(f.id())
			require.NoError(t, err)
		})
	}
}

func TestSchemas_accept_every_example(t *testing.T) {
	files, compiler := loadSchemas(t)
	for _, f := range files {
		t.Run(f.name, func(t *testing.T) {
			if _, document := f.doc["type"]; document {
				require.NotEmpty(t, f.doc["examples"], "a document schema needs a complete example")
			}
			walkSchemas(f.doc, "", func(ptr string, schema map[string]any) {
				examples, ok := schema["examples"].([]any)
				if !ok {
					return
				}
				compiled, err := compiler.Compile(f.id() + "#" + ptr)
				require.NoError(t, err)
				for i, example := range examples {
					assert.NoError(t, compiled.Validate(example), "%s#%s/examples/%d", f.name, ptr, i)
				}
			})
		})
	}
}

func TestSchemas_describe_every_property_and_close_every_object(t *testing.T) {
	files, _ := loadSchemas(t)
	for _, f := range files {
		t.Run(f.name, func(t *testing.T) {
			walkSchemas(f.doc, "", func(ptr string, schema map[string]any) {
				if props, ok := schema["properties"].(map[string]any); ok && schema["type"] == "object" {
					assert.Equal(t, false, schema["additionalProperties"], "%s#%s: additionalProperties", f.name, ptr)
					for name, prop := range props {
						assert.NotEmpty(t, prop.(map[string]any)["description"], "%s#%s/properties/%s", f.name, ptr, name)
					}
				}
				if defs, ok := schema["$defs"].(map[string]any); ok {
					for name, def := range defs {
						assert.NotEmpty(t, def.(map[string]any)["description"], "%s#%s/$defs/%s", f.name, ptr, name)
					}
				}
			})
		})
	}
}

// invalidCase is one file of testdata/invalid: an instance that schema
// must reject with an error whose detail contains error.
type invalidCase struct {
	Schema   string          `json:"schema"`
	Error    string          `json:"error"`
	Instance json.RawMessage `json:"instance"`
}

func TestSchemas_reject_invalid_instances(t *testing.T) {
	_, compiler := loadSchemas(t)
	paths, err := filepath.Glob("testdata/invalid/*.json")
	require.NoError(t, err)
	require.NotEmpty(t, paths)
	for _, p := range paths {
		t.Run(strings.TrimSuffix(filepath.Base(p), ".json"), func(t *testing.T) {
			data, err := os.ReadFile(p)
			require.NoError(t, err)
			dec := json.NewDecoder(bytes.NewReader(data))
			dec.DisallowUnknownFields()
			var c invalidCase
			require.NoError(t, dec.Decode(&c))
			require.NotEmpty(t, c.Error)
			compiled, err := compiler.Compile(baseID + c.Schema + ".json")
			require.NoError(t, err)
			err = compiled.Validate(decode(t, p, c.Instance))
			require.Error(t, err)
			assert.Contains(t, fmt.Sprintf("%#v", err), c.Error)
		})
	}
}
