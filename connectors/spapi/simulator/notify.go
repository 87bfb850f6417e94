package simulator

import (
	"time"
)

// ORDER_CHANGE notifications, in the shape of
// models/notifications/OrderChangeNotification.json. Like Amazon's they
// carry no prices or addresses: a client treats them as a trigger to fetch
// the order.

// Notification is a notification the simulator raised: ORDER_CHANGE, or
// FBA_INVENTORY_AVAILABILITY_CHANGES (fba_notify.go) or
// FULFILLMENT_ORDER_STATUS (fulfillment_notify.go).
type Notification struct {
	// ID is NotificationMetadata.NotificationId.
	ID string
	// Type is the notification type; empty means ORDER_CHANGE.
	Type string `json:",omitempty"`
	// SKU is the seller SKU of an FBA inventory change.
	SKU string `json:",omitempty"`
	// OrderID is the Amazon order id (ORDER_CHANGE) or the
	// sellerFulfillmentOrderId (FULFILLMENT_ORDER_STATUS).
	OrderID    string
	ChangeType string
	Status     Status
	// LastUpdated is the order's lastUpdatedTime after the change.
	LastUpdated time.Time
	// Body is the notification JSON, as SQS would hold it.
	Body []byte
	// Attempts counts pushes; Delivered is set once one got a 2xx.
	Attempts  int
	Delivered bool
	// LastError describes the last failed push.
	LastError string
}

// applicationID is the simulated app's id in notification metadata.
const applicationID = "amzn1.sellerapps.app.pipewright-sandbox"

type orderChangeEnvelope struct {
	NotificationVersion  string               `json:"NotificationVersion"`
	NotificationType     string               `json:"NotificationType"`
	PayloadVersion       string               `json:"PayloadVersion"`
	EventTime            string               `json:"EventTime"`
	Payload              orderChangePayload   `json:"Payload"`
	NotificationMetadata notificationMetadata `json:"NotificationMetadata"`
}

type orderChangePayload struct {
	OrderChangeNotification orderChange `json:"OrderChangeNotification"`
}

type orderChange struct {
	NotificationLevel  string             `json:"NotificationLevel"`
	SellerID           string             `json:"SellerId"`
	AmazonOrderID      string             `json:"AmazonOrderId"`
	OrderChangeType    string             `json:"OrderChangeType"`
	OrderChangeTrigger orderChangeTrigger `json:"OrderChangeTrigger"`
	Summary            orderSummary       `json:"Summary"`
}

type orderChangeTrigger struct {
	TimeOfOrderChange string `json:"TimeOfOrderChange"`
	ChangeReason      string `json:"ChangeReason"`
}

type orderSummary struct {
	MarketplaceID          string             `json:"MarketplaceId"`
	OrderStatus            string             `json:"OrderStatus"`
	PurchaseDate           string             `json:"PurchaseDate"`
	DestinationPostalCode  string             `json:"DestinationPostalCode"`
	FulfillmentType        string             `json:"FulfillmentType"`
	OrderType              string             `json:"OrderType"`
	NumberOfItemsShipped   int                `json:"NumberOfItemsShipped"`
	NumberOfItemsUnshipped int                `json:"NumberOfItemsUnshipped"`
	EarliestShipDate       string             `json:"EarliestShipDate"`
	LatestShipDate         string             `json:"LatestShipDate"`
	EarliestDeliveryDate   string             `json:"EarliestDeliveryDate"`
	LatestDeliveryDate     string             `json:"LatestDeliveryDate"`
	OrderPrograms          []string           `json:"OrderPrograms"`
	ShippingPrograms       []string           `json:"ShippingPrograms"`
	OrderItems             []orderSummaryItem `json:"OrderItems"`
}

type orderSummaryItem struct {
	OrderItemID            string  `json:"OrderItemId"`
	SellerSKU              string  `json:"SellerSKU"`
	SupplySourceID         *string `json:"SupplySourceId"`
	OrderItemStatus        string  `json:"OrderItemStatus"`
	Quantity               int     `json:"Quantity"`
	QuantityShipped        int     `json:"QuantityShipped"`
	IsBuyerRequestedCancel bool    `json:"IsBuyerRequestedCancel"`
}

type notificationMetadata struct {
	ApplicationID  string `json:"ApplicationId"`
	SubscriptionID string `json:"SubscriptionId"`
	PublishTime    string `json:"PublishTime"`
	NotificationID string `json:"NotificationId"`
}

// orderChanged raises an ORDER_CHANGE notification for o's latest change
// and queues it for the push. The caller holds s.mu.
func (s *Server) orderChanged(o *Order, changeType, reason string, buyerCancel bool) {
	n := &Notification{ID: s.newUUID(), OrderID: o.ID, ChangeType: changeType, Status: o.Status, LastUpdated: o.LastUpdated}
	env := orderChangeEnvelope{
		NotificationVersion: "1.0", NotificationType: "ORDER_CHANGE", PayloadVersion: "1.0", EventTime: iso(o.LastUpdated),
		Payload: orderChangePayload{OrderChangeNotification: orderChange{
			NotificationLevel: "OrderLevel", SellerID: s.cfg.SellerID, AmazonOrderID: o.ID, OrderChangeType: changeType,
			OrderChangeTrigger: orderChangeTrigger{TimeOfOrderChange: iso(o.LastUpdated), ChangeReason: reason},
			Summary:            orderSummaryOf(o, buyerCancel),
		}},
		NotificationMetadata: notificationMetadata{
			ApplicationID: applicationID, SubscriptionID: s.subscriptionID("ORDER_CHANGE"),
			PublishTime: iso(o.LastUpdated), NotificationID: n.ID,
		},
	}
	n.Body, _ = encodeJSON(env) // plain structs: cannot fail
	s.notes = append(s.notes, n)
	s.noteByID[n.ID] = n
	s.deliver(n)
}

func orderSummaryOf(o *Order, buyerCancel bool) orderSummary {
	shipped, unshipped := o.unitsShipped()
	sum := orderSummary{
		MarketplaceID: o.MarketplaceID, OrderStatus: v0Status(o.Status), PurchaseDate: iso(o.Created),
		DestinationPostalCode: o.ShipTo.PostalCode, FulfillmentType: "MFN", OrderType: "StandardOrder",
		NumberOfItemsShipped: shipped, NumberOfItemsUnshipped: unshipped,
		EarliestShipDate: iso(o.ShipBy.Earliest), LatestShipDate: iso(o.ShipBy.Latest),
		EarliestDeliveryDate: iso(o.DeliverBy.Earliest), LatestDeliveryDate: iso(o.DeliverBy.Latest),
		OrderPrograms: []string{}, ShippingPrograms: []string{},
	}
	if o.FulfilledBy == FulfilledByAmazon {
		sum.FulfillmentType = "AFN"
	}
	if len(o.Programs) > 0 {
		sum.OrderPrograms = []string{"Prime"}
	}
	for _, it := range o.Items {
		status := "Unshipped"
		if it.QuantityShipped == it.Quantity {
			status = "Shipped"
		}
		sum.OrderItems = append(sum.OrderItems, orderSummaryItem{
			OrderItemID: it.ID, SellerSKU: it.SKU, OrderItemStatus: status, Quantity: it.Quantity,
			QuantityShipped: it.QuantityShipped, IsBuyerRequestedCancel: buyerCancel,
		})
	}
	return sum
}
