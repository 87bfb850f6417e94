package simulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"sync"
	"time"

	"github.com/pipewright/pipewright/connectors/spapi/models"
)

// confirmShipmentRequest is the body of Orders v0 confirmShipment.
type confirmShipmentRequest struct {
	MarketplaceID       string         `json:"marketplaceId"`
	PackageDetail       *packageDetail `json:"packageDetail"`
	CodCollectionMethod string         `json:"codCollectionMethod"`
}

type packageDetail struct {
	PackageReferenceID string `json:"packageReferenceId"`
	CarrierCode        string `json:"carrierCode"`
	CarrierName        string `json:"carrierName"`
	ShippingMethod     string `json:"shippingMethod"`
	TrackingNumber     string `json:"trackingNumber"`
	ShipDate           string `json:"shipDate"`
	OrderItems         []struct {
		OrderItemID string `json:"orderItemId"`
		Quantity    int    `json:"quantity"`
	} `json:"orderItems"`
}

var packageRef = regexp.MustCompile(`^[1-9][0-9]{0,17}$`)

var carrierCodes = sync.OnceValue(func() map[string]bool {
	set := map[string]bool{}
	for _, c := range models.CarrierCodes() {
		set[c] = true
	}
	return set
})

// confirmShipment records one package of a merchant-fulfilled order and
// moves the order to PARTIALLY_SHIPPED or SHIPPED. The body is checked as
// Amazon does: the order's marketplace, a positive numeric
// packageReferenceId not yet confirmed for the order (a second
// confirmation of the same package is rejected), a carrierCode from
// Amazon's list or Other with a carrierName, a tracking number, a ship
// date, and order items of this order in quantities still unshipped.
func (s *Server) confirmShipment(c *call) response {
	o := s.orders[c.pathValue("orderId")]
	if o == nil {
		return notFound("Order %s was not found.", c.pathValue("orderId"))
	}
	var req confirmShipmentRequest
	if err := json.Unmarshal(c.body, &req); err != nil || req.PackageDetail == nil {
		return invalidInput("The request body is not a valid shipment confirmation.")
	}
	pkg, msg := checkShipment(o, &req, c.now)
	if msg != "" {
		return invalidInput("%s", msg)
	}
	for _, pi := range pkg.Items {
		o.item(pi.OrderItemID).QuantityShipped += pi.Quantity
	}
	s.addPackage(o, pkg, c.now)
	return response{status: http.StatusNoContent}
}

func checkShipment(o *Order, req *confirmShipmentRequest, now time.Time) (Package, string) {
	d := req.PackageDetail
	if req.MarketplaceID != o.MarketplaceID {
		return Package{}, fmt.Sprintf("marketplaceId %s is not the marketplace of order %s.", req.MarketplaceID, o.ID)
	}
	if !packageRef.MatchString(d.PackageReferenceID) {
		return Package{}, fmt.Sprintf("packageReferenceId %q must be a positive number.", d.PackageReferenceID)
	}
	for _, p := range o.Packages {
		if p.ReferenceID == d.PackageReferenceID {
			return Package{}, fmt.Sprintf("Package %s of order %s has already been confirmed.", d.PackageReferenceID, o.ID)
		}
	}
	if msg := checkOrderShippable(o, req); msg != "" {
		return Package{}, msg
	}
	switch {
	case !carrierCodes()[d.CarrierCode]:
		return Package{}, fmt.Sprintf("carrierCode %q is not an accepted carrier code; use Other and give carrierName.", d.CarrierCode)
	case d.CarrierCode == "Other" && d.CarrierName == "":
		return Package{}, "carrierName is required when carrierCode is Other."
	case d.TrackingNumber == "":
		return Package{}, "trackingNumber is required."
	}
	shipDate, err := parseTime(d.ShipDate)
	switch {
	case err != nil:
		return Package{}, fmt.Sprintf("shipDate: %v.", err)
	case shipDate.Before(o.Created.Truncate(time.Second)):
		return Package{}, "shipDate is before the order was placed."
	case shipDate.After(now.Add(24 * time.Hour)):
		return Package{}, "shipDate is in the future."
	}
	items, msg := packageItems(o, d)
	if msg != "" {
		return Package{}, msg
	}
	return Package{
		ReferenceID: d.PackageReferenceID, CarrierCode: d.CarrierCode, CarrierName: d.CarrierName,
		ShippingMethod: d.ShippingMethod, TrackingNumber: d.TrackingNumber, ShipDate: shipDate, ConfirmedAt: now,
		Items: items,
	}, ""
}

func checkOrderShippable(o *Order, req *confirmShipmentRequest) string {
	switch {
	case req.CodCollectionMethod != "":
		return "codCollectionMethod is only supported in the JP marketplace."
	case o.FulfilledBy == FulfilledByAmazon:
		return fmt.Sprintf("Order %s is fulfilled by Amazon; only merchant-fulfilled orders can be confirmed.", o.ID)
	case o.Status == StatusPending:
		return fmt.Sprintf("Order %s is pending and cannot be shipped yet.", o.ID)
	case o.Status == StatusCancelled:
		return fmt.Sprintf("Order %s is cancelled.", o.ID)
	case o.Status == StatusShipped:
		return fmt.Sprintf("Order %s has already shipped.", o.ID)
	}
	return ""
}

// packageItems checks the package's lines against the order: known order
// item ids, positive quantities and no more than is left to ship.
func packageItems(o *Order, d *packageDetail) ([]PackageItem, string) {
	if len(d.OrderItems) == 0 {
		return nil, "orderItems must list at least one order item."
	}
	var items []PackageItem
	want := map[string]int{}
	for _, oi := range d.OrderItems {
		it := o.item(oi.OrderItemID)
		switch {
		case it == nil:
			return nil, fmt.Sprintf("Order item %s is not part of order %s.", oi.OrderItemID, o.ID)
		case oi.Quantity < 1:
			return nil, fmt.Sprintf("Quantity of order item %s must be at least 1.", oi.OrderItemID)
		}
		if want[oi.OrderItemID] == 0 {
			items = append(items, PackageItem{OrderItemID: oi.OrderItemID})
		}
		want[oi.OrderItemID] += oi.Quantity
	}
	for i := range items {
		it := o.item(items[i].OrderItemID)
		items[i].Quantity = want[it.ID]
		if left := it.Quantity - it.QuantityShipped; want[it.ID] > left {
			return nil, fmt.Sprintf("Quantity %d of order item %s exceeds the %d unit(s) left to ship.", want[it.ID], it.ID, left)
		}
	}
	return items, ""
}
