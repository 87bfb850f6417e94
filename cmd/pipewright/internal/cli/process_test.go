package cli_test

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/componenttest"
)

// TestCrash_kill_9_loses_nothing runs the engine in a child process, kills it
// with SIGKILL at random points while it works through thousands of
// messages, and restarts it each time. Every message reaches the sink at
// least once, and the sink keyed by id (the idempotent pattern the Sage 500
// sink uses) holds each id exactly once.
func TestCrash_kill_9_loses_nothing(t *testing.T) {
	if testing.Short() {
		t.Skip("starts engine processes")
	}
	const n = 30000
	dir, data := t.TempDir(), t.TempDir()
	// A short ack wait: what a killed engine had in flight comes back soon.
	writeFiles(t, dir, map[string]string{
		"pipewright.yaml": "project: crash\ntransport: { ack_wait: 5s }\n",
		"p.yaml": `pipeline: p
source: { file: { path: in.jsonl, batch_size: 50 } }
steps:
  - map: { output: { id: msg.id, double: msg.v * 2 } }
sink: { file: { path: out.jsonl, key: msg.id } }
`,
		"in.jsonl": inputLines(n),
	})
	out := filepath.Join(data, "out.jsonl")
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 2))
	for round := 0; round < 4; round++ {
		done := lines(t, out)
		// Kill once the sink has moved on by a random part of the first
		// third of what is left: every kill lands mid-stream, however fast
		// or slow the machine is.
		at := done + 1 + rng.IntN(max(1, (n-done)/3))
		p := startProc(t, dir, data)
		componenttest.WaitFor(t, "progress before the kill", func() bool { return lines(t, out) >= at })
		p.kill()
		done = lines(t, out)
		t.Logf("round %d: killed with %d/%d in the sink", round, done, n)
		require.Less(t, done, n, "the kill landed after the last message")
	}
	p := startProc(t, dir, data)
	componenttest.WaitFor(t, "every message in the sink", func() bool { return lines(t, out) >= n })
	p.stop(t)
	requireEachOnce(t, ids(t, out), n)
}

// TestTwoEngines_share_one_pipeline_on_external_NATS starts a NATS server
// and two engine processes pointed at it. Only once both have joined the
// pipeline's queue group does the input arrive (a file dropped into the
// folder both watch; the engine holding the source's lease reads it): they
// split the messages between them, every message is processed, and none
// by both.
func TestTwoEngines_share_one_pipeline_on_external_NATS(t *testing.T) {
	if testing.Short() {
		t.Skip("starts engine processes")
	}
	ns, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: -1, JetStream: true, StoreDir: t.TempDir(), NoSigs: true})
	require.NoError(t, err)
	go ns.Start()
	require.True(t, ns.ReadyForConnections(componenttest.WaitLimit))
	defer ns.Shutdown()

	const n = 3000
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"pipewright.yaml": "project: shared\ntransport: { url: \"${env:NATS_URL}\" }\n",
		"p.yaml": `pipeline: p
source: { file: { path: "${env:INPUT}/*.jsonl", watch: 100ms, batch_size: 100 } }
steps:
  - map: { output: { id: msg.id } }
sink: { file: { path: out.jsonl } }
`,
	})
	require.NoError(t, os.Mkdir(filepath.Join(dir, "in"), 0o755))
	dataA, dataB := t.TempDir(), t.TempDir()
	a := startProc(t, dir, dataA, "NATS_URL="+ns.ClientURL(), "INPUT=in")
	b := startProc(t, dir, dataB, "NATS_URL="+ns.ClientURL(), "INPUT=in")
	componenttest.WaitFor(t, "both engines' workers in the queue group", func() bool {
		members := queueMembers(t, ns, "_pw.deliver.pw_shared_p")
		return len(members) == 2 && members[0] >= 8
	})

	// The input appears at once (renamed into the watched folder).
	tmp := filepath.Join(dir, "in.tmp")
	require.NoError(t, os.WriteFile(tmp, []byte(inputLines(n)), 0o644))
	require.NoError(t, os.Rename(tmp, filepath.Join(dir, "in", "in.jsonl")))

	outA, outB := filepath.Join(dataA, "out.jsonl"), filepath.Join(dataB, "out.jsonl")
	componenttest.WaitFor(t, "every message in a sink", func() bool { return lines(t, outA)+lines(t, outB) >= n })
	a.stop(t)
	b.stop(t)
	gotA, gotB := ids(t, outA), ids(t, outB)
	t.Logf("engine A processed %d, engine B %d", len(gotA), len(gotB))
	requireEachOnce(t, append(append([]string{}, gotA...), gotB...), n)
	// Both were bound before the first message existed, and the server
	// hands each delivery to a random member of the group: a share of 0 of
	// 3000 messages would take a bug, not bad luck (odds 2^-3000).
	require.NotEmpty(t, gotA, "engine A took part of the work")
	require.NotEmpty(t, gotB, "engine B took part of the work")
}

// queueMembers returns, per client connection, how many queue subscriptions
// it holds on subject (the pipeline's deliver subject), in ascending order.
func queueMembers(t *testing.T, ns *server.Server, subject string) []int {
	sz, err := ns.Subsz(&server.SubszOptions{Subscriptions: true, Test: subject, Limit: 1000})
	require.NoError(t, err)
	perConn := map[uint64]int{}
	for _, s := range sz.Subs {
		if s.Queue != "" {
			perConn[s.Cid]++
		}
	}
	var out []int
	for _, c := range perConn {
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}
