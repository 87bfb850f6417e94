package schemagen

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// TestGenerate_declares_every_kind_of_option compares the schema of a
// config using every feature with testdata/example.json
// (UPDATE_GOLDEN=1 rewrites it).
func TestGenerate_declares_every_kind_of_option(t *testing.T) {
	got, err := Generate(exampleFactory{cfg: newExampleConfig})
	require.NoError(t, err)
	golden := filepath.Join("testdata", "example.json")
	if os.Getenv("UPDATE_GOLDEN") == "1" {
		require.NoError(t, os.WriteFile(golden, got, 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got))
}

// TestGenerate_schema_checks_what_the_tags_declare validates instances with
// the generated schema, as the engine's loader does.
func TestGenerate_schema_checks_what_the_tags_declare(t *testing.T) {
	data, err := Generate(exampleFactory{cfg: newExampleConfig})
	require.NoError(t, err)
	schema, err := jsonschema.CompileString("example.json", string(data))
	require.NoError(t, err)
	tests := []struct {
		name, options, problem string
	}{
		{"minimal", "name: abc\ndsn: x", ""},
		{"everything", "name: abc\ntoken: t\nmode: fast\nsize: 5\nevery: 1h30m\nid: msg.id\nbody: {a: msg.b}\nstatuses: [0, 6]\nparams: {a_b: 1, c: x}\nlimits: {x: {rate: 0.5}}\ngroup: {lines: l}\nsize2: 1KiB\npath: p", ""},
		{"missing required", "dsn: x", "missing properties: 'name'"},
		{"pattern", "name: ABC\ndsn: x", "does not match pattern"},
		{"unknown key", "name: abc\ndsn: x\nnmae: x", "additionalProperties 'nmae' not allowed"},
		{"unknown nested key", "name: abc\ndsn: x\ngroup: {line: l}", "additionalProperties 'line' not allowed"},
		{"enum", "name: abc\ndsn: x\nmode: slow", "value must be one of"},
		{"maximum", "name: abc\ndsn: x\nsize: 101", "must be <= 100"},
		{"duration", "name: abc\ndsn: x\nevery: soon", "does not match pattern"},
		{"element constraint", "name: abc\ndsn: x\nstatuses: [7]", "must be <= 6"},
		{"list constraint", "name: abc\ndsn: x\nstatuses: []", "minimum 1 items required"},
		{"map keys", "name: abc\ndsn: x\nparams: {A: 1}", "does not match pattern"},
		{"map values", "name: abc\ndsn: x\nparams: {a: true}", "expected string or number"},
		{"map of objects", "name: abc\ndsn: x\nlimits: {x: {}}", "missing properties: 'rate'"},
		{"exclusive minimum", "name: abc\ndsn: x\nlimits: {x: {rate: 0}}", "must be > 0"},
		{"extension", "name: abc", "missing properties: 'dsn'"},
		{"template type", "name: abc\ndsn: x\nbody: [1]", "expected object"},
		{"own schema", "name: abc\ndsn: x\nsize2: true", "expected integer or string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var v any
			require.NoError(t, yaml.Unmarshal([]byte(tt.options), &v))
			raw, err := json.Marshal(v)
			require.NoError(t, err)
			var inst any
			require.NoError(t, json.Unmarshal(raw, &inst))
			err = schema.Validate(inst)
			if tt.problem == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.problem)
		})
	}
}

// TestGenerate_refuses_an_undeclared_option: every option is documented
// and every tag option known, else generation fails naming the option.
func TestGenerate_refuses_an_undeclared_option(t *testing.T) {
	tests := []struct {
		name    string
		cfg     func() any
		problem string
	}{
		{"no doc comment", func() any { return &undocumentedConfig{} }, "test.example.bare (undocumentedConfig.Bare) has no doc comment"},
		{"unknown tag option", func() any { return &badTagConfig{} }, `test.example.size: schema tag: unknown option "minimun=1"`},
		{"not a struct", func() any { return new(string) }, "want a pointer to a struct"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Generate(exampleFactory{cfg: tt.cfg})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.problem)
		})
	}
}

func TestDescribe_drops_the_go_name_and_verb(t *testing.T) {
	tests := []struct{ name, doc, want string }{
		{"BatchSize", "BatchSize is how many messages\nare published together.\n", "How many messages are published together."},
		{"Key", "Key are the columns.", "The columns."},
		{"Path", "File to read, relative to the\npipeline directory.", "File to read, relative to the pipeline directory."},
		{"Header", "Header carrying the token.", "Header carrying the token."},
		{"Every", "Every is\n", "Every is"},
		{"Mode", "Mode is one of:\n\nfast or safe.", "One of:\n\nfast or safe."},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, describe(tt.name, tt.doc), tt.doc)
	}
	assert.Equal(t, "The options.", describeType("C", "C is the options."))
	assert.Equal(t, "What users read.\n\nMore.", describeType("C", "C configures x.\n\nWhat users read.\n\nMore."))
	assert.True(t, strings.HasPrefix(describeType("C", "C configures x."), "C configures"))
}
