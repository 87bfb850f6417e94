package sqsserver_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/spapi/simulator/sqsserver"
	"github.com/pipewright/pipewright/engine/componenttest"
)

var start = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// fixture is a started server on a manual clock and an SDK client for it.
type fixture struct {
	srv    *sqsserver.Server
	clock  *componenttest.ManualClock
	client *sqs.Client
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	clock := componenttest.NewManualClock(start)
	srv := sqsserver.New(sqsserver.Options{Clock: clock, Region: "eu-west-1", AccountID: "123456789012"})
	require.NoError(t, srv.Start())
	t.Cleanup(func() { require.NoError(t, srv.Close()) })
	return &fixture{srv: srv, clock: clock, client: newClient(srv.URL())}
}

func newClient(endpoint string) *sqs.Client {
	return sqs.New(sqs.Options{
		Region: "eu-west-1", BaseEndpoint: aws.String(endpoint),
		Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
	})
}

func (f *fixture) queue(t *testing.T, name string, attrs map[string]string) string {
	t.Helper()
	out, err := f.client.CreateQueue(context.Background(), &sqs.CreateQueueInput{QueueName: aws.String(name), Attributes: attrs})
	require.NoError(t, err)
	return aws.ToString(out.QueueUrl)
}

func (f *fixture) send(t *testing.T, url, body string) string {
	t.Helper()
	out, err := f.client.SendMessage(context.Background(), &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String(body)})
	require.NoError(t, err)
	return aws.ToString(out.MessageId)
}

// receive makes a short-poll receive of up to max messages with every
// system attribute.
func (f *fixture) receive(t *testing.T, url string, max int32) []types.Message {
	t.Helper()
	out, err := f.client.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{
		QueueUrl: aws.String(url), MaxNumberOfMessages: max,
		MessageSystemAttributeNames: []types.MessageSystemAttributeName{types.MessageSystemAttributeNameAll},
	})
	require.NoError(t, err)
	return out.Messages
}

func (f *fixture) receiveOne(t *testing.T, url string) types.Message {
	t.Helper()
	got := f.receive(t, url, 1)
	require.Len(t, got, 1)
	return got[0]
}

func (f *fixture) deleteMessage(t *testing.T, url string, m types.Message) {
	t.Helper()
	_, err := f.client.DeleteMessage(context.Background(), &sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: m.ReceiptHandle})
	require.NoError(t, err)
}

// longPoll receives in the background with wait seconds (nil: the
// queue's default) and sends what it got; nil on an error.
func (f *fixture) longPoll(url string, wait *int32) <-chan []types.Message {
	got := make(chan []types.Message, 1)
	go func() {
		in := &sqs.ReceiveMessageInput{QueueUrl: aws.String(url)}
		if wait != nil {
			in.WaitTimeSeconds = *wait
		}
		out, err := f.client.ReceiveMessage(context.Background(), in)
		if err != nil {
			got <- nil
			return
		}
		got <- out.Messages
	}()
	return got
}

// waitForPoll waits until exactly n long polls wait on the clock (a poll
// that ended or was woken no longer counts).
func (f *fixture) waitForPoll(t *testing.T, n int) {
	t.Helper()
	componenttest.WaitFor(t, fmt.Sprintf("%d long polls waiting on the clock", n), func() bool { return f.clock.Waiters() == n })
}
