package spapi

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/pipewright/pipewright/connectors/internal/metric"
	"github.com/pipewright/pipewright/connectors/spapi/internal/sqsrecv"
	"github.com/pipewright/pipewright/engine/component"
)

// The SQS intake long-polls a notification queue in a loop the engine
// runs as one of the source's polls, so in a cluster only the engine that
// holds the source's lease reads the queue (as for every poller; SQS would
// hand each message to one reader anyway, but one reader keeps the
// receive calls, and the visibility renewals, to one engine). Each message
// is unwrapped and validated as the webhook does and passed to the same
// handler, which makes it durable (publishes the notification, or records
// the order to fetch); the batch's Ack then deletes it. While the batch is
// worked its messages stay hidden (sqsrecv renews their visibility); a
// message whose handling failed is left to come back after its visibility
// timeout, and one that is not a valid notification is dead-lettered with
// the reason and only then deleted. A message received twice (an engine
// died between receive and delete) gives the same NotificationId, hence
// the same message id or pending record, which the stream and the order
// cache de-duplicate. The renewals are timed on the engine clock: the wall
// clock in production, and faster than SQS's in an accelerated demo, which
// only renews more often.

// sqsPollEvery is the round of the SQS loop: it polls again at once after
// every receive (a batch asks for More), so this only paces a loop whose
// poll failed permanently.
const sqsPollEvery = time.Minute

// sqsIntake reads one queue for a source or a sink.
type sqsIntake struct {
	recv   *sqsrecv.Receiver
	set    component.Settings
	dead   component.DeadLetterer
	handle notificationFunc
	typ    string // the source type, in errors and logs
	// messages counts received messages by outcome: durable, dead_lettered,
	// failed (left for redelivery), deleted, delete_failed.
	messages *prometheus.CounterVec

	mu   sync.Mutex
	held *sqsrecv.Batch // the last batch read, until its Ack
}

// newSQSIntake returns the intake of q, reaching SQS with access; it calls
// nothing.
func newSQSIntake(ctx context.Context, typ string, q *SQSIntake, access sqsrecv.Access, set component.Settings, dead component.DeadLetterer, handle notificationFunc) (*sqsIntake, error) {
	client, err := sqsrecv.NewClient(ctx, access, q.QueueURL)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", typ, err)
	}
	cfg := q.receiverConfig()
	cfg.Clock, cfg.Logger = set.Clock, set.Logger
	return &sqsIntake{recv: sqsrecv.New(client, cfg), set: set, dead: dead, handle: handle, typ: typ,
		messages: metric.CounterVec(set.Metrics, prometheus.CounterOpts{
			Name: "pipewright_spapi_sqs_messages_total",
			Help: "SQS notification messages the intakes handled, by outcome (durable, dead_lettered, failed, deleted, delete_failed).",
		}, "outcome")}, nil
}

// poll is the loop the engine runs.
func (in *sqsIntake) poll() component.Poll {
	return component.Poll{Name: "sqs", CursorKey: "sqs-cursor", Every: sqsPollEvery, Read: in.read}
}

// run is the loop of a sink's intake (a sink has no polls for the engine
// to run): receive, hand over, delete, until ctx ends; a failed receive is
// tried again after sqsRetryAfter.
func (in *sqsIntake) run(ctx context.Context) {
	defer in.release()
	for ctx.Err() == nil {
		b, err := in.read(ctx, nil)
		if err == nil && b.Ack != nil {
			err = b.Ack(ctx)
		}
		if err != nil && ctx.Err() == nil {
			in.set.Logger.Warn(in.typ+": receiving SQS notifications failed; trying again", "error", err)
			_ = component.Sleep(ctx, in.set.Clock, sqsRetryAfter) // the loop ends when ctx did
		}
	}
}

// sqsRetryAfter is how long a sink's intake waits after a failed receive.
const sqsRetryAfter = 10 * time.Second

// read receives a batch and hands each message to the handler; the batch's
// Ack deletes those that were made durable or dead-lettered.
func (in *sqsIntake) read(ctx context.Context, _ []byte) (component.Batch, error) {
	in.release()
	b, err := in.recv.Receive(ctx)
	if err != nil {
		return component.Batch{}, component.Retryable(fmt.Errorf("%s: %w", in.typ, err))
	}
	if len(b.Messages) == 0 {
		b.Close()
		return component.Batch{More: true}, nil
	}
	in.mu.Lock()
	in.held = b
	in.mu.Unlock()
	var done []sqsrecv.Message
	for _, m := range b.Messages {
		outcome, err := in.accept(ctx, m)
		in.messages.WithLabelValues(outcome).Inc()
		if err != nil {
			if ctx.Err() == nil {
				in.set.Logger.Warn(in.typ+": handling an SQS notification failed; it comes back after its visibility timeout",
					"sqs_message_id", m.ID, "error", err)
			}
			continue
		}
		done = append(done, m)
	}
	return component.Batch{More: true, Ack: func(ctx context.Context) error {
		for _, m := range done {
			if err := b.Delete(ctx, m); err != nil {
				in.messages.WithLabelValues("delete_failed").Inc()
				in.set.Logger.Warn(in.typ+": the notification is durable but its SQS delete failed; its redelivery will be de-duplicated", "error", err)
				continue
			}
			in.messages.WithLabelValues("deleted").Inc()
		}
		in.release()
		return nil
	}}, nil
}

// accept makes one message durable: through the handler, or, when it is
// not a notification the source takes, to the dead-letter stream; it
// returns the outcome. An error leaves the message in the queue.
func (in *sqsIntake) accept(ctx context.Context, m sqsrecv.Message) (string, error) {
	n, err := readNotification(m.Body)
	if err == nil {
		n.receivedAt = in.set.Clock.Now()
		_, err = in.handle(ctx, n)
	}
	switch {
	case err == nil:
		return "durable", nil
	case !component.IsPermanent(err):
		return "failed", err
	}
	id := "sqs:" + m.ID
	if n != nil {
		id = n.header.ID
	}
	var body any = string(m.Body)
	if json.Valid(m.Body) {
		body, _ = component.DecodeJSON(m.Body)
	}
	dl := component.NewMessage(id, body)
	dl.SetMeta(MetaSQSMessageID, m.ID)
	if dlErr := in.dead.DeadLetter(ctx, dl, fmt.Errorf("SQS notification %s: %w", m.ID, err)); dlErr != nil {
		return "failed", fmt.Errorf("dead-lettering SQS message %s: %w", m.ID, dlErr)
	}
	return "dead_lettered", nil
}

// release stops holding the last batch read: its messages not deleted
// come back after their visibility timeout.
func (in *sqsIntake) release() {
	in.mu.Lock()
	b := in.held
	in.held = nil
	in.mu.Unlock()
	if b != nil {
		b.Close()
	}
}

// MetaSQSMessageID is the metadata key of a dead-lettered SQS message's
// SQS message id.
const MetaSQSMessageID = "spapi-sqs-message-id"
