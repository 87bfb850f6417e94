package spapi_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/spapi"
)

func TestWriteSecretFile_replaces_the_file_whole_with_mode_0600(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "lwa-client-secret")
	require.NoError(t, os.WriteFile(path, []byte("old-secret\n"), 0o644))
	require.NoError(t, spapi.WriteSecretFile(path, "amzn1.oa2-cs.v1.new"))
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "amzn1.oa2-cs.v1.new\n", string(got))
	st, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm())
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 1, "no temporary file left behind")
}

func TestWriteSecretFile_errors_name_the_file_not_the_secret(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing-dir", "lwa-client-secret")
	err := spapi.WriteSecretFile(path, "amzn1.oa2-cs.v1.new")
	require.Error(t, err)
	assert.Contains(t, err.Error(), path)
	assert.NotContains(t, err.Error(), "amzn1.oa2-cs.v1.new")
}
