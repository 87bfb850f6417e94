package expr_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/expr"
)

// TestReference_matches_docs fails when docs/cel.md is out of date;
// UPDATE_GOLDEN=1 rewrites it.
func TestReference_matches_docs(t *testing.T) {
	path := filepath.Join("..", "..", "docs", "cel.md")
	got := expr.Reference()
	if os.Getenv("UPDATE_GOLDEN") != "" {
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "docs/cel.md is missing: run UPDATE_GOLDEN=1 go test ./engine/expr -run TestReference")
	assert.Equal(t, string(want), got, "docs/cel.md is out of date: run UPDATE_GOLDEN=1 go test ./engine/expr -run TestReference")
}
