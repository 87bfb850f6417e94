package expr_test

import (
	"testing"

	"github.com/govalues/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/expr"
)

func tableFixture(t *testing.T) (*expr.Env, *expr.Activation) {
	t.Helper()
	env, err := expr.NewEnv(expr.Options{Tables: []string{"skus", "status", "carriers", "absent"}})
	require.NoError(t, err)
	act := expr.NewActivation(expr.Data{
		Msg: map[string]any{"sku": "ab-1", "code": int64(7)},
		Tables: expr.Tables{
			"skus": expr.NewTable("skus", map[string]any{
				"AB-1": map[string]any{"item": "AB1000", "price": decimal.MustParse("9.99")},
				"7":    map[string]any{"item": "SEVEN", "price": decimal.MustParse("7.00")},
			}, expr.TableOptions{}),
			"status": expr.NewTable("status", map[string]any{"Shipped": "Closed"},
				expr.TableOptions{CaseInsensitive: true, HasDefault: true, Default: "Unknown"}),
			"carriers": expr.NewTable("carriers", map[string]any{"UPS": "UPS"},
				expr.TableOptions{HasDefault: true, Default: nil}),
		},
	})
	return env, act
}

func TestTables_look_rows_up(t *testing.T) {
	env, act := tableFixture(t)
	tests := []struct {
		src  string
		want any
	}{
		{`tables.skus["AB-1"].item`, "AB1000"},
		{`tables.skus[msg.sku.upperAscii()].price * 2`, decimal.MustParse("19.98")},
		{`tables.skus[msg.code].item`, "SEVEN"},
		{`tables.skus[7].item`, "SEVEN"},
		{`tables["skus"]["AB-1"].item`, "AB1000"},
		{`tables.status["shipped"]`, "Closed"},
		{`tables.status["Lost"]`, "Unknown"},
		{`tables.carriers["DHL"]`, nil},
		{`"ab-1" in tables.skus`, false},
		{`7 in tables.skus`, true},
		{`"shipped" in tables.status`, true},
		{`"Lost" in tables.status`, false},
		{`tables.skus.get("ZZ", {"item": "MISC"}).item`, "MISC"},
		{`tables.skus.get(7, "none").item`, "SEVEN"},
		{`tables.status.get("Lost", "Other")`, "Other"},
		{`tables.skus[?"ZZ"].hasValue()`, false},
		{`tables.?skus.hasValue()`, true},
		{`"skus" in tables`, true},
		{`"nope" in tables`, false},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			assert.Equal(t, tt.want, eval(t, env, act, tt.src))
		})
	}
}

func TestTables_errors_name_the_table_and_the_key(t *testing.T) {
	env, act := tableFixture(t)
	tests := []struct{ src, want string }{
		{`tables.skus["ABC-1"]`, `table "skus" has no key "ABC-1"`},
		{`tables.skus[msg.sku]`, `table "skus" has no key "ab-1"`},
		{`tables.skus[-3]`, `table "skus" has no key "-3"`},
		{`tables.skus[dyn(1.5)]`, `table "skus": a key must be a string or an int, got double`},
		{`tables.absent["x"]`, `no lookup table "absent"`},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			assert.Equal(t, tt.want, evalErr(t, env, act, tt.src))
		})
	}
}

func TestTables_are_not_results(t *testing.T) {
	env, act := tableFixture(t)
	assert.Contains(t, evalErr(t, env, act, `tables.skus`), "result of type table is not a message value")
}

func TestTable_Lookup_is_usable_from_go(t *testing.T) {
	tbl := expr.NewTable("uom", map[string]any{"Each": "EA", "each": "ea"}, expr.TableOptions{CaseInsensitive: true})
	assert.Equal(t, "uom", tbl.Name())
	assert.Equal(t, 1, tbl.Len(), "keys differing in case collapse")
	row, err := tbl.Lookup("EACH")
	require.NoError(t, err)
	assert.Equal(t, "EA", row, "the first key in sorted order wins")
	assert.True(t, tbl.Has("each"))
	_, err = tbl.Lookup("Box")
	assert.EqualError(t, err, `table "uom" has no key "Box"`)
}
