package expr_test

import (
	"testing"
	"time"

	"github.com/govalues/decimal"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/expr"
)

// BenchmarkOrderMapping evaluates the 40 field expressions of
// testdata/order_mapping.yaml for one order with 3 items per iteration: one
// activation, every result converted to the message value model. JSON
// decoding is excluded. Target: at least 50,000 orders/s on one core.
func BenchmarkOrderMapping(b *testing.B) { benchmarkOrderMapping(b, expr.Options{}) }

// BenchmarkOrderMappingPlain is BenchmarkOrderMapping without the fast
// paths (Options.Plain): what they save.
func BenchmarkOrderMappingPlain(b *testing.B) { benchmarkOrderMapping(b, expr.Options{Plain: true}) }

func benchmarkOrderMapping(b *testing.B, opts expr.Options) {
	m := loadOrderMappingWith(b, opts)
	var order any
	for _, o := range readJSONLines(b, "orders.jsonl") {
		if len(o.(map[string]any)["OrderItems"].([]any)) == 3 {
			order = o
			break
		}
	}
	require.NotNil(b, order)
	now := time.Now()
	out := make(map[string]any, len(m.fields))
	b.ReportAllocs()
	cpu := processCPU()
	for b.Loop() {
		act := expr.NewActivation(expr.Data{Msg: order, Tables: m.tables, Now: now})
		if err := m.apply(act, out); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "orders/s")
	if cpu := processCPU() - cpu; cpu > 0 {
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}

// BenchmarkDecimalAdd evaluates one addition of two decimals from a message.
func BenchmarkDecimalAdd(b *testing.B) {
	benchmarkExpr(b, expr.Options{}, `msg.a + msg.b`, expr.Data{Msg: map[string]any{
		"a": decimal.MustParse("19.99"), "b": decimal.MustParse("0.01")}})
}

// BenchmarkTableLookup evaluates one lookup of a key in a table.
func BenchmarkTableLookup(b *testing.B) {
	rows := map[string]any{}
	for _, k := range []string{"Pending", "Unshipped", "PartiallyShipped", "Shipped", "Canceled"} {
		rows[k] = k + "!"
	}
	benchmarkExpr(b, expr.Options{Tables: []string{"status"}}, `tables.status[msg.s]`, expr.Data{
		Msg:    map[string]any{"s": "Shipped"},
		Tables: expr.Tables{"status": expr.NewTable("status", rows, expr.TableOptions{})},
	})
}

func benchmarkExpr(b *testing.B, opts expr.Options, src string, d expr.Data) {
	env, err := expr.NewEnv(opts)
	require.NoError(b, err)
	prg, issues := env.Compile(src)
	require.Empty(b, issues)
	act := expr.NewActivation(d)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := prg.Eval(act); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCompileOrderMapping compiles the 40 field expressions of
// testdata/order_mapping.yaml (parse, check, cost estimate, plan), as a
// pipeline load does.
func BenchmarkCompileOrderMapping(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		loadOrderMapping(b)
	}
}
