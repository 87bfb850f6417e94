package service_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/componenttest"
	"github.com/pipewright/pipewright/engine/service"
)

// packagePipeline confirms packages of orders; its dead letters are keyed
// by order and package and versioned by the order's version.
const packagePipeline = `
-- pipewright.yaml --
project: t
connections:
  erp: { type: target }
-- tables/skus.csv --
sku,item
A,ITEM-A
-- packages.yaml --
pipeline: packages
source: { test.lines: { path: "*.jsonl" } }
steps:
  - name: item
    map:
      output:
        id: msg.id
        item: tables.skus[msg.sku]
sink: { target: { connection: erp } }
dead_letters:
  key: msg.order + "/" + string(msg.pkg)
  version: msg.v
  personal_data: [/buyer, /address]
`

func TestDeadLetters_later_delivery_of_the_key_at_a_version_as_new_resolves_them(t *testing.T) {
	dir := writeDir(t, packagePipeline)
	writeInput(t, dir, "1.jsonl", 2, func(i int) string {
		return []string{`{"id":"a1","order":"A","pkg":1,"v":2,"sku":"X"}`, `{"id":"a2","order":"A","pkg":2,"v":2,"sku":"X"}`}[i]
	})
	tg := newTarget()
	data := t.TempDir()
	e := startEngine(t, dir, data, tg, nil)
	recs := byKey(openRecords(t, e, 2))
	require.Contains(t, recs, "A/1")
	require.Contains(t, recs, "A/2")
	assert.Equal(t, "2", recs["A/1"].Version)
	stopEngine(t, e)

	// An older version of package 1 is delivered: it resolves nothing.
	writeInput(t, dir, "2.jsonl", 1, func(int) string { return `{"id":"a1-v1","order":"A","pkg":1,"v":1,"sku":"A"}` })
	e = startEngine(t, dir, data, tg, nil)
	componenttest.WaitFor(t, "the old version delivered", func() bool { d, _ := tg.count(); return d == 1 })
	assert.Len(t, openRecords(t, e, 2), 2)
	stopEngine(t, e)

	// A later poll delivers package 1 at a newer version.
	writeInput(t, dir, "3.jsonl", 1, func(int) string { return `{"id":"a1-v3","order":"A","pkg":1,"v":3,"sku":"A"}` })
	e = startEngine(t, dir, data, tg, nil)
	open := openRecords(t, e, 1)
	assert.Equal(t, "A/2", open[0].Key, "another package of the same order stays open")
	r, err := e.Admin().Get(context.Background(), recs["A/1"].Seq)
	require.NoError(t, err)
	assert.Equal(t, service.StatusResolved, r.Status)
	assert.Equal(t, "delivered", r.Resolution.How)
	assert.Equal(t, "3.jsonl:1", r.Resolution.By, "the id of the delivered message")
}

func byKey(recs []*service.DeadLetter) map[string]*service.DeadLetter {
	m := map[string]*service.DeadLetter{}
	for _, r := range recs {
		m[r.Key] = r
	}
	return m
}

func TestDeadLetters_retention_removes_personal_data_then_resolved_records(t *testing.T) {
	dir := writeDir(t, packagePipeline)
	writeInput(t, dir, "1.jsonl", 2, func(i int) string {
		return []string{
			`{"id":"a1","order":"113-1","pkg":1,"v":1,"sku":"X","total":"12.50","buyer":{"name":"Jane Roe","email":"jane@example.com"},"address":{"line1":"1 Main St"}}`,
			`{"id":"a2","order":"113-2","pkg":1,"v":1,"sku":"Y","total":"3.10","buyer":{"name":"John Doe"}}`,
		}[i]
	})
	e := startEngine(t, dir, t.TempDir(), newTarget(), nil)
	byK := byKey(openRecords(t, e, 2))
	recs := []*service.DeadLetter{byK["113-1/1"], byK["113-2/1"]}
	require.NotNil(t, recs[0])
	require.NotNil(t, recs[1])
	a := e.Admin()
	ctx := context.Background()
	masked := a.Mask(recs[0])
	assert.Equal(t, "[masked]", mustField(t, masked.Original, "buyer"), "masked for output")
	assert.Equal(t, map[string]any{"name": "Jane Roe", "email": "jane@example.com"}, mustField(t, recs[0].Original, "buyer"), "masking changes a copy")
	_, err := a.Resolve(ctx, recs[1].Seq, "order cancelled by the buyer")
	require.NoError(t, err)
	assert.Equal(t, 1.0, counter(t, e, "pipewright_dlq_resolved_total"), "the resolution is exported")

	res, err := a.Sweep(ctx, time.Now().Add(29*24*time.Hour))
	require.NoError(t, err)
	assert.Equal(t, service.SweepResult{}, res, "nothing is due before 30 days")

	res, err = a.Sweep(ctx, time.Now().Add(31*24*time.Hour))
	require.NoError(t, err)
	assert.Equal(t, service.SweepResult{Removed: 1, PersonalDataRemoved: 1}, res)
	r, err := a.Get(ctx, recs[0].Seq)
	require.NoError(t, err)
	assert.Equal(t, "[removed]", mustField(t, r.Original, "buyer"))
	assert.Equal(t, "[removed]", mustField(t, r.Original, "address"))
	assert.Equal(t, "12.50", mustField(t, r.Original, "total"), "amounts stay")
	assert.Equal(t, "113-1", mustField(t, r.Original, "order"), "ids stay")
	assert.Equal(t, recs[0].Reason, r.Reason, "the reason stays")
	assert.Equal(t, "113-1/1", r.Key)
	assert.NotNil(t, r.PersonalDataRemovedAt)
	assert.Equal(t, service.StatusOpen, r.Status, "open records are never removed")

	_, err = a.Replay(ctx, r.Seq, service.ReplayRequest{})
	var se *service.StateError
	require.ErrorAs(t, err, &se, "a message without its buyer cannot be replayed as it is")
	assert.Contains(t, err.Error(), "personal data")

	_, err = a.Get(ctx, recs[1].Seq)
	assert.ErrorIs(t, err, service.ErrNoDeadLetter, "the resolved record was removed after its retention")
}

func TestDeadLetters_repeated_operations_get_clear_answers(t *testing.T) {
	dir := writeDir(t, skuPipeline)
	writeInput(t, dir, "1.jsonl", 2, func(i int) string {
		return []string{`{"id":"o1","order":"113-1","sku":"B"}`, `{"id":"o2","order":"113-2","sku":"B"}`}[i]
	})
	e := startEngine(t, dir, t.TempDir(), newTarget(), nil)
	recs := openRecords(t, e, 2)
	a := e.Admin()
	ctx := context.Background()

	_, err := a.Resolve(ctx, recs[0].Seq, "")
	assert.ErrorContains(t, err, "needs a note")
	_, err = a.Resolve(ctx, recs[0].Seq, "refunded on Amazon")
	require.NoError(t, err)
	_, err = a.Resolve(ctx, recs[0].Seq, "again")
	var se *service.StateError
	require.ErrorAs(t, err, &se)
	assert.Contains(t, err.Error(), "is already resolved (operator at ")
	assert.Contains(t, err.Error(), "refunded on Amazon")
	_, err = a.Replay(ctx, recs[0].Seq, service.ReplayRequest{})
	assert.ErrorAs(t, err, &se, "a resolved record is not replayed")

	require.NoError(t, a.Drop(ctx, recs[1].Seq))
	err = a.Drop(ctx, recs[1].Seq)
	assert.ErrorIs(t, err, service.ErrNoDeadLetter)
	assert.Regexp(t, `^dead letter \d+: no such dead letter \(never stored, dropped, or removed after its retention\)$`, err.Error())
}

func TestDeadLetters_data_directory_of_a_running_engine_is_not_opened(t *testing.T) {
	dir := writeDir(t, skuPipeline)
	writeInput(t, dir, "1.jsonl", 1, func(int) string { return `{"id":"o1","order":"113-1","sku":"B"}` })
	data := t.TempDir()
	e := startEngine(t, dir, data, newTarget(), nil)
	rec := openRecords(t, e, 1)[0]
	p := loadProject(t, dir)

	_, err := service.OpenAdmin(context.Background(), p, data, "")
	var busy *service.DataDirBusyError
	require.True(t, errors.As(err, &busy), "got %v", err)
	assert.Equal(t, "engine", busy.Holder.Role)
	assert.Equal(t, e.Addr(), busy.Holder.HTTP, "the CLI learns where the engine's API is")
	assert.Equal(t, &busy.Holder, service.DataDirHolder(data))

	// Stopped, the data can be opened; a replay waits for the next start.
	stopEngine(t, e)
	assert.Nil(t, service.DataDirHolder(data))
	a, err := service.OpenAdmin(context.Background(), p, data, "")
	require.NoError(t, err)
	o, err := a.ReplayAndWait(context.Background(), rec.Seq, service.ReplayRequest{}, time.Minute)
	require.NoError(t, err)
	assert.Equal(t, service.ReplayPending, o.Status)
	_, err = a.Replay(context.Background(), rec.Seq, service.ReplayRequest{})
	assert.ErrorContains(t, err, "has a replay pending since")
	a.Close()
}
