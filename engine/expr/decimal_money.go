package expr

import (
	"fmt"
	"sort"
	"strings"

	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/common/types/traits"
	"github.com/govalues/decimal"
)

// moneyShapes are the SP-API money objects money() accepts: Orders v0
// ({"Amount", "CurrencyCode"}) and Orders v2026-01-01 ({"amount",
// "currencyCode"}).
var moneyShapes = [...][2]types.String{{"Amount", "CurrencyCode"}, {"amount", "currencyCode"}}

// money converts an SP-API money object to its amount.
func money(v ref.Val) ref.Val {
	if m, ok := v.(mapVal); ok {
		if d, ok := moneyOf(m.m); ok {
			return decimalVal{d}
		}
	}
	m, ok := v.(traits.Mapper)
	if !ok {
		return types.NewErr("money: want an SP-API money object {\"Amount\", \"CurrencyCode\"} or {\"amount\", \"currencyCode\"}, got %s", v.Type().TypeName())
	}
	for _, shape := range moneyShapes {
		amount, found := m.Find(shape[0])
		if !found {
			continue
		}
		if cur, ok := m.Find(shape[1]); !ok || cur.Type() != types.StringType || m.Size() != types.Int(2) {
			break
		}
		return moneyAmount(amount)
	}
	return types.NewErr("money: want an SP-API money object {\"Amount\", \"CurrencyCode\"} or {\"amount\", \"currencyCode\"}, got keys %s", mapKeys(m))
}

// moneyOf is money for a message's own object with a valid string amount,
// the common case; false means money must look closer (and report).
func moneyOf(v any) (decimal.Decimal, bool) {
	m, ok := v.(map[string]any)
	if !ok || len(m) != 2 {
		return decimal.Decimal{}, false
	}
	for _, shape := range moneyShapes {
		if amount, ok := m[string(shape[0])].(string); ok {
			if _, ok := m[string(shape[1])].(string); ok {
				d, err := decimal.Parse(amount)
				return d, err == nil
			}
		}
	}
	return decimal.Decimal{}, false
}

func moneyAmount(amount ref.Val) ref.Val {
	switch a := amount.(type) {
	case types.String:
		return parseDecimal(a)
	case decimalVal, types.Int:
		d, _ := asDecimal(a)
		return decimalVal{d}
	}
	return types.NewErr("money: amount must be a string, got %s", amount.Type().TypeName())
}

// parseDecimal parses a decimal string such as "12.30" or "-5".
func parseDecimal(s types.String) ref.Val {
	d, err := decimal.Parse(string(s))
	if err != nil {
		return types.NewErr("cannot parse %q as a decimal", string(s))
	}
	return decimalVal{d}
}

// mapKeys lists a map's keys, sorted, for error messages.
func mapKeys(m traits.Mapper) string {
	var keys []string
	for it := m.Iterator(); it.HasNext() == types.True; {
		keys = append(keys, fmt.Sprint(it.Next().Value()))
	}
	sort.Strings(keys)
	return "[" + strings.Join(keys, ", ") + "]"
}
