package simulator

import (
	"fmt"

	"github.com/govalues/decimal"
)

// The simulator's amounts are a few thousand at most, far inside decimal's
// 19 digits, so arithmetic cannot overflow; these helpers panic if it ever
// did rather than thread impossible errors through every calculation.

func must(d decimal.Decimal, err error) decimal.Decimal {
	if err != nil {
		panic(fmt.Sprintf("simulator: decimal arithmetic: %v", err))
	}
	return d
}

// sum adds amounts; sum() is 0.00.
func sum(ds ...decimal.Decimal) decimal.Decimal {
	total := decimal.MustNew(0, 2)
	for _, d := range ds {
		total = must(total.Add(d))
	}
	return total
}

func sub(a, b decimal.Decimal) decimal.Decimal { return must(a.Sub(b)) }

// times multiplies an amount by a count.
func times(a decimal.Decimal, n int) decimal.Decimal {
	return must(a.Mul(decimal.MustNew(int64(n), 0))).Pad(2)
}

// share returns amount × rate rounded half to even to cents.
func share(amount, rate decimal.Decimal) decimal.Decimal {
	return must(amount.Mul(rate)).Round(2).Pad(2)
}

// includedTax returns the tax contained in a gross amount at rate:
// gross × rate / (1 + rate), rounded to cents.
func includedTax(gross, rate decimal.Decimal) decimal.Decimal {
	q := must(must(gross.Mul(rate)).Quo(must(rate.Add(decimal.One))))
	return q.Round(2).Pad(2)
}

// cents returns n/100 as an amount.
func cents(n int64) decimal.Decimal { return decimal.MustNew(n, 2) }

var zero = cents(0)
