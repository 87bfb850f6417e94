package componenttest

import (
	"encoding/json"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v5"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/pipewright/pipewright/engine/component"
)

// DecodeConfig does for a factory what the engine's loader does for a
// component's options, minus CEL compilation: it checks the YAML against the
// factory's schema, decodes it into a new config and runs Validate. It fails
// the test on any problem and returns the config.
func DecodeConfig(t testing.TB, f component.Factory, options string) any {
	t.Helper()
	cfg, err := TryDecodeConfig(f, options)
	require.NoError(t, err)
	return cfg
}

// TryDecodeConfig is DecodeConfig returning the first problem as an error,
// for tests of invalid options.
func TryDecodeConfig(f component.Factory, options string) (any, error) {
	var node yaml.Node
	if err := yaml.Unmarshal([]byte(options), &node); err != nil {
		return nil, err
	}
	var doc any
	if len(node.Content) > 0 {
		if err := node.Content[0].Decode(&doc); err != nil {
			return nil, err
		}
	}
	if doc == nil {
		doc = map[string]any{}
	}
	schema, err := jsonschema.CompileString(string(f.Type())+".schema.json", string(f.Schema()))
	if err != nil {
		return nil, err
	}
	// Through JSON, so the schema sees only the types JSON has.
	raw, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	var inst any
	if err := json.Unmarshal(raw, &inst); err != nil {
		return nil, err
	}
	if err := schema.Validate(inst); err != nil {
		return nil, err
	}
	cfg := f.NewConfig()
	if len(node.Content) > 0 {
		if err := node.Content[0].Decode(cfg); err != nil {
			return nil, err
		}
	}
	if v, ok := cfg.(component.Validator); ok {
		if err := v.Validate(); err != nil {
			return nil, err
		}
	}
	return cfg, nil
}
