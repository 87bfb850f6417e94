package simulator

import (
	"time"

	"github.com/govalues/decimal"
)

// What a settlement has besides shipped orders and refunds
// (settlement_refund.go): FBA reimbursements and fees, and what carries over
// from the period before. Every choice
// depends on the orders and the period only (no state of its own), so a
// restarted simulator makes the same reports and a period's rows can be
// computed again for the next one.

var (
	// reserveRate is the share of a period's product sales Amazon holds
	// back as a reserve until the next settlement.
	reserveRate = decimal.MustParse("0.05")
	// inboundFee is the FBA inbound transportation fee per unit sold from
	// FBA stock (as if each unit had been sent in with a partnered carrier).
	inboundFee = cents(30)
)

// periodIndex numbers settlement periods.
func periodIndex(start time.Time, period time.Duration) int64 {
	return start.UnixNano() / int64(period)
}

// fbaRows are a period's FBA rows besides the orders' fees, on a marketplace
// that sold from FBA stock in the period (rows are its order rows): the
// inbound transportation fee of the units sold, and in every other period a
// reimbursement for the first FBA line's units damaged in the warehouse,
// half of it reversed in every third period (the units were found).
func fbaRows(rows []settlementRow, period int64, end time.Time) []settlementRow {
	var first *settlementRow
	units := 0
	for i, r := range rows {
		if r.TransactionType == "Order" && r.FulfillmentID == "AFN" && r.AmountType == "ItemPrice" && r.AmountDescription == "Principal" {
			if first == nil {
				first = &rows[i]
			}
			units += r.Quantity
		}
	}
	if first == nil {
		return nil
	}
	row := func(amountType, desc string, amount decimal.Decimal, sku string, before time.Duration) settlementRow {
		return settlementRow{
			TransactionType: "other-transaction", AmountType: amountType, AmountDescription: desc, Amount: amount,
			FulfillmentID: "AFN", SKU: sku, Posted: end.Add(-before),
		}
	}
	out := []settlementRow{row("other-transaction", "Inbound Transportation Fee", times(inboundFee, units).Neg(), "", 4*time.Second)}
	if period%2 == 0 {
		out = append(out, row("FBA Inventory Reimbursement", "WAREHOUSE_DAMAGE", first.Amount, first.SKU, 3*time.Second))
	}
	if period%3 == 0 {
		out = append(out, row("FBA Inventory Reimbursement", "REVERSAL_REIMBURSEMENT", share(first.Amount, decimal.MustParse("0.5")).Neg(), first.SKU, 2*time.Second))
	}
	return out
}

// carriedRows are what a settlement carries between periods: the reserve
// held in the period before released, and a new one held from this period's
// product sales (current are this period's activity rows); and when the
// period before came to less than zero, the amount payable to Amazon and
// the charge to the seller's card that paid it (they cancel out).
func (s *Server) carriedRows(marketplaceID, currency string, start, end time.Time, current []settlementRow) []settlementRow {
	row := func(desc string, amount decimal.Decimal, posted time.Time) settlementRow {
		return settlementRow{
			TransactionType: "other-transaction", AmountType: "other-transaction", AmountDescription: desc,
			Amount: amount, Posted: posted,
		}
	}
	var rows []settlementRow
	period := s.cfg.SettlementPeriod
	if prevStart := start.Add(-period); !prevStart.Before(s.started.Add(-s.cfg.History).Truncate(period)) {
		prev := s.activityRows(marketplaceID, currency, prevStart, start)
		if held := reserveOf(prev); !held.IsZero() {
			rows = append(rows, row("Previous Reserve Amount Balance", held, start))
		}
		if owed := rowsTotal(prev); owed.IsNeg() {
			rows = append(rows, row("Payable to Amazon", owed, start.Add(time.Second)), row("Successful charge", owed.Neg(), start.Add(time.Second)))
		}
	}
	if held := reserveOf(current); !held.IsZero() {
		rows = append(rows, row("Current Reserve Amount", held.Neg(), end.Add(-time.Second)))
	}
	return rows
}

// reserveOf is the reserve held back from a period's product sales.
func reserveOf(rows []settlementRow) decimal.Decimal {
	sales := zero
	for _, r := range rows {
		if r.TransactionType == "Order" && r.AmountType == "ItemPrice" && r.AmountDescription == "Principal" {
			sales = sum(sales, r.Amount)
		}
	}
	return share(sales, reserveRate)
}

// rowsTotal is the sum of rows' amounts.
func rowsTotal(rows []settlementRow) decimal.Decimal {
	t := zero
	for _, r := range rows {
		t = sum(t, r.Amount)
	}
	return t
}
