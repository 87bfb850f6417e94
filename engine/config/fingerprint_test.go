package config_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/config"
)

// fingerprintBase has a sink without expressions (main of plain) and one
// with (keyed); the table and the env value are what expressions read.
const fingerprintBase = `
-- client/pipewright.yaml --
project: fp
env: { REGION: "${env:REGION}" }
-- client/tables/skus.csv --
sku,item
A,ITEM-A
-- client/plain.yaml --
pipeline: plain
source: { test.lines: { path: in.jsonl } }
sink: { test.lines: { path: out.jsonl } }
-- client/keyed.yaml --
pipeline: keyed
source: { test.lines: { path: in2.jsonl } }
sink: { test.lines: { path: out2.jsonl, key: 'tables.skus[msg.sku] + env.REGION' } }
`

func fingerprints(t *testing.T, archive string, env map[string]string) map[string]string {
	t.Helper()
	p, err := loadTxtar(t, archive, env)
	require.NoError(t, err)
	out := map[string]string{}
	for _, pl := range p.Pipelines {
		out[pl.Name+"/source"] = pl.Source.Fingerprint
		out[pl.Name+"/sink"] = pl.Sinks[config.MainSink].Fingerprint
	}
	return out
}

func TestLoad_fingerprints_change_only_with_what_a_component_uses(t *testing.T) {
	base := fingerprints(t, fingerprintBase, map[string]string{"REGION": "us"})
	cases := []struct {
		name    string
		archive string
		env     string
		changed []string
	}{
		{"the same directory", fingerprintBase, "us", nil},
		{"a sink option", strings.ReplaceAll(fingerprintBase, "path: out.jsonl", "path: other.jsonl"), "us", []string{"plain/sink"}},
		{"a table: the sink whose expression reads it", strings.ReplaceAll(fingerprintBase, "A,ITEM-A", "A,ITEM-B"), "us", []string{"keyed/sink"}},
		{"an env value: the sink whose expression reads it", fingerprintBase, "eu", []string{"keyed/sink"}},
		{"a source option", strings.ReplaceAll(fingerprintBase, "path: in2.jsonl", "path: in3.jsonl"), "us", []string{"keyed/source"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := fingerprints(t, tc.archive, map[string]string{"REGION": tc.env})
			var changed []string
			for _, id := range []string{"keyed/sink", "keyed/source", "plain/sink", "plain/source"} {
				if got[id] != base[id] {
					changed = append(changed, id)
				}
			}
			assert.Equal(t, tc.changed, changed)
		})
	}
}

func TestLoad_lists_every_file_it_read(t *testing.T) {
	p, err := loadTxtar(t, fingerprintBase+`-- client/tests/plain.yaml --
pipeline: plain
tests:
  - name: copies
    input: { file: fixtures/one.json }
    expect: { output: { a: 1 } }
-- client/tests/fixtures/one.json --
{"a": 1}
-- client/in.jsonl --
{"not": "configuration"}
`, map[string]string{"REGION": "us"})
	require.NoError(t, err)
	assert.Equal(t, []string{
		"client/keyed.yaml", "client/pipewright.yaml", "client/plain.yaml", "client/tables/skus.csv",
		"client/tests/fixtures/one.json", "client/tests/plain.yaml",
	}, p.Files)
}
