package expr_test

import (
	"testing"
	"time"

	"github.com/govalues/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/expr"
)

func TestEval_converts_results_to_the_message_value_model(t *testing.T) {
	env := newEnv(t)
	at := time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)
	body := map[string]any{
		"price": decimal.MustParse("1.50"),
		"lines": []any{map[string]any{"amt": decimal.MustParse("2.25")}},
		"when":  at,
	}
	act := expr.NewActivation(expr.Data{Msg: body, Now: at})
	tests := []struct {
		src  string
		want any
	}{
		{`null`, nil},
		{`true`, true},
		{`"s"`, "s"},
		{`42`, int64(42)},
		{`42u`, int64(42)},
		{`1.5`, 1.5},
		{`msg.price`, decimal.MustParse("1.50")},
		{`msg.when`, at},
		{`now + duration("1h")`, at.Add(time.Hour)},
		{`[msg.price * 2, 1, "x"]`, []any{decimal.MustParse("3.00"), int64(1), "x"}},
		{`{"a": {"b": [msg.price]}, "c": null}`, map[string]any{"a": map[string]any{"b": []any{decimal.MustParse("1.50")}}, "c": nil}},
		{`msg.lines.map(l, {"amount": l.amt.round(1)})`, []any{map[string]any{"amount": decimal.MustParse("2.3")}}},
		{`optional.of("x")`, "x"},
		{`optional.none()`, nil},
		{`msg.?nothing`, nil},
		{`{"k": optional.of(1)}`, map[string]any{"k": int64(1)}},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			assert.Equal(t, tt.want, eval(t, env, act, tt.src))
		})
	}
}

func TestEval_returns_message_data_without_copying(t *testing.T) {
	env := newEnv(t)
	lines := []any{map[string]any{"sku": "A"}}
	act := expr.NewActivation(expr.Data{Msg: map[string]any{"lines": lines}})
	got := eval(t, env, act, `msg.lines`).([]any)
	require.Len(t, got, 1)
	assert.Same(t, &lines[0], &got[0])
}

func TestEval_rejects_results_outside_the_value_model(t *testing.T) {
	env := newEnv(t)
	act := expr.NewActivation(expr.Data{})
	tests := []struct{ src, want string }{
		{`duration("1h")`, "result of type google.protobuf.Duration is not a message value"},
		{`b"bytes"`, "result of type bytes is not a message value"},
		{`{1: "a"}`, "map key 1 is a int, want a string"},
		{`[duration("1s")]`, "[0]: result of type google.protobuf.Duration"},
		{`{"a": {"b": b"x"}}`, "a: b: result of type bytes"},
		{`18446744073709551615u`, "does not fit an int"},
		{`int`, "result of type type is not a message value"},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			assert.Contains(t, evalErr(t, env, act, tt.src), tt.want)
		})
	}
}

func TestEval_converts_message_data_outside_the_value_model(t *testing.T) {
	// A message may hold Go values outside the value model (a []string, a
	// map[string]string) that a component put there: results give them
	// converted, whichever fast path read them.
	env := newEnv(t)
	body := map[string]any{
		"tags":  []string{"a", "b"},
		"attrs": map[string]string{"k": "v"},
		"items": []any{map[string]any{"sku": "S1", "tags": []string{"x"}}},
	}
	act := expr.NewActivation(expr.Data{Msg: body})
	tests := []struct {
		src  string
		want any
	}{
		{`msg.tags`, []any{"a", "b"}},
		{`msg.attrs`, map[string]any{"k": "v"}},
		{`msg.items`, []any{map[string]any{"sku": "S1", "tags": []any{"x"}}}},
		{`msg.items.map(i, i.tags)`, []any{[]any{"x"}}},
		{`msg.items.map(i, {"sku": i.sku, "tags": i.tags})`, []any{map[string]any{"sku": "S1", "tags": []any{"x"}}}},
		{`msg.items.map(i, {"sku": i.sku})`, []any{map[string]any{"sku": "S1"}}},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			assert.Equal(t, tt.want, eval(t, env, act, tt.src))
		})
	}
}

func TestEvalLet_gives_what_later_expressions_read_as_Eval_does(t *testing.T) {
	// A let value read from the message as it is stays unchecked; what
	// later expressions give from it is the same as from Eval's value.
	env, err := expr.NewEnv(expr.Options{Vars: []string{"v"}})
	require.NoError(t, err)
	body := map[string]any{"tags": []string{"a", "b"}, "lines": []any{map[string]any{"n": int64(2)}}}
	for _, src := range []string{`msg.tags`, `msg.lines`, `msg`} {
		let := compile(t, env, src)
		viaLet, err := let.EvalLet(expr.NewActivation(expr.Data{Msg: body}))
		require.NoError(t, err)
		viaEval, err := let.Eval(expr.NewActivation(expr.Data{Msg: body}))
		require.NoError(t, err)
		for _, read := range []string{`v`, `v.size()`, `v == v`, `[v]`} {
			t.Run(src+" then "+read, func(t *testing.T) {
				prg := compile(t, env, read)
				a, err := prg.Eval(expr.NewActivation(expr.Data{Msg: body, Vars: map[string]any{"v": viaLet}}))
				require.NoError(t, err)
				b, err := prg.Eval(expr.NewActivation(expr.Data{Msg: body, Vars: map[string]any{"v": viaEval}}))
				require.NoError(t, err)
				assert.Equal(t, b, a)
			})
		}
	}
}
