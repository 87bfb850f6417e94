package config_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/componenttest"
	"github.com/pipewright/pipewright/engine/config"
	"github.com/pipewright/pipewright/engine/registry"
)

func TestPipelineSchema_accepts_interpolations_and_still_checks_literals(t *testing.T) {
	reg, err := registry.New(componenttest.Factories()...)
	require.NoError(t, err)
	data, err := config.PipelineSchema(reg)
	require.NoError(t, err)
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft2020
	require.NoError(t, c.AddResource("pipeline.json", bytes.NewReader(data)))
	sch, err := c.Compile("pipeline.json")
	require.NoError(t, err)
	for _, tc := range []struct {
		name, doc string
		valid     bool
	}{
		{"literal int", `{"batch_size": 10}`, true},
		{"interpolated int", `{"batch_size": "${env:BATCH:-10}"}`, true},
		{"string where an int goes", `{"batch_size": "ten"}`, false},
		{"literal enum", `{"mode": "strict"}`, true},
		{"interpolated enum", `{"mode": "${env:MODE}"}`, true},
		{"value outside the enum", `{"mode": "loud"}`, false},
		{"interpolated duration", `{"watch": "${env:POLL:-5s}"}`, true},
		{"malformed duration", `{"watch": "5 seconds"}`, false},
		{"interpolated bool in a sink", `{"flag": "${file:secrets/flag}"}`, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var opts map[string]any
			require.NoError(t, json.Unmarshal([]byte(tc.doc), &opts))
			source, sink := map[string]any{"path": "in.jsonl"}, map[string]any{}
			for k, v := range opts {
				if k == "mode" || k == "flag" {
					sink[k] = v
				} else {
					source[k] = v
				}
			}
			doc := map[string]any{"pipeline": "p", "source": map[string]any{"test.lines": source}, "sink": map[string]any{"test.nop": sink}}
			raw, _ := json.Marshal(doc)
			var inst any
			d := json.NewDecoder(bytes.NewReader(raw))
			d.UseNumber()
			require.NoError(t, d.Decode(&inst))
			err := sch.Validate(inst)
			if tc.valid {
				assert.NoError(t, err)
			} else {
				assert.Error(t, err)
			}
		})
	}
}
