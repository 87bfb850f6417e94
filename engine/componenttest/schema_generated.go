package componenttest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/component/schemagen"
)

// UpdateSchemasCommand regenerates every checked-in component schema.
const UpdateSchemasCommand = "make schemas"

// SchemaIsGenerated checks that a factory's schema is the one generated from
// its config struct (see schemagen), failing with the file to regenerate.
// With UPDATE_SCHEMAS=1 in the environment it writes the file instead and
// skips the rest of the test: the factory embeds the file, so only the next
// build serves it.
func SchemaIsGenerated(t *testing.T, f component.Factory) {
	t.Helper()
	want, err := schemagen.Generate(f)
	require.NoError(t, err)
	file, err := schemagen.File(f)
	require.NoError(t, err)
	if os.Getenv("UPDATE_SCHEMAS") == "1" {
		require.NoError(t, os.MkdirAll(filepath.Dir(file), 0o755))
		require.NoError(t, os.WriteFile(file, want, 0o644))
		t.Skipf("wrote %s", file)
	}
	assert.Equal(t, string(want), string(f.Schema()),
		"%s %s: %s is not generated from the config struct as it is now; run `%s` and commit the result", f.Kind(), f.Type(), file, UpdateSchemasCommand)
}
