package file_test

import (
	"os"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/pipewright/pipewright/connectors/file"
	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
)

// Every YAML example in README.md holds valid options.
func TestREADME_examples_are_valid_options(t *testing.T) {
	doc, err := os.ReadFile("README.md")
	require.NoError(t, err)
	factories := map[string]component.Factory{"source": file.NewSourceFactory(), "sink": file.NewSinkFactory()}
	blocks := regexp.MustCompile("(?s)```yaml\n(.*?)```").FindAllSubmatch(doc, -1)
	require.Len(t, blocks, 2)
	for _, b := range blocks {
		var example map[string]map[string]yaml.Node
		require.NoError(t, yaml.Unmarshal(b[1], &example))
		for kind, types := range example {
			options := types["file"]
			out, err := yaml.Marshal(&options)
			require.NoError(t, err)
			_, err = componenttest.TryDecodeConfig(factories[kind], string(out))
			require.NoError(t, err, "%s example:\n%s", kind, b[1])
		}
	}
}
