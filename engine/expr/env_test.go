package expr_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/govalues/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/expr"
)

func TestNewEnv_rejects_bad_names(t *testing.T) {
	tests := []struct {
		name string
		opts expr.Options
		want string
	}{
		{"table not an identifier", expr.Options{Tables: []string{"order-status"}}, `table name "order-status" is not an identifier`},
		{"var not an identifier", expr.Options{Vars: []string{"1st"}}, `variable name "1st" is not an identifier`},
		{"var shadows a built-in", expr.Options{Vars: []string{"msg"}}, `variable name "msg" is reserved`},
		{"var is a reserved word", expr.Options{Vars: []string{"in"}}, `variable name "in" is reserved`},
		{"var declared twice", expr.Options{Vars: []string{"customer", "customer"}}, `variable "customer" is declared twice`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := expr.NewEnv(tt.opts)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestCompile_reports_issues_at_line_and_column_inside_the_source(t *testing.T) {
	env, err := expr.NewEnv(expr.Options{Tables: []string{"skus", "carriers"}})
	require.NoError(t, err)
	tests := []struct {
		name, src string
		want      []expr.Issue
	}{
		{"syntax error at the end", "msg.a +", []expr.Issue{{Line: 1, Column: 8}}},
		{"type error on the second line", "msg.a +\n  decimal(\"1\") + 1.5",
			[]expr.Issue{{Line: 2, Column: 16, Message: "found no matching overload for '_+_' applied to '(decimal, double)'"}}},
		{"double on the left of a decimal", "1.5 * decimal(\"2\")",
			[]expr.Issue{{Line: 1, Column: 5, Message: "found no matching overload for '_*_' applied to '(double, decimal)'"}}},
		{"columns count characters", "\"Müller\" + 1",
			[]expr.Issue{{Line: 1, Column: 10, Message: "found no matching overload for '_+_' applied to '(string, int)'"}}},
		{"undeclared variable", "customer.id", []expr.Issue{{Line: 1, Column: 1, Message: "undeclared reference to 'customer'"}}},
		{"unknown table", "tables.sku[\"AB-1\"]",
			[]expr.Issue{{Line: 1, Column: 8, Message: `unknown table "sku" (known tables: carriers, skus)`}}},
		{"every unknown table, in order", "tables.a[\"x\"] ==\n  tables[\"b\"][\"y\"] && tables.?c.hasValue()",
			[]expr.Issue{{Line: 1, Column: 8, Message: `unknown table "a"`}, {Line: 2, Column: 10, Message: `unknown table "b"`},
				{Line: 2, Column: 31, Message: `unknown table "c"`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prg, issues := env.Compile(tt.src)
			assert.Nil(t, prg)
			require.Len(t, issues, len(tt.want), "%v", issues)
			for i, want := range tt.want {
				assert.Equal(t, want.Line, issues[i].Line, "line of %v", issues[i])
				assert.Equal(t, want.Column, issues[i].Column, "column of %v", issues[i])
				assert.Contains(t, issues[i].Message, want.Message)
			}
		})
	}
}

func TestCompile_without_tables_says_so(t *testing.T) {
	env, err := expr.NewEnv(expr.Options{})
	require.NoError(t, err)
	_, issues := env.Compile(`tables.skus["x"]`)
	require.Len(t, issues, 1)
	assert.Equal(t, `1:8: unknown table "skus" (the directory has no tables)`, issues[0].String())
}

func TestEval_binds_every_variable(t *testing.T) {
	env, err := expr.NewEnv(expr.Options{Vars: []string{"customer"}})
	require.NoError(t, err)
	now := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	act := expr.NewActivation(expr.Data{
		Msg:  map[string]any{"id": "A1", "lines": []any{map[string]any{"qty": int64(2)}}},
		Meta: map[string]string{component.MetaPipeline: "orders"},
		Vars: map[string]any{"customer": map[string]any{"CustKey": int64(42)}},
		Env:  map[string]string{"COMPANY": "SOA"},
		Now:  now,
	})
	tests := []struct {
		src  string
		want any
	}{
		{`msg.id`, "A1"},
		{`msg.lines[0].qty`, int64(2)},
		{`meta["pw-pipeline"]`, "orders"},
		{`vars.customer.CustKey`, int64(42)},
		{`customer.CustKey`, int64(42)},
		{`env.COMPANY`, "SOA"},
		{`now`, now},
		{`now.getFullYear()`, int64(2026)},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			assert.Equal(t, tt.want, eval(t, env, act, tt.src))
		})
	}
}

func TestEval_reports_a_missing_field_as_permanent(t *testing.T) {
	env, err := expr.NewEnv(expr.Options{})
	require.NoError(t, err)
	prg, issues := env.Compile(`msg.missing`)
	require.Empty(t, issues)
	_, err = prg.Eval(expr.NewActivation(expr.Data{Msg: map[string]any{}}))
	require.Error(t, err)
	assert.True(t, component.IsPermanent(err))
	assert.Contains(t, err.Error(), "no such key: missing")
}

func TestEval_stops_at_the_cost_limit(t *testing.T) {
	items := make([]any, 200)
	for i := range items {
		items[i] = int64(i)
	}
	act := expr.NewActivation(expr.Data{Msg: map[string]any{"items": items}})
	src := `msg.items.map(a, msg.items.filter(b, b < a).size()).size()`
	tests := []struct {
		name    string
		limit   uint64
		wantErr bool
	}{
		{"a low limit stops the nested loop", 1000, true},
		{"the default limit lets it run", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, err := expr.NewEnv(expr.Options{CostLimit: tt.limit})
			require.NoError(t, err)
			prg, issues := env.Compile(src)
			require.Empty(t, issues)
			got, err := prg.Eval(act)
			if tt.wantErr {
				require.Error(t, err)
				assert.Contains(t, err.Error(), "cost limit exceeded")
				assert.True(t, component.IsPermanent(err))
				return
			}
			require.NoError(t, err)
			assert.Equal(t, int64(200), got)
		})
	}
}

func TestCompile_tracks_cost_only_where_the_estimate_may_exceed_the_limit(t *testing.T) {
	tests := []struct {
		src     string
		tracked bool
	}{
		{`msg.id`, false},
		{`msg.items.map(i, i.sku.trim().upperAscii())`, false},
		{`msg.items.sum(i, money(i.p) - money(i.d))`, false},
		{`msg.note.ascii().wrap(30, 3)`, false},
		{`msg.items.map(i, i.note.padLeft(50))`, false},
		{`msg.items.map(i, i.note.padLeft(msg.width))`, true},
		{`msg.items.map(a, msg.items.filter(b, b.q < a.q).size())`, true},
		{`msg.items.map(i, allocate(decimal("1.00"), msg.n))`, true},
		{`(a - b + c + d).round(2)`, false},
		{`a * 2 + b`, false},
		{`-a + b`, false},
		{`a + b + c`, false},
		{`a.x + b`, false},
	}
	env, err := expr.NewEnv(expr.Options{Vars: []string{"a", "b", "c", "d"}})
	require.NoError(t, err)
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			prg, issues := env.Compile(tt.src)
			require.Empty(t, issues)
			assert.Equal(t, tt.tracked, prg.CostTracked())
		})
	}
}

func TestEnv_compiles_and_evaluates_concurrently(t *testing.T) {
	env, err := expr.NewEnv(expr.Options{Tables: []string{"skus"}})
	require.NoError(t, err)
	tables := expr.Tables{"skus": expr.NewTable("skus", map[string]any{"A": "1"}, expr.TableOptions{})}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			prg, issues := env.Compile(fmt.Sprintf(`string(money(msg.m) * %d) + tables.skus["A"]`, g))
			if len(issues) > 0 {
				errs <- fmt.Errorf("%v", issues)
				return
			}
			for i := range 50 {
				act := expr.NewActivation(expr.Data{Tables: tables,
					Msg: map[string]any{"m": map[string]any{"Amount": fmt.Sprintf("%d.10", i), "CurrencyCode": "USD"}}})
				got, err := prg.Eval(act)
				want := decimal.MustNew(int64(i*100+10)*int64(g), 2).String() + "1"
				if err != nil || got != want {
					errs <- fmt.Errorf("goroutine %d: got %v, %v; want %s", g, got, err, want)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestActivation_serves_concurrent_evaluations(t *testing.T) {
	env, err := expr.NewEnv(expr.Options{})
	require.NoError(t, err)
	srcs := []string{`msg.id`, `msg.lines.map(l, l.sku)`, `msg.lines.sum(l, money(l.p))`,
		`msg.lines.filter(l, l.q > 1).size()`, `cel.bind(x, msg.lines, x.size())`}
	progs := make([]*expr.Program, len(srcs))
	for i, src := range srcs {
		var issues []expr.Issue
		progs[i], issues = env.Compile(src)
		require.Empty(t, issues)
	}
	act := expr.NewActivation(expr.Data{Msg: map[string]any{"id": "A", "lines": []any{
		map[string]any{"sku": "x", "q": int64(2), "p": map[string]any{"Amount": "1.25", "CurrencyCode": "USD"}},
	}}})
	want := []any{"A", []any{"x"}, decimal.MustParse("1.25"), int64(1), int64(1)}
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 200 {
				for i, p := range progs {
					got, err := p.Eval(act)
					assert.NoError(t, err)
					assert.Equal(t, want[i], got)
				}
			}
		}()
	}
	wg.Wait()
}

// eval compiles src in env and evaluates it against act.
func eval(t *testing.T, env *expr.Env, act *expr.Activation, src string) any {
	t.Helper()
	got, err := compile(t, env, src).Eval(act)
	require.NoError(t, err, "evaluating %s", src)
	return got
}

// evalErr compiles src and returns the error of evaluating it.
func evalErr(t *testing.T, env *expr.Env, act *expr.Activation, src string) string {
	t.Helper()
	_, err := compile(t, env, src).Eval(act)
	require.Error(t, err, "evaluating %s", src)
	return strings.TrimSpace(err.Error())
}

func compile(t *testing.T, env *expr.Env, src string) *expr.Program {
	t.Helper()
	prg, issues := env.Compile(src)
	require.Empty(t, issues, "compiling %s", src)
	return prg
}
