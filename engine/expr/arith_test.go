package expr

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestArith_recognises_money_arithmetic_over_fields(t *testing.T) {
	env, err := NewEnv(Options{Vars: []string{"a", "b"}})
	require.NoError(t, err)
	for src, want := range map[string]bool{
		`(a - b + msg.x.y).round(2)`:       true,
		`money(msg.total)`:                 true,
		`money(msg.p) / msg.q`:             true,
		`a * 2`:                            true,
		`a.round(2)`:                       true,
		`a`:                                false, // a direct read (direct.go)
		`msg.a.b`:                          false,
		`1 + 2`:                            false, // no field
		`a.round(b)`:                       false, // places not a literal
		`a.round(20)`:                      false, // places out of range: CEL reports it
		`a % 2`:                            false,
		`-a`:                               false,
		`meta.x + a`:                       false, // metadata holds strings
		`now + a`:                          false,
		`tables.t["x"] + a`:                false,
		`money(msg.items[0].p)`:            false,
		`msg.items.sum(i, money(i.p)) + a`: true, // arith_sum.go
		`msg.items.sum(i, i.q).round(2)`:   true,
		`a.sum(i, money(i.p) - i.d)`:       true,
		`msg.items.sum(i, i.p.size())`:     false, // a body that is not arithmetic
		`msg.items.sum(i, a)`:              false, // a body that reads more than the element
		`[1, 2].sum(i, i)`:                 false, // a range that is not read from a variable
		`msg.items.map(i, i.q).sum(i, i)`:  false,
		`a + decimal("1.5")`:               false,
		`(a + b).roundHalfEven(2)`:         false,
	} {
		t.Run(src, func(t *testing.T) {
			checked, iss := env.compileAST(src)
			require.NoError(t, iss.Err())
			ast := checked.NativeRep()
			assert.Equal(t, want, arithOf(ast, ast.Expr(), "") != nil)
		})
	}
}
