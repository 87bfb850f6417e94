package service_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/componenttest"
	"github.com/pipewright/pipewright/engine/service"
)

// skuPipeline computes the item in a map step from a table and checks it
// in a later step: the failing step's input holds what the old table gave.
const skuPipeline = `
-- pipewright.yaml --
project: t
connections:
  erp: { type: target }
defaults:
  errors: { retry: { initial: 20ms, max: 200ms } }
-- tables/skus.csv --
sku,item
A,ITEM-A
-- orders.yaml --
pipeline: orders
source: { test.lines: { path: "*.jsonl" } }
steps:
  - name: canonical
    map:
      output:
        id: msg.id
        order: msg.order
        sku: msg.sku
        item: 'msg.sku in tables.skus ? tables.skus[msg.sku] : ""'
  - name: rules
    assert:
      - that: msg.item != ""
        message: '"unknown SKU " + msg.sku + " in order " + msg.order + ": add it to tables/skus.csv"'
sink: { target: { connection: erp } }
`

// openRecords waits for n open dead letters and returns them.
func openRecords(t *testing.T, e *service.Engine, n int) []*service.DeadLetter {
	t.Helper()
	var recs []*service.DeadLetter
	componenttest.WaitFor(t, "open dead letters", func() bool {
		recs, _ = e.Admin().List(context.Background(), service.DeadLetterFilter{Status: service.StatusOpen})
		return len(recs) == n
	})
	return recs
}

func TestReplay_that_fails_again_answers_failed_with_the_new_record(t *testing.T) {
	dir := writeDir(t, skuPipeline)
	writeInput(t, dir, "1.jsonl", 1, func(int) string { return `{"id":"o1","order":"113-1","sku":"B"}` })
	e := startEngine(t, dir, t.TempDir(), newTarget(), nil)
	old := openRecords(t, e, 1)[0]
	assert.Equal(t, "rules", old.Step)
	assert.Equal(t, "unknown SKU {} in order {}: add it to tables/skus.csv", old.Reason)

	ctx := context.Background()
	o, err := e.Admin().ReplayAndWait(ctx, old.Seq, service.ReplayRequest{}, 60*time.Second)
	require.NoError(t, err)
	assert.Equal(t, service.ReplayFailed, o.Status, "the table was not fixed: the replay failed, it did not succeed")
	assert.Equal(t, "unknown SKU B in order 113-1: add it to tables/skus.csv", o.Error)
	require.NotZero(t, o.DLQSeq)
	assert.NotEqual(t, old.Seq, o.DLQSeq)
	require.NotNil(t, o.DeadLetter)
	assert.Equal(t, o.DLQSeq, o.DeadLetter.Seq)
	assert.Equal(t, old.Seq, o.DeadLetter.ReplayOf)

	fresh := openRecords(t, e, 1)[0]
	assert.Equal(t, o.DLQSeq, fresh.Seq, "the new failure is the one open record")
	prev, err := e.Admin().Get(ctx, old.Seq)
	require.NoError(t, err)
	assert.Equal(t, service.StatusResolved, prev.Status)
	assert.Equal(t, "replaced", prev.Resolution.How)
	assert.Equal(t, o.DLQSeq, prev.Resolution.ReplacedBy)
}

func TestReplay_reruns_every_step_with_the_fixed_table_and_bulk_replays_a_group(t *testing.T) {
	dir := writeDir(t, skuPipeline)
	writeInput(t, dir, "1.jsonl", 3, func(i int) string {
		return []string{`{"id":"o1","order":"113-1","sku":"A"}`, `{"id":"o2","order":"113-2","sku":"B"}`, `{"id":"o3","order":"113-3","sku":"C"}`}[i]
	})
	tg := newTarget()
	data := t.TempDir()
	e := startEngine(t, dir, data, tg, nil)
	recs := openRecords(t, e, 2)
	assert.Equal(t, recs[0].Group, recs[1].Group, "one reason, one group")
	groups, err := e.Admin().Groups(context.Background(), service.DeadLetterFilter{Status: service.StatusOpen}, 5)
	require.NoError(t, err)
	require.Len(t, groups, 1)
	assert.Equal(t, 2, groups[0].Count)

	// The operator adds the SKUs to the table and restarts the engine.
	stopEngine(t, e)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "tables", "skus.csv"), []byte("sku,item\nA,ITEM-A\nB,ITEM-B\nC,ITEM-C\n"), 0o644))
	e = startEngine(t, dir, data, tg, nil)
	ctx := context.Background()

	// Resuming at the failed step sends the input the old table computed.
	o, err := e.Admin().ReplayAndWait(ctx, recs[0].Seq, service.ReplayRequest{Resume: true}, 60*time.Second)
	require.NoError(t, err)
	assert.Equal(t, service.ReplayFailed, o.Status)

	// A bulk replay of the group runs the original messages through every step.
	var seen []service.Job
	job, err := e.Admin().RunBulk(ctx, service.BulkRequest{Action: service.BulkReplay, Filter: service.DeadLetterFilter{Group: recs[0].Group}, Rate: 50, Wait: time.Minute},
		func(j service.Job) { seen = append(seen, j) })
	require.NoError(t, err)
	assert.Equal(t, service.JobDone, job.State)
	assert.Equal(t, 2, job.Total)
	assert.Equal(t, 2, job.OK, "%+v", job.Results)
	assert.Zero(t, job.Pending)
	assert.Greater(t, len(seen), 2, "progress is told along the way")
	tg.mu.Lock()
	assert.Equal(t, map[string]int{"o1": 1, "o2": 1, "o3": 1}, tg.got, "every order once")
	tg.mu.Unlock()
	assert.Empty(t, openRecords(t, e, 0))
	assert.Equal(t, 0.0, gauge(t, e, "pipewright_dlq_depth"))
}

func TestReplay_asks_lookups_again(t *testing.T) {
	dir := writeDir(t, `
-- pipewright.yaml --
project: t
connections:
  erp: { type: target }
-- orders.yaml --
pipeline: orders
source: { test.lines: { path: "*.jsonl" } }
steps:
  - name: item
    lookup: { connection: erp, query: item, params: { sku: msg.sku }, as: item }
  - map:
      output:
        id: msg.id
        item: item.item
sink: { target: { connection: erp } }
`)
	writeInput(t, dir, "1.jsonl", 1, func(int) string { return `{"id":"o1","sku":"B"}` })
	tg := newTarget()
	e := startEngine(t, dir, t.TempDir(), tg, nil)
	rec := openRecords(t, e, 1)[0]
	assert.Contains(t, rec.Error, "found nothing for sku=B")

	// The item is created in the target system; its lookups are cached.
	tg.setItem("B", "ITEM-B")
	o, err := e.Admin().ReplayAndWait(context.Background(), rec.Seq, service.ReplayRequest{}, 60*time.Second)
	require.NoError(t, err)
	assert.Equal(t, service.ReplayOK, o.Status, "the unchanged message succeeds thanks to a fresh lookup: %s", o.Error)
	d, _ := tg.count()
	assert.Equal(t, 1, d)
}
