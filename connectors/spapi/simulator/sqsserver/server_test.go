package sqsserver_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/componenttest"
)

func TestServer_names_queues_by_url_and_arn(t *testing.T) {
	f := newFixture(t)
	url := f.queue(t, "orders", nil)
	assert.Equal(t, f.srv.URL()+"/123456789012/orders", url)

	got, err := f.client.GetQueueUrl(context.Background(), &sqs.GetQueueUrlInput{QueueName: aws.String("orders")})
	require.NoError(t, err)
	assert.Equal(t, url, aws.ToString(got.QueueUrl))

	attrs, err := f.client.GetQueueAttributes(context.Background(), &sqs.GetQueueAttributesInput{
		QueueUrl: aws.String(url), AttributeNames: []types.QueueAttributeName{types.QueueAttributeNameQueueArn},
	})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"QueueArn": "arn:aws:sqs:eu-west-1:123456789012:orders"}, attrs.Attributes)
	assert.Equal(t, "arn:aws:sqs:eu-west-1:123456789012:orders", f.srv.QueueARN("orders"))
}

func TestServer_creating_an_existing_queue_returns_it_unless_attributes_differ(t *testing.T) {
	f := newFixture(t)
	url := f.queue(t, "orders", map[string]string{"VisibilityTimeout": "60"})
	assert.Equal(t, url, f.queue(t, "orders", map[string]string{"VisibilityTimeout": "60"}))

	_, err := f.client.CreateQueue(context.Background(), &sqs.CreateQueueInput{
		QueueName: aws.String("orders"), Attributes: map[string]string{"VisibilityTimeout": "90"},
	})
	var exists *types.QueueNameExists
	require.ErrorAs(t, err, &exists)
	assert.Equal(t, "QueueAlreadyExists", exists.ErrorCode())
}

func TestServer_receive_hides_a_message_until_its_visibility_timeout_ends(t *testing.T) {
	f := newFixture(t)
	url := f.queue(t, "orders", nil) // VisibilityTimeout 30 s by default
	id := f.send(t, url, "hello")

	first := f.receiveOne(t, url)
	assert.Equal(t, id, aws.ToString(first.MessageId))
	assert.Equal(t, "hello", aws.ToString(first.Body))
	assert.Equal(t, "5d41402abc4b2a76b9719d911017c592", aws.ToString(first.MD5OfBody))
	assert.Equal(t, "1", first.Attributes["ApproximateReceiveCount"])
	assert.Equal(t, "123456789012", first.Attributes["SenderId"])
	assert.Equal(t, "1772366400000", first.Attributes["SentTimestamp"])

	f.clock.Advance(29 * time.Second)
	assert.Empty(t, f.receive(t, url, 10), "in flight")

	f.clock.Advance(time.Second)
	second := f.receiveOne(t, url)
	assert.Equal(t, id, aws.ToString(second.MessageId))
	assert.Equal(t, "2", second.Attributes["ApproximateReceiveCount"])
	assert.NotEqual(t, aws.ToString(first.ReceiptHandle), aws.ToString(second.ReceiptHandle), "a new receipt handle per receive")
	assert.Equal(t, first.Attributes["ApproximateFirstReceiveTimestamp"], second.Attributes["ApproximateFirstReceiveTimestamp"])
}

func TestServer_delete_with_a_stale_receipt_handle_succeeds_and_keeps_the_message(t *testing.T) {
	f := newFixture(t)
	url := f.queue(t, "orders", map[string]string{"VisibilityTimeout": "10"})
	f.send(t, url, "hello")
	first := f.receiveOne(t, url)
	f.clock.Advance(10 * time.Second)
	assert.Equal(t, "2", f.receiveOne(t, url).Attributes["ApproximateReceiveCount"])

	f.deleteMessage(t, url, first) // AWS: succeeds, but the message is not deleted
	f.clock.Advance(10 * time.Second)
	third := f.receiveOne(t, url)
	assert.Equal(t, "3", third.Attributes["ApproximateReceiveCount"])

	f.deleteMessage(t, url, third)
	f.deleteMessage(t, url, third) // deleting twice is not an error
	f.clock.Advance(time.Hour)
	assert.Empty(t, f.receive(t, url, 10))
}

func TestServer_change_message_visibility_extends_or_ends_the_timeout(t *testing.T) {
	f := newFixture(t)
	url := f.queue(t, "orders", nil)
	f.send(t, url, "hello")
	m := f.receiveOne(t, url)

	f.clock.Advance(20 * time.Second)
	_, err := f.client.ChangeMessageVisibility(context.Background(), &sqs.ChangeMessageVisibilityInput{
		QueueUrl: aws.String(url), ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 60,
	})
	require.NoError(t, err)
	f.clock.Advance(59 * time.Second)
	assert.Empty(t, f.receive(t, url, 1), "extended by 60 s from the change")

	m = func() types.Message { f.clock.Advance(time.Second); return f.receiveOne(t, url) }()
	_, err = f.client.ChangeMessageVisibility(context.Background(), &sqs.ChangeMessageVisibilityInput{
		QueueUrl: aws.String(url), ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0,
	})
	require.NoError(t, err)
	assert.Equal(t, "3", f.receiveOne(t, url).Attributes["ApproximateReceiveCount"], "timeout 0 makes it visible at once")
}

func TestServer_receive_returns_at_most_max_messages(t *testing.T) {
	f := newFixture(t)
	url := f.queue(t, "orders", nil)
	for range 12 {
		f.send(t, url, "m")
	}
	assert.Len(t, f.receive(t, url, 10), 10)
	assert.Len(t, f.receive(t, url, 10), 2)
	assert.Empty(t, f.receive(t, url, 10))

	attrs, err := f.client.GetQueueAttributes(context.Background(), &sqs.GetQueueAttributesInput{
		QueueUrl: aws.String(url), AttributeNames: []types.QueueAttributeName{types.QueueAttributeNameAll},
	})
	require.NoError(t, err)
	assert.Equal(t, "0", attrs.Attributes["ApproximateNumberOfMessages"])
	assert.Equal(t, "12", attrs.Attributes["ApproximateNumberOfMessagesNotVisible"])
	assert.Equal(t, "30", attrs.Attributes["VisibilityTimeout"])
	assert.NotContains(t, attrs.Attributes, "FifoQueue")
}

func TestServer_long_poll_returns_when_a_message_arrives(t *testing.T) {
	f := newFixture(t)
	url := f.queue(t, "orders", nil)
	got := f.longPoll(url, aws.Int32(20))
	f.waitForPoll(t, 1)
	f.send(t, url, "late")
	msgs := componenttest.Recv(t, "the long poll", got)
	require.Len(t, msgs, 1)
	assert.Equal(t, "late", aws.ToString(msgs[0].Body))
}

func TestServer_long_poll_returns_a_message_whose_visibility_timeout_ends_during_the_wait(t *testing.T) {
	f := newFixture(t)
	url := f.queue(t, "orders", map[string]string{"VisibilityTimeout": "5"})
	f.send(t, url, "again")
	f.receiveOne(t, url)
	got := f.longPoll(url, aws.Int32(20))
	f.waitForPoll(t, 1)
	f.clock.Advance(5 * time.Second)
	assert.Len(t, componenttest.Recv(t, "the long poll", got), 1)
}

func TestServer_long_poll_ends_empty_after_the_wait_time(t *testing.T) {
	f := newFixture(t)
	url := f.queue(t, "orders", map[string]string{"ReceiveMessageWaitTimeSeconds": "20"})
	got := f.longPoll(url, nil)
	f.waitForPoll(t, 1)
	f.clock.Advance(20 * time.Second) // the queue's default wait time
	assert.Empty(t, componenttest.Recv(t, "the long poll", got))
}

func TestServer_long_poll_woken_by_another_queue_waits_out_its_own_time(t *testing.T) {
	f := newFixture(t)
	url := f.queue(t, "orders", nil)
	other := f.queue(t, "returns", nil)
	got := f.longPoll(url, aws.Int32(20))
	f.waitForPoll(t, 1)
	for range 3 {
		f.send(t, other, "not for orders")
	}
	f.waitForPoll(t, 1) // each wake gave up its wait and took one wait again
	f.clock.Advance(20 * time.Second)
	assert.Empty(t, componenttest.Recv(t, "the long poll", got), "nothing for orders in its 20 s")
	f.waitForPoll(t, 0)
}

func TestServer_long_poll_stops_waiting_when_its_client_gives_up(t *testing.T) {
	f := newFixture(t)
	url := f.queue(t, "orders", nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := f.client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), WaitTimeSeconds: 20})
		done <- err
	}()
	f.waitForPoll(t, 1)
	cancel()
	require.ErrorIs(t, componenttest.Recv(t, "the cancelled receive", done), context.Canceled)
	f.waitForPoll(t, 0) // the server's handler saw the connection go and dropped its wait
}

func TestServer_answers_bad_requests_with_aws_errors(t *testing.T) {
	f := newFixture(t)
	url := f.queue(t, "orders", nil)
	fifo := f.queue(t, "orders.fifo", nil)
	f.send(t, url, "hello")
	m := f.receiveOne(t, url)
	ctx := context.Background()
	tests := []struct {
		name     string
		call     func() error
		typ      any // a pointer to the modeled error type, or nil
		wantCode string
	}{
		{"unknown queue name", func() error {
			_, err := f.client.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("nope")})
			return err
		}, new(*types.QueueDoesNotExist), "AWS.SimpleQueueService.NonExistentQueue"},
		{"unknown queue url", func() error {
			_, err := f.client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(f.srv.URL() + "/123456789012/nope")})
			return err
		}, new(*types.QueueDoesNotExist), "AWS.SimpleQueueService.NonExistentQueue"},
		{"another account's queue", func() error {
			_, err := f.client.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(f.srv.URL() + "/999999999999/orders"), MessageBody: aws.String("x")})
			return err
		}, new(*types.QueueDoesNotExist), "AWS.SimpleQueueService.NonExistentQueue"},
		{"too many messages", func() error {
			_, err := f.client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), MaxNumberOfMessages: 11})
			return err
		}, nil, "InvalidParameterValue"},
		{"wait time over 20 s", func() error {
			_, err := f.client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), WaitTimeSeconds: 21})
			return err
		}, nil, "InvalidParameterValue"},
		{"a receipt handle the queue never issued", func() error {
			_, err := f.client.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: aws.String("bogus")})
			return err
		}, new(*types.ReceiptHandleIsInvalid), "ReceiptHandleIsInvalid"},
		{"another queue's receipt handle", func() error {
			_, err := f.client.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(fifo), ReceiptHandle: m.ReceiptHandle})
			return err
		}, new(*types.ReceiptHandleIsInvalid), "ReceiptHandleIsInvalid"},
		{"visibility beyond 12 hours", func() error {
			_, err := f.client.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{QueueUrl: aws.String(url), ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 43201})
			return err
		}, nil, "InvalidParameterValue"},
		{"empty body", func() error {
			_, err := f.client.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String("")})
			return err
		}, nil, "MissingParameter"},
		{"a control character in the body", func() error {
			_, err := f.client.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String("a\x01b")})
			return err
		}, new(*types.InvalidMessageContents), "InvalidMessageContents"},
		{"FIFO send without a group", func() error {
			_, err := f.client.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(fifo), MessageBody: aws.String("x")})
			return err
		}, nil, "MissingParameter"},
		{"FIFO send without deduplication", func() error {
			_, err := f.client.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(fifo), MessageBody: aws.String("x"), MessageGroupId: aws.String("g")})
			return err
		}, nil, "InvalidParameterValue"},
		{"FifoQueue without the .fifo suffix", func() error {
			_, err := f.client.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("plain"), Attributes: map[string]string{"FifoQueue": "true"}})
			return err
		}, nil, "InvalidParameterValue"},
		{"an unknown queue attribute", func() error {
			_, err := f.client.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(url), AttributeNames: []types.QueueAttributeName{"Colour"}})
			return err
		}, new(*types.InvalidAttributeName), "InvalidAttributeName"},
		{"a visibility timeout out of range", func() error {
			_, err := f.client.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("slow"), Attributes: map[string]string{"VisibilityTimeout": "43201"}})
			return err
		}, new(*types.InvalidAttributeValue), "InvalidAttributeValue"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			require.Error(t, err)
			var apiErr smithy.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tt.wantCode, apiErr.ErrorCode())
			assert.Equal(t, smithy.FaultClient, apiErr.ErrorFault())
			if tt.typ != nil {
				assert.True(t, errors.As(err, tt.typ), "want %T, got %T", tt.typ, apiErr)
			}
		})
	}
}

func TestServer_change_visibility_of_a_message_no_longer_in_flight_fails(t *testing.T) {
	f := newFixture(t)
	url := f.queue(t, "orders", nil)
	f.send(t, url, "hello")
	m := f.receiveOne(t, url)
	f.clock.Advance(30 * time.Second)
	_, err := f.client.ChangeMessageVisibility(context.Background(), &sqs.ChangeMessageVisibilityInput{
		QueueUrl: aws.String(url), ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 30,
	})
	var notInflight *types.MessageNotInflight
	require.ErrorAs(t, err, &notInflight)

	f.receiveOne(t, url)
	_, err = f.client.ChangeMessageVisibility(context.Background(), &sqs.ChangeMessageVisibilityInput{
		QueueUrl: aws.String(url), ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 30,
	})
	var apiErr smithy.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "InvalidParameterValue", apiErr.ErrorCode(), "a stale handle cannot change visibility")
}

func TestServer_delayed_messages_wait_before_they_can_be_received(t *testing.T) {
	f := newFixture(t)
	url := f.queue(t, "orders", nil)
	_, err := f.client.SendMessage(context.Background(), &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String("x"), DelaySeconds: 10})
	require.NoError(t, err)
	stats, ok := f.srv.Stats("orders")
	require.True(t, ok)
	assert.Equal(t, 1, stats.Delayed)
	assert.Empty(t, f.receive(t, url, 1))
	f.clock.Advance(10 * time.Second)
	f.receiveOne(t, url)
}
