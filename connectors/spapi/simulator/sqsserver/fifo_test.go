package sqsserver_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestServer_fifo_queue_delivers_a_group_in_order_one_batch_at_a_time(t *testing.T) {
	f := newFixture(t)
	url := f.queue(t, "orders.fifo", map[string]string{"ContentBasedDeduplication": "true"})
	for _, m := range []struct{ group, body string }{{"a", "a1"}, {"a", "a2"}, {"b", "b1"}} {
		_, err := f.client.SendMessage(context.Background(), &sqs.SendMessageInput{
			QueueUrl: aws.String(url), MessageBody: aws.String(m.body), MessageGroupId: aws.String(m.group),
		})
		require.NoError(t, err)
	}
	a1 := f.receiveOne(t, url)
	assert.Equal(t, "a1", aws.ToString(a1.Body))
	assert.Equal(t, "a", a1.Attributes["MessageGroupId"])
	assert.NotEmpty(t, a1.Attributes["SequenceNumber"])

	assert.Equal(t, []string{"b1"}, bodies(f.receive(t, url, 10)), "group a waits while a1 is in flight")
	f.deleteMessage(t, url, a1)
	assert.Equal(t, []string{"a2"}, bodies(f.receive(t, url, 10)))

	attrs, err := f.client.GetQueueAttributes(context.Background(), &sqs.GetQueueAttributesInput{
		QueueUrl: aws.String(url), AttributeNames: []types.QueueAttributeName{types.QueueAttributeNameFifoQueue},
	})
	require.NoError(t, err)
	assert.Equal(t, "true", attrs.Attributes["FifoQueue"])
}

func TestServer_fifo_queue_drops_a_duplicate_within_five_minutes(t *testing.T) {
	f := newFixture(t)
	url := f.queue(t, "orders.fifo", nil)
	send := func() string {
		out, err := f.client.SendMessage(context.Background(), &sqs.SendMessageInput{
			QueueUrl: aws.String(url), MessageBody: aws.String("x"), MessageGroupId: aws.String("g"), MessageDeduplicationId: aws.String("d1"),
		})
		require.NoError(t, err)
		return aws.ToString(out.MessageId)
	}
	first := send()
	assert.Equal(t, first, send(), "the duplicate answers with the first message's id")
	stats, _ := f.srv.Stats("orders.fifo")
	assert.Equal(t, 1, stats.Visible)
}

func bodies(msgs []types.Message) []string {
	out := []string{}
	for _, m := range msgs {
		out = append(out, aws.ToString(m.Body))
	}
	return out
}
