package expr_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/govalues/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/expr"
)

func newEnv(t *testing.T) *expr.Env {
	t.Helper()
	env, err := expr.NewEnv(expr.Options{})
	require.NoError(t, err)
	return env
}

// evalDecimal evaluates src and returns the decimal result as text, so that
// tests see the scale.
func evalDecimal(t *testing.T, env *expr.Env, act *expr.Activation, src string) string {
	t.Helper()
	got := eval(t, env, act, src)
	d, ok := got.(decimal.Decimal)
	require.True(t, ok, "%s gave %T, want a decimal", src, got)
	return d.String()
}

func TestDecimal_arithmetic_is_exact(t *testing.T) {
	env, act := newEnv(t), expr.NewActivation(expr.Data{})
	tests := []struct{ src, want string }{
		{`decimal("0.10") + decimal("0.20")`, "0.30"},
		{`sum([decimal("0.1"), decimal("0.1"), decimal("0.1"), decimal("0.1"), decimal("0.1"), decimal("0.1"), decimal("0.1"), decimal("0.1"), decimal("0.1"), decimal("0.1")])`, "1.0"},
		{`decimal("0.30") - decimal("0.10") - decimal("0.20")`, "0.00"},
		{`decimal("19.99") * 3`, "59.97"},
		{`3 * decimal("19.99")`, "59.97"},
		{`decimal("1.1") * decimal("1.1")`, "1.21"},
		{`decimal("100") / 8`, "12.5"},
		{`1 / decimal("4")`, "0.25"},
		{`(decimal("10.00") / 3).round(2) * 3`, "9.99"},
		{`-(decimal("0.10") - 1)`, "0.90"},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			assert.Equal(t, tt.want, evalDecimal(t, env, act, tt.src))
		})
	}
	assert.Equal(t, true, eval(t, env, act, `decimal("0.10") + decimal("0.20") == decimal("0.30")`))
}

func TestDecimal_rounds_by_each_mode(t *testing.T) {
	env, act := newEnv(t), expr.NewActivation(expr.Data{})
	tests := []struct {
		in     string
		places int
		round  string // half away from zero
		even   string // half to even
		trunc  string
	}{
		{"2.345", 2, "2.35", "2.34", "2.34"},
		{"2.355", 2, "2.36", "2.36", "2.35"},
		{"-2.345", 2, "-2.35", "-2.34", "-2.34"},
		{"-2.355", 2, "-2.36", "-2.36", "-2.35"},
		{"2.5", 0, "3", "2", "2"},
		{"3.5", 0, "4", "4", "3"},
		{"-2.5", 0, "-3", "-2", "-2"},
		{"-0.5", 0, "-1", "0", "0"},
		{"0.005", 2, "0.01", "0.00", "0.00"},
		{"-0.005", 2, "-0.01", "0.00", "0.00"},
		{"0.0049999", 2, "0.00", "0.00", "0.00"},
		{"2.3449", 2, "2.34", "2.34", "2.34"},
		{"9.995", 2, "10.00", "10.00", "9.99"},
		{"-9.995", 2, "-10.00", "-10.00", "-9.99"},
		{"1.5", 2, "1.50", "1.50", "1.50"},
		{"12", 2, "12.00", "12.00", "12.00"},
		{"0.1234567890123456789", 18, "0.123456789012345679", "0.123456789012345679", "0.123456789012345678"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s to %d places", tt.in, tt.places), func(t *testing.T) {
			for mode, want := range map[string]string{"round": tt.round, "roundHalfEven": tt.even, "trunc": tt.trunc} {
				src := fmt.Sprintf(`decimal(%q).%s(%d)`, tt.in, mode, tt.places)
				assert.Equal(t, want, evalDecimal(t, env, act, src), src)
			}
		})
	}
}

func TestDecimal_rejects_places_out_of_range(t *testing.T) {
	env, act := newEnv(t), expr.NewActivation(expr.Data{})
	for _, src := range []string{`decimal("1").round(-1)`, `decimal("1").trunc(20)`, `decimal("1").format(20)`, `allocate(decimal("1"), 2, -1)`} {
		t.Run(src, func(t *testing.T) {
			assert.Contains(t, evalErr(t, env, act, src), "places must be between 0 and 19")
		})
	}
}

func TestDecimal_with_double_does_not_compile(t *testing.T) {
	env := newEnv(t)
	for _, src := range []string{
		`decimal("1") * 1.1`,
		`1.5 + decimal("2")`,
		`decimal("1") - 0.5`,
		`decimal("1") / 2.0`,
		`decimal("1") < 1.5`,
		`decimal("1") == 1.0`,
		`decimal(1.5)`,
		`money({"Amount": "1", "CurrencyCode": "USD"}) * 1.1`,
		`sum([1.5, 2.5])`,
		`allocate(decimal("1"), [0.5, 0.5])`,
		`decimal("1").round(2) + double("1.5")`,
	} {
		t.Run(src, func(t *testing.T) {
			prg, issues := env.Compile(src)
			assert.Nil(t, prg)
			require.Len(t, issues, 1)
			assert.Contains(t, issues[0].Message, "found no matching overload")
		})
	}
}

func TestDecimal_division_by_zero_and_overflow_are_errors(t *testing.T) {
	env, act := newEnv(t), expr.NewActivation(expr.Data{})
	tests := []struct{ src, want string }{
		{`decimal("1") / 0`, "division by zero"},
		{`decimal("1") / decimal("0.00")`, "division by zero"},
		{`1 / decimal("0")`, "division by zero"},
		{`decimal("9999999999999999999") + 1`, "overflow"},
		{`decimal("9999999999999999999") * 10`, "overflow"},
		{`-decimal("9999999999999999999") - 1`, "overflow"},
		{`decimal("9999999999999999999.5")`, "cannot parse"},
		{`decimal("9999999999999999999").round(0) + decimal("0.5").round(0)`, "overflow"},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			assert.Contains(t, evalErr(t, env, act, tt.src), tt.want)
		})
	}
}

func TestDecimal_mixes_with_ints_from_messages(t *testing.T) {
	env := newEnv(t)
	act := expr.NewActivation(expr.Data{Msg: map[string]any{
		"qty":   int64(3),
		"price": decimal.MustParse("19.99"),
		"two":   decimal.MustParse("2.00"),
		"rate":  0.5,
		"items": []any{map[string]any{"amount": decimal.MustParse("1.10")}, map[string]any{"amount": int64(2)}},
	}})
	tests := []struct {
		src  string
		want any
	}{
		{`msg.qty * msg.price`, "59.97"},
		{`msg.price * msg.qty`, "59.97"},
		{`msg.qty * decimal("1.5")`, "4.5"},
		{`decimal("1.5") * msg.qty`, "4.5"},
		{`msg.price + decimal("0.01")`, "20.00"},
		{`2 + msg.two`, "4.00"},
		{`sum(msg.items.map(i, i.amount))`, "3.10"},
		{`msg.qty - msg.two`, "1.00"},
		{`msg.qty / msg.two`, "1.5"},
		{`2 == msg.two`, true},
		{`msg.two == 2`, true},
		{`msg.qty != msg.two`, true},
		{`msg.qty > msg.two`, true},
		{`msg.qty <= msg.two`, false},
		{`msg.qty + 1`, int64(4)},
		{`"a" + "b" == "ab"`, true},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			got := eval(t, env, act, tt.src)
			if d, ok := got.(decimal.Decimal); ok {
				got = d.String()
			}
			assert.Equal(t, tt.want, got)
		})
	}
	assert.Contains(t, evalErr(t, env, act, `msg.price * msg.rate`), "decimal * double")
	assert.Contains(t, evalErr(t, env, act, `msg.rate * msg.price`), "no such overload")
}

func TestMoney_accepts_both_sp_api_shapes_only(t *testing.T) {
	env := newEnv(t)
	act := expr.NewActivation(expr.Data{Msg: map[string]any{
		"v0":      map[string]any{"Amount": "11.01", "CurrencyCode": "USD"},
		"v2026":   map[string]any{"amount": "0.99", "currencyCode": "EUR"},
		"number":  map[string]any{"Amount": decimal.MustParse("5.50"), "CurrencyCode": "USD"},
		"whole":   map[string]any{"amount": int64(5), "currencyCode": "JPY"},
		"mixed":   map[string]any{"Amount": "1.00", "currencyCode": "USD"},
		"extra":   map[string]any{"Amount": "1.00", "CurrencyCode": "USD", "Tax": "0.1"},
		"nocur":   map[string]any{"Amount": "1.00"},
		"badcur":  map[string]any{"Amount": "1.00", "CurrencyCode": int64(840)},
		"bad":     map[string]any{"Amount": "1,00", "CurrencyCode": "EUR"},
		"float":   map[string]any{"Amount": 1.5, "CurrencyCode": "EUR"},
		"string":  "11.01",
		"nothing": nil,
	}})
	for src, want := range map[string]string{
		`money(msg.v0)`:     "11.01",
		`money(msg.v2026)`:  "0.99",
		`money(msg.number)`: "5.50",
		`money(msg.whole)`:  "5",
	} {
		assert.Equal(t, want, evalDecimal(t, env, act, src), src)
	}
	for src, want := range map[string]string{
		`money(msg.mixed)`:   "got keys [Amount, currencyCode]",
		`money(msg.extra)`:   "got keys [Amount, CurrencyCode, Tax]",
		`money(msg.nocur)`:   "got keys [Amount]",
		`money(msg.badcur)`:  "got keys [Amount, CurrencyCode]",
		`money(msg.bad)`:     `cannot parse "1,00" as a decimal`,
		`money(msg.float)`:   "amount must be a string, got double",
		`money(msg.string)`:  "want an SP-API money object",
		`money(msg.nothing)`: "got null_type",
	} {
		assert.Contains(t, evalErr(t, env, act, src), want, src)
	}
}

func TestAllocate_splits_exactly(t *testing.T) {
	env, act := newEnv(t), expr.NewActivation(expr.Data{})
	tests := []struct{ src, want string }{
		{`allocate(decimal("10.00"), 3)`, "3.34 3.33 3.33"},
		{`allocate(decimal("-10.00"), 3)`, "-3.34 -3.33 -3.33"},
		{`allocate(decimal("0.02"), 3)`, "0.01 0.01 0.00"},
		{`allocate(decimal("5.00"), 1)`, "5.00"},
		{`allocate(decimal("10.00"), [1, 1, 1])`, "3.34 3.33 3.33"},
		{`allocate(decimal("100.00"), [3, 0, 1])`, "75.00 0.00 25.00"},
		{`allocate(decimal("7.99"), [2, 1, 3])`, "2.66 1.33 4.00"},
		{`allocate(decimal("1.00"), [decimal("0.333"), decimal("0.333"), decimal("0.334")])`, "0.33 0.33 0.34"},
		{`allocate(decimal("10"), 4, 2)`, "2.50 2.50 2.50 2.50"},
		{`allocate(decimal("10.000"), 3, 2)`, "3.34 3.33 3.33"},
		{`allocate(decimal("1"), 3, 0)`, "1 0 0"},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			got := eval(t, env, act, tt.src)
			parts := make([]string, 0)
			for _, p := range got.([]any) {
				parts = append(parts, p.(decimal.Decimal).String())
			}
			assert.Equal(t, tt.want, strings.Join(parts, " "))
		})
	}
	for src, want := range map[string]string{
		`allocate(decimal("1.00"), 0)`:             "want 1 to 10000 parts, got 0",
		`allocate(decimal("1.00"), [])`:            "want 1 to 10000 parts, got 0",
		`allocate(decimal("1.00"), [0, 0])`:        "the weights sum to zero",
		`allocate(decimal("1.00"), [1, -1, 2])`:    "weight -1 is negative",
		`allocate(decimal("1.005"), 2, 2)`:         "has more than 2 decimal places",
		`allocate(decimal("1.00"), [1, dyn(1.5)])`: "element 1 is a double",
	} {
		assert.Contains(t, evalErr(t, env, act, src), want, src)
	}
}

func TestAllocate_resums_to_the_total_across_quantities(t *testing.T) {
	env, act := newEnv(t), expr.NewActivation(expr.Data{})
	prg, issues := env.Compile(`cel.bind(parts, allocate(decimal(msg.total), msg.qty.map(q, int(q))), [sum(parts), parts])`)
	require.Empty(t, issues)
	r := rand.New(rand.NewPCG(1, 2))
	for range 300 {
		total := decimal.MustNew(r.Int64N(2_000_000)-1_000_000, 2)
		qty := make([]any, 1+r.IntN(8))
		var weight int64
		for i := range qty {
			q := r.Int64N(5)
			qty[i], weight = q, weight+q
		}
		if weight == 0 {
			qty[0], weight = int64(1), 1
		}
		act = expr.NewActivation(expr.Data{Msg: map[string]any{"total": total.String(), "qty": qty}})
		got, err := prg.Eval(act)
		require.NoError(t, err)
		res := got.([]any)
		require.Equal(t, total.String(), res[0].(decimal.Decimal).String(), "total %s across %v", total, qty)
		for i, p := range res[1].([]any) {
			// each part is within one cent of its exact share
			exact, err := total.Mul(decimal.MustNew(qty[i].(int64), 0))
			require.NoError(t, err)
			exact, err = exact.Quo(decimal.MustNew(weight, 0))
			require.NoError(t, err)
			diff, err := p.(decimal.Decimal).Sub(exact)
			require.NoError(t, err)
			assert.True(t, diff.Abs().Cmp(decimal.MustParse("0.01")) < 0, "part %d of %s across %v: %s", i, total, qty, p)
		}
	}
}
