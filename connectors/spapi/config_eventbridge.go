package spapi

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
	Region string `yaml:"region" schema:"required" pattern:"^[a-z]{2}(-[a-z]+)+-[0-9]$"`
	// 12-digit AWS account id that receives the events (and pays for them);
	// empty: no EventBridge destination (so ${env:NAME:-} can leave it out).
	AccountID string `yaml:"account_id" schema:"required" pattern:"^([0-9]{12})?$"`
}

// NotificationTargets returns where the notifications of the connection
// named name go, besides the components' queues.
func (c *ConnectionConfig) NotificationTargets(name string) NotificationTargets {
	return NotificationTargets{Connection: name, SQSRegion: c.sqsRegion(), EventBridge: c.Notifications.eventBridge()}
}

// spapiAWSRegions are the AWS regions of the SP-API regions.
var spapiAWSRegions = map[string]string{"na": "us-east-1", "eu": "eu-west-1", "fe": "us-west-2"}

// sqsRegion is the region of queues whose URL names none (on an
// SQS-compatible endpoint): notifications.sqs.region, else the AWS region
// of the connection's SP-API region.
func (c *ConnectionConfig) sqsRegion() string {
	if r := c.Notifications.SQS.Region; r != "" {
		return r
	}
	return spapiAWSRegions[c.Region]
}

// eventBridge returns the EventBridge destination, nil when none is
// configured or its account id is empty.
func (c *ConnectionNotifications) eventBridge() *EventBridgeConfig {
	if c.EventBridge == nil || c.EventBridge.AccountID == "" {
		return nil
	}
	return c.EventBridge
}
