package cli_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/spapi/simulator"
	"github.com/pipewright/pipewright/engine/componenttest"
	"github.com/pipewright/pipewright/engine/natstest"
)

// ledgerPipeline is added to a copy of the reference directory: lines
// dropped into ledger-in/ go to a file sink without a key, which writes
// every message it is given (not idempotent by business key), one line per
// message id.
const ledgerPipeline = `pipeline: ledger
description: Test only. Lines of ledger-in/*.jsonl to a file sink without a key.
source:
  file: { path: "ledger-in/*.jsonl", watch: 200ms, batch_size: 100 }
steps:
  - map: { output: { id: msg.id } }
sink:
  file: { path: ledger.jsonl }
`

// ledgerStream is the ledger pipeline's stream in the reference project.
const ledgerStream = "PW_SAGE500_AMAZON_LEDGER"

// haDir copies the reference directory and adds the ledger pipeline.
func haDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "sage500-amazon")
	require.NoError(t, os.CopyFS(dir, os.DirFS(referenceDir)))
	writeFiles(t, dir, map[string]string{"ledger.yaml": ledgerPipeline})
	require.NoError(t, os.Mkdir(filepath.Join(dir, "ledger-in"), 0o755))
	return dir
}

// haWorld is a world whose engines are `pipewright run` processes on the
// world's clock: several on a NATS cluster, or one on its embedded NATS.
// The simulator's notifications reach a live engine through a front like
// a load balancer's.
type haWorld struct {
	*world
	nats *natstest.Cluster // nil: the engine's embedded NATS
	// rounds counts the rounds of the world's pollers, in front of its
	// Amazon.
	rounds *pollCounter

	mu      sync.Mutex
	engines []*engineProc
	data    []string
	next    int // the engine the front tries first

	diagnosed bool // the engines were stopped for a stall's diagnostics
}

// newHAWorld prepares a world on dir with n engine data directories; the
// engines start with startAll. opts change the simulator's config.
func newHAWorld(t *testing.T, dir string, scale float64, nats *natstest.Cluster, n int, opts ...func(*simulator.Config)) *haWorld {
	t.Helper()
	h := &haWorld{world: newWorld(t, scale, simulator.Faults{}, opts...), nats: nats, engines: make([]*engineProc, n)}
	h.dir = dir
	h.rounds, h.env["SPAPI_ENDPOINT"] = countPolls(t, h.sim.URL())
	for range n {
		h.data = append(h.data, t.TempDir())
	}
	h.serveFront()
	t.Cleanup(func() {
		if t.Failed() {
			h.logEngines()
		}
	})
	return h
}

// newSingleBeside prepares a world of one engine on its embedded NATS,
// with its own Amazon and Sage, on the clock of ha: at every moment both
// worlds are at the same simulated time, so that their schedules tick
// together and a window of simulated time is the same in both.
func newSingleBeside(t *testing.T, ha *haWorld) *haWorld {
	t.Helper()
	h := newHAWorld(t, haDir(t), ha.scale, nil, 1, func(c *simulator.Config) { c.Clock = ha.clock })
	h.clock, h.origin = ha.clock, ha.origin
	return h
}

// logPhase logs a step of the scenario with the simulated time and the
// calls the simulator saw so far, to read a failure's engine logs against.
func (h *haWorld) logPhase(format string, args ...any) {
	h.t.Logf("%s (simulated %s): %s; calls so far: %v", time.Now().UTC().Format(time.RFC3339), h.clock.Now().UTC().Format(time.RFC3339),
		fmt.Sprintf(format, args...), h.sim.Stats().Calls)
}

// logEngines logs what each engine wrote to stderr (warnings and errors).
func (h *haWorld) logEngines() {
	for i := range h.engines {
		if p := h.engine(i); p != nil {
			h.t.Logf("engine %d (%s) stderr:\n%s", i+1, h.data[i], p.stderr.String())
		}
	}
}

// launch starts engine i (again) and returns at once.
func (h *haWorld) launch(i int) *engineProc {
	var env []string
	for k, v := range h.env {
		env = append(env, k+"="+v)
	}
	if h.nats != nil {
		env = append(env, "NATS_URL="+h.nats.URL())
	}
	p := launchProc(h.t, h.dir, h.data[i], []string{"-watch", "0", "-log-level", "warn",
		"-time-scale", strconv.FormatFloat(h.scale, 'f', -1, 64), "-time-origin", h.origin.Format(time.RFC3339Nano)}, env...)
	h.mu.Lock()
	h.engines[i] = p
	h.mu.Unlock()
	return p
}

// startAll launches every engine at the same moment, then waits until each
// answers.
func startAll(t *testing.T, worlds ...*haWorld) {
	t.Helper()
	var procs []*engineProc
	for _, h := range worlds {
		for i := range h.engines {
			procs = append(procs, h.launch(i))
		}
	}
	for _, p := range procs {
		p.waitHealthy(t)
	}
}

// engine returns engine i.
func (h *haWorld) engine(i int) *engineProc {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.engines[i]
}

// serveFront listens where the simulator sends its notifications and
// passes each to a running engine, trying the next when one does not
// answer: any engine accepts a notification.
func (h *haWorld) serveFront() {
	ln, err := net.Listen("tcp", h.env["PIPEWRIGHT_LISTEN"])
	require.NoError(h.t, err)
	srv := &http.Server{Handler: http.HandlerFunc(h.forward), ReadHeaderTimeout: time.Minute}
	go func() { _ = srv.Serve(ln) }()
	h.t.Cleanup(func() { _ = srv.Close() })
}

func (h *haWorld) forward(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	h.mu.Lock()
	first := h.next
	h.next++
	engines := append([]*engineProc(nil), h.engines...)
	h.mu.Unlock()
	for k := range engines {
		p := engines[(first+k)%len(engines)]
		if p == nil {
			continue
		}
		req, err := http.NewRequestWithContext(r.Context(), r.Method, "http://"+p.addr+r.URL.RequestURI(), bytes.NewReader(body))
		if err != nil {
			continue
		}
		req.Header = r.Header.Clone()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			continue // stopped or killed: the next one
		}
		w.WriteHeader(resp.StatusCode)
		_, _ = io.Copy(w, resp.Body)
		resp.Body.Close()
		return
	}
	http.Error(w, "no engine answers", http.StatusBadGateway)
}

// dropLedger writes lines b<batch>-00000.. into a new ledger input file at
// once (renamed into the watched folder).
func (h *haWorld) dropLedger(batch, n int) {
	var b bytes.Buffer
	for i := range n {
		fmt.Fprintf(&b, `{"id":"b%d-%05d"}`+"\n", batch, i)
	}
	tmp := filepath.Join(h.dir, fmt.Sprintf("ledger-%d.tmp", batch))
	require.NoError(h.t, os.WriteFile(tmp, b.Bytes(), 0o644))
	require.NoError(h.t, os.Rename(tmp, filepath.Join(h.dir, "ledger-in", fmt.Sprintf("batch-%03d.jsonl", batch))))
}

// ledgerLines counts every id the engines' ledger files hold (complete
// lines only: a killed engine may have left half a line).
func (h *haWorld) ledgerLines() map[string]int {
	seen := map[string]int{}
	for _, d := range h.data {
		for _, id := range ids(h.t, filepath.Join(d, "ledger.jsonl")) {
			seen[id]++
		}
	}
	return seen
}

// ledgerMissing lists the ids of batches 1..batches (n lines each) that
// no ledger file holds.
func ledgerMissing(seen map[string]int, batches, n int) []string {
	var missing []string
	for b := 1; b <= batches; b++ {
		for i := range n {
			if id := fmt.Sprintf("b%d-%05d", b, i); seen[id] == 0 {
				missing = append(missing, id)
			}
		}
	}
	return missing
}

// jetStream is a client of the world's cluster.
func (h *haWorld) jetStream() jetstream.JetStream {
	js, err := jetstream.New(h.nats.Connect())
	require.NoError(h.t, err)
	return js
}

// streamLeader returns the index of the node leading stream.
func (h *haWorld) streamLeader(js jetstream.JetStream, stream string) int {
	var leader int
	componenttest.WaitFor(h.t, "a leader of "+stream, func() bool {
		info, err := streamInfo(js, stream)
		if err != nil || info.Cluster == nil || info.Cluster.Leader == "" {
			return false
		}
		_, err = fmt.Sscanf(info.Cluster.Leader, "n%d", &leader)
		return err == nil
	})
	return leader - 1
}

// caughtUp reports whether node (0-based) holds a current copy of every
// stream (KV buckets included) with nothing left to replicate.
func (h *haWorld) caughtUp(js jetstream.JetStream, node int) bool {
	name := fmt.Sprintf("n%d", node+1)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	names := js.StreamNames(ctx)
	n := 0
	for stream := range names.Name() {
		n++
		info, err := streamInfo(js, stream)
		if err != nil || info.Cluster == nil {
			return false
		}
		if info.Cluster.Leader == name {
			continue
		}
		current := false
		for _, r := range info.Cluster.Replicas {
			if r.Name == name && r.Current && r.Lag == 0 {
				current = true
			}
		}
		if !current {
			return false
		}
	}
	return names.Err() == nil && n > 0
}

func streamInfo(js jetstream.JetStream, stream string) (*jetstream.StreamInfo, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	st, err := js.Stream(ctx, stream)
	if err != nil {
		return nil, err
	}
	return st.Info(ctx)
}

// ordersOwner returns the engine that polls the orders source's search
// loop, by the owner metric each running engine serves (-1: none does).
func (h *haWorld) ordersOwner() int {
	for i := range h.engines {
		p := h.engine(i)
		select {
		case <-p.exited:
			continue
		default:
		}
		if p.owns("orders", "search") {
			return i
		}
	}
	return -1
}

// owns reports whether the engine says it polls a loop of pipeline's
// source.
func (p *engineProc) owns(pipeline, loop string) bool {
	resp, err := http.Get("http://" + p.addr + "/metrics")
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return false
	}
	for line := range strings.Lines(string(body)) {
		if strings.HasPrefix(line, ownerMetric+"{") && strings.Contains(line, `pipeline="`+pipeline+`"`) && strings.Contains(line, `loop="`+loop+`"`) &&
			strings.TrimSpace(line[strings.LastIndexByte(line, ' ')+1:]) == "1" {
			return true
		}
	}
	return false
}

// ownerMetric is 1 on the engine that owns a pipeline's source.
const ownerMetric = "pipewright_source_owned"
