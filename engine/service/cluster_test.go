package service_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/componenttest"
	"github.com/pipewright/pipewright/engine/natstest"
	"github.com/pipewright/pipewright/engine/service"
)

func TestEngine_engines_started_together_on_a_cluster_share_replicated_streams(t *testing.T) {
	c := natstest.StartCluster(t, 3)
	// The project sets no replicas, like the reference project.
	dir := writeDir(t, `
-- pipewright.yaml --
project: clustered
transport: { url: "${env:NATS_URL}" }
-- orders.yaml --
pipeline: orders
source: { test.lines: { path: in.jsonl } }
sink: { test.lines: { path: out.jsonl } }
`)
	const n = 200
	writeInput(t, dir, "in.jsonl", n, func(i int) string { return fmt.Sprintf(`{"id":"o%d"}`, i) })
	env := map[string]string{"NATS_URL": c.URL()}
	data := []string{t.TempDir(), t.TempDir()}
	engines := make([]*service.Engine, len(data))
	var wg sync.WaitGroup
	for i := range engines {
		wg.Go(func() { engines[i] = startEngine(t, dir, data[i], newTarget(), env) })
	}
	componenttest.Wait(t, "the engines to start", &wg)

	js, err := jetstream.New(c.Connect())
	require.NoError(t, err)
	for _, name := range []string{"PW_CLUSTERED_ORDERS", "PW_CLUSTERED_DEADLETTERS", "KV_pw_clustered_state", "KV_pw_clustered_shared"} {
		st, err := js.Stream(context.Background(), name)
		require.NoError(t, err, name)
		assert.Equal(t, 3, st.CachedInfo().Config.Replicas, name)
	}
	// The engine holding the source's lease reads the input; both
	// process it.
	seen := func() map[string]bool {
		ids := map[string]bool{}
		for _, d := range data {
			for _, line := range completeLinesOf(t, filepath.Join(d, "out.jsonl")) {
				var m struct{ ID string }
				require.NoError(t, json.Unmarshal([]byte(line), &m), line)
				ids[m.ID] = true
			}
		}
		return ids
	}
	componenttest.WaitFor(t, "every message in a sink", func() bool { return len(seen()) == n })
}

// completeLinesOf returns the lines of a file that end in a newline: a sink
// may be writing the last one.
func completeLinesOf(t *testing.T, path string) []string {
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil
	}
	require.NoError(t, err)
	lines := strings.Split(string(data), "\n")
	return lines[:len(lines)-1]
}
