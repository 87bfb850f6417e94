package expr

import (
	"fmt"

	"github.com/govalues/decimal"
)

// roundMode rounds d to exactly places decimal places.
type roundMode func(d decimal.Decimal, places int) (decimal.Decimal, error)

// roundHalfAway rounds half away from zero (commercial rounding, what SQL
// Server's ROUND does): 2.345 -> 2.35, -2.345 -> -2.35.
func roundHalfAway(d decimal.Decimal, places int) (decimal.Decimal, error) {
	if places >= d.Scale() {
		return d.Pad(places), nil
	}
	t := d.Trunc(places)
	rest, err := d.Sub(t)
	if err != nil {
		return d, err
	}
	if rest.CmpAbs(decimal.MustNew(5, places+1)) < 0 {
		return t, nil
	}
	ulp := decimal.MustNew(1, places)
	if d.IsNeg() {
		return t.Sub(ulp)
	}
	return t.Add(ulp)
}

// roundHalfEven rounds half to even (banker's rounding): 2.345 -> 2.34,
// 2.355 -> 2.36.
func roundHalfEven(d decimal.Decimal, places int) (decimal.Decimal, error) {
	return d.Round(places).Pad(places), nil
}

// truncate drops the digits after places (rounds toward zero).
func truncate(d decimal.Decimal, places int) (decimal.Decimal, error) {
	return d.Trunc(places).Pad(places), nil
}

// checkPlaces validates a number of decimal places given in an expression.
func checkPlaces(places int64) (int, error) {
	if places < 0 || places > decimal.MaxScale {
		return 0, fmt.Errorf("places must be between 0 and %d, got %d", decimal.MaxScale, places)
	}
	return int(places), nil
}
