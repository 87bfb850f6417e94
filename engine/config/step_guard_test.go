package config_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/govalues/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/config"
	"github.com/pipewright/pipewright/engine/internal/history"
	"github.com/pipewright/pipewright/engine/pipelinetest"
)

// guardProject is a prices flow with a guard holding big moves, flagging
// prices outside a floor/ceiling table, and an orders flow guarding every
// line's quantity.
const guardProject = `
-- client/pipewright.yaml --
project: t
-- client/tables/price_limits.csv --
sku,floor,ceiling
A,5.00,50.00
-- client/prices.yaml --
pipeline: prices
source: { test.lines: { path: in.jsonl } }
steps:
  - name: price-guard
    guard:
      key: msg.sku
      value: msg.price
      window: 10
      rules:
        - name: price-move
          hold: (value - history.last).abs() > history.last * decimal("0.5")
          min_history: 1
          message: '"price of " + key + " moves from " + string(history.last) + " to " + string(value)'
        - name: price-limits
          flag: key in tables.price_limits && (value < decimal(tables.price_limits[key].floor) || value > decimal(tables.price_limits[key].ceiling))
          message: '"price of " + key + " is outside its limits"'
sink: { test.nop: {} }
-- client/orders.yaml --
pipeline: orders
source: { test.lines: { path: in.jsonl } }
steps:
  - name: quantity-guard
    guard:
      for_each: msg.lines
      when: msg.status == "new"
      key: item.sku
      value: item.qty
      rules:
        - name: big-quantity
          hold: value > history.median + 5 * max(history.mad, decimal(1))
          min_history: 3
          message: '"order " + msg.id + ": " + string(value) + " units of " + key + ", usually " + string(history.median)'
sink: { test.nop: {} }
-- client/tests/prices.yaml --
pipeline: prices
tests:
  - name: a drop of 90 percent is held
    history: { price-guard: { A: ["20.00", "20.00"] } }
    input: { body: { sku: A, price: "2.00" } }
    expect: { error: 'held for review by price-move: price of A moves from 20.00 to 2.00', step: price-guard }
  - name: a normal change passes
    history: { price-guard: { A: ["20.00"] } }
    input: { body: { sku: A, price: "21.50" } }
    expect: { output: { sku: A, price: "21.50" } }
  - name: the first price has no history to move from
    input: { body: { sku: A, price: "2.00" } }
    expect: { output: { sku: A, price: "2.00" } }
  - name: a price outside the table's limits is only flagged
    history: { price-guard: { A: ["49.00"] } }
    input: { body: { sku: A, price: "60.00" } }
    expect: { output: { sku: A, price: "60.00" } }
-- client/tests/orders.yaml --
pipeline: orders
tests:
  - name: one line far above its history holds the order
    history: { quantity-guard: { A: [1, 2, 1, 2, 1], B: [1, 1, 1] } }
    input: { body: { id: o1, status: new, lines: [{ sku: B, qty: 1 }, { sku: A, qty: 500 }] } }
    expect: { error: 'held for review by big-quantity: order o1: 500 units of A, usually 1', step: quantity-guard }
  - name: usual quantities pass
    history: { quantity-guard: { A: [1, 2, 1, 2, 1] } }
    input: { body: { id: o2, status: new, lines: [{ sku: A, qty: 3 }] } }
    expect: { output_contains: { id: o2 } }
  - name: an order that is not new is not guarded
    history: { quantity-guard: { A: [1, 2, 1, 2, 1] } }
    input: { body: { id: o3, status: shipped, lines: [{ sku: A, qty: 500 }] } }
    expect: { output_contains: { id: o3 } }
`

func TestGuard_pipeline_tests_hold_pass_and_flag(t *testing.T) {
	p, err := loadTxtar(t, guardProject, nil)
	require.NoError(t, err)
	results := pipelinetest.Execute(p, pipelinetest.Options{})
	require.Len(t, results, 7)
	for _, r := range results {
		assert.Emptyf(t, r.Problems, "%s: %s", r.Pipeline, r.Name)
	}
}

// memState is a state store for running steps directly.
type memState map[string][]byte

func (s memState) read(_ context.Context, key string) ([]byte, bool, error) {
	v, ok := s[key]
	return v, ok, nil
}

// commit applies a step's writes as the runtime does after delivery.
func (s memState) commit(t *testing.T, ws []config.StateWrite) {
	for _, w := range ws {
		if w.Merge == nil {
			s[w.Key] = w.Value
			continue
		}
		next, err := w.Merge(s[w.Key])
		require.NoError(t, err)
		s[w.Key] = next
	}
}

func guardStep(t *testing.T, p *config.Project, pipeline string) *config.Step {
	pl, ok := p.Pipeline(pipeline)
	require.True(t, ok)
	return pl.Steps[0]
}

func priceMsg(price string) *component.Message {
	return &component.Message{ID: "m-" + price, Body: map[string]any{"sku": "A", "price": decimal.MustParse(price)}}
}

func TestGuard_remembers_only_what_passes_and_flags_after_the_rules(t *testing.T) {
	p, err := loadTxtar(t, guardProject, nil)
	require.NoError(t, err)
	st := guardStep(t, p, "prices")
	state := memState{}
	env := &config.StepEnv{Globals: &config.Globals{Tables: p.Tables, Clock: component.FixedClock(config.DefaultTestTime)}, State: state.read}
	ctx := context.Background()

	for _, price := range []string{"20.00", "21.00"} {
		res, err := st.Run(ctx, env, priceMsg(price))
		require.NoError(t, err, price)
		state.commit(t, res.Writes)
	}
	// A 90% drop is held, and held values are not remembered.
	_, err = st.Run(ctx, env, priceMsg("2.10"))
	var held *config.HeldError
	require.ErrorAs(t, err, &held)
	assert.True(t, component.IsPermanent(err))
	require.Len(t, held.Findings, 1)
	assert.Equal(t, config.GuardFinding{Step: "price-guard", Rule: "price-move", Action: config.GuardHold, Key: "A",
		Message: "price of A moves from 21.00 to 2.10"}, held.Findings[0])
	h, err := history.Decode(state[config.GuardKey("price-guard", "A")])
	require.NoError(t, err)
	assert.Equal(t, []decimal.Decimal{decimal.MustParse("20.00"), decimal.MustParse("21.00")}, h.Values)

	// Above the ceiling but a small move: flagged, passes, remembered.
	res, err := st.Run(ctx, env, priceMsg("51.00"))
	require.Error(t, err, "a move from 21 to 51 is above 50%")
	res, err = st.Run(ctx, env, priceMsg("30.00"))
	require.NoError(t, err)
	assert.Empty(t, res.Flags)
	state.commit(t, res.Writes)
	state.commit(t, res.Writes) // a second delivery of the same value counts again, like any other
	res, err = st.Run(ctx, env, priceMsg("44.00"))
	require.NoError(t, err)
	assert.Empty(t, res.Flags)
	state.commit(t, res.Writes)
	res, err = st.Run(ctx, env, priceMsg("55.00"))
	require.NoError(t, err)
	require.Len(t, res.Flags, 1)
	assert.Equal(t, "price-limits", res.Flags[0].Rule)
	assert.Equal(t, config.GuardFlag, res.Flags[0].Action)
}

func TestGuard_lets_an_approved_message_pass_unchecked_and_remembers_it(t *testing.T) {
	p, err := loadTxtar(t, guardProject, nil)
	require.NoError(t, err)
	st := guardStep(t, p, "prices")
	state := memState{}
	approvedAt := ""
	env := &config.StepEnv{Globals: &config.Globals{Tables: p.Tables, Clock: component.FixedClock(config.DefaultTestTime)}, State: state.read,
		Approved: func(_ context.Context, msg *component.Message, step string) (bool, error) {
			return msg.ID == "m-2.00" && step == approvedAt, nil
		}}
	ctx := context.Background()
	res, err := st.Run(ctx, env, priceMsg("20.00"))
	require.NoError(t, err)
	state.commit(t, res.Writes)

	_, err = st.Run(ctx, env, priceMsg("2.00"))
	require.Error(t, err, "approved at another step only")
	approvedAt = "price-guard"
	res, err = st.Run(ctx, env, priceMsg("2.00"))
	require.NoError(t, err)
	state.commit(t, res.Writes)
	h, err := history.Decode(state[config.GuardKey("price-guard", "A")])
	require.NoError(t, err)
	assert.Len(t, h.Values, 2)

	env.Approved = func(context.Context, *component.Message, string) (bool, error) { return false, errors.New("nats down") }
	_, err = st.Run(ctx, env, priceMsg("2.00"))
	assert.True(t, component.IsRetryable(err), "an unreadable review is retried, never taken for a decision")
}

func TestGuard_config_problems_are_located(t *testing.T) {
	for name, c := range map[string]struct{ steps, want string }{
		"both hold and flag":            {`[{guard: {key: msg.k, value: msg.v, rules: [{name: r, hold: "true", flag: "true", message: "'x'"}]}}]`, "a rule either holds or flags: give hold or flag, not both"},
		"neither hold nor flag":         {`[{guard: {key: msg.k, value: msg.v, rules: [{name: r, message: "'x'"}]}}]`, "give the rule's condition as hold (stop for review) or flag (pass, alerted)"},
		"duplicate rule":                {`[{guard: {key: msg.k, value: msg.v, rules: [{name: r, hold: "true", message: "'x'"}, {name: r, flag: "true", message: "'y'"}]}}]`, `rule name "r" is already used in this guard`},
		"bad expression":                {`[{guard: {key: msg.k, value: msg.v, rules: [{name: r, hold: "nope > 1", message: "'x'"}]}}]`, `undeclared reference to 'nope'`},
		"unknown history field":         {`[{guard: {key: msg.k, value: msg.v, rules: [{name: r, hold: "history.madd > 1", message: "'x'"}]}}]`, `madd`},
		"lookup hides a guard variable": {`[{lookup: {connection: db, query: customer, as: value}}, {guard: {key: msg.k, value: msg.v, rules: [{name: r, hold: "true", message: "'x'"}]}}]`, `a lookup binds value`},
		"window too large":              {`[{guard: {key: msg.k, value: msg.v, window: 5000, rules: [{name: r, hold: "true", message: "'x'"}]}}]`, "client/p.yaml:3:"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := loadTxtar(t, `
-- client/pipewright.yaml --
project: t
connections: { db: { type: kv } }
-- client/p.yaml --
pipeline: p
source: { test.lines: { path: in.jsonl } }
steps: `+c.steps+`
sink: { test.nop: {} }
`, nil, kvConn{})
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
			assert.True(t, strings.HasPrefix(err.Error(), "client/p.yaml:"), err.Error())
		})
	}
}

func TestGuard_hold_once_drops_a_value_already_held_for_its_key(t *testing.T) {
	p, err := loadTxtar(t, strings.Replace(guardProject, "      window: 10\n", "      window: 10\n      hold_once: true\n", 1), nil)
	require.NoError(t, err)
	st := guardStep(t, p, "prices")
	state := memState{}
	env := &config.StepEnv{Globals: &config.Globals{Tables: p.Tables, Clock: component.FixedClock(config.DefaultTestTime)}, State: state.read}
	ctx := context.Background()
	res, err := st.Run(ctx, env, priceMsg("20.00"))
	require.NoError(t, err)
	state.commit(t, res.Writes)

	_, err = st.Run(ctx, env, priceMsg("2.00"))
	var held *config.HeldError
	require.ErrorAs(t, err, &held)
	state.commit(t, held.Marks) // the runtime stores the marks with the hold

	res, err = st.Run(ctx, env, priceMsg("2.00"))
	require.NoError(t, err)
	assert.True(t, res.Dropped, "the same value again is not held twice")
	_, err = st.Run(ctx, env, priceMsg("2.50"))
	require.ErrorAs(t, err, &held, "another bad value is checked afresh")

	res, err = st.Run(ctx, env, priceMsg("21.00"))
	require.NoError(t, err)
	state.commit(t, res.Writes) // delivered: nothing waits for review for the key
	assert.Empty(t, state[config.HeldKey("price-guard", "A")])
}
