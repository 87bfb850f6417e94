package expr_test

import (
	"testing"

	"github.com/govalues/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/expr"
)

func shapedEnv(t *testing.T) *expr.Env {
	t.Helper()
	tables := expr.Tables{
		"skus": expr.NewTable("skus", map[string]any{
			"AB-1": map[string]any{"item": "AB1000", "uom": "EA", "pack": int64(1)},
			"CD-2": map[string]any{"item": "CD2000", "uom": "PK", "pack": int64(6)},
		}, expr.TableOptions{TypeHint: "declare it"}),
		"status": expr.NewTable("status", map[string]any{"Pending": "open", "Shipped": "closed"}, expr.TableOptions{}),
		"rates":  expr.NewTable("rates", map[string]any{"EUR": decimal.MustParse("1.1")}, expr.TableOptions{HasDefault: true, Default: decimal.One}),
	}
	env, err := expr.NewEnv(expr.Options{Typed: tables, Vars: []string{"customer", "items"}})
	require.NoError(t, err)
	return env
}

func TestCompile_checks_what_tables_and_lookups_hold(t *testing.T) {
	env := shapedEnv(t)
	shapes := map[string]*expr.Shape{
		"customer": {Source: "the result of query customer", Columns: map[string]expr.ValueType{"CustID": expr.TypeDyn, "CurrID": expr.TypeDyn}},
		"items":    {Source: "the result of query items", Columns: map[string]expr.ValueType{"ItemID": expr.TypeDyn}, List: true},
	}
	for _, tc := range []struct{ src, want string }{
		{`tables.skus[msg.sku].itme`, `1:22: table "skus" has no column "itme" (did you mean "item"?)`},
		{`tables.skus[?msg.sku].orValue({"item": "X"}).weight`, `1:46: table "skus" has no column "weight" (columns: item, pack, uom)`},
		{`cel.bind(s, tables.skus[msg.sku], s.unit)`, `1:37: table "skus" has no column "unit" (columns: item, pack, uom)`},
		{`tables.skus[msg.sku].pack == "6"`, `1:27: column "pack" of table "skus" is an int, compared with "6", a string: the comparison is never true`},
		{`tables.skus[msg.sku].uom != "BOX"`, `1:26: column "uom" of table "skus" never holds "BOX" (it holds "EA", "PK"): the comparison is always true`},
		{`tables.status["Cancelled"]`, `1:15: table "status" has no key "Cancelled" (keys: "Pending", "Shipped")`},
		{`tables.status[msg.s] == "shipped"`, `1:22: a value of table "status" never holds "shipped" (it holds "closed", "open"): the comparison is never true`},
		{`customer.CurrencyID`, `1:10: the result of query customer has no column "CurrencyID" (columns: CurrID, CustID)`},
		{`items.exists(i, i.ItemId == "x")`, `1:19: the result of query items has no column "ItemId" (did you mean "ItemID"?)`},
		{`items.map(i, {"id": i.ItemID}).exists(x, x.ID == "a")`, `1:44: the map has no column "ID" (did you mean "id"?)`},
	} {
		t.Run(tc.src, func(t *testing.T) {
			_, issues := env.Compile(tc.src, expr.WithShapes(shapes))
			require.NotEmpty(t, issues)
			assert.Equal(t, tc.want, issues[0].String())
			assert.Len(t, issues, 1, "one mistake, one issue: %v", issues)
		})
	}
	for _, src := range []string{
		`tables.skus[msg.sku].item == "AB1000"`,
		`tables.skus.get(msg.sku, {"item": "MISC"}).item`,
		`tables.rates["GBP"]`, // the table has a default
		`"Cancelled" in tables.status`,
		`tables.status[?"Cancelled"].orValue("open")`,
		`customer == null || customer.CustID == "A"`,
		`msg.anything.goes`,
	} {
		_, issues := env.Compile(src, expr.WithShapes(shapes))
		assert.Empty(t, issues, src)
	}
}

func TestCompile_records_env_reads_and_their_conversions(t *testing.T) {
	env := shapedEnv(t)
	prog, issues := env.Compile(`int(env.SAFETY_STOCK) + size(env["COMPANY"]) + size(string(decimal(env.RATE)))`)
	require.Empty(t, issues)
	assert.Equal(t, []expr.EnvUse{
		{Name: "SAFETY_STOCK", Conversion: "int", Line: 1, Column: 5},
		{Name: "COMPANY", Line: 1, Column: 30},
		{Name: "RATE", Conversion: "decimal", Line: 1, Column: 68},
	}, prog.EnvUses())
	assert.NoError(t, expr.CheckConversion("int", "12"))
	assert.ErrorContains(t, expr.CheckConversion("int", "abc"), "type conversion error")
	assert.ErrorContains(t, expr.CheckConversion("duration", "3 hours"), "conversion error")
	assert.NoError(t, expr.CheckConversion("", "anything"))
}

func TestEval_errors_name_where_and_the_operand_types(t *testing.T) {
	env, err := expr.NewEnv(expr.Options{})
	require.NoError(t, err)
	prog, issues := env.Compile("msg.n + msg.s")
	require.Empty(t, issues)
	prog.SetOrigin(func(line, col int) string { return "p.yaml:" + string(rune('0'+line)) + ":" + string(rune('0'+col)) })
	_, err = prog.Eval(expr.NewActivation(expr.Data{Msg: map[string]any{"n": int64(1), "s": "1"}}))
	require.Error(t, err)
	assert.Equal(t, "p.yaml:1:7: no such overload: int + string", err.Error())
	var ee *expr.EvalError
	require.ErrorAs(t, err, &ee)
	assert.Equal(t, "int + string", ee.Operation)

	prog, issues = env.Compile(`int(msg.s)`)
	require.Empty(t, issues)
	_, err = prog.Eval(expr.NewActivation(expr.Data{Msg: map[string]any{"s": "abc"}}))
	assert.EqualError(t, err, "type conversion error from 'string' to 'int' (in int(string))")
}

func TestEval_errors_are_explained_safely_by_concurrent_evaluations(t *testing.T) {
	env, err := expr.NewEnv(expr.Options{})
	require.NoError(t, err)
	prog, issues := env.Compile("msg.n + msg.s")
	require.Empty(t, issues)
	act := expr.NewActivation(expr.Data{Msg: map[string]any{"n": int64(1), "s": "1"}})
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			_, err := prog.Eval(act)
			errs <- err
		}()
	}
	for range 8 {
		assert.EqualError(t, <-errs, "no such overload: int + string")
	}
}
