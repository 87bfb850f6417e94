package sqsserver_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/componenttest"
)

func TestServer_held_delete_completes_when_released(t *testing.T) {
	f := newFixture(t)
	url := f.queue(t, "orders", nil)
	f.send(t, url, "hello")
	m := f.receiveOne(t, url)

	f.srv.HoldDeletes()
	done := make(chan error, 1)
	go func() {
		_, err := f.client.DeleteMessage(context.Background(), &sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: m.ReceiptHandle})
		done <- err
	}()
	require.Eventually(t, func() bool { return f.srv.HeldDeletes() == 1 }, componenttest.WaitLimit, 5*time.Millisecond)
	f.srv.ReleaseDeletes()
	require.NoError(t, componenttest.Recv(t, "the released delete", done))
	stats, _ := f.srv.Stats("orders")
	assert.Equal(t, 0, stats.InFlight+stats.Visible)
}

func TestServer_held_delete_of_a_consumer_that_goes_away_deletes_nothing(t *testing.T) {
	f := newFixture(t)
	url := f.queue(t, "orders", nil)
	f.send(t, url, "hello")
	m := f.receiveOne(t, url)

	f.srv.HoldDeletes()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := f.client.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: m.ReceiptHandle})
		done <- err
	}()
	require.Eventually(t, func() bool { return f.srv.HeldDeletes() == 1 }, componenttest.WaitLimit, 5*time.Millisecond)
	cancel() // the consumer dies between receive and delete
	require.Error(t, componenttest.Recv(t, "the cancelled delete", done))
	require.Eventually(t, func() bool { return f.srv.HeldDeletes() == 0 }, componenttest.WaitLimit, 5*time.Millisecond)
	f.srv.ReleaseDeletes()

	assert.Equal(t, start, f.srv.OldestSent("orders"), "still queued")

	f.clock.Advance(30 * time.Second)
	again := f.receiveOne(t, url)
	assert.Equal(t, "2", again.Attributes["ApproximateReceiveCount"], "redelivered after the visibility timeout")
	f.deleteMessage(t, url, again)
	assert.True(t, f.srv.OldestSent("orders").IsZero(), "empty")
}
