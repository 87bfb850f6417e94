package config_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/tools/txtar"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
	"github.com/pipewright/pipewright/engine/config"
	"github.com/pipewright/pipewright/engine/registry"
)

// loadTxtar writes the archive's files into a temporary directory and loads
// the directory "client" in it, with the file connector and extra.
func loadTxtar(t *testing.T, archive string, env map[string]string, extra ...component.Factory) (*config.Project, error) {
	t.Helper()
	dir := t.TempDir()
	ar := txtar.Parse([]byte(archive))
	for _, f := range ar.Files {
		path := filepath.Join(dir, f.Name)
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, f.Data, 0o644))
	}
	reg, err := registry.New(append(componenttest.Factories(), extra...)...)
	require.NoError(t, err)
	t.Chdir(dir)
	return config.Load("client", config.Options{Registry: reg, LookupEnv: func(k string) (string, bool) {
		v, ok := env[k]
		return v, ok
	}})
}

// TestLoad_problems loads each fixture in testdata/problems/*.txtar and
// compares every reported problem with the archive's "want" file.
func TestLoad_problems(t *testing.T) {
	paths, err := filepath.Glob("testdata/problems/*.txtar")
	require.NoError(t, err)
	require.NotEmpty(t, paths)
	for _, path := range paths {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txtar"), func(t *testing.T) {
			data, err := os.ReadFile(path)
			require.NoError(t, err)
			var want string
			for _, f := range txtar.Parse(data).Files {
				if f.Name == "want" {
					want = string(f.Data)
				}
			}
			_, err = loadTxtar(t, string(data), map[string]string{"TOKEN": "s3cr3t-value-123"})
			require.Error(t, err)
			assert.Equal(t, strings.TrimSpace(want), err.Error())
		})
	}
}

func TestLoad_valid_directory_builds_the_model(t *testing.T) {
	p, err := loadTxtar(t, `
-- client/pipewright.yaml --
project: shop
env:
  COMPANY: ${env:COMPANY:-SOA}
  TOKEN: ${env:TOKEN}
tables:
  carriers: { key: ship_meth, value: carrier, default: Other }
defaults:
  errors: { timeout: 5s, unclassified_attempts: 3 }
-- client/tables/carriers.csv --
ship_meth,carrier,note
UPS GROUND,UPS,
FEDEX,FedEx,2 day
-- client/tables/status.yaml --
Unshipped: 1
Shipped: { code: 4, closed: true }
-- client/b.yaml --
pipeline: b
source: { test.lines: { path: b.jsonl } }
errors: { retry: { initial: 2s } }
steps:
  - map:
      let: { c: "tables.carriers[msg.m]" }
      output: { carrier: c, company: env.COMPANY }
sink: { test.lines: { path: out.jsonl } }
-- client/a.yaml --
pipeline: a
source: { test.lines: { path: a.jsonl } }
sink: { test.nop: }
`, map[string]string{"TOKEN": "tok-123456"})
	require.NoError(t, err)
	assert.Equal(t, "shop", p.Name)
	require.Len(t, p.Pipelines, 2)
	assert.Equal(t, "a", p.Pipelines[0].Name, "pipelines in file order")
	b := p.Pipelines[1]
	assert.Equal(t, "5s", b.Errors.Timeout.D().String(), "project default")
	assert.Equal(t, "2s", b.Errors.Retry.Initial.D().String(), "pipeline's own")
	assert.Equal(t, 3, b.Errors.UnclassifiedAttempts)
	assert.Equal(t, "map-1", b.Steps[0].Name)
	assert.Equal(t, map[string]string{"COMPANY": "SOA", "TOKEN": "tok-123456"}, p.Env)
	assert.Empty(t, p.Secrets, "an interpolated value is no secret unless declared one")
	assert.Contains(t, p.Tables, "carriers")
	assert.Contains(t, p.Tables, "status")
	assert.Contains(t, b.Sinks, config.MainSink)
}

func TestLoad_jitter_0_turns_jitter_off(t *testing.T) {
	t.Run("in a pipeline", func(t *testing.T) {
		p, err := loadTxtar(t, `
-- client/pipewright.yaml --
project: shop
-- client/a.yaml --
pipeline: a
source: { test.lines: { path: a.jsonl } }
sink: { test.nop: }
-- client/b.yaml --
pipeline: b
source: { test.lines: { path: b.jsonl } }
errors: { retry: { jitter: 0 } }
sink: { test.nop: }
`, nil)
		require.NoError(t, err)
		assert.Equal(t, 0.2, p.Pipelines[0].Errors.Retry.Jitter, "left out: the default")
		assert.Equal(t, 0.0, p.Pipelines[1].Errors.Retry.Jitter, "given as 0: no jitter")
	})
	t.Run("in the project defaults", func(t *testing.T) {
		p, err := loadTxtar(t, `
-- client/pipewright.yaml --
project: shop
defaults:
  errors: { retry: { jitter: 0 } }
-- client/a.yaml --
pipeline: a
source: { test.lines: { path: a.jsonl } }
sink: { test.nop: }
-- client/b.yaml --
pipeline: b
source: { test.lines: { path: b.jsonl } }
errors: { retry: { jitter: 0.5, initial: 2s } }
sink: { test.nop: }
`, nil)
		require.NoError(t, err)
		assert.Equal(t, 0.0, p.Pipelines[0].Errors.Retry.Jitter, "the project's 0, not the default")
		assert.Equal(t, 0.5, p.Pipelines[1].Errors.Retry.Jitter, "the pipeline's own")
	})
}

func TestPipelineSchema_is_self_contained_and_lists_components(t *testing.T) {
	reg, err := registry.New(componenttest.Factories()...)
	require.NoError(t, err)
	out, err := config.PipelineSchema(reg)
	require.NoError(t, err)
	s := string(out)
	assert.NotContains(t, s, `.json#`, "refs to other files are inlined")
	assert.Contains(t, s, `"test.nop"`)
	assert.Contains(t, s, `"project.v1.duration"`)
	proj, err := config.ProjectSchema(reg)
	require.NoError(t, err)
	assert.NotContains(t, string(proj), `.json#`)
}
