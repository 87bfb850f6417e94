package simulator

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

// secretQueue delivers the application notifications (new secret, expiry
// announcement) to the queue registered in SecretRotationConfig, with the
// AWS SDK's SQS client (the JSON protocol), in order. A failed send is
// retried, with a growing pause of up to 30s, until it succeeds or the
// simulator stops. The notifications carry a secret: nothing here logs a
// body.
type secretQueue struct {
	client   *sqs.Client
	queueURL string
	log      *slog.Logger
	mu       sync.Mutex
	pending  [][]byte
	kick     chan struct{}
}

// newSecretQueue returns the sender for cfg's queue, or nil when no queue is
// registered.
func newSecretQueue(cfg SecretRotationConfig, log *slog.Logger) (*secretQueue, error) {
	if cfg.QueueURL == "" {
		return nil, nil
	}
	u, err := url.Parse(cfg.QueueURL)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("secret rotation queue %q: not a queue URL", cfg.QueueURL)
	}
	region := cfg.Region
	if region == "" {
		region = queueRegion(u.Host)
	}
	client := sqs.New(sqs.Options{
		Region:       region,
		BaseEndpoint: aws.String(u.Scheme + "://" + u.Host),
		// Amazon writes to the queue with its own credentials; the
		// simulator's stand-ins are accepted by a local SQS server.
		Credentials: credentials.NewStaticCredentialsProvider("pipewright-simulator", "pipewright-simulator", ""),
	})
	return &secretQueue{client: client, queueURL: cfg.QueueURL, log: log, kick: make(chan struct{}, 1)}, nil
}

// queueRegion reads the region from an SQS host (sqs.eu-west-1.amazonaws.com).
func queueRegion(host string) string {
	parts := strings.Split(host, ".")
	if len(parts) >= 4 && parts[0] == "sqs" {
		return parts[1]
	}
	return "us-east-1"
}

// add queues a notification body for sending.
func (q *secretQueue) add(body []byte) {
	q.mu.Lock()
	q.pending = append(q.pending, body)
	q.mu.Unlock()
	select {
	case q.kick <- struct{}{}:
	default:
	}
}

// run sends the queued notifications until ctx ends.
func (q *secretQueue) run(ctx context.Context) {
	pause := time.Second
	for {
		q.mu.Lock()
		var next []byte
		if len(q.pending) > 0 {
			next = q.pending[0]
		}
		q.mu.Unlock()
		if next == nil {
			select {
			case <-ctx.Done():
				return
			case <-q.kick:
				continue
			}
		}
		_, err := q.client.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(q.queueURL), MessageBody: aws.String(string(next))})
		if err == nil {
			q.mu.Lock()
			q.pending = q.pending[1:]
			q.mu.Unlock()
			pause = time.Second
			continue
		}
		if ctx.Err() != nil {
			return
		}
		q.log.Warn("sending an application notification to the secret rotation queue failed; retrying", "queue", q.queueURL, "retry_in", pause, "error", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(pause):
		}
		pause = min(2*pause, 30*time.Second)
	}
}

// sendToSecretQueue queues an application notification of typ for the
// registered queue. The caller holds s.mu.
func (s *Server) sendToSecretQueue(typ string, now time.Time, payload map[string]any) {
	id := s.newUUID()
	body, _ := encodeJSON(map[string]any{ // strings and maps of strings: cannot fail
		"notificationVersion": "1.0", "notificationType": typ, "payloadVersion": "2023-11-30", "eventTime": iso(now),
		"payload": payload,
		"notificationMetadata": map[string]string{
			"applicationId": applicationID, "subscriptionId": s.subscriptionID(typ), "publishTime": iso(now), "notificationId": id,
		},
	})
	s.secretQueue.add(body)
}
