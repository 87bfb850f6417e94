package simulator_test

import "github.com/govalues/decimal"

func add(a, b decimal.Decimal) decimal.Decimal {
	d, err := a.Add(b)
	if err != nil {
		panic(err)
	}
	return d
}

func sub(a, b decimal.Decimal) decimal.Decimal {
	d, err := a.Sub(b)
	if err != nil {
		panic(err)
	}
	return d
}
