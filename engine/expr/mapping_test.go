package expr_test

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/govalues/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/expr"
)

// orderMapping is testdata/order_mapping.yaml compiled: one program per
// output field.
type orderMapping struct {
	fields []string
	progs  []*expr.Program
	tables expr.Tables
}

func loadOrderMapping(tb testing.TB) *orderMapping {
	tb.Helper()
	return loadOrderMappingWith(tb, expr.Options{})
}

// loadOrderMappingWith compiles the mapping in an environment with opts
// and the mapping's tables.
func loadOrderMappingWith(tb testing.TB, opts expr.Options) *orderMapping {
	tb.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "order_mapping.yaml"))
	require.NoError(tb, err)
	var decl []struct{ Field, Expr string }
	require.NoError(tb, yaml.Unmarshal(raw, &decl))
	opts.Tables = []string{"order_status", "warehouses", "skus"}
	env, err := expr.NewEnv(opts)
	require.NoError(tb, err)
	m := &orderMapping{tables: expr.Tables{
		"order_status": expr.NewTable("order_status", map[string]any{
			"Pending": "Open", "Unshipped": "InProcess", "PartiallyShipped": "InProcess",
			"Shipped": "Closed", "Canceled": "Voided",
		}, expr.TableOptions{HasDefault: true, Default: "Unknown"}),
		"warehouses": expr.NewTable("warehouses", map[string]any{"AFN": "FBA", "MFN": "MAIN"}, expr.TableOptions{}),
		"skus":       expr.NewTable("skus", map[string]any{"YO-2208-GR": "YOGA-GRN"}, expr.TableOptions{}),
	}}
	for _, d := range decl {
		prg, issues := env.Compile(d.Expr)
		require.Empty(tb, issues, "field %s", d.Field)
		require.False(tb, prg.CostTracked(), "field %s: its static cost estimate exceeds the limit", d.Field)
		m.fields = append(m.fields, d.Field)
		m.progs = append(m.progs, prg)
	}
	return m
}

// apply evaluates every field for one order into out.
func (m *orderMapping) apply(act *expr.Activation, out map[string]any) error {
	for i, p := range m.progs {
		v, err := p.Eval(act)
		if err != nil {
			return err
		}
		out[m.fields[i]] = v
	}
	return nil
}

func readJSONLines(tb testing.TB, name string) []any {
	tb.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	require.NoError(tb, err)
	defer f.Close()
	var docs []any
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		v, err := component.DecodeJSON(sc.Bytes())
		require.NoError(tb, err)
		docs = append(docs, v)
	}
	require.NoError(tb, sc.Err())
	return docs
}

func TestOrderMapping_matches_the_reference_mapping(t *testing.T) {
	m := loadOrderMapping(t)
	require.Len(t, m.fields, 40)
	orders, want := readJSONLines(t, "orders.jsonl"), readJSONLines(t, "orders_floor.jsonl")
	require.Len(t, want, len(orders))
	sqlDate := regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$`)
	for n, order := range orders {
		out := map[string]any{}
		act := expr.NewActivation(expr.Data{Msg: order, Tables: m.tables, Now: time.Now()})
		require.NoError(t, m.apply(act, out), "order %d", n)
		ref := want[n].(map[string]any)
		for _, field := range m.fields[:30] {
			head, line, isLine := strings.Cut(field, "Lines.")
			switch {
			case isLine && head == "":
				for i, v := range out[field].([]any) {
					assertSameValue(t, ref["Lines"].([]any)[i].(map[string]any)[line], v, "order %d %s[%d]", n, field, i)
				}
			case strings.HasPrefix(field, "ShipTo."):
				assertSameValue(t, ref["ShipTo"].(map[string]any)[strings.TrimPrefix(field, "ShipTo.")], out[field], "order %d %s", n, field)
			default:
				assertSameValue(t, ref[field], out[field], "order %d %s", n, field)
			}
		}
		assert.Equal(t, true, out["BalanceCheck"], "order %d", n)
		assert.NotEmpty(t, out["ShipTo.AddrLine1"], "order %d", n)
		assert.Regexp(t, sqlDate, out["DocDateSQL"], "order %d", n)
		assert.Contains(t, []any{"FBA", "MAIN"}, out["WhseKey"], "order %d", n)
		assert.Len(t, out["TranNo"], 15, "order %d", n)
	}
}

// assertSameValue compares numbers by value (the reference writes floats,
// the mapping exact decimals) and everything else exactly.
func assertSameValue(t *testing.T, want, got any, msgAndArgs ...any) {
	t.Helper()
	if w, ok := number(want); ok {
		g, ok := number(got)
		if assert.True(t, ok, msgAndArgs...) {
			assert.Equal(t, w.String(), g.String(), msgAndArgs...)
		}
		return
	}
	assert.Equal(t, want, got, msgAndArgs...)
}

func number(v any) (decimal.Decimal, bool) {
	switch x := v.(type) {
	case int64:
		return decimal.MustNew(x, 0), true
	case decimal.Decimal:
		return x.Trim(0), true
	}
	return decimal.Decimal{}, false
}
