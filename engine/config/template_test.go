package config_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/config"
)

func TestMapStep_error_names_where_in_the_output_it_happened(t *testing.T) {
	tests := []struct {
		name, output, want string
	}{
		{"the whole output", `"int(msg.bad)"`, `^client/p.yaml:\d+:\d+: type conversion`},
		{"a top-level key", `{ Qty: "int(msg.bad)" }`, "^Qty: "},
		{"a nested key", `{ ShipTo: { City: msg.city, Zip: "int(msg.bad)" } }`, "^ShipTo.Zip: "},
		{"a list item", `{ Lines: ["msg.city", "int(msg.bad)"] }`, `^Lines\[1\]: `},
		{"a key in a list item", `{ Lines: [{ A: msg.city }, { A: "int(msg.bad)" }] }`, `^Lines\[1\].A: `},
		{"a list at the root", `["msg.city", { A: "int(msg.bad)" }]`, `^\[1\].A: `},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := loadTxtar(t, `
-- client/pipewright.yaml --
project: p
-- client/p.yaml --
pipeline: p
source: { test.lines: { path: in.jsonl } }
steps:
  - map: { output: `+tt.output+` }
sink: { test.lines: { path: out.jsonl } }
`, nil)
			require.NoError(t, err)
			msg := component.NewMessage("1", map[string]any{"bad": "x", "city": "Denver"})
			_, err = p.Pipelines[0].Steps[0].Run(context.Background(), &config.StepEnv{Globals: p.Globals}, msg)
			require.Error(t, err)
			assert.Regexp(t, tt.want, err.Error())
			assert.True(t, component.IsPermanent(err), "bad data for this message")
		})
	}
}
