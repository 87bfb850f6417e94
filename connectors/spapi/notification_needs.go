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
	_ NotificationNeeder = (*SettlementsConfig)(nil)
	_ NotificationNeeder = (*FeedConfig)(nil)
)

// NotificationNeeds returns ORDER_CHANGE when the notifications option is
// set.
func (c *OrdersConfig) NotificationNeeds() []NotificationNeed {
	return blockNeeds(c.Notifications, models.OrderChange)
}

// NotificationNeeds returns REPORT_PROCESSING_FINISHED when the
// notifications option is set.
func (c *SettlementsConfig) NotificationNeeds() []NotificationNeed {
	return blockNeeds(c.Notifications, models.ReportProcessingFinished)
}

// NotificationNeeds returns FEED_PROCESSING_FINISHED when the
// notifications option is set.
func (c *FeedConfig) NotificationNeeds() []NotificationNeed {
	return blockNeeds(c.Notifications, models.FeedProcessingFinished)
}

// blockNeeds is the need of a component whose notifications block n (nil:
// off) receives one type.
func blockNeeds(n *NotificationIntake, typ string) []NotificationNeed {
	if n == nil {
		return nil
	}
	return []NotificationNeed{{Type: typ, QueueURL: n.queueURL(), QueueOption: "notifications." + queueURLOption}}
}

// NotificationNeeds returns the accepted types.
func (c *NotificationsConfig) NotificationNeeds() []NotificationNeed {
	needs := make([]NotificationNeed, 0, len(c.Types))
	for _, t := range c.Types {
		needs = append(needs, NotificationNeed{Type: t, QueueURL: c.NotificationIntake.queueURL(), QueueOption: queueURLOption})
	}
	return needs
}
