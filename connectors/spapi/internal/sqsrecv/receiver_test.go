package sqsrecv_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/spapi/internal/sqsrecv"
	"github.com/pipewright/pipewright/connectors/spapi/simulator/sqsserver"
	"github.com/pipewright/pipewright/engine/componenttest"
)

type fixture struct {
	srv    *sqsserver.Server
	clock  *componenttest.ManualClock
	client *sqs.Client
	url    string
	recv   *sqsrecv.Receiver
}

func newFixture(t *testing.T, visibility time.Duration) *fixture {
	t.Helper()
	clock := componenttest.NewManualClock(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))
	srv := sqsserver.New(sqsserver.Options{Clock: clock})
	require.NoError(t, srv.Start())
	t.Cleanup(func() { require.NoError(t, srv.Close()) })
	url, err := srv.CreateQueue("notifications", nil)
	require.NoError(t, err)
	client, err := sqsrecv.NewClient(context.Background(), sqsrecv.Access{Endpoint: srv.URL(), AccessKeyID: "AKID", SecretAccessKey: "secret"}, url)
	require.NoError(t, err)
	recv := sqsrecv.New(client, sqsrecv.Config{QueueURL: url, Visibility: visibility, Clock: clock})
	return &fixture{srv: srv, clock: clock, client: client, url: url, recv: recv}
}

func (f *fixture) send(t *testing.T, bodies ...string) {
	t.Helper()
	for _, b := range bodies {
		_, err := f.client.SendMessage(context.Background(), &sqs.SendMessageInput{QueueUrl: aws.String(f.url), MessageBody: aws.String(b)})
		require.NoError(t, err)
	}
}

func (f *fixture) stats(t *testing.T) sqsserver.QueueStats {
	t.Helper()
	s, ok := f.srv.Stats("notifications")
	require.True(t, ok)
	return s
}

func TestReceiver_deletes_only_what_the_caller_made_durable(t *testing.T) {
	f := newFixture(t, 10*time.Second)
	f.send(t, "a", "b")
	b, err := f.recv.Receive(context.Background())
	require.NoError(t, err)
	require.Len(t, b.Messages, 2)
	assert.Equal(t, 1, b.Messages[0].ReceiveCount)
	require.NoError(t, b.Delete(context.Background(), b.Messages[0]))
	b.Close()
	assert.Equal(t, sqsserver.QueueStats{InFlight: 1}, f.stats(t))

	f.clock.Advance(10 * time.Second)
	again, err := f.recv.Receive(context.Background())
	require.NoError(t, err)
	defer again.Close()
	require.Len(t, again.Messages, 1)
	assert.Equal(t, string(b.Messages[1].Body), string(again.Messages[0].Body), "the undeleted message comes back")
	assert.Equal(t, 2, again.Messages[0].ReceiveCount)
}

func TestReceiver_keeps_a_held_message_hidden_past_its_visibility_timeout(t *testing.T) {
	f := newFixture(t, 10*time.Second)
	f.send(t, "slow")
	b, err := f.recv.Receive(context.Background())
	require.NoError(t, err)
	require.Len(t, b.Messages, 1)

	for range 4 { // 20 s: twice the visibility timeout
		require.Eventually(t, func() bool { return f.clock.Waiters() == 1 }, componenttest.WaitLimit, time.Millisecond, "the renewal waits")
		f.clock.Advance(5 * time.Second)
	}
	require.Eventually(t, func() bool { return f.clock.Waiters() == 1 }, componenttest.WaitLimit, time.Millisecond)
	assert.Equal(t, sqsserver.QueueStats{InFlight: 1}, f.stats(t), "renewed while held")

	b.Close()
	assert.Zero(t, f.clock.Waiters(), "no renewal waits once the batch is closed")
	f.clock.Advance(10 * time.Second)
	assert.Equal(t, sqsserver.QueueStats{Visible: 1}, f.stats(t), "back once the batch let go")
}

func TestReceiver_long_polls_until_a_message_arrives(t *testing.T) {
	f := newFixture(t, 10*time.Second)
	got := make(chan *sqsrecv.Batch, 1)
	go func() {
		b, err := f.recv.Receive(context.Background())
		if err != nil {
			b = &sqsrecv.Batch{}
		}
		got <- b
	}()
	require.Eventually(t, func() bool { return f.clock.Waiters() == 1 }, componenttest.WaitLimit, time.Millisecond)
	f.send(t, "late")
	b := componenttest.Recv(t, "the long poll", got)
	defer b.Close()
	require.Len(t, b.Messages, 1)
	assert.Equal(t, "late", string(b.Messages[0].Body))
}

func TestReceiver_reports_a_missing_queue(t *testing.T) {
	f := newFixture(t, 10*time.Second)
	recv := sqsrecv.New(f.client, sqsrecv.Config{QueueURL: f.srv.URL() + "/000000000000/gone", Clock: f.clock})
	_, err := recv.Receive(context.Background())
	require.ErrorContains(t, err, "NonExistentQueue")
}

func TestQueueURL_helpers(t *testing.T) {
	tests := []struct {
		url, region string
		fifo        bool
	}{
		{"https://sqs.eu-west-1.amazonaws.com/123456789012/orders", "eu-west-1", false},
		{"https://sqs.us-east-1.amazonaws.com/123456789012/orders.fifo", "us-east-1", true},
		{"http://127.0.0.1:4566/000000000000/orders", "", false},
		{"http://127.0.0.1:4566/000000000000/orders.fifo/", "", true},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.region, sqsrecv.RegionOf(tt.url), tt.url)
		assert.Equal(t, tt.fifo, sqsrecv.IsFIFO(tt.url), tt.url)
	}
}
