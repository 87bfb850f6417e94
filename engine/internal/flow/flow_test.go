package flow_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/tools/txtar"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
	"github.com/pipewright/pipewright/engine/config"
	"github.com/pipewright/pipewright/engine/internal/flow"
	"github.com/pipewright/pipewright/engine/registry"
)

// lookupConn is a connection type serving one query, for lookup steps.
type lookupConn struct{}

func (lookupConn) Type() component.Type { return "kv" }
func (lookupConn) Kind() component.Kind { return component.KindConnection }
func (lookupConn) Schema() []byte       { return []byte(`{"type":"object","additionalProperties":false}`) }
func (lookupConn) NewConfig() any       { return &lookupCfg{} }
func (lookupConn) CreateConnection(context.Context, component.Settings, any) (component.Connection, error) {
	return nil, nil
}

type lookupCfg struct{}

func (*lookupCfg) ValidateLookup(query string, params []string) error {
	if query != "customer" {
		return errors.New("no query " + query)
	}
	return nil
}

func load(t *testing.T, archive string) *config.Project {
	t.Helper()
	dir := t.TempDir()
	for _, f := range txtar.Parse([]byte(archive)).Files {
		path := filepath.Join(dir, f.Name)
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, f.Data, 0o644))
	}
	reg, err := registry.New(append(componenttest.Factories(), lookupConn{})...)
	require.NoError(t, err)
	p, err := config.Load(dir, config.Options{Registry: reg, Clock: componenttest.NewManualClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))})
	require.NoError(t, err)
	return p
}

// stepEnv is what the steps of p reach: its globals, lookup and state.
func stepEnv(p *config.Project, lookup config.LookupFunc, state config.StateFunc) *config.StepEnv {
	return &config.StepEnv{Globals: p.Globals, Lookup: lookup, State: state}
}

const dir = `
-- pipewright.yaml --
project: t
connections: { db: { type: kv } }
-- p.yaml --
pipeline: p
source: { test.lines: { path: in.jsonl } }
steps:
  - name: customer
    lookup: { connection: db, query: customer, params: { mkt: msg.mkt }, as: cust }
  - split: msg.lines
  - filter: msg.qty > 0
  - name: line
    map:
      output:
        sku: msg.sku
        cust: cust.id
        at: now
        qty: 10 / msg.qty
  - map: { merge: true, output: { checked: true } }
sink: { test.nop: {} }
`

func TestProcess_split_lookup_filter_map_merge(t *testing.T) {
	p := load(t, dir)
	var seen []string
	exec := flow.New(p.Pipelines[0], stepEnv(p,
		func(_ context.Context, q config.LookupQuery) (any, error) {
			assert.Equal(t, config.LookupQuery{Step: "customer", Connection: "db", Query: "customer", Params: map[string]any{"mkt": "US"}}, q)
			return map[string]any{"id": "C1"}, nil
		}, nil),
		func(st *config.Step, _ time.Duration, o flow.Outcome) {
			if o != flow.OK {
				seen = append(seen, st.Name)
			}
		})
	msg := component.NewMessage("m1", map[string]any{"mkt": "US", "lines": []any{
		map[string]any{"sku": "A", "qty": int64(2)},
		map[string]any{"sku": "B", "qty": int64(0)},
		map[string]any{"sku": "C", "qty": int64(5)},
	}})
	res, err := exec.Process(context.Background(), msg, 0)
	require.NoError(t, err)
	require.Len(t, res.Outputs, 2)
	assert.Equal(t, 1, res.Dropped)
	assert.Equal(t, []string{"filter-3"}, seen, "the observer saw the drop")
	first := res.Outputs[0]
	assert.Equal(t, config.MainSink, first.Sink)
	assert.Equal(t, "m1/0", first.Msg.ID)
	assert.Equal(t, "0", first.Msg.Meta(config.MetaSplitIndex))
	assert.Equal(t, map[string]any{"sku": "A", "cust": "C1", "at": time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC), "qty": int64(5), "checked": true}, first.Msg.Body)
	assert.Equal(t, "m1/2", res.Outputs[1].Msg.ID)
	assert.Nil(t, msg.Vars, "the input message is not changed")
}

func TestProcess_isolates_a_failing_split_element(t *testing.T) {
	p := load(t, dir)
	exec := flow.New(p.Pipelines[0], stepEnv(p, func(context.Context, config.LookupQuery) (any, error) {
		return map[string]any{"id": "C1"}, nil
	}, nil), nil)
	msg := component.NewMessage("m1", map[string]any{"mkt": "US", "lines": []any{
		map[string]any{"sku": "A", "qty": int64(2)},
		map[string]any{"sku": "X", "qty": "two"}, // filter errors: string > int
	}})
	res, err := exec.Process(context.Background(), msg, 0)
	require.NoError(t, err)
	require.Len(t, res.Outputs, 1)
	require.Len(t, res.Failed, 1)
	f := res.Failed[0]
	assert.Equal(t, "filter-3", f.Step.Name)
	assert.True(t, component.IsPermanent(f.Err))
	assert.Equal(t, "m1/1", f.Input.ID, "the failure carries the element as it entered the step")
}

func TestProcess_lookup_outcomes(t *testing.T) {
	p := load(t, dir)
	msg := func() *component.Message {
		return component.NewMessage("m1", map[string]any{"mkt": "DE", "lines": []any{}})
	}
	tests := []struct {
		name      string
		result    any
		err       error
		permanent bool
		want      string
	}{
		{"nothing found is permanent", nil, nil, true, "query customer on db found nothing for mkt=DE"},
		{"retryable error retries the message", nil, component.Retryable(errors.New("db down")), false, "db down"},
		{"permanent error", nil, component.Permanentf("bad param"), true, "bad param"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			exec := flow.New(p.Pipelines[0], stepEnv(p, func(context.Context, config.LookupQuery) (any, error) {
				return tt.result, tt.err
			}, nil), nil)
			res, err := exec.Process(context.Background(), msg(), 0)
			if tt.permanent {
				require.NoError(t, err)
				require.Len(t, res.Failed, 1)
				assert.ErrorContains(t, res.Failed[0].Err, tt.want)
				return
			}
			var se *flow.StepError
			require.ErrorAs(t, err, &se)
			assert.Equal(t, "customer", se.Step.Name)
			assert.True(t, component.IsRetryable(err))
		})
	}
}

func TestProcess_resumes_at_a_step(t *testing.T) {
	p := load(t, dir)
	exec := flow.New(p.Pipelines[0], stepEnv(p, nil, nil), nil)
	// A replay of the "line" step (index 3) with the lookup result in vars.
	msg := component.NewMessage("r1", map[string]any{"sku": "Z", "qty": int64(1)})
	msg.Vars = map[string]any{"cust": map[string]any{"id": "C9"}}
	res, err := exec.Process(context.Background(), msg, 3)
	require.NoError(t, err)
	require.Len(t, res.Outputs, 1)
	assert.Equal(t, "C9", res.Outputs[0].Msg.Body.(map[string]any)["cust"])
}

func TestProcess_division_by_zero_is_a_permanent_step_error(t *testing.T) {
	p := load(t, dir)
	exec := flow.New(p.Pipelines[0], stepEnv(p, nil, nil), nil)
	msg := component.NewMessage("r1", map[string]any{"sku": "Z", "qty": int64(-0)})
	msg.Vars = map[string]any{"cust": map[string]any{"id": "C9"}}
	res, err := exec.Process(context.Background(), msg, 3)
	require.NoError(t, err)
	require.Len(t, res.Failed, 1)
	assert.ErrorContains(t, res.Failed[0].Err, "qty")
	assert.ErrorContains(t, res.Failed[0].Err, "division by zero")
}

func TestProcess_map_lets_see_the_earlier_lets_and_the_lookups(t *testing.T) {
	p := load(t, `
-- pipewright.yaml --
project: t
connections: { db: { type: kv } }
-- p.yaml --
pipeline: p
source: { test.lines: { path: in.jsonl } }
steps:
  - lookup: { connection: db, query: customer, as: cust }
  - map:
      let:
        qty: msg.qty + 1
        total: qty * 2
      output: { qty: qty, total: total, cust: cust.id, lets: vars.size() }
sink: { test.nop: {} }
`)
	exec := flow.New(p.Pipelines[0], stepEnv(p, func(context.Context, config.LookupQuery) (any, error) {
		return map[string]any{"id": "C1"}, nil
	}, nil), nil)
	msg := component.NewMessage("m1", map[string]any{"qty": int64(2)})
	res, err := exec.Process(context.Background(), msg, 0)
	require.NoError(t, err)
	require.Len(t, res.Outputs, 1)
	assert.Equal(t, map[string]any{"qty": int64(3), "total": int64(6), "cust": "C1", "lets": int64(3)}, res.Outputs[0].Msg.Body)
	assert.Equal(t, map[string]any{"cust": map[string]any{"id": "C1"}}, res.Outputs[0].Msg.Vars, "lets do not leak into the message's vars")
	assert.Nil(t, msg.Vars, "the input message is not changed")
}

const rulesDir = `
-- pipewright.yaml --
project: t
-- p.yaml --
pipeline: p
source: { test.lines: { path: in.jsonl } }
steps:
  - name: balanced
    assert:
      - that: msg.debit == msg.credit
        message: '"unbalanced: debits " + string(msg.debit) + ", credits " + string(msg.credit)'
      - that: msg.debit > 0
        message: '"empty journal"'
  - name: stock
    changed: { key: msg.sku, value: msg.qty }
sink: { test.nop: {} }
`

func TestProcess_assert_fails_with_the_first_broken_rule(t *testing.T) {
	p := load(t, rulesDir)
	exec := flow.New(p.Pipelines[0], stepEnv(p, nil, nil), nil)
	for body, want := range map[string]string{
		`{"debit": 5, "credit": 4, "sku": "A", "qty": 1}`: "unbalanced: debits 5, credits 4",
		`{"debit": 0, "credit": 0, "sku": "A", "qty": 1}`: "empty journal",
	} {
		v, err := component.DecodeJSON([]byte(body))
		require.NoError(t, err)
		res, err := exec.Process(context.Background(), component.NewMessage("m", v), 0)
		require.NoError(t, err)
		require.Len(t, res.Failed, 1)
		assert.Equal(t, "balanced", res.Failed[0].Step.Name)
		assert.EqualError(t, res.Failed[0].Err, want)
		assert.True(t, component.IsPermanent(res.Failed[0].Err))
	}
}

func TestProcess_changed_drops_a_value_already_delivered_and_defers_the_write(t *testing.T) {
	p := load(t, rulesDir)
	state := map[string][]byte{}
	exec := flow.New(p.Pipelines[0], stepEnv(p, nil, func(_ context.Context, key string) ([]byte, bool, error) {
		v, ok := state[key]
		return v, ok, nil
	}), nil)
	run := func(qty int64) *flow.Result {
		res, err := exec.Process(context.Background(), component.NewMessage("m", map[string]any{"debit": int64(1), "credit": int64(1), "sku": "WB 1/2", "qty": qty}), 0)
		require.NoError(t, err)
		return res
	}
	res := run(5)
	require.Len(t, res.Outputs, 1)
	require.Len(t, res.Outputs[0].After, 1)
	w := res.Outputs[0].After[0]
	assert.Equal(t, "changed/stock/WB=201=2F2", w.Key, "escaped for the key/value store")
	assert.Equal(t, "5", string(w.Value))
	assert.Len(t, run(5).Outputs, 1, "not delivered yet: the same value passes again")
	state[w.Key] = w.Value // the runtime writes it once the sink completed
	res = run(5)
	assert.Empty(t, res.Outputs)
	assert.Equal(t, 1, res.Dropped)
	assert.Len(t, run(6).Outputs, 1, "a new value passes")
}
