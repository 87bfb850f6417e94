package service_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/pipewright/pipewright/engine/componenttest"
	"github.com/pipewright/pipewright/engine/service"
)

// heldPipeline lets its polling source run at most 50 messages ahead of a
// sink that the tests take down.
const heldPipeline = `
-- pipewright.yaml --
project: held
transport: { max_ahead: 50, max_ack_pending: 10 }
connections:
  erp: { type: target }
defaults:
  errors: { retry: { initial: 20ms, max: 100ms } }
-- orders.yaml --
pipeline: orders
source: { test.lines: { path: in.jsonl, batch_size: 10 } }
sink: { target: { connection: erp } }
`

// heldInput is how many orders the tests' source has to publish: many
// times the bound.
const heldInput = 500

// startHeld starts the held pipeline with its sink down and waits until
// the source is held back.
func startHeld(t *testing.T, dir, data string, tg *target) *service.Engine {
	t.Helper()
	tg.setDown(true)
	e := startEngine(t, dir, data, tg, nil)
	componenttest.WaitFor(t, "the source held back", func() bool { return gauge(t, e, "pipewright_source_held") == 1 })
	// A source reads the backlog before each batch, so it stops within a
	// batch of the bound.
	in := counter(t, e, "pipewright_messages_in_total")
	assert.GreaterOrEqual(t, in, 50.0)
	assert.LessOrEqual(t, in, 60.0, "published while the sink was down")
	return e
}

func TestEngine_holds_a_polling_source_while_its_consumers_are_behind(t *testing.T) {
	dir := writeDir(t, heldPipeline)
	writeInput(t, dir, "in.jsonl", heldInput, func(i int) string { return fmt.Sprintf(`{"id":"o%d"}`, i) })
	tg := newTarget()
	startHeld(t, dir, t.TempDir(), tg)

	tg.setDown(false)
	componenttest.WaitFor(t, "every order delivered", func() bool { d, _ := tg.count(); return d == heldInput })
	_, total := tg.count()
	assert.Equal(t, heldInput, total, "each order delivered once")
}

func TestEngine_stops_while_a_source_is_held_and_resumes_after_a_restart(t *testing.T) {
	dir := writeDir(t, heldPipeline)
	writeInput(t, dir, "in.jsonl", heldInput, func(i int) string { return fmt.Sprintf(`{"id":"o%d"}`, i) })
	data := t.TempDir()
	tg := newTarget()
	e := startHeld(t, dir, data, tg)
	stopEngine(t, e) // fails the test unless a held source stops

	tg.setDown(false)
	startEngine(t, dir, data, tg, nil)
	componenttest.WaitFor(t, "every order delivered", func() bool { d, _ := tg.count(); return d == heldInput })
	_, total := tg.count()
	assert.Equal(t, heldInput, total, "each order delivered once")
}
