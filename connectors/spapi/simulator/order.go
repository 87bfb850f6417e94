package simulator

import (
	"slices"
	"time"

	"github.com/govalues/decimal"
)

// Status is an order's fulfillment status as Orders v2026-01-01 writes it.
type Status string

// The order statuses the simulator uses.
const (
	StatusPending          Status = "PENDING"
	StatusUnshipped        Status = "UNSHIPPED"
	StatusPartiallyShipped Status = "PARTIALLY_SHIPPED"
	StatusShipped          Status = "SHIPPED"
	StatusCancelled        Status = "CANCELLED"
)

// Who fulfils an order (Orders v2026-01-01 fulfilledBy).
const (
	FulfilledByAmazon   = "AMAZON"
	FulfilledByMerchant = "MERCHANT"
)

// Order is a simulated order. Amounts are exact; an order's total is the sum
// of its lines' parts (see Total).
type Order struct {
	ID            string
	MarketplaceID string
	Currency      string
	Created       time.Time
	// LastUpdated moves with every change and is strictly increasing.
	LastUpdated time.Time
	Status      Status
	// FulfilledBy is FulfilledByAmazon (AFN, FBA) or FulfilledByMerchant (MFN).
	FulfilledBy  string
	ServiceLevel string
	Programs     []string
	// TaxIncluded is set where prices include VAT (UK, DE): Tax and
	// ShippingTax are then the VAT contained in the prices, not added to them.
	TaxIncluded bool
	Buyer       Buyer
	ShipTo      Address
	Items       []OrderItem
	Packages    []Package
	ShipBy      Window
	DeliverBy   Window
	// BuyerCancelRequested is set once the buyer asked to cancel.
	BuyerCancelRequested bool
	// ShippedAt is when the last unit shipped (zero until then).
	ShippedAt time.Time
	// RefundPlan is how a generated order will be refunded (see
	// refunds.go); "" for none, or once it was.
	RefundPlan string `json:",omitempty"`
	// Refunds are the order's refunds, oldest first.
	Refunds []Refund `json:",omitempty"`
	// history holds every change, oldest first, so that a paginated listing
	// can see orders as they were when it started.
	history []change
}

// change is an order's status after one of its changes.
type change struct {
	at     time.Time
	status Status
}

// OrderItem is one line of an order. Promotion amounts are positive
// discounts.
type OrderItem struct {
	ID              string
	SKU             string
	ASIN            string
	Title           string
	Quantity        int
	QuantityShipped int
	UnitPrice       decimal.Decimal
	// Shipping, Tax, ShippingTax, Promotion and ShippingPromotion are line
	// totals.
	Shipping          decimal.Decimal
	Tax               decimal.Decimal
	ShippingTax       decimal.Decimal
	Promotion         decimal.Decimal
	ShippingPromotion decimal.Decimal
	PromotionIDs      []string
}

// Buyer is who bought an order.
type Buyer struct {
	Name, Email string
}

// Address is a delivery address. Lines may exceed 40 characters and names
// are not ASCII-only, as on Amazon.
type Address struct {
	Name, Company                   string
	Line1, Line2, Line3             string
	City, County, State, PostalCode string
	CountryCode, Phone, AddressType string
}

// Window is a promised time range.
type Window struct {
	Earliest, Latest time.Time
}

// Package is a shipment of an order: one confirmShipment call, or a
// shipment Amazon made for an FBA order.
type Package struct {
	ReferenceID    string
	CarrierCode    string
	CarrierName    string
	ShippingMethod string
	TrackingNumber string
	ShipDate       time.Time
	ConfirmedAt    time.Time
	Items          []PackageItem
}

// PackageItem is a quantity of an order item in a package.
type PackageItem struct {
	OrderItemID string
	Quantity    int
}

// Principal returns the line's item price: unit price × quantity.
func (it *OrderItem) Principal() decimal.Decimal { return times(it.UnitPrice, it.Quantity) }

// LineTotal returns what the buyer pays for line i: item price and
// shipping, less promotions, plus tax where it is not included in prices.
func (o *Order) LineTotal(i int) decimal.Decimal {
	it := &o.Items[i]
	t := sub(sum(it.Principal(), it.Shipping), sum(it.Promotion, it.ShippingPromotion))
	if !o.TaxIncluded {
		t = sum(t, it.Tax, it.ShippingTax)
	}
	return t
}

// Total returns the order total: the sum of its line totals.
func (o *Order) Total() decimal.Decimal {
	t := zero
	for i := range o.Items {
		t = sum(t, o.LineTotal(i))
	}
	return t
}

// facilitatorTax reports whether Amazon collects and remits the order's
// sales tax as marketplace facilitator (the US marketplace).
func (o *Order) facilitatorTax() bool { return o.Currency == "USD" }

// unitsShipped counts the shipped and the unshipped units over all lines.
func (o *Order) unitsShipped() (shipped, unshipped int) {
	for _, it := range o.Items {
		shipped += it.QuantityShipped
		unshipped += it.Quantity - it.QuantityShipped
	}
	return shipped, unshipped
}

// item returns the line with the given order item id.
func (o *Order) item(id string) *OrderItem {
	for i := range o.Items {
		if o.Items[i].ID == id {
			return &o.Items[i]
		}
	}
	return nil
}

// touch records a change made at at: LastUpdated moves to at, or just past
// the previous value so that every change has its own time.
func (o *Order) touch(at time.Time) time.Time {
	if !at.After(o.LastUpdated) {
		at = o.LastUpdated.Add(time.Millisecond)
	}
	o.LastUpdated = at
	o.history = append(o.history, change{at: at, status: o.Status})
	return at
}

// asOf returns the time of the order's last change at or before t and its
// status then; ok is false if the order did not exist yet.
func (o *Order) asOf(t time.Time) (updated time.Time, status Status, ok bool) {
	for i := len(o.history) - 1; i >= 0; i-- {
		if !o.history[i].at.After(t) {
			return o.history[i].at, o.history[i].status, true
		}
	}
	return time.Time{}, "", false
}

// clone returns a deep copy for callers outside the lock.
func (o *Order) clone() Order {
	c := *o
	c.history = nil
	c.Programs = slices.Clone(o.Programs)
	c.Items = make([]OrderItem, len(o.Items))
	for i, it := range o.Items {
		it.PromotionIDs = slices.Clone(it.PromotionIDs)
		c.Items[i] = it
	}
	c.Refunds = make([]Refund, len(o.Refunds))
	for i, r := range o.Refunds {
		r.Items = slices.Clone(r.Items)
		c.Refunds[i] = r
	}
	c.Packages = make([]Package, len(o.Packages))
	for i, p := range o.Packages {
		p.Items = slices.Clone(p.Items)
		c.Packages[i] = p
	}
	return c
}
