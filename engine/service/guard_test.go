package service_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/componenttest"
	"github.com/pipewright/pipewright/engine/service"
)

// guardedPrices sends prices to the target, holding moves of more than
// half the last price and flagging prices above 100.
const guardedPrices = `
-- pipewright.yaml --
project: t
connections:
  erp: { type: target }
-- prices.yaml --
pipeline: prices
source: { test.lines: { path: "*.jsonl" } }
steps:
  - name: price-guard
    guard:
      key: msg.sku
      value: msg.price
      rules:
        - name: price-move
          min_history: 1
          hold: (value - history.last).abs() * 2 > history.last
          message: '"price of " + key + " moves from " + string(history.last) + " to " + string(value)'
        - name: ceiling
          flag: value > 100
          message: '"price of " + key + " is above 100: " + string(value)'
sink: { target: { connection: erp } }
dead_letters:
  key: msg.sku
`

func delivered(tg *target, id string) bool { return tg.body(id) != nil }

// firstPriceDelivered runs the guarded prices until A's first price, 20.00,
// is delivered, and stops the engine.
func firstPriceDelivered(t *testing.T) (dir, data string, tg *target) {
	dir, data, tg = writeDir(t, guardedPrices), t.TempDir(), newTarget()
	writeInput(t, dir, "1.jsonl", 1, func(int) string { return `{"id":"p1","sku":"A","price":"20.00"}` })
	e := startEngine(t, dir, data, tg, nil)
	componenttest.WaitFor(t, "the first price delivered", func() bool { return delivered(tg, "p1") })
	stopEngine(t, e)
	return dir, data, tg
}

func heldRecords(t *testing.T, e *service.Engine, n int) []*service.DeadLetter {
	t.Helper()
	var recs []*service.DeadLetter
	componenttest.WaitFor(t, "held messages", func() bool {
		recs, _ = e.Admin().List(context.Background(), service.DeadLetterFilter{Status: service.StatusOpen, Class: service.ClassHeld})
		return len(recs) == n
	})
	return recs
}

func TestGuard_a_price_drop_is_held_across_a_restart_and_delivered_only_once_approved(t *testing.T) {
	dir, data, tg := firstPriceDelivered(t)

	// A 90% drop, a second bad value of the same burst, and a normal change
	// of another SKU.
	writeInput(t, dir, "2.jsonl", 3, func(i int) string {
		return []string{`{"id":"p2","sku":"A","price":"2.00"}`, `{"id":"p3","sku":"A","price":"1.90"}`, `{"id":"q1","sku":"B","price":"7.00"}`}[i]
	})
	e := startEngine(t, dir, data, tg, nil)
	componenttest.WaitFor(t, "the normal change delivered", func() bool { return delivered(tg, "q1") })
	held := heldRecords(t, e, 2)
	for _, r := range held {
		assert.Equal(t, "price-guard", r.Step)
		assert.Equal(t, service.ClassHeld, r.Class)
		assert.Equal(t, "A", r.Key)
		assert.Contains(t, r.Error, "held for review by price-move: price of A moves from 20.00 to ")
	}
	stopEngine(t, e)

	// The held messages survive a restart and nothing delivers them.
	e = startEngine(t, dir, data, tg, nil)
	held = heldRecords(t, e, 2)
	assert.False(t, delivered(tg, "p2"))
	assert.False(t, delivered(tg, "p3"))
	p2 := held[0]
	if mustField(t, p2.Original, "id") != "p2" {
		p2 = held[1]
	}

	a := e.Admin()
	ctx := context.Background()
	_, err := a.Replay(ctx, p2.Seq, service.ReplayRequest{})
	var se *service.StateError
	require.ErrorAs(t, err, &se, "a held message is approved or rejected, not replayed")
	_, err = a.Approve(ctx, p2.Seq, "  ", "", time.Minute)
	require.Error(t, err, "an approval names its reviewer")

	o, err := a.Approve(ctx, p2.Seq, "alice", "clearance sale", componenttest.WaitLimit)
	require.NoError(t, err)
	require.Equal(t, service.ReplayOK, o.Status)
	assert.True(t, delivered(tg, "p2"), "the approved price reached the target")
	assert.Equal(t, "2.00", tg.body("p2")["price"])
	r, err := a.Get(ctx, p2.Seq)
	require.NoError(t, err)
	assert.Equal(t, service.StatusResolved, r.Status)
	require.NotNil(t, r.Resolution)
	assert.Equal(t, "approved", r.Resolution.How)
	assert.Equal(t, "alice", r.Resolution.By)
	require.NotNil(t, r.Review)
	assert.Equal(t, service.Review{Decision: service.ReviewApproved, By: "alice", At: r.Review.At, Note: "clearance sale"}, *r.Review)
	assert.False(t, r.Review.At.IsZero())
	_, err = a.Approve(ctx, p2.Seq, "alice", "", time.Minute)
	require.ErrorAs(t, err, &se, "approved once")

	// The approved price is the history now: a price near it passes.
	writeInput(t, dir, "3.jsonl", 1, func(int) string { return `{"id":"p4","sku":"A","price":"2.10"}` })
	stopEngine(t, e)
	e = startEngine(t, dir, data, tg, nil)
	componenttest.WaitFor(t, "a price near the approved one delivered", func() bool { return delivered(tg, "p4") })
	// The other held price of the burst is superseded by the delivered one,
	// as any dead letter of the key (dead_letters.key) is.
	p3 := held[0]
	if p3.Seq == p2.Seq {
		p3 = held[1]
	}
	componenttest.WaitFor(t, "the older held price superseded", func() bool {
		r, err := e.Admin().Get(ctx, p3.Seq)
		return err == nil && r.Resolution != nil && r.Resolution.How == "delivered"
	})
	assert.False(t, delivered(tg, "p3"))
}

func TestGuard_a_rejected_message_is_dropped_and_the_decision_recorded(t *testing.T) {
	dir, data, tg := firstPriceDelivered(t)
	writeInput(t, dir, "2.jsonl", 1, func(int) string { return `{"id":"p2","sku":"A","price":"200.00"}` })
	e := startEngine(t, dir, data, tg, nil)
	rec := heldRecords(t, e, 1)[0]

	a := e.Admin()
	ctx := context.Background()
	r, err := a.Reject(ctx, rec.Seq, "bob", "typo in Sage, fixed there")
	require.NoError(t, err)
	assert.Equal(t, service.StatusResolved, r.Status)
	assert.Equal(t, "rejected", r.Resolution.How)
	assert.Equal(t, "bob", r.Resolution.By)
	assert.Equal(t, "typo in Sage, fixed there", r.Resolution.Note)
	assert.Equal(t, service.ReviewRejected, r.Review.Decision)

	var se *service.StateError
	_, err = a.Approve(ctx, rec.Seq, "alice", "", time.Minute)
	require.ErrorAs(t, err, &se, "a rejected message cannot be approved")
	_, err = a.Reject(ctx, rec.Seq, "bob", "")
	require.ErrorAs(t, err, &se)
	stopEngine(t, e)

	e = startEngine(t, dir, data, tg, nil)
	got, err := e.Admin().Get(ctx, rec.Seq)
	require.NoError(t, err)
	assert.Equal(t, "rejected", got.Resolution.How, "the decision survives a restart")
	assert.False(t, delivered(tg, "p2"), "a rejected message is never delivered")
	recs, err := e.Admin().List(ctx, service.DeadLetterFilter{Status: service.StatusOpen})
	require.NoError(t, err)
	assert.Empty(t, recs)
}

func TestGuard_a_flagged_value_is_delivered_counted_and_reported(t *testing.T) {
	dir := writeDir(t, guardedPrices)
	tg := newTarget()
	writeInput(t, dir, "1.jsonl", 1, func(int) string { return `{"id":"p1","sku":"A","price":"150.00"}` })
	e := startEngine(t, dir, t.TempDir(), tg, nil)
	componenttest.WaitFor(t, "the flagged price delivered", func() bool { return delivered(tg, "p1") })
	componenttest.WaitFor(t, "the flag reported", func() bool { return len(e.GuardEvents(0)) > 0 })
	ev := e.GuardEvents(0)
	require.Len(t, ev, 1)
	assert.Equal(t, "prices", ev[0].Pipeline)
	assert.Equal(t, "ceiling", ev[0].Rule)
	assert.Equal(t, "flag", ev[0].Action)
	assert.Equal(t, "price of A is above 100: 150.00", ev[0].Message)
	assert.Empty(t, e.GuardEvents(ev[0].Seq))
	assert.Equal(t, 1.0, counter(t, e, "pipewright_guard_findings_total"))
	recs, err := e.Admin().List(context.Background(), service.DeadLetterFilter{Status: service.StatusOpen})
	require.NoError(t, err)
	assert.Empty(t, recs, "a flag holds nothing")
}
