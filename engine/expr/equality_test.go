package expr_test

import (
	"testing"

	"github.com/govalues/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/expr"
)

// TestCompile_equality_between_a_decimal_and_an_int fails loudly when a
// cel-go upgrade changes what the decimal-int equality relies on: the
// checker rejecting == and != between a decimal and an int at the call's
// own id, so that the call can be renamed and checked again.
func TestCompile_equality_between_a_decimal_and_an_int(t *testing.T) {
	env, err := expr.NewEnv(expr.Options{})
	require.NoError(t, err)
	act := expr.NewActivation(expr.Data{Msg: map[string]any{"p": map[string]any{"Amount": "0.00", "CurrencyCode": "USD"}, "d": decimal.MustParse("2.50")}})
	for src, want := range map[string]bool{
		`money(msg.p) == 0`:                                          true,
		`0 == money(msg.p)`:                                          true,
		`money(msg.p) != 0`:                                          false,
		`[1, 2].map(x, decimal(x) == x).all(b, b)`:                   true,
		`decimal("2.50") == 2 || 3 != decimal("3")`:                  false,
		`cel.bind(d, decimal("1.0"), d == 1 && 1 == d && !(d != 1))`: true,
	} {
		t.Run(src, func(t *testing.T) {
			prg, issues := env.Compile(src)
			require.Empty(t, issues)
			got, err := prg.Eval(act)
			require.NoError(t, err)
			assert.Equal(t, want, got)
		})
	}
}

// TestCompile_other_mixed_equalities_keep_the_checkers_message: the
// rewrite only answers decimal-int comparisons; any other rejected
// comparison is reported as the checker reports it, beside other issues.
func TestCompile_other_mixed_equalities_keep_the_checkers_message(t *testing.T) {
	env, err := expr.NewEnv(expr.Options{})
	require.NoError(t, err)
	for src, want := range map[string][]expr.Issue{
		`"a" == 1`:                      {{Line: 1, Column: 5, Message: "found no matching overload for '_==_' applied to '(string, int)'"}},
		`decimal("1") != 1.0`:           {{Line: 1, Column: 14, Message: "found no matching overload for '_!=_' applied to '(decimal, double)'"}},
		`money(msg.p) == 0 && "a" == 1`: {{Line: 1, Column: 26, Message: "found no matching overload for '_==_' applied to '(string, int)'"}},
		`money(msg.p) == 0 && nope(1)`:  {{Line: 1, Column: 26, Message: "undeclared reference to 'nope' (in container '')"}},
	} {
		t.Run(src, func(t *testing.T) {
			prg, issues := env.Compile(src)
			assert.Nil(t, prg)
			assert.Equal(t, want, issues)
		})
	}
}
