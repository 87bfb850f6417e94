package cli_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/pipewright/pipewright/engine/componenttest"
)

// waitFor waits like componenttest.WaitFor; when the condition is not met
// in time it first records what explains a stall: every stream's and
// consumer's state on the cluster, the engines' pipeline metrics and
// (SIGQUIT) their goroutines, into the directory PIPEWRIGHT_HA_DIAG names
// (else the test log).
func (h *haWorld) waitFor(what string, cond func() bool) {
	h.t.Helper()
	if !h.waitDone(what, func() int {
		if cond() {
			return 0
		}
		return 1
	}) {
		h.t.FailNow()
	}
}

// waitDone waits until left() is 0, as long as it keeps falling: it gives
// up once left() has not fallen for componenttest.WaitLimit, records the
// diagnostics (see waitFor), fails the test and returns false. A busy
// machine does the work slowly; a stall does none. After diagnostics the
// engines are gone: later waits give up at once.
func (h *haWorld) waitDone(what string, left func() int) bool {
	h.t.Helper()
	fewest, deadline := -1, time.Time{}
	for {
		n := left()
		if n == 0 {
			return true
		}
		if h.diagnosed {
			h.t.Errorf("%s: %d left after the engines were stopped for diagnostics", what, n)
			return false
		}
		if fewest < 0 || n < fewest {
			fewest, deadline = n, time.Now().Add(componenttest.WaitLimit)
		}
		if time.Now().After(deadline) {
			h.diagnose(what)
			h.t.Errorf("%s: no progress for %s (%d left)", what, componenttest.WaitLimit, n)
			return false
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// settle is world.settle waiting as long as the problems check finds get
// fewer (see waitDone); it returns the items checked, and on giving up
// reports the problems left.
func (h *haWorld) settle(what string, check func(p *problems) int) int {
	h.t.Helper()
	var (
		n    int
		last problems
	)
	defer func() {
		for i, msg := range last {
			if i == 20 {
				h.t.Errorf("%s: ... and %d more", what, len(last)-i)
				break
			}
			h.t.Errorf("%s: %s", what, msg)
		}
	}()
	h.waitDone(what, func() int {
		last = nil
		n = check(&last)
		return len(last)
	})
	return n
}

// diagnose records the cluster's and the engines' state (see waitFor).
func (h *haWorld) diagnose(what string) {
	h.diagnosed = true
	var b strings.Builder
	fmt.Fprintf(&b, "stalled waiting for %s at %s\n", what, time.Now().UTC().Format(time.RFC3339))
	if h.nats != nil {
		h.describeCluster(&b)
	}
	for i := range h.engines {
		p := h.engine(i)
		if p == nil {
			continue
		}
		fmt.Fprintf(&b, "\n== engine %d metrics\n%s", i+1, p.pipelineMetrics())
	}
	for i := range h.engines {
		if p := h.engine(i); p != nil && p.cmd.Process != nil {
			_ = p.cmd.Process.Signal(syscall.SIGQUIT)
			select {
			case <-p.exited:
			case <-time.After(20 * time.Second):
			}
		}
	}
	for i := range h.engines {
		if p := h.engine(i); p != nil {
			fmt.Fprintf(&b, "\n== engine %d stderr\n%s", i+1, p.stderr.String())
		}
	}
	if dir := os.Getenv("PIPEWRIGHT_HA_DIAG"); dir != "" {
		name := filepath.Join(dir, fmt.Sprintf("stall-%d.txt", time.Now().Unix()))
		if err := os.WriteFile(name, []byte(b.String()), 0o644); err == nil {
			h.t.Logf("stall diagnostics in %s", name)
			return
		}
	}
	h.t.Log(b.String())
}

// describeCluster writes every stream's cluster state and every consumer's
// delivery state.
func (h *haWorld) describeCluster(w io.Writer) {
	js, err := jetstream.New(h.nats.Connect())
	if err != nil {
		fmt.Fprintf(w, "jetstream: %v\n", err)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for st := range js.ListStreams(ctx).Info() {
		fmt.Fprintf(w, "\n== stream %s msgs=%d first=%d last=%d", st.Config.Name, st.State.Msgs, st.State.FirstSeq, st.State.LastSeq)
		if st.Cluster != nil {
			fmt.Fprintf(w, " leader=%s", st.Cluster.Leader)
			for _, r := range st.Cluster.Replicas {
				fmt.Fprintf(w, " [%s current=%v offline=%v lag=%d active=%s]", r.Name, r.Current, r.Offline, r.Lag, r.Active)
			}
		}
		fmt.Fprintln(w)
		s, err := js.Stream(ctx, st.Config.Name)
		if err != nil {
			fmt.Fprintf(w, "  stream: %v\n", err)
			continue
		}
		for ci := range s.ListConsumers(ctx).Info() {
			fmt.Fprintf(w, "  consumer %s delivered=%d/%d ackfloor=%d/%d pending=%d ackpending=%d redelivered=%d waiting=%d push_bound=%v",
				ci.Name, ci.Delivered.Consumer, ci.Delivered.Stream, ci.AckFloor.Consumer, ci.AckFloor.Stream,
				ci.NumPending, ci.NumAckPending, ci.NumRedelivered, ci.NumWaiting, ci.PushBound)
			if ci.Cluster != nil {
				fmt.Fprintf(w, " leader=%s", ci.Cluster.Leader)
			}
			fmt.Fprintln(w)
		}
	}
}

// pipelineMetrics returns the engine's metric lines about pipelines,
// sources, acks and NATS.
func (p *engineProc) pipelineMetrics() string {
	resp, err := http.Get("http://" + p.addr + "/metrics")
	if err != nil {
		return err.Error() + "\n"
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var b strings.Builder
	for line := range strings.Lines(string(body)) {
		if strings.HasPrefix(line, "pipewright_") && strings.Contains(line, "ledger") {
			b.WriteString(line)
		}
	}
	return b.String()
}
