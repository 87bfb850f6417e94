package simulator

import (
	"time"

	"github.com/govalues/decimal"
)

// Settlement reports. Every settlement period of simulated time the
// simulator settles each marketplace: the order lines that finished
// shipping in the period, several rows per line (item price, shipping,
// tax and its withholding where Amazon is the marketplace facilitator,
// promotions, the referral fee, FBA fees), the refunds posted in the period
// (the same rows reversed, less Amazon's refund administration fee), FBA
// reimbursements and inbound transportation fees, the seller's subscription
// fee, and what carries over from the period before: the reserve Amazon
// held back, released, a new one held, and a negative balance charged to
// the seller's card (settlement_carry.go). The summary's total-amount is
// exactly the sum of the rows.

// Fees the simulator charges.
var (
	referralRate = decimal.MustParse("0.15")
	// Amazon keeps 20% of the referral fee it returns on a refund, at most
	// 5.00 (its refund administration fee).
	refundAdminRate = decimal.MustParse("0.20")
	refundAdminMax  = cents(500)
	fbaUnitFee      = cents(322)
	subscriptions   = map[string]decimal.Decimal{"USD": cents(3999), "CAD": cents(2999), "GBP": cents(2500), "EUR": cents(3900)}
)

// settlement is one settlement report's content.
type settlement struct {
	ID            string
	Start, End    time.Time
	Deposit       time.Time
	Currency      string
	MarketplaceID string
	Marketplace   string
	Rows          []settlementRow
}

// settlementRow is a detail row of a V2 settlement report.
type settlementRow struct {
	TransactionType, OrderID, ShipmentID string
	AmountType, AmountDescription        string
	Amount                               decimal.Decimal
	FulfillmentID                        string
	Posted                               time.Time
	OrderItemCode, SKU                   string
	Quantity                             int
	PromotionID                          string
}

// total is the sum of the rows.
func (st *settlement) total() decimal.Decimal { return rowsTotal(st.Rows) }

// scheduleSettlement closes the period starting at start when it ends. The
// caller holds s.mu.
func (s *Server) scheduleSettlement(start time.Time) {
	s.schedule(&event{at: start.Add(s.cfg.SettlementPeriod), kind: evSettlement, start: start})
}

// closeSettlementPeriod settles each marketplace for the period starting at
// start and schedules the next period.
func (s *Server) closeSettlementPeriod(start, at time.Time) {
	end := start.Add(s.cfg.SettlementPeriod)
	for _, m := range s.cfg.marketplaces() {
		s.publishSettlement(s.buildSettlement(m.ID, m.Currency, start, end), at)
	}
	s.scheduleSettlement(end)
}

// buildSettlement builds a marketplace's settlement for [start, end).
func (s *Server) buildSettlement(marketplaceID, currency string, start, end time.Time) *settlement {
	st := &settlement{
		ID: s.nextID(), Start: start, End: end, Deposit: end.Add(48 * time.Hour),
		Currency: currency, MarketplaceID: marketplaceID, Marketplace: marketplaceName(marketplaceID),
	}
	st.Rows = s.activityRows(marketplaceID, currency, start, end)
	st.Rows = append(st.Rows, s.carriedRows(marketplaceID, currency, start, end, st.Rows)...)
	return st
}

// activityRows are the rows of what happened on a marketplace in [start,
// end): shipped order lines, refunds, FBA reimbursements and fees, and the
// subscription fee. They depend on the orders only, so the period before
// can be computed again (carriedRows).
func (s *Server) activityRows(marketplaceID, currency string, start, end time.Time) []settlementRow {
	var rows []settlementRow
	in := func(t time.Time) bool { return !t.IsZero() && !t.Before(start) && t.Before(end) }
	for _, o := range s.orderList {
		if o.MarketplaceID != marketplaceID {
			continue
		}
		if in(o.ShippedAt) {
			for i := range o.Items {
				rows = append(rows, orderRows(o, i)...)
			}
		}
		for _, r := range settledRefunds(o) {
			if in(r.Posted) {
				rows = append(rows, refundRows(o, r)...)
			}
		}
	}
	rows = append(rows, fbaRows(rows, periodIndex(start, s.cfg.SettlementPeriod), end)...)
	return append(rows, settlementRow{
		TransactionType: "ServiceFee", AmountType: "other-transaction", AmountDescription: "Subscription Fee",
		Amount: subscriptions[currency].Neg(), Posted: end.Add(-time.Second),
	})
}

// orderRow is a row of an order, its amount still to fill in.
func orderRow(o *Order) settlementRow {
	r := settlementRow{TransactionType: "Order", OrderID: o.ID, ShipmentID: "D" + o.ID[4:11] + o.ID[12:14], FulfillmentID: "MFN", Posted: o.ShippedAt}
	if o.FulfilledBy == FulfilledByAmazon {
		r.FulfillmentID = "AFN"
	}
	return r
}

// orderRows are the rows of one shipped order line.
func orderRows(o *Order, i int) []settlementRow {
	it := &o.Items[i]
	base := orderRow(o)
	base.OrderItemCode, base.SKU, base.Quantity = it.ID, it.SKU, it.Quantity
	var rows []settlementRow
	add := func(amountType, desc string, amount decimal.Decimal, promotion string) {
		if amount.IsZero() && amountType+"/"+desc != "ItemPrice/Principal" {
			return
		}
		r := base
		r.AmountType, r.AmountDescription, r.Amount, r.PromotionID = amountType, desc, amount, promotion
		rows = append(rows, r)
	}
	promo := ""
	if len(it.PromotionIDs) > 0 {
		promo = it.PromotionIDs[0]
	}
	add("ItemPrice", "Principal", it.Principal(), "")
	add("ItemPrice", "Shipping", it.Shipping, "")
	if !o.TaxIncluded {
		add("ItemPrice", "Tax", it.Tax, "")
		add("ItemPrice", "ShippingTax", it.ShippingTax, "")
	}
	if o.facilitatorTax() {
		add("ItemWithheldTax", "MarketplaceFacilitatorTax-Principal", it.Tax.Neg(), "")
		add("ItemWithheldTax", "MarketplaceFacilitatorTax-Shipping", it.ShippingTax.Neg(), "")
	}
	add("Promotion", "Principal", it.Promotion.Neg(), promo)
	add("Promotion", "Shipping", it.ShippingPromotion.Neg(), promo)
	sales := sub(sum(it.Principal(), it.Shipping), sum(it.Promotion, it.ShippingPromotion))
	add("ItemFees", "Commission", share(sales, referralRate).Neg(), "")
	if o.FulfilledBy == FulfilledByAmazon {
		add("ItemFees", "FBAPerUnitFulfillmentFee", times(fbaUnitFee, it.Quantity).Neg(), "")
		add("ItemFees", "ShippingChargeback", it.Shipping.Neg(), "")
	}
	return rows
}

// publishSettlement stores a settlement as a DONE report with its document
// and announces it (REPORT_PROCESSING_FINISHED).
func (s *Server) publishSettlement(st *settlement, at time.Time) {
	german := s.cfg.SettlementLocaleDE && st.Currency == "EUR"
	doc := s.storeResult("amzn1.spdoc.1.4.na.", "text/plain; charset=UTF-8", formatSettlement(st, german))
	r := &Report{
		ID: s.nextID(), Type: SettlementReportType, MarketplaceIDs: []string{st.MarketplaceID},
		DataStart: st.Start, DataEnd: st.End, Created: at, Status: "DONE", DocumentID: doc,
	}
	s.reports = append(s.reports, r)
	s.reportFinished(r)
}
