package simulator

import (
	"slices"
	"time"
)

// FBA_INVENTORY_AVAILABILITY_CHANGES notifications, in the shape of
// models/notifications/FBAInventoryAvailabilityChangeNotification.json:
// one per SKU whose FBA stock changed (an FBA order took units out of
// fulfillable stock into reserved, Amazon shipped or cancelled one), with
// the SKU's quantities in every marketplace. They are pushed to
// Notify.FBAInventoryURL.

// FBAInventoryChanges is the notification type of FBA inventory changes.
const FBAInventoryChanges = "FBA_INVENTORY_AVAILABILITY_CHANGES"

type fbaInventoryEnvelope struct {
	NotificationVersion  string               `json:"NotificationVersion"`
	NotificationType     string               `json:"NotificationType"`
	PayloadVersion       string               `json:"PayloadVersion"`
	EventTime            string               `json:"EventTime"`
	Payload              fbaInventoryPayload  `json:"Payload"`
	NotificationMetadata notificationMetadata `json:"NotificationMetadata"`
}

type fbaInventoryPayload struct {
	SellerID      string                   `json:"SellerId"`
	FNSKU         string                   `json:"FNSKU"`
	ASIN          string                   `json:"ASIN"`
	SKU           string                   `json:"SKU"`
	ByMarketplace []fbaMarketplaceInvtJSON `json:"FulfillmentInventoryByMarketplace"`
}

type fbaMarketplaceInvtJSON struct {
	MarketplaceID string          `json:"MarketplaceId"`
	ItemName      string          `json:"ItemName"`
	Inventory     fbaQuantityJSON `json:"FulfillmentInventory"`
	Stores        []string        `json:"Stores"`
}

type fbaQuantityJSON struct {
	Inbound struct {
		Working   int `json:"Working"`
		Shipped   int `json:"Shipped"`
		Receiving int `json:"Receiving"`
	} `json:"InboundQuantityBreakdown"`
	Fulfillable   int `json:"Fulfillable"`
	Unfulfillable int `json:"Unfulfillable"`
	Researching   int `json:"Researching"`
	Reserved      struct {
		WarehouseProcessing  int `json:"WarehouseProcessing"`
		WarehouseTransfer    int `json:"WarehouseTransfer"`
		PendingCustomerOrder int `json:"PendingCustomerOrder"`
	} `json:"ReservedQuantityBreakdown"`
	FutureSupplyBuyable           int `json:"FutureSupplyBuyable"`
	PendingCustomerOrderInTransit int `json:"PendingCustomerOrderInTransit"`
}

// fbaOrderChanged marks the stock of each SKU of an FBA order changed (the
// order reserved, shipped or gave back units) and raises a notification
// for it. The caller holds s.mu.
func (s *Server) fbaOrderChanged(o *Order, at time.Time) {
	if o.FulfilledBy != FulfilledByAmazon {
		return
	}
	var skus []string
	for _, it := range o.Items {
		if f := s.fbaStock[fbaKey(o.MarketplaceID, it.SKU)]; f != nil && !slices.Contains(skus, it.SKU) {
			f.updated = at
			skus = append(skus, it.SKU)
		}
	}
	for _, sku := range skus {
		s.fbaInventoryChanged(sku, at)
	}
}

// fbaInventoryChanged raises a notification of an SKU's FBA stock in every
// marketplace and queues it for the push. The caller holds s.mu.
func (s *Server) fbaInventoryChanged(sku string, at time.Time) {
	n := &Notification{ID: s.newUUID(), Type: FBAInventoryChanges, SKU: sku, LastUpdated: at}
	p := fbaInventoryPayload{SellerID: s.cfg.SellerID, SKU: sku}
	for _, m := range s.cfg.marketplaces() {
		f := s.fbaStock[fbaKey(m.ID, sku)]
		if f == nil {
			continue
		}
		sum := s.inventorySummary(f, s.reservedFBA(m.ID)[sku], false)
		p.ASIN, p.FNSKU = sum.ASIN, sum.FnSKU
		e := fbaMarketplaceInvtJSON{MarketplaceID: m.ID, ItemName: sum.ProductName, Stores: []string{}}
		e.Inventory.Fulfillable = f.fulfillable
		e.Inventory.Reserved.PendingCustomerOrder = sum.TotalQuantity - f.fulfillable
		p.ByMarketplace = append(p.ByMarketplace, e)
	}
	env := fbaInventoryEnvelope{
		NotificationVersion: "1.0", NotificationType: FBAInventoryChanges, PayloadVersion: "1.0", EventTime: iso(at), Payload: p,
		NotificationMetadata: notificationMetadata{ApplicationID: applicationID, SubscriptionID: s.subscriptionID(FBAInventoryChanges),
			PublishTime: iso(at), NotificationID: n.ID},
	}
	n.Body, _ = encodeJSON(env) // plain structs: cannot fail
	s.notes = append(s.notes, n)
	s.noteByID[n.ID] = n
	s.deliver(n)
}

// releaseFBAStock puts a cancelled FBA order's units back into fulfillable
// stock. The caller holds s.mu.
func (s *Server) releaseFBAStock(o *Order, at time.Time) {
	if o.FulfilledBy != FulfilledByAmazon {
		return
	}
	for _, it := range o.Items {
		if f := s.fbaStock[fbaKey(o.MarketplaceID, it.SKU)]; f != nil {
			f.fulfillable += it.Quantity - it.QuantityShipped
			f.updated = at
		}
	}
}

// FBAInventoryNotifications returns every FBA_INVENTORY_AVAILABILITY_CHANGES
// notification raised, oldest first, with its delivery state.
func (s *Server) FBAInventoryNotifications() []Notification {
	return s.notificationsOf(FBAInventoryChanges)
}

// notificationsOf returns the notifications of one type.
func (s *Server) notificationsOf(typ string) []Notification {
	all := snapshot(s, func() []*Notification { return s.notes }, func(n *Notification) Notification { return *n })
	return slices.DeleteFunc(all, func(n Notification) bool { return n.typ() != typ })
}

// typ is the notification's type; notifications saved before types were
// recorded are ORDER_CHANGE.
func (n *Notification) typ() string {
	if n.Type == "" {
		return "ORDER_CHANGE"
	}
	return n.Type
}

// pushURL is where n goes.
func (s *Server) pushURL(n *Notification) string {
	if n.typ() == FBAInventoryChanges {
		return s.cfg.Notify.FBAInventoryURL
	}
	if n.Type != "" {
		return s.cfg.Notify.TypeURLs[n.Type]
	}
	return s.cfg.Notify.URL
}
