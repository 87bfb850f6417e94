package cli_test

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v5"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/pipewright/pipewright/cmd/pipewright/internal/cli"
	"github.com/pipewright/pipewright/engine/config"
	"github.com/pipewright/pipewright/schemas"
)

var yamlBlock = regexp.MustCompile("(?s)```yaml\n(.*?)```")

// Every YAML example in docs/format.md is a valid project, pipeline,
// mapping or test file for this binary's components.
func TestDocs_format_examples_are_valid(t *testing.T) {
	doc, err := os.ReadFile("../../../../docs/format.md")
	require.NoError(t, err)
	reg := cli.NewRegistry(io.Discard)
	compile := func(name string, data []byte) *jsonschema.Schema {
		c := jsonschema.NewCompiler()
		c.Draft = jsonschema.Draft2020
		require.NoError(t, c.AddResource(name, bytes.NewReader(data)))
		s, err := c.Compile(name)
		require.NoError(t, err)
		return s
	}
	project, err := config.ProjectSchema(reg)
	require.NoError(t, err)
	pipeline, err := config.PipelineSchema(reg)
	require.NoError(t, err)
	mapping, _ := schemas.Get("mapping.v1")
	tests, _ := schemas.Get("test.v1")
	byKey := map[string]*jsonschema.Schema{
		"project":  compile("project.json", project),
		"pipeline": compile("pipeline.json", pipeline),
		"mapping":  compile("mapping.json", mapping),
		"tests":    compile("test.json", tests),
	}
	blocks := yamlBlock.FindAllSubmatch(doc, -1)
	require.Greater(t, len(blocks), 3)
	for i, b := range blocks {
		var v any
		require.NoError(t, yaml.Unmarshal(b[1], &v), "block %d", i)
		m, _ := v.(map[string]any)
		kind := ""
		// A test file names its pipeline too: look for tests first.
		for _, k := range []string{"tests", "project", "mapping", "pipeline"} {
			if _, ok := m[k]; ok && kind == "" {
				kind = k
			}
		}
		if kind == "" {
			continue // a fragment (an option excerpt)
		}
		raw, err := json.Marshal(v)
		require.NoError(t, err)
		var inst any
		d := json.NewDecoder(bytes.NewReader(raw))
		d.UseNumber()
		require.NoError(t, d.Decode(&inst))
		require.NoError(t, byKey[kind].Validate(inst), "block %d (%s):\n%s", i, kind, strings.TrimSpace(string(b[1])))
	}
}
