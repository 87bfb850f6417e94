package expr

import (
	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/ast"
	"github.com/google/cel-go/common/operators"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/common/types/traits"
	"github.com/govalues/decimal"
)

var (
	decimalList = cel.ListType(DecimalType)
	intList     = cel.ListType(cel.IntType)
)

// decimalLib is exact decimal arithmetic for money (DESIGN.md D5).
var decimalLib = &libSpec{
	name:  "pipewright.lib.decimal",
	title: "Decimal (money)",
	intro: "`decimal` is an exact decimal number (github.com/govalues/decimal: up to 19 digits, " +
		"up to 19 of them after the point) for money. It mixes with `int` in both orders but never " +
		"with `double`: `decimal(\"1\") + 1.5` is a compile error (no matching overload), so amounts " +
		"never pass through floating point. Addition, subtraction and multiplication are exact; " +
		"division keeps 19 significant digits (round the result with `round`); division by zero " +
		"and overflow are errors. Results keep their scale: `decimal(\"12.30\")` stays `12.30`.",
	version: 1,
	options: func() []cel.EnvOption {
		return []cel.EnvOption{cel.Macros(cel.ReceiverMacro("sum", 2, sumMacro))}
	},
	fns: []fn{
		{
			name: "decimal",
			doc:  "Converts a string (`\"-12.30\"`, as SP-API and SQL write amounts) or an int to a decimal. A string that is not a decimal number is an error.",
			examples: []string{
				`decimal("12.30") // decimal("12.30")`,
				`decimal(7) // decimal("7")`,
				`decimal("0.10") + decimal("0.20") == decimal("0.30") // true`,
				`decimal("12,30") // error: cannot parse "12,30" as a decimal`,
			},
			overloads: []overload{
				{id: "decimal_string", args: args(cel.StringType), result: DecimalType, unary: toDecimal},
				{id: "decimal_int", args: args(cel.IntType), result: DecimalType, unary: toDecimal},
				{id: "decimal_decimal", args: args(DecimalType), result: DecimalType, unary: toDecimal},
			},
		},
		arithmetic(operators.Add, "add", "Adds decimals, or a decimal and an int, exactly.",
			`decimal("0.10") + decimal("0.20") // decimal("0.30")`,
			`1 + decimal("0.99") // decimal("1.99")`,
			`decimal("1") + 1.5 // compile error: found no matching overload for '_+_' applied to '(decimal, double)'`),
		arithmetic(operators.Subtract, "subtract", "Subtracts exactly.",
			`decimal("10.00") - decimal("0.01") // decimal("9.99")`,
			`10 - decimal("0.5") // decimal("9.5")`),
		arithmetic(operators.Multiply, "multiply", "Multiplies exactly; the scale of the result is the sum of the scales.",
			`decimal("19.99") * 3 // decimal("59.97")`,
			`decimal("1.10") * decimal("1.10") // decimal("1.2100")`,
			`decimal("1") * 1.1 // compile error: found no matching overload for '_*_' applied to '(decimal, double)'`),
		arithmetic(operators.Divide, "divide", "Divides, keeping 19 significant digits (rounded half to even). Division by zero is an error.",
			`decimal("10.00") / 4 // decimal("2.50")`,
			`(decimal("10") / 3).round(2) // decimal("3.33")`,
			`decimal("1") / 0 // error: division by zero`),
		{
			name:     operators.Negate,
			doc:      "Negates a decimal.",
			examples: []string{`-decimal("1.50") // decimal("-1.50")`},
			overloads: []overload{
				{id: "negate_decimal", args: args(DecimalType), result: DecimalType},
			},
		},
		comparison(operators.Less, "less", `decimal("1.99") < 2 // true`),
		comparison(operators.LessEquals, "less_equals", `decimal("2.00") <= 2 // true`),
		comparison(operators.Greater, "greater", `3 > decimal("2.999") // true`),
		comparison(operators.GreaterEquals, "greater_equals", `decimal("0.1") >= decimal("0.10") // true`),
		{
			name:      operators.Equals,
			declareAs: decimalEquals,
			doc:       "Decimals are equal when their values are, whatever their scale, also against ints.",
			examples:  []string{`decimal("1.50") == decimal("1.5") // true`, `decimal("2.00") == 2 // true`, `0 == decimal("0.00") // true`},
			overloads: []overload{
				{id: "equals_decimal_int", args: args(DecimalType, cel.IntType), result: cel.BoolType, binary: equal},
				{id: "equals_int_decimal", args: args(cel.IntType, DecimalType), result: cel.BoolType, binary: equal},
			},
		},
		{
			name:      operators.NotEquals,
			declareAs: decimalNotEquals,
			doc:       "The negation of `==`.",
			examples:  []string{`1 != decimal("1.01") // true`, `decimal("1.00") != 1 // false`},
			overloads: []overload{
				{id: "not_equals_decimal_int", args: args(DecimalType, cel.IntType), result: cel.BoolType, binary: notEqual},
				{id: "not_equals_int_decimal", args: args(cel.IntType, DecimalType), result: cel.BoolType, binary: notEqual},
			},
		},
		rounding("round", roundHalfAway, "Rounds to `places` decimal places (0 to 19), **half away from zero** "+
			"(commercial rounding, as SQL Server's ROUND does). The result has exactly `places` decimal places.",
			`decimal("2.345").round(2) // decimal("2.35")`,
			`decimal("-2.345").round(2) // decimal("-2.35")`,
			`decimal("2.5").round(0) // decimal("3")`,
			`decimal("1.5").round(2) // decimal("1.50")`),
		rounding("roundHalfEven", roundHalfEven, "Rounds to `places` decimal places **half to even** (banker's rounding). The result has exactly `places` decimal places.",
			`decimal("2.345").roundHalfEven(2) // decimal("2.34")`,
			`decimal("2.355").roundHalfEven(2) // decimal("2.36")`,
			`decimal("-2.5").roundHalfEven(0) // decimal("-2")`),
		rounding("trunc", truncate, "Drops the digits after `places` decimal places (rounds toward zero). The result has exactly `places` decimal places.",
			`decimal("2.349").trunc(2) // decimal("2.34")`,
			`decimal("-2.349").trunc(2) // decimal("-2.34")`),
		{
			name:   "format",
			params: []string{"places"},
			doc:    "Formats a decimal with exactly `places` decimal places, rounding half away from zero like `round`.",
			examples: []string{
				`decimal("12.3").format(2) // "12.30"`,
				`decimal("0.125").format(2) // "0.13"`,
				`decimal("-7").format(0) // "-7"`,
			},
			overloads: []overload{
				{id: "decimal_format_int", member: true, args: args(DecimalType, cel.IntType), result: cel.StringType, binary: formatDecimal},
			},
		},
		{
			name:     "string",
			doc:      "Converts a decimal to a string, keeping its scale.",
			examples: []string{`string(decimal("12.30")) // "12.30"`},
			overloads: []overload{
				{id: "string_decimal", args: args(DecimalType), result: cel.StringType, unary: func(v ref.Val) ref.Val {
					return v.ConvertToType(types.StringType)
				}},
			},
		},
		{
			name: "money",
			doc: "Converts an SP-API money object to its amount: `{\"Amount\": \"11.01\", \"CurrencyCode\": \"USD\"}` " +
				"(Orders v0) or `{\"amount\": \"11.01\", \"currencyCode\": \"USD\"}` (Orders v2026-01-01). " +
				"Anything else is an error naming the keys it got.",
			examples: []string{
				`money({"Amount": "11.01", "CurrencyCode": "USD"}) // decimal("11.01")`,
				`money({"amount": "0.99", "currencyCode": "EUR"}) // decimal("0.99")`,
				`money({"Amount": "11.01"}) // error: got keys [Amount]`,
				`money("11.01") // error: want an SP-API money object`,
			},
			overloads: []overload{
				{id: "money_dyn", args: args(cel.DynType), result: DecimalType, unary: money},
			},
		},
		{
			name: "sum",
			doc: "Adds up a list of decimals and ints exactly. An empty list gives decimal 0. The macro " +
				"`list.sum(x, expr)` adds up `expr` for each element `x`, without building a list first: " +
				"`msg.OrderItems.sum(i, money(i.ItemPrice))` is `sum(msg.OrderItems.map(i, money(i.ItemPrice)))`, faster.",
			examples: []string{
				`sum([decimal("0.10"), decimal("0.20"), 1]) // decimal("1.30")`,
				`sum([]) // decimal("0")`,
				`[{"q": 2, "p": "1.50"}, {"q": 1, "p": "0.25"}].sum(l, l.q * decimal(l.p)) // decimal("3.25")`,
				`[].sum(x, x) // decimal("0")`,
				`sum([1.5]) // compile error: found no matching overload for 'sum'`,
				`[1.5].sum(x, x) // compile error: found no matching overload for '_+_' applied to '(decimal, double)'`,
			},
			overloads: []overload{
				{id: "sum_list_decimal", args: args(decimalList), result: DecimalType, unary: sum, cost: &listCost},
				{id: "sum_list_int", args: args(intList), result: DecimalType, unary: sum, cost: &listCost},
			},
		},
		{
			name:   "allocate",
			params: []string{"total", "parts", "places"},
			doc: "Splits `total` into `parts` equal parts (an int, up to 10000), or into parts proportional to the " +
				"weights `parts` (a list of ints or decimals, such as line quantities or amounts), that add up to `total` exactly. " +
				"Each part has the total's scale, or `places` decimal places when given. Largest remainder " +
				"method: each part gets its share rounded toward zero, then the cents left over go one each " +
				"to the parts with the largest remainders, the earlier part first on a tie.",
			examples: []string{
				`allocate(decimal("10.00"), 3) // [decimal("3.34"), decimal("3.33"), decimal("3.33")]`,
				`allocate(decimal("10"), [1, 2, 3], 2) // [decimal("1.67"), decimal("3.33"), decimal("5.00")]`,
				`sum(allocate(decimal("100.00"), [decimal("0.7"), decimal("0.2"), decimal("0.1")])) // decimal("100.00")`,
				`allocate(decimal("10.005"), 2, 2) // error: has more than 2 decimal places`,
			},
			overloads: []overload{
				{id: "allocate_decimal_int", args: args(DecimalType, cel.IntType), result: decimalList, varfn: allocateFn, cost: &listCost},
				{id: "allocate_decimal_list_int", args: args(DecimalType, intList), result: decimalList, varfn: allocateFn, cost: &listCost},
				{id: "allocate_decimal_list_decimal", args: args(DecimalType, decimalList), result: decimalList, varfn: allocateFn, cost: &listCost},
				{id: "allocate_decimal_int_int", args: args(DecimalType, cel.IntType, cel.IntType), result: decimalList, varfn: allocateFn, cost: &listCost},
				{id: "allocate_decimal_list_int_int", args: args(DecimalType, intList, cel.IntType), result: decimalList, varfn: allocateFn, cost: &listCost},
				{id: "allocate_decimal_list_decimal_int", args: args(DecimalType, decimalList, cel.IntType), result: decimalList, varfn: allocateFn, cost: &listCost},
			},
		},
		{
			name:     "abs",
			doc:      "Returns the absolute value.",
			examples: []string{`decimal("-3.50").abs() // decimal("3.50")`},
			overloads: []overload{
				{id: "decimal_abs", member: true, args: args(DecimalType), result: DecimalType, unary: func(v ref.Val) ref.Val {
					return decimalVal{v.(decimalVal).d.Abs()}
				}},
			},
		},
		minMax("min", decimal.Decimal.Min, `min(decimal("1.50"), decimal("1.05")) // decimal("1.05")`),
		minMax("max", decimal.Decimal.Max, `max(decimal("1.50"), decimal("1.05")) // decimal("1.50")`),
	},
}

// sumMacro expands list.sum(x, expr) to a comprehension that adds expr to
// a decimal 0 for each element x.
func sumMacro(eh cel.MacroExprFactory, target ast.Expr, args []ast.Expr) (ast.Expr, *cel.Error) {
	if args[0].Kind() != ast.IdentKind {
		return nil, eh.NewError(args[0].ID(), "argument is not an identifier")
	}
	zero := eh.NewCall("decimal", eh.NewLiteral(types.IntZero))
	step := eh.NewCall(operators.Add, eh.NewIdent(sumAccu), args[1])
	return eh.NewComprehension(target, args[0].AsIdent(), sumAccu, zero, eh.NewLiteral(types.True), step, eh.NewIdent(sumAccu)), nil
}

// sumAccu is the accumulator of the sum macro; expressions cannot name it.
const sumAccu = "@sum"

// arithmetic declares a binary operator on decimals and ints. The decimal
// value implements it (traits); an int on the left is promoted by the
// program (see mixed.go).
func arithmetic(op, id, doc string, examples ...string) fn {
	return fn{name: op, doc: doc, examples: examples, overloads: []overload{
		{id: id + "_decimal_decimal", args: args(DecimalType, DecimalType), result: DecimalType},
		{id: id + "_decimal_int", args: args(DecimalType, cel.IntType), result: DecimalType},
		{id: id + "_int_decimal", args: args(cel.IntType, DecimalType), result: DecimalType},
	}}
}

// comparison declares an ordering operator on decimals and ints.
func comparison(op, id string, examples ...string) fn {
	return fn{name: op, doc: "Orders decimals by value, also against ints.", examples: examples, overloads: []overload{
		{id: id + "_decimal_decimal", args: args(DecimalType, DecimalType), result: cel.BoolType},
		{id: id + "_decimal_int", args: args(DecimalType, cel.IntType), result: cel.BoolType},
		{id: id + "_int_decimal", args: args(cel.IntType, DecimalType), result: cel.BoolType},
	}}
}

// rounding declares a member function rounding to a number of places.
func rounding(name string, mode roundMode, doc string, examples ...string) fn {
	return fn{name: name, doc: doc, examples: examples, params: []string{"places"}, overloads: []overload{
		{id: "decimal_" + name + "_int", member: true, args: args(DecimalType, cel.IntType), result: DecimalType,
			binary: func(lhs, rhs ref.Val) ref.Val {
				places, err := checkPlaces(int64(rhs.(types.Int)))
				if err != nil {
					return types.WrapErr(err)
				}
				return decimalResult(mode(lhs.(decimalVal).d, places))
			}},
	}}
}

func minMax(name string, pick func(decimal.Decimal, decimal.Decimal) decimal.Decimal, example string) fn {
	return fn{name: name, doc: "Returns the " + name + "imum of two decimals.", examples: []string{example}, overloads: []overload{
		{id: name + "_decimal_decimal", args: args(DecimalType, DecimalType), result: DecimalType,
			binary: func(lhs, rhs ref.Val) ref.Val {
				return decimalVal{pick(lhs.(decimalVal).d, rhs.(decimalVal).d)}
			}},
	}}
}

// equal compares a decimal and an int, in either order.
func equal(lhs, rhs ref.Val) ref.Val {
	if _, ok := lhs.(decimalVal); !ok {
		lhs, rhs = rhs, lhs
	}
	return lhs.Equal(rhs)
}

func notEqual(lhs, rhs ref.Val) ref.Val { return types.Bool(equal(lhs, rhs) != types.True) }

func decimalResult(d decimal.Decimal, err error) ref.Val {
	if err != nil {
		return types.WrapErr(err)
	}
	return decimalVal{d}
}

func toDecimal(v ref.Val) ref.Val {
	if s, ok := v.(types.String); ok {
		return parseDecimal(s)
	}
	if d, ok := asDecimal(v); ok {
		return decimalVal{d}
	}
	return types.MaybeNoSuchOverloadErr(v)
}

func formatDecimal(lhs, rhs ref.Val) ref.Val {
	places, err := checkPlaces(int64(rhs.(types.Int)))
	if err != nil {
		return types.WrapErr(err)
	}
	d, err := roundHalfAway(lhs.(decimalVal).d, places)
	if err != nil {
		return types.WrapErr(err)
	}
	return types.String(d.String())
}

// sum adds a list of decimals and ints.
func sum(v ref.Val) ref.Val {
	ds, errVal := decimals(v.(traits.Lister))
	if errVal != nil {
		return errVal
	}
	if len(ds) == 0 {
		return decimalVal{decimal.Zero}
	}
	return decimalResult(decimal.Sum(ds...))
}

// decimals converts a CEL list of decimals and ints.
func decimals(l traits.Lister) ([]decimal.Decimal, ref.Val) {
	n := int(l.Size().(types.Int))
	ds := make([]decimal.Decimal, n)
	for i := range ds {
		el := l.Get(types.Int(i))
		d, ok := asDecimal(el)
		if !ok {
			return nil, types.NewErr("element %d is a %s, want a decimal or an int", i, el.Type().TypeName())
		}
		ds[i] = d
	}
	return ds, nil
}

// allocateFn implements allocate(total, n|weights [, places]).
func allocateFn(a ...ref.Val) ref.Val {
	total := a[0].(decimalVal).d
	places := total.Scale()
	if len(a) == 3 {
		p, err := checkPlaces(int64(a[2].(types.Int)))
		if err != nil {
			return types.WrapErr(err)
		}
		places = p
	}
	var weights []decimal.Decimal
	switch w := a[1].(type) {
	case types.Int:
		if w < 1 || w > maxParts {
			return types.NewErr("allocate: want 1 to %d parts, got %d", maxParts, w)
		}
		weights = make([]decimal.Decimal, w)
		for i := range weights {
			weights[i] = decimal.One
		}
	case traits.Lister:
		ds, errVal := decimals(w)
		if errVal != nil {
			return errVal
		}
		weights = ds
	}
	parts, err := allocate(total, weights, places)
	if err != nil {
		return types.WrapErr(err)
	}
	vals := make([]ref.Val, len(parts))
	for i, p := range parts {
		vals[i] = decimalVal{p}
	}
	return types.NewRefValList(types.DefaultTypeAdapter, vals)
}
