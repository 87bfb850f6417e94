package expr

import (
	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/operators"
)

// tablesLib is the lookup-table access on tables.<name>.
var tablesLib = &libSpec{
	name:  "pipewright.lib.tables",
	title: "Lookup tables",
	intro: "`tables.<name>` is one of the directory's lookup tables (CSV or YAML); a name that is not a " +
		"table of the directory is a compile error. Keys are strings; an int key is converted to its " +
		"decimal string. A row is a string or a map of column to value. The examples use three tables: " +
		"`skus` (`AB-1` → `{\"item\": \"AB1000\", \"uom\": \"EA\"}`, `CD-2` → `{\"item\": \"CD2000\", \"uom\": \"PK\"}`), " +
		"`order_status` (`Pending` → `Open`, `Shipped` → `Closed`; case-insensitive, default `Unknown`) and " +
		"`warehouses` (`1` → `MAIN`, `2` → `WEST`).",
	version: 1,
	fns: []fn{
		{
			name: operators.Index,
			doc: "Returns the row for a key. A missing key is an error naming the table and the key, unless " +
				"the table has a default.",
			examples: []string{
				`tables.skus["AB-1"] // {"item": "AB1000", "uom": "EA"}`,
				`tables.skus["AB-1"].item // "AB1000"`,
				`tables.skus["ABC-1"] // error: table "skus" has no key "ABC-1"`,
				`tables.order_status["SHIPPED"] // "Closed"`,
				`tables.order_status["Refunded"] // "Unknown"`,
				`tables.warehouses[1] // "MAIN"`,
				`tables.sku["AB-1"] // compile error: unknown table "sku"`,
			},
			overloads: []overload{
				{id: "index_table_string", args: args(tableType, cel.StringType), result: tableRow},
				{id: "index_table_int", args: args(tableType, cel.IntType), result: tableRow},
			},
		},
		{
			name:     operators.OptIndex,
			doc:      "Returns the row for a key as an optional: none when the table has no row for it, whatever its default.",
			examples: []string{`tables.skus[?"ABC-1"].orValue({"item": "MISC"}).item // "MISC"`, `tables.order_status[?"Refunded"].hasValue() // false`},
			overloads: []overload{
				{id: "optindex_table_string", args: args(tableType, cel.StringType), result: cel.OptionalType(tableRow)},
				{id: "optindex_table_int", args: args(tableType, cel.IntType), result: cel.OptionalType(tableRow)},
			},
		},
		{
			name:     operators.In,
			doc:      "Tests whether a table has a row for a key (a default does not count).",
			examples: []string{`"AB-1" in tables.skus // true`, `"Refunded" in tables.order_status // false`},
			overloads: []overload{
				{id: "in_string_table", args: args(cel.StringType, tableType), result: cel.BoolType},
				{id: "in_int_table", args: args(cel.IntType, tableType), result: cel.BoolType},
			},
		},
		{
			name:     "get",
			params:   []string{"key", "default"},
			doc:      "Returns the row for a key, or `default` when the table has no row for it.",
			examples: []string{`tables.skus.get("ABC-1", "MISC") // "MISC"`, `tables.warehouses.get(2, "MAIN") // "WEST"`},
			overloads: []overload{
				{id: "table_get_string_dyn", member: true, args: args(tableType, cel.StringType, cel.DynType), result: cel.DynType, varfn: getOrDefault},
				{id: "table_get_int_dyn", member: true, args: args(tableType, cel.IntType, cel.DynType), result: cel.DynType, varfn: getOrDefault},
			},
		},
	},
}
