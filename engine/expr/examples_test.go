package expr

import (
	"strings"
	"testing"
	"time"

	"github.com/govalues/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// exampleData is what the documented examples run against (docs/cel.md
// describes the tables).
func exampleData() Data {
	return Data{
		Msg: map[string]any{"AmazonOrderId": "113-1234567-7654321"},
		Tables: Tables{
			"skus": NewTable("skus", map[string]any{
				"AB-1": map[string]any{"item": "AB1000", "uom": "EA"},
				"CD-2": map[string]any{"item": "CD2000", "uom": "PK"},
			}, TableOptions{}),
			"order_status": NewTable("order_status", map[string]any{"Pending": "Open", "Shipped": "Closed"},
				TableOptions{CaseInsensitive: true, HasDefault: true, Default: "Unknown"}),
			"warehouses": NewTable("warehouses", map[string]any{"1": "MAIN", "2": "WEST"}, TableOptions{}),
		},
		Now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
	}
}

func TestDocumentedExamples_hold(t *testing.T) {
	env, err := NewEnv(Options{Tables: []string{"skus", "order_status", "warehouses"}})
	require.NoError(t, err)
	act := NewActivation(exampleData())
	for _, lib := range libraries() {
		for _, f := range lib.fns {
			require.NotEmpty(t, f.doc, "%s: %s has no documentation", lib.name, f.name)
			require.NotEmpty(t, f.examples, "%s: %s has no example", lib.name, f.name)
			for _, ex := range f.examples {
				t.Run(ex, func(t *testing.T) { checkExample(t, env, act, ex) })
			}
		}
	}
}

// checkExample runs "expression // expected" where expected is a CEL
// expression, "error: text" or "compile error: text".
func checkExample(t *testing.T, env *Env, act *Activation, ex string) {
	src, want, ok := strings.Cut(ex, " // ")
	require.True(t, ok, "example without ' // expected'")
	prg, issues := env.Compile(src)
	if msg, ok := strings.CutPrefix(want, "compile error: "); ok {
		require.NotEmpty(t, issues, "compiles, want a compile error")
		assert.Contains(t, issues[0].Message, msg)
		return
	}
	require.Empty(t, issues)
	got, err := prg.Eval(act)
	if msg, ok := strings.CutPrefix(want, "error: "); ok {
		require.Error(t, err)
		assert.Contains(t, err.Error(), msg)
		return
	}
	require.NoError(t, err)
	wantPrg, issues := env.Compile(want)
	require.Empty(t, issues, "expected value does not compile")
	wantVal, err := wantPrg.Eval(act)
	require.NoError(t, err)
	assert.Equal(t, exact(wantVal), exact(got))
}

// exact makes decimals compare by their text, so that scale counts.
func exact(v any) any {
	switch x := v.(type) {
	case decimal.Decimal:
		return "decimal " + x.String()
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = exact(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = exact(e)
		}
		return out
	}
	return v
}
