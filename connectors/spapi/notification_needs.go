package spapi

import "github.com/pipewright/pipewright/connectors/spapi/models"

// NotificationNeed is a notification type a component needs Amazon to
// deliver, and where.
type NotificationNeed struct {
	// Type is the notification type, e.g. ORDER_CHANGE.
	Type string
	// QueueURL is the SQS queue the component reads the type from ("" when
	// none is configured). Only types Amazon delivers to SQS use it.
	QueueURL string
	// QueueOption is the component option that sets QueueURL, e.g.
	// "notifications.sqs.queue_url", for the hint when it is missing.
	QueueOption string
}

// NotificationNeeder is implemented by the options of sources and sinks
// that are driven by SP-API notifications. `pipewright spapi subscriptions`
// asks every component of a directory for its needs, and creates the
// destinations and subscriptions that deliver them.
type NotificationNeeder interface {
	// NotificationNeeds returns the notification types the component
	// consumes with the configured options (none when notifications are
	// off).
	NotificationNeeds() []NotificationNeed
}

var (
	_ NotificationNeeder = (*OrdersConfig)(nil)
	_ NotificationNeeder = (*NotificationsConfig)(nil)
)

// NotificationNeeds returns ORDER_CHANGE when the notifications option is
// set.
func (c *OrdersConfig) NotificationNeeds() []NotificationNeed {
	if c.Notifications == nil {
		return nil
	}
	return []NotificationNeed{{Type: models.OrderChange, QueueURL: c.Notifications.queueURL(), QueueOption: "notifications." + queueURLOption}}
}

// NotificationNeeds returns the accepted types.
func (c *NotificationsConfig) NotificationNeeds() []NotificationNeed {
	needs := make([]NotificationNeed, 0, len(c.Types))
	for _, t := range c.Types {
		needs = append(needs, NotificationNeed{Type: t, QueueURL: c.NotificationIntake.queueURL(), QueueOption: queueURLOption})
	}
	return needs
}
