package cli_test

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/pipewright/pipewright/engine/componenttest"
	"github.com/pipewright/pipewright/engine/natstest"
)

// Engines started at the same moment on a fresh 3-node cluster all come
// up: each provisions the project's streams, consumers and buckets while
// the others create the same ones, on a cluster that has only just elected
// its leaders. Ten tries in a row with two engines, and ten with three;
// in each, the engines then work (the input reaches a sink) and stop
// cleanly.
func TestCluster_engines_started_at_the_same_moment_on_a_fresh_cluster_all_come_up(t *testing.T) {
	if testing.Short() {
		t.Skip("starts NATS clusters and engine processes")
	}
	t.Parallel() // mostly waits for the cluster
	const tries, input = 10, 20
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		// No replicas: the cluster's size decides (3).
		"pipewright.yaml": "project: fresh\ntransport: { url: \"${env:NATS_URL}\" }\n",
		"orders.yaml": `pipeline: orders
source: { file: { path: in.jsonl } }
sink: { file: { path: out.jsonl } }
`,
		"in.jsonl": inputLines(input),
	})
	for _, engines := range []int{2, 3} {
		t.Run(fmt.Sprintf("%d engines", engines), func(t *testing.T) {
			t.Parallel()
			for try := 1; try <= tries; try++ {
				startTogether(t, dir, engines, input, try)
			}
		})
	}
}

// startTogether starts n engines on dir at once on a fresh cluster, requires
// every one to come up and the input (want lines) to reach their sinks,
// and stops them.
func startTogether(t *testing.T, dir string, n, want, try int) {
	t.Helper()
	c := natstest.StartCluster(t, 3)
	defer c.StopAll()
	data := make([]string, n)
	procs := make([]*engineProc, n)
	for i := range procs {
		data[i] = t.TempDir()
		procs[i] = launchProc(t, dir, data[i], []string{"-watch", "0"}, "NATS_URL="+c.URL())
	}
	for i, p := range procs {
		select {
		case <-p.exited:
			t.Fatalf("try %d: engine %d of %d exited while starting (%v): %s", try, i+1, n, p.waitErr, p.stderr.String())
		default:
			p.waitHealthy(t)
		}
	}
	componenttest.WaitFor(t, "the input in a sink", func() bool {
		got := 0
		for _, d := range data {
			got += lines(t, filepath.Join(d, "out.jsonl"))
		}
		return got >= want
	})
	for _, p := range procs {
		p.stop(t)
	}
}
