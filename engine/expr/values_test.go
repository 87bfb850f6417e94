package expr_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/expr"
)

func TestComprehension_over_a_message_object_visits_its_keys_in_sorted_order(t *testing.T) {
	env, err := expr.NewEnv(expr.Options{})
	require.NoError(t, err)
	obj := map[string]any{}
	for _, k := range []string{"m", "b", "z", "a", "k", "c", "y", "d", "x", "e"} {
		obj[k] = k + "!"
	}
	act := expr.NewActivation(expr.Data{Msg: map[string]any{"attrs": obj}})
	for src, want := range map[string]any{
		`msg.attrs.map(k, k).join("")`:                                 "abcdekmxyz",
		`msg.attrs.transformList(k, v, v).join("")`:                    "a!b!c!d!e!k!m!x!y!z!",
		`msg.attrs.filter(k, k > "l").join("")`:                        "mxyz",
		`msg.attrs.map(k, k)[0] + msg.attrs.map(k, k)[9]`:              "az",
		`cel.bind(ks, msg.attrs.map(k, k), ks[1] + string(ks.size()))`: "b10",
	} {
		for range 20 { // Go's map order changes from one range to the next
			prg, issues := env.Compile(src)
			require.Empty(t, issues, src)
			got, err := prg.Eval(act)
			require.NoError(t, err, src)
			assert.Equal(t, want, got, src)
		}
	}
}
