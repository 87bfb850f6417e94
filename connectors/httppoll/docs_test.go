package httppoll_test

import (
	"os"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/pipewright/pipewright/connectors/httppoll"
	"github.com/pipewright/pipewright/engine/componenttest"
)

// The http.poll example of docs/connectors.md holds valid options.
func TestDocs_example_is_valid_options(t *testing.T) {
	doc, err := os.ReadFile("../../docs/connectors.md")
	require.NoError(t, err)
	blocks := regexp.MustCompile("(?s)```yaml\n(.*?)```").FindAllSubmatch(doc, -1)
	require.Len(t, blocks, 1)
	var example struct {
		Source map[string]yaml.Node `yaml:"source"`
	}
	require.NoError(t, yaml.Unmarshal(blocks[0][1], &example))
	options := example.Source["http.poll"]
	out, err := yaml.Marshal(&options)
	require.NoError(t, err)
	_, err = componenttest.TryDecodeConfig(httppoll.NewFactory(), string(out))
	require.NoError(t, err)
}
