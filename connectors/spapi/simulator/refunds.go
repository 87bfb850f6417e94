package simulator

import (
	"cmp"
	"fmt"
	"hash/fnv"
	"time"

	"github.com/govalues/decimal"
)

// Refunds. Some generated orders are refunded, each in one of the ways a
// seller meets on Amazon, decided by the order id (no random draw, so the
// generator's orders stay what a seed makes them):
//
//   - before shipment: a merchant order gets a partial refund (a price
//     adjustment) of a tenth of its first line's item price, no units;
//   - after shipment, with a return: every unit of the first line comes
//     back, with a return reason and the condition it arrived in; the
//     buyer gets the line's item price, tax and shipping back;
//   - after shipment, partial: a fifth of the first line's item price,
//     the buyer keeps the item;
//   - after shipment, full: every line, every amount, nothing returned
//     (an order that never arrived).
//
// Refunds are posted as financial events (listFinancialEvents'
// RefundEventList) and returns are listed in the returns report.

// The refund plans of generated orders.
const (
	refundBeforeShipment = "before-shipment"
	refundReturn         = "return"
	refundPartial        = "partial"
	refundFull           = "full"
)

// Refund is money given back to an order's buyer, posted at Posted.
type Refund struct {
	Posted time.Time
	Items  []RefundItem
}

// RefundItem is the refund of one order line. Amounts are what the buyer
// gets back (positive); Commission is the referral fee Amazon gives the
// seller back and RefundCommission what Amazon keeps for the refund.
type RefundItem struct {
	OrderItemID  string
	SKU          string
	AdjustmentID string
	// Quantity is the units refunded; 0 for an amount-only refund.
	Quantity                              int
	Principal, Shipping, Tax, ShippingTax decimal.Decimal
	Commission, RefundCommission          decimal.Decimal
	// Return is set when the units came back.
	Return *Return `json:",omitempty"`
}

// Return is units a buyer sent back: why and in what condition.
type Return struct {
	Reason    string
	Condition string
	Quantity  int
	At        time.Time
}

// Total returns what the buyer gets back.
func (it *RefundItem) Total() decimal.Decimal {
	return sum(it.Principal, it.Shipping, it.Tax, it.ShippingTax)
}

// returnReasons and returnConditions are the returns report's values the
// simulator draws from (Amazon's reason codes and detailed dispositions).
var (
	returnReasons    = []string{"CR-UNWANTED_ITEM", "CR-DEFECTIVE", "CR-ORDERED_WRONG_ITEM", "CR-DAMAGED_BY_CARRIER", "CR-SWITCHEROO"}
	returnConditions = []string{"SELLABLE", "DEFECTIVE", "CUSTOMER_DAMAGED", "CARRIER_DAMAGED"}
)

// idHash is a stable hash of s.
func idHash(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}

// refundPlanOf decides from the order id whether and how a generated order
// will be refunded: about 3% before shipment (merchant orders only), 5%
// with a return, 4% partly and 3% in full after shipment.
func refundPlanOf(o *Order) string {
	switch n := idHash(o.ID) % 100; {
	case n < 3 && o.FulfilledBy == FulfilledByMerchant:
		return refundBeforeShipment
	case n >= 10 && n < 15:
		return refundReturn
	case n >= 15 && n < 19:
		return refundPartial
	case n >= 19 && n < 22:
		return refundFull
	}
	return ""
}

// refundDelay is how long after authorization (before shipment) or after
// shipment a planned refund is posted: 20 to 79 minutes.
func refundDelay(o *Order) time.Duration {
	return time.Duration(20+idHash(o.ID+"/delay")%60) * time.Minute
}

// scheduleRefund posts the order's planned refund refundDelay after at
// when the plan is of the phase (before shipment or not).
func (s *Server) scheduleRefund(o *Order, at time.Time, beforeShipment bool) {
	if o.RefundPlan == "" || (o.RefundPlan == refundBeforeShipment) != beforeShipment {
		return
	}
	s.schedule(&event{at: at.Add(refundDelay(o)), kind: evRefund, ref: o.ID})
}

// refund posts the order's planned refund, if it still fits the order: a
// refund before shipment needs an unshipped order, one after shipment a
// shipped one.
func (s *Server) refund(o *Order, at time.Time) {
	plan := o.RefundPlan
	switch {
	case plan == refundBeforeShipment && o.Status != StatusUnshipped,
		plan != refundBeforeShipment && o.Status != StatusShipped:
		return
	}
	o.RefundPlan = ""
	r := Refund{Posted: at.Truncate(time.Second)}
	switch plan {
	case refundBeforeShipment:
		r.Items = []RefundItem{s.refundItem(o, 0, len(o.Refunds), 0, share(o.Items[0].Principal(), decimal.MustParse("0.10")), false)}
	case refundPartial:
		r.Items = []RefundItem{s.refundItem(o, 0, len(o.Refunds), 0, share(o.Items[0].Principal(), decimal.MustParse("0.20")), false)}
	case refundReturn:
		it := s.refundItem(o, 0, len(o.Refunds), o.Items[0].Quantity, o.Items[0].Principal(), true)
		h := idHash(o.ID + "/return")
		it.Return = &Return{Reason: returnReasons[h%uint64(len(returnReasons))], Condition: returnConditions[(h/7)%uint64(len(returnConditions))],
			Quantity: it.Quantity, At: at.Add(-time.Hour)}
		r.Items = []RefundItem{it}
	case refundFull:
		for i := range o.Items {
			r.Items = append(r.Items, s.refundItem(o, i, len(o.Refunds), o.Items[i].Quantity, o.Items[i].Principal(), true))
		}
	}
	o.Refunds = append(o.Refunds, r)
}

// refundItem is the refund of principal of line i (the n-th refund of the
// order), of quantity units; whole adds the line's tax and shipping
// (less its promotions) to what the buyer gets back.
func (s *Server) refundItem(o *Order, i, n, quantity int, principal decimal.Decimal, whole bool) RefundItem {
	line := &o.Items[i]
	it := RefundItem{OrderItemID: line.ID, SKU: line.SKU, Quantity: quantity, Principal: principal,
		Shipping: zero, Tax: zero, ShippingTax: zero,
		AdjustmentID: fmt.Sprintf("%014d", idHash(fmt.Sprintf("%s/%d/%d", o.ID, n, i))%100_000_000_000_000)}
	if whole {
		it.Principal = sub(principal, line.Promotion)
		it.Shipping = sub(line.Shipping, line.ShippingPromotion)
		if !o.TaxIncluded {
			it.Tax, it.ShippingTax = line.Tax, line.ShippingTax
		}
	}
	it.Commission, it.RefundCommission = refundFees(it.Principal, it.Shipping)
	return it
}

// refundFees are the referral fee Amazon returns on a refund of principal
// and shipping, and the part of it Amazon keeps (its refund administration
// fee: 20%, at most 5.00).
func refundFees(principal, shipping decimal.Decimal) (commission, kept decimal.Decimal) {
	commission = share(sum(principal, shipping), referralRate)
	kept = share(commission, keptCommissionRate)
	if kept.Cmp(keptCommissionMax) > 0 {
		kept = keptCommissionMax
	}
	return commission, kept
}

// RefundSpec is a refund a test or demo posts with PostRefund.
type RefundSpec struct {
	// Return brings the first line's units back, with Reason and
	// Condition (default: the first of each the simulator knows); without
	// it the refund is a partial one of a fifth of the first line's item
	// price (a tenth before shipment), no units.
	Return            bool
	Reason, Condition string
}

// PostRefund posts a refund of an order at the clock's now. A return needs
// a shipped order; a partial refund an unshipped or shipped one.
func (s *Server) PostRefund(orderID string, spec RefundSpec) (Refund, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.advance()
	o := s.orders[orderID]
	if o == nil {
		return Refund{}, fmt.Errorf("posting a refund: no order %s", orderID)
	}
	plan := refundBeforeShipment
	switch {
	case spec.Return:
		plan = refundReturn
	case o.Status == StatusShipped:
		plan = refundPartial
	}
	saved, n := o.RefundPlan, len(o.Refunds)
	o.RefundPlan = plan
	s.refund(o, now)
	if len(o.Refunds) == n {
		o.RefundPlan = saved
		return Refund{}, fmt.Errorf("posting a refund: order %s is %s, which a %s refund does not fit", orderID, o.Status, plan)
	}
	o.RefundPlan = saved
	r := &o.Refunds[n]
	if ret := r.Items[0].Return; ret != nil {
		ret.Reason, ret.Condition = cmp.Or(spec.Reason, returnReasons[0]), cmp.Or(spec.Condition, returnConditions[0])
	}
	return o.clone().Refunds[n], nil
}

// ShipOrder ships every unit of an unshipped order at the clock's now, in
// one package, as Amazon does for FBA orders (a test's shortcut for a
// confirmShipment).
func (s *Server) ShipOrder(orderID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.advance()
	o := s.orders[orderID]
	if o == nil || o.Status != StatusUnshipped {
		return fmt.Errorf("shipping order %s: want an unshipped order", orderID)
	}
	s.shipByAmazon(o, now)
	return nil
}
