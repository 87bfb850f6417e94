package sqsrecv_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/spapi/internal/sqsrecv"
	"github.com/pipewright/pipewright/engine/componenttest"
)

// silentSQS hands out one message and never answers a visibility change
// until its caller gives up, like an SQS endpoint that stopped answering.
type silentSQS struct {
	changing chan struct{}
}

func (s *silentSQS) ReceiveMessage(context.Context, *sqs.ReceiveMessageInput, ...func(*sqs.Options)) (*sqs.ReceiveMessageOutput, error) {
	return &sqs.ReceiveMessageOutput{Messages: []types.Message{{MessageId: aws.String("m1"), Body: aws.String("{}"), ReceiptHandle: aws.String("h1")}}}, nil
}

func (s *silentSQS) DeleteMessage(context.Context, *sqs.DeleteMessageInput, ...func(*sqs.Options)) (*sqs.DeleteMessageOutput, error) {
	return &sqs.DeleteMessageOutput{}, nil
}

func (s *silentSQS) ChangeMessageVisibility(ctx context.Context, _ *sqs.ChangeMessageVisibilityInput, _ ...func(*sqs.Options)) (*sqs.ChangeMessageVisibilityOutput, error) {
	s.changing <- struct{}{}
	<-ctx.Done()
	return nil, ctx.Err()
}

// Close used to wait for a renewal in flight until its timeout, half the
// visibility timeout of real time (here five minutes), holding up the
// source's Shutdown.
func TestBatch_Close_ends_a_renewal_the_endpoint_does_not_answer(t *testing.T) {
	clock := componenttest.NewManualClock(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))
	api := &silentSQS{changing: make(chan struct{}, 1)}
	logs := &componenttest.SyncBuffer{}
	recv := sqsrecv.New(api, sqsrecv.Config{QueueURL: "https://sqs.example/1/q", Visibility: 10 * time.Minute, Clock: clock,
		Logger: slog.New(slog.NewTextHandler(logs, nil))})
	b, err := recv.Receive(context.Background())
	require.NoError(t, err)
	require.Len(t, b.Messages, 1)
	componenttest.WaitFor(t, "the renewal to wait on the clock", func() bool { return clock.Waiters() == 1 })
	clock.Advance(5 * time.Minute)
	componenttest.Recv(t, "the renewal to call SQS", api.changing)

	closed := make(chan struct{})
	go func() {
		b.Close()
		close(closed)
	}()
	componenttest.Recv(t, "Close to return while SQS does not answer", closed)
	assert.Zero(t, clock.Waiters(), "no renewal waits on the clock after Close")
	assert.Empty(t, logs.String(), "a renewal ended by Close is no failure to warn about")
}
