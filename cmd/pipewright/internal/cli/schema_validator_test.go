package cli_test

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/cmd/pipewright/internal/cli"
)

// independentValidator runs testdata/jsonschema/check.py, Python's
// jsonschema (Debian's python3-jsonschema), on directory files against the
// schemas `pipewright schema -write` writes. It skips the test when no
// python3 with the jsonschema and yaml modules is installed.
type independentValidator struct {
	python    string
	script    string // absolute: tests may change directory
	schemaDir string
}

func newIndependentValidator(t *testing.T) *independentValidator {
	t.Helper()
	python := ""
	for _, candidate := range []string{"python3", "/usr/bin/python3"} {
		if exec.Command(candidate, "-c", "import jsonschema, yaml").Run() == nil {
			python = candidate
			break
		}
	}
	if python == "" {
		t.Skip("skipped: no python3 with the jsonschema and yaml modules (Debian: apt-get install python3-jsonschema python3-yaml, which `make deps` runs)")
	}
	script, err := filepath.Abs("testdata/jsonschema/check.py")
	require.NoError(t, err)
	dir := t.TempDir()
	require.Equal(t, cli.ExitOK, cli.Main([]string{"schema", "-write", dir}, io.Discard, os.Stderr))
	return &independentValidator{python: python, script: script, schemaDir: dir}
}

// check validates every directory file under dir and returns the
// violations, one per line ("" when there are none).
func (v *independentValidator) check(t *testing.T, dir string) string {
	t.Helper()
	args := append([]string{v.script, v.schemaDir}, directoryFiles(t, dir)...)
	cmd := exec.Command(v.python, args...)
	cmd.Dir = dir
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	err := cmd.Run()
	if _, failed := err.(*exec.ExitError); err != nil && !failed || stderr.Len() > 0 {
		t.Fatalf("check.py: %v\n%s", err, stderr.String())
	}
	return strings.TrimSpace(out.String())
}

// directoryFiles lists the files of a pipeline directory as KIND=PATH:
// the project file, the pipeline files beside it, the mapping files (YAML
// in other folders than tests/ and tables/) and the test files.
func directoryFiles(t *testing.T, dir string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || (filepath.Ext(path) != ".yaml" && filepath.Ext(path) != ".yml") {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		parts := strings.Split(filepath.ToSlash(rel), "/")
		kind := "mapping"
		switch {
		case rel == "pipewright.yaml":
			kind = "project"
		case len(parts) == 1:
			kind = "pipeline"
		case parts[0] == "tests" && len(parts) == 2:
			kind = "test"
		case parts[0] == "tests" || parts[0] == "tables" || strings.HasPrefix(parts[0], "."):
			return nil // fixtures, lookup tables, tool folders
		}
		files = append(files, kind+"="+rel)
		return nil
	})
	require.NoError(t, err)
	return files
}

func TestSchemas_an_independent_validator_accepts_every_pipeline_directory(t *testing.T) {
	v := newIndependentValidator(t)
	dirs, err := filepath.Glob("../../../../pipelines/*/pipewright.yaml")
	require.NoError(t, err)
	require.NotEmpty(t, dirs)
	for _, p := range dirs {
		dir := filepath.Dir(p)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			files := directoryFiles(t, dir)
			require.Contains(t, files, "project=pipewright.yaml")
			require.Greater(t, len(files), 2, "the project file, pipelines and tests")
			require.Empty(t, v.check(t, dir))
		})
	}
}
