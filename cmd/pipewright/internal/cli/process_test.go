package cli_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// asPipewright makes the test binary behave as the pipewright command.
const asPipewright = "PIPEWRIGHT_TEST_AS_MAIN"

// engineProc is `pipewright run` in a child process.
type engineProc struct {
	cmd    *exec.Cmd
	addr   string
	stderr *bytes.Buffer
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	return ln.Addr().String()
}

func startProc(t *testing.T, dir, data string, env ...string) *engineProc {
	t.Helper()
	return startProcArgs(t, dir, data, nil, env...)
}

// startProcArgs is startProc with extra flags for run.
func startProcArgs(t *testing.T, dir, data string, args []string, env ...string) *engineProc {
	t.Helper()
	p := &engineProc{addr: freeAddr(t), stderr: &bytes.Buffer{}}
	args = append(append([]string{"run", "-listen", p.addr, "-data", data, "-workers", "8"}, args...), dir)
	p.cmd = exec.Command(os.Args[0], args...)
	p.cmd.Env = append(append(os.Environ(), asPipewright+"=1"), env...)
	p.cmd.Stderr = p.stderr
	require.NoError(t, p.cmd.Start())
	t.Cleanup(func() { p.kill() })
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get("http://" + p.addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			return p
		}
		if time.Now().After(deadline) || p.cmd.ProcessState != nil {
			t.Fatalf("engine did not start: %s", p.stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (p *engineProc) kill() {
	if p.cmd.Process != nil && p.cmd.ProcessState == nil {
		_ = p.cmd.Process.Signal(syscall.SIGKILL)
		_ = p.cmd.Wait()
	}
}

// stop sends SIGTERM and requires a clean exit.
func (p *engineProc) stop(t *testing.T) {
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGTERM))
	require.NoError(t, p.cmd.Wait(), p.stderr.String())
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	for name, data := range files {
		path := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(data), 0o644))
	}
}

// ids reads the id field of every complete line of a JSON-lines file (a
// running engine may be in the middle of writing the last one).
func ids(t *testing.T, path string) []string {
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil
	}
	require.NoError(t, err)
	data = data[:bytes.LastIndexByte(data, '\n')+1]
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		var m struct {
			ID string `json:"id"`
		}
		require.NoError(t, json.Unmarshal(sc.Bytes(), &m), sc.Text())
		out = append(out, m.ID)
	}
	return out
}

func inputLines(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, `{"id":"m%05d","v":%d}`+"\n", i, i)
	}
	return b.String()
}

// TestCrash_kill_9_loses_nothing runs the engine in a child process, kills it
// with SIGKILL at random moments while it works through thousands of
// messages, and restarts it each time. Every message reaches the sink at
// least once, and the sink keyed by id (the idempotent pattern the Sage 500
// sink uses) holds each id exactly once.
func TestCrash_kill_9_loses_nothing(t *testing.T) {
	if testing.Short() {
		t.Skip("starts engine processes")
	}
	const n = 30000
	dir, data := t.TempDir(), t.TempDir()
	writeFiles(t, dir, map[string]string{
		"pipewright.yaml": "project: crash\n",
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
	midStream := 0
	for round := 0; round < 6 && len(ids(t, out)) < n; round++ {
		p := startProc(t, dir, data)
		time.Sleep(time.Duration(20+rng.IntN(300)) * time.Millisecond)
		p.kill()
		done := len(ids(t, out))
		if done < n {
			midStream++
		}
		t.Logf("round %d: killed with %d/%d in the sink", round, done, n)
	}
	require.GreaterOrEqual(t, midStream, 2, "kills must land while messages are in flight")
	p := startProc(t, dir, data)
	deadline := time.Now().Add(60 * time.Second)
	for len(ids(t, out)) < n && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	p.stop(t)
	got := ids(t, out)
	seen := map[string]int{}
	for _, id := range got {
		seen[id]++
	}
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("m%05d", i)
		require.Equal(t, 1, seen[id], "id %s", id)
	}
	assert.Len(t, got, n)
}

// TestTwoEngines_share_one_pipeline_on_external_NATS starts a NATS server
// and two engine processes pointed at it: they split one pipeline's
// messages between them, and no message is processed by both.
func TestTwoEngines_share_one_pipeline_on_external_NATS(t *testing.T) {
	if testing.Short() {
		t.Skip("starts engine processes")
	}
	ns, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: -1, JetStream: true, StoreDir: t.TempDir(), NoSigs: true})
	require.NoError(t, err)
	go ns.Start()
	require.True(t, ns.ReadyForConnections(10*time.Second))
	defer ns.Shutdown()

	const n = 3000
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"pipewright.yaml": "project: shared\ntransport: { url: \"${env:NATS_URL}\" }\n",
		"p.yaml": `pipeline: p
source: { file: { path: "${env:INPUT}", batch_size: 100 } }
steps:
  - map: { output: { id: msg.id } }
sink: { file: { path: out.jsonl } }
`,
		"in.jsonl":    inputLines(n),
		"empty.jsonl": "",
	})
	dataA, dataB := t.TempDir(), t.TempDir()
	a := startProc(t, dir, dataA, "NATS_URL="+ns.ClientURL(), "INPUT=in.jsonl")
	b := startProc(t, dir, dataB, "NATS_URL="+ns.ClientURL(), "INPUT=empty.jsonl")
	count := func() int {
		return len(ids(t, filepath.Join(dataA, "out.jsonl"))) + len(ids(t, filepath.Join(dataB, "out.jsonl")))
	}
	deadline := time.Now().Add(60 * time.Second)
	for count() < n && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	a.stop(t)
	b.stop(t)
	gotA, gotB := ids(t, filepath.Join(dataA, "out.jsonl")), ids(t, filepath.Join(dataB, "out.jsonl"))
	seen := map[string]int{}
	for _, id := range append(append([]string{}, gotA...), gotB...) {
		seen[id]++
	}
	assert.Len(t, seen, n, "every message processed")
	for id, c := range seen {
		require.Equal(t, 1, c, "id %s processed by both engines", id)
	}
	t.Logf("engine A processed %d, engine B %d", len(gotA), len(gotB))
	assert.NotEmpty(t, gotB, "the second engine took part of the work")
}
