package scaffold_test

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/cmd/pipewright/internal/scaffold"
)

// The embedded copy of the reference directory is the directory itself:
// run go generate ./cmd/pipewright/internal/scaffold after changing it.
func TestReference_copy_matches_pipelines_sage500_amazon(t *testing.T) {
	src := "../../../../pipelines/sage500-amazon"
	files := map[string]bool{}
	require.NoError(t, filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		files[rel] = true
		want, _ := os.ReadFile(p)
		got, err := os.ReadFile(filepath.Join("reference", rel))
		require.NoError(t, err, "%s is missing from the copy: run go generate ./cmd/pipewright/internal/scaffold", rel)
		assert.True(t, bytes.Equal(want, got), "%s differs from the reference: run go generate ./cmd/pipewright/internal/scaffold", rel)
		return nil
	}))
	require.NoError(t, filepath.WalkDir("reference", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel("reference", p)
		assert.True(t, files[rel], "%s is not in the reference any more: run go generate ./cmd/pipewright/internal/scaffold", rel)
		return nil
	}))
}

func TestCreate_is_safe_for_production_unless_the_demo_is_asked_for(t *testing.T) {
	for _, demo := range []bool{false, true} {
		dir := filepath.Join(t.TempDir(), "acme")
		require.NoError(t, scaffold.Create(dir, scaffold.Options{Template: "reference", Demo: demo, Name: "acme", Version: "latest"}))
		project, err := os.ReadFile(filepath.Join(dir, "pipewright.yaml"))
		require.NoError(t, err)
		assert.Contains(t, string(project), "\nproject: acme\n")
		_, err = os.Stat(filepath.Join(dir, "demo-warehouse.yaml"))
		if demo {
			assert.Contains(t, string(project), "type: spapi.simulator\n    enabled: ${env:SPAPI_SIMULATOR:-true}\n")
			assert.Contains(t, string(project), "endpoint: ${env:SPAPI_ENDPOINT:-http://127.0.0.1:8790}\n", "on the simulator")
			assert.NoError(t, err, "the demo keeps the demo warehouse")
		} else {
			assert.NotContains(t, string(project), "spapi.simulator", "no simulator without the demo")
			assert.NotContains(t, string(project), "amazon-simulator")
			assert.Contains(t, string(project), "endpoint: ${env:SPAPI_ENDPOINT:-}\n", "Amazon's endpoint")
			assert.Contains(t, string(project), "lwa_endpoint: ${env:SPAPI_LWA_ENDPOINT:-}\n", "Amazon's LWA endpoint")
			assert.Contains(t, string(project), "\n\n  sage:\n    type: sage500\n", "the connections after it stay")
			assert.ErrorIs(t, err, fs.ErrNotExist, "no demo warehouse without the demo")
		}
		orders, err := os.ReadFile(filepath.Join(dir, "tests/orders.yaml"))
		require.NoError(t, err)
		assert.Contains(t, string(orders), "# yaml-language-server: $schema=../.pipewright/schemas/test.v1.json\n")
	}
}

func TestCreate_never_overwrites_and_checks_the_name(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "keep.txt"), []byte("x"), 0o644))
	assert.ErrorContains(t, scaffold.Create(dir, scaffold.Options{Template: "reference", Name: "acme"}), "is not empty")
	assert.ErrorContains(t, scaffold.Create(t.TempDir(), scaffold.Options{Template: "reference", Name: "Acme Inc"}), "project name")
	assert.ErrorContains(t, scaffold.Create(t.TempDir(), scaffold.Options{Template: "huge", Name: "acme"}), `unknown template "huge"`)
	name, err := scaffold.ProjectName("/clients/Acme_EU")
	require.NoError(t, err)
	assert.Equal(t, "acme-eu", name)
	_, err = scaffold.ProjectName("/clients/42")
	assert.ErrorContains(t, err, "give one with -name")
}
