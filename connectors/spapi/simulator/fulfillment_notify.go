package simulator

import (
	"time"

	"github.com/pipewright/pipewright/connectors/spapi/models"
)

// FULFILLMENT_ORDER_STATUS notifications, in the shape of
// models/notifications/FulfillmentOrderStatusNotification.json. That
// schema, generated from one example, requires FulfillmentShipment and
// FulfillmentReturnItem in every notification; Amazon fills them when a
// shipment or a return caused it. The simulator always sends both: the
// order's latest shipment (empty strings and no packages before there is
// one) and a return item of quantity 0. A client treats the notification
// as a trigger to call getFulfillmentOrder, as with ORDER_CHANGE.

type fulfillmentEnvelope struct {
	NotificationVersion  string               `json:"NotificationVersion"`
	NotificationType     string               `json:"NotificationType"`
	PayloadVersion       string               `json:"PayloadVersion"`
	EventTime            string               `json:"EventTime"`
	Payload              fulfillmentPayload   `json:"Payload"`
	NotificationMetadata notificationMetadata `json:"NotificationMetadata"`
}

type fulfillmentPayload struct {
	Notification fulfillmentStatus `json:"FulfillmentOrderStatusNotification"`
}

type fulfillmentStatus struct {
	SellerID              string                `json:"SellerId"`
	EventType             string                `json:"EventType"`
	StatusUpdatedDateTime string                `json:"StatusUpdatedDateTime"`
	SellerFulfillmentID   string                `json:"SellerFulfillmentOrderId"`
	FulfillmentStatus     string                `json:"FulfillmentOrderStatus"`
	Shipment              fulfillmentNoteShip   `json:"FulfillmentShipment"`
	ReturnItem            fulfillmentReturnItem `json:"FulfillmentReturnItem"`
}

type fulfillmentNoteShip struct {
	Status     string               `json:"FulfillmentShipmentStatus"`
	ID         string               `json:"AmazonShipmentId"`
	EstArrival string               `json:"EstimatedArrivalDateTime"`
	Info       fulfillmentNotePkg   `json:"info"`
	Packages   []fulfillmentNotePkg `json:"FulfillmentShipmentPackages"`
}

type fulfillmentNotePkg struct {
	PackageNumber  int    `json:"PackageNumber"`
	CarrierCode    string `json:"CarrierCode"`
	TrackingNumber string `json:"TrackingNumber"`
}

type fulfillmentReturnItem struct {
	ReceivedDateTime string `json:"ReceivedDateTime"`
	ReturnedQuantity int    `json:"ReturnedQuantity"`
	SellerSKU        string `json:"SellerSKU"`
}

// fulfillmentChanged raises a FULFILLMENT_ORDER_STATUS notification for
// f's current status and queues it for the push when the type has a URL.
// The caller holds s.mu.
func (s *Server) fulfillmentChanged(f *FulfillmentOrder) {
	n := &Notification{ID: s.newUUID(), Type: models.FulfillmentOrderStatus, OrderID: f.ID, LastUpdated: f.StatusUpdated}
	note := fulfillmentStatus{
		SellerID: s.cfg.SellerID, EventType: "Order", StatusUpdatedDateTime: iso(f.StatusUpdated), SellerFulfillmentID: f.ID,
		FulfillmentStatus: f.Status, Shipment: fulfillmentNoteShip{Packages: []fulfillmentNotePkg{}},
		ReturnItem: fulfillmentReturnItem{ReceivedDateTime: iso(f.StatusUpdated), SellerSKU: f.Items[0].SKU},
	}
	if len(f.Shipments) > 0 {
		sh := f.Shipments[len(f.Shipments)-1]
		note.EventType, note.Shipment.Status, note.Shipment.ID = "Shipment", sh.Status, sh.ID
		note.Shipment.EstArrival = iso(f.StatusUpdated.Add(72 * time.Hour))
		for _, p := range sh.Packages {
			note.Shipment.Packages = append(note.Shipment.Packages, fulfillmentNotePkg{PackageNumber: p.Number, CarrierCode: p.Carrier, TrackingNumber: p.Tracking})
		}
		if len(note.Shipment.Packages) > 0 {
			note.Shipment.Info = note.Shipment.Packages[0]
		}
	}
	env := fulfillmentEnvelope{
		NotificationVersion: "1.0", NotificationType: models.FulfillmentOrderStatus, PayloadVersion: "1.0", EventTime: iso(f.StatusUpdated),
		Payload: fulfillmentPayload{Notification: note},
		NotificationMetadata: notificationMetadata{
			ApplicationID: applicationID, SubscriptionID: s.subscriptionID(models.FulfillmentOrderStatus),
			PublishTime: iso(f.StatusUpdated), NotificationID: n.ID,
		},
	}
	n.Body, _ = encodeJSON(env) // plain structs: cannot fail
	s.notes = append(s.notes, n)
	s.noteByID[n.ID] = n
	s.deliver(n)
}
