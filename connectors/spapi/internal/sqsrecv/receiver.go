package sqsrecv

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"

	"github.com/pipewright/pipewright/engine/component"
)

// Defaults of Config.
const (
	DefaultWait        = 20 * time.Second
	DefaultVisibility  = time.Minute
	DefaultMaxMessages = 10
)

// API is the part of *sqs.Client a Receiver calls.
type API interface {
	ReceiveMessage(ctx context.Context, in *sqs.ReceiveMessageInput, opts ...func(*sqs.Options)) (*sqs.ReceiveMessageOutput, error)
	DeleteMessage(ctx context.Context, in *sqs.DeleteMessageInput, opts ...func(*sqs.Options)) (*sqs.DeleteMessageOutput, error)
	ChangeMessageVisibility(ctx context.Context, in *sqs.ChangeMessageVisibilityInput, opts ...func(*sqs.Options)) (*sqs.ChangeMessageVisibilityOutput, error)
}

var _ API = (*sqs.Client)(nil)

// Config configures a Receiver.
type Config struct {
	// QueueURL is the queue to read.
	QueueURL string
	// Wait is the long poll of one ReceiveMessage (default 20s, at most
	// 20s).
	Wait time.Duration
	// Visibility is how long a received message stays hidden; a Batch
	// renews it every half of it while the message is held (default 1m,
	// at least 2s).
	Visibility time.Duration
	// MaxMessages is the most messages one receive returns (1 to 10,
	// default 10).
	MaxMessages int
	// Clock times the renewals; nil means the wall clock.
	Clock component.Clock
	// Logger receives warnings; nil discards them.
	Logger *slog.Logger
}

// Receiver reads one queue. Its methods are safe for concurrent use.
type Receiver struct {
	api API
	cfg Config
}

// New returns a Receiver of cfg.QueueURL through api, with cfg's defaults
// filled in.
func New(api API, cfg Config) *Receiver {
	cfg.Wait = min(cmp.Or(cfg.Wait, DefaultWait), 20*time.Second)
	cfg.Visibility = max(cmp.Or(cfg.Visibility, DefaultVisibility), 2*time.Second)
	cfg.MaxMessages = min(max(cmp.Or(cfg.MaxMessages, DefaultMaxMessages), 1), 10)
	if cfg.Clock == nil {
		cfg.Clock = component.WallClock{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Receiver{api: api, cfg: cfg}
}

// Message is one received message.
type Message struct {
	// ID is SQS's message id.
	ID string
	// Body is the message body.
	Body []byte
	// ReceiveCount is how often SQS handed the message out, this time
	// included (more than 1: an earlier reader did not delete it).
	ReceiveCount int
	handle       string
}

// Receive long-polls for up to MaxMessages messages (Wait at most) and
// returns them as a Batch holding them: an empty batch when none arrived.
// The caller deletes those it made durable and closes the batch.
func (r *Receiver) Receive(ctx context.Context) (*Batch, error) {
	out, err := r.api.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{
		QueueUrl:                    aws.String(r.cfg.QueueURL),
		MaxNumberOfMessages:         int32(r.cfg.MaxMessages),
		WaitTimeSeconds:             int32(r.cfg.Wait / time.Second),
		VisibilityTimeout:           int32(r.cfg.Visibility / time.Second),
		MessageSystemAttributeNames: []types.MessageSystemAttributeName{types.MessageSystemAttributeNameApproximateReceiveCount},
	})
	if err != nil {
		return nil, fmt.Errorf("receiving from SQS: %w", err)
	}
	b := &Batch{r: r, held: map[string]Message{}, stop: make(chan struct{}), done: make(chan struct{})}
	for _, m := range out.Messages {
		n, _ := strconv.Atoi(m.Attributes[string(types.MessageSystemAttributeNameApproximateReceiveCount)])
		msg := Message{ID: aws.ToString(m.MessageId), Body: []byte(aws.ToString(m.Body)), ReceiveCount: n, handle: aws.ToString(m.ReceiptHandle)}
		b.Messages = append(b.Messages, msg)
		b.held[msg.handle] = msg
	}
	if len(b.Messages) == 0 {
		close(b.done)
		return b, nil
	}
	go b.renew()
	return b, nil
}

// Batch is a received batch. Until Close, the messages not yet deleted
// stay hidden from other readers: their visibility timeout is renewed
// every half of it.
type Batch struct {
	// Messages are the messages received, in SQS's order.
	Messages []Message

	r         *Receiver
	mu        sync.Mutex
	held      map[string]Message // by receipt handle
	stop      chan struct{}
	done      chan struct{}
	closeOnce sync.Once
}

// Delete deletes m from the queue and stops renewing it. Call it only
// once m is durable elsewhere. A failed delete leaves m to come back after
// its visibility timeout.
func (b *Batch) Delete(ctx context.Context, m Message) error {
	b.mu.Lock()
	delete(b.held, m.handle)
	b.mu.Unlock()
	_, err := b.r.api.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(b.r.cfg.QueueURL), ReceiptHandle: aws.String(m.handle)})
	if err != nil {
		return fmt.Errorf("deleting SQS message %s: %w", m.ID, err)
	}
	return nil
}

// Close stops renewing the messages not deleted: they come back after
// their visibility timeout. It is safe to call more than once.
func (b *Batch) Close() {
	b.closeOnce.Do(func() {
		close(b.stop)
	})
	<-b.done
}

// renew extends the held messages' visibility every half timeout until
// Close. A message SQS no longer holds for this batch (another reader got
// it after a missed renewal) is dropped from the renewals. Close ends a
// renewal in flight: it does not wait for an SQS that does not answer.
func (b *Batch) renew() {
	defer close(b.done)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		<-b.stop // renew returns only once stop is closed
		cancel()
	}()
	every := b.r.cfg.Visibility / 2
	for {
		if component.Sleep(ctx, b.r.cfg.Clock, every) != nil {
			return
		}
		b.mu.Lock()
		held := make([]Message, 0, len(b.held))
		for _, m := range b.held {
			held = append(held, m)
		}
		b.mu.Unlock()
		for _, m := range held {
			if ctx.Err() != nil {
				break
			}
			b.extend(ctx, m)
		}
	}
}

func (b *Batch) extend(ctx context.Context, m Message) {
	stopped := ctx
	ctx, cancel := context.WithTimeout(ctx, b.r.cfg.Visibility/2)
	defer cancel()
	_, err := b.r.api.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{
		QueueUrl: aws.String(b.r.cfg.QueueURL), ReceiptHandle: aws.String(m.handle),
		VisibilityTimeout: int32(b.r.cfg.Visibility / time.Second),
	})
	if err == nil || stopped.Err() != nil { // closed: the message comes back after its timeout
		return
	}
	b.mu.Lock()
	_, held := b.held[m.handle]
	var notInflight *types.MessageNotInflight
	var invalid *types.ReceiptHandleIsInvalid
	var apiErr smithy.APIError
	gone := errors.As(err, &notInflight) || errors.As(err, &invalid) || (errors.As(err, &apiErr) && apiErr.ErrorCode() == "InvalidParameterValue")
	if gone {
		delete(b.held, m.handle) // no longer ours to renew
	}
	b.mu.Unlock()
	if !held {
		return // deleted while the renewal ran
	}
	b.r.cfg.Logger.Warn("extending the visibility of an SQS message failed; it may be received again", "message_id", m.ID, "error", err)
}
