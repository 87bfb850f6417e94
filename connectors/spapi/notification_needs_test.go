package spapi_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/pipewright/pipewright/connectors/spapi"
	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
)

func TestNotificationNeeds_follow_the_options(t *testing.T) {
	const queue = "https://sqs.us-east-1.amazonaws.com/123456789012/q"
	hook := "path: /hooks/a, auth: {token: t}"
	cases := []struct {
		name    string
		factory component.Factory
		yaml    string
		want    []spapi.NotificationNeed
	}{
		{"orders polling only", spapi.NewOrdersFactory(), "poll: {every: 5m}", nil},
		{"orders on a webhook", spapi.NewOrdersFactory(), "notifications: {" + hook + "}",
			[]spapi.NotificationNeed{{Type: "ORDER_CHANGE", QueueOption: "notifications.sqs.queue_url"}}},
		{"orders from a queue", spapi.NewOrdersFactory(), "notifications: {sqs: {queue_url: '" + queue + "'}}",
			[]spapi.NotificationNeed{{Type: "ORDER_CHANGE", QueueURL: queue, QueueOption: "notifications.sqs.queue_url"}}},
		{"settlements polling only", spapi.NewSettlementsFactory(), "every: 1h", nil},
		{"settlements from a queue", spapi.NewSettlementsFactory(), "notifications: {sqs: {queue_url: '" + queue + "'}}",
			[]spapi.NotificationNeed{{Type: "REPORT_PROCESSING_FINISHED", QueueURL: queue, QueueOption: "notifications.sqs.queue_url"}}},
		{"feed results polled", spapi.NewFeedFactory(), feedYAML, nil},
		{"feed results on a webhook", spapi.NewFeedFactory(), feedYAML + "\nnotifications: {" + hook + "}",
			[]spapi.NotificationNeed{{Type: "FEED_PROCESSING_FINISHED", QueueOption: "notifications.sqs.queue_url"}}},
		{"notifications of two types from a queue", spapi.NewNotificationsFactory(), "{" + hook + ", sqs: {queue_url: '" + queue + "'}, types: [FEED_PROCESSING_FINISHED, LISTINGS_ITEM_STATUS_CHANGE]}",
			[]spapi.NotificationNeed{
				{Type: "FEED_PROCESSING_FINISHED", QueueURL: queue, QueueOption: "sqs.queue_url"},
				{Type: "LISTINGS_ITEM_STATUS_CHANGE", QueueURL: queue, QueueOption: "sqs.queue_url"},
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := componenttest.DecodeConfig(t, c.factory, c.yaml)
			assert.Equal(t, c.want, cfg.(spapi.NotificationNeeder).NotificationNeeds())
		})
	}
}
