package config_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/config"
)

// TestPipelineSchema_steps_come_from_the_step_kinds fails when the step
// definitions of schemas/pipeline.v1.json differ from what the step kinds
// declare; UPDATE_GOLDEN=1 rewrites them.
func TestPipelineSchema_steps_come_from_the_step_kinds(t *testing.T) {
	path := filepath.Join("..", "..", "schemas", "pipeline.v1.json")
	current, err := os.ReadFile(path)
	require.NoError(t, err)
	want, err := config.PipelineSchemaWithSteps(current)
	require.NoError(t, err)
	if os.Getenv("UPDATE_GOLDEN") != "" {
		require.NoError(t, os.WriteFile(path, want, 0o644))
		return
	}
	assert.Equal(t, string(want), string(current),
		"schemas/pipeline.v1.json's steps differ from the step kinds' schemas: run UPDATE_GOLDEN=1 go test ./engine/config -run TestPipelineSchema_steps")
}

// TestStepKinds_each_have_a_row_in_the_format_docs fails when a step kind
// is added without its row in docs/format.md's table of steps.
func TestStepKinds_each_have_a_row_in_the_format_docs(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "format.md"))
	require.NoError(t, err)
	for _, k := range config.StepKinds() {
		assert.Contains(t, string(doc), "\n| `"+k+"` | ", "docs/format.md has no row for the %s step", k)
	}
}
