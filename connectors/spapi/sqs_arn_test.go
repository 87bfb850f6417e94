package spapi_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/spapi"
)

func TestQueueARN_derives_the_ARN_from_the_queue_URL(t *testing.T) {
	cases := []struct {
		name, url, region, want, err string
	}{
		{"AWS queue URL", "https://sqs.eu-west-1.amazonaws.com/123456789012/sp-orders", "", "arn:aws:sqs:eu-west-1:123456789012:sp-orders", ""},
		{"the URL's region wins", "https://sqs.us-east-1.amazonaws.com/123456789012/orders", "eu-west-1", "arn:aws:sqs:us-east-1:123456789012:orders", ""},
		{"legacy queue host", "https://us-west-2.queue.amazonaws.com/123456789012/orders", "", "arn:aws:sqs:us-west-2:123456789012:orders", ""},
		{"local endpoint takes the given region", "http://127.0.0.1:4566/000000000000/orders", "us-east-1", "arn:aws:sqs:us-east-1:000000000000:orders", ""},
		{"local endpoint under a path", "http://localhost:9324/queue/000000000000/orders", "us-east-1", "arn:aws:sqs:us-east-1:000000000000:orders", ""},
		{"FIFO queue", "https://sqs.us-east-1.amazonaws.com/123456789012/orders.fifo", "", "", "FIFO queue"},
		{"local endpoint without a region", "http://127.0.0.1:4566/000000000000/orders", "", "", "set the connection's notifications.sqs.region"},
		{"no account", "https://sqs.us-east-1.amazonaws.com/orders", "", "", "does not end in /<account>/<queue name>"},
		{"account not 12 digits", "https://sqs.us-east-1.amazonaws.com/1234/orders", "", "", "not a 12-digit AWS account id"},
		{"not a URL", "arn:aws:sqs:us-east-1:123456789012:orders", "", "", "not an http(s) URL"},
		{"bad queue name", "https://sqs.us-east-1.amazonaws.com/123456789012/or%20ders", "", "", "not a queue name"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			arn, err := spapi.QueueARN(c.url, c.region)
			if c.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), c.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.want, arn)
		})
	}
}
