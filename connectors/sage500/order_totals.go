package sage500

import (
	"fmt"

	"github.com/govalues/decimal"
)

// Sage's scales (README §0): money decimal(15,3).
const moneyScale = 3

var halfMoneyUnit = decimal.MustNew(5, moneyScale+1) // 0.0005

// roundMoney rounds to Sage's money scale half away from zero, as T-SQL's
// ROUND does.
func roundMoney(d decimal.Decimal) (decimal.Decimal, error) {
	abs, err := d.Abs().Add(halfMoneyUnit)
	if err != nil {
		return d, err
	}
	return abs.Trunc(moneyScale).CopySign(d).Pad(moneyScale), nil
}

// lineAmounts are a line's quantities and amounts; ExtAmt and FreightAmt are
// filled in by orderTotals when the document did not give them.
type lineAmounts struct {
	Qty, UnitPrice, ExtAmt, TradeDiscAmt, FreightAmt decimal.Decimal
	HasExt, HasFreight                               bool
}

// totals are the header amounts of tsoSalesOrder.
type totals struct {
	SalesAmt, TradeDiscAmt, FreightAmt, STaxAmt, TranAmt decimal.Decimal
	SalesAmtHC, TranAmtHC                                decimal.Decimal
}

// orderTotals completes the lines and computes the header from them:
// ExtAmt = QtyOrd x UnitPrice rounded to 3 places (unless given); header
// freight, when no line carries any, is allocated to the lines by ExtAmt
// (the remainder to the last line) as Sage's spsoAllocateFrght does;
// SalesAmt, TradeDiscAmt and FreightAmt are the sums of the lines;
// TranAmt = SalesAmt - TradeDiscAmt + FreightAmt + STaxAmt; home-currency
// amounts are the amounts times the rate, rounded to 3 places.
func orderTotals(lines []lineAmounts, freight decimal.Decimal, hasFreight bool, stax, rate decimal.Decimal) (totals, error) {
	var t totals
	var err error
	anyFreight := false
	for i := range lines {
		l := &lines[i]
		if !l.HasExt {
			if l.ExtAmt, err = mulMoney(l.Qty, l.UnitPrice); err != nil {
				return t, fmt.Errorf("line %d: %w", i, err)
			}
		}
		anyFreight = anyFreight || l.HasFreight
	}
	if hasFreight && !anyFreight {
		if err := allocateFreight(lines, freight); err != nil {
			return t, err
		}
	}
	sums := [3]decimal.Decimal{}
	for _, l := range lines {
		for j, v := range []decimal.Decimal{l.ExtAmt, l.TradeDiscAmt, l.FreightAmt} {
			if sums[j], err = sums[j].Add(v); err != nil {
				return t, err
			}
		}
	}
	t.SalesAmt, t.TradeDiscAmt, t.FreightAmt, t.STaxAmt = sums[0], sums[1], sums[2], stax
	if hasFreight && anyFreight && freight.Cmp(t.FreightAmt) != 0 {
		return t, fmt.Errorf("header FreightAmt %s differs from the lines' FreightAmt total %s", freight, t.FreightAmt)
	}
	tran, err := t.SalesAmt.Sub(t.TradeDiscAmt)
	if err == nil {
		tran, err = tran.Add(t.FreightAmt)
	}
	if err == nil {
		t.TranAmt, err = tran.Add(t.STaxAmt)
	}
	if err == nil {
		t.SalesAmtHC, err = mulMoney(t.SalesAmt, rate)
	}
	if err == nil {
		t.TranAmtHC, err = mulMoney(t.TranAmt, rate)
	}
	for _, p := range []*decimal.Decimal{&t.SalesAmt, &t.TradeDiscAmt, &t.FreightAmt, &t.STaxAmt, &t.TranAmt} {
		*p = p.Pad(moneyScale)
	}
	return t, err
}

func mulMoney(a, b decimal.Decimal) (decimal.Decimal, error) {
	p, err := a.Mul(b)
	if err != nil {
		return p, fmt.Errorf("%s x %s: %w", a, b, err)
	}
	return roundMoney(p)
}

// allocateFreight spreads freight over the lines in proportion to ExtAmt.
func allocateFreight(lines []lineAmounts, freight decimal.Decimal) error {
	var base decimal.Decimal
	var err error
	for _, l := range lines {
		if base, err = base.Add(l.ExtAmt); err != nil {
			return err
		}
	}
	left := freight
	for i := range lines {
		share := left
		if i < len(lines)-1 {
			share = decimal.Zero
			if !base.IsZero() {
				if share, err = freight.Mul(lines[i].ExtAmt); err == nil {
					if share, err = share.Quo(base); err == nil {
						share, err = roundMoney(share)
					}
				}
			}
			if err != nil {
				return fmt.Errorf("allocating freight: %w", err)
			}
			if left, err = left.Sub(share); err != nil {
				return err
			}
		}
		lines[i].FreightAmt = share.Pad(moneyScale)
	}
	return nil
}
