package spapi

import (
	"errors"

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
	// 12-digit AWS account id that receives the events (and pays for them).
	AccountID string `yaml:"account_id" schema:"required"`
}

// Validate checks the region and the account id.
func (c *EventBridgeConfig) Validate() error {
	var errs []error
	if !awsRegion.MatchString(c.Region) {
		errs = append(errs, component.FieldErrorf("region", "%q is not an AWS region (e.g. us-east-1)", c.Region))
	}
	if !awsAccount.MatchString(c.AccountID) {
		errs = append(errs, component.FieldErrorf("account_id", "%q is not a 12-digit AWS account id", c.AccountID))
	}
	return errors.Join(errs...)
}
