package cli_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/pipewright/pipewright/cmd/pipewright/internal/cli"
	"github.com/pipewright/pipewright/engine/config"
)

// The HA guide's YAML examples parse (the Kubernetes one is several
// documents), and its transport excerpt is a valid part of a project file
// for this binary.
func TestDocs_ha_examples_are_valid(t *testing.T) {
	doc, err := os.ReadFile("../../../../docs/ha.md")
	require.NoError(t, err)
	blocks := yamlBlock.FindAllSubmatch(doc, -1)
	require.Greater(t, len(blocks), 3)
	transport := 0
	for i, b := range blocks {
		d := yaml.NewDecoder(bytes.NewReader(b[1]))
		for {
			var v any
			err := d.Decode(&v)
			if errors.Is(err, io.EOF) {
				break
			}
			require.NoError(t, err, "block %d:\n%s", i, b[1])
		}
		if !strings.HasPrefix(strings.TrimSpace(string(b[1])), "# pipewright.yaml\ntransport:") {
			continue
		}
		transport++
		// As shown, and with the commented options set.
		for _, text := range []string{string(b[1]), strings.ReplaceAll(string(b[1]), "\n  # ", "\n  ")} {
			dir := t.TempDir()
			writeFiles(t, dir, map[string]string{
				"pipewright.yaml": "project: acme\n" + text,
				"p.yaml":          "pipeline: p\nsource: { file: { path: in.jsonl } }\nsink: { stdout: {} }\n",
			})
			_, err := config.Load(dir, config.Options{Registry: cli.NewRegistry(io.Discard), LookupEnv: func(k string) (string, bool) {
				return "nats://nats-1.internal:4222,nats://nats-2.internal:4222", k == "NATS_URL"
			}})
			require.NoError(t, err, "block %d:\n%s", i, text)
		}
	}
	require.Equal(t, 1, transport, "the transport excerpt")
}
