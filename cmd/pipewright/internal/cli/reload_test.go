package cli_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/cmd/pipewright/internal/cli"
	"github.com/pipewright/pipewright/engine/componenttest"
	"github.com/pipewright/pipewright/engine/service"
)

func engineHealth(t *testing.T, addr string) service.Health {
	t.Helper()
	var h service.Health
	resp, err := http.Get("http://" + addr + "/api/health")
	require.NoError(t, err)
	defer resp.Body.Close()
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&h))
	return h
}

// outputs reads the sink's complete lines as id -> item (the running engine
// may be in the middle of writing the last one).
func outputs(t *testing.T, path string) map[string]string {
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil
	}
	require.NoError(t, err)
	data = data[:bytes.LastIndexByte(data, '\n')+1]
	out := map[string]string{}
	for _, line := range bytes.Split(data, []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		var m struct{ ID, Item string }
		require.NoError(t, json.Unmarshal(line, &m))
		out[m.ID] = m.Item
	}
	return out
}

// A running engine (watching off) reloads on SIGHUP and on `pipewright
// reload`, which prints a refused reload's problems with their positions
// and exits 1 while the running version stays.
func TestRun_reloads_on_SIGHUP_and_on_the_reload_command(t *testing.T) {
	if testing.Short() {
		t.Skip("starts an engine process")
	}
	dir, data := t.TempDir(), t.TempDir()
	pipeline := `pipeline: p
source: { file: { path: "in/*.jsonl", watch: 20ms } }
steps:
  - map: { output: { id: msg.id, item: 'tables.skus[msg.sku]' } }
sink: { file: { path: out.jsonl } }
`
	writeFiles(t, dir, map[string]string{
		"pipewright.yaml": "project: rl\n",
		"tables/skus.csv": "sku,item\nA,ITEM-1\n",
		"p.yaml":          pipeline,
		"in/1.jsonl":      `{"id":"a1","sku":"A"}` + "\n",
	})
	p := startProcArgs(t, dir, data, []string{"-watch", "0"})
	out := filepath.Join(data, "out.jsonl")
	componenttest.WaitFor(t, "a1 in the sink", func() bool { return outputs(t, out)["a1"] == "ITEM-1" })
	first := engineHealth(t, p.addr).Version
	require.NotEmpty(t, first)

	writeFiles(t, dir, map[string]string{"tables/skus.csv": "sku,item\nA,ITEM-2\n"})
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGHUP))
	componenttest.WaitFor(t, "the SIGHUP reload", func() bool { return engineHealth(t, p.addr).Version != first })
	h := engineHealth(t, p.addr)
	assert.Equal(t, "signal hangup", h.Reload.Last.Trigger)
	writeFiles(t, dir, map[string]string{"in/2.jsonl": `{"id":"a2","sku":"A"}` + "\n"})
	componenttest.WaitFor(t, "a2 in the sink", func() bool { return outputs(t, out)["a2"] != "" })
	assert.Equal(t, "ITEM-2", outputs(t, out)["a2"], "the message after the reload used the new table")

	writeFiles(t, dir, map[string]string{"p.yaml": strings.Replace(pipeline, "tables.skus[msg.sku]", "tables.skus[msg.sku] +", 1)})
	var stdout, stderr bytes.Buffer
	code := cli.Main([]string{"reload", "-server", p.addr, dir}, &stdout, &stderr)
	assert.Equal(t, cli.ExitFailure, code)
	assert.Regexp(t, regexp.MustCompile(`p\.yaml:\d+:\d+: `), stderr.String())
	assert.Contains(t, stderr.String(), "refused: version "+h.Version+" keeps running")
	assert.Equal(t, h.Version, engineHealth(t, p.addr).Version)

	// Without -server: the engine's address is in its data directory's lock.
	writeFiles(t, dir, map[string]string{"p.yaml": pipeline, "tables/skus.csv": "sku,item\nA,ITEM-3\n"})
	stdout.Reset()
	stderr.Reset()
	code = cli.Main([]string{"reload", "-data", data, dir}, &stdout, &stderr)
	require.Equal(t, cli.ExitOK, code, stderr.String())
	assert.Regexp(t, `^applied: version [0-9a-f]{12} \(was `+h.Version+`\)\n$`, stdout.String())
	p.stop(t)
	assert.Contains(t, p.stderr.String(), "reload refused", "the engine logged the refusal")
}
