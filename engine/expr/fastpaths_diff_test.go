package expr_test

import (
	"math/rand/v2"
	"testing"

	"github.com/govalues/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/expr"
)

// diffEnvs are two environments that differ only in the fast paths.
type diffEnvs struct{ fast, plain *expr.Env }

func newDiffEnvs(tb testing.TB) diffEnvs {
	tb.Helper()
	fast, err := expr.NewEnv(expr.Options{Vars: []string{"cust"}})
	require.NoError(tb, err)
	plain, err := expr.NewEnv(expr.Options{Vars: []string{"cust"}, Plain: true})
	require.NoError(tb, err)
	return diffEnvs{fast: fast, plain: plain}
}

// agree compiles src in both environments and requires the same issues,
// then the same result (value and type) or the same error for d.
func (e diffEnvs) agree(t *testing.T, src string, d expr.Data) {
	t.Helper()
	fast, fastIssues := e.fast.Compile(src)
	plain, plainIssues := e.plain.Compile(src)
	require.Equal(t, plainIssues, fastIssues, "compiling %s", src)
	if fast == nil {
		return
	}
	act := expr.NewActivation(d)
	want, wantErr := plain.Eval(act)
	got, gotErr := fast.Eval(act)
	if wantErr != nil {
		require.Error(t, gotErr, "%s: the plain plan fails with %v, the fast one gives %#v", src, wantErr, got)
		assert.Equal(t, wantErr.Error(), gotErr.Error(), "%s", src)
		return
	}
	require.NoError(t, gotErr, "%s: the plain plan gives %#v", src, want)
	assert.Equal(t, want, got, "%s", src)
}

// FuzzFastPaths compares the fast and the plain plan on generated
// expressions and messages (see caseGen): same compile issues, same
// results, same errors. `go test` runs the seeds below and the corpus in
// testdata/fuzz/FuzzFastPaths; `go test -fuzz FuzzFastPaths` explores.
func FuzzFastPaths(f *testing.F) {
	envs := newDiffEnvs(f)
	for _, seed := range [][]byte{nil, {1, 0, 3, 1, 2}, {4, 0, 3, 2, 7, 8, 8, 8}, {7, 1, 3, 3}, {2, 2, 5, 1, 1, 1, 9, 9, 9, 9, 9}} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		g := &caseGen{data: data}
		src := g.expr(0)
		envs.agree(t, src, expr.Data{Msg: g.message(), Vars: map[string]any{"cust": g.message()}})
	})
}

// TestFastPaths_agree_on_generated_cases is a short deterministic run of
// FuzzFastPaths's generator: the same cases on every run.
func TestFastPaths_agree_on_generated_cases(t *testing.T) {
	envs := newDiffEnvs(t)
	n := 1500
	if testing.Short() {
		n = 200
	}
	rng := rand.New(rand.NewPCG(13, 2026))
	for range n {
		data := make([]byte, 24+rng.IntN(200))
		for i := range data {
			data[i] = byte(rng.Uint32())
		}
		g := &caseGen{data: data}
		src := g.expr(0)
		envs.agree(t, src, expr.Data{Msg: g.message(), Vars: map[string]any{"cust": g.message()}})
		if t.Failed() {
			t.Fatalf("the case above came from the bytes %q (add them to FuzzFastPaths's seeds)", data)
		}
	}
}

// TestFastPaths_agree_on_written_cases compares both plans on the shapes
// the fast paths recognise, written out, over good and broken items.
func TestFastPaths_agree_on_written_cases(t *testing.T) {
	envs := newDiffEnvs(t)
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
		`msg.items.sum(i, money(i.p)) == 2`,
		`sum(msg.items.map(i, money(i.p)))`,
		`msg.items.sum(i, money(i.p)).round(1)`,
		`(msg.items.sum(i, money(i.p)) - msg.items.sum(i, money(i.d)) + 1).round(2)`,
		`msg.items.sum(i, (money(i.p) / i.q).round(2))`,
		`msg.items.sum(i, i.q) * 2`,
		`msg.items.sum(i, i.q * i.q)`,
		`msg.items.sum(i, i)`,
		`msg.items.sum(i, money(i.p) + msg.items.size())`,
		`msg.items.transformList(n, i, {"t": i.deep.sum(j, j) + n})`,
		`cust.items.sum(i, money(i.p)).round(0)`,
		`msg.items.filter(i, i.q > 1)`,
		`msg.items.filter(i, i.q)`,
		`msg.items.filter(i, has(i.sku)).map(i, i.sku)`,
		`msg.items.map(i, i.q * 2).size()`,
		`msg.items.map(i, i.q > 1, i.sku)`,
		`msg.items.transformList(n, i, n + i.q)`,
		`msg.items.transformList(n, i, {"n": n + 1, "sku": i.sku.upperAscii(), "m": money(i.p), "q": i.q})`,
		`msg.items.map(i, {"sku": i.sku, "deep": i.deep.x})`,
		`msg.items.map(i, {"total": money(i.p) * i.q, "raw": i})`,
		`msg.items.map(i, {"b": b"x"})`,
		`msg.items.map(i, {"sku": i.sku, "bad": 1 / 0})`,
		`msg.items.filter(i, i.q > 1).map(i, {"sku": i.sku})`,
		`msg.items.map(i, i.q > 1, {"sku": i.sku})`,
		`msg.items.map(i, {"sku": i.sku, ?"opt": optional.none()})`,
		`msg.items.map(i, {"k": 1, "k2": {"in": i.sku}})`,
		`msg.items.map(i, {"sku": i.sku}).size()`,
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
		`msg`,
		`cust`,
		`cust.total - cust.fee + cust.total`,
		`(cust.total - cust.fee + cust.total).round(1)`,
		`cust.fee + cust.fee`,
		`cust.fee * cust.total`,
		`cust.total / 3`,
		`(cust.total / 7).round(2)`,
		`cust.total / 0`,
		`cust.total / (cust.fee - 2)`,
		`cust.total.round(19)`,
		`cust.fee.round(2)`,
		`cust.total + msg.name`,
		`cust.big * cust.big`,
		`money(msg.deep) + 1`,
		`money(cust.amount) * 2`,
		`msg.items.transformList(n, i, {"u": (money(i.p) / i.q).round(2), "d": money(i.p) - money(i.d) * i.q})`,
		`msg.items.map(i, {"x": (i.q * money(i.p) + 1).round(0), "bad": money(i.p) / (i.q - i.q)})`,
		`msg.items.map(i, {"q": i.q + i.q, "s": i.sku + 1})`,
	}
	for _, data := range []struct {
		name  string
		items []any
	}{{"good items", items}, {"broken items", broken}, {"huge amounts", huge}, {"no items", []any{}}} {
		d := expr.Data{Msg: map[string]any{"items": data.items, "name": "n", "deep": map[string]any{"x": "s"}}}
		if len(data.items) > 0 {
			d.Vars = map[string]any{"cust": map[string]any{"total": decimal.MustParse("9.99"), "fee": int64(2),
				"big": decimal.MustParse("9999999999999999999"), "amount": map[string]any{"Amount": "1.25", "CurrencyCode": "EUR"}}}
		}
		for _, src := range exprs {
			t.Run(data.name+": "+src, func(t *testing.T) { envs.agree(t, src, d) })
		}
	}
}

// TestFastPaths_agree_on_every_order evaluates the order mapping on every
// order of testdata/orders.jsonl with both plans.
func TestFastPaths_agree_on_every_order(t *testing.T) {
	fast, plain := loadOrderMapping(t), loadOrderMappingWith(t, expr.Options{Plain: true})
	for i, order := range readJSONLines(t, "orders.jsonl") {
		act := expr.NewActivation(expr.Data{Msg: order, Tables: fast.tables})
		want, got := map[string]any{}, map[string]any{}
		wantErr, gotErr := plain.apply(act, want), fast.apply(act, got)
		require.Equal(t, wantErr, gotErr, "order %d", i)
		require.Equal(t, want, got, "order %d", i)
	}
}
