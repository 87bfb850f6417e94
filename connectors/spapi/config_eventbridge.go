package spapi

import (
	"github.com/pipewright/pipewright/engine/component"
)

// EventBridgeConfig is the AWS account and region of the EventBridge
// destination, for the notification types Amazon delivers only to
// EventBridge (listings, brand and product-type changes). Amazon creates a
// partner event source there (aws.partner/sellingpartnerapi.amazon.com/...)
// to attach to an event bus; an EventBridge rule with an API destination
// then forwards the events to the engine's webhook.
//
// EventBridge destination.
type EventBridgeConfig struct {
	// AWS region that receives the events, e.g. us-east-1.
	Region string `yaml:"region" schema:"required"`
	// 12-digit AWS account id that receives the events (and pays for them);
	// empty: no EventBridge destination (so ${env:NAME:-} can leave it out).
	AccountID string `yaml:"account_id" schema:"required"`
}

// ConnectionNotifications is where Amazon delivers the notifications of a
// connection's components: `pipewright spapi subscriptions` creates the
// destinations and subscriptions from it and from the components' queue
// URLs.
//
// Notification destinations.
type ConnectionNotifications struct {
	// EventBridge destination of the types Amazon delivers only there
	// (LISTINGS_ITEM_STATUS_CHANGE, LISTINGS_ITEM_ISSUES_CHANGE, ...).
	EventBridge *EventBridgeConfig `yaml:"eventbridge"`
}

// validate checks the options, located under prefix.
func (c *ConnectionNotifications) validate(prefix string) []error {
	eb := c.eventBridge()
	if eb == nil {
		return nil
	}
	var errs []error
	if !awsRegion.MatchString(eb.Region) {
		errs = append(errs, component.FieldErrorf(prefix+"eventbridge.region", "%q is not an AWS region (e.g. us-east-1)", eb.Region))
	}
	if !awsAccount.MatchString(eb.AccountID) {
		errs = append(errs, component.FieldErrorf(prefix+"eventbridge.account_id", "%q is not a 12-digit AWS account id", eb.AccountID))
	}
	return errs
}

// NotificationTargets returns where the notifications of the connection
// named name go, besides the components' queues.
func (c *ConnectionConfig) NotificationTargets(name string) NotificationTargets {
	return NotificationTargets{Connection: name, EventBridge: c.Notifications.eventBridge()}
}

// eventBridge returns the EventBridge destination, nil when none is
// configured or its account id is empty.
func (c *ConnectionNotifications) eventBridge() *EventBridgeConfig {
	if c.EventBridge == nil || c.EventBridge.AccountID == "" {
		return nil
	}
	return c.EventBridge
}
