package spapi

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

// queueMessage is one message received from the rotation queue.
type queueMessage struct {
	id, handle string
	body       []byte
}

// secretQueue is the SQS queue the application's secret notifications
// arrive on. Implementations are safe for concurrent use.
type secretQueue interface {
	// receive long-polls for messages (none is not an error).
	receive(ctx context.Context) ([]queueMessage, error)
	// remove deletes a handled message.
	remove(ctx context.Context, handle string) error
}

// sqsQueue receives with the AWS SDK's SQS client (the JSON protocol).
type sqsQueue struct {
	client *sqs.Client
	url    string
}

// newSQSQueue returns the queue of cfg. Without configured keys it takes
// AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN from the
// environment.
func newSQSQueue(cfg RotationConfig) (*sqsQueue, error) {
	u, err := url.Parse(cfg.QueueURL)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("rotation queue %q: not a queue URL", cfg.QueueURL)
	}
	region := cfg.Region
	if region == "" {
		region = "us-east-1"
		if parts := strings.Split(u.Host, "."); len(parts) >= 4 && parts[0] == "sqs" {
			region = parts[1]
		}
	}
	id, key, token := cfg.AccessKeyID, cfg.SecretAccessKey, ""
	if id == "" {
		id, key, token = os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY"), os.Getenv("AWS_SESSION_TOKEN")
	}
	opts := sqs.Options{Region: region, BaseEndpoint: aws.String(u.Scheme + "://" + u.Host)}
	if id != "" {
		opts.Credentials = credentials.NewStaticCredentialsProvider(id, key, token)
	}
	return &sqsQueue{client: sqs.New(opts), url: cfg.QueueURL}, nil
}

func (q *sqsQueue) receive(ctx context.Context) ([]queueMessage, error) {
	out, err := q.client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{
		QueueUrl: aws.String(q.url), MaxNumberOfMessages: 10, WaitTimeSeconds: 20, VisibilityTimeout: 60,
	})
	if err != nil {
		return nil, fmt.Errorf("receiving from the rotation queue: %w", err)
	}
	msgs := make([]queueMessage, 0, len(out.Messages))
	for _, m := range out.Messages {
		msgs = append(msgs, queueMessage{id: aws.ToString(m.MessageId), handle: aws.ToString(m.ReceiptHandle), body: []byte(aws.ToString(m.Body))})
	}
	return msgs, nil
}

func (q *sqsQueue) remove(ctx context.Context, handle string) error {
	_, err := q.client.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(q.url), ReceiptHandle: aws.String(handle)})
	if err != nil {
		return fmt.Errorf("deleting from the rotation queue: %w", err)
	}
	return nil
}
