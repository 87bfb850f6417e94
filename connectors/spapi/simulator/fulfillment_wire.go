package simulator

import "encoding/json"

// The wire shapes of fulfillment orders (the model's FulfillmentOrder,
// FulfillmentOrderItem and FulfillmentShipment).

// header is the FulfillmentOrder object.
func (f *FulfillmentOrder) header() map[string]any {
	return map[string]any{
		"sellerFulfillmentOrderId": f.ID, "marketplaceId": f.MarketplaceID, "displayableOrderId": f.DisplayableID,
		"displayableOrderDate": f.DisplayableDate, "displayableOrderComment": f.Comment, "shippingSpeedCategory": f.Speed,
		"destinationAddress": json.RawMessage(f.Address), "fulfillmentAction": "Ship", "fulfillmentPolicy": "FillOrKill",
		"receivedDate": iso(f.Received), "fulfillmentOrderStatus": f.Status, "statusUpdatedDate": iso(f.StatusUpdated),
	}
}

// result is the GetFulfillmentOrderResult.
func (f *FulfillmentOrder) result() map[string]any {
	items := []any{}
	for _, it := range f.Items {
		items = append(items, map[string]any{
			"sellerSku": it.SKU, "sellerFulfillmentOrderItemId": it.ID, "quantity": it.Quantity,
			"cancelledQuantity": it.Cancelled, "unfulfillableQuantity": 0,
		})
	}
	shipments := []any{}
	for _, sh := range f.Shipments {
		shipments = append(shipments, sh.wire())
	}
	return map[string]any{
		"fulfillmentOrder": f.header(), "fulfillmentOrderItems": items, "fulfillmentShipments": shipments,
		"returnItems": []any{}, "returnAuthorizations": []any{},
	}
}

func (sh *FulfillmentShipment) wire() map[string]any {
	items := []any{}
	for _, it := range sh.Items {
		items = append(items, map[string]any{"sellerSku": it.SKU, "sellerFulfillmentOrderItemId": it.ItemID, "quantity": it.Quantity, "packageNumber": it.Package})
	}
	w := map[string]any{"amazonShipmentId": sh.ID, "fulfillmentCenterId": sh.Center, "fulfillmentShipmentStatus": sh.Status, "fulfillmentShipmentItem": items}
	if !sh.Shipped.IsZero() {
		w["shippingDate"] = iso(sh.Shipped)
	}
	if len(sh.Packages) > 0 {
		pkgs := []any{}
		for _, p := range sh.Packages {
			pkgs = append(pkgs, map[string]any{"packageNumber": p.Number, "carrierCode": p.Carrier, "trackingNumber": p.Tracking})
		}
		w["fulfillmentShipmentPackage"] = pkgs
	}
	return w
}
