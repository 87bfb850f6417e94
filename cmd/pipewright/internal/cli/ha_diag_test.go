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
	deadline := time.Now().Add(componenttest.WaitLimit)
	for !cond() {
		if time.Now().After(deadline) {
			h.diagnose(what)
			h.t.Fatalf("timed out after %s waiting for %s", componenttest.WaitLimit, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// diagnose records the cluster's and the engines' state (see waitFor).
func (h *haWorld) diagnose(what string) {
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
