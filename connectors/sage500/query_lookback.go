package sage500

import (
	"errors"
	"fmt"
	"time"

	"github.com/govalues/decimal"
)

// DefaultTimeLookback is how far behind its cursor a query source following
// a datetime watermark reads again unless told otherwise. Sage stamps
// CreateDate and UpdateDate when a statement runs, not when its transaction
// commits: a shipment transaction of a large pick list, a row written by a
// client whose clock is behind, or a date a user back-dated all land behind
// rows committed before them. Fifteen minutes covers long Sage transactions
// and ordinary clock skew; SQL Server change tracking (change_tracking)
// needs no lookback at all.
const DefaultTimeLookback = 15 * time.Minute

// lookback is how far behind the cursor a poll reads again: a duration for
// a datetime watermark, a number for a numeric one, nothing for a string.
type lookback struct {
	d time.Duration
	n decimal.Decimal
}

// parseLookback reads the lookback option for a watermark of the kind of
// start (a time, a number or a string); empty is the default of that kind.
func parseLookback(s string, start any) (lookback, error) {
	switch start.(type) {
	case time.Time:
		if s == "" {
			return lookback{d: DefaultTimeLookback}, nil
		}
		d, err := time.ParseDuration(s)
		if err != nil || d < 0 {
			return lookback{}, fmt.Errorf("want a duration such as 15m for a datetime watermark, got %q", s)
		}
		return lookback{d: d}, nil
	case int64, decimal.Decimal:
		if s == "" {
			return lookback{}, nil
		}
		n, err := decimal.Parse(s)
		if err != nil || n.Sign() < 0 {
			return lookback{}, fmt.Errorf("want a number of at least 0 for a numeric watermark, got %q", s)
		}
		return lookback{n: n}, nil
	}
	if s != "" && s != "0" {
		return lookback{}, errors.New("a string watermark cannot look back: leave lookback out")
	}
	return lookback{}, nil
}

// behind returns w less the lookback (w itself for a string, or a zero
// lookback).
func (l lookback) behind(w any) any {
	switch x := w.(type) {
	case time.Time:
		return x.Add(-l.d)
	case int64:
		if n, _, ok := l.n.Int64(0); ok && l.n.IsInt() {
			return x - n
		}
		if d, err := decimal.MustNew(x, 0).Sub(l.n); err == nil {
			return d
		}
	case decimal.Decimal:
		if d, err := x.Sub(l.n); err == nil {
			return d
		}
	}
	return w
}
