package models

import (
	"maps"
	"slices"
)

// NotificationChannel is the kind of destination Amazon delivers a
// notification type to: each type goes to exactly one kind.
type NotificationChannel string

// The destination kinds of the Notifications API.
const (
	// ChannelSQS is an Amazon SQS standard queue (Amazon delivers nothing to
	// a FIFO queue).
	ChannelSQS NotificationChannel = "sqs"
	// ChannelEventBridge is an Amazon EventBridge partner event source.
	ChannelEventBridge NotificationChannel = "eventbridge"
)

// NotificationDelivery is how a notification type is subscribed to.
type NotificationDelivery struct {
	// Channel is the destination kind Amazon supports for the type.
	Channel NotificationChannel
	// PayloadVersions are the payload versions Amazon accepts in
	// createSubscription; the first is the one pipewright subscribes with
	// (the one the embedded schema of the type describes).
	PayloadVersions []string
}

// notificationDeliveries follows Amazon's "Notification Type Values" page:
// the listings, brand and product-type types go to EventBridge, everything
// else to SQS.
var notificationDeliveries = map[string]NotificationDelivery{
	OrderChange:                       {ChannelSQS, []string{"1.0"}},
	FBAInventoryAvailabilityChange:    {ChannelSQS, []string{"1.0"}},
	ReportProcessingFinished:          {ChannelSQS, []string{"2020-09-04"}},
	FeedProcessingFinished:            {ChannelSQS, []string{"2020-09-04"}},
	FulfillmentOrderStatus:            {ChannelSQS, []string{"1.0"}},
	"ANY_OFFER_CHANGED":               {ChannelSQS, []string{"1.0"}},
	"B2B_ANY_OFFER_CHANGED":           {ChannelSQS, []string{"1.0"}},
	"PRICING_HEALTH":                  {ChannelSQS, []string{"1.0"}},
	"FEE_PROMOTION":                   {ChannelSQS, []string{"1.0"}},
	"ACCOUNT_STATUS_CHANGED":          {ChannelSQS, []string{"1.0"}},
	ListingsItemStatusChange:          {ChannelEventBridge, []string{"1.0"}},
	ListingsItemIssuesChange:          {ChannelEventBridge, []string{"1.0", "2023-12-13"}},
	ListingsItemMFNQuantityChange:     {ChannelEventBridge, []string{"1.0"}},
	"BRANDED_ITEM_CONTENT_CHANGE":     {ChannelEventBridge, []string{"1.0"}},
	"ITEM_PRODUCT_TYPE_CHANGE":        {ChannelEventBridge, []string{"1.0"}},
	"PRODUCT_TYPE_DEFINITIONS_CHANGE": {ChannelEventBridge, []string{"1.0"}},
}

// LookupNotificationDelivery returns how a notification type is delivered
// and subscribed to; false for a type Amazon does not document.
func LookupNotificationDelivery(typ string) (NotificationDelivery, bool) {
	d, ok := notificationDeliveries[typ]
	return d, ok
}

// SubscribableNotificationTypes returns every type
// LookupNotificationDelivery knows, sorted.
func SubscribableNotificationTypes() []string {
	return slices.Sorted(maps.Keys(notificationDeliveries))
}
