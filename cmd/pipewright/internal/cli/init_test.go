package cli_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/pipewright/pipewright/cmd/pipewright/internal/cli"
)

// buildPipewright builds the binary as `make build` does, stamped with a
// release version, into a temporary directory, and returns that directory.
func buildPipewright(t *testing.T) string {
	t.Helper()
	bin := t.TempDir()
	pkg := "github.com/pipewright/pipewright/cmd/pipewright/internal/cli"
	cmd := exec.Command("go", "build", "-ldflags", "-X "+pkg+".version=v9.9.9-test -X "+pkg+".commit=0123456789abcdef0123-dirty",
		"-o", filepath.Join(bin, "pipewright"), "github.com/pipewright/pipewright/cmd/pipewright")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	return bin
}

// ciCommands reads the commands the generated CI files run: the run steps
// of the GitHub workflow's jobs and the script lines of the GitLab jobs.
func ciCommands(t *testing.T, dir string) map[string][]string {
	t.Helper()
	var gh struct {
		Jobs map[string]struct {
			Steps []struct {
				Uses string `yaml:"uses"`
				Run  string `yaml:"run"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	data, err := os.ReadFile(filepath.Join(dir, ".github/workflows/pipewright.yml"))
	require.NoError(t, err)
	require.NoError(t, yaml.Unmarshal(data, &gh))
	var gl map[string]struct {
		Script []string `yaml:"script"`
	}
	data, err = os.ReadFile(filepath.Join(dir, ".gitlab-ci.yml"))
	require.NoError(t, err)
	require.NoError(t, yaml.Unmarshal(data, &gl))
	out := map[string][]string{}
	for _, job := range gh.Jobs {
		for _, s := range job.Steps {
			if s.Run != "" {
				out["github"] = append(out["github"], s.Run)
			}
		}
	}
	for _, job := range gl {
		out["gitlab"] = append(out["gitlab"], job.Script...)
	}
	return out
}

// TestInit_CI_files_pass_with_the_local_binary builds pipewright stamped
// as make build does, creates client directories with it, then runs every
// command of their CI files, the local build standing in for the go
// install step (which must install the version that created them).
func TestInit_CI_files_pass_with_the_local_binary(t *testing.T) {
	bin := buildPipewright(t)
	version, err := exec.Command(filepath.Join(bin, "pipewright"), "--version").Output()
	require.NoError(t, err)
	assert.Regexp(t, `^pipewright v9\.9\.9-test \(commit 0123456789ab-dirty, go1\.\d+`, string(version))
	for _, args := range [][]string{{}, {"-template", "minimal"}, {"-demo"}} {
		t.Run("init "+strings.Join(append(args, "acme"), " "), func(t *testing.T) {
			work := t.TempDir()
			init := exec.Command(filepath.Join(bin, "pipewright"), append(append([]string{"init"}, args...), "acme")...)
			init.Dir = work
			out, err := init.CombinedOutput()
			require.NoError(t, err, "%s", out)
			dir := filepath.Join(work, "acme")
			cmds := ciCommands(t, dir)
			require.NotEmpty(t, cmds["github"])
			require.NotEmpty(t, cmds["gitlab"])
			for ci, list := range cmds {
				installs := 0
				for _, c := range list {
					if strings.HasPrefix(c, "go install ") {
						installs++
						assert.Equal(t, "go install github.com/pipewright/pipewright/cmd/pipewright@v9.9.9-test", c, "CI installs the version that created it")
						continue
					}
					sh := exec.Command("bash", "-e", "-o", "pipefail", "-c", c)
					sh.Dir = dir
					sh.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"))
					var outb bytes.Buffer
					sh.Stdout, sh.Stderr = &outb, &outb
					require.NoError(t, sh.Run(), "%s: %s\n%s", ci, c, outb.String())
				}
				assert.Equal(t, 1, installs, "%s installs pipewright once", ci)
			}
			report, err := os.ReadFile(filepath.Join(dir, "pipewright-tests.xml"))
			require.NoError(t, err)
			assert.Contains(t, string(report), `failures="0"`)
		})
	}
}

func TestInit_refuses_a_directory_with_files(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o644))
	var stderr bytes.Buffer
	assert.Equal(t, cli.ExitFailure, cli.Main([]string{"init", "-name", "acme", dir}, &bytes.Buffer{}, &stderr))
	assert.Contains(t, stderr.String(), "is not empty: init never overwrites files")
	data, err := os.ReadFile(filepath.Join(dir, "notes.txt"))
	require.NoError(t, err)
	assert.Equal(t, "mine", string(data))
}

// The demo warehouse is refused on a SQL Server connection: validate says
// so (and run, which validates first, does not start).
func TestInit_demo_warehouse_is_refused_on_SQL_Server(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "acme")
	require.Equal(t, cli.ExitOK, cli.Main([]string{"init", "-demo", dir}, &bytes.Buffer{}, os.Stderr))
	env := filepath.Join(t.TempDir(), "prod.env")
	require.NoError(t, os.WriteFile(env, []byte("SAGE_DSN=sqlserver://u:p@sage.example.internal/SAGE?database=app\n"), 0o644))
	var stderr bytes.Buffer
	assert.Equal(t, cli.ExitFailure, cli.Main([]string{"validate", "-env", env, dir}, &bytes.Buffer{}, &stderr))
	assert.Contains(t, stderr.String(), "demo-warehouse.yaml:12:14: the demo warehouse only runs on the SQLite demo database")
	assert.NotContains(t, stderr.String(), "u:p@", "the DSN is not shown")
	require.NoError(t, os.WriteFile(env, []byte("SAGE_DSN=sqlserver://u:p@sage.example.internal/SAGE?database=app\nDEMO_WAREHOUSE=false\n"), 0o644))
	assert.Equal(t, cli.ExitOK, cli.Main([]string{"validate", "-env", env, dir}, &bytes.Buffer{}, os.Stderr))
}
