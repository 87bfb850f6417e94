package service_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
	"github.com/pipewright/pipewright/engine/service"
)

// readyz returns /readyz's status code and reasons.
func readyz(t *testing.T, e *service.Engine) (int, map[string]string) {
	t.Helper()
	resp, err := http.Get("http://" + e.Addr() + "/readyz")
	require.NoError(t, err)
	defer resp.Body.Close()
	var r service.Readiness
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&r))
	return resp.StatusCode, r.Reasons
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return string(b)
}

// A locked database answers pings, so the circuit's health check passes
// while every write fails: the connection must still be reported once its
// calls have failed for degraded_after.
func TestHealth_a_connection_whose_calls_keep_failing_is_degraded_even_when_its_check_passes(t *testing.T) {
	dir := writeDir(t, `
-- pipewright.yaml --
project: deg
server:
  health: { degraded_after: 300ms }
connections:
  erp: { type: target }
defaults:
  errors:
    retry: { initial: 20ms, max: 50ms }
    circuit: { failures: 1000000, probe_every: 50ms }
-- orders.yaml --
pipeline: orders
source: { test.lines: { path: "in/*.jsonl", watch: 20ms } }
sink: { target: { connection: erp } }
`)
	tg := newTarget()
	tg.setLocked(true)
	writeFile(t, dir, "in/1.jsonl", `{"id":"o1"}`+"\n")
	e := startEngine(t, dir, t.TempDir(), tg, nil)
	base := "http://" + e.Addr()

	var reasons map[string]string
	componenttest.WaitFor(t, "readyz to report the connection", func() bool {
		var code int
		code, reasons = readyz(t, e)
		return code == http.StatusServiceUnavailable && reasons["connection/erp"] != ""
	})
	assert.Contains(t, reasons["connection/erp"], "degraded")
	assert.Contains(t, reasons["connection/erp"], "database is locked (SQLITE_BUSY)", "with its last error")
	assert.Equal(t, 1.0, gauge(t, e, "pipewright_connection_degraded"))
	assert.Equal(t, 0.0, gauge(t, e, "pipewright_circuit_open"), "the circuit stayed closed")
	assert.Equal(t, 0.0, gauge(t, e, "pipewright_ready"))
	h := e.Health()
	require.Len(t, h.Connections, 1)
	c := h.Connections[0]
	assert.Equal(t, service.ConnDegraded, c.State)
	require.NotNil(t, c.FailingSince)
	require.NotNil(t, c.DegradedSince)
	assert.Equal(t, 300*time.Millisecond, c.DegradedSince.Sub(*c.FailingSince))
	assert.Nil(t, c.LastSuccess)
	assert.Contains(t, get(t, base+"/"), "degraded since")

	tg.setLocked(false)
	componenttest.WaitFor(t, "ready again once calls succeed", func() bool {
		code, _ := readyz(t, e)
		return code == http.StatusOK
	})
	c = e.Health().Connections[0]
	assert.Equal(t, service.ConnUp, c.State)
	assert.NotNil(t, c.LastSuccess)
	assert.Nil(t, c.FailingSince)
	assert.Equal(t, 0.0, gauge(t, e, "pipewright_connection_degraded"))
}

func TestHealth_a_full_or_unwritable_data_directory_makes_the_engine_not_ready(t *testing.T) {
	cases := []struct {
		name   string
		breakd func(data string, free *atomic.Uint64)
		fix    func(data string, free *atomic.Uint64)
		want   string
	}{
		{"full", func(_ string, free *atomic.Uint64) { free.Store(10 << 20) },
			func(_ string, free *atomic.Uint64) { free.Store(100 << 30) }, "10 MiB free, below the 256 MiB required"},
		{"unwritable", func(data string, _ *atomic.Uint64) { require.NoError(t, os.Chmod(data, 0o500)) },
			func(data string, _ *atomic.Uint64) { require.NoError(t, os.Chmod(data, 0o755)) }, "not writable"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name == "unwritable" && os.Geteuid() == 0 {
				t.Skip("root writes to read-only directories")
			}
			dir := writeDir(t, "-- pipewright.yaml --\nproject: dd\n-- p.yaml --\npipeline: p\nsource: { test.lines: { path: in.jsonl } }\nsink: { test.lines: { path: out.jsonl } }\n")
			var free atomic.Uint64
			free.Store(100 << 30)
			data := t.TempDir()
			e := startEngineWith(t, dir, data, newTarget(), nil, componenttest.LogWriter(t), func(o *service.Options) {
				o.FreeSpace = func(string) (uint64, error) { return free.Load(), nil }
			})
			t.Cleanup(func() { _ = os.Chmod(data, 0o755) })
			code, _ := readyz(t, e)
			require.Equal(t, http.StatusOK, code)

			tc.breakd(data, &free)
			var reasons map[string]string
			componenttest.WaitFor(t, "not ready", func() bool {
				code, reasons = readyz(t, e)
				return code == http.StatusServiceUnavailable
			})
			assert.Contains(t, reasons["data_dir"], tc.want)
			assert.False(t, e.Health().DataDir.Ready)
			assert.Equal(t, 0.0, gauge(t, e, "pipewright_data_dir_ready"))

			tc.fix(data, &free)
			componenttest.WaitFor(t, "ready again", func() bool {
				code, _ := readyz(t, e)
				return code == http.StatusOK
			})
		})
	}
}

// Each retry is one WARN line: the Watermill router's own "handler
// returned error" line for the same failure is not repeated at ERROR.
func TestHealth_one_log_line_per_retry(t *testing.T) {
	dir := writeDir(t, targetPipeline)
	writeInput(t, dir, "in.jsonl", 1, func(int) string { return `{"id":"o1","sku":"A"}` })
	tg := newTarget()
	tg.failures = []error{component.Retryable(fmt.Errorf("503 from the ERP"))}
	logs := &componenttest.SyncBuffer{}
	startEngineLogging(t, dir, t.TempDir(), tg, map[string]string{"ERP_PASSWORD": "pw-123456"}, logs)
	componenttest.WaitFor(t, "o1 delivered after the retry", func() bool { d, _ := tg.count(); return d == 1 })

	var about []string
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var rec struct{ Level, Msg, Error string }
		require.NoError(t, json.Unmarshal([]byte(line), &rec), line)
		if rec.Level != "DEBUG" && strings.Contains(line, "503 from the ERP") {
			about = append(about, rec.Level+" "+rec.Msg)
		}
	}
	assert.Equal(t, []string{"WARN retryable failure: the message will be retried"}, about)
}

func TestHealth_notification_destinations_are_checked_against_the_public_url(t *testing.T) {
	closed := freeAddr(t) // nothing listens there
	cases := []struct {
		name, notify, problem string
	}{
		{"derived from the listen address", "/hooks/x", ""},
		{"another port", "http://" + closed + "/hooks/x", "does not answer"},
		{"a path no source serves", "/hooks/y", "no source of this engine serves the path /hooks/y"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeDir(t, fmt.Sprintf(`
-- pipewright.yaml --
project: pub
connections:
  erp: { type: target, notify: %q }
-- hooks.yaml --
pipeline: hooks
source: { test.hook: { path: /hooks/x } }
sink: { target: { connection: erp } }
`, tc.notify))
			logs := &componenttest.SyncBuffer{}
			e := startEngineLogging(t, dir, t.TempDir(), newTarget(), nil, logs)
			assert.Equal(t, "http://"+e.Addr(), e.Health().PublicURL)
			var h service.Health
			componenttest.WaitFor(t, "the destination checked", func() bool {
				h = e.Health()
				return len(h.Notifications) == 1
			})
			d := h.Notifications[0]
			assert.Equal(t, "erp", d.Connection)
			if tc.problem == "" {
				assert.True(t, d.Reaches, d.Problem)
				assert.NotContains(t, logs.String(), "notifications will not reach this engine")
				return
			}
			assert.False(t, d.Reaches)
			assert.Contains(t, d.Problem, tc.problem)
			assert.Contains(t, logs.String(), "notifications will not reach this engine")
		})
	}
}

func TestHealth_public_url(t *testing.T) {
	cases := []struct {
		name, listen, public string
		want                 func(addr string) string
	}{
		{"loopback listen address", "127.0.0.1:0", "", func(addr string) string { return "http://" + addr }},
		{"wildcard listen address", "0.0.0.0:0", "", func(addr string) string {
			_, port, _ := net.SplitHostPort(addr)
			return "http://127.0.0.1:" + port
		}},
		{"configured", "127.0.0.1:0", "https://hooks.example.test/", func(string) string { return "https://hooks.example.test" }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeDir(t, fmt.Sprintf("-- pipewright.yaml --\nproject: pub\nserver: { public_url: %q }\n-- p.yaml --\npipeline: p\nsource: { test.lines: { path: in.jsonl } }\nsink: { test.lines: { path: out.jsonl } }\n", tc.public))
			e := startEngineWith(t, dir, t.TempDir(), newTarget(), nil, componenttest.LogWriter(t), func(o *service.Options) { o.Listen = tc.listen })
			assert.Equal(t, tc.want(e.Addr()), e.Health().PublicURL)
		})
	}
}
