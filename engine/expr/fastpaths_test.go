package expr

import (
	"fmt"
	"testing"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/interpreter"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestFastPlans_agree_with_CEL evaluates each expression with the
// specialised plans (fast folds, native bodies, direct paths) and with
// CEL's own plan, and requires the same result or the same error.
func TestFastPlans_agree_with_CEL(t *testing.T) {
	env, err := NewEnv(Options{})
	require.NoError(t, err)
	usd := func(a string) map[string]any { return map[string]any{"Amount": a, "CurrencyCode": "USD"} }
	items := []any{
		map[string]any{"sku": "a", "q": int64(2), "p": usd("1.50"), "d": usd("0.25"), "deep": map[string]any{"x": "1"}},
		map[string]any{"sku": "b", "q": int64(1), "p": usd("0.10"), "d": usd("0.00"), "deep": map[string]any{"x": "2"}},
	}
	broken := []any{
		map[string]any{"sku": "a", "q": int64(2), "p": usd("1.50"), "d": usd("0.25"), "deep": "flat"},
		map[string]any{"q": "many", "p": map[string]any{"Amount": "x", "CurrencyCode": "USD"}, "d": usd("9999999999999999999")},
	}
	huge := []any{map[string]any{"p": usd("9999999999999999999")}, map[string]any{"p": usd("1")}}
	exprs := []string{
		`msg.items.map(i, i.sku)`,
		`msg.items.map(i, i.deep.x)`,
		`msg.items.map(i, i)`,
		`msg.items.map(i, money(i.p))`,
		`msg.items.map(i, money(i.p) * i.q)`,
		`msg.items.sum(i, money(i.p) - money(i.d))`,
		`msg.items.sum(i, money(i.p) - money(i.d) + money(i.p))`,
		`msg.items.sum(i, i.q)`,
		`msg.items.sum(i, money(i.p)) == decimal("1.60")`,
		`sum(msg.items.map(i, money(i.p)))`,
		`msg.items.filter(i, i.q > 1)`,
		`msg.items.filter(i, i.q)`,
		`msg.items.filter(i, has(i.sku)).map(i, i.sku)`,
		`msg.items.map(i, i.q * 2).size()`,
		`msg.items.map(i, i.q > 1, i.sku)`,
		`msg.items.transformList(n, i, n + i.q)`,
		`msg.items.map(i, msg.items.map(j, j.q).size())`,
		`msg.items.exists(i, i.q == 1)`,
		`{"a": 1, "b": 2}.map(k, k).size()`,
		`[1, 2, 3].map(x, x * 2)`,
		`[1, 2, 3].sum(x, x)`,
		`msg.items.map(i, i.sku)[?5].orValue("none")`,
		`cel.bind(x, 1 / 0, 5)`,
		`cel.bind(x, msg.items, x.size() + x.size())`,
		`cel.bind(x, msg.missing, x)`,
		`msg.items`,
		`msg.name`,
		`msg.missing`,
		`msg.deep.x.y`,
	}
	for _, data := range []struct {
		name  string
		items []any
	}{{"good items", items}, {"broken items", broken}, {"huge amounts", huge}, {"no items", []any{}}} {
		act := NewActivation(Data{Msg: map[string]any{"items": data.items, "name": "n", "deep": map[string]any{"x": "s"}}})
		for _, src := range exprs {
			t.Run(data.name+": "+src, func(t *testing.T) {
				checked, iss := env.compileAST(src)
				require.NoError(t, iss.Err())
				fast, err := env.newProgram(checked, false)
				require.NoError(t, err)
				plain, err := env.newProgram(checked, true)
				require.NoError(t, err)
				want, wantErr := plain.Eval(act)
				got, gotErr := fast.Eval(act)
				if wantErr != nil {
					require.Error(t, gotErr, "CEL fails with %v", wantErr)
					assert.Equal(t, wantErr.Error(), gotErr.Error())
					return
				}
				require.NoError(t, gotErr)
				assert.Equal(t, exact(want), exact(got))
			})
		}
	}
}

func TestFastPlans_replace_the_common_comprehensions(t *testing.T) {
	env, err := NewEnv(Options{})
	require.NoError(t, err)
	for src, want := range map[string]string{
		`msg.items.map(i, i.sku)`:       "*expr.fastFold",
		`msg.items.sum(i, money(i.p))`:  "*expr.fastFold",
		`msg.items.filter(i, i.q > 1)`:  "*expr.fastFold",
		`cel.bind(x, msg.items, x)`:     "*expr.fastBind",
		`msg.items.exists(i, i.q == 1)`: "*interpreter.evalFold",
	} {
		t.Run(src, func(t *testing.T) {
			checked, iss := env.compileAST(src)
			require.NoError(t, iss.Err())
			dec := planDecorator(checked.NativeRep(), true)
			var last interpreter.InterpretableV2
			_, err := env.cel.Program(checked, cel.CustomDecoratorV2(func(i interpreter.InterpretableV2) (interpreter.InterpretableV2, error) {
				i, err := dec(i)
				last = i
				return i, err
			}))
			require.NoError(t, err)
			assert.Equal(t, want, fmt.Sprintf("%T", last))
		})
	}
}
