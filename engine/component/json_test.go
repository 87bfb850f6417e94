package component_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/govalues/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/component"
)

func TestDecodeJSON_value_model(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want any
	}{
		{"integer", `42`, int64(42)},
		{"negative integer", `-7`, int64(-7)},
		{"money keeps its scale", `12.30`, decimal.MustParse("12.30")},
		{"exponent", `1.5e2`, decimal.MustParse("150")},
		{"integer beyond int64", `92233720368547758080`, 92233720368547758080.0},
		{"too many digits for a decimal", `0.12345678901234567890123`, 0.12345678901234567890123},
		{"string with escapes", `"a\"b\\c\n\u00e9\ud83d\ude00"`, "a\"b\\c\né😀"},
		{"lone surrogate", `"\ud83d!"`, "\ufffd!"},
		{"nested", `{"a":[1,true,null,"x"],"b":{}}`, map[string]any{"a": []any{int64(1), true, nil, "x"}, "b": map[string]any{}}},
		{"spaces", " \n[ 1 , 2 ]\t", []any{int64(1), int64(2)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := component.DecodeJSON([]byte(tt.in))
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestDecodeJSON_rejects_malformed_input(t *testing.T) {
	for _, in := range []string{``, `{`, `[1,]`, `{"a" 1}`, `01`, `1.`, `"abc`, `tru`, `{"a":1} x`, "\"a\x01\"", `"\x"`, `-`, `1e`} {
		t.Run(in, func(t *testing.T) {
			_, err := component.DecodeJSON([]byte(in))
			require.Error(t, err)
			var se *component.SyntaxError
			assert.ErrorAs(t, err, &se)
		})
	}
}

func TestEncodeJSON_sorts_keys_and_keeps_decimal_scale(t *testing.T) {
	v := map[string]any{
		"b": decimal.MustParse("10.50"),
		"a": []any{int64(1), "x<&>", nil, true},
		"t": time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		"s": "line\nbreak \u2028 \x01",
	}
	got, err := component.EncodeJSON(v)
	require.NoError(t, err)
	assert.Equal(t, `{"a":[1,"x<&>",null,true],"b":10.50,"s":"line\nbreak \u2028 \u0001","t":"2026-01-02T03:04:05Z"}`, string(got))
}

func TestEncodeJSON_sorts_the_keys_of_objects_of_any_size(t *testing.T) {
	for _, n := range []int{0, 1, 2, 17, 24, 25, 100} {
		m := map[string]any{}
		for i := range n {
			m[fmt.Sprintf("k%03d", (i*37)%101)] = int64(i)
		}
		got, err := component.EncodeJSON(map[string]any{"o": m})
		require.NoError(t, err)
		want, err := json.Marshal(map[string]any{"o": m}) // encoding/json sorts keys
		require.NoError(t, err)
		assert.Equal(t, string(want), string(got), "%d members", n)
	}
}

func TestEncodeJSON_rejects_unsupported_values(t *testing.T) {
	_, err := component.EncodeJSON(map[string]any{"f": func() {}})
	assert.ErrorContains(t, err, "f: cannot encode")
}

func FuzzJSON_round_trip(f *testing.F) {
	for _, s := range []string{`{"a":1}`, `[1.25,"x",null]`, `"\u00e9"`, `{"k":{"n":[-0.5e3,1e400]}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := component.DecodeJSON(data)
		require.Equal(t, err, component.CheckJSON(data), "CheckJSON agrees with DecodeJSON")
		var std any
		stdErr := json.Unmarshal(data, &std)
		if (err == nil) != (stdErr == nil) {
			t.Fatalf("DecodeJSON err=%v, encoding/json err=%v", err, stdErr)
		}
		if err != nil {
			return
		}
		out, err := component.EncodeJSON(v)
		require.NoError(t, err)
		var back any
		require.NoError(t, json.Unmarshal(out, &back), "output is not JSON: %s", out)
		assert.Equal(t, std, back, "the value changed on the way through")
	})
}

func TestCheckJSON_accepts_what_DecodeJSON_accepts(t *testing.T) {
	for _, in := range []string{
		// accepted
		`42`, `-7`, `12.30`, `1.5e2`, `92233720368547758080`, `-999999999999999999`, `0.12345678901234567890123`,
		`"a\"b\\c\n\u00e9\ud83d\ude00"`, `"\ud83d!"`, "\"\xff\"", `{"a":[1,true,null,"x"],"b":{}}`, " \n[ 1 , 2 ]\t", `[]`, `{}`,
		// refused
		``, `{`, `[1,]`, `{"a" 1}`, `01`, `1.`, `"abc`, `tru`, `{"a":1} x`, "\"a\x01\"", `"\x"`, `-`, `1e`, `1e400`, `{"a":1e999}`,
		strings.Repeat("[", 1002) + strings.Repeat("]", 1002),
	} {
		t.Run(in, func(t *testing.T) {
			_, want := component.DecodeJSON([]byte(in))
			got := component.CheckJSON([]byte(in))
			if want == nil {
				assert.NoError(t, got)
				return
			}
			assert.Equal(t, want, got, "the same error, at the same offset")
		})
	}
}
