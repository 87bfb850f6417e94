package simulator

import (
	"encoding/json"
	"sort"
	"time"

	"github.com/govalues/decimal"
)

// listFinancialEvents serves the orders' refunds as Finances v0 refund
// events (RefundEventList; the simulator posts no other event types),
// posted in [PostedAfter, PostedBefore), oldest first, MaxResultsPerPage
// (default 100) at a time. Like Amazon, both times must be more than two
// minutes before the request, and a NextToken page takes the same
// arguments as the call that produced the token.
func (s *Server) listFinancialEvents(c *call) response {
	q, msg := s.eventsQueryOf(c)
	if msg != "" {
		return invalidInput("%s", msg)
	}
	var events []refundEvent
	for _, o := range s.orderList {
		for i := range o.Refunds {
			if r := &o.Refunds[i]; !r.Posted.Before(q.After) && r.Posted.Before(q.Before) {
				events = append(events, refundEvent{o, r})
			}
		}
	}
	sort.SliceStable(events, func(i, j int) bool { return events[i].r.Posted.Before(events[j].r.Posted) })
	from, to := min(q.Offset, len(events)), min(q.Offset+q.Size, len(events))
	list := []any{}
	for _, e := range events[from:to] {
		list = append(list, e.wire())
	}
	payload := map[string]any{"FinancialEvents": map[string]any{"RefundEventList": list}}
	if to < len(events) {
		q.Offset, q.Issued = to, c.now
		payload["NextToken"] = s.encodeToken(q)
	}
	return ok(map[string]any{"payload": payload})
}

// eventsQuery is a listFinancialEvents listing and the page reached.
type eventsQuery struct {
	After  time.Time `json:"a"`
	Before time.Time `json:"b"`
	Size   int       `json:"n"`
	Offset int       `json:"o"`
	Issued time.Time `json:"i"`
}

// eventsLag is how long before a request Amazon's event times must be.
const eventsLag = 2 * time.Minute

func (s *Server) eventsQueryOf(c *call) (eventsQuery, string) {
	var q eventsQuery
	size, msg := c.intParam("MaxResultsPerPage", 100, 1, 100)
	after, hasAfter, msg1 := c.timeParam("PostedAfter")
	before, hasBefore, msg2 := c.timeParam("PostedBefore")
	if msg += msg1 + msg2; msg != "" {
		return q, msg
	}
	if token := c.query.Get("NextToken"); token != "" {
		if err := s.decodeToken(token, &q); err != nil || expired(q.Issued, c.now, 24*time.Hour) ||
			!q.After.Equal(after) || (hasBefore && !q.Before.Equal(before)) {
			return q, errBadToken.Error() + " (a NextToken page takes the arguments of the call that produced it)."
		}
		return q, ""
	}
	latest := c.now.Add(-eventsLag)
	q.Size, q.After, q.Before = size, after, latest
	if hasBefore {
		q.Before = before
	}
	switch {
	case !hasAfter:
		return q, "PostedAfter is required."
	case q.After.After(latest) || q.Before.After(latest):
		return q, "PostedAfter and PostedBefore must be more than two minutes before the time of the request."
	case !q.Before.After(q.After):
		return q, "PostedBefore must be later than PostedAfter."
	}
	return q, ""
}

// refundEvent is one refund of an order.
type refundEvent struct {
	o *Order
	r *Refund
}

// wire is the refund as a ShipmentEvent: what the buyer gets back as
// negative charge adjustments, the referral fee returned to the seller as
// a positive fee adjustment and Amazon's refund fee as a negative one.
func (e refundEvent) wire() map[string]any {
	money := func(d decimal.Decimal) map[string]any {
		return map[string]any{"CurrencyCode": e.o.Currency, "CurrencyAmount": json.Number(d.String())}
	}
	var items []any
	for _, it := range e.r.Items {
		charges := []any{map[string]any{"ChargeType": "Principal", "ChargeAmount": money(it.Principal.Neg())}}
		for _, c := range []struct {
			typ    string
			amount decimal.Decimal
		}{{"Tax", it.Tax}, {"ShippingCharge", it.Shipping}, {"ShippingTax", it.ShippingTax}} {
			if !c.amount.IsZero() {
				charges = append(charges, map[string]any{"ChargeType": c.typ, "ChargeAmount": money(c.amount.Neg())})
			}
		}
		items = append(items, map[string]any{
			"SellerSKU": it.SKU, "OrderItemId": it.OrderItemID, "OrderAdjustmentItemId": it.AdjustmentID,
			"QuantityShipped": it.Quantity, "ItemChargeAdjustmentList": charges,
			"ItemFeeAdjustmentList": []any{
				map[string]any{"FeeType": "Commission", "FeeAmount": money(it.Commission)},
				map[string]any{"FeeType": "RefundCommission", "FeeAmount": money(it.RefundCommission.Neg())},
			},
		})
	}
	return map[string]any{
		"AmazonOrderId": e.o.ID, "MarketplaceName": marketplaceName(e.o.MarketplaceID),
		"PostedDate": e.r.Posted.UTC().Format(time.RFC3339), "ShipmentItemAdjustmentList": items,
	}
}
