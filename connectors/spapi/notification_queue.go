package spapi

// queueURLOption is the option of a notifications block naming the SQS
// queue a component reads.
const queueURLOption = "sqs.queue_url"

func (c *OrdersConfig) notificationsQueueURL() string { return "" }

func (c *NotificationsConfig) queueURL() string { return "" }
