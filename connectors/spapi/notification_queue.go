package spapi

// queueURLOption is the option of a notification intake naming the SQS
// queue a component reads.
const queueURLOption = "sqs.queue_url"

// queueURL returns the SQS queue the intake reads ("" for none).
func (n *NotificationIntake) queueURL() string {
	if n == nil || n.SQS == nil {
		return ""
	}
	return n.SQS.QueueURL
}
