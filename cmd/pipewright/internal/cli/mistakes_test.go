package cli_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/tools/txtar"

	"github.com/pipewright/pipewright/cmd/pipewright/internal/cli"
)

// mistake is one case of testdata/mistakes: a realistic mistake made in a
// copy of the reference directory, and what validate must say about it.
type mistake struct {
	path       string
	name       string
	title      string
	kind       string
	static     bool // validate can decide it; false: it only shows when running
	structural bool // a JSON Schema validator rejects it too
	archive    *txtar.Archive
	want       string
}

// loadMistakes reads testdata/mistakes/*.txtar. The archive's comment holds
// "title:", "kind:", "static: yes|no" and "structural: yes" lines; its
// files are "replace FILE" sections (the text to find, a line "=>", the
// text to put instead), whole files by name, "env" (NAME=value lines
// given to validate -env) and "want" (validate's exact output).
func loadMistakes(t *testing.T) []mistake {
	t.Helper()
	paths, err := filepath.Glob("testdata/mistakes/*.txtar")
	require.NoError(t, err)
	var out []mistake
	for _, p := range paths {
		ar, err := txtar.ParseFile(p)
		require.NoError(t, err)
		m := mistake{path: p, name: strings.TrimSuffix(filepath.Base(p), ".txtar"), archive: ar}
		for _, line := range strings.Split(string(ar.Comment), "\n") {
			k, v, _ := strings.Cut(line, ":")
			v = strings.TrimSpace(v)
			switch k {
			case "title":
				m.title = v
			case "kind":
				m.kind = v
			case "static":
				m.static = v == "yes"
			case "structural":
				m.structural = v == "yes"
			}
		}
		for _, f := range ar.Files {
			if f.Name == "want" {
				m.want = strings.TrimSpace(string(f.Data))
			}
		}
		require.NotEmpty(t, m.title, "%s: no title", p)
		require.NotEmpty(t, m.kind, "%s: no kind", p)
		require.Equal(t, m.static, hasSection(ar, "want"), "%s: a static mistake has a want section, others none", p)
		out = append(out, m)
	}
	return out
}

func hasSection(ar *txtar.Archive, name string) bool {
	for _, f := range ar.Files {
		if f.Name == name {
			return true
		}
	}
	return false
}

// updateWant rewrites the case's want section with what validate printed
// (UPDATE_GOLDEN=1); review the diff.
func (m mistake) updateWant(t *testing.T, got string) {
	for i, f := range m.archive.Files {
		if f.Name == "want" {
			m.archive.Files[i].Data = []byte(got + "\n")
		}
	}
	require.NoError(t, os.WriteFile(m.path, txtar.Format(m.archive), 0o644))
}

// apply copies the reference directory into dir and makes the mistake in
// it. It returns the path of the env file, or "".
func (m mistake) apply(t *testing.T, dir string) string {
	t.Helper()
	require.NoError(t, os.CopyFS(dir, os.DirFS("../../../../pipelines/sage500-amazon")))
	envFile := ""
	for _, f := range m.archive.Files {
		switch name, found := strings.CutPrefix(f.Name, "replace "); {
		case f.Name == "want" || f.Name == "test-want":
		case f.Name == "env":
			envFile = filepath.Join(t.TempDir(), "mistake.env")
			require.NoError(t, os.WriteFile(envFile, f.Data, 0o644))
		case found:
			old, repl, ok := strings.Cut(string(f.Data), "\n=>\n")
			require.True(t, ok, "%s: replace %s: no => line", m.name, name)
			path := filepath.Join(dir, name)
			data, err := os.ReadFile(path)
			require.NoError(t, err)
			require.Equal(t, 1, strings.Count(string(data), old), "%s: %q must occur once in %s", m.name, old, name)
			require.NoError(t, os.WriteFile(path, []byte(strings.Replace(string(data), old, strings.TrimSuffix(repl, "\n"), 1)), 0o644))
		default:
			path := filepath.Join(dir, f.Name)
			require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
			require.NoError(t, os.WriteFile(path, f.Data, 0o644))
		}
	}
	return envFile
}

// validate runs pipewright validate on the directory, from inside it.
func validateIn(t *testing.T, dir, envFile string) (string, int) {
	t.Helper()
	t.Chdir(dir)
	args := []string{"validate"}
	if envFile != "" {
		args = append(args, "-env", envFile)
	}
	var stdout, stderr bytes.Buffer
	code := cli.Main(append(args, "."), &stdout, &stderr)
	return strings.TrimSpace(stderr.String()), code
}

// TestMistakes_validate_reports_each_at_its_place makes every mistake of
// the corpus in a copy of the reference directory: validate reports each
// one that can be decided statically exactly as the case expects (every
// problem at its file:line:col, nothing else), and passes the others.
func TestMistakes_validate_reports_each_at_its_place(t *testing.T) {
	for _, m := range loadMistakes(t) {
		t.Run(m.name, func(t *testing.T) {
			dir := t.TempDir()
			path, _ := filepath.Abs(m.path)
			m.path = path
			got, code := validateIn(t, dir, m.apply(t, dir))
			if m.static && os.Getenv("UPDATE_GOLDEN") != "" {
				m.updateWant(t, got)
				return
			}
			if !m.static {
				assert.Equal(t, cli.ExitOK, code, "validate found a mistake marked static: no; mark it yes with its want:\n%s", got)
				m.checkTest(t)
				return
			}
			assert.Equal(t, cli.ExitFailure, code)
			assert.Equal(t, m.want, got)
		})
	}
}

// checkTest runs pipewright test (in the mistake's directory) when the
// case has a test-want section: its output must hold each of its lines.
func (m mistake) checkTest(t *testing.T) {
	for _, f := range m.archive.Files {
		if f.Name != "test-want" {
			continue
		}
		var stdout bytes.Buffer
		assert.Equal(t, cli.ExitFailure, cli.Main([]string{"test", "."}, &stdout, &stdout))
		for _, line := range strings.Split(strings.TrimSpace(string(f.Data)), "\n") {
			assert.Contains(t, stdout.String(), line)
		}
	}
}

// TestMistakes_corpus_covers_every_kind checks the corpus's size and that
// README.md states what validate catches.
func TestMistakes_corpus_covers_every_kind(t *testing.T) {
	ms := loadMistakes(t)
	require.GreaterOrEqual(t, len(ms), 30)
	kinds := map[string]int{}
	caught := 0
	var uncaught []string
	for _, m := range ms {
		kinds[m.kind]++
		if m.static {
			caught++
		} else {
			uncaught = append(uncaught, m.title)
		}
	}
	for _, k := range []string{"table columns and types", "lookup columns", "sage columns", "table domains", "env values",
		"cel types", "unknown references", "yaml syntax", "keys"} {
		assert.GreaterOrEqual(t, kinds[k], 2, "kind %q", k)
	}
	readme, err := os.ReadFile("../../../../README.md")
	require.NoError(t, err)
	count := fmt.Sprintf("catches %d of the %d mistakes", caught, len(ms))
	assert.True(t, strings.Contains(string(readme), count), "README.md says %q", count)
	sort.Strings(uncaught)
	for _, title := range uncaught {
		assert.True(t, strings.Contains(string(readme), title), "README.md lists the mistakes validate cannot catch: %q", title)
	}
}

// TestMistakes_an_independent_validator_rejects_the_structural_ones runs
// the JSON Schema of the directory format, in Python's jsonschema, on the
// corpus's structural mistakes.
func TestMistakes_an_independent_validator_rejects_the_structural_ones(t *testing.T) {
	v := newIndependentValidator(t)
	n := 0
	for _, m := range loadMistakes(t) {
		if !m.structural {
			continue
		}
		n++
		t.Run(m.name, func(t *testing.T) {
			dir := t.TempDir()
			m.apply(t, dir)
			assert.NotEmpty(t, v.check(t, dir))
		})
	}
	assert.GreaterOrEqual(t, n, 4)
}
