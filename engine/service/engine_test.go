package service_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
	"github.com/pipewright/pipewright/engine/service"
)

func writeInput(t *testing.T, dir, name string, n int, line func(i int) string) {
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString(line(i))
		b.WriteByte('\n')
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(b.String()), 0o644))
}

// completeLines counts the lines of a file that end in a newline (0 when it
// does not exist).
func completeLines(t *testing.T, path string) int {
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return 0
	}
	require.NoError(t, err)
	return bytes.Count(data, []byte("\n"))
}

func readLines(t *testing.T, path string) []map[string]any {
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil
	}
	require.NoError(t, err)
	var out []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		var m map[string]any
		require.NoError(t, json.Unmarshal(sc.Bytes(), &m), sc.Text())
		out = append(out, m)
	}
	return out
}

func TestEngine_file_to_map_to_file_delivers_every_message(t *testing.T) {
	dir := writeDir(t, `
-- pipewright.yaml --
project: e2e
-- orders.yaml --
pipeline: orders
source: { test.lines: { path: in.jsonl, batch_size: 100 } }
steps:
  - map:
      output:
        id: msg.id
        total: (decimal(msg.price) * msg.qty).round(2)
        sku: msg.sku.upperAscii()
sink: { test.lines: { path: out.jsonl } }
`)
	const n = 2000
	writeInput(t, dir, "in.jsonl", n, func(i int) string {
		return fmt.Sprintf(`{"id":"o%d","price":"1.15","qty":%d,"sku":"s-%d"}`, i, i%7+1, i)
	})
	data := t.TempDir()
	e := startEngine(t, dir, data, newTarget(), nil)
	out := filepath.Join(data, "out.jsonl")
	// The sink may be writing a line while the test reads: count complete
	// lines, and parse them once the engine has stopped.
	componenttest.WaitFor(t, "every message in the sink", func() bool { return completeLines(t, out) >= n })
	componenttest.WaitFor(t, "every delivery counted", func() bool { return counter(t, e, "pipewright_messages_out_total") >= n })
	assert.Equal(t, float64(n), counter(t, e, "pipewright_messages_out_total"))
	assert.Equal(t, uint64(n), histogramCount(t, e, "pipewright_end_to_end_seconds"), "every delivery's end-to-end time is observed")
	stopEngine(t, e)
	lines := readLines(t, out)
	require.Len(t, lines, n, "no duplicates either")
	byID := map[string]map[string]any{}
	for _, l := range lines {
		byID[l["id"].(string)] = l
	}
	require.Len(t, byID, n)
	assert.Equal(t, map[string]any{"id": "o0", "total": 1.15, "sku": "S-0"}, byID["o0"])
	assert.Equal(t, 8.05, byID["o13"]["total"], "1.15 * 7 exactly")
}

const targetPipeline = `
-- pipewright.yaml --
project: t
connections:
  erp: { type: target, password: "${env:ERP_PASSWORD}" }
defaults:
  errors:
    retry: { initial: 20ms, max: 200ms }
    unclassified_attempts: 3
    circuit: { failures: 3, probe_every: 100ms }
-- tables/skus.csv --
sku,item
A,ITEM-A
-- orders.yaml --
pipeline: orders
source: { test.lines: { path: in.jsonl } }
steps:
  - name: item
    map:
      output:
        id: msg.id
        item: tables.skus[msg.sku]
sink: { target: { connection: erp } }
`

func TestEngine_retries_a_failing_sink_until_it_succeeds(t *testing.T) {
	dir := writeDir(t, targetPipeline)
	writeInput(t, dir, "in.jsonl", 1, func(int) string { return `{"id":"o1","sku":"A"}` })
	tg := newTarget()
	tg.failures = []error{component.Retryable(fmt.Errorf("503")), component.Retryable(fmt.Errorf("503")), fmt.Errorf("hiccup")}
	e := startEngine(t, dir, t.TempDir(), tg, map[string]string{"ERP_PASSWORD": "hunter2-secret"})
	componenttest.WaitFor(t, "delivery after 3 failures", func() bool { d, _ := tg.count(); return d == 1 })
	_, total := tg.count()
	assert.Equal(t, 1, total)
	assert.Equal(t, 3.0, counter(t, e, "pipewright_messages_retried_total"))
}

func TestEngine_unclassified_errors_are_dead_lettered_after_the_budget(t *testing.T) {
	dir := writeDir(t, targetPipeline)
	writeInput(t, dir, "in.jsonl", 1, func(int) string { return `{"id":"o1","sku":"A"}` })
	tg := newTarget()
	for i := 0; i < 10; i++ {
		tg.failures = append(tg.failures, fmt.Errorf("odd failure using hunter2-secret"))
	}
	e := startEngine(t, dir, t.TempDir(), tg, map[string]string{"ERP_PASSWORD": "hunter2-secret"})
	var recs []*service.DeadLetter
	componenttest.WaitFor(t, "a dead letter", func() bool {
		recs, _ = e.Admin().List(context.Background(), service.DeadLetterFilter{})
		return len(recs) == 1
	})
	r := recs[0]
	assert.Equal(t, "exhausted", r.Class)
	assert.Equal(t, 3, r.Attempts, "three unclassified failures spend a budget of 3")
	assert.Equal(t, "sink:main", r.Step)
	assert.Equal(t, "odd failure using [redacted]", r.Error, "the secret never reaches a dead letter")
}

func TestEngine_dead_letter_then_fix_the_table_and_replay(t *testing.T) {
	dir := writeDir(t, targetPipeline)
	writeInput(t, dir, "in.jsonl", 2, func(i int) string { return []string{`{"id":"o1","sku":"A"}`, `{"id":"o2","sku":"B"}`}[i] })
	tg := newTarget()
	env := map[string]string{"ERP_PASSWORD": "pw-123456"}
	data := t.TempDir()
	e := startEngine(t, dir, data, tg, env)
	var recs []*service.DeadLetter
	componenttest.WaitFor(t, "o1 delivered and o2 dead-lettered", func() bool {
		recs, _ = e.Admin().List(context.Background(), service.DeadLetterFilter{Pipeline: "orders"})
		d, _ := tg.count()
		return len(recs) == 1 && d == 1
	})
	r := recs[0]
	assert.Equal(t, "o2", mustField(t, r.Original, "id"))
	assert.Equal(t, "orders", r.Pipeline)
	assert.Equal(t, "item", r.Step)
	assert.Equal(t, 0, r.StepIndex)
	assert.Equal(t, "permanent", r.Class)
	assert.Equal(t, 1, r.Attempts)
	assert.Contains(t, r.Error, `table "skus" has no key "B"`)
	assert.Equal(t, "in.jsonl:2", r.ID)
	assert.Equal(t, "in.jsonl:2", r.CorrelationID)
	assert.Equal(t, "2", r.Metadata["line"])
	assert.False(t, r.ReceivedAt.IsZero())
	assert.False(t, r.FailedAt.Before(r.ReceivedAt))
	assert.JSONEq(t, `{"id":"o2","sku":"B"}`, string(r.Input))
	assert.Equal(t, 1.0, gauge(t, e, "pipewright_dlq_depth"))

	// The operator adds the SKU to the table and restarts the engine.
	stopEngine(t, e)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "tables", "skus.csv"), []byte("sku,item\nA,ITEM-A\nB,ITEM-B\n"), 0o644))
	e = startEngine(t, dir, data, tg, env)
	a := e.Admin()
	id, err := a.Replay(context.Background(), r.Seq, service.ReplayRequest{})
	require.NoError(t, err)
	o, err := a.WaitOutcome(context.Background(), id, componenttest.WaitLimit)
	require.NoError(t, err)
	assert.Equal(t, "ok", o.Status)
	d, total := tg.count()
	assert.Equal(t, 2, d)
	assert.Equal(t, 2, total, "o1 was not delivered again")
	recs, err = a.List(context.Background(), service.DeadLetterFilter{Status: service.StatusOpen})
	require.NoError(t, err)
	assert.Empty(t, recs)
	r, err = a.Get(context.Background(), r.Seq)
	require.NoError(t, err)
	assert.Equal(t, service.StatusResolved, r.Status)
	assert.Equal(t, "replayed", r.Resolution.How)
}

func TestEngine_outage_opens_the_circuit_and_drains_after_recovery(t *testing.T) {
	dir := writeDir(t, targetPipeline)
	const n = 300
	writeInput(t, dir, "in.jsonl", n, func(i int) string { return fmt.Sprintf(`{"id":"o%d","sku":"A"}`, i) })
	tg := newTarget()
	tg.setDown(true)
	e := startEngine(t, dir, t.TempDir(), tg, map[string]string{"ERP_PASSWORD": "pw-123456"})
	base := "http://" + e.Addr()
	componenttest.WaitFor(t, "the circuit to open", func() bool { return gauge(t, e, "pipewright_circuit_open") == 1 })
	resp, err := http.Get(base + "/readyz")
	require.NoError(t, err)
	var ready struct {
		Ready   bool              `json:"ready"`
		Reasons map[string]string `json:"reasons"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&ready))
	resp.Body.Close()
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	// The reason is the last failure: a write's or the health check's.
	assert.Contains(t, ready.Reasons["connection/erp"], "target unreachable")
	componenttest.WaitFor(t, "every message in the stream", func() bool { return counter(t, e, "pipewright_messages_in_total") == n })
	assert.Equal(t, float64(n/100), gauge(t, e, "pipewright_stream_backlog"),
		"every message waits in the stream: the source's batches of 100, one pack each")
	// While the circuit is open, messages go round (waiting for it, then
	// back to the stream) without reaching the target: only the writes
	// already past the circuit when it opened (at most one per worker) may
	// still arrive.
	writesWhenOpen := tg.attempts()
	retried := counter(t, e, "pipewright_messages_retried_total")
	componenttest.WaitFor(t, "messages handed back while the circuit is open", func() bool {
		return counter(t, e, "pipewright_messages_retried_total") >= retried+20
	})
	assert.LessOrEqual(t, tg.attempts()-writesWhenOpen, 8, "an open circuit does not burn attempts")

	tg.setDown(false)
	componenttest.WaitFor(t, "everything to drain", func() bool { d, _ := tg.count(); return d == n })
	componenttest.WaitFor(t, "ready again", func() bool {
		resp, err := http.Get(base + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	recs, err := e.Admin().List(context.Background(), service.DeadLetterFilter{})
	require.NoError(t, err)
	assert.Empty(t, recs, "nothing was dead-lettered")
}

func mustField(t *testing.T, raw json.RawMessage, key string) any {
	var m map[string]any
	require.NoError(t, json.Unmarshal(raw, &m))
	return m[key]
}

func TestEngine_changed_step_remembers_only_delivered_values(t *testing.T) {
	dir := writeDir(t, `
-- pipewright.yaml --
project: stock
connections:
  erp: { type: target }
defaults:
  errors: { retry: { initial: 20ms, max: 100ms } }
-- stock.yaml --
pipeline: stock
source: { test.lines: { path: "*.jsonl" } }
steps:
  - name: qty
    changed: { key: msg.sku, value: msg.qty }
sink: { target: { connection: erp } }
`)
	writeInput(t, dir, "1.jsonl", 1, func(int) string { return `{"id":"a","sku":"A","qty":1}` })
	tg := newTarget()
	tg.failures = []error{component.Retryable(fmt.Errorf("503"))}
	data := t.TempDir()
	e := startEngine(t, dir, data, tg, nil)
	componenttest.WaitFor(t, "a delivered after a retry", func() bool { d, _ := tg.count(); return d == 1 })
	stopEngine(t, e)

	writeInput(t, dir, "2.jsonl", 1, func(int) string { return `{"id":"b","sku":"A","qty":1}` })
	writeInput(t, dir, "3.jsonl", 1, func(int) string { return `{"id":"c","sku":"B","qty":1}` })
	e = startEngine(t, dir, data, tg, nil)
	componenttest.WaitFor(t, "c delivered", func() bool { d, _ := tg.count(); return d == 2 })
	// a may come round again too (a shutdown can lose its acknowledgement),
	// and is then dropped as unchanged as well.
	componenttest.WaitFor(t, "b dropped as unchanged", func() bool {
		return counter(t, e, "pipewright_messages_dropped_total") >= 1
	})
	tg.mu.Lock()
	defer tg.mu.Unlock()
	assert.Equal(t, []string{"a", "c"}, tg.order)
}
