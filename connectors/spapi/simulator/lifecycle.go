package simulator

import (
	"math/rand/v2"
	"time"
)

// Order life in simulated time. A generated order is PENDING, becomes
// UNSHIPPED when payment is authorized (a few are CANCELLED instead), and
// then either ships (FBA orders, by Amazon, i.e. the simulator) or waits for
// confirmShipment (merchant orders), unless the buyer asks to cancel first.
// Every change moves lastUpdatedTime and raises an ORDER_CHANGE
// notification.

// Change reasons written into ORDER_CHANGE notifications.
const (
	changeTypeStatus = "OrderStatusChange"
	changeTypeBuyer  = "BuyerRequestedChange"
)

// generate creates the next generated order and schedules the one after.
func (s *Server) generate(at time.Time) {
	o := s.buildOrder(s.rng, at, OrderSpec{})
	o.RefundPlan = refundPlanOf(o)
	s.addOrder(o)
	s.planLifecycle(s.rng, o)
	s.schedule(&event{at: at.Add(s.orderGap()), kind: evGenerate})
}

// orderGap draws the time to the next generated order: exponential, so
// orders arrive as a Poisson process at OrdersPerHour.
func (s *Server) orderGap() time.Duration {
	gap := time.Duration(s.rng.ExpFloat64() / s.cfg.OrdersPerHour * float64(time.Hour))
	return max(gap.Truncate(time.Millisecond), time.Millisecond)
}

// addOrder stores a new order, takes its units out of stock and announces it.
func (s *Server) addOrder(o *Order) {
	o.history = []change{{at: o.Created, status: o.Status}}
	s.orders[o.ID] = o
	s.orderList = append(s.orderList, o)
	for _, it := range o.Items {
		s.reserveStock(o, it)
	}
	s.orderChanged(o, changeTypeStatus, "Order created", false)
	s.fbaOrderChanged(o, o.Created)
}

// lifecyclePlan is a generated order's future, drawn when it is created so
// that the random sequence does not depend on when events run.
type lifecyclePlan struct {
	Declined     bool          `json:"declined,omitempty"`
	ShipAfter    time.Duration `json:"ship_after"`
	BuyerCancels bool          `json:"buyer_cancels,omitempty"`
	CancelAfter  time.Duration `json:"cancel_after"`
}

// planLifecycle draws the order's future and schedules its authorization.
func (s *Server) planLifecycle(rng *rand.Rand, o *Order) {
	pending := time.Duration(1+rng.IntN(15)) * time.Minute
	plan := &lifecyclePlan{Declined: rng.Float64() < 0.03, ShipAfter: time.Duration(2+rng.IntN(28)) * time.Hour}
	plan.BuyerCancels = rng.Float64() < 0.03
	plan.CancelAfter = time.Duration(1+rng.IntN(12)) * time.Hour
	s.schedule(&event{at: o.Created.Add(pending), kind: evAuthorize, ref: o.ID, plan: plan})
}

// authorize decides a pending order's payment and schedules what follows.
func (s *Server) authorize(o *Order, plan *lifecyclePlan, at time.Time) {
	if o.Status != StatusPending {
		return
	}
	if plan.Declined {
		s.cancelOrder(o, at, "Payment declined")
		return
	}
	o.Status = StatusUnshipped
	o.touch(at)
	s.orderChanged(o, changeTypeStatus, "Payment authorized", false)
	s.scheduleRefund(o, o.LastUpdated, true)
	switch {
	case o.FulfilledBy == FulfilledByAmazon:
		// Amazon's fulfilment centres ship faster than a merchant: a
		// quarter of the drawn time (30 minutes to 7¼ hours).
		s.schedule(&event{at: o.LastUpdated.Add(plan.ShipAfter / 4), kind: evShipByAmazon, ref: o.ID})
	case plan.BuyerCancels:
		s.schedule(&event{at: o.LastUpdated.Add(plan.CancelAfter), kind: evCancelRequest, ref: o.ID})
	}
}

func (s *Server) cancelOrder(o *Order, at time.Time, reason string) {
	s.releaseFBAStock(o, at)
	o.Status = StatusCancelled
	o.touch(at)
	s.orderChanged(o, changeTypeStatus, reason, false)
	s.fbaOrderChanged(o, o.LastUpdated)
}

// buyerRequestsCancel flags a merchant order the buyer wants cancelled;
// Amazon cancels it half an hour later unless it shipped by then.
func (s *Server) buyerRequestsCancel(o *Order, at time.Time) {
	if o.Status != StatusUnshipped {
		return
	}
	o.BuyerCancelRequested = true
	o.touch(at)
	s.orderChanged(o, changeTypeBuyer, "Buyer Requested Cancel", true)
	s.schedule(&event{at: o.LastUpdated.Add(30 * time.Minute), kind: evBuyerCancel, ref: o.ID})
}

// shipByAmazon ships every unit of an FBA order in one package.
func (s *Server) shipByAmazon(o *Order, at time.Time) {
	if o.Status != StatusUnshipped {
		return
	}
	p := Package{
		ReferenceID: "1", CarrierCode: "Amazon Shipping", CarrierName: "Amazon Shipping",
		ShippingMethod: "Amazon Logistics", TrackingNumber: "TBA" + o.ID[len(o.ID)-7:] + "00001",
		ShipDate: at, ConfirmedAt: at,
	}
	for i := range o.Items {
		it := &o.Items[i]
		p.Items = append(p.Items, PackageItem{OrderItemID: it.ID, Quantity: it.Quantity - it.QuantityShipped})
		it.QuantityShipped = it.Quantity
	}
	s.addPackage(o, p, at)
	s.fbaOrderChanged(o, o.LastUpdated)
}

// addPackage records a shipped package and moves the order to
// PARTIALLY_SHIPPED or SHIPPED. The caller has updated the quantities.
func (s *Server) addPackage(o *Order, p Package, at time.Time) {
	o.Packages = append(o.Packages, p)
	o.Status = StatusPartiallyShipped
	if _, unshipped := o.unitsShipped(); unshipped == 0 {
		o.Status = StatusShipped
	}
	at = o.touch(at)
	if o.Status == StatusShipped {
		o.ShippedAt = at
		s.scheduleRefund(o, at, false)
	}
	s.orderChanged(o, changeTypeStatus, "Shipment confirmed", false)
}
